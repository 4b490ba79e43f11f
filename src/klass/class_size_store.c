/* class_size_store.c -- the SQL of class sizes: settings rows, counts of a
 * class's 在读 students, warned moves (class_size_moves), the classes and
 * schools of a scope, and enrolment as of a date (student_placements,
 * written by a trigger of migration 0020).  See class_size.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "klass/class_size.h"
#include "student/student_store_sql.h"

/* $1 county prefix ('' = all), $2 school id (0 = all) */
#define CS_SCOPE                                                          \
  XJ_IN_REGION ("sc.county_code", "$1")                                  \
  " AND ($2 = 0 OR sc.id = $2)"
/* 在读 students of class c, answered from the students_list index */
#define CS_SIZE                                                           \
  "(SELECT count(*) FROM students s WHERE s.school_id = c.school_id"      \
  " AND s.grade = c.grade AND s.class_id = c.id AND s.status = 'enrolled')"

XJ_DB_STMT (st_cs_settings,
            "SELECT key, value FROM settings"
            " WHERE key = 'class_size' OR key = $1 ORDER BY length(key)")
XJ_DB_STMT (st_cs_setting_put,
            "INSERT INTO settings (key, value) VALUES ($1, $2)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
XJ_DB_STMT (st_cs_class,
            "SELECT c.school_id, sc.county_code, c.grade, c.name, " CS_SIZE
            " FROM classes c JOIN schools sc ON sc.id = c.school_id"
            " WHERE c.id = $1")
XJ_DB_STMT (st_cs_class_count,
            "SELECT " CS_SIZE " FROM classes c WHERE c.id = $1")
XJ_DB_STMT (st_cs_counts_current,
            "SELECT s.class_id, count(*) FROM students s"
            " JOIN classes c ON c.id = s.class_id"
            " WHERE s.status = 'enrolled' AND c.year_id ="
            " (SELECT id FROM school_years WHERE is_current = 1)"
            " GROUP BY s.class_id")
XJ_DB_STMT (st_cs_move_ins,
            "INSERT INTO class_size_moves (at, school_id, class_id,"
            " student_id, path, size, band, actor_id, province) VALUES ($1,"
            " $2, $3, $4, $5, $6, $7, $8, " XJ_PROVINCE_OF ("students", "$4")
            ")")
XJ_DB_STMT (st_cs_schools,
            "SELECT sc.id, sc.code, sc.name, sc.county_code FROM schools sc"
            " WHERE" CS_SCOPE " ORDER BY sc.code")
/* ... the same, kept by the database (class_counts, migration 0030) */
#define CS_SIZE_KEPT                                                      \
  "coalesce((SELECT k.n FROM class_counts k WHERE k.class_id = c.id"      \
  " AND k.school_id = c.school_id AND k.grade = c.grade), 0)"
XJ_DB_STMT (st_cs_classes_live,
            "SELECT c.id, c.school_id, c.grade, c.name, " CS_SIZE_KEPT
            " FROM classes c JOIN schools sc ON sc.id = c.school_id"
            " WHERE" CS_SCOPE " AND c.year_id ="
            " (SELECT id FROM school_years WHERE is_current = 1)"
            " ORDER BY sc.code, c.grade, c.no")
XJ_DB_STMT (st_cs_moves,
            "SELECT m.school_id, count(*) FROM class_size_moves m"
            " JOIN schools sc ON sc.id = m.school_id"
            " WHERE" CS_SCOPE " AND m.at >= $3 GROUP BY m.school_id")
/* As of the end of a day ($3 = the next day): students registered before
   it without a placement change since, as they are now ... */
XJ_DB_STMT (st_cs_asof_live,
            "SELECT st.id, st.school_id, coalesce(st.class_id, 0), st.grade,"
            " st.status, st.gender FROM students st JOIN schools sc ON sc.id = st.school_id"
            " WHERE" CS_SCOPE " AND st.created_at < $3 AND st.id NOT IN"
            " (SELECT p.student_id FROM student_placements p"
            " WHERE p.at >= $3)")
/* ... and those changed since, as their first change found them */
XJ_DB_STMT (st_cs_asof_moved,
            "SELECT p.student_id, p.school_id, coalesce(p.class_id, 0),"
            " p.grade, p.status, st.gender FROM student_placements p"
            " JOIN schools sc ON sc.id = p.school_id"
            " JOIN students st ON st.id = p.student_id"
            " WHERE" CS_SCOPE " AND p.at >= $3 AND st.created_at < $3"
            " AND p.id = (SELECT min(q.id) FROM student_placements q"
            " WHERE q.student_id = p.student_id AND q.at >= $3)")
/* The same as counts of 在读 students by (school, grade, class, gender)
   ($3 = the next day), so that a figure needs no row per student: every
   student registered before the day and 在读 now, grouped by where they
   are now.  The students_asof index answers it alone, and grouped in the
   order the loops read (schools by schools_county, each school's
   students by students_asof), SQLite counts as it goes instead of
   sorting a million index entries first ... */
#define CS_ASOF_GROUP                                                     \
  " GROUP BY st.school_id, st.grade, st.class_id, st.gender"
XJ_DB_STMT (st_cs_asof_n_live,
            "SELECT sc.id, coalesce(st.class_id, 0), st.grade,"
            " st.gender, count(*) FROM schools sc"
            " JOIN students st ON st.school_id = sc.id"
            " WHERE" CS_SCOPE " AND st.status = 'enrolled'"
            " AND st.created_at < $3 GROUP BY sc.county_code, sc.code, sc.id,"
            " st.grade, st.class_id, st.gender")
/* ... less those of them changed since (their live placement is not the
   one of the day) ... */
XJ_DB_STMT (st_cs_asof_n_changed,
            "SELECT st.school_id, coalesce(st.class_id, 0), st.grade,"
            " st.gender, count(*) FROM students st"
            " JOIN schools sc ON sc.id = st.school_id"
            " WHERE" CS_SCOPE " AND st.status = 'enrolled'"
            " AND st.created_at < $3 AND st.id IN (SELECT p.student_id"
            " FROM student_placements p WHERE p.at >= $3)" CS_ASOF_GROUP)
/* ... plus everyone changed since whom their first change found 在读 */
XJ_DB_STMT (st_cs_asof_n_moved,
            "SELECT p.school_id, coalesce(p.class_id, 0), p.grade,"
            " st.gender, count(*) FROM student_placements p"
            " JOIN schools sc ON sc.id = p.school_id"
            " JOIN students st ON st.id = p.student_id"
            " WHERE" CS_SCOPE " AND p.at >= $3 AND st.created_at < $3"
            " AND p.status = 'enrolled'"
            " AND p.id = (SELECT min(q.id) FROM student_placements q"
            " WHERE q.student_id = p.student_id AND q.at >= $3)"
            " GROUP BY p.school_id, p.grade, p.class_id, st.gender")
/* ... or, for a region ($2 = 0), from the counts the database keeps
   (migration 0030, enrol_counts): deltas per school, grade, gender and
   day summed up to the day, a few rows per school instead of one per
   student; class 0 (a region's figures never ask for one). */
XJ_DB_STMT (st_cs_asof_n_kept,
            "SELECT sc.id, 0, e.grade, e.gender, sum(e.n) FROM schools sc"
            " JOIN enrol_counts e ON e.school_id = sc.id"
            " WHERE" CS_SCOPE " AND e.day < $3"
            " GROUP BY sc.id, e.grade, e.gender")
/* enrol_counts recounted from students and student_placements (the rule
   of migration 0030, which fills it with this statement), beside the
   kept rows: every (school, grade, gender, day) where they differ. */
#define CS_RECOUNT                                                        \
  "SELECT st.school_id, st.grade, st.gender,"                              \
  " substr(st.created_at, 1, 10) AS day, 1 AS n FROM students st"          \
  " WHERE st.status = 'enrolled' AND NOT EXISTS (SELECT 1"                 \
  " FROM student_placements q WHERE q.student_id = st.id)"                 \
  " UNION ALL SELECT p.school_id, p.grade, st.gender,"                     \
  " substr(st.created_at, 1, 10), 1"                                       \
  " FROM student_placements p JOIN students st ON st.id = p.student_id"    \
  " WHERE p.status = 'enrolled' AND p.id = (SELECT min(q.id)"              \
  " FROM student_placements q WHERE q.student_id = p.student_id)"          \
  " UNION ALL SELECT p.school_id, p.grade, st.gender, substr(p.at, 1, 10),"\
  " -1 FROM student_placements p JOIN students st ON st.id = p.student_id" \
  " WHERE p.status = 'enrolled'"                                           \
  " UNION ALL SELECT p.to_school_id, p.to_grade, st.gender,"               \
  " substr(p.at, 1, 10), 1"                                                \
  " FROM student_placements p JOIN students st ON st.id = p.student_id"    \
  " WHERE p.to_status = 'enrolled'"
/* class_counts recounted beside the kept rows, where they differ */
XJ_DB_STMT (st_cs_class_counts_diff,
            "SELECT x.class_id, x.school_id, x.grade, sum(x.r), sum(x.k)"
            " FROM (SELECT class_id, school_id, grade, 1 AS r, 0 AS k"
            " FROM students WHERE status = 'enrolled'"
            " AND class_id IS NOT NULL UNION ALL SELECT class_id, school_id,"
            " grade, 0, n FROM class_counts) x"
            " GROUP BY x.class_id, x.school_id, x.grade"
            " HAVING sum(x.r) <> sum(x.k) ORDER BY x.class_id")
XJ_DB_STMT (st_cs_counts_diff,
            "SELECT x.school_id, x.grade, x.gender, x.day, sum(x.r),"
            " sum(x.k) FROM (SELECT r.school_id, r.grade, r.gender, r.day,"
            " r.n AS r, 0 AS k FROM (" CS_RECOUNT ") r"
            " UNION ALL SELECT e.school_id, e.grade, e.gender, e.day, 0, e.n"
            " FROM enrol_counts e) x"
            " GROUP BY x.school_id, x.grade, x.gender, x.day"
            " HAVING sum(x.r) <> sum(x.k)"
            " ORDER BY x.school_id, x.grade, x.gender, x.day")
/* One page of the same students' ids in id order, of class $4 (0 any),
   grade $5 ('*' any), gender $6 (0 any), the live half joined by @join
   ... */
#define CS_ASOF_IDS(join)                                                 \
  "SELECT x.id FROM (SELECT st.id AS id FROM " join                       \
  " WHERE sc.id = st.school_id AND" CS_SCOPE                              \
  " AND st.status = 'enrolled' AND st.created_at < $3"                    \
  " AND ($4 = 0 OR st.class_id = $4) AND ($5 = '*' OR st.grade = $5)"     \
  " AND ($6 = 0 OR st.gender = $6) AND st.id NOT IN"                      \
  " (SELECT p.student_id FROM student_placements p WHERE p.at >= $3)"     \
  " UNION ALL SELECT p.student_id AS id FROM student_placements p"         \
  " JOIN schools sc ON sc.id = p.school_id"                               \
  " JOIN students st ON st.id = p.student_id"                             \
  " WHERE" CS_SCOPE " AND p.at >= $3 AND st.created_at < $3"              \
  " AND p.status = 'enrolled' AND ($4 = 0 OR p.class_id = $4)"            \
  " AND ($5 = '*' OR p.grade = $5) AND ($6 = 0 OR st.gender = $6)"        \
  " AND p.id = (SELECT min(q.id) FROM student_placements q"               \
  " WHERE q.student_id = p.student_id AND q.at >= $3)) x"                 \
  " ORDER BY x.id LIMIT $7 OFFSET $8"
/* ... of a school or class: its students by students_asof, sorted (a few
   thousand) ... */
XJ_DB_STMT (st_cs_asof_ids, CS_ASOF_IDS ("students st JOIN schools sc"
                                         " ON sc.id = st.school_id"))
/* ... of a region, which may hold every student: in the students' own id
   order (CROSS JOIN keeps students the outer loop on SQLite; PostgreSQL
   plans it as the inner join it is), merged with the changed ones, so the
   database stops after $8 + $7 rows instead of sorting a million. */
XJ_DB_STMT (st_cs_asof_ids_region,
            CS_ASOF_IDS ("students st CROSS JOIN schools sc"))
XJ_DB_STMT (st_cs_terms,
            "SELECT t.start_date, y.start_year, t.no FROM terms t"
            " JOIN school_years y ON y.id = t.year_id"
            " WHERE y.start_year >= $1 AND y.start_year <= $2"
            " AND t.start_date <= $3 ORDER BY t.start_date")

/* ---- settings ---- */

struct set_ctx {
  struct xj_cs_settings *s;
  const char *key;     /* the row to keep (settings_change) */
  json_t *row;         /* ... its stored object */
};

static int
settings_row (void *cls, const struct xj_db_row *r)
{
  struct set_ctx *c = cls;
  json_t *o = json_loads (xj_db_text (r, 1), 0, NULL);
  struct xj_cs_settings t = *c->s;
  const char *field;

  /* a stored object that no longer validates is ignored whole */
  if (o && XJ_E_OK == xj_cs_settings_patch (&t, o, &field))
    *c->s = t;
  if (o && c->key && 0 == strcmp (c->key, xj_db_text (r, 0)) && ! c->row)
    c->row = json_incref (o);
  json_decref (o);
  return 0;
}

static void
county_key (const char *county, char *key, size_t n)
{
  if (county && *county)
    xj_snprintf (key, n, "class_size.%s", county);
  else
    xj_strlcpy (key, "class_size", n);
}

static enum xj_err
settings_load (struct xj_db *db, const char *county, struct set_ctx *c)
{
  char key[40];
  enum xj_qs qs;

  county_key (county, key, sizeof key);
  xj_cs_defaults (c->s);
  qs = xj_db_q (db, &st_cs_settings, XJ_DB_PARAMS (XJ_DB_S (key)),
                &settings_row, c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_cs_settings_get (struct xj_db *db, const char *county,
                    struct xj_cs_settings *out)
{
  struct set_ctx c = { .s = out };

  return settings_load (db, county, &c);
}

enum xj_err
xj_cs_settings_change (struct xj_db *db, const char *county,
                       const json_t *patch, const struct xj_actor *a,
                       const char **field, struct xj_cs_settings *after)
{
  struct xj_cs_settings before;
  char key[40];
  struct set_ctx c = { .s = &before };
  char *bt = NULL, *at = NULL, *rowt = NULL;
  enum xj_err e;
  enum xj_qs qs;

  county_key (county, key, sizeof key);
  c.key = key;
  if (XJ_E_OK != (e = settings_load (db, county, &c)))
    return e;
  *after = before;
  if (XJ_E_OK != (e = xj_cs_settings_patch (after, patch, field)))
    goto out;
  if (NULL == c.row)
    c.row = json_object ();
  json_object_update (c.row, (json_t *) patch);
  rowt = json_dumps (c.row, JSON_COMPACT | JSON_SORT_KEYS);
  qs = xj_db_q (db, &st_cs_setting_put,
                XJ_DB_PARAMS (XJ_DB_S (key), XJ_DB_S (rowt)), NULL, NULL);
  e = qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
  bt = xj_cs_settings_text (&before);
  at = xj_cs_settings_text (after);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, a, "settings.class_size", "settings", key, bt,
                         at);
out:
  free (bt);
  free (at);
  free (rowt);
  json_decref (c.row);
  return e;
}

/* ---- the warning ---- */

struct class_ctx {
  struct xj_cs_class *k;
  char county[16];
};

static int
class_row (void *cls, const struct xj_db_row *r)
{
  struct class_ctx *c = cls;

  c->k->school_id = xj_db_int (r, 0);
  xj_strlcpy (c->county, xj_db_text (r, 1), sizeof c->county);
  xj_strlcpy (c->k->grade, xj_db_text (r, 2), sizeof c->k->grade);
  xj_strlcpy (c->k->name, xj_db_text (r, 3), sizeof c->k->name);
  c->k->size = xj_db_int (r, 4);
  return 0;
}

enum xj_err
xj_cs_class_load (struct xj_db *db, int64_t class_id, struct xj_cs_class *out)
{
  struct class_ctx c = { .k = out };
  enum xj_qs qs;

  memset (out, 0, sizeof *out);
  out->class_id = class_id;
  qs = xj_db_q (db, &st_cs_class, XJ_DB_PARAMS (XJ_DB_I (class_id)),
                &class_row, &c);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_NOT_FOUND;
  return xj_cs_settings_get (db, c.county, &out->set);
}

enum xj_err
xj_class_size_note (struct xj_db *db, const struct xj_cs_class *k,
                    int64_t student_id, const char *path,
                    const struct xj_actor *a, struct xj_cs_warn *w)
{
  struct xj_cs_warn local;
  enum xj_err e;

  if (NULL == w)
    w = &local;
  memset (w, 0, sizeof *w);
  w->class_id = k->class_id;
  w->school_id = k->school_id;
  xj_strlcpy (w->class_name, k->name, sizeof w->class_name);
  e = xj_cs_decide (&k->set, k->grade, k->size, w);
  if (XJ_E_OK != e || ! w->set)
    return e;
  return xj_cs_move_record (db, NULL, w, student_id, path, a);
}

/* The same row as st_cs_move_ins, appended (the import). */
XJ_DB_BULK (st_cs_move_bulk, "class_size_moves",
            "at, school_id, class_id, student_id, path, size, band,"
            " actor_id, province", "$2, $3, $4, $5, $6, $7, $8, $9, $10")

/* The row of a move: st_cs_move_ins's eight values, then @last (the
   bulk row's province, or XJ_DB_END for the statement). */
#define MOVE_PARAMS(at, w, student_id, path, a, last)                          \
  XJ_DB_PARAMS (XJ_DB_S (at), XJ_DB_I ((w)->school_id),                       \
                XJ_DB_I ((w)->class_id), XJ_DB_I (student_id),                \
                XJ_DB_S (path), XJ_DB_I ((w)->size),                          \
                XJ_DB_S (xj_cs_band_name ((w)->band)),                        \
                (a) && (a)->user_id ? XJ_DB_I ((a)->user_id) : XJ_DB_NUL,     \
                last)

struct xj_db_bulk *
xj_cs_move_bulk_begin (struct xj_db *db)
{
  return xj_db_bulk_begin (db, &st_cs_move_bulk);
}

enum xj_err
xj_cs_move_record (struct xj_db *db, struct xj_db_bulk *b,
                   const struct xj_cs_warn *w, int64_t student_id,
                   const char *path, const struct xj_actor *a)
{
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  /* the bulk row gives the province (COPY looks nothing up), the
     statement takes the student's */
  if (NULL != b)
    qs = xj_db_bulk_row (b, MOVE_PARAMS (at, w, student_id, path, a,
                                         XJ_DB_I (w->province)), NULL);
  else
    qs = xj_db_q (db, &st_cs_move_ins,
                  MOVE_PARAMS (at, w, student_id, path, a, XJ_DB_END),
                  NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_cs_class_count (struct xj_db *db, int64_t class_id, int64_t *n)
{
  enum xj_qs qs;

  *n = 0;
  qs = xj_db_q (db, &st_cs_class_count, XJ_DB_PARAMS (XJ_DB_I (class_id)),
                &xj_db_int64_cb, n);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct counts_ctx {
  void (*cb) (void *cls, int64_t class_id, int64_t n);
  void *cls;
};

static int
counts_row (void *cls, const struct xj_db_row *r)
{
  struct counts_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_int (r, 1));
  return 0;
}

enum xj_err
xj_cs_counts_current (struct xj_db *db,
                      void (*cb) (void *cls, int64_t class_id, int64_t n),
                      void *cls)
{
  struct counts_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_cs_counts_current, XJ_DB_NOPARAMS,
                           &counts_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_class_size_admit (struct xj_db *db, int64_t class_id, int64_t student_id,
                     const char *path, const struct xj_actor *a,
                     struct xj_cs_warn *w)
{
  struct xj_cs_class k;
  enum xj_err e;

  if (w)
    memset (w, 0, sizeof *w);
  if (0 == class_id)
    return XJ_E_OK;
  e = xj_cs_class_load (db, class_id, &k);
  if (XJ_E_OK != e)
    return XJ_E_NOT_FOUND == e ? XJ_E_OK : e;
  return xj_class_size_note (db, &k, student_id, path, a, w);
}

/* ---- reading ---- */

#define SCOPE_PARAMS(sc) XJ_DB_S ((sc)->prefix), XJ_DB_I ((sc)->school_id)

struct rd_ctx {
  void *cb;
  void *cls;
};

static int
school_row (void *cls, const struct xj_db_row *r)
{
  struct rd_ctx *c = cls;
  struct xj_cs_school_row s = { xj_db_int (r, 0), xj_db_text (r, 1),
                                xj_db_text (r, 2), xj_db_text (r, 3) };

  ((xj_cs_school_cb) c->cb) (c->cls, &s);
  return 0;
}

enum xj_err
xj_cs_schools (struct xj_db *db, const struct xj_cs_scope *sc,
               xj_cs_school_cb cb, void *cls)
{
  struct rd_ctx c = { (void *) cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_cs_schools,
                           XJ_DB_PARAMS (SCOPE_PARAMS (sc)), &school_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static int
live_row (void *cls, const struct xj_db_row *r)
{
  struct rd_ctx *c = cls;
  struct xj_cs_class_row k = { xj_db_int (r, 0), xj_db_int (r, 1),
                               xj_db_text (r, 2), xj_db_text (r, 3),
                               xj_db_int (r, 4) };

  ((xj_cs_class_cb) c->cb) (c->cls, &k);
  return 0;
}

enum xj_err
xj_cs_classes_live (struct xj_db *db, const struct xj_cs_scope *sc,
                    xj_cs_class_cb cb, void *cls)
{
  struct rd_ctx c = { (void *) cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_cs_classes_live,
                           XJ_DB_PARAMS (SCOPE_PARAMS (sc)), &live_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct moves_ctx {
  void (*cb) (void *cls, int64_t school_id, int64_t n);
  void *cls;
};

static int
moves_row (void *cls, const struct xj_db_row *r)
{
  struct moves_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_int (r, 1));
  return 0;
}

enum xj_err
xj_cs_moves_count (struct xj_db *db, const struct xj_cs_scope *sc,
                   const char *since,
                   void (*cb) (void *cls, int64_t school_id, int64_t n),
                   void *cls)
{
  struct moves_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_cs_moves,
                           XJ_DB_PARAMS (SCOPE_PARAMS (sc), XJ_DB_S (since)),
                           &moves_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct asof_ctx {
  void (*cb) (void *cls, const struct xj_enrol_row *r);
  void *cls;
};

static int
asof_row (void *cls, const struct xj_db_row *r)
{
  struct asof_ctx *c = cls;
  struct xj_enrol_row e = { xj_db_int (r, 0), xj_db_int (r, 1),
                            xj_db_int (r, 2), xj_db_text (r, 3),
                            xj_db_text (r, 4), (int) xj_db_int (r, 5) };

  c->cb (c->cls, &e);
  return 0;
}

/* "YYYY-MM-DD" of the day after @date, false if @date is no such date. */
static bool
next_day (const char *date, char out[16])
{
  int y, m, d;
  char back[16];

  if (NULL == date || 10 != strlen (date)
      || 3 != sscanf (date, "%4d-%2d-%2d", &y, &m, &d))
    return false;
  xj_snprintf (back, sizeof back, "%04d-%02d-%02d", y, m, d);
  if (0 != strcmp (back, date))
    return false;
  xj_civil_from_days (xj_days_from_civil (y, m, d) + 1, &y, &m, &d);
  xj_snprintf (out, 16, "%04d-%02d-%02d", y, m, d);
  return true;
}

enum xj_err
xj_enrol_asof (struct xj_db *db, const struct xj_cs_scope *sc,
               const char *date,
               void (*cb) (void *cls, const struct xj_enrol_row *r),
               void *cls)
{
  struct asof_ctx c = { cb, cls };
  char cut[16];
  enum xj_qs qs;

  if (! next_day (date, cut))
    return XJ_E_BAD_PARAM;
  qs = xj_db_q (db, &st_cs_asof_live,
                XJ_DB_PARAMS (SCOPE_PARAMS (sc), XJ_DB_S (cut)), &asof_row,
                &c);
  if (qs >= 0)
    qs = xj_db_q (db, &st_cs_asof_moved,
                  XJ_DB_PARAMS (SCOPE_PARAMS (sc), XJ_DB_S (cut)), &asof_row,
                  &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct asof_n_ctx {
  void (*cb) (void *cls, const struct xj_enrol_row *r, int64_t n);
  void *cls;
  int sign;
};

static int
asof_n_row (void *cls, const struct xj_db_row *r)
{
  struct asof_n_ctx *c = cls;
  struct xj_enrol_row e = { 0, xj_db_int (r, 0), xj_db_int (r, 1),
                            xj_db_text (r, 2), "enrolled",
                            (int) xj_db_int (r, 3) };

  c->cb (c->cls, &e, c->sign * xj_db_int (r, 4));
  return 0;
}

/* The records' half: three grouped statements over students and
   student_placements ($3 = @cut, the day after). */
static enum xj_qs
counts_records (struct xj_db *db, const struct xj_cs_scope *sc,
                const char *cut, struct asof_n_ctx *c)
{
  static struct xj_db_stmt *const parts[] = {
    &st_cs_asof_n_live, &st_cs_asof_n_changed, &st_cs_asof_n_moved
  };
  static const int sign[] = { 1, -1, 1 };
  enum xj_qs qs = XJ_QS_NONE;

  for (size_t i = 0; i < 3 && qs >= 0; i++)
    {
      c->sign = sign[i];
      qs = xj_db_q (db, parts[i],
                    XJ_DB_PARAMS (SCOPE_PARAMS (sc), XJ_DB_S (cut)),
                    &asof_n_row, c);
    }
  return qs;
}

enum xj_err
xj_enrol_asof_counts_from (struct xj_db *db, const struct xj_cs_scope *sc,
                           const char *date, enum xj_enrol_source src,
                           void (*cb) (void *cls,
                                       const struct xj_enrol_row *r,
                                       int64_t n),
                           void *cls)
{
  struct asof_n_ctx c = { cb, cls, 1 };
  char cut[16];
  enum xj_qs qs;

  if (! next_day (date, cut))
    return XJ_E_BAD_PARAM;
  if (XJ_ENROL_AUTO == src)
    src = 0 == sc->school_id ? XJ_ENROL_KEPT : XJ_ENROL_RECORDS;
  if (XJ_ENROL_KEPT == src)
    qs = xj_db_q (db, &st_cs_asof_n_kept,
                  XJ_DB_PARAMS (SCOPE_PARAMS (sc), XJ_DB_S (cut)),
                  &asof_n_row, &c);
  else
    qs = counts_records (db, sc, cut, &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_enrol_asof_counts (struct xj_db *db, const struct xj_cs_scope *sc,
                      const char *date,
                      void (*cb) (void *cls, const struct xj_enrol_row *r,
                                  int64_t n),
                      void *cls)
{
  return xj_enrol_asof_counts_from (db, sc, date, XJ_ENROL_AUTO, cb, cls);
}

struct diff_ctx {
  xj_enrol_diff_cb cb;
  void *cls;
};

static int
diff_row (void *cls, const struct xj_db_row *r)
{
  struct diff_ctx *c = cls;
  struct xj_enrol_diff d = { xj_db_int (r, 0), 0, xj_db_text (r, 1),
                             (int) xj_db_int (r, 2), xj_db_text (r, 3),
                             xj_db_int (r, 4), xj_db_int (r, 5) };

  c->cb (c->cls, &d);
  return 0;
}

static int
class_diff_row (void *cls, const struct xj_db_row *r)
{
  struct diff_ctx *c = cls;
  struct xj_enrol_diff d = { xj_db_int (r, 1), xj_db_int (r, 0),
                             xj_db_text (r, 2), 0, NULL, xj_db_int (r, 3),
                             xj_db_int (r, 4) };

  c->cb (c->cls, &d);
  return 0;
}

enum xj_err
xj_enrol_counts_check (struct xj_db *db, xj_enrol_diff_cb cb, void *cls)
{
  struct diff_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_cs_counts_diff, XJ_DB_NOPARAMS,
                           &diff_row, &c);

  if (qs >= 0)
    qs = xj_db_q (db, &st_cs_class_counts_diff, XJ_DB_NOPARAMS,
                  &class_diff_row, &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct ids_ctx {
  void (*cb) (void *cls, int64_t student_id);
  void *cls;
};

static int
ids_row (void *cls, const struct xj_db_row *r)
{
  struct ids_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0));
  return 0;
}

enum xj_err
xj_enrol_asof_ids (struct xj_db *db, const struct xj_cs_scope *sc,
                   const char *date, const struct xj_enrol_filter *f,
                   int64_t limit, int64_t offset,
                   void (*cb) (void *cls, int64_t student_id), void *cls)
{
  struct ids_ctx c = { cb, cls };
  bool region = 0 == sc->school_id && 0 == f->class_id;
  char cut[16];
  enum xj_qs qs;

  if (! next_day (date, cut))
    return XJ_E_BAD_PARAM;
  qs = xj_db_q (db, region ? &st_cs_asof_ids_region : &st_cs_asof_ids,
                XJ_DB_PARAMS (SCOPE_PARAMS (sc), XJ_DB_S (cut),
                              XJ_DB_I (f->class_id), XJ_DB_S (f->grade),
                              XJ_DB_I (f->gender), XJ_DB_I (limit),
                              XJ_DB_I (offset)),
                &ids_row, &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct term_ctx {
  void (*cb) (void *cls, const char *date, int start_year, int term);
  void *cls;
};

static int
term_row (void *cls, const struct xj_db_row *r)
{
  struct term_ctx *c = cls;

  c->cb (c->cls, xj_db_text (r, 0), (int) xj_db_int (r, 1),
         (int) xj_db_int (r, 2));
  return 0;
}

enum xj_err
xj_cs_term_starts (struct xj_db *db, int from_year, int to_year,
                   const char *today,
                   void (*cb) (void *cls, const char *date, int start_year,
                               int term),
                   void *cls)
{
  struct term_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_cs_terms,
                           XJ_DB_PARAMS (XJ_DB_I (from_year),
                                         XJ_DB_I (to_year), XJ_DB_S (today)),
                           &term_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
