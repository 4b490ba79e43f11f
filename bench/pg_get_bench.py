#!/usr/bin/python3
"""pg_get_bench.py -- GET one student on PostgreSQL: xueji beside the
minimal libpq server (bench/out/minimal_server_pg) on the same database,
as a bureau of province 44, wrk at CONNS connections, random ids
(bench/README.md "Province scale", "GET one on PostgreSQL").

Usage (a throw-away cluster from tests/pg/cluster.sh):

    make build && make -C bench
    tests/pg/cluster.sh run bench/pg_get_bench.py [BIN ...]

BIN: one or more xueji binaries (default build/xueji), each served on the
same database beside the baseline.  Runs ROUNDS rounds, the order of the
servers reversed every other round (ABBA), WRK_SECS each after a warm-up;
then prints per server the sum of req/s, the ratio to the baseline, and
the CPU seconds per 10,000 requests of the server and of the cluster
(every backend's user+system time: /proc of the postmaster and its
children), which the load of a shared machine moves much less than req/s.
Before that, each xueji's statements per GET (one server whose sessions
log every statement, 50 sequential GETs).

Knobs: PG_GET_DB (the URL of a database made by an earlier run, kept;
else a new database xj_pgget of N students of county 441823, dropped at
the end), N (100000), WRK_SECS (10), ROUNDS (2), CONNS (64), SERVE_ARGS
(more arguments of `xueji serve`, e.g. "--threads 4"), MINIMAL_THREADS
(the baseline's pool; default the number of CPUs).
"""
import os
import re
import subprocess
import sys
import time

import httpx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, cpu_seconds, free_port  # noqa: E402

N = int(os.environ.get("N", 100000))
WRK_SECS = int(os.environ.get("WRK_SECS", 10))
ROUNDS = int(os.environ.get("ROUNDS", 2))
CONNS = int(os.environ.get("CONNS", 64))
EXTRA = os.environ.get("SERVE_ARGS", "").split()
PW = "county-pass-2026"
STATE = os.environ.get("XUEJI_STATE_DIR") or "/tmp/xj-pgget-%d" % os.getpid()
ENV = dict(os.environ, XUEJI_STATE_DIR=STATE)
CLUSTER = os.environ["XUEJI_TEST_PG"]
PGDIR = os.environ["XUEJI_TEST_PG_DIR"]
MINIMAL = os.path.join(ROOT, "bench", "out", "minimal_server_pg")


def psql(url, sql):
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-d", url, "-c",
                           sql], check=True, capture_output=True,
                          text=True).stdout.strip()


def make_db(binary):
    url = CLUSTER.rsplit("/", 1)[0] + "/xj_pgget"
    psql(CLUSTER, "CREATE DATABASE xj_pgget")
    run = dict(check=True, env=ENV, capture_output=True)
    subprocess.run([binary, "--db", url, "init"], check=True,
                   capture_output=True,
                   env=dict(ENV, XUEJI_ADMIN_PASSWORD="chief-pass-2026"))
    subprocess.run([binary, "--db", url, "gen", "--county", "441823",
                    "--schools", "40", "--students", str(N)], **run)
    subprocess.run([binary, "--db", url, "user", "add", "pb_prov", "--role",
                    "bureau", "--region", "44"],
                   env=dict(ENV, XUEJI_PASSWORD=PW), check=True,
                   capture_output=True)
    psql(url, "ANALYZE")
    return url


def cluster_cpu():
    """CPU seconds of the postmaster, its live children and those gone."""
    with open(os.path.join(PGDIR, "data", "postmaster.pid")) as f:
        pm = int(f.readline())
    tck = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                v = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(pid) == pm:
            total += int(v[11]) + int(v[12]) + int(v[13]) + int(v[14])
        elif int(v[1]) == pm:
            total += int(v[11]) + int(v[12])
    return total / tck


