/* student_store.c -- the students, student_events, student_aliases and
 * duplicate_flags SQL.  Callers hold the transaction; nothing here checks
 * scope (the service layer and handlers do, before calling).
 * student_events is append-only: we only ever INSERT into it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "student/identity.h"
#include "student/student_json.h"
#include "student/student_store.h"
#include "student/student_pack.h"
#include "student/student_store_sql.h"
#include "user/session_sql.h"
#include "user/user.h"

XJ_DB_STMT (st_stu_insert,
            "INSERT INTO students (registry_no, id_type, id_no, name,"
            " gender, birth_date, school_id, class_id, grade, status,"
            " dup_flag, version, guardian_phone, data, created_at,"
            " updated_at, created_by, province) VALUES ($1, $2, $3, $4, $5,"
            " $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $14, $15, "
            XJ_SCHOOL_PROVINCE ("$7") ") RETURNING id")
XJ_DB_STMT (st_stu_event,
            "INSERT INTO student_events (student_id, kind, at, actor_id,"
            " actor, before, after, province) VALUES ($1, $2, $3, $4, $5,"
            " $6, $7, " XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_stu_get,
            "SELECT " XJ_STUDENT_RECORD_COLS " FROM students st"
            " JOIN schools sc ON sc.id = st.school_id"
            " LEFT JOIN classes c ON c.id = st.class_id WHERE st.id = $1")
XJ_DB_STMT (st_stu_by_idno,
            "SELECT i.student_id, st.school_id FROM student_identities i"
            " JOIN students st ON st.id = i.student_id WHERE i.id_no = $2"
            " AND CAST($1 AS TEXT) IS NOT NULL"
            " ORDER BY CASE WHEN i.id_type = $1 THEN 0 ELSE 1 END LIMIT 1")
XJ_DB_STMT (st_stu_lookup,
            "SELECT st.id, st.name, st.school_id, sc.name, st.grade, st.status"
            " FROM" XJ_NUMBER_HOLDERS_JOIN ("$1", "$2")
            " JOIN schools sc ON sc.id = st.school_id")
XJ_DB_STMT (st_stu_dups,
            "SELECT st.id, st.name, st.school_id, sc.name, sc.county_code"
            " FROM students st JOIN schools sc ON sc.id = st.school_id"
            " WHERE st.name = $1 AND st.birth_date = $2 AND st.guardian_phone = $3"
            " AND coalesce(st.id_no, '') <> $4 AND st.id <> $5")
XJ_DB_STMT (st_stu_flag_dup,
            "INSERT INTO duplicate_flags (student_id, other_id, reason,"
            " created_at, province) VALUES ($1, $2, $3, $4, "
            XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_stu_set_dup, "UPDATE students SET dup_flag = 1 WHERE id = $1")
/* 1 when the record's school (@p) is now in another province than the
   record (st_stu_move follows), else 0 */
#define MOVED(p)                                                          \
  "CASE WHEN province = " XJ_SCHOOL_PROVINCE (p) " THEN 0 ELSE 1 END"
XJ_DB_STMT (st_stu_update,
            "UPDATE students SET registry_no = $3, id_type = $4, id_no = $5,"
            " name = $6, gender = $7, birth_date = $8, school_id = $9,"
            " class_id = $10, grade = $11, status = $12, dup_flag = $13,"
            " guardian_phone = $14, data = $15, updated_at = $16,"
            " version = version + 1 WHERE id = $1 AND version = $2"
            " RETURNING " MOVED ("$9"))
/* the placement only (xj_student_store_place): an UPDATE naming a column
   rewrites every index on it even when the value is unchanged, so naming
   registry_no, id_no, name, birth date and phone too cost six index
   deletes and inserts per student, scattered over the whole table */
XJ_DB_STMT (st_stu_place,
            "UPDATE students SET school_id = $3, class_id = $4, grade = $5,"
            " status = $6, data = $7, updated_at = $8,"
            " version = version + 1 WHERE id = $1 AND version = $2"
            " RETURNING " MOVED ("$3"))
/* A record whose new school is in another province moves there: an
   UPDATE of the province alone, after the UPDATE of the record.  Not in
   one statement: on PostgreSQL students is partitioned by province
   (migration 0040), an UPDATE that changes it moves the row to another
   partition, and PostgreSQL runs that as a DELETE and an INSERT, firing
   no AFTER UPDATE trigger: the placement log, the identities' and the
   name grams' triggers must see the school change first.  The record's
   other rows follow (students_province_move, and on PostgreSQL the
   composite foreign keys' ON UPDATE CASCADE). */
XJ_DB_STMT (st_stu_move,
            "UPDATE students SET province = "
            XJ_SCHOOL_PROVINCE ("students.school_id")
            " WHERE id = $1")
XJ_DB_STMT (st_stu_alias_add,
            "INSERT INTO student_aliases (registry_no, student_id,"
            " created_at, province) VALUES ($1, $2, $3, "
            XJ_PROVINCE_OF ("students", "$2") ")")
/* The records merged into $1, at any depth (A merged into B, B later
   merged into this record): their ids, numbers and when. */
#define MERGE_CHAIN \
  "WITH RECURSIVE chain (id, no, at) AS (" \
  " SELECT merged_id, merged_no, merged_at FROM student_merges" \
  " WHERE survivor_id = $1" \
  " UNION ALL SELECT m.merged_id, m.merged_no, m.merged_at" \
  " FROM student_merges m JOIN chain c ON m.survivor_id = c.id) "
/* a record's former numbers: its own aliases, and the number and aliases
   of every record merged into it (student_merges, at any depth) */
XJ_DB_STMT (st_stu_aliases,
            MERGE_CHAIN
            "SELECT registry_no FROM ("
            " SELECT registry_no, created_at AS at FROM student_aliases"
            " WHERE student_id = $1"
            " UNION ALL SELECT no, at FROM chain"
            " UNION ALL SELECT a.registry_no, a.created_at FROM student_aliases a"
            " JOIN chain c ON c.id = a.student_id) AS x ORDER BY at")
/* What GET of one record shows, in one statement when it has no former
   number and no stored warning (most records): on PostgreSQL each
   statement is a round trip and a statement's cost grows with its plan
   (the merge chain's recursive CTE and a union of the former numbers and
   the warnings beside the record cost 70 us of the server's CPU against
   41 us for this; bench/README.md).  The record with its context
   (XJ_STUDENT_RECORD_COLS), then whether it has former numbers (its own
   aliases or records merged into it) and stored warnings; @p is the
   placeholder of the record's id. */
#define VIEW_COLS(p)                                                      \
  XJ_STUDENT_RECORD_COLS ","                                              \
  " CASE WHEN EXISTS (SELECT 1 FROM student_aliases"                      \
  "  WHERE student_id = " p ") OR EXISTS (SELECT 1 FROM student_merges"   \
  "  WHERE survivor_id = " p ") THEN 1 ELSE 0 END,"                       \
  " CASE WHEN EXISTS (SELECT 1 FROM student_warnings"                     \
  "  WHERE student_id = " p ") THEN 1 ELSE 0 END"
XJ_DB_STMT (st_stu_view,
            "SELECT " VIEW_COLS ("$1")
            " FROM students st JOIN schools sc ON sc.id = st.school_id"
            " LEFT JOIN classes c ON c.id = st.class_id WHERE st.id = $1")
