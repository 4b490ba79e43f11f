"""`xueji migrate`: county registries (SQLite files) consolidated into one
provincial PostgreSQL database (docs/deploy-postgres.md "Consolidating
counties").  Two counties are built as SQLite files and migrated; the
target passes `xueji check`, serves, and runs a transfer from one former
county to the other; a second run copies nothing; a county holding a
student the target already has is refused as a whole, or copied without
that student under --skip-conflicts; a source whose audit chain was
edited is refused.

PostgreSQL only: the target is a database of the throw-away cluster
(tests/pg/cluster.sh run env XUEJI_TEST_DB=pg ...).
"""
import os
import subprocess

import pytest

from changes_world import epoch, started, approve
from conftest import (ADMIN_PW, BACKEND, BIN, PW, Api, Server, cli_ok,
                      db_env, db_url, pg_create, sql)

pytestmark = pytest.mark.skipif(
    BACKEND != "pg", reason="consolidates into PostgreSQL: run with "
    "XUEJI_TEST_DB=pg through tests/pg/cluster.sh run")

A, B, C = "441823", "441881", "441802"   # 阳山县, 英德市, 清城区
NOW = epoch(2026, 9, 28)
CLOCK = {"XJ_FAKE_NOW": str(NOW)}


def school(county, n):
    return "2%s%03d" % (county, n)


def county_cli(db, *args, env=None):
    """The binary on the county's SQLite file @db (never the cluster)."""
    e = dict(os.environ, **CLOCK)
    e.pop("XUEJI_DB", None)
    e.pop("XUEJI_STATE_DIR", None)
    e.update(env or {})
    return subprocess.run([BIN, "--db", str(db)] + [str(a) for a in args],
                          env=e, capture_output=True, text=True, timeout=180)


def county_ok(db, *args, env=None):
    p = county_cli(db, *args, env=env)
    assert p.returncode == 0, (args, p.stdout, p.stderr)
    return p


