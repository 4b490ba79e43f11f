/* student_store.h -- storage of student records (the only place with the
 * students / student_events / student_aliases / duplicate_flags SQL).
 *
 * Every function runs inside a transaction the caller opened with
 * xj_db_txn_run (write=true for writers) unless it says otherwise.
 */
#ifndef XJ_STUDENT_STORE_H
#define XJ_STUDENT_STORE_H

#include "db/db.h"
#include "audit/audit.h"
#include "student/student.h"

struct xj_school;

/* Low-level insert of a complete, validated record (registry_no set),
   plus its first event of @kind ("register", "gen", "import").  Sets
   s->id and s->version = 1.  Returns XJ_E_ID_EXISTS /
   XJ_E_REGISTRY_NO_EXISTS on a unique clash. */
enum xj_err xj_student_insert (struct xj_db *db, struct xj_student *s,
                               const struct xj_actor *a, const char *kind,
                               const char *at_iso);

/* Whether any record's ID number or registry number begins with county
   @county's code (6 digits): a gen of a county without any cannot clash
   with an earlier one's numbers (gen.c's bulk path). */
enum xj_err xj_student_county_numbered (struct xj_db *db, const char *county,
                                        bool *any);

/* Append a timeline event of @kind to student @id (the only way rows get
   into the append-only student_events).  @before/@after: JSON or NULL. */
enum xj_err xj_student_add_event (struct xj_db *db, int64_t id,
                                  const struct xj_actor *a, const char *kind,
                                  const char *at, const char *before,
                                  const char *after);

/* Load one student by row id (no scope check).  XJ_E_NOT_FOUND if none. */
enum xj_err xj_student_load (struct xj_db *db, int64_t id,
                             struct xj_student *s);

/* Student holding the ID number @id_no under ANY type (an ID number is
   one person's whatever type it was entered under; @id_type is preferred
   when two records hold it), if any: *student_id and *school_id set,
   XJ_E_OK; XJ_E_NOT_FOUND otherwise.  @id_no normalised
   (xj_id_normalise). */
enum xj_err xj_student_find_by_id_no (struct xj_db *db, const char *id_type,
                                      const char *id_no, int64_t *student_id,
                                      int64_t *school_id);

/* Which rule a write of @s that answered XJ_QS_UNIQUE broke:
   XJ_E_ID_EXISTS or XJ_E_REGISTRY_NO_EXISTS, told by the key that
   refused it (xj_db_unique_table). */
enum xj_err xj_student_unique_clash (const struct xj_db *db,
                                     const struct xj_student *s);

/* Cross-scope lookup (a receiving school identifying a student for a
   transfer): the student whose resident ID (type 1) is exactly @id_no,
   or whose registry number, current or former (alias), is exactly
   @registry_no (either may be "" to not match).  Fills only what a
   receiving school needs.  XJ_E_NOT_FOUND if none.  No scope check. */
struct xj_student_lookup {
  int64_t id;
  char name[200];
  int64_t school_id;
  char school_name[200];
  char grade[4];
  char status[16];
};
enum xj_err xj_student_lookup (struct xj_db *db, const char *id_no,
                               const char *registry_no,
                               struct xj_student_lookup *out);

/* L numbers: xj_identity_next_l (identity.h), per county and birth date. */

/* Context shown beside a record: where it is held. */
struct xj_student_ctx {
  char county_code[8];
  char school_name[200];
  char school_code[12];
  char class_name[64];
  char created_at[32];
  char updated_at[32];
};

/* Load one student plus its context (no scope check). */
enum xj_err xj_student_load_ctx (struct xj_db *db, int64_t id,
                                 struct xj_student *s,
                                 struct xj_student_ctx *ctx);

/* What GET of one record shows: the record and its context (as
   xj_student_load_ctx), then, if @visible says the caller may see it,
   its former numbers in order (as xj_student_aliases) and its stored
   warnings in id order (as xj_identity_warnings).  One statement for a
   record with neither (st_stu_view), one more for each it has.
   XJ_E_NOT_FOUND if there is no such record or @visible refused it. */
