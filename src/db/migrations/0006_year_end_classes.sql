-- 0006: the classes a year-end run created for the next school year, so
-- that rolling the run back can remove those left empty (they used to
-- stay, as empty classes of a year that had not happened).  The rows stay
-- as the record of what the run created; class_id has no foreign key
-- because the class itself may be removed.
CREATE TABLE year_end_classes (
  run_id INTEGER NOT NULL REFERENCES year_end_runs (id),
  class_id INTEGER NOT NULL,
  PRIMARY KEY (run_id, class_id)
);
CREATE TRIGGER year_end_classes_no_update BEFORE UPDATE ON year_end_classes
BEGIN SELECT RAISE (ABORT, 'year_end_classes is append-only'); END;
CREATE TRIGGER year_end_classes_no_delete BEFORE DELETE ON year_end_classes
BEGIN SELECT RAISE (ABORT, 'year_end_classes is append-only'); END;
