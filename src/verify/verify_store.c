/* verify_store.c -- the SQL of the semester verification and of the
 * ghost-record queue (verify_int.h).  Writes run inside the caller's
 * write transaction.
 */
#include <stdlib.h>
#include <string.h>
#include "student/student.h"
#include "student/student_store_sql.h"
#include "verify/verify_int.h"

static enum xj_err
qs_err (enum xj_qs qs)
{
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static void
masked_regno (const char *in, char *out, size_t n)
{
  xj_mask (XJ_MASK_REGISTRY_NO, in, out, n);
}

/* ---- ticks ---- */

XJ_DB_STMT (st_vf_student,
            "SELECT st.id, st.school_id, coalesce(st.class_id, 0), st.status,"
            " sc.county_code FROM students st"
            " JOIN schools sc ON sc.id = st.school_id WHERE st.id = $1")
XJ_DB_STMT (st_vf_change_of,
            "SELECT count(*) FROM change_requests WHERE id = $1"
            " AND student_id = $2")
/* Record edits (PATCH /students/{id}: event "update") since $2. */
XJ_DB_STMT (st_vf_edited,
            "SELECT count(*) FROM student_events WHERE student_id = $1"
            " AND kind = 'update' AND at >= $2")
XJ_DB_STMT (st_vf_tick_ins,
            "INSERT INTO verify_ticks (student_id, school_id, class_id,"
            " school_year, term, present, correct, correction, change_id,"
            " at, actor_id, actor, province) VALUES ($1, $2, $3, $4, $5,"
            " $6, $7, $8, $9, $10, $11, $12, "
            XJ_PROVINCE_OF ("students", "$1") ") RETURNING id")
XJ_DB_STMT (st_vf_state_put,
            "INSERT INTO verify_state (student_id, school_year, term,"
            " school_id, tick_id, verified, settled, province) VALUES ($1,"
            " $2, $3, $4, $5, $6, $7, " XJ_PROVINCE_OF ("students", "$1")
            ") ON CONFLICT (student_id, school_year, term, province) DO"
            " UPDATE SET school_id = excluded.school_id, tick_id ="
            " excluded.tick_id, verified = excluded.verified, settled ="
            " excluded.settled")

static const struct xj_db_field student_fields[] = {
  XJ_DB_F_I64 (struct xj_vf_student, id),
  XJ_DB_F_I64 (struct xj_vf_student, school_id),
  XJ_DB_F_I64 (struct xj_vf_student, class_id),
  XJ_DB_F_TEXT (struct xj_vf_student, status),
  XJ_DB_F_TEXT (struct xj_vf_student, county),
};

static int
student_row (void *cls, const struct xj_db_row *r)
{
  xj_db_row_fields (r, student_fields, XJ_DB_NFIELDS (student_fields), cls);
  return 0;
}

enum xj_err
xj_vf_store_student (struct xj_db *db, int64_t id, struct xj_vf_student *out)
{
  enum xj_qs qs;

  memset (out, 0, sizeof *out);
  qs = xj_db_q (db, &st_vf_student, XJ_DB_PARAMS (XJ_DB_I (id)),
                &student_row, out);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_vf_store_change_of (struct xj_db *db, int64_t change_id,
                       int64_t student_id, bool *yes)
{
  int64_t n = 0;
  enum xj_qs qs = xj_db_q (db, &st_vf_change_of,
                           XJ_DB_PARAMS (XJ_DB_I (change_id),
                                         XJ_DB_I (student_id)),
                           &xj_db_int64_cb, &n);

  *yes = n > 0;
  return qs_err (qs);
}

enum xj_err
xj_vf_store_edited_since (struct xj_db *db, int64_t student_id,
                          const char *since, bool *yes)
{
  int64_t n = 0;
  enum xj_qs qs = xj_db_q (db, &st_vf_edited,
                           XJ_DB_PARAMS (XJ_DB_I (student_id),
                                         XJ_DB_S (since)),
                           &xj_db_int64_cb, &n);

  *yes = n > 0;
  return qs_err (qs);
}

enum xj_err
xj_vf_store_tick (struct xj_db *db, const struct xj_vf_student *s,
                  int school_year, int term, const struct xj_verify_tick *t,
                  const char *correction, const char *at,
                  const struct xj_actor *a)
{
  bool verified = t->present && t->correct;
  int64_t tick_id = 0;
  enum xj_qs qs;

  qs = xj_db_q (db, &st_vf_tick_ins,
                XJ_DB_PARAMS (XJ_DB_I (s->id), XJ_DB_I (s->school_id),
                              XJ_DB_I (s->class_id), XJ_DB_I (school_year),
                              XJ_DB_I (term), XJ_DB_I (t->present),
                              XJ_DB_I (t->correct), XJ_DB_S (correction),
                              t->change_id > 0 ? XJ_DB_I (t->change_id)
                                               : XJ_DB_NUL,
                              XJ_DB_S (at),
                              a->user_id ? XJ_DB_I (a->user_id) : XJ_DB_NUL,
                              XJ_DB_S (a->username)),
                &xj_db_int64_cb, &tick_id);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return qs_err (xj_db_q (
    db, &st_vf_state_put,
    XJ_DB_PARAMS (XJ_DB_I (s->id), XJ_DB_I (school_year), XJ_DB_I (term),
                  XJ_DB_I (s->school_id), XJ_DB_I (tick_id),
                  XJ_DB_I (verified),
                  XJ_DB_I (xj_verify_settles (t->present, t->correct,
                                              correction))),
    NULL, NULL));
}

/* ---- the checklist ---- */

XJ_DB_STMT (st_vf_class,
            "SELECT c.id, c.school_id, c.name, c.grade, sc.county_code,"
            " sc.name FROM classes c JOIN schools sc ON sc.id = c.school_id"
            " WHERE c.id = $1")
/* $1 class, $2 year, $3 term */
XJ_DB_STMT (st_vf_checklist,
            "SELECT st.id, st.name, st.registry_no, st.gender,"
            " t.present, t.correct, t.correction, coalesce(t.change_id, 0),"
            " t.at, t.actor, coalesce(v.settled, 0),"
            " CASE WHEN t.id IS NULL THEN 0 ELSE 1 END"
            " FROM students st LEFT JOIN verify_state v"
            " ON v.student_id = st.id AND v.school_year = $2 AND v.term = $3"
            " LEFT JOIN verify_ticks t ON t.id = v.tick_id"
            " WHERE st.class_id = $1 AND st.status = 'enrolled'"
            " ORDER BY st.name, st.id")

static const struct xj_db_field class_fields[] = {
  XJ_DB_F_I64 (struct xj_vf_class, id),
  XJ_DB_F_I64 (struct xj_vf_class, school_id),
  XJ_DB_F_TEXT (struct xj_vf_class, name),
  XJ_DB_F_TEXT (struct xj_vf_class, grade),
  XJ_DB_F_TEXT (struct xj_vf_class, county),
  XJ_DB_F_TEXT (struct xj_vf_class, school_name),
};

static int
class_row (void *cls, const struct xj_db_row *r)
{
  xj_db_row_fields (r, class_fields, XJ_DB_NFIELDS (class_fields), cls);
  return 0;
}

enum xj_err
xj_vf_store_class (struct xj_db *db, int64_t id, struct xj_vf_class *out)
{
  enum xj_qs qs;

  memset (out, 0, sizeof *out);
  qs = xj_db_q (db, &st_vf_class, XJ_DB_PARAMS (XJ_DB_I (id)), &class_row,
                out);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

static int
checklist_row (void *cls, const struct xj_db_row *r)
{
  char regno[32];
  bool ticked = 0 != xj_db_int (r, 11);
  json_t *o;

  masked_regno (xj_db_text (r, 2), regno, sizeof regno);
  o = json_pack ("{s:I, s:s, s:s, s:I, s:b}", "id",
                 (json_int_t) xj_db_int (r, 0), "name", xj_db_text (r, 1),
                 "registry_no", regno, "gender",
                 (json_int_t) xj_db_int (r, 3), "settled",
                 0 != xj_db_int (r, 10));
  if (ticked)
    {
      json_object_set_new (o, "present", json_boolean (xj_db_int (r, 4)));
      json_object_set_new (o, "correct", json_boolean (xj_db_int (r, 5)));
      json_object_set_new (o, "correction", json_string (xj_db_text (r, 6)));
      json_object_set_new (o, "change_id", json_integer (xj_db_int (r, 7)));
      json_object_set_new (o, "at", json_string (xj_db_text (r, 8)));
      json_object_set_new (o, "actor", json_string (xj_db_text (r, 9)));
    }
  else
    {
      json_object_set_new (o, "present", json_null ());
      json_object_set_new (o, "correct", json_null ());
      json_object_set_new (o, "correction", json_null ());
    }
  json_array_append_new (cls, o);
  return 0;
}

enum xj_err
xj_vf_store_checklist (struct xj_db *db, int64_t class_id, int school_year,
                       int term, json_t *items)
{
  return qs_err (xj_db_q (db, &st_vf_checklist,
                          XJ_DB_PARAMS (XJ_DB_I (class_id),
                                        XJ_DB_I (school_year),
                                        XJ_DB_I (term)),
                          &checklist_row, items));
}

/* ---- progress ---- */

#define SCOPE_SC                                                           \
  XJ_IN_REGION ("sc.county_code", "$1")                                   \
  " AND ($2 = 0 OR sc.id = $2)"
XJ_DB_STMT (st_vf_schools,
            "SELECT sc.id, sc.code, sc.name, sc.county_code FROM schools sc"
            " WHERE" SCOPE_SC " ORDER BY sc.code")
/* The students a round verifies: 在读 in a current-year class of the
   scope, with their state in round ($3, $4): the list (one row per
   student); the counts below count the same students (tests/http
   test_dashboard.py test 8 holds every list's total to its count). */
#define ROUND_ROWS                                                         \
  " FROM classes c JOIN schools sc ON sc.id = c.school_id"                 \
  " JOIN students st ON st.class_id = c.id"                                \
  "  AND st.status = 'enrolled'"                                           \
  " LEFT JOIN verify_state v ON v.student_id = st.id"                      \
  "  AND v.school_year = $3 AND v.term = $4"                               \
  " WHERE" SCOPE_SC                                                        \
  " AND c.year_id = (SELECT id FROM school_years"                          \
  "  WHERE is_current = 1)"
/* Current-year classes with 在读 students: counts in round ($3, $4).
   The same rows counted without reading every student (a county's
   progress at a million students, issue 11 point 7): a class's 在读 from
   class_counts (migration 0030, kept by the database and recounted by
   `xueji check`), its settled and verified from the round's
   verify_state rows of students now in it. */
#define VF_CLASS_N                                                         \
  "(SELECT sum(k.n) FROM class_counts k WHERE k.class_id = c.id)"
XJ_DB_STMT (st_vf_class_counts,
            "SELECT c.id, c.school_id, c.name, c.grade, " VF_CLASS_N ","
            " coalesce(t.settled, 0), coalesce(t.verified, 0)"
            " FROM classes c JOIN schools sc ON sc.id = c.school_id"
            " LEFT JOIN (SELECT st.class_id AS class_id,"
            " sum(CASE WHEN v.settled = 1 THEN 1 ELSE 0 END) AS settled,"
            " sum(CASE WHEN v.verified = 1 THEN 1 ELSE 0 END) AS verified"
            " FROM verify_state v JOIN students st ON st.id = v.student_id"
            "  AND st.status = 'enrolled'"
            " WHERE v.school_year = $3 AND v.term = $4"
            " GROUP BY st.class_id) t ON t.class_id = c.id"
            " WHERE" SCOPE_SC " AND c.year_id = (SELECT id FROM school_years"
            "  WHERE is_current = 1) AND " VF_CLASS_N " > 0"
            " ORDER BY c.school_id, c.grade, c.no")
/* The same rows one per student ($5: one class, 0 all). */
XJ_DB_STMT (st_vf_round_students,
            "SELECT st.id, coalesce(v.settled, 0), coalesce(v.verified, 0)"
            ROUND_ROWS " AND ($5 = 0 OR c.id = $5)")

static int
school_row (void *cls, const struct xj_db_row *r)
{
  json_array_append_new (
    cls, json_pack ("{s:I, s:s, s:s, s:s}", "id",
                    (json_int_t) xj_db_int (r, 0), "code", xj_db_text (r, 1),
                    "name", xj_db_text (r, 2), "county_code",
                    xj_db_text (r, 3)));
  return 0;
}

enum xj_err
xj_vf_store_schools (struct xj_db *db, const struct xj_cs_scope *sc,
                     json_t *schools)
{
  return qs_err (xj_db_q (db, &st_vf_schools,
                          XJ_DB_PARAMS (XJ_DB_S (sc->prefix),
                                        XJ_DB_I (sc->school_id)),
                          &school_row, schools));
}

struct counts_ctx {
  void (*cb) (void *cls, const struct xj_vf_count *c);
  void *cls;
};

static int
count_row (void *cls, const struct xj_db_row *r)
{
  struct counts_ctx *c = cls;
  struct xj_vf_count k = {
    .id = xj_db_int (r, 0), .school_id = xj_db_int (r, 1),
    .name = xj_db_text (r, 2), .grade = xj_db_text (r, 3),
    .students = xj_db_int (r, 4), .settled = xj_db_int (r, 5),
    .verified = xj_db_int (r, 6),
  };

  c->cb (c->cls, &k);
  return 0;
}

enum xj_err
xj_vf_store_class_counts (struct xj_db *db, const struct xj_cs_scope *sc,
                          int school_year, int term,
                          void (*cb) (void *cls, const struct xj_vf_count *c),
                          void *cls)
{
  struct counts_ctx c = { cb, cls };

  return qs_err (xj_db_q (db, &st_vf_class_counts,
                          XJ_DB_PARAMS (XJ_DB_S (sc->prefix),
                                        XJ_DB_I (sc->school_id),
                                        XJ_DB_I (school_year),
                                        XJ_DB_I (term)),
                          &count_row, &c));
}

struct round_ctx {
  void (*cb) (void *cls, int64_t student, bool settled, bool verified);
  void *cls;
};

static int
round_row (void *cls, const struct xj_db_row *r)
{
  struct round_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), 1 == xj_db_int (r, 1),
         1 == xj_db_int (r, 2));
  return 0;
}

enum xj_err
xj_vf_store_round_students (struct xj_db *db, const struct xj_cs_scope *sc,
                            int64_t class_id, int school_year, int term,
                            void (*cb) (void *cls, int64_t student,
                                        bool settled, bool verified),
                            void *cls)
{
  struct round_ctx c = { cb, cls };

  return qs_err (xj_db_q (db, &st_vf_round_students,
                          XJ_DB_PARAMS (XJ_DB_S (sc->prefix),
                                        XJ_DB_I (sc->school_id),
                                        XJ_DB_I (school_year),
                                        XJ_DB_I (term), XJ_DB_I (class_id)),
                          &round_row, &c));
}

/* ---- settings ---- */

XJ_DB_STMT (st_vf_setting, "SELECT value FROM settings WHERE key = $1")
XJ_DB_STMT (st_vf_setting_put,
            "INSERT INTO settings (key, value) VALUES ($1, $2)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value")

struct text_out {
  char *out;
  size_t n;
};

static int
text_row (void *cls, const struct xj_db_row *r)
{
  struct text_out *t = cls;

  xj_strlcpy (t->out, xj_db_text (r, 0), t->n);
  return 1;
}

enum xj_err
xj_vf_store_setting (struct xj_db *db, const char *key, char *out, size_t n)
{
  struct text_out t = { out, n };

  out[0] = '\0';
  return qs_err (xj_db_q (db, &st_vf_setting, XJ_DB_PARAMS (XJ_DB_S (key)),
                          &text_row, &t));
}

enum xj_err
xj_vf_store_setting_put (struct xj_db *db, const char *key, const char *value)
{
  return qs_err (xj_db_q (db, &st_vf_setting_put,
                          XJ_DB_PARAMS (XJ_DB_S (key), XJ_DB_S (value)),
                          NULL, NULL));
}

/* ---- the sweep's read pass ---- */

XJ_DB_STMT (st_vf_counties,
            "SELECT DISTINCT county_code FROM schools"
            " WHERE" XJ_IN_REGION ("county_code", "$1")
            " ORDER BY county_code")
XJ_DB_STMT (st_vf_region_name, "SELECT name FROM regions WHERE code = $1")
XJ_DB_STMT (st_vf_absent_students,
            "SELECT DISTINCT a.student_id FROM absences a"
            " JOIN schools sc ON sc.id = a.school_id"
            " WHERE sc.county_code = $1 AND a.day >= $2 AND a.day <= $3"
            " ORDER BY a.student_id")
XJ_DB_STMT (st_vf_absent_classes,
            "SELECT DISTINCT st.class_id FROM absences a"
            " JOIN schools sc ON sc.id = a.school_id"
            " JOIN students st ON st.id = a.student_id"
            " WHERE sc.county_code = $1 AND a.day >= $2 AND a.day <= $3"
            " AND st.class_id IS NOT NULL ORDER BY st.class_id")
XJ_DB_STMT (st_vf_ticked,
            "SELECT v.student_id FROM verify_state v"
            " JOIN schools sc ON sc.id = v.school_id"
            " WHERE sc.county_code = $1 AND v.school_year = $2"
            " AND v.term = $3 ORDER BY v.student_id")
XJ_DB_STMT (st_vf_settled,
            "SELECT v.student_id FROM verify_state v"
            " JOIN schools sc ON sc.id = v.school_id"
            " WHERE sc.county_code = $1 AND v.school_year = $2"
            " AND v.term = $3 AND v.settled = 1 ORDER BY v.student_id")
/* 在读 students of county $1 sharing a guardian phone or a guardian ID
   number with a 在读 record of another school (anywhere). */
XJ_DB_STMT (st_vf_shared,
            "SELECT s.id FROM students s JOIN schools sc ON sc.id = s.school_id"
            " WHERE sc.county_code = $1 AND s.status = 'enrolled'"
            " AND s.guardian_phone IS NOT NULL AND EXISTS (SELECT 1"
            "  FROM students o WHERE o.guardian_phone = s.guardian_phone"
            "  AND o.status = 'enrolled' AND o.school_id <> s.school_id)"
            " UNION SELECT g.student_id FROM guardian_ids g"
            " JOIN students s ON s.id = g.student_id"
            " JOIN schools sc ON sc.id = s.school_id"
            " WHERE sc.county_code = $1 AND s.status = 'enrolled'"
            " AND EXISTS (SELECT 1 FROM guardian_ids h"
            "  JOIN students o ON o.id = h.student_id"
            "  WHERE h.id_no = g.id_no AND o.status = 'enrolled'"
            "  AND o.school_id <> s.school_id)"
            " ORDER BY 1")
static int
string_row (void *cls, const struct xj_db_row *r)
{
  json_array_append_new (cls, json_string (xj_db_text (r, 0)));
  return 0;
}

enum xj_err
xj_vf_store_counties (struct xj_db *db, const char *prefix, json_t *out)
{
  return qs_err (xj_db_q (db, &st_vf_counties,
                          XJ_DB_PARAMS (XJ_DB_S (prefix)), &string_row, out));
}

enum xj_err
xj_vf_store_region_name (struct xj_db *db, const char *code, char *out,
                         size_t n)
{
  struct text_out t = { out, n };

  out[0] = '\0';
  return qs_err (xj_db_q (db, &st_vf_region_name,
                          XJ_DB_PARAMS (XJ_DB_S (code)), &text_row, &t));
}

static int
set_row (void *cls, const struct xj_db_row *r)
{
  struct xj_vf_set *s = cls;

  *XJ_VEC_PUSH (s->v, s->n, s->cap) = xj_db_int (r, 0);
  return 0;
}

static int
cmp_i64 (const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;

  return x < y ? -1 : x > y;
}

bool
xj_vf_set_has (const struct xj_vf_set *s, int64_t id)
{
  return s->n > 0 && NULL != bsearch (&id, s->v, s->n, sizeof *s->v,
                                      &cmp_i64);
}

void
xj_vf_set_fini (struct xj_vf_set *s)
{
  free (s->v);
  memset (s, 0, sizeof *s);
}

enum xj_err
xj_vf_store_set (struct xj_db *db, enum xj_vf_set_kind k, const char *county,
                 int64_t a, int64_t b, struct xj_vf_set *out)
{
  static struct xj_db_stmt *const stmts[] = {
    [XJ_VF_ABSENT_STUDENTS] = &st_vf_absent_students,
    [XJ_VF_ABSENT_CLASSES] = &st_vf_absent_classes,
    [XJ_VF_TICKED] = &st_vf_ticked,
    [XJ_VF_SETTLED] = &st_vf_settled,
  };
  enum xj_qs qs;

  memset (out, 0, sizeof *out);
  if (XJ_VF_SHARED == k)
    qs = xj_db_q (db, &st_vf_shared, XJ_DB_PARAMS (XJ_DB_S (county)),
                  &set_row, out);
  else
    qs = xj_db_q (db, stmts[k],
                  XJ_DB_PARAMS (XJ_DB_S (county), XJ_DB_I (a), XJ_DB_I (b)),
                  &set_row, out);
  /* the SQL orders; sort again so a collation never matters */
  if (out->n > 1)
    qsort (out->v, out->n, sizeof *out->v, &cmp_i64);
  return qs_err (qs);
}

/* One chunk of the county's 在读 students after id $2 (the sweep reads
   in chunks, each in its own short read transaction). */
XJ_DB_STMT (st_vf_enrolled_chunk,
            "SELECT st.id, st.school_id, coalesce(st.class_id, 0),"
            " st.created_at, st.data FROM students st"
            " JOIN schools sc ON sc.id = st.school_id"
            " WHERE sc.county_code = $1 AND st.status = 'enrolled'"
            " AND st.id > $2 ORDER BY st.id LIMIT $3")
XJ_DB_STMT (st_vf_enrolled_count,
            "SELECT count(*) FROM students st"
            " JOIN schools sc ON sc.id = st.school_id"
            " WHERE" XJ_IN_REGION ("sc.county_code", "$1")
            " AND st.status = 'enrolled'")

struct enrolled_ctx {
  void (*cb) (void *cls, const struct xj_vf_enrolled *s);
  void *cls;
};

static int
enrolled_row (void *cls, const struct xj_db_row *r)
{
  struct enrolled_ctx *c = cls;
  struct xj_vf_enrolled s = {
    .id = xj_db_int (r, 0), .school_id = xj_db_int (r, 1),
    .class_id = xj_db_int (r, 2), .created_at = xj_db_text (r, 3),
    .data = xj_db_blob (r, 4), .data_len = xj_db_bytes (r, 4),
  };

  c->cb (c->cls, &s);
  return 0;
}

enum xj_err
xj_vf_store_enrolled_chunk (struct xj_db *db, const char *county,
                            int64_t after, int64_t limit,
                            void (*cb) (void *cls,
                                        const struct xj_vf_enrolled *s),
                            void *cls)
{
  struct enrolled_ctx c = { cb, cls };

  return qs_err (xj_db_q (db, &st_vf_enrolled_chunk,
                          XJ_DB_PARAMS (XJ_DB_S (county), XJ_DB_I (after),
                                        XJ_DB_I (limit)),
                          &enrolled_row, &c));
}

enum xj_err
xj_vf_store_enrolled_count (struct xj_db *db, const char *prefix,
                            int64_t *n)
{
  *n = 0;
  return qs_err (xj_db_q (db, &st_vf_enrolled_count,
                          XJ_DB_PARAMS (XJ_DB_S (prefix)), &xj_db_int64_cb,
                          n));
}

/* ---- sweep runs (ghost_sweeps) ---- */

#define SWEEP_COLS                                                        \
  "SELECT id, prefix, state, started_by, started_at,"                     \
  " coalesce(finished_at, ''), students_total, students_done, raised,"   \
  " updated, kept, coalesce(error, '') FROM ghost_sweeps"
XJ_DB_STMT (st_vf_sweep_get, SWEEP_COLS " WHERE id = $1")
/* the latest run whose prefix lies in scope $1 ('' = all) */
XJ_DB_STMT (st_vf_sweep_last, SWEEP_COLS
            " WHERE $1 = '' OR substr(prefix, 1, length($1)) = $1"
            " ORDER BY id DESC LIMIT 1")
XJ_DB_STMT (st_vf_sweep_ins,
            "INSERT INTO ghost_sweeps (prefix, started_by, started_at)"
            " VALUES ($1, $2, $3) RETURNING id")
XJ_DB_STMT (st_vf_sweep_total,
            "UPDATE ghost_sweeps SET students_total = $2 WHERE id = $1")
XJ_DB_STMT (st_vf_sweep_progress,
            "UPDATE ghost_sweeps SET students_done = students_done + $2,"
            " raised = raised + $3, updated = updated + $4, kept = kept + $5"
            " WHERE id = $1")
XJ_DB_STMT (st_vf_sweep_end,
            "UPDATE ghost_sweeps SET state = $2, finished_at = $3, error = $4"
            " WHERE id = $1 AND state = 'running'")
XJ_DB_STMT (st_vf_sweep_running,
            "SELECT count(*) FROM ghost_sweeps WHERE state = 'running'")
XJ_DB_STMT (st_vf_sweep_interrupted,
            "UPDATE ghost_sweeps SET state = 'interrupted', finished_at = $1"
            " WHERE state = 'running'")

static const struct xj_db_field sweep_fields[] = {
  XJ_DB_F_I64 (struct xj_ghost_run, id),
  XJ_DB_F_TEXT (struct xj_ghost_run, prefix),
  XJ_DB_F_TEXT (struct xj_ghost_run, state),
  XJ_DB_F_TEXT (struct xj_ghost_run, started_by),
  XJ_DB_F_TEXT (struct xj_ghost_run, started_at),
  XJ_DB_F_TEXT (struct xj_ghost_run, finished_at),
  XJ_DB_F_I64 (struct xj_ghost_run, students_total),
  XJ_DB_F_I64 (struct xj_ghost_run, students_done),
  XJ_DB_F_I64 (struct xj_ghost_run, raised),
  XJ_DB_F_I64 (struct xj_ghost_run, updated),
  XJ_DB_F_I64 (struct xj_ghost_run, kept),
  XJ_DB_F_TEXT (struct xj_ghost_run, error),
};

static int
sweep_row (void *cls, const struct xj_db_row *r)
{
  xj_db_row_fields (r, sweep_fields, XJ_DB_NFIELDS (sweep_fields), cls);
  return 1;
}

enum xj_err
xj_vf_store_sweep_get (struct xj_db *db, int64_t id, const char *scope,
                       struct xj_ghost_run *out, bool *found)
{
  enum xj_qs qs;

  memset (out, 0, sizeof *out);
  if (id > 0)
    qs = xj_db_q (db, &st_vf_sweep_get, XJ_DB_PARAMS (XJ_DB_I (id)),
                  &sweep_row, out);
  else
    qs = xj_db_q (db, &st_vf_sweep_last, XJ_DB_PARAMS (XJ_DB_S (scope)),
                  &sweep_row, out);
  *found = qs > 0;
  return qs_err (qs);
}

enum xj_err
xj_vf_store_sweep_insert (struct xj_db *db, const char *prefix,
                          const char *by, const char *at, int64_t *id)
{
  *id = 0;
  return qs_err (xj_db_q (db, &st_vf_sweep_ins,
                          XJ_DB_PARAMS (XJ_DB_S (prefix), XJ_DB_S (by),
                                        XJ_DB_S (at)),
                          &xj_db_int64_cb, id));
}

enum xj_err
xj_vf_store_sweep_total (struct xj_db *db, int64_t id, int64_t total)
{
  return qs_err (xj_db_q (db, &st_vf_sweep_total,
                          XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_I (total)), NULL,
                          NULL));
}

