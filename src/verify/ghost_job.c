/* ghost_job.c -- the ghost-record sweep as a background job
 * (ghost_job.h).  A sweep of a county with a million students would
 * hold the writer lock for many seconds on the request thread; here
 * each run has its own thread and connection, reads in chunks (each a
 * short read transaction: WAL lets writers go on) and writes each
 * chunk's candidates in one short write transaction, so registrations
 * and changes in the county answer quickly during it.
 *
 * The table of running runs is under `lock`; state and progress live in
 * ghost_sweeps.  Must not talk HTTP.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "verify/ghost_job.h"
#include "verify/verify_int.h"

struct slot {
  bool used;                /* a thread to join */
  bool running;             /* the run has not ended */
  pthread_t thread;
  int64_t id;
  char prefix[16];
};

struct run {
  struct slot *slot;        /* the table's slot (under lock) */
  char *db_path, *username, *ip;
  struct xj_actor actor;
  char prefix[16];
  size_t chunk;
  int64_t id;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[XJ_GHOST_JOBS_MAX];
static atomic_bool stopping;

static void
run_free (struct run *r)
{
  free (r->db_path);
  free (r->username);
  free (r->ip);
  free (r);
}

static void *
run_main (void *cls)
{
  struct run *r = cls;
  struct xj_db *db;
  enum xj_err e = xj_db_open (r->db_path, XJ_DB_OPEN_EXISTING, &db);

  if (XJ_E_OK == e)
    {
      e = xj_ghost_sweep_run (db, &r->actor, r->id, r->prefix, r->chunk,
                              &stopping);
      xj_db_close (db);
    }
  if (XJ_E_OK != e)
    XJ_WARN ("ghost sweep %lld of '%s' failed: %s", (long long) r->id,
             r->prefix, xj_err_code (e));
  pthread_mutex_lock (&lock);
  r->slot->running = false;
  pthread_mutex_unlock (&lock);
  run_free (r);
  return NULL;
}

/* Under lock: do region prefixes @a and @b overlap ("" is everything)? */
static bool
overlap (const char *a, const char *b)
{
  size_t n = strlen (a) < strlen (b) ? strlen (a) : strlen (b);

  return 0 == strncmp (a, b, n);
}

/* Under lock: join ended threads; a free slot, or NULL with *busy the
   id of a running run over a region overlapping @prefix (0: all slots
   taken). */
static struct slot *
slot_for (const char *prefix, int64_t *busy)
{
  struct slot *free_slot = NULL;

  *busy = 0;
  for (size_t i = 0; i < XJ_GHOST_JOBS_MAX; i++)
    {
      struct slot *s = &slots[i];

      if (s->used && ! s->running)
        {
          pthread_join (s->thread, NULL);
          s->used = false;
        }
      if (s->used && overlap (s->prefix, prefix))
        {
          *busy = s->id;
          return NULL;
        }
      if (! s->used && NULL == free_slot)
        free_slot = s;
    }
  return free_slot;
}

struct begin_ctx {
  const struct xj_actor *a;
  const char *prefix;
  int64_t id;
};

static enum xj_err
begin_txn (struct xj_db *db, void *cls)
{
  struct begin_ctx *c = cls;

  return xj_ghost_sweep_begin (db, c->a, c->prefix, &c->id);
}

static enum xj_err
failed_txn (struct xj_db *db, void *cls)
{
  struct begin_ctx *c = cls;
  char at[32];

  xj_now_iso (at);
  return xj_vf_store_sweep_end (db, c->id, "failed", at, "internal");
}

static size_t
chunk_size (size_t chunk)
{
  const char *env = getenv ("XJ_GHOST_CHUNK");   /* tests, benchmarks */
  int64_t n;

  if (0 == chunk && env && xj_parse_i64 (env, &n) && n > 0 && n < 1000000)
    chunk = (size_t) n;
  return chunk > 0 ? chunk : XJ_GHOST_CHUNK;
}

/* Under lock: the run's thread in slot @s. */
static enum xj_err
launch (struct slot *s, const char *db_path, const char *prefix,
        const struct xj_actor *a, size_t chunk, int64_t id)
{
  struct run *r = xj_calloc (1, sizeof *r);

  r->slot = s;
  r->db_path = xj_strdup (db_path);
  r->username = xj_strdup (a->username);
  r->ip = xj_strdup (a->ip ? a->ip : "");
  r->actor = (struct xj_actor) { a->user_id, r->username, r->ip };
  xj_strlcpy (r->prefix, prefix, sizeof r->prefix);
  r->chunk = chunk_size (chunk);
  r->id = id;
  if (0 != pthread_create (&s->thread, NULL, &run_main, r))
    {
      run_free (r);
      return XJ_E_INTERNAL;
    }
  s->used = s->running = true;
  s->id = id;
  xj_strlcpy (s->prefix, prefix, sizeof s->prefix);
  return XJ_E_OK;
}

enum xj_err
xj_ghost_job_start (struct xj_db *db, const char *db_path, const char *prefix,
                    const struct xj_actor *a, size_t chunk, int64_t *id)
{
  struct begin_ctx c = { a, prefix, 0 };
  struct slot *s;
  enum xj_err e;

  pthread_mutex_lock (&lock);
  if (NULL == (s = slot_for (prefix, id)))
    {
      pthread_mutex_unlock (&lock);
      return XJ_E_GHOST_SWEEP_RUNNING;
    }
  /* recorded before the thread starts: a GET right after finds it */
  e = xj_db_txn_run (db, "ghost_sweep_begin", true, &begin_txn, &c);
  if (XJ_E_OK == e)
    e = launch (s, db_path, prefix, a, chunk, c.id);
  if (XJ_E_OK != e && c.id > 0)   /* the run never started */
    (void) xj_db_txn_run (db, "ghost_sweep_unstarted", true, &failed_txn,
                          &c);
  pthread_mutex_unlock (&lock);
  *id = c.id;
  return e;
}

static enum xj_err
recover_txn (struct xj_db *db, void *cls)
{
  (void) cls;
  return xj_ghost_sweep_recover (db);
}

static enum xj_err
running_txn (struct xj_db *db, void *cls)
{
  return xj_ghost_sweep_running (db, cls);
}

void
xj_ghost_jobs_recover (const char *db_path)
{
  struct xj_db *db;

  int64_t running = 0;

  if (XJ_E_OK != xj_db_open (db_path, XJ_DB_OPEN_EXISTING, &db))
    return;
  /* read first: a start must not wait for the writer (an import) when
     there is nothing to mark, which is nearly always */
  if (XJ_E_OK != xj_db_txn_run (db, "ghost_sweep_running", false,
                                &running_txn, &running))
    XJ_WARN ("could not read the ghost sweeps' states");
  else if (running > 0
           && XJ_E_OK != xj_db_txn_run (db, "ghost_sweep_recover", true,
                                        &recover_txn, NULL))
    XJ_WARN ("could not mark interrupted ghost sweeps");
  xj_db_close (db);
}

void
xj_ghost_jobs_stop (void)
{
  atomic_store (&stopping, true);
  for (size_t i = 0; i < XJ_GHOST_JOBS_MAX; i++)
    {
      bool join;
      pthread_t t;

      pthread_mutex_lock (&lock);
      join = slots[i].used;
      t = slots[i].thread;
      slots[i].used = false;
      pthread_mutex_unlock (&lock);
      if (join)
        pthread_join (t, NULL);
    }
}
