/* student_json.c -- struct xj_student <-> JSON through xj_student_fields.
 * Must not touch the database or HTTP.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "student/student_json.h"
#include "validate/codes.h"

static const char *const columns[] = {
  "name", "gender", "birth_date", "id_type", "id_no", "grade", NULL
};

bool
xj_student_is_column (const char *key)
{
  for (int i = 0; columns[i]; i++)
    if (0 == strcmp (columns[i], key))
      return true;
  return false;
}

static char *
ftext (const struct xj_student *s, const struct xj_field *f)
{
  return (char *) s + f->offset;
}

static int *
fint (const struct xj_student *s, const struct xj_field *f)
{
  return (int *) ((char *) s + f->offset);
}

static double *
fdouble (const struct xj_student *s, const struct xj_field *f)
{
  return (double *) ((char *) s + f->offset);
}

static int64_t *
fi64 (const struct xj_student *s, const struct xj_field *f)
{
  return (int64_t *) ((char *) s + f->offset);
}

/* An int field is "not given" when negative, or 0 where 0 is no code. */
static bool
int_given (const struct xj_field *f, int v)
{
  if (v < 0)
    return false;
  if (0 == v && f->codeset && ! xj_code_valid (f->codeset, "0"))
    return false;
  return true;
}

/* JSON value of field @f, or NULL when not given. */
static json_t *
field_value (const struct xj_student *s, const struct xj_field *f, bool mask)
{
  switch (f->type)
    {
    case XJ_FT_TEXT:
      {
        const char *t = ftext (s, f);
        char m[64];

        if (mask && f->pii && *t)
          {
            if (strstr (f->key, "phone"))
              xj_mask_phone (t, m, sizeof m);
            else
              xj_mask_id (t, m, sizeof m);
            return json_string (m);
          }
        return json_string (t);
      }
    case XJ_FT_INT:
    case XJ_FT_FLAG:
      {
        int v = *fint (s, f);

        return int_given (f, v) ? json_integer (v) : json_null ();
      }
    case XJ_FT_DOUBLE:
      {
        double d = *fdouble (s, f);

        return d >= 0 ? json_real (d) : json_null ();
      }
    case XJ_FT_I64:
      return json_integer (*fi64 (s, f));
    }
  return json_null ();
}

json_t *
xj_student_to_json (const struct xj_student *s, bool mask)
{
  json_t *o = json_object ();

  json_object_set_new (o, "id", json_integer (s->id));
  json_object_set_new (o, "registry_no", json_string (s->registry_no));
  json_object_set_new (o, "status", json_string (s->status));
  json_object_set_new (o, "dup_flag", json_integer (s->dup_flag));
  json_object_set_new (o, "version", json_integer (s->version));
  json_object_set_new (o, "school_id", json_integer (s->school_id));
  if (s->class_id)
    json_object_set_new (o, "class_id", json_integer (s->class_id));
  else
    json_object_set_new (o, "class_id", json_null ());
  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    json_object_set_new (o, f->key, field_value (s, f, mask));
  json_object_set_new (o, "masked", json_boolean (mask));
  return o;
}

static bool
key_is (const char *key, const char *name)
{
  return 0 == strcmp (key, name);
}

