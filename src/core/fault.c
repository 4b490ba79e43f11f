/* fault.c -- counters of the fault points (fault.h).  libc only.
 * Atomics: the points run on any thread (request threads, workers), and
 * a disarmed point must cost no lock.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "core/fault.h"
#include "core/util.h"

static atomic_bool armed_any;
static atomic_long target[XJ_FAULT__COUNT];   /* 0 = disarmed */
static atomic_long count[XJ_FAULT__COUNT];
static atomic_bool fired[XJ_FAULT__COUNT];
static const char *const names[XJ_FAULT__COUNT]
  = { "alloc", "write", "fsync", "commit" };

const char *
xj_fault_name (enum xj_fault_class c)
{
  return c < XJ_FAULT__COUNT ? names[c] : "?";
}

void
xj_fault_arm (enum xj_fault_class c, long n)
{
  atomic_store (&count[c], 0);
  atomic_store (&fired[c], false);
  atomic_store (&target[c], n > 0 ? n : 0);
  atomic_store (&armed_any, true);
}

void
xj_fault_reset (void)
{
  atomic_store (&armed_any, false);
  for (int c = 0; c < XJ_FAULT__COUNT; c++)
    {
      atomic_store (&target[c], 0);
      atomic_store (&count[c], 0);
      atomic_store (&fired[c], false);
    }
}

bool
xj_fault_hit (enum xj_fault_class c)
{
  long n, t;

  if (! atomic_load_explicit (&armed_any, memory_order_relaxed))
    return false;
  n = atomic_fetch_add (&count[c], 1) + 1;
  t = atomic_load (&target[c]);
  if (0 == t || n != t)
    return false;
  atomic_store (&fired[c], true);
  return true;
}

long
xj_fault_count (enum xj_fault_class c)
{
  return atomic_load (&count[c]);
}

bool
xj_fault_fired (enum xj_fault_class c)
{
  return atomic_load (&fired[c]);
}

bool
xj_fault_from_env (void)
{
  const char *e = getenv ("XJ_FAULT");
  const char *colon;
  int64_t n;

  if (NULL == e || '\0' == *e)
    return true;
  colon = strchr (e, ':');
  if (NULL == colon || ! xj_parse_i64 (colon + 1, &n) || n < 1)
    return false;
  for (int c = 0; c < XJ_FAULT__COUNT; c++)
    if (strlen (names[c]) == (size_t) (colon - e)
        && 0 == strncmp (e, names[c], (size_t) (colon - e)))
      {
        xj_fault_arm ((enum xj_fault_class) c, (long) n);
        return true;
      }
  return false;
}
