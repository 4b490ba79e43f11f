/* student_json.c -- struct xj_student <-> JSON through xj_student_fields.
 * Must not touch the database or HTTP.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "student/student_json.h"
#include "student/student_pack.h"
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
field_value (const struct xj_student *s, const struct xj_field *f,
             unsigned show)
{
  switch (f->type)
    {
    case XJ_FT_TEXT:
      {
        char m[64];

        return json_string (xj_mask_for (f->pii, show, ftext (s, f), m,
                                         sizeof m));
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
xj_student_to_json (const struct xj_student *s, unsigned show)
{
  json_t *o = json_object ();
  char reg[sizeof s->registry_no];

  json_object_set_new (o, "id", json_integer (s->id));
  json_object_set_new (o, "registry_no",
                       json_string (xj_mask_for (XJ_MASK_REGISTRY_NO, show,
                                                 s->registry_no, reg,
                                                 sizeof reg)));
  json_object_set_new (o, "status", json_string (s->status));
  json_object_set_new (o, "dup_flag", json_integer (s->dup_flag));
  json_object_set_new (o, "version", json_integer (s->version));
  json_object_set_new (o, "school_id", json_integer (s->school_id));
  if (s->class_id)
    json_object_set_new (o, "class_id", json_integer (s->class_id));
  else
    json_object_set_new (o, "class_id", json_null ());
  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    json_object_set_new (o, f->key, field_value (s, f, show));
  json_object_set_new (o, "masked", json_boolean (XJ_PII_ALL != show));
  return o;
}

/* ---- xj_student_to_json_text: the same JSON without jansson values ----
   Building ~90 jansson values and dumping them measured about a quarter
   of a GET's CPU (bench/README.md).  These write the text json_dumps
   (JSON_COMPACT) gives for xj_student_to_json byte for byte (the unit test
   test_student_json_text compares the two), including jansson's quirks:
   a member whose string is not valid UTF-8 or whose real is not finite is
   left out, as json_object_set_new drops a NULL value. */

static void
text_str (struct xj_buf *b, const char *t)
{
  const char *run = t;

  xj_buf_append (b, "\"", 1);
  for (; *t; t++)
    {
      unsigned char c = (unsigned char) *t;
      char esc[8];

      if (c >= 0x20 && '"' != c && '\\' != c)
        continue;
      xj_buf_append (b, run, (size_t) (t - run));
      run = t + 1;
      switch (c)
        {
        case '"': xj_buf_append (b, "\\\"", 2); break;
        case '\\': xj_buf_append (b, "\\\\", 2); break;
        case '\b': xj_buf_append (b, "\\b", 2); break;
        case '\f': xj_buf_append (b, "\\f", 2); break;
        case '\n': xj_buf_append (b, "\\n", 2); break;
        case '\r': xj_buf_append (b, "\\r", 2); break;
        case '\t': xj_buf_append (b, "\\t", 2); break;
        default:
          snprintf (esc, sizeof esc, "\\u%04X", c);
          xj_buf_append (b, esc, 6);
        }
    }
  xj_buf_append (b, run, (size_t) (t - run));
  xj_buf_append (b, "\"", 1);
}

/* ,"key": -- the comma only after the first member. */
static void
text_key (struct xj_buf *b, const char *key)
{
  if (b->len > 0 && '{' != b->data[b->len - 1])
    xj_buf_append (b, ",", 1);
  text_str (b, key);
  xj_buf_append (b, ":", 1);
}

static void
text_int (struct xj_buf *b, const char *key, int64_t v)
{
  char n[32];
  int len = snprintf (n, sizeof n, "%lld", (long long) v);

  text_key (b, key);
  xj_buf_append (b, n, (size_t) len);
}

static void
text_string (struct xj_buf *b, const char *key, const char *v)
{
  if (! xj_utf8_valid (v, strlen (v)))
    return; /* json_string() would give NULL: member dropped */
  text_key (b, key);
  text_str (b, v);
}

/* jansson's jsonp_dtostr at XJ_JSON_DUMP_FLAGS precision (15): enough
   for every real the record holds, and 4.8 stays "4.8". */