enum xj_err
xj_student_from_json (const json_t *obj, struct xj_student *s,
                      unsigned flags, struct xj_verrs *errs,
                      const char **bad_field)
{
  const char *key;
  json_t *v;

  *bad_field = NULL;
  if (! json_is_object (obj))
    return XJ_E_BAD_JSON;
  json_object_foreach ((json_t *) obj, key, v)
    {
      const struct xj_field *f;

      if ((flags & XJ_FJ_ALLOW_IDS)
          && (key_is (key, "school_id") || key_is (key, "class_id")))
        {
          if (json_is_null (v))
            {
              if (key_is (key, "class_id"))
                s->class_id = 0;
              continue;
            }
          if (! json_is_integer (v) || json_integer_value (v) < 0)
            {
              *bad_field = key;
              return XJ_E_BAD_TYPE;
            }
          if (key_is (key, "school_id"))
            s->school_id = json_integer_value (v);
          else
            s->class_id = json_integer_value (v);
          continue;
        }
      if ((flags & XJ_FJ_ALLOW_VERSION) && key_is (key, "version"))
        {
          if (! json_is_integer (v))
            {
              *bad_field = key;
              return XJ_E_BAD_TYPE;
            }
          s->version = json_integer_value (v);
          continue;
        }
      f = xj_student_field (key);
      if (NULL == f)
        {
          *bad_field = key;
          return XJ_E_UNKNOWN_FIELD;
        }
      if ((flags & XJ_FJ_NO_KEY_FIELDS) && f->key_field)
        {
          *bad_field = f->key;
          return XJ_E_KEY_FIELD;
        }
      switch (f->type)
        {
        case XJ_FT_TEXT:
          if (json_is_null (v))
            {
              ftext (s, f)[0] = '\0';
              break;
            }
          if (! json_is_string (v))
            {
              *bad_field = f->key;
              return XJ_E_BAD_TYPE;
            }
          if (json_string_length (v) >= f->size
              || strlen (json_string_value (v)) != json_string_length (v))
            {
              xj_verrs_add (errs, f->key, XJ_E_TOO_LONG,
                            "%s最多%zu字节", f->zh, f->size - 1);
              break;
            }
          xj_strlcpy (ftext (s, f), json_string_value (v), f->size);
          break;
        case XJ_FT_INT:
        case XJ_FT_FLAG:
          if (json_is_null (v))
            {
              *fint (s, f) = -1;
              break;
            }
          if (! json_is_integer (v) || json_integer_value (v) > 1000000
              || json_integer_value (v) < -1)
            {
              *bad_field = f->key;
              return XJ_E_BAD_TYPE;
            }
          *fint (s, f) = (int) json_integer_value (v);
          break;
        case XJ_FT_DOUBLE:
          if (json_is_null (v))
            {
              *fdouble (s, f) = -1;
              break;
            }
          if (! json_is_number (v))
            {
              *bad_field = f->key;
              return XJ_E_BAD_TYPE;
            }
          *fdouble (s, f) = json_number_value (v);
          if (! isfinite (*fdouble (s, f)))
            {
              *bad_field = f->key;
              return XJ_E_BAD_TYPE;
            }
          break;
        case XJ_FT_I64:
          if (! json_is_integer (v))
            {
              *bad_field = f->key;
              return XJ_E_BAD_TYPE;
            }
          *fi64 (s, f) = json_integer_value (v);
          break;
        }
    }
  return XJ_E_OK;
}

char *
xj_student_data_dump (const struct xj_student *s)
{
  json_t *o = json_object ();
  char *out;

  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    {
      json_t *v;

      if (xj_student_is_column (f->key))
        continue;
      v = field_value (s, f, false);
      if (json_is_null (v) || (json_is_string (v) && 0 == json_string_length (v)))
        {
          json_decref (v);
          continue;
        }
      json_object_set_new (o, f->key, v);
    }
  out = json_dumps (o, JSON_COMPACT);
  json_decref (o);
  return out;
}

enum xj_err
xj_student_data_load (struct xj_student *s, const char *data)
{
  json_error_t jerr;
  json_t *o = json_loads (data, 0, &jerr);
  struct xj_verrs errs = { .n = 0 };
  const char *bad;
  enum xj_err e;

  if (NULL == o)
    {
      XJ_BUG ("student %lld: bad data JSON: %s", (long long) s->id, jerr.text);
      return XJ_E_INTERNAL;
    }
  e = xj_student_from_json (o, s, 0, &errs, &bad);
  json_decref (o);
  return e;
}

void
xj_student_mask_json (json_t *o)
{
  if (! json_is_object (o))
    return;
  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    {
      json_t *val = f->pii ? json_object_get (o, f->key) : NULL;
      char m[64];

      if (! json_is_string (val) || 0 == json_string_length (val))
        continue;
      if (strstr (f->key, "phone"))
        xj_mask_phone (json_string_value (val), m, sizeof m);
      else
        xj_mask_id (json_string_value (val), m, sizeof m);
      json_object_set_new (o, f->key, json_string (m));
    }
}

json_t *
xj_verrs_to_json (const struct xj_verrs *v)
{
  json_t *a = json_array ();

  for (size_t i = 0; i < v->n; i++)
    {
      char msg[512];

      if (v->e[i].detail[0])
        xj_snprintf (msg, sizeof msg, "%s：%s", xj_err_zh (v->e[i].code),
                     v->e[i].detail);
      else
        xj_strlcpy (msg, xj_err_zh (v->e[i].code), sizeof msg);
      json_array_append_new (a, json_pack ("{s:s, s:s, s:s}",
                                           "field", v->e[i].field,
                                           "code", xj_err_code (v->e[i].code),
                                           "message", msg));
    }
  return a;
}
