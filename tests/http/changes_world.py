"""A private world for the registry-change and year-end suites: its own
database and server, started with a fake clock (XJ_FAKE_NOW) so deadlines
and school years are deterministic, with counties in two cities and two
provinces so every approval chain can be exercised.

Not a test module (no test_ prefix): test_changes.py and test_yearend.py
build their worlds through make_world().  Also the change-request helpers
those suites share (start, started, approve).
"""
import contextlib
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import (ADMIN_PW, PW, Api, Server, assert_keys_agree,
                      cli_ok, sql)

CST = timezone(timedelta(hours=8))


def epoch(y, m, d, hh=10):
    """Epoch seconds of y-m-d hh:00 in China Standard Time."""
    return int(datetime(y, m, d, hh, tzinfo=CST).timestamp())


def start(a, **body):
    """POST /changes as @a (reason 家长申请 unless given); the reply."""
    body.setdefault("reason", "家长申请")
    return a.post("/changes", json=body)


def started(a, **body):
    """start() that must succeed: the new Change."""
    r = start(a, **body)
    assert r.status_code == 201, r.text
    return r.json()["change"]


def approve(a, cid, **kw):
    """@a approves change @cid (with @kw as the body): the Change."""
    r = a.post("/changes/%d/approve" % cid, json=kw)
    assert r.status_code == 200, (a.username, r.text)
    return r.json()["change"]


def school_code(county, n):
    """The code `xueji gen` gives the @n-th school (1-based) of @county."""
    return "2%s%03d" % (county, n)


def late_world(tmp_path_factory, name, counties, users, late, per_school,
               prepare=None):
    """A module fixture's ChangeWorld made on 1 September 2026 at 09:00
    (what gen writes is the school year's start), then @prepare(world), then
    a second server `world.late` with the clock at @late for what happens
    after: yields the world, stops both servers at the end."""
    world = ChangeWorld(tmp_path_factory.mktemp(name), counties, users,
                        epoch(2026, 9, 1, 9), per_school=per_school)
    if prepare:
        prepare(world)
    world.late = world.start(late)
    yield world
    world.late.stop()
    assert world.close() == 0


@contextlib.contextmanager
def clock(w, when):
    """A second server on world @w's database with the clock at @when;
    logging in there expires the sessions made at the fixed time, so the
    world's clients are dropped afterwards."""
    later = w.start(when)
    try:
        yield later
    finally:
        assert later.stop()[0] == 0
        for a in w.apis.values():
            a.close()
        w.apis.clear()


class ChangeWorld:
    def __init__(self, tmp, counties, users, now, per_school=30):
        self.tmp = Path(tmp)
        self.db = self.tmp / "changes.db"
        self.now = now
        self.env = {"XJ_FAKE_NOW": str(now)}
        cli_ok("init", db=self.db,
               env=dict(self.env, XUEJI_ADMIN_PASSWORD=ADMIN_PW))
        for county, n, seed in counties:
            cli_ok("gen", "--county", county, "--schools", str(n),
                   "--students", str(per_school * n), "--seed", str(seed),
                   db=self.db, env=self.env)
        rows = [l.split("|") for l in sql(
            self.db, "select id, code, stage, county_code from schools"
            " order by code")]
        self.school = {}
        for sid, code, stage, county in rows:
            self.school[code] = int(sid)
        self.passwords = {"admin": ADMIN_PW}
        # lookups by full number spend the per-user search budget (default
        # 10 a minute): at its maximum for worlds that look up many students
        sql(self.db, "insert into settings (key, value) values "
                     "('privacy.searches_per_minute', '60')")
        self.server = self.start(now)
        self.apis = {}
        self.used = set()
        self.add_users(users)

    def add_users(self, users):
        """(name, role, ["--school", CODE | "--region", CODE | "--class",
        ID ...]) as the administrator creates them: POST /users (one
        process per `xueji user add` cost the ASan suite a minute)."""
        flags = {"--region": "region_code", "--school": "school_id",
                 "--class": "class_ids"}
        admin = self.api("admin")
        for name, role, opt in users:
            body = {"username": name, "display_name": name, "password": PW,
                    "role": role}
            for flag, value in zip(opt[::2], opt[1::2]):
                key = flags[flag]
                if key == "school_id":
                    body[key] = self.school[value]
                elif key == "class_ids":
                    body.setdefault(key, []).append(int(value))
                else:
                    body[key] = value
            r = admin.post("/users", json=body)
            assert r.status_code == 201, (name, r.text)
            self.passwords[name] = PW

    def start(self, now):
        """Another server on the same database with the clock at @now."""
        old = os.environ.get("XJ_FAKE_NOW")
        os.environ["XJ_FAKE_NOW"] = str(now)
        try:
            return Server(self.db, ["serve"], self.tmp)
        finally:
            if old is None:
                del os.environ["XJ_FAKE_NOW"]
            else:
                os.environ["XJ_FAKE_NOW"] = old

    def api(self, name, server=None):
        s = server or self.server
        key = (name, s.port)
        if key not in self.apis:
            self.apis[key] = Api(s.base, name, self.passwords[name])
        return self.apis[key]

    def sid(self, code):
        return self.school[code]

    def student(self, code, grade=None, status="enrolled"):
        """An unused student id of school @code (optionally of @grade)."""
        q = ("select id from students where school_id = %d and status = '%s'"
             % (self.sid(code), status))
        if grade:
            q += " and grade = '%s'" % grade
        for line in sql(self.db, q + " order by id"):
            i = int(line)
            if i not in self.used:
                self.used.add(i)
                return i
        raise AssertionError("no free student at %s grade %s" % (code, grade))

    def close(self):
        for a in self.apis.values():
            a.close()
        rc, _ = self.server.stop()
        if rc != 0:     # say why: the server's last words
            print("server exit %s; its log's tail:\n%s"
                  % (rc, self.server.stderr_text()[-3000:]))
        # every change applied kept the identity tables (0038) and the
        # provinces (0039) true
        assert_keys_agree(self.db, self.env)
        return rc
