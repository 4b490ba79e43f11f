/* dropout.h -- dropout control (控辍保学, domain.md §9): one case per
 * student (一人一案), opened by the sources that signal a possible
 * dropout, with its append-only timeline (contact, home visit, written
 * report, persuasion to return), the stage rule (疑似辍学 → 辍学),
 * closure (动态销号 or another recorded outcome) and reopening; the
 * county's ledger (台账) with retention rates; the monthly school report
 * and the quarterly county review as XLSX.
 * docs/internals/dropout.md describes the mechanism.
 *
 * dropout.c holds the rules (kinds, outcomes, who may act, the stage
 * rule, the JSON); dropout_store.c the SQL; dropout_report.c the XLSX.
 * Write functions run inside the caller's write transaction
 * (xj_db_txn_run) and append entry, student event and audit entry
 * there.  No HTTP.
 */
#ifndef XJ_DROPOUT_H
#define XJ_DROPOUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "audit/audit.h"
#include "core/err.h"
#include "db/db.h"
#include "user/user.h"

#define XJ_DROPOUT_TEXT_MAX 2000   /* bytes of a free-text field */

/* ---- rules (pure, dropout.c) ---- */
/* Case sources: "left" (status 其他离校), "suspension" (休学 not resumed
   after its end date), "manual" (school or bureau, with a reason),
   "absence" (unexcused absences; wired by the attendance module). */
bool xj_dropout_source_ok (const char *source);
/* Entry kinds a user records: "contact", "home_visit" (家访), "report"
   (written report to the township and bureau), "persuasion" (劝返),
   "note".  The system adds "open", "stage", "close", "reopen". */
bool xj_dropout_entry_kind_ok (const char *kind);
/* Closure outcomes: "returned" (back in class: 动态销号), "transferred"
   (transferred with the procedure completed), "abroad" (with proof),
   "deceased", "special_education" (special-school or home-teaching
   placement), "lost_capacity" (lost the capacity to learn), "aged_out"
   (beyond compulsory-education age). */
bool xj_dropout_outcome_ok (const char *outcome);
/* The stage rule of domain.md "Decisions": a suspected dropout (opened
   on @opened_ymd) is a dropout when more than @days school days have
   passed by @today_ymd without return. */
/* A real date written YYYY-MM-DD as YYYYMMDD; 0 for anything else
   (2026-13-01, 2026-02-30, 2026-9-1). */
int xj_dropout_date (const char *iso);
struct xj_calendar;
bool xj_dropout_stage_due (const struct xj_calendar *cal, int opened_ymd,
                           int today_ymd, int days);

/* ---- the case (dropout.c + dropout_store.c; inside a write
   transaction) ---- */
/* Open a case for student @student_id from @source with @detail (the
   reason; required).  @u is the acting user (role and scope checked:
   the registrar of the student's school, a bureau user of its region,
   an administrator) or NULL for the system (a status transition, the
   sweep, the absence rule).  Idempotent: when the student has an open
   case *case_id gets it and *created (may be NULL) is false.  Only
   compulsory-grade students (XJ_E_DROPOUT_NOT_COMPULSORY) who are
   enrolled, suspended or left (XJ_E_DROPOUT_STUDENT_STATUS).  Out of
   scope answers XJ_E_NOT_FOUND like a missing student. */
enum xj_err xj_dropout_case_open (struct xj_db *db, const struct xj_user *u,
                                  const struct xj_actor *a,
                                  int64_t student_id, const char *source,
                                  const char *detail, int64_t *case_id,
                                  bool *created);

/* An entry a user adds to an open case. */
struct xj_dropout_entry_new {
  const char *kind;          /* xj_dropout_entry_kind_ok */
  const char *happened_on;   /* YYYY-MM-DD, not after today */
  const char *method;        /* how: contact, persuasion (required) */
  const char *participants;  /* who: home visit, persuasion (required) */
  const char *reported_to;   /* report: to whom (required) */
  const char *outcome;       /* contact, home visit, persuasion (required) */
  const char *detail;
};
/* Append entry @n to case @case_id (XJ_E_DROPOUT_CASE_CLOSED when
   closed).  On a field error *field names the key. */
enum xj_err xj_dropout_entry_add (struct xj_db *db, const struct xj_user *u,
                                  const struct xj_actor *a, int64_t case_id,
                                  const struct xj_dropout_entry_new *n,
                                  const char **field);
/* The bureau's decision that case @case_id is a dropout (辍学) before
   the stage rule says so, with @reason.  Bureau users and
   administrators only (XJ_E_FORBIDDEN). */
enum xj_err xj_dropout_case_decide (struct xj_db *db,
                                    const struct xj_user *u,
                                    const struct xj_actor *a,
                                    int64_t case_id, const char *reason);
/* Close case @case_id with @outcome and @reason (both required);
   "returned" needs the student 在读 again (XJ_E_DROPOUT_NOT_RETURNED).
   @u NULL: the system (动态销号 on 复学 / re-entry). */
