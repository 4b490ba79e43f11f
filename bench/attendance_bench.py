#!/usr/bin/python3
"""attendance_bench.py -- a term of absences for a generated county and
the three attendance reads through the HTTP API (a class's week grid,
the county's suspected dropouts, a school's absence rate), each beside a
plain SQL query of the same figure on the same database in the same run
(ratio = xueji / plain SQL).  Also the bytes the term of absences takes.
See bench/README.md.

Usage: bench/attendance_bench.py [STUDENTS]   (default 200000)
Needs build/xueji and Debian's python3-httpx.
"""
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone

import httpx

from benchlib import BIN, serve

COUNTY = "441823"
# the last day of the first term (default terms: 1 Sep - 15 Jan)
AS_OF = date(2027, 1, 15)
NOW = int(datetime(2027, 1, 15, 18, tzinfo=timezone(timedelta(hours=8)))
          .timestamp())
ENV = dict(os.environ, XJ_FAKE_NOW=str(NOW),
           XUEJI_ADMIN_PASSWORD="bench-pass-2026")
RATE = 0.03          # daily absence rate
STREAKERS = 0.002    # students with a long unexcused run


def cli(db, *args):
    subprocess.run([BIN, "--db", db, *args], env=ENV, check=True,
                   capture_output=True, text=True)


def school_days():
    d, out = date(2026, 9, 1), []
    while d <= AS_OF:
        if d.weekday() < 5:
            out.append(d.year * 10000 + d.month * 100 + d.day)
        d += timedelta(days=1)
    return out


def fill(db, days):
    """A term of absences: RATE of the students each school day (80% a
    full day; 50% sick, 35% personal, 15% unexcused) plus a few long
    unexcused runs.  Returns (rows, bytes the absences take)."""
    c = sqlite3.connect(db)
    size0 = c.execute("PRAGMA page_count").fetchone()[0] * \
        c.execute("PRAGMA page_size").fetchone()[0]
    studs = c.execute("SELECT id, school_id FROM students"
                      " WHERE status = 'enrolled'").fetchall()
    rnd = random.Random(11)
    rows = {}
    for day in days:
        for sid, school in rnd.sample(studs, int(len(studs) * RATE)):
            part = 0 if rnd.random() < 0.8 else rnd.choice((1, 2))
            x = rnd.random()
            reason = 1 if x < 0.5 else 2 if x < 0.85 else 3
            rows[(sid, day)] = (sid, day, school, part, reason, 1, NOW)
    for sid, school in rnd.sample(studs, int(len(studs) * STREAKERS)):
        start = rnd.randrange(len(days) - 30)
        for day in days[start:start + rnd.randrange(3, 30)]:
            rows[(sid, day)] = (sid, day, school, 0, 3, 1, NOW)
    c.executemany("INSERT INTO absences (student_id, day, school_id,"
                  " part, reason, recorded_by, recorded_at, province)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, 44)",
                  sorted(rows.values()))
    c.commit()
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.execute("ANALYZE")
    size1 = c.execute("PRAGMA page_count").fetchone()[0] * \
        c.execute("PRAGMA page_size").fetchone()[0]
    c.close()
    return len(rows), size1 - size0


def timed(fn, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(ms):
    ms = sorted(ms)
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))]


def main():
    students = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    tmp = tempfile.mkdtemp(prefix="attbench")
    db = os.path.join(tmp, "x.db")
    t0 = time.time()
    cli(db, "init")
    cli(db, "gen", "--county", COUNTY, "--schools", "300", "--students",
        str(students), "--seed", "7")
    subprocess.run([BIN, "--db", db, "user", "add", "b_bureau", "--role",
                    "bureau", "--region", COUNTY], check=True,
                   capture_output=True,
                   env=dict(ENV, XUEJI_PASSWORD="bench-pass-2026"))
    days = school_days()
    nrows, nbytes = fill(db, days)
    print(f"setup {time.time() - t0:.0f} s: {students} students,"
          f" {len(days)} school days, {nrows} absences,"
          f" {nbytes / 1e6:.1f} MB ({nbytes / max(nrows, 1):.0f} B/row)")
    try:
        with serve(db, ENV) as (base, _srv):
            run(db, base, days)
    finally:
        shutil.rmtree(tmp)


def run(db, base, days):
    cl = httpx.Client(base_url=base, timeout=120)
    r = cl.post("/session", json={"username": "b_bureau",
                                  "password": "bench-pass-2026"})
    assert r.status_code == 200, r.text
    sq = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rnd = random.Random(3)
    classes = [r[0] for r in sq.execute("SELECT id FROM classes")]
    schools = [r[0] for r in sq.execute("SELECT id FROM schools")]
    week = ("2026-11-16", "2026-11-22")

    def grid_x():
        k = rnd.choice(classes)
        r = cl.get(f"/attendance/classes/{k}",
                   params={"from": week[0], "to": week[1]})
        assert r.status_code == 200, r.text

    def grid_sql():
        k = rnd.choice(classes)
        sq.execute("SELECT id, name, registry_no, gender FROM students"
                   " WHERE class_id = ? AND status = 'enrolled'"
                   " ORDER BY name, id", (k,)).fetchall()
        sq.execute("SELECT a.student_id, a.day, a.part, a.reason"
                   " FROM students st JOIN absences a"
                   " ON a.student_id = st.id WHERE st.class_id = ?"
                   " AND st.status = 'enrolled' AND a.day BETWEEN ? AND ?",
                   (k, 20261116, 20261122)).fetchall()

    def susp_x():
        r = cl.get("/attendance/suspects", params={"as_of": "2027-01-15"})
        assert r.status_code == 200, r.text
        susp_x.n = len(r.json()["items"])

    def susp_sql():
        # the rows the scan folds, fetched whole (the streak itself is
        # not plain SQL: this is the lower bound of the same figure)
        sq.execute("SELECT a.student_id, a.day, a.part FROM absences a"
                   " WHERE a.school_id IN (SELECT id FROM schools"
                   " WHERE county_code = ?) AND a.reason = 3"
                   " AND a.day >= 20260901 AND a.day <= 20270115"
                   " ORDER BY a.student_id, a.day", (COUNTY,)).fetchall()

    def rate_x():
        s = rnd.choice(schools)
        r = cl.get("/attendance/rate", params={
            "school": s, "from": "2026-09-01", "to": "2027-01-15"})
        assert r.status_code == 200, r.text

    def rate_sql():
        s = rnd.choice(schools)
        sq.execute("SELECT sum(CASE WHEN part = 0 THEN 2 ELSE 1 END)"
                   " FROM absences WHERE school_id = ? AND day >= 20260901"
                   " AND day <= 20270115", (s,)).fetchone()
        sq.execute("SELECT count(*) FROM students WHERE school_id = ?"
                   " AND status = 'enrolled'", (s,)).fetchone()

    for name, fx, fs, n in (("class grid (week)", grid_x, grid_sql, 200),
                            ("county suspects", susp_x, susp_sql, 5),
                            ("school absence rate (term)", rate_x, rate_sql,
                             100)):
        fx(), fs()   # warm
        x = summary(timed(fx, n))
        b = summary(timed(fs, n))
        print(f"{name:28s} xueji median {x[0]:7.1f} ms p99 {x[1]:7.1f} ms"
              f" | plain SQL median {b[0]:7.1f} ms p99 {b[1]:7.1f} ms"
              f" | ratio {x[0] / b[0]:.2f}")
    print(f"suspects listed: {susp_x.n}")


if __name__ == "__main__":
    main()
