/* h_zones.c -- /api/v1/zones, /api/v1/schools/{id}/zone (feeder
 * relations and attendance zones, county bureau), /api/v1/allocations
 * (the 小升初 allocation: generate, review, move, publish, its list as
 * XLSX) and
 * /api/v1/intake (a junior school's 新生名单 and its bulk confirmation).
 * Template: parse, validate, authorise, transaction, reply; the rules
 * live in src/zone.  The county bureau of the county (or an
 * administrator) defines zones and allocates; anything else answers 404.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "export/export.h"
#include "export/export_job.h"
#include "http/handlers.h"
#include "school/school.h"
#include "zone/zone.h"

#define MAX_LIST 5000



/* JSON array @a (absent = empty; <= MAX_LIST) of integers (@ints) or
   strings into a new array *out of int64_t or const char * (borrowed
   from @a). */
static bool
json_list (json_t *a, bool ints, void **out, size_t *n)
{
  size_t i;
  json_t *v;

  *out = NULL;
  *n = 0;
  if (NULL == a)
    return true;
  if (! json_is_array (a) || json_array_size (a) > MAX_LIST)
    return false;
  *out = xj_calloc (json_array_size (a) + 1,
                    ints ? sizeof (int64_t) : sizeof (const char *));
  json_array_foreach (a, i, v)
    {
      if (ints ? ! json_is_integer (v) : ! json_is_string (v))
        return false;
      if (ints)
        ((int64_t *) *out)[(*n)++] = json_integer_value (v);
      else
        ((const char **) *out)[(*n)++] = json_string_value (v);
    }
  return true;
}

static bool
int_list (json_t *a, int64_t **out, size_t *n)
{
  void *p;
  bool ok = json_list (a, true, &p, n);

  *out = p;
  return ok;
}

static bool
str_list (json_t *a, const char ***out, size_t *n)
{
  void *p;
  bool ok = json_list (a, false, &p, n);

  *out = p;
  return ok;
}

/* GET /zones?county= */
struct zone_get_ctx {
  const char *county;
  json_t *out;
};

static enum xj_err
zone_get_txn (struct xj_db *db, void *cls)
{
  struct zone_get_ctx *c = cls;

  json_decref (c->out);
  return xj_zone_county_json (db, c->county, &c->out);
}

enum xj_err
xj_h_zones (struct xj_req *r)
{
  struct zone_get_ctx c = { xj_req_arg (r, "county"), NULL };
  enum xj_err e;

  if (XJ_ROLE_BUREAU == r->user.role && NULL == c.county)
    c.county = r->user.region_code;
  if (! xj_county_code_ok (c.county))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "county", "应为6位县级代码");
  if (! xj_h_county_bureau (&r->user, c.county))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  e = xj_db_txn_run (r->db, "zones", false, &zone_get_txn, &c);
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, c.out);
  else
    json_decref (c.out);
  return e;
}

/* PUT /schools/{id}/zone */
struct zone_put_ctx {
  const struct xj_actor *a;
  int64_t school;
  struct xj_zone_def d;
  const char *field;
};

static enum xj_err
zone_put_txn (struct xj_db *db, void *cls)
{
  struct zone_put_ctx *c = cls;

  return xj_zone_put (db, c->a, c->school, &c->d, &c->field);
}

enum xj_err
xj_h_school_zone_put (struct xj_req *r)
{
  struct zone_put_ctx c = { .a = &r->actor };
  struct xj_school sch;
  json_t *body = NULL;
  int64_t *feeders = NULL;
  const char **towns = NULL, **comms = NULL;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &c.school))
    return r->err;
  if (XJ_E_OK != xj_school_get (r->db, c.school, &sch)
      || ! xj_h_county_bureau (&r->user, sch.county_code))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (! int_list (json_object_get (body, "feeders"), &feeders,
                  &c.d.nfeeders)
      || ! str_list (json_object_get (body, "townships"), &towns,
                     &c.d.ntownships)
      || ! str_list (json_object_get (body, "communities"), &comms,
                     &c.d.ncommunities))
    e = xj_reply_err (r, XJ_E_BAD_TYPE, NULL,
                      "feeders为学校编号数组，townships、communities为字符串数组");
  else
    {
      c.d.feeders = feeders;
      c.d.townships = towns;
      c.d.communities = comms;
      e = xj_db_txn_run (r->db, "zone_put", true, &zone_put_txn, &c);
      if (XJ_E_ZONE_INVALID == e)
        e = xj_reply_err (r, e, c.field,
                          "对口小学须为本县小学且本校设初中年级；学区乡镇须为本县乡镇；社区名称1至50字");
      else if (XJ_E_OK == e)
        {
          struct zone_get_ctx g = { sch.county_code, NULL };

          e = xj_db_txn_run (r->db, "zones", false, &zone_get_txn, &g);
          if (XJ_E_OK == e)
            xj_reply_json (r, 200, g.out);
        }
    }
  free (feeders);
  free (towns);
  free (comms);
  json_decref (body);
  return e;
}

/* ---- allocations ---- */

