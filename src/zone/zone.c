/* zone.c -- feeder relations, attendance zones, the 小升初 allocation and
 * the junior schools' intake (zone.h).  Runs inside the caller's
 * transaction; SQL in zone_store.c.
 */
#include <stdlib.h>
#include <string.h>
#include "change/progress.h"
#include "core/util.h"
#include "school/school.h"
#include "student/student.h"
#include "student/student_json.h"
#include "validate/validate.h"
#include "zone/zone.h"

/* ---- definitions ---- */

struct county_ctx {
  json_t *schools;     /* array of school objects */
  json_t *by_id;       /* "id" -> school object (borrowed) */
};

static json_t *
school_of (struct county_ctx *c, int64_t id)
{
  char k[24];

  xj_snprintf (k, sizeof k, "%lld", (long long) id);
  return json_object_get (c->by_id, k);
}

static void
school_add (void *cls, const struct xj_zs_school *s)
{
  struct county_ctx *c = cls;
  char k[24];
  json_t *o = json_pack ("{s:I, s:s, s:s, s:s, s:[], s:[], s:[]}", "id",
                         (json_int_t) s->id, "code", s->code, "name",
                         s->name, "stage", s->stage, "feeders", "townships",
                         "communities");

  xj_snprintf (k, sizeof k, "%lld", (long long) s->id);
  json_object_set (c->by_id, k, o);
  json_array_append_new (c->schools, o);
}

static void
feeder_add (void *cls, int64_t junior, int64_t primary, const char *t,
            const char *n)
{
  json_t *s = school_of (cls, junior);

  (void) t;
  (void) n;
  if (s)
    json_array_append_new (json_object_get (s, "feeders"),
                           json_integer (primary));
}

static void
town_add (void *cls, int64_t school, int64_t b, const char *code,
          const char *name)
{
  json_t *s = school_of (cls, school);

  (void) b;
  if (s)
    json_array_append_new (json_object_get (s, "townships"),
                           json_pack ("{s:s, s:s}", "code", code, "name",
                                      name));
}

static void
comm_add (void *cls, int64_t school, int64_t b, const char *name,
          const char *n)
{
  json_t *s = school_of (cls, school);

  (void) b;
  (void) n;
  if (s)
    json_array_append_new (json_object_get (s, "communities"),
                           json_string (name));
}

static void
county_town (void *cls, int64_t a, int64_t b, const char *code,
             const char *name)
{
  (void) a;
  (void) b;
  json_array_append_new (cls, json_pack ("{s:s, s:s}", "code", code, "name",
                                         name));
}

enum xj_err
xj_zone_county_json (struct xj_db *db, const char *county, json_t **out)
{
  struct county_ctx c = { json_array (), json_object () };
  json_t *towns = json_array (), *allocs = json_array ();
  enum xj_err e = xj_zs_schools (db, county, &school_add, &c);

  if (XJ_E_OK == e)
    e = xj_zs_feeders (db, county, &feeder_add, &c);
  if (XJ_E_OK == e)
    e = xj_zs_zone_towns (db, county, &town_add, &c);
  if (XJ_E_OK == e)
    e = xj_zs_communities (db, county, &comm_add, &c);
  if (XJ_E_OK == e)
    e = xj_zs_county_towns (db, county, &county_town, towns);
  if (XJ_E_OK == e)
    e = xj_zs_allocations (db, county, allocs);
  *out = XJ_E_OK == e ? json_pack ("{s:s, s:O, s:O, s:O}", "county", county,
                                   "schools", c.schools, "townships", towns,
                                   "allocations", allocs)
                      : NULL;
  json_decref (allocs);
  json_decref (c.schools);
  json_decref (c.by_id);
  json_decref (towns);
  return e;
}

static bool
has_junior (const char *stage)
{
  return xj_school_stage_has_grade (stage, "21");
}

/* Is @code a township of @county? */
static void
town_seen (void *cls, int64_t a, int64_t b, const char *code,
           const char *name)
{
  const char **want = cls;

  (void) a;
  (void) b;
  (void) name;
  if (*want && 0 == strcmp (*want, code))
    *want = NULL;
}

