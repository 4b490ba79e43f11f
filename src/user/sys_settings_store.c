/* sys_settings_store.c -- the settings table rows of sys_settings.c. */
#include "core/util.h"
#include "user/sys_settings.h"

XJ_DB_STMT (st_sys_get, "SELECT value FROM settings WHERE key = $1")
XJ_DB_STMT (st_sys_put,
            "INSERT INTO settings (key, value) VALUES ($1, $2)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value")

struct get_ctx {
  char *v;
  size_t n;
};

static int
get_cb (void *cls, const struct xj_db_row *r)
{
  struct get_ctx *c = cls;

  xj_strlcpy (c->v, xj_db_text (r, 0), c->n);
  return 1;
}

enum xj_err
xj_sys_store_get (struct xj_db *db, const char *key, char *v, size_t n,
                  bool *found)
{
  struct get_ctx c = { v, n };
  enum xj_qs qs = xj_db_q (db, &st_sys_get, XJ_DB_PARAMS (XJ_DB_S (key)),
                           &get_cb, &c);

  if (qs < 0)
    return xj_db_qs_err (qs);
  *found = qs > 0;
  return XJ_E_OK;
}

enum xj_err
xj_sys_store_put (struct xj_db *db, const char *key, const char *value)
{
  enum xj_qs qs = xj_db_q (db, &st_sys_put,
                           XJ_DB_PARAMS (XJ_DB_S (key), XJ_DB_S (value)),
                           NULL, NULL);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
