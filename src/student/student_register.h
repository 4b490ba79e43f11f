/* student_register.h -- the registry rules of registration and of
 * recording a resident ID for an L-number holder, shared by every entry
 * path (API now, batch import later).  Each runs INSIDE the caller's write
 * transaction; validation and scope checks happen before.
 */
#ifndef XJ_STUDENT_REGISTER_H
#define XJ_STUDENT_REGISTER_H

#include "student/student_store.h"

#define XJ_MAX_DUPS 8

struct xj_register_result {
  /* on XJ_E_ID_EXISTS: who holds the ID */
  int64_t holder_student_id;
  int64_t holder_school_id;
  /* suspected duplicates that were flagged */
  unsigned ndups;
  struct {
    int64_t id;
    int64_t school_id;
    char name[200];
    char school_name[200];
    char county_code[8];
  } dups[XJ_MAX_DUPS];
};

/* Assign the registry number (G + resident ID for ID type 1, else a
   temporary L number from @county6), refuse an ID already registered,
   flag suspected duplicates, insert with a "register" event and append
   the audit entry.  @s must be validated; s->school_id set.  */
enum xj_err xj_student_register (struct xj_db *db, struct xj_student *s,
                                 const char *county6,
                                 const struct xj_actor *a,
                                 struct xj_register_result *res);

/* Record a valid 18-digit resident ID for a student without one (L or J
   number): the registry number becomes G + ID, the old number stays as an
   alias, an "assign_id" event and an audit entry are written. */
enum xj_err xj_student_assign_id (struct xj_db *db, int64_t id,
                                  int64_t expect_version,
                                  const char *id18,
                                  const struct xj_actor *a,
                                  struct xj_register_result *res);

#endif
