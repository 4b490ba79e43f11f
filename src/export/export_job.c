/* export_job.c -- background exports (export_job.h): an in-memory
 * registry of at most XJ_EXPORT_JOBS_MAX jobs and 1..2 worker threads,
 * each with its own database connection.  Everything in the registry is
 * under `lock`; a worker drops the lock while it writes the file and
 * reports progress through progress_cb.  The direct-download slots are a
 * separate atomic counter.
 *
 * Must not talk HTTP, and shares nothing with import_job.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "core/util.h"
#include "export/export_job.h"

enum jstatus { J_QUEUED, J_RUNNING, J_DONE, J_FAILED, J_CANCELLED };
static const char *const status_names[]
  = { "queued", "running", "done", "failed", "cancelled" };

struct job {
  int64_t id, owner;
  enum jstatus status;
  int64_t rows_done, rows_total;
  int64_t created, finished;   /* xj_now() */
  enum xj_err err;             /* failed: why */
  atomic_bool cancel;
  struct xj_export_opts o;     /* filter/actor point into the copies: */
  char *grade, *status_f, *q, *username, *ip;
  struct xj_actor actor;
  char path[1200];
};

#define MAX_WORKERS 2

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct job *jobs[XJ_EXPORT_JOBS_MAX];
static int64_t next_id = 1;
static pthread_t workers[MAX_WORKERS];
static int nworkers;
static bool stopping;
static char *db_path_copy;
static char dir[1100];
static atomic_int direct_slots;

static char *
dup_or_null (const char *s)
{
  return s ? xj_strdup (s) : NULL;
}

static void
job_free (struct job *j)
{
  if (NULL == j)
    return;
  free (j->grade);
  free (j->status_f);
  free (j->q);
  free (j->username);
  free (j->ip);
  free (j);
}

/* Under lock: the oldest queued job, or NULL. */
static struct job *
next_queued (void)
{
  struct job *best = NULL;

  for (size_t i = 0; i < XJ_EXPORT_JOBS_MAX; i++)
    if (jobs[i] && J_QUEUED == jobs[i]->status
        && (NULL == best || jobs[i]->id < best->id))
      best = jobs[i];
  return best;
}

static enum xj_err
progress_cb (void *cls, int64_t done, int64_t total)
{
  struct job *j = cls;

  pthread_mutex_lock (&lock);
  j->rows_done = done;
  j->rows_total = total;
  pthread_mutex_unlock (&lock);
  return atomic_load (&j->cancel) ? XJ_E_EXPORT_CANCELLED : XJ_E_OK;
}

/* Outside the lock: write the file.  @db may be NULL (connection
   failed). */
static enum xj_err
run_job (struct xj_db *db, struct job *j, int64_t *rows)
{
  *rows = 0;
  if (NULL == db)
    return XJ_E_DB;
  if (atomic_load (&j->cancel))
    return XJ_E_EXPORT_CANCELLED;
  return xj_export_students (db, &j->o, j->path, rows);
}

/* Under lock: record the end of @j. */
static void
finish_job (struct job *j, enum xj_err e, int64_t rows)
{
  j->finished = xj_now ();
  if (XJ_E_OK == e)
    {
      j->status = J_DONE;
      j->rows_done = j->rows_total = rows;
      return;
    }
  unlink (j->path);
  j->err = e;
  j->status = XJ_E_EXPORT_CANCELLED == e ? J_CANCELLED : J_FAILED;
  if (J_FAILED == j->status)
    XJ_WARN ("export job %lld failed: %s", (long long) j->id, xj_err_code (e));
}

static void *
worker_main (void *cls)
{
  struct xj_db *db = NULL;
  bool tried = false;
  struct job *j;
  int64_t rows;
  enum xj_err e;

  (void) cls;
  pthread_mutex_lock (&lock);
  for (;;)
    {
      while (! stopping && NULL == (j = next_queued ()))
        pthread_cond_wait (&cond, &lock);
      if (stopping)
        break;
      j->status = J_RUNNING;
      pthread_mutex_unlock (&lock);
      if (! tried)
        {
          tried = true;
          if (XJ_E_OK != xj_db_open (db_path_copy, XJ_DB_OPEN_EXISTING, &db))
            db = NULL;
        }
      e = run_job (db, j, &rows);
      pthread_mutex_lock (&lock);
      finish_job (j, e, rows);
    }
  pthread_mutex_unlock (&lock);
  xj_db_close (db);
  return NULL;
}

/* Under lock: delete every file left in @dir by an earlier run (their
   jobs died with it). */
static void
clear_dir (void)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  char p[1400];

  if (NULL == d)
    return;
  while (NULL != (de = readdir (d)))
    if ('.' != de->d_name[0])
      {
        xj_snprintf (p, sizeof p, "%s/%s", dir, de->d_name);
        unlink (p);
      }
  closedir (d);
}

