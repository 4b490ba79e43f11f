"""The audit log: every write is recorded, rows are hash-chained, the chain
is verified by `xueji check`, and the append-only triggers hold."""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import time

from conftest import (ADMIN_PW, BACKEND, PW, Api, Server, cli_ok,
                      copy_audit_key, db_url, in_threads, mask_regno,
                      pg_create,
                      register, run_cli, side_path, sql, sql_run,
                      student_body)

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
        # entity_name only where the entity has a name (docs/api.md)
        assert set(x) - {"entity_name"} == {
            "id", "at", "user", "user_name", "ip", "action", "entity",
            "entity_id", "before", "after", "changes", "hash"}


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


def test_parallel_writes_keep_one_chain_lock_row_only_on_pg(world):
    """Audited writes from parallel clients leave one chain `xueji check`
    accepts, on both backends.  The chain's order is the db layer's
    xj_db_chain_lock: on PostgreSQL every append updates the row of
    audit_chain_lock (writers run side by side there); on SQLite, where
    the writer lock already orders the chain, no append writes it (one
    row write per audited change saved)."""
    def appends():
        return int(sql(world.db, "select appends from audit_chain_lock")[0])

    def entries():
        return int(sql(world.db, "select count(*) from audit_log")[0])

    clients = [Api(world.base, "ys_reg1", PW) for _ in range(4)]
    lock0, n0 = appends(), entries()
    failed = []

    def writer(a):
        for _ in range(5):
            r = a.post("/students", json=student_body())
            if r.status_code != 201:
                failed.append(r.text)

    in_threads(writer, clients)
    for a in clients:
        a.close()
    assert not failed, failed
    assert entries() - n0 >= 20
    if BACKEND == "pg":
        assert appends() - lock0 >= 20
    else:
        assert appends() == lock0 == 0
    assert "audit chain: ok" in cli_ok("check", db=world.db).stdout


def backup(world, tmp_path, name, key=True):
    """A backup copy with its own checkpoint, and (@key) the key beside
    it.  SQLite: `xueji backup`.  PostgreSQL (where backup refuses):
    pg_dump into a new database of the cluster (docs/deploy-postgres.md),
    the source's checkpoint file beside it, then one CLI write on the copy,
    which checkpoints the copy's whole log as backup does."""
    dest = tmp_path / name
    if BACKEND != "pg":
        cli_ok("backup", dest, db=world.db)
    else:
        pg_create(dest)
        p = subprocess.run(
            "pg_dump -d '%s' | psql -X -q -v ON_ERROR_STOP=1 -d '%s'"
            % (db_url(world.db), db_url(dest)), shell=True,
            capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        shutil.copy(side_path(world.db, ".checkpoints"),
                    side_path(dest, ".checkpoints"))
        copy_audit_key(world.db, dest)
        cli_ok("user", "add", "copy_" + dest.stem, "--role", "bureau",
               "--region", "441823", db=dest, env={"XUEJI_PASSWORD": PW})
        if not key:
            side_path(dest, ".auditkey").unlink()
        return dest
    if key:
        copy_audit_key(world.db, dest)
    return dest


def unguard(kind):
    """SQL dropping audit_log's append-only trigger @kind (update,
    delete): what one holding the database owner's rights can do."""
    on = " ON audit_log" if BACKEND == "pg" else ""
    return "DROP TRIGGER audit_log_no_%s%s; " % (kind, on)


#: tamper's re-hash on PostgreSQL: chain_hash in PL/pgSQL.
REHASH_PG = """
DO $$
DECLARE r record; prev text := repeat('0', 64); h text;
BEGIN
  FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
    h := encode(sha256(convert_to(concat_ws(E'\\x1f', prev, r.at,
           coalesce(r.user_id, 0)::text, r.username, r.ip, r.action,
           r.entity, r.entity_id, coalesce(r.before, E'\\x01NULL'),
           coalesce(r.after, E'\\x01NULL')) || E'\\x1f', 'UTF8')), 'hex');
    UPDATE audit_log SET prev_hash = prev, hash = h WHERE id = r.id;
    prev := h;
  END LOOP;
END $$;
"""


def check_fails(db, *args):
    """`xueji check` fails with exactly one line saying why; returns it."""
    p = run_cli("check", *args, db=db)
    assert p.returncode != 0, p.stdout
    lines = [l for l in p.stderr.splitlines() if l.strip()
             and not re.match(r"^\d{4}-\d\d-\d\dT\S+ (DEBUG|INFO) ", l)]
    assert len(lines) == 1, p.stderr
    return lines[0]


def chain_hash(prev, r):
    """The documented plain hash of an entry: what anyone can recompute."""
    parts = [prev, r["at"], str(r["user_id"] or 0), r["username"], r["ip"],
             r["action"], r["entity"], r["entity_id"],
             "\x01NULL" if r["before"] is None else r["before"],
             "\x01NULL" if r["after"] is None else r["after"]]
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode())
        h.update(b"\x1f")
    return h.hexdigest()


