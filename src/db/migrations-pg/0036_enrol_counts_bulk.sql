-- 0036_enrol_counts_bulk (PostgreSQL twin of
-- migrations/0036_enrol_counts_bulk.sql): the registration count of 0030
-- kept once per statement instead of once per row.  The row trigger ran
-- two plpgsql calls and two upserts for every student, so a COPY of a
-- few thousand rows (the import's bulk append, gen) ran thousands of
-- upserts of the same few keys: more than half of the cluster's CPU in
-- an import.  A statement trigger reads the statement's new rows (the
-- transition table) and adds each key's count in one upsert per table;
-- the counts are the same as the row trigger's (a statement inserting
-- one row adds 1 to its two keys), and they are in place when the
-- statement ends, as the row trigger's were (row AFTER triggers also run
-- at the end of the statement).  SQLite has no statement triggers and
-- keeps its row trigger.
DROP TRIGGER students_enrol_count ON students;
DROP FUNCTION xj_enrol_count_new ();

CREATE FUNCTION xj_enrol_count_new () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO enrol_counts (school_id, grade, gender, day, n)
  SELECT school_id, grade, gender, substr (created_at, 1, 10), count(*)
  FROM new_students WHERE status = 'enrolled'
  GROUP BY school_id, grade, gender, substr (created_at, 1, 10)
  ON CONFLICT (school_id, grade, gender, day)
  DO UPDATE SET n = enrol_counts.n + excluded.n;
  INSERT INTO class_counts (class_id, school_id, grade, n)
  SELECT class_id, school_id, grade, count(*)
  FROM new_students WHERE status = 'enrolled' AND class_id IS NOT NULL
  GROUP BY class_id, school_id, grade
  ON CONFLICT (class_id, school_id, grade)
  DO UPDATE SET n = class_counts.n + excluded.n;
  RETURN NULL;
END;
$$;
CREATE TRIGGER students_enrol_count AFTER INSERT ON students
  REFERENCING NEW TABLE AS new_students
  FOR EACH STATEMENT EXECUTE FUNCTION xj_enrol_count_new ();
