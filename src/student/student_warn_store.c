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
#include "student/identity.h"
#include "student/student_store.h"

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
  /* the grade is moving: a confirmation of the old grade does not carry */
  return xj_identity_put_warnings (db, student_id, w, "grade", NULL);
}
