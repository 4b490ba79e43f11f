/* dash_store.c -- the dashboard's SQL (dash.h): figures in a unit's
 * scope ($1 region prefix, $2 school, $3 class; 0 / "" = all) and the
 * list items behind them.  Students count where their record is now;
 * enrolment as of a date comes from xj_enrol_asof instead.
 */
#include <string.h>
#include "core/util.h"
#include "dash/dash_int.h"
#include "student/student.h"
#include "student/student_store_sql.h"
#include "validate/codes.h"

/* students st joined to their school sc, within the unit */
#define DS_SCOPE                                                          \
  XJ_IN_REGION ("sc.county_code", "$1")                                  \
  " AND ($2 = 0 OR st.school_id = $2) AND ($3 = 0 OR st.class_id = $3)"
/* ... of a region (not ''): its province's partition of students only
   (the statements ending _prov, chosen by ds_prov) */
#define DS_PROV XJ_REGION_PROVINCE ("st.province", "$1")
#define DS_PARAMS(p, s, k) XJ_DB_S (p), XJ_DB_I (s), XJ_DB_I (k)

XJ_DB_STMT (st_dash_school,
            "SELECT county_code, name FROM schools WHERE id = $1")
XJ_DB_STMT (st_dash_class,
            "SELECT c.school_id, c.grade, c.name FROM classes c"
            " WHERE c.id = $1")
/* every region of a level below $1 that holds a school */
XJ_DB_STMT (st_dash_regions,
            "SELECT k.code, coalesce(r.name, '') FROM"
            " (SELECT DISTINCT substr(sc.county_code, 1, $2) AS code"
            " FROM schools sc WHERE" XJ_IN_REGION ("sc.county_code", "$1")
            ") k"
            " LEFT JOIN regions r ON r.code = k.code ORDER BY k.code")
XJ_DB_STMT (st_dash_schools,
            "SELECT sc.id, sc.name FROM schools sc WHERE"
            XJ_IN_REGION ("sc.county_code", "$1")
            " ORDER BY sc.code")
#define DS_DROPOUT                                                        \
  "SELECT d.student_id, d.stage FROM dropout_cases d"                     \
  " JOIN students st ON st.id = d.student_id"                             \
  " JOIN schools sc ON sc.id = st.school_id"                              \
  " WHERE d.status = 'open' AND" DS_SCOPE
XJ_DB_STMT (st_dash_dropout, DS_DROPOUT)
XJ_DB_STMT (st_dash_dropout_prov, DS_DROPOUT DS_PROV)
#define DS_DUPS                                                           \
  "SELECT st.id FROM students st JOIN schools sc"                         \
  " ON sc.id = st.school_id WHERE st.dup_flag = 1 AND" DS_SCOPE
XJ_DB_STMT (st_dash_dups, DS_DUPS)
XJ_DB_STMT (st_dash_dups_prov, DS_DUPS DS_PROV)
/* absences where they were recorded (the school's, by absences_school);
   a class: of the students now in it */
#define DS_ABSENT                                                         \
  "SELECT a.student_id, sum(CASE WHEN a.part = 0 THEN 2 ELSE 1 END) AS h"  \
  " FROM schools sc JOIN absences a ON a.school_id = sc.id"               \
  " AND a.day >= $4 AND a.day <= $5"                                      \
  " WHERE" XJ_IN_REGION ("sc.county_code", "$1")                         \
  " AND ($2 = 0 OR sc.id = $2) AND ($3 = 0 OR EXISTS (SELECT 1"           \
  " FROM students st WHERE st.id = a.student_id"                          \
  " AND st.class_id = $3)) GROUP BY a.student_id"
XJ_DB_STMT (st_dash_absent, DS_ABSENT)
/* the figure: the same rows summed in the database, not sent one per
   student */
XJ_DB_STMT (st_dash_absent_sum,
            "SELECT count(*), coalesce(sum(x.h), 0) FROM (" DS_ABSENT ") x")
