/* progress_export.c -- the 小升初 sheets (export.h): a county's
 * school-choice figures (per admitting school: admitted, by route, out of
 * zone) and the list of an allocation (every graduate, where the bureau
 * sends them and by which route), as XLSX through the table writer.
 * Each file is written inside one read transaction and then audited in a
 * short write transaction of its own; a file whose audit entry failed is
 * not handed out.  Personal numbers are always masked (xj_mask): the
 * sheets are working lists, the record's reveal shows the full numbers.
 * Callers check scope; no HTTP.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "export/export.h"
#include "student/student.h"
#include "validate/codes.h"
#include "zone/zone.h"

static enum xj_err
sheet_audit_txn (struct xj_db *db, void *cls)
{
  struct xj_sheet_audit *s = cls;
  char *after = json_dumps (s->after, JSON_COMPACT | JSON_SORT_KEYS);
  enum xj_err e = xj_audit_append (db, s->a, s->action, s->entity,
                                   s->entity_id, NULL, after);

  free (after);
  return e;
}

enum xj_err
xj_export_sheet_audit (struct xj_db *db, struct xj_sheet_audit *s)
{
  enum xj_err e = xj_db_txn_run (db, "sheet_audit", true, &sheet_audit_txn,
                                 s);

  json_decref (s->after);
  return e;
}

/* ---- school-choice figures ---- */

static const char *const choice_head[] = {
  "学校标识码", "学校名称", "小升初录取", "对口", "学区", "调整（区外）",
  "其他（直接办理）", "区外录取", "区外占比（%）" };
#define CHOICE_NCOLS (sizeof choice_head / sizeof *choice_head)
/* every column from 小升初录取 on is a figure */
#define CHOICE_NUMS ((((uint64_t) 1 << CHOICE_NCOLS) - 1) & ~(uint64_t) 3)

/* One row of figures @o (xj_school_choice_json) named @code @name. */
static enum xj_err
choice_row (struct xj_table_writer *w, const char *code, const char *name,
            json_t *o)
{
  static const char *const keys[] = { "admitted", "feeder", "zone",
                                      "moved", "other", "out_of_zone" };
  char num[6][24], pct[24];
  const char *cells[CHOICE_NCOLS] = { code, name };

  for (size_t i = 0; i < 6; i++)
    {
      xj_snprintf (num[i], sizeof num[i], "%lld",
                   (long long) json_integer_value (json_object_get (o,
                                                                    keys[i])));
      cells[2 + i] = num[i];
    }
  xj_snprintf (pct, sizeof pct, "%.1f",
               json_real_value (json_object_get (o, "out_of_zone_pct")));
  cells[8] = pct;
  return xj_table_writer_nums (w, cells, CHOICE_NCOLS, CHOICE_NUMS);
}

struct choice_run {
  const char *prefix, *tmpdir, *path;
  int year;
  int64_t schools;
};

static enum xj_err
choice_txn (struct xj_db *db, void *cls)
{
  struct choice_run *c = cls;
  struct xj_table_writer *w;
  json_t *fig = NULL, *s;
  char sheet[32];
  size_t i;
  enum xj_err e, ec;

  if (XJ_E_OK != (e = xj_school_choice_json (db, c->prefix, c->year, &fig)))
    return e;
  xj_snprintf (sheet, sizeof sheet, "%d年择校统计", c->year);
  e = xj_table_writer_open_sheet (c->path, XJ_EXPORT_XLSX, XJ_EXPORT_UTF8,
                                  c->tmpdir, sheet, &w);
  if (XJ_E_OK == e)
    {
      e = xj_table_writer_row (w, choice_head, CHOICE_NCOLS);
      json_array_foreach (json_object_get (fig, "schools"), i, s)
        if (XJ_E_OK == e)
          e = choice_row (w, json_string_value (json_object_get (s, "code")),
                          json_string_value (json_object_get (s, "name")),
                          s);
      if (XJ_E_OK == e)
        e = choice_row (w, "", "合计", json_object_get (fig, "total"));
      c->schools = (int64_t) json_array_size (json_object_get (fig,
                                                               "schools"));
      ec = xj_table_writer_close (w, XJ_E_OK != e);
      e = XJ_E_OK == e ? ec : e;
    }
  json_decref (fig);
  return e;
}

