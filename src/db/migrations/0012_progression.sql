-- 0012: stage progression (升学), re-entry and the year-end follow-ups.
--
-- graduations: a student finishing a stage at a school (year-end 毕业 /
-- 结业, or a nine-year school's primary completion).  The graduating
-- school's history: its 毕业生 list reads this table, so it keeps seeing
-- its graduates after they moved on.  A rolled-back run marks its rows
-- inactive (active 1 -> 0 is the only update allowed).
CREATE TABLE graduations (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  school_id INTEGER NOT NULL REFERENCES schools (id),
  grade TEXT NOT NULL,
  outcome TEXT NOT NULL
    CHECK (outcome IN ('graduated', 'completed', 'primary_completed')),
  school_year INTEGER NOT NULL,         -- start year of the year finished
  run_id INTEGER REFERENCES year_end_runs (id),
  at TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX graduations_school ON graduations (school_id, school_year);
CREATE INDEX graduations_student ON graduations (student_id);
CREATE TRIGGER graduations_only_deactivate BEFORE UPDATE ON graduations
WHEN NOT (old.active = 1 AND new.active = 0 AND old.id = new.id
          AND old.student_id = new.student_id AND old.school_id = new.school_id)
BEGIN SELECT RAISE (ABORT, 'graduations rows are only deactivated'); END;
CREATE TRIGGER graduations_no_delete BEFORE DELETE ON graduations
BEGIN SELECT RAISE (ABORT, 'graduations is append-only'); END;

-- progressions: every 升学 and re-entry that moved a record into a
-- school (append-only).  route: direct (enrolled by ID / registry
-- number), feeder / zone / moved (小升初 allocation), request (across
-- counties, through change request request_id), reentry.
CREATE TABLE progressions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('promote', 'reenter')),
  student_id INTEGER NOT NULL REFERENCES students (id),
  from_school_id INTEGER NOT NULL REFERENCES schools (id),
  to_school_id INTEGER NOT NULL REFERENCES schools (id),
  from_grade TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_grade TEXT NOT NULL,
  to_class_id INTEGER REFERENCES classes (id),
  route TEXT NOT NULL DEFAULT 'direct',
  out_of_zone INTEGER NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT '',
  request_id INTEGER REFERENCES change_requests (id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX progressions_student ON progressions (student_id);
CREATE INDEX progressions_to ON progressions (to_school_id, at);
CREATE TRIGGER progressions_no_update BEFORE UPDATE ON progressions
BEGIN SELECT RAISE (ABORT, 'progressions is append-only'); END;
CREATE TRIGGER progressions_no_delete BEFORE DELETE ON progressions
BEGIN SELECT RAISE (ABORT, 'progressions is append-only'); END;

-- year_end_blocked: students a run skipped because of an open change
-- request.  When the request closes (xj_yearend_request_closed) the
-- student is promoted or graduated as the run would have done, and the
-- row gets resolved_at and resolution (promoted | graduated | none).
CREATE TABLE year_end_blocked (
  run_id INTEGER NOT NULL REFERENCES year_end_runs (id),
  student_id INTEGER NOT NULL REFERENCES students (id),
  school_id INTEGER NOT NULL REFERENCES schools (id),
  grade TEXT NOT NULL,
  class_id INTEGER,
  resolved_at TEXT,
  resolution TEXT,
  PRIMARY KEY (run_id, student_id)
);
CREATE INDEX year_end_blocked_open ON year_end_blocked (student_id)
  WHERE resolved_at IS NULL;
