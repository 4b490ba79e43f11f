/* dup_merge.c -- merging a confirmed duplicate into the record that
 * survives (一人一籍): the merged record is closed (注销, reason 合并) and
 * linked to the survivor, never rewritten or deleted; the survivor's
 * timeline and former numbers read through the link.
 *
 * Runs inside the caller's write transaction; never replies.
 * docs/internals/identity.md "Merge".
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/util.h"
#include "student/identity.h"
#include "student/student_store.h"

#define MERGE_REASON "合并"

static bool
active (const struct xj_student *s)
{
  return 0 == strcmp (s->status, "enrolled")
         || 0 == strcmp (s->status, "suspended");
}

/* Must the survivor @k take over the enrolment of merged record @m?
   Both 在读 at different schools: the school the bureau names keeps the
   student (XJ_E_MERGE_SCHOOL when it named none); otherwise only when
   the merged record is the only active one. */
static enum xj_err
takes_over (const struct xj_student *k, const struct xj_student *m,
            int64_t keep_school, bool *take, const char **field)
{
  *take = false;
  if (0 == strcmp (k->status, "enrolled")
      && 0 == strcmp (m->status, "enrolled") && k->school_id != m->school_id)
    {
      *field = "keep_school_id";
      if (0 == keep_school)
        return XJ_E_MERGE_SCHOOL;
      if (keep_school != k->school_id && keep_school != m->school_id)
        return XJ_E_BAD_PARAM;
      *field = NULL;
      *take = keep_school == m->school_id;
      return XJ_E_OK;
    }
  *take = active (m) && ! active (k);
  return XJ_E_OK;
}

static json_t *
placement (const struct xj_student *s)
{
  return json_pack ("{s:s, s:I, s:I, s:s, s:s}", "registry_no",
                    s->registry_no, "school_id", (json_int_t) s->school_id,
                    "class_id", (json_int_t) s->class_id, "grade", s->grade,
                    "status", s->status);
}

static char *
dump (json_t *j)
{
  char *t = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);

  json_decref (j);
  return t;
}

/* Store @s with a "merge" event: before/after its placement, @link
   (merged_from / merged_into) added to after. */
static enum xj_err
store_merge_event (struct xj_db *db, const struct xj_actor *a,
                   struct xj_student *s, json_t *before, json_t *link,
                   const char *reason)
{
  json_t *after = placement (s);
  char *tb, *ta;
  enum xj_err e;

  json_object_update (after, link);
  json_object_set_new (after, "reason", json_string (reason));
  json_decref (link);
  tb = dump (before);
  ta = dump (after);
  e = xj_student_store_update (db, s, s->version, a, "merge", tb, ta);
  free (tb);
  free (ta);
  return e;
}

/* The survivor's event (taking over the enrolment when @take) and the
   merged record's (注销, 合并). */
static enum xj_err
write_both (struct xj_db *db, const struct xj_actor *a, struct xj_student *k,
            struct xj_student *m, bool take, const char *reason)
{
  json_t *kb = placement (k), *mb = placement (m);
  enum xj_err e;

  if (take)
    {
      k->school_id = m->school_id;
      k->class_id = m->class_id;
      xj_strlcpy (k->grade, m->grade, sizeof k->grade);
      xj_strlcpy (k->status, m->status, sizeof k->status);
    }
  e = store_merge_event (db, a, k, kb,
                         json_pack ("{s:I, s:s}", "merged_id",
                                    (json_int_t) m->id, "merged_no",
                                    m->registry_no),
                         reason);
  if (XJ_E_OK != e)
    {
      json_decref (mb);
      return e;
    }
  xj_strlcpy (m->status, "cancelled", sizeof m->status);
  return store_merge_event (db, a, m, mb,
                            json_pack ("{s:I, s:s, s:s}", "survivor_id",
                                       (json_int_t) k->id, "survivor_no",
                                       k->registry_no, "cancel_reason",
                                       MERGE_REASON),
                            reason);
}

/* Close the flag, link the records, append the audit entry. */
static enum xj_err
record_merge (struct xj_db *db, const struct xj_actor *a,
              const struct xj_dup_flag *f, const struct xj_student *k,
              const struct xj_student *m, const char *merged_no,
              const struct xj_dup_merge_req *q)
{
  char idbuf[24], *after;
  enum xj_err e;

  e = xj_identity_flag_resolve (db, f, "confirmed", a->username, q->reason,
                                0);
  if (XJ_E_OK == e)
    e = xj_identity_merge_add (db, m->id, k->id, merged_no, f->id, q->reason,
                               a->username);
  if (XJ_E_OK != e)
    return e;
  after = dump (json_pack ("{s:I, s:s, s:I, s:s, s:I, s:I, s:s}",
                           "survivor_id", (json_int_t) k->id, "survivor_no",
                           k->registry_no, "merged_id", (json_int_t) m->id,
                           "merged_no", merged_no, "school_id",
                           (json_int_t) k->school_id, "keep_school_id",
                           (json_int_t) q->keep_school_id, "reason",
                           q->reason));
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) f->id);
  e = xj_audit_append (db, a, "duplicate.merge", "duplicate_flag", idbuf,
                       NULL, after);
  free (after);
  return e;
}

/* The pair's records: *k the survivor, *m the one merged into it. */
static enum xj_err
load_pair (struct xj_db *db, const struct xj_dup_flag *f,
           const struct xj_dup_merge_req *q, struct xj_student *k,
           struct xj_student *m, const char **field)
{
  int64_t into;
  enum xj_err e;

  if (q->survivor_id != f->student_id && q->survivor_id != f->other_id)
    {
      *field = "survivor_id";
      return XJ_E_BAD_PARAM;
    }
  e = xj_student_load (db, q->survivor_id, k);
  if (XJ_E_OK == e)
    e = xj_student_load (db, q->survivor_id == f->student_id ? f->other_id
                                                             : f->student_id,
                         m);
  if (XJ_E_OK != e)
    return e;
  if (0 == strcmp (k->status, "deceased") || 0 == strcmp (m->status,
                                                           "deceased"))
    return XJ_E_STUDENT_DECEASED;
  for (int i = 0; i < 2 && XJ_E_OK == e; i++)
    {
      e = xj_identity_merged_into (db, i ? m->id : k->id, &into);
      if (XJ_E_OK == e && into)
        e = XJ_E_MERGE_DONE;
    }
  return e;
}

enum xj_err
xj_dup_merge (struct xj_db *db, const struct xj_actor *a,
              const struct xj_dup_merge_req *q, const char **field)
{
  struct xj_dup_flag f;
  struct xj_student *k = xj_malloc (sizeof *k);
  struct xj_student *m = xj_malloc (sizeof *m);
  char merged_no[sizeof m->registry_no];
  bool take = false;
  enum xj_err e;

  *field = NULL;
  e = xj_identity_flag_get (db, q->flag_id, &f);
  if (XJ_E_OK == e && 0 != strcmp (f.state, "open"))
    e = XJ_E_DUP_FLAG_STATE;
  if (XJ_E_OK == e)
    e = load_pair (db, &f, q, k, m, field);
  if (XJ_E_OK == e)
    e = takes_over (k, m, q->keep_school_id, &take, field);
  if (XJ_E_OK == e)
    {
      xj_strlcpy (merged_no, m->registry_no, sizeof merged_no);
      e = write_both (db, a, k, m, take, q->reason);
    }
  if (XJ_E_OK == e)
    e = record_merge (db, a, &f, k, m, merged_no, q);
  free (k);
  free (m);
  return e;
}
