"""Registry changes (学籍变动): every type, every chain (same county,
across counties of one city, across cities, across provinces), reject,
return and resubmit, withdrawal, overdue steps under a moved clock, the
access rules, concurrency, batch actions, queues, the holiday calendar,
the cross-scope lookup and the student timeline.

Runs on its own world (changes_world.py) with the clock fixed at Monday
2026-09-28 10:00 CST, just before the 2026 National Day holiday.
"""
import hashlib
import hmac
import json
import threading

import pytest

from changes_world import ChangeWorld, epoch, start, started, approve
from changes_world import school_code as code
from conftest import PW, Api, err_code, make_id, side_path, sql, sql_run

YS, YD, TH, DC = "441823", "441881", "440106", "110101"


USERS = [
    ("ys_bureau", "bureau", ["--region", YS]),
    ("yd_bureau", "bureau", ["--region", YD]),
    ("qy_bureau", "bureau", ["--region", "4418"]),
    ("gd_bureau", "bureau", ["--region", "44"]),
    ("gz_bureau", "bureau", ["--region", "4401"]),
    ("th_bureau", "bureau", ["--region", TH]),
    ("bj_bureau", "bureau", ["--region", "11"]),
    ("bjc_bureau", "bureau", ["--region", "1101"]),
    ("dc_bureau", "bureau", ["--region", DC]),
    ("ys_reg1", "registrar", ["--school", code(YS, 1)]),
    ("ys_reg2", "registrar", ["--school", code(YS, 2)]),
    ("ys_reg3", "registrar", ["--school", code(YS, 3)]),
    ("yd_reg2", "registrar", ["--school", code(YD, 2)]),
    ("th_reg2", "registrar", ["--school", code(TH, 2)]),
    ("dc_reg2", "registrar", ["--school", code(DC, 2)]),
]
NOW = epoch(2026, 9, 28)


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    world = ChangeWorld(tmp_path_factory.mktemp("changes"),
                        [(YS, 3, 11), (YD, 2, 12), (TH, 2, 13), (DC, 2, 14)],
                        USERS, NOW, per_school=60)
    # 2026 国庆: 1-7 October off, Saturday 10 October worked
    admin = world.api("admin")
    for d in range(1, 8):
        r = admin.post("/holidays", json={"date": "2026-10-%02d" % d,
                                          "kind": "holiday",
                                          "name": "国庆节"})
        assert r.status_code == 200, r.text
    r = admin.post("/holidays", json={"date": "2026-10-10",
                                      "kind": "workday", "name": "国庆调休"})
    assert r.status_code == 200, r.text
    yield world
    assert world.close() == 0


def regno(w, a, sid):
    """The registry number of @sid as a receiving school learns it: known
    in full from the family, confirmed through the cross-scope lookup."""
    no = sql(w.db, "select registry_no from students where id = %d" % sid)[0]
    r = a.get("/students/lookup", params={"registry_no": no})
    assert r.status_code == 200 and r.json()["id"] == sid, r.text
    return no


def student(w, a, sid):
    r = a.get("/students/%d" % sid)
    assert r.status_code == 200, r.text
    return r.json()["student"]


def kinds(w, sid):
    r = w.api("admin").get("/students/%d/events" % sid)
    assert r.status_code == 200
    return [e["kind"] for e in r.json()["items"]]


# ------------------------------------------------------------ calendar

def test_holidays_and_deadline(w):
    admin = w.api("admin")
    r = admin.get("/holidays", params={"year": 2026})
    assert r.status_code == 200
    days = {d["date"]: d["kind"] for d in r.json()["items"]}
    assert days["2026-10-03"] == "holiday" and days["2026-10-10"] == "workday"
    # only administrators edit the calendar
    r = w.api("ys_reg2").post("/holidays", json={"date": "2026-12-25",
                                                 "kind": "holiday"})
    assert r.status_code == 403
    r = admin.post("/holidays", json={"date": "2026-02-30",
                                      "kind": "holiday"})
    assert r.status_code == 422 and err_code(r) == "date_format"
    r = admin.post("/holidays", json={"date": "2026-12-25", "kind": "x"})
    assert r.status_code == 422
    r = admin.post("/holidays", json={"date": "2026-12-25",
                                      "kind": "holiday", "name": "test"})
    assert r.status_code == 200
    r = admin.delete("/holidays/2026-12-25")
    assert r.status_code == 200
    assert admin.delete("/holidays/2026-12-25").status_code == 404
    # a request started on Monday 28 September: 10 working days skip the
    # National Day week and count Saturday 10 October -> Friday 16 October
    sid = w.student(code(YS, 3), "14")
    c = started(w.api("ys_reg3"), type="suspend", student_id=sid)
    assert c["waiting"]["deadline"] == "2026-10-16"
    assert c["waiting"]["start_date"] == "2026-09-28"
    r = w.api("ys_reg3").post("/changes/%d/withdraw" % c["id"], json={})
    assert r.status_code == 200 and r.json()["change"]["status"] == \
        "withdrawn"


