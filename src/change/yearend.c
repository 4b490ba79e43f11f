/* yearend.c -- year-end promotion (升级), graduation of final grades and
 * the next school year's classes, with a preview, one-transaction apply
 * and a rollback (year_end_runs / year_end_schools / year_end_items).
 *
 * Runs inside the caller's transaction (apply and rollback: a write
 * transaction).  Students change only through xj_student_store_update
 * (version-checked, one student_events row each); classes are created
 * through xj_class_create, the next school year through
 * xj_year_get_or_create.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "core/util.h"
#include "klass/klass.h"
#include "school/school.h"
#include "student/student_store.h"
#include "validate/codes.h"

XJ_DB_STMT (st_ye_students,
            "SELECT st.id, st.grade, coalesce(st.class_id, 0), st.name,"
            " EXISTS (SELECT 1 FROM change_requests r WHERE r.student_id = st.id"
            "  AND r.status IN ('pending', 'returned'))"
            " FROM students st WHERE st.school_id = $1"
            " AND st.status = 'enrolled' ORDER BY st.grade, st.class_id, st.id")
XJ_DB_STMT (st_ye_done,
            "SELECT run_id FROM year_end_schools WHERE school_id = $1"
            " AND from_year = $2 AND active = 1")
XJ_DB_STMT (st_ye_run_ins,
            "INSERT INTO year_end_runs (scope, from_year, to_year, summary,"
            " created_at, created_by) VALUES ($1, $2, $3, '{}', $4, $5)")
XJ_DB_STMT (st_ye_run_summary,
            "UPDATE year_end_runs SET summary = $2 WHERE id = $1")
XJ_DB_STMT (st_ye_school_ins,
            "INSERT INTO year_end_schools (run_id, school_id, from_year)"
            " VALUES ($1, $2, $3)")
XJ_DB_STMT (st_ye_item_ins,
            "INSERT INTO year_end_items (run_id, student_id, old_grade,"
            " old_class_id, old_status, new_grade, new_class_id, new_status,"
            " version_after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
XJ_DB_STMT (st_ye_class_created,
            "INSERT INTO year_end_classes (run_id, class_id) VALUES ($1, $2)")
/* The classes run $1 created that nothing refers to (after the rollback
   has put the students back): removed. */
XJ_DB_STMT (st_ye_classes_remove,
            "DELETE FROM classes WHERE id IN (SELECT class_id FROM"
            " year_end_classes WHERE run_id = $1)"
            " AND NOT EXISTS (SELECT 1 FROM students s WHERE s.class_id ="
            " classes.id)"
            " AND NOT EXISTS (SELECT 1 FROM user_classes u WHERE u.class_id ="
            " classes.id)"
            " AND NOT EXISTS (SELECT 1 FROM change_requests q WHERE"
            " q.to_class_id = classes.id) RETURNING id")
XJ_DB_STMT (st_ye_run_get,
            "SELECT status FROM year_end_runs WHERE id = $1")
XJ_DB_STMT (st_ye_run_schools,
            "SELECT ys.school_id, sc.county_code FROM year_end_schools ys"
            " JOIN schools sc ON sc.id = ys.school_id WHERE ys.run_id = $1")
XJ_DB_STMT (st_ye_items,
            "SELECT i.student_id, i.old_grade, coalesce(i.old_class_id, 0),"
            " i.old_status, i.version_after, st.version"
            " FROM year_end_items i JOIN students st ON st.id = i.student_id"
            " WHERE i.run_id = $1 ORDER BY i.student_id")
XJ_DB_STMT (st_ye_run_rollback,
            "UPDATE year_end_runs SET status = 'rolled_back',"
            " rolled_back_at = $2 WHERE id = $1 AND status = 'applied'")
XJ_DB_STMT (st_ye_schools_off,
            "UPDATE year_end_schools SET active = 0 WHERE run_id = $1")

