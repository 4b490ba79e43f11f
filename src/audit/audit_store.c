/* audit_store.c -- the audit log's statements and hash chain.
 * Must only be called inside write transactions for appends.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

XJ_DB_STMT (st_audit_last,
            "SELECT hash, coalesce(mac, ''),"
            " CASE WHEN mac IS NULL THEN 0 ELSE 1 END FROM audit_log"
            " ORDER BY id DESC LIMIT 1")
XJ_DB_STMT (st_audit_insert,
            "INSERT INTO audit_log (at, user_id, username, ip, action,"
            " entity, entity_id, before, after, prev_hash, hash, mac,"
            " province) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
            " $11, $12, coalesce((SELECT"
            " CAST(substr(coalesce(u.region_code, sc.county_code), 1, 2) AS"
            " INTEGER) FROM users u LEFT JOIN schools sc ON sc.id ="
            " u.school_id WHERE u.id = $2 AND coalesce(u.region_code,"
            " sc.county_code, '') <> ''), 0))")
XJ_DB_STMT (st_audit_all,
            "SELECT id, at, coalesce(user_id, 0), username, ip, action, entity,"
            " entity_id, before, after, prev_hash, hash,"
            " CASE WHEN before IS NULL THEN 1 ELSE 0 END,"
            " CASE WHEN after IS NULL THEN 1 ELSE 0 END, coalesce(mac, ''),"
            " CASE WHEN mac IS NULL THEN 1 ELSE 0 END"
            " FROM audit_log ORDER BY id")
XJ_DB_STMT (st_audit_page,
            "SELECT a.id, a.at, a.username, a.ip, a.action, a.entity,"
            " a.entity_id, coalesce(a.before, ''), coalesce(a.after, ''),"
            " a.hash, coalesce(u.display_name, '') FROM audit_log a"
            " LEFT JOIN users u ON u.id = a.user_id"
            " WHERE (CAST($1 AS TEXT) IS NULL OR a.username = $1)"
            " AND (CAST($2 AS TEXT) IS NULL OR a.action = $2) AND (CAST($3 AS TEXT) IS NULL OR a.entity = $3)"
            " ORDER BY a.id DESC LIMIT $4 OFFSET $5")
XJ_DB_STMT (st_audit_count,
            "SELECT count(*) FROM audit_log"
            " WHERE (CAST($1 AS TEXT) IS NULL OR username = $1)"
            " AND (CAST($2 AS TEXT) IS NULL OR action = $2)"
            " AND (CAST($3 AS TEXT) IS NULL OR entity = $3)")

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

/* mac = hex(HMAC-SHA-256(key, tag | 0x1f | prev_mac | 0x1f | hash)),
   prev_mac "" for the first keyed entry.  The hash covers the fields and
   prev_hash, so the MAC fixes the whole chain before it. */
static void
chain_mac (const struct xj_audit_key *k, const char *prev_mac,
           const char *hash, char out[65])
{
  static const char tag[] = "xueji-audit-mac-v1\x1f";
  static const unsigned char sep = 0x1f;
  crypto_auth_hmacsha256_state st;
  unsigned char m[crypto_auth_hmacsha256_BYTES];

  crypto_auth_hmacsha256_init (&st, k->k, sizeof k->k);
  crypto_auth_hmacsha256_update (&st, (const unsigned char *) tag,
                                 sizeof tag - 1);
  crypto_auth_hmacsha256_update (&st, (const unsigned char *) prev_mac,
                                 strlen (prev_mac));
  crypto_auth_hmacsha256_update (&st, &sep, 1);
  crypto_auth_hmacsha256_update (&st, (const unsigned char *) hash,
                                 strlen (hash));
  crypto_auth_hmacsha256_final (&st, m);
  sodium_bin2hex (out, 65, m, sizeof m);
}

struct last {
  char hash[65];
  char mac[65];
  bool keyed;  /* the newest entry carries a MAC */
};

static int
last_cb (void *cls, const struct xj_db_row *r)
{
  struct last *l = cls;

  xj_strlcpy (l->hash, xj_db_text (r, 0), sizeof l->hash);
  xj_strlcpy (l->mac, xj_db_text (r, 1), sizeof l->mac);
  l->keyed = 0 != xj_db_int (r, 2);
  return 1;
}

bool
xj_audit_head_keyed (struct xj_db *db)
{
  struct last l = { GENESIS, "", false };

  return xj_db_q (db, &st_audit_last, XJ_DB_NOPARAMS, &last_cb, &l) > 0
         && l.keyed;
}

/* The key for the next entry: *have is false when the log is not keyed
   yet and there is no key file (a database older than the key, written by
   a command before `serve` created it).  Once the log is keyed every
   entry must be, so a missing key is then an error. */
