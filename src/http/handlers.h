/* handlers.h -- every handler of the route table, plus helpers they share
 * (h_util.c).  One file per resource: h_session.c, h_students.c, ...
 */
#ifndef XJ_HTTP_HANDLERS_H
#define XJ_HTTP_HANDLERS_H

#include "http/req.h"
#include "student/student_json.h"
#include "student/student_store.h"
#include "user/user.h"

/* h_util.c */
/* Reply a domain error @e (naming @field, may be NULL) and return it;
   database and internal errors go up unreplied (the server answers 500
   or 503). */
enum xj_err xj_reply_domain_err (struct xj_req *r, enum xj_err e,
                                 const char *field);
/* Reply a json_unpack_ex failure: unknown_field or bad_type. */
enum xj_err xj_reply_unpack_err (struct xj_req *r, const json_error_t *jerr);
json_t *xj_user_json (struct xj_req *r, const struct xj_user *u);
void xj_scope_names (struct xj_db *db, const struct xj_user *u,
                     char *region_name, size_t rsz, char *school_name,
                     size_t ssz);
/* Load school @id and check it is within the caller's scope; otherwise
   reply 404 (so scope cannot be probed) and return the error. */
struct xj_school;
/* Six digits (a county code's form; not whether it exists). */
bool xj_county_code_ok (const char *s);
enum xj_err xj_school_in_scope_or_reply (struct xj_req *r, int64_t id,
                                         struct xj_school *out);
/* A list query as parsed: the name part or the whole number searched. */
struct xj_student_query {
  enum xj_numq kind;
  char q[80];                   /* name part (XJ_NUMQ_NAME) */
  char number[XJ_NUMQ_MAX];     /* normalised number (other kinds) */
};
/* The filters of GET /students and /students/export (school_id,
   class_id, grade, status, q) into @f, pointing into @sq.  A number in q
   must be whole (400 search_partial_number otherwise) and takes one
   search from the caller's budget (429 with Retry-After when spent).
   Returns r->err after an error reply. */
enum xj_err xj_req_student_filter (struct xj_req *r,
                                   struct xj_student_filter *f,
                                   struct xj_student_query *sq);
/* Take one full-number search from the caller's budget (setting
   privacy.searches_per_minute), or reply 429 with Retry-After. */
enum xj_err xj_search_budget_or_reply (struct xj_req *r);
/* Before a write that may answer "this number is held" (registration,
   L->G): 429 with Retry-After (naming @field) while the caller's budget
   is spent, whatever the number, so that the refusal tells nothing; takes
   nothing. */
enum xj_err xj_search_budget_left_or_reply (struct xj_req *r,
                                            const char *field);
/* Such a write found @number held (409 id_exists / duplicate_person
   follows): one search taken from the budget and audited like a
   full-number search (student.search via @via, found 1, the number
   masked and keyed-hashed).  An error (audit not written) must be
   replied instead of the 409. */
enum xj_err xj_req_number_held (struct xj_req *r, const char *via,
                                const char *number);
/* Audit a full-number search (no-op for a name query) that found
   @found records; @via "list" or "export". */
enum xj_err xj_req_search_audit (struct xj_req *r, const char *via,
                                 const struct xj_student_query *sq,
                                 int64_t found);

