/* db_replica.c -- read replicas: which connection a read uses
 * (docs/internals/replicas.md).
 *
 * A watcher thread asks the primary for its WAL position and each
 * standby for the position it has replayed, every 250 ms.  The
 * primary's positions are kept with the time they were seen; a standby's
 * lag is the age of the oldest primary position it has not replayed yet
 * (0 when it has replayed the newest).  This catches a paused replay, a
 * broken stream and a slow standby alike, and needs no clock on the
 * standby.  A standby that does not answer, is not in recovery (a
 * promoted one has a history of its own) or lags more than the bound is
 * skipped; the watcher logs each change of state once.
 *
 * Read-your-writes: after a request whose connection committed a write,
 * the primary's position then is remembered for the user, and that
 * user's reads go to a standby only once it has replayed that far.  An
 * entry may be forgotten once older than the bound plus the watcher's
 * delays: a standby that still lacks such a write lags more than the
 * bound and is skipped anyway.
 *
 * Worker threads keep their own connection to each standby (opened on
 * first use, closed when the thread ends); the watcher has its own.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "db_backend.h"
#include "../core/util.h"

/* How often the watcher looks (XJ_REPLICA_PROBE_MS overrides it, for
   tests that need a failure to reach a request before the watcher). */
#define PROBE_MS_DEFAULT 250
static int64_t probe_ms = PROBE_MS_DEFAULT;
/* Primary positions remembered: more than the largest bound allows. */
#define RING 1024
/* The read-your-writes table: users with a recent write. */
#define SEEN_SLOTS 4096
#define SEEN_PROBE 16
/* A thread whose connection to a standby failed waits this long. */
#define THREAD_RETRY_MS 2000

enum rstate { R_UNKNOWN, R_UP, R_DOWN, R_LAGGING, R_NOT_STANDBY };

struct replica {
  char *url;
  char label[160];
  struct xj_db *probe;        /* the watcher's connection */
  int64_t retry_at;           /* watcher: next connect attempt */
  enum rstate logged;         /* watcher: the state last logged */
  _Atomic int state;          /* enum rstate; readers skip all but R_UP */
  _Atomic uint64_t replayed;  /* its replay position at the last probe */
  _Atomic int64_t checked;    /* xj_mono_ms of that probe */
};

struct sample {
  int64_t at;
  uint64_t lsn;
};

static struct {
  char *primary;
  struct replica r[XJ_DB_MAX_REPLICAS];
  size_t n;
  unsigned max_lag_ms;
  /* the watcher */
  pthread_t thread;
  pthread_mutex_t lock;       /* stop flag and cond */
  pthread_cond_t cond;
  bool stop, running;
  struct xj_db *pprobe;       /* its connection to the primary */
  struct sample ring[RING];   /* primary positions, oldest first */
  size_t ring_n;
} rs = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

/* ---- read-your-writes ---- */

struct seen {
  int64_t user;   /* 0 = free */
  uint64_t lsn;
  int64_t at;
};

static struct seen seen[SEEN_SLOTS];
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;

/* How long a user's write position must be kept (file comment). */
static int64_t
seen_ttl_ms (void)
{
  return (int64_t) rs.max_lag_ms + 4 * probe_ms + 2000;
}

static size_t
seen_home (int64_t user)
{
  return (size_t) ((uint64_t) user * 0x9E3779B97F4A7C15ULL >> 52)
         % SEEN_SLOTS;
}

static void
seen_put (int64_t user, uint64_t lsn)
{
  size_t home = seen_home (user), pick = home;
  int64_t now = xj_mono_ms ();

  pthread_mutex_lock (&seen_lock);
  /* the user's own slot, else a free or expired one, else the oldest */
  for (size_t i = 0; i < SEEN_PROBE; i++)
    {
      struct seen *s = &seen[(home + i) % SEEN_SLOTS];

      if (s->user == user)
        {
          pick = (home + i) % SEEN_SLOTS;
          break;
        }
      if (0 == s->user || now - s->at > seen_ttl_ms ()
          || s->at < seen[pick].at)
        pick = (home + i) % SEEN_SLOTS;
    }
  if (seen[pick].user != user || seen[pick].lsn < lsn)
    seen[pick] = (struct seen) { user, lsn, now };
  pthread_mutex_unlock (&seen_lock);
}

/* The position user @user's reads must see; 0 when none. */
static uint64_t
seen_get (int64_t user)
{
  size_t home = seen_home (user);
  uint64_t lsn = 0;
  int64_t now = xj_mono_ms ();

  pthread_mutex_lock (&seen_lock);
  for (size_t i = 0; i < SEEN_PROBE; i++)
    {
      const struct seen *s = &seen[(home + i) % SEEN_SLOTS];

      if (s->user == user && now - s->at <= seen_ttl_ms ())
        lsn = s->lsn;
    }
  pthread_mutex_unlock (&seen_lock);
  return lsn;
}

/* ---- the watcher ---- */

