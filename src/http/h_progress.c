/* h_progress.c -- /api/v1/progress: 升学 (enrol a graduate of the
 * previous stage by full ID or registry number), re-entry of an ended
 * record, and the bureau's school-choice figures of 小升初 (JSON, and
 * as XLSX through src/export).  Template: parse, validate, authorise,
 * transaction, reply; the rules live in src/change/progress.c.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "change/change.h"
#include "export/export.h"
#include "change/progress.h"
#include "core/util.h"
#include "http/handlers.h"
#include "idcard/idcard.h"
#include "school/school.h"
#include "student/student.h"
#include "student/student_json.h"
#include "zone/zone.h"

#define REASON_MAX 500

/* The person's full number: a resident ID (normalised into @card) or a
   registry number (upper-cased into @reg); exactly one. */
static enum xj_err
parse_number (struct xj_req *r, const char *id_no, const char *reg_in,
              struct xj_idcard *card, char reg[24],
              struct xj_progress_new *n)
{
  if (id_no && *id_no && ! (reg_in && *reg_in))
    {
      enum xj_err e = xj_idcard_parse (id_no, xj_cal_today (), card);

      if (XJ_E_OK != e)
        return xj_reply_err (r, e, "id_no", NULL);
      n->id_no = card->id18;
      return XJ_E_OK;
    }
  if (! (reg_in && *reg_in) || (id_no && *id_no))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "id_no",
                         "须提供完整的身份证号或学籍号之一");
  if (strlen (reg_in) >= 24)
    return xj_reply_err (r, XJ_E_REGISTRY_NO, "registry_no", NULL);
  for (size_t i = 0; i <= strlen (reg_in); i++)
    reg[i] = (char) (reg_in[i] >= 'a' && reg_in[i] <= 'z' ? reg_in[i] - 32
                                                         : reg_in[i]);
  if (! xj_registry_no_valid (reg))
    return xj_reply_err (r, XJ_E_REGISTRY_NO, "registry_no", NULL);
  n->registry_no = reg;
  return XJ_E_OK;
}

/* The admitting school: a registrar's own; otherwise school_id, which
   must be in the caller's write scope (404 like missing). */
static enum xj_err
admitting_school (struct xj_req *r, int64_t asked, int64_t *out)
{
  struct xj_school sch;

  if (XJ_ROLE_REGISTRAR == r->user.role)
    {
      if (asked && asked != r->user.school_id)
        return xj_reply_err (r, XJ_E_OUT_OF_SCOPE, "school_id",
                             "只能为本校办理");
      *out = r->user.school_id;
      return XJ_E_OK;
    }
  if (0 == asked)
    return xj_reply_err (r, XJ_E_MISSING_FIELD, "school_id", "请选择学校");
  if (XJ_E_OK != xj_school_get (r->db, asked, &sch)
      || ! xj_scope_school_write (&r->user, sch.id, sch.county_code))
    return xj_reply_err (r, XJ_E_NOT_FOUND, "school_id", NULL);
  *out = sch.id;
  return XJ_E_OK;
}

struct pg_ctx {
  const struct xj_user *u;
  const struct xj_actor *a;
  struct xj_progress_new n;
  struct xj_progress_result res;
  const char *field;
};

static enum xj_err
pg_txn (struct xj_db *db, void *cls)
{
  struct pg_ctx *c = cls;

  c->n.errs->n = 0;   /* a retried transaction checks again */
  c->n.warns->n = 0;
  return xj_progress_enrol (db, c->u, c->a, &c->n, &c->res, &c->field);
}

static enum xj_err
reply_result (struct xj_req *r, enum xj_err e, struct pg_ctx *c)
{
  switch (e)
    {
    case XJ_E_OK:
      break;
    case XJ_E_AGE_GRADE:
    case XJ_E_SCHOOL_GRADE:
      /* the grade check answers as on registration and import */
      return xj_reply_verrs (r, c->n.errs);
    case XJ_E_NOT_FOUND:
      return xj_reply_err (r, e, c->field, "未找到该学籍");
    case XJ_E_PROGRESS_NOT_GRADUATE:
      return xj_reply_err (r, e, c->field,
                           "升学须为上一学段毕业或结业的学生；其他已结束的学籍请办理重新入学，在读学生请办理转学");
    case XJ_E_REENTRY_REFUSED:
      return xj_reply_err (r, e, c->field,
                           "死亡的学籍不能重新入学；在读或休学学生请办理转学，毕业生请办理升学");
    case XJ_E_PROGRESS_GRADE:
    case XJ_E_REENTRY_GRADE:
      return xj_reply_err (r, e, "grade",
                           "请从可选年级中选择（该校开设、与学籍相符的年级）");
    case XJ_E_NO_SUCH_CLASS:
      return xj_reply_err (r, e, "class_id", "班级须为本学年（暑期为新学年）该校该年级的班级");
    case XJ_E_NO_SUCH_SCHOOL:
    case XJ_E_CHANGE_OPEN:
      return xj_reply_err (r, e, c->field, NULL);
    default:
      return e;
    }
  if (c->res.request_id)
    xj_reply_json (r, 202, json_pack ("{s:b, s:I, s:I, s:o}", "applied", 0,
                                      "student_id",
                                      (json_int_t) c->res.student_id,
                                      "request_id",
                                      (json_int_t) c->res.request_id,
                                      "warnings",
                                      xj_verrs_to_json (c->n.warns)));
  else
    xj_reply_json (r, 201, json_pack ("{s:b, s:I, s:I, s:o, s:o}", "applied",
                                      1, "student_id",
                                      (json_int_t) c->res.student_id,
                                      "progression_id",
                                      (json_int_t) c->res.progression_id,
                                      "warnings",
                                      xj_verrs_to_json (c->n.warns),
                                      "class_size_warning",
                                      xj_cs_warn_json (&c->res.class_size)));
  return XJ_E_OK;
}

