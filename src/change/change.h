/* change.h -- registry changes (学籍变动): types, who may start them,
 * their preconditions, approval chains, the working-day calendar, the
 * workflow (create, approve, reject, return, withdraw, resubmit) and
 * year-end promotion.  docs/internals/changes.md describes the mechanism.
 *
 * change_rules.c and the xj_cal_* arithmetic of calendar.c are pure (no
 * SQL, no clock); change_store.c, calendar_store.c and yearend.c hold
 * the SQL and run inside the caller's transaction (xj_db_txn_run).  No
 * HTTP here: functions return enum xj_err and, for field errors, the
 * JSON key through *field.
 */
#ifndef XJ_CHANGE_H
#define XJ_CHANGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "audit/audit.h"
#include "core/err.h"
#include "db/db.h"
#include "klass/class_size.h"
#include "user/user.h"

struct xj_verrs;

/* ---- types (pure) ---- */
enum xj_change_type {
  XJ_CH_TRANSFER_IN = 0, /* 转入: started by the receiving school; the
                            sending school's step is the transfer-out
                            confirmation (转出确认) */
  XJ_CH_SUSPEND,         /* 休学 */
  XJ_CH_RESUME,          /* 复学 */
  XJ_CH_WITHDRAW,        /* 退学 */
  XJ_CH_REPEAT,          /* 留级 */
  XJ_CH_SKIP,            /* 跳级 */
  XJ_CH_ABROAD,          /* 出国(境) */
  XJ_CH_DEATH,           /* 死亡 */
  XJ_CH_GRADUATE,        /* 毕业 / 结业 / 肄业 (individual) */
  XJ_CH_CORRECT,         /* 信息变更: name, ID, birth date, gender */
  XJ_CH_CANCEL,          /* 注销 (wrongly created record), bureau only */
  XJ_CH_PROMOTE,         /* 升学 across counties (progress.c) */
  XJ_CH_REENTER,         /* 重新入学 into a distant grade (progress.c) */
  XJ_CH_LEAVE,           /* 其他离校: left without a completed procedure,
                            tracked as a possible dropout (src/dropout) */
  XJ_CH__COUNT
};

/* "transfer_in", "suspend", ...; NULL for an out-of-range value. */
const char *xj_change_type_name (enum xj_change_type t);
/* Chinese label ("转入", "休学", ...). */
const char *xj_change_type_zh (enum xj_change_type t);
/* Parse a type name; false if unknown. */
bool xj_change_type_parse (const char *name, enum xj_change_type *out);

/* May a user of @role start a change of type @t at all?  (Scope is
   checked separately against the schools involved.)  Registrars start
   every type but 注销; bureau users start only 注销; administrators
   start any. */
bool xj_change_may_start (enum xj_change_type t, enum xj_role role);

/* ---- grades (pure) ---- */
/* Compulsory stage (primary 1x, junior 2x)? */
bool xj_grade_compulsory (const char *grade);
/* Last grade of its stage (16, 23, 24, 33, 43)? */
bool xj_grade_final (const char *grade);
/* Next / previous grade within the same stage into @out (>= 4 bytes);
   false when there is none (final / first grade).  23 has no next: the
   year-end run graduates it (五四制 24 is reached only by 跳级/留级). */
bool xj_grade_next (const char *grade, char out[4]);
bool xj_grade_prev (const char *grade, char out[4]);

/* ---- preconditions (pure) ---- */
/* ---- settings (defaults and parsing: change_settings.c, pure;
   storage: change_store.c) ---- */
/* The provincial variations of domain.md "Decisions", each a row
   "change.<name>" of the settings table. */
