"""POST /students (registration) and POST /students/{id}/assign-id (L to G)."""
import random
import re
import threading
import time

import pytest

from conftest import (ADMIN_PW, BACKEND, PW, Api, Server, check_char, cli_ok,
                      detail_codes, err_code, hold_insert, id15_to_18,
                      in_threads, make_id, mask_regno, primary_body,
                      register, sql, student_body, unique_name,
                      unique_phone)


def reveal(a, sid):
    r = a.post(f"/students/{sid}/reveal")
    assert r.status_code == 200, r.text
    return r.json()["student"]


# ---------------------------------------------------------------- happy paths

def test_registrar_without_school_id(api, world):
    a = api("ys_reg1")
    body = student_body()
    r = a.post("/students", json=body)
    assert r.status_code == 201, r.text
    j = r.json()
    assert j["registry_no"] == "G" + body["id_no"]
    assert j["dup_flag"] == 0 and j["duplicates"] == []
    assert isinstance(j["id"], int)
    s = a.get(f"/students/{j['id']}").json()["student"]
    assert s["school_id"] == world.school["ys1"]
    assert s["name"] == body["name"] and s["status"] == "enrolled"
    assert s["grade"] == "21"


def test_registrar_cannot_register_into_other_school(api, world):
    a = api("ys_reg1")
    body = student_body(school_id=world.school["ys2"])
    r = a.post("/students", json=body)
    assert r.status_code == 403, r.text
    assert err_code(r) == "out_of_scope"
    # nothing was written
    assert a.get("/students", params={"q": body["id_no"]}).json()["total"] == 0
    assert api("admin").get("/students", params={"q": body["id_no"]}).json()[
        "total"] == 0


def test_admin_and_bureau_register_with_school_id(api, world):
    for user, school in (("admin", "yd1"), ("ys_bureau", "ys1"),
                         ("qy_bureau", "yd1")):
        a = api(user)
        body = student_body(school_id=world.school[school])
        r = a.post("/students", json=body)
        assert r.status_code == 201, (user, r.text)
        s = a.get(f"/students/{r.json()['id']}").json()["student"]
        assert s["school_id"] == world.school[school]


def test_bureau_needs_school_id(api):
    r = api("ys_bureau").post("/students", json=student_body())
    assert r.status_code == 422
    assert "required" in detail_codes(r).get("school_id", set())


