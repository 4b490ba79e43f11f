/* dash_panels.c -- the dashboard's panels (dash_int.h): for each, its
 * figures and the students behind each figure's key.  A figure and its
 * list come from the same pass over the same rows, so the list's total
 * is the figure.
 */
#include <stdlib.h>
#include <string.h>
#include "attend/attend.h"
#include "core/util.h"
#include "dash/dash_int.h"
#include "klass/class_size.h"
#include "validate/codes.h"

static struct xj_cs_scope
cs_scope (const struct xj_dash_q *q)
{
  return (struct xj_cs_scope) { q->unit.prefix, q->unit.school_id };
}

/* ---- enrolment by grade and gender as of q->asof ---- */

/* Students 在读 at the end of q->asof in the unit, from the placement
   history (xj_enrol_asof): later events never change it. */
struct asof_pass {
  const struct xj_dash_q *q;
  void (*each) (void *cls, const struct xj_enrol_row *r);
  void *cls;
};

static void
asof_filter (void *cls, const struct xj_enrol_row *r)
{
  struct asof_pass *p = cls;

  if (0 != strcmp (r->status, "enrolled"))
    return;
  if (p->q->unit.class_id && r->class_id != p->q->unit.class_id)
    return;
  p->each (p->cls, r);
}

static enum xj_err
asof_each (struct xj_db *db, const struct xj_dash_q *q,
           void (*each) (void *cls, const struct xj_enrol_row *r), void *cls)
{
  struct xj_cs_scope sc = cs_scope (q);
  struct asof_pass p = { q, each, cls };

  return xj_enrol_asof (db, &sc, q->asof, &asof_filter, &p);
}

/* The same students as groups of n (xj_enrol_asof_counts): the figures,
   which need no row per student. */
struct asof_n_pass {
  const struct xj_dash_q *q;
  void (*each) (void *cls, const struct xj_enrol_row *r, int64_t n);
  void *cls;
};

static void
asof_n_filter (void *cls, const struct xj_enrol_row *r, int64_t n)
{
  struct asof_n_pass *p = cls;

  if (p->q->unit.class_id && r->class_id != p->q->unit.class_id)
    return;
  p->each (p->cls, r, n);
}

static enum xj_err
asof_n_each (struct xj_db *db, const struct xj_dash_q *q,
             void (*each) (void *cls, const struct xj_enrol_row *r,
                           int64_t n),
             void *cls)
{
  struct xj_cs_scope sc = cs_scope (q);
  struct asof_n_pass p = { q, each, cls };

  return xj_enrol_asof_counts (db, &sc, q->asof, &asof_n_filter, &p);
}

#define GRADES_MAX 48

struct grade_n {
  char grade[8];
  int64_t n[3];      /* gender other, male (1), female (2) */
};

struct enrol {
  struct grade_n g[GRADES_MAX];
  size_t ng;
  /* drill: grade ("*" any), gender (0 any) */
  const char *grade;
  int gender;
  int64_t total;        /* page: the drill's students */
  xj_dash_id_cb cb;
  void *cls;
};

static void
enrol_count (void *cls, const struct xj_enrol_row *r, int64_t n)
{
  struct enrol *e = cls;
  int gi = (1 == r->gender || 2 == r->gender) ? r->gender : 0;
  size_t i = 0;

  while (i < e->ng && 0 != strcmp (e->g[i].grade, r->grade))
    i++;
  if (i == e->ng)
    {
      if (GRADES_MAX == e->ng)
        return;
      memset (&e->g[i], 0, sizeof e->g[i]);
      xj_strlcpy (e->g[i].grade, r->grade, sizeof e->g[i].grade);
      e->ng++;
    }
  e->g[i].n[gi] += n;
}

static int
grade_cmp (const void *a, const void *b)
{
  return strcmp (((const struct grade_n *) a)->grade,
                 ((const struct grade_n *) b)->grade);
}