/* ... or, for a region, from the counts the database keeps (migration
   0031, absence_counts: per region prefix and day, the students whose
   first absence of the school year it is, and the half-days) ($1 region,
   $2..$3 the window, which starts on 1 September) */
XJ_DB_STMT (st_dash_absent_kept,
            "SELECT coalesce(sum(students), 0), coalesce(sum(halfdays), 0)"
            " FROM absence_counts WHERE region = $1 AND day >= $2"
            " AND day <= $3")
/* 在读 now per school: for a whole school, the sum of its kept
   enrolment counts (migration 0030) */
XJ_DB_STMT (st_dash_school_sizes_kept,
            "SELECT sc.id, sc.county_code, coalesce((SELECT sum(e.n)"
            " FROM enrol_counts e WHERE e.school_id = sc.id), 0)"
            " FROM schools sc"
            " WHERE" XJ_IN_REGION ("sc.county_code", "$1")
            " AND ($2 = 0 OR sc.id = $2) ORDER BY sc.county_code")
XJ_DB_STMT (st_dash_school_sizes,
            "SELECT sc.id, sc.county_code, (SELECT count(*) FROM students st"
            " WHERE st.school_id = sc.id AND st.status = 'enrolled'"
            " AND ($3 = 0 OR st.class_id = $3)) FROM schools sc"
            " WHERE" XJ_IN_REGION ("sc.county_code", "$1")
            " AND ($2 = 0 OR sc.id = $2) ORDER BY sc.county_code")
XJ_DB_STMT (st_dash_class_students,
            "SELECT id FROM students WHERE class_id = $1"
            " AND status = 'enrolled'")
XJ_DB_STMT (st_dash_item,
            "SELECT st.id, st.registry_no, st.name, st.gender, st.birth_date,"
            " coalesce(st.id_no, ''), st.school_id, sc.name, st.grade,"
            " coalesce(st.class_id, 0), coalesce(c.name, ''), st.status,"
            " st.dup_flag, coalesce((SELECT d.id FROM dropout_cases d"
            " WHERE d.student_id = st.id AND d.status = 'open'), 0)"
            " FROM students st JOIN schools sc"
            " ON sc.id = st.school_id LEFT JOIN classes c ON c.id = st.class_id"
            " WHERE st.id = $1")

static enum xj_err
qs_err (enum xj_qs qs)
{
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct name_ctx {
  char *a;     /* first text column (16 bytes) */
  int64_t *id;
  char *name;
  size_t n;
};

static int
school_row (void *cls, const struct xj_db_row *r)
{
  struct name_ctx *c = cls;

  xj_strlcpy (c->a, xj_db_text (r, 0), 16);
  xj_strlcpy (c->name, xj_db_text (r, 1), c->n);
  return 0;
}

enum xj_err
xj_dash_store_school (struct xj_db *db, int64_t school_id, char county[16],
                      char *name, size_t n)
{
  struct name_ctx c = { county, NULL, name, n };
  enum xj_qs qs = xj_db_q (db, &st_dash_school,
                           XJ_DB_PARAMS (XJ_DB_I (school_id)), &school_row,
                           &c);

  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : qs_err (qs);
}

static int
class_row (void *cls, const struct xj_db_row *r)
{
  struct name_ctx *c = cls;
  const char *gl = xj_code_zh ("grade", xj_db_text (r, 1));

  *c->id = xj_db_int (r, 0);
  xj_snprintf (c->name, c->n, "%s%s", gl ? gl : xj_db_text (r, 1),
               xj_db_text (r, 2));
  return 0;
}

enum xj_err
xj_dash_store_class (struct xj_db *db, int64_t class_id, int64_t *school_id,
                     char *name, size_t n)
{
  struct name_ctx c = { NULL, school_id, name, n };
  enum xj_qs qs = xj_db_q (db, &st_dash_class,
                           XJ_DB_PARAMS (XJ_DB_I (class_id)), &class_row, &c);

  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : qs_err (qs);
}

struct unit_ctx {
  xj_dash_unit_cb cb;
  void *cls;
};

static int
unit_row (void *cls, const struct xj_db_row *r)
{
  struct unit_ctx *c = cls;

  c->cb (c->cls, xj_db_text (r, 0), xj_db_text (r, 1));
  return 0;
}

enum xj_err
xj_dash_store_regions (struct xj_db *db, const char *prefix, int len,
                       xj_dash_unit_cb cb, void *cls)
{
  struct unit_ctx c = { cb, cls };

  return qs_err (xj_db_q (db, &st_dash_regions,
                          XJ_DB_PARAMS (XJ_DB_S (prefix), XJ_DB_I (len)),
                          &unit_row, &c));
}

enum xj_err
xj_dash_store_schools (struct xj_db *db, const char *prefix,
                       xj_dash_unit_cb cb, void *cls)
{
  struct unit_ctx c = { cb, cls };

  return qs_err (xj_db_q (db, &st_dash_schools,
                          XJ_DB_PARAMS (XJ_DB_S (prefix)), &unit_row, &c));
}

struct stage_ctx {
  void (*cb) (void *cls, int64_t student, const char *stage);
  void *cls;
};

static int
stage_row (void *cls, const struct xj_db_row *r)
{
  struct stage_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_text (r, 1));
  return 0;
}