struct xj_warning;
struct xj_session_read;
struct xj_student_view {
  struct xj_student *s;             /* out: the record */
  struct xj_student_ctx *ctx;       /* out: its context */
  bool (*visible) (void *cls, const struct xj_student *s,
                   const struct xj_student_ctx *ctx);
  void (*alias_cb) (void *cls, const char *registry_no);
  void (*warn_cb) (void *cls, const struct xj_warning *w);
  void *cls;                        /* to the three callbacks */
  /* private, zero at first: the record's statement has run (here or
     joined to the session check), found it, and its flags */
  bool read, found, aliases, warnings;
};
/* Read @v's record (id @id) in the request's session check (@rd for
   xj_session_get_with): one statement instead of two.  When the session
   holds, xj_student_load_view then needs no statement for most records;
   it reads the record itself when the check never ran @rd. */
void xj_student_view_join (struct xj_student_view *v, int64_t id,
                           struct xj_session_read *rd);
enum xj_err xj_student_load_view (struct xj_db *db, int64_t id,
                                  struct xj_student_view *v);

/* Students with the same name and birth date whose first-guardian phone
   equals @phone but whose ID differs; @cb receives id, name, school_id,
   school_name and county_code of each. */
typedef void (*xj_dup_cb) (void *cls, int64_t id, const char *name,
                           int64_t school_id, const char *school_name,
                           const char *county_code);
enum xj_err xj_student_dup_candidates (struct xj_db *db,
                                       const struct xj_student *s,
                                       xj_dup_cb cb, void *cls);
enum xj_err xj_student_flag_dup (struct xj_db *db, int64_t student_id,
                                 int64_t other_id, const char *reason);

/* Rewrite the mutable columns and data of @s (matched on id and
   @old_version; XJ_E_CONFLICT if the version moved), bump the version and
   append an event of @kind with @before / @after JSON. */
enum xj_err xj_student_store_update (struct xj_db *db, struct xj_student *s,
                                     int64_t old_version,
                                     const struct xj_actor *a,
                                     const char *kind, const char *before,
                                     const char *after);
/* xj_student_store_update for a move that changes only the placement
   (school_id, class_id, grade, status) and the packed data of @s: the
   other columns and their indexes are not written, so the caller must
   not have changed them (升学 and re-entry, xj_progress_apply). */
enum xj_err xj_student_store_place (struct xj_db *db, struct xj_student *s,
                                    int64_t old_version,
                                    const struct xj_actor *a,
                                    const char *kind, const char *before,
                                    const char *after);
/* Record @old_no as an alias of student @id. */
enum xj_err xj_student_add_alias (struct xj_db *db, int64_t id,
                                  const char *old_no);
typedef void (*xj_alias_cb) (void *cls, const char *registry_no);
enum xj_err xj_student_aliases (struct xj_db *db, int64_t id, xj_alias_cb cb,
                                void *cls);

/* ---- lists ---- */
enum xj_student_sort {
  XJ_SORT_REGISTRY_NO, XJ_SORT_NAME, XJ_SORT_BIRTH, XJ_SORT_GRADE,
  XJ_SORT_CREATED, XJ_SORT__COUNT
};
struct xj_student_filter {
  int64_t school_id;     /* 0 = any */
  const char *grade;     /* NULL = any */
  int64_t class_id;      /* 0 = any */
  const char *status;    /* NULL = any */
  const char *q;         /* NULL = none: name substring */
  const char *number;    /* NULL = none: a full ID or registry number
                            (xj_student_number_parse), matched exactly */
  int dup_flag;          /* 0 = any, 1 = flagged as a suspected duplicate,
                            2 = not flagged */
  int warned;            /* 0 = any, 1 = only records with a warning not
                            confirmed (the registrar's to-do), 2 = with
                            any stored warning */
  enum xj_student_sort sort;
  bool desc;
  int64_t limit, offset;
};
struct xj_student_item {
  int64_t id;
  const char *registry_no, *name, *birth_date, *id_no, *school_name, *grade,
    *class_name, *status;
  int gender;
  int64_t school_id, class_id;
  int dup_flag;
  const char *outcome;  /* 毕业生 list: graduated | completed; else NULL */
};
typedef void (*xj_student_item_cb) (void *cls,
                                    const struct xj_student_item *it);
