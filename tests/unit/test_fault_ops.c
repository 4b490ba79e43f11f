/* test_fault_ops.c -- fault injection (core/fault.h, docs/internals/
 * faults.md) over the four writes that matter most: a batch import, the
 * last approval of a registry change, a year-end promotion (升学) and a
 * registration.  For each operation and each failure class (alloc,
 * write, fsync, commit) the driver counts the class's events in a clean
 * run, then fails the Nth one for N = 1.. (every N up to SAMPLE, else
 * SAMPLE spread evenly, always the first and last), each in a forked
 * child on a fresh copy of one base database, and checks:
 *   - the child ended cleanly: exit 0 (under ASan/LSan: no error, no
 *     leak), or abort() from an xj_ allocation, which aborts by design;
 *   - all-or-nothing: the database dump equals the one before when the
 *     operation failed (or the child died), and the clean run's when it
 *     reported success (a fault after COMMIT, e.g. in the closing
 *     checkpoint's fsync, must not lose or half-apply it);
 *   - the database passes the integrity check and the audit chain
 *     verifies (what `xueji check` runs).
 * The test compares content (schema and rows, digest()), not files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "audit/audit.h"
#include "change/change.h"
#include "core/fault.h"
#include "core/sha256.h"
#include "core/util.h"
#include "gen/gen.h"
#include "import/import.h"
#include "region/region.h"
#include "school/school.h"
#include "student/student_register.h"
#include "student/student_store.h"
#include "user/user.h"
#include "testutil.h"

#define FAKE_NOW 1789000000 /* 2026-09-10 */
#define COUNTY "441823"
/* Ns per operation and class; enough to reach every phase of each
   operation while the whole test stays well under a minute (ASan too) */
#ifndef SAMPLE
#if defined(__SANITIZE_ADDRESS__)
#define SAMPLE 10 /* every class still, at a third of the cost */
#else
#define SAMPLE 24
#endif
#endif

static char base[64], work[80], csv[80];
static int64_t school1, change_id, change_version;
static const struct xj_user *change_actor; /* of the last step */
static struct xj_user u_admin, u_reg, u_county, u_city;
static struct xj_actor actor = { 0, "fault", "test" };
static unsigned char before[32];

/* ---- base database ---- */

static int
first_primary (void *cls, const struct xj_school_row *r)
{
  *(int64_t *) cls = r->s.id;
  return 1;
}

static enum xj_err
users_txn (struct xj_db *db, void *cls)
{
  struct xj_user_new n[] = {
    { "f_admin", "管理员", "fault-pass-2026", XJ_ROLE_ADMIN, NULL, 0 },
    { "f_reg", "学籍员", "fault-pass-2026", XJ_ROLE_REGISTRAR, NULL, school1 },
    { "f_county", "县局", "fault-pass-2026", XJ_ROLE_BUREAU, COUNTY, 0 },
    { "f_city", "市局", "fault-pass-2026", XJ_ROLE_BUREAU, "4418", 0 },
  };
  int64_t *ids = cls;

  for (size_t i = 0; i < 4; i++)
    {
      enum xj_err e = xj_user_create (db, &n[i], &ids[i]);

      if (XJ_E_OK != e)
        print_error ("user %s: %s (school %lld)\n", n[i].username,
                     xj_err_code (e), (long long) school1);

      if (XJ_E_OK != e)
        return e;
    }
  return XJ_E_OK;
}

struct act {
  const struct xj_user *u;
  int64_t id, version;
};

static enum xj_err
approve_txn (struct xj_db *db, void *cls)
{
  struct act *a = cls;

  return xj_change_act (db, a->u, &actor, a->id, a->version, XJ_CA_APPROVE,
                        "同意", NULL, NULL);
}

struct create {
  int64_t student;
  int64_t id;
  const char *field;
};

static enum xj_err
create_txn (struct xj_db *db, void *cls)
{
  struct create *c = cls;
  struct xj_change_new n = { .type = XJ_CH_SUSPEND, .student_id = c->student,
                             .reason = "病休" };

  return xj_change_create (db, &u_reg, &actor, &n, &c->id, &c->field);
}

/* The change's waiting step's actor, its version and how many steps
   are still to come (waiting included). */
