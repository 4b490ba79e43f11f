"""Dropout control (控辍保学, issue 11 point 2; domain.md §9): the sources
that open a case (其他离校 on the transition and by the sweep, 休学 not
resumed after its end date under the fake clock, manual opening with a
reason), the case's entries, stage, closure (动态销号 on 复学) and
reopening, the refusal of 退学 / 注销 while a case is open, scope (another
school or county answers 404 like missing), the ledger with retention
rates, and the monthly / quarterly XLSX reports.

Own world (changes_world.py), clock at Monday 2026-09-28 10:00 CST.
"""
import contextlib
import io
import os
import re
import time
import zipfile

import pytest

from changes_world import ChangeWorld, approve, clock, epoch, start, started
from changes_world import school_code as code
from conftest import err_code, sql

YS, YD = "441823", "441881"


USERS = [
    ("ys_bureau", "bureau", ["--region", YS]),
    ("yd_bureau", "bureau", ["--region", YD]),
    ("ys_reg1", "registrar", ["--school", code(YS, 1)]),   # senior
    ("ys_reg4", "registrar", ["--school", code(YS, 4)]),   # primary
    ("ys_reg5", "registrar", ["--school", code(YS, 5)]),   # primary
    ("yd_reg1", "registrar", ["--school", code(YD, 1)]),
]
NOW = epoch(2026, 9, 28)


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    world = ChangeWorld(tmp_path_factory.mktemp("dropout"),
                        [(YS, 6, 21), (YD, 2, 22)], USERS, NOW,
                        per_school=40)
    # every generated student was on the roll before 1 September (the
    # retention base of school year 2026)
    sql(world.db, "update students set created_at = '2026-06-01T00:00:00Z',"
        " updated_at = '2026-06-01T00:00:00Z'")
    yield world
    assert world.close() == 0


def case_of(w, sid):
    rows = sql(w.db, "select id, source, stage, status, coalesce(outcome, '')"
               " from dropout_cases where student_id = %d order by id" % sid)
    return [r.split("|") for r in rows]


def get_case(a, cid):
    r = a.get("/dropout/cases/%d" % cid)
    assert r.status_code == 200, r.text
    return r.json()


def open_case(a, sid, reason="连续多日未到校，联系不上家长"):
    return a.post("/dropout/cases", json={"student_id": sid,
                                          "reason": reason})


def entry(a, cid, **body):
    return a.post("/dropout/cases/%d/entries" % cid, json=body)


def sweep(a):
    r = a.post("/dropout/sweep", json={})
    assert r.status_code == 200, r.text
    return r.json()


def audits(w, action):
    return sql(w.db, "select entity_id || '.' from audit_log"
               " where action = '%s'" % action)


# ------------------------------------------------------------ sources

def test_left_opens_a_case_on_the_transition(w):
    reg4, bureau = w.api("ys_reg4"), w.api("ys_bureau")
    sid = w.student(code(YS, 4), "13")
    c = started(reg4, type="leave", student_id=sid, reason="随父母外出务工，去向不明")
    assert case_of(w, sid) == []        # not before the approval
    approve(bureau, c["id"])
    assert sql(w.db, "select status from students where id = %d" % sid) \
        == ["left"]
    [[cid, source, stage, status, _]] = case_of(w, sid)
    assert (source, stage, status) == ("left", "suspected", "open")
    case = get_case(reg4, int(cid))
    assert case["entries"][0]["kind"] == "open"
    assert case["student_status"] == "left"
    assert "*" in case["registry_no"]
    kinds = sql(w.db, "select kind from student_events where student_id = %d"
                " order by id" % sid)
    assert kinds[-2:] == ["change.leave", "dropout.opened"]
    assert cid + "." in audits(w, "dropout.opened")
    # the sweep finds nothing more to open for this student
    assert sweep(bureau)["opened"] == 0
    assert len(case_of(w, sid)) == 1
    # a senior student who leaves gets no case (not compulsory); the
    # administrator acts on the city bureau's step
    senior = w.student(code(YS, 1), "32")
    c = started(w.api("ys_reg1"), type="leave", student_id=senior,
                reason="外出打工")
    approve(w.api("admin"), c["id"])
    assert sql(w.db, "select status from students where id = %d"
               % senior) == ["left"]
    assert case_of(w, senior) == []


