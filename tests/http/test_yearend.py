"""Year-end operations: preview, apply (promote, graduate, next year's
classes, students with open requests skipped), rollback until the first
new-year change, and the scope rules.  Own world (changes_world.py) with
the clock at 10 July 2027, in the summer after school year 2026-2027.
"""
import pytest

from changes_world import ChangeWorld, epoch
from changes_world import school_code as code
from conftest import err_code, sql

YS, YD = "441823", "441881"


USERS = [
    ("ys_bureau", "bureau", ["--region", YS]),
    ("yd_bureau", "bureau", ["--region", YD]),
    ("qy_bureau", "bureau", ["--region", "4418"]),
    ("ys_reg1", "registrar", ["--school", code(YS, 1)]),
    ("ys_reg2", "registrar", ["--school", code(YS, 2)]),
]


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    world = ChangeWorld(tmp_path_factory.mktemp("yearend"),
                        [(YS, 3, 21), (YD, 2, 22)], USERS,
                        epoch(2027, 7, 10))
    yield world
    assert world.close() == 0


def snapshot(w, school):
    return sql(w.db, "select id, grade, coalesce(class_id, 0), status"
               " from students where school_id = %d order by id" % school)


def test_scope(w):
    ys2 = w.sid(code(YS, 2))
    r = w.api("ys_reg1").post("/yearend/preview", json={"school_id": ys2})
    assert r.status_code == 404
    r = w.api("yd_bureau").post("/yearend/preview", json={"county": YS})
    assert r.status_code == 404
    r = w.api("ys_reg2").post("/yearend/preview", json={"county": YS})
    assert r.status_code == 404
    r = w.api("ys_reg2").post("/yearend/preview", json={})
    assert r.status_code == 400
    r = w.api("ys_bureau").post("/yearend/preview", json={"county": "44"})
    assert r.status_code == 400


