/* identity.c -- the duplicate check over every identity the registry holds
 * and the county-wide scan for suspected duplicates (一人一籍).
 *
 * Rules only: the SQL is in identity_store.c.  Runs inside the caller's
 * transaction; never replies.  docs/internals/identity.md.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "student/identity.h"
#include "student/student_json.h"
#include "student/student_store.h"

bool
xj_identity_is_rebuild (const struct xj_student *s)
{
  return 0 != strcmp (s->grade, "11");
}

static void
add_hit (struct xj_identity_hits *out, int64_t id, int64_t school,
         const char *status, enum xj_identity_match m)
{
  for (size_t i = 0; i < out->n; i++)
    if (out->h[i].student_id == id)
      return;
  if (out->n >= XJ_IDENTITY_MAX_HITS)
    return;
  out->h[out->n].student_id = id;
  out->h[out->n].school_id = school;
  xj_strlcpy (out->h[out->n].status, status, sizeof out->h[0].status);
  out->h[out->n].match = m;
  out->n++;
}

static void
id_hit (void *cls, int64_t id, int64_t school, const char *status,
        const char *how)
{
  add_hit (cls, id, school, status,
           0 == strcmp (how, "id") ? XJ_MATCH_ID : XJ_MATCH_FORMER);
}

/* Do @a and @b share a guardian phone or a guardian ID number? */
static bool
share_guardian (const struct xj_student *a, const struct xj_student *b)
{
  for (int i = 0; i < XJ_GUARDIANS; i++)
    for (int k = 0; k < XJ_GUARDIANS; k++)
      {
        const struct xj_guardian *ga = &a->guardians[i];
        const struct xj_guardian *gb = &b->guardians[k];

        if (ga->phone[0] && 0 == strcmp (ga->phone, gb->phone))
          return true;
        if (ga->id_no[0] && 0 == strcmp (ga->id_no, gb->id_no))
          return true;
      }
  return false;
}

static bool
has_guardian_key (const struct xj_student *s)
{
  for (int i = 0; i < XJ_GUARDIANS; i++)
    if (s->guardians[i].phone[0] || s->guardians[i].id_no[0])
      return true;
  return false;
}

/* The records with @s's ID number, as ID or former number; when the
   caller checked the ID itself, only the former numbers it cannot rule
   out. */
static enum xj_err
check_id (struct xj_db *db, const struct xj_student *s,
          const struct xj_identity_src *src, struct xj_identity_hits *out)
{
  if (! s->id_no[0])
    return XJ_E_OK;
  if (NULL == src || ! src->id_checked)
    return xj_identity_find_id (db, s->id_no, s->id, &id_hit, out);
  if (src->no_former)
    return XJ_E_OK;
  return xj_identity_find_former (db, s->id_no, s->id, &id_hit, out);
}

enum xj_err
xj_identity_check_src (struct xj_db *db, const struct xj_student *s,
                       const struct xj_identity_src *src,
                       struct xj_identity_hits *out)
{
  int64_t buf[50];
  const int64_t *ids = buf;
  size_t n = 0;
  struct xj_student *o;
  enum xj_err e;

  if (XJ_E_OK != (e = check_id (db, s, src, out)))
    return e;
  if (! has_guardian_key (s) || ! s->name[0] || ! s->birth_date[0])
    return XJ_E_OK;
  if (src && src->same_given)
    {
      ids = src->same;
      n = src->nsame;
    }
  else if (XJ_E_OK != (e = xj_identity_same_name_birth (
                         db, s->name, s->birth_date, s->id, buf,
                         sizeof buf / sizeof buf[0], &n)))
    return e;
  if (0 == n)
    return XJ_E_OK;
  o = xj_malloc (sizeof *o);
  for (size_t i = 0; i < n && XJ_E_OK == e; i++)
    {
      if (ids[i] == s->id)
        continue;
      e = xj_student_load (db, ids[i], o);
      if (XJ_E_OK == e && share_guardian (s, o))
        add_hit (out, o->id, o->school_id, o->status, XJ_MATCH_PERSON);
    }
  free (o);
  return e;
}

enum xj_err
xj_identity_check (struct xj_db *db, const struct xj_student *s,
                   struct xj_identity_hits *out)
{
  return xj_identity_check_src (db, s, NULL, out);
}

