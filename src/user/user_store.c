/* user_store.c -- users, passwords (argon2id via libsodium), log-in
 * throttling and sessions.  Session tokens are 32 random bytes; only their
 * SHA-256 is stored, so a copy of the database cannot be used to log in.
 */
#include <sodium.h>
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"
#include "user/user.h"

#define SESSION_SECONDS (12 * 3600)
#define LOCK_AFTER 10
#define SLOW_AFTER 5
#define LOCK_SECONDS (15 * 60)

XJ_DB_STMT (st_user_insert,
            "INSERT INTO users (username, display_name, pw_hash, role,"
            " region_code, school_id, created_at) VALUES ($1, $2, $3, $4, $5,"
            " $6, $7)")
XJ_DB_STMT (st_user_setpw,
            "UPDATE users SET pw_hash = $2, failed_logins = 0, locked_until = 0"
            " WHERE username = $1")
XJ_DB_STMT (st_user_addclass,
            "INSERT OR IGNORE INTO user_classes (user_id, class_id) VALUES ($1, $2)")
XJ_DB_STMT (st_user_get,
            "SELECT id, username, display_name, role, coalesce(region_code, ''),"
            " coalesce(school_id, 0), disabled FROM users WHERE id = $1")
XJ_DB_STMT (st_user_classes,
            "SELECT class_id FROM user_classes WHERE user_id = $1 ORDER BY class_id")
XJ_DB_STMT (st_user_all,
            "SELECT id, username, display_name, role, coalesce(region_code, ''),"
            " coalesce(school_id, 0), disabled FROM users ORDER BY id")
XJ_DB_STMT (st_user_auth,
            "SELECT id, pw_hash, disabled, failed_logins, locked_until FROM users"
            " WHERE username = $1")
XJ_DB_STMT (st_user_fail,
            "UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1")
