/* table.c -- the spreadsheet reader's front: format detection (zip magic
 * = XLSX, else CSV), the bounded row builder the readers fill, blank-row
 * handling and error reporting.  The format details live in table_csv.c
 * and table_xlsx.c.  No SQL, no HTTP, no knowledge of what the columns
 * mean.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "import/table_int.h"

/* ---- errors ---- */

void
xj_table_fail (struct xj_table *t, enum xj_err e, const char *fmt, ...)
{
  va_list ap;

  if (XJ_E_OK != t->err)
    return;
  t->err = e;
  va_start (ap, fmt);
  vsnprintf (t->msg, sizeof t->msg, fmt, ap);
  va_end (ap);
  XJ_BAD_INPUT ("import: %s", t->msg);
}

void
xj_table_colname (size_t col, char out[8])
{
  char tmp[8];
  size_t n = 0;
  size_t i;

  /* Bijective base 26: 1 = A, 26 = Z, 27 = AA. */
  while (col > 0 && n < 7)
    {
      col--;
      tmp[n++] = (char) ('A' + col % 26);
      col /= 26;
    }
  if (0 == n || col > 0)
    {
      out[0] = '?';
      out[1] = '\0';
      return;
    }
  for (i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  out[n] = '\0';
}

/* ---- row builder ---- */

void
xj_tr_begin_row (struct xj_table *t, uint64_t rowno)
{
  t->rowno = rowno;
  t->alen = 0;
  t->rowbytes = 0;
  t->cell_start = 0;
  t->ncols = 0;
  t->col = 0;
  t->nonblank = false;
}

/* Make room for @n more bytes.  The arena never exceeds XJ_TABLE_MAX_ROW
   data bytes plus XJ_TABLE_MAX_COLS NULs (the callers check). */
static void
arena_reserve (struct xj_table *t, size_t n)
{
  size_t want = t->alen + n;
  size_t cap = t->acap ? t->acap : 1024;

  if (want <= t->acap)
    return;
  while (cap < want)
    cap *= 2;
  /* Do not double far past the limit; never below what is wanted. */
  if (cap > XJ_TABLE_MAX_ROW + XJ_TABLE_MAX_COLS + 1)
    cap = XJ_TABLE_MAX_ROW + XJ_TABLE_MAX_COLS + 1;
  if (cap < want)
    cap = want;
  t->arena = xj_realloc (t->arena, cap);
  t->acap = cap;
}

bool
xj_tr_put_slow (struct xj_table *t, const void *p, size_t n)
{
  char cn[8];
  size_t celllen = t->alen - t->cell_start;

  if (0 == n)
    return true;
  if (celllen + n > XJ_TABLE_MAX_CELL)
    {
      xj_table_colname (t->col + 1, cn);
      xj_table_fail (t, XJ_E_IMPORT_CELL_TOO_LONG,
                     "第%llu行第%zu列（%s列）：单元格内容超过%d字节",
                     (unsigned long long) t->rowno, t->col + 1, cn,
                     XJ_TABLE_MAX_CELL);
      return false;
    }
  if (t->rowbytes + n > XJ_TABLE_MAX_ROW)
    {
      xj_table_colname (t->col + 1, cn);
      xj_table_fail (t, XJ_E_IMPORT_ROW_TOO_LONG,
                     "第%llu行：一行内容超过%d字节（在第%zu列（%s列））",
                     (unsigned long long) t->rowno, XJ_TABLE_MAX_ROW,
                     t->col + 1, cn);
      return false;
    }
  arena_reserve (t, n + 1);
  memcpy (t->arena + t->alen, p, n);
  t->alen += n;
  t->rowbytes += n;
  return true;
}

char *
xj_tr_cell_data (struct xj_table *t)
{
  arena_reserve (t, 1);
  return t->arena + t->cell_start;
}

void
xj_tr_cell_clear (struct xj_table *t)
{
  t->rowbytes -= t->alen - t->cell_start;
  t->alen = t->cell_start;
}

void
xj_tr_cell_truncate (struct xj_table *t, size_t len)
{
  size_t cur = t->alen - t->cell_start;

  if (len < cur)
    {
      t->rowbytes -= cur - len;
      t->alen = t->cell_start + len;
    }
}

bool
xj_tr_end_cell_slow (struct xj_table *t)
{
  size_t len = t->alen - t->cell_start;
  char cn[8];

  if (t->ncols >= XJ_TABLE_MAX_COLS)
    {
      if (0 == len)
        {
          t->col++;
          return true;
        }
      xj_table_colname (t->col + 1, cn);
      xj_table_fail (t, XJ_E_IMPORT_TOO_MANY_COLS,
                     "第%llu行第%zu列（%s列）：超过最多%d列",
                     (unsigned long long) t->rowno, t->col + 1, cn,
                     XJ_TABLE_MAX_COLS);
      return false;
    }
  arena_reserve (t, 1);
  return xj_tr_end_cell (t);   /* room now: the inline path closes it */
}

/* ---- detection ---- */

enum xj_text_enc
xj_table_detect (const unsigned char *p, size_t n, bool complete,
                 size_t *bom)
{
  struct xj_u8 v = { 0, 0x80, 0xBF };
  size_t i;

  *bom = 0;
  if (n >= 3 && 0xEF == p[0] && 0xBB == p[1] && 0xBF == p[2])
    {
      *bom = 3;
      return XJ_ENC_UTF8_BOM;
    }
  if (n >= 4 && 0x84 == p[0] && 0x31 == p[1] && 0x95 == p[2]
      && 0x33 == p[3])
    {
      *bom = 4;
      return XJ_ENC_GB18030_BOM;
    }
  if (n >= 2 && ((0xFF == p[0] && 0xFE == p[1])
                 || (0xFE == p[0] && 0xFF == p[1])))
    return XJ_ENC_UTF16;
  for (i = 0; i < n; i++)
    if (!xj_u8_step (&v, p[i]))
      return XJ_ENC_GB18030;
  /* A head cut inside a character is still UTF-8; a whole text is not. */
  if (v.need > 0 && complete)
    return XJ_ENC_GB18030;
  return XJ_ENC_UTF8;
}

/* ---- open / next / close ---- */

const char *
xj_table_enc_name (enum xj_text_enc e)
{
  switch (e)
    {
    case XJ_ENC_UTF8_BOM:
      return "utf-8-bom";
    case XJ_ENC_GB18030:
    case XJ_ENC_GB18030_BOM:
      return "gb18030";
    default:
      return "utf-8";
    }
}

static void
copy_msg (char *msg, size_t msgsz, const char *s)
{
  if (NULL != msg && msgsz > 0)
    xj_strlcpy (msg, s, msgsz);
}

/* Common tail of both opens: on failure free @t and report. */
static enum xj_err
finish_open (struct xj_table *t, bool ok, struct xj_table **out, char *msg,
             size_t msgsz)
{
  enum xj_err e;

  if (ok)
    {
      *out = t;
      return XJ_E_OK;
    }
  e = XJ_E_OK != t->err ? t->err : XJ_E_INTERNAL;
  copy_msg (msg, msgsz, t->msg[0] ? t->msg : xj_err_zh (e));
  xj_table_close (t);
  return e;
}

static bool
is_zip (const unsigned char *p, size_t n)
{
  return n >= 4 && 'P' == p[0] && 'K' == p[1]
         && ((3 == p[2] && 4 == p[3]) || (5 == p[2] && 6 == p[3]));
}

static bool
is_ole (const unsigned char *p, size_t n)
{
  return n >= 4 && 0xD0 == p[0] && 0xCF == p[1] && 0x11 == p[2]
         && 0xE0 == p[3];
}

static struct xj_table *
table_new (void)
{
  return xj_calloc (1, sizeof (struct xj_table));
}

/* Ownership: on success *out belongs to the caller (xj_table_close). */
enum xj_err
xj_table_open (const char *path, const char *sheet, struct xj_table **out,
               char *msg, size_t msgsz)
{
  struct xj_table *t = table_new ();
  unsigned char magic[4];
  size_t n;
  FILE *f;
  bool ok = false;

  *out = NULL;
  f = fopen (path, "rb");
  if (NULL == f)
    {
      xj_table_fail (t, XJ_E_IMPORT_IO, "无法打开文件：%s", strerror (errno));
      goto out;
    }
  n = fread (magic, 1, sizeof magic, f);
  if (is_ole (magic, n))
    {
      fclose (f);
      xj_table_fail (t, XJ_E_IMPORT_FORMAT,
                     "不支持旧版Excel（.xls）文件，请另存为.xlsx或CSV");
      goto out;
    }
  if (is_zip (magic, n))
    {
      fclose (f);
      t->fmt = XJ_TABLE_XLSX;
      t->encoding = "xlsx";
      ok = xj_table_xlsx_open (t, path, NULL, 0, sheet);
      goto out;
    }
  if (0 != fseek (f, 0, SEEK_SET))
    {
      fclose (f);
      xj_table_fail (t, XJ_E_IMPORT_IO, "无法读取文件：%s", strerror (errno));
      goto out;
    }
  t->fmt = XJ_TABLE_CSV;
  ok = xj_table_csv_open (t, f, NULL, 0);  /* owns f now */
out:
  return finish_open (t, ok, out, msg, msgsz);
}

enum xj_err
xj_table_open_mem (const void *data, size_t size, const char *sheet,
                   struct xj_table **out, char *msg, size_t msgsz)
{
  struct xj_table *t = table_new ();
  bool ok = false;

  *out = NULL;
  if (is_ole (data, size))
    xj_table_fail (t, XJ_E_IMPORT_FORMAT,
                   "不支持旧版Excel（.xls）文件，请另存为.xlsx或CSV");
  else if (is_zip (data, size))
    {
      t->fmt = XJ_TABLE_XLSX;
      t->encoding = "xlsx";
      ok = xj_table_xlsx_open (t, NULL, data, size, sheet);
    }
  else
    {
      t->fmt = XJ_TABLE_CSV;
      ok = xj_table_csv_open (t, NULL, data, size);
    }
  return finish_open (t, ok, out, msg, msgsz);
}

static void
fill_row (struct xj_table *t, struct xj_row *row)
{
  size_t i;

  for (i = 0; i < t->ncols; i++)
    t->ptrs[i] = t->arena + t->offs[i];
  row->rowno = t->rowno;
  row->ncols = t->ncols;
  row->cells = t->ptrs;
  row->lens = t->lens;
}

/* A blank record is handed out as one empty cell. */
static const char *const blank_cells[1] = { "" };
static const size_t blank_lens[1] = { 0 };

static int
emit_blank (struct xj_table *t, struct xj_row *row)
{
  row->rowno = t->blank_first++;
  row->ncols = 1;
  row->cells = blank_cells;
  row->lens = blank_lens;
  t->blank_n--;
  return 1;
}

int
xj_table_next (struct xj_table *t, struct xj_row *row)
{
  int r;

  if (XJ_E_OK != t->err)
    return -1;
  if (t->blank_n > 0 && t->held)
    return emit_blank (t, row);
  if (t->held)
    {
      t->held = false;
      fill_row (t, row);
      return 1;
    }
  if (t->done)
    return 0;
  for (;;)
    {
      r = t->ops->next (t);
      if (r < 0)
        {
          if (XJ_E_OK == t->err)
            {
              XJ_BUG ("table reader failed without an error");
              xj_table_fail (t, XJ_E_INTERNAL, "读取失败");
            }
          return -1;
        }
      if (0 == r)
        {
          t->done = true;
          t->blank_n = 0;       /* trailing blank rows are skipped */
          return 0;
        }
      if (!t->nonblank)
        {
          /* CSV: keep count, hand out only if data follows.  XLSX: a row
             without values is formatting only, like a missing row. */
          if (XJ_TABLE_CSV == t->fmt)
            {
              if (0 == t->blank_n)
                t->blank_first = t->rowno;
              t->blank_n++;
            }
          continue;
        }
      if (t->blank_n > 0)
        {
          t->held = true;
          return emit_blank (t, row);
        }
      fill_row (t, row);
      return 1;
    }
}

enum xj_err
xj_table_error (const struct xj_table *t, const char **msg)
{
  if (NULL != msg)
    *msg = t->msg[0] ? t->msg : xj_err_zh (t->err);
  return t->err;
}

enum xj_table_format
xj_table_format (const struct xj_table *t)
{
  return t->fmt;
}

const char *
xj_table_encoding (const struct xj_table *t)
{
  return t->encoding;
}

void
xj_table_progress (const struct xj_table *t, uint64_t *done,
                   uint64_t *total)
{
  *done = 0;
  *total = 0;
  if (NULL != t->ops)
    t->ops->progress (t, done, total);
}

void
xj_table_close (struct xj_table *t)
{
  if (NULL == t)
    return;
  if (NULL != t->ops && NULL != t->impl)
    t->ops->close (t->impl);
  free (t->arena);
  free (t);
}
