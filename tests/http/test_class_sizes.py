"""Class sizes (issue 11 point 3): every class banded from live enrolment
at the band edges, the settings per county (audited), the warning on each
path that puts a student into a class at 大班额 and its count per school,
refuse_into_oversized, scope, and the as-of-date figures of the trend
that later events do not change.

Own world (changes_world.py): county YS with six schools (1 senior,
2 junior, 3 nine-year, 4-6 primary) and YD with two, generated on
1 September 2026; a second server runs on 15 October 2026.
"""
import io

import pytest

from changes_world import approve, epoch, late_world, started
from changes_world import school_code as code
from conftest import err_code, primary_body, sql

YS, YD = "441823", "441881"


USERS = [
    ("cs_ys", "bureau", ["--region", YS]),
    ("cs_yd", "bureau", ["--region", YD]),
    ("cs_p4", "registrar", ["--school", code(YS, 4)]),
    ("cs_p5", "registrar", ["--school", code(YS, 5)]),
    ("cs_j2", "registrar", ["--school", code(YS, 2)]),
]


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    def sizes(world):
        # school 4's classes as generated (test 9's expectation)
        world.p4_sizes0 = {int(c): int(n) for c, n in (
            l.split("|") for l in sql(
                world.db, "select class_id, count(*) from students where"
                " school_id = %d and status = 'enrolled' group by class_id"
                % world.sid(code(YS, 4))))}

    # the later server: the events it writes come after 1 September
    yield from late_world(tmp_path_factory, "class_sizes",
                          [(YS, 6, 51), (YD, 2, 52)], USERS,
                          epoch(2026, 10, 15), per_school=30, prepare=sizes)


def api(w, name):
    return w.api(name, server=w.late)


def size(w, cls):
    return int(sql(w.db, "select count(*) from students where class_id = %d"
                   " and status = 'enrolled'" % cls)[0])


def pad(w, cls, target):
    """Fill class @cls up to @target 在读 students with bare rows (only
    counted, never loaded), written "now" (after 1 September)."""
    n = target - size(w, cls)
    assert n >= 0
    if n:
        sql(w.db, "with recursive k(i) as (select 1 union all select i + 1"
            " from k where i < %d) insert into students (registry_no,"
            " id_type, id_no, name, gender, birth_date, school_id, class_id,"
            " grade, status, dup_flag, version, data, created_at, updated_at,"
            " province)"
            " select 'T%d-' || (select count(*) from students) || '-' || i,"
            " '9', null, '填充', 1, '2016-01-01', c.school_id, c.id, c.grade,"
            " 'enrolled', 0, 1, '{}', '2026-10-15T10:00:00+08:00',"
            " '2026-10-15T10:00:00+08:00', (select CAST(substr(county_code,"
            " 1, 2) AS INTEGER) from schools where id = c.school_id)"
            " from classes c, k where c.id = %d"
            % (n, cls, cls))
    assert size(w, cls) == target


def new_class(w, school, grade):
    """Another class of @grade at @school (this school year)."""
    no = int(sql(w.db, "select coalesce(max(no), 0) + 1 from classes where"
                 " school_id = %d and grade = '%s'" % (school, grade))[0])
    return int(sql(w.db, "insert into classes (school_id, year_id, grade, no,"
                   " name, created_at) select %d, id, '%s', %d, '测试(%d)班',"
                   " '2026-09-01' from school_years where is_current = 1"
                   " returning id" % (school, grade, no, no))[0])


def class_of(w, school, grade):
    return int(sql(w.db, "select c.id from classes c join school_years y on"
                   " y.id = c.year_id where y.is_current = 1 and"
                   " c.school_id = %d and c.grade = '%s' order by c.no limit 1"
                   % (school, grade))[0])


