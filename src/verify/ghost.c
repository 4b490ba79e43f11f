/* ghost.c -- ghost-record signals (空挂学籍 / 人籍分离): THE rule
 * (xj_ghost_decide, pure), the county sweep that gathers each student's
 * facts chunk by chunk and raises each chunk's candidates in one short
 * write transaction with the run's progress (ghost_job.c runs it in the
 * background), and the bureau's review (confirm starts a change request,
 * dismiss keeps the reason).  docs/internals/verification.md.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "attend/attend.h"
#include "change/change.h"
#include "student/student_json.h"
#include "student/student_store.h"
#include "verify/verify_int.h"

/* ---- the rule (pure) ---- */

unsigned
xj_ghost_decide (const struct xj_ghost_facts *f)
{
  unsigned s = 0;

  if (f->term_over && f->whole_term && f->class_absences && ! f->own_absence
      && ! f->ticked)
    s |= XJ_GHOST_NO_PRESENCE;
  if (f->deadline_passed && ! f->settled)
    s |= XJ_GHOST_UNVERIFIED;
  if (f->shared > 0)
    s |= XJ_GHOST_GUARDIAN_SHARED;
  if (f->far)
    s |= XJ_GHOST_FAR;
  return s;
}

bool
xj_ghost_far (const char *hukou_region, const char *address,
              const char *school_county, const char *county_name)
{
  char shortname[64];
  size_t n;

  if (NULL == hukou_region || strlen (hukou_region) < 6)
    return false;
  if (0 == strncmp (hukou_region, school_county, 6))
    return false;
  if (NULL == address || NULL == county_name || '\0' == county_name[0])
    return true;
  if (NULL != strstr (address, county_name))
    return false;
  /* "阳山县" -> "阳山": drop the last character (县, 区, 市) */
  xj_strlcpy (shortname, county_name, sizeof shortname);
  n = strlen (shortname);
  while (n > 0 && 0x80 == (0xC0 & (unsigned char) shortname[n - 1]))
    n--;
  if (n > 0)
    n--;
  shortname[n] = '\0';
  return xj_utf8_count (shortname) < 2 || NULL == strstr (address, shortname);
}

static const char *const signal_names[] = {
  "no_presence", "unverified", "guardian_shared", "far_from_home"
};

void
xj_ghost_signals_text (unsigned signals, char *out, size_t n)
{
  size_t len = 0;

  out[0] = '\0';
  for (unsigned i = 0; i < 4 && len < n; i++)
    if (signals & (1u << i))
      {
        xj_snprintf (out + len, n - len, "%s%s", len ? "," : "",
                     signal_names[i]);
        len = strlen (out);
      }
}

/* ---- the sweep: facts of one county ---- */

struct county_facts {
  const char *county;
  char county_name[64];
  int today, year, term;       /* the round */
  int a_from, a_to;            /* the term signal a looks at */
  char a_start[12];            /* its first day, YYYY-MM-DD */
  int a_year, a_term;
  bool deadline_passed;
  struct xj_vf_set absent, absent_classes, ticked, settled, shared;
};

struct cand {
  int64_t student_id, school_id;
  char signals[96];
  char *detail;                /* owned JSON text */
};

struct sweep {
  struct county_facts *cf;
  struct xj_student *s;        /* scratch record for the packed data */
  struct cand *v;
  size_t n, cap;
  int64_t students;
};

/* The term signal a looks at: the round's term when it has ended, else
   the one before it (always ended). */
static enum xj_err
a_term (struct xj_db *db, struct county_facts *f)
{
  struct xj_att_cal cal;
  enum xj_err e;

  memset (&cal, 0, sizeof cal);
  f->a_year = f->year;
  f->a_term = f->term;
  if (XJ_E_OK != (e = xj_att_cal_load (db, f->county, f->year, &cal)))
    return e;
  if (f->today <= cal.term[f->term - 1].end)
    {
      if (2 == f->term)
        f->a_term = 1;
      else
        {
          xj_att_cal_fini (&cal);
          memset (&cal, 0, sizeof cal);
          f->a_year = f->year - 1;
          f->a_term = 2;
          e = xj_att_cal_load (db, f->county, f->a_year, &cal);
          if (XJ_E_OK != e)
            return e;
        }
    }
  f->a_from = cal.term[f->a_term - 1].start;
  f->a_to = cal.term[f->a_term - 1].end;
  xj_ymd_format (f->a_from, f->a_start);
  xj_att_cal_fini (&cal);
  return XJ_E_OK;
}

