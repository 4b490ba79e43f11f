/* change_store.c -- the registry-change workflow and its SQL
 * (change_requests, change_steps, change_actions, the change settings).
 *
 * Every function runs inside the caller's transaction (writers: a write
 * transaction from xj_db_txn_run, so the version checks below happen
 * under the writer lock).  Never replies, never prints.  The rules
 * themselves are in change_rules.c (pure); this file loads what they
 * need, enforces scope, writes rows, the student event and the audit
 * entry of every action, and applies the change to the record on the
 * last approval through xj_student_store_update (version-checked).
 *
 * The timeline events ("change.requested", "change.step.approved", ...)
 * do not change the record; they go into student_events through
 * xj_student_add_event.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "change/progress.h"
#include "change/yearend_store.h"
#include "core/util.h"
#include "dropout/dropout.h"
#include "idcard/idcard.h"
#include "klass/klass.h"
#include "school/school.h"
#include "student/student_json.h"
#include "student/student_store.h"
#include "student/student_store_sql.h"
#include "validate/codes.h"
#include "validate/validate.h"

XJ_DB_STMT (st_ch_ins,
            "INSERT INTO change_requests (type, student_id, status,"
            " initiator_id, initiator, initiator_school_id,"
            " initiator_region, from_school_id, to_school_id, to_class_id,"
            " payload, round, created_at, version, province) VALUES ($1,"
            " $2, 'pending', $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, 1,"
            " " XJ_PROVINCE_OF ("students", "$2") ") RETURNING id")
XJ_DB_STMT (st_ch_step_ins,
            "INSERT INTO change_steps (request_id, round, seq, actor_kind,"
            " actor_school_id, actor_region, label, status, start_date,"
            " deadline, label_key, province) VALUES ($1, $2, $3, $4, $5,"
            " $6, $7, $8, $9, $10, $11, "
            XJ_PROVINCE_OF ("change_requests", "$1") ")")
XJ_DB_STMT (st_ch_action_ins,
            "INSERT INTO change_actions (request_id, step_id, action, at,"
            " actor_id, actor, comment, province) VALUES ($1, $2, $3, $4,"
            " $5, $6, $7, " XJ_PROVINCE_OF ("change_requests", "$1") ")")
XJ_DB_STMT (st_ch_get,
            "SELECT r.id, r.type, r.student_id, r.status,"
            " coalesce(r.initiator_id, 0), r.initiator,"
            " coalesce(r.initiator_school_id, 0), r.initiator_region,"
            " r.from_school_id, coalesce(r.to_school_id, 0),"
            " coalesce(r.to_class_id, 0), r.payload, r.round, r.created_at,"
            " coalesce(r.closed_at, ''), r.version, fs.county_code,"
            " coalesce(ts.county_code, ''), fs.name, coalesce(ts.name, ''),"
            " coalesce((SELECT display_name FROM users"
            "  WHERE id = r.initiator_id), r.initiator),"
            " coalesce((SELECT name FROM classes WHERE id = r.to_class_id), '')"
            " FROM change_requests r JOIN schools fs ON fs.id = r.from_school_id"
            " LEFT JOIN schools ts ON ts.id = r.to_school_id WHERE r.id = $1")
XJ_DB_STMT (st_ch_step_at,
            "SELECT id, seq, actor_kind, coalesce(actor_school_id, 0),"
            " actor_region, label, status FROM change_steps"
            " WHERE request_id = $1 AND round = $2 AND seq = $3")
XJ_DB_STMT (st_ch_waiting,
            "SELECT id, seq, actor_kind, coalesce(actor_school_id, 0),"
            " actor_region, label, status FROM change_steps"
            " WHERE request_id = $1 AND round = $2 AND status = 'waiting'")
XJ_DB_STMT (st_ch_step_done,
            "UPDATE change_steps SET status = $2, acted_by = $3,"
            " acted_by_name = $4, acted_at = $5, comment = $6"
            " WHERE id = $1 AND status = 'waiting'")
XJ_DB_STMT (st_ch_step_wait,
            "UPDATE change_steps SET status = 'waiting', start_date = $2,"
            " deadline = $3 WHERE id = $1 AND status = 'later'")
XJ_DB_STMT (st_ch_steps_cancel,
            "UPDATE change_steps SET status = 'cancelled' WHERE request_id = $1"
            " AND round = $2 AND status IN ('later', 'waiting')")
XJ_DB_STMT (st_ch_req_set,
            "UPDATE change_requests SET status = $3, closed_at = $4,"
            " version = version + 1 WHERE id = $1 AND version = $2")
XJ_DB_STMT (st_ch_req_resubmit,
            "UPDATE change_requests SET status = 'pending', round = round + 1,"
            " payload = $3, version = version + 1"
            " WHERE id = $1 AND version = $2 AND status = 'returned'")
XJ_DB_STMT (st_ch_settings,
            "SELECT key, value FROM settings"
            " WHERE substr(key, 1, 7) = 'change.'")
XJ_DB_STMT (st_ch_setting_put,
            "INSERT INTO settings (key, value) VALUES ($1, $2)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
XJ_DB_STMT (st_ch_steps_of,
            "SELECT s.id, s.round, s.seq, s.actor_kind,"
            " coalesce(s.actor_school_id, 0), coalesce(sc.name, ''),"
            " s.actor_region, coalesce(rg.name, ''), s.label, s.status,"
            " coalesce(s.start_date, ''), coalesce(s.deadline, ''),"
            " coalesce(s.acted_by_name, ''), coalesce(s.acted_at, ''),"
            " coalesce(s.comment, ''), s.label_key,"
            " coalesce(u.display_name, s.acted_by_name, '')"
            " FROM change_steps s LEFT JOIN schools sc ON sc.id = s.actor_school_id"
            " LEFT JOIN users u ON u.id = s.acted_by"
            " LEFT JOIN regions rg ON rg.code = s.actor_region"
            " WHERE s.request_id = $1 ORDER BY s.round, s.seq")
XJ_DB_STMT (st_ch_actions_of,
            "SELECT a.id, a.action, a.at, a.actor, coalesce(a.comment, ''),"
            " coalesce(a.step_id, 0), coalesce(u.display_name, a.actor)"
            " FROM change_actions a LEFT JOIN users u ON u.id = a.actor_id"
            " WHERE a.request_id = $1 ORDER BY a.id")
XJ_DB_STMT (st_ch_grade_enrolled,
            "SELECT count(*) FROM students WHERE school_id = $1"
            " AND grade = $2 AND status = 'enrolled'")
/* This year's repeat requests of a school; the grade is in the payload,
   read in C (no JSON functions in SQL: docs/db.md "Portable SQL"). */
XJ_DB_STMT (st_ch_repeat_requests,
            "SELECT status, payload FROM change_requests WHERE type = 'repeat'"
            " AND from_school_id = $1 AND created_at >= $2"
            " AND status IN ('pending', 'returned', 'approved')")
XJ_DB_STMT (st_ch_susp_last,
            "SELECT renewal, end_date FROM suspensions WHERE student_id = $1"
            " ORDER BY id DESC LIMIT 1")
XJ_DB_STMT (st_ch_susp_ins,
            "INSERT INTO suspensions (student_id, request_id, renewal,"
            " start_date, end_date, created_at, province) VALUES ($1, $2,"
            " $3, $4, $5, $6, " XJ_PROVINCE_OF ("students", "$1") ")")
/* Suspended students whose last suspension ended before $3 (today):
   $1 county prefix ('' = all), $2 school (0 = all). */
#define SUSP_OVERDUE_FROM                                                  \
  " FROM students st JOIN schools sc ON sc.id = st.school_id"              \
  " LEFT JOIN classes c ON c.id = st.class_id"                             \
  " JOIN suspensions su ON su.id = (SELECT max(id) FROM suspensions"       \
  "  WHERE student_id = st.id)"                                            \
  " WHERE st.status = 'suspended' AND su.end_date < $3"                    \
  " AND" XJ_IN_REGION ("sc.county_code", "$1")                            \
  " AND ($2 = 0 OR st.school_id = $2)"
XJ_DB_STMT (st_ch_susp_overdue_count, "SELECT count(*)" SUSP_OVERDUE_FROM)
XJ_DB_STMT (st_ch_susp_overdue,
            "SELECT st.id, st.name, st.registry_no, st.school_id, sc.name,"
            " st.grade, coalesce(c.name, ''), su.start_date, su.end_date,"
            " su.renewal" SUSP_OVERDUE_FROM
            " ORDER BY su.end_date, st.id LIMIT $4 OFFSET $5")
XJ_DB_STMT (st_ch_student_open,
            "SELECT id FROM change_requests WHERE student_id = $1"
            " AND status IN ('pending', 'returned')")
/* The queue WHERE clause: $1 box (1 todo, 2 started, 3 all), $2 user id,
   $3 administrator (1/0), $4 registrar's school (0 = none), $5 bureau
   region ('' = none), $6 type, $7 status ('' = any), $8 overdue only,
   $9 today YYYY-MM-DD. */
#define CH_LIST_FROM                                                         \
  " FROM change_requests r JOIN students st ON st.id = r.student_id"         \
  " JOIN schools fs ON fs.id = r.from_school_id"                             \
  " LEFT JOIN schools ts ON ts.id = r.to_school_id"                          \
  " LEFT JOIN change_steps w ON w.request_id = r.id AND w.round = r.round"   \
  "  AND w.status = 'waiting'"                                               \
  " WHERE (($1 = 1 AND ((w.id IS NOT NULL AND ($3 = 1"                       \
  "   OR (w.actor_kind = 'school' AND w.actor_school_id = $4)"               \
  "   OR (w.actor_kind <> 'school' AND $5 <> '' AND w.actor_region = $5)))"  \
  "  OR (r.status = 'returned' AND r.initiator_id = $2)))"                   \
  " OR ($1 = 2 AND (r.initiator_id = $2"                                     \
  "  OR ($4 > 0 AND r.initiator_school_id = $4)))"                           \
  " OR ($1 = 3 AND ($3 = 1 OR r.initiator_id = $2"                           \
  "  OR ($4 > 0 AND (r.from_school_id = $4 OR r.to_school_id = $4))"         \
  "  OR ($5 <> '' AND (" XJ_IN_REGION ("fs.county_code", "$5")              \
  "   OR" XJ_IN_REGION ("coalesce(ts.county_code, '')", "$5") ")))))"      \
  " AND ($6 = '' OR r.type = $6) AND ($7 = '' OR r.status = $7)"             \
  " AND ($8 = 0 OR (w.id IS NOT NULL AND w.deadline < $9))"
