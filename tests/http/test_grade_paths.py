"""One check of grade against school stage and age on every path that puts
a record into a grade (issue 8 point 5): registration, 转学, 跳级, 复学,
升学 in the county and across counties, re-entry and the 新生名单
confirmation answer a student beyond the hard limits with the same 422
(code validation, detail age_grade on field grade), and a student more
than a year off with the same warning, stored on the record for the
bureau's ?warned=1 list.

Own world (changes_world.py): county YS with six schools (1 senior, 2
junior, 3 nine-year, 4-6 primary), county YD with two (1 junior, 2
primary), clock at 10 July 2027 (school year 2026-2027: ages are counted
on 31 August 2026).
"""
import pytest

from changes_world import ChangeWorld, epoch
from changes_world import school_code as code
from conftest import detail_codes, err_code, make_id, sql, student_body
from test_import_template import read_xlsx
from test_progress import graduate

YS, YD = "441823", "441881"
SY = 2026   # the school year of 10 July 2027


USERS = [
    ("gp_ys", "bureau", ["--region", YS]),
    ("gp_yd", "bureau", ["--region", YD]),
    ("gp_junior", "registrar", ["--school", code(YS, 2)]),
    ("gp_nine", "registrar", ["--school", code(YS, 3)]),
    ("gp_primary", "registrar", ["--school", code(YS, 4)]),
    ("gp_primary5", "registrar", ["--school", code(YS, 5)]),
    ("gp_ydjunior", "registrar", ["--school", code(YD, 1)]),
    ("gp_ydprimary", "registrar", ["--school", code(YD, 2)]),
]
APPROVERS = ["gp_primary5", "gp_primary", "gp_junior", "gp_ys", "gp_yd",
             "gp_ydprimary"]


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    world = ChangeWorld(tmp_path_factory.mktemp("gradepaths"),
                        [(YS, 6, 41), (YD, 2, 42)], USERS,
                        epoch(2027, 7, 10), per_school=60)
    r = world.api("gp_ys").post("/yearend/apply", json={"county": YS})
    assert r.status_code == 201, r.text
    yield world
    assert world.close() == 0


def position(grade):
    n = int(grade[1])
    return {"1": n, "2": 6 + n, "3": 9 + n, "4": 9 + n}[grade[0]]


def birth_for(grade, how):
    """A birth date whose age on 31 August 2026 is beyond the hard limits
    of @grade ("hard": three years above the oldest expected) or only
    more than a year off ("warn")."""
    age = position(grade) + (10 if "hard" == how else 8)
    return "%d-03-01" % (SY - age)


def set_birth(w, sid, grade, how):
    sql(w.db, "update students set birth_date = '%s' where id = %d"
        % (birth_for(grade, how), sid))


def assert_hard(r):
    assert r.status_code == 422, r.text
    assert err_code(r) == "validation"
    assert r.json()["error"]["field"] == "grade"
    assert detail_codes(r) == {"grade": {"age_grade"}}


def warn_codes(j):
    return {(x["field"], x["code"]) for x in j["warnings"]}


def warned(w, sid):
    ids = [s["id"] for s in w.api("gp_ys").get("/students", params={
        "warned": "1", "per_page": 200}).json()["items"]]
    return sid in ids


def stored_warnings(w, sid):
    return sql(w.db, "select field || ':' || code from student_warnings"
               " where student_id = %d" % sid)


def approve_all(w, req):
    for _ in range(6):
        c = w.api("admin").get("/changes/%d" % req).json()["change"]
        if c["status"] != "pending":
            return c["status"]
        for u in APPROVERS:
            r = w.api(u).post("/changes/%d/approve" % req, json={})
            if r.status_code == 200:
                break
        else:
            raise AssertionError("nobody could approve %d" % req)
    raise AssertionError("request %d still pending" % req)


def grade_of(w, sid):
    return sql(w.db, "select school_id, grade, status from students"
               " where id = %d" % sid)[0]


def test_1_registration_is_the_reference(w):
    reg = w.api("gp_primary")
    b = birth_for("13", "hard")
    r = reg.post("/students", json=student_body(
        id_no=make_id(birth=b), birth_date=b, grade="13"))
    assert_hard(r)
    b = birth_for("13", "warn")
    r = reg.post("/students", json=student_body(
        id_no=make_id(birth=b), birth_date=b, grade="13"))
    assert r.status_code == 201, r.text
    assert warn_codes(r.json()) == {("grade", "age_grade_warning")}
    assert warned(w, r.json()["id"])


