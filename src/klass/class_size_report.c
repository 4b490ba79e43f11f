/* class_size_report.c -- the class-size page's figures: every school of a
 * scope with its classes banded (live), and the band counts at past term
 * starts (as of the date, from the placement history).  No SQL: the
 * store (class_size_store.c) reads, this file counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "klass/class_size.h"
#include "validate/codes.h"

/* Settings per county, loaded once each. */
struct set_cache {
  struct xj_db *db;
  char county[16][8];
  struct xj_cs_settings set[16];
  size_t n;
  struct xj_cs_settings fallback;
  enum xj_err err;
};

static const struct xj_cs_settings *
settings_of (struct set_cache *c, const char *county)
{
  for (size_t i = 0; i < c->n; i++)
    if (0 == strcmp (c->county[i], county))
      return &c->set[i];
  if (c->n == 16)
    {
      /* more counties than a bureau report holds: load each time */
      enum xj_err e = xj_cs_settings_get (c->db, county, &c->fallback);

      if (XJ_E_OK != e)
        c->err = e;
      return &c->fallback;
    }
  xj_strlcpy (c->county[c->n], county, sizeof c->county[0]);
  if (XJ_E_OK != xj_cs_settings_get (c->db, county, &c->set[c->n]))
    c->err = XJ_E_DB;
  return &c->set[c->n++];
}

static json_t *
band_counts (void)
{
  json_t *o = json_object ();

  for (int b = 0; b < XJ_BAND_N; b++)
    json_object_set_new (o, xj_cs_band_name ((enum xj_band) b),
                         json_integer (0));
  return o;
}

static void
count_band (json_t *holder, enum xj_band b)
{
  json_t *counts = json_object_get (holder, "counts");
  json_t *v = json_object_get (counts, xj_cs_band_name (b));

  json_integer_set (v, json_integer_value (v) + 1);
  v = json_object_get (holder, "classes_n");
  json_integer_set (v, json_integer_value (v) + 1);
}

static json_t *
holder_new (void)
{
  return json_pack ("{s:o, s:i}", "counts", band_counts (), "classes_n", 0);
}

/* classes_n, counts -> large_share (classes at or over 大班额 / classes) */
static void
holder_share (json_t *h)
{
  json_t *c = json_object_get (h, "counts");
  json_int_t n = json_integer_value (json_object_get (h, "classes_n"));
  json_int_t l = json_integer_value (json_object_get (c, "large"))
                 + json_integer_value (json_object_get (c, "super"));

  json_object_set_new (h, "large_share",
                       json_real (n ? (double) l / (double) n : 0.0));
}

/* ---- the live report ---- */

struct rep {
  struct set_cache sc;
  json_t *schools;   /* array, in code order */
  json_t *by_id;     /* "id" -> the school's object */
  json_t *total;
  char cur_county[8];
};

static json_t *
school_obj (struct rep *p, int64_t id)
{
  char k[24];

  xj_snprintf (k, sizeof k, "%lld", (long long) id);
  return json_object_get (p->by_id, k);
}

static void
rep_school (void *cls, const struct xj_cs_school_row *r)
{
  struct rep *p = cls;
  json_t *o = holder_new ();
  char k[24];

  json_object_set_new (o, "id", json_integer (r->id));
  json_object_set_new (o, "code", json_string (r->code));
  json_object_set_new (o, "name", json_string (r->name));
  json_object_set_new (o, "county_code", json_string (r->county_code));
  json_object_set_new (o, "classes", json_array ());
  json_object_set_new (o, "moves_into_large", json_integer (0));
  json_array_append_new (p->schools, o);
  xj_snprintf (k, sizeof k, "%lld", (long long) r->id);
  json_object_set (p->by_id, k, o);
}

