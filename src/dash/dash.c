/* dash.c -- the dashboard's unit, panel table and drill list (dash.h).
 * The panels themselves are in dash_panels.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "dash/dash.h"
#include "dash/dash_int.h"
#include "export/export.h"
#include "region/region.h"
#include "validate/codes.h"

/* THE panel table: adding a panel is one line here and its two
   functions (figures, students). */
const struct xj_dash_panel xj_dash_panels[] = {
  { "enrolment", &xj_dash_enrolment, &xj_dash_enrolment_students },
  { "units", &xj_dash_units, &xj_dash_units_students },
  { "class_sizes", &xj_dash_class_sizes, &xj_dash_class_sizes_students },
  { "dropout", &xj_dash_dropout, &xj_dash_dropout_students },
  { "absence", &xj_dash_absence, &xj_dash_absence_students },
  { "duplicates", &xj_dash_dups, &xj_dash_dups_students },
  { "ghosts", &xj_dash_ghosts, &xj_dash_ghosts_students },
  { "verify", &xj_dash_verify, &xj_dash_verify_students },
  { "flows", &xj_dash_flows, &xj_dash_flows_students },
  { NULL, NULL, NULL }
};

static const char *const level_names[] = { "all", "province", "city",
                                           "county", "school", "class" };

const char *
xj_dash_level_name (enum xj_dash_level l)
{
  return level_names[l];
}

const struct xj_dash_panel *
xj_dash_panel_find (const char *name)
{
  for (const struct xj_dash_panel *p = xj_dash_panels; name && p->name; p++)
    if (0 == strcmp (p->name, name))
      return p;
  return NULL;
}

static bool
digits (const char *s, size_t n)
{
  return strlen (s) == n && strspn (s, "0123456789") == n;
}

/* A region code of level @l (2, 4 or 6 digits, or 6 digits padded with
   zeros) into @prefix. */
static bool
region_prefix (enum xj_dash_level l, const char *code, char prefix[16])
{
  size_t len = 2 * (size_t) l;

  if (digits (code, 6) && len < 6
      && 0 != strspn (code + len, "0") && strspn (code + len, "0") == 6 - len)
    {
      memcpy (prefix, code, len);
      prefix[len] = '\0';
      return true;
    }
  if (! digits (code, len))
    return false;
  xj_strlcpy (prefix, code, 16);
  return true;
}

/* May @u see region @prefix (it lies within @u's own)? */
static bool
region_in_scope (const struct xj_user *u, const char *prefix)
{
  if (XJ_ROLE_ADMIN == u->role)
    return true;
  return XJ_ROLE_BUREAU == u->role && u->region_code[0]
         && xj_region_contains (u->region_code, prefix);
}

static enum xj_err
unit_region (struct xj_db *db, const struct xj_user *u,
             struct xj_dash_unit *un)
{
  struct xj_region reg;
  enum xj_err e;

  if (! region_in_scope (u, un->prefix))
    return XJ_E_NOT_FOUND;
  e = xj_region_get (db, un->prefix, &reg);
  if (XJ_E_OK == e)
    xj_strlcpy (un->name, reg.name, sizeof un->name);
  else if (XJ_E_NOT_FOUND == e)
    xj_strlcpy (un->name, un->prefix, sizeof un->name);
  else
    return e;
  return XJ_E_OK;
}

static enum xj_err
unit_school (struct xj_db *db, const struct xj_user *u,
             struct xj_dash_unit *un)
{
  enum xj_err e = xj_dash_store_school (db, un->school_id, un->prefix,
                                        un->name, sizeof un->name);

  if (XJ_E_OK != e)
    return e;
  return xj_scope_school (u, un->school_id, un->prefix) ? XJ_E_OK
                                                         : XJ_E_NOT_FOUND;
}

static enum xj_err
unit_class (struct xj_db *db, const struct xj_user *u,
            struct xj_dash_unit *un)
{
  char cname[128], sname[128];
  enum xj_err e = xj_dash_store_class (db, un->class_id, &un->school_id,
                                       cname, sizeof cname);

  if (XJ_E_OK == e)
    e = xj_dash_store_school (db, un->school_id, un->prefix, sname,
                              sizeof sname);
  if (XJ_E_OK != e)
    return e;
  xj_strlcpy (un->name, cname, sizeof un->name);
  return xj_scope_school (u, un->school_id, un->prefix) ? XJ_E_OK
                                                         : XJ_E_NOT_FOUND;
}

