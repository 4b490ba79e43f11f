"""One record for life (issue 8): year-end by the registry authority in its
window, a nine-year school's 六年级 moving to 初一, 升学 of a primary
graduate into a junior school of the same county (at once) and of another
county (through the two bureaus), the 毕业生 list, a student whose open
request blocked year-end promoted when the request is rejected, and
re-entry of a record ended for every reason but death.

Own world (changes_world.py): county YS with six schools (1 senior, 2
junior, 3 nine-year, 4-6 primary), county YD with two (1 junior, 2
primary), clock at 10 July 2027 (school year 2026-2027 ends).
"""
import pytest

from changes_world import ChangeWorld, epoch
from changes_world import school_code as code
from conftest import err_code, sql, student_body

YS, YD = "441823", "441881"


USERS = [
    ("pg_ys", "bureau", ["--region", YS]),
    ("pg_yd", "bureau", ["--region", YD]),
    ("pg_qy", "bureau", ["--region", "4418"]),
    ("pg_junior", "registrar", ["--school", code(YS, 2)]),
    ("pg_nine", "registrar", ["--school", code(YS, 3)]),
    ("pg_primary", "registrar", ["--school", code(YS, 4)]),
    ("pg_primary5", "registrar", ["--school", code(YS, 5)]),
    ("pg_primary6", "registrar", ["--school", code(YS, 6)]),
    ("pg_ydjunior", "registrar", ["--school", code(YD, 1)]),
    ("pg_ydprimary", "registrar", ["--school", code(YD, 2)]),
    ("pg_senior", "registrar", ["--school", code(YS, 1)]),
]


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    world = ChangeWorld(tmp_path_factory.mktemp("progress"),
                        [(YS, 6, 31), (YD, 2, 32)], USERS,
                        epoch(2027, 7, 10), per_school=40)
    yield world
    assert world.close() == 0


def row(w, sid):
    line = sql(w.db, "select school_id, grade, status, registry_no,"
               " coalesce(class_id, 0) from students where id = %d" % sid)
    s, g, st, no, c = line[0].split("|")
    return int(s), g, st, no, int(c)


def ident(w, sid):
    line = sql(w.db, "select id_no, birth_date, gender from students"
               " where id = %d" % sid)
    i, b, g = line[0].split("|")
    return i, b, int(g)


# what a 升学 may change in a record (xj_progress_apply writes only the
# placement columns and the packed data: student_store.c st_stu_place)
MOVED = {"school_id", "class_id", "grade", "status", "enrol_ym",
         "enrol_mode", "version", "updated_at", "school_name",
         "school_code", "class_name", "grade_label"}


def record(w, sid):
    r = w.api("admin").get("/students/%d" % sid)
    assert r.status_code == 200, r.text
    return r.json()["student"]


def assert_moved(before, after, mode):
    """Only the placement changed, and 入学年月 / 入学方式 with it."""
    changed = {k for k in set(before) | set(after)
               if before.get(k) != after.get(k)}
    assert changed <= MOVED, changed - MOVED
    assert after["version"] == before["version"] + 1
    assert (after["status"], after["enrol_ym"], after["enrol_mode"]) == \
        ("enrolled", "202707", mode)


def kinds(w, sid):
    return [e["kind"] for e in
            w.api("admin").get("/students/%d/events" % sid).json()["items"]]


