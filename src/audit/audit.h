/* audit.h -- the append-only, hash-chained audit log.
 *
 * Every write and every display of an unmasked ID number or phone appends
 * one entry, in the same transaction as the write it records.  Each
 * entry's hash is SHA-256 over the previous entry's hash and this entry's
 * fields, so editing or deleting any row (the triggers refuse both; a raw
 * file edit does not) breaks the chain, which xj_audit_verify finds.
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

/* Walk the whole chain; XJ_E_AUDIT_BROKEN with *bad_id set at the first
   row whose hash does not match.  *count gets the number of entries. */
enum xj_err xj_audit_verify (struct xj_db *db, int64_t *bad_id,
                             int64_t *count);

/* One page of the log, newest first, filtered by username/action/entity
   (NULL or "" = any).  @cb gets each row's columns. */
struct xj_audit_row {
  int64_t id;
  const char *at, *username, *ip, *action, *entity, *entity_id, *before,
    *after, *hash;
};
typedef void (*xj_audit_cb) (void *cls, const struct xj_audit_row *r);
enum xj_err xj_audit_list (struct xj_db *db, const char *user,
                           const char *action, const char *entity,
                           int64_t limit, int64_t offset, int64_t *total,
                           xj_audit_cb cb, void *cls);

#endif
