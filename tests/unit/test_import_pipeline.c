/* test_import_pipeline.c -- the student import pipeline (src/import):
 * every kind of row error, file-level errors, all-or-nothing vs
 * --valid-only vs --dry-run database states, re-import, bulk mode
 * restoring the indexes exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/util.h"
#include "export/export.h"
#include "student/student_store.h"
#include "gen/gen.h"
#include "idcard/idcard.h"
#include "import/import.h"
#include "region/region.h"
#include "school/school.h"
#include "testutil.h"

#define FAKE_NOW 1789000000 /* 2026-09-10 */

struct fx {
  char path[64];
  char file[64];
  struct xj_db *db;
  char school1[16], school2[16];   /* codes: a primary school, another */
  int64_t school1_id;
  bool school2_junior;    /* school 2 teaches 21 rather than 11 */
};

static struct xj_user admin = { .id = 0, .username = "t",
                                .role = XJ_ROLE_ADMIN };
static struct xj_actor actor = { 0, "t", "test" };

static int
first_school (void *cls, const struct xj_school_row *r)
{
  struct fx *f = cls;

  xj_strlcpy (f->school1, r->s.code, sizeof f->school1);
  f->school1_id = r->s.id;
  return 1;
}

static int
other_school (void *cls, const struct xj_school_row *r)
{
  struct fx *f = cls;

  if (r->s.id == f->school1_id || '\0' != f->school2[0])
    return 0;
  xj_strlcpy (f->school2, r->s.code, sizeof f->school2);
  f->school2_junior = ! xj_school_stage_has_grade (r->s.stage, "11");
  return 0;
}

static int
setup (void **state)
{
  struct fx *f = xj_calloc (1, sizeof *f);
  struct xj_gen_opts o = { .county = "441823", .schools = 3,
                           .students = 30, .seed = 1 };

  xj_clock_set (FAKE_NOW);
  xj_test_tmp_path (f->path, sizeof f->path, "imp");
  xj_snprintf (f->file, sizeof f->file, "%s.csv", f->path);
  assert_int_equal (xj_db_open (f->path, XJ_DB_OPEN_CREATE, &f->db), XJ_E_OK);
  assert_int_equal (xj_region_load_builtin (f->db), XJ_E_OK);
  assert_int_equal (xj_gen_run (f->db, &o, NULL), XJ_E_OK);
  {
    struct xj_school_filter sf = { .stage = "primary", .limit = 1 };
    struct xj_school_filter af = { .limit = 10 };

    assert_int_equal (xj_school_list (f->db, &sf, &first_school, f, NULL),
                      XJ_E_OK);
    assert_true (f->school1_id > 0);
    assert_int_equal (xj_school_list (f->db, &af, &other_school, f, NULL),
                      XJ_E_OK);
    assert_true ('\0' != f->school2[0]);
  }
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fx *f = *state;
  char p[80];

  xj_db_close (f->db);
  unlink (f->path);
  xj_snprintf (p, sizeof p, "%s-wal", f->path);
  unlink (p);
  xj_snprintf (p, sizeof p, "%s-shm", f->path);
  unlink (p);
  unlink (f->file);
  free (f);
  xj_clock_set (0);
  return 0;
}

static long long
count (struct fx *f, const char *q)
{
  sqlite3 *c;
  sqlite3_stmt *st;
  long long n = -1;

  assert_int_equal (sqlite3_open (f->path, &c), SQLITE_OK);
  assert_int_equal (sqlite3_prepare_v2 (c, q, -1, &st, NULL), SQLITE_OK);
  if (SQLITE_ROW == sqlite3_step (st))
    n = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (c);
  return n;
}

static void
schema_text (struct fx *f, char *out, size_t sz)
{
  sqlite3 *c;
  sqlite3_stmt *st;
  size_t n = 0;

  assert_int_equal (sqlite3_open (f->path, &c), SQLITE_OK);
  assert_int_equal (sqlite3_prepare_v2 (c, "SELECT name, sql FROM"
                                        " sqlite_master WHERE type = 'index'"
                                        " ORDER BY name", -1, &st, NULL),
                    SQLITE_OK);
  out[0] = '\0';
  while (SQLITE_ROW == sqlite3_step (st) && n + 1 < sz)
    n += (size_t) snprintf (out + n, sz - n, "%s|%s\n",
                            sqlite3_column_text (st, 0),
                            sqlite3_column_text (st, 1)
                              ? (const char *) sqlite3_column_text (st, 1)
                              : "");
  sqlite3_finalize (st);
  sqlite3_close (c);
}

