/* identity.h -- one person, one record: the duplicate check over every
 * identity the registry holds, L numbers, warnings on records and the
 * review of suspected duplicates.  docs/internals/identity.md.
 *
 * identity.c holds the rules, identity_store.c the SQL.  Every function
 * runs inside the caller's transaction (write=true for writers).
 */
#ifndef XJ_IDENTITY_H
#define XJ_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "audit/audit.h"
#include "db/db.h"
#include "student/student.h"

/* ---- the duplicate check ---- */

#define XJ_IDENTITY_MAX_HITS 8

/* How a hit matched. */
enum xj_identity_match {
  XJ_MATCH_ID = 1,        /* the same (normalised) ID number, any type */
  XJ_MATCH_FORMER = 2,    /* a former number (alias) or a G number whose ID
                             was corrected away */
  XJ_MATCH_PERSON = 3,    /* name + birth date + a guardian's phone or ID */
};

struct xj_identity_hit {
  int64_t student_id;
  int64_t school_id;
  char status[16];
  enum xj_identity_match match;
};

struct xj_identity_hits {
  size_t n;
  struct xj_identity_hit h[XJ_IDENTITY_MAX_HITS];
};

/* Every record other than @s itself (s->id, 0 = not stored) that holds
   one of @s's identities: its ID number under any type (s->id_no,
   normalised by xj_student_validate), that number as a former registry
   number, or its name and birth date with a guardian's phone or ID
   number.  Hits are appended to @out (bounded; the first of each record
   only). */
enum xj_err xj_identity_check (struct xj_db *db, const struct xj_student *s,
                               struct xj_identity_hits *out);

/* True for a registration that is not for grade 1 (补建学籍): the
   duplicate check must answer "no such person" before a record is made. */
bool xj_identity_is_rebuild (const struct xj_student *s);

/* Where xj_identity_check_src finds its candidates when the caller knows
   better than the indexes (the import's bulk mode drops them and keeps
   the same knowledge in memory). */
struct xj_identity_src {
  bool id_checked;        /* the caller checked the ID number itself */
  bool no_former;         /* the caller knows no record holds G + the ID */
  bool same_given;        /* @same holds every record with the name and
                             birth date (else the registry is asked) */
  const int64_t *same;
  size_t nsame;
};

/* xj_identity_check with @src (NULL: ask the registry for everything). */
enum xj_err xj_identity_check_src (struct xj_db *db,
                                   const struct xj_student *s,
                                   const struct xj_identity_src *src,
                                   struct xj_identity_hits *out);

/* The rule registration and import share before a record is made: run
   the check; the same ID number (any type) is XJ_E_ID_EXISTS; for
   补建学籍 (xj_identity_is_rebuild) any hit is XJ_E_DUPLICATE_PERSON,
   pointing to transfer, 升学 or re-entry.  *holder_id and *holder_school
   name the record refused on; other hits are left in @out to flag. */
enum xj_err xj_identity_admit (struct xj_db *db, const struct xj_student *s,
                               const struct xj_identity_src *src,
                               struct xj_identity_hits *out,
                               int64_t *holder_id, int64_t *holder_school);

/* ---- one guardian, too many children ---- */

/* Store the warnings of stored record @s: the rules' @rules (may be
   NULL) and the guardian rule's, together, replacing those it had
   (@fresh: a new record, which has none yet).  The guardian rule: each
   guardian ID number of @s held (guardian_ids) by more than @max enrolled
   or suspended children (0 = the setting, xj_identity_guardian_max) flags
   the pair (the first such child, @s) for the review queue, sets
   s->dup_flag and warns guardian_shared on that guardian's ID field.
   Registration, import and record edit all call this, so an edit of any
   field re-derives the guardian rule's warning instead of dropping it. */
enum xj_err xj_identity_store_warnings (struct xj_db *db,
                                        struct xj_student *s,
                                        const struct xj_verrs *rules, int max,
                                        bool fresh);

/* Where many new records' guardian ID rows and warnings go (the import,
   docs/internals/import.md "Guardians"): bulk appends (COPY on
   PostgreSQL) instead of one INSERT each, which would send the rows
   appended before them at every record.  @maybe_over (may be NULL: ask
   the registry every time) answers whether guardian ID @id_no may be
   held by more than @max enrolled or suspended children counting the
   record being stored: false only when it certainly is not (then no
   count is asked), true to have the registry count. */
struct xj_identity_sink {
  struct xj_db_bulk *gids;      /* guardian_ids */
  struct xj_db_bulk *warns;     /* student_warnings */
  bool (*maybe_over) (void *cls, const char *id_no, int max);
  void *cls;
};

