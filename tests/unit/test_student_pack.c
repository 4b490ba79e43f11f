/* test_student_pack.c -- the packed `data` column (student_pack.c): every
 * stored field has a frozen number; a packed record loads back exactly as
 * its JSON form (the column's earlier format) does; repeated addresses are
 * stored once; a damaged value is refused, never read past its end; rows
 * still holding JSON text load through the store as before.
 */
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
#include "db/db.h"
#include "student/student_json.h"
#include "student/student_pack.h"
#include "student/student_store.h"
#include "testutil.h"

/* A record with every kind of field given, 4-byte characters, a 0 that
   is a code (left_behind) and a 0 that is not (hukou_type), repeated
   addresses. */
static void
sample (struct xj_student *s)
{
  static const char addr[] = "广东省清远市阳山县阳城镇高岭村42号";

  xj_student_init (s);
  xj_strlcpy (s->birthplace, "441823", sizeof s->birthplace);
  xj_strlcpy (s->native_place, "广东省阳山县", sizeof s->native_place);
  xj_strlcpy (s->ethnicity, "01", sizeof s->ethnicity);
  xj_strlcpy (s->former_name, "𠮷野家", sizeof s->former_name);
  xj_strlcpy (s->hukou_region, "441823119", sizeof s->hukou_region);
  s->hukou_type = 0;
  xj_strlcpy (s->seat_no, "01", sizeof s->seat_no);
  xj_strlcpy (s->enrol_ym, "202609", sizeof s->enrol_ym);
  xj_strlcpy (s->enrol_mode, "21", sizeof s->enrol_mode);
  s->study_mode = 2;
  xj_strlcpy (s->address, addr, sizeof s->address);
  xj_strlcpy (s->mail_address, addr, sizeof s->mail_address);
  xj_strlcpy (s->home_address, addr, sizeof s->home_address);
  xj_strlcpy (s->phone, "13697423045", sizeof s->phone);
  s->only_child = 0;
  s->left_behind = 0;
  s->disability = 3;
  s->distance_km = 7.5;
  s->transport = 9;
  xj_strlcpy (s->guardians[0].name, "杨永", sizeof s->guardians[0].name);
  xj_strlcpy (s->guardians[0].relation, "1",
              sizeof s->guardians[0].relation);
  xj_strlcpy (s->guardians[0].phone, "13697423045",
              sizeof s->guardians[0].phone);
  s->guardians[0].is_guardian = 1;
  xj_strlcpy (s->guardians[0].address, addr,
              sizeof s->guardians[0].address);
  xj_strlcpy (s->guardians[1].name, "曾英·翠", sizeof s->guardians[1].name);
  s->guardians[1].is_guardian = 0;
  xj_strlcpy (s->guardians[1].id_no, "44182319800101002x",
              sizeof s->guardians[1].id_no);
  xj_strlcpy (s->guardians[1].address, addr,
              sizeof s->guardians[1].address);
}

static void
test_numbers (void **state)
{
  unsigned used[128] = { 0 };

  (void) state;
  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    {
      unsigned no = xj_student_pack_no (f);

      if (xj_student_is_column (f->key))
        {
          assert_int_equal (no, 0);
          continue;
        }
      if (0 == no)
        fail_msg ("field %s has no pack number", f->key);
      assert_true (no < 128);
      assert_int_equal (used[no], 0);
      used[no] = 1;
      assert_ptr_equal (xj_student_pack_field (no), f);
    }
  assert_null (xj_student_pack_field (0));
  assert_null (xj_student_pack_field (127));
  /* frozen: the first and last numbers keep their fields */
  assert_string_equal (xj_student_pack_field (1)->key, "birthplace");
  assert_string_equal (xj_student_pack_field (58)->key, "g2_address");
}

