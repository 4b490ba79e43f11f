/* class_size.h -- class sizes (班额): bands, the warning on a move into a
 * large class, enrolment as of a date.
 *
 * domain.md §5: ≤45 normal, 46–55 偏大班额, 56–65 大班额, ≥66 超大班额;
 * standard sizes primary 45, junior and senior 50.  The thresholds are
 * settings ("class_size.<name>", overridden per county by
 * "class_size.<county>.<name>").  One rule decides the band and the
 * warning (xj_cs_decide); every path that puts a student into a class
 * (registration, import, transfer, 升学, 调班) calls xj_class_size_admit
 * (or, the import, xj_class_size_note with its running count).
 * class_size.c is pure; class_size_store.c holds the SQL.
 * docs/internals/class-sizes.md.
 */
#ifndef XJ_CLASS_SIZE_H
#define XJ_CLASS_SIZE_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "audit/audit.h"
#include "core/err.h"
#include "db/db.h"

enum xj_band {
  XJ_BAND_NORMAL,     /* 正常班额 */
  XJ_BAND_LARGEISH,   /* 偏大班额 */
  XJ_BAND_LARGE,      /* 大班额 */
  XJ_BAND_SUPER,      /* 超大班额 */
  XJ_BAND_N
};

struct xj_cs_settings {
  int largeish_from;          /* 46 */
  int large_from;             /* 56: the warning threshold */
  int super_from;             /* 66 */
  int std_primary;            /* 45 */
  int std_junior;             /* 50 (初中) */
  int std_senior;             /* 50 (高中, 中职) */
  bool refuse_into_oversized; /* refuse a move into a class at 大班额 */
};

void xj_cs_defaults (struct xj_cs_settings *s);
enum xj_band xj_cs_band (const struct xj_cs_settings *s, int64_t size);
/* "normal", "large_ish", "large", "super" */
const char *xj_cs_band_name (enum xj_band b);
const char *xj_cs_band_zh (enum xj_band b);
/* The standard size of a class of @grade (codeset "grade"). */
int xj_cs_standard (const struct xj_cs_settings *s, const char *grade);
json_t *xj_cs_settings_json (const struct xj_cs_settings *s);
/* Apply the JSON object @patch to @s: known members only, integers in
   1..200, bands increasing (largeish < large < super).  On error *field
   names the member. */
enum xj_err xj_cs_settings_patch (struct xj_cs_settings *s,
                                  const json_t *patch, const char **field);
/* The settings row text of @s as "name=value;..." (audit before/after). */
char *xj_cs_settings_text (const struct xj_cs_settings *s);

/* The warning of one move. */
struct xj_cs_warn {
  bool set;                   /* the class is at or over 大班额 after it */
  int64_t class_id, school_id;
  char class_name[64];
  int64_t size;               /* after the move */
  enum xj_band band;
  int standard;
  int province;               /* the class's province when the import's
                                 tracker decided (its bulk append); 0 */
};
json_t *xj_cs_warn_json (const struct xj_cs_warn *w);   /* null if unset */
/* Chinese sentence for the user ("班级…调入后共N人，属大班额（≥56人）"). */
void xj_cs_warn_text (const struct xj_cs_warn *w,
                      const struct xj_cs_settings *s, char *out, size_t n);

/* THE rule (pure): a class of @size after a move warns at or over
   large_from; it is refused only when refuse_into_oversized and the class
   was already at 大班额 before the move (size - 1 >= large_from).  Fills
   @w (band, size, standard of @grade; set = warns) and returns XJ_E_OK or
   XJ_E_CLASS_OVERSIZED. */
enum xj_err xj_cs_decide (const struct xj_cs_settings *s, const char *grade,
                          int64_t size, struct xj_cs_warn *w);

/* ---- store (class_size_store.c) ---- */

/* Settings of @county ("" or NULL: the global ones): defaults, then the
   global rows, then the county's. */
enum xj_err xj_cs_settings_get (struct xj_db *db, const char *county,
                                struct xj_cs_settings *out);
/* Change the settings of @county ("" = the global ones) by the JSON
   object @patch (members as xj_cs_settings_json), audited: the county's
   row keeps only the members it set, so a global change still reaches
   what it did not set.  Inside a write transaction.  *field names a bad
   member.  @after gets the effective settings. */
enum xj_err xj_cs_settings_change (struct xj_db *db, const char *county,
                                   const json_t *patch,
                                   const struct xj_actor *a,
                                   const char **field,
                                   struct xj_cs_settings *after);

/* After a student was put into class @class_id on @path ("register",
   "transfer", "progress", "move_class"), inside the same write
   transaction: count the class's 在读 students, decide (xj_cs_decide
   with the settings of the school's county), record a warned move in
   class_size_moves.  @w may be NULL; class 0 is no class (OK). */