enum xj_err xj_dropout_case_close (struct xj_db *db, const struct xj_user *u,
                                   const struct xj_actor *a,
                                   int64_t case_id, const char *outcome,
                                   const char *reason, const char **field);
/* Reopen closed case @case_id with @reason (XJ_E_DROPOUT_CASE_NOT_CLOSED,
   XJ_E_DROPOUT_CASE_EXISTS when the student has another open case); the
   school days count again from today. */
enum xj_err xj_dropout_case_reopen (struct xj_db *db,
                                    const struct xj_user *u,
                                    const struct xj_actor *a,
                                    int64_t case_id, const char *reason);

/* The student's open case into *case_id (0 when none). */
enum xj_err xj_dropout_open_case_of (struct xj_db *db, int64_t student_id,
                                     int64_t *case_id);
/* A status transition of student @student_id (grade @grade) by @a,
   called by every path that changes a status (change apply, 升学 and
   re-entry): to "left" opens a case (source "left"); from "suspended"
   or "left" back to "enrolled" closes the open case as returned
   (动态销号) with @why ("复学", "重新入学"). */
enum xj_err xj_dropout_on_status (struct xj_db *db, const struct xj_actor *a,
                                  int64_t student_id, const char *grade,
                                  const char *from, const char *to,
                                  const char *why);
/* The catch-up sweep (idempotent): cases for compulsory-grade students
   left (其他离校) without a case since they left and for suspended
   students whose last suspension ended before today without a case
   since; then the stage rule on every open suspected case.  Within
   county prefix @prefix ("" = all).  *opened / *escalated get counts. */
enum xj_err xj_dropout_sweep (struct xj_db *db, const struct xj_actor *a,
                              const char *prefix, int64_t *opened,
                              int64_t *escalated);

/* The server's daily sweep (dropout_ticker.c): every
   $XJ_DROPOUT_TICK_SECONDS (600; 0 = no daily sweep, which the HTTP
   tests' servers use) it looks at the clock and, once a day at or after
   the hour of system setting dropout_sweep_hour (2; -1 never), runs
   xj_dropout_sweep over every county as the system.  A connection of its
   own to @db_path. */
enum xj_err xj_dropout_ticker_start (const char *db_path);
void xj_dropout_ticker_stop (void);

/* ---- reading (not inside a transaction) ---- */
struct xj_dropout_filter {
  const char *status;       /* open | closed | "" any */
  const char *stage;        /* suspected | dropout | "" any */
  const char *source;       /* "" any */
  int64_t school_id;        /* 0 any (within scope) */
  const char *county;       /* county prefix within scope, "" any */
};
/* Cases in @u's scope (list fields; registry numbers masked unless
   @show allows), newest first; *total gets the count. */
enum xj_err xj_dropout_cases (struct xj_db *db, const struct xj_user *u,
                              unsigned show,
                              const struct xj_dropout_filter *f,
                              int64_t limit, int64_t offset, int64_t *total,
                              json_t *items);
/* One case with the student's summary and its timeline; XJ_E_NOT_FOUND
   when missing or out of scope.  Caller owns *out. */
enum xj_err xj_dropout_case_get (struct xj_db *db, const struct xj_user *u,
                                 unsigned show, int64_t case_id,
                                 json_t **out);
/* The ledger (台账) per school in scope: compulsory-age enrolment
   (在籍, the school-age ledger), open suspected and dropout cases,
   returned and otherwise closed in the period [@from, @to] (YYYY-MM-DD),
   the retention rate of the school year against the target.  Caller
   owns *out {"target":95, "from":..., "to":..., "schools":[...],
   "total":{...}}. */
enum xj_err xj_dropout_ledger (struct xj_db *db, const struct xj_user *u,
                               const struct xj_dropout_filter *f,
                               const char *from, const char *to,
                               json_t **out);

/* ---- reports (dropout_report.c; not inside a transaction) ---- */
/* The monthly school report (学校一月一报告) of school @school_id for
   month @month (YYYY-MM), or the county's quarterly review
   (县区一季度一复核) of @county for quarter @quarter (YYYY-Qn), as XLSX
   into @path: a summary sheet (the ledger rows) and one row per case
   open in or closed during the period, registry numbers masked unless
   @show allows.  Scope is the caller's to check; audited as
   "dropout.report". */
enum xj_err xj_dropout_report_monthly (struct xj_db *db,
                                       const struct xj_user *u,
                                       const struct xj_actor *a,
                                       unsigned show, int64_t school_id,
                                       const char *month, const char *path);
enum xj_err xj_dropout_report_quarterly (struct xj_db *db,
                                         const struct xj_user *u,
                                         const struct xj_actor *a,
                                         unsigned show, const char *county,
                                         const char *quarter,
                                         const char *path);

#endif
