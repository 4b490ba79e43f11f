-- 0043_lookup_indexes: nothing changes on SQLite.  Its PostgreSQL twin
-- drops students' two plain look-up indexes on the ID and the registry
-- number: every look-up by a number now goes through the keys of the
-- identity tables (0038, student_store_sql.h XJ_NUMBER_HOLDERS), here
-- too.  SQLite keeps its own: registry_no UNIQUE is part of the table
-- (only a rebuild of students drops it), and students_id_no is the one
-- the import's bulk path drops and builds again (import_store.c
-- st_imp_drop1/create1, one statement pair for both backends).
SELECT 1;