enum xj_err xj_class_size_admit (struct xj_db *db, int64_t class_id,
                                 int64_t student_id, const char *path,
                                 const struct xj_actor *a,
                                 struct xj_cs_warn *w);

/* What the import keeps per class: one count, then +1 per row. */
struct xj_cs_class {
  int64_t class_id, school_id;
  char grade[4], name[64];
  int64_t size;                 /* 在读 students now */
  struct xj_cs_settings set;
};
enum xj_err xj_cs_class_load (struct xj_db *db, int64_t class_id,
                              struct xj_cs_class *out);
/* xj_class_size_admit with the class already loaded (k->size counts the
   student). */
enum xj_err xj_class_size_note (struct xj_db *db, const struct xj_cs_class *k,
                                int64_t student_id, const char *path,
                                const struct xj_actor *a,
                                struct xj_cs_warn *w);

/* ---- the import's running counts (class_size_track.c) ----
   One count query per class the file names (or, in bulk mode, with the
   indexes dropped, one query for every class beforehand), then +1 per
   row: the same rule (xj_cs_decide) without a count per row. */
struct xj_cs_tracker;
struct xj_cs_tracker *xj_cs_tracker_new (struct xj_db *db);
/* Send the recorded moves and end their bulk append (inside the
   transaction; again is a no-op). */
enum xj_err xj_cs_tracker_end (struct xj_cs_tracker *t);
void xj_cs_tracker_free (struct xj_cs_tracker *t);
/* Count every current-year class now (before the bulk import drops the
   indexes). */
enum xj_err xj_cs_tracker_preload (struct xj_cs_tracker *t);
/* Would a row of @grade into class @class_id of a school in @county warn
   or be refused (XJ_E_CLASS_OVERSIZED)?  Fills @w. */
enum xj_err xj_cs_tracker_check (struct xj_cs_tracker *t, int64_t class_id,
                                 int64_t school_id, const char *county,
                                 const char *grade, const char *class_name,
                                 struct xj_cs_warn *w);
/* The row of @w was inserted as @student_id: count it, record a warned
   move (through a bulk append begun at the first: begin the students'
   own bulk append before, end with xj_cs_tracker_end). */
enum xj_err xj_cs_tracker_commit (struct xj_cs_tracker *t,
                                  const struct xj_cs_warn *w,
                                  int64_t student_id,
                                  const struct xj_actor *a);

/* store parts of the tracker */
enum xj_err xj_cs_class_count (struct xj_db *db, int64_t class_id,
                               int64_t *n);
enum xj_err xj_cs_counts_current (struct xj_db *db,
                                  void (*cb) (void *cls, int64_t class_id,
                                              int64_t n),
                                  void *cls);
/* Record the warned move @w of @student_id on @path: through bulk
   append @b (from xj_cs_move_bulk_begin: the import, whose rows then go
   out as one COPY on PostgreSQL) or, @b NULL, one INSERT on @db. */
enum xj_err xj_cs_move_record (struct xj_db *db, struct xj_db_bulk *b,
                               const struct xj_cs_warn *w,
                               int64_t student_id, const char *path,
                               const struct xj_actor *a);
struct xj_db_bulk *xj_cs_move_bulk_begin (struct xj_db *db);

/* ---- reading: sizes per class, schools, as of a date ---- */

/* Scope of a read: @prefix county-code prefix ("" = all), @school_id
   (0 = all). */
struct xj_cs_scope {
  const char *prefix;
  int64_t school_id;
};

struct xj_cs_school_row {
  int64_t id;
  const char *code, *name, *county_code;
};
struct xj_cs_class_row {
  int64_t id, school_id;
  const char *grade, *name;
  int64_t size;
};
typedef void (*xj_cs_school_cb) (void *cls, const struct xj_cs_school_row *r);
typedef void (*xj_cs_class_cb) (void *cls, const struct xj_cs_class_row *r);

enum xj_err xj_cs_schools (struct xj_db *db, const struct xj_cs_scope *sc,
                           xj_cs_school_cb cb, void *cls);
/* Classes of the current school year with their 在读 count (live). */
enum xj_err xj_cs_classes_live (struct xj_db *db,
                                const struct xj_cs_scope *sc,
                                xj_cs_class_cb cb, void *cls);
/* Warned moves per school since @since (a date "YYYY-MM-DD"). */
enum xj_err xj_cs_moves_count (struct xj_db *db, const struct xj_cs_scope *sc,
                               const char *since,
                               void (*cb) (void *cls, int64_t school_id,
                                           int64_t n),
                               void *cls);

