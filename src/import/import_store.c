/* import_store.c -- the import pipeline's own SQL: counting the registry,
 * preloading its ID numbers, registry-number look-ups, and dropping and
 * re-creating the secondary indexes of students for a bulk load, the
 * bulk insert (the students row; the "import" events after the last row
 * in one statement) and the imports table.
 *
 * Runs inside the import's write transaction.  DDL is transactional in
 * SQLite: a rollback (or a kill -9 before COMMIT) brings the indexes back
 * with everything else.  The CREATE statements must stay identical to
 * the migrations (0001_init.sql, 0003_enrolled_index.sql); the unit test
 * compares sqlite_master before and after a bulk import.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "import/import_int.h"
#include "student/identity.h"
#include "student/student_json.h"
#include "student/student_store.h"
#include "student/student_store_sql.h"
#include "validate/codes.h"

XJ_DB_STMT (st_imp_count, "SELECT count(*) FROM students")
XJ_DB_STMT (st_imp_ids,
            "SELECT id_type, id_no, school_id FROM students"
            " WHERE id_no IS NOT NULL")

/* Secondary indexes of the tables a bulk import fills.  IF [NOT] EXISTS
   only so the statements prepare at connection open whatever the current
   state; SQLite stores the definition without that clause. */
XJ_DB_STMT (st_imp_drop1, "DROP INDEX IF EXISTS students_id_no")
XJ_DB_STMT (st_imp_drop2, "DROP INDEX IF EXISTS students_list")
XJ_DB_STMT (st_imp_drop3, "DROP INDEX IF EXISTS students_class")
XJ_DB_STMT (st_imp_drop4, "DROP INDEX IF EXISTS students_dupkey")
XJ_DB_STMT (st_imp_drop5, "DROP INDEX IF EXISTS students_enrolled")
XJ_DB_STMT (st_imp_drop6, "DROP INDEX IF EXISTS students_regno_shown")
XJ_DB_STMT (st_imp_drop7, "DROP INDEX IF EXISTS students_asof")
/* the name search's grams (0033): the students' insert trigger writes
   them, so they grow with the import like the students' own indexes */
XJ_DB_STMT (st_imp_drop8, "DROP INDEX IF EXISTS student_name_grams_school")
XJ_DB_STMT (st_imp_create1,
            "CREATE INDEX IF NOT EXISTS students_id_no ON students"
            " (id_no, id_type) WHERE id_no IS NOT NULL")
XJ_DB_STMT (st_imp_create2,
            "CREATE INDEX IF NOT EXISTS students_list ON students"
            " (school_id, grade, class_id, status, name)")
XJ_DB_STMT (st_imp_create3,
            "CREATE INDEX IF NOT EXISTS students_class ON students (class_id)")
XJ_DB_STMT (st_imp_create4,
            "CREATE INDEX IF NOT EXISTS students_dupkey ON students"
            " (name, birth_date)")
XJ_DB_STMT (st_imp_create5,
            "CREATE INDEX IF NOT EXISTS students_enrolled ON students"
            " (school_id, grade, gender)\n  WHERE status = 'enrolled'")
XJ_DB_STMT (st_imp_create6,
            "CREATE INDEX IF NOT EXISTS students_regno_shown ON students"
            " (substr(registry_no, 1, 15))")
XJ_DB_STMT (st_imp_create7,
            "CREATE INDEX IF NOT EXISTS students_asof ON students\n"
            "  (school_id, grade, class_id, gender, created_at, status)\n"
            "  WHERE status = 'enrolled'")
XJ_DB_STMT (st_imp_create8,
            "CREATE INDEX IF NOT EXISTS student_name_grams_school"
            " ON student_name_grams (school_id, gram, student_id)")
/* student_events_student (student_id, id) stays: the import's events
   are written after the last row in id order (xj_istore_events), so
   that index only grows at its end. */

static int
count_cb (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 1;
}