def start_xueji(binary, url):
    port = free_port()
    p = subprocess.Popen([binary, "--db", url, "serve", "--listen",
                          "127.0.0.1:%d" % port] + EXTRA, env=ENV,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d/api/v1" % port
    for _ in range(300):
        try:
            r = httpx.post(base + "/session", json={"username": "pb_prov",
                                                    "password": PW})
            return p, port, r.cookies["xj_session"]
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("xueji serve did not start")


def statements_per_get(binary, url):
    """Statements one GET runs: a server whose sessions log each one."""
    log = os.path.join(PGDIR, "server.log")
    opt = "options=-c%20log_min_duration_statement%3D0"
    p, port, cookie = start_xueji(binary, url + ("&" if "?" in url else "?")
                                  + opt)
    try:
        with httpx.Client(cookies={"xj_session": cookie}) as c:
            c.get("http://127.0.0.1:%d/api/v1/students/1" % port)
            time.sleep(0.3)
            size = os.path.getsize(log)
            for i in range(50):
                c.get("http://127.0.0.1:%d/api/v1/students/%d"
                      % (port, 2 + i * 97))
            time.sleep(0.5)
        with open(log, errors="replace") as f:
            f.seek(size)
            new = f.read()
    finally:
        p.terminate()
        p.wait()
    n = len(re.findall(r"LOG:  duration: [0-9.]+ ms  (execute |statement: )",
                       new))
    return n / 50


def wrk(port, cookie):
    env = dict(os.environ, BENCH_STUDENTS=str(N), BENCH_COOKIE=cookie)
    out = subprocess.run(["wrk", "-t2", "-c%d" % CONNS, "-d%ds" % WRK_SECS,
                          "--latency", "-s",
                          os.path.join(ROOT, "bench", "get_student.lua"),
                          "http://127.0.0.1:%d" % port], env=env,
                         capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    reqs = int(re.search(r"(\d+) requests in", out).group(1))
    m = re.search(r"99%\s+([0-9.]+)(us|ms|s)", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, reqs, p99, int(bad.group(1)) if bad else 0


def main():
    bins = [os.path.realpath(b) for b in sys.argv[1:]] or [
        os.path.join(ROOT, "build", "xueji")]
    os.makedirs(STATE, exist_ok=True)
    url = os.environ.get("PG_GET_DB") or make_db(bins[0])
    names = ["base"] + ["x%d" % i for i in range(len(bins))]
    for name, b in zip(names[1:], bins):
        print("%s = %s: %.1f statements per GET" % (
            name, b, statements_per_get(b, url)), flush=True)
    port = free_port()
    m = subprocess.Popen([MINIMAL, url, str(port)] + (
        [os.environ["MINIMAL_THREADS"]] if "MINIMAL_THREADS" in os.environ
        else []), stdout=subprocess.PIPE, text=True)
    m.stdout.readline()
    servers = {"base": (m, port, "")}
    for name, b in zip(names[1:], bins):
        servers[name] = start_xueji(b, url)
    tot = {n: [0.0, 0, 0.0, 0.0] for n in names}  # rps, reqs, cpu, pg cpu
    try:
        for n in names:
            wrk(servers[n][1], servers[n][2])        # warm-up
        for r in range(ROUNDS):
            for n in (names if r % 2 == 0 else names[::-1]):
                p, port, cookie = servers[n]
                c0, g0 = cpu_seconds(p.pid), cluster_cpu()
                rps, reqs, p99, bad = wrk(port, cookie)
                c1, g1 = cpu_seconds(p.pid), cluster_cpu()
                t = tot[n]
                t[0] += rps
                t[1] += reqs
                t[2] += c1 - c0
                t[3] += g1 - g0
                print("round %d %-4s %8.0f req/s  p99 %6.1f ms  CPU server"
                      " %5.1f s cluster %5.1f s%s" % (
                          r, n, rps, p99, c1 - c0, g1 - g0,
                          "  NON-2xx %d" % bad if bad else ""), flush=True)
    finally:
        for p, _, _ in servers.values():
            p.terminate()
            p.wait()
        if not os.environ.get("PG_GET_DB"):
            psql(CLUSTER, "DROP DATABASE xj_pgget")
    for n in names:
        rps, reqs, cpu, pg = tot[n]
        print("%-4s %8.0f req/s (sum of %d runs)  ratio %.2f  CPU per 10,000"
              " GETs: server %.2f s, cluster %.2f s" % (
                  n, rps, ROUNDS, rps / tot["base"][0], cpu * 1e4 / reqs,
                  pg * 1e4 / reqs))
    print("load average %s" % open("/proc/loadavg").read().split()[0])


if __name__ == "__main__":
    main()
