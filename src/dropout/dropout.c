/* dropout.c -- the rules of dropout control (dropout.h): sources, entry
 * kinds, closure outcomes, who may act on a case, the stage rule, the
 * case workflow (open, entries, decision, close, reopen), the hooks of
 * status transitions, the catch-up sweep, and the JSON of lists, the
 * case page and the ledger.  SQL is in dropout_store.c.
 */
#include <stdlib.h>
#include <string.h>
#include "attend/attend.h"
#include "change/change.h"
#include "dropout/dropout_int.h"
#include "school/school.h"
#include "student/student.h"
#include "student/student_store.h"
#include "validate/codes.h"
#include "validate/validate.h"

/* ---- codes ---- */

struct code {
  const char *code, *zh;
};

static const struct code sources[] = {
  { "left", "其他离校" }, { "suspension", "休学逾期未复学" },
  { "manual", "学校/教育局立案" }, { "absence", "无故缺勤" },
  { NULL, NULL },
};
static const struct code kinds[] = {
  { "contact", "联系家长" }, { "home_visit", "家访" },
  { "report", "书面报告" }, { "persuasion", "劝返" }, { "note", "备注" },
  { NULL, NULL },
};
static const struct code outcomes[] = {
  { "returned", "返校复课（动态销号）" },
  { "transferred", "转学（手续完备）" },
  { "abroad", "出国（境）（有证明）" },
  { "deceased", "死亡" },
  { "special_education", "特殊教育安置/送教上门" },
  { "lost_capacity", "丧失学习能力" },
  { "aged_out", "超出义务教育年龄" },
  { NULL, NULL },
};

static const char *
zh_of (const struct code *t, const char *c)
{
  for (; c && t->code; t++)
    if (0 == strcmp (t->code, c))
      return t->zh;
  return NULL;
}

bool
xj_dropout_source_ok (const char *source)
{
  return NULL != zh_of (sources, source);
}

bool
xj_dropout_entry_kind_ok (const char *kind)
{
  return NULL != zh_of (kinds, kind);
}

bool
xj_dropout_outcome_ok (const char *outcome)
{
  return NULL != zh_of (outcomes, outcome);
}

const char *
xj_dropout_source_zh (const char *source)
{
  const char *z = zh_of (sources, source);

  return z ? z : "";
}

const char *
xj_dropout_outcome_zh (const char *outcome)
{
  const char *z = zh_of (outcomes, outcome);

  return z ? z : "";
}

const char *
xj_dropout_stage_zh (const char *stage)
{
  return stage && 0 == strcmp (stage, "dropout") ? "辍学" : "疑似辍学";
}

int
xj_dropout_date (const char *iso)
{
  char norm[12];

  return iso && 10 == strlen (iso)
             && XJ_E_OK == xj_valid_date (iso, norm, sizeof norm)
             && 0 == strcmp (norm, iso)
           ? xj_ymd_parse (iso)
           : 0;
}

bool
xj_dropout_stage_due (const struct xj_calendar *cal, int opened_ymd,
                      int today_ymd, int days)
{
  /* more than @days school days: the day @days school days after the
     opening has passed */
  return opened_ymd > 0 && days > 0
         && today_ymd > xj_cal_add_workdays (cal, opened_ymd,
                                             (unsigned) days);
}

/* ---- who may act ---- */

/* @u NULL is the system.  Out of scope is NOT_FOUND (like missing). */
static enum xj_err
may_act (const struct xj_user *u, int64_t school_id, const char *county)
{
  if (NULL == u)
    return XJ_E_OK;
  if (XJ_ROLE_TEACHER == u->role || XJ_ROLE_NONE == u->role)
    return XJ_E_FORBIDDEN;
  return xj_scope_school_write (u, school_id, county) ? XJ_E_OK
                                                      : XJ_E_NOT_FOUND;
}

static void
today_iso (char out[12])
{
  xj_ymd_format (xj_cal_today (), out);
}

static bool
text_ok (const char *s)
{
  return NULL == s || (strlen (s) <= XJ_DROPOUT_TEXT_MAX
                       && xj_utf8_valid (s, strlen (s)));
}

static bool
blank (const char *s)
{
  return NULL == s || '\0' == *s;
}

