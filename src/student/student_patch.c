/* student_patch.c -- the edit of a student record (student_patch.h):
 * steps named as a reader would (check the body, load in scope, apply
 * the body, validate, diff, write).  Storage through student_store.c,
 * identity_store.c and the audit log; no SQL here, no HTTP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"
#include "school/school.h"
#include "student/identity.h"
#include "student/student_json.h"
#include "student/student_patch.h"
#include "student/student_register.h"

/* Refuse with @e naming @field, with a detail (@fmt NULL: none). */
static enum xj_err refuse (struct xj_student_patch_out *out, enum xj_err e,
                           const char *field, const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));

static enum xj_err
refuse (struct xj_student_patch_out *out, enum xj_err e, const char *field,
        const char *fmt, ...)
{
  out->field = field;
  if (fmt)
    {
      va_list ap;

      va_start (ap, fmt);
      vsnprintf (out->detail_buf, sizeof out->detail_buf, fmt, ap);
      va_end (ap);
      out->detail = out->detail_buf;
    }
  return e;
}

/* What the body must and must not hold before anything is read. */
static enum xj_err
check_body (json_t *body, struct xj_student_patch_out *out)
{
  if (! json_is_integer (json_object_get (body, "version")))
    return refuse (out, XJ_E_MISSING_FIELD, "version",
                   "需要提供记录的version以防并发覆盖");
  if (json_object_get (body, "registry_no"))
    return refuse (out, XJ_E_KEY_FIELD, "registry_no",
                   "学籍号由系统分配，不能修改");
  return XJ_E_OK;
}

/* Load @id into out->s if @u may read and write it, else NOT_FOUND. */
static enum xj_err
load_in_scope (struct xj_db *db, const struct xj_user *u, int64_t id,
               struct xj_student_patch_out *out)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  enum xj_err e = xj_student_load_ctx (db, id, s, &out->ctx);

  out->s = s;
  if (XJ_E_OK != e)
    return e;
  if (! xj_scope_student (u, s->school_id, out->ctx.county_code, s->class_id)
      || ! xj_scope_school_write (u, s->school_id, out->ctx.county_code))
    return XJ_E_NOT_FOUND;
  return XJ_E_OK;
}

/* A deceased record is read-only.  "status" is not a field of the record
   JSON: refuse a change of it (naming the change to use) and drop an
   unchanged copy. */
static enum xj_err
check_status (json_t *body, const struct xj_student *s,
              struct xj_student_patch_out *out)
{
  json_t *st = json_object_get (body, "status");

  if (0 == strcmp (s->status, "deceased"))
    return XJ_E_STUDENT_DECEASED;
  if (st && ! (json_is_string (st)
               && 0 == strcmp (json_string_value (st), s->status)))
    return refuse (out, XJ_E_PATCH_STATUS, "status", NULL);
  json_object_del (body, "status");
  return XJ_E_OK;
}

/* Apply @body onto out->s (a copy of the loaded record stays in @cur):
   only fields an edit may change, at the version read.  Over-long texts
   are collected into @pre. */
static enum xj_err
apply_body (json_t *body, struct xj_student *cur, struct xj_verrs *pre,
            struct xj_student_patch_out *out)
{
  struct xj_student *s = out->s;
  const char *bad, *refused = NULL;
  enum xj_err e;

  *cur = *s;
  e = xj_student_from_json (body, s,
                            XJ_FJ_ALLOW_IDS | XJ_FJ_ALLOW_VERSION
                              | XJ_FJ_NO_KEY_FIELDS,
                            pre, &bad);
  if (XJ_E_OK != e)
    return refuse (out, e, bad, "%s", bad ? bad : "");
  e = xj_student_edit_check (cur, s, &refused);
  if (XJ_E_KEY_FIELD == e)
    return refuse (out, e, refused, "学校只能通过转学或升学变更");
  if (XJ_E_OK != e)
    return refuse (out, e, refused, NULL);
  if (s->version != cur->version)
    return refuse (out, XJ_E_CONFLICT, "version", "当前版本为%lld",
                   (long long) cur->version);
  return XJ_E_OK;
}

/* Validate out->s, with the errors @pre collected while applying, and
   check it against its school's rules: errors into out->errs, warnings
   into @warns. */
static enum xj_err
validate (struct xj_db *db, const struct xj_verrs *pre,
          struct xj_verrs *warns, struct xj_student_patch_out *out)
{
  struct xj_student *s = out->s;
  struct xj_verrs *v = xj_calloc (1, sizeof *v);
  struct xj_school school;

