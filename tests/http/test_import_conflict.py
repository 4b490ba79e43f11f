"""An import undone by a concurrent registration names the row (issue 10
point 4): on PostgreSQL the import's rows go in by COPY after its own
checks, so an ID or registry number another session commits in between
is found by the unique index only, and the whole import is undone
(import_conflict).  The error names the file's row, the column, the
number and the reason, as any row error does.

The other session here is psql: it inserts a record with one of the
file's numbers and keeps its transaction open, so the import's check
does not see it; the import's COPY then waits on that row's index entry
and fails when psql commits.  PostgreSQL only: on SQLite the import
holds the one writer lock and each row's INSERT reports its own clash
(id_exists / registry_no_exists, tests/http/test_imports.py)."""
import csv
import subprocess
import time

import pytest

from conftest import (ADMIN_PW, BACKEND, BIN, cli_ok, db_env, db_url,
                      hold_insert, sql)

YS = "441823"

pytestmark = pytest.mark.skipif(
    BACKEND != "pg", reason="PostgreSQL: SQLite has one writer by nature")


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    """The import file's header and rows: 8 students of the county's one
    school, made by gen in a scratch registry and exported."""
    tmp = tmp_path_factory.mktemp("import_conflict")
    src = tmp / "src.db"
    cli_ok("init", db=src, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    cli_ok("gen", "--county", YS, "--schools", "1", "--students", "8",
           db=src)
    out = tmp / "all.csv"
    cli_ok("export", "students", "--out", str(out), db=src)
    with open(out, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def registry(tmp):
    """A registry with the same school and no students."""
    db = tmp / "reg.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    cli_ok("gen", "--county", YS, "--schools", "1", "--students", "0",
           db=db)
    return db


@pytest.mark.parametrize("field", ["身份证件号", "学籍号"])
def test_conflict_names_row_column_and_number(tmp_path, rows, field):
    db = registry(tmp_path)
    f = tmp_path / "in.csv"
    with open(f, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    head = rows[0]
    target = rows[3]    # the file's row 4 (the header is row 1)
    ii, ri = head.index("身份证件号"), head.index("学籍号")
    if field == "身份证件号":
        holder = hold_insert(db, "T" + target[ii], target[ii])
    else:
        holder = hold_insert(db, target[ri], "450103201501010011")
    try:
        imp = subprocess.Popen(
            [BIN, "--db", db_url(db), "import", "students", str(f),
             "--create-classes"], env=db_env(db), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        # the import's COPY waits on the uncommitted row's index entry
        t0 = time.monotonic()
        while sql(db, "select count(*) from pg_locks where not granted") \
                == ["0"]:
            assert imp.poll() is None, imp.communicate()
            assert time.monotonic() - t0 < 60
            time.sleep(0.05)
        holder.stdin.write("COMMIT;\n")
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
        out, err = imp.communicate(timeout=120)
    finally:
        if holder.poll() is None:
            holder.kill()
    assert imp.returncode != 0, (out, err)
    value = target[ii] if field == "身份证件号" else target[ri]
    line = [l for l in out.splitlines() if l.startswith("第")]
    assert line == ["第4行 %s「%s」：导入期间其他用户登记了相同的%s%s，"
                    "本行无法写入；导入已整体撤销，未写入任何数据，请重新导入"
                    % (field, value, field, value)], out
    # undone whole: only the other session's record
    assert sql(db, "select count(*) from students") == ["1"]
    assert sql(db, "select count(*) from student_events") == ["0"]
