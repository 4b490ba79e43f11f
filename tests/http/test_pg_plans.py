"""No sequential scan of a registry table behind any list, dashboard or
statistics route the UI uses (issue 10 point 7), on PostgreSQL only.

A second server runs on the world's database with connection options that
make every one of its sessions load auto_explain (every statement's plan,
nested ones too, sent to the client as a WARNING, which libpq's default
notice processor writes to the server's stderr) and plan with
enable_seqscan=off: a Seq Scan the planner still chooses then has no index
that could serve the statement.  Each route is requested alone and the
plans written meanwhile are its own; the test fails naming the route, the
statement and the table.  With seq scans off the size of the tables does
not matter, so a small world checks the plans of a province's (the real
scale's plans: bench/province_bench.sh).

Registry tables: those with a row per student, per thing that happened to
one or per class (REGISTRY_TABLES); reference tables (regions, schools,
settings, terms, users ...) and the small job tables are not.
"""
import time
import urllib.parse

import pytest

from changes_world import ChangeWorld, epoch
from conftest import BACKEND, PW, Server, cli_ok, db_url, sql
from pgplans import (OPTIONS, REGISTRY_TABLES, explained, index_scans,
                     partitions, plans, table_of)

pytestmark = pytest.mark.skipif(
    BACKEND != "pg", reason="EXPLAIN plans of PostgreSQL (XUEJI_TEST_DB=pg)")

YS, YD = "441823", "441881"

def code(county, n):
    return "2%s%03d" % (county, n)


USERS = [
    ("p_ys", "bureau", ["--region", YS]),
    ("p_city", "bureau", ["--region", "4418"]),
    ("p_reg1", "registrar", ["--school", code(YS, 1)]),
]


class Checked:
    """The server planning with seq scans off: request() records each
    route's statements that scan a registry table sequentially."""

    def __init__(self, w, now):
        url = db_url(w.db) + "?options=" + urllib.parse.quote(OPTIONS)
        logdir = w.tmp / "checked"   # not the world server's log
        logdir.mkdir(exist_ok=True)
        self.server = Server(w.db, ["serve"], logdir,
                             env={"XJ_FAKE_NOW": str(now)}, url=url)
        self.w = w
        self.seen = 0
        self.statements = 0
        self.bad = []
        self.take("server start")

    def take(self, label):
        text = self.server.stderr_text()
        new, self.seen = text[self.seen:], len(text)
        for stmt, tables in plans(new):
            self.statements += 1
            for t in sorted(set(tables) & REGISTRY_TABLES):
                self.bad.append("%s: Seq Scan on %s in: %s"
                                % (label, t, stmt[:400]))

    def request(self, who, method, path, **kw):
        a = self.w.api(who, server=self.server)
        self.take("(background, before %s %s)" % (method, path))
        r = a.request(method, path, **kw)
        label = "%s %s %s as %s" % (method, path, kw.get("params", ""), who)
        assert r.status_code in (200, 201, 202), (label, r.text[:300])
        self.take(label)
        return r


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    world = ChangeWorld(tmp_path_factory.mktemp("plans"),
                        [(YS, 4, 61), (YD, 2, 62)], USERS,
                        epoch(2026, 11, 10, 9), per_school=40)
    world.cls1 = [int(x) for x in sql(
        world.db, "select id from classes where school_id = %d order by id"
        % world.sid(code(YS, 1)))]
    cli_ok("user", "add", "p_teacher", "--role", "teacher", "--school",
           code(YS, 1), "--class", str(world.cls1[0]), db=world.db,
           env=dict(world.env, XUEJI_PASSWORD=PW))
    world.passwords["p_teacher"] = PW
    try:
        fill(world)
    except BaseException:
        world.close()     # no server left behind by a failed set-up
        raise
    yield world
    assert world.close() == 0


def ok(r, *codes):
    assert r.status_code in (codes or (200, 201)), r.text[:300]
    return r.json()


