/* h_yearend.c -- /api/v1/yearend: preview, apply and roll back the
 * year-end promotion of one school or every school of a county
 * (src/change/yearend.c).  Registrars act on their own school; bureau
 * users on schools and counties inside their region; administrators
 * anywhere.  Anything outside the caller's scope answers 404.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "change/yearend_store.h"
#include "core/util.h"
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


/* 409 yearend_window naming the window and today. */
static enum xj_err
reply_window (struct xj_req *r)
{
  struct xj_ye_settings set;
  int y, m, d;

  xj_today (&y, &m, &d);
  if (XJ_E_OK != xj_ye_settings_get (r->db, &set))
    return xj_reply_err (r, XJ_E_YEAREND_WINDOW, NULL, NULL);
  return xj_reply_err (r, XJ_E_YEAREND_WINDOW, NULL,
                       "办理期间为每年%d月%d日至%d月%d日，今天是%d年%d月%d日",
                       set.window_start / 100, set.window_start % 100,
                       set.window_end / 100, set.window_end % 100, y, m, d);
}

#define MAX_MARKS 20000
#define REASON_MAX 500

/* "completed": [{"student_id","reason"}] (the students to leave 结业)
   into *out (new array borrowing the reasons from @a). */
static enum xj_err
parse_marks (struct xj_req *r, json_t *a, struct xj_ye_mark **out,
             size_t *n)
{
  size_t i;
  json_t *v;

  *out = NULL;
  *n = 0;
  if (NULL == a)
    return XJ_E_OK;
  if (! json_is_array (a) || json_array_size (a) > MAX_MARKS)
    return xj_reply_err (r, XJ_E_BAD_TYPE, "completed",
                         "应为[{\"student_id\",\"reason\"}]，至多%d人",
                         MAX_MARKS);
  *out = xj_calloc (json_array_size (a) + 1, sizeof **out);
  json_array_foreach (a, i, v)
    {
      json_int_t id = 0;
      const char *reason = NULL;

      if (0 != json_unpack (v, "{s:I, s:s !}", "student_id", &id, "reason",
                            &reason))
        return xj_reply_err (r, XJ_E_BAD_TYPE, "completed",
                             "第%zu项应为{\"student_id\",\"reason\"}",
                             i + 1);
      if ('\0' == *reason || strlen (reason) > REASON_MAX
          || ! xj_utf8_valid (reason, strlen (reason)))
        return xj_reply_err (r, XJ_E_REQUIRED, "completed",
                             "第%zu项：请填写结业原因（至多%d个汉字）",
                             i + 1, REASON_MAX / 3);
      (*out)[*n].student_id = id;
      (*out)[(*n)++].reason = reason;
    }
  return XJ_E_OK;
}

static enum xj_err
run (struct xj_req *r, bool apply)
{
  json_t *body = NULL, *marks = NULL;
  json_error_t jerr;
  json_int_t school_id = 0;
  const char *county = NULL;
  struct xj_school sch;
  struct xj_ye_mark *mv = NULL;
  struct ye_ctx c = { .apply = apply, .a = &r->actor };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s?I, s?s, s?o}",
                           "school_id", &school_id, "county", &county,
                           "completed", &marks))
    {
      e = xj_reply_err (r, strstr (jerr.text, "unpacked")
                             ? XJ_E_UNKNOWN_FIELD : XJ_E_BAD_TYPE,
                        NULL, "%s", jerr.text);
      goto out;
    }
  if (XJ_E_OK != (e = parse_marks (r, marks, &mv, &c.sc.ncompleted)))
    goto out;
  c.sc.completed = mv;
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
      if (! xj_county_code_ok (county))
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
  c.sc.user = &r->user;
  e = xj_db_txn_run (r->db, apply ? "yearend_apply" : "yearend_preview",
                     apply, &run_txn, &c);
  if (XJ_E_YEAREND_DONE == e || XJ_E_YEAREND_AUTHORITY == e)
    e = xj_reply_err (r, e, NULL, NULL);
  else if (XJ_E_YEAREND_COMPLETED == e)
    e = xj_reply_err (r, e, "completed", NULL);
  else if (XJ_E_YEAREND_WINDOW == e)
    e = reply_window (r);
  else if (XJ_E_OK == e)
    {
      xj_reply_json (r, apply ? 201 : 200, c.out);
      c.out = NULL;
    }
out:
  free (mv);
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
  struct xj_db *db;
  const struct xj_user *u;
  bool all_ok, authority;
  bool senior_city;
};