def test_1_window_and_authority(w):
    prim = w.sid(code(YS, 4))
    # December: outside the window, even for the county bureau (issue 8:
    # a registrar applied year-end in December)
    dec = w.start(epoch(2026, 12, 10))
    try:
        r = w.api("pg_ys", dec).post("/yearend/apply", json={"school_id": prim})
        assert r.status_code == 409 and err_code(r) == "yearend_window"
        assert "7月1日至8月31日" in r.json()["error"]["message"]
        r = w.api("pg_primary", dec).post("/yearend/apply",
                                          json={"school_id": prim})
        assert r.status_code == 403 and err_code(r) == "yearend_authority"
        r = w.api("pg_primary", dec).post("/yearend/preview",
                                          json={"school_id": prim})
        assert r.status_code == 200
    finally:
        assert dec.stop()[0] == 0
    # the window is a setting (administrators, audited)
    r = w.api("pg_ys").patch("/yearend/settings",
                             json={"window_start": "06-15"})
    assert r.status_code == 403
    r = w.api("admin").patch("/yearend/settings",
                             json={"window_start": "02-30"})
    assert r.status_code == 400
    r = w.api("admin").patch("/yearend/settings",
                             json={"window_start": "07-11"})
    assert r.status_code == 200 and r.json()["window_start"] == "07-11"
    r = w.api("pg_ys").post("/yearend/apply", json={"school_id": prim})
    assert r.status_code == 409 and err_code(r) == "yearend_window"
    r = w.api("admin").patch("/yearend/settings",
                             json={"window_start": "07-01"})
    assert r.status_code == 200
    assert w.api("pg_ys").get("/yearend/settings").json() == {
        "window_start": "07-01", "window_end": "08-31"}
    r = w.api("admin").get("/audit", params={"action": "settings.yearend"})
    assert r.json()["total"] == 2


def test_2_county_yearend(w):
    nine = w.sid(code(YS, 3))
    senior = w.sid(code(YS, 1))
    p5 = w.sid(code(YS, 5))
    six_nine = [int(x) for x in sql(
        w.db, "select id from students where school_id = %d and grade = '16'"
        " and status = 'enrolled'" % nine)]
    assert six_nine
    # an open request blocks one student; rejected after year-end, the
    # student is promoted then (issue 8: stayed in last year's class)
    blocked = w.student(code(YS, 5), "13")
    r = w.api("pg_primary5").post("/changes", json={
        "type": "suspend", "student_id": blocked, "reason": "病休"})
    assert r.status_code == 201, r.text
    req = r.json()["change"]["id"]
    _, _, _, _, old_class = row(w, blocked)
    r = w.api("pg_ys").post("/yearend/apply", json={"county": YS})
    assert r.status_code == 201, r.text
    j = r.json()
    # the senior school belongs to the city bureau
    assert [s["school_id"] for s in j["skipped"]] == [senior]
    assert j["primary_completed"] == len(six_nine)
    assert j["blocked"] == 1
    # nine-year: 六年级 → 初一 in the same school, primary completion
    for sid in six_nine:
        s, g, st, _, _ = row(w, sid)
        assert (s, g, st) == (nine, "21", "enrolled")
    assert kinds(w, six_nine[0])[-1] == "yearend.primary_completed"
    assert sql(w.db, "select outcome, school_year from graduations where"
               " student_id = %d" % six_nine[0]) == ["primary_completed|2026"]
    # the blocked student is still in 三年级 ...
    assert row(w, blocked)[1:3] == ("13", "enrolled")
    r = w.api("pg_ys").post("/changes/%d/reject" % req,
                            json={"comment": "材料不全"})
    assert r.status_code == 200, r.text
    # ... and moves on when the request is rejected
    s, g, st, _, cls = row(w, blocked)
    assert (s, g, st) == (p5, "14", "enrolled")
    if old_class:
        assert sql(w.db, "select c.grade, CASE WHEN c.no = o.no THEN 1 ELSE 0"
                   " END, y.start_year from"
                   " classes c join classes o on o.id = %d join school_years"
                   " y on y.id = c.year_id where c.id = %d"
                   % (old_class, cls)) == ["14|1|2027"]
    assert kinds(w, blocked)[-1] == "yearend.promote"
    assert sql(w.db, "select resolution from year_end_blocked where"
                " student_id = %d" % blocked) == ["promoted"]


def graduate(w, school):
    for line in sql(w.db, "select id from students where school_id = %d and"
                    " status = 'graduated' and grade = '16' order by id"
                    % w.sid(school)):
        i = int(line)
        if i not in w.used:
            w.used.add(i)
            return i
    raise AssertionError("no graduate left")


