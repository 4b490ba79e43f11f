"""Attendance (issue 11 point 1 and the detection half of point 2): the
school-day calendar of a county (terms, weekends, holidays, make-up
days), recording absences from the grid and from a file (all or
nothing, errors naming the entry and the day), the scope of each role
(another class / school / county answers 404), corrections keeping
history, the suspected-dropout list at its thresholds, the absence rate.

Own world on a fake clock: Friday 2026-11-20.  The calendar gets
2026-11-11 (Wednesday) as a holiday and 2026-11-15 (Sunday) as a make-up
working day.
"""
import pytest

from changes_world import ChangeWorld, epoch
from conftest import PW, Api, cli_ok, err_code, sql

YS, YD = "441823", "441881"


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attend")
    users = [
        ("a_ys_bureau", "bureau", ["--region", YS]),
        ("a_yd_bureau", "bureau", ["--region", YD]),
    ]
    world = ChangeWorld(tmp, [(YS, 2, 3), (YD, 1, 4)], users,
                        epoch(2026, 11, 20), per_school=60)
    # school codes: the county's schools in code order
    world.code = {}
    for county in (YS, YD):
        codes = sorted(c for c in world.school if c[1:7] == county)
        for i, c in enumerate(codes):
            world.code[county + "%03d" % (i + 1)] = c
    world.sid = lambda key, _s=world.school: _s[world.code[key]]
    for name, key in (("a_reg1", YS + "001"), ("a_reg2", YS + "002")):
        cli_ok("user", "add", name, "--role", "registrar", "--school",
               world.code[key], db=world.db,
               env=dict(world.env, XUEJI_PASSWORD=PW))
        world.passwords[name] = PW
    ys1 = world.sid(YS + "001")
    classes = [int(x) for x in sql(
        world.db, "select class_id from students where school_id = %d"
        " and class_id is not null group by class_id"
        " having count(*) >= 4 order by class_id" % ys1)]
    world.c1, world.c2 = classes[0], classes[1]
    for name, klass in (("a_teacher1", world.c1), ("a_teacher2", world.c2)):
        cli_ok("user", "add", name, "--role", "teacher", "--school",
               world.code[YS + "001"], "--class", str(klass), db=world.db,
               env=dict(world.env, XUEJI_PASSWORD=PW))
        world.passwords[name] = PW
    adm = world.api("admin")
    for day, kind in (("2026-11-11", "holiday"), ("2026-11-15", "workday")):
        r = adm.post("/holidays", json={"date": day, "kind": kind,
                                         "name": "测试"})
        assert r.status_code in (200, 201), r.text
    yield world
    world.close()


def in_class(w, klass, n=4):
    return [int(x) for x in sql(
        w.db, "select id from students where class_id = %d and status ="
        " 'enrolled' order by id limit %d" % (klass, n))]


def at_school(w, code, n=1):
    return [int(x) for x in sql(
        w.db, "select id from students where school_id = %d and status ="
        " 'enrolled' order by id desc limit %d" % (w.sid(code), n))]


def record(a, *entries):
    return a.post("/attendance", json={"entries": [
        dict(student_id=s, date=d, **({"part": p, "reason": r} if p else {}))
        for s, d, p, r in entries]})


def school_days(frm, to, extra=("2026-11-15",), off=("2026-11-11",)):
    """The weekdays of [frm, to] minus @off plus @extra, as ISO dates."""
    from datetime import date, timedelta
    d, end, out = date.fromisoformat(frm), date.fromisoformat(to), []
    while d <= end:
        iso = d.isoformat()
        if (d.weekday() < 5 and iso not in off) or iso in extra:
            out.append(iso)
        d += timedelta(days=1)
    return out


