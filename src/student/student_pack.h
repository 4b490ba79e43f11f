/* student_pack.h -- the stored form of a record's `data` column: every
 * non-column field that is given, packed as (field number, value) pairs.
 *
 * Why not JSON: the key names were half of every row (a million-row
 * registry was 1.6 GB, twice the sqlite3 baseline's table), and every
 * byte is written to the WAL, checkpointed and scanned by each index
 * build.  docs/decisions/0001-packed-student-data.md has the numbers and
 * docs/db.md the format.  Rows written before it hold JSON text; readers
 * accept both (xj_student_data_load).
 *
 * Pure: no SQL, no HTTP.  Thread-safe.
 */
#ifndef XJ_STUDENT_PACK_H
#define XJ_STUDENT_PACK_H

#include <stddef.h>
#include "core/util.h"
#include "student/student.h"

/* First byte of a packed value (JSON text starts with '{' or space). */
#define XJ_PACK_V1 0x01

/* Pack the given non-column fields of @s into @b (reset first). */
void xj_student_pack (const struct xj_student *s, struct xj_buf *b);

/* Apply the packed fields at @p (@n bytes, first byte XJ_PACK_V1) onto
   @s; fields not in it are left as they are.  XJ_E_INTERNAL on a
   malformed value (some fields may then be set), not logged: the caller
   knows whether that is damage (xj_student_data_load) or a test. */
enum xj_err xj_student_unpack (struct xj_student *s, const void *p, size_t n);

/* The field number of every non-column field, and the field of a number
   (NULL when unused).  For tests. */
unsigned xj_student_pack_no (const struct xj_field *f);
const struct xj_field *xj_student_pack_field (unsigned no);

#endif
