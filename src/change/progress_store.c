/* progress_store.c -- the SQL of 升学 and re-entry (progress.h): the
 * append-only progressions table.  Runs inside the caller's write
 * transaction.
 */
#include "change/progress.h"
#include "student/student_store_sql.h"

XJ_DB_STMT (st_pg_ins,
            "INSERT INTO progressions (kind, student_id, from_school_id,"
            " to_school_id, from_grade, from_status, to_grade, to_class_id,"
            " route, out_of_zone, reason, request_id, at, actor, province)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
            " $13, $14, " XJ_PROVINCE_OF ("students", "$2") ")"
            " RETURNING id")

enum xj_err
xj_progress_store_insert (struct xj_db *db,
                          const struct xj_progression_row *r, int64_t *id)
{
  int64_t new_id = 0;
  enum xj_qs qs = xj_db_q (
    db, &st_pg_ins,
    XJ_DB_PARAMS (XJ_DB_S (r->kind), XJ_DB_I (r->student_id),
                  XJ_DB_I (r->from_school), XJ_DB_I (r->to_school),
                  XJ_DB_S (r->from_grade), XJ_DB_S (r->from_status),
                  XJ_DB_S (r->to_grade),
                  r->to_class ? XJ_DB_I (r->to_class) : XJ_DB_NUL,
                  XJ_DB_S (r->route), XJ_DB_I (r->out_of_zone ? 1 : 0),
                  XJ_DB_S (r->reason),
                  r->request_id ? XJ_DB_I (r->request_id) : XJ_DB_NUL,
                  XJ_DB_S (r->at), XJ_DB_S (r->actor)),
    &xj_db_int64_cb, &new_id);

  if (qs < 0)
    return xj_db_qs_err (qs);
  if (id)
    *id = new_id;
  return XJ_E_OK;
}
