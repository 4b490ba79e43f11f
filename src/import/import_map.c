/* import_map.c -- header row -> fields, and cell text -> struct fields.
 *
 * Header names are matched on the field table's Chinese names (`zh`),
 * the JSON keys and a list of aliases seen in real templates, after
 * normalising spaces, full-width characters and the ★ of mandatory
 * columns.  Cells accept what spreadsheets produce: codes, "code-label",
 * labels, dates as 20150101 / 2015-01-01 / 2015/1/1 and, in XLSX, Excel
 * serial numbers.  Pure functions: no SQL, no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "import/import_int.h"
#include "validate/codes.h"
#include "validate/validate.h"

/* Decode one UTF-8 code point at @p (valid UTF-8 assumed; table.h hands
   out valid UTF-8).  Returns its length. */
static size_t
utf8_cp (const unsigned char *p, unsigned *cp)
{
  if (p[0] < 0x80)
    {
      *cp = p[0];
      return 1;
    }
  if ((p[0] & 0xE0) == 0xC0 && p[1])
    {
      *cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
      return 2;
    }
  if ((p[0] & 0xF0) == 0xE0 && p[1] && p[2])
    {
      *cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
      return 3;
    }
  if ((p[0] & 0xF8) == 0xF0 && p[1] && p[2] && p[3])
    {
      *cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12)
            | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
      return 4;
    }
  *cp = 0xFFFD;
  return 1;
}

/* Full-width ASCII (U+FF01..U+FF5E) and the ideographic space become
   ASCII; everything else is copied.  Output always terminated; returns
   its length. */
static size_t
halfwidth (const char *in, char *out, size_t outsz)
{
  const unsigned char *p = (const unsigned char *) in;
  size_t o = 0;

  while (*p && o + 4 < outsz)
    {
      unsigned cp;
      size_t n = utf8_cp (p, &cp);

      if (cp >= 0xFF01 && cp <= 0xFF5E)
        out[o++] = (char) (cp - 0xFEE0);
      else if (0x3000 == cp)
        out[o++] = ' ';
      else
        {
          memcpy (out + o, p, n);
          o += n;
        }
      p += n;
    }
  out[o] = '\0';
  return o;
}

void
xj_imap_norm (const char *in, char *out, size_t outsz)
{
  const unsigned char *p = (const unsigned char *) in;
  size_t o = 0;

  while (*p && o + 4 < outsz)
    {
      unsigned cp;
      size_t n = utf8_cp (p, &cp);

      p += n;
      if (cp >= 0xFF01 && cp <= 0xFF5E)
        {
          cp -= 0xFEE0;
          n = 1;
        }
      if (' ' == cp || '\t' == cp || '\r' == cp || '\n' == cp || 0x3000 == cp
          || 0xA0 == cp || 0xFEFF == cp || 0x2605 == cp || 0x2606 == cp
          || '*' == cp)
        continue;
      if (cp < 0x80)
        out[o++] = (char) ((cp >= 'A' && cp <= 'Z') ? cp - 'A' + 'a' : cp);
      else
        {
          memcpy (out + o, p - n, n);
          o += n;
        }
    }
  out[o] = '\0';
}

/* Aliases beyond the zh names and keys.  "@school", "@class", "@regno"
   are the import-only columns. */
