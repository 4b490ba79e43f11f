/* test_change_rules.c -- the pure rules of registry changes: names, who
 * may start what, preconditions (compulsory withdrawal, suspended
 * transfer, repeat/skip within the stage, graduation from the final
 * grade), the approval chains for every geography and the actor check.
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
  struct xj_change_check c = { t, status, grade, code, target, outcome };
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
  assert_int_equal (chk (XJ_CH_REPEAT, "enrolled", "13", NULL, "12", NULL),
                    XJ_E_OK);
  assert_int_equal (chk (XJ_CH_REPEAT, "enrolled", "21", NULL, "16", NULL),
                    XJ_E_CHANGE_GRADE);   /* never across a stage */
  assert_int_equal (chk (XJ_CH_SKIP, "enrolled", "13", NULL, "15", NULL),
                    XJ_E_CHANGE_GRADE);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "16", NULL, NULL,
                         "graduated"), XJ_E_OK);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "15", NULL, NULL,
                         "completed"), XJ_E_CHANGE_GRADE);
  assert_int_equal (chk (XJ_CH_GRADUATE, "enrolled", "15", NULL, NULL,
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

static const char *
chain (enum xj_change_type t, const char *from, const char *to,
       const char *grade, bool senior_city, const char *initiator)
{
  static char buf[256];
  struct xj_change_geo g = { 7, from, 9, to, grade, senior_city, initiator };
  struct xj_change_chain ch;

  assert_int_equal (xj_change_chain_build (t, &g, &ch), XJ_E_OK);
  show (&ch, buf, sizeof buf);
  return buf;
}

static void
chains (void **state)
{
  (void) state;
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "441823", "441823", "13",
                              true, ""), "school:7 county:441823");
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
  /* high school: the city is the authority */
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "441881", "441823", "32",
                              true, ""), "school:7 city:4418");
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "441881", "441823", "32",
                              false, ""),
                       "county:441823 school:7 county:441881");
  assert_string_equal (chain (XJ_CH_TRANSFER_IN, "440106", "441823", "32",
                              true, ""), "city:4418 school:7 city:4401");
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

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (names),         cmocka_unit_test (who_starts),
    cmocka_unit_test (grades),        cmocka_unit_test (preconditions),
    cmocka_unit_test (chains),        cmocka_unit_test (actors),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
