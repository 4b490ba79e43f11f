"""GET /regions?q=: search regions of every level by a name fragment, with
their full path, limited (at most 50) and optionally within a region
(issue 8, point 8: the region picker's typing searches all levels)."""
from conftest import err_code


def test_search_finds_townships_without_opening_their_county(api):
    a = api("ys_reg1")
    towns = a.get("/regions", params={"parent": "441823"}).json()["items"]
    town = towns[0]
    r = a.get("/regions", params={"q": town["name"]})
    assert r.status_code == 200, r.text
    hit = next(i for i in r.json()["items"] if i["code"] == town["code"])
    assert hit["level"] == 4
    assert hit["path_name"].startswith("广东省 清远市 阳山县")
    assert [p["code"] for p in hit["path"]] == ["44", "4418", "441823",
                                               town["code"]]


def test_search_every_level_in_level_order(api):
    a = api("ys_reg1")
    items = a.get("/regions", params={"q": "阳山"}).json()["items"]
    codes = [i["code"] for i in items]
    assert "441823" in codes
    levels = [i["level"] for i in items]
    assert levels == sorted(levels)
    prov = a.get("/regions", params={"q": "广东"}).json()["items"]
    assert prov[0]["code"] == "44" and prov[0]["level"] == 1


def test_search_limit_and_within(api):
    a = api("ys_reg1")
    r = a.get("/regions", params={"q": "镇"})
    assert len(r.json()["items"]) == 20          # the default
    r = a.get("/regions", params={"q": "镇", "limit": 50})
    assert len(r.json()["items"]) == 50          # the most
    r = a.get("/regions", params={"q": "镇", "limit": 51})
    assert r.status_code == 400 and err_code(r) == "bad_param"
    r = a.get("/regions", params={"q": "镇", "within": "441823",
                                  "limit": 50})
    items = r.json()["items"]
    assert items and all(i["code"].startswith("441823") for i in items)
    r = a.get("/regions", params={"q": "镇", "within": "4418x"})
    assert r.status_code == 400


def test_search_is_literal(api):
    a = api("ys_reg1")
    for q in ("%", "_", "'", "阳山%"):
        r = a.get("/regions", params={"q": q})
        assert r.status_code == 200, r.text
        assert r.json()["items"] == []
