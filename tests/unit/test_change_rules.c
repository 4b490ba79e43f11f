/* test_change_rules.c -- the pure rules of registry changes: names, who
 * may start what, preconditions (compulsory withdrawal, suspended
 * transfer, repeat/skip within the stage, graduation from the final
 * grade, the provincial settings: 留级, transfer windows, suspension
 * renewals, 肄业), the approval chains for every geography with and
 * without the extra city level, the settings table and the actor check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "change/change.h"
#include "core/util.h"

static void
names (void **state)
{
  enum xj_change_type t;

  (void) state;
  for (int i = 0; i < XJ_CH__COUNT; i++)
    {
      assert_true (xj_change_type_parse (xj_change_type_name (i), &t));
      assert_int_equal (t, i);
    }
  assert_false (xj_change_type_parse ("expel", &t));
  assert_false (xj_change_type_parse (NULL, &t));
  assert_null (xj_change_type_name (XJ_CH__COUNT));
}

static void
who_starts (void **state)
{
  (void) state;
  assert_true (xj_change_may_start (XJ_CH_TRANSFER_IN, XJ_ROLE_REGISTRAR));
  assert_false (xj_change_may_start (XJ_CH_TRANSFER_IN, XJ_ROLE_BUREAU));
  assert_false (xj_change_may_start (XJ_CH_CANCEL, XJ_ROLE_REGISTRAR));
  assert_true (xj_change_may_start (XJ_CH_CANCEL, XJ_ROLE_BUREAU));
  assert_true (xj_change_may_start (XJ_CH_CANCEL, XJ_ROLE_ADMIN));
  assert_false (xj_change_may_start (XJ_CH_SUSPEND, XJ_ROLE_TEACHER));
}

static void
grades (void **state)
{
  char g[4];

  (void) state;
  assert_true (xj_grade_next ("11", g));
  assert_string_equal (g, "12");
  assert_false (xj_grade_next ("16", g));
  assert_false (xj_grade_next ("23", g));
  assert_false (xj_grade_next ("33", g));
  assert_true (xj_grade_prev ("32", g));
  assert_string_equal (g, "31");
  assert_false (xj_grade_prev ("21", g));
  assert_true (xj_grade_compulsory ("16"));
  assert_true (xj_grade_compulsory ("23"));
  assert_false (xj_grade_compulsory ("31"));
  assert_true (xj_grade_final ("43"));
  assert_false (xj_grade_final ("42"));
}

static enum xj_err
chk (enum xj_change_type t, const char *status, const char *grade,
     const char *code, const char *target, const char *outcome)
{
  struct xj_change_check c = { .type = t, .status = status, .grade = grade,
                               .reason_code = code,
                               .target_grade = target, .outcome = outcome,
                               .grade_size = 1000 };
  const char *field;

  return xj_change_precheck (&c, &field);
}

static void
preconditions (void **state)
{
  (void) state;
  assert_int_equal (chk (XJ_CH_WITHDRAW, "enrolled", "15", NULL, NULL, NULL),
                    XJ_E_CHANGE_COMPULSORY_WITHDRAW);
  assert_int_equal (chk (XJ_CH_WITHDRAW, "enrolled", "22", "lost_capacity",
                         NULL, NULL), XJ_E_OK);
  assert_int_equal (chk (XJ_CH_WITHDRAW, "enrolled", "32", NULL, NULL, NULL),
                    XJ_E_OK);
  assert_int_equal (chk (XJ_CH_TRANSFER_IN, "suspended", "13", NULL, NULL,
                         NULL), XJ_E_CHANGE_SUSPENDED_TRANSFER);
  assert_int_equal (chk (XJ_CH_TRANSFER_IN, "graduated", "16", NULL, NULL,
                         NULL), XJ_E_CHANGE_STUDENT_STATUS);
  assert_int_equal (chk (XJ_CH_RESUME, "enrolled", "13", NULL, NULL, NULL),
                    XJ_E_CHANGE_STUDENT_STATUS);
  assert_int_equal (chk (XJ_CH_RESUME, "suspended", "13", NULL, "21", NULL),
                    XJ_E_CHANGE_GRADE);
  assert_int_equal (chk (XJ_CH_REPEAT, "enrolled", "32", NULL, "31", NULL),
                    XJ_E_OK);
  assert_int_equal (chk (XJ_CH_REPEAT, "enrolled", "31", NULL, "23", NULL),
                    XJ_E_CHANGE_GRADE);   /* never across a stage */
  assert_int_equal (chk (XJ_CH_SKIP, "enrolled", "13", NULL, "15", NULL),
                    XJ_E_CHANGE_GRADE);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "16", NULL, NULL,
                         "graduated"), XJ_E_OK);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "15", NULL, NULL,
                         "completed"), XJ_E_CHANGE_GRADE);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "15", NULL, NULL,
                         "incomplete"), XJ_E_CHANGE_INCOMPLETE_COMPULSORY);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "22", NULL, NULL,
                         "incomplete"), XJ_E_CHANGE_INCOMPLETE_COMPULSORY);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "16", NULL, NULL,
                         "incomplete"), XJ_E_OK);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "23", NULL, NULL,
                         "incomplete"), XJ_E_OK);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "31", NULL, NULL,
                         "incomplete"), XJ_E_OK);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "16", NULL, NULL,
                         "whatever"), XJ_E_CODE);
  assert_int_equal (chk (XJ_CH_DEATH, "suspended", "13", NULL, NULL, NULL),
                    XJ_E_OK);
  assert_int_equal (chk (XJ_CH_CANCEL, "cancelled", "13", NULL, NULL, NULL),
                    XJ_E_CHANGE_STUDENT_STATUS);
  assert_int_equal (chk (XJ_CH_CANCEL, "graduated", "16", NULL, NULL, NULL),
                    XJ_E_OK);
}

