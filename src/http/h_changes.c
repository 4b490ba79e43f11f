/* h_changes.c -- /api/v1/changes (registry changes, queues, batch),
 * /api/v1/holidays (working-day calendar) and /api/v1/students/lookup
 * (cross-scope lookup for transfers).  Template per handler: parse,
 * validate, authorise, transaction, reply; the workflow rules live in
 * src/change.  Requests the caller may not see answer 404.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "change/progress.h"
#include "dropout/dropout.h"
#include "http/handlers.h"
#include "idcard/idcard.h"
#include "student/student_json.h"
#include "validate/codes.h"
#include "validate/validate.h"

#define REASON_MAX XJ_CHANGE_REASON_MAX

static int
today_ymd (void)
{
  return xj_cal_today ();
}

/* Body as an object; an empty body is {}. */
static enum xj_err
body_or_empty (struct xj_req *r, json_t **out)
{
  if (0 == r->body.len)
    {
      *out = json_object ();
      return XJ_E_OK;
    }
  return xj_req_body_json (r, out);
}

/* Map a workflow error to its reply. */
static enum xj_err
reply_change_err (struct xj_req *r, enum xj_err e, const char *field)
{
  if (XJ_E_DB == e || XJ_E_DB_BUSY == e || XJ_E_INTERNAL == e)
    return e;
  return xj_reply_err (r, e, field, NULL);
}

/* A record that may not end while its dropout case is open: the reply
   names the case (its number in the message and "dropout_case_id"). */
static enum xj_err
reply_case_open (struct xj_req *r, int64_t student_id, const char *field)
{
  int64_t case_id = 0;

  if (XJ_E_OK != xj_dropout_open_case_of (r->db, student_id, &case_id)
      || 0 == case_id)
    return xj_reply_err (r, XJ_E_DROPOUT_CASE_OPEN, field, NULL);
  json_decref (r->err_extra);
  r->err_extra = json_pack ("{s:I}", "dropout_case_id", (json_int_t) case_id);
  return xj_reply_err (r, XJ_E_DROPOUT_CASE_OPEN, field, "案件号 %lld",
                       (long long) case_id);
}

/* ---- create ---- */

struct create_ctx {
  const struct xj_user *u;
  const struct xj_actor *a;
  struct xj_change_new n;
  int64_t id;
  const char *field;
};

static enum xj_err
create_txn (struct xj_db *db, void *cls)
{
  struct create_ctx *c = cls;

  c->n.errs->n = 0;   /* a retried transaction checks again */
  c->n.warns->n = 0;
  return xj_change_create (db, c->u, c->a, &c->n, &c->id, &c->field);
}

/* A transfer refused because the record has ended (or its grade is not
   taught here: a graduate of the previous stage) carries what the school
   may do instead: 升学 or re-entry of the same record. */
static void
attach_offer (struct xj_req *r, const struct xj_change_new *n, enum xj_err e)
{
  struct xj_progress_offer o;

  if (XJ_CH_TRANSFER_IN != n->type || 0 == r->user.school_id
      || (XJ_E_CHANGE_STUDENT_STATUS != e && XJ_E_SCHOOL_GRADE != e)
      || XJ_E_OK != xj_progress_offer_load (r->db, n->student_id,
                                            r->user.school_id, &o)
      || (XJ_PG_PROMOTE != o.kind && XJ_PG_REENTER != o.kind))
    return;
  json_decref (r->err_extra);
  r->err_extra = json_pack ("{s:o}", "reentry", xj_progress_offer_json (&o));
}

