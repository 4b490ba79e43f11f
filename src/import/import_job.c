/* import_job.c -- background imports for the API: a queue in the auth
 * store (import_queue_store.c) and ONE worker thread that runs one import
 * at a time on its own database connections.  Queuing, listing and
 * cancelling a queued job write only the auth store: they never wait for
 * the registry's writer lock, which the running import holds.  The
 * worker, when it takes a job, writes its registry row (`imports`, same
 * id) and then removes it from the queue.
 *
 * Progress of the running import lives here in memory (under `lock`):
 * the import's single write transaction holds SQLite's writer lock until
 * it ends, so the row cannot be updated meanwhile (and nobody else would
 * see an uncommitted update).  GET /imports/{id} merges it in, so a page
 * reload shows the bar where it was.  Cancelling a running import sets a
 * flag the pipeline checks on every row; it rolls back.  Server shutdown
 * calls xj_import_worker_stop: cancel, then join.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/util.h"
#include "import/import_int.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_t worker;
static bool started;     /* worker thread exists */
static atomic_bool stopping; /* set under lock; read anywhere */
static bool wake;
static char *worker_db_path;
static atomic_bool cancel_flag;
/* the running job */
static int64_t cur_id;
/* Held while the worker makes a queued job the current one, and while a
   cancel decides between "current" (flag) and "queued" (the queue row):
   a cancel is then never lost between the two. */
static pthread_mutex_t take_lock = PTHREAD_MUTEX_INITIALIZER;
/* Retention (default; setting import_retention_days) and how often the
   worker looks for expired jobs besides at start. */
#define XJ_IMPORT_RETENTION_DAYS 30
#define XJ_IMPORT_EXPIRE_EVERY_MS (3600 * 1000)
static int64_t cur_t0;
static struct xj_import_progress cur_p;

static void
progress_cb (void *cls, const struct xj_import_progress *p)
{
  (void) cls;
  pthread_mutex_lock (&lock);
  cur_p = *p;
  cur_p.phase = p->phase;
  pthread_mutex_unlock (&lock);
}

bool
xj_import_job_running (uint64_t *rows_done, uint64_t *rows_total)
{
  bool running;

  pthread_mutex_lock (&lock);
  running = 0 != cur_id;
  *rows_done = cur_p.rows_done;
  *rows_total = cur_p.rows_total;
  pthread_mutex_unlock (&lock);
  return running;
}

struct txn_job {
  struct xj_istore_job *j;
  int64_t id;
  bool started;
  const char *status, *message, *report, *errors;
  const struct xj_import_result *res;
};

static enum xj_err
start_txn (struct xj_db *db, void *cls)
{
  struct txn_job *t = cls;

  return xj_istore_job_start (db, t->id, &t->started);
}

static enum xj_err
finish_txn (struct xj_db *db, void *cls)
{
  struct txn_job *t = cls;

  return xj_istore_job_finish (db, t->id, t->status, t->message, t->res,
                               t->report, t->errors);
}

static enum xj_err
take_txn (struct xj_db *db, void *cls)
{
  return xj_istore_job_take (db, cls);
}

static enum xj_err
unqueue_txn (struct xj_db *auth, void *cls)
{
  return xj_istore_queue_delete (auth, *(int64_t *) cls);
}

static void
unlink_cb (void *cls, const char *path)
{
  (void) cls;
  if (path[0])
    unlink (path);
}

static enum xj_err
interrupted_txn (struct xj_db *db, void *cls)
{
  enum xj_err e = xj_istore_job_interrupted (db);

  (void) cls;
  return XJ_E_OK != e ? e : xj_istore_job_unrun (db, &unlink_cb, NULL);
}

