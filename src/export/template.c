/* template.c -- the import template (导入模板): an XLSX whose first sheet
 * holds the import's header row (student/student_columns.h, exactly what
 * the importer reads) and one example row that imports cleanly at the
 * caller's school, then one sheet per code set the columns use (代码,
 * 名称).  A registrar fills it in instead of guessing headers and codes.
 *
 * Domain code: no HTTP; reads the registry only to pick an example ID
 * number nobody holds.  Writes nothing but the file.
 */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/util.h"
#include "export/export.h"
#include "idcard/idcard.h"
#include "student/identity.h"
#include "student/student_columns.h"
#include "validate/codes.h"
#include "validate/validate.h"

/* The first grade @stage teaches ("11" primary, "21" junior, ...). */
static const char *
first_grade (const char *stage)
{
  const struct xj_codeset *cs = xj_codeset ("grade");

  for (const struct xj_code *c = cs ? cs->codes : NULL; c && c->code; c++)
    if (xj_school_stage_has_grade (stage, c->code))
      return c->code;
  return "11";
}

static void
hit_cb (void *cls, int64_t student_id, int64_t school_id, const char *status,
        const char *how)
{
  (void) student_id;
  (void) school_id;
  (void) status;
  (void) how;
  *(bool *) cls = true;
}

/* An 18-digit ID of the school's county and birth date @ymd8 that no
   record holds, into @s (gender from its 17th digit). */
static enum xj_err
example_id (struct xj_db *db, const char *county, const char *ymd8,
            struct xj_student *s)
{
  char id[19];

  for (unsigned seq = 901; seq < 1000; seq++)
    {
      bool taken = false;
      enum xj_err e;

      xj_snprintf (id, sizeof id, "%.6s%.8s%03u", county, ymd8, seq);
      id[17] = xj_idcard_check_char (id);
      id[18] = '\0';
      e = xj_identity_find_id (db, id, 0, &hit_cb, &taken);
      if (XJ_E_OK != e)
        return e;
      if (! taken)
        {
          xj_strlcpy (s->id_no, id, sizeof s->id_no);
          s->gender = (id[16] - '0') % 2 ? 1 : 2;
          return XJ_E_OK;
        }
    }
  return XJ_E_ID_EXISTS;
}

/* The example student: the first grade of @school, a birth date of the
   normal age for it in the school year of @today_ymd, an unused ID, one
   guardian.  Every required field is given, so the row imports. */
static enum xj_err
example_student (struct xj_db *db, const struct xj_school *school,
                 int today_ymd, struct xj_student *s)
{
  struct xj_age_band b = { 0 };
  int sy = xj_valid_school_year (today_ymd);
  char ymd8[9];
  enum xj_err e;

  xj_student_init (s);
  xj_strlcpy (s->grade, first_grade (school->stage), sizeof s->grade);
  if (XJ_E_OK != xj_valid_age_grade_band (s->grade, &b))
    b.normal_lo = 6;
  xj_snprintf (s->birth_date, sizeof s->birth_date, "%04d-03-15",
               sy - b.normal_lo);
  xj_snprintf (ymd8, sizeof ymd8, "%04d0315", sy - b.normal_lo);
  xj_strlcpy (s->name, "李明", sizeof s->name);
  xj_strlcpy (s->ethnicity, "01", sizeof s->ethnicity);
  xj_strlcpy (s->health, "10", sizeof s->health);
  s->hukou_type = 1;
  xj_snprintf (s->enrol_ym, sizeof s->enrol_ym, "%04d09", sy);
  xj_strlcpy (s->enrol_mode, "11", sizeof s->enrol_mode);
  s->study_mode = 1;
  xj_strlcpy (s->hukou_region, school->county_code, sizeof s->hukou_region);
  xj_strlcpy (s->guardians[0].name, "李建国", sizeof s->guardians[0].name);
  xj_strlcpy (s->guardians[0].relation, "1",
              sizeof s->guardians[0].relation);
  e = example_id (db, school->county_code, ymd8, s);
  /* the guardian's phone follows the ID's sequence digits: two downloads'
     examples are two people for the duplicate check (name, birth date and
     a guardian's phone) as well as by ID */
  if (XJ_E_OK == e && strlen (s->id_no) >= 17)
    xj_snprintf (s->guardians[0].phone, sizeof s->guardians[0].phone,
                 "13800%.3s000", s->id_no + 14);
  return e;
}