def test_sweep_catches_up_left_records_once(w):
    bureau = w.api("ys_bureau")
    sid = w.student(code(YS, 5), "14")
    sql(w.db, "update students set status = 'left' where id = %d" % sid)
    r = w.api("ys_reg5").post("/dropout/sweep", json={})
    assert r.status_code == 403
    # another county's bureau does not sweep this county
    assert sweep(w.api("yd_bureau"))["opened"] == 0
    assert case_of(w, sid) == []
    got = sweep(bureau)
    assert got["opened"] == 1, got
    assert sweep(bureau)["opened"] == 0          # idempotent
    [[cid, source, _, status, _]] = case_of(w, sid)
    assert (source, status) == ("left", "open")
    # closed for another recorded outcome, the sweep does not reopen it
    r = bureau.post("/dropout/cases/%s/close" % cid,
                    json={"outcome": "aged_out", "reason": "已满16周岁"})
    assert r.status_code == 200, r.text
    assert sweep(bureau)["opened"] == 0
    assert len(case_of(w, sid)) == 1


def test_suspension_not_resumed_after_its_end_date(w):
    reg4, bureau = w.api("ys_reg4"), w.api("ys_bureau")
    sid = w.student(code(YS, 4), "12")
    c = started(reg4, type="suspend", student_id=sid, end_date="2026-10-30")
    approve(bureau, c["id"])
    assert sweep(bureau)["opened"] == 0          # not past its end yet
    assert case_of(w, sid) == []
    with clock(w, epoch(2026, 10, 30)) as last_day:
        assert sweep(w.api("ys_bureau", last_day))["opened"] == 0
    with clock(w, epoch(2026, 11, 2)) as later:
        b = w.api("ys_bureau", later)
        assert sweep(b)["opened"] == 1
        assert sweep(b)["opened"] == 0
        [[cid, source, stage, status, _]] = case_of(w, sid)
        assert (source, stage, status) == ("suspension", "suspected", "open")
        assert "2026-10-30" in get_case(b, int(cid))["detail"]
        # 复学 closes the case: 动态销号
        a = w.api("ys_reg4", later)
        c = started(a, type="resume", student_id=sid, reason="病愈返校")
        approve(b, c["id"])
        [[_, _, _, status, outcome]] = case_of(w, sid)
        assert (status, outcome) == ("closed", "returned")
        last = get_case(a, int(cid))["entries"][-1]
        assert last["kind"] == "close" and last["outcome"] == "returned"
        assert sweep(b)["opened"] == 0


@contextlib.contextmanager
def ticking(w, when):
    """A server on @w's database at @when whose daily sweep looks at the
    clock every second."""
    os.environ["XJ_DROPOUT_TICK_SECONDS"] = "1"
    try:
        cm = clock(w, when)
        srv = cm.__enter__()
    finally:
        os.environ["XJ_DROPOUT_TICK_SECONDS"] = "0"
    try:
        yield srv
    finally:
        cm.__exit__(None, None, None)


def wait_for(pred, seconds=20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.2)
    return pred()


