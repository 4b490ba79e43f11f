/* dash_more.c -- the dashboard's panels built on other modules (dash_int.h):
 * the verification round's progress (src/verify), the school year's flows
 * (src/flows) and the ghost-record review queue.  Each figure's list
 * walks the rows its figure counts, so the list's total is the figure.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "core/util.h"
#include "dash/dash_int.h"
#include "flows/flows.h"
#include "region/region.h"
#include "validate/codes.h"
#include "verify/verify.h"

/* ---- the verification round (学籍核准) ---- */

/* The unit's scope and current round as the 学籍核准 page takes them:
   the calendar of the unit's county (a school's, a class's), the
   defaults above a county. */
struct vround {
  struct xj_cs_scope sc;
  int year, term;
};

static enum xj_err
vround_of (struct xj_db *db, const struct xj_dash_q *q, struct vround *r)
{
  const char *county = 6 == strlen (q->unit.prefix) ? q->unit.prefix : "";

  r->sc = (struct xj_cs_scope) { q->unit.prefix, q->unit.school_id };
  return xj_verify_round_of (db, county, xj_cal_today (), &r->year,
                             &r->term);
}

static int64_t
iv (const json_t *o, const char *key)
{
  return json_integer_value (json_object_get (o, key));
}

/* A child unit's row of the panel from a progress object @p (a school,
   a class, or a sum of schools). */
static json_t *
vrow (const char *code, const char *name, const json_t *p)
{
  return json_pack ("{s:s, s:s, s:I, s:I, s:I, s:O}", "code", code, "name",
                    name, "students", (json_int_t) iv (p, "students"),
                    "settled", (json_int_t) iv (p, "settled"), "verified",
                    (json_int_t) iv (p, "verified"), "done",
                    json_object_get (p, "done"));
}

/* Schools summed per child region (prefix of @len digits) for the levels
   above a county; @rows gets one row each, in code order. */
static void
vrows_regions (struct xj_db *db, const json_t *schools, size_t len,
               json_t *rows)
{
  json_t *acc = json_object (), *s, *o;
  const char *k;
  size_t i;

  json_array_foreach (schools, i, s)
    {
      char code[8];

      xj_snprintf (code, sizeof code, "%.*s", (int) len,
                   json_string_value (json_object_get (s, "county_code")));
      if (NULL == (o = json_object_get (acc, code)))
        json_object_set_new (acc, code, o = json_pack (
                               "{s:I, s:I, s:I, s:b}", "students",
                               (json_int_t) 0, "settled", (json_int_t) 0,
                               "verified", (json_int_t) 0, "done", 1));
      for (const char *const *f = (const char *const[]) { "students",
                                                          "settled",
                                                          "verified", NULL };
           *f; f++)
        json_object_set_new (o, *f, json_integer (iv (o, *f) + iv (s, *f)));
      if (! json_is_true (json_object_get (s, "done")))
        json_object_set_new (o, "done", json_false ());
    }
  json_object_foreach (acc, k, o)
    {
      struct xj_region reg;

      json_array_append_new (
        rows, vrow (k, XJ_E_OK == xj_region_get (db, k, &reg) ? reg.name : k,
                    o));
    }
  json_decref (acc);
}

/* The child units' rows: a county's schools, a school's classes, the
   regions below a province or city (none for a class). */
static json_t *
vrows (struct xj_db *db, const struct xj_dash_q *q, const json_t *prog)
{
  json_t *rows = json_array (), *x;
  const char *list = XJ_DASH_SCHOOL == q->unit.level ? "classes" : "schools";
  size_t i;

  if (XJ_DASH_CLASS == q->unit.level)
    return rows;
  if (q->unit.level < XJ_DASH_COUNTY)
    {
      vrows_regions (db, json_object_get (prog, "schools"),
                     2 * ((size_t) q->unit.level + 1), rows);
      return rows;
    }
  json_array_foreach (json_object_get (prog, list), i, x)
    {
      const char *g = json_string_value (json_object_get (x, "grade"));
      const char *gl = g ? xj_code_zh ("grade", g) : "";
      char code[24], name[256];

      xj_snprintf (code, sizeof code, "%lld", (long long) iv (x, "id"));
      xj_snprintf (name, sizeof name, "%s%s", gl ? gl : g,
                   json_string_value (json_object_get (x, "name")));
      json_array_append_new (rows, vrow (code, name, x));
    }
  return rows;
}

/* The figures of @p (totals, a school, a class) into @out. */
static void
vfigures (const json_t *p, json_t *out)
{
  int64_t n = iv (p, "students"), s = iv (p, "settled"),
          v = iv (p, "verified");

  json_object_set_new (out, "students", json_integer (n));
  json_object_set_new (out, "settled", json_integer (s));
  json_object_set_new (out, "verified", json_integer (v));
  json_object_set_new (out, "corrected", json_integer (s - v));
  json_object_set_new (out, "pending", json_integer (n - s));
}

/* The class of the unit in a school's progress (zeros when it has no
   在读 student). */
static const json_t *
vclass (const json_t *prog, int64_t class_id)
{
  size_t i;
  json_t *c;

  json_array_foreach (json_object_get (prog, "classes"), i, c)
    if (iv (c, "id") == class_id)
      return c;
  return NULL;
}