/* One integer from @st (no parameters) into *n, 0 if no row. */
static enum xj_err
one_int (struct xj_db *db, struct xj_db_stmt *st, int64_t *n)
{
  enum xj_qs qs;

  *n = 0;
  qs = xj_db_q (db, st, XJ_DB_NOPARAMS, &count_cb, n);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_istore_count_students (struct xj_db *db, int64_t *n)
{
  return one_int (db, &st_imp_count, n);
}

struct each_ctx {
  xj_istore_id_cb cb;
  void *cls;
};

static int
each_cb (void *cls, const struct xj_db_row *r)
{
  struct each_ctx *c = cls;

  c->cb (c->cls, xj_db_text (r, 0), xj_db_text (r, 1), xj_db_int (r, 2));
  return 0;
}

enum xj_err
xj_istore_each_id (struct xj_db *db, xj_istore_id_cb cb, void *cls)
{
  struct each_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_imp_ids, XJ_DB_NOPARAMS, &each_cb, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* the identity rule's own look-up (identity_store.c) */
enum xj_err
xj_istore_regno_used (struct xj_db *db, const char *regno, bool *used)
{
  return xj_identity_regno_used (db, regno, used);
}

/* ---- suspected duplicates (same rule as xj_student_dup_candidates) ---- */
XJ_DB_STMT (st_imp_dupkeys,
            "SELECT id, name, birth_date, coalesce(guardian_phone, '')"
            " FROM students")
XJ_DB_STMT (st_imp_dupkey_used,
            "SELECT 1 FROM students WHERE name = $1 AND birth_date = $2"
            " AND guardian_phone = $3 LIMIT 1")
/* Student $1 against every student before it; the reason text is
   registration's (student_register.c). */
XJ_DB_STMT (st_imp_flag_dups,
            "INSERT INTO duplicate_flags (student_id, other_id, reason,"
            " created_at, province) SELECT n.id, o.id,"
            " 'same name, birth date and guardian phone', $2, n.province"
            " FROM students n JOIN students o ON o.name = n.name"
            " AND o.birth_date = n.birth_date"
            " AND o.guardian_phone = n.guardian_phone"
            " AND coalesce(o.id_no, '') <> coalesce(n.id_no, '')"
            " AND o.id < n.id WHERE n.id = $1 RETURNING other_id")
XJ_DB_STMT (st_imp_set_dup, "UPDATE students SET dup_flag = 1 WHERE id = $1")

struct dupkey_ctx {
  void (*cb) (void *cls, int64_t id, const char *name, const char *birth,
              const char *phone);
  void *cls;
};

static int
dupkey_cb (void *cls, const struct xj_db_row *r)
{
  struct dupkey_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_text (r, 1), xj_db_text (r, 2),
         xj_db_text (r, 3));
  return 0;
}

enum xj_err
xj_istore_each_dupkey (struct xj_db *db,
                       void (*cb) (void *cls, int64_t id, const char *name,
                                   const char *birth, const char *phone),
                       void *cls)
{
  struct dupkey_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_imp_dupkeys, XJ_DB_NOPARAMS, &dupkey_cb,
                           &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_istore_dupkey_used (struct xj_db *db, const char *name, const char *birth,
                       const char *phone, bool *used)
{
  enum xj_qs qs = xj_db_q (db, &st_imp_dupkey_used,
                           XJ_DB_PARAMS (XJ_DB_S (name), XJ_DB_S (birth),
                                         XJ_DB_S (phone)),
                           NULL, NULL);

  if (qs < 0)
    return xj_db_qs_err (qs);
  *used = qs > 0;
  return XJ_E_OK;
}

enum xj_err
xj_istore_flag_dups (struct xj_db *db, int64_t id, const char *at,
                     bool *flagged)
{
  enum xj_qs qs = xj_db_q (db, &st_imp_flag_dups,
                           XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (at)),
                           NULL, NULL);

  *flagged = false;
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (0 == qs)                /* rows returned: the flags inserted */
    return XJ_E_OK;
  *flagged = true;
  qs = xj_db_q (db, &st_imp_set_dup, XJ_DB_PARAMS (XJ_DB_I (id)), NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static enum xj_err
run_all (struct xj_db *db, struct xj_db_stmt *const *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      enum xj_qs qs = xj_db_q (db, v[i], XJ_DB_NOPARAMS, NULL, NULL);

      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  return XJ_E_OK;
}

/* The identity tables (migration 0038) of the students a rebuilding
   import adds: its row in `backfills` holds back SQLite's insert trigger
   (one random insert into each table's B-tree per row, which cost the
   import a fifth more CPU), and once the rows are in, two INSERTs in key
   order write them all, as CREATE INDEX sorts the students' own.  A
   clash there (which the import's ID and number sets rule out) fails the
   import like a clash in CREATE UNIQUE INDEX would. */
XJ_DB_STMT (st_imp_id_defer,
            "INSERT INTO backfills (name) VALUES ('identities')")
XJ_DB_STMT (st_imp_id_since, "SELECT coalesce(max(id), 0) FROM students")
XJ_DB_STMT (st_imp_id_nos,
            "INSERT INTO registry_numbers (registry_no, student_id, province)"
            " SELECT st.registry_no, st.id,"
            " " XJ_COUNTY_PROVINCE ("sc.county_code") " FROM students st"
            " JOIN schools sc ON sc.id = st.school_id WHERE st.id > $1"
            " ORDER BY st.registry_no")
XJ_DB_STMT (st_imp_id_ids,
            "INSERT INTO student_identities (id_no, id_type, student_id,"
            " province) SELECT st.id_no, st.id_type, st.id,"
            " " XJ_COUNTY_PROVINCE ("sc.county_code") " FROM students st"
            " JOIN schools sc ON sc.id = st.school_id WHERE st.id > $1"
            " AND st.id_no IS NOT NULL ORDER BY st.id_no, st.id_type")
XJ_DB_STMT (st_imp_id_resume,
            "DELETE FROM backfills WHERE name = 'identities'")

enum xj_err
xj_istore_drop_indexes (struct xj_db *db, int64_t *since)
{
  struct xj_db_stmt *const v[] = { &st_imp_drop1, &st_imp_drop2,
                                   &st_imp_drop3, &st_imp_drop4,
                                   &st_imp_drop5, &st_imp_drop6,
                                   &st_imp_drop7, &st_imp_drop8,
                                   &st_imp_id_defer };
  enum xj_qs qs = xj_db_q (db, &st_imp_id_since, XJ_DB_NOPARAMS,
                           &xj_db_int64_cb, since);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return run_all (db, v, sizeof v / sizeof v[0]);
}

static enum xj_err
fill_identities (struct xj_db *db, int64_t since)
{
  struct xj_db_stmt *const v[] = { &st_imp_id_nos, &st_imp_id_ids };
  enum xj_qs qs = XJ_QS_NONE;

  for (size_t i = 0; i < sizeof v / sizeof v[0] && qs >= 0; i++)
    qs = xj_db_q (db, v[i], XJ_DB_PARAMS (XJ_DB_I (since)), NULL, NULL);
  if (qs >= 0)
    qs = xj_db_q (db, &st_imp_id_resume, XJ_DB_NOPARAMS, NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* How the indexes are sorted: a small page cache and one helper thread.
   SQLite's sorter takes its memory budget from the page cache; with the
   import's 96 MB it sorted each index's million keys in one list on one
   thread.  With 4 MB it sorts chunks of the keys on the helper thread
   while this one reads the table, then merges them: the six indexes of a
   million students took 3.4-3.7 s instead of 5.9 s (bench/README.md).
   The second core is otherwise idle by then (the reader thread is done).
   Both are put back when the import ends (xj_istore_cache).  SQLite
   only: xj_db_tune (XJ_DB_TUNE_INDEX_SORT). */
enum xj_err
xj_istore_create_indexes (struct xj_db *db, int64_t since)
{
  struct xj_db_stmt *const v[] = { &st_imp_create1, &st_imp_create2,
                                   &st_imp_create3, &st_imp_create4,
                                   &st_imp_create5, &st_imp_create6,
                                   &st_imp_create7, &st_imp_create8 };
  enum xj_err e = xj_db_tune (db, XJ_DB_TUNE_INDEX_SORT);

  if (XJ_E_OK == e)
    e = fill_identities (db, since);
  return XJ_E_OK == e ? run_all (db, v, sizeof v / sizeof v[0]) : e;
}

/* ---- the imports table (background jobs, import_job.c) ---- */

XJ_DB_STMT (st_job_start,
            "UPDATE imports SET status = 'running', started_at = $2"
            " WHERE id = $1 AND status = 'queued'")
XJ_DB_STMT (st_job_finish,
            "UPDATE imports SET status = $2, message = $3, rows_done = $4,"
            " rows_total = $4, imported = $5, rejected = $6, already = $7,"
            " finished_at = $8, report_path = $9, errors = $10,"
            " file_sha256 = $11, file_path = NULL WHERE id = $1")
/* the row may be there already (a worker killed after writing it); no
   conflict target: the key is (id, province) on PostgreSQL since 0042,
   and SQLite 3.40 matches no target to an index holding its INTEGER
   PRIMARY KEY column (docs/db.md "The province in every key") */
XJ_DB_STMT (st_job_take,
            "INSERT INTO imports (id, user_id, username, ip,"
            " scope_school_id, scope_region, file_name, file_path,"
            " file_size, options, status, rows_total, created_at, province)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued',"
            " $11, $12, " XJ_IMPORT_PROVINCE ("$5", "$6")
            ") ON CONFLICT DO NOTHING")
XJ_DB_STMT (st_job_max_id, "SELECT coalesce(max(id), 0) FROM imports")
/* Rows left 'queued' in the registry: taken by a worker killed before
   it started them, or queued by a version that kept its queue here. */
XJ_DB_STMT (st_job_unrun,
            "UPDATE imports SET status = 'failed', finished_at = $1,"
            " message = '服务器停止、重启或升级，导入未运行，未写入任何数据',"
            " file_path = NULL WHERE status = 'queued'"
            " RETURNING coalesce(file_path, '')")
XJ_DB_STMT (st_job_interrupted,
            "UPDATE imports SET status = 'failed', finished_at = $1,"
            " message = '服务器停止或重启，导入中断，未写入任何数据'"
            " WHERE status = 'running'")
#define JOB_COLS                                                         \
  "id, user_id, username, file_name, file_size, options, status, message," \
  " rows_total, rows_done, imported, rejected, already, created_at,"     \
  " coalesce(started_at, ''), coalesce(finished_at, ''),"                 \
  " coalesce(report_path, ''), errors, file_sha256,"                    \
  " coalesce(expired_at, '')"
XJ_DB_STMT (st_job_get, "SELECT " JOB_COLS " FROM imports WHERE id = $1")
XJ_DB_STMT (st_job_list,
            "SELECT " JOB_COLS " FROM imports WHERE ($1 = 0 OR user_id = $1)"
            " ORDER BY id DESC LIMIT $2")

enum xj_err
xj_istore_job_start (struct xj_db *db, int64_t id, bool *started)
{
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (db, &st_job_start, XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (at)),
                NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  *started = qs > 0;
  return XJ_E_OK;
}

enum xj_err
xj_istore_job_finish (struct xj_db *db, int64_t id, const char *status,
                      const char *message,
                      const struct xj_import_result *res,
                      const char *report_path, const char *errors_json)
{
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (db, &st_job_finish,
                XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (status),
                              XJ_DB_S (message), XJ_DB_I ((int64_t) res->rows),
                              XJ_DB_I ((int64_t) res->imported),
                              XJ_DB_I ((int64_t) res->rejected),
                              XJ_DB_I ((int64_t) res->already), XJ_DB_S (at),
                              XJ_DB_SE (report_path), XJ_DB_S (errors_json),
                              XJ_DB_S (res->sha256)),
                NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

void
xj_istore_job_params (const struct xj_istore_job *j, int64_t first,
                      const char *created_at,
                      struct xj_db_param p[XJ_ISTORE_JOB_NPARAMS + 1])
{
  const struct xj_db_param v[] = {
    XJ_DB_I (first), XJ_DB_I (j->user_id), XJ_DB_S (j->username),
    XJ_DB_S (j->ip),
    j->scope_school_id ? XJ_DB_I (j->scope_school_id) : XJ_DB_NUL,
    XJ_DB_S (j->scope_region), XJ_DB_S (j->file_name),
    XJ_DB_S (j->file_path), XJ_DB_I ((int64_t) j->file_size),
    XJ_DB_S (j->options), XJ_DB_I ((int64_t) j->rows_total),
    XJ_DB_S (created_at), XJ_DB_END
  };

  _Static_assert (sizeof v / sizeof v[0] == XJ_ISTORE_JOB_NPARAMS + 1,
                  "a job row has 12 parameters");
  memcpy (p, v, sizeof v);
}

enum xj_err
xj_istore_job_take (struct xj_db *db, const struct xj_istore_job *j)
{
  struct xj_db_param p[XJ_ISTORE_JOB_NPARAMS + 1];
  enum xj_qs qs;

  xj_istore_job_params (j, j->id, j->created_at, p);
  qs = xj_db_q (db, &st_job_take, p, NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_istore_job_max_id (struct xj_db *db, int64_t *id)
{
  return one_int (db, &st_job_max_id, id);
}

struct unrun_ctx {
  void (*cb) (void *cls, const char *path);
  void *cls;
};

static int
unrun_cb (void *cls, const struct xj_db_row *r)
{
  struct unrun_ctx *c = cls;

  c->cb (c->cls, xj_db_text (r, 0));
  return 0;
}

enum xj_err
xj_istore_job_unrun (struct xj_db *db,
                     void (*cb) (void *cls, const char *path), void *cls)
{
  struct unrun_ctx c = { cb, cls };
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (db, &st_job_unrun, XJ_DB_PARAMS (XJ_DB_S (at)), &unrun_cb, &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_istore_job_interrupted (struct xj_db *db)
{
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (db, &st_job_interrupted, XJ_DB_PARAMS (XJ_DB_S (at)), NULL,
                NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

json_t *
xj_istore_job_json (const struct xj_db_row *r)
{
  json_t *opts = json_loads (xj_db_text (r, 5), 0, NULL);
  json_t *errs = json_loads (xj_db_text (r, 17), 0, NULL);
  /* names stored by older versions may be cut inside a character or not
     UTF-8 at all; json_pack would then give no object */
  char *name = xj_utf8_clean (xj_db_text (r, 3), 1024);
  json_t *j;

  j = json_pack (
    "{s:I, s:I, s:s, s:s, s:I, s:o, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s,"
    " s:s?, s:s?, s:b, s:o, s:s}",
    "id", (json_int_t) xj_db_int (r, 0), "user_id",
    (json_int_t) xj_db_int (r, 1), "username", xj_db_text (r, 2),
    "file_name", name, "file_size",
    (json_int_t) xj_db_int (r, 4), "options",
    opts ? opts : json_object (), "status", xj_db_text (r, 6), "message",
    xj_db_text (r, 7), "rows_total", (json_int_t) xj_db_int (r, 8),
    "rows_done", (json_int_t) xj_db_int (r, 9), "imported",
    (json_int_t) xj_db_int (r, 10), "rejected",
    (json_int_t) xj_db_int (r, 11), "already",
    (json_int_t) xj_db_int (r, 12), "created_at", xj_db_text (r, 13),
    "started_at", xj_db_text (r, 14)[0] ? xj_db_text (r, 14) : NULL,
    "finished_at", xj_db_text (r, 15)[0] ? xj_db_text (r, 15) : NULL,
    "has_report", '\0' != xj_db_text (r, 16)[0], "errors",
    errs ? errs : json_array (), "sha256", xj_db_text (r, 18));
  free (name);
  if (j && xj_db_text (r, 19)[0])
    json_object_set_new (j, "expired_at", json_string (xj_db_text (r, 19)));
  if (NULL == j)
    XJ_BUG ("import job %lld: cannot build its JSON",
            (long long) xj_db_int (r, 0));
  return j;
}

struct get_ctx {
  json_t *j;
  char *report;
};

static int
get_cb (void *cls, const struct xj_db_row *r)
{
  struct get_ctx *c = cls;

  c->j = xj_istore_job_json (r);
  c->report = xj_strdup (xj_db_text (r, 16));
  return 1;
}

enum xj_err
xj_istore_job_get (struct xj_db *db, int64_t id, json_t **out, char **report)
{
  struct get_ctx c = { NULL, NULL };
  enum xj_qs qs = xj_db_q (db, &st_job_get, XJ_DB_PARAMS (XJ_DB_I (id)),
                           &get_cb, &c);

  *out = NULL;
  if (report)
    *report = NULL;
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_NOT_FOUND;
  if (NULL == c.j)
    {
      free (c.report);
      return XJ_E_INTERNAL;
    }
  *out = c.j;
  if (report)
    *report = c.report;
  else
    free (c.report);
  return XJ_E_OK;
}

static int
list_cb (void *cls, const struct xj_db_row *r)
{
  json_array_append_new (cls, xj_istore_job_json (r));
  return 0;
}

enum xj_err
xj_istore_jobs_q (struct xj_db *db, struct xj_db_stmt *st, int64_t user_id,
                  int64_t limit, json_t *arr)
{
  enum xj_qs qs = xj_db_q (db, st,
                           XJ_DB_PARAMS (XJ_DB_I (user_id), XJ_DB_I (limit)),
                           &list_cb, arr);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_istore_job_list (struct xj_db *db, int64_t user_id, int64_t limit,
                    json_t *arr)
{
  return xj_istore_jobs_q (db, &st_job_list, user_id, limit, arr);
}

/* ---- queue limits and retention ---- */
XJ_DB_STMT (st_job_setting, "SELECT value FROM settings WHERE key = $1")
XJ_DB_STMT (st_job_usage,
            "SELECT count(*), coalesce(sum(file_size), 0),"
            " coalesce(sum(CASE WHEN user_id = $1 THEN 1 ELSE 0 END), 0),"
            " coalesce(sum(CASE WHEN user_id = $1 THEN file_size END), 0)"
            " FROM imports WHERE status IN ('queued', 'running')")
XJ_DB_STMT (st_job_expired,
            "SELECT id, coalesce(report_path, '') FROM imports"
            " WHERE expired_at IS NULL AND finished_at < $1"
            " AND status IN ('done', 'failed', 'cancelled') ORDER BY id"
            " LIMIT 200")
XJ_DB_STMT (st_job_expire,
            "UPDATE imports SET expired_at = $2, report_path = NULL,"
            " errors = '[]' WHERE id = $1")

static int
setting_cb (void *cls, const struct xj_db_row *r)
{
  int64_t v;

  if (xj_parse_i64 (xj_db_text (r, 0), &v) && v >= 0)
    *(int64_t *) cls = v;
  return 1;
}

enum xj_err
xj_istore_setting_int (struct xj_db *db, const char *key, int64_t def,
                       int64_t *out)
{
  enum xj_qs qs;

  *out = def;
  qs = xj_db_q (db, &st_job_setting, XJ_DB_PARAMS (XJ_DB_S (key)),
                &setting_cb, out);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

int
xj_istore_usage_row (void *cls, const struct xj_db_row *r)
{
  struct xj_istore_usage *u = cls;

  u->jobs += xj_db_int (r, 0);
  u->bytes += xj_db_int (r, 1);
  u->user_jobs += xj_db_int (r, 2);
  u->user_bytes += xj_db_int (r, 3);
  return 1;
}

enum xj_err
xj_istore_job_usage (struct xj_db *db, int64_t user_id,
                     struct xj_istore_usage *u)
{
  enum xj_qs qs;

  qs = xj_db_q (db, &st_job_usage, XJ_DB_PARAMS (XJ_DB_I (user_id)),
                &xj_istore_usage_row, u);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct expired_ctx {
  xj_istore_expired_cb cb;
  void *cls;
};

static int
expired_cb (void *cls, const struct xj_db_row *r)
{
  struct expired_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_text (r, 1));
  return 0;
}

enum xj_err
xj_istore_jobs_expired (struct xj_db *db, const char *before,
                        xj_istore_expired_cb cb, void *cls)
{
  struct expired_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_job_expired,
                           XJ_DB_PARAMS (XJ_DB_S (before)), &expired_cb, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_istore_job_expire (struct xj_db *db, int64_t id, const char *at)
{
  enum xj_qs qs = xj_db_q (db, &st_job_expire,
                           XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (at)), NULL,
                           NULL);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- the bulk insert path ----
   The students INSERT of xj_student_insert (student_store.c) without its
   per-row event, with `data` packed by the reader thread
   (xj_student_pack), as a bulk append (db.h): COPY on PostgreSQL, the
   prepared INSERT on SQLite.  tests/unit/test_import_pipeline.c checks a
   record stored this way loads back equal to one stored by
   xj_student_insert. */
XJ_DB_BULK (st_imp_stu_bulk, "students",
            "registry_no, id_type, id_no, name, gender, birth_date,"
            " school_id, class_id, grade, status, dup_flag, version,"
            " guardian_phone, data, created_at, updated_at, created_by,"
            " province",
            "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
            " $16, $17, $18, $19")
/* The event of a student whose id is not in one run with the others
   (only when another session took numbers in between, on PostgreSQL):
   one statement each, which looks the province up. */
XJ_DB_STMT (st_imp_ev_one,
            "INSERT INTO student_events (student_id, kind, at, actor_id, actor,"
            " province) VALUES ($1, $2, $3, $4, $5,"
            " " XJ_PROVINCE_OF ("students", "$1") ")")
/* The students' "import" events, written every EVENT_BATCH students in
   one statement when their ids are one run first+1..last (every INSERT
   takes the next id, so they are unless another session inserted
   meanwhile): the same rows (ids included) as one INSERT per student
   right after it, without a million statement round trips, and with the
   events' pages written in one run instead of interleaved with the
   students' (docs/internals/import.md).  The run is read as a range of
   the students' key, which hands each row's province along (a look-up
   by id per event cost twice as much on PostgreSQL's partitions). */
XJ_DB_STMT (st_imp_stu_events_range,
            "INSERT INTO student_events (student_id, kind, at, actor_id, actor,"
            " before, after, province) SELECT s.id, $1, $2, $3, $4, NULL, NULL,"
            " s.province FROM students s WHERE s.id > $5 AND s.id <= $6"
            " ORDER BY s.id")
/* every number given, current or former (migration 0038) */
XJ_DB_STMT (st_imp_regnos, "SELECT registry_no FROM registry_numbers")

/* The guardian IDs of the enrolled or suspended students: the holders
   xj_identity_guardian_count counts. */
XJ_DB_STMT (st_imp_guardians,
            "SELECT g.id_no, g.student_id FROM guardian_ids g"
            " JOIN students st ON st.id = g.student_id"
            " WHERE st.status IN ('enrolled', 'suspended')")

struct guardian_ctx {
  void (*cb) (void *cls, const char *id_no, int64_t student_id);
  void *cls;
};

static int
guardian_cb (void *cls, const struct xj_db_row *r)
{
  struct guardian_ctx *c = cls;

  c->cb (c->cls, xj_db_text (r, 0), xj_db_int (r, 1));
  return 0;
}

enum xj_err
xj_istore_each_guardian (struct xj_db *db,
                         void (*cb) (void *cls, const char *id_no,
                                     int64_t student_id),
                         void *cls)
{
  struct guardian_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_imp_guardians, XJ_DB_NOPARAMS,
                           &guardian_cb, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct xj_db_bulk *
xj_istore_bulk_begin (struct xj_db *db)
{
  return xj_db_bulk_begin (db, &st_imp_stu_bulk);
}

enum xj_err
xj_istore_bulk_end (struct xj_db_bulk *b)
{
  enum xj_qs qs = xj_db_bulk_end (b);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

bool
xj_istore_rebuilds_indexes (const struct xj_db *db)
{
  return xj_db_bulk_rebuilds_indexes (db);
}

/* A UNIQUE clash of the bulk insert: which one (SQLite: this row's), or
   XJ_E_IMPORT_CONFLICT when rows sent earlier clashed with another
   session's (PostgreSQL's COPY: the transaction is lost). */
static enum xj_err
unique_clash (struct xj_db *db, const struct xj_student *s)
{
  if (xj_db_bulk_conflicted (db, NULL))
    return XJ_E_IMPORT_CONFLICT;
  return xj_student_unique_clash (db, s);
}

/* The unique keys the import can clash in: the identity tables'
   (migration 0038; students has no unique index of its own on PostgreSQL
   since 0040, and the trigger filling them runs after the COPY's last
   line, so the row is not known: id 0).  PostgreSQL words the key
   "(id_no, id_type)=(value, 1)" and "(registry_no)=(value)". */
bool
xj_istore_clash (const struct xj_db *db, struct xj_istore_clash *out)
{
  struct xj_db_conflict c;
  const char *v;
  size_t n;

  if (! xj_db_bulk_conflicted (db, &c) || 0 != strcmp (c.table, "students"))
    return false;
  if (0 == strcmp (c.constraint, "registry_numbers_pkey"))
    out->regno = true;
  else if (0 == strcmp (c.constraint, "student_identities_pkey"))
    out->regno = false;
  else
    return false;
  out->id = c.id;
  v = strstr (c.key, ")=(");
  v = NULL != v ? v + 3 : "";
  n = strcspn (v, ",)");
  xj_snprintf (out->value, sizeof out->value, "%.*s", (int) n, v);
  return true;
}

enum xj_err
xj_istore_student_insert (struct xj_db_bulk *b, struct xj_student *s,
                          const void *data, size_t ndata,
                          const struct xj_actor *a, const char *at)
{
  const char *gphone = s->guardians[0].phone[0] ? s->guardians[0].phone
                                                : NULL;
  enum xj_qs qs;

  qs = xj_db_bulk_row (b,
                       XJ_DB_PARAMS (XJ_DB_S (s->registry_no),
                                     XJ_DB_S (s->id_type), XJ_DB_SE (s->id_no),
                                     XJ_DB_S (s->name), XJ_DB_I (s->gender),
                                     XJ_DB_S (s->birth_date),
                                     XJ_DB_I (s->school_id),
                                     s->class_id ? XJ_DB_I (s->class_id)
                                                 : XJ_DB_NUL,
                                     XJ_DB_S (s->grade), XJ_DB_S (s->status),
                                     XJ_DB_I (s->dup_flag), XJ_DB_I (1),
                                     XJ_DB_S (gphone), XJ_DB_B (data, ndata),
                                     XJ_DB_S (at), XJ_DB_S (at),
                                     a->user_id ? XJ_DB_I (a->user_id)
                                                : XJ_DB_NUL,
                                     XJ_DB_I (s->province)),
                       &s->id);
  if (XJ_QS_UNIQUE == qs)
    return unique_clash (xj_db_bulk_db (b), s);
  if (qs < 0)
    return xj_db_qs_err (qs);
  s->version = 1;
  return XJ_E_OK;
}

/* The events one at a time. */
static enum xj_err
events_each (struct xj_db *db, const struct xj_actor *a, const char *kind,
             const char *at, const int64_t *ids, size_t n)
{
  enum xj_qs qs = XJ_QS_NONE;

  for (size_t i = 0; i < n && qs >= 0; i++)
    qs = xj_db_q (db, &st_imp_ev_one,
                  XJ_DB_PARAMS (XJ_DB_I (ids[i]), XJ_DB_S (kind), XJ_DB_S (at),
                                a->user_id ? XJ_DB_I (a->user_id) : XJ_DB_NUL,
                                XJ_DB_S (a->username)),
                  NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_istore_events (struct xj_db *db, const struct xj_actor *a,
                  const char *kind, const char *at, const int64_t *ids,
                  size_t n)
{
  enum xj_qs qs;

  if (0 == n)
    return XJ_E_OK;
  if (ids[n - 1] - ids[0] + 1 != (int64_t) n)
    return events_each (db, a, kind, at, ids, n);
  qs = xj_db_q (db, &st_imp_stu_events_range,
                XJ_DB_PARAMS (XJ_DB_S (kind), XJ_DB_S (at),
                              a->user_id ? XJ_DB_I (a->user_id) : XJ_DB_NUL,
                              XJ_DB_S (a->username), XJ_DB_I (ids[0] - 1),
                              XJ_DB_I (ids[n - 1])),
                NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct regno_ctx {
  void (*cb) (void *cls, const char *regno);
  void *cls;
};

static int
regno_cb (void *cls, const struct xj_db_row *r)
{
  struct regno_ctx *c = cls;

  c->cb (c->cls, xj_db_text (r, 0));
  return 0;
}

enum xj_err
xj_istore_each_regno (struct xj_db *db,
                      void (*cb) (void *cls, const char *regno), void *cls)
{
  struct regno_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_imp_regnos, XJ_DB_NOPARAMS, &regno_cb, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* The page cache while a bulk import runs: the students table's
   registry_no index (a UNIQUE column constraint, so it cannot be dropped
   like the others) takes random inserts; with the connection's usual
   32 MB cache its pages were re-read from the WAL over and over
   (docs/internals/import.md).  Back to normal also ends the index
   builds' sorter thread. */
enum xj_err
xj_istore_cache (struct xj_db *db, bool big)
{
  return xj_db_tune (db, big ? XJ_DB_TUNE_CACHE_BIG
                             : XJ_DB_TUNE_CACHE_NORMAL);
}

/* Temporary storage of the import's connection.  The connection runs
   with temp_store=MEMORY, under which SQLite's sorter never spills: the
   CREATE INDEX sorts of a bulk import held every key in RAM (peak RSS
   349 MB for a million rows).  With FILE the sorter keeps at most about
   the page cache's size in memory and merges through a temporary file.
   Set outside the transaction (SQLite refuses the change inside one once
   temp storage is in use). */
enum xj_err
xj_istore_temp_file (struct xj_db *db, bool file)
{
  return xj_db_tune (db, file ? XJ_DB_TUNE_TEMP_FILE
                              : XJ_DB_TUNE_TEMP_MEMORY);
}
