/* dropout_report.c -- the monthly school report (学校一月一报告) and the
 * county's quarterly review (县区一季度一复核) as XLSX through the
 * export module's table writer: a summary block (the ledger rows of
 * the period) then one row per case open at some time in the period,
 * registry numbers masked unless the caller may see them.  Audited as
 * "dropout.report" in its own write transaction once the file is
 * complete.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "dropout/dropout_int.h"
#include "export/export.h"
#include "student/student.h"
#include "validate/codes.h"
#include "validate/validate.h"

struct report {
  struct xj_db *db;
  struct xj_table_writer *w;
  unsigned show;
  int target;
  enum xj_err e;
};

static void
row (struct report *r, const char *const *cells, size_t n)
{
  if (XJ_E_OK == r->e)
    r->e = xj_table_writer_row (r->w, cells, n);
}

static void
ledger_line (void *cls, const struct xj_dropout_ledger_row *l)
{
  struct report *r = cls;
  char n[6][24], rate[48];
  double v = xj_dropout_retention (l);

  xj_snprintf (n[0], sizeof n[0], "%lld", (long long) l->on_roll);
  xj_snprintf (n[1], sizeof n[1], "%lld", (long long) l->suspected);
  xj_snprintf (n[2], sizeof n[2], "%lld", (long long) l->dropouts);
  xj_snprintf (n[3], sizeof n[3], "%lld", (long long) l->returned);
  xj_snprintf (n[4], sizeof n[4], "%lld", (long long) l->closed_other);
  if (v < 0)
    xj_strlcpy (rate, "—", sizeof rate);
  else
    xj_snprintf (rate, sizeof rate, "%.1f%%%s", v,
                 v < r->target ? "（低于目标）" : "");
  row (r, (const char *const[]) { l->code, l->name, n[0], n[1], n[2], n[3],
                                  n[4], rate },
       8);
}

static void
case_line (void *cls, const struct xj_dropout_case *c)
{
  struct report *r = cls;
  char buf[32], id[24], visits[16], pers[16];
  int64_t v = 0, p = 0;
  const char *gr = xj_code_zh ("grade", c->grade);

  if (XJ_E_OK == r->e)
    r->e = xj_dropout_store_counts (r->db, c->id, &v, &p);
  xj_snprintf (id, sizeof id, "%lld", (long long) c->id);
  xj_snprintf (visits, sizeof visits, "%lld", (long long) v);
  xj_snprintf (pers, sizeof pers, "%lld", (long long) p);
  row (r,
       (const char *const[]) {
         id, c->school_name, c->name,
         xj_mask_for (XJ_MASK_REGISTRY_NO, r->show, c->registry_no, buf,
                      sizeof buf),
         gr ? gr : c->grade, c->class_name, xj_dropout_source_zh (c->source),
         xj_dropout_stage_zh (c->stage),
         0 == strcmp (c->status, "open") ? "未办结" : "已办结", c->opened_on,
         c->dropout_on, c->closed_at, xj_dropout_outcome_zh (c->outcome),
         visits, pers },
       15);
}

static const char *const sum_head[] = {
  "学校标识码", "学校", "义务教育在籍人数", "疑似辍学（未办结）",
  "辍学（未办结）", "本期返校销号", "本期其他办结", "巩固率",
};
static const char *const case_head[] = {
  "案件号", "学校", "姓名", "学籍号", "年级", "班级", "来源", "阶段",
  "状态", "立案日期", "认定辍学日期", "办结时间", "办结结果", "家访次数",
  "劝返次数",
};

struct audit_ctx {
  const struct xj_actor *a;
  char *after;
};

static enum xj_err
audit_txn (struct xj_db *db, void *cls)
{
  struct audit_ctx *c = cls;

  return xj_audit_append (db, c->a, "dropout.report", "dropout_report", "",
                          NULL, c->after);
}

/* Write the report of scope @q over [@from, @to] titled @title. */
static enum xj_err
write_report (struct xj_db *db, const struct xj_actor *a, unsigned show,
              struct xj_dropout_q *q, const char *title, const char *from,
              const char *to, const char *path)
{
  struct xj_change_settings set;
  struct report r = { .db = db, .show = show };
  struct audit_ctx ac = { .a = a };
  char period[40], to_end[16], year_start[12];
  int64_t total = 0;

  if (XJ_E_OK != (r.e = xj_change_settings_get (db, &set)))
    return r.e;
  r.target = set.retention_target;
  r.e = xj_table_writer_open (path, XJ_EXPORT_XLSX, XJ_EXPORT_UTF8, NULL,
                              &r.w);
  if (XJ_E_OK != r.e)
    return r.e;
  xj_snprintf (period, sizeof period, "%s 至 %s", from, to);
  xj_snprintf (to_end, sizeof to_end, "%sT99", to);
  xj_snprintf (year_start, sizeof year_start, "%04d-09-01",
               xj_valid_school_year (xj_ymd_parse (to)));
  row (&r, (const char *const[]) { title, period }, 2);
  row (&r, sum_head, 8);
  if (XJ_E_OK == r.e)
    r.e = xj_dropout_store_ledger (db, q->prefix, q->school_id, from, to_end,
                                   year_start, &ledger_line, &r);
  row (&r, (const char *const[]) { "" }, 1);
  row (&r, case_head, 15);
  q->from = from;
  q->to = to;
  if (XJ_E_OK == r.e)
    r.e = xj_dropout_store_list (db, q, 0, 0, &total, &case_line, &r);
  {
    enum xj_err ce = xj_table_writer_close (r.w, XJ_E_OK != r.e);

    if (XJ_E_OK == r.e)
      r.e = ce;
  }
  if (XJ_E_OK != r.e)
    return r.e;
  {
    json_t *j = json_pack ("{s:s, s:s, s:s, s:s, s:I}", "title", title,
                           "from", from, "to", to, "prefix", q->prefix,
                           "school_id", (json_int_t) q->school_id);

    ac.after = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref (j);
    r.e = xj_db_txn_run (db, "dropout_report_audit", true, &audit_txn, &ac);
    free (ac.after);
  }
  return r.e;
}

