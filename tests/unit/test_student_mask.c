/* test_student_mask.c -- the one masked form (xj_mask) of every kind of
 * personal number, the rule that no masked form shows positions 15-18 of
 * an ID, the full-number query parser, the reveal policy per role and
 * the search budget (docs/internals/masking.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core/util.h"
#include "student/student.h"
#include "user/reveal.h"
#include "user/user.h"

static void
mask_is (enum xj_mask_kind k, const char *in, const char *want)
{
  char out[64];

  xj_mask (k, in, out, sizeof out);
  assert_string_equal (out, want);
}

static void
test_id_forms (void **state)
{
  (void) state;
  /* student: address code + birth date (shown beside it anyway) */
  mask_is (XJ_MASK_ID, "441823201501011234", "44182320150101****");
  mask_is (XJ_MASK_ID, "44182320150101123X", "44182320150101****");
  /* legacy 15 digits: address + YYMMDD, never the 3 sequence digits */
  mask_is (XJ_MASK_ID, "340524800101001", "340524800101***");
  /* Hong Kong / Macao / Taiwan residence permits share the layout */
  mask_is (XJ_MASK_ID, "810000201501011234", "81000020150101****");
  /* guardians: their birth date is shown nowhere, so not here either */
  mask_is (XJ_MASK_GUARDIAN_ID, "44182319800101123X", "441823************");
  mask_is (XJ_MASK_GUARDIAN_ID, "340524800101001", "340524*********");
  /* other ID types (passports...): all stars, one per character */
  mask_is (XJ_MASK_ID, "E12345678", "*********");
  mask_is (XJ_MASK_GUARDIAN_ID, "E12345678", "*********");
  mask_is (XJ_MASK_ID, "护照号码一二三四五", "*********");
  /* an 18-digit string without a plausible date is not an ID layout */
  mask_is (XJ_MASK_ID, "441823201513011234", "******************");
  mask_is (XJ_MASK_ID, "AB", "**");
  mask_is (XJ_MASK_ID, "", "");
}

static void
test_registry_and_phone_forms (void **state)
{
  (void) state;
  mask_is (XJ_MASK_REGISTRY_NO, "G441823201501011234", "G44182320150101****");
  mask_is (XJ_MASK_REGISTRY_NO, "L441823201501010007", "L44182320150101****");
  mask_is (XJ_MASK_REGISTRY_NO, "J44182320150101123X", "J44182320150101****");
  mask_is (XJ_MASK_REGISTRY_NO, "G12", "G**");
  mask_is (XJ_MASK_REGISTRY_NO, "X441823201501011234", "*******************");
  mask_is (XJ_MASK_PHONE, "13812345678", "138****5678");
  mask_is (XJ_MASK_PHONE, "0763-1234567", "********4567");
  mask_is (XJ_MASK_PHONE, "1234", "****");
  mask_is (XJ_MASK_PHONE, "电话1234567", "*********");
  mask_is (XJ_MASK_NONE, "441823201501011234", "441823201501011234");
}

/* Whatever the input, no masked ID or registry number carries any of the
   number's last four characters in their places. */
static void
test_never_positions_15_to_18 (void **state)
{
  static const char *const ids[] = {
    "441823201501011234", "44182320150101123X", "110101200002291111",
    "650102199912319999", "810000201501010000",
  };
  char out[64], reg[24];

  (void) state;
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    {
      xj_mask (XJ_MASK_ID, ids[i], out, sizeof out);
      assert_int_equal (strlen (out), 18);
      assert_memory_equal (out + 14, "****", 4);
      xj_mask (XJ_MASK_GUARDIAN_ID, ids[i], out, sizeof out);
      assert_memory_equal (out + 6, "************", 12);
      xj_snprintf (reg, sizeof reg, "G%s", ids[i]);
      xj_mask (XJ_MASK_REGISTRY_NO, reg, out, sizeof out);
      assert_memory_equal (out + 15, "****", 4);
    }
}

static void
test_small_buffers_and_for (void **state)
{
  char out[64];

  (void) state;
  xj_mask (XJ_MASK_ID, "441823201501011234", out, 5);
  assert_string_equal (out, "4418");
  xj_mask (XJ_MASK_ID, "护照号码", out, 3);
  assert_string_equal (out, "**");
  /* xj_mask_for: in full only with the right */
  assert_string_equal (xj_mask_for (XJ_MASK_ID, XJ_PII_PHONE,
                                    "441823201501011234", out, sizeof out),
                       "44182320150101****");
  assert_string_equal (xj_mask_for (XJ_MASK_ID, XJ_PII_ID_NO,
                                    "441823201501011234", out, sizeof out),
                       "441823201501011234");
  assert_string_equal (xj_mask_for (XJ_MASK_PHONE, XJ_PII_PHONE,
                                    "13812345678", out, sizeof out),
                       "13812345678");
  assert_string_equal (xj_mask_for (XJ_MASK_GUARDIAN_ID, XJ_PII_ID_NO,
                                    "44182319800101123X", out, sizeof out),
                       "441823************");
  assert_int_equal (xj_mask_right (XJ_MASK_REGISTRY_NO), XJ_PII_ID_NO);
  assert_int_equal (xj_mask_right (XJ_MASK_GUARDIAN_ID), XJ_PII_GUARDIAN_ID);
}