def test_2_transfer(w):
    reg = w.api("gp_primary")
    hard = w.student(code(YS, 5), "14")
    set_birth(w, hard, "14", "hard")
    r = reg.post("/changes", json={"type": "transfer_in", "id_no": id_of(w, hard),
                                   "student_id": hard, "reason": "随迁"})
    assert_hard(r)
    soft = w.student(code(YS, 5), "14")
    set_birth(w, soft, "14", "warn")
    assert not warned(w, soft)
    r = reg.post("/changes", json={"type": "transfer_in", "id_no": id_of(w, soft),
                                   "student_id": soft, "reason": "随迁"})
    assert r.status_code == 201, r.text
    assert warn_codes(r.json()) == {("grade", "age_grade_warning")}
    assert approve_all(w, r.json()["change"]["id"]) == "approved"
    assert grade_of(w, soft) == "%d|14|enrolled" % w.sid(code(YS, 4))
    assert stored_warnings(w, soft) == ["grade:age_grade_warning"]
    assert warned(w, soft)


def test_3_skip(w):
    reg = w.api("gp_primary5")
    hard = w.student(code(YS, 5), "13")
    # old enough for 三年级, beyond the hard limit for 四年级? no: too old
    # for both; the target grade is what counts
    set_birth(w, hard, "14", "hard")
    r = reg.post("/changes", json={"type": "skip", "student_id": hard,
                                   "grade": "14", "reason": "成绩优异"})
    assert_hard(r)
    soft = w.student(code(YS, 5), "13")
    set_birth(w, soft, "14", "warn")
    r = reg.post("/changes", json={"type": "skip", "student_id": soft,
                                   "grade": "14", "reason": "成绩优异"})
    assert r.status_code == 201, r.text
    assert ("grade", "age_grade_warning") in warn_codes(r.json())
    assert approve_all(w, r.json()["change"]["id"]) == "approved"
    assert grade_of(w, soft).split("|")[1] == "14"
    assert warned(w, soft)


def test_4_resume_into_a_grade(w):
    reg = w.api("gp_primary5")
    hard = w.student(code(YS, 5), "13")
    sql(w.db, "update students set status = 'suspended' where id = %d" % hard)
    set_birth(w, hard, "12", "hard")
    r = reg.post("/changes", json={"type": "resume", "student_id": hard,
                                   "grade": "12", "reason": "病愈复学"})
    assert_hard(r)
    # into its own grade the age is fine (hard for 二年级 is within
    # three years of 三年级's band)
    r = reg.post("/changes", json={"type": "resume", "student_id": hard,
                                   "grade": "13", "reason": "病愈复学"})
    assert r.status_code == 201, r.text


def id_of(w, sid):
    return sql(w.db, "select id_no from students where id = %d" % sid)[0]


def test_5_promote_same_county(w):
    reg = w.api("gp_junior")
    hard = graduate(w, code(YS, 4))
    set_birth(w, hard, "21", "hard")
    r = reg.post("/progress/enrol", json={"id_no": id_of(w, hard)})
    assert_hard(r)
    assert grade_of(w, hard).split("|")[2] == "graduated"
    soft = graduate(w, code(YS, 4))
    set_birth(w, soft, "21", "warn")
    r = reg.post("/progress/enrol", json={"id_no": id_of(w, soft)})
    assert r.status_code == 201, r.text
    assert warn_codes(r.json()) == {("grade", "age_grade_warning")}
    assert grade_of(w, soft) == "%d|21|enrolled" % w.sid(code(YS, 2))
    assert warned(w, soft)


def test_6_promote_across_counties(w):
    reg = w.api("gp_ydjunior")
    hard = graduate(w, code(YS, 6))
    set_birth(w, hard, "21", "hard")
    r = reg.post("/progress/enrol", json={"id_no": id_of(w, hard)})
    assert_hard(r)
    assert sql(w.db, "select count(*) from change_requests where"
               " student_id = %d" % hard) == ["0"]
    soft = graduate(w, code(YS, 6))
    set_birth(w, soft, "21", "warn")
    r = reg.post("/progress/enrol", json={"id_no": id_of(w, soft)})
    assert r.status_code == 202, r.text
    assert warn_codes(r.json()) == {("grade", "age_grade_warning")}
    assert approve_all(w, r.json()["request_id"]) == "approved"
    assert grade_of(w, soft) == "%d|21|enrolled" % w.sid(code(YD, 1))
    assert stored_warnings(w, soft) == ["grade:age_grade_warning"]


