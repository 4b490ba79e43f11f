/* h_dashboard.c -- /api/v1/dashboard: the drillable dashboard of a unit
 * (province, city, county, school, class) as of a date, the students
 * behind any figure (masked, paged) and that list as XLSX.  Template:
 * parse, resolve the unit in the caller's scope (out of scope is 404
 * like missing), call the domain (src/dash), reply.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "dash/dash.h"
#include "export/export.h"
#include "http/handlers.h"

/* ?level, ?code and ?asof into @q; replies on error. */
static enum xj_err
dash_query (struct xj_req *r, struct xj_dash_q *q)
{
  const char *field = NULL;
  enum xj_err e = xj_dash_query (r->db, &r->user, xj_req_arg (r, "level"),
                                 xj_req_arg (r, "code"),
                                 xj_req_arg (r, "asof"), q, &field);

  if (XJ_E_OK == e)
    return e;
  if (XJ_E_BAD_PARAM != e)
    return xj_reply_err (r, e, NULL, NULL);
  if (0 == strcmp (field, "asof"))
    return xj_reply_err (r, e, field, "应为不晚于今天的日期（YYYY-MM-DD）");
  if (0 == strcmp (field, "level"))
    return xj_reply_err (r, e, field,
                         "应为 province、city、county、school 或 class");
  return xj_reply_err (r, e, field,
                       "应为该级的区划代码（2、4、6位）或学校、班级编号");
}

/* ?panel and ?key; replies on error. */
static enum xj_err
drill_args (struct xj_req *r, const char **panel, const char **key)
{
  *panel = xj_req_arg (r, "panel");
  *key = xj_req_arg (r, "key");
  if (NULL == xj_dash_panel_find (*panel))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "panel", "未知的统计面板");
  if (NULL == *key || '\0' == **key)
    return xj_reply_err (r, XJ_E_BAD_PARAM, "key", "缺少统计项");
  return XJ_E_OK;
}

/* GET /api/v1/dashboard?level&code&asof&panel */
enum xj_err
xj_h_dashboard (struct xj_req *r)
{
  struct xj_dash_q q;
  const char *only = xj_req_arg (r, "panel");
  json_t *out = NULL;
  enum xj_err e;

  if (XJ_E_OK != (e = dash_query (r, &q)))
    return e;
  e = xj_dashboard (r->db, &r->user, &q, only, &out);
  if (XJ_E_BAD_PARAM == e)
    return xj_reply_err (r, e, "panel", "未知的统计面板");
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  xj_reply_json (r, 200, out);
  return XJ_E_OK;
}

/* GET /api/v1/dashboard/students?panel&key&level&code&asof&page&per_page */
enum xj_err
xj_h_dashboard_students (struct xj_req *r)
{
  struct xj_dash_q q;
  const char *panel, *key;
  int64_t limit, offset, page, total = 0;
  json_t *items;
  enum xj_err e;

  if (XJ_E_OK != xj_req_paging (r, &limit, &offset, &page))
    return r->err;
  if (XJ_E_OK != (e = drill_args (r, &panel, &key))
      || XJ_E_OK != (e = dash_query (r, &q)))
    return e;
  items = json_array ();
  e = xj_dash_students (r->db, &q, panel, key, limit, offset, &total, items);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return XJ_E_BAD_PARAM == e
               ? xj_reply_err (r, e, "key", "该面板没有此统计项")
               : xj_reply_err (r, e, NULL, NULL);
    }
  xj_reply_json (r, 200, xj_page_json (items, total, page, limit));
  return XJ_E_OK;
}

/* GET /api/v1/dashboard/students/export?panel&key&level&code&asof: the
   whole list as XLSX, masked like the list. */
enum xj_err
xj_h_dashboard_export (struct xj_req *r)
{
  struct xj_dash_q q;
  const char *panel, *key;
  char path[1200];
  enum xj_err e;

  if (XJ_E_OK != (e = drill_args (r, &panel, &key))
      || XJ_E_OK != (e = dash_query (r, &q)))
    return e;
  if (XJ_E_OK != (e = xj_req_temp_file (r, "dashboard", path, sizeof path)))
    return e;
  e = xj_dash_export (r->db, &q, panel, key, path, xj_req_tmpdir (r));
  if (XJ_E_OK != e)
    {
      unlink (path);
      return XJ_E_BAD_PARAM == e
               ? xj_reply_err (r, e, "key", "该面板没有此统计项")
               : xj_reply_err (r, e, NULL, NULL);
    }
  return xj_reply_file (r, path, true, XJ_XLSX_MIME, "统计名单.xlsx");
}