enum xj_err
xj_dash_verify (struct xj_db *db, const struct xj_dash_q *q, json_t **out)
{
  struct vround r;
  json_t *prog = NULL, *t;
  enum xj_err e = vround_of (db, q, &r);

  if (XJ_E_OK == e)
    e = xj_verify_progress (db, &r.sc, r.year, r.term, &prog);
  if (XJ_E_OK != e)
    return e;
  t = json_object_get (prog, "totals");
  /* rows: the child units, "level" names their kind */
  *out = json_pack ("{s:i, s:i, s:s, s:o}", "school_year", r.year, "term",
                    r.term, "level", XJ_DASH_CLASS == q->unit.level
                                       ? ""
                                       : xj_dash_level_name (
                                           (enum xj_dash_level) (
                                             q->unit.level + 1)),
                    "rows", vrows (db, q, prog));
  if (XJ_DASH_CLASS == q->unit.level)
    vfigures (vclass (prog, q->unit.class_id), *out);
  else
    vfigures (t, *out);
  for (const char *const *k = (const char *const[]) {
         "schools", "schools_done", "schools_late", "classes", "classes_done",
         NULL };
       XJ_DASH_CLASS != q->unit.level && *k; k++)
    json_object_set_new (*out, *k, json_integer (iv (t, *k)));
  json_decref (prog);
  return XJ_E_OK;
}

struct vdrill {
  int want;             /* 0 students, 1 settled, 2 verified, 3 corrected,
                           4 pending */
  xj_dash_id_cb cb;
  void *cls;
};

static void
vdrill_match (void *cls, int64_t student, bool settled, bool verified)
{
  struct vdrill *d = cls;
  bool in[] = { true, settled, verified, settled && ! verified, ! settled };

  if (in[d->want])
    d->cb (d->cls, student);
}

/* Key: "students", "settled", "verified", "corrected" or "pending". */
enum xj_err
xj_dash_verify_students (struct xj_db *db, const struct xj_dash_q *q,
                         const char *key, xj_dash_id_cb cb, void *cls)
{
  static const char *const keys[] = { "students", "settled", "verified",
                                      "corrected", "pending" };
  struct vdrill d = { 0, cb, cls };
  struct vround r;
  enum xj_err e;

  while (d.want < 5 && 0 != strcmp (keys[d.want], key))
    d.want++;
  if (5 == d.want)
    return XJ_E_BAD_PARAM;
  if (XJ_E_OK != (e = vround_of (db, q, &r)))
    return e;
  return xj_verify_students (db, &r.sc, q->unit.class_id, r.year, r.term,
                             &vdrill_match, &d);
}

/* ---- the school year's flows ---- */

/* Moves are counted per school: a class has none of its own. */
#define FLOWS_NOT_AT_CLASS "流动按学校统计，班级层级不适用，请查看所在学校"

static void
flows_scope (const struct xj_dash_q *q, struct xj_scope *sc)
{
  memset (sc, 0, sizeof *sc);
  xj_strlcpy (sc->prefix, q->unit.prefix, sizeof sc->prefix);
  sc->school_id = q->unit.school_id;
}

enum xj_err
xj_dash_flows (struct xj_db *db, const struct xj_dash_q *q, json_t **out)
{
  struct xj_scope sc;
  enum xj_err e;

  if (XJ_DASH_CLASS == q->unit.level)
    {
      *out = json_pack ("{s:b, s:s}", "available", 0, "note",
                        FLOWS_NOT_AT_CLASS);
      return XJ_E_OK;
    }
  flows_scope (q, &sc);
  e = xj_flows_summary (db, &sc, q->year_start, q->asof, out);
  if (XJ_E_OK == e)
    json_object_set_new (*out, "available", json_true ());
  return e;
}

/* Key: a direction ("in", "out", "internal") or "TYPE|DIRECTION" (a
   cell of by_type): the students of the moves behind it, from
   1 September to asof.  None at a class (XJ_E_BAD_PARAM). */
enum xj_err
xj_dash_flows_students (struct xj_db *db, const struct xj_dash_q *q,
                        const char *key, xj_dash_id_cb cb, void *cls)
{
  struct xj_flows_filter f = { .level = q->unit.school_id ? "school"
                                                          : "county" };
  const char *bar = strchr (key, '|'), *field;
  char type[24] = "";
  struct xj_scope sc;
  enum xj_err e;

  if (XJ_DASH_CLASS == q->unit.level || '\0' == *key
      || (bar && (size_t) (bar - key) >= sizeof type))
    return XJ_E_BAD_PARAM;
  if (bar)
    {
      memcpy (type, key, (size_t) (bar - key));
      type[bar - key] = '\0';
      f.type = type;
    }
  f.direction = bar ? bar + 1 : key;
  if ('\0' == *f.direction || (bar && '\0' == type[0]))
    return XJ_E_BAD_PARAM;
  e = xj_flows_filter_check (&f, q->year_start, q->asof, &field);
  if (XJ_E_OK != e)
    return e;
  flows_scope (q, &sc);
  return xj_flows_student_ids (db, &sc, &f, cb, cls);
}

/* ---- the ghost-record queue ---- */

enum xj_err
xj_dash_ghosts (struct xj_db *db, const struct xj_dash_q *q, json_t **out)
{
  return xj_dash_count_panel (db, q, &xj_dash_store_ghosts, "open", out);
}

/* Key "open": students with a candidate awaiting the bureau's review. */
enum xj_err
xj_dash_ghosts_students (struct xj_db *db, const struct xj_dash_q *q,
                         const char *key, xj_dash_id_cb cb, void *cls)
{
  if (0 != strcmp (key, "open"))
    return XJ_E_BAD_PARAM;
  return xj_dash_store_ghosts (db, XJ_DASH_SCOPE (&q->unit), cb, cls);
}