XJ_DB_STMT (st_ch_list_count, "SELECT count(*)" CH_LIST_FROM)
XJ_DB_STMT (st_ch_list,
            "SELECT r.id, r.type, r.status, r.student_id, st.name, st.grade,"
            " r.from_school_id, fs.name, coalesce(r.to_school_id, 0),"
            " coalesce(ts.name, ''), r.initiator, r.created_at,"
            " coalesce(r.closed_at, ''), r.version, coalesce(w.seq, 0),"
            " coalesce(w.actor_kind, ''), coalesce(w.actor_school_id, 0),"
            " coalesce(w.actor_region, ''), coalesce(w.label, ''),"
            " coalesce(w.deadline, ''), coalesce(w.label_key, ''),"
            " coalesce((SELECT display_name FROM users"
            "  WHERE id = r.initiator_id), r.initiator)" CH_LIST_FROM
            " ORDER BY r.id DESC LIMIT $10 OFFSET $11")
XJ_DB_STMT (st_ch_backlog,
            "SELECT * FROM (SELECT sc.id, sc.code, sc.name, sc.county_code,"
            " (SELECT count(*) FROM change_steps w JOIN change_requests r"
            "   ON r.id = w.request_id AND r.round = w.round"
            "   WHERE w.status = 'waiting' AND w.actor_kind = 'school'"
            "   AND w.actor_school_id = sc.id) AS waiting,"
            " (SELECT count(*) FROM change_steps w JOIN change_requests r"
            "   ON r.id = w.request_id AND r.round = w.round"
            "   WHERE w.status = 'waiting' AND w.actor_kind = 'school'"
            "   AND w.actor_school_id = sc.id AND w.deadline < $2) AS overdue,"
            " (SELECT count(*) FROM change_requests r"
            "   WHERE r.status IN ('pending', 'returned')"
            "   AND (r.from_school_id = sc.id OR r.to_school_id = sc.id))"
            "   AS open"
            " FROM schools sc WHERE" XJ_IN_REGION ("sc.county_code", "$1")
            ") AS t"
            " WHERE waiting > 0 OR open > 0 ORDER BY county_code, code")

/* ---- settings ---- */

static int
settings_row (void *cls, const struct xj_db_row *r)
{
  const char *k = xj_db_text (r, 0);

  if (0 != strncmp (k, "change.", 7))
    return 0;
  for (size_t i = 0; i < xj_change_setting_count; i++)
    if (0 == strcmp (k + 7, xj_change_setting_specs[i].name))
      (void) xj_change_setting_from_text (cls, &xj_change_setting_specs[i],
                                          xj_db_text (r, 1));
  return 0;
}

