"""The command line: help texts, init, gen, user, check, backup, demo."""
import os
import re

import pytest

from conftest import (ADMIN_PW, BACKEND, DEMO_PW, PW, Api, Server, cli_ok,
                      copy_audit_key, db_copy, db_present, db_state, db_url,
                      run_cli, side_path,
                      sql)

SUBCOMMANDS = ["init", "serve", "demo", "gen", "user", "check", "backup",
               "routes"]


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\S+ (DEBUG|INFO) ")


def one_line(p):
    """The one line saying why (informational log lines aside)."""
    lines = [l for l in p.stderr.splitlines()
             if l.strip() and not LOG_LINE.match(l)]
    assert len(lines) == 1, p.stderr
    return lines[0]


def test_main_help():
    for args in (["--help"], ["-h"]):
        p = run_cli(*args)
        assert p.returncode == 0
        assert p.stdout.startswith("Usage: xueji")
        for c in SUBCOMMANDS:
            assert f"\n  {c} " in p.stdout, c


@pytest.mark.parametrize("cmd", SUBCOMMANDS)
def test_subcommand_help(cmd, tmp_path):
    p = run_cli(cmd, "--help", db=tmp_path / "none.db")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("Usage: xueji"), p.stdout
    assert cmd in p.stdout.splitlines()[0]
    # --help never does the work (no database appears)
    assert not db_present(tmp_path / "none.db")


def test_no_command_and_unknown_command(tmp_path):
    p = run_cli()
    assert p.returncode != 0
    assert "Usage" in p.stderr
    p = run_cli("frobnicate", db=tmp_path / "x.db")
    assert p.returncode != 0
    assert "frobnicate" in one_line(p)
    p = run_cli("--bogus-option", "check")
    assert p.returncode != 0
    assert "--bogus-option" in one_line(p)