static enum xj_err
check_def (struct xj_db *db, const struct xj_school *sch,
           const struct xj_zone_def *d, const char **field)
{
  struct xj_school p;
  enum xj_err e;

  *field = "feeders";
  if (d->nfeeders && ! has_junior (sch->stage))
    return XJ_E_ZONE_INVALID;
  for (size_t i = 0; i < d->nfeeders; i++)
    if (XJ_E_OK != xj_school_get (db, d->feeders[i], &p)
        || 0 != strcmp (p.county_code, sch->county_code)
        || 0 != strcmp (p.stage, "primary"))
      return XJ_E_ZONE_INVALID;
  *field = "townships";
  for (size_t i = 0; i < d->ntownships; i++)
    {
      const char *want = d->townships[i];

      if (XJ_E_OK != (e = xj_zs_county_towns (db, sch->county_code,
                                              &town_seen, &want)))
        return e;
      if (want)
        return XJ_E_ZONE_INVALID;
    }
  *field = "communities";
  for (size_t i = 0; i < d->ncommunities; i++)
    {
      size_t n = strlen (d->communities[i]);

      if (0 == n || n > 150
          || XJ_E_OK != xj_valid_text (d->communities[i], 151))
        return XJ_E_ZONE_INVALID;
    }
  *field = NULL;
  return XJ_E_OK;
}

enum xj_err
xj_zone_put (struct xj_db *db, const struct xj_actor *a, int64_t school_id,
             const struct xj_zone_def *d, const char **field)
{
  struct xj_school sch;
  char idbuf[24];
  json_t *j;
  char *text;
  enum xj_err e = xj_school_get (db, school_id, &sch);

  if (XJ_E_OK != e || XJ_E_OK != (e = check_def (db, &sch, d, field))
      || XJ_E_OK != (e = xj_zs_zone_clear (db, school_id)))
    return e;
  j = json_pack ("{s:[], s:[], s:[]}", "feeders", "townships", "communities");
  for (size_t i = 0; i < d->nfeeders && XJ_E_OK == e; i++)
    {
      e = xj_zs_feeder_add (db, school_id, d->feeders[i]);
      json_array_append_new (json_object_get (j, "feeders"),
                             json_integer (d->feeders[i]));
    }
  for (size_t i = 0; i < d->ntownships && XJ_E_OK == e; i++)
    {
      e = xj_zs_town_add (db, school_id, d->townships[i]);
      json_array_append_new (json_object_get (j, "townships"),
                             json_string (d->townships[i]));
    }
  for (size_t i = 0; i < d->ncommunities && XJ_E_OK == e; i++)
    {
      e = xj_zs_community_add (db, school_id, d->communities[i]);
      json_array_append_new (json_object_get (j, "communities"),
                             json_string (d->communities[i]));
    }
  text = json_dumps (j, JSON_COMPACT);
  json_decref (j);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) school_id);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, a, "zone.put", "school", idbuf, NULL, text);
  free (text);
  return e;
}

/* ---- allocation ---- */

struct link {
  int64_t school, other;
  char text[160];
};
struct links {
  struct link *v;
  size_t n, cap;
};

static void
link_add (void *cls, int64_t a, int64_t b, const char *text,
          const char *name)
{
  struct links *l = cls;
  struct link *k = XJ_VEC_PUSH (l->v, l->n, l->cap);

  k->school = a;
  k->other = b;
  /* township rows: "code|name" (the name is matched in addresses) */
  if (name && *name)
    xj_snprintf (k->text, sizeof k->text, "%s|%s", text, name);
  else
    xj_strlcpy (k->text, text, sizeof k->text);
}

struct maps {
  struct links feeders, towns, comms;
};

static void
maps_free (struct maps *m)
{
  free (m->feeders.v);
  free (m->towns.v);
  free (m->comms.v);
}

