/* zone.h -- feeder relations (对口), attendance zones (学区) and the
 * 小升初 allocation of a county's primary graduates to junior schools,
 * reviewed and published by the county bureau and confirmed by each
 * junior school (新生名单), each confirmation being the 升学 of
 * progress.h.  docs/internals/progression.md describes it.
 *
 * zone_store.c holds the SQL; zone.c the rules.  Writers run inside the
 * caller's write transaction.  No HTTP.
 */
#ifndef XJ_ZONE_H
#define XJ_ZONE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "audit/audit.h"
#include "core/err.h"
#include "db/db.h"

/* ---- definitions ---- */
/* Compulsory schools of @county with their feeders, townships and
   communities: {"schools":[{id,code,name,stage,township_code,feeders:[id],
   townships:[{code,name}],communities:[name]}],"townships":[{code,name}],
   "allocations":[{id,school_year,status}]}. */
enum xj_err xj_zone_county_json (struct xj_db *db, const char *county,
                                 json_t **out);
/* Replace the zone of school @school_id: @feeders (primary schools of the
   same county feeding it; only for schools with junior grades),
   @townships (9-digit townships of its county), @communities (names, 1-50
   characters).  XJ_E_ZONE_INVALID with *field on a bad entry.  Audited
   (zone.put). */
struct xj_zone_def {
  const int64_t *feeders;
  size_t nfeeders;
  const char *const *townships;
  size_t ntownships;
  const char *const *communities;
  size_t ncommunities;
};
enum xj_err xj_zone_put (struct xj_db *db, const struct xj_actor *a,
                         int64_t school_id, const struct xj_zone_def *d,
                         const char **field);

/* ---- allocation ---- */
/* Generate (or regenerate, while a draft) the allocation of @county's
   primary graduates of the latest year-end: feeder, else the zone holding
   the household township (户口所在地), else a zone community or township
   named in the address (现住址); no match = route "none".  *out gets the
   summary of xj_alloc_get_json. */
enum xj_err xj_alloc_generate (struct xj_db *db, const struct xj_actor *a,
                               const char *county, json_t **out);
/* {id,county,school_year,status,created_at,published_at,total,unmatched,
   schools:[{school_id,school_name,students,girls,feeder,zone,moved}]} */
enum xj_err xj_alloc_get_json (struct xj_db *db, int64_t id, json_t **out);
/* The allocation's county (for scope) and status. */
enum xj_err xj_alloc_county (struct xj_db *db, int64_t id, char county[8],
                             char status[16]);
/* One page of items: @to_school > 0 one school, 0 the unmatched, -1 all.
   {"items":[{student_id,name,gender,from_school_id,from_school_name,
   to_school_id,to_school_name,route,reason,confirmed}],"total"} */
enum xj_err xj_alloc_items_json (struct xj_db *db, int64_t id,
                                 int64_t to_school, int64_t limit,
                                 int64_t offset, json_t **out);
/* Every student of allocation @id, as the allocation's sheet lists them:
   by receiving school (the unmatched last), graduating school and name.
   Numbers in full: the caller masks them. */
struct xj_alloc_row {
  const char *registry_no, *id_no, *name, *birth_date;
  const char *from_school, *to_school;  /* to_school "" = unmatched */
  const char *route, *reason;
  int gender;
  bool confirmed;
};
typedef void (*xj_alloc_row_cb) (void *cls, const struct xj_alloc_row *r);
enum xj_err xj_alloc_rows (struct xj_db *db, int64_t id, xj_alloc_row_cb cb,
                           void *cls);
/* Move students of a draft to junior school @to_school (of the county)
   with @reason: route "moved" (kept as admitted outside the zone). */
enum xj_err xj_alloc_move (struct xj_db *db, const struct xj_actor *a,
                           int64_t id, const int64_t *students, size_t n,
                           int64_t to_school, const char *reason,
                           int64_t *moved);
enum xj_err xj_alloc_publish (struct xj_db *db, const struct xj_actor *a,
                              int64_t id);

/* ---- intake (新生名单) ---- */
/* Students allocated to @school_id by a published allocation and not yet
   confirmed: {"items":[...as items...],"total"}. */
enum xj_err xj_intake_json (struct xj_db *db, int64_t school_id,
                            json_t **out);
/* Confirm @n students (0 = every one waiting) into 初一 of @school_id:
   each is the 升学 of progress.h (same record, route of the allocation,
   out_of_zone when moved by the bureau).  With classes (初一 of this or
   next year), students are spread over them: each to the class with the
   fewest students, ties to the one with fewest of the student's gender
   when @balance.  *out: {"confirmed","refused":[{student_id,field,code,message}],
   "classes":[{class_id,students,girls}]}; a student the grade check
   (xj_student_grade_move) refuses for 初一 is "refused", not confirmed,
   and stays on the list. */
struct xj_intake_confirm {
  int64_t school_id;
  const int64_t *students;
  size_t n;
  const int64_t *classes;
  size_t nclasses;
  bool balance;
};
enum xj_err xj_intake_confirm (struct xj_db *db, const struct xj_actor *a,
                               const struct xj_intake_confirm *c,
                               json_t **out);

/* ---- school-choice figures ---- */
/* 小升初 admissions (升学 into 初一) recorded in calendar year @year at
   the schools of region prefix @prefix (2, 4 or 6 digits; "" all): per
   admitting school and in total, admitted, by route (feeder, zone, moved
   by the bureau, other: enrolled directly or through a request), and
   admitted out of zone with its share (per cent, one decimal).
   *out (new): {"region","year","schools":[{"school_id","code","name",
   "admitted","feeder","zone","moved","other","out_of_zone",
   "out_of_zone_pct"}],"total":{...the same counts...}}. */
