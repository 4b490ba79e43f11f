/* verify.c -- the semester verification (学籍核准): rounds, the tick
 * rules, the class checklist, progress per class and school, the
 * county's deadline.  SQL in verify_store.c; docs/internals/verification.md.
 */
#include <stdlib.h>
#include <string.h>
#include "attend/attend.h"
#include "change/change.h"
#include "dropout/dropout.h"
#include "verify/verify_int.h"

/* ---- rounds ---- */

bool
xj_verify_round_ok (int school_year, int term)
{
  return school_year >= 2000 && school_year <= 2100
         && (1 == term || 2 == term);
}

/* The school year of @ymd: it starts on 1 September. */
static int
school_year_of (int ymd)
{
  return ymd / 10000 - ((ymd / 100 % 100) < 9 ? 1 : 0);
}

enum xj_err
xj_verify_round_of (struct xj_db *db, const char *county, int ymd,
                    int *school_year, int *term)
{
  struct xj_att_cal cal;
  enum xj_err e;

  memset (&cal, 0, sizeof cal);
  *school_year = school_year_of (ymd);
  *term = 1;
  if (XJ_E_OK != (e = xj_att_cal_load (db, county, *school_year, &cal)))
    return e;
  if (2 == xj_att_term_of (&cal, ymd))
    *term = 2;
  xj_att_cal_fini (&cal);
  return XJ_E_OK;
}

/* First day (YYYYMMDD) of round (@y, @t) in county @county. */
static enum xj_err
round_start (struct xj_db *db, const char *county, int y, int t, int *ymd)
{
  struct xj_att_cal cal;
  enum xj_err e;

  memset (&cal, 0, sizeof cal);
  if (XJ_E_OK != (e = xj_att_cal_load (db, county, y, &cal)))
    return e;
  *ymd = cal.term[t - 1].start;
  xj_att_cal_fini (&cal);
  return XJ_E_OK;
}

/* ---- ticks ---- */

bool
xj_verify_settles (bool present, bool correct, const char *correction)
{
  return (present && correct) || (correction && '\0' != correction[0]);
}

/* The correction of @t as stored: "" when verified; NULL when unknown. */
static const char *
correction_of (const struct xj_verify_tick *t)
{
  const char *c = t->correction ? t->correction : "";

  if (t->present && t->correct)
    return "";
  if ('\0' == c[0] || 0 == strcmp (c, "edit") || 0 == strcmp (c, "change"))
    return c;
  return NULL;
}

/* Is the correction of @t for @s really started?  Adds the error. */
static enum xj_err
check_correction (struct xj_db *db, const struct xj_vf_student *s,
                  const struct xj_verify_tick *t, const char *corr,
                  int school_year, int term, const char *field,
                  struct xj_verrs *errs)
{
  int start = 0;
  char since[12];
  bool yes = false;
  enum xj_err e;

  if (NULL == corr)
    {
      xj_verrs_add (errs, field, XJ_E_CODE, "更正方式只能是 edit 或 change");
      return XJ_E_OK;
    }
  if (0 == strcmp (corr, "change"))
    {
      if (t->change_id > 0
          && XJ_E_OK != (e = xj_vf_store_change_of (db, t->change_id, s->id,
                                                    &yes)))
        return e;
      if (! yes)
        xj_verrs_add (errs, field, XJ_E_VERIFY_CORRECTION,
                      "变动申请 %lld 不是该学生的申请",
                      (long long) t->change_id);
      return XJ_E_OK;
    }
  if (0 != strcmp (corr, "edit"))
    return XJ_E_OK;
  if (XJ_E_OK != (e = round_start (db, s->county, school_year, term, &start)))
    return e;
  xj_ymd_format (start, since);
  if (XJ_E_OK != (e = xj_vf_store_edited_since (db, s->id, since, &yes)))
    return e;
  if (! yes)
    xj_verrs_add (errs, field, XJ_E_VERIFY_CORRECTION,
                  "本学期（%s 起）尚未修改该学生的学籍信息", since);
  return XJ_E_OK;
}

/* Check tick @i and load its student into @s; errors into @errs. */
static enum xj_err
check_tick (struct xj_db *db, const struct xj_user *u, int school_year,
            int term, const struct xj_verify_tick *t, size_t i,
            struct xj_vf_student *s, struct xj_verrs *errs)
{
  char field[48];
  int y, tm;
  enum xj_err e;