/* pack -> unpack gives what loading the JSON dump gives */
static void
assert_same_as_json (const struct xj_student *s)
{
  struct xj_student *a = xj_malloc (sizeof *a);
  struct xj_student *b = xj_malloc (sizeof *b);
  struct xj_buf p;
  char *json = xj_student_data_dump (s);

  xj_buf_init (&p, 0);
  xj_student_pack (s, &p);
  assert_int_equal ((unsigned char) p.data[0], XJ_PACK_V1);
  xj_student_init (a);
  xj_student_init (b);
  assert_int_equal (xj_student_data_load (a, json, strlen (json)), XJ_E_OK);
  assert_int_equal (xj_student_data_load (b, p.data, p.len), XJ_E_OK);
  assert_memory_equal (a, b, sizeof *a);
  /* and packing what was loaded gives the same bytes */
  {
    struct xj_buf q;

    xj_buf_init (&q, 0);
    xj_student_pack (b, &q);
    assert_int_equal (q.len, p.len);
    assert_memory_equal (q.data, p.data, p.len);
    xj_buf_fini (&q);
  }
  xj_buf_fini (&p);
  free (json);
  free (a);
  free (b);
}

static void
test_round_trip (void **state)
{
  struct xj_student *s = xj_malloc (sizeof *s);

  (void) state;
  sample (s);
  assert_same_as_json (s);
  xj_student_init (s);            /* nothing given */
  assert_same_as_json (s);
  sample (s);                     /* longest values, odd numbers */
  memset (s->specialty, 'x', sizeof s->specialty - 1);
  s->specialty[sizeof s->specialty - 1] = '\0';
  s->distance_km = 0.1;
  s->left_behind = 2;
  s->only_child = 1;
  s->guardians[0].address[0] = '\0';
  assert_same_as_json (s);
  free (s);
}

static void
test_smaller_than_json (void **state)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_buf p;
  char *json;
  size_t addr = strlen ("广东省清远市阳山县阳城镇高岭村42号");

  (void) state;
  sample (s);
  json = xj_student_data_dump (s);
  xj_buf_init (&p, 0);
  xj_student_pack (s, &p);
  /* the address is stored once; four later copies are 2 bytes each */
  assert_non_null (memmem (p.data, p.len, s->address, addr));
  assert_null (memmem ((char *) memmem (p.data, p.len, s->address, addr) + addr,
                       p.len - (size_t) ((char *) memmem (p.data, p.len,
                                                          s->address, addr)
                                         - p.data) - addr,
                       s->address, addr));
  assert_true (p.len * 3 < strlen (json));
  xj_buf_fini (&p);
  free (json);
  free (s);
}

static void
expect_bad (const void *p, size_t n)
{
  struct xj_student *s = xj_malloc (sizeof *s);

  xj_student_init (s);
  assert_int_equal (xj_student_unpack (s, p, n), XJ_E_INTERNAL);
  free (s);
}

static void
test_damage (void **state)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_buf p;
  unsigned char *cut;

  (void) state;
  sample (s);
  xj_buf_init (&p, 0);
  xj_student_pack (s, &p);
  /* every truncation is either a shorter valid value (cut between
     entries) or refused; reading never goes past the end (ASan run) */
  for (size_t n = 0; n < p.len; n++)
    {
      struct xj_student *t = xj_malloc (sizeof *t);

      cut = xj_malloc (n ? n : 1);
      memcpy (cut, p.data, n);
      xj_student_init (t);
      (void) xj_student_unpack (t, cut, n);
      free (cut);
      free (t);
    }
  expect_bad ("", 0);
  expect_bad ("{}", 2);                                 /* not packed */
  expect_bad ("\x01\x00", 2);                           /* number 0 */
  expect_bad ("\x01\x7f\x01x", 4);                      /* unused number */
  expect_bad ("\x01\x02\x01x\x02\x01y", 7);             /* twice */
  expect_bad ("\x01\x82\x14", 3);                       /* ref to a later one */
  expect_bad ("\x01\x82\x02", 3);                       /* ref to itself */
  expect_bad ("\x01\x97\x01", 3);                       /* ref to a text not seen */
  expect_bad ("\x01\x8b\x02", 3);                       /* ref into an int */
  expect_bad ("\x01\x02\x05" "ab", 5);                  /* text past the end */
  expect_bad ("\x01\x02\x00", 3);                       /* empty text */
  expect_bad ("\x01\x02\x02" "a\x00", 5);               /* NUL in text */
  expect_bad ("\x01\x02\x02\xff\xfe", 5);               /* not UTF-8 */
  expect_bad ("\x01\x01\x10" "0123456789012345", 19);   /* too long (16) */
  expect_bad ("\x01\x0b\xff\xff\xff\xff\x0f", 7);       /* int too big */
  expect_bad ("\x01\x0b\x80", 3);                       /* varint cut */
  expect_bad ("\x01\x24\x00\x00\x00\x00\x00\x00\xf8\x7f", 10); /* NaN km */
  expect_bad ("\x01\x24\x00\x00\x00\x00\x00\x00\xf0\x7f", 10); /* +inf */
  expect_bad ("\x01\x24\x00\x00", 4);                   /* double cut */
  xj_buf_fini (&p);
  free (s);
}

