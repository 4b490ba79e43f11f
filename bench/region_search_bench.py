#!/usr/bin/python3
"""region_search_bench.py -- GET /regions?q= (the region picker's search
of every level by a name fragment) answered by build/xueji (a character
index of the names, region_index.c) beside a baseline binary that scans
the table (`replace(name, q, '') <> name`, the search before the index),
the same lookups against the same fresh registry in the same run, and the
old scan statement alone through Python's sqlite3 for context.

The lookups are what typing in the picker sends: every prefix of the
names of 300 regions drawn at random (seed 1) from every level, half of
them within a province (within=44), at the route's default limit of 20.
Both servers answer each lookup alike (checked before timing).

Usage: XJ_BENCH_BASE_BIN=/path/to/old/xueji bench/region_search_bench.py
(the baseline: any build before the index, e.g. `git worktree add
/tmp/xj-base <commit>; make -C /tmp/xj-base build`).
Needs build/xueji and Debian's python3-httpx.
"""
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

import httpx

from benchlib import BIN, cpu_seconds, serve

PW = "bench-pass-2026"
ROUNDS = 2
OLD_SCAN = ("SELECT code, name, level, parent FROM regions"
            " WHERE replace(name, ?, '') <> name"
            " AND substr(code, 1, length(?)) = ? ORDER BY level, code LIMIT ?")


def lookups(db):
    """(q, within) pairs: every prefix of 300 random names."""
    con = sqlite3.connect(db)
    names = [n for (n,) in con.execute("SELECT name FROM regions ORDER BY code")]
    con.close()
    rnd = random.Random(1)
    out = []
    for k, name in enumerate(rnd.sample(names, 300)):
        for i in range(1, len(name) + 1):
            out.append((name[:i], "44" if k % 2 else ""))
    return out


def login(base):
    c = httpx.Client(base_url=base, timeout=60)
    r = c.post("/session", json={"username": "admin", "password": PW})
    assert r.status_code == 200, r.text
    return c


def answer(c, q, within):
    params = {"q": q}
    if within:
        params["within"] = within
    r = c.get("/regions", params=params)
    assert r.status_code == 200, r.text
    return [i["code"] for i in r.json()["items"]]


def timed(c, srv, qs):
    """Wall and server CPU seconds of every lookup of @qs through @c."""
    c0, t0 = cpu_seconds(srv.pid), time.perf_counter()
    for q, within in qs:
        answer(c, q, within)
    return time.perf_counter() - t0, cpu_seconds(srv.pid) - c0


def main():
    base_bin = os.environ.get("XJ_BENCH_BASE_BIN")
    if not base_bin:
        sys.exit("region_search_bench.py: set XJ_BENCH_BASE_BIN (see --help)")
    tmp = tempfile.mkdtemp(prefix="xj-regions-")
    db = os.path.join(tmp, "r.db")
    env = dict(os.environ, XUEJI_ADMIN_PASSWORD=PW)
    subprocess.run([BIN, "--db", db, "init"], env=env, check=True,
                   capture_output=True)
    qs = lookups(db)
    # the scan alone, in process (no HTTP, no paths): context
    con = sqlite3.connect(db)
    t0 = time.perf_counter()
    for q, within in qs:
        con.execute(OLD_SCAN, (q, within, within, 20)).fetchall()
    scan = time.perf_counter() - t0
    con.close()
    with serve(db, env, base_bin) as (b_url, b_srv), \
            serve(db, env) as (n_url, n_srv):
        bc, nc = login(b_url), login(n_url)
        for q, within in qs[:200]:  # same answers (and the index built)
            assert answer(bc, q, within) == answer(nc, q, within), q
        best = {"base": None, "new": None}
        for _ in range(ROUNDS):
            for name, c, srv in (("base", bc, b_srv), ("new", nc, n_srv)):
                t = timed(c, srv, qs)
                if best[name] is None or t[0] < best[name][0]:
                    best[name] = t
    n = len(qs)
    (bw, bcpu), (nw, ncpu) = best["base"], best["new"]
    print("%d lookups (prefixes of 300 names, half within 44), best of %d"
          % (n, ROUNDS))
    print("baseline (table scan)  %7.3f ms/lookup wall  %7.3f ms server CPU"
          % (1000 * bw / n, 1000 * bcpu / n))
    print("xueji (name index)     %7.3f ms/lookup wall  %7.3f ms server CPU"
          % (1000 * nw / n, 1000 * ncpu / n))
    print("ratio xueji/baseline: wall %.2f, server CPU %.2f"
          % (nw / bw, ncpu / bcpu if bcpu else float("nan")))
    print("the old scan statement alone (sqlite3 in process): %.3f ms/lookup"
          % (1000 * scan / n))


if __name__ == "__main__":
    main()
