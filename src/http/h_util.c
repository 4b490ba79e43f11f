/* h_util.c -- helpers shared by handlers: scope names, school lookup with
 * scope check, the student list filters (list and export) with their
 * full-number search budget and audit.
 */
#include <stdint.h>
#include <string.h>
#include "http/handlers.h"
#include "region/region.h"
#include "school/school.h"
#include "user/reveal.h"
#include "validate/codes.h"

void
xj_scope_names (struct xj_db *db, const struct xj_user *u, char *region_name,
                size_t rsz, char *school_name, size_t ssz)
{
  struct xj_school s;

  region_name[0] = '\0';
  school_name[0] = '\0';
  if (u->region_code[0])
    xj_region_path (db, u->region_code, region_name, rsz);
  if (u->school_id && XJ_E_OK == xj_school_get (db, u->school_id, &s))
    xj_strlcpy (school_name, s.name, ssz);
  if (XJ_ROLE_ADMIN == u->role && '\0' == region_name[0])
    xj_strlcpy (region_name, "全部", rsz);
}

enum xj_err
xj_reply_domain_err (struct xj_req *r, enum xj_err e, const char *field)
{
  if (XJ_E_DB == e || XJ_E_DB_BUSY == e || XJ_E_INTERNAL == e)
    return e;
  return xj_reply_err (r, e, field, NULL);
}

enum xj_err
xj_reply_unpack_err (struct xj_req *r, const json_error_t *jerr)
{
  return xj_reply_err (r, strstr (jerr->text, "unpacked")
                            ? XJ_E_UNKNOWN_FIELD : XJ_E_BAD_TYPE,
                       NULL, "%s", jerr->text);
}

enum xj_err
xj_school_in_scope_or_reply (struct xj_req *r, int64_t id,
                             struct xj_school *out)
{
  enum xj_err e = xj_school_get (r->db, id, out);

  if (XJ_E_NOT_FOUND == e
      || (XJ_E_OK == e && ! xj_scope_school (&r->user, out->id,
                                              out->county_code)))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  return e;
}

/* ---- student list filters and full-number searches ---- */

/* Take one search from the caller's budget (@take) or only look whether
   one is left, or reply 429 with Retry-After naming @field. */
static enum xj_err
budget_or_reply (struct xj_req *r, bool take, const char *field)
{
  struct xj_privacy p;
  unsigned wait;
  enum xj_err e = xj_privacy_get (r->db, &p);

  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  if (take ? xj_search_budget_take (r->user.id, p.searches_per_minute,
                                    xj_mono_ms (), &wait)
           : xj_search_budget_left (r->user.id, p.searches_per_minute,
                                    xj_mono_ms (), &wait))
    return XJ_E_OK;
  r->retry_after = wait;
  return xj_reply_err (r, XJ_E_SEARCH_RATE_LIMITED, field,
                       "每分钟最多%d次，请%u秒后再试", p.searches_per_minute,
                       wait);
}

enum xj_err
xj_search_budget_or_reply (struct xj_req *r)
{
  return budget_or_reply (r, true, "q");
}

enum xj_err
xj_search_budget_left_or_reply (struct xj_req *r, const char *field)
{
  return budget_or_reply (r, false, field);
}

/* ?q=: a name part (no digit) or a whole number (the budget applies). */
static enum xj_err
parse_q (struct xj_req *r, struct xj_student_filter *f,
         struct xj_student_query *sq)
{
  const char *v = xj_req_arg (r, "q");
  size_t n;

  sq->kind = XJ_NUMQ_NAME;
  if (NULL == v || '\0' == *v)
    return XJ_E_OK;
  n = strlen (v);
  if (n >= sizeof sq->q || ! xj_utf8_valid (v, n))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "q", "查询文本过长或编码错误");
  if (XJ_E_OK != xj_student_number_parse (v, xj_today_ymd (), &sq->kind,
                                          sq->number))
    return xj_reply_err (r, XJ_E_SEARCH_PARTIAL_NUMBER, "q", NULL);
  if (XJ_NUMQ_NAME == sq->kind)
    {
      xj_strlcpy (sq->q, v, sizeof sq->q);
      f->q = sq->q;
      return XJ_E_OK;
    }
  f->number = sq->number;
  return xj_search_budget_or_reply (r);
}

