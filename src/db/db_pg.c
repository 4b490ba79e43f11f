/* db_pg.c -- the PostgreSQL backend of db.h (db.c picks it for a
 * postgresql:// or postgres:// URL): one libpq connection per struct
 * xj_db, each statement prepared on its first use there, parameters in text
 * (blobs in binary), results in text, transactions with retry, and the
 * migration runner for src/db/migrations-pg and migrations-auth-pg.  The
 * only file that includes libpq-fe.h.
 *
 * Transactions (docs/db.md "PostgreSQL"): a write runs SERIALIZABLE (a
 * long writer READ COMMITTED), a read REPEATABLE READ; a serialization failure or deadlock (40001,
 * 40P01) or a lock wait over lock_timeout (55P03) is XJ_QS_SOFT and the
 * runner retries the whole transaction.  Writers run in parallel; there
 * is no single writer lock as on SQLite.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "db_backend.h"
#include "../core/util.h"

/* Migrations, generated from src/db/migrations-pg and
   src/db/migrations-auth-pg (tools/embed-sql.sh). */
extern const struct xj_migration xj_pg_migrations[];
extern const struct xj_migration xj_pg_auth_migrations[];

#define BYTEA_OID 17
#define BOOL_OID 16
/* Every migration runs under this advisory lock (any 64-bit number that
   no other application on the cluster uses: "xueji" in ASCII). */
#define MIGRATE_LOCK "120119106105"
/* The default wait for a row lock (as SQLite's 5 s busy timeout). */
#define DEFAULT_LOCK_TIMEOUT_MS 5000

/* A connection: struct xj_db first (db_backend.h). */
struct pg_db {
  struct xj_db base;
  PGconn *conn;
  char *failed;  /* the last failure's SQLSTATE, for the runner */
  bool dead;     /* the connection dropped inside a transaction */
  struct pg_bulk *bulks;  /* open bulk appends, in the order begun */
  bool bulk_unique;       /* a COPY of this transaction hit a UNIQUE */
  struct xj_db_conflict conflict;  /* ... which row and key */
  bool *prepared;         /* per statement index: prepared on conn */
  int nprepared;          /* slots in prepared[] */
};

static enum xj_qs bulk_flush_all (struct xj_db *db);
static void bulk_drop_all (struct xj_db *db, bool ok);

/* A row: the result, its row number and the bytea values decoded for
   this row (freed after the callback). */
struct pg_row {
  struct xj_db_row base;
  PGresult *res;
  int row;
  unsigned char **bytea;  /* per column, NULL until decoded */
  size_t *bytea_len;
};

static inline struct pg_db *
PG (struct xj_db *db)
{
  return (struct pg_db *) db;
}

static inline const struct pg_row *
ROW (const struct xj_db_row *r)
{
  return (const struct pg_row *) r;
}

/* The tables recording applied migrations (the auth store's apart, as
   its versions are numbered on their own). */
static const char *
version_table (const struct xj_db *db)
{
  return db->auth ? "auth_schema_version" : "schema_version";
}

/* ---- columns ---- */

static const char *
pg_text (const struct xj_db_row *r, int col)
{
  const char *v;

  /* a column past the result's reads as SQLite's does: empty, 0 */
  if (col < 0 || col >= PQnfields (ROW (r)->res))
    return "";
  v = PQgetvalue (ROW (r)->res, ROW (r)->row, col);
  return v ? v : "";
}

static int64_t
pg_int (const struct xj_db_row *r, int col)
{
  const char *v = pg_text (r, col);

  /* a boolean (SELECT a = b) reads as 1/0, as on SQLite */
  if ('t' == v[0] && '\0' == v[1])
    return 1;
  if ('f' == v[0] && '\0' == v[1])
    return 0;
  return strtoll (v, NULL, 10);
}

static double
pg_double (const struct xj_db_row *r, int col)
{
  return strtod (pg_text (r, col), NULL);
}

static bool
pg_isnull (const struct xj_db_row *r, int col)
{
  return 1 == PQgetisnull (ROW (r)->res, ROW (r)->row, col);
}

/* Decode bytea column @col of this row once (cached until the callback
   returns).  NULL for a NULL value. */
static const unsigned char *
bytea_get (const struct pg_row *r, int col, size_t *len)
{
  if (pg_isnull (&r->base, col))
    {
      *len = 0;
      return NULL;
    }
  if (NULL == r->bytea[col])
    {
      r->bytea[col] = PQunescapeBytea (
        (const unsigned char *) PQgetvalue (r->res, r->row, col),
        &r->bytea_len[col]);
      if (NULL == r->bytea[col])
        {
          XJ_ERROR ("out of memory decoding bytea");
          abort ();
        }
    }
  *len = r->bytea_len[col];
  return r->bytea[col];
}

static size_t
pg_bytes (const struct xj_db_row *r, int col)
{
  size_t len;

  if (BYTEA_OID == PQftype (ROW (r)->res, col))
    {
      bytea_get (ROW (r), col, &len);
      return len;
    }
  return (size_t) PQgetlength (ROW (r)->res, ROW (r)->row, col);
}

static const void *
pg_blob (const struct xj_db_row *r, int col)
{
  size_t len;

  if (BYTEA_OID == PQftype (ROW (r)->res, col))
    return bytea_get (ROW (r), col, &len);
  return pg_isnull (r, col) ? NULL : pg_text (r, col);
}

static int
pg_ncols (const struct xj_db_row *r)
{
  return PQnfields (ROW (r)->res);
}

static const char *
pg_colname (const struct xj_db_row *r, int col)
{
  return PQfname (ROW (r)->res, col);
}

/* ---- statements ---- */

/* The name a statement is prepared under (names of the C variables may
   repeat between files; indexes do not). */
static void
stmt_name (const struct xj_db_stmt *st, char out[16])
{
  xj_snprintf (out, 16, "s%d", st->index);
}

/* A PRAGMA statement tunes SQLite (cache size, temp store, sort threads
   of a bulk import); PostgreSQL has no such knob per connection, so there
   it is neither prepared nor sent and "runs" without rows. */
static bool
is_sqlite_pragma (const struct xj_db_stmt *st)
{
  return 0 == strncasecmp (st->sql, "PRAGMA ", 7);
}

/* Map a failed result to a query status; log hard failures with the
   SQLSTATE and the statement's name. */