/* The same read beside the session check of the request (one statement
   on the auth connection, which sees the registry: user.h
   xj_session_get_with, session_sql.h); the record's columns are NULL
   when there is no such record. */
XJ_DB_AUTH_STMT (st_stu_view_session,
                 "SELECT " XJ_SESSION_COLS ", " VIEW_COLS ("$3")
                 " FROM " XJ_SESSION_FROM
                 " LEFT JOIN students st ON st.id = $3"
                 " LEFT JOIN schools sc ON sc.id = st.school_id"
                 " LEFT JOIN classes c ON c.id = st.class_id"
                 " WHERE " XJ_SESSION_WHERE)
/* the timeline: the record's events and those of the records merged into
   it (at any depth), each of these marked with its record's number */
XJ_DB_STMT (st_stu_events,
            MERGE_CHAIN
            "SELECT e.id, e.kind, e.at, e.actor, coalesce(e.before, ''),"
            " coalesce(e.after, ''), coalesce(u.display_name, ''),"
            " coalesce(c.no, '')"
            " FROM student_events e LEFT JOIN users u ON u.id = e.actor_id"
            " LEFT JOIN chain c ON c.id = e.student_id"
            " WHERE e.student_id = $1 OR e.student_id IN (SELECT id FROM chain)"
            " ORDER BY e.at, e.id")

/* ---- the list: one set of statements per "shape" ----

   One statement for every scope with "($n = 0 OR ...)" for each optional
   part let SQLite use no index: each page and its count scanned every
   student.  So each shape adds, to the same filter clause
   (XJ_STUDENT_FILTER_WHERE), the one condition of the request that an
   index can drive; the clause itself stays whole, so a shape only ever
   narrows and the scope holds whatever shape is chosen (list_shape).
   The shapes without a number search add "$9 IS NULL" (always true when
   they are chosen): a count then reads only columns of the students_list
   index (migration 0017) and never the rows. */
enum list_shape {
  SHAPE_NUMBER,    /* a full-number search: the identity tables (0038) */
  SHAPE_TEACHER,   /* a teacher: the classes in user_classes */
  SHAPE_SCHOOL,    /* one school (scope or filter): students_list */
  SHAPE_NAME_REGION, /* a bureau's name search: student_name_grams */
  SHAPE_NAME_ALL,  /* the whole registry's name search (admin): the same */
  SHAPE_GRADE_REGION, /* a bureau's grade: students_list (school, grade) */
  SHAPE_REGION,    /* a bureau: the schools of its county/city/province */
  SHAPE_ALL,       /* the whole registry (admin): nothing narrows */
  SHAPE__COUNT
};
#define NUM_ANY " AND CAST($9 AS TEXT) IS NULL"
/* the holders of the number by the identity tables' keys (the filter
   clause has no number test of its own) */
#define COND_NUMBER " AND" XJ_STUDENT_NUMBER_MATCH
#define COND_TEACHER                                                           \
  " AND st.class_id IN (SELECT class_id FROM user_classes WHERE user_id = $3)" \
  NUM_ANY
#define COND_SCHOOL                                                            \
  " AND st.school_id = (CASE WHEN $4 <> 0 THEN $4 ELSE $2 END)" NUM_ANY
/* A region's shapes name its province too: on PostgreSQL only its
   partition of students is read (migration 0040) */
#define IN_PROVINCE XJ_REGION_PROVINCE ("st.province", "$1")
#define COND_REGION                                                            \
  " AND st.school_id IN (SELECT id FROM schools"                               \
  "  WHERE" XJ_IN_REGION ("county_code", "$1") ")" IN_PROVINCE NUM_ANY
#define COND_ALL NUM_ANY
/* The name search (migration 0033): the candidates are the students of
   the region's schools holding gram $14 (one character or pair of the
   query: name_gram), which the filter clause's LIKE ($8) then checks; a
   region's 100,000 rows were all read for the LIKE before. */
#define GRAM_IN "st.id IN (SELECT g.student_id FROM student_name_grams g"      \
  "  WHERE g.gram = lower($14)"
/* ... kept a subquery of its own by a limit no query reaches (SQLite has
   no OFFSET without LIMIT).  Flattened into the outer query, PostgreSQL's
   custom plans (the first five runs of a prepared statement on each
   connection) joined the candidates to a Seq Scan of every student: at
   10,000,000 students 1.5-5.6 s, where the candidates read first, each
   student then by its key, take 15-200 ms (bench/README.md, "10,000,000
   students").  SQLite's plan is the same either way. */
#define GRAM_FENCE " LIMIT 2147483647)"
#define COND_NAME_REGION                                                       \
  " AND " GRAM_IN " AND g.school_id IN (SELECT id FROM schools"                \
  "  WHERE" XJ_IN_REGION ("county_code", "$1") ")" GRAM_FENCE        \
  IN_PROVINCE NUM_ANY
#define COND_NAME_ALL                                                          \
  " AND " GRAM_IN " AND g.school_id IN (SELECT id FROM schools)" GRAM_FENCE    \
  NUM_ANY
/* A grade of a region: "(CAST($5 AS TEXT) IS NULL OR st.grade = $5)"
   drives no index, so each of the region's schools was read whole
   (SQLite 25 ms for 100,000 rows; PostgreSQL's generic plan, chosen
   after five runs of the prepared statement, the same); with the grade
   an index key, only the grade's rows are read. */
#define COND_GRADE_REGION                                                      \
  " AND st.school_id IN (SELECT id FROM schools"                               \
  "  WHERE" XJ_IN_REGION ("county_code", "$1") ")"                     \
  " AND st.grade = $5" IN_PROVINCE NUM_ANY

#define LIST_SQL(cond, order)                                                  \
  "SELECT st.id, st.registry_no, st.name, st.gender, st.birth_date,"           \
  " coalesce(st.id_no, ''), st.school_id, sc.name, st.grade,"                  \
  " coalesce(st.class_id, 0), coalesce(c.name, ''), st.status, st.dup_flag"    \
  " FROM students st JOIN schools sc ON sc.id = st.school_id"                  \
  " LEFT JOIN classes c ON c.id = st.class_id"                                 \
  " WHERE" XJ_STUDENT_FILTER_WHERE XJ_STUDENT_LIST_FLAGS cond                  \
  " ORDER BY " order " LIMIT $10 OFFSET $11"
/* registry_no: by the part of the number a list shows (letter, address
   code, birth date: xj_mask), then by row: ordering on the hidden
   sequence digits would tell them */
#define ORDER_REGNO_A "substr(st.registry_no, 1, 15) ASC, st.id ASC"
#define ORDER_REGNO_D "substr(st.registry_no, 1, 15) DESC, st.id DESC"
/* The shapes that narrow sort the rows their index finds: @T and @I make
   the first key of each order an expression no index has (" || ''" on
   text, " + 0" on the id).  Ordered like an index, PostgreSQL walked it
   over the whole registry for a county's page, filtering (1.1 s at
   1,000,000 students, the county's rows last); a walk is list_walks'
   choice alone, and the whole registry's (SHAPE_ALL: "", ""). */
