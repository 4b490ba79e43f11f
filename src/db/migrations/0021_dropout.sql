-- 0021_dropout: dropout control (控辍保学, domain.md §9): one case per
-- student at a time (一人一案), its append-only timeline of entries, and
-- the settings of the dropout rule and the retention target.
-- docs/internals/dropout.md describes the mechanism.

-- The case: its current state.  History lives in dropout_entries (every
-- opening, entry, stage change, closure and reopening is a row there);
-- this row holds only what the lists filter on.
CREATE TABLE dropout_cases (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  school_id INTEGER NOT NULL REFERENCES schools (id), -- at opening
  source TEXT NOT NULL,          -- left | suspension | manual | absence
  detail TEXT NOT NULL,
  stage TEXT NOT NULL DEFAULT 'suspected',   -- suspected | dropout
  status TEXT NOT NULL DEFAULT 'open',       -- open | closed
  opened_on TEXT NOT NULL,       -- YYYY-MM-DD: school days count from it
  opened_at TEXT NOT NULL,
  dropout_on TEXT,               -- YYYY-MM-DD the stage became dropout
  closed_at TEXT,
  outcome TEXT,                  -- the last closure's outcome
  version INTEGER NOT NULL DEFAULT 1
);
-- one open case per student: a database fact, not a check two writers
-- could both pass
CREATE UNIQUE INDEX dropout_cases_open ON dropout_cases (student_id)
  WHERE status = 'open';
CREATE INDEX dropout_cases_school ON dropout_cases (school_id, status);
CREATE INDEX dropout_cases_student ON dropout_cases (student_id, id);

-- The timeline (append-only): open, contact, home_visit, report,
-- persuasion, note, stage, close, reopen.
CREATE TABLE dropout_entries (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES dropout_cases (id),
  kind TEXT NOT NULL,
  happened_on TEXT NOT NULL,     -- YYYY-MM-DD, as the user reports it
  method TEXT NOT NULL DEFAULT '',   -- how (phone, visit, ...)
  participants TEXT NOT NULL DEFAULT '', -- who took part
  reported_to TEXT NOT NULL DEFAULT '',  -- report: township, bureau
  outcome TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL,
  actor_id INTEGER REFERENCES users (id),    -- NULL: the system
  actor TEXT NOT NULL
);
CREATE INDEX dropout_entries_case ON dropout_entries (case_id, id);
CREATE TRIGGER dropout_entries_no_update BEFORE UPDATE ON dropout_entries
BEGIN SELECT RAISE (ABORT, 'dropout_entries is append-only'); END;
CREATE TRIGGER dropout_entries_no_delete BEFORE DELETE ON dropout_entries
BEGIN SELECT RAISE (ABORT, 'dropout_entries is append-only'); END;

-- domain.md "Decisions": dropout = suspected for more than 20 school
-- days; §9: 国办发〔2017〕72号 sets a 95% retention (巩固率) target.
INSERT INTO settings (key, value) VALUES
  ('change.dropout_days', '20'),
  ('change.retention_target', '95')
ON CONFLICT (key) DO NOTHING;