enum xj_err
xj_identity_admit (struct xj_db *db, const struct xj_student *s,
                   const struct xj_identity_src *src,
                   struct xj_identity_hits *out, int64_t *holder_id,
                   int64_t *holder_school)
{
  enum xj_err e = xj_identity_check_src (db, s, src, out);

  if (XJ_E_OK != e)
    return e;
  for (size_t i = 0; i < out->n; i++)
    if (XJ_MATCH_ID == out->h[i].match)
      {
        *holder_id = out->h[i].student_id;
        *holder_school = out->h[i].school_id;
        return XJ_E_ID_EXISTS;
      }
  if (out->n && xj_identity_is_rebuild (s))
    {
      *holder_id = out->h[0].student_id;
      *holder_school = out->h[0].school_id;
      return XJ_E_DUPLICATE_PERSON;
    }
  return XJ_E_OK;
}

/* ---- one guardian, too many children ---- */

#define GUARDIAN_REASON "监护人身份证件号被过多学生共用"

/* Guardian @i of @s: flag, and warn in @w[*nw], when its ID is over
   @max. */
static enum xj_err
guardian_over (struct xj_db *db, struct xj_student *s, int i, int max,
               const struct xj_identity_sink *k, struct xj_verr *w, int *nw)
{
  const char *g = s->guardians[i].id_no;
  struct xj_verr *v = &w[*nw];
  int64_t n, first;
  bool added;
  enum xj_err e;

  if (! g[0] || (1 == i && 0 == strcmp (g, s->guardians[0].id_no)))
    return XJ_E_OK;
  if (k && k->maybe_over && ! k->maybe_over (k->cls, g, max))
    return XJ_E_OK;   /* certainly not over: no count */
  if (XJ_E_OK != (e = xj_identity_guardian_count (db, g, &n, &first)))
    return e;
  if (n <= max)
    return XJ_E_OK;
  (*nw)++;
  xj_strlcpy (v->field, i ? "g2_id_no" : "g1_id_no", sizeof v->field);
  v->code = XJ_E_GUARDIAN_SHARED;
  xj_snprintf (v->detail, sizeof v->detail,
               "监护人%d的身份证件号已被%lld名在读学生共用（上限%d名）",
               i + 1, (long long) n, max);
  if (first == s->id)
    return XJ_E_OK;
  e = xj_identity_flag (db, first, s->id, GUARDIAN_REASON, &added);
  if (XJ_E_OK == e)
    s->dup_flag = 1;
  return e;
}

/* The guardian rule over @s's guardians: warnings into @w, their number
   in *@nw; @k (may be NULL) spares the counts it can. */
static enum xj_err
guardian_rule (struct xj_db *db, struct xj_student *s, int max,
               const struct xj_identity_sink *k, struct xj_verr *w, int *nw)
{
  enum xj_err e = XJ_E_OK;

  if (max <= 0)
    e = xj_identity_guardian_max (db, &max);
  for (int i = 0; i < XJ_GUARDIANS && XJ_E_OK == e; i++)
    e = guardian_over (db, s, i, max, k, w, nw);
  return e;
}

/* @rules followed by the guardian rule's @nw warnings @w: a copy the
   caller frees. */
static struct xj_verrs *
with_rule (const struct xj_verrs *rules, const struct xj_verr *w, int nw)
{
  struct xj_verrs *all = xj_malloc (sizeof *all);

  *all = *rules;
  for (int i = 0; i < nw && all->n < XJ_VERR_MAX; i++)
    all->e[all->n++] = w[i];
  return all;
}

/* The guardian rule over stored record @s, then @rules (may be NULL)
   with the rule's warnings stored: through @k when given (a new record
   of the import: bulk rows, no count @k can spare), else replacing
   @s's warnings in the registry (@fresh: it has none yet, so none to
   clear when there are none to store). */
static enum xj_err
store_with_rule (struct xj_db *db, struct xj_student *s,
                 const struct xj_verrs *rules, int max, bool fresh,
                 struct xj_identity_sink *k)
{
  static const struct xj_verrs none;
  struct xj_verr w[XJ_GUARDIANS];
  const struct xj_verrs *put;
  struct xj_verrs *all = NULL;
  int nw = 0;
  enum xj_err e;

