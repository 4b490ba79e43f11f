/* user_admin.c -- managing users: who may manage whom, validation of a
 * user's role and scope, and the create/edit/disable/reset operations
 * with their audit entries.  The HTTP handlers (h_users.c) and the CLI
 * (cmd_user.c) both call these; neither decides on its own.
 */
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"
#include "klass/klass.h"
#include "region/region.h"
#include "school/school.h"
#include "student/student.h"
#include "user/user.h"

bool
xj_user_admin_allowed (const struct xj_user *actor,
                       const struct xj_auth_settings *set)
{
  if (NULL == actor || XJ_ROLE_ADMIN == actor->role)
    return true;
  return XJ_ROLE_BUREAU == actor->role && set->bureau_manages_users
         && '\0' != actor->region_code[0];
}

static bool
has_prefix (const char *s, const char *prefix)
{
  return 0 == strncmp (s, prefix, strlen (prefix));
}

bool
xj_user_may_manage (const struct xj_user *actor, enum xj_role role,
                    const char *region_code, const char *county_code)
{
  const char *mine;

  if (NULL == actor || XJ_ROLE_ADMIN == actor->role)
    return true;
  if (XJ_ROLE_BUREAU != actor->role || '\0' == actor->region_code[0])
    return false;
  mine = actor->region_code;
  switch (role)
    {
    case XJ_ROLE_BUREAU:
      return has_prefix (region_code, mine)
             && strlen (region_code) > strlen (mine);
    case XJ_ROLE_REGISTRAR:
    case XJ_ROLE_TEACHER:
      return '\0' != county_code[0] && has_prefix (county_code, mine);
    default:
      return false;
    }
}

static bool
username_ok (const char *s)
{
  size_t n = strlen (s);

  if (n < 2 || n > 60)
    return false;
  for (const char *p = s; *p; p++)
    if (! ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
           || (*p >= '0' && *p <= '9') || '_' == *p || '.' == *p
           || '-' == *p))
      return false;
  return true;
}

/* The scope fields of @s for its role: region exists, school exists
   (resolving school_code), classes belong to the school.  *county gets
   the school's county. */
static void
check_scope (struct xj_db *db, struct xj_user_spec *s, char county[8],
             struct xj_verrs *errs)
{
  struct xj_region rg;
  struct xj_school sc;
  struct xj_class k;
  size_t n = s->region_code ? strlen (s->region_code) : 0;

  county[0] = '\0';
  if (XJ_ROLE_BUREAU == s->role
      && ((2 != n && 4 != n && 6 != n)
          || XJ_E_OK != xj_region_get (db, s->region_code, &rg)))
    xj_verrs_add (errs, "region_code", XJ_E_REGION,
                  "局用户需要已有的2、4或6位行政区划代码");
  if (XJ_ROLE_REGISTRAR != s->role && XJ_ROLE_TEACHER != s->role)
    return;
  if (s->school_code && XJ_E_OK == xj_school_get_by_code (db, s->school_code,
                                                          &sc))
    s->school_id = sc.id;
  else if (s->school_code || 0 == s->school_id
           || XJ_E_OK != xj_school_get (db, s->school_id, &sc))
    {
      xj_verrs_add (errs, "school_id", XJ_E_NO_SUCH_SCHOOL,
                    "学籍管理员和班主任需要已有的学校");
      return;
    }
  xj_strlcpy (county, sc.county_code, 8);
  for (unsigned i = 0; XJ_ROLE_TEACHER == s->role && i < s->nclasses; i++)
    if (XJ_E_OK != xj_class_get (db, s->class_ids[i], &k)
        || k.school_id != s->school_id)
      xj_verrs_add (errs, "class_ids", XJ_E_NO_SUCH_CLASS, "班级%lld",
                    (long long) s->class_ids[i]);
}

