/* import.h -- batch import of student records from a CSV or XLSX file
 * (the national template's columns; see docs/internals/import.md).
 *
 * One pipeline for every entry point (CLI `xueji import students`, the
 * API's background jobs): read the file row by row with the table reader
 * (table.h), map the header to fields (import_map.c), run the same
 * validation as single registration plus the file-level rules, and write
 * everything in ONE write transaction (all or nothing; --valid-only
 * writes the valid rows; --dry-run rolls back).  Memory stays bounded:
 * rows are never kept, only a hash set of the IDs seen and a bounded
 * error list.  No HTTP, no printing.
 */
#ifndef XJ_IMPORT_H
#define XJ_IMPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "audit/audit.h"
#include "db/db.h"
#include "klass/class_size.h"
#include "user/user.h"

/* Errors kept with their text; beyond this only (row, column, code). */
#define XJ_IMPORT_ERR_TEXT_MAX 100000u
/* Errors kept at all; beyond this they are only counted. */
#define XJ_IMPORT_ERR_MAX 2000000u

/* What the running import reports (for progress bars). */
struct xj_import_progress {
  uint64_t rows_done;      /* data rows processed */
  uint64_t rows_total;     /* estimate from bytes read so far */
  uint64_t bytes_done, bytes_total;
  uint64_t imported, rejected, already;
  const char *phase;       /* "reading", "indexing", "finishing" (static) */
};

struct xj_import_opts {
  const char *path;        /* file to read */
  const char *file_name;   /* shown in the audit entry; NULL = path */
  const char *sheet;       /* XLSX sheet name, NULL = first */
  bool dry_run;            /* check everything, write nothing */
  bool valid_only;         /* write the valid rows even if others fail */
  bool create_classes;     /* create missing classes (same transaction) */
  const struct xj_user *user;   /* scope: whose schools rows may name */
  const struct xj_actor *actor; /* events and audit */
  int today_ymd;           /* 0 = xj_today() */
  /* Called about every 1,000 rows and at phase changes, from inside the
     import's transaction: it must only record the numbers (no I/O that
     can fail the import, no database access).  May be NULL. */
  void (*progress) (void *cls, const struct xj_import_progress *p);
  void *cls;
  /* Set to true (from any thread) to stop: the import rolls back and
     returns XJ_E_IMPORT_CANCELLED.  May be NULL. */
  atomic_bool *cancel;
  /* Bulk mode (drop and re-create secondary indexes) threshold; 0 = the
     default rule (see import.c).  Tests force it: 1 = always, -1 = never. */
  int bulk;
};

/* One collected error.  @col is the file's column index (-1 when the
   error names a column that is not in the file, -2 for file level). */
struct xj_import_error {
  uint64_t row;            /* file row number (header = row 1); 0 = file */
  int col;
  enum xj_err code;
  const char *column;      /* column name as in the file (or the field's
                              Chinese name); never NULL */
  const char *value;       /* the cell's text ("" if none); never NULL */
  const char *message;     /* Chinese reason; never NULL */
};

struct xj_import_result {
  uint64_t rows;           /* data rows read */
  uint64_t imported;       /* written (dry run: would be written) */
  uint64_t rejected;       /* rows with at least one error */
  uint64_t already;        /* already registered in the same school */
  uint64_t suspected;      /* imported and flagged as suspected duplicates
                              (same name, birth date and guardian phone as
                              a student before it, another ID), as single
                              registration flags them */
  uint64_t nerrors;        /* errors found (file + rows), all counted */
  bool written;            /* the transaction committed */
  bool bulk;               /* bulk mode: the registry preloaded (and on
                              SQLite the secondary indexes rebuilt) */
  enum xj_err status;      /* OK, IMPORT_REJECTED (nothing written),
                              IMPORT_CANCELLED, IMPORT_DRY_RUN, a file
                              level error, or a database error */
  char sha256[65];         /* of the file, hex */
  char encoding[16];       /* "utf-8", "gb18030", "xlsx", ... */
  int64_t ms;              /* wall time */
  int64_t ms_rows;         /* of which reading, checking, inserting rows */
  int64_t ms_index;        /* re-creating the indexes (bulk mode); the
                              rest is mostly the commit's checkpoint */
  /* unknown columns (warnings), names as in the file */
  char **unknown_cols;
  size_t nunknown;
  struct xj_import_errs *errs; /* owned; see xj_import_error_at */
  /* rows that joined a class at or over 大班额 (xj_cs_decide): all
     counted, the first XJ_IMPORT_CSWARN_MAX kept with their row */
  uint64_t class_size_warned;
  struct xj_import_cswarn {
    uint64_t row;
    struct xj_cs_warn w;
  } *cswarns;
  size_t ncswarns;
};
#define XJ_IMPORT_CSWARN_MAX 200

