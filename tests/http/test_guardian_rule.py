"""Issue 8 point 5: a guardian ID number shared by more children than the
setting dup_guardian_max (default 8) flags the record, at registration and
at import alike, counted in the indexed guardian_ids table (filled by every
insert and edit, and by a backfill for records stored before it)."""
import time

from conftest import (ADMIN_PW, Server, cli_ok, hold_writer, make_id, register,
                      sql)
from test_identity import find_flag
from test_imports import body_for, make_csv, upload, wait

REASON = "监护人身份证件号被过多学生共用"


def codes(a, sid):
    s = a.get(f"/students/{sid}").json()["student"]
    return s["dup_flag"], {(w["field"], w["code"]) for w in s["warnings"]}


def children(a, gid, n):
    """Register @n children with guardian 1's ID @gid: their replies."""
    return [register(a, g1_id_type="1", g1_id_no=gid)[1] for _ in range(n)]


def test_ninth_child_of_one_guardian_is_flagged_at_registration(api, world):
    a, b = api("ys_reg1"), api("ys_bureau")
    gid = make_id("1981-04-05", 1)
    first = children(a, gid, 8)
    # eight children of one guardian are fine
    assert all(r["dup_flag"] == 0 for r in first)
    assert codes(a, first[-1]["id"]) == (0, set())
    ninth = children(a, gid, 1)[0]
    assert ninth["dup_flag"] == 1
    flag, warned = codes(a, ninth["id"])
    assert flag == 1 and ("g1_id_no", "guardian_shared") in warned
    # in the review queue beside the first child, and in the list filter
    f = find_flag(b, first[0]["id"], ninth["id"])
    assert f is not None and f["reason"] == REASON
    listed = a.get("/students", params={"dup_flag": "1", "per_page": 200})
    assert ninth["id"] in {s["id"] for s in listed.json()["items"]}
    # the number is stored normalised, once per record
    assert sql(world.db, "select count(*) from guardian_ids where id_no = '%s'"
               % gid) == ["9"]


def test_the_setting_moves_the_edge(api, world):
    adm, a = api("admin"), api("ys_reg1")
    r = adm.patch("/system-settings", json={"dup_guardian_max": 3})
    assert r.status_code == 200, r.text
    try:
        gid = make_id("1982-06-07", 2)
        three = children(a, gid, 3)
        assert all(r["dup_flag"] == 0 for r in three)
        fourth = children(a, gid, 1)[0]
        assert fourth["dup_flag"] == 1
        assert ("g1_id_no", "guardian_shared") in codes(a, fourth["id"])[1]
    finally:
        r = adm.patch("/system-settings", json={"dup_guardian_max": 8})
        assert r.status_code == 200, r.text


def imported(a, rows):
    r = upload(a, make_csv(a, rows).encode())
    assert r.status_code == 202, r.text
    j = wait(a, r.json()["id"])
    assert j["status"] == "done", j
    ids = []
    for row in rows:
        items = a.get("/students", params={"q": row["id_no"]}).json()["items"]
        assert len(items) == 1, row["id_no"]
        ids.append(items[0]["id"])
    return ids


def test_ninth_child_of_one_guardian_is_flagged_at_import(api, world):
    a = api("ys_reg1")
    gid = make_id("1983-08-09", 1)
    rows = [dict(body_for(world, "ys1"), g1_id_type="1", g1_id_no=gid)
            for _ in range(9)]
    eight = imported(a, rows[:8])
    assert all(codes(a, i) == (0, set()) for i in eight)
    ninth = imported(a, rows[8:])[0]
    flag, warned = codes(a, ninth)
    assert flag == 1 and ("g1_id_no", "guardian_shared") in warned
    assert find_flag(api("ys_bureau"), eight[0], ninth) is not None


def test_guardian_edit_and_backfill_keep_the_table(api, world):
    a = api("ys_reg1")
    old, new = make_id("1984-01-02", 1), make_id("1984-01-03", 1)
    sid = children(a, old, 1)[0]["id"]
    v = a.get(f"/students/{sid}").json()["student"]["version"]
    r = a.patch(f"/students/{sid}", json={"version": v, "g1_id_no": new})
    assert r.status_code == 200, r.text
    assert sql(world.db, "select id_no from guardian_ids where student_id = %d"
               % sid) == [new]
    # a record stored before the table existed is filled by the backfill
    # (the server's start, or a command-line import)
    sql(world.db, "delete from guardian_ids where student_id = %d; "
                  "insert into backfills (name) values ('guardian_ids')" % sid)
    f = world.tmp / "backfill.csv"
    f.write_text(make_csv(a, [body_for(world, "ys1")],
                          school_code=world.code["ys1"]), encoding="utf-8")
    cli_ok("import", "students", str(f), db=world.db)
    assert sql(world.db, "select id_no from guardian_ids where student_id = %d"
               % sid) == [new]
    assert sql(world.db, "select count(*) from backfills") == ["0"]


def test_backfill_runs_once_then_a_start_never_waits_for_a_writer(tmp_path):
    """Before: every server start ran the backfill's write transaction
    to find it done, so a start while an import held the writer lock
    waited for it (or failed busy).  Now the first start does the work and
    removes its row; later starts only read that it is done."""
    db = tmp_path / "bf.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    # a new database has nothing to fill (migration 0045); one from before
    # 0018 has the row
    assert sql(db, "select count(*) from backfills") == ["0"]
    sql(db, "insert into backfills (name) values ('guardian_ids')")
    srv = Server(db, ["serve"], tmp_path)
    assert srv.stop()[0] == 0
    assert sql(db, "select count(*) from backfills") == ["0"]
    with hold_writer(db):
        t0 = time.monotonic()
        srv = Server(db, ["serve"], tmp_path)
        took = time.monotonic() - t0
        assert srv.proc.poll() is None
    rc, _ = srv.stop()  # a stop waits for the writer: not what this tests
    assert rc == 0, srv.stderr_text()[-2000:]
    assert took < 3, took


def test_an_edit_keeps_the_guardian_warning_and_flags_an_edit_into_it(api, world):
    """An edit re-validates the record and replaces its warnings: the
    guardian rule's warning must be re-derived with the others, not
    dropped, and an edit that gives a record an over-shared guardian number
    flags it as a registration would."""
    a = api("ys_reg1")
    gid = make_id("1985-02-03", 1)
    ninth = children(a, gid, 9)[-1]["id"]
    assert ("g1_id_no", "guardian_shared") in codes(a, ninth)[1]
    v = a.get(f"/students/{ninth}").json()["student"]["version"]
    r = a.patch(f"/students/{ninth}", json={"version": v, "address": "阳山县七拱镇"})
    assert r.status_code == 200, r.text
    assert codes(a, ninth) == (1, {("g1_id_no", "guardian_shared")})
    # a tenth child registered with another guardian, then edited to this one
    other = children(a, make_id("1985-02-04", 1), 1)[0]["id"]
    assert codes(a, other) == (0, set())
    v = a.get(f"/students/{other}").json()["student"]["version"]
    r = a.patch(f"/students/{other}", json={"version": v, "g1_id_no": gid})
    assert r.status_code == 200, r.text
    assert codes(a, other) == (1, {("g1_id_no", "guardian_shared")})