/* Sheet 1: the header row and, when @ex is given, the example row. */
static void
write_columns (lxw_workbook *wb, const struct xj_student *ex,
               const char *school_code)
{
  lxw_worksheet *ws = workbook_add_worksheet (wb, "学生基本信息");
  lxw_format *head = workbook_add_format (wb);
  lxw_format *text = workbook_add_format (wb);
  char cell[XJ_IMPORT_CELL_MAX];

  format_set_bold (head);
  format_set_num_format (text, "@");
  for (size_t i = 0; i < xj_import_ncolumns (); i++)
    {
      const struct xj_import_column *c = &xj_import_columns[i];

      worksheet_set_column (ws, (lxw_col_t) i, (lxw_col_t) i, 14, text);
      worksheet_write_string (ws, 0, (lxw_col_t) i, c->header, head);
      if (ex && XJ_IC_REGISTRY_NO != c->kind)
        worksheet_write_string (ws, 1, (lxw_col_t) i,
                                xj_import_cell (c, ex, school_code, "",
                                                XJ_PII_ALL, cell, sizeof cell),
                                NULL);
    }
  worksheet_freeze_panes (ws, 1, 0);
}

/* Sheet name for code set @set first used by column @header: the header
   without 成员N and characters a sheet name may not hold. */
static void
sheet_name (const char *set, const char *header, char *out, size_t outsz)
{
  size_t o = 0;

  if (0 == strcmp (set, "flag"))
    header = "是否";
  if (0 == strncmp (header, "成员", 6) && header[6] >= '1' && header[6] <= '9')
    header += 7;
  for (const char *p = header; *p && o + 1 < outsz; p++)
    if (NULL == strchr ("[]:*?/\\", *p))
      out[o++] = *p;
  out[o] = '\0';
}

/* One sheet per code set the columns use, in column order. */
static void
write_code_sheets (lxw_workbook *wb)
{
  const char *done[64];
  size_t ndone = 0;
  lxw_format *head = workbook_add_format (wb);
  lxw_format *text = workbook_add_format (wb);

  format_set_bold (head);
  format_set_num_format (text, "@");
  for (size_t i = 0; i < xj_import_ncolumns (); i++)
    {
      const struct xj_import_column *c = &xj_import_columns[i];
      const struct xj_field *f = c->key ? xj_student_field (c->key) : NULL;
      const struct xj_codeset *cs;
      lxw_worksheet *ws;
      char name[96];
      bool seen = false;
      lxw_row_t r = 1;

      if (NULL == f || NULL == f->codeset
          || NULL == (cs = xj_codeset (f->codeset)))
        continue;
      for (size_t k = 0; k < ndone; k++)
        seen = seen || 0 == strcmp (done[k], f->codeset);
      if (seen || ndone == sizeof done / sizeof done[0])
        continue;
      done[ndone++] = f->codeset;
      sheet_name (f->codeset, c->header, name, sizeof name);
      ws = workbook_add_worksheet (wb, name);
      if (NULL == ws)
        continue; /* a name libxlsxwriter refuses: leave the set out */
      worksheet_set_column (ws, 0, 0, 10, text);
      worksheet_set_column (ws, 1, 1, 36, NULL);
      worksheet_write_string (ws, 0, 0, "代码", head);
      worksheet_write_string (ws, 0, 1, "名称", head);
      for (const struct xj_code *k = cs->codes; k->code; k++, r++)
        {
          worksheet_write_string (ws, r, 0, k->code, NULL);
          worksheet_write_string (ws, r, 1, k->zh, NULL);
        }
    }
}

enum xj_err
xj_import_template (struct xj_db *db, const struct xj_school *school,
                    int today_ymd, const char *path)
{
  struct xj_student *ex = NULL;
  lxw_workbook *wb;
  lxw_error le;
  enum xj_err e = XJ_E_OK;

  if (school)
    {
      ex = xj_malloc (sizeof *ex);
      e = example_student (db, school, today_ymd, ex);
      if (XJ_E_OK != e)
        goto out;
    }
  wb = workbook_new (path);
  if (NULL == wb)
    {
      e = XJ_E_EXPORT_WRITE;
      goto out;
    }
  write_columns (wb, ex, school ? school->code : "");
  write_code_sheets (wb);
  le = workbook_close (wb);
  if (LXW_NO_ERROR != le)
    {
      XJ_ERROR ("import template: %s", lxw_strerror (le));
      e = XJ_E_EXPORT_WRITE;
    }
out:
  free (ex);
  return e;
}