static enum xj_err
append_key (struct xj_db *db, const struct last *l, struct xj_audit_key *k,
            bool *have)
{
  enum xj_err e = xj_audit_key_get (db, k);

  *have = XJ_E_OK == e;
  if (XJ_E_NOT_FOUND == e && ! l->keyed)
    return XJ_E_OK;
  if (XJ_E_OK != e)
    {
      XJ_ERROR ("audit key missing or unusable: refusing to write an"
                " unkeyed audit entry");
      return XJ_E_AUDIT_KEY;
    }
  return XJ_E_OK;
}

enum xj_err
xj_audit_append (struct xj_db *db, const struct xj_actor *a,
                 const char *action, const char *entity,
                 const char *entity_id, const char *before, const char *after)
{
  char at[32];

  xj_now_iso (at);
  return xj_audit_append_at (db, a, at, action, entity, entity_id, before,
                             after);
}

enum xj_err
xj_audit_append_at (struct xj_db *db, const struct xj_actor *a,
                    const char *at, const char *action, const char *entity,
                    const char *entity_id, const char *before,
                    const char *after)
{
  struct last l = { GENESIS, "", false };
  struct xj_audit_key k;
  char hash[65], mac[65];
  bool keyed;
  enum xj_qs qs;
  enum xj_err e;

  /* the chain's lock first: a concurrent appender's entry is then
     committed (and read below as the tail) or this transaction fails
     with a conflict and runs again; held until commit */
  if (XJ_E_OK != (e = xj_db_chain_lock (db)))
    return e;
  qs = xj_db_q (db, &st_audit_last, XJ_DB_NOPARAMS, &last_cb, &l);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_E_OK != (e = append_key (db, &l, &k, &keyed)))
    return e;
  chain_hash (l.hash, at, a->user_id, a->username, a->ip, action, entity,
              entity_id, before, after, hash);
  if (keyed)
    chain_mac (&k, l.keyed ? l.mac : "", hash, mac);
  sodium_memzero (&k, sizeof k);
  qs = xj_db_q (db, &st_audit_insert,
                XJ_DB_PARAMS (XJ_DB_S (at),
                              a->user_id ? XJ_DB_I (a->user_id) : XJ_DB_NUL,
                              XJ_DB_S (a->username), XJ_DB_S (a->ip),
                              XJ_DB_S (action), XJ_DB_S (entity),
                              XJ_DB_S (entity_id), XJ_DB_S (before),
                              XJ_DB_S (after), XJ_DB_S (l.hash),
                              XJ_DB_S (hash), keyed ? XJ_DB_S (mac)
                                                    : XJ_DB_NUL),
                NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_E_OK;
}

struct verify_ctx {
  const struct xj_audit_key *key;
  const struct xj_audit_checkpoint *cps;  /* sorted by last_id */
  size_t ncp, next_cp;
  char prev[65];
  char prev_mac[65];
  bool seen_mac;
  int64_t at_last_cp;  /* entries up to the newest checkpoint matched */
  enum xj_err code;    /* what stopped the walk */
  struct xj_audit_report *rep;
};

/* Stop the walk at entry @id with @code and the one-line reason @why. */
static int
fail (struct verify_ctx *c, int64_t id, enum xj_err code, const char *why)
{
  c->rep->bad_id = id;
  xj_snprintf (c->rep->detail, sizeof c->rep->detail, "entry #%lld: %s",
               (long long) id, why);
  c->code = code;
  return 1;
}

/* The hash chain: recomputable by anyone, so it finds edits but not a
   rewrite that re-hashes every later row. */
static bool
row_hash_ok (struct verify_ctx *c, const struct xj_db_row *r)
{
  char h[65];

  chain_hash (c->prev, xj_db_text (r, 1), xj_db_int (r, 2),
              xj_db_text (r, 3), xj_db_text (r, 4), xj_db_text (r, 5),
              xj_db_text (r, 6), xj_db_text (r, 7),
              xj_db_int (r, 12) ? NULL : xj_db_text (r, 8),
              xj_db_int (r, 13) ? NULL : xj_db_text (r, 9), h);
  if (0 != strcmp (c->prev, xj_db_text (r, 10))
      || 0 != strcmp (h, xj_db_text (r, 11)))
    return false;
  xj_strlcpy (c->prev, h, sizeof c->prev);
  return true;
}

/* The MAC chain: 0 = fine, else a reason. */
static const char *
row_mac_problem (struct verify_ctx *c, const struct xj_db_row *r)
{
  const char *mac = xj_db_text (r, 14);
  char m[65];

  if (xj_db_int (r, 15))
    {
      if (c->seen_mac)
        return "carries no MAC after keyed entries (inserted, or MACs"
               " stripped)";
      c->rep->unkeyed++;
      return NULL;
    }
  c->seen_mac = true;
  if (c->key)
    {
      chain_mac (c->key, c->prev_mac, xj_db_text (r, 11), m);
      if (0 != strcmp (m, mac))
        return "MAC does not match under the audit key (edited, inserted,"
               " deleted before it, or re-hashed without the key)";
    }
  xj_strlcpy (c->prev_mac, mac, sizeof c->prev_mac);
  return NULL;
}

