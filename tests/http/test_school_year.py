"""A whole school year as a county's users live it, through the real server
and real HTTP, with the clock moved by restarting the server (XJ_FAKE_NOW):

1. September 2026: registration of grade-1 pupils (age rule) and a 补建学籍
   for a higher grade; the bureau sees them.
2. October: a transfer within the county and one across counties, each
   step by its actor, the record moving with its registry number.
3. November/December: 休学 and 复学; a suspension past its end date on the
   follow-up list; year-end refused in December.
4. July 2027: year-end preview and apply by the county bureau, not by a
   registrar; a student with an open request promoted when it closes.
5. 小升初: feeders, allocation, publication, the junior school's 新生名单.
6. September 2027: the new year is current; graduates in the 毕业生 list;
   `xueji check` passes.

Own world (changes_world.py): county YS (1 senior, 2 junior, 3 nine-year,
4-6 primary) and county YD (1 junior, 2 primary) of one city.  The phases
share module state (the STATE dict) and must run in order.  SQL only reads
(to pick students the generator made); every change goes through the API.
"""
import contextlib

import pytest

from changes_world import ChangeWorld, epoch, start
from changes_world import school_code as code
from conftest import cli_ok, detail_codes, err_code, primary_body, side_path

YS, YD = "441823", "441881"


USERS = [
    ("sy_ys", "bureau", ["--region", YS]),
    ("sy_yd", "bureau", ["--region", YD]),
    ("sy_junior", "registrar", ["--school", code(YS, 2)]),
    ("sy_p4", "registrar", ["--school", code(YS, 4)]),
    ("sy_p5", "registrar", ["--school", code(YS, 5)]),
    ("sy_p6", "registrar", ["--school", code(YS, 6)]),
    ("sy_ydp", "registrar", ["--school", code(YD, 2)]),
]
STATE = {}


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    world = ChangeWorld(tmp_path_factory.mktemp("schoolyear"),
                        [(YS, 6, 41), (YD, 2, 42)], USERS,
                        epoch(2026, 9, 7), per_school=40)
    yield world
    assert world.close() == 0


@contextlib.contextmanager
def clock(w, when):
    """A server on the world's database with the clock at @when."""
    srv = w.start(when)
    try:
        yield lambda name: w.api(name, srv)
    finally:
        for key in [k for k in w.apis if k[1] == srv.port]:
            w.apis.pop(key).close()
        assert srv.stop()[0] == 0


def student(a, sid):
    r = a.get("/students/%d" % sid)
    assert r.status_code == 200, r.text
    return r.json()["student"]


def full_regno(a, sid):
    r = a.post("/students/%d/reveal" % sid, json={"fields": ["registry_no"]})
    assert r.status_code == 200, r.text
    return r.json()["student"]["registry_no"]


def kinds(a, sid):
    r = a.get("/students/%d/events" % sid)
    assert r.status_code == 200, r.text
    return [e["kind"] for e in r.json()["items"]]


def act(a, cid, what="approve", **body):
    r = a.post("/changes/%d/%s" % (cid, what), json=body)
    assert r.status_code == 200, (a.username, what, r.text)
    return r.json()["change"]


def transfer(sender, receiver, sid, reason):
    """The receiving school's 转学 request for @sid, quoting the full
    registry number the sending school gives it; (number, Change)."""
    no = full_regno(sender, sid)
    r = start(receiver, type="transfer_in", student_id=sid, registry_no=no,
              reason=reason)
    assert r.status_code == 201, r.text
    return no, r.json()["change"]


def classes(a, school, grade):
    r = a.get("/classes", params={"school_id": school, "grade": grade})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def pick(w, school, grade, status="enrolled"):
    return w.student(code(*school), grade, status)


# ------------------------------------------------------------ 1 September

