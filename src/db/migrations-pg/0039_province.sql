-- 0039_province: the PostgreSQL twin of migrations/0039_province.sql (the
-- province in every registry table; see there).  No default: every
-- INSERT names the column.
DROP TRIGGER student_events_no_update ON student_events;
DROP TRIGGER student_placements_no_update ON student_placements;
DROP TRIGGER change_actions_no_update ON change_actions;
DROP TRIGGER suspensions_no_update ON suspensions;
DROP TRIGGER progressions_no_update ON progressions;
DROP TRIGGER student_merges_no_update ON student_merges;
DROP TRIGGER warning_confirms_no_update ON warning_confirms;
DROP TRIGGER absence_history_no_update ON absence_history;
DROP TRIGGER class_size_moves_no_update ON class_size_moves;
DROP TRIGGER dropout_entries_no_update ON dropout_entries;
DROP TRIGGER verify_ticks_no_update ON verify_ticks;
DROP TRIGGER audit_log_no_update ON audit_log;
DROP TRIGGER graduations_only_deactivate ON graduations;

ALTER TABLE students ADD COLUMN province smallint;
ALTER TABLE student_events ADD COLUMN province smallint;
ALTER TABLE student_placements ADD COLUMN province smallint;
ALTER TABLE student_aliases ADD COLUMN province smallint;
ALTER TABLE student_warnings ADD COLUMN province smallint;
ALTER TABLE warning_confirms ADD COLUMN province smallint;
ALTER TABLE guardian_ids ADD COLUMN province smallint;
ALTER TABLE absences ADD COLUMN province smallint;
ALTER TABLE absence_history ADD COLUMN province smallint;
ALTER TABLE suspensions ADD COLUMN province smallint;
ALTER TABLE graduations ADD COLUMN province smallint;
ALTER TABLE progressions ADD COLUMN province smallint;
ALTER TABLE dropout_cases ADD COLUMN province smallint;
ALTER TABLE ghost_candidates ADD COLUMN province smallint;
ALTER TABLE verify_state ADD COLUMN province smallint;
ALTER TABLE verify_ticks ADD COLUMN province smallint;
ALTER TABLE duplicate_flags ADD COLUMN province smallint;
ALTER TABLE student_merges ADD COLUMN province smallint;
ALTER TABLE change_requests ADD COLUMN province smallint;
ALTER TABLE year_end_items ADD COLUMN province smallint;
ALTER TABLE year_end_blocked ADD COLUMN province smallint;
ALTER TABLE allocation_items ADD COLUMN province smallint;
ALTER TABLE class_size_moves ADD COLUMN province smallint;
ALTER TABLE change_steps ADD COLUMN province smallint;
ALTER TABLE change_actions ADD COLUMN province smallint;
ALTER TABLE dropout_entries ADD COLUMN province smallint;
ALTER TABLE audit_log ADD COLUMN province smallint;
ALTER TABLE imports ADD COLUMN province smallint;

