/* db_sqlite.c -- the SQLite backend of db.h (db.c picks it for any path
 * that is not a PostgreSQL URL): connections, parameter binding,
 * transactions with retry, migrations, backup and integrity checks.  The
 * only file that includes sqlite3.h.
 */
#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "db_backend.h"
#include "../core/fault.h"
#include "../core/util.h"

/* Migrations, generated from the files in src/db/migrations
   (tools/embed-sql.sh). */
extern const struct xj_migration xj_migrations[];
/* ... and from src/db/migrations-auth for the auth store. */
extern const struct xj_migration xj_auth_migrations[];

/* A connection: struct xj_db first (db_backend.h). */
struct sq_db {
  struct xj_db base;
  sqlite3 *conn;
  sqlite3_stmt **stmts;  /* indexed by xj_db_stmt.index */
  int nstmts;
};

struct sq_row {
  struct xj_db_row base;
  sqlite3_stmt *s;
};

static inline struct sq_db *
SQ (struct xj_db *db)
{
  return (struct sq_db *) db;
}

static inline sqlite3_stmt *
ROW (const struct xj_db_row *r)
{
  return ((const struct sq_row *) r)->s;
}

static void sq_close (struct xj_db *db);

/* Rewrite $N placeholders to SQLite's ?N.  Caller frees. */
static char *
rewrite_sql (const char *sql)
{
  char *out = xj_strdup (sql);

  for (char *p = out; *p; p++)
    if ('$' == *p && p[1] >= '0' && p[1] <= '9')
      *p = '?';
  return out;
}

static int64_t
sq_int (const struct xj_db_row *r, int col)
{
  return sqlite3_column_int64 (ROW (r), col);
}

static double
sq_double (const struct xj_db_row *r, int col)
{
  return sqlite3_column_double (ROW (r), col);
}

static const char *
sq_text (const struct xj_db_row *r, int col)
{
  const unsigned char *t = sqlite3_column_text (ROW (r), col);

  return t ? (const char *) t : "";
}

static size_t
sq_bytes (const struct xj_db_row *r, int col)
{
  return (size_t) sqlite3_column_bytes (ROW (r), col);
}

static const void *
sq_blob (const struct xj_db_row *r, int col)
{
  return sqlite3_column_blob (ROW (r), col);
}

static bool
sq_isnull (const struct xj_db_row *r, int col)
{
  return SQLITE_NULL == sqlite3_column_type (ROW (r), col);
}

static int
sq_ncols (const struct xj_db_row *r)
{
  return sqlite3_column_count (ROW (r));
}

static const char *
sq_colname (const struct xj_db_row *r, int col)
{
  return sqlite3_column_name (ROW (r), col);
}

/* xj_db_unique_table from SQLite's message, which names the key's
   columns: "UNIQUE constraint failed: registry_numbers.registry_no" (an
   index on an expression is named "index 'x'" instead: no table). */
static void
unique_table (struct xj_db *db)
{
  const char *m = sqlite3_errmsg (SQ (db)->conn);
  const char *p = strstr (m, "failed: ");
  size_t n = 0;

  if (NULL != p)
    {
      p += strlen ("failed: ");
      n = strcspn (p, ". ,'");
      if ('.' != p[n])
        n = 0;
    }
  xj_snprintf (db->unique_table, sizeof db->unique_table, "%.*s", (int) n,
               p ? p : "");
}

static enum xj_qs
rc_qs (struct xj_db *db, int rc, const char *what)
{
  int ext = sqlite3_extended_errcode (SQ (db)->conn);

  if (SQLITE_BUSY == rc || SQLITE_LOCKED == rc)
    return XJ_QS_SOFT;
  if (SQLITE_CONSTRAINT_UNIQUE == ext || SQLITE_CONSTRAINT_PRIMARYKEY == ext)
    {
      unique_table (db);
      return XJ_QS_UNIQUE;
    }
  XJ_ERROR ("sqlite %s: %s (%d)", what, sqlite3_errmsg (SQ (db)->conn), ext);
  return XJ_QS_HARD;
}