/* Run the import on @db (not inside a transaction: the pipeline opens its
   own).  Fills @res (xj_import_result_fini frees it) and returns
   res->status: XJ_E_OK when the transaction committed, otherwise why it
   did not. */
enum xj_err xj_import_run (struct xj_db *db, const struct xj_import_opts *o,
                           struct xj_import_result *res);

void xj_import_result_fini (struct xj_import_result *res);

/* Number of errors kept (<= nerrors) and the @i-th in file order.  The
   strings live as long as @res. */
size_t xj_import_nkept (const struct xj_import_result *res);
void xj_import_error_at (const struct xj_import_result *res, size_t i,
                         struct xj_import_error *out);

/* Error report: the original header and every row that has an error
   (all rows if @all_rows), plus a last column "错误" with the reasons;
   invalid cells highlighted (XLSX).  @out ending in ".csv" writes a
   UTF-8 CSV with BOM, anything else XLSX.  Re-reads @o->path. */
enum xj_err xj_import_report (const struct xj_import_opts *o,
                              const struct xj_import_result *res,
                              const char *out, bool all_rows);

/* ---- background jobs (import_job.c) for the API ---- */

struct xj_import_job_new {
  const struct xj_user *user;
  const char *ip;
  const char *path;        /* the upload; the job takes ownership of the
                              file (deletes it when done) */
  const char *file_name;
  uint64_t file_size;
  bool dry_run, valid_only, create_classes;
  const char *sheet;       /* NULL = first */
};

/* Queue a job and wake the worker (started on first use; it opens its
   own connections).  The queue is in the auth store @auth: this waits
   for no registry writer (@db, the registry, is only read: settings and
   limits).  Runs its own short transaction of @auth. */
enum xj_err xj_import_job_submit (struct xj_db *db, struct xj_db *auth,
                                  const struct xj_import_job_new *n,
                                  int64_t *id);
/* The job as JSON (status, counts, progress, first errors), queued or
   not, or XJ_E_NOT_FOUND if missing or not visible to @u (owner or
   admin).  Caller owns *out. */
enum xj_err xj_import_job_get (struct xj_db *db, struct xj_db *auth,
                               const struct xj_user *u, int64_t id,
                               json_t **out);
/* @u's recent jobs (admin: everybody's), newest first, JSON array. */
enum xj_err xj_import_job_list (struct xj_db *db, struct xj_db *auth,
                                const struct xj_user *u, int64_t limit,
                                json_t **out);
/* Cancel a queued or running job (owner or admin): "cancelled" (was
   queued), "cancelling" (running: it rolls back) or the status it has. */
enum xj_err xj_import_job_cancel (struct xj_db *db, struct xj_db *auth,
                                  const struct xj_user *u, int64_t id,
                                  char *status_out, size_t sz);
/* Path of the job's error report (caller frees), XJ_E_NOT_FOUND if none. */
enum xj_err xj_import_job_report (struct xj_db *db, const struct xj_user *u,
                                  int64_t id, char **path);
/* Server start: start the worker now, so that it expires old jobs
   (import_retention_days) at once and every hour, and runs jobs left
   queued by a previous run. */
void xj_import_worker_start (const char *db_path);
/* Server shutdown: cancel the running import (it rolls back), stop and
   join the worker.  Safe to call when no worker was started. */
void xj_import_worker_stop (void);
/* Is a job running (its transaction holds the writer lock)?  Its rows
   done and estimated total so far. */
bool xj_import_job_running (uint64_t *rows_done, uint64_t *rows_total);

#endif
