-- 0007_import_retention: import jobs and their error reports hold
-- unmasked personal data (the rows that failed, the first 200 errors).
-- After the retention period (setting import_retention_days, default 30)
-- the report file is deleted, the errors are cleared and expired_at is
-- set (src/import/import_job.c); the row itself stays as the record that
-- the import happened.
ALTER TABLE imports ADD COLUMN expired_at TEXT;
CREATE INDEX imports_finished ON imports (finished_at) WHERE expired_at IS NULL;
