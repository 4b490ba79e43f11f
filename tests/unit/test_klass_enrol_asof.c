/* test_klass_enrol_asof.c -- "在读 in a school at the end of a day" is
 * answered three ways (klass/class_size_store.c): xj_enrol_asof's rows
 * (one per student, the drill lists), xj_enrol_asof_counts_from the
 * records (three grouped statements, a school's figures) and from the
 * counts the database keeps (enrol_counts, migration 0030, a region's
 * figures).  On one generated county with placement changes written on
 * several days (transfers, grade changes, 休学, a gender corrected, a
 * student moved twice), the three agree per school, grade and gender for
 * every scope and day, and xj_enrol_counts_check finds nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/util.h"
#include "db/db.h"
#include "gen/gen.h"
#include "klass/class_size.h"
#include "region/region.h"
#include "testutil.h"

/* 2026-09-01 09:00 +08:00 */
#define GEN_NOW 1788224400

/* a placement change written on day $2 (the trigger dates it by
   updated_at): student $1 to school $3, grade $4, status $5 */
XJ_DB_STMT (st_t_move,
            "UPDATE students SET school_id = $3, grade = $4, status = $5,"
            " class_id = NULL, updated_at = $2 WHERE id = $1")
XJ_DB_STMT (st_t_gender,
            "UPDATE students SET gender = 3 - gender, updated_at = $2"
            " WHERE id = $1")
XJ_DB_STMT (st_t_schools, "SELECT id FROM schools ORDER BY id")

#define KEYS_MAX 512

struct key_n {
  int64_t school;
  char grade[8];
  int gender;
  int64_t n;
};

struct tally {
  struct key_n k[KEYS_MAX];
  size_t nk;
};

static void
tally_add (struct tally *t, const struct xj_enrol_row *r, int64_t n)
{
  size_t i = 0;

  while (i < t->nk
         && ! (t->k[i].school == r->school_id && t->k[i].gender == r->gender
               && 0 == strcmp (t->k[i].grade, r->grade)))
    i++;
  if (i == t->nk)
    {
      assert_true (t->nk < KEYS_MAX);
      t->k[i].school = r->school_id;
      t->k[i].gender = r->gender;
      xj_strlcpy (t->k[i].grade, r->grade, sizeof t->k[i].grade);
      t->k[i].n = 0;
      t->nk++;
    }
  t->k[i].n += n;
}

static void
row_cb (void *cls, const struct xj_enrol_row *r)
{
  if (0 == strcmp (r->status, "enrolled"))
    tally_add (cls, r, 1);
}

static void
n_cb (void *cls, const struct xj_enrol_row *r, int64_t n)
{
  tally_add (cls, r, n);
}

/* every nonzero key of @a in @b with the same n, and the same number of
   nonzero keys */
static void
tally_equal (const struct tally *a, const struct tally *b, const char *what)
{
  size_t na = 0, nb = 0;

  for (size_t j = 0; j < b->nk; j++)
    nb += 0 != b->k[j].n;
  for (size_t i = 0; i < a->nk; i++)
    {
      size_t j = 0;

      if (0 == a->k[i].n)
        continue;
      na++;
      while (j < b->nk
             && ! (b->k[j].school == a->k[i].school
                   && b->k[j].gender == a->k[i].gender
                   && 0 == strcmp (b->k[j].grade, a->k[i].grade)))
        j++;
      if (j == b->nk || b->k[j].n != a->k[i].n)
        fail_msg ("%s: school %lld grade %s gender %d: %lld vs %lld", what,
                  (long long) a->k[i].school, a->k[i].grade, a->k[i].gender,
                  (long long) a->k[i].n,
                  (long long) (j == b->nk ? 0 : b->k[j].n));
    }
  assert_int_equal (na, nb);
}

static void
no_diff (void *cls, const struct xj_enrol_diff *d)
{
  (void) cls;
  fail_msg ("counts class %lld school %lld grade %s gender %d day %s: kept"
            " %lld, recounted %lld", (long long) d->class_id,
            (long long) d->school_id, d->grade, d->gender,
            d->day ? d->day : "-", (long long) d->kept,
            (long long) d->recounted);
}

static void
add_id (void *cls, const struct xj_db_row *r)
{
  int64_t *ids = cls;

  if (ids[0] < 8)
    ids[1 + ids[0]++] = xj_db_int (r, 0);
}

static int
id_row (void *cls, const struct xj_db_row *r)
{
  add_id (cls, r);
  return 0;
}

