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
  { "session_idle_minutes", 30, 5, 720, false, "minutes" },
  { "login_address_failures", 100, 10, 10000, false, NULL },
  { "bureau_manages_users", 0, 0, 1, true, NULL },
  { "import_queue_max_jobs", 20, 1, 1000, false, NULL },
  { "import_queue_max_bytes", 4 * GIB, 1 * MIB, 1024 * GIB, false, "bytes" },
  { "import_queue_max_jobs_per_user", 5, 1, 1000, false, NULL },
  { "import_queue_max_bytes_per_user", 1 * GIB, 1 * MIB, 1024 * GIB, false,
    "bytes" },
  { "import_retention_days", 30, 1, 3650, false, "days" },
  { "dup_guardian_max", 8, 1, 1000, false, NULL },
  /* domain.md §9: 疑似辍学 after more than 5 consecutive school days of
     unexcused absence, 辍学 after more than 20; cumulatively in a term
     15 and 45 (the withdrawal grounds of provincial rules) */
  { "attend_suspect_days", 5, 1, 100, false, "days" },
  { "attend_dropout_days", 20, 2, 200, false, "days" },
  { "attend_term_suspect_days", 15, 1, 200, false, "days" },
  { "attend_term_dropout_days", 45, 2, 200, false, "days" },
  /* the server's daily dropout sweep: the local hour it runs at or after
     (-1: only on request, POST /dropout/sweep) */
  { "dropout_sweep_hour", 2, -1, 23, false, NULL },
};
const size_t xj_sys_setting_count
  = sizeof xj_sys_settings / sizeof xj_sys_settings[0];

const struct xj_sys_setting *
xj_sys_setting_find (const char *key)
{
  for (size_t i = 0; i < xj_sys_setting_count; i++)
    if (0 == strcmp (xj_sys_settings[i].key, key))
      return &xj_sys_settings[i];
  return NULL;
}

/* @v as a size: whole GiB, else whole MiB, else bytes. */
static void
size_text (int64_t v, char *buf, size_t size)
{
  if (0 == v % GIB)
    xj_snprintf (buf, size, "%lld GiB", (long long) (v / GIB));
  else if (0 == v % MIB)
    xj_snprintf (buf, size, "%lld MiB", (long long) (v / MIB));
  else
    xj_snprintf (buf, size, "%lld字节", (long long) v);
}

void
xj_sys_setting_bounds (const struct xj_sys_setting *s, char *buf, size_t size)
{
  char lo[32], hi[32];

  if (s->unit && 0 == strcmp (s->unit, "bytes"))
    {
      size_text (s->min, lo, sizeof lo);
      size_text (s->max, hi, sizeof hi);
    }
  else
    {
      xj_snprintf (lo, sizeof lo, "%lld", (long long) s->min);
      xj_snprintf (hi, sizeof hi, "%lld", (long long) s->max);
    }
  xj_snprintf (buf, size, "%s到%s", lo, hi);
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
  const struct xj_sys_setting *s = xj_sys_setting_find (key);

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
  json_t *j = json_pack ("{s:s, s:I, s:I, s:I, s:I, s:s}", "key", s->key,
                         "value", (json_int_t) v, "default",
                         (json_int_t) s->def, "min", (json_int_t) s->min,
                         "max", (json_int_t) s->max, "type",
                         s->is_bool ? "bool" : "int");

  if (s->unit)
    json_object_set_new (j, "unit", json_string (s->unit));
  return j;
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
      const struct xj_sys_setting *s = xj_sys_setting_find (k);
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
