/* ticker.h -- a thread that calls a function every N seconds until
 * stopped: the server's background chores (audit checkpoints, the daily
 * dropout sweep).  Stopping wakes the thread at once and joins it.
 */
#ifndef XJ_TICKER_H
#define XJ_TICKER_H

#include <pthread.h>
#include <stdbool.h>

struct xj_ticker {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  unsigned seconds;
  void (*fn) (void *cls);
  void *cls;
  bool stop;
  bool running;
};

/* Start calling @fn (@cls) every @seconds, the first call after one
   interval; false if no thread could be made. */
bool xj_ticker_start (struct xj_ticker *t, unsigned seconds,
                      void (*fn) (void *cls), void *cls);
/* Stop and join (a call in progress finishes first); no-op when not
   running. */
void xj_ticker_stop (struct xj_ticker *t);

#endif