/* Start @k's bulk appends on @db (after the records' own bulk append,
   so that theirs go out first).  End with xj_identity_sink_end. */
void xj_identity_sink_begin (struct xj_db *db, struct xj_identity_sink *k);
/* Send what is buffered and end the appends (any state is fine). */
enum xj_err xj_identity_sink_end (struct xj_identity_sink *k);

/* A NEW record @s (already appended, s->id set): its guardian ID rows,
   then xj_identity_store_warnings' rule and warnings (@fresh), all
   through @k. */
enum xj_err xj_identity_store_new (struct xj_db *db, struct xj_student *s,
                                   const struct xj_verrs *rules, int max,
                                   struct xj_identity_sink *k);

/* The rows of xj_identity_store_new (identity_store.c): @s's guardian
   IDs (each once), and warnings @w of new record @student_id. */
enum xj_err xj_identity_sink_gids (struct xj_identity_sink *k,
                                   const struct xj_student *s);
enum xj_err xj_identity_sink_warns (struct xj_identity_sink *k,
                                    int64_t student_id, int province,
                                    const struct xj_verrs *w);

/* Replace the guardian ID numbers of @s in guardian_ids (@fresh: a new
   record, none stored yet).  Every insert and full update of a record
   calls it (student_store.c; the import appends them through
   xj_identity_store_new). */
enum xj_err xj_identity_guardians_put (struct xj_db *db,
                                       const struct xj_student *s, bool fresh);

/* Fill guardian_ids from the records stored before it existed (migration
   0018 leaves the row 'guardian_ids' in `backfills`); a no-op once done.
   Runs its own write transaction; the server calls it at start. */
enum xj_err xj_identity_guardian_backfill (struct xj_db *db);

/* How many enrolled or suspended children hold guardian ID @id_no, and
   the first of them (by id). */
enum xj_err xj_identity_guardian_count (struct xj_db *db, const char *id_no,
                                        int64_t *n, int64_t *first);

/* ---- the county-wide scan ---- */

struct xj_identity_scan_result {
  uint64_t groups;        /* name + birth-date groups with > 1 record */
  uint64_t pairs;         /* new suspected-duplicate pairs flagged */
  uint64_t guardians;     /* guardian IDs shared by too many children */
  uint64_t baseline_groups; /* plain GROUP BY name, birth, phone (bench) */
};

/* Scan every record of @county (6 digits; a prefix such as "4418" scans a
   city) for suspected duplicates (same name and birth date with a shared
   guardian phone or guardian ID, or the same ID number) and for guardian
   ID numbers shared by more than @guardian_max enrolled children (0 =
   the setting, xj_identity_guardian_max); flag
   each new pair in duplicate_flags (open, for review) and append one
   audit entry.  @with_baseline also runs the plain SQL GROUP BY the
   benchmark compares with. */
enum xj_err xj_identity_scan (struct xj_db *db, const char *county,
                              int guardian_max, bool with_baseline,
                              const struct xj_actor *a,
                              struct xj_identity_scan_result *res);

/* The scan in two steps, so the long read needs no writer lock (the
   scan job, dup_scan_job.c): collect the pairs to flag inside a read
   transaction (a snapshot), then flag them in one short write
   transaction. */
enum xj_pair_why { XJ_PAIR_PERSON, XJ_PAIR_GUARDIAN };
struct xj_identity_pair {
  int64_t a, b;
  enum xj_pair_why why;
};
struct xj_identity_pairs {
  struct xj_identity_pair *v;
  size_t n, cap;
};
/* Read only: res->groups, res->guardians (and res->baseline_groups)
   counted; the candidate pairs appended to @out. */
enum xj_err xj_identity_scan_collect (struct xj_db *db, const char *county,
                                      int guardian_max, bool with_baseline,
                                      struct xj_identity_scan_result *res,
                                      struct xj_identity_pairs *out);
/* Write: flag each pair of @pairs not flagged (or dismissed) before
   (res->pairs counts them) and append the "duplicate.scan" audit
   entry. */
enum xj_err xj_identity_scan_apply (struct xj_db *db, const char *county,
                                    const struct xj_identity_pairs *pairs,
                                    const struct xj_actor *a,
                                    struct xj_identity_scan_result *res);
void xj_identity_pairs_fini (struct xj_identity_pairs *p);

/* ---- review (dup_review.c) ---- */

struct xj_user;
/* Close open flag @flag_id with @reason: @confirm starts the 注销 of
   record @cancel_id (one of the pair) through the change workflow (type
   "cancel", its rules and approvals; *change_id set); otherwise the flag
   is dismissed.  Events on both records and an audit entry.
   XJ_E_DUP_FLAG_STATE if no longer open; errors of xj_change_create
   (*field names the key). */
