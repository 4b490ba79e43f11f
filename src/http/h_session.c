/* h_session.c -- log in, who am I, log out. */
#include <string.h>
#include "audit/audit.h"
#include "http/handlers.h"
#include "user/reveal.h"

/* The user as the UI sees it, with scope names. */
json_t *
xj_user_json (struct xj_req *r, const struct xj_user *u)
{
  json_t *classes = json_array ();
  char region_name[200] = "";
  char school_name[200] = "";
  struct xj_privacy p;
  unsigned rights = 0;

  for (unsigned i = 0; i < u->nclasses; i++)
    json_array_append_new (classes, json_integer (u->class_ids[i]));
  xj_scope_names (r->db, u, region_name, sizeof region_name, school_name,
                  sizeof school_name);
  /* what this user may see in full (reveal, export, print): the UI
     offers only that */
  if (XJ_E_OK == xj_privacy_get (r->db, &p))
    rights = xj_reveal_rights (&p, u);
  return json_pack ("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o}",
                    "id", (json_int_t) u->id, "username", u->username,
                    "display_name", u->display_name, "role",
                    xj_role_name (u->role), "region_code", u->region_code,
                    "region_name", region_name, "school_id",
                    u->school_id ? json_integer (u->school_id) : json_null (),
                    "school_name", school_name,
                    "class_ids", classes, "reveal", xj_pii_json (rights));
}

enum xj_err
xj_h_session_login (struct xj_req *r)
{
  json_t *body;
  const char *username = NULL, *password = NULL;
  char token[65], csrf[65], cookie[200];
  json_error_t jerr;
  enum xj_err e;

  if (XJ_E_OK != xj_req_body_json (r, &body))
    return r->err;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s, s:s}",
                           "username", &username, "password", &password))
    {
      json_decref (body);
      return xj_reply_err (r, XJ_E_BAD_TYPE, NULL, "%s", jerr.text);
    }
  if (strlen (username) > 60 || strlen (password) > 200)
    {
      json_decref (body);
      return xj_reply_err (r, XJ_E_BAD_LOGIN, NULL, NULL);
    }
  e = xj_user_login (r->db, username, password, r->ip, &r->user, token, csrf,
                     &r->delay_ms);
  json_decref (body);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  r->authed = true;
  xj_snprintf (cookie, sizeof cookie,
               "xj_session=%s; Path=/; HttpOnly; SameSite=Strict", token);
  r->set_cookie = xj_strdup (cookie);
  xj_reply_json (r, 200, json_pack ("{s:o, s:s}", "user",
                                    xj_user_json (r, &r->user),
                                    "csrf_token", csrf));
  return XJ_E_OK;
}

enum xj_err
xj_h_session_get (struct xj_req *r)
{
  xj_reply_json (r, 200, json_pack ("{s:o, s:s}", "user",
                                    xj_user_json (r, &r->user),
                                    "csrf_token", r->csrf));
  return XJ_E_OK;
}

static enum xj_err
logout_txn (struct xj_db *db, void *cls)
{
  struct xj_req *r = cls;
  enum xj_err e = xj_session_delete (db, r->session_token);

  if (XJ_E_OK != e)
    return e;
  return xj_audit_append (db, &r->actor, "logout", "user", r->user.username,
                          NULL, NULL);
}

enum xj_err
xj_h_session_delete (struct xj_req *r)
{
  enum xj_err e = xj_db_txn_run (r->db, "logout", true, &logout_txn, r);

  if (XJ_E_OK != e)
    return e;
  r->set_cookie = xj_strdup ("xj_session=; Path=/; HttpOnly; SameSite=Strict;"
                             " Max-Age=0");
  xj_reply_json (r, 204, NULL);
  return XJ_E_OK;
}
