/* sys_settings.c -- typed, bounded system settings (see sys_settings.h).
 * One function validates and stores them all (xj_sys_settings_patch):
 * the API calls it; the readers (session_store.c, user_admin.c,
 * import_job.c, identity_store.c) keep reading the settings table.
 */
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"
#include "user/sys_settings.h"

#define MIB (1LL << 20)
#define GIB (1LL << 30)

/* Defaults: those of the readers (docs/api.md, "System settings"). */
const struct xj_sys_setting xj_sys_settings[] = {
  { "session_idle_minutes", 30, 5, 720, false },
  { "login_address_failures", 100, 10, 10000, false },
  { "bureau_manages_users", 0, 0, 1, true },
  { "import_queue_max_jobs", 20, 1, 1000, false },
  { "import_queue_max_bytes", 4 * GIB, 1 * MIB, 1024 * GIB, false },
  { "import_queue_max_jobs_per_user", 5, 1, 1000, false },
  { "import_queue_max_bytes_per_user", 1 * GIB, 1 * MIB, 1024 * GIB, false },
  { "import_retention_days", 30, 1, 3650, false },
  { "dup_guardian_max", 8, 1, 1000, false },
  /* domain.md §9: 疑似辍学 after more than 5 consecutive school days of
     unexcused absence, 辍学 after more than 20; cumulatively in a term
     15 and 45 (the withdrawal grounds of provincial rules) */
  { "attend_suspect_days", 5, 1, 100, false },
  { "attend_dropout_days", 20, 2, 200, false },
  { "attend_term_suspect_days", 15, 1, 200, false },
  { "attend_term_dropout_days", 45, 2, 200, false },
};
const size_t xj_sys_setting_count
  = sizeof xj_sys_settings / sizeof xj_sys_settings[0];

static const struct xj_sys_setting *
spec_of (const char *key)
{
  for (size_t i = 0; i < xj_sys_setting_count; i++)
    if (0 == strcmp (xj_sys_settings[i].key, key))
      return &xj_sys_settings[i];
  return NULL;
}

/* The value in effect: the stored one when it is a number in bounds (as
   the readers take it), else the default. */
static enum xj_err
current (struct xj_db *db, const struct xj_sys_setting *s, int64_t *v)
{
  char text[32];
  bool found;
  enum xj_err e = xj_sys_store_get (db, s->key, text, sizeof text, &found);

  if (XJ_E_OK != e || ! found || ! xj_parse_i64 (text, v) || *v < s->min
      || *v > s->max)
    *v = s->def;
  return e;
}

enum xj_err
xj_sys_setting_value (struct xj_db *db, const char *key, int64_t *v)
{
  const struct xj_sys_setting *s = spec_of (key);

  if (NULL == s)
    {
      XJ_BUG ("unknown system setting %s", key);
      return XJ_E_INTERNAL;
    }
  return current (db, s, v);
}

static json_t *
one_json (const struct xj_sys_setting *s, int64_t v)
{
  return json_pack ("{s:s, s:I, s:I, s:I, s:I, s:s}", "key", s->key, "value",
                    (json_int_t) v, "default", (json_int_t) s->def, "min",
                    (json_int_t) s->min, "max", (json_int_t) s->max, "type",
                    s->is_bool ? "bool" : "int");
}

enum xj_err
xj_sys_settings_json (struct xj_db *db, json_t **out)
{
  json_t *a = json_array ();

  for (size_t i = 0; i < xj_sys_setting_count; i++)
    {
      int64_t v;
      enum xj_err e = current (db, &xj_sys_settings[i], &v);

      if (XJ_E_OK != e)
        {
          json_decref (a);
          return e;
        }
      json_array_append_new (a, one_json (&xj_sys_settings[i], v));
    }
  *out = json_pack ("{s:o}", "settings", a);
  return XJ_E_OK;
}

/* @j as the value of @s: an integer (or, for a switch, a boolean) in
   bounds. */
static enum xj_err
parse_value (const struct xj_sys_setting *s, json_t *j, int64_t *v)
{
  if (s->is_bool && json_is_boolean (j))
    *v = json_is_true (j);
  else if (json_is_integer (j))
    *v = json_integer_value (j);
  else
    return XJ_E_BAD_TYPE;
  return *v < s->min || *v > s->max ? XJ_E_RANGE : XJ_E_OK;
}

/* Store each key of @patch, recording old and new values in @before and
   @after. */
static enum xj_err
put_all (struct xj_db *db, json_t *patch, json_t *before, json_t *after,
         const char **field)
{
  const char *k;
  json_t *j;

  json_object_foreach (patch, k, j)
    {
      const struct xj_sys_setting *s = spec_of (k);
      int64_t v, old;
      char text[32];
      enum xj_err e;

      *field = k;
      if (NULL == s)
        return XJ_E_UNKNOWN_FIELD;
      if (XJ_E_OK != (e = parse_value (s, j, &v))
          || XJ_E_OK != (e = current (db, s, &old)))
        return e;
      xj_snprintf (text, sizeof text, "%lld", (long long) v);
      if (XJ_E_OK != (e = xj_sys_store_put (db, s->key, text)))
        return e;
      json_object_set_new (before, k, json_integer ((json_int_t) old));
      json_object_set_new (after, k, json_integer ((json_int_t) v));
    }
  *field = NULL;
  return XJ_E_OK;
}

struct patch_ctx {
  const struct xj_actor *a;
  json_t *patch;
  const char *field;
  json_t *out;
};

static enum xj_err
patch_txn (struct xj_db *db, void *cls)
{
  struct patch_ctx *c = cls;
  json_t *before = json_object (), *after = json_object ();
  char *tb = NULL, *ta = NULL;
  enum xj_err e = put_all (db, c->patch, before, after, &c->field);

  if (XJ_E_OK == e)
    {
      tb = json_dumps (before, JSON_COMPACT | JSON_SORT_KEYS);
      ta = json_dumps (after, JSON_COMPACT | JSON_SORT_KEYS);
      e = xj_audit_append (db, c->a, "settings.update", "system", "", tb,
                           ta);
    }
  json_decref (c->out);
  c->out = NULL;
  if (XJ_E_OK == e)
    e = xj_sys_settings_json (db, &c->out);
  free (tb);
  free (ta);
  json_decref (before);
  json_decref (after);
  return e;
}

enum xj_err
xj_sys_settings_patch (struct xj_db *db, const struct xj_actor *a,
                       json_t *patch, const char **field, json_t **out)
{
  struct patch_ctx c = { a, patch, NULL, NULL };
  enum xj_err e;

  *out = NULL;
  *field = NULL;
  if (! json_is_object (patch))
    return XJ_E_BAD_TYPE;
  e = xj_db_txn_run (db, "system_settings", true, &patch_txn, &c);
  *field = c.field;
  if (XJ_E_OK != e)
    {
      json_decref (c.out);
      return e;
    }
  *out = c.out;
  return XJ_E_OK;
}