def test_settings(w):
    admin = w.api("admin")
    r = admin.get("/changes/settings")
    assert r.status_code == 200
    assert r.json() == {"step_days": 10, "death_days": 10,
                        "senior_authority": "city", "chain_city": False,
                        "repeat_compulsory": False, "repeat_senior3": False,
                        "repeat_cap_pct": 2, "transfer_entry_term": True,
                        "transfer_graduating": True, "suspend_years": 1,
                        "suspend_renewals": 1, "dropout_days": 20,
                        "retention_target": 95, "followup_days": 30}
    assert w.api("ys_reg2").patch("/changes/settings",
                                  json={"step_days": 3}).status_code == 403
    r = admin.patch("/changes/settings", json={"step_days": 0})
    assert r.status_code == 422
    r = admin.patch("/changes/settings", json={"step_days": 5})
    assert r.status_code == 200 and r.json()["step_days"] == 5
    sid = w.student(code(YS, 3), "14")
    c = started(w.api("ys_reg3"), type="suspend", student_id=sid)
    assert c["waiting"]["deadline"] == "2026-10-10"
    w.api("ys_reg3").post("/changes/%d/withdraw" % c["id"], json={})
    r = admin.patch("/changes/settings", json={"step_days": 10})
    assert r.status_code == 200


# ------------------------------------------------------------ transfers

def test_transfer_same_county(w):
    sid = w.student(code(YS, 3), "13")
    ys2 = w.api("ys_reg2")
    # the receiving school finds the student elsewhere, then starts
    r = start(ys2, type="transfer_in", student_id=sid)
    assert r.status_code == 404          # a bare row id is not enough
    r = start(ys2, type="transfer_in", student_id=sid,
              registry_no="G440106201301010010")
    assert r.status_code == 404
    c = started(ys2, type="transfer_in", student_id=sid,
                registry_no=regno(w, ys2, sid))
    assert c["status"] == "pending"
    assert [(s["actor_kind"], s["label"]) for s in c["steps"]] == [
        ("school", "转出学校"), ("county", "县教育局")]
    assert c["waiting"]["actor_school_id"] == w.sid(code(YS, 3))
    # the receiving school cannot confirm for the sending school
    r = ys2.post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 403 and err_code(r) == "change_not_actor"
    c = approve(w.api("ys_reg3"), c["id"])
    assert c["waiting"]["actor_kind"] == "county"
    # a school cannot approve its own transfer-in at the bureau step
    r = ys2.post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 403 and err_code(r) == "change_not_actor"
    # another county cannot see it; the city cannot act on a county step
    r = w.api("yd_bureau").post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 404
    r = w.api("qy_bureau").post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 403 and err_code(r) == "change_not_actor"
    c = approve(w.api("ys_bureau"), c["id"])
    assert c["status"] == "approved" and c["closed_at"]
    s = student(w, ys2, sid)
    assert s["school_id"] == w.sid(code(YS, 2)) and s["grade"] == "13"
    # the sending school no longer sees it; the history keeps it
    assert w.api("ys_reg3").get("/students/%d" % sid).status_code == 404
    assert kinds(w, sid)[-4:] == ["change.requested", "change.step.approved",
                                  "change.step.approved",
                                  "change.transfer_in"]
    ev = ys2.get("/students/%d/events" % sid).json()["items"][-1]
    assert ev["before"]["school_id"] == w.sid(code(YS, 3))
    assert ev["after"]["school_id"] == w.sid(code(YS, 2))


def test_transfer_cross_county_same_city(w):
    sid = w.student(code(YD, 2), "12")
    ys2 = w.api("ys_reg2")
    c = started(ys2, type="transfer_in", student_id=sid,
                registry_no=regno(w, ys2, sid))
    assert [(s["actor_kind"], s["actor_region"] or s["actor_school_id"])
            for s in c["steps"]] == [
        ("county", YS), ("school", w.sid(code(YD, 2))), ("county", YD)]
    # the sending county may see it but the first step is the receiving
    # county's
    r = w.api("yd_bureau").post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 403 and err_code(r) == "change_not_actor"
    c = approve(w.api("ys_bureau"), c["id"])
    r = w.api("ys_bureau").post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 403
    c = approve(w.api("yd_reg2"), c["id"])
    c = approve(w.api("yd_bureau"), c["id"])
    assert c["status"] == "approved"
    assert student(w, ys2, sid)["school_id"] == w.sid(code(YS, 2))


def test_transfer_cross_city(w):
    sid = w.student(code(TH, 2), "12")
    ys2 = w.api("ys_reg2")
    # identified by the full resident ID this time
    idno = w.api("admin").post("/students/%d/reveal" % sid, json={
        "fields": ["id_no"]}).json()["student"]["id_no"]
    assert ys2.get("/students/lookup", params={"id_no": idno}).json()[
        "id"] == sid
    c = started(ys2, type="transfer_in", student_id=sid,
                id_no=idno.lower())
    # across cities of one province: 转入县 → 转出学校 → 转出县, the same 3
    # steps as across counties (domain.md); no city bureau unless the
    # extra-level setting is on (test_change_rules_v2.py)
    assert [(s["actor_kind"], s["actor_region"]) for s in c["steps"]] == [
        ("county", YS), ("school", ""), ("county", TH)]
    assert [s["label_key"] for s in c["steps"]] == [
        "to_county", "from_school", "from_county"]
    for who in ("ys_bureau", "th_reg2", "th_bureau"):
        c = approve(w.api(who), c["id"])
    assert c["status"] == "approved"
    assert student(w, ys2, sid)["school_id"] == w.sid(code(YS, 2))


#: Rows of a record that hang off its request, its case, its tick or its
#: confirmation too: on PostgreSQL a move carries them by the composite
#: foreign keys' cascade from those (migration 0042), on SQLite by the
#: move trigger.  Written here by hand: no flow gives one record all.
HANGING_TABLES = ("suspensions", "progressions", "verify_ticks",
                  "verify_state", "ghost_candidates", "dropout_cases",
                  "warning_confirms", "student_warnings")
