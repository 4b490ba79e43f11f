/* dash_more_store.c -- the SQL of the panels in dash_more.c that no other
 * module answers (dash_int.h): the ghost-record queue in a unit's scope
 * ($1 region prefix, $2 school, $3 class; 0 / "" = all), counted where
 * the student's record is now, as dash_store.c counts duplicates.
 */
#include "dash/dash_int.h"
#include "student/student_store_sql.h"

XJ_DB_STMT (st_dash_ghosts,
            "SELECT st.id FROM ghost_candidates g"
            " JOIN students st ON st.id = g.student_id"
            " JOIN schools sc ON sc.id = st.school_id"
            " WHERE g.status = 'open'"
            " AND" XJ_IN_REGION ("sc.county_code", "$1")
            " AND ($2 = 0 OR st.school_id = $2)"
            " AND ($3 = 0 OR st.class_id = $3)")

enum xj_err
xj_dash_store_ghosts (struct xj_db *db, const char *prefix, int64_t school,
                      int64_t klass, xj_dash_id_cb cb, void *cls)
{
  struct xj_dash_id_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_dash_ghosts,
                           XJ_DB_PARAMS (XJ_DB_S (prefix), XJ_DB_I (school),
                                         XJ_DB_I (klass)),
                           &xj_dash_id_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