struct xj_change_settings {
  int step_days;            /* working days per step [10] */
  int death_days;           /* working days for a death cancellation [10] */
  bool senior_city;         /* senior/vocational authority: city [yes] */
  bool chain_city;          /* extra city steps in transfers across
                               cities [no] */
  bool repeat_compulsory;   /* 留级 allowed in compulsory grades [no] */
  bool repeat_senior3;      /* 留级 allowed in 高三 [no] */
  int repeat_cap_pct;       /* 留级 per grade and school year, percent of
                               the grade [2] */
  bool transfer_entry_term; /* refuse transfers in the first term of an
                               entry grade [yes] */
  bool transfer_graduating; /* refuse transfers in a graduating grade
                               [yes] */
  int suspend_years;        /* length of a suspension, school years [1] */
  int suspend_renewals;     /* renewals of a suspension [1] */
  int dropout_days;         /* a suspected dropout becomes a dropout
                               after more than this many school days
                               [20] (src/dropout) */
  int retention_target;     /* retention rate target, percent [95] */
  int followup_days;        /* a transfer or 升学 approved at one end and
                               not completed, or a 其他离校 record with no
                               case, is listed for follow-up after more
                               than N calendar days [30] (src/flows) */
};

/* One setting: its JSON name (the settings row is "change." + name),
   kind and bounds, and where it lives in struct xj_change_settings. */
enum xj_setting_kind { XJ_SET_INT, XJ_SET_BOOL, XJ_SET_CHOICE };
struct xj_change_setting_spec {
  const char *name;         /* "step_days", ... */
  enum xj_setting_kind kind;
  int min, max;             /* XJ_SET_INT */
  const char *on, *off;     /* XJ_SET_CHOICE: the values for true / false
                               (XJ_SET_BOOL stores "yes" / "no") */
  size_t offset;            /* of the int or bool member */
};
extern const struct xj_change_setting_spec xj_change_setting_specs[];
extern const size_t xj_change_setting_count;

/* domain.md's defaults. */
void xj_change_settings_defaults (struct xj_change_settings *s);
/* Set the member of @spec in @s from its stored text @v; false (and @s
   unchanged) when @v is not a valid value. */
bool xj_change_setting_from_text (struct xj_change_settings *s,
                                  const struct xj_change_setting_spec *spec,
                                  const char *v);
/* The stored text of the member of @spec in @s into @out. */
void xj_change_setting_to_text (const struct xj_change_settings *s,
                                const struct xj_change_setting_spec *spec,
                                char out[16]);
/* {"step_days":10, "senior_authority":"city", "chain_city":false, ...};
   caller owns. */
json_t *xj_change_settings_json (const struct xj_change_settings *s);
/* Apply the members of the JSON object @patch to @s, all or nothing:
   XJ_E_UNKNOWN_FIELD, XJ_E_BAD_TYPE, XJ_E_RANGE or XJ_E_CODE with *field
   naming the key. */
enum xj_err xj_change_settings_patch (struct xj_change_settings *s,
                                      const json_t *patch,
                                      const char **field);

/* ---- preconditions (pure) ---- */
/* What the rules need to know about a proposed change. */
struct xj_change_check {
  enum xj_change_type type;
  const char *status;       /* the student's status (codeset "status") */
  const char *grade;        /* the student's grade */
  const char *reason_code;  /* 退学: "lost_capacity" allows compulsory */
  const char *target_grade; /* 留级/跳级 (required), 复学 (optional) */
  const char *outcome;      /* 毕业: graduated | completed | incomplete */
  const struct xj_change_settings *set; /* NULL: domain.md's defaults */
  int term;                 /* 转学: today's term of the school year, 1 or
                               2 (0 = unknown: no window rule) */
  int64_t grade_size;       /* 留级: students of the grade at the school
                               this school year (enrolled now plus those
                               already repeated out of it) */
  int64_t grade_repeats;    /* 留级: requests from the grade this school
                               year, open or approved */
  int renewals;             /* 休学 of a suspended student (a renewal):
                               renewals already made in this spell */
  int64_t dropout_case;     /* the student's open dropout case (0 =
                               none): the record may not end while it
                               is open (xj_change_ends_record) */
};
/* Does a change of type @t (毕业 @outcome) take the record out of the
   registry (退学, 注销, 肄业, 出国, 死亡, 毕业/结业)?  While a dropout
   case is open these are refused (XJ_E_DROPOUT_CASE_OPEN): the case is
   closed with its outcome first.  其他离校 keeps the record (it is how
   a possible dropout is tracked). */
