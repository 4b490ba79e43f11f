/* user_store.c -- the users table of the registry and the settings of
 * accounts.  Sessions and log-in throttling live in the auth store
 * (session_store.c); hashing and the password policy in password.c.
 */
#include <string.h>
#include "core/util.h"
#include "user/user.h"

XJ_DB_STMT (st_user_insert,
            "INSERT INTO users (username, display_name, pw_hash, role,"
            " region_code, school_id, created_at) VALUES ($1, $2, $3, $4, $5,"
            " $6, $7) RETURNING id")
XJ_DB_STMT (st_user_setpw,
            "UPDATE users SET pw_hash = $2, session_epoch = session_epoch + 1"
            " WHERE username = $1 RETURNING session_epoch")
XJ_DB_STMT (st_user_disable,
            "UPDATE users SET disabled = $2,"
            " session_epoch = session_epoch + $2 WHERE id = $1")
XJ_DB_STMT (st_user_update,
            "UPDATE users SET display_name = $2, role = $3, region_code = $4,"
            " school_id = $5 WHERE id = $1")
XJ_DB_STMT (st_user_noclasses, "DELETE FROM user_classes WHERE user_id = $1")
XJ_DB_STMT (st_auth_settings,
            "SELECT key, value FROM settings WHERE key IN"
            " ('session_idle_minutes', 'login_address_failures',"
            " 'bureau_manages_users')")
XJ_DB_STMT (st_user_addclass,
            "INSERT INTO user_classes (user_id, class_id) VALUES ($1, $2)"
            " ON CONFLICT DO NOTHING")
XJ_DB_STMT (st_user_get,
            "SELECT id, username, display_name, role, coalesce(region_code, ''),"
            " coalesce(school_id, 0), disabled FROM users WHERE id = $1")
XJ_DB_STMT (st_user_classes,
            "SELECT class_id FROM user_classes WHERE user_id = $1 ORDER BY class_id")
XJ_DB_STMT (st_user_all,
            "SELECT id, username, display_name, role, coalesce(region_code, ''),"
            " coalesce(school_id, 0), disabled FROM users ORDER BY id")
XJ_DB_STMT (st_user_auth,
            "SELECT id, pw_hash, disabled, session_epoch FROM users"
            " WHERE username = $1")

enum xj_err
xj_user_create (struct xj_db *db, const struct xj_user_new *n, int64_t *id)
{
  char hash[XJ_PW_HASH_MAX];
  char at[32];
  enum xj_qs qs;

  enum xj_err e;

  if (XJ_ROLE_NONE == n->role)
    return XJ_E_USAGE;
  if (XJ_E_OK != (e = xj_password_policy (n->username, n->password)))
    return e;
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
                &xj_db_int64_cb, id);
  if (XJ_QS_UNIQUE == qs)
    return XJ_E_USER_EXISTS;
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_E_OK;
}

static int
epoch_cb (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 1;
}

