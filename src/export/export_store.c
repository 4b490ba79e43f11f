/* export_store.c -- the export settings (settings table).  Reads only;
 * defaults when a key is absent or out of range.
 */
#include <string.h>
#include "core/util.h"
#include "export/export_job.h"

XJ_DB_STMT (st_export_settings,
            "SELECT key, value FROM settings WHERE key IN"
            " ('export.direct_max_rows', 'export.max_running',"
            " 'export.retention_days')")

XJ_DB_STMT (st_export_setting_put,
            "INSERT INTO settings (key, value) VALUES ($1, $2)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value")

static int
settings_row (void *cls, const struct xj_db_row *r)
{
  struct xj_export_settings *s = cls;
  const char *k = xj_db_text (r, 0), *v = xj_db_text (r, 1);
  int64_t n;

  if (! xj_parse_i64 (v, &n))
    return 0;
  if (0 == strcmp (k, "export.direct_max_rows") && n >= 0)
    s->direct_max_rows = n;
  else if (0 == strcmp (k, "export.max_running") && n >= 1 && n <= 2)
    s->max_running = (int) n;
  else if (0 == strcmp (k, "export.retention_days") && n >= 1 && n <= 3650)
    s->retention_days = (int) n;
  return 0;
}

enum xj_err
xj_export_settings_get (struct xj_db *db, struct xj_export_settings *out)
{
  enum xj_qs qs;

  out->direct_max_rows = 5000;
  out->max_running = 1;
  out->retention_days = 30;
  qs = xj_db_q (db, &st_export_settings, XJ_DB_NOPARAMS, &settings_row, out);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_export_settings_put (struct xj_db *db, const struct xj_export_settings *in)
{
  const char *keys[] = { "export.direct_max_rows", "export.max_running",
                         "export.retention_days" };
  int64_t vals[] = { in->direct_max_rows, in->max_running,
                     in->retention_days };

  for (size_t i = 0; i < 3; i++)
    {
      char v[24];
      enum xj_qs qs;

      xj_snprintf (v, sizeof v, "%lld", (long long) vals[i]);
      qs = xj_db_q (db, &st_export_setting_put,
                    XJ_DB_PARAMS (XJ_DB_S (keys[i]), XJ_DB_S (v)), NULL,
                    NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  return XJ_E_OK;
}
