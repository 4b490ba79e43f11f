/* school_store.c -- the `schools` table: creation with validation,
 * lookups, the scoped and paged list with per-school counts, and the
 * per-grade figures of one school.
 *
 * The only file with SQL on `schools`.  Reads `students`, `classes` and
 * `school_years` only to count; never writes them.
 */
#include <string.h>

#include "core/util.h"
#include "region/region.h"
#include "school/school.h"
#include "student/student_store_sql.h"
#include "validate/codes.h"
#include "validate/validate.h"

#define SCHOOL_COLS                                                     \
  "s.id, s.code, s.name, s.stage, s.county_code,"                       \
  " coalesce(s.township_code, ''), s.urban_rural, s.address"

XJ_DB_STMT (st_school_ins,
            "INSERT INTO schools (code, name, stage, county_code,"
            " township_code, urban_rural, address, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
XJ_DB_REF_STMT (st_school_get,
            "SELECT " SCHOOL_COLS " FROM schools s WHERE s.id = $1")
XJ_DB_REF_STMT (st_school_get_code,
            "SELECT " SCHOOL_COLS " FROM schools s WHERE s.code = $1")

/* $1 region prefix ('' = all), $2 school id (0 = all), $3 text ('' =
   any), $4 stage ('' = any).  ?N may repeat in SQLite. */
#define SCHOOL_WHERE                                                    \
  " WHERE" XJ_IN_REGION ("s.county_code", "$1")                        \
  " AND ($2 = 0 OR s.id = $2)"                                          \
  " AND ($3 = '' OR replace(s.name, $3, '') <> s.name"                  \
  "      OR substr(s.code, 1, length($3)) = $3)"                        \
  " AND ($4 = '' OR s.stage = $4)"

XJ_DB_STMT (st_school_list,
            "SELECT " SCHOOL_COLS ","
            " (SELECT count(*) FROM students st WHERE st.school_id = s.id"
            "   AND st.status = 'enrolled'),"
            " (SELECT count(*) FROM classes c WHERE c.school_id = s.id"
            "   AND c.year_id IN (SELECT id FROM school_years"
            "                     WHERE is_current = 1))"
            " FROM schools s" SCHOOL_WHERE
            " ORDER BY s.county_code, s.code LIMIT $5 OFFSET $6")
XJ_DB_STMT (st_school_count,
            "SELECT count(*) FROM schools s" SCHOOL_WHERE)

XJ_DB_STMT (st_school_grades,
            "SELECT g.grade,"
            " (SELECT count(*) FROM classes c WHERE c.school_id = $1"
            "   AND c.grade = g.grade AND c.year_id IN"
            "   (SELECT id FROM school_years WHERE is_current = 1)),"
            " (SELECT count(*) FROM students st WHERE st.school_id = $1"
            "   AND st.grade = g.grade AND st.status = 'enrolled'),"
            " (SELECT count(*) FROM students st WHERE st.school_id = $1"
            "   AND st.grade = g.grade AND st.status = 'enrolled'"
            "   AND st.gender = 2)"
            " FROM (SELECT grade FROM classes WHERE school_id = $1"
            "         AND year_id IN (SELECT id FROM school_years"
            "                         WHERE is_current = 1)"
            "       UNION SELECT grade FROM students WHERE school_id = $1"
            "         AND status = 'enrolled') g"
            " ORDER BY g.grade")

bool
xj_school_stage_has_grade (const char *stage, const char *grade)
{
  /* Which first digits of the grade code each stage teaches. */
  static const struct
  {
    const char *stage;
    const char *firsts;
  } map[] = {
    { "primary", "1" },       { "junior", "2" },
    { "nine_year", "12" },    { "senior", "3" },
    { "complete_secondary", "23" },
    { "twelve_year", "123" }, { "vocational", "4" },
  };

  if (NULL == stage || NULL == grade || ! xj_code_valid ("grade", grade))
    return false;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (0 == strcmp (map[i].stage, stage))
      return NULL != strchr (map[i].firsts, grade[0]);
  return false;
}

static bool
all_digits (const char *s, size_t n)
{
  if (strlen (s) != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

/* Collect field errors of @s into @v (pure checks plus region lookups).
   Returns XJ_E_OK when the lookups worked (whatever @v holds). */
static enum xj_err
check_school (struct xj_db *db, struct xj_school *s, struct xj_verrs *v)
{
  struct xj_region r;
  enum xj_err e;

  xj_valid_trim (s->code);
  xj_valid_trim (s->name);
  xj_valid_trim (s->address);
  if (! all_digits (s->code, 10))
    xj_verrs_add (v, "code", '\0' == s->code[0] ? XJ_E_REQUIRED : XJ_E_RANGE,
                  "学校标识码应为10位数字");
  if ('\0' == s->name[0])
    xj_verrs_add (v, "name", XJ_E_REQUIRED, "学校名称不能为空");
  else if (XJ_E_OK != (e = xj_valid_text (s->name, sizeof s->name)))
    xj_verrs_add (v, "name", e, "学校名称含非法字符");
  if (! xj_code_valid ("stage", s->stage))
    xj_verrs_add (v, "stage", XJ_E_CODE, "学段代码无效");
  /* codeset "urban_rural" is 1..3 */
  if (s->urban_rural < 1 || s->urban_rural > 3)
    xj_verrs_add (v, "urban_rural", XJ_E_CODE, "城乡分类代码无效");
  if (XJ_E_OK != (e = xj_valid_text (s->address, sizeof s->address)))
    xj_verrs_add (v, "address", e, "地址含非法字符");
  e = xj_region_get (db, s->county_code, &r);
  if (XJ_E_NOT_FOUND == e || (XJ_E_OK == e && 3 != r.level))
    xj_verrs_add (v, "county_code", XJ_E_REGION, "县级行政区划代码不存在");
  else if (XJ_E_OK != e)
    return e;
  if ('\0' != s->township_code[0])
    {
      e = xj_region_get (db, s->township_code, &r);
      if (XJ_E_NOT_FOUND == e
          || (XJ_E_OK == e && (4 != r.level
                               || 0 != strcmp (r.parent, s->county_code))))
        xj_verrs_add (v, "township_code", XJ_E_REGION,
                      "乡镇代码不存在或不属于该县");
      else if (XJ_E_OK != e)
        return e;
    }
  return XJ_E_OK;
}

enum xj_err
xj_school_create (struct xj_db *db, struct xj_school *s,
                  struct xj_verrs *errs)
{
  struct xj_verrs local;
  struct xj_verrs *v = errs ? errs : &local;
  size_t before;
  enum xj_err e;
  enum xj_qs qs;
  char now[32];
  const char *at = now;  /* a pointer: XJ_DB_S tests it for NULL */

  if (NULL == errs)
    local.n = 0;
  before = v->n;
  if (XJ_E_OK != (e = check_school (db, s, v)))
    return e;
  if (v->n != before)
    return XJ_E_VALIDATION;
  xj_now_iso (now);
  qs = xj_db_q (db, &st_school_ins,
                XJ_DB_PARAMS (XJ_DB_S (s->code), XJ_DB_S (s->name),
                              XJ_DB_S (s->stage), XJ_DB_S (s->county_code),
                              XJ_DB_SE (s->township_code),
                              XJ_DB_I (s->urban_rural), XJ_DB_S (s->address),
                              XJ_DB_S (at)),
                &xj_db_int64_cb, &s->id);
  if (XJ_QS_UNIQUE == qs)
    return XJ_E_SCHOOL_EXISTS;
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_E_OK;
}

static void
row_to_school (const struct xj_db_row *row, struct xj_school *s)
{
  memset (s, 0, sizeof *s);
  s->id = xj_db_int (row, 0);
  xj_strlcpy (s->code, xj_db_text (row, 1), sizeof s->code);
  xj_strlcpy (s->name, xj_db_text (row, 2), sizeof s->name);
  xj_strlcpy (s->stage, xj_db_text (row, 3), sizeof s->stage);
  xj_strlcpy (s->county_code, xj_db_text (row, 4), sizeof s->county_code);
  xj_strlcpy (s->township_code, xj_db_text (row, 5),
              sizeof s->township_code);
  s->urban_rural = (int) xj_db_int (row, 6);
  xj_strlcpy (s->address, xj_db_text (row, 7), sizeof s->address);
}

static int
get_cb (void *cls, const struct xj_db_row *row)
{
  row_to_school (row, cls);
  return 1;
}

enum xj_err
xj_school_get (struct xj_db *db, int64_t id, struct xj_school *out)
{
  enum xj_qs qs = xj_db_q (db, &st_school_get, XJ_DB_PARAMS (XJ_DB_I (id)),
                           get_cb, out);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_school_get_by_code (struct xj_db *db, const char *code,
                       struct xj_school *out)
{
  enum xj_qs qs;

  if (NULL == code)
    return XJ_E_NOT_FOUND;
  qs = xj_db_q (db, &st_school_get_code, XJ_DB_PARAMS (XJ_DB_S (code)),
                get_cb, out);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

struct list_ctx {
  xj_school_cb cb;
  void *cls;
};

static int
list_cb (void *cls, const struct xj_db_row *row)
{
  struct list_ctx *c = cls;
  struct xj_school_row r;

  row_to_school (row, &r.s);
  r.students = xj_db_int (row, 8);
  r.classes = xj_db_int (row, 9);
  return c->cb (c->cls, &r);
}

static int
count_cb (void *cls, const struct xj_db_row *row)
{
  *(int64_t *) cls = xj_db_int (row, 0);
  return 1;
}

enum xj_err
xj_school_list (struct xj_db *db, const struct xj_school_filter *f,
                xj_school_cb cb, void *cls, int64_t *total)
{
  const char *region = (f->region) ? f->region : "";
  const char *q = (f->q) ? f->q : "";
  const char *stage = (f->stage) ? f->stage : "";
  struct list_ctx c = { cb, cls };
  enum xj_qs qs;

  if (NULL != total)
    {
      *total = 0;
      qs = xj_db_q (db, &st_school_count,
                    XJ_DB_PARAMS (XJ_DB_S (region), XJ_DB_I (f->school_id),
                                  XJ_DB_S (q), XJ_DB_S (stage)),
                    count_cb, total);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  if (NULL == cb)
    return XJ_E_OK;
  qs = xj_db_q (db, &st_school_list,
                XJ_DB_PARAMS (XJ_DB_S (region), XJ_DB_I (f->school_id),
                              XJ_DB_S (q), XJ_DB_S (stage),
                              XJ_DB_I (f->limit ? f->limit : 50),
                              XJ_DB_I (f->offset)),
                list_cb, &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct grades_ctx {
  xj_grade_count_cb cb;
  void *cls;
};

static int
grades_cb (void *cls, const struct xj_db_row *row)
{
  struct grades_ctx *c = cls;
  struct xj_grade_count g;

  xj_strlcpy (g.grade, xj_db_text (row, 0), sizeof g.grade);
  g.classes = xj_db_int (row, 1);
  g.students = xj_db_int (row, 2);
  g.girls = xj_db_int (row, 3);
  return c->cb (c->cls, &g);
}

enum xj_err
xj_school_grade_counts (struct xj_db *db, int64_t school_id,
                        xj_grade_count_cb cb, void *cls)
{
  struct grades_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_school_grades,
                           XJ_DB_PARAMS (XJ_DB_I (school_id)), grades_cb, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