  out->errs = v;
  xj_student_validate (s, xj_today_ymd (), v);
  for (size_t i = 0; i < pre->n; i++)
    xj_verrs_add (v, pre->e[i].field, pre->e[i].code, "%s", pre->e[i].detail);
  if (0 == v->n && XJ_E_OK == xj_school_get (db, s->school_id, &school))
    {
      struct xj_rules_ctx rctx = { school.stage, school.county_code,
                                   school.name, xj_today_ymd () };

      xj_student_check_rules (s, &rctx, v, warns);
    }
  return v->n ? XJ_E_VALIDATION : XJ_E_OK;
}

/* Keys whose values differ between @a and @b, as compact JSON texts
   (caller frees both); false if none does. */
static bool
diff_texts (json_t *a, json_t *b, char **before, char **after)
{
  json_t *jb = json_object (), *ja = json_object (), *va;
  const char *k;
  bool any;

  json_object_foreach (a, k, va)
    {
      json_t *vb = json_object_get (b, k);

      if (0 == strcmp (k, "version") || 0 == strcmp (k, "masked"))
        continue;
      if (! json_equal (va, vb))
        {
          json_object_set (jb, k, va);
          json_object_set (ja, k, vb ? vb : json_null ());
        }
    }
  any = json_object_size (ja) > 0;
  *before = any ? json_dumps (jb, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  *after = any ? json_dumps (ja, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref (jb);
  json_decref (ja);
  return any;
}

struct write_ctx {
  struct xj_student *s;
  int64_t old_version;
  const struct xj_actor *actor;
  const struct xj_verrs *warns;
  const char *before, *after;
};

static enum xj_err
write_txn (struct xj_db *db, void *cls)
{
  struct write_ctx *c = cls;
  char idbuf[24];
  enum xj_err e;

  e = xj_student_store_update (db, c->s, c->old_version, c->actor, "update",
                               c->before, c->after);
  /* with the guardian rule's warning: an edit of any field must not drop
     it while the record stays flagged */
  if (XJ_E_OK == e)
    e = xj_identity_store_warnings (db, c->s, c->warns, 0, false);
  if (XJ_E_OK != e)
    return e;
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) c->s->id);
  return xj_audit_append (db, c->actor, "student.update", "student", idbuf,
                          c->before, c->after);
}

/* Write out->s (changed from @cur) with its event, warnings and audit
   entry; then reload it with its context. */
static enum xj_err
write_record (struct xj_db *db, const struct xj_actor *a,
       const struct xj_student *cur, const struct xj_verrs *warns,
       struct xj_student_patch_out *out)
{
  json_t *old = xj_student_to_json (cur, XJ_PII_ALL);
  json_t *neu = xj_student_to_json (out->s, XJ_PII_ALL);
  struct write_ctx c = { out->s, cur->version, a, warns, NULL, NULL };
  char *before, *after;
  enum xj_err e = XJ_E_OK;

  out->changed = diff_texts (old, neu, &before, &after);
  json_decref (old);
  json_decref (neu);
  if (! out->changed)
    return XJ_E_OK;
  c.before = before;
  c.after = after;
  e = xj_db_txn_run (db, "student_update", true, &write_txn, &c);
  free (before);
  free (after);
  if (XJ_E_CONFLICT == e)
    return refuse (out, e, "version", "记录已被他人修改");
  if (XJ_E_OK == e)
    xj_student_load_ctx (db, out->s->id, out->s, &out->ctx);
  return e;
}

enum xj_err
xj_student_patch (struct xj_db *db, const struct xj_user *u,
                  const struct xj_actor *a, int64_t id, json_t *body,
                  struct xj_student_patch_out *out)
{
  struct xj_student *cur = NULL;
  struct xj_verrs *pre = NULL, *warns = NULL;
  enum xj_err e;

  memset (out, 0, sizeof *out);
  if (XJ_E_OK != (e = check_body (body, out))
      || XJ_E_OK != (e = load_in_scope (db, u, id, out))
      || XJ_E_OK != (e = check_status (body, out->s, out)))
    return e;
  cur = xj_malloc (sizeof *cur);
  pre = xj_calloc (1, sizeof *pre);
  warns = xj_calloc (1, sizeof *warns);
  if (XJ_E_OK == (e = apply_body (body, cur, pre, out))
      && XJ_E_OK == (e = validate (db, pre, warns, out)))
    e = write_record (db, a, cur, warns, out);
  free (cur);
  free (pre);
  free (warns);
  return e;
}

void
xj_student_patch_out_fini (struct xj_student_patch_out *out)
{
  free (out->s);
  free (out->errs);
  out->s = NULL;
  out->errs = NULL;
}
