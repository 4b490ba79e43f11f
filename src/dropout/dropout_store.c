/* dropout_store.c -- the SQL of dropout control (dropout_int.h): cases,
 * their append-only entries, the sweep's candidates, lists and the
 * ledger.  Writes run inside the caller's write transaction.
 */
#include <string.h>
#include "dropout/dropout_int.h"
#include "student/student_store_sql.h"

/* ---- one case ---- */

#define CASE_COLS                                                          \
  "SELECT d.id, d.student_id, d.school_id, d.source, d.detail, d.stage,"  \
  " d.status, d.opened_on, d.opened_at, coalesce(d.dropout_on, ''),"      \
  " coalesce(d.closed_at, ''), coalesce(d.outcome, ''), d.version,"       \
  " st.name, st.registry_no, st.grade, st.status, st.school_id,"          \
  " sc.county_code, sc.name, coalesce(c.name, '')"                        \
  " FROM dropout_cases d JOIN students st ON st.id = d.student_id"        \
  " JOIN schools sc ON sc.id = st.school_id"                              \
  " LEFT JOIN classes c ON c.id = st.class_id"

XJ_DB_STMT (st_do_case, CASE_COLS " WHERE d.id = $1")
XJ_DB_STMT (st_do_open_of,
            "SELECT id FROM dropout_cases WHERE student_id = $1"
            " AND status = 'open'")
XJ_DB_STMT (st_do_case_ins,
            "INSERT INTO dropout_cases (student_id, school_id, source,"
            " detail, opened_on, opened_at, province) VALUES ($1, $2, $3,"
            " $4, $5, $6, " XJ_PROVINCE_OF ("students", "$1") ")"
            " RETURNING id")
XJ_DB_STMT (st_do_entry_ins,
            "INSERT INTO dropout_entries (case_id, kind, happened_on,"
            " method, participants, reported_to, outcome, detail, at,"
            " actor_id, actor, province) VALUES ($1, $2, $3, $4, $5, $6,"
            " $7, $8, $9, $10, $11, " XJ_PROVINCE_OF ("dropout_cases", "$1")
            ")")
XJ_DB_STMT (st_do_stage,
            "UPDATE dropout_cases SET stage = 'dropout', dropout_on = $2,"
            " version = version + 1 WHERE id = $1 AND status = 'open'"
            " AND stage = 'suspected'")
XJ_DB_STMT (st_do_close,
            "UPDATE dropout_cases SET status = 'closed', outcome = $2,"
            " closed_at = $3, version = version + 1"
            " WHERE id = $1 AND status = 'open'")
XJ_DB_STMT (st_do_reopen,
            "UPDATE dropout_cases SET status = 'open', stage = 'suspected',"
            " dropout_on = NULL, opened_on = $2, version = version + 1"
            " WHERE id = $1 AND status = 'closed'")
XJ_DB_STMT (st_do_entries,
            "SELECT id, kind, happened_on, method, participants,"
            " reported_to, outcome, detail, at, actor"
            " FROM dropout_entries WHERE case_id = $1 ORDER BY id")

static const struct xj_db_field case_fields[] = {
  XJ_DB_F_I64 (struct xj_dropout_case, id),
  XJ_DB_F_I64 (struct xj_dropout_case, student_id),
  XJ_DB_F_I64 (struct xj_dropout_case, school_id),
  XJ_DB_F_TEXT (struct xj_dropout_case, source),
  XJ_DB_F_TEXT (struct xj_dropout_case, detail),
  XJ_DB_F_TEXT (struct xj_dropout_case, stage),
  XJ_DB_F_TEXT (struct xj_dropout_case, status),
  XJ_DB_F_TEXT (struct xj_dropout_case, opened_on),
  XJ_DB_F_TEXT (struct xj_dropout_case, opened_at),
  XJ_DB_F_TEXT (struct xj_dropout_case, dropout_on),
  XJ_DB_F_TEXT (struct xj_dropout_case, closed_at),
  XJ_DB_F_TEXT (struct xj_dropout_case, outcome),
  XJ_DB_F_I64 (struct xj_dropout_case, version),
  XJ_DB_F_TEXT (struct xj_dropout_case, name),
  XJ_DB_F_TEXT (struct xj_dropout_case, registry_no),
  XJ_DB_F_TEXT (struct xj_dropout_case, grade),
  XJ_DB_F_TEXT (struct xj_dropout_case, student_status),
  XJ_DB_F_I64 (struct xj_dropout_case, student_school_id),
  XJ_DB_F_TEXT (struct xj_dropout_case, county),
  XJ_DB_F_TEXT (struct xj_dropout_case, school_name),
  XJ_DB_F_TEXT (struct xj_dropout_case, class_name),
};

