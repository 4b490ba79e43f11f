/* table_csv.c -- the CSV reader: RFC 4180 records (quoted delimiters,
 * doubled quotes and line breaks inside quotes; CRLF, LF or CR line ends),
 * encoding detected from the first 64 KiB (UTF-8 BOM, valid UTF-8, else
 * GB18030 as Chinese Excel writes it, converted with iconv), comma or --
 * when the header line has tabs and no commas -- TAB as delimiter.
 *
 * Streaming: at most two fixed buffers plus the row builder, whatever the
 * input.  Bytes that do not fit the detected encoding are an error naming
 * the record, never garbage handed on.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "import/table_int.h"

#define RAW_SZ (64 * 1024)       /* also the detection window */
#define DEC_SZ (2 * RAW_SZ)      /* GB18030 -> UTF-8 grows at most 3/2 */

enum csv_state { S_START, S_UNQ, S_Q, S_QQ };

struct csv {
  FILE *f;                       /* owned (NULL when reading memory) */
  const unsigned char *mem;      /* borrowed from the caller */
  size_t memlen, mempos;
  uint64_t total;                /* input size, for progress */
  uint64_t nread;                /* bytes read from the input so far */
  bool eof;                      /* input exhausted (raw may hold more) */

  unsigned char raw[RAW_SZ];     /* input bytes, [rpos, rlen) unused */
  size_t rpos, rlen;

  bool gb;                       /* converting GB18030 through cd */
  iconv_t cd;
  bool dec_bad;                  /* iconv met a bad or cut sequence */
  char dec[DEC_SZ];              /* converted UTF-8 */

  const unsigned char *w;        /* the window being parsed: raw or dec */
  size_t wpos, wlen;

  unsigned char delim;
  /* For runs of cell text (scan_run): the bytes that end one, outside
     quotes [0] (NUL, CR, LF, quote, the delimiter) and inside [1] (NUL,
     CR, LF, quote); and for scan_words the delimiter repeated in a word
     ([1]: the quote, a stop byte there anyway).  Set when the delimiter
     is known. */
  bool stop[2][256];
  uint64_t delim_word[2];
  struct xj_u8 u8;               /* checks every byte parsed */
  bool skip_lf;                  /* last record ended with CR */
  bool prev_cr;                  /* for counting physical lines */
  uint64_t rec;                  /* records started */
  uint64_t line;                 /* line breaks seen */
};

/* Top the raw buffer up (moving unused bytes to the front) until it is
   full or the input ends.  False on a read error (set in @t). */
static bool
raw_fill (struct csv *c, struct xj_table *t)
{
  size_t n;

  if (c->rpos > 0)
    {
      memmove (c->raw, c->raw + c->rpos, c->rlen - c->rpos);
      c->rlen -= c->rpos;
      c->rpos = 0;
    }
  while (!c->eof && c->rlen < RAW_SZ)
    {
      if (NULL != c->f)
        {
          n = fread (c->raw + c->rlen, 1, RAW_SZ - c->rlen, c->f);
          if (0 == n)
            {
              if (ferror (c->f))
                {
                  xj_table_fail (t, XJ_E_IMPORT_IO, "第%llu行：读取文件失败",
                                 (unsigned long long) c->rec);
                  return false;
                }
              c->eof = true;
            }
        }
      else
        {
          n = c->memlen - c->mempos;
          if (n > RAW_SZ - c->rlen)
            n = RAW_SZ - c->rlen;
          memcpy (c->raw + c->rlen, c->mem + c->mempos, n);
          c->mempos += n;
          if (c->mempos == c->memlen)
            c->eof = true;
        }
      c->rlen += n;
      c->nread += n;
    }
  return true;
}

static void
fail_gb (struct csv *c, struct xj_table *t)
{
  xj_table_fail (t, XJ_E_IMPORT_ENCODING,
                 "第%llu行（文件第%llu行）：含有无法按GB18030/GBK解码的字节，"
                 "文件应为UTF-8或GB18030/GBK编码",
                 (unsigned long long) c->rec,
                 (unsigned long long) c->line + 1);
}

/* Next window of UTF-8 to parse: 1 = some, 0 = end of input, -1 = error
   (set in @t). */
