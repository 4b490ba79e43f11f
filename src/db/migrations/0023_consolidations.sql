-- 0023_consolidations: what `xueji migrate` copied into this database
-- (docs/deploy-postgres.md "Consolidating counties").  One row per source
-- registry, keyed by the source's identity (the hash of its first audit
-- entry, which no later write changes), so a second run finds it and
-- copies nothing.  A legal record: rows are never changed or removed.
CREATE TABLE consolidations (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL UNIQUE,
  county_code TEXT NOT NULL,
  source_path TEXT NOT NULL,
  source_head TEXT NOT NULL,      -- hash of the newest source audit entry
  entries INTEGER NOT NULL,       -- source audit entries copied
  students INTEGER NOT NULL,      -- students copied
  skipped INTEGER NOT NULL,       -- students left out (--skip-conflicts)
  at TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE TRIGGER consolidations_no_update BEFORE UPDATE ON consolidations
BEGIN SELECT RAISE (ABORT, 'consolidations is append-only'); END;
CREATE TRIGGER consolidations_no_delete BEFORE DELETE ON consolidations
BEGIN SELECT RAISE (ABORT, 'consolidations is append-only'); END;
