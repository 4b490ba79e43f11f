"""Flows of students (issue 11 point 5; docs/internals/flows.md): moves
counted by origin and destination at a level, by type, grade and month,
at the edges of the date range; a cross-county transfer counted once out
of one county and once into the other (internal for their city); scope
(a county never sees another county's internal moves, a school only its
own); the students behind a figure; the follow-up list of moves approved
at one end and never completed, which appears after change.followup_days
and not before (XJ_FAKE_NOW); the dashboard's summary and the XLSX table.

Own world (changes_world.py), clock at Monday 2026-09-28 10:00 CST.
"""
import io
import re
import zipfile

import pytest

from changes_world import ChangeWorld, approve, clock, epoch, started
from changes_world import school_code as code
from conftest import err_code, sql

YS, YD, TH = "441823", "441881", "440106"


USERS = [
    ("ys_bureau", "bureau", ["--region", YS]),
    ("yd_bureau", "bureau", ["--region", YD]),
    ("th_bureau", "bureau", ["--region", TH]),
    ("qy_bureau", "bureau", ["--region", "4418"]),
    ("ys_reg1", "registrar", ["--school", code(YS, 1)]),
    ("ys_reg2", "registrar", ["--school", code(YS, 2)]),
    ("ys_reg3", "registrar", ["--school", code(YS, 3)]),
    ("ys_reg4", "registrar", ["--school", code(YS, 4)]),
    ("ys_reg5", "registrar", ["--school", code(YS, 5)]),
    ("yd_reg1", "registrar", ["--school", code(YD, 1)]),
    ("yd_reg2", "registrar", ["--school", code(YD, 2)]),
    ("th_reg1", "registrar", ["--school", code(TH, 1)]),
    ("th_reg2", "registrar", ["--school", code(TH, 2)]),
]
NOW = epoch(2026, 9, 28)
SEPT = {"from": "2026-09-01", "to": "2026-09-30"}


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    world = ChangeWorld(tmp_path_factory.mktemp("flows"),
                        [(YS, 6, 21), (YD, 2, 22), (TH, 2, 13)], USERS, NOW,
                        per_school=40)
    yield world
    assert world.close() == 0


def stage(w, c):
    return sql(w.db, "select stage from schools where code = '%s'" % c)[0]


def same_stage(w, county, other):
    """The first school of @county of the stage of school @other."""
    for n in range(1, 7):
        c = code(county, n)
        if sql(w.db, "select count(*) from schools where code = '%s'" % c) \
                != ["0"] and stage(w, c) == stage(w, other):
            return c
    raise AssertionError("no school of stage %s in %s" % (stage(w, other),
                                                           county))


def sheet_rows(content):
    """The cells' text of the first sheet, row by row."""
    z = zipfile.ZipFile(io.BytesIO(content))
    assert z.testzip() is None
    xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    return [[re.sub(r"<[^>]+>", "", c) for c in
             re.findall(r"<c [^>]*>(.*?)</c>", row, re.S)]
            for row in re.findall(r"<row [^>]*>(.*?)</row>", xml, re.S)]


def regno(w, sid):
    return sql(w.db, "select registry_no from students where id = %d"
               % sid)[0]


def flows(a, **params):
    r = a.get("/flows", params=dict(SEPT, **params))
    assert r.status_code == 200, r.text
    return r.json()


def drill(a, **params):
    r = a.get("/flows/students", params=dict(SEPT, per_page=200, **params))
    assert r.status_code == 200, r.text
    return r.json()


def totals(a, **params):
    t = flows(a, **params)["totals"]
    return (t["out"], t["in"], t["internal"])


def transfer(w, sid, to_code, last=True):
    """Transfer @sid into school @to_code, approved by every step (or all
    but the last when not @last): the Change."""
    to = "%s_reg%s" % ({YS: "ys", YD: "yd", TH: "th"}[to_code[1:7]],
                       int(to_code[7:]))
    c = started(w.api(to), type="transfer_in", student_id=sid,
                registry_no=regno(w, sid))
    steps = c["steps"] if last else c["steps"][:-1]
    for s in steps:
        c = approve(w.api(actor(w, s)), c["id"])
    return c