/* The store reads both forms: a row written before the packed form
   holds JSON text. */
static void
test_store_reads_json_rows (void **state)
{
  char path[64];
  struct xj_db *db;
  sqlite3 *raw;
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_student *got = xj_malloc (sizeof *got);
  struct xj_student_ctx ctx;
  struct xj_actor a = { 0, "test", "cli" };
  sqlite3_stmt *st;
  char *json;

  (void) state;
  xj_test_tmp_path (path, sizeof path, "pack");
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  assert_int_equal (sqlite3_open (path, &raw), SQLITE_OK);
  assert_int_equal (sqlite3_exec (raw, "INSERT INTO regions (code, name,"
                                  " level) VALUES ('441823', '阳山县', 3);"
                                  "INSERT INTO schools (id, code, name,"
                                  " stage, county_code, created_at) VALUES"
                                  " (1, '2144182301', '阳山一小', 'primary',"
                                  " '441823', '2026-11-23')", NULL, NULL, NULL),
                    SQLITE_OK);
  sample (s);
  xj_strlcpy (s->registry_no, "G441823201106273456", sizeof s->registry_no);
  xj_strlcpy (s->id_no, "441823201106273456", sizeof s->id_no);
  xj_strlcpy (s->name, "蒙华博", sizeof s->name);
  s->gender = 1;
  xj_strlcpy (s->birth_date, "2011-06-27", sizeof s->birth_date);
  xj_strlcpy (s->grade, "16", sizeof s->grade);
  s->school_id = 1;
  assert_string_equal (xj_err_code (xj_student_insert (
                         db, s, &a, "register", "2026-11-23T10:00:00+08:00")),
                       xj_err_code (XJ_E_OK));
  /* stored packed */
  assert_int_equal (sqlite3_prepare_v2 (raw, "SELECT typeof(data),"
                                        " substr(data, 1, 1) FROM students",
                                        -1, &st, NULL), SQLITE_OK);
  assert_int_equal (sqlite3_step (st), SQLITE_ROW);
  assert_string_equal ((const char *) sqlite3_column_text (st, 0), "blob");
  assert_int_equal (sqlite3_column_bytes (st, 1), 1);
  assert_int_equal (((const unsigned char *) sqlite3_column_blob (st, 1))[0],
                    XJ_PACK_V1);
  sqlite3_finalize (st);
  assert_int_equal (xj_student_load_ctx (db, s->id, got, &ctx), XJ_E_OK);
  assert_string_equal (got->former_name, "𠮷野家");
  assert_string_equal (got->guardians[1].address, s->address);
  /* the same row as JSON text (the earlier form) loads the same */
  json = xj_student_data_dump (s);
  assert_int_equal (sqlite3_prepare_v2 (raw, "UPDATE students SET data = ?1",
                                        -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_text (st, 1, json, -1, SQLITE_STATIC);
  assert_int_equal (sqlite3_step (st), SQLITE_DONE);
  sqlite3_finalize (st);
  {
    struct xj_student *old = xj_malloc (sizeof *old);

    assert_int_equal (xj_student_load_ctx (db, s->id, old, &ctx), XJ_E_OK);
    assert_memory_equal (old, got, sizeof *old);
    free (old);
  }
  free (json);
  sqlite3_close (raw);
  xj_db_close (db);
  unlink (path);
  free (s);
  free (got);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_numbers),
    cmocka_unit_test (test_round_trip),
    cmocka_unit_test (test_smaller_than_json),
    cmocka_unit_test (test_damage),
    cmocka_unit_test (test_store_reads_json_rows),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
