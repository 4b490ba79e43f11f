#!/usr/bin/python3
"""dashboard_bench.py -- every panel of GET /dashboard (issue 11 point 7)
for a generated county with a term of absences, each beside a plain SQL
statement computing the same figure on the same database in the same
run (verify, flows and ghosts too); also the drill list behind the
county's enrolment figure.  Reports
median and p99 wall time per panel and the server's CPU time per request
(this machine is shared: the lead re-runs it quietly).  See
bench/README.md.

Usage: bench/dashboard_bench.py [STUDENTS] [RUNS]   (default 1000000, 20)
Needs build/xueji and Debian's python3-httpx.
"""
import os
import shutil
import sqlite3
import sys
import tempfile
import time

import httpx

from attendance_bench import COUNTY, ENV, cli, fill, school_days, summary
from benchlib import cpu_seconds, serve

ASOF = "2027-01-15"     # attendance_bench's clock: the end of term 1
CUT = "2027-01-16"

# 在读 at the end of ASOF from the placement history (xj_enrol_asof)
ASOF_ROWS = """
SELECT x.school_id, x.grade, x.gender FROM (
  SELECT st.school_id, st.grade, st.gender, st.status FROM students st
  WHERE st.created_at < '{cut}' AND NOT EXISTS (SELECT 1 FROM
    student_placements p WHERE p.student_id = st.id AND p.at >= '{cut}')
  UNION ALL
  SELECT p.school_id, p.grade, st.gender, p.status
  FROM student_placements p JOIN students st ON st.id = p.student_id
  WHERE p.at >= '{cut}' AND st.created_at < '{cut}'
    AND p.id = (SELECT min(q.id) FROM student_placements q
                WHERE q.student_id = p.student_id AND q.at >= '{cut}')
) AS x WHERE x.status = 'enrolled'
""".format(cut=CUT)
PLAIN = {
    "enrolment": "SELECT grade, gender, count(*) FROM (%s) GROUP BY 1, 2"
                 % ASOF_ROWS,
    "units": "SELECT school_id, count(*) FROM (%s) GROUP BY 1" % ASOF_ROWS,
    "class_sizes": """
        SELECT c.id, count(s.id) FROM classes c
        LEFT JOIN students s ON s.class_id = c.id AND s.status = 'enrolled'
        WHERE c.year_id = (SELECT id FROM school_years WHERE is_current = 1)
        GROUP BY c.id""",
    "dropout": """
        SELECT d.stage, count(*) FROM dropout_cases d
        JOIN students st ON st.id = d.student_id
        WHERE d.status = 'open' GROUP BY d.stage""",
    "absence": """
        SELECT count(DISTINCT student_id),
               sum(CASE WHEN part = 0 THEN 2 ELSE 1 END)
        FROM absences WHERE day >= 20260901 AND day <= 20270115""",
    "duplicates": "SELECT count(*) FROM students WHERE dup_flag = 1",
    # the verification round: today's 在读 students of current-year
    # classes, and those of them settled in the round
    "verify": """
        SELECT count(*), sum(CASE WHEN v.settled = 1 THEN 1 ELSE 0 END)
        FROM classes c JOIN students st ON st.class_id = c.id
          AND st.status = 'enrolled'
        LEFT JOIN verify_state v ON v.student_id = st.id
          AND v.school_year = {year} AND v.term = {term}
        WHERE c.year_id = (SELECT id FROM school_years
                           WHERE is_current = 1)""",
    # the moves of the year: approved transfers and endings, and 升学
    "flows": """
        SELECT (SELECT count(*) FROM change_requests r
                WHERE r.status = 'approved' AND r.type IN ('transfer_in',
                  'withdraw', 'abroad', 'death', 'leave', 'cancel')
                  AND r.closed_at >= '2026-09-01' AND r.closed_at < '%s')
             + (SELECT count(*) FROM progressions p
                WHERE p.at >= '2026-09-01' AND p.at < '%s')""" % (CUT, CUT),
    "ghosts": """
        SELECT count(*) FROM ghost_candidates g
        JOIN students st ON st.id = g.student_id
        WHERE g.status = 'open'""",
}


