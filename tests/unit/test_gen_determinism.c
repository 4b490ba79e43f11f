/* test_gen_determinism.c -- the synthetic data generator: the same seed
 * gives the same students in two fresh databases, another seed gives
 * others; every generated student validates, carries a resident ID of
 * the county with a correct check digit and a birth date fitting the
 * grade; the schools, classes and counts the stores report agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/util.h"
#include "gen/gen.h"
#include "idcard/idcard.h"
#include "klass/klass.h"
#include "region/region.h"
#include "school/school.h"
#include "student/student.h"
#include "student/student_json.h"
#include "student/student_store.h"
#include "validate/validate.h"
#include "testutil.h"

#define NSCHOOLS 8
#define NSTUDENTS 3000
/* 2026-10-15 12:00 +08:00: school year 2026 */
#define FAKE_NOW 1792036800

struct gdb {
  char path[64];
  struct xj_db *db;
  struct xj_gen_result r;
};

struct fx {
  struct gdb a, b, c;  /* a, b: seed 42; c: seed 43 */
};

static void
open_gen (struct gdb *g, uint64_t seed)
{
  struct xj_gen_opts o = { .county = "441823", .schools = NSCHOOLS,
                           .students = NSTUDENTS, .seed = seed };

  xj_test_tmp_path (g->path, sizeof g->path, "gen");
  assert_int_equal (xj_db_open (g->path, XJ_DB_OPEN_CREATE, &g->db), XJ_E_OK);
  assert_int_equal (xj_region_load_builtin (g->db), XJ_E_OK);
  assert_int_equal (xj_gen_run (g->db, &o, &g->r), XJ_E_OK);
}

static void
close_rm (struct gdb *g)
{
  char side[80];

  xj_db_close (g->db);
  unlink (g->path);
  snprintf (side, sizeof side, "%s-wal", g->path);
  unlink (side);
  snprintf (side, sizeof side, "%s-shm", g->path);
  unlink (side);
}

static int
setup (void **state)
{
  struct fx *f = xj_calloc (1, sizeof *f);

  xj_clock_set (FAKE_NOW);
  open_gen (&f->a, 42);
  open_gen (&f->b, 42);
  open_gen (&f->c, 43);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fx *f = *state;

  close_rm (&f->a);
  close_rm (&f->b);
  close_rm (&f->c);
  free (f);
  xj_clock_set (0);
  return 0;
}

static char *
student_dump (struct xj_db *db, int64_t id)
{
  struct xj_student s;
  json_t *j;
  char *out;

  assert_int_equal (xj_student_load (db, id, &s), XJ_E_OK);
  j = xj_student_to_json (&s, XJ_PII_ALL);
  out = json_dumps (j, JSON_SORT_KEYS | JSON_COMPACT);
  json_decref (j);
  return out;
}

static void
test_counts (void **state)
{
  struct fx *f = *state;

  assert_int_equal (f->a.r.schools, NSCHOOLS);
  assert_int_equal (f->a.r.students, NSTUDENTS);
  assert_int_equal (f->a.r.start_year, 2026);
  assert_true (f->a.r.classes > 0);
  assert_int_equal (f->a.r.classes, f->b.r.classes);
}

static void
test_same_seed_same_students (void **state)
{
  struct fx *f = *state;

  for (int64_t id = 1; id <= NSTUDENTS; id++)
    {
      char *x = student_dump (f->a.db, id);
      char *y = student_dump (f->b.db, id);

      assert_string_equal (x, y);
      free (x);
      free (y);
    }
}

static void
test_other_seed_other_students (void **state)
{
  struct fx *f = *state;
  unsigned differ = 0;

  for (int64_t id = 1; id <= NSTUDENTS; id++)
    {
      char *x = student_dump (f->a.db, id);
      char *y = student_dump (f->c.db, id);

      differ += 0 != strcmp (x, y);
      free (x);
      free (y);
    }
  assert_true (differ > NSTUDENTS * 9 / 10);
}

