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
    cmocka_unit_test (too_many_columns),
    cmocka_unit_test (nul_and_bad_gb),
    cmocka_unit_test (gb18030_long),
    cmocka_unit_test (text_to_utf8),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