enum xj_err
xj_dash_store_dropout (struct xj_db *db, const char *prefix, int64_t school,
                       int64_t klass,
                       void (*cb) (void *cls, int64_t student,
                                   const char *stage),
                       void *cls)
{
  struct stage_ctx c = { cb, cls };

  return qs_err (xj_db_q (db, prefix[0] ? &st_dash_dropout_prov
                                     : &st_dash_dropout,
                          XJ_DB_PARAMS (DS_PARAMS (prefix, school, klass)),
                          &stage_row, &c));
}

int
xj_dash_id_row (void *cls, const struct xj_db_row *r)
{
  struct xj_dash_id_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0));
  return 0;
}

enum xj_err
xj_dash_store_dups (struct xj_db *db, const char *prefix, int64_t school,
                    int64_t klass, xj_dash_id_cb cb, void *cls)
{
  struct xj_dash_id_ctx c = { cb, cls };

  return qs_err (xj_db_q (db, prefix[0] ? &st_dash_dups_prov
                                     : &st_dash_dups,
                          XJ_DB_PARAMS (DS_PARAMS (prefix, school, klass)),
                          &xj_dash_id_row, &c));
}

enum xj_err
xj_dash_store_class_students (struct xj_db *db, int64_t class_id,
                              xj_dash_id_cb cb, void *cls)
{
  struct xj_dash_id_ctx c = { cb, cls };

  return qs_err (xj_db_q (db, &st_dash_class_students,
                          XJ_DB_PARAMS (XJ_DB_I (class_id)), &xj_dash_id_row, &c));
}

struct n_ctx {
  void (*cb) (void *cls, int64_t student, int64_t n);
  void *cls;
};

static int
n_row (void *cls, const struct xj_db_row *r)
{
  struct n_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_int (r, 1));
  return 0;
}

enum xj_err
xj_dash_store_absent (struct xj_db *db, const char *prefix, int64_t school,
                      int64_t klass, int from, int to,
                      void (*cb) (void *cls, int64_t student,
                                  int64_t halfdays),
                      void *cls)
{
  struct n_ctx c = { cb, cls };

  return qs_err (xj_db_q (db, &st_dash_absent,
                          XJ_DB_PARAMS (DS_PARAMS (prefix, school, klass),
                                        XJ_DB_I (from), XJ_DB_I (to)),
                          &n_row, &c));
}

static int
sum_row (void *cls, const struct xj_db_row *r)
{
  int64_t *v = cls;

  v[0] = xj_db_int (r, 0);
  v[1] = xj_db_int (r, 1);
  return 0;
}

