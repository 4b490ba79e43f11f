/* server.c -- libmicrohttpd glue: request contexts, body limits, routing,
 * sessions and CSRF, replies, static files and clean shutdown.  With
 * static.c and conn_guard.c the only files that call libmicrohttpd;
 * handlers see struct xj_req only.
 *
 * Per libmicrohttpd 0.9.75 the reply is queued on the second (or later)
 * call of the access handler: answering on the first call closes
 * keep-alive connections (measured: about five times fewer requests/s).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <sodium.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "http/conn_guard.h"
#include "audit/audit.h"
#include "http/req.h"
#include "http/server.h"
#include "http/static.h"
#include "export/export_job.h"
#include "student/dup_scan_job.h"
#include "verify/ghost_job.h"
#include "student/identity.h"
#include "dropout/dropout.h"
#include "import/import.h"
#include "student/student_json.h"

/* How long a request may wait for SQLite's writer lock (docs/api.md). */
#define XJ_WRITE_WAIT_MS 900

static const struct xj_server_config *config;
static pthread_key_t db_key;
static pthread_key_t auth_key;
static atomic_int active_requests;
/* Set on SIGTERM/SIGINT: a new request is answered 503 server_stopping
   (first_call) while those in flight finish. */
static atomic_bool stopping;

static void
db_key_free (void *p)
{
  xj_db_close (p);
}

/* This worker thread's connection to the auth store (sessions, log-in
   throttling), opened on first use. */
static struct xj_db *
thread_auth (void)
{
  struct xj_db *db = pthread_getspecific (auth_key);
  char path[1100];

  if (NULL == db)
    {
      xj_db_auth_path (config->db_path, path, sizeof path);
      if (XJ_E_OK != xj_db_open (path, XJ_DB_OPEN_AUTH, &db))
        return NULL;
      xj_db_set_write_wait (db, XJ_WRITE_WAIT_MS);
      pthread_setspecific (auth_key, db);
    }
  return db;
}

bool
xj_req_secure_cookies (struct xj_req *r)
{
  (void) r;
  return config->secure_cookies;
}

/* This worker thread's database connection, opened on first use. */
static struct xj_db *
thread_db (void)
{
  struct xj_db *db = pthread_getspecific (db_key);

  if (NULL == db)
    {
      if (XJ_E_OK != xj_db_open (config->db_path, XJ_DB_OPEN_EXISTING, &db))
        return NULL;
      /* a request thread never waits for the writer lock much longer
         than a second: 503 db_busy instead (docs/api.md) */
      xj_db_set_write_wait (db, XJ_WRITE_WAIT_MS);
      pthread_setspecific (db_key, db);
    }
  return db;
}

/* ---- helpers for handlers (req.h) ---- */