static enum xj_qs
res_qs (struct xj_db *db, const PGresult *res, const char *what)
{
  const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;

  free (PG (db)->failed);
  PG (db)->failed = xj_strdup (state ? state : "");
  if (NULL != state)
    {
      if (0 == strcmp (state, "40001") || 0 == strcmp (state, "40P01")
          || 0 == strcmp (state, "55P03"))
        {
          xj_log (XJ_LOG_DEBUG, __FILE__, __LINE__,
                  "postgresql %s: %s (retryable)", what, state);
          return XJ_QS_SOFT;
        }
      if (0 == strcmp (state, "23505"))
        {
          const char *t = PQresultErrorField (res, PG_DIAG_TABLE_NAME);

          xj_strlcpy (db->unique_table, t ? t : "", sizeof db->unique_table);
          return XJ_QS_UNIQUE;
        }
    }
  XJ_ERROR ("postgresql %s: %s %s", what, state ? state : "(no SQLSTATE)",
            res ? PQresultErrorMessage (res) : PQerrorMessage (PG (db)->conn));
  return XJ_QS_HARD;
}

/* Forget every statement prepared on @db's connection (a new one after
   a reset has none). */
static void
prepared_forget (struct xj_db *db)
{
  free (PG (db)->prepared);
  PG (db)->prepared = NULL;
  PG (db)->nprepared = 0;
}

/* Prepare @st on @db's connection unless done there already.  Lazily, on
   first use: preparing every statement at open parsed each against its
   tables, and one table locked by another session (an ACCESS EXCLUSIVE
   lock, a long DDL) made every new connection wait lock_timeout before
   it served anything.  A prepare is not undone by a ROLLBACK, so a
   statement stays prepared for the connection's life.  XJ_QS_NONE when
   ready, else the status of the refusal (a lock wait over lock_timeout
   is soft: the runner retries the transaction). */
static enum xj_qs
prepare_once (struct xj_db *db, const struct xj_db_stmt *st)
{
  struct pg_db *pg = PG (db);
  char name[16];
  PGresult *res;
  enum xj_qs qs = XJ_QS_NONE;

  if (st->index < pg->nprepared && pg->prepared[st->index])
    return XJ_QS_NONE;
  if (st->index >= pg->nprepared)
    {
      int n = xj_db_registry_count > st->index ? xj_db_registry_count
                                               : st->index + 1;

      pg->prepared = xj_realloc (pg->prepared, (size_t) n * sizeof (bool));
      memset (pg->prepared + pg->nprepared, 0,
              (size_t) (n - pg->nprepared) * sizeof (bool));
      pg->nprepared = n;
    }
  stmt_name (st, name);
  res = PQprepare (pg->conn, name, st->sql, 0, NULL);
  if (PGRES_COMMAND_OK == PQresultStatus (res))
    pg->prepared[st->index] = true;
  else if (CONNECTION_BAD != PQstatus (pg->conn))
    qs = res_qs (db, res, st->name);
  else
    qs = XJ_QS_HARD;  /* pg_q reconnects */
  PQclear (res);
  return qs;
}

/* Run @sql (no parameters; may hold several statements) and say whether
   it succeeded; failures are logged unless @quiet. */
static bool
exec_simple (struct xj_db *db, const char *sql, bool quiet)
{
  PGresult *res = PQexec (PG (db)->conn, sql);
  ExecStatusType s = PQresultStatus (res);
  bool ok = PGRES_COMMAND_OK == s || PGRES_TUPLES_OK == s;

  if (! ok)
    {
      if (quiet)
        {
          const char *state = PQresultErrorField (res, PG_DIAG_SQLSTATE);

          free (PG (db)->failed);
          PG (db)->failed = xj_strdup (state ? state : "");
        }
      else
        res_qs (db, res, sql);
    }
  PQclear (res);
  return ok;
}

/* Session settings of every connection (again after a reset). */
static bool
session_setup (struct xj_db *db)
{
  char sql[128];

  if (0 != PQsetClientEncoding (PG (db)->conn, "UTF8"))
    return false;
  xj_snprintf (sql, sizeof sql,
               "SET client_min_messages = warning;"
               " SET lock_timeout = %u",
               db->write_wait_ms ? db->write_wait_ms
                                 : DEFAULT_LOCK_TIMEOUT_MS);
  return exec_simple (db, sql, false);
}

/* The connection dropped: reset it once (its statements are prepared
   again as they are used).  False if that failed too. */
static bool
reconnect (struct xj_db *db)
{
  XJ_WARN ("postgresql connection lost (%s); reconnecting",
           PQerrorMessage (PG (db)->conn));
  PQreset (PG (db)->conn);
  if (CONNECTION_OK != PQstatus (PG (db)->conn))
    {
      XJ_ERROR ("postgresql reconnect failed: %s",
                PQerrorMessage (PG (db)->conn));
      return false;
    }
  prepared_forget (db);
  return session_setup (db);
}

/* Parameters of one execution: values as libpq wants them.  Integers and
   doubles are printed into @buf (32 bytes each). */
struct pg_params {
  int n;
  const char **values;
  int *lengths;
  int *formats;
  char *buf;
  char **copies;  /* texts with an explicit length, NUL-terminated here */
};

static void
params_fill (struct pg_params *pp, const struct xj_db_param *params)
{
  int n = 0;

  while (params && XJ_DB__END != params[n].t)
    n++;
  pp->n = n;
  pp->values = xj_calloc ((size_t) n + 1, sizeof *pp->values);
  pp->lengths = xj_calloc ((size_t) n + 1, sizeof *pp->lengths);
  pp->formats = xj_calloc ((size_t) n + 1, sizeof *pp->formats);
  pp->copies = xj_calloc ((size_t) n + 1, sizeof *pp->copies);
  pp->buf = xj_malloc ((size_t) n * 32 + 1);
  for (int i = 0; i < n; i++)
    {
      const struct xj_db_param *p = &params[i];
      char *b = pp->buf + (size_t) i * 32;

      switch (p->t)
        {
        case XJ_DB_INT:
          xj_snprintf (b, 32, "%lld", (long long) p->i);
          pp->values[i] = b;
          break;
        case XJ_DB_DOUBLE:
          xj_snprintf (b, 32, "%.17g", p->d);
          pp->values[i] = b;
          break;
        case XJ_DB_TEXT:
          if ((size_t) -1 == p->len)
            pp->values[i] = p->p;
          else
            pp->values[i] = pp->copies[i] = xj_strndup (p->p, p->len);
          break;
        case XJ_DB_BLOB:
          pp->values[i] = p->len ? p->p : "";
          pp->lengths[i] = (int) p->len;
          pp->formats[i] = 1;
          break;
        default: /* XJ_DB_NULL */
          pp->values[i] = NULL;
        }
    }
}

