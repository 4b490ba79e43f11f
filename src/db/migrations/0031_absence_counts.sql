-- 0031_absence_counts: the absence figures of a region kept by the
-- database in the same transaction as every absence recorded, corrected
-- or removed, so that the dashboard's absence panel reads a few hundred
-- rows instead of every absence of the term (3 million at 1,000,000
-- students; issue 11 point 7, docs/internals/dashboard.md "Counts kept
-- by the database").
--
-- A region is the prefix of a school's county code: '' (everywhere), 2,
-- 4 or 6 digits, as the dashboard's units are; an absence counts in the
-- four regions of the school it was recorded at.  The panel's window
-- always starts on 1 September, so "students with an absence in the
-- window" is the number of students whose first absence of the school
-- year in the region falls in it: a sum over days.
--
-- absence_firsts: each student's first absence day of a school year
-- (start_year 2026 = 2026-09-01 .. 2027-08-31) in each region.
CREATE TABLE absence_firsts (
  student_id INTEGER NOT NULL,
  start_year INTEGER NOT NULL,
  region TEXT NOT NULL,
  day INTEGER NOT NULL,                 -- YYYYMMDD
  PRIMARY KEY (student_id, start_year, region)
) WITHOUT ROWID;
-- absence_counts: per region and day, the students whose first absence
-- of the school year it is (absence_firsts) and the absent half-days (a
-- full day counts 2).
CREATE TABLE absence_counts (
  region TEXT NOT NULL,
  day INTEGER NOT NULL,
  students INTEGER NOT NULL,
  halfdays INTEGER NOT NULL,
  PRIMARY KEY (region, day)
) WITHOUT ROWID;

-- Backfill before the triggers exist: grouped, not row by row
-- (attend/attend_store.c st_att_counts_diff recounts with the same rule).
INSERT INTO absence_firsts (student_id, start_year, region, day)
SELECT a.student_id, (a.day / 10000 - CASE WHEN a.day % 10000 < 901 THEN 1 ELSE 0 END), substr (sc.county_code, 1, k.n),
  min (a.day)
FROM absences a, schools sc, (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) k
WHERE sc.id = a.school_id
GROUP BY a.student_id, (a.day / 10000 - CASE WHEN a.day % 10000 < 901 THEN 1 ELSE 0 END), substr (sc.county_code, 1, k.n);
INSERT INTO absence_counts (region, day, students, halfdays)
SELECT x.region, x.day, sum (x.s), sum (x.h) FROM (
  SELECT f.region, f.day, 1 AS s, 0 AS h FROM absence_firsts f
  UNION ALL SELECT substr (sc.county_code, 1, k.n), a.day, 0,
    CASE WHEN a.part = 0 THEN 2 ELSE 1 END
  FROM absences a, schools sc, (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) k
  WHERE sc.id = a.school_id) x
GROUP BY x.region, x.day;

-- A student's first day in a region: counted on that day.
CREATE TRIGGER absence_firsts_ins AFTER INSERT ON absence_firsts
BEGIN
  INSERT INTO absence_counts (region, day, students, halfdays)
  VALUES (NEW.region, NEW.day, 1, 0)
  ON CONFLICT (region, day)
  DO UPDATE SET students = absence_counts.students + excluded.students;
END;
CREATE TRIGGER absence_firsts_upd AFTER UPDATE ON absence_firsts
BEGIN
  INSERT INTO absence_counts (region, day, students, halfdays)
  VALUES (OLD.region, OLD.day, -1, 0)
  ON CONFLICT (region, day)
  DO UPDATE SET students = absence_counts.students + excluded.students;
  INSERT INTO absence_counts (region, day, students, halfdays)
  VALUES (NEW.region, NEW.day, 1, 0)
  ON CONFLICT (region, day)
  DO UPDATE SET students = absence_counts.students + excluded.students;
END;
CREATE TRIGGER absence_firsts_del AFTER DELETE ON absence_firsts
BEGIN
  INSERT INTO absence_counts (region, day, students, halfdays)
  VALUES (OLD.region, OLD.day, -1, 0)
  ON CONFLICT (region, day)
  DO UPDATE SET students = absence_counts.students + excluded.students;
END;

-- An absence recorded (the grid, the import): its half-days, and an
-- earlier first day where it is one.
CREATE TRIGGER absences_count_ins AFTER INSERT ON absences
BEGIN
  INSERT INTO absence_counts (region, day, students, halfdays)
  SELECT substr (sc.county_code, 1, k.n), NEW.day, 0, CASE WHEN NEW.part = 0 THEN 2 ELSE 1 END
  FROM schools sc, (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) k WHERE sc.id = NEW.school_id
  ON CONFLICT (region, day)
  DO UPDATE SET halfdays = absence_counts.halfdays + excluded.halfdays;
  INSERT INTO absence_firsts (student_id, start_year, region, day)
  SELECT NEW.student_id, (NEW.day / 10000 - CASE WHEN NEW.day % 10000 < 901 THEN 1 ELSE 0 END), substr (sc.county_code, 1, k.n),
    NEW.day
  FROM schools sc, (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) k WHERE sc.id = NEW.school_id
  ON CONFLICT (student_id, start_year, region)
  DO UPDATE SET day = excluded.day WHERE excluded.day < absence_firsts.day;
END;
-- A correction (the entry in force replaced): the half-days moved; the
-- first days of the student's year recounted when the school or the day
-- changed (rare: a correction, not the daily path).
CREATE TRIGGER absences_count_upd AFTER UPDATE ON absences
BEGIN
  INSERT INTO absence_counts (region, day, students, halfdays)
  SELECT substr (sc.county_code, 1, k.n), OLD.day, 0, -CASE WHEN OLD.part = 0 THEN 2 ELSE 1 END
  FROM schools sc, (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) k WHERE sc.id = OLD.school_id
  ON CONFLICT (region, day)
  DO UPDATE SET halfdays = absence_counts.halfdays + excluded.halfdays;
  INSERT INTO absence_counts (region, day, students, halfdays)
  SELECT substr (sc.county_code, 1, k.n), NEW.day, 0, CASE WHEN NEW.part = 0 THEN 2 ELSE 1 END
  FROM schools sc, (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) k WHERE sc.id = NEW.school_id
  ON CONFLICT (region, day)
  DO UPDATE SET halfdays = absence_counts.halfdays + excluded.halfdays;
  DELETE FROM absence_firsts
  WHERE student_id = OLD.student_id AND start_year = (OLD.day / 10000 - CASE WHEN OLD.day % 10000 < 901 THEN 1 ELSE 0 END) AND (OLD.student_id IS NOT NEW.student_id OR OLD.day IS NOT NEW.day OR OLD.school_id IS NOT NEW.school_id);
  INSERT INTO absence_firsts (student_id, start_year, region, day)
  SELECT a.student_id, (OLD.day / 10000 - CASE WHEN OLD.day % 10000 < 901 THEN 1 ELSE 0 END), substr (sc.county_code, 1, k.n), min (a.day)
  FROM absences a, schools sc, (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) k
  WHERE a.student_id = OLD.student_id AND sc.id = a.school_id
    AND a.day >= (OLD.day / 10000 - CASE WHEN OLD.day % 10000 < 901 THEN 1 ELSE 0 END) * 10000 + 901 AND a.day <= (OLD.day / 10000 - CASE WHEN OLD.day % 10000 < 901 THEN 1 ELSE 0 END) * 10000 + 10831
  AND (OLD.student_id IS NOT NEW.student_id OR OLD.day IS NOT NEW.day OR OLD.school_id IS NOT NEW.school_id)
  GROUP BY a.student_id, substr (sc.county_code, 1, k.n);
  DELETE FROM absence_firsts
  WHERE student_id = NEW.student_id AND start_year = (NEW.day / 10000 - CASE WHEN NEW.day % 10000 < 901 THEN 1 ELSE 0 END) AND (OLD.student_id IS NOT NEW.student_id OR OLD.day IS NOT NEW.day OR OLD.school_id IS NOT NEW.school_id);
  INSERT INTO absence_firsts (student_id, start_year, region, day)
  SELECT a.student_id, (NEW.day / 10000 - CASE WHEN NEW.day % 10000 < 901 THEN 1 ELSE 0 END), substr (sc.county_code, 1, k.n), min (a.day)
  FROM absences a, schools sc, (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) k
  WHERE a.student_id = NEW.student_id AND sc.id = a.school_id
    AND a.day >= (NEW.day / 10000 - CASE WHEN NEW.day % 10000 < 901 THEN 1 ELSE 0 END) * 10000 + 901 AND a.day <= (NEW.day / 10000 - CASE WHEN NEW.day % 10000 < 901 THEN 1 ELSE 0 END) * 10000 + 10831
  AND (OLD.student_id IS NOT NEW.student_id OR OLD.day IS NOT NEW.day OR OLD.school_id IS NOT NEW.school_id)
  GROUP BY a.student_id, substr (sc.county_code, 1, k.n);
END;
-- An absence removed ("present after all"): its half-days, and the first
-- days of the student's year recounted.
CREATE TRIGGER absences_count_del AFTER DELETE ON absences
BEGIN
  INSERT INTO absence_counts (region, day, students, halfdays)
  SELECT substr (sc.county_code, 1, k.n), OLD.day, 0, -CASE WHEN OLD.part = 0 THEN 2 ELSE 1 END
  FROM schools sc, (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) k WHERE sc.id = OLD.school_id
  ON CONFLICT (region, day)
  DO UPDATE SET halfdays = absence_counts.halfdays + excluded.halfdays;
  DELETE FROM absence_firsts
  WHERE student_id = OLD.student_id AND start_year = (OLD.day / 10000 - CASE WHEN OLD.day % 10000 < 901 THEN 1 ELSE 0 END);
  INSERT INTO absence_firsts (student_id, start_year, region, day)
  SELECT a.student_id, (OLD.day / 10000 - CASE WHEN OLD.day % 10000 < 901 THEN 1 ELSE 0 END), substr (sc.county_code, 1, k.n), min (a.day)
  FROM absences a, schools sc, (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6) k
  WHERE a.student_id = OLD.student_id AND sc.id = a.school_id
    AND a.day >= (OLD.day / 10000 - CASE WHEN OLD.day % 10000 < 901 THEN 1 ELSE 0 END) * 10000 + 901 AND a.day <= (OLD.day / 10000 - CASE WHEN OLD.day % 10000 < 901 THEN 1 ELSE 0 END) * 10000 + 10831
  GROUP BY a.student_id, substr (sc.county_code, 1, k.n);
END;
