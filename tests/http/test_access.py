"""The access matrix: who may see and change what, across two counties.

Schools: ys1, ys2 (阳山县 441823), yd1 (英德市 441881).  Targets: four
students registered by admin with unique names -- ys1a (in ys_teacher1's
class), ys1b (another class of ys1), ys2, yd1.  An object outside the
caller's scope must answer 404 exactly like a missing one, and lists must
come back empty; filters narrow the scope and never widen it.
"""
import pytest

from conftest import err_code, list_all, mask_id, primary_body, student_body

VIEWERS = ["admin", "qy_bureau", "ys_bureau", "yd_bureau", "gz_bureau",
           "ys_reg1", "ys_reg2", "yd_reg1", "ys_teacher1"]
WRITERS = [v for v in VIEWERS if v != "ys_teacher1"]
TARGETS = ["ys1a", "ys1b", "ys2", "yd1"]

SEES_STUDENT = {
    "admin": {"ys1a", "ys1b", "ys2", "yd1"},
    "qy_bureau": {"ys1a", "ys1b", "ys2", "yd1"},
    "ys_bureau": {"ys1a", "ys1b", "ys2"},
    "yd_bureau": {"yd1"},
    "gz_bureau": set(),
    "ys_reg1": {"ys1a", "ys1b"},
    "ys_reg2": {"ys2"},
    "yd_reg1": {"yd1"},
    "ys_teacher1": {"ys1a"},
}
SEES_SCHOOL = {
    "admin": {"ys1", "ys2", "ys3", "yd1", "yd2"},
    "qy_bureau": {"ys1", "ys2", "ys3", "yd1", "yd2"},
    "ys_bureau": {"ys1", "ys2", "ys3"},
    "yd_bureau": {"yd1", "yd2"},
    "gz_bureau": set(),
    "ys_reg1": {"ys1"},
    "ys_reg2": {"ys2"},
    "yd_reg1": {"yd1"},
    "ys_teacher1": {"ys1"},
}
SCHOOL_OF = {"ys1a": "ys1", "ys1b": "ys1", "ys2": "ys2", "yd1": "yd1"}
PAIRS = [(v, t) for v in VIEWERS for t in TARGETS]
SCHOOL_PAIRS = [(v, s) for v in VIEWERS
                for s in ("ys1", "ys2", "ys3", "yd1", "yd2")]


@pytest.fixture(scope="module")
def targets(api, world):
    """name, id, full ID and school of each target student."""
    admin = api("admin")
    c1, c2 = world.class_ys1[0], world.class_ys1[1]
    g1 = admin.get(f"/classes/{c1}").json()["grade"]
    g2 = admin.get(f"/classes/{c2}").json()["grade"]
    bodies = {
        "ys1a": student_body(school_id=world.school["ys1"], class_id=c1,
                             grade=g1),
        "ys1b": student_body(school_id=world.school["ys1"], class_id=c2,
                             grade=g2),
        "ys2": primary_body(school_id=world.school["ys2"]),
        "yd1": student_body(school_id=world.school["yd1"]),
    }
    out = {}
    for k, b in bodies.items():
        r = admin.post("/students", json=b)
        assert r.status_code == 201, (k, r.text)
        out[k] = {"id": r.json()["id"], "name": b["name"],
                  "id_no": b["id_no"], "school": SCHOOL_OF[k],
                  "school_id": world.school[SCHOOL_OF[k]],
                  "registry_no": r.json()["registry_no"]}
    return out


def ids(p):
    return "-".join(p)


@pytest.mark.parametrize("viewer,target", PAIRS, ids=map(ids, PAIRS))
def test_read_student(api, targets, viewer, target):
    a, t = api(viewer), targets[target]
    visible = target in SEES_STUDENT[viewer]
    r = a.get(f"/students/{t['id']}")
    ev = a.get(f"/students/{t['id']}/events")
    if visible:
        assert r.status_code == 200, r.text
        assert r.json()["student"]["name"] == t["name"]
        assert ev.status_code == 200
    else:
        for x in (r, ev):
            assert x.status_code == 404, x.text
            assert err_code(x) == "not_found"
            assert t["name"] not in x.text


