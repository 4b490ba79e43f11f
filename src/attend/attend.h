/* attend.h -- attendance (考勤): the school-day calendar, absences and
 * the detection of suspected dropouts (疑似辍学 / 辍学, domain.md §9).
 *
 * attend.c is pure: the school-day calendar (a county's teaching terms
 * minus weekends and holidays plus make-up working days, from the
 * holiday calendar of change/calendar.c), the validation of an entry and
 * the streak arithmetic.  attend_store.c holds the SQL and THE domain
 * functions every path calls (API, import): recording absences,
 * reading a class grid, listing suspects.  No HTTP here.
 * docs/internals/attendance.md describes the mechanism.
 */
#ifndef XJ_ATTEND_H
#define XJ_ATTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "audit/audit.h"
#include "change/change.h"
#include "db/db.h"
#include "student/student.h"
#include "user/user.h"

/* ---- the school-day calendar (attend.c) ---- */

/* Teaching term, dates YYYYMMDD inclusive. */
struct xj_att_term {
  int start, end;
};

/* The school days of one county's school year (1 September @start_year
   to 31 August): its two terms, minus weekends and holidays, plus
   make-up working days (调休上班) inside a term.  Owned by the caller:
   xj_att_cal_fini. */
#define XJ_ATT_YEAR_DAYS 366
struct xj_att_cal {
  int start_year;
  struct xj_att_term term[2];
  bool custom;                 /* terms stored for the county, not the
                                  defaults */
  struct xj_calendar hol;      /* the holiday calendar (owned) */
  /* ord[i]: school-day number (from 1) of day i of the year (i = 0 is
     1 September), 0 when day i is not a school day */
  short ord[XJ_ATT_YEAR_DAYS];
};

/* The default terms of school year @start_year: 第一学期 1 September -
   15 January, 第二学期 15 February - 5 July (a county's bureau changes
   them: xj_att_terms_put). */
void xj_att_terms_default (int start_year, struct xj_att_term t[2]);
/* Check terms of school year @start_year: each ends after it starts,
   term 1 starts in August or September of @start_year, term 2 starts
   after term 1 ends and ends by 31 August.  Field errors ("terms[0].start"
   ...) into @errs; XJ_E_VALIDATION or XJ_E_OK. */
enum xj_err xj_att_terms_check (int start_year, const struct xj_att_term t[2],
                                struct xj_verrs *errs);
/* Fill @c's day numbers from its terms and holidays (c->start_year,
   c->term and c->hol set). */
void xj_att_cal_build (struct xj_att_cal *c);
void xj_att_cal_fini (struct xj_att_cal *c);
/* THE rule: is @ymd a school day (in a term, a working day)? */
bool xj_att_is_school_day (const struct xj_att_cal *c, int ymd);
/* School days in [@from, @to] (inclusive; clipped to c's year). */
int xj_att_school_days (const struct xj_att_cal *c, int from, int to);
/* School-day number of @ymd in c's year (from 1), 0 if not a school day. */
int xj_att_ordinal (const struct xj_att_cal *c, int ymd);
/* The term (1, 2) that @ymd falls in, or the last term that started
   before it (a holiday between terms counts to term 1); 0 before term 1. */
int xj_att_term_of (const struct xj_att_cal *c, int ymd);
/* Why @ymd is not a school day, in Chinese ("周六", "节假日", "不在学期内"),
   or NULL when it is one. */
const char *xj_att_not_school_day_why (const struct xj_att_cal *c, int ymd);

/* Load county @county's calendar of school year @start_year (terms from
   attend_terms or the defaults, the holidays table).  attend_store.c. */
enum xj_err xj_att_cal_load (struct xj_db *db, const char *county,
                             int start_year, struct xj_att_cal *c);
/* Store the terms of @county's school year @start_year (checked with
   xj_att_terms_check first; audited "attendance.terms").  Inside a
   write transaction. */
enum xj_err xj_att_terms_put (struct xj_db *db, const struct xj_actor *a,
                              const char *county, int start_year,
                              const struct xj_att_term t[2],
                              struct xj_verrs *errs);

/* ---- absences ---- */
enum xj_att_part { XJ_ATT_FULL = 0, XJ_ATT_AM = 1, XJ_ATT_PM = 2 };
enum xj_att_reason {
  XJ_ATT_SICK = 1,       /* 病假 */
  XJ_ATT_PERSONAL = 2,   /* 事假 */
  XJ_ATT_UNEXCUSED = 3   /* 旷课 (no valid reason) */
};
/* Names in the API ("full", "am", "pm"; "sick", "personal",
   "unexcused") and their Chinese labels (全天 上午 下午; 病假 事假 旷课);
   the parsers accept either and answer -1 for anything else. */