/* The junior school a primary school feeds (0 = none). */
static int64_t
by_feeder (const struct maps *m, int64_t primary)
{
  for (size_t i = 0; i < m->feeders.n; i++)
    if (m->feeders.v[i].other == primary)
      return m->feeders.v[i].school;
  return 0;
}

/* The school whose zone holds household township @code, or a zone
   community or township named in @address (0 = none). */
static int64_t
by_zone (const struct maps *m, const char *code, const char *address)
{
  size_t clen = strlen (code);

  for (size_t i = 0; clen && i < m->towns.n; i++)
    if (0 == strncmp (m->towns.v[i].text, code, clen)
        && '|' == m->towns.v[i].text[clen])
      return m->towns.v[i].school;
  if ('\0' == *address)
    return 0;
  for (size_t i = 0; i < m->comms.n; i++)
    if (strstr (address, m->comms.v[i].text))
      return m->comms.v[i].school;
  for (size_t i = 0; i < m->towns.n; i++)
    {
      const char *name = strchr (m->towns.v[i].text, '|');

      if (name && name[1] && strstr (address, name + 1))
        return m->towns.v[i].school;
    }
  return 0;
}

struct gen_ctx {
  struct xj_db *db;
  const struct maps *m;
  int64_t alloc;
  struct xj_student *s;
  enum xj_err e;
};

static void
allocate_one (void *cls, int64_t id, int64_t school, const void *data,
              size_t n)
{
  struct gen_ctx *c = cls;
  int64_t to = by_feeder (c->m, school);
  const char *route = "feeder";

  if (XJ_E_OK != c->e)
    return;
  if (0 == to)
    {
      c->s->hukou_region[0] = '\0';
      c->s->address[0] = '\0';
      if (n)
        xj_student_data_load (c->s, data, n);
      to = by_zone (c->m, c->s->hukou_region, c->s->address);
      route = to ? "zone" : "none";
    }
  c->e = xj_zs_item_add (c->db, c->alloc, id, school, to, route);
}

/* The allocation to (re)generate: a new one, or the draft emptied. */
static enum xj_err
alloc_target (struct xj_db *db, const struct xj_actor *a, const char *county,
              int year, int64_t *id)
{
  char status[16], at[32];
  enum xj_err e = xj_zs_alloc_find (db, county, year, id, status);

  if (XJ_E_OK != e)
    return e;
  if (*id && 0 == strcmp (status, "published"))
    return XJ_E_ALLOCATION_PUBLISHED;
  if (*id)
    return xj_zs_alloc_clear (db, *id);
  xj_now_iso (at);
  return xj_zs_alloc_new (db, county, year, at, a->username, id);
}

enum xj_err
xj_alloc_generate (struct xj_db *db, const struct xj_actor *a,
                   const char *county, json_t **out)
{
  struct maps m = { 0 };
  struct gen_ctx c = { .db = db, .m = &m, .e = XJ_E_OK };
  char idbuf[24];
  int year;
  enum xj_err e;

  *out = NULL;
  if (XJ_E_OK != (e = xj_zs_grad_year (db, county, &year)))
    return e;
  if (0 == year)
    return XJ_E_ALLOCATION_NO_GRADUATES;
  if (XJ_E_OK != (e = alloc_target (db, a, county, year, &c.alloc))
      || XJ_E_OK != (e = xj_zs_feeders (db, county, &link_add, &m.feeders))
      || XJ_E_OK != (e = xj_zs_zone_towns (db, county, &link_add, &m.towns))
      || XJ_E_OK != (e = xj_zs_communities (db, county, &link_add,
                                            &m.comms)))
    goto out;
  c.s = xj_malloc (sizeof *c.s);
  e = xj_zs_graduates (db, county, year, &allocate_one, &c);
  free (c.s);
  if (XJ_E_OK == e)
    e = c.e;
  if (XJ_E_OK == e)
    e = xj_alloc_get_json (db, c.alloc, out);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) c.alloc);
  if (XJ_E_OK == e)
    {
      json_t *sum = json_pack ("{s:O, s:O}", "total",
                               json_object_get (*out, "total"), "unmatched",
                               json_object_get (*out, "unmatched"));
      char *text = json_dumps (sum, JSON_COMPACT);

      json_decref (sum);
      e = xj_audit_append (db, a, "allocation.generate", "allocation", idbuf,
                           NULL, text);
      free (text);
    }