static void
params_free (struct pg_params *pp)
{
  for (int i = 0; i < pp->n; i++)
    free (pp->copies[i]);
  free (pp->copies);
  free (pp->values);
  free (pp->lengths);
  free (pp->formats);
  free (pp->buf);
}

/* Hand the rows of @res to @cb; the number of rows. */
static int
rows_deliver (PGresult *res, xj_db_row_cb cb, void *cls)
{
  int n = PQntuples (res), nf = PQnfields (res);
  struct pg_row row = { { &xj_db_pg_backend }, res, 0, NULL, NULL };

  if (NULL == cb)
    return n;
  row.bytea = xj_calloc ((size_t) nf + 1, sizeof *row.bytea);
  row.bytea_len = xj_calloc ((size_t) nf + 1, sizeof *row.bytea_len);
  for (int i = 0; i < n; i++)
    {
      int stop;

      row.row = i;
      stop = cb (cls, &row.base);
      for (int c = 0; c < nf; c++)
        {
          PQfreemem (row.bytea[c]);
          row.bytea[c] = NULL;
        }
      if (0 != stop)
        break;
    }
  free (row.bytea);
  free (row.bytea_len);
  return n;
}

/* Run @st (prepared first if new on this connection).  NULL with *qs
   set when the prepare failed. */
static PGresult *
exec_prepared (struct xj_db *db, const struct xj_db_stmt *st,
               const struct pg_params *pp, enum xj_qs *qs)
{
  char name[16];

  if ((*qs = prepare_once (db, st)) < 0)
    return NULL;
  stmt_name (st, name);
  return PQexecPrepared (PG (db)->conn, name, pp->n, pp->values, pp->lengths,
                         pp->formats, 0);
}

static enum xj_qs
pg_q (struct xj_db *db, struct xj_db_stmt *st,
      const struct xj_db_param *params, xj_db_row_cb cb, void *cls)
{
  struct pg_params pp;
  PGresult *res;
  enum xj_qs qs = XJ_QS_HARD;

  if (st->index < 0 || st->auth != db->auth)
    {
      XJ_BUG ("statement %s not prepared", st->name);
      return XJ_QS_HARD;
    }
  if (is_sqlite_pragma (st))
    return XJ_QS_NONE;
  /* rows still buffered for COPY go first: this statement sees them
     (a statement on reference tables needs not, XJ_DB_REF_STMT) */
  if (NULL != PG (db)->bulks && ! st->ref && (qs = bulk_flush_all (db)) < 0)
    return qs;
  params_fill (&pp, params);
  res = exec_prepared (db, st, &pp, &qs);
  if (CONNECTION_BAD == PQstatus (PG (db)->conn))
    {
      PQclear (res);
      res = NULL;
      if (! reconnect (db))
        qs = XJ_QS_HARD;
      else if (db->in_txn)
        {
          /* the transaction died with the connection: run it again */
          PG (db)->dead = true;
          qs = XJ_QS_SOFT;
        }
      else
        res = exec_prepared (db, st, &pp, &qs);
    }
  if (NULL != res)
    {
      switch (PQresultStatus (res))
        {
        case PGRES_TUPLES_OK:
          qs = (enum xj_qs) rows_deliver (res, cb, cls);
          break;
        case PGRES_COMMAND_OK:
          qs = (enum xj_qs) strtol (PQcmdTuples (res), NULL, 10);
          break;
        default:
          qs = res_qs (db, res, st->name);
        }
      PQclear (res);
    }
  params_free (&pp);
  return qs;
}

/* ---- migrations ---- */

/* The one integer @sql answers, or -1 (logged) when it failed. */
static int64_t
query_int (struct xj_db *db, const char *sql)
{
  PGresult *res = PQexec (PG (db)->conn, sql);
  int64_t v = -1;

  if (PGRES_TUPLES_OK == PQresultStatus (res) && 1 == PQntuples (res))
    v = strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  else
    res_qs (db, res, sql);
  PQclear (res);
  return v;
}

/* The newest applied version, 0 when none (or no table yet); -1 when
   the query failed. */
static int
applied_version (struct xj_db *db)
{
  char sql[128];
  int64_t exists;

  xj_snprintf (sql, sizeof sql,
               "SELECT CAST(to_regclass('%s') IS NOT NULL AS int)",
               version_table (db));
  exists = query_int (db, sql);
  if (exists <= 0)
    return (int) exists;
  xj_snprintf (sql, sizeof sql, "SELECT coalesce(max(version), 0) FROM %s",
               version_table (db));
  return (int) query_int (db, sql);
}

static int64_t
pg_last_id (struct xj_db *db)
{
  int64_t id = query_int (db, "SELECT lastval()");

  return id < 0 ? 0 : id;
}

static int
pg_schema_version (struct xj_db *db)
{
  int v = applied_version (db);

  return v < 0 ? 0 : v;
}

/* Record migration @m as applied (inside its transaction). */
static bool
record_version (struct xj_db *db, const struct xj_migration *m)
{
  char sql[128], ver[16], ts[32];
  const char *vals[3] = { ver, m->name, ts };
  PGresult *res;
  bool ok;

  xj_snprintf (ver, sizeof ver, "%d", m->version);
  xj_now_iso (ts);
  xj_snprintf (sql, sizeof sql,
               "INSERT INTO %s (version, name, applied_at) VALUES ($1, $2, $3)",
               version_table (db));
  res = PQexecParams (PG (db)->conn, sql, 3, NULL, vals, NULL, NULL, 0);
  ok = PGRES_COMMAND_OK == PQresultStatus (res);
  if (! ok)
    res_qs (db, res, "record migration");
  PQclear (res);
  return ok;
}

/* Apply @m unless applied: one transaction under the advisory lock, so a
   second server starting at once waits and then finds it applied. */
static enum xj_err
migrate_one (struct xj_db *db, const struct xj_migration *m)
{
  char sql[256];
  int v;

  xj_snprintf (sql, sizeof sql,
               "BEGIN; SET LOCAL lock_timeout = 0;"
               " SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ");"
               " CREATE TABLE IF NOT EXISTS %s (version bigint PRIMARY KEY,"
               " name text NOT NULL, applied_at text NOT NULL)",
               version_table (db));
  if (! exec_simple (db, sql, false))
    goto fail;
  if ((v = applied_version (db)) < 0)
    goto fail;
  if (v >= m->version)
    return exec_simple (db, "COMMIT", false) ? XJ_E_OK : XJ_E_DB;
  if (! exec_simple (db, m->sql, false) || ! record_version (db, m)
      || ! exec_simple (db, "COMMIT", false))
    goto fail;
  XJ_INFO ("applied postgresql migration %04d_%s%s", m->version, m->name,
           db->auth ? " (auth)" : "");
  return XJ_E_OK;
