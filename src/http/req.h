/* req.h -- the per-request context every handler works on, and the route
 * table's types.  Handlers (h_*.c) follow one template (style.md): parse
 * path/query, parse the body through the student field table or a small
 * spec, validate collecting all errors, check role and scope, run the
 * transaction, reply.  They never call libmicrohttpd directly.
 */
#ifndef XJ_HTTP_REQ_H
#define XJ_HTTP_REQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "core/util.h"
#include "audit/audit.h"
#include "db/db.h"
#include "student/student.h"
#include "user/user.h"

struct xj_req;
typedef enum xj_err (*xj_handler) (struct xj_req *r);

enum xj_route_flags {
  XJ_RF_PUBLIC = 1,   /* no session needed (log-in) */
  XJ_RF_NO_CSRF = 2,  /* state-changing but exempt from CSRF (log-in) */
  XJ_RF_UPLOAD = 4,   /* multipart/form-data: the part named "file" is
                         streamed to a temporary file (up to body_max),
                         other parts (each <= 4 KiB) land in form;
                         authenticated before any of the body is read */
  XJ_RF_REPLICA = 8,  /* a read (list, dashboard, statistics, export)
                         a hot standby may answer (serve --db-replica;
                         docs/internals/replicas.md): r->db is then the
                         standby's connection, whose write transactions
                         (an audit entry) run on the primary */
  XJ_RF_SESSION_READ = 16 /* the handler checks the session itself,
                         first thing, with xj_req_authenticate: its read
                         joined to the check, one statement instead of
                         two (GET of one record; a handler answering
                         without the check answers 500).  Not with
                         XJ_RF_REPLICA or XJ_RF_UPLOAD */
};

struct xj_route {
  const char *method;     /* "GET", "POST", "PATCH", "DELETE" */
  const char *path;       /* "/api/v1/students/{id}" */
  xj_handler handler;
  unsigned roles;         /* mask of enum xj_role allowed */
  size_t body_max;        /* bytes; 0 = no body accepted */
  unsigned flags;
  const char *summary;    /* one line for docs and `xueji routes` */
};

/* THE route table (routes.c), terminated by method == NULL. */
extern const struct xj_route xj_routes[];

#define XJ_REQ_MAX_ARGS 2
/* Upload file names are cut (on a character boundary) to this many
   bytes; bytes that are not UTF-8 become U+FFFD (docs/api.md). */
#define XJ_UPLOAD_NAME_MAX 240

struct xj_req {
  void *conn;                   /* struct MHD_Connection *, server.c only */
  const struct xj_route *route;
  const char *method;
  const char *url;
  char *path_args[XJ_REQ_MAX_ARGS]; /* owned; {param} values in order */
  struct xj_buf body;           /* request body (bounded by route) */
  bool too_large;
  struct xj_db *db;             /* this worker thread's connection */
  struct xj_db *auth;           /* ... to the auth store (sessions) */
  struct xj_user user;          /* valid when authed */
  bool authed;
  bool session_checked;         /* the session check ran (even if it
                                   refused): xj_req_authenticate */
  char csrf[65];
  char session_token[65];
  char ip[64];
  struct xj_actor actor;        /* user for events/audit */
  /* reply */
  unsigned status;
  json_t *json;                 /* owned reply body */
  char *json_text;              /* owned reply body as JSON text; wins
                                   over @json (xj_reply_json_text) */
  char *set_cookie;             /* owned Set-Cookie header value */
  enum xj_err err;
  const char *err_field;         /* points at err_field_buf or NULL */
  char err_field_buf[64];
  char err_msg[512];
  json_t *err_details;          /* owned array of field errors */
  json_t *err_extra;            /* owned object merged into the error
                                   (e.g. the re-entry offer of a 409) */
  unsigned delay_ms;            /* slow the reply (failed log-ins) */
  unsigned retry_after;         /* Retry-After seconds of an error reply
                                   (429, 503), 0 = none */
  bool first_call_done;
  /* uploads (XJ_RF_UPLOAD) */
  void *pp;                     /* struct MHD_PostProcessor *, server.c */
  char *upload_path;            /* owned temp file; unlinked at completion
                                   unless the handler takes it (sets NULL) */
  char *upload_name;            /* owned original file name (valid UTF-8,
                                   at most XJ_UPLOAD_NAME_MAX bytes), or NULL */
  int upload_fd;
  uint64_t upload_size;
  json_t *form;                 /* owned: other form fields as strings */
  /* file replies (xj_reply_file) */
  int reply_fd;                 /* owned, -1 = none */
  char reply_type[128];          /* MIME type (XLSX's is 65 bytes) */
  char *reply_filename;         /* owned; Content-Disposition name */
};