def test_the_server_sweeps_once_a_day_by_itself(w):
    """No one presses 立即排查: the server's daily sweep opens the case of
    a suspension past its end, as the system, at or after
    dropout_sweep_hour; -1 turns it off."""
    reg5, bureau = w.api("ys_reg5"), w.api("ys_bureau")
    sid = w.student(code(YS, 5), "13")
    c = started(reg5, type="suspend", student_id=sid, end_date="2026-10-09")
    approve(bureau, c["id"])
    adm = w.api("admin")
    r = adm.patch("/system-settings", json={"dropout_sweep_hour": -1})
    assert r.status_code == 200, r.text
    # off: a server ticking every second opens nothing
    with ticking(w, epoch(2026, 10, 12, 9)):
        time.sleep(3)
        assert case_of(w, sid) == []
    adm = w.api("admin")
    # 10 o'clock is before the hour: nothing yet
    r = adm.patch("/system-settings", json={"dropout_sweep_hour": 11})
    assert r.status_code == 200, r.text
    with ticking(w, epoch(2026, 10, 12, 10)):
        time.sleep(3)
        assert case_of(w, sid) == []
    with ticking(w, epoch(2026, 10, 12, 11)):
        assert wait_for(lambda: len(case_of(w, sid)) == 1), "no case opened"
        time.sleep(2)     # once a day: no second case, no error
        [[cid, source, stage, status, _]] = case_of(w, sid)
    assert (source, stage, status) == ("suspension", "suspected", "open")
    actor = sql(w.db, "select actor from student_events where student_id = %d"
                " and kind like 'dropout%%' order by id desc limit 1" % sid)
    assert actor == ["system"], actor
    adm = w.api("admin")
    r = adm.patch("/system-settings", json={"dropout_sweep_hour": 2})
    assert r.status_code == 200, r.text


# ------------------------------------------------------------ the case

