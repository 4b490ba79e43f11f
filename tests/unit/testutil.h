/* testutil.h -- small helpers shared by the cmocka tests (include after
 * <cmocka.h>).  Static: each test binary gets its own copy.
 */
#ifndef XJ_TESTUTIL_H
#define XJ_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include "core/util.h"

/* The whole file at @path, NUL-terminated (caller frees); *len (may be
   NULL) gets its size.  Fails the test when it cannot be read. */
static inline char *
xj_test_slurp (const char *path, size_t *len)
{
  FILE *fp = fopen (path, "rb");
  char *buf;
  long n;

  assert_non_null (fp);
  fseek (fp, 0, SEEK_END);
  n = ftell (fp);
  fseek (fp, 0, SEEK_SET);
  buf = xj_malloc ((size_t) n + 1);
  assert_int_equal (fread (buf, 1, (size_t) n, fp), (size_t) n);
  buf[n] = '\0';
  fclose (fp);
  if (len)
    *len = (size_t) n;
  return buf;
}

#endif
