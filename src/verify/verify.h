/* verify.h -- the semester verification (学籍核准) and the ghost-record
 * signals (空挂学籍 / 人籍分离, domain.md §1: at least one verification
 * per semester, cases found handled promptly).
 *
 * A round is a school year (@school_year = the year it starts) and a
 * term (1, 2).  Each school ticks its 在读 students class by class:
 * present in class, details correct; a wrong detail is settled by
 * starting the existing path (the record edit, PATCH /students/{id}, or
 * a change request), never by a note.  Ticks are append-only
 * (verify_ticks); verify_state keeps the latest per student and round.
 *
 * Ghost signals are decided per student by one pure rule
 * (xj_ghost_decide) over facts the store gathers; the bureau's sweep
 * puts candidates into a review queue (ghost_candidates) where the
 * bureau confirms (a change request is started) or dismisses with a
 * reason.
 *
 * verify.c holds the rules and the domain functions, verify_store.c the
 * SQL, ghost.c the signals, the sweep and the review.  Write functions
 * run inside the caller's write transaction.  No HTTP.
 * docs/internals/verification.md describes the mechanism.
 */
#ifndef XJ_VERIFY_H
#define XJ_VERIFY_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "audit/audit.h"
#include "core/err.h"
#include "db/db.h"
#include "klass/class_size.h"
#include "user/user.h"

#define XJ_VERIFY_MAX_TICKS 500     /* ticks in one request (a class) */
#define XJ_VERIFY_REASON_MAX 2000   /* bytes of a review reason */

/* ---- rounds (verify.c) ---- */

/* Is (@school_year, @term) a plausible round (2000..2100, 1..2)? */
bool xj_verify_round_ok (int school_year, int term);
/* The round @ymd falls in for county @county: the school year starting
   1 September, the term of the county's calendar (xj_att_term_of; the
   days before term 1 count to term 1). */
enum xj_err xj_verify_round_of (struct xj_db *db, const char *county,
                                int ymd, int *school_year, int *term);

/* ---- ticks ---- */
struct xj_verify_tick {
  int64_t student_id;
  bool present;             /* 在校就读 */
  bool correct;             /* 信息无误 */
  const char *correction;   /* NULL/"" none, "edit", "change" */
  int64_t change_id;        /* correction "change": the request */
};
/* A tick settles the student when it verifies (present and correct) or
   a correction was started.  Pure. */
bool xj_verify_settles (bool present, bool correct, const char *correction);

/* Record @n ticks of round (@school_year, @term), all or nothing.  Each
   student must be 在读 in a class (XJ_E_VERIFY_STUDENT_STATUS), in
   @u's write scope (the registrar of the school, the class's teacher, an
   administrator; else not found), the round the current one of the
   school's county (XJ_E_VERIFY_ROUND_CLOSED); correction "change" names
   a change request of that student (XJ_E_VERIFY_CORRECTION), "edit"
   needs the record changed since the round began (same error).  Field
   errors ("ticks[i].correction") into @errs; XJ_E_VALIDATION when any.
   One audit entry "verify.tick" with the count. */
enum xj_err xj_verify_ticks_record (struct xj_db *db,
                                    const struct xj_user *u,
                                    const struct xj_actor *a,
                                    int school_year, int term,
                                    const struct xj_verify_tick *t, size_t n,
                                    struct xj_verrs *errs);

/* The checklist of class @class_id in round (@school_year, @term):
   {"class":{...}, "school_year", "term", "done", "students":[{id, name,
   registry_no (masked), gender, present, correct, correction,
   change_id, at, actor, settled}]} of its 在读 students (present,
   correct, ... null when not ticked).  XJ_E_NOT_FOUND when missing or
   out of @u's scope.  Caller owns *out. */
enum xj_err xj_verify_class (struct xj_db *db, const struct xj_user *u,
                             int64_t class_id, int school_year, int term,
                             json_t **out);

/* ---- progress (for the bureau and the dashboard) ---- */

/* Round progress of every school in @sc (class_size.h scope: county
   prefix, school id): {"school_year", "term", "totals":{schools,
   schools_done, schools_late, classes, classes_done, students, settled,
   verified}, "schools":[{id, code, name, county_code, classes,
   classes_done, students, settled, verified, done, deadline, late}]};
   with @sc->school_id set also "classes":[{id, name, grade, students,
   settled, verified, done}].  A class is done when every 在读 student
   is settled, a school when every class is; late when the county's
   deadline for the round has passed (today after it) and it is not
   done.  A read.  Caller owns *out. */
enum xj_err xj_verify_progress (struct xj_db *db,
                                const struct xj_cs_scope *sc,
                                int school_year, int term, json_t **out);
/* The students behind those figures: every 在读 student of a
   current-year class in @sc (and class @class_id; 0 every class) with
   the state in round (@school_year, @term): @cb (cls, student, settled,
   verified), from the same rows as the progress, so counting the calls
   gives its "students", "settled" and "verified".  A read. */
typedef void (*xj_verify_student_cb) (void *cls, int64_t student,
                                      bool settled, bool verified);
enum xj_err xj_verify_students (struct xj_db *db,
                                const struct xj_cs_scope *sc,
                                int64_t class_id, int school_year, int term,
                                xj_verify_student_cb cb, void *cls);

/* ---- the deadline (settings row "verify.deadline.<county>.<year>.<term>",
   value YYYY-MM-DD) ---- */
/* *ymd 0 when none is set. */
enum xj_err xj_verify_deadline_get (struct xj_db *db, const char *county,
                                    int school_year, int term, int *ymd);
/* Set the deadline of county @county (6 digits) for a round to @date
   (YYYY-MM-DD; XJ_E_DATE_FORMAT), audited "verify.deadline" with
   before/after.  Scope is the caller's to check. */
