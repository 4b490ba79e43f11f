/* audit.h -- the append-only, hash-chained, keyed audit log.
 *
 * Every write and every display of an unmasked ID number or phone appends
 * one entry, in the same transaction as the write it records.  Each
 * entry's hash is SHA-256 over the previous entry's hash and this entry's
 * fields; its mac is HMAC-SHA-256 under the audit key (a file outside the
 * database) over the previous entry's mac and this hash.  Editing,
 * inserting or deleting a row breaks the hash chain (which anyone can
 * recompute) and the MAC chain (which needs the key); deleting the newest
 * rows is found against the signed checkpoints the server writes outside
 * the database.  docs/internals/audit.md says who can hide what.
 */
#ifndef XJ_AUDIT_H
#define XJ_AUDIT_H

#include "db/db.h"

/* Who is acting (for events and audit). */
struct xj_actor {
  int64_t user_id;       /* 0 = the system / CLI */
  const char *username;  /* never NULL */
  const char *ip;        /* "cli" for the command line */
};

/* Append an entry.  Must run inside a write transaction (the chain needs
   the writer lock).  @before/@after are JSON text or NULL. */
enum xj_err xj_audit_append (struct xj_db *db, const struct xj_actor *a,
                             const char *action, const char *entity,
                             const char *entity_id, const char *before,
                             const char *after);

/* xj_audit_append with the entry's time @at given (ISO 8601) instead of
   now: for entries copied from another registry (`xueji migrate`), which
   keep the time they were first written. */
enum xj_err xj_audit_append_at (struct xj_db *db, const struct xj_actor *a,
                                const char *at, const char *action,
                                const char *entity, const char *entity_id,
                                const char *before, const char *after);

/* Walk the whole hash chain without the key; XJ_E_AUDIT_BROKEN with
   *bad_id set at the first row whose hash does not match.  *count gets
   the number of entries. */
enum xj_err xj_audit_verify (struct xj_db *db, int64_t *bad_id,
                             int64_t *count);

/* ---- the key and the checkpoints (audit_key.c) ---- */

#define XJ_AUDIT_PATH_MAX 1024

/* Where the key and the checkpoints live: the settings audit.key_file and
   audit.checkpoint_file, by default <database>.auditkey and
   <database>.checkpoints. */
struct xj_audit_files {
  char key[XJ_AUDIT_PATH_MAX];
  char checkpoints[XJ_AUDIT_PATH_MAX];
};
enum xj_err xj_audit_paths (struct xj_db *db, struct xj_audit_files *out);
/* Store non-empty @key_file / @checkpoint_file in the settings (inside the
   caller's write transaction). */
enum xj_err xj_audit_paths_set (struct xj_db *db, const char *key_file,
                                const char *checkpoint_file);

/* The audit key as loaded from its file. */
struct xj_audit_key {
  unsigned char k[32];
  char path[XJ_AUDIT_PATH_MAX];  /* the file it came from */
};
/* Load the key file at @path: XJ_E_NOT_FOUND if there is none,
   XJ_E_AUDIT_KEY if it is unreadable, malformed or readable by group or
   others (it must be 0600). */
enum xj_err xj_audit_key_load (const char *path, struct xj_audit_key *k);
/* The key of @db (from its settings path; cached per process by path). */
enum xj_err xj_audit_key_get (struct xj_db *db, struct xj_audit_key *k);
/* Make sure @db has a key: create the file (0600) when there is none and
   append the first keyed entry ("audit.key"), whose MAC covers every older
   row through the hash chain.  For init, demo and serve (not inside a
   transaction).  *created tells whether a new key was written.  A keyed
   log whose key file is missing is XJ_E_AUDIT_KEY: a new key would leave
   the old MACs unverifiable. */
enum xj_err xj_audit_key_ensure (struct xj_db *db, bool *created);
/* Whether the newest entry carries a MAC (an empty log counts as not). */
bool xj_audit_head_keyed (struct xj_db *db);
/* Hex of the Ed25519 public key that checkpoints are signed with (derived
   from the audit key), for verifying them elsewhere. */
void xj_audit_public_key (const struct xj_audit_key *k, char out[65]);
/* Keyed hash (HMAC-SHA-256 under a key derived from the audit key) of a
   searched number, so an auditor with the key can correlate searches for
   the same number; false (out = "") when the database has no key. */
bool xj_audit_number_hash (struct xj_db *db, const char *number,
                           char out[65]);