static enum xj_err
qs_ok (enum xj_qs qs)
{
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static int
id_row (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 1;
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

struct stu {
  int64_t id;
  char grade[4];
  int64_t class_id;
  char name[200];
  bool blocked;
};
struct stus {
  struct stu *v;
  size_t n, cap;
};

static int
stu_row (void *cls, const struct xj_db_row *r)
{
  struct stus *l = cls;
  struct stu *t = XJ_VEC_PUSH (l->v, l->n, l->cap);

  t->id = xj_db_int (r, 0);
  xj_strlcpy (t->grade, xj_db_text (r, 1), sizeof t->grade);
  t->class_id = xj_db_int (r, 2);
  xj_strlcpy (t->name, xj_db_text (r, 3), sizeof t->name);
  t->blocked = 0 != xj_db_int (r, 4);
  return 0;
}

/* Next year's class (@grade, @no) of @school: existing one from @next or
   a new one (added to @next, recorded as created by @run_id).  *id = 0 on
   failure. */
static enum xj_err
next_class (struct xj_db *db, int64_t run_id, int64_t school,
            int64_t year_id, struct klasses *next, const char *grade,
            unsigned no, const char *head, int64_t *id)
{
  const struct klass *k = class_find (next, grade, no);
  struct xj_class c;
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
  e = xj_class_create (db, &c, NULL);
  if (XJ_E_OK != e)
    return e;
  e = qs_ok (xj_db_q (db, &st_ye_class_created,
                      XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_I (c.id)), NULL,
                      NULL));
  if (XJ_E_OK != e)
    return e;
  {
    struct klass *nk = XJ_VEC_PUSH (next->v, next->n, next->cap);

    nk->id = c.id;
    xj_strlcpy (nk->grade, grade, sizeof nk->grade);
    nk->no = no;
    nk->head[0] = '\0';
  }
  *id = c.id;
  return XJ_E_OK;
}

/* Promote or graduate one student (apply). */
static enum xj_err
move_student (struct xj_db *db, const struct xj_actor *a, int64_t run_id,
              int64_t id, const char *to_grade, int64_t to_class,
              bool graduate)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  json_t *b, *af;
  char *tb = NULL, *ta = NULL;
  char old_grade[4], old_status[16];
  int64_t old_class;
  enum xj_err e;

  e = xj_student_load (db, id, s);
  if (XJ_E_OK != e)
    goto out;
  xj_strlcpy (old_grade, s->grade, sizeof old_grade);
  xj_strlcpy (old_status, s->status, sizeof old_status);
  old_class = s->class_id;
  b = json_pack ("{s:s, s:o, s:s}", "grade", s->grade, "class_id",
                 s->class_id ? json_integer (s->class_id) : json_null (),
                 "status", s->status);
  if (graduate)
    xj_strlcpy (s->status, "graduated", sizeof s->status);
  else
    {
      xj_strlcpy (s->grade, to_grade, sizeof s->grade);
      s->class_id = to_class;
    }
  af = json_pack ("{s:s, s:o, s:s, s:I}", "grade", s->grade, "class_id",
                  s->class_id ? json_integer (s->class_id) : json_null (),
                  "status", s->status, "run_id", (json_int_t) run_id);
  tb = json_dumps (b, JSON_COMPACT | JSON_SORT_KEYS);
  ta = json_dumps (af, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (b);
  json_decref (af);
  e = xj_student_store_update (db, s, s->version, a,
                               graduate ? "yearend.graduate"
                                        : "yearend.promote",
                               tb, ta);
  if (XJ_E_OK == e)
    e = qs_ok (xj_db_q (db, &st_ye_item_ins,
                        XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_I (id),
                                      XJ_DB_S (old_grade),
                                      old_class ? XJ_DB_I (old_class)
                                                : XJ_DB_NUL,
                                      XJ_DB_S (old_status), XJ_DB_S (s->grade),
                                      s->class_id ? XJ_DB_I (s->class_id)
                                                  : XJ_DB_NUL,
                                      XJ_DB_S (s->status),
                                      XJ_DB_I (s->version)),
                        NULL, NULL));
out:
  free (tb);
  free (ta);
  free (s);
  return e;
}

/* Plan (and with @run_id apply) one school; appends its JSON to
   @schools and adds to the totals. */
