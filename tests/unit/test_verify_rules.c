/* test_verify_rules.c -- the pure rules of the semester verification and
 * the ghost-record signals: what settles a student, each signal of
 * xj_ghost_decide at its edge (one fact fewer and it does not fire), the
 * far-from-home rule (household county, address naming the county in
 * full or without its last character, unknown household), the signal
 * names, and the round check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "verify/verify.h"

static void
settles (void **state)
{
  (void) state;
  assert_true (xj_verify_settles (true, true, NULL));
  assert_false (xj_verify_settles (true, false, NULL));
  assert_false (xj_verify_settles (false, true, ""));
  assert_true (xj_verify_settles (true, false, "edit"));
  assert_true (xj_verify_settles (false, true, "change"));
}

static void
no_presence_edges (void **state)
{
  struct xj_ghost_facts f = { .term_over = true, .whole_term = true,
                              .class_absences = true };

  (void) state;
  assert_int_equal (xj_ghost_decide (&f), XJ_GHOST_NO_PRESENCE);
  f.own_absence = true;          /* an entry of the student's own */
  assert_int_equal (xj_ghost_decide (&f), 0);
  f.own_absence = false;
  f.ticked = true;               /* a mark of presence */
  assert_int_equal (xj_ghost_decide (&f), 0);
  f.ticked = false;
  f.class_absences = false;      /* the class records nothing */
  assert_int_equal (xj_ghost_decide (&f), 0);
  f.class_absences = true;
  f.whole_term = false;          /* arrived during the term */
  assert_int_equal (xj_ghost_decide (&f), 0);
  f.whole_term = true;
  f.term_over = false;
  assert_int_equal (xj_ghost_decide (&f), 0);
}

static void
other_signals (void **state)
{
  struct xj_ghost_facts f = { 0 };

  (void) state;
  assert_int_equal (xj_ghost_decide (&f), 0);
  f.deadline_passed = true;
  assert_int_equal (xj_ghost_decide (&f), XJ_GHOST_UNVERIFIED);
  f.settled = true;
  assert_int_equal (xj_ghost_decide (&f), 0);
  f.shared = 1;
  assert_int_equal (xj_ghost_decide (&f), XJ_GHOST_GUARDIAN_SHARED);
  f.shared = 0;
  f.far = true;
  assert_int_equal (xj_ghost_decide (&f), XJ_GHOST_FAR);
}

static void
far_rule (void **state)
{
  (void) state;
  /* household in 英德 (441881), school in 阳山 (441823) */
  assert_true (xj_ghost_far ("441881", "英德市英城街道", "441823", "阳山县"));
  assert_true (xj_ghost_far ("441881102", "", "441823", "阳山县"));
  assert_false (xj_ghost_far ("441881", "阳山县阳城镇", "441823", "阳山县"));
  assert_false (xj_ghost_far ("441881", "阳山阳城镇", "441823", "阳山县"));
  /* a household in the school's county (township code too) */
  assert_false (xj_ghost_far ("441823", "英德市", "441823", "阳山县"));
  assert_false (xj_ghost_far ("441823103", "", "441823", "阳山县"));
  /* unknown household */
  assert_false (xj_ghost_far ("", "英德市", "441823", "阳山县"));
  assert_false (xj_ghost_far ("44", "英德市", "441823", "阳山县"));
  /* a one-character remainder never matches by itself */
  assert_true (xj_ghost_far ("441881", "南街", "441823", "南县"));
}

static void
names_and_rounds (void **state)
{
  char buf[96];

  (void) state;
  xj_ghost_signals_text (XJ_GHOST_NO_PRESENCE | XJ_GHOST_FAR, buf,
                         sizeof buf);
  assert_string_equal (buf, "no_presence,far_from_home");
  xj_ghost_signals_text (0, buf, sizeof buf);
  assert_string_equal (buf, "");
  xj_ghost_signals_text (15, buf, sizeof buf);
  assert_string_equal (buf,
                       "no_presence,unverified,guardian_shared,far_from_home");
  assert_true (xj_verify_round_ok (2025, 1));
  assert_true (xj_verify_round_ok (2025, 2));
  assert_false (xj_verify_round_ok (2025, 3));
  assert_false (xj_verify_round_ok (1999, 1));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (settles),
    cmocka_unit_test (no_presence_edges),
    cmocka_unit_test (other_signals),
    cmocka_unit_test (far_rule),
    cmocka_unit_test (names_and_rounds),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