@pytest.mark.parametrize("viewer,target", PAIRS, ids=map(ids, PAIRS))
def test_reveal_student(api, targets, viewer, target):
    a, t = api(viewer), targets[target]
    r = a.post(f"/students/{t['id']}/reveal")
    if target in SEES_STUDENT[viewer] and "teacher" in viewer:
        # class teachers may see guardian phones, not ID numbers
        # (docs/internals/masking.md; tests/http/test_masking.py)
        assert r.status_code == 200, r.text
        assert r.json()["student"]["id_no"] == mask_id(t["id_no"])
        assert r.json()["student"]["revealed"] == ["phone"]
        assert t["id_no"] not in r.text
    elif target in SEES_STUDENT[viewer]:
        assert r.status_code == 200, r.text
        assert r.json()["student"]["id_no"] == t["id_no"]
    else:
        assert r.status_code == 404, r.text
        assert t["id_no"] not in r.text
        # a refused reveal leaves no audit row claiming it happened
        rows = api("admin").get("/audit", params={
            "user": viewer, "action": "student.reveal",
            "per_page": 200}).json()["items"]
        assert str(t["id"]) not in [x["entity_id"] for x in rows]


@pytest.mark.parametrize("viewer,target", PAIRS, ids=map(ids, PAIRS))
def test_patch_student(api, targets, viewer, target):
    a, t = api(viewer), targets[target]
    version = api("admin").get(f"/students/{t['id']}").json()["student"][
        "version"]
    note = f"{viewer}改"
    r = a.patch(f"/students/{t['id']}", json={"version": version,
                                              "specialty": note})
    after = api("admin").get(f"/students/{t['id']}").json()["student"]
    if viewer == "ys_teacher1":
        assert r.status_code == 403 and err_code(r) == "forbidden"
        assert after["version"] == version
    elif target in SEES_STUDENT[viewer]:
        assert r.status_code == 200, r.text
        assert after["specialty"] == note and after["version"] == version + 1
    else:
        assert r.status_code == 404, r.text
        assert err_code(r) == "not_found"
        assert after["version"] == version and after["specialty"] != note


@pytest.mark.parametrize("viewer,target", PAIRS, ids=map(ids, PAIRS))
def test_list_and_search(api, targets, viewer, target):
    a, t = api(viewer), targets[target]
    visible = target in SEES_STUDENT[viewer]
    by_name = a.get("/students", params={"q": t["name"]}).json()
    by_id = a.get("/students", params={"q": t["id_no"]}).json()
    by_regno = a.get("/students", params={"q": t["registry_no"]}).json()
    in_school, _ = list_all(a, "/students", school_id=t["school_id"])
    for j in (by_name, by_id, by_regno):
        assert j["total"] == (1 if visible else 0), (viewer, target, j)
        assert [i["id"] for i in j["items"]] == ([t["id"]] if visible else [])
    assert (t["id"] in [i["id"] for i in in_school]) == visible
    if t["school"] not in SEES_SCHOOL[viewer]:
        assert in_school == []


@pytest.mark.parametrize("viewer,school", SCHOOL_PAIRS,
                         ids=map(ids, SCHOOL_PAIRS))
def test_school_page_and_classes(api, world, viewer, school):
    a = api(viewer)
    sid = world.school[school]
    visible = school in SEES_SCHOOL[viewer]
    page = a.get(f"/schools/{sid}")
    classes = a.get("/classes", params={"school_id": sid})
    admin_classes = api("admin").get("/classes", params={
        "school_id": sid}).json()["items"]
    one = a.get(f"/classes/{admin_classes[0]['id']}")
    if visible:
        assert page.status_code == 200 and classes.status_code == 200
        assert page.json()["school"]["id"] == sid
    else:
        for r in (page, classes, one):
            assert r.status_code == 404, (viewer, school, r.text)
            assert err_code(r) == "not_found"
    if visible and viewer == "ys_teacher1":
        mine = [world.class_ys1[0]]
        assert [c["id"] for c in classes.json()["items"]] == mine
        assert [c["id"] for c in page.json()["classes"]] == mine
        for c in admin_classes:
            r = a.get(f"/classes/{c['id']}")
            assert r.status_code == (200 if c["id"] in mine else 404), c