enum xj_err
xj_export_school_choice (struct xj_db *db, const struct xj_actor *a,
                         const char *prefix, int year, const char *tmpdir,
                         const char *path)
{
  struct choice_run c = { prefix, tmpdir, path, year, 0 };
  struct xj_sheet_audit au = { a, "allocation.choice_export", "region", prefix,
                            NULL };
  enum xj_err e = xj_db_txn_run (db, "choice_export", false, &choice_txn,
                                 &c);

  if (XJ_E_OK != e)
    return e;
  au.after = json_pack ("{s:s, s:i, s:I}", "region", prefix, "year", year,
                        "schools", (json_int_t) c.schools);
  return xj_export_sheet_audit (db, &au);
}

/* ---- the allocation list ---- */

static const char *const alloc_head[] = {
  "学籍号", "姓名", "性别", "出生日期", "身份证件号", "毕业小学", "分配学校",
  "分配方式", "调整原因", "是否已确认入学" };
#define ALLOC_NCOLS (sizeof alloc_head / sizeof *alloc_head)

static const char *
route_zh (const char *route)
{
  if (0 == strcmp (route, "feeder"))
    return "对口";
  if (0 == strcmp (route, "zone"))
    return "学区";
  if (0 == strcmp (route, "moved"))
    return "调整（区外）";
  return "未匹配";
}

struct alloc_run {
  int64_t id;
  const char *tmpdir, *path;
  struct xj_table_writer *w;
  int64_t rows;
  enum xj_err e;
};

static void
alloc_row (void *cls, const struct xj_alloc_row *r)
{
  struct alloc_run *c = cls;
  char reg[48], idno[48], g[8];
  const char *gender;
  const char *cells[ALLOC_NCOLS];

  if (XJ_E_OK != c->e)
    return;
  /* a working list never shows a personal number in full */
  xj_mask (XJ_MASK_REGISTRY_NO, r->registry_no, reg, sizeof reg);
  xj_mask (XJ_MASK_ID, r->id_no, idno, sizeof idno);
  xj_snprintf (g, sizeof g, "%d", r->gender);
  gender = xj_code_zh ("gender", g);
  cells[0] = reg;
  cells[1] = r->name;
  cells[2] = gender ? gender : g;
  cells[3] = r->birth_date;
  cells[4] = idno;
  cells[5] = r->from_school;
  cells[6] = r->to_school;
  cells[7] = route_zh (r->route);
  cells[8] = r->reason;
  cells[9] = r->confirmed ? "是" : "否";
  c->e = xj_table_writer_row (c->w, cells, ALLOC_NCOLS);
  c->rows++;
}

static enum xj_err
alloc_txn (struct xj_db *db, void *cls)
{
  struct alloc_run *c = cls;
  enum xj_err e, ec;

  c->rows = 0;
  c->e = XJ_E_OK;
  e = xj_table_writer_open_sheet (c->path, XJ_EXPORT_XLSX, XJ_EXPORT_UTF8,
                                  c->tmpdir, "小升初分配名单", &c->w);
  if (XJ_E_OK != e)
    return e;
  e = xj_table_writer_row (c->w, alloc_head, ALLOC_NCOLS);
  if (XJ_E_OK == e)
    e = xj_alloc_rows (db, c->id, &alloc_row, c);
  if (XJ_E_OK == e)
    e = c->e;
  ec = xj_table_writer_close (c->w, XJ_E_OK != e);
  return XJ_E_OK == e ? ec : e;
}

enum xj_err
xj_export_allocation (struct xj_db *db, const struct xj_actor *a, int64_t id,
                      const char *tmpdir, const char *path, int64_t *rows)
{
  struct alloc_run c = { .id = id, .tmpdir = tmpdir, .path = path };
  char idbuf[24];
  struct xj_sheet_audit au = { a, "allocation.export", "allocation", idbuf,
                            NULL };
  enum xj_err e = xj_db_txn_run (db, "allocation_export", false, &alloc_txn,
                                 &c);

  *rows = c.rows;
  if (XJ_E_OK != e)
    return e;
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) id);
  au.after = json_pack ("{s:I, s:b}", "rows", (json_int_t) c.rows,
                        "unmasked", 0);
  return xj_export_sheet_audit (db, &au);
}