/* Under lock: the directory and the workers, once. */
static enum xj_err
start_workers (const char *db_path, int n)
{
  if (nworkers > 0)
    return XJ_E_OK;
  xj_db_side_path (db_path, ".exports", dir, sizeof dir);
  if (0 != mkdir (dir, 0700) && EEXIST != errno)
    {
      XJ_ERROR ("export: cannot create %s: %s", dir, strerror (errno));
      return XJ_E_IO;
    }
  clear_dir ();
  db_path_copy = xj_strdup (db_path);
  stopping = false;
  for (int i = 0; i < n && i < MAX_WORKERS; i++)
    if (0 == pthread_create (&workers[nworkers], NULL, &worker_main, NULL))
      nworkers++;
  return nworkers > 0 ? XJ_E_OK : XJ_E_IO;
}

/* Under lock: a free registry slot, evicting the oldest finished job
   (and its file) if need be; -1 when every job is queued or running. */
static int
free_slot (void)
{
  int oldest = -1;

  for (int i = 0; i < XJ_EXPORT_JOBS_MAX; i++)
    {
      if (NULL == jobs[i])
        return i;
      if (jobs[i]->status >= J_DONE
          && (oldest < 0 || jobs[i]->id < jobs[oldest]->id))
        oldest = i;
    }
  if (oldest >= 0)
    {
      unlink (jobs[oldest]->path);
      job_free (jobs[oldest]);
      jobs[oldest] = NULL;
    }
  return oldest;
}

static struct job *
job_new (const struct xj_export_opts *o, int64_t owner)
{
  struct job *j = xj_calloc (1, sizeof *j);

  j->owner = owner;
  j->o = *o;
  j->grade = dup_or_null (o->filter.grade);
  j->status_f = dup_or_null (o->filter.status);
  j->q = dup_or_null (o->filter.q);
  j->o.filter.grade = j->grade;
  j->o.filter.status = j->status_f;
  j->o.filter.q = j->q;
  j->username = xj_strdup (o->actor->username);
  j->ip = xj_strdup (o->actor->ip);
  j->actor.user_id = o->actor->user_id;
  j->actor.username = j->username;
  j->actor.ip = j->ip;
  j->o.actor = &j->actor;
  j->o.tmpdir = dir;
  j->o.progress = &progress_cb;
  j->o.progress_cls = j;
  j->created = xj_now ();
  return j;
}

enum xj_err
xj_export_job_submit (const char *db_path,
                      const struct xj_export_settings *set,
                      const struct xj_export_opts *o, int64_t owner,
                      int64_t *id)
{
  struct job *j;
  enum xj_err e;
  int slot, fd;

  xj_export_job_sweep (set->retention_days);
  pthread_mutex_lock (&lock);
  if (XJ_E_OK != (e = start_workers (db_path, set->max_running)))
    goto out;
  if ((slot = free_slot ()) < 0)
    {
      e = XJ_E_EXPORT_BUSY;
      goto out;
    }
  j = job_new (o, owner);
  /* mkostemp creates the file 0600; the writers truncate it, keeping
     the mode */
  xj_snprintf (j->path, sizeof j->path, "%s/export-XXXXXX", dir);
  fd = mkostemp (j->path, O_CLOEXEC);
  if (fd < 0)
    {
      job_free (j);
      e = XJ_E_IO;
      goto out;
    }
  close (fd);
  j->id = next_id++;
  jobs[slot] = j;
  *id = j->id;
  pthread_cond_signal (&cond);
out:
  pthread_mutex_unlock (&lock);
  return e;
}

/* Under lock: the owner's job @id, or NULL. */
static struct job *
find (int64_t owner, int64_t id)
{
  for (size_t i = 0; i < XJ_EXPORT_JOBS_MAX; i++)
    if (jobs[i] && jobs[i]->id == id && jobs[i]->owner == owner)
      return jobs[i];
  return NULL;
}