enum xj_err
xj_req_student_filter (struct xj_req *r, struct xj_student_filter *f,
                       struct xj_student_query *sq)
{
  const char *v;

  memset (f, 0, sizeof *f);
  if (XJ_E_OK != xj_req_arg_int (r, "school_id", 0, 0, INT64_MAX, &f->school_id)
      || XJ_E_OK != xj_req_arg_int (r, "class_id", 0, 0, INT64_MAX,
                                    &f->class_id))
    return r->err;
  v = xj_req_arg (r, "grade");
  if (v && *v)
    {
      if (! xj_code_valid ("grade", v))
        return xj_reply_err (r, XJ_E_BAD_PARAM, "grade", "年级代码%s不存在",
                             v);
      f->grade = v;
    }
  v = xj_req_arg (r, "status");
  if (v && *v)
    {
      if (! xj_code_valid ("status", v))
        return xj_reply_err (r, XJ_E_BAD_PARAM, "status", "状态%s不存在", v);
      f->status = v;
    }
  v = xj_req_arg (r, "dup_flag");
  if (v && *v)
    {
      if (0 != strcmp (v, "0") && 0 != strcmp (v, "1"))
        return xj_reply_err (r, XJ_E_BAD_PARAM, "dup_flag", "应为0或1");
      f->dup_flag = '1' == v[0] ? 1 : 2;
    }
  v = xj_req_arg (r, "warned");
  if (v && *v)
    {
      if (0 != strcmp (v, "0") && 0 != strcmp (v, "1")
          && 0 != strcmp (v, "2"))
        return xj_reply_err (r, XJ_E_BAD_PARAM, "warned", "应为0、1或2");
      f->warned = v[0] - '0';
    }
  return parse_q (r, f, sq);
}

struct search_audit {
  const struct xj_actor *a;
  const char *via;
  const struct xj_student_query *sq;
  int64_t found;
};

static enum xj_err
search_audit_txn (struct xj_db *db, void *cls)
{
  struct search_audit *c = cls;

  return xj_student_search_audit (db, c->a, c->via, c->sq->kind,
                                  c->sq->number, c->found);
}

enum xj_err
xj_req_search_audit (struct xj_req *r, const char *via,
                     const struct xj_student_query *sq, int64_t found)
{
  struct search_audit c = { &r->actor, via, sq, found };

  if (XJ_NUMQ_NAME == sq->kind)
    return XJ_E_OK;
  return xj_db_txn_run (r->db, "student_search_audit", true,
                        &search_audit_txn, &c);
}

enum xj_err
xj_req_number_held (struct xj_req *r, const char *via, const char *number)
{
  struct xj_student_query sq;
  struct xj_privacy p;
  unsigned wait;

  memset (&sq, 0, sizeof sq);
  /* the write already looked (xj_search_budget_left_or_reply): a search
     was left, unless parallel requests took it meanwhile */
  if (XJ_E_OK == xj_privacy_get (r->db, &p))
    (void) xj_search_budget_take (r->user.id, p.searches_per_minute,
                                  xj_mono_ms (), &wait);
  if (XJ_E_OK != xj_student_number_parse (number, xj_today_ymd (), &sq.kind,
                                          sq.number)
      || XJ_NUMQ_NAME == sq.kind)
    {
      sq.kind = XJ_NUMQ_OTHER_ID;
      xj_strlcpy (sq.number, number, sizeof sq.number);
    }
  return xj_req_search_audit (r, via, &sq, 1);
}

bool
xj_county_code_ok (const char *s)
{
  if (NULL == s || 6 != strlen (s))
    return false;
  for (int i = 0; i < 6; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

bool
xj_h_county_bureau (const struct xj_user *u, const char *county)
{
  return XJ_ROLE_ADMIN == u->role
         || (XJ_ROLE_BUREAU == u->role && NULL != county
             && 0 == strcmp (u->region_code, county));
}
