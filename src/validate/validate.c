/* validate.c -- field validation primitives (see validate.h).
 *
 * Every entry path (API, import, CLI) funnels values through these so a
 * value accepted in one place is accepted, and normalised the same way,
 * everywhere.  No allocation: each function copies its input into a
 * bounded stack buffer (so @in and @out may alias) and writes the normal
 * form into the caller's buffer.  No clock and no database here.
 */
#include <stdint.h>
#include <string.h>

#include "core/util.h"
#include "idcard/idcard.h"
#include "validate/validate.h"

/* ---- small helpers ---- */

static bool
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static bool
is_alpha (char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
is_ascii_space (char c)
{
  return ' ' == c || '\t' == c || '\r' == c || '\n' == c || '\v' == c
         || '\f' == c;
}

static int
num (const char *s, size_t n)
{
  int v = 0;

  for (size_t i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

/* strlen bounded by @max (strnlen is POSIX, not C17). */
static size_t
bounded_len (const char *s, size_t max)
{
  const char *z = memchr (s, '\0', max);

  return z ? (size_t) (z - s) : max;
}

/* Copy @in into @buf (size @bufsz) and trim it.  False if @in does not
   fit, which every caller reports as its own format error. */
static bool
load (const char *in, char *buf, size_t bufsz)
{
  size_t len;

  if (NULL == in)
    return false;
  len = bounded_len (in, bufsz);
  if (len >= bufsz)
    return false;
  memcpy (buf, in, len + 1);
  xj_valid_trim_len (buf, len);
  return true;
}

/* Write @s to @out as the result, or fail with @e when it does not fit.
   On failure @out is left empty. */
static enum xj_err
store (const char *s, char *out, size_t outsz, enum xj_err e)
{
  size_t len = strlen (s);

  if (len >= outsz)
    {
      if (outsz > 0)
        out[0] = '\0';
      return e;
    }
  memcpy (out, s, len + 1);
  return XJ_E_OK;
}

static enum xj_err
fail (char *out, size_t outsz, enum xj_err e)
{
  if (outsz > 0)
    out[0] = '\0';
  return e;
}

/* Decode one code point from valid UTF-8 at @s; stores its length. */
static uint32_t
decode (const unsigned char *s, size_t *n)
{
  if (s[0] < 0x80)
    {
      *n = 1;
      return s[0];
    }
  if (s[0] < 0xE0)
    {
      *n = 2;
      return ((uint32_t) (s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    }
  if (s[0] < 0xF0)
    {
      *n = 3;
      return ((uint32_t) (s[0] & 0x0F) << 12)
             | ((uint32_t) (s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
  *n = 4;
  return ((uint32_t) (s[0] & 0x07) << 18) | ((uint32_t) (s[1] & 0x3F) << 12)
         | ((uint32_t) (s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* Encode @cp into @out (room for 4 bytes); returns the length. */
static size_t
encode (uint32_t cp, char *out)
{
  if (cp < 0x80)
    {
      out[0] = (char) cp;
      return 1;
    }
  if (cp < 0x800)
    {
      out[0] = (char) (0xC0 | (cp >> 6));
      out[1] = (char) (0x80 | (cp & 0x3F));
      return 2;
    }
  if (cp < 0x10000)
    {
      out[0] = (char) (0xE0 | (cp >> 12));
      out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
      out[2] = (char) (0x80 | (cp & 0x3F));
      return 3;
    }
  out[0] = (char) (0xF0 | (cp >> 18));
  out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char) (0x80 | (cp & 0x3F));
  return 4;
}

/* U+3000 (ideographic space, E3 80 80) at @s?  Compared byte by byte:
   a memcmp call per trim was visible in an import's profile. */
static bool
is_ideo_space (const char *s)
{
  return '\xE3' == s[0] && '\x80' == s[1] && '\x80' == s[2];
}

size_t
xj_valid_trim_len (char *s, size_t len)
{
  size_t b = 0;

  /* Full-width spaces are common in pasted text. */
  for (;;)
    {
      if (b < len && is_ascii_space (s[b]))
        b++;
      else if (b + 3 <= len && is_ideo_space (s + b))
        b += 3;
      else
        break;
    }
  for (;;)
    {
      if (len > b && is_ascii_space (s[len - 1]))
        len--;
      else if (len >= b + 3 && is_ideo_space (s + len - 3))
        len -= 3;
      else
        break;
    }
  /* Most values have nothing to trim at the front: no move. */
  if (b > 0)
    memmove (s, s + b, len - b);
  s[len - b] = '\0';
  return len - b;
}

void
xj_valid_trim (char *s)
{
  xj_valid_trim_len (s, strlen (s));
}

/* ---- dates ---- */

bool
xj_valid_real_date (int y, int m, int d)
{
  static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31 };
  int max;

  if (y < 1 || m < 1 || m > 12 || d < 1)
    return false;
  max = mdays[m - 1];
  if (2 == m && ((0 == y % 4 && 0 != y % 100) || 0 == y % 400))
    max = 29;
  return d <= max;
}

/* Write @v (0 <= @v < 10^@width) as @width digits with leading zeros;
   returns the end.  The normal forms are built with this rather than
   printf, which was a visible share of an import's validation. */
static char *
put_digits (char *o, int v, int width)
{
  for (int i = width - 1; i >= 0; i--)
    {
      o[i] = (char) ('0' + v % 10);
      v /= 10;
    }
  return o + width;
}

/* Read 1..@maxd digits at *@p into *@v; advances *@p. */
static bool
digits (const char **p, size_t mind, size_t maxd, int *v)
{
  size_t n = 0;

  while (n < maxd && is_digit ((*p)[n]))
    n++;
  if (n < mind || is_digit ((*p)[n]))
    return false;
  *v = num (*p, n);
  *p += n;
  return true;
}

enum xj_err
xj_valid_date (const char *in, char *out, size_t outsz)
{
  char buf[32];
  char norm[16];
  char *o;
  int y, m, d;

  if (!load (in, buf, sizeof buf))
    return fail (out, outsz, XJ_E_DATE_FORMAT);
  if (8 == strlen (buf) && 8 == strspn (buf, "0123456789"))
    {
      y = num (buf, 4);
      m = num (buf + 4, 2);
      d = num (buf + 6, 2);
    }
  else
    {
      const char *p = buf;
      char sep;

      if (!digits (&p, 4, 4, &y))
        return fail (out, outsz, XJ_E_DATE_FORMAT);
      sep = *p;
      if ('-' != sep && '/' != sep && '.' != sep)
        return fail (out, outsz, XJ_E_DATE_FORMAT);
      p++;
      if (!digits (&p, 1, 2, &m) || *p != sep)
        return fail (out, outsz, XJ_E_DATE_FORMAT);
      p++;
      if (!digits (&p, 1, 2, &d) || '\0' != *p)
        return fail (out, outsz, XJ_E_DATE_FORMAT);
    }
  if (y < 1000 || !xj_valid_real_date (y, m, d))
    return fail (out, outsz, XJ_E_DATE_INVALID);
  /* y has four digits, m and d at most two (as "%04d-%02d-%02d") */
  o = put_digits (norm, y, 4);
  *o++ = '-';
  o = put_digits (o, m, 2);
  *o++ = '-';
  o = put_digits (o, d, 2);
  *o = '\0';
  return store (norm, out, outsz, XJ_E_DATE_FORMAT);
}

int
xj_valid_date_ymd (const char *norm)
{
  if (NULL == norm || 10 != strlen (norm) || '-' != norm[4]
      || '-' != norm[7] || 4 != strspn (norm, "0123456789")
      || 2 != strspn (norm + 5, "0123456789")
      || 2 != strspn (norm + 8, "0123456789"))
    return 0;
  return num (norm, 4) * 10000 + num (norm + 5, 2) * 100 + num (norm + 8, 2);
}

enum xj_err
xj_valid_ym (const char *in, char *out, size_t outsz)
{
  char buf[32];
  char norm[8];
  char *o;
  size_t len;
  int y, m;

  if (!load (in, buf, sizeof buf))
    return fail (out, outsz, XJ_E_YM_FORMAT);
  len = strlen (buf);
  if (6 == len && 6 == strspn (buf, "0123456789"))
    {
      y = num (buf, 4);
      m = num (buf + 4, 2);
    }
  else
    {
      const char *p = buf;

      if (!digits (&p, 4, 4, &y) || ('-' != *p && '/' != *p && '.' != *p))
        return fail (out, outsz, XJ_E_YM_FORMAT);
      p++;
      if (!digits (&p, 1, 2, &m) || '\0' != *p)
        return fail (out, outsz, XJ_E_YM_FORMAT);
    }
  if (y < 1000 || m < 1 || m > 12)
    return fail (out, outsz, XJ_E_YM_FORMAT);
  /* y has four digits (as "%04d%02d") */
  o = put_digits (norm, y, 4);
  o = put_digits (o, m, 2);
  *o = '\0';
  return store (norm, out, outsz, XJ_E_YM_FORMAT);
}

/* ---- phone ---- */

enum xj_err
xj_valid_phone (const char *in, char *out, size_t outsz)
{
  char buf[64];
  char d[64];
  char norm[32];
  size_t n = 0;
  const char *p;
  size_t len;
  size_t area;

  if (!load (in, buf, sizeof buf))
    return fail (out, outsz, XJ_E_PHONE);
  /* Keep digits and a leading '+'; drop the usual separators. */
  for (p = buf; *p; p++)
    {
      if (is_digit (*p) || ('+' == *p && 0 == n))
        d[n++] = *p;
      else if (' ' != *p && '-' != *p && '(' != *p && ')' != *p)
        return fail (out, outsz, XJ_E_PHONE);
    }
  d[n] = '\0';
  p = d;
  if (0 == strncmp (p, "+86", 3))
    p += 3;
  else if (0 == strncmp (p, "0086", 4))
    p += 4;
  else if ('+' == *p)
    return fail (out, outsz, XJ_E_PHONE);
  len = strlen (p);

  if ('1' == p[0])
    {
      if (11 != len || p[1] < '3' || p[1] > '9')
        return fail (out, outsz, XJ_E_PHONE);
      return store (p, out, outsz, XJ_E_PHONE);
    }

  /* Landline.  After +86 the trunk prefix 0 is dropped; put it back. */
  if (p != d && '0' != p[0])
    {
      norm[0] = '0';
      if (!xj_strlcpy (norm + 1, p, sizeof norm - 1))
        return fail (out, outsz, XJ_E_PHONE);
      memcpy (d, norm, strlen (norm) + 1);
      p = d;
      len = strlen (p);
    }
  if ('0' != p[0] || len < 3 || '0' == p[1])
    return fail (out, outsz, XJ_E_PHONE);
  /* 010 and 020-029 are the only three-digit area codes. */
  area = ('1' == p[1] || '2' == p[1]) ? 3 : 4;
  /* A local number never starts with 0 (that would be a trunk
     prefix); real ones avoid 1 too, but test data such as 0763-1234567
     is common enough that rejecting it would only annoy. */
  if (len < area + 7 || len > area + 8 || '0' == p[area])
    return fail (out, outsz, XJ_E_PHONE);
  xj_snprintf (norm, sizeof norm, "%.*s-%s", (int) area, p, p + area);
  return store (norm, out, outsz, XJ_E_PHONE);
}

/* ---- names ---- */

static bool
is_cjk (uint32_t c)
{
  return (c >= 0x3400 && c <= 0x4DBF)      /* extension A */
         || (c >= 0x4E00 && c <= 0x9FFF)   /* unified ideographs */
         || (c >= 0xF900 && c <= 0xFAFF)   /* compatibility */
         || (c >= 0x20000 && c <= 0x2FA1F) /* ext. B-F, compat. supp. */
         || (c >= 0x30000 && c <= 0x323AF) /* ext. G-H */
         || 0x3007 == c;                   /* 〇 */
}

static bool
is_dot (uint32_t c)
{
  return 0x00B7 == c || 0x30FB == c || 0x2022 == c || 0x2027 == c
         || 0xFF65 == c || 0x2219 == c || 0x22C5 == c || 0x0387 == c;
}

static bool
is_latin (uint32_t c)
{
  return (c < 0x80 && is_alpha ((char) c))
         || (c >= 0xC0 && c <= 0x24F && 0xD7 != c && 0xF7 != c);
}

enum xj_err
xj_valid_name (const char *in, char *out, size_t outsz)
{
  char buf[512];
  char norm[512];
  const unsigned char *p;
  size_t n = 0;          /* bytes in norm */
  size_t count = 0;      /* code points in norm */
  bool pending_space = false;
  uint32_t prev = 0;     /* last code point written; 0 = none */

  if (NULL == in)
    return fail (out, outsz, XJ_E_NAME_LENGTH);
  if (bounded_len (in, sizeof buf) >= sizeof buf)
    return fail (out, outsz, XJ_E_NAME_LENGTH);
  if (!xj_utf8_valid (in, strlen (in)))
    return fail (out, outsz, XJ_E_UTF8);
  if (!load (in, buf, sizeof buf))
    return fail (out, outsz, XJ_E_NAME_LENGTH);

  for (p = (const unsigned char *) buf; *p;)
    {
      size_t len;
      uint32_t c = decode (p, &len);

      p += len;
      if (' ' == c || 0x3000 == c)
        {
          pending_space = true;
          continue;
        }
      if (is_dot (c))
        {
          if (0 == prev || 0xB7 == prev)
            return fail (out, outsz, XJ_E_NAME_CHARS);
          c = 0xB7;
          pending_space = false;  /* "阿 · 买买提" -> "阿·买买提" */
        }
      else if (!is_cjk (c) && !is_latin (c))
        return fail (out, outsz, XJ_E_NAME_CHARS);
      /* A space survives only between two non-CJK letters (Latin
         names); Chinese names carry no spaces in the household
         register. */
      if (pending_space && 0xB7 != prev && 0xB7 != c
          && !(is_cjk (prev) && is_cjk (c)))
        {
          norm[n++] = ' ';
          count++;
        }
      pending_space = false;
      n += encode (c, norm + n);
      count++;
      prev = c;
    }
  norm[n] = '\0';
  if (0xB7 == prev)
    return fail (out, outsz, XJ_E_NAME_CHARS);
  if (count < 1 || count > 50)
    return fail (out, outsz, XJ_E_NAME_LENGTH);
  return store (norm, out, outsz, XJ_E_NAME_LENGTH);
}

/* ---- postcode, e-mail, region, text ---- */

enum xj_err
xj_valid_postcode (const char *in, char *out, size_t outsz)
{
  char buf[32];

  if (!load (in, buf, sizeof buf) || 6 != strlen (buf)
      || 6 != strspn (buf, "0123456789"))
    return fail (out, outsz, XJ_E_POSTCODE);
  return store (buf, out, outsz, XJ_E_POSTCODE);
}

static bool
email_local_char (char c)
{
  return is_alpha (c) || is_digit (c) || NULL != strchr ("._%+-", c);
}

enum xj_err
xj_valid_email (const char *in, char *out, size_t outsz)
{
  char buf[320];
  char *at;
  char *dom;
  char *label;
  size_t llen;
  size_t tld_len = 0;
  int labels = 0;

  if (!load (in, buf, sizeof buf))
    return fail (out, outsz, XJ_E_EMAIL);
  at = strchr (buf, '@');
  if (NULL == at || NULL != strchr (at + 1, '@'))
    return fail (out, outsz, XJ_E_EMAIL);
  llen = (size_t) (at - buf);
  if (llen < 1 || llen > 64 || '.' == buf[0] || '.' == at[-1])
    return fail (out, outsz, XJ_E_EMAIL);
  for (size_t i = 0; i < llen; i++)
    if (!email_local_char (buf[i])
        || ('.' == buf[i] && i + 1 < llen && '.' == buf[i + 1]))
      return fail (out, outsz, XJ_E_EMAIL);

  dom = at + 1;
  label = dom;
  for (char *q = dom;; q++)
    {
      if ('.' == *q || '\0' == *q)
        {
          size_t len = (size_t) (q - label);

          if (len < 1 || len > 63 || '-' == label[0] || '-' == q[-1])
            return fail (out, outsz, XJ_E_EMAIL);
          labels++;
          tld_len = len;
          if ('\0' == *q)
            break;
          label = q + 1;
          continue;
        }
      if (*q >= 'A' && *q <= 'Z')
        *q = (char) (*q - 'A' + 'a');
      else if (!is_alpha (*q) && !is_digit (*q) && '-' != *q)
        return fail (out, outsz, XJ_E_EMAIL);
    }
  if (labels < 2 || tld_len < 2 || strlen (dom) > 253)
    return fail (out, outsz, XJ_E_EMAIL);
  for (size_t i = 0; i < tld_len; i++)
    if (!is_alpha (label[i]))
      return fail (out, outsz, XJ_E_EMAIL);
  return store (buf, out, outsz, XJ_E_TOO_LONG);
}

enum xj_err
xj_valid_region (const char *in, char *out, size_t outsz)
{
  char buf[32];
  size_t len;

  if (!load (in, buf, sizeof buf))
    return fail (out, outsz, XJ_E_REGION);
  len = strlen (buf);
  if ((6 != len && 9 != len && 12 != len) || len != strspn (buf, "0123456789")
      || !xj_idcard_province_ok (num (buf, 2)))
    return fail (out, outsz, XJ_E_REGION);
  return store (buf, out, outsz, XJ_E_REGION);
}

/* Length of the well-formed UTF-8 sequence starting with the byte
   @p[0] >= 0x80, looking at no more than @n bytes; 0 when it is not one
   (bad lead or continuation byte, overlong form, surrogate, beyond
   U+10FFFF, cut short).  The same rules as xj_utf8_valid. */
static size_t
utf8_seq (const unsigned char *p, size_t n)
{
  unsigned char lo = 0x80, hi = 0xBF;
  size_t len;

  if (p[0] >= 0xC2 && p[0] <= 0xDF)
    len = 2;
  else if (p[0] >= 0xE0 && p[0] <= 0xEF)
    {
      len = 3;
      if (0xE0 == p[0])
        lo = 0xA0;              /* overlong below U+0800 */
      else if (0xED == p[0])
        hi = 0x9F;              /* surrogates */
    }
  else if (p[0] >= 0xF0 && p[0] <= 0xF4)
    {
      len = 4;
      if (0xF0 == p[0])
        lo = 0x90;              /* overlong below U+10000 */
      else if (0xF4 == p[0])
        hi = 0x8F;              /* beyond U+10FFFF */
    }
  else
    return 0;
  if (n < len || p[1] < lo || p[1] > hi)
    return 0;
  for (size_t k = 2; k < len; k++)
    if (p[k] < 0x80 || p[k] > 0xBF)
      return 0;
  return len;
}

enum xj_err
xj_valid_text_len (const char *s, size_t size, size_t *len)
{
  const unsigned char *p = (const unsigned char *) s;
  bool ctrl = false;
  size_t i = 0, n;

  /* One pass finds the terminator and checks UTF-8 and control
     characters together (it was memchr, strlen, xj_utf8_valid and a
     loop: a visible share of an import's validation).  The verdicts
     keep their precedence: no terminator within @size, then bad UTF-8
     anywhere, then a control character. */
  while (i < size)
    {
      if (p[i] >= 0x20 && p[i] < 0x7F)
        {
          i++;                  /* printable ASCII: the common case */
          continue;
        }
      /* A whole three-byte character (most CJK) without utf8_seq's
         case analysis: lead E1..EC, EE, EF, then two of 80..BF. */
      if (p[i] >= 0xE1 && p[i] <= 0xEF && 0xED != p[i] && i + 3 <= size
          && p[i + 1] >= 0x80 && p[i + 1] <= 0xBF && p[i + 2] >= 0x80
          && p[i + 2] <= 0xBF)
        {
          i += 3;
          continue;
        }
      if (p[i] < 0x80)
        {
          if (0 == p[i])
            {
              if (ctrl)
                return XJ_E_CONTROL_CHARS;
              *len = i;
              return XJ_E_OK;
            }
          if (p[i] < 0x20 || 0x7F == p[i])
            ctrl = true;
          i++;
          continue;
        }
      n = utf8_seq (p + i, size - i);
      if (0 == n)
        return NULL == memchr (p + i, '\0', size - i) ? XJ_E_TOO_LONG
                                                      : XJ_E_UTF8;
      i += n;
    }
  return XJ_E_TOO_LONG;
}

bool
xj_valid_utf8_max (const char *s, size_t max)
{
  size_t n = s ? strlen (s) : 0;

  return n <= max && xj_utf8_valid (s ? s : "", n);
}

bool
xj_valid_iso_date (const char *d)
{
  char norm[12];

  return d && 10 == strlen (d)
         && XJ_E_OK == xj_valid_date (d, norm, sizeof norm)
         && 0 == strcmp (norm, d);
}

enum xj_err
xj_valid_text (const char *s, size_t size)
{
  size_t len;

  return xj_valid_text_len (s, size, &len);
}

/* ---- age for grade ---- */

int
xj_valid_school_year (int today_ymd)
{
  int y = today_ymd / 10000;

  return (today_ymd / 100 % 100 >= 9) ? y : y - 1;
}

/* Position of @grade in the 12-year sequence (primary 1-6, junior 7-10,
   senior and vocational 10-12), 0 if @grade is not a grade code. */
static int
grade_position (const char *grade)
{
  int n;

  if (NULL == grade || 2 != strlen (grade) || !is_digit (grade[0])
      || grade[1] < '1' || grade[1] > '6')
    return 0;
  n = grade[1] - '0';
  switch (grade[0])
    {
    case '1':
      return n;
    case '2':
      return n > 4 ? 0 : n + 6;
    case '3':
    case '4':
      return n > 3 ? 0 : n + 9;
    default:
      return 0;
    }
}

int
xj_valid_age_on_cutoff (const char *birth_date, int school_year)
{
  int ymd = xj_valid_date_ymd (birth_date);
  int age;

  if (0 == ymd)
    return -1;
  /* Full years on 31 August: a child born on 1 September turns six
     only the next day and so starts a year later. */
  age = school_year - ymd / 10000;
  if (ymd % 10000 > 831)
    age--;
  return age;
}

enum xj_err
xj_valid_age_grade_band (const char *grade, struct xj_age_band *band)
{
  int n = grade_position (grade);

  if (0 == n)
    return XJ_E_CODE;
  /* Grade 1 at 6 (7 where entry was postponed): grade n at n+5 or n+6. */
  band->expect_lo = n + 5;
  band->expect_hi = n + 6;
  band->normal_lo = band->expect_lo - 1;
  band->normal_hi = band->expect_hi + 1;
  band->hard_lo = band->expect_lo - 2;
  band->hard_hi = '4' == grade[0] ? 30 : band->expect_hi + 3;
  return XJ_E_OK;
}

enum xj_err
xj_valid_age_grade (const char *birth_date, const char *grade,
                    int school_year)
{
  struct xj_age_band b;
  int age = xj_valid_age_on_cutoff (birth_date, school_year);

  if (age < 0)
    return XJ_E_DATE_FORMAT;
  if (XJ_E_OK != xj_valid_age_grade_band (grade, &b))
    return XJ_E_CODE;
  if (age < b.hard_lo || age > b.hard_hi)
    return XJ_E_AGE_GRADE;
  if (age < b.normal_lo || age > b.normal_hi)
    return XJ_E_AGE_GRADE_WARN;
  return XJ_E_OK;
}
