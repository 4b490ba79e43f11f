/* sys_settings.h -- the system settings that had no page (session idle
 * timeout, log-in throttling per address, bureau user management, import
 * queue limits and retention, the duplicate scan's guardian limit): one
 * table of keys with defaults and bounds, read and changed through
 * GET/PATCH /system-settings (docs/api.md).  Each reader keeps its own
 * default for a key never set; the table repeats it for display.
 */
#ifndef XJ_SYS_SETTINGS_H
#define XJ_SYS_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "db/db.h"
#include "user/user.h"

struct xj_sys_setting {
  const char *key;          /* settings table key */
  int64_t def, min, max;
  bool is_bool;             /* 0/1, shown as a switch */
  const char *unit;         /* "minutes", "days", "bytes" or NULL (a count) */
};
extern const struct xj_sys_setting xj_sys_settings[];
extern const size_t xj_sys_setting_count;

/* The setting named @key, or NULL. */
const struct xj_sys_setting *xj_sys_setting_find (const char *key);
/* The bounds of @s as the range error names them: "5到720", byte sizes
   in MiB or GiB ("1 MiB到1024 GiB"). */
void xj_sys_setting_bounds (const struct xj_sys_setting *s, char *buf,
                            size_t size);

/* {"settings":[{"key","value","default","min","max","type","unit"}]} with the
   current values (the default for a key never set or not a number);
   "unit" only for a setting that has one.  Caller owns it. */
enum xj_err xj_sys_settings_json (struct xj_db *db, json_t **out);
/* The value of @key (one of xj_sys_settings) in effect: the stored one
   when it is a number in bounds, else the default. */
enum xj_err xj_sys_setting_value (struct xj_db *db, const char *key,
                                  int64_t *v);
/* Change the settings named in @patch ({key: integer or boolean}); all or
   nothing.  XJ_E_UNKNOWN_FIELD / XJ_E_BAD_TYPE / XJ_E_RANGE name the key
   in *field.  Writes the values and one settings.update audit entry
   (entity "system", before/after of the keys changed) in one transaction;
   *out: the settings after (as xj_sys_settings_json). */
enum xj_err xj_sys_settings_patch (struct xj_db *db, const struct xj_actor *a,
                                   json_t *patch, const char **field,
                                   json_t **out);

/* ---- storage (sys_settings_store.c) ---- */
/* The stored text of @key into @v (size @n); *found false if none. */
enum xj_err xj_sys_store_get (struct xj_db *db, const char *key, char *v,
                              size_t n, bool *found);
enum xj_err xj_sys_store_put (struct xj_db *db, const char *key,
                              const char *value);

#endif