out:
  maps_free (&m);
  return e;
}

enum xj_err
xj_alloc_get_json (struct xj_db *db, int64_t id, json_t **out)
{
  json_t *o = json_object (), *schools = json_array ();
  int64_t total, unmatched;
  enum xj_err e = xj_zs_alloc_row (db, id, o);

  if (XJ_E_OK == e)
    e = xj_zs_alloc_schools (db, id, schools, &total, &unmatched);
  if (XJ_E_OK != e)
    {
      json_decref (o);
      json_decref (schools);
      return e;
    }
  json_object_set_new (o, "total", json_integer (total));
  json_object_set_new (o, "unmatched", json_integer (unmatched));
  json_object_set_new (o, "schools", schools);
  *out = o;
  return XJ_E_OK;
}

enum xj_err
xj_alloc_county (struct xj_db *db, int64_t id, char county[8],
                 char status[16])
{
  json_t *o = json_object ();
  enum xj_err e = xj_zs_alloc_row (db, id, o);

  if (XJ_E_OK == e)
    {
      xj_strlcpy (county, json_string_value (json_object_get (o, "county")),
                  8);
      xj_strlcpy (status, json_string_value (json_object_get (o, "status")),
                  16);
    }
  json_decref (o);
  return e;
}

enum xj_err
xj_alloc_items_json (struct xj_db *db, int64_t id, int64_t to_school,
                     int64_t limit, int64_t offset, json_t **out)
{
  json_t *items = json_array ();
  int64_t total = 0;
  enum xj_err e = xj_zs_items (db, id, to_school, false, limit, offset,
                               items, &total);

  if (XJ_E_OK != e)
    {
      json_decref (items);
      return e;
    }
  *out = json_pack ("{s:o, s:I}", "items", items, "total",
                    (json_int_t) total);
  return XJ_E_OK;
}

enum xj_err
xj_alloc_move (struct xj_db *db, const struct xj_actor *a, int64_t id,
               const int64_t *students, size_t n, int64_t to_school,
               const char *reason, int64_t *moved)
{
  char county[8], status[16], idbuf[24];
  struct xj_school to;
  json_t *j;
  char *text;
  enum xj_err e = xj_alloc_county (db, id, county, status);

  *moved = 0;
  if (XJ_E_OK != e)
    return e;
  if (0 != strcmp (status, "draft"))
    return XJ_E_ALLOCATION_PUBLISHED;
  if (XJ_E_OK != xj_school_get (db, to_school, &to)
      || 0 != strcmp (to.county_code, county) || ! has_junior (to.stage))
    return XJ_E_NO_SUCH_SCHOOL;
  for (size_t i = 0; i < n && XJ_E_OK == e; i++)
    {
      bool done;

      e = xj_zs_item_move (db, id, students[i], to_school, reason, &done);
      *moved += done;
    }
  j = json_pack ("{s:I, s:I, s:s}", "to_school_id", (json_int_t) to_school,
                 "moved", (json_int_t) *moved, "reason", reason);
  text = json_dumps (j, JSON_COMPACT);
  json_decref (j);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) id);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, a, "allocation.move", "allocation", idbuf, NULL,
                         text);
  free (text);
  return e;
}

enum xj_err
xj_alloc_publish (struct xj_db *db, const struct xj_actor *a, int64_t id)
{
  char at[32], idbuf[24];
  enum xj_err e;

  xj_now_iso (at);
  e = xj_zs_alloc_publish (db, id, at);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) id);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, a, "allocation.publish", "allocation", idbuf,
                         NULL, NULL);
  return e;
}

/* ---- intake ---- */

