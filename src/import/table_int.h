/* table_int.h -- private to src/import/table*.c: the reader object shared
 * by the dispatcher (table.c) and the CSV and XLSX readers, the bounded
 * row builder they fill, and the UTF-8 checker.  Callers use table.h.
 */
#ifndef XJ_IMPORT_TABLE_INT_H
#define XJ_IMPORT_TABLE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "import/table.h"

#define XJ_TABLE_MSG 320

/* What a reader implements.  All run on the caller's thread. */
struct xj_table_ops {
  /* Parse the next row into the builder (xj_tr_*): 1 = a row is built,
     0 = end of input, -1 = error (set with xj_table_fail). */
  int (*next) (struct xj_table *t);
  void (*progress) (const struct xj_table *t, uint64_t *done,
                    uint64_t *total);
  /* Free the reader's state (@impl); never NULL when called. */
  void (*close) (void *impl);
};

struct xj_table {
  enum xj_table_format fmt;
  const char *encoding;          /* static string */
  const struct xj_table_ops *ops;
  void *impl;                    /* owned; freed by ops->close */
  enum xj_err err;               /* first error; XJ_E_OK while none */
  char msg[XJ_TABLE_MSG];        /* its Chinese message */

  /* Row under construction (bounded: XJ_TABLE_MAX_ROW data bytes plus
     one NUL per kept cell). */
  uint64_t rowno;
  char *arena;                   /* owned */
  size_t alen;                   /* bytes used, NULs included */
  size_t acap;
  size_t rowbytes;               /* data bytes of the row, NULs excluded */
  size_t cell_start;             /* arena offset of the open cell */
  size_t ncols;                  /* cells kept */
  size_t col;                    /* logical cells ended (kept + dropped) */
  bool nonblank;                 /* some kept cell is non-empty */
  size_t offs[XJ_TABLE_MAX_COLS];
  size_t lens[XJ_TABLE_MAX_COLS];
  const char *ptrs[XJ_TABLE_MAX_COLS];

  /* Blank CSV records seen but not yet handed out: they are returned only
     when a non-blank record follows (trailing blanks are skipped). */
  uint64_t blank_first;
  uint64_t blank_n;
  bool held;                     /* builder holds a row to return later */
  bool done;
};

/* Record the first error of @t (later ones are ignored: the first one is
   the cause).  The message is formatted in Chinese by the caller. */
void xj_table_fail (struct xj_table *t, enum xj_err e, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Excel's letters for 1-based column @col ("A", "AB"; "?" beyond 7). */
void xj_table_colname (size_t col, char out[8]);

/* Start row @rowno: drop the previous row's cells. */
void xj_tr_begin_row (struct xj_table *t, uint64_t rowno);

/* The limits, the errors and the arena's growth of xj_tr_put and
   xj_tr_end_cell (the inline parts handle what fits). */
bool xj_tr_put_slow (struct xj_table *t, const void *p, size_t n);
bool xj_tr_end_cell_slow (struct xj_table *t);

/* Append to the open cell.  False (error set, naming row and column)
   when the cell or the row gets too long.  Inline for the common case
   (within the limits and the arena): the CSV reader appends once per
   cell, and the calls were a visible share of its time. */
static inline bool
xj_tr_put (struct xj_table *t, const void *p, size_t n)
{
  if (0 == n)
    return true;
  if (t->alen + n < t->acap
      && t->alen - t->cell_start + n <= XJ_TABLE_MAX_CELL
      && t->rowbytes + n <= XJ_TABLE_MAX_ROW)
    {
      memcpy (t->arena + t->alen, p, n);
      t->alen += n;
      t->rowbytes += n;
      return true;
    }
  return xj_tr_put_slow (t, p, n);
}

/* Bytes in the open cell so far, and where they start (valid until the
   next put). */
static inline size_t
xj_tr_cell_len (const struct xj_table *t)
{
  return t->alen - t->cell_start;
}
char *xj_tr_cell_data (struct xj_table *t);
/* Forget the open cell's bytes (the cell stays open). */
void xj_tr_cell_clear (struct xj_table *t);
/* Shorten the open cell to @len bytes (<= its length). */
void xj_tr_cell_truncate (struct xj_table *t, size_t len);

/* Close the open cell.  Empty cells past XJ_TABLE_MAX_COLS are dropped
   (wide, empty ranges are common in exported sheets); a non-empty one
   there is an error (false).  Inline for the common case, as
   xj_tr_put. */
static inline bool
xj_tr_end_cell (struct xj_table *t)
{
  size_t len = t->alen - t->cell_start;

  if (t->ncols >= XJ_TABLE_MAX_COLS || t->alen >= t->acap)
    return xj_tr_end_cell_slow (t);
  t->arena[t->alen++] = '\0';
  t->offs[t->ncols] = t->cell_start;
  t->lens[t->ncols] = len;
  t->ncols++;
  t->col++;
  if (len > 0)
    t->nonblank = true;
  t->cell_start = t->alen;
  return true;
}

/* Incremental UTF-8 checker (no overlongs, no surrogates, <= U+10FFFF). */
struct xj_u8 {
  unsigned need;                 /* continuation bytes still expected */
  unsigned char lo, hi;          /* range of the next continuation byte */
};
static inline bool
xj_u8_step (struct xj_u8 *v, unsigned char b)
{
  if (v->need)
    {
      if (b < v->lo || b > v->hi)
        return false;
      v->need--;
      v->lo = 0x80;
      v->hi = 0xBF;
      return true;
    }
  if (b < 0x80)
    return true;
  v->lo = 0x80;
  v->hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF)
    v->need = 1;
  else if (b == 0xE0)
    v->need = 2, v->lo = 0xA0;
  else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF)
    v->need = 2;
  else if (b == 0xED)
    v->need = 2, v->hi = 0x9F;
  else if (b == 0xF0)
    v->need = 3, v->lo = 0x90;
  else if (b >= 0xF1 && b <= 0xF3)
    v->need = 3;
  else if (b == 0xF4)
    v->need = 3, v->hi = 0x8F;
  else
    return false;
  return true;
}

/* ---- readers ---- */
/* Encoding detected from the head of a text: */
enum xj_text_enc {
  XJ_ENC_UTF8,
  XJ_ENC_UTF8_BOM,               /* EF BB BF, stripped */
  XJ_ENC_GB18030,
  XJ_ENC_GB18030_BOM,            /* 84 31 95 33, stripped */
  XJ_ENC_UTF16                   /* FF FE / FE FF: refused */
};
/* Detect from the first @n bytes; @complete when they are the whole text
   (else an incomplete UTF-8 sequence at the end is not held against it).
   *bom gets the BOM's length. */
enum xj_text_enc xj_table_detect (const unsigned char *p, size_t n,
                                  bool complete, size_t *bom);
/* Name of @e as xj_table_encoding gives it (static string). */
const char *xj_table_enc_name (enum xj_text_enc e);

/* Set up @t as a CSV reader over the file @f (owned from now on, closed
   by the reader) or, when @f is NULL, over @size bytes at @mem (borrowed).
   False with the error set in @t. */
bool xj_table_csv_open (struct xj_table *t, FILE *f, const void *mem,
                        size_t size);
/* Same for XLSX: @path or (@mem, @size). */
bool xj_table_xlsx_open (struct xj_table *t, const char *path,
                         const void *mem, size_t size, const char *sheet);

#endif