static enum xj_qs
sq_q (struct xj_db *db, struct xj_db_stmt *st,
      const struct xj_db_param *params, xj_db_row_cb cb, void *cls)
{
  sqlite3_stmt *s;
  int rc;
  int n = 0;
  struct sq_row row = { { &xj_db_sqlite_backend }, NULL };
  bool stopped = false;

  if (st->index < 0 || st->index >= SQ (db)->nstmts || NULL == SQ (db)->stmts[st->index])
    {
      XJ_BUG ("statement %s not prepared", st->name);
      return XJ_QS_HARD;
    }
  s = SQ (db)->stmts[st->index];
  for (int i = 0; params && XJ_DB__END != params[i].t; i++)
    {
      const struct xj_db_param *p = &params[i];

      switch (p->t)
        {
        case XJ_DB_NULL:
          rc = sqlite3_bind_null (s, i + 1);
          break;
        case XJ_DB_INT:
          rc = sqlite3_bind_int64 (s, i + 1, p->i);
          break;
        case XJ_DB_DOUBLE:
          rc = sqlite3_bind_double (s, i + 1, p->d);
          break;
        case XJ_DB_TEXT:
          rc = sqlite3_bind_text (s, i + 1, p->p,
                                  (size_t) -1 == p->len ? -1 : (int) p->len,
                                  SQLITE_STATIC);
          break;
        case XJ_DB_BLOB:
          rc = sqlite3_bind_blob (s, i + 1, p->p, (int) p->len, SQLITE_STATIC);
          break;
        default:
          rc = SQLITE_MISUSE;
        }
      if (SQLITE_OK != rc)
        {
          XJ_BUG ("bind %d of %s failed: %s", i + 1, st->name,
                  sqlite3_errmsg (SQ (db)->conn));
          sqlite3_reset (s);
          sqlite3_clear_bindings (s);
          return XJ_QS_HARD;
        }
    }
  row.s = s;
  while (SQLITE_ROW == (rc = sqlite3_step (s)))
    {
      n++;
      if (NULL != cb && ! stopped && 0 != cb (cls, &row.base))
        {
          stopped = true;
          rc = SQLITE_DONE;
          break;
        }
    }
  if (SQLITE_DONE != rc)
    {
      enum xj_qs qs = rc_qs (db, rc, st->name);

      sqlite3_reset (s);
      sqlite3_clear_bindings (s);
      return qs;
    }
  if (0 == sqlite3_stmt_readonly (s) && 0 == sqlite3_column_count (s))
    n = sqlite3_changes (SQ (db)->conn);
  sqlite3_reset (s);
  sqlite3_clear_bindings (s);
  return (enum xj_qs) n;
}

static int64_t
sq_last_id (struct xj_db *db)
{
  return sqlite3_last_insert_rowid (SQ (db)->conn);
}

static int
exec_simple (struct xj_db *db, const char *sql)
{
  char *msg = NULL;
  int rc = sqlite3_exec (SQ (db)->conn, sql, NULL, NULL, &msg);

  if (SQLITE_OK != rc && SQLITE_BUSY != rc)
    XJ_ERROR ("sqlite exec failed: %s", msg ? msg : "?");
  sqlite3_free (msg);
  return rc;
}

static enum xj_err
sq_tune (struct xj_db *db, enum xj_db_tune t)
{
  static const char *const sql[] = {
    [XJ_DB_TUNE_CACHE_BIG] = "PRAGMA cache_size = -98304",
    [XJ_DB_TUNE_CACHE_NORMAL] = "PRAGMA cache_size = -32768; PRAGMA threads = 0",
    [XJ_DB_TUNE_INDEX_SORT] = "PRAGMA cache_size = -4096; PRAGMA threads = 1",
    [XJ_DB_TUNE_TEMP_FILE] = "PRAGMA temp_store = FILE",
    [XJ_DB_TUNE_TEMP_MEMORY] = "PRAGMA temp_store = MEMORY",
  };
  int rc;

  if ((size_t) t >= sizeof sql / sizeof sql[0])
    return XJ_E_INTERNAL;
  rc = exec_simple (db, sql[t]);
  if (SQLITE_BUSY == rc || SQLITE_LOCKED == rc)
    return XJ_E_DB_BUSY;
  return SQLITE_OK == rc ? XJ_E_OK : XJ_E_DB;
}