def test_lowercase_x_check_digit_normalised(api):
    a = api("ys_reg1")
    idx = make_id("2013-06-01", 1, check="X")
    assert idx.endswith("X")
    body = student_body(birth_date="2013-06-01", id_no=idx[:-1] + "x")
    r = a.post("/students", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["registry_no"] == "G" + idx
    assert reveal(a, r.json()["id"])["id_no"] == idx


def test_legacy_15_digit_id_converted(api):
    """A 15-digit (1989) ID becomes the 18-digit form with century 19.  Such
    numbers belong to people born before 2000: a parent, not a pupil (a
    1995 birth is refused as a pupil by the age-for-grade rule, see
    test_identity.py), so the conversion is shown on a guardian's ID."""
    a = api("ys_reg1")
    id15 = "440106" + "950517" + "135"      # 135: odd -> male
    id18 = id15_to_18(id15)
    assert id18[6:14] == "19950517"
    body = student_body(g1_id_type="1", g1_id_no=id15)
    r = a.post("/students", json=body)
    assert r.status_code == 201, r.text
    assert reveal(a, r.json()["id"])["g1_id_no"] == id18


def test_legacy_15_digit_pre_1990_is_a_clear_422(api):
    a = api("ys_reg1")
    body = student_body(birth_date="1985-05-17", gender=1,
                        id_no="440106" + "850517" + "137")
    r = a.post("/students", json=body)
    assert r.status_code == 422, r.text
    assert "date_too_old" in detail_codes(r).get("birth_date", set())


def test_four_byte_name_round_trips(api):
    a = api("ys_reg1")
    name = "𠮷野家"
    assert len(name.encode("utf-8")) == 10
    body = student_body(name=name)
    r = a.post("/students", json=body)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    s = a.get(f"/students/{sid}").json()["student"]
    assert s["name"] == name
    items = a.get("/students", params={"q": "𠮷"}).json()["items"]
    assert any(i["id"] == sid and i["name"] == name for i in items)


def test_minority_name_with_middle_dot(api):
    a = api("ys_reg1")
    name = "阿依古丽·买买提"
    r = a.post("/students", json=student_body(name=name, ethnicity="05",
                                              gender=2))
    assert r.status_code == 201, r.text
    s = a.get(f"/students/{r.json()['id']}").json()["student"]
    assert s["name"] == name and s["ethnicity"] == "05"
    # other dot look-alikes (U+2022, U+30FB) are stored as U+00B7
    for dot in ("\u2022", "\u30fb"):
        r = a.post("/students", json=student_body(name="热依拉" + dot + "艾力",
                                                  gender=2))
        assert r.status_code == 201, r.text
        s = a.get(f"/students/{r.json()['id']}").json()["student"]
        assert s["name"] == "热依拉·艾力"


# ---------------------------------------------------------------- validation

def test_wrong_check_digit_422(api):
    a = api("ys_reg1")
    good = make_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    r = a.post("/students", json=student_body(id_no=bad))
    assert r.status_code == 422, r.text
    e = r.json()["error"]
    assert e["code"] == "validation"
    assert e["field"] == "id_no"
    d = [x for x in e["details"] if x["field"] == "id_no"]
    assert d and d[0]["code"] == "id_check_digit"
    assert good[-1] in d[0]["message"]      # tells the right check digit
    assert bad not in e["message"]          # never echoes the whole ID


def test_several_bad_fields_all_reported(api):
    a = api("ys_reg1")
    body = student_body(ethnicity="99", hukou_type=7, phone="12345",
                        postcode="5118", email="not-an-email",
                        enrol_ym="2025-13", g1_phone="abc")
    del body["health"]
    r = a.post("/students", json=body)
    assert r.status_code == 422, r.text
    d = detail_codes(r)
    assert d.get("ethnicity") == {"code"}
    assert d.get("hukou_type") == {"code"}
    assert d.get("health") == {"required"}
    assert d.get("phone") == {"phone"}
    assert d.get("postcode") == {"postcode"}
    assert d.get("email") == {"email"}
    assert d.get("enrol_ym") == {"year_month_format"}
    assert d.get("g1_phone") == {"phone"}
    assert "（8项）" in r.json()["error"]["message"] or \
        len(r.json()["error"]["details"]) == 8


def test_feb_29_in_non_leap_year_422(api):
    a = api("ys_reg1")
    b17 = "440106" + "20130229" + "011"
    body = student_body(birth_date="2013-02-29", id_no=b17 + check_char(b17))
    r = a.post("/students", json=body)
    assert r.status_code == 422, r.text
    d = detail_codes(r)
    assert "birth_date" in d
    assert d.get("id_no") == {"id_birth_date"}


def test_feb_29_reports_date_invalid(api):
    """err.def has date_invalid ('日期不存在') for exactly this case and
    xj_valid_date returns it, but the detail says date_format."""
    a = api("ys_reg1")
    body = student_body(birth_date="2013-02-29")
    body["id_no"] = make_id("2013-03-01")
    r = a.post("/students", json=body)
    assert r.status_code == 422
    assert detail_codes(r).get("birth_date") == {"date_invalid"}, r.text


def test_feb_29_in_leap_year_ok(api):
    r = api("ys_reg1").post("/students", json=student_body(
        birth_date="2012-02-29"))
    assert r.status_code == 201, r.text


def test_future_birth_422(api):
    a = api("ys_reg1")
    r = a.post("/students", json=student_body(birth_date="2031-01-01"))
    assert r.status_code == 422, r.text
    d = detail_codes(r)
    assert "date_future" in d.get("birth_date", set()) or \
        "id_future" in d.get("id_no", set())


def test_gender_id_mismatch_422(api):
    a = api("ys_reg1")
    body = student_body(gender=2, id_no=make_id("2013-05-17", 1))
    r = a.post("/students", json=body)
    assert r.status_code == 422
    assert detail_codes(r).get("gender") == {"id_gender_mismatch"}


def test_birth_id_mismatch_422(api):
    a = api("ys_reg1")
    body = student_body(birth_date="2013-05-18",
                        id_no=make_id("2013-05-17", 1))
    r = a.post("/students", json=body)
    assert r.status_code == 422
    assert detail_codes(r).get("birth_date") == {"id_birth_mismatch"}


def test_grade_must_exist_in_school_stage(api):
    a = api("ys_reg1")          # a junior school
    r = a.post("/students", json=primary_body())
    assert r.status_code == 422, r.text
    assert "grade" in detail_codes(r)


def test_class_of_other_school_422(api, world):
    foreign = api("ys_bureau").get("/classes", params={
        "school_id": world.school["ys2"]}).json()["items"][0]["id"]
    r = api("ys_reg1").post("/students", json=student_body(class_id=foreign))
    assert r.status_code == 422
    assert detail_codes(r).get("class_id") == {"no_such_class"}


# ---------------------------------------------------------------- duplicates

def test_duplicate_id_409_names_school_only_when_visible(api, world):
    a = api("ys_reg1")
    body, rep = register(a)
    school = a.get(f"/students/{rep['id']}").json()["student"]["school_name"]
    again = dict(body, name=unique_name(), g1_phone=unique_phone())
    r = a.post("/students", json=again)
    assert r.status_code == 409, r.text
    e = r.json()["error"]
    assert e["code"] == "id_exists" and e["field"] == "id_no"
    assert school in e["message"]
    # the county bureau sees the school too
    r = api("ys_bureau").post("/students", json=dict(
        again, school_id=world.school["ys1"]))
    assert r.status_code == 409 and school in r.json()["error"]["message"]
    # another school's registrar learns only that it exists elsewhere
    for other in ("ys_reg2", "yd_reg1"):
        # ys2 is a primary school: a 13-year-old fits 六年级
        b = dict(again, grade="16" if other == "ys_reg2" else "21")
        r = api(other).post("/students", json=b)
        assert r.status_code == 409, (other, r.text)
        msg = r.json()["error"]["message"]
        assert err_code(r) == "id_exists"
        assert school not in msg and world.code["ys1"] not in msg, msg
    # the lower-case / 15-digit forms of an existing ID are the same ID
    assert api("ys_reg1").post("/students", json=dict(
        again, id_no=again["id_no"].lower())).status_code == 409


def passport_body(**over):
    """A passport holder: registered under an L number of the system's
    own (the number is not the ID's), so two records of one passport
    clash in the ID's key, not the registry number's."""
    return student_body(id_type="A", id_no="E%08d" % random.randrange(10**8),
                        **over)


@pytest.mark.parametrize("make", [student_body, passport_body],
                         ids=["resident_id", "passport"])
def test_concurrent_registrations_of_one_id_leave_one_record(world, make):
    """Four registrars' sessions register one person at once: whichever
    commits first keeps the ID (student_identities, migration 0038), the
    others are refused id_exists, also when the clash is found by the
    key rather than by the look-up before it (the database names the
    key: xj_db_unique_table); one record, one identity row."""
    body = make()
    clients = [Api(world.base, "ys_reg1", PW) for _ in range(4)]
    codes = []

    def go(a):
        r = a.post("/students", json=body)
        codes.append(r.status_code if r.status_code == 201
                     else err_code(r))

    in_threads(go, clients)
    for a in clients:
        a.close()
    assert sorted(codes, key=str) == [201] + ["id_exists"] * 3, codes
    assert sql(world.db, "select count(*) from students where id_no = '%s'"
               % body["id_no"]) == ["1"]
    assert sql(world.db, "select count(*) from student_identities"
               " where id_no = '%s'" % body["id_no"]) == ["1"]


@pytest.mark.skipif(BACKEND != "pg", reason="PostgreSQL: on SQLite the"
                    " one writer lock orders the check and the insert")
@pytest.mark.parametrize("make", [student_body, passport_body],
                         ids=["resident_id", "passport"])
def test_registration_racing_another_session_answers_id_exists(
        tmp_path, make):
    """Another session (psql) holds an uncommitted record of the same ID
    under its own number: the registration's check does not see it, its
    insert waits on the ID's key and is refused when psql commits.  The
    answer is the ID's (id_exists), also for a passport holder, whose
    L number clashes with nothing: the key that refused the insert
    (xj_db_unique_table) says which rule broke; the transaction it
    aborted cannot be asked.  A registry of its own: psql's bare record
    has no event and no readable data."""
    db = tmp_path / "race.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    cli_ok("gen", "--county", "441823", "--schools", "1", "--students", "0",
           db=db)
    code, stage = sql(db, "select code, stage from schools")[0].split("|")
    cli_ok("user", "add", "reg", "--role", "registrar", "--school", code,
           db=db, env={"XUEJI_PASSWORD": PW})
    body = make(**({} if stage == "junior" else
                   {"grade": "11", "birth_date": "2019-03-08"}))
    srv = Server(db, ["serve"], tmp_path)
    a = Api(srv.base, "reg", PW)
    holder = hold_insert(db, "T" + body["id_no"], body["id_no"],
                         body["id_type"])
    out = []
    try:
        th = threading.Thread(target=lambda: out.append(
            a.post("/students", json=body)))
        th.start()
        t0 = time.monotonic()
        while sql(db, "select count(*) from pg_locks where not granted") \
                == ["0"]:
            assert th.is_alive() and time.monotonic() - t0 < 30
            time.sleep(0.05)
        holder.stdin.write("COMMIT;\n")
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
        th.join(timeout=60)
    finally:
        if holder.poll() is None:
            holder.kill()
        a.close()
        rc, _ = srv.stop()
    assert rc == 0, srv.stderr_text()[-2000:]
    r = out[0]
    assert r.status_code == 409 and err_code(r) == "id_exists", r.text
    assert r.json()["error"]["field"] == "id_no"
    assert sql(db, "select count(*) from students") == ["1"]


