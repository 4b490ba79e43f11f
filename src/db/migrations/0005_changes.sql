-- 0005_changes: registry changes (学籍变动) with approval chains, the
-- working-day calendar and year-end runs (src/change, docs/internals/
-- changes.md).
-- change_requests and change_steps hold the current state of a request;
-- every action on them is also written to change_actions, which is
-- append-only (triggers refuse UPDATE and DELETE) like student_events.

CREATE TABLE change_requests (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,                   -- transfer_in, suspend, ... (change.h)
  student_id INTEGER NOT NULL REFERENCES students (id),
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'approved', 'rejected', 'returned',
                      'withdrawn')),
  initiator_id INTEGER REFERENCES users (id),
  initiator TEXT NOT NULL,              -- username
  initiator_school_id INTEGER REFERENCES schools (id),
  initiator_region TEXT NOT NULL DEFAULT '',
  from_school_id INTEGER NOT NULL REFERENCES schools (id),
  to_school_id INTEGER REFERENCES schools (id),
  to_class_id INTEGER REFERENCES classes (id),
  payload TEXT NOT NULL DEFAULT '{}',   -- JSON: reason, new values, grade...
  round INTEGER NOT NULL DEFAULT 1,     -- +1 on each resubmission
  created_at TEXT NOT NULL,
  closed_at TEXT,
  version INTEGER NOT NULL DEFAULT 1    -- optimistic lock, bumped per action
);
-- at most one open (pending or returned) request per student
CREATE UNIQUE INDEX change_requests_open ON change_requests (student_id)
  WHERE status IN ('pending', 'returned');
CREATE INDEX change_requests_initiator ON change_requests (initiator_id, id);
CREATE INDEX change_requests_from ON change_requests (from_school_id, status);
CREATE INDEX change_requests_to ON change_requests (to_school_id, status);

-- One row per approval step and submission round.  Only the status,
-- acted_* and comment columns of the waiting step ever change; the
-- history of every action is in change_actions.
CREATE TABLE change_steps (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES change_requests (id),
  round INTEGER NOT NULL,
  seq INTEGER NOT NULL,                 -- 1.. in order
  actor_kind TEXT NOT NULL
    CHECK (actor_kind IN ('school', 'county', 'city', 'province')),
  actor_school_id INTEGER REFERENCES schools (id),
  actor_region TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL,                  -- 转出学校, 转入县教育局, ...
  status TEXT NOT NULL DEFAULT 'later'
    CHECK (status IN ('later', 'waiting', 'approved', 'rejected',
                      'returned', 'cancelled')),
  start_date TEXT,                      -- YYYY-MM-DD it became waiting
  deadline TEXT,                        -- YYYY-MM-DD, working days
  acted_by INTEGER REFERENCES users (id),
  acted_by_name TEXT,
  acted_at TEXT,
  comment TEXT,
  UNIQUE (request_id, round, seq)
);
CREATE INDEX change_steps_waiting_school ON change_steps (actor_school_id)
  WHERE status = 'waiting';
CREATE INDEX change_steps_waiting_region ON change_steps (actor_region)
  WHERE status = 'waiting';

CREATE TABLE change_actions (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES change_requests (id),
  step_id INTEGER REFERENCES change_steps (id),
  action TEXT NOT NULL,     -- submit approve reject return withdraw resubmit apply
  at TEXT NOT NULL,
  actor_id INTEGER REFERENCES users (id),
  actor TEXT NOT NULL,
  comment TEXT
);
CREATE INDEX change_actions_request ON change_actions (request_id, id);
CREATE TRIGGER change_actions_no_update BEFORE UPDATE ON change_actions
BEGIN SELECT RAISE (ABORT, 'change_actions is append-only'); END;
CREATE TRIGGER change_actions_no_delete BEFORE DELETE ON change_actions
BEGIN SELECT RAISE (ABORT, 'change_actions is append-only'); END;

-- Working-day calendar: weekends are rest days unless listed as
-- 'workday' (调休上班); listed 'holiday' dates are rest days.
CREATE TABLE holidays (
  date TEXT PRIMARY KEY,                -- YYYY-MM-DD
  kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name TEXT NOT NULL DEFAULT ''
);

-- Year-end promotion runs and, per student, what they changed (for the
-- rollback).
CREATE TABLE year_end_runs (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL,                  -- 'school:<id>' or 'county:<code>'
  from_year INTEGER NOT NULL,           -- start year of the source year
  to_year INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'applied'
    CHECK (status IN ('applied', 'rolled_back')),
  summary TEXT NOT NULL DEFAULT '{}',   -- JSON counts
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  rolled_back_at TEXT
);
CREATE TABLE year_end_schools (
  run_id INTEGER NOT NULL REFERENCES year_end_runs (id),
  school_id INTEGER NOT NULL REFERENCES schools (id),
  from_year INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (run_id, school_id)
);
-- a school is promoted once per year unless the run was rolled back
CREATE UNIQUE INDEX year_end_schools_once ON year_end_schools
  (school_id, from_year) WHERE active = 1;
CREATE TABLE year_end_items (
  run_id INTEGER NOT NULL REFERENCES year_end_runs (id),
  student_id INTEGER NOT NULL REFERENCES students (id),
  old_grade TEXT NOT NULL,
  old_class_id INTEGER,
  old_status TEXT NOT NULL,
  new_grade TEXT NOT NULL,
  new_class_id INTEGER,
  new_status TEXT NOT NULL,
  version_after INTEGER NOT NULL,       -- student version the run left
  PRIMARY KEY (run_id, student_id)
);
