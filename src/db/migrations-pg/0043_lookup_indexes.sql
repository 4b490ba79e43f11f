-- 0043_lookup_indexes: students' plain indexes on the ID number and the
-- registry number (0040) go.  Every look-up by a number reaches students
-- through the keys of student_identities and registry_numbers (0038),
-- which hold the same numbers and enforce them, then by (id, province)
-- (student_store_sql.h XJ_NUMBER_HOLDERS); the two indexes only cost
-- every imported, registered or renumbered row an entry each (the
-- import's cluster CPU: bench/README.md "Partitions").  SQLite keeps its
-- own (migrations/0043_lookup_indexes.sql).
DROP INDEX students_id_no;
DROP INDEX students_registry_no;
