"""Read replicas (serve --db-replica; docs/internals/replicas.md).

On PostgreSQL (XUEJI_TEST_DB=pg under tests/pg/cluster.sh run) the module
makes a hot standby of the test cluster (cluster.sh standby: pg_basebackup
-R, another loopback port) and proves, without timing:

- a list is answered by the standby: with the standby's replay paused, a
  student registered by one user is missing from another user's list
  (and the standby's xueji-replica connection last ran the list query);
- the writer's own list right after the write shows it (read-your-writes);
- a standby paused past the lag bound is skipped: the other user's list
  shows the write, and the server logs the lag once;
- a stopped standby: every read still answers 200 from the primary, the
  server logs it once, and reads return to the standby when it is back.

On SQLite only the refusal of a --db-replica that is no PostgreSQL URL
runs.
"""
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (BACKEND, PW, ROOT, YS, Api, Server, _pg_name, _psql,
                      cli_ok, register, run_cli, sql)

PG_DIR = os.environ.get("XUEJI_TEST_PG_DIR", "")
CLUSTER = str(ROOT / "tests" / "pg" / "cluster.sh")

pg_only = pytest.mark.skipif(
    BACKEND != "pg" or not PG_DIR,
    reason="needs PostgreSQL and its test cluster (cluster.sh run)")


def test_replica_must_be_a_postgresql_url(tmp_path):
    db = tmp_path / "r.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": "chief-pass-2026"})
    p = run_cli("serve", "--listen", "127.0.0.1:0", "--db-replica",
                str(tmp_path / "standby.db"), db=db, timeout=60)
    assert p.returncode != 0
    assert "--db-replica" in p.stderr, p.stderr


