/* h_schools.c -- /api/v1/schools and /api/v1/classes, always within the
 * caller's scope.
 */
#include <string.h>
#include "http/handlers.h"
#include "klass/klass.h"
#include "region/region.h"
#include "school/school.h"
#include "validate/codes.h"

static json_t *
school_json (struct xj_db *db, const struct xj_school *s, int64_t students,
             int64_t classes)
{
  struct xj_region county, town;
  const char *stage = xj_code_zh ("stage", s->stage);

  if (XJ_E_OK != xj_region_get (db, s->county_code, &county))
    county.name[0] = '\0';
  if (! s->township_code[0]
      || XJ_E_OK != xj_region_get (db, s->township_code, &town))
    town.name[0] = '\0';
  return json_pack ("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i,"
                    " s:I, s:I}",
                    "id", (json_int_t) s->id, "code", s->code, "name",
                    s->name, "stage", s->stage, "stage_label",
                    stage ? stage : "", "county_code", s->county_code,
                    "county_name", county.name, "township_code",
                    s->township_code, "township_name", town.name,
                    "urban_rural", s->urban_rural, "student_count",
                    (json_int_t) students, "class_count",
                    (json_int_t) classes);
}

struct list_ctx {
  struct xj_db *db;
  json_t *items;
};

static int
school_row (void *cls, const struct xj_school_row *row)
{
  struct list_ctx *c = cls;

  json_array_append_new (c->items, school_json (c->db, &row->s, row->students,
                                                row->classes));
  return 0;
}

enum xj_err
xj_h_schools (struct xj_req *r)
{
  struct xj_school_filter f = { 0 };
  struct xj_scope sc;
  int64_t limit, offset, page, total = 0;
  const char *region = xj_req_arg (r, "region");
  const char *stage = xj_req_arg (r, "stage");
  const char *q = xj_req_arg (r, "q");
  struct list_ctx c;
  enum xj_err e;

  if (XJ_E_OK != xj_req_paging (r, &limit, &offset, &page))
    return r->err;
  if (stage && *stage && ! xj_code_valid ("stage", stage))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "stage", "学段%s不存在", stage);
  if (q && strlen (q) > 60)
    return xj_reply_err (r, XJ_E_BAD_PARAM, "q", "查询文本过长");
  xj_scope_of (&r->user, &sc);
  /* A region filter may only narrow the scope, never widen it. */
  f.region = sc.prefix;
  if (region && *region)
    {
      if (strlen (region) > 6 || strspn (region, "0123456789") != strlen (region))
        return xj_reply_err (r, XJ_E_BAD_PARAM, "region", "应为行政区划代码");
      if (0 == strncmp (region, sc.prefix, strlen (sc.prefix)))
        f.region = region;        /* inside the scope: narrower */
      else if (0 != strncmp (sc.prefix, region, strlen (region)))
        f.region = "X";           /* disjoint: nothing */
    }
  f.school_id = sc.school_id;
  f.q = q;
  f.stage = stage;
  f.limit = (unsigned) limit;
  f.offset = (unsigned) offset;
  c.db = r->db;
  c.items = json_array ();
  e = xj_school_list (r->db, &f, &school_row, &c, &total);
  if (XJ_E_OK != e)
    {
      json_decref (c.items);
      return e;
    }
  xj_reply_json (r, 200, xj_page_json (c.items, total, page, limit));
  return XJ_E_OK;
}

struct grade_ctx {
  json_t *grades;
  int64_t students, classes;
};

static int
grade_row (void *cls, const struct xj_grade_count *g)
{
  struct grade_ctx *c = cls;
  const char *label = xj_code_zh ("grade", g->grade);

  c->students += g->students;
  c->classes += g->classes;
  json_array_append_new (c->grades,
                         json_pack ("{s:s, s:s, s:I, s:I, s:I}", "grade",
                                    g->grade, "grade_label",
                                    label ? label : g->grade, "classes",
                                    (json_int_t) g->classes, "students",
                                    (json_int_t) g->students, "girls",
                                    (json_int_t) g->girls));
  return 0;
}

struct class_ctx {
  const struct xj_user *u;
  const char *school_name;
  json_t *items;
};

static bool
teacher_has (const struct xj_user *u, int64_t class_id)
{
  if (XJ_ROLE_TEACHER != u->role)
    return true;
  for (unsigned i = 0; i < u->nclasses; i++)
    if (u->class_ids[i] == class_id)
      return true;
  return false;
}