def test_7_reenter(w):
    reg = w.api("gp_primary")
    hard = w.student(code(YD, 2), "14")
    sql(w.db, "update students set status = 'abroad' where id = %d" % hard)
    set_birth(w, hard, "14", "hard")
    r = reg.post("/progress/reenter", json={"id_no": id_of(w, hard),
                                            "grade": "14", "reason": "回国"})
    assert_hard(r)
    soft = w.student(code(YD, 2), "14")
    sql(w.db, "update students set status = 'abroad' where id = %d" % soft)
    set_birth(w, soft, "14", "warn")
    r = reg.post("/progress/reenter", json={"id_no": id_of(w, soft),
                                            "grade": "14", "reason": "回国"})
    assert r.status_code == 201, r.text
    assert warn_codes(r.json()) == {("grade", "age_grade_warning")}
    assert warned(w, soft)


def test_8_intake_confirmation(w):
    bureau = w.api("gp_ys")
    junior, p5 = w.sid(code(YS, 2)), w.sid(code(YS, 5))
    r = bureau.put("/schools/%d/zone" % junior, json={"feeders": [p5]})
    assert r.status_code == 200, r.text
    waiting = [int(x) for x in sql(
        w.db, "select id from students where school_id = %d and status ="
        " 'graduated' and grade = '16' order by id" % p5)]
    assert len(waiting) >= 3
    hard, soft, moved = waiting[0], waiting[1], waiting[2]
    set_birth(w, hard, "21", "hard")
    set_birth(w, soft, "21", "warn")
    r = bureau.post("/allocations", json={"county": YS})
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    w.aid, w.moved = aid, moved
    # one student moved by the bureau to the nine-year school (for the
    # school-choice figures of test_9)
    r = bureau.post("/allocations/%d/move" % aid, json={
        "student_ids": [moved], "to_school_id": w.sid(code(YS, 3)),
        "reason": "随迁就近"})
    assert r.status_code == 200, r.text
    assert bureau.post("/allocations/%d/publish" % aid).status_code == 200
    reg = w.api("gp_junior")
    listed = {i["student_id"] for i in reg.get(
        "/intake", params={"per_page": 200}).json()["items"]}
    assert {hard, soft} <= listed
    r = reg.post("/intake/confirm", json={})
    assert r.status_code == 200, r.text
    j = r.json()
    # the one beyond the hard limit is refused with the same check and
    # stays on the list; the others go ahead
    assert [(x["student_id"], x["field"], x["code"]) for x in j["refused"]] \
        == [(hard, "grade", "age_grade")]
    assert j["confirmed"] == len(listed) - 1
    assert grade_of(w, hard).split("|")[2] == "graduated"
    assert [i["student_id"] for i in reg.get("/intake").json()["items"]] \
        == [hard]
    assert grade_of(w, soft) == "%d|21|enrolled" % junior
    assert stored_warnings(w, soft) == ["grade:age_grade_warning"]
    r = w.api("gp_nine").post("/intake/confirm", json={})
    assert r.status_code == 200 and r.json()["confirmed"] == 1, r.text
    w.feeder_confirmed = j["confirmed"]


def test_9_school_choice_figures(w):
    """GET /progress/school-choice: per junior school of the region the
    小升初 admissions of the year by route, out of zone and its share.
    Known from this module: at the YS junior school test_5's direct 升学
    and test_8's feeder confirmations; at the nine-year school test_8's
    student moved by the bureau; at the YD junior school test_6's 升学
    across counties (through a request: route direct)."""
    junior, nine = w.sid(code(YS, 2)), w.sid(code(YS, 3))
    fed = w.feeder_confirmed
    r = w.api("gp_ys").get("/progress/school-choice",
                           params={"year": 2027})
    assert r.status_code == 200, r.text
    j = r.json()
    assert (j["region"], j["year"]) == (YS, 2027)
    per = {s["school_id"]: s for s in j["schools"]}
    assert set(per) == {junior, nine}
    keys = ("admitted", "feeder", "zone", "moved", "other", "out_of_zone")
    assert tuple(per[junior][k] for k in keys) == (fed + 1, fed, 0, 0, 1, 0)
    assert per[junior]["out_of_zone_pct"] == 0
    assert tuple(per[nine][k] for k in keys) == (1, 0, 0, 1, 0, 1)
    assert per[nine]["out_of_zone_pct"] == 100
    assert tuple(j["total"][k] for k in keys) == (fed + 2, fed, 0, 1, 1, 1)
    assert j["total"]["out_of_zone_pct"] == \
        pytest.approx(int(1000 / (fed + 2)) / 10)
    # the YD bureau sees its own county, not YS; the city bureau of
    # neither; registrars no figures at all
    r = w.api("gp_yd").get("/progress/school-choice", params={"year": 2027})
    assert [s["school_id"] for s in r.json()["schools"]] == \
        [w.sid(code(YD, 1))]
    assert r.json()["total"]["other"] == 1
    r = w.api("gp_yd").get("/progress/school-choice",
                           params={"year": 2027, "region": YS})
    assert r.status_code == 404
    r = w.api("gp_ys").get("/progress/school-choice",
                           params={"year": 2027, "region": "44"})
    assert r.status_code == 404
    r = w.api("admin").get("/progress/school-choice",
                           params={"year": 2027, "region": "44"})
    assert r.json()["total"]["admitted"] == fed + 3
    r = w.api("gp_ys").get("/progress/school-choice",
                           params={"region": "4418x"})
    assert r.status_code == 400
    r = w.api("gp_junior").get("/progress/school-choice")
    assert r.status_code == 403
    r = w.api("gp_ys").get("/progress/school-choice", params={"year": 2026})
    assert r.json()["schools"] == [] and r.json()["total"]["admitted"] == 0


