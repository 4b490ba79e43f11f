/* h_verify.c -- the semester verification (学籍核准): class checklists,
 * ticks, progress, the county deadline; the ghost-record queue (sweep,
 * list, confirm, dismiss).  Rules and SQL are in src/verify
 * (docs/internals/verification.md); each handler parses, calls one
 * domain function and replies.
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "http/handlers.h"
#include "school/school.h"
#include "verify/ghost_job.h"
#include "verify/verify.h"

/* The county whose calendar gives the default round of @r's user: the
   bureau's own county, the school's county, else the defaults (""). */
static void
user_county (struct xj_req *r, char out[8])
{
  struct xj_school sch;

  out[0] = '\0';
  if (XJ_ROLE_BUREAU == r->user.role && 6 == strlen (r->user.region_code))
    xj_strlcpy (out, r->user.region_code, 8);
  else if (r->user.school_id > 0
           && XJ_E_OK == xj_school_get (r->db, r->user.school_id, &sch))
    xj_strlcpy (out, sch.county_code, 8);
}

/* ?school_year=&term= (default: the current round of @county). */
static enum xj_err
round_args (struct xj_req *r, const char *county, int *y, int *t)
{
  int64_t yy, tt;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_verify_round_of (r->db, county, xj_cal_today (), y,
                                          t)))
    return e;
  if (XJ_E_OK != xj_req_arg_int (r, "school_year", *y, 2000, 2100, &yy)
      || XJ_E_OK != xj_req_arg_int (r, "term", *t, 1, 2, &tt))
    return r->err;
  *y = (int) yy;
  *t = (int) tt;
  return XJ_E_OK;
}

/* ---- GET /verification/progress ---- */

enum xj_err
xj_h_verify_progress (struct xj_req *r)
{
  struct xj_scope us;
  struct xj_cs_scope sc = { "", 0 };
  const char *county = xj_req_arg (r, "county");
  int64_t school_id;
  char cty[8];
  int y, t;
  json_t *out = NULL;
  enum xj_err e;

  if (XJ_E_OK != xj_req_arg_int (r, "school_id", 0, 0, INT64_MAX,
                                 &school_id))
    return r->err;
  xj_scope_of (&r->user, &us);
  sc.prefix = us.prefix;
  sc.school_id = us.school_id ? us.school_id : school_id;
  if (us.school_id && school_id && school_id != us.school_id)
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (county && '\0' != county[0])
    {
      if (strncmp (county, us.prefix, strlen (us.prefix)) != 0)
        return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
      sc.prefix = county;
    }
  user_county (r, cty);
  if (6 == strlen (sc.prefix))
    xj_strlcpy (cty, sc.prefix, sizeof cty);
  if (XJ_E_OK != (e = round_args (r, cty, &y, &t)))
    return XJ_E_BAD_PARAM == e ? e : xj_reply_domain_err (r, e, NULL);
  if (XJ_E_OK != (e = xj_verify_progress (r->db, &sc, y, t, &out)))
    return xj_reply_domain_err (r, e, NULL);
  xj_reply_json (r, 200, out);
  return XJ_E_OK;
}

/* ---- GET /verification/classes/{id} ---- */

enum xj_err
xj_h_verify_class (struct xj_req *r)
{
  int64_t id;
  char cty[8];
  int y, t;
  json_t *out = NULL;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  user_county (r, cty);
  if (XJ_E_OK != (e = round_args (r, cty, &y, &t)))
    return XJ_E_BAD_PARAM == e ? e : xj_reply_domain_err (r, e, NULL);
  if (XJ_E_OK != (e = xj_verify_class (r->db, &r->user, id, y, t, &out)))
    return xj_reply_domain_err (r, e, NULL);
  xj_reply_json (r, 200, out);
  return XJ_E_OK;
}

/* ---- POST /verification/ticks ---- */

struct tick_ctx {
  struct xj_req *r;
  int y, t;
  struct xj_verify_tick *ticks;
  size_t n;
  struct xj_verrs errs;
};

static enum xj_err
tick_txn (struct xj_db *db, void *cls)
{
  struct tick_ctx *c = cls;

  c->errs.n = 0;
  return xj_verify_ticks_record (db, &c->r->user, &c->r->actor, c->y, c->t,
                                 c->ticks, c->n, &c->errs);
}

