/* db.h -- the backend-neutral database API.  src/db/ is the only code that
 * includes sqlite3.h and libpq-fe.h; everything else talks to the database
 * through this header.  A path that is a postgresql:// or postgres:// URL
 * selects PostgreSQL, anything else is a SQLite file (docs/db.md).
 *
 * SQL is written once with $1..$N placeholders (PostgreSQL style) and is
 * rewritten for SQLite at prepare time.  Every statement is named and
 * registered at program start (XJ_DB_STMT, beside the code that uses it);
 * all are prepared when a connection opens, so a typo fails at start-up,
 * not in the middle of a request.  No SQL is ever assembled with printf.
 *
 * Threads: a struct xj_db is one connection and belongs to one thread at a
 * time (the HTTP server keeps one per worker thread).
 */
#ifndef XJ_DB_H
#define XJ_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../core/err.h"

struct xj_db;
struct xj_db_row;

/* A named statement.  Define with XJ_DB_STMT at file scope. */
struct xj_db_stmt {
  const char *name;
  const char *sql;
  int index;                 /* slot in each connection, set at register */
  struct xj_db_stmt *next;   /* registry list */
  bool auth;                 /* belongs to the auth store (XJ_DB_OPEN_AUTH) */
  bool ref;                  /* XJ_DB_REF_STMT */
};

void xj_db_stmt_register (struct xj_db_stmt *st);
/* The first registered statement; walk on with ->next (`xueji
   sql-dump`, tools/pg-check-sql.sh). */
const struct xj_db_stmt *xj_db_stmt_first (void);