enum xj_err
xj_dash_enrolment (struct xj_db *db, const struct xj_dash_q *q, json_t **out)
{
  struct enrol e = { .ng = 0 };
  int64_t tot[3] = { 0, 0, 0 };
  json_t *grades;
  enum xj_err err = asof_n_each (db, q, &enrol_count, &e);

  if (XJ_E_OK != err)
    return err;
  xj_dash_sort (e.g, e.ng, sizeof e.g[0], &grade_cmp);
  grades = json_array ();
  for (size_t i = 0; i < e.ng; i++)
    {
      const char *gl = xj_code_zh ("grade", e.g[i].grade);
      int64_t *n = e.g[i].n;

      if (0 == n[0] && 0 == n[1] && 0 == n[2])
        continue;   /* its students all counted back elsewhere */
      for (int k = 0; k < 3; k++)
        tot[k] += n[k];
      json_array_append_new (
        grades, json_pack ("{s:s, s:s, s:I, s:I, s:I}", "grade", e.g[i].grade,
                           "grade_label", gl ? gl : e.g[i].grade, "male",
                           (json_int_t) n[1], "female", (json_int_t) n[2],
                           "total", (json_int_t) (n[0] + n[1] + n[2])));
    }
  *out = json_pack ("{s:s, s:I, s:I, s:I, s:o}", "asof", q->asof, "total",
                    (json_int_t) (tot[0] + tot[1] + tot[2]), "male",
                    (json_int_t) tot[1], "female", (json_int_t) tot[2],
                    "grades", grades);
  return XJ_E_OK;
}

static void
enrol_match (void *cls, const struct xj_enrol_row *r)
{
  struct enrol *e = cls;

  if ((0 == strcmp (e->grade, "*") || 0 == strcmp (e->grade, r->grade))
      && (0 == e->gender || e->gender == r->gender))
    e->cb (e->cls, r->student_id);
}

/* Key "GRADE|GENDER": a grade code or "*", gender "1", "2" or "*" (0
   in *gender). */
static enum xj_err
enrol_key (const char *key, char grade[8], int *gender)
{
  const char *bar = strchr (key, '|');

  if (NULL == bar || (size_t) (bar - key) >= 8 || bar == key)
    return XJ_E_BAD_PARAM;
  memcpy (grade, key, (size_t) (bar - key));
  grade[bar - key] = '\0';
  if (0 == strcmp (bar + 1, "1") || 0 == strcmp (bar + 1, "2"))
    *gender = bar[1] - '0';
  else if (0 == strcmp (bar + 1, "*"))
    *gender = 0;
  else
    return XJ_E_BAD_PARAM;
  return XJ_E_OK;
}

enum xj_err
xj_dash_enrolment_students (struct xj_db *db, const struct xj_dash_q *q,
                            const char *key, xj_dash_id_cb cb, void *cls)
{
  struct enrol e = { .cb = cb, .cls = cls };
  char grade[8];
  enum xj_err err = enrol_key (key, grade, &e.gender);

  e.grade = grade;
  return XJ_E_OK != err ? err : asof_each (db, q, &enrol_match, &e);
}

static void
enrol_total (void *cls, const struct xj_enrol_row *r, int64_t n)
{
  struct enrol *e = cls;

  if ((0 == strcmp (e->grade, "*") || 0 == strcmp (e->grade, r->grade))
      && (0 == e->gender || e->gender == r->gender))
    e->total += n;
}

/* The 在读 students of @sc as of q->asof matching @f: *total from the
   counts, the page's ids from the database's own paging. */
static enum xj_err
asof_page (struct xj_db *db, const struct xj_dash_q *q,
           const struct xj_cs_scope *sc, const struct xj_enrol_filter *f,
           int64_t total, int64_t limit, int64_t offset, xj_dash_id_cb cb,
           void *cls)
{
  if (offset >= total || limit <= 0)
    return XJ_E_OK;
  return xj_enrol_asof_ids (db, sc, q->asof, f, limit, offset, cb, cls);
}

enum xj_err
xj_dash_enrolment_page (struct xj_db *db, const struct xj_dash_q *q,
                        const char *key, int64_t limit, int64_t offset,
                        int64_t *total, xj_dash_id_cb cb, void *cls)
{
  struct enrol e = { .total = 0 };
  struct xj_cs_scope sc = cs_scope (q);
  char grade[8];
  enum xj_err err = enrol_key (key, grade, &e.gender);

  e.grade = grade;
  if (XJ_E_OK == err)
    err = asof_n_each (db, q, &enrol_total, &e);
  if (XJ_E_OK != err)
    return err;
  *total = e.total;
  return asof_page (db, q, &sc,
                    &(struct xj_enrol_filter) { q->unit.class_id, grade,
                                                e.gender },
                    e.total, limit, offset, cb, cls);
}

