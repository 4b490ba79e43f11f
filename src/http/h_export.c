/* h_export.c -- exports and printing: GET /students/export (XLSX/CSV of
 * any filtered list), GET /students/{id}/card.pdf and GET
 * /classes/{id}/cards.pdf (学籍卡).  Scope exactly as the list and get
 * handlers: the list statements take the caller's scope, filters only
 * narrow it; a single record or class outside it answers 404.  Unmasked
 * output (reveal) shows what the caller's reveal rights allow -- the same
 * policy as the record's reveal (user/reveal.h) -- and is audited
 * (src/export does the writing and the audit entry).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "export/export.h"
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
static enum xj_err
temp_path (struct xj_req *r, const char *tag, char *path, size_t size)
{
  int fd;

  xj_snprintf (path, size, "%s/%s-XXXXXX", xj_req_tmpdir (r), tag);
  fd = mkostemp (path, O_CLOEXEC);
  if (fd < 0)
    return xj_reply_err (r, XJ_E_IO, NULL, "无法创建临时文件");
  close (fd);
  return XJ_E_OK;
}

enum xj_err
xj_h_students_export (struct xj_req *r)
{
  struct xj_export_opts o = { 0 };
  struct xj_student_query sq;
  char path[1200], name[64];
  const char *v;
  int64_t rows = 0;
  int y, m, d;
  enum xj_err e;

  v = xj_req_arg (r, "format");
  if (NULL == v || '\0' == *v || 0 == strcmp (v, "xlsx"))
    o.format = XJ_EXPORT_XLSX;
  else if (0 == strcmp (v, "csv"))
    o.format = XJ_EXPORT_CSV;
  else
    return xj_reply_err (r, XJ_E_EXPORT_FORMAT, "format", "%s", v);
  v = xj_req_arg (r, "encoding");
  if (NULL == v || '\0' == *v || 0 == strcasecmp (v, "utf-8")
      || 0 == strcasecmp (v, "utf8"))
    o.encoding = XJ_EXPORT_UTF8;
  else if (0 == strcasecmp (v, "gb18030") && XJ_EXPORT_CSV == o.format)
    o.encoding = XJ_EXPORT_GB18030;
  else
    return xj_reply_err (r, XJ_E_EXPORT_FORMAT, "encoding", "%s", v);
  /* the filter last: a bad request spends no search */
  if (XJ_E_OK != reveal_arg (r, 0, &o.show)
      || XJ_E_OK != xj_req_student_filter (r, &o.filter, &sq))
    return r->err;
  xj_scope_of (&r->user, &o.scope);
  o.tmpdir = xj_req_tmpdir (r);
  o.actor = &r->actor;
  if (XJ_E_OK != temp_path (r, "export", path, sizeof path))
    return r->err;
  e = xj_export_students (r->db, &o, path, &rows);
  if (XJ_E_OK == e)
    e = xj_req_search_audit (r, "export", &sq, rows);
  if (XJ_E_OK != e)
    {
      unlink (path);
      return xj_reply_err (r, e, NULL, NULL);
    }
  xj_today (&y, &m, &d);
  xj_snprintf (name, sizeof name, "学生名册-%04d%02d%02d.%s", y, m, d,
               XJ_EXPORT_CSV == o.format ? "csv" : "xlsx");
  return xj_reply_file (
    r, path, true,
    XJ_EXPORT_CSV == o.format
      ? (XJ_EXPORT_GB18030 == o.encoding ? "text/csv; charset=GB18030"
                                         : "text/csv; charset=utf-8")
      : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    name);
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
  else if (XJ_E_OK == e && XJ_E_OK == (e = temp_path (r, "card", path,
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
  if (XJ_E_OK != temp_path (r, "cards", path, sizeof path))
    return r->err;
  xj_scope_of (&r->user, &scope);
  o.printer = r->user.username;
  o.actor = &r->actor;
  e = xj_card_class (r->db, &o, &scope, id, path, &pages);
  if (XJ_E_OK != e)
    {
      unlink (path);
      return xj_reply_err (r, e, NULL, NULL);
    }
  xj_snprintf (name, sizeof name, "学籍卡-%s.pdf", c.name);
  return xj_reply_file (r, path, true, "application/pdf", name);
}