def test_1_september_registration(w):
    p4 = w.sid(code(YS, 4))
    reg, bureau = w.api("sy_p4"), w.api("sy_ys")
    c11 = classes(reg, p4, "11")
    assert c11, "the primary school has 一年级 classes this year"
    # a pupil of 6 (born March 2020) fits 一年级 in school year 2026
    body = primary_body(birth_date="2020-03-08", enrol_ym="202609",
                        class_id=c11[0]["id"])
    r = reg.post("/students", json=body)
    assert r.status_code == 201, r.text
    first = r.json()["id"]
    assert r.json()["registry_no"] == "G" + body["id_no"]
    assert r.json().get("warnings", []) == []
    # a three-year-old does not (一年级: 4 to 10 on 31 August, hard limits)
    r = reg.post("/students", json=primary_body(birth_date="2023-05-01",
                                                enrol_ym="202609"))
    assert r.status_code == 422, r.text
    assert "age_grade" in detail_codes(r).get("grade", set())
    # 补建学籍: a 四年级 pupil who never had a record, after the duplicate
    # check over the registry
    late = primary_body(birth_date="2017-04-02", grade="14",
                        enrol_ym="202309", class_id=classes(
                            reg, p4, "14")[0]["id"])
    r = reg.post("/students", json=late)
    assert r.status_code == 201, r.text
    rebuilt = r.json()["id"]
    # the same person again is the existing record, not a second one
    again = dict(late, name="另名")
    r = reg.post("/students", json=again)
    assert r.status_code == 409 and err_code(r) == "id_exists"
    assert r.json()["error"]["reentry"]["student_id"] == rebuilt
    # the county bureau sees both
    for sid, body, grade in ((first, body, "11"), (rebuilt, late, "14")):
        s = student(bureau, sid)
        assert (s["name"], s["grade"], s["status"]) == (
            body["name"], grade, "enrolled")
        assert s["school_id"] == p4
        names = [i["id"] for i in bureau.get("/students", params={
            "school_id": p4, "q": body["name"]}).json()["items"]]
        assert names == [sid]
    # the other county does not
    assert w.api("sy_yd").get("/students/%d" % first).status_code == 404
    STATE.update(first=first, first_class=c11[0]["id"], rebuilt=rebuilt,
                 first_class_name=c11[0]["name"])


# ------------------------------------------------------------ 2 October

def test_2_october_transfers(w):
    p4, p5, p6 = (w.sid(code(YS, n)) for n in (4, 5, 6))
    ydp = w.sid(code(YD, 2))
    with clock(w, epoch(2026, 10, 15)) as A:
        # within the county: 四年级 pupil of school 4 to school 5
        sid = pick(w, (YS, 4), "14")
        no, c = transfer(A("sy_p4"), A("sy_p5"), sid, "随父母搬迁")
        assert [s["label_key"] for s in c["steps"]] == ["from_school",
                                                        "county"]
        assert c["waiting"]["actor_school_id"] == p4
        # the bureau may not act before the sending school
        r = A("sy_ys").post("/changes/%d/approve" % c["id"], json={})
        assert r.status_code == 403 and err_code(r) == "change_not_actor"
        todo = A("sy_p4").get("/changes", params={"box": "todo"}).json()
        assert c["id"] in [i["id"] for i in todo["items"]]
        c = act(A("sy_p4"), c["id"], comment="同意转出")
        assert c["status"] == "pending"
        assert student(A("sy_ys"), sid)["school_id"] == p4
        c = act(A("sy_ys"), c["id"])
        assert c["status"] == "approved"
        assert [(s["acted_by"], s["acted_at"][:10], s["status"])
                for s in c["steps"]] == [
            ("sy_p4", "2026-10-15", "approved"),
            ("sy_ys", "2026-10-15", "approved")], c["steps"]
        s = student(A("sy_p5"), sid)
        assert (s["school_id"], s["status"], s["grade"]) == (p5, "enrolled",
                                                             "14")
        assert full_regno(A("sy_p5"), sid) == no
        # the sending school no longer sees it
        assert A("sy_p4").get("/students/%d" % sid).status_code == 404
        ev = kinds(A("sy_ys"), sid)
        # the timeline: requested, each step approved, then the transfer
        assert ev[-4:] == ["change.requested", "change.step.approved",
                           "change.step.approved", "change.transfer_in"], ev

        # across counties: 三年级 pupil of YS school 6 to YD school 2;
        # 转入县 → 转出学校 → 转出县
        far = pick(w, (YS, 6), "13")
        no2, c = transfer(A("sy_p6"), A("sy_ydp"), far, "户籍迁移")
        assert [(s["label_key"], s["actor_kind"], s["actor_region"] or
                 s["actor_school_id"]) for s in c["steps"]] == [
            ("to_county", "county", YD), ("from_school", "school", p6),
            ("from_county", "county", YS)]
        for wrong, right in (("sy_ys", "sy_yd"), ("sy_yd", "sy_p6"),
                             ("sy_p6", "sy_ys")):
            r = A(wrong).post("/changes/%d/approve" % c["id"], json={})
            assert r.status_code == 403, (wrong, r.text)
            assert student(A("sy_ys"), far)["school_id"] == p6
            c = act(A(right), c["id"])
        assert c["status"] == "approved"
        s = student(A("sy_ydp"), far)
        assert (s["school_id"], s["status"]) == (ydp, "enrolled")
        assert full_regno(A("sy_ydp"), far) == no2
        assert A("sy_ys").get("/students/%d" % far).status_code == 404
        assert [(s["label_key"], s["acted_by"]) for s in c["steps"]] == [
            ("to_county", "sy_yd"), ("from_school", "sy_p6"),
            ("from_county", "sy_ys")]
        assert kinds(A("sy_yd"), far)[-5:] == [
            "change.requested", "change.step.approved",
            "change.step.approved", "change.step.approved",
            "change.transfer_in"]
    STATE.update(moved=sid, far=far)


