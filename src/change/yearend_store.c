/* yearend_store.c -- the SQL of year-end runs, graduations, skipped
 * students and the year-end settings (yearend_store.h).  Runs inside the
 * caller's transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "change/yearend_store.h"
#include "core/util.h"
#include "student/student_store_sql.h"

XJ_DB_STMT (st_ye_students,
            "SELECT st.id, st.grade, coalesce(st.class_id, 0), st.name,"
            " CASE WHEN EXISTS (SELECT 1 FROM change_requests r"
            "  WHERE r.student_id = st.id"
            "  AND r.status IN ('pending', 'returned')) THEN 1 ELSE 0 END"
            " FROM students st WHERE st.school_id = $1"
            " AND st.status = 'enrolled' ORDER BY st.grade, st.class_id, st.id")
XJ_DB_STMT (st_ye_done,
            "SELECT run_id FROM year_end_schools WHERE school_id = $1"
            " AND from_year = $2 AND active = 1")
XJ_DB_STMT (st_ye_run_ins,
            "INSERT INTO year_end_runs (scope, from_year, to_year, summary,"
            " created_at, created_by) VALUES ($1, $2, $3, '{}', $4, $5)"
            " RETURNING id")
XJ_DB_STMT (st_ye_run_summary,
            "UPDATE year_end_runs SET summary = $2 WHERE id = $1")
XJ_DB_STMT (st_ye_school_ins,
            "INSERT INTO year_end_schools (run_id, school_id, from_year)"
            " VALUES ($1, $2, $3)")
XJ_DB_STMT (st_ye_item_ins,
            "INSERT INTO year_end_items (run_id, student_id, old_grade,"
            " old_class_id, old_status, new_grade, new_class_id,"
            " new_status, version_after, province) VALUES ($1, $2, $3, $4,"
            " $5, $6, $7, $8, $9, " XJ_PROVINCE_OF ("students", "$2") ")")
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
XJ_DB_STMT (st_ye_grad_off,
            "UPDATE graduations SET active = 0 WHERE run_id = $1"
            " AND active = 1")
XJ_DB_STMT (st_ye_blocked_off,
            "UPDATE year_end_blocked SET resolved_at = $2,"
            " resolution = 'rolled_back' WHERE run_id = $1"
            " AND resolved_at IS NULL")
XJ_DB_STMT (st_ye_grad_ins,
            "INSERT INTO graduations (student_id, school_id, grade,"
            " outcome, school_year, run_id, at, province) VALUES ($1, $2,"
            " $3, $4, $5, $6, $7, " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_ye_blocked_ins,
            "INSERT INTO year_end_blocked (run_id, student_id, school_id,"
            " grade, class_id, province) VALUES ($1, $2, $3, $4, $5,"
            " " XJ_PROVINCE_OF ("students", "$2") ")")
XJ_DB_STMT (st_ye_blocked_open,
            "SELECT b.run_id, b.school_id, b.grade, coalesce(b.class_id, 0),"
            " r.from_year FROM year_end_blocked b"
            " JOIN year_end_runs r ON r.id = b.run_id AND r.status = 'applied'"
            " WHERE b.student_id = $1 AND b.resolved_at IS NULL"
            " ORDER BY b.run_id DESC LIMIT 1")
XJ_DB_STMT (st_ye_blocked_resolve,
            "UPDATE year_end_blocked SET resolved_at = $3, resolution = $4"
            " WHERE run_id = $1 AND student_id = $2 AND resolved_at IS NULL")
XJ_DB_STMT (st_ye_class_find,
            "SELECT id FROM classes WHERE school_id = $1 AND year_id = $2"
            " AND grade = $3 AND no = $4")
XJ_DB_STMT (st_ye_settings,
            "SELECT key, value FROM settings WHERE key IN"
            " ('yearend.window_start', 'yearend.window_end')")
XJ_DB_STMT (st_ye_setting_put,
            "INSERT INTO settings (key, value) VALUES ($1, $2)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value")

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

struct student_ctx {
  xj_ye_student_cb cb;
  void *cls;
};
struct item_ctx {
  xj_ye_item_cb cb;
  void *cls;
};
struct school_ctx {
  xj_ye_school_cb cb;
  void *cls;
};

static const struct xj_db_field student_fields[] = {
  XJ_DB_F_I64 (struct xj_ye_student, id),
  XJ_DB_F_TEXT (struct xj_ye_student, grade),
  XJ_DB_F_I64 (struct xj_ye_student, class_id),
  XJ_DB_F_TEXT (struct xj_ye_student, name),
  XJ_DB_F_BOOL (struct xj_ye_student, blocked),
};

static int
student_row (void *cls, const struct xj_db_row *r)
{
  struct student_ctx *c = cls;
  struct xj_ye_student s;

  xj_db_row_fields (r, student_fields, XJ_DB_NFIELDS (student_fields), &s);
  c->cb (c->cls, &s);
  return 0;
}

enum xj_err
xj_ye_store_students (struct xj_db *db, int64_t school_id,
                      xj_ye_student_cb cb, void *cls)
{
  struct student_ctx c = { cb, cls };

  return qs_ok (xj_db_q (db, &st_ye_students,
                         XJ_DB_PARAMS (XJ_DB_I (school_id)), &student_row,
                         &c));
}

enum xj_err
xj_ye_store_done (struct xj_db *db, int64_t school_id, int sy,
                  int64_t *run_id)
{
  *run_id = 0;
  return qs_ok (xj_db_q (db, &st_ye_done,
                         XJ_DB_PARAMS (XJ_DB_I (school_id), XJ_DB_I (sy)),
                         &id_row, run_id));
}

enum xj_err
xj_ye_store_run_insert (struct xj_db *db, const char *scope, int sy,
                        const char *at, const char *by, int64_t *run_id)
{
  *run_id = 0;
  return qs_ok (xj_db_q (db, &st_ye_run_ins,
                         XJ_DB_PARAMS (XJ_DB_S (scope), XJ_DB_I (sy),
                                       XJ_DB_I (sy + 1), XJ_DB_S (at),
                                       XJ_DB_S (by)),
                         &xj_db_int64_cb, run_id));
}

enum xj_err
xj_ye_store_run_summary (struct xj_db *db, int64_t run_id,
                         const char *summary)
{
  return qs_ok (xj_db_q (db, &st_ye_run_summary,
                         XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_S (summary)),
                         NULL, NULL));
}

enum xj_err
xj_ye_store_school_insert (struct xj_db *db, int64_t run_id,
                           int64_t school_id, int sy)
{
  enum xj_qs qs = xj_db_q (db, &st_ye_school_ins,
                           XJ_DB_PARAMS (XJ_DB_I (run_id),
                                         XJ_DB_I (school_id), XJ_DB_I (sy)),
                           NULL, NULL);

  return XJ_QS_UNIQUE == qs ? XJ_E_YEAREND_DONE : qs_ok (qs);
}

static struct xj_db_param
opt_id (int64_t id)
{
  return id ? XJ_DB_I (id) : XJ_DB_NUL;
}

enum xj_err
xj_ye_store_item_insert (struct xj_db *db, int64_t run_id,
                         const struct xj_ye_move *m)
{
  return qs_ok (xj_db_q (
    db, &st_ye_item_ins,
    XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_I (m->student_id),
                  XJ_DB_S (m->old_grade), opt_id (m->old_class),
                  XJ_DB_S (m->old_status), XJ_DB_S (m->new_grade),
                  opt_id (m->new_class), XJ_DB_S (m->new_status),
                  XJ_DB_I (m->version_after)),
    NULL, NULL));
}

enum xj_err
xj_ye_store_class_created (struct xj_db *db, int64_t run_id, int64_t class_id)
{
  return qs_ok (xj_db_q (db, &st_ye_class_created,
                         XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_I (class_id)),
                         NULL, NULL));
}

enum xj_err
xj_ye_store_classes_remove (struct xj_db *db, int64_t run_id,
                            int64_t *removed)
{
  enum xj_qs qs = xj_db_q (db, &st_ye_classes_remove,
                           XJ_DB_PARAMS (XJ_DB_I (run_id)), NULL, NULL);

  *removed = qs > 0 ? (int64_t) qs : 0;
  return qs_ok (qs);
}

static int
status_row (void *cls, const struct xj_db_row *r)
{
  xj_strlcpy (cls, xj_db_text (r, 0), 16);
  return 1;
}

enum xj_err
xj_ye_store_run_status (struct xj_db *db, int64_t run_id, char status[16])
{
  enum xj_qs qs = xj_db_q (db, &st_ye_run_get,
                           XJ_DB_PARAMS (XJ_DB_I (run_id)), &status_row,
                           status);

  if (XJ_QS_NONE == qs)
    return XJ_E_NOT_FOUND;
  return qs_ok (qs);
}

static const struct xj_db_field item_fields[] = {
  XJ_DB_F_I64 (struct xj_ye_item, student_id),
  XJ_DB_F_TEXT (struct xj_ye_item, grade),
  XJ_DB_F_I64 (struct xj_ye_item, class_id),
  XJ_DB_F_TEXT (struct xj_ye_item, status),
  XJ_DB_F_I64 (struct xj_ye_item, version_after),
  XJ_DB_F_I64 (struct xj_ye_item, version_now),
};

static int
item_row (void *cls, const struct xj_db_row *r)
{
  struct item_ctx *c = cls;
  struct xj_ye_item it;

  xj_db_row_fields (r, item_fields, XJ_DB_NFIELDS (item_fields), &it);
  c->cb (c->cls, &it);
  return 0;
}

enum xj_err
xj_ye_store_items (struct xj_db *db, int64_t run_id, xj_ye_item_cb cb,
                   void *cls)
{
  struct item_ctx c = { cb, cls };

  return qs_ok (xj_db_q (db, &st_ye_items, XJ_DB_PARAMS (XJ_DB_I (run_id)),
                         &item_row, &c));
}

enum xj_err
xj_ye_store_run_rolled_back (struct xj_db *db, int64_t run_id, const char *at)
{
  enum xj_qs qs = xj_db_q (db, &st_ye_run_rollback,
                           XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_S (at)),
                           NULL, NULL);

  if (XJ_QS_NONE == qs)
    return XJ_E_CONFLICT;
  if (qs >= 0)
    qs = xj_db_q (db, &st_ye_schools_off, XJ_DB_PARAMS (XJ_DB_I (run_id)),
                  NULL, NULL);
  if (qs >= 0)
    qs = xj_db_q (db, &st_ye_grad_off, XJ_DB_PARAMS (XJ_DB_I (run_id)), NULL,
                  NULL);
  if (qs >= 0)
    qs = xj_db_q (db, &st_ye_blocked_off,
                  XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_S (at)), NULL, NULL);
  return qs_ok (qs);
}

static int
school_row (void *cls, const struct xj_db_row *r)
{
  struct school_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_text (r, 1));
  return 0;
}

enum xj_err
xj_ye_store_run_schools (struct xj_db *db, int64_t run_id, xj_ye_school_cb cb,
                         void *cls)
{
  struct school_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_ye_run_schools,
                           XJ_DB_PARAMS (XJ_DB_I (run_id)), &school_row, &c);

  if (XJ_QS_NONE == qs)
    return XJ_E_NOT_FOUND;
  return qs_ok (qs);
}

enum xj_err
xj_ye_store_graduation_insert (struct xj_db *db,
                               const struct xj_ye_graduation *g)
{
  return qs_ok (xj_db_q (
    db, &st_ye_grad_ins,
    XJ_DB_PARAMS (XJ_DB_I (g->student_id), XJ_DB_I (g->school_id),
                  XJ_DB_S (g->grade), XJ_DB_S (g->outcome),
                  XJ_DB_I (g->school_year), opt_id (g->run_id),
                  XJ_DB_S (g->at)),
    NULL, NULL));
}

enum xj_err
xj_ye_store_blocked_insert (struct xj_db *db, int64_t run_id,
                            int64_t student_id, int64_t school_id,
                            const char *grade, int64_t class_id)
{
  return qs_ok (xj_db_q (db, &st_ye_blocked_ins,
                         XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_I (student_id),
                                       XJ_DB_I (school_id), XJ_DB_S (grade),
                                       opt_id (class_id)),
                         NULL, NULL));
}

static int
blocked_row (void *cls, const struct xj_db_row *r)
{
  struct xj_ye_blocked *b = cls;

  b->run_id = xj_db_int (r, 0);
  b->school_id = xj_db_int (r, 1);
  xj_strlcpy (b->grade, xj_db_text (r, 2), sizeof b->grade);
  b->class_id = xj_db_int (r, 3);
  b->from_year = (int) xj_db_int (r, 4);
  return 1;
}

enum xj_err
xj_ye_store_blocked_open (struct xj_db *db, int64_t student_id,
                          struct xj_ye_blocked *out)
{
  enum xj_qs qs = xj_db_q (db, &st_ye_blocked_open,
                           XJ_DB_PARAMS (XJ_DB_I (student_id)), &blocked_row,
                           out);

  if (XJ_QS_NONE == qs)
    return XJ_E_NOT_FOUND;
  return qs_ok (qs);
}

enum xj_err
xj_ye_store_blocked_resolve (struct xj_db *db, int64_t run_id,
                             int64_t student_id, const char *at,
                             const char *resolution)
{
  return qs_ok (xj_db_q (db, &st_ye_blocked_resolve,
                         XJ_DB_PARAMS (XJ_DB_I (run_id), XJ_DB_I (student_id),
                                       XJ_DB_S (at), XJ_DB_S (resolution)),
                         NULL, NULL));
}

enum xj_err
xj_ye_store_class_find (struct xj_db *db, int64_t school_id, int64_t year_id,
                        const char *grade, unsigned no, int64_t *class_id)
{
  *class_id = 0;
  return qs_ok (xj_db_q (db, &st_ye_class_find,
                         XJ_DB_PARAMS (XJ_DB_I (school_id), XJ_DB_I (year_id),
                                       XJ_DB_S (grade), XJ_DB_I (no)),
                         &id_row, class_id));
}

/* "MM-DD" as month*100+day, 0 if malformed. */
static int
md_parse (const char *s)
{
  int m, d;
  char tail;

  if (2 != sscanf (s, "%2d-%2d%c", &m, &d, &tail) || 5 != strlen (s)
      || m < 1 || m > 12 || d < 1 || d > 31)
    return 0;
  return m * 100 + d;
}