static void
text_real (struct xj_buf *b, const char *key, double d)
{
  char n[64];
  char *start, *end;
  size_t len;

  if (! isfinite (d))
    return; /* json_real() would give NULL: member dropped */
  len = (size_t) snprintf (n, sizeof n, "%.15g", d);
  if (NULL == strchr (n, '.') && NULL == strchr (n, 'e'))
    {
      memcpy (n + len, ".0", 3);
      len += 2;
    }
  start = strchr (n, 'e');
  if (start)
    {
      start++;
      end = start + 1;
      if ('-' == *start)
        start++;
      while ('0' == *end)
        end++;
      if (end != start)
        {
          memmove (start, end, len - (size_t) (end - n) + 1);
          len -= (size_t) (end - start);
        }
    }
  text_key (b, key);
  xj_buf_append (b, n, len);
}

static void
text_field (struct xj_buf *b, const struct xj_student *s,
            const struct xj_field *f, unsigned show)
{
  switch (f->type)
    {
    case XJ_FT_TEXT:
      {
        char m[64];

        text_string (b, f->key,
                     xj_mask_for (f->pii, show, ftext (s, f), m, sizeof m));
        return;
      }
    case XJ_FT_INT:
    case XJ_FT_FLAG:
      {
        int v = *fint (s, f);

        if (int_given (f, v))
          text_int (b, f->key, v);
        else
          {
            text_key (b, f->key);
            xj_buf_append (b, "null", 4);
          }
        return;
      }
    case XJ_FT_DOUBLE:
      {
        double d = *fdouble (s, f);

        if (d >= 0)
          text_real (b, f->key, d);
        else
          {
            text_key (b, f->key);
            xj_buf_append (b, "null", 4);
          }
        return;
      }
    case XJ_FT_I64:
      text_int (b, f->key, *fi64 (s, f));
      return;
    }
}

char *
xj_student_to_json_text (const struct xj_student *s, unsigned show,
                         const json_t *extra)
{
  struct xj_buf b;
  char reg[sizeof s->registry_no];
  bool masked = XJ_PII_ALL != show;

  xj_buf_init (&b, 0);
  xj_buf_append (&b, "{", 1);
  text_int (&b, "id", s->id);
  text_string (&b, "registry_no",
               xj_mask_for (XJ_MASK_REGISTRY_NO, show, s->registry_no, reg,
                            sizeof reg));
  text_string (&b, "status", s->status);
  text_int (&b, "dup_flag", s->dup_flag);
  text_int (&b, "version", s->version);
  text_int (&b, "school_id", s->school_id);
  if (s->class_id)
    text_int (&b, "class_id", s->class_id);
  else
    {
      text_key (&b, "class_id");
      xj_buf_append (&b, "null", 4);
    }
  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    text_field (&b, s, f, show);
  text_key (&b, "masked");
  xj_buf_append (&b, masked ? "true" : "false", masked ? 4 : 5);
  if (extra && json_object_size (extra) > 0)
    {
      char *e = json_dumps (extra, XJ_JSON_DUMP_FLAGS);

      /* "{...}" -> ",..." */
      xj_buf_append (&b, ",", 1);
      xj_buf_append (&b, e + 1, strlen (e) - 2);
      free (e);
    }
  xj_buf_append (&b, "}", 1);
  return xj_buf_steal (&b);
}

static bool
key_is (const char *key, const char *name)
{
  return 0 == strcmp (key, name);
}

/* Is @v the masked form (xj_mask) of personal field @f's value in @s?
   An edit form shows a phone or an ID number masked and sends the record
   back; the masked text is then "unchanged", never a new value (and never
   a format error).  A new value is always typed whole. */
static bool
echoes_mask (const struct xj_student *s, const struct xj_field *f,
             const char *v)
{
  const char *cur;
  char m[64];

  if (XJ_MASK_NONE == f->pii || NULL == strchr (v, '*'))
    return false;
  cur = ftext (s, f);
  if ('\0' == cur[0])
    return false;
  xj_mask (f->pii, cur, m, sizeof m);
  return 0 == strcmp (m, v);
}