enum xj_err
xj_vf_store_sweep_progress (struct xj_db *db, int64_t id, int64_t done,
                            int64_t raised, int64_t updated, int64_t kept)
{
  return qs_err (xj_db_q (db, &st_vf_sweep_progress,
                          XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_I (done),
                                        XJ_DB_I (raised), XJ_DB_I (updated),
                                        XJ_DB_I (kept)),
                          NULL, NULL));
}

enum xj_err
xj_vf_store_sweep_end (struct xj_db *db, int64_t id, const char *state,
                       const char *at, const char *error)
{
  return qs_err (xj_db_q (db, &st_vf_sweep_end,
                          XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (state),
                                        XJ_DB_S (at), XJ_DB_S (error)),
                          NULL, NULL));
}

enum xj_err
xj_vf_store_sweep_running (struct xj_db *db, int64_t *n)
{
  *n = 0;
  return qs_err (xj_db_q (db, &st_vf_sweep_running, XJ_DB_NOPARAMS,
                          &xj_db_int64_cb, n));
}

enum xj_err
xj_vf_store_sweep_interrupted (struct xj_db *db, const char *at)
{
  return qs_err (xj_db_q (db, &st_vf_sweep_interrupted,
                          XJ_DB_PARAMS (XJ_DB_S (at)), NULL, NULL));
}

