/* dup_scan_job.c -- the county-wide duplicate scan as a background job
 * (dup_scan_job.h).  The 18 s read of a million-student county ran in
 * the request's write transaction and held the writer lock throughout;
 * here it runs in a read transaction (WAL: writers go on) and only the
 * flags are written, in one short transaction at the end.
 *
 * Everything in the job table is under `lock`.  Must not talk HTTP.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "student/dup_scan_job.h"

struct run {
  struct xj_dup_scan *job;  /* the table's slot (under lock) */
  char *db_path, *username, *ip;
  struct xj_actor actor;
  char county[8];
  int guardian_max;
  struct xj_identity_pairs pairs;
  struct xj_identity_scan_result res;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct xj_dup_scan jobs[XJ_DUP_SCANS_KEPT];
static int64_t next_id = 1;
static bool running;
static bool have_thread;
static pthread_t thread;

static enum xj_err
collect_txn (struct xj_db *db, void *cls)
{
  struct run *r = cls;

  xj_identity_pairs_fini (&r->pairs);
  return xj_identity_scan_collect (db, r->county, r->guardian_max, false,
                                   &r->res, &r->pairs);
}

static enum xj_err
apply_txn (struct xj_db *db, void *cls)
{
  struct run *r = cls;

  return xj_identity_scan_apply (db, r->county, &r->pairs, &r->actor,
                                 &r->res);
}

static enum xj_err
run_scan (struct run *r)
{
  struct xj_db *db;
  enum xj_err e = xj_db_open (r->db_path, XJ_DB_OPEN_EXISTING, &db);

  if (XJ_E_OK != e)
    return e;
  e = xj_db_txn_run (db, "duplicate_scan_read", false, &collect_txn, r);
  if (XJ_E_OK == e)
    e = xj_db_txn_run (db, "duplicate_scan_flag", true, &apply_txn, r);
  xj_db_close (db);
  return e;
}

static void *
scan_main (void *cls)
{
  struct run *r = cls;
  enum xj_err e = run_scan (r);

  pthread_mutex_lock (&lock);
  r->job->res = r->res;
  r->job->err = e;
  xj_strlcpy (r->job->state, XJ_E_OK == e ? "done" : "failed",
              sizeof r->job->state);
  xj_now_iso (r->job->finished_at);
  running = false;
  pthread_mutex_unlock (&lock);
  if (XJ_E_OK != e)
    XJ_WARN ("duplicate scan of %s failed: %s", r->county, xj_err_code (e));
  xj_identity_pairs_fini (&r->pairs);
  free (r->db_path);
  free (r->username);
  free (r->ip);
  free (r);
  return NULL;
}

/* Under lock: a new job in the slot of the oldest. */
static struct xj_dup_scan *
job_new (const char *county, int64_t owner)
{
  struct xj_dup_scan *j = &jobs[next_id % XJ_DUP_SCANS_KEPT];

  memset (j, 0, sizeof *j);
  j->id = next_id++;
  j->owner = owner;
  xj_strlcpy (j->county, county, sizeof j->county);
  xj_strlcpy (j->state, "running", sizeof j->state);
  xj_now_iso (j->started_at);
  return j;
}

enum xj_err
xj_dup_scan_start (const char *db_path, const char *county, int guardian_max,
                   const struct xj_actor *a, int64_t owner,
                   struct xj_dup_scan *out)
{
  struct run *r;

  pthread_mutex_lock (&lock);
  if (running)
    {
      for (size_t i = 0; i < XJ_DUP_SCANS_KEPT; i++)
        if (0 == strcmp (jobs[i].state, "running"))
          *out = jobs[i];
      pthread_mutex_unlock (&lock);
      return XJ_E_DUP_SCAN_RUNNING;
    }
  if (have_thread)
    pthread_join (thread, NULL);  /* the last one has ended */
  have_thread = false;
  r = xj_calloc (1, sizeof *r);
  r->job = job_new (county, owner);
  r->db_path = xj_strdup (db_path);
  r->username = xj_strdup (a->username);
  r->ip = xj_strdup (a->ip ? a->ip : "");
  r->actor = (struct xj_actor) { a->user_id, r->username, r->ip };
  xj_strlcpy (r->county, county, sizeof r->county);
  r->guardian_max = guardian_max;
  *out = *r->job;
  if (0 != pthread_create (&thread, NULL, &scan_main, r))
    {
      xj_strlcpy (r->job->state, "failed", sizeof r->job->state);
      r->job->err = XJ_E_INTERNAL;
      pthread_mutex_unlock (&lock);
      free (r->db_path);
      free (r->username);
      free (r->ip);
      free (r);
      return XJ_E_INTERNAL;
    }
  running = true;
  have_thread = true;
  pthread_mutex_unlock (&lock);
  return XJ_E_OK;
}

enum xj_err
xj_dup_scan_get (int64_t id, struct xj_dup_scan *out)
{
  enum xj_err e = XJ_E_NOT_FOUND;

  pthread_mutex_lock (&lock);
  if (id > 0 && jobs[id % XJ_DUP_SCANS_KEPT].id == id)
    {
      *out = jobs[id % XJ_DUP_SCANS_KEPT];
      e = XJ_E_OK;
    }
  pthread_mutex_unlock (&lock);
  return e;
}

void
xj_dup_scan_stop (void)
{
  bool join;

  pthread_mutex_lock (&lock);
  join = have_thread;
  have_thread = false;
  pthread_mutex_unlock (&lock);
  if (join)
    pthread_join (thread, NULL);
}