  xj_snprintf (field, sizeof field, "ticks[%zu].student_id", i);
  e = xj_vf_store_student (db, t->student_id, s);
  if (XJ_E_NOT_FOUND == e
      || (XJ_E_OK == e
          && (XJ_ROLE_BUREAU == u->role
              || ! xj_scope_student (u, s->school_id, s->county,
                                     s->class_id))))
    {
      xj_verrs_add (errs, field, XJ_E_NOT_FOUND, "学生 %lld",
                    (long long) t->student_id);
      return XJ_E_OK;
    }
  if (XJ_E_OK != e)
    return e;
  if (0 != strcmp (s->status, "enrolled") || 0 == s->class_id)
    {
      xj_verrs_add (errs, field, XJ_E_VERIFY_STUDENT_STATUS, "学生 %lld",
                    (long long) t->student_id);
      return XJ_E_OK;
    }
  if (XJ_E_OK != (e = xj_verify_round_of (db, s->county, xj_cal_today (), &y,
                                          &tm)))
    return e;
  if (y != school_year || tm != term)
    {
      xj_verrs_add (errs, "term", XJ_E_VERIFY_ROUND_CLOSED,
                    "当前为 %d 学年第 %d 学期", y, tm);
      return XJ_E_OK;
    }
  xj_snprintf (field, sizeof field, "ticks[%zu].correction", i);
  return check_correction (db, s, t, correction_of (t), school_year, term,
                           field, errs);
}

enum xj_err
xj_verify_ticks_record (struct xj_db *db, const struct xj_user *u,
                        const struct xj_actor *a, int school_year, int term,
                        const struct xj_verify_tick *t, size_t n,
                        struct xj_verrs *errs)
{
  struct xj_vf_student *s;
  char at[32], after[96], round[16];
  enum xj_err e = XJ_E_OK;

  if (! xj_verify_round_ok (school_year, term))
    {
      xj_verrs_add (errs, "term", XJ_E_RANGE, "学年或学期无效");
      return XJ_E_VALIDATION;
    }
  s = xj_calloc (n ? n : 1, sizeof *s);
  for (size_t i = 0; i < n && XJ_E_OK == e; i++)
    e = check_tick (db, u, school_year, term, &t[i], i, &s[i], errs);
  if (XJ_E_OK == e && errs->n > 0)
    e = XJ_E_VALIDATION;
  xj_now_iso (at);
  for (size_t i = 0; i < n && XJ_E_OK == e; i++)
    e = xj_vf_store_tick (db, &s[i], school_year, term, &t[i],
                          correction_of (&t[i]), at, a);
  free (s);
  if (XJ_E_OK != e)
    return e;
  xj_snprintf (round, sizeof round, "%d-%d", school_year, term);
  xj_snprintf (after, sizeof after, "{\"round\":\"%s\",\"ticks\":%zu}",
               round, n);
  return xj_audit_append (db, a, "verify.tick", "verify_round", round, NULL,
                          after);
}

enum xj_err
xj_verify_class (struct xj_db *db, const struct xj_user *u, int64_t class_id,
                 int school_year, int term, json_t **out)
{
  struct xj_vf_class c;
  json_t *items;
  bool done = true;
  size_t i;
  json_t *it;
  enum xj_err e;

  *out = NULL;
  if (XJ_E_OK != (e = xj_vf_store_class (db, class_id, &c)))
    return e;
  if (! xj_scope_student (u, c.school_id, c.county, c.id))
    return XJ_E_NOT_FOUND;
  items = json_array ();
  if (XJ_E_OK != (e = xj_vf_store_checklist (db, class_id, school_year, term,
                                             items)))
    {
      json_decref (items);
      return e;
    }
  json_array_foreach (items, i, it)
    done = done && json_is_true (json_object_get (it, "settled"));
  *out = json_pack ("{s:{s:I, s:s, s:s, s:I, s:s}, s:i, s:i, s:b, s:o}",
                    "class", "id", (json_int_t) c.id, "name", c.name,
                    "grade", c.grade, "school_id", (json_int_t) c.school_id,
                    "school_name", c.school_name, "school_year", school_year,
                    "term", term, "done", done, "students", items);
  return XJ_E_OK;
}

/* ---- progress ---- */

struct prog {
  json_t *schools;        /* array of school objects (sorted by code) */
  json_t *classes;        /* NULL unless one school */
  json_t *by_id;          /* "id" -> school object (borrowed) */
};

static void
add_int (json_t *o, const char *key, int64_t v)
{
  json_object_set_new (o, key,
                       json_integer (json_integer_value (json_object_get (o, key))
                                     + v));
}

static void
count_cb (void *cls, const struct xj_vf_count *c)
{
  struct prog *p = cls;
  char key[24];
  json_t *s;
  bool done = c->settled >= c->students;

  xj_snprintf (key, sizeof key, "%lld", (long long) c->school_id);
  if (NULL == (s = json_object_get (p->by_id, key)))
    return;
  add_int (s, "classes", 1);
  add_int (s, "classes_done", done ? 1 : 0);
  add_int (s, "students", c->students);
  add_int (s, "settled", c->settled);
  add_int (s, "verified", c->verified);
  if (p->classes)
    json_array_append_new (
      p->classes,
      json_pack ("{s:I, s:s, s:s, s:I, s:I, s:I, s:b}", "id",
                 (json_int_t) c->id, "name", c->name, "grade", c->grade,
                 "students", (json_int_t) c->students, "settled",
                 (json_int_t) c->settled, "verified",
                 (json_int_t) c->verified, "done", done));
}