/* ---- the child units, each with its enrolment as of q->asof ---- */

struct child {
  char key[24];
  char name[128];
  int64_t n;
};

/* id (school or class) -> child index */
struct owner {
  int64_t id;
  size_t child;
};

struct units {
  const struct xj_dash_q *q;
  struct child *c;
  size_t nc, capc;
  struct owner *o;
  size_t no, capo;
  bool by_class;        /* a school's children are its classes */
  size_t want;          /* drill: the child asked for */
  xj_dash_id_cb cb;
  void *cls;
};

static void
child_add (void *cls, const char *key, const char *name)
{
  struct units *u = cls;
  struct child *c = XJ_VEC_PUSH (u->c, u->nc, u->capc);

  xj_strlcpy (c->key, key, sizeof c->key);
  xj_strlcpy (c->name, name[0] ? name : key, sizeof c->name);
  c->n = 0;
}

static void
owner_add (struct units *u, int64_t id, size_t child)
{
  struct owner *o = XJ_VEC_PUSH (u->o, u->no, u->capo);

  o->id = id;
  o->child = child;
}

static void
school_child (void *cls, const char *key, const char *name)
{
  struct units *u = cls;

  child_add (u, key, name);
  owner_add (u, strtoll (key, NULL, 10), u->nc - 1);
}

/* A school of the unit owned by the child region its county lies in. */
static void
school_owner (void *cls, const struct xj_cs_school_row *r)
{
  struct units *u = cls;

  for (size_t i = 0; i < u->nc; i++)
    if (0 == strncmp (r->county_code, u->c[i].key, strlen (u->c[i].key)))
      {
        owner_add (u, r->id, i);
        return;
      }
}

static void
class_child (void *cls, const struct xj_cs_class_row *r)
{
  struct units *u = cls;
  const char *gl = xj_code_zh ("grade", r->grade);
  char key[24], name[128];

  xj_snprintf (key, sizeof key, "%lld", (long long) r->id);
  xj_snprintf (name, sizeof name, "%s%s", gl ? gl : r->grade, r->name);
  child_add (u, key, name);
  owner_add (u, r->id, u->nc - 1);
}

static int
owner_cmp (const void *a, const void *b)
{
  int64_t x = ((const struct owner *) a)->id;
  int64_t y = ((const struct owner *) b)->id;

  return (x > y) - (x < y);
}

/* Every child unit of q's unit, and who owns which school or class. */
static enum xj_err
units_load (struct xj_db *db, const struct xj_dash_q *q, struct units *u)
{
  struct xj_cs_scope sc = cs_scope (q);
  enum xj_err e = XJ_E_OK;

  u->q = q;
  switch (q->unit.level)
    {
    case XJ_DASH_ALL:
    case XJ_DASH_PROVINCE:
    case XJ_DASH_CITY:
      e = xj_dash_store_regions (db, q->unit.prefix,
                                 2 * ((int) q->unit.level + 1), &child_add, u);
      if (XJ_E_OK == e)
        e = xj_cs_schools (db, &sc, &school_owner, u);
      break;
    case XJ_DASH_COUNTY:
      e = xj_dash_store_schools (db, q->unit.prefix, &school_child, u);
      break;
    case XJ_DASH_SCHOOL:
      u->by_class = true;
      e = xj_cs_classes_live (db, &sc, &class_child, u);
      break;
    case XJ_DASH_CLASS:
      break;
    }
  xj_dash_sort (u->o, u->no, sizeof *u->o, &owner_cmp);
  return e;
}

static void
units_free (struct units *u)
{
  free (u->c);
  free (u->o);
}

static struct owner *
owner_of (struct units *u, const struct xj_enrol_row *r)
{
  struct owner k = { u->by_class ? r->class_id : r->school_id, 0 };

  return u->no ? bsearch (&k, u->o, u->no, sizeof k, &owner_cmp) : NULL;
}

static void
units_count (void *cls, const struct xj_enrol_row *r, int64_t n)
{
  struct units *u = cls;
  struct owner *o = owner_of (u, r);

  if (o)
    u->c[o->child].n += n;
}

static const char *const child_level[] = { "province", "city", "county",
                                           "school", "class", "" };

