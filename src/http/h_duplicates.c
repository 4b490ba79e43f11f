/* h_duplicates.c -- /api/v1/duplicates: the review queue of suspected
 * duplicates (both records masked side by side), confirm (starts the
 * wrong record's 注销) or dismiss, and the county-wide scan.  Template per
 * handler: parse, validate, authorise, transaction, reply; the rules live
 * in src/student/identity.c and dup_review.c.  A flag whose records the
 * caller may not see answers 404.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "http/handlers.h"
#include "student/dup_scan_job.h"
#include "student/identity.h"
#include "student/student_json.h"
#include "validate/codes.h"

#define REASON_MAX 500

/* One side of a pair, masked like the lists; NULL if out of scope. */
static json_t *
side_json (struct xj_req *r, int64_t id, bool *visible)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_student_ctx ctx;
  json_t *j = NULL;

  *visible = false;
  if (XJ_E_OK == xj_student_load_ctx (r->db, id, s, &ctx)
      && xj_scope_student (&r->user, s->school_id, ctx.county_code,
                           s->class_id))
    {
      const char *gl = xj_code_zh ("grade", s->grade);

      *visible = true;
      j = xj_student_to_json (s, 0);
      json_object_set_new (j, "school_name", json_string (ctx.school_name));
      json_object_set_new (j, "class_name", json_string (ctx.class_name));
      json_object_set_new (j, "grade_label", json_string (gl ? gl : ""));
    }
  else
    j = json_pack ("{s:I, s:s}", "id", (json_int_t) id, "school_name",
                   "其他县（区）学校");
  free (s);
  return j;
}

static json_t *
flag_json (struct xj_req *r, const struct xj_dup_flag *f, bool *any)
{
  bool va, vb;
  json_t *a = side_json (r, f->student_id, &va);
  json_t *b = side_json (r, f->other_id, &vb);

  *any = va || vb;
  return json_pack ("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
                    "id", (json_int_t) f->id, "reason", f->reason,
                    "created_at", f->created_at, "state", f->state,
                    "resolved_by", f->resolved_by, "resolved_at",
                    f->resolved_at, "resolution", f->resolution,
                    "change_id", f->change_id ? json_integer (f->change_id)
                                              : json_null (),
                    "a", a, "b", b);
}

struct list_ctx {
  struct xj_req *r;
  json_t *items;
};

static void
list_cb (void *cls, const struct xj_dup_flag *f)
{
  struct list_ctx *c = cls;
  bool any;
  json_t *j = flag_json (c->r, f, &any);

  if (any)
    json_array_append_new (c->items, j);
  else
    json_decref (j);
}

enum xj_err
xj_h_duplicates (struct xj_req *r)
{
  struct xj_scope sc;
  struct list_ctx c = { r, NULL };
  const char *state = xj_req_arg (r, "state");
  int64_t limit, offset, page;
  enum xj_err e;

  if (XJ_E_OK != xj_req_paging (r, &limit, &offset, &page))
    return r->err;
  if (NULL == state || '\0' == *state)
    state = "open";
  if (0 != strcmp (state, "open") && 0 != strcmp (state, "confirmed")
      && 0 != strcmp (state, "dismissed"))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "state",
                         "应为open、confirmed或dismissed");
  xj_scope_of (&r->user, &sc);
  c.items = json_array ();
  e = xj_identity_flag_list (r->db, sc.prefix, sc.school_id, state, limit,
                             offset, &list_cb, &c);
  if (XJ_E_OK != e)
    {
      json_decref (c.items);
      return e;
    }
  xj_reply_json (r, 200, json_pack ("{s:o, s:I, s:I}", "items", c.items,
                                    "page", (json_int_t) page, "per_page",
                                    (json_int_t) limit));
  return XJ_E_OK;
}

/* ---- confirm / dismiss ---- */

struct review_ctx {
  const struct xj_user *u;
  const struct xj_actor *a;
  int64_t flag_id, cancel_id, change_id;
  bool confirm;
  const char *reason;
  const char *field;
};