/* First 200 errors as JSON text (caller frees). */
static char *
errors_json (const struct xj_import_result *res)
{
  json_t *a = json_array ();
  size_t n = xj_import_nkept (res);
  struct xj_import_error er;
  char *text;

  /* unknown columns first: reported, never silently dropped */
  for (size_t i = 0; i < res->nunknown; i++)
    {
      char m[300];

      xj_snprintf (m, sizeof m, "%s：「%s」，该列未导入",
                   xj_err_zh (XJ_E_IMPORT_UNKNOWN_COLUMN),
                   res->unknown_cols[i]);
      json_array_append_new (
        a, json_pack ("{s:I, s:s, s:s, s:s, s:s}", "row", (json_int_t) 1,
                      "column", res->unknown_cols[i], "value", "", "code",
                      xj_err_code (XJ_E_IMPORT_UNKNOWN_COLUMN), "message", m));
    }
  for (size_t i = 0; i < n && i < 200; i++)
    {
      xj_import_error_at (res, i, &er);
      json_array_append_new (
        a, json_pack ("{s:I, s:s, s:s, s:s, s:s}", "row", (json_int_t) er.row,
                      "column", er.column, "value", er.value, "code",
                      xj_err_code (er.code), "message", er.message));
    }
  /* warnings after the errors: rows imported into a class at 大班额 */
  for (size_t i = 0; i < res->ncswarns; i++)
    {
      const struct xj_import_cswarn *c = &res->cswarns[i];
      json_t *w = xj_cs_warn_json (&c->w);

      json_object_set_new (w, "row", json_integer ((json_int_t) c->row));
      json_object_set_new (w, "column", json_string ("班级"));
      json_object_set_new (w, "value", json_string (c->w.class_name));
      json_object_set_new (w, "warning", json_true ());
      json_object_set_new (w, "message", json_sprintf (
        "班级%s导入后共%lld人，属%s", c->w.class_name, (long long) c->w.size,
        xj_cs_band_zh (c->w.band)));
      json_array_append_new (a, w);
    }
  text = json_dumps (a, JSON_COMPACT);
  json_decref (a);
  return text;
}

/* Create the report file readable by the server's user only: it holds
   the rejected rows in full.  The writer then rewrites it in place
   ("wb" keeps the mode). */
static bool
report_create (const char *path)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0)
    return false;
  fchmod (fd, 0600); /* an older report of the same id may exist */
  close (fd);
  return true;
}

