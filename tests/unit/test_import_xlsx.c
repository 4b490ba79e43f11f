/* test_import_xlsx.c -- the XLSX reader (src/import/table_xlsx.c): good
 * workbooks written at test time by libxlsxwriter into /tmp (shared
 * strings, inline strings in constant_memory mode, numbers, gaps, a sheet
 * chosen by name, 65,000 rows), and the hostile packages of tests/data/
 * (tests/data/make-fixtures.py): zip bombs, a lying size header, malformed
 * XML, billion laughs, an out-of-range shared-string index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/util.h"
#include "import/table.h"

#define DATA "tests/data/"

static char tmpdir[64];

static int
setup (void **state)
{
  (void) state;
  xj_strlcpy (tmpdir, "/tmp/xj-xlsx-XXXXXX", sizeof tmpdir);
  return NULL == mkdtemp (tmpdir) ? -1 : 0;
}

static int
teardown (void **state)
{
  char cmd[128];

  (void) state;
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system (cmd) == 0 ? 0 : -1;
}

static const char *
tmp_path (const char *name)
{
  static char p[128];

  snprintf (p, sizeof p, "%s/%s", tmpdir, name);
  return p;
}

static void
expect_row (struct xj_table *t, uint64_t rowno, size_t n, ...)
{
  struct xj_row r;
  va_list ap;
  size_t i;

  assert_int_equal (1, xj_table_next (t, &r));
  assert_int_equal (rowno, r.rowno);
  assert_int_equal (n, r.ncols);
  va_start (ap, n);
  for (i = 0; i < n; i++)
    {
      const char *want = va_arg (ap, const char *);
      assert_string_equal (want, r.cells[i]);
      assert_int_equal (strlen (want), r.lens[i]);
    }
  va_end (ap);
}

static void
expect_end (struct xj_table *t)
{
  struct xj_row r;

  assert_int_equal (0, xj_table_next (t, &r));
}

/* Two sheets; @constant: libxlsxwriter's streaming mode (inline strings). */
static const char *
write_book (const char *name, bool constant)
{
  const char *path = tmp_path (name);
  lxw_workbook_options opt = { .constant_memory = constant ? LXW_TRUE
                                                           : LXW_FALSE,
                               .tmpdir = tmpdir };
  lxw_workbook *wb = workbook_new_opt (path, &opt);
  lxw_worksheet *s1 = workbook_add_worksheet (wb, "学生");
  lxw_worksheet *s2 = workbook_add_worksheet (wb, "第二页");

  worksheet_write_string (s1, 0, 0, "姓名", NULL);
  worksheet_write_string (s1, 0, 1, "学号", NULL);
  worksheet_write_string (s1, 0, 3, "备注", NULL);       /* C1 left empty */
  worksheet_write_string (s1, 1, 0, "𠮷野家", NULL);
  worksheet_write_number (s1, 1, 1, 20150101, NULL);
  worksheet_write_number (s1, 1, 2, 441823201501011234.0, NULL);
  worksheet_write_string (s1, 1, 3, "a, \"b\"\nc", NULL);
  /* rows 3 and 4 missing, row 5 only formatting */
  worksheet_write_blank (s1, 4, 0, workbook_add_format (wb));
  worksheet_write_number (s1, 5, 1, 3.5, NULL);
  worksheet_write_boolean (s1, 5, 2, 1, NULL);
  worksheet_write_string (s2, 0, 0, "second", NULL);
  worksheet_write_string (s2, 2, 2, "C3", NULL);
  assert_int_equal (LXW_NO_ERROR, workbook_close (wb));
  return path;
}

static struct xj_table *
open_ok (const char *path, const char *sheet)
{
  struct xj_table *t = NULL;
  char msg[256];
  enum xj_err e = xj_table_open (path, sheet, &t, msg, sizeof msg);

  if (XJ_E_OK != e)
    fail_msg ("%s: %s", path, msg);
  assert_int_equal (XJ_TABLE_XLSX, xj_table_format (t));
  assert_string_equal ("xlsx", xj_table_encoding (t));
  return t;
}

static void
check_first_sheet (struct xj_table *t)
{
  expect_row (t, 1, 4, "姓名", "学号", "", "备注");
  expect_row (t, 2, 4, "𠮷野家", "20150101", "4.418232015010113E+17",
              "a, \"b\"\nc");
  expect_row (t, 6, 3, "", "3.5", "1");
  expect_end (t);
}