enum xj_err
xj_user_set_password (struct xj_db *db, const char *username,
                      const char *password, int64_t *epoch)
{
  char hash[XJ_PW_HASH_MAX];
  int64_t ep = 0;
  enum xj_qs qs;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_password_policy (username, password)))
    return e;
  if (XJ_E_OK != xj_password_hash (password, hash))
    return XJ_E_INTERNAL;
  qs = xj_db_q (db, &st_user_setpw,
                XJ_DB_PARAMS (XJ_DB_S (username), XJ_DB_S (hash)), &epoch_cb,
                &ep);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (epoch)
    *epoch = ep;
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_user_set_disabled (struct xj_db *db, int64_t id, bool disabled)
{
  enum xj_qs qs = xj_db_q (db, &st_user_disable,
                           XJ_DB_PARAMS (XJ_DB_I (id),
                                         XJ_DB_I (disabled ? 1 : 0)),
                           NULL, NULL);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_user_update (struct xj_db *db, int64_t id, const struct xj_user_new *n)
{
  enum xj_qs qs = xj_db_q (
    db, &st_user_update,
    XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (n->display_name),
                  XJ_DB_S (xj_role_name (n->role)), XJ_DB_SE (n->region_code),
                  n->school_id ? XJ_DB_I (n->school_id) : XJ_DB_NUL),
    NULL, NULL);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_user_clear_classes (struct xj_db *db, int64_t user_id)
{
  enum xj_qs qs = xj_db_q (db, &st_user_noclasses,
                           XJ_DB_PARAMS (XJ_DB_I (user_id)), NULL, NULL);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
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

void
xj_user_from_row (const struct xj_db_row *r, struct xj_user *u)
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

  xj_user_from_row (r, c->u);
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
xj_user_load_classes (struct xj_db *db, struct xj_user *u)
{
  enum xj_qs qs;

  if (XJ_ROLE_TEACHER != u->role)
    return XJ_E_OK;
  qs = xj_db_q (db, &st_user_classes, XJ_DB_PARAMS (XJ_DB_I (u->id)),
                &class_cb, u);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_user_load_any (struct xj_db *db, int64_t id, struct xj_user *u,
                  bool *disabled)
{
  struct load_ctx c = { u, false };
  enum xj_qs qs = xj_db_q (db, &st_user_get, XJ_DB_PARAMS (XJ_DB_I (id)),
                           &load_cb, &c);

  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_NOT_FOUND;
  *disabled = c.disabled;
  return xj_user_load_classes (db, u);
}

enum xj_err
xj_user_load (struct xj_db *db, int64_t id, struct xj_user *u)
{
  bool disabled = false;
  enum xj_err e = xj_user_load_any (db, id, u, &disabled);

  if (XJ_E_OK == e && disabled)
    return XJ_E_USER_DISABLED;
  return e;
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

  xj_user_from_row (r, &u);
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

static int
auth_cb (void *cls, const struct xj_db_row *r)
{
  struct xj_user_auth *a = cls;

  a->id = xj_db_int (r, 0);
  xj_strlcpy (a->hash, xj_db_text (r, 1), sizeof a->hash);
  a->disabled = 0 != xj_db_int (r, 2);
  a->epoch = xj_db_int (r, 3);
  return 1;
}

enum xj_err
xj_user_auth_get (struct xj_db *db, const char *username,
                  struct xj_user_auth *a, bool *found)
{
  enum xj_qs qs;

  memset (a, 0, sizeof *a);
  qs = xj_db_q (db, &st_user_auth, XJ_DB_PARAMS (XJ_DB_S (username)),
                &auth_cb, a);
  if (qs < 0)
    return xj_db_qs_err (qs);
  *found = XJ_QS_NONE != qs;
  return XJ_E_OK;
}

void
xj_auth_settings_default (struct xj_auth_settings *s)
{
  s->idle_minutes = 30;
  s->address_failures = 100;
  s->bureau_manages_users = false;
}

void
xj_auth_setting_apply (struct xj_auth_settings *s, const char *key,
                       const char *value)
{
  int64_t v;

  if (! xj_parse_i64 (value, &v) || v < 0 || v > 1000000)
    return;
  if (0 == strcmp (key, "session_idle_minutes") && v > 0)
    s->idle_minutes = (int) v;
  else if (0 == strcmp (key, "login_address_failures") && v > 0)
    s->address_failures = (int) v;
  else if (0 == strcmp (key, "bureau_manages_users"))
    s->bureau_manages_users = 0 != v;
}

static int
settings_cb (void *cls, const struct xj_db_row *r)
{
  xj_auth_setting_apply (cls, xj_db_text (r, 0), xj_db_text (r, 1));
  return 0;
}

enum xj_err
xj_auth_settings_get (struct xj_db *db, struct xj_auth_settings *out)
{
  enum xj_qs qs;

  xj_auth_settings_default (out);
  qs = xj_db_q (db, &st_auth_settings, XJ_DB_NOPARAMS, &settings_cb, out);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
