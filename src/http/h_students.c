/* h_students.c -- /api/v1/students: list, get, reveal, register, patch,
 * events, assign-id.  Template per handler: parse, validate, authorise
 * (scope), transaction, reply.  Objects outside the caller's scope answer
 * 404 exactly like missing ones.
 */
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "change/progress.h"
#include "http/handlers.h"
#include "idcard/idcard.h"
#include "klass/klass.h"
#include "school/school.h"
#include "user/reveal.h"
#include "student/display.h"
#include "student/student_patch.h"
#include "student/student_register.h"
#include "validate/codes.h"
#include "validate/validate.h"

/* ---- list ---- */

static const char *const sort_names[XJ_SORT__COUNT] = {
  [XJ_SORT_REGISTRY_NO] = "registry_no",
  [XJ_SORT_NAME] = "name",
  [XJ_SORT_BIRTH] = "birth_date",
  [XJ_SORT_GRADE] = "grade",
  [XJ_SORT_CREATED] = "created",
};

static void
list_item (void *cls, const struct xj_student_item *it)
{
  json_t *items = cls;
  char masked[48], reg[48];
  const char *gl = xj_code_zh ("grade", it->grade);

  /* a list never shows a personal number in full (reveal is per record) */
  xj_mask (XJ_MASK_ID, it->id_no, masked, sizeof masked);
  xj_mask (XJ_MASK_REGISTRY_NO, it->registry_no, reg, sizeof reg);
  json_array_append_new (
    items,
    json_pack ("{s:I, s:s, s:s, s:i, s:s, s:s, s:I, s:s, s:s, s:s, s:o,"
               " s:s, s:s, s:i}",
               "id", (json_int_t) it->id, "registry_no", reg,
               "name", it->name, "gender", it->gender, "birth_date",
               it->birth_date, "id_no", masked, "school_id",
               (json_int_t) it->school_id, "school_name", it->school_name,
               "grade", it->grade, "grade_label", gl ? gl : "", "class_id",
               it->class_id ? json_integer (it->class_id) : json_null (),
               "class_name", it->class_name, "status", it->status,
               "dup_flag", it->dup_flag));
  if (it->outcome)   /* the 毕业生 list: 毕业 or 结业 */
    {
      const char *ol = xj_code_zh ("status", it->outcome);
      json_t *o = json_array_get (items, json_array_size (items) - 1);

      json_object_set_new (o, "outcome", json_string (it->outcome));
      json_object_set_new (o, "outcome_label",
                           json_string (ol ? ol : it->outcome));
    }
}

/* ?sort= and ?order=.  registry_no orders by the part a list shows
   (student_store.c); there is no sort by ID number. */
static enum xj_err
parse_sort (struct xj_req *r, enum xj_student_sort *sort, bool *desc)
{
  const char *v = xj_req_arg (r, "sort");

  *sort = XJ_SORT_REGISTRY_NO;
  *desc = false;
  if (v && *v)
    {
      int i;

      for (i = 0; i < XJ_SORT__COUNT; i++)
        if (0 == strcmp (sort_names[i], v))
          break;
      if (XJ_SORT__COUNT == i)
        return xj_reply_err (r, XJ_E_BAD_PARAM, "sort", "不支持按%s排序", v);
      *sort = (enum xj_student_sort) i;
    }
  v = xj_req_arg (r, "order");
  if (v && *v)
    {
      if (0 != strcmp (v, "asc") && 0 != strcmp (v, "desc"))
        return xj_reply_err (r, XJ_E_BAD_PARAM, "order", "应为asc或desc");
      *desc = 0 == strcmp (v, "desc");
    }
  return XJ_E_OK;
}

