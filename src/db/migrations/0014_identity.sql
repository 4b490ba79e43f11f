-- 0014_identity: L numbers per county and birth date, warnings on records,
-- and the review state of suspected duplicates (docs/internals/identity.md).

-- Next L-number sequence (0..9999) per county and birth date: the number is
-- L + county6 + YYYYMMDD + 4 digits, so each pair has 10,000 numbers.  Seeded
-- from the numbers already issued (the old installation-wide counter, and
-- numbers imported as given) so a new number never repeats an old one.
CREATE TABLE l_seq_county (
  county TEXT NOT NULL,
  birth TEXT NOT NULL,                  -- YYYYMMDD
  next INTEGER NOT NULL,
  PRIMARY KEY (county, birth)
) WITHOUT ROWID;
INSERT INTO l_seq_county (county, birth, next)
  SELECT substr(no, 2, 6), substr(no, 8, 8), max(CAST(substr(no, 16, 4) AS INTEGER)) + 1
  FROM (SELECT registry_no AS no FROM students WHERE registry_no LIKE 'L%'
        UNION ALL SELECT registry_no FROM student_aliases WHERE registry_no LIKE 'L%')
  WHERE length(no) = 19
  GROUP BY 1, 2;

-- Warnings the registrar confirmed (age for grade, fields that may disagree)
-- on the record's current state; the bureau lists them (?warned=1).  Replaced
-- whenever the record is validated again (registration, import, PATCH, class
-- move); the history of the record itself is in student_events.
CREATE TABLE student_warnings (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  field TEXT NOT NULL,
  code TEXT NOT NULL,
  detail TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX student_warnings_student ON student_warnings (student_id);

-- Review of suspected duplicates: open until confirmed (the wrong record's
-- 注销 is started) or dismissed, each with a reason and who/when.
ALTER TABLE duplicate_flags ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
ALTER TABLE duplicate_flags ADD COLUMN resolved_by TEXT;
ALTER TABLE duplicate_flags ADD COLUMN resolved_at TEXT;
ALTER TABLE duplicate_flags ADD COLUMN resolution TEXT;
ALTER TABLE duplicate_flags ADD COLUMN change_id INTEGER;
CREATE INDEX duplicate_flags_open ON duplicate_flags (state, id);
CREATE INDEX duplicate_flags_other ON duplicate_flags (other_id);

-- guardian ID numbers, for the duplicate check (name + birth + guardian ID)
-- and the "one guardian, too many children" scan.
CREATE INDEX students_guardian_phone ON students (guardian_phone)
  WHERE guardian_phone IS NOT NULL;