/* A required free-text reason. */
static enum xj_err
reason_err (const char *reason)
{
  return blank (reason) ? XJ_E_REQUIRED
                        : text_ok (reason) ? XJ_E_OK : XJ_E_TOO_LONG;
}

/* The entry, the student event and the audit entry of one action on case
   @c: @what is "opened", "entry", "stage", "closed", "reopened". */
static enum xj_err
record (struct xj_db *db, const struct xj_actor *a, int64_t case_id,
        int64_t student_id, const struct xj_dropout_entry_new *n,
        const char *what, json_t *before)
{
  json_t *after = json_pack ("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                             "case_id", (json_int_t) case_id, "kind",
                             n->kind, "happened_on", n->happened_on,
                             "method", n->method ? n->method : "",
                             "participants",
                             n->participants ? n->participants : "",
                             "reported_to",
                             n->reported_to ? n->reported_to : "",
                             "outcome", n->outcome ? n->outcome : "",
                             "detail", n->detail ? n->detail : "");
  char at[32], kind[40], idbuf[24];
  char *tb = before ? json_dumps (before, JSON_COMPACT | JSON_SORT_KEYS)
                    : NULL;
  char *ta = json_dumps (after, JSON_COMPACT | JSON_SORT_KEYS);
  enum xj_err e;

  xj_now_iso (at);
  xj_snprintf (kind, sizeof kind, "dropout.%s", what);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) case_id);
  e = xj_dropout_store_entry (db, case_id, n, at, a);
  if (XJ_E_OK == e)
    e = xj_student_add_event (db, student_id, a, kind, at, tb, ta);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, a, kind, "dropout_case", idbuf, tb, ta);
  free (tb);
  free (ta);
  json_decref (after);
  return e;
}

/* ---- open ---- */

static bool
status_may_open (const char *st)
{
  return 0 == strcmp (st, "enrolled") || 0 == strcmp (st, "suspended")
         || 0 == strcmp (st, "left");
}

enum xj_err
xj_dropout_case_open (struct xj_db *db, const struct xj_user *u,
                      const struct xj_actor *a, int64_t student_id,
                      const char *source, const char *detail,
                      int64_t *case_id, bool *created)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_student_ctx ctx;
  char today[12];
  enum xj_err e;

  *case_id = 0;
  if (created)
    *created = false;
  e = xj_student_load_ctx (db, student_id, s, &ctx);
  if (XJ_E_OK == e)
    e = may_act (u, s->school_id, ctx.county_code);
  if (XJ_E_OK == e)
    e = xj_dropout_source_ok (source) ? reason_err (detail) : XJ_E_CODE;
  if (XJ_E_OK == e)
    e = xj_dropout_open_case_of (db, student_id, case_id);
  if (XJ_E_OK != e || *case_id)
    goto out;   /* idempotent: the open case stands */
  if (! xj_grade_compulsory (s->grade))
    e = XJ_E_DROPOUT_NOT_COMPULSORY;
  else if (! status_may_open (s->status))
    e = XJ_E_DROPOUT_STUDENT_STATUS;
  if (XJ_E_OK != e)
    goto out;
  today_iso (today);
  {
    char at[32];

    xj_now_iso (at);
    e = xj_dropout_store_insert (db, student_id, s->school_id, source,
                                 detail, today, at, case_id);
  }
  if (XJ_E_OK == e)
    e = record (db, a, *case_id, student_id,
                &(struct xj_dropout_entry_new) {
                  .kind = "open", .happened_on = today, .outcome = source,
                  .detail = detail },
                "opened", NULL);
  if (XJ_E_OK == e && created)
    *created = true;
out:
  free (s);
  return e;
}

/* ---- the case's actions ---- */

/* Load case @id and check @u may act on it (its student's school now). */
static enum xj_err
load_for (struct xj_db *db, const struct xj_user *u, int64_t id,
          struct xj_dropout_case *c)
{
  enum xj_err e = xj_dropout_store_case (db, id, c);

  return XJ_E_OK == e ? may_act (u, c->student_school_id, c->county) : e;
}

/* What a case operation brings to on_case: its arguments, and *field
   for the member a check blames. */
struct case_op {
  const struct xj_user *u;
  const struct xj_actor *a;
  const struct xj_dropout_entry_new *n;   /* entry_add */
  const char *outcome, *reason;
  const char **field;
};
typedef enum xj_err (*case_step) (struct xj_db *db, struct case_op *op,
                                  const struct xj_dropout_case *c);