enum xj_err
xj_intake_json (struct xj_db *db, int64_t school_id, json_t **out)
{
  json_t *items = json_array ();
  int64_t total = 0;
  enum xj_err e = xj_zs_items (db, 0, school_id, true, 100000, 0, items,
                               &total);

  if (XJ_E_OK != e)
    {
      json_decref (items);
      return e;
    }
  *out = json_pack ("{s:o, s:I}", "items", items, "total",
                    (json_int_t) total);
  return XJ_E_OK;
}

struct waits {
  struct xj_zs_waiting *v;
  size_t n, cap;
};

static void
wait_add (void *cls, const struct xj_zs_waiting *w)
{
  struct waits *l = cls;

  *XJ_VEC_PUSH (l->v, l->n, l->cap) = *w;
}

struct kl {
  int64_t id, n, girls;
};

/* Index of the class for a student of @gender: fewest students, ties to
   fewest of that gender when @balance. */
static size_t
pick_class (const struct kl *k, size_t n, int gender, bool balance)
{
  size_t best = 0;

  for (size_t i = 1; i < n; i++)
    {
      int64_t gi = 2 == gender ? k[i].girls : k[i].n - k[i].girls;
      int64_t gb = 2 == gender ? k[best].girls : k[best].n - k[best].girls;

      if (balance ? (gi < gb || (gi == gb && k[i].n < k[best].n))
                  : k[i].n < k[best].n)
        best = i;
    }
  return best;
}

static bool
wanted (const struct xj_intake_confirm *c, int64_t student)
{
  if (0 == c->n)
    return true;
  for (size_t i = 0; i < c->n; i++)
    if (c->students[i] == student)
      return true;
  return false;
}

static enum xj_err
load_classes (struct xj_db *db, const struct xj_intake_confirm *c,
              struct kl *k)
{
  enum xj_err e = XJ_E_OK;

  for (size_t i = 0; i < c->nclasses && XJ_E_OK == e; i++)
    {
      k[i].id = c->classes[i];
      e = xj_progress_check_class (db, k[i].id, c->school_id, "21");
      if (XJ_E_OK == e)
        e = xj_zs_class_counts (db, k[i].id, &k[i].n, &k[i].girls);
    }
  return e;
}

/* One confirmation: the 升学 of the allocated student.  A student the
   grade check refuses for 初一 (age outside the hard limits) is left on
   the list and named in @refused, the others go ahead. */
static enum xj_err
confirm_one (struct xj_db *db, const struct xj_actor *a,
             const struct xj_intake_confirm *c, const struct xj_zs_waiting *w,
             struct kl *k, const char *at, struct xj_verrs *errs,
             json_t *refused, json_t *warned)
{
  struct xj_cs_warn cw;
  size_t ki = c->nclasses ? pick_class (k, c->nclasses, w->gender, c->balance)
                          : 0;
  struct xj_progress_move m = {
    .kind = XJ_PG_PROMOTE, .student_id = w->student,
    .to_school = c->school_id, .class_id = c->nclasses ? k[ki].id : 0,
    .grade = "21", .reason = w->reason, .route = w->route,
    .out_of_zone = 0 == strcmp (w->route, "moved"), .errs = errs,
    .class_size = &cw };
  enum xj_err e;

  /* xj_zs_waiting lists only records still waiting as primary
     graduates (not re-entered or promoted elsewhere since) */
  errs->n = 0;
  e = xj_progress_apply (db, a, &m, NULL);
  if ((XJ_E_AGE_GRADE == e || XJ_E_SCHOOL_GRADE == e) && errs->n)
    {
      json_array_append_new (refused, json_pack (
        "{s:I, s:s, s:s, s:s}", "student_id", (json_int_t) w->student,
        "field", errs->e[0].field, "code", xj_err_code (errs->e[0].code),
        "message", errs->e[0].detail));
      return XJ_E_OK;
    }
  if (XJ_E_OK == e && cw.set)
    {
      json_t *j = xj_cs_warn_json (&cw);

      json_object_set_new (j, "student_id", json_integer (w->student));
      json_array_append_new (warned, j);
    }
  if (XJ_E_OK == e)
    e = xj_zs_item_confirm (db, w->alloc, w->student, at);
  if (XJ_E_OK == e && c->nclasses)
    {
      k[ki].n++;
      k[ki].girls += 2 == w->gender;
    }
  return e;
}

