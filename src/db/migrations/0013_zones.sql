-- 0013: feeder relations (对口), attendance zones and the 小升初
-- allocation of a county's primary graduates to junior schools.
CREATE TABLE school_feeders (
  junior_school_id INTEGER NOT NULL REFERENCES schools (id),
  primary_school_id INTEGER NOT NULL REFERENCES schools (id),
  PRIMARY KEY (junior_school_id, primary_school_id)
);
CREATE INDEX school_feeders_primary ON school_feeders (primary_school_id);
-- attendance zone: townships of the region table and named communities
CREATE TABLE school_zone_townships (
  school_id INTEGER NOT NULL REFERENCES schools (id),
  township_code TEXT NOT NULL REFERENCES regions (code),
  PRIMARY KEY (school_id, township_code)
);
CREATE INDEX school_zone_townships_code ON school_zone_townships (township_code);
CREATE TABLE school_zone_communities (
  school_id INTEGER NOT NULL REFERENCES schools (id),
  name TEXT NOT NULL,
  PRIMARY KEY (school_id, name)
);

CREATE TABLE allocations (
  id INTEGER PRIMARY KEY,
  county_code TEXT NOT NULL REFERENCES regions (code),
  school_year INTEGER NOT NULL,         -- the year the graduates finished
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  published_at TEXT
);
CREATE UNIQUE INDEX allocations_once ON allocations (county_code, school_year);
-- route: feeder | zone | none (no match) | moved (by the bureau, reason)
CREATE TABLE allocation_items (
  allocation_id INTEGER NOT NULL REFERENCES allocations (id),
  student_id INTEGER NOT NULL REFERENCES students (id),
  from_school_id INTEGER NOT NULL REFERENCES schools (id),
  to_school_id INTEGER REFERENCES schools (id),
  route TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  confirmed_at TEXT,
  PRIMARY KEY (allocation_id, student_id)
);
CREATE INDEX allocation_items_to ON allocation_items (to_school_id);
