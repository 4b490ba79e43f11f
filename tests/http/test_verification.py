"""Semester verification (学籍核准) and ghost-record signals (空挂学籍 /
人籍分离), issue 11 point 4: the class checklist and its ticks (append-only,
a later tick supersedes), corrections that must really be started, the
progress of classes and schools, the county deadline at its edge, each
ghost signal at its edge, the bureau's sweep and review (confirm starts a
注销 change request, dismissed candidates are not raised again unless
their signals change), and scope (another school or county answers 404
like missing).

Own world (changes_world.py), clock at Tuesday 2026-01-20 10:00 CST: term
1 of school year 2025 ended on 15 January (the default terms), so the
current round is 2025 term 1 and the presence signal looks at that term.
"""
import time

import pytest

from changes_world import ChangeWorld, epoch
from changes_world import school_code as code
from conftest import detail_codes, err_code, sql

YS, YD = "441823", "441881"
YEAR, TERM = 2025, 1


USERS = [
    ("ys_bureau", "bureau", ["--region", YS]),
    ("yd_bureau", "bureau", ["--region", YD]),
    ("ys_reg4", "registrar", ["--school", code(YS, 4)]),
    ("ys_reg5", "registrar", ["--school", code(YS, 5)]),
    ("yd_reg1", "registrar", ["--school", code(YD, 1)]),
]
NOW = epoch(2026, 1, 20)


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    world = ChangeWorld(tmp_path_factory.mktemp("verify"),
                        [(YS, 5, 31), (YD, 2, 32)], USERS, NOW,
                        per_school=40)
    # on the roll since before the term began; households and addresses
    # in the school's own county, no guardian phone shared, so that each
    # test sets exactly the signal it looks at
    for attempt in range(50):     # the new server's start-up may write
        try:
            sql(world.db, "update students set created_at ="
                " '2025-06-01T00:00:00Z', updated_at = '2025-06-01T00:00:00Z'")
            break
        except AssertionError as e:
            if "locked" not in str(e) or attempt == 49:
                raise
            time.sleep(0.2)
    world.classes = {}
    yield world
    assert world.close() == 0


def classes_of(w, school_code):
    """Current-year classes of a school with 在读 students, ordered."""
    rows = sql(w.db, "select c.id from classes c where c.school_id = %d"
               " and exists (select 1 from students s where s.class_id = c.id"
               " and s.status = 'enrolled') order by c.id" % w.sid(school_code))
    return [int(r) for r in rows]


def roster(w, class_id):
    return [int(r) for r in sql(
        w.db, "select id from students where class_id = %d"
        " and status = 'enrolled' order by id" % class_id)]


def codes(r):
    """Every error code of a 422's details."""
    return set().union(*detail_codes(r).values())


def tick(a, *ticks, year=YEAR, term=TERM):
    return a.post("/verification/ticks", json={
        "school_year": year, "term": term, "ticks": list(ticks)})


def ok(sid, **kw):
    d = {"student_id": sid, "present": True, "correct": True}
    d.update(kw)
    return d