/* A fresh valid resident ID (region 440106, never generated data's). */
static void
make_id (const char *ymd, int gender, char out[19])
{
  static unsigned seq = 100;
  char body[18];

  do
    seq++;
  while ((int) (seq % 2) != (1 == gender ? 1 : 0));
  snprintf (body, sizeof body, "440106%s%03u", ymd, seq % 1000);
  memcpy (out, body, 17);
  out[17] = xj_idcard_check_char (body);
  out[18] = '\0';
}

#define HEADER "学校标识码,姓名,性别,出生日期,民族,身份证件号,健康状况," \
               "户口性质,年级,班级,入学年月,入学方式,就读方式,成员1姓名," \
               "成员1关系,成员1联系电话\n"

/* One row: a primary-1 pupil born @birth (YYYYMMDD) with ID @id. */
static void
row (FILE *fp, const char *school, const char *name, const char *birth,
     const char *id, const char *grade, const char *klass)
{
  static unsigned phone = 1000;

  fprintf (fp, "%s,%s,男,%s,01-汉族,%s,10,1,%s,%s,202609,11,1,王建国,1,"
           "1390000%04u\n", school, name, birth, id, grade, klass,
           phone++);
}

static enum xj_err
run (struct fx *f, bool valid_only, bool dry_run, bool create_classes,
     const struct xj_user *u, struct xj_import_result *res)
{
  struct xj_import_opts o = { .path = f->file, .user = u ? u : &admin,
                              .actor = &actor, .valid_only = valid_only,
                              .dry_run = dry_run,
                              .create_classes = create_classes };

  return xj_import_run (f->db, &o, res);
}

static bool
has_error (const struct xj_import_result *res, uint64_t rowno,
           enum xj_err code)
{
  struct xj_import_error e;

  for (size_t i = 0; i < xj_import_nkept (res); i++)
    {
      xj_import_error_at (res, i, &e);
      if (e.row == rowno && e.code == code)
        return true;
    }
  return false;
}

static void
test_good_then_reimport (void **state)
{
  struct fx *f = *state;
  struct xj_import_result res;
  char id[3][19];
  long long before = count (f, "select count(*) from students");
  FILE *fp = fopen (f->file, "w");

  fputs (HEADER, fp);
  make_id ("20200315", 1, id[0]);
  make_id ("20200316", 1, id[1]);
  make_id ("20200317", 1, id[2]);
  row (fp, f->school1, "张三", "2020-03-15", id[0], "11", "1");
  row (fp, f->school1, "𠮷田", "20200316", id[1], "一年级", "一年级(1)班");
  row (fp, f->school1, "李四", "2020/3/17", id[2], "11-一年级", "");
  fclose (fp);
  assert_int_equal (run (f, false, false, false, NULL, &res), XJ_E_OK);
  assert_int_equal (res.imported, 3);
  assert_int_equal (res.rejected, 0);
  assert_true (res.written);
  xj_import_result_fini (&res);
  assert_int_equal (count (f, "select count(*) from students"), before + 3);
  assert_int_equal (count (f, "select count(*) from student_events where"
                           " kind = 'import'"), 3);
  assert_int_equal (count (f, "select count(*) from audit_log where action"
                           " = 'import.students'"), 1);
  /* again: harmless */
  assert_int_equal (run (f, false, false, false, NULL, &res), XJ_E_OK);
  assert_int_equal (res.imported, 0);
  assert_int_equal (res.already, 3);
  assert_int_equal (res.rejected, 0);
  xj_import_result_fini (&res);
  assert_int_equal (count (f, "select count(*) from students"), before + 3);
}

/* A row with guardian phone @phone (else as row()). */
static void
row_phone (FILE *fp, const char *school, const char *name, const char *birth,
           const char *id, const char *phone)
{
  fprintf (fp, "%s,%s,男,%s,01-汉族,%s,10,1,11,1,202609,11,1,王建国,1,%s\n",
           school, name, birth, id, phone);
}

/* Suspected duplicates are flagged as single registration flags them:
   the later of two students with the same name, birth date and guardian
   phone and different IDs, whether the earlier one is in the registry or
   an earlier row of the file; through the registry's index (small file)
   and through the preloaded keys (bulk mode). */
