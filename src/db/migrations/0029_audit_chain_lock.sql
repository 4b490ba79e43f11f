-- 0029_audit_chain_lock: one row every audit append updates just before
-- it reads the chain's tail (src/audit/audit_store.c).  On PostgreSQL a
-- long writer runs READ COMMITTED (the import, xj_db_txn_run_long), which
-- the SERIALIZABLE checks of the other writers do not see: without a row
-- both update, an import and a registration could read the same tail and
-- fork the chain.  With it the later one waits for the row and then
-- either reads the new tail (READ COMMITTED) or fails with 40001 and runs
-- again (SERIALIZABLE).  The lock is held from the append to the commit
-- only.  On SQLite one writer at a time makes it a formality.
CREATE TABLE audit_chain_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  appends INTEGER NOT NULL
);
INSERT INTO audit_chain_lock (id, appends) VALUES (1, 0);
