-- 0009: the audit log's keyed MAC chain.  mac = HMAC-SHA-256 under the
-- audit key (a file outside the database, see docs/internals/audit.md)
-- over the previous row's mac and this row's hash.  Rows written before
-- the key existed keep mac NULL; they stay covered through the hash chain,
-- whose head the first keyed row's MAC fixes.  ADD COLUMN rewrites no row,
-- so the append-only triggers are not involved.
ALTER TABLE audit_log ADD COLUMN mac TEXT;
