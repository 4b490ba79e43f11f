/* test_audit_chain.c -- the audit log's hash chain: appends verify, the
 * triggers refuse edits, and an edit made behind the triggers' back is
 * found at the right row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "audit/audit.h"
#include "core/util.h"
#include "testutil.h"

struct fx {
  char path[64];
  struct xj_db *db;
};

static int
setup (void **state)
{
  struct fx *f = xj_calloc (1, sizeof *f);

  xj_test_tmp_path (f->path, sizeof f->path, "audit");
  assert_int_equal (xj_db_open (f->path, XJ_DB_OPEN_CREATE, &f->db), XJ_E_OK);
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

struct app {
  int n;
};

static enum xj_err
append_txn (struct xj_db *db, void *cls)
{
  struct app *a = cls;
  struct xj_actor actor = { 3, "ys_reg1", "127.0.0.1" };
  enum xj_err e = XJ_E_OK;

  for (int i = 0; i < a->n && XJ_E_OK == e; i++)
    {
      char id[16];

      snprintf (id, sizeof id, "%d", i);
      e = xj_audit_append (db, &actor, "student.update", "student", id,
                           i % 2 ? NULL : "{\"name\":\"王𠮷\"}",
                           "{\"phone\":\"13800000000\"}");
    }
  return e;
}

static void
appends_verify (void **state)
{
  struct fx *f = *state;
  struct app a = { 25 };
  int64_t bad = -1, count = 0;

  assert_int_equal (xj_audit_verify (f->db, &bad, &count), XJ_E_OK);
  assert_int_equal (count, 0);
  assert_int_equal (xj_db_txn_run (f->db, "t", true, &append_txn, &a),
                    XJ_E_OK);
  assert_int_equal (xj_audit_verify (f->db, &bad, &count), XJ_E_OK);
  assert_int_equal (count, 25);
  assert_int_equal (bad, 0);
}

static int
exec (const char *path, const char *sql)
{
  sqlite3 *c;
  int rc;

  assert_int_equal (sqlite3_open (path, &c), SQLITE_OK);
  rc = sqlite3_exec (c, sql, NULL, NULL, NULL);
  sqlite3_close (c);
  return rc;
}

static void
triggers_refuse_edits (void **state)
{
  struct fx *f = *state;
  struct app a = { 3 };

  assert_int_equal (xj_db_txn_run (f->db, "t", true, &append_txn, &a),
                    XJ_E_OK);
  assert_int_not_equal (exec (f->path, "UPDATE audit_log SET action = 'x'"),
                        SQLITE_OK);
  assert_int_not_equal (exec (f->path, "DELETE FROM audit_log"), SQLITE_OK);
}

static void
tamper_found_at_row (void **state)
{
  struct fx *f = *state;
  struct app a = { 10 };
  int64_t bad = 0, count = 0;

  assert_int_equal (xj_db_txn_run (f->db, "t", true, &append_txn, &a),
                    XJ_E_OK);
  assert_int_equal (exec (f->path,
                          "DROP TRIGGER audit_log_no_update;"
                          "UPDATE audit_log SET entity_id = '99' WHERE id = 7;"),
                    SQLITE_OK);
  assert_int_equal (xj_audit_verify (f->db, &bad, &count),
                    XJ_E_AUDIT_BROKEN);
  assert_int_equal (bad, 7);
}

static void
deleted_row_breaks_chain (void **state)
{
  struct fx *f = *state;
  struct app a = { 6 };
  int64_t bad = 0, count = 0;

  assert_int_equal (xj_db_txn_run (f->db, "t", true, &append_txn, &a),
                    XJ_E_OK);
  assert_int_equal (exec (f->path, "DROP TRIGGER audit_log_no_delete;"
                                   "DELETE FROM audit_log WHERE id = 3;"),
                    SQLITE_OK);
  assert_int_equal (xj_audit_verify (f->db, &bad, &count),
                    XJ_E_AUDIT_BROKEN);
  assert_int_equal (bad, 4);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (appends_verify, setup, teardown),
    cmocka_unit_test_setup_teardown (triggers_refuse_edits, setup, teardown),
    cmocka_unit_test_setup_teardown (tamper_found_at_row, setup, teardown),
    cmocka_unit_test_setup_teardown (deleted_row_breaks_chain, setup,
                                     teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
