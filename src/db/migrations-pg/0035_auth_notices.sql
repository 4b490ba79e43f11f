-- 0035_auth_notices (PostgreSQL): a notice on channel xj_auth whenever a
-- user or a teacher's classes change.  Servers cache a checked
-- session for the requests that follow it (src/user/session_store.c,
-- docs/internals/sessions.md, "The session cache") and drop the cache on
-- any notice, so a change made anywhere (another server, `xueji user`,
-- psql) ends or narrows a session at once, as without the cache.  The
-- sessions' own notices are the auth store's (auth 0003).  SQLite has no
-- cache and no notices: its twin is empty.  Every row changed notifies;
-- PostgreSQL folds a transaction's identical notices into one, sent at
-- commit.  The idle setting needs none: a cached session was seen less
-- than 30 s ago, and the setting is 1 minute or more.
CREATE FUNCTION xj_auth_notice () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify ('xj_auth', '');
  RETURN NULL;
END $$;
CREATE TRIGGER users_notice AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION xj_auth_notice ();
CREATE TRIGGER user_classes_notice AFTER INSERT OR UPDATE OR DELETE
  ON user_classes FOR EACH ROW EXECUTE FUNCTION xj_auth_notice ();