def test_3_promote_same_county(w):
    junior = w.sid(code(YS, 2))
    prim = w.sid(code(YS, 4))
    sid = graduate(w, code(YS, 4))
    id_no, birth, gender = ident(w, sid)
    _, _, _, regno, _ = row(w, sid)
    reg = w.api("pg_junior")
    # registration answers "exists" with the offer of 升学 (issue 8: a
    # primary graduate could not be enrolled at a junior school)
    r = reg.post("/students", json=student_body(
        id_no=id_no, birth_date=birth, gender=gender, grade="21"))
    assert r.status_code == 409 and err_code(r) == "id_exists"
    offer = r.json()["error"]["reentry"]
    assert offer["kind"] == "promote" and offer["student_id"] == sid
    assert [g["grade"] for g in offer["grades"]] == ["21"]
    # a transfer is refused with the same offer
    r = reg.post("/changes", json={"type": "transfer_in", "student_id": sid,
                                   "id_no": id_no, "reason": "升学"})
    assert r.status_code == 422
    assert r.json()["error"]["reentry"]["kind"] == "promote"
    # the lookup shows it too
    r = reg.get("/students/lookup", params={"id_no": id_no})
    assert r.status_code == 200 and r.json()["offer"]["kind"] == "promote"
    # wrong grade, foreign class
    r = reg.post("/progress/enrol", json={"id_no": id_no, "grade": "22"})
    assert r.status_code == 422 and err_code(r) == "progress_grade"
    cls = int(sql(w.db, "select c.id from classes c join school_years y on"
                  " y.id = c.year_id where c.school_id = %d and c.grade ="
                  " '21' and y.start_year = 2027 order by c.no limit 1"
                  % junior)[0])
    other = int(sql(w.db, "select id from classes where school_id = %d"
                    " limit 1" % prim)[0])
    r = reg.post("/progress/enrol", json={"id_no": id_no, "class_id": other})
    assert r.status_code == 422 and err_code(r) == "no_such_class"
    was = record(w, sid)
    r = reg.post("/progress/enrol", json={"registry_no": regno.lower(),
                                          "class_id": cls})
    assert r.status_code == 201, r.text
    assert r.json()["applied"] is True
    assert row(w, sid) == (junior, "21", "enrolled", regno, cls)
    assert_moved(was, record(w, sid), "12")
    ev = w.api("admin").get("/students/%d/events" % sid).json()["items"][-1]
    assert ev["kind"] == "progress.promote"
    assert ev["before"]["from_school"]["id"] == prim
    assert ev["after"]["to_school"]["id"] == junior
    # only once
    r = reg.post("/progress/enrol", json={"id_no": id_no})
    assert r.status_code == 409 and err_code(r) == "progress_not_graduate"
    # the graduating school keeps it in its 毕业生 list
    p = w.api("pg_primary")
    ids = [s["id"] for s in p.get("/students", params={
        "graduated": 2027, "per_page": 200}).json()["items"]]
    assert sid in ids
    assert sid not in [s["id"] for s in p.get("/students", params={
        "per_page": 200}).json()["items"]]
    assert p.get("/students", params={"graduated": 2026}).json()["total"] == 0
    assert w.api("pg_primary6").get("/students", params={
        "graduated": 2027}).json()["total"] == int(sql(
            w.db, "select count(*) from graduations where school_id = %d and"
            " outcome = 'graduated'" % w.sid(code(YS, 6)))[0])


