/* util.h -- allocation, logging, bounded strings and the injectable clock.
 *
 * No dependencies beyond libc.  Allocation failure aborts with a log line
 * (input limits keep memory bounded, so running out is a bug or an
 * overloaded machine, never bad input).
 */
#ifndef XJ_CORE_UTIL_H
#define XJ_CORE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ---- allocation (abort on failure; caller owns the result) ---- */
void *xj_malloc (size_t n);
void *xj_calloc (size_t n, size_t size);
void *xj_realloc (void *p, size_t n);
char *xj_strdup (const char *s);
char *xj_strndup (const char *s, size_t n);

/* ---- logging ---- */
enum xj_log_level { XJ_LOG_DEBUG, XJ_LOG_INFO, XJ_LOG_WARN, XJ_LOG_ERROR };
void xj_log_set_level (enum xj_log_level l);
void xj_log (enum xj_log_level l, const char *file, int line,
             const char *fmt, ...) __attribute__ ((format (printf, 4, 5)));
#define XJ_INFO(...) xj_log (XJ_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define XJ_WARN(...) xj_log (XJ_LOG_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define XJ_ERROR(...) xj_log (XJ_LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)
/* Something that cannot happen: logged as a bug (and aborts in debug). */
#define XJ_BUG(...) xj_bug (__FILE__, __LINE__, __VA_ARGS__)
/* A client's fault: logged at debug level, never as an error. */
#define XJ_BAD_INPUT(...) xj_log (XJ_LOG_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
void xj_bug (const char *file, int line, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* ---- bounded strings ---- */
/* Copy @src into @dst of @size bytes, always NUL-terminating.
   Returns false (and truncates at a UTF-8 boundary) if it did not fit. */
bool xj_strlcpy (char *dst, const char *src, size_t size);
/* snprintf that returns false when the output was truncated. */
bool xj_snprintf (char *dst, size_t size, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* True if @s (of @len bytes) is well-formed UTF-8 (no overlongs, no
   surrogates, max U+10FFFF).  4-byte sequences are accepted. */
bool xj_utf8_valid (const char *s, size_t len);
/* A copy of the NUL-terminated @s that is valid UTF-8 of at most @max
   bytes: each byte that starts no well-formed sequence becomes U+FFFD,
   control characters become '_', and the text is cut at a character
   boundary.  Caller frees. */
char *xj_utf8_clean (const char *s, size_t max);
/* Number of code points in a valid UTF-8 string. */
size_t xj_utf8_count (const char *s);
/* Parse a decimal int64 in full (no trailing junk, no overflow). */
bool xj_parse_i64 (const char *s, int64_t *out);

/* ---- growable byte buffer with a hard maximum ---- */
struct xj_buf {
  char *data;     /* owned; NUL-terminated after every append */
  size_t len;
  size_t cap;
  size_t max;     /* appends beyond this fail; 0 = unlimited */
};
void xj_buf_init (struct xj_buf *b, size_t max);
void xj_buf_fini (struct xj_buf *b);
bool xj_buf_append (struct xj_buf *b, const void *p, size_t n);
/* Room for one more element at the end of the growing array @v (holding
   @n of @cap elements; capacity doubles, from 16): evaluates to a pointer
   to the new element and increments @n.  The arguments are evaluated
   more than once: plain lvalues only, e.g.
     struct item *it = XJ_VEC_PUSH (l->v, l->n, l->cap);  */
#define XJ_VEC_PUSH(v, n, cap)                                          \
  (((n) == (cap) ? ((cap) = (cap) ? 2 * (cap) : 16,                     \
                    (v) = xj_realloc ((v), (cap) * sizeof *(v)))        \
                 : (v)),                                                \
   &(v)[(n)++])

/* Make room for @extra more bytes (and the NUL) at b->data + b->len, for
   a caller that writes them itself and then sets len and the NUL. */
bool xj_buf_reserve (struct xj_buf *b, size_t extra);
bool xj_buf_printf (struct xj_buf *b, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
/* Take the data out; the buffer is reset.  Caller frees. */
char *xj_buf_steal (struct xj_buf *b);

/* ---- civil dates (proleptic Gregorian; H. Hinnant's algorithms) ---- */
/* Days since 1970-01-01 of y-m-d, and back. */
long xj_days_from_civil (int y, int m, int d);
void xj_civil_from_days (long z, int *y, int *m, int *d);

/* ---- injectable clock ---- */
/* Seconds since the epoch.  Returns the override when one is set
   (tests; environment XJ_FAKE_NOW=epoch-seconds or xj_clock_set). */
int64_t xj_now (void);
/* Milliseconds since an arbitrary start, monotonic, never faked. */
int64_t xj_mono_ms (void);
void xj_clock_set (int64_t epoch_or_zero);
/* Today's local date (Asia/Shanghai, UTC+8) as y/m/d from xj_now(). */
void xj_today (int *y, int *m, int *d);
/* The same date as the number YYYYMMDD (what the validators take). */
int xj_today_ymd (void);
/* Format xj_now() as "YYYY-MM-DDTHH:MM:SS+08:00" into @out (>= 26 bytes). */
void xj_now_iso (char out[32]);
/* The same for the Unix time @t. */
void xj_time_iso (int64_t t, char out[32]);

#endif