def fill(w):
    """A row in the tables the routes read: a change, a dropout case,
    absences, a verification tick, a ghost sweep, a flagged record."""
    reg, bureau = w.api("p_reg1"), w.api("p_ys")
    s1 = w.student(code(YS, 1))
    w.change = ok(reg.post("/changes", json={
        "type": "suspend", "student_id": s1, "reason": "病休",
        "end_date": "2027-06-30"}))["change"]["id"]
    s2 = int(sql(w.db, "select st.id from students st join schools sc on"
                 " sc.id = st.school_id where sc.county_code = '%s' and"
                 " st.status = 'enrolled' and st.grade < '30' and st.id <> %d"
                 " order by st.id limit 1" % (YS, s1))[0])
    w.case = ok(bureau.post("/dropout/cases", json={
        "student_id": s2, "reason": "连续多日未到校"}))["id"]
    ok(w.api("admin").post("/attendance", json={"entries": [
        {"student_id": s2, "date": d, "part": "full", "reason": "unexcused"}
        for d in ("2026-11-02", "2026-11-03", "2026-11-04")]}), 200)
    w.sample = int(sql(w.db, "select id from students where class_id = %d"
                       " and status = 'enrolled' order by id limit 1"
                       % w.cls1[0])[0])
    ok(reg.post("/verification/ticks", json={
        "school_year": 2026, "term": 1, "ticks": [
            {"student_id": w.sample, "present": True, "correct": True}]}),
       200)
    sweep = ok(bureau.post("/verification/ghosts/sweep", json={}),
               200, 202)["sweep"]
    for _ in range(300):
        if bureau.get("/verification/ghosts/sweeps/%d" % sweep["id"]).json()[
                "sweep"]["state"] != "running":
            break
        time.sleep(0.1)
    sql(w.db, "update students set dup_flag = 1 where id = %d" % w.sample)
    w.regno = sql(w.db, "select registry_no from students where id = %d"
                  % w.sample)[0]
    w.name = sql(w.db, "select name from students where id = %d"
                 % w.sample)[0]


def junior_school(w):
    return int(sql(w.db, "select id from schools where county_code = '%s'"
                   " and stage in ('junior', 'nine_year') order by id limit 1"
                   % YS)[0] or 0)


def test_no_seq_scan_of_a_registry_table(w):
    c = Checked(w, epoch(2026, 11, 10, 10))
    try:
        drive(c, w)
    finally:
        rc, _ = c.server.stop()
    assert c.statements > 200, "auto_explain wrote no plans: %d" % (
        c.statements)
    assert not c.bad, "sequential scans with enable_seqscan=off (no index" \
        " can serve them):\n" + "\n".join(c.bad)
    assert rc == 0


def test_county_reads_prune_to_its_province(w):
    """students is partitioned by province (migration 0040): the student
    list of a county (its region shape, a grade of it, its name search)
    and its dashboard read only the partition of the county's province
    (44), every other one pruned when the statement starts."""
    c = Checked(w, epoch(2026, 11, 10, 10))
    try:
        c.take("server start")
        start = c.seen
        g = lambda path, **p: c.request("p_ys", "GET", path, params=p)  # noqa
        g("/students")
        g("/students", grade="31")
        g("/students", q=w.name[1:], sort="name")
        g("/dashboard", level="county", code=YS)
        text = c.server.stderr_text()[start:]
    finally:
        rc, _ = c.server.stop()
    read = partitions(text, "students")
    scoped = [(stmt, parts) for stmt, parts in read
              if "st.province = CAST(substr($1" in stmt]
    assert len(scoped) >= 4, read
    wide = [(stmt[:300], sorted(parts)) for stmt, parts in scoped
            if parts != {"students_44"}]
    assert not wide, wide
    assert rc == 0


