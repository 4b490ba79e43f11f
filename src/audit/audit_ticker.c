/* audit_ticker.c -- the server's checkpoint thread: a signed checkpoint of
 * the audit log's head at start, then every interval when the head moved,
 * and a last one on shutdown.  One connection of its own; no request
 * thread ever waits for it.
 */
#include <stdlib.h>
#include "audit/audit.h"
#include "core/ticker.h"
#include "core/util.h"

static struct {
  struct xj_ticker t;
  struct xj_db *db;
  int64_t last_id;  /* head last checkpointed */
} tk;

static void
tick (void *cls)
{
  (void) cls;
  if (XJ_E_OK != xj_audit_checkpoint_write (tk.db, NULL, NULL, &tk.last_id))
    XJ_ERROR ("audit checkpoint not written (will retry)");
}

enum xj_err
xj_audit_ticker_start (const char *db_path)
{
  const char *env = getenv ("XJ_CHECKPOINT_SECONDS");
  int64_t s = 60;
  enum xj_err e = xj_db_open (db_path, XJ_DB_OPEN_EXISTING, &tk.db);

  if (XJ_E_OK != e)
    return e;
  if (env && (! xj_parse_i64 (env, &s) || s < 1 || s > 60))
    s = 60;
  tk.last_id = 0;
  e = xj_audit_checkpoint_write (tk.db, NULL, NULL, &tk.last_id);
  if (XJ_E_OK != e || ! xj_ticker_start (&tk.t, (unsigned) s, &tick, NULL))
    {
      xj_db_close (tk.db);
      tk.db = NULL;
      return XJ_E_OK == e ? XJ_E_INTERNAL : e;
    }
  return XJ_E_OK;
}

void
xj_audit_ticker_stop (void)
{
  if (! tk.t.running)
    return;
  xj_ticker_stop (&tk.t);
  tick (NULL); /* the last head, after every request finished */
  xj_db_close (tk.db);
  tk.db = NULL;
}