static void
numq_is (const char *q, enum xj_err want_e, enum xj_numq want_k,
         const char *want_no)
{
  enum xj_numq k;
  char no[XJ_NUMQ_MAX];

  assert_int_equal (xj_student_number_parse (q, 20261203, &k, no), want_e);
  if (XJ_E_OK != want_e)
    return;
  assert_int_equal (k, want_k);
  assert_string_equal (no, want_no);
}

static void
test_number_query (void **state)
{
  (void) state;
  numq_is ("张三", XJ_E_OK, XJ_NUMQ_NAME, "");
  numq_is ("441823201501011237", XJ_E_OK, XJ_NUMQ_ID, "441823201501011237");
  numq_is (" 34052419800101001x ", XJ_E_OK, XJ_NUMQ_ID, "34052419800101001X");
  numq_is ("340524800101001", XJ_E_OK, XJ_NUMQ_ID, "34052419800101001X");
  numq_is ("g441823201501011234", XJ_E_OK, XJ_NUMQ_REGISTRY_NO,
           "G441823201501011234");
  numq_is ("L441823201501010007", XJ_E_OK, XJ_NUMQ_REGISTRY_NO,
           "L441823201501010007");
  numq_is ("E12345678", XJ_E_OK, XJ_NUMQ_OTHER_ID, "E12345678");
  /* any part of a resident ID or registry number is refused */
  numq_is ("4418", XJ_E_SEARCH_PARTIAL_NUMBER, 0, NULL);
  numq_is ("44182320150101", XJ_E_SEARCH_PARTIAL_NUMBER, 0, NULL);
  numq_is ("4418232015010112", XJ_E_SEARCH_PARTIAL_NUMBER, 0, NULL);
  numq_is ("G4418232015", XJ_E_SEARCH_PARTIAL_NUMBER, 0, NULL);
  numq_is ("L44182320150101000", XJ_E_SEARCH_PARTIAL_NUMBER, 0, NULL);
  numq_is ("1234", XJ_E_SEARCH_PARTIAL_NUMBER, 0, NULL);
  /* wrong check digit: not a number anyone holds */
  numq_is ("441823201501011234", XJ_E_SEARCH_PARTIAL_NUMBER, 0, NULL);
  numq_is ("张3", XJ_E_SEARCH_PARTIAL_NUMBER, 0, NULL);
}

static void
test_reveal_policy (void **state)
{
  struct xj_privacy p;
  struct xj_user u = { 0 };

  (void) state;
  xj_privacy_defaults (&p);
  u.role = XJ_ROLE_ADMIN;
  assert_int_equal (xj_reveal_rights (&p, &u), XJ_PII_ALL);
  u.role = XJ_ROLE_BUREAU;
  assert_int_equal (xj_reveal_rights (&p, &u), XJ_PII_ALL);
  u.role = XJ_ROLE_REGISTRAR;
  assert_int_equal (xj_reveal_rights (&p, &u), XJ_PII_ALL);
  u.role = XJ_ROLE_TEACHER;
  assert_int_equal (xj_reveal_rights (&p, &u), XJ_PII_PHONE);
  assert_true (xj_reveal_allowed (&p, &u, XJ_PII_PHONE));
  assert_false (xj_reveal_allowed (&p, &u, XJ_PII_ID_NO));
  assert_false (xj_reveal_allowed (&p, &u, XJ_PII_GUARDIAN_ID));
  p.reveal_teacher = 0;
  assert_false (xj_reveal_allowed (&p, &u, XJ_PII_PHONE));
  u.role = XJ_ROLE_NONE;
  assert_int_equal (xj_reveal_rights (&p, &u), 0);
  assert_int_equal (xj_pii_from_name ("guardian_id"), XJ_PII_GUARDIAN_ID);
  assert_int_equal (xj_pii_from_name ("id"), 0);
  assert_string_equal (xj_pii_name (XJ_PII_ID_NO), "id_no");
}

static void
test_search_budget (void **state)
{
  unsigned wait;
  int64_t t0 = 1000000;

  (void) state;
  for (int i = 0; i < 3; i++)
    assert_true (xj_search_budget_take (77, 3, t0 + i * 1000, &wait));
  assert_false (xj_search_budget_take (77, 3, t0 + 3000, &wait));
  assert_int_equal (wait, 57);
  /* another user has their own budget */
  assert_true (xj_search_budget_take (78, 3, t0 + 3000, &wait));
  /* the window slides: one minute after the first search, one more */
  assert_true (xj_search_budget_take (77, 3, t0 + 60000, &wait));
  assert_false (xj_search_budget_take (77, 3, t0 + 60500, &wait));
  assert_int_equal (wait, 1);
  /* more users than slots: nobody is refused wrongly, nothing breaks */
  for (int64_t u = 1000; u < 1000 + 2000; u++)
    assert_true (xj_search_budget_take (u, 1, t0 + 70000, &wait));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_id_forms),
    cmocka_unit_test (test_registry_and_phone_forms),
    cmocka_unit_test (test_never_positions_15_to_18),
    cmocka_unit_test (test_small_buffers_and_for),
    cmocka_unit_test (test_number_query),
    cmocka_unit_test (test_reveal_policy),
    cmocka_unit_test (test_search_budget),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
