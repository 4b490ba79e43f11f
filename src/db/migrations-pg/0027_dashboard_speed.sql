-- 0027_dashboard_speed: the PostgreSQL twin of
-- migrations/0027_dashboard_speed.sql (enrolment as of a date from the
-- index alone).
CREATE INDEX students_asof ON students
  (school_id, grade, class_id, gender, created_at, status)
  WHERE status = 'enrolled';