/* Should cookies carry Secure (TLS in front: serve --secure-cookies)? */
bool xj_req_secure_cookies (struct xj_req *r);
/* Query-string argument, or NULL. */
const char *xj_req_arg (struct xj_req *r, const char *name);
/* Request header, or NULL. */
const char *xj_req_header (struct xj_req *r, const char *name);
/* Parse a query argument as an int64 in [min,max]; absent -> @def.
   Returns XJ_E_BAD_PARAM (reply prepared) on junk. */
enum xj_err xj_req_arg_int (struct xj_req *r, const char *name, int64_t def,
                            int64_t min, int64_t max, int64_t *out);
/* For a route flagged XJ_RF_SESSION_READ: check the session with @rd's
   read joined to it (NULL: none), authorise by role, check CSRF, as the
   server does before any other handler.  False with the error reply
   prepared when the request may not go on. */
bool xj_req_authenticate (struct xj_req *r, const struct xj_session_read *rd);
/* Path parameter @i as a positive id, or XJ_E_NOT_FOUND. */
enum xj_err xj_req_path_id (struct xj_req *r, int i, int64_t *out);
/* The same without a reply: false when it is not a positive id. */
bool xj_req_path_id_peek (struct xj_req *r, int i, int64_t *out);
/* Parse the body as a JSON object (XJ_E_BAD_JSON otherwise). */
enum xj_err xj_req_body_json (struct xj_req *r, json_t **out);
/* A multipart form flag: "1", "true", "on", "yes" -> true; absent or
   "0", "false", "off", "no", "" -> false; anything else XJ_E_BAD_TYPE
   (reply prepared). */
enum xj_err xj_req_form_flag (struct xj_req *r, const char *name, bool *out);

/* Queue a JSON reply; steals @j. */
void xj_reply_json (struct xj_req *r, unsigned status, json_t *j);
/* Like xj_reply_json with the body already serialised (hot paths that
   write their JSON directly).  Takes ownership of @text. */
void xj_reply_json_text (struct xj_req *r, unsigned status, char *text);
/* Record an error reply and return @e, for `return xj_reply_err (...)`.
   @field may be NULL; @fmt adds a detail to the registry message. */
enum xj_err xj_reply_err (struct xj_req *r, enum xj_err e, const char *field,
                          const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));
/* 422 with every collected field error. */
enum xj_err xj_reply_verrs (struct xj_req *r, const struct xj_verrs *v);

/* Reply with the contents of @path (then unlinked if @unlink_after; the
   open descriptor keeps the data alive), as an attachment named
   @filename (UTF-8) of MIME type @type. */
enum xj_err xj_reply_file (struct xj_req *r, const char *path,
                           bool unlink_after, const char *type,
                           const char *filename);
/* Directory for temporary files of uploads and exports (created on first
   use beside the database: DB.tmp/). */
const char *xj_req_tmpdir (struct xj_req *r);

/* Create an empty temp file tagged @tag in xj_req_tmpdir; @path (of
   @size) gets its name.  Replies XJ_E_IO when it cannot. */
enum xj_err xj_req_temp_file (struct xj_req *r, const char *tag, char *path,
                              size_t size);
/* Paging from ?page=&per_page= (defaults 1, 20; per_page <= 200). */
enum xj_err xj_req_paging (struct xj_req *r, int64_t *limit, int64_t *offset,
                           int64_t *page);
json_t *xj_page_json (json_t *items, int64_t total, int64_t page,
                      int64_t per_page);

#endif