static enum xj_err
county_load (struct xj_db *db, struct county_facts *f)
{
  int dl = 0;
  enum xj_err e;

  f->today = xj_cal_today ();
  if (XJ_E_OK != (e = xj_verify_round_of (db, f->county, f->today, &f->year,
                                          &f->term))
      || XJ_E_OK != (e = a_term (db, f))
      || XJ_E_OK != (e = xj_verify_deadline_get (db, f->county, f->year,
                                                 f->term, &dl))
      || XJ_E_OK != (e = xj_vf_store_region_name (db, f->county,
                                                  f->county_name,
                                                  sizeof f->county_name)))
    return e;
  f->deadline_passed = dl > 0 && f->today > dl;
  if (XJ_E_OK != (e = xj_vf_store_set (db, XJ_VF_ABSENT_STUDENTS, f->county,
                                       f->a_from, f->a_to, &f->absent))
      || XJ_E_OK != (e = xj_vf_store_set (db, XJ_VF_ABSENT_CLASSES, f->county,
                                          f->a_from, f->a_to,
                                          &f->absent_classes))
      || XJ_E_OK != (e = xj_vf_store_set (db, XJ_VF_TICKED, f->county,
                                          f->a_year, f->a_term, &f->ticked))
      || XJ_E_OK != (e = xj_vf_store_set (db, XJ_VF_SETTLED, f->county,
                                          f->year, f->term, &f->settled)))
    return e;
  return xj_vf_store_set (db, XJ_VF_SHARED, f->county, 0, 0, &f->shared);
}

static void
county_fini (struct county_facts *f)
{
  xj_vf_set_fini (&f->absent);
  xj_vf_set_fini (&f->absent_classes);
  xj_vf_set_fini (&f->ticked);
  xj_vf_set_fini (&f->settled);
  xj_vf_set_fini (&f->shared);
}

/* The facts of one student (its record's household and address are in
   the packed data). */
static void
facts_of (struct sweep *w, const struct xj_vf_enrolled *r,
          struct xj_ghost_facts *g)
{
  const struct county_facts *f = w->cf;

  memset (g, 0, sizeof *g);
  w->s->hukou_region[0] = '\0';
  w->s->address[0] = '\0';
  if (r->data_len > 0)
    (void) xj_student_data_load (w->s, r->data, r->data_len);
  g->term_over = true;
  g->whole_term = r->class_id > 0 && strcmp (r->created_at, f->a_start) < 0;
  g->own_absence = xj_vf_set_has (&f->absent, r->id);
  g->ticked = xj_vf_set_has (&f->ticked, r->id);
  g->class_absences = xj_vf_set_has (&f->absent_classes, r->class_id);
  g->deadline_passed = f->deadline_passed;
  g->settled = xj_vf_set_has (&f->settled, r->id);
  g->shared = xj_vf_set_has (&f->shared, r->id) ? 1 : 0;
  g->far = xj_ghost_far (w->s->hukou_region, w->s->address, f->county,
                         f->county_name);
}

static void
enrolled_cb (void *cls, const struct xj_vf_enrolled *r)
{
  struct sweep *w = cls;
  const struct county_facts *f = w->cf;
  struct xj_ghost_facts g;
  unsigned sig;
  struct cand *c;
  char term[16];

  w->students++;
  facts_of (w, r, &g);
  if (0 == (sig = xj_ghost_decide (&g)))
    return;
  c = XJ_VEC_PUSH (w->v, w->n, w->cap);
  c->student_id = r->id;
  c->school_id = r->school_id;
  xj_ghost_signals_text (sig, c->signals, sizeof c->signals);
  xj_snprintf (term, sizeof term, "%d-%d", f->a_year, f->a_term);
  {
    json_t *d = json_pack ("{s:i, s:i, s:s, s:s, s:s}", "school_year",
                           f->year, "term", f->term, "presence_term", term,
                           "hukou_region", w->s->hukou_region,
                           "school_county", f->county);
    c->detail = json_dumps (d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref (d);
  }
}

/* Drop the candidates gathered (after each chunk). */
static void
cands_clear (struct sweep *w)
{
  for (size_t i = 0; i < w->n; i++)
    free (w->v[i].detail);
  w->n = 0;
}

/* ---- the sweep: raising ---- */

struct write_ctx {
  struct sweep *w;
  int64_t run_id, done;        /* students of the chunk */
  int64_t raised, updated, kept;
};

static enum xj_err
raise_one (struct xj_db *db, struct write_ctx *c, const struct cand *k,
           const char *at)
{
  struct xj_vf_ghost last;
  bool found = false;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_vf_store_ghost_last (db, k->student_id, &last,
                                              &found)))
    return e;
  if (found && 0 == strcmp (last.signals, k->signals))
    {
      c->kept++;             /* open, or decided with these signals */
      return XJ_E_OK;
    }
  if (found && 0 == strcmp (last.status, "open"))
    {
      c->updated++;
      e = xj_vf_store_ghost_signals (db, last.id, k->signals, k->detail);
    }
  else
    {
      c->raised++;
      e = xj_vf_store_ghost_insert (db, k->student_id, k->school_id,
                                    k->signals, k->detail, at);
    }
  return e;
}

