/* import_int.h -- internals shared by the import pipeline's files
 * (import.c, import_map.c, import_store.c, import_report.c,
 * import_job.c).  Not for use outside src/import/.
 */
#ifndef XJ_IMPORT_INT_H
#define XJ_IMPORT_INT_H

#include "import/import.h"
#include "import/table.h"
#include "core/util.h"
#include "student/student.h"

/* ---- column mapping (import_map.c) ---- */
enum xj_icol_kind {
  XJ_ICM_UNKNOWN = 0,  /* not a known column: warned, not imported */
  XJ_ICM_FIELD,        /* a field of the record (xj_student_fields) */
  XJ_ICM_SCHOOL,       /* 学校标识码 */
  XJ_ICM_CLASS,        /* 班级 */
  XJ_ICM_REGNO,        /* 学籍号 */
  XJ_ICM_DUP,          /* a second column for a field already mapped */
  XJ_ICM_EMPTY         /* empty header cell: ignored */
};

struct xj_icol {
  enum xj_icol_kind kind;
  const struct xj_field *f;   /* XJ_ICM_FIELD */
  char *name;                 /* header text as in the file (owned) */
};

struct xj_imap {
  size_t ncols;
  struct xj_icol *cols;       /* owned, ncols entries */
  int *field_col;             /* per xj_student_fields index: column or -1 */
  size_t nfields;
  int school_col, class_col, regno_col;
};

/* Map header row @hdr.  Never fails; problems are seen in the kinds. */
void xj_imap_header (struct xj_imap *m, const struct xj_row *hdr);
void xj_imap_fini (struct xj_imap *m);
/* Column name for field @f: the file's header if mapped, else f->zh. */
const char *xj_imap_colname (const struct xj_imap *m, const struct xj_field *f,
                             int *col);
/* Excel serial day number (1900 date system) @v to "YYYY-MM-DD" in
   @out; false if @v is not one in the plausible range.  The importers
   of students and of absences (src/attend) read XLSX dates with it. */
bool xj_imap_excel_serial (const char *v, char *out, size_t outsz);
/* Normalised header text (spaces, full-width, ★ removed; ASCII lower). */
void xj_imap_norm (const char *in, char *out, size_t outsz);

/* Put cell @v into field @f of @s, accepting codes, "code-label", labels,
   and several date forms (@xlsx: Excel serial numbers too).  Returns
   XJ_E_OK, or the error with a Chinese @msg (the field then stays "not
   given"). */
enum xj_err xj_imap_cell (const struct xj_field *f, const char *v, bool xlsx,
                          struct xj_student *s, char *msg, size_t msgsz);
/* Class cell -> class number (1..99) or 0 when it is not a number form;
   accepts "3", "(3)班", "一年级(3)班", "3班", full-width brackets. */
unsigned xj_imap_class_no (const char *v);

/* ---- SQL (import_store.c) ---- */
enum xj_err xj_istore_count_students (struct xj_db *db, int64_t *n);
typedef void (*xj_istore_id_cb) (void *cls, const char *id_type,
                                 const char *id_no, int64_t school_id);
enum xj_err xj_istore_each_id (struct xj_db *db, xj_istore_id_cb cb,
                               void *cls);
/* Is @regno in use (students or aliases)? */
enum xj_err xj_istore_regno_used (struct xj_db *db, const char *regno,
                                  bool *used);
/* The bulk append the import's students go through (db.h), begun
   inside the import's transaction and ended before it commits. */
struct xj_db_bulk *xj_istore_bulk_begin (struct xj_db *db);
enum xj_err xj_istore_bulk_end (struct xj_db_bulk *b);
/* Whether the bulk mode drops and rebuilds the students' secondary
   indexes here (xj_db_bulk_rebuilds_indexes). */
bool xj_istore_rebuilds_indexes (const struct xj_db *db);
/* Insert a validated record (registry_no set) through @b, @data (@ndata
   bytes) being xj_student_pack's value; sets s->id.  XJ_E_ID_EXISTS /
   XJ_E_REGISTRY_NO_EXISTS on a unique clash of this row;
   XJ_E_IMPORT_CONFLICT when rows sent earlier clashed with another
   session's (PostgreSQL).  The "import" events are written afterwards
   by xj_istore_events. */
enum xj_err xj_istore_student_insert (struct xj_db_bulk *b,
                                      struct xj_student *s,
                                      const void *data, size_t ndata,
                                      const struct xj_actor *a,
                                      const char *at);