enum xj_err xj_dup_review (struct xj_db *db, const struct xj_user *u,
                           const struct xj_actor *a, int64_t flag_id,
                           bool confirm, int64_t cancel_id,
                           const char *reason, int64_t *change_id,
                           const char **field);

/* ---- merge (dup_merge.c) ---- */

/* Merge: the bureau confirmed that the two records of open flag
   @flag_id are one person and keeps @survivor_id (one of the pair; it
   keeps its number).  The other record is not rewritten: it becomes
   注销 with reason 合并 and a "merge" event naming the survivor, and a
   student_merges row links it to the survivor, whose timeline and
   former numbers then include the merged record's (history, changes,
   graduations and numbers stay where they were written).  When both are
   在读 at different schools @keep_school_id (one of their schools) must
   say which school keeps the student (else XJ_E_MERGE_SCHOOL): if it is
   the merged record's school, or if only the merged record is 在读/休学,
   the survivor takes over that enrolment (school, class, grade, status)
   with its "merge" event showing before and after.  Audit
   "duplicate.merge".  *field names a refused key. */
struct xj_dup_merge_req {
  int64_t flag_id, survivor_id, keep_school_id;
  const char *reason;
};
enum xj_err xj_dup_merge (struct xj_db *db, const struct xj_actor *a,
                          const struct xj_dup_merge_req *m,
                          const char **field);

/* ---- store (identity_store.c) ---- */

/* The setting "dup_guardian_max" (settings table; default 8, 1..1000):
   more children than this sharing one guardian ID number is flagged. */
enum xj_err xj_identity_guardian_max (struct xj_db *db, int *out);

/* How the identity tables (student_identities, registry_numbers;
   migration 0038) differ from the records: rows missing from them (or
   with another record or province) and rows they hold that no record
   does.  `xueji check`. */
struct xj_identity_diff {
  int64_t ids_missing, ids_extra, nos_missing, nos_extra;
};
enum xj_err xj_identity_tables_check (struct xj_db *db,
                                      struct xj_identity_diff *d);

/* Is @no a current or former registry number of some record? */
enum xj_err xj_identity_regno_used (struct xj_db *db, const char *no,
                                    bool *used);

/* Next free L number for a school in @county6 and a child born
   @birth_date (YYYY-MM-DD or YYYYMMDD): L + county + YYYYMMDD + 0000..9999,
   counted per county and birth date, skipping numbers already in use.
   XJ_E_L_SEQ_FULL once the 10,000 numbers of the pair are used. */
enum xj_err xj_identity_next_l (struct xj_db *db, const char *county6,
                                const char *birth_date, char out[24]);

typedef void (*xj_identity_hit_cb) (void *cls, int64_t student_id,
                                    int64_t school_id, const char *status,
                                    const char *how);
/* Records other than @self holding @id_no as ID (any type), as a former
   G number (alias), or as the G number of a corrected record. */
enum xj_err xj_identity_find_id (struct xj_db *db, const char *id_no,
                                 int64_t self, xj_identity_hit_cb cb,
                                 void *cls);
/* As xj_identity_find_id without the ID itself: only records holding
   G + @id_no as a former or current registry number. */
enum xj_err xj_identity_find_former (struct xj_db *db, const char *id_no,
                                     int64_t self, xj_identity_hit_cb cb,
                                     void *cls);
/* Up to @max ids of other records with @name and @birth_date. */
enum xj_err xj_identity_same_name_birth (struct xj_db *db, const char *name,
                                         const char *birth_date, int64_t self,
                                         int64_t *ids, size_t max, size_t *n);

/* Replace the warnings of stored record @s by @w (NULL or empty: none);
   a warning the registrar confirmed stays confirmed while its field
   holds the value confirmed (xj_identity_put_warnings). */
enum xj_err xj_identity_set_warnings (struct xj_db *db,
                                      const struct xj_student *s,
                                      const struct xj_verrs *w);
/* The same for the warnings on @field only (NULL: every field); the
   other fields' stored warnings stay.  With @cur (the record as stored
   now), each new warning whose field still holds the value of a
   confirmation of the same field and code (warning_confirms) is stored
   as confirmed; NULL (the field is moving, e.g. a grade change): every
   warning is open again.  The one writer of student_warnings. */
enum xj_err xj_identity_put_warnings (struct xj_db *db, int64_t student_id,
                                      const struct xj_verrs *w,
                                      const char *field,
                                      const struct xj_student *cur);
/* The value of @field (a JSON key of the record) as JSON text, the form
   a confirmation keeps ("null" if unset).  Caller frees. */
