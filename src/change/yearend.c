/* yearend.c -- year-end promotion (升级), graduation of final grades,
 * a nine-year school's 六年级 → 初一, the next school year's classes, with
 * a preview, one-transaction apply and a rollback; who may apply and
 * when; and the deferred promotion of students whose open request
 * blocked the run (xj_yearend_request_closed).
 *
 * Runs inside the caller's transaction (apply and rollback: a write
 * transaction).  SQL lives in yearend_store.c.  Students change only
 * through xj_student_store_update (version-checked, one student_events
 * row each); classes are created through xj_class_create, the next school
 * year through xj_year_get_or_create.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "change/yearend_store.h"
#include "core/util.h"
#include "klass/klass.h"
#include "school/school.h"
#include "student/student_store.h"
#include "validate/codes.h"

/* ---- rules (pure) ---- */

enum xj_ye_kind
xj_yearend_next (const char *stage, const char *grade, char to[4])
{
  if (xj_grade_next (grade, to))
    return XJ_YE_PROMOTE;
  if (0 == strcmp (grade, "16")
      && (0 == strcmp (stage, "nine_year")
          || 0 == strcmp (stage, "twelve_year")))
    {
      xj_strlcpy (to, "21", 4);
      return XJ_YE_PRIMARY_COMPLETE;
    }
  to[0] = '\0';
  return XJ_YE_GRADUATE;
}

/* Does a school of @stage teach senior or vocational grades? */
static bool
stage_senior (const char *stage)
{
  return xj_school_stage_has_grade (stage, "31")
         || xj_school_stage_has_grade (stage, "41");
}

bool
xj_yearend_is_authority (const struct xj_user *u, const char *stage,
                         const char *county, bool senior_city)
{
  if (XJ_ROLE_ADMIN == u->role)
    return true;
  if (XJ_ROLE_BUREAU != u->role)
    return false;
  if (senior_city && stage_senior (stage))
    return 4 == strlen (u->region_code)
           && 0 == strncmp (u->region_code, county, 4);
  return 0 == strcmp (u->region_code, county);
}

bool
xj_yearend_in_window (int md, int start, int end)
{
  if (start <= end)
    return md >= start && md <= end;
  return md >= start || md <= end;   /* a window across New Year */
}

/* ---- collecting ---- */

struct ids {
  int64_t *v;
  size_t n, cap;
};

static void
ids_add (struct ids *l, int64_t id)
{
  *XJ_VEC_PUSH (l->v, l->n, l->cap) = id;
}

static int
school_cb (void *cls, const struct xj_school_row *r)
{
  ids_add (cls, r->s.id);
  return 0;
}

struct klass {
  int64_t id;
  char grade[4];
  unsigned no;
  char head[200];
};
struct klasses {
  struct klass *v;
  size_t n, cap;
};

static int
class_cb (void *cls, const struct xj_class_row *r)
{
  struct klasses *l = cls;
  struct klass *k = XJ_VEC_PUSH (l->v, l->n, l->cap);

  k->id = r->c.id;
  xj_strlcpy (k->grade, r->c.grade, sizeof k->grade);
  k->no = r->c.no;
  xj_strlcpy (k->head, r->c.head_teacher, sizeof k->head);
  return 0;
}

static const struct klass *
class_find_id (const struct klasses *l, int64_t id)
{
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].id == id)
      return &l->v[i];
  return NULL;
}

static const struct klass *
class_find (const struct klasses *l, const char *grade, unsigned no)
{
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].no == no && 0 == strcmp (l->v[i].grade, grade))
      return &l->v[i];
  return NULL;
}

struct stus {
  struct xj_ye_student *v;
  size_t n, cap;
};

static void
stu_cb (void *cls, const struct xj_ye_student *s)
{
  struct stus *l = cls;

  *XJ_VEC_PUSH (l->v, l->n, l->cap) = *s;
}