def test_number_lookups_read_the_identity_tables(w):
    """On PostgreSQL students has no index of its own on the ID number or
    the registry number (migration 0043): a look-up by either reads the
    number's key in student_identities and registry_numbers (0038) --
    the list's whole-number search as the holders of its page, and
    /students/lookup then students by (id, province) alone: one
    partition, never a scan or a walk of students."""
    idno = sql(w.db, "select id_no from students where id = %d"
               % w.sample)[0]
    lead = set(sql(w.db, "select c.relname || ' ' || a.attname"
                   " from pg_index i join pg_class c on c.oid = i.indrelid"
                   " join pg_attribute a on a.attrelid = i.indrelid"
                   " and a.attnum = i.indkey[0]"
                   " where c.relnamespace = 'public'::regnamespace and"
                   " c.relname in ('students', 'student_identities',"
                   " 'registry_numbers')"))
    assert {"student_identities id_no", "registry_numbers registry_no"} \
        <= lead, lead
    assert not {"students id_no", "students registry_no"} & lead, lead
    c = Checked(w, epoch(2026, 11, 10, 10))
    try:
        both = {"student_identities": "id_no",
                "registry_numbers": "registry_no"}
        for who, path, params, keys, by_key in (
                ("p_ys", "/students", {"q": w.regno}, both, False),
                ("p_ys", "/students", {"q": idno}, both, False),
                ("p_city", "/students/lookup", {"registry_no": w.regno},
                 {"registry_numbers": "registry_no"}, True),
                ("p_city", "/students/lookup", {"id_no": idno},
                 {"student_identities": "id_no"}, True)):
            c.take("before %s %s" % (path, params))
            start = c.seen
            r = c.request(who, "GET", path, params=params)
            found = r.json().get("id") or [s["id"] for s in
                                           r.json()["items"]]
            assert found in (w.sample, [w.sample]), (path, params, r.text)
            number_read(c.server.stderr_text()[start:], keys, by_key,
                        "%s %s" % (path, params))
    finally:
        rc, _ = c.server.stop()
    assert not c.bad, c.bad
    assert rc == 0


def number_read(text, keys, by_key, label):
    """The plans in @text read each identity table of @keys ({table:
    column}) by the number and, when @by_key, students by its key (id,
    province) only."""
    conds = {(rel, cond) for _, plan in explained(text)
             for rel, _, cond in index_scans(plan)}
    for table, key in keys.items():
        assert any(rel == table and cond.startswith("(%s = " % key)
                   for rel, cond in conds), (label, table, conds)
    students = [(rel, cond) for rel, cond in conds
                if table_of(rel) == "students"]
    assert students, (label, conds)
    for rel, cond in students if by_key else ():
        assert cond.startswith("((id = ") and "province = " in cond, \
            (label, rel, cond)