static void
run_job (struct xj_db *db, struct xj_istore_job *j)
{
  struct txn_job t = { .j = j, .id = j->id };
  struct xj_user u;
  struct xj_actor actor;
  struct xj_import_opts o;
  struct xj_import_result res;
  json_t *opts = json_loads (j->options_buf, 0, NULL);
  char report[1300] = "";
  char msg[300];
  char *errs = NULL;
  enum xj_err e;

  memset (&res, 0, sizeof res);
  /* take_job made it the current job, its cancel flag set if it was
     cancelled while queued (recorded as cancelled below, without
     running) */
  if (XJ_E_OK != xj_db_txn_run (db, "import_job_start", true, &start_txn, &t)
      || ! t.started)
    goto out;
  memset (&o, 0, sizeof o);
  if (atomic_load (&cancel_flag) || XJ_E_OK != xj_user_load (db, j->user_id,
                                                             &u))
    {
      /* cancelled while queued: recorded as such without reading a byte
         (the file may be one that would fail at once) */
      bool cancelled = atomic_load (&cancel_flag);

      t.status = cancelled ? "cancelled" : "failed";
      t.message = cancelled ? xj_err_zh (XJ_E_IMPORT_CANCELLED) : "用户不存在";
      t.res = &res;
      t.errors = "[]";
      xj_db_txn_run (db, "import_job_finish", true, &finish_txn, &t);
      goto out;
    }
  actor.user_id = u.id;
  actor.username = u.username;
  actor.ip = j->ip_buf;
  o.path = j->path_buf;
  o.file_name = j->name_buf;
  o.user = &u;
  o.actor = &actor;
  o.dry_run = json_is_true (json_object_get (opts, "dry_run"));
  o.valid_only = json_is_true (json_object_get (opts, "valid_only"));
  o.create_classes = json_is_true (json_object_get (opts, "create_classes"));
  o.sheet = json_string_value (json_object_get (opts, "sheet"));
  o.progress = &progress_cb;
  pthread_mutex_lock (&lock);
  cur_t0 = xj_mono_ms ();
  pthread_mutex_unlock (&lock);
  o.cancel = &cancel_flag;
  e = xj_import_run (db, &o, &res);
  XJ_INFO ("import job %lld: %s, %llu rows in %.1f s (rows %.1f s, indexes"
           " %.1f s, commit %.1f s)", (long long) j->id, xj_err_code (e),
           (unsigned long long) res.rows, res.ms / 1000.0,
           res.ms_rows / 1000.0, res.ms_index / 1000.0,
           (res.ms - res.ms_rows - res.ms_index) / 1000.0);
  pthread_mutex_lock (&lock);
  cur_p.phase = "finishing";
  pthread_mutex_unlock (&lock);
  if (xj_import_nkept (&res) > 0)
    {
      const char *slash = strrchr (j->path_buf, '/');
      int dl = slash ? (int) (slash - j->path_buf) : 1;

      xj_snprintf (report, sizeof report, "%.*s/import-%lld-report.xlsx", dl,
                   slash ? j->path_buf : ".", (long long) j->id);
      if (! report_create (report)
          || XJ_E_OK != xj_import_report (&o, &res, report, false))
        report[0] = '\0';
    }
  switch (e)
    {
    case XJ_E_OK:
      t.status = "done";
      xj_snprintf (msg, sizeof msg, "已导入%llu行，拒绝%llu行，已有学籍%llu行%s%s",
                   (unsigned long long) res.imported,
                   (unsigned long long) res.rejected,
                   (unsigned long long) res.already,
                   res.suspected ? "；有疑似重复学籍，已标记待核查" : "",
                   res.class_size_warned ? "；有学生编入大班额班级（见逐行提示）"
                                         : "");
      break;
    case XJ_E_IMPORT_DRY_RUN:
      t.status = "done";
      xj_strlcpy (msg, xj_err_zh (e), sizeof msg);
      break;
    case XJ_E_IMPORT_CANCELLED:
      t.status = "cancelled";
      xj_strlcpy (msg, atomic_load (&stopping) ? "服务器停止，导入已取消，未写入任何数据"
                                : xj_err_zh (e), sizeof msg);
      break;
    default:
      t.status = "failed";
      xj_strlcpy (msg, xj_err_zh (e), sizeof msg);
      break;
    }
  errs = errors_json (&res);
  t.message = msg;
  t.res = &res;
  t.report = report;
  t.errors = errs;
  if (XJ_E_OK != xj_db_txn_run (db, "import_job_finish", true, &finish_txn,
                                &t))
    XJ_ERROR ("import job %lld: cannot record the result", (long long) j->id);
out:
  unlink (j->path_buf);
  pthread_mutex_lock (&lock);
  cur_id = 0;
  pthread_mutex_unlock (&lock);
  free (errs);
  json_decref (opts);
  xj_import_result_fini (&res);
}

/* ---- retention: jobs and reports hold unmasked personal data ---- */

struct expired {
  int64_t id;
  char *report;
};

struct expire_ctx {
  struct expired *v;
  size_t n, cap;
  char at[32];
};

static void
expired_one (void *cls, int64_t id, const char *report)
{
  struct expire_ctx *c = cls;

  if (c->n == c->cap)
    {
      c->cap = c->cap ? 2 * c->cap : 32;
      c->v = xj_realloc (c->v, c->cap * sizeof *c->v);
    }
  c->v[c->n].id = id;
  c->v[c->n].report = xj_strdup (report);
  c->n++;
}

/* One batch: mark each job expired (errors and report path cleared) and
   audit it; the report files are deleted after the commit. */