fail:
  exec_simple (db, "ROLLBACK", true);
  XJ_ERROR ("postgresql migration %04d_%s failed", m->version, m->name);
  return XJ_E_DB;
}

static enum xj_err
migrate (struct xj_db *db)
{
  const struct xj_migration *set = db->auth ? xj_pg_auth_migrations
                                            : xj_pg_migrations;
  int latest = 0, v;
  enum xj_err e;

  for (const struct xj_migration *m = set; m->sql; m++)
    latest = m->version;
  /* up to date: no lock, no write (as on SQLite) */
  if ((v = applied_version (db)) < 0)
    return XJ_E_DB;
  if (v >= latest)
    return XJ_E_OK;
  for (const struct xj_migration *m = set; m->sql; m++)
    if (m->version > v && XJ_E_OK != (e = migrate_one (db, m)))
      return e;
  return XJ_E_OK;
}

/* The auth tables live in the registry's database: opening the registry
   applies their migrations too, so that the owner's `init` or upgrade
   run leaves nothing for the server's role (which may not create
   tables) to apply (deploy-postgres.md "Roles and grants"). */
static enum xj_err
migrate_auth_too (struct xj_db *db)
{
  enum xj_err e;

  db->auth = true;  /* version_table () and the set follow db->auth */
  e = migrate (db);
  db->auth = false;
  return e;
}

/* ---- connections ---- */

static void pg_close (struct xj_db *db);

/* What XJ_DB_OPEN_CREATE / _EXISTING require: a database no xueji schema
   is in yet (else DB_EXISTS), or one `init` made (else NO_DB).  The auth
   tables are made when missing. */
static enum xj_err
check_presence (struct xj_db *db, int flags)
{
  int v = applied_version (db);

  if (v < 0)
    return XJ_E_DB;
  if (flags & XJ_DB_OPEN_AUTH)
    return XJ_E_OK;
  if (flags & XJ_DB_OPEN_CREATE)
    return v > 0 ? XJ_E_DB_EXISTS : XJ_E_OK;
  return 0 == v ? XJ_E_NO_DB : XJ_E_OK;
}

/* Connect to @url.  Our defaults come before the URL's own parameters,
   which win: the application name seen in pg_stat_activity and, for a
   standby, a connect timeout (an unreachable one must not hold a request
   for long). */
static PGconn *
connect_url (const char *url, int flags)
{
  bool replica = 0 != (flags & XJ_DB_OPEN_REPLICA);
  const char *keys[] = { "fallback_application_name", "connect_timeout",
                         "dbname", NULL };
  const char *vals[] = { replica ? "xueji-replica" : "xueji",
                         replica ? "3" : "0", url, NULL };

  return PQconnectdbParams (keys, vals, 1);
}

void
xj_db_pg_label (const char *url, char *out, size_t size)
{
  PQconninfoOption *opts = PQconninfoParse (url, NULL);
  const char *host = "?", *port = "5432", *dbname = "?";

  for (PQconninfoOption *o = opts; o && o->keyword; o++)
    if (NULL == o->val)
      continue;
    else if (0 == strcmp (o->keyword, "host"))
      host = o->val;
    else if (0 == strcmp (o->keyword, "port"))
      port = o->val;
    else if (0 == strcmp (o->keyword, "dbname"))
      dbname = o->val;
  xj_snprintf (out, size, "%s:%s/%s", host, port, dbname);
  PQconninfoFree (opts);
}

/* "16/B374D848" into a number (as pg_lsn compares). */
static bool
lsn_parse (const char *s, uint64_t *out)
{
  char *end;
  unsigned long long hi = strtoull (s, &end, 16), lo;

  if ('/' != *end)
    return false;
  lo = strtoull (end + 1, &end, 16);
  if ('\0' != *end || hi > 0xffffffffULL || lo > 0xffffffffULL)
    return false;
  *out = (uint64_t) hi << 32 | lo;
  return true;
}

static int
pg_wal_lsn (struct xj_db *db, bool replay, uint64_t *out)
{
  PGresult *res = PQexec (PG (db)->conn,
                          replay ? "SELECT pg_last_wal_replay_lsn()"
                                 : "SELECT pg_current_wal_insert_lsn()");
  int found = -1;

  if (PGRES_TUPLES_OK == PQresultStatus (res) && 1 == PQntuples (res))
    {
      if (PQgetisnull (res, 0, 0))
        found = 0;
      else if (lsn_parse (PQgetvalue (res, 0, 0), out))
        found = 1;
    }
  PQclear (res);
  return found;
}

static enum xj_err
pg_open (const char *path, int flags, struct xj_db **out)
{
  struct xj_db *db = xj_calloc (1, sizeof (struct pg_db));
  enum xj_err e;

  *out = NULL;
  db->be = &xj_db_pg_backend;
  db->path = xj_strdup (path);
  db->auth = 0 != (flags & XJ_DB_OPEN_AUTH);
  PG (db)->conn = connect_url (path, flags);
  if (CONNECTION_OK != PQstatus (PG (db)->conn))
    {
      /* the message names host and database, never the password; a
         standby's watcher says it once (db_replica.c) */
      xj_log ((flags & XJ_DB_OPEN_REPLICA) ? XJ_LOG_DEBUG : XJ_LOG_ERROR,
              __FILE__, __LINE__, "cannot connect to postgresql: %s",
              PQerrorMessage (PG (db)->conn));
      pg_close (db);
      return XJ_E_IO;
    }
  if (! session_setup (db))
    e = XJ_E_DB;
  else
    e = check_presence (db, flags);
  if (XJ_E_OK == e && (flags & (XJ_DB_OPEN_READONLY | XJ_DB_OPEN_REPLICA)))
    e = exec_simple (db, "SET default_transaction_read_only = on", false)
          ? XJ_E_OK : XJ_E_DB;
  else if (XJ_E_OK == e)
    e = migrate (db);
  if (XJ_E_OK == e && ! db->auth
      && ! (flags & (XJ_DB_OPEN_READONLY | XJ_DB_OPEN_REPLICA)))
    e = migrate_auth_too (db);
  if (XJ_E_OK != e)
    {
      pg_close (db);
      return e;
    }
  *out = db;
  return XJ_E_OK;
}

static void
pg_close (struct xj_db *db)
{
  bulk_drop_all (db, false);
  PQfinish (PG (db)->conn);
  prepared_forget (db);
  free (PG (db)->failed);
  free (db->path);
  free (db);
}

