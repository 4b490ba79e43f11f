-- 0002_import_queue: imports waiting for the worker (src/import/import_job.c).
-- Queuing, listing and cancelling a queued import write only here, so they
-- never wait for the registry's writer lock, which a running import holds
-- for its whole transaction.  When the worker takes a job it first writes
-- the registry's `imports` row (same id), then deletes the row here; a job
-- in both places (a kill -9 in between) is the registry's.
-- See docs/internals/import.md, "The job queue".
CREATE TABLE import_queue (
  id INTEGER PRIMARY KEY, -- the job's id, kept in imports (import_queue_hw)
  user_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  scope_school_id INTEGER,
  scope_region TEXT NOT NULL DEFAULT '',
  file_name TEXT NOT NULL,
  file_path TEXT NOT NULL,
  file_size INTEGER NOT NULL DEFAULT 0,
  options TEXT NOT NULL,
  rows_total INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'cancelled')),
  created_at TEXT NOT NULL,
  cancelled_at TEXT
);
-- The largest id ever queued, so that an id is never given twice even
-- after its row moved to the registry (a portable AUTOINCREMENT: no
-- sqlite_sequence in statements, docs/db.md "Portable SQL").
CREATE TABLE import_queue_hw (n INTEGER NOT NULL);
INSERT INTO import_queue_hw (n) VALUES (0);
CREATE TRIGGER import_queue_hw_up AFTER INSERT ON import_queue
BEGIN
  UPDATE import_queue_hw SET n = NEW.id WHERE n < NEW.id;
END;