enum xj_err
xj_change_settings_get (struct xj_db *db, struct xj_change_settings *out)
{
  enum xj_qs qs;

  xj_change_settings_defaults (out);
  qs = xj_db_q (db, &st_ch_settings, XJ_DB_NOPARAMS, &settings_row, out);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_change_settings_put (struct xj_db *db, const struct xj_change_settings *in)
{
  enum xj_qs qs = XJ_QS_NONE;

  for (size_t i = 0; i < xj_change_setting_count && qs >= 0; i++)
    {
      const struct xj_change_setting_spec *p = &xj_change_setting_specs[i];
      char key[48], v[16];

      xj_snprintf (key, sizeof key, "change.%s", p->name);
      xj_change_setting_to_text (in, p, v);
      qs = xj_db_q (db, &st_ch_setting_put,
                    XJ_DB_PARAMS (XJ_DB_S (key), XJ_DB_S (v)), NULL, NULL);
    }
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- one request ---- */

struct req {
  int64_t id;
  enum xj_change_type type;
  int64_t student_id;
  char status[16];
  int64_t initiator_id;
  char initiator[64];
  int64_t initiator_school;
  char initiator_region[16];
  int64_t from_school, to_school, to_class;
  char *payload;            /* owned */
  int round;
  char created_at[32], closed_at[32];
  int64_t version;
  char from_county[8], to_county[8];
  char from_name[200], to_name[200];
  char initiator_name[200]; /* the initiator's display name */
  char to_class_name[200];  /* "" without a receiving class */
};

static int
req_row (void *cls, const struct xj_db_row *r)
{
  struct req *q = cls;

  q->id = xj_db_int (r, 0);
  if (! xj_change_type_parse (xj_db_text (r, 1), &q->type))
    q->type = XJ_CH__COUNT;
  q->student_id = xj_db_int (r, 2);
  xj_strlcpy (q->status, xj_db_text (r, 3), sizeof q->status);
  q->initiator_id = xj_db_int (r, 4);
  xj_strlcpy (q->initiator, xj_db_text (r, 5), sizeof q->initiator);
  q->initiator_school = xj_db_int (r, 6);
  xj_strlcpy (q->initiator_region, xj_db_text (r, 7),
              sizeof q->initiator_region);
  q->from_school = xj_db_int (r, 8);
  q->to_school = xj_db_int (r, 9);
  q->to_class = xj_db_int (r, 10);
  q->payload = xj_strdup (xj_db_text (r, 11));
  q->round = (int) xj_db_int (r, 12);
  xj_strlcpy (q->created_at, xj_db_text (r, 13), sizeof q->created_at);
  xj_strlcpy (q->closed_at, xj_db_text (r, 14), sizeof q->closed_at);
  q->version = xj_db_int (r, 15);
  xj_strlcpy (q->from_county, xj_db_text (r, 16), sizeof q->from_county);
  xj_strlcpy (q->to_county, xj_db_text (r, 17), sizeof q->to_county);
  xj_strlcpy (q->from_name, xj_db_text (r, 18), sizeof q->from_name);
  xj_strlcpy (q->to_name, xj_db_text (r, 19), sizeof q->to_name);
  xj_strlcpy (q->initiator_name, xj_db_text (r, 20),
              sizeof q->initiator_name);
  xj_strlcpy (q->to_class_name, xj_db_text (r, 21),
              sizeof q->to_class_name);
  return 1;
}

static enum xj_err
req_load (struct xj_db *db, int64_t id, struct req *q)
{
  enum xj_qs qs;

  memset (q, 0, sizeof *q);
  qs = xj_db_q (db, &st_ch_get, XJ_DB_PARAMS (XJ_DB_I (id)), &req_row, q);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

static bool
prefix_of (const char *region, const char *county)
{
  size_t n = strlen (region);

  return n > 0 && county && 0 == strncmp (region, county, n);
}

/* May @u see request @q?  Parties only: the initiator, both schools'
   registrars, bureau users over either school, administrators. */
static bool
can_see (const struct xj_user *u, const struct req *q)
{
  switch (u->role)
    {
    case XJ_ROLE_ADMIN:
      return true;
    case XJ_ROLE_REGISTRAR:
      return u->school_id > 0 && (u->school_id == q->from_school
                                  || u->school_id == q->to_school);
    case XJ_ROLE_BUREAU:
      return prefix_of (u->region_code, q->from_county)
             || prefix_of (u->region_code, q->to_county);
    default:
      return false;
    }
}

struct step {
  int64_t id;
  int seq;
  enum xj_actor_kind kind;
  int64_t school_id;
  char region[16];
  char label[64];
  char status[16];
};

static enum xj_actor_kind
kind_parse (const char *s)
{
  if (0 == strcmp (s, "county"))
    return XJ_AK_COUNTY;
  if (0 == strcmp (s, "city"))
    return XJ_AK_CITY;
  if (0 == strcmp (s, "province"))
    return XJ_AK_PROVINCE;
  return XJ_AK_SCHOOL;
}

static int
step_row (void *cls, const struct xj_db_row *r)
{
  struct step *s = cls;

  s->id = xj_db_int (r, 0);
  s->seq = (int) xj_db_int (r, 1);
  s->kind = kind_parse (xj_db_text (r, 2));
  s->school_id = xj_db_int (r, 3);
  xj_strlcpy (s->region, xj_db_text (r, 4), sizeof s->region);
  xj_strlcpy (s->label, xj_db_text (r, 5), sizeof s->label);
  xj_strlcpy (s->status, xj_db_text (r, 6), sizeof s->status);
  return 1;
}

/* ---- small writers ---- */

static enum xj_err
qs_ok (enum xj_qs qs)
{
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static enum xj_err
add_action (struct xj_db *db, const struct xj_actor *a, int64_t req_id,
            int64_t step_id, const char *action, const char *comment)
{
  char at[32];

  xj_now_iso (at);
  return qs_ok (xj_db_q (db, &st_ch_action_ins,
                         XJ_DB_PARAMS (XJ_DB_I (req_id),
                                       step_id ? XJ_DB_I (step_id) : XJ_DB_NUL,
                                       XJ_DB_S (action), XJ_DB_S (at),
                                       a->user_id ? XJ_DB_I (a->user_id)
                                                  : XJ_DB_NUL,
                                       XJ_DB_S (a->username),
                                       XJ_DB_SE (comment)),
                         NULL, NULL));
}

/* Timeline event @kind on the student with @after (steals it). */
static enum xj_err
add_event (struct xj_db *db, const struct xj_actor *a, int64_t student_id,
           const char *kind, json_t *after)
{
  char at[32];
  char *text = json_dumps (after, JSON_COMPACT | JSON_SORT_KEYS);
  enum xj_err e;

  json_decref (after);
  xj_now_iso (at);
  e = xj_student_add_event (db, student_id, a, kind, at, NULL, text);
  free (text);
  return e;
}

static enum xj_err
audit (struct xj_db *db, const struct xj_actor *a, const char *action,
       int64_t req_id, json_t *after)
{
  char idbuf[24];
  char *text = json_dumps (after, JSON_COMPACT | JSON_SORT_KEYS);
  enum xj_err e;

  json_decref (after);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) req_id);
  e = xj_audit_append (db, a, action, "change", idbuf, NULL, text);
  free (text);
  return e;
}

/* Insert the steps of @ch as round @round of request @req_id, the first
   one waiting from today. */
static enum xj_err
insert_steps (struct xj_db *db, int64_t req_id, int round,
              const struct xj_change_chain *ch, int days)
{
  struct xj_calendar cal;
  char today[12], deadline[12];
  enum xj_err e;

  if (XJ_E_OK != (e = xj_cal_load (db, &cal)))
    return e;
  xj_ymd_format (xj_cal_today (), today);
  xj_ymd_format (xj_cal_add_workdays (&cal, xj_cal_today (), (unsigned) days),
                 deadline);
  xj_cal_fini (&cal);
  for (unsigned i = 0; i < ch->n && XJ_E_OK == e; i++)
    {
      const struct xj_change_step_spec *s = &ch->s[i];

      e = qs_ok (xj_db_q (
        db, &st_ch_step_ins,
        XJ_DB_PARAMS (XJ_DB_I (req_id), XJ_DB_I (round), XJ_DB_I (i + 1),
                      XJ_DB_S (xj_actor_kind_name (s->kind)),
                      s->school_id ? XJ_DB_I (s->school_id) : XJ_DB_NUL,
                      XJ_DB_S (s->region),
                      XJ_DB_S (s->label),
                      XJ_DB_S (0 == i ? "waiting" : "later"),
                      0 == i ? XJ_DB_S (today) : XJ_DB_NUL,
                      0 == i ? XJ_DB_S (deadline) : XJ_DB_NUL,
                      XJ_DB_S (s->key)),
        NULL, NULL));
    }
  return e;
}

/* ---- applying a change to the record ---- */

static const char *
pstr (json_t *p, const char *k)
{
  return json_string_value (json_object_get (p, k));
}

static void
note (json_t *before, json_t *after, const char *k, json_t *b, json_t *a)
{
  json_object_set_new (before, k, b);
  json_object_set_new (after, k, a);
}

static json_t *
jid (int64_t v)
{
  return v ? json_integer (v) : json_null ();
}

/* Apply an approved promote / reenter request: progress.c moves the
   record (its own event, progressions row and audit entry). */
static enum xj_err
apply_progress (struct xj_db *db, const struct xj_actor *a,
                const struct req *q, json_t *p, struct xj_cs_warn *w)
{
  struct xj_progress_move m = {
    .kind = XJ_CH_PROMOTE == q->type ? XJ_PG_PROMOTE : XJ_PG_REENTER,
    .student_id = q->student_id, .to_school = q->to_school,
    .class_id = q->to_class, .request_id = q->id, .grade = pstr (p, "grade"),
    .reason = pstr (p, "reason"), .route = pstr (p, "route"),
    .out_of_zone = json_is_true (json_object_get (p, "out_of_zone")),
    .class_size = w };

  if (NULL == m.grade)
    return XJ_E_INTERNAL;
  if (NULL == m.route)
    m.route = "request";
  return xj_progress_apply (db, a, &m, NULL);
}

/* 休学 or its renewal: the suspension's dates as a suspensions row (the
   follow-up list reads the last one). */
static enum xj_err
apply_suspend (struct xj_db *db, const struct req *q, json_t *p,
               json_t *after)
{
  const char *start = pstr (p, "start_date"), *end = pstr (p, "end_date");
  json_int_t renewal = json_integer_value (json_object_get (p, "renewal"));
  char at[32];

  if (NULL == start || NULL == end)
    return XJ_E_INTERNAL;
  xj_now_iso (at);
  json_object_set_new (after, "suspended_until", json_string (end));
  if (renewal > 0)
    json_object_set_new (after, "renewal", json_integer (renewal));
  return qs_ok (xj_db_q (db, &st_ch_susp_ins,
                         XJ_DB_PARAMS (XJ_DB_I (q->student_id),
                                       XJ_DB_I (q->id), XJ_DB_I (renewal),
                                       XJ_DB_S (start), XJ_DB_S (end),
                                       XJ_DB_S (at)),
                         NULL, NULL));
}

/* 信息变更 of the resident ID.  The registry number follows: an L number
   becomes G and stays as an alias (the number on older certificates); a
   G number made from the wrong ID becomes G of the right one and is NOT
   kept as an alias, since it is the real owner's number and that person
   must remain registrable.  The old values stay in the event and audit
   entry (@before). */
static enum xj_err
apply_id_no (struct xj_db *db, struct xj_student *s, const char *v,
             json_t *before, json_t *after)
{
  bool derived = 'G' == s->registry_no[0]
                 && 0 == strcmp (s->registry_no + 1, s->id_no);
  enum xj_err e;

  note (before, after, "id_no", json_string (s->id_no), json_string (v));
  if ('L' == s->registry_no[0])
    {
      e = xj_student_add_alias (db, s->id, s->registry_no);
      if (XJ_E_OK != e)
        return e;
    }
  xj_strlcpy (s->id_type, "1", sizeof s->id_type);
  xj_strlcpy (s->id_no, v, sizeof s->id_no);
  if ('L' == s->registry_no[0] || derived)
    {
      note (before, after, "registry_no", json_string (s->registry_no),
            NULL);
      xj_registry_no_g (v, s->registry_no);
      json_object_set_new (after, "registry_no",
                           json_string (s->registry_no));
    }
  return XJ_E_OK;
}

/* 毕业 / 结业 by a change (not at year-end) is a graduations row like
   year-end's: the school's 毕业生 list and the outcome read it.  肄业
   (left before finishing) is not. */
static enum xj_err
graduation_row (struct xj_db *db, const struct xj_student *s)
{
  char at[32];

  if (0 != strcmp (s->status, "graduated")
      && 0 != strcmp (s->status, "completed"))
    return XJ_E_OK;
  xj_now_iso (at);
  return xj_ye_store_graduation_insert (
    db, &(struct xj_ye_graduation) {
          .student_id = s->id, .school_id = s->school_id, .grade = s->grade,
          .outcome = s->status,
          .school_year = xj_valid_school_year (xj_cal_today ()), .at = at });
}

/* The members an effect changes, each noted in @before / @after. */
struct fx {
  struct xj_student *s;
  json_t *before, *after;
};

static void
set_status (struct fx *f, const char *st)
{
  note (f->before, f->after, "status", json_string (f->s->status),
        json_string (st));
  xj_strlcpy (f->s->status, st, sizeof f->s->status);
}

static void
set_class (struct fx *f, int64_t c)
{
  note (f->before, f->after, "class_id", jid (f->s->class_id), jid (c));
  f->s->class_id = c;
}

static void
set_grade (struct fx *f, const char *g)
{
  note (f->before, f->after, "grade", json_string (f->s->grade),
        json_string (g));
  xj_strlcpy (f->s->grade, g, sizeof f->s->grade);
}

/* 更正: the key fields of the request's "changes" (name, birth date,
   gender, ID number). */
static enum xj_err
apply_correct (struct xj_db *db, json_t *p, struct fx *f)
{
  struct xj_student *s = f->s;
  json_t *c = json_object_get (p, "changes");
  const char *v;

  if ((v = pstr (c, "name")))
    {
      note (f->before, f->after, "name", json_string (s->name),
            json_string (v));
      xj_strlcpy (s->name, v, sizeof s->name);
    }
  if ((v = pstr (c, "birth_date")))
    {
      note (f->before, f->after, "birth_date", json_string (s->birth_date),
            json_string (v));
      xj_strlcpy (s->birth_date, v, sizeof s->birth_date);
    }
  if (json_is_integer (json_object_get (c, "gender")))
    {
      int g = (int) json_integer_value (json_object_get (c, "gender"));

      note (f->before, f->after, "gender", json_integer (s->gender),
            json_integer (g));
      s->gender = g;
    }
  if ((v = pstr (c, "id_no")))
    return apply_id_no (db, s, v, f->before, f->after);
  return XJ_E_OK;
}

/* The status an ending change gives, or NULL for another type. */
static const char *
ending_status (enum xj_change_type t)
{
  switch (t)
    {
    case XJ_CH_WITHDRAW:
      return "withdrawn";
    case XJ_CH_ABROAD:
      return "abroad";
    case XJ_CH_DEATH:
      return "deceased";
    case XJ_CH_CANCEL:
      return "cancelled";
    case XJ_CH_LEAVE:
      return "left";
    default:
      return NULL;
    }
}

/* The effect of request @q (payload @p) on the loaded record @s, noting
   each changed member in @before / @after. */
static enum xj_err
apply_effect (struct xj_db *db, const struct req *q, json_t *p,
              struct xj_student *s, json_t *before, json_t *after)
{
  struct fx f = { s, before, after };
  const char *v = ending_status (q->type);

  if (v)
    {
      set_status (&f, v);
      return XJ_E_OK;
    }
  switch (q->type)
    {
    case XJ_CH_TRANSFER_IN:
      note (before, after, "school_id", json_integer (s->school_id),
            json_integer (q->to_school));
      s->school_id = q->to_school;
      set_class (&f, q->to_class);
      return XJ_E_OK;
    case XJ_CH_SUSPEND:
      if (0 != strcmp (s->status, "suspended"))
        set_status (&f, "suspended");
      return apply_suspend (db, q, p, after);
    case XJ_CH_RESUME:
      set_status (&f, "enrolled");
      if ((v = pstr (p, "grade")) && *v && 0 != strcmp (v, s->grade))
        set_grade (&f, v);
      if (q->to_class)
        set_class (&f, q->to_class);
      return XJ_E_OK;
    case XJ_CH_GRADUATE:
      v = pstr (p, "outcome");
      set_status (&f, v ? v : "graduated");
      return graduation_row (db, s);
    case XJ_CH_REPEAT:
    case XJ_CH_SKIP:
      v = pstr (p, "grade");
      set_grade (&f, v ? v : s->grade);
      set_class (&f, q->to_class);
      return XJ_E_OK;
    case XJ_CH_CORRECT:
      return apply_correct (db, p, &f);
    default:
      return XJ_E_INTERNAL;
    }
}

/* The record @s after the effect of @q, when @q set its grade or school:
   the one grade check again at today's date (a request may be approved
   in another school year than it was made), its warnings stored. */
static enum xj_err
apply_grade_check (struct xj_db *db, const struct req *q,
                   const struct xj_student *s)
{
  struct xj_school sc;
  enum xj_err e;

  if (XJ_CH_TRANSFER_IN != q->type && XJ_CH_REPEAT != q->type
      && XJ_CH_SKIP != q->type && XJ_CH_RESUME != q->type)
    return XJ_E_OK;
  if (XJ_E_OK != (e = xj_school_get (db, s->school_id, &sc)))
    return e;
  return xj_student_grade_move (db, s, &sc, s->grade, NULL, NULL, true);
}

/* A dropout case opened while request @q was on its way: the record
   still may not end (the rule of xj_change_precheck, checked again when
   the last approval applies it). */
static enum xj_err
apply_case_check (struct xj_db *db, const struct req *q)
{
  int64_t case_id = 0;
  enum xj_err e;

  if (! xj_change_ends_record (q->type, NULL))
    return XJ_E_OK;
  e = xj_dropout_open_case_of (db, q->student_id, &case_id);
  return XJ_E_OK == e && case_id ? XJ_E_DROPOUT_CASE_OPEN : e;
}

/* Apply request @q (its last step approved) to the student, in the
   caller's transaction: event "change.<type>" with before/after, audit
   "student.change"; a class joined at 大班额 fills @w (may be NULL). */
static enum xj_err
apply (struct xj_db *db, const struct xj_actor *a, const struct req *q,
       struct xj_cs_warn *w)
{
  int64_t class_before;
  struct xj_student *s = xj_malloc (sizeof *s);
  json_t *p = json_loads (q->payload, 0, NULL);
  json_t *before = json_object (), *after = json_object ();
  char kind[48], idbuf[24], from_status[16] = "";
  char *tb = NULL, *ta = NULL;
  enum xj_err e;

  if (NULL == p)
    p = json_object ();
  if (XJ_CH_PROMOTE == q->type || XJ_CH_REENTER == q->type)
    {
      e = apply_progress (db, a, q, p, w); /* its own event and audit */
      goto out;
    }
  e = xj_student_load (db, q->student_id, s);
  class_before = s->class_id;
  if (XJ_E_OK == e)
    e = apply_case_check (db, q);
  if (XJ_E_OK == e)
    {
      xj_strlcpy (from_status, s->status, sizeof from_status);
      e = apply_effect (db, q, p, s, before, after);
    }
  if (XJ_E_OK == e)
    e = apply_grade_check (db, q, s);
  if (XJ_E_OK != e)
    goto out;
  json_object_set_new (after, "request_id", json_integer (q->id));
  /* full values: the event and the audit entry are the legal record;
     displays mask them */
  tb = json_dumps (before, JSON_COMPACT | JSON_SORT_KEYS);
  ta = json_dumps (after, JSON_COMPACT | JSON_SORT_KEYS);
  xj_snprintf (kind, sizeof kind, "change.%s", xj_change_type_name (q->type));
  e = xj_student_store_update (db, s, s->version, a, kind, tb, ta);
  if (XJ_E_OK == e && s->class_id != class_before)
    e = xj_class_size_admit (db, s->class_id, s->id,
                             xj_change_type_name (q->type), a, w);
  if (XJ_E_OK != e)
    goto out;
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) s->id);
  e = xj_audit_append (db, a, "student.change", "student", idbuf, tb, ta);
  if (XJ_E_OK == e)
    e = xj_dropout_on_status (db, a, s->id, s->grade, from_status, s->status,
                              xj_change_type_zh (q->type));
out:
  free (tb);
  free (ta);
  json_decref (before);
  json_decref (after);
  json_decref (p);
  free (s);
  return e;
}