static enum xj_err
enrol (struct xj_req *r, enum xj_progress_kind kind)
{
  json_t *body = NULL;
  json_error_t jerr;
  const char *id_no = NULL, *reg = NULL;
  json_int_t school_id = 0, class_id = 0;
  struct xj_idcard card;
  char regbuf[24];
  struct pg_ctx c = { .u = &r->user, .a = &r->actor,
                      .n = { .kind = kind, .grade = "", .reason = "",
                             .route = "direct" } };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT,
                           "{s?s, s?s, s?I, s?s, s?I, s?s}", "id_no", &id_no,
                           "registry_no", &reg, "school_id", &school_id,
                           "grade", &c.n.grade, "class_id", &class_id,
                           "reason", &c.n.reason))
    e = xj_reply_err (r, strstr (jerr.text, "unpacked") ? XJ_E_UNKNOWN_FIELD
                                                        : XJ_E_BAD_TYPE,
                      NULL, "%s", jerr.text);
  else if (XJ_PG_REENTER == kind && '\0' == *c.n.reason)
    e = xj_reply_err (r, XJ_E_REQUIRED, "reason", "请填写重新入学原因");
  else if (strlen (c.n.reason) > REASON_MAX)
    e = xj_reply_err (r, XJ_E_TOO_LONG, "reason", NULL);
  else if (XJ_E_OK == (e = parse_number (r, id_no, reg, &card, regbuf, &c.n))
           && XJ_E_OK == (e = admitting_school (r, school_id,
                                                &c.n.school_id)))
    {
      c.n.class_id = class_id;
      c.n.errs = xj_calloc (1, sizeof *c.n.errs);
      c.n.warns = xj_calloc (1, sizeof *c.n.warns);
      e = reply_result (r, xj_db_txn_run (r->db, "progress", true, &pg_txn,
                                          &c),
                        &c);
    }
  free (c.n.errs);
  free (c.n.warns);
  json_decref (body);
  return e;
}

enum xj_err
xj_h_progress_enrol (struct xj_req *r)
{
  return enrol (r, XJ_PG_PROMOTE);
}

enum xj_err
xj_h_progress_reenter (struct xj_req *r)
{
  return enrol (r, XJ_PG_REENTER);
}

/* ---- GET /progress/school-choice ---- */

struct choice_ctx {
  const char *region;
  int year;
  json_t *out;
};

static enum xj_err
choice_txn (struct xj_db *db, void *cls)
{
  struct choice_ctx *c = cls;

  json_decref (c->out);
  return xj_school_choice_json (db, c->region, c->year, &c->out);
}

/* A region prefix of 0, 2, 4 or 6 digits. */
static bool
region_prefix_ok (const char *p)
{
  size_t n = strlen (p);

  if (n > 6 || n % 2)
    return false;
  for (size_t i = 0; i < n; i++)
    if (p[i] < '0' || p[i] > '9')
      return false;
  return true;
}

/* ?year (default this year) and ?region (default the bureau's own) into
   @c; a bureau sees its own region and what lies inside it. */
static enum xj_err
choice_args (struct xj_req *r, struct choice_ctx *c)
{
  const char *own = XJ_ROLE_BUREAU == r->user.role ? r->user.region_code
                                                   : "";
  int64_t year;
  int y, m, d;

  xj_today (&y, &m, &d);
  if (XJ_E_OK != xj_req_arg_int (r, "year", y, 2000, 2100, &year))
    return r->err;
  c->year = (int) year;
  c->region = xj_req_arg (r, "region");
  if (NULL == c->region)
    c->region = own;
  if (! region_prefix_ok (c->region))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "region",
                         "应为2、4或6位行政区划代码");
  if (strlen (c->region) < strlen (own)
      || 0 != strncmp (c->region, own, strlen (own)))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  return XJ_E_OK;
}

enum xj_err
xj_h_progress_school_choice (struct xj_req *r)
{
  struct choice_ctx c = { NULL, 0, NULL };
  enum xj_err e;

  if (XJ_E_OK != choice_args (r, &c))
    return r->err;
  e = xj_db_txn_run (r->db, "school_choice", false, &choice_txn, &c);
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, c.out);
  else
    json_decref (c.out);
  return e;
}

/* GET /progress/school-choice.xlsx: the same figures as a sheet. */
enum xj_err
xj_h_progress_school_choice_xlsx (struct xj_req *r)
{
  struct choice_ctx c = { NULL, 0, NULL };
  char path[1200], name[64];
  enum xj_err e;

  if (XJ_E_OK != choice_args (r, &c)
      || XJ_E_OK != xj_req_temp_file (r, "choice", path, sizeof path))
    return r->err;
  e = xj_export_school_choice (r->db, &r->actor, c.region, c.year,
                               xj_req_tmpdir (r), path);
  if (XJ_E_OK != e)
    {
      unlink (path);
      return xj_reply_err (r, e, NULL, NULL);
    }
  xj_snprintf (name, sizeof name, "择校统计-%s-%d.xlsx",
               '\0' == c.region[0] ? "全部" : c.region, c.year);
  return xj_reply_file (r, path, true, XJ_XLSX_MIME, name);
}
