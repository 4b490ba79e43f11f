"""kill -9 during `xueji import students`: the database is left as before the
import or with all of it, never in between, and `xueji check` passes.  On
both backends (on PostgreSQL the import's one transaction dies with its
connection)."""
import signal
import subprocess
import time

import pytest

from conftest import ADMIN_PW, BACKEND, BIN, cli_ok, db_env, db_url, sql

N = 20000


def write_file(db, path):
    """@N valid rows for the county's schools, made with the CLI: generate
    into a scratch database, export, import into @db (fresh schools)."""
    src = path.parent / "src.db"
    cli_ok("init", db=src, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    cli_ok("gen", "--county", "441823", "--schools", "5", "--students",
           str(N), db=src)
    cli_ok("export", "students", "--out", str(path), db=src)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kill")
    f = tmp / "big.csv"
    write_file(None, f)
    return f


def fresh_db(tmp, name):
    db = tmp / name
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    cli_ok("gen", "--county", "441823", "--schools", "5", "--students", "0",
           db=db)
    return db


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.5, 1.0, 2.0])
def test_kill_9_leaves_before_or_all(big, tmp_path, delay):
    db = fresh_db(tmp_path, "k.db")
    before = int(sql(db, "select count(*) from students")[0])
    env = db_env(db)
    p = subprocess.Popen([BIN, "--db", db_url(db), "import", "students",
                          str(big), "--create-classes"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env)
    time.sleep(delay)
    killed = p.poll() is None
    if killed:
        p.send_signal(signal.SIGKILL)
    p.wait()
    after = int(sql(db, "select count(*) from students")[0])
    events = int(sql(db, "select count(*) from student_events")[0])
    assert after in (before, before + N), (delay, before, after)
    assert events == after - before
    chk = subprocess.run([BIN, "--db", db_url(db), "check"],
                         capture_output=True, text=True, env=env)
    assert chk.returncode == 0, chk.stdout + chk.stderr
    # the indexes a bulk import drops are all there again
    if BACKEND == "pg":
        q = ("select indexname from pg_indexes where tablename in"
             " ('students', 'student_events')")
    else:
        q = ("select name from sqlite_master where type = 'index'"
             " and tbl_name in ('students', 'student_events')")
    idx = set(sql(db, q))
    assert {"students_list", "students_class",
            "students_dupkey", "students_enrolled",
            "students_asof", "student_events_student"} <= idx
    # students_id_no is SQLite's alone since migration 0043 (PostgreSQL
    # reads the ID numbers' look-ups from student_identities)
    assert ("students_id_no" in idx) == (BACKEND != "pg"), idx
    assert "students_name" not in idx   # migration 0037
    # the identity tables (0038) hold every record, the import's too (on
    # SQLite written in key order at the end: no trigger left held back)
    assert sql(db, "select count(*) from registry_numbers") == [str(after)]
    assert sql(db, "select count(*) from backfills"
               " where name = 'identities'") == ["0"]
    if not killed:
        assert after == before + N