def _cluster(*args):
    p = subprocess.run(["sh", CLUSTER, *args, PG_DIR], capture_output=True,
                       text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    return p.stdout


def _standby_sql(url, query):
    p = _psql(url, query)
    assert p.returncode == 0, (query, p.stderr)
    return p.stdout.strip()


class Replicated:
    """A database on the test cluster, its standby's URL, two users of
    the same county and servers reading from the standby."""

    def __init__(self, tmp):
        self.db = tmp / "rep.db"
        cli_ok("init", db=self.db,
               env={"XUEJI_ADMIN_PASSWORD": "chief-pass-2026"})
        cli_ok("gen", "--county", YS, "--schools", "1", "--students", "40",
               db=self.db)
        code = sql(self.db, "select code from schools order by code")[0]
        cli_ok("user", "add", "rep_reg", "--role", "registrar", "--school",
               code, db=self.db, env={"XUEJI_PASSWORD": PW})
        cli_ok("user", "add", "rep_bureau", "--role", "bureau", "--region",
               YS, db=self.db, env={"XUEJI_PASSWORD": PW})
        out = _cluster("standby")
        base = re.search(r"XUEJI_TEST_PG_STANDBY=(\S+)", out).group(1)
        self.standby = base.rsplit("/", 1)[0] + "/" + _pg_name(self.db)
        self.tmp = tmp
        self.servers = []

    def serve(self, name, max_lag, *more, flag=True):
        """A server reading from the standby, named by --db-replica or,
        with @flag false, by $XUEJI_DB_REPLICA (the caller sets it)."""
        # its own stderr file: one server's log lines are counted apart
        logdir = self.tmp / name
        logdir.mkdir()
        args = ["--db-replica", self.standby] if flag else []
        s = Server(self.db, ["serve", *args, "--db-replica-max-lag",
                             str(max_lag), *more], logdir)
        self.servers.append(s)
        return s

    def replay(self, on):
        _standby_sql(self.standby, "SELECT pg_wal_replay_%s()"
                     % ("resume" if on else "pause"))
        if on:
            return
        # a pause is a request: wait until replay has stopped
        deadline = time.monotonic() + 30
        while _standby_sql(self.standby, "SELECT"
                           " pg_get_wal_replay_pause_state()") != "paused":
            assert time.monotonic() < deadline, "replay did not pause"
            time.sleep(0.05)

    def caught_up(self):
        """Wait until the standby has replayed the primary's position
        (the insert position: past every commit, as the server takes it),
        then for the servers' watchers (every 250 ms) to have seen it."""
        target = sql(self.db, "SELECT pg_current_wal_insert_lsn()")[0]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if _standby_sql(self.standby,
                            "SELECT pg_last_wal_replay_lsn() >= '%s'"
                            % target) == "t":
                time.sleep(1.5)
                return
            time.sleep(0.1)
        raise AssertionError("the standby did not catch up")


@pytest.fixture(scope="module")
def rep(tmp_path_factory):
    if BACKEND != "pg" or not PG_DIR:
        pytest.skip("needs PostgreSQL and its test cluster")
    r = Replicated(tmp_path_factory.mktemp("replica"))
    yield r
    for s in r.servers:
        rc, _ = s.stop()
        assert rc == 0, s.stderr_text()[-3000:]
    _cluster("standby-stop")
    shutil.rmtree(Path(PG_DIR) / "standby", ignore_errors=True)


def _names(a, name):
    r = a.get("/students", params={"q": name})
    assert r.status_code == 200, r.text
    return [it["name"] for it in r.json()["items"]]


def _login(server, user):
    return Api(server.base, user, PW)


def _wait_log(server, text, count=1, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.stderr_text().count(text) >= count:
            return
        time.sleep(0.1)
    raise AssertionError("no %r in the server log:\n%s"
                         % (text, server.stderr_text()[-3000:]))


def _standby_answers(rep, writer, reader):
    """With replay paused, a student the writer registers is in the
    writer's own list (the primary: read-your-writes) and not in the
    reader's (the standby); after resuming, the reader sees it too."""
    rep.caught_up()
    rep.replay(False)
    try:
        body, _ = register(writer, birth_date="2019-03-08", grade="11")
        assert _names(writer, body["name"]) == [body["name"]]
        assert _names(reader, body["name"]) == []
    finally:
        rep.replay(True)
    rep.caught_up()
    deadline = time.monotonic() + 10
    while _names(reader, body["name"]) != [body["name"]]:
        assert time.monotonic() < deadline, "the standby never showed it"
        time.sleep(0.2)


def _replica_sessions(rep):
    """xueji's connections to the standby (its application_name)."""
    return int(_standby_sql(
        rep.standby, "SELECT count(*) FROM pg_stat_activity WHERE"
        " application_name = 'xueji-replica' AND datname = '%s'"
        % _pg_name(rep.db)))


@pg_only
def test_list_answered_by_standby_own_write_by_primary(rep):
    s = rep.serve("lax", 60)
    writer, reader = _login(s, "rep_reg"), _login(s, "rep_bureau")
    _wait_log(s, "serving reads")
    _standby_answers(rep, writer, reader)
    # the watcher's connection and the reader's thread's
    assert _replica_sessions(rep) >= 2
    assert "lags" not in s.stderr_text()
    writer.close()
    reader.close()


@pg_only
def test_standby_past_the_lag_bound_is_skipped(rep, monkeypatch):
    # the standby named by the environment instead of --db-replica
    monkeypatch.setenv("XUEJI_DB_REPLICA", rep.standby)
    s = rep.serve("strict", 1, flag=False)
    writer, reader = _login(s, "rep_reg"), _login(s, "rep_bureau")
    _wait_log(s, "serving reads")
    rep.caught_up()
    rep.replay(False)
    try:
        body, _ = register(writer, birth_date="2019-03-08", grade="11")
        _wait_log(s, "lags")
        for _ in range(3):
            assert _names(reader, body["name"]) == [body["name"]]
        assert s.stderr_text().count("lags") == 1, s.stderr_text()[-3000:]
    finally:
        rep.replay(True)
    # caught up: the standby serves again, said once
    _wait_log(s, "serving reads", count=2)
    writer.close()
    reader.close()


def _rebase(server, *apis):
    """Point logged-in clients at another server of the same database
    (the session cookie is the database's, not the process's)."""
    for a in apis:
        a.client.base_url = server.base


@pg_only
def test_stopped_standby_falls_back_then_returns(rep, monkeypatch):
    # log-ins and the write through a server without a standby: the
    # servers below have no write of these users to wait for
    plain = Server(rep.db, ["serve"], rep.tmp)
    rep.servers.append(plain)
    writer, reader = _login(plain, "rep_reg"), _login(plain, "rep_bureau")
    body, _ = register(writer, birth_date="2019-03-08", grade="11")
    rep.caught_up()
    # "watch" has the usual watcher; "failover" one worker thread and a
    # watcher that looks again only after a minute, so that the first
    # read after the stop meets the dead connection before the watcher
    # knows, and must still be answered (by the primary)
    watch = rep.serve("watch", 60)
    monkeypatch.setenv("XJ_REPLICA_PROBE_MS", "60000")
    failover = rep.serve("failover", 60, "--threads", "1")
    _wait_log(watch, "serving reads")
    _wait_log(failover, "serving reads")
    _rebase(failover, reader)
    before = _replica_sessions(rep)
    assert _names(reader, body["name"]) == [body["name"]]
    # failover's only thread now holds a connection to the standby
    assert _replica_sessions(rep) == before + 1
    _cluster("standby-stop")
    try:
        for _ in range(4):
            assert _names(reader, body["name"]) == [body["name"]]
            r = reader.get("/schools")
            assert r.status_code == 200, r.text
        log = failover.stderr_text()
        assert log.count("a read failed; answered by the primary") == 1, log
        _rebase(watch, reader)
        for _ in range(4):
            assert _names(reader, body["name"]) == [body["name"]]
        _wait_log(watch, "unreachable")
        assert watch.stderr_text().count("unreachable") == 1
    finally:
        _cluster("standby-start")
    _wait_log(watch, "serving reads", count=2, timeout=30)
    _rebase(watch, writer)
    _standby_answers(rep, writer, reader)
    writer.close()
    reader.close()


# ------------------------------------------------- roles and grants

DEPLOY = ROOT / "docs" / "deploy-postgres.md"


def _doc_sql_blocks(section):
    """The ```sql blocks of @section of docs/deploy-postgres.md, in order:
    the test runs what the page tells operators to run."""
    text = DEPLOY.read_text()
    start = text.index("\n## " + section + "\n")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```sql\n(.*?)```", text[start:end], re.S)


def _psql_as(url, script):
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                        url, "-f", "-"], input=script, capture_output=True,
                       text=True, timeout=120)
    return p