static enum xj_err
expire_txn (struct xj_db *db, void *cls)
{
  struct expire_ctx *c = cls;
  struct xj_actor sys = { 0, "system", "server" };
  int64_t days;
  char before[32];
  enum xj_err e;

  for (size_t i = 0; i < c->n; i++)
    free (c->v[i].report);
  c->n = 0;
  if (XJ_E_OK != (e = xj_istore_setting_int (db, "import_retention_days",
                                             XJ_IMPORT_RETENTION_DAYS, &days)))
    return e;
  xj_now_iso (c->at);
  xj_time_iso (xj_now () - days * 86400, before);
  if (XJ_E_OK != (e = xj_istore_jobs_expired (db, before, &expired_one, c)))
    return e;
  for (size_t i = 0; i < c->n; i++)
    {
      char id[24], after[64];

      xj_snprintf (id, sizeof id, "%lld", (long long) c->v[i].id);
      xj_snprintf (after, sizeof after,
                   "{\"retention_days\":%lld,\"report_deleted\":%s}",
                   (long long) days, c->v[i].report[0] ? "true" : "false");
      if (XJ_E_OK != (e = xj_istore_job_expire (db, c->v[i].id, c->at))
          || XJ_E_OK != (e = xj_audit_append (db, &sys, "import_expire",
                                              "import", id, NULL, after)))
        return e;
    }
  return XJ_E_OK;
}

/* Expire every job finished more than import_retention_days ago. */
static void
expire_jobs (struct xj_db *db)
{
  struct expire_ctx c = { 0 };
  size_t total = 0;

  do
    {
      if (XJ_E_OK != xj_db_txn_run (db, "import_expire", true, &expire_txn,
                                    &c))
        {
          XJ_WARN ("import retention: cannot expire jobs now (retried later)");
          break;
        }
      for (size_t i = 0; i < c.n; i++)
        if (c.v[i].report[0] && 0 != unlink (c.v[i].report))
          XJ_WARN ("import retention: cannot delete %s", c.v[i].report);
      total += c.n;
    }
  while (200 == c.n && ! atomic_load (&stopping));
  if (total)
    XJ_INFO ("import retention: %zu job(s) expired", total);
  for (size_t i = 0; i < c.n; i++)
    free (c.v[i].report);
  free (c.v);
}

/* Under lock: wait for a signal or until the monotonic time @until_ms. */
static void
wait_until (int64_t until_ms)
{
  struct timespec ts;
  int64_t left = until_ms - xj_mono_ms ();

  if (left <= 0)
    return;
  clock_gettime (CLOCK_REALTIME, &ts);
  ts.tv_sec += (time_t) (left / 1000);
  ts.tv_nsec += (long) (left % 1000) * 1000000L;
  ts.tv_sec += ts.tv_nsec / 1000000000L;
  ts.tv_nsec %= 1000000000L;
  pthread_cond_timedwait (&cond, &lock, &ts);
}

/* Take the oldest job off the queue: make it the current one (so that a
   cancel from now on sets the flag instead of writing the queue row),
   read it, write its registry row, then drop it from the queue.
   XJ_E_NOT_FOUND when the queue is empty; another error (the registry
   busy, say, under a CLI import) leaves it queued for a later try. */
static enum xj_err
take_job (struct xj_db *db, struct xj_db *auth, struct xj_istore_job *j)
{
  int64_t id;
  bool cancelled = false;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_istore_queue_next (auth, &id)))
    return e;
  pthread_mutex_lock (&take_lock);
  pthread_mutex_lock (&lock);
  memset (&cur_p, 0, sizeof cur_p);
  cur_p.phase = "reading";
  cur_id = id;
  cur_t0 = xj_mono_ms ();
  atomic_store (&cancel_flag, atomic_load (&stopping));
  pthread_mutex_unlock (&lock);
  e = xj_istore_queue_load (auth, id, j, &cancelled);
  pthread_mutex_unlock (&take_lock);
  if (cancelled)
    atomic_store (&cancel_flag, true);
  if (XJ_E_OK == e)
    e = xj_db_txn_run (db, "import_job_take", true, &take_txn, j);
  if (XJ_E_OK == e)
    e = xj_db_txn_run (auth, "import_job_unqueue", true, &unqueue_txn, &id);
  if (XJ_E_OK != e)
    {
      pthread_mutex_lock (&lock);
      cur_id = 0;
      pthread_mutex_unlock (&lock);
    }
  return e;
}

