/* flows.h -- flows of students (issue 11 point 5): completed moves out of
 * and into a jurisdiction (transfers, 升学 and re-entry, 退学, 出国, 死亡,
 * 其他离校, 注销) counted by origin and destination at a region level, by
 * type, reason, grade and month; the students behind every figure; and
 * the students who left without a completed procedure (the follow-up
 * list).  docs/internals/flows.md describes the mechanism.
 *
 * flows.c aggregates in C over the rows flows_store.c reads (one
 * statement over change_requests and progressions); functions run
 * inside the caller's read transaction.  Scope is a struct xj_scope
 * (user.h): a move is seen when its origin or its destination school is
 * in scope.
 */
#ifndef XJ_FLOWS_H
#define XJ_FLOWS_H

#include <jansson.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"
#include "user/user.h"

/* What to count: a date range (inclusive), the level of the nodes and
   optional filters.  A NULL or "" filter matches everything. */
struct xj_flows_filter {
  char from[12];            /* YYYY-MM-DD */
  char to[12];              /* YYYY-MM-DD */
  const char *level;        /* school, county (default), city, province */
  const char *type;         /* transfer, promote, reenter, withdraw,
                               abroad, death, leave, cancel */
  const char *grade;        /* grade code, the grade the student left */
  /* drill-down only (xj_flows_students): */
  const char *origin;       /* node key at @level ("outside" too) */
  const char *destination;
  const char *month;        /* YYYY-MM */
  const char *direction;    /* in, out, internal */
};

/* Fill @f's dates from @from / @to (NULL: the current school year, 1
   September to 31 August, from the injectable clock).  XJ_E_BAD_PARAM
   with *field "from" / "to" for a malformed date or from after to;
   "level", "type", "direction" for unknown values. */
enum xj_err xj_flows_filter_check (struct xj_flows_filter *f,
                                   const char *from, const char *to,
                                   const char **field);

/* The flows in @scope under @f into *out (caller owns):
   {"from","to","level","totals":{"out","in","internal","total"},
    "links":[{"origin","origin_name","destination","destination_name",
              "type","direction","count"}] (every pair, count descending),
    "by_type","by_reason","by_grade","by_month":
      [{"key","out","in","internal"}]}. */
enum xj_err xj_flows_report (struct xj_db *db, const struct xj_scope *scope,
                             const struct xj_flows_filter *f, json_t **out);

/* The moves behind a figure: those of xj_flows_report matching every
   filter of @f, in date order, registry numbers masked:
   {"total","items":[{"student_id","name","registry_no","grade","type",
   "reason","date","direction","origin","origin_name","destination",
   "destination_name","from_school_id","from_school","to_school_id",
   "to_school"}]} with @limit / @offset applied to items. */
enum xj_err xj_flows_students (struct xj_db *db, const struct xj_scope *scope,
                               const struct xj_flows_filter *f, int64_t limit,
                               int64_t offset, json_t **out);
/* The same moves as xj_flows_students without the items: @cb (cls,
   student_id) once per move, in date order (the dashboard's drill). */
enum xj_err xj_flows_student_ids (struct xj_db *db,
                                  const struct xj_scope *scope,
                                  const struct xj_flows_filter *f,
                                  void (*cb) (void *cls, int64_t student_id),
                                  void *cls);

/* The dashboard's panel: totals in and out by type, the top 5 origins of
   the moves in and destinations of the moves out (county level; the
   school level for a school's scope) and the size of the follow-up list,
   for the range [@from, @to] (YYYY-MM-DD; NULL: the current school
   year):
   {"from","to","totals":{"out","in","internal"},
    "by_type":[{"key","label","out","in","internal"}],
    "top_origins":[{"key","name","count"}],
    "top_destinations":[{"key","name","count"}],
    "followup":n, "school_choice":{...xj_school_choice_json, county and
    above}}.  XJ_E_BAD_PARAM for a malformed date. */
enum xj_err xj_flows_summary (struct xj_db *db, const struct xj_scope *scope,
                              const char *from, const char *to,
                              json_t **out);

/* Students gone in fact whose leaving was never completed, waiting more
   than the setting change.followup_days (calendar days) as of today:
   transfers and 升学 approved at one end and still open, and 其他离校
   records without an open dropout case (those with one are followed in
   the dropout ledger and only counted):
   {"days","today","items":[{"kind":"transfer"|"promote"|"left",
   "student_id","name","registry_no","grade","school_id","school_name",
   "to_school_id","to_school_name","request_id","since","days_waited"}],
   "in_dropout_cases":n}. */
enum xj_err xj_flows_followup (struct xj_db *db, const struct xj_scope *scope,
                               json_t **out);

/* ---- store (flows_store.c) ---- */
struct xj_flow_row {
  const char *type;         /* change type or progressions kind */
  int64_t student_id;
  int64_t from_school;
  const char *from_code, *from_name, *from_county;
  int64_t to_school;        /* 0: out of the system */
  const char *to_code, *to_name, *to_county;  /* "" when out */
  const char *payload;      /* the request's JSON, "" for a progression */
  const char *grade;        /* left grade when known, else the record's */
  const char *at;           /* ISO timestamp, local time */
  const char *name, *registry_no;
};
typedef void (*xj_flow_cb) (void *cls, const struct xj_flow_row *r);
/* Completed moves at [@from_ts, @to_ts) touching @scope, by date. */
enum xj_err xj_fls_moves (struct xj_db *db, const struct xj_scope *scope,
                          const char *from_ts, const char *to_ts,
                          xj_flow_cb cb, void *cls);
/* The name of region @code into @out ("" when unknown). */
enum xj_err xj_fls_region_name (struct xj_db *db, const char *code,
                                char *out, size_t outsz);

struct xj_followup_row {
  const char *kind;         /* transfer_in, promote, left */
  int64_t request_id;       /* 0 for left */
  int64_t student_id;
  const char *name, *registry_no, *grade;
  int64_t school_id;
  const char *school_name;
  int64_t to_school_id;
  const char *to_school_name;
  const char *since;        /* ISO timestamp */
  int64_t open_cases;       /* left: open dropout cases */
};
typedef void (*xj_followup_cb) (void *cls, const struct xj_followup_row *r);
/* Open transfers / 升学 with an approved step of this round, first
   approved before @cutoff (YYYY-MM-DD), and every 其他离校 record (the
   caller filters by since), in @scope. */
enum xj_err xj_fls_followup (struct xj_db *db, const struct xj_scope *scope,
                             const char *cutoff, xj_followup_cb cb,
                             void *cls);

#endif
