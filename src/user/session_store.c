/* session_store.c -- log-in, sessions and log-in throttling, kept in the
 * auth store (a second SQLite file, "<db>-auth") so that the registry's
 * writer lock, held for minutes by a large import, never holds them up.
 * The registry is only read here (users, settings: WAL readers never
 * wait), except by xj_auth_log_copy, which moves log-in/log-out entries
 * into the hash-chained audit_log when the writer lock is free.
 * See docs/internals/sessions.md.
 *
 * Session tokens are 32 random bytes; only their SHA-256 is stored, so a
 * copy of the files cannot be used to log in.
 */
#include <sodium.h>
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"
#include "user/session_sql.h"
#include "user/user.h"

#define SESSION_SECONDS (12 * 3600)  /* absolute lifetime */
#define TOUCH_SECONDS 30             /* last_seen granularity */
#define LOCK_AFTER 10                /* failures per user and address */
#define SLOW_AFTER 5
#define LOCK_SECONDS (15 * 60)
#define ADDRESS_WINDOW (15 * 60)     /* per-address failure window */

XJ_DB_AUTH_STMT (st_as_insert,
                 "INSERT INTO sessions (token_hash, user_id, epoch, csrf, ip,"
                 " created_at, last_seen, expires_at)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $6, $7)")
/* The session with its user (enabled) and the idle timeout, in one
   statement: every authenticated request runs it, and on PostgreSQL each
   statement is a round trip.  The registry's users and settings are read
   through the auth connection: on PostgreSQL the auth tables share the
   registry's database, on SQLite the auth connection has the registry
   attached read-only (docs/internals/sessions.md).  The columns and
   clauses are session_sql.h's, which a store's statement reading
   something beside the session shares (xj_session_get_with). */
XJ_DB_AUTH_STMT (st_as_get,
                 "SELECT " XJ_SESSION_COLS " FROM " XJ_SESSION_FROM
                 " WHERE " XJ_SESSION_WHERE)
XJ_DB_AUTH_STMT (st_as_touch,
                 "UPDATE sessions SET last_seen = $2 WHERE token_hash = $1")
XJ_DB_AUTH_STMT (st_as_delete, "DELETE FROM sessions WHERE token_hash = $1")
XJ_DB_AUTH_STMT (st_as_end_user,
                 "DELETE FROM sessions WHERE user_id = $1"
                 " AND token_hash <> coalesce($2, '')")
XJ_DB_AUTH_STMT (st_as_keep,
                 "UPDATE sessions SET epoch = $2 WHERE token_hash = $1")
XJ_DB_AUTH_STMT (st_as_expire,
                 "DELETE FROM sessions WHERE expires_at <= $1")
XJ_DB_AUTH_STMT (st_lf_get,
                 "SELECT failed, locked_until FROM login_failures"
                 " WHERE username = $1 AND ip = $2")
/* One attempt reserved: the count goes up inside the transaction before
   the password is checked, so parallel guesses cannot overtake it. */
XJ_DB_AUTH_STMT (st_lf_bump,
                 "INSERT INTO login_failures (username, ip, failed)"
                 " VALUES ($1, $2, 1) ON CONFLICT (username, ip)"
                 " DO UPDATE SET failed = login_failures.failed + 1"
                 " RETURNING failed")
XJ_DB_AUTH_STMT (st_lf_lock,
                 "UPDATE login_failures SET failed = 0, locked_until = $3"
                 " WHERE username = $1 AND ip = $2")
XJ_DB_AUTH_STMT (st_lf_clear,
                 "DELETE FROM login_failures WHERE username = $1 AND ip = $2")
XJ_DB_AUTH_STMT (st_la_get,
                 "SELECT window_start, failed FROM login_addresses"
                 " WHERE ip = $1")
XJ_DB_AUTH_STMT (st_la_bump,
                 "INSERT INTO login_addresses (ip, window_start, failed)"
                 " VALUES ($1, $2, 1) ON CONFLICT (ip) DO UPDATE SET"
                 " failed = CASE WHEN login_addresses.window_start <= $2 - $3"
                 " THEN 1 ELSE login_addresses.failed + 1 END,"
                 " window_start = CASE WHEN login_addresses.window_start"
                 " <= $2 - $3 THEN $2 ELSE login_addresses.window_start END")
