-- 0019_attendance: the school-day calendar's teaching terms and the
-- absences of students (docs/internals/attendance.md).
--
-- attend_terms: a county's teaching terms of a school year (第一学期 /
-- 第二学期); a county without a row uses the defaults of attend.c.
CREATE TABLE attend_terms (
  county_code TEXT NOT NULL,
  start_year INTEGER NOT NULL,         -- school year 2026 = 2026-2027
  no INTEGER NOT NULL CHECK (no IN (1, 2)),
  start_date TEXT NOT NULL,            -- YYYY-MM-DD, inclusive
  end_date TEXT NOT NULL,              -- YYYY-MM-DD, inclusive
  updated_by INTEGER NOT NULL,         -- users.id, 0 = command line
  updated_at TEXT NOT NULL,
  PRIMARY KEY (county_code, start_year, no)
);

-- absences: sparse, only absences are stored (a present student has no
-- row); one row per student and school day, the entry in force.  day is
-- YYYYMMDD as an integer and recorded_at Unix seconds: a term for a
-- million students is a few million rows, so every byte counts.
-- part 0 全天, 1 上午, 2 下午; reason 1 病假, 2 事假, 3 旷课.
-- school_id is the school the student was at when it was recorded.
CREATE TABLE absences (
  student_id INTEGER NOT NULL REFERENCES students (id),
  day INTEGER NOT NULL,
  school_id INTEGER NOT NULL REFERENCES schools (id),
  part INTEGER NOT NULL CHECK (part IN (0, 1, 2)),
  reason INTEGER NOT NULL CHECK (reason IN (1, 2, 3)),
  recorded_by INTEGER NOT NULL,        -- users.id, 0 = command line
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (student_id, day)
) WITHOUT ROWID;
CREATE INDEX absences_school ON absences (school_id, day);
-- the suspect scan reads only unexcused absences (a sixth of them at
-- common rates): a partial index holds exactly those rows and every
-- column the scan reads
CREATE INDEX absences_unexcused ON absences
  (school_id, day, student_id, part, reason)
  WHERE reason = 3;

-- absence_history: every entry that a correction replaced or removed,
-- as it was, with who replaced it and when (append-only: what was
-- recorded is never lost).  The entry in force is in absences.
CREATE TABLE absence_history (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL,
  day INTEGER NOT NULL,
  school_id INTEGER NOT NULL,
  part INTEGER NOT NULL,
  reason INTEGER NOT NULL,
  recorded_by INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  replaced_by INTEGER NOT NULL,
  replaced_at INTEGER NOT NULL,
  removed INTEGER NOT NULL DEFAULT 0   -- 1: replaced by "present"
);
CREATE INDEX absence_history_student ON absence_history (student_id, day);
CREATE TRIGGER absence_history_no_update BEFORE UPDATE ON absence_history
BEGIN SELECT RAISE (ABORT, 'absence_history is append-only'); END;
CREATE TRIGGER absence_history_no_delete BEFORE DELETE ON absence_history
BEGIN SELECT RAISE (ABORT, 'absence_history is append-only'); END;
