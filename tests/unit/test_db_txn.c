/* test_db_txn.c -- the db layer: migrations re-run safely, a failing
 * transaction leaves nothing behind, unique clashes are told apart from
 * hard errors, and "none" is not confused with "failed".
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
#include "db/db.h"
#include "testutil.h"

XJ_DB_STMT (st_t_setting, "INSERT INTO settings (key, value) VALUES ($1, $2)")
XJ_DB_STMT (st_t_get, "SELECT value FROM settings WHERE key = $1")
XJ_DB_STMT (st_t_fields,
            "SELECT 42, 'abcdefgh', -7, 2, NULL, 'x'")
XJ_DB_STMT (st_t_count,
            "SELECT count(*) FROM settings WHERE key LIKE 'k_'")

/* Statements that change a connection setting, as a module that tunes
   its own work registers them (the import's cache, temp store and sorter
   threads): SQLite applies such a PRAGMA when it is prepared, and every
   registered statement is prepared when a connection opens.  The values
   are read through the pragma functions, evaluated when run ("PRAGMA
   cache_size" would report the value at its own preparation). */
XJ_DB_STMT (st_t_cache_small, "PRAGMA cache_size = -1000")
XJ_DB_STMT (st_t_temp_file, "PRAGMA temp_store = FILE")
XJ_DB_STMT (st_t_threads, "PRAGMA threads = 2")
XJ_DB_STMT (st_t_get_cache, "SELECT * FROM pragma_cache_size ()")
XJ_DB_STMT (st_t_get_temp, "SELECT * FROM pragma_temp_store ()")
XJ_DB_STMT (st_t_get_threads, "SELECT * FROM pragma_threads ()")

static char path[64];

static int
setup (void **state)
{
  (void) state;
  xj_test_tmp_path (path, sizeof path, "db");
  return 0;
}

static int
teardown (void **state)
{
  char side[80];

  (void) state;
  unlink (path);
  snprintf (side, sizeof side, "%s-wal", path);
  unlink (side);
  snprintf (side, sizeof side, "%s-shm", path);
  unlink (side);
  return 0;
}

static void
migrations_rerun (void **state)
{
  struct xj_db *db;
  int v;

  (void) state;
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  v = xj_db_schema_version (db);
  assert_true (v >= 2);
  xj_db_close (db);
  /* create refuses an existing file; open re-applies nothing */
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db),
                    XJ_E_DB_EXISTS);
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_EXISTING, &db), XJ_E_OK);
  assert_int_equal (xj_db_schema_version (db), v);
  xj_db_close (db);
  assert_int_equal (xj_db_open ("/nonexistent/x.db", XJ_DB_OPEN_EXISTING,
                                &db), XJ_E_NO_DB);
}

static enum xj_err
insert_then_fail (struct xj_db *db, void *cls)
{
  (void) cls;
  if (xj_db_q (db, &st_t_setting,
               XJ_DB_PARAMS (XJ_DB_S ("k1"), XJ_DB_S ("v1")), NULL, NULL) < 0)
    return XJ_E_DB;
  return XJ_E_VALIDATION;
}

static enum xj_err
insert_twice (struct xj_db *db, void *cls)
{
  enum xj_qs *qs = cls;

  if (xj_db_q (db, &st_t_setting,
               XJ_DB_PARAMS (XJ_DB_S ("k2"), XJ_DB_S ("v")), NULL, NULL) < 0)
    return XJ_E_DB;
  *qs = xj_db_q (db, &st_t_setting,
                 XJ_DB_PARAMS (XJ_DB_S ("k2"), XJ_DB_S ("w")), NULL, NULL);
  return XJ_E_OK;
}

static int
count_cb (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 0;
}