/* Next year's class (@grade, @no) of @school: existing one from @next or
   a new one (added to @next, recorded as created by @run_id). */
static enum xj_err
next_class (struct xj_db *db, int64_t run_id, int64_t school,
            int64_t year_id, struct klasses *next, const char *grade,
            unsigned no, const char *head, int64_t *id)
{
  const struct klass *k = class_find (next, grade, no);
  struct xj_class c;
  struct klass *nk;
  enum xj_err e;

  if (k)
    {
      *id = k->id;
      return XJ_E_OK;
    }
  memset (&c, 0, sizeof c);
  c.school_id = school;
  c.year_id = year_id;
  xj_strlcpy (c.grade, grade, sizeof c.grade);
  c.no = no;
  xj_strlcpy (c.head_teacher, head, sizeof c.head_teacher);
  if (XJ_E_OK != (e = xj_class_create (db, &c, NULL))
      || XJ_E_OK != (e = xj_ye_store_class_created (db, run_id, c.id)))
    return e;
  nk = XJ_VEC_PUSH (next->v, next->n, next->cap);
  nk->id = c.id;
  xj_strlcpy (nk->grade, grade, sizeof nk->grade);
  nk->no = no;
  nk->head[0] = '\0';
  *id = c.id;
  return XJ_E_OK;
}

static const char *
event_kind (enum xj_ye_kind k)
{
  switch (k)
    {
    case XJ_YE_PROMOTE: return "yearend.promote";
    case XJ_YE_GRADUATE: return "yearend.graduate";
    case XJ_YE_PRIMARY_COMPLETE: return "yearend.primary_completed";
    }
  return "yearend.promote";
}

static const char *
outcome_name (enum xj_ye_kind k)
{
  return XJ_YE_GRADUATE == k ? "graduated"
         : XJ_YE_PRIMARY_COMPLETE == k ? "primary_completed"
                                       : "promoted";
}

/* One student's year-end step (apply): promote, graduate or move a
   nine-year school's 六年级 on; the year_end_items row, and for the end
   of a stage a graduations row of (@school, @sy). */
static enum xj_err
move_student (struct xj_db *db, const struct xj_actor *a, int64_t run_id,
              int sy, int64_t id, enum xj_ye_kind kind, const char *to_grade,
              int64_t to_class, const char *completed)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  char *tb = NULL, *ta = NULL, at[32];
  struct xj_ye_move m = { .student_id = id };
  char old_grade[4], old_status[16];
  json_t *j;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_student_load (db, id, s)))
    goto out;
  xj_strlcpy (old_grade, s->grade, sizeof old_grade);
  xj_strlcpy (old_status, s->status, sizeof old_status);
  m.old_class = s->class_id;
  j = json_pack ("{s:s, s:o, s:s}", "grade", s->grade, "class_id",
                 s->class_id ? json_integer (s->class_id) : json_null (),
                 "status", s->status);
  tb = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (j);
  if (XJ_YE_GRADUATE == kind)
    xj_strlcpy (s->status, completed ? "completed" : "graduated",
                sizeof s->status);
  else
    {
      xj_strlcpy (s->grade, to_grade, sizeof s->grade);
      s->class_id = to_class;
    }
  j = json_pack ("{s:s, s:o, s:s, s:I, s:i}", "grade", s->grade, "class_id",
                 s->class_id ? json_integer (s->class_id) : json_null (),
                 "status", s->status, "run_id", (json_int_t) run_id,
                 "school_year", sy);
  if (completed)
    json_object_set_new (j, "reason", json_string (completed));
  ta = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (j);
  e = xj_student_store_update (db, s, s->version, a, event_kind (kind), tb,
                               ta);
  m.old_grade = old_grade;
  m.old_status = old_status;
  m.new_grade = s->grade;
  m.new_status = s->status;
  m.new_class = s->class_id;
  m.version_after = s->version;
  if (XJ_E_OK == e)
    e = xj_ye_store_item_insert (db, run_id, &m);
  xj_now_iso (at);
  if (XJ_E_OK == e && XJ_YE_PROMOTE != kind)
    e = xj_ye_store_graduation_insert (
      db, &(struct xj_ye_graduation) { .student_id = id,
                                       .school_id = s->school_id,
                                       .run_id = run_id, .grade = old_grade,
                                       .outcome = completed
                                                    ? "completed"
                                                    : outcome_name (kind),
                                       .school_year = sy, .at = at });