static void
test_suspected_duplicates (void **state)
{
  struct fx *f = *state;
  struct xj_import_result res;

  for (int bulk = -1; bulk <= 1; bulk += 2)
    {
      struct xj_import_opts o = { .path = f->file, .user = &admin,
                                  .actor = &actor, .bulk = bulk };
      char id[5][19], phone[2][32];
      long long flags0 = count (f, "select count(*) from duplicate_flags");
      FILE *fp = fopen (f->file, "w");

      snprintf (phone[0], sizeof phone[0], "1370000%04u",
                (unsigned) (100 + bulk) % 10000u);
      snprintf (phone[1], sizeof phone[1], "1370000%04u",
                (unsigned) (200 + bulk) % 10000u);
      for (int i = 0; i < 5; i++)
        make_id ("20200101", 1, id[i]);
      fputs (HEADER, fp);
      row_phone (fp, f->school1, "周一", "2020-01-01", id[0], phone[0]);
      fclose (fp);
      assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_OK);
      assert_int_equal (res.suspected, 0);
      xj_import_result_fini (&res);

      fp = fopen (f->file, "w");
      fputs (HEADER, fp);
      /* 2: like the registry's 周一; 3: unrelated; 4 and 5: a pair in
         the file; 6: same name and birth, another phone: not suspect */
      row_phone (fp, f->school1, "周一", "2020-01-01", id[1], phone[0]);
      row_phone (fp, f->school1, "周二", "2020-01-01", id[2], phone[0]);
      row_phone (fp, f->school1, "吴三", "2020-01-01", id[3], phone[1]);
      row_phone (fp, f->school1, "吴三", "2020-01-01", id[4], phone[1]);
      row_phone (fp, f->school1, "吴三", "2020-01-01", id[0], "13999999999");
      fclose (fp);
      /* (the last row repeats 周一's ID: already registered elsewhere in
         the school -> counted as already, never flagged) */
      assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_OK);
      assert_int_equal (res.imported, 4);
      assert_int_equal (res.already, 1);
      assert_int_equal (res.suspected, 2);
      assert_int_equal (res.bulk, 1 == bulk);
      xj_import_result_fini (&res);
      assert_int_equal (count (f, "select count(*) from duplicate_flags"),
                        flags0 + 2);
      {
        char q[300];

        snprintf (q, sizeof q, "select count(*) from students s join"
                  " duplicate_flags d on d.student_id = s.id join students o"
                  " on o.id = d.other_id where s.dup_flag = 1 and"
                  " s.name = o.name and s.guardian_phone = o.guardian_phone"
                  " and s.id > o.id and s.id_no in ('%s', '%s')", id[1],
                  id[4]);
        assert_int_equal (count (f, q), 2);
        snprintf (q, sizeof q, "select count(*) from students where"
                  " dup_flag = 1 and id_no in ('%s', '%s', '%s')", id[0],
                  id[2], id[3]);
        assert_int_equal (count (f, q), 0);
      }
    }
}

/* The guardian rule in the import, through the registry's index (small
   file) and through bulk mode's in-memory map: with dup_guardian_max 2,
   the third enrolled child of one guardian ID -- counted over the
   registry and the file's earlier rows -- is flagged and warned
   guardian_shared; every guardian ID goes to guardian_ids (bulk
   appended: one COPY per table on PostgreSQL). */
