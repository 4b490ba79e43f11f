-- 0036_enrol_counts_bulk: nothing changes on SQLite.  Its PostgreSQL
-- twin turns the registration count of 0030 (students_enrol_count) into
-- a statement trigger over the statement's new rows, so a bulk append
-- (COPY) adds each key's count once instead of once per student; SQLite
-- has no statement triggers, and its row trigger (a few inserts in the
-- same B-trees per row, no function calls) keeps the same counts.
SELECT 1;
