/* attend_store.c -- the SQL of attendance and THE domain functions every
 * path calls: the calendar of a county (terms + holidays), recording
 * absences (grid and import), a class grid, the school absence rate.
 * The suspect scan is in attend_suspects.c.  Functions run inside the
 * caller's transaction; no HTTP here.  Dates are YYYYMMDD integers
 * (absences.day) and every date comparison is on them: no SQL date
 * functions (PostgreSQL runs the same statements).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "attend/attend.h"
#include "core/util.h"
#include "student/student_store_sql.h"
#include "user/sys_settings.h"
#include "validate/validate.h"

XJ_DB_STMT (st_att_terms_get,
            "SELECT no, start_date, end_date FROM attend_terms"
            " WHERE county_code = $1 AND start_year = $2 ORDER BY no")
XJ_DB_STMT (st_att_terms_put,
            "INSERT INTO attend_terms (county_code, start_year, no,"
            " start_date, end_date, updated_by, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (county_code, start_year, no) DO UPDATE SET"
            " start_date = excluded.start_date, end_date = excluded.end_date,"
            " updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at")
XJ_DB_STMT (st_att_student,
            "SELECT st.school_id, st.class_id, st.status, st.name,"
            " sc.county_code FROM students st"
            " JOIN schools sc ON sc.id = st.school_id WHERE st.id = $1")
XJ_DB_STMT (st_att_get,
            "SELECT school_id, part, reason, recorded_by, recorded_at"
            " FROM absences WHERE student_id = $1 AND day = $2")
XJ_DB_STMT (st_att_hist,
            "INSERT INTO absence_history (student_id, day, school_id, part,"
            " reason, recorded_by, recorded_at, replaced_by, replaced_at,"
            " removed, province) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
            " $9, $10, " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_att_put,
            "INSERT INTO absences (student_id, day, school_id, part,"
            " reason, recorded_by, recorded_at, province) VALUES ($1, $2,"
            " $3, $4, $5, $6, $7, " XJ_PROVINCE_OF ("students", "$1")
            ") ON CONFLICT (student_id, day, province) DO UPDATE SET school_id ="
            " excluded.school_id, part = excluded.part, reason ="
            " excluded.reason, recorded_by = excluded.recorded_by,"
            " recorded_at = excluded.recorded_at")
XJ_DB_STMT (st_att_del,
            "DELETE FROM absences WHERE student_id = $1 AND day = $2")
XJ_DB_STMT (st_att_grid_students,
            "SELECT id, name, registry_no, gender FROM students"
            " WHERE class_id = $1 AND status = 'enrolled' ORDER BY name, id")
XJ_DB_STMT (st_att_grid_abs,
            "SELECT a.student_id, a.day, a.part, a.reason FROM students st"
            " JOIN absences a ON a.student_id = st.id"
            " WHERE st.class_id = $1 AND st.status = 'enrolled'"
            " AND a.day >= $2 AND a.day <= $3 ORDER BY a.student_id, a.day")
XJ_DB_STMT (st_att_school_county,
            "SELECT county_code FROM schools WHERE id = $1")
XJ_DB_STMT (st_att_rate_abs,
            "SELECT sum(CASE WHEN part = 0 THEN 2 ELSE 1 END) FROM absences"
            " WHERE school_id = $1 AND day >= $2 AND day <= $3")
XJ_DB_STMT (st_att_rate_students,
            "SELECT count(*) FROM students WHERE school_id = $1"
            " AND status = 'enrolled'")

/* ---- the calendar ---- */

static int
terms_row (void *cls, const struct xj_db_row *r)
{
  struct xj_att_cal *c = cls;
  int no = (int) xj_db_int (r, 0);

  if (no < 1 || no > 2)
    return 0;
  c->term[no - 1].start = xj_ymd_parse (xj_db_text (r, 1));
  c->term[no - 1].end = xj_ymd_parse (xj_db_text (r, 2));
  c->custom = true;
  return 0;
}

enum xj_err
xj_att_cal_load (struct xj_db *db, const char *county, int start_year,
                 struct xj_att_cal *c)
{
  enum xj_qs qs;
  enum xj_err e;

  memset (c, 0, sizeof *c);
  c->start_year = start_year;
  xj_att_terms_default (start_year, c->term);
  qs = xj_db_q (db, &st_att_terms_get,
                XJ_DB_PARAMS (XJ_DB_S (county), XJ_DB_I (start_year)),
                &terms_row, c);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_E_OK != (e = xj_cal_load (db, &c->hol)))
    return e;
  xj_att_cal_build (c);
  return XJ_E_OK;
}

