-- 0026_dashboard: the PostgreSQL twin of migrations/0026_dashboard.sql
-- (the records awaiting the duplicate review, for the dashboard).
CREATE INDEX students_dup_flagged ON students (school_id) WHERE dup_flag = 1;
