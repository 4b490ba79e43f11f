/* test_import_csv.c -- the CSV reader (src/import/table_csv.c): encoding
 * detection (UTF-8 with and without BOM, GB18030 with and without BOM,
 * 4-byte characters), RFC 4180 quoting, line ends, TAB files, blank rows,
 * limits and errors naming the row.  Fixtures: tests/data/csv_*.csv
 * (tests/data/make-fixtures.py); big inputs are generated in memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/util.h"
#include "import/table.h"

#define DATA "tests/data/"

static struct xj_table *
open_ok (const char *name)
{
  struct xj_table *t = NULL;
  char path[256], msg[256];

  snprintf (path, sizeof path, DATA "%s", name);
  assert_int_equal (XJ_E_OK, xj_table_open (path, NULL, &t, msg, sizeof msg));
  assert_non_null (t);
  assert_int_equal (XJ_TABLE_CSV, xj_table_format (t));
  return t;
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
  assert_int_equal (0, xj_table_next (t, &r));
}

/* Runs to the first error and returns its message (static copy). */
static const char *
expect_error (struct xj_table *t, enum xj_err want)
{
  static char copy[512];
  struct xj_row r;
  const char *msg;
  int rc;

  while (1 == (rc = xj_table_next (t, &r)))
    ;
  assert_int_equal (-1, rc);
  assert_int_equal (want, xj_table_error (t, &msg));
  xj_strlcpy (copy, msg, sizeof copy);
  return copy;
}

static void
check_people (struct xj_table *t)
{
  expect_row (t, 1, 4, "姓名", "性别", "身份证号", "出生日期");
  expect_row (t, 2, 4, "张三", "男", "11010519491231002X", "1949-12-31");
  expect_row (t, 3, 4, "李四", "女", "440306201803150027", "2018-03-15");
  expect_end (t);
}

static void
utf8_plain (void **state)
{
  struct xj_table *t = open_ok ("csv_utf8.csv");

  (void) state;
  assert_string_equal ("utf-8", xj_table_encoding (t));
  check_people (t);
  xj_table_close (t);
}

static void
utf8_bom_crlf (void **state)
{
  struct xj_table *t = open_ok ("csv_utf8_bom.csv");

  (void) state;
  assert_string_equal ("utf-8-bom", xj_table_encoding (t));
  check_people (t);
  xj_table_close (t);
}

static void
gb18030_no_bom (void **state)
{
  struct xj_table *t = open_ok ("csv_gb18030.csv");

  (void) state;
  assert_string_equal ("gb18030", xj_table_encoding (t));
  check_people (t);
  xj_table_close (t);
}

static void
gb18030_bom (void **state)
{
  struct xj_table *t = open_ok ("csv_gb18030_bom.csv");

  (void) state;
  assert_string_equal ("gb18030", xj_table_encoding (t));
  check_people (t);
  xj_table_close (t);
}

static void
rare_char_both_encodings (void **state)
{
  static const char *files[] = { "csv_rare_utf8.csv", "csv_rare_gb18030.csv" };
  size_t i;

  (void) state;
  for (i = 0; i < 2; i++)
    {
      struct xj_table *t = open_ok (files[i]);
      struct xj_row r;

      assert_int_equal (1, xj_table_next (t, &r));
      expect_row (t, 2, 4, "𠮷野家", "男", "110105194912310029", "1949-12-31");
      assert_int_equal (4 + 3 + 3, strlen ("𠮷野家"));
      expect_end (t);
      xj_table_close (t);
    }
}

static void
quoting (void **state)
{
  struct xj_table *t = open_ok ("csv_quoted.csv");

  (void) state;
  expect_row (t, 1, 2, "name", "note");
  expect_row (t, 2, 2, "Wang, Wu", "He said \"hi\"");
  expect_row (t, 3, 2, "multi\nline", "x");
  expect_row (t, 4, 2, "plain", "a\r\nb");
  expect_row (t, 5, 1, "");            /* blank line inside: kept */
  expect_row (t, 6, 2, "last", "");
  expect_end (t);                       /* trailing blank lines: skipped */
  xj_table_close (t);
}

