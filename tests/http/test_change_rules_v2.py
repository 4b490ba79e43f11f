"""The provincial change rules of domain.md "Decisions" (issue 8, point 6):
approval chains without extra levels unless a setting adds the city,
肄业 only from a final grade or outside compulsory education, 留级 in
compulsory grades and 高三 only by setting and capped per grade, transfer
windows (first term of an entry grade, graduating grade) under the
injectable clock, suspensions with an end date, renewals and a follow-up
list, the change settings (audited) and a corrected resident ID that no
longer blocks its real owner.

Own world (changes_world.py), clock at Monday 2026-09-28 10:00 CST (term 1
of school year 2026).  Each test restores the settings it changes.
"""

import pytest

from changes_world import ChangeWorld, approve, clock, epoch, start, started
from changes_world import school_code as code
from conftest import err_code, make_id, primary_body, sql

YS, YD, TH, DC = "441823", "441881", "440106", "110101"


USERS = [
    ("ys_bureau", "bureau", ["--region", YS]),
    ("qy_bureau", "bureau", ["--region", "4418"]),
    ("gd_bureau", "bureau", ["--region", "44"]),
    ("gz_bureau", "bureau", ["--region", "4401"]),
    ("th_bureau", "bureau", ["--region", TH]),
    ("bj_bureau", "bureau", ["--region", "11"]),
    ("bjc_bureau", "bureau", ["--region", "1101"]),
    ("dc_bureau", "bureau", ["--region", DC]),
    ("yd_bureau", "bureau", ["--region", YD]),
    ("ys_reg1", "registrar", ["--school", code(YS, 1)]),   # senior
    ("ys_reg2", "registrar", ["--school", code(YS, 2)]),   # junior
    ("ys_reg4", "registrar", ["--school", code(YS, 4)]),   # primary
    ("ys_reg5", "registrar", ["--school", code(YS, 5)]),   # primary
    ("ys_reg6", "registrar", ["--school", code(YS, 6)]),   # primary
]
NOW = epoch(2026, 9, 28)


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    world = ChangeWorld(tmp_path_factory.mktemp("rules"),
                        [(YS, 6, 11), (YD, 2, 12), (TH, 2, 13), (DC, 2, 14)],
                        USERS, NOW, per_school=50)
    yield world
    assert world.close() == 0


def withdraw(a, cid):
    r = a.post("/changes/%d/withdraw" % cid, json={})
    assert r.status_code == 200, r.text


def regno(w, sid):
    return sql(w.db, "select registry_no from students where id = %d"
               % sid)[0]


def settings(w, **kw):
    r = w.api("admin").patch("/changes/settings", json=kw)
    assert r.status_code == 200, r.text
    return r.json()


def transfer(w, a, sid):
    return start(a, type="transfer_in", student_id=sid,
                 registry_no=regno(w, sid))


# ------------------------------------------------------------ settings

def test_settings_defaults_in_table_and_audited(w):
    rows = dict(l.split("|") for l in sql(
        w.db, "select key, value from settings where key like 'change.%'"))
    assert rows["change.chain_city"] == "no"
    assert rows["change.repeat_cap_pct"] == "2"
    assert rows["change.transfer_entry_term"] == "yes"
    assert rows["change.suspend_years"] == "1"
    assert rows["change.suspend_renewals"] == "1"
    admin = w.api("admin")
    # all or nothing: one bad key leaves every other one as it was
    r = admin.patch("/changes/settings", json={"step_days": 7,
                                               "suspend_years": 9})
    assert r.status_code == 422 and err_code(r) == "range"
    assert r.json()["error"]["field"] == "suspend_years"
    assert admin.get("/changes/settings").json()["step_days"] == 10
    r = admin.patch("/changes/settings", json={"chain_city": "yes"})
    assert r.status_code == 400 and err_code(r) == "bad_type"
    r = admin.patch("/changes/settings", json={"max_steps": 3})
    assert r.status_code == 400 and err_code(r) == "unknown_field"
    r = admin.patch("/changes/settings",
                    json={"senior_authority": "province"})
    assert r.status_code == 422 and err_code(r) == "code"
    assert w.api("ys_bureau").patch("/changes/settings", json={
        "step_days": 3}).status_code == 403
    after = settings(w, suspend_renewals=2)
    assert after["suspend_renewals"] == 2
    assert sql(w.db, "select value from settings"
               " where key = 'change.suspend_renewals'") == ["2"]
    last = sql(w.db, "select action, entity, before, after from audit_log"
               " order by id desc limit 1")[0].split("|")
    assert last[:2] == ["settings.update", "settings"]
    assert '"suspend_renewals":1' in last[2]
    assert '"suspend_renewals":2' in last[3]
    settings(w, suspend_renewals=1)