# ------------------------------------------------------------ 3 suspension

def test_3_suspension_resumption_follow_up(w):
    with clock(w, epoch(2026, 11, 2)) as A:
        reg, bureau = A("sy_p4"), A("sy_ys")
        back = pick(w, (YS, 4), "12")
        c = start(reg, type="suspend", student_id=back, reason="病休",
                  end_date="2027-01-31")
        assert c.status_code == 201, c.text
        c = c.json()["change"]
        assert (c["payload"]["start_date"], c["payload"]["end_date"]) == (
            "2026-11-02", "2027-01-31")
        act(bureau, c["id"])
        assert student(reg, back)["status"] == "suspended"
        late = pick(w, (YS, 4), "15")
        c = start(reg, type="suspend", student_id=late, reason="病休",
                  end_date="2026-11-30").json()["change"]
        act(bureau, c["id"])
        # 复学 before the end date
    with clock(w, epoch(2026, 12, 14)) as A:
        reg, bureau = A("sy_p4"), A("sy_ys")
        c = start(reg, type="resume", student_id=back, reason="康复复学")
        assert c.status_code == 201, c.text
        act(bureau, c.json()["change"]["id"])
        assert student(reg, back)["status"] == "enrolled"
        assert student(reg, back)["grade"] == "12"
        ev = kinds(bureau, back)
        assert ev.index("change.suspend") < ev.index("change.resume"), ev
        # the other one is past its end date and not resumed
        for who in ("sy_p4", "sy_ys"):
            page = A(who).get("/suspensions/overdue").json()
            assert [i["student_id"] for i in page["items"]] == [late], who
        item = page["items"][0]
        assert item["end_date"] == "2026-11-30" and item["days_over"] == 14
        assert A("sy_p5").get("/suspensions/overdue").json()["total"] == 0
        # 4 (December): year-end is not for now, whoever asks
        r = bureau.post("/yearend/apply", json={"county": YS})
        assert r.status_code == 409 and err_code(r) == "yearend_window"
        r = reg.post("/yearend/apply", json={"school_id": w.sid(code(YS, 4))})
        assert r.status_code == 403 and err_code(r) == "yearend_authority"
        # the bureau follows up: the pupil comes back
        c = start(reg, type="resume", student_id=late, reason="复学")
        act(bureau, c.json()["change"]["id"])
        assert A("sy_p4").get("/suspensions/overdue").json()["total"] == 0
    STATE.update(back=back, late=late)


# ------------------------------------------------------------ 4 July

def test_4_july_year_end(w):
    p4 = w.sid(code(YS, 4))
    junior = w.sid(code(YS, 2))
    six = pick(w, (YS, 4), "16")
    nine3 = pick(w, (YS, 2), "23")
    with clock(w, epoch(2027, 7, 5)) as A:
        reg, bureau = A("sy_p4"), A("sy_ys")
        # an open request: a 休学 waiting for the bureau
        held = pick(w, (YS, 4), "13")
        r = start(reg, type="suspend", student_id=held, reason="病休")
        assert r.status_code == 201, r.text
        req = r.json()["change"]["id"]
        r = bureau.post("/yearend/preview", json={"county": YS})
        assert r.status_code == 200, r.text
        p = r.json()
        assert (p["run_id"], p["from_year"], p["to_year"]) == (None, 2026,
                                                               2027)
        blocked = [b["id"] for s in p["schools"] for b in s["blocked"]]
        assert blocked == [held]
        assert student(reg, STATE["first"])["grade"] == "11"
        # a registrar previews but may not apply
        r = reg.post("/yearend/apply", json={"school_id": p4})
        assert r.status_code == 403 and err_code(r) == "yearend_authority"
        r = bureau.post("/yearend/apply", json={"county": YS})
        assert r.status_code == 201, r.text
        run = r.json()
        # the senior school belongs to the city bureau: skipped, and the
        # rest moves as previewed
        assert [s["stage"] for s in run["skipped"]] == ["senior"]
        senior = run["skipped"][0]["school_id"]
        for k in ("promoted", "graduated", "primary_completed"):
            assert run[k] == sum(s[k] for s in p["schools"]
                                 if s["school_id"] != senior), k
        assert run["blocked"] == 1
        # grades move up; 六年级 and 初三 graduate
        for sid, grade in ((STATE["first"], "12"), (STATE["rebuilt"], "15"),
                           (STATE["back"], "13"), (STATE["moved"], "15")):
            s = student(bureau, sid)
            assert (s["grade"], s["status"]) == (grade, "enrolled"), s
        for sid, grade in ((six, "16"), (nine3, "23")):
            s = student(bureau, sid)
            assert (s["grade"], s["status"]) == (grade, "graduated"), s
            assert kinds(bureau, sid)[-1] == "yearend.graduate"
        # the held student waits in 三年级 until the request closes
        assert student(reg, held)["grade"] == "13"
        act(bureau, req, "reject", comment="材料不全")
        s = student(reg, held)
        assert (s["grade"], s["status"]) == ("14", "enrolled")
        assert kinds(reg, held)[-1] == "yearend.promote"
        r = bureau.post("/yearend/apply", json={"county": YS})
        assert r.status_code == 409 and err_code(r) == "yearend_done"
        # the other county's bureau runs its own
        r = A("sy_yd").post("/yearend/apply", json={"county": YD})
        assert r.status_code == 201, r.text
        assert student(A("sy_yd"), STATE["far"])["grade"] == "14"
    STATE.update(six=six, nine3=nine3, held=held, junior=junior)