def drive(c, w):
    s1 = w.sid(code(YS, 1))
    cls = w.cls1[0]
    county = {"level": "county", "code": YS}
    g = lambda who, path, **p: c.request(who, "GET", path, params=p)  # noqa
    # the student list: scope, filters, search, sorts, the 毕业生 list
    for who in ("p_ys", "p_reg1", "p_teacher", "p_city"):
        g(who, "/students")
    for p in ({"grade": "31"}, {"q": w.name[:1]}, {"q": w.name},
              {"school_id": s1}, {"school_id": s1, "grade": "11"},
              {"class_id": cls}, {"status": "suspended"}, {"dup_flag": 1},
              {"warned": 1}, {"warned": 2}, {"sort": "name"},
              {"sort": "birth_date", "order": "desc"}, {"sort": "grade"},
              {"sort": "created"}, {"page": 3, "per_page": 20},
              {"graduated": 2026}, {"q": w.regno}):
        g("p_ys", "/students", **p)
    g("p_reg1", "/students", grade="11", q=w.name[:1])
    # the name search's gram shapes (0033): a county, a city, the whole
    # registry; one character with a grade reads the grade's rows
    g("p_ys", "/students", q=w.name[1:], sort="name")
    g("p_ys", "/students", q=w.name[:1], grade="31")
    g("p_city", "/students", q=w.name[-2:])
    g("admin", "/students", q=w.name)
    g("admin", "/students", q=w.name[:1], page=5)
    g("p_ys", "/students/%d" % w.sample)
    g("p_ys", "/students/%d/events" % w.sample)
    g("p_ys", "/students/lookup", registry_no=w.regno)
    # schools and classes
    g("p_ys", "/schools")
    g("p_ys", "/schools/%d" % s1)
    g("p_ys", "/classes", school_id=s1)
    g("p_reg1", "/classes")
    g("p_ys", "/classes/%d" % cls)
    # changes, duplicates, dropout, suspensions
    for box in ("todo", "started", "all"):
        g("p_reg1", "/changes", box=box)
        g("p_ys", "/changes", box=box)
    g("p_ys", "/changes", overdue=1)
    g("p_reg1", "/changes/counts")
    g("p_ys", "/changes/counts")
    g("p_ys", "/changes/backlog")
    g("p_reg1", "/changes/%d" % w.change)
    g("p_ys", "/duplicates")
    g("p_reg1", "/duplicates", state="open")
    g("p_ys", "/dropout/cases")
    g("p_reg1", "/dropout/cases", status="open")
    g("p_ys", "/dropout/cases/%d" % w.case)
    g("p_ys", "/dropout/ledger")
    g("p_reg1", "/dropout/ledger")
    g("p_ys", "/suspensions/overdue")
    # class sizes
    g("p_ys", "/class-sizes", county=YS)
    g("p_reg1", "/class-sizes", school_id=s1)
    g("p_ys", "/class-sizes/trend", county=YS)
    g("p_ys", "/class-sizes/settings", county=YS)
    # the dashboard of each unit, and the list behind every figure
    for who, unit in (("p_ys", county), ("p_reg1", {}),
                      ("p_ys", {"level": "school", "code": s1}),
                      ("p_ys", {"level": "class", "code": cls}),
                      ("p_city", {"level": "city", "code": "4418"}),
                      ("p_ys", dict(county, asof="2026-09-01"))):
        d = g(who, "/dashboard", **unit).json()
    panels = g("p_ys", "/dashboard", **county).json()["panels"]
    for panel, key in drill_keys(panels):
        g("p_ys", "/dashboard/students", panel=panel, key=key, **county)
    # progression, flows, zones, intake
    g("p_ys", "/progress/school-choice")
    g("p_ys", "/flows")
    g("p_ys", "/flows", level="school", type="transfer")
    g("p_ys", "/flows/students")
    g("p_ys", "/flows/followup")
    g("p_ys", "/flows/summary")
    g("p_reg1", "/flows/summary")
    g("p_ys", "/zones", county=YS)
    jr = junior_school(w)
    if jr:
        g("p_ys", "/intake", school_id=jr)
    # attendance, verification
    g("p_ys", "/attendance/terms", county=YS)
    g("p_reg1", "/attendance/classes/%d" % cls, **{"from": "2026-11-02"})
    g("p_ys", "/attendance/suspects")
    g("p_reg1", "/attendance/suspects")
    g("p_reg1", "/attendance/rate", school=s1)
    g("p_ys", "/verification/progress")
    g("p_reg1", "/verification/progress")
    g("p_reg1", "/verification/classes/%d" % cls)
    g("p_ys", "/verification/ghosts")
    # jobs, accounts, audit, reference data
    g("p_reg1", "/imports")
    g("p_ys", "/exports")
    g("admin", "/users")
    g("admin", "/audit")
    g("admin", "/audit", page=2)
    g("p_ys", "/holidays", year=2026)
    g("p_ys", "/session")
    # the year-end preview reads a county's students (a POST, writes
    # nothing)
    c.request("p_ys", "POST", "/yearend/preview", json={"county": YS})
    c.request("p_reg1", "POST", "/yearend/preview", json={"school_id": s1})
    del d


def drill_keys(panels):
    """(panel, key) of figures of each drillable panel of a county's
    dashboard (the keys docs/api.md lists)."""
    keys = [("enrolment", "*|*"), ("enrolment", "11|1"),
            ("class_sizes", "large"), ("dropout", "open"),
            ("dropout", "suspected"), ("absence", "absent"),
            ("duplicates", "flagged"), ("ghosts", "open"),
            ("verify", "students"), ("verify", "settled"),
            ("verify", "pending"), ("flows", "out"), ("flows", "in"),
            ("flows", "transfer|out")]
    rows = panels.get("units", {}).get("rows", [])
    if rows:
        keys.append(("units", rows[0]["code"]))
    return [(p, k) for p, k in keys if p in panels]