/* Audit a search by a full ID or registry number (@by "id_no" or
   "registry_no"): the entry records the number masked and as
   xj_audit_number_hash, never in clear, and whether it was @found.
   Inside the caller's write transaction. */
enum xj_err xj_audit_search (struct xj_db *db, const struct xj_actor *a,
                             const char *action, const char *entity_id,
                             const char *by, const char *number,
                             bool found);

/* One signed checkpoint: the log had @count entries, the newest #@last_id
   with MAC (or, unkeyed, hash) @mac, at time @at. */
struct xj_audit_checkpoint {
  char at[32];
  int64_t count;
  int64_t last_id;
  char mac[65];
  unsigned line;  /* in the checkpoint file, from 1 */
};
/* Append a checkpoint of the log's head, signed under @key (NULL = the
   database's key), to @path (NULL = the settings' checkpoint file),
   created 0600, fdatasynced.  Nothing is written when the head is
   *last_id (@last_id not NULL) or, with @last_id NULL, the entry the
   file's last line names; on success *last_id gets the head.  Not
   inside a transaction (it runs its own read transaction). */
enum xj_err xj_audit_checkpoint_write (struct xj_db *db,
                                       const struct xj_audit_key *key,
                                       const char *path, int64_t *last_id);
/* Read and verify (signature under @k) every line of the checkpoint file
   @path into *out (caller frees), in file order.  XJ_E_NOT_FOUND if there
   is no file; XJ_E_AUDIT_CHECKPOINT with @detail for a bad line or an
   empty file. */
enum xj_err xj_audit_checkpoints_load (const char *path,
                                       const struct xj_audit_key *k,
                                       struct xj_audit_checkpoint **out,
                                       size_t *n, char *detail,
                                       size_t dsize);

/* The server's checkpoint thread (audit_ticker.c): writes a checkpoint
   now (failing start-up if it cannot), then every 60 s (env
   XJ_CHECKPOINT_SECONDS, 1..60, for tests) when the head moved.  stop
   joins it and writes the last head.  Main thread only. */
enum xj_err xj_audit_ticker_start (const char *db_path);
void xj_audit_ticker_stop (void);

/* What xj_audit_verify_full found. */
struct xj_audit_report {
  int64_t count;       /* entries walked */
  int64_t unkeyed;     /* entries before the first keyed one */
  int64_t after_cp;    /* entries newer than the newest checkpoint */
  int64_t bad_id;      /* the entry where a problem was found, or 0 */
  char detail[512];    /* one line on the problem */
};
/* Walk the log checking the hash chain, the MAC chain under @key (NULL:
   hashes only) and each of the @ncp checkpoints @cps: XJ_E_AUDIT_BROKEN
   (a row edited, inserted, deleted or re-hashed) or XJ_E_AUDIT_CHECKPOINT
   (the tail deleted, or the log rewritten with the key) with rep->detail
   set, or XJ_E_OK. */
enum xj_err xj_audit_verify_full (struct xj_db *db,
                                  const struct xj_audit_key *key,
                                  const struct xj_audit_checkpoint *cps,
                                  size_t ncp, struct xj_audit_report *rep);

/* One page of the log, newest first, filtered by username/action/entity
   (NULL or "" = any).  @cb gets each row's columns. */
struct xj_audit_row {
  int64_t id;
  const char *at, *username, *ip, *action, *entity, *entity_id, *before,
    *after, *hash;
  const char *user_name; /* the user's display name; "" if none */
};
typedef void (*xj_audit_cb) (void *cls, const struct xj_audit_row *r);
enum xj_err xj_audit_list (struct xj_db *db, const char *user,
                           const char *action, const char *entity,
                           int64_t limit, int64_t offset, int64_t *total,
                           xj_audit_cb cb, void *cls);

/* ---- storage of audit_key.c (audit_key_store.c) ---- */

/* The settings audit.key_file / audit.checkpoint_file as stored ("" for
   one not set or empty; no defaults). */
enum xj_err xj_audit_store_paths (struct xj_db *db,
                                  struct xj_audit_files *out);
/* Store @path under the setting @setting (inside the caller's write
   transaction). */
enum xj_err xj_audit_store_path_put (struct xj_db *db, const char *setting,
                                     const char *path);
/* The newest entry's id and MAC (its hash when unkeyed) into
   cp->last_id and cp->mac; 0 and "-" for an empty log. */
enum xj_err xj_audit_store_head (struct xj_db *db,
                                 struct xj_audit_checkpoint *cp);
/* The number of entries in the log. */
enum xj_err xj_audit_store_count (struct xj_db *db, int64_t *n);

#endif