def test_9b_school_choice_and_allocation_xlsx(w):
    """The same figures and the allocation's list as XLSX sheets (issue 8
    point 9): what GET /progress/school-choice answers is what the sheet
    holds, the counts as numbers; the list has every allocated student
    with masked numbers; both downloads are audited and scope-checked
    like their JSON."""
    bureau = w.api("gp_ys")
    fig = bureau.get("/progress/school-choice", params={"year": 2027}).json()
    r = bureau.get("/progress/school-choice.xlsx", params={"year": 2027})
    assert r.status_code == 200, r.text
    assert "spreadsheetml" in r.headers["content-type"]
    assert "attachment" in r.headers["content-disposition"]
    sheets = read_xlsx(r.content)
    assert list(sheets) == ["2027年择校统计"]
    rows = sheets["2027年择校统计"]
    assert rows[0] == ["学校标识码", "学校名称", "小升初录取", "对口", "学区",
                       "调整（区外）", "其他（直接办理）", "区外录取",
                       "区外占比（%）"]
    keys = ("admitted", "feeder", "zone", "moved", "other", "out_of_zone",
            "out_of_zone_pct")
    want = [[s["code"], s["name"]] + [s[k] for k in keys]
            for s in fig["schools"]]
    want.append(["", "合计"] + [fig["total"][k] for k in keys])
    got = [r[:2] + [float(x) for x in r[2:]] for r in rows[1:]]
    assert got == want and len(want) == 3
    nine = next(x for x in got if x[0] == code(YS, 3))
    assert nine[5] == 1 and nine[7] == 1 and nine[8] == 100
    # scope as the JSON: another county's bureau, registrars
    assert w.api("gp_yd").get("/progress/school-choice.xlsx", params={
        "year": 2027, "region": YS}).status_code == 404
    assert w.api("gp_junior").get(
        "/progress/school-choice.xlsx").status_code == 403
    # the allocation's list
    items = bureau.get("/allocations/%d/items" % w.aid,
                       params={"per_page": 200}).json()
    r = bureau.get("/allocations/%d/items.xlsx" % w.aid)
    assert r.status_code == 200, r.text
    rows = read_xlsx(r.content)["小升初分配名单"]
    assert rows[0] == ["学籍号", "姓名", "性别", "出生日期", "身份证件号",
                       "毕业小学", "分配学校", "分配方式", "调整原因",
                       "是否已确认入学"]
    assert len(rows) - 1 == items["total"] > 3
    assert sorted(r[1] for r in rows[1:]) == \
        sorted(i["name"] for i in items["items"])
    full = dict(x.split("|") for x in sql(
        w.db, "select name, id_no from students where id in (%s)"
        % ",".join(str(i["student_id"]) for i in items["items"])))
    for row in rows[1:]:
        assert row[0].endswith("****") and row[4].endswith("****"), row
        assert row[4][:14] == full[row[1]][:14] != row[4]
        assert row[2] in ("男", "女") and row[9] in ("是", "否")
    name = sql(w.db, "select name from students where id = %d" % w.moved)[0]
    moved = [r for r in rows[1:] if r[1] == name]
    assert [m[7:9] for m in moved] == [["调整（区外）", "随迁就近"]]
    assert w.api("gp_yd").get(
        "/allocations/%d/items.xlsx" % w.aid).status_code == 404
    assert w.api("gp_junior").get(
        "/allocations/%d/items.xlsx" % w.aid).status_code == 403
    acts = {(a["action"], a["entity_id"]) for a in w.api("admin").get(
        "/audit", params={"per_page": 200}).json()["items"]}
    assert ("allocation.choice_export", YS) in acts
    assert ("allocation.export", str(w.aid)) in acts


