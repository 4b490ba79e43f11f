"""The audit log: every write is recorded, rows are hash-chained, the chain
is verified by `xueji check`, and the append-only triggers hold."""
import re
import subprocess

from conftest import PW, cli_ok, mask_regno, register, run_cli, sql

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def audit(a, **params):
    r = a.get("/audit", params=dict(params, per_page=200))
    assert r.status_code == 200, r.text
    return r.json()


def test_writes_appear_in_audit(api, world):
    admin = api("admin")
    reg = api("ys_reg1")
    body, rep = register(reg)
    sid = str(rep["id"])
    assert reg.patch(f"/students/{sid}", json={
        "version": 1, "specialty": "审计"}).status_code == 200
    assert reg.post(f"/students/{sid}/reveal").status_code == 200
    rows = [x for x in audit(admin, entity="student")["items"]
            if x["entity_id"] == sid]
    actions = [x["action"] for x in rows]
    # newest first
    assert actions == ["student.reveal", "student.update",
                       "student.register"], actions
    assert all(x["user"] == "ys_reg1" and x["ip"] == "127.0.0.1"
               for x in rows)
    upd = rows[1]
    assert upd["after"] == {"specialty": "审计"}
    assert upd["before"] == {"specialty": ""}
    new = rows[2]
    assert new["before"] is None
    # the log keeps the full record; its display masks PII like any list,
    # the G registry number (= "G" + ID) included
    assert new["after"]["registry_no"] == mask_regno(rep["registry_no"])
    shown = new["after"]["id_no"]
    assert shown != body["id_no"] and "*" in shown
    assert shown == body["id_no"][:14] + "****"
    assert new["after"]["g1_phone"] != body["g1_phone"]
    stored = sql(world.db, "select after from audit_log where action = "
                           f"'student.register' and entity_id = '{sid}'")
    assert len(stored) == 1 and body["id_no"] in stored[0]
    assert rep["registry_no"] in stored[0]
    # the reveal names the registry number among the fields shown
    assert "registry_no" in rows[0]["after"]["fields"]


def test_logins_appear_in_audit(api, world):
    admin = api("admin")
    with world.client() as c:
        assert c.post("/session", json={"username": "ys_reg2",
                                        "password": "wrong-password"}
                      ).status_code == 401
        assert c.post("/session", json={"username": "ys_reg2",
                                        "password": PW}).status_code == 200
    rows = audit(admin, user="ys_reg2")["items"]
    assert [x["action"] for x in rows[:2]] == ["login", "login_failed"]
    assert rows[0]["entity"] == "user" and rows[0]["entity_id"] == "ys_reg2"


def test_assign_id_is_audited(api):
    from test_register import l_student
    from conftest import make_id
    _, rep = l_student(api("ys_reg1"), birth="2013-10-10", gender=1)
    new_id = make_id("2013-10-10", 1)
    assert api("ys_bureau").post(f"/students/{rep['id']}/assign-id",
                                 json={"id_no": new_id}).status_code == 200
    rows = [x for x in audit(api("admin"), action="student.assign_id")[
        "items"] if x["entity_id"] == str(rep["id"])]
    assert len(rows) == 1
    assert rows[0]["user"] == "ys_bureau"
    assert rows[0]["before"]["registry_no"] == mask_regno(rep["registry_no"])
    assert rows[0]["after"]["registry_no"] == mask_regno("G" + new_id)
    assert new_id not in str(rows[0])


def test_every_row_has_a_hash_and_list_is_newest_first(api):
    admin = api("admin")
    j = audit(admin)
    assert j["total"] >= len(j["items"]) > 10
    ids = [x["id"] for x in j["items"]]
    assert ids == sorted(ids, reverse=True)
    hashes = [x["hash"] for x in j["items"]]
    assert all(HEX64.match(h) for h in hashes), hashes[:3]
    assert len(set(hashes)) == len(hashes)
    for x in j["items"]:
        assert set(x) == {"id", "at", "user", "ip", "action", "entity",
                          "entity_id", "before", "after", "hash"}


def test_audit_filters_and_paging(api):
    admin = api("admin")
    p1 = admin.get("/audit", params={"per_page": 3, "page": 1}).json()
    p2 = admin.get("/audit", params={"per_page": 3, "page": 2}).json()
    assert len(p1["items"]) == len(p2["items"]) == 3
    assert p1["items"][-1]["id"] > p2["items"][0]["id"]
    j = audit(admin, action="login")
    assert j["total"] > 0 and all(x["action"] == "login" for x in j["items"])
    j = audit(admin, user="no_such_user")
    assert j["total"] == 0 and j["items"] == []
    assert admin.get("/audit", params={"per_page": 500}).status_code == 400


def test_check_passes_on_live_db(world):
    p = cli_ok("check", db=world.db)
    assert "audit chain: ok" in p.stdout
    assert "integrity: ok" in p.stdout


def backup(world, tmp_path, name):
    dest = tmp_path / name
    cli_ok("backup", dest, db=world.db)
    return dest


def test_tampered_copy_fails_check(api, world, tmp_path):
    # make sure there is something to tamper with beyond the first rows
    register(api("ys_reg1"))
    copy = backup(world, tmp_path, "tamper.db")
    assert cli_ok("check", db=copy).returncode == 0
    target = int(sql(copy, "select id from audit_log order by id "
                           "limit 1 offset 3")[0])
    sql(copy, "DROP TRIGGER audit_log_no_update; "
              f"UPDATE audit_log SET action = 'student.nothing' "
              f"WHERE id = {target};")
    p = run_cli("check", db=copy)
    assert p.returncode != 0
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, p.stderr
    assert "audit" in lines[0].lower() or "审计" in lines[0]
    assert str(target) in lines[0]


def test_deleted_row_breaks_chain(world, tmp_path):
    copy = backup(world, tmp_path, "tamper2.db")
    target = int(sql(copy, "select max(id) - 2 from audit_log")[0])
    sql(copy, "DROP TRIGGER audit_log_no_delete; "
              f"DELETE FROM audit_log WHERE id = {target};")
    p = run_cli("check", db=copy)
    assert p.returncode != 0, p.stdout
    assert len([l for l in p.stderr.splitlines() if l.strip()]) == 1


def sqlite_fails(db, query):
    p = subprocess.run(["sqlite3", "-bail", str(db), query],
                       capture_output=True, text=True, timeout=60)
    return p


def test_triggers_refuse_update_and_delete(world, tmp_path):
    copy = backup(world, tmp_path, "triggers.db")
    before = sql(copy, "select count(*), max(id) from audit_log")
    ev_before = sql(copy, "select count(*) from student_events")
    for q in ("UPDATE audit_log SET action = 'x' WHERE id = 1",
              "DELETE FROM audit_log WHERE id = 1",
              "DELETE FROM audit_log",
              "UPDATE student_events SET kind = 'x' WHERE id = 1",
              "DELETE FROM student_events WHERE id = 1"):
        p = sqlite_fails(copy, q)
        assert p.returncode != 0, q
        assert "append-only" in p.stderr, (q, p.stderr)
    assert sql(copy, "select count(*), max(id) from audit_log") == before
    assert sql(copy, "select count(*) from student_events") == ev_before
    assert cli_ok("check", db=copy).returncode == 0
