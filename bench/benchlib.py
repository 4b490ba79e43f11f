"""benchlib.py -- what the Python bench drivers share: a free loopback
port, a `xueji serve` started on a database and waited for until it
answers GET /session (stopped again on leaving the block), and the CPU
time a process has used.  Importing it also imports nodelay (TCP_NODELAY
on every connection, as real clients)."""
import contextlib
import os
import socket
import subprocess
import time

import httpx

import nodelay  # noqa: F401 (TCP_NODELAY, as real clients)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# XJ_BENCH_BIN: another binary (a baseline build) in place of build/xueji
BIN = os.environ.get("XJ_BENCH_BIN") or os.path.join(ROOT, "build", "xueji")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


@contextlib.contextmanager
def serve(db, env, binary=None, wait_s=30):
    """`xueji --db DB serve` on a free port with environment @env; yields
    (base URL of /api/v1, the server's Popen) once it answers, and stops
    it when the block ends."""
    port = free_port()
    srv = subprocess.Popen([binary or BIN, "--db", db, "serve", "--listen",
                            "127.0.0.1:%d" % port], env=env,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d/api/v1" % port
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                httpx.get(base + "/session", timeout=1)
                break
            except httpx.HTTPError:
                if srv.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("xueji serve did not start")
                time.sleep(0.1)
        yield base, srv
    finally:
        srv.terminate()
        srv.wait()


def cpu_seconds(pid):
    """User + system CPU seconds process @pid has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sqlite_ms(path, queries, runs):
    """Milliseconds of each of @runs runs of @queries on SQLite file @path
    (python sqlite3, read-only, one connection)."""
    import sqlite3
    c = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for q in queries:
            c.execute(q).fetchall()
        out.append((time.perf_counter() - t0) * 1000)
    c.close()
    return out


def psql_ms(url, queries, runs):
    """Milliseconds of each of @runs runs of @queries on PostgreSQL @url
    (one psql, its own timer around each statement, summed per run)."""
    import re
    script = "\\timing on\n" + "".join(
        "\\o /dev/null\n" + q.rstrip(";") + ";\n" for q in queries) * runs
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                        "-d", url], input=script, capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    ms = [float(x) for x in re.findall(r"^Time: ([0-9.]+) ms", p.stdout,
                                      re.M)]
    k = len(queries)
    return [sum(ms[i:i + k]) for i in range(0, len(ms), k)]
