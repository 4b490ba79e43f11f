-- 0018_merge_guardians: merging a confirmed duplicate into the record that
-- survives, an index of guardian ID numbers, and the registrar's
-- confirmation of warnings (docs/internals/identity.md).

-- A record merged into another (the bureau confirmed they are one person):
-- the merged record stays (status 注销, reason 合并) with its events,
-- changes and numbers; this row links it to the survivor, whose timeline,
-- numbers and history read through it.  Append-only.
CREATE TABLE student_merges (
  id INTEGER PRIMARY KEY,
  merged_id INTEGER NOT NULL UNIQUE REFERENCES students (id),
  survivor_id INTEGER NOT NULL REFERENCES students (id),
  merged_no TEXT NOT NULL,               -- the merged record's number then
  flag_id INTEGER NOT NULL REFERENCES duplicate_flags (id),
  reason TEXT NOT NULL,
  merged_by TEXT NOT NULL,
  merged_at TEXT NOT NULL
);
CREATE INDEX student_merges_survivor ON student_merges (survivor_id);
CREATE TRIGGER student_merges_no_update BEFORE UPDATE ON student_merges
BEGIN SELECT RAISE (ABORT, 'student_merges is append-only'); END;
CREATE TRIGGER student_merges_no_delete BEFORE DELETE ON student_merges
BEGIN SELECT RAISE (ABORT, 'student_merges is append-only'); END;

-- Guardian ID numbers (normalised like the students' own, stored as
-- students.id_no is), one row per record and number: the "one guardian,
-- too many children" rule counts here at registration and import instead
-- of unpacking every record.  Written by every insert and full update of
-- a record; filled for the records already stored by the server at its
-- next start (the numbers live in the packed `data` column, which SQL
-- cannot read): the row in `backfills` says it is still to do.
CREATE TABLE guardian_ids (
  student_id INTEGER NOT NULL REFERENCES students (id),
  id_no TEXT NOT NULL,
  PRIMARY KEY (student_id, id_no)
);
CREATE INDEX guardian_ids_no ON guardian_ids (id_no);
CREATE TABLE backfills (
  name TEXT PRIMARY KEY
);
INSERT INTO backfills (name) VALUES ('guardian_ids');

-- The registrar's confirmation that a warning's data is right: who, when,
-- why, and the field's value then.  A warning stored again later is
-- confirmed while its field still holds that value; an edit that changes
-- the field re-opens it.  Append-only.
CREATE TABLE warning_confirms (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  field TEXT NOT NULL,
  code TEXT NOT NULL,
  value TEXT NOT NULL,
  reason TEXT NOT NULL,
  confirmed_by TEXT NOT NULL,
  confirmed_at TEXT NOT NULL
);
CREATE INDEX warning_confirms_student ON warning_confirms (student_id);
CREATE TRIGGER warning_confirms_no_update BEFORE UPDATE ON warning_confirms
BEGIN SELECT RAISE (ABORT, 'warning_confirms is append-only'); END;
CREATE TRIGGER warning_confirms_no_delete BEFORE DELETE ON warning_confirms
BEGIN SELECT RAISE (ABORT, 'warning_confirms is append-only'); END;
ALTER TABLE student_warnings ADD COLUMN confirm_id INTEGER
  REFERENCES warning_confirms (id);
