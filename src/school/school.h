/* school.h -- schools (学校): identity, stage, location, and the
 * per-school figures the lists and the statistics need.
 *
 * school_store.c holds the SQL; no HTTP.  Writers run inside the caller's
 * write transaction (xj_db_txn_run); readers may run inside or outside
 * one.
 */
#ifndef XJ_SCHOOL_H
#define XJ_SCHOOL_H

#include <stdbool.h>
#include <stdint.h>
#include "db/db.h"
#include "student/student.h"

struct xj_school {
  int64_t id;              /* row id; 0 = not stored yet */
  char code[11];           /* 学校标识码: exactly 10 digits, unique */
  char name[200];          /* e.g. "阳山县七拱镇中心小学" */
  char stage[24];          /* codeset "stage": primary, junior, ... */
  char county_code[8];     /* 6-digit county (level 3 region) */
  char township_code[12];  /* 9-digit township below the county, or "" */
  int urban_rural;         /* codeset "urban_rural": 1 城区 2 镇区 3 乡村 */
  char address[300];       /* free text, may be "" */
};

/* The province of a county code (its first two digits, GB/T 2260): what
   the registry tables hold in `province` (migration 0039); 0 if @county
   does not start with two digits. */
static inline int
xj_county_province (const char *county)
{
  if (county[0] < '0' || county[0] > '9' || county[1] < '0' || county[1] > '9')
    return 0;
  return (county[0] - '0') * 10 + (county[1] - '0');
}

/* True if a school of @stage (codeset "stage") teaches @grade (codeset
   "grade"): primary 1x, junior 2x, nine_year 1x 2x, senior 3x,
   complete_secondary 2x 3x, twelve_year 1x 2x 3x, vocational 4x. */
bool xj_school_stage_has_grade (const char *stage, const char *grade);

/* Validate @s and insert it; sets s->id.  Field errors are collected into
   @errs (may be NULL) with the JSON keys code, name, stage, county_code,
   township_code, urban_rural, address and XJ_E_VALIDATION is returned; a
   code already in use gives XJ_E_SCHOOL_EXISTS.  Inside the caller's
   write transaction. */
enum xj_err xj_school_create (struct xj_db *db, struct xj_school *s,
                              struct xj_verrs *errs);

/* Load by row id / by 10-digit code.  XJ_E_NOT_FOUND if none. */
enum xj_err xj_school_get (struct xj_db *db, int64_t id,
                           struct xj_school *out);
enum xj_err xj_school_get_by_code (struct xj_db *db, const char *code,
                                   struct xj_school *out);

/* What a list may show: a scope (region prefix and/or one school, as the
   caller's role allows) plus the user's own filters and paging. */
struct xj_school_filter {
  const char *region;  /* prefix of county_code: "" or NULL = everywhere,
                          "44", "4418", "441823" */
  int64_t school_id;   /* 0 = any, else only this school */
  const char *q;       /* substring of the name or prefix of the code;
                          NULL or "" = any */
  const char *stage;   /* NULL or "" = any */
  unsigned limit;      /* rows per page; 0 = 50 */
  unsigned offset;
};

/* One row of a school list. */
struct xj_school_row {
  struct xj_school s;
  int64_t students;    /* status enrolled */
  int64_t classes;     /* classes of the current school year */
};

/* Return non-zero to stop early; @r is valid only during the call. */
typedef int (*xj_school_cb) (void *cls, const struct xj_school_row *r);

/* Schools matching @f in (county_code, code) order, one page of them;
   *total (may be NULL) gets the count of all matches.  @cb NULL: only
   count. */
enum xj_err xj_school_list (struct xj_db *db, const struct xj_school_filter *f,
                            xj_school_cb cb, void *cls, int64_t *total);

/* Per-grade figures of one school. */
struct xj_grade_count {
  char grade[4];       /* codeset "grade" */
  int64_t classes;     /* classes of the current school year */
  int64_t students;    /* enrolled */
  int64_t girls;       /* enrolled, gender 2 (其中女) */
};
typedef int (*xj_grade_count_cb) (void *cls, const struct xj_grade_count *g);

/* Grades that have classes or enrolled students at @school_id, in grade
   order.  An unknown school simply yields no rows. */
enum xj_err xj_school_grade_counts (struct xj_db *db, int64_t school_id,
                                    xj_grade_count_cb cb, void *cls);

#endif
