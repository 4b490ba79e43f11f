-- 0041_province_partitions: nothing changes on SQLite (no partitions).
-- Its PostgreSQL twin creates a province's partitions when the province
-- gets its first school, and drops the empty ones 0040 made for
-- provinces without a school.
SELECT 1;
