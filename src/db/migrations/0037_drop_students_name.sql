-- 0037_drop_students_name: students_name (name) is the first column of
-- students_dupkey (name, birth_date), which serves every look-up and
-- order by name alone as well; the second index only cost its upkeep on
-- every registration and the import's rebuild (on PostgreSQL, where the
-- import keeps the indexes live, one of thirteen B-trees written per
-- imported row).
DROP INDEX IF EXISTS students_name;
