/* flows_store.c -- the SQL of the flows of students (flows.h): completed
 * moves (approved change requests that move a student out of a school,
 * and every progressions row: 升学 and re-entry, immediate or through a
 * request), region names and the follow-up candidates.  Read-only.
 */
#include <string.h>
#include "core/util.h"
#include "flows/flows.h"
#include "student/student_store_sql.h"

/* School alias X in scope: $1 county prefix ("" all), $2 school (0 all). */
struct move_ctx {
  xj_flow_cb cb;
  void *cls;
};

struct followup_ctx {
  xj_followup_cb cb;
  void *cls;
};

#define IN_SCOPE(x)                                                        \
  "(" XJ_IN_REGION (x ".county_code", "$1")                             \
  " AND ($2 = 0 OR " x ".id = $2))"

/* Both halves: type, student, origin school (id, code, name, county),
   destination school (0 / '' when out of the system), payload, grade,
   at, student name, registry number.  A transfer's grade is the one in
   its payload (transfers keep the grade); an ending keeps the record's
   grade, so the record's grade is the grade left. */
XJ_DB_STMT (st_fl_moves,
            "SELECT r.type, r.student_id, fs.id, fs.code, fs.name,"
            " fs.county_code, coalesce(ts.id, 0), coalesce(ts.code, ''),"
            " coalesce(ts.name, ''), coalesce(ts.county_code, ''),"
            " r.payload, st.grade, r.closed_at AS at, st.name,"
            " st.registry_no"
            " FROM change_requests r"
            " JOIN schools fs ON fs.id = r.from_school_id"
            " LEFT JOIN schools ts ON ts.id = r.to_school_id"
            " JOIN students st ON st.id = r.student_id"
            " WHERE r.status = 'approved' AND r.type IN ('transfer_in',"
            " 'withdraw', 'abroad', 'death', 'leave', 'cancel')"
            " AND r.closed_at >= $3 AND r.closed_at < $4"
            " AND (" IN_SCOPE ("fs") " OR (ts.id IS NOT NULL AND "
            IN_SCOPE ("ts") "))"
            " UNION ALL"
            " SELECT p.kind, p.student_id, fs.id, fs.code, fs.name,"
            " fs.county_code, ts.id, ts.code, ts.name, ts.county_code, '',"
            " p.from_grade, p.at AS at, st.name, st.registry_no"
            " FROM progressions p"
            " JOIN schools fs ON fs.id = p.from_school_id"
            " JOIN schools ts ON ts.id = p.to_school_id"
            " JOIN students st ON st.id = p.student_id"
            " WHERE p.at >= $3 AND p.at < $4"
            " AND (" IN_SCOPE ("fs") " OR " IN_SCOPE ("ts") ")"
            " ORDER BY 13, 2")

static int
move_row (void *cls, const struct xj_db_row *r)
{
  struct move_ctx *c = cls;
  struct xj_flow_row m = {
    .type = xj_db_text (r, 0), .student_id = xj_db_int (r, 1),
    .from_school = xj_db_int (r, 2), .from_code = xj_db_text (r, 3),
    .from_name = xj_db_text (r, 4), .from_county = xj_db_text (r, 5),
    .to_school = xj_db_int (r, 6), .to_code = xj_db_text (r, 7),
    .to_name = xj_db_text (r, 8), .to_county = xj_db_text (r, 9),
    .payload = xj_db_text (r, 10), .grade = xj_db_text (r, 11),
    .at = xj_db_text (r, 12), .name = xj_db_text (r, 13),
    .registry_no = xj_db_text (r, 14) };

  c->cb (c->cls, &m);
  return 0;
}