static const struct {
  const char *name;
  const char *key;
} aliases[] = {
  { "学生姓名", "name" },
  { "性别码", "gender" },
  { "出生年月日", "birth_date" },
  { "生日", "birth_date" },
  { "出生地行政区划代码", "birthplace" },
  { "出生地代码", "birthplace" },
  { "民族码", "ethnicity" },
  { "国籍", "nationality" },
  { "国籍地区", "nationality" },
  { "证件类型", "id_type" },
  { "身份证类型", "id_type" },
  { "身份证件类型码", "id_type" },
  { "身份证号", "id_no" },
  { "身份证号码", "id_no" },
  { "身份证件号码", "id_no" },
  { "证件号码", "id_no" },
  { "证件号", "id_no" },
  { "公民身份号码", "id_no" },
  { "港澳台侨外码", "hk_mo_tw" },
  { "户口所在地行政区划", "hukou_region" },
  { "户口所在地行政区划代码", "hukou_region" },
  { "上下学距离(公里)", "distance_km" },
  { "上下学距离(km)", "distance_km" },
  { "电话", "phone" },
  { "学校标识码", "@school" },
  { "学校代码", "@school" },
  { "学校编码", "@school" },
  { "school_code", "@school" },
  { "班级", "@class" },
  { "班级名称", "@class" },
  { "班级号", "@class" },
  { "class", "@class" },
  { "学籍号", "@regno" },
  { "全国学籍号", "@regno" },
  { "学籍号码", "@regno" },
  { "学籍编号", "@regno" },
  { "registry_no", "@regno" },
};

/* Key for a normalised header, or NULL. */
static const char *
lookup (const char *norm)
{
  char buf[256];

  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    {
      xj_imap_norm (f->zh, buf, sizeof buf);
      if (0 == strcmp (buf, norm) || 0 == strcmp (f->key, norm))
        return f->key;
    }
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    {
      xj_imap_norm (aliases[i].name, buf, sizeof buf);
      if (0 == strcmp (buf, norm))
        return aliases[i].key;
    }
  /* 监护人1姓名 / 家庭成员1姓名 -> 成员1姓名 */
  {
    static const char *const prefixes[] = { "监护人", "家庭成员" };

    for (size_t i = 0; i < 2; i++)
      {
        size_t pl = strlen (prefixes[i]);

        if (0 == strncmp (norm, prefixes[i], pl) && norm[pl] >= '1'
            && norm[pl] <= '2')
          {
            char alt[256];

            xj_snprintf (alt, sizeof alt, "成员%s", norm + pl);
            return lookup (alt);
          }
      }
  }
  return NULL;
}

void
xj_imap_header (struct xj_imap *m, const struct xj_row *hdr)
{
  size_t nf = 0;

  memset (m, 0, sizeof *m);
  while (xj_student_fields[nf].key)
    nf++;
  m->nfields = nf;
  m->field_col = xj_malloc (nf * sizeof *m->field_col);
  for (size_t i = 0; i < nf; i++)
    m->field_col[i] = -1;
  m->school_col = m->class_col = m->regno_col = -1;
  m->ncols = hdr->ncols;
  m->cols = xj_calloc (hdr->ncols ? hdr->ncols : 1, sizeof *m->cols);
  for (size_t c = 0; c < hdr->ncols; c++)
    {
      struct xj_icol *ic = &m->cols[c];
      char norm[256];
      const char *key;
      int *slot = NULL;

      ic->name = xj_strdup (hdr->cells[c]);
      xj_valid_trim (ic->name);
      xj_imap_norm (hdr->cells[c], norm, sizeof norm);
      if ('\0' == norm[0])
        {
          ic->kind = XJ_ICM_EMPTY;
          continue;
        }
      key = lookup (norm);
      if (NULL == key)
        {
          ic->kind = XJ_ICM_UNKNOWN;
          continue;
        }
      if (0 == strcmp (key, "@school"))
        {
          ic->kind = XJ_ICM_SCHOOL;
          slot = &m->school_col;
        }
      else if (0 == strcmp (key, "@class"))
        {
          ic->kind = XJ_ICM_CLASS;
          slot = &m->class_col;
        }
      else if (0 == strcmp (key, "@regno"))
        {
          ic->kind = XJ_ICM_REGNO;
          slot = &m->regno_col;
        }
      else
        {
          ic->kind = XJ_ICM_FIELD;
          ic->f = xj_student_field (key);
          slot = &m->field_col[ic->f - xj_student_fields];
        }
      if (*slot >= 0)
        ic->kind = XJ_ICM_DUP;
      else
        *slot = (int) c;
    }
}

