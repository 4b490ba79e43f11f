/* test_student_patch.c -- xj_student_patch, THE edit of a record's fields
 * (src/student/student_patch.c): the body's checks, scope, the refused
 * fields, the stale version, an edit that writes and one that changes
 * nothing.  The HTTP suite covers the replies (test_record_edit.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "testutil.h"
#include "gen/gen.h"
#include "region/region.h"
#include "student/student_patch.h"

/* 2026-10-15 12:00 +08:00: school year 2026 */
#define FAKE_NOW 1792036800

struct fx {
  char path[64];
  struct xj_db *db;
  struct xj_student s;   /* student 1 as generated */
  struct xj_user admin;
  struct xj_actor a;
};

static int
setup (void **state)
{
  struct fx *f = xj_calloc (1, sizeof *f);
  struct xj_gen_opts o = { .county = "441823", .schools = 1,
                           .students = 20, .seed = 7 };
  struct xj_gen_result r;

  xj_clock_set (FAKE_NOW);
  xj_test_tmp_path (f->path, sizeof f->path, "patch");
  assert_int_equal (xj_db_open (f->path, XJ_DB_OPEN_CREATE, &f->db), XJ_E_OK);
  assert_int_equal (xj_region_load_builtin (f->db), XJ_E_OK);
  assert_int_equal (xj_gen_run (f->db, &o, &r), XJ_E_OK);
  assert_int_equal (xj_student_load (f->db, 1, &f->s), XJ_E_OK);
  f->admin = (struct xj_user) { .id = 1, .username = "admin",
                                .role = XJ_ROLE_ADMIN };
  f->a = (struct xj_actor) { 0, "admin", "test" }; /* no users table row */
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fx *f = *state;
  static const char *const ext[] = { "", "-wal", "-shm", ".auditkey",
                                     ".checkpoints" };
  char side[96];

  xj_db_close (f->db);
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
    {
      snprintf (side, sizeof side, "%s%s", f->path, ext[i]);
      unlink (side);
    }
  free (f);
  return 0;
}

/* xj_student_patch of the JSON text @body as @u; @out filled. */
static enum xj_err
patch (struct fx *f, const struct xj_user *u, const char *body,
       struct xj_student_patch_out *out)
{
  json_t *j = json_loads (body, 0, NULL);
  enum xj_err e;

  assert_non_null (j);
  e = xj_student_patch (f->db, u, &f->a, f->s.id, j, out);
  /* field names may point into the body: compare them before freeing */
  if (out->field)
    out->field = strcmp (out->field, "version") == 0 ? "version"
                 : strcmp (out->field, "status") == 0 ? "status" : "other";
  json_decref (j);
  return e;
}

static void
refuses_before_reading (void **state)
{
  struct fx *f = *state;
  struct xj_student_patch_out o;

  assert_int_equal (patch (f, &f->admin, "{\"health\": \"20\"}", &o),
                    XJ_E_MISSING_FIELD);
  assert_string_equal (o.field, "version");
  assert_null (o.s);
  xj_student_patch_out_fini (&o);
  assert_int_equal (patch (f, &f->admin,
                           "{\"version\": 1, \"registry_no\": \"G1\"}", &o),
                    XJ_E_KEY_FIELD);
  xj_student_patch_out_fini (&o);
}

static void
out_of_scope_is_not_found (void **state)
{
  struct fx *f = *state;
  struct xj_user other = { .id = 9, .role = XJ_ROLE_REGISTRAR,
                           .school_id = f->s.school_id + 1000 };
  struct xj_user teacher = { .id = 10, .role = XJ_ROLE_TEACHER,
                             .school_id = f->s.school_id, .nclasses = 1 };
  struct xj_student_patch_out o;
  char body[64];

  teacher.class_ids[0] = f->s.class_id;
  snprintf (body, sizeof body, "{\"version\": %lld, \"health\": \"20\"}",
            (long long) f->s.version);
  assert_int_equal (patch (f, &other, body, &o), XJ_E_NOT_FOUND);
  xj_student_patch_out_fini (&o);
  /* a class teacher reads the record but may not write it */
  assert_int_equal (patch (f, &teacher, body, &o), XJ_E_NOT_FOUND);
  xj_student_patch_out_fini (&o);
}

static void
edits_once_then_nothing_changes (void **state)
{
  struct fx *f = *state;
  const char *to = 0 == strcmp (f->s.health, "20") ? "10" : "20";
  struct xj_student_patch_out o;
  struct xj_student after;
  char body[96];

  snprintf (body, sizeof body, "{\"version\": %lld, \"health\": \"%s\"}",
            (long long) f->s.version, to);
  assert_int_equal (patch (f, &f->admin, body, &o), XJ_E_OK);
  assert_true (o.changed);
  assert_string_equal (o.s->health, to);
  xj_student_patch_out_fini (&o);
  assert_int_equal (xj_student_load (f->db, f->s.id, &after), XJ_E_OK);
  assert_string_equal (after.health, to);
  assert_true (after.version > f->s.version);

  /* the same edit again at the new version writes nothing */
  snprintf (body, sizeof body, "{\"version\": %lld, \"health\": \"%s\"}",
            (long long) after.version, to);
  assert_int_equal (patch (f, &f->admin, body, &o), XJ_E_OK);
  assert_false (o.changed);
  xj_student_patch_out_fini (&o);

  /* the old version is stale */
  snprintf (body, sizeof body, "{\"version\": %lld, \"health\": \"%s\"}",
            (long long) f->s.version, to);
  assert_int_equal (patch (f, &f->admin, body, &o), XJ_E_CONFLICT);
  assert_string_equal (o.field, "version");
  assert_non_null (o.detail);
  assert_non_null (strstr (o.detail, "当前版本为"));
  xj_student_patch_out_fini (&o);
}

static void
status_changes_only_by_a_change (void **state)
{
  struct fx *f = *state;
  struct xj_student cur;
  struct xj_student_patch_out o;
  char body[96];

  assert_int_equal (xj_student_load (f->db, f->s.id, &cur), XJ_E_OK);
  snprintf (body, sizeof body, "{\"version\": %lld, \"status\": \"withdrawn\"}",
            (long long) cur.version);
  assert_int_equal (patch (f, &f->admin, body, &o), XJ_E_PATCH_STATUS);
  assert_string_equal (o.field, "status");
  xj_student_patch_out_fini (&o);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (refuses_before_reading),
    cmocka_unit_test (out_of_scope_is_not_found),
    cmocka_unit_test (edits_once_then_nothing_changes),
    cmocka_unit_test (status_changes_only_by_a_change),
  };

  return cmocka_run_group_tests (tests, setup, teardown);
}