enum xj_err
xj_dash_units (struct xj_db *db, const struct xj_dash_q *q, json_t **out)
{
  struct units u = { 0 };
  enum xj_err e = units_load (db, q, &u);
  json_t *rows;

  if (XJ_E_OK == e && u.nc)
    e = asof_n_each (db, q, &units_count, &u);
  if (XJ_E_OK != e)
    {
      units_free (&u);
      return e;
    }
  rows = json_array ();
  for (size_t i = 0; i < u.nc; i++)
    json_array_append_new (rows, json_pack ("{s:s, s:s, s:I}", "code",
                                            u.c[i].key, "name", u.c[i].name,
                                            "enrolled",
                                            (json_int_t) u.c[i].n));
  units_free (&u);
  *out = json_pack ("{s:s, s:o}", "level", child_level[q->unit.level],
                    "rows", rows);
  return XJ_E_OK;
}

/* units_load, and u->want the child whose code is @key (XJ_E_BAD_PARAM
   when there is none).  The caller frees @u (units_free) either way. */
static enum xj_err
units_find (struct xj_db *db, const struct xj_dash_q *q, const char *key,
            struct units *u)
{
  enum xj_err e = units_load (db, q, u);

  for (u->want = 0; u->want < u->nc && 0 != strcmp (u->c[u->want].key, key);
       u->want++)
    ;
  if (XJ_E_OK == e && u->want == u->nc)
    e = XJ_E_BAD_PARAM;
  return e;
}

static void
units_match (void *cls, const struct xj_enrol_row *r)
{
  struct units *u = cls;
  struct owner *o = owner_of (u, r);

  if (o && o->child == u->want)
    u->cb (u->cls, r->student_id);
}

/* Key: a child unit's code. */
enum xj_err
xj_dash_units_students (struct xj_db *db, const struct xj_dash_q *q,
                        const char *key, xj_dash_id_cb cb, void *cls)
{
  struct units u = { .cb = cb, .cls = cls };
  enum xj_err e = units_find (db, q, key, &u);

  if (XJ_E_OK == e)
    e = asof_each (db, q, &units_match, &u);
  units_free (&u);
  return e;
}

/* Key: a child unit's code; the child is a unit of its own, so its list
   is the child's enrolment list "*|*". */
enum xj_err
xj_dash_units_page (struct xj_db *db, const struct xj_dash_q *q,
                    const char *key, int64_t limit, int64_t offset,
                    int64_t *total, xj_dash_id_cb cb, void *cls)
{
  struct units u = { 0 };
  struct xj_cs_scope sc = cs_scope (q);
  struct xj_enrol_filter f = { q->unit.class_id, "*", 0 };
  enum xj_err e = units_find (db, q, key, &u);

  if (XJ_E_OK == e)
    e = asof_n_each (db, q, &units_count, &u);
  if (XJ_E_OK == e)
    {
      *total = u.c[u.want].n;
      if (q->unit.level < XJ_DASH_COUNTY)
        sc.prefix = u.c[u.want].key;
      else if (XJ_DASH_COUNTY == q->unit.level)
        sc.school_id = strtoll (key, NULL, 10);
      else
        f.class_id = strtoll (key, NULL, 10);
      e = asof_page (db, q, &sc, &f, *total, limit, offset, cb, cls);
    }
  units_free (&u);
  return e;
}

/* ---- class-size bands (live, class_size_report.c) ---- */

struct band_n {
  int64_t classes, students;
};

/* Each current-year class of the unit with its band: @each (cls, class,
   band, size). */
static enum xj_err
bands_each (struct xj_db *db, const struct xj_dash_q *q,
            void (*each) (void *cls, int64_t klass, enum xj_band b,
                          int64_t size),
            void *cls)
{
  struct xj_cs_scope sc = cs_scope (q);
  json_t *rep = NULL, *s, *k;
  size_t i, j;
  enum xj_err e = xj_class_sizes_report (db, &sc, q->year_start, &rep);

  if (XJ_E_OK != e)
    return e;
  json_array_foreach (json_object_get (rep, "schools"), i, s)
    json_array_foreach (json_object_get (s, "classes"), j, k)
      {
        int64_t id = json_integer_value (json_object_get (k, "id"));
        const char *band = json_string_value (json_object_get (k, "band"));
        enum xj_band b = XJ_BAND_NORMAL;

        if (q->unit.class_id && id != q->unit.class_id)
          continue;
        while (b < XJ_BAND_N - 1 && 0 != strcmp (xj_cs_band_name (b), band))
          b++;
        each (cls, id, b, json_integer_value (json_object_get (k, "size")));
      }
  json_decref (rep);
  return XJ_E_OK;
}