static void
school_seen (void *cls, int64_t school_id, const char *county)
{
  struct scope_ctx *s = cls;
  struct xj_school sch;

  if (! xj_scope_school_write (s->u, school_id, county))
    s->all_ok = false;
  else if (XJ_E_OK != xj_school_get (s->db, school_id, &sch)
           || ! xj_yearend_is_authority (s->u, sch.stage, county,
                                         s->senior_city))
    s->authority = false;
}

enum xj_err
xj_h_yearend_rollback (struct xj_req *r)
{
  struct ye_ctx c = { .a = &r->actor };
  struct scope_ctx s = { r->db, &r->user, true, true, true };
  struct xj_change_settings set;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &c.run_id))
    return r->err;
  if (XJ_E_OK != (e = xj_change_settings_get (r->db, &set)))
    return e;
  s.senior_city = set.senior_city;
  e = xj_yearend_schools (r->db, c.run_id, &school_seen, &s);
  if (XJ_E_NOT_FOUND == e || (XJ_E_OK == e && ! s.all_ok))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK != e)
    return e;
  if (! s.authority)
    return xj_reply_err (r, XJ_E_YEAREND_AUTHORITY, NULL, NULL);
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

/* GET /api/v1/yearend/settings */
enum xj_err
xj_h_yearend_settings_get (struct xj_req *r)
{
  struct xj_ye_settings set;
  enum xj_err e = xj_ye_settings_get (r->db, &set);
  char a[8], b[8];

  if (XJ_E_OK != e)
    return e;
  xj_snprintf (a, sizeof a, "%02d-%02d", set.window_start / 100,
               set.window_start % 100);
  xj_snprintf (b, sizeof b, "%02d-%02d", set.window_end / 100,
               set.window_end % 100);
  xj_reply_json (r, 200, json_pack ("{s:s, s:s}", "window_start", a,
                                    "window_end", b));
  return XJ_E_OK;
}

struct set_ctx {
  struct xj_ye_settings before, after;
  const struct xj_actor *a;
};

static enum xj_err
settings_txn (struct xj_db *db, void *cls)
{
  struct set_ctx *c = cls;
  char b[64], af[64];
  enum xj_err e = xj_ye_settings_get (db, &c->before);

  if (XJ_E_OK == e)
    e = xj_ye_settings_put (db, &c->after);
  xj_snprintf (b, sizeof b, "{\"window_end\":%d,\"window_start\":%d}",
               c->before.window_end, c->before.window_start);
  xj_snprintf (af, sizeof af, "{\"window_end\":%d,\"window_start\":%d}",
               c->after.window_end, c->after.window_start);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, c->a, "settings.yearend", "settings",
                         "yearend", b, af);
  return e;
}

/* "MM-DD" as month*100+day, 0 if not a day of the year. */
static int
md_of (const char *s)
{
  int m, d;

  if (NULL == s || 5 != strlen (s) || '-' != s[2]
      || ! (s[0] >= '0' && s[0] <= '1') || s[1] < '0' || s[1] > '9'
      || s[3] < '0' || s[3] > '3' || s[4] < '0' || s[4] > '9')
    return 0;
  m = (s[0] - '0') * 10 + (s[1] - '0');
  d = (s[3] - '0') * 10 + (s[4] - '0');
  static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return 0;
  return m * 100 + d;
}

/* PATCH /api/v1/yearend/settings {window_start?, window_end?} */
enum xj_err
xj_h_yearend_settings_patch (struct xj_req *r)
{
  json_t *body = NULL;
  json_error_t jerr;
  const char *ws = NULL, *we = NULL;
  struct set_ctx c = { .a = &r->actor };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s?s, s?s}",
                           "window_start", &ws, "window_end", &we))
    {
      e = xj_reply_err (r, XJ_E_BAD_TYPE, NULL, "%s", jerr.text);
      goto out;
    }
  if (XJ_E_OK != (e = xj_ye_settings_get (r->db, &c.after)))
    goto out;
  if (ws && 0 == (c.after.window_start = md_of (ws)))
    {
      e = xj_reply_err (r, XJ_E_BAD_PARAM, "window_start", "应为MM-DD日期");
      goto out;
    }
  if (we && 0 == (c.after.window_end = md_of (we)))
    {
      e = xj_reply_err (r, XJ_E_BAD_PARAM, "window_end", "应为MM-DD日期");
      goto out;
    }
  e = xj_db_txn_run (r->db, "yearend_settings", true, &settings_txn, &c);
  if (XJ_E_OK == e)
    e = xj_h_yearend_settings_get (r);
out:
  json_decref (body);
  return e;
}
