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

#endif
