/* import_queue_store.c -- the import queue's SQL: jobs waiting for the
 * worker, kept in the auth store ("<db>-auth", migrations-auth/0002) so
 * that queuing, listing and cancelling never wait for the registry's
 * writer lock, which a running import holds for its whole transaction.
 * The worker moves a job into the registry's `imports` table (same id)
 * when it takes it (import_job.c).  See docs/internals/import.md.
 */
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "import/import_int.h"

/* A job's id: above every id used before, here or in the registry's
   imports (@min_id: its largest; import_queue_hw keeps the largest id
   ever queued here even after the row moved). */
XJ_DB_AUTH_STMT (st_q_insert,
                 "INSERT INTO import_queue (id, user_id, username, ip,"
                 " scope_school_id, scope_region, file_name, file_path,"
                 " file_size, options, rows_total, created_at) VALUES ("
                 " (SELECT CASE WHEN CAST($1 AS BIGINT) > n"
                 " THEN CAST($1 AS BIGINT) ELSE n END + 1 FROM import_queue_hw),"
                 " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                 " RETURNING id")
XJ_DB_AUTH_STMT (st_q_next, "SELECT id FROM import_queue ORDER BY id LIMIT 1")
XJ_DB_AUTH_STMT (st_q_load,
                 "SELECT user_id, username, ip, coalesce(scope_school_id, 0),"
                 " scope_region, file_name, file_path, file_size, options,"
                 " rows_total, created_at, status = 'cancelled'"
                 " FROM import_queue WHERE id = $1")
XJ_DB_AUTH_STMT (st_q_delete, "DELETE FROM import_queue WHERE id = $1")
XJ_DB_AUTH_STMT (st_q_cancel,
                 "UPDATE import_queue SET status = 'cancelled',"
                 " cancelled_at = $2 WHERE id = $1 AND status = 'queued'"
                 " RETURNING file_path")
XJ_DB_AUTH_STMT (st_q_usage,
                 "SELECT count(*), coalesce(sum(file_size), 0),"
                 " coalesce(sum(CASE WHEN user_id = $1 THEN 1 ELSE 0 END), 0),"
                 " coalesce(sum(CASE WHEN user_id = $1 THEN file_size END), 0)"
                 " FROM import_queue WHERE status = 'queued'")
/* The columns of import_store.c's JOB_COLS, so that one function
   (xj_istore_job_json) shapes a job wherever it is. */
#define QUEUE_COLS                                                        \
  "id, user_id, username, file_name, file_size, options, status,"        \
  " CASE status WHEN 'cancelled' THEN '已取消，未写入任何数据' ELSE '' END," \
  " rows_total, 0, 0, 0, 0, created_at, '', coalesce(cancelled_at, ''),"  \
  " '', '[]', '', ''"
XJ_DB_AUTH_STMT (st_q_get,
                 "SELECT " QUEUE_COLS " FROM import_queue WHERE id = $1")
XJ_DB_AUTH_STMT (st_q_list,
                 "SELECT " QUEUE_COLS " FROM import_queue"
                 " WHERE ($1 = 0 OR user_id = $1) ORDER BY id DESC LIMIT $2")

enum xj_err
xj_istore_queue_insert (struct xj_db *auth, const struct xj_istore_job *j,
                        int64_t min_id, int64_t *id)
{
  struct xj_db_param p[XJ_ISTORE_JOB_NPARAMS + 1];
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  xj_istore_job_params (j, min_id, at, p);
  qs = xj_db_q (auth, &st_q_insert, p, &xj_db_int64_cb, id);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_istore_queue_next (struct xj_db *auth, int64_t *id)
{
  enum xj_qs qs = xj_db_q (auth, &st_q_next, XJ_DB_NOPARAMS, &xj_db_int64_cb, id);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

struct load_ctx {
  struct xj_istore_job *j;
  bool *cancelled;
};

static int
load_cb (void *cls, const struct xj_db_row *r)
{
  struct load_ctx *c = cls;
  struct xj_istore_job *j = c->j;

  j->user_id = xj_db_int (r, 0);
  xj_strlcpy (j->user_buf, xj_db_text (r, 1), sizeof j->user_buf);
  xj_strlcpy (j->ip_buf, xj_db_text (r, 2), sizeof j->ip_buf);
  j->scope_school_id = xj_db_int (r, 3);
  xj_strlcpy (j->region_buf, xj_db_text (r, 4), sizeof j->region_buf);
  xj_strlcpy (j->name_buf, xj_db_text (r, 5), sizeof j->name_buf);
  xj_strlcpy (j->path_buf, xj_db_text (r, 6), sizeof j->path_buf);
  j->file_size = (uint64_t) xj_db_int (r, 7);
  xj_strlcpy (j->options_buf, xj_db_text (r, 8), sizeof j->options_buf);
  j->rows_total = (uint64_t) xj_db_int (r, 9);
  xj_strlcpy (j->created_buf, xj_db_text (r, 10), sizeof j->created_buf);
  *c->cancelled = 0 != xj_db_int (r, 11);
  return 1;
}

enum xj_err
xj_istore_queue_load (struct xj_db *auth, int64_t id, struct xj_istore_job *j,
                      bool *cancelled)
{
  struct load_ctx c = { j, cancelled };
  enum xj_qs qs;

  memset (j, 0, sizeof *j);
  qs = xj_db_q (auth, &st_q_load, XJ_DB_PARAMS (XJ_DB_I (id)), &load_cb, &c);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_NOT_FOUND;
  j->id = id;
  j->username = j->user_buf;
  j->ip = j->ip_buf;
  j->scope_region = j->region_buf;
  j->file_name = j->name_buf;
  j->file_path = j->path_buf;
  j->options = j->options_buf;
  j->created_at = j->created_buf;
  return XJ_E_OK;
}

enum xj_err
xj_istore_queue_delete (struct xj_db *auth, int64_t id)
{
  enum xj_qs qs = xj_db_q (auth, &st_q_delete, XJ_DB_PARAMS (XJ_DB_I (id)),
                           NULL, NULL);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static int
path_cb (void *cls, const struct xj_db_row *r)
{
  struct xj_buf *b = cls;

  xj_buf_append (b, xj_db_text (r, 0), strlen (xj_db_text (r, 0)));
  return 1;
}

enum xj_err
xj_istore_queue_cancel (struct xj_db *auth, int64_t id, bool *done,
                        char *path, size_t pathsz)
{
  char at[32];
  struct xj_buf b;
  enum xj_qs qs;

  xj_now_iso (at);
  xj_buf_init (&b, 0);
  qs = xj_db_q (auth, &st_q_cancel, XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (at)),
                &path_cb, &b);
  if (qs >= 0)
    {
      *done = qs > 0;
      xj_strlcpy (path, b.data ? b.data : "", pathsz);
    }
  xj_buf_fini (&b);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_istore_queue_usage (struct xj_db *auth, int64_t user_id,
                       struct xj_istore_usage *u)
{
  enum xj_qs qs = xj_db_q (auth, &st_q_usage,
                           XJ_DB_PARAMS (XJ_DB_I (user_id)), &xj_istore_usage_row, u);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static int
get_cb (void *cls, const struct xj_db_row *r)
{
  *(json_t **) cls = xj_istore_job_json (r);
  return 1;
}

enum xj_err
xj_istore_queue_get (struct xj_db *auth, int64_t id, json_t **out)
{
  enum xj_qs qs;

  *out = NULL;
  qs = xj_db_q (auth, &st_q_get, XJ_DB_PARAMS (XJ_DB_I (id)), &get_cb, out);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_istore_queue_list (struct xj_db *auth, int64_t user_id, int64_t limit,
                      json_t *arr)
{
  return xj_istore_jobs_q (auth, &st_q_list, user_id, limit, arr);
}
