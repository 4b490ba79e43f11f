/* test_progress_rules.c -- the pure rules of year-end and progression:
 * what year-end does per stage and grade (a nine-year school's 六年级
 * moves to 初一), who is the registry authority, the year-end window,
 * the offer of 升学 / re-entry / transfer to a school, grade distance,
 * and the chains of promote and reenter requests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "change/change.h"
#include "change/progress.h"
#include "core/util.h"

static void
yearend_next (void **state)
{
  char to[4];

  (void) state;
  assert_int_equal (xj_yearend_next ("primary", "15", to), XJ_YE_PROMOTE);
  assert_string_equal (to, "16");
  assert_int_equal (xj_yearend_next ("primary", "16", to), XJ_YE_GRADUATE);
  assert_string_equal (to, "");
  /* issue 8: a nine-year school graduated its 六年级 */
  assert_int_equal (xj_yearend_next ("nine_year", "16", to),
                    XJ_YE_PRIMARY_COMPLETE);
  assert_string_equal (to, "21");
  assert_int_equal (xj_yearend_next ("nine_year", "23", to), XJ_YE_GRADUATE);
  assert_int_equal (xj_yearend_next ("complete_secondary", "23", to),
                    XJ_YE_GRADUATE);
  assert_int_equal (xj_yearend_next ("twelve_year", "16", to),
                    XJ_YE_PRIMARY_COMPLETE);
}

static struct xj_user
user (enum xj_role role, const char *region)
{
  struct xj_user u;

  memset (&u, 0, sizeof u);
  u.role = role;
  xj_strlcpy (u.region_code, region, sizeof u.region_code);
  if (XJ_ROLE_REGISTRAR == role)
    u.school_id = 3;
  return u;
}

static void
authority (void **state)
{
  struct xj_user county = user (XJ_ROLE_BUREAU, "441823");
  struct xj_user city = user (XJ_ROLE_BUREAU, "4418");
  struct xj_user other = user (XJ_ROLE_BUREAU, "441881");
  struct xj_user reg = user (XJ_ROLE_REGISTRAR, "");
  struct xj_user admin = user (XJ_ROLE_ADMIN, "");

  (void) state;
  assert_true (xj_yearend_is_authority (&county, "primary", "441823", true));
  assert_true (xj_yearend_is_authority (&county, "nine_year", "441823",
                                        true));
  assert_false (xj_yearend_is_authority (&other, "primary", "441823", true));
  assert_false (xj_yearend_is_authority (&city, "primary", "441823", true));
  assert_false (xj_yearend_is_authority (&reg, "primary", "441823", true));
  assert_true (xj_yearend_is_authority (&admin, "senior", "441823", true));
  /* senior: the city, unless the setting says county */
  assert_false (xj_yearend_is_authority (&county, "senior", "441823", true));
  assert_true (xj_yearend_is_authority (&city, "senior", "441823", true));
  assert_true (xj_yearend_is_authority (&county, "senior", "441823",
                                        false));
  assert_false (xj_yearend_is_authority (&city, "senior", "441823", false));
}

static void
window (void **state)
{
  (void) state;
  assert_true (xj_yearend_in_window (701, 701, 831));
  assert_true (xj_yearend_in_window (831, 701, 831));
  assert_false (xj_yearend_in_window (630, 701, 831));
  assert_false (xj_yearend_in_window (1210, 701, 831));
  /* across New Year */
  assert_true (xj_yearend_in_window (1210, 1201, 115));
  assert_true (xj_yearend_in_window (110, 1201, 115));
  assert_false (xj_yearend_in_window (701, 1201, 115));
}