static void
band_count (void *cls, int64_t klass, enum xj_band b, int64_t size)
{
  struct band_n *n = cls;

  (void) klass;
  n[b].classes++;
  n[b].students += size;
}

enum xj_err
xj_dash_class_sizes (struct xj_db *db, const struct xj_dash_q *q,
                     json_t **out)
{
  struct band_n n[XJ_BAND_N] = { { 0, 0 } };
  int64_t classes = 0;
  json_t *bands;
  enum xj_err e = bands_each (db, q, &band_count, n);

  if (XJ_E_OK != e)
    return e;
  bands = json_array ();
  for (int b = 0; b < XJ_BAND_N; b++)
    {
      classes += n[b].classes;
      json_array_append_new (
        bands, json_pack ("{s:s, s:s, s:I, s:I}", "band",
                          xj_cs_band_name ((enum xj_band) b), "label",
                          xj_cs_band_zh ((enum xj_band) b), "classes",
                          (json_int_t) n[b].classes, "students",
                          (json_int_t) n[b].students));
    }
  *out = json_pack ("{s:I, s:I, s:o}", "classes", (json_int_t) classes,
                    "large", (json_int_t) (n[XJ_BAND_LARGE].classes
                                           + n[XJ_BAND_SUPER].classes),
                    "bands", bands);
  return XJ_E_OK;
}

struct band_drill {
  struct xj_db *db;
  enum xj_band want;
  xj_dash_id_cb cb;
  void *cls;
  enum xj_err err;
};

static void
band_match (void *cls, int64_t klass, enum xj_band b, int64_t size)
{
  struct band_drill *d = cls;

  (void) size;
  if (b == d->want && XJ_E_OK == d->err)
    d->err = xj_dash_store_class_students (d->db, klass, d->cb, d->cls);
}

/* Key: a band name (xj_cs_band_name): the 在读 students of its classes. */
enum xj_err
xj_dash_class_sizes_students (struct xj_db *db, const struct xj_dash_q *q,
                              const char *key, xj_dash_id_cb cb, void *cls)
{
  struct band_drill d = { db, XJ_BAND_NORMAL, cb, cls, XJ_E_OK };
  enum xj_err e;

  while (d.want < XJ_BAND_N && 0 != strcmp (xj_cs_band_name (d.want), key))
    d.want++;
  if (XJ_BAND_N == d.want)
    return XJ_E_BAD_PARAM;
  e = bands_each (db, q, &band_match, &d);
  return XJ_E_OK != e ? e : d.err;
}

/* ---- dropout cases open now, by stage ---- */

struct stages {
  int64_t suspected, dropout;
  const char *want;     /* drill: "open", "suspected", "dropout" */
  xj_dash_id_cb cb;
  void *cls;
};

static void
stage_count (void *cls, int64_t student, const char *stage)
{
  struct stages *s = cls;

  (void) student;
  if (0 == strcmp (stage, "dropout"))
    s->dropout++;
  else
    s->suspected++;
}

enum xj_err
xj_dash_dropout (struct xj_db *db, const struct xj_dash_q *q, json_t **out)
{
  struct stages s = { 0 };
  enum xj_err e = xj_dash_store_dropout (db, XJ_DASH_SCOPE (&q->unit),
                                         &stage_count, &s);

  if (XJ_E_OK != e)
    return e;
  *out = json_pack ("{s:I, s:I, s:I}", "open",
                    (json_int_t) (s.suspected + s.dropout), "suspected",
                    (json_int_t) s.suspected, "dropout",
                    (json_int_t) s.dropout);
  return XJ_E_OK;
}

static void
stage_match (void *cls, int64_t student, const char *stage)
{
  struct stages *s = cls;

  if (0 == strcmp (s->want, "open")
      || (0 == strcmp (s->want, "dropout")) == (0 == strcmp (stage,
                                                             "dropout")))
    s->cb (s->cls, student);
}

/* Key: "open", "suspected" or "dropout". */
enum xj_err
xj_dash_dropout_students (struct xj_db *db, const struct xj_dash_q *q,
                          const char *key, xj_dash_id_cb cb, void *cls)
{
  struct stages s = { .want = key, .cb = cb, .cls = cls };

  if (0 != strcmp (key, "open") && 0 != strcmp (key, "suspected")
      && 0 != strcmp (key, "dropout"))
    return XJ_E_BAD_PARAM;
  return xj_dash_store_dropout (db, XJ_DASH_SCOPE (&q->unit), &stage_match,
                                &s);
}