#define XJ_DB_STMT(var, sqltext)                                         \
  static struct xj_db_stmt var = { #var, sqltext, -1, NULL, false, false }; \
  __attribute__ ((constructor)) static void var##_register (void)        \
  {                                                                      \
    xj_db_stmt_register (&var);                                          \
  }

/* A statement on reference tables only (schools, school years,
   classes) that rows a bulk append holds cannot matter to: it reads no
   table a bulk appends to, and nothing it writes refers to their rows
   (foreign keys, triggers).  On PostgreSQL the buffered rows then need
   not go out before it (db.h "bulk append"): the import creates a class
   every ~50 rows, and each class sent the buffers as a COPY of ~50 rows
   instead of one a megabyte. */
#define XJ_DB_REF_STMT(var, sqltext)                                     \
  static struct xj_db_stmt var = { #var, sqltext, -1, NULL, false, true }; \
  __attribute__ ((constructor)) static void var##_register (void)        \
  {                                                                      \
    xj_db_stmt_register (&var);                                          \
  }

/* A statement of the auth store (sessions, log-in throttling, the auth
   log: docs/internals/sessions.md); prepared only on its connections. */
#define XJ_DB_AUTH_STMT(var, sqltext)                                    \
  static struct xj_db_stmt var = { #var, sqltext, -1, NULL, true, false }; \
  __attribute__ ((constructor)) static void var##_register (void)        \
  {                                                                      \
    xj_db_stmt_register (&var);                                          \
  }

/* Query status: negative = failure, otherwise the number of rows seen
   (queries) or changed (writes). */
enum xj_qs {
  XJ_QS_UNIQUE = -3,  /* a UNIQUE/PRIMARY KEY constraint refused the write */
  XJ_QS_HARD = -2,    /* hard failure (logged) */
  XJ_QS_SOFT = -1,    /* retryable: busy/locked/serialization */
  XJ_QS_NONE = 0,
  XJ_QS_ONE = 1
};

enum xj_db_ptype {
  XJ_DB__END = 0, XJ_DB_NULL, XJ_DB_INT, XJ_DB_TEXT, XJ_DB_DOUBLE, XJ_DB_BLOB
};

struct xj_db_param {
  enum xj_db_ptype t;
  int64_t i;
  double d;
  const void *p;
  size_t len;
};

#define XJ_DB_I(v) ((struct xj_db_param) { .t = XJ_DB_INT, .i = (v) })
#define XJ_DB_D(v) ((struct xj_db_param) { .t = XJ_DB_DOUBLE, .d = (v) })
/* Text; NULL binds SQL NULL. */
static inline struct xj_db_param
xj_db_param_text (const char *v, bool empty_is_null)
{
  struct xj_db_param p = { .t = XJ_DB_TEXT, .p = v, .len = (size_t) -1 };

  if (NULL == v || (empty_is_null && '\0' == *v))
    p.t = XJ_DB_NULL;
  return p;
}
#define XJ_DB_S(v) xj_db_param_text ((v), false)
/* Text; NULL or "" binds SQL NULL. */
#define XJ_DB_SE(v) xj_db_param_text ((v), true)
#define XJ_DB_B(v, n) ((struct xj_db_param) { .t = XJ_DB_BLOB, .p = (v), .len = (n) })
#define XJ_DB_NUL ((struct xj_db_param) { .t = XJ_DB_NULL })
#define XJ_DB_END ((struct xj_db_param) { .t = XJ_DB__END })
#define XJ_DB_PARAMS(...) ((const struct xj_db_param[]) { __VA_ARGS__, XJ_DB_END })
#define XJ_DB_NOPARAMS ((const struct xj_db_param[]) { XJ_DB_END })

/* Row callback: return 0 to continue, non-zero to stop early.  Column
   values are valid only during the call. */
typedef int (*xj_db_row_cb) (void *cls, const struct xj_db_row *row);

int64_t xj_db_int (const struct xj_db_row *r, int col);
double xj_db_double (const struct xj_db_row *r, int col);
/* Text of column @col; "" for NULL.  Never NULL. */
const char *xj_db_text (const struct xj_db_row *r, int col);
size_t xj_db_bytes (const struct xj_db_row *r, int col);
const void *xj_db_blob (const struct xj_db_row *r, int col);
bool xj_db_isnull (const struct xj_db_row *r, int col);
int xj_db_ncols (const struct xj_db_row *r);
const char *xj_db_colname (const struct xj_db_row *r, int col);

/* A row's columns, in order, into the fields of a struct: one table of
   XJ_DB_F_* entries per struct instead of one hand-written loader per
   statement.  Text is cut to the field's size (xj_strlcpy). */
enum xj_db_field_kind { XJ_DB_FI64, XJ_DB_FINT, XJ_DB_FBOOL, XJ_DB_FTEXT };
struct xj_db_field {
  enum xj_db_field_kind kind;
  size_t off, size;
};
#define XJ_DB_F(kind, type, member) \
  { kind, offsetof (type, member), sizeof (((type *) 0)->member) }
#define XJ_DB_F_I64(type, member) XJ_DB_F (XJ_DB_FI64, type, member)
#define XJ_DB_F_INT(type, member) XJ_DB_F (XJ_DB_FINT, type, member)
#define XJ_DB_F_BOOL(type, member) XJ_DB_F (XJ_DB_FBOOL, type, member)
#define XJ_DB_F_TEXT(type, member) XJ_DB_F (XJ_DB_FTEXT, type, member)
#define XJ_DB_NFIELDS(tab) (sizeof (tab) / sizeof (tab)[0])
void xj_db_row_fields (const struct xj_db_row *r,
                       const struct xj_db_field *f, size_t n, void *out);

/* Columns @first.. of @r seen as a row of their own (its column 0 is
   @first of @r): for a statement that selects two things side by side,
   each decoded by its own reader (the session check joined to a read:
   docs/internals/sessions.md).  @buf is the caller's storage; the
   returned row is valid as long as @r is (during the row callback). */
struct xj_db_row_tail {
  const void *be;                  /* private to src/db */
  const struct xj_db_row *row;
  int first;
};
const struct xj_db_row *xj_db_row_tail (const struct xj_db_row *r, int first,
                                        struct xj_db_row_tail *buf);

/* Run statement @st with @params (XJ_DB_PARAMS(...)), calling @cb (may be
   NULL) once per row. */
enum xj_qs xj_db_q (struct xj_db *db, struct xj_db_stmt *st,
                    const struct xj_db_param *params, xj_db_row_cb cb,
                    void *cls);

/* The table whose UNIQUE or PRIMARY KEY constraint refused the last
   statement on @db that answered XJ_QS_UNIQUE ("" when the database did
   not name it, e.g. SQLite's unique index on an expression).  A trigger's
   write names the table the trigger wrote: which of several keys a write
   broke is told by this, not guessed by looking again (on PostgreSQL the
   failed statement has aborted the transaction, so nothing can be read). */
const char *xj_db_unique_table (const struct xj_db *db);

/* Row callback storing column 0 into *(int64_t *) @cls and stopping: for
   "INSERT ... RETURNING id" (portable to PostgreSQL, unlike
   xj_db_last_id) and single counts. */
int xj_db_int64_cb (void *cls, const struct xj_db_row *row);

/* The rowid of the last INSERT on @db; new code reads RETURNING id
   with xj_db_int64_cb instead. */
int64_t xj_db_last_id (struct xj_db *db);
/* The EXPLAIN QUERY PLAN of @st, one "detail" per line, into @out (for
   tests and benchmarks checking which index a statement uses). */
enum xj_err xj_db_plan (struct xj_db *db, const struct xj_db_stmt *st,
                        char *out, size_t size);

/* ---- connections ---- */
enum xj_db_open_flags {
  XJ_DB_OPEN_EXISTING = 0,  /* the file must exist */
  XJ_DB_OPEN_CREATE = 1,    /* the file must NOT exist; create it */
  XJ_DB_OPEN_READONLY = 2,
  /* The auth store beside the registry (xj_db_auth_path): its own
     migrations (src/db/migrations-auth) and XJ_DB_AUTH_STMT statements;
     created when missing. */
  XJ_DB_OPEN_AUTH = 4,
  /* A hot standby (PostgreSQL): read-only, named "xueji-replica" in
     pg_stat_activity, a connect timeout of 3 s unless the URL sets one;
     no migrations (they arrive from the primary). */
  XJ_DB_OPEN_REPLICA = 8
};
/* Open @path, set pragmas (WAL, foreign keys, busy timeout), apply pending
   migrations and prepare every registered statement.  Caller owns *out. */
/* Fault injection (core/fault.h): install the counting allocator and
   VFS shim once, before SQLite initialises.  xj_db_open calls it. */
void xj_db_fault_install (void);
enum xj_err xj_db_open (const char *path, int flags, struct xj_db **out);
void xj_db_close (struct xj_db *db);
const char *xj_db_path (const struct xj_db *db);
/* The auth store for the registry at @db_path: the file "<db_path>-auth";
   on PostgreSQL the same URL (its own tables in the same database). */
void xj_db_auth_path (const char *db_path, char *out, size_t size);
/* The path of a file or directory that belongs to the database at
   @db_path (the audit key, the checkpoints when the settings name none;
   uploads, export files: @suffix ".auditkey", ".checkpoints", ".tmp",
   ".exports").  A SQLite file: "<db_path><suffix>" beside it.
   A PostgreSQL URL: "<dir>/<dbname><suffix>", dir = $XUEJI_STATE_DIR or
   the working directory (docs/deploy-postgres.md: name them at init). */
void xj_db_side_path (const char *db_path, const char *suffix, char *out,
                      size_t size);
/* Schema version after migrations. */
int xj_db_schema_version (struct xj_db *db);

/* ---- transactions ---- */
/* The callback does the work; it never sends replies or prints.  Returning
   XJ_E_DB_BUSY makes the runner roll back and retry (bounded); any other
   error rolls back and is returned; XJ_E_OK commits. */
typedef enum xj_err (*xj_db_txn_cb) (struct xj_db *db, void *cls);
/* @write: BEGIN IMMEDIATE (writer lock up front) vs BEGIN DEFERRED. */
enum xj_err xj_db_txn_run (struct xj_db *db, const char *name, bool write,
                           xj_db_txn_cb cb, void *cls);
/* A long writer (the import): like xj_db_txn_run (write), but on
   PostgreSQL at READ COMMITTED instead of SERIALIZABLE, so the short
   writers committing meanwhile (registrations, changes in other schools)
   never make it fail with a serialization conflict after minutes of
   work.  Each statement then sees what others committed before it: the
   callback must not rely on one snapshot, and every read-then-write it
   shares with other sessions must be made safe by a lock or a unique
   index (the audit chain's append takes xj_db_chain_lock; the students'
   unique indexes refuse a second record of an ID; docs/db.md).  SQLite:
   the same as xj_db_txn_run (write), one writer at a time. */
enum xj_err xj_db_txn_run_long (struct xj_db *db, const char *name,
                                xj_db_txn_cb cb, void *cls);
/* Bound how long a transaction of @db may wait for the writer lock, all
   retries included: after about @ms milliseconds xj_db_txn_run gives up
   with XJ_E_DB_BUSY.  Request threads use 1000 (docs/api.md: a write
   answers or gives 503 within a second); 0 restores the default (5 s
   busy timeout, up to 8 attempts) of the CLI and the import worker. */
void xj_db_set_write_wait (struct xj_db *db, unsigned ms);
/* Like xj_db_txn_run (write), but one attempt that does not wait for
   the writer lock: XJ_E_DB_BUSY at once when another connection holds
   it.  For work that may be done later (copying the auth log). */
enum xj_err xj_db_txn_try (struct xj_db *db, const char *name,
                           xj_db_txn_cb cb, void *cls);
/* Inside a write transaction of @db: wait until no other transaction
   can append to the audit chain before this one commits, so the tail
   read next is the chain's tail (src/audit/audit_store.c).  PostgreSQL,
   where writers run side by side: UPDATE the one row of audit_chain_lock
   (migration 0029): a later appender waits for it, then reads the new
   tail (READ COMMITTED, the import) or fails with a serialization
   conflict and runs again (SERIALIZABLE); a row lock alone or an
   advisory lock would let a SERIALIZABLE snapshot taken earlier read
   the old tail.  SQLite: nothing to do, its write transaction already
   holds the one writer lock (BEGIN IMMEDIATE), and no row is written. */
enum xj_err xj_db_chain_lock (struct xj_db *db);
/* Map a failed query status to an error (HARD→DB, SOFT→DB_BUSY). */
enum xj_err xj_db_qs_err (enum xj_qs qs);

/* ---- tuning for bulk work (the import, docs/internals/import.md) ----
   SQLite: the connection's page cache, sorter threads and temporary
   storage (PRAGMAs, which only SQLite has); PostgreSQL: nothing to do. */
enum xj_db_tune {
  XJ_DB_TUNE_CACHE_BIG,     /* a 96 MB page cache while rows go in */
  XJ_DB_TUNE_CACHE_NORMAL,  /* the usual 32 MB, no sorter thread */
  XJ_DB_TUNE_INDEX_SORT,    /* 4 MB and one sorter thread: index builds */
  XJ_DB_TUNE_TEMP_FILE,     /* sorts spill to a temporary file */
  XJ_DB_TUNE_TEMP_MEMORY    /* temporary storage in memory (the default) */
};
enum xj_err xj_db_tune (struct xj_db *db, enum xj_db_tune t);

/* ---- bulk append (the import, docs/db.md "Bulk append") ----
   Rows appended to one table inside the caller's transaction: COPY ...
   FROM STDIN on PostgreSQL, the prepared INSERT on SQLite.  Declare the
   target once with XJ_DB_BULK (table, its columns, one $n per column):
   the INSERT is an ordinary registered statement (prepared and checked
   at start on both backends), the COPY names the same columns.  The
   table's `id` (an integer key the database assigns) is not among the
   columns: xj_db_bulk_row hands back the id the row gets.

   On PostgreSQL rows are buffered and sent as one COPY when the buffer
   is full, at xj_db_bulk_end, and before any other statement runs on
   the connection (so a query after xj_db_bulk_row sees the row, as on
   SQLite); open bulks flush in the order they began.  A UNIQUE
   violation anywhere in a COPY is XJ_QS_UNIQUE from the call that sent
   it (the row it names is not known: the transaction is aborted and
   must roll back).  Where the schema has xj_bulk_done_<table> (students,
   migration 0044), the rows its insert triggers derive (name grams,
   identity rows, counts) are written by that function once per COPY,
   and the triggers skip the COPY's rows (docs/db.md "Bulk append"). */
struct xj_db_bulk_stmt {
  struct xj_db_stmt ins;   /* INSERT INTO table (id, cols) VALUES (...) */
  const char *copy;        /* COPY table (id, cols) FROM STDIN */
  const char *table;
  bool noid;               /* XJ_DB_BULK_NOID: the table has no id */
};

#define XJ_DB_BULK(var, table, cols, values)                             \
  static struct xj_db_bulk_stmt var = {                                  \
    { #var, "INSERT INTO " table " (id, " cols ") VALUES ($1, " values   \
      ") RETURNING id", -1, NULL, false, false },                        \
    "COPY " table " (id, " cols ") FROM STDIN", table, false };          \
  __attribute__ ((constructor)) static void var##_register (void)        \
  {                                                                      \
    xj_db_stmt_register (&var.ins);                                      \
  }

/* A target whose table has no id column (a link table such as
   guardian_ids): @values are $1..$N, one per column; xj_db_bulk_row's
   @id must be NULL. */
#define XJ_DB_BULK_NOID(var, table, cols, values)                        \
  static struct xj_db_bulk_stmt var = {                                  \
    { #var, "INSERT INTO " table " (" cols ") VALUES (" values ")", -1,  \
      NULL, false, false },                                              \
    "COPY " table " (" cols ") FROM STDIN", table, true };               \
  __attribute__ ((constructor)) static void var##_register (void)        \
  {                                                                      \
    xj_db_stmt_register (&var.ins);                                      \
  }

struct xj_db_bulk;
/* Start appending to @st's table.  Caller ends with xj_db_bulk_end. */
struct xj_db_bulk *xj_db_bulk_begin (struct xj_db *db,
                                     struct xj_db_bulk_stmt *st);
/* Append one row: @params are the columns after id ($2..$N of the
   INSERT); *@id (may be NULL) receives the row's id. */
enum xj_qs xj_db_bulk_row (struct xj_db_bulk *b,
                           const struct xj_db_param *params, int64_t *id);
/* The number of rows @b will append, when known before the first: the
   ids are then reserved in one batch of that many (PostgreSQL; at most
   65,536), so none is left unused and rows appended by one session in
   consecutive bulks get consecutive ids (xueji gen).  No effect on
   SQLite, where each row takes the next rowid anyway. */
void xj_db_bulk_expect (struct xj_db_bulk *b, size_t rows);
/* The connection @b appends through. */
struct xj_db *xj_db_bulk_db (const struct xj_db_bulk *b);
/* Send what is buffered and free @b (NULL is fine). */
enum xj_qs xj_db_bulk_end (struct xj_db_bulk *b);
/* Whether a bulk load should drop the secondary indexes of the table it
   fills and build them again at the end.  True where the database has
   one writer at a time anyway (SQLite); false where other sessions keep
   writing the same table meanwhile (PostgreSQL: DROP INDEX would lock
   the table against every reader and writer until commit). */
bool xj_db_bulk_rebuilds_indexes (const struct xj_db *db);
/* The row a UNIQUE constraint refused in a bulk append (below). */
struct xj_db_conflict {
  char table[64];        /* the table the bulk appends to */
  char constraint[64];   /* the UNIQUE index or constraint that refused */
  char key[256];         /* the key as the database words it ("" if not
                            said), e.g. "(id_no, id_type)=(4418..., 1)" */
  int64_t id;            /* the refused row's id (0: not known, or a
                            table without ids) */
};
/* Whether a UNIQUE constraint refused rows of a bulk append of the
   current transaction after xj_db_bulk_row had taken them (the COPY went
   out later, so any statement may have reported it): the transaction is
   lost and the work must say so as a whole; *@out (may be NULL) gets
   which row and key.  Always false on SQLite, where xj_db_bulk_row
   answers XJ_QS_UNIQUE for its own row. */
bool xj_db_bulk_conflicted (const struct xj_db *db,
                            struct xj_db_conflict *out);

/* ---- maintenance ---- */
/* Online, consistent copy to @dest (must not exist). */
enum xj_err xj_db_backup (struct xj_db *db, const char *dest);
/* PRAGMA integrity_check + foreign_key_check; problems are appended to
   @report (NUL-terminated, truncated to @size). */
enum xj_err xj_db_integrity (struct xj_db *db, char *report, size_t size);

/* ---- read replicas (docs/internals/replicas.md) ----
   Hot standbys fed by PostgreSQL streaming replication answer the reads
   the HTTP dispatch chooses (routes flagged XJ_RF_REPLICA); everything
   else, and a user's reads right after their own write, use the primary.
   A standby that is down, not a standby, or lags by more than the bound
   is skipped until a watcher thread sees it fit again. */
#define XJ_DB_MAX_REPLICAS 8
/* Check @urls (PostgreSQL URLs; @primary must be one too: USAGE
   otherwise) and start the watcher.  @max_lag_ms bounds how far behind
   the primary a standby may be and still serve reads. */
enum xj_err xj_db_replicas_start (const char *primary,
                                  const char *const *urls, size_t n,
                                  unsigned max_lag_ms);
/* Stop the watcher; the calling threads' standby connections close as
   their threads end. */
void xj_db_replicas_stop (void);
/* The connection a read for user @user_id should use, on the thread
   whose primary connection is @primary: this thread's connection to a
   standby that is up, within the bound and has replayed the user's last
   write; else @primary.  Write transactions on it run on @primary. */
struct xj_db *xj_db_read_conn (struct xj_db *primary, int64_t user_id);
/* A read on @db (from xj_db_read_conn) failed: close this thread's
   connection to it and skip that standby until the watcher sees it
   answer again.  No-op for a primary connection. */
void xj_db_read_failed (struct xj_db *db);
/* After a request of user @user_id: when a write transaction committed
   on @primary since the last call, remember the primary's WAL position
   for that user (so their next reads wait for a standby that has it). */
void xj_db_note_writes (struct xj_db *primary, int64_t user_id);

#endif
