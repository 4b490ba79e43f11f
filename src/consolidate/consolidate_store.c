/* consolidate_store.c -- the statements of `xueji migrate`: each table of
 * a county registry read from the source and written into the target
 * with its ids remapped (docs/deploy-postgres.md "Consolidating
 * counties").  One table entry per registry table, in an order where
 * every row's references are copied before it.
 *
 * A source SELECT returns the row's own id (or 0) and then the target
 * INSERT's parameters in order; the entry's `kinds` names each
 * parameter: i integer, t text, b bytes, G a region code the target must
 * have, or a letter of an entity whose id is remapped (S school, Y
 * school year, U user, C class, T student, R change request, P change
 * step, E year-end run, A allocation, D dropout case, W warning
 * confirmation, F duplicate flag).
 */
#include <stdlib.h>
#include <string.h>
#include "consolidate/consolidate_store.h"
#include "core/util.h"
#include "student/student_store_sql.h"

#define MAX_COLS 24

/* ---- the source ---- */
XJ_DB_STMT (st_cons_src_schools,
            "SELECT id, code, name, stage, county_code, township_code,"
            " urban_rural, address, created_at FROM schools ORDER BY id")
XJ_DB_STMT (st_cons_src_years,
            "SELECT id, start_year, start_date, end_date, is_current"
            " FROM school_years ORDER BY id")
XJ_DB_STMT (st_cons_src_terms,
            "SELECT id, year_id, no, start_date, end_date FROM terms"
            " ORDER BY id")
XJ_DB_STMT (st_cons_src_holidays,
            "SELECT 0, date, kind, name FROM holidays ORDER BY date")
XJ_DB_STMT (st_cons_src_users,
            "SELECT id, username, display_name, pw_hash, role, region_code,"
            " school_id, disabled, failed_logins, locked_until, created_at,"
            " session_epoch FROM users ORDER BY id")
XJ_DB_STMT (st_cons_src_classes,
            "SELECT id, school_id, year_id, grade, no, name, head_teacher,"
            " head_teacher_user_id, created_at FROM classes ORDER BY id")
XJ_DB_STMT (st_cons_src_user_classes,
            "SELECT 0, user_id, class_id FROM user_classes"
            " ORDER BY user_id, class_id")
XJ_DB_STMT (st_cons_src_students,
            "SELECT id, registry_no, id_type, id_no, name, gender, birth_date,"
            " school_id, class_id, grade, status, dup_flag, version,"
            " guardian_phone, data, created_at, updated_at, created_by"
            " FROM students ORDER BY id")
XJ_DB_STMT (st_cons_src_aliases,
            "SELECT 0, registry_no, student_id, created_at"
            " FROM student_aliases ORDER BY registry_no")
XJ_DB_STMT (st_cons_src_events,
            "SELECT id, student_id, kind, at, actor_id, actor, before, after"
            " FROM student_events ORDER BY id")
XJ_DB_STMT (st_cons_src_imports,
            "SELECT id, user_id, username, ip, scope_school_id, scope_region,"
            " file_name, file_path, file_size, file_sha256, options, status,"
            " message, rows_total, rows_done, imported, rejected, already,"
            " created_at, started_at, finished_at, report_path, errors,"
            " expired_at FROM imports ORDER BY id")
XJ_DB_STMT (st_cons_src_changes,
            "SELECT id, type, student_id, status, initiator_id, initiator,"
            " initiator_school_id, initiator_region, from_school_id,"
            " to_school_id, to_class_id, payload, round, created_at,"
            " closed_at, version FROM change_requests ORDER BY id")
XJ_DB_STMT (st_cons_src_dups,
            "SELECT id, student_id, other_id, reason, created_at, state,"
            " resolved_by, resolved_at, resolution, change_id"
            " FROM duplicate_flags ORDER BY id")
XJ_DB_STMT (st_cons_src_steps,
            "SELECT id, request_id, round, seq, actor_kind, actor_school_id,"
            " actor_region, label, status, start_date, deadline, acted_by,"
            " acted_by_name, acted_at, comment, label_key"
            " FROM change_steps ORDER BY id")
XJ_DB_STMT (st_cons_src_actions,
            "SELECT id, request_id, step_id, action, at, actor_id, actor,"
            " comment FROM change_actions ORDER BY id")
XJ_DB_STMT (st_cons_src_runs,
            "SELECT id, scope, from_year, to_year, status, summary,"
            " created_at, created_by, rolled_back_at FROM year_end_runs"
            " ORDER BY id")
XJ_DB_STMT (st_cons_src_ye_schools,
            "SELECT 0, run_id, school_id, from_year, active"
            " FROM year_end_schools ORDER BY run_id, school_id")
XJ_DB_STMT (st_cons_src_ye_items,
            "SELECT 0, run_id, student_id, old_grade, old_class_id,"
            " old_status, new_grade, new_class_id, new_status, version_after"
            " FROM year_end_items ORDER BY run_id, student_id")
XJ_DB_STMT (st_cons_src_ye_classes,
            "SELECT 0, run_id, class_id FROM year_end_classes"
            " ORDER BY run_id, class_id")
XJ_DB_STMT (st_cons_src_suspensions,
            "SELECT id, student_id, request_id, renewal, start_date,"
            " end_date, created_at FROM suspensions ORDER BY id")
XJ_DB_STMT (st_cons_src_graduations,
            "SELECT id, student_id, school_id, grade, outcome, school_year,"
            " run_id, at, active FROM graduations ORDER BY id")
XJ_DB_STMT (st_cons_src_progressions,
            "SELECT id, kind, student_id, from_school_id, to_school_id,"
            " from_grade, from_status, to_grade, to_class_id, route,"
            " out_of_zone, reason, request_id, at, actor FROM progressions"
            " ORDER BY id")
