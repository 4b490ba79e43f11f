/* test_export.c -- student exports (src/export) and the import column list
 * (src/student/student_columns.c): the column table matches the field
 * table; CSV and XLSX of a small generated database have the import
 * header and one row per student, masked unless revealed (and only a
 * revealed export is audited); GB18030 round-trips through iconv; the
 * XLSX is a valid zip holding sheet1; scope and filters narrow the rows;
 * gen --out files have the same header; and a 100,000-row export keeps
 * the peak RSS bounded (also under ASan, with a small quarantine).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include "audit/audit.h"
#include "core/util.h"
#include "export/export.h"
#include "gen/gen.h"
#include "region/region.h"
#include "student/student.h"
#include "student/student_columns.h"
#include "testutil.h"

/* ASan keeps freed memory in a quarantine (256 MB by default), which
   would hide whether the export itself is bounded. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "quarantine_size_mb=8:malloc_context_size=5";
}

/* 2026-10-15 12:00 +08:00: school year 2026 */
#define FAKE_NOW 1792036800
#define NSTUDENTS 300

struct fx {
  char dir[64];
  char path[96];
  struct xj_db *db;
};

static void
db_gen (struct fx *f, unsigned schools, unsigned long students)
{
  struct xj_gen_opts o = { .county = "441823", .schools = schools,
                           .students = students, .seed = 9 };

  xj_snprintf (f->path, sizeof f->path, "%s/x.db", f->dir);
  assert_int_equal (xj_db_open (f->path, XJ_DB_OPEN_CREATE, &f->db), XJ_E_OK);
  assert_int_equal (xj_region_load_builtin (f->db), XJ_E_OK);
  assert_int_equal (xj_gen_run (f->db, &o, NULL), XJ_E_OK);
}

static void
db_new (struct fx *f, unsigned long students)
{
  xj_strlcpy (f->dir, "/tmp/xj-export-XXXXXX", sizeof f->dir);
  assert_non_null (mkdtemp (f->dir));
  db_gen (f, 3, students);
}

static void
db_rm (struct fx *f)
{
  char cmd[128];

  xj_db_close (f->db);
  xj_snprintf (cmd, sizeof cmd, "rm -rf '%s'", f->dir);
  assert_int_equal (system (cmd), 0);
}

static int
setup (void **state)
{
  struct fx *f = xj_calloc (1, sizeof *f);

  xj_clock_set (FAKE_NOW);
  db_new (f, NSTUDENTS);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fx *f = *state;

  db_rm (f);
  free (f);
  xj_clock_set (0);
  return 0;
}


static void
export_to (struct fx *f, const char *name, enum xj_export_format fmt,
           enum xj_export_encoding enc, bool reveal, int64_t school,
           char *path, size_t pathsz, int64_t *rows)
{
  static const struct xj_actor a = { 0, "test", "cli" };
  struct xj_export_opts o = { .format = fmt, .encoding = enc,
                              .show = reveal ? XJ_PII_ALL : 0, .actor = &a,
                              .tmpdir = f->dir };

  o.filter.school_id = school;
  xj_snprintf (path, pathsz, "%s/%s", f->dir, name);
  assert_int_equal (xj_export_students (f->db, &o, path, rows), XJ_E_OK);
}

static size_t
count_lines (const char *s)
{
  size_t n = 0;

  for (; *s; s++)
    n += '\n' == *s;
  return n;
}

/* The header line the import expects, CRLF-terminated. */
static char *
header_line (void)
{
  struct xj_buf b;

  xj_buf_init (&b, 0);
  for (size_t i = 0; xj_import_columns[i].header; i++)
    xj_buf_printf (&b, "%s%s", i ? "," : "", xj_import_columns[i].header);
  xj_buf_append (&b, "\r\n", 2);
  return xj_buf_steal (&b);
}

static void
audit_row (void *cls, const struct xj_audit_row *r)
{
  (void) cls;
  (void) r;
}

