/* ghost_job.h -- the bureau's ghost-record sweep as a background job:
 * one thread and connection per run, at most one run per county at a
 * time (runs whose region prefixes overlap exclude each other), state
 * and progress in ghost_sweeps (xj_ghost_sweep_run writes them).
 * docs/internals/verification.md.
 */
#ifndef XJ_GHOST_JOB_H
#define XJ_GHOST_JOB_H

#include "verify/verify.h"

#define XJ_GHOST_JOBS_MAX 8   /* runs at once (disjoint regions) */

/* Start a run over @prefix (region prefix, "" all) as @a: the run is
   recorded on @db (the request's connection) and swept on a new
   connection to @db_path, @chunk students at a time (0: XJ_GHOST_CHUNK).
   *id gets the run.  XJ_E_GHOST_SWEEP_RUNNING when a run over an
   overlapping region is running (*id is that run) or XJ_GHOST_JOBS_MAX
   runs are (*id 0). */
enum xj_err xj_ghost_job_start (struct xj_db *db, const char *db_path,
                                const char *prefix, const struct xj_actor *a,
                                size_t chunk, int64_t *id);

/* Server start: mark the runs a killed server left 'running' as
   interrupted (on a connection to @db_path). */
void xj_ghost_jobs_recover (const char *db_path);

/* Server shutdown: running runs stop after their current chunk (ending
   'interrupted'); waits for their threads. */
void xj_ghost_jobs_stop (void);

#endif