static void
cr_line_ends (void **state)
{
  struct xj_table *t = open_ok ("csv_cr.csv");

  (void) state;
  expect_row (t, 1, 2, "a", "b");
  expect_row (t, 2, 2, "1", "2");
  expect_row (t, 3, 2, "3", "4");
  expect_end (t);
  xj_table_close (t);
}

static void
tab_delimited (void **state)
{
  struct xj_table *t = open_ok ("csv_tab.csv");

  (void) state;
  expect_row (t, 1, 2, "姓名", "学号");
  expect_row (t, 2, 2, "王五", "001");
  expect_end (t);
  xj_table_close (t);
}

static void
empty_and_header_only (void **state)
{
  struct xj_table *t = open_ok ("csv_empty.csv");
  uint64_t done, total;

  (void) state;
  expect_end (t);
  xj_table_close (t);
  t = open_ok ("csv_header_only.csv");
  expect_row (t, 1, 4, "姓名", "性别", "身份证号", "出生日期");
  expect_end (t);
  xj_table_progress (t, &done, &total);
  assert_int_equal (total, done);
  assert_true (total > 0);
  xj_table_close (t);
}

static void
unclosed_quote_names_start (void **state)
{
  struct xj_table *t = open_ok ("csv_unclosed.csv");
  const char *m;

  (void) state;
  m = expect_error (t, XJ_E_IMPORT_QUOTE);
  assert_non_null (strstr (m, "第3行"));
  xj_table_close (t);
}

static void
utf16_refused (void **state)
{
  struct xj_table *t = (struct xj_table *) 1;
  char msg[256];

  (void) state;
  assert_int_equal (XJ_E_IMPORT_ENCODING,
                    xj_table_open (DATA "csv_utf16.csv", NULL, &t, msg,
                                   sizeof msg));
  assert_null (t);
  assert_non_null (strstr (msg, "UTF-16"));
}

static void
missing_file (void **state)
{
  struct xj_table *t;
  char msg[256];

  (void) state;
  assert_int_equal (XJ_E_IMPORT_IO, xj_table_open (DATA "nope.csv", NULL, &t,
                                                   msg, sizeof msg));
  assert_null (t);
}

/* 100 KB of ASCII (so detection says UTF-8), then a GBK name at row 2001. */
static void
late_invalid_utf8_names_row (void **state)
{
  struct xj_buf b;
  struct xj_table *t;
  const char *m;
  char msg[256];
  int i;

  (void) state;
  xj_buf_init (&b, 0);
  for (i = 1; i <= 2000; i++)
    xj_buf_printf (&b, "%06d,abcdefghijklmnopqrstuvwxyz0123456789abcdef\n", i);
  xj_buf_append (&b, "\xd5\xc5\xc8\xfd,x\n", 8);   /* 张三 in GBK */
  assert_true (b.len > 64 * 1024);
  assert_int_equal (XJ_E_OK,
                    xj_table_open_mem (b.data, b.len, NULL, &t, msg,
                                       sizeof msg));
  assert_string_equal ("utf-8", xj_table_encoding (t));
  m = expect_error (t, XJ_E_IMPORT_ENCODING);
  assert_non_null (strstr (m, "第2001行"));
  xj_table_close (t);
  xj_buf_fini (&b);
}

static void
cell_too_long_names_cell (void **state)
{
  size_t n = XJ_TABLE_MAX_CELL + 10;
  char *d = malloc (n + 16);
  struct xj_table *t;
  const char *m;
  char msg[256];

  (void) state;
  memcpy (d, "h1,h2\nok,", 9);
  memset (d + 9, 'x', n);
  memcpy (d + 9 + n, "\n", 1);
  assert_int_equal (XJ_E_OK,
                    xj_table_open_mem (d, 10 + n, NULL, &t, msg, sizeof msg));
  m = expect_error (t, XJ_E_IMPORT_CELL_TOO_LONG);
  assert_non_null (strstr (m, "第2行第2列"));
  assert_non_null (strstr (m, "B列"));
  xj_table_close (t);
  free (d);
}

