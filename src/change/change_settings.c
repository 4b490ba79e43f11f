/* change_settings.c -- the change settings of domain.md "Decisions"
 * (provincial variations): one table of specs with domain.md's
 * defaults, their stored text and their JSON.  Pure: storage is in
 * change_store.c, the HTTP route in h_changes.c.
 */
#include <stddef.h>
#include <string.h>
#include "change/change.h"
#include "core/util.h"

#define S_INT(n, lo, hi)                                                  \
  { #n, XJ_SET_INT, lo, hi, NULL, NULL,                                   \
    offsetof (struct xj_change_settings, n) }
#define S_BOOL(n)                                                         \
  { #n, XJ_SET_BOOL, 0, 1, "yes", "no",                                   \
    offsetof (struct xj_change_settings, n) }

const struct xj_change_setting_spec xj_change_setting_specs[] = {
  S_INT (step_days, 1, 100),
  S_INT (death_days, 1, 100),
  { "senior_authority", XJ_SET_CHOICE, 0, 1, "city", "county",
    offsetof (struct xj_change_settings, senior_city) },
  S_BOOL (chain_city),
  S_BOOL (repeat_compulsory),
  S_BOOL (repeat_senior3),
  S_INT (repeat_cap_pct, 0, 100),
  S_BOOL (transfer_entry_term),
  S_BOOL (transfer_graduating),
  S_INT (suspend_years, 1, 5),
  S_INT (suspend_renewals, 0, 5),
  S_INT (dropout_days, 1, 200),
  S_INT (retention_target, 50, 100),
  S_INT (followup_days, 1, 365),
};
const size_t xj_change_setting_count
  = sizeof xj_change_setting_specs / sizeof xj_change_setting_specs[0];

void
xj_change_settings_defaults (struct xj_change_settings *s)
{
  memset (s, 0, sizeof *s);
  s->step_days = 10;
  s->death_days = 10;
  s->senior_city = true;
  s->chain_city = false;
  s->repeat_compulsory = false;
  s->repeat_senior3 = false;
  s->repeat_cap_pct = 2;
  s->transfer_entry_term = true;
  s->transfer_graduating = true;
  s->suspend_years = 1;
  s->suspend_renewals = 1;
  s->dropout_days = 20;
  s->retention_target = 95;
  s->followup_days = 30;
}

static int *
int_at (struct xj_change_settings *s, const struct xj_change_setting_spec *p)
{
  return (int *) ((char *) s + p->offset);
}

static bool *
bool_at (struct xj_change_settings *s, const struct xj_change_setting_spec *p)
{
  return (bool *) ((char *) s + p->offset);
}

bool
xj_change_setting_from_text (struct xj_change_settings *s,
                             const struct xj_change_setting_spec *p,
                             const char *v)
{
  int64_t n;

  if (XJ_SET_INT == p->kind)
    {
      if (! xj_parse_i64 (v, &n) || n < p->min || n > p->max)
        return false;
      *int_at (s, p) = (int) n;
      return true;
    }
  if (0 == strcmp (v, p->on) || 0 == strcmp (v, p->off))
    {
      *bool_at (s, p) = 0 == strcmp (v, p->on);
      return true;
    }
  return false;
}

void
xj_change_setting_to_text (const struct xj_change_settings *s,
                           const struct xj_change_setting_spec *p,
                           char out[16])
{
  struct xj_change_settings *m = (struct xj_change_settings *) s;

  if (XJ_SET_INT == p->kind)
    xj_snprintf (out, 16, "%d", *int_at (m, p));
  else
    xj_strlcpy (out, *bool_at (m, p) ? p->on : p->off, 16);
}

json_t *
xj_change_settings_json (const struct xj_change_settings *s)
{
  struct xj_change_settings *m = (struct xj_change_settings *) s;
  json_t *o = json_object ();

  for (size_t i = 0; i < xj_change_setting_count; i++)
    {
      const struct xj_change_setting_spec *p = &xj_change_setting_specs[i];

      if (XJ_SET_INT == p->kind)
        json_object_set_new (o, p->name, json_integer (*int_at (m, p)));
      else if (XJ_SET_BOOL == p->kind)
        json_object_set_new (o, p->name, json_boolean (*bool_at (m, p)));
      else
        json_object_set_new (o, p->name,
                             json_string (*bool_at (m, p) ? p->on : p->off));
    }
  return o;
}

static const struct xj_change_setting_spec *
spec_named (const char *name)
{
  for (size_t i = 0; i < xj_change_setting_count; i++)
    if (0 == strcmp (xj_change_setting_specs[i].name, name))
      return &xj_change_setting_specs[i];
  return NULL;
}

/* One member of a patch into @s. */
static enum xj_err
patch_one (struct xj_change_settings *s,
           const struct xj_change_setting_spec *p, const json_t *v)
{
  json_int_t n;

  switch (p->kind)
    {
    case XJ_SET_INT:
      if (! json_is_integer (v))
        return XJ_E_BAD_TYPE;
      n = json_integer_value (v);
      if (n < p->min || n > p->max)
        return XJ_E_RANGE;
      *int_at (s, p) = (int) n;
      return XJ_E_OK;
    case XJ_SET_BOOL:
      if (! json_is_boolean (v))
        return XJ_E_BAD_TYPE;
      *bool_at (s, p) = json_is_true (v);
      return XJ_E_OK;
    case XJ_SET_CHOICE:
      if (! json_is_string (v))
        return XJ_E_BAD_TYPE;
      return xj_change_setting_from_text (s, p, json_string_value (v))
               ? XJ_E_OK : XJ_E_CODE;
    }
  return XJ_E_INTERNAL;
}

enum xj_err
xj_change_settings_patch (struct xj_change_settings *s, const json_t *patch,
                          const char **field)
{
  struct xj_change_settings t = *s;
  const char *k;
  json_t *v;
  enum xj_err e;

  *field = NULL;
  if (! json_is_object (patch))
    return XJ_E_BAD_TYPE;
  json_object_foreach ((json_t *) patch, k, v)
    {
      const struct xj_change_setting_spec *p = spec_named (k);

      *field = k;
      if (NULL == p)
        return XJ_E_UNKNOWN_FIELD;
      if (XJ_E_OK != (e = patch_one (&t, p, v)))
        return e;
    }
  *s = t;
  return XJ_E_OK;
}