/* ---- create ---- */

/* Validate and normalise the 信息变更 values into @norm (owned by the
   caller) against student @s. */
static enum xj_err
check_changes (struct xj_db *db, const struct xj_student *s, json_t *in,
               json_t *norm, const char **field)
{
  const char *k;
  json_t *v;
  char buf[200];
  char birth[12];
  int gender = s->gender;
  struct xj_idcard card;
  bool have_card = false;
  enum xj_err e;

  xj_strlcpy (birth, s->birth_date, sizeof birth);
  *field = "changes";
  if (! json_is_object (in) || 0 == json_object_size (in))
    return XJ_E_REQUIRED;
  json_object_foreach (in, k, v)
    {
      *field = k;
      if (0 == strcmp (k, "name") && json_is_string (v))
        {
          if (XJ_E_OK != (e = xj_valid_name (json_string_value (v), buf,
                                             sizeof buf)))
            return e;
          json_object_set_new (norm, "name", json_string (buf));
        }
      else if (0 == strcmp (k, "birth_date") && json_is_string (v))
        {
          if (XJ_E_OK != (e = xj_valid_date (json_string_value (v), birth,
                                             sizeof birth)))
            return e;
          json_object_set_new (norm, "birth_date", json_string (birth));
        }
      else if (0 == strcmp (k, "gender") && json_is_integer (v))
        {
          gender = (int) json_integer_value (v);
          if (1 != gender && 2 != gender)
            return XJ_E_CODE;
          json_object_set_new (norm, "gender", json_integer (gender));
        }
      else if (0 == strcmp (k, "id_no") && json_is_string (v))
        {
          int64_t other, school;

          if (XJ_E_OK != (e = xj_idcard_parse (json_string_value (v),
                                               xj_cal_today (), &card)))
            return e;
          have_card = true;
          e = xj_student_find_by_id_no (db, "1", card.id18, &other, &school);
          if (XJ_E_OK == e && other != s->id)
            return XJ_E_ID_EXISTS;
          if (XJ_E_OK != e && XJ_E_NOT_FOUND != e)
            return e;
          json_object_set_new (norm, "id_no", json_string (card.id18));
        }
      else
        return json_is_string (v) || json_is_integer (v) ? XJ_E_UNKNOWN_FIELD
                                                         : XJ_E_BAD_TYPE;
    }
  /* the resulting record must agree with its resident ID */
  if (! have_card && 0 == strcmp (s->id_type, "1")
      && XJ_E_OK == xj_idcard_parse (s->id_no, 0, &card))
    have_card = true;
  if (have_card)
    {
      if (card.year * 10000 + card.month * 100 + card.day
          != xj_valid_date_ymd (birth))
        {
          *field = "birth_date";
          return XJ_E_ID_BIRTH_MISMATCH;
        }
      if (card.gender != gender)
        {
          *field = "gender";
          return XJ_E_ID_GENDER_MISMATCH;
        }
    }
  return XJ_E_OK;
}

/* Check the target class @class_id: of @school_id, of @grade. */
static enum xj_err
check_class (struct xj_db *db, int64_t class_id, int64_t school_id,
             const char *grade, const char **field)
{
  struct xj_class c;

  if (0 == class_id)
    return XJ_E_OK;
  *field = "to_class_id";
  if (XJ_E_OK != xj_class_get (db, class_id, &c) || c.school_id != school_id
      || 0 != strcmp (c.grade, grade))
    return XJ_E_NO_SUCH_CLASS;
  return XJ_E_OK;
}

/* Is @no the registry number of @s, current or former (an L number kept
   as alias after L->G: the number on an older certificate)? */
static bool
registry_no_of (struct xj_db *db, const char *no, const struct xj_student *s)
{
  struct xj_student_lookup l;

  if (0 == strcmp (no, s->registry_no))
    return true;
  return XJ_E_OK == xj_student_lookup (db, "", no, &l) && l.id == s->id;
}

/* What xj_change_create works on, step by step. */
struct create {
  const struct xj_user *u;
  const struct xj_actor *a;
  const struct xj_change_new *n;
  struct xj_student *s;       /* owned */
  struct xj_student_ctx ctx;
  struct xj_school to;        /* transfer: the receiving school */
  int64_t to_school;          /* 0 unless a transfer */
  const char *target_grade;   /* 留级/跳级/复学: the grade after */
  int susp_start, susp_end;   /* 休学: the dates (YYYYMMDD) */
  int renewal;                /* 休学: 0 = a new suspension, n = renewal */
  struct xj_change_settings set;
  struct xj_change_chain ch;
  json_t *payload;            /* owned */
  json_t *shown;              /* owned: payload with ID numbers masked */
  char at[32];
  int64_t id;
};

/* Transfer: the receiving school starts it and the student may be
   anywhere; outside the caller's scope the student is known only
   through its full resident ID or registry number (as from the lookup),
   a bare row id is answered like a missing one. */
static enum xj_err
create_authorise_transfer (struct xj_db *db, struct create *c,
                           const char **field)
{
  const struct xj_user *u = c->u;
  const struct xj_change_new *n = c->n;
  const struct xj_student *s = c->s;

  c->to_school = XJ_ROLE_REGISTRAR == u->role ? u->school_id
                                              : n->to_school_id;
  *field = "to_school_id";
  if (XJ_ROLE_REGISTRAR == u->role && n->to_school_id
      && n->to_school_id != u->school_id)
    return XJ_E_CHANGE_INITIATOR;
  if (! xj_scope_school (u, s->school_id, c->ctx.county_code)
      && ! (n->id_no && 0 == strcmp (n->id_no, s->id_no)
            && 0 == strcmp (s->id_type, "1"))
      && ! (n->registry_no && registry_no_of (db, n->registry_no, s)))
    {
      *field = "student_id";
      return XJ_E_NOT_FOUND;
    }
  if (0 == c->to_school || XJ_E_OK != xj_school_get (db, c->to_school,
                                                     &c->to))
    return XJ_E_NO_SUCH_SCHOOL;
  if (c->to.id == s->school_id)
    return XJ_E_CHANGE_SAME_SCHOOL;
  if (! xj_school_stage_has_grade (c->to.stage, s->grade))
    return XJ_E_SCHOOL_GRADE;
  return XJ_E_OK;
}

/* Load the student and check that @c->u may start this change on it. */
static enum xj_err
create_load_authorise (struct xj_db *db, struct create *c,
                       const char **field)
{
  enum xj_err e;

  if (! xj_change_may_start (c->n->type, c->u->role))
    return XJ_E_CHANGE_INITIATOR;
  e = xj_student_load_ctx (db, c->n->student_id, c->s, &c->ctx);
  if (XJ_E_OK != e)
    {
      *field = "student_id";
      return e;
    }
  if (XJ_CH_TRANSFER_IN == c->n->type)
    return create_authorise_transfer (db, c, field);
  if (! xj_scope_school_write (c->u, c->s->school_id, c->ctx.county_code))
    {
      *field = "student_id";
      return XJ_E_NOT_FOUND;
    }
  return XJ_E_OK;
}

struct repeat_counts {
  const char *grade;    /* the grade repeated (the previous grade) */
  int64_t enrolled;     /* enrolled in the student's grade now */
  int64_t open;         /* repeats into the grade, pending/returned/approved */
  int64_t approved;     /* ... of which approved (already in the grade) */
};

static int
enrolled_row (void *cls, const struct xj_db_row *r)
{
  struct repeat_counts *rc = cls;

  rc->enrolled = xj_db_int (r, 0);
  return 1;
}

static int
repeat_request_row (void *cls, const struct xj_db_row *r)
{
  struct repeat_counts *rc = cls;
  json_t *p = json_loads (xj_db_text (r, 1), 0, NULL);
  const char *g = json_string_value (json_object_get (p, "grade"));

  if (NULL != g && 0 == strcmp (g, rc->grade))
    {
      rc->open++;
      if (0 == strcmp (xj_db_text (r, 0), "approved"))
        rc->approved++;
    }
  json_decref (p);
  return 0;
}

/* 留级: the grade's size and its repeats in this school year. */
static enum xj_err
repeat_counts (struct xj_db *db, const struct xj_student *s,
               struct xj_change_check *chk)
{
  int today = xj_cal_today ();
  char from[12], prev[4] = "";
  struct repeat_counts rc = { .grade = prev };
  enum xj_qs qs;

  xj_snprintf (from, sizeof from, "%04d-09-01",
               xj_valid_school_year (today));
  (void) xj_grade_prev (s->grade, prev);
  qs = xj_db_q (db, &st_ch_grade_enrolled,
                XJ_DB_PARAMS (XJ_DB_I (s->school_id), XJ_DB_S (s->grade)),
                &enrolled_row, &rc);
  if (qs >= 0)
    qs = xj_db_q (db, &st_ch_repeat_requests,
                  XJ_DB_PARAMS (XJ_DB_I (s->school_id), XJ_DB_S (from)),
                  &repeat_request_row, &rc);
  if (qs < 0)
    return xj_db_qs_err (qs);
  chk->grade_size = rc.enrolled + rc.approved;
  chk->grade_repeats = rc.open;
  return XJ_E_OK;
}

