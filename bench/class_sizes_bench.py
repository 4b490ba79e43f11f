#!/usr/bin/python3
"""class_sizes_bench.py -- GET /class-sizes (every class of a county banded
by live enrolment) and GET /class-sizes/trend (the as-of-date enrolment
at each term start, xj_enrol_asof) for a generated county, beside plain
SQL computing the same figures on the same database in the same run.
See bench/README.md.

Usage: bench/class_sizes_bench.py [STUDENTS]   (default 200000)
Needs build/xueji and Debian's python3-httpx.
"""
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

import httpx

from benchlib import BIN, serve

COUNTY = "441823"
CST = timezone(timedelta(hours=8))
GEN_AT = int(datetime(2026, 9, 1, 9, tzinfo=CST).timestamp())
NOW = int(datetime(2026, 11, 2, 10, tzinfo=CST).timestamp())
PW = "bench-pass-2026"
RUNS = 5

# the as-of figure in one plain statement: 在读 students per class at the
# end of 1 September (registered by then; the placement before the first
# change after it, else the live one)
ASOF_SQL = """
SELECT class_id, count(*) FROM (
  SELECT st.class_id AS class_id, st.status AS status FROM students st
  WHERE st.created_at < '2026-09-02' AND NOT EXISTS (SELECT 1 FROM
    student_placements p WHERE p.student_id = st.id AND p.at >= '2026-09-02')
  UNION ALL
  SELECT p.class_id, p.status FROM student_placements p
  JOIN students st ON st.id = p.student_id
  WHERE p.at >= '2026-09-02' AND st.created_at < '2026-09-02'
    AND p.id = (SELECT min(q.id) FROM student_placements q
                WHERE q.student_id = p.student_id AND q.at >= '2026-09-02')
) AS x WHERE status = 'enrolled' AND class_id IS NOT NULL GROUP BY class_id
"""
LIVE_SQL = """
SELECT c.id, count(s.id) FROM classes c
LEFT JOIN students s ON s.class_id = c.id AND s.status = 'enrolled'
WHERE c.year_id = (SELECT id FROM school_years WHERE is_current = 1)
GROUP BY c.id
"""


def cli(db, now, *args):
    env = dict(os.environ, XJ_FAKE_NOW=str(now), XUEJI_ADMIN_PASSWORD=PW)
    subprocess.run([BIN, "--db", db, *args], env=env, check=True,
                   capture_output=True, text=True)


def later_moves(db):
    """1 student in 50 moves to the next class of its grade in October:
    the history the as-of figure must undo."""
    c = sqlite3.connect(db)
    c.execute("""
      UPDATE students SET class_id = (SELECT c2.id FROM classes c2
          WHERE c2.school_id = students.school_id
            AND c2.grade = students.grade AND c2.id <> students.class_id
          ORDER BY c2.id LIMIT 1),
        updated_at = '2026-10-08T10:00:00+08:00'
      WHERE id % 50 = 0 AND EXISTS (SELECT 1 FROM classes c2
          WHERE c2.school_id = students.school_id
            AND c2.grade = students.grade AND c2.id <> students.class_id)""")
    c.commit()
    n = c.execute("SELECT count(*) FROM student_placements").fetchone()[0]
    c.close()
    return n


def timed(fn, runs=RUNS):
    ms = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(ms)


def main():
    students = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    tmp = tempfile.mkdtemp(prefix="xj-cs-bench-")
    db = os.path.join(tmp, "x.db")
    t0 = time.perf_counter()
    cli(db, GEN_AT, "init")
    cli(db, GEN_AT, "gen", "--county", COUNTY, "--schools", "300",
        "--students", str(students), "--seed", "11")
    moved = later_moves(db)
    print("setup: %d students, %d later moves, %.0f s"
          % (students, moved, time.perf_counter() - t0))
    try:
        env = dict(os.environ, XJ_FAKE_NOW=str(NOW))
        with serve(db, env) as (base, _srv):
            c = httpx.Client(base_url=base, timeout=120)
            assert c.post("/session", json={"username": "admin",
                                            "password": PW}).status_code == 200
            rep = c.get("/class-sizes", params={"county": COUNTY}).json()
            pts = c.get("/class-sizes/trend",
                        params={"county": COUNTY}).json()["points"]
            sep1 = next(p for p in pts if p["date"] == "2026-09-01")
            # the same figures by plain SQL
            q = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
            live = dict(q.execute(LIVE_SQL).fetchall())
            asof = dict(q.execute(ASOF_SQL).fetchall())
            assert rep["total"]["classes_n"] == len(live), "live classes differ"
            assert sum(k["size"] for s in rep["schools"] for k in s["classes"]) \
                == sum(live.values()), "live sizes differ"
            assert sep1["total"]["classes_n"] == len(asof), "as-of classes differ"
            api_live = timed(lambda: c.get("/class-sizes",
                                           params={"county": COUNTY}))
            api_trend = timed(lambda: c.get("/class-sizes/trend",
                                            params={"county": COUNTY}), 3)
            sql_live = timed(lambda: q.execute(LIVE_SQL).fetchall())
            sql_asof = timed(lambda: q.execute(ASOF_SQL).fetchall(), 3)
            per_point = api_trend / len(pts)
            print("classes %d (as of 2026-09-01: %d), trend points %d"
                  % (len(live), len(asof), len(pts)))
            print("GET /class-sizes        %8.1f ms   plain SQL %8.1f ms   "
                  "ratio %.2f" % (api_live, sql_live, api_live / sql_live))
            print("as-of, per trend point  %8.1f ms   plain SQL %8.1f ms   "
                  "ratio %.2f" % (per_point, sql_asof, per_point / sql_asof))
    finally:
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