/* ---- bulk append: COPY ... FROM STDIN (db.h "bulk append") ----
   Rows are encoded in COPY's text format into a buffer, sent as one COPY
   when it passes BULK_FLUSH bytes, at the end, or before any other
   statement of the connection (pg_q).  Ids come from the table's
   sequence, reserved a batch at a time (nextval, as a DEFAULT would:
   other sessions inserting meanwhile take other numbers). */
#define BULK_FLUSH (1u << 20)
#define BULK_IDS_MAX 65536

struct pg_bulk {
  struct xj_db_bulk base;
  struct pg_bulk *next;
  struct xj_buf buf;
  int64_t *ids;            /* reserved, not yet used */
  size_t nids, idpos, idbatch;
  size_t bufpos;           /* ids[bufpos..idpos) are the buffered rows' */
  int done;                /* the table has xj_bulk_done_<table>: 1 yes,
                              0 no, -1 not looked up yet */
};

/* Append @n bytes of @p escaped for COPY's text format: backslash, tab,
   newline and carriage return are the only bytes it treats specially
   (UTF-8 of any length passes as it is; the client encoding is UTF8). */
static void
copy_text (struct xj_buf *b, const char *p, size_t n)
{
  size_t run = 0;

  for (size_t i = 0; i < n; i++)
    {
      char c = p[i], esc;

      switch (c)
        {
        case '\\': esc = '\\'; break;
        case '\t': esc = 't'; break;
        case '\n': esc = 'n'; break;
        case '\r': esc = 'r'; break;
        default: continue;
        }
      xj_buf_append (b, p + run, i - run);
      xj_buf_append (b, "\\", 1);
      xj_buf_append (b, &esc, 1);
      run = i + 1;
    }
  xj_buf_append (b, p + run, n - run);
}

/* bytea in COPY text: "\\x" and two hex digits a byte (the backslash
   itself escaped). */
static void
copy_bytea (struct xj_buf *b, const unsigned char *p, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  char *o;

  xj_buf_append (b, "\\\\x", 3);
  if (! xj_buf_reserve (b, 2 * n))
    return;
  o = b->data + b->len;
  for (size_t i = 0; i < n; i++)
    {
      *o++ = hex[p[i] >> 4];
      *o++ = hex[p[i] & 15];
    }
  b->len += 2 * n;
  b->data[b->len] = '\0';
}

static void
copy_field (struct xj_buf *b, const struct xj_db_param *p)
{
  switch (p->t)
    {
    case XJ_DB_INT:
      xj_buf_printf (b, "%lld", (long long) p->i);
      break;
    case XJ_DB_DOUBLE:
      xj_buf_printf (b, "%.17g", p->d);
      break;
    case XJ_DB_TEXT:
      copy_text (b, p->p, (size_t) -1 == p->len ? strlen (p->p) : p->len);
      break;
    case XJ_DB_BLOB:
      copy_bytea (b, p->p, p->len);
      break;
    default: /* XJ_DB_NULL */
      xj_buf_append (b, "\\N", 2);
    }
}

/* The id of line @line (from 1) of the COPY data @p (@n bytes): its
   first field (each line ends with a newline, the id with a tab); 0
   when there is no such line. */
static int64_t
copy_line_id (const char *p, size_t n, long line)
{
  const char *end = p + n;

  for (long i = 1; i < line && NULL != p; i++)
    if (NULL != (p = memchr (p, '\n', (size_t) (end - p))))
      p++;
  return NULL != p && p < end ? strtoll (p, NULL, 10) : 0;
}

/* Record which row of @b's COPY (its @sent bytes of data) a UNIQUE
   index refused: PostgreSQL names the index, the key ("Key (cols)=(values)
   already exists.") and the line of the data (the context "COPY table,
   line N"). */
static void
copy_conflict (struct xj_db *db, const struct pg_bulk *b,
               const PGresult *res, size_t sent)
{
  struct xj_db_conflict *c = &PG (db)->conflict;
  const char *ctx = PQresultErrorField (res, PG_DIAG_CONTEXT);
  const char *con = PQresultErrorField (res, PG_DIAG_CONSTRAINT_NAME);
  const char *key = PQresultErrorField (res, PG_DIAG_MESSAGE_DETAIL);
  const char *line = NULL != ctx ? strstr (ctx, ", line ") : NULL;
  char *end;

  memset (c, 0, sizeof *c);
  PG (db)->bulk_unique = true;
  xj_strlcpy (c->table, b->base.st->table, sizeof c->table);
  xj_strlcpy (c->constraint, NULL != con ? con : "", sizeof c->constraint);
  if (NULL != key && 0 == strncmp (key, "Key ", 4))
    key += 4;
  xj_strlcpy (c->key, NULL != key ? key : "", sizeof c->key);
  if (NULL != (end = strstr (c->key, " already exists")))
    *end = '\0';
  /* a trigger's error (the identity tables', after the last line) has
     no line of the COPY in its context */
  if (NULL != line && ! b->base.st->noid && 0 == strncmp (ctx, "COPY ", 5))
    c->id = copy_line_id (b->buf.data, sent, strtol (line + 7, NULL, 10));
}

/* The failure @res of @what, a statement of @b's COPY (@sent bytes of
   its buffer went out): a UNIQUE violation records its row and key. */
static enum xj_qs
bulk_failed (struct xj_db *db, struct pg_bulk *b, const PGresult *res,
             size_t sent, const char *what)
{
  enum xj_qs qs = res_qs (db, res, what);

  if (XJ_QS_UNIQUE == qs)
    {
      copy_conflict (db, b, res, sent);
      XJ_WARN ("postgresql %s: %s", what, PQresultErrorMessage (res));
    }
  return qs;
}

/* The outcome of the COPY whose data (@sent bytes of @b's buffer) went
   out; the connection is then free for other statements again. */
static enum xj_qs
copy_result (struct xj_db *db, struct pg_bulk *b, size_t sent)
{
  PGresult *res;
  enum xj_qs qs = XJ_QS_NONE;

  while (NULL != (res = PQgetResult (PG (db)->conn)))
    {
      if (PGRES_COMMAND_OK != PQresultStatus (res) && qs >= 0)
        qs = bulk_failed (db, b, res, sent, b->base.st->copy);
      PQclear (res);
    }
  return qs;
}

/* One statement of @b's COPY's own (@sql, one text parameter @v) outside
   pg_q (which would flush the bulk first); @sent as bulk_failed's. */