bool xj_change_ends_record (enum xj_change_type t, const char *outcome);
/* The status rules of promote (毕业/结业 in a final grade) and reenter
   (ended for any reason but 死亡); progress.c. */
enum xj_err xj_change_precheck_progress (const struct xj_change_check *c);
/* Check the rules of domain.md §3 and "Decisions": status allows the
   type; no transfer while suspended, in the first term of an entry
   grade or in a graduating grade (settings); no withdrawal in the
   compulsory stage unless reason_code is "lost_capacity"; 留级 only
   where the settings allow it and under the grade's cap; repeat/skip by
   one grade within the stage; 毕业/结业 only from the final grade and
   肄业 only from a final grade or outside compulsory education; a
   suspension of a suspended student is a renewal, within the number of
   renewals.  On failure *field names the offending key ("student_id"
   for status rules). */
enum xj_err xj_change_precheck (const struct xj_change_check *c,
                                const char **field);

/* Suspensions: the last day of a suspension starting @start (YYYYMMDD)
   lasting @years school years (the day before the same date @years
   later). */
int xj_change_suspend_end (int start, int years);

/* ---- approval chains (pure) ---- */
enum xj_actor_kind { XJ_AK_SCHOOL, XJ_AK_COUNTY, XJ_AK_CITY, XJ_AK_PROVINCE };
const char *xj_actor_kind_name (enum xj_actor_kind k);

#define XJ_CHANGE_MAX_STEPS 8

struct xj_change_step_spec {
  enum xj_actor_kind kind;
  int64_t school_id;   /* XJ_AK_SCHOOL */
  char region[8];      /* county 6 / city 4 / province 2 digits */
  char label[64];      /* "转出学校", "转入县教育局", ... */
  char key[24];        /* the same as a key for every language:
                          "from_school", "to_county", "county", ... */
};
struct xj_change_chain {
  unsigned n;
  struct xj_change_step_spec s[XJ_CHANGE_MAX_STEPS];
};

/* Where the parties are. */
struct xj_change_geo {
  int64_t from_school_id;   /* the student's school */
  const char *from_county;  /* its 6-digit county */
  int64_t to_school_id;     /* transfer: the receiving school */
  const char *to_county;
  const char *grade;        /* the student's grade */
  bool senior_city;         /* setting: senior/vocational registry
                               authority is the city (default) */
  bool chain_city;          /* setting: transfers across cities add each
                               side's city bureau (default off) */
  const char *initiator_region; /* 注销: the initiating bureau's region
                                   ("" for an administrator) */
  const char *to_grade;     /* 升学: the grade at the admitting school */
};
/* Build the chain of steps after the initiator's submission (domain.md
   §3 and "Decisions"): a same-authority transfer is sending school then
   the authority; otherwise receiving side, sending school, sending side,
   where each side is its registry authority (county, or city for senior
   grades with @senior_city), its city only with @chain_city and when the
   cities differ, and its province when the provinces differ: 3 steps
   across counties or cities of one province, 5 across provinces.  Every other school
   change goes to the registry authority (county; city for senior and
   vocational grades when @senior_city).  注销 goes one bureau level above
   the initiator; a province bureau or an administrator applies it at
   once (empty chain). */
enum xj_err xj_change_chain_build (enum xj_change_type t,
                                   const struct xj_change_geo *g,
                                   struct xj_change_chain *out);

/* May @u act on a step of @kind held by @school_id / @region?  Exact
   match only: a school's registrar on its school steps, a bureau user
   on the steps of exactly its region; administrators on any step. */
bool xj_change_is_actor (const struct xj_user *u, enum xj_actor_kind kind,
                         int64_t school_id, const char *region);

/* ---- working days (calendar.c) ---- */
/* Dates are ints YYYYMMDD.  A calendar lists the holidays (rest days)
   and make-up working days (调休上班, usually weekends), each sorted
   ascending; the caller owns the arrays. */
struct xj_calendar {
  int *holidays;
  size_t nholidays;
  int *workdays;
  size_t nworkdays;
};
/* Day of week, 0 = Sunday. */
int xj_ymd_weekday (int ymd);
/* @ymd plus @days calendar days (may be negative). */
int xj_ymd_add_days (int ymd, int days);
bool xj_cal_is_workday (const struct xj_calendar *c, int ymd);
/* The date @n working days after @start (the start day itself does not
   count): Friday + 1 = the next Monday (weekends and holidays skipped). */
