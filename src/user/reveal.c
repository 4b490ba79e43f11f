/* reveal.c -- the reveal policy (which personal numbers a role may see in
 * full) and the per-user budget of full-number searches.  Pure rules plus
 * one mutex-guarded table; no SQL (privacy_store.c), no HTTP.
 */
#include <jansson.h>
#include <pthread.h>
#include <string.h>
#include "user/reveal.h"
#include "user/user.h"

void
xj_privacy_defaults (struct xj_privacy *p)
{
  p->reveal_admin = XJ_PII_ALL;
  p->reveal_bureau = XJ_PII_ALL;
  p->reveal_registrar = XJ_PII_ALL;
  p->reveal_teacher = XJ_PII_PHONE;
  p->searches_per_minute = 10;
}

unsigned
xj_reveal_rights (const struct xj_privacy *p, const struct xj_user *u)
{
  switch (u->role)
    {
    case XJ_ROLE_ADMIN:
      return p->reveal_admin & XJ_PII_ALL;
    case XJ_ROLE_BUREAU:
      return p->reveal_bureau & XJ_PII_ALL;
    case XJ_ROLE_REGISTRAR:
      return p->reveal_registrar & XJ_PII_ALL;
    case XJ_ROLE_TEACHER:
      return p->reveal_teacher & XJ_PII_ALL;
    default:
      return 0;
    }
}

bool
xj_reveal_allowed (const struct xj_privacy *p, const struct xj_user *u,
                   enum xj_pii what)
{
  return 0 != (xj_reveal_rights (p, u) & (unsigned) what);
}

static const struct {
  enum xj_pii bit;
  const char *name;
} pii_names[] = {
  { XJ_PII_ID_NO, "id_no" },
  { XJ_PII_PHONE, "phone" },
  { XJ_PII_GUARDIAN_ID, "guardian_id" },
};

const char *
xj_pii_name (enum xj_pii what)
{
  for (size_t i = 0; i < sizeof pii_names / sizeof pii_names[0]; i++)
    if (pii_names[i].bit == what)
      return pii_names[i].name;
  return NULL;
}

unsigned
xj_pii_from_name (const char *name)
{
  for (size_t i = 0; i < sizeof pii_names / sizeof pii_names[0]; i++)
    if (0 == strcmp (pii_names[i].name, name))
      return pii_names[i].bit;
  return 0;
}

json_t *
xj_pii_json (unsigned bits)
{
  json_t *a = json_array ();

  for (size_t i = 0; i < sizeof pii_names / sizeof pii_names[0]; i++)
    if (bits & pii_names[i].bit)
      json_array_append_new (a, json_string (pii_names[i].name));
  return a;
}

/* ---- search budget ----
   A sliding window: the times of each user's last XJ_SEARCHES_MAX
   searches in a ring.  A search is allowed when the per_minute-th most
   recent one is older than 60 s.  The table holds BUDGET_SLOTS users;
   when full, the user idle longest gives up their slot (to matter, that
   many users would have to search within the same minute). */

#define BUDGET_SLOTS 512
#define WINDOW_MS 60000

struct budget_slot {
  int64_t user_id;                 /* 0 = free */
  int64_t t[XJ_SEARCHES_MAX];      /* ring of search times (ms) */
  unsigned next;                   /* ring index of the next write */
  int64_t last;                    /* time of the latest search */
};

static struct budget_slot slots[BUDGET_SLOTS];
static pthread_mutex_t budget_lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of @user_id, claiming the idlest one if it has none.  Caller
   holds budget_lock. */
static struct budget_slot *
slot_of (int64_t user_id)
{
  size_t h = (size_t) ((uint64_t) user_id * 0x9E3779B97F4A7C15u >> 40)
             % BUDGET_SLOTS;
  struct budget_slot *idlest = NULL;

  for (size_t i = 0; i < BUDGET_SLOTS; i++)
    {
      struct budget_slot *s = &slots[(h + i) % BUDGET_SLOTS];

      if (s->user_id == user_id)
        return s;
      if (0 == s->user_id)
        {
          idlest = s;
          break;
        }
      if (NULL == idlest || s->last < idlest->last)
        idlest = s;
    }
  memset (idlest, 0, sizeof *idlest);
  idlest->user_id = user_id;
  return idlest;
}

/* The budget of @user_id: take one search if @take and one is left.
   True if one was left. */
static bool
budget (int64_t user_id, int per_minute, int64_t now_ms, bool take,
        unsigned *retry_after)
{
  struct budget_slot *s;
  int64_t nth;
  bool ok;

  if (per_minute < 1)
    per_minute = 1;
  if (per_minute > XJ_SEARCHES_MAX)
    per_minute = XJ_SEARCHES_MAX;
  if (user_id <= 0)
    user_id = -1;  /* the CLI and the system share one budget */
  pthread_mutex_lock (&budget_lock);
  s = slot_of (user_id);
  /* the per_minute-th most recent search (0 = never) */
  nth = s->t[(s->next + XJ_SEARCHES_MAX - (unsigned) per_minute)
             % XJ_SEARCHES_MAX];
  ok = 0 == nth || now_ms - nth >= WINDOW_MS;
  if (ok && take)
    {
      s->t[s->next] = now_ms > 0 ? now_ms : 1;
      s->next = (s->next + 1) % XJ_SEARCHES_MAX;
      s->last = now_ms;
    }
  *retry_after = ok ? 0 : (unsigned) ((WINDOW_MS - (now_ms - nth) + 999)
                                      / 1000);
  pthread_mutex_unlock (&budget_lock);
  if (! ok && 0 == *retry_after)
    *retry_after = 1;
  return ok;
}

bool
xj_search_budget_take (int64_t user_id, int per_minute, int64_t now_ms,
                       unsigned *retry_after)
{
  return budget (user_id, per_minute, now_ms, true, retry_after);
}

bool
xj_search_budget_left (int64_t user_id, int per_minute, int64_t now_ms,
                       unsigned *retry_after)
{
  return budget (user_id, per_minute, now_ms, false, retry_after);
}