static void
test_guardian_rule (void **state)
{
  struct fx *f = *state;
  struct xj_import_result res;
  sqlite3 *c;

  assert_int_equal (sqlite3_open (f->path, &c), SQLITE_OK);
  assert_int_equal (sqlite3_exec (c, "INSERT INTO settings (key, value)"
                                  " VALUES ('dup_guardian_max', '2')"
                                  " ON CONFLICT (key) DO UPDATE SET value"
                                  " = excluded.value", NULL, NULL, NULL),
                    SQLITE_OK);
  sqlite3_close (c);
  for (int bulk = -1; bulk <= 1; bulk += 2)
    {
      struct xj_import_opts o = { .path = f->file, .user = &admin,
                                  .actor = &actor, .bulk = bulk };
      char id[5][19], g[2][19], q[400];
      FILE *fp;

      for (int i = 0; i < 5; i++)
        make_id ("20200101", 1, id[i]);
      make_id ("19850101", 1, g[0]);
      make_id ("19850102", 1, g[1]);
      /* the registry: one child of g0 */
      fp = fopen (f->file, "w");
      fprintf (fp, "%s", "学校标识码,姓名,性别,出生日期,民族,身份证件号,"
               "健康状况,户口性质,年级,班级,入学年月,入学方式,就读方式,"
               "成员1姓名,成员1关系,成员1联系电话,g1_id_type,g1_id_no,"
               "成员2姓名,成员2关系,g2_id_type,g2_id_no\n");
      fprintf (fp, "%s,郑一,男,2020-01-01,01-汉族,%s,10,1,11,1,202609,11,"
               "1,王建国,1,13900001111,1,%s,,,,\n", f->school1, id[0], g[0]);
      fclose (fp);
      assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_OK);
      xj_import_result_fini (&res);
      /* the file: a second child of g0 (also naming g0 as guardian 2:
         one row in guardian_ids), a child of g1, a third of g0 (over),
         a fourth with g0 as guardian 2 only (over) */
      fp = fopen (f->file, "w");
      fprintf (fp, "%s", "学校标识码,姓名,性别,出生日期,民族,身份证件号,"
               "健康状况,户口性质,年级,班级,入学年月,入学方式,就读方式,"
               "成员1姓名,成员1关系,成员1联系电话,g1_id_type,g1_id_no,"
               "成员2姓名,成员2关系,g2_id_type,g2_id_no\n");
      fprintf (fp, "%s,郑二,男,2020-01-01,01-汉族,%s,10,1,11,1,202609,11,"
               "1,王建国,1,13900001112,1,%s,王建国,1,1,%s\n", f->school1,
               id[1], g[0], g[0]);
      fprintf (fp, "%s,郑三,男,2020-01-01,01-汉族,%s,10,1,11,1,202609,11,"
               "1,王建华,1,13900001113,1,%s,,,,\n", f->school1, id[2], g[1]);
      fprintf (fp, "%s,郑四,男,2020-01-01,01-汉族,%s,10,1,11,1,202609,11,"
               "1,王建国,1,13900001114,1,%s,,,,\n", f->school1, id[3], g[0]);
      fprintf (fp, "%s,郑五,男,2020-01-01,01-汉族,%s,10,1,11,1,202609,11,"
               "1,王建华,1,13900001115,1,%s,王建国,1,1,%s\n", f->school1,
               id[4], g[1], g[0]);
      fclose (fp);
      assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_OK);
      assert_int_equal (res.imported, 4);
      assert_int_equal (res.bulk, 1 == bulk);
      xj_import_result_fini (&res);
      snprintf (q, sizeof q, "select count(*) from guardian_ids where"
                " id_no = '%s'", g[0]);
      assert_int_equal (count (f, q), 4);
      snprintf (q, sizeof q, "select count(*) from guardian_ids where"
                " id_no = '%s'", g[1]);
      assert_int_equal (count (f, q), 2);
      for (int i = 0; i < 5; i++)
        {
          bool over = 3 == i || 4 == i;

          snprintf (q, sizeof q, "select count(*) from students s where"
                    " s.id_no = '%s' and s.dup_flag = 1 and exists (select 1"
                    " from student_warnings w where w.student_id = s.id and"
                    " w.code = 'guardian_shared' and w.field = '%s')", id[i],
                    4 == i ? "g2_id_no" : "g1_id_no");
          assert_int_equal (count (f, q), over ? 1 : 0);
          /* flagged against the first child of g0 (the registry's) */
          snprintf (q, sizeof q, "select count(*) from duplicate_flags d"
                    " join students s on s.id = d.other_id join students o"
                    " on o.id = d.student_id where s.id_no = '%s' and"
                    " o.id_no = '%s'", id[i], id[0]);
          assert_int_equal (count (f, q), over ? 1 : 0);
        }
    }
}

/* A row of grade @grade with guardian phone @phone (else as row()). */
static void
row_grade (FILE *fp, const char *school, const char *name, const char *birth,
           const char *id, const char *grade, const char *phone)
{
  fprintf (fp, "%s,%s,男,%s,01-汉族,%s,10,1,%s,1,202609,11,1,王建国,1,%s\n",
           school, name, birth, id, grade, phone);
}

/* 补建学籍 in the import: a row not for grade 1 whose person holds a
   record (same name, birth date and guardian phone; in the registry or
   an earlier row) is a duplicate_person row error, as registration
   answers 409; a grade-1 row of the same person is only flagged.  Used
   to be imported as a second record.  Small file (indexes) and bulk
   mode (memory). */