/* Cells read in runs (table_csv.c's fast path) end exactly at the
   limits: a cell of XJ_TABLE_MAX_CELL bytes (ASCII and CJK, quoted with
   a delimiter and a line break inside) is read; one byte more names the
   cell, even when the byte is inside a character. */
static void
runs_at_cell_limit (void **state)
{
  const size_t max = XJ_TABLE_MAX_CELL;
  struct xj_buf b;
  struct xj_table *t;
  struct xj_row r;
  const char *m;
  char msg[256];
  char *cell = malloc (max + 1);
  size_t i;

  (void) state;
  /* "a,\r\n" then 张 repeated, then x's up to the limit */
  memcpy (cell, "a,\r\n", 4);
  for (i = 4; i + 3 <= max - 100; i += 3)
    memcpy (cell + i, "张", 3);
  memset (cell + i, 'x', max - i);
  cell[max] = '\0';
  xj_buf_init (&b, 0);
  xj_buf_printf (&b, "h1,h2\nok,\"%s\"\n%s,z\n", cell, cell + 4);
  assert_int_equal (XJ_E_OK,
                    xj_table_open_mem (b.data, b.len, NULL, &t, msg,
                                       sizeof msg));
  expect_row (t, 1, 2, "h1", "h2");
  assert_int_equal (1, xj_table_next (t, &r));
  assert_int_equal (max, r.lens[1]);
  assert_string_equal (cell, r.cells[1]);
  assert_int_equal (1, xj_table_next (t, &r));
  assert_int_equal (max - 4, r.lens[0]);
  assert_string_equal ("z", r.cells[1]);
  expect_end (t);
  xj_table_close (t);
  /* one byte more, the last 张 of the cell crossing the limit */
  xj_buf_fini (&b);
  xj_buf_init (&b, 0);
  xj_buf_printf (&b, "h1,h2\nok,%sxx张\n", cell + 4);
  assert_int_equal (XJ_E_OK,
                    xj_table_open_mem (b.data, b.len, NULL, &t, msg,
                                       sizeof msg));
  m = expect_error (t, XJ_E_IMPORT_CELL_TOO_LONG);
  assert_non_null (strstr (m, "第2行第2列（B列）"));
  xj_table_close (t);
  xj_buf_fini (&b);
  free (cell);
}

/* The row limit: sixteen full cells are a full row; a seventeenth cell
   is named, quoted or not. */
static void
runs_at_row_limit (void **state)
{
  const size_t max = XJ_TABLE_MAX_CELL;
  struct xj_buf b;
  struct xj_table *t;
  struct xj_row r;
  const char *m;
  char msg[256];
  char *cell = malloc (max + 1);
  int i, q;

  (void) state;
  assert_int_equal (XJ_TABLE_MAX_ROW, 16 * max);
  memset (cell, 'y', max);
  cell[max] = '\0';
  for (q = 0; q < 2; q++)
    {
      xj_buf_init (&b, 0);
      for (i = 0; i < 16; i++)
        xj_buf_printf (&b, "%s%s", i ? "," : "", cell);
      xj_buf_append (&b, "\n", 1);
      for (i = 0; i < 16; i++)
        xj_buf_printf (&b, "%s%s", i ? "," : "", cell);
      xj_buf_append (&b, q ? ",\"q\"\n" : ",q\n", q ? 5 : 3);
      assert_int_equal (XJ_E_OK,
                        xj_table_open_mem (b.data, b.len, NULL, &t, msg,
                                           sizeof msg));
      assert_int_equal (1, xj_table_next (t, &r));
      assert_int_equal (16, r.ncols);
      m = expect_error (t, XJ_E_IMPORT_ROW_TOO_LONG);
      assert_non_null (strstr (m, "第2行"));
      assert_non_null (strstr (m, "在第17列（Q列）"));
      xj_table_close (t);
      xj_buf_fini (&b);
    }
  free (cell);
}