/* Parse ticks[] into @c; false with the reply prepared. */
static bool
ticks_parse (struct xj_req *r, json_t *arr, struct tick_ctx *c)
{
  size_t i;
  json_t *it;

  if (! json_is_array (arr) || 0 == json_array_size (arr)
      || json_array_size (arr) > XJ_VERIFY_MAX_TICKS)
    {
      xj_reply_err (r, XJ_E_BAD_TYPE, "ticks", "1-%d 项",
                    XJ_VERIFY_MAX_TICKS);
      return false;
    }
  c->n = json_array_size (arr);
  c->ticks = xj_calloc (c->n, sizeof *c->ticks);
  json_array_foreach (arr, i, it)
    {
      json_error_t jerr;
      json_int_t sid = 0, cid = 0;
      int present = 0, correct = 0;

      if (0 != json_unpack_ex (it, &jerr, JSON_STRICT,
                               "{s:I, s:b, s:b, s?s, s?I}", "student_id",
                               &sid, "present", &present, "correct",
                               &correct, "correction",
                               &c->ticks[i].correction, "change_id", &cid))
        {
          xj_reply_unpack_err (r, &jerr);
          return false;
        }
      c->ticks[i].student_id = sid;
      c->ticks[i].present = present;
      c->ticks[i].correct = correct;
      c->ticks[i].change_id = cid;
    }
  return true;
}

enum xj_err
xj_h_verify_ticks (struct xj_req *r)
{
  json_t *body = NULL, *arr = NULL;
  json_error_t jerr;
  struct tick_ctx c = { .r = r };
  enum xj_err e = XJ_E_OK;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:i, s:i, s:o}",
                           "school_year", &c.y, "term", &c.t, "ticks", &arr))
    e = xj_reply_unpack_err (r, &jerr);
  else if (! ticks_parse (r, arr, &c))
    e = r->err;
  else
    {
      e = xj_db_txn_run (r->db, "verify_ticks", true, &tick_txn, &c);
      if (XJ_E_VALIDATION == e)
        e = xj_reply_verrs (r, &c.errs);
      else if (XJ_E_OK == e)
        xj_reply_json (r, 200, json_pack ("{s:i, s:i, s:I}", "school_year",
                                          c.y, "term", c.t, "recorded",
                                          (json_int_t) c.n));
    }
  free (c.ticks);
  json_decref (body);
  return e;
}

/* ---- PUT /verification/deadline ---- */

struct dl_ctx {
  const struct xj_actor *a;
  const char *county, *date;
  int y, t;
};

static enum xj_err
dl_txn (struct xj_db *db, void *cls)
{
  struct dl_ctx *c = cls;

  return xj_verify_deadline_put (db, c->a, c->county, c->y, c->t, c->date);
}

enum xj_err
xj_h_verify_deadline (struct xj_req *r)
{
  json_t *body = NULL;
  json_error_t jerr;
  struct dl_ctx c = { .a = &r->actor };
  struct xj_scope us;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  xj_scope_of (&r->user, &us);
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s, s:i, s:i, s:s}",
                           "county", &c.county, "school_year", &c.y, "term",
                           &c.t, "date", &c.date))
    e = xj_reply_unpack_err (r, &jerr);
  else if (6 != strlen (c.county)
           || 0 != strncmp (c.county, us.prefix, strlen (us.prefix)))
    e = xj_reply_err (r, XJ_E_NOT_FOUND, "county", NULL);
  else if (! xj_verify_round_ok (c.y, c.t))
    e = xj_reply_err (r, XJ_E_RANGE, "term", NULL);
  else if (XJ_E_OK != (e = xj_db_txn_run (r->db, "verify_deadline", true,
                                          &dl_txn, &c)))
    e = xj_reply_domain_err (r, e, "date");
  else
    xj_reply_json (r, 200, json_pack ("{s:s, s:i, s:i, s:s}", "county",
                                      c.county, "school_year", c.y, "term",
                                      c.t, "date", c.date));
  json_decref (body);
  return e;
}

/* ---- the ghost queue ---- */

static json_t *
sweep_json (const struct xj_ghost_run *g)
{
  json_t *o = json_pack ("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}",
                         "id", (json_int_t) g->id, "prefix", g->prefix,
                         "state", g->state, "started_by", g->started_by,
                         "started_at", g->started_at, "students_total",
                         (json_int_t) g->students_total, "students_done",
                         (json_int_t) g->students_done, "raised",
                         (json_int_t) g->raised, "updated",
                         (json_int_t) g->updated, "kept",
                         (json_int_t) g->kept);

  json_object_set_new (o, "finished_at", g->finished_at[0]
                                           ? json_string (g->finished_at)
                                           : json_null ());
  json_object_set_new (o, "error", g->error[0] ? json_string (g->error)
                                               : json_null ());
  return o;
}

/* The latest sweep in @scope (the page shows it), or JSON null. */
static json_t *
last_sweep_json (struct xj_req *r, const char *scope)
{
  struct xj_ghost_run g;

  if (XJ_E_OK != xj_ghost_sweep_get (r->db, 0, scope, &g))
    return json_null ();
  return sweep_json (&g);
}

