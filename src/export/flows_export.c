/* flows_export.c -- the flows of students as an XLSX sheet (export.h):
 * the table of xj_flows_report, every origin–destination–type row, then
 * the totals.  Written inside one read transaction and audited in a
 * write transaction of its own (xj_export_sheet_audit).  Callers check
 * the role; scope is the struct xj_scope they pass.  No HTTP.
 */
#include <jansson.h>
#include <string.h>

#include "core/util.h"
#include "export/export.h"
#include "flows/flows.h"

static const char *const flows_head[] = {
  "流出地代码", "流出地", "流入地代码", "流入地", "类型", "方向", "人数" };
#define FLOWS_NCOLS (sizeof flows_head / sizeof *flows_head)
#define FLOWS_NUMS ((uint64_t) 1 << 6)

static const char *
dir_zh (const char *dir)
{
  return 0 == strcmp (dir, "out") ? "流出"
         : 0 == strcmp (dir, "in") ? "流入" : "内部";
}

static const char *
type_label (json_t *by_type, const char *key)
{
  size_t i;
  json_t *t;

  json_array_foreach (by_type, i, t)
    if (0 == strcmp (key, json_string_value (json_object_get (t, "key"))))
      return json_string_value (json_object_get (t, "label"));
  return key;
}

static const char *
s_of (json_t *o, const char *k)
{
  return json_string_value (json_object_get (o, k));
}

static enum xj_err
flows_rows (struct xj_table_writer *w, json_t *rep, int64_t *rows)
{
  json_t *links = json_object_get (rep, "links"), *l;
  json_t *tot = json_object_get (rep, "totals");
  char n[24];
  const char *cells[FLOWS_NCOLS];
  size_t i;
  enum xj_err e = xj_table_writer_row (w, flows_head, FLOWS_NCOLS);

  json_array_foreach (links, i, l)
    {
      if (XJ_E_OK != e)
        break;
      xj_snprintf (n, sizeof n, "%lld", (long long) json_integer_value (
                                          json_object_get (l, "count")));
      cells[0] = s_of (l, "origin");
      cells[1] = s_of (l, "origin_name");
      cells[2] = s_of (l, "destination");
      cells[3] = s_of (l, "destination_name");
      cells[4] = type_label (json_object_get (rep, "by_type"),
                             s_of (l, "type"));
      cells[5] = dir_zh (s_of (l, "direction"));
      cells[6] = n;
      e = xj_table_writer_nums (w, cells, FLOWS_NCOLS, FLOWS_NUMS);
      (*rows)++;
    }
  for (i = 0; i < 3 && XJ_E_OK == e; i++)
    {
      static const char *const k[] = { "out", "in", "internal" };
      const char *t[FLOWS_NCOLS] = { "", "合计", "", "", "", dir_zh (k[i]), n };

      xj_snprintf (n, sizeof n, "%lld", (long long) json_integer_value (
                                          json_object_get (tot, k[i])));
      e = xj_table_writer_nums (w, t, FLOWS_NCOLS, FLOWS_NUMS);
    }
  return e;
}

struct flows_run {
  const struct xj_scope *scope;
  const struct xj_flows_filter *f;
  const char *tmpdir, *path;
  int64_t rows;
};

static enum xj_err
flows_txn (struct xj_db *db, void *cls)
{
  struct flows_run *c = cls;
  struct xj_table_writer *w;
  json_t *rep = NULL;
  enum xj_err e, ec;

  c->rows = 0;
  if (XJ_E_OK != (e = xj_flows_report (db, c->scope, c->f, &rep)))
    return e;
  e = xj_table_writer_open_sheet (c->path, XJ_EXPORT_XLSX, XJ_EXPORT_UTF8,
                                  c->tmpdir, "学生流动", &w);
  if (XJ_E_OK == e)
    {
      e = flows_rows (w, rep, &c->rows);
      ec = xj_table_writer_close (w, XJ_E_OK != e);
      e = XJ_E_OK == e ? ec : e;
    }
  json_decref (rep);
  return e;
}

enum xj_err
xj_export_flows (struct xj_db *db, const struct xj_actor *a,
                 const struct xj_scope *scope,
                 const struct xj_flows_filter *f, const char *tmpdir,
                 const char *path, int64_t *rows)
{
  struct flows_run c = { scope, f, tmpdir, path, 0 };
  struct xj_sheet_audit au = { a, "flows.export", "region", scope->prefix,
                               NULL };
  enum xj_err e = xj_db_txn_run (db, "flows_export", false, &flows_txn, &c);

  *rows = c.rows;
  if (XJ_E_OK != e)
    return e;
  au.after = json_pack ("{s:s, s:s, s:s, s:I, s:I}", "from", f->from, "to",
                        f->to, "level", f->level, "school_id",
                        (json_int_t) scope->school_id, "rows",
                        (json_int_t) c.rows);
  return xj_export_sheet_audit (db, &au);
}