/* h_dropout.c */
enum xj_err xj_h_dropout_cases (struct xj_req *r);
enum xj_err xj_h_dropout_case_get (struct xj_req *r);
enum xj_err xj_h_dropout_case_open (struct xj_req *r);
enum xj_err xj_h_dropout_entry_add (struct xj_req *r);
enum xj_err xj_h_dropout_case_decide (struct xj_req *r);
enum xj_err xj_h_dropout_case_close (struct xj_req *r);
enum xj_err xj_h_dropout_case_reopen (struct xj_req *r);
enum xj_err xj_h_dropout_sweep (struct xj_req *r);
enum xj_err xj_h_dropout_ledger (struct xj_req *r);
enum xj_err xj_h_dropout_report (struct xj_req *r);
enum xj_err xj_h_verify_progress (struct xj_req *r);
enum xj_err xj_h_verify_class (struct xj_req *r);
enum xj_err xj_h_verify_ticks (struct xj_req *r);
enum xj_err xj_h_verify_deadline (struct xj_req *r);
enum xj_err xj_h_ghost_sweep (struct xj_req *r);
enum xj_err xj_h_ghost_sweep_get (struct xj_req *r);
enum xj_err xj_h_ghosts (struct xj_req *r);
enum xj_err xj_h_ghost_confirm (struct xj_req *r);
enum xj_err xj_h_ghost_dismiss (struct xj_req *r);
/* h_session.c */
enum xj_err xj_h_session_login (struct xj_req *r);
enum xj_err xj_h_session_get (struct xj_req *r);
enum xj_err xj_h_session_delete (struct xj_req *r);
enum xj_err xj_h_session_password (struct xj_req *r);
enum xj_err xj_h_users (struct xj_req *r);
enum xj_err xj_h_user_create (struct xj_req *r);
enum xj_err xj_h_user_update (struct xj_req *r);
enum xj_err xj_h_user_reset_password (struct xj_req *r);
/* h_refdata.c */
enum xj_err xj_h_regions (struct xj_req *r);
enum xj_err xj_h_region_get (struct xj_req *r);
enum xj_err xj_h_codes (struct xj_req *r);
enum xj_err xj_h_fields (struct xj_req *r);
/* h_schools.c */
enum xj_err xj_h_schools (struct xj_req *r);
enum xj_err xj_h_school_get (struct xj_req *r);
enum xj_err xj_h_classes (struct xj_req *r);
enum xj_err xj_h_class_get (struct xj_req *r);
/* h_students.c */
enum xj_err xj_h_students (struct xj_req *r);
enum xj_err xj_h_student_get (struct xj_req *r);
enum xj_err xj_h_student_reveal (struct xj_req *r);
enum xj_err xj_h_student_register (struct xj_req *r);
enum xj_err xj_h_student_patch (struct xj_req *r);
enum xj_err xj_h_student_events (struct xj_req *r);
enum xj_err xj_h_student_assign_id (struct xj_req *r);
/* 调班: POST /students/{id}/move-class {class_id, reason, version?}. */
enum xj_err xj_h_student_move_class (struct xj_req *r);
/* Suspected duplicates: the review queue, confirm, dismiss, the scan. */
enum xj_err xj_h_duplicates (struct xj_req *r);
enum xj_err xj_h_duplicate_confirm (struct xj_req *r);
enum xj_err xj_h_duplicate_dismiss (struct xj_req *r);
enum xj_err xj_h_duplicate_merge (struct xj_req *r);
enum xj_err xj_h_student_warning_confirm (struct xj_req *r);
enum xj_err xj_h_duplicate_scan (struct xj_req *r);
enum xj_err xj_h_duplicate_scan_get (struct xj_req *r);
/* h_export.c */
enum xj_err xj_h_students_export (struct xj_req *r);
/* GET /imports/template.xlsx: the import template (header row, an
   example row for the caller's school, code tables). */
enum xj_err xj_h_import_template (struct xj_req *r);
enum xj_err xj_h_student_card (struct xj_req *r);
enum xj_err xj_h_class_cards (struct xj_req *r);
enum xj_err xj_h_export_create (struct xj_req *r);
enum xj_err xj_h_exports (struct xj_req *r);
enum xj_err xj_h_export_get (struct xj_req *r);
enum xj_err xj_h_export_file (struct xj_req *r);
enum xj_err xj_h_export_cancel (struct xj_req *r);
enum xj_err xj_h_export_settings_get (struct xj_req *r);
enum xj_err xj_h_export_settings_patch (struct xj_req *r);
/* h_imports.c */
enum xj_err xj_h_import_create (struct xj_req *r);
enum xj_err xj_h_imports (struct xj_req *r);
enum xj_err xj_h_import_get (struct xj_req *r);
enum xj_err xj_h_import_cancel (struct xj_req *r);
enum xj_err xj_h_import_report (struct xj_req *r);
/* h_changes.c */
enum xj_err xj_h_changes (struct xj_req *r);
enum xj_err xj_h_change_create (struct xj_req *r);
enum xj_err xj_h_change_counts (struct xj_req *r);
enum xj_err xj_h_change_backlog (struct xj_req *r);
enum xj_err xj_h_change_batch (struct xj_req *r);
enum xj_err xj_h_change_settings_get (struct xj_req *r);
enum xj_err xj_h_change_settings_patch (struct xj_req *r);
enum xj_err xj_h_suspensions_overdue (struct xj_req *r);

