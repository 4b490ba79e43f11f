/* h_privacy.c -- GET/PATCH /api/v1/privacy: who may see personal numbers
 * in full (reveal rights per role) and the per-user budget of
 * full-number searches (docs/internals/masking.md).  Administrators only;
 * every change is audited (settings.update, entity privacy).
 */
#include <stdlib.h>
#include <string.h>
#include "http/handlers.h"
#include "user/sys_settings.h"
#include "user/reveal.h"

static const char *const role_keys[] = { "admin", "bureau", "registrar",
                                         "teacher" };

static unsigned *
rights_of (struct xj_privacy *p, size_t i)
{
  unsigned *const r[] = { &p->reveal_admin, &p->reveal_bureau,
                          &p->reveal_registrar, &p->reveal_teacher };

  return r[i];
}

static json_t *
privacy_json (struct xj_privacy *p)
{
  json_t *reveal = json_object ();

  for (size_t i = 0; i < 4; i++)
    json_object_set_new (reveal, role_keys[i], xj_pii_json (*rights_of (p, i)));
  return json_pack ("{s:o, s:i}", "reveal", reveal, "searches_per_minute",
                    p->searches_per_minute);
}

enum xj_err
xj_h_privacy_get (struct xj_req *r)
{
  struct xj_privacy p;
  enum xj_err e = xj_privacy_get (r->db, &p);

  if (XJ_E_OK == e)
    xj_reply_json (r, 200, privacy_json (&p));
  return e;
}

/* {"teacher": ["phone"], ...} onto @p; replies on error. */
static enum xj_err
parse_reveal (struct xj_req *r, json_t *reveal, struct xj_privacy *p)
{
  const char *role;
  json_t *list;

  if (! json_is_object (reveal))
    return xj_reply_err (r, XJ_E_BAD_TYPE, "reveal", "应为对象");
  json_object_foreach (reveal, role, list)
    {
      size_t i, k;
      json_t *v;
      unsigned bits = 0;

      for (k = 0; k < 4 && 0 != strcmp (role_keys[k], role); k++)
        ;
      if (4 == k)
        return xj_reply_err (r, XJ_E_UNKNOWN_FIELD, "reveal", "角色%s不存在",
                             role);
      if (! json_is_array (list))
        return xj_reply_err (r, XJ_E_BAD_TYPE, "reveal", "%s应为数组", role);
      json_array_foreach (list, i, v)
        {
          unsigned b = json_is_string (v)
                         ? xj_pii_from_name (json_string_value (v)) : 0;

          if (0 == b)
            return xj_reply_err (r, XJ_E_CODE, "reveal",
                                 "应为id_no、phone或guardian_id");
          bits |= b;
        }
      *rights_of (p, k) = bits;
    }
  return XJ_E_OK;
}

struct privacy_ctx {
  struct xj_privacy p;
  const struct xj_actor *a;
  char *before, *after;
};

static enum xj_err
privacy_txn (struct xj_db *db, void *cls)
{
  struct privacy_ctx *c = cls;

  return xj_privacy_put (db, c->a, &c->p, c->before, c->after);
}

enum xj_err
xj_h_privacy_patch (struct xj_req *r)
{
  json_t *body = NULL, *reveal = NULL, *jb, *ja;
  json_error_t jerr;
  json_int_t per_min = -1;
  struct privacy_ctx c = { .a = &r->actor };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s?o, s?I}", "reveal",
                           &reveal, "searches_per_minute", &per_min))
    {
      e = xj_reply_err (r, strstr (jerr.text, "unpacked")
                             ? XJ_E_UNKNOWN_FIELD : XJ_E_BAD_TYPE,
                        NULL, "%s", jerr.text);
      goto out;
    }
  if (-1 != per_min && (per_min < 1 || per_min > XJ_SEARCHES_MAX))
    {
      e = xj_reply_err (r, XJ_E_RANGE, "searches_per_minute", "1到%d次",
                        XJ_SEARCHES_MAX);
      goto out;
    }
  if (XJ_E_OK != (e = xj_privacy_get (r->db, &c.p)))
    goto out;
  jb = privacy_json (&c.p);
  if (reveal && XJ_E_OK != (e = parse_reveal (r, reveal, &c.p)))
    {
      json_decref (jb);
      goto out;
    }
  if (-1 != per_min)
    c.p.searches_per_minute = (int) per_min;
  ja = privacy_json (&c.p);
  c.before = json_dumps (jb, JSON_COMPACT | JSON_SORT_KEYS);
  c.after = json_dumps (ja, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (jb);
  e = xj_db_txn_run (r->db, "privacy_settings", true, &privacy_txn, &c);
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, ja);
  else
    json_decref (ja);
  free (c.before);
  free (c.after);
out:
  json_decref (body);
  return e;
}

/* ---- system settings (src/user/sys_settings.c) ---- */

enum xj_err
xj_h_system_settings_get (struct xj_req *r)
{
  json_t *j;
  enum xj_err e = xj_sys_settings_json (r->db, &j);

  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  xj_reply_json (r, 200, j);
  return XJ_E_OK;
}

enum xj_err
xj_h_system_settings_patch (struct xj_req *r)
{
  json_t *body = NULL, *out;
  const char *field;
  const struct xj_sys_setting *s;
  char bounds[80];
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  e = xj_sys_settings_patch (r->db, &r->actor, body, &field, &out);
  s = field ? xj_sys_setting_find (field) : NULL;
  if (XJ_E_RANGE == e && s)
    {
      xj_sys_setting_bounds (s, bounds, sizeof bounds);
      e = xj_reply_err (r, e, field, "%s", bounds);
    }
  else if (XJ_E_BAD_TYPE == e && s)
    e = xj_reply_err (r, e, field, "%s", s->is_bool ? "应为true或false"
                                                    : "应为整数");
  else if (XJ_E_OK != e)
    e = xj_reply_err (r, e, field, "%s", field ? field : "");
  else
    xj_reply_json (r, 200, out);
  json_decref (body);
  return e;
}