/* ---- candidates ---- */

#define GHOST_COLS                                                         \
  "SELECT g.id, g.student_id, g.school_id, coalesce(g.change_id, 0),"     \
  " g.signals, g.status, sc.county_code, coalesce(st.class_id, 0)"        \
  " FROM ghost_candidates g JOIN students st ON st.id = g.student_id"     \
  " JOIN schools sc ON sc.id = st.school_id"
XJ_DB_STMT (st_vf_ghost_last, GHOST_COLS
            " WHERE g.student_id = $1 ORDER BY g.id DESC LIMIT 1")
XJ_DB_STMT (st_vf_ghost_get, GHOST_COLS " WHERE g.id = $1")
XJ_DB_STMT (st_vf_ghost_ins,
            "INSERT INTO ghost_candidates (student_id, school_id, signals,"
            " detail, raised_at, province) VALUES ($1, $2, $3, $4, $5,"
            " " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_vf_ghost_signals,
            "UPDATE ghost_candidates SET signals = $2, detail = $3"
            " WHERE id = $1 AND status = 'open'")
XJ_DB_STMT (st_vf_ghost_decide,
            "UPDATE ghost_candidates SET status = $2, decided_at = $3,"
            " decided_by = $4, reason = $5, change_id = $6"
            " WHERE id = $1 AND status = 'open'")