static json_t *
class_json (const struct xj_class *k, const char *school_name,
            int64_t students, int64_t girls)
{
  const char *label = xj_code_zh ("grade", k->grade);

  return json_pack ("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:I}",
                    "id", (json_int_t) k->id, "school_id",
                    (json_int_t) k->school_id, "school_name", school_name,
                    "year_id", (json_int_t) k->year_id, "grade", k->grade,
                    "grade_label", label ? label : k->grade, "name", k->name,
                    "head_teacher", k->head_teacher, "student_count",
                    (json_int_t) students, "girls", (json_int_t) girls);
}

static int
class_row (void *cls, const struct xj_class_row *row)
{
  struct class_ctx *c = cls;

  if (teacher_has (c->u, row->c.id))
    json_array_append_new (c->items, class_json (&row->c, c->school_name,
                                                 row->students, row->girls));
  return 0;
}

enum xj_err
xj_h_school_get (struct xj_req *r)
{
  struct xj_school s;
  struct grade_ctx g = { 0 };
  struct class_ctx c;
  int64_t id;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  if (XJ_E_OK != (e = xj_school_in_scope_or_reply (r, id, &s)))
    return e;
  g.grades = json_array ();
  c = (struct class_ctx) { &r->user, s.name, json_array () };
  e = xj_school_grade_counts (r->db, id, &grade_row, &g);
  if (XJ_E_OK == e)
    e = xj_class_list (r->db, id, 0, NULL, &class_row, &c);
  if (XJ_E_OK != e)
    {
      json_decref (g.grades);
      json_decref (c.items);
      return e;
    }
  xj_reply_json (r, 200,
                 json_pack ("{s:o, s:o, s:o}", "school",
                            school_json (r->db, &s, g.students, g.classes),
                            "grades", g.grades, "classes", c.items));
  return XJ_E_OK;
}

enum xj_err
xj_h_classes (struct xj_req *r)
{
  struct xj_school s;
  struct class_ctx c;
  int64_t school_id;
  const char *grade = xj_req_arg (r, "grade");
  enum xj_err e;

  if (XJ_E_OK != xj_req_arg_int (r, "school_id", 0, 0, INT64_MAX, &school_id))
    return r->err;
  if (grade && *grade && ! xj_code_valid ("grade", grade))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "grade", "年级代码%s不存在", grade);
  if (0 == school_id)
    {
      if (0 == r->user.school_id)
        return xj_reply_err (r, XJ_E_BAD_PARAM, "school_id", "请指定学校");
      school_id = r->user.school_id;
    }
  if (XJ_E_OK != (e = xj_school_in_scope_or_reply (r, school_id, &s)))
    return e;
  c = (struct class_ctx) { &r->user, s.name, json_array () };
  e = xj_class_list (r->db, school_id, 0, grade, &class_row, &c);
  if (XJ_E_OK != e)
    {
      json_decref (c.items);
      return e;
    }
  xj_reply_json (r, 200, json_pack ("{s:o, s:I}", "items", c.items, "total",
                                    (json_int_t) json_array_size (c.items)));
  return XJ_E_OK;
}

enum xj_err
xj_h_class_get (struct xj_req *r)
{
  struct xj_class k;
  struct xj_school s;
  int64_t id;
  struct class_ctx c;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  e = xj_class_get (r->db, id, &k);
  if (XJ_E_NOT_FOUND == e || (XJ_E_OK == e && ! teacher_has (&r->user, id)))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK != e)
    return e;
  if (XJ_E_OK != (e = xj_school_in_scope_or_reply (r, k.school_id, &s)))
    return e;
  /* head count from the list of the class's school and grade */
  c = (struct class_ctx) { &r->user, s.name, json_array () };
  e = xj_class_list (r->db, k.school_id, k.year_id, k.grade, &class_row, &c);
  if (XJ_E_OK != e)
    {
      json_decref (c.items);
      return e;
    }
  for (size_t i = 0; i < json_array_size (c.items); i++)
    {
      json_t *it = json_array_get (c.items, i);

      if (json_integer_value (json_object_get (it, "id")) == id)
        {
          xj_reply_json (r, 200, json_incref (it));
          json_decref (c.items);
          return XJ_E_OK;
        }
    }
  json_decref (c.items);
  xj_reply_json (r, 200, class_json (&k, s.name, 0, 0));
  return XJ_E_OK;
}