def test_preview_apply_rollback(w):
    ys2 = w.sid(code(YS, 2))
    reg = w.api("ys_reg2")
    blocked = w.student(code(YS, 2), "12")
    r = reg.post("/changes", json={"type": "suspend", "student_id": blocked,
                                   "reason": "病休"})
    assert r.status_code == 201, r.text
    before = snapshot(w, ys2)
    grades = sql(w.db, "select grade, count(*) from students where"
                 " school_id = %d and status = 'enrolled' group by grade"
                 % ys2)
    per = {g: int(n) for g, n in (l.split("|") for l in grades)}
    r = reg.post("/yearend/preview", json={"school_id": ys2})
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["run_id"] is None and p["from_year"] == 2026 and \
        p["to_year"] == 2027
    assert p["graduated"] == per["16"]
    assert p["promoted"] == sum(per.values()) - per["16"] - 1
    assert [b["id"] for b in p["schools"][0]["blocked"]] == [blocked]
    assert snapshot(w, ys2) == before          # preview writes nothing

    # a school registrar previews but never applies (issue 8: a registrar
    # applied year-end)
    r = reg.post("/yearend/apply", json={"school_id": ys2})
    assert r.status_code == 403 and err_code(r) == "yearend_authority"
    assert snapshot(w, ys2) == before
    bureau = w.api("ys_bureau")
    r = bureau.post("/yearend/apply", json={"school_id": ys2})
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["run_id"] and run["promoted"] == p["promoted"]
    after = {l.split("|")[0]: l.split("|") for l in snapshot(w, ys2)}
    for line in before:
        sid, g, cid, st = line.split("|")
        _, g2, cid2, st2 = after[sid]
        if int(sid) == blocked or st != "enrolled":
            assert (g2, cid2, st2) == (g, cid, st)
        elif g == "16":
            assert st2 == "graduated" and g2 == "16"
        else:
            assert g2 == g[0] + str(int(g[1]) + 1) and st2 == "enrolled"
            if cid != "0":
                old = sql(w.db, "select no from classes where id = " + cid)
                new = sql(w.db, "select c.no, c.grade, y.start_year from"
                          " classes c join school_years y on y.id ="
                          " c.year_id where c.id = " + cid2)
                assert new == ["%s|%s|2027" % (old[0], g2)]
    # next year's classes: promoted ones plus a new first grade
    n11 = sql(w.db, "select count(*) from classes c join school_years y on"
              " y.id = c.year_id where y.start_year = 2026 and c.grade ="
              " '11' and c.school_id = %d" % ys2)
    new11 = sql(w.db, "select count(*) from classes c join school_years y on"
                " y.id = c.year_id where y.start_year = 2027 and c.grade ="
                " '11' and c.school_id = %d" % ys2)
    assert n11 == new11 and int(n11[0]) > 0
    promoted = [l.split("|")[0] for l in before
                if l.split("|")[1] == "11"][0]
    ev = w.api("admin").get("/students/%s/events" % promoted).json()
    assert ev["items"][-1]["kind"] == "yearend.promote"
    # once per school and year
    r = bureau.post("/yearend/apply", json={"school_id": ys2})
    assert r.status_code == 409 and err_code(r) == "yearend_done"
    r = w.api("ys_bureau").post("/yearend/preview", json={"county": YS})
    assert r.status_code == 200
    done = {s["school_id"]: s["already_done"] for s in r.json()["schools"]}
    assert done[ys2] is True and done[w.sid(code(YS, 1))] is False
    r = w.api("ys_bureau").post("/yearend/apply", json={"county": YS})
    assert r.status_code == 409

    # rollback restores everything; only once
    r = w.api("yd_bureau").post("/yearend/%d/rollback" % run["run_id"])
    assert r.status_code == 404
    created = sql(w.db, "select count(*) from year_end_classes where"
                  " run_id = %d" % run["run_id"])
    assert int(created[0]) == int(new11[0]) + int(sql(
        w.db, "select count(*) from classes c join school_years y on"
        " y.id = c.year_id where y.start_year = 2027 and c.grade <> '11'"
        " and c.school_id = %d" % ys2)[0])
    r = reg.post("/yearend/%d/rollback" % run["run_id"])
    assert r.status_code == 403 and err_code(r) == "yearend_authority"
    r = bureau.post("/yearend/%d/rollback" % run["run_id"])
    assert r.status_code == 200, r.text
    assert snapshot(w, ys2) == before
    # the classes the run created for 2027 went with it (the record stays)
    assert r.json()["classes_removed"] == int(created[0])
    assert sql(w.db, "select count(*) from classes c join school_years y on"
               " y.id = c.year_id where y.start_year = 2027 and"
               " c.school_id = %d" % ys2) == ["0"]
    assert sql(w.db, "select count(*) from year_end_classes where run_id = %d"
               % run["run_id"]) == created
    ev = w.api("admin").get("/students/%s/events" % promoted).json()
    assert ev["items"][-1]["kind"] == "yearend.rollback"
    r = bureau.post("/yearend/%d/rollback" % run["run_id"])
    assert r.status_code == 409 and err_code(r) == "yearend_rolled_back"
    assert reg.post("/yearend/99999/rollback").status_code == 404

    # again; then a new-year change blocks the rollback
    r = bureau.post("/yearend/apply", json={"school_id": ys2})
    assert r.status_code == 201, r.text
    run2 = r.json()["run_id"]
    s = reg.get("/students/%s" % promoted).json()["student"]
    r = reg.patch("/students/%s" % promoted,
                  json={"version": s["version"], "specialty": "绘画"})
    assert r.status_code == 200, r.text
    r = bureau.post("/yearend/%d/rollback" % run2)
    assert r.status_code == 409 and err_code(r) == "yearend_rollback_blocked"


def test_county_apply(w):
    r = w.api("qy_bureau").post("/yearend/preview", json={"county": YD})
    assert r.status_code == 200
    assert len(r.json()["schools"]) == 2
    r = w.api("yd_bureau").post("/yearend/apply", json={"county": YD})
    assert r.status_code == 201, r.text
    j = r.json()
    assert j["scope"] == "county:" + YD and j["graduated"] > 0
    left = sql(w.db, "select count(*) from students st join schools sc on"
               " sc.id = st.school_id where sc.county_code = '%s' and"
               " st.status = 'enrolled' and st.grade in ('11', '21')" % YD)
    assert left == ["0"]
    r = w.api("admin").get("/audit", params={"action": "yearend.apply"})
    assert r.json()["total"] >= 1
