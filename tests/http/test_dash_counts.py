"""The counts the database keeps for the dashboard (issue 11 point 7,
migrations 0030 and 0031): enrolment per school, grade, gender and day,
each class's 在读 now, absences per region and day.  Changes are played
through the API (registration, 调班, 休学, a transfer, year-end, a gender corrected in
the table itself, absences and their corrections); after each round
`xueji check` recounts the tables from the records and passes, and a
region's figures (read from the counts) equal plain SQL over the records
and the sum of its schools' figures (read from the records).  A count
changed behind the program's back makes `xueji check` fail.

Own world (changes_world.py): county YS with three schools and YD with
two, generated on 1 September 2026; the changes are written on
10 November 2026 and the year-end on 10 July 2027.
"""
import pytest

from changes_world import epoch, late_world, school_code as code
from conftest import run_cli, sql, student_body

YS, YD = "441823", "441881"


USERS = [
    ("c_ys", "bureau", ["--region", YS]),
    ("c_reg1", "registrar", ["--school", code(YS, 1)]),
    ("c_reg2", "registrar", ["--school", code(YS, 2)]),
]


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    yield from late_world(tmp_path_factory, "dash_counts",
                          [(YS, 3, 71), (YD, 2, 72)], USERS,
                          epoch(2026, 11, 10), per_school=40)


def dash(a, **params):
    r = a.get("/dashboard", params=params)
    assert r.status_code == 200, r.text
    return r.json()["panels"]


def check(w):
    """`xueji check` on the world's database: (exit code, stderr)."""
    p = run_cli("check", db=w.db, env=w.env)
    return p.returncode, p.stdout + p.stderr


def enrol_sql(w, county, asof):
    """在读 at the end of @asof by grade and gender, in plain SQL over the
    records (xj_enrol_asof's rule: the placement before the first change
    written after the day, else the record as it is)."""
    cut = "%s-%02d-%02d" % next_day(asof)
    rows = sql(w.db, (
        "select x.g, x.gender, count(*) from (select st.gender,"
        " coalesce(p.school_id, st.school_id) as s,"
        " coalesce(p.grade, st.grade) as g,"
        " coalesce(p.status, st.status) as stt from students st"
        " left join student_placements p on p.id = (select min(q.id)"
        " from student_placements q where q.student_id = st.id"
        " and q.at >= '{cut}') where st.created_at < '{cut}') x"
        " join schools sc on sc.id = x.s where x.stt = 'enrolled'"
        " and sc.county_code = '{c}' group by x.g, x.gender"
        " order by x.g, x.gender").format(cut=cut, c=county))
    out = {}
    for line in rows:
        g, gender, n = line.split("|")
        out.setdefault(g, [0, 0])[int(gender) - 1] = int(n)
    return out


def next_day(iso):
    from datetime import date, timedelta
    d = date.fromisoformat(iso) + timedelta(days=1)
    return d.year, d.month, d.day


def figures(p):
    return {g["grade"]: [g["male"], g["female"]]
            for g in p["enrolment"]["grades"]}


def same_figures(w, a, asof, admin):
    """The county's enrolment (kept counts) = plain SQL = its schools'
    (the records), by grade and gender; the child units too."""
    p = dash(a, level="county", code=YS, asof=asof)
    assert figures(p) == enrol_sql(w, YS, asof), asof
    schools = p["units"]["rows"]
    total = 0
    for row in schools:
        s = dash(a, level="school", code=row["code"], asof=asof)
        assert s["enrolment"]["total"] == row["enrolled"], (asof, row)
        total += row["enrolled"]
    assert total == p["enrolment"]["total"]
    city = dash(admin, level="city", code="4418", asof=asof)
    assert {r["code"]: r["enrolled"] for r in city["units"]["rows"]}[YS] \
        == total
    return p


def approve_all(a, change):
    for _ in change["steps"]:
        r = a.post("/changes/%d/approve" % change["id"], json={})
        assert r.status_code == 200, r.text
        change = r.json()["change"]
    assert change["status"] == "approved", change
    return change


def enrolled(w, school, grade=None):
    q = ("select id from students where school_id = %d and status ="
         " 'enrolled'" % w.sid(school))
    if grade:
        q += " and grade = '%s'" % grade
    return [int(x) for x in sql(w.db, q + " order by id")]


