/* progress.c -- 升学 and re-entry of an existing record (progress.h).
 * The offer rules are pure; enrol and apply run inside the caller's
 * write transaction.  SQL in progress_store.c.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "change/progress.h"
#include "dropout/dropout.h"
#include "core/util.h"
#include "klass/klass.h"
#include "school/school.h"
#include "student/student_json.h"
#include "student/student_store.h"
#include "validate/codes.h"

const char *
xj_progress_kind_name (enum xj_progress_kind k)
{
  switch (k)
    {
    case XJ_PG_TRANSFER: return "transfer";
    case XJ_PG_PROMOTE: return "promote";
    case XJ_PG_REENTER: return "reenter";
    case XJ_PG_NONE: break;
    }
  return "none";
}

int
xj_progress_grade_seq (const char *g)
{
  if (NULL == g || 2 != strlen (g) || g[1] < '1' || g[1] > '6')
    return 0;
  switch (g[0])
    {
    case '1': return g[1] - '0';
    case '2': return g[1] <= '4' ? 6 + (g[1] - '0') : 0;
    case '3':
    case '4': return g[1] <= '3' ? 9 + (g[1] - '0') : 0;
    default: return 0;
    }
}

static bool
is (const char *a, const char *b)
{
  return 0 == strcmp (a, b);
}

static void
offer_add (struct xj_progress_offer *o, const char *grade, bool approval)
{
  if (o->n >= XJ_PROGRESS_MAX_GRADES)
    return;
  xj_strlcpy (o->grades[o->n], grade, sizeof o->grades[0]);
  o->approval[o->n++] = approval;
}

/* 升学 grades from final grade @grade into a school of @stage: the entry
   grade of the next stage (初一; 高一 or 中职一年级). */
static void
promote_grades (const char *stage, const char *grade,
                struct xj_progress_offer *o)
{
  static const char *const senior[] = { "31", "41" };

  if (is (grade, "16"))
    {
      if (xj_school_stage_has_grade (stage, "21"))
        offer_add (o, "21", false);
      return;
    }
  for (int i = 0; i < 2; i++)
    if (xj_school_stage_has_grade (stage, senior[i]))
      offer_add (o, senior[i], false);
}

void
xj_progress_offer_for (const char *stage, const char *status,
                       const char *grade, bool same_school,
                       struct xj_progress_offer *o)
{
  static const char *const all[] = { "11", "12", "13", "14", "15", "16",
                                     "21", "22", "23", "24", "31", "32",
                                     "33", "41", "42", "43" };
  int seq = xj_progress_grade_seq (grade);

  memset (o, 0, sizeof *o);
  xj_strlcpy (o->status, status, sizeof o->status);
  xj_strlcpy (o->grade, grade, sizeof o->grade);
  if (is (status, "deceased"))
    return;
  if (is (status, "enrolled") || is (status, "suspended"))
    {
      o->kind = same_school ? XJ_PG_NONE : XJ_PG_TRANSFER;
      return;
    }
  if ((is (status, "graduated") || is (status, "completed"))
      && xj_grade_final (grade))
    {
      promote_grades (stage, grade, o);
      if (o->n)
        {
          o->kind = XJ_PG_PROMOTE;
          return;
        }
    }
  /* re-entry: every grade the school teaches; the county approves one
     more than a grade away from where the record ended */
  o->kind = XJ_PG_REENTER;
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (xj_school_stage_has_grade (stage, all[i]))
      {
        int d = xj_progress_grade_seq (all[i]) - seq;

        offer_add (o, all[i], d > 1 || d < -1);
      }
}

enum xj_err
xj_change_precheck_progress (const struct xj_change_check *c)
{
  static const char *const ended[] = { "graduated", "completed",
                                       "incomplete", "withdrawn", "expelled",
                                       "abroad", "left", "cancelled" };

  if (XJ_CH_PROMOTE == c->type)
    return (is (c->status, "graduated") || is (c->status, "completed"))
               && xj_grade_final (c->grade)
             ? XJ_E_OK
             : XJ_E_PROGRESS_NOT_GRADUATE;
  for (size_t i = 0; i < sizeof ended / sizeof ended[0]; i++)
    if (is (c->status, ended[i]))
      return XJ_E_OK;
  return XJ_E_REENTRY_REFUSED;
}