struct susp_last {
  int renewal;
  int end;
};

static int
susp_last_row (void *cls, const struct xj_db_row *r)
{
  struct susp_last *l = cls;

  l->renewal = (int) xj_db_int (r, 0);
  l->end = xj_ymd_parse (xj_db_text (r, 1));
  return 1;
}

/* 休学: a suspended student's request is a renewal continuing from the
   last end date; the end date defaults to the full length and may not
   go beyond it. */
static enum xj_err
suspension_dates (struct xj_db *db, struct create *c,
                  struct xj_change_check *chk, const char **field)
{
  struct susp_last last = { 0, 0 };
  int end;
  enum xj_qs qs;

  c->susp_start = xj_cal_today ();
  if (0 == strcmp (c->s->status, "suspended"))
    {
      qs = xj_db_q (db, &st_ch_susp_last,
                    XJ_DB_PARAMS (XJ_DB_I (c->s->id)), &susp_last_row,
                    &last);
      if (qs < 0)
        return xj_db_qs_err (qs);
      chk->renewals = last.renewal;
      c->renewal = last.renewal + 1;
      if (last.end)
        c->susp_start = xj_ymd_add_days (last.end, 1);
    }
  c->susp_end = xj_change_suspend_end (c->susp_start, c->set.suspend_years);
  if (NULL == c->n->end_date)
    return XJ_E_OK;
  *field = "end_date";
  end = xj_ymd_parse (c->n->end_date);
  if (0 == end)
    return XJ_E_DATE_FORMAT;
  if (end < c->susp_start || end > c->susp_end)
    return XJ_E_CHANGE_SUSPEND_END;
  c->susp_end = end;
  return XJ_E_OK;
}

/* What the rules need beyond the record: settings, today's term, the
   grade's repeats, the suspension so far. */
static enum xj_err
create_facts (struct xj_db *db, struct create *c,
              struct xj_change_check *chk, const char **field)
{
  enum xj_err e = xj_change_settings_get (db, &c->set);

  chk->set = &c->set;
  if (XJ_E_OK == e && xj_change_ends_record (c->n->type, c->n->outcome))
    e = xj_dropout_open_case_of (db, c->s->id, &chk->dropout_case);
  if (XJ_E_OK == e && XJ_CH_TRANSFER_IN == c->n->type)
    e = xj_term_at (db, xj_cal_today (), &chk->term);
  if (XJ_E_OK == e && XJ_CH_REPEAT == c->n->type)
    e = repeat_counts (db, c->s, chk);
  if (XJ_E_OK == e && XJ_CH_SUSPEND == c->n->type)
    e = suspension_dates (db, c, chk, field);
  else if (XJ_E_OK == e && c->n->end_date)
    {
      *field = "end_date";
      e = XJ_E_UNKNOWN_FIELD;
    }
  return e;
}

/* The type's rules on the student, then the target grade and class. */
static enum xj_err
create_check (struct xj_db *db, struct create *c, const char **field)
{
  const struct xj_change_new *n = c->n;
  struct xj_change_check chk = { 0 };
  struct xj_school own;
  enum xj_err e;

  chk.type = n->type;
  chk.status = c->s->status;
  chk.grade = c->s->grade;
  chk.reason_code = n->reason_code;
  chk.target_grade = n->grade;
  chk.outcome = n->outcome;
  if (XJ_E_OK != (e = create_facts (db, c, &chk, field)))
    return e;
  if (XJ_E_OK != (e = xj_change_precheck (&chk, field)))
    return e;
  *field = "grade";
  if (XJ_CH_TRANSFER_IN == n->type)
    return XJ_E_OK != (e = xj_student_grade_move (db, c->s, &c->to,
                                                  c->s->grade, n->errs,
                                                  n->warns, false))
             ? e
             : check_class (db, n->to_class_id, c->to_school, c->s->grade,
                            field);
  if (XJ_CH_REPEAT != n->type && XJ_CH_SKIP != n->type
      && XJ_CH_RESUME != n->type)
    {
      *field = "to_class_id";
      return n->to_class_id ? XJ_E_UNKNOWN_FIELD : XJ_E_OK;
    }
  c->target_grade = n->grade && *n->grade ? n->grade : c->s->grade;
  if (XJ_E_OK != (e = xj_school_get (db, c->s->school_id, &own)))
    return e;
  /* the one grade check: stage and age of the target grade */
  if (XJ_E_OK != (e = xj_student_grade_move (db, c->s, &own,
                                             c->target_grade, n->errs,
                                             n->warns, false)))
    return e;
  return check_class (db, n->to_class_id, c->s->school_id, c->target_grade,
                      field);
}

/* The request's payload: reason, the type's values, 信息变更 normalised. */
static enum xj_err
create_payload (struct xj_db *db, struct create *c, const char **field)
{
  const struct xj_change_new *n = c->n;
  json_t *p = c->payload, *norm;
  enum xj_err e;

  json_object_set_new (p, "reason", json_string (n->reason));
  if (n->reason_code && *n->reason_code)
    json_object_set_new (p, "reason_code", json_string (n->reason_code));
  if (c->target_grade)
    json_object_set_new (p, "grade", json_string (c->target_grade));
  if (XJ_CH_GRADUATE == n->type)
    json_object_set_new (p, "outcome", json_string (n->outcome));
  if (XJ_CH_SUSPEND == n->type)
    {
      char d[12];

      xj_ymd_format (c->susp_start, d);
      json_object_set_new (p, "start_date", json_string (d));
      xj_ymd_format (c->susp_end, d);
      json_object_set_new (p, "end_date", json_string (d));
      json_object_set_new (p, "renewal", json_integer (c->renewal));
    }
  if (XJ_CH_CORRECT != n->type)
    {
      *field = "changes";
      return n->changes ? XJ_E_UNKNOWN_FIELD : XJ_E_OK;
    }
  norm = json_object ();
  e = check_changes (db, c->s, n->changes, norm, field);
  if (XJ_E_OK == e)
    json_object_set (p, "changes", norm);
  json_decref (norm);
  return e;
}

/* Fill @geo for a change of student @s (in county @from_county) towards
   @to_school / @to_county (0 / NULL unless a transfer). */
static void
geo_fill (struct xj_change_geo *geo, const struct xj_student *s,
          const char *from_county, int64_t to_school, const char *to_county,
          const struct xj_change_settings *set, const char *initiator_region)
{
  memset (geo, 0, sizeof *geo);
  geo->from_school_id = s->school_id;
  geo->from_county = from_county;
  geo->to_school_id = to_school;
  geo->to_county = to_school ? to_county : NULL;
  geo->grade = s->grade;
  geo->senior_city = set->senior_city;
  geo->chain_city = set->chain_city;
  geo->initiator_region = initiator_region;
}

static enum xj_err
create_chain (struct create *c)
{
  struct xj_change_geo geo;

  geo_fill (&geo, c->s, c->ctx.county_code, c->to_school,
            c->to.county_code, &c->set,
            XJ_ROLE_BUREAU == c->u->role ? c->u->region_code : "");
  return xj_change_chain_build (c->n->type, &geo, &c->ch);
}

/* Insert the request row and its first round of steps; sets c->id. */
static enum xj_err
create_insert (struct xj_db *db, struct create *c, const char **field)
{
  const struct xj_user *u = c->u;
  const struct xj_change_new *n = c->n;
  char *ptext = json_dumps (c->payload, JSON_COMPACT | JSON_SORT_KEYS);
  enum xj_qs qs;

  xj_now_iso (c->at);
  qs = xj_db_q (db, &st_ch_ins,
                XJ_DB_PARAMS (XJ_DB_S (xj_change_type_name (n->type)),
                              XJ_DB_I (c->s->id),
                              c->a->user_id ? XJ_DB_I (c->a->user_id)
                                            : XJ_DB_NUL,
                              XJ_DB_S (c->a->username),
                              u->school_id ? XJ_DB_I (u->school_id)
                                           : XJ_DB_NUL,
                              XJ_DB_S (u->region_code),
                              XJ_DB_I (c->s->school_id),
                              c->to_school ? XJ_DB_I (c->to_school)
                                           : XJ_DB_NUL,
                              n->to_class_id ? XJ_DB_I (n->to_class_id)
                                             : XJ_DB_NUL,
                              XJ_DB_S (ptext), XJ_DB_S (c->at)),
                &xj_db_int64_cb, &c->id);
  free (ptext);
  if (XJ_QS_UNIQUE == qs)
    {
      *field = "student_id";
      return XJ_E_CHANGE_OPEN;
    }
  if (qs < 0)
    return xj_db_qs_err (qs);
  return insert_steps (db, c->id, 1, &c->ch,
                       XJ_CH_DEATH == n->type ? c->set.death_days
                                              : c->set.step_days);
}

/* The submit action, the "change.requested" timeline event and the
   audit entry (ID numbers masked in both). */
static enum xj_err
create_record (struct xj_db *db, struct create *c)
{
  const char *tname = xj_change_type_name (c->n->type);
  enum xj_err e;

  c->shown = json_deep_copy (c->payload);
  xj_student_mask_json (json_object_get (c->shown, "changes"));
  e = add_action (db, c->a, c->id, 0, "submit", c->n->reason);
  if (XJ_E_OK == e)
    e = add_event (db, c->a, c->s->id, "change.requested",
                   json_pack ("{s:I, s:s, s:O, s:o, s:i}", "request_id",
                              (json_int_t) c->id, "type", tname, "payload",
                              c->shown, "to_school_id", jid (c->to_school),
                              "steps", (int) c->ch.n));
  if (XJ_E_OK == e)
    e = audit (db, c->a, "change.create", c->id,
               json_pack ("{s:s, s:I, s:O}", "type", tname, "student_id",
                          (json_int_t) c->s->id, "payload", c->shown));
  return e;
}

/* No approval needed (注销 by a province bureau or administrator): the
   change takes effect at once and the request closes approved. */
static enum xj_err
create_apply_at_once (struct xj_db *db, struct create *c)
{
  struct req q;
  enum xj_err e;

  if (XJ_E_OK != (e = req_load (db, c->id, &q)))
    return e;
  e = apply (db, c->a, &q, NULL);
  if (XJ_E_OK == e)
    e = qs_ok (xj_db_q (db, &st_ch_req_set,
                        XJ_DB_PARAMS (XJ_DB_I (q.id), XJ_DB_I (q.version),
                                      XJ_DB_S ("approved"), XJ_DB_S (c->at)),
                        NULL, NULL));
  if (XJ_E_OK == e)
    e = add_action (db, c->a, q.id, 0, "apply", NULL);
  free (q.payload);
  return e;
}