/* One chunk's candidates and its counts on the run, together: the run's
   figures always agree with the queue (a retry starts over). */
static enum xj_err
write_txn (struct xj_db *db, void *cls)
{
  struct write_ctx *c = cls;
  char at[32];
  enum xj_err e = XJ_E_OK;

  c->raised = c->updated = c->kept = 0;
  xj_now_iso (at);
  for (size_t i = 0; i < c->w->n && XJ_E_OK == e; i++)
    e = raise_one (db, c, &c->w->v[i], at);
  if (XJ_E_OK != e)
    return e;
  return xj_vf_store_sweep_progress (db, c->run_id, c->done, c->raised,
                                     c->updated, c->kept);
}

/* ---- the sweep: a run ---- */

struct run_ctx {
  const struct xj_actor *a;
  int64_t id;
  const char *prefix;
  size_t chunk;
  const atomic_bool *stop;
  struct sweep w;
  json_t *counties;            /* county codes under prefix */
  struct county_facts *f;      /* the county being swept */
  int64_t after, total;        /* the last student id read; the total */
  const char *state;           /* how the run ends */
};

/* A transaction of the run: a background job can wait, so a conflict the
   runner gave up on (another writer: a registration, another county's
   run; PostgreSQL's SERIALIZABLE reports them as failures) is tried
   again after a pause rather than failing a long run. */
static enum xj_err
patient_txn (struct xj_db *db, const char *name, bool write,
             xj_db_txn_cb cb, void *cls)
{
  enum xj_err e;

  for (int n = 0;; n++)
    {
      e = xj_db_txn_run (db, name, write, cb, cls);
      if (XJ_E_DB_BUSY != e || n >= 50)
        return e;
      usleep (20 * 1000);
    }
}

static enum xj_err
start_txn (struct xj_db *db, void *cls)
{
  struct run_ctx *r = cls;
  enum xj_err e;

  json_array_clear (r->counties);
  if (XJ_E_OK != (e = xj_vf_store_counties (db, r->prefix, r->counties)))
    return e;
  return xj_vf_store_enrolled_count (db, r->prefix, &r->total);
}

static enum xj_err
total_txn (struct xj_db *db, void *cls)
{
  struct run_ctx *r = cls;

  return xj_vf_store_sweep_total (db, r->id, r->total);
}

static enum xj_err
county_txn (struct xj_db *db, void *cls)
{
  struct run_ctx *r = cls;

  county_fini (r->f);
  return county_load (db, r->f);
}

static void
chunk_cb (void *cls, const struct xj_vf_enrolled *s)
{
  struct run_ctx *r = cls;

  r->after = s->id;
  enrolled_cb (&r->w, s);
}

static enum xj_err
chunk_txn (struct xj_db *db, void *cls)
{
  struct run_ctx *r = cls;

  cands_clear (&r->w);
  r->w.students = 0;
  return xj_vf_store_enrolled_chunk (db, r->f->county, r->after,
                                     (int64_t) r->chunk, &chunk_cb, r);
}