/* THE load-then-act of every operation on one case: load case @id for
   @op->u (out of scope: not found), @check it, then @act on it. */
static enum xj_err
on_case (struct xj_db *db, int64_t id, struct case_op *op, case_step check,
         case_step act)
{
  struct xj_dropout_case *c = xj_malloc (sizeof *c);
  enum xj_err e = load_for (db, op->u, id, c);

  if (XJ_E_OK == e)
    e = check (db, op, c);
  if (XJ_E_OK == e)
    e = act (db, op, c);
  free (c);
  return e;
}

static json_t *
state_json (const struct xj_dropout_case *c)
{
  return json_pack ("{s:s, s:s, s:s}", "status", c->status, "stage",
                    c->stage, "outcome", c->outcome);
}

/* What each kind of entry needs: who, how, to whom, the outcome. */
static enum xj_err
entry_check (const struct xj_dropout_entry_new *n, const char **field)
{
  bool persuasion = 0 == strcmp (n->kind, "persuasion");
  bool visit = 0 == strcmp (n->kind, "home_visit");
  bool contact = 0 == strcmp (n->kind, "contact");
  int ymd = xj_dropout_date (n->happened_on);

  *field = "happened_on";
  if (blank (n->happened_on))
    return XJ_E_REQUIRED;
  if (ymd <= 0)
    return XJ_E_DATE_FORMAT;
  if (ymd > xj_cal_today ())
    return XJ_E_RANGE;
  *field = "method";
  if ((persuasion || contact) && blank (n->method))
    return XJ_E_REQUIRED;
  *field = "participants";
  if ((persuasion || visit) && blank (n->participants))
    return XJ_E_REQUIRED;
  *field = "reported_to";
  if (0 == strcmp (n->kind, "report") && blank (n->reported_to))
    return XJ_E_REQUIRED;
  *field = "outcome";
  if ((persuasion || visit || contact) && blank (n->outcome))
    return XJ_E_REQUIRED;
  *field = "detail";
  if (0 == strcmp (n->kind, "note") && blank (n->detail))
    return XJ_E_REQUIRED;
  *field = NULL;
  if (! text_ok (n->method) || ! text_ok (n->participants)
      || ! text_ok (n->reported_to) || ! text_ok (n->outcome)
      || ! text_ok (n->detail))
    return XJ_E_TOO_LONG;
  return XJ_E_OK;
}

static enum xj_err
entry_ok (struct xj_db *db, struct case_op *op,
          const struct xj_dropout_case *c)
{
  (void) db;
  if (0 != strcmp (c->status, "open"))
    return XJ_E_DROPOUT_CASE_CLOSED;
  if (! xj_dropout_entry_kind_ok (op->n->kind))
    {
      *op->field = "kind";
      return XJ_E_CODE;
    }
  return entry_check (op->n, op->field);
}

static enum xj_err
entry_do (struct xj_db *db, struct case_op *op,
          const struct xj_dropout_case *c)
{
  return record (db, op->a, c->id, c->student_id, op->n, "entry", NULL);
}

enum xj_err
xj_dropout_entry_add (struct xj_db *db, const struct xj_user *u,
                      const struct xj_actor *a, int64_t case_id,
                      const struct xj_dropout_entry_new *n,
                      const char **field)
{
  struct case_op op = { .u = u, .a = a, .n = n, .field = field };

  *field = NULL;
  return on_case (db, case_id, &op, &entry_ok, &entry_do);
}

/* The stage becomes 辍学 on @on, by @why ("rule" or the bureau's
   reason). */
static enum xj_err
escalate (struct xj_db *db, const struct xj_actor *a,
          const struct xj_dropout_case *c, const char *why)
{
  char on[12];
  json_t *before = state_json (c);
  enum xj_err e;

  today_iso (on);
  e = xj_dropout_store_stage (db, c->id, on);
  if (XJ_E_OK == e)
    e = record (db, a, c->id, c->student_id,
                &(struct xj_dropout_entry_new) {
                  .kind = "stage", .happened_on = on, .outcome = "dropout",
                  .detail = why },
                "stage", before);
  json_decref (before);
  return e;
}

