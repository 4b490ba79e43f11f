/* dup_scan_job.h -- the county-wide duplicate scan as a background job:
 * one scan at a time, on its own connection, reading in a read
 * transaction (a snapshot) and flagging in one short write transaction,
 * so registrations and edits of the county are never held up by it.
 * The last XJ_DUP_SCANS_KEPT scans are kept in memory for their status.
 * docs/internals/identity.md.
 */
#ifndef XJ_DUP_SCAN_JOB_H
#define XJ_DUP_SCAN_JOB_H

#include "student/identity.h"

#define XJ_DUP_SCANS_KEPT 16

struct xj_dup_scan {
  int64_t id;
  int64_t owner;            /* user id of who started it */
  char county[8];
  char state[12];           /* running done failed */
  char started_at[32], finished_at[32];
  struct xj_identity_scan_result res;
  enum xj_err err;          /* failed: why */
};

/* Start scanning @county (guardian_max as xj_identity_scan) on a new
   connection to @db_path, as @a (copied) for user @owner; *out is the
   job as started.  XJ_E_DUP_SCAN_RUNNING while another scan runs (*out
   is that one). */
enum xj_err xj_dup_scan_start (const char *db_path, const char *county,
                               int guardian_max, const struct xj_actor *a,
                               int64_t owner, struct xj_dup_scan *out);

/* The scan @id, if still kept.  XJ_E_NOT_FOUND otherwise. */
enum xj_err xj_dup_scan_get (int64_t id, struct xj_dup_scan *out);

/* Server shutdown: wait for a running scan to end. */
void xj_dup_scan_stop (void);

#endif
