-- 0003_session_notices (PostgreSQL twin of src/db/migrations-auth/0003): a
-- notice on channel xj_auth when a session ends (deleted: log-out,
-- "log out everywhere", expiry) or changes in a way that could end it or
-- change it (another epoch, an earlier last_seen or expiry).  A touch
-- (last_seen moving forward) does not notify.  With the registry's 0035:
-- servers drop their session cache on any notice
-- (docs/internals/sessions.md, "The session cache").
CREATE FUNCTION xj_session_notice () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify ('xj_auth', '');
  RETURN NULL;
END $$;
CREATE TRIGGER sessions_delete_notice AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION xj_session_notice ();
CREATE TRIGGER sessions_update_notice AFTER UPDATE ON sessions
  FOR EACH ROW WHEN (NEW.epoch <> OLD.epoch OR NEW.user_id <> OLD.user_id
    OR NEW.csrf <> OLD.csrf OR NEW.last_seen < OLD.last_seen
    OR NEW.expires_at < OLD.expires_at)
  EXECUTE FUNCTION xj_session_notice ();