enum xj_err
xj_h_students (struct xj_req *r)
{
  struct xj_student_filter f;
  struct xj_student_query sq;
  struct xj_scope sc;
  enum xj_student_sort sort;
  bool desc;
  int64_t page, limit, offset, total = 0, grad_year;
  json_t *items;
  enum xj_err e;

  /* everything else first: a bad request spends no search */
  if (XJ_E_OK != xj_req_paging (r, &limit, &offset, &page)
      || XJ_E_OK != parse_sort (r, &sort, &desc)
      || XJ_E_OK != xj_req_student_filter (r, &f, &sq)
      || XJ_E_OK != xj_req_arg_int (r, "graduated", 0, 0, 9999, &grad_year))
    return r->err;
  f.limit = limit;
  f.offset = offset;
  f.sort = sort;
  f.desc = desc;
  xj_scope_of (&r->user, &sc);
  items = json_array ();
  if (grad_year)    /* 毕业生: by the school they graduated from */
    e = sc.teacher_id ? XJ_E_OK
                      : xj_student_list_graduates (r->db, sc.prefix,
                                                   sc.school_id, f.school_id,
                                                   (int) grad_year, f.limit,
                                                   f.offset, &total,
                                                   &list_item, items);
  else
    e = xj_student_list (r->db, sc.prefix, sc.school_id, sc.teacher_id, &f,
                         &total, &list_item, items);
  /* no answer to a number search that is not on the record */
  if (XJ_E_OK == e)
    e = xj_req_search_audit (r, "list", &sq, total);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return e;
    }
  xj_reply_json (r, 200, xj_page_json (items, total, page, f.limit));
  return XJ_E_OK;
}

/* ---- one record ---- */

/* Load student @id if the caller may see it; else reply 404. */
static enum xj_err
load_visible (struct xj_req *r, int64_t id, struct xj_student *s,
              struct xj_student_ctx *ctx)
{
  enum xj_err e = xj_student_load_ctx (r->db, id, s, ctx);

  if (XJ_E_NOT_FOUND == e
      || (XJ_E_OK == e
          && ! xj_scope_student (&r->user, s->school_id, ctx->county_code,
                                 s->class_id)))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  return e;
}

static void
alias_cb (void *cls, const char *no)
{
  json_array_append_new (cls, json_string (no));
}

static void
alias_masked_cb (void *cls, const char *no)
{
  char m[48];

  xj_mask (XJ_MASK_REGISTRY_NO, no, m, sizeof m);
  json_array_append_new (cls, json_string (m));
}

/* The former registry numbers, masked unless @show holds the right. */
static json_t *
aliases_json (struct xj_req *r, int64_t id, unsigned show)
{
  json_t *aliases = json_array ();

  xj_student_aliases (r->db, id,
                      (show & xj_mask_right (XJ_MASK_REGISTRY_NO))
                        ? &alias_cb : &alias_masked_cb,
                      aliases);
  return aliases;
}

/* The record as JSON, personal numbers shown in full only as @show (enum
   xj_pii bits) allows. */
static json_t *
record_json (struct xj_req *r, const struct xj_student *s,
             const struct xj_student_ctx *ctx, unsigned show)
{
  json_t *j = xj_student_to_json (s, show);
  json_t *aliases = aliases_json (r, s->id, show);
  const char *gl = xj_code_zh ("grade", s->grade);

  json_object_set_new (j, "school_name", json_string (ctx->school_name));
  json_object_set_new (j, "school_code", json_string (ctx->school_code));
  json_object_set_new (j, "class_name", json_string (ctx->class_name));
  json_object_set_new (j, "grade_label", json_string (gl ? gl : ""));
  json_object_set_new (j, "created_at", json_string (ctx->created_at));
  json_object_set_new (j, "updated_at", json_string (ctx->updated_at));
  json_object_set_new (j, "aliases", aliases);
  return j;
}

static void
warn_cb (void *cls, const struct xj_warning *w)
{
  json_t *c = json_null ();

  if (w->confirm_id)
    c = json_pack ("{s:s, s:s, s:s}", "by", w->confirmed_by, "at",
                   w->confirmed_at, "reason", w->reason);
  json_array_append_new (cls, json_pack ("{s:I, s:s, s:s, s:s, s:o}", "id",
                                         (json_int_t) w->id, "field",
                                         w->field, "code", w->code, "message",
                                         w->detail, "confirmed", c));
}

/* The warnings stored on the record (age for grade, fields that may
   disagree): what the registrar confirmed and the bureau reviews. */
static json_t *
warnings_json (struct xj_req *r, int64_t id)
{
  json_t *a = json_array ();

  xj_identity_warnings (r->db, id, &warn_cb, a);
  return a;
}

/* What GET shows beside the record, filled by xj_student_load_view. */
struct shown {
  struct xj_req *r;
  json_t *aliases;    /* masked: GET shows no number in full */
  json_t *warnings;
};