enum xj_err xj_verify_deadline_put (struct xj_db *db,
                                    const struct xj_actor *a,
                                    const char *county, int school_year,
                                    int term, const char *date);

/* ---- ghost signals (ghost.c) ---- */
enum xj_ghost_signal {
  XJ_GHOST_NO_PRESENCE = 1,     /* a) no absence and no tick for a whole
                                   term while the class has absences */
  XJ_GHOST_UNVERIFIED = 2,      /* b) not settled in the round after its
                                   deadline */
  XJ_GHOST_GUARDIAN_SHARED = 4, /* c) guardian phone or ID shared with
                                   records enrolled in other schools */
  XJ_GHOST_FAR = 8              /* d) household and residence outside the
                                   school's county */
};
/* What the rule looks at for one student. */
struct xj_ghost_facts {
  bool term_over;         /* a term of the round's year has ended */
  bool whole_term;        /* registered before that term began, in a
                             class */
  bool own_absence;       /* any absence of the student in that term */
  bool ticked;            /* any tick of the student in that term */
  bool class_absences;    /* the class has absences in that term */
  bool deadline_passed;   /* today is after the round's deadline */
  bool settled;           /* settled in the round */
  int64_t shared;         /* enrolled records of other schools sharing a
                             guardian phone or ID number */
  bool far;               /* xj_ghost_far */
};
/* THE rule: the signals (enum xj_ghost_signal bits) of @f. */
unsigned xj_ghost_decide (const struct xj_ghost_facts *f);
/* Rule d), setting-free: a student is enrolled far from home when the
   household (户口所在地, @hukou_region, a GB/T 2260 code of 6 or 9
   digits) lies in another county than the school (@school_county) AND
   the residence (现住址 @address, free text: the record has no code
   for it) does not name the school's county (@county_name, "阳山县",
   or the name without its last character, "阳山").  An unknown
   household (empty code) is never far. */
bool xj_ghost_far (const char *hukou_region, const char *address,
                   const char *school_county, const char *county_name);
/* "no_presence,unverified,..." of @signals into @out. */
void xj_ghost_signals_text (unsigned signals, char *out, size_t n);

/* One run of the bureau's sweep (a row of ghost_sweeps). */
struct xj_ghost_run {
  int64_t id;
  char prefix[16];          /* region prefix swept, "" = all */
  char state[16];           /* running done failed interrupted */
  char started_by[64], started_at[32], finished_at[32]; /* "" running */
  int64_t students_total;   /* 在读 students under prefix at the start */
  int64_t students_done;    /* looked at so far */
  int64_t raised, updated, kept;
  char error[48];           /* failed: the error code */
};
#define XJ_GHOST_CHUNK 2000  /* students per read and write transaction */

/* Record a new run of the sweep over @prefix by @a, 'running'.  In the
   caller's write transaction. */
enum xj_err xj_ghost_sweep_begin (struct xj_db *db, const struct xj_actor *a,
                                  const char *prefix, int64_t *id);
/* Run @id over @prefix for the current round of each county: per county
   one read transaction loads the sets the rule needs, then the 在读
   students are read @chunk at a time (each chunk its own read
   transaction) and each chunk's candidates are raised in one short
   write transaction that also adds the chunk's counts to the run.  A
   student with an open candidate gets its signals updated; one whose
   last candidate was dismissed or confirmed with the same signals is not
   raised again.  Ends the run done, failed, or interrupted when *@stop
   turns true (checked between chunks).  Not inside a transaction (it
   opens its own): the background job's connection. */
enum xj_err xj_ghost_sweep_run (struct xj_db *db, const struct xj_actor *a,
                                int64_t id, const char *prefix, size_t chunk,
                                const atomic_bool *stop);
/* Run @id (or the latest under @scope when @id is 0) if its prefix lies
   in @scope; XJ_E_NOT_FOUND otherwise. */
enum xj_err xj_ghost_sweep_get (struct xj_db *db, int64_t id,
                                const char *scope, struct xj_ghost_run *out);
/* Server start: runs left 'running' by a killed server -> 'interrupted'
   (their chunks already written stand; the next run keeps them). */
/* How many runs are marked running (read only). */
enum xj_err xj_ghost_sweep_running (struct xj_db *db, int64_t *n);
enum xj_err xj_ghost_sweep_recover (struct xj_db *db);
/* Candidates in @u's scope with @status ("" any), newest first, paged;
   *total gets the count.  Registry numbers masked. */
enum xj_err xj_ghost_list (struct xj_db *db, const struct xj_user *u,
                           const char *status, int64_t school_id,
                           int64_t limit, int64_t offset, int64_t *total,
                           json_t *items);
/* Decide candidate @id (open, else XJ_E_GHOST_STATE; out of scope: not
   found) with @reason (required): dismiss, or confirm starting change
   @change_type ("cancel" 注销 by default, or "leave" 其他离校) through
   the change workflow (xj_change_create: its role and status rules
   apply).  Audited "ghost.confirm" / "ghost.dismiss" with a student
   event "ghost.review".  *change_id gets the request (0 on dismiss);
   *field names a bad member. */
enum xj_err xj_ghost_review (struct xj_db *db, const struct xj_user *u,
                             const struct xj_actor *a, int64_t id,
                             bool confirm, const char *change_type,
                             const char *reason, int64_t *change_id,
                             const char **field);
/* The queue's counts in @sc: {"open", "confirmed", "dismissed"}.
   Caller owns *out. */
enum xj_err xj_ghost_queue_counts (struct xj_db *db,
                                   const struct xj_cs_scope *sc,
                                   json_t **out);

#endif