  if (NULL == rules)
    rules = &none;
  e = guardian_rule (db, s, max, k, w, &nw);
  if (XJ_E_OK != e || (0 == nw && 0 == rules->n && fresh))
    return e;
  /* the common case, no rule warning: no copy of the rules' warnings */
  put = nw ? (all = with_rule (rules, w, nw)) : rules;
  e = k ? xj_identity_sink_warns (k, s->id, s->province, put)
        : xj_identity_set_warnings (db, s, put);
  free (all);
  return e;
}

enum xj_err
xj_identity_store_warnings (struct xj_db *db, struct xj_student *s,
                            const struct xj_verrs *rules, int max,
                            bool fresh)
{
  return store_with_rule (db, s, rules, max, fresh, NULL);
}

enum xj_err
xj_identity_store_new (struct xj_db *db, struct xj_student *s,
                       const struct xj_verrs *rules, int max,
                       struct xj_identity_sink *k)
{
  enum xj_err e = xj_identity_sink_gids (k, s);

  /* a new record has no warnings and no confirmations to carry yet:
     only rows to add */
  return XJ_E_OK != e ? e : store_with_rule (db, s, rules, max, true, k);
}

/* ---- the county-wide scan ---- */

struct scan {
  struct xj_db *db;
  struct xj_identity_scan_result *res;
  struct xj_identity_pairs *out;
  struct xj_student *a, *b;
};

static const char *const pair_reasons[] = {
  [XJ_PAIR_PERSON] = "姓名、出生日期相同且监护人电话或身份证件号相同",
  [XJ_PAIR_GUARDIAN] = "监护人身份证件号被过多学生共用",
};

/* Collect (x, y) to be flagged after the read. */
static enum xj_err
flag_pair (struct scan *sc, int64_t x, int64_t y, enum xj_pair_why why)
{
  struct xj_identity_pairs *p = sc->out;

  if (p->n == p->cap)
    {
      p->cap = p->cap ? 2 * p->cap : 256;
      p->v = xj_realloc (p->v, p->cap * sizeof *p->v);
    }
  p->v[p->n++] = (struct xj_identity_pair) { x, y, why };
  return XJ_E_OK;
}

/* One name + birth-date group "id,id,...": pairs sharing a guardian. */
static enum xj_err
scan_group (void *cls, const char *list)
{
  struct scan *sc = cls;
  int64_t ids[64];
  size_t n = 0;
  enum xj_err e = XJ_E_OK;

  sc->res->groups++;
  for (const char *p = list; *p && n < 64;)
    {
      ids[n++] = strtoll (p, (char **) &p, 10);
      if (',' == *p)
        p++;
    }
  for (size_t i = 0; i < n && XJ_E_OK == e; i++)
    {
      if (XJ_E_OK != (e = xj_student_load (sc->db, ids[i], sc->a)))
        break;
      for (size_t k = i + 1; k < n && XJ_E_OK == e; k++)
        {
          e = xj_student_load (sc->db, ids[k], sc->b);
          if (XJ_E_OK == e && share_guardian (sc->a, sc->b))
            e = flag_pair (sc, ids[i], ids[k], XJ_PAIR_PERSON);
        }
    }
  return e;
}

/* Guardian ID -> the children holding it, for the "too many children"
   rule: an open-addressing table of (hash, first child, count). */
struct gslot {
  uint64_t h;
  int64_t first;
  uint32_t count;
  bool flagged;
};

struct gtab {
  struct gslot *v;
  size_t cap, n;
  struct xj_student *tmp;
  struct scan *sc;
  int max;
  enum xj_err e;
};

static uint64_t
fnv (const char *s)
{
  uint64_t h = 1469598103934665603ULL;

  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ULL;
  return h ? h : 1;
}

static struct gslot *
gtab_get (struct gtab *t, uint64_t h)
{
  size_t i;

  if (2 * (t->n + 1) > t->cap)
    {
      struct gslot *old = t->v;
      size_t ocap = t->cap;

      t->cap = t->cap ? 2 * t->cap : 1024;
      t->v = xj_calloc (t->cap, sizeof *t->v);
      t->n = 0;
      for (size_t k = 0; k < ocap; k++)
        if (old[k].h)
          {
            *gtab_get (t, old[k].h) = old[k];
          }
      free (old);
    }
  for (i = h & (t->cap - 1); t->v[i].h && t->v[i].h != h;
       i = (i + 1) & (t->cap - 1))
    ;
  if (0 == t->v[i].h)
    {
      t->v[i].h = h;
      t->n++;
    }
  return &t->v[i];
}