enum xj_err
xj_h_change_create (struct xj_req *r)
{
  json_t *body = NULL, *changes = NULL, *out = NULL;
  json_error_t jerr;
  const char *type = NULL, *reason = NULL, *reason_code = NULL,
             *grade = NULL, *outcome = NULL, *id_no = NULL, *reg = NULL,
             *end_date = NULL;
  struct xj_idcard card;
  char regbuf[24];
  json_int_t student_id = 0, to_school = 0, to_class = 0;
  struct create_ctx c = { 0 };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT,
                           "{s:s, s:I, s?s, s?s, s?I, s?I, s?s, s?s, s?o,"
                           " s?s, s?s, s?s}",
                           "type", &type, "student_id", &student_id,
                           "reason", &reason, "reason_code", &reason_code,
                           "to_school_id", &to_school, "to_class_id",
                           &to_class, "grade", &grade, "outcome", &outcome,
                           "changes", &changes, "id_no", &id_no,
                           "registry_no", &reg, "end_date", &end_date))
    {
      e = xj_reply_err (r, strstr (jerr.text, "unpacked")
                             ? XJ_E_UNKNOWN_FIELD : XJ_E_BAD_TYPE,
                        NULL, "%s", jerr.text);
      goto out;
    }
  if (! xj_change_type_parse (type, &c.n.type))
    {
      e = xj_reply_err (r, XJ_E_CHANGE_TYPE, "type", "%s", type);
      goto out;
    }
  if (id_no)
    {
      if (XJ_E_OK != (e = xj_idcard_parse (id_no, today_ymd (), &card)))
        {
          e = xj_reply_err (r, e, "id_no", NULL);
          goto out;
        }
      c.n.id_no = card.id18;
    }
  if (reg)
    {
      if (! xj_strlcpy (regbuf, reg, sizeof regbuf))
        {
          e = xj_reply_err (r, XJ_E_REGISTRY_NO, "registry_no", NULL);
          goto out;
        }
      for (char *p = regbuf; *p; p++)
        if (*p >= 'a' && *p <= 'z')
          *p = (char) (*p - 32);
      c.n.registry_no = regbuf;
    }
  c.u = &r->user;
  c.a = &r->actor;
  c.n.student_id = student_id;
  c.n.to_school_id = to_school;
  c.n.to_class_id = to_class;
  c.n.reason = reason;
  c.n.reason_code = reason_code;
  c.n.grade = grade;
  c.n.outcome = outcome;
  c.n.changes = changes;
  c.n.end_date = end_date;
  c.n.errs = xj_calloc (1, sizeof *c.n.errs);
  c.n.warns = xj_calloc (1, sizeof *c.n.warns);
  e = xj_db_txn_run (r->db, "change_create", true, &create_txn, &c);
  if (XJ_E_OK != e && c.n.errs->n)
    {
      /* the grade check answers as on registration and import */
      e = xj_reply_verrs (r, c.n.errs);
      goto out;
    }
  if (XJ_E_DROPOUT_CASE_OPEN == e)
    {
      e = reply_case_open (r, c.n.student_id, c.field);
      goto out;
    }
  if (XJ_E_OK != e)
    {
      attach_offer (r, &c.n, e);
      e = reply_change_err (r, e, c.field);
      goto out;
    }
  e = xj_change_get_json (r->db, &r->user, c.id, &out);
  if (XJ_E_OK == e)
    xj_reply_json (r, 201, json_pack ("{s:o, s:o}", "change", out,
                                      "warnings",
                                      xj_verrs_to_json (c.n.warns)));
out:
  free (c.n.errs);
  free (c.n.warns);
  json_decref (body);
  return e;
}

/* ---- one request ---- */

enum xj_err
xj_h_change_get (struct xj_req *r)
{
  int64_t id;
  json_t *out;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  e = xj_change_get_json (r->db, &r->user, id, &out);
  if (XJ_E_NOT_FOUND == e)
    return xj_reply_err (r, e, NULL, NULL);
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, json_pack ("{s:o}", "change", out));
  return e;
}

struct act_ctx {
  const struct xj_user *u;
  const struct xj_actor *a;
  int64_t id, version;
  enum xj_change_action action;
  const char *comment, *reason;
  struct xj_cs_warn warn;
};