static void
test_every_student_valid (void **state)
{
  struct fx *f = *state;
  int today = 20261015;
  unsigned left = 0, rare = 0, dot = 0, boarders = 0, male = 0;

  for (int64_t id = 1; id <= NSTUDENTS; id++)
    {
      struct xj_student s;
      struct xj_verrs v;
      struct xj_idcard card;
      char body[18];
      char birth[9];

      assert_int_equal (xj_student_load (f->a.db, id, &s), XJ_E_OK);
      if (XJ_E_OK != xj_student_validate (&s, today, &v))
        fail_msg ("student %lld: %s %s", (long long) id, v.e[0].field,
                  v.e[0].detail);
      /* resident ID of the county, check digit right, agrees with the
         record; registry number G + ID */
      assert_string_equal (s.id_type, "1");
      assert_int_equal (strlen (s.id_no), 18);
      assert_memory_equal (s.id_no, "441823", 6);
      memcpy (body, s.id_no, 17);
      body[17] = '\0';
      assert_int_equal (xj_idcard_check_char (body), s.id_no[17]);
      assert_int_equal (xj_idcard_parse (s.id_no, today, &card), XJ_E_OK);
      xj_snprintf (birth, sizeof birth, "%.4s%.2s%.2s", s.birth_date,
                   s.birth_date + 5, s.birth_date + 8);
      assert_memory_equal (s.id_no + 6, birth, 8);
      assert_int_equal (card.gender, s.gender);
      assert_string_equal (s.registry_no + 1, s.id_no);
      assert_int_equal (s.registry_no[0], 'G');
      /* age fits the grade */
      assert_int_equal (xj_valid_age_grade (s.birth_date, s.grade, 2026),
                        XJ_E_OK);
      assert_string_equal (s.status, "enrolled");
      assert_true (s.class_id > 0);
      left += s.left_behind > 0;
      boarders += 2 == s.study_mode;
      male += 1 == s.gender;
      dot += NULL != strstr (s.name, "\xC2\xB7");
      for (const unsigned char *p = (const unsigned char *) s.name; *p; p++)
        if (*p >= 0xF0)
          {
            rare++;
            break;
          }
    }
  /* realistic shares, loosely */
  assert_true (left > NSTUDENTS / 10 && left < NSTUDENTS * 3 / 10);
  assert_true (boarders > 0);
  assert_true (male > NSTUDENTS * 45 / 100 && male < NSTUDENTS * 60 / 100);
  assert_true (rare >= 1 && rare < NSTUDENTS / 50);
  assert_true (dot < NSTUDENTS / 50);
}

struct school_seen {
  unsigned n;
  unsigned senior;
  int64_t students;
  int64_t classes;
  int64_t first_id;
};

static int
school_cb (void *cls, const struct xj_school_row *r)
{
  struct school_seen *c = cls;

  if (0 == c->n)
    c->first_id = r->s.id;
  c->n++;
  assert_int_equal (strlen (r->s.code), 10);
  assert_string_equal (r->s.county_code, "441823");
  assert_true (0 == strncmp (r->s.name, "阳山县", strlen ("阳山县")));
  if (0 == strcmp (r->s.stage, "senior"))
    {
      c->senior++;
      assert_string_equal (r->s.name, "阳山县第一中学");
    }
  c->students += r->students;
  c->classes += r->classes;
  return 0;
}

struct grade_sum {
  int64_t students, classes, girls;
};

static int
grade_cb (void *cls, const struct xj_grade_count *g)
{
  struct grade_sum *s = cls;

  s->students += g->students;
  s->classes += g->classes;
  s->girls += g->girls;
  return 0;
}

static int
class_cb (void *cls, const struct xj_class_row *r)
{
  char want[64];

  (void) cls;
  xj_class_name (r->c.grade, r->c.no, want, sizeof want);
  assert_string_equal (r->c.name, want);
  assert_true (r->students > 0);
  return 0;
}