static int
case_row (void *cls, const struct xj_db_row *r)
{
  xj_db_row_fields (r, case_fields, XJ_DB_NFIELDS (case_fields), cls);
  return 0;
}

static enum xj_err
qs_err (enum xj_qs qs)
{
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_dropout_store_case (struct xj_db *db, int64_t id,
                       struct xj_dropout_case *out)
{
  enum xj_qs qs;

  memset (out, 0, sizeof *out);
  qs = xj_db_q (db, &st_do_case, XJ_DB_PARAMS (XJ_DB_I (id)), &case_row,
                out);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_dropout_open_case_of (struct xj_db *db, int64_t student_id,
                         int64_t *case_id)
{
  *case_id = 0;
  return qs_err (xj_db_q (db, &st_do_open_of,
                          XJ_DB_PARAMS (XJ_DB_I (student_id)),
                          &xj_db_int64_cb, case_id));
}

enum xj_err
xj_dropout_store_insert (struct xj_db *db, int64_t student_id,
                         int64_t school_id, const char *source,
                         const char *detail, const char *opened_on,
                         const char *at, int64_t *id)
{
  enum xj_qs qs;

  *id = 0;
  qs = xj_db_q (db, &st_do_case_ins,
                XJ_DB_PARAMS (XJ_DB_I (student_id), XJ_DB_I (school_id),
                              XJ_DB_S (source), XJ_DB_S (detail),
                              XJ_DB_S (opened_on), XJ_DB_S (at)),
                &xj_db_int64_cb, id);
  if (XJ_QS_UNIQUE == qs)
    return XJ_E_DROPOUT_CASE_EXISTS;
  return qs_err (qs);
}

static struct xj_db_param
text_or_empty (const char *v)
{
  return XJ_DB_S (v ? v : "");
}

enum xj_err
xj_dropout_store_entry (struct xj_db *db, int64_t case_id,
                        const struct xj_dropout_entry_new *n,
                        const char *at, const struct xj_actor *a)
{
  return qs_err (xj_db_q (
    db, &st_do_entry_ins,
    XJ_DB_PARAMS (XJ_DB_I (case_id), XJ_DB_S (n->kind),
                  XJ_DB_S (n->happened_on), text_or_empty (n->method),
                  text_or_empty (n->participants),
                  text_or_empty (n->reported_to), text_or_empty (n->outcome),
                  text_or_empty (n->detail), XJ_DB_S (at),
                  a->user_id ? XJ_DB_I (a->user_id) : XJ_DB_NUL,
                  XJ_DB_S (a->username)),
    NULL, NULL));
}

/* One row changed, or XJ_E_CONFLICT (someone changed the case first). */
static enum xj_err
one_row (enum xj_qs qs)
{
  if (XJ_QS_UNIQUE == qs)
    return XJ_E_DROPOUT_CASE_EXISTS;
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_ONE == qs ? XJ_E_OK : XJ_E_CONFLICT;
}

enum xj_err
xj_dropout_store_stage (struct xj_db *db, int64_t id, const char *on)
{
  return one_row (xj_db_q (db, &st_do_stage,
                           XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (on)),
                           NULL, NULL));
}

enum xj_err
xj_dropout_store_close (struct xj_db *db, int64_t id, const char *outcome,
                        const char *at)
{
  return one_row (xj_db_q (db, &st_do_close,
                           XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (outcome),
                                         XJ_DB_S (at)),
                           NULL, NULL));
}

enum xj_err
xj_dropout_store_reopen (struct xj_db *db, int64_t id, const char *on)
{
  return one_row (xj_db_q (db, &st_do_reopen,
                           XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (on)),
                           NULL, NULL));
}