/* The 毕业生 list: students who graduated (毕业 / 结业 at year-end) in
   July of @year from a school in scope (@scope_prefix, @scope_school as
   for xj_student_list, @school_id 0 = any), wherever their record is
   now: the graduating school keeps seeing them.  Items show the record's
   current school, grade and status, and the outcome (毕业 or 结业). */
enum xj_err xj_student_list_graduates (struct xj_db *db,
                                       const char *scope_prefix,
                                       int64_t scope_school,
                                       int64_t school_id, int year,
                                       int64_t limit, int64_t offset,
                                       int64_t *total,
                                       xj_student_item_cb cb, void *cls);
/* The name search's index (migration 0033) against the students' names:
   the grams missing from student_name_grams and those it holds that no
   name (or school) has any more.  Reads every student: `xueji check`. */
enum xj_err xj_student_grams_check (struct xj_db *db, int64_t *missing,
                                    int64_t *extra);
/* List within @scope (see user.h: prefix, school_id, teacher_id). */
enum xj_err xj_student_list (struct xj_db *db, const char *scope_prefix,
                             int64_t scope_school, int64_t scope_teacher,
                             const struct xj_student_filter *f,
                             int64_t *total, xj_student_item_cb cb,
                             void *cls);

/* Check that no list or count statement of a scoped shape (number,
   teacher, school, bureau region) reads the whole students table: 0 if
   so, else the first offending statement's name and plan in @bad. */
int xj_student_list_plans_check (struct xj_db *db, char *bad, size_t size);

/* Append the audit entry of one full-number search (a list query or an
   export by ID or registry number): @via "list" or "export", the kind,
   the number masked (xj_mask; the full number is not stored) and how
   many records it found.  Inside a write transaction. */
enum xj_err xj_student_search_audit (struct xj_db *db,
                                     const struct xj_actor *a,
                                     const char *via, enum xj_numq kind,
                                     const char *number, int64_t found);

struct xj_student_event {
  int64_t id;
  const char *kind, *at, *actor, *before, *after;
  const char *actor_name; /* the user's display name; "" if none */
  const char *from_no;    /* "" or the number of the merged record whose
                             event this is (student_merges) */
};
typedef void (*xj_event_cb) (void *cls, const struct xj_student_event *ev);
enum xj_err xj_student_events (struct xj_db *db, int64_t id, xj_event_cb cb,
                               void *cls);

/* ---- grade check and its stored warnings (student_warn_store.c) ---- */

/* The grade check of a record @s moving into @grade at school @to (every
   change type that sets a grade, 升学, re-entry, the 新生名单
   confirmation): xj_student_check_grade with today from the injectable
   clock.  Errors go to @errs, warnings to @warns (each optional,
   caller-owned, appended).  With @store and no error, the record's stored
   grade warnings are replaced by the new ones (the bureau's ?warned=1
   list).  Returns the first error's code (XJ_E_AGE_GRADE,
   XJ_E_SCHOOL_GRADE), a database error, or XJ_E_OK.  In the caller's
   transaction when @store. */
enum xj_err xj_student_grade_move (struct xj_db *db,
                                   const struct xj_student *s,
                                   const struct xj_school *to,
                                   const char *grade, struct xj_verrs *errs,
                                   struct xj_verrs *warns, bool store);

/* Replace the stored grade warnings (field "grade") of @student_id by
   those of @w (NULL or none: removed); the other fields' warnings stay.
   In the caller's write transaction (student_warn_store.c). */
enum xj_err xj_student_grade_warnings_set (struct xj_db *db,
                                           int64_t student_id,
                                           const struct xj_verrs *w);

/* Rows of the registry tables whose province (migration 0039) is not
   that of the record, request or case they belong to (`xueji check`;
   province_store.c). */
enum xj_err xj_province_check (struct xj_db *db, int64_t *rows);
/* Duplicate flags (other_id) and merges (merged_id) naming a record that
   does not exist, and merges naming a flag that does not (flag_id): on
   PostgreSQL no foreign key guards these three (migrations 0040 and
   0042; the row carries its own record's province, not the other's).
   `xueji check`. */
enum xj_err xj_province_refs_check (struct xj_db *db, int64_t *rows);

#endif