enum xj_err
xj_dash_store_absent_sum (struct xj_db *db, const char *prefix,
                          int64_t school, int64_t klass, int from, int to,
                          int64_t *students, int64_t *halfdays)
{
  int64_t v[2] = { 0, 0 };
  /* the kept counts answer a region's window of one school year */
  bool kept = 0 == school && 0 == klass && 901 == from % 10000
              && to < (from / 10000 + 1) * 10000 + 901;
  enum xj_qs qs = kept
    ? xj_db_q (db, &st_dash_absent_kept,
               XJ_DB_PARAMS (XJ_DB_S (prefix), XJ_DB_I (from), XJ_DB_I (to)),
               &sum_row, v)
    : xj_db_q (db, &st_dash_absent_sum,
               XJ_DB_PARAMS (DS_PARAMS (prefix, school, klass),
                             XJ_DB_I (from), XJ_DB_I (to)),
               &sum_row, v);

  *students = v[0];
  *halfdays = v[1];
  return qs_err (qs);
}

struct size_ctx {
  void (*cb) (void *cls, int64_t id, const char *county, int64_t students);
  void *cls;
};

static int
size_row (void *cls, const struct xj_db_row *r)
{
  struct size_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_text (r, 1), xj_db_int (r, 2));
  return 0;
}

enum xj_err
xj_dash_store_school_sizes (struct xj_db *db, const char *prefix,
                            int64_t school, int64_t klass,
                            void (*cb) (void *cls, int64_t id,
                                        const char *county,
                                        int64_t students),
                            void *cls)
{
  struct size_ctx c = { cb, cls };

  if (0 == klass)
    return qs_err (xj_db_q (db, &st_dash_school_sizes_kept,
                            XJ_DB_PARAMS (XJ_DB_S (prefix), XJ_DB_I (school)),
                            &size_row, &c));
  return qs_err (xj_db_q (db, &st_dash_school_sizes,
                          XJ_DB_PARAMS (DS_PARAMS (prefix, school, klass)),
                          &size_row, &c));
}

/* One list item as the student list shows it (h_students.c): personal
   numbers masked, a list never reveals; with the student's open dropout
   case (null when none), which the page links to. */
static int
item_row (void *cls, const struct xj_db_row *r)
{
  json_t *items = cls;
  char id_no[64], reg[48];
  const char *gl = xj_code_zh ("grade", xj_db_text (r, 8));
  int64_t klass = xj_db_int (r, 9);

  xj_mask (XJ_MASK_ID, xj_db_text (r, 5), id_no, sizeof id_no);
  xj_mask (XJ_MASK_REGISTRY_NO, xj_db_text (r, 1), reg, sizeof reg);
  json_array_append_new (
    items,
    json_pack ("{s:I, s:s, s:s, s:i, s:s, s:s, s:I, s:s, s:s, s:s, s:o,"
               " s:s, s:s, s:i, s:o}",
               "id", (json_int_t) xj_db_int (r, 0), "registry_no", reg,
               "name", xj_db_text (r, 2), "gender", (int) xj_db_int (r, 3),
               "birth_date", xj_db_text (r, 4), "id_no", id_no,
               "school_id", (json_int_t) xj_db_int (r, 6), "school_name",
               xj_db_text (r, 7), "grade", xj_db_text (r, 8), "grade_label",
               gl ? gl : "", "class_id",
               klass ? json_integer (klass) : json_null (), "class_name",
               xj_db_text (r, 10), "status", xj_db_text (r, 11), "dup_flag",
               (int) xj_db_int (r, 12), "dropout_case_id",
               xj_db_int (r, 13) ? json_integer (xj_db_int (r, 13))
                                 : json_null ()));
  return 0;
}

enum xj_err
xj_dash_store_items (struct xj_db *db, const int64_t *ids, size_t n,
                     json_t *items)
{
  for (size_t i = 0; i < n; i++)
    {
      enum xj_qs qs = xj_db_q (db, &st_dash_item,
                               XJ_DB_PARAMS (XJ_DB_I (ids[i])), &item_row,
                               items);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  return XJ_E_OK;
}