HANGING = """
insert into suspensions (student_id, request_id, renewal, start_date,
  end_date, created_at, province) select id, %(rid)d, 0, '2026-09-01',
  '2026-12-01', '2026-09-01', province from students where id = %(sid)d;
insert into progressions (kind, student_id, from_school_id, to_school_id,
  from_grade, from_status, to_grade, request_id, at, actor, province)
  select 'reenter', id, school_id, school_id, '12', 'enrolled', '12',
  %(rid)d, '2026-09-01', 't', province from students where id = %(sid)d;
insert into verify_ticks (student_id, school_id, class_id, school_year,
  term, present, correct, change_id, at, actor, province) select id,
  school_id, class_id, 2026, 1, 1, 0, %(rid)d, '2026-09-01', 't', province
  from students where id = %(sid)d;
insert into verify_state (student_id, school_year, term, school_id,
  tick_id, verified, settled, province) select student_id, 2026, 1,
  school_id, id, 1, 0, province from verify_ticks where student_id = %(sid)d;
insert into ghost_candidates (student_id, school_id, signals, detail,
  status, raised_at, change_id, province) select id, school_id, 'absent',
  '', 'closed', '2026-09-01', %(rid)d, province from students
  where id = %(sid)d;
insert into dropout_cases (student_id, school_id, source, detail, status,
  opened_on, opened_at, province) select id, school_id, 'absence', '',
  'closed', '2026-09-01', '2026-09-01', province from students
  where id = %(sid)d;
insert into dropout_entries (case_id, kind, happened_on, at, actor,
  province) select id, 'visit', '2026-09-01', '2026-09-01', 't', province
  from dropout_cases where student_id = %(sid)d;
insert into warning_confirms (student_id, field, code, value, reason,
  confirmed_by, confirmed_at, province) select id, 'phone', 'c', 'v', 'r',
  't', '2026-09-01', province from students where id = %(sid)d;
insert into student_warnings (student_id, field, code, detail, created_at,
  confirm_id, province) select student_id, 'phone', 'c', '', '2026-09-01',
  id, province from warning_confirms where student_id = %(sid)d;
"""


def test_transfer_cross_province(w):
    sid = w.student(code(DC, 2), "12")
    ys2 = w.api("ys_reg2")
    c = started(ys2, type="transfer_in", student_id=sid,
                registry_no=regno(w, ys2, sid))
    # 转入县 → 转入省 → 转出学校 → 转出县 → 转出省: 5 steps (domain.md)
    assert [(s["actor_kind"], s["actor_region"]) for s in c["steps"]] == [
        ("county", YS), ("province", "44"), ("school", ""),
        ("county", DC), ("province", "11")]
    # the receiving province cannot act on the sending province's step
    for who in ("ys_bureau", "gd_bureau", "dc_reg2", "dc_bureau"):
        c = approve(w.api(who), c["id"])
    r = w.api("gd_bureau").post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 403
    audit = "select id, province from audit_log where id <= %d order by id"
    last = int(sql(w.db, "select max(id) from audit_log")[0])
    audit_before = sql(w.db, audit % last)
    sql(w.db, HANGING % {"sid": sid, "rid": c["id"]})
    c = approve(w.api("bj_bureau"), c["id"])
    assert c["status"] == "approved"
    assert student(w, ys2, sid)["school_id"] == w.sid(code(YS, 2))
    # the record and every row of it moved to province 44 in the approving
    # transaction (migration 0039): its events, placements, numbers, the
    # request with its steps and actions; audit entries stay where written
    one = "select distinct province from %s where %s"
    for table, where in (("students", "id = %d"),
                         ("student_events", "student_id = %d"),
                         ("student_placements", "student_id = %d"),
                         ("registry_numbers", "student_id = %d"),
                         ("student_identities", "student_id = %d"),
                         ("change_requests", "student_id = %d"),
                         ("change_steps", "request_id in (select id from"
                          " change_requests where student_id = %d)"),
                         ("change_actions", "request_id in (select id from"
                          " change_requests where student_id = %d)"),
                         ("dropout_entries", "case_id in (select id from"
                          " dropout_cases where student_id = %d)")) + tuple(
            (t, "student_id = %d") for t in HANGING_TABLES):
        assert sql(w.db, one % (table, where % sid)) == ["44"], table
    assert sql(w.db, audit % last) == audit_before
    assert "11" in {r.split("|")[1] for r in audit_before}
    # read, listed and changed there
    assert sid in [x["id"] for x in w.api("ys_bureau").get(
        "/students", params={"school_id": w.sid(code(YS, 2)),
                             "limit": 200}).json()["items"]]
    v = student(w, ys2, sid)["version"]
    r = ys2.patch("/students/%d" % sid,
                  json={"version": v, "phone": "13800004444"})
    assert r.status_code == 200, r.text
    assert sql(w.db, one % ("student_events", "student_id = %d" % sid)) \
        == ["44"]