struct alloc_ctx {
  const struct xj_actor *a;
  const char *county;
  int64_t id, to, limit, offset;
  int64_t *students;
  size_t n;
  const char *reason;
  int op;        /* 0 generate, 1 get, 2 items, 3 move, 4 publish */
  int64_t moved;
  json_t *out;
};

static enum xj_err
alloc_txn (struct xj_db *db, void *cls)
{
  struct alloc_ctx *c = cls;
  enum xj_err e;

  json_decref (c->out);
  c->out = NULL;
  switch (c->op)
    {
    case 0: return xj_alloc_generate (db, c->a, c->county, &c->out);
    case 1: return xj_alloc_get_json (db, c->id, &c->out);
    case 2:
      return xj_alloc_items_json (db, c->id, c->to, c->limit, c->offset,
                                  &c->out);
    case 3:
      e = xj_alloc_move (db, c->a, c->id, c->students, c->n, c->to,
                         c->reason, &c->moved);
      return XJ_E_OK == e ? xj_alloc_get_json (db, c->id, &c->out) : e;
    default:
      e = xj_alloc_publish (db, c->a, c->id);
      return XJ_E_OK == e ? xj_alloc_get_json (db, c->id, &c->out) : e;
    }
}

static enum xj_err
alloc_run (struct xj_req *r, struct alloc_ctx *c, unsigned status)
{
  enum xj_err e = xj_db_txn_run (r->db, "allocation", c->op != 1 && c->op != 2,
                                 &alloc_txn, c);

  if (XJ_E_OK == e)
    {
      xj_reply_json (r, status, c->out);
      return XJ_E_OK;
    }
  json_decref (c->out);
  if (XJ_E_ALLOCATION_PUBLISHED == e || XJ_E_ALLOCATION_NO_GRADUATES == e
      || XJ_E_NOT_FOUND == e)
    return xj_reply_err (r, e, NULL, NULL);
  if (XJ_E_NO_SUCH_SCHOOL == e)
    return xj_reply_err (r, e, "to_school_id", "须为本县设初中年级的学校");
  return e;
}

/* The allocation {id} of the path, if the caller is its county's bureau. */
static enum xj_err
alloc_of_path (struct xj_req *r, struct alloc_ctx *c)
{
  char county[8], status[16];

  if (XJ_E_OK != xj_req_path_id (r, 0, &c->id))
    return r->err;
  if (XJ_E_OK != xj_alloc_county (r->db, c->id, county, status)
      || ! xj_h_county_bureau (&r->user, county))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  return XJ_E_OK;
}

enum xj_err
xj_h_allocation_create (struct xj_req *r)
{
  struct alloc_ctx c = { .a = &r->actor, .op = 0 };
  json_t *body = NULL;
  json_error_t jerr;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s}", "county",
                           &c.county))
    e = xj_reply_err (r, XJ_E_BAD_TYPE, "county", "%s", jerr.text);
  else if (! xj_county_code_ok (c.county))
    e = xj_reply_err (r, XJ_E_BAD_PARAM, "county", "应为6位县级代码");
  else if (! xj_h_county_bureau (&r->user, c.county))
    e = xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  else
    e = alloc_run (r, &c, 201);
  json_decref (body);
  return e;
}

enum xj_err
xj_h_allocation_get (struct xj_req *r)
{
  struct alloc_ctx c = { .a = &r->actor, .op = 1 };

  if (XJ_E_OK != alloc_of_path (r, &c))
    return r->err;
  return alloc_run (r, &c, 200);
}

enum xj_err
xj_h_allocation_items (struct xj_req *r)
{
  struct alloc_ctx c = { .a = &r->actor, .op = 2 };
  int64_t page;

  if (XJ_E_OK != alloc_of_path (r, &c)
      || XJ_E_OK != xj_req_arg_int (r, "to_school_id", -1, -1, INT64_MAX,
                                    &c.to)
      || XJ_E_OK != xj_req_paging (r, &c.limit, &c.offset, &page))
    return r->err;
  return alloc_run (r, &c, 200);
}

enum xj_err
xj_h_allocation_move (struct xj_req *r)
{
  struct alloc_ctx c = { .a = &r->actor, .op = 3 };
  json_t *body = NULL, *ids = NULL;
  json_error_t jerr;
  json_int_t to = 0;
  enum xj_err e;

  if (XJ_E_OK != alloc_of_path (r, &c))
    return r->err;
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:o, s:I, s:s}",
                           "student_ids", &ids, "to_school_id", &to,
                           "reason", &c.reason)
      || ! int_list (ids, &c.students, &c.n) || 0 == c.n)
    e = xj_reply_err (r, XJ_E_BAD_TYPE, NULL,
                      "须提供student_ids（学生编号数组）、to_school_id和reason");
  else if ('\0' == *c.reason || strlen (c.reason) > 500)
    e = xj_reply_err (r, XJ_E_REQUIRED, "reason", "请填写调整原因");
  else
    {
      c.to = to;
      e = alloc_run (r, &c, 200);
    }
  free (c.students);
  json_decref (body);
  return e;
}