static enum xj_qs
bulk_exec (struct xj_db *db, struct pg_bulk *b, const char *sql,
           const char *v, size_t sent)
{
  PGresult *res = PQexecParams (PG (db)->conn, sql, 1, NULL, &v, NULL, NULL,
                                0);
  enum xj_qs qs = XJ_QS_NONE;

  if (PGRES_TUPLES_OK != PQresultStatus (res))
    qs = bulk_failed (db, b, res, sent, sql);
  PQclear (res);
  return qs;
}

/* Whether @b's table has a function xj_bulk_done_<table> (migration
   0044): the rows its insert triggers would derive row by row are
   written by it once per COPY instead.  Looked up at the first COPY. */
static enum xj_qs
bulk_done_lookup (struct xj_db *db, struct pg_bulk *b)
{
  char fn[96];
  const char *v = fn;
  PGresult *res;
  enum xj_qs qs = XJ_QS_NONE;

  b->done = 0;
  if (b->base.st->noid)
    return qs;
  xj_snprintf (fn, sizeof fn, "xj_bulk_done_%s", b->base.st->table);
  res = PQexecParams (PG (db)->conn, "SELECT to_regproc($1) IS NOT NULL", 1,
                      NULL, &v, NULL, NULL, 0);
  if (PGRES_TUPLES_OK != PQresultStatus (res))
    qs = res_qs (db, res, "bulk done look-up");
  else
    b->done = 0 == strcmp (PQgetvalue (res, 0, 0), "t");
  PQclear (res);
  return qs;
}

/* Before a COPY into a table with xj_bulk_done_<table>: the mark its
   insert triggers skip the session's rows under (xueji.bulk, local to
   the transaction). */
static enum xj_qs
bulk_mark (struct xj_db *db, struct pg_bulk *b)
{
  return bulk_exec (db, b, "SELECT set_config('xueji.bulk', $1, true)",
                    b->base.st->table, 0);
}

/* After it: xj_bulk_done_<table> with the ids of the rows just copied
   (an array, not a range: another session may have taken ids between
   two reservations), which takes the mark off first. */
static enum xj_qs
bulk_done (struct xj_db *db, struct pg_bulk *b, size_t sent)
{
  struct xj_buf ids, sql;
  enum xj_qs qs;

  xj_buf_init (&ids, 0);
  xj_buf_init (&sql, 0);
  xj_buf_append (&ids, "{", 1);
  for (size_t i = b->bufpos; i < b->idpos; i++)
    xj_buf_printf (&ids, "%s%lld", i > b->bufpos ? "," : "",
                   (long long) b->ids[i]);
  xj_buf_append (&ids, "}", 1);
  xj_buf_printf (&sql, "SELECT xj_bulk_done_%s($1::bigint[])",
                 b->base.st->table);
  qs = bulk_exec (db, b, sql.data, ids.data, sent);
  xj_buf_fini (&ids);
  xj_buf_fini (&sql);
  return qs;
}

/* Send @b's buffered rows as one COPY. */
static enum xj_qs
bulk_flush (struct xj_db *db, struct pg_bulk *b)
{
  PGconn *c = PG (db)->conn;
  PGresult *res;
  size_t n = b->buf.len;
  enum xj_qs qs;
  bool sent;

  if (0 == n)
    return XJ_QS_NONE;
  if (b->done < 0 && (qs = bulk_done_lookup (db, b)) < 0)
    return qs;
  if (b->done && (qs = bulk_mark (db, b)) < 0)
    return qs;
  res = PQexec (c, b->base.st->copy);
  if (PGRES_COPY_IN != PQresultStatus (res))
    {
      qs = res_qs (db, res, b->base.st->copy);
      PQclear (res);
      b->buf.len = 0;
      return qs;
    }
  PQclear (res);
  sent = 1 == PQputCopyData (c, b->buf.data, (int) n);
  b->buf.len = 0;  /* the data stays in place until the next row */
  if (1 != PQputCopyEnd (c, sent ? NULL : "xueji: sending the rows failed"))
    XJ_ERROR ("postgresql COPY: %s", PQerrorMessage (c));
  if (CONNECTION_BAD == PQstatus (c))
    {
      /* the transaction died with the connection: run it again */
      PG (db)->dead = true;
      return reconnect (db) && db->in_txn ? XJ_QS_SOFT : XJ_QS_HARD;
    }
  qs = copy_result (db, b, n);
  if (qs >= 0 && b->done)
    qs = bulk_done (db, b, n);
  b->bufpos = b->idpos;
  return qs;
}

/* Every open bulk's rows, in the order the bulks began (a later one may
   refer to an earlier one's rows). */
static enum xj_qs
bulk_flush_all (struct xj_db *db)
{
  enum xj_qs qs = XJ_QS_NONE;

  for (struct pg_bulk *b = PG (db)->bulks; NULL != b && qs >= 0; b = b->next)
    qs = bulk_flush (db, b);
  return qs;
}

static void
bulk_free (struct pg_bulk *b)
{
  xj_buf_fini (&b->buf);
  free (b->ids);
  free (b);
}

/* After a transaction's callback: bulks it left open are dropped (their
   rows unsent); a bug when the callback succeeded. */
static void
bulk_drop_all (struct xj_db *db, bool ok)
{
  while (NULL != PG (db)->bulks)
    {
      struct pg_bulk *b = PG (db)->bulks;

      if (ok)
        XJ_BUG ("bulk %s left open", b->base.st->ins.name);
      PG (db)->bulks = b->next;
      bulk_free (b);
    }
}

static struct xj_db_bulk *
pg_bulk_begin (struct xj_db *db, struct xj_db_bulk_stmt *st)
{
  struct pg_bulk *b = xj_calloc (1, sizeof *b), **tail = &PG (db)->bulks;

  b->base.db = db;
  b->base.st = st;
  b->idbatch = 256;
  b->done = -1;
  xj_buf_init (&b->buf, 0);
  while (NULL != *tail)
    tail = &(*tail)->next;
  *tail = b;
  return &b->base;
}

/* Reserve the next ids of @b's table: a batch that doubles up to
   BULK_IDS_MAX, so a small import takes few numbers and a large one few
   round trips. */
