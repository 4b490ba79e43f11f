/* export_job.h -- exports off the request threads.
 *
 * Background jobs (POST /exports): an in-memory registry and a small pool
 * of worker threads (the setting export.max_running, 1..2), each on its own
 * database connection, writing into <db>.exports/ (mode 0700, files 0600).
 * Finished files are kept for export.retention_days (default 30) and then
 * deleted, as are the files of a previous server run (the registry lives
 * in memory: a restart forgets the jobs).
 *
 * Direct downloads (GET /students/export, class cards) take one of the
 * "heavy" slots (xj_export_slot_take, also export.max_running) so that they
 * can never occupy every request thread; over the cap the caller answers
 * 503 export_busy with Retry-After.
 *
 * Shares nothing mutable with the import jobs.  Domain code: no HTTP.
 */
#ifndef XJ_EXPORT_JOB_H
#define XJ_EXPORT_JOB_H

#include <jansson.h>
#include "export/export.h"

/* The settings (settings table, export_store.c), with their defaults. */
struct xj_export_settings {
  int64_t direct_max_rows;  /* export.direct_max_rows: 5000 */
  int max_running;          /* export.max_running: 1 (1..2) */
  int retention_days;       /* export.retention_days: 30 (1..3650) */
};
enum xj_err xj_export_settings_get (struct xj_db *db,
                                    struct xj_export_settings *out);
/* Store all three (the caller checked the ranges).  Inside a write
   transaction; the caller appends the audit entry. */
enum xj_err xj_export_settings_put (struct xj_db *db,
                                    const struct xj_export_settings *in);

/* Most jobs the registry holds (finished ones are evicted oldest first
   when it is full; when all are queued or running, submit is refused). */
#define XJ_EXPORT_JOBS_MAX 64

/* Queue an export of @o for user @owner (its filter strings, scope and
   actor are copied) and start the workers on first use, connecting to
   @db_path.  *id gets the job's id.  Errors: XJ_E_EXPORT_BUSY (registry
   full), XJ_E_IO (cannot create the export directory or file). */
enum xj_err xj_export_job_submit (const char *db_path,
                                  const struct xj_export_settings *set,
                                  const struct xj_export_opts *o,
                                  int64_t owner, int64_t *id);
/* The job as JSON {id,status,format,rows_done,rows_total,...} (caller
   owns *out).  Only the owner's jobs exist: else XJ_E_NOT_FOUND. */
enum xj_err xj_export_job_get (int64_t owner, int64_t id, json_t **out);
/* The owner's jobs, newest first (caller owns *out). */
json_t *xj_export_job_list (int64_t owner);
/* A finished job's file: @path (the file stays; it is the job's until
   retention), its download name and MIME type (static).  Errors:
   XJ_E_NOT_FOUND, XJ_E_EXPORT_NOT_READY (queued, running, failed or
   cancelled). */
enum xj_err xj_export_job_file (int64_t owner, int64_t id, char *path,
                                size_t path_size, char *name,
                                size_t name_size, const char **type);
/* Cancel a queued or running job (a running one stops at its next
   1,000 rows; its partial file is deleted).  A finished job's file is
   deleted at once.  XJ_E_NOT_FOUND if not the owner's. */
enum xj_err xj_export_job_cancel (int64_t owner, int64_t id);
/* Delete the files and entries of jobs finished more than
   @retention_days ago (called on every submit and list). */
void xj_export_job_sweep (int retention_days);
/* Server shutdown: cancel running jobs, join the workers. */
void xj_export_jobs_stop (void);

/* Take one of @max direct-export slots; false when all are taken.
   Every true must be paired with xj_export_slot_release. */
bool xj_export_slot_take (int max);
void xj_export_slot_release (void);

/* File name of an export (学生名册-YYYYMMDD.csv|xlsx) and its MIME type. */
void xj_export_file_name (const struct xj_export_opts *o, char *name,
                          size_t size);
const char *xj_export_mime (const struct xj_export_opts *o);

#endif