def test_4_promote_across_counties(w):
    yd_junior = w.sid(code(YD, 1))
    sid = graduate(w, code(YS, 6))
    id_no, _, _ = ident(w, sid)
    r = w.api("pg_ydjunior").post("/progress/enrol", json={"id_no": id_no})
    assert r.status_code == 202, r.text
    req = r.json()["request_id"]
    c = w.api("pg_ydjunior").get("/changes/%d" % req).json()["change"]
    assert c["type"] == "promote"
    labels = [s["label"] for s in c["steps"]]
    assert labels == ["接收县教育局", "毕业学校县教育局"], labels
    r = w.api("pg_ys").post("/changes/%d/approve" % req, json={})
    assert r.status_code == 403
    r = w.api("pg_yd").post("/changes/%d/approve" % req, json={})
    assert r.status_code == 200, r.text
    assert row(w, sid)[2] == "graduated"
    r = w.api("pg_ys").post("/changes/%d/approve" % req, json={})
    assert r.status_code == 200, r.text
    s, g, st, _, _ = row(w, sid)
    assert (s, g, st) == (yd_junior, "21", "enrolled")
    assert kinds(w, sid)[-2:] == ["progress.promote", "change.step.approved"] \
        or kinds(w, sid)[-1] == "progress.promote"
    assert sql(w.db, "select route, request_id from progressions where"
               " student_id = %d" % sid) == ["direct|%d" % req]


ENDED = ["incomplete", "withdrawn", "abroad", "left", "cancelled",
         "completed", "expelled"]


@pytest.mark.parametrize("status", ENDED)
def test_5_reenter(w, status):
    # a 初二 student of the YD junior school whose record ended ...
    sid = w.student(code(YD, 1), "22")
    sql(w.db, "update students set status = '%s' where id = %d"
        % (status, sid))
    id_no, birth, gender = ident(w, sid)
    _, _, _, regno, _ = row(w, sid)
    junior = w.sid(code(YS, 2))
    reg = w.api("pg_junior")
    # ... never answers only "exists" (issue 8: ended records block)
    r = reg.post("/students", json=student_body(
        id_no=id_no, birth_date=birth, gender=gender, grade="22"))
    assert r.status_code == 409 and err_code(r) == "id_exists"
    offer = r.json()["error"]["reentry"]
    assert offer["kind"] == "reenter" and offer["status"] == status
    grades = {g["grade"]: g["approval"] for g in offer["grades"]}
    assert grades == {"21": False, "22": False, "23": False, "24": True}
    r = reg.post("/progress/reenter", json={"id_no": id_no, "grade": "22"})
    assert r.status_code == 422 and err_code(r) == "required"
    r = reg.post("/progress/reenter", json={"id_no": id_no, "grade": "31",
                                            "reason": "回国"})
    assert r.status_code == 422 and err_code(r) == "reentry_grade"
    r = reg.post("/progress/reenter", json={"registry_no": regno,
                                            "grade": "23", "reason": "返校"})
    assert r.status_code == 201, r.text
    assert row(w, sid)[:3] == (junior, "23", "enrolled")
    assert kinds(w, sid)[-1] == "progress.reenter"
    assert sql(w.db, "select from_status from progressions where"
               " student_id = %d" % sid) == [status]


def test_6_reenter_far_grade_needs_county(w):
    sid = w.student(code(YD, 2), "13")
    # back from abroad three grades on: old enough for 六年级 (11 on 31
    # August 2026), or the grade check refuses it like a registration
    sql(w.db, "update students set status = 'abroad', birth_date ="
        " '2015-03-01' where id = %d" % sid)
    id_no, _, _ = ident(w, sid)
    r = w.api("pg_primary").post("/progress/reenter", json={
        "id_no": id_no, "grade": "16", "reason": "回国，按境外学习经历入学"})
    assert r.status_code == 202, r.text
    req = r.json()["request_id"]
    c = w.api("pg_primary").get("/changes/%d" % req).json()["change"]
    assert c["type"] == "reenter"
    assert [s["label"] for s in c["steps"]] == ["县教育局"]
    assert row(w, sid)[2] == "abroad"
    r = w.api("pg_yd").post("/changes/%d/approve" % req, json={})
    assert r.status_code == 403
    r = w.api("pg_ys").post("/changes/%d/approve" % req, json={})
    assert r.status_code == 200, r.text
    assert row(w, sid)[:3] == (w.sid(code(YS, 4)), "16", "enrolled")