static enum xj_qs
bulk_ids (struct pg_bulk *b)
{
  struct xj_db *db = b->base.db;
  char n[32];
  const char *v[2] = { b->base.st->table, n };
  PGresult *res;
  enum xj_qs qs;

  if (NULL != PG (db)->bulks && (qs = bulk_flush_all (db)) < 0)
    return qs;
  xj_snprintf (n, sizeof n, "%zu", b->idbatch);
  /* the sequence looked up once (OFFSET 0 keeps the subquery from
     being merged into the outer one): evaluated per row, the look-up
     cost 7 us an id, 12x nextval itself (9 s of a million-row import) */
  res = PQexecParams (PG (db)->conn,
                      "SELECT nextval(s.q) FROM (SELECT CAST("
                      "pg_get_serial_sequence($1, 'id') AS regclass) AS q"
                      " OFFSET 0) s, generate_series(1, $2::int)",
                      2, NULL, v, NULL, NULL, 0);
  if (PGRES_TUPLES_OK != PQresultStatus (res))
    {
      qs = res_qs (db, res, "bulk ids");
      PQclear (res);
      return qs;
    }
  b->nids = (size_t) PQntuples (res);
  b->ids = xj_realloc (b->ids, (b->nids + 1) * sizeof *b->ids);
  for (size_t i = 0; i < b->nids; i++)
    b->ids[i] = strtoll (PQgetvalue (res, (int) i, 0), NULL, 10);
  b->idpos = b->bufpos = 0;
  PQclear (res);
  if (b->idbatch < BULK_IDS_MAX)
    b->idbatch *= 2;
  return XJ_QS_NONE;
}

static enum xj_qs
pg_bulk_row (struct xj_db_bulk *xb, const struct xj_db_param *params,
             int64_t *id)
{
  struct pg_bulk *b = (struct pg_bulk *) xb;
  bool noid = b->base.st->noid;
  enum xj_qs qs;

  if (! noid)
    {
      if (b->idpos == b->nids && (qs = bulk_ids (b)) < 0)
        return qs;
      if (NULL != id)
        *id = b->ids[b->idpos];
      xj_buf_printf (&b->buf, "%lld", (long long) b->ids[b->idpos++]);
    }
  for (size_t i = 0; XJ_DB__END != params[i].t; i++)
    {
      if (i > 0 || ! noid)
        xj_buf_append (&b->buf, "\t", 1);
      copy_field (&b->buf, &params[i]);
    }
  xj_buf_append (&b->buf, "\n", 1);
  if (b->buf.len < BULK_FLUSH)
    return XJ_QS_ONE;
  qs = bulk_flush_all (b->base.db);
  return qs < 0 ? qs : XJ_QS_ONE;
}

static enum xj_qs
pg_bulk_end (struct xj_db_bulk *xb)
{
  struct pg_bulk *b = (struct pg_bulk *) xb, **p;
  struct xj_db *db = xb->db;
  enum xj_qs qs = bulk_flush_all (db);

  for (p = &PG (db)->bulks; NULL != *p && *p != b; p = &(*p)->next)
    ;
  if (NULL != *p)
    *p = b->next;
  bulk_free (b);
  return qs;
}

static void
pg_bulk_expect (struct xj_db_bulk *xb, size_t rows)
{
  struct pg_bulk *b = (struct pg_bulk *) xb;

  if (rows > 0 && b->idpos == b->nids)
    b->idbatch = rows < BULK_IDS_MAX ? rows : BULK_IDS_MAX;
}

static bool
pg_bulk_conflicted (const struct xj_db *db, struct xj_db_conflict *out)
{
  const struct pg_db *p = (const struct pg_db *) db;

  if (NULL != out && p->bulk_unique)
    *out = p->conflict;
  return p->bulk_unique;
}

/* ---- transactions ---- */

static void
pg_set_write_wait (struct xj_db *db, unsigned ms)
{
  char sql[64];

  xj_snprintf (sql, sizeof sql, "SET lock_timeout = %u",
               ms ? ms : DEFAULT_LOCK_TIMEOUT_MS);
  exec_simple (db, sql, false);
}

/* Whether the last failure was one worth running the transaction again
   for (serialization failure, deadlock, lock wait over the bound). */
static bool
failed_soft (const struct xj_db *db)
{
  const char *s = ((const struct pg_db *) db)->failed;

  return s && (0 == strcmp (s, "40001") || 0 == strcmp (s, "40P01")
               || 0 == strcmp (s, "55P03"));
}

/* BEGIN with the isolation level for @write (READ COMMITTED for a
   long writer, xj_db_txn_run_long) and a lock wait of @lock_ms (0: the
   session's). */
static enum xj_err
begin (struct xj_db *db, bool write, long lock_ms)
{
  char sql[128];

  if (CONNECTION_OK != PQstatus (PG (db)->conn) && ! reconnect (db))
    return XJ_E_DB;
  xj_snprintf (sql, sizeof sql, "BEGIN ISOLATION LEVEL %s",
               ! write ? "REPEATABLE READ"
               : db->long_txn ? "READ COMMITTED" : "SERIALIZABLE");
  if (lock_ms > 0)
    xj_snprintf (sql + strlen (sql), sizeof sql - strlen (sql),
                 "; SET LOCAL lock_timeout = %ld", lock_ms);
  if (! exec_simple (db, sql, false))
    {
      exec_simple (db, "ROLLBACK", true);
      return XJ_E_DB;
    }
  return XJ_E_OK;
}

/* COMMIT.  A COMMIT of a transaction a failed statement aborted answers
   ROLLBACK: that is a failure too. */
static enum xj_err
commit (struct xj_db *db)
{
  PGresult *res = PQexec (PG (db)->conn, "COMMIT");
  enum xj_err e = XJ_E_OK;

  if (PGRES_COMMAND_OK != PQresultStatus (res))
    e = XJ_QS_SOFT == res_qs (db, res, "COMMIT") ? XJ_E_DB_BUSY : XJ_E_DB;
  else if (0 == strcmp (PQcmdStatus (res), "ROLLBACK"))
    {
      XJ_ERROR ("postgresql COMMIT rolled back (a statement had failed)");
      e = XJ_E_DB;
    }
  PQclear (res);
  return e;
}

/* One attempt: begin, call back, commit or roll back. */
static enum xj_err
attempt (struct xj_db *db, bool write, long lock_ms, xj_db_txn_cb cb,
         void *cls)
{
  enum xj_err e;

  free (PG (db)->failed);
  PG (db)->failed = NULL;
  PG (db)->dead = false;
  PG (db)->bulk_unique = false;
  if (XJ_E_OK != (e = begin (db, write, lock_ms)))
    return failed_soft (db) ? XJ_E_DB_BUSY : e;
  db->in_txn = true;
  e = cb (db, cls);
  bulk_drop_all (db, XJ_E_OK == e);
  if (XJ_E_OK == e)
    e = commit (db);
  else if (! PG (db)->dead)
    exec_simple (db, "ROLLBACK", true);
  db->in_txn = false;
  /* a callback that mapped a failure to XJ_E_DB while the cause was a
     conflict: retry as SQLite's runner would on BUSY */
  if (XJ_E_DB == e && failed_soft (db))
    e = XJ_E_DB_BUSY;
  return e;
}

