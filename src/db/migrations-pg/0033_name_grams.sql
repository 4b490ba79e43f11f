-- 0033_name_grams: the PostgreSQL twin of migrations/0033_name_grams.sql
-- (the name search's index of every character and adjacent character pair
-- of lower(name), kept by triggers on students; see there).  The insert
-- trigger runs once per statement over its transition table, so a COPY of
-- the import's bulk rows writes its grams in one INSERT.  The positions
-- come from generate_series here: joined with gram_positions, PostgreSQL
-- paired every student with all 400 (position, length) rows and filtered
-- (20,000 students: 0.76 -> 0.25 s).  gram_positions is kept for the
-- statements both backends share (`xueji check`).
-- i is integer, not bigint: substr takes integer positions.
CREATE TABLE gram_positions (i integer PRIMARY KEY);
INSERT INTO gram_positions (i) SELECT generate_series (1, 200);

CREATE TABLE student_name_grams (
  student_id bigint NOT NULL,
  gram text NOT NULL,
  school_id bigint NOT NULL,
  PRIMARY KEY (student_id, gram)
);

CREATE FUNCTION xj_name_grams_new () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO student_name_grams (student_id, gram, school_id)
  SELECT DISTINCT s.id, substr (lower (s.name), p.i, k.len), s.school_id
  FROM new_students s CROSS JOIN (VALUES (1), (2)) AS k (len)
  CROSS JOIN LATERAL generate_series (1, length (s.name) - k.len + 1) AS p (i);
  RETURN NULL;
END;
$$;
CREATE TRIGGER students_name_grams AFTER INSERT ON students
  REFERENCING NEW TABLE AS new_students
  FOR EACH STATEMENT EXECUTE FUNCTION xj_name_grams_new ();

CREATE FUNCTION xj_name_grams_move () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM student_name_grams WHERE student_id = OLD.id;
  INSERT INTO student_name_grams (student_id, gram, school_id)
  SELECT DISTINCT NEW.id, substr (lower (NEW.name), p.i, k.len),
    NEW.school_id
  FROM (VALUES (1), (2)) AS k (len)
  CROSS JOIN LATERAL generate_series (1, length (NEW.name) - k.len + 1)
    AS p (i);
  RETURN NULL;
END;
$$;
CREATE TRIGGER students_name_grams_move
  AFTER UPDATE OF name, school_id ON students
  FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name
        OR OLD.school_id IS DISTINCT FROM NEW.school_id)
  EXECUTE FUNCTION xj_name_grams_move ();

-- Backfill, then the lookup index in one sort.
INSERT INTO student_name_grams (student_id, gram, school_id)
SELECT DISTINCT st.id, substr (lower (st.name), p.i, k.len), st.school_id
FROM students st CROSS JOIN (VALUES (1), (2)) AS k (len)
  CROSS JOIN LATERAL generate_series (1, length (st.name) - k.len + 1) AS p (i);
CREATE INDEX student_name_grams_school ON student_name_grams (school_id, gram, student_id);
