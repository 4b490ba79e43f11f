/* db_sqlite.c -- the SQLite backend of db.h: connections, the statement
 * registry, parameter binding, transactions with retry, migrations,
 * backup and integrity checks.  The only file that includes sqlite3.h.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "db.h"
#include "../core/fault.h"
#include "../core/util.h"

/* Migrations, generated from the files in src/db/migrations
   (tools/embed-sql.sh). */
struct xj_migration {
  int version;
  const char *name;
  const char *sql;
};
extern const struct xj_migration xj_migrations[];
/* ... and from src/db/migrations-auth for the auth store. */
extern const struct xj_migration xj_auth_migrations[];

static struct xj_db_stmt *registry_head;
static int registry_count;

struct xj_db {
  sqlite3 *conn;
  char *path;
  sqlite3_stmt **stmts;  /* indexed by xj_db_stmt.index */
  int nstmts;
  bool in_txn;
  unsigned write_wait_ms; /* 0 = default busy timeout and retries */
  bool auth;             /* the auth store (XJ_DB_OPEN_AUTH) */
};

struct xj_db_row {
  sqlite3_stmt *s;
};

void
xj_db_stmt_register (struct xj_db_stmt *st)
{
  /* Runs from constructors before main(): single-threaded. */
  if (st->index >= 0)
    return;
  st->index = registry_count++;
  st->next = registry_head;
  registry_head = st;
}

const struct xj_db_stmt *
xj_db_stmt_first (void)
{
  return registry_head;
}

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

int64_t
xj_db_int (const struct xj_db_row *r, int col)
{
  return sqlite3_column_int64 (r->s, col);
}

double
xj_db_double (const struct xj_db_row *r, int col)
{
  return sqlite3_column_double (r->s, col);
}

const char *
xj_db_text (const struct xj_db_row *r, int col)
{
  const unsigned char *t = sqlite3_column_text (r->s, col);

  return t ? (const char *) t : "";
}

void
xj_db_row_fields (const struct xj_db_row *r, const struct xj_db_field *f,
                  size_t n, void *out)
{
  char *base = out;

  for (size_t i = 0; i < n; i++)
    {
      void *p = base + f[i].off;
      int64_t v = xj_db_int (r, (int) i);

      switch (f[i].kind)
        {
        case XJ_DB_FI64:
          memcpy (p, &v, sizeof v);
          break;
        case XJ_DB_FINT:
          *(int *) p = (int) v;
          break;
        case XJ_DB_FBOOL:
          *(bool *) p = 0 != v;
          break;
        case XJ_DB_FTEXT:
          xj_strlcpy (p, xj_db_text (r, (int) i), f[i].size);
          break;
        }
    }
}

size_t
xj_db_bytes (const struct xj_db_row *r, int col)
{
  return (size_t) sqlite3_column_bytes (r->s, col);
}

const void *
xj_db_blob (const struct xj_db_row *r, int col)
{
  return sqlite3_column_blob (r->s, col);
}

bool
xj_db_isnull (const struct xj_db_row *r, int col)
{
  return SQLITE_NULL == sqlite3_column_type (r->s, col);
}

int
xj_db_ncols (const struct xj_db_row *r)
{
  return sqlite3_column_count (r->s);
}

const char *
xj_db_colname (const struct xj_db_row *r, int col)
{
  return sqlite3_column_name (r->s, col);
}

static enum xj_qs
rc_qs (struct xj_db *db, int rc, const char *what)
{
  int ext = sqlite3_extended_errcode (db->conn);

  if (SQLITE_BUSY == rc || SQLITE_LOCKED == rc)
    return XJ_QS_SOFT;
  if (SQLITE_CONSTRAINT_UNIQUE == ext || SQLITE_CONSTRAINT_PRIMARYKEY == ext)
    return XJ_QS_UNIQUE;
  XJ_ERROR ("sqlite %s: %s (%d)", what, sqlite3_errmsg (db->conn), ext);
  return XJ_QS_HARD;
}

enum xj_qs
xj_db_q (struct xj_db *db, struct xj_db_stmt *st,
         const struct xj_db_param *params, xj_db_row_cb cb, void *cls)
{
  sqlite3_stmt *s;
  int rc;
  int n = 0;
  struct xj_db_row row;
  bool stopped = false;

  if (st->index < 0 || st->index >= db->nstmts || NULL == db->stmts[st->index])
    {
      XJ_BUG ("statement %s not prepared", st->name);
      return XJ_QS_HARD;
    }
  s = db->stmts[st->index];
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
                  sqlite3_errmsg (db->conn));
          sqlite3_reset (s);
          sqlite3_clear_bindings (s);
          return XJ_QS_HARD;
        }
    }
  row.s = s;
  while (SQLITE_ROW == (rc = sqlite3_step (s)))
    {
      n++;
      if (NULL != cb && ! stopped && 0 != cb (cls, &row))
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
    n = sqlite3_changes (db->conn);
  sqlite3_reset (s);
  sqlite3_clear_bindings (s);
  return (enum xj_qs) n;
}

int64_t
xj_db_last_id (struct xj_db *db)
{
  return sqlite3_last_insert_rowid (db->conn);
}

static int
exec_simple (struct xj_db *db, const char *sql)
{
  char *msg = NULL;
  int rc = sqlite3_exec (db->conn, sql, NULL, NULL, &msg);

  if (SQLITE_OK != rc && SQLITE_BUSY != rc)
    XJ_ERROR ("sqlite exec failed: %s", msg ? msg : "?");
  sqlite3_free (msg);
  return rc;
}

enum xj_err
xj_db_tune (struct xj_db *db, enum xj_db_tune t)
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