/* 留级 under the settings: compulsory and 高三 refused by default, the
   cap counted per grade and school year. */
static void
repeat_rules (void **state)
{
  struct xj_change_settings set;
  struct xj_change_check c = { .type = XJ_CH_REPEAT, .status = "enrolled",
                               .grade = "13", .target_grade = "12" };
  const char *field;

  (void) state;
  xj_change_settings_defaults (&set);
  c.set = &set;
  c.grade_size = 100;
  assert_int_equal (xj_change_precheck (&c, &field),
                    XJ_E_CHANGE_REPEAT_COMPULSORY);
  set.repeat_compulsory = true;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
  c.grade = "33";
  c.target_grade = "32";
  assert_int_equal (xj_change_precheck (&c, &field),
                    XJ_E_CHANGE_REPEAT_SENIOR3);
  set.repeat_senior3 = true;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
  /* 2% of 100: the second is allowed, the third is not */
  c.grade = "32";
  c.target_grade = "31";
  c.grade_repeats = 1;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
  c.grade_repeats = 2;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_CHANGE_REPEAT_CAP);
  /* 2% of 49 is under one student */
  c.grade_repeats = 0;
  c.grade_size = 49;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_CHANGE_REPEAT_CAP);
  set.repeat_cap_pct = 50;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
  /* 跳级 has no cap and stays one grade within the stage */
  c.type = XJ_CH_SKIP;
  c.grade = "12";
  c.target_grade = "13";
  set.repeat_cap_pct = 0;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
  c.target_grade = "14";
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_CHANGE_GRADE);
}

static void
transfer_windows (void **state)
{
  struct xj_change_settings set;
  struct xj_change_check c = { .type = XJ_CH_TRANSFER_IN,
                               .status = "enrolled", .grade = "21" };
  const char *field;

  (void) state;
  xj_change_settings_defaults (&set);
  c.set = &set;
  c.term = 1;
  assert_int_equal (xj_change_precheck (&c, &field),
                    XJ_E_CHANGE_TRANSFER_ENTRY_TERM);
  c.term = 2;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
  c.grade = "23";
  assert_int_equal (xj_change_precheck (&c, &field),
                    XJ_E_CHANGE_TRANSFER_GRADUATING);
  c.grade = "16";
  assert_int_equal (xj_change_precheck (&c, &field),
                    XJ_E_CHANGE_TRANSFER_GRADUATING);
  c.grade = "15";
  c.term = 1;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
  set.transfer_graduating = false;
  set.transfer_entry_term = false;
  c.grade = "11";
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
  c.grade = "33";
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
}