static void
test_rebuild_check (void **state)
{
  struct fx *f = *state;
  struct xj_import_result res;

  for (int bulk = -1; bulk <= 1; bulk += 2)
    {
      struct xj_import_opts o = { .path = f->file, .user = &admin,
                                  .actor = &actor, .bulk = bulk,
                                  .valid_only = true };
      char id[5][19], p[2][32], name[2][16];
      long long n0 = count (f, "select count(*) from students");
      FILE *fp = fopen (f->file, "w");

      snprintf (p[0], sizeof p[0], "1360000%04u", (unsigned) (300 + bulk));
      snprintf (p[1], sizeof p[1], "1360000%04u", (unsigned) (400 + bulk));
      snprintf (name[0], sizeof name[0], "%s", bulk > 0 ? "周甲" : "周丙");
      snprintf (name[1], sizeof name[1], "%s", bulk > 0 ? "郑乙" : "郑丁");
      for (int i = 0; i < 5; i++)
        make_id ("20190501", 1, id[i]);
      fputs (HEADER, fp);
      row_grade (fp, f->school1, name[0], "2019-05-01", id[0], "11", p[0]);
      fclose (fp);
      assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_OK);
      assert_int_equal (res.imported, 1);
      xj_import_result_fini (&res);

      fp = fopen (f->file, "w");
      fputs (HEADER, fp);
      /* 2: the registry's child again, for grade 2; 3 and 4: one child
         twice in the file; 5: the registry's child for grade 1 */
      row_grade (fp, f->school1, name[0], "2019-05-01", id[1], "12", p[0]);
      row_grade (fp, f->school1, name[1], "2019-05-01", id[2], "12", p[1]);
      row_grade (fp, f->school1, name[1], "2019-05-01", id[3], "12", p[1]);
      row_grade (fp, f->school1, name[0], "2019-05-01", id[4], "11", p[0]);
      fclose (fp);
      assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_OK);
      assert_int_equal (res.bulk, 1 == bulk);
      assert_int_equal (res.imported, 2);
      assert_int_equal (res.rejected, 2);
      assert_true (has_error (&res, 2, XJ_E_DUPLICATE_PERSON));
      assert_true (has_error (&res, 4, XJ_E_DUPLICATE_PERSON));
      assert_int_equal (res.suspected, 1);
      xj_import_result_fini (&res);
      assert_int_equal (count (f, "select count(*) from students"), n0 + 3);
    }
}

/* Text that starts like a spreadsheet formula: stored as given, exported
   to CSV behind an apostrophe (so Excel shows it rather than running
   it), and read back without it: the export re-imports as it was. */
