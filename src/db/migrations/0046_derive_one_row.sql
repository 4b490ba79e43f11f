-- 0046_derive_one_row: nothing changes on SQLite.  Its PostgreSQL twin
-- plans a one-row call of the derive function (0044) once instead of at
-- every call; SQLite's row triggers (0033, 0036, 0038) are plain
-- statements, prepared once per connection.
SELECT 1;
