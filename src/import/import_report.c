/* import_report.c -- the error report users fix and re-import: the file's
 * own header and rows (only those with errors unless asked for all) plus a
 * last column "错误" with the reasons; in XLSX the invalid cells are
 * filled red.  The file is re-read with the table reader and the report is
 * written row by row (libxlsxwriter in constant_memory mode), so memory
 * stays bounded whatever the file's size.  File-level problems (missing
 * columns, unknown columns) go to a second sheet "说明" (XLSX) or to rows
 * after the header (CSV).  No SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include "core/util.h"
#include "import/import_int.h"

#define XLSX_MAX_ROWS 1048576u

struct out {
  bool csv;
  FILE *f;                 /* csv */
  lxw_workbook *wb;        /* xlsx */
  lxw_worksheet *ws;
  lxw_format *bad, *head;
  uint32_t row;            /* next row to write */
  bool full;
};

static void
csv_cell (FILE *f, const char *v, bool last)
{
  if (strpbrk (v, ",\"\r\n") || ' ' == v[0])
    {
      fputc ('"', f);
      for (const char *p = v; *p; p++)
        {
          if ('"' == *p)
            fputc ('"', f);
          fputc (*p, f);
        }
      fputc ('"', f);
    }
  else
    fputs (v, f);
  fputs (last ? "\r\n" : ",", f);
}

/* Write one row: @ncells cells, @bad marks (may be NULL), @err text. */
static void
out_row (struct out *o, const char *const *cells, size_t ncells,
         const bool *bad, size_t errcol, const char *err, bool header)
{
  if (o->full)
    return;
  if (o->csv)
    {
      for (size_t c = 0; c < errcol; c++)
        csv_cell (o->f, c < ncells ? cells[c] : "", false);
      csv_cell (o->f, err, true);
      return;
    }
  if (o->row >= XLSX_MAX_ROWS - 1)
    {
      worksheet_write_string (o->ws, o->row, 0,
                              "……错误行过多，其余未列出（见导入结果）",
                              NULL);
      o->full = true;
      return;
    }
  for (size_t c = 0; c < ncells && c < errcol; c++)
    if (cells[c][0] || (bad && bad[c]))
      worksheet_write_string (o->ws, o->row, (lxw_col_t) c, cells[c],
                              header ? o->head
                                     : (bad && bad[c]) ? o->bad : NULL);
  if (err && err[0])
    worksheet_write_string (o->ws, o->row, (lxw_col_t) errcol, err,
                            header ? o->head : NULL);
  o->row++;
}

/* Open the report at @path: CSV (with a BOM) when it ends in .csv, else
   an XLSX workbook with its sheet and formats. */
static enum xj_err
report_open (struct out *o, const char *path)
{
  size_t len = strlen (path);
  lxw_workbook_options wo = { .constant_memory = LXW_TRUE };
  char dir[1024];
  const char *slash = strrchr (path, '/');

  memset (o, 0, sizeof *o);
  o->csv = len > 4 && 0 == strcasecmp (path + len - 4, ".csv");
  if (o->csv)
    {
      o->f = fopen (path, "wb");
      if (NULL == o->f)
        return XJ_E_IO;
      fputs ("\xEF\xBB\xBF", o->f);
      return XJ_E_OK;
    }
  if (slash && (size_t) (slash - path) < sizeof dir)
    {
      memcpy (dir, path, (size_t) (slash - path));
      dir[slash - path] = '\0';
      wo.tmpdir = dir;
    }
  o->wb = workbook_new_opt (path, &wo);
  if (NULL == o->wb)
    return XJ_E_IO;
  o->ws = workbook_add_worksheet (o->wb, "错误报告");
  o->bad = workbook_add_format (o->wb);
  format_set_bg_color (o->bad, 0xFFC7CE);
  format_set_font_color (o->bad, 0x9C0006);
  format_set_pattern (o->bad, LXW_PATTERN_SOLID);
  o->head = workbook_add_format (o->wb);
  format_set_bold (o->head);
  return XJ_E_OK;
}

/* The imported file again, at its header (the first row not blank):
   true with *@t open and @row the header, else false (*@t may still be
   open, to close). */
static bool
report_header (const struct xj_import_opts *io, struct xj_table **t,
               struct xj_row *row)
{
  char msg[300];
  int rc;

  if (XJ_E_OK != xj_table_open (io->path, io->sheet, t, msg, sizeof msg))
    return false;
  while (1 == (rc = xj_table_next (*t, row)))
    for (size_t c = 0; c < row->ncols; c++)
      if (row->cells[c][0])
        return true;
  return false;
}

/* The errors of file row @row (from *@ei on, the kept errors in row
   order): the cells they name in @bad, their text in @text; false when
   the row has none. */