static enum xj_err
do_school (struct xj_db *db, int64_t school_id, int64_t from_year_id,
           int sy, int64_t to_year_id, int64_t run_id,
           const struct xj_actor *a, json_t *schools, int64_t *promoted,
           int64_t *graduated, int64_t *blocked_total)
{
  struct xj_school sch;
  struct klasses cur = { 0 }, next = { 0 };
  struct stus st = { 0 };
  json_t *jclasses = json_array (), *jblocked = json_array ();
  int64_t prom = 0, grad = 0, done_run = 0;
  enum xj_err e;
  enum xj_qs qs;

  if (XJ_E_OK != (e = xj_school_get (db, school_id, &sch)))
    goto out;
  qs = xj_db_q (db, &st_ye_done, XJ_DB_PARAMS (XJ_DB_I (school_id),
                                               XJ_DB_I (sy)),
                &id_row, &done_run);
  if (XJ_E_OK != (e = qs_ok (qs)))
    goto out;
  if (done_run && run_id)
    {
      e = XJ_E_YEAREND_DONE;
      goto out;
    }
  if (XJ_E_OK != (e = xj_class_list (db, school_id, from_year_id, NULL,
                                     &class_cb, &cur)))
    goto out;
  if (to_year_id
      && XJ_E_OK != (e = xj_class_list (db, school_id, to_year_id, NULL,
                                        &class_cb, &next)))
    goto out;
  qs = xj_db_q (db, &st_ye_students, XJ_DB_PARAMS (XJ_DB_I (school_id)),
                &stu_row, &st);
  if (XJ_E_OK != (e = qs_ok (qs)))
    goto out;
  /* classes: promoted ones, and a new entry grade like this year's */
  for (size_t i = 0; i < cur.n; i++)
    {
      char to[4];
      int64_t cid;
      bool fin = ! xj_grade_next (cur.v[i].grade, to);

      json_array_append_new (
        jclasses, json_pack ("{s:I, s:s, s:i, s:o}", "class_id",
                             (json_int_t) cur.v[i].id, "grade",
                             cur.v[i].grade, "no", (int) cur.v[i].no,
                             "to_grade", fin ? json_null ()
                                             : json_string (to)));
      if (run_id && ! fin
          && XJ_E_OK != (e = next_class (db, run_id, school_id, to_year_id, &next,
                                         to, cur.v[i].no, cur.v[i].head,
                                         &cid)))
        goto out;
      if (run_id && '1' == cur.v[i].grade[1]
          && XJ_E_OK != (e = next_class (db, run_id, school_id, to_year_id, &next,
                                         cur.v[i].grade, cur.v[i].no, "",
                                         &cid)))
        goto out;
    }
  for (size_t i = 0; i < st.n; i++)
    {
      char to[4];
      bool fin = ! xj_grade_next (st.v[i].grade, to);
      int64_t cid = 0;

      if (st.v[i].blocked)
        {
          json_array_append_new (
            jblocked, json_pack ("{s:I, s:s, s:s}", "id",
                                 (json_int_t) st.v[i].id, "name",
                                 st.v[i].name, "grade", st.v[i].grade));
          continue;
        }
      if (fin)
        grad++;
      else
        prom++;
      if (! run_id)
        continue;
      if (! fin && st.v[i].class_id)
        {
          const struct klass *k = class_find_id (&cur, st.v[i].class_id);
          const struct klass *n = k ? class_find (&next, to, k->no) : NULL;

          cid = n ? n->id : 0;
        }
      e = move_student (db, a, run_id, st.v[i].id, to, cid, fin);
      if (XJ_E_OK != e)
        goto out;
    }
  if (run_id)
    {
      qs = xj_db_q (db, &st_ye_school_ins,
                    XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_I (school_id),
                                  XJ_DB_I (sy)),
                    NULL, NULL);
      if (XJ_QS_UNIQUE == qs)
        {
          e = XJ_E_YEAREND_DONE;
          goto out;
        }
      if (XJ_E_OK != (e = qs_ok (qs)))
        goto out;
    }
  *promoted += prom;
  *graduated += grad;
  *blocked_total += (int64_t) json_array_size (jblocked);
  json_array_append_new (
    schools,
    json_pack ("{s:I, s:s, s:s, s:b, s:O, s:I, s:I, s:O}", "school_id",
               (json_int_t) school_id, "school_name", sch.name, "stage",
               sch.stage, "already_done", 0 != done_run, "classes", jclasses,
               "promoted", (json_int_t) prom, "graduated", (json_int_t) grad,
               "blocked", jblocked));
out:
  json_decref (jclasses);
  json_decref (jblocked);
  free (cur.v);
  free (next.v);
  free (st.v);
  return e;
}