def progress(a, **params):
    r = a.get("/verification/progress", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def school_row(p, sid):
    return next(s for s in p["schools"] if s["id"] == sid)


def set_deadline(a, date, county=YS):
    return a.put("/verification/deadline", json={
        "county": county, "school_year": YEAR, "term": TERM, "date": date})


def patch(a, sid, **fields):
    s = a.get("/students/%d" % sid).json()["student"]
    r = a.patch("/students/%d" % sid, json=dict(version=s["version"],
                                                 **fields))
    assert r.status_code == 200, r.text


def sweep_wait(a, sid, timeout=60):
    """Poll sweep @sid until it ends; its final JSON."""
    end = time.time() + timeout
    while True:
        r = a.get("/verification/ghosts/sweeps/%d" % sid)
        assert r.status_code == 200, r.text
        g = r.json()["sweep"]
        if g["state"] != "running":
            return g
        assert time.time() < end, g
        time.sleep(0.05)


def sweep(a):
    """Start the sweep (a job) and wait for it; its counts."""
    r = a.post("/verification/ghosts/sweep", json={})
    assert r.status_code == 202, r.text
    g = sweep_wait(a, r.json()["sweep"]["id"])
    assert g["state"] == "done", g
    assert g["students_done"] == g["students_total"]
    return dict(g, students=g["students_done"])


def candidates(a, status=""):
    out, page = [], 1
    while True:
        r = a.get("/verification/ghosts", params={
            "status": status, "page": page, "per_page": 200})
        assert r.status_code == 200, r.text
        out += r.json()["items"]
        if len(out) >= r.json()["total"]:
            return out
        page += 1


def signals_of(a, sid):
    """The signals of the student's open candidate (set), None if none."""
    for c in candidates(a, "open"):
        if c["student_id"] == sid:
            return set(c["signals"].split(","))
    return None


def test_checklist_ticks_and_progress(w):
    reg = w.api("ys_reg4")
    cls = classes_of(w, code(YS, 4))[0]
    w.classes["done"] = cls
    kids = roster(w, cls)
    r = reg.get("/verification/classes/%d" % cls)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["school_year"], body["term"]) == (YEAR, TERM)
    assert {s["id"] for s in body["students"]} == set(kids)
    assert all(s["present"] is None and not s["settled"]
               for s in body["students"])
    assert "*" in body["students"][0]["registry_no"]     # masked
    assert body["done"] is False

    # all but the last ticked present and correct
    r = tick(reg, *[ok(s) for s in kids[:-1]])
    assert r.status_code == 200, r.text
    last = kids[-1]
    # a wrong detail with no started correction: recorded, not settled
    r = tick(reg, ok(last, correct=False))
    assert r.status_code == 200, r.text
    body = reg.get("/verification/classes/%d" % cls).json()
    assert body["done"] is False
    row = next(s for s in body["students"] if s["id"] == last)
    assert row["correct"] is False and row["settled"] is False
    assert row["actor"] == "ys_reg4"

    # "edited" before any edit this term, a change of another student
    r = tick(reg, ok(last, correct=False, correction="edit"))
    assert r.status_code == 422 and "verify_correction" in codes(r)
    other = w.student(code(YS, 4))
    r = w.api("ys_reg4").post("/changes", json={
        "type": "suspend", "student_id": other, "reason": "因病休学"})
    assert r.status_code == 201, r.text
    chg = r.json()["change"]["id"]
    r = tick(reg, ok(last, correct=False, correction="change",
                     change_id=chg))
    assert r.status_code == 422 and "verify_correction" in codes(r)
    r = tick(reg, ok(last, correct=False, correction="note"))
    assert r.status_code == 422

    # the edit really made: the tick settles the student, the class is done
    patch(reg, last, specialty="书法")
    r = tick(reg, ok(last, correct=False, correction="edit"))
    assert r.status_code == 200, r.text
    body = reg.get("/verification/classes/%d" % cls).json()
    assert body["done"] is True
    # history kept: three ticks of that student, the last one counts
    assert sql(w.db, "select count(*) from verify_ticks where student_id = %d"
               % last) == ["2"]
    assert sql(w.db, "select correction from verify_ticks v join"
               " verify_state s on s.tick_id = v.id where s.student_id = %d"
               % last) == ["edit"]

    # progress: the school sees its classes, the bureau its schools
    p = progress(reg)
    c = next(c for c in p["classes"] if c["id"] == cls)
    assert c["done"] and c["students"] == len(kids)
    assert c["settled"] == len(kids) and c["verified"] == len(kids) - 1
    me = school_row(p, w.sid(code(YS, 4)))
    assert me["classes_done"] == 1 and me["done"] is (me["classes"] == 1)
    b = progress(w.api("ys_bureau"))
    assert {s["county_code"] for s in b["schools"]} == {YS}
    row = school_row(b, w.sid(code(YS, 4)))
    assert row["classes_done"] == 1 and row["settled"] == len(kids)
    assert b["totals"]["schools"] == 5
    assert b["totals"]["settled"] == len(kids)
    assert "classes" not in b
    assert len(sql(w.db, "select id from audit_log where action ="
                   " 'verify.tick'")) == 3


def test_round_closed_and_roles(w):
    reg = w.api("ys_reg4")
    kid = roster(w, classes_of(w, code(YS, 4))[1])[0]
    r = tick(reg, ok(kid), term=2)
    assert r.status_code == 422 and "verify_round_closed" in codes(r)
    r = tick(reg, ok(kid), year=2024, term=2)
    assert r.status_code == 422 and "verify_round_closed" in codes(r)
    # the bureau watches; it does not tick
    r = tick(w.api("ys_bureau"), ok(kid))
    assert r.status_code == 403
    # a student who is not 在读 is not on the list
    other = w.student(code(YS, 4))
    sql(w.db, "update students set status = 'suspended' where id = %d" % other)
    r = tick(reg, ok(other))
    assert r.status_code == 422
    assert "verify_student_status" in codes(r)


