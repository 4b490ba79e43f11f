"""Shared fixtures for the HTTP suite: the real binary, a fresh database with
two counties, logged-in clients and the route-coverage recorder.

Run as tools/run-http.sh does:
  XUEJI_BIN=/abs/build/xueji /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/http

One session-scoped server (``world``) serves a database made with the CLI:
  init; gen 441823 阳山县 (3 schools, 300 students);
  gen 441881 英德市 (2 schools, 100 students, seed 7);
  users for both counties (see USERS).
Every user logs in at most once per session (argon2id costs ~50-100 ms, more
under ASan); tests share the logged-in clients through ``api(username)``.

Backends: XUEJI_TEST_DB=pg (make http-test-pg, on the throw-away cluster of
tests/pg/cluster.sh whose URL is in XUEJI_TEST_PG) runs the same tests on
PostgreSQL.  Tests keep naming databases by path (tmp / "x.db"); run_cli,
Server and sql() map each such path to a database of its own on the
cluster (db_url), created empty when `init` or `demo` first names it.
Files beside a database (audit key, checkpoints) then live in the path's
directory (XUEJI_STATE_DIR).  A test that by nature works on SQLite files
carries @pytest.mark.sqlite_only("why") and is skipped on PostgreSQL.
"""
import contextlib
import hashlib
import itertools
import os
import re
import select
import signal
import subprocess
import threading
import time
from pathlib import Path

import socket

import httpx
import pytest

# Browsers and curl send requests with TCP_NODELAY; httpx 0.23 (Debian 12)
# does not, and then every POST waits ~40 ms: the body's segment is held
# by Nagle's algorithm until the server's delayed ACK of the headers.
# Connect as the real clients do, so that tests pay for the server only.
_create_connection = socket.create_connection


def _create_connection_nodelay(*args, **kwargs):
    s = _create_connection(*args, **kwargs)
    if s.family in (socket.AF_INET, socket.AF_INET6):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


socket.create_connection = _create_connection_nodelay

# The servers of the suite run no daily dropout sweep (it would open
# cases in the middle of tests that count them); test_dropout.py turns
# it on for its own server.
os.environ.setdefault("XJ_DROPOUT_TICK_SECONDS", "0")

# New password hashes at argon2id's minimum cost (src/user/password.c):
# the suite logs in some 400 times, and at the real cost each log-in is
# 0.2 s of CPU, three times over (SQLite, ASan, PostgreSQL).  The
# hashing-slot test (test_accounts.py wide_server) runs at the real cost;
# test_user_password.c checks that the default is the real cost.
os.environ.setdefault("XJ_PWHASH", "min")

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("XUEJI_BIN") or str(ROOT / "build" / "xueji")
ADMIN_PW = "chief-pass-2026"  # the policy refuses one containing "admin"
PW = "test-pass-2026"
DEMO_PW = "xueji-demo-2026"
YS = "441823"   # 阳山县
YD = "441881"   # 英德市
START_TIMEOUT = 60.0  # ASan builds start slowly on a busy machine

# ---------------------------------------------------------------- coverage

#: (method, url path) of every request any suite client sent.
HITS = set()


def _record(request):
    HITS.add((request.method, request.url.path))


def make_client(base, **kw):
    """An httpx client whose every request is recorded for the route gate."""
    kw.setdefault("timeout", 60.0)
    return httpx.Client(base_url=base, event_hooks={"request": [_record]},
                        **kw)