static enum xj_err
decide_ok (struct xj_db *db, struct case_op *op,
           const struct xj_dropout_case *c)
{
  (void) db;
  if (XJ_ROLE_BUREAU != op->u->role && XJ_ROLE_ADMIN != op->u->role)
    return XJ_E_FORBIDDEN;
  if (0 != strcmp (c->status, "open"))
    return XJ_E_DROPOUT_CASE_CLOSED;
  if (0 == strcmp (c->stage, "dropout"))
    return XJ_E_DROPOUT_STAGE;
  return reason_err (op->reason);
}

static enum xj_err
decide_do (struct xj_db *db, struct case_op *op,
           const struct xj_dropout_case *c)
{
  return escalate (db, op->a, c, op->reason);
}

enum xj_err
xj_dropout_case_decide (struct xj_db *db, const struct xj_user *u,
                        const struct xj_actor *a, int64_t case_id,
                        const char *reason)
{
  struct case_op op = { .u = u, .a = a, .reason = reason };

  return on_case (db, case_id, &op, &decide_ok, &decide_do);
}

static enum xj_err
close_ok (struct xj_db *db, struct case_op *op,
          const struct xj_dropout_case *c)
{
  (void) db;
  if (0 != strcmp (c->status, "open"))
    return XJ_E_DROPOUT_CASE_CLOSED;
  *op->field = "outcome";
  if (blank (op->outcome))
    return XJ_E_REQUIRED;
  if (! xj_dropout_outcome_ok (op->outcome))
    return XJ_E_CODE;
  if (0 == strcmp (op->outcome, "returned")
      && 0 != strcmp (c->student_status, "enrolled"))
    return XJ_E_DROPOUT_NOT_RETURNED;
  *op->field = "reason";
  return reason_err (op->reason);
}

static enum xj_err
close_do (struct xj_db *db, struct case_op *op,
          const struct xj_dropout_case *c)
{
  char on[12], at[32];
  json_t *before = state_json (c);
  enum xj_err e;

  *op->field = NULL;
  today_iso (on);
  xj_now_iso (at);
  e = xj_dropout_store_close (db, c->id, op->outcome, at);
  if (XJ_E_OK == e)
    e = record (db, op->a, c->id, c->student_id,
                &(struct xj_dropout_entry_new) {
                  .kind = "close", .happened_on = on,
                  .outcome = op->outcome, .detail = op->reason },
                "closed", before);
  json_decref (before);
  return e;
}

enum xj_err
xj_dropout_case_close (struct xj_db *db, const struct xj_user *u,
                       const struct xj_actor *a, int64_t case_id,
                       const char *outcome, const char *reason,
                       const char **field)
{
  struct case_op op = { .u = u, .a = a, .outcome = outcome,
                        .reason = reason, .field = field };

  *field = NULL;
  return on_case (db, case_id, &op, &close_ok, &close_do);
}

static enum xj_err
reopen_ok (struct xj_db *db, struct case_op *op,
           const struct xj_dropout_case *c)
{
  (void) db;
  if (0 != strcmp (c->status, "closed"))
    return XJ_E_DROPOUT_CASE_NOT_CLOSED;
  return reason_err (op->reason);
}

static enum xj_err
reopen_do (struct xj_db *db, struct case_op *op,
           const struct xj_dropout_case *c)
{
  char on[12];
  json_t *before = state_json (c);
  enum xj_err e;

  today_iso (on);
  e = xj_dropout_store_reopen (db, c->id, on);
  if (XJ_E_OK == e)
    e = record (db, op->a, c->id, c->student_id,
                &(struct xj_dropout_entry_new) {
                  .kind = "reopen", .happened_on = on,
                  .detail = op->reason },
                "reopened", before);
  json_decref (before);
  return e;
}

enum xj_err
xj_dropout_case_reopen (struct xj_db *db, const struct xj_user *u,
                        const struct xj_actor *a, int64_t case_id,
                        const char *reason)
{
  struct case_op op = { .u = u, .a = a, .reason = reason };

  return on_case (db, case_id, &op, &reopen_ok, &reopen_do);
}

/* ---- transitions and the sweep ---- */

