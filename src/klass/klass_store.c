/* klass_store.c -- the `school_years`, `terms` and `classes` tables.
 *
 * The only file with SQL on them.  Counts students but never writes
 * `students`.  The current school year follows the injectable clock
 * (xj_today), so tests can move time.
 */
#include <string.h>

#include "core/util.h"
#include "klass/klass.h"
#include "school/school.h"
#include "validate/codes.h"
#include "validate/validate.h"

XJ_DB_REF_STMT (st_year_get,
            "SELECT id, is_current FROM school_years WHERE start_year = $1")
XJ_DB_STMT (st_year_ins,
            "INSERT INTO school_years (start_year, start_date, end_date,"
            " is_current) VALUES ($1, $2, $3, 0) RETURNING id")
XJ_DB_STMT (st_term_ins,
            "INSERT INTO terms (year_id, no, start_date, end_date)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
XJ_DB_STMT (st_term_at,
            "SELECT no FROM terms WHERE start_date <= $1 AND end_date >= $1"
            " ORDER BY no LIMIT 1")
XJ_DB_STMT (st_year_set_current,
            "UPDATE school_years"
            " SET is_current = CASE WHEN id = $1 THEN 1 ELSE 0 END"
            " WHERE is_current <> CASE WHEN id = $1 THEN 1 ELSE 0 END")

#define CLASS_COLS "c.id, c.school_id, c.year_id, c.grade, c.no, c.name," \
                   " c.head_teacher"

XJ_DB_REF_STMT (st_class_ins,
            "INSERT INTO classes (school_id, year_id, grade, no, name,"
            " head_teacher, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " RETURNING id")
XJ_DB_STMT (st_class_get,
            "SELECT " CLASS_COLS " FROM classes c WHERE c.id = $1")
XJ_DB_STMT (st_class_list,
            "SELECT " CLASS_COLS ","
            " (SELECT count(*) FROM students s WHERE s.class_id = c.id"
            "   AND s.status = 'enrolled'),"
            " (SELECT count(*) FROM students s WHERE s.class_id = c.id"
            "   AND s.status = 'enrolled' AND s.gender = 2)"
            " FROM classes c WHERE c.school_id = $1 AND c.year_id = $2"
            " AND ($3 = '' OR c.grade = $3) ORDER BY c.grade, c.no")

struct year_row {
  int64_t id;
  int is_current;
};

static int
year_cb (void *cls, const struct xj_db_row *row)
{
  struct year_row *y = cls;

  y->id = xj_db_int (row, 0);
  y->is_current = (int) xj_db_int (row, 1);
  return 1;
}

/* Insert school year @sy with its terms (1 Sep - 31 Jan, 1 Feb -
   31 Aug); sets *id. */
static enum xj_err
year_create (struct xj_db *db, int sy, int64_t *id)
{
  char d1[16], d2[16], d3[16], d4[16];
  const char *p1 = d1, *p2 = d2, *p3 = d3, *p4 = d4;
  enum xj_qs qs;

  xj_snprintf (d1, sizeof d1, "%04d-09-01", sy);
  xj_snprintf (d2, sizeof d2, "%04d-01-31", sy + 1);
  xj_snprintf (d3, sizeof d3, "%04d-02-01", sy + 1);
  xj_snprintf (d4, sizeof d4, "%04d-08-31", sy + 1);
  qs = xj_db_q (db, &st_year_ins,
                XJ_DB_PARAMS (XJ_DB_I (sy), XJ_DB_S (p1), XJ_DB_S (p4)),
                &xj_db_int64_cb, id);
  if (qs < 0)
    return XJ_QS_UNIQUE == qs ? XJ_E_DB_BUSY : xj_db_qs_err (qs);
  qs = xj_db_q (db, &st_term_ins,
                XJ_DB_PARAMS (XJ_DB_I (*id), XJ_DB_I (1), XJ_DB_S (p1),
                              XJ_DB_S (p2)), NULL, NULL);
  if (qs >= 0)
    qs = xj_db_q (db, &st_term_ins,
                  XJ_DB_PARAMS (XJ_DB_I (*id), XJ_DB_I (2), XJ_DB_S (p3),
                                XJ_DB_S (p4)), NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_year_get_or_create (struct xj_db *db, int start_year, int64_t *year_id)
{
  struct year_row yr = { 0, 0 };
  enum xj_qs qs;
  enum xj_err e;

  qs = xj_db_q (db, &st_year_get, XJ_DB_PARAMS (XJ_DB_I (start_year)),
                year_cb, &yr);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs && XJ_E_OK != (e = year_create (db, start_year,
                                                        &yr.id)))
    return e;
  *year_id = yr.id;
  return XJ_E_OK;
}

enum xj_err
xj_year_current (struct xj_db *db, int64_t *year_id, int *start_year)
{
  int y, m, d;
  int sy;
  struct year_row yr = { 0, 0 };
  enum xj_qs qs;
  enum xj_err e;

  xj_today (&y, &m, &d);
  sy = xj_valid_school_year (y * 10000 + m * 100 + d);
  qs = xj_db_q (db, &st_year_get, XJ_DB_PARAMS (XJ_DB_I (sy)), year_cb, &yr);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs && XJ_E_OK != (e = year_create (db, sy, &yr.id)))
    return e;
  if (! yr.is_current)
    {
      qs = xj_db_q (db, &st_year_set_current,
                    XJ_DB_PARAMS (XJ_DB_I (yr.id)), NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  if (year_id)
    *year_id = yr.id;
  if (start_year)
    *start_year = sy;
  return XJ_E_OK;
}

static int
term_cb (void *cls, const struct xj_db_row *row)
{
  *(int *) cls = (int) xj_db_int (row, 0);
  return 1;
}

enum xj_err
xj_term_at (struct xj_db *db, int ymd, int *term)
{
  char iso[16];
  int m = ymd / 100 % 100;
  enum xj_qs qs;

  xj_snprintf (iso, sizeof iso, "%04d-%02d-%02d", ymd / 10000, m,
               ymd % 100);
  *term = m >= 9 || m <= 1 ? 1 : 2;
  qs = xj_db_q (db, &st_term_at, XJ_DB_PARAMS (XJ_DB_S (iso)), term_cb,
                term);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

void
xj_class_name (const char *grade, unsigned no, char *out, size_t outsz)
{
  const char *label = xj_code_zh ("grade", grade);

  if (NULL == label)
    {
      if (outsz > 0)
        out[0] = '\0';
      return;
    }
  xj_snprintf (out, outsz, "%s(%u)班", label, no);
}

enum xj_err
xj_class_create (struct xj_db *db, struct xj_class *c, struct xj_verrs *errs)
{
  struct xj_verrs local;
  struct xj_verrs *v = errs ? errs : &local;
  size_t before;
  struct xj_school sch;
  enum xj_err e;
  enum xj_qs qs;
  char now[32];
  const char *at = now;

  if (NULL == errs)
    local.n = 0;
  before = v->n;
  e = xj_school_get (db, c->school_id, &sch);
  if (XJ_E_NOT_FOUND == e)
    return XJ_E_NO_SUCH_SCHOOL;
  if (XJ_E_OK != e)
    return e;
  if (0 == c->year_id && XJ_E_OK != (e = xj_year_current (db, &c->year_id,
                                                          NULL)))
    return e;
  if (! xj_code_valid ("grade", c->grade))
    xj_verrs_add (v, "grade", XJ_E_CODE, "年级代码无效");
  else if (! xj_school_stage_has_grade (sch.stage, c->grade))
    xj_verrs_add (v, "grade", XJ_E_CODE, "该校（%s）不设此年级",
                  xj_code_zh ("stage", sch.stage));
  if (c->no < 1 || c->no > 99)
    xj_verrs_add (v, "no", XJ_E_RANGE, "班号应在1到99之间");
  xj_valid_trim (c->head_teacher);
  if (XJ_E_OK != (e = xj_valid_text (c->head_teacher,
                                     sizeof c->head_teacher)))
    xj_verrs_add (v, "head_teacher", e, "班主任姓名含非法字符");
  xj_valid_trim (c->name);
  if ('\0' == c->name[0] && v->n == before)
    xj_class_name (c->grade, c->no, c->name, sizeof c->name);
  else if (XJ_E_OK != (e = xj_valid_text (c->name, sizeof c->name)))
    xj_verrs_add (v, "name", e, "班级名称含非法字符");
  if (v->n != before)
    return XJ_E_VALIDATION;
  xj_now_iso (now);
  qs = xj_db_q (db, &st_class_ins,
                XJ_DB_PARAMS (XJ_DB_I (c->school_id), XJ_DB_I (c->year_id),
                              XJ_DB_S (c->grade), XJ_DB_I (c->no),
                              XJ_DB_S (c->name), XJ_DB_S (c->head_teacher),
                              XJ_DB_S (at)),
                &xj_db_int64_cb, &c->id);
  if (XJ_QS_UNIQUE == qs)
    {
      xj_verrs_add (v, "no", XJ_E_RANGE, "该年级已有%u班", c->no);
      return XJ_E_VALIDATION;
    }
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_E_OK;
}

static void
row_to_class (const struct xj_db_row *row, struct xj_class *c)
{
  memset (c, 0, sizeof *c);
  c->id = xj_db_int (row, 0);
  c->school_id = xj_db_int (row, 1);
  c->year_id = xj_db_int (row, 2);
  xj_strlcpy (c->grade, xj_db_text (row, 3), sizeof c->grade);
  c->no = (unsigned) xj_db_int (row, 4);
  xj_strlcpy (c->name, xj_db_text (row, 5), sizeof c->name);
  xj_strlcpy (c->head_teacher, xj_db_text (row, 6), sizeof c->head_teacher);
}

static int
get_cb (void *cls, const struct xj_db_row *row)
{
  row_to_class (row, cls);
  return 1;
}

enum xj_err
xj_class_get (struct xj_db *db, int64_t id, struct xj_class *out)
{
  enum xj_qs qs = xj_db_q (db, &st_class_get, XJ_DB_PARAMS (XJ_DB_I (id)),
                           get_cb, out);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

struct list_ctx {
  xj_class_cb cb;
  void *cls;
};

static int
list_cb (void *cls, const struct xj_db_row *row)
{
  struct list_ctx *l = cls;
  struct xj_class_row r;

  row_to_class (row, &r.c);
  r.students = xj_db_int (row, 7);
  r.girls = xj_db_int (row, 8);
  return l->cb (l->cls, &r);
}

enum xj_err
xj_class_list (struct xj_db *db, int64_t school_id, int64_t year_id,
               const char *grade, xj_class_cb cb, void *cls)
{
  struct list_ctx l = { cb, cls };
  enum xj_qs qs;
  enum xj_err e;

  if (0 == year_id && XJ_E_OK != (e = xj_year_current (db, &year_id, NULL)))
    return e;
  qs = xj_db_q (db, &st_class_list,
                XJ_DB_PARAMS (XJ_DB_I (school_id), XJ_DB_I (year_id),
                              XJ_DB_S (grade ? grade : "")),
                list_cb, &l);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