def test_transfer_rules(w):
    ys2 = w.api("ys_reg2")
    own = w.student(code(YS, 2), "12")
    r = start(ys2, type="transfer_in", student_id=own)
    assert r.status_code == 422 and err_code(r) == "change_same_school"
    # a junior student cannot move to a primary school
    junior = w.student(code(YS, 1), "21")
    r = start(ys2, type="transfer_in", student_id=junior,
              registry_no=regno(w, ys2, junior))
    assert r.status_code == 422 and err_code(r) == "school_grade"
    # a target class must be of the receiving school and the grade
    other = w.student(code(YS, 3), "12")
    r = start(ys2, type="transfer_in", student_id=other, to_class_id=1,
              registry_no=regno(w, ys2, other))
    assert r.status_code == 422 and err_code(r) == "no_such_class"
    # a bureau user does not start transfers; registrars only for
    # their own school
    r = start(w.api("ys_bureau"), type="transfer_in", student_id=other)
    assert r.status_code == 403 and err_code(r) == "change_initiator"
    r = start(ys2, type="transfer_in", student_id=other,
              to_school_id=w.sid(code(YS, 1)))
    assert r.status_code == 403
    r = start(ys2, type="nonsense", student_id=other)
    assert r.status_code == 422 and err_code(r) == "change_type"
    r = ys2.post("/changes", json={"type": "suspend", "student_id": other})
    assert r.status_code == 422 and err_code(r) == "required"
    r = start(ys2, type="suspend", student_id=other, extra=1)
    assert r.status_code == 400 and err_code(r) == "unknown_field"


# ------------------------------------------------------------ outcomes

def test_reject_then_new_request(w):
    sid = w.student(code(YS, 2), "14")
    ys2, bureau = w.api("ys_reg2"), w.api("ys_bureau")
    c = started(ys2, type="suspend", student_id=sid)
    r = bureau.post("/changes/%d/reject" % c["id"], json={})
    assert r.status_code == 422 and err_code(r) == "required"
    r = bureau.post("/changes/%d/reject" % c["id"],
                    json={"comment": "缺少医院证明"})
    assert r.status_code == 200
    c = r.json()["change"]
    assert c["status"] == "rejected" and c["waiting"] is None
    assert c["steps"][0]["comment"] == "缺少医院证明"
    assert student(w, ys2, sid)["status"] == "enrolled"
    r = bureau.post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 409 and err_code(r) == "change_state"
    # closed: the student may have a new request
    started(ys2, type="suspend", student_id=sid)
    assert "change.step.rejected" in kinds(w, sid)


def test_return_resubmit_suspend_resume(w):
    sid = w.student(code(YS, 2), "15")
    ys2, bureau = w.api("ys_reg2"), w.api("ys_bureau")
    c = started(ys2, type="suspend", student_id=sid, reason="病休")
    r = bureau.post("/changes/%d/return" % c["id"],
                    json={"comment": "请补充诊断证明"})
    assert r.status_code == 200 and r.json()["change"]["status"] == "returned"
    todo = ys2.get("/changes", params={"box": "todo"}).json()["items"]
    assert c["id"] in [i["id"] for i in todo]
    r = bureau.post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 409 and err_code(r) == "change_state"
    # still open: no second request for the student
    r = start(ys2, type="abroad", student_id=sid)
    assert r.status_code == 409 and err_code(r) == "change_open"
    r = ys2.post("/changes/%d/resubmit" % c["id"],
                 json={"reason": "病休，附县医院诊断证明"})
    assert r.status_code == 200, r.text
    c = r.json()["change"]
    assert c["status"] == "pending" and c["round"] == 2
    assert c["payload"]["reason"] == "病休，附县医院诊断证明"
    assert [s["status"] for s in c["steps"]] == ["returned", "waiting"]
    c = approve(bureau, c["id"], version=c["version"])
    assert student(w, ys2, sid)["status"] == "suspended"
    # no transfer while suspended
    r = start(w.api("ys_reg3"), type="transfer_in", student_id=sid,
              registry_no=regno(w, w.api("ys_reg3"), sid))
    assert r.status_code == 422 and err_code(r) == "change_suspended_transfer"
    # a suspension of a suspended student is a renewal (once by default),
    # continuing from the end date
    first = c["payload"]
    assert (first["start_date"], first["end_date"], first["renewal"]) == (
        "2026-09-28", "2027-09-27", 0)
    c = started(ys2, type="suspend", student_id=sid, reason="续休")
    assert (c["payload"]["start_date"], c["payload"]["end_date"],
            c["payload"]["renewal"]) == ("2027-09-28", "2028-09-27", 1)
    approve(bureau, c["id"])
    r = start(ys2, type="suspend", student_id=sid)
    assert r.status_code == 422 and err_code(r) == "change_suspend_renewals"
    # resumption
    c = started(ys2, type="resume", student_id=sid)
    approve(bureau, c["id"])
    assert student(w, ys2, sid)["status"] == "enrolled"
    ks = kinds(w, sid)
    for k in ("change.requested", "change.step.returned",
              "change.resubmitted", "change.suspend", "change.resume"):
        assert k in ks


def test_withdraw_request(w):
    sid = w.student(code(YS, 2), "15")
    ys2 = w.api("ys_reg2")
    c = started(ys2, type="abroad", student_id=sid)
    r = w.api("ys_bureau").post("/changes/%d/withdraw" % c["id"], json={})
    assert r.status_code == 403 and err_code(r) == "change_not_initiator"
    r = ys2.post("/changes/%d/withdraw" % c["id"], json={"version": 99})
    assert r.status_code == 409 and err_code(r) == "conflict"
    r = ys2.post("/changes/%d/withdraw" % c["id"],
                 json={"version": c["version"], "comment": "家长改变主意"})
    assert r.status_code == 200
    c = r.json()["change"]
    assert c["status"] == "withdrawn"
    assert [s["status"] for s in c["steps"]] == ["cancelled"]
    r = ys2.post("/changes/%d/withdraw" % c["id"], json={})
    assert r.status_code == 409 and err_code(r) == "change_state"
    r = ys2.post("/changes/%d/resubmit" % c["id"], json={})
    assert r.status_code == 409
    assert student(w, ys2, sid)["status"] == "enrolled"
    assert "change.withdrawn" in kinds(w, sid)


