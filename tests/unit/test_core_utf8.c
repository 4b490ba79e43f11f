/* test_core_utf8.c -- xj_utf8_clean: upload names and reflected error
 * text become valid UTF-8 of a bounded size, cut on a character
 * boundary, invalid bytes replaced (issue 9, defects 2 and 12).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"

static void
check (const char *in, size_t max, const char *want)
{
  char *out = xj_utf8_clean (in, max);

  assert_string_equal (out, want);
  assert_true (strlen (out) <= max);
  assert_true (xj_utf8_valid (out, strlen (out)));
  free (out);
}

static void
cut_on_boundary (void **state)
{
  (void) state;
  /* 长 is 3 bytes: 7 bytes hold two of them, never half a third */
  check ("长长长", 7, "长长");
  check ("长长长", 9, "长长长");
  check ("ab", 0, "");
  check ("报表.xlsx", 240, "报表.xlsx");
}

static void
invalid_replaced (void **state)
{
  (void) state;
  /* GBK 学生 (D1 A7 C9 FA): D1 A7 happens to be UTF-8 (U+0467), C9 and
     FA are not: one U+FFFD each */
  check ("\xd1\xa7\xc9\xfa.csv", 240,
         "\xd1\xa7\xef\xbf\xbd\xef\xbf\xbd.csv");
  /* a truncated sequence at the end, an overlong, a surrogate */
  check ("a\xe9\x95", 240, "a\xef\xbf\xbd\xef\xbf\xbd");
  check ("\xc0\xaf", 240, "\xef\xbf\xbd\xef\xbf\xbd");
  check ("\xed\xa0\x80", 240, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  /* a replacement that does not fit is left out, not cut */
  check ("ab\xff", 4, "ab");
  /* control characters */
  check ("a\nb\tc\x7f", 240, "a_b_c_");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (cut_on_boundary),
    cmocka_unit_test (invalid_replaced),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
