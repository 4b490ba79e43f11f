/* verify_int.h -- inside src/verify: the store functions (verify_store.c)
 * that verify.c and ghost.c use.
 */
#ifndef XJ_VERIFY_INT_H
#define XJ_VERIFY_INT_H

#include <stddef.h>
#include "core/util.h"
#include "verify/verify.h"

/* A student as the tick rules see it. */
struct xj_vf_student {
  int64_t id, school_id, class_id;   /* class 0: none */
  char status[16], county[8];
};
enum xj_err xj_vf_store_student (struct xj_db *db, int64_t id,
                                 struct xj_vf_student *out);
/* Is @change_id a change request of @student_id? */
enum xj_err xj_vf_store_change_of (struct xj_db *db, int64_t change_id,
                                   int64_t student_id, bool *yes);
/* Was the record of @student_id edited (PATCH) since @since
   (YYYY-MM-DD)? */
enum xj_err xj_vf_store_edited_since (struct xj_db *db, int64_t student_id,
                                      const char *since, bool *yes);
/* Append tick @t of @s and make it the student's state of the round. */
enum xj_err xj_vf_store_tick (struct xj_db *db, const struct xj_vf_student *s,
                              int school_year, int term,
                              const struct xj_verify_tick *t,
                              const char *correction, const char *at,
                              const struct xj_actor *a);

/* A class with its school, for the checklist. */
struct xj_vf_class {
  int64_t id, school_id;
  char name[128], grade[4], county[8], school_name[200];
};
enum xj_err xj_vf_store_class (struct xj_db *db, int64_t id,
                               struct xj_vf_class *out);
/* The class's 在读 students with their state in the round, appended to
   @items (registry numbers masked). */
enum xj_err xj_vf_store_checklist (struct xj_db *db, int64_t class_id,
                                   int school_year, int term, json_t *items);

/* Progress rows. */
struct xj_vf_count {
  int64_t id, school_id;
  const char *name, *grade;
  int64_t students, settled, verified;
};
enum xj_err xj_vf_store_schools (struct xj_db *db,
                                 const struct xj_cs_scope *sc,
                                 json_t *schools);
enum xj_err xj_vf_store_class_counts (struct xj_db *db,
                                      const struct xj_cs_scope *sc,
                                      int school_year, int term,
                                      void (*cb) (void *cls,
                                                  const struct xj_vf_count *c),
                                      void *cls);
/* The rows behind those counts one per student (@class_id 0: every
   class of @sc): @cb (cls, student, settled, verified). */
enum xj_err xj_vf_store_round_students (struct xj_db *db,
                                        const struct xj_cs_scope *sc,
                                        int64_t class_id, int school_year,
                                        int term,
                                        void (*cb) (void *cls,
                                                    int64_t student,
                                                    bool settled,
                                                    bool verified),
                                        void *cls);

/* The settings row of a key into @out ("" when none). */
enum xj_err xj_vf_store_setting (struct xj_db *db, const char *key,
                                 char *out, size_t n);
enum xj_err xj_vf_store_setting_put (struct xj_db *db, const char *key,
                                     const char *value);

/* ---- ghost signals (the sweep's read pass) ---- */
/* A sorted set of ids. */
struct xj_vf_set {
  int64_t *v;
  size_t n, cap;
};
bool xj_vf_set_has (const struct xj_vf_set *s, int64_t id);
void xj_vf_set_fini (struct xj_vf_set *s);

/* County codes of schools under @prefix, in order, into @out (JSON
   array of strings); the county's name by code. */
enum xj_err xj_vf_store_counties (struct xj_db *db, const char *prefix,
                                  json_t *out);
enum xj_err xj_vf_store_region_name (struct xj_db *db, const char *code,
                                     char *out, size_t n);
enum xj_vf_set_kind {
  XJ_VF_ABSENT_STUDENTS,   /* students with an absence in [from, to] */
  XJ_VF_ABSENT_CLASSES,    /* classes with an absence in [from, to] */
  XJ_VF_TICKED,            /* students ticked in round (year, term) */
  XJ_VF_SETTLED,           /* students settled in round (year, term) */
  XJ_VF_SHARED             /* 在读 students sharing a guardian phone or ID
                              with a 在读 record of another school */
};
/* The set @k of county @county (@a, @b: from/to days YYYYMMDD, or year
   and term) into @out (sorted). */
