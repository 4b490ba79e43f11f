/* test_user_scope.c -- jurisdiction rules: bureau prefixes, registrars,
 * teachers, and that anything odd yields an empty scope, never a wide one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "core/util.h"
#include "user/user.h"

static struct xj_user
mk (enum xj_role role, const char *region, int64_t school)
{
  struct xj_user u;

  memset (&u, 0, sizeof u);
  u.id = 42;
  u.role = role;
  xj_strlcpy (u.region_code, region, sizeof u.region_code);
  u.school_id = school;
  return u;
}

static void
admin_sees_all (void **state)
{
  struct xj_user u = mk (XJ_ROLE_ADMIN, "", 0);
  struct xj_scope sc;

  (void) state;
  xj_scope_of (&u, &sc);
  assert_string_equal (sc.prefix, "");
  assert_int_equal (sc.school_id, 0);
  assert_int_equal (sc.teacher_id, 0);
  assert_true (xj_scope_school (&u, 7, "441881"));
  assert_true (xj_scope_school_write (&u, 7, "110101"));
}

static void
bureau_levels (void **state)
{
  struct xj_user county = mk (XJ_ROLE_BUREAU, "441823", 0);
  struct xj_user city = mk (XJ_ROLE_BUREAU, "4418", 0);
  struct xj_user prov = mk (XJ_ROLE_BUREAU, "44", 0);
  struct xj_scope sc;

  (void) state;
  xj_scope_of (&county, &sc);
  assert_string_equal (sc.prefix, "441823");
  assert_true (xj_scope_school (&county, 1, "441823"));
  assert_false (xj_scope_school (&county, 2, "441881"));
  assert_false (xj_scope_school (&county, 2, "441802"));
  assert_true (xj_scope_school (&city, 2, "441881"));
  assert_true (xj_scope_school (&city, 2, "441823"));
  assert_false (xj_scope_school (&city, 3, "440100"));
  assert_true (xj_scope_school (&prov, 3, "440106"));
  assert_false (xj_scope_school (&prov, 3, "450100"));
  /* bureau users write within their region too */
  assert_true (xj_scope_school_write (&county, 1, "441823"));
  assert_false (xj_scope_school_write (&county, 1, "441881"));
}

static void
bad_region_is_empty_scope (void **state)
{
  const char *bad[] = { "", "4", "44182", "4418230", "44a8", "441823001" };

  (void) state;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      struct xj_user u = mk (XJ_ROLE_BUREAU, bad[i], 0);
      struct xj_scope sc;

      xj_scope_of (&u, &sc);
      assert_string_not_equal (sc.prefix, "");
      assert_false (xj_scope_school (&u, 1, "441823"));
      assert_false (xj_scope_school (&u, 1, ""));
    }
}

static void
registrar_one_school (void **state)
{
  struct xj_user u = mk (XJ_ROLE_REGISTRAR, "", 5);
  struct xj_user none = mk (XJ_ROLE_REGISTRAR, "", 0);
  struct xj_scope sc;

  (void) state;
  xj_scope_of (&u, &sc);
  assert_int_equal (sc.school_id, 5);
  assert_true (xj_scope_school (&u, 5, "441823"));
  assert_false (xj_scope_school (&u, 6, "441823"));
  assert_true (xj_scope_student (&u, 5, "441823", 0));
  assert_false (xj_scope_student (&u, 6, "441823", 0));
  /* a registrar without a school sees nothing, not everything */
  xj_scope_of (&none, &sc);
  assert_true (sc.school_id < 0);
  assert_false (xj_scope_school (&none, 0, "441823"));
}

static void
teacher_own_classes_read_only (void **state)
{
  struct xj_user u = mk (XJ_ROLE_TEACHER, "", 5);
  struct xj_scope sc;

  (void) state;
  u.class_ids[0] = 11;
  u.class_ids[1] = 12;
  u.nclasses = 2;
  xj_scope_of (&u, &sc);
  assert_int_equal (sc.school_id, 5);
  assert_int_equal (sc.teacher_id, 42);
  assert_true (xj_scope_student (&u, 5, "441823", 11));
  assert_true (xj_scope_student (&u, 5, "441823", 12));
  assert_false (xj_scope_student (&u, 5, "441823", 13));
  assert_false (xj_scope_student (&u, 5, "441823", 0));
  assert_false (xj_scope_student (&u, 6, "441823", 11));
  assert_false (xj_scope_school_write (&u, 5, "441823"));
}

static void
unknown_role_sees_nothing (void **state)
{
  struct xj_user u = mk (XJ_ROLE_NONE, "44", 5);
  struct xj_scope sc;

  (void) state;
  xj_scope_of (&u, &sc);
  assert_false (xj_scope_school (&u, 5, "441823"));
  assert_string_not_equal (sc.prefix, "");
  assert_true (sc.school_id < 0);
  assert_int_equal (xj_role_from_name ("superuser"), XJ_ROLE_NONE);
  assert_string_equal (xj_role_name (XJ_ROLE_BUREAU), "bureau");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (admin_sees_all),
    cmocka_unit_test (bureau_levels),
    cmocka_unit_test (bad_region_is_empty_scope),
    cmocka_unit_test (registrar_one_school),
    cmocka_unit_test (teacher_own_classes_read_only),
    cmocka_unit_test (unknown_role_sees_nothing),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