enum xj_err
xj_dropout_on_status (struct xj_db *db, const struct xj_actor *a,
                      int64_t student_id, const char *grade,
                      const char *from, const char *to, const char *why)
{
  int64_t id = 0;
  enum xj_err e;

  if (0 == strcmp (to, "left") && 0 != strcmp (from, "left"))
    return xj_grade_compulsory (grade)
             ? xj_dropout_case_open (db, NULL, a, student_id, "left", why,
                                     &id, NULL)
             : XJ_E_OK;
  if (0 != strcmp (to, "enrolled")
      || (0 != strcmp (from, "suspended") && 0 != strcmp (from, "left")))
    return XJ_E_OK;
  if (XJ_E_OK != (e = xj_dropout_open_case_of (db, student_id, &id)) || 0 == id)
    return e;
  {
    struct xj_dropout_case *c = xj_malloc (sizeof *c);
    const char *field = NULL;   /* the system closes: no user, no scope */
    struct case_op op = { .a = a, .outcome = "returned", .reason = why,
                          .field = &field };

    e = xj_dropout_store_case (db, id, c);
    if (XJ_E_OK == e)
      e = close_do (db, &op, c);
    free (c);
  }
  return e;
}

static enum xj_err
sweep_open (struct xj_db *db, const struct xj_actor *a, const char *prefix,
            const char *today, enum xj_dropout_sweep_kind k, int64_t *n)
{
  struct xj_dropout_pair *v = NULL;
  size_t cnt = 0;
  char detail[96];
  enum xj_err e = xj_dropout_store_sweep (db, k, prefix, today, &v, &cnt);

  for (size_t i = 0; XJ_E_OK == e && i < cnt; i++)
    {
      int64_t id;
      bool created = false;

      if (XJ_DO_SWEEP_LEFT == k)
        xj_strlcpy (detail, "学籍状态为其他离校", sizeof detail);
      else
        xj_snprintf (detail, sizeof detail, "休学期满（%s）未复学",
                     v[i].date);
      e = xj_dropout_case_open (db, NULL, a, v[i].id,
                                XJ_DO_SWEEP_LEFT == k ? "left" : "suspension",
                                detail, &id, &created);
      *n += created;
    }
  free (v);
  return e;
}

/* Students whose unexcused absences reached a level (attendance's
   xj_att_suspects), collected first: the scan's strings live only in
   its callback. */
struct absentee {
  int64_t id;
  int streak, halfdays;
};

struct absentees {
  struct absentee *v;
  size_t n, cap;
};

static void
absentee_cb (void *cls, const struct xj_att_suspect *s)
{
  struct absentees *l = cls;

  if (XJ_ATT_NONE == s->level)
    return;
  *XJ_VEC_PUSH (l->v, l->n, l->cap)
    = (struct absentee) { s->student_id, s->t.streak, s->t.term_halfdays };
}

/* The absence source (domain.md §9): every student of the region that
   attendance lists as a suspected dropout or dropout gets a case. */
static enum xj_err
sweep_absence (struct xj_db *db, const struct xj_actor *a,
               const char *prefix, int64_t *n)
{
  struct xj_scope sc = { .school_id = 0 };
  struct absentees l = { 0 };
  char detail[96];
  enum xj_err e;

  xj_strlcpy (sc.prefix, prefix, sizeof sc.prefix);
  e = xj_att_suspects (db, &sc, 0, xj_cal_today (), &absentee_cb, &l);
  for (size_t i = 0; XJ_E_OK == e && i < l.n; i++)
    {
      int64_t id;
      bool created = false;

      xj_snprintf (detail, sizeof detail,
                   "无故缺课：最长连续%d个上课日，本学期累计%d个半天",
                   l.v[i].streak, l.v[i].halfdays);
      e = xj_dropout_case_open (db, NULL, a, l.v[i].id, "absence", detail,
                                &id, &created);
      *n += created;
    }
  free (l.v);
  return e;
}

static enum xj_err
sweep_stage (struct xj_db *db, const struct xj_actor *a, const char *prefix,
             int64_t *n)
{
  struct xj_change_settings set;
  struct xj_calendar cal = { 0 };
  struct xj_dropout_pair *v = NULL;
  size_t cnt = 0;
  char why[96];
  enum xj_err e = xj_change_settings_get (db, &set);

  if (XJ_E_OK == e)
    e = xj_cal_load (db, &cal);
  if (XJ_E_OK == e)
    e = xj_dropout_store_sweep (db, XJ_DO_SWEEP_STAGE, prefix, "", &v, &cnt);
  xj_snprintf (why, sizeof why, "疑似辍学超过%d个上课日未返校",
               set.dropout_days);
  for (size_t i = 0; XJ_E_OK == e && i < cnt; i++)
    {
      struct xj_dropout_case *c;

      if (! xj_dropout_stage_due (&cal, xj_ymd_parse (v[i].date),
                                  xj_cal_today (), set.dropout_days))
        continue;
      c = xj_malloc (sizeof *c);
      e = xj_dropout_store_case (db, v[i].id, c);
      if (XJ_E_OK == e)
        e = escalate (db, a, c, why);
      *n += XJ_E_OK == e;
      free (c);
    }
  free (v);
  xj_cal_fini (&cal);
  return e;
}

