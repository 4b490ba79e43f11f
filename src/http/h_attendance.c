/* h_attendance.c -- /api/v1/attendance: the teaching terms of a county,
 * a class's grid of a week, recording absences (grid and file import),
 * the suspected dropouts and a school's absence rate.  Template: parse,
 * validate, authorise, transaction, reply; the rules live in src/attend
 * (xj_att_record is the one writer).  Out of scope answers 404.
 */
#include <stdlib.h>
#include <string.h>
#include "attend/attend.h"
#include "http/handlers.h"
#include "klass/klass.h"
#include "school/school.h"
#include "validate/validate.h"

#define GRID_MAX_DAYS 31

/* ?name=YYYY-MM-DD, @def when absent; false (400 queued) on junk. */
static bool
date_arg (struct xj_req *r, const char *name, int def, int *out)
{
  const char *v = xj_req_arg (r, name);

  *out = def;
  if (NULL == v)
    return true;
  *out = strlen (v) == 10 ? xj_ymd_parse (v) : 0;
  if (0 == *out || xj_ymd_add_days (*out, 0) != *out)
    {
      xj_reply_err (r, XJ_E_BAD_PARAM, name, "%s应为日期YYYY-MM-DD", name);
      return false;
    }
  return true;
}

static json_t *
date_json (int ymd)
{
  char d[12];

  xj_ymd_format (ymd, d);
  return json_string (d);
}


/* ---- GET/PUT /attendance/terms ---- */
struct terms_ctx {
  const struct xj_actor *a;
  const char *county;
  int year;
  struct xj_att_term t[2];
  struct xj_verrs errs;
  json_t *out;
};

static enum xj_err
terms_get_txn (struct xj_db *db, void *cls)
{
  struct terms_ctx *c = cls;
  struct xj_att_cal cal;
  json_t *terms = json_array ();
  enum xj_err e = xj_att_cal_load (db, c->county, c->year, &cal);

  if (XJ_E_OK != e)
    {
      json_decref (terms);
      return e;
    }
  for (int i = 0; i < 2; i++)
    json_array_append_new (
      terms, json_pack ("{s:i, s:o, s:o, s:i}", "no", i + 1, "start",
                        date_json (cal.term[i].start), "end",
                        date_json (cal.term[i].end), "school_days",
                        xj_att_school_days (&cal, cal.term[i].start,
                                            cal.term[i].end)));
  json_decref (c->out);
  c->out = json_pack ("{s:s, s:i, s:b, s:o}", "county", c->county, "year",
                      c->year, "custom", cal.custom, "terms", terms);
  xj_att_cal_fini (&cal);
  return XJ_E_OK;
}

/* ?county= (a bureau: its own) and ?year= (default: the current school
   year). */
static enum xj_err
terms_args (struct xj_req *r, struct terms_ctx *c)
{
  int64_t y;

  c->county = xj_req_arg (r, "county");
  if (NULL == c->county && XJ_ROLE_BUREAU == r->user.role)
    c->county = r->user.region_code;
  if (! xj_county_code_ok (c->county))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "county", "应为6位县级代码");
  if (XJ_E_OK != xj_req_arg_int (r, "year",
                                 xj_valid_school_year (xj_cal_today ()),
                                 2000, 2100, &y))
    return r->err;
  c->year = (int) y;
  if (XJ_ROLE_ADMIN != r->user.role
      && 0 != strncmp (c->county, r->user.region_code,
                       strlen (r->user.region_code)))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  return XJ_E_OK;
}

enum xj_err
xj_h_attendance_terms (struct xj_req *r)
{
  struct terms_ctx c = { 0 };
  enum xj_err e;

  if (XJ_E_OK != terms_args (r, &c))
    return r->err;
  e = xj_db_txn_run (r->db, "attendance_terms", false, &terms_get_txn, &c);
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, c.out);
  else
    json_decref (c.out);
  return e;
}

static enum xj_err
terms_put_txn (struct xj_db *db, void *cls)
{
  struct terms_ctx *c = cls;
  enum xj_err e;

  c->errs.n = 0;
  e = xj_att_terms_put (db, c->a, c->county, c->year, c->t, &c->errs);
  return XJ_E_OK == e ? terms_get_txn (db, c) : e;
}

