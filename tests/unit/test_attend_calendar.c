/* test_attend_calendar.c -- the school-day calendar (terms, weekends,
 * holidays, make-up days, term edges) and the streaks of the dropout
 * detection at their thresholds (5 vs 6 days, 20 vs 21, a holiday or a
 * weekend inside a streak, a half day breaking it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "attend/attend.h"

/* 2026 国庆 1-7 October off, Saturday 10 October a make-up day; a
   make-up Saturday in the winter break (outside every term). */
static int hol[] = { 20261001, 20261002, 20261003, 20261004, 20261005,
                     20261006, 20261007 };
static int work[] = { 20261010, 20270130 };
static struct xj_att_cal cal;

static int
setup (void **state)
{
  (void) state;
  memset (&cal, 0, sizeof cal);
  cal.start_year = 2026;
  xj_att_terms_default (2026, cal.term);
  cal.hol = (struct xj_calendar) { hol, 7, work, 2 };
  xj_att_cal_build (&cal);
  return 0;
}

static void
term_edges (void **state)
{
  (void) state;
  assert_false (xj_att_is_school_day (&cal, 20260831));  /* Monday */
  assert_string_equal (xj_att_not_school_day_why (&cal, 20260831),
                       "不在学期内");
  assert_true (xj_att_is_school_day (&cal, 20260901));
  assert_true (xj_att_is_school_day (&cal, 20270115));   /* Friday */
  assert_false (xj_att_is_school_day (&cal, 20270118));  /* break */
  assert_true (xj_att_is_school_day (&cal, 20270215));   /* Monday */
  assert_true (xj_att_is_school_day (&cal, 20270705));
  assert_false (xj_att_is_school_day (&cal, 20270706));
  assert_int_equal (xj_att_term_of (&cal, 20261120), 1);
  assert_int_equal (xj_att_term_of (&cal, 20270201), 1);
  assert_int_equal (xj_att_term_of (&cal, 20270301), 2);
  assert_int_equal (xj_att_term_of (&cal, 20260820), 0);
}

static void
weekends_holidays_makeup (void **state)
{
  (void) state;
  assert_false (xj_att_is_school_day (&cal, 20260905));
  assert_string_equal (xj_att_not_school_day_why (&cal, 20260905), "周六");
  assert_false (xj_att_is_school_day (&cal, 20261001));
  assert_string_equal (xj_att_not_school_day_why (&cal, 20261001), "节假日");
  assert_true (xj_att_is_school_day (&cal, 20261010));   /* make-up */
  assert_false (xj_att_is_school_day (&cal, 20270130));  /* not in a term */
  /* 28-30 Sep, 8-9 Oct and the make-up Saturday 10 Oct */
  assert_int_equal (xj_att_school_days (&cal, 20260928, 20261011), 6);
  assert_int_equal (xj_att_school_days (&cal, 20260901, 20260904), 4);
  assert_int_equal (xj_att_school_days (&cal, 20260904, 20260901), 0);
  /* clipped to the year */
  assert_int_equal (xj_att_school_days (&cal, 20260801, 20260904), 4);
  assert_int_equal (xj_att_ordinal (&cal, 20260901), 1);
}

static void
terms_check (void **state)
{
  struct xj_verrs errs = { .n = 0 };
  struct xj_att_term t[2];

  (void) state;
  xj_att_terms_default (2026, t);
  assert_int_equal (xj_att_terms_check (2026, t, &errs), XJ_E_OK);
  t[1].start = t[0].end;
  assert_int_equal (xj_att_terms_check (2026, t, &errs), XJ_E_VALIDATION);
  assert_string_equal (errs.e[0].field, "terms[1]");
  xj_att_terms_default (2026, t);
  t[0].end = 20270230;   /* no such day */
  errs.n = 0;
  assert_int_equal (xj_att_terms_check (2026, t, &errs), XJ_E_VALIDATION);
  assert_string_equal (errs.e[0].field, "terms[0]");
}

static const struct xj_att_thresholds th = { 5, 20, 15, 45 };

/* Tally @n days of unexcused absence (@part each) as of @as_of. */
static struct xj_att_tally
tally (const int *days, const int *parts, size_t n, int as_of)
{
  struct xj_att_tally t;

  memset (&t, 0, sizeof t);
  for (size_t i = 0; i < n; i++)
    xj_att_tally_add (&t, &cal, as_of, days[i], parts ? parts[i] : 0);
  return t;
}

