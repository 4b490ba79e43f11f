-- 0011_change_rules: the provincial change rules of domain.md "Decisions"
-- as settings, suspensions with an end date, and step label keys
-- (src/change, docs/internals/changes.md).

-- Every change setting with domain.md's default (the code falls back to
-- the same defaults; these rows make the table the one place an
-- administrator sees them).  Existing values are kept.
INSERT OR IGNORE INTO settings (key, value) VALUES
  ('change.step_days', '10'),
  ('change.death_days', '10'),
  ('change.senior_authority', 'city'),
  ('change.chain_city', 'no'),
  ('change.repeat_compulsory', 'no'),
  ('change.repeat_senior3', 'no'),
  ('change.repeat_cap_pct', '2'),
  ('change.transfer_entry_term', 'yes'),
  ('change.transfer_graduating', 'yes'),
  ('change.suspend_years', '1'),
  ('change.suspend_renewals', '1');

-- One row per approved suspension (休学) or renewal (续休): its dates.
-- A spell starts with renewal 0; each renewal continues from the
-- previous end date.  Append-only: a resumption is the student's status,
-- the dates stay as the record.
CREATE TABLE suspensions (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  request_id INTEGER REFERENCES change_requests (id),
  renewal INTEGER NOT NULL DEFAULT 0,
  start_date TEXT NOT NULL,             -- YYYY-MM-DD
  end_date TEXT NOT NULL,               -- YYYY-MM-DD, last day suspended
  created_at TEXT NOT NULL
);
CREATE INDEX suspensions_student ON suspensions (student_id, id);
CREATE TRIGGER suspensions_no_update BEFORE UPDATE ON suspensions
BEGIN SELECT RAISE (ABORT, 'suspensions is append-only'); END;
CREATE TRIGGER suspensions_no_delete BEFORE DELETE ON suspensions
BEGIN SELECT RAISE (ABORT, 'suspensions is append-only'); END;

-- Students suspended before this migration: one school year from the
-- approval of their last suspension (or their last update).
INSERT INTO suspensions (student_id, request_id, renewal, start_date,
                         end_date, created_at)
SELECT st.id, NULL, 0,
       date(coalesce((SELECT max(r.closed_at) FROM change_requests r
                      WHERE r.student_id = st.id AND r.type = 'suspend'
                      AND r.status = 'approved'), st.updated_at)),
       date(coalesce((SELECT max(r.closed_at) FROM change_requests r
                      WHERE r.student_id = st.id AND r.type = 'suspend'
                      AND r.status = 'approved'), st.updated_at),
            '+1 year', '-1 day'),
       st.updated_at
FROM students st WHERE st.status = 'suspended';

-- A key naming each step's role ("from_school", "to_county", ...), so
-- every language shows a proper name; '' on steps made before.
ALTER TABLE change_steps ADD COLUMN label_key TEXT NOT NULL DEFAULT '';