XJ_DB_STMT (st_cons_src_ye_blocked,
            "SELECT 0, run_id, student_id, school_id, grade, class_id,"
            " resolved_at, resolution FROM year_end_blocked"
            " ORDER BY run_id, student_id")
XJ_DB_STMT (st_cons_src_feeders,
            "SELECT 0, junior_school_id, primary_school_id FROM school_feeders"
            " ORDER BY junior_school_id, primary_school_id")
XJ_DB_STMT (st_cons_src_zone_towns,
            "SELECT 0, school_id, township_code FROM school_zone_townships"
            " ORDER BY school_id, township_code")
XJ_DB_STMT (st_cons_src_zone_comms,
            "SELECT 0, school_id, name FROM school_zone_communities"
            " ORDER BY school_id, name")
XJ_DB_STMT (st_cons_src_allocs,
            "SELECT id, county_code, school_year, status, created_at,"
            " created_by, published_at FROM allocations ORDER BY id")
XJ_DB_STMT (st_cons_src_alloc_items,
            "SELECT 0, allocation_id, student_id, from_school_id,"
            " to_school_id, route, reason, confirmed_at FROM allocation_items"
            " ORDER BY allocation_id, student_id")
XJ_DB_STMT (st_cons_src_lseq,
            "SELECT 0, county, birth, next FROM l_seq_county"
            " ORDER BY county, birth")
XJ_DB_STMT (st_cons_src_dropouts,
            "SELECT id, student_id, school_id, source, detail, stage, status,"
            " opened_on, opened_at, dropout_on, closed_at, outcome, version"
            " FROM dropout_cases ORDER BY id")
XJ_DB_STMT (st_cons_src_dropout_entries,
            "SELECT id, case_id, kind, happened_on, method, participants,"
            " reported_to, outcome, detail, at, actor_id, actor"
            " FROM dropout_entries ORDER BY id")
XJ_DB_STMT (st_cons_src_warnings,
            "SELECT id, student_id, field, code, detail, created_at,"
            " confirm_id FROM student_warnings ORDER BY id")
XJ_DB_STMT (st_cons_src_confirms,
            "SELECT id, student_id, field, code, value, reason, confirmed_by,"
            " confirmed_at FROM warning_confirms ORDER BY id")
XJ_DB_STMT (st_cons_src_merges,
            "SELECT id, merged_id, survivor_id, merged_no, flag_id, reason,"
            " merged_by, merged_at FROM student_merges ORDER BY id")
XJ_DB_STMT (st_cons_src_guardian_ids,
            "SELECT 0, student_id, id_no FROM guardian_ids"
            " ORDER BY student_id, id_no")
XJ_DB_STMT (st_cons_src_attend_terms,
            "SELECT 0, county_code, start_year, no, start_date, end_date,"
            " updated_by, updated_at FROM attend_terms"
            " ORDER BY county_code, start_year, no")
XJ_DB_STMT (st_cons_src_absences,
            "SELECT 0, student_id, day, school_id, part, reason, recorded_by,"
            " recorded_at FROM absences ORDER BY student_id, day")
XJ_DB_STMT (st_cons_src_absence_history,
            "SELECT id, student_id, day, school_id, part, reason, recorded_by,"
            " recorded_at, replaced_by, replaced_at, removed"
            " FROM absence_history ORDER BY id")
XJ_DB_STMT (st_cons_src_placements,
            "SELECT id, student_id, at, school_id, class_id, grade, status,"
            " to_school_id, to_class_id, to_grade, to_status"
            " FROM student_placements ORDER BY id")
XJ_DB_STMT (st_cons_src_size_moves,
            "SELECT id, at, school_id, class_id, student_id, path, size, band,"
            " actor_id FROM class_size_moves ORDER BY id")

/* ---- the target ---- */
XJ_DB_STMT (st_cons_find_school, "SELECT id FROM schools WHERE code = $1")
XJ_DB_STMT (st_cons_find_year,
            "SELECT id FROM school_years WHERE start_year = $1")
XJ_DB_STMT (st_cons_find_term,
            "SELECT id FROM terms WHERE year_id = $1 AND no = $2")
XJ_DB_STMT (st_cons_region_has, "SELECT count(*) FROM regions WHERE code = $1")
XJ_DB_STMT (st_cons_user_has, "SELECT count(*) FROM users WHERE username = $1")