enum xj_err
xj_att_terms_put (struct xj_db *db, const struct xj_actor *a,
                  const char *county, int start_year,
                  const struct xj_att_term t[2], struct xj_verrs *errs)
{
  char now[32], d1[12], d2[12], before[160], after[160], id[32];
  struct xj_att_cal old;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_att_terms_check (start_year, t, errs)))
    return e;
  if (XJ_E_OK != (e = xj_att_cal_load (db, county, start_year, &old)))
    return e;
  xj_att_cal_fini (&old);
  xj_now_iso (now);
  for (int i = 0; i < 2; i++)
    {
      const char *p1 = d1, *p2 = d2;
      enum xj_qs qs;

      xj_ymd_format (t[i].start, d1);
      xj_ymd_format (t[i].end, d2);
      qs = xj_db_q (db, &st_att_terms_put,
                    XJ_DB_PARAMS (XJ_DB_S (county), XJ_DB_I (start_year),
                                  XJ_DB_I (i + 1), XJ_DB_S (p1),
                                  XJ_DB_S (p2), XJ_DB_I (a->user_id),
                                  XJ_DB_S (now)), NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  xj_snprintf (before, sizeof before, "{\"terms\":[[%d,%d],[%d,%d]]}",
               old.term[0].start, old.term[0].end, old.term[1].start,
               old.term[1].end);
  xj_snprintf (after, sizeof after, "{\"terms\":[[%d,%d],[%d,%d]]}",
               t[0].start, t[0].end, t[1].start, t[1].end);
  xj_snprintf (id, sizeof id, "%s/%d", county, start_year);
  return xj_audit_append (db, a, "attendance.terms", "county", id, before,
                          after);
}

/* ---- recording ---- */

struct stu_ctx {
  int64_t school_id, class_id;
  char status[16];
  char name[200];
  char county[8];
};

static const struct xj_db_field stu_fields[] = {
  XJ_DB_F_I64 (struct stu_ctx, school_id),
  XJ_DB_F_I64 (struct stu_ctx, class_id),
  XJ_DB_F_TEXT (struct stu_ctx, status),
  XJ_DB_F_TEXT (struct stu_ctx, name),
  XJ_DB_F_TEXT (struct stu_ctx, county),
};

static int
stu_row (void *cls, const struct xj_db_row *r)
{
  xj_db_row_fields (r, stu_fields, XJ_DB_NFIELDS (stu_fields), cls);
  return 1;
}

/* May @u write absences of a student of this school and class? */
static bool
may_write (const struct xj_user *u, const struct stu_ctx *s)
{
  switch (u->role)
    {
    case XJ_ROLE_ADMIN:
      return true;
    case XJ_ROLE_REGISTRAR:
      return u->school_id > 0 && u->school_id == s->school_id;
    case XJ_ROLE_TEACHER:
      return xj_scope_student (u, s->school_id, s->county, s->class_id);
    default:
      return false;   /* the bureau reads */
    }
}

struct old_abs {
  int64_t school_id;
  int part, reason;
  int64_t by, at;
};

static const struct xj_db_field old_fields[] = {
  XJ_DB_F_I64 (struct old_abs, school_id),
  XJ_DB_F_INT (struct old_abs, part),
  XJ_DB_F_INT (struct old_abs, reason),
  XJ_DB_F_I64 (struct old_abs, by),
  XJ_DB_F_I64 (struct old_abs, at),
};

static int
old_row (void *cls, const struct xj_db_row *r)
{
  xj_db_row_fields (r, old_fields, XJ_DB_NFIELDS (old_fields), cls);
  return 1;
}

/* State of one recording run. */
struct rec {
  struct xj_db *db;
  const struct xj_actor *a;
  const struct xj_user *u;
  struct xj_verrs *errs;
  struct xj_att_cal cal;      /* of cal_county / cal_year, when loaded */
  char cal_county[8];
  int cal_year;
  int today;
  int64_t now;
  size_t changed;
  int from, to;               /* days touched */
  bool valid_only;            /* skip refused entries, record the rest */
  size_t refused;             /* entries refused by a rule */
};

/* Entry @f refused: reported in r->errs (while it has room), counted. */
static enum xj_err
refuse (struct rec *r, const char *f, enum xj_err code, const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));
static enum xj_err
refuse (struct rec *r, const char *f, enum xj_err code, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  xj_verrs_addv (r->errs, f, code, fmt, ap);
  va_end (ap);
  r->refused++;
  return XJ_E_OK;
}

