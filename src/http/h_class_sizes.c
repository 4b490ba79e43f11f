/* h_class_sizes.c -- /api/v1/class-sizes: every class of a school or a
 * county banded by its live enrolment (班额), the term-on-term trend from
 * the placement history, the XLSX of the list, and the band settings
 * (global, or one county's).  Template: parse, authorise, call the domain
 * (src/klass/class_size*.c), reply.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/util.h"
#include "export/export.h"
#include "http/handlers.h"
#include "klass/class_size.h"
#include "school/school.h"

/* The scope of a class-size read from ?school_id or ?county (6 digits),
   else the caller's own: a registrar's school, a bureau's region, all
   for an administrator.  @prefix holds the county prefix.  Out of scope
   is 404 like missing. */
static enum xj_err
cs_scope (struct xj_req *r, struct xj_cs_scope *sc, char prefix[16])
{
  const char *county = xj_req_arg (r, "county");
  int64_t school_id;
  struct xj_school s;
  enum xj_err e;

  memset (sc, 0, sizeof *sc);
  sc->prefix = prefix;
  prefix[0] = '\0';
  if (XJ_E_OK != xj_req_arg_int (r, "school_id", 0, 0, INT64_MAX, &school_id))
    return r->err;
  if (school_id)
    {
      if (XJ_E_OK != (e = xj_school_in_scope_or_reply (r, school_id, &s)))
        return e;
      sc->school_id = school_id;
      return XJ_E_OK;
    }
  if (county && *county)
    {
      if (6 != strlen (county) || strspn (county, "0123456789") != 6)
        return xj_reply_err (r, XJ_E_BAD_PARAM, "county", "应为6位县级区划代码");
      if (! xj_scope_school (&r->user, -1, county))
        return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
      xj_strlcpy (prefix, county, 16);
      return XJ_E_OK;
    }
  if (r->user.school_id > 0)
    sc->school_id = r->user.school_id;
  else if (XJ_ROLE_BUREAU == r->user.role)
    xj_strlcpy (prefix, r->user.region_code, 16);
  return XJ_E_OK;
}

/* 1 September of the school year that holds today. */
static int
school_year_now (char start[16])
{
  int y, m, d;

  xj_today (&y, &m, &d);
  if (m < 9)
    y--;
  xj_snprintf (start, 16, "%04d-09-01", y);
  return y;
}

/* GET /api/v1/class-sizes?school_id|county */
enum xj_err
xj_h_class_sizes (struct xj_req *r)
{
  struct xj_cs_scope sc;
  char prefix[16], start[16];
  json_t *out = NULL;
  enum xj_err e;

  if (XJ_E_OK != (e = cs_scope (r, &sc, prefix)))
    return e;
  school_year_now (start);
  if (XJ_E_OK != (e = xj_class_sizes_report (r->db, &sc, start, &out)))
    return xj_reply_err (r, e, NULL, NULL);
  xj_reply_json (r, 200, out);
  return XJ_E_OK;
}

/* GET /api/v1/class-sizes/trend?school_id|county: band counts at each
   term start of this school year and the last. */
enum xj_err
xj_h_class_sizes_trend (struct xj_req *r)
{
  struct xj_cs_scope sc;
  char prefix[16], start[16], today[16];
  int y, m, d, sy;
  json_t *out = NULL;
  enum xj_err e;

  if (XJ_E_OK != (e = cs_scope (r, &sc, prefix)))
    return e;
  sy = school_year_now (start);
  xj_today (&y, &m, &d);
  xj_snprintf (today, sizeof today, "%04d-%02d-%02d", y, m, d);
  e = xj_class_sizes_trend (r->db, &sc, sy - 1, sy, today, &out);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  xj_reply_json (r, 200, out);
  return XJ_E_OK;
}

/* The report's classes as rows of the XLSX. */
static enum xj_err
export_rows (struct xj_table_writer *w, const json_t *rep)
{
  static const char *const head[] = { "学校标识码", "学校", "年级", "班级",
                                      "在读人数", "班额", "标准班额" };
  enum xj_err e = xj_table_writer_row (w, head, 7);
  size_t i, j;
  json_t *s, *k;

  json_array_foreach (json_object_get (rep, "schools"), i, s)
    json_array_foreach (json_object_get (s, "classes"), j, k)
      {
        char n[24], st[24];
        const char *band = json_string_value (json_object_get (k, "band"));
        const char *cells[7];
        enum xj_band b = XJ_BAND_NORMAL;

        while (b < XJ_BAND_N && 0 != strcmp (xj_cs_band_name (b), band))
          b++;
        xj_snprintf (n, sizeof n, "%lld", (long long) json_integer_value (
                                            json_object_get (k, "size")));
        xj_snprintf (st, sizeof st, "%lld", (long long) json_integer_value (
                                              json_object_get (k, "standard")));
        cells[0] = json_string_value (json_object_get (s, "code"));
        cells[1] = json_string_value (json_object_get (s, "name"));
        cells[2] = json_string_value (json_object_get (k, "grade_label"));
        cells[3] = json_string_value (json_object_get (k, "name"));
        cells[4] = n;
        cells[5] = xj_cs_band_zh (b);
        cells[6] = st;
        if (XJ_E_OK == e)
          e = xj_table_writer_row (w, cells, 7);
      }
  return e;
}