static int
ye_settings_row (void *cls, const struct xj_db_row *r)
{
  struct xj_ye_settings *s = cls;
  const char *k = xj_db_text (r, 0);
  int v = md_parse (xj_db_text (r, 1));

  if (0 == v)
    return 0;
  if (0 == strcmp (k, "yearend.window_start"))
    s->window_start = v;
  else
    s->window_end = v;
  return 0;
}

enum xj_err
xj_ye_settings_get (struct xj_db *db, struct xj_ye_settings *out)
{
  out->window_start = 701;
  out->window_end = 831;
  return qs_ok (xj_db_q (db, &st_ye_settings, XJ_DB_NOPARAMS,
                         &ye_settings_row, out));
}

enum xj_err
xj_ye_settings_put (struct xj_db *db, const struct xj_ye_settings *in)
{
  char a[8], b[8];
  enum xj_qs qs;

  xj_snprintf (a, sizeof a, "%02d-%02d", in->window_start / 100,
               in->window_start % 100);
  xj_snprintf (b, sizeof b, "%02d-%02d", in->window_end / 100,
               in->window_end % 100);
  qs = xj_db_q (db, &st_ye_setting_put,
                XJ_DB_PARAMS (XJ_DB_S ("yearend.window_start"), XJ_DB_S (a)),
                NULL, NULL);
  if (qs >= 0)
    qs = xj_db_q (db, &st_ye_setting_put,
                  XJ_DB_PARAMS (XJ_DB_S ("yearend.window_end"), XJ_DB_S (b)),
                  NULL, NULL);
  return qs_ok (qs);
}
