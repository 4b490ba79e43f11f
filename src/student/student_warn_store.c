/* student_warn_store.c -- the grade check of a record moving into a
 * grade at a school (xj_student_check_grade against the school read from
 * the database), and the record's stored grade warnings.  Every change
 * type that sets a grade (转学, 留级, 跳级, 复学, 升学, re-entry, the
 * 新生名单 confirmation) calls xj_student_check_grade_at, so they answer
 * a record the way registration and import do.  Runs in the caller's
 * transaction; no HTTP.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/school.h"
#include "student/student_store.h"

XJ_DB_STMT (st_warn_grade_del,
            "DELETE FROM student_warnings WHERE student_id = $1"
            " AND field = 'grade'")
XJ_DB_STMT (st_warn_grade_add,
            "INSERT INTO student_warnings (student_id, field, code, detail,"
            " created_at) VALUES ($1, $2, $3, $4, $5)")

enum xj_err
xj_student_grade_move (struct xj_db *db, const struct xj_student *s,
                       const struct xj_school *to, const char *grade,
                       struct xj_verrs *errs, struct xj_verrs *warns,
                       bool store)
{
  struct xj_verrs *e = xj_calloc (1, sizeof *e),
                  *w = xj_calloc (1, sizeof *w);
  struct xj_rules_ctx ctx;
  int y, m, d;
  enum xj_err rc = XJ_E_OK;

  xj_today (&y, &m, &d);
  ctx = (struct xj_rules_ctx) { .stage = to->stage,
                                .county = to->county_code,
                                .school_name = to->name,
                                .today_ymd = y * 10000 + m * 100 + d };
  xj_student_check_grade (s, grade, &ctx, e, w);
  for (size_t i = 0; errs && i < e->n && errs->n < XJ_VERR_MAX; i++)
    errs->e[errs->n++] = e->e[i];
  for (size_t i = 0; warns && i < w->n && warns->n < XJ_VERR_MAX; i++)
    warns->e[warns->n++] = w->e[i];
  if (e->n)
    rc = e->e[0].code;
  else if (store)
    rc = xj_student_grade_warnings_set (db, s->id, w);
  free (e);
  free (w);
  return rc;
}

enum xj_err
xj_student_grade_warnings_set (struct xj_db *db, int64_t student_id,
                               const struct xj_verrs *w)
{
  char at[32];
  enum xj_qs qs = xj_db_q (db, &st_warn_grade_del,
                           XJ_DB_PARAMS (XJ_DB_I (student_id)), NULL, NULL);

  if (qs < 0)
    return xj_db_qs_err (qs);
  xj_now_iso (at);
  for (size_t i = 0; w && i < w->n; i++)
    {
      if (0 != strcmp (w->e[i].field, "grade"))
        continue;
      qs = xj_db_q (db, &st_warn_grade_add,
                    XJ_DB_PARAMS (XJ_DB_I (student_id),
                                  XJ_DB_S (w->e[i].field),
                                  XJ_DB_S (xj_err_code (w->e[i].code)),
                                  XJ_DB_S (w->e[i].detail), XJ_DB_S (at)),
                    NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  return XJ_E_OK;
}