static int64_t
audit_count (struct xj_db *db, const char *action)
{
  int64_t total = -1;

  assert_int_equal (xj_audit_list (db, NULL, action, NULL, 1, 0, &total,
                                   &audit_row, NULL), XJ_E_OK);
  return total;
}

static void
test_columns_match_field_table (void **state)
{
  const struct xj_field *f = xj_student_fields;
  size_t nfield = 0;

  (void) state;
  assert_string_equal (xj_import_columns[0].header, "学籍号");
  assert_string_equal (xj_import_columns[1].header, "学校标识码");
  for (size_t i = 0; xj_import_columns[i].header; i++)
    {
      const struct xj_import_column *c = &xj_import_columns[i];

      if (XJ_IC_CLASS_NAME == c->kind)
        assert_string_equal (xj_import_columns[i - 1].key, "grade");
      if (XJ_IC_FIELD != c->kind)
        continue;
      /* every field, in field-table order, under its own zh name */
      assert_non_null (f->key);
      assert_string_equal (c->key, f->key);
      assert_string_equal (c->header, f->zh);
      f++;
      nfield++;
    }
  assert_null (f->key);
  assert_int_equal (xj_import_ncolumns (), nfield + 3);
  assert_int_equal (xj_import_column_index ("班级"),
                    xj_import_column_index ("年级") + 1);
  assert_int_equal (xj_import_column_index ("nope"), -1);
}

static void
test_csv_header_rows_masked (void **state)
{
  struct fx *f = *state;
  char path[160];
  int64_t rows, before = audit_count (f->db, "student.export");
  char *hdr = header_line ();
  char *csv;
  int id_col = xj_import_column_index ("身份证件号");
  char *line2, *p;

  export_to (f, "a.csv", XJ_EXPORT_CSV, XJ_EXPORT_UTF8, false, 0, path,
             sizeof path, &rows);
  assert_int_equal (rows, NSTUDENTS);
  csv = xj_test_slurp (path, NULL);
  assert_memory_equal (csv, "\xEF\xBB\xBF", 3);
  assert_memory_equal (csv + 3, hdr, strlen (hdr));
  assert_int_equal (count_lines (csv), NSTUDENTS + 1);
  /* ID column of the first data row is masked: address code and birth
     date shown, positions 15-18 not (xj_mask) */
  line2 = csv + 3 + strlen (hdr);
  p = line2;
  for (int i = 0; i < id_col; i++)
    p = strchr (p, ',') + 1;
  assert_int_equal ((int) strspn (p, "0123456789"), 14);
  assert_memory_equal (p + 14, "****,", 5);
  /* a masked export is not audited */
  assert_int_equal (audit_count (f->db, "student.export"), before);
  free (csv);
  free (hdr);
}

static void
test_reveal_is_audited (void **state)
{
  struct fx *f = *state;
  char path[160];
  int64_t rows, before = audit_count (f->db, "student.export");
  char *csv;

  export_to (f, "r.csv", XJ_EXPORT_CSV, XJ_EXPORT_UTF8, true, 0, path,
             sizeof path, &rows);
  csv = xj_test_slurp (path, NULL);
  assert_null (strstr (csv, "**"));
  assert_int_equal (audit_count (f->db, "student.export"), before + 1);
  free (csv);
}

static void
test_gb18030_round_trip (void **state)
{
  struct fx *f = *state;
  char pu[160], pg[160];
  int64_t rows;
  size_t nu, ng;
  char *u, *g, *back, *in, *out;
  size_t inleft, outleft;
  iconv_t cd;

  export_to (f, "u.csv", XJ_EXPORT_CSV, XJ_EXPORT_UTF8, true, 0, pu,
             sizeof pu, &rows);
  export_to (f, "g.csv", XJ_EXPORT_CSV, XJ_EXPORT_GB18030, true, 0, pg,
             sizeof pg, &rows);
  u = xj_test_slurp (pu, &nu);
  g = xj_test_slurp (pg, &ng);
  assert_true (ng < nu);  /* 2 bytes per common hanzi instead of 3 */
  assert_int_not_equal (memcmp (g, "\xEF\xBB\xBF", 3), 0);
  back = xj_malloc (2 * ng + 16);
  cd = iconv_open ("UTF-8", "GB18030");
  assert_true ((iconv_t) -1 != cd);
  in = g;
  inleft = ng;
  out = back;
  outleft = 2 * ng + 16;
  assert_int_not_equal (iconv (cd, &in, &inleft, &out, &outleft), (size_t) -1);
  iconv_close (cd);
  assert_int_equal ((size_t) (out - back), nu - 3);
  assert_memory_equal (back, u + 3, nu - 3);
  free (u);
  free (g);
  free (back);
}

