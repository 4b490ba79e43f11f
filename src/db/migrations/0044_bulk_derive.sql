-- 0044_bulk_derive: nothing changes on SQLite.  Its PostgreSQL twin
-- writes what students' insert triggers keep (name grams, identity
-- tables, registration counts) once per COPY of a bulk append instead of
-- from statement triggers, which made PostgreSQL copy into the
-- partitioned students one row at a time, and keys the name grams by
-- (school_id, gram, student_id).  SQLite has only row triggers, and its
-- bulk append is the prepared INSERT, which they follow row by row.
SELECT 1;