XJ_DB_AUTH_STMT (st_la_undo,
                 "UPDATE login_addresses"
                 " SET failed = CASE WHEN failed > 0 THEN failed - 1 ELSE 0 END"
                 " WHERE ip = $1")
XJ_DB_AUTH_STMT (st_al_insert,
                 "INSERT INTO auth_log (at, user_id, username, ip, action)"
                 " VALUES ($1, $2, $3, $4, $5)")
XJ_DB_AUTH_STMT (st_al_after,
                 "SELECT id, user_id, username, ip, action, at FROM auth_log"
                 " WHERE id > $1 ORDER BY id LIMIT 500")
XJ_DB_AUTH_STMT (st_al_max, "SELECT coalesce (max (id), 0) FROM auth_log")
XJ_DB_STMT (st_alc_get, "SELECT last_id FROM auth_log_copied")
XJ_DB_STMT (st_alc_set, "UPDATE auth_log_copied SET last_id = $1")

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

static enum xj_err
auth_log (struct xj_db *auth, int64_t user_id, const char *username,
          const char *ip, const char *action)
{
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (auth, &st_al_insert,
                XJ_DB_PARAMS (XJ_DB_S (at), XJ_DB_I (user_id),
                              XJ_DB_S (username), XJ_DB_S (ip),
                              XJ_DB_S (action)),
                NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- throttling ---- */

/* One log-in attempt between reserve and record. */
struct attempt {
  const char *username, *ip;
  int address_failures;     /* limit (settings) */
  int64_t n;                /* this attempt's number since the last success */
  bool ok;                  /* password right and user enabled */
  struct xj_user_auth ua;
  enum xj_err result;
  unsigned retry_after;
};

static int
pair_cb (void *cls, const struct xj_db_row *r)
{
  int64_t *v = cls;

  v[0] = xj_db_int (r, 0);
  v[1] = xj_db_int (r, 1);
  return 1;
}

/* Refuse an address past its failures in the window, or a locked user
   name at this address; otherwise count the attempt as failed until it
   succeeds. */
static enum xj_err
reserve_txn (struct xj_db *auth, void *cls)
{
  struct attempt *a = cls;
  int64_t now = xj_now ();
  int64_t v[2] = { 0, 0 };
  enum xj_qs qs;

  qs = xj_db_q (auth, &st_la_get, XJ_DB_PARAMS (XJ_DB_S (a->ip)), &pair_cb, v);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (qs > 0 && v[0] > now - ADDRESS_WINDOW && v[1] >= a->address_failures)
    {
      a->result = XJ_E_LOGIN_RATE;
      a->retry_after = (unsigned) (v[0] + ADDRESS_WINDOW - now);
      return XJ_E_OK;
    }
  v[0] = v[1] = 0;
  qs = xj_db_q (auth, &st_lf_get,
                XJ_DB_PARAMS (XJ_DB_S (a->username), XJ_DB_S (a->ip)),
                &pair_cb, v);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (v[1] > now)
    {
      a->result = XJ_E_LOCKED;
      a->retry_after = (unsigned) (v[1] - now);
      return XJ_E_OK;
    }
  qs = xj_db_q (auth, &st_la_bump,
                XJ_DB_PARAMS (XJ_DB_S (a->ip), XJ_DB_I (now),
                              XJ_DB_I (ADDRESS_WINDOW)),
                NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  qs = xj_db_q (auth, &st_lf_bump,
                XJ_DB_PARAMS (XJ_DB_S (a->username), XJ_DB_S (a->ip)),
                &xj_db_int64_cb, &a->n);
  if (qs < 0)
    return xj_db_qs_err (qs);
  a->result = XJ_E_OK;
  /* The LOCK_AFTER-th attempt locks at once, before its check: parallel
     attempts behind it are refused unchecked.  If it succeeds, the
     success clears the lock. */
  if (a->n >= LOCK_AFTER)
    {
      qs = xj_db_q (auth, &st_lf_lock,
                    XJ_DB_PARAMS (XJ_DB_S (a->username), XJ_DB_S (a->ip),
                                  XJ_DB_I (now + LOCK_SECONDS)),
                    NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  return XJ_E_OK;
}

/* A failed attempt: log it (the LOCK_AFTER-th as login_locked). */
static enum xj_err
record_failure (struct xj_db *auth, struct attempt *a, const char *what)
{
  bool lock = a->n >= LOCK_AFTER;   /* locked by reserve_txn */

  a->result = lock ? XJ_E_LOCKED : XJ_E_BAD_LOGIN;
  a->retry_after = lock ? LOCK_SECONDS : 0;
  return auth_log (auth, a->ua.id, a->username, a->ip,
                   lock ? "login_locked" : what);
}

/* A success: the counters of this user and address start again. */
static enum xj_err
record_success (struct xj_db *auth, struct attempt *a)
{
  enum xj_qs qs;

  qs = xj_db_q (auth, &st_lf_clear,
                XJ_DB_PARAMS (XJ_DB_S (a->username), XJ_DB_S (a->ip)), NULL,
                NULL);
  if (qs >= 0)
    qs = xj_db_q (auth, &st_la_undo, XJ_DB_PARAMS (XJ_DB_S (a->ip)), NULL,
                  NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* Reserve an attempt, look the user up in the registry (a read) and check
   the password in a hashing slot.  a->result is the outcome; the caller
   records it.  Same work whether the user exists, is disabled or not. */
static enum xj_err
check_password (struct xj_db *auth, struct xj_db *db, struct attempt *a,
                const char *password)
{
  bool found = false;
  enum xj_err e;

  if (! xj_password_slot_take ())
    {
      a->result = XJ_E_LOGIN_BUSY;
      a->retry_after = 1;
      return XJ_E_OK;
    }
  e = xj_db_txn_run (auth, "login_reserve", true, &reserve_txn, a);
  if (XJ_E_OK == e && XJ_E_OK == a->result)
    e = xj_user_auth_get (db, a->username, &a->ua, &found);
  if (XJ_E_OK == e && XJ_E_OK == a->result)
    {
      a->ok = xj_password_check (found ? a->ua.hash : NULL, password)
              && ! a->ua.disabled;
      if (! found)
        a->ua.id = 0;
    }
  xj_password_slot_give ();
  return e;
}

static unsigned
failure_delay (const struct attempt *a)
{
  return a->n > SLOW_AFTER ? (unsigned) (a->n - SLOW_AFTER) * 250u : 0;
}

/* ---- log-in ---- */

struct login_ctx {
  struct attempt a;
  struct xj_login *l;
};

static enum xj_err
login_record_txn (struct xj_db *auth, void *cls)
{
  struct login_ctx *c = cls;
  struct xj_login *l = c->l;
  int64_t now = xj_now ();
  char th[65];
  enum xj_qs qs;
  enum xj_err e;

  if (! c->a.ok)
    return record_failure (auth, &c->a, "login_failed");
  if (XJ_E_OK != (e = record_success (auth, &c->a)))
    return e;
  random_hex (l->token);
  random_hex (l->csrf);
  token_hash (l->token, th);
  qs = xj_db_q (auth, &st_as_expire, XJ_DB_PARAMS (XJ_DB_I (now)), NULL,
                NULL);
  if (qs >= 0)
    qs = xj_db_q (auth, &st_as_insert,
                  XJ_DB_PARAMS (XJ_DB_S (th), XJ_DB_I (c->a.ua.id),
                                XJ_DB_I (c->a.ua.epoch), XJ_DB_S (l->csrf),
                                XJ_DB_S (l->ip), XJ_DB_I (now),
                                XJ_DB_I (now + SESSION_SECONDS)),
                  NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  c->a.result = XJ_E_OK;
  return auth_log (auth, c->a.ua.id, l->username, l->ip, "login");
}

enum xj_err
xj_user_login (struct xj_db *auth, struct xj_db *db, struct xj_login *l)
{
  struct xj_auth_settings set;
  struct login_ctx c = { .l = l };
  enum xj_err e;

  l->delay_ms = 0;
  l->retry_after = 0;
  if (XJ_E_OK != (e = xj_auth_settings_get (db, &set)))
    return e;
  c.a.username = l->username;
  c.a.ip = l->ip;
  c.a.address_failures = set.address_failures;
  e = check_password (auth, db, &c.a, l->password);
  if (XJ_E_OK == e && XJ_E_OK == c.a.result)
    e = xj_db_txn_run (auth, "login_record", true, &login_record_txn, &c);
  if (XJ_E_OK != e)
    return e;
  l->retry_after = c.a.retry_after;
  if (XJ_E_OK != c.a.result)
    {
      l->delay_ms = failure_delay (&c.a);
      return c.a.result;
    }
  return xj_user_load (db, c.a.ua.id, &l->user);
}

static enum xj_err
recheck_record_txn (struct xj_db *auth, void *cls)
{
  struct attempt *a = cls;

  if (! a->ok)
    return record_failure (auth, a, "password_check_failed");
  return record_success (auth, a);
}

enum xj_err
xj_login_recheck (struct xj_db *auth, struct xj_db *db, const char *username,
                  const char *password, const char *ip, unsigned *retry_after)
{
  struct xj_auth_settings set;
  struct attempt a = { .username = username, .ip = ip };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_auth_settings_get (db, &set)))
    return e;
  a.address_failures = set.address_failures;
  e = check_password (auth, db, &a, password);
  if (XJ_E_OK == e && XJ_E_OK == a.result)
    e = xj_db_txn_run (auth, "login_recheck", true, &recheck_record_txn, &a);
  if (XJ_E_OK != e)
    return e;
  *retry_after = a.retry_after;
  if (XJ_E_BAD_LOGIN == a.result)
    return XJ_E_BAD_OLD_PASSWORD;
  return a.result;
}

/* ---- sessions ---- */

struct sess_row {
  struct xj_user *u;
  int64_t now, user_epoch, epoch, last_seen;
  char *csrf;
  struct xj_auth_settings set;
  const struct xj_session_read *rd;   /* NULL: the session only */
};

/* Whether the session row @s still holds: not idle longer than the
   setting allows, the user's epoch unchanged (a password change, a reset
   or disabling moved it). */
static bool
sess_alive (const struct sess_row *s)
{
  return s->now - s->last_seen <= (int64_t) s->set.idle_minutes * 60
         && s->user_epoch == s->epoch;
}

/* The session's columns (session_sql.h), then, for a live session, the
   joined read's (xj_session_get_with). */
static int
sess_cb (void *cls, const struct xj_db_row *r)
{
  struct sess_row *s = cls;
  struct xj_db_row_tail tail;

  xj_user_from_row (r, s->u);
  s->user_epoch = xj_db_int (r, 6);
  s->epoch = xj_db_int (r, 7);
  xj_strlcpy (s->csrf, xj_db_text (r, 8), 65);
  s->last_seen = xj_db_int (r, 9);
  xj_auth_setting_apply (&s->set, "session_idle_minutes", xj_db_text (r, 10));
  if (s->rd && sess_alive (s))
    s->rd->cb (s->rd->cls, xj_db_row_tail (r, XJ_SESSION_NCOLS, &tail));
  return 1;
}

/* Hot path: runs on every authenticated request.  One read (the session,
   its user and the idle setting, and @rd's read if given: st_as_get or
   @rd->st), a second for a teacher's classes; a write only every
   TOUCH_SECONDS for the idle timeout.  No caching, so a logout, a
   password change or a disabled user takes effect on the next request. */
enum xj_err
xj_session_get_with (struct xj_db *auth, struct xj_db *db, const char *token,
                     struct xj_user *u, char csrf_out[65],
                     const struct xj_session_read *rd)
{
  struct sess_row s = { .u = u, .now = xj_now (), .csrf = csrf_out,
                        .rd = rd };
  char th[65];
  enum xj_qs qs;

  if (64 != strlen (token))
    return XJ_E_UNAUTHENTICATED;
  token_hash (token, th);
  xj_auth_settings_default (&s.set);
  /* $3 only for @rd's statement (st_as_get takes two) */
  qs = xj_db_q (auth, rd ? rd->st : &st_as_get,
                XJ_DB_PARAMS (XJ_DB_S (th), XJ_DB_I (s.now),
                              rd ? rd->param : XJ_DB_END),
                &sess_cb, &s);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs || ! sess_alive (&s))
    {
      memset (u, 0, sizeof *u);
      return XJ_E_UNAUTHENTICATED;
    }
  if (s.now - s.last_seen >= TOUCH_SECONDS)
    (void) xj_db_q (auth, &st_as_touch,
                    XJ_DB_PARAMS (XJ_DB_S (th), XJ_DB_I (s.now)), NULL, NULL);
  return xj_user_load_classes (db, u);
}

enum xj_err
xj_session_get (struct xj_db *auth, struct xj_db *db, const char *token,
                struct xj_user *u, char csrf_out[65])
{
  return xj_session_get_with (auth, db, token, u, csrf_out, NULL);
}

struct logout_ctx {
  const char *th;
  const struct xj_user *u;
  const char *ip;
};

static enum xj_err
logout_txn (struct xj_db *auth, void *cls)
{
  struct logout_ctx *c = cls;
  enum xj_qs qs = xj_db_q (auth, &st_as_delete,
                           XJ_DB_PARAMS (XJ_DB_S (c->th)), NULL, NULL);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return auth_log (auth, c->u->id, c->u->username, c->ip, "logout");
}

enum xj_err
xj_session_logout (struct xj_db *auth, const char *token,
                   const struct xj_user *u, const char *ip)
{
  char th[65];
  struct logout_ctx c = { th, u, ip };

  token_hash (token, th);
  return xj_db_txn_run (auth, "logout", true, &logout_txn, &c);
}

struct end_ctx {
  int64_t user_id, epoch;
  const char *keep;   /* token hash or NULL */
};

static enum xj_err
end_user_txn (struct xj_db *auth, void *cls)
{
  struct end_ctx *c = cls;
  enum xj_qs qs = xj_db_q (auth, &st_as_end_user,
                           XJ_DB_PARAMS (XJ_DB_I (c->user_id),
                                         XJ_DB_S (c->keep)),
                           NULL, NULL);

  if (qs >= 0 && c->keep)
    qs = xj_db_q (auth, &st_as_keep,
                  XJ_DB_PARAMS (XJ_DB_S (c->keep), XJ_DB_I (c->epoch)), NULL,
                  NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_session_end_user (struct xj_db *auth, int64_t user_id,
                     const char *keep_token, int64_t epoch)
{
  char th[65];
  struct end_ctx c = { user_id, epoch, NULL };

  if (keep_token)
    {
      token_hash (keep_token, th);
      c.keep = th;
    }
  return xj_db_txn_run (auth, "sessions_end", true, &end_user_txn, &c);
}

/* ---- copying the auth log into audit_log ---- */

struct copy_ctx {
  struct xj_db *auth;
  int64_t last;
  enum xj_err err;
  struct xj_db *db;
};

static int
last_cb (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 1;
}

/* One auth_log row: append it to audit_log (the log-in time in "after"). */
static int
copy_row_cb (void *cls, const struct xj_db_row *r)
{
  struct copy_ctx *c = cls;
  struct xj_actor actor = { xj_db_int (r, 1), xj_db_text (r, 2),
                            xj_db_text (r, 3) };
  char after[80];

  xj_snprintf (after, sizeof after, "{\"at\":\"%s\"}", xj_db_text (r, 5));
  c->err = xj_audit_append (c->db, &actor, xj_db_text (r, 4), "user",
                            xj_db_text (r, 2), NULL, after);
  if (XJ_E_OK != c->err)
    return 1;
  c->last = xj_db_int (r, 0);
  return 0;
}

/* In a registry write transaction: the mark is read under the writer
   lock, so two copiers cannot both copy the same rows. */
static enum xj_err
copy_txn (struct xj_db *db, void *cls)
{
  struct copy_ctx *c = cls;
  enum xj_qs qs;

  c->db = db;
  c->err = XJ_E_OK;
  qs = xj_db_q (db, &st_alc_get, XJ_DB_NOPARAMS, &last_cb, &c->last);
  if (qs < 0)
    return xj_db_qs_err (qs);
  qs = xj_db_q (c->auth, &st_al_after, XJ_DB_PARAMS (XJ_DB_I (c->last)),
                &copy_row_cb, c);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_E_OK != c->err)
    return c->err;
  qs = xj_db_q (db, &st_alc_set, XJ_DB_PARAMS (XJ_DB_I (c->last)), NULL,
                NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_auth_log_copy (struct xj_db *auth, struct xj_db *db, bool wait)
{
  struct copy_ctx c = { .auth = auth };
  int64_t last = 0, max = 0;
  enum xj_qs qs;

  /* Reads first: no write transaction when there is nothing to copy. */
  qs = xj_db_q (db, &st_alc_get, XJ_DB_NOPARAMS, &last_cb, &last);
  if (qs >= 0)
    qs = xj_db_q (auth, &st_al_max, XJ_DB_NOPARAMS, &last_cb, &max);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (max <= last)
    return XJ_E_OK;
  return wait ? xj_db_txn_run (db, "auth_log_copy", true, &copy_txn, &c)
              : xj_db_txn_try (db, "auth_log_copy", &copy_txn, &c);
}
