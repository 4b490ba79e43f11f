/* student_register.c -- registration and L-to-G conversion rules.
 * Runs inside the caller's write transaction; never replies or prints.
 */
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"
#include "klass/klass.h"
#include "student/student_json.h"
#include "student/identity.h"
#include "student/student_register.h"
#include "validate/codes.h"
#include "validate/validate.h"

/* Fill res->dups[] (name and school of each suspected duplicate) and
   flag each pair for review. */
static enum xj_err
flag_suspects (struct xj_db *db, const struct xj_student *s,
               struct xj_register_result *res)
{
  struct xj_student *o = xj_malloc (sizeof *o);
  struct xj_student_ctx ctx;
  enum xj_err e = XJ_E_OK;

  for (size_t i = 0; i < res->hits.n && XJ_E_OK == e; i++)
    {
      const struct xj_identity_hit *h = &res->hits.h[i];
      bool added;

      e = xj_student_load_ctx (db, h->student_id, o, &ctx);
      if (XJ_E_OK != e)
        break;
      if (res->ndups < XJ_MAX_DUPS)
        {
          res->dups[res->ndups].id = o->id;
          res->dups[res->ndups].school_id = o->school_id;
          xj_strlcpy (res->dups[res->ndups].name, o->name,
                      sizeof res->dups[0].name);
          xj_strlcpy (res->dups[res->ndups].school_name, ctx.school_name,
                      sizeof res->dups[0].school_name);
          xj_strlcpy (res->dups[res->ndups].county_code, ctx.county_code,
                      sizeof res->dups[0].county_code);
          res->ndups++;
        }
      e = xj_identity_flag (db, s->id, o->id,
                            XJ_MATCH_FORMER == h->match
                              ? "身份证件号是另一记录的曾用学籍号"
                              : "姓名、出生日期相同且监护人电话或身份证件号相同",
                            &added);
    }
  free (o);
  return e;
}

/* Audit text of a record: the full record (the audit log is the place
   where unmasked values may live; it is itself administrator-only). */
static char *
record_json (const struct xj_student *s)
{
  json_t *j = xj_student_to_json (s, XJ_PII_ALL);
  char *out = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);

  json_decref (j);
  return out;
}

enum xj_err
xj_student_register (struct xj_db *db, struct xj_student *s,
                     const char *county6, const struct xj_verrs *warns,
                     const struct xj_actor *a,
                     struct xj_register_result *res)
{
  char at[32];
  char idbuf[24];
  char *after;
  enum xj_err e;

  memset (res, 0, sizeof *res);
  if (XJ_E_OK != (e = xj_identity_admit (db, s, NULL, &res->hits,
                                         &res->holder_student_id,
                                         &res->holder_school_id)))
    return e;
  if (0 == strcmp (s->id_type, "1") && 18 == strlen (s->id_no))
    xj_registry_no_g (s->id_no, s->registry_no);
  else if (XJ_E_OK != (e = xj_identity_next_l (db, county6, s->birth_date,
                                               s->registry_no)))
    return e;
  s->dup_flag = res->hits.n > 0;
  xj_strlcpy (s->status, "enrolled", sizeof s->status);
  xj_now_iso (at);
  e = xj_student_insert (db, s, a, "register", at);
  if (XJ_E_OK == e)
    e = flag_suspects (db, s, res);
  if (XJ_E_OK == e)
    e = xj_class_size_admit (db, s->class_id, s->id, "register", a,
                             &res->class_size);
  if (XJ_E_OK == e)
    e = xj_identity_store_warnings (db, s, warns, 0, true);
  if (XJ_E_OK != e)
    return e;
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) s->id);
  after = record_json (s);
  e = xj_audit_append (db, a, "student.register", "student", idbuf, NULL,
                       after);
  free (after);
  return e;
}

/* Store @s with a @kind event and a "student.<kind>" audit entry. */
static enum xj_err
update_audited (struct xj_db *db, struct xj_student *s,
                const struct xj_actor *a, const char *kind,
                const char *before, const char *after)
{
  char idbuf[24], action[48];
  enum xj_err e = xj_student_store_update (db, s, s->version, a, kind,
                                           before, after);

  if (XJ_E_OK != e)
    return e;
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) s->id);
  xj_snprintf (action, sizeof action, "student.%s", kind);
  return xj_audit_append (db, a, action, "student", idbuf, before, after);
}