static bool
shown_visible (void *cls, const struct xj_student *s,
               const struct xj_student_ctx *ctx)
{
  return xj_scope_student (&((struct shown *) cls)->r->user, s->school_id,
                           ctx->county_code, s->class_id);
}

static void
shown_alias_cb (void *cls, const char *no)
{
  alias_masked_cb (((struct shown *) cls)->aliases, no);
}

static void
shown_warn_cb (void *cls, const struct xj_warning *w)
{
  warn_cb (((struct shown *) cls)->warnings, w);
}

/* record_json's reply for GET (nothing revealed), written as text: the
   same bytes as json_dumps of {"student": record_json (...)} without
   building ~100 jansson values per request (bench/README.md).  Takes
   over @sh's arrays. */
static char *
record_reply_text (const struct xj_student *s,
                   const struct xj_student_ctx *ctx, struct shown *sh)
{
  json_t *extra = json_object ();
  const char *gl = xj_code_zh ("grade", s->grade);
  struct xj_buf b;
  char *rec;

  json_object_set_new (extra, "school_name", json_string (ctx->school_name));
  json_object_set_new (extra, "school_code", json_string (ctx->school_code));
  json_object_set_new (extra, "class_name", json_string (ctx->class_name));
  json_object_set_new (extra, "grade_label", json_string (gl ? gl : ""));
  json_object_set_new (extra, "created_at", json_string (ctx->created_at));
  json_object_set_new (extra, "updated_at", json_string (ctx->updated_at));
  json_object_set_new (extra, "aliases", sh->aliases);
  json_object_set_new (extra, "warnings", sh->warnings);
  rec = xj_student_to_json_text (s, 0, extra);
  json_decref (extra);
  xj_buf_init (&b, 0);
  xj_buf_append (&b, "{\"student\":", 11);
  xj_buf_append (&b, rec, strlen (rec));
  xj_buf_append (&b, "}", 1);
  free (rec);
  return xj_buf_steal (&b);
}

/* One record with its former numbers and warnings, when the caller's
   scope holds it; otherwise 404 as for no record.  The record is read in
   the session check's statement (XJ_RF_SESSION_READ,
   xj_student_view_join): one statement for most records. */
enum xj_err
xj_h_student_get (struct xj_req *r)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_student_ctx ctx;
  struct shown sh = { r, json_array (), json_array () };
  struct xj_student_view v = { .s = s, .ctx = &ctx,
                               .visible = &shown_visible,
                               .alias_cb = &shown_alias_cb,
                               .warn_cb = &shown_warn_cb, .cls = &sh };
  struct xj_session_read rd;
  int64_t id;
  bool have_id = xj_req_path_id_peek (r, 0, &id);
  enum xj_err e;

  if (have_id)
    xj_student_view_join (&v, id, &rd);
  if (! xj_req_authenticate (r, have_id ? &rd : NULL))
    e = r->err;
  else if (! have_id)
    e = xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  else
    {
      e = xj_student_load_view (r->db, id, &v);
      if (XJ_E_NOT_FOUND == e)
        e = xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
      else if (XJ_E_OK == e)
        xj_reply_json_text (r, 200, record_reply_text (s, &ctx, &sh));
    }
  free (s);
  if (XJ_E_OK != e)
    {
      json_decref (sh.aliases);
      json_decref (sh.warnings);
    }
  return e;
}

struct reveal_ctx {
  const struct xj_actor *actor;
  const char *entity_id;
  const char *fields;
};

static enum xj_err
reveal_txn (struct xj_db *db, void *cls)
{
  struct reveal_ctx *c = cls;

  return xj_audit_append (db, c->actor, "student.reveal", "student",
                          c->entity_id, NULL, c->fields);
}

/* The reveal right a record member needs: its field's mask kind, or the
   registry number's; 0 for members that are never masked. */
static unsigned
member_right (const char *key)
{
  const struct xj_field *f;

  if (0 == strcmp (key, "registry_no"))
    return xj_mask_right (XJ_MASK_REGISTRY_NO);
  f = xj_student_field (key);
  return f && f->pii ? xj_mask_right (f->pii) : 0;
}