/* The checkpoints naming entries up to @id: each must find its entry
   with the same MAC and the same number of entries up to it. */
static const struct xj_audit_checkpoint *
row_cp_problem (struct verify_ctx *c, int64_t id, const char *mac_or_hash)
{
  for (; c->next_cp < c->ncp && c->cps[c->next_cp].last_id <= id;
       c->next_cp++)
    {
      const struct xj_audit_checkpoint *cp = &c->cps[c->next_cp];

      if (cp->last_id < id || cp->count != c->rep->count
          || 0 != strcmp (cp->mac, mac_or_hash))
        return cp;
      c->at_last_cp = c->rep->count;
    }
  return NULL;
}

static int
verify_cb (void *cls, const struct xj_db_row *r)
{
  struct verify_ctx *c = cls;
  int64_t id = xj_db_int (r, 0);
  const char *why;
  const struct xj_audit_checkpoint *cp;
  char d[400];

  c->rep->count++;
  if (! row_hash_ok (c, r))
    return fail (c, id, XJ_E_AUDIT_BROKEN,
                 "hash does not match its fields or the previous entry"
                 " (edited, inserted or deleted)");
  if ((why = row_mac_problem (c, r)))
    return fail (c, id, XJ_E_AUDIT_BROKEN, why);
  cp = row_cp_problem (c, id,
                       xj_db_int (r, 15) ? xj_db_text (r, 11)
                                         : xj_db_text (r, 14));
  if (cp)
    {
      xj_snprintf (d, sizeof d, "checkpoint of %s (line %u) recorded %lld"
                   " entries ending at #%lld; the database differs there"
                   " (entries deleted, or the log rewritten)", cp->at,
                   cp->line, (long long) cp->count, (long long) cp->last_id);
      return fail (c, id, XJ_E_AUDIT_CHECKPOINT, d);
    }
  return 0;
}

static int
cp_cmp (const void *a, const void *b)
{
  const struct xj_audit_checkpoint *x = a, *y = b;

  return (x->last_id > y->last_id) - (x->last_id < y->last_id);
}

/* After the walk: checkpoints beyond the last entry mean the tail went. */
static enum xj_err
tail_problem (struct verify_ctx *c, int64_t last_keyed)
{
  struct xj_audit_report *rep = c->rep;

  if (c->next_cp < c->ncp)
    {
      const struct xj_audit_checkpoint *cp = &c->cps[c->ncp - 1];

      xj_snprintf (rep->detail, sizeof rep->detail,
                   "checkpoint of %s (line %u) recorded %lld entries ending"
                   " at #%lld; the database has only %lld: the newest"
                   " entries were deleted", cp->at, cp->line,
                   (long long) cp->count, (long long) cp->last_id,
                   (long long) rep->count);
      rep->bad_id = cp->last_id;
      return XJ_E_AUDIT_CHECKPOINT;
    }
  if (c->key && rep->count > 0 && ! last_keyed)
    {
      xj_strlcpy (rep->detail, "the newest entry carries no MAC although"
                  " the audit key exists (MACs stripped)",
                  sizeof rep->detail);
      rep->bad_id = -1;
      return XJ_E_AUDIT_BROKEN;
    }
  rep->after_cp = c->ncp ? rep->count - c->at_last_cp : rep->count;
  return XJ_E_OK;
}

enum xj_err
xj_audit_verify_full (struct xj_db *db, const struct xj_audit_key *key,
                      const struct xj_audit_checkpoint *cps, size_t ncp,
                      struct xj_audit_report *rep)
{
  struct xj_audit_checkpoint *sorted = NULL;
  struct verify_ctx c = { .key = key, .ncp = ncp, .prev = GENESIS,
                          .rep = rep };
  enum xj_err e = XJ_E_OK;
  enum xj_qs qs;

  memset (rep, 0, sizeof *rep);
  if (ncp)
    {
      sorted = xj_malloc (ncp * sizeof *sorted);
      memcpy (sorted, cps, ncp * sizeof *sorted);
      qsort (sorted, ncp, sizeof *sorted, &cp_cmp);
    }
  c.cps = sorted;
  /* a checkpoint of an empty log names no entry */
  while (c.next_cp < ncp && 0 == sorted[c.next_cp].last_id
         && 0 == sorted[c.next_cp].count)
    c.next_cp++;
  qs = xj_db_q (db, &st_audit_all, XJ_DB_NOPARAMS, &verify_cb, &c);
  if (qs < 0)
    e = xj_db_qs_err (qs);
  else if (c.code)
    e = c.code;
  else
    e = tail_problem (&c, xj_audit_head_keyed (db));
  free (sorted);
  return e;
}

enum xj_err
xj_audit_verify (struct xj_db *db, int64_t *bad_id, int64_t *count)
{
  struct xj_audit_report rep;
  enum xj_err e = xj_audit_verify_full (db, NULL, NULL, 0, &rep);

  *bad_id = rep.bad_id;
  *count = rep.count;
  return e;
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
    .user_name = xj_db_text (r, 10),
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
