/* conn_guard.c -- read deadlines that slow senders cannot extend.
 *
 * libmicrohttpd's connection timeout restarts on every byte received, so
 * a client that trickles one byte a minute holds a connection (and its
 * slot under the connection limits) for ever.  Here every connection is
 * tracked from MHD_CONNECTION_NOTIFY_STARTED to _CLOSED with the phase
 * of its current request and when that phase began:
 *
 *   head  from the accept (or the end of the previous request on a
 *         keep-alive connection) until the headers are in;
 *   body  from the headers until the last byte of the body;
 *   busy  while the handler runs and the reply is sent (not limited here:
 *         libmicrohttpd's own timeout covers a stalled reader).
 *
 * A sweeper thread shuts down (shutdown(2)) the socket of a connection
 * whose head or body phase outlived its deadline; libmicrohttpd then
 * sees the end of the stream and closes it in its own thread.  The
 * descriptor is only touched under `lock`, and _CLOSED (which runs
 * before libmicrohttpd closes the descriptor) unlinks the entry under the
 * same lock, so a reused descriptor number is never shut down.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include "core/util.h"
#include "http/conn_guard.h"

enum phase { PH_HEAD, PH_BODY, PH_BUSY };

struct track {
  struct track *prev, *next;
  int fd;
  enum phase phase;
  int64_t since_ms;
  bool cut;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct track *head;
static pthread_t sweeper;
static bool running;
static bool stopping;
static int64_t head_ms, body_ms;

void
xj_conn_guard_notify (void *cls, struct MHD_Connection *conn,
                      void **socket_context,
                      enum MHD_ConnectionNotificationCode code)
{
  struct track *t = *socket_context;

  (void) cls;
  if (MHD_CONNECTION_NOTIFY_STARTED == code)
    {
      const union MHD_ConnectionInfo *ci
        = MHD_get_connection_info (conn, MHD_CONNECTION_INFO_CONNECTION_FD);

      t = xj_calloc (1, sizeof *t);
      t->fd = ci ? ci->connect_fd : -1;
      t->phase = PH_HEAD;
      t->since_ms = xj_mono_ms ();
      pthread_mutex_lock (&lock);
      t->next = head;
      if (head)
        head->prev = t;
      head = t;
      pthread_mutex_unlock (&lock);
      *socket_context = t;
      return;
    }
  if (NULL == t)
    return;
  pthread_mutex_lock (&lock);
  if (t->prev)
    t->prev->next = t->next;
  else
    head = t->next;
  if (t->next)
    t->next->prev = t->prev;
  pthread_mutex_unlock (&lock);
  free (t);
  *socket_context = NULL;
}

static void
set_phase (struct MHD_Connection *conn, enum phase p)
{
  const union MHD_ConnectionInfo *ci
    = MHD_get_connection_info (conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  struct track *t = ci ? ci->socket_context : NULL;

  if (NULL == t)
    return;
  pthread_mutex_lock (&lock);
  t->phase = p;
  t->since_ms = xj_mono_ms ();
  pthread_mutex_unlock (&lock);
}

void
xj_conn_guard_body (struct MHD_Connection *conn)
{
  set_phase (conn, PH_BODY);
}

void
xj_conn_guard_busy (struct MHD_Connection *conn)
{
  set_phase (conn, PH_BUSY);
}

void
xj_conn_guard_idle (struct MHD_Connection *conn)
{
  set_phase (conn, PH_HEAD);
}

/* Under lock: shut down the connections past their deadline. */
static void
sweep (void)
{
  int64_t now = xj_mono_ms ();

  for (struct track *t = head; t; t = t->next)
    {
      int64_t limit = PH_HEAD == t->phase ? head_ms : body_ms;

      if (t->cut || PH_BUSY == t->phase || t->fd < 0
          || now - t->since_ms <= limit)
        continue;
      t->cut = true;
      shutdown (t->fd, SHUT_RDWR);
      XJ_INFO ("closed a connection: its request's %s was not read within"
               " %lld s", PH_HEAD == t->phase ? "header" : "body",
               (long long) (limit / 1000));
    }
}

static void *
sweeper_main (void *cls)
{
  int64_t period = head_ms < body_ms ? head_ms : body_ms;

  (void) cls;
  period = period / 4 < 1000 ? (period / 4 > 50 ? period / 4 : 50) : 1000;
  pthread_mutex_lock (&lock);
  while (! stopping)
    {
      struct timespec ts;

      clock_gettime (CLOCK_REALTIME, &ts);
      ts.tv_nsec += (long) (period % 1000) * 1000000L;
      ts.tv_sec += (time_t) (period / 1000) + ts.tv_nsec / 1000000000L;
      ts.tv_nsec %= 1000000000L;
      pthread_cond_timedwait (&cond, &lock, &ts);
      if (! stopping)
        sweep ();
    }
  pthread_mutex_unlock (&lock);
  return NULL;
}

bool
xj_conn_guard_start (unsigned header_s, unsigned body_s)
{
  head_ms = (int64_t) header_s * 1000;
  body_ms = (int64_t) body_s * 1000;
  stopping = false;
  running = 0 == pthread_create (&sweeper, NULL, &sweeper_main, NULL);
  return running;
}

void
xj_conn_guard_stop (void)
{
  if (! running)
    return;
  pthread_mutex_lock (&lock);
  stopping = true;
  pthread_cond_signal (&cond);
  pthread_mutex_unlock (&lock);
  pthread_join (sweeper, NULL);
  running = false;
}