def make_county(path, county, seed, students, users):
    county_ok(path, "init", env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    county_ok(path, "gen", "--county", county, "--schools", "3",
              "--students", str(students), "--seed", str(seed))
    for name, role, opt in users:
        county_ok(path, "user", "add", name, "--role", role, *opt,
                  env={"XUEJI_PASSWORD": PW})
    return path


def county_sql(path, query):
    p = subprocess.run(["sqlite3", "-bail", str(path), query],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, (query, p.stderr)
    return [l for l in p.stdout.splitlines() if l]


def migrate(src, target, *opts):
    """`xueji migrate --from @src --to <@target's URL>`."""
    return subprocess.run(
        [BIN, "migrate", "--from", str(src), "--to", db_url(target)]
        + list(opts), env=db_env(target, CLOCK), capture_output=True,
        text=True, timeout=300)


def count(target, table):
    return int(sql(target, "select count(*) from %s" % table)[0])


@pytest.fixture(scope="module")
def counties(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("migrate")
    a = make_county(tmp / "a.db", A, 1, 150, [
        ("a_bureau", "bureau", ["--region", A]),
        ("a_reg", "registrar", ["--school", school(A, 2)])])
    b = make_county(tmp / "b.db", B, 2, 150, [
        ("b_bureau", "bureau", ["--region", B]),
        ("b_reg", "registrar", ["--school", school(B, 2)])])
    # a dropout case with one entry, by a user of A: copied with the
    # case, student, school and user ids remapped
    county_sql(a, "insert into dropout_cases (student_id, school_id, source,"
               " detail, opened_on, opened_at, province) select id, school_id,"
               " 'manual', 'x', '2026-09-20', '2026-09-20T10:00:00+08:00',"
               " province from students order by id limit 1;"
               " insert into dropout_entries (case_id, kind, happened_on, at,"
               " actor_id, actor, province) select max(c.id), 'visit',"
               " '2026-09-21', '2026-09-21T10:00:00+08:00', (select id from"
               " users where username = 'a_reg'), 'a_reg', max(c.province)"
               " from dropout_cases c")
    # a new county file has no guardian backfill due (migration 0045):
    # whatever writes a record writes its guardian IDs
    assert county_sql(a, "select count(*) from backfills") == ["0"]
    # B as a file no server has started since 0018: its guardian IDs are
    # still to be filled from the records
    county_sql(b, "delete from guardian_ids;"
               " insert into backfills (name) values ('guardian_ids')")
    target = tmp / "province"
    pg_create(target)
    cli_ok("init", db=target, env=dict(CLOCK, XUEJI_ADMIN_PASSWORD=ADMIN_PW))
    return {"tmp": tmp, "a": a, "b": b, "target": target}


def test_two_counties_then_a_transfer_between_them(counties):
    a, b, target = counties["a"], counties["b"], counties["target"]
    src_events = (len(county_sql(a, "select id from student_events"))
                  + len(county_sql(b, "select id from student_events")))
    src_audit = (len(county_sql(a, "select id from audit_log"))
                 + len(county_sql(b, "select id from audit_log")))
    audit_before = count(target, "audit_log")
    for src, county in ((a, A), (b, B)):
        p = migrate(src, target)
        assert p.returncode == 0, (p.stdout, p.stderr)
        assert "consolidated county %s" % county in p.stdout
        assert "target audit chain verified" in p.stdout
        # the county's administrator: renamed and made its bureau user
        assert "admin@%s" % county in p.stdout
    assert count(target, "students") == 300
    assert count(target, "student_events") == src_events
    # B's guardian IDs were filled in B before they were copied, and the
    # target has no backfill of its own left to do
    assert county_sql(b, "select count(*) from backfills") == ["0"]
    assert count(target, "guardian_ids") == sum(
        int(county_sql(x, "select count(*) from guardian_ids")[0])
        for x in (a, b))
    assert count(target, "backfills") == 0
    # every source entry, plus one per consolidation
    assert count(target, "audit_log") == audit_before + src_audit + 2
    assert sql(target, "select role, region_code from users where username"
               " = 'admin@%s'" % A) == ["bureau|%s" % A]
    assert sql(target, "select count(*) from consolidations") == ["2"]
    assert sql(target, "select action, entity, entity_id from audit_log"
               " order by id desc limit 1") == [
        "county.consolidate|county|%s" % B]
    # ids remapped: B's students point at B's schools in the target
    assert sql(target, "select count(*) from students s join schools sc"
               " on sc.id = s.school_id where sc.county_code = '%s'" % B) \
        == ["150"]
    first = county_sql(a, "select registry_no from students order by id"
                       " limit 1")[0]
    assert sql(target, "select s.registry_no, sc.code, e.kind, u.username"
               " from dropout_cases c join students s on s.id = c.student_id"
               " join schools sc on sc.id = c.school_id join dropout_entries e"
               " on e.case_id = c.id join users u on u.id = e.actor_id") == [
        "%s|%s|visit|a_reg" % (first, county_sql(a, "select sc.code from"
                                                 " students s join schools sc"
                                                 " on sc.id = s.school_id"
                                                 " order by s.id limit 1")[0])]
    p = cli_ok("check", db=target)
    assert "audit chain: ok" in p.stdout, p.stdout

    os.environ["XJ_FAKE_NOW"] = str(NOW)
    try:
        srv = Server(target, ["serve"], counties["tmp"])
    finally:
        del os.environ["XJ_FAKE_NOW"]
    try:
        transfer(target, srv)
    finally:
        assert srv.stop()[0] == 0


def transfer(target, srv):
    """A student of B's school 2 moves to A's school 2: the users came
    over from the counties with their passwords."""
    sid = int(sql(target, "select s.id from students s join schools sc"
                  " on sc.id = s.school_id where sc.code = '%s' and"
                  " s.grade = '12' and s.status = 'enrolled' order by s.id"
                  " limit 1" % school(B, 2))[0])
    to = int(sql(target, "select id from schools where code = '%s'"
                 % school(A, 2))[0])
    apis = {n: Api(srv.base, n, PW)
            for n in ("a_reg", "a_bureau", "b_reg", "b_bureau")}
    try:
        no = sql(target, "select registry_no from students where id = %d"
                 % sid)[0]
        r = apis["a_reg"].get("/students/lookup", params={"registry_no": no})
        assert r.status_code == 200 and r.json()["id"] == sid, r.text
        c = started(apis["a_reg"], type="transfer_in", student_id=sid,
                    registry_no=no)
        assert [s["actor_kind"] for s in c["steps"]] == [
            "county", "school", "county"]
        for who in ("a_bureau", "b_reg", "b_bureau"):
            c = approve(apis[who], c["id"])
        assert c["status"] == "approved"
        r = apis["a_reg"].get("/students/%d" % sid)
        assert r.status_code == 200, r.text
        assert r.json()["student"]["school_id"] == to
    finally:
        for x in apis.values():
            x.close()


def test_second_run_copies_nothing(counties):
    target = counties["target"]
    before = [count(target, t) for t in ("students", "audit_log", "users")]
    p = migrate(counties["a"], target)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "nothing copied" in p.stdout
    assert [count(target, t) for t in ("students", "audit_log",
                                       "users")] == before


def test_conflict_refused_then_skipped(counties):
    target = counties["target"]
    c = make_county(counties["tmp"] / "c.db", C, 3, 60, [])
    # one of C's students is, by ID number, a student of A already in
    # the target (registered twice, in two counties) ...
    a_id_no, a_name = county_sql(
        counties["a"], "select id_no, name from students where id_no is not"
        " null order by id limit 1")[0].split("|")
    dup = county_sql(c, "select id from students order by id limit 1")[0]
    county_sql(c, "update students set id_no = '%s' where id = %s"
               % (a_id_no, dup))
    # another one's former registry number is a student's of B
    b_regno = county_sql(counties["b"], "select registry_no from students"
                         " order by id limit 1")[0]
    county_sql(c, "insert into student_aliases (registry_no, student_id,"
               " created_at, province) select '%s', id, '2026-09-01', province"
               " from students order by id limit 1 offset 1" % b_regno)
    students = count(target, "students")
    audit = count(target, "audit_log")

    p = migrate(c, target)
    assert p.returncode != 0
    assert "未合并任何数据" in p.stderr, p.stderr
    lines = [l for l in p.stdout.splitlines() if "conflict" in l]
    assert len(lines) == 2, p.stdout
    assert "县 %s" % B in lines[1]
    # masked, naming the source and the target school
    assert a_id_no not in p.stdout and a_id_no[:14] + "****" in lines[0]
    assert school(C, 1) in lines[0] or school(C, 2) in lines[0] \
        or school(C, 3) in lines[0]
    assert "县 %s" % A in lines[0]
    assert count(target, "students") == students
    assert count(target, "audit_log") == audit
    assert sql(target, "select count(*) from consolidations") == ["2"]

    p = migrate(c, target, "--skip-conflicts")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "58 students copied, 2 left out" in p.stdout
    assert count(target, "students") == students + 58
    # A's student is not overwritten: still one record, at A's school
    assert sql(target, "select sc.county_code, s.name from students s join"
               " schools sc on sc.id = s.school_id where s.id_no = '%s'"
               % a_id_no) == ["%s|%s" % (A, a_name)]
    p = cli_ok("check", db=target)
    assert "audit chain: ok" in p.stdout
    p = migrate(c, target, "--skip-conflicts")
    assert p.returncode == 0 and "nothing copied" in p.stdout


def test_edited_source_audit_refused(counties):
    target = counties["target"]
    d = counties["tmp"] / "d.db"
    county_ok(d, "init", env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    county_ok(d, "gen", "--county", "441803", "--schools", "1",
              "--students", "10")
    county_sql(d, "drop trigger audit_log_no_update;"
               " update audit_log set username = 'someone' where id = 1")
    students = count(target, "students")
    p = migrate(d, target)
    assert p.returncode != 0
    assert "审计日志校验未通过" in p.stderr, p.stderr
    assert count(target, "students") == students
