"""The drillable dashboard (issue 11 points 6 and 8): every panel's
figures against the students behind them (the drill list's total is the
figure), the child units (every one, never a subset), the 1 September
snapshot that later events do not change, the XLSX of a list, and scope
on every route (county A vs B, city, school, teacher).

Own world (changes_world.py): county YS with three schools and YD with
two, generated on 1 September 2026; a second server runs on 10 November
2026 (the late events are written there).
"""
import io
import re
import zipfile

import pytest

from changes_world import epoch, late_world, school_code as code
from conftest import err_code, sql, student_body

YS, YD = "441823", "441881"


USERS = [
    ("d_ys", "bureau", ["--region", YS]),
    ("d_yd", "bureau", ["--region", YD]),
    ("d_city", "bureau", ["--region", "4418"]),
    ("d_reg1", "registrar", ["--school", code(YS, 1)]),
]


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    def teacher(world):
        world.cls1 = [int(x) for x in sql(
            world.db, "select id from classes where school_id = %d order"
            " by id" % world.sid(code(YS, 1)))]
        world.add_users([("d_teacher", "teacher", [
            "--school", code(YS, 1), "--class", str(world.cls1[0])])])

    yield from late_world(tmp_path_factory, "dashboard",
                          [(YS, 3, 61), (YD, 2, 62)], USERS,
                          epoch(2026, 11, 10), per_school=40,
                          prepare=teacher)


def late(w, name):
    return w.api(name, server=w.late)


