"""/schools, /schools/{id}, /classes, /classes/{id}."""
from conftest import err_code, list_all

SCHOOL_KEYS = {"id", "code", "name", "stage", "stage_label", "county_code",
               "county_name", "township_code", "township_name",
               "urban_rural", "student_count", "class_count"}


def test_school_list_admin_totals_and_sorting(api, world):
    r = api("admin").get("/schools")
    assert r.status_code == 200
    j = r.json()
    assert j["total"] == 5 and j["page"] == 1 and j["per_page"] == 20
    codes = [s["code"] for s in j["items"]]
    assert codes == sorted(codes)
    assert set(j["items"][0]) >= SCHOOL_KEYS
    by = {s["code"]: s for s in j["items"]}
    s = by[world.code["ys1"]]
    assert s["county_code"] == "441823" and s["county_name"] == "阳山县"
    assert s["township_code"].startswith("441823")
    assert s["urban_rural"] in (1, 2, 3)
    # 300 + 100 generated students at the start; registrations only add
    assert sum(x["student_count"] for x in j["items"]) >= 400


def test_school_paging(api):
    a = api("admin")
    r1 = a.get("/schools", params={"per_page": 2, "page": 1}).json()
    r2 = a.get("/schools", params={"per_page": 2, "page": 2}).json()
    r3 = a.get("/schools", params={"per_page": 2, "page": 3}).json()
    assert r1["total"] == r2["total"] == r3["total"] == 5
    assert (len(r1["items"]), len(r2["items"]), len(r3["items"])) == (2, 2, 1)
    ids = [s["id"] for r in (r1, r2, r3) for s in r["items"]]
    assert len(set(ids)) == 5
    assert r2["page"] == 2 and r2["per_page"] == 2
    r = a.get("/schools", params={"per_page": 2, "page": 4}).json()
    assert r["items"] == [] and r["total"] == 5
    assert a.get("/schools", params={"per_page": 200}).status_code == 200


def test_school_paging_bad_params_400(api):
    a = api("admin")
    for params in ({"per_page": 201}, {"per_page": 0}, {"page": 0},
                   {"page": "x"}, {"per_page": "-5"}, {"page": "1.5"}):
        r = a.get("/schools", params=params)
        assert r.status_code == 400, (params, r.text)
        assert err_code(r) == "bad_param"


def test_school_q_filter(api, world):
    a = api("admin")
    r = a.get("/schools", params={"q": "英德"}).json()
    assert r["total"] == 2
    assert all("英德" in s["name"] for s in r["items"])
    r = a.get("/schools", params={"q": world.code["ys2"]}).json()
    assert [s["code"] for s in r["items"]] == [world.code["ys2"]]
    r = a.get("/schools", params={"q": "没有这个学校"}).json()
    assert r["total"] == 0 and r["items"] == []
    r = a.get("/schools", params={"q": "x" * 61})
    assert r.status_code == 400


def test_school_stage_filter(api):
    a = api("admin")
    allj = a.get("/schools").json()["items"]
    for stage in ("primary", "junior"):
        r = a.get("/schools", params={"stage": stage}).json()
        want = sorted(s["code"] for s in allj if s["stage"] == stage)
        assert want, stage
        assert sorted(s["code"] for s in r["items"]) == want
        assert r["total"] == len(want)
    r = a.get("/schools", params={"stage": "senior"}).json()
    assert r["total"] == 0
    r = a.get("/schools", params={"stage": "bogus"})
    assert r.status_code == 400 and err_code(r) == "bad_param"


def test_school_region_filter(api):
    a = api("admin")
    assert a.get("/schools", params={"region": "441881"}).json()["total"] == 2
    assert a.get("/schools", params={"region": "441823"}).json()["total"] == 3
    assert a.get("/schools", params={"region": "4418"}).json()["total"] == 5
    assert a.get("/schools", params={"region": "4401"}).json()["total"] == 0
    r = a.get("/schools", params={"region": "44a"})
    assert r.status_code == 400