/* GET /api/v1/class-sizes/export?school_id|county: the list as XLSX
   (class sizes hold no personal data: no reveal, no audit). */
enum xj_err
xj_h_class_sizes_export (struct xj_req *r)
{
  struct xj_cs_scope sc;
  struct xj_table_writer *w = NULL;
  char prefix[16], start[16], path[1200];
  json_t *rep = NULL;
  enum xj_err e;

  if (XJ_E_OK != (e = cs_scope (r, &sc, prefix)))
    return e;
  school_year_now (start);
  if (XJ_E_OK != (e = xj_class_sizes_report (r->db, &sc, start, &rep)))
    return xj_reply_err (r, e, NULL, NULL);
  if (XJ_E_OK != (e = xj_req_temp_file (r, "class-sizes", path, sizeof path)))
    goto out;
  e = xj_table_writer_open (path, XJ_EXPORT_XLSX, XJ_EXPORT_UTF8,
                            xj_req_tmpdir (r), &w);
  if (XJ_E_OK == e)
    e = export_rows (w, rep);
  if (w && XJ_E_OK != xj_table_writer_close (w, XJ_E_OK != e) && XJ_E_OK == e)
    e = XJ_E_EXPORT_WRITE;
  if (XJ_E_OK != e)
    {
      unlink (path);
      e = xj_reply_err (r, e, NULL, NULL);
      goto out;
    }
  e = xj_reply_file (r, path, true,
                     "application/vnd.openxmlformats-officedocument"
                     ".spreadsheetml.sheet",
                     "班额统计.xlsx");
out:
  json_decref (rep);
  return e;
}

/* ?county for the settings: "" (global) or a county the caller governs:
   a bureau user edits only a county within its region, the global
   settings are the administrator's. */
static enum xj_err
settings_county (struct xj_req *r, bool write, const char **county)
{
  const char *c = xj_req_arg (r, "county");

  *county = c && *c ? c : "";
  if (**county && (6 != strlen (*county)
                   || strspn (*county, "0123456789") != 6))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "county", "应为6位县级区划代码");
  if (**county && ! xj_scope_school (&r->user, -1, *county))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (write && ! **county && XJ_ROLE_ADMIN != r->user.role)
    return xj_reply_err (r, XJ_E_BAD_PARAM, "county",
                         "全局班额设置由系统管理员修改；请指定本县代码");
  if (write && **county && XJ_ROLE_ADMIN != r->user.role
      && XJ_ROLE_BUREAU != r->user.role)
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  return XJ_E_OK;
}

static enum xj_err
reply_settings (struct xj_req *r, const char *county,
                const struct xj_cs_settings *s)
{
  xj_reply_json (r, 200, json_pack ("{s:s, s:o}", "county", county,
                                    "settings", xj_cs_settings_json (s)));
  return XJ_E_OK;
}

/* GET /api/v1/class-sizes/settings?county */
enum xj_err
xj_h_class_size_settings_get (struct xj_req *r)
{
  struct xj_cs_settings s;
  const char *county;
  enum xj_err e;

  if (XJ_E_OK != (e = settings_county (r, false, &county)))
    return e;
  if (XJ_E_OK != (e = xj_cs_settings_get (r->db, county, &s)))
    return xj_reply_err (r, e, NULL, NULL);
  return reply_settings (r, county, &s);
}

struct set_ctx {
  const char *county;
  const json_t *patch;
  const struct xj_actor *a;
  const char *field;
  struct xj_cs_settings after;
};

static enum xj_err
settings_txn (struct xj_db *db, void *cls)
{
  struct set_ctx *c = cls;

  return xj_cs_settings_change (db, c->county, c->patch, c->a, &c->field,
                                &c->after);
}

/* PATCH /api/v1/class-sizes/settings?county {largeish_from?, ...} */
enum xj_err
xj_h_class_size_settings_patch (struct xj_req *r)
{
  struct set_ctx c = { .a = &r->actor };
  json_t *body = NULL;
  enum xj_err e;

  if (XJ_E_OK != (e = settings_county (r, true, &c.county)))
    return e;
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  c.patch = body;
  e = xj_db_txn_run (r->db, "class_size_settings", true, &settings_txn, &c);
  if (XJ_E_OK == e)
    e = reply_settings (r, c.county, &c.after);
  else if (XJ_E_DB != e && XJ_E_DB_BUSY != e && XJ_E_INTERNAL != e)
    e = xj_reply_err (r, e, c.field, XJ_E_RANGE == e
                      && c.field && 0 == strcmp (c.field, "large_from")
                      ? "各档起点须为1至200的整数，且偏大班额 < 大班额 < 超大班额"
                      : NULL);
  json_decref (body);
  return e;
}
