/* db.c -- db.h's entry points: the statement registry and the choice of
 * backend.  A path that is a postgresql:// or postgres:// URL opens a
 * PostgreSQL connection (db_pg.c); anything else is a SQLite file
 * (db_sqlite.c).  Every other call goes to the backend that opened the
 * connection.  This file knows no SQL.
 */
#include <stdlib.h>
#include <string.h>
#include "db_backend.h"
#include "../core/util.h"

struct xj_db_stmt *xj_db_registry_head;
int xj_db_registry_count;

void
xj_db_stmt_register (struct xj_db_stmt *st)
{
  /* Runs from constructors before main(): single-threaded. */
  if (st->index >= 0)
    return;
  st->index = xj_db_registry_count++;
  st->next = xj_db_registry_head;
  xj_db_registry_head = st;
}

const struct xj_db_stmt *
xj_db_stmt_first (void)
{
  return xj_db_registry_head;
}

bool
xj_db_is_url (const char *path)
{
  return 0 == strncmp (path, "postgresql://", 13)
         || 0 == strncmp (path, "postgres://", 11);
}

enum xj_err
xj_db_open (const char *path, int flags, struct xj_db **out)
{
  const struct xj_db_backend *be = xj_db_is_url (path) ? &xj_db_pg_backend
                                                        : &xj_db_sqlite_backend;

  return be->open (path, flags, out);
}

void
xj_db_close (struct xj_db *db)
{
  if (NULL != db)
    db->be->close (db);
}

const char *
xj_db_path (const struct xj_db *db)
{
  return db->path;
}

void
xj_db_auth_path (const char *db_path, char *out, size_t size)
{
  /* PostgreSQL: the auth tables live in the same database, apart from
     the registry's (docs/db.md). */
  if (xj_db_is_url (db_path))
    xj_strlcpy (out, db_path, size);
  else
    xj_snprintf (out, size, "%s-auth", db_path);
}

void
xj_db_side_path (const char *db_path, const char *suffix, char *out,
                 size_t size)
{
  const char *dir = getenv ("XUEJI_STATE_DIR");
  const char *name;
  size_t len;

  if (! xj_db_is_url (db_path))
    {
      xj_snprintf (out, size, "%s%s", db_path, suffix);
      return;
    }
  /* the database name: after the last '/' of the URL, up to any '?' */
  name = strrchr (db_path, '/') + 1;
  len = strcspn (name, "?");
  if (0 == len)
    {
      name = "xueji";
      len = 5;
    }
  xj_snprintf (out, size, "%s/%.*s%s", dir && *dir ? dir : ".", (int) len,
               name, suffix);
}

enum xj_qs
xj_db_q (struct xj_db *db, struct xj_db_stmt *st,
         const struct xj_db_param *params, xj_db_row_cb cb, void *cls)
{
  return db->be->q (db, st, params, cb, cls);
}

int64_t
xj_db_last_id (struct xj_db *db)
{
  return db->be->last_id (db);
}

enum xj_err
xj_db_plan (struct xj_db *db, const struct xj_db_stmt *st, char *out,
            size_t size)
{
  return db->be->plan (db, st, out, size);
}

int
xj_db_schema_version (struct xj_db *db)
{
  return db->be->schema_version (db);
}

enum xj_err
xj_db_txn_run (struct xj_db *db, const char *name, bool write,
               xj_db_txn_cb cb, void *cls)
{
  enum xj_err e;

  if (db->in_txn)
    {
      XJ_BUG ("nested transaction %s", name);
      return XJ_E_INTERNAL;
    }
  /* a standby cannot write: a read route's write (its audit entry) runs
     on the primary */
  if (write && NULL != db->write_to)
    db = db->write_to;
  e = db->be->txn_run (db, name, write, cb, cls);
  if (XJ_E_OK == e && write)
    db->wrote = true;
  return e;
}

enum xj_err
xj_db_txn_run_long (struct xj_db *db, const char *name, xj_db_txn_cb cb,
                    void *cls)
{
  struct xj_db *w = NULL != db->write_to ? db->write_to : db;
  enum xj_err e;

  if (db->in_txn)
    {
      XJ_BUG ("nested transaction %s", name);
      return XJ_E_INTERNAL;
    }
  w->long_txn = true;
  e = xj_db_txn_run (w, name, true, cb, cls);
  w->long_txn = false;
  return e;
}

enum xj_err
xj_db_txn_try (struct xj_db *db, const char *name, xj_db_txn_cb cb,
               void *cls)
{
  enum xj_err e;

  if (db->in_txn)
    {
      XJ_BUG ("nested transaction %s", name);
      return XJ_E_INTERNAL;
    }
  if (NULL != db->write_to)
    db = db->write_to;
  e = db->be->txn_try (db, name, cb, cls);
  if (XJ_E_OK == e)
    db->wrote = true;
  return e;
}

void
xj_db_set_write_wait (struct xj_db *db, unsigned ms)
{
  db->write_wait_ms = ms;
  db->be->set_write_wait (db, ms);
}

