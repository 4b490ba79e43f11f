/* dup_review.c -- closing a suspected duplicate: confirm (the wrong record's
 * 注销 is started through the change workflow, type "cancel") or dismiss,
 * each with a reason, an audit entry and an event on both records.
 *
 * Runs inside the caller's write transaction; never replies.
 */
#include <stdlib.h>
#include <string.h>

#include "change/change.h"
#include "core/util.h"
#include "student/identity.h"
#include "student/student_store.h"

static enum xj_err
record_outcome (struct xj_db *db, const struct xj_dup_flag *f,
                const struct xj_actor *a, const char *state,
                const char *reason, int64_t change_id)
{
  char idbuf[24];
  json_t *j = json_pack ("{s:I, s:I, s:s, s:s, s:I}", "student_id",
                         (json_int_t) f->student_id, "other_id",
                         (json_int_t) f->other_id, "state", state, "reason",
                         reason, "change_id", (json_int_t) change_id);
  char *after = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);
  char at[32];
  enum xj_err e;

  json_decref (j);
  xj_now_iso (at);
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) f->id);
  e = xj_identity_flag_resolve (db, f, state, a->username, reason,
                                change_id);
  if (XJ_E_OK == e)
    e = xj_student_add_event (db, f->student_id, a, "duplicate.review", at,
                              NULL, after);
  if (XJ_E_OK == e)
    e = xj_student_add_event (db, f->other_id, a, "duplicate.review", at,
                              NULL, after);
  if (XJ_E_OK == e)
    e = xj_audit_append (db, a, 0 == strcmp (state, "dismissed")
                                  ? "duplicate.dismiss"
                                  : "duplicate.confirm",
                         "duplicate_flag", idbuf, NULL, after);
  free (after);
  return e;
}

enum xj_err
xj_dup_review (struct xj_db *db, const struct xj_user *u,
               const struct xj_actor *a, int64_t flag_id, bool confirm,
               int64_t cancel_id, const char *reason, int64_t *change_id,
               const char **field)
{
  struct xj_dup_flag f;
  enum xj_err e;

  *change_id = 0;
  *field = NULL;
  if (XJ_E_OK != (e = xj_identity_flag_get (db, flag_id, &f)))
    return e;
  if (0 != strcmp (f.state, "open"))
    return XJ_E_DUP_FLAG_STATE;
  if (confirm)
    {
      struct xj_change_new n = { .type = XJ_CH_CANCEL,
                                 .student_id = cancel_id,
                                 .reason = reason };

      if (cancel_id != f.student_id && cancel_id != f.other_id)
        {
          *field = "cancel_id";
          return XJ_E_BAD_PARAM;
        }
      e = xj_change_create (db, u, a, &n, change_id, field);
      if (XJ_E_OK != e)
        return e;
    }
  return record_outcome (db, &f, a, confirm ? "confirmed" : "dismissed",
                         reason, *change_id);
}