def test_terms_defaults_edit_and_scope(w):
    b = w.api("a_ys_bureau")
    r = b.get("/attendance/terms", params={"county": YS, "year": 2026})
    assert r.status_code == 200, r.text
    t = r.json()
    assert t["custom"] is False
    assert [x["start"] for x in t["terms"]] == ["2026-09-01", "2027-02-15"]
    assert t["terms"][0]["end"] == "2027-01-15"
    body = {"county": YS, "year": 2026, "terms": [
        {"start": "2026-09-01", "end": "2027-01-22"},
        {"start": "2027-02-22", "end": "2027-07-09"}]}
    r = b.put("/attendance/terms", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["custom"] is True
    assert r.json()["terms"][1]["start"] == "2027-02-22"
    audit = sql(w.db, "select count(*) from audit_log"
                      " where action = 'attendance.terms'")
    assert audit == ["1"]
    # another county's bureau: 404; registrars do not manage terms
    assert w.api("a_yd_bureau").put("/attendance/terms",
                                     json=body).status_code == 404
    assert w.api("a_yd_bureau").get(
        "/attendance/terms", params={"county": YS}).status_code == 404
    assert w.api("a_reg1").get("/attendance/terms",
                               params={"county": YS}).status_code == 403
    bad = dict(body, terms=[{"start": "2026-09-01", "end": "2026-08-01"},
                            body["terms"][1]])
    r = b.put("/attendance/terms", json=bad)
    assert r.status_code == 422 and "terms[0]" in r.text, r.text


def test_grid_and_record_by_teacher(w):
    t1 = w.api("a_teacher1")
    s = in_class(w, w.c1)
    r = t1.get("/attendance/classes/%d" % w.c1,
               params={"from": "2026-11-09", "to": "2026-11-15"})
    assert r.status_code == 200, r.text
    g = r.json()
    days = {d["date"]: d for d in g["days"]}
    assert days["2026-11-09"]["school_day"] is True
    assert days["2026-11-11"]["school_day"] is False     # holiday
    assert days["2026-11-14"]["school_day"] is False     # Saturday
    assert days["2026-11-15"]["school_day"] is True      # make-up day
    assert g["writable"] is True
    ids = [x["id"] for x in g["students"]]
    assert set(s) <= set(ids)
    assert all("*" in x["registry_no"] for x in g["students"])
    r = record(t1, (s[0], "2026-11-09", "full", "sick"),
               (s[1], "2026-11-10", "am", "personal"),
               (s[2], "2026-11-15", "pm", "unexcused"))
    assert r.status_code == 200, r.text
    assert r.json()["changed"] == 3
    g = t1.get("/attendance/classes/%d" % w.c1,
               params={"from": "2026-11-09", "to": "2026-11-15"}).json()
    by = {x["id"]: x["absences"] for x in g["students"]}
    assert by[s[0]] == {"2026-11-09": {"part": "full", "reason": "sick"}}
    assert by[s[1]]["2026-11-10"] == {"part": "am", "reason": "personal"}
    assert by[s[2]]["2026-11-15"]["reason"] == "unexcused"


def test_not_school_days_future_and_all_or_nothing(w):
    t1 = w.api("a_teacher1")
    s = in_class(w, w.c1)
    r = record(t1, (s[3], "2026-11-12", "full", "sick"),
               (s[3], "2026-11-14", "full", "sick"),
               (s[3], "2026-11-11", "full", "sick"),
               (s[3], "2026-11-23", "full", "sick"))
    assert r.status_code == 422, r.text
    details = r.json()["error"]["details"]
    codes = {d["field"]: d["code"] for d in details}
    assert codes == {"entries[1]": "not_school_day",
                     "entries[2]": "not_school_day",
                     "entries[3]": "absence_future"}, details
    text = r.text
    assert "2026-11-14" in text and "周六" in text and "节假日" in text
    # nothing of the batch was stored, not even the good first entry
    assert sql(w.db, "select count(*) from absences where student_id = %d"
               % s[3]) == ["0"]
    r = record(t1, (s[3], "2026-11-12", "full", "bogus"))
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("who, target", [
    ("a_teacher1", "other_class"), ("a_teacher1", "other_school"),
    ("a_teacher1", "other_county"), ("a_reg1", "other_school"),
    ("a_reg2", "c1")])
def test_scope_404(w, who, target):
    sid = {"other_class": lambda: in_class(w, w.c2)[0],
           "c1": lambda: in_class(w, w.c1)[0],
           "other_school": lambda: at_school(w, YS + "002")[0],
           "other_county": lambda: at_school(w, YD + "001")[0]}[target]()
    r = record(w.api(who), (sid, "2026-11-16", "full", "sick"))
    assert r.status_code == 404, r.text
    assert sql(w.db, "select count(*) from absences where student_id = %d"
               " and day = 20261116" % sid) == ["0"]


def test_grid_scope_and_roles(w):
    assert w.api("a_teacher1").get(
        "/attendance/classes/%d" % w.c2).status_code == 404
    assert w.api("a_reg2").get(
        "/attendance/classes/%d" % w.c1).status_code == 404
    assert w.api("a_yd_bureau").get(
        "/attendance/classes/%d" % w.c1).status_code == 404
    g = w.api("a_ys_bureau").get("/attendance/classes/%d" % w.c1)
    assert g.status_code == 200 and g.json()["writable"] is False
    # the bureau reads, never records
    r = record(w.api("a_ys_bureau"), (in_class(w, w.c1)[0], "2026-11-16",
                                      "full", "sick"))
    assert r.status_code == 403, r.text
    # the registrar records for any class of the school
    r = record(w.api("a_reg1"), (in_class(w, w.c2)[0], "2026-11-16", "full",
                                 "sick"))
    assert r.status_code == 200, r.text
    r = w.api("a_teacher1").get("/attendance/classes/%d" % w.c1,
                                params={"from": "2026-11-01",
                                        "to": "2026-12-20"})
    assert r.status_code == 400


def test_corrections_keep_history(w):
    t2 = w.api("a_teacher2")
    s = in_class(w, w.c2)[1]
    assert record(t2, (s, "2026-11-17", "full", "sick")).status_code == 200
    assert record(t2, (s, "2026-11-17", "full", "unexcused")).json()[
        "changed"] == 1
    # the same again changes nothing
    assert record(t2, (s, "2026-11-17", "full", "unexcused")).json()[
        "changed"] == 0
    r = record(t2, (s, "2026-11-17", None, None))    # was present after all
    assert r.status_code == 200 and r.json()["changed"] == 1
    assert sql(w.db, "select count(*) from absences where student_id = %d"
               % s) == ["0"]
    hist = sql(w.db, "select reason, removed from absence_history"
                     " where student_id = %d order by id" % s)
    assert hist == ["1|0", "3|1"]
    n = sql(w.db, "select count(*) from audit_log"
                  " where action = 'attendance.record'")
    assert int(n[0]) >= 3


def csv_upload(a, text, name="absences.csv"):
    return a.post("/attendance/import",
                  files={"file": (name, text.encode("utf-8"), "text/csv")})


def test_import_errors_and_success(w):
    reg = w.api("a_reg1")
    s = in_class(w, w.c2, 3)
    nos = {i: sql(w.db, "select registry_no from students where id = %d"
                  % i)[0] for i in s}
    idno = sql(w.db, "select id_no from students where id = %d" % s[2])[0]
    other = sql(w.db, "select registry_no from students where id = %d"
                % at_school(w, YS + "002")[0])[0]
    bad = ("学籍号,身份证件号,日期,时段,原因\n"
           f"{nos[s[0]]},,2026-11-18,全天,旷课\n"
           f"{nos[s[1]]},,2026-11-31,全天,旷课\n"
           f"G000000000000000000,,2026-11-18,上午,病假\n"
           f"{nos[s[1]]},,2026-11-14,全天,事假\n"
           f"{other},,2026-11-18,全天,病假\n"
           f"{nos[s[1]]},,2026-11-18,晚上,病假\n")
    r = csv_upload(reg, bad)
    assert r.status_code == 422, r.text
    fields = {}
    for d in r.json()["error"]["details"]:
        fields.setdefault(d["field"], []).append(d["code"])
    # every row's error in one reply: format (3, 7), unknown number (4),
    # not a school day (5), a student of another school (6)
    assert fields == {"第3行": ["date_format"], "第4行": ["not_found"],
                      "第5行": ["not_school_day"], "第6行": ["not_found"],
                      "第7行": ["validation"]}, fields
    r2 = csv_upload(reg, bad.replace("2026-11-31", "2026-11-18").replace(
        "G000000000000000000", nos[s[2]]).replace("晚上", "下午"))
    assert r2.status_code == 422
    fields = {d["field"]: d for d in r2.json()["error"]["details"]}
    assert set(fields) == {"第5行", "第6行"}, fields
    assert fields["第5行"]["code"] == "not_school_day"
    assert "周六" in fields["第5行"]["message"] + str(fields["第5行"])
    assert sql(w.db, "select count(*) from absences where day = 20261118") \
        == ["0"]
    r = csv_upload(reg, "缺勤日期,身份证件号,学籍号,时段,原因\n"
                   f"2026/11/18,,{nos[s[0]]},全天,旷课\n"
                   f"2026-11-18,{idno},,上午,病假\n")
    assert r.status_code == 200, r.text
    assert r.json() == {"entries": 2, "changed": 2}
    r = csv_upload(reg, "学籍号,日期,原因\nX,2026-11-18,病假\n")
    assert r.status_code == 422 and "时段" in r.text, r.text


def test_import_valid_rows_only(w):
    """valid_only: the rows with an error (the reader's, an unknown number,
    a rule) are reported and skipped, the others recorded; a file error
    still refuses the whole file."""
    reg = w.api("a_reg1")
    s = in_class(w, w.c2, 8)[5:8]
    nos = {i: sql(w.db, "select registry_no from students where id = %d"
                  % i)[0] for i in s}
    text = ("学籍号,日期,时段,原因\n"
            f"{nos[s[0]]},2026-11-19,全天,旷课\n"         # 2: good
            f"{nos[s[1]]},2026-11-32,全天,旷课\n"         # 3: no such day
            "G000000000000000000,2026-11-19,上午,病假\n"  # 4: unknown
            f"{nos[s[1]]},2026-11-14,全天,事假\n"         # 5: Saturday
            f"{nos[s[2]]},2026-11-19,下午,病假\n")        # 6: good
    before = sql(w.db, "select count(*) from absences where day = 20261119")
    r = reg.post("/attendance/import", data={"valid_only": "true"},
                 files={"file": ("a.csv", text.encode(), "text/csv")})
    assert r.status_code == 200, r.text
    j = r.json()
    assert (j["entries"], j["changed"], j["skipped"]) == (5, 2, 3), j
    assert {(e["field"], e["code"]) for e in j["errors"]} == {
        ("第3行", "date_format"), ("第4行", "not_found"),
        ("第5行", "not_school_day")}
    assert int(sql(w.db, "select count(*) from absences where day = 20261119"
                   )[0]) == int(before[0]) + 2
    # all or nothing without the flag: the same file records nothing more
    r = reg.post("/attendance/import",
                 files={"file": ("a.csv", text.replace("2026-11-19",
                                                       "2026-11-20").encode(),
                                 "text/csv")})
    assert r.status_code == 422
    assert sql(w.db, "select count(*) from absences where day = 20261120") \
        == ["0"]
    # a missing column refuses the file, valid rows or not
    r = reg.post("/attendance/import", data={"valid_only": "1"},
                 files={"file": ("b.csv", "学籍号,日期,原因\nX,2026-11-18,病假\n"
                                 .encode(), "text/csv")})
    assert r.status_code == 422 and "时段" in r.text, r.text
    r = reg.post("/attendance/import", data={"valid_only": "maybe"},
                 files={"file": ("a.csv", text.encode(), "text/csv")})
    assert r.status_code == 400


def put_streak(a, sid, days):
    r = record(a, *[(sid, d, "full", "unexcused") for d in days])
    assert r.status_code == 200, r.text


def test_suspects_thresholds(w):
    reg = w.api("a_reg1")
    a, b, c, d = in_class(w, w.c1, 8)[4:8]
    # 6 school days, across the holiday (11th) and a weekend with its
    # make-up Sunday (15th): suspected (more than 5)
    six = ["2026-11-09", "2026-11-10", "2026-11-12", "2026-11-13",
           "2026-11-15", "2026-11-16"]
    assert school_days("2026-11-09", "2026-11-16") == six
    put_streak(reg, a, six)
    put_streak(reg, b, six[1:])        # 5: not yet
    twenty_one = school_days("2026-10-01", "2026-11-20")[-21:]
    put_streak(reg, c, twenty_one)     # more than 20: dropout
    # 6 days with a present day in between: two runs of 3
    put_streak(reg, d, ["2026-11-02", "2026-11-03", "2026-11-04",
                        "2026-11-06", "2026-11-09", "2026-11-10"])
    r = w.api("a_ys_bureau").get("/attendance/suspects",
                                 params={"as_of": "2026-11-20"})
    assert r.status_code == 200, r.text
    items = {x["student_id"]: x for x in r.json()["items"]}
    assert r.json()["thresholds"]["suspect_days"] == 5
    assert items[a]["level"] == "suspected" and items[a]["streak"] == 6
    assert items[a]["streak_from"] == "2026-11-09"
    assert items[a]["current"] == 0          # back since the 17th
    assert b not in items and d not in items
    assert items[c]["level"] == "dropout" and items[c]["streak"] == 21
    assert items[c]["current"] == 21
    assert "*" in items[c]["registry_no"]
    # as of the 13th, a had 4 days only
    r = w.api("a_reg1").get("/attendance/suspects",
                            params={"as_of": "2026-11-13",
                                    "school": w.sid(YS + "001")})
    assert a not in {x["student_id"] for x in r.json()["items"]}
    # other school, other county: nothing of ys1; another county's school 404
    for who in ("a_reg2", "a_yd_bureau"):
        r = w.api(who).get("/attendance/suspects",
                           params={"as_of": "2026-11-20"})
        assert r.status_code == 200
        assert not {a, c} & {x["student_id"] for x in r.json()["items"]}
    r = w.api("a_yd_bureau").get("/attendance/suspects",
                                 params={"school": w.sid(YS + "001")})
    assert r.status_code == 404
    assert w.api("a_teacher1").get("/attendance/suspects").status_code == 403
    # the threshold is a setting: 6 makes a's 6 days not enough
    adm = w.api("admin")
    assert adm.patch("/system-settings", json={
        "attend_suspect_days": 6}).status_code == 200
    r = w.api("a_ys_bureau").get("/attendance/suspects",
                                 params={"as_of": "2026-11-20"})
    assert a not in {x["student_id"] for x in r.json()["items"]}
    assert adm.patch("/system-settings", json={
        "attend_suspect_days": 5}).status_code == 200



def test_sweep_opens_a_case_for_each_absentee_once(w):
    """The dropout sweep takes attendance's suspects as a source (一人一案):
    a case per suspected dropout or dropout, none for the others, once."""
    a, b, c, d = in_class(w, w.c1, 8)[4:8]   # as in test_suspects_thresholds
    bur = w.api("a_ys_bureau")
    r = bur.post("/dropout/sweep", json={})
    assert r.status_code == 200, r.text
    assert r.json()["opened"] >= 2
    r = bur.get("/dropout/cases", params={"source": "absence",
                                          "per_page": 200})
    assert r.status_code == 200, r.text
    cases = {x["student_id"]: x for x in r.json()["items"]}
    assert a in cases and c in cases
    assert b not in cases and d not in cases
    assert cases[c]["source"] == "absence" and "21" in cases[c]["detail"]
    again = bur.post("/dropout/sweep", json={})
    assert again.status_code == 200 and again.json()["opened"] == 0
    # another county's sweep opens nothing here
    w.api("a_yd_bureau").post("/dropout/sweep", json={})
    r = bur.get("/dropout/cases", params={"source": "absence",
                                          "per_page": 200})
    assert len(r.json()["items"]) == len(cases)

def test_rate(w):
    sid = w.sid(YS + "002")
    reg2 = w.api("a_reg2")
    s = at_school(w, YS + "002", 2)
    assert record(reg2, (s[0], "2026-11-19", "full", "sick"),
                  (s[1], "2026-11-19", "am", "sick")).status_code == 200
    r = reg2.get("/attendance/rate", params={
        "school": sid, "from": "2026-11-16", "to": "2026-11-20"})
    assert r.status_code == 200, r.text
    j = r.json()
    enrolled = int(sql(w.db, "select count(*) from students where school_id"
                             " = %d and status = 'enrolled'" % sid)[0])
    assert j["school_days"] == 5 and j["students"] == enrolled
    assert j["absent_days"] == 1.5
    assert abs(j["rate"] - 1.5 / (5 * enrolled)) < 1e-9
    assert w.api("a_reg1").get("/attendance/rate",
                               params={"school": sid}).status_code == 404
    assert w.api("a_yd_bureau").get("/attendance/rate",
                                    params={"school": sid}).status_code == 404