def measure(fn, runs, pid=None):
    """(median ms, p99 ms, server CPU ms per call or None)."""
    t0 = cpu_seconds(pid) if pid else 0
    ms = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t) * 1000)
    cpu = (cpu_seconds(pid) - t0) * 1000.0 / runs if pid else None
    med, p99 = summary(ms)
    return med, p99, cpu


def check(c, q):
    """The API's figures are the plain SQL's, before anything is timed."""
    d = c.get("/dashboard", params={"level": "county", "code": COUNTY,
                                    "asof": ASOF}).json()["panels"]
    rows = q.execute(PLAIN["enrolment"]).fetchall()
    assert d["enrolment"]["total"] == sum(n for _, _, n in rows), "enrolment"
    units = dict(q.execute(PLAIN["units"]).fetchall())
    assert {int(r["code"]): r["enrolled"] for r in d["units"]["rows"]
            if r["enrolled"]} == units, "units"
    assert d["class_sizes"]["classes"] == \
        len(q.execute(PLAIN["class_sizes"]).fetchall()), "class_sizes"
    n, half = q.execute(PLAIN["absence"]).fetchone()
    assert (d["absence"]["absent_students"],
            d["absence"]["absent_halfdays"]) == (n, half), "absence"
    assert d["duplicates"]["flagged"] == \
        q.execute(PLAIN["duplicates"]).fetchone()[0], "duplicates"
    v = d["verify"]
    PLAIN["verify"] = PLAIN["verify"].format(year=v["school_year"],
                                             term=v["term"])
    n, settled = q.execute(PLAIN["verify"]).fetchone()
    assert (v["students"], v["settled"]) == (n, settled or 0), "verify"
    assert d["flows"]["totals"]["total"] == \
        q.execute(PLAIN["flows"]).fetchone()[0], "flows"
    assert d["ghosts"]["open"] == \
        q.execute(PLAIN["ghosts"]).fetchone()[0], "ghosts"
    return d


def setup(db, students):
    t0 = time.time()
    cli(db, "init")
    cli(db, "gen", "--county", COUNTY, "--schools", "300", "--students",
        str(students), "--seed", "7")
    t1 = time.time()
    days = school_days()
    nrows, _ = fill(db, days)
    print("setup %.0f s (gen %.0f s): %d students, %d absences in %d school"
          " days" % (time.time() - t0, t1 - t0, students, nrows, len(days)))


def run(c, q, pid, runs):
    check(c, q)
    unit = {"level": "county", "code": COUNTY, "asof": ASOF}
    print("%-12s %9s %9s %9s %9s %9s %6s" % (
        "panel", "api med", "api p99", "api cpu", "sql med", "sql p99",
        "ratio"))

    def row(name, api, plain):
        print("%-12s %9.1f %9.1f %9.1f %9.1f %9.1f %6.2f" % (
            name, api[0], api[1], api[2], plain[0], plain[1],
            api[0] / max(plain[0], 0.001)))
    for name, stmt in PLAIN.items():
        api = measure(lambda: c.get("/dashboard", params=dict(
            unit, panel=name)), runs, pid)
        row(name, api, measure(lambda: q.execute(stmt).fetchall(), runs))
    api = measure(lambda: c.get("/dashboard/students", params=dict(
        unit, panel="enrolment", key="*|*")), runs, pid)
    row("drill list", api,
        measure(lambda: q.execute(PLAIN["enrolment"]).fetchall(), runs))
    print("(ms; api cpu = the server's CPU time per request; p99 of"
          " %d runs is their maximum)" % runs)


def main():
    """XJ_BENCH_DB=path keeps the generated database there (and reuses it
    when it exists): a 1,000,000-student setup is made once."""
    students = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    keep = os.environ.get("XJ_BENCH_DB")
    tmp = None if keep else tempfile.mkdtemp(prefix="xj-dash-bench-")
    db = keep or os.path.join(tmp, "x.db")
    if not os.path.exists(db):
        setup(db, students)
    try:
        with serve(db, ENV, wait_s=120) as (base, srv):
            c = httpx.Client(base_url=base, timeout=300)
            assert c.post("/session", json={
                "username": "admin",
                "password": ENV["XUEJI_ADMIN_PASSWORD"]}).status_code == 200
            q = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
            run(c, q, srv.pid, runs)
    finally:
        if tmp:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
