"""The student list's name search (q = a part of a name) through the index
of the names' characters and character pairs (migration 0033
student_name_grams, kept by triggers on both backends): it finds exactly
what the LIKE over every row in scope finds, follows a renamed or moved
student and imported rows, never widens the scope, and `xueji check`
notices an index that differs from the names."""
import pytest

from changes_world import approve, started
from conftest import (ADMIN_PW, PW, YD, YS, Server, cli_ok, list_all,
                      make_client, register, run_cli, sql, unique_name)


def names_by_scan(a, q):
    """Ids of the students @a sees whose name holds @q (case folded as
    the list's lower() does: ASCII), from the whole unfiltered list."""
    items, _ = list_all(a, "/students")
    return {i["id"] for i in items if q.lower() in i["name"].lower()}


def names_by_search(a, q, **params):
    items, total = list_all(a, "/students", q=q, **params)
    assert len(items) == total
    return {i["id"] for i in items}


def queries_of(name):
    """One character, the pairs, the whole name and a part of it."""
    out = {name, name[0], name[-1], name[:2], name[1:]}
    out.update(name[i:i + 2] for i in range(len(name) - 1))
    return sorted(out)


@pytest.mark.parametrize("user", ["ys_bureau", "qy_bureau", "admin"])
def test_search_finds_what_a_scan_finds(api, user):
    a = api(user)
    items, _ = list_all(a, "/students", per_page=50)
    names = {i["name"] for i in items[:40:7]}
    assert names
    for name in names:
        for q in queries_of(name):
            assert names_by_search(a, q) == names_by_scan(a, q), (user, q)


def test_latin_name_any_case(api):
    _, st = register(api("ys_reg1"), name="Maria Lopez")
    b = api("ys_bureau")
    for q in ("LOP", "ia L", "maria lopez", "z"):
        found = names_by_search(b, q)
        assert found == names_by_scan(b, q), q
        assert st["id"] in found, q


def test_total_and_pages_of_a_search(api):
    b = api("ys_bureau")
    items, _ = list_all(b, "/students", per_page=10)
    q = items[0]["name"][0]
    want = names_by_scan(b, q)
    r = b.get("/students", params={"q": q, "per_page": 2, "page": 1})
    assert r.json()["total"] == len(want) and len(r.json()["items"]) == \
        min(2, len(want))
    # a page past the end has no rows and still the total
    r = b.get("/students", params={"q": q, "per_page": 200, "page": 50})
    assert r.status_code == 200
    assert r.json()["items"] == [] and r.json()["total"] == len(want)
    # sorted by name, descending: the same rows in that order
    got, total = list_all(b, "/students", q=q, sort="name", order="desc")
    assert {i["id"] for i in got} == want and total == len(want)
    # with a grade too (one character: the grade's rows, name checked)
    g = items[0]["grade"]
    r = b.get("/students", params={"q": q, "grade": g, "per_page": 200})
    assert {i["id"] for i in r.json()["items"]} == {
        i for i in want
        if i in {x["id"] for x in list_all(b, "/students", grade=g)[0]}}


def test_search_follows_a_rename(api, world):
    reg = api("ys_reg1")
    old, new = unique_name("欧"), unique_name("司")
    body, st = register(reg, name=old)
    b = api("ys_bureau")
    assert st["id"] in names_by_search(b, old[1:])
    # a name is a key field: corrected through a change (学籍变更)
    c = started(reg, type="correct", student_id=st["id"],
                changes={"name": new}, reason="户口本姓名更正")
    approve(b, c["id"])
    assert reg.get(f"/students/{st['id']}").json()["student"]["name"] == new
    assert st["id"] not in names_by_search(b, old[1:])
    assert st["id"] in names_by_search(b, new[1:])
    assert st["id"] in names_by_search(b, new)


def test_search_never_widens_the_scope(api, world):
    name = unique_name("闾")
    _, st = register(api("yd_reg1"), name=name)
    assert names_by_search(api("yd_bureau"), name) == {st["id"]}
    assert names_by_search(api("qy_bureau"), name) == {st["id"]}
    assert names_by_search(api("admin"), name) == {st["id"]}
    for user in ("ys_bureau", "ys_reg1", "ys_teacher1", "gz_bureau"):
        assert names_by_search(api(user), name) == set(), user
        assert names_by_search(api(user), name[1:]) == set(), user


def test_grams_follow_writes_and_check_sees_drift(tmp_path):
    db = tmp_path / "g.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    cli_ok("gen", "--county", YS, "--schools", "2", "--students", "60",
           db=db)
    cli_ok("gen", "--county", YD, "--schools", "1", "--students", "20",
           "--seed", "3", db=db)
    csv = tmp_path / "in.csv"
    cli_ok("gen", "--out", csv, "--students", "40", "--seed", "9", db=db)
    cli_ok("import", "students", csv, "--create-classes", db=db)
    assert "name search index: ok" in cli_ok("check", db=db).stdout
    # a rename and a move to another county's school, written directly:
    # the triggers keep the index on both backends
    yd_school = sql(db, "select min(id) from schools where county_code = '%s'"
                        % YD)[0]
    sid = sql(db, "select max(id) from students")[0]
    sql(db, "update students set name = '南宫测' || name,"
            " school_id = %s where id = %s" % (yd_school, sid))
    cli_ok("user", "add", "g_ys", "--role", "bureau", "--region", YS, db=db,
           env={"XUEJI_PASSWORD": PW})
    cli_ok("user", "add", "g_yd", "--role", "bureau", "--region", YD, db=db,
           env={"XUEJI_PASSWORD": PW})
    assert "name search index: ok" in cli_ok("check", db=db).stdout
    srv = Server(db, ["serve"], tmp_path)
    try:
        for user, want in (("g_ys", 0), ("g_yd", 1)):
            c = make_client(srv.base)
            assert c.post("/session", json={"username": user,
                                            "password": PW}).status_code == 200
            r = c.get("/students", params={"q": "南宫"})
            assert r.json()["total"] == want, user
            # every imported name is found by its own pairs
            for it in c.get("/students", params={"per_page": 30}).json()[
                    "items"]:
                got = c.get("/students", params={"q": it["name"][-2:],
                                                 "per_page": 200}).json()
                assert it["id"] in {i["id"] for i in got["items"]}, it
            c.close()
    finally:
        srv.stop()
    # an index row gone: check says so
    sql(db, "delete from student_name_grams where student_id = %s" % sid)
    p = run_cli("check", db=db)
    assert p.returncode != 0
    assert "name_index_differs" in p.stderr or "student_name_grams" in \
        p.stderr, p.stderr