static void
suspension_rules (void **state)
{
  struct xj_change_settings set;
  struct xj_change_check c = { .type = XJ_CH_SUSPEND, .status = "suspended",
                               .grade = "13" };
  const char *field;

  (void) state;
  xj_change_settings_defaults (&set);
  c.set = &set;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
  c.renewals = 1;
  assert_int_equal (xj_change_precheck (&c, &field),
                    XJ_E_CHANGE_SUSPEND_RENEWALS);
  set.suspend_renewals = 2;
  assert_int_equal (xj_change_precheck (&c, &field), XJ_E_OK);
  c.status = "withdrawn";
  assert_int_equal (xj_change_precheck (&c, &field),
                    XJ_E_CHANGE_STUDENT_STATUS);
  assert_int_equal (xj_change_suspend_end (20261015, 1), 20271014);
  assert_int_equal (xj_change_suspend_end (20260301, 1), 20270228);
  assert_int_equal (xj_change_suspend_end (20280229, 1), 20290227);
  assert_int_equal (xj_change_suspend_end (20260901, 2), 20280831);
}

static void
settings_table (void **state)
{
  struct xj_change_settings s, d;
  json_t *j, *p;
  const char *field;
  char text[16];

  (void) state;
  xj_change_settings_defaults (&s);
  d = s;
  j = xj_change_settings_json (&s);
  assert_int_equal (json_integer_value (json_object_get (j, "step_days")),
                    10);
  assert_string_equal (json_string_value (json_object_get (
                         j, "senior_authority")), "city");
  assert_true (json_is_false (json_object_get (j, "chain_city")));
  assert_true (json_is_true (json_object_get (j, "transfer_entry_term")));
  assert_int_equal (json_integer_value (json_object_get (j,
                                                         "repeat_cap_pct")),
                    2);
  assert_int_equal (json_object_size (j), xj_change_setting_count);
  json_decref (j);
  /* all or nothing */
  p = json_pack ("{s:i, s:i}", "step_days", 5, "suspend_years", 9);
  assert_int_equal (xj_change_settings_patch (&s, p, &field), XJ_E_RANGE);
  assert_string_equal (field, "suspend_years");
  assert_int_equal (s.step_days, 10);
  json_decref (p);
  p = json_pack ("{s:b, s:s, s:i}", "chain_city", 1, "senior_authority",
                 "county", "step_days", 5);
  assert_int_equal (xj_change_settings_patch (&s, p, &field), XJ_E_OK);
  assert_true (s.chain_city);
  assert_false (s.senior_city);
  assert_int_equal (s.step_days, 5);
  json_decref (p);
  p = json_pack ("{s:i}", "chain_city", 1);
  assert_int_equal (xj_change_settings_patch (&s, p, &field),
                    XJ_E_BAD_TYPE);
  json_decref (p);
  p = json_pack ("{s:s}", "senior_authority", "province");
  assert_int_equal (xj_change_settings_patch (&s, p, &field), XJ_E_CODE);
  json_decref (p);
  p = json_pack ("{s:i}", "max_steps", 1);
  assert_int_equal (xj_change_settings_patch (&s, p, &field),
                    XJ_E_UNKNOWN_FIELD);
  json_decref (p);
  /* stored text round trip */
  for (size_t i = 0; i < xj_change_setting_count; i++)
    {
      xj_change_setting_to_text (&s, &xj_change_setting_specs[i], text);
      assert_true (xj_change_setting_from_text (&d,
                                                &xj_change_setting_specs[i],
                                                text));
    }
  assert_memory_equal (&s, &d, sizeof s);
  assert_false (xj_change_setting_from_text (&d, &xj_change_setting_specs[0],
                                             "0"));
  assert_false (xj_change_setting_from_text (&d, &xj_change_setting_specs[3],
                                             "maybe"));
}

/* "county:441823 school:7 ..." of a chain */
static void
show (const struct xj_change_chain *ch, char *out, size_t n)
{
  out[0] = '\0';
  for (unsigned i = 0; i < ch->n; i++)
    {
      char one[32];

      if (XJ_AK_SCHOOL == ch->s[i].kind)
        xj_snprintf (one, sizeof one, "%sschool:%lld", i ? " " : "",
                     (long long) ch->s[i].school_id);
      else
        xj_snprintf (one, sizeof one, "%s%s:%s", i ? " " : "",
                     xj_actor_kind_name (ch->s[i].kind), ch->s[i].region);
      strncat (out, one, n - strlen (out) - 1);
    }
}