def tamper(db, *edits):
    """Drop the triggers, run the SQL @edits, then re-hash every entry
    with plain SHA-256 so that the hash chain is whole again (what the old
    `xueji check` accepted).  On PostgreSQL through psql as the cluster's
    superuser."""
    if BACKEND == "pg":
        sql(db, unguard("update") + unguard("delete") + "; ".join(edits)
            + ";" + REHASH_PG)
        return
    c = sqlite3.connect(str(db))
    c.row_factory = sqlite3.Row
    c.executescript(unguard("update") + unguard("delete")
                    + "; ".join(edits) + ";")
    prev = "0" * 64
    for r in c.execute("select * from audit_log order by id").fetchall():
        h = chain_hash(prev, r)
        c.execute("update audit_log set prev_hash = ?, hash = ? where id = ?",
                  (prev, h, r["id"]))
        prev = h
    c.commit()
    c.close()


def test_tampered_copy_fails_check(api, world, tmp_path):
    # make sure there is something to tamper with beyond the first rows
    register(api("ys_reg1"))
    copy = backup(world, tmp_path, "tamper.db")
    assert cli_ok("check", db=copy).returncode == 0
    target = int(sql(copy, "select id from audit_log order by id "
                           "limit 1 offset 3")[0])
    sql(copy, unguard("update") +
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
    sql(copy, unguard("delete") +
              f"DELETE FROM audit_log WHERE id = {target};")
    p = run_cli("check", db=copy)
    assert p.returncode != 0, p.stdout
    assert len([l for l in p.stderr.splitlines() if l.strip()]) == 1


def test_triggers_refuse_update_and_delete(world, tmp_path):
    copy = backup(world, tmp_path, "triggers.db")
    before = sql(copy, "select count(*), max(id) from audit_log")
    ev_before = sql(copy, "select count(*) from student_events")
    for q in ("UPDATE audit_log SET action = 'x' WHERE id = 1",
              "DELETE FROM audit_log WHERE id = 1",
              "DELETE FROM audit_log",
              "UPDATE student_events SET kind = 'x' WHERE id = 1",
              "DELETE FROM student_events WHERE id = 1"):
        p = sql_run(copy, q)
        assert p.returncode != 0, q
        assert "append-only" in p.stderr, (q, p.stderr)
    assert sql(copy, "select count(*), max(id) from audit_log") == before
    assert sql(copy, "select count(*) from student_events") == ev_before
    assert cli_ok("check", db=copy).returncode == 0


def test_reattributed_reveal_rehashed_fails_check(api, world, tmp_path):
    """Defect 8: re-attributing a reveal and re-hashing the rest with plain
    SHA-256 passed `xueji check`; the keyed MAC finds it."""
    _, rep = register(api("ys_reg1"))
    assert api("ys_reg1").post(f"/students/{rep['id']}/reveal"
                               ).status_code == 200
    copy = backup(world, tmp_path, "reattr.db")
    target = int(sql(copy, "select max(id) from audit_log where action ="
                           " 'student.reveal'")[0])
    other = int(sql(copy, "select id from users where username ="
                          " 'ys_reg2'")[0])

    tamper(copy, "update audit_log set username = 'ys_reg2', user_id = %d"
           " where id = %d" % (other, target))
    line = check_fails(copy)
    assert "MAC" in line and f"#{target}" in line, line
    # the hash chain alone is whole: only the key tells
    p = run_cli("check", "--key", tmp_path / "none", db=copy)
    assert "no such file" in p.stderr


def test_truncated_tail_fails_check(api, world, tmp_path):
    """Defect 8: deleting the newest entries passed `xueji check`; the
    checkpoint written with the backup records how many there were."""
    register(api("ys_reg1"))
    copy = backup(world, tmp_path, "tail.db")
    n = int(sql(copy, "select count(*) from audit_log")[0])
    sql(copy, unguard("delete") + "DELETE FROM audit_log"
              " WHERE id > (select max(id) - 3 from audit_log);")
    line = check_fails(copy)
    assert "checkpoint" in line and "deleted" in line, line
    assert f"{n} entries" in line


def test_inserted_rows_fail_check(world, tmp_path):
    """An entry slipped into the middle (ids shifted, everything re-hashed)
    and one appended at the end both lack a valid MAC."""
    copy = backup(world, tmp_path, "insert.db")
    at = int(sql(copy, "select max(id) - 5 from audit_log")[0])

    tamper(copy,
           "update audit_log set id = id + 1000000 where id > %d" % at,
           "update audit_log set id = id - 999999 where id > 1000000",
           "insert into audit_log (id, at, user_id, username, ip,"
           " action, entity, entity_id, before, after, prev_hash,"
           " hash, mac, province) select %d, at, user_id, username, ip,"
           " 'user.add', 'user', 'ghost', NULL, NULL, '', '', mac,"
           " province from audit_log where id = %d" % (at + 1, at))
    line = check_fails(copy)
    assert "MAC" in line and f"#{at + 1}" in line, line

    copy = backup(world, tmp_path, "append.db")
    last = int(sql(copy, "select max(id) from audit_log")[0])

    tamper(copy, "insert into audit_log (at, user_id, username, ip, action,"
           " entity, entity_id, prev_hash, hash, province) values"
           " ('2026-01-01T00:00:00+08:00', NULL, 'cli', 'cli',"
           " 'user.add', 'user', 'ghost', '', '', 0)")
    line = check_fails(copy)
    assert "no MAC" in line and f"#{last + 1}" in line, line


def test_check_without_the_key_is_clear(world, tmp_path):
    copy = backup(world, tmp_path, "nokey.db", key=False)
    line = check_fails(copy)
    assert str(side_path(copy, ".auditkey")) in line
    assert "no such file" in line
    # a key file others can read is refused too
    key = copy_audit_key(world.db, copy)
    key.chmod(0o644)
    line = check_fails(copy)
    assert "cannot use it" in line
    key.chmod(0o600)
    cli_ok("check", db=copy)
    # so is a missing checkpoint file, and one that is not ours
    cp = side_path(copy, ".checkpoints")
    cp.rename(tmp_path / "moved")
    line = check_fails(copy)
    assert "checkpoints" in line and "no such file" in line
    cli_ok("check", "--checkpoints", tmp_path / "moved", db=copy)
    f = (tmp_path / "moved").read_text().split()
    f[2] = str(int(f[2]) + 1)                   # one more entry, same sig
    (tmp_path / "forged").write_text(" ".join(f) + "\n")
    line = check_fails(copy, "--checkpoints", tmp_path / "forged")
    assert "signature" in line


def test_check_finds_a_flag_naming_no_record(world, tmp_path):
    """duplicate_flags.other_id and student_merges.merged_id have no
    foreign key on PostgreSQL since students is partitioned (0040):
    `xueji check` names a flag whose other record does not exist."""
    copy = backup(world, tmp_path, "refs.db")
    assert "references: ok" in cli_ok("check", db=copy).stdout
    sql(copy, "insert into duplicate_flags (student_id, other_id, reason,"
        " created_at, province) select id, 999999999, 'test',"
        " '2026-09-01', province from students order by id limit 1")
    p = run_cli("check", db=copy)
    assert p.returncode != 0, p.stdout
    assert "reference_missing" in p.stderr or "1 duplicate flags or merges" \
        " name a record that does not exist" in p.stderr, p.stderr


def test_check_finds_a_merge_naming_no_flag(world, tmp_path):
    """student_merges.flag_id has no foreign key on PostgreSQL since 0042
    (the merge carries the survivor's province, the flag the flagged
    record's): `xueji check` names a merge whose flag does not exist."""
    copy = backup(world, tmp_path, "flags.db")
    sql(copy, "insert into student_merges (merged_id, survivor_id,"
        " merged_no, flag_id, reason, merged_by, merged_at, province)"
        " select a.id, b.id, a.registry_no, 999999999, 'test', 'admin',"
        " '2026-09-01', b.province from students a join students b"
        " on b.id > a.id order by a.id, b.id limit 1")
    p = run_cli("check", db=copy)
    assert p.returncode != 0, p.stdout
    assert "1 duplicate flags or merges name a record that does not" \
        " exist" in p.stderr, p.stderr


def test_key_and_checkpoints_beside_the_database(world):
    key = side_path(world.db, ".auditkey")
    cps = side_path(world.db, ".checkpoints")
    for f in (key, cps):
        assert stat.S_IMODE(os.stat(f).st_mode) == 0o600, f
    first = open(cps).readline().split()
    assert first[0] == "xueji-audit-checkpoint-v1" and len(first) == 6
    # no entry carries a NULL MAC in a database made by init
    assert sql(world.db, "select count(*) from audit_log where mac is null"
               ) == ["0"]


def last_checkpoint(db):
    cps = side_path(db, ".checkpoints")
    line = open(cps).read().splitlines()[-1].split()
    return int(line[2]), int(line[3])


def test_server_checkpoints_periodically_and_on_shutdown(tmp_path):
    db = tmp_path / "cp.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    os.environ["XJ_CHECKPOINT_SECONDS"] = "1"
    try:
        srv = Server(db, ["serve"], tmp_path)
    finally:
        del os.environ["XJ_CHECKPOINT_SECONDS"]
    try:
        a = Api(srv.base, "admin", ADMIN_PW)     # a log-in is audited
        head = int(sql(db, "select max(id) from audit_log")[0])
        deadline = time.monotonic() + 10
        while last_checkpoint(db)[1] < head and time.monotonic() < deadline:
            time.sleep(0.2)
        assert last_checkpoint(db)[1] == head
        a.client.delete("/session", headers={"X-CSRF-Token": a.csrf})
    finally:
        rc, _ = srv.stop()
    assert rc == 0
    count, head = last_checkpoint(db)
    assert (count, head) == tuple(int(x) for x in sql(
        db, "select count(*), max(id) from audit_log")[0].split("|"))
    assert sql(db, "select action from audit_log where id = %d" % head
               ) == ["logout"]
    p = cli_ok("check", db=db)
    assert "audit checkpoints: ok" in p.stdout


def test_old_database_gets_a_key_covering_older_rows(tmp_path):
    """A database from before the key: check warns but passes; the first
    serve creates the key, whose first entry fixes every older row."""
    db = tmp_path / "old.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    os.unlink(side_path(db, ".auditkey"))
    os.unlink(side_path(db, ".checkpoints"))
    if BACKEND == "pg":
        sql(db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
                " UPDATE audit_log SET mac = NULL; ALTER TABLE audit_log"
                " ENABLE TRIGGER audit_log_no_update;")
    else:
        sql(db, "DROP TRIGGER audit_log_no_update;"
                "UPDATE audit_log SET mac = NULL;"
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON"
                " audit_log BEGIN SELECT RAISE (ABORT,"
                " 'audit_log is append-only'); END;")
    p = cli_ok("check", db=db)
    assert "audit key: none" in p.stdout
    old = int(sql(db, "select count(*) from audit_log")[0])
    srv = Server(db, ["serve"], tmp_path)
    rc, _ = srv.stop()
    assert rc == 0
    key = side_path(db, ".auditkey")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    p = cli_ok("check", db=db)
    assert f"{old} of them before the key" in p.stdout
    # rewriting an old, unkeyed entry and re-hashing is found by the MAC
    # of the first keyed one
    tamper(db, "update audit_log set username = 'x' where id = 1")
    line = check_fails(db)
    assert "MAC" in line and f"#{old + 1}" in line, line


def test_cli_writes_are_checkpointed_without_a_server(tmp_path):
    """`user add` (like gen, import, export) checkpoints what it recorded,
    so deleting it is found although no server ran; a read-only command
    adds no line."""
    db = tmp_path / "cli.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    cps = side_path(db, ".checkpoints")
    cli_ok("user", "list", db=db)
    assert len(open(cps).read().splitlines()) == 1
    cli_ok("user", "add", "cp_user", "--role", "bureau", "--region",
           "441823", db=db, env={"XUEJI_PASSWORD": PW})
    assert len(open(cps).read().splitlines()) == 2
    assert last_checkpoint(db)[1] == int(
        sql(db, "select max(id) from audit_log")[0])
    sql(db, unguard("delete") + "DELETE FROM audit_log"
            " WHERE id = (select max(id) from audit_log);")
    line = check_fails(db)
    assert "deleted" in line, line
