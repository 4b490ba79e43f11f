/* zone_store.c -- the SQL of feeder relations, zones, allocations and
 * intake (zone.h).  Runs inside the caller's transaction.
 */
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "student/student_store_sql.h"
#include "zone/zone.h"

#define COMPULSORY " sc.stage IN ('primary', 'junior', 'nine_year')"

XJ_DB_STMT (st_zs_schools,
            "SELECT sc.id, sc.code, sc.name, sc.stage FROM schools sc"
            " WHERE sc.county_code = $1 AND" COMPULSORY " ORDER BY sc.code")
XJ_DB_STMT (st_zs_feeders,
            "SELECT f.junior_school_id, f.primary_school_id FROM"
            " school_feeders f JOIN schools sc ON sc.id = f.junior_school_id"
            " WHERE sc.county_code = $1 ORDER BY 1, 2")
XJ_DB_STMT (st_zs_towns,
            "SELECT z.school_id, z.township_code, rg.name FROM"
            " school_zone_townships z JOIN schools sc ON sc.id = z.school_id"
            " JOIN regions rg ON rg.code = z.township_code"
            " WHERE sc.county_code = $1 ORDER BY z.school_id, z.township_code")
XJ_DB_STMT (st_zs_comms,
            "SELECT c.school_id, c.name FROM school_zone_communities c"
            " JOIN schools sc ON sc.id = c.school_id WHERE sc.county_code = $1"
            " ORDER BY c.school_id, c.name")
XJ_DB_STMT (st_zs_county_towns,
            "SELECT code, name FROM regions WHERE parent = $1 AND level = 4"
            " ORDER BY code")
XJ_DB_STMT (st_zs_clear_feeders,
            "DELETE FROM school_feeders WHERE junior_school_id = $1")
XJ_DB_STMT (st_zs_clear_towns,
            "DELETE FROM school_zone_townships WHERE school_id = $1")
XJ_DB_STMT (st_zs_clear_comms,
            "DELETE FROM school_zone_communities WHERE school_id = $1")