/* The county of @r->f, chunk by chunk, until done or stopped. */
static enum xj_err
sweep_county (struct xj_db *db, struct run_ctx *r)
{
  struct write_ctx wc = { &r->w, r->id, 0, 0, 0, 0 };
  int64_t from;
  enum xj_err e;

  if (XJ_E_OK != (e = patient_txn (db, "ghost_sweep_county", false,
                                     &county_txn, r)))
    return e;
  r->w.cf = r->f;
  r->after = 0;
  for (;;)
    {
      if (atomic_load (r->stop))
        {
          r->state = "interrupted";
          return XJ_E_OK;
        }
      from = r->after;
      if (XJ_E_OK != (e = patient_txn (db, "ghost_sweep_read", false,
                                         &chunk_txn, r)))
        return e;
      if (r->after == from)
        return XJ_E_OK;        /* no student after the last one */
      wc.done = r->w.students;
      if (XJ_E_OK != (e = patient_txn (db, "ghost_sweep_write", true,
                                         &write_txn, &wc)))
        return e;
    }
}

static enum xj_err
sweep_all (struct xj_db *db, struct run_ctx *r)
{
  size_t i;
  json_t *it;
  enum xj_err e;

  if (XJ_E_OK != (e = patient_txn (db, "ghost_sweep_start", false,
                                     &start_txn, r))
      || XJ_E_OK != (e = patient_txn (db, "ghost_sweep_total", true,
                                        &total_txn, r)))
    return e;
  json_array_foreach (r->counties, i, it)
    {
      struct county_facts f;

      memset (&f, 0, sizeof f);
      f.county = json_string_value (it);
      r->f = &f;
      e = sweep_county (db, r);
      county_fini (&f);
      r->f = NULL;
      r->w.cf = NULL;
      if (XJ_E_OK != e || 0 != strcmp (r->state, "done"))
        return e;
    }
  return XJ_E_OK;
}

struct end_ctx {
  const struct xj_actor *a;
  int64_t id;
  const char *state, *error;
};

/* The run's end, audited "ghost.sweep" with its counts. */
static enum xj_err
end_txn (struct xj_db *db, void *cls)
{
  struct end_ctx *c = cls;
  struct xj_ghost_run g;
  char at[32], idbuf[24], after[256];
  bool found;
  enum xj_err e;

  xj_now_iso (at);
  if (XJ_E_OK != (e = xj_vf_store_sweep_end (db, c->id, c->state, at,
                                             c->error))
      || XJ_E_OK != (e = xj_vf_store_sweep_get (db, c->id, "", &g, &found)))
    return e;
  xj_snprintf (after, sizeof after,
               "{\"state\":\"%s\",\"students\":%lld,\"raised\":%lld,"
               "\"updated\":%lld,\"kept\":%lld}",
               g.state, (long long) g.students_done, (long long) g.raised,
               (long long) g.updated, (long long) g.kept);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) c->id);
  return xj_audit_append (db, c->a, "ghost.sweep", "ghost_sweep", idbuf,
                          NULL, after);
}

enum xj_err
xj_ghost_sweep_run (struct xj_db *db, const struct xj_actor *a, int64_t id,
                    const char *prefix, size_t chunk,
                    const atomic_bool *stop)
{
  struct run_ctx r = { .a = a, .id = id, .prefix = prefix,
                       .chunk = chunk > 0 ? chunk : XJ_GHOST_CHUNK,
                       .stop = stop, .state = "done" };
  struct end_ctx ec = { a, id, NULL, NULL };
  enum xj_err e, e2;

  r.w.s = xj_calloc (1, sizeof *r.w.s);
  r.counties = json_array ();
  e = sweep_all (db, &r);
  ec.state = XJ_E_OK == e ? r.state : "failed";
  ec.error = XJ_E_OK == e ? NULL : xj_err_code (e);
  e2 = patient_txn (db, "ghost_sweep_end", true, &end_txn, &ec);
  cands_clear (&r.w);
  free (r.w.v);
  free (r.w.s);
  json_decref (r.counties);
  return XJ_E_OK != e ? e : e2;
}

enum xj_err
xj_ghost_sweep_begin (struct xj_db *db, const struct xj_actor *a,
                      const char *prefix, int64_t *id)
{
  char at[32];

  xj_now_iso (at);
  return xj_vf_store_sweep_insert (db, prefix, a->username, at, id);
}

/* Does region prefix @p lie in scope @scope ("" all)? */
static bool
in_scope (const char *p, const char *scope)
{
  return 0 == strncmp (p, scope, strlen (scope));
}