def test_manual_case_entries_closure_and_reopening(w):
    reg4 = w.api("ys_reg4")
    sid = w.student(code(YS, 4), "15")
    r = open_case(reg4, sid, reason="")
    assert r.status_code == 422 and err_code(r) == "required"
    r = open_case(reg4, sid)
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["source"] == "manual" and case["created"] is True
    cid = case["id"]
    r = open_case(reg4, sid, reason="再次立案")        # one case per student
    assert r.status_code == 200 and r.json()["id"] == cid
    assert r.json()["created"] is False
    # each kind needs who / how / outcome
    r = entry(reg4, cid, kind="home_visit", happened_on="2026-09-27",
              outcome="家长表示孩子在外打工")
    assert r.status_code == 422 and err_code(r) == "required"
    assert r.json()["error"]["field"] == "participants"
    r = entry(reg4, cid, kind="home_visit", happened_on="2026-10-05",
              participants="班主任王老师", outcome="未见到学生")
    assert r.status_code == 422 and err_code(r) == "range"   # future
    r = entry(reg4, cid, kind="visit", happened_on="2026-09-27")
    assert r.status_code == 422 and err_code(r) == "code"
    r = entry(reg4, cid, kind="report", happened_on="2026-09-27")
    assert r.status_code == 422 and r.json()["error"]["field"] == \
        "reported_to"
    ok = [dict(kind="contact", happened_on="2026-09-25", method="电话",
               outcome="无人接听"),
          dict(kind="home_visit", happened_on="2026-09-26",
               participants="班主任王老师、村委会李主任",
               outcome="学生随父在县城打工", detail="已说明义务教育法规定"),
          dict(kind="report", happened_on="2026-09-27",
               reported_to="七拱镇人民政府、县教育局", detail="书面报告"),
          dict(kind="persuasion", happened_on="2026-09-28",
               participants="校长、镇干部", method="上门劝返",
               outcome="家长同意下周一送回")]
    for body in ok:
        r = entry(reg4, cid, **body)
        assert r.status_code == 200, r.text
    timeline = get_case(reg4, cid)["entries"]
    assert [e["kind"] for e in timeline] == [
        "open", "contact", "home_visit", "report", "persuasion"]
    assert timeline[4]["participants"] == "校长、镇干部"
    assert timeline[4]["actor"] == "ys_reg4"
    # entries are the record: never rewritten
    with pytest.raises(AssertionError):
        sql(w.db, "update dropout_entries set outcome = 'x'")
    # closure needs a known outcome and a reason
    r = reg4.post("/dropout/cases/%d/close" % cid,
                  json={"outcome": "gone", "reason": "x"})
    assert r.status_code == 422 and err_code(r) == "code"
    r = reg4.post("/dropout/cases/%d/close" % cid,
                  json={"outcome": "returned"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
    r = reg4.post("/dropout/cases/%d/close" % cid,
                  json={"outcome": "returned", "reason": "已返校上课"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed"
    r = entry(reg4, cid, kind="note", happened_on="2026-09-28", detail="x")
    assert r.status_code == 409 and err_code(r) == "dropout_case_closed"
    r = reg4.post("/dropout/cases/%d/reopen" % cid, json={"reason": "又未到校"})
    assert r.status_code == 200 and r.json()["status"] == "open"
    r = reg4.post("/dropout/cases/%d/reopen" % cid, json={"reason": "x"})
    assert r.status_code == 409 and err_code(r) == "dropout_case_not_closed"
    kinds = [e["kind"] for e in get_case(reg4, cid)["entries"]]
    assert kinds[-2:] == ["close", "reopen"]
    for action in ("dropout.opened", "dropout.entry", "dropout.closed",
                   "dropout.reopened"):
        assert str(cid) + "." in audits(w, action), action
    # a senior student cannot have a case
    r = open_case(w.api("ys_reg1"), w.student(code(YS, 1), "31"))
    assert r.status_code == 422 and err_code(r) == "dropout_not_compulsory"


def test_returned_needs_the_student_back(w):
    reg4, bureau = w.api("ys_reg4"), w.api("ys_bureau")
    sid = w.student(code(YS, 4), "14")
    approve(bureau, started(reg4, type="leave", student_id=sid,
                            reason="失联")["id"])
    [[cid, _, _, _, _]] = case_of(w, sid)
    r = reg4.post("/dropout/cases/%s/close" % cid,
                  json={"outcome": "returned", "reason": "x"})
    assert r.status_code == 422 and err_code(r) == "dropout_not_returned"


def test_stage_by_rule_and_by_bureau_decision(w):
    reg4, bureau = w.api("ys_reg4"), w.api("ys_bureau")
    a = w.student(code(YS, 4), "16")
    b = w.student(code(YS, 4), "16")
    ca = open_case(reg4, a).json()["id"]
    cb = open_case(reg4, b).json()["id"]
    r = reg4.post("/dropout/cases/%d/decide" % ca, json={"reason": "x"})
    assert r.status_code == 403
    r = bureau.post("/dropout/cases/%d/decide" % ca, json={})
    assert r.status_code == 422 and err_code(r) == "required"
    r = bureau.post("/dropout/cases/%d/decide" % ca,
                    json={"reason": "县教育局复核认定"})
    assert r.status_code == 200 and r.json()["stage"] == "dropout"
    r = bureau.post("/dropout/cases/%d/decide" % ca, json={"reason": "x"})
    assert r.status_code == 409 and err_code(r) == "dropout_stage"
    # 20 school days after 28 September (the National Day week has no
    # holidays listed in this world: weekdays count) is 26 October; more
    # than 20 means from 27 October on
    with clock(w, epoch(2026, 10, 26)) as t:
        assert sweep(w.api("ys_bureau", t))["escalated"] == 0
    with clock(w, epoch(2026, 10, 27)) as t:
        got = sweep(w.api("ys_bureau", t))
        assert got["escalated"] >= 1, got
        case = get_case(w.api("ys_reg4", t), cb)
        assert case["stage"] == "dropout"
        assert case["dropout_on"] == "2026-10-27"
        assert case["entries"][-1]["kind"] == "stage"


# ------------------------------------------------------------ refusal

def test_record_never_leaves_while_the_case_is_open(w):
    reg4, bureau = w.api("ys_reg4"), w.api("ys_bureau")
    sid = w.student(code(YS, 4), "13")
    cid = open_case(reg4, sid).json()["id"]
    r = start(reg4, type="withdraw", student_id=sid,
              reason_code="lost_capacity")
    assert r.status_code == 409 and err_code(r) == "dropout_case_open"
    assert r.json()["error"]["dropout_case_id"] == cid
    assert str(cid) in r.json()["error"]["message"]
    r = start(bureau, type="cancel", student_id=sid, reason="重复建籍")
    assert r.status_code == 409 and err_code(r) == "dropout_case_open"
    r = start(reg4, type="abroad", student_id=sid)
    assert r.status_code == 409 and err_code(r) == "dropout_case_open"
    # a case opened while a request is on its way stops its approval
    other = w.student(code(YS, 4), "13")
    c = started(reg4, type="withdraw", student_id=other,
                reason_code="lost_capacity")
    open_case(reg4, other)
    r = bureau.post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 409 and err_code(r) == "dropout_case_open"
    assert sql(w.db, "select status from students where id = %d"
               % other) == ["enrolled"]
    # once closed with its outcome, the change goes ahead
    r = reg4.post("/dropout/cases/%d/close" % cid,
                  json={"outcome": "lost_capacity",
                        "reason": "县级医院诊断证明"})
    assert r.status_code == 200, r.text
    c = started(reg4, type="withdraw", student_id=sid,
                reason_code="lost_capacity")
    approve(bureau, c["id"])
    assert sql(w.db, "select status from students where id = %d" % sid) \
        == ["withdrawn"]


# ------------------------------------------------------------ scope

def test_scope_other_school_and_county_404(w):
    reg4 = w.api("ys_reg4")
    sid = w.student(code(YS, 4), "12")
    cid = open_case(reg4, sid).json()["id"]
    for who in ("ys_reg5", "yd_bureau", "yd_reg1"):
        a = w.api(who)
        assert a.get("/dropout/cases/%d" % cid).status_code == 404, who
        r = entry(a, cid, kind="note", happened_on="2026-09-28", detail="x")
        assert r.status_code == 404, who
        r = a.post("/dropout/cases/%d/close" % cid,
                   json={"outcome": "returned", "reason": "x"})
        assert r.status_code == 404, who
        assert cid not in [c["id"] for c in
                           a.get("/dropout/cases").json()["items"]], who
    # another school's registrar cannot open a case for this student
    r = open_case(w.api("ys_reg5"), sid)
    assert r.status_code == 404
    other = w.student(code(YS, 4), "12")
    assert open_case(w.api("yd_bureau"), other).status_code == 404
    # the county bureau sees and acts; the list filters
    b = w.api("ys_bureau")
    items = b.get("/dropout/cases", params={"school_id": w.sid(code(YS, 4)),
                                            "status": "open",
                                            "source": "manual"}).json()
    assert cid in [c["id"] for c in items["items"]]
    assert all(c["source"] == "manual" and c["status"] == "open"
               for c in items["items"])
    assert b.get("/dropout/cases/%d" % cid).status_code == 200
    assert w.api("ys_reg4").get(
        "/dropout/cases", params={"school_id": w.sid(code(YS, 5))}
    ).json()["total"] == 0


# ------------------------------------------------------------ ledger, reports

def sheet_rows(content):
    z = zipfile.ZipFile(io.BytesIO(content))
    assert z.testzip() is None
    xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", xml, re.S):
        rows.append([re.sub(r"<[^>]+>", "", c) for c in
                     re.findall(r"<c [^>]*>(.*?)</c>", row, re.S)])
    return rows


def test_ledger_and_retention(w):
    b = w.api("ys_bureau")
    gone = w.student(code(YS, 4), "15")
    approve(b, started(w.api("ys_reg4"), type="leave", student_id=gone,
                       reason="失联")["id"])
    r = b.get("/dropout/ledger")
    assert r.status_code == 200, r.text
    led = r.json()
    assert led["target"] == 95 and led["year_start"] == "2026-09-01"
    by = {s["school_id"]: s for s in led["schools"]}
    s4 = by[w.sid(code(YS, 4))]
    roll = int(sql(w.db, "select count(*) from students where school_id = %d"
                   " and status in ('enrolled', 'suspended')"
                   % w.sid(code(YS, 4)))[0])
    assert s4["on_roll"] == roll
    open_sus = int(sql(w.db, "select count(*) from dropout_cases d join"
                       " students s on s.id = d.student_id where"
                       " s.school_id = %d and d.status = 'open' and"
                       " d.stage = 'suspected'" % w.sid(code(YS, 4)))[0])
    assert s4["suspected"] == open_sus
    assert s4["lost"] >= 1                 # who left (其他离校) this year
    assert 0 < s4["retention"] < 100
    assert code(YS, 1) not in [s["code"] for s in led["schools"]]  # senior
    assert w.sid(code(YD, 1)) not in by
    # the target is a setting; below it the school is flagged
    r = w.api("admin").patch("/changes/settings",
                             json={"retention_target": 100})
    assert r.status_code == 200, r.text
    try:
        s4 = {s["school_id"]: s for s in
              b.get("/dropout/ledger").json()["schools"]}[w.sid(code(YS, 4))]
        assert s4["below_target"] is True
    finally:
        w.api("admin").patch("/changes/settings",
                             json={"retention_target": 95})
    # a registrar's ledger is its school's
    mine = w.api("ys_reg4").get("/dropout/ledger").json()["schools"]
    assert [s["school_id"] for s in mine] == [w.sid(code(YS, 4))]


def test_monthly_and_quarterly_reports(w):
    reg4, b = w.api("ys_reg4"), w.api("ys_bureau")
    sid = w.student(code(YS, 4), "11")
    cid = open_case(reg4, sid).json()["id"]
    before = len(audits(w, "dropout.report"))
    r = reg4.get("/dropout/report.xlsx", params={"kind": "monthly",
                                                 "month": "2026-09"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = sheet_rows(r.content)
    assert rows[0][0] == "控辍保学学校月报"
    assert rows[1][:3] == ["学校标识码", "学校", "义务教育在籍人数"]
    assert rows[2][0] == code(YS, 4)
    head = rows.index([h for h in rows if h and h[0] == "案件号"][0])
    cases = {row[0]: row for row in rows[head + 1:]}
    assert str(cid) in cases
    name, regno = sql(w.db, "select name, registry_no from students"
                      " where id = %d" % sid)[0].split("|")
    assert cases[str(cid)][2] == name
    assert "*" in cases[str(cid)][3] and cases[str(cid)][3] != regno
    assert len(audits(w, "dropout.report")) == before + 1
    # no case of August: an empty case table
    rows = sheet_rows(reg4.get("/dropout/report.xlsx", params={
        "kind": "monthly", "month": "2026-08"}).content)
    assert rows[-1][0] == "案件号"
    r = reg4.get("/dropout/report.xlsx", params={"kind": "monthly",
                                                 "month": "2026-13"})
    assert r.status_code == 422 and err_code(r) == "date_format"
    # another school's monthly report / another county's review: 404
    r = reg4.get("/dropout/report.xlsx", params={
        "kind": "monthly", "month": "2026-09",
        "school_id": w.sid(code(YS, 5))})
    assert r.status_code == 404
    r = w.api("yd_bureau").get("/dropout/report.xlsx", params={
        "kind": "monthly", "month": "2026-09",
        "school_id": w.sid(code(YS, 4))})
    assert r.status_code == 404
    r = reg4.get("/dropout/report.xlsx", params={
        "kind": "quarterly", "county": YS, "quarter": "2026-Q3"})
    assert r.status_code == 403
    r = w.api("yd_bureau").get("/dropout/report.xlsx", params={
        "kind": "quarterly", "county": YS, "quarter": "2026-Q3"})
    assert r.status_code == 404
    r = b.get("/dropout/report.xlsx", params={
        "kind": "quarterly", "county": YS, "quarter": "2026-Q3"})
    assert r.status_code == 200, r.text
    rows = sheet_rows(r.content)
    assert rows[0][:2] == ["控辍保学县区季度复核", "2026-07-01 至 2026-09-30"]
    codes = [row[0] for row in rows[2:] if row and row[0].startswith("2")]
    assert code(YS, 4) in codes and code(YS, 5) in codes
    head = [i for i, row in enumerate(rows) if row and row[0] == "案件号"][0]
    assert str(cid) in [row[0] for row in rows[head + 1:]]
    r = b.get("/dropout/report.xlsx", params={"kind": "weekly"})
    assert r.status_code == 400