/* Run queued jobs until the queue is empty or the server stops. */
static void
run_queue (struct xj_db *db, struct xj_db *auth, struct xj_istore_job *j)
{
  while (! atomic_load (&stopping))
    {
      enum xj_err e = take_job (db, auth, j);

      if (XJ_E_NOT_FOUND == e)
        return;
      if (XJ_E_OK == e)
        {
          run_job (db, j);
          continue;
        }
      XJ_WARN ("import worker: cannot take the next job now (%s), retrying",
               xj_err_code (e));
      pthread_mutex_lock (&lock);
      if (! atomic_load (&stopping))
        wait_until (xj_mono_ms () + 1000);
      pthread_mutex_unlock (&lock);
    }
}

static void *
worker_main (void *cls)
{
  struct xj_db *db = NULL, *auth = NULL;
  struct xj_istore_job *j = xj_malloc (sizeof *j);
  char auth_path[1200];

  (void) cls;
  xj_db_auth_path (worker_db_path, auth_path, sizeof auth_path);
  if (XJ_E_OK != xj_db_open (worker_db_path, XJ_DB_OPEN_EXISTING, &db)
      || XJ_E_OK != xj_db_open (auth_path, XJ_DB_OPEN_AUTH, &auth))
    {
      XJ_ERROR ("import worker: cannot open the database");
      if (db)
        xj_db_close (db);
      free (j);
      return NULL;
    }
  xj_db_txn_run (db, "import_job_interrupted", true, &interrupted_txn, NULL);
  for (;;)
    {
      int64_t next_expiry = xj_mono_ms () + XJ_IMPORT_EXPIRE_EVERY_MS;

      expire_jobs (db);
      pthread_mutex_lock (&lock);
      while (! atomic_load (&stopping) && ! wake
             && xj_mono_ms () < next_expiry)
        wait_until (next_expiry);
      wake = false;
      if (atomic_load (&stopping))
        {
          pthread_mutex_unlock (&lock);
          break;
        }
      pthread_mutex_unlock (&lock);
      run_queue (db, auth, j);
    }
  xj_db_close (auth);
  xj_db_close (db);
  free (j);
  return NULL;
}

static void
worker_wake (const char *db_path)
{
  pthread_mutex_lock (&lock);
  if (! started && ! stopping)
    {
      worker_db_path = xj_strdup (db_path);
      if (0 == pthread_create (&worker, NULL, &worker_main, NULL))
        started = true;
      else
        XJ_ERROR ("cannot start the import worker");
    }
  wake = true;
  pthread_cond_signal (&cond);
  pthread_mutex_unlock (&lock);
}

void
xj_import_worker_start (const char *db_path)
{
  worker_wake (db_path);
}

void
xj_import_worker_stop (void)
{
  bool join;

  pthread_mutex_lock (&lock);
  stopping = true;
  atomic_store (&cancel_flag, true);
  join = started;
  pthread_cond_signal (&cond);
  pthread_mutex_unlock (&lock);
  if (join)
    pthread_join (worker, NULL);
  pthread_mutex_lock (&lock);
  started = false;
  free (worker_db_path);
  worker_db_path = NULL;
  pthread_mutex_unlock (&lock);
}

struct submit_ctx {
  struct xj_db *db;                 /* the registry: only read */
  struct xj_istore_job *j;
  int64_t id;
};

/* The queue's limits (settings; defaults in docs/api.md): jobs and
   bytes queued or running, per user and in all. */
