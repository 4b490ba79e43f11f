-- 0028_ghost_sweeps: the ghost-record sweep (空挂学籍线索排查) runs as a
-- background job; each run is a row here.  The job writes its progress
-- in the same short transaction as each chunk's candidates, so a row
-- always agrees with the queue; a server killed mid-sweep leaves its row
-- 'running' and the next start marks it 'interrupted'.
-- docs/internals/verification.md describes the mechanism.
CREATE TABLE ghost_sweeps (
  id INTEGER PRIMARY KEY,
  prefix TEXT NOT NULL,            -- region code prefix swept ('' = all)
  state TEXT NOT NULL DEFAULT 'running'
    CHECK (state IN ('running', 'done', 'failed', 'interrupted')),
  started_by TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  students_total INTEGER NOT NULL DEFAULT 0,
  students_done INTEGER NOT NULL DEFAULT 0,
  raised INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  kept INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX ghost_sweeps_prefix ON ghost_sweeps (prefix, id);
