/* student_export_store.h -- walk every student of a scoped, filtered
 * list, whole records included, in bounded memory (keyset pages of
 * 5,000: `st.id > last ORDER BY st.id LIMIT 5000`, the same scope/filter
 * WHERE as xj_student_list; a small region's school by school).  For exports
 * and printing.
 */
#ifndef XJ_STUDENT_EXPORT_STORE_H
#define XJ_STUDENT_EXPORT_STORE_H

#include "student/student_store.h"

/* Called once per student; @s and @ctx are valid only during the call.
   Return XJ_E_OK to go on, anything else to stop (xj_student_each then
   returns it).  May run other statements on @db, never
   xj_student_each itself (its page statement is still stepping). */
typedef enum xj_err (*xj_student_each_cb) (void *cls,
                                           const struct xj_student *s,
                                           const struct xj_student_ctx *ctx);

/* Every student within @scope_* (as xj_student_list) matching @f (sort,
   limit and offset ignored), in row-id order; for a region holding
   fewer than half of the database's schools (a county in a province's
   database), school by school (by county code, then school code), each
   in row-id order.  Not inside a transaction:
   each page is its own statement, so a page sees the rows committed when
   it runs (rows added behind the cursor meanwhile are not visited twice
   and not skipped if their id is higher). */
enum xj_err xj_student_each (struct xj_db *db, const char *scope_prefix,
                             int64_t scope_school, int64_t scope_teacher,
                             const struct xj_student_filter *f,
                             xj_student_each_cb cb, void *cls);

#endif