def test_1_changes_keep_the_counts_exact(w):
    a = w.api("c_ys", server=w.late)
    admin = w.api("admin", server=w.late)
    rc, out = check(w)
    assert rc == 0 and "dashboard counts: ok" in out, out
    sept = same_figures(w, a, "2026-09-01", admin)
    same_figures(w, a, "2026-11-10", admin)
    s1, s2, s3 = (w.sid(code(YS, n)) for n in (1, 2, 3))
    reg1, reg2 = w.api("c_reg1", server=w.late), w.api("c_reg2",
                                                       server=w.late)
    # a registration
    k1 = int(sql(w.db, "select id from classes where school_id = %d"
                 " order by id limit 1" % s1)[0])
    r = reg1.post("/students", json=student_body(class_id=k1))
    assert r.status_code == 201, r.text
    # 调班 within the school
    mover = enrolled(w, code(YS, 1))[0]
    grade, cls = sql(w.db, "select grade, class_id from students where"
                     " id = %d" % mover)[0].split("|")
    dest = sql(w.db, "select id from classes where school_id = %d and grade"
               " = '%s' and id <> %s order by id limit 1" % (s1, grade, cls))
    if dest:
        r = reg1.post("/students/%d/move-class" % mover,
                      json={"class_id": int(dest[0]), "reason": "分班调整"})
        assert r.status_code == 200, r.text
    # 休学: a status change through a change request
    sus = enrolled(w, code(YS, 1))[1]
    r = reg1.post("/changes", json={"type": "suspend", "student_id": sus,
                                    "reason": "病休"})
    assert r.status_code == 201, r.text
    approve_all(admin, r.json()["change"])
    # a transfer from school 3 to school 2
    mv = enrolled(w, code(YS, 3), "13")[0]
    no = sql(w.db, "select registry_no from students where id = %d" % mv)[0]
    assert reg2.get("/students/lookup", params={"registry_no": no}
                    ).status_code == 200
    r = reg2.post("/changes", json={"type": "transfer_in", "student_id": mv,
                                    "registry_no": no, "reason": "家长申请"})
    assert r.status_code == 201, r.text
    approve_all(admin, r.json()["change"])
    assert int(sql(w.db, "select school_id from students where id = %d"
                   % mv)[0]) == s2
    # a gender corrected in the table itself (no path can forget the
    # counts): one student who moved, one who never did
    for sid in (mv, enrolled(w, code(YS, 2))[3]):
        sql(w.db, "update students set gender = 3 - gender where id = %d"
            % sid)
    rc, out = check(w)
    assert rc == 0, out
    again = same_figures(w, a, "2026-09-01", admin)
    # the 1 September figures moved only by the corrected genders
    assert again["enrolment"]["total"] == sept["enrolment"]["total"]
    same_figures(w, a, "2026-11-09", admin)
    now = same_figures(w, a, "2026-11-10", admin)
    assert now["enrolment"]["total"] == sept["enrolment"]["total"] + 1 - 1


def absent_sql(w, prefix, frm, to):
    """(students, half-days) with an absence in [frm, to] at a school of
    region @prefix, in plain SQL over absences."""
    row = sql(w.db, (
        "select count(distinct a.student_id), coalesce(sum(case when"
        " a.part = 0 then 2 else 1 end), 0) from absences a join schools sc"
        " on sc.id = a.school_id where sc.county_code like '{p}%'"
        " and a.day >= {f} and a.day <= {t}").format(
            p=prefix, f=frm.replace("-", ""), t=to.replace("-", "")))[0]
    return tuple(int(x) for x in row.split("|"))


def same_absences(w, admin, asof):
    units = [("all", None, ""), ("province", "44", "44"),
             ("city", "4418", "4418"), ("county", YS, YS),
             ("county", YD, YD)]
    for level, code_, prefix in units:
        params = {"level": level, "asof": asof}
        if code_:
            params["code"] = code_
        ab = dash(admin, **params)["absence"]
        want = absent_sql(w, prefix, "2026-09-01", asof)
        assert (ab["absent_students"], ab["absent_halfdays"]) == want, \
            (level, code_, asof)
        r = admin.get("/dashboard/students", params=dict(
            params, panel="absence", key="absent", per_page=1))
        assert r.json()["total"] == ab["absent_students"], (level, asof)
    # the 在读 students of the rate: the kept enrolment counts, live
    ab = dash(admin, level="county", code=YS)["absence"]
    assert ab["students"] == int(sql(
        w.db, "select count(*) from students st join schools sc on sc.id ="
        " st.school_id where st.status = 'enrolled' and sc.county_code ="
        " '%s'" % YS)[0])


def record(a, *entries):
    r = a.post("/attendance", json={"entries": [
        dict(student_id=s, date=d, **({"part": p, "reason": rs} if p else {}))
        for s, d, p, rs in entries]})
    assert r.status_code == 200, r.text


