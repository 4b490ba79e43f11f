/* test_audit_chain.c -- the audit log's hash chain: appends verify, the
 * triggers refuse edits, and an edit made behind the triggers' back is
 * found at the right row.  The keyed MAC chain and the checkpoints: a
 * rewrite re-hashed with plain SHA-256, stripped MACs and a deleted tail
 * are found; rows older than the key are covered once it exists.
 */
#include <sodium.h>
#include <sys/stat.h>
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
  snprintf (side, sizeof side, "%s.auditkey", f->path);
  unlink (side);
  snprintf (side, sizeof side, "%s.checkpoints", f->path);
  unlink (side);
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

/* ---- the keyed chain ---- */

static struct xj_audit_key
keyed (struct fx *f, int n)
{
  struct app a = { n };
  struct xj_audit_key k;
  bool created = false;
  char kp[96];
  struct stat st;

  assert_int_equal (xj_audit_key_ensure (f->db, &created), XJ_E_OK);
  assert_true (created);
  snprintf (kp, sizeof kp, "%s.auditkey", f->path);
  assert_int_equal (stat (kp, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0600);
  assert_int_equal (xj_audit_key_load (kp, &k), XJ_E_OK);
  assert_int_equal (xj_db_txn_run (f->db, "t", true, &append_txn, &a),
                    XJ_E_OK);
  return k;
}

/* Verify with the key and the checkpoint file beside the database. */
static enum xj_err
verify_all (struct fx *f, const struct xj_audit_key *k,
            struct xj_audit_report *rep)
{
  struct xj_audit_checkpoint *cps;
  size_t n;
  char cp[96], d[256];
  enum xj_err e;

  snprintf (cp, sizeof cp, "%s.checkpoints", f->path);
  assert_int_equal (xj_audit_checkpoints_load (cp, k, &cps, &n, d, sizeof d),
                    XJ_E_OK);
  e = xj_audit_verify_full (f->db, k, cps, n, rep);
  free (cps);
  return e;
}

/* What an attacker without the key does after editing: recompute every
   hash with the documented plain SHA-256 (test copy of chain_hash). */
static void
rehash_all (const char *path)
{
  sqlite3 *c;
  sqlite3_stmt *st;
  char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";

  assert_int_equal (sqlite3_open (path, &c), SQLITE_OK);
  assert_int_equal (sqlite3_exec (c, "DROP TRIGGER IF EXISTS audit_log_no_update",
                                  NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal (sqlite3_prepare_v2 (
                      c, "SELECT id, at, coalesce(user_id, 0), username, ip,"
                      " action, entity, entity_id, before, after"
                      " FROM audit_log ORDER BY id", -1, &st, NULL),
                    SQLITE_OK);
  while (SQLITE_ROW == sqlite3_step (st))
    {
      crypto_hash_sha256_state h;
      unsigned char bin[32];
      char hex[65], *sql;
      static const unsigned char sep = 0x1f;

      crypto_hash_sha256_init (&h);
      crypto_hash_sha256_update (&h, (const unsigned char *) prev, 64);
      crypto_hash_sha256_update (&h, &sep, 1);
      for (int i = 1; i < 10; i++)
        {
          const char *v = (const char *) sqlite3_column_text (st, i);

          if (NULL == v)
            v = "\x01NULL";
          crypto_hash_sha256_update (&h, (const unsigned char *) v,
                                     strlen (v));
          crypto_hash_sha256_update (&h, &sep, 1);
        }
      crypto_hash_sha256_final (&h, bin);
      sodium_bin2hex (hex, sizeof hex, bin, sizeof bin);
      sql = sqlite3_mprintf ("UPDATE audit_log SET prev_hash = '%q', hash ="
                             " '%q' WHERE id = %lld", prev, hex,
                             (long long) sqlite3_column_int64 (st, 0));
      assert_int_equal (sqlite3_exec (c, sql, NULL, NULL, NULL), SQLITE_OK);
      sqlite3_free (sql);
      memcpy (prev, hex, sizeof prev);
    }
  sqlite3_finalize (st);
  sqlite3_close (c);
}

static void
keyed_chain_and_checkpoint_verify (void **state)
{
  struct fx *f = *state;
  struct xj_audit_key k = keyed (f, 8);
  struct xj_audit_report rep;

  assert_int_equal (xj_audit_checkpoint_write (f->db, NULL, NULL, NULL),
                    XJ_E_OK);
  assert_int_equal (verify_all (f, &k, &rep), XJ_E_OK);
  assert_int_equal (rep.count, 9); /* the audit.key entry and 8 */
  assert_int_equal (rep.unkeyed, 0);
  assert_int_equal (rep.after_cp, 0);
}

static void
rehashed_rewrite_found_by_mac (void **state)
{
  struct fx *f = *state;
  struct xj_audit_key k = keyed (f, 8);
  struct xj_audit_report rep;
  int64_t bad = 0, count = 0;

  assert_int_equal (exec (f->path, "DROP TRIGGER audit_log_no_update;"
                                   "UPDATE audit_log SET username = 'x'"
                                   " WHERE id = 5;"), SQLITE_OK);
  rehash_all (f->path);
  /* the plain hash chain is whole again: the old check passed this */
  assert_int_equal (xj_audit_verify (f->db, &bad, &count), XJ_E_OK);
  assert_int_equal (xj_audit_verify_full (f->db, &k, NULL, 0, &rep),
                    XJ_E_AUDIT_BROKEN);
  assert_int_equal (rep.bad_id, 5);
  assert_non_null (strstr (rep.detail, "MAC"));
}

static void
deleted_tail_found_by_checkpoint (void **state)
{
  struct fx *f = *state;
  struct xj_audit_key k = keyed (f, 8);
  struct xj_audit_report rep;
  int64_t bad = 0, count = 0;

  assert_int_equal (xj_audit_checkpoint_write (f->db, NULL, NULL, NULL),
                    XJ_E_OK);
  assert_int_equal (exec (f->path, "DROP TRIGGER audit_log_no_delete;"
                                   "DELETE FROM audit_log WHERE id > 6;"),
                    SQLITE_OK);
  assert_int_equal (xj_audit_verify (f->db, &bad, &count), XJ_E_OK);
  assert_int_equal (xj_audit_verify_full (f->db, &k, NULL, 0, &rep),
                    XJ_E_OK);
  assert_int_equal (verify_all (f, &k, &rep), XJ_E_AUDIT_CHECKPOINT);
  assert_non_null (strstr (rep.detail, "deleted"));
}

static void
bad_checkpoint_lines_refused (void **state)
{
  struct fx *f = *state;
  struct xj_audit_key k = keyed (f, 2);
  struct xj_audit_checkpoint *cps;
  size_t n;
  char cp[96], d[256], sig[300];
  FILE *fp;

  snprintf (cp, sizeof cp, "%s.checkpoints", f->path);
  memset (sig, 'a', sizeof sig - 1);
  sig[sizeof sig - 1] = '\0';
  fp = fopen (cp, "w");
  assert_non_null (fp);
  fprintf (fp, "xueji-audit-checkpoint-v1 2026-01-01T00:00:00+08:00 3 3 %s"
           " %s\n", "ab", sig);
  fclose (fp);
  assert_int_equal (xj_audit_checkpoints_load (cp, &k, &cps, &n, d, sizeof d),
                    XJ_E_AUDIT_CHECKPOINT);
  free (cps);
  assert_non_null (strstr (d, "line 1"));
}

static void
stripped_mac_found (void **state)
{
  struct fx *f = *state;
  struct xj_audit_key k = keyed (f, 4);
  struct xj_audit_report rep;

  assert_int_equal (exec (f->path, "DROP TRIGGER audit_log_no_update;"
                                   "UPDATE audit_log SET mac = NULL"
                                   " WHERE id = 5;"), SQLITE_OK);
  assert_int_equal (xj_audit_verify_full (f->db, &k, NULL, 0, &rep),
                    XJ_E_AUDIT_BROKEN);
  assert_non_null (strstr (rep.detail, "no MAC"));
  /* all of them stripped: the newest is still expected to carry one */
  assert_int_equal (exec (f->path, "UPDATE audit_log SET mac = NULL;"),
                    SQLITE_OK);
  assert_int_equal (xj_audit_verify_full (f->db, &k, NULL, 0, &rep),
                    XJ_E_AUDIT_BROKEN);
}

static void
older_rows_covered_once_keyed (void **state)
{
  struct fx *f = *state;
  struct app a = { 3 };
  struct xj_audit_key k;
  struct xj_audit_report rep;

  /* no key file: entries are hash-chained only */
  assert_int_equal (xj_db_txn_run (f->db, "t", true, &append_txn, &a),
                    XJ_E_OK);
  assert_false (xj_audit_head_keyed (f->db));
  k = keyed (f, 2);
  assert_true (xj_audit_head_keyed (f->db));
  assert_int_equal (xj_audit_verify_full (f->db, &k, NULL, 0, &rep),
                    XJ_E_OK);
  assert_int_equal (rep.unkeyed, 3);
  assert_int_equal (exec (f->path, "DROP TRIGGER audit_log_no_update;"
                                   "UPDATE audit_log SET ip = 'x'"
                                   " WHERE id = 2;"), SQLITE_OK);
  rehash_all (f->path);
  assert_int_equal (xj_audit_verify_full (f->db, &k, NULL, 0, &rep),
                    XJ_E_AUDIT_BROKEN);
  assert_int_equal (rep.bad_id, 4); /* the first keyed entry */
}

static void
keyed_log_refuses_entries_without_key (void **state)
{
  struct fx *f = *state;
  struct app a = { 1 };

  keyed (f, 1);
  assert_int_equal (exec (f->path, "INSERT INTO settings VALUES"
                                   " ('audit.key_file', '/nonexistent/k')"),
                    SQLITE_OK);
  assert_int_equal (xj_db_txn_run (f->db, "t", true, &append_txn, &a),
                    XJ_E_AUDIT_KEY);
}

static void
searched_numbers_hash_with_the_key (void **state)
{
  struct fx *f = *state;
  char h1[65], h2[65], h3[65];

  assert_false (xj_audit_number_hash (f->db, "441823201501011234", h1));
  assert_string_equal (h1, "");
  keyed (f, 0);
  assert_true (xj_audit_number_hash (f->db, "441823201501011234", h1));
  assert_true (xj_audit_number_hash (f->db, "441823201501011234", h2));
  assert_true (xj_audit_number_hash (f->db, "441823201501011242", h3));
  assert_string_equal (h1, h2);
  assert_string_not_equal (h1, h3);
  assert_null (strstr (h1, "1234"));
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
    cmocka_unit_test_setup_teardown (keyed_chain_and_checkpoint_verify,
                                     setup, teardown),
    cmocka_unit_test_setup_teardown (rehashed_rewrite_found_by_mac, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (deleted_tail_found_by_checkpoint, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (stripped_mac_found, setup, teardown),
    cmocka_unit_test_setup_teardown (bad_checkpoint_lines_refused, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (older_rows_covered_once_keyed, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (keyed_log_refuses_entries_without_key,
                                     setup, teardown),
    cmocka_unit_test_setup_teardown (searched_numbers_hash_with_the_key,
                                     setup, teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