enum xj_err
xj_intake_confirm (struct xj_db *db, const struct xj_actor *a,
                   const struct xj_intake_confirm *c, json_t **out)
{
  struct waits ws = { 0 };
  struct kl *k = xj_calloc (c->nclasses + 1, sizeof *k);
  json_t *jk = json_array (), *refused = json_array ();
  json_t *warned = json_array ();
  struct xj_verrs *errs = xj_calloc (1, sizeof *errs);
  int64_t done = 0;
  char at[32];
  enum xj_err e = load_classes (db, c, k);

  *out = NULL;
  if (XJ_E_OK == e)
    e = xj_zs_waiting (db, c->school_id, &wait_add, &ws);
  xj_now_iso (at);
  for (size_t i = 0; i < ws.n && XJ_E_OK == e; i++)
    if (wanted (c, ws.v[i].student))
      {
        size_t before = json_array_size (refused);

        e = confirm_one (db, a, c, &ws.v[i], k, at, errs, refused, warned);
        done += json_array_size (refused) == before;
      }
  for (size_t i = 0; i < c->nclasses; i++)
    json_array_append_new (jk, json_pack ("{s:I, s:I, s:I}", "class_id",
                                          (json_int_t) k[i].id, "students",
                                          (json_int_t) k[i].n, "girls",
                                          (json_int_t) k[i].girls));
  if (XJ_E_OK == e)
    *out = json_pack ("{s:I, s:O, s:O, s:O}", "confirmed", (json_int_t) done,
                      "classes", jk, "refused", refused,
                      "class_size_warnings", warned);
  json_decref (warned);
  json_decref (jk);
  json_decref (refused);
  free (errs);
  free (ws.v);
  free (k);
  return e;
}

/* ---- school-choice figures ---- */

static const char *const choice_keys[XJ_ZS_CHOICE_N] = {
  "admitted", "feeder", "zone", "moved", "other", "out_of_zone" };

/* counts @n as members of @o, with the out-of-zone share */
static json_t *
choice_counts (json_t *o, const int64_t n[XJ_ZS_CHOICE_N])
{
  for (int i = 0; i < XJ_ZS_CHOICE_N; i++)
    json_object_set_new (o, choice_keys[i], json_integer (n[i]));
  json_object_set_new (o, "out_of_zone_pct",
                       json_real (n[0] ? (double) (n[5] * 1000 / n[0]) / 10
                                       : 0.0));
  return o;
}

struct choice_acc {
  json_t *schools;
  int64_t total[XJ_ZS_CHOICE_N];
};

static void
choice_add (void *cls, const struct xj_zs_choice *c)
{
  struct choice_acc *a = cls;

  for (int i = 0; i < XJ_ZS_CHOICE_N; i++)
    a->total[i] += c->n[i];
  json_array_append_new (
    a->schools, choice_counts (json_pack ("{s:I, s:s, s:s}", "school_id",
                                          (json_int_t) c->school, "code",
                                          c->code, "name", c->name),
                               c->n));
}

enum xj_err
xj_school_choice_json (struct xj_db *db, const char *prefix, int year,
                       json_t **out)
{
  struct choice_acc a = { json_array (), { 0 } };
  enum xj_err e = xj_zs_school_choice (db, prefix, year, &choice_add, &a);

  *out = NULL;
  if (XJ_E_OK != e)
    {
      json_decref (a.schools);
      return e;
    }
  *out = json_pack ("{s:s, s:i, s:o, s:o}", "region", prefix, "year", year,
                    "schools", a.schools, "total",
                    choice_counts (json_object (), a.total));
  return XJ_E_OK;
}