def test_withdrawal_compulsory_rule(w):
    sid = w.student(code(YS, 2), "15")
    ys2 = w.api("ys_reg2")
    r = start(ys2, type="withdraw", student_id=sid)
    assert r.status_code == 422 and err_code(r) == \
        "change_compulsory_withdraw"
    c = started(ys2, type="withdraw", student_id=sid,
                reason_code="lost_capacity", reason="重度残疾，丧失学习能力")
    approve(w.api("ys_bureau"), c["id"])
    assert student(w, ys2, sid)["status"] == "withdrawn"


def test_repeat_and_skip(w):
    ys2, bureau = w.api("ys_reg2"), w.api("ys_bureau")
    admin = w.api("admin")
    sid = w.student(code(YS, 2), "13")
    # no 留级 in compulsory grades unless the province allows it
    r = start(ys2, type="repeat", student_id=sid, grade="12")
    assert r.status_code == 422 and err_code(r) == "change_repeat_compulsory"
    assert admin.patch("/changes/settings", json={
        "repeat_compulsory": True, "repeat_cap_pct": 100}).status_code == 200
    r = start(ys2, type="repeat", student_id=sid, grade="11")
    assert r.status_code == 422 and err_code(r) == "change_grade"
    r = start(ys2, type="repeat", student_id=sid)
    assert r.status_code == 422
    c = started(ys2, type="repeat", student_id=sid, grade="12")
    approve(bureau, c["id"])
    s = student(w, ys2, sid)
    assert s["grade"] == "12" and s["class_id"] is None
    sid = w.student(code(YS, 2), "13")
    cls = ys2.get("/classes", params={"grade": "14"}).json()["items"][0]
    c = started(ys2, type="skip", student_id=sid, grade="14",
                to_class_id=cls["id"])
    approve(bureau, c["id"])
    s = student(w, ys2, sid)
    assert s["grade"] == "14" and s["class_id"] == cls["id"]
    assert "change.skip" in kinds(w, sid)
    assert admin.patch("/changes/settings", json={
        "repeat_compulsory": False, "repeat_cap_pct": 2}).status_code == 200


def test_death_abroad_graduate(w):
    ys2, bureau = w.api("ys_reg2"), w.api("ys_bureau")
    for typ, status in (("death", "deceased"), ("abroad", "abroad")):
        sid = w.student(code(YS, 2), "12")
        c = started(ys2, type=typ, student_id=sid)
        approve(bureau, c["id"])
        assert student(w, ys2, sid)["status"] == status
    sid = w.student(code(YS, 2), "13")
    r = start(ys2, type="graduate", student_id=sid, outcome="graduated")
    assert r.status_code == 422 and err_code(r) == "change_grade"
    # 肄业 is no back door around the ban on 退学 in compulsory education
    r = start(ys2, type="graduate", student_id=sid, outcome="incomplete")
    assert r.status_code == 422 and err_code(r) == \
        "change_incomplete_compulsory"
    sid = w.student(code(YS, 2), "16")
    c = started(ys2, type="graduate", student_id=sid, outcome="incomplete")
    approve(bureau, c["id"])
    assert student(w, ys2, sid)["status"] == "incomplete"
    sid = w.student(code(YS, 2), "16")
    c = started(ys2, type="graduate", student_id=sid, outcome="graduated")
    approve(bureau, c["id"])
    assert student(w, ys2, sid)["status"] == "graduated"


def test_correction(w):
    ys2, bureau = w.api("ys_reg2"), w.api("ys_bureau")
    sid = w.student(code(YS, 2), "14")
    other = w.student(code(YS, 2), "14")
    admin = w.api("admin")
    other_id = admin.post("/students/%d/reveal" % other,
                          json={"fields": ["id_no"]}).json()["student"]["id_no"]
    r = start(ys2, type="correct", student_id=sid)
    assert r.status_code == 422 and err_code(r) == "required"
    r = start(ys2, type="correct", student_id=sid,
              changes={"id_no": other_id})
    assert r.status_code == 409 and err_code(r) == "id_exists"
    old = student(w, ys2, sid)
    r = start(ys2, type="correct", student_id=sid,
              changes={"gender": 3 - old["gender"]})
    assert r.status_code == 422 and err_code(r) == "id_gender_mismatch"
    r = start(ys2, type="correct", student_id=sid, changes={"name": "1"})
    assert r.status_code == 422
    c = started(ys2, type="correct", student_id=sid,
                changes={"name": "李更正"}, reason="户口本姓名为李更正")
    approve(bureau, c["id"])
    s = student(w, ys2, sid)
    assert s["name"] == "李更正"
    assert s["registry_no"] == old["registry_no"]
    assert "change.correct" in kinds(w, sid)


