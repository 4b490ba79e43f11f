-- 0038_identities: the PostgreSQL twin of migrations/0038_identities.sql
-- (one ID number, one registry number, in two unpartitioned tables kept
-- by triggers on students and student_aliases; see there).  The insert
-- trigger runs once per statement over its transition table, so a COPY
-- of the import's bulk rows writes its numbers in two INSERTs.  No
-- foreign key and no index on student_id (see there).
CREATE TABLE student_identities (
  id_no text NOT NULL,
  id_type text NOT NULL,
  student_id bigint NOT NULL,
  province smallint NOT NULL,
  PRIMARY KEY (id_no, id_type)
);

CREATE TABLE registry_numbers (
  registry_no text NOT NULL PRIMARY KEY,
  student_id bigint NOT NULL,
  province smallint NOT NULL
);

-- the province of a school: the first two digits of its county
CREATE FUNCTION xj_school_province (bigint) RETURNS smallint
LANGUAGE sql STABLE AS
  'SELECT CAST(substr (county_code, 1, 2) AS smallint) FROM schools WHERE id = $1';

CREATE FUNCTION xj_identities_new () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO registry_numbers (registry_no, student_id, province)
  SELECT s.registry_no, s.id, CAST(substr (sc.county_code, 1, 2) AS smallint)
  FROM new_students s JOIN schools sc ON sc.id = s.school_id;
  INSERT INTO student_identities (id_no, id_type, student_id, province)
  SELECT s.id_no, s.id_type, s.id,
    CAST(substr (sc.county_code, 1, 2) AS smallint)
  FROM new_students s JOIN schools sc ON sc.id = s.school_id
  WHERE s.id_no IS NOT NULL;
  RETURN NULL;
END;
$$;
CREATE TRIGGER students_identities_new AFTER INSERT ON students
  REFERENCING NEW TABLE AS new_students
  FOR EACH STATEMENT EXECUTE FUNCTION xj_identities_new ();

CREATE FUNCTION xj_identities_change () RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  p smallint := xj_school_province (NEW.school_id);
BEGIN
  IF OLD.id_no IS DISTINCT FROM NEW.id_no
     OR OLD.id_type IS DISTINCT FROM NEW.id_type THEN
    DELETE FROM student_identities WHERE student_id = OLD.id
      AND id_no = OLD.id_no AND id_type = OLD.id_type;
    INSERT INTO student_identities (id_no, id_type, student_id, province)
    SELECT NEW.id_no, NEW.id_type, NEW.id, p
    WHERE NEW.id_no IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM student_identities i
        WHERE i.id_no = NEW.id_no AND i.id_type = NEW.id_type
        AND i.student_id = NEW.id);
  END IF;
  IF OLD.registry_no IS DISTINCT FROM NEW.registry_no THEN
    DELETE FROM registry_numbers WHERE registry_no = OLD.registry_no
      AND student_id = OLD.id
      AND NOT EXISTS (SELECT 1 FROM student_aliases a
        WHERE a.registry_no = OLD.registry_no AND a.student_id = OLD.id);
  END IF;
  INSERT INTO registry_numbers (registry_no, student_id, province)
  SELECT NEW.registry_no, NEW.id, p
  WHERE NOT EXISTS (SELECT 1 FROM registry_numbers r
    WHERE r.registry_no = NEW.registry_no AND r.student_id = NEW.id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER students_identities_change
  AFTER UPDATE OF id_no, id_type, registry_no ON students
  FOR EACH ROW
  WHEN (OLD.id_no IS DISTINCT FROM NEW.id_no
        OR OLD.id_type IS DISTINCT FROM NEW.id_type
        OR OLD.registry_no IS DISTINCT FROM NEW.registry_no)
  EXECUTE FUNCTION xj_identities_change ();

CREATE FUNCTION xj_identities_province () RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  p smallint := xj_school_province (NEW.school_id);
BEGIN
  UPDATE student_identities SET province = p
  WHERE id_no = NEW.id_no AND id_type = NEW.id_type AND province <> p;
  UPDATE registry_numbers SET province = p
  WHERE registry_no = NEW.registry_no AND province <> p;
  UPDATE registry_numbers SET province = p
  WHERE registry_no IN (SELECT registry_no FROM student_aliases
    WHERE student_id = NEW.id) AND province <> p;
  RETURN NULL;
END;
$$;
CREATE TRIGGER students_identities_province
  AFTER UPDATE OF school_id ON students
  FOR EACH ROW WHEN (OLD.school_id IS DISTINCT FROM NEW.school_id)
  EXECUTE FUNCTION xj_identities_province ();

CREATE FUNCTION xj_alias_number () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO registry_numbers (registry_no, student_id, province)
  SELECT NEW.registry_no, NEW.student_id, xj_school_province (st.school_id)
  FROM students st WHERE st.id = NEW.student_id AND NOT EXISTS (SELECT 1
    FROM registry_numbers r
    WHERE r.registry_no = NEW.registry_no AND r.student_id = NEW.student_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER student_aliases_numbers AFTER INSERT ON student_aliases
  FOR EACH ROW EXECUTE FUNCTION xj_alias_number ();

-- Backfill (as on SQLite: a former number another record holds now stays
-- with that record).
INSERT INTO student_identities (id_no, id_type, student_id, province)
SELECT id_no, id_type, id, xj_school_province (school_id) FROM students
WHERE id_no IS NOT NULL;
INSERT INTO registry_numbers (registry_no, student_id, province)
SELECT registry_no, id, xj_school_province (school_id) FROM students;
INSERT INTO registry_numbers (registry_no, student_id, province)
SELECT a.registry_no, a.student_id, xj_school_province (st.school_id)
FROM student_aliases a JOIN students st ON st.id = a.student_id
ON CONFLICT (registry_no) DO NOTHING;
ANALYZE student_identities;
ANALYZE registry_numbers;
