-- 0026_dashboard: the dashboard's duplicate-review figure reads only the
-- records awaiting review (dup_flag = 1, a handful among a million): a
-- partial index holds exactly those, so the count no longer scans every
-- student (bench/dashboard_bench.py).
CREATE INDEX students_dup_flagged ON students (school_id) WHERE dup_flag = 1;