static void
shared_strings (void **state)
{
  struct xj_table *t = open_ok (write_book ("sst.xlsx", false), NULL);
  uint64_t done, total;

  (void) state;
  check_first_sheet (t);
  xj_table_progress (t, &done, &total);
  assert_true (total > 0);
  assert_int_equal (total, done);
  xj_table_close (t);
}

static void
inline_strings (void **state)
{
  struct xj_table *t = open_ok (write_book ("inline.xlsx", true), NULL);

  (void) state;
  check_first_sheet (t);
  xj_table_close (t);
}

static void
sheet_by_name (void **state)
{
  const char *p = write_book ("named.xlsx", false);
  struct xj_table *t = open_ok (p, "第二页");
  char msg[256];

  (void) state;
  expect_row (t, 1, 1, "second");
  expect_row (t, 3, 3, "", "", "C3");
  expect_end (t);
  xj_table_close (t);
  assert_int_equal (XJ_E_IMPORT_NO_SHEET,
                    xj_table_open (p, "没有", &t, msg, sizeof msg));
  assert_null (t);
  assert_non_null (strstr (msg, "学生、第二页"));
}

static void
from_memory (void **state)
{
  const char *p = write_book ("mem.xlsx", false);
  FILE *f = fopen (p, "rb");
  char buf[16384], msg[256];
  size_t n = fread (buf, 1, sizeof buf, f);
  struct xj_table *t;

  (void) state;
  fclose (f);
  assert_true (n < sizeof buf);
  assert_int_equal (XJ_E_OK,
                    xj_table_open_mem (buf, n, NULL, &t, msg, sizeof msg));
  check_first_sheet (t);
  xj_table_close (t);
}

static void
hand_made_minimal (void **state)
{
  struct xj_table *t = open_ok (DATA "xlsx_minimal.xlsx", NULL);

  (void) state;
  /* rich text runs joined, phonetics left out, _x000D_ decoded */
  expect_row (t, 1, 3, "姓名", "", "x");
  expect_row (t, 3, 3, "张三", "4.41823201501011E+17", "a\rb");
  expect_end (t);
  xj_table_close (t);
}

static void
big_sheet (void **state)
{
  const char *path = tmp_path ("big.xlsx");
  lxw_workbook_options opt = { .constant_memory = LXW_TRUE,
                               .tmpdir = tmpdir };
  lxw_workbook *wb = workbook_new_opt (path, &opt);
  lxw_worksheet *ws = workbook_add_worksheet (wb, NULL);
  struct xj_table *t;
  struct xj_row r;
  char id[32];
  uint32_t i, n = 0;
  int64_t t0;

  (void) state;
  for (i = 0; i < 65000; i++)
    {
      snprintf (id, sizeof id, "G%017u", i);
      worksheet_write_string (ws, i, 0, "王小明", NULL);
      worksheet_write_string (ws, i, 1, id, NULL);
      worksheet_write_number (ws, i, 2, i, NULL);
    }
  assert_int_equal (LXW_NO_ERROR, workbook_close (wb));
  t0 = xj_mono_ms ();
  t = open_ok (path, NULL);
  while (1 == xj_table_next (t, &r))
    {
      assert_int_equal (++n, r.rowno);
      assert_int_equal (3, r.ncols);
    }
  assert_int_equal (XJ_E_OK, xj_table_error (t, NULL));
  assert_int_equal (65000, n);
  xj_table_close (t);
  /* Generous bound (ASan, busy CI): about 0.2 s unsanitised. */
  assert_true (xj_mono_ms () - t0 < 20000);
}

/* Opening may already fail (bad package) or fail at the first row. */
static const char *
expect_bad (const char *name, enum xj_err want)
{
  static char msg[512];
  struct xj_table *t = NULL;
  struct xj_row r;
  const char *m;
  enum xj_err e;
  int rc;

  e = xj_table_open (name, NULL, &t, msg, sizeof msg);
  if (XJ_E_OK == e)
    {
      while (1 == (rc = xj_table_next (t, &r)))
        ;
      assert_int_equal (-1, rc);
      e = xj_table_error (t, &m);
      xj_strlcpy (msg, m, sizeof msg);
      xj_table_close (t);
    }
  else
    assert_null (t);
  if (want != e)
    fail_msg ("%s: got %s: %s", name, xj_err_code (e), msg);
  return msg;
}

