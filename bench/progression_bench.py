#!/usr/bin/python3
"""progression_bench.py -- the 小升初 allocation and the bulk intake
confirmation of a county's ~20,000 primary graduates through the HTTP API,
beside a plain-SQL baseline doing the same work on a copy of the same
database, in the same run.  See bench/README.md.

Usage: bench/progression_bench.py [STUDENTS]   (default 150000)
Needs build/xueji and Debian's python3-httpx.  With XJ_BENCH_BEFORE set to
another build of xueji (e.g. of the previous commit), that build runs the
same allocation and confirmation on a third copy, in the same run.
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

import httpx

from benchlib import cpu_seconds, serve

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "xueji")
COUNTY = "441823"
NOW = int(datetime(2027, 7, 10, 10, tzinfo=timezone(timedelta(hours=8)))
          .timestamp())
ENV = dict(os.environ, XJ_FAKE_NOW=str(NOW), XUEJI_ADMIN_PASSWORD="bench-pass-2026")


def cli(db, *args):
    subprocess.run([BIN, "--db", db, *args], env=ENV, check=True,
                   capture_output=True, text=True)


def setup(db, students):
    """A generated county; its 六年级 graduated at year-end (as the run
    would record them); every primary school feeds one junior school."""
    cli(db, "init")
    cli(db, "gen", "--county", COUNTY, "--schools", "300", "--students",
        str(students), "--seed", "7")
    c = sqlite3.connect(db)
    c.executescript("""
      INSERT INTO graduations (student_id, school_id, grade, outcome,
                               school_year, at)
        SELECT st.id, st.school_id, '16', 'graduated', 2026,
               '2027-07-10T10:00:00+08:00'
        FROM students st JOIN schools sc ON sc.id = st.school_id
        WHERE sc.stage = 'primary' AND st.grade = '16'
          AND st.status = 'enrolled';
      UPDATE students SET status = 'graduated'
        WHERE id IN (SELECT student_id FROM graduations);
    """)
    juniors = [r[0] for r in c.execute(
        "SELECT id FROM schools WHERE stage IN ('junior', 'nine_year')"
        " AND county_code = ? ORDER BY id", (COUNTY,))]
    prims = [r[0] for r in c.execute(
        "SELECT id FROM schools WHERE stage = 'primary' ORDER BY id")]
    # the last primary school has no feeder: its pupils go by zone
    for i, p in enumerate(prims[:-1]):
        c.execute("INSERT INTO school_feeders VALUES (?, ?)",
                  (juniors[i % len(juniors)], p))
    town = c.execute("SELECT township_code FROM schools WHERE id = ?",
                     (prims[-1],)).fetchone()[0]
    c.execute("INSERT INTO school_zone_townships VALUES (?, ?)",
              (juniors[0], town))
    c.commit()
    n = c.execute("SELECT count(*) FROM graduations").fetchone()[0]
    c.close()
    return n, juniors


def copy_db(src, dst):
    """The database with its audit key (mode 0600) and checkpoints."""
    for ext in ("", ".auditkey", ".checkpoints"):
        if os.path.exists(src + ext):
            shutil.copy(src + ext, dst + ext)
    if os.path.exists(dst + ".auditkey"):
        os.chmod(dst + ".auditkey", 0o600)


def xueji_run(db, juniors, binary=None):
    with serve(db, ENV, binary) as (base, srv):
        cl = httpx.Client(base_url=base, timeout=600)
        r = cl.post("/session", json={"username": "admin",
                                      "password": ENV["XUEJI_ADMIN_PASSWORD"]})
        h = {"X-CSRF-Token": r.json()["csrf_token"]}
        t0, c0 = time.perf_counter(), cpu_seconds(srv.pid)
        r = cl.post("/allocations", json={"county": COUNTY}, headers=h)
        t_alloc = time.perf_counter() - t0
        c_alloc = cpu_seconds(srv.pid) - c0
        assert r.status_code == 201, r.text
        a = r.json()
        assert cl.post("/allocations/%d/publish" % a["id"],
                       headers=h).status_code == 200
        confirmed = 0
        t0, c0 = time.perf_counter(), cpu_seconds(srv.pid)
        for j in juniors:
            r = cl.post("/intake/confirm", json={"school_id": j}, headers=h)
            assert r.status_code == 200, r.text
            confirmed += r.json()["confirmed"]
        t_conf = time.perf_counter() - t0
        c_conf = cpu_seconds(srv.pid) - c0
        return (t_alloc, t_conf, c_alloc, c_conf, a["total"], a["unmatched"],
                confirmed)


BASE_ALLOC = """
  INSERT INTO allocations (county_code, school_year, created_at, created_by)
    VALUES ('441823', 2026, 'now', 'sql');
  INSERT INTO allocation_items (allocation_id, student_id, from_school_id,
                                to_school_id, route)
    SELECT last_insert_rowid(), g.student_id, g.school_id,
           coalesce(f.junior_school_id, z.school_id),
           CASE WHEN f.junior_school_id IS NOT NULL THEN 'feeder'
                WHEN z.school_id IS NOT NULL THEN 'zone' ELSE 'none' END
    FROM graduations g JOIN students st ON st.id = g.student_id
    LEFT JOIN school_feeders f ON f.primary_school_id = g.school_id
    LEFT JOIN schools gs ON gs.id = g.school_id
    LEFT JOIN school_zone_townships z ON z.township_code = gs.township_code
    WHERE st.status = 'graduated' AND st.grade = '16';