static const struct xj_db_field ghost_fields[] = {
  XJ_DB_F_I64 (struct xj_vf_ghost, id),
  XJ_DB_F_I64 (struct xj_vf_ghost, student_id),
  XJ_DB_F_I64 (struct xj_vf_ghost, school_id),
  XJ_DB_F_I64 (struct xj_vf_ghost, change_id),
  XJ_DB_F_TEXT (struct xj_vf_ghost, signals),
  XJ_DB_F_TEXT (struct xj_vf_ghost, status),
  XJ_DB_F_TEXT (struct xj_vf_ghost, county),
  XJ_DB_F_I64 (struct xj_vf_ghost, class_id),
};

static int
ghost_row (void *cls, const struct xj_db_row *r)
{
  xj_db_row_fields (r, ghost_fields, XJ_DB_NFIELDS (ghost_fields), cls);
  return 0;
}

enum xj_err
xj_vf_store_ghost_last (struct xj_db *db, int64_t student_id,
                        struct xj_vf_ghost *out, bool *found)
{
  enum xj_qs qs;

  memset (out, 0, sizeof *out);
  qs = xj_db_q (db, &st_vf_ghost_last, XJ_DB_PARAMS (XJ_DB_I (student_id)),
                &ghost_row, out);
  *found = qs > 0;
  return qs_err (qs);
}