static const struct xj_user *
waiting_actor (struct xj_db *db, int64_t id, int64_t *version, int *left)
{
  json_t *j, *w, *st;
  const char *kind;
  const struct xj_user *u;
  size_t i;

  assert_int_equal (xj_change_get_json (db, &u_admin, id, &j), XJ_E_OK);
  *version = json_integer_value (json_object_get (j, "version"));
  w = json_object_get (j, "waiting");
  *left = 0;
  json_array_foreach (json_object_get (j, "steps"), i, st)
    if (0 != strcmp (json_string_value (json_object_get (st, "status")),
                     "approved"))
      (*left)++;
  kind = json_is_object (w)
           ? json_string_value (json_object_get (w, "actor_kind")) : "";
  if (NULL == kind)
    kind = "";
  u = 0 == strcmp (kind, "school")   ? &u_reg
      : 0 == strcmp (kind, "county") ? &u_county
      : 0 == strcmp (kind, "city")   ? &u_city
                                     : NULL;
  json_decref (j);
  return u;
}

static void
first_student (void *cls, const struct xj_student_item *it)
{
  *(int64_t *) cls = it->id;
}

/* A change waiting for its last approval (the one that applies it). */
static void
base_change (struct xj_db *db)
{
  struct create c = { 0 };
  struct xj_student_filter f = { .school_id = school1, .status = "enrolled",
                                 .limit = 1 };
  int64_t total, version;
  int left;
  const struct xj_user *u;

  assert_int_equal (xj_student_list (db, "", 0, 0, &f, &total,
                                     &first_student,
                                     &c.student), XJ_E_OK);
  assert_int_equal (xj_db_txn_run (db, "c", true, &create_txn, &c), XJ_E_OK);
  change_id = c.id;
  for (;;)
    {
      struct act a;

      u = waiting_actor (db, change_id, &version, &left);
      assert_non_null (u);
      if (left <= 1)
        {
          change_actor = u;
          change_version = version;
          break;
        }
      a = (struct act) { u, change_id, version };
      assert_int_equal (xj_db_txn_run (db, "a", true, &approve_txn, &a),
                        XJ_E_OK);
    }
}

/* Everything in @path hashed: the schema (the import's bulk mode drops
   and re-creates indexes) and every row of every table, in scan order. */
static void
digest (const char *path, unsigned char out[32])
{
  sqlite3 *c;
  sqlite3_stmt *tabs, *rows;
  struct xj_sha256 h;
  char q[200];

  assert_int_equal (sqlite3_open_v2 (path, &c, SQLITE_OPEN_READONLY, NULL),
                    SQLITE_OK);
  xj_sha256_init (&h);
  assert_int_equal (sqlite3_prepare_v2 (c, "SELECT type, name, coalesce(sql,"
                                        " '') FROM sqlite_schema ORDER BY"
                                        " type, name", -1, &tabs, NULL),
                    SQLITE_OK);
  while (SQLITE_ROW == sqlite3_step (tabs))
    {
      const char *type = (const char *) sqlite3_column_text (tabs, 0);
      const char *name = (const char *) sqlite3_column_text (tabs, 1);

      for (int i = 0; i < 3; i++)
        xj_sha256_update (&h, sqlite3_column_text (tabs, i),
                          (size_t) sqlite3_column_bytes (tabs, i) + 1);
      if (0 != strcmp (type, "table"))
        continue;
      xj_snprintf (q, sizeof q, "SELECT * FROM \"%s\"", name);
      assert_int_equal (sqlite3_prepare_v2 (c, q, -1, &rows, NULL),
                        SQLITE_OK);
      while (SQLITE_ROW == sqlite3_step (rows))
        for (int i = 0; i < sqlite3_column_count (rows); i++)
          {
            unsigned char t = (unsigned char) sqlite3_column_type (rows, i);
            const void *b = sqlite3_column_blob (rows, i);

            xj_sha256_update (&h, &t, 1);
            if (b)
              xj_sha256_update (&h, b,
                                (size_t) sqlite3_column_bytes (rows, i));
          }
      sqlite3_finalize (rows);
    }
  sqlite3_finalize (tabs);
  sqlite3_close (c);
  xj_sha256_final (&h, out);
}

