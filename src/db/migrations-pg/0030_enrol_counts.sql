-- 0030_enrol_counts: the PostgreSQL twin of migrations/0030_enrol_counts.sql
-- (在读 counts per school, grade, gender and day, kept by triggers on
-- students; see there).
CREATE TABLE enrol_counts (
  school_id bigint NOT NULL,
  grade text NOT NULL,
  gender bigint NOT NULL,
  day text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (school_id, grade, gender, day)
);

CREATE TABLE class_counts (
  class_id bigint NOT NULL,
  school_id bigint NOT NULL,
  grade text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (class_id, school_id, grade)
);

-- n of one class (as its record names it) += @delta
CREATE FUNCTION xj_class_count_add (k bigint, s bigint, g text, delta bigint)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO class_counts (class_id, school_id, grade, n)
  SELECT k, s, g, delta WHERE k IS NOT NULL
  ON CONFLICT (class_id, school_id, grade)
  DO UPDATE SET n = class_counts.n + excluded.n;
$$;

-- n of one (school, grade, gender, day) += @d
CREATE FUNCTION xj_enrol_count_add (s bigint, g text, sex bigint, d text,
                                    delta bigint) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO enrol_counts (school_id, grade, gender, day, n)
  VALUES (s, g, sex, d, delta)
  ON CONFLICT (school_id, grade, gender, day)
  DO UPDATE SET n = enrol_counts.n + excluded.n;
$$;

CREATE FUNCTION xj_enrol_count_new () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM xj_enrol_count_add (NEW.school_id, NEW.grade, NEW.gender,
                              substr (NEW.created_at, 1, 10), 1);
  PERFORM xj_class_count_add (NEW.class_id, NEW.school_id, NEW.grade, 1);
  RETURN NULL;
END;
$$;
CREATE TRIGGER students_enrol_count AFTER INSERT ON students
  FOR EACH ROW WHEN (NEW.status = 'enrolled')
  EXECUTE FUNCTION xj_enrol_count_new ();

-- The placement log of 0020, which now also keeps the counts: a
-- corrected gender first moves the history written so far, then the
-- change is logged, then counted under the gender now.
CREATE OR REPLACE FUNCTION xj_log_placement () RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  moved boolean := OLD.school_id IS DISTINCT FROM NEW.school_id
    OR OLD.grade IS DISTINCT FROM NEW.grade
    OR OLD.status IS DISTINCT FROM NEW.status;
BEGIN
  IF OLD.gender IS DISTINCT FROM NEW.gender THEN
    INSERT INTO enrol_counts (school_id, grade, gender, day, n)
    SELECT h.school_id, h.grade, g.gender, h.day, sum (g.sign * h.n)
    FROM (SELECT p.school_id, p.grade, substr (OLD.created_at, 1, 10) AS day,
            1 AS n FROM student_placements p
          WHERE p.id = (SELECT min (q.id) FROM student_placements q
                        WHERE q.student_id = OLD.id)
            AND p.status = 'enrolled'
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
    GROUP BY h.school_id, h.grade, g.gender, h.day
    ON CONFLICT (school_id, grade, gender, day)
    DO UPDATE SET n = enrol_counts.n + excluded.n;
  END IF;
  IF moved OR OLD.class_id IS DISTINCT FROM NEW.class_id THEN
    INSERT INTO student_placements (student_id, at, school_id, class_id,
      grade, status, to_school_id, to_class_id, to_grade, to_status)
    VALUES (NEW.id, NEW.updated_at, OLD.school_id, OLD.class_id, OLD.grade,
      OLD.status, NEW.school_id, NEW.class_id, NEW.grade, NEW.status);
  END IF;
  IF moved AND OLD.status = 'enrolled' THEN
    PERFORM xj_enrol_count_add (OLD.school_id, OLD.grade, NEW.gender,
                                substr (NEW.updated_at, 1, 10), -1);
  END IF;
  IF moved AND NEW.status = 'enrolled' THEN
    PERFORM xj_enrol_count_add (NEW.school_id, NEW.grade, NEW.gender,
                                substr (NEW.updated_at, 1, 10), 1);
  END IF;
  IF moved OR OLD.class_id IS DISTINCT FROM NEW.class_id THEN
    IF OLD.status = 'enrolled' THEN
      PERFORM xj_class_count_add (OLD.class_id, OLD.school_id, OLD.grade, -1);
    END IF;
    IF NEW.status = 'enrolled' THEN
      PERFORM xj_class_count_add (NEW.class_id, NEW.school_id, NEW.grade, 1);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS students_placement_log ON students;
CREATE TRIGGER students_placement_log
  AFTER UPDATE OF school_id, class_id, grade, status, gender ON students
  FOR EACH ROW
  WHEN (OLD.school_id IS DISTINCT FROM NEW.school_id
        OR OLD.class_id IS DISTINCT FROM NEW.class_id
        OR OLD.grade IS DISTINCT FROM NEW.grade
        OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.gender IS DISTINCT FROM NEW.gender)
  EXECUTE FUNCTION xj_log_placement ();

-- Backfill (the SQLite twin's statement).
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
GROUP BY x.school_id, x.grade, x.gender, x.day HAVING sum (x.n) <> 0;
INSERT INTO class_counts (class_id, school_id, grade, n)
SELECT class_id, school_id, grade, count(*) FROM students
WHERE status = 'enrolled' AND class_id IS NOT NULL
GROUP BY class_id, school_id, grade;