static void
rollback_and_statuses (void **state)
{
  struct xj_db *db;
  int64_t n = -1;
  enum xj_qs qs = XJ_QS_NONE;

  (void) state;
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  assert_int_equal (xj_db_txn_run (db, "fail", true, &insert_then_fail, NULL),
                    XJ_E_VALIDATION);
  assert_int_equal (xj_db_q (db, &st_t_count, XJ_DB_NOPARAMS, &count_cb, &n),
                    1);
  assert_int_equal (n, 0);
  /* none vs one */
  assert_int_equal (xj_db_q (db, &st_t_get, XJ_DB_PARAMS (XJ_DB_S ("k1")),
                             NULL, NULL),
                    XJ_QS_NONE);
  assert_int_equal (xj_db_txn_run (db, "dup", true, &insert_twice, &qs),
                    XJ_E_OK);
  assert_int_equal (qs, XJ_QS_UNIQUE);
  /* which key: the table, from SQLite's "UNIQUE constraint failed:
     settings.key" (a trigger's write names the trigger's table) */
  assert_string_equal (xj_db_unique_table (db), "settings");
  assert_int_equal (xj_db_q (db, &st_t_get, XJ_DB_PARAMS (XJ_DB_S ("k2")),
                             NULL, NULL),
                    XJ_QS_ONE);
  xj_db_close (db);
}

static int64_t
pragma_value (struct xj_db *db, struct xj_db_stmt *st)
{
  int64_t v = -12345;

  assert_int_equal (xj_db_q (db, st, XJ_DB_NOPARAMS, &count_cb, &v), 1);
  return v;
}

/* A connection runs with its own settings (32 MB cache, temporary
   storage in memory, no sorter threads) whatever statements the modules
   registered: with st_t_cache_small and st_t_temp_file prepared last, the
   server ran with a 4 MB cache and wrote its statement journals to
   temporary files. */
static void
settings_survive_prepare (void **state)
{
  struct xj_db *db;

  (void) state;
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  assert_int_equal (pragma_value (db, &st_t_get_cache), -32768);
  assert_int_equal (pragma_value (db, &st_t_get_temp), 2);
  assert_int_equal (pragma_value (db, &st_t_get_threads), 0);
  /* run on purpose, they do apply; the next connection is unaffected */
  assert_true (xj_db_q (db, &st_t_cache_small, XJ_DB_NOPARAMS, NULL, NULL)
               >= 0);
  assert_int_equal (pragma_value (db, &st_t_get_cache), -1000);
  xj_db_close (db);
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_EXISTING, &db), XJ_E_OK);
  assert_int_equal (pragma_value (db, &st_t_get_cache), -32768);
  assert_int_equal (pragma_value (db, &st_t_get_temp), 2);
  assert_int_equal (pragma_value (db, &st_t_get_threads), 0);
  xj_db_close (db);
}

struct holder {
  int64_t waited_ms;
  enum xj_err e;
  enum xj_err open_e;
};

static enum xj_err
noop_txn (struct xj_db *db, void *cls)
{
  (void) db;
  (void) cls;
  return XJ_E_OK;
}

/* Runs while this connection holds the writer lock: another connection
   opens (no migration write, so no wait) and its write gives up after
   its write wait. */
static enum xj_err
while_locked (struct xj_db *db, void *cls)
{
  struct holder *h = cls;
  struct xj_db *other;
  int64_t t0 = xj_mono_ms ();

  if (xj_db_q (db, &st_t_setting,
               XJ_DB_PARAMS (XJ_DB_S ("lock"), XJ_DB_S ("1")), NULL, NULL) < 0)
    return XJ_E_DB;
  h->open_e = xj_db_open (path, XJ_DB_OPEN_EXISTING, &other);
  if (XJ_E_OK != h->open_e)
    return XJ_E_OK;
  xj_db_set_write_wait (other, 300);
  t0 = xj_mono_ms ();
  h->e = xj_db_txn_run (other, "other", true, &noop_txn, NULL);
  h->waited_ms = xj_mono_ms () - t0;
  xj_db_close (other);
  return XJ_E_OK;
}

