/* test_student_json_text.c -- the GET hot path's shortcuts give exactly
 * what the general code gives: xj_student_to_json_text is byte for byte
 * json_dumps of xj_student_to_json (+ extra members), a G registry
 * number masked the same way in both; the fast path of
 * xj_student_data_load ends in the same struct and status as jansson
 * parsing with xj_student_from_json; xj_session_get (one statement)
 * returns the user, its CSRF token and a teacher's classes, and refuses
 * deleted sessions and disabled users at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/util.h"
#include "db/db.h"
#include "student/student_json.h"
#include "user/user.h"
#include "testutil.h"

static void
sample (struct xj_student *s)
{
  xj_student_init (s);
  s->id = 42;
  xj_strlcpy (s->registry_no, "G441823201106273456", sizeof s->registry_no);
  xj_strlcpy (s->name, "蒙华博", sizeof s->name);
  s->gender = 1;
  xj_strlcpy (s->birth_date, "2011-06-27", sizeof s->birth_date);
  xj_strlcpy (s->id_no, "441823201106273456", sizeof s->id_no);
  xj_strlcpy (s->grade, "31", sizeof s->grade);
  xj_strlcpy (s->phone, "13112343917", sizeof s->phone);
  xj_strlcpy (s->address, "上坪村\"124\"号\\ \n\t\x01\x1f end",
              sizeof s->address);
  xj_strlcpy (s->guardians[0].name, "梁凤萍", sizeof s->guardians[0].name);
  xj_strlcpy (s->guardians[0].phone, "13112343917",
              sizeof s->guardians[0].phone);
  s->guardians[0].is_guardian = 1;
  s->only_child = 0;
  s->left_behind = 2;
  s->school_id = 7;
  s->class_id = 0;
  s->version = 3;
  s->distance_km = 4.8;
}

static void
assert_same_text (const struct xj_student *s, unsigned show, json_t *extra)
{
  json_t *o = xj_student_to_json (s, show);
  char *want, *got;

  if (extra)
    json_object_update (o, extra);
  want = json_dumps (o, XJ_JSON_DUMP_FLAGS);
  got = xj_student_to_json_text (s, show, extra);
  assert_string_equal (got, want);
  free (want);
  free (got);
  json_decref (o);
}

static void
test_text_matches_jansson (void **state)
{
  static const double reals[] = { 0.0, 4.8, 33.9, 1e-7, 1e21, 123456789.0,
                                  0.1, 1e300, 5e-324, 7.0, -1.0, INFINITY };
  struct xj_student s;
  json_t *extra;

  (void) state;
  sample (&s);
  assert_same_text (&s, 0, NULL);
  assert_same_text (&s, XJ_PII_ALL, NULL);
  for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
    {
      s.distance_km = reals[i];
      assert_same_text (&s, 0, NULL);
    }
  s.class_id = 9;
  s.gender = 0;
  s.id_no[0] = '\0';
  xj_strlcpy (s.email, "bad \xff\xfe utf-8", sizeof s.email); /* dropped */
  extra = json_pack ("{s:s, s:s, s:[s, s]}", "school_name", "阳山县第一中学",
                     "class_name", "高一(2)班", "aliases", "L1", "L\"2");
  assert_same_text (&s, 0, extra);
  assert_same_text (&s, XJ_PII_ALL, extra);
  json_decref (extra);
  extra = json_object ();
  assert_same_text (&s, 0, extra);
  json_decref (extra);
}

/* Registry numbers (G = "G" + the resident ID; L and J built like one)
   are masked the same way in both paths: letter, address code and birth
   date shown, never positions 15-18 of the number. */