char *xj_identity_field_value (const struct xj_student *s, const char *field);
/* Warning @warning_id of @student_id: its field, code and confirmation
   (0 = open); XJ_E_NOT_FOUND if the record has none such. */
enum xj_err xj_identity_warning_get (struct xj_db *db, int64_t student_id,
                                     int64_t warning_id, char field[32],
                                     char code[48], int64_t *confirm_id);
/* Append the confirmation of warning @warning_id (field @value now) and
   mark the warning; XJ_E_WARNING_CONFIRMED if it was marked already. */
enum xj_err xj_identity_confirm_add (struct xj_db *db, int64_t student_id,
                                     int64_t warning_id, const char *field,
                                     const char *code, const char *value,
                                     const char *reason, const char *by);
struct xj_warning {
  int64_t id;
  const char *field, *code, *detail;
  int64_t confirm_id;     /* 0 = open */
  const char *confirmed_by, *confirmed_at, *reason;   /* "" when open */
};
typedef void (*xj_identity_warn_cb) (void *cls, const struct xj_warning *w);
enum xj_err xj_identity_warnings (struct xj_db *db, int64_t student_id,
                                  xj_identity_warn_cb cb, void *cls);

/* The registrar confirms warning @warning_id of record @student_id ("the
   data is right") with @reason: a warning_confirms row holding the
   field's value now, the warning marked confirmed, a "warning.confirm"
   event and an audit entry.  XJ_E_NOT_FOUND if the record has no such
   warning, XJ_E_WARNING_CONFIRMED if it is confirmed already. */
enum xj_err xj_identity_warning_confirm (struct xj_db *db,
                                         const struct xj_actor *a,
                                         int64_t student_id,
                                         int64_t warning_id,
                                         const char *reason);

/* Link merged record @merged_id (number @merged_no) to @survivor_id.
   XJ_E_MERGE_DONE if it was merged before. */
enum xj_err xj_identity_merge_add (struct xj_db *db, int64_t merged_id,
                                   int64_t survivor_id, const char *merged_no,
                                   int64_t flag_id, const char *reason,
                                   const char *by);
/* The record @id was merged into (*survivor_id 0: none). */
enum xj_err xj_identity_merged_into (struct xj_db *db, int64_t id,
                                     int64_t *survivor_id);

/* One suspected-duplicate pair. */
struct xj_dup_flag {
  int64_t id, student_id, other_id, change_id;
  char reason[200];
  char created_at[32];
  char state[16];         /* open confirmed dismissed */
  char resolved_by[64];
  char resolved_at[32];
  char resolution[400];
};

/* Flag the pair (@student_id, @other_id) unless an open flag for it
   exists or the pair was dismissed before (a review is not asked again;
   *added tells); sets dup_flag on both records. */
enum xj_err xj_identity_flag (struct xj_db *db, int64_t student_id,
                              int64_t other_id, const char *reason,
                              bool *added);
enum xj_err xj_identity_flag_get (struct xj_db *db, int64_t id,
                                  struct xj_dup_flag *f);
/* Close open flag @f as @state ("confirmed"/"dismissed") with @reason;
   clears dup_flag on records left without open flags.
   XJ_E_DUP_FLAG_STATE if it was no longer open. */
enum xj_err xj_identity_flag_resolve (struct xj_db *db,
                                      const struct xj_dup_flag *f,
                                      const char *state, const char *by,
                                      const char *reason, int64_t change_id);
typedef void (*xj_identity_flag_cb) (void *cls, const struct xj_dup_flag *f);
/* Flags in @state where either record is in county prefix @prefix
   ("" = all) and, when @school_id != 0, at that school. */
enum xj_err xj_identity_flag_list (struct xj_db *db, const char *prefix,
                                   int64_t school_id, const char *state,
                                   int64_t limit, int64_t offset,
                                   xj_identity_flag_cb cb, void *cls);

typedef enum xj_err (*xj_identity_group_cb) (void *cls, const char *ids);
/* Groups of record ids ("1,5,9") sharing name and birth date in
   @county. */
enum xj_err xj_identity_scan_groups (struct xj_db *db, const char *county,
                                     xj_identity_group_cb cb, void *cls);
enum xj_err xj_identity_scan_baseline (struct xj_db *db, const char *county,
                                       int64_t *groups);
typedef void (*xj_identity_data_cb) (void *cls, int64_t id, const void *data,
                                     size_t len);
/* id and packed data of every enrolled or suspended record of @county. */
enum xj_err xj_identity_county_data (struct xj_db *db, const char *county,
                                     xj_identity_data_cb cb, void *cls);

#endif