static void
write_wait_bounded (void **state)
{
  struct xj_db *db;
  struct holder h = { 0 };
  int64_t t0;

  (void) state;
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  t0 = xj_mono_ms ();
  assert_int_equal (xj_db_txn_run (db, "hold", true, &while_locked, &h),
                    XJ_E_OK);
  assert_int_equal (h.open_e, XJ_E_OK);
  assert_int_equal (h.e, XJ_E_DB_BUSY);
  assert_true (h.waited_ms >= 250 && h.waited_ms < 1000);
  /* the open did not wait for the lock either */
  assert_true (xj_mono_ms () - t0 < 1500);
  xj_db_close (db);
}

/* xj_db_row_fields: each column into its field, in order, text cut to
   the field's size on a NUL, NULL text as "". */
struct fields_row {
  int64_t a;
  char s[4];
  int n;
  bool b;
  char null_text[8];
  char x[2];
};

static const struct xj_db_field fields_tab[] = {
  XJ_DB_F_I64 (struct fields_row, a),
  XJ_DB_F_TEXT (struct fields_row, s),
  XJ_DB_F_INT (struct fields_row, n),
  XJ_DB_F_BOOL (struct fields_row, b),
  XJ_DB_F_TEXT (struct fields_row, null_text),
  XJ_DB_F_TEXT (struct fields_row, x),
};

static int
fields_cb (void *cls, const struct xj_db_row *r)
{
  xj_db_row_fields (r, fields_tab, XJ_DB_NFIELDS (fields_tab), cls);
  return 1;
}

/* st_t_fields's one row through @cb into @f (first filled with junk) */
static void
fields_run (xj_db_row_cb cb, struct fields_row *f)
{
  struct xj_db *db;

  memset (f, 0x55, sizeof *f);
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  assert_int_equal (xj_db_q (db, &st_t_fields, XJ_DB_NOPARAMS, cb, f), 1);
  xj_db_close (db);
}

static void
row_fields (void **state)
{
  struct fields_row f;

  (void) state;
  fields_run (&fields_cb, &f);
  assert_int_equal (f.a, 42);
  assert_string_equal (f.s, "abc");
  assert_int_equal (f.n, -7);
  assert_true (f.b);
  assert_string_equal (f.null_text, "");
  assert_string_equal (f.x, "x");
}

/* xj_db_row_tail: the columns from `first' on, as a row of their own
   (the session check joined to a read: each part decoded alone). */
static int
tail_cb (void *cls, const struct xj_db_row *r)
{
  struct xj_db_row_tail buf;
  const struct xj_db_row *t = xj_db_row_tail (r, 2, &buf);
  struct fields_row *f = cls;

  assert_int_equal (xj_db_ncols (t), 4);
  f->n = (int) xj_db_int (t, 0);
  f->b = xj_db_isnull (t, 2) && ! xj_db_isnull (t, 3);
  xj_strlcpy (f->null_text, xj_db_text (t, 2), sizeof f->null_text);
  xj_strlcpy (f->x, xj_db_text (t, 3), sizeof f->x);
  f->a = (int64_t) xj_db_double (t, 1);
  return 1;
}

static void
row_tail (void **state)
{
  struct fields_row f;

  (void) state;
  fields_run (&tail_cb, &f);
  assert_int_equal (f.n, -7);
  assert_int_equal (f.a, 2);
  assert_true (f.b);
  assert_string_equal (f.null_text, "");
  assert_string_equal (f.x, "x");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (migrations_rerun, setup, teardown),
    cmocka_unit_test_setup_teardown (row_fields, setup, teardown),
    cmocka_unit_test_setup_teardown (row_tail, setup, teardown),
    cmocka_unit_test_setup_teardown (rollback_and_statuses, setup, teardown),
    cmocka_unit_test_setup_teardown (write_wait_bounded, setup, teardown),
    cmocka_unit_test_setup_teardown (settings_survive_prepare, setup,
                                     teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