/* Every field of @s; the password only when @with_password. */
static void
check_spec (struct xj_db *db, struct xj_user_spec *s, bool with_password,
            char county[8], struct xj_verrs *errs)
{
  enum xj_err e;

  if (with_password && (NULL == s->username || ! username_ok (s->username)))
    xj_verrs_add (errs, "username", XJ_E_VALIDATION,
                  "用户名应为2到60个字母、数字、下划线、点或连字符");
  if (s->display_name && xj_utf8_count (s->display_name) > 60)
    xj_verrs_add (errs, "display_name", XJ_E_TOO_LONG, "姓名最多60个字");
  if (XJ_ROLE_NONE == s->role)
    xj_verrs_add (errs, "role", XJ_E_CODE,
                  "角色应为admin、bureau、registrar或teacher");
  if (with_password
      && XJ_E_OK != (e = xj_password_policy (s->username, s->password)))
    xj_verrs_add (errs, "password", e, "%s", xj_err_zh (e));
  check_scope (db, s, county, errs);
  if (XJ_ROLE_BUREAU != s->role)
    s->region_code = NULL;
  if (XJ_ROLE_REGISTRAR != s->role && XJ_ROLE_TEACHER != s->role)
    s->school_id = 0;
  if (XJ_ROLE_TEACHER != s->role)
    s->nclasses = 0;
}

static enum xj_err
set_classes (struct xj_db *db, int64_t id, const struct xj_user_spec *s)
{
  enum xj_err e = xj_user_clear_classes (db, id);

  for (unsigned i = 0; XJ_E_OK == e && i < s->nclasses; i++)
    e = xj_user_add_class (db, id, s->class_ids[i]);
  return e;
}

/* The audit form of a user: no password, ever. */
static void
spec_json (const struct xj_user_spec *s, int disabled, char *out, size_t size)
{
  xj_snprintf (out, size,
               "{\"role\":\"%s\",\"region_code\":\"%s\",\"school_id\":%lld,"
               "\"classes\":%u,\"disabled\":%d}",
               xj_role_name (s->role), s->region_code ? s->region_code : "",
               (long long) s->school_id, s->nclasses, disabled);
}

static enum xj_err
authorise (struct xj_db *db, const struct xj_user *actor,
           const struct xj_user_spec *s, const char *county)
{
  struct xj_auth_settings set;
  enum xj_err e = xj_auth_settings_get (db, &set);

  if (XJ_E_OK != e)
    return e;
  if (! xj_user_admin_allowed (actor, &set))
    return XJ_E_FORBIDDEN;
  if (XJ_ROLE_ADMIN == s->role && ! xj_user_may_manage (actor, s->role, "",
                                                         ""))
    return XJ_E_FORBIDDEN;
  if (! xj_user_may_manage (actor, s->role,
                            s->region_code ? s->region_code : "", county))
    return XJ_E_OUT_OF_SCOPE;
  return XJ_E_OK;
}

enum xj_err
xj_user_admin_create (struct xj_db *db, const struct xj_actor *a,
                      const struct xj_user *actor, struct xj_user_spec *s,
                      struct xj_verrs *errs, int64_t *id)
{
  struct xj_user_new n;
  char county[8], after[256];
  enum xj_err e;

  check_spec (db, s, true, county, errs);
  if (errs->n)
    return XJ_E_VALIDATION;
  if (XJ_E_OK != (e = authorise (db, actor, s, county)))
    return e;
  n = (struct xj_user_new) { s->username,
                             s->display_name && *s->display_name
                               ? s->display_name : s->username,
                             s->password, s->role, s->region_code,
                             s->school_id };
  if (XJ_E_OK != (e = xj_user_create (db, &n, id)))
    return e;
  if (XJ_E_OK != (e = set_classes (db, *id, s)))
    return e;
  spec_json (s, 0, after, sizeof after);
  return xj_audit_append (db, a, "user.create", "user", s->username, NULL,
                          after);
}

/* Load user @id as a spec, if @actor may manage it (else NOT_FOUND). */
static enum xj_err
load_managed (struct xj_db *db, const struct xj_user *actor, int64_t id,
              struct xj_user *u, bool *disabled)
{
  struct xj_auth_settings set;
  struct xj_school sc;
  enum xj_err e = xj_auth_settings_get (db, &set);

  if (XJ_E_OK != e)
    return e;
  if (! xj_user_admin_allowed (actor, &set))
    return XJ_E_FORBIDDEN;
  if (XJ_E_OK != (e = xj_user_load_any (db, id, u, disabled)))
    return e;
  if (XJ_E_OK != xj_school_get (db, u->school_id, &sc))
    sc.county_code[0] = '\0';
  if (! xj_user_may_manage (actor, u->role, u->region_code, sc.county_code))
    return XJ_E_NOT_FOUND;
  return XJ_E_OK;
}

static void
user_to_spec (const struct xj_user *u, struct xj_user_spec *s)
{
  memset (s, 0, sizeof *s);
  s->username = u->username;
  s->display_name = u->display_name;
  s->role = u->role;
  s->region_code = u->region_code;
  s->school_id = u->school_id;
  s->nclasses = u->nclasses;
  memcpy (s->class_ids, u->class_ids, sizeof s->class_ids);
}

