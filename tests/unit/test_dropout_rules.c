/* test_dropout_rules.c -- the pure rules of dropout control: the stage
 * rule at its edge (more than N school days, weekends and holidays not
 * counted, make-up days counted), the codes, the date check, and the
 * refusal of every ending change while a case is open (the rule inside
 * xj_change_precheck, the one function every change path calls).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "change/change.h"
#include "dropout/dropout.h"

static void
stage_rule_edges (void **state)
{
  struct xj_calendar none = { 0 };
  int hol[] = { 20261001, 20261002, 20261005, 20261006, 20261007 };
  int work[] = { 20260927, 20261010 };
  struct xj_calendar cal = { hol, 5, work, 2 };

  (void) state;
  /* opened Monday 28 September; 20 weekdays later is Monday 26 October */
  assert_false (xj_dropout_stage_due (&none, 20260928, 20261026, 20));
  assert_true (xj_dropout_stage_due (&none, 20260928, 20261027, 20));
  /* with National Day off (5 weekdays) and one make-up Saturday (10
     October) the 20th school day is Friday 30 October */
  assert_false (xj_dropout_stage_due (&cal, 20260928, 20261026, 20));
  assert_false (xj_dropout_stage_due (&cal, 20260928, 20261030, 20));
  assert_true (xj_dropout_stage_due (&cal, 20260928, 20261031, 20));
  /* a setting of 1 day: the second school day after opening */
  assert_false (xj_dropout_stage_due (&none, 20260928, 20260929, 1));
  assert_true (xj_dropout_stage_due (&none, 20260928, 20260930, 1));
  assert_false (xj_dropout_stage_due (&none, 0, 20300101, 20));
}

static void
codes_and_dates (void **state)
{
  (void) state;
  assert_true (xj_dropout_source_ok ("left"));
  assert_true (xj_dropout_source_ok ("absence"));
  assert_false (xj_dropout_source_ok ("rumour"));
  assert_true (xj_dropout_entry_kind_ok ("persuasion"));
  assert_false (xj_dropout_entry_kind_ok ("close"));   /* system only */
  assert_true (xj_dropout_outcome_ok ("returned"));
  assert_false (xj_dropout_outcome_ok (""));
  assert_false (xj_dropout_outcome_ok (NULL));
  assert_int_equal (xj_dropout_date ("2026-09-28"), 20260928);
  assert_int_equal (xj_dropout_date ("2026-13-01"), 0);
  assert_int_equal (xj_dropout_date ("2026-02-30"), 0);
  assert_int_equal (xj_dropout_date ("2026-9-28"), 0);
  assert_int_equal (xj_dropout_date (NULL), 0);
}

static enum xj_err
check (enum xj_change_type t, const char *status, int64_t case_id,
       const char *reason_code, const char *outcome)
{
  struct xj_change_check c = { .type = t, .status = status, .grade = "16",
                               .reason_code = reason_code,
                               .outcome = outcome, .dropout_case = case_id };
  const char *field = NULL;

  return xj_change_precheck (&c, &field);
}

static void
open_case_blocks_ending (void **state)
{
  (void) state;
  assert_int_equal (check (XJ_CH_WITHDRAW, "enrolled", 0, "lost_capacity",
                           NULL), XJ_E_OK);
  assert_int_equal (check (XJ_CH_WITHDRAW, "enrolled", 7, "lost_capacity",
                           NULL), XJ_E_DROPOUT_CASE_OPEN);
  assert_int_equal (check (XJ_CH_CANCEL, "left", 7, NULL, NULL),
                    XJ_E_DROPOUT_CASE_OPEN);
  assert_int_equal (check (XJ_CH_ABROAD, "enrolled", 7, NULL, NULL),
                    XJ_E_DROPOUT_CASE_OPEN);
  assert_int_equal (check (XJ_CH_DEATH, "suspended", 7, NULL, NULL),
                    XJ_E_DROPOUT_CASE_OPEN);
  assert_int_equal (check (XJ_CH_GRADUATE, "enrolled", 7, NULL,
                           "graduated"), XJ_E_DROPOUT_CASE_OPEN);
  /* what keeps the record in the registry goes ahead */
  assert_int_equal (check (XJ_CH_LEAVE, "enrolled", 7, NULL, NULL), XJ_E_OK);
  assert_int_equal (check (XJ_CH_RESUME, "suspended", 7, NULL, NULL),
                    XJ_E_OK);
  assert_int_equal (check (XJ_CH_SUSPEND, "enrolled", 7, NULL, NULL),
                    XJ_E_OK);
  assert_int_equal (check (XJ_CH_LEAVE, "left", 0, NULL, NULL),
                    XJ_E_CHANGE_STUDENT_STATUS);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (stage_rule_edges),
    cmocka_unit_test (codes_and_dates),
    cmocka_unit_test (open_case_blocks_ending),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
