-- 0024_verification: the semester verification (学籍核准, domain.md §1
-- 空挂学籍 / 人籍分离: at least one verification per semester) and the
-- review queue of ghost-record candidates.
-- docs/internals/verification.md describes the mechanism.

-- Every tick a registrar or class teacher records for one student in one
-- round (school year + term): present in class, details correct, and for
-- a wrong detail the correction started (edit: PATCH of the record;
-- change: a change request).  Append-only: a later tick supersedes.
CREATE TABLE verify_ticks (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  school_id INTEGER NOT NULL REFERENCES schools (id),
  class_id INTEGER NOT NULL REFERENCES classes (id),
  school_year INTEGER NOT NULL,
  term INTEGER NOT NULL CHECK (term IN (1, 2)),
  present INTEGER NOT NULL CHECK (present IN (0, 1)),
  correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
  correction TEXT NOT NULL DEFAULT '',   -- '' | edit | change
  change_id INTEGER REFERENCES change_requests (id),
  at TEXT NOT NULL,
  actor_id INTEGER REFERENCES users (id),
  actor TEXT NOT NULL
);
CREATE INDEX verify_ticks_student ON verify_ticks
  (student_id, school_year, term, id);
CREATE TRIGGER verify_ticks_no_update BEFORE UPDATE ON verify_ticks
BEGIN SELECT RAISE (ABORT, 'verify_ticks is append-only'); END;
CREATE TRIGGER verify_ticks_no_delete BEFORE DELETE ON verify_ticks
BEGIN SELECT RAISE (ABORT, 'verify_ticks is append-only'); END;

-- The latest tick of each student in each round (what the progress
-- figures count): verified = present and correct; settled = verified or
-- a correction started.
CREATE TABLE verify_state (
  student_id INTEGER NOT NULL REFERENCES students (id),
  school_year INTEGER NOT NULL,
  term INTEGER NOT NULL,
  school_id INTEGER NOT NULL REFERENCES schools (id),
  tick_id INTEGER NOT NULL REFERENCES verify_ticks (id),
  verified INTEGER NOT NULL,
  settled INTEGER NOT NULL,
  PRIMARY KEY (student_id, school_year, term)
);
CREATE INDEX verify_state_round ON verify_state (school_year, term, school_id);

-- Ghost-record candidates (空挂学籍 / 人籍分离) put by the bureau's sweep:
-- signals (comma-separated names), their facts (JSON text), the
-- decision.  One open candidate per student; a dismissed one is raised
-- again only when the signals change.
CREATE TABLE ghost_candidates (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  school_id INTEGER NOT NULL REFERENCES schools (id),
  signals TEXT NOT NULL,
  detail TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',   -- open | confirmed | dismissed
  raised_at TEXT NOT NULL,
  decided_at TEXT,
  decided_by TEXT,
  reason TEXT,
  change_id INTEGER REFERENCES change_requests (id)
);
CREATE UNIQUE INDEX ghost_candidates_open ON ghost_candidates (student_id)
  WHERE status = 'open';
CREATE INDEX ghost_candidates_student ON ghost_candidates (student_id, id);
CREATE INDEX ghost_candidates_school ON ghost_candidates (school_id, status);