static void
zip_bomb_rejected_fast (void **state)
{
  int64_t t0 = xj_mono_ms ();

  (void) state;
  expect_bad (DATA "xlsx_bomb.xlsx", XJ_E_IMPORT_ZIP_BOMB);
  assert_true (xj_mono_ms () - t0 < 1000);
  expect_bad (DATA "xlsx_lying_size.xlsx", XJ_E_IMPORT_ZIP_BOMB);
}

static void
malformed_xml_names_line (void **state)
{
  const char *m = expect_bad (DATA "xlsx_malformed.xlsx", XJ_E_IMPORT_XML);

  (void) state;
  assert_non_null (strstr (m, "第2行"));
  assert_non_null (strstr (m, "sheet1.xml第1行"));
}

static void
billion_laughs (void **state)
{
  (void) state;
  expect_bad (DATA "xlsx_laughs.xlsx", XJ_E_IMPORT_XML_DTD);
  expect_bad (DATA "xlsx_laughs_sst.xlsx", XJ_E_IMPORT_XML_DTD);
}

static void
sst_index_out_of_range (void **state)
{
  const char *m = expect_bad (DATA "xlsx_sst_oob.xlsx",
                              XJ_E_IMPORT_SHARED_STRING);

  (void) state;
  assert_non_null (strstr (m, "第2行第2列（B列）"));
}

static void
add_entry (zip_t *z, const char *name, const char *data, size_t len)
{
  zip_source_t *src = zip_source_buffer (z, data, len, 0);
  zip_int64_t i = zip_file_add (z, name, src, ZIP_FL_OVERWRITE);

  assert_true (i >= 0);
  assert_int_equal (0, zip_set_file_compression (z, (zip_uint64_t) i,
                                                 ZIP_CM_STORE, 0));
}

/* A 20 MiB attribute, stored uncompressed (no ratio to catch): expat must
   not buffer it whole. */
static void
endless_attribute (void **state)
{
  static const char wb[] =
    "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/"
    "2006/relationships\"><sheets><sheet name=\"S\" r:id=\"rId1\"/>"
    "</sheets></workbook>";
  static const char rels[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/></Relationships>";
  size_t n = 20u << 20;
  char *sheet = malloc (n + 64);
  const char *path = tmp_path ("attr.xlsx");
  const char *m;
  zip_t *z;
  int err;

  (void) state;
  memcpy (sheet, "<worksheet><sheetData><row r=\"", 30);
  memset (sheet + 30, '1', n);
  memcpy (sheet + 30 + n, "\"/></sheetData></worksheet>", 27);
  z = zip_open (path, ZIP_CREATE | ZIP_TRUNCATE, &err);
  assert_non_null (z);
  add_entry (z, "xl/workbook.xml", wb, strlen (wb));
  add_entry (z, "xl/_rels/workbook.xml.rels", rels, strlen (rels));
  add_entry (z, "xl/worksheets/sheet1.xml", sheet, n + 57);
  assert_int_equal (0, zip_close (z));
  free (sheet);
  m = expect_bad (path, XJ_E_IMPORT_XML);
  if (NULL == strstr (m, "单个XML标记"))
    fail_msg ("%s", m);
}

static void
not_a_workbook (void **state)
{
  struct xj_table *t;
  char msg[256];

  (void) state;
  /* a zip without xl/workbook.xml: reuse a CSV fixture's absence */
  assert_int_equal (XJ_E_IMPORT_ZIP,
                    xj_table_open_mem ("PK\3\4garbage", 11, NULL, &t, msg,
                                       sizeof msg));
  assert_null (t);
  assert_int_equal (XJ_E_IMPORT_FORMAT,
                    xj_table_open_mem ("\xD0\xCF\x11\xE0xxxx", 8, NULL, &t,
                                       msg, sizeof msg));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (shared_strings),
    cmocka_unit_test (inline_strings),
    cmocka_unit_test (sheet_by_name),
    cmocka_unit_test (from_memory),
    cmocka_unit_test (hand_made_minimal),
    cmocka_unit_test (big_sheet),
    cmocka_unit_test (zip_bomb_rejected_fast),
    cmocka_unit_test (malformed_xml_names_line),
    cmocka_unit_test (billion_laughs),
    cmocka_unit_test (sst_index_out_of_range),
    cmocka_unit_test (endless_attribute),
    cmocka_unit_test (not_a_workbook),
  };

  return cmocka_run_group_tests (tests, setup, teardown);
}