int xj_cal_add_workdays (const struct xj_calendar *c, int start, unsigned n);
/* Load the holidays table into @c (caller frees with xj_cal_fini;
   calendar_store.c). */
enum xj_err xj_cal_load (struct xj_db *db, struct xj_calendar *c);
void xj_cal_fini (struct xj_calendar *c);
/* Today as YYYYMMDD from the injectable clock; "YYYY-MM-DD" form. */
int xj_cal_today (void);
void xj_ymd_format (int ymd, char out[12]);
int xj_ymd_parse (const char *iso);

/* Holiday calendar rows (calendar_store.c). */
typedef void (*xj_holiday_cb) (void *cls, const char *date, const char *kind,
                               const char *name);
enum xj_err xj_holiday_list (struct xj_db *db, const char *from,
                             const char *to, xj_holiday_cb cb, void *cls);
/* Insert or replace one day (kind "holiday" or "workday"). */
enum xj_err xj_holiday_put (struct xj_db *db, const char *date,
                            const char *kind, const char *name);
/* XJ_E_NOT_FOUND if the day was not listed. */
enum xj_err xj_holiday_delete (struct xj_db *db, const char *date);

/* Settings storage (change_store.c): every row of
   xj_change_setting_specs, defaults for missing or invalid rows. */
enum xj_err xj_change_settings_get (struct xj_db *db,
                                    struct xj_change_settings *out);
enum xj_err xj_change_settings_put (struct xj_db *db,
                                    const struct xj_change_settings *in);

/* ---- workflow (change_store.c; inside a write transaction) ---- */
/* A new request, parsed by the handler. */
struct xj_change_new {
  enum xj_change_type type;
  int64_t student_id;
  int64_t to_school_id;     /* transfer (0: the registrar's own school) */
  int64_t to_class_id;      /* optional target class */
  const char *reason;       /* required */
  const char *reason_code;  /* optional (退学 lost_capacity) */
  const char *grade;        /* 留级/跳级/复学 target grade */
  const char *outcome;      /* 毕业 */
  json_t *changes;          /* 信息变更: {name,id_no,birth_date,gender}
                               (borrowed) */
  const char *id_no;        /* transfer of a student outside the caller's
                               scope: the full resident ID (normalised) */
  const char *registry_no;  /* ... or the full registry number */
  const char *end_date;     /* 休学: last day suspended (YYYY-MM-DD), at
                               most the suspension length; NULL = the
                               full length */
  struct xj_verrs *errs;    /* optional out: the grade check's errors
                               (转学, 留级, 跳级, 复学; the record moved to
                               its target grade and school) */
  struct xj_verrs *warns;   /* optional out: its warnings */
};

/* The request's own values, before anything is loaded: a reason (at most
   XJ_CHANGE_REASON_MAX bytes), valid UTF-8 and bounded texts, a grade from
   the code set, an end date written YYYY-MM-DD.  Every path that starts
   a change (xj_change_create: the API, the duplicate review) passes
   here.  On failure *field names the offending key. */
#define XJ_CHANGE_REASON_MAX 500
enum xj_err xj_change_new_valid (const struct xj_change_new *n,
                                 const char **field);

/* Create a request: checks who may start it (scope, role), the student's
   status and the type's rules, builds the chain, inserts the request
   and its first round of steps (the first one waiting, with its
   deadline), and records submit action, "change.requested" student event
   and audit entry.  An empty chain applies the change at once.  Sets
   *id.  On a field error *field names the key. */
enum xj_err xj_change_create (struct xj_db *db, const struct xj_user *u,
                              const struct xj_actor *a,
                              const struct xj_change_new *n, int64_t *id,
                              const char **field);

enum xj_change_action {
  XJ_CA_APPROVE, XJ_CA_REJECT, XJ_CA_RETURN, XJ_CA_WITHDRAW, XJ_CA_RESUBMIT
};
const char *xj_change_action_name (enum xj_change_action a);