static enum xj_err
pg_txn_run (struct xj_db *db, const char *name, bool write, xj_db_txn_cb cb,
            void *cls)
{
  enum xj_err e = XJ_E_DB_BUSY;
  int64_t deadline = xj_mono_ms () + db->write_wait_ms;

  for (int n = 0; n < 8 && XJ_E_DB_BUSY == e; n++)
    {
      long left = 0;

      if (db->write_wait_ms)
        {
          left = (long) (deadline - xj_mono_ms ());
          if (left <= 0)
            break;
        }
      e = attempt (db, write, left, cb, cls);
      if (XJ_E_DB_BUSY == e)
        usleep (1000u << n);
    }
  if (XJ_E_DB_BUSY == e)
    XJ_WARN ("transaction %s gave up after retries", name);
  return e;
}

static enum xj_err
pg_txn_try (struct xj_db *db, const char *name, xj_db_txn_cb cb, void *cls)
{
  (void) name;
  /* "do not wait": PostgreSQL has no writer lock; wait 1 ms for a row
     lock at most (0 would mean forever) */
  return attempt (db, true, 1, cb, cls);
}

/* ---- maintenance ---- */

static enum xj_err
pg_backup (struct xj_db *db, const char *dest)
{
  (void) db;
  (void) dest;
  return XJ_E_BACKUP_PG;
}

/* The audit chain's lock (db.h xj_db_chain_lock): the row of migration
   0029, updated so that a SERIALIZABLE appender whose snapshot predates
   another's commit fails and runs again instead of reading an old tail;
   held until commit.  Registered as every statement (so SQLite prepares
   it too at start, and lint PREPAREs it), run on PostgreSQL only. */
XJ_DB_STMT (st_chain_lock,
            "UPDATE audit_chain_lock SET appends = appends + 1 WHERE id = 1")

static enum xj_err
pg_chain_lock (struct xj_db *db)
{
  enum xj_qs qs = pg_q (db, &st_chain_lock, XJ_DB_NOPARAMS, NULL, NULL);

  if (XJ_QS_NONE == qs)
    {
      XJ_BUG ("audit_chain_lock has no row");
      return XJ_E_DB;
    }
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* SQLite's page cache, sorter threads and temporary store have no
   per-connection twin worth setting here: PostgreSQL sizes shared buffers
   and work_mem server-wide (deploy-postgres.md), so tuning is a no-op. */
static enum xj_err
pg_tune (struct xj_db *db, enum xj_db_tune t)
{
  (void) db;
  (void) t;
  return XJ_E_OK;
}

static enum xj_err
pg_integrity (struct xj_db *db, char *report, size_t size)
{
  /* PostgreSQL checks its pages and enforces foreign keys itself; what
     is left is whether the database answers (`check` then walks the
     audit log on either backend). */
  report[0] = '\0';
  if (! exec_simple (db, "SELECT 1", false))
    {
      xj_snprintf (report, size, "postgresql: %s",
                   PQerrorMessage (PG (db)->conn));
      return XJ_E_DB;
    }
  return XJ_E_OK;
}

/* Append the text rows of @res to @out, one per line. */
static void
plan_lines (PGresult *res, char *out, size_t size)
{
  size_t used = 0;

  out[0] = '\0';
  for (int i = 0; i < PQntuples (res) && used < size; i++)
    {
      int k = snprintf (out + used, size - used, "%s\n",
                        PQgetvalue (res, i, 0));

      used += k > 0 ? (size_t) k : 0;
    }
}

/* EXPLAIN of the generic plan (the one a prepared statement runs with any
   parameters): EXPLAIN EXECUTE with every parameter NULL under
   plan_cache_mode = force_generic_plan. */
static enum xj_err
pg_plan (struct xj_db *db, const struct xj_db_stmt *st, char *out,
         size_t size)
{
  char name[16], sql[1024];
  size_t len;
  PGresult *res;
  int n;
  enum xj_err e = XJ_E_OK;

  if (prepare_once (db, st) < 0)
    return XJ_E_DB;
  stmt_name (st, name);
  res = PQdescribePrepared (PG (db)->conn, name);
  n = PGRES_COMMAND_OK == PQresultStatus (res) ? PQnparams (res) : -1;
  PQclear (res);
  if (n < 0 || n > 100)
    return XJ_E_INTERNAL;
  xj_snprintf (sql, sizeof sql, "EXPLAIN EXECUTE %s", name);
  for (int i = 0; i < n; i++)
    {
      len = strlen (sql);
      xj_snprintf (sql + len, sizeof sql - len, "%sNULL", i ? ", " : " (");
    }
  if (n > 0)
    {
      len = strlen (sql);
      xj_snprintf (sql + len, sizeof sql - len, ")");
    }
  if (! exec_simple (db, "SET plan_cache_mode = force_generic_plan", false))
    return XJ_E_DB;
  res = PQexec (PG (db)->conn, sql);
  if (PGRES_TUPLES_OK == PQresultStatus (res))
    plan_lines (res, out, size);
  else
    {
      res_qs (db, res, st->name);
      e = XJ_E_INTERNAL;
    }
  PQclear (res);
  exec_simple (db, "RESET plan_cache_mode", false);
  return e;
}

const struct xj_db_backend xj_db_pg_backend = {
  .name = "postgresql",
  .open = pg_open,
  .close = pg_close,
  .q = pg_q,
  .last_id = pg_last_id,
  .plan = pg_plan,
  .schema_version = pg_schema_version,
  .txn_run = pg_txn_run,
  .txn_try = pg_txn_try,
  .set_write_wait = pg_set_write_wait,
  .backup = pg_backup,
  .integrity = pg_integrity,
  .tune = pg_tune,
  .chain_lock = pg_chain_lock,
  .wal_lsn = pg_wal_lsn,
  .bulk_begin = pg_bulk_begin,
  .bulk_row = pg_bulk_row,
  .bulk_end = pg_bulk_end,
  .bulk_expect = pg_bulk_expect,
  .bulk_conflicted = pg_bulk_conflicted,
  .rebuilds_indexes = false,
  .col_int = pg_int,
  .col_double = pg_double,
  .col_text = pg_text,
  .col_bytes = pg_bytes,
  .col_blob = pg_blob,
  .col_isnull = pg_isnull,
  .ncols = pg_ncols,
  .colname = pg_colname,
};