def parse_routes(text):
    """`xueji routes` output -> [(method, pattern)]."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^(GET|POST|PUT|PATCH|DELETE|HEAD)\s+(/\S*)", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def pattern_regex(pattern):
    """'/api/v1/students/{id}/events' -> regex; {param} = one segment."""
    parts = re.split(r"(\{[^}/]+\})", pattern)
    rx = "".join("[^/]+" if p.startswith("{") else re.escape(p)
                 for p in parts)
    return re.compile("^" + rx + "$")


def routes_not_hit(routes, hits):
    missing = []
    for method, pattern in routes:
        rx = pattern_regex(pattern)
        if not any(m == method and rx.match(p) for m, p in hits):
            missing.append(f"{method} {pattern}")
    return missing


ALL_MODULES = {"test_session", "test_refdata", "test_schools",
               "test_students", "test_register", "test_access",
               "test_audit", "test_limits", "test_cli", "test_routes",
               "test_masking"}


def pytest_collection_modifyitems(session, config, items):
    """Run the route-coverage gate last; skip it on a partial run."""
    gate = [i for i in items if i.name == "test_zz_route_coverage"]
    rest = [i for i in items if i.name != "test_zz_route_coverage"]
    mods = {i.module.__name__.rsplit(".", 1)[-1] for i in items}
    partial = not ALL_MODULES <= mods or len(config.args) > 1 or any(
        "::" in a for a in config.args) or config.getoption("keyword") or \
        config.getoption("markexpr")
    for g in gate:
        if partial:
            g.add_marker(pytest.mark.skip(
                reason="route coverage needs the whole suite"))
    items[:] = rest + gate
    _skip_sqlite_only(items)


# ---------------------------------------------------------------- backend

#: "sqlite" (default) or "pg" (XUEJI_TEST_DB=pg)
BACKEND = os.environ.get("XUEJI_TEST_DB", "sqlite")
PG_BASE = os.environ.get("XUEJI_TEST_PG", "")
if BACKEND == "pg" and not PG_BASE:
    raise RuntimeError("XUEJI_TEST_DB=pg needs XUEJI_TEST_PG "
                       "(run through tests/pg/cluster.sh run ...)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(reason): works on SQLite files by nature "
        "(WAL, tampering with the file, file backups); skipped on PostgreSQL")


def _skip_sqlite_only(items):
    if BACKEND != "pg":
        return
    for i in items:
        m = i.get_closest_marker("sqlite_only")
        if m:
            why = m.args[0] if m.args else "SQLite files"
            i.add_marker(pytest.mark.skip(reason="sqlite_only: " + why))


def _pg_name(path):
    """The cluster database standing for the SQLite path @path.  The auth
    store's path ("<db>-auth") names the registry's database: on
    PostgreSQL the auth tables live in it (xj_db_auth_path)."""
    path = str(path)
    if path.endswith("-auth"):
        path = path[:-len("-auth")]
    h = hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:16]
    return "xj_" + h


def side_path(db, suffix):
    """The file beside the database @db the binary keeps as @suffix
    (".auditkey", ".checkpoints"): "<db><suffix>" on SQLite; on
    PostgreSQL "<XUEJI_STATE_DIR>/<dbname><suffix>", the directory being
    @db's (db_env), as xj_db_side_path does."""
    if BACKEND != "pg":
        return Path(str(db) + suffix)
    return Path(db).resolve().parent / (_pg_name(db) + suffix)


def db_url(path):
    """What --db gets for the test database @path: the path itself on
    SQLite, the URL of its own database on PostgreSQL."""
    if BACKEND != "pg" or str(path).startswith(("postgresql:", "postgres:")):
        return str(path)
    return PG_BASE.rsplit("/", 1)[0] + "/" + _pg_name(path)


def _psql(url, query):
    return subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1",
         "-d", url, "-c", query], capture_output=True, text=True, timeout=60)


def pg_create(path):
    """Create @path's database on the cluster, empty, unless it exists."""
    name = _pg_name(path)
    p = _psql(PG_BASE, "SELECT 1 FROM pg_database WHERE datname = '%s'"
              % name)
    assert p.returncode == 0, p.stderr
    if not p.stdout.strip():
        p = _psql(PG_BASE, "CREATE DATABASE %s STRATEGY file_copy" % name)
        assert p.returncode == 0, p.stderr


