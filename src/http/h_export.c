/* h_export.c -- exports and printing: GET /students/export (XLSX/CSV of
 * any filtered list), GET /students/{id}/card.pdf and GET
 * /classes/{id}/cards.pdf (学籍卡).  Scope exactly as the list and get
 * handlers: the list statements take the caller's scope, filters only
 * narrow it; a single record or class outside it answers 404.  Unmasked
 * output (reveal) shows what the caller's reveal rights allow -- the same
 * policy as the record's reveal (user/reveal.h) -- and is audited
 * (src/export does the writing and the audit entry).
 *
 * None of them may hold every request thread (issue 9): a direct export
 * or class-card batch takes one of export.max_running slots (else 503
 * export_busy with Retry-After), a list over export.direct_max_rows must
 * go through a background job (/exports, src/export/export_job.c).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "export/export.h"
#include "export/export_job.h"
#include "user/reveal.h"
#include "http/handlers.h"
#include "klass/klass.h"
#include "school/school.h"
#include "validate/codes.h"

/* ?reveal=0|1 (absent = @def: 0 for exports, 1 for cards) into *show:
   the caller's reveal rights (xj_reveal_rights, the same policy as the
   record's reveal) or 0.  Asking explicitly for reveal=1 without any
   right answers 403; the cards' default then prints masked. */
static enum xj_err
reveal_arg (struct xj_req *r, int64_t def, unsigned *show)
{
  struct xj_privacy p;
  int64_t v;
  enum xj_err e;

  *show = 0;
  if (XJ_E_OK != xj_req_arg_int (r, "reveal", def, 0, 1, &v))
    return r->err;
  if (0 == v)
    return XJ_E_OK;
  if (XJ_E_OK != (e = xj_privacy_get (r->db, &p)))
    return xj_reply_err (r, e, NULL, NULL);
  *show = xj_reveal_rights (&p, &r->user);
  if (0 == *show && NULL != xj_req_arg (r, "reveal"))
    return xj_reply_err (r, XJ_E_EXPORT_REVEAL_FORBIDDEN, "reveal", NULL);
  return XJ_E_OK;
}

/* A temp file in the server's tmp dir; @path gets its name. */
enum xj_err
xj_h_temp_path (struct xj_req *r, const char *tag, char *path, size_t size)
{
  int fd;

  xj_snprintf (path, size, "%s/%s-XXXXXX", xj_req_tmpdir (r), tag);
  fd = mkostemp (path, O_CLOEXEC);
  if (fd < 0)
    return xj_reply_err (r, XJ_E_IO, NULL, "无法创建临时文件");
  close (fd);
  return XJ_E_OK;
}

/* The export options of GET /students/export and POST /exports from the
   query: format, encoding, reveal, then the list filters into @sq (a
   number search is counted against the caller's search budget). */
static enum xj_err
parse_export_opts (struct xj_req *r, struct xj_export_opts *o,
                   struct xj_student_query *sq)
{
  const char *v;

  memset (o, 0, sizeof *o);
  v = xj_req_arg (r, "format");
  if (NULL == v || '\0' == *v || 0 == strcmp (v, "xlsx"))
    o->format = XJ_EXPORT_XLSX;
  else if (0 == strcmp (v, "csv"))
    o->format = XJ_EXPORT_CSV;
  else
    return xj_reply_err (r, XJ_E_EXPORT_FORMAT, "format", "%s", v);
  v = xj_req_arg (r, "encoding");
  if (NULL == v || '\0' == *v || 0 == strcasecmp (v, "utf-8")
      || 0 == strcasecmp (v, "utf8"))
    o->encoding = XJ_EXPORT_UTF8;
  else if (0 == strcasecmp (v, "gb18030") && XJ_EXPORT_CSV == o->format)
    o->encoding = XJ_EXPORT_GB18030;
  else
    return xj_reply_err (r, XJ_E_EXPORT_FORMAT, "encoding", "%s", v);
  /* the filter last: a bad request spends no search */
  if (XJ_E_OK != reveal_arg (r, 0, &o->show)
      || XJ_E_OK != xj_req_student_filter (r, &o->filter, sq))
    return r->err;
  xj_scope_of (&r->user, &o->scope);
  o->tmpdir = xj_req_tmpdir (r);
  o->actor = &r->actor;
  return XJ_E_OK;
}

