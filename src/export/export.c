/* export.c -- streaming student exports (export.h): CSV in UTF-8 with a
 * BOM or in GB18030 (iconv), XLSX through libxlsxwriter in constant_memory
 * mode (one row in memory; the sheet spills to a temp file in @tmpdir).
 * Rows come from xj_student_each in keyset pages of 5,000, so memory does
 * not grow with the row count.  Must not decide who may reveal (callers
 * do) and must not talk HTTP.
 */
#include <errno.h>
#include <iconv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

#include "core/util.h"
#include "export/export.h"
#include "student/student_columns.h"
#include "student/student_export_store.h"

struct xj_table_writer {
  enum xj_export_format fmt;
  /* CSV */
  FILE *f;
  iconv_t cd;                 /* (iconv_t) -1 for UTF-8 */
  struct xj_buf line;         /* one row, UTF-8 */
  char *conv;                 /* conversion buffer */
  size_t conv_cap;
  /* XLSX */
  lxw_workbook *wb;
  lxw_worksheet *ws;
  lxw_format *head;
  lxw_row_t row;
  bool failed;
};

bool
xj_export_format_of (const char *path, enum xj_export_format *fmt)
{
  size_t n = strlen (path);

  if (n >= 4 && 0 == strcasecmp (path + n - 4, ".csv"))
    *fmt = XJ_EXPORT_CSV;
  else if (n >= 5 && 0 == strcasecmp (path + n - 5, ".xlsx"))
    *fmt = XJ_EXPORT_XLSX;
  else
    return false;
  return true;
}

enum xj_err
xj_table_writer_open (const char *path, enum xj_export_format fmt,
                      enum xj_export_encoding enc, const char *tmpdir,
                      struct xj_table_writer **out)
{
  return xj_table_writer_open_sheet (path, fmt, enc, tmpdir, "学生基本信息",
                                     out);
}

enum xj_err
xj_table_writer_open_sheet (const char *path, enum xj_export_format fmt,
                            enum xj_export_encoding enc, const char *tmpdir,
                            const char *sheet, struct xj_table_writer **out)
{
  struct xj_table_writer *w;

  *out = NULL;
  if (XJ_EXPORT_GB18030 == enc && XJ_EXPORT_CSV != fmt)
    return XJ_E_EXPORT_FORMAT;
  w = xj_calloc (1, sizeof *w);
  w->fmt = fmt;
  w->cd = (iconv_t) -1;
  if (XJ_EXPORT_CSV == fmt)
    {
      w->f = fopen (path, "wbe");
      if (NULL == w->f)
        {
          XJ_ERROR ("export: cannot create %s: %s", path, strerror (errno));
          free (w);
          return XJ_E_EXPORT_WRITE;
        }
      setvbuf (w->f, NULL, _IOFBF, 1 << 16);
      xj_buf_init (&w->line, 0);
      if (XJ_EXPORT_GB18030 == enc)
        {
          w->cd = iconv_open ("GB18030", "UTF-8");
          if ((iconv_t) -1 == w->cd)
            {
              XJ_ERROR ("export: iconv GB18030 unavailable");
              fclose (w->f);
              xj_buf_fini (&w->line);
              free (w);
              return XJ_E_EXPORT_WRITE;
            }
        }
      else if (3 != fwrite ("\xEF\xBB\xBF", 1, 3, w->f))
        w->failed = true;  /* BOM: Excel then reads UTF-8 */
    }
  else
    {
      lxw_workbook_options opt = { .constant_memory = LXW_TRUE,
                                   .tmpdir = (char *) tmpdir,
                                   .use_zip64 = LXW_TRUE };

      w->wb = workbook_new_opt (path, &opt);
      if (NULL == w->wb)
        {
          free (w);
          return XJ_E_EXPORT_WRITE;
        }
      w->ws = workbook_add_worksheet (w->wb, sheet);
      w->head = workbook_add_format (w->wb);
      format_set_bold (w->head);
      worksheet_freeze_panes (w->ws, 1, 0);
      /* text cells throughout: codes keep their leading zeros, ID
         numbers never become floating-point numbers */
      worksheet_set_column (w->ws, 0, 60, 14, NULL);
    }
  *out = w;
  return XJ_E_OK;
}

/* Append @s to the CSV line, quoted when it holds a separator, a quote,
   a line break or leading/trailing blanks (RFC 4180).  Text that starts
   like a spreadsheet formula (= + - @) gets a leading apostrophe, so
   Excel opening the file shows it instead of evaluating it (an address
   "=HYPERLINK(...)" would otherwise run); the import drops that
   apostrophe again (import.c, cell()), so an export re-imports as it was. */
static void
csv_cell (struct xj_buf *b, const char *s)
{
  size_t n = strlen (s);
  bool formula = n && NULL != strchr ("=+-@", s[0]);
  bool quote = n && (strpbrk (s, ",\"\r\n") || ' ' == s[0]
                     || ' ' == s[n - 1]);

  if (! quote)
    {
      if (formula)
        xj_buf_append (b, "'", 1);
      xj_buf_append (b, s, n);
      return;
    }
  xj_buf_append (b, "\"", 1);
  if (formula)
    xj_buf_append (b, "'", 1);
  for (const char *p = s; *p; p++)
    {
      if ('"' == *p)
        xj_buf_append (b, "\"", 1);
      xj_buf_append (b, p, 1);
    }
  xj_buf_append (b, "\"", 1);
}

