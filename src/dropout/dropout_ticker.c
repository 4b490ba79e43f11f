/* dropout_ticker.c -- the server's daily dropout sweep (控辍保学): once a
 * day, at or after the hour of the system setting dropout_sweep_hour
 * (default 2, -1 = never), the catch-up sweep of xj_dropout_sweep runs
 * over every county as the system: 其他离校 without a case, 休学 past
 * its end date, the suspects of attendance, then the stage rule.  The
 * bureau's 立即排查 (POST /dropout/sweep) runs the same sweep on request.
 * One connection of its own; a sweep is one write transaction.
 */
#include <stdlib.h>
#include <string.h>
#include "core/ticker.h"
#include "core/util.h"
#include "dropout/dropout.h"
#include "user/sys_settings.h"

static struct {
  struct xj_ticker t;
  struct xj_db *db;
  char swept[12];     /* the last day swept, "YYYY-MM-DD" */
} tk;

struct sweep {
  int64_t opened, escalated;
};

static enum xj_err
sweep_txn (struct xj_db *db, void *cls)
{
  static const struct xj_actor system = { 0, "system", "sweep" };
  struct sweep *s = cls;

  return xj_dropout_sweep (db, &system, "", &s->opened, &s->escalated);
}

/* Sweep when today has not been swept and the hour has come. */
static void
tick (void *cls)
{
  char now[32];
  int64_t hour;
  struct sweep s = { 0 };
  enum xj_err e;

  (void) cls;
  xj_now_iso (now);   /* "YYYY-MM-DDTHH:..." local (+08:00) */
  now[10] = '\0';
  if (0 == strcmp (now, tk.swept)
      || XJ_E_OK != xj_sys_setting_value (tk.db, "dropout_sweep_hour", &hour)
      || hour < 0 || (now[11] - '0') * 10 + (now[12] - '0') < hour)
    return;
  e = xj_db_txn_run (tk.db, "dropout_auto_sweep", true, &sweep_txn, &s);
  if (XJ_E_OK != e)
    {
      XJ_ERROR ("dropout sweep failed (%s); will retry",
                xj_err_code (e));
      return;
    }
  xj_strlcpy (tk.swept, now, sizeof tk.swept);
  XJ_INFO ("dropout sweep of %s: %lld cases opened, %lld escalated", now,
           (long long) s.opened, (long long) s.escalated);
}

enum xj_err
xj_dropout_ticker_start (const char *db_path)
{
  const char *env = getenv ("XJ_DROPOUT_TICK_SECONDS");
  int64_t s = 600;
  enum xj_err e;

  if (env && (! xj_parse_i64 (env, &s) || s < 0 || s > 3600))
    s = 600;
  if (0 == s)
    return XJ_E_OK;   /* off: the tests' servers, unless a test wants it */
  if (XJ_E_OK != (e = xj_db_open (db_path, XJ_DB_OPEN_EXISTING, &tk.db)))
    return e;
  tk.swept[0] = '\0';
  if (! xj_ticker_start (&tk.t, (unsigned) s, &tick, NULL))
    {
      xj_db_close (tk.db);
      tk.db = NULL;
      return XJ_E_INTERNAL;
    }
  return XJ_E_OK;
}

void
xj_dropout_ticker_stop (void)
{
  if (! tk.t.running)
    return;
  xj_ticker_stop (&tk.t);
  xj_db_close (tk.db);
  tk.db = NULL;
}
