-- 0003_enrolled_index: school lists and school pages count enrolled
-- students per school and grade; with a million students that read every
-- row of a school (0.2 s a page).  A partial index answers from the index.
CREATE INDEX students_enrolled ON students (school_id, grade, gender)
  WHERE status = 'enrolled';