enum xj_err
xj_yearend_run (struct xj_db *db, const struct xj_yearend_scope *sc,
                bool apply, const struct xj_actor *a, json_t **out)
{
  struct ids schools = { 0 };
  json_t *js = json_array ();
  int64_t from_year_id, to_year_id = 0, run_id = 0;
  int64_t promoted = 0, graduated = 0, blocked = 0;
  int sy;
  char at[32], scope[32];
  enum xj_err e;

  *out = NULL;
  if (sc->school_id)
    ids_add (&schools, sc->school_id);
  else
    {
      struct xj_school_filter f = { .region = sc->county, .limit = 100000 };

      if (XJ_E_OK != (e = xj_school_list (db, &f, &school_cb, &schools,
                                          NULL)))
        goto out;
    }
  if (XJ_E_OK != (e = xj_year_current (db, &from_year_id, &sy)))
    goto out;
  xj_now_iso (at);
  if (sc->school_id)
    xj_snprintf (scope, sizeof scope, "school:%lld",
                 (long long) sc->school_id);
  else
    xj_snprintf (scope, sizeof scope, "county:%s", sc->county);
  if (apply)
    {
      if (XJ_E_OK != (e = xj_year_get_or_create (db, sy + 1, &to_year_id)))
        goto out;
      e = qs_ok (xj_db_q (db, &st_ye_run_ins,
                          XJ_DB_PARAMS (XJ_DB_S (scope), XJ_DB_I (sy),
                                        XJ_DB_I (sy + 1), XJ_DB_S (at),
                                        XJ_DB_S (a->username)),
                          NULL, NULL));
      if (XJ_E_OK != e)
        goto out;
      run_id = xj_db_last_id (db);
    }
  for (size_t i = 0; i < schools.n; i++)
    {
      e = do_school (db, schools.v[i], from_year_id, sy, to_year_id, run_id,
                     a, js, &promoted, &graduated, &blocked);
      if (XJ_E_OK != e)
        goto out;
    }
  *out = json_pack ("{s:o, s:s, s:i, s:i, s:O, s:I, s:I, s:I}", "run_id",
                    run_id ? json_integer (run_id) : json_null (), "scope",
                    scope, "from_year", sy, "to_year", sy + 1, "schools", js,
                    "promoted", (json_int_t) promoted, "graduated",
                    (json_int_t) graduated, "blocked", (json_int_t) blocked);
  if (apply)
    {
      char idbuf[24];
      json_t *sum = json_pack ("{s:s, s:I, s:I, s:I}", "scope", scope,
                               "promoted", (json_int_t) promoted,
                               "graduated", (json_int_t) graduated,
                               "blocked", (json_int_t) blocked);
      char *text = json_dumps (sum, JSON_COMPACT | JSON_SORT_KEYS);

      json_decref (sum);
      e = qs_ok (xj_db_q (db, &st_ye_run_summary,
                          XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_S (text)),
                          NULL, NULL));
      xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) run_id);
      if (XJ_E_OK == e)
        e = xj_audit_append (db, a, "yearend.apply", "yearend", idbuf, NULL,
                             text);
      free (text);
    }
out:
  if (XJ_E_OK != e)
    {
      json_decref (*out);
      *out = NULL;
    }
  json_decref (js);
  free (schools.v);
  return e;
}

/* ---- rollback ---- */

struct item {
  int64_t student_id;
  char grade[4];
  int64_t class_id;
  char status[16];
  int64_t version_after, version_now;
};
struct items {
  struct item *v;
  size_t n, cap;
};

static int
item_row (void *cls, const struct xj_db_row *r)
{
  struct items *l = cls;
  struct item *it = XJ_VEC_PUSH (l->v, l->n, l->cap);

  it->student_id = xj_db_int (r, 0);
  xj_strlcpy (it->grade, xj_db_text (r, 1), sizeof it->grade);
  it->class_id = xj_db_int (r, 2);
  xj_strlcpy (it->status, xj_db_text (r, 3), sizeof it->status);
  it->version_after = xj_db_int (r, 4);
  it->version_now = xj_db_int (r, 5);
  return 0;
}

static int
status_row (void *cls, const struct xj_db_row *r)
{
  xj_strlcpy (cls, xj_db_text (r, 0), 16);
  return 1;
}