static void
test_xlsx_is_zip_with_sheet1 (void **state)
{
  struct fx *f = *state;
  char path[160];
  int64_t rows;
  int err = 0;
  zip_t *z;
  zip_stat_t st;
  zip_file_t *zf;
  char *xml;

  export_to (f, "a.xlsx", XJ_EXPORT_XLSX, XJ_EXPORT_UTF8, false, 0, path,
             sizeof path, &rows);
  assert_int_equal (rows, NSTUDENTS);
  z = zip_open (path, ZIP_RDONLY, &err);
  assert_non_null (z);
  assert_int_equal (zip_stat (z, "xl/worksheets/sheet1.xml", 0, &st), 0);
  assert_true (zip_name_locate (z, "xl/workbook.xml", 0) >= 0);
  xml = xj_malloc (st.size + 1);
  zf = zip_fopen (z, "xl/worksheets/sheet1.xml", 0);
  assert_non_null (zf);
  assert_int_equal (zip_fread (zf, xml, st.size), (zip_int64_t) st.size);
  xml[st.size] = '\0';
  zip_fclose (zf);
  zip_close (z);
  /* header cell text and the last row number (header + students) */
  assert_non_null (strstr (xml, "学校标识码"));
  assert_non_null (strstr (xml, "<row r=\"301\""));
  assert_null (strstr (xml, "<row r=\"302\""));
  assert_non_null (strstr (xml, "****</t>"));
  free (xml);
}

static void
test_gb18030_xlsx_refused (void **state)
{
  struct fx *f = *state;
  struct xj_export_opts o = { .format = XJ_EXPORT_XLSX,
                              .encoding = XJ_EXPORT_GB18030 };
  char path[160];
  int64_t rows;

  xj_snprintf (path, sizeof path, "%s/bad.xlsx", f->dir);
  assert_int_equal (xj_export_students (f->db, &o, path, &rows),
                    XJ_E_EXPORT_FORMAT);
}

static void
test_scope_and_filter_narrow (void **state)
{
  struct fx *f = *state;
  static const struct xj_actor a = { 0, "test", "cli" };
  struct xj_export_opts o = { .format = XJ_EXPORT_CSV, .actor = &a };
  char path[160];
  int64_t rows, all, s1;

  xj_snprintf (path, sizeof path, "%s/s.csv", f->dir);
  assert_int_equal (xj_export_students (f->db, &o, path, &all), XJ_E_OK);
  /* registrar of school 1 */
  o.scope.school_id = 1;
  assert_int_equal (xj_export_students (f->db, &o, path, &s1), XJ_E_OK);
  assert_true (s1 > 0 && s1 < all);
  /* a filter for another school cannot widen the scope */
  o.filter.school_id = 2;
  assert_int_equal (xj_export_students (f->db, &o, path, &rows), XJ_E_OK);
  assert_int_equal (rows, 0);
  /* a bureau of another county sees nothing */
  memset (&o.scope, 0, sizeof o.scope);
  o.filter.school_id = 0;
  xj_strlcpy (o.scope.prefix, "441881", sizeof o.scope.prefix);
  assert_int_equal (xj_export_students (f->db, &o, path, &rows), XJ_E_OK);
  assert_int_equal (rows, 0);
}