/* ---- absences from the school year's start to q->asof ---- */

struct absence {
  struct xj_db *db;
  const struct xj_dash_q *q;
  int from, to;
  int start_year;
  /* the calendar of the last county asked (schools come in any order,
     counties are few) */
  char county[16];
  int days;
  int64_t halfdays, students, absent, possible;
  enum xj_err err;
};

static int
ymd_of (const char *iso)
{
  return (int) strtol (iso, NULL, 10) * 10000
         + (int) strtol (iso + 5, NULL, 10) * 100
         + (int) strtol (iso + 8, NULL, 10);
}

static void
absence_school (void *cls, int64_t id, const char *county, int64_t students)
{
  struct absence *a = cls;

  (void) id;
  if (XJ_E_OK != a->err)
    return;
  if (0 != strcmp (county, a->county))
    {
      struct xj_att_cal cal;

      a->err = xj_att_cal_load (a->db, county, a->start_year, &cal);
      if (XJ_E_OK != a->err)
        return;
      a->days = xj_att_school_days (&cal, a->from, a->to);
      xj_att_cal_fini (&cal);
      xj_strlcpy (a->county, county, sizeof a->county);
    }
  a->students += students;
  a->possible += 2 * (int64_t) a->days * students;
}

enum xj_err
xj_dash_absence (struct xj_db *db, const struct xj_dash_q *q, json_t **out)
{
  struct absence a = { .db = db, .q = q, .from = ymd_of (q->term_from),
                       .to = q->asof_ymd };
  enum xj_err e;

  a.start_year = a.from / 10000;
  e = xj_dash_store_school_sizes (db, XJ_DASH_SCOPE (&q->unit),
                                  &absence_school, &a);
  if (XJ_E_OK == e)
    e = a.err;
  if (XJ_E_OK == e)
    e = xj_dash_store_absent_sum (db, XJ_DASH_SCOPE (&q->unit), a.from,
                                  a.to, &a.absent, &a.halfdays);
  if (XJ_E_OK != e)
    return e;
  /* the rate: absent half-days of the possible ones */
  *out = json_pack ("{s:s, s:s, s:I, s:I, s:I, s:I, s:f}", "from",
                    q->term_from, "to", q->asof, "students",
                    (json_int_t) a.students, "absent_students",
                    (json_int_t) a.absent, "absent_halfdays",
                    (json_int_t) a.halfdays, "possible_halfdays",
                    (json_int_t) a.possible, "rate",
                    a.possible ? (double) a.halfdays / (double) a.possible
                               : 0.0);
  return XJ_E_OK;
}

struct absent_drill {
  xj_dash_id_cb cb;
  void *cls;
};

static void
absent_match (void *cls, int64_t student, int64_t halfdays)
{
  struct absent_drill *d = cls;

  (void) halfdays;
  d->cb (d->cls, student);
}

/* Key "absent": students with an absence in the window. */
enum xj_err
xj_dash_absence_students (struct xj_db *db, const struct xj_dash_q *q,
                          const char *key, xj_dash_id_cb cb, void *cls)
{
  struct absent_drill d = { cb, cls };

  if (0 != strcmp (key, "absent"))
    return XJ_E_BAD_PARAM;
  return xj_dash_store_absent (db, XJ_DASH_SCOPE (&q->unit),
                               ymd_of (q->term_from), q->asof_ymd,
                               &absent_match, &d);
}

/* ---- the duplicate review queue ---- */

enum xj_err
xj_dash_dups (struct xj_db *db, const struct xj_dash_q *q, json_t **out)
{
  return xj_dash_count_panel (db, q, &xj_dash_store_dups, "flagged", out);
}

/* Key "flagged": records awaiting the duplicate review. */
enum xj_err
xj_dash_dups_students (struct xj_db *db, const struct xj_dash_q *q,
                       const char *key, xj_dash_id_cb cb, void *cls)
{
  if (0 != strcmp (key, "flagged"))
    return XJ_E_BAD_PARAM;
  return xj_dash_store_dups (db, XJ_DASH_SCOPE (&q->unit), cb, cls);
}