int
xj_db_schema_version (struct xj_db *db)
{
  int v = 0;

  sqlite3_exec (db->conn, "SELECT max(version) FROM schema_version",
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
  if (xj_db_schema_version (db) >= latest)
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
      if (xj_db_schema_version (db) >= m->version)
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
  db->nstmts = registry_count;
  db->stmts = xj_calloc ((size_t) registry_count + 1, sizeof *db->stmts);
  for (struct xj_db_stmt *st = registry_head; st; st = st->next)
    {
      char *sql;
      int rc;

      if (st->auth != db->auth)
        continue;
      sql = rewrite_sql (st->sql);
      rc = sqlite3_prepare_v3 (db->conn, sql, -1,
                                   SQLITE_PREPARE_PERSISTENT,
                                   &db->stmts[st->index], NULL);

      free (sql);
      if (SQLITE_OK != rc)
        {
          XJ_ERROR ("cannot prepare statement %s: %s", st->name,
                    sqlite3_errmsg (db->conn));
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

enum xj_err
xj_db_open (const char *path, int flags, struct xj_db **out)
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
  db = xj_calloc (1, sizeof *db);
  db->path = xj_strdup (path);
  db->auth = 0 != (flags & XJ_DB_OPEN_AUTH);
  if (SQLITE_OK != sqlite3_open_v2 (path, &db->conn, oflags, NULL))
    {
      XJ_ERROR ("cannot open %s: %s", path, sqlite3_errmsg (db->conn));
      xj_db_close (db);
      return XJ_E_IO;
    }
  sqlite3_busy_timeout (db->conn, 5000);
  sqlite3_extended_result_codes (db->conn, 1);
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
      xj_db_close (db);
      return e;
    }
  if (XJ_E_OK != (e = prepare_all (db)))
    {
      xj_db_close (db);
      return e;
    }
  /* again: preparing a registered "PRAGMA x = v" would already set it */
  connection_settings (db);
  *out = db;
  return XJ_E_OK;
}

void
xj_db_close (struct xj_db *db)
{
  if (NULL == db)
    return;
  for (int i = 0; i < db->nstmts; i++)
    sqlite3_finalize (db->stmts[i]);
  free (db->stmts);
  sqlite3_close_v2 (db->conn);
  free (db->path);
  free (db);
}

const char *
xj_db_path (const struct xj_db *db)
{
  return db->path;
}

void
xj_db_auth_path (const char *db_path, char *out, size_t size)
{
  xj_snprintf (out, size, "%s-auth", db_path);
}

enum xj_err
xj_db_txn_try (struct xj_db *db, const char *name, xj_db_txn_cb cb,
               void *cls)
{
  enum xj_err e;
  int rc;

  if (db->in_txn)
    {
      XJ_BUG ("nested transaction %s", name);
      return XJ_E_INTERNAL;
    }
  sqlite3_busy_timeout (db->conn, 0);
  rc = exec_simple (db, "BEGIN IMMEDIATE");
  sqlite3_busy_timeout (db->conn, db->write_wait_ms ? (int) db->write_wait_ms
                                                    : 5000);
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

enum xj_err
xj_db_qs_err (enum xj_qs qs)
{
  if (XJ_QS_SOFT == qs)
    return XJ_E_DB_BUSY;
  return XJ_E_DB;
}

void
xj_db_set_write_wait (struct xj_db *db, unsigned ms)
{
  db->write_wait_ms = ms;
  sqlite3_busy_timeout (db->conn, ms ? (int) ms : 5000);
}

enum xj_err
xj_db_txn_run (struct xj_db *db, const char *name, bool write,
               xj_db_txn_cb cb, void *cls)
{
  enum xj_err e = XJ_E_DB_BUSY;

  if (db->in_txn)
    {
      XJ_BUG ("nested transaction %s", name);
      return XJ_E_INTERNAL;
    }
  int64_t deadline = xj_mono_ms () + db->write_wait_ms;

  for (int attempt = 0; attempt < 8 && XJ_E_DB_BUSY == e; attempt++)
    {
      int rc;

      if (db->write_wait_ms)
        {
          int64_t left = deadline - xj_mono_ms ();

          if (left <= 0)
            break;
          sqlite3_busy_timeout (db->conn, (int) left);
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

enum xj_err
xj_db_backup (struct xj_db *db, const char *dest)
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
  b = sqlite3_backup_init (out, "main", db->conn, "main");
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

enum xj_err
xj_db_integrity (struct xj_db *db, char *report, size_t size)
{
  struct ic_ctx c = { report, size, false };

  report[0] = '\0';
  if (SQLITE_OK != sqlite3_exec (db->conn, "PRAGMA integrity_check", ic_cb,
                                 &c, NULL)
      || SQLITE_OK != sqlite3_exec (db->conn, "PRAGMA foreign_key_check",
                                    ic_cb, &c, NULL))
    return XJ_E_DB;
  return c.bad ? XJ_E_INTEGRITY : XJ_E_OK;
}

enum xj_err
xj_db_plan (struct xj_db *db, const struct xj_db_stmt *st, char *out,
            size_t size)
{
  static const char pre[] = "EXPLAIN QUERY PLAN ";
  size_t n = strlen (st->sql), used = 0;
  char *sql = xj_malloc (sizeof pre + n);
  sqlite3_stmt *s = NULL;
  int rc;

  memcpy (sql, pre, sizeof pre - 1);
  memcpy (sql + sizeof pre - 1, st->sql, n + 1);
  rc = sqlite3_prepare_v2 (db->conn, sql, -1, &s, NULL);
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