static int
entry_row (void *cls, const struct xj_db_row *r)
{
  json_array_append_new (
    cls, json_pack ("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                    "id", (json_int_t) xj_db_int (r, 0),
                    "kind", xj_db_text (r, 1), "happened_on",
                    xj_db_text (r, 2), "method", xj_db_text (r, 3),
                    "participants", xj_db_text (r, 4), "reported_to",
                    xj_db_text (r, 5), "outcome", xj_db_text (r, 6),
                    "detail", xj_db_text (r, 7), "at", xj_db_text (r, 8),
                    "actor", xj_db_text (r, 9)));
  return 0;
}

enum xj_err
xj_dropout_store_entries (struct xj_db *db, int64_t case_id, json_t *items)
{
  return qs_err (xj_db_q (db, &st_do_entries,
                          XJ_DB_PARAMS (XJ_DB_I (case_id)), &entry_row,
                          items));
}

/* ---- the sweep ---- */

#define IN_PREFIX " AND" XJ_IN_REGION ("sc.county_code", "$1")
#define COMPULSORY " AND substr(st.grade, 1, 1) IN ('1', '2')"

/* Left (其他离校) with no case opened since they left (the last
   change.leave event; any case at all when there is none). */
XJ_DB_STMT (st_do_sweep_left,
            "SELECT st.id FROM students st"
            " JOIN schools sc ON sc.id = st.school_id"
            " WHERE st.status = 'left'" COMPULSORY IN_PREFIX
            " AND NOT EXISTS (SELECT 1 FROM dropout_cases d"
            "  WHERE d.student_id = st.id AND d.opened_at >= coalesce("
            "  (SELECT max(e.at) FROM student_events e"
            "   WHERE e.student_id = st.id AND e.kind = 'change.leave'), ''))"
            " ORDER BY st.id")
/* Suspended past the end of the last suspension ($2 today), no case
   opened after that end. */
XJ_DB_STMT (st_do_sweep_susp,
            "SELECT st.id, su.end_date FROM students st"
            " JOIN schools sc ON sc.id = st.school_id"
            " JOIN suspensions su ON su.id = (SELECT max(id) FROM suspensions"
            "  WHERE student_id = st.id)"
            " WHERE st.status = 'suspended' AND su.end_date < $2"
            COMPULSORY IN_PREFIX
            " AND NOT EXISTS (SELECT 1 FROM dropout_cases d"
            "  WHERE d.student_id = st.id AND d.opened_on > su.end_date)"
            " ORDER BY st.id")
XJ_DB_STMT (st_do_sweep_stage,
            "SELECT d.id, d.opened_on FROM dropout_cases d"
            " JOIN students st ON st.id = d.student_id"
            " JOIN schools sc ON sc.id = st.school_id"
            " WHERE d.status = 'open' AND d.stage = 'suspected'" IN_PREFIX
            " ORDER BY d.id")

struct pairs {
  struct xj_dropout_pair *v;
  size_t n, cap;
};

static int
pair_row (void *cls, const struct xj_db_row *r)
{
  struct pairs *p = cls;
  struct xj_dropout_pair *it = XJ_VEC_PUSH (p->v, p->n, p->cap);

  it->id = xj_db_int (r, 0);
  xj_strlcpy (it->date, xj_db_ncols (r) > 1 ? xj_db_text (r, 1) : "",
              sizeof it->date);
  return 0;
}

enum xj_err
xj_dropout_store_sweep (struct xj_db *db, enum xj_dropout_sweep_kind k,
                        const char *prefix, const char *today,
                        struct xj_dropout_pair **out, size_t *n)
{
  struct pairs p = { 0 };
  enum xj_qs qs;

  switch (k)
    {
    case XJ_DO_SWEEP_LEFT:
      qs = xj_db_q (db, &st_do_sweep_left, XJ_DB_PARAMS (XJ_DB_S (prefix)),
                    &pair_row, &p);
      break;
    case XJ_DO_SWEEP_SUSPENSION:
      qs = xj_db_q (db, &st_do_sweep_susp,
                    XJ_DB_PARAMS (XJ_DB_S (prefix), XJ_DB_S (today)),
                    &pair_row, &p);
      break;
    default:
      qs = xj_db_q (db, &st_do_sweep_stage, XJ_DB_PARAMS (XJ_DB_S (prefix)),
                    &pair_row, &p);
      break;
    }
  *out = p.v;
  *n = p.n;
  return qs_err (qs);
}

/* ---- lists ---- */