# ------------------------------------------------------------ chains

def steps(c):
    return [(s["actor_kind"], s["actor_region"]) for s in c["steps"]]


def test_chain_cross_city_and_extra_level_setting(w):
    """Across cities of one province domain.md has 3 steps (the old code
    made 5); the city comes in only with change.chain_city."""
    ys2 = w.api("ys_reg2")
    sid = w.student(code(TH, 1), "22") if sql(
        w.db, "select stage from schools where code = '%s'"
        % code(TH, 1))[0] in ("junior", "nine_year") else None
    if sid is None:
        sid = int(sql(w.db, "select st.id from students st join schools sc"
                      " on sc.id = st.school_id where sc.county_code = '%s'"
                      " and st.grade = '22' limit 1" % TH)[0])
    c = started(ys2, type="transfer_in", student_id=sid,
                registry_no=regno(w, sid))
    assert steps(c) == [("county", YS), ("school", ""), ("county", TH)]
    withdraw(ys2, c["id"])
    settings(w, chain_city=True)
    try:
        c = started(ys2, type="transfer_in", student_id=sid,
                    registry_no=regno(w, sid))
        assert steps(c) == [("county", YS), ("city", "4418"), ("school", ""),
                            ("county", TH), ("city", "4401")]
        assert [s["label_key"] for s in c["steps"]] == [
            "to_county", "to_city", "from_school", "from_county",
            "from_city"]
        withdraw(ys2, c["id"])
    finally:
        settings(w, chain_city=False)


def test_chain_cross_province_five_steps(w):
    ys2 = w.api("ys_reg2")
    sid = int(sql(w.db, "select st.id from students st join schools sc"
                  " on sc.id = st.school_id where sc.county_code = '%s'"
                  " and st.grade = '22' limit 1" % DC)[0])
    w.used.add(sid)
    c = started(ys2, type="transfer_in", student_id=sid,
                registry_no=regno(w, sid))
    assert steps(c) == [("county", YS), ("province", "44"), ("school", ""),
                        ("county", DC), ("province", "11")]
    for who in ("ys_bureau", "gd_bureau", None, "dc_bureau", "bj_bureau"):
        if who is None:
            school = c["waiting"]["actor_school_id"]
            # the sending school's step: an administrator may act on any
            c = approve(w.api("admin"), c["id"])
            assert school
            continue
        c = approve(w.api(who), c["id"])
    assert c["status"] == "approved"
    settings(w, chain_city=True)
    try:
        sid = int(sql(w.db, "select st.id from students st join schools sc"
                      " on sc.id = st.school_id where sc.county_code = '%s'"
                      " and st.grade = '22' and st.status = 'enrolled'"
                      " limit 1" % DC)[0])
        c = started(ys2, type="transfer_in", student_id=sid,
                    registry_no=regno(w, sid))
        assert len(c["steps"]) == 7
        withdraw(ys2, c["id"])
    finally:
        settings(w, chain_city=False)


# ------------------------------------------------------------ 肄业, 留级