enum xj_err
xj_student_assign_id (struct xj_db *db, int64_t id, int64_t expect_version,
                      const char *id18, const struct xj_actor *a,
                      struct xj_register_result *res)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  char old_no[24];
  char *before = NULL, *after = NULL;
  enum xj_err e;

  memset (res, 0, sizeof *res);
  e = xj_student_load (db, id, s);
  if (XJ_E_OK != e)
    goto out;
  if (expect_version && expect_version != s->version)
    {
      e = XJ_E_CONFLICT;
      goto out;
    }
  if ('G' == s->registry_no[0])
    {
      e = XJ_E_REGISTRY_NO_EXISTS;
      goto out;
    }
  e = xj_student_find_by_id_no (db, "1", id18, &res->holder_student_id,
                                &res->holder_school_id);
  if (XJ_E_OK == e)
    {
      e = XJ_E_ID_EXISTS;
      goto out;
    }
  if (XJ_E_NOT_FOUND != e)
    goto out;
  before = record_json (s);
  xj_strlcpy (old_no, s->registry_no, sizeof old_no);
  xj_strlcpy (s->id_type, "1", sizeof s->id_type);
  xj_strlcpy (s->id_no, id18, sizeof s->id_no);
  xj_registry_no_g (id18, s->registry_no);
  e = xj_student_add_alias (db, s->id, old_no);
  if (XJ_E_OK != e)
    goto out;
  after = record_json (s);
  e = update_audited (db, s, a, "assign_id", before, after);
out:
  free (before);
  free (after);
  free (s);
  return e;
}

enum xj_err
xj_student_edit_check (const struct xj_student *before,
                       const struct xj_student *after, const char **field)
{
  *field = NULL;
  if (0 == strcmp (before->status, "deceased"))
    return XJ_E_STUDENT_DECEASED;
  if (0 != strcmp (before->status, after->status))
    {
      *field = "status";
      return XJ_E_PATCH_STATUS;
    }
  if (0 != strcmp (before->grade, after->grade))
    {
      *field = "grade";
      return XJ_E_PATCH_GRADE;
    }
  if (before->school_id != after->school_id)
    {
      *field = "school_id";
      return XJ_E_KEY_FIELD;
    }
  if (before->class_id != after->class_id)
    {
      *field = "class_id";
      return XJ_E_PATCH_CLASS;
    }
  return XJ_E_OK;
}

/* The class move's before/after for the event and the audit entry. */
static void
move_json (const struct xj_class *from, const struct xj_class *to,
           const char *reason, char **before, char **after)
{
  json_t *b = json_pack ("{s:o, s:s}", "class_id",
                         from ? json_integer (from->id) : json_null (),
                         "class_name", from ? from->name : "");
  json_t *a = json_pack ("{s:I, s:s, s:s}", "class_id", (json_int_t) to->id,
                         "class_name", to->name, "reason", reason);

  *before = json_dumps (b, JSON_COMPACT | JSON_SORT_KEYS);
  *after = json_dumps (a, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (b);
  json_decref (a);
}

enum xj_err
xj_student_move_class (struct xj_db *db, int64_t id, int64_t expect_version,
                       int64_t class_id, const char *reason,
                       const struct xj_actor *a, struct xj_cs_warn *w)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  struct xj_class from, to;
  bool have_from = false;
  char *before = NULL, *after = NULL;
  enum xj_err e;

  e = xj_student_load (db, id, s);
  if (XJ_E_OK != e)
    goto out;
  e = XJ_E_CONFLICT;
  if (expect_version && expect_version != s->version)
    goto out;
  e = XJ_E_STUDENT_DECEASED;
  if (0 == strcmp (s->status, "deceased"))
    goto out;
  e = XJ_E_CHANGE_STUDENT_STATUS;
  if (0 != strcmp (s->status, "enrolled") && 0 != strcmp (s->status,
                                                          "suspended"))
    goto out;
  e = xj_class_get (db, class_id, &to);
  if (XJ_E_NOT_FOUND == e || (XJ_E_OK == e && (to.school_id != s->school_id
                                               || 0 != strcmp (to.grade,
                                                               s->grade))))
    e = XJ_E_MOVE_CLASS_GRADE;
  if (XJ_E_OK != e)
    goto out;
  e = XJ_E_MOVE_CLASS_SAME;
  if (to.id == s->class_id)
    goto out;
  have_from = s->class_id && XJ_E_OK == xj_class_get (db, s->class_id, &from);
  move_json (have_from ? &from : NULL, &to, reason, &before, &after);
  s->class_id = to.id;
  e = update_audited (db, s, a, "move_class", before, after);
  if (XJ_E_OK == e)
    e = xj_class_size_admit (db, to.id, s->id, "move_class", a, w);
out:
  free (before);
  free (after);
  free (s);
  return e;
}