/* Which student a concurrent registration beat to its ID or registry
   number (XJ_E_IMPORT_CONFLICT: PostgreSQL's COPY met the other
   session's row in a unique index, xj_db_bulk_conflicted). */
struct xj_istore_clash {
  int64_t id;          /* the id the import gave the refused row */
  bool regno;          /* the registry number clashed (else the ID) */
  char value[128];     /* the clashing number */
};
/* True and *@out filled when the clash was in one of those two unique
   indexes of students and its row is known; false otherwise. */
bool xj_istore_clash (const struct xj_db *db, struct xj_istore_clash *out);
/* One student_events row of @kind for each of the @n students @ids
   (ascending), in that order. */
enum xj_err xj_istore_events (struct xj_db *db, const struct xj_actor *a,
                              const char *kind, const char *at,
                              const int64_t *ids, size_t n);
/* Every registry number in use (students and aliases). */
enum xj_err xj_istore_each_regno (struct xj_db *db,
                                  void (*cb) (void *cls, const char *regno),
                                  void *cls);
/* Bigger page cache for a bulk import (@big) or back to normal (and no
   sorter threads, see xj_istore_create_indexes). */
enum xj_err xj_istore_cache (struct xj_db *db, bool big);
/* temp_store FILE (@file) or back to MEMORY; outside a transaction. */
enum xj_err xj_istore_temp_file (struct xj_db *db, bool file);
/* Drop the students' secondary indexes and hold back the identity
   tables' insert trigger (SQLite's rebuild); *@since = the last id
   before, for xj_istore_create_indexes. */
enum xj_err xj_istore_drop_indexes (struct xj_db *db, int64_t *since);
/* Suspected duplicates and the 补建学籍 check: every (id, name, birth
   date, guardian phone or "") of the registry; is one in use; flag
   student @id against the students before it with that key and another
   ID (*flagged: some were). */
enum xj_err xj_istore_each_dupkey (struct xj_db *db,
                                   void (*cb) (void *cls, int64_t id,
                                               const char *name,
                                               const char *birth,
                                               const char *phone),
                                   void *cls);
/* Each guardian ID held by an enrolled or suspended student, with that
   student (bulk mode's guardian map). */
enum xj_err xj_istore_each_guardian (struct xj_db *db,
                                     void (*cb) (void *cls, const char *id_no,
                                                 int64_t student_id),
                                     void *cls);
enum xj_err xj_istore_dupkey_used (struct xj_db *db, const char *name,
                                   const char *birth, const char *phone,
                                   bool *used);
enum xj_err xj_istore_flag_dups (struct xj_db *db, int64_t id,
                                 const char *at, bool *flagged);
/* Write the identity rows of the students after @since and build the
   indexes again. */
enum xj_err xj_istore_create_indexes (struct xj_db *db, int64_t since);

/* A job: the registry's imports table once the worker took it, the auth
   store's import_queue before (import_queue_store.c). */
struct xj_istore_job {
  int64_t id;
  int64_t user_id;
  const char *username, *ip, *scope_region, *file_name, *file_path,
    *options, *created_at;
  int64_t scope_school_id;
  uint64_t file_size, rows_total;
  /* filled by xj_istore_queue_load */
  char path_buf[1200], name_buf[300], options_buf[512], ip_buf[64],
    user_buf[128], region_buf[16], created_buf[40];
};
/* The parameters a job's row is written with, into @p: $1 @first (the
   row's id, or the queue's id floor), $2..$10 @j's user, address,
   scope, file and options, $11 rows_total, $12 @created_at, then the
   end marker.  The queue's INSERT (import_queue_store.c) and the
   registry's (xj_istore_job_take) bind the same columns in the same
   order.  @p points into @j: valid while @j is. */
#define XJ_ISTORE_JOB_NPARAMS 12
void xj_istore_job_params (const struct xj_istore_job *j, int64_t first,
                           const char *created_at,
                           struct xj_db_param p[XJ_ISTORE_JOB_NPARAMS + 1]);
/* The registry's row for @j (status queued, id j->id), unless one with
   that id exists already (then nothing changes). */
enum xj_err xj_istore_job_take (struct xj_db *db,
                                const struct xj_istore_job *j);
/* The largest id in the registry's imports (0 if none). */
enum xj_err xj_istore_job_max_id (struct xj_db *db, int64_t *id);
/* Rows left 'queued' in the registry (never run) -> failed; @cb gets
   each one's upload to delete. */
enum xj_err xj_istore_job_unrun (struct xj_db *db,
                                 void (*cb) (void *cls, const char *path),
                                 void *cls);
