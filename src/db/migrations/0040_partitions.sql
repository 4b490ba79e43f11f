-- 0040_partitions: on PostgreSQL the six large registry tables become
-- partitioned by province (migrations-pg/0040_partitions.sql,
-- docs/decisions/0002-province-key.md).  SQLite holds one county and has
-- no partitions: it keeps `id INTEGER PRIMARY KEY` and its own unique
-- indexes.  Only what keeps one set of statements for both: absences'
-- upsert names (student_id, day, province), PostgreSQL's key (a
-- partitioned table's unique index must hold the partition key), so
-- SQLite needs a unique index on the same columns to accept it.
CREATE UNIQUE INDEX absences_province ON absences (student_id, day, province);
-- students_id_no is no longer UNIQUE (on PostgreSQL it cannot be: no
-- province in it): student_identities (0038) is what enforces one ID
-- number, one record, on both backends, and the bulk import re-creates
-- the index with one statement for both.
DROP INDEX students_id_no;
CREATE INDEX students_id_no ON students (id_no, id_type) WHERE id_no IS NOT NULL;