static void
test_formula_cells_round_trip (void **state)
{
  struct fx *f = *state;
  struct xj_import_result res;
  struct xj_export_opts eo = { .format = XJ_EXPORT_CSV, .show = XJ_PII_ALL,
                               .actor = &actor };
  char id[2][19], out[96];
  char *text;
  int64_t rows;
  FILE *fp = fopen (f->file, "w");

  make_id ("20200202", 1, id[0]);
  make_id ("20200203", 1, id[1]);
  fputs ("学校标识码,姓名,性别,出生日期,民族,身份证件号,健康状况,户口性质,"
         "年级,班级,入学年月,入学方式,就读方式,现住址,特长\n", fp);
  fprintf (fp, "%s,郑一,男,2020-02-02,01,%s,10,1,11,1,202609,11,1,"
           "\"=HYPERLINK(\"\"http://x\"\",\"\"点\"\")\",@SUM(A1)\n",
           f->school1, id[0]);
  fprintf (fp, "%s,郑二,男,2020-02-03,01,%s,10,1,11,1,202609,11,1,'=1+1,"
           "-2\n", f->school1, id[1]);
  fclose (fp);
  assert_int_equal (run (f, false, false, false, NULL, &res), XJ_E_OK);
  assert_int_equal (res.imported, 2);
  xj_import_result_fini (&res);
  /* stored as given ('=1+1 was our own escape: =1+1) */
  {
    struct xj_student *st = xj_malloc (sizeof *st);
    int64_t sid, school;

    assert_int_equal (xj_student_find_by_id_no (f->db, "1", id[0], &sid,
                                                &school), XJ_E_OK);
    assert_int_equal (xj_student_load (f->db, sid, st), XJ_E_OK);
    assert_string_equal (st->address, "=HYPERLINK(\"http://x\",\"点\")");
    assert_string_equal (st->specialty, "@SUM(A1)");
    assert_int_equal (xj_student_find_by_id_no (f->db, "1", id[1], &sid,
                                                &school), XJ_E_OK);
    assert_int_equal (xj_student_load (f->db, sid, st), XJ_E_OK);
    assert_string_equal (st->address, "=1+1");
    assert_string_equal (st->specialty, "-2");
    free (st);
  }
  xj_snprintf (out, sizeof out, "%s.out.csv", f->path);
  xj_scope_of (&admin, &eo.scope);
  assert_int_equal (xj_export_students (f->db, &eo, out, &rows), XJ_E_OK);
  text = xj_test_slurp (out, NULL);
  assert_non_null (strstr (text, "\"'=HYPERLINK(\"\"http://x\"\",\"\"点\"\")\""));
  assert_non_null (strstr (text, ",'@SUM(A1)"));
  assert_non_null (strstr (text, ",'=1+1,"));
  assert_non_null (strstr (text, ",'-2,"));
  assert_null (strstr (text, ",=1+1"));
  free (text);
  /* the export read back: every row already registered, values intact */
  {
    struct xj_import_opts o = { .path = out, .user = &admin,
                                .actor = &actor, .dry_run = true };

    assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_IMPORT_DRY_RUN);
    assert_int_equal (res.rejected, 0);
    assert_true (res.already >= 2);
    xj_import_result_fini (&res);
  }
  unlink (out);
}

static void
test_every_row_error (void **state)
{
  struct fx *f = *state;
  struct xj_import_result res;
  char good[19], bad[19], lower[19], dup[19], fut[19], older[19];
  char other_school_id[19];
  long long before;
  FILE *fp;

  /* a student registered at school 2 */
  make_id (f->school2_junior ? "20140401" : "20200401", 1,
           other_school_id);
  fp = fopen (f->file, "w");
  fputs (HEADER, fp);
  row (fp, f->school2, "王五", f->school2_junior ? "2014-04-01" : "2020-04-01",
       other_school_id, f->school2_junior ? "21" : "11", "");
  fclose (fp);
  assert_int_equal (run (f, false, false, false, NULL, &res), XJ_E_OK);
  xj_import_result_fini (&res);

  before = count (f, "select count(*) from students");
  make_id ("20200501", 1, good);
  make_id ("20200502", 1, bad);
  bad[17] = '0' == bad[17] ? '1' : '0';
  do
    make_id ("20200503", 1, lower);
  while ('X' != lower[17]);
  lower[17] = 'x';
  make_id ("20200504", 1, dup);
  make_id ("20300101", 1, fut);
  make_id ("20120101", 1, older);
  fp = fopen (f->file, "w");
  fputs (HEADER, fp);
  row (fp, f->school1, "好人", "2020-05-01", good, "11", "");           /* 2 */
  row (fp, f->school1, "错号", "2020-05-02", bad, "11", "");            /* 3 */
  row (fp, f->school1, "小写", "2020-05-03", lower, "11", "");          /* 4 */
  row (fp, f->school1, "旧号", "", "440106900101001", "11", "");        /* 5 */
  row (fp, f->school1, "闰年", "2021-02-29", "", "11", "");             /* 6 */
  row (fp, f->school1, "未来", "2030-01-01", fut, "11", "");            /* 7 */
  row (fp, f->school1, "大龄", "2012-01-01", older, "11", "");          /* 8 */
  row (fp, f->school1, "重甲", "2020-05-04", dup, "11", "");            /* 9 */
  row (fp, f->school1, "重乙", "2020-05-04", dup, "11", "");            /* 10 */
  row (fp, f->school1, "他校", f->school2_junior ? "2014-04-01" : "2020-04-01",
       other_school_id, "11", "");                                    /* 11 */
  row (fp, "9999999999", "无校", "2020-05-01", good, "11", "");         /* 12 */
  row (fp, f->school1, "无班", "2020-05-01", good, "11", "9");          /* 13 */
  fclose (fp);
  assert_int_equal (run (f, false, false, false, NULL, &res),
                    XJ_E_IMPORT_REJECTED);
  assert_false (res.written);
  assert_int_equal (res.imported, 0);
  assert_true (has_error (&res, 3, XJ_E_ID_CHECK));
  assert_false (has_error (&res, 4, XJ_E_ID_CHECK));   /* x accepted */
  assert_false (has_error (&res, 5, XJ_E_ID_LENGTH));  /* 15 -> 18 */
  assert_true (has_error (&res, 6, XJ_E_DATE_FORMAT)
               || has_error (&res, 6, XJ_E_DATE_INVALID));
  assert_true (has_error (&res, 7, XJ_E_ID_FUTURE)
               || has_error (&res, 7, XJ_E_DATE_FUTURE));
  assert_true (has_error (&res, 8, XJ_E_AGE_GRADE));
  assert_false (has_error (&res, 9, XJ_E_IMPORT_DUP_IN_FILE));
  assert_true (has_error (&res, 10, XJ_E_IMPORT_DUP_IN_FILE));
  assert_true (has_error (&res, 11, XJ_E_ID_EXISTS));
  assert_true (has_error (&res, 12, XJ_E_NO_SUCH_SCHOOL));
  assert_true (has_error (&res, 13, XJ_E_NO_SUCH_CLASS)
               || has_error (&res, 13, XJ_E_IMPORT_DUP_IN_FILE));
  assert_true (res.rejected >= 9);
  xj_import_result_fini (&res);
  assert_int_equal (count (f, "select count(*) from students"), before);

  /* dry run: checks, writes nothing */
  assert_int_equal (run (f, true, true, false, NULL, &res),
                    XJ_E_IMPORT_DRY_RUN);
  assert_true (res.imported >= 2);
  xj_import_result_fini (&res);
  assert_int_equal (count (f, "select count(*) from students"), before);

  /* valid only: the good rows are written */
  assert_int_equal (run (f, true, false, false, NULL, &res), XJ_E_OK);
  assert_true (res.written);
  assert_int_equal (count (f, "select count(*) from students"),
                    before + (long long) res.imported);
  assert_true (res.imported >= 2);   /* rows 2, 4, 9 */
  xj_import_result_fini (&res);
}