/* queued -> running; *started false if it was no longer queued. */
enum xj_err xj_istore_job_start (struct xj_db *db, int64_t id, bool *started);
enum xj_err xj_istore_job_finish (struct xj_db *db, int64_t id,
                                  const char *status, const char *message,
                                  const struct xj_import_result *res,
                                  const char *report_path,
                                  const char *errors_json);
/* Jobs left 'running' by a stopped server -> failed. */
enum xj_err xj_istore_job_interrupted (struct xj_db *db);
/* One job as JSON (caller owns) and its report path (caller frees; "" =
   none; @report may be NULL). */
enum xj_err xj_istore_job_get (struct xj_db *db, int64_t id, json_t **out,
                               char **report);
/* Jobs of @user_id (0 = all), newest first, appended to @arr. */
enum xj_err xj_istore_job_list (struct xj_db *db, int64_t user_id,
                                int64_t limit, json_t *arr);
/* Run @st ($1 user id or 0, $2 limit) appending each row of JOB_COLS's
   shape to @arr as a job object. */
enum xj_err xj_istore_jobs_q (struct xj_db *db, struct xj_db_stmt *st,
                              int64_t user_id, int64_t limit, json_t *arr);
/* A row of JOB_COLS's shape as the API's job object. */
struct xj_db_row;
json_t *xj_istore_job_json (const struct xj_db_row *r);

/* ---- the queue, in the auth store (import_queue_store.c) ---- */
/* Queue @j; its id (into *id) is above @min_id and every id queued
   before. */
enum xj_err xj_istore_queue_insert (struct xj_db *auth,
                                    const struct xj_istore_job *j,
                                    int64_t min_id, int64_t *id);
/* The oldest queued (or cancelled, not yet recorded) job's id;
   XJ_E_NOT_FOUND when the queue is empty. */
enum xj_err xj_istore_queue_next (struct xj_db *auth, int64_t *id);
/* Job @id into @j (its strings in @j's buffers); *cancelled when it was
   cancelled while queued. */
enum xj_err xj_istore_queue_load (struct xj_db *auth, int64_t id,
                                  struct xj_istore_job *j, bool *cancelled);
/* The worker took @id (its registry row exists). */
enum xj_err xj_istore_queue_delete (struct xj_db *auth, int64_t id);
/* queued -> cancelled; *done tells whether it was queued; @path gets the
   upload to delete. */
enum xj_err xj_istore_queue_cancel (struct xj_db *auth, int64_t id,
                                    bool *done, char *path, size_t pathsz);
/* One queued job as JSON, XJ_E_NOT_FOUND if not in the queue. */
enum xj_err xj_istore_queue_get (struct xj_db *auth, int64_t id,
                                 json_t **out);
/* Queued jobs of @user_id (0 = all), newest first, appended to @arr. */
enum xj_err xj_istore_queue_list (struct xj_db *auth, int64_t user_id,
                                  int64_t limit, json_t *arr);

/* An integer setting (settings table) >= 0, or @def when unset/junk. */
enum xj_err xj_istore_setting_int (struct xj_db *db, const char *key,
                                   int64_t def, int64_t *out);
/* Queued and running jobs, in all and of one user: the registry's
   (xj_istore_job_usage, taken or running) and the auth store's queue
   (xj_istore_queue_usage) each ADD to @u. */
struct xj_istore_usage {
  int64_t jobs, bytes, user_jobs, user_bytes;
};
enum xj_err xj_istore_job_usage (struct xj_db *db, int64_t user_id,
                                 struct xj_istore_usage *u);
enum xj_err xj_istore_queue_usage (struct xj_db *auth, int64_t user_id,
                                   struct xj_istore_usage *u);
/* Row callback adding (jobs, bytes, user's jobs, user's bytes) to @cls. */
int xj_istore_usage_row (void *cls, const struct xj_db_row *r);
/* Finished jobs not yet expired that finished before @before (ISO time),
   up to 200 per call, with their report path ("" = none). */
typedef void (*xj_istore_expired_cb) (void *cls, int64_t id,
                                      const char *report);
enum xj_err xj_istore_jobs_expired (struct xj_db *db, const char *before,
                                    xj_istore_expired_cb cb, void *cls);
/* Mark @id expired at @at: report path and errors cleared. */
enum xj_err xj_istore_job_expire (struct xj_db *db, int64_t id,
                                  const char *at);

/* ---- errors (import.c) ---- */
struct xj_import_errs;

#endif