/* The user's own unit when no level is asked for. */
static enum xj_err
unit_own (struct xj_db *db, const struct xj_user *u, struct xj_dash_unit *un)
{
  switch (u->role)
    {
    case XJ_ROLE_ADMIN:
      un->level = XJ_DASH_ALL;
      xj_strlcpy (un->name, "全部", sizeof un->name);
      return XJ_E_OK;
    case XJ_ROLE_BUREAU:
      un->level = (enum xj_dash_level) (strlen (u->region_code) / 2);
      if (un->level < XJ_DASH_PROVINCE || un->level > XJ_DASH_COUNTY)
        return XJ_E_NOT_FOUND;
      xj_strlcpy (un->prefix, u->region_code, sizeof un->prefix);
      return unit_region (db, u, un);
    case XJ_ROLE_REGISTRAR:
      un->level = XJ_DASH_SCHOOL;
      un->school_id = u->school_id;
      return unit_school (db, u, un);
    default:
      return XJ_E_NOT_FOUND;
    }
}

static enum xj_err
parse_unit (struct xj_db *db, const struct xj_user *u, const char *level,
            const char *code, struct xj_dash_unit *un, const char **field)
{
  int l = 0;
  char *end;

  while (l <= XJ_DASH_CLASS && 0 != strcmp (level, level_names[l]))
    l++;
  if (l > XJ_DASH_CLASS)
    return *field = "level", XJ_E_BAD_PARAM;
  un->level = (enum xj_dash_level) l;
  if (XJ_DASH_ALL == un->level)
    return XJ_ROLE_ADMIN == u->role ? unit_own (db, u, un) : XJ_E_NOT_FOUND;
  *field = "code";
  if (un->level <= XJ_DASH_COUNTY)
    return region_prefix (un->level, code, un->prefix)
             ? unit_region (db, u, un) : XJ_E_BAD_PARAM;
  errno = 0;
  int64_t id = strtoll (code, &end, 10);
  if ('\0' == *code || '\0' != *end || id <= 0 || 0 != errno)
    return XJ_E_BAD_PARAM;
  if (XJ_DASH_SCHOOL == un->level)
    return un->school_id = id, unit_school (db, u, un);
  un->class_id = id;
  return unit_class (db, u, un);
}

/* @s a real date "YYYY-MM-DD" not after today into q's dates. */
static bool
parse_asof (const char *s, struct xj_dash_q *q)
{
  int y, m, d, y2, m2, d2;
  char back[16];

  if (NULL == s || '\0' == *s)
    {
      xj_today (&y, &m, &d);
    }
  else
    {
      if (10 != strlen (s) || 3 != sscanf (s, "%4d-%2d-%2d", &y, &m, &d))
        return false;
      xj_snprintf (back, sizeof back, "%04d-%02d-%02d", y, m, d);
      if (0 != strcmp (back, s) || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
      xj_civil_from_days (xj_days_from_civil (y, m, d), &y2, &m2, &d2);
      if (y2 != y || m2 != m || d2 != d)
        return false;
    }
  xj_snprintf (q->asof, sizeof q->asof, "%04d-%02d-%02d", y, m, d);
  q->asof_ymd = y * 10000 + m * 100 + d;
  if (q->asof_ymd > xj_today_ymd ())
    return false;
  xj_snprintf (q->year_start, sizeof q->year_start, "%04d-09-01",
               m < 9 ? y - 1 : y);
  xj_strlcpy (q->term_from, q->year_start, sizeof q->term_from);
  return true;
}

enum xj_err
xj_dash_query (struct xj_db *db, const struct xj_user *u, const char *level,
               const char *code, const char *asof, struct xj_dash_q *q,
               const char **field)
{
  memset (q, 0, sizeof *q);
  *field = NULL;
  if (XJ_ROLE_TEACHER == u->role)
    return XJ_E_NOT_FOUND;
  if (! parse_asof (asof, q))
    return *field = "asof", XJ_E_BAD_PARAM;
  if (NULL == level || '\0' == *level)
    return unit_own (db, u, &q->unit);
  return parse_unit (db, u, level, code ? code : "", &q->unit, field);
}

static void
path_add (json_t *path, enum xj_dash_level l, const char *code,
          const char *name)
{
  json_array_append_new (path, json_pack ("{s:s, s:s, s:s}", "level",
                                          level_names[l], "code", code,
                                          "name", name));
}

/* The breadcrumbs from @u's own unit down to the unit of @q. */
static json_t *
unit_path (struct xj_db *db, const struct xj_user *u, const struct xj_dash_q *q)
{
  const struct xj_dash_unit *un = &q->unit;
  json_t *path = json_array ();
  char id[24];

  if (XJ_ROLE_ADMIN == u->role)
    path_add (path, XJ_DASH_ALL, "", "全部");
  for (size_t len = 2; len <= strlen (un->prefix) && len <= 6; len += 2)
    {
      struct xj_region reg;
      char p[16];

      memcpy (p, un->prefix, len);
      p[len] = '\0';
      if (! region_in_scope (u, p))
        continue;
      path_add (path, (enum xj_dash_level) (len / 2), p,
                XJ_E_OK == xj_region_get (db, p, &reg) ? reg.name : p);
    }
  if (un->level >= XJ_DASH_SCHOOL)
    {
      char name[128];

      xj_snprintf (id, sizeof id, "%lld", (long long) un->school_id);
      if (XJ_E_OK != xj_dash_store_school (db, un->school_id, (char[16]) { 0 },
                                           name, sizeof name))
        name[0] = '\0';
      path_add (path, XJ_DASH_SCHOOL, id, name);
    }
  if (XJ_DASH_CLASS == un->level)
    {
      xj_snprintf (id, sizeof id, "%lld", (long long) un->class_id);
      path_add (path, XJ_DASH_CLASS, id, un->name);
    }
  return path;
}

static const char *
unit_code (const struct xj_dash_unit *un, char buf[24])
{
  if (XJ_DASH_SCHOOL == un->level || XJ_DASH_CLASS == un->level)
    {
      xj_snprintf (buf, 24, "%lld", (long long) (XJ_DASH_CLASS == un->level
                                                   ? un->class_id
                                                   : un->school_id));
      return buf;
    }
  return un->prefix;
}

enum xj_err
xj_dashboard (struct xj_db *db, const struct xj_user *u,
              const struct xj_dash_q *q, const char *only, json_t **out)
{
  json_t *panels = json_object ();
  char code[24];

  if (only && *only && NULL == xj_dash_panel_find (only))
    {
      json_decref (panels);
      return XJ_E_BAD_PARAM;
    }
  for (const struct xj_dash_panel *p = xj_dash_panels; p->name; p++)
    {
      json_t *f = NULL;
      enum xj_err e;

      if (only && *only && 0 != strcmp (only, p->name))
        continue;
      e = p->figures (db, q, &f);

      if (XJ_E_OK != e)
        {
          json_decref (panels);
          return e;
        }
      json_object_set_new (panels, p->name, f);
    }
  *out = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "level",
                    level_names[q->unit.level], "code",
                    unit_code (&q->unit, code), "name", q->unit.name, "asof",
                    q->asof, "year_start", q->year_start, "path",
                    unit_path (db, u, q), "panels", panels);
  return XJ_E_OK;
}