enum xj_err
xj_h_attendance_terms_put (struct xj_req *r)
{
  struct terms_ctx c = { .a = &r->actor };
  json_t *body = NULL, *terms = NULL;
  const char *d[4];
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, NULL, JSON_STRICT, "{s:s, s:i, s:o}",
                           "county", &c.county, "year", &c.year, "terms",
                           &terms)
      || 0 != json_unpack_ex (terms, NULL, JSON_STRICT,
                              "[{s:s, s:s}, {s:s, s:s}]", "start", &d[0],
                              "end", &d[1], "start", &d[2], "end", &d[3]))
    {
      json_decref (body);
      return xj_reply_err (r, XJ_E_BAD_TYPE, NULL,
                           "应为{\"county\",\"year\",\"terms\":[{\"start\",\"end\"},"
                           "{\"start\",\"end\"}]}");
    }
  c.t[0].start = xj_ymd_parse (d[0]);
  c.t[0].end = xj_ymd_parse (d[1]);
  c.t[1].start = xj_ymd_parse (d[2]);
  c.t[1].end = xj_ymd_parse (d[3]);
  if (! xj_county_code_ok (c.county) || c.year < 2000 || c.year > 2100)
    e = xj_reply_err (r, XJ_E_BAD_PARAM, "county", "应为6位县级代码和学年");
  else if (! xj_h_county_bureau (&r->user, c.county))
    e = xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  else
    {
      e = xj_db_txn_run (r->db, "attendance_terms_put", true, &terms_put_txn,
                         &c);
      if (XJ_E_VALIDATION == e)
        e = xj_reply_verrs (r, &c.errs);
      else if (XJ_E_OK == e)
        xj_reply_json (r, 200, c.out);
      c.out = XJ_E_OK == e ? NULL : c.out;
    }
  json_decref (c.out);
  json_decref (body);
  return e;
}

/* ---- GET /attendance/classes/{id} ---- */
struct grid_ctx {
  int64_t class_id;
  int from, to;
  json_t *students;       /* array */
  json_t *by_id;          /* "id" -> the student's "absences" object */
  json_t *out;
};

static void
grid_student (void *cls, const struct xj_att_grid_student *s)
{
  struct grid_ctx *c = cls;
  char masked[32], key[24];
  json_t *abs = json_object ();

  xj_mask (XJ_MASK_REGISTRY_NO, s->registry_no, masked, sizeof masked);
  xj_snprintf (key, sizeof key, "%lld", (long long) s->id);
  json_object_set (c->by_id, key, abs);
  json_array_append_new (c->students,
                         json_pack ("{s:I, s:s, s:s, s:i, s:o}", "id",
                                    (json_int_t) s->id, "name", s->name,
                                    "registry_no", masked, "gender",
                                    s->gender, "absences", abs));
}

static void
grid_absence (void *cls, const struct xj_att_grid_absence *a)
{
  struct grid_ctx *c = cls;
  char key[24], d[12];
  json_t *abs;

  xj_snprintf (key, sizeof key, "%lld", (long long) a->student_id);
  if (NULL == (abs = json_object_get (c->by_id, key)))
    return;
  xj_ymd_format (a->day, d);
  json_object_set_new (abs, d,
                       json_pack ("{s:s, s:s}", "part",
                                  xj_att_part_name (a->part), "reason",
                                  xj_att_reason_name (a->reason)));
}

static json_t *
grid_days (const struct xj_att_cal *cal, int from, int to)
{
  json_t *days = json_array ();

  for (int d = from; d <= to; d = xj_ymd_add_days (d, 1))
    {
      const char *why = xj_att_not_school_day_why (cal, d);

      json_array_append_new (days, json_pack ("{s:o, s:i, s:b, s:s?}",
                                              "date", date_json (d),
                                              "weekday", xj_ymd_weekday (d),
                                              "school_day", NULL == why,
                                              "why", why));
    }
  return days;
}