XJ_DB_STMT (st_zs_feeder_add,
            "INSERT INTO school_feeders (junior_school_id,"
            " primary_school_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
XJ_DB_STMT (st_zs_town_add,
            "INSERT INTO school_zone_townships (school_id,"
            " township_code) VALUES ($1, $2) ON CONFLICT DO NOTHING")
XJ_DB_STMT (st_zs_comm_add,
            "INSERT INTO school_zone_communities (school_id, name)"
            " VALUES ($1, $2) ON CONFLICT DO NOTHING")
/* primary graduates ($1 county, $2 school year) still at their school */
#define GRADUATES                                                          \
  " FROM graduations g JOIN schools gs ON gs.id = g.school_id"             \
  " JOIN students st ON st.id = g.student_id"                              \
  " WHERE gs.county_code = $1 AND g.active = 1 AND g.grade = '16'"         \
  " AND g.outcome IN ('graduated', 'completed')"
XJ_DB_STMT (st_zs_grad_year, "SELECT coalesce(max(g.school_year), 0)"
            GRADUATES)
XJ_DB_STMT (st_zs_graduates,
            "SELECT st.id, g.school_id, st.data" GRADUATES
            " AND g.school_year = $2 AND st.school_id = g.school_id"
            " AND st.status IN ('graduated', 'completed') AND st.grade = '16'"
            " ORDER BY st.id")
XJ_DB_STMT (st_zs_alloc_find,
            "SELECT id, status FROM allocations WHERE county_code = $1"
            " AND school_year = $2")
XJ_DB_STMT (st_zs_allocs,
            "SELECT id, school_year, status FROM allocations"
            " WHERE county_code = $1 ORDER BY school_year DESC")
XJ_DB_STMT (st_zs_alloc_new,
            "INSERT INTO allocations (county_code, school_year, created_at,"
            " created_by) VALUES ($1, $2, $3, $4) RETURNING id")
XJ_DB_STMT (st_zs_alloc_clear,
            "DELETE FROM allocation_items WHERE allocation_id = $1")
XJ_DB_STMT (st_zs_item_add,
            "INSERT INTO allocation_items (allocation_id, student_id,"
            " from_school_id, to_school_id, route, province) VALUES ($1,"
            " $2, $3, $4, $5, " XJ_PROVINCE_OF ("students", "$2") ")")
XJ_DB_STMT (st_zs_alloc_row,
            "SELECT id, county_code, school_year, status, created_at,"
            " coalesce(published_at, '') FROM allocations WHERE id = $1")
XJ_DB_STMT (st_zs_alloc_schools,
            "SELECT coalesce(i.to_school_id, 0), coalesce(sc.name, ''),"
            " count(*), sum(CASE WHEN st.gender = 2 THEN 1 ELSE 0 END),"
            " sum(CASE WHEN i.route = 'feeder' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN i.route = 'zone' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN i.route = 'moved' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN i.confirmed_at IS NULL THEN 0 ELSE 1 END)"
            " FROM allocation_items i JOIN students st ON st.id = i.student_id"
            " LEFT JOIN schools sc ON sc.id = i.to_school_id"
            " WHERE i.allocation_id = $1 GROUP BY 1, 2 ORDER BY 2")
/* 小升初 admissions (升学 into 初一) recorded in [$2, $3) at schools of
   region prefix $1, per admitting school, by route */
XJ_DB_STMT (st_zs_choice,
            "SELECT p.to_school_id, sc.code, sc.name, count(*),"
            " sum(CASE WHEN p.route = 'feeder' THEN 1 ELSE 0 END), sum(CASE WHEN p.route = 'zone' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN p.route = 'moved' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN p.route NOT IN ('feeder', 'zone', 'moved') THEN 1 ELSE 0 END),"
            " sum(p.out_of_zone)"
            " FROM progressions p JOIN schools sc ON sc.id = p.to_school_id"
            " WHERE p.kind = 'promote' AND p.to_grade = '21'"
            " AND" XJ_IN_REGION ("sc.county_code", "$1")
            " AND p.at >= $2 AND p.at < $3"
            " GROUP BY p.to_school_id, sc.code, sc.name ORDER BY sc.code")
/* $1 allocation (0 = any published), $2 receiving school (-1 all, 0
   unmatched), $3 waiting only */
#define ITEMS_FROM                                                         \
  " FROM allocation_items i JOIN allocations al ON al.id = i.allocation_id" \
  " JOIN students st ON st.id = i.student_id"                              \
  " JOIN schools fs ON fs.id = i.from_school_id"                           \
  " LEFT JOIN schools ts ON ts.id = i.to_school_id"                        \
  " WHERE ($1 = 0 OR i.allocation_id = $1)"                                \
  " AND ($2 < 0 OR coalesce(i.to_school_id, 0) = $2)"                      \
  " AND ($3 = 0 OR (al.status = 'published' AND i.confirmed_at IS NULL))"
XJ_DB_STMT (st_zs_items_count, "SELECT count(*)" ITEMS_FROM)
XJ_DB_STMT (st_zs_items,
            "SELECT i.student_id, st.name, st.gender, i.from_school_id,"
            " fs.name, coalesce(i.to_school_id, 0), coalesce(ts.name, ''),"
            " i.route, i.reason,"
            " CASE WHEN i.confirmed_at IS NULL THEN 0 ELSE 1 END, i.allocation_id"
            ITEMS_FROM " ORDER BY fs.code, st.name, st.id LIMIT $4 OFFSET $5")
/* the allocation's sheet: every student, by receiving school (the
   unmatched last), graduating school and name */
XJ_DB_STMT (st_zs_alloc_sheet,
            "SELECT st.registry_no, coalesce(st.id_no, ''), st.name,"
            " st.gender, st.birth_date, fs.name, coalesce(ts.name, ''),"
            " i.route, coalesce(i.reason, ''),"
            " CASE WHEN i.confirmed_at IS NULL THEN 0 ELSE 1 END"
            " FROM allocation_items i"
            " JOIN students st ON st.id = i.student_id"
            " JOIN schools fs ON fs.id = i.from_school_id"
            " LEFT JOIN schools ts ON ts.id = i.to_school_id"
            " WHERE i.allocation_id = $1"
            " ORDER BY CASE WHEN i.to_school_id IS NULL THEN 1 ELSE 0 END,"
            " ts.code, fs.code, st.name, st.id")
XJ_DB_STMT (st_zs_item_move,
            "UPDATE allocation_items SET to_school_id = $3, route = 'moved',"
            " reason = $4 WHERE allocation_id = $1 AND student_id = $2")
XJ_DB_STMT (st_zs_alloc_publish,
            "UPDATE allocations SET status = 'published', published_at = $2"
            " WHERE id = $1 AND status = 'draft'")
XJ_DB_STMT (st_zs_waiting,
            "SELECT i.allocation_id, i.student_id, st.gender, i.route,"
            " i.reason FROM allocation_items i JOIN allocations al"
            " ON al.id = i.allocation_id AND al.status = 'published'"
            " JOIN students st ON st.id = i.student_id"
            " WHERE i.to_school_id = $1 AND i.confirmed_at IS NULL"
            " AND st.status IN ('graduated', 'completed') AND st.grade = '16'"
            " ORDER BY st.gender, st.birth_date, st.id")
XJ_DB_STMT (st_zs_item_confirm,
            "UPDATE allocation_items SET confirmed_at = $3"
            " WHERE allocation_id = $1 AND student_id = $2"
            " AND confirmed_at IS NULL")
XJ_DB_STMT (st_zs_class_counts,
            "SELECT count(*),"
            " coalesce(sum(CASE WHEN gender = 2 THEN 1 ELSE 0 END), 0) FROM students"
            " WHERE class_id = $1 AND status IN ('enrolled', 'suspended')")

static enum xj_err
qs_ok (enum xj_qs qs)
{
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct school_ctx {
  xj_zs_school_cb cb;
  void *cls;
};

static int
school_row (void *cls, const struct xj_db_row *r)
{
  struct school_ctx *c = cls;
  struct xj_zs_school s = { xj_db_int (r, 0), xj_db_text (r, 1),
                            xj_db_text (r, 2), xj_db_text (r, 3) };

  c->cb (c->cls, &s);
  return 0;
}

enum xj_err
xj_zs_schools (struct xj_db *db, const char *county, xj_zs_school_cb cb,
               void *cls)
{
  struct school_ctx c = { cb, cls };

  return qs_ok (xj_db_q (db, &st_zs_schools, XJ_DB_PARAMS (XJ_DB_S (county)),
                         &school_row, &c));
}

struct link_ctx {
  xj_zs_link_cb cb;
  void *cls;
  int shape;   /* 0 (a, b), 1 (a, text, name), 2 (a, text), 3 (text, name) */
};

static int
link_row (void *cls, const struct xj_db_row *r)
{
  struct link_ctx *c = cls;

  switch (c->shape)
    {
    case 0:
      c->cb (c->cls, xj_db_int (r, 0), xj_db_int (r, 1), "", "");
      break;
    case 1:
      c->cb (c->cls, xj_db_int (r, 0), 0, xj_db_text (r, 1),
             xj_db_text (r, 2));
      break;
    case 2:
      c->cb (c->cls, xj_db_int (r, 0), 0, xj_db_text (r, 1), "");
      break;
    default:
      c->cb (c->cls, 0, 0, xj_db_text (r, 0), xj_db_text (r, 1));
    }
  return 0;
}

static enum xj_err
links (struct xj_db *db, struct xj_db_stmt *st, int shape, const char *county,
       xj_zs_link_cb cb, void *cls)
{
  struct link_ctx c = { cb, cls, shape };

  return qs_ok (xj_db_q (db, st, XJ_DB_PARAMS (XJ_DB_S (county)), &link_row,
                         &c));
}

enum xj_err
xj_zs_feeders (struct xj_db *db, const char *county, xj_zs_link_cb cb,
               void *cls)
{
  return links (db, &st_zs_feeders, 0, county, cb, cls);
}

enum xj_err
xj_zs_zone_towns (struct xj_db *db, const char *county, xj_zs_link_cb cb,
                  void *cls)
{
  return links (db, &st_zs_towns, 1, county, cb, cls);
}

enum xj_err
xj_zs_communities (struct xj_db *db, const char *county, xj_zs_link_cb cb,
                   void *cls)
{
  return links (db, &st_zs_comms, 2, county, cb, cls);
}

enum xj_err
xj_zs_county_towns (struct xj_db *db, const char *county, xj_zs_link_cb cb,
                    void *cls)
{
  return links (db, &st_zs_county_towns, 3, county, cb, cls);
}

enum xj_err
xj_zs_zone_clear (struct xj_db *db, int64_t school_id)
{
  enum xj_qs qs = xj_db_q (db, &st_zs_clear_feeders,
                           XJ_DB_PARAMS (XJ_DB_I (school_id)), NULL, NULL);

  if (qs >= 0)
    qs = xj_db_q (db, &st_zs_clear_towns, XJ_DB_PARAMS (XJ_DB_I (school_id)),
                  NULL, NULL);
  if (qs >= 0)
    qs = xj_db_q (db, &st_zs_clear_comms, XJ_DB_PARAMS (XJ_DB_I (school_id)),
                  NULL, NULL);
  return qs_ok (qs);
}

enum xj_err
xj_zs_feeder_add (struct xj_db *db, int64_t junior, int64_t primary)
{
  return qs_ok (xj_db_q (db, &st_zs_feeder_add,
                         XJ_DB_PARAMS (XJ_DB_I (junior), XJ_DB_I (primary)),
                         NULL, NULL));
}

enum xj_err
xj_zs_town_add (struct xj_db *db, int64_t school, const char *code)
{
  return qs_ok (xj_db_q (db, &st_zs_town_add,
                         XJ_DB_PARAMS (XJ_DB_I (school), XJ_DB_S (code)),
                         NULL, NULL));
}

enum xj_err
xj_zs_community_add (struct xj_db *db, int64_t school, const char *name)
{
  return qs_ok (xj_db_q (db, &st_zs_comm_add,
                         XJ_DB_PARAMS (XJ_DB_I (school), XJ_DB_S (name)),
                         NULL, NULL));
}

static int
int_row (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 1;
}

enum xj_err
xj_zs_grad_year (struct xj_db *db, const char *county, int *year)
{
  int64_t y = 0;
  enum xj_err e = qs_ok (xj_db_q (db, &st_zs_grad_year,
                                  XJ_DB_PARAMS (XJ_DB_S (county)), &int_row,
                                  &y));

  *year = (int) y;
  return e;
}

struct grad_ctx {
  xj_zs_grad_cb cb;
  void *cls;
};

static int
grad_row (void *cls, const struct xj_db_row *r)
{
  struct grad_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_int (r, 1), xj_db_blob (r, 2),
         xj_db_bytes (r, 2));
  return 0;
}

enum xj_err
xj_zs_graduates (struct xj_db *db, const char *county, int year,
                 xj_zs_grad_cb cb, void *cls)
{
  struct grad_ctx c = { cb, cls };

  return qs_ok (xj_db_q (db, &st_zs_graduates,
                         XJ_DB_PARAMS (XJ_DB_S (county), XJ_DB_I (year)),
                         &grad_row, &c));
}

struct find_ctx {
  int64_t *id;
  char *status;
};

static int
find_row (void *cls, const struct xj_db_row *r)
{
  struct find_ctx *c = cls;

  *c->id = xj_db_int (r, 0);
  xj_strlcpy (c->status, xj_db_text (r, 1), 16);
  return 1;
}

enum xj_err
xj_zs_alloc_find (struct xj_db *db, const char *county, int year,
                  int64_t *id, char status[16])
{
  struct find_ctx c = { id, status };

  *id = 0;
  status[0] = '\0';
  return qs_ok (xj_db_q (db, &st_zs_alloc_find,
                         XJ_DB_PARAMS (XJ_DB_S (county), XJ_DB_I (year)),
                         &find_row, &c));
}

static int
allocs_row (void *cls, const struct xj_db_row *r)
{
  json_array_append_new (cls, json_pack ("{s:I, s:I, s:s}", "id",
                                         (json_int_t) xj_db_int (r, 0),
                                         "school_year",
                                         (json_int_t) xj_db_int (r, 1),
                                         "status", xj_db_text (r, 2)));
  return 0;
}

enum xj_err
xj_zs_allocations (struct xj_db *db, const char *county, json_t *arr)
{
  return qs_ok (xj_db_q (db, &st_zs_allocs, XJ_DB_PARAMS (XJ_DB_S (county)),
                         &allocs_row, arr));
}

enum xj_err
xj_zs_alloc_new (struct xj_db *db, const char *county, int year,
                 const char *at, const char *by, int64_t *id)
{
  *id = 0;
  return qs_ok (xj_db_q (db, &st_zs_alloc_new,
                         XJ_DB_PARAMS (XJ_DB_S (county), XJ_DB_I (year),
                                       XJ_DB_S (at), XJ_DB_S (by)),
                         &xj_db_int64_cb, id));
}

enum xj_err
xj_zs_alloc_clear (struct xj_db *db, int64_t id)
{
  return qs_ok (xj_db_q (db, &st_zs_alloc_clear, XJ_DB_PARAMS (XJ_DB_I (id)),
                         NULL, NULL));
}

enum xj_err
xj_zs_item_add (struct xj_db *db, int64_t alloc, int64_t student,
                int64_t from, int64_t to, const char *route)
{
  return qs_ok (xj_db_q (db, &st_zs_item_add,
                         XJ_DB_PARAMS (XJ_DB_I (alloc), XJ_DB_I (student),
                                       XJ_DB_I (from),
                                       to ? XJ_DB_I (to) : XJ_DB_NUL,
                                       XJ_DB_S (route)),
                         NULL, NULL));
}

static int
alloc_row (void *cls, const struct xj_db_row *r)
{
  json_t *o = cls;

  json_object_set_new (o, "id", json_integer (xj_db_int (r, 0)));
  json_object_set_new (o, "county", json_string (xj_db_text (r, 1)));
  json_object_set_new (o, "school_year", json_integer (xj_db_int (r, 2)));
  json_object_set_new (o, "status", json_string (xj_db_text (r, 3)));
  json_object_set_new (o, "created_at", json_string (xj_db_text (r, 4)));
  json_object_set_new (o, "published_at", json_string (xj_db_text (r, 5)));
  return 1;
}

enum xj_err
xj_zs_alloc_row (struct xj_db *db, int64_t id, json_t *o)
{
  enum xj_qs qs = xj_db_q (db, &st_zs_alloc_row, XJ_DB_PARAMS (XJ_DB_I (id)),
                           &alloc_row, o);

  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : qs_ok (qs);
}

struct count_ctx {
  json_t *arr;
  int64_t *total, *unmatched;
};

static int
school_count_row (void *cls, const struct xj_db_row *r)
{
  struct count_ctx *c = cls;
  int64_t n = xj_db_int (r, 2);

  *c->total += n;
  if (0 == xj_db_int (r, 0))
    {
      *c->unmatched = n;
      return 0;
    }
  json_array_append_new (
    c->arr, json_pack ("{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I}",
                       "school_id", (json_int_t) xj_db_int (r, 0),
                       "school_name", xj_db_text (r, 1), "students",
                       (json_int_t) n, "girls", (json_int_t) xj_db_int (r, 3),
                       "feeder", (json_int_t) xj_db_int (r, 4), "zone",
                       (json_int_t) xj_db_int (r, 5), "moved",
                       (json_int_t) xj_db_int (r, 6), "confirmed",
                       (json_int_t) xj_db_int (r, 7)));
  return 0;
}

enum xj_err
xj_zs_alloc_schools (struct xj_db *db, int64_t id, json_t *arr,
                     int64_t *total, int64_t *unmatched)
{
  struct count_ctx c = { arr, total, unmatched };

  *total = *unmatched = 0;
  return qs_ok (xj_db_q (db, &st_zs_alloc_schools,
                         XJ_DB_PARAMS (XJ_DB_I (id)), &school_count_row, &c));
}

static int
item_row (void *cls, const struct xj_db_row *r)
{
  json_array_append_new (
    cls,
    json_pack ("{s:I, s:s, s:i, s:I, s:s, s:o, s:s, s:s, s:s, s:b, s:I}",
               "student_id", (json_int_t) xj_db_int (r, 0), "name",
               xj_db_text (r, 1), "gender", (int) xj_db_int (r, 2),
               "from_school_id", (json_int_t) xj_db_int (r, 3),
               "from_school_name", xj_db_text (r, 4), "to_school_id",
               xj_db_int (r, 5) ? json_integer (xj_db_int (r, 5))
                                : json_null (),
               "to_school_name", xj_db_text (r, 6), "route",
               xj_db_text (r, 7), "reason", xj_db_text (r, 8), "confirmed",
               0 != xj_db_int (r, 9), "allocation_id",
               (json_int_t) xj_db_int (r, 10)));
  return 0;
}

enum xj_err
xj_zs_items (struct xj_db *db, int64_t id, int64_t to, bool waiting_only,
             int64_t limit, int64_t offset, json_t *arr, int64_t *total)
{
  enum xj_qs qs;

#define ITEM_PARAMS XJ_DB_I (id), XJ_DB_I (to), XJ_DB_I (waiting_only ? 1 : 0)
  qs = xj_db_q (db, &st_zs_items_count, XJ_DB_PARAMS (ITEM_PARAMS), &int_row,
                total);
  if (qs >= 0)
    qs = xj_db_q (db, &st_zs_items,
                  XJ_DB_PARAMS (ITEM_PARAMS, XJ_DB_I (limit),
                                XJ_DB_I (offset)),
                  &item_row, arr);
#undef ITEM_PARAMS
  return qs_ok (qs);
}

struct sheet_ctx {
  xj_alloc_row_cb cb;
  void *cls;
};

static int
sheet_row (void *cls, const struct xj_db_row *r)
{
  struct sheet_ctx *c = cls;
  struct xj_alloc_row row = {
    .registry_no = xj_db_text (r, 0), .id_no = xj_db_text (r, 1),
    .name = xj_db_text (r, 2), .gender = (int) xj_db_int (r, 3),
    .birth_date = xj_db_text (r, 4), .from_school = xj_db_text (r, 5),
    .to_school = xj_db_text (r, 6), .route = xj_db_text (r, 7),
    .reason = xj_db_text (r, 8), .confirmed = 0 != xj_db_int (r, 9) };

  c->cb (c->cls, &row);
  return 0;
}

enum xj_err
xj_alloc_rows (struct xj_db *db, int64_t id, xj_alloc_row_cb cb, void *cls)
{
  struct sheet_ctx c = { cb, cls };

  return qs_ok (xj_db_q (db, &st_zs_alloc_sheet, XJ_DB_PARAMS (XJ_DB_I (id)),
                         &sheet_row, &c));
}

enum xj_err
xj_zs_item_move (struct xj_db *db, int64_t id, int64_t student, int64_t to,
                 const char *reason, bool *done)
{
  enum xj_qs qs = xj_db_q (db, &st_zs_item_move,
                           XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_I (student),
                                         XJ_DB_I (to), XJ_DB_S (reason)),
                           NULL, NULL);

  *done = qs > 0;
  return qs_ok (qs);
}

