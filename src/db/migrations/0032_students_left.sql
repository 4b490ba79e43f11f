-- 0032_students_left: the flows panel's follow-up count (students who left
-- without a completed procedure, flows_store.c st_fl_followup) reads the
-- 其他离校 records of a region.  Without this index it walked every
-- student of the region's schools for the few whose status is 'left'
-- (110 ms at 1,000,000 students, the dashboard's slowest panel); this
-- partial index holds only those rows.  status is a column too: SQLite
-- 3.40 counts an index as covering only when it holds every column the
-- statement names, the partial index's WHERE included.
CREATE INDEX students_left ON students (school_id, status)
  WHERE status = 'left';