@pg_only
def test_documented_grants_keep_history_append_only(tmp_path):
    """The roles and grants of docs/deploy-postgres.md, run verbatim: the
    server runs as xueji_app (log-in, registration, lists, a write
    audited), and xueji_app cannot UPDATE, DELETE or TRUNCATE the audit
    log or the other history tables."""
    from conftest import PG_BASE, BIN
    host = PG_BASE.rsplit("/", 1)[0].replace("xueji@", "")
    owner = host.replace("://", "://xueji_owner@") + "/xueji"
    app = host.replace("://", "://xueji_app@") + "/xueji"
    setup, grants = _doc_sql_blocks("Roles and grants")[:2]
    p = _psql_as(PG_BASE, "DROP DATABASE IF EXISTS xueji;"
                 " DROP ROLE IF EXISTS xueji_app; DROP ROLE IF EXISTS"
                 " xueji_owner;\n" + setup)
    assert p.returncode == 0, p.stderr
    env = dict(os.environ, XUEJI_STATE_DIR=str(tmp_path),
               XUEJI_ADMIN_PASSWORD="chief-pass-2026", XUEJI_PASSWORD=PW)
    env.pop("XUEJI_DB", None)

    def cli(url, *args):
        q = subprocess.run([BIN, "--db", url, *args], env=env,
                           capture_output=True, text=True, timeout=300)
        assert q.returncode == 0, (args, q.stdout, q.stderr)

    cli(owner, "init")
    cli(owner, "gen", "--county", YS, "--schools", "1", "--students", "20")
    code = _psql(owner, "select code from schools").stdout.split()[0]
    cli(owner, "user", "add", "grant_reg", "--role", "registrar", "--school",
        code)
    p = _psql_as(owner, grants)
    assert p.returncode == 0, p.stderr
    errlog = open(tmp_path / "app.stderr", "w")
    proc = subprocess.Popen([BIN, "--db", app, "serve", "--listen",
                             "127.0.0.1:0"], stdout=subprocess.PIPE,
                            stderr=errlog, env=env, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)/", line)
        assert m, (line, (tmp_path / "app.stderr").read_text())
        a = Api("http://127.0.0.1:%s/api/v1" % m.group(1), "grant_reg", PW)
        body, _ = register(a, birth_date="2019-03-08", grade="11")
        assert _names(a, body["name"]) == [body["name"]]
        a.close()
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0
        errlog.close()
    # a school in a province without partitions (0041): the server's role
    # adds it, the owner's function makes the province's partitions, and
    # they stay out of the server's role's reach
    assert _psql(owner, "select to_regclass('xj_part.students_11')"
                 ).stdout.split() == []
    cli(app, "gen", "--county", "110101", "--schools", "1", "--students",
        "5")
    p = _psql(owner, "select tableoid::regclass, count(*) from students"
              " group by 1")
    assert sorted(p.stdout.split()) == ["xj_part.students_11|5",
                                        "xj_part.students_44|21"], p.stdout
    p = _psql(app, "select count(*) from xj_part.students_11")
    assert p.returncode != 0 and "permission denied" in p.stderr, p.stderr
    for table in ("audit_log", "student_events", "change_actions",
                  "consolidations"):
        for stmt in ("UPDATE %s SET id = id" % table,
                     "DELETE FROM %s" % table, "TRUNCATE %s" % table):
            p = _psql(app, stmt)
            assert p.returncode != 0 and "permission denied" in p.stderr, \
                (stmt, p.stderr)
    # the owner's triggers refuse it too, whoever asks
    p = _psql(owner, "UPDATE audit_log SET id = id")
    assert p.returncode != 0 and "permission denied" not in p.stderr
