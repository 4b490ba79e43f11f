/* class_size.c -- the class-size bands and the warning rule (pure).
 * Storage and counting: class_size_store.c.  See class_size.h.
 */
#include <stdio.h>
#include <string.h>
#include "core/util.h"
#include "klass/class_size.h"

void
xj_cs_defaults (struct xj_cs_settings *s)
{
  /* domain.md §5 and the settings table of "Decisions" */
  *s = (struct xj_cs_settings) { .largeish_from = 46, .large_from = 56,
                                 .super_from = 66, .std_primary = 45,
                                 .std_junior = 50, .std_senior = 50,
                                 .refuse_into_oversized = false };
}

enum xj_band
xj_cs_band (const struct xj_cs_settings *s, int64_t size)
{
  if (size >= s->super_from)
    return XJ_BAND_SUPER;
  if (size >= s->large_from)
    return XJ_BAND_LARGE;
  if (size >= s->largeish_from)
    return XJ_BAND_LARGEISH;
  return XJ_BAND_NORMAL;
}

static const char *const band_names[XJ_BAND_N] = { "normal", "large_ish",
                                                   "large", "super" };
static const char *const band_zh[XJ_BAND_N] = { "正常班额", "偏大班额",
                                                "大班额", "超大班额" };

const char *
xj_cs_band_name (enum xj_band b)
{
  return b < XJ_BAND_N ? band_names[b] : "";
}

const char *
xj_cs_band_zh (enum xj_band b)
{
  return b < XJ_BAND_N ? band_zh[b] : "";
}

int
xj_cs_standard (const struct xj_cs_settings *s, const char *grade)
{
  if ('1' == grade[0])
    return s->std_primary;
  if ('2' == grade[0])
    return s->std_junior;
  return s->std_senior;
}

/* The integer members, in the order of the settings JSON. */
static const struct {
  const char *name;
  size_t off;
} ints[] = {
  { "largeish_from", offsetof (struct xj_cs_settings, largeish_from) },
  { "large_from", offsetof (struct xj_cs_settings, large_from) },
  { "super_from", offsetof (struct xj_cs_settings, super_from) },
  { "std_primary", offsetof (struct xj_cs_settings, std_primary) },
  { "std_junior", offsetof (struct xj_cs_settings, std_junior) },
  { "std_senior", offsetof (struct xj_cs_settings, std_senior) },
};
#define NINTS (sizeof ints / sizeof ints[0])

static int *
int_at (struct xj_cs_settings *s, size_t i)
{
  return (int *) ((char *) s + ints[i].off);
}

json_t *
xj_cs_settings_json (const struct xj_cs_settings *s)
{
  struct xj_cs_settings m = *s;
  json_t *o = json_object ();

  for (size_t i = 0; i < NINTS; i++)
    json_object_set_new (o, ints[i].name, json_integer (*int_at (&m, i)));
  json_object_set_new (o, "refuse_into_oversized",
                       json_boolean (s->refuse_into_oversized));
  return o;
}

char *
xj_cs_settings_text (const struct xj_cs_settings *s)
{
  json_t *o = xj_cs_settings_json (s);
  char *t = json_dumps (o, JSON_COMPACT | JSON_SORT_KEYS);

  json_decref (o);
  return t;
}

enum xj_err
xj_cs_settings_patch (struct xj_cs_settings *s, const json_t *patch,
                      const char **field)
{
  const char *k;
  json_t *v;

  *field = NULL;
  if (! json_is_object (patch))
    return XJ_E_BAD_TYPE;
  json_object_foreach ((json_t *) patch, k, v)
    {
      size_t i;

      *field = k;
      if (0 == strcmp (k, "refuse_into_oversized"))
        {
          if (! json_is_boolean (v))
            return XJ_E_BAD_TYPE;
          s->refuse_into_oversized = json_is_true (v);
          continue;
        }
      for (i = 0; i < NINTS && 0 != strcmp (k, ints[i].name); i++)
        ;
      if (i == NINTS)
        return XJ_E_UNKNOWN_FIELD;
      if (! json_is_integer (v))
        return XJ_E_BAD_TYPE;
      if (json_integer_value (v) < 1 || json_integer_value (v) > 200)
        return XJ_E_RANGE;
      *int_at (s, i) = (int) json_integer_value (v);
    }
  *field = "large_from";
  if (! (s->largeish_from < s->large_from && s->large_from < s->super_from))
    return XJ_E_RANGE;
  *field = NULL;
  return XJ_E_OK;
}

enum xj_err
xj_cs_decide (const struct xj_cs_settings *s, const char *grade,
              int64_t size, struct xj_cs_warn *w)
{
  w->size = size;
  w->band = xj_cs_band (s, size);
  w->standard = xj_cs_standard (s, grade);
  w->set = size >= s->large_from;
  if (s->refuse_into_oversized && size - 1 >= s->large_from)
    return XJ_E_CLASS_OVERSIZED;
  return XJ_E_OK;
}

json_t *
xj_cs_warn_json (const struct xj_cs_warn *w)
{
  if (NULL == w || ! w->set)
    return json_null ();
  return json_pack ("{s:s, s:I, s:I, s:s, s:I, s:s, s:s, s:i}", "code",
                    "class_size_large", "class_id", (json_int_t) w->class_id,
                    "school_id", (json_int_t) w->school_id, "class_name",
                    w->class_name, "size", (json_int_t) w->size, "band",
                    xj_cs_band_name (w->band), "band_label",
                    xj_cs_band_zh (w->band), "standard", w->standard);
}

void
xj_cs_warn_text (const struct xj_cs_warn *w, const struct xj_cs_settings *s,
                 char *out, size_t n)
{
  xj_snprintf (out, n, "班级%s调入后共%lld人，属%s（≥%d人；标准班额%d人）",
               w->class_name, (long long) w->size, xj_cs_band_zh (w->band),
               XJ_BAND_SUPER == w->band ? s->super_from : s->large_from,
               w->standard);
}