static enum xj_err
act_txn (struct xj_db *db, void *cls)
{
  struct act_ctx *c = cls;

  return xj_change_act (db, c->u, c->a, c->id, c->version, c->action,
                        c->comment, c->reason, &c->warn);
}

static enum xj_err
act (struct xj_req *r, enum xj_change_action action)
{
  json_t *body = NULL, *out;
  json_error_t jerr;
  const char *comment = NULL, *reason = NULL;
  json_int_t version = 0;
  struct act_ctx c;
  int64_t id;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  if (XJ_E_OK != (e = body_or_empty (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s?I, s?s, s?s}",
                           "version", &version, "comment", &comment,
                           "reason", &reason))
    {
      e = xj_reply_err (r, strstr (jerr.text, "unpacked")
                             ? XJ_E_UNKNOWN_FIELD : XJ_E_BAD_TYPE,
                        NULL, "%s", jerr.text);
      goto out;
    }
  if (! xj_valid_utf8_max (comment, REASON_MAX) || ! xj_valid_utf8_max (reason, REASON_MAX))
    {
      e = xj_reply_err (r, XJ_E_TOO_LONG, "comment", NULL);
      goto out;
    }
  if ((XJ_CA_REJECT == action || XJ_CA_RETURN == action)
      && (NULL == comment || '\0' == *comment))
    {
      e = xj_reply_err (r, XJ_E_REQUIRED, "comment", "请填写驳回或退回的理由");
      goto out;
    }
  if (reason && XJ_CA_RESUBMIT != action)
    {
      e = xj_reply_err (r, XJ_E_UNKNOWN_FIELD, "reason", NULL);
      goto out;
    }
  c = (struct act_ctx) { &r->user, &r->actor, id, version, action, comment,
                         reason, { 0 } };
  e = xj_db_txn_run (r->db, "change_act", true, &act_txn, &c);
  if (XJ_E_OK != e)
    {
      e = reply_change_err (r, e, XJ_E_CONFLICT == e ? "version" : NULL);
      goto out;
    }
  e = xj_change_get_json (r->db, &r->user, id, &out);
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, json_pack ("{s:o, s:o}", "change", out,
                                      "class_size_warning",
                                      xj_cs_warn_json (&c.warn)));
out:
  json_decref (body);
  return e;
}

enum xj_err
xj_h_change_approve (struct xj_req *r)
{
  return act (r, XJ_CA_APPROVE);
}

enum xj_err
xj_h_change_reject (struct xj_req *r)
{
  return act (r, XJ_CA_REJECT);
}

enum xj_err
xj_h_change_return (struct xj_req *r)
{
  return act (r, XJ_CA_RETURN);
}

enum xj_err
xj_h_change_withdraw (struct xj_req *r)
{
  return act (r, XJ_CA_WITHDRAW);
}

enum xj_err
xj_h_change_resubmit (struct xj_req *r)
{
  return act (r, XJ_CA_RESUBMIT);
}

/* ---- batch ---- */

#define BATCH_MAX 200

