-- 0008_accounts: sessions move to the auth store (<db>-auth, see
-- docs/internals/sessions.md); what stays in the registry is what must
-- change in the same transaction as a user's row.

-- Bumped by a password change, a reset and disabling: every session
-- started under an older epoch is dead at once.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

-- The last auth_log id of the auth store copied into audit_log; updated
-- in the same transaction as the copied entries (copying is idempotent).
CREATE TABLE auth_log_copied (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last_id INTEGER NOT NULL
);
INSERT INTO auth_log_copied VALUES (1, 0);

-- Sessions and throttling live in the auth store now.
DROP TABLE sessions;
