-- 0017_student_list_index: the student list's count and its one-school
-- pages.  students_school (school_id, grade, class_id) narrowed a school
-- but the count still read every row for status and name; with status
-- and name in the index a count of a school or a county is answered from
-- the index alone (student_store.c, the list "shapes").  It replaces
-- students_school, of which it is an extension.
CREATE INDEX students_list ON students (school_id, grade, class_id, status, name);
DROP INDEX students_school;