enum xj_err
xj_vf_store_ghost_get (struct xj_db *db, int64_t id, struct xj_vf_ghost *out)
{
  enum xj_qs qs;

  memset (out, 0, sizeof *out);
  qs = xj_db_q (db, &st_vf_ghost_get, XJ_DB_PARAMS (XJ_DB_I (id)),
                &ghost_row, out);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_vf_store_ghost_insert (struct xj_db *db, int64_t student_id,
                          int64_t school_id, const char *signals,
                          const char *detail, const char *at)
{
  return qs_err (xj_db_q (db, &st_vf_ghost_ins,
                          XJ_DB_PARAMS (XJ_DB_I (student_id),
                                        XJ_DB_I (school_id),
                                        XJ_DB_S (signals), XJ_DB_S (detail),
                                        XJ_DB_S (at)),
                          NULL, NULL));
}

enum xj_err
xj_vf_store_ghost_signals (struct xj_db *db, int64_t id, const char *signals,
                           const char *detail)
{
  return qs_err (xj_db_q (db, &st_vf_ghost_signals,
                          XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (signals),
                                        XJ_DB_S (detail)),
                          NULL, NULL));
}

enum xj_err
xj_vf_store_ghost_decide (struct xj_db *db, int64_t id, const char *status,
                          const char *at, const char *by, const char *reason,
                          int64_t change_id)
{
  enum xj_qs qs = xj_db_q (db, &st_vf_ghost_decide,
                           XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (status),
                                         XJ_DB_S (at), XJ_DB_S (by),
                                         XJ_DB_S (reason),
                                         change_id > 0 ? XJ_DB_I (change_id)
                                                       : XJ_DB_NUL),
                           NULL, NULL);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_ONE == qs ? XJ_E_OK : XJ_E_GHOST_STATE;
}