/* Deadlines and done/late per school; the totals. */
static enum xj_err
finish_progress (struct xj_db *db, json_t *schools, int y, int t,
                 json_t *totals)
{
  static const char *const sums[] = { "classes", "classes_done", "students",
                                      "settled", "verified" };
  int today = xj_cal_today ();
  size_t i;
  json_t *s;
  enum xj_err e;

  json_array_foreach (schools, i, s)
    {
      int dl = 0;
      char iso[12] = "";
      bool done = json_integer_value (json_object_get (s, "classes_done"))
                  >= json_integer_value (json_object_get (s, "classes"));
      bool late;

      e = xj_verify_deadline_get (
        db, json_string_value (json_object_get (s, "county_code")), y, t,
        &dl);
      if (XJ_E_OK != e)
        return e;
      if (dl)
        xj_ymd_format (dl, iso);
      late = dl && today > dl && ! done;
      json_object_set_new (s, "done", json_boolean (done));
      json_object_set_new (s, "deadline", dl ? json_string (iso) : json_null ());
      json_object_set_new (s, "late", json_boolean (late));
      add_int (totals, "schools", 1);
      add_int (totals, "schools_done", done ? 1 : 0);
      add_int (totals, "schools_late", late ? 1 : 0);
      for (size_t k = 0; k < sizeof sums / sizeof sums[0]; k++)
        add_int (totals, sums[k],
                 json_integer_value (json_object_get (s, sums[k])));
    }
  return XJ_E_OK;
}

enum xj_err
xj_verify_progress (struct xj_db *db, const struct xj_cs_scope *sc,
                    int school_year, int term, json_t **out)
{
  struct prog p = { json_array (), NULL, json_object () };
  json_t *totals = json_object ();
  size_t i;
  json_t *s;
  enum xj_err e;

  *out = NULL;
  if (sc->school_id > 0)
    p.classes = json_array ();
  e = xj_vf_store_schools (db, sc, p.schools);
  json_array_foreach (p.schools, i, s)
    {
      char key[24];

      xj_snprintf (key, sizeof key, "%lld",
                   (long long) json_integer_value (json_object_get (s, "id")));
      json_object_set (p.by_id, key, s);
      for (const char *const *k = (const char *const[]) {
             "classes", "classes_done", "students", "settled", "verified",
             NULL };
           *k; k++)
        json_object_set_new (s, *k, json_integer (0));
    }
  if (XJ_E_OK == e)
    e = xj_vf_store_class_counts (db, sc, school_year, term, &count_cb, &p);
  if (XJ_E_OK == e)
    e = finish_progress (db, p.schools, school_year, term, totals);
  json_decref (p.by_id);
  if (XJ_E_OK != e)
    {
      json_decref (p.schools);
      json_decref (p.classes);
      json_decref (totals);
      return e;
    }
  *out = json_pack ("{s:i, s:i, s:o, s:o}", "school_year", school_year,
                    "term", term, "totals", totals, "schools", p.schools);
  if (p.classes)
    json_object_set_new (*out, "classes", p.classes);
  return XJ_E_OK;
}

enum xj_err
xj_verify_students (struct xj_db *db, const struct xj_cs_scope *sc,
                    int64_t class_id, int school_year, int term,
                    xj_verify_student_cb cb, void *cls)
{
  return xj_vf_store_round_students (db, sc, class_id, school_year, term, cb,
                                     cls);
}

/* ---- the deadline ---- */

static void
deadline_key (const char *county, int y, int t, char *key, size_t n)
{
  xj_snprintf (key, n, "verify.deadline.%s.%d.%d", county, y, t);
}

enum xj_err
xj_verify_deadline_get (struct xj_db *db, const char *county,
                        int school_year, int term, int *ymd)
{
  char key[64], v[32];
  enum xj_err e;

  *ymd = 0;
  deadline_key (county ? county : "", school_year, term, key, sizeof key);
  if (XJ_E_OK != (e = xj_vf_store_setting (db, key, v, sizeof v)))
    return e;
  *ymd = '\0' != v[0] ? xj_ymd_parse (v) : 0;
  if (*ymd < 0)
    *ymd = 0;
  return XJ_E_OK;
}

enum xj_err
xj_verify_deadline_put (struct xj_db *db, const struct xj_actor *a,
                        const char *county, int school_year, int term,
                        const char *date)
{
  char key[64], before[32], b[64], af[64];
  enum xj_err e;

  if (NULL == date || 0 == xj_dropout_date (date))
    return XJ_E_DATE_FORMAT;
  deadline_key (county, school_year, term, key, sizeof key);
  if (XJ_E_OK != (e = xj_vf_store_setting (db, key, before, sizeof before)))
    return e;
  if (XJ_E_OK != (e = xj_vf_store_setting_put (db, key, date)))
    return e;
  xj_snprintf (b, sizeof b, "{\"deadline\":\"%s\"}", before);
  xj_snprintf (af, sizeof af, "{\"deadline\":\"%s\"}", date);
  return xj_audit_append (db, a, "verify.deadline", "settings", key,
                          '\0' != before[0] ? b : NULL, af);
}