void
xj_imap_fini (struct xj_imap *m)
{
  for (size_t c = 0; c < m->ncols; c++)
    free (m->cols[c].name);
  free (m->cols);
  free (m->field_col);
  memset (m, 0, sizeof *m);
}

const char *
xj_imap_colname (const struct xj_imap *m, const struct xj_field *f, int *col)
{
  int c = m->field_col[f - xj_student_fields];

  if (col)
    *col = c;
  return c >= 0 ? m->cols[c].name : f->zh;
}

/* ---- cells ---- */

static bool
all_digits (const char *s)
{
  if ('\0' == *s)
    return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

/* Code set a cell of field @f (an entry of xj_student_fields) is read
   with: its own, "flag" for an integer field without one.  Looked up by
   name once per thread and field: xj_imap_cell needs it for most cells
   of every row, and the look-up by name was a visible share of an
   import's reader thread. */
#define CS_CACHE 128
static const struct xj_codeset *
cell_codeset (const struct xj_field *f)
{
  static _Thread_local const struct xj_codeset *cs[CS_CACHE];
  static _Thread_local bool ready[CS_CACHE];
  size_t i = (size_t) (f - xj_student_fields);
  const char *set = f->codeset ? f->codeset : "flag";

  if (i >= CS_CACHE)
    return xj_codeset (set);
  if (!ready[i])
    {
      cs[i] = xj_codeset (set);
      ready[i] = true;
    }
  return cs[i];
}

/* Only digits and capital letters, at least one. */
static bool
plain_code (const char *v)
{
  if ('\0' == *v)
    return false;
  for (; *v; v++)
    if (!((*v >= '0' && *v <= '9') || (*v >= 'A' && *v <= 'Z')))
      return false;
  return true;
}

/* xj_parse_i64 for a code: digit strings short enough for an int
   without strtoll (a call per integer cell of every row). */
static bool
code_int (const char *code, int64_t *n)
{
  int64_t v = 0;
  size_t i;

  for (i = 0; code[i] >= '0' && code[i] <= '9' && i < 9; i++)
    v = v * 10 + (code[i] - '0');
  if (0 == i || '\0' != code[i])
    return xj_parse_i64 (code, n);
  *n = v;
  return true;
}

/* Code of @v in the set @cs: the code itself (letters upper-cased,
   digits zero-padded to the set's width when Excel dropped a leading
   zero), "code-label", "code label" or the label (also without a
   trailing 族/性).  False if none matches. */
static bool
code_of (const struct xj_codeset *cs, const char *v, char *out,
         size_t outsz)
{
  const struct xj_code *hit;
  char buf[256];
  char up[64];
  size_t n;

  if (NULL == cs)
    return false;
  /* Most cells hold the code itself (exports write codes).  A value of
     only digits and capital letters is left as it is by the steps below
     (no full-width form, space, lower case or ".0"), so when it is in
     the set they would find the same entry. */
  if (plain_code (v) && NULL != (hit = xj_codeset_find (cs, v)))
    return xj_strlcpy (out, hit->code, outsz);
  n = xj_valid_trim_len (buf, halfwidth (v, buf, sizeof buf));
  if (n < sizeof up)
    {
      for (size_t i = 0; i <= n; i++)
        up[i] = (char) ((buf[i] >= 'a' && buf[i] <= 'z') ? buf[i] - 32
                                                        : buf[i]);
      /* "1.0" from a numeric XLSX cell */
      if (n > 2 && '.' == up[n - 2] && '0' == up[n - 1])
        up[n - 2] = '\0';
      if (xj_codeset_find (cs, up))
        return xj_strlcpy (out, up, outsz);
      if (all_digits (up) && cs->codes[0].code
          && strlen (cs->codes[0].code) > strlen (up))
        {
          char pad[16];
          size_t w = strlen (cs->codes[0].code);

          if (w < sizeof pad)
            {
              size_t z = w - strlen (up);

              memset (pad, '0', z);
              xj_strlcpy (pad + z, up, sizeof pad - z);
              if (xj_codeset_find (cs, pad))
                return xj_strlcpy (out, pad, outsz);
            }
        }
      /* "1-男", "01 汉族" */
      for (size_t i = 1; i < n && i < 8; i++)
        if ('-' == up[i] || ' ' == up[i] || ':' == up[i])
          {
            char c[8];

            memcpy (c, up, i);
            c[i] = '\0';
            if (xj_codeset_find (cs, c))
              return xj_strlcpy (out, c, outsz);
            break;
          }
    }
  for (const struct xj_code *c = cs->codes; c->code; c++)
    {
      size_t zl = strlen (c->zh);

      if (0 == strcmp (c->zh, buf))
        return xj_strlcpy (out, c->code, outsz);
      /* 汉 for 汉族, 男性 for 男 */
      if ((n + 3 == zl && 0 == strncmp (c->zh, buf, n)
           && 0 == strcmp (c->zh + n, "族"))
          || (zl + 3 == n && 0 == strncmp (c->zh, buf, zl)
              && 0 == strcmp (buf + zl, "性")))
        return xj_strlcpy (out, c->code, outsz);
    }
  return false;
}

/* Excel serial day number (1900 date system, with its 1900-02-29) to
   "YYYY-MM-DD"; false if out of the plausible range. */
bool
xj_imap_excel_serial (const char *v, char *out, size_t outsz)
{
  char buf[32];
  char *dot;
  int64_t n;
  int64_t z, era, doe, yoe, y, doy, mp, d, m;

  xj_strlcpy (buf, v, sizeof buf);
  dot = strchr (buf, '.');
  if (dot)
    *dot = '\0';   /* a time of day after the point */
  if (! all_digits (buf) || strlen (buf) > 5 || ! xj_parse_i64 (buf, &n)
      || n < 61 || n > 2958465)
    return false;
  /* days since 1970-01-01, then the civil-from-days algorithm */
  z = n - 25569 + 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2)
    y++;
  return xj_snprintf (out, outsz, "%04d-%02d-%02d", (int) y, (int) m,
                      (int) d);
}