/* Direct download: lists of up to export.direct_max_rows rows, while one
   of export.max_running slots is free (so exports never hold every
   request thread); larger lists go through POST /exports. */
enum xj_err
xj_h_students_export (struct xj_req *r)
{
  struct xj_export_opts o;
  struct xj_student_query sq;
  struct xj_export_settings set;
  char path[1200], name[64];
  int64_t rows = 0;
  enum xj_err e;

  if (XJ_E_OK != parse_export_opts (r, &o, &sq))
    return r->err;
  if (XJ_E_OK != (e = xj_export_settings_get (r->db, &set))
      || XJ_E_OK != (e = xj_export_count (r->db, &o, &rows)))
    return xj_reply_err (r, e, NULL, NULL);
  if (rows > set.direct_max_rows)
    return xj_reply_err (r, XJ_E_EXPORT_USE_JOB, NULL,
                         "共%lld行，直接下载上限%lld行", (long long) rows,
                         (long long) set.direct_max_rows);
  if (! xj_export_slot_take (set.max_running))
    return xj_reply_err (r, XJ_E_EXPORT_BUSY, NULL, NULL);
  if (XJ_E_OK == (e = xj_h_temp_path (r, "export", path, sizeof path)))
    {
      e = xj_export_students (r->db, &o, path, &rows);
      if (XJ_E_OK == e)
        e = xj_req_search_audit (r, "export", &sq, rows);
      if (XJ_E_OK != e)
        {
          unlink (path);
          e = xj_reply_err (r, e, NULL, NULL);
        }
    }
  xj_export_slot_release ();
  if (XJ_E_OK != e)
    return e;
  xj_export_file_name (&o, name, sizeof name);
  return xj_reply_file (r, path, true, xj_export_mime (&o), name);
}

/* ---- the import template: GET /imports/template.xlsx ---- */

/* The example row is for the caller's own school (registrars); others
   get the header row and the code tables. */
enum xj_err
xj_h_import_template (struct xj_req *r)
{
  struct xj_school school;
  bool have = false;
  char path[1200];
  int y, m, d;
  enum xj_err e;

  if (0 != r->user.school_id)
    {
      e = xj_school_get (r->db, r->user.school_id, &school);
      if (XJ_E_OK != e && XJ_E_NOT_FOUND != e)
        return xj_reply_err (r, e, NULL, NULL);
      have = XJ_E_OK == e;
    }
  if (XJ_E_OK != (e = xj_h_temp_path (r, "template", path, sizeof path)))
    return e;
  xj_today (&y, &m, &d);
  e = xj_import_template (r->db, have ? &school : NULL,
                          y * 10000 + m * 100 + d, path);
  if (XJ_E_OK != e)
    {
      unlink (path);
      return xj_reply_err (r, e, NULL, NULL);
    }
  return xj_reply_file (r, path, true,
                        "application/vnd.openxmlformats-officedocument"
                        ".spreadsheetml.sheet",
                        "学生导入模板.xlsx");
}

/* ---- background exports: /exports ---- */

/* The search (a whole ID or registry number in the filter) is audited
   when the job is queued, with the rows it matches then. */
enum xj_err
xj_h_export_create (struct xj_req *r)
{
  struct xj_export_opts o;
  struct xj_student_query sq;
  struct xj_export_settings set;
  int64_t id, rows;
  json_t *job;
  enum xj_err e;

  if (XJ_E_OK != parse_export_opts (r, &o, &sq))
    return r->err;
  if (XJ_E_OK != (e = xj_export_settings_get (r->db, &set))
      || XJ_E_OK != (e = xj_export_count (r->db, &o, &rows))
      || XJ_E_OK != (e = xj_req_search_audit (r, "export", &sq, rows))
      || XJ_E_OK != (e = xj_export_job_submit (xj_db_path (r->db), &set, &o,
                                               r->user.id, &id))
      || XJ_E_OK != (e = xj_export_job_get (r->user.id, id, &job)))
    return xj_reply_err (r, e, NULL, NULL);
  xj_reply_json (r, 202, job);
  return XJ_E_OK;
}

