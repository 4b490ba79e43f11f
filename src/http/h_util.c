/* h_util.c -- helpers shared by handlers: scope names, school lookup with
 * scope check.
 */
#include <string.h>
#include "http/handlers.h"
#include "region/region.h"
#include "school/school.h"

void
xj_scope_names (struct xj_db *db, const struct xj_user *u, char *region_name,
                size_t rsz, char *school_name, size_t ssz)
{
  struct xj_school s;

  region_name[0] = '\0';
  school_name[0] = '\0';
  if (u->region_code[0])
    xj_region_path (db, u->region_code, region_name, rsz);
  if (u->school_id && XJ_E_OK == xj_school_get (db, u->school_id, &s))
    xj_strlcpy (school_name, s.name, ssz);
  if (XJ_ROLE_ADMIN == u->role && '\0' == region_name[0])
    xj_strlcpy (region_name, "全部", rsz);
}

enum xj_err
xj_school_in_scope_or_reply (struct xj_req *r, int64_t id,
                             struct xj_school *out)
{
  enum xj_err e = xj_school_get (r->db, id, out);

  if (XJ_E_NOT_FOUND == e
      || (XJ_E_OK == e && ! xj_scope_school (&r->user, out->id,
                                              out->county_code)))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  return e;
}