static bool
row_errors (const struct xj_import_result *res, size_t nkept, size_t *ei,
            const struct xj_row *row, bool *bad, struct xj_buf *text)
{
  struct xj_import_error er;
  bool any = false;

  memset (bad, 0, row->ncols * sizeof *bad);
  text->len = 0;
  if (text->data)
    text->data[0] = '\0';
  while (*ei < nkept)
    {
      xj_import_error_at (res, *ei, &er);
      if (er.row > row->rowno)
        break;
      (*ei)++;
      if (er.row < row->rowno)
        continue;
      any = true;
      if (er.col >= 0 && (size_t) er.col < row->ncols)
        bad[er.col] = true;
      xj_buf_printf (text, "%s%s：%s", text->len ? "；" : "", er.column,
                     er.message);
    }
  return any;
}

/* Every row of @t with an error (every row when @all_rows), its cells up
   to the error column @errcol, the bad ones marked, the errors last. */
static void
report_rows (struct out *o, struct xj_table *t, size_t errcol,
             const struct xj_import_result *res, size_t nkept, size_t *ei,
             bool all_rows)
{
  struct xj_row row;
  struct xj_buf text;
  bool *bad = NULL;
  size_t badcap = 0;

  xj_buf_init (&text, 0);
  while ((all_rows || *ei < nkept) && ! o->full
         && 1 == xj_table_next (t, &row))
    {
      bool any;

      if (row.ncols > badcap)
        {
          badcap = row.ncols * 2;
          bad = xj_realloc (bad, badcap * sizeof *bad);
        }
      any = row_errors (res, nkept, ei, &row, bad, &text);
      if (any || all_rows)
        /* never write past the error column */
        out_row (o, row.cells, row.ncols > errcol ? errcol : row.ncols, bad,
                 errcol, text.data ? text.data : "", false);
    }
  free (bad);
  xj_buf_fini (&text);
}

/* The XLSX report's second sheet: what concerns the whole file. */
static void
report_summary (struct out *o, const struct xj_import_result *res,
                size_t nkept)
{
  lxw_worksheet *ws = workbook_add_worksheet (o->wb, "说明");
  struct xj_import_error er;
  char msg[300];
  uint32_t r = 0;

  worksheet_set_column (ws, 0, 0, 100, NULL);
  worksheet_write_string (ws, r++, 0, "导入结果", o->head);
  xj_snprintf (msg, sizeof msg, "imported %llu, rejected %llu, already "
               "registered %llu",
               (unsigned long long) res->imported,
               (unsigned long long) res->rejected,
               (unsigned long long) res->already);
  worksheet_write_string (ws, r++, 0, msg, NULL);
  for (size_t i = 0; i < nkept; i++)
    {
      xj_import_error_at (res, i, &er);
      if (0 != er.row)
        break;
      worksheet_write_string (ws, r++, 0, er.message, NULL);
    }
  for (size_t i = 0; i < res->nunknown; i++)
    {
      xj_snprintf (msg, sizeof msg, "未识别的列（未导入）：%s",
                   res->unknown_cols[i]);
      worksheet_write_string (ws, r++, 0, msg, NULL);
    }
}

enum xj_err
xj_import_report (const struct xj_import_opts *io,
                  const struct xj_import_result *res, const char *path,
                  bool all_rows)
{
  struct out o;
  struct xj_table *t = NULL;
  struct xj_row row;
  size_t nkept = xj_import_nkept (res);
  size_t ei = 0;
  size_t errcol = 0;
  struct xj_import_error er;
  bool have_header;
  enum xj_err e;

  if (XJ_E_OK != (e = report_open (&o, path)))
    return e;
  have_header = report_header (io, &t, &row);
  if (have_header)
    {
      errcol = row.ncols;
      out_row (&o, row.cells, row.ncols, NULL, errcol, "错误", true);
    }
  else
    out_row (&o, NULL, 0, NULL, 0, "错误", true);
  /* file-level errors first (row 0) */
  while (ei < nkept)
    {
      xj_import_error_at (res, ei, &er);
      if (0 != er.row)
        break;
      ei++;
      if (o.csv)
        out_row (&o, NULL, 0, NULL, errcol, er.message, false);
    }
  if (have_header)
    report_rows (&o, t, errcol, res, nkept, &ei, all_rows);
  if (t)
    xj_table_close (t);
  if (o.csv)
    return 0 != fclose (o.f) ? XJ_E_IO : XJ_E_OK;
  report_summary (&o, res, nkept);
  if (LXW_NO_ERROR != workbook_close (o.wb))
    return XJ_E_IO;
  return XJ_E_OK;
}
