-- 0032_students_left (PostgreSQL twin): the flows panel's follow-up count
-- reads only the 其他离校 records of a region through this partial index
-- instead of walking every student of the region's schools.
CREATE INDEX students_left ON students (school_id, status)
  WHERE status = 'left';