def db_env(path, env=None):
    """The environment for the binary on @path's database."""
    e = dict(os.environ)
    e.pop("XUEJI_DB", None)
    if BACKEND == "pg" and path is not None:
        e["XUEJI_STATE_DIR"] = str(Path(path).resolve().parent)
    if env:
        e.update(env)
    return e


# ---------------------------------------------------------------- CLI

def run_cli(*args, db=None, env=None, input=None, timeout=120):
    """Run the binary; returns CompletedProcess (text)."""
    cmd = [BIN]
    if db is not None:
        cmd += ["--db", db_url(db)]
        if BACKEND == "pg" and args and args[0] in ("init", "demo"):
            pg_create(db)
    cmd += [str(a) for a in args]
    return subprocess.run(cmd, env=db_env(db, env), input=input,
                          capture_output=True, text=True, timeout=timeout)


def cli_ok(*args, **kw):
    p = run_cli(*args, **kw)
    assert p.returncode == 0, (args, p.stdout, p.stderr)
    return p


def sql_run(db, query):
    """Run @query on @db (sqlite3 on SQLite, psql on PostgreSQL: columns
    joined by "|" on both); returns the CompletedProcess, for a test that
    expects the database to refuse @query."""
    if BACKEND == "pg":
        return _psql(db_url(db), query)
    # wait for the server's own short writes (its background workers'
    # checkpoints and sweeps) as the server waits for others: sqlite3's
    # default is to fail at once with "database is locked"
    return subprocess.run(["sqlite3", "-bail", "-cmd", ".timeout 10000",
                           str(db), query],
                          capture_output=True, text=True, timeout=60)


def sql(db, query):
    """Run @query on @db as sql_run does; returns stdout lines (fails the
    test on error)."""
    p = sql_run(db, query)
    assert p.returncode == 0, (query, p.stderr)
    return [l for l in p.stdout.splitlines() if l]