/* Act on request @id.  @expect_version 0 = do not check; otherwise a
   different version gives XJ_E_CONFLICT.  Approve/reject/return act on
   the waiting step (XJ_E_CHANGE_NOT_ACTOR unless @u holds it); the last
   approval applies the change to the record (same transaction, event
   "change.<type>").  Withdraw and resubmit are the initiator's.
   @comment may be NULL (required for reject and return: the handler
   checks).  @new_reason replaces the reason on resubmit (may be NULL).
   A request @u may not see gives XJ_E_NOT_FOUND.  An applied change that
   puts the student into a class at 大班额 fills @cw (may be NULL;
   xj_class_size_admit). */
enum xj_err xj_change_act (struct xj_db *db, const struct xj_user *u,
                           const struct xj_actor *a, int64_t id,
                           int64_t expect_version,
                           enum xj_change_action action, const char *comment,
                           const char *new_reason, struct xj_cs_warn *cw);

/* The request, its steps (all rounds) and actions as JSON, if @u may see
   it (XJ_E_NOT_FOUND otherwise).  Caller owns *out. */
enum xj_err xj_change_get_json (struct xj_db *db, const struct xj_user *u,
                                int64_t id, json_t **out);

/* Queues. */
enum xj_change_box { XJ_BOX_TODO = 1, XJ_BOX_STARTED = 2, XJ_BOX_ALL = 3 };
struct xj_change_filter {
  enum xj_change_box box;
  const char *type;   /* "" = any */
  const char *status; /* "" = any */
  bool overdue;       /* only requests whose waiting step is overdue */
  int64_t limit, offset;
};
/* One page of requests for @u; each item as JSON appended to @items. */
enum xj_err xj_change_list (struct xj_db *db, const struct xj_user *u,
                            const struct xj_change_filter *f, int64_t *total,
                            json_t *items);
/* {todo, overdue, started} counts for the navigation. */
enum xj_err xj_change_counts (struct xj_db *db, const struct xj_user *u,
                              int64_t *todo, int64_t *overdue,
                              int64_t *started);
/* Per-school backlog in @u's scope: schools with open requests or
   waiting school steps, as JSON items appended to @items. */
enum xj_err xj_change_backlog (struct xj_db *db, const struct xj_user *u,
                               json_t *items);

/* Suspended students in @u's scope whose suspension ended before today
   and who were not resumed (follow-up list), oldest end date first; each
   as JSON {student_id, name, registry_no (masked), school_id,
   school_name, grade, grade_label, class_name, start_date, end_date,
   renewal, days_over} appended to @items.  Registrars see their school,
   bureau users their region, administrators all. */
enum xj_err xj_change_suspensions_overdue (struct xj_db *db,
                                           const struct xj_user *u,
                                           int64_t limit, int64_t offset,
                                           int64_t *total, json_t *items);

/* A promote (升学 across counties) or reenter (re-entry into a grade
   more than one away) request, started by progress.c for the admitting
   school: the student may be anywhere (progress.c found it by its full
   number).  Chain: promote = admitting side's authority, then the
   graduating side's; reenter = the admitting school's county.  The last
   approval applies it through xj_progress_apply. */
struct xj_change_progress {
  enum xj_change_type type;     /* XJ_CH_PROMOTE or XJ_CH_REENTER */
  int64_t student_id, to_school_id, to_class_id;
  const char *grade, *reason, *route;
  bool out_of_zone;
};
enum xj_err xj_change_create_progress (struct xj_db *db,
                                       const struct xj_user *u,
                                       const struct xj_actor *a,
                                       const struct xj_change_progress *n,
                                       int64_t *id);

/* Does student @id have an open (pending or returned) request? */
enum xj_err xj_change_student_open (struct xj_db *db, int64_t student_id,
                                    bool *open);

/* ---- year-end (yearend.c) ---- */
/* Scope of a run: one school, or every school of a county. */
/* A final-grade student the registry authority marks 结业 (finished
   the years without meeting the graduation requirements) at year-end. */