/* Every member the caller's @rights show, into @fields and *want. */
static enum xj_err
reveal_all (struct xj_req *r, unsigned rights, json_t *fields,
            unsigned *want)
{
  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    if (f->pii && (rights & xj_mask_right (f->pii)))
      json_array_append_new (fields, json_string (f->key));
  if (rights & xj_mask_right (XJ_MASK_REGISTRY_NO))
    json_array_append_new (fields, json_string ("registry_no"));
  *want = rights;
  if (0 == rights)
    return xj_reply_err (r, XJ_E_REVEAL_FORBIDDEN, "fields", NULL);
  return XJ_E_OK;
}

/* Parse {"fields": [...]} into @fields (keys) and *want (their rights);
   no body, no "fields" or an empty list mean every member the caller may
   see. */
static enum xj_err
reveal_body (struct xj_req *r, unsigned rights, json_t *fields,
             unsigned *want)
{
  json_t *body = NULL, *list = NULL, *v;
  size_t i;

  *want = 0;
  if (r->body.len)
    {
      if (XJ_E_OK != xj_req_body_json (r, &body))
        return r->err;
      list = json_object_get (body, "fields");
      if (json_object_size (body) != (list ? 1u : 0u)
          || (list && ! json_is_array (list)))
        {
          json_decref (body);
          return xj_reply_err (r, XJ_E_UNKNOWN_FIELD, NULL,
                               "只接受fields数组");
        }
    }
  if (0 == json_array_size (list))
    {
      json_decref (body);
      return reveal_all (r, rights, fields, want);
    }
  json_array_foreach (list, i, v)
    {
      unsigned need = json_is_string (v) ? member_right (json_string_value (v))
                                         : 0;

      if (0 == need)
        {
          json_decref (body);
          return xj_reply_err (r, XJ_E_BAD_PARAM, "fields",
                               "只能显示身份证件号、电话和学籍号字段");
        }
      if (0 == (need & rights))
        {
          json_decref (body);
          return xj_reply_err (r, XJ_E_REVEAL_FORBIDDEN, "fields", "%s",
                               xj_pii_name ((enum xj_pii) need));
        }
      json_array_append (fields, v);
      *want |= need;
    }
  json_decref (body);
  return XJ_E_OK;
}

/* The record with the members in @fields shown in full (audited by the
   caller before). */
static json_t *
revealed_json (struct xj_req *r, const struct xj_student *s,
               const struct xj_student_ctx *ctx, json_t *fields,
               unsigned want)
{
  json_t *masked = record_json (r, s, ctx, 0);
  json_t *clear = record_json (r, s, ctx, want);
  size_t i;
  json_t *v;

  json_array_foreach (fields, i, v)
    {
      json_object_set (masked, json_string_value (v),
                       json_object_get (clear, json_string_value (v)));
      /* the former numbers come with the registry number */
      if (0 == strcmp (json_string_value (v), "registry_no"))
        json_object_set (masked, "aliases", json_object_get (clear, "aliases"));
    }
  json_object_set_new (masked, "masked", json_boolean (XJ_PII_ALL != want));
  json_object_set_new (masked, "revealed", xj_pii_json (want));
  json_decref (clear);
  return masked;
}

enum xj_err
xj_h_student_reveal (struct xj_req *r)
{
  struct xj_student *s;
  struct xj_student_ctx ctx;
  struct xj_privacy p;
  int64_t id;
  json_t *fields, *j;
  char idbuf[24];
  char *ftext;
  struct reveal_ctx rc;
  unsigned want;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  s = xj_malloc (sizeof *s);
  fields = json_array ();
  /* out of scope answers 404 before the rights are looked at */
  e = load_visible (r, id, s, &ctx);
  if (XJ_E_OK == e && XJ_E_OK != (e = xj_privacy_get (r->db, &p)))
    xj_reply_err (r, e, NULL, NULL);
  if (XJ_E_OK == e)
    e = reveal_body (r, xj_reveal_rights (&p, &r->user), fields, &want);
  if (XJ_E_OK == e)
    {
      xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) id);
      j = json_pack ("{s:O}", "fields", fields);
      ftext = json_dumps (j, JSON_COMPACT);
      json_decref (j);
      rc = (struct reveal_ctx) { &r->actor, idbuf, ftext };
      e = xj_db_txn_run (r->db, "student_reveal", true, &reveal_txn, &rc);
      free (ftext);
    }
  if (XJ_E_OK == e)
    xj_reply_json (r, 200, json_pack ("{s:o}", "student",
                                      revealed_json (r, s, &ctx, fields,
                                                     want)));
  json_decref (fields);
  free (s);
  return e;
}