/* ---- the list behind a figure ---- */

struct ids {
  int64_t *v;
  size_t n, cap;
};

static void
ids_add (void *cls, int64_t id)
{
  struct ids *s = cls;

  *XJ_VEC_PUSH (s->v, s->n, s->cap) = id;
}

static int
id_cmp (const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;

  return (x > y) - (x < y);
}

void
xj_dash_sort (void *base, size_t n, size_t size,
              int (*cmp) (const void *, const void *))
{
  if (n)
    qsort (base, n, size, cmp);
}

static void
count_one (void *cls, int64_t student)
{
  (void) student;
  (*(int64_t *) cls)++;
}

enum xj_err
xj_dash_count_panel (struct xj_db *db, const struct xj_dash_q *q,
                     xj_dash_list_fn list, const char *name, json_t **out)
{
  int64_t n = 0;
  enum xj_err e = list (db, XJ_DASH_SCOPE (&q->unit), &count_one, &n);

  if (XJ_E_OK == e)
    *out = json_pack ("{s:I}", name, (json_int_t) n);
  return e;
}

/* Sort and drop repeats. */
static void
ids_unique (struct ids *s)
{
  size_t k = 0;

  xj_dash_sort (s->v, s->n, sizeof *s->v, &id_cmp);
  for (size_t i = 0; i < s->n; i++)
    if (0 == k || s->v[k - 1] != s->v[i])
      s->v[k++] = s->v[i];
  s->n = k;
}

/* The students behind @key of @panel, sorted, once each. */
static enum xj_err
ids_of (struct xj_db *db, const struct xj_dash_q *q, const char *panel,
        const char *key, struct ids *s)
{
  const struct xj_dash_panel *p = xj_dash_panel_find (panel);
  enum xj_err e;

  if (NULL == p)
    return XJ_E_BAD_PARAM;
  e = p->students (db, q, key ? key : "", &ids_add, s);
  if (XJ_E_OK == e)
    ids_unique (s);
  return e;
}

/* Panels whose lists can be as long as the registry page them in the
   database: *total and the ids of [offset, offset + limit) of the same
   list in id order, without reading the rest.  Other panels' lists are
   paged from what their students function answers. */
typedef enum xj_err (*dash_page_fn) (struct xj_db *db,
                                     const struct xj_dash_q *q,
                                     const char *key, int64_t limit,
                                     int64_t offset, int64_t *total,
                                     xj_dash_id_cb cb, void *cls);
