/* warn_confirm.c -- the registrar's confirmation of a warning on a record
 * ("the data is right"): kept with the field's value then, so the warning
 * stays confirmed while the field holds it and re-opens when an edit
 * changes it (xj_identity_put_warnings).  Audited, with an event.
 *
 * Runs inside the caller's write transaction; never replies.
 * docs/internals/identity.md "Confirming warnings".
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "student/identity.h"
#include "student/student_json.h"
#include "student/student_store.h"

char *
xj_identity_field_value (const struct xj_student *s, const char *field)
{
  json_t *j = xj_student_to_json (s, XJ_PII_ALL);
  json_t *v = json_object_get (j, field);
  char *t = json_dumps (v ? v : json_null (), JSON_ENCODE_ANY | JSON_COMPACT);

  json_decref (j);
  return t ? t : xj_strdup ("null");
}

enum xj_err
xj_identity_warning_confirm (struct xj_db *db, const struct xj_actor *a,
                             int64_t student_id, int64_t warning_id,
                             const char *reason)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  char field[32], code[48], at[32], idbuf[24];
  char *value = NULL, *after = NULL;
  int64_t confirmed;
  enum xj_err e = xj_identity_warning_get (db, student_id, warning_id, field,
                                           code, &confirmed);

  if (XJ_E_OK == e && confirmed)
    e = XJ_E_WARNING_CONFIRMED;
  if (XJ_E_OK == e)
    e = xj_student_load (db, student_id, s);
  if (XJ_E_OK != e)
    goto out;
  value = xj_identity_field_value (s, field);
  e = xj_identity_confirm_add (db, student_id, warning_id, field, code, value,
                               reason, a->username);
  if (XJ_E_OK != e)
    goto out;
  {
    json_t *j = json_pack ("{s:I, s:s, s:s, s:s}", "warning_id",
                           (json_int_t) warning_id, "field", field, "code",
                           code, "reason", reason);

    after = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref (j);
  }
  xj_now_iso (at);
  e = xj_student_add_event (db, student_id, a, "warning.confirm", at, NULL,
                            after);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) student_id);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, a, "student.warning_confirm", "student", idbuf,
                         NULL, after);
out:
  free (after);
  free (value);
  free (s);
  return e;
}
