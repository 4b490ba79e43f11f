/* scope.c -- jurisdiction rules (pure).  Bureau users see schools whose
 * county code starts with their region code (2-digit province, 4-digit
 * city, 6-digit county); registrars their school; teachers their classes.
 * Anything unexpected yields an empty scope, never a wider one.
 */
#include <string.h>
#include "core/util.h"
#include "user/user.h"

static bool
region_ok (const char *r)
{
  size_t n = strlen (r);

  if (n != 2 && n != 4 && n != 6)
    return false;
  for (size_t i = 0; i < n; i++)
    if (r[i] < '0' || r[i] > '9')
      return false;
  return true;
}

void
xj_scope_of (const struct xj_user *u, struct xj_scope *sc)
{
  memset (sc, 0, sizeof *sc);
  switch (u->role)
    {
    case XJ_ROLE_ADMIN:
      return;
    case XJ_ROLE_BUREAU:
      if (region_ok (u->region_code))
        xj_strlcpy (sc->prefix, u->region_code, sizeof sc->prefix);
      else
        xj_strlcpy (sc->prefix, "X", sizeof sc->prefix); /* matches nothing */
      return;
    case XJ_ROLE_TEACHER:
      /* bound to the school and, within it, to the teacher's classes */
      sc->teacher_id = u->id > 0 ? u->id : -1;
      sc->school_id = u->school_id > 0 ? u->school_id : -1;
      return;
    case XJ_ROLE_REGISTRAR:
      sc->school_id = u->school_id > 0 ? u->school_id : -1;
      return;
    default:
      xj_strlcpy (sc->prefix, "X", sizeof sc->prefix);
      sc->school_id = -1;
      return;
    }
}

bool
xj_scope_school (const struct xj_user *u, int64_t school_id,
                 const char *county_code)
{
  switch (u->role)
    {
    case XJ_ROLE_ADMIN:
      return true;
    case XJ_ROLE_BUREAU:
      return region_ok (u->region_code) && NULL != county_code
             && 0 == strncmp (county_code, u->region_code,
                              strlen (u->region_code));
    case XJ_ROLE_REGISTRAR:
    case XJ_ROLE_TEACHER:
      return u->school_id > 0 && u->school_id == school_id;
    default:
      return false;
    }
}

bool
xj_scope_student (const struct xj_user *u, int64_t school_id,
                  const char *county_code, int64_t class_id)
{
  if (! xj_scope_school (u, school_id, county_code))
    return false;
  if (XJ_ROLE_TEACHER != u->role)
    return true;
  for (unsigned i = 0; i < u->nclasses; i++)
    if (class_id > 0 && u->class_ids[i] == class_id)
      return true;
  return false;
}

bool
xj_scope_school_write (const struct xj_user *u, int64_t school_id,
                       const char *county_code)
{
  if (XJ_ROLE_TEACHER == u->role)
    return false;
  return xj_scope_school (u, school_id, county_code);
}

static const char *const role_names[] = {
  [XJ_ROLE_ADMIN] = "admin",
  [XJ_ROLE_BUREAU] = "bureau",
  [XJ_ROLE_REGISTRAR] = "registrar",
  [XJ_ROLE_TEACHER] = "teacher",
};

const char *
xj_role_name (enum xj_role r)
{
  if ((unsigned) r < sizeof role_names / sizeof role_names[0] && role_names[r])
    return role_names[r];
  return "none";
}

enum xj_role
xj_role_from_name (const char *s)
{
  for (unsigned i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
    if (role_names[i] && 0 == strcmp (role_names[i], s))
      return (enum xj_role) i;
  return XJ_ROLE_NONE;
}