static void
ring_add (int64_t at, uint64_t lsn)
{
  if (rs.ring_n && rs.ring[rs.ring_n - 1].lsn == lsn)
    return;  /* the first time a position was seen is what counts */
  if (RING == rs.ring_n)
    {
      memmove (rs.ring, rs.ring + 1, (RING - 1) * sizeof rs.ring[0]);
      rs.ring_n--;
    }
  rs.ring[rs.ring_n++] = (struct sample) { at, lsn };
}

/* How long ago the primary reached a position @replayed lacks. */
static int64_t
lag_ms (uint64_t replayed, int64_t now)
{
  for (size_t i = 0; i < rs.ring_n; i++)
    if (rs.ring[i].lsn > replayed)
      return now - rs.ring[i].at;
  return 0;
}

static void
log_state (struct replica *r, enum rstate s, int64_t lag)
{
  if (s == r->logged)
    return;
  r->logged = s;
  switch (s)
    {
    case R_UP:
      XJ_INFO ("replica %s: serving reads", r->label);
      break;
    case R_DOWN:
      XJ_WARN ("replica %s: unreachable; its reads go to the primary"
               " (retrying)", r->label);
      break;
    case R_LAGGING:
      XJ_WARN ("replica %s: lags %lld ms (bound %u ms); its reads go to"
               " the primary", r->label, (long long) lag, rs.max_lag_ms);
      break;
    case R_NOT_STANDBY:
      XJ_WARN ("replica %s: not a standby in recovery (promoted?); not used",
               r->label);
      break;
    default:
      break;
    }
}

/* Probe standby @r: its state now. */
static enum rstate
probe_one (struct replica *r, int64_t now, int64_t *lag)
{
  uint64_t replayed;

  *lag = 0;
  if (NULL == r->probe)
    {
      if (now < r->retry_at)
        return R_DOWN;
      if (XJ_E_OK != xj_db_open (r->url, XJ_DB_OPEN_REPLICA, &r->probe))
        {
          r->probe = NULL;
          r->retry_at = now + THREAD_RETRY_MS;
          return R_DOWN;
        }
    }
  switch (r->probe->be->wal_lsn (r->probe, true, &replayed))
    {
    case 0:
      return R_NOT_STANDBY;
    case -1:
      xj_db_close (r->probe);
      r->probe = NULL;
      r->retry_at = now + THREAD_RETRY_MS;
      return R_DOWN;
    default:
      break;
    }
  atomic_store (&r->replayed, replayed);
  *lag = lag_ms (replayed, now);
  return *lag > (int64_t) rs.max_lag_ms ? R_LAGGING : R_UP;
}

/* One round: the primary's position, then every standby's. */
static void
probe_all (void)
{
  int64_t now = xj_mono_ms ();
  uint64_t lsn;

  if (NULL == rs.pprobe
      && XJ_E_OK != xj_db_open (rs.primary, XJ_DB_OPEN_READONLY, &rs.pprobe))
    rs.pprobe = NULL;
  if (NULL == rs.pprobe || NULL == rs.pprobe->be->wal_lsn
      || 1 != rs.pprobe->be->wal_lsn (rs.pprobe, false, &lsn))
    {
      /* no measure of lag: no standby is checked (readers use the
         primary, which says for itself what is wrong) */
      xj_db_close (rs.pprobe);
      rs.pprobe = NULL;
      return;
    }
  ring_add (now, lsn);
  for (size_t i = 0; i < rs.n; i++)
    {
      struct replica *r = &rs.r[i];
      int64_t lag;
      enum rstate s = probe_one (r, now, &lag);

      atomic_store (&r->state, (int) s);
      atomic_store (&r->checked, xj_mono_ms ());
      log_state (r, s, lag);
    }
}

static void *
watcher (void *cls)
{
  (void) cls;
  pthread_mutex_lock (&rs.lock);
  while (! rs.stop)
    {
      struct timespec ts;

      pthread_mutex_unlock (&rs.lock);
      probe_all ();
      clock_gettime (CLOCK_REALTIME, &ts);
      ts.tv_nsec += (long) probe_ms * 1000000L;
      ts.tv_sec += ts.tv_nsec / 1000000000L;
      ts.tv_nsec %= 1000000000L;
      pthread_mutex_lock (&rs.lock);
      if (! rs.stop)
        pthread_cond_timedwait (&rs.cond, &rs.lock, &ts);
    }
  pthread_mutex_unlock (&rs.lock);
  return NULL;
}

enum xj_err
xj_db_replicas_start (const char *primary, const char *const *urls, size_t n,
                      unsigned max_lag_ms)
{
  if (0 == n)
    return XJ_E_OK;
  if (! xj_db_is_url (primary) || n > XJ_DB_MAX_REPLICAS)
    return XJ_E_USAGE;
  for (size_t i = 0; i < n; i++)
    if (! xj_db_is_url (urls[i]))
      return XJ_E_USAGE;
  rs.primary = xj_strdup (primary);
  rs.max_lag_ms = max_lag_ms;
  probe_ms = PROBE_MS_DEFAULT;
  if (getenv ("XJ_REPLICA_PROBE_MS")
      && (! xj_parse_i64 (getenv ("XJ_REPLICA_PROBE_MS"), &probe_ms)
          || probe_ms < 10 || probe_ms > 60000))
    probe_ms = PROBE_MS_DEFAULT;
  for (size_t i = 0; i < n; i++)
    {
      rs.r[i].url = xj_strdup (urls[i]);
      xj_db_pg_label (urls[i], rs.r[i].label, sizeof rs.r[i].label);
      atomic_store (&rs.r[i].state, R_UNKNOWN);
    }
  rs.n = n;
  rs.stop = false;
  /* the first round before any request: a standby fit now serves the
     first reads */
  probe_all ();
  if (0 != pthread_create (&rs.thread, NULL, &watcher, NULL))
    return XJ_E_INTERNAL;
  rs.running = true;
  return XJ_E_OK;
}