static void
test_registry_no_masked (void **state)
{
  static const char *const nos[][2] = {
    { "G441823201106273456", "G44182320110627****" },
    { "G44182320110627345X", "G44182320110627****" },
    { "L441823201106270001", "L44182320110627****" },
    { "J441823201106270002", "J44182320110627****" },
    { "", "" },
    { "G", "G" },
  };
  struct xj_student s;
  char m[24], small[6];
  json_t *o, *ev;

  (void) state;
  sample (&s);
  for (size_t i = 0; i < sizeof nos / sizeof nos[0]; i++)
    {
      xj_mask (XJ_MASK_REGISTRY_NO, nos[i][0], m, sizeof m);
      assert_string_equal (m, nos[i][1]);
      xj_strlcpy (s.registry_no, nos[i][0], sizeof s.registry_no);
      o = xj_student_to_json (&s, 0);
      assert_string_equal (json_string_value (json_object_get (o,
                                                               "registry_no")),
                           nos[i][1]);
      json_decref (o);
      o = xj_student_to_json (&s, XJ_PII_ALL);
      assert_string_equal (json_string_value (json_object_get (o,
                                                               "registry_no")),
                           nos[i][0]);
      json_decref (o);
      /* phones revealed, the registry number still not */
      o = xj_student_to_json (&s, XJ_PII_PHONE);
      assert_string_equal (json_string_value (json_object_get (o,
                                                               "registry_no")),
                           nos[i][1]);
      assert_string_equal (json_string_value (json_object_get (o, "g1_phone")),
                           "13112343917");
      json_decref (o);
      assert_same_text (&s, 0, NULL);
      assert_same_text (&s, XJ_PII_ALL, NULL);
      assert_same_text (&s, XJ_PII_PHONE, NULL);
    }
  /* truncated, never overrun */
  xj_mask (XJ_MASK_REGISTRY_NO, "G441823201106273456", small, sizeof small);
  assert_string_equal (small, "G4418");
  /* stored history (events, audit): the registry_no member too */
  ev = json_pack ("{s:s, s:s, s:s, s:s}", "registry_no",
                  "G441823201106273456", "id_no", "441823201106273456",
                  "name", "蒙华博", "g1_id_no", "44182319800101123X");
  xj_student_mask_json (ev);
  assert_string_equal (json_string_value (json_object_get (ev, "registry_no")),
                       "G44182320110627****");
  assert_string_equal (json_string_value (json_object_get (ev, "id_no")),
                       "44182320110627****");
  assert_string_equal (json_string_value (json_object_get (ev, "g1_id_no")),
                       "441823************");
  assert_string_equal (json_string_value (json_object_get (ev, "name")),
                       "蒙华博");
  json_decref (ev);
}

/* Load @data both ways and compare status and struct. */
static void
assert_same_load (const char *data)
{
  struct xj_student *a = xj_malloc (sizeof *a);
  struct xj_student *b = xj_malloc (sizeof *b);
  struct xj_verrs *errs = xj_calloc (1, sizeof *errs);
  json_t *o = json_loads (data, 0, NULL);
  const char *bad;
  enum xj_err ea, eb;

  sample (a);
  sample (b);
  ea = xj_student_data_load (a, data, strlen (data));
  eb = NULL == o ? XJ_E_INTERNAL : xj_student_from_json (o, b, 0, errs, &bad);
  assert_int_equal (ea, eb);
  assert_memory_equal (a, b, sizeof *a);
  json_decref (o);
  free (errs);
  free (a);
  free (b);
}

static void
test_data_load_matches_jansson (void **state)
{
  static const char *const cases[] = {
    "{}", " { } ", "{\"ethnicity\":\"08\",\"only_child\":1,\"distance_km\":3}",
    "{\"ethnicity\" : \"08\" , \"distance_km\" : 3.25e1 }",
    "{\"address\":\"a\\\"b\\\\c\\n\\u4e2d\"}",       /* escapes: jansson path */
    "{\"address\":\"x\",\"nope\":1}",                /* unknown key */
    "{\"only_child\":\"1\"}",                        /* wrong type */
    "{\"only_child\":1.5}", "{\"only_child\":2000000}", "{\"only_child\":-2}",
    "{\"only_child\":null,\"address\":null,\"distance_km\":null}",
    "{\"postcode\":\"123456789012\"}",               /* too long */
    "{\"address\":{\"a\":1}}", "{\"address\":[1]}", "[1]",
    "{\"distance_km\":-0.5e-3}", "{\"only_child\":true}",
    "{\"address\":\"a\",\"address\":\"b\"}",
    "{\"g2_name\":\"蒙强勇\",\"g2_is_guardian\":0,\"name\":\"x\"}",
  };
  /* Not JSON: the fast path must decline, so the load reaches jansson and
     XJ_BUG, which aborts in debug builds -- run each in a child. */
  static const char *const broken[] = {
    "{", "", "{\"address\":\"a\",}", "{\"only_child\":01}",
    "{\"distance_km\":1.}", "{\"distance_km\":1e999}",
    "{\"address\":\"\xff\"}", "{\"only_child\":1} x",
    "{\"only_child\":nul}", "{\"address\":\"a\tb\"}",
  };
  struct xj_student s;
  char *dump;

  (void) state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_same_load (cases[i]);
  for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++)
    {
      pid_t pid;
      int st;

      assert_null (json_loads (broken[i], 0, NULL));
      pid = fork ();
      assert_true (pid >= 0);
      if (0 == pid)
        {
          freopen ("/dev/null", "w", stderr);
          sample (&s);
          _exit (XJ_E_OK == xj_student_data_load (&s, broken[i],
                                                  strlen (broken[i]))
                 ? 0 : 3);
        }
      assert_int_equal (waitpid (pid, &st, 0), pid);
      assert_false (WIFEXITED (st) && 0 == WEXITSTATUS (st));
    }
  sample (&s);
  dump = xj_student_data_dump (&s);
  assert_same_load (dump);
  free (dump);
}