enum xj_err
xj_h_change_batch (struct xj_req *r)
{
  json_t *body = NULL, *ids = NULL, *results, *v;
  json_error_t jerr;
  const char *action = NULL, *comment = NULL;
  enum xj_change_action ca;
  size_t i;
  int ok = 0, failed = 0;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:o, s:s, s?s}",
                           "ids", &ids, "action", &action, "comment",
                           &comment))
    {
      e = xj_reply_err (r, strstr (jerr.text, "unpacked")
                             ? XJ_E_UNKNOWN_FIELD : XJ_E_BAD_TYPE,
                        NULL, "%s", jerr.text);
      goto out;
    }
  if (0 == strcmp (action, "approve"))
    ca = XJ_CA_APPROVE;
  else if (0 == strcmp (action, "reject"))
    ca = XJ_CA_REJECT;
  else
    {
      e = xj_reply_err (r, XJ_E_BAD_PARAM, "action", "应为approve或reject");
      goto out;
    }
  if (! json_is_array (ids) || 0 == json_array_size (ids)
      || json_array_size (ids) > BATCH_MAX)
    {
      e = xj_reply_err (r, XJ_E_BAD_PARAM, "ids", "1到%d个申请编号",
                        BATCH_MAX);
      goto out;
    }
  json_array_foreach (ids, i, v)
    if (! json_is_integer (v) || json_integer_value (v) <= 0)
      {
        e = xj_reply_err (r, XJ_E_BAD_TYPE, "ids", "申请编号应为正整数");
        goto out;
      }
  if (! xj_valid_utf8_max (comment, REASON_MAX))
    {
      e = xj_reply_err (r, XJ_E_TOO_LONG, "comment", NULL);
      goto out;
    }
  if (XJ_CA_REJECT == ca && (NULL == comment || '\0' == *comment))
    {
      e = xj_reply_err (r, XJ_E_REQUIRED, "comment", "请填写驳回理由");
      goto out;
    }
  /* one transaction per request: each succeeds or fails on its own and
     is audited individually */
  results = json_array ();
  json_array_foreach (ids, i, v)
    {
      struct act_ctx c = { &r->user, &r->actor, json_integer_value (v), 0,
                           ca, comment, NULL, { 0 } };
      enum xj_err e1 = xj_db_txn_run (r->db, "change_act", true, &act_txn,
                                      &c);

      if (XJ_E_OK == e1)
        ok++;
      else
        failed++;
      json_array_append_new (
        results, json_pack ("{s:I, s:b, s:s?, s:o}", "id",
                            (json_int_t) c.id, "ok", XJ_E_OK == e1, "error",
                            XJ_E_OK == e1 ? NULL : xj_err_code (e1),
                            "class_size_warning",
                            xj_cs_warn_json (XJ_E_OK == e1 ? &c.warn
                                                           : NULL)));
    }
  xj_reply_json (r, 200, json_pack ("{s:o, s:i, s:i}", "results", results,
                                    "ok", ok, "failed", failed));
out:
  json_decref (body);
  return e;
}

/* ---- queues ---- */

enum xj_err
xj_h_changes (struct xj_req *r)
{
  struct xj_change_filter f = { .box = XJ_BOX_ALL, .type = "",
                                .status = "" };
  enum xj_change_type t;
  const char *v;
  int64_t page, total = 0, overdue = 0;
  json_t *items;
  enum xj_err e;

  if (XJ_E_OK != xj_req_paging (r, &f.limit, &f.offset, &page)
      || XJ_E_OK != xj_req_arg_int (r, "overdue", 0, 0, 1, &overdue))
    return r->err;
  f.overdue = 1 == overdue;
  v = xj_req_arg (r, "box");
  if (v && *v)
    {
      if (0 == strcmp (v, "todo"))
        f.box = XJ_BOX_TODO;
      else if (0 == strcmp (v, "started"))
        f.box = XJ_BOX_STARTED;
      else if (0 != strcmp (v, "all"))
        return xj_reply_err (r, XJ_E_BAD_PARAM, "box",
                             "应为todo、started或all");
    }
  v = xj_req_arg (r, "type");
  if (v && *v)
    {
      if (! xj_change_type_parse (v, &t))
        return xj_reply_err (r, XJ_E_BAD_PARAM, "type", "变动类型%s不存在",
                             v);
      f.type = xj_change_type_name (t);
    }
  v = xj_req_arg (r, "status");
  if (v && *v)
    {
      static const char *const st[] = { "pending", "approved", "rejected",
                                         "returned", "withdrawn" };
      size_t i;

      for (i = 0; i < sizeof st / sizeof st[0]; i++)
        if (0 == strcmp (v, st[i]))
          break;
      if (i == sizeof st / sizeof st[0])
        return xj_reply_err (r, XJ_E_BAD_PARAM, "status", "状态%s不存在", v);
      f.status = st[i];
    }
  items = json_array ();
  e = xj_change_list (r->db, &r->user, &f, &total, items);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return e;
    }
  xj_reply_json (r, 200, xj_page_json (items, total, page, f.limit));
  return XJ_E_OK;
}

