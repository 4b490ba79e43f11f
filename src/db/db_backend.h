/* db_backend.h -- private to src/db: what a backend (db_sqlite.c,
 * db_pg.c) provides behind db.h, and the state every connection shares.
 * db.c picks the backend from the path (a postgresql:// or postgres://
 * URL selects PostgreSQL, anything else is a SQLite file) and forwards
 * each db.h call through the backend's table.  Nothing outside src/db
 * includes this header.
 */
#ifndef XJ_DB_BACKEND_H
#define XJ_DB_BACKEND_H

#include "db.h"

struct xj_db_backend {
  const char *name;  /* "sqlite" or "postgresql", for log lines */
  enum xj_err (*open) (const char *path, int flags, struct xj_db **out);
  void (*close) (struct xj_db *db);
  enum xj_qs (*q) (struct xj_db *db, struct xj_db_stmt *st,
                   const struct xj_db_param *params, xj_db_row_cb cb,
                   void *cls);
  int64_t (*last_id) (struct xj_db *db);
  enum xj_err (*plan) (struct xj_db *db, const struct xj_db_stmt *st,
                       char *out, size_t size);
  int (*schema_version) (struct xj_db *db);
  enum xj_err (*txn_run) (struct xj_db *db, const char *name, bool write,
                          xj_db_txn_cb cb, void *cls);
  enum xj_err (*txn_try) (struct xj_db *db, const char *name,
                          xj_db_txn_cb cb, void *cls);
  void (*set_write_wait) (struct xj_db *db, unsigned ms);
  enum xj_err (*backup) (struct xj_db *db, const char *dest);
  enum xj_err (*integrity) (struct xj_db *db, char *report, size_t size);
  enum xj_err (*tune) (struct xj_db *db, enum xj_db_tune t);
  enum xj_err (*chain_lock) (struct xj_db *db);  /* db.h xj_db_chain_lock */
  /* The WAL position: the primary's pg_current_wal_insert_lsn() (past
     every transaction committed so far, even with synchronous_commit
     off, where pg_current_wal_lsn() may still be short of the last
     commit) or, @replay, a standby's pg_last_wal_replay_lsn().  1 with
     *@out set; 0 when there is none (@replay on a server not in
     recovery); -1 when the query failed (not logged: the caller says it
     once).  NULL for SQLite. */
  int (*wal_lsn) (struct xj_db *db, bool replay, uint64_t *out);
  /* bulk append (db.h): begin allocates the backend's struct */
  struct xj_db_bulk *(*bulk_begin) (struct xj_db *db,
                                    struct xj_db_bulk_stmt *st);
  enum xj_qs (*bulk_row) (struct xj_db_bulk *b,
                          const struct xj_db_param *params, int64_t *id);
  enum xj_qs (*bulk_end) (struct xj_db_bulk *b);
  void (*bulk_expect) (struct xj_db_bulk *b, size_t rows);  /* may be NULL */
  bool (*bulk_conflicted) (const struct xj_db *db,
                           struct xj_db_conflict *out);
  bool rebuilds_indexes;
  /* column accessors of a row handed to a xj_db_row_cb */
  int64_t (*col_int) (const struct xj_db_row *r, int col);
  double (*col_double) (const struct xj_db_row *r, int col);
  const char *(*col_text) (const struct xj_db_row *r, int col);
  size_t (*col_bytes) (const struct xj_db_row *r, int col);
  const void *(*col_blob) (const struct xj_db_row *r, int col);
  bool (*col_isnull) (const struct xj_db_row *r, int col);
  int (*ncols) (const struct xj_db_row *r);
  const char *(*colname) (const struct xj_db_row *r, int col);
};

/* The first member of each backend's connection struct. */
struct xj_db {
  const struct xj_db_backend *be;
  char *path;               /* as given to xj_db_open; owned */
  bool auth;                /* the auth store (XJ_DB_OPEN_AUTH) */
  bool in_txn;              /* inside xj_db_txn_run/try */
  bool long_txn;            /* the running write is xj_db_txn_run_long's:
                               PostgreSQL begins it READ COMMITTED */
  unsigned write_wait_ms;   /* 0 = the default wait and retries */
  /* A standby's connection handed out by xj_db_read_conn: its write
     transactions run on this primary connection (db_replica.c). */
  struct xj_db *write_to;
  bool wrote;               /* a write transaction committed here since
                               xj_db_note_writes last looked */
  char unique_table[64];    /* xj_db_unique_table; set by the backends */
};

/* The first member of each backend's bulk append. */
struct xj_db_bulk {
  struct xj_db *db;
  struct xj_db_bulk_stmt *st;
};

/* The first member of each backend's row struct. */
struct xj_db_row {
  const struct xj_db_backend *be;
};

extern const struct xj_db_backend xj_db_sqlite_backend;
extern const struct xj_db_backend xj_db_pg_backend;

/* The statement registry (db.c): every XJ_DB_STMT, newest first, and
   their count (each statement's index is below it). */
extern struct xj_db_stmt *xj_db_registry_head;
extern int xj_db_registry_count;

/* A migration embedded by tools/embed-sql.sh; arrays end with sql NULL. */
struct xj_migration {
  int version;
  const char *name;
  const char *sql;
};

/* Whether @path is a PostgreSQL connection URL. */
bool xj_db_is_url (const char *path);
/* "host:port/dbname" of the PostgreSQL URL @url, for log lines (never
   the password). */
void xj_db_pg_label (const char *url, char *out, size_t size);

#endif
