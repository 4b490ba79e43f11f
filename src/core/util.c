/* util.c -- allocation, logging, bounded strings, buffers and the clock.
 * Must not depend on anything but libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "fault.h"
#include "util.h"

static enum xj_log_level log_level = XJ_LOG_INFO;

static void
oom (size_t n)
{
  fprintf (stderr, "xueji: out of memory allocating %zu bytes\n", n);
  abort ();
}

void *
xj_malloc (size_t n)
{
  void *p = xj_fault_hit (XJ_FAULT_ALLOC) ? NULL : malloc (n ? n : 1);
  if (NULL == p)
    oom (n);
  return p;
}

void *
xj_calloc (size_t n, size_t size)
{
  void *p = xj_fault_hit (XJ_FAULT_ALLOC) ? NULL
                                           : calloc (n ? n : 1, size ? size : 1);
  if (NULL == p)
    oom (n * size);
  return p;
}

void *
xj_realloc (void *p, size_t n)
{
  void *q = xj_fault_hit (XJ_FAULT_ALLOC) ? NULL : realloc (p, n ? n : 1);
  if (NULL == q)
    oom (n);
  return q;
}

char *
xj_strdup (const char *s)
{
  return xj_strndup (s, strlen (s));
}

char *
xj_strndup (const char *s, size_t n)
{
  char *p = xj_malloc (n + 1);
  memcpy (p, s, n);
  p[n] = '\0';
  return p;
}

void
xj_log_set_level (enum xj_log_level l)
{
  log_level = l;
}

static void vlog (enum xj_log_level l, const char *file, int line,
                  const char *fmt, va_list ap)
  __attribute__ ((format (printf, 4, 0)));

static void
vlog (enum xj_log_level l, const char *file, int line, const char *fmt,
      va_list ap)
{
  static const char *names[] = { "DEBUG", "INFO", "WARN", "ERROR" };
  char ts[32];
  char msg[1024];

  if (l < log_level)
    return;
  xj_now_iso (ts);
  vsnprintf (msg, sizeof msg, fmt, ap);
  fprintf (stderr, "%s %s %s:%d %s\n", ts, names[l], file, line, msg);
}

void
xj_log (enum xj_log_level l, const char *file, int line, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vlog (l, file, line, fmt, ap);
  va_end (ap);
}

void
xj_bug (const char *file, int line, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vlog (XJ_LOG_ERROR, file, line, fmt, ap);
  va_end (ap);
#ifndef NDEBUG
  abort ();
#endif
}

/* Length of the longest prefix of @s, at most @max bytes, that does not
   cut a UTF-8 sequence in half. */
static size_t
utf8_cut (const char *s, size_t max)
{
  size_t n = max;

  while (n > 0 && (((unsigned char) s[n]) & 0xC0) == 0x80)
    n--;
  return n;
}

bool
xj_strlcpy (char *dst, const char *src, size_t size)
{
  size_t len = strlen (src);

  if (0 == size)
    return false;
  if (len < size)
    {
      memcpy (dst, src, len + 1);
      return true;
    }
  len = utf8_cut (src, size - 1);
  memcpy (dst, src, len);
  dst[len] = '\0';
  return false;
}

bool
xj_snprintf (char *dst, size_t size, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vsnprintf (dst, size, fmt, ap);
  va_end (ap);
  return n >= 0 && (size_t) n < size;
}

/* Length of the well-formed UTF-8 sequence at @s (at most @len bytes),
   or 0 if it is not one (no overlongs, no surrogates, max U+10FFFF). */