static void
test_schools_and_classes (void **state)
{
  struct fx *f = *state;
  struct xj_school_filter all = { .region = "4418", .limit = 100 };
  struct xj_school_filter page = { .region = "", .limit = 3, .offset = 3 };
  struct xj_school_filter none = { .region = "4419" };
  struct school_seen seen = { 0 };
  struct school_seen seen2 = { 0 };
  struct grade_sum gs = { 0 };
  int64_t total = -1;
  char name[64];

  assert_int_equal (xj_school_list (f->a.db, &all, school_cb, &seen, &total),
                    XJ_E_OK);
  assert_int_equal (total, NSCHOOLS);
  assert_int_equal (seen.n, NSCHOOLS);
  assert_int_equal (seen.senior, 1);
  assert_int_equal (seen.students, NSTUDENTS);
  assert_int_equal (seen.classes, (int64_t) f->a.r.classes);
  assert_int_equal (xj_school_list (f->a.db, &page, school_cb, &seen2,
                                    &total), XJ_E_OK);
  assert_int_equal (total, NSCHOOLS);
  assert_int_equal (seen2.n, 3);
  assert_int_equal (xj_school_list (f->a.db, &none, school_cb, &seen2,
                                    &total), XJ_E_OK);
  assert_int_equal (total, 0);

  /* per-grade figures of the senior high (the first school) */
  assert_int_equal (xj_school_grade_counts (f->a.db, seen.first_id, grade_cb,
                                            &gs), XJ_E_OK);
  assert_true (gs.students > 0);
  assert_true (gs.classes > 0);
  assert_true (gs.girls > 0 && gs.girls < gs.students);
  assert_int_equal (xj_class_list (f->a.db, seen.first_id, 0, "31", class_cb,
                                   NULL), XJ_E_OK);

  xj_class_name ("11", 1, name, sizeof name);
  assert_string_equal (name, "一年级(1)班");
  xj_class_name ("21", 2, name, sizeof name);
  assert_string_equal (name, "初一(2)班");
  xj_class_name ("31", 3, name, sizeof name);
  assert_string_equal (name, "高一(3)班");
  assert_true (xj_school_stage_has_grade ("nine_year", "23"));
  assert_false (xj_school_stage_has_grade ("primary", "21"));
}

static void
test_bad_county (void **state)
{
  struct fx *f = *state;
  struct xj_gen_opts city = { .county = "4418", .schools = 2, .students = 10 };
  struct xj_gen_opts none = { .county = "441899", .schools = 2,
                              .students = 10 };
  struct xj_gen_opts zero = { .county = "441823", .schools = 0,
                              .students = 10 };

  assert_int_equal (xj_gen_run (f->a.db, &city, NULL), XJ_E_REGION);
  assert_int_equal (xj_gen_run (f->a.db, &none, NULL), XJ_E_REGION);
  assert_int_equal (xj_gen_run (f->a.db, &zero, NULL), XJ_E_RANGE);
}

/* A second run into the same database finds its school codes and ID
   numbers taken and moves on to free ones. */
static void
test_second_run_same_db (void **state)
{
  struct fx *f = *state;
  struct xj_gen_opts o = { .county = "441823", .schools = 3, .students = 200,
                           .seed = 42 };
  struct xj_gen_result r;
  struct xj_school_filter all = { .region = "441823", .limit = 100 };
  int64_t total = 0;

  assert_int_equal (xj_gen_run (f->c.db, &o, &r), XJ_E_OK);
  assert_int_equal (r.students, 200);
  assert_int_equal (xj_school_list (f->c.db, &all, NULL, NULL, &total),
                    XJ_E_OK);
  assert_int_equal (total, NSCHOOLS + 3);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_counts),
    cmocka_unit_test (test_same_seed_same_students),
    cmocka_unit_test (test_other_seed_other_students),
    cmocka_unit_test (test_every_student_valid),
    cmocka_unit_test (test_schools_and_classes),
    cmocka_unit_test (test_bad_county),
    cmocka_unit_test (test_second_run_same_db),
  };

  xj_log_set_level (XJ_LOG_ERROR);
  return cmocka_run_group_tests (tests, setup, teardown);
}