enum xj_err
xj_h_change_counts (struct xj_req *r)
{
  int64_t todo = 0, overdue = 0, started = 0;
  enum xj_err e = xj_change_counts (r->db, &r->user, &todo, &overdue,
                                    &started);

  if (XJ_E_OK != e)
    return e;
  xj_reply_json (r, 200, json_pack ("{s:I, s:I, s:I}", "todo",
                                    (json_int_t) todo, "overdue",
                                    (json_int_t) overdue, "started",
                                    (json_int_t) started));
  return XJ_E_OK;
}

enum xj_err
xj_h_change_backlog (struct xj_req *r)
{
  json_t *items = json_array ();
  enum xj_err e = xj_change_backlog (r->db, &r->user, items);

  if (XJ_E_OK != e)
    {
      json_decref (items);
      return xj_reply_err (r, e, NULL, NULL);
    }
  xj_reply_json (r, 200, json_pack ("{s:o}", "items", items));
  return XJ_E_OK;
}

/* ---- settings ---- */

enum xj_err
xj_h_change_settings_get (struct xj_req *r)
{
  struct xj_change_settings s;
  enum xj_err e = xj_change_settings_get (r->db, &s);

  if (XJ_E_OK == e)
    xj_reply_json (r, 200, xj_change_settings_json (&s));
  return e;
}

struct set_ctx {
  const json_t *patch;
  const struct xj_actor *a;
  json_t *after;         /* set on success; the reply */
  const char *field;
};

/* Read, patch, write and audit the settings in one write transaction,
   so two administrators' patches never lose each other's keys. */
static enum xj_err
settings_txn (struct xj_db *db, void *cls)
{
  struct set_ctx *c = cls;
  struct xj_change_settings s;
  json_t *jb;
  char *tb, *ta;
  enum xj_err e = xj_change_settings_get (db, &s);

  if (XJ_E_OK != e)
    return e;
  jb = xj_change_settings_json (&s);
  if (XJ_E_OK != (e = xj_change_settings_patch (&s, c->patch, &c->field)))
    {
      json_decref (jb);
      return e;
    }
  json_decref (c->after);
  c->after = xj_change_settings_json (&s);
  tb = json_dumps (jb, JSON_COMPACT | JSON_SORT_KEYS);
  ta = json_dumps (c->after, JSON_COMPACT | JSON_SORT_KEYS);
  e = xj_change_settings_put (db, &s);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, c->a, "settings.update", "settings", "change",
                         tb, ta);
  json_decref (jb);
  free (tb);
  free (ta);
  return e;
}

enum xj_err
xj_h_change_settings_patch (struct xj_req *r)
{
  json_t *body = NULL;
  struct set_ctx c = { .a = &r->actor };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  c.patch = body;
  e = xj_db_txn_run (r->db, "change_settings", true, &settings_txn, &c);
  if (XJ_E_OK == e)
    {
      xj_reply_json (r, 200, c.after);
      c.after = NULL;
    }
  else
    e = reply_change_err (r, e, c.field);
  json_decref (c.after);
  json_decref (body);
  return e;
}

/* ---- suspensions to follow up ---- */

enum xj_err
xj_h_suspensions_overdue (struct xj_req *r)
{
  int64_t limit, offset, page, total = 0;
  json_t *items;
  enum xj_err e;

  if (XJ_E_OK != xj_req_paging (r, &limit, &offset, &page))
    return r->err;
  items = json_array ();
  e = xj_change_suspensions_overdue (r->db, &r->user, limit, offset, &total,
                                     items);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return reply_change_err (r, e, NULL);
    }
  xj_reply_json (r, 200, xj_page_json (items, total, page, limit));
  return XJ_E_OK;
}

