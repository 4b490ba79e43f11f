/* province_store.c -- `xueji check`'s comparison of the province column
 * (migration 0039) with where each row belongs: a record's with its
 * school's county, a row hanging off a record with the record's, a change
 * step or action with its request's, a dropout entry with its case's.
 * Audit entries and imports keep the actor's and are not compared.
 */
#include "student/student_store.h"
#include "student/student_store_sql.h"

/* rows of @t whose province is not that of the row of @p its @c names */
#define DIFFER(t, c, p)                                                        \
  " + (SELECT count(*) FROM " t " x JOIN " p " o ON o.id = x." c              \
  " WHERE x.province <> o.province)"
#define OF_STUDENT(t) DIFFER (t, "student_id", "students")

XJ_DB_STMT (st_prov_check,
            "SELECT (SELECT count(*) FROM students st"
            " JOIN schools sc ON sc.id = st.school_id"
            " WHERE st.province <> " XJ_COUNTY_PROVINCE ("sc.county_code") ")"
            OF_STUDENT ("student_events") OF_STUDENT ("student_placements")
            OF_STUDENT ("student_aliases") OF_STUDENT ("student_warnings")
            OF_STUDENT ("warning_confirms") OF_STUDENT ("guardian_ids")
            OF_STUDENT ("absences") OF_STUDENT ("absence_history")
            OF_STUDENT ("suspensions") OF_STUDENT ("graduations")
            OF_STUDENT ("progressions") OF_STUDENT ("dropout_cases")
            OF_STUDENT ("ghost_candidates") OF_STUDENT ("verify_state")
            OF_STUDENT ("verify_ticks") OF_STUDENT ("duplicate_flags")
            DIFFER ("student_merges", "survivor_id", "students")
            OF_STUDENT ("change_requests") OF_STUDENT ("year_end_items")
            OF_STUDENT ("year_end_blocked") OF_STUDENT ("allocation_items")
            OF_STUDENT ("class_size_moves")
            DIFFER ("change_steps", "request_id", "change_requests")
            DIFFER ("change_actions", "request_id", "change_requests")
            DIFFER ("dropout_entries", "case_id", "dropout_cases"))

/* the references that no foreign key guards on PostgreSQL: to another
   record (since students is partitioned, migration 0040) and a merge's
   to its flag (the flag may be in the other record's province, 0042) */
#define MISSING_IN(t, c, p)                                                    \
  "(SELECT count(*) FROM " t " x WHERE NOT EXISTS (SELECT 1 FROM " p " o"   \
  " WHERE o.id = x." c "))"
#define MISSING(t, c) MISSING_IN (t, c, "students")
XJ_DB_STMT (st_prov_refs,
            "SELECT " MISSING ("duplicate_flags", "other_id") " + "
            MISSING ("student_merges", "merged_id") " + "
            MISSING_IN ("student_merges", "flag_id", "duplicate_flags"))

enum xj_err
xj_province_refs_check (struct xj_db *db, int64_t *rows)
{
  enum xj_qs qs;

  *rows = 0;
  qs = xj_db_q (db, &st_prov_refs, XJ_DB_NOPARAMS, &xj_db_int64_cb, rows);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_province_check (struct xj_db *db, int64_t *rows)
{
  enum xj_qs qs;

  *rows = 0;
  qs = xj_db_q (db, &st_prov_check, XJ_DB_NOPARAMS, &xj_db_int64_cb, rows);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
