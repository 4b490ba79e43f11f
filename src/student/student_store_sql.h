/* student_store_sql.h -- SQL text shared by the student list statements
 * (student_store.c) and the export iterator (student_export_store.c), so
 * the scope and filter WHERE clause is written once, and the province
 * every registry row is written with (migration 0039), which the stores
 * of every module share.  Only *_store.c files include this.
 */
#ifndef XJ_STUDENT_STORE_SQL_H
#define XJ_STUDENT_STORE_SQL_H

/* The scope and filter conditions of list, count and export, on students
   st alone (no join needed, so a count can be answered from an index).
   $1 county prefix ('' = all), $2 scope school (0 = all, -1 = none), $3
   teacher user id (0 = no class restriction), $4..$7 filters (school,
   grade, class, status), $8 a name part (LIKE-escaped with '\\'; lower()
   on both sides because LIKE ignores ASCII case on SQLite, not on
   PostgreSQL: docs/db.md "Portable SQL").  The
   county is matched through the schools table, so a bureau's students are
   the rows of its schools (an index range on schools_county, then one on
   students per school; student_store.c adds that form as a "shape"). */
#define XJ_STUDENT_FILTER_WHERE                                                \
  " ($1 = '' OR st.school_id IN (SELECT id FROM schools"                       \
  "  WHERE" XJ_IN_REGION ("county_code", "$1") "))"                    \
  " AND ($2 = 0 OR st.school_id = $2)"                                         \
  " AND ($3 = 0 OR st.class_id IN (SELECT class_id FROM user_classes"          \
  "  WHERE user_id = $3))"                                                     \
  " AND ($4 = 0 OR st.school_id = $4)"                                         \
  " AND (CAST($5 AS TEXT) IS NULL OR st.grade = $5)"                           \
  " AND ($6 = 0 OR st.class_id = $6)"                                          \
  " AND (CAST($7 AS TEXT) IS NULL OR st.status = $7)"                          \
  " AND (CAST($8 AS TEXT) IS NULL"                                             \
  "  OR lower(st.name) LIKE '%' || lower($8) || '%' ESCAPE '\\')"

/* The province (migration 0039) of row @p (a placeholder) of table @t:
   what a row hanging off a record, change request or dropout case is
   written with, so that it moves with the record (docs/db.md). */
#define XJ_PROVINCE_OF(t, p) "(SELECT province FROM " t " WHERE id = " p ")"
/* The province of county code @c (an expression): its first two digits. */
#define XJ_COUNTY_PROVINCE(c) "CAST(substr(" c ", 1, 2) AS INTEGER)"
/* " AND" the record's province (column @col) is region @r's (a
   non-empty code): on PostgreSQL only that province's partition is read
   (migration 0040, docs/db.md "Partitions"); a condition that also
   allows '' (every province) would let it prune none. */
#define XJ_REGION_PROVINCE(col, r) " AND " col " = " XJ_COUNTY_PROVINCE (r)
/* An import's province: its school's (@school, a placeholder, 0 for a
   bureau's), else its region's (@region), else 0 (an administrator). */
#define XJ_IMPORT_PROVINCE(school, region)                                \
  "coalesce(" XJ_SCHOOL_PROVINCE (school) ", CAST(NULLIF(substr(" region \
  ", 1, 2), '') AS INTEGER), 0)"
/* The province of school @p (a placeholder): a record's province is its
   school's; an UPDATE that moves it to another province moves its rows
   along (students_province_move, migration 0039). */
#define XJ_SCHOOL_PROVINCE(p)                                             \
  "(SELECT " XJ_COUNTY_PROVINCE ("county_code") " FROM schools"           \
  " WHERE id = " p ")"

/* The records holding ID number @idno (current, of any type) or
   registry number @reg (current, or former: an alias), columns @cols of
   the identity tables (migration 0038: student_id, province), each
   record once.  Reached by the numbers' keys there: on PostgreSQL
   students has no index on either number (0043, docs/db.md "One ID, one
   number").  registry_numbers holds every record's current number and
   its aliases; student_aliases again for a legacy alias that 0038's
   backfill left with the record holding the number now. */
