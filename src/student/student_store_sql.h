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
   text query (LIKE-escaped with '\'). */
#define XJ_STUDENT_LIST_FROM                                                   \
  " FROM students st JOIN schools sc ON sc.id = st.school_id"                  \
  " LEFT JOIN classes c ON c.id = st.class_id"                                 \
  " WHERE ($1 = '' OR (sc.county_code >= $1 AND sc.county_code < $1 || ':'))"  \
  " AND ($2 = 0 OR st.school_id = $2)"                                         \
  " AND ($3 = 0 OR st.class_id IN (SELECT class_id FROM user_classes"          \
  "  WHERE user_id = $3))"                                                     \
  " AND ($4 = 0 OR st.school_id = $4) AND ($5 IS NULL OR st.grade = $5)"       \
  " AND ($6 = 0 OR st.class_id = $6) AND ($7 IS NULL OR st.status = $7)"       \
  " AND ($8 IS NULL OR st.name LIKE '%' || $8 || '%' ESCAPE '\\'"              \
  "  OR st.registry_no LIKE $8 || '%' ESCAPE '\\'"                             \
  "  OR st.id_no LIKE $8 || '%' ESCAPE '\\')"

#endif
