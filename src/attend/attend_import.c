/* attend_import.c -- absences from a CSV/XLSX file: the streaming table
 * reader of src/import (encodings, hostile-input limits), the header
 * normalisation and Excel dates of the student import, then the rows go
 * through xj_att_record like the grid's (one writer, one set of rules).
 * Synchronous and all or nothing (docs/internals/attendance.md says why
 * it is not an import job).  The SQL here only resolves a number to a
 * student.
 */
#include <stdlib.h>
#include <string.h>
#include "attend/attend.h"
#include "core/util.h"
#include "import/import_int.h"
#include "import/table.h"
#include "validate/validate.h"


enum col { C_REGNO, C_ID, C_DATE, C_PART, C_REASON, NCOLS };

static const struct {
  const char *name;
  enum col col;
} headers[] = {
  { "学籍号", C_REGNO },     { "全国学籍号", C_REGNO },
  { "学籍号码", C_REGNO },   { "身份证件号", C_ID },
  { "身份证号", C_ID },      { "身份证号码", C_ID },
  { "日期", C_DATE },        { "缺勤日期", C_DATE },
  { "时段", C_PART },        { "缺勤时段", C_PART },
  { "原因", C_REASON },      { "缺勤原因", C_REASON },
  { "缺勤类型", C_REASON },
};

static const char *const col_names[] = { "学籍号", "身份证件号", "日期",
                                          "时段", "原因" };

/* Map the header row to columns (-1 = absent).  Errors into @errs. */
static enum xj_err
map_header (const struct xj_row *row, int cols[NCOLS], struct xj_verrs *errs)
{
  for (int c = 0; c < NCOLS; c++)
    cols[c] = -1;
  for (size_t i = 0; i < row->ncols; i++)
    {
      char norm[64], h[64];

      xj_imap_norm (row->cells[i], norm, sizeof norm);
      for (size_t k = 0; k < sizeof headers / sizeof headers[0]; k++)
        {
          xj_imap_norm (headers[k].name, h, sizeof h);
          if (0 != strcmp (norm, h))
            continue;
          if (cols[headers[k].col] >= 0)
            xj_verrs_add (errs, col_names[headers[k].col],
                          XJ_E_IMPORT_DUP_COLUMN, "“%s”列出现了两次",
                          col_names[headers[k].col]);
          cols[headers[k].col] = (int) i;
        }
    }
  if (cols[C_REGNO] < 0 && cols[C_ID] < 0)
    xj_verrs_add (errs, "学籍号", XJ_E_IMPORT_MISSING_COLUMN,
                  "缺少“学籍号”或“身份证件号”列");
  for (int c = C_DATE; c < NCOLS; c++)
    if (cols[c] < 0)
      xj_verrs_add (errs, col_names[c], XJ_E_IMPORT_MISSING_COLUMN,
                    "缺少“%s”列", col_names[c]);
  return errs->n > 0 ? XJ_E_IMPORT_MISSING_COLUMN : XJ_E_OK;
}

static const char *
cell (const struct xj_row *row, int col)
{
  return col >= 0 && (size_t) col < row->ncols ? row->cells[col] : "";
}

/* A date cell (any form xj_valid_date accepts, or an Excel serial) as
   YYYYMMDD; 0 if it is none. */
static int
cell_date (const char *v, bool xlsx)
{
  char t[64], norm[16];

  xj_strlcpy (t, v, sizeof t);
  xj_valid_trim (t);
  if (strchr (t, ' '))
    *strchr (t, ' ') = '\0';   /* "2026/11/2 0:00" */
  if (xlsx && xj_imap_excel_serial (t, norm, sizeof norm))
    return xj_valid_date_ymd (norm);
  if (XJ_E_OK != xj_valid_date (t, norm, sizeof norm))
    return 0;
  return xj_valid_date_ymd (norm);
}

/* One data row into @im (errors name "第N行" and the column). */
static void
read_row (const struct xj_row *row, const int cols[NCOLS], bool xlsx,
          struct xj_att_import *im, struct xj_verrs *errs)
{
  char label[16], key[40];
  struct xj_att_entry *e;
  const char *k = cell (row, cols[C_REGNO]);
  size_t i, n0 = errs->n;

  xj_snprintf (label, sizeof label, "第%llu行", (unsigned long long) row->rowno);
  if ('\0' == *k)
    k = cell (row, cols[C_ID]);
  xj_strlcpy (key, k, sizeof key);
  xj_valid_trim (key);
  xj_id_normalise (key);
  i = im->n;
  e = XJ_VEC_PUSH (im->e, im->n, im->cap);
  im->key = xj_realloc (im->key, im->cap * sizeof *im->key);
  im->label = xj_realloc (im->label, im->cap * sizeof *im->label);
  xj_strlcpy (im->key[i], key, sizeof im->key[i]);
  xj_strlcpy (im->label[i], label, sizeof im->label[i]);
  memset (e, 0, sizeof *e);
  e->day = cell_date (cell (row, cols[C_DATE]), xlsx);
  e->part = xj_att_part_parse (cell (row, cols[C_PART]));
  e->reason = xj_att_reason_parse (cell (row, cols[C_REASON]));
  if ('\0' == key[0])
    xj_verrs_add (errs, label, XJ_E_REQUIRED, "%s：学籍号和身份证件号都为空",
                  label);
  if (0 == e->day)
    xj_verrs_add (errs, label, XJ_E_DATE_FORMAT,
                  "%s：日期“%.40s”无效（应为YYYY-MM-DD）", label,
                  cell (row, cols[C_DATE]));
  if (e->part < 0)
    xj_verrs_add (errs, label, XJ_E_VALIDATION,
                  "%s：时段“%.40s”应为全天、上午或下午", label,
                  cell (row, cols[C_PART]));
  if (e->reason < 0)
    xj_verrs_add (errs, label, XJ_E_VALIDATION,
                  "%s：原因“%.40s”应为病假、事假或旷课", label,
                  cell (row, cols[C_REASON]));
  if (errs->n > n0)
    e->day = 0;   /* reported: xj_att_import_apply skips it */
}