void
xj_db_replicas_stop (void)
{
  if (! rs.running)
    return;
  pthread_mutex_lock (&rs.lock);
  rs.stop = true;
  pthread_cond_signal (&rs.cond);
  pthread_mutex_unlock (&rs.lock);
  pthread_join (rs.thread, NULL);
  rs.running = false;
  xj_db_close (rs.pprobe);
  rs.pprobe = NULL;
  for (size_t i = 0; i < rs.n; i++)
    {
      xj_db_close (rs.r[i].probe);
      rs.r[i].probe = NULL;
      free (rs.r[i].url);
      rs.r[i].url = NULL;
    }
  rs.n = 0;
  free (rs.primary);
  rs.primary = NULL;
}

/* ---- the readers' side ---- */

/* A worker thread's connections to the standbys. */
struct tconns {
  struct xj_db *c[XJ_DB_MAX_REPLICAS];
  int64_t retry_at[XJ_DB_MAX_REPLICAS];
  size_t next;   /* round robin */
};

static pthread_key_t tkey;
static pthread_once_t tkey_once = PTHREAD_ONCE_INIT;

static void
tconns_free (void *p)
{
  struct tconns *t = p;

  for (size_t i = 0; i < XJ_DB_MAX_REPLICAS; i++)
    xj_db_close (t->c[i]);
  free (t);
}

static void
tkey_make (void)
{
  pthread_key_create (&tkey, &tconns_free);
}

static struct tconns *
tconns (void)
{
  struct tconns *t;

  pthread_once (&tkey_once, &tkey_make);
  if (NULL == (t = pthread_getspecific (tkey)))
    {
      t = xj_calloc (1, sizeof *t);
      pthread_setspecific (tkey, t);
    }
  return t;
}

/* Whether standby @i may serve a read that must see @need. */
static bool
fit (size_t i, uint64_t need, int64_t now)
{
  const struct replica *r = &rs.r[i];

  return R_UP == atomic_load (&r->state)
         && now - atomic_load (&r->checked) <= (int64_t) rs.max_lag_ms
                                                 + 4 * probe_ms
         && atomic_load (&r->replayed) >= need;
}

/* This thread's connection to standby @i, opened when missing. */
static struct xj_db *
thread_conn (struct tconns *t, size_t i, int64_t now)
{
  if (NULL == t->c[i] && now >= t->retry_at[i]
      && XJ_E_OK != xj_db_open (rs.r[i].url, XJ_DB_OPEN_REPLICA, &t->c[i]))
    {
      t->c[i] = NULL;
      t->retry_at[i] = now + THREAD_RETRY_MS;
    }
  return t->c[i];
}

struct xj_db *
xj_db_read_conn (struct xj_db *primary, int64_t user_id)
{
  struct tconns *t;
  uint64_t need;
  int64_t now;

  if (0 == rs.n)
    return primary;
  t = tconns ();
  need = seen_get (user_id);
  now = xj_mono_ms ();
  for (size_t k = 0; k < rs.n; k++)
    {
      size_t i = (t->next + k) % rs.n;
      struct xj_db *c;

      if (! fit (i, need, now) || NULL == (c = thread_conn (t, i, now)))
        continue;
      t->next = i + 1;
      c->write_to = primary;
      return c;
    }
  return primary;
}

void
xj_db_read_failed (struct xj_db *db)
{
  struct tconns *t;

  if (0 == rs.n || NULL == db->write_to)
    return;
  t = tconns ();
  for (size_t i = 0; i < rs.n; i++)
    if (t->c[i] == db)
      {
        XJ_WARN ("replica %s: a read failed; answered by the primary",
                 rs.r[i].label);
        /* skipped until the watcher's next round finds it fit */
        atomic_store (&rs.r[i].state, R_DOWN);
        xj_db_close (db);
        t->c[i] = NULL;
        t->retry_at[i] = xj_mono_ms () + THREAD_RETRY_MS;
      }
}

void
xj_db_note_writes (struct xj_db *primary, int64_t user_id)
{
  uint64_t lsn;

  if (! primary->wrote)
    return;
  primary->wrote = false;
  if (0 == rs.n || user_id <= 0)
    return;
  if (primary->be->wal_lsn && 1 == primary->be->wal_lsn (primary, false, &lsn))
    seen_put (user_id, lsn);
  else
    /* the position is unknown: the user's reads go to the primary until
       the entry expires */
    seen_put (user_id, UINT64_MAX);
}