static void
guardian_row (void *cls, int64_t id, const void *data, size_t len)
{
  struct gtab *t = cls;

  if (XJ_E_OK != t->e)
    return;
  xj_student_init (t->tmp);
  if (XJ_E_OK != xj_student_data_load (t->tmp, data, len))
    return;
  for (int i = 0; i < XJ_GUARDIANS; i++)
    {
      const char *g = t->tmp->guardians[i].id_no;
      struct gslot *sl;

      if (! g[0] || (1 == i && 0 == strcmp (g, t->tmp->guardians[0].id_no)))
        continue;
      sl = gtab_get (t, fnv (g));
      if (0 == sl->count++)
        sl->first = id;
      if (sl->count > (uint32_t) t->max && ! sl->flagged)
        {
          sl->flagged = true;
          t->sc->res->guardians++;
        }
      if (sl->count > (uint32_t) t->max)
        t->e = flag_pair (t->sc, sl->first, id, XJ_PAIR_GUARDIAN);
    }
}

enum xj_err
xj_identity_scan_collect (struct xj_db *db, const char *county,
                          int guardian_max, bool with_baseline,
                          struct xj_identity_scan_result *res,
                          struct xj_identity_pairs *out)
{
  struct scan sc = { db, res, out, NULL, NULL };
  struct gtab gt = { 0 };
  enum xj_err e;

  memset (res, 0, sizeof *res);
  if (guardian_max <= 0
      && XJ_E_OK != (e = xj_identity_guardian_max (db, &guardian_max)))
    return e;
  sc.a = xj_malloc (sizeof *sc.a);
  sc.b = xj_malloc (sizeof *sc.b);
  e = xj_identity_scan_groups (db, county, &scan_group, &sc);
  if (XJ_E_OK == e && guardian_max > 0)
    {
      gt.tmp = sc.a;
      gt.sc = &sc;
      gt.max = guardian_max;
      e = xj_identity_county_data (db, county, &guardian_row, &gt);
      if (XJ_E_OK == e)
        e = gt.e;
    }
  if (XJ_E_OK == e && with_baseline)
    {
      int64_t g = 0;

      e = xj_identity_scan_baseline (db, county, &g);
      res->baseline_groups = (uint64_t) g;
    }
  free (gt.v);
  free (sc.a);
  free (sc.b);
  return e;
}

enum xj_err
xj_identity_scan_apply (struct xj_db *db, const char *county,
                        const struct xj_identity_pairs *pairs,
                        const struct xj_actor *a,
                        struct xj_identity_scan_result *res)
{
  char detail[200];
  enum xj_err e = XJ_E_OK;

  res->pairs = 0;
  for (size_t i = 0; i < pairs->n && XJ_E_OK == e; i++)
    {
      const struct xj_identity_pair *p = &pairs->v[i];
      bool added;

      e = xj_identity_flag (db, p->a, p->b, pair_reasons[p->why], &added);
      if (XJ_E_OK == e && added)
        res->pairs++;
    }
  if (XJ_E_OK != e)
    return e;
  xj_snprintf (detail, sizeof detail,
               "{\"county\":\"%s\",\"groups\":%llu,\"pairs\":%llu,"
               "\"guardians\":%llu}", county,
               (unsigned long long) res->groups,
               (unsigned long long) res->pairs,
               (unsigned long long) res->guardians);
  return xj_audit_append (db, a, "duplicate.scan", "county", county, NULL,
                          detail);
}

void
xj_identity_pairs_fini (struct xj_identity_pairs *p)
{
  free (p->v);
  memset (p, 0, sizeof *p);
}

enum xj_err
xj_identity_scan (struct xj_db *db, const char *county, int guardian_max,
                  bool with_baseline, const struct xj_actor *a,
                  struct xj_identity_scan_result *res)
{
  struct xj_identity_pairs pairs = { 0 };
  enum xj_err e = xj_identity_scan_collect (db, county, guardian_max,
                                            with_baseline, res, &pairs);

  if (XJ_E_OK == e)
    e = xj_identity_scan_apply (db, county, &pairs, a, res);
  xj_identity_pairs_fini (&pairs);
  return e;
}
