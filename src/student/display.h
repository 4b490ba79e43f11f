/* display.h -- before/after of timeline events, change requests and audit
 * entries as field lists a screen can label (docs/internals/display.md).
 *
 * The stored JSON stays as it is (the legal record); these functions only
 * add readable companions to an answer: a "changes" list per item and
 * the names of the schools and classes its ids point to.
 */
#ifndef XJ_STUDENT_DISPLAY_H
#define XJ_STUDENT_DISPLAY_H

#include <jansson.h>
#include "db/db.h"
#include "user/user.h"

/* Add to every object of @items that has "before" and/or "after" (already
   masked: xj_student_mask_json) a "changes" array of
   {"field","before"?,"after"?,"before_text"?,"after_text"?}, one per key
   whose value differs (a key only in "after" -- a reason, a comment --
   has no "before").  Nested objects are flattened ("payload" and
   "changes" into their parent, others as "outer.inner"), masked on the
   way; bookkeeping keys (version, timestamps, row ids of requests) are
   left out.  Keys ending in "school_id" or "class_id" get the school's or
   class's name as *_text, looked up in one batched query each for all
   @items; a class is named only when @u may see its school (else no
   *_text: the screen says "a class of another school"), and a move
   between two classes of one school @u may not see gets
   "other_school_move": true instead (the screen says so once).
   Read-only; any transaction or none. */
enum xj_err xj_display_changes (struct xj_db *db, const struct xj_user *u,
                                json_t *items);

/* Add "entity_name" to audit entries (@items as GET /audit answers them)
   whose entity is a student (the name), a change request (the student's
   name), a school (its name) or a user (the display name), one batched
   lookup per kind.  For
   administrators (the audit route's role): no scope filter. */
enum xj_err xj_display_entities (struct xj_db *db, const struct xj_user *u,
                                 json_t *items);

#endif