def report(a, **params):
    r = a.get("/class-sizes", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def school_of(rep, sid):
    return next(s for s in rep["schools"] if s["id"] == sid)


def class_in(rep, sid, cls):
    return next(k for k in school_of(rep, sid)["classes"] if k["id"] == cls)


def moves(w, sid):
    return school_of(report(api(w, "cs_ys"), county=YS), sid)[
        "moves_into_large"]


def test_1_band_edges_and_every_school(w):
    p4 = w.sid(code(YS, 4))
    want = {"11": 45, "12": 46, "13": 55, "14": 56, "15": 65, "16": 66}
    for grade, n in want.items():
        pad(w, class_of(w, p4, grade), n)
    rep = report(api(w, "cs_p4"))
    got = {k["grade"]: (k["size"], k["band"])
           for k in school_of(rep, p4)["classes"]}
    assert {g: got[g] for g in want} == {
        "11": (45, "normal"), "12": (46, "large_ish"), "13": (55, "large_ish"),
        "14": (56, "large"), "15": (65, "large"), "16": (66, "super")}
    s = school_of(rep, p4)
    assert s["counts"]["large"] >= 2 and s["counts"]["super"] >= 1
    assert s["large_share"] == pytest.approx(
        (s["counts"]["large"] + s["counts"]["super"]) / s["classes_n"])
    # the registrar's scope is its school; the county shows every school
    assert [x["id"] for x in rep["schools"]] == [p4]
    county = report(api(w, "cs_ys"), county=YS)
    assert len(county["schools"]) == 6 == county["total"]["schools_n"]
    assert county["total"]["classes_n"] == sum(
        x["classes_n"] for x in county["schools"])
    # the XLSX of the same list
    r = api(w, "cs_ys").get("/class-sizes/export", params={"county": YS})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "spreadsheetml" in r.headers["content-type"]


def test_2_scope(w):
    p4 = w.sid(code(YS, 4))
    yd = api(w, "cs_yd")
    assert yd.get("/class-sizes", params={"school_id": p4}).status_code == 404
    assert yd.get("/class-sizes", params={"county": YS}).status_code == 404
    assert yd.get("/class-sizes/trend",
                  params={"county": YS}).status_code == 404
    assert yd.get("/class-sizes/export",
                  params={"school_id": p4}).status_code == 404
    r = yd.patch("/class-sizes/settings", params={"county": YS},
                 json={"large_from": 50})
    assert r.status_code == 404
    assert api(w, "cs_p5").get("/class-sizes", params={
        "school_id": p4}).status_code == 404
    # a bureau's own view is its region
    ids = {s["id"] for s in report(yd)["schools"]}
    assert ids == {w.sid(code(YD, 1)), w.sid(code(YD, 2))}
    r = yd.get("/class-sizes", params={"county": "44182"})
    assert r.status_code == 400


def test_3_settings_per_county_audited(w):
    ys, yd = api(w, "cs_ys"), api(w, "cs_yd")
    r = ys.patch("/class-sizes/settings", params={"county": YS},
                 json={"large_from": 40})
    assert r.status_code == 422 and err_code(r) == "range"
    r = ys.patch("/class-sizes/settings", params={"county": YS},
                 json={"huge_from": 70})
    assert r.status_code == 400 and err_code(r) == "unknown_field"
    r = ys.patch("/class-sizes/settings", json={"large_from": 57})
    assert r.status_code == 400        # the global row is the admin's
    r = ys.patch("/class-sizes/settings", params={"county": YS},
                 json={"std_primary": 40})
    assert r.status_code == 200, r.text
    assert r.json()["settings"]["std_primary"] == 40
    # YD keeps the defaults; a later global change still reaches YS's
    # other members
    assert yd.get("/class-sizes/settings", params={
        "county": YD}).json()["settings"]["std_primary"] == 45
    r = api(w, "admin").patch("/class-sizes/settings",
                              json={"std_junior": 48})
    assert r.status_code == 200
    s = ys.get("/class-sizes/settings", params={"county": YS}).json()
    assert (s["settings"]["std_primary"], s["settings"]["std_junior"]) == \
        (40, 48)
    assert sql(w.db, "select count(*) from audit_log where action ="
               " 'settings.class_size' and entity_id = 'class_size.%s'"
               % YS) == ["1"]
    api(w, "admin").patch("/class-sizes/settings", json={"std_junior": 50})
    ys.patch("/class-sizes/settings", params={"county": YS},
             json={"std_primary": 45})


def test_4_registration_warns_at_56_not_46(w):
    p4 = w.sid(code(YS, 4))
    reg = api(w, "cs_p4")
    at45, at55 = new_class(w, p4, "13"), new_class(w, p4, "13")
    pad(w, at45, 45)
    pad(w, at55, 55)
    before = moves(w, p4)
    r = reg.post("/students", json=primary_body(
        grade="13", birth_date="2017-03-08", class_id=at45))
    assert r.status_code == 201, r.text
    assert r.json()["class_size_warning"] is None          # 46: 偏大班额
    r = reg.post("/students", json=primary_body(
        grade="13", birth_date="2017-03-08", class_id=at55))
    assert r.status_code == 201, r.text
    cw = r.json()["class_size_warning"]
    assert (cw["class_id"], cw["size"], cw["band"], cw["standard"]) == \
        (at55, 56, "large", 45)
    assert moves(w, p4) == before + 1


def test_5_move_class_warns_and_can_be_refused(w):
    p4 = w.sid(code(YS, 4))
    reg = api(w, "cs_p4")
    src, dst = new_class(w, p4, "14"), new_class(w, p4, "14")
    pad(w, dst, 65)
    sid = w.student(code(YS, 4), "14")
    before = moves(w, p4)
    r = reg.post("/students/%d/move-class" % sid,
                 json={"class_id": dst, "reason": "家长申请"})
    assert r.status_code == 200, r.text
    cw = r.json()["class_size_warning"]
    assert (cw["size"], cw["band"]) == (66, "super")
    assert moves(w, p4) == before + 1
    # the county restricts moves into classes already at 大班额
    ys = api(w, "cs_ys")
    assert ys.patch("/class-sizes/settings", params={"county": YS}, json={
        "refuse_into_oversized": True}).status_code == 200
    try:
        r = reg.post("/students/%d/move-class" % sid,
                     json={"class_id": src, "reason": "回原班"})
        assert r.status_code == 200, r.text      # out of it is fine
        assert r.json()["class_size_warning"] is None
        r = reg.post("/students/%d/move-class" % sid,
                     json={"class_id": dst, "reason": "再调"})
        assert r.status_code == 422 and err_code(r) == "class_oversized"
        assert int(sql(w.db, "select class_id from students where id = %d"
                       % sid)[0]) == src
        r = reg.post("/students", json=primary_body(
            grade="14", birth_date="2016-03-08", class_id=dst))
        assert r.status_code == 422 and err_code(r) == "class_oversized"
    finally:
        ys.patch("/class-sizes/settings", params={"county": YS}, json={
            "refuse_into_oversized": False})


def test_6_transfer_approval_warns(w):
    p4 = w.sid(code(YS, 4))
    dst = new_class(w, p4, "15")
    pad(w, dst, 55)
    sid = w.student(code(YS, 5), "15")
    reg = api(w, "cs_p4")
    no = sql(w.db, "select registry_no from students where id = %d" % sid)[0]
    assert reg.get("/students/lookup", params={
        "registry_no": no}).status_code == 200
    c = started(reg, type="transfer_in", student_id=sid, registry_no=no,
                to_class_id=dst)
    approve(api(w, "cs_p5"), c["id"])
    before = moves(w, p4)
    r = api(w, "cs_ys").post("/changes/%d/approve" % c["id"], json={})
    assert r.status_code == 200, r.text
    assert r.json()["change"]["status"] == "approved"
    cw = r.json()["class_size_warning"]
    assert (cw["class_id"], cw["size"], cw["band"]) == (dst, 56, "large")
    assert moves(w, p4) == before + 1


def test_7_progress_warns(w):
    j2 = w.sid(code(YS, 2))
    dst = new_class(w, j2, "21")
    pad(w, dst, 57)
    # a primary graduate of this summer
    sid = w.student(code(YS, 6), "16")
    sql(w.db, "update students set status = 'graduated' where id = %d" % sid)
    no = sql(w.db, "select registry_no from students where id = %d" % sid)[0]
    before = moves(w, j2)
    r = api(w, "cs_j2").post("/progress/enrol", json={
        "registry_no": no, "class_id": dst})
    assert r.status_code == 201, r.text
    cw = r.json()["class_size_warning"]
    assert (cw["size"], cw["band"], cw["standard"]) == (58, "large", 50)
    assert moves(w, j2) == before + 1


def test_7b_intake_confirmation_warns(w):
    """The 小升初 bulk confirmation (each student a 升学) into a class at
    大班额 warns per student and counts each move."""
    j2, p6 = w.sid(code(YS, 2)), w.sid(code(YS, 6))
    dst = new_class(w, j2, "21")
    pad(w, dst, 56)
    # two primary graduates of this summer's year-end at school 6
    grads = [w.student(code(YS, 6), "16") for _ in range(2)]
    for sid in grads:
        sql(w.db, "insert into graduations (student_id, school_id, grade,"
            " outcome, school_year, at, province) select id, %d, '16',"
            " 'graduated', 2025, '2026-07-10T10:00:00+08:00', province"
            " from students where id = %d; update students set status"
            " = 'graduated' where id = %d" % (p6, sid, sid))
    b, reg = api(w, "cs_ys"), api(w, "cs_j2")
    r = b.put(f"/schools/{j2}/zone", json={"feeders": [p6], "townships": [],
                                           "communities": []})
    assert r.status_code == 200, r.text
    r = b.post("/allocations", json={"county": YS})
    assert r.status_code == 201, r.text
    assert b.post(f"/allocations/{r.json()['id']}/publish").status_code == 200
    before = moves(w, j2)
    r = reg.post("/intake/confirm", json={"school_id": j2, "student_ids": grads,
                                          "class_ids": [dst]})
    assert r.status_code == 200, r.text
    j = r.json()
    assert j["confirmed"] == 2, j
    warned = {x["student_id"]: x for x in j["class_size_warnings"]}
    assert set(warned) == set(grads), j
    assert sorted((x["size"], x["band"]) for x in warned.values()) == [
        (57, "large"), (58, "large")]
    assert moves(w, j2) == before + 2
    assert size(w, dst) == 58


def test_8_import_row_warns(w):
    p4 = w.sid(code(YS, 4))
    reg = api(w, "cs_p4")
    k = new_class(w, p4, "12")
    pad(w, k, 54)
    name = sql(w.db, "select name from classes where id = %d" % k)[0]
    fields = {f["key"]: f["zh"] for f in reg.get("/fields").json()["items"]}
    rows = [primary_body(grade="12", birth_date="2018-03-0%d" % (i + 1))
            for i in range(3)]
    keys = list(rows[0])
    lines = [",".join([fields[x] for x in keys] + ["班级"])]
    for b in rows:
        lines.append(",".join([str(b[x]) for x in keys] + [name]))
    before = moves(w, p4)
    r = reg.post("/imports", files={"file": (
        "s.csv", io.BytesIO(("\r\n".join(lines) + "\r\n").encode()),
        "text/csv")})
    assert r.status_code == 202, r.text
    iid = r.json()["id"]
    for _ in range(300):
        j = reg.get("/imports/%d" % iid).json()
        if j["status"] in ("done", "failed", "cancelled"):
            break
    assert j["status"] == "done" and j["imported"] == 3, j
    warned = [e for e in j["errors"] if e.get("warning")]
    # rows 2..4 of the file: 55 (偏大), 56 and 57 (大班额)
    assert [(e["row"], e["size"], e["band"]) for e in warned] == [
        (3, 56, "large"), (4, 57, "large")]
    assert "大班额" in j["message"]
    assert size(w, k) == 57 and moves(w, p4) == before + 2


def test_9_snapshot_stable_when_late_events_arrive(w):
    p4 = w.sid(code(YS, 4))
    early = w.api("cs_p4")                 # the server of 1 September
    sid = w.student(code(YS, 4), "11")
    src = int(sql(w.db, "select class_id from students where id = %d"
                  % sid)[0])
    other = new_class(w, p4, "11")
    # a move on 1 September itself counts for that day
    r = early.post("/students/%d/move-class" % sid,
                   json={"class_id": other, "reason": "分班调整"})
    assert r.status_code == 200, r.text

    def point(a):
        r = a.get("/class-sizes/trend", params={"school_id": p4})
        assert r.status_code == 200, r.text
        pts = {p["date"]: p for p in r.json()["points"]}
        return pts["2026-09-01"]["schools"][str(p4)]

    first = point(api(w, "cs_p4"))
    # the 1 September figure: the move counted (one more class unless it
    # emptied its class), nothing padded or moved later
    assert first["classes_n"] == len(w.p4_sizes0) + (
        1 if w.p4_sizes0[src] > 1 else 0)
    # late events: a move back, a new registration, a status change
    reg = api(w, "cs_p4")
    assert reg.post("/students/%d/move-class" % sid, json={
        "class_id": src, "reason": "回原班"}).status_code == 200
    assert reg.post("/students", json=primary_body(
        class_id=src)).status_code == 201
    live = report(reg)
    assert class_in(live, p4, other)["size"] == 0
    assert point(api(w, "cs_p4")) == first
    # the history says so: the late move has its placement row
    assert sql(w.db, "select count(*) from student_placements where"
               " student_id = %d" % sid) == ["2"]
    r = api(w, "cs_ys").get("/class-sizes/trend", params={"county": YS})
    dates = [p["date"] for p in r.json()["points"]]
    assert dates == ["2025-09-01", "2026-02-01", "2026-09-01"]