static bool chain_city;  /* the extra-level setting for chain () */

static const char *
chain (enum xj_change_type t, const char *from, const char *to,
       const char *grade, bool senior_city, const char *initiator)
{
  static char buf[256];
  struct xj_change_geo g = { .from_school_id = 7, .from_county = from,
                             .to_school_id = 9, .to_county = to,
                             .grade = grade, .senior_city = senior_city,
                             .chain_city = chain_city,
                             .initiator_region = initiator, .to_grade = "21" };
  struct xj_change_chain ch;

  assert_int_equal (xj_change_chain_build (t, &g, &ch), XJ_E_OK);
  show (&ch, buf, sizeof buf);
  return buf;
}

static void
chains (void **state)
{
  (void) state;
  chain_city = false;
  /* same county: sending school, county bureau */
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "441823", "441823", "13",
                              true, ""), "school:7 county:441823");
  /* across counties of one city: 转入县 → 转出学校 → 转出县 */
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "441881", "441823", "13",
                              true, ""),
                       "county:441823 school:7 county:441881");
  /* across cities of one province: still 3 steps (domain.md) */
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "440106", "441823", "13",
                              true, ""),
                       "county:441823 school:7 county:440106");
  /* across provinces: 转入县 → 转入省 → 转出学校 → 转出县 → 转出省 */
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "110101", "441823", "22",
                              true, ""),
                       "county:441823 province:44 school:7"
                       " county:110101 province:11");
  /* high school: the city is the authority */
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "441881", "441823", "32",
                              true, ""), "school:7 city:4418");
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "441881", "441823", "32",
                              false, ""),
                       "county:441823 school:7 county:441881");
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "440106", "441823", "32",
                              true, ""), "city:4418 school:7 city:4401");
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "110101", "441823", "32",
                              true, ""),
                       "city:4418 province:44 school:7 city:1101"
                       " province:11");
  /* the extra city level, by setting only: 5 and 7 steps */
  chain_city = true;
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "441881", "441823", "13",
                              true, ""),
                       "county:441823 school:7 county:441881");
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "440106", "441823", "13",
                              true, ""),
                       "county:441823 city:4418 school:7 county:440106"
                       " city:4401");
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "110101", "441823", "22",
                              true, ""),
                       "county:441823 city:4418 province:44 school:7"
                       " county:110101 city:1101 province:11");
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "440106", "441823", "32",
                              true, ""), "city:4418 school:7 city:4401");
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "441823", "441823", "13",
                              true, ""), "school:7 county:441823");
  chain_city = false;
  assert_string_equal (chain (XJ_CH_SUSPEND, "441823", NULL, "13", true, ""),
                       "county:441823");
  assert_string_equal (chain (XJ_CH_WITHDRAW, "441823", NULL, "31", true,
                              ""), "city:4418");
  assert_string_equal (chain (XJ_CH_CANCEL, "441823", NULL, "13", true,
                              "441823"), "city:4418");
  assert_string_equal (chain (XJ_CH_CANCEL, "441823", NULL, "13", true,
                              "4418"), "province:44");
  assert_string_equal (chain (XJ_CH_CANCEL, "441823", NULL, "13", true,
                              "44"), "");
  assert_string_equal (chain (XJ_CH_CANCEL, "441823", NULL, "13", true, ""),
                       "");
}

/* Every step has a label key naming its role for the UI. */
static void
label_keys (void **state)
{
  struct xj_change_geo g = { .from_school_id = 7, .from_county = "110101",
                             .to_school_id = 9, .to_county = "441823",
                             .grade = "22", .senior_city = true };
  struct xj_change_chain ch;
  static const char *const want[] = { "to_county", "to_province",
                                      "from_school", "from_county",
                                      "from_province" };

  (void) state;
  assert_int_equal (xj_change_chain_build (XJ_CH_TRANSFER_IN, &g, &ch),
                    XJ_E_OK);
  assert_int_equal (ch.n, 5);
  for (unsigned i = 0; i < ch.n; i++)
    assert_string_equal (ch.s[i].key, want[i]);
  assert_string_equal (ch.s[1].label, "转入省教育厅");
  g.to_county = "110101";
  assert_int_equal (xj_change_chain_build (XJ_CH_TRANSFER_IN, &g, &ch),
                    XJ_E_OK);
  assert_string_equal (ch.s[0].key, "from_school");
  assert_string_equal (ch.s[1].key, "county");
}