static size_t
utf8_seq (const unsigned char *s, size_t len)
{
  unsigned c = s[0];
  unsigned cp;
  size_t n;

  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    {
      n = 1;
      cp = c & 0x1F;
    }
  else if (c >= 0xE0 && c <= 0xEF)
    {
      n = 2;
      cp = c & 0x0F;
    }
  else if (c >= 0xF0 && c <= 0xF4)
    {
      n = 3;
      cp = c & 0x07;
    }
  else
    return 0;
  if (len <= n)
    return 0;
  for (size_t k = 1; k <= n; k++)
    {
      if ((s[k] & 0xC0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[k] & 0x3F);
    }
  if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF
      || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n + 1;
}

bool
xj_utf8_valid (const char *str, size_t len)
{
  const unsigned char *s = (const unsigned char *) str;

  for (size_t i = 0, n; i < len; i += n)
    if (0 == (n = utf8_seq (s + i, len - i)))
      return false;
  return true;
}

char *
xj_utf8_clean (const char *str, size_t max)
{
  static const char repl[] = "\xEF\xBF\xBD"; /* U+FFFD */
  const unsigned char *s = (const unsigned char *) str;
  size_t len = strlen (str);
  char *out = xj_malloc (max + 1);
  size_t o = 0;

  for (size_t i = 0, n; i < len; i += n)
    {
      const char *piece = str + i;
      size_t plen;

      n = utf8_seq (s + i, len - i);
      plen = n;
      if (0 == n)
        {
          n = 1;
          piece = repl;
          plen = 3;
        }
      else if (1 == n && (s[i] < 0x20 || 0x7F == s[i]))
        piece = "_";
      if (o + plen > max)
        break;
      memcpy (out + o, piece, plen);
      o += plen;
    }
  out[o] = '\0';
  return out;
}

size_t
xj_utf8_count (const char *s)
{
  size_t n = 0;

  for (; *s; s++)
    if ((((unsigned char) *s) & 0xC0) != 0x80)
      n++;
  return n;
}

bool
xj_parse_i64 (const char *s, int64_t *out)
{
  char *end;
  long long v;

  if (NULL == s || '\0' == *s)
    return false;
  errno = 0;
  v = strtoll (s, &end, 10);
  if (0 != errno || '\0' != *end)
    return false;
  *out = (int64_t) v;
  return true;
}

void
xj_buf_init (struct xj_buf *b, size_t max)
{
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

void
xj_buf_fini (struct xj_buf *b)
{
  free (b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static bool
buf_reserve (struct xj_buf *b, size_t extra)
{
  size_t need = b->len + extra + 1;

  if (b->max && b->len + extra > b->max)
    return false;
  if (need > b->cap)
    {
      size_t cap = b->cap ? b->cap : 256;

      while (cap < need)
        cap *= 2;
      b->data = xj_realloc (b->data, cap);
      b->cap = cap;
    }
  return true;
}

bool
xj_buf_reserve (struct xj_buf *b, size_t extra)
{
  return buf_reserve (b, extra);
}

bool
xj_buf_append (struct xj_buf *b, const void *p, size_t n)
{
  if (! buf_reserve (b, n))
    return false;
  if (n)
    memcpy (b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return true;
}

bool
xj_buf_printf (struct xj_buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (n < 0 || ! buf_reserve (b, (size_t) n))
    return false;
  va_start (ap, fmt);
  vsnprintf (b->data + b->len, (size_t) n + 1, fmt, ap);
  va_end (ap);
  b->len += (size_t) n;
  return true;
}

char *
xj_buf_steal (struct xj_buf *b)
{
  char *p = b->data;

  if (NULL == p)
    p = xj_strdup ("");
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}

static int64_t fake_now;
static pthread_once_t fake_once = PTHREAD_ONCE_INIT;

static void
fake_init (void)
{
  const char *e = getenv ("XJ_FAKE_NOW");
  int64_t v;

  if (NULL != e && xj_parse_i64 (e, &v))
    fake_now = v;
}

int64_t
xj_now (void)
{
  pthread_once (&fake_once, &fake_init);
  if (0 != fake_now)
    return fake_now;
  return (int64_t) time (NULL);
}

void
xj_clock_set (int64_t epoch_or_zero)
{
  pthread_once (&fake_once, &fake_init);
  fake_now = epoch_or_zero;
}

int64_t
xj_mono_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* China has one time zone without daylight saving: UTC+8. */
static void
local_tm (struct tm *tm)
{
  time_t t = (time_t) (xj_now () + 8 * 3600);

  gmtime_r (&t, tm);
}

void
xj_today (int *y, int *m, int *d)
{
  struct tm tm;

  local_tm (&tm);
  *y = tm.tm_year + 1900;
  *m = tm.tm_mon + 1;
  *d = tm.tm_mday;
}

int
xj_today_ymd (void)
{
  int y, m, d;

  xj_today (&y, &m, &d);
  return y * 10000 + m * 100 + d;
}

void
xj_time_iso (int64_t t, char out[32])
{
  struct tm tm;
  time_t lt = (time_t) (t + 8 * 3600);

  gmtime_r (&lt, &tm);
  strftime (out, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

void
xj_now_iso (char out[32])
{
  xj_time_iso (xj_now (), out);
}

/* ---- civil dates ---- */

long
xj_days_from_civil (int y, int m, int d)
{
  long era;
  unsigned yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned) (y - era * 400);
  doy = (153u * (unsigned) (m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned) d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long) doe - 719468;
}

void
xj_civil_from_days (long z, int *y, int *m, int *d)
{
  long era;
  unsigned doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = (int) ((long) yoe + era * 400 + (*m <= 2));
}