def test_incomplete_only_from_final_or_outside_compulsory(w):
    ys4, ys1 = w.api("ys_reg4"), w.api("ys_reg1")
    sid = w.student(code(YS, 4), "14")
    r = start(ys4, type="graduate", student_id=sid, outcome="incomplete")
    assert r.status_code == 422 and err_code(r) == \
        "change_incomplete_compulsory"
    assert r.json()["error"]["field"] == "outcome"
    # a final grade may leave as 肄业, and so may a senior student
    c = started(ys4, type="graduate", student_id=w.student(code(YS, 4), "16"),
                outcome="incomplete")
    withdraw(ys4, c["id"])
    c = started(ys1, type="graduate", student_id=w.student(code(YS, 1), "31"),
                outcome="incomplete")
    withdraw(ys1, c["id"])


def test_repeat_senior3_compulsory_and_cap(w):
    ys1, ys4 = w.api("ys_reg1"), w.api("ys_reg4")
    r = start(ys1, type="repeat", student_id=w.student(code(YS, 1), "33"),
              grade="32")
    assert r.status_code == 422 and err_code(r) == "change_repeat_senior3"
    r = start(ys4, type="repeat", student_id=w.student(code(YS, 4), "13"),
              grade="12")
    assert r.status_code == 422 and err_code(r) == "change_repeat_compulsory"
    # 高二 of a small school: 2% of the grade is under one student
    n = int(sql(w.db, "select count(*) from students where school_id = %d"
                " and grade = '32' and status = 'enrolled'"
                % w.sid(code(YS, 1)))[0])
    assert 0 < n < 50
    first = w.student(code(YS, 1), "32")
    r = start(ys1, type="repeat", student_id=first, grade="31")
    assert r.status_code == 422 and err_code(r) == "change_repeat_cap"
    # a cap that allows exactly one: the second in the year is refused
    settings(w, repeat_cap_pct=(100 + n - 1) // n)
    try:
        c = started(ys1, type="repeat", student_id=first, grade="31")
        approve(w.api("qy_bureau"), c["id"])    # senior: the city decides
        r = start(ys1, type="repeat", student_id=w.student(code(YS, 1), "32"),
                  grade="31")
        assert r.status_code == 422 and err_code(r) == "change_repeat_cap"
        settings(w, repeat_senior3=True, repeat_cap_pct=100)
        c = started(ys1, type="repeat",
                    student_id=w.student(code(YS, 1), "33"), grade="32")
        withdraw(ys1, c["id"])
    finally:
        settings(w, repeat_cap_pct=2, repeat_senior3=False)


# ------------------------------------------------------------ windows

def test_transfer_windows_with_the_clock(w):
    ys2 = w.api("ys_reg2")
    nine = code(YS, 3)                       # nine-year school: 21..23
    entry = w.student(nine, "21")
    r = transfer(w, ys2, entry)
    assert r.status_code == 422 and err_code(r) == \
        "change_transfer_entry_term"
    grad = w.student(nine, "23")
    r = transfer(w, ys2, grad)
    assert r.status_code == 422 and err_code(r) == \
        "change_transfer_graduating"
    mid = w.student(nine, "22")
    r = transfer(w, ys2, mid)
    assert r.status_code == 201, r.text
    withdraw(ys2, r.json()["change"]["id"])
    # term 2 (the clock moved to March): the entry grade may transfer,
    # the graduating grade still not
    with clock(w, epoch(2027, 3, 15)) as later:
        a = w.api("ys_reg2", later)
        r = transfer(w, a, entry)
        assert r.status_code == 201, r.text
        withdraw(a, r.json()["change"]["id"])
        r = transfer(w, a, grad)
        assert r.status_code == 422 and err_code(r) == \
            "change_transfer_graduating"
    ys2 = w.api("ys_reg2")
    # both windows are settings
    settings(w, transfer_entry_term=False, transfer_graduating=False)
    try:
        for sid in (entry, grad):
            r = transfer(w, ys2, sid)
            assert r.status_code == 201, r.text
            withdraw(ys2, r.json()["change"]["id"])
    finally:
        settings(w, transfer_entry_term=True, transfer_graduating=True)


# ------------------------------------------------------------ suspension

def overdue(a):
    r = a.get("/suspensions/overdue")
    assert r.status_code == 200, r.text
    return r.json()


def test_suspension_end_renewals_and_follow_up(w):
    ys4, bureau = w.api("ys_reg4"), w.api("ys_bureau")
    short = w.student(code(YS, 4), "13")
    full = w.student(code(YS, 4), "13")
    r = start(ys4, type="suspend", student_id=short, end_date="2027-09-28")
    assert r.status_code == 422 and err_code(r) == "change_suspend_end"
    r = start(ys4, type="suspend", student_id=short, end_date="2026-09-27")
    assert r.status_code == 422 and err_code(r) == "change_suspend_end"
    r = start(ys4, type="suspend", student_id=short, end_date="2026-02-30")
    assert r.status_code == 422 and err_code(r) == "date_format"
    r = start(ys4, type="resume", student_id=short, end_date="2026-10-30")
    assert r.status_code == 400 and err_code(r) == "unknown_field"
    c = started(ys4, type="suspend", student_id=short, end_date="2026-10-30")
    assert c["payload"]["end_date"] == "2026-10-30"
    approve(bureau, c["id"])
    c = started(ys4, type="suspend", student_id=full)
    assert (c["payload"]["start_date"], c["payload"]["end_date"]) == (
        "2026-09-28", "2027-09-27")
    approve(bureau, c["id"])
    ev = w.api("admin").get("/students/%d/events" % short).json()["items"]
    assert any(e["kind"] == "change.suspend"
               and e["after"]["suspended_until"] == "2026-10-30"
               for e in ev), ev
    assert overdue(ys4)["total"] == 0
    # 2 November: the first is past its end and not resumed
    with clock(w, epoch(2026, 11, 2)) as later:
        for who in ("ys_reg4", "ys_bureau", "qy_bureau", "admin"):
            page = overdue(w.api(who, later))
            assert [i["student_id"] for i in page["items"]] == [short], who
        item = page["items"][0]
        assert item["end_date"] == "2026-10-30" and item["days_over"] == 3
        assert item["registry_no"].startswith("G") and \
            "*" in item["registry_no"]
        for who in ("ys_reg5", "yd_bureau"):
            assert overdue(w.api(who, later))["total"] == 0, who
        # a renewal continues from the end date; once only by default
        a = w.api("ys_reg4", later)
        c = started(a, type="suspend", student_id=short, reason="续休")
        assert (c["payload"]["start_date"], c["payload"]["renewal"]) == (
            "2026-10-31", 1)
        approve(w.api("ys_bureau", later), c["id"])
        assert overdue(a)["total"] == 0
        r = start(a, type="suspend", student_id=short)
        assert r.status_code == 422 and err_code(r) == \
            "change_suspend_renewals"
    rows = sql(w.db, "select renewal, start_date, end_date from suspensions"
               " where student_id = %d order by id" % short)
    assert rows == ["0|2026-09-28|2026-10-30", "1|2026-10-31|2027-10-30"]
    # the suspension rows are the record: never rewritten
    with pytest.raises(AssertionError):
        sql(w.db, "update suspensions set end_date = '2030-01-01'")


# ------------------------------------------------------------ ID correction

def test_corrected_id_no_longer_blocks_its_owner(w):
    ys4, bureau = w.api("ys_reg4"), w.api("ys_reg6")
    body = primary_body()
    wrong = body["id_no"]
    r = ys4.post("/students", json=body)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    right = make_id(body["birth_date"], body["gender"])
    c = started(ys4, type="correct", student_id=sid,
                changes={"id_no": right}, reason="身份证号录错")
    approve(w.api("ys_bureau"), c["id"])
    assert regno(w, sid) == "G" + right
    # the real owner of the wrong number enrols at another school
    owner = primary_body(id_no=wrong, birth_date=body["birth_date"],
                         gender=body["gender"])
    r = bureau.post("/students", json=owner)
    assert r.status_code == 201, r.text
    assert regno(w, r.json()["id"]) == "G" + wrong
    # the old values stay in the history
    before = sql(w.db, "select before from student_events where"
                 " student_id = %d and kind = 'change.correct'" % sid)[0]
    assert "registry_no" in before and "id_no" in before
    assert sql(w.db, "select count(*) from student_aliases where"
               " student_id = %d" % sid) == ["0"]