def test_init_creates_and_refuses_existing(tmp_path):
    db = tmp_path / "a.db"
    p = cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    assert db_present(db)
    assert "admin" in p.stdout
    before = db_state(db)
    p = run_cli("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    assert p.returncode != 0
    assert db_url(db) in one_line(p)
    assert db_state(db) == before
    assert cli_ok("check", db=db).returncode == 0
    # regions were loaded: GB/T 2260 down to townships
    assert int(sql(db, "select count(*) from regions where code like "
                       "'441823%'")[0]) > 10


def test_init_generates_a_password(tmp_path):
    db = tmp_path / "gen.db"
    p = run_cli("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ""})
    assert p.returncode == 0, p.stderr
    assert "password:" in p.stdout


def test_init_weak_password_leaves_no_file(tmp_path):
    db = tmp_path / "weak.db"
    p = run_cli("init", db=db, env={"XUEJI_ADMIN_PASSWORD": "short"})
    assert p.returncode != 0
    one_line(p)
    assert not db_present(db)


def test_commands_on_missing_db_fail_cleanly(tmp_path):
    db = tmp_path / "missing.db"
    for args in (["check"], ["user", "list"], ["backup", tmp_path / "b.db"],
                 ["gen", "--county", "441823", "--schools", "1",
                  "--students", "1"], ["serve", "--listen", "127.0.0.1:0"]):
        p = run_cli(*args, db=db, timeout=30)
        assert p.returncode != 0, args
        if BACKEND == "pg":
            # libpq's reason is logged first, then the command's line
            assert "does not exist" in p.stderr, p.stderr
            p.stderr = "\n".join(l for l in p.stderr.splitlines()
                                 if "cannot connect to postgresql" not in l)
        one_line(p)
        assert not db_present(db), args


@pytest.mark.sqlite_only("`xueji backup` copies the SQLite file (pg_dump"
                         " on PostgreSQL: test_backup_refused_on_pg)")
def test_backup_is_checkable_and_refuses_existing_dest(world, tmp_path):
    dest = tmp_path / "backup.db"
    p = cli_ok("backup", dest, db=world.db)
    assert str(dest) in p.stdout
    # the copy alone cannot be verified: its key is kept apart
    p = run_cli("check", db=dest)
    assert p.returncode != 0 and ".auditkey" in one_line(p)
    copy_audit_key(world.db, dest)
    p = cli_ok("check", db=dest)
    assert "audit chain: ok" in p.stdout and "MACs verified" in p.stdout
    assert "audit checkpoints: ok" in p.stdout
    n_live = int(sql(world.db, "select count(*) from schools")[0])
    assert int(sql(dest, "select count(*) from schools")[0]) == n_live
    p = run_cli("backup", dest, db=world.db)
    assert p.returncode != 0
    one_line(p)
    p = run_cli("backup", db=world.db)
    assert p.returncode != 0


@pytest.mark.skipif(BACKEND != "pg", reason="PostgreSQL only")
def test_backup_refused_on_pg(world, tmp_path):
    """On PostgreSQL `xueji backup` refuses in one line naming the tool
    to use, and writes nothing."""
    dest = tmp_path / "backup.db"
    p = run_cli("backup", dest, db=world.db)
    assert p.returncode != 0
    assert "pg_dump" in one_line(p)
    assert not dest.exists()


def test_user_list(world):
    p = cli_ok("user", "list", db=world.db)
    lines = p.stdout.splitlines()
    assert "username" in lines[0]
    names = {l.split()[1] for l in lines[1:]}
    assert {"admin", "ys_reg1", "ys_bureau", "yd_bureau", "ys_teacher1",
            "qy_bureau"} <= names
    row = next(l for l in lines if " ys_bureau " in l)
    assert "bureau" in row and "441823" in row


def test_user_add_errors(world):
    env = {"XUEJI_PASSWORD": PW}
    for args, extra_env in (
            (["user", "add", "x1", "--role", "bureau"], env),
            (["user", "add", "x2", "--role", "bureau", "--region", "999"],
             env),
            (["user", "add", "x3", "--role", "registrar", "--school",
              "0000000000"], env),
            (["user", "add", "x4", "--role", "wizard"], env),
            (["user", "add", "ys_reg1", "--role", "bureau", "--region",
              "4418"], env),
            (["user", "add", "x5", "--role", "bureau", "--region", "4418"],
             {"XUEJI_PASSWORD": "short"})):
        p = run_cli(*args, db=world.db, env=extra_env)
        assert p.returncode != 0, args
        one_line(p)
    names = {l.split()[1] for l in cli_ok("user", "list",
                                          db=world.db).stdout.splitlines()[1:]}
    assert not names & {"x1", "x2", "x3", "x4", "x5"}


def test_user_add_and_passwd_take_effect_on_live_server(world):
    """A user added (and re-passworded) by the CLI while the server runs
    can log in at once; the old password stops working."""
    cli_ok("user", "add", "cli_user", "--role", "bureau", "--region",
           "441881", "--name", "命令行用户", db=world.db,
           env={"XUEJI_PASSWORD": PW})
    a = Api(world.base, "cli_user", PW)
    assert a.user["display_name"] == "命令行用户"
    assert a.user["region_code"] == "441881"
    assert a.get("/schools").json()["total"] == 2
    a.close()
    cli_ok("user", "passwd", "cli_user", db=world.db,
           input="another-pass-2026\n", env={"XUEJI_PASSWORD": ""})
    with world.client() as c:
        r = c.post("/session", json={"username": "cli_user", "password": PW})
        assert r.status_code == 401
        r = c.post("/session", json={"username": "cli_user",
                                     "password": "another-pass-2026"})
        assert r.status_code == 200
    p = run_cli("user", "passwd", "nobody_here", db=world.db,
                env={"XUEJI_PASSWORD": PW})
    assert p.returncode != 0


@pytest.fixture(scope="module")
def blank_db(tmp_path_factory):
    """A freshly initialised database to copy (init costs ~1 s under ASan)."""
    db = tmp_path_factory.mktemp("blank") / "blank.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    assert not os.path.exists(str(db) + "-wal") or \
        os.path.getsize(str(db) + "-wal") == 0
    return db


def fresh_db(blank_db, path):
    return db_copy(blank_db, path)


def test_gen_is_deterministic(blank_db, tmp_path):
    dumps = []
    for name, seed in (("g1.db", "5"), ("g2.db", "5"), ("g3.db", "6")):
        db = fresh_db(blank_db, tmp_path / name)
        p = cli_ok("gen", "--county", "441823", "--schools", "2",
                   "--students", "60", "--seed", seed, db=db)
        assert "60 students" in p.stdout
        dumps.append(sql(db, "select registry_no, name from students "
                             "order by id"))
    assert len(dumps[0]) == 60
    assert dumps[0] == dumps[1]
    assert dumps[0] != dumps[2]
    assert cli_ok("check", db=tmp_path / "g1.db").returncode == 0


def test_gen_fresh_county_then_again(blank_db, tmp_path):
    """A county nobody is numbered in yet goes through the bulk appends
    (COPY on PostgreSQL): two batches of rows with ids 1..N, one "gen"
    event each.  A second run on the same county takes the row-by-row
    path, where a number an earlier run used is skipped for the next."""
    db = fresh_db(blank_db, tmp_path / "gf.db")
    cli_ok("gen", "--county", "441823", "--schools", "2", "--students",
           "5100", db=db)
    assert sql(db, "select count(*), min(id), max(id) from students") == [
        "5100|1|5100"]
    assert sql(db, "select count(*), count(distinct student_id), min(actor)"
               " from student_events where kind = 'gen'") == ["5100|5100|gen"]
    p = cli_ok("gen", "--county", "441823", "--schools", "2", "--students",
               "100", db=db)
    assert "100 students" in p.stdout
    assert sql(db, "select count(*), count(distinct registry_no) from"
               " students") == ["5200|5200"]
    assert cli_ok("check", db=db).returncode == 0


def test_gen_errors(blank_db, tmp_path):
    db = fresh_db(blank_db, tmp_path / "ge.db")
    for args in (["--county", "999999", "--schools", "1", "--students", "1"],
                 ["--county", "441823", "--schools", "0", "--students", "1"],
                 ["--county", "441823", "--schools", "1", "--students", "x"],
                 ["--schools", "1", "--students", "1"]):
        p = run_cli("gen", *args, db=db)
        assert p.returncode != 0, args
        one_line(p)
    assert sql(db, "select count(*) from students") == ["0"]


def test_import_report_all_rows_is_the_whole_file(blank_db, tmp_path):
    """--report lists the failed rows with their errors; with --all-rows
    every row of the file, the failed ones with their errors, in file
    order (rows after the last failed one used to be left out)."""
    import csv
    db = fresh_db(blank_db, tmp_path / "ir.db")
    cli_ok("gen", "--county", "441823", "--schools", "4", "--students",
           "40", db=db)
    src = tmp_path / "in.csv"
    p = cli_ok("gen", "--out", str(src), "--students", "300", "--errors",
               "0.1", "--seed", "3", db=db)
    assert "with a planted error" in p.stdout + p.stderr

    def rows(path):
        with open(path, encoding="utf-8-sig", newline="") as f:
            return list(csv.reader(f))

    given = rows(src)
    for extra, name in (([], "failed.csv"), (["--all-rows"], "all.csv")):
        out = tmp_path / name
        run_cli("import", "students", str(src), "--dry-run", "--report",
                str(out), *extra, db=db)
        got = rows(out)
        assert got[0] == given[0] + ["错误"]
        failed = [r for r in got[1:] if r[-1]]
        assert failed and all(r[:-1] in given for r in failed)
        if extra:
            assert [r[:-1] for r in got[1:]] == given[1:]
            assert got[-1][:-1] == given[-1]
        else:
            assert len(got) - 1 == len(failed) < len(given) - 1
    assert sql(db, "select count(*) from students") == ["40"]


def test_serve_rejects_demo_options(tmp_path, world):
    p = run_cli("serve", "--schools", "3", db=world.db, timeout=30)
    assert p.returncode != 0
    one_line(p)


def test_routes_prints_every_route():
    p = cli_ok("routes")
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    assert len(lines) >= 19
    assert any(l.split()[:2] == ["POST", "/api/v1/session"] for l in lines)


def test_demo_creates_users_and_stops_cleanly(tmp_path):
    db = tmp_path / "demo.db"
    srv = Server(db, ["demo", "--schools", "4", "--students", "400"],
                 tmp_path)
    try:
        assert "ys_reg1" in srv.stdout and DEMO_PW in srv.stdout
        first = sql(db, "select id, name from schools order by code "
                        "limit 1")[0].split("|")
        assert sql(db, "select count(*) from students") == ["400"]
        assert sql(db, "select count(*) from schools") == ["4"]
        reg = Api(srv.base, "ys_reg1", DEMO_PW)
        assert reg.user["school_id"] == int(first[0])
        assert reg.user["school_name"] == first[1]
        total = reg.get("/students").json()["total"]
        assert 0 < total < 400
        t = Api(srv.base, "ys_teacher1", DEMO_PW)
        assert len(t.user["class_ids"]) == 1
        head = t.get(f"/classes/{t.user['class_ids'][0]}").json()[
            "student_count"]
        assert t.get("/students").json()["total"] == head
        reg.close()
        t.close()
    finally:
        rc, secs = srv.stop()
    assert rc == 0, srv.stderr_text()[-2000:]
    assert secs < 5
    # a second run only serves: no second county, same data
    srv = Server(db, ["demo", "--schools", "4", "--students", "400"],
                 tmp_path)
    rc, _ = srv.stop()
    assert rc == 0
    assert sql(db, "select count(*) from students") == ["400"]


def test_sigterm_with_idle_keepalive_connection(world, tmp_path):
    """A throwaway server stops promptly and cleanly even while a client
    holds an idle keep-alive connection."""
    db = tmp_path / "ka.db"
    if BACKEND == "pg":
        # no file copy of a live PostgreSQL database: a new one, its key
        # put aside (as a restore that forgot it)
        cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
        key = side_path(db, ".auditkey")
        saved = key.read_bytes()
        key.unlink()
    else:
        cli_ok("backup", db, db=world.db)
    # a restored copy without its key does not start (a new key would
    # leave the old entries unverifiable)
    p = run_cli("serve", "--listen", "127.0.0.1:0", db=db, timeout=30)
    assert p.returncode != 0 and "密钥" in one_line(p)
    if BACKEND == "pg":
        key.write_bytes(saved)
        key.chmod(0o600)
    else:
        copy_audit_key(world.db, db)
    srv = Server(db, ["serve"], tmp_path)
    from conftest import make_client
    with make_client(srv.base) as c:
        assert c.get("/session").status_code == 401     # connection stays
        rc, secs = srv.stop()
    assert rc == 0, srv.stderr_text()[-2000:]
    assert secs < 5
    assert cli_ok("check", db=db).returncode == 0
    # the WAL was checkpointed or at least the db is consistent
    assert db_present(db)