enum xj_err
xj_change_create (struct xj_db *db, const struct xj_user *u,
                  const struct xj_actor *a, const struct xj_change_new *n,
                  int64_t *id, const char **field)
{
  struct create c = { .u = u, .a = a, .n = n };
  enum xj_err e;

  if (XJ_E_OK != (e = xj_change_new_valid (n, field)))
    return e;
  c.s = xj_malloc (sizeof *c.s);
  c.payload = json_object ();
  e = create_load_authorise (db, &c, field);
  if (XJ_E_OK == e)
    e = create_check (db, &c, field);
  if (XJ_E_OK == e)
    e = create_payload (db, &c, field);
  if (XJ_E_OK == e)
    e = create_chain (&c);
  if (XJ_E_OK == e)
    e = create_insert (db, &c, field);
  if (XJ_E_OK == e)
    *id = c.id;
  if (XJ_E_OK == e)
    e = create_record (db, &c);
  if (XJ_E_OK == e && 0 == c.ch.n)
    e = create_apply_at_once (db, &c);
  json_decref (c.shown);
  json_decref (c.payload);
  free (c.s);
  return e;
}

/* ---- promote / reenter (progress.c starts them) ---- */

static json_t *
progress_payload (const struct xj_change_progress *n)
{
  return json_pack ("{s:s, s:s, s:s, s:b}", "reason", n->reason, "grade",
                    n->grade, "route", n->route, "out_of_zone",
                    n->out_of_zone);
}

enum xj_err
xj_change_create_progress (struct xj_db *db, const struct xj_user *u,
                           const struct xj_actor *a,
                           const struct xj_change_progress *n, int64_t *id)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_student_ctx ctx;
  struct xj_school to;
  struct xj_change_settings set;
  struct xj_change_chain ch;
  struct xj_change_geo geo;
  json_t *payload = progress_payload (n);
  char *ptext = json_dumps (payload, JSON_COMPACT | JSON_SORT_KEYS);
  char at[32];
  enum xj_qs qs;
  enum xj_err e = xj_student_load_ctx (db, n->student_id, s, &ctx);

  if (XJ_E_OK == e)
    e = xj_school_get (db, n->to_school_id, &to);
  if (XJ_E_OK == e)
    e = xj_change_settings_get (db, &set);
  if (XJ_E_OK != e)
    goto out;
  geo_fill (&geo, s, ctx.county_code, to.id, to.county_code, &set, "");
  geo.to_grade = n->grade;
  if (XJ_E_OK != (e = xj_change_chain_build (n->type, &geo, &ch)))
    goto out;
  xj_now_iso (at);
  qs = xj_db_q (db, &st_ch_ins,
                XJ_DB_PARAMS (XJ_DB_S (xj_change_type_name (n->type)),
                              XJ_DB_I (s->id),
                              a->user_id ? XJ_DB_I (a->user_id) : XJ_DB_NUL,
                              XJ_DB_S (a->username),
                              u->school_id ? XJ_DB_I (u->school_id)
                                           : XJ_DB_NUL,
                              XJ_DB_S (u->region_code),
                              XJ_DB_I (s->school_id), XJ_DB_I (to.id),
                              n->to_class_id ? XJ_DB_I (n->to_class_id)
                                             : XJ_DB_NUL,
                              XJ_DB_S (ptext), XJ_DB_S (at)),
                &xj_db_int64_cb, id);
  if (XJ_QS_UNIQUE == qs)
    {
      e = XJ_E_CHANGE_OPEN;
      goto out;
    }
  if (XJ_E_OK != (e = qs_ok (qs)))
    goto out;
  e = insert_steps (db, *id, 1, &ch, set.step_days);
  if (XJ_E_OK == e)
    e = add_action (db, a, *id, 0, "submit", n->reason);
  if (XJ_E_OK == e)
    e = add_event (db, a, s->id, "change.requested",
                   json_pack ("{s:I, s:s, s:O, s:I, s:i}", "request_id",
                              (json_int_t) *id, "type",
                              xj_change_type_name (n->type), "payload",
                              payload, "to_school_id", (json_int_t) to.id,
                              "steps", (int) ch.n));
  if (XJ_E_OK == e)
    e = audit (db, a, "change.create", *id,
               json_pack ("{s:s, s:I, s:O}", "type",
                          xj_change_type_name (n->type), "student_id",
                          (json_int_t) s->id, "payload", payload));
out:
  free (ptext);
  json_decref (payload);
  free (s);
  return e;
}

/* ---- act ---- */

const char *
xj_change_action_name (enum xj_change_action a)
{
  switch (a)
    {
    case XJ_CA_APPROVE: return "approve";
    case XJ_CA_REJECT: return "reject";
    case XJ_CA_RETURN: return "return";
    case XJ_CA_WITHDRAW: return "withdraw";
    case XJ_CA_RESUBMIT: return "resubmit";
    }
  return "";
}

static bool
is_initiator (const struct xj_user *u, const struct req *q)
{
  if (XJ_ROLE_ADMIN == u->role || u->id == q->initiator_id)
    return true;
  return XJ_ROLE_REGISTRAR == u->role && u->school_id > 0
         && u->school_id == q->initiator_school;
}

static enum xj_err
set_req (struct xj_db *db, struct req *q, const char *status, bool close)
{
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (db, &st_ch_req_set,
                XJ_DB_PARAMS (XJ_DB_I (q->id), XJ_DB_I (q->version),
                              XJ_DB_S (status),
                              close ? XJ_DB_S (at) : XJ_DB_NUL),
                NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_CONFLICT;
  q->version++;
  return XJ_E_OK;
}

/* Rebuild the chain of @q for a resubmission (the geography or the
   settings may have changed since). */
static enum xj_err
rebuild_chain (struct xj_db *db, const struct req *q,
               struct xj_change_chain *ch, int *days)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_student_ctx ctx;
  struct xj_change_settings set;
  struct xj_change_geo geo;
  enum xj_err e;

  e = xj_student_load_ctx (db, q->student_id, s, &ctx);
  if (XJ_E_OK == e)
    e = xj_change_settings_get (db, &set);
  if (XJ_E_OK == e)
    {
      json_t *p = json_loads (q->payload, 0, NULL);

      geo_fill (&geo, s, ctx.county_code, q->to_school, q->to_county, &set,
                q->initiator_region);
      geo.to_grade = pstr (p, "grade");   /* 升学: the admitting grade */
      *days = XJ_CH_DEATH == q->type ? set.death_days : set.step_days;
      e = xj_change_chain_build (q->type, &geo, ch);
      json_decref (p);
    }
  free (s);
  return e;
}

/* Load request @id for @u: XJ_E_NOT_FOUND when @u may not see it,
   XJ_E_CONFLICT when @expect_version (if not 0) is not its version.  On
   success the caller frees q->payload. */
static enum xj_err
act_load (struct xj_db *db, const struct xj_user *u, int64_t id,
          int64_t expect_version, struct req *q)
{
  enum xj_err e = req_load (db, id, q);

  if (XJ_E_OK != e)
    return e;
  if (! can_see (u, q))
    e = XJ_E_NOT_FOUND;
  else if (expect_version && expect_version != q->version)
    e = XJ_E_CONFLICT;
  if (XJ_E_OK != e)
    {
      free (q->payload);
      q->payload = NULL;
    }
  return e;
}

/* The action row, the timeline event @evkind (@ev stolen) and the audit
   entry "change.<act>" (@au stolen) of one action on @q. */
static enum xj_err
act_record (struct xj_db *db, const struct xj_actor *a, const struct req *q,
            int64_t step_id, const char *act, const char *comment,
            const char *evkind, json_t *ev, json_t *au)
{
  char audit_action[32];
  enum xj_err e = add_action (db, a, q->id, step_id, act, comment);

  if (XJ_E_OK == e)
    e = add_event (db, a, q->student_id, evkind, json_incref (ev));
  xj_snprintf (audit_action, sizeof audit_action, "change.%s", act);
  if (XJ_E_OK == e)
    e = audit (db, a, audit_action, q->id, json_incref (au));
  json_decref (ev);
  json_decref (au);
  return e;
}

/* The initiator withdraws a pending or returned request. */
static enum xj_err
act_withdraw (struct xj_db *db, struct req *q)
{
  enum xj_err e;

  if (0 != strcmp (q->status, "pending")
      && 0 != strcmp (q->status, "returned"))
    return XJ_E_CHANGE_STATE;
  e = set_req (db, q, "withdrawn", true);
  if (XJ_E_OK == e)
    e = qs_ok (xj_db_q (db, &st_ch_steps_cancel,
                        XJ_DB_PARAMS (XJ_DB_I (q->id), XJ_DB_I (q->round)),
                        NULL, NULL));
  return e;
}

/* The initiator resubmits a returned request (@new_reason, if given,
   replaces the reason): a new round with a freshly built chain. */