def actor(w, step):
    if step["actor_kind"] == "school":
        scode = sql(w.db, "select code from schools where id = %d"
                    % step["actor_school_id"])[0]
        return "%s_reg%d" % ({YS: "ys", YD: "yd", TH: "th"}[scode[1:7]],
                             int(scode[7:]))
    return {YS: "ys_bureau", YD: "yd_bureau", TH: "th_bureau",
            "4418": "qy_bureau"}[step["actor_region"]]


def school_grade(w, scode):
    """A grade both taught at @scode and held by an enrolled student there."""
    return sql(w.db, "select grade from students where school_id = %d and"
               " status = 'enrolled' and grade not in"
               " ('11', '16', '21', '23', '24', '31', '33', '41', '43')"
               " order by grade limit 1" % w.sid(scode))[0]


@pytest.fixture(scope="module")
def cross(w):
    """One cross-county transfer YD -> YS (same city) on 2026-09-28."""
    src = code(YD, 2)
    dst = same_stage(w, YS, src)
    grade = school_grade(w, src)
    sid = w.student(src, grade)
    c = transfer(w, sid, dst)
    assert c["status"] == "approved"
    return {"sid": sid, "from": src, "to": dst, "grade": grade}


def test_cross_county_transfer_counted_once_each_side(w, cross):
    ys, yd = w.api("ys_bureau"), w.api("yd_bureau")
    assert totals(ys) == (0, 1, 0)
    assert totals(yd) == (1, 0, 0)
    # the city holds both ends: internal, once
    assert totals(w.api("qy_bureau")) == (0, 0, 1)
    assert totals(w.api("admin")) == (0, 0, 1)
    # another county sees nothing of it
    assert totals(w.api("th_bureau")) == (0, 0, 0)
    rep = flows(ys)
    assert rep["level"] == "county"
    assert [(l["origin"], l["destination"], l["type"], l["direction"],
             l["count"]) for l in rep["links"]] == [
        (YD, YS, "transfer", "in", 1)]
    assert rep["links"][0]["origin_name"] == "英德市"
    assert rep["by_type"] == [{"key": "transfer", "label": "转学", "out": 0,
                               "in": 1, "internal": 0}]
    assert rep["by_grade"] == [{"key": cross["grade"], "out": 0, "in": 1,
                                "internal": 0}]
    assert rep["by_month"] == [{"key": "2026-09", "out": 0, "in": 1,
                                "internal": 0}]
    # levels: the city sees one flow 441800 -> 441800, the school level
    # names the schools
    city = flows(w.api("qy_bureau"), level="city")["links"]
    assert [(l["origin"], l["destination"]) for l in city] == [
        ("441800", "441800")]
    sch = flows(ys, level="school")["links"]
    assert [(l["origin"], l["destination"]) for l in sch] == [
        (cross["from"], cross["to"])]


def test_range_grade_and_type_edges(w, cross):
    ys = w.api("ys_bureau")
    day = {"from": "2026-09-28", "to": "2026-09-28"}
    assert totals(ys, **day) == (0, 1, 0)
    assert totals(ys, **{"from": "2026-09-01", "to": "2026-09-27"}) \
        == (0, 0, 0)
    assert totals(ys, **{"from": "2026-09-29", "to": "2026-10-31"}) \
        == (0, 0, 0)
    assert totals(ys, grade=cross["grade"]) == (0, 1, 0)
    other = "%d" % (int(cross["grade"]) + 1)
    assert totals(ys, grade=other) == (0, 0, 0)
    assert totals(ys, type="transfer") == (0, 1, 0)
    assert totals(ys, type="death") == (0, 0, 0)
    # the default range is the current school year (2026-09-01..2027-08-31)
    r = ys.get("/flows")
    assert r.status_code == 200
    assert (r.json()["from"], r.json()["to"]) == ("2026-09-01", "2027-08-31")
    assert r.json()["totals"]["in"] >= 1
    for bad, field in (({"from": "2026-02-30"}, "from"),
                       ({"to": "2026-13-01"}, "to"),
                       ({"from": "2026-09-10", "to": "2026-09-01"}, "to"),
                       ({"level": "town"}, "level"),
                       ({"type": "flying"}, "type")):
        r = ys.get("/flows", params=bad)
        assert r.status_code == 400 and err_code(r) == "bad_param", bad
        assert r.json()["error"]["field"] == field, bad


