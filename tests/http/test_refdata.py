"""Reference data: /regions, /regions/{code}, /codes, /fields."""
from conftest import err_code


def test_regions_provinces(api):
    r = api("ys_teacher1").get("/regions")
    assert r.status_code == 200
    items = r.json()["items"]
    by = {i["code"]: i for i in items}
    assert by["44"]["name"] == "广东省"
    assert by["11"]["name"] == "北京市"
    assert all(i["level"] == 1 and len(i["code"]) == 2 for i in items)
    assert len(items) >= 31


def test_regions_children_of_city(api):
    r = api("ys_reg1").get("/regions", params={"parent": "4418"})
    assert r.status_code == 200
    by = {i["code"]: i for i in r.json()["items"]}
    assert by["441823"]["name"] == "阳山县"
    assert by["441881"]["name"] == "英德市"
    assert all(c.startswith("4418") and len(c) == 6 for c in by)
    assert all(i["level"] == 3 for i in by.values())


def test_regions_townships_of_county(api):
    r = api("ys_reg1").get("/regions", params={"parent": "441823"})
    assert r.status_code == 200
    items = r.json()["items"]
    assert items, "阳山县 has townships"
    assert all(i["code"].startswith("441823") and len(i["code"]) == 9
               and i["level"] == 4 for i in items)
    assert any(i["name"] == "阳城镇" for i in items)


def test_region_path(api):
    r = api("ys_reg1").get("/regions/441823")
    assert r.status_code == 200
    j = r.json()
    assert j["code"] == "441823" and j["name"] == "阳山县"
    assert j["level"] == 3 and j["parent"] == "4418"
    assert [(p["code"], p["name"]) for p in j["path"]] == [
        ("44", "广东省"), ("4418", "清远市"), ("441823", "阳山县")]


def test_region_unknown_or_malformed_404(api):
    a = api("ys_reg1")
    for code in ("449999", "abc", "4", "4418231", "99"):
        r = a.get(f"/regions/{code}")
        assert r.status_code == 404, (code, r.text)
        assert err_code(r) == "not_found"


def test_regions_bad_parent_400(api):
    a = api("ys_reg1")
    for p in ("abc", "441", "4418x3", "1234567890"):
        r = a.get("/regions", params={"parent": p})
        assert r.status_code == 400, (p, r.text)
        assert err_code(r) == "bad_param"
        assert r.json()["error"]["field"] == "parent"


def test_codes(api):
    r = api("ys_teacher1").get("/codes")
    assert r.status_code == 200
    sets = r.json()["sets"]
    eth = {c["code"]: c for c in sets["ethnicity"]}
    assert eth["01"]["zh"] == "汉族"
    assert eth["01"]["en"] == "Han"
    grade = {c["code"]: c["zh"] for c in sets["grade"]}
    assert grade["11"] == "一年级" and grade["21"] == "初一"
    for name in ("gender", "id_type", "status", "stage", "relation"):
        assert sets[name], name
    assert {c["code"] for c in sets["status"]} >= {"enrolled", "graduated"}


def test_fields(api):
    r = api("ys_reg1").get("/fields")
    assert r.status_code == 200
    by = {f["key"]: f for f in r.json()["items"]}
    assert by["id_no"]["pii"] is True and by["id_no"]["key_field"] is True
    assert by["id_no"]["required"] is True
    assert by["name"]["key_field"] is True and by["name"]["pii"] is False
    assert by["g1_phone"]["pii"] is True
    assert by["address"]["key_field"] is False
    assert by["ethnicity"]["codeset"] == "ethnicity"
    assert by["gender"]["type"] == "int"
    # server-assigned keys are not fields
    for k in ("registry_no", "school_id", "status", "version"):
        assert k not in by
    for f in by.values():
        assert set(f) == {"key", "zh", "type", "codeset", "required",
                          "key_field", "pii"}


def test_refdata_needs_login(world):
    with world.client() as c:
        for url in ("/regions", "/regions/44", "/codes", "/fields"):
            assert c.get(url).status_code == 401, url