static enum xj_err
grid_txn (struct xj_db *db, void *cls)
{
  struct grid_ctx *c = cls;
  struct xj_class k;
  struct xj_school sch;
  struct xj_att_cal cal;
  struct xj_att_grid_cb cb = { grid_student, grid_absence, c };
  enum xj_err e;

  json_decref (c->out);
  json_decref (c->by_id);
  c->out = NULL;
  c->students = json_array ();
  c->by_id = json_object ();
  if (XJ_E_OK != (e = xj_class_get (db, c->class_id, &k))
      || XJ_E_OK != (e = xj_school_get (db, k.school_id, &sch))
      || XJ_E_OK != (e = xj_att_cal_load (db, sch.county_code,
                                          xj_valid_school_year (c->from),
                                          &cal)))
    {
      json_decref (c->students);
      return e;
    }
  e = xj_att_grid (db, c->class_id, c->from, c->to, &cb);
  c->out = json_pack ("{s:{s:I, s:s, s:I, s:s}, s:o, s:o, s:o, s:o}",
                      "class", "id", (json_int_t) k.id, "name", k.name,
                      "school_id", (json_int_t) k.school_id, "school_name",
                      sch.name, "from", date_json (c->from), "to",
                      date_json (c->to), "days",
                      grid_days (&cal, c->from, c->to), "students",
                      c->students);
  xj_att_cal_fini (&cal);
  return e;
}

/* May @u see class @class_id (its school and county)?  Looked up before
   anything is read. */
static bool
class_visible (struct xj_req *r, int64_t class_id, bool *writable)
{
  struct xj_class k;
  struct xj_school sch;

  if (XJ_E_OK != xj_class_get (r->db, class_id, &k)
      || XJ_E_OK != xj_school_get (r->db, k.school_id, &sch)
      || ! xj_scope_student (&r->user, sch.id, sch.county_code, class_id))
    return false;
  *writable = XJ_ROLE_BUREAU != r->user.role;
  return true;
}

enum xj_err
xj_h_attendance_class (struct xj_req *r)
{
  struct grid_ctx c = { 0 };
  int today = xj_cal_today ();
  int monday = xj_ymd_add_days (today, -((xj_ymd_weekday (today) + 6) % 7));
  bool writable;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &c.class_id))
    return r->err;
  if (! date_arg (r, "from", monday, &c.from)
      || ! date_arg (r, "to", xj_ymd_add_days (c.from, 6), &c.to))
    return r->err;
  if (c.to < c.from || c.to > xj_ymd_add_days (c.from, GRID_MAX_DAYS - 1))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "to", "to应不早于from，且不超过%d天",
                         GRID_MAX_DAYS);
  if (! class_visible (r, c.class_id, &writable))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  e = xj_db_txn_run (r->db, "attendance_class", false, &grid_txn, &c);
  json_decref (c.by_id);
  if (XJ_E_OK != e)
    {
      json_decref (c.out);
      return e;
    }
  json_object_set_new (c.out, "writable", json_boolean (writable));
  xj_reply_json (r, 200, c.out);
  return XJ_E_OK;
}

/* ---- POST /attendance ---- */
struct rec_ctx {
  const struct xj_actor *a;
  const struct xj_user *u;
  struct xj_att_entry *e;
  size_t n, changed;
  struct xj_verrs errs;
};

static enum xj_err
rec_txn (struct xj_db *db, void *cls)
{
  struct rec_ctx *c = cls;

  c->errs.n = 0;
  return xj_att_record (db, c->a, c->u, c->e, c->n, &c->errs, &c->changed);
}

/* Reply to a recording: 200 {"entries","changed"}; 422 with every entry
   error, except that the grid (@scope_404) answers 404 when an entry's
   student is out of scope (like missing), while a file's row naming such
   a student is a row error like any other. */
static enum xj_err
rec_reply (struct xj_req *r, struct rec_ctx *c, enum xj_err e, size_t rows,
           bool scope_404)
{
  if (XJ_E_VALIDATION == e || (0 != c->errs.n && XJ_E_OK != e))
    {
      for (size_t i = 0; scope_404 && i < c->errs.n; i++)
        if (XJ_E_NOT_FOUND == c->errs.e[i].code)
          return xj_reply_err (r, XJ_E_NOT_FOUND, c->errs.e[i].field, "%s",
                               c->errs.e[i].detail);
      return xj_reply_verrs (r, &c->errs);
    }
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, json_pack ("{s:I, s:I}", "entries",
                                      (json_int_t) rows, "changed",
                                      (json_int_t) c->changed));
  return e;
}

/* One entry of the body into @out; false on a wrong shape. */
static bool
parse_entry (json_t *j, struct xj_att_entry *out)
{
  json_int_t id;
  const char *day, *part = NULL, *reason = NULL;

  if (0 != json_unpack_ex (j, NULL, JSON_STRICT, "{s:I, s:s, s?s, s?s}",
                           "student_id", &id, "date", &day, "part", &part,
                           "reason", &reason))
    return false;
  out->student_id = id;
  out->day = xj_ymd_parse (day);
  out->part = part ? xj_att_part_parse (part) : -1;
  out->reason = reason ? xj_att_reason_parse (reason) : 0;
  out->label = NULL;
  /* a part or reason given but unknown must not read as "present" */
  if ((part && out->part < 0) || (reason && out->reason < 0))
    out->part = 9;
  return 0 != out->day && 0 < out->student_id;
}