static int
refill (struct csv *c, struct xj_table *t)
{
  char *in, *o;
  size_t inleft, oleft, r, produced;
  int e;

  if (!c->gb)
    {
      c->rpos = c->rlen;          /* the window was raw itself: all used */
      if (!raw_fill (c, t))
        return -1;
      c->w = c->raw;
      c->wpos = 0;
      c->wlen = c->rlen;
      return c->rlen > 0 ? 1 : 0;
    }
  for (;;)
    {
      if (c->dec_bad)
        {
          fail_gb (c, t);
          return -1;
        }
      if (c->rpos < c->rlen)
        {
          in = (char *) c->raw + c->rpos;
          inleft = c->rlen - c->rpos;
          o = c->dec;
          oleft = sizeof c->dec;
          r = iconv (c->cd, &in, &inleft, &o, &oleft);
          e = errno;
          c->rpos = c->rlen - inleft;
          produced = sizeof c->dec - oleft;
          if ((size_t) -1 == r)
            {
              if (EILSEQ == e)
                c->dec_bad = true;
              else if (EINVAL == e)
                {
                  /* A character cut by the buffer's end: read on, unless
                     the input has ended inside it. */
                  if (c->eof)
                    c->dec_bad = true;
                  else if (!raw_fill (c, t))
                    return -1;
                }
              else if (E2BIG != e)
                c->dec_bad = true;
            }
          if (produced > 0)
            {
              c->w = (const unsigned char *) c->dec;
              c->wpos = 0;
              c->wlen = produced;
              return 1;
            }
          continue;
        }
      if (c->eof)
        return 0;
      if (!raw_fill (c, t))
        return -1;
    }
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* High bit of each byte of @x that is zero, none elsewhere (exact, not
   only the lowest one). */
static inline uint64_t
zero_bytes (uint64_t x)
{
  return ~(((x & ~HIGHS) + ~HIGHS) | x | ~HIGHS);
}

/* Index of the first byte of @p[0..@n) that is not ASCII or is a stop
   byte (NUL, CR, LF, quote or the word @dw's byte), eight bytes at a
   time; @n if none.  Only on little-endian machines, where the first
   byte in memory is the lowest of the loaded word; elsewhere 0 (the
   byte loop of scan_run does all the work). */
static size_t
scan_words (const unsigned char *p, size_t n, uint64_t dw)
{
  size_t i = 0;

#if defined __BYTE_ORDER__ && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  for (; i + 8 <= n; i += 8)
    {
      uint64_t x, m;

      memcpy (&x, p + i, 8);
      m = (x & HIGHS) | zero_bytes (x) | zero_bytes (x ^ ('\r' * ONES))
          | zero_bytes (x ^ ('\n' * ONES)) | zero_bytes (x ^ ('"' * ONES))
          | zero_bytes (x ^ dw);
      if (0 != m)
        return i + ((size_t) __builtin_ctzll (m) >> 3);
    }
#else
  (void) p;
  (void) n;
  (void) dw;
#endif
  return i;
}

/* Length of the run of cell text at the window's position: bytes that
   only get appended to the open cell (no delimiter, quote, CR, LF or
   NUL; UTF-8 checked here with the same rules), at most @room bytes.
   The run stops before any byte the byte-wise path must see: one that
   ends it, one that fails the UTF-8 check (the byte-wise path then
   reports it with the same message) or the first byte beyond @room (the
   byte-wise path then reports the cell or row as too long, exactly as
   before).  Lines are not counted here: a run holds no CR or LF. */
static size_t
scan_run (struct csv *c, bool quoted, size_t room)
{
  const unsigned char *p = c->w + c->wpos;
  const bool *stop = c->stop[quoted];
  size_t n = c->wlen - c->wpos;
  size_t i = 0;

  if (n > room)
    n = room;
  while (i < n)
    {
      unsigned char b = p[i];

      if (0 != c->u8.need)
        {
          /* Inside a character cut by the window's end (or @room).  A
             failed step leaves the state as it was. */
          if (!xj_u8_step (&c->u8, b))
            break;
          i++;
          continue;
        }
      if (b < 0x80)
        {
          /* ASCII outside a character: xj_u8_step would accept it
             without changing its state.  Skip plain ASCII by words. */
          if (stop[b])
            break;
          i++;
          i += scan_words (p + i, n - i, c->delim_word[quoted]);
          continue;
        }
      /* A whole three-byte character (CJK) in one go when it is all
         here: a lead byte E1..EC, EE, EF takes two bytes 80..BF, the
         same rule as xj_u8_step. */
      if (b >= 0xE1 && b <= 0xEF && b != 0xED && i + 3 <= n
          && p[i + 1] >= 0x80 && p[i + 1] <= 0xBF && p[i + 2] >= 0x80
          && p[i + 2] <= 0xBF)
        {
          i += 3;
          continue;
        }
      if (!xj_u8_step (&c->u8, b))
        break;
      i++;
    }
  return i;
}

/* The common bytes of a record without the byte-wise path: runs of cell
   text (scan_run), each appended with one xj_tr_put, and the delimiters
   between cells.  Stops at the window's end or before a byte the
   byte-wise path must see (quote, CR, LF, NUL, a bad byte, a cell or row
   reaching its limit).  @t's row is started and the last byte was not a
   CR.  -1 on an error (set in @t), else 0.  The byte-wise path alone
   (an xj_tr_put per byte) was about a fifth of the import's reader
   thread; with this the parse of a 568-byte row went from 6.3 to about
   1.1 µs (perf, 200,000 rows). */
static int
fast_cells (struct csv *c, struct xj_table *t, enum csv_state *st)
{
  size_t room, n;

  while (c->wpos < c->wlen)
    {
      room = XJ_TABLE_MAX_CELL - xj_tr_cell_len (t);
      if (XJ_TABLE_MAX_ROW - t->rowbytes < room)
        room = XJ_TABLE_MAX_ROW - t->rowbytes;
      n = scan_run (c, S_Q == *st, room);
      if (n > 0)
        {
          if (!xj_tr_put (t, c->w + c->wpos, n))
            return -1;  /* not reached: n <= room */
          c->wpos += n;
          c->prev_cr = false;
          if (S_Q != *st)
            *st = S_UNQ;  /* text after a closing quote is kept too */
          if (c->wpos == c->wlen)
            break;
        }
      /* A delimiter outside quotes (not inside a character) ends the
         cell, as in the byte-wise path. */
      if (S_Q == *st || c->delim != c->w[c->wpos] || 0 != c->u8.need)
        break;
      c->wpos++;
      c->prev_cr = false;
      if (!xj_tr_end_cell (t))
        return -1;
      *st = S_START;
    }
  return 0;
}

static int
csv_next (struct xj_table *t)
{
  struct csv *c = t->impl;
  enum csv_state st = S_START;
  bool started = false;
  uint64_t qline = 0;
  unsigned char b;
  int r;

  for (;;)
    {
      if (c->wpos == c->wlen)
        {
          r = refill (c, t);
          if (r < 0)
            return -1;
          if (0 == r)
            break;
        }
      if (started && !c->skip_lf)
        {
          if (fast_cells (c, t, &st) < 0)
            return -1;
          if (c->wpos == c->wlen)
            continue;
        }
      b = c->w[c->wpos++];
      if (c->skip_lf)
        {
          c->skip_lf = false;
          if ('\n' == b)
            {
              c->prev_cr = false;
              continue;
            }
        }
      if ('\r' == b || ('\n' == b && !c->prev_cr))
        c->line++;
      c->prev_cr = '\r' == b;
      if (!started)
        {
          started = true;
          xj_tr_begin_row (t, ++c->rec);
        }
      if (0 == b)
        {
          xj_table_fail (t, XJ_E_IMPORT_ENCODING,
                         "第%llu行：含有NUL字节（可能是UTF-16或二进制文件），"
                         "请另存为CSV",
                         (unsigned long long) c->rec);
          return -1;
        }
      if (!xj_u8_step (&c->u8, b))
        {
          if (c->gb)
            fail_gb (c, t);
          else
            xj_table_fail (t, XJ_E_IMPORT_ENCODING,
                           "第%llu行（文件第%llu行）：含有不是UTF-8的字节；"
                           "文件开头按UTF-8识别，请将整个文件另存为"
                           "“CSV UTF-8”后重试",
                           (unsigned long long) c->rec,
                           (unsigned long long) c->line + 1);
          return -1;
        }
      if (S_START == st && '"' == b)
        {
          st = S_Q;
          qline = c->line + 1;
          continue;
        }
      switch (st)
        {
        case S_Q:
          if ('"' == b)
            st = S_QQ;
          else if (!xj_tr_put (t, &b, 1))
            return -1;
          continue;
        case S_QQ:
          if ('"' == b)
            {
              if (!xj_tr_put (t, &b, 1))
                return -1;
              st = S_Q;
              continue;
            }
          break;
        case S_START:
        case S_UNQ:
          break;
        }
      /* Outside quotes (S_QQ: just after the closing quote). */
      if (c->delim == b)
        {
          if (!xj_tr_end_cell (t))
            return -1;
          st = S_START;
        }
      else if ('\r' == b || '\n' == b)
        {
          c->skip_lf = '\r' == b;
          return xj_tr_end_cell (t) ? 1 : -1;
        }
      else
        {
          /* A bare quote inside an unquoted field, or text after a closing
             quote ("ab"c): kept literally, as Excel does. */
          if (!xj_tr_put (t, &b, 1))
            return -1;
          st = S_UNQ;
        }
    }
  /* End of input. */
  if (c->u8.need > 0)
    {
      if (c->gb)
        fail_gb (c, t);
      else
        xj_table_fail (t, XJ_E_IMPORT_ENCODING,
                       "第%llu行：文件末尾的字符不完整（不是合法的UTF-8）",
                       (unsigned long long) c->rec);
      return -1;
    }
  if (!started)
    return 0;
  if (S_Q == st)
    {
      xj_table_fail (t, XJ_E_IMPORT_QUOTE,
                     "第%llu行（文件第%llu行）开始的引号字段到文件末尾仍未闭合",
                     (unsigned long long) c->rec,
                     (unsigned long long) qline);
      return -1;
    }
  return xj_tr_end_cell (t) ? 1 : -1;
}

static void
csv_progress (const struct xj_table *t, uint64_t *done, uint64_t *total)
{
  const struct csv *c = t->impl;
  uint64_t pending = c->gb ? c->rlen - c->rpos : c->wlen - c->wpos;

  *total = c->total;
  *done = c->nread - pending;
}

static void
csv_close (void *impl)
{
  struct csv *c = impl;

  if (NULL != c->f)
    fclose (c->f);
  if ((iconv_t) -1 != c->cd)
    iconv_close (c->cd);
  free (c);
}

static const struct xj_table_ops csv_ops = {
  .next = csv_next,
  .progress = csv_progress,
  .close = csv_close,
};

/* TAB when the first line (quotes respected) has tabs and no commas. */
static unsigned char
detect_delim (const unsigned char *p, size_t n)
{
  size_t i, tabs = 0, commas = 0;
  bool q = false;

  for (i = 0; i < n; i++)
    {
      if ('"' == p[i])
        q = !q;
      else if (!q && ('\r' == p[i] || '\n' == p[i]))
        break;
      else if (!q && '\t' == p[i])
        tabs++;
      else if (!q && ',' == p[i])
        commas++;
    }
  return tabs > 0 && 0 == commas ? '\t' : ',';
}

static const char utf16_msg[] =
  "第1行：文件是UTF-16编码（Excel的“Unicode文本”），请另存为“CSV UTF-8”或CSV";

bool
xj_table_csv_open (struct xj_table *t, FILE *f, const void *mem, size_t size)
{
  struct csv *c = xj_calloc (1, sizeof *c);
  struct stat sb;
  enum xj_text_enc enc;
  size_t bom;

  c->cd = (iconv_t) -1;
  c->f = f;
  c->mem = mem;
  c->memlen = size;
  c->total = size;
  c->delim = ',';
  c->u8.lo = 0x80;
  c->u8.hi = 0xBF;
  t->impl = c;                  /* from here freed by xj_table_close */
  t->ops = &csv_ops;
  if (NULL != f)
    {
      c->total = 0 == fstat (fileno (f), &sb) ? (uint64_t) sb.st_size : 0;
    }
  else if (0 == size)
    c->eof = true;
  if (!raw_fill (c, t))
    return false;
  enc = xj_table_detect (c->raw, c->rlen, c->eof, &bom);
  if (XJ_ENC_UTF16 == enc)
    {
      xj_table_fail (t, XJ_E_IMPORT_ENCODING, "%s", utf16_msg);
      return false;
    }
  t->encoding = xj_table_enc_name (enc);
  c->delim = detect_delim (c->raw + bom, c->rlen - bom);
  c->stop[0][0] = c->stop[1][0] = true;
  c->stop[0]['\r'] = c->stop[1]['\r'] = true;
  c->stop[0]['\n'] = c->stop[1]['\n'] = true;
  c->stop[0]['"'] = c->stop[1]['"'] = true;
  c->stop[0][c->delim] = true;
  c->delim_word[0] = c->delim * ONES;
  c->delim_word[1] = '"' * ONES;
  c->rpos = bom;
  if (XJ_ENC_GB18030 == enc || XJ_ENC_GB18030_BOM == enc)
    {
      c->gb = true;
      c->cd = iconv_open ("UTF-8", "GB18030");
      if ((iconv_t) -1 == c->cd)
        {
          XJ_ERROR ("iconv_open GB18030: %s", strerror (errno));
          xj_table_fail (t, XJ_E_INTERNAL, "系统不支持GB18030转换");
          return false;
        }
      c->w = (const unsigned char *) c->dec;
      c->wpos = c->wlen = 0;
    }
  else
    {
      c->w = c->raw;
      c->wpos = bom;
      c->wlen = c->rlen;
    }
  return true;
}

/* ---- whole-text conversion ---- */

/* 1-based line of byte @off in @p. */
static size_t
line_of (const unsigned char *p, size_t off)
{
  size_t i, line = 1;

  for (i = 0; i < off; i++)
    if ('\n' == p[i])
      line++;
  return line;
}

static void
msg_out (char *msg, size_t msgsz, const char *s)
{
  if (NULL != msg && msgsz > 0)
    xj_strlcpy (msg, s, msgsz);
}

/* Ownership: *out (on success) belongs to the caller. */
enum xj_err
xj_table_text_to_utf8 (const void *data, size_t size, size_t max,
                       char **out, size_t *outlen, const char **encoding,
                       char *msg, size_t msgsz)
{
  const unsigned char *p = data;
  enum xj_text_enc enc;
  struct xj_u8 v = { 0, 0x80, 0xBF };
  struct xj_buf b;
  iconv_t cd = (iconv_t) -1;
  char tmp[4096], m[XJ_TABLE_MSG];
  char *in, *o;
  size_t bom, i, inleft, oleft;
  enum xj_err e = XJ_E_OK;

  *out = NULL;
  *outlen = 0;
  xj_buf_init (&b, max);
  enc = xj_table_detect (p, size, true, &bom);
  if (NULL != encoding)
    *encoding = xj_table_enc_name (enc);
  if (XJ_ENC_UTF16 == enc)
    {
      msg_out (msg, msgsz, utf16_msg);
      e = XJ_E_IMPORT_ENCODING;
      goto out;
    }
  if (XJ_ENC_UTF8 == enc || XJ_ENC_UTF8_BOM == enc)
    {
      for (i = bom; i < size; i++)
        if (0 == p[i] || !xj_u8_step (&v, p[i]))
          break;
      if (i < size || v.need > 0)
        {
          snprintf (m, sizeof m, "第%zu行：含有不是UTF-8的字节或NUL字节",
                    line_of (p, i < size ? i : size));
          msg_out (msg, msgsz, m);
          e = XJ_E_IMPORT_ENCODING;
          goto out;
        }
      if (!xj_buf_append (&b, p + bom, size - bom))
        goto too_long;
      goto done;
    }
  cd = iconv_open ("UTF-8", "GB18030");
  if ((iconv_t) -1 == cd)
    {
      msg_out (msg, msgsz, "系统不支持GB18030转换");
      e = XJ_E_INTERNAL;
      goto out;
    }
  in = (char *) p + bom;
  inleft = size - bom;
  while (inleft > 0)
    {
      o = tmp;
      oleft = sizeof tmp;
      if ((size_t) -1 == iconv (cd, &in, &inleft, &o, &oleft)
          && E2BIG != errno)
        {
          snprintf (m, sizeof m,
                    "第%zu行：含有无法按GB18030/GBK解码的字节",
                    line_of (p, size - inleft));
          msg_out (msg, msgsz, m);
          e = XJ_E_IMPORT_ENCODING;
          goto out;
        }
      if (memchr (tmp, 0, sizeof tmp - oleft))
        {
          snprintf (m, sizeof m, "第%zu行：含有NUL字节",
                    line_of (p, size - inleft));
          msg_out (msg, msgsz, m);
          e = XJ_E_IMPORT_ENCODING;
          goto out;
        }
      if (!xj_buf_append (&b, tmp, sizeof tmp - oleft))
        goto too_long;
    }
done:
  *outlen = b.len;
  *out = xj_buf_steal (&b);
  goto out;
too_long:
  snprintf (m, sizeof m, "文本超过最大长度%zu字节", max);
  msg_out (msg, msgsz, m);
  e = XJ_E_IMPORT_CELL_TOO_LONG;
out:
  if ((iconv_t) -1 != cd)
    iconv_close (cd);
  xj_buf_fini (&b);
  return e;
}
