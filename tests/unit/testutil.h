/* testutil.h -- small helpers shared by the cmocka tests (include after
 * <cmocka.h>).  Static: each test binary gets its own copy.
 */
#ifndef XJ_TESTUTIL_H
#define XJ_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
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

/* A fresh path /tmp/xj-@tag-XXXXXX in @path (@size bytes) where no file
   is: for a test database that xj_db_open (..., XJ_DB_OPEN_CREATE, ...)
   creates (it refuses an existing file). */
static inline void
xj_test_tmp_path (char *path, size_t size, const char *tag)
{
  int fd;

  xj_snprintf (path, size, "/tmp/xj-%s-XXXXXX", tag);
  fd = mkstemp (path);
  assert_true (fd >= 0);
  close (fd);
  unlink (path);
}

#endif
