/* gen.h -- synthetic, deterministic registry data for one county:
 * schools named after the county's real townships, classes of realistic
 * size, and students whose every field passes xj_student_validate.
 *
 * For demos, benchmarks and tests.  Same seed + same options + same
 * school year (xj_today) + fresh database -> the same rows.  No SQL here:
 * everything goes through the region, school, klass and student stores.
 */
#ifndef XJ_GEN_H
#define XJ_GEN_H

#include <stdint.h>
#include "db/db.h"

struct xj_gen_opts {
  const char *county;     /* 6-digit county code; must be in `regions` */
  unsigned schools;       /* 1..999 */
  unsigned long students; /* spread over schools and grades by size */
  uint64_t seed;
  /* Called after each committed batch of students, from the calling
     thread, outside any transaction; may be NULL. */
  void (*progress) (void *cls, unsigned long done, unsigned long total);
  void *cls;
};

struct xj_gen_result {
  unsigned schools;        /* schools created */
  unsigned long classes;   /* classes created */
  unsigned long students;  /* students inserted */
  int start_year;          /* school year the data belongs to */
  int64_t ms;              /* wall time of the whole run */
  double students_per_s;   /* insert rate over the student phase */
};

/* Fill @db.  Opens its own write transactions (one for schools and
   classes, then one per 5,000 students): must not be called inside a
   transaction.  Errors: XJ_E_REGION (county unknown or not a county),
   XJ_E_RANGE (schools not in 1..999), XJ_E_DB / XJ_E_DB_BUSY, and
   XJ_E_INTERNAL if a generated record fails validation (a bug; logged).
   A failed batch leaves the batches before it committed; *r counts what
   was stored.  @r may be NULL. */
enum xj_err xj_gen_run (struct xj_db *db, const struct xj_gen_opts *o,
                        struct xj_gen_result *r);

/* ---- single synthetic records for schools already stored ----
   Used by xj_gen_file (gen_file.c).  A source draws students born and
   registered in one county exactly as xj_gen_run does (same record
   generator, same ID sequence rules), but for a school and grade the
   caller names instead of a planned one. */
struct xj_gen_src;
struct xj_student;
/* A source for county @county (6 digits, in `regions`).  Reads regions
   only; not inside a transaction.  XJ_E_REGION if unknown.  Caller owns
   *out (xj_gen_src_free). */
enum xj_err xj_gen_src_new (struct xj_db *db, const char *county,
                            uint64_t seed, struct xj_gen_src **out);
void xj_gen_src_free (struct xj_gen_src *src);
/* The school year its students belong to. */
int xj_gen_src_year (const struct xj_gen_src *src);
/* Fill @s as student number @i (same @i + seed = same person) of grade
   @grade, seat @pos, at a school in township @township_code (NULL or
   unknown = the county seat) of urban_rural 1..3.  school_id and
   class_id are left 0.  Each call reserves a new ID number of the
   source, so IDs never repeat within one source. */
enum xj_err xj_gen_src_student (struct xj_gen_src *src, unsigned long i,
                                const char *township_code, int urban_rural,
                                const char *grade, unsigned pos,
                                struct xj_student *s);
/* Give @s the next free ID of its birth date and sex (moving the birth
   date on when a day is full) and the matching registry number; false
   when the sequence space is exhausted. */
bool xj_gen_src_next_id (struct xj_gen_src *src, struct xj_student *s);

/* ---- import files (gen_file.c) ---- */
struct xj_gen_file_opts {
  const char *out;         /* FILE.csv or FILE.xlsx (format by extension) */
  unsigned long students;  /* rows to write */
  double errors;           /* fraction of rows with one planted error */
  uint64_t seed;
  const char *tmpdir;      /* XLSX spill files; NULL = /tmp */
};
struct xj_gen_file_result {
  unsigned long rows;       /* data rows written */
  unsigned long bad_rows;   /* rows with a planted error */
  unsigned long variants;   /* valid but unusual rows (lower-case x,
                               15-digit legacy guardian ID) */
  unsigned long by_kind[16];/* planted errors per kind (xj_gen_error_names) */
  unsigned schools;         /* schools the rows were spread over */
};
/* Names of the planted error kinds, NULL-terminated, by_kind order. */
extern const char *const xj_gen_error_names[];
/* Write a synthetic import file (the import's own columns, see
   student/student_columns.h) of @o->students rows for the schools already
   in @db: valid, not yet registered IDs, classes that exist where the
   school has them.  With @o->errors > 0 that fraction of rows carries one
   realistic error each.  Deterministic for a seed and database.  Reads
   only.  XJ_E_GEN_NO_SCHOOLS on an empty database. */
enum xj_err xj_gen_file (struct xj_db *db, const struct xj_gen_file_opts *o,
                         struct xj_gen_file_result *r);

#endif
