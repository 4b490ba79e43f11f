-- 0046_derive_one_row: a one-row call of the derive function (0044) is
-- planned once, not at every call.  xj_students_derive runs with custom
-- plans (its statement planned at each call, with the COPY's id range
-- known: a new province's partition has no statistics until the import
-- commits, and a cached plan chose to scan it whole), which costs 0.4-0.6
-- ms a call; a registration's row trigger and each one-row COPY of an
-- import's per-row path paid that for one student (bench/README.md "A
-- school's file on PostgreSQL": 2.2 s of 5,000 rows).  The statement now
-- lives in xj_students_derive_rows, with no plan setting of its own:
-- xj_students_derive calls it under force_custom_plan as before, and the
-- trigger and the end of a one-row COPY call it directly, where the plan
-- cache keeps a generic plan after five calls (0.12 ms a call).  The
-- statement is 0044's, moved.  SQLite has no such function
-- (migrations/0046_derive_one_row.sql).
CREATE FUNCTION xj_students_derive_rows (ids bigint[], lo bigint, hi bigint)
RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
WITH s AS MATERIALIZED (
  SELECT id, name, school_id, registry_no, id_no, id_type, status,
    class_id, grade, gender, created_at, province
  FROM students WHERE id BETWEEN lo AND hi AND id = ANY (ids)
), grams AS (
  INSERT INTO student_name_grams (student_id, gram, school_id)
  SELECT DISTINCT s.id, g.gram, s.school_id
  FROM s CROSS JOIN LATERAL xj_name_grams_of (s.name) AS g (gram)
), regnos AS (
  INSERT INTO registry_numbers (registry_no, student_id, province)
  SELECT registry_no, id, province FROM s
), idnos AS (
  INSERT INTO student_identities (id_no, id_type, student_id, province)
  SELECT id_no, id_type, id, province FROM s WHERE id_no IS NOT NULL
), enrol AS (
  INSERT INTO enrol_counts (school_id, grade, gender, day, n)
  SELECT school_id, grade, gender, substr (created_at, 1, 10), count(*)
  FROM s WHERE status = 'enrolled'
  GROUP BY school_id, grade, gender, substr (created_at, 1, 10)
  ON CONFLICT (school_id, grade, gender, day)
  DO UPDATE SET n = enrol_counts.n + excluded.n
)
INSERT INTO class_counts (class_id, school_id, grade, n)
SELECT class_id, school_id, grade, count(*)
FROM s WHERE status = 'enrolled' AND class_id IS NOT NULL
GROUP BY class_id, school_id, grade
ON CONFLICT (class_id, school_id, grade)
DO UPDATE SET n = class_counts.n + excluded.n;
END;
$$;

CREATE OR REPLACE FUNCTION xj_students_derive (ids bigint[]) RETURNS void
LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  PERFORM xj_students_derive_rows (ids,
    (SELECT min (x) FROM unnest (ids) AS x),
    (SELECT max (x) FROM unnest (ids) AS x));
END;
$$;

CREATE OR REPLACE FUNCTION xj_students_new () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM registry_numbers
             WHERE registry_no = NEW.registry_no AND student_id = NEW.id) THEN
    RETURN NULL;
  END IF;
  PERFORM xj_students_derive_rows (ARRAY[NEW.id], NEW.id, NEW.id);
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION xj_bulk_done_students (ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config ('xueji.bulk', '', true);
  IF cardinality (ids) = 1 THEN
    PERFORM xj_students_derive_rows (ids, ids[1], ids[1]);
  ELSE
    PERFORM xj_students_derive (ids);
  END IF;
END;
$$;