static enum xj_err
queue_check (struct xj_db *db, struct xj_db *auth,
             const struct xj_istore_job *j)
{
  static const struct {
    const char *key;
    int64_t def;
  } lim[] = {
    { "import_queue_max_jobs", 20 },
    { "import_queue_max_bytes", 4LL << 30 },
    { "import_queue_max_jobs_per_user", 5 },
    { "import_queue_max_bytes_per_user", 1LL << 30 },
  };
  struct xj_istore_usage u = { 0 };
  int64_t v[4], have[4];
  enum xj_err e;

  if (XJ_E_OK != (e = xj_istore_job_usage (db, j->user_id, &u))
      || XJ_E_OK != (e = xj_istore_queue_usage (auth, j->user_id, &u)))
    return e;
  have[0] = u.jobs + 1;
  have[1] = u.bytes + (int64_t) j->file_size;
  have[2] = u.user_jobs + 1;
  have[3] = u.user_bytes + (int64_t) j->file_size;
  for (int i = 0; i < 4; i++)
    {
      if (XJ_E_OK != (e = xj_istore_setting_int (db, lim[i].key, lim[i].def,
                                                 &v[i])))
        return e;
      if (have[i] > v[i])
        return XJ_E_IMPORT_QUEUE_FULL;
    }
  return XJ_E_OK;
}

/* A transaction of the auth store; the registry is only read (WAL: no
   wait for its writer). */
static enum xj_err
submit_txn (struct xj_db *auth, void *cls)
{
  struct submit_ctx *c = cls;
  int64_t max_id;
  enum xj_err e = queue_check (c->db, auth, c->j);

  if (XJ_E_OK == e)
    e = xj_istore_job_max_id (c->db, &max_id);
  return XJ_E_OK != e ? e : xj_istore_queue_insert (auth, c->j, max_id,
                                                    &c->id);
}

enum xj_err
xj_import_job_submit (struct xj_db *db, struct xj_db *auth,
                      const struct xj_import_job_new *n, int64_t *id)
{
  struct xj_istore_job *j = xj_calloc (1, sizeof *j);
  struct submit_ctx c = { db, j, 0 };
  json_t *opts = json_pack ("{s:b, s:b, s:b}", "dry_run", n->dry_run,
                            "valid_only", n->valid_only, "create_classes",
                            n->create_classes);
  char *otext;
  enum xj_err e;

  if (n->sheet && n->sheet[0])
    json_object_set_new (opts, "sheet", json_string (n->sheet));
  otext = json_dumps (opts, JSON_COMPACT | JSON_SORT_KEYS);
  j->user_id = n->user->id;
  j->username = n->user->username;
  j->ip = n->ip ? n->ip : "";
  j->scope_school_id = XJ_ROLE_REGISTRAR == n->user->role
                         ? n->user->school_id : 0;
  j->scope_region = XJ_ROLE_BUREAU == n->user->role ? n->user->region_code
                                                     : "";
  j->file_name = n->file_name ? n->file_name : "upload";
  j->file_path = n->path;
  j->file_size = n->file_size;
  j->rows_total = n->file_size / 250;
  j->options = otext;
  e = xj_db_txn_run (auth, "import_job_submit", true, &submit_txn, &c);
  free (otext);
  json_decref (opts);
  free (j);
  if (XJ_E_OK != e)
    return e;
  *id = c.id;
  worker_wake (xj_db_path (db));
  return XJ_E_OK;
}

static const char *
job_status (json_t *job)
{
  const char *s = json_string_value (json_object_get (job, "status"));

  return s ? s : "";
}

static bool
visible (const struct xj_user *u, json_t *job)
{
  return XJ_ROLE_ADMIN == u->role
         || json_integer_value (json_object_get (job, "user_id")) == u->id;
}

