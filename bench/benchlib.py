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
