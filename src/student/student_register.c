/* student_register.c -- registration and L-to-G conversion rules.
 * Runs inside the caller's write transaction; never replies or prints.
 */
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"
#include "student/student_json.h"
#include "student/student_register.h"

static void
dup_found (void *cls, int64_t id, const char *name, int64_t school_id,
           const char *school_name, const char *county_code)
{
  struct xj_register_result *res = cls;

  if (res->ndups >= XJ_MAX_DUPS)
    return;
  res->dups[res->ndups].id = id;
  res->dups[res->ndups].school_id = school_id;
  xj_strlcpy (res->dups[res->ndups].name, name, sizeof res->dups[0].name);
  xj_strlcpy (res->dups[res->ndups].school_name, school_name,
              sizeof res->dups[0].school_name);
  xj_strlcpy (res->dups[res->ndups].county_code, county_code,
              sizeof res->dups[0].county_code);
  res->ndups++;
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
                     const char *county6, const struct xj_actor *a,
                     struct xj_register_result *res)
{
  char at[32];
  char idbuf[24];
  char *after;
  enum xj_err e;

  memset (res, 0, sizeof *res);
  if (s->id_no[0])
    {
      e = xj_student_find_by_id_no (db, s->id_type, s->id_no,
                                    &res->holder_student_id,
                                    &res->holder_school_id);
      if (XJ_E_OK == e)
        return XJ_E_ID_EXISTS;
      if (XJ_E_NOT_FOUND != e)
        return e;
    }
  if (0 == strcmp (s->id_type, "1") && 18 == strlen (s->id_no))
    xj_registry_no_g (s->id_no, s->registry_no);
  else
    {
      unsigned seq;

      e = xj_student_next_lseq (db, &seq);
      if (XJ_E_OK != e)
        return e;
      xj_registry_no_l (county6, s->birth_date, seq, s->registry_no);
    }
  e = xj_student_dup_candidates (db, s, &dup_found, res);
  if (XJ_E_OK != e)
    return e;
  s->dup_flag = res->ndups > 0;
  xj_strlcpy (s->status, "enrolled", sizeof s->status);
  xj_now_iso (at);
  e = xj_student_insert (db, s, a, "register", at);
  if (XJ_E_OK != e)
    return e;
  for (unsigned i = 0; i < res->ndups; i++)
    {
      e = xj_student_flag_dup (db, s->id, res->dups[i].id,
                               "same name, birth date and guardian phone");
      if (XJ_E_OK != e)
        return e;
    }
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) s->id);
  after = record_json (s);
  e = xj_audit_append (db, a, "student.register", "student", idbuf, NULL,
                       after);
  free (after);
  return e;
}

enum xj_err
xj_student_assign_id (struct xj_db *db, int64_t id, int64_t expect_version,
                      const char *id18, const struct xj_actor *a,
                      struct xj_register_result *res)
{
  struct xj_student *s = xj_malloc (sizeof *s);
  char old_no[24];
  char *before = NULL, *after = NULL;
  char idbuf[24];
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
  e = xj_student_store_update (db, s, s->version, a, "assign_id", before,
                               after);
  if (XJ_E_OK != e)
    goto out;
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) s->id);
  e = xj_audit_append (db, a, "student.assign_id", "student", idbuf, before,
                       after);
out:
  free (before);
  free (after);
  free (s);
  return e;
}