enum xj_err
xj_yearend_rollback (struct xj_db *db, int64_t run_id,
                     const struct xj_actor *a, json_t **out)
{
  char status[16] = "";
  struct items it = { 0 };
  struct xj_student *s = xj_malloc (sizeof *s);
  int64_t changed = 0, removed = 0;
  char at[32], idbuf[24];
  enum xj_qs qs;
  enum xj_err e;

  *out = NULL;
  qs = xj_db_q (db, &st_ye_run_get, XJ_DB_PARAMS (XJ_DB_I (run_id)),
                &status_row, status);
  if (XJ_E_OK != (e = qs_ok (qs)))
    goto out;
  if (XJ_QS_NONE == qs)
    {
      e = XJ_E_NOT_FOUND;
      goto out;
    }
  if (0 != strcmp (status, "applied"))
    {
      e = XJ_E_YEAREND_ROLLED_BACK;
      goto out;
    }
  qs = xj_db_q (db, &st_ye_items, XJ_DB_PARAMS (XJ_DB_I (run_id)), &item_row,
                &it);
  if (XJ_E_OK != (e = qs_ok (qs)))
    goto out;
  for (size_t i = 0; i < it.n; i++)
    if (it.v[i].version_now != it.v[i].version_after)
      changed++;
  if (changed)
    {
      e = XJ_E_YEAREND_ROLLBACK_BLOCKED;
      goto out;
    }
  for (size_t i = 0; i < it.n && XJ_E_OK == e; i++)
    {
      json_t *b, *af;
      char *tb, *ta;

      if (XJ_E_OK != (e = xj_student_load (db, it.v[i].student_id, s)))
        break;
      b = json_pack ("{s:s, s:o, s:s}", "grade", s->grade, "class_id",
                     s->class_id ? json_integer (s->class_id) : json_null (),
                     "status", s->status);
      xj_strlcpy (s->grade, it.v[i].grade, sizeof s->grade);
      s->class_id = it.v[i].class_id;
      xj_strlcpy (s->status, it.v[i].status, sizeof s->status);
      af = json_pack ("{s:s, s:o, s:s, s:I}", "grade", s->grade, "class_id",
                      s->class_id ? json_integer (s->class_id) : json_null (),
                      "status", s->status, "run_id", (json_int_t) run_id);
      tb = json_dumps (b, JSON_COMPACT | JSON_SORT_KEYS);
      ta = json_dumps (af, JSON_COMPACT | JSON_SORT_KEYS);
      json_decref (b);
      json_decref (af);
      e = xj_student_store_update (db, s, s->version, a, "yearend.rollback",
                                   tb, ta);
      free (tb);
      free (ta);
    }
  if (XJ_E_OK != e)
    goto out;
  xj_now_iso (at);
  qs = xj_db_q (db, &st_ye_run_rollback,
                XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_S (at)), NULL, NULL);
  if (XJ_QS_NONE == qs)
    e = XJ_E_CONFLICT;
  else
    e = qs_ok (qs);
  if (XJ_E_OK == e)
    e = qs_ok (xj_db_q (db, &st_ye_schools_off,
                        XJ_DB_PARAMS (XJ_DB_I (run_id)), NULL, NULL));
  if (XJ_E_OK == e)
    {
      qs = xj_db_q (db, &st_ye_classes_remove,
                    XJ_DB_PARAMS (XJ_DB_I (run_id)), NULL, NULL);
      e = qs_ok (qs);
      if (XJ_E_OK == e)
        removed = (int64_t) qs;
    }
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) run_id);
  if (XJ_E_OK == e)
    {
      char sum[96];

      xj_snprintf (sum, sizeof sum,
                   "{\"classes_removed\":%lld,\"restored\":%zu}",
                   (long long) removed, it.n);
      e = xj_audit_append (db, a, "yearend.rollback", "yearend", idbuf, NULL,
                           sum);
    }
  if (XJ_E_OK == e)
    *out = json_pack ("{s:I, s:s, s:I, s:I}", "run_id", (json_int_t) run_id,
                      "status", "rolled_back", "restored", (json_int_t) it.n,
                      "classes_removed", (json_int_t) removed);
out:
  free (it.v);
  free (s);
  return e;
}

struct sch_ctx {
  xj_yearend_school_cb cb;
  void *cls;
};

static int
sch_row (void *cls, const struct xj_db_row *r)
{
  struct sch_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_text (r, 1));
  return 0;
}

enum xj_err
xj_yearend_schools (struct xj_db *db, int64_t run_id, xj_yearend_school_cb cb,
                    void *cls)
{
  struct sch_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_ye_run_schools,
                           XJ_DB_PARAMS (XJ_DB_I (run_id)), &sch_row, &c);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}
