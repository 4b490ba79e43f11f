#!/usr/bin/python3
"""export_region_pg.py -- a county's export from a province's PostgreSQL
database, beside the database shell reading the same rows, in one run
(bench/README.md "A county's export in a province").

Usage: bench/export_region_pg.py [COUNTIES] [PER_COUNTY]   (10, 100000)

COUNTIES counties of 广东省, PER_COUNTY students each, made by `xueji gen`
on a throw-away cluster (tests/pg/cluster.sh).  gen writes each county's
records as one run of ids; a province registering over years interleaves
them, so the ids are then interleaved (id = base + rank * COUNTIES +
county; session_replication_role = replica, so no trigger or foreign key
follows: only students, schools and classes are read).  Then the
bureau of the last county runs the export job (POST /exports, CSV) and
`psql \\copy` writes the same students joined to their schools and
classes to a CSV file.  Prints both walls and the ratio.  Knobs:
XJ_BENCH_BIN, RUNS (3).
"""
import os
import signal
import subprocess
import sys
import time

import httpx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "http"))
from benchlib import BIN, ROOT, free_port  # noqa: E402

COUNTIES = int(sys.argv[1]) if len(sys.argv) > 1 else 10
PER = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
RUNS = int(os.environ.get("RUNS", 3))
OUT = os.path.join(ROOT, "bench", "out", "export_region")
PW = "county-pass-2026"
ENV = dict(os.environ, XUEJI_STATE_DIR=OUT)


def run(*a, env=None):
    p = subprocess.run(list(a), capture_output=True, text=True,
                       env=env or ENV)
    if p.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(a[:3]), p.stderr[-2000:]))
    return p.stdout


def psql(url, *cmds):
    args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-d", url]
    for c in cmds:
        args += ["-c", c]
    return run(*args).split()


def export_job(url, county):
    port = free_port()
    srv = subprocess.Popen([BIN, "--db", url, "serve", "--listen",
                            "127.0.0.1:%d" % port], env=ENV,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d/api/v1" % port
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/health")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        c = httpx.Client(base_url=base, timeout=120)
        r = c.post("/session", json={"username": "b" + county,
                                     "password": PW})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        walls = []
        for _ in range(RUNS):
            t0 = time.time()
            r = c.post("/exports", params={"format": "csv"})
            assert r.status_code == 202, r.text
            while True:
                j = c.get("/exports/%d" % r.json()["id"]).json()
                if j["status"] not in ("queued", "running"):
                    break
                time.sleep(0.02)
            assert j["status"] == "done", j
            walls.append(time.time() - t0)
        return min(walls), j["rows_done"]
    finally:
        srv.send_signal(signal.SIGTERM)
        srv.wait()


def main():
    os.makedirs(OUT, exist_ok=True)
    env = run(os.path.join(ROOT, "tests", "pg", "cluster.sh"), "start")
    pg = dict(l.split("=", 1) for l in env.replace("export ", "").split()
              if "=" in l)
    pg = {k: v.strip("'\"") for k, v in pg.items()}
    try:
        url = pg["XUEJI_TEST_PG"].rsplit("/", 1)[0] + "/prov"
        psql(pg["XUEJI_TEST_PG"], "CREATE DATABASE prov")
        for f in ("prov.auditkey", "prov.checkpoints"):
            if os.path.exists(os.path.join(OUT, f)):
                os.unlink(os.path.join(OUT, f))
        run(BIN, "--db", url, "init",
            env=dict(ENV, XUEJI_ADMIN_PASSWORD="bench-chief-pass-2026"))
        codes = psql(url, "SELECT code FROM regions WHERE level = 3 AND code"
                     " LIKE '44%%' AND name NOT LIKE '%%市辖区%%' ORDER BY code"
                     " LIMIT %d" % COUNTIES)
        for i, c in enumerate(codes):
            run(BIN, "--db", url, "gen", "--county", c, "--schools", "200",
                "--students", str(PER), "--seed", str(i + 1))
        last = codes[-1]
        run(BIN, "--db", url, "user", "add", "b" + last, "--role", "bureau",
            "--region", last, env=dict(ENV, XUEJI_PASSWORD=PW))
        psql(url, "SET session_replication_role = replica",
             "UPDATE students SET id = 100000000 + ((id - 1) %% %d) * %d"
             " + (id - 1) / %d" % (PER, COUNTIES, PER), "ANALYZE")
        wall, rows = export_job(url, last)
        copy = ("\\copy (SELECT st.*, sc.name, sc.code, c.name FROM students"
                " st JOIN schools sc ON sc.id = st.school_id LEFT JOIN"
                " classes c ON c.id = st.class_id WHERE sc.county_code = '%s'"
                " ORDER BY st.school_id, st.id) TO '%s' CSV"
                % (last, os.path.join(OUT, "copy.csv")))
        base = []
        for _ in range(RUNS):
            t0 = time.time()
            psql(url, copy)
            base.append(time.time() - t0)
        print("%d counties x %d students, ids interleaved; county %s"
              % (COUNTIES, PER, last))
        print("xueji export job (CSV): %d rows in %.2f s (best of %d)"
              % (rows, wall, RUNS))
        print("psql \\copy of the same rows: %.2f s" % min(base))
        print("ratio xueji/psql: %.2f" % (wall / min(base)))
    finally:
        subprocess.run([os.path.join(ROOT, "tests", "pg", "cluster.sh"),
                        "stop", pg["XUEJI_TEST_PG_DIR"]], check=False)


if __name__ == "__main__":
    main()