/* Keep the regions the base uses (Guangdong): a small file to copy. */
static void
shrink (const char *path)
{
  sqlite3 *c;

  assert_int_equal (sqlite3_open (path, &c), SQLITE_OK);
  /* and the year-end window open all year (the test's clock is in
     September) */
  assert_int_equal (sqlite3_exec (c, "DELETE FROM regions WHERE code NOT"
                                  " LIKE '44%'; INSERT OR REPLACE INTO"
                                  " settings VALUES ('yearend.window_start',"
                                  " '01-01'), ('yearend.window_end', '12-31');"
                                  " VACUUM", NULL, NULL, NULL),
                    SQLITE_OK);
  sqlite3_close (c);
}

static void
copy_file (const char *from, const char *to)
{
  char *data;
  size_t len;
  FILE *fp;

  data = xj_test_slurp (from, &len);
  fp = fopen (to, "wb");
  assert_non_null (fp);
  assert_int_equal (fwrite (data, 1, len, fp), len);
  assert_int_equal (fclose (fp), 0);
  free (data);
}

/* Remove the database @path with its WAL and shared-memory files. */
static void
remove_db (const char *path)
{
  char p[100];

  unlink (path);
  xj_snprintf (p, sizeof p, "%s-wal", path);
  unlink (p);
  xj_snprintf (p, sizeof p, "%s-shm", path);
  unlink (p);
}

static void
fresh_work (void)
{
  remove_db (work);
  copy_file (base, work);
}

static int
setup (void **state)
{
  struct xj_gen_opts o = { .county = COUNTY, .schools = 2, .students = 40,
                           .seed = 3 };
  struct xj_gen_file_opts fo = { 0 };
  struct xj_gen_file_result fr;
  struct xj_school_filter sf = { .stage = "primary", .limit = 1 };
  struct xj_db *db;
  int64_t ids[4];

  (void) state;
  assert_true (sodium_init () >= 0);
  xj_clock_set (FAKE_NOW);
  xj_test_tmp_path (base, sizeof base, "fault");
  xj_snprintf (work, sizeof work, "%s.work", base);
  xj_snprintf (csv, sizeof csv, "%s.csv", base);
  assert_int_equal (xj_db_open (base, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  assert_int_equal (xj_region_load_builtin (db), XJ_E_OK);
  assert_int_equal (xj_gen_run (db, &o, NULL), XJ_E_OK);
  assert_int_equal (xj_school_list (db, &sf, &first_primary, &school1, NULL),
                    XJ_E_OK);
  {
    enum xj_err e = xj_db_txn_run (db, "u", true, &users_txn, ids);

    if (XJ_E_OK != e)
      fail_msg ("users: %s", xj_err_code (e));
  }
  assert_int_equal (xj_user_load (db, ids[0], &u_admin), XJ_E_OK);
  assert_int_equal (xj_user_load (db, ids[1], &u_reg), XJ_E_OK);
  assert_int_equal (xj_user_load (db, ids[2], &u_county), XJ_E_OK);
  assert_int_equal (xj_user_load (db, ids[3], &u_city), XJ_E_OK);
  base_change (db);
  fo.out = csv;
  fo.students = 12;
  fo.seed = 5;
  assert_int_equal (xj_gen_file (db, &fo, &fr), XJ_E_OK);
  xj_db_close (db); /* checkpoints: the base is one self-contained file */
  shrink (base);
  digest (base, before);
  return 0;
}

static int
teardown (void **state)
{
  (void) state;
  remove_db (base);
  remove_db (work);
  unlink (csv);
  return 0;
}

/* ---- the operations (each on an open connection, in the child) ---- */

static enum xj_err
op_import (struct xj_db *db)
{
  struct xj_import_opts o = { .path = csv, .user = &u_admin,
                              .actor = &actor };
  struct xj_import_result res;
  enum xj_err e;

  memset (&res, 0, sizeof res);
  e = xj_import_run (db, &o, &res);
  if (XJ_E_OK == e && ! res.written)
    e = XJ_E_OK != res.status ? res.status : XJ_E_INTERNAL;
  xj_import_result_fini (&res);
  return e;
}

static enum xj_err
op_approve (struct xj_db *db)
{
  struct act a = { change_actor, change_id, change_version };

  return xj_db_txn_run (db, "change_act", true, &approve_txn, &a);
}

struct ye {
  json_t *out;
};

static enum xj_err
yearend_txn (struct xj_db *db, void *cls)
{
  struct ye *y = cls;
  struct xj_yearend_scope sc = { .school_id = 0, .county = COUNTY };

  return xj_yearend_run (db, &sc, true, &actor, &y->out);
}

static enum xj_err
op_yearend (struct xj_db *db)
{
  struct ye y = { NULL };
  enum xj_err e = xj_db_txn_run (db, "yearend_apply", true, &yearend_txn, &y);

  json_decref (y.out);
  return e;
}

struct reg {
  struct xj_student *s;
  struct xj_register_result res;
};

static enum xj_err
register_txn (struct xj_db *db, void *cls)
{
  struct reg *r = cls;

  return xj_student_register (db, r->s, COUNTY, NULL, &actor, &r->res);
}

static enum xj_err
op_register (struct xj_db *db)
{
  struct xj_gen_src *src;
  struct reg r = { 0 };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_gen_src_new (db, COUNTY, 77, &src)))
    return e;
  r.s = xj_calloc (1, sizeof *r.s);
  e = xj_gen_src_student (src, 1, NULL, 1, "11", 1, r.s);
  xj_gen_src_free (src);
  if (XJ_E_OK == e)
    {
      r.s->school_id = school1;
      e = xj_db_txn_run (db, "student_register", true, &register_txn, &r);
    }
  free (r.s);
  return e;
}

