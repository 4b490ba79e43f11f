-- 0044_bulk_derive: what students' insert triggers keep (the name search's
-- grams 0033, the ID and registry numbers 0038, the registration counts
-- 0036) is written by one function, xj_students_derive, over a set of
-- ids: once per row for an ordinary INSERT, once per COPY for a bulk
-- append (the import, gen; docs/db.md "Bulk append").
--
-- Why: the statement triggers of 0033/0036/0038 read their rows from a
-- transition table, and PostgreSQL 15 copies into a partitioned table
-- one row at a time (no multi-insert) while any of its insert triggers
-- has one (copyfrom.c, CIM_SINGLE).  With them the import of 100,000
-- rows took 7.2 s of the cluster's CPU; with no statement trigger, 4.2 s
-- (bench/README.md "The derived rows after the COPY").
--
-- How: the row trigger's WHEN skips the rows of a COPY that the session
-- marked as a bulk append of students (the setting xueji.bulk, set local
-- to the transaction just before the COPY by the backend, src/db/db_pg.c),
-- and the backend then calls xj_bulk_done_students with the COPY's ids.
-- Another session's rows are never skipped: the setting is the session's.
--
-- Also: the grams are keyed (school_id, gram, student_id), the order the
-- name search reads them in, so a gram row is one B-tree entry instead of
-- two (its former key (student_id, gram) served only the rename and
-- transfer trigger, which now deletes the old grams by the full key).
-- SQLite keeps its row triggers and its grams table as they are.

DROP TRIGGER students_name_grams ON students;
DROP FUNCTION xj_name_grams_new ();
DROP TRIGGER students_identities_new ON students;
DROP FUNCTION xj_identities_new ();
DROP TRIGGER students_enrol_count ON students;
DROP FUNCTION xj_enrol_count_new ();

-- the grams' key
CREATE UNIQUE INDEX student_name_grams_key
  ON student_name_grams (school_id, gram, student_id);
ALTER TABLE student_name_grams DROP CONSTRAINT student_name_grams_pkey;
DROP INDEX student_name_grams_school;
ALTER TABLE student_name_grams ADD CONSTRAINT student_name_grams_pkey
  PRIMARY KEY USING INDEX student_name_grams_key;

-- The grams of a name: every character and adjacent pair of lower(name)
-- (a repeated one more than once).  Inlined where it is called.
CREATE FUNCTION xj_name_grams_of (name text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE AS $$
  SELECT substr (lower (name), p.i, k.len)
  FROM (VALUES (1), (2)) AS k (len)
  CROSS JOIN LATERAL generate_series (1, length (name) - k.len + 1) AS p (i)
$$;

-- The rows derived from the students of @ids: their grams (every
-- character and adjacent pair of lower(name)), their registry number and
-- ID number in the identity tables (a clash is a UNIQUE violation of
-- registry_numbers_pkey / student_identities_pkey, as before), and the
-- registration counts of the enrolled.  The students are read once.
-- Without JIT: the planner takes generate_series for 1,000 rows a name,
-- so a COPY's few hundred students looked costly enough to compile, and
-- compiling took 0.4 s a call, a hundred times the work itself.
-- The students are read as a range of the key holding the ids (a COPY's
-- ids ascend, with gaps only where another session took some): an
-- import into a new province's partition has no statistics until it
-- commits, and for `id = ANY (ids)` alone, or a join to unnest(ids),
-- PostgreSQL then chose a sequential scan of the partition for every
-- COPY (0.7 s a call at 300,000 rows, for a few hundred rows); a range
-- is taken for a small part of the table whatever the statistics.
-- Planned at every call (custom plans): the range is known then.
CREATE FUNCTION xj_students_derive (ids bigint[]) RETURNS void
LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  lo bigint := (SELECT min (x) FROM unnest (ids) AS x);
  hi bigint := (SELECT max (x) FROM unnest (ids) AS x);
BEGIN
WITH s AS MATERIALIZED (
  SELECT id, name, school_id, registry_no, id_no, id_type, status,
    class_id, grade, gender, created_at, province
  FROM students WHERE id BETWEEN lo AND hi AND id = ANY (ids)
), grams AS (
  INSERT INTO student_name_grams (student_id, gram, school_id)
  SELECT DISTINCT s.id, g.gram, s.school_id
  FROM s CROSS JOIN LATERAL xj_name_grams_of (s.name) AS g (gram)
), regnos AS (
  INSERT INTO registry_numbers (registry_no, student_id, province)
  SELECT registry_no, id, province FROM s
), idnos AS (
  INSERT INTO student_identities (id_no, id_type, student_id, province)
  SELECT id_no, id_type, id, province FROM s WHERE id_no IS NOT NULL
), enrol AS (
  INSERT INTO enrol_counts (school_id, grade, gender, day, n)
  SELECT school_id, grade, gender, substr (created_at, 1, 10), count(*)
  FROM s WHERE status = 'enrolled'
  GROUP BY school_id, grade, gender, substr (created_at, 1, 10)
  ON CONFLICT (school_id, grade, gender, day)
  DO UPDATE SET n = enrol_counts.n + excluded.n
)
INSERT INTO class_counts (class_id, school_id, grade, n)
SELECT class_id, school_id, grade, count(*)
FROM s WHERE status = 'enrolled' AND class_id IS NOT NULL
GROUP BY class_id, school_id, grade
ON CONFLICT (class_id, school_id, grade)
DO UPDATE SET n = class_counts.n + excluded.n;
END;
$$;

-- A move across provinces (an UPDATE of province, 0040) reaches the new
-- partition as an INSERT, and fires this trigger there: that row keeps
-- what it had (its registry number is already recorded under its id,
-- which no new row's can be), so nothing is derived again.
CREATE FUNCTION xj_students_new () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM registry_numbers
             WHERE registry_no = NEW.registry_no AND student_id = NEW.id) THEN
    RETURN NULL;
  END IF;
  PERFORM xj_students_derive (ARRAY[NEW.id]);
  RETURN NULL;
END;
$$;
CREATE TRIGGER students_derive AFTER INSERT ON students
  FOR EACH ROW
  WHEN (current_setting ('xueji.bulk', true) IS DISTINCT FROM 'students')
  EXECUTE FUNCTION xj_students_new ();

-- The end of a COPY into students the session marked (xueji.bulk =
-- 'students'): the mark is taken off, then the copied rows' derived rows
-- are written.  The backend calls xj_bulk_done_<table> after a COPY into
-- any table that has one (docs/db.md "Bulk append").
CREATE FUNCTION xj_bulk_done_students (ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config ('xueji.bulk', '', true);
  PERFORM xj_students_derive (ids);
END;
$$;

-- A rename or a transfer: the old grams by their key, then the new ones.
CREATE OR REPLACE FUNCTION xj_name_grams_move () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM student_name_grams
  WHERE school_id = OLD.school_id AND student_id = OLD.id
    AND gram IN (SELECT xj_name_grams_of (OLD.name));
  INSERT INTO student_name_grams (student_id, gram, school_id)
  SELECT DISTINCT NEW.id, g.gram, NEW.school_id
  FROM xj_name_grams_of (NEW.name) AS g (gram);
  RETURN NULL;
END;
$$;