const char *xj_att_part_name (int part);
const char *xj_att_reason_name (int reason);
const char *xj_att_part_label (int part);
const char *xj_att_reason_label (int reason);
int xj_att_part_parse (const char *s);
int xj_att_reason_parse (const char *s);

/* One entry to record: @part < 0 means present (removes an absence). */
struct xj_att_entry {
  int64_t student_id;
  int day;               /* YYYYMMDD */
  int part;              /* enum xj_att_part, or -1 = present */
  int reason;            /* enum xj_att_reason (ignored when present) */
  const char *label;     /* how errors name the entry ("第3行"), may be
                            NULL: "entries[i]" */
};
#define XJ_ATT_MAX_ENTRIES 20000
/* THE writer of absences, for the grid and the import: inside one write
   transaction, all or nothing.  Each entry's student must be in @u's
   write scope (an administrator; the registrar of the student's school;
   a teacher of the student's class; else the student counts as not
   found), its day a school day of the student's county (the error names
   the date and why not) not after today.  A changed or removed entry
   moves its old version to absence_history.  Errors into @errs (field =
   the entry's label, detail naming the student and the day);
   XJ_E_VALIDATION when any.  One audit entry "attendance.record" with
   the counts; *changed gets the number of rows changed. */
enum xj_err xj_att_record (struct xj_db *db, const struct xj_actor *a,
                           const struct xj_user *u,
                           const struct xj_att_entry *e, size_t n,
                           struct xj_verrs *errs, size_t *changed);
/* The same for an import of valid rows only (the user's choice): an
   entry refused by a rule is reported in @errs (the first XJ_VERR_MAX)
   and skipped, the others are recorded; *refused counts the skipped
   entries (all of them, beyond what @errs can hold).  XJ_E_OK even when
   some were refused. */
enum xj_err xj_att_record_valid (struct xj_db *db, const struct xj_actor *a,
                                 const struct xj_user *u,
                                 const struct xj_att_entry *e, size_t n,
                                 struct xj_verrs *errs, size_t *changed,
                                 size_t *refused);

/* ---- import of absences (attend_import.c) ----
   A CSV/XLSX with the columns 学籍号 or 身份证件号, 日期, 时段, 原因
   (header row first; the column order is free).  Synchronous and all or
   nothing unless the user asks for valid rows only: read the file, then
   xj_att_import_apply in one write transaction, which resolves each row's
   student and hands the rows to xj_att_record (the same rules as the
   grid) or xj_att_record_valid.  Errors name the row ("第N行"), the
   column and the reason. */
struct xj_att_import {
  struct xj_att_entry *e;     /* owned; student_id resolved by _apply */
  char (*key)[40];            /* owned: each row's 学籍号 or ID number */
  char (*label)[16];          /* owned: "第N行" */
  size_t n, cap;
};
#define XJ_ATT_IMPORT_MAX_ROWS XJ_ATT_MAX_ENTRIES
/* Read @path (@sheet: XLSX sheet name or NULL) into @im; row errors into
   @errs.  XJ_E_VALIDATION when any row is wrong, an XJ_E_IMPORT_* error
   for an unreadable file or a missing column (in @errs too). */
enum xj_err xj_att_import_read (const char *path, const char *sheet,
                                struct xj_att_import *im,
                                struct xj_verrs *errs);
/* Inside a write transaction: resolve students and record (see
   xj_att_record).  @valid_only: rows with an error (the reader's, an
   unknown number, a rule) are reported and skipped, the others recorded;
   *skipped counts them (0 otherwise). */
enum xj_err xj_att_import_apply (struct xj_db *db, const struct xj_actor *a,
                                 const struct xj_user *u,
                                 struct xj_att_import *im, bool valid_only,
                                 struct xj_verrs *errs, size_t *changed,
                                 size_t *skipped);
void xj_att_import_fini (struct xj_att_import *im);

/* A class grid: the class's enrolled students and their absences on the
   days [@from, @to] (at most 31 days). */
struct xj_att_grid_student {
  int64_t id;
  const char *name;
  const char *registry_no;   /* full: the caller masks it */
  int gender;
};
struct xj_att_grid_absence {
  int64_t student_id;
  int day, part, reason;
};
struct xj_att_grid_cb {
  void (*student) (void *cls, const struct xj_att_grid_student *s);
  void (*absence) (void *cls, const struct xj_att_grid_absence *a);
  void *cls;
};
enum xj_err xj_att_grid (struct xj_db *db, int64_t class_id, int from, int to,
                         const struct xj_att_grid_cb *cb);

