/* h_yearend.c -- /api/v1/yearend: preview, apply and roll back the
 * year-end promotion of one school or every school of a county
 * (src/change/yearend.c).  Registrars act on their own school; bureau
 * users on schools and counties inside their region; administrators
 * anywhere.  Anything outside the caller's scope answers 404.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "http/handlers.h"
#include "school/school.h"

struct ye_ctx {
  struct xj_yearend_scope sc;
  bool apply;
  int64_t run_id;
  const struct xj_actor *a;
  json_t *out;
};

static enum xj_err
run_txn (struct xj_db *db, void *cls)
{
  struct ye_ctx *c = cls;

  json_decref (c->out);
  c->out = NULL;
  if (c->run_id)
    return xj_yearend_rollback (db, c->run_id, c->a, &c->out);
  return xj_yearend_run (db, &c->sc, c->apply, c->a, &c->out);
}

static bool
county_ok (const char *s)
{
  if (NULL == s || 6 != strlen (s))
    return false;
  for (int i = 0; i < 6; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

static enum xj_err
run (struct xj_req *r, bool apply)
{
  json_t *body = NULL;
  json_error_t jerr;
  json_int_t school_id = 0;
  const char *county = NULL;
  struct xj_school sch;
  struct ye_ctx c = { .apply = apply, .a = &r->actor };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s?I, s?s}",
                           "school_id", &school_id, "county", &county))
    {
      e = xj_reply_err (r, strstr (jerr.text, "unpacked")
                             ? XJ_E_UNKNOWN_FIELD : XJ_E_BAD_TYPE,
                        NULL, "%s", jerr.text);
      goto out;
    }
  if ((0 == school_id) == (NULL == county))
    {
      e = xj_reply_err (r, XJ_E_MISSING_FIELD, "school_id",
                        "须提供school_id或county之一");
      goto out;
    }
  if (school_id)
    {
      if (XJ_E_OK != (e = xj_school_in_scope_or_reply (r, school_id, &sch)))
        goto out;
      if (! xj_scope_school_write (&r->user, sch.id, sch.county_code))
        {
          e = xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
          goto out;
        }
      c.sc.school_id = school_id;
    }
  else
    {
      if (! county_ok (county))
        {
          e = xj_reply_err (r, XJ_E_BAD_PARAM, "county", "应为6位县级代码");
          goto out;
        }
      if (XJ_ROLE_REGISTRAR == r->user.role
          || ! xj_scope_school_write (&r->user, 0, county))
        {
          e = xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
          goto out;
        }
      c.sc.county = county;
    }
  e = xj_db_txn_run (r->db, apply ? "yearend_apply" : "yearend_preview",
                     apply, &run_txn, &c);
  if (XJ_E_YEAREND_DONE == e)
    e = xj_reply_err (r, e, NULL, NULL);
  else if (XJ_E_OK == e)
    {
      xj_reply_json (r, apply ? 201 : 200, c.out);
      c.out = NULL;
    }
out:
  json_decref (c.out);
  json_decref (body);
  return e;
}

enum xj_err
xj_h_yearend_preview (struct xj_req *r)
{
  return run (r, false);
}

enum xj_err
xj_h_yearend_apply (struct xj_req *r)
{
  return run (r, true);
}

struct scope_ctx {
  const struct xj_user *u;
  bool all_ok;
};

static void
school_seen (void *cls, int64_t school_id, const char *county)
{
  struct scope_ctx *s = cls;

  if (! xj_scope_school_write (s->u, school_id, county))
    s->all_ok = false;
}

enum xj_err
xj_h_yearend_rollback (struct xj_req *r)
{
  struct ye_ctx c = { .a = &r->actor };
  struct scope_ctx s = { &r->user, true };
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &c.run_id))
    return r->err;
  e = xj_yearend_schools (r->db, c.run_id, &school_seen, &s);
  if (XJ_E_NOT_FOUND == e || (XJ_E_OK == e && ! s.all_ok))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK != e)
    return e;
  e = xj_db_txn_run (r->db, "yearend_rollback", true, &run_txn, &c);
  if (XJ_E_YEAREND_ROLLBACK_BLOCKED == e || XJ_E_YEAREND_ROLLED_BACK == e
      || XJ_E_NOT_FOUND == e || XJ_E_CONFLICT == e)
    e = xj_reply_err (r, e, NULL, NULL);
  else if (XJ_E_OK == e)
    {
      xj_reply_json (r, 200, c.out);
      c.out = NULL;
    }
  json_decref (c.out);
  return e;
}