static enum xj_err
csv_row (struct xj_table_writer *w, const char *const *cells, size_t n)
{
  struct xj_buf *b = &w->line;
  const char *data;
  size_t len;

  b->len = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (i)
        xj_buf_append (b, ",", 1);
      csv_cell (b, cells[i] ? cells[i] : "");
    }
  xj_buf_append (b, "\r\n", 2);
  data = b->data;
  len = b->len;
  if ((iconv_t) -1 != w->cd)
    {
      char *in = b->data;
      size_t inleft = b->len;
      char *o;
      size_t oleft;

      /* GB18030 takes at most 4 bytes per code point, UTF-8 at least 1 */
      if (w->conv_cap < 4 * b->len + 16)
        {
          w->conv_cap = 4 * b->len + 16;
          w->conv = xj_realloc (w->conv, w->conv_cap);
        }
      o = w->conv;
      oleft = w->conv_cap;
      if ((size_t) -1 == iconv (w->cd, &in, &inleft, &o, &oleft))
        {
          XJ_ERROR ("export: GB18030 conversion failed: %s", strerror (errno));
          return XJ_E_EXPORT_WRITE;
        }
      data = w->conv;
      len = w->conv_cap - oleft;
    }
  if (len != fwrite (data, 1, len, w->f))
    return XJ_E_EXPORT_WRITE;
  return XJ_E_OK;
}

/* A cell of column @i is a number when bit @i of @nums is set and the
   text is one (digits, an optional sign and decimal point). */
static bool
number_cell (uint64_t nums, size_t i, const char *s, double *v)
{
  char *end;

  if (i >= 64 || 0 == (nums & ((uint64_t) 1 << i)))
    return false;
  errno = 0;
  *v = strtod (s, &end);
  return 0 == errno && '\0' == *end && end != s;
}

static enum xj_err
xlsx_row (struct xj_table_writer *w, const char *const *cells, size_t n,
          uint64_t nums)
{
  for (size_t i = 0; i < n; i++)
    {
      lxw_error le;
      double v;

      if (NULL == cells[i] || '\0' == cells[i][0])
        continue;
      if (0 != w->row && number_cell (nums, i, cells[i], &v))
        le = worksheet_write_number (w->ws, w->row, (lxw_col_t) i, v, NULL);
      else
        le = worksheet_write_string (w->ws, w->row, (lxw_col_t) i, cells[i],
                                     0 == w->row ? w->head : NULL);
      if (LXW_NO_ERROR != le)
        {
          XJ_ERROR ("export: xlsx row %u: %s", (unsigned) w->row,
                    lxw_strerror (le));
          return LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE == le
                   ? XJ_E_EXPORT_TOO_MANY_ROWS : XJ_E_EXPORT_WRITE;
        }
    }
  w->row++;
  return XJ_E_OK;
}

enum xj_err
xj_table_writer_row (struct xj_table_writer *w, const char *const *cells,
                     size_t n)
{
  return xj_table_writer_nums (w, cells, n, 0);
}

enum xj_err
xj_table_writer_nums (struct xj_table_writer *w, const char *const *cells,
                      size_t n, uint64_t nums)
{
  enum xj_err e;

  if (w->failed)
    return XJ_E_EXPORT_WRITE;
  e = XJ_EXPORT_CSV == w->fmt ? csv_row (w, cells, n)
                              : xlsx_row (w, cells, n, nums);
  if (XJ_E_OK != e)
    w->failed = true;
  return e;
}

enum xj_err
xj_table_writer_close (struct xj_table_writer *w, bool abandon)
{
  enum xj_err e = XJ_E_OK;

  if (NULL == w)
    return XJ_E_OK;
  if (w->failed)
    e = XJ_E_EXPORT_WRITE;
  if (XJ_EXPORT_CSV == w->fmt)
    {
      if (0 != fclose (w->f))
        e = XJ_E_EXPORT_WRITE;
      if ((iconv_t) -1 != w->cd)
        iconv_close (w->cd);
      xj_buf_fini (&w->line);
      free (w->conv);
    }
  else
    {
      /* workbook_close also frees; on abandon the half file is unlinked
         by the caller */
      lxw_error le = workbook_close (w->wb);

      if (LXW_NO_ERROR != le && ! abandon)
        {
          XJ_ERROR ("export: xlsx close: %s", lxw_strerror (le));
          e = XJ_E_EXPORT_WRITE;
        }
    }
  free (w);
  return e;
}

/* ---- students ---- */

struct exp_ctx {
  const struct xj_export_opts *o;
  int64_t total;
  struct xj_table_writer *w;
  unsigned show;
  int64_t rows;
  size_t ncols;
  char (*buf)[XJ_IMPORT_CELL_MAX];
  const char **cells;
};