enum xj_err
xj_h_attendance_record (struct xj_req *r)
{
  struct rec_ctx c = { .a = &r->actor, .u = &r->user };
  json_t *body = NULL, *entries, *v;
  size_t i;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  entries = json_object_get (body, "entries");
  if (json_object_size (body) != 1 || ! json_is_array (entries)
      || json_array_size (entries) > XJ_ATT_MAX_ENTRIES)
    {
      json_decref (body);
      return xj_reply_err (r, XJ_E_BAD_TYPE, "entries",
                           "应为{\"entries\":[...]}，至多%d条",
                           XJ_ATT_MAX_ENTRIES);
    }
  c.n = json_array_size (entries);
  c.e = xj_calloc (c.n + 1, sizeof *c.e);
  json_array_foreach (entries, i, v)
    if (! parse_entry (v, &c.e[i]))
      {
        free (c.e);
        json_decref (body);
        return xj_reply_err (r, XJ_E_BAD_TYPE, "entries",
                             "第%zu条应为{\"student_id\",\"date\":\"YYYY-MM-DD\","
                             "\"part\"?,\"reason\"?}", i + 1);
      }
  e = xj_db_txn_run (r->db, "attendance_record", true, &rec_txn, &c);
  e = rec_reply (r, &c, e, c.n, true);
  free (c.e);
  json_decref (body);
  return e;
}

/* ---- POST /attendance/import ---- */
struct imp_ctx {
  struct rec_ctx rc;
  struct xj_att_import im;
  size_t read_errs;     /* row errors of the reader, kept on a retry */
  bool valid_only;
  size_t skipped;
};

static enum xj_err
imp_txn (struct xj_db *db, void *cls)
{
  struct imp_ctx *c = cls;

  c->rc.errs.n = c->read_errs;
  return xj_att_import_apply (db, c->rc.a, c->rc.u, &c->im, c->valid_only,
                              &c->rc.errs, &c->rc.changed, &c->skipped);
}

enum xj_err
xj_h_attendance_import (struct xj_req *r)
{
  struct imp_ctx c = { .rc = { .a = &r->actor, .u = &r->user } };
  const char *k;
  json_t *v;
  enum xj_err e;

  json_object_foreach (r->form, k, v)
    if (0 != strcmp (k, "sheet") && 0 != strcmp (k, "valid_only"))
      return xj_reply_err (r, XJ_E_UNKNOWN_FIELD, k, "%s", k);
  if (XJ_E_OK != (e = xj_req_form_flag (r, "valid_only", &c.valid_only)))
    return e;
  if (0 == r->upload_size)
    return xj_reply_err (r, XJ_E_IMPORT_EMPTY, "file", NULL);
  e = xj_att_import_read (r->upload_path,
                          json_string_value (json_object_get (r->form,
                                                              "sheet")),
                          &c.im, &c.rc.errs);
  c.read_errs = c.rc.errs.n;
  if (XJ_E_OK == e || XJ_E_VALIDATION == e)   /* row errors: check the rest */
    e = xj_db_txn_run (r->db, "attendance_import", true, &imp_txn, &c);
  if (XJ_E_OK == e && c.valid_only)
    xj_reply_json (r, 200, json_pack ("{s:I, s:I, s:I, s:o}", "entries",
                                      (json_int_t) c.im.n, "changed",
                                      (json_int_t) c.rc.changed, "skipped",
                                      (json_int_t) c.skipped, "errors",
                                      xj_verrs_to_json (&c.rc.errs)));
  else
    e = rec_reply (r, &c.rc, e, c.im.n, false);
  xj_att_import_fini (&c.im);
  return e;
}

/* ---- GET /attendance/suspects ---- */
struct susp_ctx {
  struct xj_scope scope;
  int64_t school;
  int as_of;
  json_t *items;
};