def test_10_completed_at_yearend(w):
    """结业 at year-end (issue 8 point 1): the registry authority marks
    chosen final-grade students of the preview 结业 with a reason; they
    leave with status 结业 and a graduations row saying so, and the
    毕业生 list shows both outcomes."""
    bureau = w.api("gp_yd")
    prim = w.sid(code(YD, 2))
    r = bureau.post("/yearend/preview", json={"county": YD})
    assert r.status_code == 200, r.text
    per = {s["school_id"]: s for s in r.json()["schools"]}
    grads = per[prim]["graduates"]
    assert len(grads) >= 2 and {g["grade"] for g in grads} == {"16"}
    assert {g["outcome"] for g in grads} == {"graduated"}
    c1 = grads[0]["id"]
    not_final = w.student(code(YD, 2), "14")
    # a mark must name a final-grade student of the run, with a reason
    r = bureau.post("/yearend/apply", json={
        "county": YD, "completed": [{"student_id": not_final,
                                     "reason": "x"}]})
    assert r.status_code == 422 and err_code(r) == "yearend_completed"
    r = bureau.post("/yearend/apply", json={
        "county": YD, "completed": [{"student_id": c1, "reason": ""}]})
    assert r.status_code == 422 and err_code(r) == "required"
    assert grade_of(w, c1).split("|")[2] == "enrolled"
    marks = [{"student_id": c1, "reason": "未达到毕业要求（学业水平考试未合格）"}]
    r = bureau.post("/yearend/preview", json={"county": YD,
                                              "completed": marks})
    per = {s["school_id"]: s for s in r.json()["schools"]}
    assert per[prim]["completed"] == 1
    assert [g["outcome"] for g in per[prim]["graduates"]
            if g["id"] == c1] == ["completed"]
    r = bureau.post("/yearend/apply", json={"county": YD,
                                            "completed": marks})
    assert r.status_code == 201, r.text
    j = r.json()
    assert j["completed"] == 1 and j["graduated"] >= len(grads) - 1
    assert grade_of(w, c1) == "%d|16|completed" % prim
    assert sql(w.db, "select outcome, school_year from graduations where"
               " student_id = %d" % c1) == ["completed|2026"]
    ev = w.api("admin").get("/students/%d/events" % c1).json()["items"][-1]
    assert ev["after"]["status"] == "completed"
    assert ev["after"]["reason"].startswith("未达到毕业要求")
    others = [g["id"] for g in grads[1:]]
    assert grade_of(w, others[0]).endswith("|16|graduated")
    # the 毕业生 list shows both, with the outcome
    items = w.api("gp_ydprimary").get("/students", params={
        "graduated": 2027, "per_page": 200}).json()["items"]
    out = {i["id"]: (i["outcome"], i["outcome_label"]) for i in items}
    assert out[c1] == ("completed", "结业")
    assert out[others[0]] == ("graduated", "毕业")


def test_11_graduate_change_writes_graduations(w):
    """The individual 毕业/结业 change leaves a graduations row too, so the
    student is in the school's 毕业生 list with the outcome."""
    reg = w.api("gp_ydprimary")
    sid = w.student(code(YD, 2), "16")
    assert sql(w.db, "select count(*) from graduations where student_id ="
               " %d" % sid) == ["0"]
    r = reg.post("/changes", json={"type": "graduate", "student_id": sid,
                                   "outcome": "completed",
                                   "reason": "未达到毕业要求"})
    assert r.status_code == 201, r.text
    assert approve_all(w, r.json()["change"]["id"]) == "approved"
    assert grade_of(w, sid).endswith("|16|completed")
    assert sql(w.db, "select outcome, grade, school_id from graduations"
               " where student_id = %d" % sid) == \
        ["completed|16|%d" % w.sid(code(YD, 2))]
    items = reg.get("/students", params={"graduated": 2027,
                                         "per_page": 200}).json()["items"]
    assert [i["outcome"] for i in items if i["id"] == sid] == ["completed"]
