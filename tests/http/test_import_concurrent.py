"""An import never blocks registration or changes in other schools on
PostgreSQL (issue 10, point 4): while a large import into one school runs,
a registrar of another school registers a student and the county bureau
approves a change there, each answered promptly, and the import still
succeeds: it runs READ COMMITTED (xj_db_txn_run_long), so the writes
committed meanwhile do not fail it as they failed its SERIALIZABLE
transaction, and the audit chain stays one chain (xj_db_chain_lock).

PostgreSQL only: SQLite has one writer at a time by nature, and there a
write during an import answers 503 db_busy within a second (docs/api.md).
The import's bulk mode keeps the students' indexes on PostgreSQL (DROP
INDEX would lock the table for everyone) and its rows go in by COPY."""
import csv
import time

import pytest

from changes_world import ChangeWorld, epoch, started
from conftest import (ADMIN_PW, BACKEND, PW, cli_ok, make_id,
                      primary_body, sql, student_body, unique_phone)

YS = "441823"
N = 60000  # the import must outlast a few rounds: 20,000 rows now take ~2 s

pytestmark = pytest.mark.skipif(
    BACKEND != "pg", reason="PostgreSQL: SQLite has one writer by nature")


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("import_concurrent")
    world = ChangeWorld(tmp, [(YS, 2, 77)], [], epoch(2026, 9, 28),
                        per_school=20)
    # the file: students of one school made by gen with the world's own
    # parameters (the same schools and stages) in a scratch database,
    # exported, cut to the rows of the first row's school
    src = tmp / "src.db"
    cli_ok("init", db=src, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    cli_ok("gen", "--county", YS, "--schools", "2", "--students",
           str(2 * N), "--seed", "77", db=src)
    full = tmp / "full.csv"
    cli_ok("export", "students", "--out", str(full), db=src)
    with open(full, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    col = rows[0].index("学校标识码")
    c1 = rows[1][col]
    world.csv = tmp / "big.csv"
    with open(world.csv, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([rows[0]] + [r for r in rows[1:]
                                             if r[col] == c1])
    c2 = [c for c in world.school if c != c1][0]
    for name, role, opt in (("ys_bureau", "bureau", ["--region", YS]),
                            ("ys_reg2", "registrar", ["--school", c2])):
        cli_ok("user", "add", name, "--role", role, *opt, db=world.db,
               env=dict(world.env, XUEJI_PASSWORD=PW))
        world.passwords[name] = PW
    world.c1, world.c2 = c1, c2
    yield world
    assert world.close() == 0


def timed(fn):
    t0 = time.monotonic()
    r = fn()
    return r, time.monotonic() - t0


def test_registration_and_change_elsewhere_during_import(w):
    admin = w.api("admin")
    before = int(sql(w.db, "select count(*) from students where school_id"
                     " = %d" % w.sid(w.c1))[0])
    with open(w.csv, "rb") as f:
        r = admin.post("/imports", files={"file": ("big.csv", f, "text/csv")},
                       data={"valid_only": "true", "create_classes": "true"})
    assert r.status_code == 202, r.text
    iid = r.json()["id"]
    t0 = time.monotonic()
    while admin.get(f"/imports/{iid}").json()["status"] != "running":
        assert time.monotonic() - t0 < 60
        time.sleep(0.05)
    reg, bureau = w.api("ys_reg2"), w.api("ys_bureau")
    stage = sql(w.db, "select stage from schools where id = %d"
                % w.sid(w.c2))[0]
    mk = primary_body if stage in ("primary", "nine_year",
                                   "twelve_year") else student_body
    # rounds of (register, request and approve a change) in school 2 for
    # as long as the import runs (so some fall on its last statements:
    # the audit append); a round counts when the import was running
    # before and after it
    inside, times, registered = 0, [], []
    for _ in range(400):
        if admin.get(f"/imports/{iid}").json()["status"] != "running":
            break
        body = mk(g1_phone=unique_phone())
        body["id_no"] = make_id(body["birth_date"], body["gender"],
                                region="450103")
        r1, t_reg = timed(lambda: reg.post("/students", json=body))
        assert r1.status_code == 201, r1.text
        registered.append(r1.json()["id"])
        c = started(reg, type="suspend", student_id=w.student(w.c2))
        r2, t_app = timed(lambda: bureau.post(
            "/changes/%d/approve" % c["id"], json={}))
        assert r2.status_code == 200, r2.text
        times += [t_reg, t_app]
        if admin.get(f"/imports/{iid}").json()["status"] == "running":
            inside += 1
    # answered while the import was still writing, and promptly
    print("\nlatency during the import (s): registration %s; approval %s"
          % (" ".join("%.3f" % t for t in times[0::2]),
             " ".join("%.3f" % t for t in times[1::2])))
    assert inside >= 1, times
    assert max(times) < 3.0, times
    t0 = time.monotonic()
    while True:
        j = admin.get(f"/imports/{iid}").json()
        if j["status"] in ("done", "failed", "cancelled"):
            break
        assert time.monotonic() - t0 < 600
        time.sleep(0.2)
    assert j["status"] == "done", (j["message"], times)
    after = int(sql(w.db, "select count(*) from students where school_id"
                    " = %d" % w.sid(w.c1))[0])
    assert j["imported"] > N // 2, (j["message"], j["errors"][:3])
    assert after == before + j["imported"]
    # the import's events name its students only, the registration its own
    assert int(sql(w.db, "select count(*) from student_events where kind ="
                   " 'import'")[0]) == j["imported"]
    imported = {int(x) for x in sql(
        w.db, "select student_id from student_events where kind = 'import'")}
    assert not imported & set(registered)
    # the registrations made meanwhile have their name grams and numbers
    # (on PostgreSQL the import's session marks its COPYs so the insert
    # trigger skips their rows: never another session's, 0044)
    ids = ",".join(str(i) for i in registered)
    for t in ("student_name_grams", "student_identities", "registry_numbers"):
        assert sql(w.db, "select count(distinct student_id) from %s where"
                   " student_id in (%s)" % (t, ids)) == [str(len(registered))], t
    # the audit chain stayed one chain: the import's entry and the
    # registrations' and approvals' entries appended meanwhile
    cli_ok("check", db=w.db, env=w.env)



def test_same_id_registered_elsewhere_during_import_ends_with_one(w):
    """READ COMMITTED does not weaken the ID rule: a registrar of another
    school registers, while the import runs, a person whose ID is on one
    of the file's last rows.  Whichever commits first keeps the ID: the
    registration (then the import's COPY meets the unique index and the
    import is undone whole: import_conflict, nothing written) or the
    import (then the registration is refused); never two records."""
    with open(w.csv.parent / "full.csv", encoding="utf-8-sig",
              newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    col = head.index("学校标识码")
    mine = [r for r in rows[1:] if r[col] == w.c2]
    other = w.c1
    cli_ok("user", "add", "ys_reg1", "--role", "registrar", "--school",
           other, db=w.db, env=dict(w.env, XUEJI_PASSWORD=PW))
    w.passwords["ys_reg1"] = PW
    reg = w.api("ys_reg1")
    stage = sql(w.db, "select stage from schools where id = %d"
                % w.sid(other))[0]
    mk = primary_body if stage in ("primary", "nine_year",
                                   "twelve_year") else student_body
    body = mk(g1_phone=unique_phone())
    bi, si, ii = (head.index(c) for c in ("出生日期", "性别", "身份证件号"))
    # the file's last row (registration only warns when the age does not
    # fit the grade)
    row = mine[-1]
    body.update(id_no=row[ii], birth_date=row[bi],
                gender=1 if row[si].startswith(("1", "男")) else 2)
    f2 = w.csv.parent / "school2.csv"
    with open(f2, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([head] + mine)
    before = int(sql(w.db, "select count(*) from students")[0])
    admin = w.api("admin")
    with open(f2, "rb") as f:
        r = admin.post("/imports", files={"file": ("s2.csv", f, "text/csv")},
                       data={"valid_only": "true", "create_classes": "true"})
    assert r.status_code == 202, r.text
    iid = r.json()["id"]
    t0 = time.monotonic()
    while admin.get(f"/imports/{iid}").json()["status"] != "running":
        assert time.monotonic() - t0 < 60
        time.sleep(0.05)
    r1, t_reg = timed(lambda: reg.post("/students", json=body))
    print("\nregistration of a file's ID during the import: %d in %.3f s"
          % (r1.status_code, t_reg))
    while True:
        j = admin.get(f"/imports/{iid}").json()
        if j["status"] in ("done", "failed", "cancelled"):
            break
        assert time.monotonic() - t0 < 600
        time.sleep(0.2)
    n = int(sql(w.db, "select count(*) from students where id_no = '%s'"
                % row[ii])[0])
    assert n == 1, (r1.status_code, r1.text, j["status"], j["message"])
    # the identity table (migration 0038) agrees: one row, that record's
    assert sql(w.db, "select count(*) from student_identities i join"
               " students st on st.id = i.student_id and st.id_no = i.id_no"
               " where i.id_no = '%s'" % row[ii]) == ["1"]
    after = int(sql(w.db, "select count(*) from students")[0])
    if r1.status_code == 201 and j["status"] == "failed":
        # the registration won after the import's ID check: the COPY met
        # the unique index and the import is undone whole
        assert "导入期间其他用户登记" in j["message"], j["message"]
        assert after == before + 1
    elif r1.status_code == 201:
        # the registration won before the import's ID check of that row
        # (READ COMMITTED sees it): the row is refused, naming the ID
        assert j["status"] == "done", j["message"]
        assert any(e["code"] == "id_exists" and e["value"] == row[ii]
                   for e in j["errors"]), j["errors"][:5]
        assert after == before + 1 + j["imported"]
    else:
        assert r1.status_code in (409, 503), r1.text
        assert j["status"] == "done", j["message"]
        assert after == before + j["imported"]
    cli_ok("check", db=w.db, env=w.env)