out:
  free (tb);
  free (ta);
  free (s);
  return e;
}

/* ---- one school ---- */

struct plan {
  struct xj_db *db;
  const struct xj_actor *a;
  struct xj_school sch;
  int64_t run_id, to_year_id;
  int sy;
  struct klasses cur, next;
  struct stus st;
  json_t *jclasses, *jblocked, *jgrads;
  int64_t prom, grad, moved, compl;
  const struct xj_yearend_scope *sc;
  size_t *marked;     /* 结业 marks used so far in the run */
};

/* The 结业 reason the authority gave for @id, or NULL (毕业). */
static const char *
completed_reason (const struct plan *p, int64_t id)
{
  for (size_t i = 0; p->sc && i < p->sc->ncompleted; i++)
    if (p->sc->completed[i].student_id == id)
      return p->sc->completed[i].reason;
  return NULL;
}

/* This year's classes as JSON, and (apply) next year's classes: each
   class moved up, a new entry grade like this year's. */
static enum xj_err
plan_classes (struct plan *p)
{
  enum xj_err e;

  for (size_t i = 0; i < p->cur.n; i++)
    {
      const struct klass *k = &p->cur.v[i];
      char to[4];
      int64_t cid;
      enum xj_ye_kind kind = xj_yearend_next (p->sch.stage, k->grade, to);

      json_array_append_new (
        p->jclasses,
        json_pack ("{s:I, s:s, s:i, s:o}", "class_id", (json_int_t) k->id,
                   "grade", k->grade, "no", (int) k->no, "to_grade",
                   XJ_YE_GRADUATE == kind ? json_null ()
                                          : json_string (to)));
      if (! p->run_id)
        continue;
      if (XJ_YE_GRADUATE != kind
          && XJ_E_OK != (e = next_class (p->db, p->run_id, p->sch.id,
                                         p->to_year_id, &p->next, to, k->no,
                                         k->head, &cid)))
        return e;
      if ('1' == k->grade[1]
          && XJ_E_OK != (e = next_class (p->db, p->run_id, p->sch.id,
                                         p->to_year_id, &p->next, k->grade,
                                         k->no, "", &cid)))
        return e;
    }
  return XJ_E_OK;
}

static enum xj_err
plan_student (struct plan *p, const struct xj_ye_student *t)
{
  char to[4];
  enum xj_ye_kind kind = xj_yearend_next (p->sch.stage, t->grade, to);
  int64_t cid = 0;

  if (t->blocked)
    {
      json_array_append_new (
        p->jblocked, json_pack ("{s:I, s:s, s:s}", "id", (json_int_t) t->id,
                                "name", t->name, "grade", t->grade));
      return p->run_id ? xj_ye_store_blocked_insert (p->db, p->run_id, t->id,
                                                     p->sch.id, t->grade,
                                                     t->class_id)
                       : XJ_E_OK;
    }
  const char *compl = XJ_YE_GRADUATE == kind ? completed_reason (p, t->id)
                                             : NULL;

  if (XJ_YE_GRADUATE == kind)
    json_array_append_new (
      p->jgrads, json_pack ("{s:I, s:s, s:s, s:o, s:s}", "id",
                            (json_int_t) t->id, "name", t->name, "grade",
                            t->grade, "class_id",
                            t->class_id ? json_integer (t->class_id)
                                        : json_null (),
                            "outcome", compl ? "completed" : "graduated"));
  if (compl)
    {
      p->compl++;
      ++*p->marked;
    }
  else if (XJ_YE_GRADUATE == kind)
    p->grad++;
  else if (XJ_YE_PRIMARY_COMPLETE == kind)
    p->moved++;
  else
    p->prom++;
  if (! p->run_id)
    return XJ_E_OK;
  if (XJ_YE_GRADUATE != kind && t->class_id)
    {
      const struct klass *k = class_find_id (&p->cur, t->class_id);
      const struct klass *n = k ? class_find (&p->next, to, k->no) : NULL;

      cid = n ? n->id : 0;
    }
  return move_student (p->db, p->a, p->run_id, p->sy, t->id, kind, to, cid,
                       compl);
}