/* The audit chain's lock (db.h xj_db_chain_lock): a write transaction
   here already holds the one writer lock (BEGIN IMMEDIATE), and a
   deferred one that read an older snapshot cannot write at all
   (SQLITE_BUSY_SNAPSHOT, retried), so no appender can slip in between
   the tail read and the commit: nothing to write. */
static enum xj_err
sq_chain_lock (struct xj_db *db)
{
  (void) db;
  return XJ_E_OK;
}

static int
version_cb (void *cls, int n, char **vals, char **names)
{
  int64_t v = 0;

  (void) n;
  (void) names;
  if (vals[0] && xj_parse_i64 (vals[0], &v))
    *(int *) cls = (int) v;
  return 0;
}

static int
sq_schema_version (struct xj_db *db)
{
  int v = 0;

  sqlite3_exec (SQ (db)->conn, "SELECT max(version) FROM schema_version",
                version_cb, &v, NULL);
  return v;
}

/* Apply every migration newer than the stored version, each in its own
   IMMEDIATE transaction so two processes starting at once cannot both
   apply it. */
static enum xj_err
migrate (struct xj_db *db)
{
  int latest = 0;

  /* Up to date (every open but the first after an upgrade): no write at
     all.  Each BEGIN IMMEDIATE below waits for the writer lock, so a
     request thread opening its connection while an import runs would
     otherwise wait (and fail) although it only wants to read. */
  for (const struct xj_migration *m = xj_migrations; m->sql; m++)
    latest = m->version;
  if (sq_schema_version (db) >= latest)
    return XJ_E_OK;
  if (SQLITE_OK != exec_simple (db,
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"))
    return XJ_E_DB;
  for (const struct xj_migration *m = db->auth ? xj_auth_migrations
                                                : xj_migrations;
       m->sql; m++)
    {
      char ins[256];
      char ts[32];

      if (SQLITE_OK != exec_simple (db, "BEGIN IMMEDIATE"))
        return XJ_E_DB;
      if (sq_schema_version (db) >= m->version)
        {
          exec_simple (db, "COMMIT");
          continue;
        }
      if (SQLITE_OK != exec_simple (db, m->sql))
        {
          exec_simple (db, "ROLLBACK");
          XJ_ERROR ("migration %04d_%s failed", m->version, m->name);
          return XJ_E_DB;
        }
      xj_now_iso (ts);
      xj_snprintf (ins, sizeof ins,
                   "INSERT INTO schema_version VALUES (%d, '%s', '%s')",
                   m->version, m->name, ts);
      if (SQLITE_OK != exec_simple (db, ins)
          || SQLITE_OK != exec_simple (db, "COMMIT"))
        {
          exec_simple (db, "ROLLBACK");
          return XJ_E_DB;
        }
      XJ_INFO ("applied migration %04d_%s", m->version, m->name);
    }
  return XJ_E_OK;
}

static enum xj_err
prepare_all (struct xj_db *db)
{
  SQ (db)->nstmts = xj_db_registry_count;
  SQ (db)->stmts = xj_calloc ((size_t) xj_db_registry_count + 1,
                              sizeof *SQ (db)->stmts);
  for (struct xj_db_stmt *st = xj_db_registry_head; st; st = st->next)
    {
      char *sql;
      int rc;

      if (st->auth != db->auth)
        continue;
      sql = rewrite_sql (st->sql);
      rc = sqlite3_prepare_v3 (SQ (db)->conn, sql, -1,
                                   SQLITE_PREPARE_PERSISTENT,
                                   &SQ (db)->stmts[st->index], NULL);

      free (sql);
      if (SQLITE_OK != rc)
        {
          XJ_ERROR ("cannot prepare statement %s: %s", st->name,
                    sqlite3_errmsg (SQ (db)->conn));
          return XJ_E_DB;
        }
    }
  return XJ_E_OK;
}

/* The settings every connection runs with.  SQLite applies a PRAGMA
   that sets cache_size, temp_store or threads when the statement is
   *prepared*, not when it runs: while the import's settings were
   registered statements, prepare_all left each connection with a 4 MB
   cache, statement journals in temporary files and a sorter thread (the
   bulk intake confirmation wrote 2 GB of statement journal for 20,000
   students, bench/README.md).  The import now tunes through xj_db_tune
   and pg-check-sql refuses a PRAGMA statement; the second call after
   prepare_all stays as the guard test_db_txn.c settings_survive_prepare
   checks. */
static void
connection_settings (struct xj_db *db)
{
  exec_simple (db, "PRAGMA foreign_keys=ON");
  exec_simple (db, "PRAGMA synchronous=NORMAL");
  exec_simple (db, "PRAGMA cache_size=-32768");
  exec_simple (db, "PRAGMA temp_store=MEMORY");
  exec_simple (db, "PRAGMA threads=0");
}

/* The auth store's connection sees the registry beside it, attached
   read-only as "registry": the session check reads the session and its
   user in one statement (st_as_get, docs/internals/sessions.md).  Read-
   only matters: BEGIN IMMEDIATE on the auth connection (a log-in) then
   takes no lock of the registry, whose writer lock an import may hold
   for minutes; the registry's tables are reached by their plain names
   (none is also an auth table).  @path is the auth store,
   "<registry>-auth" (xj_db_auth_path). */
static enum xj_err
attach_registry (struct xj_db *db, const char *path)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen (path) - 5;   /* without "-auth" */
  struct xj_buf uri;
  sqlite3_stmt *st = NULL;
  int rc;

  if (strlen (path) < 6 || 0 != strcmp (path + n, "-auth"))
    {
      XJ_ERROR ("an auth store is named <registry>-auth: %s", path);
      return XJ_E_DB;
    }
  xj_buf_init (&uri, 0);
  xj_buf_append (&uri, "file:", 5);
  for (size_t i = 0; i < n; i++)  /* percent-encode all but the safe */
    {
      unsigned char c = (unsigned char) path[i];
      char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

      if (strchr ("/-._~", c) || (c < 128 && isalnum (c)))
        xj_buf_append (&uri, (const char *) &c, 1);
      else
        xj_buf_append (&uri, esc, 3);
    }
  xj_buf_append (&uri, "?mode=ro", 8);
  rc = sqlite3_prepare_v2 (SQ (db)->conn, "ATTACH ?1 AS registry", -1, &st,
                           NULL);
  if (SQLITE_OK == rc)
    rc = sqlite3_bind_text (st, 1, uri.data, -1, SQLITE_STATIC);
  if (SQLITE_OK == rc)
    rc = sqlite3_step (st);
  sqlite3_finalize (st);
  xj_buf_fini (&uri);
  if (SQLITE_DONE == rc)
    return XJ_E_OK;
  XJ_ERROR ("cannot attach the registry to %s: %s", path,
            sqlite3_errmsg (SQ (db)->conn));
  return XJ_E_DB;
}

static enum xj_err
sq_open (const char *path, int flags, struct xj_db **out)
{
  struct xj_db *db;
  int oflags = SQLITE_OPEN_NOMUTEX;
  enum xj_err e;

  *out = NULL;
  xj_db_fault_install ();
  if ((flags & XJ_DB_OPEN_AUTH) && 0 != access (path, F_OK))
    flags |= XJ_DB_OPEN_CREATE;
  if (flags & XJ_DB_OPEN_CREATE)
    {
      if (0 == access (path, F_OK))
        return XJ_E_DB_EXISTS;
      oflags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    }
  else
    {
      if (0 != access (path, F_OK))
        return XJ_E_NO_DB;
      oflags |= (flags & XJ_DB_OPEN_READONLY) ? SQLITE_OPEN_READONLY
                                              : SQLITE_OPEN_READWRITE;
    }
  db = xj_calloc (1, sizeof (struct sq_db));
  db->be = &xj_db_sqlite_backend;
  db->path = xj_strdup (path);
  db->auth = 0 != (flags & XJ_DB_OPEN_AUTH);
  if (db->auth)
    oflags |= SQLITE_OPEN_URI;   /* for attach_registry's file: URI */
  if (SQLITE_OK != sqlite3_open_v2 (path, &SQ (db)->conn, oflags, NULL))
    {
      XJ_ERROR ("cannot open %s: %s", path, sqlite3_errmsg (SQ (db)->conn));
      sq_close (db);
      return XJ_E_IO;
    }
  sqlite3_busy_timeout (SQ (db)->conn, 5000);
  sqlite3_extended_result_codes (SQ (db)->conn, 1);
  /* 16 KiB pages for a new database (set before its first write):
     a quarter of the WAL frames, page reads and b-tree levels of 4 KiB;
     a million-row import took 14.7-17.5 s instead of 21.3 s
     (bench/README.md).  An existing file keeps its page size. */
  if (flags & XJ_DB_OPEN_CREATE)
    exec_simple (db, "PRAGMA page_size=16384");
  if (! (flags & XJ_DB_OPEN_READONLY))
    exec_simple (db, "PRAGMA journal_mode=WAL");
  connection_settings (db);
  if (! (flags & XJ_DB_OPEN_READONLY) && XJ_E_OK != (e = migrate (db)))
    {
      sq_close (db);
      return e;
    }
  if ((db->auth && XJ_E_OK != (e = attach_registry (db, path)))
      || XJ_E_OK != (e = prepare_all (db)))
    {
      sq_close (db);
      return e;
    }
  /* again: preparing a registered "PRAGMA x = v" would already set it */
  connection_settings (db);
  *out = db;
  return XJ_E_OK;
}

static void
sq_close (struct xj_db *db)
{
  for (int i = 0; i < SQ (db)->nstmts; i++)
    sqlite3_finalize (SQ (db)->stmts[i]);
  free (SQ (db)->stmts);
  sqlite3_close_v2 (SQ (db)->conn);
  free (db->path);
  free (db);
}

static enum xj_err
sq_txn_try (struct xj_db *db, const char *name, xj_db_txn_cb cb, void *cls)
{
  enum xj_err e;
  int rc;

  (void) name;
  sqlite3_busy_timeout (SQ (db)->conn, 0);
  rc = exec_simple (db, "BEGIN IMMEDIATE");
  sqlite3_busy_timeout (SQ (db)->conn,
                        db->write_wait_ms ? (int) db->write_wait_ms : 5000);
  if (SQLITE_OK != rc)
    return SQLITE_BUSY == (rc & 0xff) ? XJ_E_DB_BUSY : XJ_E_DB;
  db->in_txn = true;
  e = cb (db, cls);
  if (XJ_E_OK == e)
    {
      rc = exec_simple (db, "COMMIT");
      if (SQLITE_OK != rc)
        e = SQLITE_BUSY == (rc & 0xff) ? XJ_E_DB_BUSY : XJ_E_DB;
    }
  if (XJ_E_OK != e)
    exec_simple (db, "ROLLBACK");
  db->in_txn = false;
  return e;
}

static void
sq_set_write_wait (struct xj_db *db, unsigned ms)
{
  sqlite3_busy_timeout (SQ (db)->conn, ms ? (int) ms : 5000);
}

static enum xj_err
sq_txn_run (struct xj_db *db, const char *name, bool write, xj_db_txn_cb cb,
            void *cls)
{
  enum xj_err e = XJ_E_DB_BUSY;

  int64_t deadline = xj_mono_ms () + db->write_wait_ms;

  for (int attempt = 0; attempt < 8 && XJ_E_DB_BUSY == e; attempt++)
    {
      int rc;

      if (db->write_wait_ms)
        {
          int64_t left = deadline - xj_mono_ms ();

          if (left <= 0)
            break;
          sqlite3_busy_timeout (SQ (db)->conn, (int) left);
        }
      rc = exec_simple (db, write ? "BEGIN IMMEDIATE" : "BEGIN");

      if (SQLITE_OK != rc)
        {
          e = (SQLITE_BUSY == rc) ? XJ_E_DB_BUSY : XJ_E_DB;
          continue;
        }
      db->in_txn = true;
      e = cb (db, cls);
      /* fault point: a COMMIT that fails (core/fault.h) */
      if (XJ_E_OK == e && write && xj_fault_hit (XJ_FAULT_COMMIT))
        e = XJ_E_DB;
      if (XJ_E_OK == e)
        {
          rc = exec_simple (db, "COMMIT");
          if (SQLITE_OK != rc)
            {
              exec_simple (db, "ROLLBACK");
              e = (SQLITE_BUSY == rc) ? XJ_E_DB_BUSY : XJ_E_DB;
            }
        }
      else
        exec_simple (db, "ROLLBACK");
      db->in_txn = false;
      if (XJ_E_DB_BUSY == e)
        usleep (1000u << attempt);
    }
  if (XJ_E_DB_BUSY == e)
    XJ_WARN ("transaction %s gave up after retries", name);
  return e;
}

static enum xj_err
sq_backup (struct xj_db *db, const char *dest)
{
  sqlite3 *out;
  sqlite3_backup *b;
  int rc;

  if (0 == access (dest, F_OK))
    return XJ_E_DB_EXISTS;
  if (SQLITE_OK != sqlite3_open_v2 (dest, &out,
                                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                    NULL))
    {
      sqlite3_close_v2 (out);
      return XJ_E_IO;
    }
  b = sqlite3_backup_init (out, "main", SQ (db)->conn, "main");
  if (NULL == b)
    {
      sqlite3_close_v2 (out);
      unlink (dest);
      return XJ_E_IO;
    }
  /* Copy in one step: a single read transaction gives a consistent copy
     while writers go on in WAL mode. */
  do
    {
      rc = sqlite3_backup_step (b, -1);
      if (SQLITE_BUSY == rc || SQLITE_LOCKED == rc)
        sqlite3_sleep (50);
    }
  while (SQLITE_OK == rc || SQLITE_BUSY == rc || SQLITE_LOCKED == rc);
  sqlite3_backup_finish (b);
  sqlite3_close_v2 (out);
  if (SQLITE_DONE != rc)
    {
      unlink (dest);
      return XJ_E_IO;
    }
  return XJ_E_OK;
}

struct ic_ctx {
  char *report;
  size_t size;
  bool bad;
};

static int
ic_cb (void *cls, int n, char **vals, char **names)
{
  struct ic_ctx *c = cls;
  size_t len = strlen (c->report);

  (void) names;
  if (1 == n && vals[0] && 0 == strcmp (vals[0], "ok"))
    return 0;
  c->bad = true;
  for (int i = 0; i < n && len + 2 < c->size; i++)
    {
      snprintf (c->report + len, c->size - len, "%s%s", i ? " " : "",
                vals[i] ? vals[i] : "NULL");
      len = strlen (c->report);
    }
  if (len + 2 < c->size)
    {
      c->report[len++] = '\n';
      c->report[len] = '\0';
    }
  return 0;
}

static enum xj_err
sq_integrity (struct xj_db *db, char *report, size_t size)
{
  struct ic_ctx c = { report, size, false };

  report[0] = '\0';
  if (SQLITE_OK != sqlite3_exec (SQ (db)->conn, "PRAGMA integrity_check", ic_cb,
                                 &c, NULL)
      || SQLITE_OK != sqlite3_exec (SQ (db)->conn, "PRAGMA foreign_key_check",
                                    ic_cb, &c, NULL))
    return XJ_E_DB;
  return c.bad ? XJ_E_INTEGRITY : XJ_E_OK;
}

static enum xj_err
sq_plan (struct xj_db *db, const struct xj_db_stmt *st, char *out,
         size_t size)
{
  static const char pre[] = "EXPLAIN QUERY PLAN ";
  size_t n = strlen (st->sql), used = 0;
  char *sql = xj_malloc (sizeof pre + n);
  sqlite3_stmt *s = NULL;
  int rc;

  memcpy (sql, pre, sizeof pre - 1);
  memcpy (sql + sizeof pre - 1, st->sql, n + 1);
  rc = sqlite3_prepare_v2 (SQ (db)->conn, sql, -1, &s, NULL);
  free (sql);
  if (SQLITE_OK != rc)
    return XJ_E_INTERNAL;
  out[0] = '\0';
  while (SQLITE_ROW == sqlite3_step (s) && used < size)
    {
      int k = snprintf (out + used, size - used, "%s\n",
                        (const char *) sqlite3_column_text (s, 3));

      used += k > 0 ? (size_t) k : 0;
    }
  sqlite3_finalize (s);
  return XJ_E_OK;
}

/* ---- bulk append: the prepared INSERT, one row at a time ---- */

static struct xj_db_bulk *
sq_bulk_begin (struct xj_db *db, struct xj_db_bulk_stmt *st)
{
  struct xj_db_bulk *b = xj_calloc (1, sizeof *b);

  b->db = db;
  b->st = st;
  return b;
}

/* The INSERT's $1 (id) is NULL: SQLite gives the next rowid, which
   RETURNING hands back.  A table without id (noid) takes @params as
   they are. */
static enum xj_qs
sq_bulk_row (struct xj_db_bulk *b, const struct xj_db_param *params,
             int64_t *id)
{
  struct xj_db_param v[64];
  int64_t got = 0;
  size_t n = 0;
  enum xj_qs qs;

  if (b->st->noid)
    return sq_q (b->db, &b->st->ins, params, NULL, NULL);
  v[0] = XJ_DB_NUL;
  while (XJ_DB__END != params[n].t && n + 2 < sizeof v / sizeof v[0])
    {
      v[n + 1] = params[n];
      n++;
    }
  if (XJ_DB__END != params[n].t)
    {
      XJ_BUG ("bulk %s: too many columns", b->st->ins.name);
      return XJ_QS_HARD;
    }
  v[n + 1] = XJ_DB_END;
  qs = sq_q (b->db, &b->st->ins, v, &xj_db_int64_cb, &got);
  if (qs >= 0 && NULL != id)
    *id = got;
  return qs;
}

static enum xj_qs
sq_bulk_end (struct xj_db_bulk *b)
{
  free (b);
  return XJ_QS_NONE;
}

static bool
sq_bulk_conflicted (const struct xj_db *db, struct xj_db_conflict *out)
{
  (void) db;
  (void) out;
  return false;
}

const struct xj_db_backend xj_db_sqlite_backend = {
  .name = "sqlite",
  .open = sq_open,
  .close = sq_close,
  .q = sq_q,
  .last_id = sq_last_id,
  .plan = sq_plan,
  .schema_version = sq_schema_version,
  .txn_run = sq_txn_run,
  .txn_try = sq_txn_try,
  .set_write_wait = sq_set_write_wait,
  .backup = sq_backup,
  .integrity = sq_integrity,
  .tune = sq_tune,
  .chain_lock = sq_chain_lock,
  .bulk_begin = sq_bulk_begin,
  .bulk_row = sq_bulk_row,
  .bulk_end = sq_bulk_end,
  .bulk_conflicted = sq_bulk_conflicted,
  .rebuilds_indexes = true,
  .col_int = sq_int,
  .col_double = sq_double,
  .col_text = sq_text,
  .col_bytes = sq_bytes,
  .col_blob = sq_blob,
  .col_isnull = sq_isnull,
  .ncols = sq_ncols,
  .colname = sq_colname,
};