static enum xj_err
review_txn (struct xj_db *db, void *cls)
{
  struct review_ctx *c = cls;

  return xj_dup_review (db, c->u, c->a, c->flag_id, c->confirm, c->cancel_id,
                        c->reason, &c->change_id, &c->field);
}

static enum xj_err
review (struct xj_req *r, bool confirm)
{
  struct review_ctx c = { &r->user, &r->actor, 0, 0, 0, confirm, NULL,
                          NULL };
  struct xj_dup_flag f;
  json_t *body = NULL;
  json_error_t jerr;
  json_int_t cancel_id = 0;
  bool any;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &c.flag_id))
    return r->err;
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT,
                           confirm ? "{s:s, s:I}" : "{s:s}", "reason",
                           &c.reason, "cancel_id", &cancel_id))
    {
      e = xj_reply_err (r, XJ_E_BAD_TYPE, NULL, "%s", jerr.text);
      goto out;
    }
  c.cancel_id = cancel_id;
  if ('\0' == c.reason[0] || strlen (c.reason) > REASON_MAX
      || ! xj_utf8_valid (c.reason, strlen (c.reason)))
    {
      e = xj_reply_err (r, XJ_E_REQUIRED, "reason", "请填写处理理由");
      goto out;
    }
  /* a flag whose records the caller cannot see is "missing" */
  e = xj_identity_flag_get (r->db, c.flag_id, &f);
  if (XJ_E_OK == e)
    json_decref (flag_json (r, &f, &any));
  if (XJ_E_NOT_FOUND == e || (XJ_E_OK == e && ! any))
    {
      e = xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
      goto out;
    }
  if (XJ_E_OK != e)
    goto out;
  e = xj_db_txn_run (r->db, "duplicate_review", true, &review_txn, &c);
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, json_pack ("{s:I, s:s, s:o}", "id",
                                      (json_int_t) c.flag_id, "state",
                                      confirm ? "confirmed" : "dismissed",
                                      "change_id",
                                      c.change_id ? json_integer (c.change_id)
                                                  : json_null ()));
  else if (XJ_E_DB != e && XJ_E_DB_BUSY != e && XJ_E_INTERNAL != e)
    e = xj_reply_err (r, e, c.field, NULL);
out:
  json_decref (body);
  return e;
}

enum xj_err
xj_h_duplicate_confirm (struct xj_req *r)
{
  return review (r, true);
}

enum xj_err
xj_h_duplicate_dismiss (struct xj_req *r)
{
  return review (r, false);
}

/* ---- merge ---- */

struct merge_ctx {
  const struct xj_actor *a;
  struct xj_dup_merge_req q;
  const char *field;
};

static enum xj_err
merge_txn (struct xj_db *db, void *cls)
{
  struct merge_ctx *c = cls;

  return xj_dup_merge (db, c->a, &c->q, &c->field);
}

/* Both records of the flag must be in the caller's scope (a merge
   changes both): otherwise the flag is "missing". */
static enum xj_err
merge_visible (struct xj_req *r, int64_t flag_id)
{
  struct xj_dup_flag f;
  bool va = false, vb = false;
  enum xj_err e = xj_identity_flag_get (r->db, flag_id, &f);

  if (XJ_E_OK == e)
    {
      json_decref (side_json (r, f.student_id, &va));
      json_decref (side_json (r, f.other_id, &vb));
    }
  if (XJ_E_NOT_FOUND == e || (XJ_E_OK == e && ! (va && vb)))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  return e;
}