const char *
xj_req_arg (struct xj_req *r, const char *name)
{
  return MHD_lookup_connection_value (r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
xj_req_header (struct xj_req *r, const char *name)
{
  return MHD_lookup_connection_value (r->conn, MHD_HEADER_KIND, name);
}

enum xj_err
xj_req_arg_int (struct xj_req *r, const char *name, int64_t def, int64_t min,
                int64_t max, int64_t *out)
{
  const char *v = xj_req_arg (r, name);
  int64_t n;

  if (NULL == v || '\0' == *v)
    {
      *out = def;
      return XJ_E_OK;
    }
  if (! xj_parse_i64 (v, &n) || n < min || n > max)
    return xj_reply_err (r, XJ_E_BAD_PARAM, name, "%s应为%lld到%lld之间的整数",
                         name, (long long) min, (long long) max);
  *out = n;
  return XJ_E_OK;
}

bool
xj_req_path_id_peek (struct xj_req *r, int i, int64_t *out)
{
  return i < XJ_REQ_MAX_ARGS && NULL != r->path_args[i]
         && xj_parse_i64 (r->path_args[i], out) && *out > 0;
}

enum xj_err
xj_req_path_id (struct xj_req *r, int i, int64_t *out)
{
  if (! xj_req_path_id_peek (r, i, out))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  return XJ_E_OK;
}

enum xj_err
xj_req_form_flag (struct xj_req *r, const char *name, bool *out)
{
  const char *v = json_string_value (json_object_get (r->form, name));

  *out = false;
  if (NULL == v || '\0' == v[0] || 0 == strcmp (v, "0")
      || 0 == strcmp (v, "false") || 0 == strcmp (v, "off")
      || 0 == strcmp (v, "no"))
    return XJ_E_OK;
  if (0 == strcmp (v, "1") || 0 == strcmp (v, "true") || 0 == strcmp (v, "on")
      || 0 == strcmp (v, "yes"))
    {
      *out = true;
      return XJ_E_OK;
    }
  return xj_reply_err (r, XJ_E_BAD_TYPE, name, "%s应为true或false", name);
}

enum xj_err
xj_req_body_json (struct xj_req *r, json_t **out)
{
  json_error_t jerr;
  json_t *j;

  *out = NULL;
  if (0 == r->body.len)
    return xj_reply_err (r, XJ_E_BAD_JSON, NULL, "请求体为空");
  j = json_loadb (r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
  if (NULL == j)
    return xj_reply_err (r, XJ_E_BAD_JSON, NULL, "第%d行第%d列：%s",
                         jerr.line, jerr.column, jerr.text);
  if (! json_is_object (j))
    {
      json_decref (j);
      return xj_reply_err (r, XJ_E_BAD_JSON, NULL, "请求体应为JSON对象");
    }
  *out = j;
  return XJ_E_OK;
}

void
xj_reply_json (struct xj_req *r, unsigned status, json_t *j)
{
  json_decref (r->json);
  r->json = j;
  free (r->json_text);
  r->json_text = NULL;
  r->status = status;
}

void
xj_reply_json_text (struct xj_req *r, unsigned status, char *text)
{
  json_decref (r->json);
  r->json = NULL;
  free (r->json_text);
  r->json_text = text;
  r->status = status;
}

enum xj_err
xj_reply_err (struct xj_req *r, enum xj_err e, const char *field,
              const char *fmt, ...)
{
  r->err = e;
  /* copy: the field name often lives in memory the handler frees */
  if (field)
    {
      xj_strlcpy (r->err_field_buf, field, sizeof r->err_field_buf);
      r->err_field = r->err_field_buf;
    }
  else
    r->err_field = NULL;
  r->status = (unsigned) xj_err_http_status (e);
  if (NULL != fmt)
    {
      va_list ap;
      char detail[400];

      va_start (ap, fmt);
      vsnprintf (detail, sizeof detail, fmt, ap);
      va_end (ap);
      xj_snprintf (r->err_msg, sizeof r->err_msg, "%s：%s", xj_err_zh (e),
                   detail);
    }
  else
    xj_strlcpy (r->err_msg, xj_err_zh (e), sizeof r->err_msg);
  return e;
}

enum xj_err
xj_reply_verrs (struct xj_req *r, const struct xj_verrs *v)
{
  json_decref (r->err_details);
  r->err_details = xj_verrs_to_json (v);
  xj_reply_err (r, XJ_E_VALIDATION, v->n ? v->e[0].field : NULL, NULL);
  if (v->n)
    xj_snprintf (r->err_msg, sizeof r->err_msg, "%s（%zu项）：%s",
                 xj_err_zh (XJ_E_VALIDATION), v->n,
                 json_string_value (json_object_get (
                   json_array_get (r->err_details, 0), "message")));
  return XJ_E_VALIDATION;
}

enum xj_err
xj_req_paging (struct xj_req *r, int64_t *limit, int64_t *offset,
               int64_t *page)
{
  int64_t p, pp;

  if (XJ_E_OK != xj_req_arg_int (r, "page", 1, 1, 1000000, &p)
      || XJ_E_OK != xj_req_arg_int (r, "per_page", 20, 1, 200, &pp))
    return r->err;
  *page = p;
  *limit = pp;
  *offset = (p - 1) * pp;
  return XJ_E_OK;
}

json_t *
xj_page_json (json_t *items, int64_t total, int64_t page, int64_t per_page)
{
  return json_pack ("{s:o, s:I, s:I, s:I}", "items", items, "total",
                    (json_int_t) total, "page", (json_int_t) page, "per_page",
                    (json_int_t) per_page);
}

/* ---- routing ---- */

/* Match @url's path against @pattern, capturing {param} segments. */
static bool
path_match (const char *pattern, const char *path, char **args)
{
  int n = 0;

  while (*pattern && *path)
    {
      if ('{' == *pattern)
        {
          const char *end = strchr (path, '/');
          size_t len = end ? (size_t) (end - path) : strlen (path);

          if (0 == len || n >= XJ_REQ_MAX_ARGS || len > 64)
            goto fail;
          args[n++] = xj_strndup (path, len);
          path += len;
          pattern = strchr (pattern, '}') + 1;
          continue;
        }
      if (*pattern != *path)
        goto fail;
      pattern++;
      path++;
    }
  if ('\0' == *pattern && '\0' == *path)
    return true;
fail:
  for (int i = 0; i < n; i++)
    {
      free (args[i]);
      args[i] = NULL;
    }
  return false;
}

/* Find the route; *path_found tells 405 from 404. */
static const struct xj_route *
route_find (const char *method, const char *url, char **args,
            bool *path_found)
{
  *path_found = false;
  for (const struct xj_route *rt = xj_routes; rt->method; rt++)
    {
      if (! path_match (rt->path, url, args))
        continue;
      if (0 == strcmp (rt->method, method))
        return rt;
      *path_found = true;
      for (int i = 0; i < XJ_REQ_MAX_ARGS; i++)
        {
          free (args[i]);
          args[i] = NULL;
        }
    }
  return NULL;
}

/* ---- replies ---- */

static void content_disposition (const char *name, bool inline_, char *out,
                                 size_t size);

static void
add_common_headers (struct MHD_Response *resp)
{
  MHD_add_response_header (resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header (resp, "X-Frame-Options", "DENY");
  MHD_add_response_header (resp, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result
queue_json (struct xj_req *r)
{
  struct MHD_Response *resp;
  enum MHD_Result ret;
  char *body;

  if (XJ_E_OK == r->err && r->reply_fd >= 0)
    {
      struct stat st;
      char cd[600];

      if (0 == fstat (r->reply_fd, &st)
          && NULL != (resp = MHD_create_response_from_fd ((uint64_t) st.st_size,
                                                          r->reply_fd)))
        {
          r->reply_fd = -1; /* owned by the response now */
          MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                   r->reply_type);
          /* PDFs open in the browser, ready to print; tables download */
          content_disposition (r->reply_filename ? r->reply_filename
                                                 : "download",
                               0 == strcmp (r->reply_type, "application/pdf"),
                               cd, sizeof cd);
          MHD_add_response_header (resp, "Content-Disposition", cd);
          add_common_headers (resp);
          MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                                   "no-store");
          ret = MHD_queue_response (r->conn, 200, resp);
          MHD_destroy_response (resp);
          return ret;
        }
      xj_reply_err (r, XJ_E_IO, NULL, NULL);
    }
  if (XJ_E_OK != r->err)
    {
      /* the message and field may reflect client bytes (?grade=%FF):
         always valid UTF-8, or jansson would give no body at all */
      char *msg = xj_utf8_clean (r->err_msg, sizeof r->err_msg - 1);
      char *field = r->err_field ? xj_utf8_clean (r->err_field, 63) : NULL;
      json_t *e = json_pack ("{s:s, s:s, s:s?}", "code", xj_err_code (r->err),
                             "message", msg, "field", field);

      free (msg);
      free (field);
      if (NULL == r->err_field)
        json_object_set_new (e, "field", json_null ());
      if (r->err_details)
        {
          json_object_set_new (e, "details", r->err_details);
          r->err_details = NULL;
        }
      if (r->err_extra)
        json_object_update (e, r->err_extra);
      json_decref (r->json);
      r->json = json_pack ("{s:o}", "error", e);
      r->status = (unsigned) xj_err_http_status (r->err);
    }
  if (XJ_E_OK == r->err && NULL != r->json_text && 204 != r->status)
    {
      body = r->json_text;
      r->json_text = NULL;
      resp = MHD_create_response_from_buffer (strlen (body), body,
                                              MHD_RESPMEM_MUST_FREE);
      MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                               "application/json; charset=utf-8");
    }
  else if (204 == r->status || NULL == r->json)
    {
      resp = MHD_create_response_from_buffer (0, NULL, MHD_RESPMEM_PERSISTENT);
    }
  else
    {
      body = json_dumps (r->json, XJ_JSON_DUMP_FLAGS);
      resp = MHD_create_response_from_buffer (strlen (body), body,
                                              MHD_RESPMEM_MUST_FREE);
      MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                               "application/json; charset=utf-8");
    }
  add_common_headers (resp);
  MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  if (XJ_E_DB_BUSY == r->err || XJ_E_EXPORT_BUSY == r->err)
    MHD_add_response_header (resp, MHD_HTTP_HEADER_RETRY_AFTER, "5");
  else if (r->retry_after && XJ_E_OK != r->err)
    {
      char ra[16];

      xj_snprintf (ra, sizeof ra, "%u", r->retry_after);
      MHD_add_response_header (resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
  if (r->set_cookie)
    MHD_add_response_header (resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
  ret = MHD_queue_response (r->conn, r->status ? r->status : 500, resp);
  MHD_destroy_response (resp);
  return ret;
}

static void
client_ip (struct MHD_Connection *c, char out[64])
{
  const union MHD_ConnectionInfo *ci
    = MHD_get_connection_info (c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

  xj_strlcpy (out, "?", 64);
  if (NULL == ci || NULL == ci->client_addr)
    return;
  if (AF_INET == ci->client_addr->sa_family)
    inet_ntop (AF_INET,
               &((const struct sockaddr_in *) ci->client_addr)->sin_addr, out,
               64);
  else if (AF_INET6 == ci->client_addr->sa_family)
    inet_ntop (AF_INET6,
               &((const struct sockaddr_in6 *) ci->client_addr)->sin6_addr,
               out, 64);
}

static bool
state_changing (const char *method)
{
  return 0 != strcmp (method, "GET") && 0 != strcmp (method, "HEAD");
}

/* This worker thread's connections.  False (with the error reply
   prepared) when there are none. */
static bool
connect_db (struct xj_req *r)
{
  r->db = thread_db ();
  r->auth = thread_auth ();
  if (NULL == r->db || NULL == r->auth)
    {
      xj_reply_err (r, XJ_E_DB, NULL, NULL);
      return false;
    }
  return true;
}

/* Check the session (with @rd's read joined to it, if given), authorise
   by role, check CSRF.  False (with the error reply prepared) when the
   request may not go on. */
static bool
check_session (struct xj_req *r, const struct xj_session_read *rd)
{
  const struct xj_route *rt = r->route;
  const char *cookie;

  r->session_checked = true;
  cookie = MHD_lookup_connection_value (r->conn, MHD_COOKIE_KIND, "xj_session");
  if (cookie && 64 == strlen (cookie))
    {
      xj_strlcpy (r->session_token, cookie, sizeof r->session_token);
      if (XJ_E_OK == xj_session_get_with (r->auth, r->db, cookie, &r->user,
                                          r->csrf, rd))
        r->authed = true;
    }
  if (! (rt->flags & XJ_RF_PUBLIC))
    {
      if (! r->authed)
        {
          xj_reply_err (r, XJ_E_UNAUTHENTICATED, NULL, NULL);
          return false;
        }
      if (0 == (rt->roles & (unsigned) r->user.role))
        {
          xj_reply_err (r, XJ_E_FORBIDDEN, NULL, NULL);
          return false;
        }
      if (state_changing (r->method) && ! (rt->flags & XJ_RF_NO_CSRF))
        {
          const char *t = xj_req_header (r, "X-CSRF-Token");

          if (NULL == t || 64 != strlen (t)
              || 0 != sodium_memcmp (t, r->csrf, 64))
            {
              xj_reply_err (r, XJ_E_CSRF, NULL, NULL);
              return false;
            }
        }
    }
  r->actor.user_id = r->authed ? r->user.id : 0;
  r->actor.username = r->authed ? r->user.username : "-";
  r->actor.ip = r->ip;
  return true;
}

/* Connect and check the session, before the handler runs; a route
   flagged XJ_RF_SESSION_READ only connects: its handler checks the
   session itself (xj_req_authenticate). */
static bool
authenticate (struct xj_req *r)
{
  if (! connect_db (r))
    return false;
  return (r->route->flags & XJ_RF_SESSION_READ) || check_session (r, NULL);
}

bool
xj_req_authenticate (struct xj_req *r, const struct xj_session_read *rd)
{
  if (! (r->route->flags & XJ_RF_SESSION_READ) || r->session_checked)
    {
      XJ_BUG ("xj_req_authenticate: route %s not XJ_RF_SESSION_READ or"
              " checked twice", r->route->path);
      xj_reply_err (r, XJ_E_INTERNAL, NULL, NULL);
      return false;
    }
  return check_session (r, rd);
}

/* Forget a reply prepared so far (the handler runs again). */
static void
reply_reset (struct xj_req *r)
{
  json_decref (r->json);
  r->json = NULL;
  free (r->json_text);
  r->json_text = NULL;
  json_decref (r->err_details);
  r->err_details = NULL;
  json_decref (r->err_extra);
  r->err_extra = NULL;
  if (r->reply_fd >= 0)
    close (r->reply_fd);
  r->reply_fd = -1;
  free (r->reply_filename);
  r->reply_filename = NULL;
  r->err = XJ_E_OK;
  r->err_field = NULL;
  r->err_msg[0] = '\0';
  r->status = 0;
}

/* Run the handler; a route flagged XJ_RF_REPLICA reads from a standby
   when one may answer this user (db.h).  A database failure there (or
   a query the standby cancelled for conflicting with recovery) runs the
   handler again on the primary: a standby going away costs the user
   nothing.  Then the user's writes, if any, are remembered so that their
   next reads see them. */
static enum xj_err
handle (struct xj_req *r)
{
  struct xj_db *primary = r->db;
  enum xj_err e;

  if (r->route->flags & XJ_RF_REPLICA)
    r->db = xj_db_read_conn (primary, r->user.id);
  e = r->route->handler (r);
  if (! r->session_checked)
    {
      /* an XJ_RF_SESSION_READ handler that answered without checking
         the session: never let its answer out */
      XJ_BUG ("handler of %s did not check the session", r->route->path);
      reply_reset (r);
      return xj_reply_err (r, XJ_E_INTERNAL, NULL, NULL);
    }
  if (r->db != primary && (XJ_E_DB == e || XJ_E_DB == r->err
                           || XJ_E_DB_BUSY == e || XJ_E_DB_BUSY == r->err))
    {
      xj_db_read_failed (r->db);
      reply_reset (r);
      r->db = primary;
      e = r->route->handler (r);
    }
  r->db = primary;
  xj_db_note_writes (primary, r->authed ? r->user.id : 0);
  return e;
}

static void
run_handler (struct xj_req *r)
{
  enum xj_err e = handle (r);
  uint64_t done, total;

  /* A large import holds the writer lock for its whole transaction:
     say so, rather than only "busy" (the reply also has Retry-After). */
  if (XJ_E_DB_BUSY == e && xj_import_job_running (&done, &total))
    xj_reply_err (r, e, NULL, "正在进行批量导入（%llu/%llu行），导入完成后即可"
                  "保存", (unsigned long long) done,
                  (unsigned long long) total);
  else if (XJ_E_OK != e && XJ_E_OK == r->err)
    xj_reply_err (r, e, NULL, NULL);
}

/* ---- uploads ---- */

const char *
xj_req_tmpdir (struct xj_req *r)
{
  static char dir[1100];
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

  (void) r;
  pthread_mutex_lock (&lock);
  if ('\0' == dir[0])
    {
      xj_db_side_path (config->db_path, ".tmp", dir, sizeof dir);
      mkdir (dir, 0700);
    }
  pthread_mutex_unlock (&lock);
  return dir;
}

enum xj_err
xj_req_temp_file (struct xj_req *r, const char *tag, char *path, size_t size)
{
  int fd;

  xj_snprintf (path, size, "%s/%s-XXXXXX", xj_req_tmpdir (r), tag);
  fd = mkostemp (path, O_CLOEXEC);
  if (fd < 0)
    return xj_reply_err (r, XJ_E_IO, NULL, "无法创建临时文件");
  close (fd);
  return XJ_E_OK;
}

/* MHD post-processor iterator: stream "file" to a temp file, keep other
   small fields in r->form. */
static enum MHD_Result
post_iter (void *cls, enum MHD_ValueKind kind, const char *key,
           const char *filename, const char *content_type,
           const char *transfer_encoding, const char *data, uint64_t off,
           size_t size)
{
  struct xj_req *r = cls;

  (void) kind;
  (void) content_type;
  (void) transfer_encoding;
  if (r->too_large || XJ_E_OK != r->err)
    return MHD_YES;
  if (0 == strcmp (key, "file"))
    {
      if (0 == off && NULL != r->upload_path)
        {
          /* a second part named "file": refused, never appended to the
             first (a client that means two files must send two imports) */
          xj_reply_err (r, XJ_E_UPLOAD_MANY_FILES, "file", NULL);
          return MHD_YES;
        }
      if (r->upload_fd < 0)
        {
          char path[1200];

          xj_snprintf (path, sizeof path, "%s/upload-XXXXXX",
                       xj_req_tmpdir (r));
          r->upload_fd = mkostemp (path, O_CLOEXEC);
          if (r->upload_fd < 0)
            {
              xj_reply_err (r, XJ_E_IO, NULL, "无法保存上传文件");
              return MHD_YES;
            }
          r->upload_path = xj_strdup (path);
          if (filename)
            r->upload_name = xj_utf8_clean (filename, XJ_UPLOAD_NAME_MAX);
        }
      if (r->upload_size + size > r->route->body_max)
        {
          r->too_large = true;
          return MHD_YES;
        }
      if (size && (ssize_t) size != write (r->upload_fd, data, size))
        {
          xj_reply_err (r, XJ_E_IO, NULL, "写入上传文件失败");
          return MHD_YES;
        }
      r->upload_size += size;
      return MHD_YES;
    }
  /* a small field, possibly in several chunks */
  {
    json_t *old = json_object_get (r->form, key);
    const char *prev = (old && off) ? json_string_value (old) : "";
    size_t plen = strlen (prev);
    char *v;

    if (strlen (key) > 64 || plen + size > 4096
        || json_object_size (r->form) > 32)
      {
        xj_reply_err (r, XJ_E_BAD_PARAM, NULL, "表单字段过大");
        return MHD_YES;
      }
    v = xj_malloc (plen + size + 1);
    memcpy (v, prev, plen);
    memcpy (v + plen, data, size);
    v[plen + size] = '\0';
    if (xj_utf8_valid (v, plen + size))
      json_object_set_new (r->form, key, json_string (v));
    free (v);
  }
  return MHD_YES;
}

static void
upload_close (struct xj_req *r)
{
  if (r->upload_fd >= 0)
    {
      close (r->upload_fd);
      r->upload_fd = -1;
    }
}

/* ---- file replies ---- */

enum xj_err
xj_reply_file (struct xj_req *r, const char *path, bool unlink_after,
               const char *type, const char *filename)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (unlink_after)
    unlink (path);
  if (fd < 0)
    return xj_reply_err (r, XJ_E_IO, NULL, NULL);
  if (r->reply_fd >= 0)
    close (r->reply_fd);
  r->reply_fd = fd;
  xj_strlcpy (r->reply_type, type, sizeof r->reply_type);
  free (r->reply_filename);
  r->reply_filename = xj_strdup (filename);
  r->status = 200;
  return XJ_E_OK;
}

/* RFC 5987 encoding of a UTF-8 file name. */
static void
content_disposition (const char *name, bool inline_, char *out, size_t size)
{
  size_t n = 0;

  n = (size_t) snprintf (out, size, "%s; filename*=UTF-8''",
                         inline_ ? "inline" : "attachment");
  for (const unsigned char *p = (const unsigned char *) name; *p && n + 4 < size;
       p++)
    {
      if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
          || (*p >= '0' && *p <= '9') || '.' == *p || '-' == *p || '_' == *p)
        out[n++] = (char) *p;
      else
        n += (size_t) snprintf (out + n, size - n, "%%%02X", *p);
    }
  out[n] = '\0';
}

/* The length the request announces for its body: Content-Length, or
   SIZE_MAX for a chunked body (its length is unknown until read).
   False (with the error reply prepared) for a malformed length. */
static bool
announced_body (struct xj_req *r, size_t *len)
{
  const char *cl = xj_req_header (r, MHD_HTTP_HEADER_CONTENT_LENGTH);
  const char *te = xj_req_header (r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
  int64_t n;

  *len = 0;
  if (te)
    *len = SIZE_MAX;
  else if (cl)
    {
      if (! xj_parse_i64 (cl, &n) || n < 0)
        {
          xj_reply_err (r, XJ_E_BAD_PARAM, NULL, "Content-Length无效");
          return false;
        }
      *len = (uint64_t) n > SIZE_MAX - 1 ? SIZE_MAX - 1 : (size_t) n;
    }
  return true;
}

/* The first call of the access handler (headers read, no body yet):
   find the route, refuse a body the route does not take or cannot hold
   and authenticate uploads.  True when the reply must be queued now, so
   that not a byte of the body is read (libmicrohttpd then closes the
   connection instead of reading the rest). */
static bool
first_call (struct xj_req *r)
{
  bool path_found;
  size_t body;

  if (atomic_load (&stopping))
    {
      /* answered before a byte of a body is read: libmicrohttpd then
         closes the connection, so a keep-alive client reconnects to
         whatever serves next */
      xj_reply_err (r, XJ_E_SERVER_STOPPING, NULL, NULL);
      r->retry_after = 5;
      return true;
    }
  if (! announced_body (r, &body))
    return true;
  if (0 != strncmp (r->url, "/api/", 5))
    {
      /* static files take no body */
      if (0 == body)
        return false;
      xj_reply_err (r, XJ_E_BODY_NOT_ALLOWED, NULL, NULL);
      return true;
    }
  r->route = route_find (r->method, r->url, r->path_args, &path_found);
  if (NULL == r->route)
    {
      xj_reply_err (r, path_found ? XJ_E_METHOD_NOT_ALLOWED
                                  : XJ_E_ROUTE_NOT_FOUND, NULL, NULL);
      return 0 != body; /* with a body: answer now, read none of it */
    }
  if (0 == r->route->body_max && 0 != body)
    {
      /* before authentication: a stranger's body is never buffered */
      xj_reply_err (r, XJ_E_BODY_NOT_ALLOWED, NULL, NULL);
      return true;
    }
  if (SIZE_MAX != body && body > r->route->body_max)
    {
      xj_reply_err (r, XJ_E_BODY_TOO_LARGE, NULL, "上限%zu字节",
                    r->route->body_max);
      return true;
    }
  xj_buf_init (&r->body, (r->route->flags & XJ_RF_UPLOAD)
                           ? 1 : r->route->body_max);
  if (r->route->flags & XJ_RF_UPLOAD)
    {
      /* who may upload is known before a byte of the body is read */
      if (! authenticate (r))
        return true;
      r->form = json_object ();
      r->pp = MHD_create_post_processor (r->conn, 64 * 1024, &post_iter, r);
      if (NULL == r->pp)
        {
          xj_reply_err (r, XJ_E_BAD_PARAM, NULL,
                        "上传须使用multipart/form-data");
          return true;
        }
    }
  return false;
}

static enum MHD_Result
access_handler (void *cls, struct MHD_Connection *conn, const char *url,
                const char *method, const char *version,
                const char *upload_data, size_t *upload_data_size,
                void **con_cls)
{
  struct xj_req *r = *con_cls;

  (void) cls;
  (void) version;
  if (NULL == r)
    {
      r = xj_calloc (1, sizeof *r);
      r->upload_fd = -1; /* 0 would be a real descriptor to close */
      r->reply_fd = -1;
      *con_cls = r;
      atomic_fetch_add (&active_requests, 1);
      r->conn = conn;
      r->method = method;
      r->url = url;
      client_ip (conn, r->ip);
      if (first_call (r))
        {
          xj_conn_guard_busy (conn);
          return queue_json (r);
        }
      xj_conn_guard_body (conn);
      return MHD_YES;
    }
  if (0 != *upload_data_size)
    {
      if (r->pp)
        {
          if (MHD_YES != MHD_post_process (r->pp, upload_data,
                                           *upload_data_size)
              && XJ_E_OK == r->err)
            xj_reply_err (r, XJ_E_BAD_PARAM, NULL, "无法解析上传的表单");
          *upload_data_size = 0;
          return MHD_YES;
        }
      /* a route without a body never buffers one (body_max 0 would be
         "no limit" to xj_buf) */
      if (! r->too_large && XJ_E_OK == r->err && r->route
          && (0 == r->route->body_max
              || ! xj_buf_append (&r->body, upload_data, *upload_data_size)))
        {
          r->too_large = true;
          xj_buf_fini (&r->body);
        }
      *upload_data_size = 0;
      return MHD_YES;
    }
  xj_conn_guard_busy (conn);
  if (NULL == r->route && XJ_E_OK == r->err)
    return xj_static_serve (conn, config->web_dir, url);
  upload_close (r);
  if (r->too_large && 0 == r->route->body_max)
    xj_reply_err (r, XJ_E_BODY_NOT_ALLOWED, NULL, NULL);
  else if (r->too_large)
    xj_reply_err (r, XJ_E_BODY_TOO_LARGE, NULL, "上限%zu字节",
                  r->route->body_max);
  else if (XJ_E_OK == r->err && (r->route->flags & XJ_RF_UPLOAD))
    {
      if (NULL == r->upload_path)
        xj_reply_err (r, XJ_E_MISSING_FIELD, "file", "请选择要上传的文件");
      else
        run_handler (r);
    }
  else if (XJ_E_OK == r->err && authenticate (r))
    run_handler (r);
  if (r->delay_ms)
    usleep (r->delay_ms * 1000u);
  return queue_json (r);
}

static void
completed (void *cls, struct MHD_Connection *conn, void **con_cls,
           enum MHD_RequestTerminationCode toe)
{
  struct xj_req *r = *con_cls;

  (void) cls;
  (void) toe;
  xj_conn_guard_idle (conn);
  if (NULL == r)
    return;
  for (int i = 0; i < XJ_REQ_MAX_ARGS; i++)
    free (r->path_args[i]);
  xj_buf_fini (&r->body);
  if (r->pp)
    MHD_destroy_post_processor (r->pp);
  upload_close (r);
  if (r->upload_path)
    unlink (r->upload_path);
  free (r->upload_path);
  free (r->upload_name);
  json_decref (r->form);
  if (r->reply_fd >= 0)
    close (r->reply_fd);
  free (r->reply_filename);
  json_decref (r->json);
  free (r->json_text);
  json_decref (r->err_details);
  json_decref (r->err_extra);
  free (r->set_cookie);
  free (r);
  *con_cls = NULL;
  atomic_fetch_sub (&active_requests, 1);
}

/* Percent-decoding of the URL (libmicrohttpd's hook).  Like the default,
   except that %00 stays as it is: a NUL would silently cut the path short
   ("/students/1%00x" served as "/students/1"); kept literal, the path
   matches no route. */
static size_t
unescape_url (void *cls, struct MHD_Connection *c, char *s)
{
  char *w = s;

  (void) cls;
  (void) c;
  for (const char *p = s; *p; p++)
    {
      if ('%' == p[0] && isxdigit ((unsigned char) p[1])
          && isxdigit ((unsigned char) p[2]) && ! ('0' == p[1] && '0' == p[2]))
        {
          char hex[3] = { p[1], p[2], '\0' };

          *w++ = (char) strtol (hex, NULL, 16);
          p += 2;
        }
      else
        *w++ = *p;
    }
  *w = '\0';
  return (size_t) (w - s);
}

static bool
parse_listen (const char *s, struct sockaddr_in *sa)
{
  char host[64];
  const char *colon = strrchr (s, ':');
  int64_t port;

  if (NULL == colon || (size_t) (colon - s) >= sizeof host)
    return false;
  memcpy (host, s, (size_t) (colon - s));
  host[colon - s] = '\0';
  if (! xj_parse_i64 (colon + 1, &port) || port < 0 || port > 65535)
    return false;
  memset (sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons ((uint16_t) port);
  if ('\0' == host[0] || 0 == strcmp (host, "localhost"))
    xj_strlcpy (host, "127.0.0.1", sizeof host);
  return 1 == inet_pton (AF_INET, host, &sa->sin_addr);
}

/* A database older than the audit key gets one now (its older entries
   are covered from here on, docs/internals/audit.md); then the checkpoint
   thread starts. */
static enum xj_err
start_audit (struct xj_db *db)
{
  bool created;
  enum xj_err e = xj_audit_key_ensure (db, &created);

  if (XJ_E_OK != e)
    return e;
  if (created)
    XJ_WARN ("this database had no audit key: created one; keep it safe");
  return xj_audit_ticker_start (config->db_path);
}

/* Open and close @path once: fails at start-up, not on the first
   request, if it is unusable; applies pending migrations once (the auth
   store is created when missing). */
static enum xj_err
probe_open (const char *path, int flags)
{
  struct xj_db *db;
  enum xj_err e = xj_db_open (path, flags, &db);

  if (XJ_E_OK == e)
    xj_db_close (db);
  return e;
}

enum xj_err
xj_server_run (const struct xj_server_config *cfg)
{
  struct sockaddr_in sa;
  struct MHD_Daemon *d;
  sigset_t set;
  int sig;
  unsigned threads = cfg->threads;
  const union MHD_DaemonInfo *di;
  struct xj_db *probe;
  char auth_path[1100];
  enum xj_err e;

  config = cfg;
  xj_db_auth_path (cfg->db_path, auth_path, sizeof auth_path);
  if (! parse_listen (cfg->listen, &sa))
    return XJ_E_USAGE;
  /* Block the stop signals before any thread starts (threads inherit the
     mask): the main thread alone takes them, in sigwait.  The audit
     ticker used to start first with them unblocked, so a second SIGTERM
     during the drain reached it and killed the process (-15). */
  sigemptyset (&set);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &set, NULL);
  /* Fail at start-up, not on the first request, if the db is unusable;
     this also applies pending migrations once. */
  e = xj_db_open (cfg->db_path, XJ_DB_OPEN_EXISTING, &probe);
  if (XJ_E_OK != e)
    return e;
  e = start_audit (probe);
  /* records stored before guardian_ids existed (migration 0018) */
  if (XJ_E_OK == e)
    e = xj_identity_guardian_backfill (probe);
  xj_db_close (probe);
  if (XJ_E_OK != e)
    return e;
  if (XJ_E_OK != (e = probe_open (auth_path, XJ_DB_OPEN_AUTH))
      || XJ_E_OK != (e = xj_db_replicas_start (cfg->db_path, cfg->replicas,
                                               cfg->n_replicas,
                                               cfg->replica_max_lag_ms)))
    {
      xj_audit_ticker_stop ();
      return e;
    }
  pthread_key_create (&db_key, &db_key_free);
  pthread_key_create (&auth_key, &db_key_free);
  if (0 == threads)
    {
      long n = sysconf (_SC_NPROCESSORS_ONLN);

      threads = n > 0 ? (unsigned) n : 2;
    }
  signal (SIGPIPE, SIG_IGN);
  atomic_store (&stopping, false);
  xj_auth_copier_start (cfg->db_path);  /* after the mask: no signals */
  xj_ghost_jobs_recover (cfg->db_path); /* before any request starts one */
  d = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC
                          | MHD_USE_ERROR_LOG,
                        0, NULL, NULL, &access_handler, NULL,
                        MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &sa,
                        MHD_OPTION_THREAD_POOL_SIZE, threads,
                        MHD_OPTION_NOTIFY_COMPLETED, &completed, NULL,
                        MHD_OPTION_UNESCAPE_CALLBACK, &unescape_url, NULL,
                        MHD_OPTION_NOTIFY_CONNECTION, &xj_conn_guard_notify,
                        NULL,
                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 60,
                        MHD_OPTION_CONNECTION_LIMIT, cfg->max_conns,
                        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                        cfg->max_conns_per_ip,
                        /* libmicrohttpd's default 32 KiB: the pool holds
                           a request's headers and a read buffer of its
                           body (bodies are streamed), and is zeroed for
                           every request of a keep-alive connection (64
                           KiB of memset was 4.8% of a GET's CPU) */
                        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 32768,
                        MHD_OPTION_END);
  if (NULL == d)
    {
      XJ_ERROR ("cannot listen on %s: %s", cfg->listen, strerror (errno));
      xj_auth_copier_stop ();
      xj_audit_ticker_stop ();
      xj_db_replicas_stop ();
      return XJ_E_IO;
    }
  if (! xj_conn_guard_start (cfg->header_timeout, cfg->body_timeout))
    {
      MHD_stop_daemon (d);
      xj_db_replicas_stop ();
      xj_audit_ticker_stop ();
      return XJ_E_INTERNAL;
    }
  /* expires old import jobs now and hourly; runs jobs left queued */
  xj_import_worker_start (cfg->db_path);
  if (XJ_E_OK != xj_dropout_ticker_start (cfg->db_path))
    XJ_WARN ("the daily dropout sweep did not start (POST /dropout/sweep still works)");
  di = MHD_get_daemon_info (d, MHD_DAEMON_INFO_BIND_PORT);
  if (cfg->ready)
    cfg->ready (cfg->ready_cls, di ? di->port : ntohs (sa.sin_port));
  sigwait (&set, &sig);
  XJ_INFO ("signal %d: stopping (letting in-flight requests finish)", sig);
  /* New requests are refused here, not by MHD_quiesce_daemon: with a
     thread pool on epoll, libmicrohttpd 0.9.75's quiesce removes the
     listen socket from each worker's epoll set while that worker may be
     removing it too, and the loser's epoll_ctl (ENOENT) ends in
     MHD_PANIC, abort(): the SIGABRT seen now and then at a test's end
     (tests/http/test_server_stop.py). */
  atomic_store (&stopping, true);
  xj_import_worker_stop (); /* cancels a running import: it rolls back */
  xj_export_jobs_stop ();   /* cancels running exports, joins workers */
  xj_dup_scan_stop ();      /* waits for a running duplicate scan */
  xj_ghost_jobs_stop ();    /* ghost sweeps end after their chunk */
  xj_dropout_ticker_stop (); /* waits for a running sweep */
  for (int i = 0; i < 100 && atomic_load (&active_requests) > 0; i++)
    usleep (100 * 1000);
  MHD_stop_daemon (d);
  xj_db_replicas_stop ();    /* after the workers and their connections */
  xj_conn_guard_stop ();
  xj_auth_copier_stop ();    /* copies the last log-ins into audit_log */
  xj_audit_ticker_stop ();   /* then the last checkpoint covers them */
  XJ_INFO ("stopped");
  return XJ_E_OK;
}