enum xj_err
xj_h_exports (struct xj_req *r)
{
  struct xj_export_settings set;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_export_settings_get (r->db, &set)))
    return xj_reply_err (r, e, NULL, NULL);
  xj_export_job_sweep (set.retention_days);
  xj_reply_json (r, 200,
                 json_pack ("{s:I, s:I, s:o}", "direct_max_rows",
                            (json_int_t) set.direct_max_rows,
                            "retention_days", (json_int_t) set.retention_days,
                            "jobs", xj_export_job_list (r->user.id)));
  return XJ_E_OK;
}

enum xj_err
xj_h_export_get (struct xj_req *r)
{
  int64_t id;
  json_t *job;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  if (XJ_E_OK != xj_export_job_get (r->user.id, id, &job))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  xj_reply_json (r, 200, job);
  return XJ_E_OK;
}

enum xj_err
xj_h_export_file (struct xj_req *r)
{
  char path[1200], name[64];
  const char *type;
  int64_t id;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  e = xj_export_job_file (r->user.id, id, path, sizeof path, name,
                          sizeof name, &type);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  return xj_reply_file (r, path, false, type, name);
}

enum xj_err
xj_h_export_cancel (struct xj_req *r)
{
  int64_t id;
  json_t *job;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  if (XJ_E_OK != xj_export_job_cancel (r->user.id, id))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  /* a discarded finished job is gone: answer its last state */
  if (XJ_E_OK != xj_export_job_get (r->user.id, id, &job))
    job = json_pack ("{s:I, s:s}", "id", (json_int_t) id, "status",
                     "deleted");
  xj_reply_json (r, 200, job);
  return XJ_E_OK;
}

enum xj_err
xj_h_student_card (struct xj_req *r)
{
  struct xj_student *s;
  struct xj_student_ctx ctx;
  struct xj_card_opts o = { 0 };
  char path[1200], name[300];
  int64_t id;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id)
      || XJ_E_OK != reveal_arg (r, 1, &o.show))
    return r->err;
  s = xj_malloc (sizeof *s);
  e = xj_student_load_ctx (r->db, id, s, &ctx);
  if (XJ_E_NOT_FOUND == e
      || (XJ_E_OK == e
          && ! xj_scope_student (&r->user, s->school_id, ctx.county_code,
                                 s->class_id)))
    e = xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  else if (XJ_E_OK == e && XJ_E_OK == (e = xj_h_temp_path (r, "card", path,
                                                      sizeof path)))
    {
      o.printer = r->user.username;
      o.actor = &r->actor;
      e = xj_card_student (r->db, &o, s, &ctx, path);
      if (XJ_E_OK != e)
        {
          unlink (path);
          e = xj_reply_err (r, e, NULL, NULL);
        }
      else
        {
          char reg[48];

          /* a masked card does not name the registry number either */
          xj_snprintf (name, sizeof name, "学籍卡-%s.pdf",
                       xj_mask_for (XJ_MASK_REGISTRY_NO, o.show,
                                    s->registry_no, reg, sizeof reg));
          e = xj_reply_file (r, path, true, "application/pdf", name);
        }
    }
  free (s);
  return e;
}

enum xj_err
xj_h_class_cards (struct xj_req *r)
{
  struct xj_class c;
  struct xj_school sc;
  struct xj_scope scope;
  struct xj_card_opts o = { 0 };
  struct xj_export_settings set;
  char path[1200], name[200];
  int64_t id, pages = 0;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id)
      || XJ_E_OK != reveal_arg (r, 1, &o.show))
    return r->err;
  e = xj_class_get (r->db, id, &c);
  if (XJ_E_NOT_FOUND == e)
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  if (XJ_E_OK != xj_school_in_scope_or_reply (r, c.school_id, &sc))
    return r->err;
  /* a class teacher sees only their own classes */
  if (! xj_scope_student (&r->user, sc.id, sc.county_code, c.id))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK != (e = xj_export_settings_get (r->db, &set)))
    return xj_reply_err (r, e, NULL, NULL);
  /* a class's cards are one bounded batch (its students), but drawing
     them is slow: one of the export slots, never every request thread */
  if (! xj_export_slot_take (set.max_running))
    return xj_reply_err (r, XJ_E_EXPORT_BUSY, NULL, NULL);
  if (XJ_E_OK != xj_h_temp_path (r, "cards", path, sizeof path))
    {
      xj_export_slot_release ();
      return r->err;
    }
  xj_scope_of (&r->user, &scope);
  o.printer = r->user.username;
  o.actor = &r->actor;
  e = xj_card_class (r->db, &o, &scope, id, path, &pages);
  xj_export_slot_release ();
  if (XJ_E_OK != e)
    {
      unlink (path);
      return xj_reply_err (r, e, NULL, NULL);
    }
  xj_snprintf (name, sizeof name, "学籍卡-%s.pdf", c.name);
  return xj_reply_file (r, path, true, "application/pdf", name);
}

