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

enum xj_err
xj_import_report (const struct xj_import_opts *io,
                  const struct xj_import_result *res, const char *path,
                  bool all_rows)
{
  struct out o;
  struct xj_table *t = NULL;
  struct xj_row row;
  char msg[300];
  size_t nkept = xj_import_nkept (res);
  size_t ei = 0;
  size_t errcol = 0;
  size_t len = strlen (path);
  bool *bad = NULL;
  size_t badcap = 0;
  struct xj_buf text;
  struct xj_import_error er;
  enum xj_err e = XJ_E_OK;
  int rc;
  bool have_header = false;

  memset (&o, 0, sizeof o);
  xj_buf_init (&text, 0);
  o.csv = len > 4 && 0 == strcasecmp (path + len - 4, ".csv");
  if (o.csv)
    {
      o.f = fopen (path, "wb");
      if (NULL == o.f)
        return XJ_E_IO;
      fputs ("\xEF\xBB\xBF", o.f);
    }
  else
    {
      lxw_workbook_options wo = { .constant_memory = LXW_TRUE };
      char dir[1024];
      const char *slash = strrchr (path, '/');

      if (slash && (size_t) (slash - path) < sizeof dir)
        {
          memcpy (dir, path, (size_t) (slash - path));
          dir[slash - path] = '\0';
          wo.tmpdir = dir;
        }
      o.wb = workbook_new_opt (path, &wo);
      if (NULL == o.wb)
        return XJ_E_IO;
      o.ws = workbook_add_worksheet (o.wb, "错误报告");
      o.bad = workbook_add_format (o.wb);
      format_set_bg_color (o.bad, 0xFFC7CE);
      format_set_font_color (o.bad, 0x9C0006);
      format_set_pattern (o.bad, LXW_PATTERN_SOLID);
      o.head = workbook_add_format (o.wb);
      format_set_bold (o.head);
    }
  /* the file's header */
  if (XJ_E_OK == xj_table_open (io->path, io->sheet, &t, msg, sizeof msg))
    {
      while (1 == (rc = xj_table_next (t, &row)))
        {
          bool blank = true;

          for (size_t c = 0; c < row.ncols && blank; c++)
            if (row.cells[c][0])
              blank = false;
          if (! blank)
            {
              have_header = true;
              break;
            }
        }
    }
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
  /* the rows */
  while (have_header && ei < nkept && ! o.full
         && 1 == (rc = xj_table_next (t, &row)))
    {
      bool any = false;

      if (row.ncols > badcap)
        {
          badcap = row.ncols * 2;
          bad = xj_realloc (bad, badcap * sizeof *bad);
        }
      memset (bad, 0, row.ncols * sizeof *bad);
      text.len = 0;
      if (text.data)
        text.data[0] = '\0';
      while (ei < nkept)
        {
          xj_import_error_at (res, ei, &er);
          if (er.row > row.rowno)
            break;
          ei++;
          if (er.row < row.rowno)
            continue;
          any = true;
          if (er.col >= 0 && (size_t) er.col < row.ncols)
            bad[er.col] = true;
          xj_buf_printf (&text, "%s%s：%s", text.len ? "；" : "", er.column,
                         er.message);
        }
      if (any || all_rows)
        {
          if (row.ncols > errcol)
            {
              /* never write past the error column */
              out_row (&o, row.cells, errcol, bad, errcol,
                       text.data ? text.data : "", false);
            }
          else
            out_row (&o, row.cells, row.ncols, bad, errcol,
                     text.data ? text.data : "", false);
        }
    }
  if (t)
    xj_table_close (t);
  free (bad);
  xj_buf_fini (&text);
  if (o.csv)
    {
      if (0 != fclose (o.f))
        e = XJ_E_IO;
      return e;
    }
  /* second sheet: what concerns the whole file */
  {
    lxw_worksheet *ws = workbook_add_worksheet (o.wb, "说明");
    uint32_t r = 0;

    worksheet_set_column (ws, 0, 0, 100, NULL);
    worksheet_write_string (ws, r++, 0, "导入结果", o.head);
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
  if (LXW_NO_ERROR != workbook_close (o.wb))
    e = XJ_E_IO;
  return e;
}