def test_7_deceased_refused(w):
    sid = w.student(code(YD, 2), "14")
    sql(w.db, "update students set status = 'deceased' where id = %d" % sid)
    id_no, birth, gender = ident(w, sid)
    reg = w.api("pg_primary")
    r = reg.post("/students", json=student_body(
        id_no=id_no, birth_date=birth, gender=gender, grade="14"))
    assert r.status_code == 409
    assert r.json()["error"]["reentry"]["kind"] == "none"
    r = reg.post("/progress/reenter", json={"id_no": id_no, "grade": "14",
                                            "reason": "误报"})
    assert r.status_code == 409 and err_code(r) == "reentry_refused"
    assert row(w, sid)[2] == "deceased"
    # an enrolled student is a transfer, not a re-entry
    other = w.student(code(YD, 2), "14")
    r = reg.post("/progress/reenter", json={"id_no": ident(w, other)[0],
                                            "grade": "14", "reason": "x"})
    assert r.status_code == 409 and err_code(r) == "reentry_refused"
    r = w.api("pg_primary").post("/changes", json={
        "type": "promote", "student_id": other, "reason": "x"})
    assert r.status_code == 403


def waiting_graduates(w, school):
    return [int(x) for x in sql(
        w.db, "select id from students where school_id = %d and status ="
        " 'graduated' and grade = '16'" % w.sid(school))]


def test_8_zones_allocation_intake(w):
    junior, nine = w.sid(code(YS, 2)), w.sid(code(YS, 3))
    p4, p5 = w.sid(code(YS, 4)), w.sid(code(YS, 5))
    bureau = w.api("pg_ys")
    z = bureau.get("/zones").json()
    assert {s["id"] for s in z["schools"]} >= {junior, nine, p4, p5}
    town5 = sql(w.db, "select township_code from schools where id = %d"
                % p5)[0]
    # only primary schools of the county feed; only county townships
    r = bureau.put("/schools/%d/zone" % junior, json={"feeders": [nine]})
    assert r.status_code == 422 and err_code(r) == "zone_invalid"
    r = bureau.put("/schools/%d/zone" % junior,
                   json={"townships": ["441881001"]})
    assert r.status_code == 422 and r.json()["error"]["field"] == "townships"
    r = w.api("pg_yd").put("/schools/%d/zone" % junior,
                           json={"feeders": [p4]})
    assert r.status_code == 404
    r = bureau.put("/schools/%d/zone" % junior, json={"feeders": [p4]})
    assert r.status_code == 200, r.text
    r = bureau.put("/schools/%d/zone" % nine, json={
        "townships": [town5], "communities": ["幸福社区"]})
    assert r.status_code == 200, r.text
    got = {s["id"]: s for s in r.json()["schools"]}
    assert got[junior]["feeders"] == [p4]
    assert [t["code"] for t in got[nine]["townships"]] == [town5]
    assert got[nine]["communities"] == ["幸福社区"]

    g4, g5 = waiting_graduates(w, code(YS, 4)), waiting_graduates(w, code(YS, 5))
    assert g4 and g5
    r = bureau.post("/allocations", json={"county": YS})
    assert r.status_code == 201, r.text
    a = r.json()
    per = {s["school_id"]: s for s in a["schools"]}
    assert per[junior]["feeder"] == len(g4)
    assert per[nine]["zone"] >= len(g5)
    aid = a["id"]
    items = bureau.get("/allocations/%d/items" % aid,
                       params={"to_school_id": junior, "per_page": 200}
                       ).json()["items"]
    assert sorted(i["student_id"] for i in items) == sorted(g4)
    assert {i["route"] for i in items} == {"feeder"}
    none = bureau.get("/allocations/%d/items" % aid,
                      params={"to_school_id": 0}).json()
    assert none["total"] == a["unmatched"]
    # the bureau moves one student, with a reason
    moved = g4[0]
    r = bureau.post("/allocations/%d/move" % aid, json={
        "student_ids": [moved], "to_school_id": nine, "reason": "随迁就近"})
    assert r.status_code == 200, r.text
    r = bureau.post("/allocations/%d/move" % aid, json={
        "student_ids": [moved], "to_school_id": p4, "reason": "x"})
    assert r.status_code == 404 or r.status_code == 422
    # nothing reaches the schools before publishing
    reg = w.api("pg_junior")
    assert reg.get("/intake").json()["total"] == 0
    r = bureau.post("/allocations/%d/publish" % aid)
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert bureau.post("/allocations/%d/publish" % aid).status_code == 409
    r = bureau.post("/allocations", json={"county": YS})
    assert r.status_code == 409 and err_code(r) == "allocation_published"
    assert w.api("pg_yd").get("/allocations/%d" % aid).status_code == 404
    # the junior school's 新生名单, confirmed in bulk into two classes
    lst = reg.get("/intake").json()
    assert sorted(i["student_id"] for i in lst["items"]) == sorted(g4[1:])
    sql(w.db, "insert into classes (school_id, year_id, grade, no,"
        " name, created_at) select %d, id, '21', 9, '初一(9)班', '2027-07-10'"
        " from school_years where start_year = 2027 on conflict do nothing"
        % junior)
    classes = [int(x) for x in sql(
        w.db, "select c.id from classes c join school_years y on y.id ="
        " c.year_id where c.school_id = %d and c.grade = '21' and"
        " y.start_year = 2027 order by c.no" % junior)][:2]
    assert len(classes) == 2
    regnos = {i: row(w, i)[3] for i in g4}
    was = {i: record(w, i) for i in g4[1:4]}
    r = reg.post("/intake/confirm", json={"class_ids": classes,
                                          "balance": True})
    assert r.status_code == 200, r.text
    assert r.json()["confirmed"] == len(g4) - 1
    sizes = [c["students"] for c in r.json()["classes"]]
    assert max(sizes) - min(sizes) <= 1
    for i in g4[1:]:
        s, g, st, no, cls = row(w, i)
        assert (s, g, st, no) == (junior, "21", "enrolled", regnos[i])
        assert cls in classes
    for i in was:
        assert_moved(was[i], record(w, i), "11")
    assert sql(w.db, "select distinct route from progressions where"
               " student_id in (%s)" % ",".join(map(str, g4[1:]))) == \
        ["feeder"]
    assert reg.get("/intake").json()["total"] == 0
    # the moved student: admitted outside the zone, kept as such
    r = w.api("pg_nine").post("/intake/confirm", json={
        "student_ids": [moved]})
    assert r.status_code == 200 and r.json()["confirmed"] == 1
    assert row(w, moved)[:3] == (nine, "21", "enrolled")
    assert sql(w.db, "select route, out_of_zone, reason from progressions"
               " where student_id = %d" % moved) == ["moved|1|随迁就近"]