# ------------------------------------------------------------ 5 小升初

def test_5_primary_to_junior_allocation(w):
    p4, junior = w.sid(code(YS, 4)), STATE["junior"]
    six = STATE["six"]
    with clock(w, epoch(2027, 7, 20)) as A:
        bureau = A("sy_ys")
        no = full_regno(bureau, six)
        r = bureau.put("/schools/%d/zone" % junior, json={"feeders": [p4]})
        assert r.status_code == 200, r.text
        r = bureau.post("/allocations", json={"county": YS})
        assert r.status_code == 201, r.text
        aid = r.json()["id"]
        items = bureau.get("/allocations/%d/items" % aid, params={
            "to_school_id": junior, "per_page": 200}).json()["items"]
        assert six in [i["student_id"] for i in items]
        reg = A("sy_junior")
        assert reg.get("/intake").json()["total"] == 0   # a draft
        r = bureau.post("/allocations/%d/publish" % aid)
        assert r.status_code == 200 and r.json()["status"] == "published"
        lst = reg.get("/intake", params={"per_page": 200}).json()
        assert six in [i["student_id"] for i in lst["items"]]
        # still the primary school's graduate until the junior school
        # confirms
        s = student(bureau, six)
        assert (s["school_id"], s["status"]) == (p4, "graduated")
        r = reg.post("/intake/confirm", json={"student_ids": [six]})
        assert r.status_code == 200, r.text
        assert r.json()["confirmed"] == 1
        s = student(reg, six)
        assert (s["school_id"], s["grade"], s["status"]) == (junior, "21",
                                                             "enrolled")
        assert full_regno(reg, six) == no
        assert kinds(reg, six)[-1] == "progress.promote"
        assert A("sy_p4").get("/students/%d" % six).status_code == 404


# ------------------------------------------------------------ 6 September

def test_6_new_school_year(w):
    p4, junior = w.sid(code(YS, 4)), STATE["junior"]
    with clock(w, epoch(2027, 9, 1)) as A:
        reg = A("sy_p4")
        # the new year is current: the classes listed are 2027's, and the
        # promoted pupil sits in the 二年级 class of the same number
        c12 = classes(reg, p4, "12")
        assert c12
        s = student(reg, STATE["first"])
        assert s["grade"] == "12" and s["class_id"] in [c["id"] for c in c12]
        old = [c for c in classes(A("sy_ys"), p4, "11")
               if c["id"] == STATE["first_class"]]
        assert old == [], "last year's 一年级 class is not current"
        cur = {c["id"] for g in ("11", "12", "13", "14", "15", "16")
               for c in classes(reg, p4, g)}
        assert len({c["year_id"] for g in ("11", "12")
                    for c in classes(reg, p4, g)}) == 1
        assert s["class_id"] in cur
        assert s["class_name"] == STATE["first_class_name"].replace(
            "一年级", "二年级")
        # the graduates: in the graduating school's 毕业生 list
        grads = [i["id"] for i in reg.get("/students", params={
            "graduated": 2027, "per_page": 200}).json()["items"]]
        assert STATE["six"] in grads
        jgrads = [i["id"] for i in A("sy_junior").get("/students", params={
            "graduated": 2027, "per_page": 200}).json()["items"]]
        assert STATE["nine3"] in jgrads
        # the 小升初 pupil is at the junior school in 初一
        s = student(A("sy_junior"), STATE["six"])
        assert (s["school_id"], s["grade"]) == (junior, "21")
    # the database as a whole: audit chain intact (key beside the db)
    assert side_path(w.db, ".auditkey").exists()
    p = cli_ok("check", db=w.db)
    assert p.returncode == 0
