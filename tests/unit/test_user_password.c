/* test_user_password.c -- the password policy and the embedded list of
 * common passwords; the user-administration jurisdiction rule; the hash
 * cost (INTERACTIVE by default, XJ_PWHASH=min for test suites). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include "user/user.h"

static void
test_policy (void **state)
{
  (void) state;
  assert_int_equal (xj_password_policy ("li", "short-1"), XJ_E_WEAK_PASSWORD);
  /* characters, not bytes: 10 Chinese characters pass the length rule */
  assert_int_equal (xj_password_policy ("li", "我的密码是很长的一句"), XJ_E_OK);
  assert_int_equal (xj_password_policy ("zhangsan", "xx-ZhangSan-2026"),
                    XJ_E_PASSWORD_USERNAME);
  assert_int_equal (xj_password_policy ("li", "1234567890"),
                    XJ_E_PASSWORD_COMMON);
  assert_int_equal (xj_password_policy ("li", "PassWord123"),
                    XJ_E_PASSWORD_COMMON);
  assert_int_equal (xj_password_policy ("li", "WoAiNi1314520"),
                    XJ_E_PASSWORD_COMMON);
  assert_int_equal (xj_password_policy ("li", "1qaz2wsx3edc"),
                    XJ_E_PASSWORD_COMMON);
  assert_int_equal (xj_password_policy ("li", "qwertyuiop"),
                    XJ_E_PASSWORD_COMMON);
  assert_int_equal (xj_password_policy ("li", "zhangwei1990"),
                    XJ_E_PASSWORD_COMMON);
  assert_int_equal (xj_password_policy ("li", "lotus-garden-17"), XJ_E_OK);
}

static void
test_common_list_sorted_lookup (void **state)
{
  (void) state;
  /* first and last entries of the sorted list are found (bsearch) */
  assert_true (xj_password_is_common ("!qaz@wsx#edc"));
  assert_true (xj_password_is_common ("zzzhu123456"));
  assert_true (xj_password_is_common ("0000000000"));
  assert_false (xj_password_is_common ("not-in-any-list-x7"));
}

static void
test_may_manage (void **state)
{
  struct xj_user admin = { .role = XJ_ROLE_ADMIN };
  struct xj_user county = { .role = XJ_ROLE_BUREAU, .region_code = "441823" };
  struct xj_user city = { .role = XJ_ROLE_BUREAU, .region_code = "4418" };

  (void) state;
  assert_true (xj_user_may_manage (NULL, XJ_ROLE_ADMIN, "", ""));
  assert_true (xj_user_may_manage (&admin, XJ_ROLE_ADMIN, "", ""));
  assert_false (xj_user_may_manage (&county, XJ_ROLE_ADMIN, "", ""));
  assert_true (xj_user_may_manage (&county, XJ_ROLE_REGISTRAR, "", "441823"));
  assert_false (xj_user_may_manage (&county, XJ_ROLE_REGISTRAR, "",
                                    "441881"));
  assert_false (xj_user_may_manage (&county, XJ_ROLE_TEACHER, "", ""));
  assert_false (xj_user_may_manage (&county, XJ_ROLE_BUREAU, "441823", ""));
  assert_true (xj_user_may_manage (&city, XJ_ROLE_BUREAU, "441823", ""));
  assert_false (xj_user_may_manage (&city, XJ_ROLE_BUREAU, "4418", ""));
  assert_false (xj_user_may_manage (&city, XJ_ROLE_BUREAU, "440100", ""));
}

/* The default is libsodium's INTERACTIVE cost (m=64 MiB, t=2); XJ_PWHASH=min
   gives the minimum; any other value is refused; a hash of either cost
   verifies whatever the setting is now. */
static void
test_hash_cost (void **state)
{
  char fast[XJ_PW_HASH_MAX], slow[XJ_PW_HASH_MAX];

  (void) state;
  assert_true (sodium_init () >= 0);
  unsetenv ("XJ_PWHASH");
  assert_true (xj_password_cost_from_env ());
  assert_false (xj_password_cost_is_min ());
  assert_int_equal (XJ_E_OK, xj_password_hash ("correct horse 1", slow));
  assert_non_null (strstr (slow, "$argon2id$v=19$m=65536,t=2,"));
  setenv ("XJ_PWHASH", "fast", 1);
  assert_false (xj_password_cost_from_env ());
  assert_false (xj_password_cost_is_min ());
  setenv ("XJ_PWHASH", "min", 1);
  assert_true (xj_password_cost_from_env ());
  assert_true (xj_password_cost_is_min ());
  assert_int_equal (XJ_E_OK, xj_password_hash ("correct horse 1", fast));
  assert_null (strstr (fast, "m=65536"));
  assert_true (xj_password_verify (slow, "correct horse 1"));
  assert_true (xj_password_verify (fast, "correct horse 1"));
  assert_false (xj_password_verify (fast, "correct horse 2"));
  unsetenv ("XJ_PWHASH");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_policy),
    cmocka_unit_test (test_common_list_sorted_lookup),
    cmocka_unit_test (test_may_manage),
    cmocka_unit_test (test_hash_cost),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
