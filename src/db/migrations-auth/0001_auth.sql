-- 0001_auth: the auth store, a second SQLite file beside the registry
-- ("<db>-auth").  Log-in, log-out and session checks write only here, so
-- a long registry transaction (a large import) cannot hold them up.
-- See docs/internals/sessions.md.

-- One row per live session.  Only the SHA-256 of the cookie token is
-- stored.  epoch is users.session_epoch when the session began: a
-- password change, reset or disabling bumps it in the registry, which
-- ends every older session at once.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  csrf TEXT NOT NULL,
  ip TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,           -- idle timeout
  expires_at INTEGER NOT NULL           -- absolute timeout
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed log-ins per user name (known or not) and source address.
CREATE TABLE login_failures (
  username TEXT NOT NULL,
  ip TEXT NOT NULL,
  failed INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (username, ip)
);

-- Failed log-ins per source address in the current window.
CREATE TABLE login_addresses (
  ip TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  failed INTEGER NOT NULL
);

-- log-in / log-out events waiting to be copied, in id order, into the
-- registry's hash-chained audit_log (auth_log_copied there holds the last
-- id copied).  Append-only.
CREATE TABLE auth_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id INTEGER NOT NULL,             -- 0: no such user
  username TEXT NOT NULL,
  ip TEXT NOT NULL,
  action TEXT NOT NULL
);
CREATE TRIGGER auth_log_no_update BEFORE UPDATE ON auth_log
BEGIN SELECT RAISE (ABORT, 'auth_log is append-only'); END;
CREATE TRIGGER auth_log_no_delete BEFORE DELETE ON auth_log
BEGIN SELECT RAISE (ABORT, 'auth_log is append-only'); END;