/* $1 prefix, $2 school (0 any), $3 status ('' any) */
#define GHOST_WHERE                                                        \
  " WHERE" XJ_IN_REGION ("sc.county_code", "$1")                          \
  " AND ($2 = 0 OR st.school_id = $2) AND ($3 = '' OR g.status = $3)"
#define GHOST_FROM                                                         \
  " FROM ghost_candidates g JOIN students st ON st.id = g.student_id"     \
  " JOIN schools sc ON sc.id = st.school_id"                              \
  " LEFT JOIN classes c ON c.id = st.class_id"
XJ_DB_STMT (st_vf_ghost_count, "SELECT count(*)" GHOST_FROM GHOST_WHERE)
XJ_DB_STMT (st_vf_ghost_list,
            "SELECT g.id, g.student_id, st.name, st.registry_no, st.status,"
            " sc.id, sc.name, coalesce(c.name, ''), g.signals, g.detail,"
            " g.status, g.raised_at, coalesce(g.decided_at, ''),"
            " coalesce(g.decided_by, ''), coalesce(g.reason, ''),"
            " coalesce(g.change_id, 0)" GHOST_FROM GHOST_WHERE
            " ORDER BY g.id DESC LIMIT $4 OFFSET $5")
XJ_DB_STMT (st_vf_ghost_counts,
            "SELECT sum(CASE WHEN g.status = 'open' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN g.status = 'confirmed' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN g.status = 'dismissed' THEN 1 ELSE 0 END)"
            " FROM ghost_candidates g JOIN students st ON st.id = g.student_id"
            " JOIN schools sc ON sc.id = st.school_id WHERE" SCOPE_SC)

