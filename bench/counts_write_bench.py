#!/usr/bin/python3
"""counts_write_bench.py -- what the counts the database keeps for the
dashboard (migrations 0030, 0031: enrol_counts, class_counts,
absence_firsts, absence_counts) cost the writes that keep them: the same
60,000 absences (ten school days of a 20,000-student county) and 2,000
placement changes written to two copies of one generated database, one
with the counting triggers dropped (the baseline: the 0020 placement log
alone), in this process's sqlite3; CPU time and the ratio.  See
bench/README.md.

Usage: bench/counts_write_bench.py      (about a minute)
"""
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time

from benchlib import BIN


def run(path, drop):
    c = sqlite3.connect(path)
    if drop:
        for t in ("absences_count_ins", "absences_count_upd",
                  "absences_count_del", "absence_firsts_ins",
                  "absence_firsts_upd", "absence_firsts_del",
                  "students_enrol_count"):
            c.execute("DROP TRIGGER %s" % t)
        # the 0020 placement log alone, as before 0030
        c.execute("DROP TRIGGER students_placement_log")
        c.execute("""CREATE TRIGGER students_placement_log
AFTER UPDATE OF school_id, class_id, grade, status ON students
WHEN OLD.school_id IS NOT NEW.school_id OR OLD.class_id IS NOT NEW.class_id
  OR OLD.grade IS NOT NEW.grade OR OLD.status IS NOT NEW.status
BEGIN
  INSERT INTO student_placements (student_id, at, school_id, class_id, grade,
    status, to_school_id, to_class_id, to_grade, to_status)
  VALUES (NEW.id, NEW.updated_at, OLD.school_id, OLD.class_id, OLD.grade,
    OLD.status, NEW.school_id, NEW.class_id, NEW.grade, NEW.status);
END""")
        c.commit()
    studs = c.execute("SELECT id, school_id FROM students").fetchall()
    schools = [r[0] for r in c.execute("SELECT id FROM schools")]
    rnd = random.Random(3)
    rows = {}
    days = [20261102 + i for i in range(5)] + [20261109 + i for i in range(5)]
    for d in days:
        for sid, sc in rnd.sample(studs, 6000):
            rows[(sid, d)] = (sid, d, sc, rnd.choice((0, 0, 0, 1, 2)), 1, 1, 0)
    moves = rnd.sample(studs, 2000)
    t0 = time.process_time()
    c.executemany("INSERT INTO absences (student_id, day, school_id,"
                  " part, reason, recorded_by, recorded_at, province)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, 44)",
                  sorted(rows.values()))
    c.commit()
    t1 = time.process_time()
    for sid, _ in moves:
        c.execute("UPDATE students SET school_id = ?, class_id = NULL,"
                  " updated_at = '2026-11-20T10:00:00+08:00' WHERE id = ?",
                  (rnd.choice(schools), sid))
    c.commit()
    t2 = time.process_time()
    return len(rows), t1 - t0, t2 - t1



def main():
    tmp = tempfile.mkdtemp(prefix="xj-counts-bench-")
    env = dict(os.environ, XJ_FAKE_NOW="1788224400",
               XUEJI_ADMIN_PASSWORD="bench-pass-2026")
    try:
        db = os.path.join(tmp, "t.db")
        for args in (["init"], ["gen", "--county", "441823", "--schools",
                                "30", "--students", "20000", "--seed", "7"]):
            subprocess.run([BIN, "--db", db] + args, env=env, check=True,
                           capture_output=True)
        shutil.copy(db, db + ".a")
        shutil.copy(db, db + ".b")
        base = run(db + ".a", True)
        new = run(db + ".b", False)
        print("%d absences: baseline %.2f s CPU, with the counts %.2f s"
              " (ratio %.1f)" % (base[0], base[1], new[1], new[1] / base[1]))
        print("2,000 placement changes: baseline %.3f s CPU, with the counts"
              " %.3f s (ratio %.1f)" % (base[2], new[2], new[2] / base[2]))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