/* "YYYY-MM" into its first and last day; false when malformed. */
static bool
month_range (const char *month, char from[12], char to[12])
{
  int y, m;

  if (NULL == month || 7 != strlen (month) || '-' != month[4])
    return false;
  xj_snprintf (from, 12, "%s-01", month);
  if (0 == xj_dropout_date (from))
    return false;
  y = xj_ymd_parse (from) / 10000;
  m = xj_ymd_parse (from) / 100 % 100;
  xj_ymd_format (xj_ymd_add_days ((m == 12 ? (y + 1) * 10000 + 101
                                           : y * 10000 + (m + 1) * 100 + 1),
                                  -1),
                 to);
  return true;
}

enum xj_err
xj_dropout_report_monthly (struct xj_db *db, const struct xj_user *u,
                           const struct xj_actor *a, unsigned show,
                           int64_t school_id, const char *month,
                           const char *path)
{
  struct xj_dropout_q q;
  char prefix[16], from[12], to[12];

  if (! month_range (month, from, to))
    return XJ_E_DATE_FORMAT;
  if (! xj_dropout_scope (u, "", school_id, &q, prefix))
    return XJ_E_NOT_FOUND;
  q.school_id = school_id;
  return write_report (db, a, show, &q, "控辍保学学校月报", from, to, path);
}

enum xj_err
xj_dropout_report_quarterly (struct xj_db *db, const struct xj_user *u,
                             const struct xj_actor *a, unsigned show,
                             const char *county, const char *quarter,
                             const char *path)
{
  struct xj_dropout_q q;
  char prefix[16], from[12], to[12], first[12], last[8];
  int qn;

  if (NULL == quarter || 7 != strlen (quarter) || 0 != strncmp (quarter + 4,
                                                               "-Q", 2)
      || quarter[6] < '1' || quarter[6] > '4')
    return XJ_E_DATE_FORMAT;
  qn = quarter[6] - '0';
  xj_snprintf (from, sizeof from, "%.4s-%02d-01", quarter, 3 * qn - 2);
  xj_snprintf (last, sizeof last, "%.4s-%02d", quarter, 3 * qn);
  if (! month_range (last, first, to) || 0 == xj_dropout_date (from))
    return XJ_E_DATE_FORMAT;
  if (NULL == county || 6 != strlen (county)
      || ! xj_dropout_scope (u, county, 0, &q, prefix))
    return XJ_E_NOT_FOUND;
  return write_report (db, a, show, &q, "控辍保学县区季度复核", from, to,
                       path);
}
