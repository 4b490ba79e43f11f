-- 0042_province_keys: the province in the primary key of every other
-- registry table (issue 10 point 3; docs/decisions/0002-province-key.md,
-- docs/db.md "The province in every key (0042, PostgreSQL)").  0040 did
-- it for the six partitioned tables; here the 22 unpartitioned ones that
-- carry `province` (0039) get it too: `(id, province)` where the key was
-- `id` (id first, as 0040's, so a read by id alone still uses the key),
-- the old composite key plus province elsewhere.  Under Citus the
-- distribution column is then in every key.  Not here:
-- student_identities and registry_numbers (0038), which carry a province
-- but whose key is the number they keep unique across the country.
--
-- province is NOT NULL on every one of them since 0039 (its backfill and
-- SET NOT NULL), so no row is without one; the ADD PRIMARY KEY below
-- fails loud if one were.
--
-- The foreign keys to these tables become (province, x_id) REFERENCES t
-- (province, id) ON UPDATE CASCADE: the referencing row is the same
-- record's (a request's steps, actions, suspension, progression, a
-- verification tick's request, ...), so a move across provinces carries
-- them along by cascade, and xj_province_move keeps only absence_history
-- (no foreign key to follow).  One is dropped, not made composite:
-- student_merges.flag_id, whose row carries the survivor's province and
-- whose flag the flagged record's (the merged one, when the survivor is
-- the flag's other record); `xueji check` reports a merge naming no flag
-- (reference_missing).

-- the foreign keys to these tables go first (they name the old keys)
ALTER TABLE change_actions DROP CONSTRAINT change_actions_request_id_fkey;
ALTER TABLE change_steps DROP CONSTRAINT change_steps_request_id_fkey;
ALTER TABLE dropout_entries DROP CONSTRAINT dropout_entries_case_id_fkey;
ALTER TABLE ghost_candidates DROP CONSTRAINT ghost_candidates_change_id_fkey;
ALTER TABLE progressions DROP CONSTRAINT progressions_request_id_fkey;
ALTER TABLE student_merges DROP CONSTRAINT student_merges_flag_id_fkey;
ALTER TABLE student_warnings DROP CONSTRAINT student_warnings_confirm_id_fkey;
ALTER TABLE suspensions DROP CONSTRAINT suspensions_request_id_fkey;
ALTER TABLE verify_state DROP CONSTRAINT verify_state_tick_id_fkey;
ALTER TABLE verify_ticks DROP CONSTRAINT verify_ticks_change_id_fkey;

-- Table @t's primary key again, with province after its columns.
CREATE FUNCTION xj_key_province (t text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  k name;
  cols text;
BEGIN
  SELECT c.conname, string_agg (quote_ident (a.attname), ', '
                                ORDER BY x.n)
    INTO k, cols
    FROM pg_constraint c
    CROSS JOIN unnest (c.conkey) WITH ORDINALITY AS x (attnum, n)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = x.attnum
    WHERE c.conrelid = t::regclass AND c.contype = 'p'
    GROUP BY c.conname;
  EXECUTE format ('ALTER TABLE %I DROP CONSTRAINT %I,'
                  ' ADD PRIMARY KEY (%s, province)', t, k, cols);
END;
$$;
SELECT xj_key_province (t) FROM unnest (ARRAY['absence_history',
  'allocation_items', 'change_actions', 'change_requests',
  'class_size_moves', 'dropout_cases', 'dropout_entries', 'duplicate_flags',
  'ghost_candidates', 'graduations', 'guardian_ids', 'imports',
  'progressions', 'student_aliases', 'student_merges', 'student_warnings',
  'suspensions', 'verify_state', 'verify_ticks', 'warning_confirms',
  'year_end_blocked', 'year_end_items']) AS t;
DROP FUNCTION xj_key_province (text);

-- a student's one open request, dropout case and ghost candidate: the
-- province in them too (ADR 0002; after student_id, which the look-ups
-- of a student's open one name alone).  student_merges' UNIQUE
-- (merged_id) stays as it is: the row's province is the survivor's, not
-- the merged record's.
DROP INDEX change_requests_open;
CREATE UNIQUE INDEX change_requests_open ON change_requests
  (student_id, province) WHERE status IN ('pending', 'returned');
DROP INDEX dropout_cases_open;
CREATE UNIQUE INDEX dropout_cases_open ON dropout_cases
  (student_id, province) WHERE status = 'open';
DROP INDEX ghost_candidates_open;
CREATE UNIQUE INDEX ghost_candidates_open ON ghost_candidates
  (student_id, province) WHERE status = 'open';

-- the composite foreign keys (ON UPDATE CASCADE: a move carries them)
ALTER TABLE change_actions ADD FOREIGN KEY (province, request_id) REFERENCES change_requests (province, id) ON UPDATE CASCADE;
ALTER TABLE change_steps ADD FOREIGN KEY (province, request_id) REFERENCES change_requests (province, id) ON UPDATE CASCADE;
ALTER TABLE dropout_entries ADD FOREIGN KEY (province, case_id) REFERENCES dropout_cases (province, id) ON UPDATE CASCADE;
ALTER TABLE ghost_candidates ADD FOREIGN KEY (province, change_id) REFERENCES change_requests (province, id) ON UPDATE CASCADE;
ALTER TABLE progressions ADD FOREIGN KEY (province, request_id) REFERENCES change_requests (province, id) ON UPDATE CASCADE;
ALTER TABLE student_warnings ADD FOREIGN KEY (province, confirm_id) REFERENCES warning_confirms (province, id) ON UPDATE CASCADE;
ALTER TABLE suspensions ADD FOREIGN KEY (province, request_id) REFERENCES change_requests (province, id) ON UPDATE CASCADE;
ALTER TABLE verify_state ADD FOREIGN KEY (province, tick_id) REFERENCES verify_ticks (province, id) ON UPDATE CASCADE;
ALTER TABLE verify_ticks ADD FOREIGN KEY (province, change_id) REFERENCES change_requests (province, id) ON UPDATE CASCADE;

-- dropout_entries now moves by cascade, which names case_id in its SET
-- list too: its guard refuses an UPDATE that changes anything but
-- province, as 0040's of the other append-only tables
DROP TRIGGER dropout_entries_no_update ON dropout_entries;
CREATE TRIGGER dropout_entries_no_update BEFORE UPDATE ON dropout_entries
  FOR EACH ROW
  WHEN ((to_jsonb (OLD) - 'province') IS DISTINCT FROM (to_jsonb (NEW) - 'province'))
  EXECUTE FUNCTION xj_refuse_change ('dropout_entries is append-only');

-- A move across provinces (0040): the steps, the actions and the
-- dropout entries now follow their request or case by cascade; absence
-- history alone has no foreign key to follow.
CREATE OR REPLACE FUNCTION xj_province_move () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE absence_history SET province = NEW.province WHERE student_id = NEW.id;
  RETURN NEW;
END;
$$;