def test_class_teacher_ticks_own_class_only(w):
    """A class teacher ticks their class; another class of the same school
    is out of their scope (404 / not found)."""
    from conftest import PW, cli_ok
    own, other = classes_of(w, code(YS, 5))[2:4]
    cli_ok("user", "add", "ys_t5", "--role", "teacher", "--school",
           code(YS, 5), "--class", str(own), db=w.db,
           env=dict(w.env, XUEJI_PASSWORD=PW))
    w.passwords["ys_t5"] = PW
    t = w.api("ys_t5")
    kid = roster(w, own)[0]
    r = tick(t, ok(kid))
    assert r.status_code == 200, r.text
    assert sql(w.db, "select actor from verify_ticks where student_id = %d"
               % kid) == ["ys_t5"]
    assert t.get("/verification/classes/%d" % other).status_code == 404
    r = tick(t, ok(roster(w, other)[0]))
    assert r.status_code == 422 and codes(r) == {"not_found"}


def test_scope(w):
    cls4 = classes_of(w, code(YS, 4))[0]
    kid4 = roster(w, cls4)[0]
    reg5 = w.api("ys_reg5")
    # school 5 cannot see or tick school 4's class
    assert reg5.get("/verification/classes/%d" % cls4).status_code == 404
    r = tick(reg5, ok(kid4))
    assert r.status_code == 422 and codes(r) == {"not_found"}
    assert err_code(reg5.get("/verification/progress", params={
        "school_id": w.sid(code(YS, 4))})) == "not_found"
    p = progress(reg5)
    assert [s["id"] for s in p["schools"]] == [w.sid(code(YS, 5))]
    # the county 441881 sees only its own schools, not 441823's
    yd = w.api("yd_bureau")
    p = progress(yd)
    assert {s["county_code"] for s in p["schools"]} == {YD}
    assert yd.get("/verification/progress",
                  params={"county": YS}).status_code == 404
    assert yd.get("/verification/classes/%d" % cls4).status_code == 404
    assert set_deadline(yd, "2026-01-10", county=YS).status_code == 404
    assert set_deadline(w.api("ys_reg4"), "2026-01-10").status_code == 403


def test_deadline_marks_late_schools_after_the_day(w):
    b = w.api("ys_bureau")
    done = w.sid(code(YS, 4))
    # finish school 4 entirely
    reg = w.api("ys_reg4")
    for cls in classes_of(w, code(YS, 4)):
        todo = [ok(s) for s in roster(w, cls)
                if not sql(w.db, "select 1 from verify_state where"
                           " student_id = %d" % s)]
        if todo:
            r = tick(reg, *todo)
            assert r.status_code == 200, r.text
    assert school_row(progress(b), done)["done"] is True
    assert set_deadline(b, "2026-02-30").status_code == 422
    # the deadline day itself is not late
    r = set_deadline(b, "2026-01-20")
    assert r.status_code == 200, r.text
    p = progress(b)
    assert p["totals"]["schools_late"] == 0
    assert school_row(p, w.sid(code(YS, 5)))["deadline"] == "2026-01-20"
    # the day after it is
    assert set_deadline(b, "2026-01-19").status_code == 200
    p = progress(b)
    late = {s["id"] for s in p["schools"] if s["late"]}
    assert done not in late and w.sid(code(YS, 5)) in late
    assert p["totals"]["schools_late"] == 4
    # another county's deadline is its own
    assert all(not s["late"] for s in progress(w.api("yd_bureau"))["schools"])
    rows = sql(w.db, "select before, after from audit_log where action ="
               " 'verify.deadline' order by id")
    assert len(rows) == 2 and rows[1].startswith('{"deadline":"2026-01-20"}')


