#!/usr/bin/python3
"""search_bench.py -- a county bureau's student list filtered by grade and
searched by name (GET /api/v1/students?grade=..&q=..), on a SQLite file or
a PostgreSQL database, beside the same page and count in plain SQL through
the database's own client (issue 10 point 7; bench/README.md "Name search
and grade filter").

Usage: bench/search_bench.py DB [RUNS]
  DB     a file or postgresql:// URL filled by `xueji gen` (county 441823
         among others) with the bureau user pb_county (password
         $XUEJI_PASSWORD, default county-pass-2026)
  RUNS   timed requests per case (default 40) after 5 warm-up requests
XJ_BENCH_BIN picks the binary (default build/xueji); XUEJI_STATE_DIR as
for the server.  Prints per case p50/p99 of the API and of the plain SQL,
and the CPU seconds of the server (and of the cluster's backends, which
are counted when the server's connections close).
"""
import os
import statistics
import subprocess
import sys
import time

import httpx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (BIN, cpu_seconds, psql_ms, serve,  # noqa: E402
                      sqlite_ms)

DB = sys.argv[1]
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 40
PW = os.environ.get("XUEJI_PASSWORD", "county-pass-2026")
COUNTY = "441823"
PG = DB.startswith(("postgres://", "postgresql://"))


def sql(query):
    cmd = (["psql", "-X", "-q", "-A", "-t", "-F", "|", "-d", DB, "-c", query]
           if PG else ["sqlite3", "-readonly", DB, query])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return [line.split("|") for line in out.stdout.splitlines() if line]


def plain_ms(queries, runs):
    """Milliseconds of each run of @queries in the database's client."""
    return psql_ms(DB, queries, runs) if PG else sqlite_ms(DB, queries, runs)


def pg_cpu():
    """CPU seconds of the cluster's finished backends (postmaster's
    children), 0 on SQLite."""
    if not PG:
        return 0.0
    with open(os.path.join(sql("SHOW data_directory")[0][0],
                           "postmaster.pid")) as f:
        pid = int(f.readline())
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def cases():
    """(label, params, SQL condition): the grade, the county's most
    common surname, a given-name pair and a whole name of the county."""
    where = "school_id IN (SELECT id FROM schools WHERE county_code = '%s')" \
        % COUNTY
    surname = sql("SELECT substr(name, 1, 1) AS s FROM students WHERE %s"
                  " GROUP BY s ORDER BY count(*) DESC LIMIT 1" % where)[0][0]
    name = sql("SELECT name FROM students WHERE %s AND length(name) = 3"
               " ORDER BY id LIMIT 1" % where)[0][0]
    given = name[1:]
    out = []
    for label, params in (("grade=31", {"grade": "31"}),
                          ("q=" + surname, {"q": surname}),
                          ("q=" + given, {"q": given}),
                          ("q=" + name, {"q": name}),
                          ("grade=31&q=" + surname,
                           {"grade": "31", "q": surname})):
        cond = " AND ".join(
            ["grade = '%s'" % params["grade"]] if "grade" in params else [])
        if "q" in params:
            cond += (" AND " if cond else "") + "name LIKE '%%%s%%'" \
                % params["q"]
        out.append((label, params, "%s AND %s" % (where, cond)))
    return out


def main():
    env = dict(os.environ)
    todo = cases()
    base = {}
    for label, _, cond in todo:
        base[label] = plain_ms([
            "SELECT count(*) FROM students WHERE " + cond,
            "SELECT id, registry_no, name, grade, class_id FROM students"
            " WHERE %s ORDER BY registry_no || '' LIMIT 20" % cond], RUNS)
    cpu0 = pg_cpu()
    with serve(DB, env) as (url, srv):
        c = httpx.Client(base_url=url, timeout=600)
        r = c.post("/session", json={"username": "pb_county", "password": PW})
        assert r.status_code == 200, r.text
        res = {}
        for label, params, _ in todo:
            for _ in range(5):
                assert c.get("/students", params=params).status_code == 200
            ms, total = [], None
            for _ in range(RUNS):
                t0 = time.perf_counter()
                r = c.get("/students", params=params)
                ms.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, r.text
                total = r.json()["total"]
            res[label] = (ms, total)
        cpu = cpu_seconds(srv.pid)
        c.close()
    time.sleep(0.5)
    pgc = pg_cpu() - cpu0
    print("%s %s, %d runs each (binary %s)" % ("pg" if PG else "sqlite", DB,
                                               RUNS, BIN))
    for label, _, _ in todo:
        ms, total = res[label]
        b = base[label]
        print("  %-22s total %7d  api p50 %7.1f p99 %7.1f ms | plain SQL"
              " p50 %7.1f p99 %7.1f ms | p50 ratio %5.2f" %
              (label, total, statistics.median(ms), pct(ms, 0.99),
               statistics.median(b), pct(b, 0.99),
               statistics.median(ms) / max(statistics.median(b), 0.01)))
    print("  CPU: server %.1f s, cluster backends %.1f s" % (cpu, pgc))


if __name__ == "__main__":
    main()