#define LIST_SHAPE(sh, cond, T, I, SQL)                                        \
  XJ_DB_STMT (st_list_##sh##_count,                                            \
              "SELECT count(*) FROM students st WHERE"                         \
              XJ_STUDENT_FILTER_WHERE XJ_STUDENT_LIST_FLAGS cond               \
              XJ_STUDENT_COUNT_UNUSED)                                         \
  XJ_DB_STMT (st_list_##sh##_regno_a,                                          \
              SQL (cond, "substr(st.registry_no, 1, 15)" T " ASC,"             \
                   " st.id ASC"))                                              \
  XJ_DB_STMT (st_list_##sh##_regno_d,                                          \
              SQL (cond, "substr(st.registry_no, 1, 15)" T " DESC,"            \
                   " st.id DESC"))                                             \
  XJ_DB_STMT (st_list_##sh##_name_a,                                           \
              SQL (cond, "st.name" T " ASC, st.id ASC"))                       \
  XJ_DB_STMT (st_list_##sh##_name_d,                                           \
              SQL (cond, "st.name" T " DESC, st.id DESC"))                     \
  XJ_DB_STMT (st_list_##sh##_birth_a,                                          \
              SQL (cond, "st.birth_date" T " ASC, st.id ASC"))                 \
  XJ_DB_STMT (st_list_##sh##_birth_d,                                          \
              SQL (cond, "st.birth_date" T " DESC, st.id DESC"))               \
  XJ_DB_STMT (st_list_##sh##_grade_a,                                          \
              SQL (cond, "st.grade" T " ASC, st.class_id ASC,"                 \
                   " st.id ASC"))                                              \
  XJ_DB_STMT (st_list_##sh##_grade_d,                                          \
              SQL (cond, "st.grade" T " DESC, st.class_id DESC,"               \
                   " st.id DESC"))                                             \
  XJ_DB_STMT (st_list_##sh##_created_a, SQL (cond, "st.id" I " ASC"))          \
  XJ_DB_STMT (st_list_##sh##_created_d, SQL (cond, "st.id" I " DESC"))
LIST_SHAPE (number, COND_NUMBER, " || ''", " + 0", LIST_SQL)
LIST_SHAPE (teacher, COND_TEACHER, " || ''", " + 0", LIST_SQL)
LIST_SHAPE (school, COND_SCHOOL, " || ''", " + 0", LIST_SQL)
/* The name shapes' pages sort the candidates' own columns, count them
   beside (count(*) OVER (): the count statement read the candidates a
   second time) and join the school and class names to the page's rows
   only (PostgreSQL, 1,000,000 students, 李 in a county: 68 -> 43 ms a
   page).  The subquery is named st too, so the orders read the same. */
#define NAME_PAGE_SQL(cond, order)                                             \
  "SELECT st.id, st.registry_no, st.name, st.gender, st.birth_date,"           \
  " coalesce(st.id_no, ''), st.school_id, sc.name, st.grade,"                  \
  " coalesce(st.class_id, 0), coalesce(c.name, ''), st.status, st.dup_flag,"   \
  " st.total FROM (SELECT st.id, st.registry_no, st.name, st.gender,"          \
  " st.birth_date, st.id_no, st.school_id, st.grade, st.class_id, st.status,"  \
  " st.dup_flag, count(*) OVER () AS total FROM students st"                   \
  " WHERE" XJ_STUDENT_FILTER_WHERE XJ_STUDENT_LIST_FLAGS cond                  \
  " ORDER BY " order " LIMIT $10 OFFSET $11) AS st"                            \
  " JOIN schools sc ON sc.id = st.school_id"                                   \
  " LEFT JOIN classes c ON c.id = st.class_id ORDER BY " order
LIST_SHAPE (name_region, COND_NAME_REGION, " || ''", " + 0", NAME_PAGE_SQL)
LIST_SHAPE (name_all, COND_NAME_ALL, " || ''", " + 0", NAME_PAGE_SQL)
LIST_SHAPE (grade_region, COND_GRADE_REGION, " || ''", " + 0", LIST_SQL)
LIST_SHAPE (region, COND_REGION, " || ''", " + 0", LIST_SQL)
LIST_SHAPE (all, COND_ALL, "", "", LIST_SQL)
/* A bureau in the registry-number order: walk students_regno_shown and
   stop after a page (a county may hold a million students; sorting them
   all for 20 rows took 0.5 s).  The unary + keeps the planner from
   driving by school instead; the filter clause still checks the county. */
#define COND_REGION_ORDERED                                                    \
  " AND +st.school_id IN (SELECT id FROM schools"                              \
  "  WHERE" XJ_IN_REGION ("county_code", "$1") ")" NUM_ANY
XJ_DB_STMT (st_list_region_regno_walk_a,
            LIST_SQL (COND_REGION_ORDERED, ORDER_REGNO_A))
XJ_DB_STMT (st_list_region_regno_walk_d,
            LIST_SQL (COND_REGION_ORDERED, ORDER_REGNO_D))
/* A bureau's total with no filter set: the schools' index entries only
   (the filter clause, evaluated per row, tripled the time of a
   million-row count).  The constant tests make it 0, never too many, if
   it were ever run with a filter; list_count_stmt runs it only without. */
XJ_DB_STMT (st_list_region_count_bare,
            "SELECT count(*) FROM students st WHERE st.school_id IN"
            " (SELECT id FROM schools"
            "  WHERE" XJ_IN_REGION ("county_code", "$1") ")"
            " AND $2 = 0 AND $3 = 0 AND $4 = 0 AND CAST($5 AS TEXT) IS NULL"
            " AND $6 = 0 AND CAST($7 AS TEXT) IS NULL"
            " AND CAST($8 AS TEXT) IS NULL AND CAST($9 AS TEXT) IS NULL"
            " AND $12 = 0 AND $13 = 0" XJ_STUDENT_COUNT_UNUSED)

#define SHAPE_ROW(sh)                                                          \
  {                                                                            \
    [XJ_SORT_REGISTRY_NO] = { &st_list_##sh##_regno_a,                         \
                              &st_list_##sh##_regno_d },                       \
    [XJ_SORT_NAME] = { &st_list_##sh##_name_a, &st_list_##sh##_name_d },       \
    [XJ_SORT_BIRTH] = { &st_list_##sh##_birth_a, &st_list_##sh##_birth_d },   \
    [XJ_SORT_GRADE] = { &st_list_##sh##_grade_a, &st_list_##sh##_grade_d },   \
    [XJ_SORT_CREATED] = { &st_list_##sh##_created_a,                           \
                          &st_list_##sh##_created_d },                         \
  }
static struct xj_db_stmt *const list_stmts[SHAPE__COUNT][XJ_SORT__COUNT][2] = {
  [SHAPE_NUMBER] = SHAPE_ROW (number),
  [SHAPE_TEACHER] = SHAPE_ROW (teacher),
  [SHAPE_SCHOOL] = SHAPE_ROW (school),
  [SHAPE_NAME_REGION] = SHAPE_ROW (name_region),
  [SHAPE_NAME_ALL] = SHAPE_ROW (name_all),
  [SHAPE_GRADE_REGION] = SHAPE_ROW (grade_region),
  [SHAPE_REGION] = SHAPE_ROW (region),
  [SHAPE_ALL] = SHAPE_ROW (all),
};
static struct xj_db_stmt *const count_stmts[SHAPE__COUNT] = {
  [SHAPE_NUMBER] = &st_list_number_count,
  [SHAPE_TEACHER] = &st_list_teacher_count,
  [SHAPE_SCHOOL] = &st_list_school_count,
  [SHAPE_NAME_REGION] = &st_list_name_region_count,
  [SHAPE_NAME_ALL] = &st_list_name_all_count,
  [SHAPE_GRADE_REGION] = &st_list_grade_region_count,
  [SHAPE_REGION] = &st_list_region_count,
  [SHAPE_ALL] = &st_list_all_count,
};

/* The narrowest shape the request has.  Each adds a condition already
   implied by the filter clause (the number; the teacher's classes; the
   school, from the filter or else the scope; a gram of the name, whose
   LIKE the clause checks; the grade; the county prefix). */
static enum list_shape
list_shape (const char *scope_prefix, int64_t scope_school,
            int64_t scope_teacher, const struct xj_student_filter *f)
{
  bool region = scope_prefix && scope_prefix[0];

  if (f->number)
    return SHAPE_NUMBER;
  if (scope_teacher)
    return SHAPE_TEACHER;
  if (f->school_id || scope_school)
    return SHAPE_SCHOOL;
  /* one character (a surname, mostly) is in thousands of a county's
     names, more than one grade holds: the grade's rows, each name
     checked (SQLite 5 against 26 ms for 李 in grade 31 of 100,000) */
  if (region && f->grade && f->q && 1 == xj_utf8_count (f->q))
    return SHAPE_GRADE_REGION;
  if (f->q && f->q[0])
    return region ? SHAPE_NAME_REGION : SHAPE_NAME_ALL;
  if (region)
    return f->grade ? SHAPE_GRADE_REGION : SHAPE_REGION;
  return SHAPE_ALL;
}

static bool
shape_named (enum list_shape shape)
{
  return SHAPE_NAME_REGION == shape || SHAPE_NAME_ALL == shape;
}

static bool
filter_bare (const struct xj_student_filter *f, const char *q)
{
  return 0 == f->school_id && NULL == f->grade && 0 == f->class_id
         && NULL == f->status && NULL == q && NULL == f->number
         && 0 == f->dup_flag && ! f->warned;
}

static struct xj_db_stmt *
list_count_stmt (enum list_shape shape, int64_t scope_school,
                 int64_t scope_teacher, const struct xj_student_filter *f,
                 const char *q)
{
  if (SHAPE_REGION == shape && 0 == scope_school && 0 == scope_teacher
      && filter_bare (f, q))
    return &st_list_region_count_bare;
  return count_stmts[shape];
}

/* The highest row id: how many records the registry holds, about (the
   primary key's last entry). */
XJ_DB_STMT (st_list_max_id, "SELECT coalesce(max(id), 0) FROM students")

/* Whether a bureau's page in registry-number order walks
   students_regno_shown (stopping after a page) rather than sorting the
   region's rows: only for the bare list (a filter leaves few rows to
   sort) of a region holding half the registry or more.  In a province's
   registry the walk of a county met every other county's rows first: 13
   s for a page of the last county's of ten (bench/province_bench.py),
   against 0.14 s to sort its 100,000. */
static bool
list_walks (struct xj_db *db, enum list_shape shape, int64_t scope_school,
            int64_t scope_teacher, const struct xj_student_filter *f,
            const char *q, int64_t total)
{
  int64_t max_id = 0;

  if (SHAPE_REGION != shape || 0 != scope_school || 0 != scope_teacher
      || ! filter_bare (f, q))
    return false;
  if (xj_db_q (db, &st_list_max_id, XJ_DB_NOPARAMS, &xj_db_int64_cb,
               &max_id) < 0)
    return false;
  return 2 * total >= max_id;
}

static struct xj_db_stmt *
list_page_stmt (enum list_shape shape, enum xj_student_sort sort, bool desc,
                bool walk)
{
  if (walk && XJ_SORT_REGISTRY_NO == sort)
    return desc ? &st_list_region_regno_walk_d : &st_list_region_regno_walk_a;
  return list_stmts[shape][sort][desc ? 1 : 0];
}

static const char *
first_guardian_phone (const struct xj_student *s)
{
  return s->guardians[0].phone[0] ? s->guardians[0].phone : NULL;
}

/* Any record whose ID or registry number carries county @1's code (born
   there, or given a G number there): both ranges on the keys of the
   identity tables (migration 0038), which are what a new number could
   clash with -- a G number a record held before (registry_numbers keeps
   its aliases) counts too. */
XJ_DB_STMT (st_stu_county_numbered,
            "SELECT 1 FROM student_identities"
            " WHERE id_no >= $1 AND id_no < $1 || ':'"
            " UNION ALL SELECT 1 FROM registry_numbers"
            " WHERE registry_no >= 'G' || $1 AND registry_no < 'G' || $1 || ':'"
            " LIMIT 1")

enum xj_err
xj_student_county_numbered (struct xj_db *db, const char *county, bool *any)
{
  int64_t one = 0;
  enum xj_qs qs = xj_db_q (db, &st_stu_county_numbered,
                           XJ_DB_PARAMS (XJ_DB_S (county)), &xj_db_int64_cb,
                           &one);

  *any = 1 == one;
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_student_add_event (struct xj_db *db, int64_t id, const struct xj_actor *a,
                      const char *kind, const char *at, const char *before,
                      const char *after)
{
  enum xj_qs qs = xj_db_q (db, &st_stu_event,
                           XJ_DB_PARAMS (XJ_DB_I (id), XJ_DB_S (kind),
                                         XJ_DB_S (at),
                                         a->user_id ? XJ_DB_I (a->user_id)
                                                    : XJ_DB_NUL,
                                         XJ_DB_S (a->username),
                                         XJ_DB_S (before), XJ_DB_S (after)),
                           NULL, NULL);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* Told by the table whose key refused the write: the identity tables'
   (migration 0038; students has no unique index of its own on PostgreSQL
   since 0040, and on SQLite only its registry number's).  A G number is
   the ID's own (G + the ID): a clash on it is the ID's, whichever key
   was checked first (the insert trigger writes registry_numbers, then
   student_identities). */
enum xj_err
xj_student_unique_clash (const struct xj_db *db, const struct xj_student *s)
{
  if (! s->id_no[0])
    return XJ_E_REGISTRY_NO_EXISTS;
  if ('G' == s->registry_no[0] && 0 == strcmp (s->registry_no + 1, s->id_no))
    return XJ_E_ID_EXISTS;
  return 0 == strcmp (xj_db_unique_table (db), "student_identities")
           ? XJ_E_ID_EXISTS
           : XJ_E_REGISTRY_NO_EXISTS;
}

enum xj_err
xj_student_insert (struct xj_db *db, struct xj_student *s,
                   const struct xj_actor *a, const char *kind,
                   const char *at_iso)
{
  struct xj_buf data;
  enum xj_qs qs;
  enum xj_err e;

  xj_buf_init (&data, 0);
  xj_student_pack (s, &data);

  qs = xj_db_q (db, &st_stu_insert,
                XJ_DB_PARAMS (XJ_DB_S (s->registry_no), XJ_DB_S (s->id_type),
                              XJ_DB_SE (s->id_no), XJ_DB_S (s->name),
                              XJ_DB_I (s->gender), XJ_DB_S (s->birth_date),
                              XJ_DB_I (s->school_id),
                              s->class_id ? XJ_DB_I (s->class_id) : XJ_DB_NUL,
                              XJ_DB_S (s->grade), XJ_DB_S (s->status),
                              XJ_DB_I (s->dup_flag),
                              XJ_DB_S (first_guardian_phone (s)),
                              XJ_DB_B (data.data, data.len),
                              XJ_DB_S (at_iso),
                              a->user_id ? XJ_DB_I (a->user_id) : XJ_DB_NUL),
                &xj_db_int64_cb, &s->id);
  xj_buf_fini (&data);
  if (XJ_QS_UNIQUE == qs)
    return xj_student_unique_clash (db, s);
  if (qs < 0)
    return xj_db_qs_err (qs);
  s->version = 1;
  e = xj_identity_guardians_put (db, s, true);
  if (XJ_E_OK == e)
    e = xj_student_add_event (db, s->id, a, kind, at_iso, NULL, NULL);
  return e;
}

void
xj_student_from_row (const struct xj_db_row *r, struct xj_student *s,
                struct xj_student_ctx *ctx)
{
  xj_student_init (s);
  s->id = xj_db_int (r, 0);
  xj_strlcpy (s->registry_no, xj_db_text (r, 1), sizeof s->registry_no);
  {
    /* packed, or JSON text in rows written before (NUL-terminated
       through xj_db_text) */
    const unsigned char *d = xj_db_blob (r, 13);
    size_t n = xj_db_bytes (r, 13);

    if (n > 0 && XJ_PACK_V1 == d[0])
      xj_student_data_load (s, d, n);
    else
      {
        const char *t = xj_db_text (r, 13);

        xj_student_data_load (s, t, strlen (t));
      }
  }
  xj_strlcpy (s->id_type, xj_db_text (r, 2), sizeof s->id_type);
  xj_strlcpy (s->id_no, xj_db_text (r, 3), sizeof s->id_no);
  xj_strlcpy (s->name, xj_db_text (r, 4), sizeof s->name);
  s->gender = (int) xj_db_int (r, 5);
  xj_strlcpy (s->birth_date, xj_db_text (r, 6), sizeof s->birth_date);
  s->school_id = xj_db_int (r, 7);
  s->class_id = xj_db_int (r, 8);
  xj_strlcpy (s->grade, xj_db_text (r, 9), sizeof s->grade);
  xj_strlcpy (s->status, xj_db_text (r, 10), sizeof s->status);
  s->dup_flag = (int) xj_db_int (r, 11);
  s->version = xj_db_int (r, 12);
  if (ctx)
    {
      xj_strlcpy (ctx->county_code, xj_db_text (r, 14), sizeof ctx->county_code);
      xj_strlcpy (ctx->school_name, xj_db_text (r, 15), sizeof ctx->school_name);
      xj_strlcpy (ctx->school_code, xj_db_text (r, 16), sizeof ctx->school_code);
      xj_strlcpy (ctx->class_name, xj_db_text (r, 17), sizeof ctx->class_name);
      xj_strlcpy (ctx->created_at, xj_db_text (r, 18), sizeof ctx->created_at);
      xj_strlcpy (ctx->updated_at, xj_db_text (r, 19), sizeof ctx->updated_at);
    }
}

struct load_ctx {
  struct xj_student *s;
  struct xj_student_ctx *ctx;
};

static int
load_cb (void *cls, const struct xj_db_row *r)
{
  struct load_ctx *c = cls;

  xj_student_from_row (r, c->s, c->ctx);
  return 1;
}

enum xj_err
xj_student_load_ctx (struct xj_db *db, int64_t id, struct xj_student *s,
                     struct xj_student_ctx *ctx)
{
  struct load_ctx c = { s, ctx };
  enum xj_qs qs = xj_db_q (db, &st_stu_get, XJ_DB_PARAMS (XJ_DB_I (id)),
                           &load_cb, &c);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_student_load (struct xj_db *db, int64_t id, struct xj_student *s)
{
  return xj_student_load_ctx (db, id, s, NULL);
}

static int
view_row (void *cls, const struct xj_db_row *r)
{
  struct xj_student_view *v = cls;

  v->found = ! xj_db_isnull (r, 0);
  if (v->found)
    {
      xj_student_from_row (r, v->s, v->ctx);
      v->aliases = 0 != xj_db_int (r, 20);
      v->warnings = 0 != xj_db_int (r, 21);
    }
  v->read = true;
  return 1;
}

void
xj_student_view_join (struct xj_student_view *v, int64_t id,
                      struct xj_session_read *rd)
{
  *rd = (struct xj_session_read) { &st_stu_view_session, XJ_DB_I (id),
                                   &view_row, v };
}

enum xj_err
xj_student_load_view (struct xj_db *db, int64_t id,
                      struct xj_student_view *v)
{
  enum xj_err e = XJ_E_OK;

  if (! v->read)
    {
      enum xj_qs qs = xj_db_q (db, &st_stu_view,
                               XJ_DB_PARAMS (XJ_DB_I (id)), &view_row, v);

      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  if (! v->found || ! v->visible (v->cls, v->s, v->ctx))
    return XJ_E_NOT_FOUND;
  if (v->aliases)
    e = xj_student_aliases (db, id, v->alias_cb, v->cls);
  if (XJ_E_OK == e && v->warnings)
    e = xj_identity_warnings (db, id, v->warn_cb, v->cls);
  return e;
}

struct idno_ctx {
  int64_t *id, *school;
};

static int
idno_cb (void *cls, const struct xj_db_row *r)
{
  struct idno_ctx *c = cls;

  *c->id = xj_db_int (r, 0);
  *c->school = xj_db_int (r, 1);
  return 1;
}

enum xj_err
xj_student_find_by_id_no (struct xj_db *db, const char *id_type,
                          const char *id_no, int64_t *student_id,
                          int64_t *school_id)
{
  struct idno_ctx c = { student_id, school_id };
  enum xj_qs qs = xj_db_q (db, &st_stu_by_idno,
                           XJ_DB_PARAMS (XJ_DB_S (id_type), XJ_DB_S (id_no)),
                           &idno_cb, &c);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

static int
lookup_row (void *cls, const struct xj_db_row *r)
{
  struct xj_student_lookup *l = cls;

  l->id = xj_db_int (r, 0);
  xj_strlcpy (l->name, xj_db_text (r, 1), sizeof l->name);
  l->school_id = xj_db_int (r, 2);
  xj_strlcpy (l->school_name, xj_db_text (r, 3), sizeof l->school_name);
  xj_strlcpy (l->grade, xj_db_text (r, 4), sizeof l->grade);
  xj_strlcpy (l->status, xj_db_text (r, 5), sizeof l->status);
  return 1;
}

enum xj_err
xj_student_lookup (struct xj_db *db, const char *id_no,
                   const char *registry_no, struct xj_student_lookup *out)
{
  enum xj_qs qs;

  memset (out, 0, sizeof *out);
  qs = xj_db_q (db, &st_stu_lookup,
                XJ_DB_PARAMS (XJ_DB_S (id_no), XJ_DB_S (registry_no)),
                &lookup_row, out);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

struct dup_ctx {
  xj_dup_cb cb;
  void *cls;
};

static int
dup_row (void *cls, const struct xj_db_row *r)
{
  struct dup_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_text (r, 1), xj_db_int (r, 2),
         xj_db_text (r, 3), xj_db_text (r, 4));
  return 0;
}

enum xj_err
xj_student_dup_candidates (struct xj_db *db, const struct xj_student *s,
                           xj_dup_cb cb, void *cls)
{
  struct dup_ctx c = { cb, cls };
  enum xj_qs qs;

  if (NULL == first_guardian_phone (s))
    return XJ_E_OK;
  qs = xj_db_q (db, &st_stu_dups,
                XJ_DB_PARAMS (XJ_DB_S (s->name), XJ_DB_S (s->birth_date),
                              XJ_DB_S (first_guardian_phone (s)),
                              XJ_DB_S (s->id_no), XJ_DB_I (s->id)),
                &dup_row, &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_student_flag_dup (struct xj_db *db, int64_t student_id, int64_t other_id,
                     const char *reason)
{
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (db, &st_stu_flag_dup,
                XJ_DB_PARAMS (XJ_DB_I (student_id), XJ_DB_I (other_id),
                              XJ_DB_S (reason), XJ_DB_S (at)),
                NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  qs = xj_db_q (db, &st_stu_set_dup, XJ_DB_PARAMS (XJ_DB_I (student_id)),
                NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* The UPDATE of @s at @at: every column, or (@place) only the placement
   and the packed data. */
static enum xj_qs
write_row (struct xj_db *db, const struct xj_student *s, int64_t old_version,
           const char *at, bool place, int64_t *moved)
{
  struct xj_buf data;
  enum xj_qs qs;

  xj_buf_init (&data, 0);
  xj_student_pack (s, &data);
  if (place)
    qs = xj_db_q (db, &st_stu_place,
                  XJ_DB_PARAMS (XJ_DB_I (s->id), XJ_DB_I (old_version),
                                XJ_DB_I (s->school_id),
                                s->class_id ? XJ_DB_I (s->class_id)
                                            : XJ_DB_NUL,
                                XJ_DB_S (s->grade), XJ_DB_S (s->status),
                                XJ_DB_B (data.data, data.len), XJ_DB_S (at)),
                  xj_db_int64_cb, moved);
  else
    qs = xj_db_q (db, &st_stu_update,
                  XJ_DB_PARAMS (XJ_DB_I (s->id), XJ_DB_I (old_version),
                                XJ_DB_S (s->registry_no), XJ_DB_S (s->id_type),
                                XJ_DB_SE (s->id_no), XJ_DB_S (s->name),
                                XJ_DB_I (s->gender), XJ_DB_S (s->birth_date),
                                XJ_DB_I (s->school_id),
                                s->class_id ? XJ_DB_I (s->class_id)
                                            : XJ_DB_NUL,
                                XJ_DB_S (s->grade), XJ_DB_S (s->status),
                                XJ_DB_I (s->dup_flag),
                                XJ_DB_S (first_guardian_phone (s)),
                                XJ_DB_B (data.data, data.len), XJ_DB_S (at)),
                  xj_db_int64_cb, moved);
  xj_buf_fini (&data);
  return qs;
}

static enum xj_err
store_update (struct xj_db *db, struct xj_student *s, int64_t old_version,
              const struct xj_actor *a, const char *kind, const char *before,
              const char *after, bool place)
{
  char at[32];
  enum xj_qs qs;
  int64_t moved = 0;

  xj_now_iso (at);
  qs = write_row (db, s, old_version, at, place, &moved);
  if (XJ_QS_UNIQUE == qs)
    return xj_student_unique_clash (db, s);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_CONFLICT;
  if (moved)
    qs = xj_db_q (db, &st_stu_move, XJ_DB_PARAMS (XJ_DB_I (s->id)), NULL,
                  NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  s->version = old_version + 1;
  /* a placement leaves the guardians as they were */
  if (! place)
    {
      enum xj_err e = xj_identity_guardians_put (db, s, false);

      if (XJ_E_OK != e)
        return e;
    }
  return xj_student_add_event (db, s->id, a, kind, at, before, after);
}

enum xj_err
xj_student_store_update (struct xj_db *db, struct xj_student *s,
                         int64_t old_version, const struct xj_actor *a,
                         const char *kind, const char *before,
                         const char *after)
{
  return store_update (db, s, old_version, a, kind, before, after, false);
}

enum xj_err
xj_student_store_place (struct xj_db *db, struct xj_student *s,
                        int64_t old_version, const struct xj_actor *a,
                        const char *kind, const char *before,
                        const char *after)
{
  return store_update (db, s, old_version, a, kind, before, after, true);
}

enum xj_err
xj_student_add_alias (struct xj_db *db, int64_t id, const char *old_no)
{
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (db, &st_stu_alias_add,
                XJ_DB_PARAMS (XJ_DB_S (old_no), XJ_DB_I (id), XJ_DB_S (at)),
                NULL, NULL);
  if (XJ_QS_UNIQUE == qs)
    return XJ_E_REGISTRY_NO_EXISTS;
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct alias_ctx {
  xj_alias_cb cb;
  void *cls;
};

static int
alias_row (void *cls, const struct xj_db_row *r)
{
  struct alias_ctx *c = cls;

  c->cb (c->cls, xj_db_text (r, 0));
  return 0;
}

enum xj_err
xj_student_aliases (struct xj_db *db, int64_t id, xj_alias_cb cb, void *cls)
{
  struct alias_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_stu_aliases, XJ_DB_PARAMS (XJ_DB_I (id)),
                           &alias_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct list_ctx {
  xj_student_item_cb cb;
  void *cls;
  int64_t *total;  /* set from the rows' column 13 (NAME_PAGE_SQL's total),
                      or NULL */
};

static int
list_row (void *cls, const struct xj_db_row *r)
{
  struct list_ctx *c = cls;
  bool counted = NULL != c->total;
  struct xj_student_item it = {
    .id = xj_db_int (r, 0),
    .registry_no = xj_db_text (r, 1),
    .name = xj_db_text (r, 2),
    .gender = (int) xj_db_int (r, 3),
    .birth_date = xj_db_text (r, 4),
    .id_no = xj_db_text (r, 5),
    .school_id = xj_db_int (r, 6),
    .school_name = xj_db_text (r, 7),
    .grade = xj_db_text (r, 8),
    .class_id = xj_db_int (r, 9),
    .class_name = xj_db_text (r, 10),
    .status = xj_db_text (r, 11),
    .dup_flag = (int) xj_db_int (r, 12),
    .outcome = ! counted && xj_db_ncols (r) > 13 ? xj_db_text (r, 13) : NULL,
  };

  if (counted)
    *c->total = xj_db_int (r, 13);
  c->cb (c->cls, &it);
  return 0;
}

static int
count_row (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 1;
}

char *
xj_student_like_escape (const char *q)
{
  size_t n = strlen (q);
  char *out = xj_malloc (2 * n + 1);
  char *p = out;

  for (; *q; q++)
    {
      if ('%' == *q || '_' == *q || '\\' == *q)
        *p++ = '\\';
      *p++ = *q;
    }
  *p = '\0';
  return out;
}

/* ---- the name search's gram (migration 0033) ---- */

/* How many names of the schools of region $2 ('' = all) hold gram $1,
   counted up to 5,000 (a gram that common is as good as any other that
   common).  The index leads with the school (migration 0033). */
XJ_DB_STMT (st_stu_gram_count,
            "SELECT count(*) FROM (SELECT 1 FROM student_name_grams"
            " WHERE school_id IN (SELECT id FROM schools"
            "  WHERE" XJ_IN_REGION ("county_code", "$2") ")"
            " AND gram = lower($1) LIMIT 5000) AS x")

/* The pairs of a long query compared (the first ones). */
#define GRAM_PAIRS_TRIED 6
/* Bytes of a gram: two characters of up to 4 bytes, and the NUL. */
#define GRAM_MAX 9

/* Bytes of the UTF-8 character at @s: its lead byte's length when the
   continuation bytes are there, else 1. */
static size_t
utf8_char_len (const char *s)
{
  unsigned char c = (unsigned char) s[0];
  size_t n = c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

  for (size_t i = 1; i < n; i++)
    if (0x80 != ((unsigned char) s[i] & 0xc0))
      return 1;
  return n;
}

/* The entries of the gram at @p (@n bytes) in region @prefix into
   *count. */
static enum xj_err
gram_count (struct xj_db *db, const char *prefix, const char *p, size_t n,
            int64_t *count)
{
  char g[GRAM_MAX];
  enum xj_qs qs;

  memcpy (g, p, n);
  g[n] = '\0';
  *count = 0;
  qs = xj_db_q (db, &st_stu_gram_count,
                XJ_DB_PARAMS (XJ_DB_S (g), XJ_DB_S (prefix)),
                &xj_db_int64_cb, count);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* The gram the name search looks up for @q into @gram: @q's character
   when it has one, its pair when it has two, else the pair with the
   fewest entries in region @prefix of its first GRAM_PAIRS_TRIED (all
   of them are in every name that holds @q). */
static enum xj_err
name_gram (struct xj_db *db, const char *prefix, const char *q,
           char gram[GRAM_MAX])
{
  const char *best = q, *p = q;
  size_t best_n = utf8_char_len (q);
  int64_t fewest = INT64_MAX;

  for (int tried = 0; tried < GRAM_PAIRS_TRIED && p[0]; tried++)
    {
      size_t a = utf8_char_len (p), n;
      int64_t count;
      enum xj_err e;

      if ('\0' == p[a])
        break;
      n = a + utf8_char_len (p + a);
      if (0 == tried && '\0' == p[n])
        {
          best_n = n;   /* one pair: nothing to compare */
          break;
        }
      if (XJ_E_OK != (e = gram_count (db, prefix, p, n, &count)))
        return e;
      if (count < fewest)
        best = p, best_n = n, fewest = count;
      p += a;
    }
  memcpy (gram, best, best_n);
  gram[best_n] = '\0';
  return XJ_E_OK;
}

/* The grams every student's name should have (migration 0033's rule),
   less those kept, and the other way round: what `xueji check` reports.
   CROSS JOIN keeps SQLite's loops in this order, so the positions are a
   range of their key per student and length (the positions outermost
   read every student 400 times: 90 s at 300,000). */
#define GRAMS_EXPECTED                                                         \
  "SELECT st.id, substr(lower(st.name), p.i, k.n), st.school_id"              \
  " FROM students st CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) AS k"      \
  " CROSS JOIN gram_positions p WHERE p.i <= length(st.name) - k.n + 1"
#define GRAMS_KEPT "SELECT student_id, gram, school_id FROM student_name_grams"
XJ_DB_STMT (st_stu_grams_missing,
            "SELECT count(*) FROM (" GRAMS_EXPECTED " EXCEPT " GRAMS_KEPT
            ") AS x")
XJ_DB_STMT (st_stu_grams_extra,
            "SELECT count(*) FROM (" GRAMS_KEPT " EXCEPT " GRAMS_EXPECTED
            ") AS x")

enum xj_err
xj_student_grams_check (struct xj_db *db, int64_t *missing, int64_t *extra)
{
  enum xj_qs qs;

  *missing = *extra = 0;
  qs = xj_db_q (db, &st_stu_grams_missing, XJ_DB_NOPARAMS, &xj_db_int64_cb,
                missing);
  if (qs >= 0)
    qs = xj_db_q (db, &st_stu_grams_extra, XJ_DB_NOPARAMS, &xj_db_int64_cb,
                  extra);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* A name shape's page, which brings the total (NAME_PAGE_SQL); a page
   past the end (or of no rows: a count only) has no row to bring it, so
   then the count statement runs. */
static enum xj_qs
list_named (struct xj_db *db, enum list_shape shape, enum xj_student_sort sort,
            const struct xj_student_filter *f,
            const struct xj_db_param *page, const struct xj_db_param *count,
            struct list_ctx *c, int64_t *total)
{
  enum xj_qs qs;

  *total = 0;
  c->total = total;
  qs = xj_db_q (db, list_page_stmt (shape, sort, f->desc, false), page,
                &list_row, c);
  if (XJ_QS_NONE == qs && (f->offset > 0 || f->limit <= 0))
    qs = xj_db_q (db, count_stmts[shape], count, &count_row, total);
  return qs;
}

enum xj_err
xj_student_list (struct xj_db *db, const char *scope_prefix,
                 int64_t scope_school, int64_t scope_teacher,
                 const struct xj_student_filter *f, int64_t *total,
                 xj_student_item_cb cb, void *cls)
{
  struct list_ctx c = { cb, cls, NULL };
  char *q = (f->q && *f->q) ? xj_student_like_escape (f->q) : NULL;
  enum xj_student_sort sort = f->sort < XJ_SORT__COUNT ? f->sort
                                                       : XJ_SORT_REGISTRY_NO;
  enum list_shape shape = list_shape (scope_prefix, scope_school,
                                      scope_teacher, f);
  bool named = shape_named (shape);
  char gram[GRAM_MAX] = "";
  enum xj_qs qs = XJ_QS_NONE;
  enum xj_err e = named ? name_gram (db, scope_prefix ? scope_prefix : "",
                                     f->q, gram)
                        : XJ_E_OK;

  /* the name shapes take the gram as $14; the others have no $14 */
#define FILTER_PARAMS                                                        \
  XJ_DB_S (scope_prefix), XJ_DB_I (scope_school), XJ_DB_I (scope_teacher),  \
    XJ_DB_I (f->school_id), XJ_DB_S (f->grade), XJ_DB_I (f->class_id),      \
    XJ_DB_S (f->status), XJ_DB_S (q), XJ_DB_S (f->number)
#define FLAG_PARAMS XJ_DB_I (f->dup_flag), XJ_DB_I (f->warned)
#define LIST_PARAMS(limit, offset)                                           \
  (named ? XJ_DB_PARAMS (FILTER_PARAMS, XJ_DB_I (limit), XJ_DB_I (offset),   \
                         FLAG_PARAMS, XJ_DB_S (gram))                        \
         : XJ_DB_PARAMS (FILTER_PARAMS, XJ_DB_I (limit), XJ_DB_I (offset),   \
                         FLAG_PARAMS))
  const struct xj_db_param *count = LIST_PARAMS (0, 0);
  const struct xj_db_param *page = LIST_PARAMS (f->limit, f->offset);
#undef LIST_PARAMS
#undef FLAG_PARAMS
#undef FILTER_PARAMS

  if (XJ_E_OK == e && named)
    qs = list_named (db, shape, sort, f, page, count, &c, total);
  else if (XJ_E_OK == e)
    {
      qs = xj_db_q (db, list_count_stmt (shape, scope_school, scope_teacher,
                                         f, q),
                    count, &count_row, total);
      if (qs >= 0)
        qs = xj_db_q (db, list_page_stmt (shape, sort, f->desc,
                                          list_walks (db, shape, scope_school,
                                                      scope_teacher, f, q,
                                                      *total)),
                      page, &list_row, &c);
    }
  free (q);
  if (XJ_E_OK != e)
    return e;
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* Lines of @plan that are @line exactly. */
static int
plan_lines (const char *plan, const char *line)
{
  size_t n = strlen (line);
  int count = 0;

  for (const char *p = plan; (p = strstr (p, line)); p++)
    if ((p == plan || '\n' == p[-1]) && ('\n' == p[n] || '\0' == p[n]))
      count++;
  return count;
}

/* A plan reads the whole table when SQLite says "SCAN st" without an
   index; "SCAN st USING INDEX" (an ordered walk that stops) is allowed,
   and so is one "SCAN st" of a page the statement made first (the name
   shapes' subquery, also named st: "MATERIALIZE st"). */
static bool
plan_scans_students (const char *plan)
{
  return plan_lines (plan, "SCAN st")
         > plan_lines (plan, "MATERIALIZE st")
               + plan_lines (plan, "CO-ROUTINE st");
}

int
xj_student_list_plans_check (struct xj_db *db, char *bad, size_t size)
{
  struct xj_db_stmt *const extra[] = { &st_list_region_regno_walk_a,
                                       &st_list_region_regno_walk_d,
                                       &st_list_region_count_bare };
  char plan[4096];

  for (int sh = 0; sh < SHAPE_ALL; sh++)
    for (int i = -1; i < 2 * XJ_SORT__COUNT + 3; i++)
      {
        const struct xj_db_stmt *st
          = i < 0 ? count_stmts[sh]
            : i < 2 * XJ_SORT__COUNT ? list_stmts[sh][i / 2][i % 2]
            : extra[i - 2 * XJ_SORT__COUNT];

        if (XJ_E_OK != xj_db_plan (db, st, plan, sizeof plan)
            || plan_scans_students (plan))
          {
            snprintf (bad, size, "%s:\n%s", st->name, plan);
            return 1;
          }
      }
  return 0;
}

struct ev_ctx {
  xj_event_cb cb;
  void *cls;
};

static int
ev_row (void *cls, const struct xj_db_row *r)
{
  struct ev_ctx *c = cls;
  struct xj_student_event ev = {
    .id = xj_db_int (r, 0),
    .kind = xj_db_text (r, 1),
    .at = xj_db_text (r, 2),
    .actor = xj_db_text (r, 3),
    .before = xj_db_text (r, 4),
    .after = xj_db_text (r, 5),
    .actor_name = xj_db_text (r, 6),
    .from_no = xj_db_text (r, 7),
  };

  c->cb (c->cls, &ev);
  return 0;
}

enum xj_err
xj_student_events (struct xj_db *db, int64_t id, xj_event_cb cb, void *cls)
{
  struct ev_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_stu_events, XJ_DB_PARAMS (XJ_DB_I (id)),
                           &ev_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- full-number searches ---- */

static const char *
numq_name (enum xj_numq kind)
{
  switch (kind)
    {
    case XJ_NUMQ_ID:
      return "id_no";
    case XJ_NUMQ_REGISTRY_NO:
      return "registry_no";
    case XJ_NUMQ_OTHER_ID:
      return "other_id";
    case XJ_NUMQ_NAME:
      break;
    }
  return "name";
}

enum xj_err
xj_student_search_audit (struct xj_db *db, const struct xj_actor *a,
                         const char *via, enum xj_numq kind,
                         const char *number, int64_t found)
{
  char m[XJ_NUMQ_MAX], mac[65];
  json_t *j;
  char *after;
  enum xj_err e;

  xj_mask (XJ_NUMQ_REGISTRY_NO == kind ? XJ_MASK_REGISTRY_NO : XJ_MASK_ID,
           number, m, sizeof m);
  /* keyed hash: an auditor with the key can correlate equal numbers;
     nobody reads the number back from the log (internals/audit.md) */
  if (! xj_audit_number_hash (db, number, mac))
    mac[0] = '\0';
  j = json_pack ("{s:s, s:s, s:s, s:s?, s:I}", "via", via, "by",
                 numq_name (kind), "number", m, "number_hmac",
                 mac[0] ? mac : NULL, "found", (json_int_t) found);
  after = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (j);
  e = xj_audit_append (db, a, "student.search", "student", "", NULL, after);
  free (after);
  return e;
}

/* graduates by the school they graduated from ($1 county prefix, $2
   scope school, $3 school filter, $4 school year finished) */
#define GRADUATES_FROM                                                     \
  " FROM graduations g JOIN schools gs ON gs.id = g.school_id"             \
  " JOIN students st ON st.id = g.student_id"                              \
  " JOIN schools sc ON sc.id = st.school_id"                               \
  " LEFT JOIN classes c ON c.id = st.class_id"                             \
  " WHERE g.active = 1 AND g.outcome IN ('graduated', 'completed')"        \
  " AND g.school_year = $4"                                                \
  " AND ($1 = '' OR" XJ_IN_REGION ("gs.county_code", "$1") ")"     \
  " AND ($2 = 0 OR g.school_id = $2) AND ($3 = 0 OR g.school_id = $3)"
XJ_DB_STMT (st_grad_count, "SELECT count(*)" GRADUATES_FROM)
XJ_DB_STMT (st_grad_list,
            "SELECT st.id, st.registry_no, st.name, st.gender, st.birth_date,"
            " coalesce(st.id_no, ''), st.school_id, sc.name, st.grade,"
            " coalesce(st.class_id, 0), coalesce(c.name, ''), st.status,"
            " st.dup_flag, g.outcome" GRADUATES_FROM
            " ORDER BY st.registry_no LIMIT $5 OFFSET $6")

enum xj_err
xj_student_list_graduates (struct xj_db *db, const char *scope_prefix,
                           int64_t scope_school, int64_t school_id, int year,
                           int64_t limit, int64_t offset, int64_t *total,
                           xj_student_item_cb cb, void *cls)
{
  struct list_ctx c = { cb, cls, NULL };
  enum xj_qs qs;

#define GRAD_PARAMS                                                        \
  XJ_DB_S (scope_prefix), XJ_DB_I (scope_school), XJ_DB_I (school_id),    \
    XJ_DB_I (year - 1)
  qs = xj_db_q (db, &st_grad_count, XJ_DB_PARAMS (GRAD_PARAMS), &count_row,
                total);
  if (qs >= 0)
    qs = xj_db_q (db, &st_grad_list,
                  XJ_DB_PARAMS (GRAD_PARAMS, XJ_DB_I (limit),
                                XJ_DB_I (offset)),
                  &list_row, &c);
#undef GRAD_PARAMS
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
