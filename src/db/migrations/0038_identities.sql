-- 0038_identities: "one ID number, one record" and "one registry number"
-- in two tables of their own (issue 10 point 3,
-- docs/decisions/0002-province-key.md).  Partitioned by province on
-- PostgreSQL, students can no longer hold a unique index that spans every
-- province; these two tables, never partitioned, do.
--
-- student_identities: the current ID number of every record (a record's
-- corrected-away number leaves it and is free again, as in the
-- students_id_no index).  Keyed (id_no, id_type): every look-up names the
-- number, most without its type.
-- registry_numbers: every registry number a record holds, current or
-- former (student_aliases, kept for good); a number corrected away
-- without becoming an alias (a G number of a wrong ID) leaves it and is
-- free for the ID's real owner, as it was with students' own index.
-- province: the first two digits of the county of the record's school,
-- kept as the record moves.
--
-- The triggers below keep both in the transaction of the write that sets
-- or changes a number, whichever path writes it (registration, the import
-- and its bulk path, ID correction, merge, re-entry, `xueji migrate`,
-- `xueji gen`): one definition every writer goes through.  A clash with
-- another record's row is a UNIQUE violation like the students index's.
-- Every statement here finds its rows by the number (the key): no index
-- on student_id and no foreign key, which cost each imported row two
-- more index entries and, on PostgreSQL, a key-share lock of the new
-- student (the import's cluster CPU: +22 % with them); the trigger
-- writes the rows from the record itself, and `xueji check` proves them.
-- `xueji check` compares them with students and student_aliases.
CREATE TABLE student_identities (
  id_no TEXT NOT NULL,
  id_type TEXT NOT NULL,
  student_id INTEGER NOT NULL,
  province INTEGER NOT NULL,
  PRIMARY KEY (id_no, id_type)
) WITHOUT ROWID;

CREATE TABLE registry_numbers (
  registry_no TEXT NOT NULL PRIMARY KEY,
  student_id INTEGER NOT NULL,
  province INTEGER NOT NULL
) WITHOUT ROWID;

-- A number already this record's (a former number made current again, an
-- alias that was the current number) is no new row; another record's is
-- a UNIQUE violation.
-- (An import that rebuilds the students' indexes holds this one back by
-- a row in `backfills` and writes its students' rows in key order at the
-- end, in its own transaction: xj_istore_create_indexes.)
CREATE TRIGGER students_identities_new AFTER INSERT ON students
WHEN NOT EXISTS (SELECT 1 FROM backfills WHERE name = 'identities')
BEGIN
  INSERT INTO registry_numbers (registry_no, student_id, province)
  SELECT NEW.registry_no, NEW.id, CAST(substr(sc.county_code, 1, 2) AS INTEGER)
  FROM schools sc WHERE sc.id = NEW.school_id;
  INSERT INTO student_identities (id_no, id_type, student_id, province)
  SELECT NEW.id_no, NEW.id_type, NEW.id,
    CAST(substr(sc.county_code, 1, 2) AS INTEGER)
  FROM schools sc WHERE sc.id = NEW.school_id AND NEW.id_no IS NOT NULL;
END;

CREATE TRIGGER students_identities_change
AFTER UPDATE OF id_no, id_type, registry_no ON students
WHEN OLD.id_no IS NOT NEW.id_no OR OLD.id_type IS NOT NEW.id_type
  OR OLD.registry_no IS NOT NEW.registry_no
BEGIN
  DELETE FROM student_identities WHERE student_id = OLD.id
    AND id_no = OLD.id_no AND id_type = OLD.id_type
    AND (OLD.id_no IS NOT NEW.id_no OR OLD.id_type IS NOT NEW.id_type);
  INSERT INTO student_identities (id_no, id_type, student_id, province)
  SELECT NEW.id_no, NEW.id_type, NEW.id,
    CAST(substr(sc.county_code, 1, 2) AS INTEGER)
  FROM schools sc WHERE sc.id = NEW.school_id AND NEW.id_no IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM student_identities i
      WHERE i.id_no = NEW.id_no AND i.id_type = NEW.id_type
      AND i.student_id = NEW.id);
  DELETE FROM registry_numbers WHERE registry_no = OLD.registry_no
    AND student_id = OLD.id AND OLD.registry_no IS NOT NEW.registry_no
    AND NOT EXISTS (SELECT 1 FROM student_aliases a
      WHERE a.registry_no = OLD.registry_no AND a.student_id = OLD.id);
  INSERT INTO registry_numbers (registry_no, student_id, province)
  SELECT NEW.registry_no, NEW.id, CAST(substr(sc.county_code, 1, 2) AS INTEGER)
  FROM schools sc WHERE sc.id = NEW.school_id
    AND NOT EXISTS (SELECT 1 FROM registry_numbers r
      WHERE r.registry_no = NEW.registry_no AND r.student_id = NEW.id);
END;

-- a move to a school of another province carries the province along
CREATE TRIGGER students_identities_province
AFTER UPDATE OF school_id ON students
WHEN OLD.school_id IS NOT NEW.school_id
BEGIN
  UPDATE student_identities SET province = (SELECT CAST(substr(county_code,
    1, 2) AS INTEGER) FROM schools WHERE id = NEW.school_id)
  WHERE id_no = NEW.id_no AND id_type = NEW.id_type;
  UPDATE registry_numbers SET province = (SELECT CAST(substr(county_code,
    1, 2) AS INTEGER) FROM schools WHERE id = NEW.school_id)
  WHERE registry_no = NEW.registry_no OR registry_no IN
    (SELECT registry_no FROM student_aliases WHERE student_id = NEW.id);
END;

CREATE TRIGGER student_aliases_numbers AFTER INSERT ON student_aliases
BEGIN
  INSERT INTO registry_numbers (registry_no, student_id, province)
  SELECT NEW.registry_no, NEW.student_id,
    CAST(substr(sc.county_code, 1, 2) AS INTEGER)
  FROM students st JOIN schools sc ON sc.id = st.school_id
  WHERE st.id = NEW.student_id
    AND NOT EXISTS (SELECT 1 FROM registry_numbers r
      WHERE r.registry_no = NEW.registry_no AND r.student_id = NEW.student_id);
END;

-- Backfill.  The current numbers first; a former number some other
-- record holds now (possible before this table: only students'
-- registry_no was unique) stays with the record that holds it now.
INSERT INTO student_identities (id_no, id_type, student_id, province)
SELECT st.id_no, st.id_type, st.id, CAST(substr(sc.county_code, 1, 2) AS INTEGER)
FROM students st JOIN schools sc ON sc.id = st.school_id
WHERE st.id_no IS NOT NULL;
INSERT INTO registry_numbers (registry_no, student_id, province)
SELECT st.registry_no, st.id, CAST(substr(sc.county_code, 1, 2) AS INTEGER)
FROM students st JOIN schools sc ON sc.id = st.school_id;
INSERT INTO registry_numbers (registry_no, student_id, province)
SELECT a.registry_no, a.student_id, CAST(substr(sc.county_code, 1, 2) AS INTEGER)
FROM student_aliases a JOIN students st ON st.id = a.student_id
JOIN schools sc ON sc.id = st.school_id
WHERE NOT EXISTS (SELECT 1 FROM registry_numbers r
  WHERE r.registry_no = a.registry_no);