/* h_privacy.c */
enum xj_err xj_h_privacy_get (struct xj_req *r);
enum xj_err xj_h_privacy_patch (struct xj_req *r);
enum xj_err xj_h_system_settings_get (struct xj_req *r);
enum xj_err xj_h_system_settings_patch (struct xj_req *r);
enum xj_err xj_h_change_get (struct xj_req *r);
enum xj_err xj_h_change_approve (struct xj_req *r);
enum xj_err xj_h_change_reject (struct xj_req *r);
enum xj_err xj_h_change_return (struct xj_req *r);
enum xj_err xj_h_change_withdraw (struct xj_req *r);
enum xj_err xj_h_change_resubmit (struct xj_req *r);
enum xj_err xj_h_holidays (struct xj_req *r);
enum xj_err xj_h_holiday_put (struct xj_req *r);
enum xj_err xj_h_holiday_delete (struct xj_req *r);
enum xj_err xj_h_student_lookup (struct xj_req *r);
/* h_yearend.c */
enum xj_err xj_h_yearend_preview (struct xj_req *r);
enum xj_err xj_h_yearend_apply (struct xj_req *r);
enum xj_err xj_h_yearend_rollback (struct xj_req *r);
enum xj_err xj_h_yearend_settings_get (struct xj_req *r);
enum xj_err xj_h_progress_enrol (struct xj_req *r);
enum xj_err xj_h_zones (struct xj_req *r);
/* Is @u the county bureau of @county exactly (or an administrator)?
   Zones, allocations and teaching terms belong to it (h_util.c). */
bool xj_h_county_bureau (const struct xj_user *u, const char *county);
/* h_attendance.c */
enum xj_err xj_h_attendance_terms (struct xj_req *r);
enum xj_err xj_h_attendance_terms_put (struct xj_req *r);
enum xj_err xj_h_attendance_class (struct xj_req *r);
enum xj_err xj_h_attendance_record (struct xj_req *r);
enum xj_err xj_h_attendance_import (struct xj_req *r);
enum xj_err xj_h_attendance_suspects (struct xj_req *r);
enum xj_err xj_h_attendance_rate (struct xj_req *r);
enum xj_err xj_h_school_zone_put (struct xj_req *r);
enum xj_err xj_h_allocation_create (struct xj_req *r);
enum xj_err xj_h_allocation_get (struct xj_req *r);
enum xj_err xj_h_allocation_items (struct xj_req *r);
enum xj_err xj_h_allocation_move (struct xj_req *r);
enum xj_err xj_h_allocation_publish (struct xj_req *r);
enum xj_err xj_h_allocation_xlsx (struct xj_req *r);
enum xj_err xj_h_intake (struct xj_req *r);
enum xj_err xj_h_intake_confirm (struct xj_req *r);
enum xj_err xj_h_progress_reenter (struct xj_req *r);
enum xj_err xj_h_progress_school_choice (struct xj_req *r);
enum xj_err xj_h_progress_school_choice_xlsx (struct xj_req *r);
/* h_flows.c */
enum xj_err xj_h_flows (struct xj_req *r);
enum xj_err xj_h_flows_students (struct xj_req *r);
enum xj_err xj_h_flows_followup (struct xj_req *r);
enum xj_err xj_h_flows_summary (struct xj_req *r);
enum xj_err xj_h_flows_xlsx (struct xj_req *r);
enum xj_err xj_h_yearend_settings_patch (struct xj_req *r);
/* h_class_sizes.c */
enum xj_err xj_h_class_sizes (struct xj_req *r);
enum xj_err xj_h_class_sizes_trend (struct xj_req *r);
enum xj_err xj_h_class_sizes_export (struct xj_req *r);
enum xj_err xj_h_class_size_settings_get (struct xj_req *r);
enum xj_err xj_h_class_size_settings_patch (struct xj_req *r);
/* h_dashboard.c */
enum xj_err xj_h_dashboard (struct xj_req *r);
enum xj_err xj_h_dashboard_students (struct xj_req *r);
enum xj_err xj_h_dashboard_export (struct xj_req *r);
/* h_audit.c */
enum xj_err xj_h_audit (struct xj_req *r);

#endif
