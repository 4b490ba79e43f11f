/* audit_ticker.c -- the server's checkpoint thread: a signed checkpoint of
 * the audit log's head at start, then every interval when the head moved,
 * and a last one on shutdown.  One connection of its own; no request
 * thread ever waits for it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include "audit/audit.h"
#include "core/util.h"

static struct {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  struct xj_db *db;
  unsigned seconds;
  int64_t last_id;  /* head last checkpointed */
  bool stop;
  bool running;
} tk = { .lock = PTHREAD_MUTEX_INITIALIZER,
         .cond = PTHREAD_COND_INITIALIZER };

static void
tick (void)
{
  if (XJ_E_OK != xj_audit_checkpoint_write (tk.db, NULL, NULL, &tk.last_id))
    XJ_ERROR ("audit checkpoint not written (will retry)");
}

static void *
run (void *cls)
{
  (void) cls;
  pthread_mutex_lock (&tk.lock);
  while (! tk.stop)
    {
      struct timespec ts;

      clock_gettime (CLOCK_REALTIME, &ts);
      ts.tv_sec += tk.seconds;
      if (0 == pthread_cond_timedwait (&tk.cond, &tk.lock, &ts) || tk.stop)
        continue;
      pthread_mutex_unlock (&tk.lock);
      tick ();
      pthread_mutex_lock (&tk.lock);
    }
  pthread_mutex_unlock (&tk.lock);
  return NULL;
}

enum xj_err
xj_audit_ticker_start (const char *db_path)
{
  const char *env = getenv ("XJ_CHECKPOINT_SECONDS");
  int64_t s = 60;
  enum xj_err e = xj_db_open (db_path, XJ_DB_OPEN_EXISTING, &tk.db);

  if (XJ_E_OK != e)
    return e;
  if (env && (! xj_parse_i64 (env, &s) || s < 1 || s > 60))
    s = 60;
  tk.seconds = (unsigned) s;
  tk.last_id = 0;
  tk.stop = false;
  e = xj_audit_checkpoint_write (tk.db, NULL, NULL, &tk.last_id);
  if (XJ_E_OK != e || 0 != pthread_create (&tk.thread, NULL, &run, NULL))
    {
      xj_db_close (tk.db);
      tk.db = NULL;
      return XJ_E_OK == e ? XJ_E_INTERNAL : e;
    }
  tk.running = true;
  return XJ_E_OK;
}

void
xj_audit_ticker_stop (void)
{
  if (! tk.running)
    return;
  pthread_mutex_lock (&tk.lock);
  tk.stop = true;
  pthread_cond_signal (&tk.cond);
  pthread_mutex_unlock (&tk.lock);
  pthread_join (tk.thread, NULL);
  tk.running = false;
  tick (); /* the last head, after every request finished */
  xj_db_close (tk.db);
  tk.db = NULL;
}