def test_id_correction_keeps_the_old_id_in_full(w):
    """Defect 11: the old ID was stored masked, in the audit entry and the
    event alike, so the legal record lost it.  Both keep it in full now;
    every display masks it."""
    ys2, bureau, admin = w.api("ys_reg2"), w.api("ys_bureau"), w.api("admin")
    sid = w.student(code(YS, 2), "14")
    full = admin.post("/students/%d/reveal" % sid,
                      json={"fields": ["id_no"]}).json()["student"]["id_no"]
    s = student(w, ys2, sid)
    new_id = make_id(s["birth_date"], s["gender"])
    c = started(ys2, type="correct", student_id=sid,
                changes={"id_no": new_id}, reason="身份证号登记错误")
    approve(bureau, c["id"])
    audit = sql(w.db, "select before, after from audit_log where action ="
                      " 'student.change' and entity_id = '%d'" % sid)
    assert len(audit) == 1
    assert full in audit[0] and new_id in audit[0], audit
    ev = sql(w.db, "select before from student_events where student_id = %d"
                   " and kind = 'change.correct'" % sid)
    assert len(ev) == 1 and full in ev[0], ev
    shown = admin.get("/audit", params={"action": "student.change",
                                        "per_page": 200})
    timeline = admin.get("/students/%d/events" % sid)
    for text in (shown.text, timeline.text):
        assert full not in text and new_id not in text
    entry = [x for x in shown.json()["items"]
             if x["entity_id"] == str(sid)][0]
    event = [x for x in timeline.json()["items"]
             if x["kind"] == "change.correct"][0]
    for x in (entry, event):           # masked, not dropped
        assert "*" in x["before"]["id_no"] and "*" in x["after"]["id_no"]


def test_cancel(w):
    ys2 = w.api("ys_reg2")
    sid = w.student(code(YS, 2), "11")
    r = start(ys2, type="cancel", student_id=sid)
    assert r.status_code == 403 and err_code(r) == "change_initiator"
    r = start(w.api("yd_bureau"), type="cancel", student_id=sid)
    assert r.status_code == 404
    c = started(w.api("ys_bureau"), type="cancel", student_id=sid,
                reason="重复建籍")
    assert [(s["actor_kind"], s["actor_region"]) for s in c["steps"]] == [
        ("city", "4418")]
    r = w.api("ys_bureau").post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 403
    approve(w.api("qy_bureau"), c["id"])
    assert student(w, ys2, sid)["status"] == "cancelled"
    # an administrator's cancellation takes effect at once
    sid = w.student(code(YS, 2), "11")
    c = started(w.api("admin"), type="cancel", student_id=sid,
                reason="测试数据")
    assert c["status"] == "approved" and c["steps"] == []
    assert student(w, ys2, sid)["status"] == "cancelled"


# ------------------------------------------------------------ concurrency

