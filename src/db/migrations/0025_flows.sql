-- 0025_flows: the follow-up delay of the flows of students (src/flows,
-- docs/internals/flows.md): a transfer or 升学 approved at one end and
-- not completed, or a 其他离校 record nobody follows, is listed for
-- follow-up after more than this many calendar days (domain.md §3:
-- 10 working days per party, the file sent within one month).
INSERT INTO settings (key, value) VALUES
  ('change.followup_days', '30')
ON CONFLICT (key) DO NOTHING;