/* Copy @v into a char[@size] field.  Too long: copy @size bytes without
   a terminator so xj_student_validate reports TOO_LONG (and terminates
   it) exactly as it does for the API. */
static void
put_text (char *dst, size_t size, const char *v)
{
  size_t n = strlen (v);

  if (n < size)
    memcpy (dst, v, n + 1);
  else
    memcpy (dst, v, size);
}

static void
shown (const char *v, char *buf, size_t sz)
{
  if (! xj_strlcpy (buf, v, sz) && sz > 4)
    xj_strlcpy (buf + strlen (buf) - (strlen (buf) > 3 ? 3 : 0), "…", 4);
}

enum xj_err
xj_imap_cell (const struct xj_field *f, const char *v, bool xlsx,
              struct xj_student *s, char *msg, size_t msgsz)
{
  char *base = (char *) s + f->offset;
  char code[16];
  char buf[64];
  char sv[48];

  msg[0] = '\0';
  if ('\0' == v[0])
    return XJ_E_OK;
  switch (f->type)
    {
    case XJ_FT_TEXT:
      if (f->codeset && code_of (cell_codeset (f), v, code, sizeof code))
        {
          put_text (base, f->size, code);
          return XJ_E_OK;
        }
      /* (first letters compared first: this runs for every text cell) */
      if ('b' == f->key[0] && 0 == strcmp (f->key, "birth_date"))
        {
          char t[64];
          char *sp;

          xj_strlcpy (t, v, sizeof t);
          xj_valid_trim (t);
          sp = strchr (t, ' ');  /* "2015/1/1 0:00" */
          if (sp)
            *sp = '\0';
          if (xlsx && xj_imap_excel_serial (t, buf, sizeof buf))
            put_text (base, f->size, buf);
          else
            put_text (base, f->size, t);
          return XJ_E_OK;
        }
      if ('e' == f->key[0] && 0 == strcmp (f->key, "enrol_ym"))
        {
          char t[64];

          halfwidth (v, t, sizeof t);
          xj_valid_trim (t);
          if ((xlsx && xj_imap_excel_serial (t, buf, sizeof buf))
              || (strlen (t) > 7 && XJ_E_OK == xj_valid_date (t, buf,
                                                               sizeof buf)))
            {
              /* a full date: keep its year and month */
              char ym[8] = { buf[0], buf[1], buf[2], buf[3], buf[5], buf[6],
                             0, 0 };

              put_text (base, f->size, ym);
            }
          else
            put_text (base, f->size, t);
          return XJ_E_OK;
        }
      put_text (base, f->size, v);
      return XJ_E_OK;
    case XJ_FT_INT:
    case XJ_FT_FLAG:
      {
        const char *set = f->codeset ? f->codeset : "flag";
        int64_t n;

        if (code_of (cell_codeset (f), v, code, sizeof code)
            || (0 == strcmp (set, "flag")
                && (0 == strcasecmp (v, "y") || 0 == strcasecmp (v, "yes")
                    || 0 == strcasecmp (v, "true"))
                && xj_strlcpy (code, "1", sizeof code))
            || (0 == strcmp (set, "flag")
                && (0 == strcasecmp (v, "n") || 0 == strcasecmp (v, "no")
                    || 0 == strcasecmp (v, "false"))
                && xj_strlcpy (code, "0", sizeof code)))
          {
            if (code_int (code, &n))
              {
                *(int *) (void *) base = (int) n;
                return XJ_E_OK;
              }
          }
        shown (v, sv, sizeof sv);
        xj_snprintf (msg, msgsz, "%s“%s”不在代码集中", f->zh, sv);
        return XJ_E_CODE;
      }
    case XJ_FT_DOUBLE:
      {
        char t[64];
        char *end;
        double d;

        halfwidth (v, t, sizeof t);
        xj_valid_trim (t);
        d = strtod (t, &end);
        if (end == t || '\0' != *end || d < 0)
          {
            shown (v, sv, sizeof sv);
            xj_snprintf (msg, msgsz, "%s“%s”应为非负数（公里）", f->zh, sv);
            return XJ_E_RANGE;
          }
        *(double *) (void *) base = d;
        return XJ_E_OK;
      }
    case XJ_FT_I64:
      {
        int64_t n;

        if (! xj_parse_i64 (v, &n))
          {
            shown (v, sv, sizeof sv);
            xj_snprintf (msg, msgsz, "%s“%s”应为整数", f->zh, sv);
            return XJ_E_RANGE;
          }
        *(int64_t *) (void *) base = n;
        return XJ_E_OK;
      }
    }
  return XJ_E_OK;
}

unsigned
xj_imap_class_no (const char *v)
{
  char t[128];
  char *p;
  int64_t n;

  halfwidth (v, t, sizeof t);
  xj_valid_trim (t);
  if (xj_parse_i64 (t, &n))
    return n >= 1 && n <= 99 ? (unsigned) n : 0;
  /* "...(3)班" */
  p = strrchr (t, '(');
  if (p)
    {
      char num[8];
      size_t i = 0;

      p++;
      while (*p >= '0' && *p <= '9' && i < 3)
        num[i++] = *p++;
      num[i] = '\0';
      if (i && ')' == *p && xj_parse_i64 (num, &n) && n >= 1 && n <= 99)
        return (unsigned) n;
      return 0;
    }
  /* "3班" */
  {
    size_t len = strlen (t);

    if (len > 3 && 0 == strcmp (t + len - 3, "班"))
      {
        t[len - 3] = '\0';
        if (xj_parse_i64 (t, &n) && n >= 1 && n <= 99)
          return (unsigned) n;
      }
  }
  return 0;
}
