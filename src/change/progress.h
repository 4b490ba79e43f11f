/* progress.h -- one record for life: stage progression (升学: a primary
 * or junior graduate enrolled by the school that admits them) and
 * re-entry of an ended record (重新入学), with the offer shown wherever a
 * school meets a person who already has a record (registration 409,
 * lookup).  docs/internals/progression.md describes the rules.
 *
 * xj_progress_offer_for and xj_progress_grade_seq are pure; the rest runs
 * inside the caller's write transaction (SQL in progress_store.c).  Same
 * county 升学 and re-entry into a grade near the one the record ended in
 * take effect at once; across counties (升学) or further away (re-entry)
 * a change request (type promote / reenter) carries them, applied by
 * xj_progress_move on its last approval.
 */
#ifndef XJ_PROGRESS_H
#define XJ_PROGRESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "audit/audit.h"
#include "core/err.h"
#include "db/db.h"
#include "klass/class_size.h"
#include "user/user.h"

struct xj_verrs;

enum xj_progress_kind {
  XJ_PG_NONE = 0,   /* nothing to offer (死亡, or already at this school) */
  XJ_PG_TRANSFER,   /* enrolled / suspended elsewhere: 转学 */
  XJ_PG_PROMOTE,    /* 毕业/结业 at the end of a stage: 升学 */
  XJ_PG_REENTER     /* any other ended record: 重新入学 */
};
const char *xj_progress_kind_name (enum xj_progress_kind k);

#define XJ_PROGRESS_MAX_GRADES 16
struct xj_progress_offer {
  enum xj_progress_kind kind;
  int64_t student_id;
  char status[16];
  char grade[4];
  unsigned n;                                   /* grades offered */
  char grades[XJ_PROGRESS_MAX_GRADES][4];
  bool approval[XJ_PROGRESS_MAX_GRADES];        /* needs the county */
};

/* Position of @grade in a school career (一年级 1 .. 六年级 6, 初一 7 ..
   初四 10, 高一 / 中职一年级 10 .. 12); 0 for a bad grade.  Pure. */
int xj_progress_grade_seq (const char *grade);

/* What a school of @stage may do for a record with @status and @grade,
   and into which grades (pure).  @same_school: the record is at the
   asking school already. */
void xj_progress_offer_for (const char *stage, const char *status,
                            const char *grade, bool same_school,
                            struct xj_progress_offer *out);
/* The offer as JSON {kind, student_id, status, status_label, grade,
   grade_label, grades:[{grade, label, approval}]}. */
json_t *xj_progress_offer_json (const struct xj_progress_offer *o);
/* The offer of student @student_id to school @school_id (loads both). */
enum xj_err xj_progress_offer_load (struct xj_db *db, int64_t student_id,
                                    int64_t school_id,
                                    struct xj_progress_offer *out);

/* A 升学 or re-entry asked by a school. */
struct xj_progress_new {
  enum xj_progress_kind kind;   /* XJ_PG_PROMOTE or XJ_PG_REENTER */
  const char *id_no;            /* full resident ID (normalised) ... */
  const char *registry_no;      /* ... or registry number (current or
                                   former); one of them */
  int64_t school_id;            /* admitting school (registrars: own) */
  const char *grade;            /* "" = the stage's entry grade (升学) */
  int64_t class_id;             /* 0 = none yet */
  const char *reason;           /* may be "" for 升学 */
  const char *route;            /* direct | feeder | zone | moved */
  bool out_of_zone;
  struct xj_verrs *errs;        /* optional out: the grade check's errors */
  struct xj_verrs *warns;       /* optional out: its warnings */
};
/* What happened: applied at once (progression_id) or a change request
   waiting for approval (request_id). */
struct xj_progress_result {
  int64_t student_id;
  int64_t progression_id;
  int64_t request_id;
  struct xj_cs_warn class_size;   /* the class joined is at 大班额 */
};
/* Check and carry out @n for @u: the record must be ended as the kind
   asks (升学: 毕业/结业 in a final grade; re-entry: any end but 死亡),
   the grade one the school teaches and the offer allows, the class of
   the school and grade.  On a field error *field names it. */
enum xj_err xj_progress_enrol (struct xj_db *db, const struct xj_user *u,
                               const struct xj_actor *a,
                               const struct xj_progress_new *n,
                               struct xj_progress_result *res,
                               const char **field);

/* The effect (also of an approved promote / reenter request
   @request_id, 0 = none): the same record moves to @to_school, @grade,
   @class_id, status 在读, event progress.promote / progress.reenter
   naming both schools, a progressions row, an audit entry. */
struct xj_progress_move {
  enum xj_progress_kind kind;
  int64_t student_id, to_school, class_id, request_id;
  const char *grade, *reason, *route;
  bool out_of_zone;
  struct xj_verrs *errs;        /* optional out: the grade check's errors
                                   (xj_student_grade_move) */
  struct xj_cs_warn *class_size; /* optional out: xj_class_size_admit */
};
enum xj_err xj_progress_apply (struct xj_db *db, const struct xj_actor *a,
                               const struct xj_progress_move *m,
                               int64_t *progression_id);

/* XJ_E_NO_SUCH_CLASS unless class @class_id (0 = none: OK) is of
   @school_id and @grade, in this school year or the next one (the
   summer after year-end). */
enum xj_err xj_progress_check_class (struct xj_db *db, int64_t class_id,
                                     int64_t school_id, const char *grade);

/* ---- progress_store.c ---- */
struct xj_progression_row {
  const char *kind;
  int64_t student_id, from_school, to_school, to_class, request_id;
  const char *from_grade, *from_status, *to_grade, *route, *reason, *at,
    *actor;
  bool out_of_zone;
};
enum xj_err xj_progress_store_insert (struct xj_db *db,
                                      const struct xj_progression_row *r,
                                      int64_t *id);

#endif