/* One student's placement at a date. */
struct xj_enrol_row {
  int64_t student_id, school_id, class_id; /* class 0: none */
  const char *grade, *status;
  int gender;                              /* the record's (1 male, 2 female) */
};
/* Every student in @sc (by the school they were in) as they stood at the
   end of @date ("YYYY-MM-DD", local time): registered by then, placement
   from the first change after it (student_placements) or the live record
   when none.  Events written after the date never change the answer. */
enum xj_err xj_enrol_asof (struct xj_db *db, const struct xj_cs_scope *sc,
                           const char *date,
                           void (*cb) (void *cls,
                                       const struct xj_enrol_row *r),
                           void *cls);
/* The same students counted: @cb (cls, r, n) with n students of placement
   @r (student_id 0, status "enrolled") for every group of 在读 students
   by school, grade, class and gender; a group may come more than once
   and n may be negative (the callers add them up; the sums are exact).
   Reads a few rows per class, not one per student; a region's from the
   kept counts (XJ_ENROL_AUTO below). */
enum xj_err xj_enrol_asof_counts (struct xj_db *db,
                                  const struct xj_cs_scope *sc,
                                  const char *date,
                                  void (*cb) (void *cls,
                                              const struct xj_enrol_row *r,
                                              int64_t n),
                                  void *cls);
/* Where xj_enrol_asof_counts_from counts: the records (students and
   student_placements, three grouped statements), the counts the database
   keeps (enrol_counts, migration 0030: per school, grade and gender, no
   class: r->class_id is 0), or AUTO: kept for a region (school_id 0),
   the records for a school, whose classes a figure may ask for. */
enum xj_enrol_source {
  XJ_ENROL_AUTO,
  XJ_ENROL_RECORDS,
  XJ_ENROL_KEPT
};
enum xj_err xj_enrol_asof_counts_from (struct xj_db *db,
                                       const struct xj_cs_scope *sc,
                                       const char *date,
                                       enum xj_enrol_source src,
                                       void (*cb) (void *cls,
                                                   const struct xj_enrol_row *r,
                                                   int64_t n),
                                       void *cls);
/* One row of enrol_counts (school, grade, gender, day; class_id 0) or of
   class_counts (class, school, grade; gender 0, day NULL) that differs
   from the records: recounted, kept. */
struct xj_enrol_diff {
  int64_t school_id, class_id;
  const char *grade;
  int gender;
  const char *day;
  int64_t recounted, kept;
};
typedef void (*xj_enrol_diff_cb) (void *cls, const struct xj_enrol_diff *d);
/* Recounts enrol_counts and class_counts (migration 0030) from the
   records (`xueji check`): @cb for each
   differing row, in key order; none when the counts are exact. */
enum xj_err xj_enrol_counts_check (struct xj_db *db, xj_enrol_diff_cb cb,
                                   void *cls);
/* Which of them a list shows: class (0 any), grade ("*" any), gender
   (0 any). */
struct xj_enrol_filter {
  int64_t class_id;
  const char *grade;
  int gender;
};
/* The ids of the 在读 ones among them matching @f, in id order: @cb for
   each of the @limit from @offset. */
enum xj_err xj_enrol_asof_ids (struct xj_db *db, const struct xj_cs_scope *sc,
                               const char *date,
                               const struct xj_enrol_filter *f, int64_t limit,
                               int64_t offset,
                               void (*cb) (void *cls, int64_t student_id),
                               void *cls);
/* Term start dates ("YYYY-MM-DD", oldest first) of the school years that
   start in @from_year..@to_year and begin on or before @today. */
enum xj_err xj_cs_term_starts (struct xj_db *db, int from_year, int to_year,
                               const char *today,
                               void (*cb) (void *cls, const char *date,
                                           int start_year, int term),
                               void *cls);

/* ---- the reports (class_size_report.c) ---- */

/* Every school of @sc with its current-year classes banded from live
   enrolment, counts per band, the 大班额 share (classes at or over
   large_from) and the warned moves since @year_start ("YYYY-MM-DD"); the
   same totals for the whole scope.  Bands use the settings of each
   school's county.  Caller owns *out. */
enum xj_err xj_class_sizes_report (struct xj_db *db,
                                   const struct xj_cs_scope *sc,
                                   const char *year_start, json_t **out);
/* Band counts per school and for the scope at each term start of the
   school years @from_year..@to_year up to @today, from xj_enrol_asof. */
enum xj_err xj_class_sizes_trend (struct xj_db *db,
                                  const struct xj_cs_scope *sc,
                                  int from_year, int to_year,
                                  const char *today, json_t **out);

#endif