/* ---- holidays ---- */

static void
holiday_cb (void *cls, const char *date, const char *kind, const char *name)
{
  json_array_append_new (cls, json_pack ("{s:s, s:s, s:s}", "date", date,
                                         "kind", kind, "name", name));
}

enum xj_err
xj_h_holidays (struct xj_req *r)
{
  int64_t year;
  char from[12], to[12];
  json_t *items;
  enum xj_err e;

  if (XJ_E_OK != xj_req_arg_int (r, "year", today_ymd () / 10000, 1900,
                                 2200, &year))
    return r->err;
  xj_snprintf (from, sizeof from, "%04d-01-01", (int) year);
  xj_snprintf (to, sizeof to, "%04d-12-31", (int) year);
  items = json_array ();
  e = xj_holiday_list (r->db, from, to, &holiday_cb, items);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return e;
    }
  xj_reply_json (r, 200, json_pack ("{s:I, s:o}", "year", (json_int_t) year,
                                    "items", items));
  return XJ_E_OK;
}

struct hol_ctx {
  const struct xj_actor *a;
  const char *date, *kind, *name;
  bool del;
};

static enum xj_err
holiday_txn (struct xj_db *db, void *cls)
{
  struct hol_ctx *c = cls;
  json_t *j = json_pack ("{s:s, s:s?, s:s?}", "date", c->date, "kind",
                         c->kind, "name", c->name);
  char *text = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);
  enum xj_err e;

  json_decref (j);
  e = c->del ? xj_holiday_delete (db, c->date)
             : xj_holiday_put (db, c->date, c->kind, c->name);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, c->a, c->del ? "holiday.delete" : "holiday.put",
                         "holiday", c->date, c->del ? text : NULL,
                         c->del ? NULL : text);
  free (text);
  return e;
}

enum xj_err
xj_h_holiday_put (struct xj_req *r)
{
  json_t *body = NULL;
  json_error_t jerr;
  struct hol_ctx c = { .a = &r->actor };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s, s:s, s?s}",
                           "date", &c.date, "kind", &c.kind, "name",
                           &c.name))
    {
      e = xj_reply_err (r, strstr (jerr.text, "unpacked")
                             ? XJ_E_UNKNOWN_FIELD : XJ_E_BAD_TYPE,
                        NULL, "%s", jerr.text);
      goto out;
    }
  if (! xj_valid_iso_date (c.date))
    e = xj_reply_err (r, XJ_E_DATE_FORMAT, "date", NULL);
  else if (0 != strcmp (c.kind, "holiday") && 0 != strcmp (c.kind, "workday"))
    e = xj_reply_err (r, XJ_E_CODE, "kind", "应为holiday或workday");
  else if (! xj_valid_utf8_max (c.name, 64))
    e = xj_reply_err (r, XJ_E_TOO_LONG, "name", NULL);
  else
    {
      e = xj_db_txn_run (r->db, "holiday_put", true, &holiday_txn, &c);
      if (XJ_E_OK == e)
        xj_reply_json (r, 200, json_pack ("{s:s, s:s, s:s}", "date", c.date,
                                          "kind", c.kind, "name",
                                          c.name ? c.name : ""));
    }
out:
  json_decref (body);
  return e;
}

enum xj_err
xj_h_holiday_delete (struct xj_req *r)
{
  struct hol_ctx c = { .a = &r->actor, .del = true };
  enum xj_err e;

  c.date = r->path_args[0];
  if (! xj_valid_iso_date (c.date))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  e = xj_db_txn_run (r->db, "holiday_delete", true, &holiday_txn, &c);
  if (XJ_E_NOT_FOUND == e)
    return xj_reply_err (r, e, NULL, NULL);
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, json_pack ("{s:s, s:b}", "date", c.date,
                                      "deleted", 1));
  return e;
}

/* ---- cross-scope lookup ---- */

