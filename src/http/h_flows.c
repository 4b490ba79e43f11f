/* h_flows.c -- flows of students (issue 11 point 5): the figures, the
 * students behind a figure, the follow-up list, the dashboard's panel and
 * the XLSX table.  Rules and SQL are in src/flows
 * (docs/internals/flows.md); each handler parses, calls one domain
 * function inside a read transaction and replies.
 */
#include <string.h>
#include <unistd.h>
#include "export/export.h"
#include "flows/flows.h"
#include "http/handlers.h"

/* The caller's scope, narrowed by ?region= (2, 4 or 6 digits inside the
   caller's own region; outside answers 404 like missing). */
static enum xj_err
scope_args (struct xj_req *r, struct xj_scope *sc)
{
  const char *region = xj_req_arg (r, "region");
  size_t n, own;

  xj_scope_of (&r->user, sc);
  if (NULL == region)
    return XJ_E_OK;
  n = strlen (region);
  own = strlen (sc->prefix);
  if (n > 6 || n % 2 || strspn (region, "0123456789") != n)
    return xj_reply_err (r, XJ_E_BAD_PARAM, "region",
                         "应为2、4或6位行政区划代码");
  if (0 != sc->school_id || n < own || 0 != strncmp (region, sc->prefix, own))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  xj_snprintf (sc->prefix, sizeof sc->prefix, "%s", region);
  return XJ_E_OK;
}

/* ?from ?to ?level ?type ?grade, and with @drill ?origin ?destination
   ?month ?direction, into @f. */
static enum xj_err
filter_args (struct xj_req *r, struct xj_flows_filter *f, bool drill)
{
  const char *field;

  memset (f, 0, sizeof *f);
  f->level = xj_req_arg (r, "level");
  f->type = xj_req_arg (r, "type");
  f->grade = xj_req_arg (r, "grade");
  if (drill)
    {
      f->origin = xj_req_arg (r, "origin");
      f->destination = xj_req_arg (r, "destination");
      f->month = xj_req_arg (r, "month");
      f->direction = xj_req_arg (r, "direction");
    }
  if (XJ_E_OK != xj_flows_filter_check (f, xj_req_arg (r, "from"),
                                        xj_req_arg (r, "to"), &field))
    return xj_reply_err (r, XJ_E_BAD_PARAM, field, NULL);
  return XJ_E_OK;
}

enum fl_op { FL_REPORT, FL_STUDENTS, FL_FOLLOWUP, FL_SUMMARY };

struct fl_ctx {
  enum fl_op op;
  struct xj_scope sc;
  struct xj_flows_filter f;
  const char *from, *to;    /* summary */
  int64_t limit, offset;
  json_t *out;
};

static enum xj_err
fl_txn (struct xj_db *db, void *cls)
{
  struct fl_ctx *c = cls;

  json_decref (c->out);
  c->out = NULL;
  switch (c->op)
    {
    case FL_REPORT:
      return xj_flows_report (db, &c->sc, &c->f, &c->out);
    case FL_STUDENTS:
      return xj_flows_students (db, &c->sc, &c->f, c->limit, c->offset,
                                &c->out);
    case FL_FOLLOWUP:
      return xj_flows_followup (db, &c->sc, &c->out);
    case FL_SUMMARY:
      return xj_flows_summary (db, &c->sc, c->from, c->to, &c->out);
    }
  return XJ_E_INTERNAL;
}

/* Run @c in a read transaction; the reply's body is c->out. */
static enum xj_err
fl_run (struct xj_req *r, struct fl_ctx *c)
{
  enum xj_err e = xj_db_txn_run (r->db, "flows", false, &fl_txn, c);

  if (XJ_E_OK != e)
    json_decref (c->out);
  return e;
}

enum xj_err
xj_h_flows (struct xj_req *r)
{
  struct fl_ctx c = { .op = FL_REPORT };
  enum xj_err e;

  if (XJ_E_OK != scope_args (r, &c.sc) || XJ_E_OK != filter_args (r, &c.f,
                                                                   false))
    return r->err;
  if (XJ_E_OK == (e = fl_run (r, &c)))
    xj_reply_json (r, 200, c.out);
  return e;
}

enum xj_err
xj_h_flows_students (struct xj_req *r)
{
  struct fl_ctx c = { .op = FL_STUDENTS };
  int64_t page;
  enum xj_err e;

  if (XJ_E_OK != scope_args (r, &c.sc)
      || XJ_E_OK != filter_args (r, &c.f, true)
      || XJ_E_OK != xj_req_paging (r, &c.limit, &c.offset, &page))
    return r->err;
  if (XJ_E_OK != (e = fl_run (r, &c)))
    return e;
  xj_reply_json (r, 200,
                 xj_page_json (json_incref (json_object_get (c.out, "items")),
                               json_integer_value (json_object_get (c.out,
                                                                    "total")),
                               page, c.limit));
  json_decref (c.out);
  return XJ_E_OK;
}

enum xj_err
xj_h_flows_followup (struct xj_req *r)
{
  struct fl_ctx c = { .op = FL_FOLLOWUP };
  enum xj_err e;

  if (XJ_E_OK != scope_args (r, &c.sc))
    return r->err;
  if (XJ_E_OK == (e = fl_run (r, &c)))
    xj_reply_json (r, 200, c.out);
  return e;
}

enum xj_err
xj_h_flows_summary (struct xj_req *r)
{
  struct fl_ctx c = { .op = FL_SUMMARY };
  enum xj_err e;

  if (XJ_E_OK != scope_args (r, &c.sc) || XJ_E_OK != filter_args (r, &c.f,
                                                                   false))
    return r->err;
  c.from = c.f.from;
  c.to = c.f.to;
  if (XJ_E_OK == (e = fl_run (r, &c)))
    xj_reply_json (r, 200, c.out);
  return e;
}

/* GET /flows.xlsx: the table of GET /flows as a sheet (audited). */
enum xj_err
xj_h_flows_xlsx (struct xj_req *r)
{
  struct xj_scope sc;
  struct xj_flows_filter f;
  char path[1200], name[64];
  int64_t rows;
  enum xj_err e;

  if (XJ_E_OK != scope_args (r, &sc) || XJ_E_OK != filter_args (r, &f, false)
      || XJ_E_OK != xj_req_temp_file (r, "flows", path, sizeof path))
    return r->err;
  e = xj_export_flows (r->db, &r->actor, &sc, &f, xj_req_tmpdir (r), path,
                       &rows);
  if (XJ_E_OK != e)
    {
      unlink (path);
      return xj_reply_err (r, e, NULL, NULL);
    }
  xj_snprintf (name, sizeof name, "学生流动-%s-%s.xlsx", f.from, f.to);
  return xj_reply_file (r, path, true, XJ_XLSX_MIME, name);
}