/* $1 prefix, $2 school (0 any), $3 status, $4 stage, $5 source ('' any) */
#define LIST_WHERE                                                         \
  " WHERE" XJ_IN_REGION ("sc.county_code", "$1")                          \
  " AND ($2 = 0 OR st.school_id = $2)"                                     \
  " AND ($3 = '' OR d.status = $3) AND ($4 = '' OR d.stage = $4)"          \
  " AND ($5 = '' OR d.source = $5)"
#define LIST_FROM                                                          \
  " FROM dropout_cases d JOIN students st ON st.id = d.student_id"        \
  " JOIN schools sc ON sc.id = st.school_id"                              \
  " LEFT JOIN classes c ON c.id = st.class_id"
XJ_DB_STMT (st_do_list_count, "SELECT count(*)" LIST_FROM LIST_WHERE)
XJ_DB_STMT (st_do_list, CASE_COLS LIST_WHERE
            " ORDER BY d.id DESC LIMIT $6 OFFSET $7")
/* Cases of a report period: open at some time in [$6, $7] */
XJ_DB_STMT (st_do_period, CASE_COLS LIST_WHERE
            " AND d.opened_on <= $7 AND (d.status = 'open'"
            " OR d.closed_at >= $6) ORDER BY sc.code, d.id")
/* visits and persuasions per case */
XJ_DB_STMT (st_do_counts,
            "SELECT sum(CASE WHEN kind = 'home_visit' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN kind = 'persuasion' THEN 1 ELSE 0 END)"
            " FROM dropout_entries WHERE case_id = $1")

struct list_ctx {
  xj_dropout_case_cb cb;
  void *cls;
};

static int
list_row (void *cls, const struct xj_db_row *r)
{
  struct list_ctx *l = cls;
  struct xj_dropout_case *c = xj_malloc (sizeof *c);

  memset (c, 0, sizeof *c);
  xj_db_row_fields (r, case_fields, XJ_DB_NFIELDS (case_fields), c);
  l->cb (l->cls, c);
  free (c);
  return 0;
}

enum xj_err
xj_dropout_store_list (struct xj_db *db, const struct xj_dropout_q *q,
                       int64_t limit, int64_t offset, int64_t *total,
                       xj_dropout_case_cb cb, void *cls)
{
  struct list_ctx l = { cb, cls };
  enum xj_qs qs;

#define Q_PARAMS                                                           \
  XJ_DB_S (q->prefix), XJ_DB_I (q->school_id), XJ_DB_S (q->status),       \
    XJ_DB_S (q->stage), XJ_DB_S (q->source)
  if (q->from)
    return qs_err (xj_db_q (db, &st_do_period,
                            XJ_DB_PARAMS (Q_PARAMS, XJ_DB_S (q->from),
                                          XJ_DB_S (q->to)),
                            &list_row, &l));
  *total = 0;
  qs = xj_db_q (db, &st_do_list_count, XJ_DB_PARAMS (Q_PARAMS),
                &xj_db_int64_cb, total);
  if (qs >= 0)
    qs = xj_db_q (db, &st_do_list,
                  XJ_DB_PARAMS (Q_PARAMS, XJ_DB_I (limit), XJ_DB_I (offset)),
                  &list_row, &l);
#undef Q_PARAMS
  return qs_err (qs);
}

static int
counts_row (void *cls, const struct xj_db_row *r)
{
  int64_t *v = cls;

  v[0] = xj_db_int (r, 0);
  v[1] = xj_db_int (r, 1);
  return 1;
}

enum xj_err
xj_dropout_store_counts (struct xj_db *db, int64_t case_id, int64_t *visits,
                         int64_t *persuasions)
{
  int64_t v[2] = { 0, 0 };
  enum xj_qs qs = xj_db_q (db, &st_do_counts,
                           XJ_DB_PARAMS (XJ_DB_I (case_id)), &counts_row, v);

  *visits = v[0];
  *persuasions = v[1];
  return qs_err (qs);
}

/* ---- the ledger ---- */

/* Per school in scope ($1 prefix, $2 school): compulsory students on the
   roll; open suspected / dropout cases; cases closed in [$3, $4] as
   returned / otherwise; the retention of the school year starting $5
   (YYYY-09-01): students registered before it, not transferred in since,
   who stayed (在读, 休学; 毕业, 结业, 出国 since), were lost (其他离校,
   退学, 肄业, 开除 since), and those transferred out since. */