/* school_id or class_id (@key) from @v: a non-negative integer, or null
   (no class). */
static enum xj_err
set_id_member (struct xj_student *s, const char *key, const json_t *v)
{
  bool school = key_is (key, "school_id");

  if (json_is_null (v))
    {
      if (! school)
        s->class_id = 0;
      return XJ_E_OK;
    }
  if (! json_is_integer (v) || json_integer_value (v) < 0)
    return XJ_E_BAD_TYPE;
  if (school)
    s->school_id = json_integer_value (v);
  else
    s->class_id = json_integer_value (v);
  return XJ_E_OK;
}

/* A text field from @v (null empties it; the masked form sent back leaves
   it as it is); too long is a validation error in @errs. */
static enum xj_err
set_text (struct xj_student *s, const struct xj_field *f, const json_t *v,
          struct xj_verrs *errs)
{
  if (json_is_null (v))
    {
      ftext (s, f)[0] = '\0';
      return XJ_E_OK;
    }
  if (! json_is_string (v))
    return XJ_E_BAD_TYPE;
  if (echoes_mask (s, f, json_string_value (v)))
    return XJ_E_OK; /* the masked form sent back: unchanged */
  if (json_string_length (v) >= f->size
      || strlen (json_string_value (v)) != json_string_length (v))
    {
      /* in characters a registrar counts: a Chinese character is three
         bytes of the limit */
      xj_verrs_add (errs, f->key, XJ_E_TOO_LONG,
                    "%s过长：最多%zu个汉字（或%zu个字母、数字）", f->zh,
                    (f->size - 1) / 3, f->size - 1);
      return XJ_E_OK;
    }
  xj_strlcpy (ftext (s, f), json_string_value (v), f->size);
  return XJ_E_OK;
}

/* Field @f from @v by its type; XJ_E_BAD_TYPE for a value of the wrong
   JSON type or out of range. */
static enum xj_err
set_field (struct xj_student *s, const struct xj_field *f, const json_t *v,
           struct xj_verrs *errs)
{
  switch (f->type)
    {
    case XJ_FT_TEXT:
      return set_text (s, f, v, errs);
    case XJ_FT_INT:
    case XJ_FT_FLAG:
      if (json_is_null (v))
        *fint (s, f) = -1;
      else if (! json_is_integer (v) || json_integer_value (v) > 1000000
               || json_integer_value (v) < -1)
        return XJ_E_BAD_TYPE;
      else
        *fint (s, f) = (int) json_integer_value (v);
      return XJ_E_OK;
    case XJ_FT_DOUBLE:
      if (json_is_null (v))
        *fdouble (s, f) = -1;
      else if (! json_is_number (v) || ! isfinite (json_number_value (v)))
        return XJ_E_BAD_TYPE;
      else
        *fdouble (s, f) = json_number_value (v);
      return XJ_E_OK;
    case XJ_FT_I64:
      if (! json_is_integer (v))
        return XJ_E_BAD_TYPE;
      *fi64 (s, f) = json_integer_value (v);
      return XJ_E_OK;
    }
  return XJ_E_BAD_TYPE;
}