enum xj_err
xj_db_qs_err (enum xj_qs qs)
{
  if (XJ_QS_SOFT == qs)
    return XJ_E_DB_BUSY;
  return XJ_E_DB;
}

enum xj_err
xj_db_backup (struct xj_db *db, const char *dest)
{
  return db->be->backup (db, dest);
}

enum xj_err
xj_db_integrity (struct xj_db *db, char *report, size_t size)
{
  return db->be->integrity (db, report, size);
}

enum xj_err
xj_db_chain_lock (struct xj_db *db)
{
  if (! db->in_txn)
    {
      XJ_BUG ("audit chain lock outside a transaction");
      return XJ_E_INTERNAL;
    }
  return db->be->chain_lock (db);
}

enum xj_err
xj_db_tune (struct xj_db *db, enum xj_db_tune t)
{
  return db->be->tune (db, t);
}

struct xj_db_bulk *
xj_db_bulk_begin (struct xj_db *db, struct xj_db_bulk_stmt *st)
{
  return db->be->bulk_begin (db, st);
}

enum xj_qs
xj_db_bulk_row (struct xj_db_bulk *b, const struct xj_db_param *params,
                int64_t *id)
{
  return b->db->be->bulk_row (b, params, id);
}

void
xj_db_bulk_expect (struct xj_db_bulk *b, size_t rows)
{
  if (NULL != b->db->be->bulk_expect)
    b->db->be->bulk_expect (b, rows);
}

struct xj_db *
xj_db_bulk_db (const struct xj_db_bulk *b)
{
  return b->db;
}

enum xj_qs
xj_db_bulk_end (struct xj_db_bulk *b)
{
  return NULL == b ? XJ_QS_NONE : b->db->be->bulk_end (b);
}

bool
xj_db_bulk_rebuilds_indexes (const struct xj_db *db)
{
  return db->be->rebuilds_indexes;
}

const char *
xj_db_unique_table (const struct xj_db *db)
{
  return db->unique_table;
}

bool
xj_db_bulk_conflicted (const struct xj_db *db, struct xj_db_conflict *out)
{
  return db->be->bulk_conflicted (db, out);
}

/* ---- a row's tail (xj_db_row_tail): the accessors of the row it is
   part of, each column moved by `first' ---- */

struct tail_row {
  struct xj_db_row base;   /* .be = &tail_backend */
  const struct xj_db_row *row;
  int first;
};

static const struct tail_row *
tail_of (const struct xj_db_row *r)
{
  return (const struct tail_row *) r;
}

/* tail_<what> (r, col): the column @col of the tail is the column
   first + @col of the row it is part of */
#define TAIL_COL(type, what)                                              \
  static type tail_##what (const struct xj_db_row *r, int col)            \
  {                                                                       \
    return xj_db_##what (tail_of (r)->row, tail_of (r)->first + col);     \
  }
TAIL_COL (int64_t, int)
TAIL_COL (double, double)
TAIL_COL (const char *, text)
TAIL_COL (size_t, bytes)
TAIL_COL (const void *, blob)
TAIL_COL (bool, isnull)
TAIL_COL (const char *, colname)

static int
tail_ncols (const struct xj_db_row *r)
{
  return xj_db_ncols (tail_of (r)->row) - tail_of (r)->first;
}

/* Only the column accessors: a tail is never a connection's backend. */
static const struct xj_db_backend tail_backend = {
  .col_int = tail_int, .col_double = tail_double, .col_text = tail_text,
  .col_bytes = tail_bytes, .col_blob = tail_blob,
  .col_isnull = tail_isnull, .ncols = tail_ncols, .colname = tail_colname
};

_Static_assert (sizeof (struct tail_row) <= sizeof (struct xj_db_row_tail)
                && _Alignof (struct tail_row)
                   <= _Alignof (struct xj_db_row_tail),
                "struct xj_db_row_tail holds a tail_row");

const struct xj_db_row *
xj_db_row_tail (const struct xj_db_row *r, int first,
                struct xj_db_row_tail *buf)
{
  struct tail_row *t = (struct tail_row *) (void *) buf;

  t->base.be = &tail_backend;
  t->row = r;
  t->first = first;
  return &t->base;
}

int64_t
xj_db_int (const struct xj_db_row *r, int col)
{
  return r->be->col_int (r, col);
}

double
xj_db_double (const struct xj_db_row *r, int col)
{
  return r->be->col_double (r, col);
}

const char *
xj_db_text (const struct xj_db_row *r, int col)
{
  return r->be->col_text (r, col);
}

size_t
xj_db_bytes (const struct xj_db_row *r, int col)
{
  return r->be->col_bytes (r, col);
}

const void *
xj_db_blob (const struct xj_db_row *r, int col)
{
  return r->be->col_blob (r, col);
}

bool
xj_db_isnull (const struct xj_db_row *r, int col)
{
  return r->be->col_isnull (r, col);
}

int
xj_db_ncols (const struct xj_db_row *r)
{
  return r->be->ncols (r);
}

const char *
xj_db_colname (const struct xj_db_row *r, int col)
{
  return r->be->colname (r, col);
}
