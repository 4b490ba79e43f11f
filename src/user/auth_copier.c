/* auth_copier.c -- the thread that copies log-in and log-out entries from
 * the auth store's auth_log into the registry's hash-chained audit_log.
 *
 * Log-in and log-out never wait for the registry's writer lock: they
 * write the auth store and try one copy without waiting.  When the lock
 * was held (an import), this thread copies later, in order and once each
 * (xj_auth_log_copy), within a second of the lock coming free, and once
 * more when the server stops.  See docs/internals/sessions.md.
 */
#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include "core/util.h"
#include "user/user.h"

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static bool running, stopping, kicked;
static char db_path[1024];

static void
copy_once (struct xj_db *db, struct xj_db *auth, bool wait)
{
  enum xj_err e;

  if (NULL == db || NULL == auth)
    return;
  e = xj_auth_log_copy (auth, db, wait);
  if (XJ_E_OK != e && XJ_E_DB_BUSY != e)
    XJ_WARN ("copying the auth log into the audit log failed: %s",
             xj_err_code (e));
}

/* Wake every second (or when kicked) and copy what is new. */
static void *
run (void *cls)
{
  struct xj_db *db = NULL, *auth = NULL;
  char path[1100];

  (void) cls;
  xj_db_auth_path (db_path, path, sizeof path);
  if (XJ_E_OK != xj_db_open (db_path, XJ_DB_OPEN_EXISTING, &db)
      || XJ_E_OK != xj_db_open (path, XJ_DB_OPEN_AUTH, &auth))
    XJ_ERROR ("auth log copier: cannot open the databases");
  pthread_mutex_lock (&lock);
  while (! stopping)
    {
      struct timespec ts;

      clock_gettime (CLOCK_REALTIME, &ts);
      ts.tv_sec += 1;
      if (! kicked)
        pthread_cond_timedwait (&cond, &lock, &ts);
      kicked = false;
      if (stopping)
        break;
      pthread_mutex_unlock (&lock);
      copy_once (db, auth, false);
      pthread_mutex_lock (&lock);
    }
  pthread_mutex_unlock (&lock);
  copy_once (db, auth, true);
  xj_db_close (auth);
  xj_db_close (db);
  return NULL;
}

void
xj_auth_copier_start (const char *path)
{
  xj_strlcpy (db_path, path, sizeof db_path);
  stopping = false;
  if (0 == pthread_create (&thread, NULL, &run, NULL))
    running = true;
  else
    XJ_ERROR ("cannot start the auth log copier");
}

void
xj_auth_copier_kick (void)
{
  pthread_mutex_lock (&lock);
  kicked = true;
  pthread_cond_signal (&cond);
  pthread_mutex_unlock (&lock);
}

void
xj_auth_copier_stop (void)
{
  if (! running)
    return;
  pthread_mutex_lock (&lock);
  stopping = true;
  pthread_cond_signal (&cond);
  pthread_mutex_unlock (&lock);
  pthread_join (thread, NULL);
  running = false;
}
