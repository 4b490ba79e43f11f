/* h_dropout.c -- dropout control (控辍保学): cases, their entries and
 * closure, the sweep, the ledger and the XLSX reports.  Rules and SQL
 * are in src/dropout (docs/internals/dropout.md); each handler parses,
 * calls one domain function and replies.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "change/change.h"
#include "dropout/dropout.h"
#include "http/handlers.h"
#include "school/school.h"

/* ---- lists ---- */

static void
filter_of (struct xj_req *r, struct xj_dropout_filter *f, int64_t school_id)
{
  const char *v;

  memset (f, 0, sizeof *f);
  f->status = (v = xj_req_arg (r, "status")) ? v : "";
  f->stage = (v = xj_req_arg (r, "stage")) ? v : "";
  f->source = (v = xj_req_arg (r, "source")) ? v : "";
  f->county = (v = xj_req_arg (r, "county")) ? v : "";
  f->school_id = school_id;
}

enum xj_err
xj_h_dropout_cases (struct xj_req *r)
{
  struct xj_dropout_filter f;
  int64_t limit, offset, page, total = 0, school_id;
  json_t *items;
  enum xj_err e;

  if (XJ_E_OK != xj_req_paging (r, &limit, &offset, &page)
      || XJ_E_OK != xj_req_arg_int (r, "school_id", 0, 0, INT64_MAX,
                                    &school_id))
    return r->err;
  filter_of (r, &f, school_id);
  items = json_array ();
  e = xj_dropout_cases (r->db, &r->user, 0, &f, limit, offset, &total,
                        items);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return xj_reply_domain_err (r, e, NULL);
    }
  xj_reply_json (r, 200, xj_page_json (items, total, page, limit));
  return XJ_E_OK;
}

enum xj_err
xj_h_dropout_case_get (struct xj_req *r)
{
  int64_t id;
  json_t *out = NULL;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  e = xj_dropout_case_get (r->db, &r->user, 0, id, &out);
  if (XJ_E_OK != e)
    return xj_reply_domain_err (r, e, NULL);
  xj_reply_json (r, 200, out);
  return XJ_E_OK;
}

/* ---- writes ---- */

struct act_ctx {
  struct xj_req *r;
  int64_t id, student_id;
  const char *op;           /* open, entry, decide, close, reopen */
  const char *a1, *a2;      /* reason / outcome */
  struct xj_dropout_entry_new n;
  bool created;
  const char *field;
};

static enum xj_err
act_txn (struct xj_db *db, void *cls)
{
  struct act_ctx *c = cls;
  const struct xj_user *u = &c->r->user;
  const struct xj_actor *a = &c->r->actor;

  c->field = NULL;
  switch (c->op[0])
    {
    case 'o':
      c->field = "reason";
      return xj_dropout_case_open (db, u, a, c->student_id, "manual", c->a1,
                                   &c->id, &c->created);
    case 'e':
      return xj_dropout_entry_add (db, u, a, c->id, &c->n, &c->field);
    case 'd':
      c->field = "reason";
      return xj_dropout_case_decide (db, u, a, c->id, c->a1);
    case 'c':
      return xj_dropout_case_close (db, u, a, c->id, c->a2, c->a1,
                                    &c->field);
    default:
      c->field = "reason";
      return xj_dropout_case_reopen (db, u, a, c->id, c->a1);
    }
}

/* Run @c and reply with the case as it is now (201 for a new case). */
static enum xj_err
act_run (struct xj_req *r, struct act_ctx *c)
{
  json_t *out = NULL;
  enum xj_err e = xj_db_txn_run (r->db, "dropout_act", true, &act_txn, c);

  if (XJ_E_OK != e)
    {
      /* a field error names its key; a state error does not */
      if (XJ_E_REQUIRED != e && XJ_E_CODE != e && XJ_E_TOO_LONG != e
          && XJ_E_DATE_FORMAT != e && XJ_E_RANGE != e
          && XJ_E_DROPOUT_NOT_RETURNED != e)
        c->field = NULL;
      return xj_reply_domain_err (r, e, c->field);
    }
  if (XJ_E_OK != (e = xj_dropout_case_get (r->db, &r->user, 0, c->id, &out)))
    return xj_reply_domain_err (r, e, NULL);
  json_object_set_new (out, "created", json_boolean (c->created));
  xj_reply_json (r, c->created ? 201 : 200, out);
  return XJ_E_OK;
}

enum xj_err
xj_h_dropout_case_open (struct xj_req *r)
{
  json_t *body = NULL;
  json_error_t jerr;
  json_int_t sid = 0;
  const char *reason = NULL;
  struct act_ctx c = { .r = r, .op = "open" };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:I, s?s}",
                           "student_id", &sid, "reason", &reason))
    e = xj_reply_unpack_err (r, &jerr);
  else
    {
      c.student_id = sid;
      c.a1 = reason;
      e = act_run (r, &c);
    }
  json_decref (body);
  return e;
}

enum xj_err
xj_h_dropout_entry_add (struct xj_req *r)
{
  json_t *body = NULL;
  json_error_t jerr;
  struct act_ctx c = { .r = r, .op = "entry" };
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &c.id))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT,
                           "{s:s, s?s, s?s, s?s, s?s, s?s, s?s}", "kind",
                           &c.n.kind, "happened_on", &c.n.happened_on,
                           "method", &c.n.method, "participants",
                           &c.n.participants, "reported_to",
                           &c.n.reported_to, "outcome", &c.n.outcome,
                           "detail", &c.n.detail))
    e = xj_reply_unpack_err (r, &jerr);
  else
    e = act_run (r, &c);
  json_decref (body);
  return e;
}