def dash(a, **params):
    r = a.get("/dashboard", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def drill(a, panel, key, **params):
    """Every student behind @key of @panel: (total, ids)."""
    ids, page = [], 1
    while True:
        r = a.get("/dashboard/students", params=dict(
            params, panel=panel, key=key, page=page, per_page=200))
        assert r.status_code == 200, r.text
        body = r.json()
        ids += [it["id"] for it in body["items"]]
        if len(ids) >= body["total"] or not body["items"]:
            return body["total"], ids
        page += 1


def county(c):
    return {"level": "county", "code": c}


def enrolled_sql(w, where):
    return int(sql(w.db, "select count(*) from students st join schools sc"
                   " on sc.id = st.school_id where st.status = 'enrolled'"
                   " and " + where)[0])


def test_1_enrolment_by_grade_and_gender_is_its_list(w):
    a = late(w, "d_ys")
    d = dash(a, **county(YS))
    assert d["level"] == "county" and d["code"] == YS
    e = d["panels"]["enrolment"]
    assert e["total"] == enrolled_sql(w, "sc.county_code = '%s'" % YS) > 0
    assert e["male"] + e["female"] == e["total"]
    assert sum(g["total"] for g in e["grades"]) == e["total"]
    total, ids = drill(a, "enrolment", "*|*", **county(YS))
    assert total == len(ids) == len(set(ids)) == e["total"]
    for g in e["grades"]:
        for key, fig in (("%s|1" % g["grade"], g["male"]),
                         ("%s|2" % g["grade"], g["female"])):
            assert drill(a, "enrolment", key, **county(YS))[0] == fig, key
    girls = drill(a, "enrolment", "*|2", **county(YS))[1]
    assert set(sql(w.db, "select distinct gender from students where id in"
                   " (%s)" % ",".join(map(str, girls)))) == {"2"}
    # the list is masked as every list is
    r = a.get("/dashboard/students", params=dict(
        county(YS), panel="enrolment", key="*|*", per_page=5))
    for it in r.json()["items"]:
        assert "*" in it["registry_no"]
        assert it["id_no"] == "" or "*" in it["id_no"]


def test_2_child_units_every_one_and_drill_down(w):
    a = late(w, "d_ys")
    d = dash(a, **county(YS))
    u = d["panels"]["units"]
    assert u["level"] == "school"
    assert [r["code"] for r in u["rows"]] == [
        str(w.sid(code(YS, n))) for n in (1, 2, 3)]
    assert sum(r["enrolled"] for r in u["rows"]) == \
        d["panels"]["enrolment"]["total"]
    row = u["rows"][0]
    assert drill(a, "units", row["code"], **county(YS))[0] == row["enrolled"]
    # one level down: the school, its classes (every current-year class)
    s = dash(a, level="school", code=row["code"])
    assert s["panels"]["enrolment"]["total"] == row["enrolled"]
    assert [p["level"] for p in s["path"]] == ["county", "school"]
    rows = s["panels"]["units"]["rows"]
    assert s["panels"]["units"]["level"] == "class"
    assert len(rows) == int(sql(w.db, "select count(*) from classes c join"
                                " school_years y on y.id = c.year_id where"
                                " y.is_current = 1 and c.school_id = %s"
                                % row["code"])[0])
    k = rows[0]
    c = dash(a, level="class", code=k["code"])
    assert c["panels"]["enrolment"]["total"] == k["enrolled"] == \
        enrolled_sql(w, "st.class_id = %s" % k["code"])
    assert c["panels"]["units"]["rows"] == []
    assert [p["level"] for p in c["path"]] == ["county", "school", "class"]
    # the city above: its counties, every one that holds a school
    city = dash(late(w, "d_city"), level="city", code="4418")
    assert [r["code"] for r in city["panels"]["units"]["rows"]] == [YS, YD]
    # a 6-digit padded code names the same unit
    assert dash(late(w, "d_city"), level="city",
                code="441800")["code"] == "4418"


def test_3_class_size_bands_are_their_students(w):
    a = late(w, "d_ys")
    cs = dash(a, **county(YS))["panels"]["class_sizes"]
    assert [b["band"] for b in cs["bands"]] == [
        "normal", "large_ish", "large", "super"]
    assert cs["classes"] == sum(b["classes"] for b in cs["bands"])
    for b in cs["bands"]:
        assert drill(a, "class_sizes", b["band"], **county(YS))[0] == \
            b["students"], b
    assert sum(b["students"] for b in cs["bands"]) == enrolled_sql(
        w, "sc.county_code = '%s' and st.class_id is not null" % YS)


def test_4_dropout_absence_and_duplicate_queue(w):
    reg = late(w, "d_reg1")
    a = late(w, "d_ys")
    sid = int(sql(w.db, "select id from students where school_id = %d and"
                  " status = 'enrolled' and grade < '30' order by id limit 1"
                  % w.sid(code(YS, 1)))[0])
    before = dash(a, **county(YS))["panels"]
    r = reg.post("/dropout/cases", json={"student_id": sid,
                                         "reason": "连续多日未到校"})
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    # two half-days and a full day for one student, a half day for another
    other = int(sql(w.db, "select id from students where class_id = %d and"
                    " status = 'enrolled' order by id limit 1"
                    % w.cls1[1])[0])
    r = late(w, "admin").post("/attendance", json={"entries": [
        {"student_id": sid, "date": "2026-11-02", "part": "full",
         "reason": "unexcused"},
        {"student_id": sid, "date": "2026-11-03", "part": "am",
         "reason": "sick"},
        {"student_id": other, "date": "2026-11-03", "part": "pm",
         "reason": "personal"}]})
    assert r.status_code == 200, r.text
    sql(w.db, "update students set dup_flag = 1 where id = %d" % other)
    p = dash(a, **county(YS))["panels"]
    assert p["dropout"]["open"] == before["dropout"]["open"] + 1
    assert p["dropout"]["suspected"] == before["dropout"]["suspected"] + 1
    assert sid in drill(a, "dropout", "suspected", **county(YS))[1]
    items = a.get("/dashboard/students", params=dict(
        county(YS), panel="dropout", key="suspected", per_page=200)).json()
    case = [it for it in items["items"] if it["id"] == sid][0]
    assert case["dropout_case_id"] == case_id
    assert drill(a, "dropout", "open", **county(YS))[0] == p["dropout"]["open"]
    ab = p["absence"]
    assert ab["from"] == "2026-09-01" and ab["to"] == "2026-11-10"
    assert ab["absent_halfdays"] == before["absence"]["absent_halfdays"] + 4
    assert drill(a, "absence", "absent", **county(YS)) == (
        ab["absent_students"], sorted(drill(a, "absence", "absent",
                                            **county(YS))[1]))
    assert {sid, other} <= set(drill(a, "absence", "absent",
                                     **county(YS))[1])
    assert 0 < ab["rate"] < 1 and ab["possible_halfdays"] > 0
    assert p["duplicates"]["flagged"] == before["duplicates"]["flagged"] + 1
    assert other in drill(a, "duplicates", "flagged", **county(YS))[1]
    # YD's panels see none of it
    yd = dash(late(w, "d_yd"), **county(YD))["panels"]
    assert sid not in drill(late(w, "d_yd"), "dropout", "open",
                            **county(YD))[1]
    assert other not in drill(late(w, "d_yd"), "duplicates", "flagged",
                              **county(YD))[1]
    assert yd["absence"]["absent_halfdays"] == 0


def test_5_first_september_snapshot_does_not_move(w):
    s1 = str(w.sid(code(YS, 1)))
    a = late(w, "d_ys")
    sept = dash(a, level="school", code=s1, asof="2026-09-01")
    assert sept["asof"] == "2026-09-01"
    today = dash(a, level="school", code=s1)
    assert today["asof"] == "2026-11-10"
    assert today["year_start"] == "2026-09-01"
    # late events: a registration into class 1 (初一), a move from class 1
    # to another class of its grade
    reg = late(w, "d_reg1")
    assert sql(w.db, "select grade from classes where id = %d"
               % w.cls1[0]) == ["21"]
    r = reg.post("/students", json=student_body(class_id=w.cls1[0]))
    assert r.status_code == 201, r.text
    mover = int(sql(w.db, "select id from students where class_id = %d and"
                    " status = 'enrolled' order by id desc limit 1"
                    % w.cls1[0])[0])
    grade = sql(w.db, "select grade from students where id = %d" % mover)[0]
    dest = sql(w.db, "select id from classes where school_id = %s and grade"
               " = '%s' and id <> %d order by id limit 1"
               % (s1, grade, w.cls1[0]))
    if dest:
        r = reg.post("/students/%d/move-class" % mover,
                     json={"class_id": int(dest[0]), "reason": "分班调整"})
        assert r.status_code == 200, r.text
    again = dash(a, level="school", code=s1, asof="2026-09-01")
    assert again["panels"]["enrolment"] == sept["panels"]["enrolment"]
    assert again["panels"]["units"] == sept["panels"]["units"]
    assert drill(a, "units", str(w.cls1[0]), level="school", code=s1,
                 asof="2026-09-01")[0] == [
        r for r in sept["panels"]["units"]["rows"]
        if r["code"] == str(w.cls1[0])][0]["enrolled"]
    # ... while today's figure has the new student
    now = dash(a, level="school", code=s1)
    assert now["panels"]["enrolment"]["total"] == \
        today["panels"]["enrolment"]["total"] + 1


def test_6_export_is_the_list(w):
    a = late(w, "d_ys")
    e = dash(a, **county(YS))["panels"]["enrolment"]
    g = e["grades"][0]
    r = a.get("/dashboard/students/export", params=dict(
        county(YS), panel="enrolment", key="%s|*" % g["grade"]))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats")
    sheet = zipfile.ZipFile(io.BytesIO(r.content)).read(
        "xl/worksheets/sheet1.xml").decode()
    assert len(re.findall(r"<row ", sheet)) == g["total"] + 1
    assert "学籍号" in sheet
    # masked as the list: no registry number of the grade in full
    full = sql(w.db, "select registry_no from students where grade = '%s'"
               " limit 3" % g["grade"])
    assert full and not any(no in sheet for no in full)


def test_7_scope_on_every_route(w):
    s1, s4 = str(w.sid(code(YS, 1))), str(w.sid(code(YD, 1)))
    k1 = str(w.cls1[0])
    ys, yd = late(w, "d_ys"), late(w, "d_yd")
    reg, teacher = late(w, "d_reg1"), late(w, "d_teacher")
    routes = [("/dashboard", {}),
              ("/dashboard/students", {"panel": "enrolment", "key": "*|*"}),
              ("/dashboard/students/export",
               {"panel": "enrolment", "key": "*|*"})]
    units = {"ys": county(YS), "ys1": {"level": "school", "code": s1},
             "k1": {"level": "class", "code": k1},
             "yd1": {"level": "school", "code": s4},
             "prov": {"level": "province", "code": "44"},
             "city": {"level": "city", "code": "4418"}}
    may = {"d_ys": {"ys", "ys1", "k1"}, "d_yd": {"yd1"},
           "d_city": {"ys", "ys1", "k1", "yd1", "city"},
           "d_reg1": {"ys1", "k1"}, "d_teacher": set(),
           "admin": set(units)}
    for who, ok in may.items():
        a = late(w, who)
        for path, extra in routes:
            for name, unit in units.items():
                r = a.get(path, params=dict(extra, **unit))
                want = 200 if name in ok else 404
                assert r.status_code == want, (who, path, name, r.text)
    # no level: one's own jurisdiction
    assert dash(ys)["level"] == "county" and dash(ys)["code"] == YS
    assert dash(yd)["level"] == "county" and dash(yd)["code"] == YD
    assert dash(reg)["level"] == "school" and dash(reg)["code"] == s1
    assert dash(late(w, "admin"))["level"] == "all"
    assert teacher.get("/dashboard").status_code == 404
    # YS's bureau path starts at its county, not the city above it
    assert [p["level"] for p in dash(ys, level="school", code=s1)["path"]] \
        == ["county", "school"]
    # malformed questions name their field
    for params, field in (({"level": "town"}, "level"),
                          ({"level": "county", "code": "4418"}, "code"),
                          ({"asof": "2026-11-31"}, "asof"),
                          ({"asof": "2026-11-11"}, "asof")):
        r = ys.get("/dashboard", params=params)
        assert r.status_code == 400 and err_code(r) == "bad_param", params
        assert field in r.text
    one = dash(ys, panel="dropout")
    assert list(one["panels"]) == ["dropout"]
    assert ys.get("/dashboard", params={"panel": "x"}).status_code == 400
    r = ys.get("/dashboard/students", params={"panel": "x", "key": "y"})
    assert r.status_code == 400 and "panel" in r.text
    r = ys.get("/dashboard/students", params={"panel": "dropout",
                                              "key": "closed"})
    assert r.status_code == 400 and "key" in r.text


def approve_all(w, change):
    """Every step of @change approved by the administrator."""
    a = late(w, "admin")
    for _ in change["steps"]:
        r = a.post("/changes/%d/approve" % change["id"], json={})
        assert r.status_code == 200, r.text
        change = r.json()["change"]
    assert change["status"] == "approved", change
    return change


def test_8_verification_round_is_its_lists(w):
    """The verify panel: the figures of /verification/progress, each
    the total of its list, at county, school and class level."""
    reg, a = late(w, "d_reg1"), late(w, "d_ys")
    s1, k = str(w.sid(code(YS, 1))), w.cls1[2]
    kids = [int(x) for x in sql(w.db, "select id from students where"
                                " class_id = %d and status = 'enrolled'"
                                " order by id" % k)]
    assert len(kids) >= 3
    v = dash(a, **county(YS))["panels"]["verify"]
    y, t = v["school_year"], v["term"]
    tick = lambda *ts: reg.post("/verification/ticks", json={  # noqa: E731
        "school_year": y, "term": t, "ticks": list(ts)})
    r = tick(*[{"student_id": s, "present": True, "correct": True}
               for s in kids[:2]])
    assert r.status_code == 200, r.text
    # a wrong detail corrected by editing the record: settled, not verified
    s = reg.get("/students/%d" % kids[2]).json()["student"]
    r = reg.patch("/students/%d" % kids[2], json={
        "version": s["version"], "specialty": "书法"})
    assert r.status_code == 200, r.text
    r = tick({"student_id": kids[2], "present": True, "correct": False,
              "correction": "edit"})
    assert r.status_code == 200, r.text
    prog = a.get("/verification/progress").json()["totals"]
    for unit in (county(YS), {"level": "school", "code": s1},
                 {"level": "class", "code": str(k)}):
        v = dash(a, **unit)["panels"]["verify"]
        for key in ("students", "settled", "verified", "corrected",
                    "pending"):
            assert drill(a, "verify", key, **unit)[0] == v[key], (unit, key)
        assert v["students"] == v["settled"] + v["pending"] > 0
        assert v["settled"] == v["verified"] + v["corrected"]
    c = dash(a, **county(YS))["panels"]["verify"]
    assert (c["students"], c["settled"], c["verified"]) == (
        prog["students"], prog["settled"], prog["verified"])
    assert c["verified"] >= 2 and c["corrected"] >= 1
    assert [r["code"] for r in c["rows"]] == [
        str(w.sid(code(YS, n))) for n in (1, 2, 3)]
    assert sum(r["students"] for r in c["rows"]) == c["students"]
    kv = dash(a, level="class", code=str(k))["panels"]["verify"]
    assert (kv["verified"], kv["corrected"]) == (2, 1)
    assert set(drill(a, "verify", "verified", level="class",
                     code=str(k))[1]) == set(kids[:2])
    assert drill(a, "verify", "corrected", level="class",
                 code=str(k))[1] == [kids[2]]
    sv = dash(a, level="school", code=s1)["panels"]["verify"]
    assert sv["level"] == "class" and str(k) in [r["code"]
                                                 for r in sv["rows"]]
    # the city sees its counties, and the other county none of it
    cv = dash(late(w, "d_city"), level="city", code="4418")["panels"]["verify"]
    assert {r["code"] for r in cv["rows"]} == {YS, YD}
    yd = late(w, "d_yd")
    assert kids[0] not in drill(yd, "verify", "verified", **county(YD))[1]
    assert dash(yd, **county(YD))["panels"]["verify"]["verified"] == 0
    r = a.get("/dashboard/students", params=dict(
        county(YS), panel="verify", key="done"))
    assert r.status_code == 400 and "key" in r.text


def test_9_flows_of_the_year_are_their_lists(w):
    """The flows panel: /flows' summary of 1 September to asof, each
    direction and type the total of its list; school scope."""
    a, reg = late(w, "d_ys"), late(w, "d_reg1")
    s1 = w.sid(code(YS, 1))
    before = dash(a, **county(YS))["panels"]["flows"]
    assert before["available"] is True and before["from"] == "2026-09-01"
    # one leaves school 1 (其他离校), one transfers in from YD's junior
    # school (the county's only one of its stage)
    gone = int(sql(w.db, "select id from students where school_id = %d and"
                   " status = 'enrolled' order by id desc limit 1" % s1)[0])
    r = reg.post("/changes", json={"type": "leave", "student_id": gone,
                                   "reason": "随父母外出务工"})
    assert r.status_code == 201, r.text
    approve_all(w, r.json()["change"])
    mover = int(sql(w.db, "select st.id from students st where"
                    " st.school_id = %d and st.status = 'enrolled'"
                    " and st.grade in (select grade from classes where"
                    " school_id = %d) and st.grade not in ('23', '24')"
                    " order by st.id desc limit 1"
                    % (w.sid(code(YD, 1)), s1))[0])
    regno = sql(w.db, "select registry_no from students where id = %d"
                % mover)[0]
    r = reg.post("/changes", json={"type": "transfer_in", "student_id": mover,
                                   "registry_no": regno,
                                   "reason": "家长申请"})
    assert r.status_code == 201, r.text
    approve_all(w, r.json()["change"])
    f = dash(a, **county(YS))["panels"]["flows"]
    assert f["totals"]["out"] == before["totals"]["out"] + 1
    assert f["totals"]["in"] == before["totals"]["in"] + 1
    assert f["totals"] == a.get("/flows/summary", params={
        "from": "2026-09-01", "to": "2026-11-10"}).json()["totals"]
    for key in ("in", "out", "internal"):
        assert drill(a, "flows", key, **county(YS))[0] == f["totals"][key]
    for row in f["by_type"]:
        for d in ("in", "out", "internal"):
            assert drill(a, "flows", "%s|%s" % (row["key"], d),
                         **county(YS))[0] == row[d], (row, d)
    assert gone in drill(a, "flows", "leave|out", **county(YS))[1]
    assert mover in drill(a, "flows", "transfer|in", **county(YS))[1]
    # at the school the transfer is a move in
    sch = {"level": "school", "code": str(s1)}
    sf = dash(reg, **sch)["panels"]["flows"]
    assert mover in drill(reg, "flows", "in", **sch)[1]
    assert drill(reg, "flows", "in", **sch)[0] == sf["totals"]["in"] >= 1
    assert gone in drill(reg, "flows", "out", **sch)[1]
    # the other county and a class: none of it
    yd = late(w, "d_yd")
    assert gone not in drill(yd, "flows", "out", **county(YD))[1]
    assert mover in drill(yd, "flows", "transfer|out", **county(YD))[1]
    assert mover not in drill(a, "flows", "out", **county(YS))[1]
    kf = dash(a, level="class", code=str(w.cls1[0]))["panels"]["flows"]
    assert kf["available"] is False and kf["note"]
    r = a.get("/dashboard/students", params={
        "level": "class", "code": str(w.cls1[0]), "panel": "flows",
        "key": "out"})
    assert r.status_code == 400
    for bad in ("sideways", "teleport|out", "|out"):
        r = a.get("/dashboard/students", params=dict(
            county(YS), panel="flows", key=bad))
        assert r.status_code == 400, bad


def test_10_ghost_queue_beside_duplicates(w):
    """Open ghost-record candidates: a figure and its list, in scope."""
    a = late(w, "d_ys")
    s2 = w.sid(code(YS, 2))
    before = dash(a, **county(YS))["panels"]["ghosts"]["open"]
    ids = [int(x) for x in sql(w.db, "select id from students where"
                               " school_id = %d and status = 'enrolled'"
                               " order by id limit 3" % s2)]
    for i, sid in enumerate(ids):
        sql(w.db, "insert into ghost_candidates (student_id, school_id,"
            " signals, detail, status, raised_at, province) select id, %d,"
            " 'far', '{}', '%s', '2026-11-10T09:00:00', province"
            " from students where id = %d"
            % (s2, "dismissed" if i == 2 else "open", sid))
    g = dash(a, **county(YS))["panels"]
    assert g["ghosts"]["open"] == before + 2
    total, listed = drill(a, "ghosts", "open", **county(YS))
    assert total == g["ghosts"]["open"] and set(ids[:2]) <= set(listed)
    assert ids[2] not in listed
    sch = {"level": "school", "code": str(s2)}
    assert drill(a, "ghosts", "open", **sch)[0] == dash(
        a, **sch)["panels"]["ghosts"]["open"] >= 2
    # the registrar of school 1 and the other county see none of them
    reg = late(w, "d_reg1")
    assert not set(ids) & set(drill(reg, "ghosts", "open")[1])
    yd = late(w, "d_yd")
    assert not set(ids) & set(drill(yd, "ghosts", "open", **county(YD))[1])
    assert late(w, "d_reg1").get("/dashboard/students", params=dict(
        sch, panel="ghosts", key="open")).status_code == 404


def paged(a, panel, key, per_page, **params):
    """Every page of a list at @per_page: (totals seen, ids in order)."""
    ids, totals, page = [], set(), 1
    while True:
        r = a.get("/dashboard/students", params=dict(
            params, panel=panel, key=key, page=page, per_page=per_page))
        assert r.status_code == 200, r.text
        body = r.json()
        totals.add(body["total"])
        if not body["items"]:
            return totals, ids
        ids += [it["id"] for it in body["items"]]
        page += 1


def test_11_lists_paged_by_the_database_are_the_whole_list(w):
    """Enrolment and units lists page in SQL (LIMIT/OFFSET over the as-of
    ids): small pages put together are the one big page, in id order,
    each id once, as many as the figure, at every level and as of a date
    before later events."""
    a = late(w, "d_city")
    s1 = str(w.sid(code(YS, 1)))
    for unit in (county(YS), {"level": "school", "code": s1},
                 {"level": "city", "code": "4418"},
                 dict(county(YS), asof="2026-09-01")):
        d = dash(a, **unit)["panels"]
        keys = [("enrolment", "*|*")] + [
            ("enrolment", "%s|%s" % (g["grade"], sex))
            for g in d["enrolment"]["grades"][:2] for sex in "12"] + [
            ("units", r["code"]) for r in d["units"]["rows"][:2]]
        for panel, key in keys:
            whole = drill(a, panel, key, **unit)
            totals, ids = paged(a, panel, key, 7, **unit)
            assert totals == {whole[0]}, (unit, key)
            assert ids == whole[1] == sorted(set(ids)), (unit, key)
            assert len(ids) == whole[0], (unit, key)
        assert drill(a, "enrolment", "*|*", **unit)[0] == \
            d["enrolment"]["total"]
    # a page past the end is empty and still says the total
    r = a.get("/dashboard/students", params=dict(
        county(YS), panel="enrolment", key="*|*", page=999, per_page=50))
    assert r.status_code == 200 and r.json()["items"] == []
    assert r.json()["total"] == dash(a, **county(YS))["panels"][
        "enrolment"]["total"]


def test_12_enrolment_counts_read_one_index(w):
    """The as-of count of a county (st_cs_asof_n_live, issue 11 point 7)
    is answered from the students_asof index alone (migration 0027): at
    a million students reading the table instead took four times the CPU
    (bench/README.md)."""
    from conftest import BACKEND
    if BACKEND == "pg":
        assert sql(w.db, "select indexname from pg_indexes"
                   " where indexname = 'students_asof'") == ["students_asof"]
        return
    plan = "\n".join(sql(w.db, """explain query plan
      select sc.id, coalesce(st.class_id, 0), st.grade, st.gender, count(*)
      from schools sc join students st on st.school_id = sc.id
      where substr(sc.county_code, 1, 6) = '%s'
        and st.status = 'enrolled' and st.created_at < '2026-11-11'
      group by sc.county_code, sc.code, sc.id, st.grade, st.class_id,
        st.gender""" % YS))
    assert "COVERING INDEX students_asof" in plan, plan