/* The calendar of @county's school year of @ymd (the last one is kept:
   a grid or an import is one county, one year). */
static enum xj_err
rec_cal (struct rec *r, const char *county, int ymd,
         const struct xj_att_cal **out)
{
  int sy = xj_valid_school_year (ymd);
  enum xj_err e;

  if (sy != r->cal_year || 0 != strcmp (county, r->cal_county))
    {
      if (r->cal_year)
        xj_att_cal_fini (&r->cal);
      r->cal_year = 0;
      if (XJ_E_OK != (e = xj_att_cal_load (r->db, county, sy, &r->cal)))
        return e;
      r->cal_year = sy;
      xj_strlcpy (r->cal_county, county, sizeof r->cal_county);
    }
  *out = &r->cal;
  return XJ_E_OK;
}

/* Write entry @e over the stored one (@old, @had), keeping the old in
   absence_history. */
static enum xj_err
rec_apply (struct rec *r, const struct xj_att_entry *e,
           const struct stu_ctx *s, const struct old_abs *old, bool had)
{
  enum xj_qs qs;

  if (had ? (e->part == old->part && e->reason == old->reason)
          : e->part < 0)
    return XJ_E_OK;   /* nothing changes */
  if (had)
    {
      qs = xj_db_q (r->db, &st_att_hist,
                    XJ_DB_PARAMS (XJ_DB_I (e->student_id), XJ_DB_I (e->day),
                                  XJ_DB_I (old->school_id),
                                  XJ_DB_I (old->part), XJ_DB_I (old->reason),
                                  XJ_DB_I (old->by), XJ_DB_I (old->at),
                                  XJ_DB_I (r->a->user_id), XJ_DB_I (r->now),
                                  XJ_DB_I (e->part < 0 ? 1 : 0)),
                    NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  if (e->part < 0)
    qs = xj_db_q (r->db, &st_att_del,
                  XJ_DB_PARAMS (XJ_DB_I (e->student_id), XJ_DB_I (e->day)),
                  NULL, NULL);
  else
    qs = xj_db_q (r->db, &st_att_put,
                  XJ_DB_PARAMS (XJ_DB_I (e->student_id), XJ_DB_I (e->day),
                                XJ_DB_I (s->school_id), XJ_DB_I (e->part),
                                XJ_DB_I (e->reason),
                                XJ_DB_I (r->a->user_id), XJ_DB_I (r->now)),
                  NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  r->changed++;
  return XJ_E_OK;
}

/* Check entry @e (errors into r->errs naming @f) and, when no error was
   found so far, apply it. */
static enum xj_err
rec_one (struct rec *r, const struct xj_att_entry *e, const char *f)
{
  struct stu_ctx s;
  struct old_abs old;
  const struct xj_att_cal *cal;
  const char *why;
  char day[12];
  enum xj_qs qs;
  enum xj_err err;

  xj_ymd_format (e->day, day);
  memset (&s, 0, sizeof s);
  qs = xj_db_q (r->db, &st_att_student,
                XJ_DB_PARAMS (XJ_DB_I (e->student_id)), &stu_row, &s);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs || ! may_write (r->u, &s))
    {
      return refuse (r, f, XJ_E_NOT_FOUND, "学生（id %lld）不存在或不在您的管辖范围",
                     (long long) e->student_id);
    }
  if (0 != strcmp (s.status, "enrolled"))
    {
      return refuse (r, f, XJ_E_STUDENT_NOT_ENROLLED,
                     "%s：当前不在读，不能登记 %s 的缺勤", s.name, day);
    }
  if (e->part > 2 || (e->part >= 0 && (e->reason < 1 || e->reason > 3)))
    {
      return refuse (r, f, XJ_E_VALIDATION,
                     "%s %s：时段应为全天/上午/下午，原因应为病假/事假/旷课",
                     s.name, day);
    }
  if (e->day > r->today)
    {
      return refuse (r, f, XJ_E_ABSENCE_FUTURE,
                     "%s %s：不能登记今天以后的缺勤", s.name, day);
    }
  if (XJ_E_OK != (err = rec_cal (r, s.county, e->day, &cal)))
    return err;
  if (NULL != (why = xj_att_not_school_day_why (cal, e->day)))
    {
      return refuse (r, f, XJ_E_NOT_SCHOOL_DAY, "%s %s 不是上课日（%s）",
                     s.name, day, why);
    }
  if ((r->refused > 0 || r->errs->n > 0) && ! r->valid_only)
    return XJ_E_OK;   /* it will all roll back: only check the rest */
  qs = xj_db_q (r->db, &st_att_get,
                XJ_DB_PARAMS (XJ_DB_I (e->student_id), XJ_DB_I (e->day)),
                &old_row, &old);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (0 == r->from || e->day < r->from)
    r->from = e->day;
  if (e->day > r->to)
    r->to = e->day;
  return rec_apply (r, e, &s, &old, XJ_QS_ONE == qs);
}

/* Every entry of @e through rec_one, then the audit entry. */
static enum xj_err
record (struct rec *r, const struct xj_att_entry *e, size_t n)
{
  char after[160], f[32];
  enum xj_err err = XJ_E_OK;

  r->today = xj_cal_today ();
  r->now = xj_now ();
  for (size_t i = 0; i < n && XJ_E_OK == err; i++)
    {
      if (e[i].label)
        xj_strlcpy (f, e[i].label, sizeof f);
      else
        xj_snprintf (f, sizeof f, "entries[%zu]", i);
      err = rec_one (r, &e[i], f);
    }
  if (r->cal_year)
    xj_att_cal_fini (&r->cal);
  if (XJ_E_OK != err)
    return err;
  if ((r->refused > 0 || r->errs->n > 0) && ! r->valid_only)
    return XJ_E_VALIDATION;
  if (0 == r->changed)
    return XJ_E_OK;
  xj_snprintf (after, sizeof after,
               "{\"entries\":%zu,\"changed\":%zu,\"refused\":%zu,"
               "\"from\":%d,\"to\":%d}", n, r->changed, r->refused, r->from,
               r->to);
  return xj_audit_append (r->db, r->a, "attendance.record", "absences", "",
                          NULL, after);
}

enum xj_err
xj_att_record (struct xj_db *db, const struct xj_actor *a,
               const struct xj_user *u, const struct xj_att_entry *e,
               size_t n, struct xj_verrs *errs, size_t *changed)
{
  struct rec r = { .db = db, .a = a, .u = u, .errs = errs };
  enum xj_err err = record (&r, e, n);

  *changed = XJ_E_OK == err ? r.changed : 0;
  return err;
}

enum xj_err
xj_att_record_valid (struct xj_db *db, const struct xj_actor *a,
                     const struct xj_user *u, const struct xj_att_entry *e,
                     size_t n, struct xj_verrs *errs, size_t *changed,
                     size_t *refused)
{
  struct rec r = { .db = db, .a = a, .u = u, .errs = errs,
                   .valid_only = true };
  enum xj_err err = record (&r, e, n);

  *changed = XJ_E_OK == err ? r.changed : 0;
  *refused = r.refused;
  return err;
}

/* ---- the class grid ---- */

static int
grid_student_row (void *cls, const struct xj_db_row *r)
{
  const struct xj_att_grid_cb *cb = cls;
  struct xj_att_grid_student s = {
    xj_db_int (r, 0), xj_db_text (r, 1), xj_db_text (r, 2),
    (int) xj_db_int (r, 3)
  };

  cb->student (cb->cls, &s);
  return 0;
}

static int
grid_abs_row (void *cls, const struct xj_db_row *r)
{
  const struct xj_att_grid_cb *cb = cls;
  struct xj_att_grid_absence a = {
    xj_db_int (r, 0), (int) xj_db_int (r, 1), (int) xj_db_int (r, 2),
    (int) xj_db_int (r, 3)
  };

  cb->absence (cb->cls, &a);
  return 0;
}

enum xj_err
xj_att_grid (struct xj_db *db, int64_t class_id, int from, int to,
             const struct xj_att_grid_cb *cb)
{
  enum xj_qs qs;

  qs = xj_db_q (db, &st_att_grid_students,
                XJ_DB_PARAMS (XJ_DB_I (class_id)), &grid_student_row,
                (void *) cb);
  if (qs >= 0)
    qs = xj_db_q (db, &st_att_grid_abs,
                  XJ_DB_PARAMS (XJ_DB_I (class_id), XJ_DB_I (from),
                                XJ_DB_I (to)), &grid_abs_row, (void *) cb);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- settings and the school rate ---- */

enum xj_err
xj_att_thresholds_get (struct xj_db *db, struct xj_att_thresholds *t)
{
  static const char *const keys[] = {
    "attend_suspect_days", "attend_dropout_days",
    "attend_term_suspect_days", "attend_term_dropout_days"
  };
  int *dst[] = { &t->suspect_days, &t->dropout_days, &t->term_suspect_days,
                 &t->term_dropout_days };

  for (size_t i = 0; i < 4; i++)
    {
      int64_t v;
      enum xj_err e = xj_sys_setting_value (db, keys[i], &v);

      if (XJ_E_OK != e)
        return e;
      *dst[i] = (int) v;
    }
  return XJ_E_OK;
}

static int
text_row (void *cls, const struct xj_db_row *r)
{
  xj_strlcpy (cls, xj_db_text (r, 0), 8);
  return 1;
}

enum xj_err
xj_att_school_rate (struct xj_db *db, int64_t school_id, int from, int to,
                    int64_t *absent_halfdays, int *school_days,
                    int64_t *students)
{
  struct xj_att_cal cal;
  char county[8] = "";
  enum xj_qs qs;
  enum xj_err e;

  *absent_halfdays = 0;
  *students = 0;
  qs = xj_db_q (db, &st_att_school_county,
                XJ_DB_PARAMS (XJ_DB_I (school_id)), &text_row, county);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_NOT_FOUND;
  if (XJ_E_OK != (e = xj_att_cal_load (db, county,
                                       xj_valid_school_year (from), &cal)))
    return e;
  *school_days = xj_att_school_days (&cal, from, to);
  xj_att_cal_fini (&cal);
  qs = xj_db_q (db, &st_att_rate_abs,
                XJ_DB_PARAMS (XJ_DB_I (school_id), XJ_DB_I (from),
                              XJ_DB_I (to)), &xj_db_int64_cb,
                absent_halfdays);
  if (qs >= 0)
    qs = xj_db_q (db, &st_att_rate_students,
                  XJ_DB_PARAMS (XJ_DB_I (school_id)), &xj_db_int64_cb,
                  students);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- suspects (attend_suspects.c) and the absence import ---- */

XJ_DB_STMT (st_att_counties,
            "SELECT DISTINCT county_code FROM schools"
            " WHERE ($1 = '' OR" XJ_IN_REGION ("county_code", "$1") ")"
            " AND ($2 = 0 OR id = $2) AND ($3 = 0 OR id = $3)"
            " ORDER BY county_code")
XJ_DB_STMT (st_att_unexcused,
            "SELECT a.student_id, a.day, a.part FROM absences a"
            " WHERE a.school_id IN (SELECT id FROM schools"
            "  WHERE county_code = $1 AND ($2 = 0 OR id = $2)"
            "  AND ($3 = 0 OR id = $3))"
            " AND a.reason = 3 AND a.day >= $4 AND a.day <= $5"
            " ORDER BY a.student_id, a.day")
XJ_DB_STMT (st_att_suspect_student,
            "SELECT st.name, st.registry_no, st.school_id, sc.name,"
            " COALESCE(st.class_id, 0), COALESCE(c.name, ''), st.status"
            " FROM students st JOIN schools sc ON sc.id = st.school_id"
            " LEFT JOIN classes c ON c.id = st.class_id WHERE st.id = $1")
XJ_DB_STMT (st_att_imp_student,
            "SELECT st.id FROM" XJ_NUMBER_HOLDERS_JOIN ("$1", "$1")
            " ORDER BY st.id LIMIT 1")

enum xj_qs
xj_att_store_counties (struct xj_db *db, const char *prefix,
                       int64_t scope_school, int64_t school, xj_db_row_cb cb,
                       void *cls)
{
  return xj_db_q (db, &st_att_counties,
                  XJ_DB_PARAMS (XJ_DB_S (prefix), XJ_DB_I (scope_school),
                                XJ_DB_I (school)), cb, cls);
}

enum xj_qs
xj_att_store_unexcused (struct xj_db *db, const char *county,
                        int64_t scope_school, int64_t school, int64_t from,
                        int64_t to, xj_db_row_cb cb, void *cls)
{
  return xj_db_q (db, &st_att_unexcused,
                  XJ_DB_PARAMS (XJ_DB_S (county), XJ_DB_I (scope_school),
                                XJ_DB_I (school), XJ_DB_I (from),
                                XJ_DB_I (to)), cb, cls);
}

enum xj_qs
xj_att_store_suspect_student (struct xj_db *db, int64_t id, xj_db_row_cb cb,
                              void *cls)
{
  return xj_db_q (db, &st_att_suspect_student,
                  XJ_DB_PARAMS (XJ_DB_I (id)), cb, cls);
}

enum xj_qs
xj_att_store_student_by_number (struct xj_db *db, const char *number,
                                int64_t *id)
{
  return xj_db_q (db, &st_att_imp_student, XJ_DB_PARAMS (XJ_DB_S (number)),
                  &xj_db_int64_cb, id);
}

/* ---- the counts the database keeps (migration 0031) ---- */

/* the four regions of a school's county: '', 2, 4 and 6 digits */
#define ATT_REGIONS                                                       \
  " (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4"                 \
  " UNION ALL SELECT 6) k"
#define ATT_YEAR(d) "(" d " / 10000 - CASE WHEN " d " % 10000 < 901"      \
  " THEN 1 ELSE 0 END)"
/* absence_firsts recounted from absences */
#define ATT_FIRSTS                                                        \
  "SELECT a.student_id, " ATT_YEAR ("a.day") " AS y,"                      \
  " substr(sc.county_code, 1, k.n) AS region, min(a.day) AS day"          \
  " FROM absences a JOIN schools sc ON sc.id = a.school_id"               \
  " CROSS JOIN" ATT_REGIONS                                               \
  " GROUP BY a.student_id, " ATT_YEAR ("a.day") ","                        \
  " substr(sc.county_code, 1, k.n)"
#define ATT_FIRSTS_KEPT                                                   \
  "SELECT student_id, start_year, region, day FROM absence_firsts"
XJ_DB_STMT (st_att_firsts_missing,
            "SELECT count(*) FROM (" ATT_FIRSTS " EXCEPT " ATT_FIRSTS_KEPT
            ") x")
XJ_DB_STMT (st_att_firsts_extra,
            "SELECT count(*) FROM (" ATT_FIRSTS_KEPT " EXCEPT " ATT_FIRSTS
            ") x")
/* absence_counts recounted (students from the recounted first days,
   half-days from absences) beside the kept rows, where they differ */
XJ_DB_STMT (st_att_counts_diff,
            "SELECT x.region, x.day, sum(x.rs), sum(x.rh), sum(x.ks),"
            " sum(x.kh) FROM (SELECT f.region, f.day, 1 AS rs, 0 AS rh,"
            " 0 AS ks, 0 AS kh FROM (" ATT_FIRSTS ") f"
            " UNION ALL SELECT substr(sc.county_code, 1, k.n), a.day, 0,"
            " CASE WHEN a.part = 0 THEN 2 ELSE 1 END, 0, 0"
            " FROM absences a JOIN schools sc ON sc.id = a.school_id"
            " CROSS JOIN" ATT_REGIONS
            " UNION ALL SELECT region, day, 0, 0, students, halfdays"
            " FROM absence_counts) x GROUP BY x.region, x.day"
            " HAVING sum(x.rs) <> sum(x.ks) OR sum(x.rh) <> sum(x.kh)"
            " ORDER BY x.region, x.day")

struct att_diff_ctx {
  xj_att_diff_cb cb;
  void *cls;
};

static int
att_diff_row (void *cls, const struct xj_db_row *r)
{
  struct att_diff_ctx *c = cls;
  struct xj_att_diff d = { xj_db_text (r, 0), (int) xj_db_int (r, 1),
                           xj_db_int (r, 2), xj_db_int (r, 3),
                           xj_db_int (r, 4), xj_db_int (r, 5) };

  c->cb (c->cls, &d);
  return 0;
}

enum xj_err
xj_att_counts_check (struct xj_db *db, int64_t *firsts_bad,
                     xj_att_diff_cb cb, void *cls)
{
  struct att_diff_ctx c = { cb, cls };
  int64_t missing = 0, extra = 0;
  enum xj_qs qs;

  qs = xj_db_q (db, &st_att_firsts_missing, XJ_DB_NOPARAMS, &xj_db_int64_cb,
                &missing);
  if (qs >= 0)
    qs = xj_db_q (db, &st_att_firsts_extra, XJ_DB_NOPARAMS, &xj_db_int64_cb,
                  &extra);
  *firsts_bad = missing + extra;
  if (qs >= 0)
    qs = xj_db_q (db, &st_att_counts_diff, XJ_DB_NOPARAMS, &att_diff_row,
                  &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