/* decide / close / reopen: {reason[, outcome]} */
static enum xj_err
reason_action (struct xj_req *r, const char *op)
{
  json_t *body = NULL;
  json_error_t jerr;
  struct act_ctx c = { .r = r, .op = op };
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &c.id))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT,
                           'c' == op[0] ? "{s?s, s?s}" : "{s?s}", "reason",
                           &c.a1, "outcome", &c.a2))
    e = xj_reply_unpack_err (r, &jerr);
  else
    e = act_run (r, &c);
  json_decref (body);
  return e;
}

enum xj_err
xj_h_dropout_case_decide (struct xj_req *r)
{
  return reason_action (r, "decide");
}

enum xj_err
xj_h_dropout_case_close (struct xj_req *r)
{
  return reason_action (r, "close");
}

enum xj_err
xj_h_dropout_case_reopen (struct xj_req *r)
{
  return reason_action (r, "reopen");
}

/* ---- the sweep ---- */

struct sweep_ctx {
  const struct xj_actor *a;
  const char *prefix;
  int64_t opened, escalated;
};

static enum xj_err
sweep_txn (struct xj_db *db, void *cls)
{
  struct sweep_ctx *c = cls;

  return xj_dropout_sweep (db, c->a, c->prefix, &c->opened, &c->escalated);
}

enum xj_err
xj_h_dropout_sweep (struct xj_req *r)
{
  struct xj_scope sc;
  struct sweep_ctx c = { .a = &r->actor };
  enum xj_err e;

  xj_scope_of (&r->user, &sc);
  if (sc.school_id != 0)
    return xj_reply_err (r, XJ_E_FORBIDDEN, NULL, NULL);
  c.prefix = sc.prefix;
  e = xj_db_txn_run (r->db, "dropout_sweep", true, &sweep_txn, &c);
  if (XJ_E_OK != e)
    return xj_reply_domain_err (r, e, NULL);
  xj_reply_json (r, 200, json_pack ("{s:I, s:I}", "opened",
                                    (json_int_t) c.opened, "escalated",
                                    (json_int_t) c.escalated));
  return XJ_E_OK;
}

/* ---- the ledger and the reports ---- */

static bool
date_arg (struct xj_req *r, const char *name, int def, char out[12])
{
  const char *v = xj_req_arg (r, name);

  if (NULL == v || '\0' == *v)
    {
      xj_ymd_format (def, out);
      return true;
    }
  if (0 == xj_dropout_date (v))
    return false;
  xj_strlcpy (out, v, 12);
  return true;
}

enum xj_err
xj_h_dropout_ledger (struct xj_req *r)
{
  struct xj_dropout_filter f;
  int64_t school_id;
  int today = xj_cal_today ();
  char from[12], to[12];
  json_t *out = NULL;
  enum xj_err e;

  if (XJ_E_OK != xj_req_arg_int (r, "school_id", 0, 0, INT64_MAX,
                                 &school_id))
    return r->err;
  if (! date_arg (r, "from", today / 100 * 100 + 1, from))
    return xj_reply_err (r, XJ_E_DATE_FORMAT, "from", NULL);
  if (! date_arg (r, "to", today, to))
    return xj_reply_err (r, XJ_E_DATE_FORMAT, "to", NULL);
  filter_of (r, &f, school_id);
  e = xj_dropout_ledger (r->db, &r->user, &f, from, to, &out);
  if (XJ_E_OK != e)
    return xj_reply_domain_err (r, e, NULL);
  xj_reply_json (r, 200, out);
  return XJ_E_OK;
}

/* GET /dropout/report.xlsx?kind=monthly&school_id=&month=YYYY-MM or
   ?kind=quarterly&county=&quarter=YYYY-Qn */
enum xj_err
xj_h_dropout_report (struct xj_req *r)
{
  const char *kind = xj_req_arg (r, "kind");
  bool monthly = kind && 0 == strcmp (kind, "monthly");
  struct xj_school sc;
  int64_t school_id;
  char path[1200], name[96];
  int fd;
  enum xj_err e;

  if (! monthly && ! (kind && 0 == strcmp (kind, "quarterly")))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "kind", NULL);
  if (XJ_E_OK != xj_req_arg_int (r, "school_id", r->user.school_id, 0,
                                 INT64_MAX, &school_id))
    return r->err;
  if (monthly && XJ_E_OK != xj_school_in_scope_or_reply (r, school_id, &sc))
    return r->err;
  if (! monthly && XJ_ROLE_REGISTRAR == r->user.role)
    return xj_reply_err (r, XJ_E_FORBIDDEN, NULL, NULL);
  xj_snprintf (path, sizeof path, "%s/dropout-XXXXXX", xj_req_tmpdir (r));
  if ((fd = mkostemp (path, O_CLOEXEC)) < 0)
    return xj_reply_err (r, XJ_E_IO, NULL, "无法创建临时文件");
  close (fd);
  if (monthly)
    e = xj_dropout_report_monthly (r->db, &r->user, &r->actor, 0, school_id,
                                   xj_req_arg (r, "month"), path);
  else
    e = xj_dropout_report_quarterly (r->db, &r->user, &r->actor, 0,
                                     xj_req_arg (r, "county"),
                                     xj_req_arg (r, "quarter"), path);
  if (XJ_E_OK != e)
    {
      unlink (path);
      return xj_reply_domain_err (r, e, XJ_E_DATE_FORMAT == e
                                   ? (monthly ? "month" : "quarter") : NULL);
    }
  xj_snprintf (name, sizeof name, "%s-%s.xlsx",
               monthly ? "控辍保学月报" : "控辍保学季度复核",
               monthly ? xj_req_arg (r, "month") : xj_req_arg (r, "quarter"));
  return xj_reply_file (r, path, true,
                        "application/vnd.openxmlformats-officedocument"
                        ".spreadsheetml.sheet",
                        name);
}
