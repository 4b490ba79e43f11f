/* test_idcard_parse.c -- resident ID numbers: check character, 15 -> 18
 * conversion, birth dates (leap years, future, before 1900), address
 * prefix, gender from the 17th digit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "idcard/idcard.h"

#define TODAY 20250601

static void
check_char_worked_example (void **state)
{
  (void) state;
  /* docs/domain.md §2: body 34052419800101001 gives X. */
  assert_int_equal ('X', xj_idcard_check_char ("34052419800101001"));
  assert_int_equal ('7', xj_idcard_check_char ("44182320150101123"));
  assert_int_equal ('5', xj_idcard_check_char ("44182320150101124"));
}

static void
parse_valid_18 (void **state)
{
  struct xj_idcard c;

  (void) state;
  assert_int_equal (XJ_E_OK,
                    xj_idcard_parse ("34052419800101001X", TODAY, &c));
  assert_string_equal ("34052419800101001X", c.id18);
  assert_string_equal ("340524", c.region6);
  assert_int_equal (1980, c.year);
  assert_int_equal (1, c.month);
  assert_int_equal (1, c.day);
  assert_int_equal (1, c.gender);  /* 17th digit 1: odd, male */
  assert_false (c.was_legacy);

  assert_int_equal (XJ_E_OK,
                    xj_idcard_parse ("440306201803150027", TODAY, &c));
  assert_int_equal (2, c.gender);  /* 17th digit 2: even, female */
}

static void
parse_lower_x_and_spaces (void **state)
{
  struct xj_idcard c;

  (void) state;
  assert_int_equal (XJ_E_OK,
                    xj_idcard_parse ("  34052419800101001x \t", TODAY, &c));
  assert_string_equal ("34052419800101001X", c.id18);
}

static void
parse_legacy_15 (void **state)
{
  struct xj_idcard c;

  (void) state;
  assert_int_equal (XJ_E_OK, xj_idcard_parse ("340524800101001", TODAY, &c));
  assert_string_equal ("34052419800101001X", c.id18);
  assert_true (c.was_legacy);
  assert_int_equal (1980, c.year);
  assert_int_equal (1, c.gender);
  /* 15 digits have no check character; letters are never allowed. */
  assert_int_equal (XJ_E_ID_CHARS,
                    xj_idcard_parse ("34052480010100X", TODAY, &c));
  /* 19 + 000230 is 30 Feb. */
  assert_int_equal (XJ_E_ID_BIRTH,
                    xj_idcard_parse ("340524000230001", TODAY, &c));
}

static void
parse_leap_years (void **state)
{
  struct xj_idcard c;

  (void) state;
  /* 2016 and 2000 are leap years. */
  assert_int_equal (XJ_E_OK,
                    xj_idcard_parse ("11010520160229002X", TODAY, &c));
  assert_int_equal (29, c.day);
  assert_int_equal (XJ_E_OK,
                    xj_idcard_parse ("11010520000229003X", TODAY, &c));
  /* 2015 and 1900 are not: the date is checked before the check digit. */
  assert_int_equal (XJ_E_ID_BIRTH,
                    xj_idcard_parse ("110105201502290021", TODAY, &c));
  assert_int_equal (XJ_E_ID_BIRTH,
                    xj_idcard_parse ("110105190002290021", TODAY, &c));
  assert_int_equal (XJ_E_ID_BIRTH,
                    xj_idcard_parse ("110105201513010021", TODAY, &c));
  assert_int_equal (XJ_E_ID_BIRTH,
                    xj_idcard_parse ("110105201504310021", TODAY, &c));
}

static void
parse_date_bounds (void **state)
{
  struct xj_idcard c;

  (void) state;
  assert_int_equal (XJ_E_ID_FUTURE,
                    xj_idcard_parse ("110105203001010021", TODAY, &c));
  /* today_ymd 0 skips the future check (then the check digit fails). */
  assert_int_equal (XJ_E_ID_CHECK,
                    xj_idcard_parse ("110105203001010021", 0, &c));
  assert_int_equal (XJ_E_ID_BIRTH,
                    xj_idcard_parse ("110105189912310021", TODAY, &c));
  /* Born today is allowed, tomorrow is not. */
  assert_int_equal (XJ_E_OK,
                    xj_idcard_parse ("110105202506010029", TODAY, &c));
  assert_int_equal (XJ_E_ID_FUTURE,
                    xj_idcard_parse ("110105202506020021", TODAY, &c));
}

static void
parse_errors (void **state)
{
  struct xj_idcard c;

  (void) state;
  assert_int_equal (XJ_E_ID_LENGTH, xj_idcard_parse ("", TODAY, &c));
  assert_int_equal (XJ_E_ID_LENGTH, xj_idcard_parse (NULL, TODAY, &c));
  assert_int_equal (XJ_E_ID_LENGTH,
                    xj_idcard_parse ("34052419800101001", TODAY, &c));
  assert_int_equal (XJ_E_ID_LENGTH,
                    xj_idcard_parse ("34052419800101001X1", TODAY, &c));
  assert_int_equal (XJ_E_ID_CHARS,
                    xj_idcard_parse ("3405241980010100XX", TODAY, &c));
  assert_int_equal (XJ_E_ID_CHARS,
                    xj_idcard_parse ("34052419800101001Y", TODAY, &c));
  assert_int_equal (XJ_E_ID_CHARS,
                    xj_idcard_parse ("3405241980 101001X", TODAY, &c));
  /* Wrong check digit: 3 where X is due. */
  assert_int_equal (XJ_E_ID_CHECK,
                    xj_idcard_parse ("340524198001010013", TODAY, &c));
  assert_string_equal ("", c.id18);
  /* Province prefixes: 99 and 10 do not exist, 81 and 71 do. */
  assert_int_equal (XJ_E_ID_REGION,
                    xj_idcard_parse ("990524198001010010", TODAY, &c));
  assert_int_equal (XJ_E_ID_REGION,
                    xj_idcard_parse ("100524198001010010", TODAY, &c));
  assert_int_equal (XJ_E_OK,
                    xj_idcard_parse ("810000201506010030", TODAY, &c));
  assert_int_equal (XJ_E_OK,
                    xj_idcard_parse ("710000201506010029", TODAY, &c));
}

static void
province_prefixes (void **state)
{
  static const int ok[] = { 11, 15, 21, 23, 31, 37, 41, 46, 50, 54,
                            61, 65, 71, 81, 82, 83 };
  static const int bad[] = { 0, 10, 16, 20, 24, 30, 38, 40, 47, 49,
                             55, 60, 66, 70, 72, 80, 84, 99 };

  (void) state;
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    assert_true (xj_idcard_province_ok (ok[i]));
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_false (xj_idcard_province_ok (bad[i]));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (check_char_worked_example),
    cmocka_unit_test (parse_valid_18),
    cmocka_unit_test (parse_lower_x_and_spaces),
    cmocka_unit_test (parse_legacy_15),
    cmocka_unit_test (parse_leap_years),
    cmocka_unit_test (parse_date_bounds),
    cmocka_unit_test (parse_errors),
    cmocka_unit_test (province_prefixes),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
