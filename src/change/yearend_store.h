/* yearend_store.h -- the SQL of year-end runs (yearend.c) and of their
 * follow-ups: graduations, students a run skipped, the year-end window
 * settings.  Every function runs inside the caller's transaction.
 */
#ifndef XJ_YEAREND_STORE_H
#define XJ_YEAREND_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

/* An enrolled student of a school as a run sees it. */
struct xj_ye_student {
  int64_t id;
  char grade[4];
  int64_t class_id;
  char name[200];
  bool blocked;          /* has an open change request */
};
typedef void (*xj_ye_student_cb) (void *cls, const struct xj_ye_student *s);
enum xj_err xj_ye_store_students (struct xj_db *db, int64_t school_id,
                                  xj_ye_student_cb cb, void *cls);

/* Active run that promoted @school_id from year @sy (0 = none). */
enum xj_err xj_ye_store_done (struct xj_db *db, int64_t school_id, int sy,
                              int64_t *run_id);
enum xj_err xj_ye_store_run_insert (struct xj_db *db, const char *scope,
                                    int sy, const char *at, const char *by,
                                    int64_t *run_id);
enum xj_err xj_ye_store_run_summary (struct xj_db *db, int64_t run_id,
                                     const char *summary);
/* XJ_E_YEAREND_DONE when the school already has an active run for @sy. */
enum xj_err xj_ye_store_school_insert (struct xj_db *db, int64_t run_id,
                                       int64_t school_id, int sy);
/* One student's move: before and after. */
struct xj_ye_move {
  int64_t student_id;
  const char *old_grade, *old_status, *new_grade, *new_status;
  int64_t old_class, new_class, version_after;
};
enum xj_err xj_ye_store_item_insert (struct xj_db *db, int64_t run_id,
                                     const struct xj_ye_move *m);
enum xj_err xj_ye_store_class_created (struct xj_db *db, int64_t run_id,
                                       int64_t class_id);
/* Remove the classes run @run_id created that nothing refers to. */
enum xj_err xj_ye_store_classes_remove (struct xj_db *db, int64_t run_id,
                                        int64_t *removed);
/* Status of run @run_id into @status (16 bytes); XJ_E_NOT_FOUND. */
enum xj_err xj_ye_store_run_status (struct xj_db *db, int64_t run_id,
                                    char status[16]);
struct xj_ye_item {
  int64_t student_id;
  char grade[4];
  int64_t class_id;
  char status[16];
  int64_t version_after, version_now;
};
typedef void (*xj_ye_item_cb) (void *cls, const struct xj_ye_item *it);
enum xj_err xj_ye_store_items (struct xj_db *db, int64_t run_id,
                               xj_ye_item_cb cb, void *cls);
/* Mark run @run_id rolled back (XJ_E_CONFLICT if it was not applied),
   its schools inactive and its graduations inactive. */
enum xj_err xj_ye_store_run_rolled_back (struct xj_db *db, int64_t run_id,
                                         const char *at);
typedef void (*xj_ye_school_cb) (void *cls, int64_t school_id,
                                 const char *county);
/* XJ_E_NOT_FOUND for a run without schools (unknown run). */
enum xj_err xj_ye_store_run_schools (struct xj_db *db, int64_t run_id,
                                     xj_ye_school_cb cb, void *cls);

/* ---- graduations ---- */
struct xj_ye_graduation {
  int64_t student_id, school_id, run_id;   /* run_id 0 = none */
  const char *grade, *outcome;             /* graduated | completed |
                                              primary_completed */
  int school_year;
  const char *at;
};
enum xj_err xj_ye_store_graduation_insert (struct xj_db *db,
                                           const struct xj_ye_graduation *g);

/* ---- students a run skipped (open request) ---- */
enum xj_err xj_ye_store_blocked_insert (struct xj_db *db, int64_t run_id,
                                        int64_t student_id, int64_t school_id,
                                        const char *grade, int64_t class_id);
struct xj_ye_blocked {
  int64_t run_id;
  int64_t school_id;
  char grade[4];
  int64_t class_id;
  int from_year;
};
/* The unresolved skip of @student_id in an applied run; XJ_E_NOT_FOUND. */
enum xj_err xj_ye_store_blocked_open (struct xj_db *db, int64_t student_id,
                                      struct xj_ye_blocked *out);
enum xj_err xj_ye_store_blocked_resolve (struct xj_db *db, int64_t run_id,
                                         int64_t student_id, const char *at,
                                         const char *resolution);
/* Class of next year (@year_id) of @school with @grade and @no (0 if
   none). */
enum xj_err xj_ye_store_class_find (struct xj_db *db, int64_t school_id,
                                    int64_t year_id, const char *grade,
                                    unsigned no, int64_t *class_id);

/* ---- settings ---- */
/* Window in which a year-end run may be applied, as month*100+day
   (default 701 .. 831). */
struct xj_ye_settings {
  int window_start, window_end;
};
enum xj_err xj_ye_settings_get (struct xj_db *db, struct xj_ye_settings *out);
enum xj_err xj_ye_settings_put (struct xj_db *db,
                                const struct xj_ye_settings *in);

#endif