enum xj_err
xj_h_duplicate_merge (struct xj_req *r)
{
  struct merge_ctx c = { .a = &r->actor };
  json_t *body = NULL;
  json_error_t jerr;
  json_int_t survivor = 0, keep = 0;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &c.q.flag_id))
    return r->err;
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s, s:I, s?I}",
                           "reason", &c.q.reason, "survivor_id", &survivor,
                           "keep_school_id", &keep))
    {
      e = xj_reply_err (r, XJ_E_BAD_TYPE, NULL, "%s", jerr.text);
      goto out;
    }
  c.q.survivor_id = survivor;
  c.q.keep_school_id = keep;
  if ('\0' == c.q.reason[0] || strlen (c.q.reason) > REASON_MAX
      || ! xj_utf8_valid (c.q.reason, strlen (c.q.reason)))
    {
      e = xj_reply_err (r, XJ_E_REQUIRED, "reason", "请填写合并理由");
      goto out;
    }
  if (XJ_E_OK != (e = merge_visible (r, c.q.flag_id)))
    goto out;
  e = xj_db_txn_run (r->db, "duplicate_merge", true, &merge_txn, &c);
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, json_pack ("{s:I, s:s, s:I}", "id",
                                      (json_int_t) c.q.flag_id, "state",
                                      "confirmed", "survivor_id",
                                      (json_int_t) c.q.survivor_id));
  else if (XJ_E_DB != e && XJ_E_DB_BUSY != e && XJ_E_INTERNAL != e)
    e = xj_reply_err (r, e, c.field, NULL);
out:
  json_decref (body);
  return e;
}

/* ---- the county-wide scan (a background job, dup_scan_job.c) ---- */

static json_t *
scan_json (const struct xj_dup_scan *j)
{
  json_t *o = json_pack ("{s:I, s:s, s:s, s:s, s:I, s:I, s:I}", "id",
                         (json_int_t) j->id, "county", j->county, "state",
                         j->state, "started_at", j->started_at, "groups",
                         (json_int_t) j->res.groups, "pairs",
                         (json_int_t) j->res.pairs, "guardians",
                         (json_int_t) j->res.guardians);

  json_object_set_new (o, "finished_at", j->finished_at[0]
                                           ? json_string (j->finished_at)
                                           : json_null ());
  if (0 == strcmp (j->state, "failed"))
    json_object_set_new (o, "error", json_string (xj_err_code (j->err)));
  return o;
}

enum xj_err
xj_h_duplicate_scan (struct xj_req *r)
{
  struct { const char *county; int guardian_max; } c = { NULL, 0 };
  struct xj_dup_scan job;
  json_t *body = NULL;
  json_error_t jerr;
  json_int_t gmax = 0;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s, s?I}", "county",
                           &c.county, "guardian_max", &gmax)
      || gmax < 0 || gmax > 1000)
    {
      e = xj_reply_err (r, XJ_E_BAD_TYPE, NULL, "需要county（6位县级代码），"
                        "guardian_max为1至1000（省略则用设置dup_guardian_max，默认8）");
      goto out;
    }
  c.guardian_max = (int) gmax;
  if (6 != strlen (c.county) || 6 != strspn (c.county, "0123456789"))
    {
      e = xj_reply_err (r, XJ_E_BAD_PARAM, "county", "应为6位县级行政区划代码");
      goto out;
    }
  /* a bureau scans only inside its region: out of scope is "missing" */
  if (XJ_ROLE_BUREAU == r->user.role
      && 0 != strncmp (c.county, r->user.region_code,
                       strlen (r->user.region_code)))
    {
      e = xj_reply_err (r, XJ_E_NOT_FOUND, "county", NULL);
      goto out;
    }
  /* the read runs on its own connection in a read transaction; only
     the flags are written, in one short transaction at the end */
  e = xj_dup_scan_start (xj_db_path (r->db), c.county, c.guardian_max,
                         &r->actor, r->user.id, &job);
  if (XJ_E_OK == e)
    xj_reply_json (r, 202, json_pack ("{s:o}", "scan", scan_json (&job)));
  else
    e = xj_reply_err (r, e, NULL, NULL);
out:
  json_decref (body);
  return e;
}

enum xj_err
xj_h_duplicate_scan_get (struct xj_req *r)
{
  struct xj_dup_scan job;
  int64_t id;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  /* another user's scan is "missing" (an administrator sees all) */
  if (XJ_E_OK != xj_dup_scan_get (id, &job)
      || (XJ_ROLE_ADMIN != r->user.role && job.owner != r->user.id))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  xj_reply_json (r, 200, json_pack ("{s:o}", "scan", scan_json (&job)));
  return XJ_E_OK;
}