/* ---- suspected dropouts (控辍保学 detection) ---- */

/* Thresholds (system settings, domain.md defaults): a student is a
   suspected dropout after MORE than @suspect_days consecutive school
   days of unexcused full-day absence, a dropout after more than
   @dropout_days; cumulatively in the term, after more than
   @term_suspect_days / @term_dropout_days unexcused days (a half day
   counts one half). */
struct xj_att_thresholds {
  int suspect_days;        /* attend_suspect_days, 5 */
  int dropout_days;        /* attend_dropout_days, 20 */
  int term_suspect_days;   /* attend_term_suspect_days, 15 */
  int term_dropout_days;   /* attend_term_dropout_days, 45 */
};
enum xj_err xj_att_thresholds_get (struct xj_db *db,
                                   struct xj_att_thresholds *t);

/* One student's unexcused absences up to a day, as the streak rule sees
   them. */
struct xj_att_tally {
  int streak;          /* longest run of consecutive school days of
                          unexcused full-day absence (weekends and
                          holidays inside do not break it) */
  int streak_from, streak_to;  /* its first and last day (YYYYMMDD) */
  int current;         /* length of the run still open (it reaches the
                          last school day up to as_of, or the one before:
                          today's entries may not be in yet), 0 = none:
                          the student is back */
  int term_halfdays;   /* unexcused half days in as_of's term */
  int run_from, run_to;  /* the last run (internal) */
};
enum xj_att_level { XJ_ATT_NONE = 0, XJ_ATT_SUSPECT = 1, XJ_ATT_DROPOUT = 2 };
/* Pure: fold one student's unexcused absence (@ymd, @part) into @t;
   days must come in increasing order, on or before @as_of. */
void xj_att_tally_add (struct xj_att_tally *t, const struct xj_att_cal *c,
                       int as_of, int ymd, int part);
/* Pure: the tally's level under @th. */
enum xj_att_level xj_att_level_of (const struct xj_att_tally *t,
                                   const struct xj_att_thresholds *th);

struct xj_att_suspect {
  int64_t student_id;
  const char *name;
  const char *registry_no;   /* full: the caller masks it */
  int64_t school_id;
  const char *school_name;
  int64_t class_id;          /* 0 = none */
  const char *class_name;
  enum xj_att_level level;
  struct xj_att_tally t;
};
typedef void (*xj_att_suspect_cb) (void *cls, const struct xj_att_suspect *s);
/* Students of @scope (xj_scope_of; @school_id > 0 narrows to one school)
   whose unexcused absences of the school year up to @as_of reach a
   level, enrolled students only, in (county, student id) order; each
   county's own calendar.  A read: runs in the caller's transaction. */
enum xj_err xj_att_suspects (struct xj_db *db, const struct xj_scope *scope,
                             int64_t school_id, int as_of,
                             xj_att_suspect_cb cb, void *cls);

/* Absence rate of school @school_id over [@from, @to]: *absent_halfdays
   (a full day counts 2) and *school_days (of the school's county), and
   *students enrolled now.  The rate is absent_halfdays / (2 *
   school_days * students). */
enum xj_err xj_att_school_rate (struct xj_db *db, int64_t school_id, int from,
                                int to, int64_t *absent_halfdays,
                                int *school_days, int64_t *students);

/* Store queries of the suspects scan and the absence import
   (attend_store.c). */
enum xj_qs xj_att_store_counties (struct xj_db *db, const char *prefix,
                                  int64_t scope_school, int64_t school,
                                  xj_db_row_cb cb, void *cls);
enum xj_qs xj_att_store_unexcused (struct xj_db *db, const char *county,
                                   int64_t scope_school, int64_t school,
                                   int64_t from, int64_t to, xj_db_row_cb cb,
                                   void *cls);
enum xj_qs xj_att_store_suspect_student (struct xj_db *db, int64_t id,
                                         xj_db_row_cb cb, void *cls);
enum xj_qs xj_att_store_student_by_number (struct xj_db *db,
                                           const char *number, int64_t *id);

/* One (region, day) where absence_counts (migration 0031) differs from
   the absences it counts: students and half-days recounted, kept. */
struct xj_att_diff {
  const char *region;
  int day;
  int64_t students, halfdays, kept_students, kept_halfdays;
};
typedef void (*xj_att_diff_cb) (void *cls, const struct xj_att_diff *d);
/* Recounts absence_firsts and absence_counts from absences (`xueji
   check`): *firsts_bad the first-day rows that differ, @cb for each
   differing count row in key order. */
enum xj_err xj_att_counts_check (struct xj_db *db, int64_t *firsts_bad,
                                 xj_att_diff_cb cb, void *cls);

#endif
