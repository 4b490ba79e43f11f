/* flows.c -- flows of students (flows.h): the moves flows_store.c reads,
 * each placed at an origin and a destination node of the chosen level
 * and a direction relative to the caller's scope, then counted (report,
 * summary) or listed (the students behind a figure); and the follow-up
 * list of students who left without a completed procedure.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "core/util.h"
#include "flows/flows.h"
#include "student/student.h"
#include "zone/zone.h"

#define OUTSIDE "outside"
#define OUTSIDE_NAME "系统外（去向不明）"

/* The flow types: the change type or progressions kind, its key here and
   its label. */
static const struct {
  const char *db, *key, *zh;
} types[] = {
  { "transfer_in", "transfer", "转学" },
  { "promote", "promote", "升学" },
  { "reenter", "reenter", "重新入学" },
  { "withdraw", "withdraw", "退学" },
  { "abroad", "abroad", "出国(境)" },
  { "death", "death", "死亡" },
  { "leave", "leave", "其他离校" },
  { "cancel", "cancel", "注销" },
};
#define NTYPES (sizeof types / sizeof types[0])

static const char *const levels[] = { "school", "county", "city",
                                      "province" };
static const char *const directions[] = { "out", "in", "internal" };

static bool
one_of (const char *v, const char *const *set, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (0 == strcmp (v, set[i]))
      return true;
  return false;
}

static const char *
type_key (const char *db)
{
  for (size_t i = 0; i < NTYPES; i++)
    if (0 == strcmp (db, types[i].db))
      return types[i].key;
  return db;
}

static const char *
type_zh (const char *key)
{
  for (size_t i = 0; i < NTYPES; i++)
    if (0 == strcmp (key, types[i].key))
      return types[i].zh;
  return key;
}

static bool
empty (const char *s)
{
  return NULL == s || '\0' == *s;
}

/* ---- the filter ---- */

/* "YYYY-MM-DD" naming a real date, as YYYYMMDD; 0 otherwise. */
static int
real_date (const char *s)
{
  int ymd = xj_ymd_parse (s);
  int y, m, d;

  if (0 == ymd || strlen (s) != 10)
    return 0;
  xj_civil_from_days (xj_days_from_civil (ymd / 10000, ymd / 100 % 100,
                                          ymd % 100), &y, &m, &d);
  return y * 10000 + m * 100 + d == ymd ? ymd : 0;
}

enum xj_err
xj_flows_filter_check (struct xj_flows_filter *f, const char *from,
                       const char *to, const char **field)
{
  int today = xj_cal_today ();
  int sy = today / 10000 - (today / 100 % 100 < 9 ? 1 : 0);
  int a = from ? real_date (from) : sy * 10000 + 901;
  int b = to ? real_date (to) : (sy + 1) * 10000 + 831;
  size_t ntypes = 0;
  const char *tkeys[NTYPES];

  *field = 0 == a ? "from" : 0 == b || b < a ? "to" : NULL;
  if (NULL != *field)
    return XJ_E_BAD_PARAM;
  xj_ymd_format (a, f->from);
  xj_ymd_format (b, f->to);
  if (empty (f->level))
    f->level = "county";
  for (size_t i = 0; i < NTYPES; i++)
    tkeys[ntypes++] = types[i].key;
  if (! one_of (f->level, levels, 4))
    *field = "level";
  else if (! empty (f->type) && ! one_of (f->type, tkeys, ntypes))
    *field = "type";
  else if (! empty (f->direction) && ! one_of (f->direction, directions, 3))
    *field = "direction";
  return NULL == *field ? XJ_E_OK : XJ_E_BAD_PARAM;
}

/* ---- one move, placed ---- */

struct place {
  char origin[16], destination[16];
  const char *origin_name, *destination_name;  /* school level only */
  const char *dir;
  const char *type;
  char reason[32];
  char month[8];
  char date[12];
};

static bool
in_scope (const struct xj_scope *sc, int64_t school, const char *county)
{
  size_t n = strlen (sc->prefix);

  return 0 != school && 0 == strncmp (county, sc->prefix, n)
         && (0 == sc->school_id || school == sc->school_id);
}