def test_9_promote_to_senior_city_chain_survives_resubmit(w):
    # a 初三 graduate of 英德 admitted by 阳山's senior school: the city
    # bureau admits (senior authority), 英德's county confirms; a returned
    # request resubmitted keeps that chain
    sid = w.student(code(YD, 1), "23")
    sql(w.db, "update students set status = 'graduated' where id = %d" % sid)
    reg = w.api("pg_senior")
    r = reg.post("/progress/enrol", json={"id_no": ident(w, sid)[0]})
    assert r.status_code == 202, r.text
    req = r.json()["request_id"]

    def steps(rnd):
        c = reg.get("/changes/%d" % req).json()["change"]
        return [(s["actor_kind"], s["actor_region"]) for s in c["steps"]
                if s["round"] == rnd]
    assert steps(1) == [("city", "4418"), ("county", YD)]
    r = w.api("pg_qy").post("/changes/%d/return" % req,
                            json={"comment": "补录取通知书"})
    assert r.status_code == 200, r.text
    r = reg.post("/changes/%d/resubmit" % req, json={"reason": "已补"})
    assert r.status_code == 200, r.text
    assert steps(2) == [("city", "4418"), ("county", YD)]
    assert w.api("pg_qy").post("/changes/%d/approve" % req,
                               json={}).status_code == 200
    assert w.api("pg_yd").post("/changes/%d/approve" % req,
                               json={}).status_code == 200
    assert row(w, sid)[:3] == (w.sid(code(YS, 1)), "31", "enrolled")