def hold_insert(db, regno, id_no, id_type="1"):
    """psql inserting a record with @regno and @id_no (of @id_type) in a
    transaction it keeps open until the returned process gets COMMIT
    (PostgreSQL): another session's check does not see the record, and
    its write waits on the record's key."""
    p = subprocess.Popen(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db_url(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    p.stdin.write(
        "BEGIN;\nINSERT INTO students (registry_no, id_type, id_no, name,"
        " gender, birth_date, school_id, grade, data, created_at,"
        " updated_at, province) SELECT '%s', '%s', '%s', '别人', 1,"
        " '2015-01-01', min(id), '11', '\\x00', '2026-09-01T08:00:00',"
        " '2026-09-01T08:00:00', CAST(substr(min(county_code), 1, 2) AS"
        " smallint) FROM schools;\n\\echo inserted\n"
        % (regno, id_type, id_no))
    p.stdin.flush()
    assert p.stdout.readline().strip() == "inserted"
    return p


#: What hold_writer locks on PostgreSQL: what every registry write (an
#: import's rows, a registration, any audited change) writes to.  The
#: auth tables (sessions, log-in throttling, the import queue) stay free,
#: as the auth store stays free on SQLite.
PG_WRITER_TABLES = "audit_log, students, imports"


@contextlib.contextmanager
def hold_writer(db):
    """Hold what another writer (a large import) holds on @db for the
    duration: on SQLite the writer lock (BEGIN IMMEDIATE); on PostgreSQL,
    which has no single writer lock, a transaction holding EXCLUSIVE locks
    on PG_WRITER_TABLES (reads go on; every registry write waits).  Rolled
    back on leaving."""
    if BACKEND != "pg":
        import sqlite3
        holder = sqlite3.connect(str(db), timeout=1, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    p = subprocess.Popen(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db_url(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        p.stdin.write("BEGIN;\nLOCK TABLE %s IN EXCLUSIVE MODE;\n"
                      "\\echo locked\n" % PG_WRITER_TABLES)
        p.stdin.flush()
        assert p.stdout.readline().strip() == "locked"
        yield
    finally:
        p.stdin.write("ROLLBACK;\n\\q\n")
        p.stdin.close()
        p.wait(timeout=30)


def db_present(path):
    """Whether a registry exists at @path: the file on SQLite; on
    PostgreSQL its database on the cluster holding tables (run_cli
    creates the database empty before `init`, so a refused init leaves
    it without any)."""
    if BACKEND != "pg":
        return Path(path).exists()
    p = _psql(db_url(path), "SELECT count(*) FROM information_schema.tables"
              " WHERE table_schema = 'public'")
    return p.returncode == 0 and int(p.stdout.strip() or 0) > 0


def db_state(path):
    """Something that changes when anything writes @path: size and mtime
    of the file on SQLite; on PostgreSQL the counts of audit entries and
    applied migrations (every write of the registry is audited)."""
    if BACKEND != "pg":
        st = Path(path).stat()
        return (st.st_size, st.st_mtime_ns)
    return tuple(sql(path, "SELECT (SELECT count(*) FROM audit_log),"
                     " (SELECT count(*) FROM schema_version)"))


def db_copy(src, dst):
    """A copy of the registry @src (no server on it) at @dst with its
    audit key and checkpoints: the files on SQLite; on PostgreSQL
    CREATE DATABASE ... TEMPLATE and the side files."""
    if BACKEND != "pg":
        import shutil
        shutil.copyfile(src, dst)
    else:
        p = _psql(PG_BASE, "CREATE DATABASE %s TEMPLATE %s STRATEGY file_copy"
                  % (_pg_name(dst), _pg_name(src)))
        assert p.returncode == 0, p.stderr
    copy_audit_key(src, dst)
    ckp = side_path(dst, ".checkpoints")
    ckp.write_bytes(side_path(src, ".checkpoints").read_bytes())
    return Path(dst)


def copy_audit_key(src_db, dst_db):
    """Copy @src_db's audit key beside @dst_db (0600), as an operator does
    when restoring a copy: the key lives outside the database."""
    key = side_path(src_db, ".auditkey")
    dst = side_path(dst_db, ".auditkey")
    dst.write_bytes(key.read_bytes())
    dst.chmod(0o600)
    return dst


# ---------------------------------------------------------------- server

class Server:
    """A running `xueji serve|demo` on 127.0.0.1:<free port>."""

    def __init__(self, db, args, logdir, env=None, url=None):
        """@url: what --db gets instead of db_url(@db) (the same database
        with connection options: test_pg_plans.py)."""
        self.db = Path(db)
        self.errlog = Path(logdir) / (self.db.stem + ".stderr")
        self._err = open(self.errlog, "w")
        if BACKEND == "pg" and args and args[0] == "demo":
            pg_create(db)
        self.proc = subprocess.Popen(
            [BIN, "--db", url or db_url(db)] + list(args)
            + ["--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=self._err, env=db_env(db, env))
        self.stdout = ""
        self.port = self._wait_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.root = f"http://127.0.0.1:{self.port}"

    def _wait_port(self):
        deadline = time.monotonic() + START_TIMEOUT
        fd = self.proc.stdout.fileno()
        buf = b""
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buf += chunk
                m = re.search(rb"serving http://127\.0\.0\.1:(\d+)/", buf)
                if m:
                    # the banner (demo log-ins) follows the serving line
                    while select.select([fd], [], [], 0.1)[0]:
                        chunk = os.read(fd, 4096)
                        if not chunk:
                            break
                        buf += chunk
                    self.stdout = buf.decode("utf-8", "replace")
                    return int(m.group(1))
            elif self.proc.poll() is not None:
                break
        self.proc.kill()
        raise RuntimeError("server did not start: %r; stderr: %s" % (
            buf, self.errlog.read_text(errors="replace")[-2000:]))

    def stop(self, timeout=10.0):
        """SIGTERM, wait; returns (exit code, seconds taken)."""
        t0 = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = "timeout"
        self._err.close()
        self.proc.stdout.close()
        return rc, time.monotonic() - t0

    def stderr_text(self):
        if not self._err.closed:
            self._err.flush()
        return self.errlog.read_text(errors="replace")


# ---------------------------------------------------------------- clients

class Api:
    """A logged-in client; state-changing calls send X-CSRF-Token."""

    def __init__(self, base, username, password):
        self.username = username
        self.client = make_client(base)
        r = self.client.post("/session", json={"username": username,
                                                "password": password})
        assert r.status_code == 200, (username, r.text)
        self.login_response = r
        self.user = r.json()["user"]
        self.csrf = r.json()["csrf_token"]

    def request(self, method, url, csrf=True, **kw):
        headers = dict(kw.pop("headers", {}) or {})
        if csrf is True and method not in ("GET", "HEAD"):
            headers["X-CSRF-Token"] = self.csrf
        elif isinstance(csrf, str):
            headers["X-CSRF-Token"] = csrf
        return self.client.request(method, url, headers=headers, **kw)

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    def post(self, url, **kw):
        return self.request("POST", url, **kw)

    def put(self, url, **kw):
        return self.request("PUT", url, **kw)

    def patch(self, url, **kw):
        return self.request("PATCH", url, **kw)

    def delete(self, url, **kw):
        return self.request("DELETE", url, **kw)

    def close(self):
        self.client.close()


class World:
    """The session's server, its database and what the tests need to know."""

    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.db = self.tmp / "x.db"
        self.server = None
        self.apis = {}
        self.passwords = {}

    @property
    def base(self):
        return self.server.base

    def api(self, username):
        if username not in self.apis:
            self.apis[username] = Api(self.base, username,
                                      self.passwords[username])
        return self.apis[username]

    def client(self):
        """A fresh, anonymous recorded client (caller closes it)."""
        return make_client(self.base)


# School codes are deterministic (gen numbers schools county+001...); the
# ids are looked up after generation.
USERS = [
    # username, role, options
    ("qy_bureau", "bureau", ["--region", "4418"]),
    ("ys_bureau", "bureau", ["--region", YS]),
    ("yd_bureau", "bureau", ["--region", YD]),
    ("gz_bureau", "bureau", ["--region", "4401"]),   # 广州市: no schools
    ("ys_reg1", "registrar", ["--school", "@ys1"]),
    ("ys_reg2", "registrar", ["--school", "@ys2"]),
    ("yd_reg1", "registrar", ["--school", "@yd1"]),
    ("ys_teacher1", "teacher", ["--school", "@ys1", "--class", "@ys1c1"]),
    # for the log-in throttling tests only (nobody else logs in as them)
    ("lock_victim", "bureau", ["--region", YS]),
    ("reset_victim", "bureau", ["--region", YS]),
]


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("world")
    w = World(tmp)
    cli_ok("init", db=w.db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    cli_ok("gen", "--county", YS, "--schools", "3", "--students", "300",
           db=w.db)
    cli_ok("gen", "--county", YD, "--schools", "2", "--students", "100",
           "--seed", "7", db=w.db)
    schools = [l.split("|") for l in sql(
        w.db, "select id, code, stage, county_code from schools order by code")]
    ys = [s for s in schools if s[3] == YS]
    yd = [s for s in schools if s[3] == YD]
    assert len(ys) == 3 and len(yd) == 2, schools
    w.school = {"ys1": int(ys[0][0]), "ys2": int(ys[1][0]),
                "ys3": int(ys[2][0]), "yd1": int(yd[0][0]),
                "yd2": int(yd[1][0])}
    w.code = {"ys1": ys[0][1], "ys2": ys[1][1], "ys3": ys[2][1],
              "yd1": yd[0][1], "yd2": yd[1][1]}
    w.stage = {"ys1": ys[0][2], "ys2": ys[1][2], "yd1": yd[0][2]}
    w.class_ys1 = [int(x) for x in sql(
        w.db, "select id from classes where school_id = %d order by id"
        % w.school["ys1"])]
    subst = {"@ys1": w.code["ys1"], "@ys2": w.code["ys2"],
             "@yd1": w.code["yd1"], "@ys1c1": str(w.class_ys1[0])}
    for name, role, opts in USERS:
        opts = [subst.get(o, o) for o in opts]
        cli_ok("user", "add", name, "--role", role, *opts, db=w.db,
               env={"XUEJI_PASSWORD": PW})
        w.passwords[name] = PW
    w.passwords["admin"] = ADMIN_PW
    # many tests search by full number as the same few users: the budget
    # (default 10 a minute, tests/http/test_masking.py) at its maximum
    sql(w.db, "insert into settings (key, value) values "
              "('privacy.searches_per_minute', '60')")
    w.server = Server(w.db, ["serve"], tmp)
    yield w
    for a in w.apis.values():
        a.close()
    rc, secs = w.server.stop()
    err = w.server.stderr_text()
    assert rc == 0, f"server exit {rc} after SIGTERM; stderr tail:\n{err[-3000:]}"
    assert secs < 8, f"server took {secs:.1f}s to stop"
    # every write of the session kept the identity tables (0038) and the
    # provinces (0039) true
    assert_keys_agree(w.db)


@pytest.fixture(autouse=True)
def _server_still_alive(request):
    """After each test that used the shared server, fail (in teardown) if
    the server died: the stderr tail (e.g. an ASan report) then points at
    the test that killed it instead of a cascade of connection errors."""
    yield
    if "world" not in request.fixturenames:
        return
    w = request.getfixturevalue("world")
    if w.server and w.server.proc.poll() is not None and \
            not getattr(w.server, "reported", False):
        w.server.reported = True
        pytest.fail("the server died (exit %s) during this test; stderr "
                    "tail:\n%s" % (w.server.proc.returncode,
                                   w.server.stderr_text()[-4000:]),
                    pytrace=False)


@pytest.fixture(scope="session")
def api(world):
    """api('ys_reg1') -> the logged-in Api of that user (shared)."""
    return world.api


# ---------------------------------------------------------------- data

W17 = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_char(body17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, W17)) % 11]


_seq = itertools.count(1)
_issued = set()
_phone = itertools.count(1)
_name = itertools.count(0)
# Test IDs use 天河区 (440106) so they never collide with generated data
# (born in 441823 / 441881).
TEST_REGION = "440106"
_MORE_REGIONS = ["440103", "440104", "440105", "440111", "440112",
                 "440113", "440114", "440115", "440117", "440118"]


def make_id(birth="2013-05-17", gender=1, region=TEST_REGION, check=None):
    """A fresh, valid 18-character resident ID, never issued before in
    this run (registered or not).  @check: force the last character
    (e.g. 'X') by searching sequences.  Three sequence digits give 500 IDs
    per region, birth date and gender; a run asks more than that of the
    default region (the PostgreSQL suite did, and a wrapped counter
    registered a number twice), so the default moves on to the next
    district of 广州市 when one is used up."""
    ymd = birth.replace("-", "")
    regions = [region] + (_MORE_REGIONS if region == TEST_REGION else [])
    for r in regions:
        for _ in range(1000):
            s = next(_seq) % 1000
            if s % 2 != (1 if gender == 1 else 0):
                continue
            b = r + ymd + "%03d" % s
            c = check_char(b)
            if (check is None or c == check) and b + c not in _issued:
                _issued.add(b + c)
                return b + c
    raise AssertionError("no unused test ID left for %s %s" % (region, birth))


def id15_to_18(id15):
    b = id15[:6] + "19" + id15[6:]
    return b + check_char(b)


def unique_name(prefix="测"):
    """A unique all-CJK name (U+4E00 + n keeps it a real ideograph)."""
    n = next(_name)
    return prefix + chr(0x5B50 + n // 200) + chr(0x4E00 + 0x100 + n % 200)


def unique_phone():
    return "199%08d" % (next(_phone) + 40000000)


def student_body(**over):
    """A minimal valid POST /students body: every required field of
    src/student/student.c (name, gender, birth_date, ethnicity, nationality,
    id_type, id_no, health, hukou_type, grade, enrol_ym, enrol_mode,
    study_mode) plus one family member.  Grade 21 fits a junior school;
    pass grade='11', birth_date='2019-...' for a primary school."""
    birth = over.pop("birth_date", "2013-05-17")
    gender = over.pop("gender", 1)
    body = {
        "name": unique_name(),
        "gender": gender,
        "birth_date": birth,
        "ethnicity": "01",
        "nationality": "CHN",
        "id_type": "1",
        "id_no": make_id(birth, gender),
        "health": "10",
        "hukou_type": 1,
        "grade": "21",
        "enrol_ym": "202509",
        "enrol_mode": "11",
        "study_mode": 1,
        "g1_name": "王建国",
        "g1_relation": "1",
        "g1_phone": unique_phone(),
    }
    body.update(over)
    return body


def primary_body(**over):
    over.setdefault("birth_date", "2019-03-08")
    over.setdefault("grade", "11")
    return student_body(**over)


def mask_regno(no):
    """A registry number as lists and default views show it
    (docs/internals/masking.md): G, L and J numbers alike keep their letter,
    address code and birth date, never the last four (G44182320150101****)."""
    if no and no[0] in "GLJ" and len(no) == 19:
        return no[:15] + "****"
    return no[:1] + "*" * (len(no) - 1)


def mask_id(no):
    """A student's resident ID as shown masked: address code and birth date
    (shown beside it anyway), never positions 15-18."""
    if len(no) == 18:
        return no[:14] + "****"
    return "*" * len(no)


#: a full G registry number anywhere in a text
FULL_G = re.compile(r"G\d{17}[\dX]")
#: a registry number as lists show it
MASKED_G = re.compile(r"^[GLJ]\d{14}\*{4}$")


def register(a, **over):
    """Register a junior-school student through @a; returns (body, reply)."""
    body = student_body(**over)
    r = a.post("/students", json=body)
    assert r.status_code == 201, r.text
    return body, r.json()


def assert_keys_agree(db, env=None):
    """`xueji check` finds student_identities and registry_numbers
    (migration 0038) and every registry row's province (0039) in agreement
    with the records, whatever else it reports."""
    p = run_cli("check", db=db, env=env)
    assert "identity tables: ok" in p.stdout, p.stderr[-2000:]
    assert "provinces: ok" in p.stdout, p.stderr[-2000:]


def in_threads(fn, items):
    """fn(item) for every item, each in its own thread, all at once."""
    threads = [threading.Thread(target=fn, args=(x,)) for x in items]
    for th in threads:
        th.start()
    for th in threads:
        th.join()


def err_code(r):
    try:
        return r.json()["error"]["code"]
    except Exception:  # noqa: BLE001 -- not an error body
        return None


def detail_codes(r):
    """{field: set(codes)} of a 422 validation reply."""
    out = {}
    for d in r.json()["error"].get("details", []):
        out.setdefault(d["field"], set()).add(d["code"])
    return out


def list_all(a, url, **params):
    """Every item of a paged list (per_page 200)."""
    items, page = [], 1
    while True:
        r = a.get(url, params=dict(params, page=page, per_page=200))
        assert r.status_code == 200, r.text
        j = r.json()
        items += j["items"]
        if len(items) >= j["total"] or not j["items"]:
            return items, j["total"]
        page += 1