static enum xj_err
act_resubmit (struct xj_db *db, struct req *q, const char *new_reason)
{
  struct xj_change_chain ch;
  json_t *p;
  char *ptext;
  int days = 10;
  enum xj_qs qs;
  enum xj_err e;

  if (0 != strcmp (q->status, "returned"))
    return XJ_E_CHANGE_STATE;
  p = json_loads (q->payload, 0, NULL);
  if (NULL == p)
    p = json_object ();
  if (new_reason && *new_reason)
    json_object_set_new (p, "reason", json_string (new_reason));
  ptext = json_dumps (p, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (p);
  qs = xj_db_q (db, &st_ch_req_resubmit,
                XJ_DB_PARAMS (XJ_DB_I (q->id), XJ_DB_I (q->version),
                              XJ_DB_S (ptext)),
                NULL, NULL);
  free (ptext);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_CONFLICT;
  e = rebuild_chain (db, q, &ch, &days);
  if (XJ_E_OK == e)
    e = insert_steps (db, q->id, q->round + 1, &ch, days);
  return e;
}

/* Withdraw or resubmit: the initiator's actions. */
static enum xj_err
act_initiator (struct xj_db *db, const struct xj_user *u,
               const struct xj_actor *a, struct req *q,
               enum xj_change_action action, const char *comment,
               const char *new_reason)
{
  bool wd = XJ_CA_WITHDRAW == action;
  enum xj_err e;

  if (! is_initiator (u, q))
    return XJ_E_CHANGE_NOT_INITIATOR;
  e = wd ? act_withdraw (db, q) : act_resubmit (db, q, new_reason);
  if (XJ_E_OK == e && wd)
    e = xj_yearend_request_closed (db, a, q->student_id);
  if (XJ_E_OK != e)
    return e;
  return act_record (db, a, q, 0, xj_change_action_name (action), comment,
                     wd ? "change.withdrawn" : "change.resubmitted",
                     json_pack ("{s:I, s:s, s:s?}", "request_id",
                                (json_int_t) q->id, "type",
                                xj_change_type_name (q->type), "comment",
                                comment),
                     json_pack ("{s:s?}", "comment", comment));
}

/* The waiting step of @q, if @u holds it; marks it @outcome. */
static enum xj_err
act_take_step (struct xj_db *db, const struct xj_user *u,
               const struct xj_actor *a, const struct req *q,
               const char *outcome, const char *comment, struct step *w)
{
  char at[32];
  enum xj_qs qs;

  if (0 != strcmp (q->status, "pending"))
    return XJ_E_CHANGE_STATE;
  qs = xj_db_q (db, &st_ch_waiting,
                XJ_DB_PARAMS (XJ_DB_I (q->id), XJ_DB_I (q->round)),
                &step_row, w);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_CHANGE_STATE;
  if (! xj_change_is_actor (u, w->kind, w->school_id, w->region))
    return XJ_E_CHANGE_NOT_ACTOR;
  xj_now_iso (at);
  qs = xj_db_q (db, &st_ch_step_done,
                XJ_DB_PARAMS (XJ_DB_I (w->id), XJ_DB_S (outcome),
                              a->user_id ? XJ_DB_I (a->user_id) : XJ_DB_NUL,
                              XJ_DB_S (a->username), XJ_DB_S (at),
                              XJ_DB_SE (comment)),
                NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_CONFLICT : XJ_E_OK;
}

/* After approving step @w: the next step becomes waiting from today
   with its deadline, or, when @w was the last, the request is approved
   (*final: the caller applies the change). */
static enum xj_err
act_advance (struct xj_db *db, struct req *q, const struct step *w,
             bool *final)
{
  struct step next = { 0 };
  struct xj_calendar cal;
  struct xj_change_settings set;
  char today[12], deadline[12];
  enum xj_qs qs;
  enum xj_err e;

  qs = xj_db_q (db, &st_ch_step_at,
                XJ_DB_PARAMS (XJ_DB_I (q->id), XJ_DB_I (q->round),
                              XJ_DB_I (w->seq + 1)),
                &step_row, &next);
  if (qs < 0)
    return xj_db_qs_err (qs);
  *final = XJ_QS_NONE == qs;
  if (*final)
    return set_req (db, q, "approved", true);
  e = set_req (db, q, "pending", false);
  if (XJ_E_OK == e)
    e = xj_change_settings_get (db, &set);
  if (XJ_E_OK == e)
    e = xj_cal_load (db, &cal);
  if (XJ_E_OK != e)
    return e;
  xj_ymd_format (xj_cal_today (), today);
  xj_ymd_format (xj_cal_add_workdays (&cal, xj_cal_today (),
                                      (unsigned) (XJ_CH_DEATH == q->type
                                                    ? set.death_days
                                                    : set.step_days)),
                 deadline);
  xj_cal_fini (&cal);
  return qs_ok (xj_db_q (db, &st_ch_step_wait,
                         XJ_DB_PARAMS (XJ_DB_I (next.id), XJ_DB_S (today),
                                       XJ_DB_S (deadline)),
                         NULL, NULL));
}

/* Approve, reject or return: the waiting step's actor. */
static enum xj_err
act_step (struct xj_db *db, const struct xj_user *u,
          const struct xj_actor *a, struct req *q,
          enum xj_change_action action, const char *comment,
          struct xj_cs_warn *cw)
{
  const char *outcome = XJ_CA_APPROVE == action  ? "approved"
                        : XJ_CA_REJECT == action ? "rejected"
                                                 : "returned";
  const char *act = xj_change_action_name (action);
  struct step w = { 0 };
  char evkind[48];
  bool final = false;
  enum xj_err e;

  e = act_take_step (db, u, a, q, outcome, comment, &w);
  if (XJ_E_OK != e)
    return e;
  if (XJ_CA_APPROVE == action)
    e = act_advance (db, q, &w, &final);
  else
    {
      e = set_req (db, q, outcome, XJ_CA_REJECT == action);
      if (XJ_E_OK == e)
        e = qs_ok (xj_db_q (db, &st_ch_steps_cancel,
                            XJ_DB_PARAMS (XJ_DB_I (q->id),
                                          XJ_DB_I (q->round)),
                            NULL, NULL));
    }
  if (XJ_E_OK != e)
    return e;
  /* the step's own action and event first, then the effect, so the
     timeline reads in order */
  xj_snprintf (evkind, sizeof evkind, "change.step.%s", outcome);
  e = act_record (db, a, q, w.id, act, comment, evkind,
                  json_pack ("{s:I, s:s, s:i, s:s, s:s?}", "request_id",
                             (json_int_t) q->id, "type",
                             xj_change_type_name (q->type), "seq", w.seq,
                             "step", w.label, "comment", comment),
                  json_pack ("{s:i, s:s, s:s?}", "seq", w.seq, "step",
                             w.label, "comment", comment));
  if (XJ_E_OK == e && final)
    {
      e = apply (db, a, q, cw);
      if (XJ_E_OK == e)
        e = add_action (db, a, q->id, 0, "apply", NULL);
    }
  /* a request that closes lets a student skipped by year-end move on */
  if (XJ_E_OK == e && (final || XJ_CA_REJECT == action))
    e = xj_yearend_request_closed (db, a, q->student_id);
  return e;
}

enum xj_err
xj_change_act (struct xj_db *db, const struct xj_user *u,
               const struct xj_actor *a, int64_t id, int64_t expect_version,
               enum xj_change_action action, const char *comment,
               const char *new_reason, struct xj_cs_warn *cw)
{
  struct req q;
  enum xj_err e = act_load (db, u, id, expect_version, &q);

  if (cw)
    memset (cw, 0, sizeof *cw);

  if (XJ_E_OK != e)
    return e;
  if (XJ_CA_WITHDRAW == action || XJ_CA_RESUBMIT == action)
    e = act_initiator (db, u, a, &q, action, comment, new_reason);
  else
    e = act_step (db, u, a, &q, action, comment, cw);
  free (q.payload);
  return e;
}

/* ---- reading ---- */

static int
steps_json_row (void *cls, const struct xj_db_row *r)
{
  const char *deadline = xj_db_text (r, 11);
  const char *status = xj_db_text (r, 9);
  char today[12];

  xj_ymd_format (xj_cal_today (), today);
  json_array_append_new (
    cls,
    json_pack ("{s:I, s:i, s:i, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s?,"
               " s:s?, s:s?, s:s?, s:s?, s:b, s:s}",
               "id", (json_int_t) xj_db_int (r, 0), "round",
               (int) xj_db_int (r, 1), "seq", (int) xj_db_int (r, 2),
               "actor_kind", xj_db_text (r, 3), "actor_school_id",
               jid (xj_db_int (r, 4)), "actor_school_name",
               xj_db_text (r, 5), "actor_region", xj_db_text (r, 6),
               "actor_region_name", xj_db_text (r, 7), "label",
               xj_db_text (r, 8), "status", status, "start_date",
               xj_db_isnull (r, 10) || ! *xj_db_text (r, 10)
                 ? NULL : xj_db_text (r, 10),
               "deadline", *deadline ? deadline : NULL, "acted_by",
               *xj_db_text (r, 12) ? xj_db_text (r, 12) : NULL, "acted_at",
               *xj_db_text (r, 13) ? xj_db_text (r, 13) : NULL, "comment",
               *xj_db_text (r, 14) ? xj_db_text (r, 14) : NULL, "overdue",
               0 == strcmp (status, "waiting") && *deadline
                 && strcmp (today, deadline) > 0,
               "label_key", xj_db_text (r, 15)));
  json_object_set_new (json_array_get (cls, json_array_size (cls) - 1),
                       "acted_by_name",
                       *xj_db_text (r, 16) ? json_string (xj_db_text (r, 16))
                                           : json_null ());
  return 0;
}

static int
actions_json_row (void *cls, const struct xj_db_row *r)
{
  json_array_append_new (
    cls, json_pack ("{s:I, s:s, s:s, s:s, s:s, s:s?, s:o}", "id",
                    (json_int_t) xj_db_int (r, 0), "action",
                    xj_db_text (r, 1), "at", xj_db_text (r, 2), "actor",
                    xj_db_text (r, 3), "actor_name", xj_db_text (r, 6),
                    "comment",
                    *xj_db_text (r, 4) ? xj_db_text (r, 4) : NULL, "step_id",
                    jid (xj_db_int (r, 5))));
  return 0;
}

enum xj_err
xj_change_get_json (struct xj_db *db, const struct xj_user *u, int64_t id,
                    json_t **out)
{
  struct req q;
  struct xj_student *s;
  json_t *steps, *actions, *p, *waiting = json_null ();
  const char *gl;
  enum xj_err e;
  enum xj_qs qs;
  size_t i;
  json_t *st;

  *out = NULL;
  if (XJ_E_OK != (e = req_load (db, id, &q)))
    return e;
  if (! can_see (u, &q))
    {
      free (q.payload);
      return XJ_E_NOT_FOUND;
    }
  s = xj_malloc (sizeof *s);
  e = xj_student_load (db, q.student_id, s);
  steps = json_array ();
  actions = json_array ();
  qs = xj_db_q (db, &st_ch_steps_of, XJ_DB_PARAMS (XJ_DB_I (id)),
                &steps_json_row, steps);
  if (qs >= 0)
    qs = xj_db_q (db, &st_ch_actions_of, XJ_DB_PARAMS (XJ_DB_I (id)),
                  &actions_json_row, actions);
  if (XJ_E_OK == e && qs < 0)
    e = xj_db_qs_err (qs);
  if (XJ_E_OK != e)
    {
      json_decref (steps);
      json_decref (actions);
      free (s);
      free (q.payload);
      return e;
    }
  json_array_foreach (steps, i, st)
    if (0 == strcmp (json_string_value (json_object_get (st, "status")),
                     "waiting"))
      waiting = json_incref (st);
  p = json_loads (q.payload, 0, NULL);
  xj_student_mask_json (json_object_get (p, "changes"));
  gl = xj_code_zh ("grade", s->grade);
  *out = json_pack (
    "{s:I, s:s, s:s, s:s, s:I, s:{s:I, s:s, s:s, s:s, s:s},"
    " s:{s:I, s:s}, s:o, s:o, s:s, s:s, s:s?, s:I, s:i, s:o, s:o, s:o, s:o}",
    "id", (json_int_t) q.id, "type", xj_change_type_name (q.type),
    "type_label", xj_change_type_zh (q.type), "status", q.status, "version",
    (json_int_t) q.version, "student", "id", (json_int_t) s->id, "name",
    s->name, "grade", s->grade, "grade_label", gl ? gl : "", "status",
    s->status, "from_school", "id", (json_int_t) q.from_school, "name",
    q.from_name, "to_school",
    q.to_school ? json_pack ("{s:I, s:s}", "id", (json_int_t) q.to_school,
                             "name", q.to_name)
                : json_null (),
    "to_class_id", jid (q.to_class), "initiator", q.initiator, "created_at",
    q.created_at, "closed_at", *q.closed_at ? q.closed_at : NULL, "round",
    (json_int_t) q.round, "steps_total", 0, "payload",
    p ? p : json_object (), "waiting", waiting, "steps", steps, "actions",
    actions);
  json_object_set_new (*out, "steps_total",
                       json_integer ((json_int_t) json_array_size (steps)));
  json_object_set_new (*out, "initiator_name",
                       json_string (q.initiator_name));
  /* the receiving class is named to those who may see its school */
  json_object_set_new (*out, "to_class_name",
                       q.to_class && xj_scope_school (u, q.to_school,
                                                      q.to_county)
                         ? json_string (q.to_class_name) : json_null ());
  free (s);
  free (q.payload);
  return XJ_E_OK;
}

static void
list_params_user (const struct xj_user *u, int *admin, int64_t *school,
                  const char **region)
{
  *admin = XJ_ROLE_ADMIN == u->role;
  *school = XJ_ROLE_REGISTRAR == u->role ? u->school_id : 0;
  *region = XJ_ROLE_BUREAU == u->role ? u->region_code : "";
}

static int
count_row (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 1;
}

static int
list_row (void *cls, const struct xj_db_row *r)
{
  enum xj_change_type t = XJ_CH__COUNT;
  const char *deadline = xj_db_text (r, 19);
  const char *gl = xj_code_zh ("grade", xj_db_text (r, 5));
  char today[12];
  bool overdue;
  json_t *waiting = json_null ();

  xj_ymd_format (xj_cal_today (), today);
  overdue = *deadline && strcmp (today, deadline) > 0;
  xj_change_type_parse (xj_db_text (r, 1), &t);
  if (xj_db_int (r, 14))
    waiting = json_pack ("{s:i, s:s, s:o, s:s, s:s, s:s, s:b, s:s}", "seq",
                         (int) xj_db_int (r, 14), "actor_kind",
                         xj_db_text (r, 15), "actor_school_id",
                         jid (xj_db_int (r, 16)), "actor_region",
                         xj_db_text (r, 17), "label", xj_db_text (r, 18),
                         "deadline", deadline, "overdue", overdue,
                         "label_key", xj_db_text (r, 20));
  json_array_append_new (
    cls,
    json_pack ("{s:I, s:s, s:s, s:s, s:{s:I, s:s, s:s, s:s},"
               " s:{s:I, s:s}, s:o, s:s, s:s, s:s?, s:I, s:o, s:b}",
               "id", (json_int_t) xj_db_int (r, 0), "type",
               xj_db_text (r, 1), "type_label", xj_change_type_zh (t),
               "status", xj_db_text (r, 2), "student", "id",
               (json_int_t) xj_db_int (r, 3), "name", xj_db_text (r, 4),
               "grade", xj_db_text (r, 5), "grade_label", gl ? gl : "",
               "from_school", "id", (json_int_t) xj_db_int (r, 6), "name",
               xj_db_text (r, 7), "to_school",
               xj_db_int (r, 8) ? json_pack ("{s:I, s:s}", "id",
                                             (json_int_t) xj_db_int (r, 8),
                                             "name", xj_db_text (r, 9))
                                : json_null (),
               "initiator", xj_db_text (r, 10), "created_at",
               xj_db_text (r, 11), "closed_at",
               *xj_db_text (r, 12) ? xj_db_text (r, 12) : NULL, "version",
               (json_int_t) xj_db_int (r, 13), "waiting", waiting, "overdue",
               overdue));
  json_object_set_new (json_array_get (cls, json_array_size (cls) - 1),
                       "initiator_name", json_string (xj_db_text (r, 21)));
  return 0;
}

static enum xj_err
list_count (struct xj_db *db, const struct xj_user *u, int box,
            const char *type, const char *status, bool overdue,
            int64_t *n)
{
  int admin;
  int64_t school;
  const char *region;
  char today[12];

  list_params_user (u, &admin, &school, &region);
  xj_ymd_format (xj_cal_today (), today);
  *n = 0;
  return qs_ok (xj_db_q (db, &st_ch_list_count,
                         XJ_DB_PARAMS (XJ_DB_I (box), XJ_DB_I (u->id),
                                       XJ_DB_I (admin), XJ_DB_I (school),
                                       XJ_DB_S (region), XJ_DB_S (type),
                                       XJ_DB_S (status), XJ_DB_I (overdue),
                                       XJ_DB_S (today)),
                         &count_row, n));
}

enum xj_err
xj_change_list (struct xj_db *db, const struct xj_user *u,
                const struct xj_change_filter *f, int64_t *total,
                json_t *items)
{
  int admin;
  int64_t school;
  const char *region;
  char today[12];
  enum xj_err e;

  e = list_count (db, u, f->box, f->type, f->status, f->overdue, total);
  if (XJ_E_OK != e)
    return e;
  list_params_user (u, &admin, &school, &region);
  xj_ymd_format (xj_cal_today (), today);
  return qs_ok (xj_db_q (db, &st_ch_list,
                         XJ_DB_PARAMS (XJ_DB_I (f->box), XJ_DB_I (u->id),
                                       XJ_DB_I (admin), XJ_DB_I (school),
                                       XJ_DB_S (region), XJ_DB_S (f->type),
                                       XJ_DB_S (f->status),
                                       XJ_DB_I (f->overdue), XJ_DB_S (today),
                                       XJ_DB_I (f->limit),
                                       XJ_DB_I (f->offset)),
                         &list_row, items));
}

enum xj_err
xj_change_counts (struct xj_db *db, const struct xj_user *u, int64_t *todo,
                  int64_t *overdue, int64_t *started)
{
  enum xj_err e = list_count (db, u, XJ_BOX_TODO, "", "", false, todo);

  if (XJ_E_OK == e)
    e = list_count (db, u, XJ_BOX_TODO, "", "", true, overdue);
  if (XJ_E_OK == e)
    e = list_count (db, u, XJ_BOX_STARTED, "", "pending", false, started);
  return e;
}

static int
backlog_row (void *cls, const struct xj_db_row *r)
{
  json_array_append_new (
    cls, json_pack ("{s:I, s:s, s:s, s:s, s:I, s:I, s:I}", "school_id",
                    (json_int_t) xj_db_int (r, 0), "school_code",
                    xj_db_text (r, 1), "school_name", xj_db_text (r, 2),
                    "county_code", xj_db_text (r, 3), "waiting",
                    (json_int_t) xj_db_int (r, 4), "overdue",
                    (json_int_t) xj_db_int (r, 5), "open",
                    (json_int_t) xj_db_int (r, 6)));
  return 0;
}

enum xj_err
xj_change_backlog (struct xj_db *db, const struct xj_user *u, json_t *items)
{
  char today[12];
  const char *region = XJ_ROLE_ADMIN == u->role ? "" : u->region_code;

  if (XJ_ROLE_ADMIN != u->role && XJ_ROLE_BUREAU != u->role)
    return XJ_E_FORBIDDEN;
  if (XJ_ROLE_BUREAU == u->role && '\0' == region[0])
    return XJ_E_OK;
  xj_ymd_format (xj_cal_today (), today);
  return qs_ok (xj_db_q (db, &st_ch_backlog,
                         XJ_DB_PARAMS (XJ_DB_S (region), XJ_DB_S (today)),
                         &backlog_row, items));
}

enum xj_err
xj_change_student_open (struct xj_db *db, int64_t student_id, bool *open)
{
  enum xj_qs qs = xj_db_q (db, &st_ch_student_open,
                           XJ_DB_PARAMS (XJ_DB_I (student_id)), NULL, NULL);

  if (qs < 0)
    return xj_db_qs_err (qs);
  *open = qs > 0;
  return XJ_E_OK;
}

/* ---- suspensions to follow up ---- */

/* Day number of YYYYMMDD @ymd (days_over: today minus the end date). */
static long
ymd_day (int ymd)
{
  return xj_days_from_civil (ymd / 10000, ymd / 100 % 100, ymd % 100);
}

struct overdue_ctx {
  json_t *items;
  long today;           /* ymd_day of today */
};

static int
overdue_row (void *cls, const struct xj_db_row *r)
{
  const struct overdue_ctx *c = cls;
  long end_day = ymd_day (xj_ymd_parse (xj_db_text (r, 8)));
  const char *gl = xj_code_zh ("grade", xj_db_text (r, 5));
  char masked[32];

  xj_mask (XJ_MASK_REGISTRY_NO, xj_db_text (r, 2), masked, sizeof masked);
  json_array_append_new (
    c->items, json_pack ("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s,"
                    " s:i, s:I}",
                    "student_id", (json_int_t) xj_db_int (r, 0), "name",
                    xj_db_text (r, 1), "registry_no", masked, "school_id",
                    (json_int_t) xj_db_int (r, 3), "school_name",
                    xj_db_text (r, 4), "grade", xj_db_text (r, 5),
                    "grade_label", gl ? gl : "", "class_name",
                    xj_db_text (r, 6), "start_date", xj_db_text (r, 7),
                    "end_date", xj_db_text (r, 8), "renewal",
                    (int) xj_db_int (r, 9), "days_over",
                    (json_int_t) (c->today - end_day)));
  return 0;
}

enum xj_err
xj_change_suspensions_overdue (struct xj_db *db, const struct xj_user *u,
                               int64_t limit, int64_t offset, int64_t *total,
                               json_t *items)
{
  struct xj_scope sc;
  struct overdue_ctx oc = { .items = items };
  char today[12];
  enum xj_qs qs;

  *total = 0;
  if (XJ_ROLE_TEACHER == u->role)
    return XJ_E_FORBIDDEN;
  xj_scope_of (u, &sc);
  if (sc.school_id < 0)
    return XJ_E_OK;
  xj_ymd_format (xj_cal_today (), today);
  oc.today = ymd_day (xj_cal_today ());
  qs = xj_db_q (db, &st_ch_susp_overdue_count,
                XJ_DB_PARAMS (XJ_DB_S (sc.prefix), XJ_DB_I (sc.school_id),
                              XJ_DB_S (today)),
                &count_row, total);
  if (qs >= 0)
    qs = xj_db_q (db, &st_ch_susp_overdue,
                  XJ_DB_PARAMS (XJ_DB_S (sc.prefix), XJ_DB_I (sc.school_id),
                                XJ_DB_S (today), XJ_DB_I (limit),
                                XJ_DB_I (offset)),
                  &overdue_row, &oc);
  return qs_ok (qs);
}