static void
test_classes_and_scope (void **state)
{
  struct fx *f = *state;
  struct xj_import_result res;
  struct xj_user reg = { .id = 0, .username = "r",
                         .role = XJ_ROLE_REGISTRAR };
  char id[19];
  FILE *fp;

  make_id ("20200601", 1, id);
  fp = fopen (f->file, "w");
  fputs (HEADER, fp);
  row (fp, f->school1, "新班", "2020-06-01", id, "11", "一年级(7)班");
  fclose (fp);
  assert_int_equal (run (f, false, false, false, NULL, &res),
                    XJ_E_IMPORT_REJECTED);
  assert_true (has_error (&res, 2, XJ_E_NO_SUCH_CLASS));
  xj_import_result_fini (&res);
  assert_int_equal (run (f, false, false, true, NULL, &res), XJ_E_OK);
  assert_int_equal (res.imported, 1);
  xj_import_result_fini (&res);
  assert_int_equal (count (f, "select count(*) from classes where name ="
                           " '一年级(7)班'"), 1);
  /* a registrar of school 1 importing a row for school 2 */
  reg.school_id = f->school1_id;
  make_id ("20200602", 1, id);
  fp = fopen (f->file, "w");
  fputs (HEADER, fp);
  row (fp, f->school2, "越权", "2020-06-02", id, "11", "");
  fclose (fp);
  assert_int_equal (run (f, false, false, false, &reg, &res),
                    XJ_E_IMPORT_REJECTED);
  assert_true (has_error (&res, 2, XJ_E_OUT_OF_SCOPE));
  xj_import_result_fini (&res);
}