def test_signals_at_their_edges(w):
    """Each signal at its edge; the sweep puts candidates in the queue."""
    b = w.api("ys_bureau")
    reg5 = w.api("ys_reg5")
    c1, c2 = classes_of(w, code(YS, 5))[:2]
    k1, k2 = roster(w, c1), roster(w, c2)
    absent, silent, ticked, late_comer = k1[0], k1[1], k1[2], k1[3]
    # a) one absence in class c1 during term 1; nothing in class c2
    r = reg5.post("/attendance", json={"entries": [
        {"student_id": absent, "date": "2026-01-05", "part": "full",
         "reason": "sick"}]})
    assert r.status_code == 200, r.text
    assert tick(reg5, ok(ticked)).status_code == 200
    sql(w.db, "update students set created_at = '2025-10-01T00:00:00Z'"
        " where id = %d" % late_comer)
    # c) a guardian phone shared with a 在读 record of another school (of
    # another county), and one shared only within the same school
    share_a, share_b = k2[0], k2[1]
    far_student = yd_kid = None
    yd_kid = w.student(code(YD, 1))
    patch(w.api("yd_reg1"), yd_kid, g1_phone="13912345678")
    patch(reg5, share_a, g1_phone="13912345678")
    patch(reg5, share_b, g1_phone="13787654321")
    patch(reg5, k2[2], g1_phone="13787654321")
    # d) household in 英德 (441881): far unless the address names 阳山
    far_student, near_student, short_name = k2[3], k2[4], k2[5]
    patch(reg5, far_student, hukou_region="441881", address="英德市英城街道")
    patch(reg5, near_student, hukou_region="441881",
          address="阳山县阳城镇新街8号")
    patch(reg5, short_name, hukou_region="441881", address="阳山阳城镇")

    out = sweep(b)
    assert out["students"] > 0 and out["raised"] > 0
    sig = {s: signals_of(b, s) for s in
           [absent, silent, ticked, late_comer, k2[6], share_a, share_b,
            far_student, near_student, short_name]}
    assert "no_presence" in sig[silent]
    for s in (absent, ticked, late_comer, k2[6]):
        assert sig[s] is None or "no_presence" not in sig[s], s
    assert "guardian_shared" in sig[share_a]
    assert sig[share_b] is None or "guardian_shared" not in sig[share_b]
    assert "far_from_home" in sig[far_student]
    for s in (near_student, short_name):
        assert sig[s] is None or "far_from_home" not in sig[s], s
    # b) the deadline (19 January) has passed: unsettled students are
    # flagged, the ticked one is not
    assert "unverified" in sig[silent]
    assert sig[ticked] is None
    # the other county's record is its bureau's: its sweep raises it
    # (sharing the phone with share_a), the list of 441823 never shows it
    yd = w.api("yd_bureau")
    assert yd.get("/verification/ghosts").json()["total"] == 0
    sweep(yd)
    assert "guardian_shared" in signals_of(yd, yd_kid)
    assert yd_kid not in {c["student_id"] for c in candidates(b)}
    assert share_a not in {c["student_id"] for c in candidates(yd)}
    w.classes["ghost"] = dict(silent=silent, far=far_student, share=share_a)
    # a second sweep raises nothing new
    again = sweep(b)
    assert again["raised"] == 0 and again["updated"] == 0


def test_review_confirm_dismiss_not_raised_again(w):
    b = w.api("ys_bureau")
    g = w.classes["ghost"]
    by_student = {c["student_id"]: c for c in candidates(b, "open")}
    silent, far = by_student[g["silent"]], by_student[g["far"]]
    # a reason is required; another county answers 404
    r = b.post("/verification/ghosts/%d/dismiss" % silent["id"], json={})
    assert r.status_code == 422 and err_code(r) == "required"
    r = w.api("yd_bureau").post("/verification/ghosts/%d/dismiss"
                                % silent["id"], json={"reason": "x"})
    assert r.status_code == 404
    assert w.api("ys_reg5").get("/verification/ghosts").status_code == 403
    r = b.post("/verification/ghosts/%d/dismiss" % silent["id"],
               json={"reason": "经核实该生在校就读，班主任漏记"})
    assert r.status_code == 200, r.text
    # confirm starts a 注销 change request, never edits the record
    r = b.post("/verification/ghosts/%d/confirm" % far["id"],
               json={"reason": "经家访核实，该生在英德就读", "change_type": "x"})
    assert r.status_code == 422
    r = b.post("/verification/ghosts/%d/confirm" % far["id"],
               json={"reason": "经家访核实，该生在英德就读"})
    assert r.status_code == 200, r.text
    chg = r.json()["change_id"]
    assert chg > 0
    c = b.get("/changes/%d" % chg).json()["change"]
    assert c["type"] == "cancel" and c["student"]["id"] == g["far"]
    assert sql(w.db, "select status from students where id = %d"
               % g["far"]) == ["enrolled"]
    r = b.post("/verification/ghosts/%d/dismiss" % far["id"],
               json={"reason": "again"})
    assert r.status_code == 409 and err_code(r) == "ghost_state"
    assert len(sql(w.db, "select id from audit_log where action in"
                   " ('ghost.confirm', 'ghost.dismiss')")) == 2
    assert sql(w.db, "select count(*) from student_events where kind ="
               " 'ghost.review' and student_id = %d" % g["silent"]) == ["1"]
    # dismissed: not raised again by the next sweep ...
    sweep(b)
    assert signals_of(b, g["silent"]) is None
    # ... until its signals change
    patch(w.api("ys_reg5"), g["silent"], hukou_region="441881",
          address="英德市英城街道")
    out = sweep(b)
    assert out["raised"] >= 1
    assert "far_from_home" in signals_of(b, g["silent"])
    counts = {s: len(candidates(b, s)) for s in
              ("open", "confirmed", "dismissed")}
    assert counts["confirmed"] == 1 and counts["dismissed"] == 1
    # the queue's counts (xj_ghost_queue_counts, the dashboard's figure)
    assert b.get("/verification/ghosts").json()["counts"] == counts
    yd = w.api("yd_bureau").get("/verification/ghosts").json()
    assert yd["counts"] == {"open": yd["total"], "confirmed": 0,
                            "dismissed": 0}