/* ---- register ---- */

static const char *
match_name (enum xj_identity_match m)
{
  return XJ_MATCH_ID == m ? "id" : XJ_MATCH_FORMER == m ? "former_number"
                                                        : "person";
}

/* Reply 409 id_exists / duplicate_person with every hit: the record's id
   and status (what transfer, 升学 or re-entry need), the holding school
   only when it is in the caller's scope, and the re-entry offer of an
   ended record (error.reentry) as reply_id_exists gives it. */
static enum xj_err
reply_hits (struct xj_req *r, enum xj_err e,
            const struct xj_register_result *res, int64_t school_id)
{
  struct xj_school hs;
  struct xj_progress_offer o;
  json_t *hits = json_array ();
  const char *where = "学籍在其他学校";
  char buf[300];

  /* an ended record is offered for re-entry at the caller's school */
  if (school_id && XJ_E_OK == xj_progress_offer_load (r->db,
                                                      res->holder_student_id,
                                                      school_id, &o))
    {
      json_decref (r->err_extra);
      r->err_extra = json_pack ("{s:o}", "reentry",
                                xj_progress_offer_json (&o));
    }

  for (size_t i = 0; i < res->hits.n; i++)
    {
      const struct xj_identity_hit *h = &res->hits.h[i];
      bool vis = XJ_E_OK == xj_school_get (r->db, h->school_id, &hs)
                 && xj_scope_school (&r->user, hs.id, hs.county_code);

      json_array_append_new (
        hits, json_pack ("{s:I, s:s, s:s, s:o}", "student_id",
                         (json_int_t) h->student_id, "status", h->status,
                         "match", match_name (h->match), "school_name",
                         vis ? json_string (hs.name) : json_null ()));
      if (h->student_id == res->holder_student_id && vis)
        {
          xj_snprintf (buf, sizeof buf, "学籍在%s（%s）", hs.name, hs.code);
          where = buf;
        }
    }
  json_decref (r->err_details);
  r->err_details = hits;
  return xj_reply_err (r, e, XJ_E_ID_EXISTS == e ? "id_no" : "name", "%s",
                       where);
}

/* Reply 409 id_exists, naming the holding school only when visible, with
   what the asking school @school_id may do instead (re-entry of an ended
   record, 升学 of a graduate, transfer): the "reentry" offer. */
static enum xj_err
reply_id_exists (struct xj_req *r, int64_t holder, int64_t holder_school,
                 int64_t school_id)
{
  struct xj_school hs;
  struct xj_progress_offer o;

  if (school_id && XJ_E_OK == xj_progress_offer_load (r->db, holder,
                                                      school_id, &o))
    {
      json_decref (r->err_extra);
      r->err_extra = json_pack ("{s:o}", "reentry",
                                xj_progress_offer_json (&o));
    }
  if (XJ_E_OK == xj_school_get (r->db, holder_school, &hs)
      && xj_scope_school (&r->user, hs.id, hs.county_code))
    return xj_reply_err (r, XJ_E_ID_EXISTS, "id_no", "学籍在%s（%s）",
                         hs.name, hs.code);
  return xj_reply_err (r, XJ_E_ID_EXISTS, "id_no", "学籍在其他学校");
}

static json_t *
verrs_json (const struct xj_verrs *v)
{
  json_t *a = json_array ();

  for (size_t i = 0; i < v->n; i++)
    json_array_append_new (a, json_pack ("{s:s, s:s, s:s}", "field",
                                         v->e[i].field, "code",
                                         xj_err_code (v->e[i].code),
                                         "message", v->e[i].detail));
  return a;
}

