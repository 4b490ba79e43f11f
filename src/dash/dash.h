/* dash.h -- the drillable dashboard (issue 11 point 6): one page per
 * jurisdiction unit (province, city, county, school, class) made of
 * panels, each panel one entry of xj_dash_panels[]: a function answering
 * its figures and a function naming the students behind any figure
 * (its "key").  The same key the figures carry opens the list, so a
 * list's total is the figure.  Adding a panel is one line in the table
 * (dash.c) and its two functions.
 *
 * dash.c holds the unit, the table and the list; dash_panels.c the
 * panels; dash_store.c the SQL.  Reads only: nothing here writes.
 * docs/internals/dashboard.md describes the mechanism.
 */
#ifndef XJ_DASH_H
#define XJ_DASH_H

#include <jansson.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"
#include "user/user.h"

enum xj_dash_level {
  XJ_DASH_ALL,        /* the whole registry (administrators) */
  XJ_DASH_PROVINCE,   /* 2-digit region */
  XJ_DASH_CITY,       /* 4-digit region */
  XJ_DASH_COUNTY,     /* 6-digit region */
  XJ_DASH_SCHOOL,
  XJ_DASH_CLASS
};

/* One unit of the page. */
struct xj_dash_unit {
  enum xj_dash_level level;
  char prefix[16];     /* region prefix ("" all); a school's: its county */
  int64_t school_id;   /* school, class: the school */
  int64_t class_id;    /* class */
  char name[128];
};

/* A dashboard question: the unit and the date figures stand at. */
struct xj_dash_q {
  struct xj_dash_unit unit;
  char asof[16];        /* YYYY-MM-DD */
  int asof_ymd;
  char year_start[16];  /* 1 September of the school year holding asof */
  char term_from[16];   /* absences count from here (year start) */
};

/* "province", "city", ... ("all" for XJ_DASH_ALL). */
const char *xj_dash_level_name (enum xj_dash_level l);

/* Resolve ?level and ?code (region code of the level's length, or 6
   digits padded with zeros; school id; class id) for user @u: empty
   @level means @u's own jurisdiction.  XJ_E_NOT_FOUND when missing or
   out of @u's scope (teachers have no dashboard), XJ_E_BAD_PARAM with
   *field set when malformed.  @asof "" means today; fills @q. */
enum xj_err xj_dash_query (struct xj_db *db, const struct xj_user *u,
                           const char *level, const char *code,
                           const char *asof, struct xj_dash_q *q,
                           const char **field);

/* ---- panels ---- */

/* Student ids behind a figure, once each. */
typedef void (*xj_dash_id_cb) (void *cls, int64_t student_id);
struct xj_dash_panel {
  const char *name;
  /* The panel's figures as a JSON object (caller owns *out). */
  enum xj_err (*figures) (struct xj_db *db, const struct xj_dash_q *q,
                          json_t **out);
  /* The students behind figure @key (XJ_E_BAD_PARAM: unknown key). */
  enum xj_err (*students) (struct xj_db *db, const struct xj_dash_q *q,
                           const char *key, xj_dash_id_cb cb, void *cls);
};
extern const struct xj_dash_panel xj_dash_panels[];
const struct xj_dash_panel *xj_dash_panel_find (const char *name);

/* The page: {level, code, name, asof, year_start, path (breadcrumbs
   from @u's own unit), panels: {name: figures}}, every panel or only
   @only (NULL or "": all; unknown: XJ_E_BAD_PARAM).  Caller owns *out. */
enum xj_err xj_dashboard (struct xj_db *db, const struct xj_user *u,
                          const struct xj_dash_q *q, const char *only,
                          json_t **out);

/* The students behind @key of @panel, in id order: *total gets their
   number, @items (an array) the page [@offset, @offset + @limit) as list
   items (personal numbers masked). */
enum xj_err xj_dash_students (struct xj_db *db, const struct xj_dash_q *q,
                              const char *panel, const char *key,
                              int64_t limit, int64_t offset, int64_t *total,
                              json_t *items);

/* The whole list behind @key of @panel as an XLSX file at @path (spill
   files in @tmpdir): the list's columns, personal numbers masked as the
   list shows them (so no reveal and no audit entry).
   XJ_E_EXPORT_TOO_MANY_ROWS beyond one sheet. */
enum xj_err xj_dash_export (struct xj_db *db, const struct xj_dash_q *q,
                            const char *panel, const char *key,
                            const char *path, const char *tmpdir);

/* ---- store (dash_store.c) ---- */

/* Scope of a figure: region prefix, school (0 all), class (0 all). */
#define XJ_DASH_SCOPE(u) (u)->prefix, (u)->school_id, (u)->class_id

enum xj_err xj_dash_store_school (struct xj_db *db, int64_t school_id,
                                  char county[16], char *name, size_t n);
enum xj_err xj_dash_store_class (struct xj_db *db, int64_t class_id,
                                 int64_t *school_id, char *name, size_t n);
/* Child units of a unit: @cb (cls, key, name) for every region below
   @prefix of @len digits that holds a school, or every school of @prefix
   (a school's classes: xj_cs_classes_live). */
typedef void (*xj_dash_unit_cb) (void *cls, const char *key,
                                 const char *name);
enum xj_err xj_dash_store_regions (struct xj_db *db, const char *prefix,
                                   int len, xj_dash_unit_cb cb, void *cls);
enum xj_err xj_dash_store_schools (struct xj_db *db, const char *prefix,
                                   xj_dash_unit_cb cb, void *cls);
/* Open dropout cases in scope: @cb (cls, student, stage). */
enum xj_err xj_dash_store_dropout (struct xj_db *db, const char *prefix,
                                   int64_t school, int64_t klass,
                                   void (*cb) (void *cls, int64_t student,
                                               const char *stage),
                                   void *cls);
/* Students in scope flagged as suspected duplicates awaiting review. */
enum xj_err xj_dash_store_dups (struct xj_db *db, const char *prefix,
                                int64_t school, int64_t klass,
                                xj_dash_id_cb cb, void *cls);
/* Absences recorded at the schools in scope on days [@from, @to]
   (YYYYMMDD; of a class: its students now): @cb (cls, student,
   half-days) per student. */
enum xj_err xj_dash_store_absent (struct xj_db *db, const char *prefix,
                                  int64_t school, int64_t klass, int from,
                                  int to,
                                  void (*cb) (void *cls, int64_t student,
                                              int64_t halfdays),
                                  void *cls);
/* The same absences summed: *students with any, *halfdays in all. */
enum xj_err xj_dash_store_absent_sum (struct xj_db *db, const char *prefix,
                                      int64_t school, int64_t klass, int from,
                                      int to, int64_t *students,
                                      int64_t *halfdays);
/* Schools in scope with their county code and 在读 students now. */
enum xj_err xj_dash_store_school_sizes (struct xj_db *db, const char *prefix,
                                        int64_t school, int64_t klass,
                                        void (*cb) (void *cls, int64_t id,
                                                    const char *county,
                                                    int64_t students),
                                        void *cls);
/* 在读 students of class @class_id now. */
enum xj_err xj_dash_store_class_students (struct xj_db *db, int64_t class_id,
                                          xj_dash_id_cb cb, void *cls);
/* List items of students @ids[0..n) into @items (masked). */
enum xj_err xj_dash_store_items (struct xj_db *db, const int64_t *ids,
                                 size_t n, json_t *items);

#endif