/* The node of school @code in county @county at @level into @out. */
static void
node_of (const char *level, const char *code, const char *county,
         char out[16])
{
  if ('\0' == code[0])
    xj_snprintf (out, 16, "%s", OUTSIDE);
  else if (0 == strcmp (level, "school"))
    xj_snprintf (out, 16, "%s", code);
  else if (0 == strcmp (level, "city"))
    xj_snprintf (out, 16, "%.4s00", county);
  else if (0 == strcmp (level, "province"))
    xj_snprintf (out, 16, "%.2s0000", county);
  else
    xj_snprintf (out, 16, "%.6s", county);
}

static void
reason_of (const char *payload, char out[32])
{
  json_t *p = '\0' == payload[0] ? NULL : json_loads (payload, 0, NULL);
  const char *c = json_string_value (json_object_get (p, "reason_code"));

  xj_snprintf (out, 32, "%s", c && *c ? c : "unspecified");
  json_decref (p);
}

static void
place_of (const struct xj_scope *sc, const char *level,
          const struct xj_flow_row *m, struct place *p)
{
  bool from_in = in_scope (sc, m->from_school, m->from_county);
  bool to_in = in_scope (sc, m->to_school, m->to_county);

  node_of (level, m->from_code, m->from_county, p->origin);
  node_of (level, m->to_code, m->to_county, p->destination);
  p->origin_name = m->from_name;
  p->destination_name = '\0' == m->to_code[0] ? OUTSIDE_NAME : m->to_name;
  p->dir = from_in && to_in ? "internal" : from_in ? "out" : "in";
  p->type = type_key (m->type);
  reason_of (m->payload, p->reason);
  xj_snprintf (p->date, sizeof p->date, "%.10s", m->at);
  xj_snprintf (p->month, sizeof p->month, "%.7s", m->at);
}

static bool
eq_or_any (const char *want, const char *have)
{
  return empty (want) || 0 == strcmp (want, have);
}

static bool
place_matches (const struct xj_flows_filter *f, const struct place *p,
               const char *grade)
{
  return eq_or_any (f->type, p->type) && eq_or_any (f->grade, grade)
         && eq_or_any (f->origin, p->origin)
         && eq_or_any (f->destination, p->destination)
         && eq_or_any (f->month, p->month)
         && eq_or_any (f->direction, p->dir);
}

/* The bounds of the range as timestamps: [from, to + 1 day). */
static void
range_ts (const struct xj_flows_filter *f, char a[12], char b[12])
{
  xj_snprintf (a, 12, "%s", f->from);
  xj_ymd_format (xj_ymd_add_days (xj_ymd_parse (f->to), 1), b);
}

/* ---- names of nodes ---- */

/* The name of node @key at @level (a school's own name @school_name). */
static const char *
node_name (struct xj_db *db, json_t *cache, const char *level,
           const char *key, const char *school_name)
{
  json_t *v = json_object_get (cache, key);
  char name[256];

  if (0 == strcmp (key, OUTSIDE))
    return OUTSIDE_NAME;
  if (0 == strcmp (level, "school"))
    return school_name;
  if (NULL == v)
    {
      if (XJ_E_OK != xj_fls_region_name (db, key, name, sizeof name))
        name[0] = '\0';
      v = json_string ('\0' == name[0] ? key : name);
      json_object_set_new (cache, key, v);
    }
  return json_string_value (v);
}

/* ---- the report ---- */