static int
ghost_item_row (void *cls, const struct xj_db_row *r)
{
  char regno[32];
  json_t *detail = json_loads (xj_db_text (r, 9), 0, NULL);

  masked_regno (xj_db_text (r, 3), regno, sizeof regno);
  json_array_append_new (
    cls,
    json_pack ("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:s,"
               " s:s, s:s, s:s, s:s, s:I}",
               "id", (json_int_t) xj_db_int (r, 0), "student_id",
               (json_int_t) xj_db_int (r, 1), "name", xj_db_text (r, 2),
               "registry_no", regno, "student_status", xj_db_text (r, 4),
               "school_id", (json_int_t) xj_db_int (r, 5), "school_name",
               xj_db_text (r, 6), "class_name", xj_db_text (r, 7),
               "signals", xj_db_text (r, 8), "detail",
               detail ? detail : json_object (), "status",
               xj_db_text (r, 10), "raised_at", xj_db_text (r, 11),
               "decided_at", xj_db_text (r, 12), "decided_by",
               xj_db_text (r, 13), "reason", xj_db_text (r, 14),
               "change_id", (json_int_t) xj_db_int (r, 15)));
  return 0;
}

enum xj_err
xj_vf_store_ghost_list (struct xj_db *db, const struct xj_scope *sc,
                        const char *status, int64_t school_id, int64_t limit,
                        int64_t offset, int64_t *total, json_t *items)
{
  int64_t school = sc->school_id ? sc->school_id : school_id;
  enum xj_qs qs;

  *total = 0;
  if (sc->school_id && school_id && school_id != sc->school_id)
    return XJ_E_OK;
  qs = xj_db_q (db, &st_vf_ghost_count,
                XJ_DB_PARAMS (XJ_DB_S (sc->prefix), XJ_DB_I (school),
                              XJ_DB_S (status)),
                &xj_db_int64_cb, total);
  if (qs >= 0)
    qs = xj_db_q (db, &st_vf_ghost_list,
                  XJ_DB_PARAMS (XJ_DB_S (sc->prefix), XJ_DB_I (school),
                                XJ_DB_S (status), XJ_DB_I (limit),
                                XJ_DB_I (offset)),
                  &ghost_item_row, items);
  return qs_err (qs);
}

static int
ghost_counts_row (void *cls, const struct xj_db_row *r)
{
  json_object_set_new (cls, "open", json_integer (xj_db_int (r, 0)));
  json_object_set_new (cls, "confirmed", json_integer (xj_db_int (r, 1)));
  json_object_set_new (cls, "dismissed", json_integer (xj_db_int (r, 2)));
  return 1;
}

enum xj_err
xj_vf_store_ghost_counts (struct xj_db *db, const struct xj_cs_scope *sc,
                          json_t *out)
{
  return qs_err (xj_db_q (db, &st_vf_ghost_counts,
                          XJ_DB_PARAMS (XJ_DB_S (sc->prefix),
                                        XJ_DB_I (sc->school_id)),
                          &ghost_counts_row, out));
}
