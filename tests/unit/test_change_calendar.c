/* test_change_calendar.c -- working-day arithmetic: weekends, the 2026
 * National Day holiday with its make-up working day, month and year
 * boundaries, leap days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "change/change.h"

/* 2026 国庆 as an administrator would enter it: 1-7 October off,
   Saturday 10 October a make-up working day. */
static int hol[] = { 20261001, 20261002, 20261003, 20261004, 20261005,
                     20261006, 20261007 };
static int work[] = { 20261010 };
static const struct xj_calendar cal = { hol, 7, work, 1 };

static void
weekdays (void **state)
{
  (void) state;
  assert_int_equal (xj_ymd_weekday (19700101), 4);
  assert_int_equal (xj_ymd_weekday (20260928), 1);  /* Monday */
  assert_int_equal (xj_ymd_weekday (20261010), 6);  /* Saturday */
  assert_int_equal (xj_ymd_weekday (20240229), 4);
}

static void
add_days (void **state)
{
  (void) state;
  assert_int_equal (xj_ymd_add_days (20261231, 1), 20270101);
  assert_int_equal (xj_ymd_add_days (20240228, 1), 20240229);
  assert_int_equal (xj_ymd_add_days (20230228, 1), 20230301);
  assert_int_equal (xj_ymd_add_days (20270101, -1), 20261231);
}

static void
plain_weekends (void **state)
{
  (void) state;
  /* no calendar: Friday + 1 working day = Monday */
  assert_int_equal (xj_cal_add_workdays (NULL, 20261113, 1), 20261116);
  assert_int_equal (xj_cal_add_workdays (NULL, 20261116, 10), 20261130);
  assert_int_equal (xj_cal_add_workdays (NULL, 20261114, 0), 20261114);
  assert_false (xj_cal_is_workday (NULL, 20261114));
  assert_true (xj_cal_is_workday (NULL, 20261116));
}

static void
national_day (void **state)
{
  (void) state;
  assert_false (xj_cal_is_workday (&cal, 20261001));
  assert_false (xj_cal_is_workday (&cal, 20261005));  /* a Monday off */
  assert_true (xj_cal_is_workday (&cal, 20261010));   /* Saturday worked */
  assert_false (xj_cal_is_workday (&cal, 20261011));
  /* Monday 28 September + 10 working days: 29, 30 Sep, 8, 9, 10 (Sat),
     12..16 Oct */
  assert_int_equal (xj_cal_add_workdays (&cal, 20260928, 10), 20261016);
  assert_int_equal (xj_cal_add_workdays (&cal, 20260928, 5), 20261010);
  assert_int_equal (xj_cal_add_workdays (&cal, 20260930, 1), 20261008);
}

static void
parse_format (void **state)
{
  char buf[12];

  (void) state;
  assert_int_equal (xj_ymd_parse ("2026-10-16"), 20261016);
  assert_int_equal (xj_ymd_parse ("2026-1-16"), 0);
  assert_int_equal (xj_ymd_parse (NULL), 0);
  xj_ymd_format (20260105, buf);
  assert_string_equal (buf, "2026-01-05");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (weekdays),       cmocka_unit_test (add_days),
    cmocka_unit_test (plain_weekends), cmocka_unit_test (national_day),
    cmocka_unit_test (parse_format),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