def test_two_approvers_one_wins(w):
    sid = w.student(code(YS, 2), "14")
    c = started(w.api("ys_reg2"), type="suspend", student_id=sid)
    # two sessions of the county's bureau act at the same moment
    first = w.api("ys_bureau")
    second = Api(w.server.base, "ys_bureau", PW)
    results = []
    barrier = threading.Barrier(2)

    def go(a):
        barrier.wait()
        r = a.post("/changes/%d/approve" % c["id"],
                   json={"version": c["version"]})
        results.append((r.status_code, err_code(r)))

    ts = [threading.Thread(target=go, args=(a,))
          for a in (first, second)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    second.close()
    assert sorted(s for s, _ in results) == [200, 409], results
    assert [e for s, e in results if s == 409][0] in ("conflict",
                                                      "change_state")
    r = w.api("admin").get("/changes/%d" % c["id"])
    assert [a["action"] for a in r.json()["change"]["actions"]] == [
        "submit", "approve", "apply"]


# ------------------------------------------------------------ queues

def test_batch_and_queues(w):
    ys3, bureau = w.api("ys_reg3"), w.api("ys_bureau")
    ids = [started(ys3, type="suspend",
                   student_id=w.student(code(YS, 3), "15"))["id"]
           for _ in range(3)]
    r = ys3.get("/changes", params={"box": "started", "status": "pending"})
    assert r.status_code == 200
    mine = [i["id"] for i in r.json()["items"]]
    assert set(ids) <= set(mine)
    r = bureau.get("/changes/counts")
    assert r.status_code == 200
    counts = r.json()
    assert counts["todo"] >= 3 and counts["overdue"] == 0
    assert ys3.get("/changes/counts").json()["started"] >= 3
    r = bureau.get("/changes", params={"box": "todo", "type": "suspend"})
    todo = [i["id"] for i in r.json()["items"]]
    assert set(ids) <= set(todo)
    assert all(i["waiting"]["actor_region"] == YS
               for i in r.json()["items"])
    # the other county sees none of them
    r = w.api("yd_bureau").get("/changes", params={"box": "all"})
    assert not set(ids) & {i["id"] for i in r.json()["items"]}
    r = bureau.get("/changes/backlog")
    assert r.status_code == 200
    row = [b for b in r.json()["items"]
           if b["school_id"] == w.sid(code(YS, 3))]
    assert row and row[0]["open"] >= 3
    assert ys3.get("/changes/backlog").status_code == 403
    r = bureau.get("/changes", params={"box": "bogus"})
    assert r.status_code == 400
    r = bureau.post("/changes/batch", json={"ids": ids[:2], "action":
                                            "reject"})
    assert r.status_code == 422
    r = bureau.post("/changes/batch",
                    json={"ids": ids + [999999], "action": "approve",
                          "comment": "同意"})
    assert r.status_code == 200
    res = r.json()
    assert res["ok"] == 3 and res["failed"] == 1
    assert res["results"][-1]["error"] == "not_found"
    r = w.api("admin").get("/audit", params={"action": "change.approve",
                                              "per_page": 200})
    audited = {int(i["entity_id"]) for i in r.json()["items"]}
    assert set(ids) <= audited


def test_overdue_with_moved_clock(w):
    sid = w.student(code(YS, 3), "16")
    c = started(w.api("ys_reg3"), type="death", student_id=sid)
    later = w.start(epoch(2026, 11, 2))
    try:
        bureau = w.api("ys_bureau", server=later)
        counts = bureau.get("/changes/counts").json()
        assert counts["overdue"] >= 1
        r = bureau.get("/changes", params={"box": "todo", "overdue": 1})
        items = {i["id"]: i for i in r.json()["items"]}
        assert c["id"] in items and items[c["id"]]["overdue"]
        assert items[c["id"]]["status"] == "pending"   # never auto-approved
        r = bureau.get("/changes/%d" % c["id"])
        assert r.json()["change"]["waiting"]["overdue"] is True
        # still approvable late; the record changes only then
        c2 = approve(bureau, c["id"])
        assert c2["status"] == "approved"
    finally:
        assert later.stop()[0] == 0
        # logging in "later" expired the sessions made at the fixed time
        for a in w.apis.values():
            a.close()
        w.apis.clear()
    assert student(w, w.api("ys_reg3"), sid)["status"] == "deceased"


# ------------------------------------------------------------ lookup

def test_cross_scope_lookup(w):
    ys2 = w.api("ys_reg2")
    sid = w.student(code(YD, 2), "14")
    admin = w.api("admin")
    full = admin.post("/students/%d/reveal" % sid,
                      json={"fields": ["id_no", "registry_no"]}).json()[
                          "student"]
    r = ys2.get("/students/lookup", params={"id_no": full["id_no"]})
    assert r.status_code == 200, r.text
    j = r.json()
    assert set(j) == {"id", "name", "school_id", "school_name", "grade",
                      "grade_label", "status", "offer"}
    assert j["offer"]["kind"] == "transfer"
    assert j["id"] == sid and j["school_id"] == w.sid(code(YD, 2))
    # the caller typed the full number; the answer repeats neither number
    assert full["id_no"] not in r.text and "registry_no" not in j
    r = ys2.get("/students/lookup",
                params={"registry_no": full["registry_no"].lower()})
    assert r.status_code == 200 and r.json()["id"] == sid
    # full values only, never lists
    r = ys2.get("/students/lookup", params={"id_no": full["id_no"][:10]})
    assert r.status_code == 422
    r = ys2.get("/students/lookup")
    assert r.status_code == 400
    r = ys2.get("/students/lookup", params={"registry_no": "G123"})
    assert r.status_code == 422
    r = ys2.get("/students/lookup",
                params={"registry_no": "L44182320100101" + "9999"})
    assert r.status_code == 404
    # the student itself stays out of scope
    assert ys2.get("/students/%d" % sid).status_code == 404
    r = admin.get("/audit", params={"action": "student.lookup"})
    assert r.json()["total"] >= 2


def number_hmac(w, number):
    """What an auditor holding the audit key computes for a number."""
    key = bytes.fromhex(open(side_path(w.db, ".auditkey")).read().split()[1])
    sub = hashlib.blake2b(b"xueji audit searched-number hash v1",
                          digest_size=32, key=key).digest()
    return hmac.new(sub, number.encode(), hashlib.sha256).hexdigest()


def test_lookup_records_a_keyed_hash_never_the_number(w):
    """Defect 11: a lookup recorded neither the number searched nor a hash
    of it.  Now: the masked form and an HMAC under the audit key, so that
    searches for one number can be correlated, never the number itself."""
    ys2, admin = w.api("ys_reg2"), w.api("admin")
    sid = w.student(code(YD, 2), "14")
    full = admin.post("/students/%d/reveal" % sid,
                      json={"fields": ["id_no"]}).json()["student"]["id_no"]
    stranger = make_id("2012-03-04", 1)
    for n, want in ((full, 200), (full, 200), (stranger, 404)):
        assert ys2.get("/students/lookup", params={"id_no": n}
                       ).status_code == want
    rows = sql(w.db, "select after from audit_log where action ="
                     " 'student.lookup' order by id desc limit 3")
    assert all(full not in r and stranger not in r for r in rows)
    miss, hit2, hit1 = [json.loads(r) for r in rows]
    assert hit1 == hit2
    assert hit1["number_hmac"] == number_hmac(w, full) and hit1["found"]
    assert miss["number_hmac"] == number_hmac(w, stranger)
    assert miss["found"] is False and miss["by"] == "id_no"
    assert "*" in miss["number_masked"]


def test_history_is_append_only(w):
    """change_actions and student_events refuse UPDATE and DELETE."""
    for q in ("update change_actions set comment = 'x'",
              "delete from change_actions",
              "delete from student_events where kind like 'change.%'"):
        p = sql_run(w.db, q)
        assert p.returncode != 0 and "append-only" in p.stderr, (q, p)


# ---- readable history (docs/internals/display.md) ----

def by_field(item):
    return {c["field"]: c for c in item["changes"]}


def transfer_to_ys2(w, sid):
    """英德 student @sid transferred to 阳山 school 2, every step approved:
    the approved Change."""
    ys2 = w.api("ys_reg2")
    c = started(ys2, type="transfer_in", student_id=sid,
                registry_no=regno(w, ys2, sid), reason="随父母务工")
    for who in ("ys_bureau", "yd_reg2", "yd_bureau"):
        c = approve(w.api(who), c["id"], comment="同意")
    assert c["status"] == "approved"
    return c


def test_display_class_move_at_a_school_no_longer_in_scope(w):
    """A 调班 at the student's former school: the new school's registrar
    may not see that school's classes, so the timeline entry names
    neither class and says once that it was a class move at another
    school (other_school_move) instead of 其他学校的班级 → 其他学校的班级;
    the city bureau, who sees that school, gets both names."""
    sid = w.student(code(YD, 2), "12")
    school = w.sid(code(YD, 2))
    old_class, year = sql(w.db, "select c.id, c.year_id from students st"
                          " join classes c on c.id = st.class_id"
                          " where st.id = %d" % sid)[0].split("|")
    sql(w.db, "insert into classes (school_id, year_id, grade, no, name,"
        " created_at) values (%d, %s, '12', 91, '调班(91)班',"
        " '2026-09-01T00:00:00Z') on conflict do nothing" % (school, year))
    new_class = int(sql(w.db, "select id from classes where school_id = %d"
                        " and name = '调班(91)班'" % school)[0])
    r = w.api("yd_reg2").post("/students/%d/move-class" % sid, json={
        "class_id": new_class, "reason": "家长申请"})
    assert r.status_code == 200, r.text
    ys2 = w.api("ys_reg2")
    transfer_to_ys2(w, sid)

    def moved(a):
        ev = a.get("/students/%d/events" % sid).json()["items"]
        return by_field([e for e in ev if e["kind"] == "move_class"][-1])

    mine = moved(ys2)["class_id"]
    assert mine["before"] == int(old_class) and mine["after"] == new_class
    assert mine.get("other_school_move") is True, mine
    assert "before_text" not in mine and "after_text" not in mine
    theirs = moved(w.api("qy_bureau"))["class_id"]
    assert "other_school_move" not in theirs, theirs
    assert theirs["after_text"] == "调班(91)班"
    assert theirs["before_text"] == sql(
        w.db, "select name from classes where id = %s" % old_class)[0]


def test_display_transfer_names_in_scope(w):
    """Timeline, request and audit entry carry field lists and names; the
    receiving registrar sees both schools named but not the old class."""
    sid = w.student(code(YD, 2), "12")
    old_class = int(sql(w.db, "select class_id from students where id = %d"
                        % sid)[0])
    ys2 = w.api("ys_reg2")
    c = transfer_to_ys2(w, sid)
    yd_name = sql(w.db, "select name from schools where id = %d"
                  % w.sid(code(YD, 2)))[0]
    ys_name = sql(w.db, "select name from schools where id = %d"
                  % w.sid(code(YS, 2)))[0]
    users = dict(line.split("|") for line in sql(
        w.db, "select username, display_name from users"))
    ev = ys2.get("/students/%d/events" % sid).json()["items"]
    applied = by_field(ev[-1])
    assert ev[-1]["kind"] == "change.transfer_in"
    assert applied["school_id"]["before_text"] == yd_name
    assert applied["school_id"]["after_text"] == ys_name
    assert applied["class_id"]["before"] == old_class
    assert "before_text" not in applied["class_id"]  # 英德's class: not in scope
    req = by_field([e for e in ev if e["kind"] == "change.requested"][-1])
    assert req["reason"] == {"field": "reason", "after": "随父母务工"}
    assert req["to_school_id"]["after_text"] == ys_name
    assert "request_id" not in req and "steps" not in req
    assert all(e["actor_name"] == users[e["actor"]] for e in ev
               if e["actor"] in users)
    # the sending county's bureau may see the old class
    cls = sql(w.db, "select name from classes where id = %d" % old_class)[0]
    au = w.api("admin").get("/audit", params={
        "action": "student.change", "per_page": 200}).json()["items"]
    mine = [a for a in au if a["entity_id"] == str(sid)][0]
    assert mine["entity_name"] == sql(
        w.db, "select name from students where id = %d" % sid)[0]
    assert by_field(mine)["class_id"]["before_text"] == cls
    assert mine["user_name"] == users[mine["user"]]
    # the request: people by name, the receiving class only in scope
    got = ys2.get("/changes/%d" % c["id"]).json()["change"]
    assert got["initiator_name"] == users[got["initiator"]]
    assert [a["actor_name"] for a in got["actions"]] == [
        users[a["actor"]] for a in got["actions"]]
    assert all(s["acted_by_name"] for s in got["steps"])
    lst = ys2.get("/changes", params={"box": "started"}).json()["items"]
    assert [x["initiator_name"] for x in lst if x["id"] == c["id"]] == [
        got["initiator_name"]]


def test_display_masks_nested_numbers(w):
    """An information change's new ID sits in payload.changes; the timeline
    shows it masked, in "changes" and in "after"."""
    sid = w.student(code(YS, 2), "13")
    ys2 = w.api("ys_reg2")
    s = w.api("admin").post("/students/%d/reveal" % sid, json={
        "fields": ["id_no"]}).json()["student"]
    new = make_id(s["birth_date"], s["gender"])
    started(ys2, type="correct", student_id=sid, changes={"id_no": new})
    ev = [e for e in ys2.get("/students/%d/events" % sid).json()["items"]
          if e["kind"] == "change.requested"][-1]
    shown = by_field(ev)["id_no"]["after"]
    assert shown != new and shown.endswith("****") and new[14:] not in shown
    assert new not in json.dumps(ev)