/* Bad UTF-8 inside a run of text, after 64 KiB of valid text (so the
   file is taken as UTF-8): the record and the file's line are named as
   before.  A surrogate (ED A0 80) and an overlong form (E0 80 80) are
   bad too; a character across the reader's 64 KiB buffers is not. */
static void
bad_utf8_inside_runs (void **state)
{
  static const char *const bad[] = { "\xff", "\xed\xa0\x80",
                                     "\xe0\x80\x80", "\xe5\xbc,",
                                     "\xf4\x90\x80\x80" };
  struct xj_buf b;
  struct xj_table *t;
  struct xj_row r;
  const char *m;
  char msg[256];
  size_t k;
  int i;

  (void) state;
  for (k = 0; k < sizeof bad / sizeof bad[0]; k++)
    {
      xj_buf_init (&b, 0);
      xj_buf_append (&b, "a,\"x\ny\"\n", 8);   /* record 1: lines 1-2 */
      /* 张 at every offset mod 3 across the 64 KiB boundary */
      for (i = 0; i < 4000; i++)
        xj_buf_printf (&b, "%d,张abc张三%.*s\n", i, i % 3, "zz");
      xj_buf_printf (&b, "bad,abc张%sdef\n", bad[k]);
      assert_true (b.len > 64 * 1024);
      assert_int_equal (XJ_E_OK,
                        xj_table_open_mem (b.data, b.len, NULL, &t, msg,
                                           sizeof msg));
      assert_string_equal ("utf-8", xj_table_encoding (t));
      assert_int_equal (1, xj_table_next (t, &r));
      assert_string_equal ("x\ny", r.cells[1]);
      for (i = 0; i < 4000; i++)
        {
          char want[32];

          snprintf (want, sizeof want, "张abc张三%.*s", i % 3, "zz");
          assert_int_equal (1, xj_table_next (t, &r));
          assert_string_equal (want, r.cells[1]);
        }
      m = expect_error (t, XJ_E_IMPORT_ENCODING);
      assert_non_null (strstr (m, "第4002行（文件第4003行）"));
      xj_table_close (t);
      xj_buf_fini (&b);
    }
}

static void
too_many_columns (void **state)
{
  struct xj_buf b;
  struct xj_table *t;
  struct xj_row r;
  char msg[256];
  int i;

  (void) state;
  /* Empty cells past the limit are dropped (wide exports)... */
  xj_buf_init (&b, 0);
  xj_buf_append (&b, "a", 1);
  for (i = 0; i < 1000; i++)
    xj_buf_append (&b, ",", 1);
  xj_buf_append (&b, "\n", 1);
  assert_int_equal (XJ_E_OK,
                    xj_table_open_mem (b.data, b.len, NULL, &t, msg,
                                       sizeof msg));
  assert_int_equal (1, xj_table_next (t, &r));
  assert_int_equal (XJ_TABLE_MAX_COLS, r.ncols);
  xj_table_close (t);
  /* ...a value there is an error. */
  xj_buf_append (&b, "x", 1);
  for (i = 0; i < 600; i++)
    xj_buf_append (&b, ",y", 2);
  assert_int_equal (XJ_E_OK,
                    xj_table_open_mem (b.data, b.len, NULL, &t, msg,
                                       sizeof msg));
  assert_int_equal (1, xj_table_next (t, &r));
  assert_int_equal (-1, xj_table_next (t, &r));
  assert_int_equal (XJ_E_IMPORT_TOO_MANY_COLS, xj_table_error (t, NULL));
  xj_table_close (t);
  xj_buf_fini (&b);
}

static void
nul_and_bad_gb (void **state)
{
  struct xj_table *t;
  char msg[256];
  const char *m;

  (void) state;
  assert_int_equal (XJ_E_OK, xj_table_open_mem ("a,b\nc\0d\n", 8, NULL, &t,
                                                msg, sizeof msg));
  m = expect_error (t, XJ_E_IMPORT_ENCODING);
  assert_non_null (strstr (m, "第2行"));
  xj_table_close (t);
  /* \x81 cut off at the end: not UTF-8, not complete GB18030. */
  assert_int_equal (XJ_E_OK, xj_table_open_mem ("a\n\xd5\xc5\n\x81", 6, NULL,
                                                &t, msg, sizeof msg));
  assert_string_equal ("gb18030", xj_table_encoding (t));
  expect_row (t, 1, 1, "a");
  expect_row (t, 2, 1, "张");
  m = expect_error (t, XJ_E_IMPORT_ENCODING);
  assert_non_null (strstr (m, "第3行"));
  xj_table_close (t);
}