def test_2_absences_and_corrections_keep_the_counts_exact(w):
    admin = w.api("admin", server=w.late)
    a1, a2 = enrolled(w, code(YS, 1))[5:7]
    b1 = enrolled(w, code(YS, 2))[5]
    d1 = enrolled(w, code(YD, 1))[5]
    record(admin, (a1, "2026-11-02", "full", "unexcused"),
           (a1, "2026-11-03", "am", "sick"),
           (a2, "2026-11-03", "pm", "personal"),
           (b1, "2026-11-04", "full", "sick"),
           (d1, "2026-11-05", "am", "sick"))
    # one student absent at two schools of the county (recorded at school
    # 3 in October, a row written by SQL: the triggers count it too, then
    # at school 2 where they are now): counted once in the county
    mv = enrolled(w, code(YS, 2))[6]
    sql(w.db, "insert into absences (student_id, day, school_id, part,"
        " reason, recorded_by, recorded_at, province) select id, 20261015,"
        " %d, 0, 3, 0, 0, province from students where id = %d"
        % (w.sid(code(YS, 3)), mv))
    record(admin, (mv, "2026-11-06", "full", "sick"))
    rc, out = check(w)
    assert rc == 0, out
    for asof in ("2026-10-31", "2026-11-03", "2026-11-10"):
        same_absences(w, admin, asof)
    # corrections: a half day made a full day (the entry replaced), a
    # first absence removed ("present after all"), an absence moved to
    # another school by SQL
    record(admin, (a2, "2026-11-03", "full", "personal"),
           (a1, "2026-11-02", None, None))
    sql(w.db, "update absences set school_id = %d where student_id = %d"
        " and day = 20261015" % (w.sid(code(YS, 1)), mv))
    rc, out = check(w)
    assert rc == 0, out
    for asof in ("2026-10-31", "2026-11-02", "2026-11-10"):
        same_absences(w, admin, asof)
    assert absent_sql(w, YS, "2026-09-01", "2026-11-02") == (1, 2)


def test_3_year_end_keeps_the_counts_exact(w):
    summer = w.start(epoch(2027, 7, 10))
    try:
        bureau = w.api("c_ys", server=summer)
        r = bureau.post("/yearend/apply", json={"school_id": w.sid(
            code(YS, 1))})
        assert r.status_code == 201, r.text
        rc, out = check(w)
        assert rc == 0, out
        for asof in ("2026-09-01", "2027-07-09", "2027-07-10"):
            same_figures(w, bureau, asof, w.api("admin", server=summer))
    finally:
        assert summer.stop()[0] == 0
        for a in w.apis.values():   # its log-ins expired the others'
            a.close()
        w.apis.clear()


def test_4_check_fails_on_a_changed_count(w):
    key = sql(w.db, "select school_id, grade, gender, day from enrol_counts"
              " order by school_id, grade, gender, day limit 1")[0]
    s, g, gender, day = key.split("|")
    where = (" where school_id = %s and grade = '%s' and gender = %s and"
             " day = '%s'" % (s, g, gender, day))
    sql(w.db, "update enrol_counts set n = n + 1" + where)
    rc, out = check(w)
    assert rc != 0 and "enrol_counts school %s grade %s" % (s, g) in out, out
    assert "counts_differ" in out or "统计计数" in out, out
    sql(w.db, "update enrol_counts set n = n - 1" + where)
    rc, out = check(w)
    assert rc == 0, out
    # a class's count
    k = sql(w.db, "select class_id from class_counts order by class_id"
            " limit 1")[0]
    sql(w.db, "update class_counts set n = n - 1 where class_id = %s" % k)
    rc, out = check(w)
    assert rc != 0 and "class_counts class %s " % k in out, out
    sql(w.db, "update class_counts set n = n + 1 where class_id = %s" % k)
    # an absence count, then a first day
    sql(w.db, "update absence_counts set halfdays = halfdays + 2 where"
        " region = '%s' and day = 20261104" % YS)
    rc, out = check(w)
    assert rc != 0 and "absence_counts region '%s' day 20261104" % YS \
        in out, out
    sql(w.db, "update absence_counts set halfdays = halfdays - 2 where"
        " region = '%s' and day = 20261104" % YS)
    sql(w.db, "delete from absence_firsts where region = '%s' and day ="
        " 20261104" % YS)
    rc, out = check(w)
    assert rc != 0 and "absence_firsts: 1" in out, out
