-- 0029_audit_chain_lock: the PostgreSQL twin of
-- migrations/0029_audit_chain_lock.sql (the row every audit append
-- updates before it reads the chain's tail, so a READ COMMITTED import
-- and the SERIALIZABLE writers never append after the same entry).
CREATE TABLE audit_chain_lock (
  id bigint PRIMARY KEY CHECK (id = 1),
  appends bigint NOT NULL
);
INSERT INTO audit_chain_lock (id, appends) VALUES (1, 0);