enum xj_err
xj_h_student_register (struct xj_req *r)
{
  struct xj_student *s = NULL;
  struct xj_verrs *pre = NULL, *v = NULL, *w = NULL;
  struct xj_school school;
  struct xj_register_result res;
  json_t *body = NULL, *dups;
  const char *bad;
  enum xj_err e;

  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  s = xj_malloc (sizeof *s);
  pre = xj_calloc (1, sizeof *pre);
  v = xj_calloc (1, sizeof *v);
  w = xj_calloc (1, sizeof *w);
  xj_student_init (s);
  e = xj_student_from_json (body, s, XJ_FJ_ALLOW_IDS, pre, &bad);
  if (XJ_E_OK != e)
    {
      e = xj_reply_err (r, e, bad, "%s", bad ? bad : "");
      goto out;
    }
  e = xj_student_register_check (r->db, &r->user, s, pre, &school, v, w);
  if (XJ_E_OUT_OF_SCOPE == e)
    {
      e = xj_reply_err (r, e, "school_id", "只能为本校注册学籍");
      goto out;
    }
  if (v->n)
    {
      e = xj_reply_verrs (r, v);
      goto out;
    }
  /* 409 id_exists / duplicate_person tells that the person is held
     somewhere: an existence oracle, bounded like a number search */
  if (XJ_E_OK != (e = xj_search_budget_left_or_reply (r, "id_no")))
    goto out;
  memset (&res, 0, sizeof res);
  e = xj_student_register_run (r->db, s, school.county_code, w, &r->actor,
                               &res);
  if (XJ_E_ID_EXISTS == e || XJ_E_DUPLICATE_PERSON == e)
    {
      enum xj_err held = e;

      if (XJ_E_OK == (e = xj_req_number_held (r, "register", s->id_no)))
        e = reply_hits (r, held, &res, s->school_id);
      goto out;
    }
  if (XJ_E_L_SEQ_FULL == e)
    {
      e = xj_reply_err (r, e, "birth_date", "%s县（区）出生日期%s",
                        school.county_code, s->birth_date);
      goto out;
    }
  if (XJ_E_OK != e)
    goto out;
  dups = json_array ();
  for (unsigned i = 0; i < res.ndups; i++)
    {
      bool vis = xj_scope_school (&r->user, res.dups[i].school_id,
                                  res.dups[i].county_code);

      json_array_append_new (
        dups, json_pack ("{s:o, s:s, s:s}", "id",
                         vis ? json_integer (res.dups[i].id) : json_null (),
                         "name", res.dups[i].name, "school_name",
                         vis ? res.dups[i].school_name : "其他学校"));
    }
  xj_reply_json (r, 201, json_pack ("{s:I, s:s, s:i, s:o, s:o, s:o}", "id",
                                    (json_int_t) s->id, "registry_no",
                                    s->registry_no, "dup_flag", s->dup_flag,
                                    "duplicates", dups, "warnings",
                                    verrs_json (w), "class_size_warning",
                                    xj_cs_warn_json (&res.class_size)));
out:
  json_decref (body);
  free (s);
  free (pre);
  free (v);
  free (w);
  return e;
}

/* ---- update (src/student/student_patch.c) ---- */

enum xj_err
xj_h_student_patch (struct xj_req *r)
{
  struct xj_student_patch_out po;
  json_t *body = NULL;
  int64_t id;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  e = xj_student_patch (r->db, &r->user, &r->actor, id, body, &po);
  if (XJ_E_VALIDATION == e)
    e = xj_reply_verrs (r, po.errs);
  else if (XJ_E_OK != e && po.detail)
    e = xj_reply_err (r, e, po.field, "%s", po.detail);
  else if (XJ_E_OK != e && po.field)
    e = xj_reply_err (r, e, po.field, NULL);
  else if (XJ_E_OK == e)
    xj_reply_json (r, 200, json_pack ("{s:o}", "student",
                                      record_json (r, po.s, &po.ctx, 0)));
  xj_student_patch_out_fini (&po);
  json_decref (body);
  return e;
}

/* ---- 调班 ---- */

struct move_ctx {
  int64_t id, version, class_id;
  const char *reason;
  const struct xj_actor *actor;
  struct xj_cs_warn warn;
};

static enum xj_err
move_txn (struct xj_db *db, void *cls)
{
  struct move_ctx *c = cls;

  return xj_student_move_class (db, c->id, c->version, c->class_id,
                                c->reason, c->actor, &c->warn);
}