/* Merge the in-memory progress of the running job into @job. */
static void
add_progress (json_t *job, int64_t id)
{
  struct xj_import_progress p;
  int64_t t0;
  bool running;
  double secs, rate, eta;

  bool alive;

  pthread_mutex_lock (&lock);
  running = cur_id == id && 0 != id;
  p = cur_p;
  t0 = cur_t0;
  alive = started;
  pthread_mutex_unlock (&lock);
  if (! running && ! alive
      && 0 == strcmp (job_status (job), "running"))
    {
      /* left running by a server that stopped; the worker marks it
         failed when it next starts */
      json_object_set_new (job, "status", json_string ("failed"));
      json_object_set_new (job, "message",
                           json_string ("服务器停止或重启，导入中断，"
                                        "未写入任何数据"));
    }
  if (! running)
    {
      json_t *done = json_object_get (job, "rows_done");
      json_t *total = json_object_get (job, "rows_total");

      json_object_set_new (job, "progress",
                           json_pack ("{s:O, s:O, s:n, s:n, s:s}",
                                      "rows_done", done, "rows_total",
                                      total, "rows_per_s", "eta_s", "phase",
                                      json_string_value (json_object_get (
                                        job, "status"))));
      return;
    }
  secs = (double) (xj_mono_ms () - t0) / 1000.0;
  rate = secs > 0 ? (double) p.rows_done / secs : 0;
  eta = rate > 0 && p.rows_total > p.rows_done
          ? (double) (p.rows_total - p.rows_done) / rate : 0;
  json_object_set_new (job, "rows_done", json_integer ((json_int_t) p.rows_done));
  json_object_set_new (job, "rows_total",
                       json_integer ((json_int_t) p.rows_total));
  json_object_set_new (job, "rejected", json_integer ((json_int_t) p.rejected));
  json_object_set_new (job, "already", json_integer ((json_int_t) p.already));
  json_object_set_new (
    job, "progress",
    json_pack ("{s:I, s:I, s:f, s:f, s:s, s:b}", "rows_done",
               (json_int_t) p.rows_done, "rows_total",
               (json_int_t) p.rows_total, "rows_per_s", rate, "eta_s", eta,
               "phase", p.phase ? p.phase : "reading", "cancelling",
               atomic_load (&cancel_flag)));
}

/* Job @id wherever it is: the queue is read first, the registry second,
   so that a job the worker moves in between is found (it writes the
   registry's row before it drops the queue's); the registry's row wins. */
static enum xj_err
job_find (struct xj_db *db, struct xj_db *auth, int64_t id, json_t **out)
{
  json_t *q = NULL;
  enum xj_err e = xj_istore_queue_get (auth, id, &q);

  if (XJ_E_OK != e && XJ_E_NOT_FOUND != e)
    return e;
  e = xj_istore_job_get (db, id, out, NULL);
  if (XJ_E_NOT_FOUND == e && q)
    {
      *out = q;
      return XJ_E_OK;
    }
  json_decref (q);
  return e;
}

enum xj_err
xj_import_job_get (struct xj_db *db, struct xj_db *auth,
                   const struct xj_user *u, int64_t id, json_t **out)
{
  json_t *j;
  enum xj_err e = job_find (db, auth, id, &j);

  *out = NULL;
  if (XJ_E_OK != e)
    return e;
  if (! visible (u, j))
    {
      json_decref (j);
      return XJ_E_NOT_FOUND;
    }
  add_progress (j, id);
  *out = j;
  return XJ_E_OK;
}

static int
by_id_desc (const void *a, const void *b)
{
  json_int_t x = json_integer_value (json_object_get (*(json_t *const *) a,
                                                      "id"));
  json_int_t y = json_integer_value (json_object_get (*(json_t *const *) b,
                                                      "id"));

  return x < y ? 1 : x > y ? -1 : 0;
}

/* The queue's jobs @q and the registry's @a, newest first, each id once
   (the registry's), at most @limit: a new array. */