enum xj_err xj_school_choice_json (struct xj_db *db, const char *prefix,
                                   int year, json_t **out);

/* ---- zone_store.c (SQL only; used by zone.c) ---- */
struct xj_zs_school {
  int64_t id;
  const char *code, *name, *stage;
};
typedef void (*xj_zs_school_cb) (void *cls, const struct xj_zs_school *s);
/* Compulsory schools (primary, junior, nine-year) of @county. */
enum xj_err xj_zs_schools (struct xj_db *db, const char *county,
                           xj_zs_school_cb cb, void *cls);
/* (a, b, text) rows: feeders (junior, primary, ""), zone townships
   (school, 0, code; name in @name), communities (school, 0, name),
   county townships (0, 0, code; name). */
typedef void (*xj_zs_link_cb) (void *cls, int64_t a, int64_t b,
                               const char *text, const char *name);
enum xj_err xj_zs_feeders (struct xj_db *db, const char *county,
                           xj_zs_link_cb cb, void *cls);
enum xj_err xj_zs_zone_towns (struct xj_db *db, const char *county,
                              xj_zs_link_cb cb, void *cls);
enum xj_err xj_zs_communities (struct xj_db *db, const char *county,
                               xj_zs_link_cb cb, void *cls);
enum xj_err xj_zs_county_towns (struct xj_db *db, const char *county,
                                xj_zs_link_cb cb, void *cls);
enum xj_err xj_zs_zone_clear (struct xj_db *db, int64_t school_id);
enum xj_err xj_zs_feeder_add (struct xj_db *db, int64_t junior,
                              int64_t primary);
enum xj_err xj_zs_town_add (struct xj_db *db, int64_t school,
                            const char *code);
enum xj_err xj_zs_community_add (struct xj_db *db, int64_t school,
                                 const char *name);
/* Latest school year with primary graduations in @county (0 = none). */
enum xj_err xj_zs_grad_year (struct xj_db *db, const char *county,
                             int *year);
/* Primary graduates of @county in @year still waiting at their primary
   school: id, graduating school, gender and packed data. */
typedef void (*xj_zs_grad_cb) (void *cls, int64_t id, int64_t school,
                               const void *data, size_t n);
enum xj_err xj_zs_graduates (struct xj_db *db, const char *county, int year,
                             xj_zs_grad_cb cb, void *cls);
/* The allocations of @county, newest first, as {id,school_year,status}
   appended to @arr. */
enum xj_err xj_zs_allocations (struct xj_db *db, const char *county,
                               json_t *arr);
/* The allocation of (@county, @year): *id 0 if none. */
enum xj_err xj_zs_alloc_find (struct xj_db *db, const char *county,
                              int year, int64_t *id, char status[16]);
enum xj_err xj_zs_alloc_new (struct xj_db *db, const char *county, int year,
                             const char *at, const char *by, int64_t *id);
enum xj_err xj_zs_alloc_clear (struct xj_db *db, int64_t id);
enum xj_err xj_zs_item_add (struct xj_db *db, int64_t alloc, int64_t student,
                            int64_t from, int64_t to, const char *route);
/* The allocation row as JSON object fields into @o. */
enum xj_err xj_zs_alloc_row (struct xj_db *db, int64_t id, json_t *o);
/* Per receiving school counts appended to @arr; *unmatched. */
enum xj_err xj_zs_alloc_schools (struct xj_db *db, int64_t id, json_t *arr,
                                 int64_t *total, int64_t *unmatched);
/* Items as JSON appended to @arr (see xj_alloc_items_json); @to as
   there; @waiting_only: published and not confirmed (intake). */
enum xj_err xj_zs_items (struct xj_db *db, int64_t id, int64_t to,
                         bool waiting_only, int64_t limit, int64_t offset,
                         json_t *arr, int64_t *total);
enum xj_err xj_zs_item_move (struct xj_db *db, int64_t id, int64_t student,
                             int64_t to, const char *reason, bool *done);
enum xj_err xj_zs_alloc_publish (struct xj_db *db, int64_t id,
                                 const char *at);
/* Items of published allocations waiting at @school whose record is
   still a primary graduate (毕业/结业 in 六年级): allocation id, student,
   gender, route, reason. */
struct xj_zs_waiting {
  int64_t alloc, student;
  int gender;
  char route[16];
  char reason[200];
};
/* school-choice counts: admitted, feeder, zone, moved, other,
   out_of_zone */
#define XJ_ZS_CHOICE_N 6
struct xj_zs_choice {
  int64_t school;
  const char *code, *name;
  int64_t n[XJ_ZS_CHOICE_N];
};
typedef void (*xj_zs_choice_cb) (void *cls, const struct xj_zs_choice *c);
enum xj_err xj_zs_school_choice (struct xj_db *db, const char *prefix,
                                 int year, xj_zs_choice_cb cb, void *cls);
typedef void (*xj_zs_waiting_cb) (void *cls, const struct xj_zs_waiting *w);
enum xj_err xj_zs_waiting (struct xj_db *db, int64_t school,
                           xj_zs_waiting_cb cb, void *cls);
enum xj_err xj_zs_item_confirm (struct xj_db *db, int64_t alloc,
                                int64_t student, const char *at);
/* Students and girls of class @class_id. */
enum xj_err xj_zs_class_counts (struct xj_db *db, int64_t class_id,
                                int64_t *n, int64_t *girls);

#endif