static void
rep_class (void *cls, const struct xj_cs_class_row *r)
{
  struct rep *p = cls;
  json_t *s = school_obj (p, r->school_id);
  const struct xj_cs_settings *set;
  enum xj_band b;
  int std;
  const char *gl = xj_code_zh ("grade", r->grade);

  if (NULL == s)
    return;
  set = settings_of (&p->sc, json_string_value (json_object_get (s,
                                                                 "county_code")));
  b = xj_cs_band (set, r->size);
  std = xj_cs_standard (set, r->grade);
  json_array_append_new (
    json_object_get (s, "classes"),
    json_pack ("{s:I, s:s, s:s, s:s, s:I, s:s, s:i, s:b}", "id",
               (json_int_t) r->id, "grade", r->grade, "grade_label",
               gl ? gl : "", "name", r->name, "size", (json_int_t) r->size,
               "band", xj_cs_band_name (b), "standard", std, "over_standard",
               r->size > std));
  count_band (s, b);
  count_band (p->total, b);
}

static void
rep_moves (void *cls, int64_t school_id, int64_t n)
{
  struct rep *p = cls;
  json_t *s = school_obj (p, school_id);
  json_t *t = json_object_get (p->total, "moves_into_large");

  if (s)
    json_object_set_new (s, "moves_into_large", json_integer (n));
  json_integer_set (t, json_integer_value (t) + n);
}

enum xj_err
xj_class_sizes_report (struct xj_db *db, const struct xj_cs_scope *sc,
                       const char *year_start, json_t **out)
{
  struct rep p = { .sc = { .db = db }, .schools = json_array (),
                   .by_id = json_object (), .total = holder_new () };
  enum xj_err e;
  size_t i;
  json_t *s;

  json_object_set_new (p.total, "moves_into_large", json_integer (0));
  e = xj_cs_schools (db, sc, &rep_school, &p);
  if (XJ_E_OK == e)
    e = xj_cs_classes_live (db, sc, &rep_class, &p);
  if (XJ_E_OK == e)
    e = xj_cs_moves_count (db, sc, year_start, &rep_moves, &p);
  if (XJ_E_OK == e)
    e = p.sc.err;
  json_decref (p.by_id);
  if (XJ_E_OK != e)
    {
      json_decref (p.schools);
      json_decref (p.total);
      return e;
    }
  json_array_foreach (p.schools, i, s)
    holder_share (s);
  holder_share (p.total);
  json_object_set_new (p.total, "schools_n",
                       json_integer ((json_int_t) json_array_size (p.schools)));
  *out = json_pack ("{s:s, s:o, s:o}", "year_start", year_start, "total",
                    p.total, "schools", p.schools);
  return XJ_E_OK;
}

/* ---- the trend: as of each term start ---- */

struct seat {
  int64_t class_id, school_id;
};

struct asof_acc {
  struct seat *v;
  size_t n, cap;
};

static void
asof_row (void *cls, const struct xj_enrol_row *r)
{
  struct asof_acc *a = cls;

  if (0 == r->class_id || 0 != strcmp (r->status, "enrolled"))
    return;
  *XJ_VEC_PUSH (a->v, a->n, a->cap) = (struct seat) { r->class_id,
                                                      r->school_id };
}

static int
seat_cmp (const void *x, const void *y)
{
  const struct seat *a = x, *b = y;

  return (a->class_id > b->class_id) - (a->class_id < b->class_id);
}

struct trend {
  struct set_cache sc;
  const struct xj_cs_scope *scope;
  json_t *points;
  json_t *county_of;   /* "school id" -> county code (from the schools) */
  enum xj_err err;
};

static void
trend_school (void *cls, const struct xj_cs_school_row *r)
{
  struct trend *t = cls;
  char k[24];

  xj_snprintf (k, sizeof k, "%lld", (long long) r->id);
  json_object_set_new (t->county_of, k, json_string (r->county_code));
}