enum xj_err
xj_h_student_move_class (struct xj_req *r)
{
  struct xj_student *s;
  struct xj_student_ctx ctx;
  struct move_ctx mc = { 0 };
  json_t *body;
  json_error_t jerr;
  json_int_t class_id = 0, version = 0;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &mc.id))
    return r->err;
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:I, s:s, s?I}",
                           "class_id", &class_id, "reason", &mc.reason,
                           "version", &version))
    {
      json_decref (body);
      return xj_reply_err (r, XJ_E_BAD_TYPE, NULL, "%s", jerr.text);
    }
  mc.class_id = class_id;
  mc.version = version;
  mc.actor = &r->actor;
  if ('\0' == mc.reason[0] || strlen (mc.reason) > 500
      || ! xj_utf8_valid (mc.reason, strlen (mc.reason)))
    e = xj_reply_err (r, XJ_E_REQUIRED, "reason", "请填写调班原因");
  s = xj_malloc (sizeof *s);
  if (XJ_E_OK == e)
    e = load_visible (r, mc.id, s, &ctx);
  if (XJ_E_OK == e
      && ! xj_scope_school_write (&r->user, s->school_id, ctx.county_code))
    e = xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK == e)
    {
      e = xj_db_txn_run (r->db, "student_move_class", true, &move_txn, &mc);
      if (XJ_E_OK == e)
        {
          xj_student_load_ctx (r->db, mc.id, s, &ctx);
          xj_reply_json (r, 200, json_pack ("{s:o, s:o}", "student",
                                            record_json (r, s, &ctx, 0),
                                            "class_size_warning",
                                            xj_cs_warn_json (&mc.warn)));
        }
      else if (XJ_E_DB != e && XJ_E_DB_BUSY != e && XJ_E_INTERNAL != e)
        e = xj_reply_err (r, e, XJ_E_CONFLICT == e ? "version" : "class_id",
                          NULL);
    }
  free (s);
  json_decref (body);
  return e;
}

/* ---- confirming a warning ---- */

struct wconf_ctx {
  const struct xj_actor *a;
  int64_t id, wid;
  const char *reason;
};

static enum xj_err
wconf_txn (struct xj_db *db, void *cls)
{
  struct wconf_ctx *c = cls;

  return xj_identity_warning_confirm (db, c->a, c->id, c->wid, c->reason);
}

enum xj_err
xj_h_student_warning_confirm (struct xj_req *r)
{
  struct wconf_ctx c = { .a = &r->actor };
  struct xj_student *s;
  struct xj_student_ctx ctx;
  json_t *body = NULL;
  json_error_t jerr;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &c.id)
      || XJ_E_OK != xj_req_path_id (r, 1, &c.wid))
    return r->err;
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s}", "reason",
                           &c.reason))
    {
      json_decref (body);
      return xj_reply_err (r, XJ_E_BAD_TYPE, NULL, "%s", jerr.text);
    }
  if ('\0' == c.reason[0] || strlen (c.reason) > 500
      || ! xj_utf8_valid (c.reason, strlen (c.reason)))
    e = xj_reply_err (r, XJ_E_REQUIRED, "reason", "请填写确认理由");
  s = xj_malloc (sizeof *s);
  if (XJ_E_OK == e)
    e = load_visible (r, c.id, s, &ctx);
  /* the registrar of the record's school (or an administrator) */
  if (XJ_E_OK == e
      && ! xj_scope_school_write (&r->user, s->school_id, ctx.county_code))
    e = xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  if (XJ_E_OK == e)
    {
      e = xj_db_txn_run (r->db, "warning_confirm", true, &wconf_txn, &c);
      if (XJ_E_OK == e)
        xj_reply_json (r, 200, json_pack ("{s:o}", "warnings",
                                          warnings_json (r, c.id)));
      else if (XJ_E_DB != e && XJ_E_DB_BUSY != e && XJ_E_INTERNAL != e)
        e = xj_reply_err (r, e, NULL, NULL);
    }
  free (s);
  json_decref (body);
  return e;
}

/* ---- events ---- */

static void
event_cb (void *cls, const struct xj_student_event *ev)
{
  json_t *before = ev->before[0] ? json_loads (ev->before, 0, NULL) : NULL;
  json_t *after = ev->after[0] ? json_loads (ev->after, 0, NULL) : NULL;

  json_array_append_new (
    cls, json_pack ("{s:I, s:s, s:s, s:s, s:s, s:o, s:o}", "id",
                    (json_int_t) ev->id, "kind", ev->kind, "at", ev->at,
                    "actor", ev->actor, "actor_name",
                    *ev->actor_name ? ev->actor_name : ev->actor, "before",
                    before ? before : json_null (), "after",
                    after ? after : json_null ()));
  if (ev->from_no[0])
    {
      char m[48];

      /* an event of a record merged into this one, by its number */
      xj_mask (XJ_MASK_REGISTRY_NO, ev->from_no, m, sizeof m);
      json_object_set_new (json_array_get (cls, json_array_size (cls) - 1),
                           "from_registry_no", json_string (m));
    }
}

