/* ticker.c -- see ticker.h. */
#include <time.h>
#include "core/ticker.h"

static void *
run (void *cls)
{
  struct xj_ticker *t = cls;

  pthread_mutex_lock (&t->lock);
  while (! t->stop)
    {
      struct timespec ts;

      clock_gettime (CLOCK_REALTIME, &ts);
      ts.tv_sec += t->seconds;
      if (0 == pthread_cond_timedwait (&t->cond, &t->lock, &ts) || t->stop)
        continue;
      pthread_mutex_unlock (&t->lock);
      t->fn (t->cls);
      pthread_mutex_lock (&t->lock);
    }
  pthread_mutex_unlock (&t->lock);
  return NULL;
}

bool
xj_ticker_start (struct xj_ticker *t, unsigned seconds,
                 void (*fn) (void *cls), void *cls)
{
  pthread_mutex_init (&t->lock, NULL);
  pthread_cond_init (&t->cond, NULL);
  t->seconds = seconds;
  t->fn = fn;
  t->cls = cls;
  t->stop = false;
  t->running = 0 == pthread_create (&t->thread, NULL, &run, t);
  return t->running;
}

void
xj_ticker_stop (struct xj_ticker *t)
{
  if (! t->running)
    return;
  pthread_mutex_lock (&t->lock);
  t->stop = true;
  pthread_cond_signal (&t->cond);
  pthread_mutex_unlock (&t->lock);
  pthread_join (t->thread, NULL);
  t->running = false;
}