static void
iso_of (int64_t t, char out[32])
{
  time_t s = (time_t) (t + 8 * 3600);
  struct tm tm;

  gmtime_r (&s, &tm);
  strftime (out, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

/* Under lock. */
static json_t *
job_json (const struct job *j)
{
  char created[32], finished[32] = "";
  json_t *o;

  iso_of (j->created, created);
  if (j->status >= J_DONE)
    iso_of (j->finished, finished);
  o = json_pack ("{s:I, s:s, s:s, s:s, s:b, s:I, s:I, s:s, s:s?}",
                 "id", (json_int_t) j->id,
                 "status", status_names[j->status],
                 "format", XJ_EXPORT_CSV == j->o.format ? "csv" : "xlsx",
                 "encoding", XJ_EXPORT_GB18030 == j->o.encoding ? "gb18030"
                                                                : "utf-8",
                 "reveal", (int) (0 != j->o.show),
                 "rows_done", (json_int_t) j->rows_done,
                 "rows_total", (json_int_t) j->rows_total,
                 "created_at", created,
                 "finished_at", j->status >= J_DONE ? finished : NULL);
  if (J_FAILED == j->status)
    json_object_set_new (o, "error",
                         json_pack ("{s:s, s:s}", "code",
                                    xj_err_code (j->err), "message",
                                    xj_err_zh (j->err)));
  return o;
}

enum xj_err
xj_export_job_get (int64_t owner, int64_t id, json_t **out)
{
  struct job *j;

  pthread_mutex_lock (&lock);
  j = find (owner, id);
  *out = j ? job_json (j) : NULL;
  pthread_mutex_unlock (&lock);
  return j ? XJ_E_OK : XJ_E_NOT_FOUND;
}

json_t *
xj_export_job_list (int64_t owner)
{
  json_t *a = json_array ();
  int64_t id = INT64_MAX;

  pthread_mutex_lock (&lock);
  /* newest first: pick the next lower id each round (64 entries) */
  for (;;)
    {
      struct job *best = NULL;

      for (size_t i = 0; i < XJ_EXPORT_JOBS_MAX; i++)
        if (jobs[i] && jobs[i]->owner == owner && jobs[i]->id < id
            && (NULL == best || jobs[i]->id > best->id))
          best = jobs[i];
      if (NULL == best)
        break;
      json_array_append_new (a, job_json (best));
      id = best->id;
    }
  pthread_mutex_unlock (&lock);
  return a;
}

void
xj_export_file_name (const struct xj_export_opts *o, char *name, size_t size)
{
  int y, m, d;

  xj_today (&y, &m, &d);
  xj_snprintf (name, size, "学生名册-%04d%02d%02d.%s", y, m, d,
               XJ_EXPORT_CSV == o->format ? "csv" : "xlsx");
}

const char *
xj_export_mime (const struct xj_export_opts *o)
{
  if (XJ_EXPORT_XLSX == o->format)
    return XJ_XLSX_MIME;
  return XJ_EXPORT_GB18030 == o->encoding ? "text/csv; charset=GB18030"
                                          : "text/csv; charset=utf-8";
}

enum xj_err
xj_export_job_file (int64_t owner, int64_t id, char *path, size_t path_size,
                    char *name, size_t name_size, const char **type)
{
  struct job *j;
  enum xj_err e = XJ_E_OK;

  pthread_mutex_lock (&lock);
  j = find (owner, id);
  if (NULL == j)
    e = XJ_E_NOT_FOUND;
  else if (J_DONE != j->status)
    e = XJ_E_EXPORT_NOT_READY;
  else
    {
      xj_strlcpy (path, j->path, path_size);
      xj_export_file_name (&j->o, name, name_size);
      *type = xj_export_mime (&j->o);
    }
  pthread_mutex_unlock (&lock);
  return e;
}

enum xj_err
xj_export_job_cancel (int64_t owner, int64_t id)
{
  struct job *j;

  pthread_mutex_lock (&lock);
  j = find (owner, id);
  if (j && J_QUEUED == j->status)
    {
      j->status = J_CANCELLED;
      j->finished = xj_now ();
      unlink (j->path);
    }
  else if (j && J_RUNNING == j->status)
    atomic_store (&j->cancel, true);
  else if (j)
    {
      /* finished: discard the file and the entry now */
      for (size_t i = 0; i < XJ_EXPORT_JOBS_MAX; i++)
        if (jobs[i] == j)
          jobs[i] = NULL;
      unlink (j->path);
      job_free (j);
    }
  pthread_mutex_unlock (&lock);
  return j ? XJ_E_OK : XJ_E_NOT_FOUND;
}

void
xj_export_job_sweep (int retention_days)
{
  int64_t cutoff = xj_now () - (int64_t) retention_days * 86400;

  pthread_mutex_lock (&lock);
  for (size_t i = 0; i < XJ_EXPORT_JOBS_MAX; i++)
    if (jobs[i] && jobs[i]->status >= J_DONE && jobs[i]->finished <= cutoff)
      {
        unlink (jobs[i]->path);
        job_free (jobs[i]);
        jobs[i] = NULL;
      }
  pthread_mutex_unlock (&lock);
}

void
xj_export_jobs_stop (void)
{
  int n;

  pthread_mutex_lock (&lock);
  stopping = true;
  for (size_t i = 0; i < XJ_EXPORT_JOBS_MAX; i++)
    if (jobs[i] && J_RUNNING == jobs[i]->status)
      atomic_store (&jobs[i]->cancel, true);
  pthread_cond_broadcast (&cond);
  n = nworkers;
  pthread_mutex_unlock (&lock);
  for (int i = 0; i < n; i++)
    pthread_join (workers[i], NULL);
  pthread_mutex_lock (&lock);
  nworkers = 0;
  for (size_t i = 0; i < XJ_EXPORT_JOBS_MAX; i++)
    {
      if (jobs[i])
        unlink (jobs[i]->path);
      job_free (jobs[i]);
      jobs[i] = NULL;
    }
  free (db_path_copy);
  db_path_copy = NULL;
  pthread_mutex_unlock (&lock);
}

bool
xj_export_slot_take (int max)
{
  int n = atomic_load (&direct_slots);

  do
    if (n >= max)
      return false;
  while (! atomic_compare_exchange_weak (&direct_slots, &n, n + 1));
  return true;
}

void
xj_export_slot_release (void)
{
  atomic_fetch_sub (&direct_slots, 1);
}
