/* student_register.h -- the registry rules of registration and of
 * recording a resident ID for an L-number holder, shared by every entry
 * path (API now, batch import later).  Each runs INSIDE the caller's write
 * transaction; validation and scope checks happen before.
 */
#ifndef XJ_STUDENT_REGISTER_H
#define XJ_STUDENT_REGISTER_H

#include "klass/class_size.h"
#include "school/school.h"
#include "student/identity.h"
#include "student/student_store.h"
#include "user/user.h"

#define XJ_MAX_DUPS 8

struct xj_register_result {
  /* every record the duplicate check found (identity.h) */
  struct xj_identity_hits hits;
  /* on XJ_E_ID_EXISTS / XJ_E_DUPLICATE_PERSON: who holds the ID or is
     the same person */
  int64_t holder_student_id;
  int64_t holder_school_id;
  /* the class joined is at or over 大班额 (xj_class_size_admit) */
  struct xj_cs_warn class_size;
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

/* The checks of a registration before its transaction, one for every
   path that registers a whole record: the fields (xj_student_validate,
   plus @pre, what parsing found, may be NULL), the school (a registrar's
   own; it must exist and be in @u's write scope), the class (of that
   school; it sets the grade or must agree with it) and the rules of the
   record in its school (xj_student_check_rules).  Errors go to @v,
   warnings to @w; *@school is loaded when found.  XJ_E_OUT_OF_SCOPE when
   a registrar names another school (nothing checked), else XJ_E_OK with
   @v empty or not. */
enum xj_err xj_student_register_check (struct xj_db *db,
                                       const struct xj_user *u,
                                       struct xj_student *s,
                                       const struct xj_verrs *pre,
                                       struct xj_school *school,
                                       struct xj_verrs *v,
                                       struct xj_verrs *w);

/* xj_student_register in its own write transaction. */
enum xj_err xj_student_register_run (struct xj_db *db, struct xj_student *s,
                                     const char *county6,
                                     const struct xj_verrs *warns,
                                     const struct xj_actor *a,
                                     struct xj_register_result *res);

/* Run the duplicate check (identity.h): the same ID number under any
   type is refused (XJ_E_ID_EXISTS); for a registration not into grade 1
   (补建学籍) any hit is refused (XJ_E_DUPLICATE_PERSON, the first hit in
   res->holder_*), pointing to transfer, 升学 or re-entry; otherwise hits
   are flagged as suspected duplicates.  Then assign the registry number
   (G + resident ID for ID type 1, else the next L number of @county6 and
   the birth date; XJ_E_L_SEQ_FULL when used up), insert with a "register"
   event, store @warns (may be NULL) and append the audit entry.  @s must
   have passed xj_student_validate and xj_student_check_rules; school_id
   set. */
enum xj_err xj_student_register (struct xj_db *db, struct xj_student *s,
                                 const char *county6,
                                 const struct xj_verrs *warns,
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

/* May an edit (PATCH) turn record @before into @after?  Grade, school,
   class and status change only through their own actions: the grade by
   留级/跳级/year-end/升学 (XJ_E_PATCH_GRADE), the school by transfer or
   升学 (XJ_E_KEY_FIELD), the class by 调班 (XJ_E_PATCH_CLASS), the status
   by a change (XJ_E_PATCH_STATUS); a deceased record is read-only
   (XJ_E_STUDENT_DECEASED).  *@field names the refused field.  Pure. */
enum xj_err xj_student_edit_check (const struct xj_student *before,
                                   const struct xj_student *after,
                                   const char **field);

/* 调班: move student @id (at @expect_version; 0 = any) to class @class_id
   of the same school and grade, with a "move_class" event naming both
   classes and @reason, and an audit entry.  Only an enrolled or
   suspended record moves; XJ_E_MOVE_CLASS_GRADE for a class of another
   school or grade, XJ_E_MOVE_CLASS_SAME for its own class.  A target
   class at 大班额 afterwards fills @w (may be NULL) or, where the county
   refuses such moves, XJ_E_CLASS_OVERSIZED (xj_class_size_admit). */
enum xj_err xj_student_move_class (struct xj_db *db, int64_t id,
                                   int64_t expect_version, int64_t class_id,
                                   const char *reason,
                                   const struct xj_actor *a,
                                   struct xj_cs_warn *w);

#endif