XJ_DB_STMT (st_session_insert,
            "INSERT INTO sessions (token_hash, user_id, csrf, ip, created_at,"
            " expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
/* The session and its user in one statement (one per request): columns
   0..6 as st_user_get, so row_to_user reads them; 7 is the CSRF token. */
XJ_DB_STMT (st_session_get,
            "SELECT u.id, u.username, u.display_name, u.role,"
            " coalesce(u.region_code, ''), coalesce(u.school_id, 0), u.disabled,"
            " s.csrf FROM sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0")
XJ_DB_STMT (st_session_delete, "DELETE FROM sessions WHERE token_hash = $1")
XJ_DB_STMT (st_session_expire, "DELETE FROM sessions WHERE expires_at <= $1")

enum xj_err
xj_password_hash (const char *pw, char out[XJ_PW_HASH_MAX])
{
  if (0 != crypto_pwhash_str_alg (out, pw, strlen (pw),
                                  crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                  crypto_pwhash_ALG_ARGON2ID13))
    return XJ_E_INTERNAL;
  return XJ_E_OK;
}

bool
xj_password_verify (const char *hash, const char *pw)
{
  return 0 == crypto_pwhash_str_verify (hash, pw, strlen (pw));
}

enum xj_err
xj_user_create (struct xj_db *db, const struct xj_user_new *n, int64_t *id)
{
  char hash[XJ_PW_HASH_MAX];
  char at[32];
  enum xj_qs qs;

  if (xj_utf8_count (n->password) < 10)
    return XJ_E_WEAK_PASSWORD;
  if (XJ_ROLE_NONE == n->role)
    return XJ_E_USAGE;
  if (XJ_E_OK != xj_password_hash (n->password, hash))
    return XJ_E_INTERNAL;
  xj_now_iso (at);
  qs = xj_db_q (db, &st_user_insert,
                XJ_DB_PARAMS (XJ_DB_S (n->username),
                              XJ_DB_S (n->display_name ? n->display_name
                                                       : n->username),
                              XJ_DB_S (hash), XJ_DB_S (xj_role_name (n->role)),
                              XJ_DB_SE (n->region_code),
                              n->school_id ? XJ_DB_I (n->school_id) : XJ_DB_NUL,
                              XJ_DB_S (at)),
                NULL, NULL);
  if (XJ_QS_UNIQUE == qs)
    return XJ_E_USER_EXISTS;
  if (qs < 0)
    return xj_db_qs_err (qs);
  *id = xj_db_last_id (db);
  return XJ_E_OK;
}

enum xj_err
xj_user_set_password (struct xj_db *db, const char *username,
                      const char *password)
{
  char hash[XJ_PW_HASH_MAX];
  enum xj_qs qs;

  if (xj_utf8_count (password) < 10)
    return XJ_E_WEAK_PASSWORD;
  if (XJ_E_OK != xj_password_hash (password, hash))
    return XJ_E_INTERNAL;
  qs = xj_db_q (db, &st_user_setpw,
                XJ_DB_PARAMS (XJ_DB_S (username), XJ_DB_S (hash)), NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_user_add_class (struct xj_db *db, int64_t user_id, int64_t class_id)
{
  enum xj_qs qs = xj_db_q (db, &st_user_addclass,
                           XJ_DB_PARAMS (XJ_DB_I (user_id), XJ_DB_I (class_id)),
                           NULL, NULL);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct load_ctx {
  struct xj_user *u;
  bool disabled;
};

static void
row_to_user (const struct xj_db_row *r, struct xj_user *u)
{
  memset (u, 0, sizeof *u);
  u->id = xj_db_int (r, 0);
  xj_strlcpy (u->username, xj_db_text (r, 1), sizeof u->username);
  xj_strlcpy (u->display_name, xj_db_text (r, 2), sizeof u->display_name);
  u->role = xj_role_from_name (xj_db_text (r, 3));
  xj_strlcpy (u->region_code, xj_db_text (r, 4), sizeof u->region_code);
  u->school_id = xj_db_int (r, 5);
}

static int
load_cb (void *cls, const struct xj_db_row *r)
{
  struct load_ctx *c = cls;

  row_to_user (r, c->u);
  c->disabled = 0 != xj_db_int (r, 6);
  return 1;
}

static int
class_cb (void *cls, const struct xj_db_row *r)
{
  struct xj_user *u = cls;

  if (u->nclasses < XJ_USER_MAX_CLASSES)
    u->class_ids[u->nclasses++] = xj_db_int (r, 0);
  return 0;
}

enum xj_err
xj_user_load (struct xj_db *db, int64_t id, struct xj_user *u)
{
  struct load_ctx c = { u, false };
  enum xj_qs qs = xj_db_q (db, &st_user_get, XJ_DB_PARAMS (XJ_DB_I (id)),
                           &load_cb, &c);

  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_NOT_FOUND;
  if (c.disabled)
    return XJ_E_USER_DISABLED;
  if (XJ_ROLE_TEACHER == u->role)
    {
      qs = xj_db_q (db, &st_user_classes, XJ_DB_PARAMS (XJ_DB_I (id)),
                    &class_cb, u);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  return XJ_E_OK;
}

struct list_ctx {
  xj_user_cb cb;
  void *cls;
};

static int
list_cb (void *cls, const struct xj_db_row *r)
{
  struct list_ctx *c = cls;
  struct xj_user u;

  row_to_user (r, &u);
  c->cb (c->cls, &u, 0 != xj_db_int (r, 6));
  return 0;
}

enum xj_err
xj_user_list (struct xj_db *db, xj_user_cb cb, void *cls)
{
  struct list_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_user_all, XJ_DB_NOPARAMS, &list_cb, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static void
token_hash (const char *token, char out[65])
{
  unsigned char h[crypto_hash_sha256_BYTES];

  crypto_hash_sha256 (h, (const unsigned char *) token, strlen (token));
  sodium_bin2hex (out, 65, h, sizeof h);
}

static void
random_hex (char out[65])
{
  unsigned char b[32];

  randombytes_buf (b, sizeof b);
  sodium_bin2hex (out, 65, b, sizeof b);
}

struct auth_row {
  int64_t id;
  char hash[XJ_PW_HASH_MAX];
  bool disabled;
  int64_t failed;
  int64_t locked_until;
};

static int
auth_cb (void *cls, const struct xj_db_row *r)
{
  struct auth_row *a = cls;

  a->id = xj_db_int (r, 0);
  xj_strlcpy (a->hash, xj_db_text (r, 1), sizeof a->hash);
  a->disabled = 0 != xj_db_int (r, 2);
  a->failed = xj_db_int (r, 3);
  a->locked_until = xj_db_int (r, 4);
  return 1;
}

struct login_ctx {
  const char *username, *password, *ip;
  struct auth_row a;
  bool ok;
  enum xj_err result;
  unsigned delay_ms;
  char token[65], csrf[65];
};

/* Phase 1 (read): find the user.  The slow argon2id check runs outside
   any transaction; phase 2 (write) records the outcome. */
static enum xj_err
login_write (struct xj_db *db, void *cls)
{
  struct login_ctx *c = cls;
  int64_t now = xj_now ();
  struct xj_actor actor = { c->a.id, c->username, c->ip };
  enum xj_qs qs;
  enum xj_err e;

  if (! c->ok)
    {
      int64_t failed = c->a.failed + 1;
      int64_t locked = 0;

      if (failed >= LOCK_AFTER)
        {
          locked = now + LOCK_SECONDS;
          failed = 0;
          c->result = XJ_E_LOCKED;
        }
      else
        c->result = XJ_E_BAD_LOGIN;
      c->delay_ms = c->a.failed + 1 > SLOW_AFTER
                      ? (unsigned) (c->a.failed + 1 - SLOW_AFTER) * 250u
                      : 0;
      qs = xj_db_q (db, &st_user_fail,
                    XJ_DB_PARAMS (XJ_DB_I (c->a.id), XJ_DB_I (failed),
                                  XJ_DB_I (locked)),
                    NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
      return xj_audit_append (db, &actor, locked ? "login_locked"
                                                 : "login_failed",
                              "user", c->username, NULL, NULL);
    }
  else
    {
      char th[65];

      random_hex (c->token);
      random_hex (c->csrf);
      token_hash (c->token, th);
      qs = xj_db_q (db, &st_user_fail,
                    XJ_DB_PARAMS (XJ_DB_I (c->a.id), XJ_DB_I (0), XJ_DB_I (0)),
                    NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
      qs = xj_db_q (db, &st_session_expire, XJ_DB_PARAMS (XJ_DB_I (now)),
                    NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
      qs = xj_db_q (db, &st_session_insert,
                    XJ_DB_PARAMS (XJ_DB_S (th), XJ_DB_I (c->a.id),
                                  XJ_DB_S (c->csrf), XJ_DB_S (c->ip),
                                  XJ_DB_I (now),
                                  XJ_DB_I (now + SESSION_SECONDS)),
                    NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
      e = xj_audit_append (db, &actor, "login", "user", c->username, NULL,
                           NULL);
      if (XJ_E_OK != e)
        return e;
      c->result = XJ_E_OK;
    }
  return XJ_E_OK;
}

enum xj_err
xj_user_login (struct xj_db *db, const char *username, const char *password,
               const char *ip, struct xj_user *u, char token_out[65],
               char csrf_out[65], unsigned *delay_ms)
{
  struct login_ctx c = { .username = username, .password = password,
                         .ip = ip };
  enum xj_qs qs;
  enum xj_err e;

  *delay_ms = 0;
  qs = xj_db_q (db, &st_user_auth, XJ_DB_PARAMS (XJ_DB_S (username)),
                &auth_cb, &c.a);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    {
      /* Same work as a real check, so timing does not reveal names. */
      char dummy[XJ_PW_HASH_MAX];

      xj_password_hash (password, dummy);
      return XJ_E_BAD_LOGIN;
    }
  if (c.a.locked_until > xj_now ())
    return XJ_E_LOCKED;
  c.ok = xj_password_verify (c.a.hash, password);
  e = xj_db_txn_run (db, "login", true, &login_write, &c);
  if (XJ_E_OK != e)
    return e;
  *delay_ms = c.delay_ms;
  if (XJ_E_OK != c.result)
    return c.result;
  if (c.a.disabled)
    return XJ_E_USER_DISABLED;
  e = xj_user_load (db, c.a.id, u);
  if (XJ_E_OK != e)
    return e;
  memcpy (token_out, c.token, 65);
  memcpy (csrf_out, c.csrf, 65);
  return XJ_E_OK;
}

struct sess_ctx {
  struct xj_user *u;
  char *csrf;
};

static int
sess_cb (void *cls, const struct xj_db_row *r)
{
  struct sess_ctx *c = cls;

  row_to_user (r, c->u);
  xj_strlcpy (c->csrf, xj_db_text (r, 7), 65);
  return 1;
}

/* Hot path: runs on every authenticated request.  One statement finds the
   live session and its enabled user; teachers need a second for their
   classes.  No caching, so a logout or a disabled user takes effect on
   the very next request. */
enum xj_err
xj_session_get (struct xj_db *db, const char *token, struct xj_user *u,
                char csrf_out[65])
{
  char th[65];
  struct sess_ctx c = { u, csrf_out };
  enum xj_qs qs;

  if (64 != strlen (token))
    return XJ_E_UNAUTHENTICATED;
  token_hash (token, th);
  qs = xj_db_q (db, &st_session_get,
                XJ_DB_PARAMS (XJ_DB_S (th), XJ_DB_I (xj_now ())), &sess_cb, &c);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_UNAUTHENTICATED;
  if (XJ_ROLE_TEACHER == u->role)
    {
      qs = xj_db_q (db, &st_user_classes, XJ_DB_PARAMS (XJ_DB_I (u->id)),
                    &class_cb, u);
      if (qs < 0)
        return XJ_E_UNAUTHENTICATED;
    }
  return XJ_E_OK;
}

enum xj_err
xj_session_delete (struct xj_db *db, const char *token)
{
  char th[65];
  enum xj_qs qs;

  token_hash (token, th);
  qs = xj_db_q (db, &st_session_delete, XJ_DB_PARAMS (XJ_DB_S (th)), NULL,
                NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
