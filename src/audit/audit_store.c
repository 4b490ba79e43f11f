/* audit_store.c -- the audit log's statements and hash chain.
 * Must only be called inside write transactions for appends.
 */
#include <sodium.h>
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

XJ_DB_STMT (st_audit_last, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
XJ_DB_STMT (st_audit_insert,
            "INSERT INTO audit_log (at, user_id, username, ip, action, entity,"
            " entity_id, before, after, prev_hash, hash)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
XJ_DB_STMT (st_audit_all,
            "SELECT id, at, coalesce(user_id, 0), username, ip, action, entity,"
            " entity_id, before, after, prev_hash, hash, before IS NULL,"
            " after IS NULL FROM audit_log ORDER BY id")
XJ_DB_STMT (st_audit_page,
            "SELECT id, at, username, ip, action, entity, entity_id,"
            " coalesce(before, ''), coalesce(after, ''), hash FROM audit_log"
            " WHERE ($1 IS NULL OR username = $1) AND ($2 IS NULL OR action = $2)"
            " AND ($3 IS NULL OR entity = $3)"
            " ORDER BY id DESC LIMIT $4 OFFSET $5")
XJ_DB_STMT (st_audit_count,
            "SELECT count(*) FROM audit_log"
            " WHERE ($1 IS NULL OR username = $1) AND ($2 IS NULL OR action = $2)"
            " AND ($3 IS NULL OR entity = $3)")

/* hash = hex(SHA-256(prev | 0x1f | at | 0x1f | user_id | ... | after)),
   with NULL before/after written as a distinct marker. */
static void
chain_hash (const char *prev, const char *at, int64_t user_id,
            const char *username, const char *ip, const char *action,
            const char *entity, const char *entity_id, const char *before,
            const char *after, char out[65])
{
  crypto_hash_sha256_state st;
  unsigned char h[crypto_hash_sha256_BYTES];
  char uid[32];
  const char *parts[10];
  static const unsigned char sep = 0x1f;

  xj_snprintf (uid, sizeof uid, "%lld", (long long) user_id);
  parts[0] = prev;
  parts[1] = at;
  parts[2] = uid;
  parts[3] = username;
  parts[4] = ip;
  parts[5] = action;
  parts[6] = entity;
  parts[7] = entity_id;
  parts[8] = before ? before : "\x01NULL";
  parts[9] = after ? after : "\x01NULL";
  crypto_hash_sha256_init (&st);
  for (int i = 0; i < 10; i++)
    {
      crypto_hash_sha256_update (&st, (const unsigned char *) parts[i],
                                 strlen (parts[i]));
      crypto_hash_sha256_update (&st, &sep, 1);
    }
  crypto_hash_sha256_final (&st, h);
  sodium_bin2hex (out, 65, h, sizeof h);
}

static int
last_cb (void *cls, const struct xj_db_row *r)
{
  xj_strlcpy (cls, xj_db_text (r, 0), 65);
  return 1;
}

enum xj_err
xj_audit_append (struct xj_db *db, const struct xj_actor *a,
                 const char *action, const char *entity,
                 const char *entity_id, const char *before, const char *after)
{
  char prev[65] = GENESIS;
  char hash[65];
  char at[32];
  enum xj_qs qs;

  qs = xj_db_q (db, &st_audit_last, XJ_DB_NOPARAMS, &last_cb, prev);
  if (qs < 0)
    return xj_db_qs_err (qs);
  xj_now_iso (at);
  chain_hash (prev, at, a->user_id, a->username, a->ip, action, entity,
              entity_id, before, after, hash);
  qs = xj_db_q (db, &st_audit_insert,
                XJ_DB_PARAMS (XJ_DB_S (at),
                              a->user_id ? XJ_DB_I (a->user_id) : XJ_DB_NUL,
                              XJ_DB_S (a->username), XJ_DB_S (a->ip),
                              XJ_DB_S (action), XJ_DB_S (entity),
                              XJ_DB_S (entity_id), XJ_DB_S (before),
                              XJ_DB_S (after), XJ_DB_S (prev),
                              XJ_DB_S (hash)),
                NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_E_OK;
}

struct verify_ctx {
  char prev[65];
  int64_t bad_id;
  int64_t count;
};

static int
verify_cb (void *cls, const struct xj_db_row *r)
{
  struct verify_ctx *c = cls;
  char h[65];

  c->count++;
  chain_hash (c->prev, xj_db_text (r, 1), xj_db_int (r, 2),
              xj_db_text (r, 3), xj_db_text (r, 4), xj_db_text (r, 5),
              xj_db_text (r, 6), xj_db_text (r, 7),
              xj_db_int (r, 12) ? NULL : xj_db_text (r, 8),
              xj_db_int (r, 13) ? NULL : xj_db_text (r, 9), h);
  if (0 != strcmp (c->prev, xj_db_text (r, 10))
      || 0 != strcmp (h, xj_db_text (r, 11)))
    {
      c->bad_id = xj_db_int (r, 0);
      return 1;
    }
  xj_strlcpy (c->prev, h, sizeof c->prev);
  return 0;
}

enum xj_err
xj_audit_verify (struct xj_db *db, int64_t *bad_id, int64_t *count)
{
  struct verify_ctx c = { GENESIS, 0, 0 };
  enum xj_qs qs = xj_db_q (db, &st_audit_all, XJ_DB_NOPARAMS, &verify_cb, &c);

  *bad_id = c.bad_id;
  *count = c.count;
  if (qs < 0)
    return xj_db_qs_err (qs);
  return c.bad_id ? XJ_E_AUDIT_BROKEN : XJ_E_OK;
}

struct list_ctx {
  xj_audit_cb cb;
  void *cls;
};

static int
page_cb (void *cls, const struct xj_db_row *r)
{
  struct list_ctx *c = cls;
  struct xj_audit_row a = {
    .id = xj_db_int (r, 0),
    .at = xj_db_text (r, 1),
    .username = xj_db_text (r, 2),
    .ip = xj_db_text (r, 3),
    .action = xj_db_text (r, 4),
    .entity = xj_db_text (r, 5),
    .entity_id = xj_db_text (r, 6),
    .before = xj_db_text (r, 7),
    .after = xj_db_text (r, 8),
    .hash = xj_db_text (r, 9),
  };

  c->cb (c->cls, &a);
  return 0;
}

static int
count_cb (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 1;
}

enum xj_err
xj_audit_list (struct xj_db *db, const char *user, const char *action,
               const char *entity, int64_t limit, int64_t offset,
               int64_t *total, xj_audit_cb cb, void *cls)
{
  struct list_ctx c = { cb, cls };
  enum xj_qs qs;

  qs = xj_db_q (db, &st_audit_count,
                XJ_DB_PARAMS (XJ_DB_SE (user), XJ_DB_SE (action),
                              XJ_DB_SE (entity)),
                &count_cb, total);
  if (qs < 0)
    return xj_db_qs_err (qs);
  qs = xj_db_q (db, &st_audit_page,
                XJ_DB_PARAMS (XJ_DB_SE (user), XJ_DB_SE (action),
                              XJ_DB_SE (entity), XJ_DB_I (limit),
                              XJ_DB_I (offset)),
                &page_cb, &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