static void
test_session_one_query (void **state)
{
  char path[64], side[110], apath[90];
  struct xj_db *db, *auth;
  struct xj_user u;
  struct xj_login l = { .username = "b1", .password = "password-123",
                        .ip = "127.0.0.1" };
  char csrf2[65];
  int64_t id = 0, tid = 0;
  sqlite3 *raw;
  struct xj_user_new bureau = { "b1", "局用户", "password-123", XJ_ROLE_BUREAU,
                                NULL, 0 };
  struct xj_user_new teacher = { "t1", "老师", "password-123", XJ_ROLE_TEACHER,
                                 NULL, 0 };

  (void) state;
  xj_test_tmp_path (path, sizeof path, "sess");
  assert_int_equal (xj_db_open (path, XJ_DB_OPEN_CREATE, &db), XJ_E_OK);
  xj_db_auth_path (path, apath, sizeof apath);
  assert_int_equal (xj_db_open (apath, XJ_DB_OPEN_AUTH, &auth), XJ_E_OK);
  assert_int_equal (xj_user_create (db, &bureau, &id), XJ_E_OK);
  assert_int_equal (xj_user_create (db, &teacher, &tid), XJ_E_OK);
  /* a region and class ids that exist in no table: a second connection
     has no foreign keys */
  assert_int_equal (sqlite3_open (path, &raw), SQLITE_OK);
  assert_int_equal (sqlite3_exec (raw, "UPDATE users SET region_code ="
                                  " '441823' WHERE username = 'b1'", NULL,
                                  NULL, NULL), SQLITE_OK);
  assert_int_equal (sqlite3_exec (raw, "INSERT INTO user_classes VALUES"
                                  " (2, 31), (2, 5)", NULL, NULL, NULL),
                    SQLITE_OK);

  assert_int_equal (xj_user_login (auth, db, &l), XJ_E_OK);
  memset (&u, 0x5a, sizeof u);
  assert_int_equal (xj_session_get (auth, db, l.token, &u, csrf2), XJ_E_OK);
  assert_int_equal (u.id, id);
  assert_string_equal (u.username, "b1");
  assert_string_equal (u.display_name, "局用户");
  assert_int_equal (u.role, XJ_ROLE_BUREAU);
  assert_string_equal (u.region_code, "441823");
  assert_int_equal (u.school_id, 0);
  assert_int_equal (u.nclasses, 0);
  assert_string_equal (csrf2, l.csrf);
  /* disabled: refused on the next request */
  assert_int_equal (sqlite3_exec (raw, "UPDATE users SET disabled = 1"
                                  " WHERE username = 'b1'", NULL, NULL, NULL),
                    SQLITE_OK);
  assert_int_equal (xj_session_get (auth, db, l.token, &u, csrf2),
                    XJ_E_UNAUTHENTICATED);
  sqlite3_exec (raw, "UPDATE users SET disabled = 0", NULL, NULL, NULL);
  assert_int_equal (xj_session_get (auth, db, l.token, &u, csrf2), XJ_E_OK);
  /* logged out: refused at once */
  assert_int_equal (xj_session_logout (auth, l.token, &u, "127.0.0.1"),
                    XJ_E_OK);
  assert_int_equal (xj_session_get (auth, db, l.token, &u, csrf2),
                    XJ_E_UNAUTHENTICATED);

  l.username = "t1";
  assert_int_equal (xj_user_login (auth, db, &l), XJ_E_OK);
  assert_int_equal (xj_session_get (auth, db, l.token, &u, csrf2), XJ_E_OK);
  assert_int_equal (u.id, tid);
  assert_int_equal (u.role, XJ_ROLE_TEACHER);
  assert_int_equal (u.nclasses, 2);
  assert_int_equal (u.class_ids[0], 5);
  assert_int_equal (u.class_ids[1], 31);

  sqlite3_close (raw);
  xj_db_close (db);
  xj_db_close (auth);
  for (int i = 0; i < 2; i++)
    {
      const char *p = i ? apath : path;

      unlink (p);
      snprintf (side, sizeof side, "%s-wal", p);
      unlink (side);
      snprintf (side, sizeof side, "%s-shm", p);
      unlink (side);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_text_matches_jansson),
    cmocka_unit_test (test_registry_no_masked),
    cmocka_unit_test (test_data_load_matches_jansson),
    cmocka_unit_test (test_session_one_query),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
