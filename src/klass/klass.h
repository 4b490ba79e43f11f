/* klass.h -- school years (学年) and classes (班级).
 *
 * A school year runs 1 September to 31 August and is named by its first
 * calendar year (2026 = 2026-2027); classes belong to one school and one
 * school year.  klass_store.c holds the SQL; no HTTP.  Writers run inside
 * the caller's write transaction.
 */
#ifndef XJ_KLASS_H
#define XJ_KLASS_H

#include <stddef.h>
#include <stdint.h>
#include "db/db.h"
#include "student/student.h"

/* The school year that contains xj_today() (injectable clock), creating
   it with its two terms if missing and marking it the only current one.
   *year_id and *start_year may be NULL.  May write: call it inside a
   write transaction (a read transaction works while the year exists). */
/* The school year starting 1 September @start_year, created (with its
   two terms, not current) if missing.  Inside a write transaction. */
enum xj_err xj_year_get_or_create (struct xj_db *db, int start_year,
                                   int64_t *year_id);

enum xj_err xj_year_current (struct xj_db *db, int64_t *year_id,
                             int *start_year);

/* The term (1 or 2) of the school year that contains @ymd (YYYYMMDD),
   from the terms table; a date no stored term covers falls back to the
   default terms (1 September - 31 January is term 1, else term 2). */
enum xj_err xj_term_at (struct xj_db *db, int ymd, int *term);

struct xj_class {
  int64_t id;             /* row id; 0 = not stored yet */
  int64_t school_id;
  int64_t year_id;        /* school_years row; 0 on create = current year */
  char grade[4];          /* codeset "grade" */
  unsigned no;            /* 1..99 within school, year and grade */
  char name[64];          /* "一年级(1)班"; "" on create = derived */
  char head_teacher[200]; /* 班主任 name, may be "" */
};

/* Display name of class @no of @grade: "一年级(1)班", "初一(2)班",
   "高一(3)班", "中职一年级(1)班".  "" for an unknown grade. */
void xj_class_name (const char *grade, unsigned no, char *out, size_t outsz);

/* Validate @c and insert it; sets c->id (and c->year_id, c->name when
   they were left empty).  Field errors go to @errs (may be NULL) with
   XJ_E_VALIDATION: grade (not a grade, or not taught at a school of this
   stage), no (out of range or already used), head_teacher, name.  An
   unknown school gives XJ_E_NO_SUCH_SCHOOL. */
enum xj_err xj_class_create (struct xj_db *db, struct xj_class *c,
                             struct xj_verrs *errs);

/* Load by row id.  XJ_E_NOT_FOUND if none. */
enum xj_err xj_class_get (struct xj_db *db, int64_t id, struct xj_class *out);

/* One row of a class list. */
struct xj_class_row {
  struct xj_class c;
  int64_t students;       /* enrolled students in the class */
  int64_t girls;          /* of which gender 2 */
};
typedef int (*xj_class_cb) (void *cls, const struct xj_class_row *r);

/* Classes of @school_id in school year @year_id (0 = the current one),
   only grade @grade unless it is NULL or "", in (grade, no) order. */
enum xj_err xj_class_list (struct xj_db *db, int64_t school_id,
                           int64_t year_id, const char *grade,
                           xj_class_cb cb, void *cls);

#endif