enum xj_err
xj_zs_alloc_publish (struct xj_db *db, int64_t id, const char *at)
{
  enum xj_qs qs = xj_db_q (db, &st_zs_alloc_publish,
                           XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (at)), NULL,
                           NULL);

  return XJ_QS_NONE == qs ? XJ_E_ALLOCATION_PUBLISHED : qs_ok (qs);
}

struct waiting_ctx {
  xj_zs_waiting_cb cb;
  void *cls;
};

static const struct xj_db_field waiting_fields[] = {
  XJ_DB_F_I64 (struct xj_zs_waiting, alloc),
  XJ_DB_F_I64 (struct xj_zs_waiting, student),
  XJ_DB_F_INT (struct xj_zs_waiting, gender),
  XJ_DB_F_TEXT (struct xj_zs_waiting, route),
  XJ_DB_F_TEXT (struct xj_zs_waiting, reason),
};

static int
waiting_row (void *cls, const struct xj_db_row *r)
{
  struct waiting_ctx *c = cls;
  struct xj_zs_waiting w;

  xj_db_row_fields (r, waiting_fields, XJ_DB_NFIELDS (waiting_fields), &w);
  c->cb (c->cls, &w);
  return 0;
}

enum xj_err
xj_zs_waiting (struct xj_db *db, int64_t school, xj_zs_waiting_cb cb,
               void *cls)
{
  struct waiting_ctx c = { cb, cls };

  return qs_ok (xj_db_q (db, &st_zs_waiting, XJ_DB_PARAMS (XJ_DB_I (school)),
                         &waiting_row, &c));
}

