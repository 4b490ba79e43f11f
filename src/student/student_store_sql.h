/* student_store_sql.h -- SQL text shared by the student list statements
 * (student_store.c) and the export iterator (student_export_store.c), so
 * the scope and filter WHERE clause is written once.  Only *_store.c
 * files include this.
 */
#ifndef XJ_STUDENT_STORE_SQL_H
#define XJ_STUDENT_STORE_SQL_H

/* One WHERE clause for list, count and export.  $1 county prefix ('' =
   all), $2 scope school (0 = all, -1 = none), $3 teacher user id (0 = no
   class restriction), $4..$7 filters (school, grade, class, status), $8
   a name part (LIKE-escaped with '\'), $9 a full ID or registry number
   (current or former: an L number kept as alias after L->G), matched
   exactly: never a prefix, so no query learns digits a list masks
   (docs/internals/masking.md). */
#define XJ_STUDENT_LIST_FROM                                                   \
  " FROM students st JOIN schools sc ON sc.id = st.school_id"                  \
  " LEFT JOIN classes c ON c.id = st.class_id"                                 \
  " WHERE ($1 = '' OR (sc.county_code >= $1 AND sc.county_code < $1 || ':'))"  \
  " AND ($2 = 0 OR st.school_id = $2)"                                         \
  " AND ($3 = 0 OR st.class_id IN (SELECT class_id FROM user_classes"          \
  "  WHERE user_id = $3))"                                                     \
  " AND ($4 = 0 OR st.school_id = $4) AND ($5 IS NULL OR st.grade = $5)"       \
  " AND ($6 = 0 OR st.class_id = $6) AND ($7 IS NULL OR st.status = $7)"       \
  " AND ($8 IS NULL OR st.name LIKE '%' || $8 || '%' ESCAPE '\\')"             \
  " AND ($9 IS NULL OR st.registry_no = $9 OR st.id_no = $9"                   \
  "  OR st.id IN (SELECT student_id FROM student_aliases"                      \
  "   WHERE registry_no = $9))"

/* The review filters, after XJ_STUDENT_LIST_FROM: $12 dup_flag (0 =
   any, 1 = flagged, 2 = not flagged), $13 warned (1 = only records with
   stored warnings, 0 = any).  Numbered after the list's LIMIT/OFFSET
   ($10, $11) and the export's id/LIMIT ($10, $11) so those keep their
   numbers; the count statement binds $10 and $11 as unused zeros. */
#define XJ_STUDENT_LIST_FLAGS                                                  \
  " AND ($12 = 0 OR st.dup_flag = ($12 = 1))"                                  \
  " AND ($13 = 0 OR st.id IN (SELECT student_id FROM student_warnings))"

/* The columns of one whole record with its context, in the order
   xj_student_from_row reads them; FROM must join schools sc and classes c. */
#define XJ_STUDENT_RECORD_COLS                                            \
  "st.id, st.registry_no, st.id_type, coalesce(st.id_no, ''), st.name,"  \
  " st.gender, st.birth_date, st.school_id, coalesce(st.class_id, 0),"    \
  " st.grade, st.status, st.dup_flag, st.version, st.data,"               \
  " sc.county_code, sc.name, sc.code, coalesce(c.name, ''),"              \
  " st.created_at, st.updated_at"

struct xj_db_row;
struct xj_student;
struct xj_student_ctx;
/* Decode a row selected with XJ_STUDENT_RECORD_COLS into @s (and @ctx,
   may be NULL). */
void xj_student_from_row (const struct xj_db_row *r, struct xj_student *s,
                          struct xj_student_ctx *ctx);
/* Escape LIKE wildcards so a user's '%', '_' or '\\' matches literally
   ($8 of XJ_STUDENT_LIST_FROM).  Caller frees. */
char *xj_student_like_escape (const char *q);

#endif