static json_t *
plan_json (struct plan *p, bool done)
{
  return json_pack ("{s:I, s:s, s:s, s:b, s:O, s:I, s:I, s:I, s:I, s:O,"
                    " s:O}",
                    "school_id", (json_int_t) p->sch.id, "school_name",
                    p->sch.name, "stage", p->sch.stage, "already_done", done,
                    "classes", p->jclasses, "promoted", (json_int_t) p->prom,
                    "graduated", (json_int_t) p->grad, "completed",
                    (json_int_t) p->compl, "primary_completed",
                    (json_int_t) p->moved, "blocked", p->jblocked,
                    "graduates", p->jgrads);
}

/* Plan (and with a run, apply) one school. */
static enum xj_err
do_school (struct plan *p, int64_t from_year_id, json_t *schools)
{
  int64_t done_run = 0;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_ye_store_done (p->db, p->sch.id, p->sy, &done_run)))
    return e;
  if (done_run && p->run_id)
    return XJ_E_YEAREND_DONE;
  if (XJ_E_OK != (e = xj_class_list (p->db, p->sch.id, from_year_id, NULL,
                                     &class_cb, &p->cur)))
    return e;
  if (p->to_year_id
      && XJ_E_OK != (e = xj_class_list (p->db, p->sch.id, p->to_year_id,
                                        NULL, &class_cb, &p->next)))
    return e;
  if (XJ_E_OK != (e = xj_ye_store_students (p->db, p->sch.id, &stu_cb,
                                            &p->st))
      || XJ_E_OK != (e = plan_classes (p)))
    return e;
  for (size_t i = 0; i < p->st.n; i++)
    if (XJ_E_OK != (e = plan_student (p, &p->st.v[i])))
      return e;
  if (p->run_id
      && XJ_E_OK != (e = xj_ye_store_school_insert (p->db, p->run_id,
                                                    p->sch.id, p->sy)))
    return e;
  json_array_append_new (schools, plan_json (p, 0 != done_run));
  return XJ_E_OK;
}

struct totals {
  int64_t promoted, graduated, completed, primary_completed, blocked;
  size_t marked;
};

static enum xj_err
run_school (struct xj_db *db, const struct xj_actor *a,
            const struct xj_yearend_scope *sc, int64_t school_id,
            int64_t from_year_id, int sy, int64_t to_year_id, int64_t run_id,
            json_t *schools, struct totals *t)
{
  struct plan p = { .db = db, .a = a, .run_id = run_id,
                    .to_year_id = to_year_id, .sy = sy,
                    .jclasses = json_array (), .jblocked = json_array (),
                    .jgrads = json_array (), .sc = sc,
                    .marked = &t->marked };
  enum xj_err e = xj_school_get (db, school_id, &p.sch);

  if (XJ_E_OK == e)
    e = do_school (&p, from_year_id, schools);
  if (XJ_E_OK == e)
    {
      t->promoted += p.prom;
      t->graduated += p.grad;
      t->completed += p.compl;
      t->primary_completed += p.moved;
      t->blocked += (int64_t) json_array_size (p.jblocked);
    }
  json_decref (p.jclasses);
  json_decref (p.jblocked);
  json_decref (p.jgrads);
  free (p.cur.v);
  free (p.next.v);
  free (p.st.v);
  return e;
}

