/* test_student_list_plan.c -- the student list and its count use an index
 * for every scoped shape (school, teacher, bureau region, number search):
 * the single "($n = 0 OR ...)" statement they replace made SQLite scan
 * every student for each page (bench/README.md, "Student list").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "testutil.h"
#include "db/db.h"
#include "student/student_store.h"

/* the database and its side files */
static void
rm_db (const char *path)
{
  static const char *const ext[] = { "", "-wal", "-shm", "-auth",
                                     "-auth-wal", "-auth-shm", ".auditkey",
                                     ".checkpoints" };
  char f[96];

  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
    {
      snprintf (f, sizeof f, "%s%s", path, ext[i]);
      unlink (f);
    }
}

static void
no_scoped_shape_scans_students (void **state)
{
  char path[64], bad[8192] = "";
  struct xj_db *db = NULL;
  int r;

  (void) state;
  xj_test_tmp_path (path, sizeof path, "listplan");
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  r = xj_student_list_plans_check (db, bad, sizeof bad);
  if (r)
    fprintf (stderr, "%s", bad);
  assert_int_equal (r, 0);
  xj_db_close (db);
  rm_db (path);
}

/* The checker itself: a plain full scan is caught, an index walk is not. */
static void
checker_sees_a_full_scan (void **state)
{
  char path[64], plan[1024];
  struct xj_db *db = NULL;
  static struct xj_db_stmt scan = { "scan", "SELECT count(*) FROM students st"
                                    " WHERE st.status = 'x'", -1, NULL, false, false };

  (void) state;
  xj_test_tmp_path (path, sizeof path, "listplan2");
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  assert_int_equal (xj_db_plan (db, &scan, plan, sizeof plan), XJ_E_OK);
  assert_non_null (strstr (plan, "SCAN st"));
  xj_db_close (db);
  rm_db (path);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (no_scoped_shape_scans_students),
    cmocka_unit_test (checker_sees_a_full_scan),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