/* The class @s names belongs to its school and agrees with its grade, or
   gives it one. */
static void
check_class (struct xj_db *db, struct xj_student *s, struct xj_verrs *v)
{
  struct xj_class c;

  if (0 == s->class_id)
    return;
  if (XJ_E_OK != xj_class_get (db, s->class_id, &c)
      || c.school_id != s->school_id)
    {
      xj_verrs_add (v, "class_id", XJ_E_NO_SUCH_CLASS, "班级%lld",
                    (long long) s->class_id);
      return;
    }
  if ('\0' == s->grade[0])
    xj_strlcpy (s->grade, c.grade, sizeof s->grade);
  else if (0 != strcmp (s->grade, c.grade))
    xj_verrs_add (v, "class_id", XJ_E_NO_SUCH_CLASS,
                  "%s属于%s，与所填年级不一致", c.name,
                  xj_code_zh ("grade", c.grade));
}

enum xj_err
xj_student_register_check (struct xj_db *db, const struct xj_user *u,
                           struct xj_student *s, const struct xj_verrs *pre,
                           struct xj_school *school, struct xj_verrs *v,
                           struct xj_verrs *w)
{
  if (XJ_ROLE_REGISTRAR == u->role)
    {
      if (s->school_id && s->school_id != u->school_id)
        return XJ_E_OUT_OF_SCOPE;
      s->school_id = u->school_id;
    }
  xj_student_validate (s, xj_today_ymd (), v);
  for (size_t i = 0; pre && i < pre->n; i++)
    xj_verrs_add (v, pre->e[i].field, pre->e[i].code, "%s",
                  pre->e[i].detail);
  if (0 == s->school_id)
    xj_verrs_add (v, "school_id", XJ_E_REQUIRED, "请选择学校");
  else if (XJ_E_OK != xj_school_get (db, s->school_id, school)
           || ! xj_scope_school_write (u, school->id, school->county_code))
    xj_verrs_add (v, "school_id", XJ_E_NO_SUCH_SCHOOL, "学校%lld",
                  (long long) s->school_id);
  else
    {
      struct xj_rules_ctx rctx = { school->stage, school->county_code,
                                   school->name, xj_today_ymd () };

      check_class (db, s, v);
      if (0 == v->n)
        xj_student_check_rules (s, &rctx, v, w);
    }
  return XJ_E_OK;
}

struct reg_ctx {
  struct xj_student *s;
  const char *county;
  const struct xj_verrs *warns;
  const struct xj_actor *actor;
  struct xj_register_result *res;
};

static enum xj_err
register_txn (struct xj_db *db, void *cls)
{
  struct reg_ctx *c = cls;

  return xj_student_register (db, c->s, c->county, c->warns, c->actor,
                              c->res);
}

enum xj_err
xj_student_register_run (struct xj_db *db, struct xj_student *s,
                         const char *county6, const struct xj_verrs *warns,
                         const struct xj_actor *a,
                         struct xj_register_result *res)
{
  struct reg_ctx rc = { s, county6, warns, a, res };

  return xj_db_txn_run (db, "student_register", true, &register_txn, &rc);
}