UPDATE students SET province = (SELECT CAST(substr(sc.county_code, 1, 2) AS smallint) FROM schools sc
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
UPDATE audit_log SET province = coalesce((SELECT CAST(substr(coalesce(u.region_code, sc.county_code), 1, 2) AS smallint) FROM users u LEFT JOIN schools sc ON sc.id = u.school_id WHERE u.id = audit_log.user_id AND coalesce(u.region_code, sc.county_code, '') <> ''), 0);
UPDATE imports SET province = coalesce((SELECT CAST(substr(sc.county_code, 1, 2) AS smallint) FROM schools sc WHERE sc.id = imports.scope_school_id), (SELECT CAST(substr(imports.scope_region, 1, 2) AS smallint) WHERE imports.scope_region <> ''), 0);

ALTER TABLE students ALTER COLUMN province SET NOT NULL;
ALTER TABLE student_events ALTER COLUMN province SET NOT NULL;
ALTER TABLE student_placements ALTER COLUMN province SET NOT NULL;
ALTER TABLE student_aliases ALTER COLUMN province SET NOT NULL;
ALTER TABLE student_warnings ALTER COLUMN province SET NOT NULL;
ALTER TABLE warning_confirms ALTER COLUMN province SET NOT NULL;
ALTER TABLE guardian_ids ALTER COLUMN province SET NOT NULL;
ALTER TABLE absences ALTER COLUMN province SET NOT NULL;
ALTER TABLE absence_history ALTER COLUMN province SET NOT NULL;
ALTER TABLE suspensions ALTER COLUMN province SET NOT NULL;
ALTER TABLE graduations ALTER COLUMN province SET NOT NULL;
ALTER TABLE progressions ALTER COLUMN province SET NOT NULL;
ALTER TABLE dropout_cases ALTER COLUMN province SET NOT NULL;
ALTER TABLE ghost_candidates ALTER COLUMN province SET NOT NULL;
ALTER TABLE verify_state ALTER COLUMN province SET NOT NULL;
ALTER TABLE verify_ticks ALTER COLUMN province SET NOT NULL;
ALTER TABLE duplicate_flags ALTER COLUMN province SET NOT NULL;
ALTER TABLE student_merges ALTER COLUMN province SET NOT NULL;
ALTER TABLE change_requests ALTER COLUMN province SET NOT NULL;
ALTER TABLE year_end_items ALTER COLUMN province SET NOT NULL;
ALTER TABLE year_end_blocked ALTER COLUMN province SET NOT NULL;
ALTER TABLE allocation_items ALTER COLUMN province SET NOT NULL;
ALTER TABLE class_size_moves ALTER COLUMN province SET NOT NULL;
ALTER TABLE change_steps ALTER COLUMN province SET NOT NULL;
ALTER TABLE change_actions ALTER COLUMN province SET NOT NULL;
ALTER TABLE dropout_entries ALTER COLUMN province SET NOT NULL;
ALTER TABLE audit_log ALTER COLUMN province SET NOT NULL;
ALTER TABLE imports ALTER COLUMN province SET NOT NULL;

CREATE TRIGGER student_events_no_update BEFORE UPDATE OF id, student_id, kind, at, actor_id, actor, before, after
  ON student_events FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('student_events is append-only');
CREATE TRIGGER student_placements_no_update BEFORE UPDATE OF id, student_id, at, school_id, class_id, grade, status, to_school_id, to_class_id, to_grade, to_status
  ON student_placements FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('student_placements is append-only');
CREATE TRIGGER change_actions_no_update BEFORE UPDATE OF id, request_id, step_id, action, at, actor_id, actor, comment
  ON change_actions FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('change_actions is append-only');
CREATE TRIGGER suspensions_no_update BEFORE UPDATE OF id, student_id, request_id, renewal, start_date, end_date, created_at
  ON suspensions FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('suspensions is append-only');
CREATE TRIGGER progressions_no_update BEFORE UPDATE OF id, kind, student_id, from_school_id, to_school_id, from_grade, from_status, to_grade, to_class_id, route, out_of_zone, reason, request_id, at, actor
  ON progressions FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('progressions is append-only');
CREATE TRIGGER student_merges_no_update BEFORE UPDATE OF id, merged_id, survivor_id, merged_no, flag_id, reason, merged_by, merged_at
  ON student_merges FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('student_merges is append-only');
CREATE TRIGGER warning_confirms_no_update BEFORE UPDATE OF id, student_id, field, code, value, reason, confirmed_by, confirmed_at
  ON warning_confirms FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('warning_confirms is append-only');
CREATE TRIGGER absence_history_no_update BEFORE UPDATE OF id, student_id, day, school_id, part, reason, recorded_by, recorded_at, replaced_by, replaced_at, removed
  ON absence_history FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('absence_history is append-only');
CREATE TRIGGER class_size_moves_no_update BEFORE UPDATE OF id, at, school_id, class_id, student_id, path, size, band, actor_id
  ON class_size_moves FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('class_size_moves is append-only');
CREATE TRIGGER dropout_entries_no_update BEFORE UPDATE OF id, case_id, kind, happened_on, method, participants, reported_to, outcome, detail, at, actor_id, actor
  ON dropout_entries FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('dropout_entries is append-only');
CREATE TRIGGER verify_ticks_no_update BEFORE UPDATE OF id, student_id, school_id, class_id, school_year, term, present, correct, correction, change_id, at, actor_id, actor
  ON verify_ticks FOR EACH ROW
  EXECUTE FUNCTION xj_refuse_change ('verify_ticks is append-only');
CREATE TRIGGER graduations_only_deactivate BEFORE UPDATE OF id, student_id, school_id, grade, outcome, school_year, run_id, at, active
  ON graduations FOR EACH ROW
  WHEN (NOT (OLD.active = 1 AND NEW.active = 0 AND OLD.id = NEW.id
             AND OLD.student_id = NEW.student_id
             AND OLD.school_id = NEW.school_id))
  EXECUTE FUNCTION xj_refuse_change ('graduations rows are only deactivated');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION xj_refuse_change ('audit_log is append-only');

CREATE FUNCTION xj_province_move () RETURNS trigger
LANGUAGE plpgsql AS $$
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
  RETURN NULL;
END;
$$;
CREATE TRIGGER students_province_move AFTER UPDATE OF province ON students
  FOR EACH ROW WHEN (OLD.province IS DISTINCT FROM NEW.province)
  EXECUTE FUNCTION xj_province_move ();

-- The placement log (0030) writes student_placements: with the province
-- of the student after the move.
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
      grade, status, to_school_id, to_class_id, to_grade, to_status,
      province)
    VALUES (NEW.id, NEW.updated_at, OLD.school_id, OLD.class_id, OLD.grade,
      OLD.status, NEW.school_id, NEW.class_id, NEW.grade, NEW.status,
      NEW.province);
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
