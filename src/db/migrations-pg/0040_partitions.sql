-- 0040_partitions: the six large registry tables (students,
-- student_events, student_placements, absences, audit_log, change_steps)
-- become PARTITION BY LIST (province): one partition per province that
-- has a school (0041 adds the next ones as their first school comes; as
-- first landed, 0040 made all 34 of GB/T 2260 and 0041 drops the empty
-- ones, so both ways end alike) and a DEFAULT one (province 0, the
-- whole country's audit entries, and any code without a partition), in
-- the schema xj_part, on which the
-- server's role gets no USAGE: it reads and writes through the parents
-- only, so the REVOKE of docs/deploy-postgres.md on audit_log and
-- student_events keeps holding (PostgreSQL checks a partitioned table's
-- rights on the parent alone).  docs/decisions/0002-province-key.md,
-- docs/db.md "Partitions (0040, PostgreSQL)".
--
-- Rebuilt by rename, create, INSERT ... SELECT, drop; the keys and
-- indexes are built after the copy.  Ids stay one identity sequence per
-- table, restarted after the largest id.
--
-- Keys: PRIMARY KEY (id, province) (a key must hold the partition key;
-- id first, so the reads by id alone use it: no second index on id);
-- absences (student_id, day, province).  students keeps no unique index
-- of its own: student_identities and registry_numbers (0038) enforce one
-- ID, one number.
--
-- Foreign keys to these tables become (province, x_id) REFERENCES t
-- (province, id) ON UPDATE CASCADE where the referencing row carries the
-- same record's province: a move across provinces (students.province
-- updated, the row moving partition) carries them along.  The two whose
-- row does not (duplicate_flags.other_id, student_merges.merged_id: the
-- other record may be in another province) are dropped (docs/db.md;
-- nothing checks them yet).  The append-only tables refuse an
-- UPDATE that changes anything but province (a cascade names the key's
-- every column in its SET list, so "BEFORE UPDATE OF" column lists no
-- longer tell a move from an edit).
CREATE SCHEMA xj_part;