struct lookup_ctx {
  const struct xj_actor *a;
  const char *id_no, *registry_no;
  struct xj_student_lookup res;
};

static enum xj_err
lookup_txn (struct xj_db *db, void *cls)
{
  struct lookup_ctx *c = cls;
  char idbuf[24];
  enum xj_err e = xj_student_lookup (db, c->id_no, c->registry_no, &c->res);

  if (XJ_E_OK != e && XJ_E_NOT_FOUND != e)
    return e;
  /* every lookup is audited, found or not (cross-scope identification) */
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) c->res.id);
  e = xj_audit_search (db, c->a, "student.lookup", idbuf,
                       c->id_no ? "id_no" : "registry_no",
                       c->id_no ? c->id_no : c->registry_no, XJ_E_OK == e);
  if (XJ_E_OK != e)
    return e;
  /* commit the audit entry even when nothing was found */
  return XJ_E_OK;
}

enum xj_err
xj_h_student_lookup (struct xj_req *r)
{
  const char *id_no = xj_req_arg (r, "id_no");
  const char *reg = xj_req_arg (r, "registry_no");
  struct xj_idcard card;
  char regbuf[24];
  char idbuf[XJ_NUMQ_MAX];
  enum xj_numq kind;
  struct lookup_ctx c = { .a = &r->actor };
  const char *gl;
  enum xj_err e;

  if (id_no && ! *id_no)
    id_no = NULL;
  if (reg && ! *reg)
    reg = NULL;
  if ((NULL == id_no) == (NULL == reg))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "id_no",
                         "须提供完整的身份证号或学籍号之一");
  if (id_no)
    {
      /* normalised as registration stores it, any ID type */
      e = xj_student_number_parse (id_no, today_ymd (), &kind, idbuf);
      if (XJ_E_OK != e || (XJ_NUMQ_ID != kind && XJ_NUMQ_OTHER_ID != kind))
        {
          /* the resident-ID parser names what is wrong with it */
          e = xj_idcard_parse (id_no, today_ymd (), &card);
          return xj_reply_err (r, XJ_E_OK != e ? e : XJ_E_BAD_PARAM,
                               "id_no", NULL);
        }
      c.id_no = idbuf;
    }
  else
    {
      if (strlen (reg) >= sizeof regbuf)
        return xj_reply_err (r, XJ_E_REGISTRY_NO, "registry_no", NULL);
      xj_strlcpy (regbuf, reg, sizeof regbuf);
      for (char *p = regbuf; *p; p++)
        if (*p >= 'a' && *p <= 'z')
          *p = (char) (*p - 32);
      if (! xj_registry_no_valid (regbuf))
        return xj_reply_err (r, XJ_E_REGISTRY_NO, "registry_no", NULL);
      c.registry_no = regbuf;
    }
  /* an identification by full number, like a list search by number */
  if (XJ_E_OK != xj_search_budget_or_reply (r))
    return r->err;
  e = xj_db_txn_run (r->db, "student_lookup", true, &lookup_txn, &c);
  if (XJ_E_OK != e)
    return e;
  if (0 == c.res.id)
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  gl = xj_code_zh ("grade", c.res.grade);
  {
    json_t *j = json_pack ("{s:I, s:s, s:I, s:s, s:s, s:s, s:s}", "id",
                           (json_int_t) c.res.id, "name", c.res.name,
                           "school_id", (json_int_t) c.res.school_id,
                           "school_name", c.res.school_name, "grade",
                           c.res.grade, "grade_label", gl ? gl : "",
                           "status", c.res.status);
    struct xj_progress_offer o;

    /* what the registrar's school may do: transfer, 升学 or re-entry */
    if (r->user.school_id
        && XJ_E_OK == xj_progress_offer_load (r->db, c.res.id,
                                              r->user.school_id, &o))
      json_object_set_new (j, "offer", xj_progress_offer_json (&o));
    xj_reply_json (r, 200, j);
  }
  return XJ_E_OK;
}
