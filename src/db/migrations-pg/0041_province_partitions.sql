-- 0041_province_partitions: a province's partitions exist once it has a
-- school, not before.  0040 made 34 province partitions of each of the
-- six partitioned tables; a city's or a province's database holds one
-- province, and PostgreSQL 15 locks and opens every partition when a
-- cached generic plan reads by id alone (GET one student): 35 partitions
-- where 2 would do (bench/README.md "Partitions").
--
-- xj_province_partitions (p) creates the six partitions of province @p
-- if they are missing.  It runs as the owner (SECURITY DEFINER): the
-- server's role has no rights in xj_part (docs/deploy-postgres.md).  The
-- row trigger schools_province calls it for every new school and every
-- change of a school's county, so a province's partitions are there
-- before its first student, event or audit entry; the DEFAULT partition
-- keeps province 0 (the whole country's audit entries) and nothing else.
-- Creating a partition locks its parent (ACCESS EXCLUSIVE) until the
-- school's transaction commits: once in a province's life.
--
-- Then the partitions 0040 made for provinces without a school, and with
-- no row, are detached and dropped (a referenced partition cannot be
-- dropped while attached).
CREATE FUNCTION xj_province_partitions (p smallint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  t text;
BEGIN
  IF to_regclass (format ('xj_part.%I', 'students_' || p)) IS NOT NULL THEN
    RETURN;
  END IF;
  -- two first schools of one province at once: one creates, the other
  -- finds them made
  PERFORM pg_advisory_xact_lock (hashtext ('xj_province_partitions'));
  FOREACH t IN ARRAY ARRAY['students', 'student_events',
    'student_placements', 'absences', 'audit_log', 'change_steps']
  LOOP
    IF to_regclass (format ('xj_part.%I', t || '_' || p)) IS NULL THEN
      EXECUTE format ('CREATE TABLE xj_part.%I PARTITION OF %I'
                      ' FOR VALUES IN (%s)', t || '_' || p, t, p);
    END IF;
  END LOOP;
END;
$$;

CREATE FUNCTION xj_school_province () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM xj_province_partitions (
    CAST (substr (NEW.county_code, 1, 2) AS smallint));
  RETURN NULL;
END;
$$;
CREATE TRIGGER schools_province AFTER INSERT OR UPDATE OF county_code
  ON schools FOR EACH ROW EXECUTE FUNCTION xj_school_province ();

DO $$
DECLARE
  t text;
  p int;
  part text;
  has boolean;
BEGIN
  FOR t, p IN SELECT v.t, CAST (substr (c.relname, length (v.t) + 2) AS int)
    FROM (VALUES ('students'), ('student_events'), ('student_placements'),
                 ('absences'), ('audit_log'), ('change_steps')) AS v (t)
    JOIN pg_inherits i ON i.inhparent = v.t::regclass
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE c.relname ~ ('^' || v.t || '_[0-9]+$')
  LOOP
    part := t || '_' || p;
    CONTINUE WHEN EXISTS (SELECT 1 FROM schools
                          WHERE CAST (substr (county_code, 1, 2) AS int) = p);
    EXECUTE format ('SELECT EXISTS (SELECT 1 FROM xj_part.%I)', part) INTO has;
    CONTINUE WHEN has;
    EXECUTE format ('ALTER TABLE %I DETACH PARTITION xj_part.%I', t, part);
    EXECUTE format ('DROP TABLE xj_part.%I', part);
  END LOOP;
END;
$$;