/* The schools of @sc the caller may apply year-end to; the others (in a
   county run) listed in @skipped.  One school out of authority:
   XJ_E_YEAREND_AUTHORITY. */
static enum xj_err
collect_schools (struct xj_db *db, const struct xj_yearend_scope *sc,
                 bool apply, struct ids *out, json_t *skipped)
{
  struct ids all = { 0 };
  struct xj_change_settings set;
  enum xj_err e;

  if (sc->school_id)
    ids_add (&all, sc->school_id);
  else
    {
      struct xj_school_filter f = { .region = sc->county, .limit = 100000 };

      if (XJ_E_OK != (e = xj_school_list (db, &f, &school_cb, &all, NULL)))
        goto out;
    }
  if (XJ_E_OK != (e = xj_change_settings_get (db, &set)))
    goto out;
  for (size_t i = 0; i < all.n; i++)
    {
      struct xj_school s;

      if (XJ_E_OK != (e = xj_school_get (db, all.v[i], &s)))
        goto out;
      if (! apply || NULL == sc->user
          || xj_yearend_is_authority (sc->user, s.stage, s.county_code,
                                      set.senior_city))
        ids_add (out, s.id);
      else if (sc->school_id)
        {
          e = XJ_E_YEAREND_AUTHORITY;
          goto out;
        }
      else
        json_array_append_new (skipped,
                               json_pack ("{s:I, s:s, s:s}", "school_id",
                                          (json_int_t) s.id, "school_name",
                                          s.name, "stage", s.stage));
    }
out:
  free (all.v);
  return e;
}

enum xj_err
xj_yearend_window_check (struct xj_db *db)
{
  struct xj_ye_settings set;
  int y, m, d;
  enum xj_err e = xj_ye_settings_get (db, &set);

  if (XJ_E_OK != e)
    return e;
  xj_today (&y, &m, &d);
  return xj_yearend_in_window (m * 100 + d, set.window_start, set.window_end)
           ? XJ_E_OK
           : XJ_E_YEAREND_WINDOW;
}

static enum xj_err
finish_run (struct xj_db *db, const struct xj_actor *a, int64_t run_id,
            const char *scope, const struct totals *t)
{
  char idbuf[24];
  json_t *sum = json_pack ("{s:s, s:I, s:I, s:I, s:I, s:I}", "scope", scope,
                           "promoted", (json_int_t) t->promoted, "graduated",
                           (json_int_t) t->graduated, "completed",
                           (json_int_t) t->completed, "primary_completed",
                           (json_int_t) t->primary_completed, "blocked",
                           (json_int_t) t->blocked);
  char *text = json_dumps (sum, JSON_COMPACT | JSON_SORT_KEYS);
  enum xj_err e;

  json_decref (sum);
  e = xj_ye_store_run_summary (db, run_id, text);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) run_id);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, a, "yearend.apply", "yearend", idbuf, NULL, text);
  free (text);
  return e;
}

