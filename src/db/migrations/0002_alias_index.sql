-- 0002_alias_index: every record view lists a student's former registry
-- numbers; without this index that was a scan of student_aliases.
CREATE INDEX student_aliases_student ON student_aliases (student_id);