static void
move (struct xj_db *db, int64_t id, const char *at, int64_t school,
      const char *grade, const char *status)
{
  assert_true (xj_db_q (db, &st_t_move,
                        XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (at),
                                      XJ_DB_I (school), XJ_DB_S (grade),
                                      XJ_DB_S (status)), NULL, NULL) == 1);
}

/* Changes on 2026-09-01 (the day itself), 10-08, 11-20 and 12-01. */
static void
play (struct xj_db *db, const int64_t *sc)
{
  struct xj_db_stmt *g = &st_t_gender;

  move (db, 1, "2026-09-01T15:00:00+08:00", sc[2], "13", "enrolled");
  move (db, 2, "2026-10-08T10:00:00+08:00", sc[3], "14", "enrolled");
  move (db, 3, "2026-10-08T11:00:00+08:00", sc[1], "13", "suspended");
  move (db, 3, "2026-12-01T09:00:00+08:00", sc[4], "15", "enrolled");
  move (db, 4, "2026-11-20T10:00:00+08:00", sc[1], "22", "enrolled");
  move (db, 5, "2026-11-20T10:00:00+08:00", sc[5], "31", "graduated");
  assert_true (xj_db_q (db, g, XJ_DB_PARAMS (XJ_DB_I (2),
                        XJ_DB_S ("2026-11-21T10:00:00+08:00")), NULL,
                        NULL) == 1);
  assert_true (xj_db_q (db, g, XJ_DB_PARAMS (XJ_DB_I (6),
                        XJ_DB_S ("2026-11-21T10:00:00+08:00")), NULL,
                        NULL) == 1);
}

static void
compare (struct xj_db *db, const struct xj_cs_scope *sc, const char *day)
{
  static struct tally rows, recs, kept;
  char what[64];

  memset (&rows, 0, sizeof rows);
  memset (&recs, 0, sizeof recs);
  memset (&kept, 0, sizeof kept);
  assert_int_equal (xj_enrol_asof (db, sc, day, &row_cb, &rows), XJ_E_OK);
  assert_int_equal (xj_enrol_asof_counts_from (db, sc, day, XJ_ENROL_RECORDS,
                                               &n_cb, &recs), XJ_E_OK);
  assert_int_equal (xj_enrol_asof_counts_from (db, sc, day, XJ_ENROL_KEPT,
                                               &n_cb, &kept), XJ_E_OK);
  assert_true (rows.nk > 0 || 0 == strcmp (day, "2026-08-31"));
  xj_snprintf (what, sizeof what, "%s school %lld records", day,
               (long long) sc->school_id);
  tally_equal (&rows, &recs, what);
  tally_equal (&recs, &rows, what);
  xj_snprintf (what, sizeof what, "%s school %lld kept", day,
               (long long) sc->school_id);
  tally_equal (&rows, &kept, what);
  tally_equal (&kept, &rows, what);
}

static void
three_ways_agree (void **state)
{
  static const char *const days[] = { "2026-08-31", "2026-09-01",
                                      "2026-10-07", "2026-10-08",
                                      "2026-11-20", "2026-11-21",
                                      "2026-12-01", "2027-01-15" };
  struct xj_gen_opts o = { .county = "441823", .schools = 6,
                           .students = 1200, .seed = 11 };
  struct xj_gen_result gr;
  char path[64];
  struct xj_db *db = NULL;
  int64_t ids[9] = { 0 };

  (void) state;
  xj_clock_set (GEN_NOW);
  xj_test_tmp_path (path, sizeof path, "asof");
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  assert_int_equal (xj_region_load_builtin (db), XJ_E_OK);
  assert_int_equal (xj_gen_run (db, &o, &gr), XJ_E_OK);
  assert_true (xj_db_q (db, &st_t_schools, XJ_DB_NOPARAMS, &id_row, ids)
               >= 6);
  play (db, ids);
  assert_int_equal (xj_enrol_counts_check (db, &no_diff, NULL), XJ_E_OK);
  for (size_t d = 0; d < sizeof days / sizeof days[0]; d++)
    {
      compare (db, &(struct xj_cs_scope) { "", 0 }, days[d]);
      compare (db, &(struct xj_cs_scope) { "4418", 0 }, days[d]);
      compare (db, &(struct xj_cs_scope) { "", ids[1] }, days[d]);
      compare (db, &(struct xj_cs_scope) { "", ids[3] }, days[d]);
    }
  xj_db_close (db);
  xj_clock_set (0);
  for (const char *const *e = (const char *const[]) { "", "-wal", "-shm",
                                                      "-auth", NULL };
       *e; e++)
    {
      char f[96];

      xj_snprintf (f, sizeof f, "%s%s", path, *e);
      unlink (f);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (three_ways_agree),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