enum xj_err
xj_yearend_run (struct xj_db *db, const struct xj_yearend_scope *sc,
                bool apply, const struct xj_actor *a, json_t **out)
{
  struct ids schools = { 0 };
  json_t *js = json_array (), *skipped = json_array ();
  int64_t from_year_id, to_year_id = 0, run_id = 0;
  struct totals t = { 0 };
  int sy;
  char at[32], scope[32];
  enum xj_err e;

  *out = NULL;
  if (XJ_E_OK != (e = collect_schools (db, sc, apply, &schools, skipped))
      || (apply && XJ_E_OK != (e = xj_yearend_window_check (db)))
      || XJ_E_OK != (e = xj_year_current (db, &from_year_id, &sy)))
    goto out;
  xj_now_iso (at);
  if (sc->school_id)
    xj_snprintf (scope, sizeof scope, "school:%lld",
                 (long long) sc->school_id);
  else
    xj_snprintf (scope, sizeof scope, "county:%s", sc->county);
  if (apply
      && (XJ_E_OK != (e = xj_year_get_or_create (db, sy + 1, &to_year_id))
          || XJ_E_OK != (e = xj_ye_store_run_insert (db, scope, sy, at,
                                                     a->username, &run_id))))
    goto out;
  for (size_t i = 0; i < schools.n; i++)
    if (XJ_E_OK != (e = run_school (db, a, sc, schools.v[i], from_year_id,
                                    sy, to_year_id, run_id, js, &t)))
      goto out;
  /* every 结业 mark must name a final-grade student this run graduates */
  if (t.marked != sc->ncompleted)
    {
      e = XJ_E_YEAREND_COMPLETED;
      goto out;
    }
  if (apply && XJ_E_OK != (e = finish_run (db, a, run_id, scope, &t)))
    goto out;
  *out = json_pack ("{s:o, s:s, s:i, s:i, s:O, s:O, s:I, s:I, s:I, s:I,"
                    " s:I}",
                    "run_id", run_id ? json_integer (run_id) : json_null (),
                    "scope", scope, "from_year", sy, "to_year", sy + 1,
                    "schools", js, "skipped", skipped, "promoted",
                    (json_int_t) t.promoted, "graduated",
                    (json_int_t) t.graduated, "completed",
                    (json_int_t) t.completed, "primary_completed",
                    (json_int_t) t.primary_completed, "blocked",
                    (json_int_t) t.blocked);
out:
  json_decref (js);
  json_decref (skipped);
  free (schools.v);
  return e;
}

/* ---- a skipped student's request closed ---- */

/* Next year's class for a student of (@school, old class @class_id):
   the class with the same number and grade @to of year @year_id, if it
   exists (0 otherwise: the registrar places the student). */
static enum xj_err
deferred_class (struct xj_db *db, const struct xj_student *s,
                const struct xj_ye_blocked *b, int64_t year_id,
                const char *to, int64_t *cid)
{
  struct xj_class c;

  *cid = 0;
  if (0 == b->class_id || s->school_id != b->school_id
      || XJ_E_OK != xj_class_get (db, b->class_id, &c))
    return XJ_E_OK;
  return xj_ye_store_class_find (db, s->school_id, year_id, to, c.no, cid);
}

enum xj_err
xj_yearend_request_closed (struct xj_db *db, const struct xj_actor *a,
                           int64_t student_id)
{
  struct xj_ye_blocked b;
  struct xj_student *s;
  struct xj_school sch;
  enum xj_err e = xj_ye_store_blocked_open (db, student_id, &b);
  const char *res = "none";
  char at[32], to[4];

  if (XJ_E_NOT_FOUND == e)
    return XJ_E_OK;
  if (XJ_E_OK != e)
    return e;
  s = xj_malloc (sizeof *s);
  if (XJ_E_OK != (e = xj_student_load (db, student_id, s))
      || XJ_E_OK != (e = xj_school_get (db, s->school_id, &sch)))
    goto out;
  /* still where the run left it: do what the run would have done */
  if (0 == strcmp (s->status, "enrolled") && 0 == strcmp (s->grade, b.grade))
    {
      enum xj_ye_kind kind = xj_yearend_next (sch.stage, s->grade, to);
      int64_t year_id, cid = 0;

      e = xj_year_get_or_create (db, b.from_year + 1, &year_id);
      if (XJ_E_OK == e && XJ_YE_GRADUATE != kind)
        e = deferred_class (db, s, &b, year_id, to, &cid);
      if (XJ_E_OK == e)
        e = move_student (db, a, b.run_id, b.from_year, student_id, kind, to,
                          cid, NULL);
      res = outcome_name (kind);
    }
  xj_now_iso (at);
  if (XJ_E_OK == e)
    e = xj_ye_store_blocked_resolve (db, b.run_id, student_id, at, res);
out:
  free (s);
  return e;
}

