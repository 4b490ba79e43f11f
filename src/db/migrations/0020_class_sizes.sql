-- 0020_class_sizes: what class sizes (班额) need beyond the live records.
--
-- student_placements: one row per change of a student's school, class,
-- grade or status, written by the database itself (a trigger on
-- students) so that no path of the program can move a student without
-- it.  A row holds the placement before the change and after it; the
-- placement of a student at a past date is the "before" of their first
-- change after that date, or the live record when there is none
-- (klass/class_size_store.c, xj_enrol_asof).  student_events keeps the
-- legal history with who and why; its before/after are free JSON that
-- the import does not even write (one "import" event without either),
-- so they cannot answer "where was everyone on 1 September".
-- Append-only.
CREATE TABLE student_placements (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  at TEXT NOT NULL,                     -- students.updated_at of the change
  school_id INTEGER NOT NULL,           -- before the change
  class_id INTEGER,
  grade TEXT NOT NULL,
  status TEXT NOT NULL,
  to_school_id INTEGER NOT NULL,        -- after it
  to_class_id INTEGER,
  to_grade TEXT NOT NULL,
  to_status TEXT NOT NULL
);
CREATE INDEX student_placements_at ON student_placements (at, student_id);
CREATE INDEX student_placements_student ON student_placements (student_id, at);
CREATE TRIGGER student_placements_no_update BEFORE UPDATE ON student_placements
BEGIN SELECT RAISE (ABORT, 'student_placements is append-only'); END;
CREATE TRIGGER student_placements_no_delete BEFORE DELETE ON student_placements
BEGIN SELECT RAISE (ABORT, 'student_placements is append-only'); END;
CREATE TRIGGER students_placement_log
AFTER UPDATE OF school_id, class_id, grade, status ON students
WHEN OLD.school_id IS NOT NEW.school_id OR OLD.class_id IS NOT NEW.class_id
  OR OLD.grade IS NOT NEW.grade OR OLD.status IS NOT NEW.status
BEGIN
  INSERT INTO student_placements (student_id, at, school_id, class_id, grade,
    status, to_school_id, to_class_id, to_grade, to_status)
  VALUES (NEW.id, NEW.updated_at, OLD.school_id, OLD.class_id, OLD.grade,
    OLD.status, NEW.school_id, NEW.class_id, NEW.grade, NEW.status);
END;

-- class_size_moves: every registration, import row, transfer, 升学 and
-- 调班 that put a student into a class at or over 大班额 (the warning the
-- user saw), counted per school on the class-size page.  Append-only.
CREATE TABLE class_size_moves (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  school_id INTEGER NOT NULL REFERENCES schools (id),
  class_id INTEGER NOT NULL REFERENCES classes (id),
  student_id INTEGER NOT NULL REFERENCES students (id),
  path TEXT NOT NULL,                   -- register, import, transfer, progress, move_class
  size INTEGER NOT NULL,                -- the class after the move
  band TEXT NOT NULL,                   -- large, super
  actor_id INTEGER
);
CREATE INDEX class_size_moves_school ON class_size_moves (school_id, at);
CREATE TRIGGER class_size_moves_no_update BEFORE UPDATE ON class_size_moves
BEGIN SELECT RAISE (ABORT, 'class_size_moves is append-only'); END;
CREATE TRIGGER class_size_moves_no_delete BEFORE DELETE ON class_size_moves
BEGIN SELECT RAISE (ABORT, 'class_size_moves is append-only'); END;
