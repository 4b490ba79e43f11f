/* h_users.c -- user administration (list, create, edit, disable, reset a
 * password) and a user's own password change.  The rules (who may manage
 * whom, validation, audit) are src/user/user_admin.c; handlers parse,
 * call one domain function and reply.
 */
#include <string.h>
#include "audit/audit.h"
#include "http/handlers.h"

/* A user as the administration shows it: the session form plus
   disabled. */
static json_t *
admin_user_json (struct xj_req *r, const struct xj_user *u, bool disabled)
{
  json_t *j = xj_user_json (r, u);

  json_object_set_new (j, "disabled", json_boolean (disabled));
  return j;
}

static void
list_cb (void *cls, const struct xj_user *u, bool disabled)
{
  void **c = cls;

  json_array_append_new (c[1], admin_user_json (c[0], u, disabled));
}

enum xj_err
xj_h_users (struct xj_req *r)
{
  json_t *items = json_array ();
  void *c[2] = { r, items };
  enum xj_err e = xj_user_admin_list (r->db, &r->user, &list_cb, c);

  if (XJ_E_OK != e)
    {
      json_decref (items);
      return xj_reply_err (r, e, NULL, NULL);
    }
  xj_reply_json (r, 200, json_pack ("{s:o}", "items", items));
  return XJ_E_OK;
}

/* The optional fields of a user spec from @body; false (reply prepared)
   on a wrong type or an unknown field. */
static bool
parse_spec (struct xj_req *r, json_t *body, struct xj_user_spec *s,
            int *disabled)
{
  const char *role = NULL;
  json_t *school = NULL, *classes = NULL;
  int dis = -1;
  json_error_t jerr;
  size_t i;
  json_t *v;

  memset (s, 0, sizeof *s);
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT,
                           "{s?s, s?s, s?s, s?s, s?s, s?o, s?o, s?b}",
                           "username", &s->username, "display_name",
                           &s->display_name, "password", &s->password,
                           "role", &role, "region_code", &s->region_code,
                           "school_id", &school, "class_ids", &classes,
                           "disabled", &dis))
    {
      xj_reply_err (r, strstr (jerr.text, "unpacked") ? XJ_E_UNKNOWN_FIELD
                                                       : XJ_E_BAD_TYPE,
                    NULL, "%s", jerr.text);
      return false;
    }
  if (disabled)
    *disabled = dis;
  s->role = role ? xj_role_from_name (role) : XJ_ROLE_NONE;
  if (role && XJ_ROLE_NONE == s->role)
    return xj_reply_err (r, XJ_E_CODE, "role",
                         "应为admin、bureau、registrar或teacher"),
           false;
  if (school && ! json_is_null (school) && ! json_is_integer (school))
    return xj_reply_err (r, XJ_E_BAD_TYPE, "school_id", NULL), false;
  s->school_id = json_is_integer (school) ? json_integer_value (school) : 0;
  if (classes && (! json_is_array (classes)
                  || json_array_size (classes) > XJ_USER_MAX_CLASSES))
    return xj_reply_err (r, XJ_E_BAD_TYPE, "class_ids", NULL), false;
  s->classes_set = NULL != classes;
  json_array_foreach (classes, i, v)
    {
      if (! json_is_integer (v))
        return xj_reply_err (r, XJ_E_BAD_TYPE, "class_ids", NULL), false;
      s->class_ids[s->nclasses++] = json_integer_value (v);
    }
  return true;
}

struct admin_ctx {
  struct xj_req *r;
  struct xj_user_spec s;
  struct xj_verrs errs;
  int64_t id;
  int disabled;
  const char *password;
};

static enum xj_err
create_txn (struct xj_db *db, void *cls)
{
  struct admin_ctx *c = cls;

  c->errs.n = 0;
  return xj_user_admin_create (db, &c->r->actor, &c->r->user, &c->s,
                               &c->errs, &c->id);
}

/* Reply with user @id as the list shows it, or the error of @e. */
static enum xj_err
reply_user (struct xj_req *r, struct admin_ctx *c, enum xj_err e,
            unsigned status)
{
  struct xj_user u;
  bool disabled = false;

  if (XJ_E_VALIDATION == e && c->errs.n)
    return xj_reply_verrs (r, &c->errs);
  if (XJ_E_OK == e)
    e = xj_user_load_any (r->db, c->id, &u, &disabled);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  xj_reply_json (r, status, admin_user_json (r, &u, disabled));
  return XJ_E_OK;
}

enum xj_err
xj_h_user_create (struct xj_req *r)
{
  json_t *body;
  struct admin_ctx c = { .r = r };
  enum xj_err e;

  if (XJ_E_OK != xj_req_body_json (r, &body))
    return r->err;
  if (! parse_spec (r, body, &c.s, NULL))
    e = r->err;
  else if (NULL == c.s.username || NULL == c.s.password
           || XJ_ROLE_NONE == c.s.role)
    e = xj_reply_err (r, XJ_E_MISSING_FIELD,
                      NULL == c.s.username ? "username"
                      : NULL == c.s.password ? "password" : "role", NULL);
  else
    e = reply_user (r, &c, xj_db_txn_run (r->db, "user_create", true,
                                          &create_txn, &c), 201);
  json_decref (body);
  return e;
}