struct xj_ye_mark {
  int64_t student_id;
  const char *reason;  /* required, non-empty */
};
struct xj_yearend_scope {
  const struct xj_ye_mark *completed; /* apply: students leaving 结业
                                         instead of 毕业 (borrowed) */
  size_t ncompleted;
  int64_t school_id;   /* 0 = by county */
  const char *county;  /* 6 digits when school_id == 0 */
  const struct xj_user *user; /* apply: the caller, checked to be the
                                 registry authority (NULL = not checked:
                                 the command line) */
};
/* What year-end does to a student of @grade at a school of @stage: move
   up one grade, graduate (final grade), or in a nine-year (or
   twelve-year) school move 六年级 to 初一 with primary completion
   recorded.  @to gets the new grade ("" when graduating). */
enum xj_ye_kind { XJ_YE_PROMOTE, XJ_YE_GRADUATE, XJ_YE_PRIMARY_COMPLETE };
enum xj_ye_kind xj_yearend_next (const char *stage, const char *grade,
                                 char to[4]);
/* Is @u the registry authority of a school of @stage in @county
   (domain.md: the county bureau; the city bureau for schools with
   senior or vocational grades when @senior_city), or an administrator?
   Pure. */
bool xj_yearend_is_authority (const struct xj_user *u, const char *stage,
                              const char *county, bool senior_city);
/* Is month-day @md (month*100+day) inside the window [@start, @end]
   (a window may run across New Year)?  Pure. */
bool xj_yearend_in_window (int md, int start, int end);
/* XJ_E_YEAREND_WINDOW unless today (injectable clock) is inside the
   window of the settings yearend.window_start / _end (07-01 .. 08-31). */
enum xj_err xj_yearend_window_check (struct xj_db *db);
/* Called by the change workflow when a request on @student_id closes
   (approved, rejected or withdrawn).  If an applied year-end run skipped
   the student because of an open request and the student is still
   enrolled in the grade the run saw, the student is promoted (or
   graduated, or moved to 初一) now, as the run would have done, into the
   next year's class of the same number when it exists.  Nothing to do:
   XJ_E_OK.  Inside the caller's write transaction. */
enum xj_err xj_yearend_request_closed (struct xj_db *db,
                                       const struct xj_actor *a,
                                       int64_t student_id);
/* Preview (@apply false, read-only) or apply (@apply true, inside one
   write transaction) the promotion of the current school year's classes
   of the schools in @sc to the next school year: grades move up one,
   final grades graduate, next-year classes are created (same numbers;
   the entry grade gets as many classes as this year), students with open
   requests are skipped and listed.  *out gets
   {"run_id"?,"from_year","to_year","schools":[{school_id,school_name,
   classes:[{grade,no,to_grade}],promoted,graduated,primary_completed,
   blocked:[...]}],"skipped":[schools of a county run outside the
   caller's authority],"promoted","graduated","primary_completed",
   "blocked"}.  Apply: XJ_E_YEAREND_WINDOW outside the window,
   XJ_E_YEAREND_AUTHORITY when the one school asked for is outside the
   caller's authority, XJ_E_YEAREND_DONE when a school was already
   promoted for this year.  Graduations go to the graduations table;
   students with open requests to year_end_blocked. */
enum xj_err xj_yearend_run (struct xj_db *db, const struct xj_yearend_scope *sc,
                            bool apply, const struct xj_actor *a,
                            json_t **out);
/* Undo run @run_id: restores each student's grade, class and status,
   unless a student of the run changed since (XJ_E_YEAREND_ROLLBACK_
   BLOCKED); XJ_E_YEAREND_ROLLED_BACK if it was undone already.  The
   caller checks scope first with xj_yearend_schools. */
enum xj_err xj_yearend_rollback (struct xj_db *db, int64_t run_id,
                                 const struct xj_actor *a, json_t **out);
/* The schools of run @run_id as (id, county) pairs through @cb;
   XJ_E_NOT_FOUND for an unknown run. */
typedef void (*xj_yearend_school_cb) (void *cls, int64_t school_id,
                                      const char *county);
enum xj_err xj_yearend_schools (struct xj_db *db, int64_t run_id,
                                xj_yearend_school_cb cb, void *cls);

#endif
