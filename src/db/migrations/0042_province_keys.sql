-- 0042_province_keys: on PostgreSQL every registry table's primary key
-- holds the province (migrations-pg/0042_province_keys.sql,
-- docs/decisions/0002-province-key.md).  SQLite holds one county: it
-- keeps `id INTEGER PRIMARY KEY` and its keys as they are.  Only what
-- keeps one set of statements for both: the verification state's upsert
-- names PostgreSQL's key in its ON CONFLICT target, so SQLite needs a
-- unique index on the same columns to accept it (as 0040's
-- absences_province).  (The import queue's INSERT into imports names no
-- target: SQLite 3.40 matches no target to an index holding the INTEGER
-- PRIMARY KEY column.)
CREATE UNIQUE INDEX verify_state_province
  ON verify_state (student_id, school_year, term, province);