static int
str_cmp (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

struct report {
  struct xj_db *db;
  const struct xj_scope *sc;
  const struct xj_flows_filter *f;
  json_t *names;            /* node key -> name */
  json_t *links;            /* "o\td\ttype" -> link object */
  json_t *by[4];            /* type, reason, grade, month: key -> counts */
  int64_t totals[3];        /* out, in, internal */
};

static int
dir_index (const char *dir)
{
  return 0 == strcmp (dir, "out") ? 0 : 0 == strcmp (dir, "in") ? 1 : 2;
}

static void
count_in (json_t *by, const char *key, const char *dir)
{
  json_t *o = json_object_get (by, key);

  if (NULL == o)
    {
      o = json_pack ("{s:s, s:i, s:i, s:i}", "key", key, "out", 0, "in", 0,
                     "internal", 0);
      json_object_set_new (by, key, o);
    }
  json_object_set_new (o, dir, json_integer (json_integer_value (
                                 json_object_get (o, dir)) + 1));
}

static void
link_add (struct report *rp, const struct place *p)
{
  const char *level = rp->f->level;
  char key[64];
  json_t *l;

  xj_snprintf (key, sizeof key, "%s\t%s\t%s", p->origin, p->destination,
               p->type);
  l = json_object_get (rp->links, key);
  if (NULL == l)
    {
      l = json_pack (
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "origin", p->origin,
        "origin_name",
        node_name (rp->db, rp->names, level, p->origin, p->origin_name),
        "destination", p->destination, "destination_name",
        node_name (rp->db, rp->names, level, p->destination,
                   p->destination_name),
        "type", p->type, "direction", p->dir, "count", 0);
      json_object_set_new (rp->links, key, l);
    }
  json_object_set_new (l, "count", json_integer (json_integer_value (
                                     json_object_get (l, "count")) + 1));
}

static void
report_move (void *cls, const struct xj_flow_row *m)
{
  struct report *rp = cls;
  struct place p;

  place_of (rp->sc, rp->f->level, m, &p);
  if (! place_matches (rp->f, &p, m->grade))
    return;
  rp->totals[dir_index (p.dir)]++;
  link_add (rp, &p);
  count_in (rp->by[0], p.type, p.dir);
  count_in (rp->by[1], p.reason, p.dir);
  count_in (rp->by[2], m->grade, p.dir);
  count_in (rp->by[3], p.month, p.dir);
}

/* Count descending, then by origin, destination, type or key, so that
   equal counts come in the same order every time. */
static int
by_count_desc (const void *a, const void *b)
{
  json_t *x = *(json_t *const *) a, *y = *(json_t *const *) b;
  json_int_t cx = json_integer_value (json_object_get (x, "count"));
  json_int_t cy = json_integer_value (json_object_get (y, "count"));
  static const char *const ties[] = { "origin", "destination", "type",
                                      "key" };

  if (cx != cy)
    return cx < cy ? 1 : -1;
  for (size_t i = 0; i < 4; i++)
    {
      const char *sx = json_string_value (json_object_get (x, ties[i]));
      const char *sy = json_string_value (json_object_get (y, ties[i]));
      int c = strcmp (sx ? sx : "", sy ? sy : "");

      if (c)
        return c;
    }
  return 0;
}

static json_t *
values_sorted (json_t *o, int (*cmp) (const void *, const void *))
{
  size_t n = json_object_size (o), i = 0;
  const char **keys = xj_calloc (n ? n : 1, sizeof *keys);
  json_t **vals = xj_calloc (n ? n : 1, sizeof *vals);
  json_t *out = json_array (), *v;
  const char *k;

  json_object_foreach (o, k, v)
    keys[i++] = k;
  qsort (keys, n, sizeof *keys, &str_cmp);
  for (i = 0; i < n; i++)
    vals[i] = json_object_get (o, keys[i]);
  if (cmp)
    qsort (vals, n, sizeof *vals, cmp);
  for (i = 0; i < n; i++)
    json_array_append (out, vals[i]);
  free (keys);
  free (vals);
  return out;
}

static void
report_fini (struct report *rp)
{
  json_decref (rp->names);
  json_decref (rp->links);
  for (int i = 0; i < 4; i++)
    json_decref (rp->by[i]);
}

/* Read and count the moves into @rp (caller finis it). */
static enum xj_err
report_run (struct xj_db *db, const struct xj_scope *scope,
            const struct xj_flows_filter *f, struct report *rp)
{
  char a[12], b[12];

  memset (rp, 0, sizeof *rp);
  rp->db = db;
  rp->sc = scope;
  rp->f = f;
  rp->names = json_object ();
  rp->links = json_object ();
  for (int i = 0; i < 4; i++)
    rp->by[i] = json_object ();
  range_ts (f, a, b);
  return xj_fls_moves (db, scope, a, b, &report_move, rp);
}

static json_t *
totals_json (const int64_t t[3])
{
  return json_pack ("{s:I, s:I, s:I, s:I}", "out", (json_int_t) t[0], "in",
                    (json_int_t) t[1], "internal", (json_int_t) t[2],
                    "total", (json_int_t) (t[0] + t[1] + t[2]));
}

/* by_type with each type's label */
static json_t *
by_type_json (json_t *by)
{
  json_t *a = values_sorted (by, NULL), *v;
  size_t i;

  json_array_foreach (a, i, v)
    json_object_set_new (v, "label", json_string (type_zh (
                                       json_string_value (json_object_get (
                                         v, "key")))));
  return a;
}

enum xj_err
xj_flows_report (struct xj_db *db, const struct xj_scope *scope,
                 const struct xj_flows_filter *f, json_t **out)
{
  struct report rp;
  enum xj_err e = report_run (db, scope, f, &rp);

  *out = NULL;
  if (XJ_E_OK == e)
    *out = json_pack (
      "{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "from", f->from, "to",
      f->to, "level", f->level, "totals", totals_json (rp.totals), "links",
      values_sorted (rp.links, &by_count_desc), "by_type",
      by_type_json (rp.by[0]), "by_reason", values_sorted (rp.by[1], NULL),
      "by_grade", values_sorted (rp.by[2], NULL), "by_month",
      values_sorted (rp.by[3], NULL));
  report_fini (&rp);
  return e;
}

/* ---- the students behind a figure ---- */

struct drill {
  struct report rp;
  int64_t limit, offset, total;
  json_t *items;
  void (*cb) (void *cls, int64_t student_id);   /* ids only */
  void *cls;
};

static json_t *
drill_item (struct drill *d, const struct xj_flow_row *m,
            const struct place *p)
{
  const char *level = d->rp.f->level;
  char masked[64];

  xj_mask (XJ_MASK_REGISTRY_NO, m->registry_no, masked, sizeof masked);
  return json_pack (
    "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, "
    "s:s, s:I, s:s}",
    "student_id", (json_int_t) m->student_id, "name", m->name,
    "registry_no", masked, "grade", m->grade, "type", p->type, "reason",
    p->reason, "date", p->date, "direction", p->dir, "origin", p->origin,
    "origin_name",
    node_name (d->rp.db, d->rp.names, level, p->origin, p->origin_name),
    "destination", p->destination, "destination_name",
    node_name (d->rp.db, d->rp.names, level, p->destination,
               p->destination_name),
    "from_school_id", (json_int_t) m->from_school, "from_school",
    m->from_name, "to_school_id", (json_int_t) m->to_school, "to_school",
    '\0' == m->to_code[0] ? OUTSIDE_NAME : m->to_name);
}

static void
drill_move (void *cls, const struct xj_flow_row *m)
{
  struct drill *d = cls;
  struct place p;

  place_of (d->rp.sc, d->rp.f->level, m, &p);
  if (! place_matches (d->rp.f, &p, m->grade))
    return;
  if (d->cb)
    d->cb (d->cls, m->student_id);
  else if (d->total >= d->offset && d->total < d->offset + d->limit)
    json_array_append_new (d->items, drill_item (d, m, &p));
  d->total++;
}

/* The moves of @scope matching @d->rp.f through drill_move. */
static enum xj_err
drill_run (struct xj_db *db, const struct xj_scope *scope,
           const struct xj_flows_filter *f, struct drill *d)
{
  char a[12], b[12];
  enum xj_err e;

  d->rp.db = db;
  d->rp.sc = scope;
  d->rp.f = f;
  d->rp.names = json_object ();
  range_ts (f, a, b);
  e = xj_fls_moves (db, scope, a, b, &drill_move, d);
  json_decref (d->rp.names);
  return e;
}

enum xj_err
xj_flows_students (struct xj_db *db, const struct xj_scope *scope,
                   const struct xj_flows_filter *f, int64_t limit,
                   int64_t offset, json_t **out)
{
  struct drill d = { .limit = limit, .offset = offset,
                     .items = json_array () };
  enum xj_err e = drill_run (db, scope, f, &d);

  *out = NULL;
  if (XJ_E_OK == e)
    *out = json_pack ("{s:I, s:O}", "total", (json_int_t) d.total, "items",
                      d.items);
  json_decref (d.items);
  return e;
}

enum xj_err
xj_flows_student_ids (struct xj_db *db, const struct xj_scope *scope,
                      const struct xj_flows_filter *f,
                      void (*cb) (void *cls, int64_t student_id), void *cls)
{
  struct drill d = { .cb = cb, .cls = cls };

  return drill_run (db, scope, f, &d);
}

/* ---- the follow-up list ---- */

struct followup {
  int today;                /* YYYYMMDD */
  int days;                 /* the setting */
  json_t *items;
  int64_t in_cases;
};

static long
days_between (int from_ymd, int to_ymd)
{
  return xj_days_from_civil (to_ymd / 10000, to_ymd / 100 % 100, to_ymd % 100)
         - xj_days_from_civil (from_ymd / 10000, from_ymd / 100 % 100,
                               from_ymd % 100);
}

static void
followup_add (void *cls, const struct xj_followup_row *r)
{
  struct followup *fu = cls;
  int since = xj_ymd_parse (r->since);
  long waited = days_between (since, fu->today);
  char masked[64];

  if (0 == since || waited <= fu->days)
    return;
  if (r->open_cases > 0)
    {
      fu->in_cases++;
      return;
    }
  xj_mask (XJ_MASK_REGISTRY_NO, r->registry_no, masked, sizeof masked);
  json_array_append_new (
    fu->items,
    json_pack ("{s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:I, s:s, "
               "s:I}",
               "kind", type_key (r->kind), "student_id",
               (json_int_t) r->student_id, "name", r->name, "registry_no",
               masked, "grade", r->grade, "school_id",
               (json_int_t) r->school_id, "school_name", r->school_name,
               "to_school_id", (json_int_t) r->to_school_id,
               "to_school_name", r->to_school_name, "request_id",
               (json_int_t) r->request_id, "since", r->since, "days_waited",
               (json_int_t) waited));
}

static int
by_waited_desc (const void *a, const void *b)
{
  json_int_t x = json_integer_value (json_object_get (*(json_t **) a,
                                                      "days_waited"));
  json_int_t y = json_integer_value (json_object_get (*(json_t **) b,
                                                      "days_waited"));
  json_int_t sx = json_integer_value (json_object_get (*(json_t **) a,
                                                       "student_id"));
  json_int_t sy = json_integer_value (json_object_get (*(json_t **) b,
                                                       "student_id"));

  if (x != y)
    return x < y ? 1 : -1;
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

/* @a sorted in place by @cmp. */
static void
array_sort (json_t *a, int (*cmp) (const void *, const void *))
{
  size_t n = json_array_size (a);
  json_t **v = xj_calloc (n ? n : 1, sizeof *v);

  for (size_t i = 0; i < n; i++)
    v[i] = json_incref (json_array_get (a, i));
  qsort (v, n, sizeof *v, cmp);
  json_array_clear (a);
  for (size_t i = 0; i < n; i++)
    json_array_append_new (a, v[i]);
  free (v);
}

enum xj_err
xj_flows_followup (struct xj_db *db, const struct xj_scope *scope,
                   json_t **out)
{
  struct xj_change_settings set;
  struct followup fu = { .today = xj_cal_today (), .items = json_array () };
  char cutoff[12], today[12];
  enum xj_err e = xj_change_settings_get (db, &set);

  *out = NULL;
  fu.days = set.followup_days;
  xj_ymd_format (xj_ymd_add_days (fu.today, -fu.days), cutoff);
  if (XJ_E_OK == e)
    e = xj_fls_followup (db, scope, cutoff, &followup_add, &fu);
  if (XJ_E_OK != e)
    {
      json_decref (fu.items);
      return e;
    }
  array_sort (fu.items, &by_waited_desc);
  xj_ymd_format (fu.today, today);
  *out = json_pack ("{s:i, s:s, s:o, s:I}", "days", fu.days, "today", today,
                    "items", fu.items, "in_dropout_cases",
                    (json_int_t) fu.in_cases);
  return XJ_E_OK;
}

/* ---- the dashboard's panel ---- */

/* The @n largest nodes on one side (@side "origin" / "destination") of
   the links in direction @dir. */
static json_t *
top_nodes (json_t *links, const char *dir, const char *side, size_t n)
{
  json_t *acc = json_object (), *l, *out, *sorted;
  char name_key[32];
  size_t i;

  xj_snprintf (name_key, sizeof name_key, "%s_name", side);
  json_array_foreach (links, i, l)
    {
      const char *k = json_string_value (json_object_get (l, side));
      json_t *o = json_object_get (acc, k);

      if (0 != strcmp (dir, json_string_value (json_object_get (
                              l, "direction"))))
        continue;
      if (NULL == o)
        {
          o = json_pack ("{s:s, s:O, s:i}", "key", k, "name",
                         json_object_get (l, name_key), "count", 0);
          json_object_set_new (acc, k, o);
        }
      json_object_set_new (o, "count",
                           json_integer (json_integer_value (json_object_get (
                                           o, "count"))
                                         + json_integer_value (
                                           json_object_get (l, "count"))));
    }
  sorted = values_sorted (acc, &by_count_desc);
  out = json_array ();
  for (i = 0; i < n && i < json_array_size (sorted); i++)
    json_array_append (out, json_array_get (sorted, i));
  json_decref (sorted);
  json_decref (acc);
  return out;
}

static enum xj_err
summary_extras (struct xj_db *db, const struct xj_scope *scope,
                const struct xj_flows_filter *f, json_t *out)
{
  json_t *fu = NULL, *choice = NULL;
  enum xj_err e = xj_flows_followup (db, scope, &fu);

  if (XJ_E_OK != e)
    return e;
  json_object_set_new (out, "followup",
                       json_integer ((json_int_t) json_array_size (
                         json_object_get (fu, "items"))));
  json_decref (fu);
  if (0 != scope->school_id)
    return XJ_E_OK;
  e = xj_school_choice_json (db, scope->prefix, xj_ymd_parse (f->to) / 10000, &choice);
  if (XJ_E_OK == e)
    json_object_set_new (out, "school_choice", choice);
  return e;
}

enum xj_err
xj_flows_summary (struct xj_db *db, const struct xj_scope *scope,
                  const char *from, const char *to, json_t **out)
{
  struct xj_flows_filter f = { .level = 0 != scope->school_id ? "school"
                                                                : "county" };
  const char *field;
  json_t *rep = NULL;
  enum xj_err e = xj_flows_filter_check (&f, from, to, &field);

  *out = NULL;
  if (XJ_E_OK == e)
    e = xj_flows_report (db, scope, &f, &rep);
  if (XJ_E_OK != e)
    return e;
  *out = json_pack (
    "{s:s, s:s, s:O, s:O, s:o, s:o}", "from", f.from, "to", f.to, "totals",
    json_object_get (rep, "totals"), "by_type",
    json_object_get (rep, "by_type"), "top_origins",
    top_nodes (json_object_get (rep, "links"), "in", "origin", 5),
    "top_destinations",
    top_nodes (json_object_get (rep, "links"), "out", "destination", 5));
  json_decref (rep);
  e = summary_extras (db, scope, &f, *out);
  if (XJ_E_OK != e)
    {
      json_decref (*out);
      *out = NULL;
    }
  return e;
}