def test_suspected_duplicate_flagged(api):
    """Grade-1 intake: the same name, birth date and guardian phone under
    another ID is registered and flagged for review (a grade-1 child may
    really be a different child: twins share all three)."""
    a = api("ys_reg2")
    body, first = register(a, **{k: v for k, v in primary_body().items()
                                 if k in ("birth_date", "grade")})
    twin = dict(body, id_no=make_id(body["birth_date"], body["gender"]))
    r = a.post("/students", json=twin)
    assert r.status_code == 201, r.text
    j = r.json()
    assert j["dup_flag"] == 1
    assert [d["id"] for d in j["duplicates"]] == [first["id"]]
    assert j["duplicates"][0]["name"] == body["name"]
    assert j["duplicates"][0]["school_name"]
    s = a.get(f"/students/{j['id']}").json()["student"]
    assert s["dup_flag"] == 1
    # a different phone is not a suspect
    other = dict(body, id_no=make_id(body["birth_date"], body["gender"]),
                 g1_phone=unique_phone())
    r = a.post("/students", json=other)
    assert r.status_code == 201 and r.json()["dup_flag"] == 0


def test_rebuild_of_known_person_is_409_with_pointer(api):
    """补建学籍 (not grade 1) runs the duplicate check first: the same name,
    birth date and guardian phone under another ID is the same person, so
    no second record; the reply points at the record (id, status)."""
    a = api("ys_reg1")
    body, first = register(a)
    twin = dict(body, id_no=make_id(body["birth_date"], body["gender"]))
    r = a.post("/students", json=twin)
    assert r.status_code == 409, r.text
    e = r.json()["error"]
    assert e["code"] == "duplicate_person"
    assert e["details"] == [{"student_id": first["id"], "status": "enrolled",
                             "match": "person",
                             "school_name": e["details"][0]["school_name"]}]
    assert e["details"][0]["school_name"]
    # nothing was written
    assert a.get("/students", params={"q": twin["id_no"]}).json()[
        "total"] == 0