enum xj_err
xj_h_allocation_publish (struct xj_req *r)
{
  struct alloc_ctx c = { .a = &r->actor, .op = 4 };

  if (XJ_E_OK != alloc_of_path (r, &c))
    return r->err;
  return alloc_run (r, &c, 200);
}

/* GET /allocations/{id}/items.xlsx: every student of the allocation as
   a sheet (masked numbers; audited).  A direct download takes one of the
   export slots like a list export. */
enum xj_err
xj_h_allocation_xlsx (struct xj_req *r)
{
  struct alloc_ctx c = { .a = &r->actor };
  struct xj_export_settings set;
  char path[1200], name[64];
  int64_t rows;
  enum xj_err e;

  if (XJ_E_OK != alloc_of_path (r, &c))
    return r->err;
  if (XJ_E_OK != (e = xj_export_settings_get (r->db, &set)))
    return xj_reply_err (r, e, NULL, NULL);
  if (! xj_export_slot_take (set.max_running))
    return xj_reply_err (r, XJ_E_EXPORT_BUSY, NULL, NULL);
  e = xj_req_temp_file (r, "alloc", path, sizeof path);
  if (XJ_E_OK == e)
    {
      e = xj_export_allocation (r->db, &r->actor, c.id, xj_req_tmpdir (r),
                                path, &rows);
      if (XJ_E_OK != e)
        {
          unlink (path);
          e = xj_reply_err (r, e, NULL, NULL);
        }
    }
  xj_export_slot_release ();
  if (XJ_E_OK != e)
    return e;
  xj_snprintf (name, sizeof name, "小升初分配名单-%lld.xlsx",
               (long long) c.id);
  return xj_reply_file (r, path, true, XJ_XLSX_MIME, name);
}

/* ---- intake ---- */

/* The junior school: a registrar's own, else ?school_id / body school_id
   in the caller's write scope. */
static enum xj_err
intake_school (struct xj_req *r, int64_t asked, int64_t *out)
{
  struct xj_school sch;

  if (XJ_ROLE_REGISTRAR == r->user.role)
    asked = asked ? asked : r->user.school_id;
  if (0 == asked)
    return xj_reply_err (r, XJ_E_MISSING_FIELD, "school_id", "请选择学校");
  if (XJ_E_OK != xj_school_get (r->db, asked, &sch)
      || ! xj_scope_school_write (&r->user, sch.id, sch.county_code))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  *out = sch.id;
  return XJ_E_OK;
}

struct intake_ctx {
  const struct xj_actor *a;
  struct xj_intake_confirm c;
  json_t *out;
};

static enum xj_err
intake_get_txn (struct xj_db *db, void *cls)
{
  struct intake_ctx *c = cls;

  json_decref (c->out);
  return xj_intake_json (db, c->c.school_id, &c->out);
}

enum xj_err
xj_h_intake (struct xj_req *r)
{
  struct intake_ctx c = { .a = &r->actor };
  int64_t asked;
  enum xj_err e;

  if (XJ_E_OK != xj_req_arg_int (r, "school_id", 0, 0, INT64_MAX, &asked)
      || XJ_E_OK != intake_school (r, asked, &c.c.school_id))
    return r->err;
  e = xj_db_txn_run (r->db, "intake", false, &intake_get_txn, &c);
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, c.out);
  else
    json_decref (c.out);
  return e;
}

static enum xj_err
intake_confirm_txn (struct xj_db *db, void *cls)
{
  struct intake_ctx *c = cls;

  json_decref (c->out);
  c->out = NULL;
  return xj_intake_confirm (db, c->a, &c->c, &c->out);
}

enum xj_err
xj_h_intake_confirm (struct xj_req *r)
{
  struct intake_ctx c = { .a = &r->actor };
  json_t *body = NULL, *ids = NULL, *classes = NULL;
  json_error_t jerr;
  json_int_t school = 0;
  int balance = 0;
  int64_t *sv = NULL, *cv = NULL;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s?I, s?o, s?o, s?b}",
                           "school_id", &school, "student_ids", &ids,
                           "class_ids", &classes, "balance", &balance)
      || ! int_list (ids, &sv, &c.c.n)
      || ! int_list (classes, &cv, &c.c.nclasses))
    e = xj_reply_err (r, XJ_E_BAD_TYPE, NULL, "%s", jerr.text);
  else if (XJ_E_OK == (e = intake_school (r, school, &c.c.school_id)))
    {
      c.c.students = sv;
      c.c.classes = cv;
      c.c.balance = balance;
      e = xj_db_txn_run (r->db, "intake_confirm", true, &intake_confirm_txn,
                         &c);
      if (XJ_E_NO_SUCH_CLASS == e)
        e = xj_reply_err (r, e, "class_ids", "须为本校本学年或新学年的初一班级");
      else if (XJ_E_OK == e)
        xj_reply_json (r, 200, c.out);
      else
        json_decref (c.out);
    }
  free (sv);
  free (cv);
  json_decref (body);
  return e;
}