/* {"sweep": run @id} when it lies in @scope; else the error reply. */
static enum xj_err
reply_sweep (struct xj_req *r, int status, int64_t id, const char *scope)
{
  struct xj_ghost_run g;
  enum xj_err e = xj_ghost_sweep_get (r->db, id, scope, &g);

  if (XJ_E_OK != e)
    return xj_reply_domain_err (r, e, NULL);
  xj_reply_json (r, status, json_pack ("{s:o}", "sweep", sweep_json (&g)));
  return XJ_E_OK;
}

enum xj_err
xj_h_ghost_sweep (struct xj_req *r)
{
  struct xj_scope sc;
  int64_t id = 0;
  enum xj_err e;

  xj_scope_of (&r->user, &sc);
  /* the sweep runs on its own connection, in chunks (ghost_job.c) */
  e = xj_ghost_job_start (r->db, xj_db_path (r->db), sc.prefix, &r->actor,
                          0, &id);
  if (XJ_E_OK == e)
    return reply_sweep (r, 202, id, sc.prefix);
  /* a run over the same region answers; one over a wider region is
     another bureau's and is not shown */
  if (XJ_E_GHOST_SWEEP_RUNNING == e && id > 0)
    {
      struct xj_ghost_run g;

      if (XJ_E_OK == xj_ghost_sweep_get (r->db, id, sc.prefix, &g))
        return reply_sweep (r, 200, id, sc.prefix);
    }
  return xj_reply_domain_err (r, e, NULL);
}

enum xj_err
xj_h_ghost_sweep_get (struct xj_req *r)
{
  struct xj_scope sc;
  int64_t id;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  xj_scope_of (&r->user, &sc);
  return reply_sweep (r, 200, id, sc.prefix);
}

enum xj_err
xj_h_ghosts (struct xj_req *r)
{
  int64_t limit, offset, page, total = 0, school_id;
  const char *status = xj_req_arg (r, "status");
  struct xj_scope us;
  struct xj_cs_scope sc = { "", 0 };
  json_t *items, *counts = NULL, *out;
  enum xj_err e;

  if (XJ_E_OK != xj_req_paging (r, &limit, &offset, &page)
      || XJ_E_OK != xj_req_arg_int (r, "school_id", 0, 0, INT64_MAX,
                                    &school_id))
    return r->err;
  xj_scope_of (&r->user, &us);
  sc.prefix = us.prefix;
  items = json_array ();
  e = xj_ghost_list (r->db, &r->user, status ? status : "", school_id, limit,
                     offset, &total, items);
  if (XJ_E_OK == e)
    e = xj_ghost_queue_counts (r->db, &sc, &counts);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return xj_reply_domain_err (r, e, NULL);
    }
  out = xj_page_json (items, total, page, limit);
  json_object_set_new (out, "counts", counts);
  json_object_set_new (out, "sweep", last_sweep_json (r, us.prefix));
  xj_reply_json (r, 200, out);
  return XJ_E_OK;
}

struct review_ctx {
  struct xj_req *r;
  int64_t id, change_id;
  bool confirm;
  const char *type, *reason, *field;
};

static enum xj_err
review_txn (struct xj_db *db, void *cls)
{
  struct review_ctx *c = cls;

  return xj_ghost_review (db, &c->r->user, &c->r->actor, c->id, c->confirm,
                          c->type, c->reason, &c->change_id, &c->field);
}

static enum xj_err
review (struct xj_req *r, bool confirm)
{
  json_t *body = NULL;
  json_error_t jerr;
  struct review_ctx c = { .r = r, .confirm = confirm };
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &c.id))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT,
                           confirm ? "{s?s, s?s}" : "{s?s}", "reason",
                           &c.reason, "change_type", &c.type))
    e = xj_reply_unpack_err (r, &jerr);
  else if (XJ_E_OK != (e = xj_db_txn_run (r->db, "ghost_review", true,
                                          &review_txn, &c)))
    e = xj_reply_domain_err (r, e, c.field);
  else
    xj_reply_json (r, 200, json_pack ("{s:I, s:s, s:I}", "id",
                                      (json_int_t) c.id, "status",
                                      confirm ? "confirmed" : "dismissed",
                                      "change_id",
                                      (json_int_t) c.change_id));
  json_decref (body);
  return e;
}

enum xj_err
xj_h_ghost_confirm (struct xj_req *r)
{
  return review (r, true);
}

enum xj_err
xj_h_ghost_dismiss (struct xj_req *r)
{
  return review (r, false);
}