enum xj_err xj_vf_store_set (struct xj_db *db, enum xj_vf_set_kind k,
                             const char *county, int64_t a, int64_t b,
                             struct xj_vf_set *out);
/* One 在读 student of a county for the sweep. */
struct xj_vf_enrolled {
  int64_t id, school_id, class_id;
  const char *created_at;
  const void *data;
  size_t data_len;
};
/* A chunk of county @county's 在读 students: at most @limit with an id
   above @after, in id order (the sweep job reads in chunks). */
enum xj_err xj_vf_store_enrolled_chunk (struct xj_db *db, const char *county,
                                        int64_t after, int64_t limit,
                                        void (*cb) (void *cls,
                                                    const struct
                                                    xj_vf_enrolled *s),
                                        void *cls);
/* How many 在读 students under region prefix @prefix ("" all). */
enum xj_err xj_vf_store_enrolled_count (struct xj_db *db, const char *prefix,
                                        int64_t *n);

/* Sweep runs (ghost_sweeps).  Run @id, or with @id 0 the latest run
   whose prefix lies in @scope ("" all); *found false when none. */
enum xj_err xj_vf_store_sweep_get (struct xj_db *db, int64_t id,
                                   const char *scope,
                                   struct xj_ghost_run *out, bool *found);
enum xj_err xj_vf_store_sweep_insert (struct xj_db *db, const char *prefix,
                                      const char *by, const char *at,
                                      int64_t *id);
enum xj_err xj_vf_store_sweep_total (struct xj_db *db, int64_t id,
                                     int64_t total);
/* Add a chunk's counts to run @id (in the chunk's write transaction). */
enum xj_err xj_vf_store_sweep_progress (struct xj_db *db, int64_t id,
                                        int64_t done, int64_t raised,
                                        int64_t updated, int64_t kept);
/* running -> @state (done, failed, interrupted) with @error (NULL none). */
enum xj_err xj_vf_store_sweep_end (struct xj_db *db, int64_t id,
                                   const char *state, const char *at,
                                   const char *error);
/* Every run still 'running' -> 'interrupted' (server start). */
enum xj_err xj_vf_store_sweep_running (struct xj_db *db, int64_t *n);
enum xj_err xj_vf_store_sweep_interrupted (struct xj_db *db, const char *at);

/* Candidates. */
struct xj_vf_ghost {
  int64_t id, student_id, school_id, change_id;
  char signals[96], status[16], county[8];
  int64_t class_id;
};
/* The student's latest candidate (*found false when none). */
enum xj_err xj_vf_store_ghost_last (struct xj_db *db, int64_t student_id,
                                    struct xj_vf_ghost *out, bool *found);
enum xj_err xj_vf_store_ghost_get (struct xj_db *db, int64_t id,
                                   struct xj_vf_ghost *out);
enum xj_err xj_vf_store_ghost_insert (struct xj_db *db, int64_t student_id,
                                      int64_t school_id, const char *signals,
                                      const char *detail, const char *at);
enum xj_err xj_vf_store_ghost_signals (struct xj_db *db, int64_t id,
                                       const char *signals,
                                       const char *detail);
/* open -> @status; XJ_E_GHOST_STATE when no longer open. */
enum xj_err xj_vf_store_ghost_decide (struct xj_db *db, int64_t id,
                                      const char *status, const char *at,
                                      const char *by, const char *reason,
                                      int64_t change_id);
enum xj_err xj_vf_store_ghost_list (struct xj_db *db, const struct xj_scope *sc,
                                    const char *status, int64_t school_id,
                                    int64_t limit, int64_t offset,
                                    int64_t *total, json_t *items);
enum xj_err xj_vf_store_ghost_counts (struct xj_db *db,
                                      const struct xj_cs_scope *sc,
                                      json_t *out);

#endif