def test_school_page_counts_match_students_list(api, world):
    """Grades, classes and head counts of the school page agree with each
    other and with the student list filtered by that school."""
    a = api("ys_bureau")
    sid = world.school["ys2"]
    r = a.get(f"/schools/{sid}")
    assert r.status_code == 200, r.text
    j = r.json()
    assert j["school"]["id"] == sid
    assert set(j["school"]) >= SCHOOL_KEYS
    # the school page counts 在读 students; the list shows every status
    # unless asked (the world holds records other tests ended or merged)
    items, total = list_all(a, "/students", school_id=sid, status="enrolled")
    assert total > 0
    assert j["school"]["student_count"] == total
    assert sum(g["students"] for g in j["grades"]) == total
    # registrations may leave class_id empty: those are in no class
    in_class = sum(1 for i in items if i["class_id"] is not None)
    assert in_class > 0
    assert sum(c["student_count"] for c in j["classes"]) == in_class
    assert j["school"]["class_count"] == len(j["classes"])
    assert sum(g["classes"] for g in j["grades"]) == len(j["classes"])
    for g in j["grades"]:
        n = a.get("/students", params={"school_id": sid, "status": "enrolled",
                                       "grade": g["grade"]}).json()["total"]
        assert n == g["students"], g
        assert g["grade_label"]
    for c in j["classes"]:
        assert c["school_id"] == sid and c["school_name"] == j["school"]["name"]
        n = a.get("/students", params={"class_id": c["id"]}).json()["total"]
        assert n == c["student_count"], c


def test_school_get_unknown_404(api):
    a = api("admin")
    for sid in ("999999", "0", "abc", "-1"):
        r = a.get(f"/schools/{sid}")
        assert r.status_code == 404, sid
        assert err_code(r) == "not_found"


def test_classes_of_school(api, world):
    a = api("ys_bureau")
    sid = world.school["ys1"]
    r = a.get("/classes", params={"school_id": sid})
    assert r.status_code == 200
    j = r.json()
    assert j["total"] == len(j["items"]) == len(world.class_ys1)
    assert sorted(c["id"] for c in j["items"]) == world.class_ys1
    for c in j["items"]:
        assert {"id", "school_id", "school_name", "grade", "grade_label",
                "name", "head_teacher", "student_count"} <= set(c)
    g = j["items"][0]["grade"]
    r = a.get("/classes", params={"school_id": sid, "grade": g}).json()
    assert r["items"] and all(c["grade"] == g for c in r["items"])
    r = a.get("/classes", params={"school_id": sid, "grade": "99"})
    assert r.status_code == 400


def test_classes_default_school_for_registrar(api, world):
    r = api("ys_reg1").get("/classes")
    assert r.status_code == 200
    assert sorted(c["id"] for c in r.json()["items"]) == world.class_ys1
    # bureau without school_id: nothing to default to
    r = api("ys_bureau").get("/classes")
    assert r.status_code == 400 and err_code(r) == "bad_param"


def test_class_get(api, world):
    a = api("ys_bureau")
    cid = world.class_ys1[0]
    r = a.get(f"/classes/{cid}")
    assert r.status_code == 200, r.text
    c = r.json()
    assert c["id"] == cid and c["school_id"] == world.school["ys1"]
    n = a.get("/students", params={"class_id": cid}).json()["total"]
    assert c["student_count"] == n
    assert a.get("/classes/999999").status_code == 404


def test_students_list_totals_per_school_add_up(api, world):
    a = api("admin")
    total = a.get("/students").json()["total"]
    parts = sum(a.get("/students", params={"school_id": sid}).json()["total"]
                for sid in world.school.values())
    assert total == parts
    enrolled = a.get("/students", params={"status": "enrolled"}).json()["total"]
    schools, _ = list_all(a, "/schools")
    assert sum(s["student_count"] for s in schools) == enrolled