static void
test_gen_file_header_and_errors (void **state)
{
  struct fx *f = *state;
  struct xj_gen_file_opts o = { .students = 400, .errors = 0.2, .seed = 3 };
  struct xj_gen_file_result r1, r2;
  char p1[160], p2[160];
  char *a, *b, *hdr = header_line ();

  xj_snprintf (p1, sizeof p1, "%s/g1.csv", f->dir);
  xj_snprintf (p2, sizeof p2, "%s/g2.csv", f->dir);
  o.out = p1;
  assert_int_equal (xj_gen_file (f->db, &o, &r1), XJ_E_OK);
  o.out = p2;
  assert_int_equal (xj_gen_file (f->db, &o, &r2), XJ_E_OK);
  a = xj_test_slurp (p1, NULL);
  b = xj_test_slurp (p2, NULL);
  assert_string_equal (a, b);  /* deterministic */
  assert_memory_equal (a + 3, hdr, strlen (hdr));
  assert_int_equal (r1.rows, 400);
  assert_int_equal (count_lines (a), 401);
  assert_true (r1.bad_rows > 40 && r1.bad_rows < 120);
  assert_int_equal (r1.schools, 3);
  free (a);
  free (b);
  free (hdr);
}

static long
maxrss_kb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* 100,000 rows: the peak RSS of the export must not grow with the row
   count (the rows' cells alone are ~100 MB).  The database is
   generated in a child process so this process's peak is the export's. */
static void
test_100k_bounded (void **state)
{
  struct fx big = { 0 };
  char path[160];
  int64_t rows;
  long before, after_csv, after_xlsx;
  pid_t pid;
  int st = 0;

  (void) state;
  xj_strlcpy (big.dir, "/tmp/xj-export-XXXXXX", sizeof big.dir);
  assert_non_null (mkdtemp (big.dir));
  pid = fork ();
  assert_true (pid >= 0);
  if (0 == pid)
    {
      db_gen (&big, 60, 100000);
      xj_db_close (big.db);
      _exit (0);
    }
  assert_int_equal (waitpid (pid, &st, 0), pid);
  assert_true (WIFEXITED (st) && 0 == WEXITSTATUS (st));
  xj_snprintf (big.path, sizeof big.path, "%s/x.db", big.dir);
  assert_int_equal (xj_db_open (big.path, XJ_DB_OPEN_EXISTING, &big.db),
                    XJ_E_OK);
  before = maxrss_kb ();
  export_to (&big, "big.csv", XJ_EXPORT_CSV, XJ_EXPORT_UTF8, true, 0, path,
             sizeof path, &rows);
  assert_int_equal (rows, 100000);
  after_csv = maxrss_kb ();
  export_to (&big, "big.xlsx", XJ_EXPORT_XLSX, XJ_EXPORT_UTF8, false, 0,
             path, sizeof path, &rows);
  assert_int_equal (rows, 100000);
  after_xlsx = maxrss_kb ();
  print_message ("100k export: peak RSS %ld KB before, +%ld KB after CSV, "
                 "+%ld KB after XLSX\n", before, after_csv - before,
                 after_xlsx - before);
  /* SQLite's page cache is 32 MB by design (db_sqlite.c); the rest is
     one page of rows and the writers' buffers (ASan adds its shadow and
     the 8 MB quarantine); the cells alone would be ~100 MB */
  assert_true (after_csv - before < 64 * 1024);
  assert_true (after_xlsx - before < 64 * 1024);
  db_rm (&big);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_columns_match_field_table),
    cmocka_unit_test (test_csv_header_rows_masked),
    cmocka_unit_test (test_reveal_is_audited),
    cmocka_unit_test (test_gb18030_round_trip),
    cmocka_unit_test (test_xlsx_is_zip_with_sheet1),
    cmocka_unit_test (test_gb18030_xlsx_refused),
    cmocka_unit_test (test_scope_and_filter_narrow),
    cmocka_unit_test (test_gen_file_header_and_errors),
    cmocka_unit_test (test_100k_bounded),
  };

  return cmocka_run_group_tests (tests, setup, teardown);
}