enum xj_err
xj_fls_moves (struct xj_db *db, const struct xj_scope *scope,
              const char *from_ts, const char *to_ts, xj_flow_cb cb,
              void *cls)
{
  struct move_ctx c = { cb, cls };
  enum xj_qs qs;

  qs = xj_db_q (db, &st_fl_moves,
                XJ_DB_PARAMS (XJ_DB_S (scope->prefix),
                              XJ_DB_I (scope->school_id), XJ_DB_S (from_ts),
                              XJ_DB_S (to_ts)),
                &move_row, &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

XJ_DB_STMT (st_fl_region, "SELECT name FROM regions WHERE code = $1")

static int
name_row (void *cls, const struct xj_db_row *r)
{
  struct xj_buf *b = cls;

  xj_buf_printf (b, "%s", xj_db_text (r, 0));
  return 0;
}

enum xj_err
xj_fls_region_name (struct xj_db *db, const char *code, char *out,
                    size_t outsz)
{
  struct xj_buf b = { .max = 1024 };
  enum xj_qs qs = xj_db_q (db, &st_fl_region,
                           XJ_DB_PARAMS (XJ_DB_S (code)), &name_row, &b);
  char *s = xj_buf_steal (&b);

  xj_snprintf (out, outsz, "%s", s ? s : "");
  free (s);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* Open transfers and 升学 of which a step of the current round was
   approved (one end let the student go) first before $3; then every
   其他离校 record with the date it left (its last approved 其他离校
   request, else its last update) and its open dropout cases. */
XJ_DB_STMT (st_fl_followup,
            "SELECT r.type, r.id, st.id, st.name, st.registry_no, st.grade,"
            " fs.id, fs.name, coalesce(ts.id, 0), coalesce(ts.name, ''),"
            " min(s.acted_at) AS since, 0"
            " FROM change_requests r"
            " JOIN change_steps s ON s.request_id = r.id"
            "  AND s.round = r.round AND s.status = 'approved'"
            " JOIN students st ON st.id = r.student_id"
            " JOIN schools fs ON fs.id = r.from_school_id"
            " LEFT JOIN schools ts ON ts.id = r.to_school_id"
            " WHERE r.status IN ('pending', 'returned')"
            " AND r.type IN ('transfer_in', 'promote')"
            " AND (" IN_SCOPE ("fs") " OR (ts.id IS NOT NULL AND "
            IN_SCOPE ("ts") "))"
            " GROUP BY r.type, r.id, st.id, st.name, st.registry_no,"
            " st.grade, fs.id, fs.name, ts.id, ts.name"
            " HAVING min(s.acted_at) < $3"
            " UNION ALL"
            " SELECT 'left', 0, st.id, st.name, st.registry_no, st.grade,"
            " sc.id, sc.name, 0, '',"
            " coalesce((SELECT max(r.closed_at) FROM change_requests r"
            "  WHERE r.student_id = st.id AND r.type = 'leave'"
            "  AND r.status = 'approved'), st.updated_at),"
            " (SELECT count(*) FROM dropout_cases d"
            "  WHERE d.student_id = st.id AND d.status = 'open')"
            " FROM students st JOIN schools sc ON sc.id = st.school_id"
            " WHERE st.status = 'left' AND " IN_SCOPE ("sc")
            " ORDER BY 11, 3")

static int
followup_row (void *cls, const struct xj_db_row *r)
{
  struct followup_ctx *c = cls;
  struct xj_followup_row f = {
    .kind = xj_db_text (r, 0), .request_id = xj_db_int (r, 1),
    .student_id = xj_db_int (r, 2), .name = xj_db_text (r, 3),
    .registry_no = xj_db_text (r, 4), .grade = xj_db_text (r, 5),
    .school_id = xj_db_int (r, 6), .school_name = xj_db_text (r, 7),
    .to_school_id = xj_db_int (r, 8), .to_school_name = xj_db_text (r, 9),
    .since = xj_db_text (r, 10), .open_cases = xj_db_int (r, 11) };

  c->cb (c->cls, &f);
  return 0;
}

enum xj_err
xj_fls_followup (struct xj_db *db, const struct xj_scope *scope,
                 const char *cutoff, xj_followup_cb cb, void *cls)
{
  struct followup_ctx c = { cb, cls };
  enum xj_qs qs;

  qs = xj_db_q (db, &st_fl_followup,
                XJ_DB_PARAMS (XJ_DB_S (scope->prefix),
                              XJ_DB_I (scope->school_id), XJ_DB_S (cutoff)),
                &followup_row, &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