static void
streak_5_vs_6 (void **state)
{
  /* Mon 14 - Fri 18 September, then Monday 21: the weekend between
     does not break the run */
  static const int d[] = { 20260914, 20260915, 20260916, 20260917,
                           20260918, 20260921 };
  struct xj_att_tally t;

  (void) state;
  t = tally (d, NULL, 5, 20260918);
  assert_int_equal (t.streak, 5);
  assert_int_equal (xj_att_level_of (&t, &th), XJ_ATT_NONE);
  t = tally (d, NULL, 6, 20260921);
  assert_int_equal (t.streak, 6);
  assert_int_equal (t.streak_from, 20260914);
  assert_int_equal (t.streak_to, 20260921);
  assert_int_equal (t.current, 6);
  assert_int_equal (xj_att_level_of (&t, &th), XJ_ATT_SUSPECT);
  /* back at school since: the run is no longer current */
  t = tally (d, NULL, 6, 20260930);
  assert_int_equal (t.current, 0);
  assert_int_equal (xj_att_level_of (&t, &th), XJ_ATT_SUSPECT);
}

static void
holiday_inside_streak (void **state)
{
  /* 28-30 Sep, the National Day week off, 8, 9 and the make-up 10 Oct */
  static const int d[] = { 20260928, 20260929, 20260930, 20261008,
                           20261009, 20261010 };
  /* the same without the make-up day, Monday 12 instead: the make-up
     Saturday was a school day missed in between, so the run breaks */
  static const int gap[] = { 20260928, 20260929, 20260930, 20261008,
                             20261009, 20261012 };
  struct xj_att_tally t;

  (void) state;
  t = tally (d, NULL, 6, 20261010);
  assert_int_equal (t.streak, 6);
  assert_int_equal (xj_att_level_of (&t, &th), XJ_ATT_SUSPECT);
  t = tally (gap, NULL, 6, 20261012);
  assert_int_equal (t.streak, 5);
  assert_int_equal (xj_att_level_of (&t, &th), XJ_ATT_NONE);
}

static void
half_day_breaks_streak (void **state)
{
  static const int d[] = { 20260914, 20260915, 20260916, 20260917,
                           20260918, 20260921, 20260922 };
  static const int p[] = { 0, 0, 0, 1, 0, 0, 0 };
  struct xj_att_tally t;

  (void) state;
  t = tally (d, p, 7, 20260922);
  assert_int_equal (t.streak, 3);
  assert_int_equal (t.term_halfdays, 13);
  assert_int_equal (xj_att_level_of (&t, &th), XJ_ATT_NONE);
}

static void
dropout_20_vs_21 (void **state)
{
  int d[21];
  int n = 0;
  struct xj_att_tally t;

  (void) state;
  for (int day = 20261012; n < 21; day = xj_ymd_add_days (day, 1))
    if (xj_att_is_school_day (&cal, day))
      d[n++] = day;
  t = tally (d, NULL, 20, d[19]);
  assert_int_equal (t.streak, 20);
  assert_int_equal (xj_att_level_of (&t, &th), XJ_ATT_SUSPECT);
  t = tally (d, NULL, 21, d[20]);
  assert_int_equal (xj_att_level_of (&t, &th), XJ_ATT_DROPOUT);
}

static void
term_cumulative (void **state)
{
  int d[16];
  int n = 0;
  struct xj_att_tally t;

  (void) state;
  /* every other school day: no streak, 16 days in the term */
  for (int day = 20260901, k = 0; n < 16; day = xj_ymd_add_days (day, 1))
    if (xj_att_is_school_day (&cal, day) && 0 == k++ % 2)
      d[n++] = day;
  t = tally (d, NULL, 15, 20261231);
  assert_int_equal (t.streak, 1);
  assert_int_equal (xj_att_level_of (&t, &th), XJ_ATT_NONE);
  t = tally (d, NULL, 16, 20261231);
  assert_int_equal (xj_att_level_of (&t, &th), XJ_ATT_SUSPECT);
  /* as of the second term, the first term's days are not cumulated */
  t = tally (d, NULL, 16, 20270301);
  assert_int_equal (t.term_halfdays, 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (term_edges),
    cmocka_unit_test (weekends_holidays_makeup),
    cmocka_unit_test (terms_check),
    cmocka_unit_test (streak_5_vs_6),
    cmocka_unit_test (holiday_inside_streak),
    cmocka_unit_test (half_day_breaks_streak),
    cmocka_unit_test (dropout_20_vs_21),
    cmocka_unit_test (term_cumulative),
  };
  return cmocka_run_group_tests (tests, setup, NULL);
}