#define ST_BASE                                                            \
  " FROM students s WHERE s.school_id = sc.id"                             \
  " AND substr(s.grade, 1, 1) IN ('1', '2') AND s.created_at < $5"         \
  " AND NOT EXISTS (SELECT 1 FROM change_requests r WHERE"                 \
  "  r.student_id = s.id AND r.type = 'transfer_in'"                       \
  "  AND r.status = 'approved' AND r.to_school_id = sc.id"                 \
  "  AND r.closed_at >= $5)"
#define CASES_OF(cond)                                                     \
  "(SELECT count(*) FROM dropout_cases d JOIN students s"                  \
  " ON s.id = d.student_id WHERE s.school_id = sc.id AND " cond ")"
XJ_DB_STMT (st_do_ledger,
            "SELECT sc.id, sc.code, sc.name, sc.county_code,"
            " (SELECT count(*) FROM students s WHERE s.school_id = sc.id"
            "  AND s.status IN ('enrolled', 'suspended')"
            "  AND substr(s.grade, 1, 1) IN ('1', '2')),"
            CASES_OF ("d.status = 'open' AND d.stage = 'suspected'") ","
            CASES_OF ("d.status = 'open' AND d.stage = 'dropout'") ","
            CASES_OF ("d.status = 'closed' AND d.outcome = 'returned'"
                      " AND d.closed_at >= $3 AND d.closed_at <= $4") ","
            CASES_OF ("d.status = 'closed' AND d.outcome <> 'returned'"
                      " AND d.closed_at >= $3 AND d.closed_at <= $4") ","
            " (SELECT count(*)" ST_BASE
            "  AND (s.status IN ('enrolled', 'suspended')"
            "   OR (s.status IN ('graduated', 'completed', 'abroad')"
            "       AND s.updated_at >= $5))),"
            " (SELECT count(*)" ST_BASE
            "  AND s.status IN ('left', 'withdrawn', 'incomplete', 'expelled')"
            "  AND s.updated_at >= $5),"
            " (SELECT count(DISTINCT r.student_id) FROM change_requests r"
            "  JOIN students s ON s.id = r.student_id"
            "  WHERE r.type = 'transfer_in' AND r.status = 'approved'"
            "  AND r.from_school_id = sc.id AND r.closed_at >= $5"
            "  AND s.created_at < $5 AND substr(s.grade, 1, 1) IN ('1', '2'))"
            " FROM schools sc"
            " WHERE" XJ_IN_REGION ("sc.county_code", "$1")
            " AND ($2 = 0 OR sc.id = $2)"
            " AND sc.stage IN ('primary', 'junior', 'nine_year', 'twelve_year',"
            "  'complete_secondary')"
            " ORDER BY sc.code")

struct ledger_ctx {
  xj_dropout_ledger_cb cb;
  void *cls;
};

static int
ledger_row (void *cls, const struct xj_db_row *r)
{
  struct ledger_ctx *l = cls;
  struct xj_dropout_ledger_row row;

  memset (&row, 0, sizeof row);
  row.school_id = xj_db_int (r, 0);
  xj_strlcpy (row.code, xj_db_text (r, 1), sizeof row.code);
  xj_strlcpy (row.name, xj_db_text (r, 2), sizeof row.name);
  xj_strlcpy (row.county, xj_db_text (r, 3), sizeof row.county);
  row.on_roll = xj_db_int (r, 4);
  row.suspected = xj_db_int (r, 5);
  row.dropouts = xj_db_int (r, 6);
  row.returned = xj_db_int (r, 7);
  row.closed_other = xj_db_int (r, 8);
  row.stayed = xj_db_int (r, 9);
  row.lost = xj_db_int (r, 10);
  row.transferred = xj_db_int (r, 11);
  l->cb (l->cls, &row);
  return 0;
}

enum xj_err
xj_dropout_store_ledger (struct xj_db *db, const char *prefix,
                         int64_t school_id, const char *from, const char *to,
                         const char *year_start, xj_dropout_ledger_cb cb,
                         void *cls)
{
  struct ledger_ctx l = { cb, cls };

  return qs_err (xj_db_q (db, &st_do_ledger,
                          XJ_DB_PARAMS (XJ_DB_S (prefix), XJ_DB_I (school_id),
                                        XJ_DB_S (from), XJ_DB_S (to),
                                        XJ_DB_S (year_start)),
                          &ledger_row, &l));
}
