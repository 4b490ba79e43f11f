-- 0027_dashboard_speed: the dashboard's figures at a million students
-- (issue 11 point 7, bench/dashboard_bench.py).
--
-- Enrolment as of a date counts the 在读 students by school, grade, class
-- and gender, registered before the day (klass/class_size_store.c,
-- st_cs_asof_n_live): this index holds exactly those rows and every
-- column the count reads, so it is answered from the index alone, in
-- the order it groups by, without a row of the table.  The absence rate's
-- 在读 count per school (st_dash_school_sizes, with its class filter)
-- reads it too.  status is a column as well although every row's is
-- 'enrolled': SQLite 3.40 counts an index as covering only when it holds
-- every column the statement names, the partial index's WHERE included.
CREATE INDEX students_asof ON students
  (school_id, grade, class_id, gender, created_at, status)
  WHERE status = 'enrolled';
