/* attend_suspects.c -- the detection half of 控辍保学: students whose
 * unexcused absences reach the 疑似辍学 / 辍学 thresholds
 * (xj_att_suspects, exported for the dropout-case module).  One pass
 * per county of the scope: its calendar, then its unexcused absences of
 * the school year in (student, day) order folded into a tally per
 * student (attend.c); the flagged few are looked up afterwards.  A read
 * in the caller's transaction; no HTTP.
 */
#include <stdlib.h>
#include <string.h>
#include "attend/attend.h"
#include "core/util.h"
#include "validate/validate.h"


struct flagged {
  int64_t student_id;
  struct xj_att_tally t;
  enum xj_att_level level;
};

struct scan {
  const struct xj_att_cal *cal;
  const struct xj_att_thresholds *th;
  int as_of;
  int64_t cur;                /* student being folded, 0 = none */
  struct xj_att_tally t;
  struct flagged *v;
  size_t n, cap;
};

static void
scan_flush (struct scan *s)
{
  enum xj_att_level l;

  if (0 == s->cur)
    return;
  l = xj_att_level_of (&s->t, s->th);
  if (XJ_ATT_NONE != l)
    {
      struct flagged *f = XJ_VEC_PUSH (s->v, s->n, s->cap);

      f->student_id = s->cur;
      f->t = s->t;
      f->level = l;
    }
  s->cur = 0;
}

static int
scan_row (void *cls, const struct xj_db_row *r)
{
  struct scan *s = cls;
  int64_t id = xj_db_int (r, 0);

  if (id != s->cur)
    {
      scan_flush (s);
      s->cur = id;
      memset (&s->t, 0, sizeof s->t);
    }
  xj_att_tally_add (&s->t, s->cal, s->as_of, (int) xj_db_int (r, 1),
                    (int) xj_db_int (r, 2));
  return 0;
}

struct county_list {
  char (*v)[8];
  size_t n, cap;
};

static int
county_row (void *cls, const struct xj_db_row *r)
{
  struct county_list *l = cls;

  xj_strlcpy (*XJ_VEC_PUSH (l->v, l->n, l->cap), xj_db_text (r, 0), 8);
  return 0;
}

/* Fold county @county's unexcused absences of the year into @s. */
static enum xj_err
scan_county (struct xj_db *db, const struct xj_scope *scope,
             int64_t school_id, const char *county, struct scan *s)
{
  struct xj_att_cal cal;
  enum xj_qs qs;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_att_cal_load (db, county,
                                       xj_valid_school_year (s->as_of),
                                       &cal)))
    return e;
  s->cal = &cal;
  s->cur = 0;
  qs = xj_att_store_unexcused (db, county, scope->school_id, school_id,
                               cal.start_year * 10000 + 901, s->as_of,
                               &scan_row, s);
  scan_flush (s);
  xj_att_cal_fini (&cal);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct out_row {
  struct xj_att_suspect s;
  char name[200], regno[24], school[200], klass[64], status[16];
};

static int
student_row (void *cls, const struct xj_db_row *r)
{
  struct out_row *o = cls;

  xj_strlcpy (o->name, xj_db_text (r, 0), sizeof o->name);
  xj_strlcpy (o->regno, xj_db_text (r, 1), sizeof o->regno);
  o->s.school_id = xj_db_int (r, 2);
  xj_strlcpy (o->school, xj_db_text (r, 3), sizeof o->school);
  o->s.class_id = xj_db_int (r, 4);
  xj_strlcpy (o->klass, xj_db_text (r, 5), sizeof o->klass);
  xj_strlcpy (o->status, xj_db_text (r, 6), sizeof o->status);
  return 1;
}

/* Hand each flagged student still enrolled to @cb. */
static enum xj_err
report (struct xj_db *db, const struct scan *s, xj_att_suspect_cb cb,
        void *cls)
{
  for (size_t i = 0; i < s->n; i++)
    {
      struct out_row o;
      enum xj_qs qs;

      memset (&o, 0, sizeof o);
      qs = xj_att_store_suspect_student (db, s->v[i].student_id,
                                         &student_row, &o);
      if (qs < 0)
        return xj_db_qs_err (qs);
      if (XJ_QS_NONE == qs || 0 != strcmp (o.status, "enrolled"))
        continue;
      o.s.student_id = s->v[i].student_id;
      o.s.name = o.name;
      o.s.registry_no = o.regno;
      o.s.school_name = o.school;
      o.s.class_name = o.klass;
      o.s.level = s->v[i].level;
      o.s.t = s->v[i].t;
      cb (cls, &o.s);
    }
  return XJ_E_OK;
}

enum xj_err
xj_att_suspects (struct xj_db *db, const struct xj_scope *scope,
                 int64_t school_id, int as_of, xj_att_suspect_cb cb,
                 void *cls)
{
  struct xj_att_thresholds th;
  struct county_list cl = { NULL, 0, 0 };
  struct scan s = { .as_of = as_of, .th = &th };
  enum xj_qs qs;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_att_thresholds_get (db, &th)))
    return e;
  qs = xj_att_store_counties (db, scope->prefix, scope->school_id,
                              school_id, &county_row, &cl);
  e = qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
  for (size_t i = 0; i < cl.n && XJ_E_OK == e; i++)
    e = scan_county (db, scope, school_id, cl.v[i], &s);
  if (XJ_E_OK == e)
    e = report (db, &s, cb, cls);
  free (cl.v);
  free (s.v);
  return e;
}