enum xj_err
xj_student_from_json (const json_t *obj, struct xj_student *s,
                      unsigned flags, struct xj_verrs *errs,
                      const char **bad_field)
{
  const char *key;
  json_t *v;
  enum xj_err e;

  *bad_field = NULL;
  if (! json_is_object (obj))
    return XJ_E_BAD_JSON;
  json_object_foreach ((json_t *) obj, key, v)
    {
      const struct xj_field *f = NULL;

      if ((flags & XJ_FJ_ALLOW_IDS)
          && (key_is (key, "school_id") || key_is (key, "class_id")))
        e = set_id_member (s, key, v);
      else if ((flags & XJ_FJ_ALLOW_VERSION) && key_is (key, "version"))
        {
          e = json_is_integer (v) ? XJ_E_OK : XJ_E_BAD_TYPE;
          if (XJ_E_OK == e)
            s->version = json_integer_value (v);
        }
      else if (NULL == (f = xj_student_field (key)))
        e = XJ_E_UNKNOWN_FIELD;
      else if ((flags & XJ_FJ_NO_KEY_FIELDS) && f->key_field)
        e = XJ_E_KEY_FIELD;
      else
        e = set_field (s, f, v, errs);
      if (XJ_E_OK != e)
        {
          *bad_field = f ? f->key : key;  /* static for a field */
          return e;
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
      v = field_value (s, f, XJ_PII_ALL);
      if (json_is_null (v) || (json_is_string (v) && 0 == json_string_length (v)))
        {
          json_decref (v);
          continue;
        }
      json_object_set_new (o, f->key, v);
    }
  out = json_dumps (o, XJ_JSON_DUMP_FLAGS);
  json_decref (o);
  return out;
}

/* ---- fast path of xj_student_data_load ----
   Every GET of a record parses its `data` column; jansson builds a hash
   table of ~80 members only to be walked once, which measured about a
   quarter of the request's CPU (bench/README.md).  This parser reads the
   common shape that xj_student_data_dump writes -- one flat object of
   known keys with plain strings (no escapes), integers, reals or null --
   straight into the struct, with the same per-type rules as
   xj_student_from_json.  On anything else (escapes, unknown keys, wrong
   types, over-long text, bad UTF-8, malformed JSON) it gives up and the
   caller takes the jansson path, which re-applies every member from the
   first and so ends in the same struct and status as it always did. */

static const char *
skip_ws (const char *p)
{
  while (' ' == *p || '\t' == *p || '\n' == *p || '\r' == *p)
    p++;
  return p;
}

/* A string without escapes or control characters: *start, *len; returns
   the position after the closing quote, or NULL. */
static const char *
plain_string (const char *p, const char **start, size_t *len)
{
  const char *q;

  if ('"' != *p)
    return NULL;
  for (q = ++p; '"' != *q; q++)
    if ('\\' == *q || (unsigned char) *q < 0x20)
      return NULL; /* escape, control character or end of text */
  *start = p;
  *len = (size_t) (q - p);
  return xj_utf8_valid (p, *len) ? q + 1 : NULL;
}

/* The field for @key (@len bytes), searched from the one after @hint:
   dumps are in table order, so this is usually the first look. */
static const struct xj_field *
field_after (const struct xj_field *hint, const char *key, size_t len)
{
  const struct xj_field *f = hint ? hint + 1 : xj_student_fields;

  for (int pass = 0; pass < 2; pass++, f = xj_student_fields)
    for (; f->key; f++)
      if (0 == strncmp (f->key, key, len) && '\0' == f->key[len])
        return f;
  return NULL;
}

/* A JSON number in strict JSON syntax; integers of up to 18 digits only
   (no overflow).  Returns the position after it, or NULL. */
static const char *
plain_number (const char *p, bool *is_int, int64_t *i, double *d)
{
  const char *q = p;
  char buf[64];
  char *end;

  if ('-' == *q)
    q++;
  if ('0' == *q)
    q++;
  else if (*q >= '1' && *q <= '9')
    while (*q >= '0' && *q <= '9')
      q++;
  else
    return NULL;
  *is_int = true;
  if ('.' == *q)
    {
      *is_int = false;
      if (! (*++q >= '0' && *q <= '9'))
        return NULL;
      while (*q >= '0' && *q <= '9')
        q++;
    }
  if ('e' == *q || 'E' == *q)
    {
      *is_int = false;
      q++;
      if ('+' == *q || '-' == *q)
        q++;
      if (! (*q >= '0' && *q <= '9'))
        return NULL;
      while (*q >= '0' && *q <= '9')
        q++;
    }
  if ((size_t) (q - p) >= sizeof buf || (*is_int && q - p > 18))
    return NULL;
  memcpy (buf, p, (size_t) (q - p));
  buf[q - p] = '\0';
  if (*is_int)
    {
      *i = strtoll (buf, &end, 10);
      *d = (double) *i;
    }
  else
    *d = strtod (buf, &end);
  return ('\0' == *end && isfinite (*d)) ? q : NULL;
}

static bool
data_load_fast (struct xj_student *s, const char *p)
{
  const struct xj_field *f = NULL;

  p = skip_ws (p);
  if ('{' != *p++)
    return false;
  p = skip_ws (p);
  if ('}' == *p)
    return '\0' == *skip_ws (p + 1);
  for (;;)
    {
      const char *k, *v;
      size_t klen, vlen;

      p = plain_string (p, &k, &klen);
      if (NULL == p || NULL == (f = field_after (f, k, klen)))
        return false;
      p = skip_ws (p);
      if (':' != *p)
        return false;
      p = skip_ws (p + 1);
      if (0 == strncmp (p, "null", 4))
        {
          p += 4;
          if (XJ_FT_TEXT == f->type)
            ftext (s, f)[0] = '\0';
          else if (XJ_FT_INT == f->type || XJ_FT_FLAG == f->type)
            *fint (s, f) = -1;
          else if (XJ_FT_DOUBLE == f->type)
            *fdouble (s, f) = -1;
          else
            return false;
        }
      else if ('"' == *p)
        {
          if (XJ_FT_TEXT != f->type || NULL == (p = plain_string (p, &v, &vlen))
              || vlen >= f->size)
            return false;
          memcpy (ftext (s, f), v, vlen);
          ftext (s, f)[vlen] = '\0';
        }
      else
        {
          bool is_int;
          int64_t i = 0;
          double d;

          if (NULL == (p = plain_number (p, &is_int, &i, &d)))
            return false;
          if ((XJ_FT_INT == f->type || XJ_FT_FLAG == f->type) && is_int
              && i >= -1 && i <= 1000000)
            *fint (s, f) = (int) i;
          else if (XJ_FT_DOUBLE == f->type)
            *fdouble (s, f) = d;
          else if (XJ_FT_I64 == f->type && is_int)
            *fi64 (s, f) = i;
          else
            return false;
        }
      p = skip_ws (p);
      if ('}' == *p)
        return '\0' == *skip_ws (p + 1);
      if (',' != *p)
        return false;
      p = skip_ws (p + 1);
    }
}

enum xj_err
xj_student_data_load (struct xj_student *s, const void *p, size_t n)
{
  const char *data = p;
  json_error_t jerr;
  json_t *o;
  struct xj_verrs *errs;
  const char *bad;
  enum xj_err e;

  if (n > 0 && XJ_PACK_V1 == *(const unsigned char *) p)
    {
      e = xj_student_unpack (s, p, n);
      if (XJ_E_OK != e)
        XJ_BUG ("student %lld: malformed packed data (%zu bytes)",
                (long long) s->id, n);
      return e;
    }
  if (data_load_fast (s, data))
    return XJ_E_OK;
  o = json_loads (data, 0, &jerr);
  if (NULL == o)
    {
      XJ_BUG ("student %lld: bad data JSON: %s", (long long) s->id, jerr.text);
      return XJ_E_INTERNAL;
    }
  errs = xj_calloc (1, sizeof *errs); /* ~13 KB: not on the stack */
  e = xj_student_from_json (o, s, 0, errs, &bad);
  free (errs);
  json_decref (o);
  return e;
}

void
xj_student_mask_json (json_t *o)
{
  json_t *val;
  char m[64];

  if (! json_is_object (o))
    return;
  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    {
      val = f->pii ? json_object_get (o, f->key) : NULL;
      if (! json_is_string (val) || 0 == json_string_length (val))
        continue;
      xj_mask (f->pii, json_string_value (val), m, sizeof m);
      json_object_set_new (o, f->key, json_string (m));
    }
  val = json_object_get (o, "registry_no");
  if (json_is_string (val) && 0 < json_string_length (val))
    {
      xj_mask (XJ_MASK_REGISTRY_NO, json_string_value (val), m, sizeof m);
      json_object_set_new (o, "registry_no", json_string (m));
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
