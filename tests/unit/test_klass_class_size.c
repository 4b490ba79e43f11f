/* test_klass_class_size.c -- the class-size rule (src/klass/class_size.c):
 * the bands at their edges (45/46, 55/56, 65/66), the warning from 56, the
 * refusal only into a class already at 大班额 and only where set, the
 * standard size per stage, and the settings patch's checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "klass/class_size.h"

static void
band_edges (void **state)
{
  struct xj_cs_settings s;

  (void) state;
  xj_cs_defaults (&s);
  assert_int_equal (XJ_BAND_NORMAL, xj_cs_band (&s, 0));
  assert_int_equal (XJ_BAND_NORMAL, xj_cs_band (&s, 45));
  assert_int_equal (XJ_BAND_LARGEISH, xj_cs_band (&s, 46));
  assert_int_equal (XJ_BAND_LARGEISH, xj_cs_band (&s, 55));
  assert_int_equal (XJ_BAND_LARGE, xj_cs_band (&s, 56));
  assert_int_equal (XJ_BAND_LARGE, xj_cs_band (&s, 65));
  assert_int_equal (XJ_BAND_SUPER, xj_cs_band (&s, 66));
  assert_string_equal ("large_ish", xj_cs_band_name (XJ_BAND_LARGEISH));
  assert_string_equal ("超大班额", xj_cs_band_zh (XJ_BAND_SUPER));
}

static void
warning_and_refusal (void **state)
{
  struct xj_cs_settings s;
  struct xj_cs_warn w;

  (void) state;
  xj_cs_defaults (&s);
  assert_int_equal (XJ_E_OK, xj_cs_decide (&s, "13", 55, &w));
  assert_false (w.set);
  assert_int_equal (XJ_BAND_LARGEISH, w.band);
  assert_int_equal (XJ_E_OK, xj_cs_decide (&s, "13", 56, &w));
  assert_true (w.set);
  assert_int_equal (56, w.size);
  assert_int_equal (45, w.standard);
  /* off by default: even far over, only a warning */
  assert_int_equal (XJ_E_OK, xj_cs_decide (&s, "21", 80, &w));
  assert_true (w.set);
  assert_int_equal (XJ_BAND_SUPER, w.band);
  assert_int_equal (50, w.standard);
  s.refuse_into_oversized = true;
  /* into 55 (56 after): the class was not at 大班额 yet */
  assert_int_equal (XJ_E_OK, xj_cs_decide (&s, "13", 56, &w));
  assert_true (w.set);
  assert_int_equal (XJ_E_CLASS_OVERSIZED, xj_cs_decide (&s, "13", 57, &w));
  /* thresholds are the county's */
  s.refuse_into_oversized = false;
  s.large_from = 50;
  assert_int_equal (XJ_E_OK, xj_cs_decide (&s, "31", 50, &w));
  assert_true (w.set);
  assert_int_equal (XJ_BAND_LARGE, w.band);
}

static void
settings_patch (void **state)
{
  struct xj_cs_settings s;
  const char *field;
  json_t *p;

  (void) state;
  xj_cs_defaults (&s);
  p = json_pack ("{s:i, s:b}", "super_from", 70, "refuse_into_oversized", 1);
  assert_int_equal (XJ_E_OK, xj_cs_settings_patch (&s, p, &field));
  assert_int_equal (70, s.super_from);
  assert_true (s.refuse_into_oversized);
  json_decref (p);
  p = json_pack ("{s:i}", "large_from", 46);   /* not above 偏大 */
  assert_int_equal (XJ_E_RANGE, xj_cs_settings_patch (&s, p, &field));
  assert_string_equal ("large_from", field);
  json_decref (p);
  p = json_pack ("{s:i}", "std_junior", 0);
  assert_int_equal (XJ_E_RANGE, xj_cs_settings_patch (&s, p, &field));
  assert_string_equal ("std_junior", field);
  json_decref (p);
  p = json_pack ("{s:s}", "std_junior", "50");
  assert_int_equal (XJ_E_BAD_TYPE, xj_cs_settings_patch (&s, p, &field));
  json_decref (p);
  p = json_pack ("{s:i}", "giant_from", 90);
  assert_int_equal (XJ_E_UNKNOWN_FIELD, xj_cs_settings_patch (&s, p, &field));
  json_decref (p);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (band_edges),
    cmocka_unit_test (warning_and_refusal),
    cmocka_unit_test (settings_patch),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