-- Table @t rebuilt partitioned: renamed aside, created again LIKE it
-- (columns, defaults, checks, identity), one partition per province and
-- a default, the rows copied, the old table dropped, its indexes (not
-- its keys) and triggers re-created as they were, its foreign keys (those
-- to the six tables are gone: composite below) added again, the
-- identity sequence named and restarted after the largest id, and the
-- primary key @pk.
CREATE FUNCTION xj_part_table (t text, pk text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  old text := t || '_old';
  defs text[];
  d text;
  p int;
  seq text;
  top bigint;
BEGIN
  EXECUTE format ('ALTER TABLE %I RENAME TO %I', t, old);
  SELECT array_agg (def) INTO defs FROM (
    SELECT pg_get_indexdef (i.indexrelid) AS def FROM pg_index i
    WHERE i.indrelid = old::regclass AND NOT EXISTS (SELECT 1
      FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    UNION ALL SELECT format ('ALTER TABLE %I ADD CONSTRAINT %I %s', old,
      c.conname, pg_get_constraintdef (c.oid)) FROM pg_constraint c
    WHERE c.conrelid = old::regclass AND c.contype = 'f'
    UNION ALL SELECT pg_get_triggerdef (g.oid) FROM pg_trigger g
    WHERE g.tgrelid = old::regclass AND NOT g.tgisinternal) x;
  EXECUTE format ('CREATE TABLE %I (LIKE %I INCLUDING ALL EXCLUDING INDEXES)'
                  ' PARTITION BY LIST (province)', t, old);
  FOR p IN SELECT DISTINCT CAST (substr (county_code, 1, 2) AS int)
    FROM schools
  LOOP
    EXECUTE format ('CREATE TABLE xj_part.%I PARTITION OF %I'
                    ' FOR VALUES IN (%s)', t || '_' || p, t, p);
  END LOOP;
  EXECUTE format ('CREATE TABLE xj_part.%I PARTITION OF %I DEFAULT',
                  t || '_default', t);
  EXECUTE format ('INSERT INTO %I SELECT * FROM %I', t, old);
  EXECUTE format ('DROP TABLE %I', old);
  EXECUTE format ('ALTER TABLE %I ADD PRIMARY KEY (%s)', t, pk);
  FOREACH d IN ARRAY coalesce (defs, '{}')
  LOOP
    EXECUTE replace (replace (d, ' ON public.' || old || ' ',
                              ' ON public.' || t || ' '),
                     'ALTER TABLE ' || old || ' ', 'ALTER TABLE ' || t || ' ');
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = t::regclass
             AND attname = 'id' AND attidentity <> '') THEN
    seq := pg_get_serial_sequence (t, 'id');
    EXECUTE format ('ALTER SEQUENCE %s RENAME TO %I', seq, t || '_id_seq');
    EXECUTE format ('SELECT max (id) FROM %I', t) INTO top;
    PERFORM setval (pg_get_serial_sequence (t, 'id'), coalesce (top, 1),
                    top IS NOT NULL);
  END IF;
  EXECUTE format ('ANALYZE %I', t);
END;
$$;

-- the foreign keys to the six tables go first (they name the old ones)
ALTER TABLE absences DROP CONSTRAINT absences_student_id_fkey;
ALTER TABLE allocation_items DROP CONSTRAINT allocation_items_student_id_fkey;
ALTER TABLE change_actions DROP CONSTRAINT change_actions_step_id_fkey;
ALTER TABLE change_requests DROP CONSTRAINT change_requests_student_id_fkey;
ALTER TABLE class_size_moves DROP CONSTRAINT class_size_moves_student_id_fkey;
ALTER TABLE dropout_cases DROP CONSTRAINT dropout_cases_student_id_fkey;
ALTER TABLE duplicate_flags DROP CONSTRAINT duplicate_flags_other_id_fkey;
ALTER TABLE duplicate_flags DROP CONSTRAINT duplicate_flags_student_id_fkey;
ALTER TABLE ghost_candidates DROP CONSTRAINT ghost_candidates_student_id_fkey;
ALTER TABLE graduations DROP CONSTRAINT graduations_student_id_fkey;
ALTER TABLE guardian_ids DROP CONSTRAINT guardian_ids_student_id_fkey;
ALTER TABLE progressions DROP CONSTRAINT progressions_student_id_fkey;
ALTER TABLE student_aliases DROP CONSTRAINT student_aliases_student_id_fkey;
ALTER TABLE student_events DROP CONSTRAINT student_events_student_id_fkey;
ALTER TABLE student_merges DROP CONSTRAINT student_merges_merged_id_fkey;
ALTER TABLE student_merges DROP CONSTRAINT student_merges_survivor_id_fkey;
ALTER TABLE student_placements DROP CONSTRAINT student_placements_student_id_fkey;
ALTER TABLE student_warnings DROP CONSTRAINT student_warnings_student_id_fkey;
ALTER TABLE suspensions DROP CONSTRAINT suspensions_student_id_fkey;
ALTER TABLE verify_state DROP CONSTRAINT verify_state_student_id_fkey;
ALTER TABLE verify_ticks DROP CONSTRAINT verify_ticks_student_id_fkey;
ALTER TABLE warning_confirms DROP CONSTRAINT warning_confirms_student_id_fkey;
ALTER TABLE year_end_blocked DROP CONSTRAINT year_end_blocked_student_id_fkey;
ALTER TABLE year_end_items DROP CONSTRAINT year_end_items_student_id_fkey;

-- students_id_no cannot stay UNIQUE (no province in it): a plain index
-- for the look-ups that read students by number
DROP INDEX students_id_no;
SELECT xj_part_table (t, pk) FROM (VALUES ('students', 'id, province'),
  ('student_events', 'id, province'), ('student_placements', 'id, province'),
  ('absences', 'student_id, day, province'), ('audit_log', 'id, province'),
  ('change_steps', 'id, province')) AS v (t, pk);
DROP FUNCTION xj_part_table (text, text);
ALTER TABLE change_steps ADD UNIQUE (request_id, round, seq, province);
CREATE INDEX students_id_no ON students (id_no, id_type) WHERE id_no IS NOT NULL;
-- was students_registry_no_key (UNIQUE, its constraint not copied)
CREATE INDEX students_registry_no ON students (registry_no);

-- the composite foreign keys (ON UPDATE CASCADE: a move carries them)
ALTER TABLE absences ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE allocation_items ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE change_requests ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE class_size_moves ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE dropout_cases ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE duplicate_flags ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE ghost_candidates ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE graduations ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE guardian_ids ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE progressions ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE student_aliases ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE student_events ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE student_merges ADD FOREIGN KEY (province, survivor_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE student_placements ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE student_warnings ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE suspensions ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE verify_state ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE verify_ticks ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE warning_confirms ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE year_end_blocked ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE year_end_items ADD FOREIGN KEY (province, student_id) REFERENCES students (province, id) ON UPDATE CASCADE;
ALTER TABLE change_actions ADD FOREIGN KEY (province, step_id) REFERENCES change_steps (province, id) ON UPDATE CASCADE;

-- The append-only tables: refuse an UPDATE of anything but province.
CREATE FUNCTION xj_part_guard (t text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format ('DROP TRIGGER %I ON %I', t || '_no_update', t);
  EXECUTE format ('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW'
    ' WHEN ((to_jsonb (OLD) - ''province'')'
    ' IS DISTINCT FROM (to_jsonb (NEW) - ''province''))'
    ' EXECUTE FUNCTION xj_refuse_change (%L)', t || '_no_update', t,
    t || ' is append-only');
END;
$$;
SELECT xj_part_guard (t) FROM unnest (ARRAY['student_events',
  'student_placements', 'change_actions', 'suspensions', 'progressions',
  'student_merges', 'warning_confirms', 'class_size_moves', 'verify_ticks'])
  AS t;
DROP FUNCTION xj_part_guard (text);
DROP TRIGGER graduations_only_deactivate ON graduations;
CREATE TRIGGER graduations_only_deactivate BEFORE UPDATE ON graduations
  FOR EACH ROW
  WHEN ((to_jsonb (OLD) - 'province') IS DISTINCT FROM (to_jsonb (NEW) - 'province')
        AND NOT (OLD.active = 1 AND NEW.active = 0 AND OLD.id = NEW.id
                 AND OLD.student_id = NEW.student_id
                 AND OLD.school_id = NEW.school_id))
  EXECUTE FUNCTION xj_refuse_change ('graduations rows are only deactivated');
-- A move to another partition runs as a DELETE and an INSERT and fires
-- the BEFORE DELETE row triggers of the partition it leaves, but no
-- statement trigger of DELETE: these refuse every DELETE statement on
-- the table (the partitions are out of the server role's reach).
DROP TRIGGER student_events_no_delete ON student_events;
CREATE TRIGGER student_events_no_delete BEFORE DELETE ON student_events
  FOR EACH STATEMENT EXECUTE FUNCTION xj_refuse_change ('student_events is append-only');
DROP TRIGGER student_placements_no_delete ON student_placements;
CREATE TRIGGER student_placements_no_delete BEFORE DELETE ON student_placements
  FOR EACH STATEMENT EXECUTE FUNCTION xj_refuse_change ('student_placements is append-only');

-- A move across provinces: an UPDATE of students.province alone (the
-- store's second statement, student_store.c st_stu_move), which moves
-- the row to another partition.  PostgreSQL runs that as a DELETE and an
-- INSERT: no AFTER UPDATE row trigger fires for it, so this one is
-- BEFORE UPDATE, and moves only the rows no foreign key cascade carries
-- (a request's steps, whose actions follow them by cascade, and its
-- actions on no step; absence history; dropout entries).  Everything
-- else follows by the composite foreign keys above.
CREATE OR REPLACE FUNCTION xj_province_move () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE absence_history SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE change_steps SET province = NEW.province WHERE request_id IN
    (SELECT id FROM change_requests WHERE student_id = NEW.id);
  UPDATE change_actions SET province = NEW.province WHERE request_id IN
    (SELECT id FROM change_requests WHERE student_id = NEW.id)
    AND province <> NEW.province;
  UPDATE dropout_entries SET province = NEW.province WHERE case_id IN
    (SELECT id FROM dropout_cases WHERE student_id = NEW.id);
  RETURN NEW;
END;
$$;
DROP TRIGGER students_province_move ON students;
CREATE TRIGGER students_province_move BEFORE UPDATE OF province ON students
  FOR EACH ROW WHEN (OLD.province IS DISTINCT FROM NEW.province)
  EXECUTE FUNCTION xj_province_move ();