/* GB18030 across buffer boundaries: 40,000 rows of 张三 (160 KB+). */
static void
gb18030_long (void **state)
{
  struct xj_buf b;
  struct xj_table *t;
  struct xj_row r;
  char msg[256];
  uint64_t n = 0, done, total;
  int i;

  (void) state;
  xj_buf_init (&b, 0);
  for (i = 0; i < 40000; i++)
    xj_buf_append (&b, "\xd5\xc5\xc8\xfd,\"1\r\n2\"\r\n", 13);
  assert_int_equal (XJ_E_OK,
                    xj_table_open_mem (b.data, b.len, NULL, &t, msg,
                                       sizeof msg));
  assert_string_equal ("gb18030", xj_table_encoding (t));
  while (1 == xj_table_next (t, &r))
    {
      n++;
      assert_int_equal (n, r.rowno);
      assert_string_equal ("张三", r.cells[0]);
      assert_string_equal ("1\r\n2", r.cells[1]);
    }
  assert_int_equal (40000, n);
  assert_int_equal (XJ_E_OK, xj_table_error (t, NULL));
  xj_table_progress (t, &done, &total);
  assert_int_equal (b.len, total);
  assert_int_equal (total, done);
  xj_table_close (t);
  xj_buf_fini (&b);
}

static void
text_to_utf8 (void **state)
{
  char *out;
  size_t len;
  const char *enc;
  char msg[128];

  (void) state;
  assert_int_equal (XJ_E_OK, xj_table_text_to_utf8 ("\xd5\xc5\xc8\xfd", 4, 100,
                                                    &out, &len, &enc, msg,
                                                    sizeof msg));
  assert_string_equal ("张三", out);
  assert_string_equal ("gb18030", enc);
  free (out);
  assert_int_equal (XJ_E_OK, xj_table_text_to_utf8 ("\xef\xbb\xbfok", 5, 100,
                                                    &out, &len, &enc, msg,
                                                    sizeof msg));
  assert_string_equal ("ok", out);
  assert_int_equal (2, len);
  free (out);
  assert_int_equal (XJ_E_IMPORT_CELL_TOO_LONG,
                    xj_table_text_to_utf8 ("abcdef", 6, 3, &out, &len, &enc,
                                           msg, sizeof msg));
  assert_null (out);
  assert_int_equal (XJ_E_IMPORT_ENCODING,
                    xj_table_text_to_utf8 ("\xef\xbb\xbf\xff", 4, 100, &out,
                                           &len, &enc, msg, sizeof msg));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (utf8_plain),
    cmocka_unit_test (utf8_bom_crlf),
    cmocka_unit_test (gb18030_no_bom),
    cmocka_unit_test (gb18030_bom),
    cmocka_unit_test (rare_char_both_encodings),
    cmocka_unit_test (quoting),
    cmocka_unit_test (cr_line_ends),
    cmocka_unit_test (tab_delimited),
    cmocka_unit_test (empty_and_header_only),
    cmocka_unit_test (unclosed_quote_names_start),
    cmocka_unit_test (utf16_refused),
    cmocka_unit_test (missing_file),
    cmocka_unit_test (late_invalid_utf8_names_row),
    cmocka_unit_test (cell_too_long_names_cell),
    cmocka_unit_test (runs_at_cell_limit),
    cmocka_unit_test (runs_at_row_limit),
    cmocka_unit_test (bad_utf8_inside_runs),
    cmocka_unit_test (too_many_columns),
    cmocka_unit_test (nul_and_bad_gb),
    cmocka_unit_test (gb18030_long),
    cmocka_unit_test (text_to_utf8),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