/* The {id} of the path and the JSON body; false with the reply
   prepared. */
static bool
user_id_and_body (struct xj_req *r, struct admin_ctx *c, json_t **body)
{
  return XJ_E_OK == xj_req_path_id (r, 0, &c->id)
         && XJ_E_OK == xj_req_body_json (r, body);
}

static enum xj_err
update_txn (struct xj_db *db, void *cls)
{
  struct admin_ctx *c = cls;

  c->errs.n = 0;
  return xj_user_admin_update (db, &c->r->actor, &c->r->user, c->id, &c->s,
                               c->disabled, &c->errs);
}

enum xj_err
xj_h_user_update (struct xj_req *r)
{
  json_t *body;
  struct admin_ctx c = { .r = r };
  enum xj_err e;

  if (! user_id_and_body (r, &c, &body))
    return r->err;
  if (! parse_spec (r, body, &c.s, &c.disabled))
    e = r->err;
  else if (c.s.username || c.s.password)
    e = xj_reply_err (r, XJ_E_UNKNOWN_FIELD,
                      c.s.username ? "username" : "password",
                      "用户名不能修改；密码请用重置密码");
  else
    {
      e = xj_db_txn_run (r->db, "user_update", true, &update_txn, &c);
      if (XJ_E_OK == e && 1 == c.disabled)
        (void) xj_session_end_user (r->auth, c.id, NULL, 0);
      e = reply_user (r, &c, e, 200);
    }
  json_decref (body);
  return e;
}

/* {"password": "..."} (and "old_password" when @old is not NULL). */
static bool
parse_password (struct xj_req *r, json_t *body, const char **pw,
                const char **old)
{
  json_error_t jerr;
  int rc = old ? json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s, s:s}",
                                 "old_password", old, "password", pw)
               : json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s}",
                                 "password", pw);

  if (0 != rc)
    xj_reply_err (r, strstr (jerr.text, "unpacked") ? XJ_E_UNKNOWN_FIELD
                                                     : XJ_E_BAD_TYPE,
                  NULL, "%s", jerr.text);
  else if (strlen (*pw) > XJ_PW_MAX_BYTES
           || (old && strlen (*old) > XJ_PW_MAX_BYTES))
    {
      xj_reply_err (r, XJ_E_TOO_LONG, "password", NULL);
      rc = -1;
    }
  return 0 == rc;
}

/* A policy refusal names the field. */
static enum xj_err
reply_pw_err (struct xj_req *r, enum xj_err e)
{
  bool policy = XJ_E_WEAK_PASSWORD == e || XJ_E_PASSWORD_COMMON == e
                || XJ_E_PASSWORD_USERNAME == e || XJ_E_TOO_LONG == e;

  return xj_reply_err (r, e, policy ? "password" : NULL, NULL);
}

static enum xj_err
reset_txn (struct xj_db *db, void *cls)
{
  struct admin_ctx *c = cls;

  return xj_user_admin_reset (db, &c->r->actor, &c->r->user, c->id,
                              c->password);
}

enum xj_err
xj_h_user_reset_password (struct xj_req *r)
{
  json_t *body;
  struct admin_ctx c = { .r = r };
  enum xj_err e;

  if (! user_id_and_body (r, &c, &body))
    return r->err;
  if (! parse_password (r, body, &c.password, NULL))
    e = r->err;
  else if (XJ_E_OK != (e = xj_db_txn_run (r->db, "user_reset", true,
                                          &reset_txn, &c)))
    e = reply_pw_err (r, e);
  else
    {
      (void) xj_session_end_user (r->auth, c.id, NULL, 0);
      xj_reply_json (r, 204, NULL);
    }
  json_decref (body);
  return e;
}

struct own_ctx {
  struct xj_req *r;
  const char *password;
  int64_t epoch;
};

static enum xj_err
own_txn (struct xj_db *db, void *cls)
{
  struct own_ctx *c = cls;

  return xj_user_change_own (db, &c->r->actor, &c->r->user, c->password,
                             &c->epoch);
}

/* Check the old password (throttled like a log-in), apply the policy,
   store, and end the user's other sessions; this one stays. */
enum xj_err
xj_h_session_password (struct xj_req *r)
{
  json_t *body;
  const char *old = NULL;
  struct own_ctx c = { .r = r };
  enum xj_err e;

  if (XJ_E_OK != xj_req_body_json (r, &body))
    return r->err;
  if (! parse_password (r, body, &c.password, &old))
    e = r->err;
  else if (XJ_E_OK != (e = xj_password_policy (r->user.username,
                                               c.password)))
    e = reply_pw_err (r, e);
  else if (XJ_E_OK != (e = xj_login_recheck (r->auth, r->db,
                                             r->user.username, old, r->ip,
                                             &r->retry_after)))
    e = xj_reply_err (r, e, XJ_E_BAD_OLD_PASSWORD == e ? "old_password"
                                                       : NULL, NULL);
  else if (XJ_E_OK != (e = xj_db_txn_run (r->db, "password_change", true,
                                          &own_txn, &c)))
    e = reply_pw_err (r, e);
  else
    {
      e = xj_session_end_user (r->auth, r->user.id, r->session_token,
                               c.epoch);
      if (XJ_E_OK == e)
        xj_reply_json (r, 204, NULL);
    }
  json_decref (body);
  return e;
}