enum xj_err
xj_dropout_sweep (struct xj_db *db, const struct xj_actor *a,
                  const char *prefix, int64_t *opened, int64_t *escalated)
{
  char today[12];
  enum xj_err e;

  *opened = *escalated = 0;
  today_iso (today);
  e = sweep_open (db, a, prefix, today, XJ_DO_SWEEP_LEFT, opened);
  if (XJ_E_OK == e)
    e = sweep_open (db, a, prefix, today, XJ_DO_SWEEP_SUSPENSION, opened);
  if (XJ_E_OK == e)
    e = sweep_absence (db, a, prefix, opened);
  if (XJ_E_OK == e)
    e = sweep_stage (db, a, prefix, escalated);
  return e;
}

/* ---- reading ---- */

bool
xj_dropout_scope (const struct xj_user *u, const char *county,
                  int64_t school_id, struct xj_dropout_q *q, char prefix[16])
{
  struct xj_scope sc;
  size_t sl, cl = county ? strlen (county) : 0;

  xj_scope_of (u, &sc);
  memset (q, 0, sizeof *q);
  if (sc.school_id < 0 || (sc.school_id > 0 && school_id > 0
                           && sc.school_id != school_id))
    return false;
  sl = strlen (sc.prefix);
  /* the longer prefix wins when one extends the other */
  if (cl > sl ? 0 != strncmp (county, sc.prefix, sl)
              : 0 != strncmp (sc.prefix, county ? county : "", cl))
    return false;
  xj_strlcpy (prefix, cl > sl ? county : sc.prefix, 16);
  q->prefix = prefix;
  q->school_id = sc.school_id > 0 ? sc.school_id : school_id;
  q->status = q->stage = q->source = "";
  return true;
}

double
xj_dropout_retention (const struct xj_dropout_ledger_row *r)
{
  int64_t kept = r->stayed + r->transferred, base = kept + r->lost;

  if (base <= 0)
    return -1;
  return (double) (kept * 1000 / base) / 10.0;
}

struct list_json {
  json_t *items;
  unsigned show;
  struct xj_db *db;
};

static json_t *
case_json (const struct xj_dropout_case *c, unsigned show)
{
  char buf[32];
  const char *st = xj_code_zh ("status", c->student_status);
  const char *gr = xj_code_zh ("grade", c->grade);

  return json_pack (
    "{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
    " s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I}",
    "id", (json_int_t) c->id, "student_id", (json_int_t) c->student_id,
    "name", c->name, "registry_no",
    xj_mask_for (XJ_MASK_REGISTRY_NO, show, c->registry_no, buf, sizeof buf),
    "grade", c->grade, "grade_label", gr ? gr : c->grade,
    "student_status", c->student_status, "student_status_label",
    st ? st : c->student_status, "source", c->source, "source_label",
    xj_dropout_source_zh (c->source), "detail", c->detail, "stage",
    c->stage, "stage_label", xj_dropout_stage_zh (c->stage), "status",
    c->status, "opened_on", c->opened_on, "dropout_on", c->dropout_on,
    "school_id", (json_int_t) c->student_school_id, "school_name",
    c->school_name, "class_name", c->class_name, "outcome", c->outcome,
    "closed_at", c->closed_at, "version", (json_int_t) c->version);
}

static void
list_cb (void *cls, const struct xj_dropout_case *c)
{
  struct list_json *l = cls;

  json_array_append_new (l->items, case_json (c, l->show));
}