def test_drill_to_the_students(w, cross):
    ys = w.api("ys_bureau")
    d = drill(ys, origin=YD, destination=YS, type="transfer")
    assert d["total"] == 1
    [it] = d["items"]
    assert it["student_id"] == cross["sid"]
    assert it["date"] == "2026-09-28" and it["direction"] == "in"
    assert "*" in it["registry_no"] and it["registry_no"] != regno(
        w, cross["sid"])
    assert drill(ys, origin=YS)["total"] == 0
    assert drill(ys, month="2026-08")["total"] == 0
    assert drill(ys, direction="out")["total"] == 0
    # narrowing to a region outside one's own answers 404 like missing
    r = ys.get("/flows/students", params={"region": YD})
    assert r.status_code == 404
    r = w.api("qy_bureau").get("/flows/students",
                               params=dict(SEPT, region=YD))
    assert r.status_code == 200 and r.json()["total"] == 1


def test_scope_internal_and_school(w, cross):
    """An internal YS transfer and a death: YD never sees them; each
    school sees only its own moves."""
    src, dst = code(YS, 5), code(YS, 4)     # two primary schools
    assert stage(w, src) == stage(w, dst) and cross["to"] == dst
    sid = w.student(src, school_grade(w, src))
    assert transfer(w, sid, dst)["status"] == "approved"
    gone = w.student(code(YS, 1), school_grade(w, code(YS, 1)))
    c = started(w.api("ys_reg1"), type="death", student_id=gone,
                reason="因病去世")
    for s in c["steps"]:
        c = approve(w.api(actor(w, s)), c["id"])
    assert c["status"] == "approved"
    ys = w.api("ys_bureau")
    assert totals(ys) == (1, 1, 1)
    assert totals(w.api("yd_bureau")) == (1, 0, 0)
    death = [l for l in flows(ys)["links"] if l["type"] == "death"]
    assert [(l["origin"], l["destination"], l["direction"]) for l in death] \
        == [(YS, "outside", "out")]
    assert death[0]["destination_name"] == "系统外（去向不明）"
    assert drill(w.api("yd_bureau"), origin=YS, destination=YS)["total"] == 0
    # schools: each sees its own moves, in its own direction
    assert totals(w.api("ys_reg5")) == (1, 0, 0)
    assert totals(w.api("ys_reg4")) == (0, 2, 0)
    assert totals(w.api("ys_reg1")) == (1, 0, 0)
    assert totals(w.api("ys_reg2")) == (0, 0, 0)
    assert [i["student_id"] for i in drill(w.api("ys_reg1"))["items"]] \
        == [gone]
    assert w.api("ys_reg1").get("/flows", params={"region": YS}) \
        .status_code == 404


def test_summary_for_the_dashboard(w, cross):
    r = w.api("ys_bureau").get("/flows/summary", params=SEPT)
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["totals"]["in"] >= 1
    assert {"key": YD, "name": "英德市", "count": 1} in s["top_origins"]
    assert "school_choice" in s and "total" in s["school_choice"]
    assert s["followup"] == 0
    r = w.api("yd_reg2").get("/flows/summary", params=SEPT)
    assert r.status_code == 200
    assert r.json()["top_destinations"][0]["count"] == 1
    assert "school_choice" not in r.json()