#define XJ_NUMBER_HOLDERS(cols, idno, reg)                                     \
  "SELECT " cols " FROM student_identities WHERE id_no = " idno                \
  " UNION SELECT " cols " FROM registry_numbers WHERE registry_no = " reg      \
  " UNION SELECT " cols " FROM student_aliases WHERE registry_no = " reg
/* ... the same as the FROM item h of a record's look-up: joined by the
   key, students (a partitioned table on PostgreSQL) is read in the
   holder's province only. */
#define XJ_NUMBER_HOLDERS_JOIN(idno, reg)                                      \
  " (" XJ_NUMBER_HOLDERS ("student_id, province", idno, reg) ") AS h"          \
  " JOIN students st ON st.id = h.student_id AND st.province = h.province"

/* $9 a full ID or registry number (current or former: an L number kept
   as alias after L->G), matched exactly: never a prefix, so no query
   learns digits a list masks (docs/internals/masking.md). */
#define XJ_STUDENT_NUMBER_MATCH                                                \
  " st.id IN (" XJ_NUMBER_HOLDERS ("student_id", "$9", "$9") ")"

/* One FROM/WHERE for the export: the filters above, $9 optional. */
#define XJ_STUDENT_LIST_FROM                                                   \
  " FROM students st JOIN schools sc ON sc.id = st.school_id"                  \
  " LEFT JOIN classes c ON c.id = st.class_id"                                 \
  " WHERE" XJ_STUDENT_FILTER_WHERE                                             \
  " AND (CAST($9 AS TEXT) IS NULL OR" XJ_STUDENT_NUMBER_MATCH ")"

/* The review filters, after XJ_STUDENT_LIST_FROM: $12 dup_flag (0 =
   any, 1 = flagged, 2 = not flagged), $13 warned (1 = only records with
   a warning not confirmed by the registrar, 2 = with any stored warning,
   0 = any).  Numbered after the list's LIMIT/OFFSET
   ($10, $11) and the export's id/LIMIT ($10, $11) so those keep their
   numbers; the count statement binds $10 and $11 as zeros and names them
   in XJ_STUDENT_COUNT_UNUSED (PostgreSQL must know every parameter's
   type).  dup_flag is 0/1: 2 - $12 is the flag wanted (no boolean
   compared with an integer).  The warnings are looked up per student of
   the scope (student_warnings_student): "st.id IN (SELECT student_id
   FROM student_warnings ...)" read every warning of the registry
   (PostgreSQL: a sequential scan; tests/http/test_pg_plans.py). */
#define XJ_STUDENT_LIST_FLAGS                                                  \
  " AND ($12 = 0 OR st.dup_flag = 2 - $12)"                                    \
  " AND ($13 = 0 OR EXISTS (SELECT 1 FROM student_warnings w"                  \
  "  WHERE w.student_id = st.id AND ($13 = 2 OR w.confirm_id IS NULL)))"

/* The count's unused LIMIT/OFFSET slots $10, $11 (bound 0): always true. */
#define XJ_STUDENT_COUNT_UNUSED                                                \
  " AND CAST($10 AS BIGINT) + CAST($11 AS BIGINT) = 0"

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
/* Region code column @col lies in region @r (a placeholder: a code
   prefix, '' for every region), as a range an index can serve.  The
   form "(@r = '' OR substr(@col, 1, length(@r)) = @r)" reads the whole
   table or index instead: at 10,000,000 students SQLite answered
   /class-sizes/trend of one county in 4.7 s by walking every student
   (bench/README.md "Province scale").  Codes are digits, and ':' sorts
   right after '9'. */
#define XJ_IN_REGION(col, r) \
  " (" col " >= " r " AND " col " < " r " || ':')"

/* Escape LIKE wildcards so a user's '%', '_' or '\\' matches literally
   ($8 of XJ_STUDENT_LIST_FROM).  Caller frees. */
char *xj_student_like_escape (const char *q);

#endif