enum xj_err
xj_ghost_sweep_get (struct xj_db *db, int64_t id, const char *scope,
                    struct xj_ghost_run *out)
{
  bool found = false;
  enum xj_err e = xj_vf_store_sweep_get (db, id, scope, out, &found);

  if (XJ_E_OK != e)
    return e;
  return found && in_scope (out->prefix, scope) ? XJ_E_OK : XJ_E_NOT_FOUND;
}

enum xj_err
xj_ghost_sweep_running (struct xj_db *db, int64_t *n)
{
  return xj_vf_store_sweep_running (db, n);
}

enum xj_err
xj_ghost_sweep_recover (struct xj_db *db)
{
  char at[32];

  xj_now_iso (at);
  return xj_vf_store_sweep_interrupted (db, at);
}

/* ---- review ---- */

enum xj_err
xj_ghost_list (struct xj_db *db, const struct xj_user *u, const char *status,
               int64_t school_id, int64_t limit, int64_t offset,
               int64_t *total, json_t *items)
{
  struct xj_scope sc;

  xj_scope_of (u, &sc);
  return xj_vf_store_ghost_list (db, &sc, status ? status : "", school_id,
                                 limit, offset, total, items);
}

static enum xj_err
start_change (struct xj_db *db, const struct xj_user *u,
              const struct xj_actor *a, const struct xj_vf_ghost *g,
              const char *change_type, const char *reason,
              int64_t *change_id, const char **field)
{
  struct xj_change_new n = { .student_id = g->student_id, .reason = reason };
  const char *t = change_type && '\0' != change_type[0] ? change_type
                                                         : "cancel";

  if (! xj_change_type_parse (t, &n.type)
      || (XJ_CH_CANCEL != n.type && XJ_CH_LEAVE != n.type))
    {
      *field = "change_type";
      return XJ_E_CODE;
    }
  return xj_change_create (db, u, a, &n, change_id, field);
}

enum xj_err
xj_ghost_review (struct xj_db *db, const struct xj_user *u,
                 const struct xj_actor *a, int64_t id, bool confirm,
                 const char *change_type, const char *reason,
                 int64_t *change_id, const char **field)
{
  struct xj_vf_ghost g;
  char at[32], idbuf[24], *after;
  const char *status = confirm ? "confirmed" : "dismissed";
  json_t *j;
  enum xj_err e;

  *change_id = 0;
  *field = NULL;
  if (XJ_E_OK != (e = xj_vf_store_ghost_get (db, id, &g)))
    return e;
  if (! xj_scope_student (u, g.school_id, g.county, g.class_id))
    return XJ_E_NOT_FOUND;
  if (NULL == reason || '\0' == reason[0]
      || strlen (reason) > XJ_VERIFY_REASON_MAX)
    {
      *field = "reason";
      return reason && reason[0] ? XJ_E_TOO_LONG : XJ_E_REQUIRED;
    }
  if (0 != strcmp (g.status, "open"))
    return XJ_E_GHOST_STATE;
  if (confirm && XJ_E_OK != (e = start_change (db, u, a, &g, change_type,
                                               reason, change_id, field)))
    return e;
  xj_now_iso (at);
  if (XJ_E_OK != (e = xj_vf_store_ghost_decide (db, id, status, at,
                                                a->username, reason,
                                                *change_id)))
    return e;
  j = json_pack ("{s:I, s:s, s:s, s:s, s:I}", "candidate_id",
                 (json_int_t) id, "signals", g.signals, "state", status,
                 "reason", reason, "change_id", (json_int_t) *change_id);
  after = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (j);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) id);
  e = xj_student_add_event (db, g.student_id, a, "ghost.review", at, NULL,
                            after);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, a, confirm ? "ghost.confirm" : "ghost.dismiss",
                         "ghost_candidate", idbuf, NULL, after);
  free (after);
  return e;
}

enum xj_err
xj_ghost_queue_counts (struct xj_db *db, const struct xj_cs_scope *sc,
                       json_t **out)
{
  enum xj_err e;

  *out = json_pack ("{s:i, s:i, s:i}", "open", 0, "confirmed", 0,
                    "dismissed", 0);
  if (XJ_E_OK != (e = xj_vf_store_ghost_counts (db, sc, *out)))
    {
      json_decref (*out);
      *out = NULL;
    }
  return e;
}