json_t *
xj_progress_offer_json (const struct xj_progress_offer *o)
{
  json_t *g = json_array ();
  const char *sl = xj_code_zh ("status", o->status);
  const char *gl = xj_code_zh ("grade", o->grade);

  for (unsigned i = 0; i < o->n; i++)
    {
      const char *l = xj_code_zh ("grade", o->grades[i]);

      json_array_append_new (g, json_pack ("{s:s, s:s, s:b}", "grade",
                                           o->grades[i], "label",
                                           l ? l : o->grades[i], "approval",
                                           o->approval[i]));
    }
  return json_pack ("{s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "kind",
                    xj_progress_kind_name (o->kind), "student_id",
                    (json_int_t) o->student_id, "status", o->status,
                    "status_label", sl ? sl : o->status, "grade", o->grade,
                    "grade_label", gl ? gl : o->grade, "grades", g);
}

enum xj_err
xj_progress_offer_load (struct xj_db *db, int64_t student_id,
                        int64_t school_id, struct xj_progress_offer *out)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_school sch;
  enum xj_err e = xj_student_load (db, student_id, s);

  if (XJ_E_OK == e)
    e = xj_school_get (db, school_id, &sch);
  if (XJ_E_OK == e)
    {
      xj_progress_offer_for (sch.stage, s->status, s->grade,
                             s->school_id == school_id, out);
      out->student_id = student_id;
    }
  free (s);
  return e;
}

/* ---- the effect ---- */

static void
school_json (json_t *o, const char *key, const struct xj_school *sc)
{
  json_object_set_new (o, key, json_pack ("{s:I, s:s, s:s}", "id",
                                          (json_int_t) sc->id, "name",
                                          sc->name, "code", sc->code));
}

/* before/after of the event: status, grade, class and both schools */
static void
move_record (struct xj_student *s, const struct xj_progress_move *m,
             const struct xj_school *to, json_t *before, json_t *after)
{
  int y, mo, d;

  json_object_set_new (before, "status", json_string (s->status));
  json_object_set_new (before, "grade", json_string (s->grade));
  json_object_set_new (before, "class_id", s->class_id
                                              ? json_integer (s->class_id)
                                              : json_null ());
  xj_strlcpy (s->status, "enrolled", sizeof s->status);
  xj_strlcpy (s->grade, m->grade, sizeof s->grade);
  s->school_id = to->id;
  s->class_id = m->class_id;
  xj_today (&y, &mo, &d);
  xj_snprintf (s->enrol_ym, sizeof s->enrol_ym, "%04d%02d", y, mo);
  if (XJ_PG_PROMOTE == m->kind)
    xj_strlcpy (s->enrol_mode, xj_grade_compulsory (m->grade)
                                 ? (is (m->route, "direct") ? "12" : "11")
                                 : "21",
                sizeof s->enrol_mode);
  json_object_set_new (after, "status", json_string (s->status));
  json_object_set_new (after, "grade", json_string (s->grade));
  json_object_set_new (after, "class_id", m->class_id
                                             ? json_integer (m->class_id)
                                             : json_null ());
  json_object_set_new (after, "enrol_ym", json_string (s->enrol_ym));
  json_object_set_new (after, "route", json_string (m->route));
  if (m->reason && *m->reason)
    json_object_set_new (after, "reason", json_string (m->reason));
  if (m->request_id)
    json_object_set_new (after, "request_id", json_integer (m->request_id));
  school_json (after, "to_school", to);
}