static bool
row_empty (const struct xj_row *row)
{
  for (size_t i = 0; i < row->ncols; i++)
    if ('\0' != row->cells[i][0])
      return false;
  return true;
}

enum xj_err
xj_att_import_read (const char *path, const char *sheet,
                    struct xj_att_import *im, struct xj_verrs *errs)
{
  struct xj_table *t = NULL;
  struct xj_row row;
  int cols[NCOLS];
  char msg[200];
  const char *tmsg;
  int rc;
  bool xlsx;
  enum xj_err e;

  memset (im, 0, sizeof *im);
  if (XJ_E_OK != (e = xj_table_open (path, sheet, &t, msg, sizeof msg)))
    {
      xj_verrs_add (errs, "file", e, "%s", msg);
      return e;
    }
  xlsx = XJ_TABLE_XLSX == xj_table_format (t);
  rc = xj_table_next (t, &row);
  e = rc > 0 ? map_header (&row, cols, errs) : XJ_E_IMPORT_EMPTY;
  while (XJ_E_OK == e && (rc = xj_table_next (t, &row)) > 0)
    {
      if (row_empty (&row))
        continue;
      if (im->n >= XJ_ATT_IMPORT_MAX_ROWS)
        {
          xj_verrs_add (errs, "file", XJ_E_TOO_LONG, "一次至多导入%d行",
                        XJ_ATT_IMPORT_MAX_ROWS);
          e = XJ_E_TOO_LONG;   /* the file is refused, valid rows or not */
          break;
        }
      read_row (&row, cols, xlsx, im, errs);
    }
  if (XJ_E_OK == e && rc < 0)
    {
      e = xj_table_error (t, &tmsg);
      xj_verrs_add (errs, "file", e, "%s", tmsg);
    }
  else if (XJ_E_OK == e && 0 == im->n)
    e = XJ_E_IMPORT_NO_ROWS;
  if (XJ_E_IMPORT_EMPTY == e || XJ_E_IMPORT_NO_ROWS == e)
    xj_verrs_add (errs, "file", e, XJ_E_IMPORT_EMPTY == e ? "导入文件为空"
                                                          : "只有表头，没有数据行");
  xj_table_close (t);
  if (XJ_E_OK == e && errs->n > 0)
    e = XJ_E_VALIDATION;
  return e;
}

enum xj_err
xj_att_import_apply (struct xj_db *db, const struct xj_actor *a,
                     const struct xj_user *u, struct xj_att_import *im,
                     bool valid_only, struct xj_verrs *errs,
                     size_t *changed, size_t *skipped)
{
  struct xj_att_entry *ok = xj_calloc (im->n + 1, sizeof *ok);
  size_t nok = 0, refused = 0;
  enum xj_err e = XJ_E_OK;

  /* rows the reader refused are reported already: check the others too,
     so one upload shows every error */
  *changed = 0;
  *skipped = 0;
  for (size_t i = 0; i < im->n && XJ_E_OK == e; i++)
    {
      const char *k = im->key[i];
      int64_t id = 0;
      enum xj_qs qs;

      if (0 == im->e[i].day)
        {
          ++*skipped;
          continue;
        }
      qs = xj_att_store_student_by_number (db, k, &id);
      if (qs < 0)
        e = xj_db_qs_err (qs);
      else if (XJ_QS_NONE == qs)
        {
          xj_verrs_add (errs, im->label[i], XJ_E_NOT_FOUND,
                        "%s：找不到学籍号或身份证件号为“%s”的学生", im->label[i],
                        k);
          ++*skipped;
        }
      else
        {
          ok[nok] = im->e[i];
          ok[nok].student_id = id;
          ok[nok++].label = im->label[i];
        }
    }
  if (XJ_E_OK == e && valid_only)
    e = xj_att_record_valid (db, a, u, ok, nok, errs, changed, &refused);
  else if (XJ_E_OK == e)
    e = xj_att_record (db, a, u, ok, nok, errs, changed);
  free (ok);
  *skipped += refused;
  if (! valid_only)
    *skipped = 0;
  return XJ_E_OK == e && errs->n > 0 && ! valid_only ? XJ_E_VALIDATION : e;
}

void
xj_att_import_fini (struct xj_att_import *im)
{
  free (im->e);
  free (im->key);
  free (im->label);
  memset (im, 0, sizeof *im);
}