enum xj_err
xj_zs_item_confirm (struct xj_db *db, int64_t alloc, int64_t student,
                    const char *at)
{
  return qs_ok (xj_db_q (db, &st_zs_item_confirm,
                         XJ_DB_PARAMS (XJ_DB_I (alloc), XJ_DB_I (student),
                                       XJ_DB_S (at)),
                         NULL, NULL));
}

struct pair {
  int64_t *a, *b;
};

static int
pair_row (void *cls, const struct xj_db_row *r)
{
  struct pair *p = cls;

  *p->a = xj_db_int (r, 0);
  *p->b = xj_db_int (r, 1);
  return 1;
}

enum xj_err
xj_zs_class_counts (struct xj_db *db, int64_t class_id, int64_t *n,
                    int64_t *girls)
{
  struct pair p = { n, girls };

  *n = *girls = 0;
  return qs_ok (xj_db_q (db, &st_zs_class_counts,
                         XJ_DB_PARAMS (XJ_DB_I (class_id)), &pair_row, &p));
}

struct choice_ctx {
  xj_zs_choice_cb cb;
  void *cls;
};

static int
choice_row (void *cls, const struct xj_db_row *r)
{
  struct choice_ctx *c = cls;
  struct xj_zs_choice ch = { .school = xj_db_int (r, 0),
                             .code = xj_db_text (r, 1),
                             .name = xj_db_text (r, 2) };

  for (int i = 0; i < XJ_ZS_CHOICE_N; i++)
    ch.n[i] = xj_db_int (r, 3 + i);
  c->cb (c->cls, &ch);
  return 0;
}

enum xj_err
xj_zs_school_choice (struct xj_db *db, const char *prefix, int year,
                     xj_zs_choice_cb cb, void *cls)
{
  struct choice_ctx c = { cb, cls };
  char from[12], to[12];

  xj_snprintf (from, sizeof from, "%04d-01-01", year);
  xj_snprintf (to, sizeof to, "%04d-01-01", year + 1);
  return qs_ok (xj_db_q (db, &st_zs_choice,
                         XJ_DB_PARAMS (XJ_DB_S (prefix), XJ_DB_S (from),
                                       XJ_DB_S (to)),
                         &choice_row, &c));
}