static json_t *
merge_jobs (json_t *q, json_t *a, int64_t limit)
{
  size_t n = json_array_size (q) + json_array_size (a), k = 0;
  json_t **v = xj_calloc (n ? n : 1, sizeof *v);
  json_t *out = json_array ();
  size_t i;
  json_t *x;

  json_array_foreach (a, i, x)
    v[k++] = x;
  json_array_foreach (q, i, x)
    v[k++] = x;
  /* stable for equal ids: the registry's (first) is kept */
  qsort (v, k, sizeof *v, &by_id_desc);
  for (i = 0; i < k && (int64_t) json_array_size (out) < limit; i++)
    if (0 == i || by_id_desc (&v[i - 1], &v[i]) != 0)
      json_array_append (out, v[i]);
  free (v);
  return out;
}

enum xj_err
xj_import_job_list (struct xj_db *db, struct xj_db *auth,
                    const struct xj_user *u, int64_t limit, json_t **out)
{
  int64_t who = XJ_ROLE_ADMIN == u->role ? 0 : u->id;
  json_t *q = json_array (), *a = json_array ();
  enum xj_err e = xj_istore_queue_list (auth, who, limit, q);
  size_t i;
  json_t *v;

  if (XJ_E_OK == e)
    e = xj_istore_job_list (db, who, limit, a);
  if (XJ_E_OK == e)
    *out = merge_jobs (q, a, limit);
  json_decref (q);
  json_decref (a);
  if (XJ_E_OK != e)
    return e;
  json_array_foreach (*out, i, v)
    {
      json_object_del (v, "errors");
      add_progress (v, json_integer_value (json_object_get (v, "id")));
    }
  return XJ_E_OK;
}

struct cancel_ctx {
  int64_t id;
  bool done;
  char path[1200];
};

static enum xj_err
cancel_txn (struct xj_db *auth, void *cls)
{
  struct cancel_ctx *c = cls;

  return xj_istore_queue_cancel (auth, c->id, &c->done, c->path,
                                 sizeof c->path);
}

enum xj_err
xj_import_job_cancel (struct xj_db *db, struct xj_db *auth,
                      const struct xj_user *u, int64_t id, char *status_out,
                      size_t sz)
{
  json_t *j;
  struct cancel_ctx c = { .id = id };
  bool running;
  enum xj_err e = job_find (db, auth, id, &j);

  if (XJ_E_OK != e)
    return e;
  if (! visible (u, j))
    {
      json_decref (j);
      return XJ_E_NOT_FOUND;
    }
  /* the current one: a flag (no database write, and none possible in
     the registry while its transaction holds the writer lock); a queued
     one: its queue row, in the auth store (take_job cannot take it in
     between: take_lock) */
  pthread_mutex_lock (&take_lock);
  pthread_mutex_lock (&lock);
  running = cur_id == id;
  if (running)
    atomic_store (&cancel_flag, true);
  pthread_mutex_unlock (&lock);
  e = running ? XJ_E_OK
              : xj_db_txn_run (auth, "import_job_cancel", true, &cancel_txn,
                               &c);
  pthread_mutex_unlock (&take_lock);
  if (XJ_E_OK != e)
    {
      json_decref (j);
      return e;
    }
  if (c.done && c.path[0])
    unlink (c.path);
  xj_strlcpy (status_out, running ? "cancelling"
                          : c.done ? "cancelled" : job_status (j), sz);
  json_decref (j);
  if (c.done)
    worker_wake (xj_db_path (db)); /* it records it in the registry */
  return XJ_E_OK;
}

enum xj_err
xj_import_job_report (struct xj_db *db, const struct xj_user *u, int64_t id,
                      char **path)
{
  json_t *j;
  char *report = NULL;
  enum xj_err e = xj_istore_job_get (db, id, &j, &report);

  *path = NULL;
  if (XJ_E_OK != e)
    return e;
  if (! visible (u, j) || NULL == report || '\0' == report[0]
      || 0 != access (report, R_OK))
    {
      json_decref (j);
      free (report);
      return XJ_E_NOT_FOUND;
    }
  json_decref (j);
  *path = report;
  return XJ_E_OK;
}
