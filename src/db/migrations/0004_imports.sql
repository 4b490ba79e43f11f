-- 0004_imports: background student imports started through the API
-- (src/import/import_job.c).  One row per uploaded file; the worker runs
-- one import at a time.  Progress of the running import lives in the
-- server's memory (the import's own write transaction holds the writer
-- lock until it ends); this row gets the status at start and the counts
-- and first errors at the end.
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  username TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  scope_school_id INTEGER,              -- registrar's school, else NULL
  scope_region TEXT NOT NULL DEFAULT '',-- bureau's region prefix
  file_name TEXT NOT NULL,
  file_path TEXT,                       -- the upload, until the job ends
  file_size INTEGER NOT NULL DEFAULT 0,
  file_sha256 TEXT NOT NULL DEFAULT '',
  options TEXT NOT NULL,                -- JSON {valid_only,dry_run,create_classes,sheet}
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  message TEXT NOT NULL DEFAULT '',
  rows_total INTEGER NOT NULL DEFAULT 0,  -- estimated from bytes while running
  rows_done INTEGER NOT NULL DEFAULT 0,
  imported INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  already INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  report_path TEXT,
  errors TEXT NOT NULL DEFAULT '[]'       -- JSON: the first 200 errors
);
CREATE INDEX imports_user ON imports (user_id, id);
CREATE INDEX imports_status ON imports (status, id);