static void
test_file_level (void **state)
{
  struct fx *f = *state;
  struct xj_import_result res;
  FILE *fp;

  fp = fopen (f->file, "w");
  fclose (fp);
  assert_int_equal (run (f, false, false, false, NULL, &res),
                    XJ_E_IMPORT_EMPTY);
  xj_import_result_fini (&res);
  fp = fopen (f->file, "w");
  fputs (HEADER, fp);
  fclose (fp);
  assert_int_equal (run (f, false, false, false, NULL, &res),
                    XJ_E_IMPORT_NO_ROWS);
  xj_import_result_fini (&res);
  /* no 民族 column, an unknown column, header spelled with aliases */
  fp = fopen (f->file, "w");
  fputs ("学校标识码, 学生姓名 ,性别★,出生日期,身份证号,健康状况,户口性质,"
         "年级,入学年月,入学方式,就读方式,备注\n", fp);
  fprintf (fp, "%s,某某,1,2020-01-01,x,10,1,11,202609,11,1,y\n", f->school1);
  fclose (fp);
  assert_int_equal (run (f, false, false, false, NULL, &res),
                    XJ_E_IMPORT_MISSING_COLUMN);
  assert_true (has_error (&res, 0, XJ_E_IMPORT_MISSING_COLUMN));
  assert_int_equal (res.nunknown, 1);
  assert_string_equal (res.unknown_cols[0], "备注");
  xj_import_result_fini (&res);
}

static void
test_bulk_restores_indexes (void **state)
{
  struct fx *f = *state;
  struct xj_import_result res;
  struct xj_import_opts o = { .path = f->file, .user = &admin,
                              .actor = &actor, .bulk = 1 };
  static char before[8192], after[8192];
  char id[19];
  FILE *fp;

  schema_text (f, before, sizeof before);
  fp = fopen (f->file, "w");
  fputs (HEADER, fp);
  make_id ("20200701", 1, id);
  row (fp, f->school1, "批量", "2020-07-01", id, "11", "");
  fclose (fp);
  assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_OK);
  assert_true (res.bulk);
  assert_int_equal (res.imported, 1);
  xj_import_result_fini (&res);
  schema_text (f, after, sizeof after);
  assert_string_equal (before, after);
  /* the name search's grams of the bulk rows were written (0033) */
  {
    int64_t missing = -1, extra = -1;

    assert_int_equal (xj_student_grams_check (f->db, &missing, &extra),
                      XJ_E_OK);
    assert_int_equal (missing, 0);
    assert_int_equal (extra, 0);
  }
  /* the registry's IDs are still found without the unique index */
  assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_OK);
  assert_int_equal (res.already, 1);
  xj_import_result_fini (&res);
  /* and a failed bulk import leaves them too */
  fp = fopen (f->file, "a");
  row (fp, "9999999999", "失败", "2020-07-02", id, "11", "");
  fclose (fp);
  assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_IMPORT_REJECTED);
  xj_import_result_fini (&res);
  schema_text (f, after, sizeof after);
  assert_string_equal (before, after);
}

static void
test_report (void **state)
{
  struct fx *f = *state;
  struct xj_import_result res;
  struct xj_import_opts o = { .path = f->file, .user = &admin,
                              .actor = &actor };
  char out[80];
  char line[4096];
  FILE *fp;
  int n = 0;

  fp = fopen (f->file, "w");
  fputs (HEADER, fp);
  row (fp, "9999999999", "报告", "2020-07-02", "123", "11", "");
  fclose (fp);
  assert_int_equal (xj_import_run (f->db, &o, &res), XJ_E_IMPORT_REJECTED);
  xj_snprintf (out, sizeof out, "%s.report.csv", f->path);
  assert_int_equal (xj_import_report (&o, &res, out, false), XJ_E_OK);
  fp = fopen (out, "r");
  assert_non_null (fp);
  while (fgets (line, sizeof line, fp))
    {
      if (0 == n)
        assert_non_null (strstr (line, "错误"));
      else
        assert_non_null (strstr (line, "学校标识码"));
      n++;
    }
  fclose (fp);
  assert_int_equal (n, 2);
  unlink (out);
  xj_snprintf (out, sizeof out, "%s.report.xlsx", f->path);
  assert_int_equal (xj_import_report (&o, &res, out, false), XJ_E_OK);
  fp = fopen (out, "rb");
  assert_non_null (fp);
  assert_int_equal (fgetc (fp), 'P');
  fclose (fp);
  unlink (out);
  xj_import_result_fini (&res);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_good_then_reimport, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_every_row_error, setup, teardown),
    cmocka_unit_test_setup_teardown (test_suspected_duplicates, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_rebuild_check, setup, teardown),
    cmocka_unit_test_setup_teardown (test_guardian_rule, setup, teardown),
    cmocka_unit_test_setup_teardown (test_formula_cells_round_trip, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_classes_and_scope, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_file_level, setup, teardown),
    cmocka_unit_test_setup_teardown (test_bulk_restores_indexes, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_report, setup, teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