typedef enum xj_err (*op_fn) (struct xj_db *db);

/* ---- the driver ---- */

struct outcome {
  enum xj_err e;
  long count;
  int fired;
};

/* Fork; the child opens the work copy, arms class @c at @n (0: count
   only), runs @op, closes, reports through a pipe and exits 0.  Returns
   false when the child aborted (an xj_ allocation failed: by design). */
static bool
run_child (op_fn op, enum xj_fault_class c, long n, struct outcome *out)
{
  int fd[2], status;
  pid_t pid;

  assert_int_equal (pipe (fd), 0);
  pid = fork ();
  assert_true (pid >= 0);
  if (0 == pid)
    {
      struct xj_db *db;
      struct outcome o = { XJ_E_DB, 0, 0 };

      close (fd[0]);
      /* the child is no cmocka runner: a crash must end it, and show */
      signal (SIGSEGV, SIG_DFL);
      signal (SIGBUS, SIG_DFL);
      signal (SIGILL, SIG_DFL);
      signal (SIGFPE, SIG_DFL);
      signal (SIGABRT, SIG_DFL);
      xj_log_set_level (XJ_LOG_ERROR + 1);
      if (XJ_E_OK == (o.e = xj_db_open (work, XJ_DB_OPEN_EXISTING, &db)))
        {
          /* armed after the open (preparing every statement is most of
             its allocations), before the operation and the close (whose
             checkpoint writes and syncs) */
          xj_fault_arm (c, n);
          o.e = op (db);
          xj_db_close (db);
        }
      o.count = xj_fault_count (c);
      o.fired = xj_fault_fired (c);
      xj_fault_reset ();
      if (sizeof o != (size_t) write (fd[1], &o, sizeof o))
        _exit (3);
      close (fd[1]);
      exit (0); /* not _exit: LSan checks for leaks at exit */
    }
  close (fd[1]);
  memset (out, 0, sizeof *out);
  out->e = XJ_E_INTERNAL;
  if (sizeof *out != (size_t) read (fd[0], out, sizeof *out))
    out->e = XJ_E_INTERNAL;
  close (fd[0]);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  if (WIFSIGNALED (status) && SIGABRT == WTERMSIG (status))
    return false;
  if (! WIFEXITED (status) || 0 != WEXITSTATUS (status))
    fail_msg ("%s:%ld: child ended with status %#x (sanitizer report?)",
              xj_fault_name (c), n, status);
  return true;
}