/* ---- export settings (administrators) ---- */

static json_t *
export_settings_json (const struct xj_export_settings *s)
{
  return json_pack ("{s:I, s:i, s:i}", "direct_max_rows",
                    (json_int_t) s->direct_max_rows, "max_running",
                    s->max_running, "retention_days", s->retention_days);
}

enum xj_err
xj_h_export_settings_get (struct xj_req *r)
{
  struct xj_export_settings s;
  enum xj_err e = xj_export_settings_get (r->db, &s);

  if (XJ_E_OK == e)
    xj_reply_json (r, 200, export_settings_json (&s));
  return e;
}

struct eset_ctx {
  struct xj_export_settings s;
  const struct xj_actor *a;
  char *before, *after;
};

static enum xj_err
export_settings_txn (struct xj_db *db, void *cls)
{
  struct eset_ctx *c = cls;
  enum xj_err e = xj_export_settings_put (db, &c->s);

  if (XJ_E_OK == e)
    e = xj_audit_append (db, c->a, "settings.update", "settings", "export",
                         c->before, c->after);
  return e;
}

/* A field not in the PATCH body (any JSON integer may be sent). */
#define ABSENT INT64_MIN

/* Which of the three is out of range, or NULL. */
static const char *
export_settings_bad (json_int_t rows, json_int_t running, json_int_t days)
{
  if (ABSENT != rows && (rows < 0 || rows > 1000000))
    return "direct_max_rows";
  if (ABSENT != running && (running < 1 || running > 2))
    return "max_running";
  if (ABSENT != days && (days < 1 || days > 3650))
    return "retention_days";
  return NULL;
}

enum xj_err
xj_h_export_settings_patch (struct xj_req *r)
{
  json_t *body = NULL, *ja = NULL;
  json_error_t jerr;
  json_int_t rows = ABSENT, running = ABSENT, days = ABSENT;
  struct eset_ctx c = { 0 };
  const char *bad;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s?I, s?I, s?I}",
                           "direct_max_rows", &rows, "max_running", &running,
                           "retention_days", &days))
    e = xj_reply_err (r, strstr (jerr.text, "unpacked")
                           ? XJ_E_UNKNOWN_FIELD : XJ_E_BAD_TYPE,
                      NULL, "%s", jerr.text);
  else if (NULL != (bad = export_settings_bad (rows, running, days)))
    e = xj_reply_err (r, XJ_E_RANGE, bad,
                      "直接下载0到1000000行，同时导出1到2个，保留1到3650天");
  else if (XJ_E_OK == (e = xj_export_settings_get (r->db, &c.s)))
    {
      json_t *jb = export_settings_json (&c.s);

      c.s.direct_max_rows = ABSENT != rows ? rows : c.s.direct_max_rows;
      c.s.max_running = ABSENT != running ? (int) running : c.s.max_running;
      c.s.retention_days = ABSENT != days ? (int) days : c.s.retention_days;
      ja = export_settings_json (&c.s);
      c.before = json_dumps (jb, JSON_COMPACT | JSON_SORT_KEYS);
      c.after = json_dumps (ja, JSON_COMPACT | JSON_SORT_KEYS);
      json_decref (jb);
      c.a = &r->actor;
      e = xj_db_txn_run (r->db, "export_settings", true,
                         &export_settings_txn, &c);
      if (XJ_E_OK == e)
        {
          xj_reply_json (r, 200, ja);
          ja = NULL;
        }
    }
  json_decref (ja);
  free (c.before);
  free (c.after);
  json_decref (body);
  return e;
}
