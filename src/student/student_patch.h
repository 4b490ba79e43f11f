/* student_patch.h -- THE edit of a student record (PATCH
 * /students/{id}): the body's checks, scope, the fields allowed to change,
 * validation and rules, the diff and the transaction that writes it.
 * Every path that edits a record's fields calls xj_student_patch; the
 * HTTP handler only parses the request and replies.
 */
#ifndef XJ_STUDENT_PATCH_H
#define XJ_STUDENT_PATCH_H

#include <jansson.h>
#include <stdbool.h>
#include "student/student_store.h"
#include "user/user.h"

/* What xj_student_patch answers besides its error code.  Initialised by
   xj_student_patch; release with xj_student_patch_out_fini. */
struct xj_student_patch_out {
  /* the record after the edit (as loaded when nothing changed); owned,
     NULL when it was not loaded (refused body, missing or out of scope) */
  struct xj_student *s;
  struct xj_student_ctx ctx;   /* its school and class names */
  bool changed;                /* false: no field differed, nothing written */
  /* on a refusal: the field it names (static or a key of the body, valid
     while the body lives) or NULL, and the detail of the message or NULL
     (then the error's own text is the message) */
  const char *field;
  const char *detail;          /* NULL or detail_buf */
  char detail_buf[200];
  /* on XJ_E_VALIDATION: every field error; owned */
  struct xj_verrs *errs;
};

/* Edit student @id as user @u (actor @a) with the JSON object @body: the
   record's fields to change, "version" (required, the version read; a
   stale one is XJ_E_CONFLICT) and optionally "status" unchanged (the
   edit form sends the record back whole; a changed status is
   XJ_E_PATCH_STATUS).  The registry number, grade, school, class and
   status change only through their own actions (xj_student_edit_check).
   A record outside @u's scope, readable but not writable included, is
   XJ_E_NOT_FOUND like a missing one.  The record is validated and
   checked against the school's rules (errors collected in out->errs,
   XJ_E_VALIDATION; warnings stored with the record); then, if any field
   differs, the record, a student_events "update" row with before/after
   and a student.update audit entry are written in one transaction.
   Removes "status" from @body.  Caller owns @body and @out. */
enum xj_err xj_student_patch (struct xj_db *db, const struct xj_user *u,
                              const struct xj_actor *a, int64_t id,
                              json_t *body,
                              struct xj_student_patch_out *out);

/* Free what @out owns; accepts an out never filled. */
void xj_student_patch_out_fini (struct xj_student_patch_out *out);

#endif
