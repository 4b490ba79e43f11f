-- 0039_province: the province (the first two digits of GB/T 2260) in every
-- registry table (issue 10 point 3, docs/decisions/0002-province-key.md):
-- students (from the school's county), every table hanging off a student
-- (that student's), change steps and actions (their request's), dropout
-- entries (their case's), audit entries and imports (the actor's region
-- or school; 0 for the whole country).  The stores write it in their
-- INSERTs (a trigger cannot give the key of a partitioned table on
-- PostgreSQL).  Not the reference tables nor the counts kept from the
-- records (docs/db.md lists both).
--
-- A student whose school moves to another province takes its rows along
-- in the same transaction (students_province_move): the append-only
-- tables refuse every UPDATE but one of province alone.  Audit entries
-- stay where they were written.
--
-- SQLite cannot add a NOT NULL column without a default: 0 here, none on
-- PostgreSQL (a store that forgets the column fails there); `xueji check`
-- compares every row's province with its student's.
DROP TRIGGER student_events_no_update;
DROP TRIGGER student_placements_no_update;
DROP TRIGGER change_actions_no_update;
DROP TRIGGER suspensions_no_update;
DROP TRIGGER progressions_no_update;
DROP TRIGGER student_merges_no_update;
DROP TRIGGER warning_confirms_no_update;
DROP TRIGGER absence_history_no_update;
DROP TRIGGER class_size_moves_no_update;
DROP TRIGGER dropout_entries_no_update;
DROP TRIGGER verify_ticks_no_update;
DROP TRIGGER audit_log_no_update;
DROP TRIGGER graduations_only_deactivate;

ALTER TABLE students ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE student_events ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE student_placements ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE student_aliases ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE student_warnings ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE warning_confirms ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guardian_ids ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE absences ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE absence_history ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE suspensions ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE graduations ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE progressions ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dropout_cases ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ghost_candidates ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE verify_state ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE verify_ticks ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE duplicate_flags ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE student_merges ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE change_requests ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE year_end_items ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE year_end_blocked ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE allocation_items ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE class_size_moves ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE change_steps ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE change_actions ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dropout_entries ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN province INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN province INTEGER NOT NULL DEFAULT 0;

UPDATE students SET province = (SELECT CAST(substr(sc.county_code, 1, 2) AS INTEGER) FROM schools sc
  WHERE sc.id = students.school_id);
UPDATE student_events SET province = (SELECT st.province FROM students st
  WHERE st.id = student_events.student_id);
UPDATE student_placements SET province = (SELECT st.province FROM students st
  WHERE st.id = student_placements.student_id);
UPDATE student_aliases SET province = (SELECT st.province FROM students st
  WHERE st.id = student_aliases.student_id);
UPDATE student_warnings SET province = (SELECT st.province FROM students st
  WHERE st.id = student_warnings.student_id);
UPDATE warning_confirms SET province = (SELECT st.province FROM students st
  WHERE st.id = warning_confirms.student_id);
UPDATE guardian_ids SET province = (SELECT st.province FROM students st
  WHERE st.id = guardian_ids.student_id);
UPDATE absences SET province = (SELECT st.province FROM students st
  WHERE st.id = absences.student_id);
UPDATE absence_history SET province = (SELECT st.province FROM students st
  WHERE st.id = absence_history.student_id);
UPDATE suspensions SET province = (SELECT st.province FROM students st
  WHERE st.id = suspensions.student_id);
UPDATE graduations SET province = (SELECT st.province FROM students st
  WHERE st.id = graduations.student_id);
UPDATE progressions SET province = (SELECT st.province FROM students st
  WHERE st.id = progressions.student_id);
UPDATE dropout_cases SET province = (SELECT st.province FROM students st
  WHERE st.id = dropout_cases.student_id);
UPDATE ghost_candidates SET province = (SELECT st.province FROM students st
  WHERE st.id = ghost_candidates.student_id);
UPDATE verify_state SET province = (SELECT st.province FROM students st
  WHERE st.id = verify_state.student_id);
UPDATE verify_ticks SET province = (SELECT st.province FROM students st
  WHERE st.id = verify_ticks.student_id);
UPDATE duplicate_flags SET province = (SELECT st.province FROM students st
  WHERE st.id = duplicate_flags.student_id);
UPDATE student_merges SET province = (SELECT st.province FROM students st
  WHERE st.id = student_merges.survivor_id);
UPDATE change_requests SET province = (SELECT st.province FROM students st
  WHERE st.id = change_requests.student_id);
UPDATE year_end_items SET province = (SELECT st.province FROM students st
  WHERE st.id = year_end_items.student_id);
UPDATE year_end_blocked SET province = (SELECT st.province FROM students st
  WHERE st.id = year_end_blocked.student_id);
UPDATE allocation_items SET province = (SELECT st.province FROM students st
  WHERE st.id = allocation_items.student_id);
UPDATE class_size_moves SET province = (SELECT st.province FROM students st
  WHERE st.id = class_size_moves.student_id);
UPDATE change_steps SET province = (SELECT p.province FROM change_requests p
  WHERE p.id = change_steps.request_id);
UPDATE change_actions SET province = (SELECT p.province FROM change_requests p
  WHERE p.id = change_actions.request_id);
UPDATE dropout_entries SET province = (SELECT p.province FROM dropout_cases p
  WHERE p.id = dropout_entries.case_id);
UPDATE audit_log SET province = coalesce((SELECT CAST(substr(coalesce(u.region_code, sc.county_code), 1, 2) AS INTEGER) FROM users u LEFT JOIN schools sc ON sc.id = u.school_id WHERE u.id = audit_log.user_id AND coalesce(u.region_code, sc.county_code, '') <> ''), 0);
UPDATE imports SET province = coalesce((SELECT CAST(substr(sc.county_code, 1, 2) AS INTEGER) FROM schools sc WHERE sc.id = imports.scope_school_id), (SELECT CAST(substr(imports.scope_region, 1, 2) AS INTEGER) WHERE imports.scope_region <> ''), 0);

CREATE TRIGGER student_events_no_update BEFORE UPDATE OF id, student_id, kind, at, actor_id, actor, before, after
  ON student_events
BEGIN SELECT RAISE (ABORT, 'student_events is append-only'); END;
CREATE TRIGGER student_placements_no_update BEFORE UPDATE OF id, student_id, at, school_id, class_id, grade, status, to_school_id, to_class_id, to_grade, to_status
  ON student_placements
BEGIN SELECT RAISE (ABORT, 'student_placements is append-only'); END;
CREATE TRIGGER change_actions_no_update BEFORE UPDATE OF id, request_id, step_id, action, at, actor_id, actor, comment
  ON change_actions
BEGIN SELECT RAISE (ABORT, 'change_actions is append-only'); END;
CREATE TRIGGER suspensions_no_update BEFORE UPDATE OF id, student_id, request_id, renewal, start_date, end_date, created_at
  ON suspensions
BEGIN SELECT RAISE (ABORT, 'suspensions is append-only'); END;
CREATE TRIGGER progressions_no_update BEFORE UPDATE OF id, kind, student_id, from_school_id, to_school_id, from_grade, from_status, to_grade, to_class_id, route, out_of_zone, reason, request_id, at, actor
  ON progressions
BEGIN SELECT RAISE (ABORT, 'progressions is append-only'); END;
CREATE TRIGGER student_merges_no_update BEFORE UPDATE OF id, merged_id, survivor_id, merged_no, flag_id, reason, merged_by, merged_at
  ON student_merges
BEGIN SELECT RAISE (ABORT, 'student_merges is append-only'); END;
CREATE TRIGGER warning_confirms_no_update BEFORE UPDATE OF id, student_id, field, code, value, reason, confirmed_by, confirmed_at
  ON warning_confirms
BEGIN SELECT RAISE (ABORT, 'warning_confirms is append-only'); END;
CREATE TRIGGER absence_history_no_update BEFORE UPDATE OF id, student_id, day, school_id, part, reason, recorded_by, recorded_at, replaced_by, replaced_at, removed
  ON absence_history
BEGIN SELECT RAISE (ABORT, 'absence_history is append-only'); END;
CREATE TRIGGER class_size_moves_no_update BEFORE UPDATE OF id, at, school_id, class_id, student_id, path, size, band, actor_id
  ON class_size_moves
BEGIN SELECT RAISE (ABORT, 'class_size_moves is append-only'); END;
CREATE TRIGGER dropout_entries_no_update BEFORE UPDATE OF id, case_id, kind, happened_on, method, participants, reported_to, outcome, detail, at, actor_id, actor
  ON dropout_entries
BEGIN SELECT RAISE (ABORT, 'dropout_entries is append-only'); END;
CREATE TRIGGER verify_ticks_no_update BEFORE UPDATE OF id, student_id, school_id, class_id, school_year, term, present, correct, correction, change_id, at, actor_id, actor
  ON verify_ticks
BEGIN SELECT RAISE (ABORT, 'verify_ticks is append-only'); END;
CREATE TRIGGER graduations_only_deactivate BEFORE UPDATE OF id, student_id, school_id, grade, outcome, school_year, run_id, at, active
  ON graduations
WHEN NOT (old.active = 1 AND new.active = 0 AND old.id = new.id
          AND old.student_id = new.student_id AND old.school_id = new.school_id)
BEGIN SELECT RAISE (ABORT, 'graduations rows are only deactivated'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE (ABORT, 'audit_log is append-only'); END;

CREATE TRIGGER students_province_move AFTER UPDATE OF province ON students
WHEN OLD.province IS NOT NEW.province
BEGIN
  UPDATE student_events SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE student_placements SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE student_aliases SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE student_warnings SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE warning_confirms SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE guardian_ids SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE absences SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE absence_history SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE suspensions SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE graduations SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE progressions SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE dropout_cases SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE ghost_candidates SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE verify_state SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE verify_ticks SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE duplicate_flags SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE student_merges SET province = NEW.province WHERE survivor_id = NEW.id;
  UPDATE change_requests SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE year_end_items SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE year_end_blocked SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE allocation_items SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE class_size_moves SET province = NEW.province WHERE student_id = NEW.id;
  UPDATE change_steps SET province = NEW.province WHERE request_id IN
    (SELECT id FROM change_requests WHERE student_id = NEW.id);
  UPDATE change_actions SET province = NEW.province WHERE request_id IN
    (SELECT id FROM change_requests WHERE student_id = NEW.id);
  UPDATE dropout_entries SET province = NEW.province WHERE case_id IN
    (SELECT id FROM dropout_cases WHERE student_id = NEW.id);
END;

-- The placement log (0030) writes student_placements: with the province
-- of the student after the move (the row belongs to the student).
DROP TRIGGER students_placement_log;
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
    status, to_school_id, to_class_id, to_grade, to_status, province)
  SELECT NEW.id, NEW.updated_at, OLD.school_id, OLD.class_id, OLD.grade,
    OLD.status, NEW.school_id, NEW.class_id, NEW.grade, NEW.status,
    NEW.province
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
