-- 0031_absence_counts: the PostgreSQL twin of
-- migrations/0031_absence_counts.sql (absence figures per region and day
-- kept by triggers on absences; see there).
CREATE TABLE absence_firsts (
  student_id bigint NOT NULL,
  start_year bigint NOT NULL,
  region text NOT NULL,
  day bigint NOT NULL,
  PRIMARY KEY (student_id, start_year, region)
);
CREATE TABLE absence_counts (
  region text NOT NULL,
  day bigint NOT NULL,
  students bigint NOT NULL,
  halfdays bigint NOT NULL,
  PRIMARY KEY (region, day)
);

-- the school year a YYYYMMDD day belongs to (2026 = 2026-09-01 ..
-- 2027-08-31)
CREATE FUNCTION xj_school_year (d bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
  SELECT d / 10000 - CASE WHEN d % 10000 < 901 THEN 1 ELSE 0 END
$$;

INSERT INTO absence_firsts (student_id, start_year, region, day)
SELECT a.student_id, xj_school_year (a.day), substr (sc.county_code, 1, k.n),
  min (a.day)
FROM absences a JOIN schools sc ON sc.id = a.school_id,
  (VALUES (0), (2), (4), (6)) k (n)
GROUP BY a.student_id, xj_school_year (a.day), substr (sc.county_code, 1, k.n);
INSERT INTO absence_counts (region, day, students, halfdays)
SELECT x.region, x.day, sum (x.s), sum (x.h) FROM (
  SELECT f.region, f.day, 1 AS s, 0 AS h FROM absence_firsts f
  UNION ALL SELECT substr (sc.county_code, 1, k.n), a.day, 0,
    CASE WHEN a.part = 0 THEN 2 ELSE 1 END
  FROM absences a JOIN schools sc ON sc.id = a.school_id,
    (VALUES (0), (2), (4), (6)) k (n)) x
GROUP BY x.region, x.day;

-- half-days += @h in the four regions of school @s on day @d
CREATE FUNCTION xj_absence_halfdays (s bigint, d bigint, h bigint)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO absence_counts (region, day, students, halfdays)
  SELECT substr (sc.county_code, 1, k.n), d, 0, h
  FROM schools sc, (VALUES (0), (2), (4), (6)) k (n) WHERE sc.id = s
  ON CONFLICT (region, day)
  DO UPDATE SET halfdays = absence_counts.halfdays + excluded.halfdays;
$$;

-- the first days of student @sid's school year @y, recounted
CREATE FUNCTION xj_absence_recount (sid bigint, y bigint)
RETURNS void LANGUAGE sql AS $$
  DELETE FROM absence_firsts WHERE student_id = sid AND start_year = y;
  INSERT INTO absence_firsts (student_id, start_year, region, day)
  SELECT a.student_id, y, substr (sc.county_code, 1, k.n), min (a.day)
  FROM absences a JOIN schools sc ON sc.id = a.school_id,
    (VALUES (0), (2), (4), (6)) k (n)
  WHERE a.student_id = sid AND a.day >= y * 10000 + 901
    AND a.day <= y * 10000 + 10831
  GROUP BY a.student_id, substr (sc.county_code, 1, k.n);
$$;

CREATE FUNCTION xj_absence_count () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM xj_absence_halfdays (OLD.school_id, OLD.day,
                                 -CASE WHEN OLD.part = 0 THEN 2 ELSE 1 END);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM xj_absence_halfdays (NEW.school_id, NEW.day,
                                 CASE WHEN NEW.part = 0 THEN 2 ELSE 1 END);
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO absence_firsts (student_id, start_year, region, day)
    SELECT NEW.student_id, xj_school_year (NEW.day),
      substr (sc.county_code, 1, k.n), NEW.day
    FROM schools sc, (VALUES (0), (2), (4), (6)) k (n)
    WHERE sc.id = NEW.school_id
    ON CONFLICT (student_id, start_year, region)
    DO UPDATE SET day = excluded.day WHERE excluded.day < absence_firsts.day;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM xj_absence_recount (OLD.student_id, xj_school_year (OLD.day));
  ELSIF OLD.student_id IS DISTINCT FROM NEW.student_id
        OR OLD.day IS DISTINCT FROM NEW.day
        OR OLD.school_id IS DISTINCT FROM NEW.school_id THEN
    PERFORM xj_absence_recount (OLD.student_id, xj_school_year (OLD.day));
    PERFORM xj_absence_recount (NEW.student_id, xj_school_year (NEW.day));
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER absences_count_ins AFTER INSERT ON absences
  FOR EACH ROW EXECUTE FUNCTION xj_absence_count ();
CREATE TRIGGER absences_count_upd AFTER UPDATE ON absences
  FOR EACH ROW EXECUTE FUNCTION xj_absence_count ();
CREATE TRIGGER absences_count_del AFTER DELETE ON absences
  FOR EACH ROW EXECUTE FUNCTION xj_absence_count ();

-- a first day in a region counted on that day
CREATE FUNCTION xj_absence_first_count () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO absence_counts (region, day, students, halfdays)
    VALUES (OLD.region, OLD.day, -1, 0)
    ON CONFLICT (region, day)
    DO UPDATE SET students = absence_counts.students + excluded.students;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO absence_counts (region, day, students, halfdays)
    VALUES (NEW.region, NEW.day, 1, 0)
    ON CONFLICT (region, day)
    DO UPDATE SET students = absence_counts.students + excluded.students;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER absence_firsts_ins AFTER INSERT ON absence_firsts
  FOR EACH ROW EXECUTE FUNCTION xj_absence_first_count ();
CREATE TRIGGER absence_firsts_upd AFTER UPDATE ON absence_firsts
  FOR EACH ROW EXECUTE FUNCTION xj_absence_first_count ();
CREATE TRIGGER absence_firsts_del AFTER DELETE ON absence_firsts
  FOR EACH ROW EXECUTE FUNCTION xj_absence_first_count ();