def test_suspected_duplicate_in_invisible_school_not_identified(api, world):
    """The registrar of school 2 is told about a suspect in school 3 but
    not which record or school it is."""
    body, first = register(api("admin"), school_id=world.school["ys3"],
                           birth_date="2019-03-08", grade="11")
    twin = dict(body, id_no=make_id(body["birth_date"], body["gender"]))
    del twin["school_id"]
    r = api("ys_reg2").post("/students", json=twin)
    assert r.status_code == 201, r.text
    j = r.json()
    assert j["dup_flag"] == 1
    assert len(j["duplicates"]) == 1
    assert j["duplicates"][0]["id"] is None
    assert j["duplicates"][0]["school_name"] == "其他学校"


# ---------------------------------------------------------------- L numbers

def test_type_z_needs_guardian_id(api):
    a = api("ys_reg1")
    body = student_body(id_type="Z", id_no="")
    r = a.post("/students", json=body)
    assert r.status_code == 422, r.text
    assert detail_codes(r).get("g1_id_no") == {"guardian_id_needed"}


def test_type_z_with_guardian_id_gets_l_number(api):
    a = api("ys_reg1")
    body = student_body(id_type="Z", id_no="", birth_date="2013-07-09",
                        g1_id_type="1",
                        g1_id_no=make_id("1985-03-03", 1, "441823"))
    r = a.post("/students", json=body)
    assert r.status_code == 201, r.text
    no = r.json()["registry_no"]
    assert len(no) == 19, no
    assert no.startswith("L" + "441823" + "20130709"), no
    assert re.fullmatch(r"L\d{18}", no)
    # in another county the L number carries that county
    r = api("yd_reg1").post("/students", json=dict(
        body, name=unique_name(), g1_phone=unique_phone(),
        g1_id_no=make_id("1986-04-04", 1, "441881")))
    assert r.status_code == 201, r.text
    assert r.json()["registry_no"].startswith("L44188120130709")
    assert r.json()["registry_no"] != no