static enum xj_err
exp_row (void *cls, const struct xj_student *s,
         const struct xj_student_ctx *ctx)
{
  struct exp_ctx *c = cls;

  for (size_t i = 0; i < c->ncols; i++)
    c->cells[i] = xj_import_cell (&xj_import_columns[i], s, ctx->school_code,
                                  ctx->class_name, c->show, c->buf[i],
                                  sizeof c->buf[i]);
  c->rows++;
  if (c->o->progress && 0 == c->rows % XJ_EXPORT_PROGRESS_ROWS)
    {
      enum xj_err e = c->o->progress (c->o->progress_cls, c->rows, c->total);

      if (XJ_E_OK != e)
        return e;
    }
  return xj_table_writer_row (c->w, c->cells, c->ncols);
}

static void
total_cb (void *cls, const struct xj_student_item *it)
{
  (void) cls;
  (void) it;
}

enum xj_err
xj_export_count (struct xj_db *db, const struct xj_export_opts *o,
                 int64_t *total)
{
  struct xj_student_filter f = o->filter;

  *total = 0;
  f.limit = 0;
  f.offset = 0;
  return xj_student_list (db, o->scope.prefix, o->scope.school_id,
                          o->scope.teacher_id, &f, total, &total_cb, NULL);
}

struct exp_audit {
  const struct xj_export_opts *o;
  int64_t rows;
};

static enum xj_err
audit_txn (struct xj_db *db, void *cls)
{
  struct exp_audit *a = cls;
  const struct xj_student_filter *f = &a->o->filter;
  json_t *j = json_pack ("{s:s, s:s, s:b, s:o, s:I, s:{s:I, s:s?, s:I, s:s?,"
                         " s:s?}}",
                         "format", XJ_EXPORT_CSV == a->o->format ? "csv"
                                                                 : "xlsx",
                         "encoding", XJ_EXPORT_GB18030 == a->o->encoding
                                       ? "gb18030" : "utf-8",
                         "unmasked", 0 != a->o->show,
                         "revealed", xj_pii_json (a->o->show),
                         "rows", (json_int_t) a->rows,
                         "filter",
                         "school_id", (json_int_t) f->school_id,
                         "grade", f->grade,
                         "class_id", (json_int_t) f->class_id,
                         "status", f->status,
                         "q", f->q);
  char *after = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);
  enum xj_err e;

  json_decref (j);
  e = xj_audit_append (db, a->o->actor, "student.export", "student", "",
                       NULL, after);
  free (after);
  return e;
}

/* The file, written inside one read transaction: every 5,000-row page
   of xj_student_each then sees the same snapshot of the registry, so an
   export is one consistent list even while others write (each page used
   to see what was committed by then). */
struct exp_run {
  struct xj_db *db;
  const struct xj_export_opts *o;
  const char *path;
  struct exp_ctx *c;
};

static enum xj_err
export_txn (struct xj_db *db, void *cls)
{
  struct exp_run *x = cls;
  const struct xj_export_opts *o = x->o;
  struct exp_ctx *c = x->c;
  enum xj_err e, ec;

  c->rows = 0;
  if (XJ_EXPORT_XLSX == o->format || o->progress)
    {
      if (XJ_E_OK != (e = xj_export_count (db, o, &c->total)))
        return e;
      /* one sheet holds 1,048,576 rows: refuse before writing anything */
      if (XJ_EXPORT_XLSX == o->format && c->total > XJ_EXPORT_XLSX_MAX_ROWS)
        return XJ_E_EXPORT_TOO_MANY_ROWS;
      if (o->progress
          && XJ_E_OK != (e = o->progress (o->progress_cls, 0, c->total)))
        return e;
    }
  e = xj_table_writer_open (x->path, o->format, o->encoding, o->tmpdir, &c->w);
  if (XJ_E_OK != e)
    return e;
  for (size_t i = 0; i < c->ncols; i++)
    c->cells[i] = xj_import_columns[i].header;
  e = xj_table_writer_row (c->w, c->cells, c->ncols);
  if (XJ_E_OK == e)
    e = xj_student_each (db, o->scope.prefix, o->scope.school_id,
                         o->scope.teacher_id, &o->filter, &exp_row, c);
  ec = xj_table_writer_close (c->w, XJ_E_OK != e);
  return XJ_E_OK == e ? ec : e;
}

enum xj_err
xj_export_students (struct xj_db *db, const struct xj_export_opts *o,
                    const char *path, int64_t *rows)
{
  struct exp_ctx c = { 0 };
  struct exp_run x = { db, o, path, &c };
  enum xj_err e;

  *rows = 0;
  c.show = o->show;
  c.o = o;
  c.ncols = xj_import_ncolumns ();
  c.buf = xj_calloc (c.ncols, sizeof *c.buf);
  c.cells = xj_calloc (c.ncols, sizeof *c.cells);
  e = xj_db_txn_run (db, "student_export", false, &export_txn, &x);
  free (c.buf);
  free (c.cells);
  *rows = c.rows;
  if (XJ_E_OK == e && o->show)
    {
      struct exp_audit a = { o, c.rows };

      e = xj_db_txn_run (db, "student_export_audit", true, &audit_txn, &a);
    }
  return e;
}