static void
offers (void **state)
{
  struct xj_progress_offer o;

  (void) state;
  xj_progress_offer_for ("junior", "graduated", "16", false, &o);
  assert_int_equal (o.kind, XJ_PG_PROMOTE);
  assert_int_equal (o.n, 1);
  assert_string_equal (o.grades[0], "21");
  xj_progress_offer_for ("complete_secondary", "completed", "23", false, &o);
  assert_int_equal (o.kind, XJ_PG_PROMOTE);
  assert_int_equal (o.n, 1);
  assert_string_equal (o.grades[0], "31");
  /* a primary graduate at a primary school: re-entry, not 升学 */
  xj_progress_offer_for ("primary", "graduated", "16", false, &o);
  assert_int_equal (o.kind, XJ_PG_REENTER);
  assert_int_equal (o.n, 6);
  assert_false (o.approval[5]);   /* 16 */
  assert_true (o.approval[3]);    /* 14: two grades away */
  xj_progress_offer_for ("junior", "abroad", "22", false, &o);
  assert_int_equal (o.kind, XJ_PG_REENTER);
  assert_int_equal (o.n, 4);
  xj_progress_offer_for ("junior", "deceased", "22", false, &o);
  assert_int_equal (o.kind, XJ_PG_NONE);
  assert_int_equal (o.n, 0);
  xj_progress_offer_for ("junior", "enrolled", "22", false, &o);
  assert_int_equal (o.kind, XJ_PG_TRANSFER);
  xj_progress_offer_for ("junior", "enrolled", "22", true, &o);
  assert_int_equal (o.kind, XJ_PG_NONE);
  assert_int_equal (xj_progress_grade_seq ("16"), 6);
  assert_int_equal (xj_progress_grade_seq ("21"), 7);
  assert_int_equal (xj_progress_grade_seq ("31"), 10);
  assert_int_equal (xj_progress_grade_seq ("17"), 0);
}

static void
chains (void **state)
{
  struct xj_change_chain ch;
  struct xj_change_geo g = { .from_school_id = 1, .from_county = "441823",
                             .to_school_id = 2, .to_county = "441881",
                             .grade = "16", .to_grade = "21",
                             .senior_city = true, .initiator_region = "" };
  struct xj_change_check c = { .type = XJ_CH_PROMOTE, .status = "graduated",
                               .grade = "16" };

  (void) state;
  assert_int_equal (xj_change_chain_build (XJ_CH_PROMOTE, &g, &ch), XJ_E_OK);
  assert_int_equal (ch.n, 2);
  assert_string_equal (ch.s[0].region, "441881");
  assert_string_equal (ch.s[1].region, "441823");
  /* junior graduate into a senior school of the same city: the city
     admits, the county of the junior school confirms */
  g.grade = "23";
  g.to_grade = "31";
  assert_int_equal (xj_change_chain_build (XJ_CH_PROMOTE, &g, &ch), XJ_E_OK);
  assert_int_equal (ch.n, 2);
  assert_string_equal (ch.s[0].region, "4418");
  assert_string_equal (ch.s[1].region, "441823");
  assert_int_equal (xj_change_chain_build (XJ_CH_REENTER, &g, &ch), XJ_E_OK);
  assert_int_equal (ch.n, 1);
  assert_string_equal (ch.s[0].region, "441881");
  assert_int_equal (ch.s[0].kind, XJ_AK_COUNTY);
  assert_false (xj_change_may_start (XJ_CH_PROMOTE, XJ_ROLE_ADMIN));
  assert_int_equal (xj_change_precheck_progress (&c), XJ_E_OK);
  c.grade = "15";
  assert_int_equal (xj_change_precheck_progress (&c),
                    XJ_E_PROGRESS_NOT_GRADUATE);
  c.type = XJ_CH_REENTER;
  c.status = "deceased";
  assert_int_equal (xj_change_precheck_progress (&c), XJ_E_REENTRY_REFUSED);
  c.status = "cancelled";
  assert_int_equal (xj_change_precheck_progress (&c), XJ_E_OK);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (yearend_next), cmocka_unit_test (authority),
    cmocka_unit_test (window),       cmocka_unit_test (offers),
    cmocka_unit_test (chains),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