static void
actors (void **state)
{
  struct xj_user reg = { .role = XJ_ROLE_REGISTRAR, .school_id = 7 };
  struct xj_user county = { .role = XJ_ROLE_BUREAU, .region_code = "441823" };
  struct xj_user city = { .role = XJ_ROLE_BUREAU, .region_code = "4418" };
  struct xj_user admin = { .role = XJ_ROLE_ADMIN };

  (void) state;
  assert_true (xj_change_is_actor (&reg, XJ_AK_SCHOOL, 7, ""));
  assert_false (xj_change_is_actor (&reg, XJ_AK_SCHOOL, 8, ""));
  assert_false (xj_change_is_actor (&reg, XJ_AK_COUNTY, 0, "441823"));
  assert_true (xj_change_is_actor (&county, XJ_AK_COUNTY, 0, "441823"));
  assert_false (xj_change_is_actor (&county, XJ_AK_COUNTY, 0, "441881"));
  assert_false (xj_change_is_actor (&city, XJ_AK_COUNTY, 0, "441823"));
  assert_true (xj_change_is_actor (&city, XJ_AK_CITY, 0, "4418"));
  assert_false (xj_change_is_actor (&county, XJ_AK_SCHOOL, 7, ""));
  assert_true (xj_change_is_actor (&admin, XJ_AK_PROVINCE, 0, "44"));
}

/* The request's own values: every path that starts a change passes
   here first (xj_change_create). */
static void
new_values (void **state)
{
  char long_reason[XJ_CHANGE_REASON_MAX + 2];
  struct xj_change_new n = { .type = XJ_CH_SUSPEND, .reason = "因病" };
  const char *field;

  (void) state;
  assert_int_equal (XJ_E_OK, xj_change_new_valid (&n, &field));
  assert_null (field);
  n.reason = "";
  assert_int_equal (XJ_E_REQUIRED, xj_change_new_valid (&n, &field));
  assert_string_equal ("reason", field);
  n.reason = NULL;
  assert_int_equal (XJ_E_REQUIRED, xj_change_new_valid (&n, &field));
  memset (long_reason, 'a', sizeof long_reason - 1);
  long_reason[sizeof long_reason - 1] = '\0';
  n.reason = long_reason;                 /* one byte over */
  assert_int_equal (XJ_E_TOO_LONG, xj_change_new_valid (&n, &field));
  assert_string_equal ("reason", field);
  long_reason[XJ_CHANGE_REASON_MAX] = '\0'; /* at the limit */
  assert_int_equal (XJ_E_OK, xj_change_new_valid (&n, &field));
  n.reason = "因病";
  n.outcome = "\xff";                     /* not UTF-8 */
  assert_int_equal (XJ_E_TOO_LONG, xj_change_new_valid (&n, &field));
  assert_string_equal ("outcome", field);
  n.outcome = NULL;
  n.grade = "99";
  assert_int_equal (XJ_E_CODE, xj_change_new_valid (&n, &field));
  assert_string_equal ("grade", field);
  n.grade = "12";
  n.end_date = "2027-2-28";               /* not written YYYY-MM-DD */
  assert_int_equal (XJ_E_DATE_FORMAT, xj_change_new_valid (&n, &field));
  assert_string_equal ("end_date", field);
  n.end_date = "2027-02-29";              /* no such day */
  assert_int_equal (XJ_E_DATE_FORMAT, xj_change_new_valid (&n, &field));
  n.end_date = "2028-02-29";
  assert_int_equal (XJ_E_OK, xj_change_new_valid (&n, &field));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (names),         cmocka_unit_test (who_starts),
    cmocka_unit_test (grades),        cmocka_unit_test (preconditions),
    cmocka_unit_test (chains),        cmocka_unit_test (actors),
    cmocka_unit_test (repeat_rules),  cmocka_unit_test (transfer_windows),
    cmocka_unit_test (suspension_rules), cmocka_unit_test (settings_table),
    cmocka_unit_test (label_keys),    cmocka_unit_test (new_values),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
