/* h_imports.c -- /imports: upload a student file for a background import
 * (src/import/import_job.c), poll its status and progress, cancel it,
 * download its error report.  The upload itself is streamed to a
 * temporary file by server.c (XJ_RF_UPLOAD) after authentication; this
 * file only takes it over and queues the job.
 */
#include <stdlib.h>
#include <string.h>
#include "export/export.h"
#include "http/handlers.h"
#include "import/import.h"

enum xj_err
xj_h_import_create (struct xj_req *r)
{
  struct xj_import_job_new n = { 0 };
  const char *k;
  json_t *v;
  int64_t id;
  enum xj_err e;

  json_object_foreach (r->form, k, v)
    if (0 != strcmp (k, "valid_only") && 0 != strcmp (k, "dry_run")
        && 0 != strcmp (k, "create_classes") && 0 != strcmp (k, "sheet"))
      return xj_reply_err (r, XJ_E_UNKNOWN_FIELD, k, "%s", k);
  if (XJ_E_OK != (e = xj_req_form_flag (r, "valid_only", &n.valid_only))
      || XJ_E_OK != (e = xj_req_form_flag (r, "dry_run", &n.dry_run))
      || XJ_E_OK != (e = xj_req_form_flag (r, "create_classes", &n.create_classes)))
    return e;
  n.sheet = json_string_value (json_object_get (r->form, "sheet"));
  if (n.sheet && strlen (n.sheet) > 200)
    return xj_reply_err (r, XJ_E_TOO_LONG, "sheet", NULL);
  if (0 == r->upload_size)
    return xj_reply_err (r, XJ_E_IMPORT_EMPTY, "file", NULL);
  /* scope: registrars import into their own school only (a row naming
     another school is a row error); a registrar without a school or a
     bureau user without a region has nothing to import into */
  if ((XJ_ROLE_REGISTRAR == r->user.role && 0 == r->user.school_id)
      || (XJ_ROLE_BUREAU == r->user.role && '\0' == r->user.region_code[0]))
    return xj_reply_err (r, XJ_E_OUT_OF_SCOPE, NULL, NULL);
  n.user = &r->user;
  n.ip = r->ip;
  n.path = r->upload_path;
  n.file_name = r->upload_name ? r->upload_name : "upload";
  n.file_size = r->upload_size;
  e = xj_import_job_submit (r->db, r->auth, &n, &id);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  /* the job owns the file now: the server must not unlink it */
  free (r->upload_path);
  r->upload_path = NULL;
  xj_reply_json (r, 202, json_pack ("{s:I, s:s}", "id", (json_int_t) id,
                                    "status", "queued"));
  return XJ_E_OK;
}

enum xj_err
xj_h_import_get (struct xj_req *r)
{
  int64_t id;
  json_t *j;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_path_id (r, 0, &id)))
    return e;
  e = xj_import_job_get (r->db, r->auth, &r->user, id, &j);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  xj_reply_json (r, 200, j);
  return XJ_E_OK;
}

enum xj_err
xj_h_imports (struct xj_req *r)
{
  int64_t limit;
  json_t *a;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_arg_int (r, "limit", 20, 1, 200, &limit)))
    return e;
  e = xj_import_job_list (r->db, r->auth, &r->user, limit, &a);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  xj_reply_json (r, 200, json_pack ("{s:o}", "items", a));
  return XJ_E_OK;
}

enum xj_err
xj_h_import_cancel (struct xj_req *r)
{
  int64_t id;
  char status[32];
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_path_id (r, 0, &id)))
    return e;
  e = xj_import_job_cancel (r->db, r->auth, &r->user, id, status, sizeof status);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  xj_reply_json (r, 200, json_pack ("{s:I, s:s}", "id", (json_int_t) id,
                                    "status", status));
  return XJ_E_OK;
}

enum xj_err
xj_h_import_report (struct xj_req *r)
{
  int64_t id;
  char *path;
  char name[64];
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_path_id (r, 0, &id)))
    return e;
  e = xj_import_job_report (r->db, &r->user, id, &path);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, NULL, NULL);
  xj_snprintf (name, sizeof name, "导入错误报告-%lld.xlsx", (long long) id);
  e = xj_reply_file (r, path, false,
                     XJ_XLSX_MIME,
                     name);
  free (path);
  return e;
}