/* ---- rollback ---- */

struct items {
  struct xj_ye_item *v;
  size_t n, cap;
};

static void
item_cb (void *cls, const struct xj_ye_item *it)
{
  struct items *l = cls;

  *XJ_VEC_PUSH (l->v, l->n, l->cap) = *it;
}

static enum xj_err
restore_student (struct xj_db *db, const struct xj_actor *a, int64_t run_id,
                 const struct xj_ye_item *it)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  json_t *b, *af;
  char *tb, *ta;
  enum xj_err e = xj_student_load (db, it->student_id, s);

  if (XJ_E_OK != e)
    {
      free (s);
      return e;
    }
  b = json_pack ("{s:s, s:o, s:s}", "grade", s->grade, "class_id",
                 s->class_id ? json_integer (s->class_id) : json_null (),
                 "status", s->status);
  xj_strlcpy (s->grade, it->grade, sizeof s->grade);
  s->class_id = it->class_id;
  xj_strlcpy (s->status, it->status, sizeof s->status);
  af = json_pack ("{s:s, s:o, s:s, s:I}", "grade", s->grade, "class_id",
                  s->class_id ? json_integer (s->class_id) : json_null (),
                  "status", s->status, "run_id", (json_int_t) run_id);
  tb = json_dumps (b, JSON_COMPACT | JSON_SORT_KEYS);
  ta = json_dumps (af, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (b);
  json_decref (af);
  e = xj_student_store_update (db, s, s->version, a, "yearend.rollback", tb,
                               ta);
  free (tb);
  free (ta);
  free (s);
  return e;
}

enum xj_err
xj_yearend_rollback (struct xj_db *db, int64_t run_id,
                     const struct xj_actor *a, json_t **out)
{
  char status[16] = "";
  struct items it = { 0 };
  int64_t removed = 0;
  char at[32], idbuf[24], sum[96];
  enum xj_err e;

  *out = NULL;
  if (XJ_E_OK != (e = xj_ye_store_run_status (db, run_id, status)))
    goto out;
  if (0 != strcmp (status, "applied"))
    {
      e = XJ_E_YEAREND_ROLLED_BACK;
      goto out;
    }
  if (XJ_E_OK != (e = xj_ye_store_items (db, run_id, &item_cb, &it)))
    goto out;
  for (size_t i = 0; i < it.n; i++)
    if (it.v[i].version_now != it.v[i].version_after)
      {
        e = XJ_E_YEAREND_ROLLBACK_BLOCKED;
        goto out;
      }
  for (size_t i = 0; i < it.n && XJ_E_OK == e; i++)
    e = restore_student (db, a, run_id, &it.v[i]);
  xj_now_iso (at);
  if (XJ_E_OK == e)
    e = xj_ye_store_run_rolled_back (db, run_id, at);
  if (XJ_E_OK == e)
    e = xj_ye_store_classes_remove (db, run_id, &removed);
  if (XJ_E_OK != e)
    goto out;
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) run_id);
  xj_snprintf (sum, sizeof sum, "{\"classes_removed\":%lld,\"restored\":%zu}",
               (long long) removed, it.n);
  e = xj_audit_append (db, a, "yearend.rollback", "yearend", idbuf, NULL,
                       sum);
  if (XJ_E_OK == e)
    *out = json_pack ("{s:I, s:s, s:I, s:I}", "run_id", (json_int_t) run_id,
                      "status", "rolled_back", "restored", (json_int_t) it.n,
                      "classes_removed", (json_int_t) removed);
out:
  free (it.v);
  return e;
}

enum xj_err
xj_yearend_schools (struct xj_db *db, int64_t run_id, xj_yearend_school_cb cb,
                    void *cls)
{
  return xj_ye_store_run_schools (db, run_id, cb, cls);
}