static void
check_db (const char *what, long n)
{
  struct xj_db *db;
  char report[512];
  int64_t bad = 0, count = 0;
  enum xj_err e;

  assert_int_equal (xj_db_open (work, XJ_DB_OPEN_EXISTING, &db), XJ_E_OK);
  e = xj_db_integrity (db, report, sizeof report);
  if (XJ_E_OK != e)
    fail_msg ("%s:%ld: integrity: %s", what, n, report);
  e = xj_audit_verify (db, &bad, &count);
  if (XJ_E_OK != e)
    fail_msg ("%s:%ld: audit chain broken at %lld", what, n, (long long) bad);
  xj_db_close (db);
}

static void
drive (op_fn op, const char *name)
{
  for (int c = 0; c < XJ_FAULT__COUNT; c++)
    {
      struct outcome ref, o;
      unsigned char after[32], d[32];
      long total, step;
      unsigned tried = 0, aborted = 0, failed = 0, applied = 0;
      char what[40];

      xj_snprintf (what, sizeof what, "%s/%s", name, xj_fault_name (c));
      fresh_work ();
      assert_true (run_child (op, (enum xj_fault_class) c, 0, &ref));
      if (XJ_E_OK != ref.e)
        fail_msg ("%s: the clean run failed: %s", what, xj_err_code (ref.e));
      digest (work, after);
      assert_memory_not_equal (after, before, 32);
      total = ref.count;
      step = total > SAMPLE ? (total + SAMPLE - 1) / SAMPLE : 1;
      for (long n = 1; n <= total; n += (n == 1 || n + step <= total) ? step
                                                                    : total - n)
        {
          bool clean;

          fresh_work ();
          clean = run_child (op, (enum xj_fault_class) c, n, &o);
          tried++;
          aborted += ! clean;
          failed += clean && XJ_E_OK != o.e;
          applied += clean && XJ_E_OK == o.e;
          digest (work, d);
          if (clean && XJ_E_OK == o.e)
            {
              if (0 != memcmp (d, after, 32))
                fail_msg ("%s:%ld: reported success but not fully applied",
                          what, n);
            }
          else if (0 != memcmp (d, before, 32))
            fail_msg ("%s:%ld: failed (%s) but the database changed", what,
                      n, clean ? xj_err_code (o.e) : "abort");
          check_db (what, n);
          if (n == total)
            break;
        }
      /* every class reaches every operation (else the shim is dead) */
      if (0 == total)
        fail_msg ("%s: no %s events at all", what, xj_fault_name (c));
      print_message ("%-21s %5ld events; failed the Nth for %2u N: %2u "
                     "rolled back, %2u aborted (xj_ allocation), %2u "
                     "applied (fault after COMMIT)\n",
                     what, total, tried, failed, aborted, applied);
    }
}

static void
t_import (void **state)
{
  (void) state;
  drive (&op_import, "import");
}

static void
t_approve (void **state)
{
  (void) state;
  drive (&op_approve, "change-approve");
}

static void
t_yearend (void **state)
{
  (void) state;
  drive (&op_yearend, "yearend");
}

static void
t_register (void **state)
{
  (void) state;
  drive (&op_register, "register");
}

/* The switch itself: XJ_FAULT parsing and one-shot firing. */
static void
t_fault_env (void **state)
{
  (void) state;
  setenv ("XJ_FAULT", "commit:2", 1);
  assert_true (xj_fault_from_env ());
  assert_false (xj_fault_hit (XJ_FAULT_COMMIT));
  assert_true (xj_fault_hit (XJ_FAULT_COMMIT));
  assert_false (xj_fault_hit (XJ_FAULT_COMMIT));
  assert_true (xj_fault_fired (XJ_FAULT_COMMIT));
  assert_int_equal (xj_fault_count (XJ_FAULT_COMMIT), 3);
  setenv ("XJ_FAULT", "disk:1", 1);
  assert_false (xj_fault_from_env ());
  setenv ("XJ_FAULT", "write:0", 1);
  assert_false (xj_fault_from_env ());
  unsetenv ("XJ_FAULT");
  xj_fault_reset ();
  assert_false (xj_fault_hit (XJ_FAULT_WRITE));
  assert_int_equal (xj_fault_count (XJ_FAULT_WRITE), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (t_fault_env),
    cmocka_unit_test (t_register),
    cmocka_unit_test (t_approve),
    cmocka_unit_test (t_yearend),
    cmocka_unit_test (t_import),
  };

  return cmocka_run_group_tests (tests, setup, teardown);
}