static const struct {
  const char *panel;
  dash_page_fn page;
} dash_pages[] = {
  { "enrolment", &xj_dash_enrolment_page },
  { "units", &xj_dash_units_page },
};

static dash_page_fn
page_find (const char *panel)
{
  for (size_t i = 0; i < sizeof dash_pages / sizeof dash_pages[0]; i++)
    if (0 == strcmp (dash_pages[i].panel, panel))
      return dash_pages[i].page;
  return NULL;
}

/* A page of a paged panel's list: only the page's ids are read. */
static enum xj_err
page_of (struct xj_db *db, const struct xj_dash_q *q, dash_page_fn page,
         const char *key, int64_t limit, int64_t offset, int64_t *total,
         json_t *items)
{
  struct ids s = { 0 };
  enum xj_err e = page (db, q, key ? key : "", limit, offset, total,
                        &ids_add, &s);

  if (XJ_E_OK == e && s.n)
    e = xj_dash_store_items (db, s.v, s.n, items);
  free (s.v);
  return e;
}

enum xj_err
xj_dash_students (struct xj_db *db, const struct xj_dash_q *q,
                  const char *panel, const char *key, int64_t limit,
                  int64_t offset, int64_t *total, json_t *items)
{
  dash_page_fn page = page_find (panel);
  struct ids s = { 0 };
  enum xj_err e;

  if (page)
    return page_of (db, q, page, key, limit, offset, total, items);
  e = ids_of (db, q, panel, key, &s);
  if (XJ_E_OK == e)
    {
      *total = (int64_t) s.n;
      if (offset < (int64_t) s.n)
        e = xj_dash_store_items (db, s.v + offset,
                                 (size_t) (limit < (int64_t) s.n - offset
                                             ? limit
                                             : (int64_t) s.n - offset),
                                 items);
    }
  free (s.v);
  return e;
}

/* ---- the list as XLSX ---- */

#define EXPORT_COLS 9
#define EXPORT_CHUNK 512

static enum xj_err
export_items (struct xj_table_writer *w, const json_t *items)
{
  static const char *const keys[EXPORT_COLS] = {
    "registry_no", "name", NULL, "birth_date", "id_no", "school_name",
    "grade_label", "class_name", "status"
  };
  enum xj_err e = XJ_E_OK;
  size_t i;
  json_t *it;

  json_array_foreach (items, i, it)
    {
      const char *cells[EXPORT_COLS];
      int g = (int) json_integer_value (json_object_get (it, "gender"));
      const char *st = json_string_value (json_object_get (it, "status"));
      const char *stl = xj_code_zh ("status", st);

      for (int k = 0; k < EXPORT_COLS; k++)
        cells[k] = keys[k] ? json_string_value (json_object_get (it, keys[k]))
                           : "";
      cells[2] = 1 == g ? "男" : 2 == g ? "女" : "";
      cells[8] = stl ? stl : st;
      if (XJ_E_OK == e)
        e = xj_table_writer_row (w, cells, EXPORT_COLS);
    }
  return e;
}

static enum xj_err
export_rows (struct xj_db *db, struct xj_table_writer *w, const struct ids *s)
{
  static const char *const head[EXPORT_COLS] = {
    "学籍号", "姓名", "性别", "出生日期", "身份证件号", "学校", "年级",
    "班级", "学籍状态"
  };
  enum xj_err e = xj_table_writer_row (w, head, EXPORT_COLS);

  for (size_t i = 0; XJ_E_OK == e && i < s->n; i += EXPORT_CHUNK)
    {
      json_t *items = json_array ();

      e = xj_dash_store_items (db, s->v + i,
                               s->n - i < EXPORT_CHUNK ? s->n - i
                                                       : EXPORT_CHUNK,
                               items);
      if (XJ_E_OK == e)
        e = export_items (w, items);
      json_decref (items);
    }
  return e;
}

enum xj_err
xj_dash_export (struct xj_db *db, const struct xj_dash_q *q,
                const char *panel, const char *key, const char *path,
                const char *tmpdir)
{
  struct ids s = { 0 };
  struct xj_table_writer *w = NULL;
  enum xj_err e = ids_of (db, q, panel, key, &s);

  if (XJ_E_OK == e && s.n > XJ_EXPORT_XLSX_MAX_ROWS)
    e = XJ_E_EXPORT_TOO_MANY_ROWS;
  if (XJ_E_OK == e)
    e = xj_table_writer_open_sheet (path, XJ_EXPORT_XLSX, XJ_EXPORT_UTF8,
                                    tmpdir, "学生名单", &w);
  if (XJ_E_OK == e)
    e = export_rows (db, w, &s);
  if (w && XJ_E_OK != xj_table_writer_close (w, XJ_E_OK != e)
      && XJ_E_OK == e)
    e = XJ_E_EXPORT_WRITE;
  free (s.v);
  return e;
}