enum xj_err
xj_h_student_events (struct xj_req *r)
{
  struct xj_student *s;
  struct xj_student_ctx ctx;
  int64_t id;
  json_t *items;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  s = xj_malloc (sizeof *s);
  e = load_visible (r, id, s, &ctx);
  free (s);
  if (XJ_E_OK != e)
    return e;
  items = json_array ();
  e = xj_student_events (r->db, id, &event_cb, items);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return e;
    }
  /* PII inside before/after is masked for display */
  {
    size_t i;
    json_t *ev;

    json_array_foreach (items, i, ev)
      {
        xj_student_mask_json (json_object_get (ev, "before"));
        xj_student_mask_json (json_object_get (ev, "after"));
      }
  }
  e = xj_display_changes (r->db, &r->user, items);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return e;
    }
  xj_reply_json (r, 200, json_pack ("{s:o}", "items", items));
  return XJ_E_OK;
}

/* ---- L to G ---- */

struct assign_ctx {
  int64_t id, version;
  const char *id18;
  const struct xj_actor *actor;
  struct xj_register_result res;
};

static enum xj_err
assign_txn (struct xj_db *db, void *cls)
{
  struct assign_ctx *c = cls;

  return xj_student_assign_id (db, c->id, c->version, c->id18, c->actor,
                               &c->res);
}

enum xj_err
xj_h_student_assign_id (struct xj_req *r)
{
  struct xj_student *s;
  struct xj_student_ctx ctx;
  struct xj_idcard card;
  json_t *body;
  json_error_t jerr;
  const char *id_no = NULL;
  json_int_t version = 0;
  struct assign_ctx ac;
  int64_t id;
  enum xj_err e;

  if (XJ_E_OK != xj_req_path_id (r, 0, &id))
    return r->err;
  if (XJ_E_OK != (e = xj_req_body_json (r, &body)))
    return e;
  if (0 != json_unpack_ex (body, &jerr, JSON_STRICT, "{s:s, s?I}", "id_no",
                           &id_no, "version", &version))
    {
      json_decref (body);
      return xj_reply_err (r, XJ_E_BAD_TYPE, NULL, "%s", jerr.text);
    }
  e = xj_idcard_parse (id_no, xj_today_ymd (), &card);
  json_decref (body);
  if (XJ_E_OK != e)
    return xj_reply_err (r, e, "id_no", NULL);
  s = xj_malloc (sizeof *s);
  e = load_visible (r, id, s, &ctx);
  if (XJ_E_OK == e && 0 != strcmp (s->birth_date, "")
      && (card.year * 10000 + card.month * 100 + card.day)
           != xj_valid_date_ymd (s->birth_date))
    e = xj_reply_err (r, XJ_E_ID_BIRTH_MISMATCH, "id_no", NULL);
  else if (XJ_E_OK == e && card.gender != s->gender)
    e = xj_reply_err (r, XJ_E_ID_GENDER_MISMATCH, "id_no", NULL);
  free (s);
  if (XJ_E_OK != e)
    return e;
  if (XJ_E_OK != (e = xj_search_budget_left_or_reply (r, "id_no")))
    return e;
  ac = (struct assign_ctx) { .id = id, .version = version, .id18 = card.id18,
                             .actor = &r->actor };
  e = xj_db_txn_run (r->db, "student_assign_id", true, &assign_txn, &ac);
  if (XJ_E_ID_EXISTS == e)
    return XJ_E_OK != (e = xj_req_number_held (r, "assign_id", card.id18))
             ? e
             : reply_id_exists (r, ac.res.holder_student_id,
                                ac.res.holder_school_id, 0);
  if (XJ_E_REGISTRY_NO_EXISTS == e)
    return xj_reply_err (r, XJ_E_REGISTRY_NO_EXISTS, "id_no",
                         "该学生已有正式学籍号");
  if (XJ_E_OK != e)
    return e;
  s = xj_malloc (sizeof *s);
  xj_student_load_ctx (r->db, id, s, &ctx);
  xj_reply_json (r, 200, json_pack ("{s:o}", "student",
                                    record_json (r, s, &ctx, 0)));
  free (s);
  return XJ_E_OK;
}
