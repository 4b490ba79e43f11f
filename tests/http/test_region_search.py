"""GET /regions?q=: search regions of every level by a name fragment, with
their full path, limited (at most 50) and optionally within a region
(issue 8, point 8: the region picker's typing searches all levels)."""
from conftest import err_code, sql


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


def expected(world, q, within="", limit=20):
    """The codes a scan of the table answers (what the search answered
    before it had an index): name containing @q, under @within, level
    then code order, at most @limit."""
    esc = q.replace("'", "''")
    return sql(world.db, "select code from regions where replace(name, '%s',"
               " '') <> name and substr(code, 1, %d) = '%s' order by level,"
               " code limit %d" % (esc, len(within), within, limit))


def test_search_answers_what_a_scan_of_the_table_answers(api, world):
    """The name search goes through a character index built from the
    table (region_index.c); its answers are the scan's, row for row: a
    query walks its rarest character's names only, a name with that
    character twice comes once, a character no name has answers nothing,
    and the subtree and the limit cut the same rows."""
    a = api("ys_reg1")
    town = a.get("/regions", params={"parent": "441823"}).json()["items"][-1]
    cases = [("阳山", "", 20), ("山", "", 50), ("山山", "", 20),
             ("镇", "441823", 50), ("黎埠", "", 20), ("城", "44", 50),
             ("族自治", "", 50), (town["name"], "", 20),
             (town["name"][1:], "4418", 20), ("街道", "4418", 7),
             ("州", "", 50), ("A", "", 20), ("齉", "", 20),
             ("阳山县x", "", 20)]
    for q, within, limit in cases:
        params = {"q": q, "limit": limit}
        if within:
            params["within"] = within
        r = a.get("/regions", params=params)
        assert r.status_code == 200, (q, r.text)
        got = [i["code"] for i in r.json()["items"]]
        assert got == expected(world, q, within, limit), (q, within)
        assert len(got) == len(set(got)), q
