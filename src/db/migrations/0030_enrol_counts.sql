-- 0030_enrol_counts: exact counts of 在读 students per school, grade and
-- gender, kept by the database in the same transaction as every change
-- that moves them, so that the dashboard's enrolment of a region as of a
-- date reads a few thousand rows instead of a million students
-- (issue 11 point 7; docs/internals/dashboard.md "Counts kept by the
-- database").
--
-- enrol_counts holds deltas: the 在读 students of a school, grade and
-- gender at the end of day D are the sum of n over the rows with
-- day <= D.  A registration adds 1 on the day it was written
-- (created_at); a change of school, grade or status (a student_placements
-- row) takes 1 from the placement before and adds 1 to the one after on
-- the day it was written (updated_at), each only when that placement is
-- 在读.  That is xj_enrol_asof's rule (class_size_store.c) summed: a past
-- day's figure never changes when later events arrive, since they are
-- dated when written.  gender is the student's gender now, as in
-- xj_enrol_asof: a corrected gender moves the student's whole history.
-- `xueji check` recomputes the table from students and
-- student_placements and reports any difference.
CREATE TABLE enrol_counts (
  school_id INTEGER NOT NULL,
  grade TEXT NOT NULL,
  gender INTEGER NOT NULL,
  day TEXT NOT NULL,                    -- YYYY-MM-DD (local) it was written
  n INTEGER NOT NULL,                   -- students in less students out
  PRIMARY KEY (school_id, grade, gender, day)
) WITHOUT ROWID;

-- class_counts: the 在读 students of each class now, by the class, school
-- and grade their record names (the class-size report's CS_SIZE, whose
-- school and grade must match the class's), kept by the same triggers.
CREATE TABLE class_counts (
  class_id INTEGER NOT NULL,
  school_id INTEGER NOT NULL,
  grade TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (class_id, school_id, grade)
) WITHOUT ROWID;

-- A registration (any path: the form, the import's bulk rows, gen).
CREATE TRIGGER students_enrol_count AFTER INSERT ON students
WHEN NEW.status = 'enrolled'
BEGIN
  INSERT INTO enrol_counts (school_id, grade, gender, day, n)
  VALUES (NEW.school_id, NEW.grade, NEW.gender, substr (NEW.created_at, 1, 10), 1)
  ON CONFLICT (school_id, grade, gender, day)
  DO UPDATE SET n = enrol_counts.n + excluded.n;
  INSERT INTO class_counts (class_id, school_id, grade, n)
  SELECT NEW.class_id, NEW.school_id, NEW.grade, 1
  WHERE NEW.class_id IS NOT NULL
  ON CONFLICT (class_id, school_id, grade)
  DO UPDATE SET n = class_counts.n + excluded.n;
END;

-- The placement log of 0020 becomes one trigger that also keeps the
-- counts, in this order: a corrected gender first moves the history
-- written so far (this change's own row is not in it yet), then the
-- change is logged, then counted under the gender now.
DROP TRIGGER IF EXISTS students_placement_log;
CREATE TRIGGER students_placement_log
AFTER UPDATE OF school_id, class_id, grade, status, gender ON students
WHEN OLD.school_id IS NOT NEW.school_id OR OLD.class_id IS NOT NEW.class_id
  OR OLD.grade IS NOT NEW.grade OR OLD.status IS NOT NEW.status
  OR OLD.gender IS NOT NEW.gender
BEGIN
  INSERT INTO enrol_counts (school_id, grade, gender, day, n)
  SELECT h.school_id, h.grade, g.gender, h.day, sum (g.sign * h.n)
  FROM (SELECT p.school_id, p.grade, substr (OLD.created_at, 1, 10) AS day,
          1 AS n FROM student_placements p
        WHERE p.id = (SELECT min (q.id) FROM student_placements q
                      WHERE q.student_id = OLD.id) AND p.status = 'enrolled'
        UNION ALL SELECT OLD.school_id, OLD.grade,
          substr (OLD.created_at, 1, 10), 1
        WHERE OLD.status = 'enrolled' AND NOT EXISTS (SELECT 1
          FROM student_placements q WHERE q.student_id = OLD.id)
        UNION ALL SELECT p.school_id, p.grade, substr (p.at, 1, 10), -1
        FROM student_placements p
        WHERE p.student_id = OLD.id AND p.status = 'enrolled'
        UNION ALL SELECT p.to_school_id, p.to_grade, substr (p.at, 1, 10), 1
        FROM student_placements p
        WHERE p.student_id = OLD.id AND p.to_status = 'enrolled') h,
       (SELECT OLD.gender AS gender, -1 AS sign
        UNION ALL SELECT NEW.gender, 1) g
  WHERE OLD.gender IS NOT NEW.gender
  GROUP BY h.school_id, h.grade, g.gender, h.day
  ON CONFLICT (school_id, grade, gender, day)
  DO UPDATE SET n = enrol_counts.n + excluded.n;
  INSERT INTO student_placements (student_id, at, school_id, class_id, grade,
    status, to_school_id, to_class_id, to_grade, to_status)
  SELECT NEW.id, NEW.updated_at, OLD.school_id, OLD.class_id, OLD.grade,
    OLD.status, NEW.school_id, NEW.class_id, NEW.grade, NEW.status
  WHERE OLD.school_id IS NOT NEW.school_id OR OLD.class_id IS NOT NEW.class_id
    OR OLD.grade IS NOT NEW.grade OR OLD.status IS NOT NEW.status;
  INSERT INTO enrol_counts (school_id, grade, gender, day, n)
  SELECT OLD.school_id, OLD.grade, NEW.gender, substr (NEW.updated_at, 1, 10),
    -1
  WHERE OLD.status = 'enrolled' AND (OLD.school_id IS NOT NEW.school_id
    OR OLD.grade IS NOT NEW.grade OR OLD.status IS NOT NEW.status)
  ON CONFLICT (school_id, grade, gender, day)
  DO UPDATE SET n = enrol_counts.n + excluded.n;
  INSERT INTO enrol_counts (school_id, grade, gender, day, n)
  SELECT NEW.school_id, NEW.grade, NEW.gender, substr (NEW.updated_at, 1, 10),
    1
  WHERE NEW.status = 'enrolled' AND (OLD.school_id IS NOT NEW.school_id
    OR OLD.grade IS NOT NEW.grade OR OLD.status IS NOT NEW.status)
  ON CONFLICT (school_id, grade, gender, day)
  DO UPDATE SET n = enrol_counts.n + excluded.n;
  INSERT INTO class_counts (class_id, school_id, grade, n)
  SELECT OLD.class_id, OLD.school_id, OLD.grade, -1
  WHERE OLD.status = 'enrolled' AND OLD.class_id IS NOT NULL
    AND (OLD.school_id IS NOT NEW.school_id OR OLD.class_id IS NOT NEW.class_id
      OR OLD.grade IS NOT NEW.grade OR OLD.status IS NOT NEW.status)
  ON CONFLICT (class_id, school_id, grade)
  DO UPDATE SET n = class_counts.n + excluded.n;
  INSERT INTO class_counts (class_id, school_id, grade, n)
  SELECT NEW.class_id, NEW.school_id, NEW.grade, 1
  WHERE NEW.status = 'enrolled' AND NEW.class_id IS NOT NULL
    AND (OLD.school_id IS NOT NEW.school_id OR OLD.class_id IS NOT NEW.class_id
      OR OLD.grade IS NOT NEW.grade OR OLD.status IS NOT NEW.status)
  ON CONFLICT (class_id, school_id, grade)
  DO UPDATE SET n = class_counts.n + excluded.n;
END;

-- Backfill: the same rule over every student (klass/class_size_store.c
-- st_cs_counts_recount is this statement, for `xueji check`).
INSERT INTO enrol_counts (school_id, grade, gender, day, n)
SELECT x.school_id, x.grade, x.gender, x.day, sum (x.n) FROM (
  SELECT st.school_id, st.grade, st.gender, substr (st.created_at, 1, 10)
    AS day, 1 AS n FROM students st
  WHERE st.status = 'enrolled' AND NOT EXISTS (SELECT 1
    FROM student_placements q WHERE q.student_id = st.id)
  UNION ALL SELECT p.school_id, p.grade, st.gender,
    substr (st.created_at, 1, 10), 1
  FROM student_placements p JOIN students st ON st.id = p.student_id
  WHERE p.status = 'enrolled' AND p.id = (SELECT min (q.id)
    FROM student_placements q WHERE q.student_id = p.student_id)
  UNION ALL SELECT p.school_id, p.grade, st.gender, substr (p.at, 1, 10), -1
  FROM student_placements p JOIN students st ON st.id = p.student_id
  WHERE p.status = 'enrolled'
  UNION ALL SELECT p.to_school_id, p.to_grade, st.gender,
    substr (p.at, 1, 10), 1
  FROM student_placements p JOIN students st ON st.id = p.student_id
  WHERE p.to_status = 'enrolled') x
WHERE 1 = 1
GROUP BY x.school_id, x.grade, x.gender, x.day HAVING sum (x.n) <> 0;
INSERT INTO class_counts (class_id, school_id, grade, n)
SELECT class_id, school_id, grade, count(*) FROM students
WHERE status = 'enrolled' AND class_id IS NOT NULL
GROUP BY class_id, school_id, grade;