enum xj_err
xj_progress_apply (struct xj_db *db, const struct xj_actor *a,
                   const struct xj_progress_move *m, int64_t *progression_id)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_school from, to;
  json_t *before = json_object (), *after = json_object ();
  char *tb = NULL, *ta = NULL, at[32], idbuf[24];
  char from_grade[4], from_status[16];
  enum xj_err e = xj_student_load (db, m->student_id, s);

  if (XJ_E_OK == e)
    e = xj_school_get (db, s->school_id, &from);
  if (XJ_E_OK == e)
    e = xj_school_get (db, m->to_school, &to);
  if (XJ_E_OK != e)
    goto out;
  /* the one grade check; its warnings replace the record's */
  if (XJ_E_OK != (e = xj_student_grade_move (db, s, &to, m->grade, m->errs,
                                             NULL, true)))
    goto out;
  xj_strlcpy (from_grade, s->grade, sizeof from_grade);
  xj_strlcpy (from_status, s->status, sizeof from_status);
  school_json (before, "from_school", &from);
  move_record (s, m, &to, before, after);
  tb = json_dumps (before, JSON_COMPACT | JSON_SORT_KEYS);
  ta = json_dumps (after, JSON_COMPACT | JSON_SORT_KEYS);
  e = xj_student_store_place (db, s, s->version, a,
                              XJ_PG_PROMOTE == m->kind ? "progress.promote"
                                                       : "progress.reenter",
                              tb, ta);
  if (XJ_E_OK == e)
    e = xj_class_size_admit (db, m->class_id, s->id, "progress", a,
                             m->class_size);
  xj_now_iso (at);
  if (XJ_E_OK == e)
    e = xj_progress_store_insert (
      db,
      &(struct xj_progression_row) {
        .kind = xj_progress_kind_name (m->kind), .student_id = s->id,
        .from_school = from.id, .to_school = to.id, .to_class = m->class_id,
        .request_id = m->request_id, .from_grade = from_grade,
        .from_status = from_status, .to_grade = m->grade,
        .route = m->route, .reason = m->reason ? m->reason : "", .at = at,
        .actor = a->username, .out_of_zone = m->out_of_zone },
      progression_id);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) s->id);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, a, XJ_PG_PROMOTE == m->kind
                                  ? "student.promote"
                                  : "student.reenter",
                         "student", idbuf, tb, ta);
  /* back in a class: an open dropout case closes (动态销号) */
  if (XJ_E_OK == e)
    e = xj_dropout_on_status (db, a, s->id, s->grade, from_status,
                              s->status, XJ_PG_PROMOTE == m->kind
                                           ? "升学" : "重新入学");
out:
  free (tb);
  free (ta);
  json_decref (before);
  json_decref (after);
  free (s);
  return e;
}

/* ---- a school asks ---- */

/* The record @n names, visible to anyone who knows its full number. */
static enum xj_err
find_record (struct xj_db *db, const struct xj_progress_new *n,
             int64_t *student_id)
{
  struct xj_student_lookup l;
  enum xj_err e = xj_student_lookup (db, n->id_no, n->registry_no, &l);

  *student_id = XJ_E_OK == e ? l.id : 0;
  return e;
}

/* The offered grade @grade (or the single 升学 grade when empty) into
   @out; *approval when the county must approve. */
static enum xj_err
pick_grade (const struct xj_progress_offer *o, const char *grade,
            char out[4], bool *approval)
{
  if ((NULL == grade || '\0' == *grade) && XJ_PG_PROMOTE == o->kind)
    grade = o->grades[0];
  for (unsigned i = 0; grade && i < o->n; i++)
    if (is (o->grades[i], grade))
      {
        xj_strlcpy (out, grade, 4);
        *approval = o->approval[i];
        return XJ_E_OK;
      }
  return XJ_PG_PROMOTE == o->kind ? XJ_E_PROGRESS_GRADE : XJ_E_REENTRY_GRADE;
}

