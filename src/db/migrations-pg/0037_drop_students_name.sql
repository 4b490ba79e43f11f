-- 0037_drop_students_name (PostgreSQL twin of
-- migrations/0037_drop_students_name.sql): students_dupkey (name,
-- birth_date) serves what students_name (name) served.
DROP INDEX IF EXISTS students_name;