XJ_DB_STMT (st_cons_put_school,
            "INSERT INTO schools (code, name, stage, county_code,"
            " township_code, urban_rural, address, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
/* A year the target does not have is never made its current one. */
XJ_DB_STMT (st_cons_put_year,
            "INSERT INTO school_years (start_year, start_date, end_date,"
            " is_current) VALUES ($1, $2, $3, CASE WHEN EXISTS (SELECT 1"
            " FROM school_years WHERE is_current = 1) THEN 0 ELSE $4 END)"
            " RETURNING id")
XJ_DB_STMT (st_cons_put_term,
            "INSERT INTO terms (year_id, no, start_date, end_date)"
            " VALUES ($1, $2, $3, $4) RETURNING id")
XJ_DB_STMT (st_cons_put_holiday,
            "INSERT INTO holidays (date, kind, name) VALUES ($1, $2, $3)"
            " ON CONFLICT (date) DO NOTHING")
XJ_DB_STMT (st_cons_put_user,
            "INSERT INTO users (username, display_name, pw_hash, role,"
            " region_code, school_id, disabled, failed_logins, locked_until,"
            " created_at, session_epoch)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            " RETURNING id")
XJ_DB_STMT (st_cons_put_class,
            "INSERT INTO classes (school_id, year_id, grade, no, name,"
            " head_teacher, head_teacher_user_id, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
XJ_DB_STMT (st_cons_put_user_class,
            "INSERT INTO user_classes (user_id, class_id) VALUES ($1, $2)")
XJ_DB_STMT (st_cons_put_student,
            "INSERT INTO students (registry_no, id_type, id_no, name,"
            " gender, birth_date, school_id, class_id, grade, status,"
            " dup_flag, version, guardian_phone, data, created_at,"
            " updated_at, created_by, province) VALUES ($1, $2, $3, $4, $5,"
            " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
            XJ_SCHOOL_PROVINCE ("$7") ") RETURNING id")
XJ_DB_STMT (st_cons_put_alias,
            "INSERT INTO student_aliases (registry_no, student_id,"
            " created_at, province) VALUES ($1, $2, $3, "
            XJ_PROVINCE_OF ("students", "$2") ")")
XJ_DB_STMT (st_cons_put_event,
            "INSERT INTO student_events (student_id, kind, at, actor_id,"
            " actor, before, after, province) VALUES ($1, $2, $3, $4, $5,"
            " $6, $7, " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_cons_put_import,
            "INSERT INTO imports (user_id, username, ip, scope_school_id,"
            " scope_region, file_name, file_path, file_size, file_sha256,"
            " options, status, message, rows_total, rows_done, imported,"
            " rejected, already, created_at, started_at, finished_at,"
            " report_path, errors, expired_at, province) VALUES ($1, $2,"
            " $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
            " $16, $17, $18, $19, $20, $21, $22, $23, "
            XJ_IMPORT_PROVINCE ("$4", "$5") ")")
XJ_DB_STMT (st_cons_put_change,
            "INSERT INTO change_requests (type, student_id, status,"
            " initiator_id, initiator, initiator_school_id,"
            " initiator_region, from_school_id, to_school_id, to_class_id,"
            " payload, round, created_at, closed_at, version, province)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
            " $13, $14, $15, " XJ_PROVINCE_OF ("students", "$2") ")"
            " RETURNING id")
XJ_DB_STMT (st_cons_put_dup,
            "INSERT INTO duplicate_flags (student_id, other_id, reason,"
            " created_at, state, resolved_by, resolved_at, resolution,"
            " change_id, province) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
            " $9, " XJ_PROVINCE_OF ("students", "$1") ") RETURNING"
            " id")
XJ_DB_STMT (st_cons_put_step,
            "INSERT INTO change_steps (request_id, round, seq, actor_kind,"
            " actor_school_id, actor_region, label, status, start_date,"
            " deadline, acted_by, acted_by_name, acted_at, comment,"
            " label_key, province) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
            " $9, $10, $11, $12, $13, $14, $15, "
            XJ_PROVINCE_OF ("change_requests", "$1") ") RETURNING id")
XJ_DB_STMT (st_cons_put_action,
            "INSERT INTO change_actions (request_id, step_id, action, at,"
            " actor_id, actor, comment, province) VALUES ($1, $2, $3, $4,"
            " $5, $6, $7, " XJ_PROVINCE_OF ("change_requests", "$1") ")")
XJ_DB_STMT (st_cons_put_run,
            "INSERT INTO year_end_runs (scope, from_year, to_year, status,"
            " summary, created_at, created_by, rolled_back_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
XJ_DB_STMT (st_cons_put_ye_school,
            "INSERT INTO year_end_schools (run_id, school_id, from_year,"
            " active) VALUES ($1, $2, $3, $4)")
XJ_DB_STMT (st_cons_put_ye_item,
            "INSERT INTO year_end_items (run_id, student_id, old_grade,"
            " old_class_id, old_status, new_grade, new_class_id,"
            " new_status, version_after, province) VALUES ($1, $2, $3, $4,"
            " $5, $6, $7, $8, $9, " XJ_PROVINCE_OF ("students", "$2") ")")
XJ_DB_STMT (st_cons_put_ye_class,
            "INSERT INTO year_end_classes (run_id, class_id) VALUES ($1, $2)")
XJ_DB_STMT (st_cons_put_suspension,
            "INSERT INTO suspensions (student_id, request_id, renewal,"
            " start_date, end_date, created_at, province) VALUES ($1, $2,"
            " $3, $4, $5, $6, " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_cons_put_graduation,
            "INSERT INTO graduations (student_id, school_id, grade,"
            " outcome, school_year, run_id, at, active, province) VALUES"
            " ($1, $2, $3, $4, $5, $6, $7, $8, "
            XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_cons_put_progression,
            "INSERT INTO progressions (kind, student_id, from_school_id,"
            " to_school_id, from_grade, from_status, to_grade, to_class_id,"
            " route, out_of_zone, reason, request_id, at, actor, province)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
            " $13, $14, " XJ_PROVINCE_OF ("students", "$2") ")")
XJ_DB_STMT (st_cons_put_ye_blocked,
            "INSERT INTO year_end_blocked (run_id, student_id, school_id,"
            " grade, class_id, resolved_at, resolution, province) VALUES"
            " ($1, $2, $3, $4, $5, $6, $7, " XJ_PROVINCE_OF ("students", "$2")
            ")")
XJ_DB_STMT (st_cons_put_feeder,
            "INSERT INTO school_feeders (junior_school_id, primary_school_id)"
            " VALUES ($1, $2) ON CONFLICT (junior_school_id,"
            " primary_school_id) DO NOTHING")
XJ_DB_STMT (st_cons_put_zone_town,
            "INSERT INTO school_zone_townships (school_id, township_code)"
            " VALUES ($1, $2) ON CONFLICT (school_id, township_code)"
            " DO NOTHING")
XJ_DB_STMT (st_cons_put_zone_comm,
            "INSERT INTO school_zone_communities (school_id, name)"
            " VALUES ($1, $2) ON CONFLICT (school_id, name) DO NOTHING")
XJ_DB_STMT (st_cons_put_alloc,
            "INSERT INTO allocations (county_code, school_year, status,"
            " created_at, created_by, published_at)"
            " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
XJ_DB_STMT (st_cons_put_alloc_item,
            "INSERT INTO allocation_items (allocation_id, student_id,"
            " from_school_id, to_school_id, route, reason, confirmed_at,"
            " province) VALUES ($1, $2, $3, $4, $5, $6, $7, "
            XJ_PROVINCE_OF ("students", "$2") ")")
/* The county's next L number stays past every number either side has
   issued. */
XJ_DB_STMT (st_cons_put_lseq,
            "INSERT INTO l_seq_county (county, birth, next)"
            " VALUES ($1, $2, $3) ON CONFLICT (county, birth) DO UPDATE"
            " SET next = CASE WHEN excluded.next > l_seq_county.next"
            " THEN excluded.next ELSE l_seq_county.next END")
XJ_DB_STMT (st_cons_put_dropout,
            "INSERT INTO dropout_cases (student_id, school_id, source,"
            " detail, stage, status, opened_on, opened_at, dropout_on,"
            " closed_at, outcome, version, province) VALUES ($1, $2, $3,"
            " $4, $5, $6, $7, $8, $9, $10, $11, $12, "
            XJ_PROVINCE_OF ("students", "$1") ") RETURNING id")
XJ_DB_STMT (st_cons_put_dropout_entry,
            "INSERT INTO dropout_entries (case_id, kind, happened_on,"
            " method, participants, reported_to, outcome, detail, at,"
            " actor_id, actor, province) VALUES ($1, $2, $3, $4, $5, $6,"
            " $7, $8, $9, $10, $11, " XJ_PROVINCE_OF ("dropout_cases", "$1")
            ")")
XJ_DB_STMT (st_cons_put_warning,
            "INSERT INTO student_warnings (student_id, field, code, detail,"
            " created_at, confirm_id, province) VALUES ($1, $2, $3, $4, $5,"
            " $6, " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_cons_put_confirm,
            "INSERT INTO warning_confirms (student_id, field, code, value,"
            " reason, confirmed_by, confirmed_at, province) VALUES ($1, $2,"
            " $3, $4, $5, $6, $7, " XJ_PROVINCE_OF ("students", "$1")
            ") RETURNING id")
XJ_DB_STMT (st_cons_put_merge,
            "INSERT INTO student_merges (merged_id, survivor_id, merged_no,"
            " flag_id, reason, merged_by, merged_at, province) VALUES ($1,"
            " $2, $3, $4, $5, $6, $7, " XJ_PROVINCE_OF ("students", "$2") ")")
XJ_DB_STMT (st_cons_put_guardian_id,
            "INSERT INTO guardian_ids (student_id, id_no, province) VALUES"
            " ($1, $2, " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_cons_put_attend_term,
            "INSERT INTO attend_terms (county_code, start_year, no,"
            " start_date, end_date, updated_by, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)")
XJ_DB_STMT (st_cons_put_absence,
            "INSERT INTO absences (student_id, day, school_id, part,"
            " reason, recorded_by, recorded_at, province) VALUES ($1, $2,"
            " $3, $4, $5, $6, $7, " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_cons_put_absence_history,
            "INSERT INTO absence_history (student_id, day, school_id, part,"
            " reason, recorded_by, recorded_at, replaced_by, replaced_at,"
            " removed, province) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
            " $9, $10, " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_cons_put_placement,
            "INSERT INTO student_placements (student_id, at, school_id,"
            " class_id, grade, status, to_school_id, to_class_id, to_grade,"
            " to_status, province) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
            " $9, $10, " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_cons_put_size_move,
            "INSERT INTO class_size_moves (at, school_id, class_id,"
            " student_id, path, size, band, actor_id, province) VALUES ($1,"
            " $2, $3, $4, $5, $6, $7, $8, " XJ_PROVINCE_OF ("students", "$4")
            ")")

/* ---- identity, conflicts, settings, audit, the record ---- */
XJ_DB_STMT (st_cons_src_first_audit,
            "SELECT hash FROM audit_log ORDER BY id LIMIT 1")
XJ_DB_STMT (st_cons_src_head,
            "SELECT hash, (SELECT count(*) FROM audit_log) FROM audit_log"
            " ORDER BY id DESC LIMIT 1")
XJ_DB_STMT (st_cons_src_counties,
            "SELECT DISTINCT county_code FROM schools ORDER BY county_code")
XJ_DB_STMT (st_cons_src_people,
            "SELECT s.id, s.name, coalesce(s.id_no, ''), s.id_type,"
            " s.registry_no, sc.code, sc.name FROM students s"
            " JOIN schools sc ON sc.id = s.school_id ORDER BY s.id")
/* The same columns for each former registry number (an alias). */
XJ_DB_STMT (st_cons_src_alias_people,
            "SELECT s.id, s.name, coalesce(s.id_no, ''), s.id_type,"
            " a.registry_no, sc.code, sc.name FROM student_aliases a"
            " JOIN students s ON s.id = a.student_id"
            " JOIN schools sc ON sc.id = s.school_id ORDER BY s.id")
XJ_DB_STMT (st_cons_dst_person,
            "SELECT sc.code, sc.name, sc.county_code FROM students s"
            " JOIN schools sc ON sc.id = s.school_id"
            " WHERE s.id IN (SELECT r.student_id FROM registry_numbers r"
            " WHERE r.registry_no = $1 UNION ALL SELECT i.student_id"
            " FROM student_identities i WHERE i.id_no = $2 AND i.id_type = $3)"
            " LIMIT 1")
XJ_DB_STMT (st_cons_src_settings,
            "SELECT key, value FROM settings ORDER BY key")
XJ_DB_STMT (st_cons_dst_setting,
            "SELECT value FROM settings WHERE key = $1")
XJ_DB_STMT (st_cons_src_audit,
            "SELECT at, coalesce(user_id, 0), username, ip, action, entity,"
            " entity_id, before, after,"
            " CASE WHEN before IS NULL THEN 1 ELSE 0 END,"
            " CASE WHEN after IS NULL THEN 1 ELSE 0 END"
            " FROM audit_log ORDER BY id")
XJ_DB_STMT (st_cons_record_get,
            "SELECT source_id, county_code, source_path, source_head, entries,"
            " students, skipped, at, actor FROM consolidations"
            " WHERE source_id = $1")
XJ_DB_STMT (st_cons_record_put,
            "INSERT INTO consolidations (source_id, county_code, source_path,"
            " source_head, entries, students, skipped, at, actor)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")

/* One registry table in copy order. */
struct table {
  const char *name;
  struct xj_db_stmt *get, *put;
  const char *kinds;        /* the INSERT's parameters, in order */
  enum xj_cons_map own;     /* the map its new ids go to, or NONE */
  struct xj_db_stmt *find;  /* an equal row the target may have */
  unsigned nkey;            /* ... found by its first nkey parameters */
  xj_cons_fix fix;          /* per-row hook or NULL */
};

static const struct table tables[] = {
  { "schools", &st_cons_src_schools, &st_cons_put_school, "tttGGitt",
    XJ_CM_SCHOOL, &st_cons_find_school, 1, NULL },
  { "school_years", &st_cons_src_years, &st_cons_put_year, "ittt",
    XJ_CM_YEAR, &st_cons_find_year, 1, NULL },
  { "terms", &st_cons_src_terms, &st_cons_put_term, "Yitt", XJ_CM_NONE,
    &st_cons_find_term, 2, NULL },
  { "holidays", &st_cons_src_holidays, &st_cons_put_holiday, "ttt",
    XJ_CM_NONE, NULL, 0, NULL },
  { "users", &st_cons_src_users, &st_cons_put_user, "ttttGSiiiti",
    XJ_CM_USER, NULL, 0, &xj_cons_fix_user },
  { "classes", &st_cons_src_classes, &st_cons_put_class, "SYtittUt",
    XJ_CM_CLASS, NULL, 0, NULL },
  { "user_classes", &st_cons_src_user_classes, &st_cons_put_user_class,
    "UC", XJ_CM_NONE, NULL, 0, NULL },
  { "students", &st_cons_src_students, &st_cons_put_student,
    "ttttitSCttiitbttU", XJ_CM_STUDENT, NULL, 0, &xj_cons_fix_student },
  { "student_aliases", &st_cons_src_aliases, &st_cons_put_alias, "tTt",
    XJ_CM_NONE, NULL, 0, NULL },
  { "student_events", &st_cons_src_events, &st_cons_put_event, "TttUttt",
    XJ_CM_NONE, NULL, 0, NULL },
  { "imports", &st_cons_src_imports, &st_cons_put_import,
    "UttSttt" "i" "tttt" "iiiii" "tttttt", XJ_CM_NONE, NULL, 0, NULL },
  { "change_requests", &st_cons_src_changes, &st_cons_put_change,
    "tTtUtStSSCtitti", XJ_CM_CHANGE, NULL, 0, NULL },
  { "duplicate_flags", &st_cons_src_dups, &st_cons_put_dup, "TTttttttR",
    XJ_CM_FLAG, NULL, 0, NULL },
  { "student_merges", &st_cons_src_merges, &st_cons_put_merge, "TTtFttt",
    XJ_CM_NONE, NULL, 0, NULL },
  { "change_steps", &st_cons_src_steps, &st_cons_put_step,
    "RiitStttttUtttt", XJ_CM_STEP, NULL, 0, NULL },
  { "change_actions", &st_cons_src_actions, &st_cons_put_action, "RPttUtt",
    XJ_CM_NONE, NULL, 0, NULL },
  { "year_end_runs", &st_cons_src_runs, &st_cons_put_run, "tiittttt",
    XJ_CM_RUN, NULL, 0, NULL },
  { "year_end_schools", &st_cons_src_ye_schools, &st_cons_put_ye_school,
    "ESii", XJ_CM_NONE, NULL, 0, NULL },
  { "year_end_items", &st_cons_src_ye_items, &st_cons_put_ye_item,
    "ETtCttCti", XJ_CM_NONE, NULL, 0, NULL },
  { "year_end_classes", &st_cons_src_ye_classes, &st_cons_put_ye_class,
    "EC", XJ_CM_NONE, NULL, 0, NULL },
  { "suspensions", &st_cons_src_suspensions, &st_cons_put_suspension,
    "TRittt", XJ_CM_NONE, NULL, 0, NULL },
  { "graduations", &st_cons_src_graduations, &st_cons_put_graduation,
    "TSttiEti", XJ_CM_NONE, NULL, 0, NULL },
  { "progressions", &st_cons_src_progressions, &st_cons_put_progression,
    "tTSStttCtitRtt", XJ_CM_NONE, NULL, 0, NULL },
  { "year_end_blocked", &st_cons_src_ye_blocked, &st_cons_put_ye_blocked,
    "ETStCtt", XJ_CM_NONE, NULL, 0, NULL },
  { "school_feeders", &st_cons_src_feeders, &st_cons_put_feeder, "SS",
    XJ_CM_NONE, NULL, 0, NULL },
  { "school_zone_townships", &st_cons_src_zone_towns,
    &st_cons_put_zone_town, "SG", XJ_CM_NONE, NULL, 0, NULL },
  { "school_zone_communities", &st_cons_src_zone_comms,
    &st_cons_put_zone_comm, "St", XJ_CM_NONE, NULL, 0, NULL },
  { "allocations", &st_cons_src_allocs, &st_cons_put_alloc, "Gitttt",
    XJ_CM_ALLOC, NULL, 0, NULL },
  { "allocation_items", &st_cons_src_alloc_items, &st_cons_put_alloc_item,
    "ATSSttt", XJ_CM_NONE, NULL, 0, NULL },
  { "l_seq_county", &st_cons_src_lseq, &st_cons_put_lseq, "tti",
    XJ_CM_NONE, NULL, 0, NULL },
  { "warning_confirms", &st_cons_src_confirms, &st_cons_put_confirm,
    "Tttttt" "t", XJ_CM_CONFIRM, NULL, 0, NULL },
  { "student_warnings", &st_cons_src_warnings, &st_cons_put_warning,
    "TttttW", XJ_CM_NONE, NULL, 0, NULL },
  { "guardian_ids", &st_cons_src_guardian_ids, &st_cons_put_guardian_id,
    "Tt", XJ_CM_NONE, NULL, 0, NULL },
  { "attend_terms", &st_cons_src_attend_terms, &st_cons_put_attend_term,
    "tiittUt", XJ_CM_NONE, NULL, 0, NULL },
  { "absences", &st_cons_src_absences, &st_cons_put_absence, "TiSiiUi",
    XJ_CM_NONE, NULL, 0, NULL },
  { "absence_history", &st_cons_src_absence_history,
    &st_cons_put_absence_history, "TiSiiUiUii", XJ_CM_NONE, NULL, 0, NULL },
  { "student_placements", &st_cons_src_placements, &st_cons_put_placement,
    "TtSCttSCtt", XJ_CM_NONE, NULL, 0, NULL },
  { "class_size_moves", &st_cons_src_size_moves, &st_cons_put_size_move,
    "tSCTtitU", XJ_CM_NONE, NULL, 0, NULL },
  { "dropout_cases", &st_cons_src_dropouts, &st_cons_put_dropout,
    "TSttttttttti", XJ_CM_DROPOUT, NULL, 0, NULL },
  { "dropout_entries", &st_cons_src_dropout_entries,
    &st_cons_put_dropout_entry, "DttttttttUt", XJ_CM_NONE, NULL, 0, NULL },
};

const char *
xj_cons_table_name (size_t i)
{
  return i < sizeof tables / sizeof tables[0] ? tables[i].name : NULL;
}

/* ---- id maps ---- */

enum xj_err
xj_cons_map_set (struct xj_cons_maps *m, enum xj_cons_map k, int64_t from,
                 int64_t to)
{
  if (from <= 0 || from > INT32_MAX)
    return XJ_E_INTERNAL;
  if ((size_t) from >= m->n[k])
    {
      size_t n = m->n[k] ? m->n[k] : 1024;
      int64_t *v;

      while (n <= (size_t) from)
        n *= 2;
      v = realloc (m->v[k], n * sizeof *v);
      if (NULL == v)
        return XJ_E_INTERNAL;
      memset (v + m->n[k], 0, (n - m->n[k]) * sizeof *v);
      m->v[k] = v;
      m->n[k] = n;
    }
  m->v[k][from] = to;
  return XJ_E_OK;
}

int64_t
xj_cons_map_get (const struct xj_cons_maps *m, enum xj_cons_map k,
                 int64_t from)
{
  if (from <= 0 || (size_t) from >= m->n[k])
    return 0;
  return m->v[k][from];
}

void
xj_cons_maps_free (struct xj_cons_maps *m)
{
  for (int k = 0; k < XJ_CM__N; k++)
    free (m->v[k]);
  memset (m, 0, sizeof *m);
}

static enum xj_cons_map
kind_map (char k)
{
  static const char letters[] = "SYUCTRPEADWF";
  static const enum xj_cons_map maps[] = {
    XJ_CM_SCHOOL, XJ_CM_YEAR, XJ_CM_USER, XJ_CM_CLASS, XJ_CM_STUDENT,
    XJ_CM_CHANGE, XJ_CM_STEP, XJ_CM_RUN, XJ_CM_ALLOC, XJ_CM_DROPOUT,
    XJ_CM_CONFIRM, XJ_CM_FLAG
  };
  const char *p = strchr (letters, k);

  return p ? maps[p - letters] : XJ_CM_NONE;
}

/* ---- copying one table ---- */

struct row_ctx {
  struct xj_cons_copy *c;
  const struct table *t;
  enum xj_err err;
};

enum xj_err
xj_cons_region_exists (struct xj_db *dst, const char *code, bool *yes)
{
  int64_t n = 0;
  enum xj_qs qs = xj_db_q (dst, &st_cons_region_has,
                           XJ_DB_PARAMS (XJ_DB_S (code)), &xj_db_int64_cb,
                           &n);

  *yes = n > 0;
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_cons_user_exists (struct xj_db *dst, const char *username, bool *yes)
{
  int64_t n = 0;
  enum xj_qs qs = xj_db_q (dst, &st_cons_user_has,
                           XJ_DB_PARAMS (XJ_DB_S (username)),
                           &xj_db_int64_cb, &n);

  *yes = n > 0;
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* Parameter @i of a row from source column @i + 1, remapped by kind @k:
   XJ_E_NOT_FOUND when it names an id the copy has not mapped. */
static enum xj_err
param_of (struct xj_cons_copy *c, const struct xj_db_row *r, int i, char k,
          struct xj_db_param *p)
{
  enum xj_cons_map m = kind_map (k);
  bool yes;
  enum xj_err e;

  if (xj_db_isnull (r, i + 1))
    {
      *p = XJ_DB_NUL;
      return XJ_E_OK;
    }
  if ('t' == k || 'G' == k)
    *p = XJ_DB_S (xj_db_text (r, i + 1));
  else if ('b' == k)
    *p = XJ_DB_B (xj_db_blob (r, i + 1), xj_db_bytes (r, i + 1));
  else if ('i' == k)
    *p = XJ_DB_I (xj_db_int (r, i + 1));
  else
    {
      *p = XJ_DB_I (xj_cons_map_get (&c->maps, m, xj_db_int (r, i + 1)));
      return 0 == p->i ? XJ_E_NOT_FOUND : XJ_E_OK;
    }
  if ('G' != k)
    return XJ_E_OK;
  if (XJ_E_OK != (e = xj_cons_region_exists (c->dst, p->p, &yes)))
    return e;
  if (! yes)
    {
      xj_snprintf (c->detail, sizeof c->detail,
                   "region %s is not in the target (init it with the same"
                   " xueji)", (const char *) p->p);
      return XJ_E_MIGRATE_REGION;
    }
  return XJ_E_OK;
}

/* The target's equal row (schools by code, years by start year, terms by
   year and number): its id, or 0. */
static enum xj_err
find_equal (struct xj_cons_copy *c, const struct table *t,
            const struct xj_db_param *p, int64_t *id)
{
  struct xj_db_param k[3] = { p[0], p[1], XJ_DB_END };
  enum xj_qs qs;

  k[t->nkey] = XJ_DB_END;
  *id = 0;
  qs = xj_db_q (c->dst, t->find, k, &xj_db_int64_cb, id);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static enum xj_err
copy_row (struct xj_cons_copy *c, const struct table *t,
          const struct xj_db_row *r)
{
  struct xj_db_param p[MAX_COLS + 1];
  int64_t src_id = xj_db_int (r, 0), id = 0;
  size_t n = strlen (t->kinds);
  enum xj_qs qs;
  enum xj_err e = XJ_E_OK;

  for (size_t i = 0; i < n && XJ_E_OK == e; i++)
    e = param_of (c, r, (int) i, t->kinds[i], &p[i]);
  p[n] = XJ_DB_END;
  if (XJ_E_OK == e && t->fix)
    e = t->fix (c, src_id, p);
  if (XJ_E_NOT_FOUND == e)
    {
      c->left_out++;
      return XJ_E_OK;
    }
  if (XJ_E_OK == e && t->find)
    e = find_equal (c, t, p, &id);
  if (XJ_E_OK != e)
    return e;
  if (0 != id)
    c->reused++;
  else
    {
      qs = xj_db_q (c->dst, t->put, p, t->own ? &xj_db_int64_cb : NULL, &id);
      if (qs < 0)
        {
          xj_snprintf (c->detail, sizeof c->detail, "%s: row #%lld refused",
                       t->name, (long long) src_id);
          return xj_db_qs_err (qs);
        }
      c->copied++;
    }
  return t->own ? xj_cons_map_set (&c->maps, t->own, src_id, id) : XJ_E_OK;
}

static int
row_cb (void *cls, const struct xj_db_row *r)
{
  struct row_ctx *x = cls;

  x->err = copy_row (x->c, x->t, r);
  return XJ_E_OK != x->err;
}

enum xj_err
xj_cons_copy_table (struct xj_cons_copy *c, size_t i)
{
  struct row_ctx x = { c, &tables[i], XJ_E_OK };
  enum xj_qs qs;

  c->copied = c->left_out = c->reused = 0;
  qs = xj_db_q (c->src, tables[i].get, XJ_DB_NOPARAMS, &row_cb, &x);
  if (XJ_E_OK != x.err)
    return x.err;
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- identity, conflicts, settings, audit ---- */

struct head {
  char *hash;
  int64_t count;
};

static int
hash_cb (void *cls, const struct xj_db_row *r)
{
  struct head *h = cls;

  xj_strlcpy (h->hash, xj_db_text (r, 0), 65);
  if (xj_db_ncols (r) > 1)
    h->count = xj_db_int (r, 1);
  return 1;
}

enum xj_err
xj_cons_src_identity (struct xj_db *src, char id[65], char head[65],
                      int64_t *entries)
{
  struct head first = { id, 0 }, last = { head, 0 };
  enum xj_qs qs;

  id[0] = head[0] = '\0';
  qs = xj_db_q (src, &st_cons_src_first_audit, XJ_DB_NOPARAMS, &hash_cb,
                &first);
  if (qs > 0)
    qs = xj_db_q (src, &st_cons_src_head, XJ_DB_NOPARAMS, &hash_cb, &last);
  if (qs < 0)
    return xj_db_qs_err (qs);
  *entries = last.count;
  return '\0' == id[0] ? XJ_E_NOT_FOUND : XJ_E_OK;
}

struct text_each {
  void (*cb) (void *cls, const char *code);
  void *cls;
};

static int
text_each_cb (void *cls, const struct xj_db_row *r)
{
  struct text_each *t = cls;

  t->cb (t->cls, xj_db_text (r, 0));
  return 0;
}

enum xj_err
xj_cons_src_counties (struct xj_db *src,
                      void (*cb) (void *cls, const char *code), void *cls)
{
  struct text_each t = { cb, cls };
  enum xj_qs qs = xj_db_q (src, &st_cons_src_counties, XJ_DB_NOPARAMS,
                           &text_each_cb, &t);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* The status of a source walk whose row callback ran a target query:
   the inner failure first, then the walk's own. */
static enum xj_err
walk_err (enum xj_qs outer, enum xj_qs inner)
{
  if (inner < 0)
    return xj_db_qs_err (inner);
  return outer < 0 ? xj_db_qs_err (outer) : XJ_E_OK;
}

struct conflict_ctx {
  struct xj_db *dst;
  void (*cb) (void *cls, const struct xj_cons_conflict *);
  void *cls;
  struct xj_cons_conflict k;
  bool hit;
  enum xj_qs qs;
};

static int
dst_person_cb (void *cls, const struct xj_db_row *r)
{
  struct conflict_ctx *x = cls;

  x->k.dst_school_code = xj_db_text (r, 0);
  x->k.dst_school_name = xj_db_text (r, 1);
  x->k.dst_county = xj_db_text (r, 2);
  x->cb (x->cls, &x->k);
  return 1;
}

static int
src_person_cb (void *cls, const struct xj_db_row *r)
{
  struct conflict_ctx *x = cls;
  const char *id_no = xj_db_text (r, 2);

  x->k = (struct xj_cons_conflict) {
    .src_id = xj_db_int (r, 0), .name = xj_db_text (r, 1), .id_no = id_no,
    .registry_no = xj_db_text (r, 4), .src_school_code = xj_db_text (r, 5),
    .src_school_name = xj_db_text (r, 6)
  };
  x->qs = xj_db_q (x->dst, &st_cons_dst_person,
                   XJ_DB_PARAMS (XJ_DB_S (x->k.registry_no),
                                 XJ_DB_SE (id_no),
                                 XJ_DB_S (xj_db_text (r, 3))),
                   &dst_person_cb, x);
  return x->qs < 0;
}

enum xj_err
xj_cons_conflicts (struct xj_db *src, struct xj_db *dst,
                   void (*cb) (void *cls, const struct xj_cons_conflict *),
                   void *cls)
{
  struct conflict_ctx x = { .dst = dst, .cb = cb, .cls = cls };
  enum xj_qs qs = xj_db_q (src, &st_cons_src_people, XJ_DB_NOPARAMS,
                           &src_person_cb, &x);

  if (qs >= 0 && x.qs >= 0)
    qs = xj_db_q (src, &st_cons_src_alias_people, XJ_DB_NOPARAMS,
                  &src_person_cb, &x);
  return walk_err (qs, x.qs);
}

struct settings_ctx {
  struct xj_db *dst;
  void (*cb) (void *cls, const char *key, const char *sv, const char *dv);
  void *cls;
  char dv[1024];
  bool have;
  enum xj_qs qs;
};

static int
dst_setting_cb (void *cls, const struct xj_db_row *r)
{
  struct settings_ctx *x = cls;

  xj_strlcpy (x->dv, xj_db_text (r, 0), sizeof x->dv);
  x->have = true;
  return 1;
}

static int
src_setting_cb (void *cls, const struct xj_db_row *r)
{
  struct settings_ctx *x = cls;
  const char *key = xj_db_text (r, 0), *sv = xj_db_text (r, 1);

  x->have = false;
  x->qs = xj_db_q (x->dst, &st_cons_dst_setting,
                   XJ_DB_PARAMS (XJ_DB_S (key)), &dst_setting_cb, x);
  if (x->qs >= 0 && (! x->have || 0 != strcmp (sv, x->dv)))
    x->cb (x->cls, key, sv, x->have ? x->dv : NULL);
  return x->qs < 0;
}

enum xj_err
xj_cons_settings_diff (struct xj_db *src, struct xj_db *dst,
                       void (*cb) (void *cls, const char *key,
                                   const char *sv, const char *dv),
                       void *cls)
{
  struct settings_ctx x = { .dst = dst, .cb = cb, .cls = cls };
  enum xj_qs qs = xj_db_q (src, &st_cons_src_settings, XJ_DB_NOPARAMS,
                           &src_setting_cb, &x);

  return walk_err (qs, x.qs);
}

struct audit_ctx {
  enum xj_err (*cb) (void *cls, const struct xj_cons_audit_row *);
  void *cls;
  enum xj_err err;
};

static int
audit_row_cb (void *cls, const struct xj_db_row *r)
{
  struct audit_ctx *x = cls;
  struct xj_cons_audit_row a = {
    .at = xj_db_text (r, 0), .user_id = xj_db_int (r, 1),
    .username = xj_db_text (r, 2), .ip = xj_db_text (r, 3),
    .action = xj_db_text (r, 4), .entity = xj_db_text (r, 5),
    .entity_id = xj_db_text (r, 6),
    .before = xj_db_int (r, 9) ? NULL : xj_db_text (r, 7),
    .after = xj_db_int (r, 10) ? NULL : xj_db_text (r, 8)
  };

  x->err = x->cb (x->cls, &a);
  return XJ_E_OK != x->err;
}

enum xj_err
xj_cons_audit_each (struct xj_db *src,
                    enum xj_err (*cb) (void *cls,
                                       const struct xj_cons_audit_row *),
                    void *cls)
{
  struct audit_ctx x = { cb, cls, XJ_E_OK };
  enum xj_qs qs = xj_db_q (src, &st_cons_src_audit, XJ_DB_NOPARAMS,
                           &audit_row_cb, &x);

  if (XJ_E_OK != x.err)
    return x.err;
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- the consolidations table ---- */

static const struct xj_db_field record_fields[] = {
  XJ_DB_F_TEXT (struct xj_cons_record, source_id),
  XJ_DB_F_TEXT (struct xj_cons_record, county),
  XJ_DB_F_TEXT (struct xj_cons_record, source_path),
  XJ_DB_F_TEXT (struct xj_cons_record, source_head),
  XJ_DB_F_I64 (struct xj_cons_record, entries),
  XJ_DB_F_I64 (struct xj_cons_record, students),
  XJ_DB_F_I64 (struct xj_cons_record, skipped),
  XJ_DB_F_TEXT (struct xj_cons_record, at),
  XJ_DB_F_TEXT (struct xj_cons_record, actor),
};

static int
record_cb (void *cls, const struct xj_db_row *r)
{
  xj_db_row_fields (r, record_fields, XJ_DB_NFIELDS (record_fields), cls);
  return 1;
}

enum xj_err
xj_cons_record_get (struct xj_db *dst, const char *source_id,
                    struct xj_cons_record *out)
{
  enum xj_qs qs = xj_db_q (dst, &st_cons_record_get,
                           XJ_DB_PARAMS (XJ_DB_S (source_id)), &record_cb,
                           out);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return 0 == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_cons_record_put (struct xj_db *dst, const struct xj_cons_record *r)
{
  enum xj_qs qs = xj_db_q (dst, &st_cons_record_put,
                           XJ_DB_PARAMS (XJ_DB_S (r->source_id),
                                         XJ_DB_S (r->county),
                                         XJ_DB_S (r->source_path),
                                         XJ_DB_S (r->source_head),
                                         XJ_DB_I (r->entries),
                                         XJ_DB_I (r->students),
                                         XJ_DB_I (r->skipped),
                                         XJ_DB_S (r->at),
                                         XJ_DB_S (r->actor)),
                           NULL, NULL);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