@pytest.mark.parametrize("viewer", VIEWERS)
def test_school_list_scope(api, world, viewer):
    a = api(viewer)
    items, total = list_all(a, "/schools")
    want = {world.school[s] for s in SEES_SCHOOL[viewer]}
    assert {s["id"] for s in items} == want
    assert total == len(want)
    # a region filter only narrows
    every = {"ys1", "ys2", "ys3", "yd1", "yd2"}
    regions = {"441881": {"yd1", "yd2"}, "441823": {"ys1", "ys2", "ys3"},
               "4418": every, "44": every, "4401": set(), "11": set()}
    for region, schools in regions.items():
        got, total = list_all(a, "/schools", region=region)
        want = {world.school[s] for s in SEES_SCHOOL[viewer] & schools}
        assert {s["id"] for s in got} == want, region
        assert total == len(want)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_student_list_total_matches_scope(api, world, viewer):
    admin = api("admin")
    per_school = {s: admin.get("/students", params={
        "school_id": world.school[s]}).json()["total"]
        for s in world.school}
    total = api(viewer).get("/students").json()["total"]
    if viewer == "ys_teacher1":
        head = admin.get(f"/classes/{world.class_ys1[0]}").json()[
            "student_count"]
        assert head > 0
        assert total == head
        items, _ = list_all(api(viewer), "/students")
        assert {i["class_id"] for i in items} == {world.class_ys1[0]}
    else:
        assert total == sum(per_school[s] for s in SEES_SCHOOL[viewer])


@pytest.mark.parametrize("viewer", ["ys_reg1", "ys_reg2", "yd_reg1",
                                    "ys_bureau", "yd_bureau", "ys_teacher1"])
def test_filters_never_widen(api, world, viewer):
    a = api(viewer)
    for s, sid in world.school.items():
        j = a.get("/students", params={"school_id": sid}).json()
        if s not in SEES_SCHOOL[viewer]:
            assert j["total"] == 0 and j["items"] == [], (viewer, s)
    # a class of an invisible school filters to nothing
    for s in ("ys2", "yd1"):
        if s in SEES_SCHOOL[viewer]:
            continue
        cid = api("admin").get("/classes", params={
            "school_id": world.school[s]}).json()["items"][0]["id"]
        assert a.get("/students", params={"class_id": cid}).json()[
            "total"] == 0


def test_city_bureau_sees_both_counties(api, world):
    q = api("qy_bureau")
    assert q.get("/students").json()["total"] == \
        api("admin").get("/students").json()["total"]
    counties = {s["county_code"] for s in q.get("/schools").json()["items"]}
    assert counties == {"441823", "441881"}


def test_county_bureau_cannot_see_other_county(api, world, targets):
    b = api("ys_bureau")
    assert b.get("/schools", params={"region": "441881"}).json()["total"] == 0
    assert b.get("/students", params={
        "q": targets["yd1"]["id_no"]}).json()["total"] == 0
    assert b.get(f"/students/{targets['yd1']['id']}").status_code == 404
    assert b.get(f"/schools/{world.school['yd1']}").status_code == 404
    # and the other way round
    y = api("yd_bureau")
    assert y.get("/schools", params={"region": "441823"}).json()["total"] == 0
    assert y.get(f"/students/{targets['ys2']['id']}").status_code == 404


@pytest.mark.parametrize("viewer", VIEWERS)
def test_audit_is_admin_only(api, viewer):
    r = api(viewer).get("/audit")
    if viewer == "admin":
        assert r.status_code == 200
        assert r.json()["total"] > 0
    else:
        assert r.status_code == 403, r.text
        assert err_code(r) == "forbidden"


def test_teacher_cannot_write(api, world, targets):
    t = api("ys_teacher1")
    sid = targets["ys1a"]["id"]
    for r in (t.post("/students", json=student_body()),
              t.post("/students", json=student_body(
                  school_id=world.school["ys1"])),
              t.patch(f"/students/{sid}", json={"version": 1,
                                                "specialty": "x"}),
              t.post(f"/students/{sid}/assign-id",
                     json={"id_no": targets["ys1a"]["id_no"]})):
        assert r.status_code == 403, r.text
        assert err_code(r) == "forbidden"


def test_registrar_cannot_assign_ids(api, targets):
    r = api("ys_reg1").post(f"/students/{targets['ys1a']['id']}/assign-id",
                            json={"id_no": targets["ys1a"]["id_no"]})
    assert r.status_code == 403 and err_code(r) == "forbidden"
