-- 0033_name_grams: the student list's name search (q, a fragment of a
-- name) through an index of the names' characters and character pairs,
-- kept by the database in the same transaction as every write of a name
-- or a school (the form, PATCH, merges, the import's bulk rows, gen).
-- `lower(name) LIKE '%q%'` cannot use an index: a county bureau's search
-- read all of the county's rows (100,000: 0.2-0.5 s).  Now the list
-- looks up the rarest gram of the query in the county's schools and
-- checks the LIKE on those candidates only (student_store.c, the name
-- shapes; docs/db.md "The student list and its indexes").
--
-- A name's grams: lower(name)'s every character and every adjacent pair
-- (1 and 2 code points: substr counts characters on both backends; a
-- name of n characters has at most 2n - 1).  A fragment of the name
-- holds only grams of the name, so any one of its pairs (or the one
-- character of a one-character query) finds every match.  lower() is the
-- backend's own on both sides, as in the LIKE.  school_id narrows a
-- bureau's search to its schools; it moves with the student.  The lookup
-- index leads with the school, not the gram: a school's new students then
-- land in that school's few pages (gen of a county into 1,000,000
-- students: 28.5 s of CPU with the gram first against 10 s without the
-- index), and a search asks each school of its region anyway.
-- `xueji check` recomputes the table and reports any difference.
CREATE TABLE gram_positions (i INTEGER PRIMARY KEY);
INSERT INTO gram_positions (i)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
SELECT i FROM n;

CREATE TABLE student_name_grams (
  student_id INTEGER NOT NULL,
  gram TEXT NOT NULL,
  school_id INTEGER NOT NULL,
  PRIMARY KEY (student_id, gram)
) WITHOUT ROWID;

-- A repeated gram of one name ("李李") is one row: ON CONFLICT rather than
-- DISTINCT, whose temporary table per row doubled the trigger's cost
-- (20,000 inserted students: 1.2 -> 0.6 s of CPU).
CREATE TRIGGER students_name_grams AFTER INSERT ON students
BEGIN
  INSERT INTO student_name_grams (student_id, gram, school_id)
  SELECT NEW.id, substr (lower (NEW.name), p.i, k.n), NEW.school_id
  FROM (SELECT 1 AS n UNION ALL SELECT 2) k CROSS JOIN gram_positions p
  WHERE p.i <= length (NEW.name) - k.n + 1
  ON CONFLICT (student_id, gram) DO NOTHING;
END;

CREATE TRIGGER students_name_grams_move
AFTER UPDATE OF name, school_id ON students
WHEN OLD.name IS NOT NEW.name OR OLD.school_id IS NOT NEW.school_id
BEGIN
  DELETE FROM student_name_grams WHERE student_id = OLD.id;
  INSERT INTO student_name_grams (student_id, gram, school_id)
  SELECT NEW.id, substr (lower (NEW.name), p.i, k.n), NEW.school_id
  FROM (SELECT 1 AS n UNION ALL SELECT 2) k CROSS JOIN gram_positions p
  WHERE p.i <= length (NEW.name) - k.n + 1
  ON CONFLICT (student_id, gram) DO NOTHING;
END;

-- Backfill in id order (the primary key grows at its end; CROSS JOIN
-- keeps the loops in this order, the positions a range of their key),
-- then the lookup index in one sort.  student_store.c
-- st_stu_grams_missing is this rule, for `xueji check`.
INSERT INTO student_name_grams (student_id, gram, school_id)
SELECT st.id, substr (lower (st.name), p.i, k.n), st.school_id
FROM students st CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
  CROSS JOIN gram_positions p
WHERE p.i <= length (st.name) - k.n + 1
ON CONFLICT (student_id, gram) DO NOTHING;
CREATE INDEX student_name_grams_school ON student_name_grams (school_id, gram, student_id);