def test_xlsx_has_every_row(w, cross):
    ys = w.api("ys_bureau")
    rep = flows(ys)
    r = ys.get("/flows.xlsx", params=SEPT)
    assert r.status_code == 200, r.text
    rows = sheet_rows(r.content)
    assert rows[0] == ["流出地代码", "流出地", "流入地代码", "流入地", "类型",
                       "方向", "人数"]
    # one row per link, every one, then three total rows
    assert len(rows) == 1 + len(rep["links"]) + 3
    assert [(x[0], x[2], x[6]) for x in rows[1:-3]] == [
        (l["origin"], l["destination"], str(l["count"]))
        for l in rep["links"]]
    # (empty cells are not written)
    assert rows[-3:] == [["合计", d, str(rep["totals"][k])] for d, k in (
        ("流出", "out"), ("流入", "in"), ("内部", "internal"))]
    assert sql(w.db, "select count(*) from audit_log where action ="
               " 'flows.export'") == ["1"]


def test_followup_after_the_deadline_not_before(w):
    """A TH -> YS transfer approved by the receiving county only (one end)
    on 2026-09-28 and then left: listed when it has waited more than 30
    days (default change.followup_days), not at 30."""
    src = code(TH, 2)
    dst = same_stage(w, YS, src)
    sid = w.student(src, school_grade(w, src))
    c = transfer(w, sid, dst, last=False)
    assert c["status"] == "pending"
    assert c["steps"][0]["status"] == "approved"
    # 其他离校: a senior student (no dropout case: listed) and a primary
    # one (a dropout case follows them: only counted)
    assert stage(w, code(YS, 1)) != stage(w, code(YS, 4))
    left = []
    for reg, scode in (("ys_reg1", code(YS, 1)), ("ys_reg4", code(YS, 4))):
        left.append(w.student(scode, school_grade(w, scode)))
        lc = started(w.api(reg), type="leave", student_id=left[-1],
                     reason="随父母外出务工，去向不明")
        for st in lc["steps"]:
            lc = approve(w.api(actor(w, st)), lc["id"])
        assert lc["status"] == "approved"
    r = w.api("ys_bureau").get("/flows/followup")
    assert r.status_code == 200 and r.json()["days"] == 30
    assert sid not in [i["student_id"] for i in r.json()["items"]]
    with clock(w, epoch(2026, 10, 28)) as later:
        r = w.api("ys_bureau", later).get("/flows/followup")
        assert r.status_code == 200
        assert sid not in [i["student_id"] for i in r.json()["items"]]
        assert r.json()["items"] == [] and r.json()["in_dropout_cases"] == 0
    with clock(w, epoch(2026, 10, 29)) as later:
        r = w.api("ys_bureau", later).get("/flows/followup")
        assert r.status_code == 200
        [it] = [i for i in r.json()["items"] if i["student_id"] == sid]
        assert (it["kind"], it["request_id"], it["days_waited"]) == (
            "transfer", c["id"], 31)
        assert it["school_id"] == w.sid(src) and it["to_school_id"] == \
            w.sid(dst)
        assert "*" in it["registry_no"]
        [lt] = [i for i in r.json()["items"] if i["kind"] == "left"]
        assert (lt["student_id"], lt["days_waited"]) == (left[0], 31)
        assert r.json()["in_dropout_cases"] == 1
        # the sending county sees it too, another county does not
        ids = [i["student_id"] for i in w.api("th_bureau", later).get(
            "/flows/followup").json()["items"]]
        assert sid in ids
        ids = [i["student_id"] for i in w.api("yd_bureau", later).get(
            "/flows/followup").json()["items"]]
        assert sid not in ids
        s = w.api("ys_bureau", later).get("/flows/summary").json()
        assert s["followup"] >= 1