/* One point: the classes' sizes at @date, banded, per school. */
static void
trend_point (void *cls, const char *date, int start_year, int term)
{
  struct trend *t = cls;
  struct asof_acc a = { 0 };
  json_t *schools = json_object (), *total = holder_new ();
  enum xj_err e;

  if (XJ_E_OK != t->err)
    return;
  e = xj_enrol_asof (t->sc.db, t->scope, date, &asof_row, &a);
  if (XJ_E_OK != e)
    t->err = e;
  if (a.n)
    qsort (a.v, a.n, sizeof *a.v, &seat_cmp);
  for (size_t i = 0, j; XJ_E_OK == e && i < a.n; i = j)
    {
      char k[24];
      const char *county;
      json_t *s;
      enum xj_band b;

      for (j = i; j < a.n && a.v[j].class_id == a.v[i].class_id; j++)
        ;
      xj_snprintf (k, sizeof k, "%lld", (long long) a.v[i].school_id);
      county = json_string_value (json_object_get (t->county_of, k));
      b = xj_cs_band (settings_of (&t->sc, county ? county : ""),
                      (int64_t) (j - i));
      if (NULL == (s = json_object_get (schools, k)))
        json_object_set_new (schools, k, s = holder_new ());
      count_band (s, b);
      count_band (total, b);
    }
  free (a.v);
  holder_share (total);
  json_array_append_new (t->points,
                         json_pack ("{s:s, s:i, s:i, s:o, s:o}", "date", date,
                                    "start_year", start_year, "term", term,
                                    "total", total, "schools", schools));
}

/* The term starts of the table, and the default ones (1 September,
   1 February: xj_term_at's fallback) of years the table does not hold. */
struct term_list {
  struct {
    char date[16];
    int year, term;
  } v[16];
  size_t n;
};

static void
term_add (void *cls, const char *date, int start_year, int term)
{
  struct term_list *l = cls;

  if (l->n == 16)
    return;
  xj_strlcpy (l->v[l->n].date, date, sizeof l->v[0].date);
  l->v[l->n].year = start_year;
  l->v[l->n++].term = term;
}

static int
term_cmp (const void *x, const void *y)
{
  return strcmp (x, y); /* the date is the first member */
}

static void
term_defaults (struct term_list *l, int from_year, int to_year,
               const char *today)
{
  for (int y = from_year; y <= to_year; y++)
    for (int t = 1; t <= 2; t++)
      {
        char d[16];
        bool have = false;

        for (size_t i = 0; i < l->n; i++)
          have |= l->v[i].year == y && l->v[i].term == t;
        xj_snprintf (d, sizeof d, 1 == t ? "%04d-09-01" : "%04d-02-01",
                     1 == t ? y : y + 1);
        if (! have && strcmp (d, today) <= 0)
          term_add (l, d, y, t);
      }
  qsort (l->v, l->n, sizeof l->v[0], &term_cmp);
}

enum xj_err
xj_class_sizes_trend (struct xj_db *db, const struct xj_cs_scope *sc,
                      int from_year, int to_year, const char *today,
                      json_t **out)
{
  struct trend t = { .sc = { .db = db }, .scope = sc,
                     .points = json_array (), .county_of = json_object () };
  struct term_list terms = { .n = 0 };
  enum xj_err e = xj_cs_schools (db, sc, &trend_school, &t);

  if (XJ_E_OK == e)
    e = xj_cs_term_starts (db, from_year, to_year, today, &term_add, &terms);
  term_defaults (&terms, from_year, to_year, today);
  for (size_t i = 0; XJ_E_OK == e && i < terms.n; i++)
    trend_point (&t, terms.v[i].date, terms.v[i].year, terms.v[i].term);
  if (XJ_E_OK == e)
    e = XJ_E_OK != t.err ? t.err : t.sc.err;
  json_decref (t.county_of);
  if (XJ_E_OK != e)
    {
      json_decref (t.points);
      return e;
    }
  *out = json_pack ("{s:o}", "points", t.points);
  return XJ_E_OK;
}