enum xj_err
xj_progress_check_class (struct xj_db *db, int64_t class_id,
                         int64_t school_id, const char *grade)
{
  struct xj_class c;
  int64_t year_id, next_id;
  int sy;
  enum xj_err e;

  if (0 == class_id)
    return XJ_E_OK;
  /* this school year's class, or (in the summer, after year-end) the
     next year's */
  if (XJ_E_OK != (e = xj_year_current (db, &year_id, &sy))
      || XJ_E_OK != (e = xj_year_get_or_create (db, sy + 1, &next_id)))
    return e;
  if (XJ_E_OK != xj_class_get (db, class_id, &c) || c.school_id != school_id
      || ! is (c.grade, grade) || (c.year_id != year_id
                                   && c.year_id != next_id))
    return XJ_E_NO_SUCH_CLASS;
  return XJ_E_OK;
}

/* Does the offer match what was asked?  A graduate asked to re-enter is
   pointed to 升学 and the other way round. */
static enum xj_err
kind_ok (const struct xj_progress_offer *o, enum xj_progress_kind asked)
{
  if (o->kind == asked)
    return XJ_E_OK;
  if (XJ_PG_PROMOTE == asked)
    return XJ_E_PROGRESS_NOT_GRADUATE;
  return XJ_E_REENTRY_REFUSED;
}

enum xj_err
xj_progress_enrol (struct xj_db *db, const struct xj_user *u,
                   const struct xj_actor *a, const struct xj_progress_new *n,
                   struct xj_progress_result *res, const char **field)
{
  struct xj_progress_offer o;
  struct xj_student_ctx ctx;
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_school to;
  struct xj_progress_move m = { .kind = n->kind, .reason = n->reason,
                                .route = n->route ? n->route : "direct",
                                .out_of_zone = n->out_of_zone,
                                .class_id = n->class_id,
                                .class_size = &res->class_size };
  char grade[4];
  bool approval = false;
  enum xj_err e;

  memset (res, 0, sizeof *res);
  *field = n->id_no ? "id_no" : "registry_no";
  if (XJ_E_OK != (e = find_record (db, n, &m.student_id))
      || XJ_E_OK != (e = xj_student_load_ctx (db, m.student_id, s, &ctx)))
    goto out;
  res->student_id = m.student_id;
  *field = "school_id";
  if (XJ_E_OK != (e = xj_school_get (db, n->school_id, &to)))
    {
      e = XJ_E_NO_SUCH_SCHOOL;
      goto out;
    }
  m.to_school = to.id;
  xj_progress_offer_for (to.stage, s->status, s->grade,
                         s->school_id == to.id, &o);
  *field = "student";
  if (XJ_E_OK != (e = kind_ok (&o, n->kind)))
    goto out;
  *field = "grade";
  if (XJ_E_OK != (e = pick_grade (&o, n->grade, grade, &approval)))
    goto out;
  m.grade = grade;
  if (XJ_E_OK != (e = xj_student_grade_move (db, s, &to, grade, n->errs,
                                             n->warns, false)))
    goto out;
  *field = "class_id";
  if (XJ_E_OK != (e = xj_progress_check_class (db, n->class_id, to.id,
                                                   grade)))
    goto out;
  *field = NULL;
  /* across counties (升学) or far from the record's grade (re-entry):
     through the change workflow */
  if ((XJ_PG_PROMOTE == n->kind && ! is (ctx.county_code, to.county_code))
      || (XJ_PG_REENTER == n->kind && approval))
    e = xj_change_create_progress (
      db, u, a,
      &(struct xj_change_progress) {
        .type = XJ_PG_PROMOTE == n->kind ? XJ_CH_PROMOTE : XJ_CH_REENTER,
        .student_id = m.student_id, .to_school_id = to.id,
        .to_class_id = n->class_id, .grade = grade,
        .reason = n->reason ? n->reason : "", .route = m.route,
        .out_of_zone = n->out_of_zone },
      &res->request_id);
  else
    e = xj_progress_apply (db, a, &m, &res->progression_id);
out:
  free (s);
  return e;
}
