/* h_session.c -- log in, who am I, log out. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* Is the body declared JSON?  A cross-origin form or fetch without
   preflight can only send text/plain, form or multipart bodies. */
static bool
body_is_json (struct xj_req *r)
{
  const char *ct = xj_req_header (r, "Content-Type");
  size_t n = strlen ("application/json");

  return NULL != ct && 0 == strncasecmp (ct, "application/json", n)
         && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The session cookie (Secure behind TLS); @token NULL clears it. */
static void
set_session_cookie (struct xj_req *r, const char *token)
{
  char cookie[200];

  xj_snprintf (cookie, sizeof cookie,
               "xj_session=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
               token ? token : "",
               xj_req_secure_cookies (r) ? "; Secure" : "",
               token ? "" : "; Max-Age=0");
  free (r->set_cookie);
  r->set_cookie = xj_strdup (cookie);
}

/* Move the new log-in/log-out entries into audit_log now if the
   registry's writer lock is free; otherwise the copier thread does it. */
static void
copy_auth_log (struct xj_req *r)
{
  if (XJ_E_OK != xj_auth_log_copy (r->auth, r->db, false))
    xj_auth_copier_kick ();
}

enum xj_err
xj_h_session_login (struct xj_req *r)
{
  json_t *body;
  struct xj_login l = { .ip = r->ip };
  json_error_t jerr;
  enum xj_err e;

  if (! body_is_json (r))
    return xj_reply_err (r, XJ_E_NEED_JSON, NULL, NULL);
  if (XJ_E_OK != xj_req_body_json (r, &body))
    return r->err;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s, s:s}",
                           "username", &l.username, "password", &l.password))
    {
      json_decref (body);
      return xj_reply_err (r, XJ_E_BAD_TYPE, NULL, "%s", jerr.text);
    }
  if (strlen (l.username) > 60 || strlen (l.password) > XJ_PW_MAX_BYTES)
    {
      json_decref (body);
      return xj_reply_err (r, XJ_E_BAD_LOGIN, NULL, NULL);
    }
  e = xj_user_login (r->auth, r->db, &l);
  json_decref (body);
  r->delay_ms = l.delay_ms;
  r->retry_after = l.retry_after;
  copy_auth_log (r);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  r->user = l.user;
  r->authed = true;
  set_session_cookie (r, l.token);
  xj_reply_json (r, 200, json_pack ("{s:o, s:s}", "user",
                                    xj_user_json (r, &r->user),
                                    "csrf_token", l.csrf));
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

enum xj_err
xj_h_session_delete (struct xj_req *r)
{
  enum xj_err e = xj_session_logout (r->auth, r->session_token, &r->user,
                                     r->ip);

  if (XJ_E_OK != e)
    return e;
  copy_auth_log (r);
  set_session_cookie (r, NULL);
  xj_reply_json (r, 204, NULL);
  return XJ_E_OK;
}