enum xj_err
xj_dropout_cases (struct xj_db *db, const struct xj_user *u, unsigned show,
                  const struct xj_dropout_filter *f, int64_t limit,
                  int64_t offset, int64_t *total, json_t *items)
{
  struct xj_dropout_q q;
  struct list_json l = { items, show, db };
  char prefix[16];

  *total = 0;
  if (! xj_dropout_scope (u, f->county, f->school_id, &q, prefix))
    return XJ_E_OK;
  q.status = f->status ? f->status : "";
  q.stage = f->stage ? f->stage : "";
  q.source = f->source ? f->source : "";
  return xj_dropout_store_list (db, &q, limit, offset, total, &list_cb, &l);
}

enum xj_err
xj_dropout_case_get (struct xj_db *db, const struct xj_user *u,
                     unsigned show, int64_t case_id, json_t **out)
{
  struct xj_dropout_case *c = xj_malloc (sizeof *c);
  enum xj_err e = xj_dropout_store_case (db, case_id, c);
  json_t *entries = json_array ();

  *out = NULL;
  if (XJ_E_OK == e && ! xj_scope_student (u, c->student_school_id, c->county,
                                          0))
    e = XJ_E_NOT_FOUND;
  if (XJ_E_OK == e)
    e = xj_dropout_store_entries (db, case_id, entries);
  if (XJ_E_OK == e)
    {
      *out = case_json (c, show);
      json_object_set_new (*out, "outcome_label",
                           json_string (xj_dropout_outcome_zh (c->outcome)));
      json_object_set_new (*out, "entries", entries);
      entries = NULL;
    }
  json_decref (entries);
  free (c);
  return e;
}

struct ledger_json {
  json_t *schools;
  int target;
  struct xj_dropout_ledger_row sum;
};

static json_t *
ledger_row_json (const struct xj_dropout_ledger_row *r, int target)
{
  double rate = xj_dropout_retention (r);

  return json_pack ("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
                    " s:o, s:b}",
                    "school_id", (json_int_t) r->school_id, "code", r->code,
                    "name", r->name, "on_roll", (json_int_t) r->on_roll,
                    "suspected", (json_int_t) r->suspected, "dropouts",
                    (json_int_t) r->dropouts, "returned",
                    (json_int_t) r->returned, "closed_other",
                    (json_int_t) r->closed_other, "stayed",
                    (json_int_t) r->stayed, "lost", (json_int_t) r->lost,
                    "transferred", (json_int_t) r->transferred, "retention",
                    rate < 0 ? json_null () : json_real (rate),
                    "below_target", rate >= 0 && rate < (double) target);
}

static void
ledger_cb (void *cls, const struct xj_dropout_ledger_row *r)
{
  struct ledger_json *l = cls;

  json_array_append_new (l->schools, ledger_row_json (r, l->target));
  l->sum.on_roll += r->on_roll;
  l->sum.suspected += r->suspected;
  l->sum.dropouts += r->dropouts;
  l->sum.returned += r->returned;
  l->sum.closed_other += r->closed_other;
  l->sum.stayed += r->stayed;
  l->sum.lost += r->lost;
  l->sum.transferred += r->transferred;
}

enum xj_err
xj_dropout_ledger (struct xj_db *db, const struct xj_user *u,
                   const struct xj_dropout_filter *f, const char *from,
                   const char *to, json_t **out)
{
  struct xj_change_settings set;
  struct xj_dropout_q q;
  struct ledger_json l = { json_array (), 0, { 0 } };
  char prefix[16], to_end[16], year_start[12];
  enum xj_err e = xj_change_settings_get (db, &set);

  *out = NULL;
  l.target = set.retention_target;
  xj_snprintf (to_end, sizeof to_end, "%sT99", to);
  xj_snprintf (year_start, sizeof year_start, "%04d-09-01",
               xj_valid_school_year (xj_cal_today ()));
  if (XJ_E_OK == e && xj_dropout_scope (u, f->county, f->school_id, &q,
                                        prefix))
    e = xj_dropout_store_ledger (db, q.prefix, q.school_id, from, to_end,
                                 year_start, &ledger_cb, &l);
  if (XJ_E_OK != e)
    {
      json_decref (l.schools);
      return e;
    }
  xj_strlcpy (l.sum.name, "合计", sizeof l.sum.name);
  *out = json_pack ("{s:i, s:s, s:s, s:s, s:o, s:o}", "target", l.target,
                    "from", from, "to", to, "year_start", year_start,
                    "schools", l.schools, "total",
                    ledger_row_json (&l.sum, l.target));
  return XJ_E_OK;
}