enum xj_err
xj_user_admin_update (struct xj_db *db, const struct xj_actor *a,
                      const struct xj_user *actor, int64_t id,
                      struct xj_user_spec *s, int disabled,
                      struct xj_verrs *errs)
{
  struct xj_user u;
  struct xj_user_spec old;
  struct xj_user_new n;
  bool was_disabled = false;
  char county[8], before[256], after[256];
  enum xj_err e = load_managed (db, actor, id, &u, &was_disabled);

  if (XJ_E_OK != e)
    return e;
  user_to_spec (&u, &old);
  if (XJ_ROLE_NONE == s->role)   /* role and scope not given: kept */
    {
      s->role = old.role;
      s->region_code = old.region_code;
      s->school_id = old.school_id;
    }
  if (! s->classes_set && s->school_id == old.school_id)
    {
      s->nclasses = old.nclasses;
      memcpy (s->class_ids, old.class_ids, sizeof s->class_ids);
    }
  check_spec (db, s, false, county, errs);
  if (errs->n)
    return XJ_E_VALIDATION;
  if (XJ_E_OK != (e = authorise (db, actor, s, county)))
    return e;
  if (actor && actor->id == id && (s->role != u.role || 1 == disabled))
    return XJ_E_FORBIDDEN;
  n = (struct xj_user_new) { u.username,
                             s->display_name && *s->display_name
                               ? s->display_name : u.display_name,
                             NULL, s->role, s->region_code, s->school_id };
  if (XJ_E_OK != (e = xj_user_update (db, id, &n))
      || XJ_E_OK != (e = set_classes (db, id, s)))
    return e;
  if (disabled >= 0 && XJ_E_OK != (e = xj_user_set_disabled (db, id,
                                                               1 == disabled)))
    return e;
  spec_json (&old, was_disabled, before, sizeof before);
  spec_json (s, disabled >= 0 ? disabled : was_disabled, after, sizeof after);
  return xj_audit_append (db, a, "user.update", "user", u.username, before,
                          after);
}

enum xj_err
xj_user_admin_reset (struct xj_db *db, const struct xj_actor *a,
                     const struct xj_user *actor, int64_t id,
                     const char *password)
{
  struct xj_user u;
  bool disabled;
  enum xj_err e = load_managed (db, actor, id, &u, &disabled);

  if (XJ_E_OK != e)
    return e;
  if (XJ_E_OK != (e = xj_user_set_password (db, u.username, password, NULL)))
    return e;
  return xj_audit_append (db, a, "user.password_reset", "user", u.username,
                          NULL, NULL);
}

enum xj_err
xj_user_change_own (struct xj_db *db, const struct xj_actor *a,
                    const struct xj_user *u, const char *password,
                    int64_t *epoch)
{
  enum xj_err e = xj_user_set_password (db, u->username, password, epoch);

  if (XJ_E_OK != e)
    return e;
  return xj_audit_append (db, a, "password_change", "user", u->username,
                          NULL, NULL);
}

struct list_ctx {
  struct xj_db *db;
  const struct xj_user *actor;
  xj_user_cb cb;
  void *cls;
};

static void
list_filter (void *cls, const struct xj_user *u, bool disabled)
{
  struct list_ctx *c = cls;
  struct xj_school sc;

  struct xj_user full;
  bool d;

  if (XJ_E_OK != xj_school_get (c->db, u->school_id, &sc))
    sc.county_code[0] = '\0';
  if (! xj_user_may_manage (c->actor, u->role, u->region_code,
                            sc.county_code))
    return;
  /* teachers with their classes */
  if (XJ_ROLE_TEACHER == u->role
      && XJ_E_OK == xj_user_load_any (c->db, u->id, &full, &d))
    u = &full;
  c->cb (c->cls, u, disabled);
}

enum xj_err
xj_user_admin_list (struct xj_db *db, const struct xj_user *actor,
                    xj_user_cb cb, void *cls)
{
  struct xj_auth_settings set;
  struct list_ctx c = { db, actor, cb, cls };
  enum xj_err e = xj_auth_settings_get (db, &set);

  if (XJ_E_OK != e)
    return e;
  if (! xj_user_admin_allowed (actor, &set))
    return XJ_E_FORBIDDEN;
  return xj_user_list (db, &list_filter, &c);
}