"""
BASE_CONFIRM = """
  INSERT INTO student_events (student_id, kind, at, actor, before, after)
    SELECT i.student_id, 'progress.promote', 'now', 'sql',
           json_object('school_id', i.from_school_id),
           json_object('school_id', i.to_school_id)
    FROM allocation_items i WHERE i.to_school_id IS NOT NULL;
  INSERT INTO progressions (kind, student_id, from_school_id, to_school_id,
                            from_grade, from_status, to_grade, route, at,
                            actor)
    SELECT 'promote', i.student_id, i.from_school_id, i.to_school_id, '16',
           'graduated', '21', i.route, 'now', 'sql'
    FROM allocation_items i WHERE i.to_school_id IS NOT NULL;
  UPDATE students SET school_id = i.to_school_id, grade = '21',
         status = 'enrolled', class_id = NULL, version = version + 1
    FROM allocation_items i
    WHERE i.student_id = students.id AND i.to_school_id IS NOT NULL;
  UPDATE allocation_items SET confirmed_at = 'now'
    WHERE to_school_id IS NOT NULL;
"""


def baseline_run(db):
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA synchronous = NORMAL")
    t0, c0 = time.perf_counter(), time.process_time()
    c.executescript("BEGIN IMMEDIATE;" + BASE_ALLOC + "COMMIT;")
    t_alloc, c_alloc = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    c.executescript("BEGIN IMMEDIATE;" + BASE_CONFIRM + "COMMIT;")
    t_conf, c_conf = time.perf_counter() - t0, time.process_time() - c0
    n = c.execute("SELECT count(*) FROM allocation_items").fetchone()[0]
    c.close()
    return t_alloc, t_conf, c_alloc, c_conf, n


def main():
    students = int(sys.argv[1]) if len(sys.argv) > 1 else 150000
    tmp = tempfile.mkdtemp(prefix="xj-prog-bench-")
    try:
        db = os.path.join(tmp, "x.db")
        t0 = time.perf_counter()
        n, juniors = setup(db, students)
        print("setup: %d students, %d primary graduates, %d junior schools"
              " (%.1f s)" % (students, n, len(juniors),
                             time.perf_counter() - t0))
        copy = os.path.join(tmp, "b.db")
        shutil.copy(db, copy)
        ba, bc, bca, bcc, bn = baseline_run(copy)
        before = os.environ.get("XJ_BENCH_BEFORE")
        if before:
            copy_db(db, os.path.join(tmp, "o.db"))
            r = xueji_run(os.path.join(tmp, "o.db"), juniors, before)
            print("before (%s): allocation %.2f s wall / %.2f s CPU,"
                  " confirmation %.2f s wall / %.2f s CPU (%d students),"
                  " ratio to the SQL baseline %.1f CPU"
                  % (before, r[0], r[2], r[1], r[3], r[6],
                     r[3] / max(bcc, 0.01)))
        xa, xc, xca, xcc, total, unmatched, confirmed = xueji_run(db, juniors)
        print("load average at the end: %.1f" % os.getloadavg()[0])
        print("allocation: xueji %.2f s wall / %.2f s CPU (%d students, %d"
              " unmatched), SQL baseline %.2f s wall / %.2f s CPU (%d),"
              " ratio %.1f wall, %.1f CPU"
              % (xa, xca, total, unmatched, ba, bca, bn, xa / ba,
                 xca / max(bca, 0.01)))
        print("confirmation: xueji %.2f s wall / %.2f s CPU (%d students),"
              " SQL baseline %.2f s wall / %.2f s CPU, ratio %.1f wall,"
              " %.1f CPU" % (xc, xcc, confirmed, bc, bcc, xc / bc,
                             xcc / max(bcc, 0.01)))
        ok = xa < 5 and xc < 5
        print("target (each < 5 s): %s" % ("met" if ok else "MISSED"))
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