def l_student(a, birth="2013-08-10", gender=1):
    body = student_body(id_type="Z", id_no="", birth_date=birth,
                        gender=gender, g1_id_type="1",
                        g1_id_no=make_id("1980-01-01", 1, "441823"))
    r = a.post("/students", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["registry_no"].startswith("L")
    return body, r.json()


def test_assign_id_l_to_g(api):
    _, rep = l_student(api("ys_reg1"))
    b = api("ys_bureau")
    new_id = make_id("2013-08-10", 1)
    r = b.post(f"/students/{rep['id']}/assign-id", json={"id_no": new_id})
    assert r.status_code == 200, r.text
    s = r.json()["student"]
    # masked like the ID it holds, the old L number too
    assert s["registry_no"] == mask_regno("G" + new_id)
    assert s["aliases"] == [mask_regno(rep["registry_no"])]
    assert s["id_type"] == "1"
    assert s["masked"] is True and s["id_no"] != new_id
    assert new_id not in r.text
    # visible to the school too, and findable by the new and the old number
    a = api("ys_reg1")
    got = a.get(f"/students/{rep['id']}").json()["student"]
    assert got["registry_no"] == mask_regno("G" + new_id)
    assert mask_regno(rep["registry_no"]) in got["aliases"]
    full = a.post(f"/students/{rep['id']}/reveal").json()["student"]
    assert full["registry_no"] == "G" + new_id
    assert full["aliases"] == [rep["registry_no"]]
    assert a.get("/students", params={"q": new_id}).json()["total"] == 1
    assert [x["id"] for x in a.get("/students", params={
        "q": rep["registry_no"]}).json()["items"]] == [rep["id"]]
    assert a.get("/students", params={
        "q": rep["registry_no"][:14]}).status_code == 400
    # another school's registrar, receiving a transfer, finds the student
    # by the number on an old certificate
    r = api("ys_reg2").get("/students/lookup",
                           params={"registry_no": rep["registry_no"]})
    assert r.status_code == 200 and r.json()["id"] == rep["id"]
    # ... and may start the transfer-in with it (the number proves the
    # family showed it; a wrong one is answered like a missing student)
    body = {"type": "transfer_in", "student_id": rep["id"],
            "reason": "随父母迁居", "registry_no": "L44182320100101" + "9999"}
    r = api("ys_reg2").post("/changes", json=body)
    assert r.status_code == 404, r.text
    body["registry_no"] = rep["registry_no"]
    r = api("ys_reg2").post("/changes", json=body)
    assert r.status_code == 201 or err_code(r) == "school_grade", r.text
    kinds = [e["kind"] for e in
             a.get(f"/students/{rep['id']}/events").json()["items"]]
    assert kinds == ["register", "assign_id"]
    # a second assignment is refused: the record already has a G number
    r = b.post(f"/students/{rep['id']}/assign-id",
               json={"id_no": make_id("2013-08-10", 1)})
    assert r.status_code == 409, r.text


def test_assign_id_refusals(api):
    _, rep = l_student(api("ys_reg1"), birth="2013-09-11", gender=2)
    url = f"/students/{rep['id']}/assign-id"
    good = make_id("2013-09-11", 2)
    # registrars and teachers may not do it
    for user in ("ys_reg1", "ys_teacher1"):
        r = api(user).post(url, json={"id_no": good})
        assert r.status_code == 403 and err_code(r) == "forbidden", user
    # another county's bureau does not see the record
    r = api("yd_bureau").post(url, json={"id_no": good})
    assert r.status_code == 404
    b = api("ys_bureau")
    r = b.post(url, json={"id_no": make_id("2013-09-12", 2)})
    assert r.status_code == 422 and err_code(r) == "id_birth_mismatch"
    r = b.post(url, json={"id_no": make_id("2013-09-11", 1)})
    assert r.status_code == 422 and err_code(r) == "id_gender_mismatch"
    r = b.post(url, json={"id_no": good[:-1] + ("1" if good[-1] != "1"
                                                 else "2")})
    assert r.status_code == 422 and err_code(r) == "id_check_digit"
    r = b.post(url, json={"id_no": 440106})
    assert r.status_code == 400 and err_code(r) == "bad_type"
    r = b.post(url, json={"id_no": good, "extra": 1})
    assert r.status_code == 400
    # an ID that another record holds
    taken, _ = register(api("ys_reg1"), birth_date="2013-09-11", gender=2)
    r = b.post(url, json={"id_no": taken["id_no"]})
    assert r.status_code == 409 and err_code(r) == "id_exists"
    # still an L number after all that
    s = b.get(f"/students/{rep['id']}").json()["student"]
    assert s["registry_no"] == mask_regno(rep["registry_no"])
    assert s["aliases"] == []
    assert b.post(url, json={"id_no": good}).status_code == 200


# ---------------------------------------------------------------- bad bodies

def test_unknown_field_400(api):
    r = api("ys_reg1").post("/students", json=student_body(nickname="小明"))
    assert r.status_code == 400
    e = r.json()["error"]
    assert e["code"] == "unknown_field" and e["field"] == "nickname"


@pytest.mark.parametrize("key,value", [
    ("gender", "1"), ("name", 5), ("hukou_type", 1.5), ("school_id", "1"),
    ("distance_km", "3"), ("g1_phone", ["13800000000"]), ("only_child", True),
    ("study_mode", {"v": 1})])
def test_wrong_type_400(api, key, value):
    r = api("ys_reg1").post("/students", json=student_body(**{key: value}))
    assert r.status_code == 400, r.text
    e = r.json()["error"]
    assert e["code"] == "bad_type" and e["field"] == key


def test_malformed_json_400(api):
    a = api("ys_reg1")
    for raw in (b'{"name":', b"", b"null", b"[]", b'"x"', b"{'a':1}",
                b'{"name":"a","name":"b"}', b"\xff\xfe"):
        r = a.post("/students", content=raw,
                   headers={"content-type": "application/json"})
        assert r.status_code == 400, (raw, r.text)
        assert err_code(r) == "bad_json", raw


def test_body_over_64k_413(api):
    a = api("ys_reg1")
    body = student_body(address="村" * 30000)      # 90 000 bytes
    r = a.post("/students", json=body)
    assert r.status_code == 413, r.text
    assert err_code(r) == "body_too_large"
    assert a.get("/students", params={"q": body["id_no"]}).json()[
        "total"] == 0


def test_too_long_text_422_not_413(api):
    r = api("ys_reg1").post("/students", json=student_body(
        address="村" * 2000))
    assert r.status_code == 422, r.text
    assert detail_codes(r).get("address") == {"too_long"}
    # in characters, not bytes (a registrar counts characters)
    msg = [d["message"] for d in r.json()["error"]["details"]
           if d["field"] == "address"][0]
    assert "个汉字" in msg and "字节" not in msg, msg


# ---------------------------------------------------------------- scope

def test_bureau_outside_county_no_such_school(api, world):
    for user, school in (("ys_bureau", "yd1"), ("yd_bureau", "ys1"),
                         ("gz_bureau", "ys1")):
        r = api(user).post("/students", json=student_body(
            school_id=world.school[school]))
        assert r.status_code == 422, (user, r.text)
        assert detail_codes(r).get("school_id") == {"no_such_school"}
    r = api("admin").post("/students", json=student_body(school_id=999999))
    assert r.status_code == 422
    assert detail_codes(r).get("school_id") == {"no_such_school"}


def test_teacher_cannot_register_403(api, world):
    body = student_body(school_id=world.school["ys1"])
    r = api("ys_teacher1").post("/students", json=body)
    assert r.status_code == 403
    assert err_code(r) == "forbidden"
    assert api("admin").get("/students", params={"q": body["id_no"]}).json()[
        "total"] == 0