static void
susp_one (void *cls, const struct xj_att_suspect *s)
{
  struct susp_ctx *c = cls;
  char masked[32];

  xj_mask (XJ_MASK_REGISTRY_NO, s->registry_no, masked, sizeof masked);
  json_array_append_new (
    c->items,
    json_pack ("{s:I, s:s, s:s, s:I, s:s, s:I, s:s, s:s, s:i, s:o, s:o,"
               " s:i, s:f}",
               "student_id", (json_int_t) s->student_id, "name", s->name,
               "registry_no", masked, "school_id", (json_int_t) s->school_id,
               "school_name", s->school_name, "class_id",
               (json_int_t) s->class_id, "class_name", s->class_name,
               "level", XJ_ATT_DROPOUT == s->level ? "dropout" : "suspected",
               "streak", s->t.streak, "streak_from",
               date_json (s->t.streak_from), "streak_to",
               date_json (s->t.streak_to), "current", s->t.current,
               "term_days", s->t.term_halfdays / 2.0));
}

static enum xj_err
susp_txn (struct xj_db *db, void *cls)
{
  struct susp_ctx *c = cls;

  json_array_clear (c->items);
  return xj_att_suspects (db, &c->scope, c->school, c->as_of, &susp_one, c);
}

enum xj_err
xj_h_attendance_suspects (struct xj_req *r)
{
  struct susp_ctx c = { 0 };
  struct xj_att_thresholds th;
  struct xj_school sch;
  enum xj_err e;

  if (XJ_E_OK != xj_req_arg_int (r, "school", 0, 0, INT64_MAX, &c.school)
      || ! date_arg (r, "as_of", xj_cal_today (), &c.as_of))
    return r->err;
  if (c.school > 0
      && (XJ_E_OK != xj_school_get (r->db, c.school, &sch)
          || ! xj_scope_school (&r->user, sch.id, sch.county_code)))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  xj_scope_of (&r->user, &c.scope);
  c.items = json_array ();
  e = xj_db_txn_run (r->db, "attendance_suspects", false, &susp_txn, &c);
  if (XJ_E_OK == e)
    e = xj_att_thresholds_get (r->db, &th);
  if (XJ_E_OK != e)
    {
      json_decref (c.items);
      return e;
    }
  xj_reply_json (r, 200,
                 json_pack ("{s:o, s:{s:i, s:i, s:i, s:i}, s:o}", "as_of",
                            date_json (c.as_of), "thresholds",
                            "suspect_days", th.suspect_days, "dropout_days",
                            th.dropout_days, "term_suspect_days",
                            th.term_suspect_days, "term_dropout_days",
                            th.term_dropout_days, "items", c.items));
  return XJ_E_OK;
}

/* ---- GET /attendance/rate ---- */
struct rate_ctx {
  int64_t school;
  int from, to, days;
  int64_t halfdays, students;
};

static enum xj_err
rate_txn (struct xj_db *db, void *cls)
{
  struct rate_ctx *c = cls;

  return xj_att_school_rate (db, c->school, c->from, c->to, &c->halfdays,
                             &c->days, &c->students);
}

enum xj_err
xj_h_attendance_rate (struct xj_req *r)
{
  struct rate_ctx c = { 0 };
  struct xj_school sch;
  int today = xj_cal_today ();
  double denom;
  enum xj_err e;

  if (XJ_E_OK != xj_req_arg_int (r, "school", 0, 1, INT64_MAX, &c.school)
      || ! date_arg (r, "from", xj_ymd_add_days (today, -30), &c.from)
      || ! date_arg (r, "to", today, &c.to))
    return r->err;
  if (c.to < c.from || xj_valid_school_year (c.to)
                         != xj_valid_school_year (c.from))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "to",
                         "from和to应在同一学年，且to不早于from");
  if (XJ_E_OK != xj_school_get (r->db, c.school, &sch)
      || ! xj_scope_school (&r->user, sch.id, sch.county_code))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  e = xj_db_txn_run (r->db, "attendance_rate", false, &rate_txn, &c);
  if (XJ_E_OK != e)
    return e;
  denom = 2.0 * c.days * (double) c.students;
  xj_reply_json (r, 200,
                 json_pack ("{s:I, s:o, s:o, s:i, s:I, s:f, s:f}", "school_id",
                            (json_int_t) c.school, "from", date_json (c.from),
                            "to", date_json (c.to), "school_days", c.days,
                            "students", (json_int_t) c.students,
                            "absent_days", c.halfdays / 2.0, "rate",
                            denom > 0 ? c.halfdays / denom : 0.0));
  return XJ_E_OK;
}
