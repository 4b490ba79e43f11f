"""Operations (docs/deploy.md): the nightly backup and its restore drill,
and upgrading a database of every earlier schema version.

Upgrade fixtures: a database made by the current binary (init, gen, a
user, a registration through the API) is taken back to schema version k
for every k below the latest by dropping what migrations k+1.. created
(tables, indexes, triggers, added columns) and deleting their
schema_version rows.  That is faithful because every migration after
0001 only adds objects and columns, inserts with OR IGNORE, fills a
table it creates itself (so the upgrade re-creates exactly those rows)
or a column it adds (0039's province, which `xueji check` then proves);
the test checks that, so a migration that updates or deletes data must
bring a fixture of its own.  Opening it with the
current binary must migrate it to the latest version with exactly the
schema of a fresh database, keep every row, and pass `xueji check`."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import (ADMIN_PW, BACKEND, PW, ROOT, Api, Server, cli_ok,
                      db_url, pg_create, primary_body, run_cli, sql)

MIGRATIONS = sorted((ROOT / "src" / "db" / "migrations").glob("*.sql"))
CREATE = re.compile(r"CREATE\s+(?:UNIQUE\s+)?(TABLE|INDEX|TRIGGER|VIEW)\s+"
                    r"(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.I)
ADD_COLUMN = re.compile(r"ALTER\s+TABLE\s+(\w+)\s+ADD\s+(?:COLUMN\s+)?(\w+)",
                        re.I)
DROP_TABLE = re.compile(r"DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\w+)", re.I)
DROP_INDEX = re.compile(r"^\s*DROP\s+INDEX\s+(?:IF\s+EXISTS\s+)?(\w+)", re.I | re.M)
# a trigger a later migration replaced (0030: the placement log that now
# also keeps the dashboard's counts)
DROP_TRIGGER = re.compile(r"^\s*DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)",
                          re.I | re.M)
INSERT = re.compile(r"INSERT\s+(OR\s+IGNORE\s+)?INTO\s+(\w+)", re.I)
# the backfill of a column the same migration adds (0039: province)
FILL = re.compile(r"UPDATE\s+(\w+)\s+SET\s+(\w+)\s*=", re.I)
# 0045: the guardian backfill of a registry with no record, which has
# nothing to fill (test_backfill_dropped_only_when_empty)
BACKFILL_EMPTY = re.compile(r"DELETE\s+FROM\s+backfills\s+WHERE\s+name\s*="
                            r"\s*'guardian_ids'\s+AND\s+NOT\s+EXISTS\s*"
                            r"\(SELECT\s+1\s+FROM\s+students\)$", re.I)
# default rows that never replace what is there (portable OR IGNORE)
DO_NOTHING = re.compile(r"ON\s+CONFLICT\s*(\([^)]*\))?\s*DO\s+NOTHING\s*$",
                        re.I)
DATA_TABLES = ["schools", "classes", "students", "users", "audit_log",
               "student_events", "regions"]


def copy_db(src, dst):
    """The database with what belongs to it: the audit key (0600) and the
    signed checkpoints (docs/internals/audit.md)."""
    shutil.copy(src, dst)
    for suffix in (".auditkey", ".checkpoints"):
        if Path(str(src) + suffix).exists():
            shutil.copy(str(src) + suffix, str(dst) + suffix)
            os.chmod(str(dst) + suffix, 0o600)


def version_of(path):
    return int(path.name.split("_")[0])


def schema(db):
    """Every object's SQL except schema_version's rows, normalised."""
    return sorted(l for l in sql(db, "select type || ' ' || name || ' ' || "
                                 "coalesce(sql, '') from sqlite_schema "
                                 "where name not like 'sqlite_%'"))


def counts(db):
    return {t: sql(db, f"select count(*) from {t}")[0] for t in DATA_TABLES}


@pytest.fixture(scope="module")
def current_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ops")
    db = tmp / "x.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    cli_ok("gen", "--county", "441823", "--schools", "2", "--students", "60",
           db=db)
    code = sql(db, "select code from schools where stage = 'primary' "
               "order by code limit 1")[0]
    cli_ok("user", "add", "ops_reg", "--role", "registrar", "--school", code,
           db=db, env={"XUEJI_PASSWORD": PW})
    srv = Server(db, ["serve"], tmp)
    try:
        a = Api(srv.base, "ops_reg", PW)
        school = int(sql(db, f"select id from schools where code = '{code}'")
                     [0])
        r = a.post("/students", json=primary_body(school_id=school))
        assert r.status_code == 201, r.text
        a.close()
    finally:
        assert srv.stop()[0] == 0
    return db


def statements(m):
    """@m's statements; a trigger whole, from CREATE TRIGGER to its END
    (its body's statements are its own, not the migration's)."""
    text = re.sub(r"--[^\n]*", "", m.read_text())
    out, body = [], None
    for s in (s.strip() for s in text.split(";")):
        if not s:
            continue
        if body is not None:
            body += "; " + s
            if s.upper() == "END":
                out.append(body)
                body = None
        elif re.match(r"CREATE\s+TRIGGER\b", s, re.I) and \
                re.search(r"\bBEGIN\b", s, re.I):
            body = s
        else:
            out.append(s)
    assert body is None, f"{m.name}: a trigger without its END"
    return out


@pytest.mark.sqlite_only("runs the SQLite migration's text on copies of"
                        " a SQLite file; the PostgreSQL twin is the same"
                        " statement (test_migrate checks a new database)")
def test_backfill_dropped_only_when_empty(current_db, tmp_path):
    """0045 runs on a database with records and a guardian backfill still
    due (one started before 0018): the row stays.  On a new database it
    is gone (init ran 0045 on no record)."""
    fresh = tmp_path / "fresh.db"
    cli_ok("init", db=fresh, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    assert sql(fresh, "select count(*) from backfills") == ["0"]
    m = next(p for p in MIGRATIONS if p.name.startswith("0045_"))
    text = re.sub(r"--[^\n]*", "", m.read_text()).strip()
    old = tmp_path / "old.db"
    copy_db(current_db, old)
    sql(old, "insert into backfills (name) values ('guardian_ids')")
    sql(old, text)
    assert sql(old, "select name from backfills") == ["guardian_ids"]
    sql(fresh, "insert into backfills (name) values ('guardian_ids')")
    sql(fresh, text)
    assert sql(fresh, "select count(*) from backfills") == ["0"]


def test_migrations_after_0001_only_add_objects():
    for m in MIGRATIONS[1:]:
        created = {n.lower() for _, n in CREATE.findall(m.read_text())}
        added = {(t.lower(), c.lower())
                 for t, c in ADD_COLUMN.findall(m.read_text())}
        for stmt in statements(m):
            if stmt.upper().startswith(("SELECT", "END", "BEGIN")):
                continue   # inside a trigger body
            ins = INSERT.match(stmt)
            fill = FILL.match(stmt)
            ok = (CREATE.match(stmt) or ADD_COLUMN.match(stmt)
                  or (fill and (fill.group(1).lower(),
                                fill.group(2).lower()) in added)
                  or DROP_TABLE.match(stmt) or DROP_INDEX.match(stmt)
                  or DROP_TRIGGER.match(stmt)
                  or BACKFILL_EMPTY.match(stmt)
                  or (ins and (ins.group(1)
                               or ins.group(2).lower() in created
                               or DO_NOTHING.search(stmt))))
            assert ok, f"{m.name} does more than add: {stmt[:80]!r}; " \
                "give it a fixture of its own in test_ops.py"


@pytest.mark.sqlite_only("rebuilds each earlier SQLite schema from the"
                        " SQLite migrations; on PostgreSQL:"
                        " test_pg_upgrade_from_every_earlier_version")
@pytest.mark.parametrize("k", [version_of(m) for m in MIGRATIONS[:-1]])
def test_upgrade_from_every_earlier_version(current_db, tmp_path, k):
    latest = version_of(MIGRATIONS[-1])
    db = tmp_path / f"v{k}.db"
    copy_db(current_db, db)
    drops, columns = [], []
    for m in MIGRATIONS:
        if version_of(m) > k:
            text = re.sub(r"--[^\n]*", "", m.read_text())
            drops += CREATE.findall(text)
            columns += ADD_COLUMN.findall(text)
    order = {"TRIGGER": 0, "VIEW": 1, "INDEX": 2, "TABLE": 3}
    stmts = [f"DROP {kind} IF EXISTS {name};" for kind, name in
             sorted(drops, key=lambda d: order[d[0].upper()])]
    created = {n.lower() for _, n in drops}
    stmts += [f"ALTER TABLE {t} DROP COLUMN {c};" for t, c in
              reversed(columns) if t.lower() not in created]
    # a table a later migration dropped (its rows moved elsewhere) is
    # re-created, empty, as the earlier migrations made it
    dropped = set()
    for m in MIGRATIONS:
        if version_of(m) > k:
            text = re.sub(r"--[^\n]*", "", m.read_text())
            dropped |= {t.lower() for t in DROP_TABLE.findall(text)}
            # an index a later migration replaced is re-created too
            dropped |= {i.lower() for i in DROP_INDEX.findall(text)}
            dropped |= {t.lower() for t in DROP_TRIGGER.findall(text)}
    # each object as the last migration up to k made it (a trigger
    # replaced twice, as the placement log by 0030 and 0039, once)
    again = {}
    for m in MIGRATIONS:
        if version_of(m) <= k:
            for st in statements(m):
                c = CREATE.match(st)
                on = re.search(r"\bON\s+(\w+)", st, re.I)
                if c and (c.group(2).lower() in dropped or
                          (c.group(1).upper() != "TABLE" and on and
                           on.group(1).lower() in dropped)):
                    again.pop(c.group(2).lower(), None)
                    again[c.group(2).lower()] = st + ";"
    stmts += list(again.values())
    stmts.append(f"DELETE FROM schema_version WHERE version > {k};")
    if ("audit_log", "mac") in [(t.lower(), c.lower()) for t, c in columns]:
        # before the keyed audit log there was no key and no checkpoints
        for suffix in (".auditkey", ".checkpoints"):
            Path(str(db) + suffix).unlink()
    sql(db, "PRAGMA foreign_keys=OFF; " + " ".join(stmts))
    assert sql(db, "select max(version) from schema_version") == [str(k)]
    before = counts(db)
    p = cli_ok("check", db=db)
    assert f"schema version {latest}" in p.stdout, p.stdout
    assert sql(db, "select max(version) from schema_version") == \
        [str(latest)]
    assert schema(db) == schema(current_db), \
        f"v{k} upgraded differs from a fresh database's schema"
    assert counts(db) == before
    # and the server opens it and serves its data
    srv = Server(db, ["serve"], tmp_path)
    try:
        a = Api(srv.base, "ops_reg", PW)
        r = a.get("/students", params={"per_page": 1})
        assert r.status_code == 200 and r.json()["total"] > 0
        a.close()
    finally:
        assert srv.stop()[0] == 0


PG_MIGRATIONS = sorted((ROOT / "src" / "db" / "migrations-pg").glob("*.sql"))


def pg_schema(db):
    """Every column, index, constraint and trigger of @db's tables,
    as PostgreSQL describes them."""
    q = ("SELECT 'c ' || table_name || '.' || column_name || ' ' ||"
         " data_type || ' ' || is_nullable || ' ' ||"
         " coalesce(column_default, '') FROM information_schema.columns"
         " WHERE table_schema = 'public'"
         " UNION ALL SELECT 'i ' || indexdef FROM pg_indexes"
         " WHERE schemaname = 'public'"
         " UNION ALL SELECT 'k ' || conrelid::regclass || ' ' ||"
         " pg_get_constraintdef(oid) FROM pg_constraint"
         " WHERE connamespace = 'public'::regnamespace"
         " UNION ALL SELECT 't ' || tgrelid::regclass || ' ' || tgname"
         " FROM pg_trigger WHERE NOT tgisinternal")
    return sorted(sql(db, q))


@pytest.fixture(scope="module")
def pg_fresh(tmp_path_factory):
    fresh = tmp_path_factory.mktemp("pgfresh") / "fresh.db"
    cli_ok("init", db=fresh, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    return fresh


@pytest.fixture(scope="module")
def pg_fresh_schema(pg_fresh):
    return pg_schema(pg_fresh)


#: Tables with a province column whose primary key does not hold it: the
#: identity tables (0038) keep an ID number and a registry number unique
#: across the country, so their key is the number alone; their province
#: says where the record holding it is (docs/decisions/0002).
PROVINCE_NOT_IN_KEY = {"student_identities", "registry_numbers"}

#: Each table of public with a province column and its primary key's
#: columns (partitions, in xj_part, are their parents').
PROVINCE_KEYS = (
    "SELECT c.relname, (SELECT string_agg(k.attname, ',' ORDER BY x.n)"
    " FROM pg_constraint p CROSS JOIN unnest(p.conkey) WITH ORDINALITY"
    " AS x (attnum, n) JOIN pg_attribute k ON k.attrelid = p.conrelid"
    " AND k.attnum = x.attnum WHERE p.conrelid = c.oid AND p.contype = 'p')"
    " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
    " AND a.attname = 'province' AND NOT a.attisdropped"
    " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN"
    " ('r', 'p')")

#: Each unique index but the primary key of a table of public with a
#: province column, and whether it holds province.
PROVINCE_UNIQUE = (
    "SELECT i.indexrelid::regclass, (SELECT attnum FROM pg_attribute"
    " WHERE attrelid = i.indrelid AND attname = 'province') = ANY"
    " (i.indkey) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
    " WHERE c.relnamespace = 'public'::regnamespace AND i.indisunique"
    " AND NOT i.indisprimary AND EXISTS (SELECT 1 FROM pg_attribute"
    " WHERE attrelid = c.oid AND attname = 'province')")

#: Unique without the province: a record is merged once, into whichever
#: survivor, and the merge row carries the survivor's province.
UNIQUE_WITHOUT_PROVINCE = {"student_merges_merged_id_key"}

#: Each foreign key between two tables of public that both have a
#: province column: whether it names province on both sides and cascades
#: an update (the clones on partitions left out: conparentid).
PROVINCE_REFS = (
    "SELECT f.conrelid::regclass || ' -> ' || f.confrelid::regclass || ' '"
    " || pg_get_constraintdef(f.oid), (SELECT attnum FROM pg_attribute"
    " WHERE attrelid = f.conrelid AND attname = 'province') = ANY (f.conkey)"
    " AND (SELECT attnum FROM pg_attribute WHERE attrelid = f.confrelid"
    " AND attname = 'province') = ANY (f.confkey) AND f.confupdtype = 'c'"
    " FROM pg_constraint f WHERE f.contype = 'f' AND f.conparentid = 0"
    " AND f.connamespace = 'public'::regnamespace AND EXISTS (SELECT 1"
    " FROM pg_attribute WHERE attrelid = f.conrelid AND attname ="
    " 'province') AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid ="
    " f.confrelid AND attname = 'province')")


@pytest.mark.skipif(BACKEND != "pg", reason="PostgreSQL only: SQLite keeps"
                    " id INTEGER PRIMARY KEY (docs/decisions/0002)")
def test_pg_province_in_every_registry_key(pg_fresh):
    """Issue 10 point 3: every registry table carries the province in its
    key (migrations 0040 and 0042).  The tables are those the catalogue
    lists with a province column, so a new registry table is checked the
    day it gets one; every foreign key between two of them names the
    province on both sides, so that a move across provinces carries the
    referencing rows along (ON UPDATE CASCADE); and so does every other
    unique index of theirs but one (what Citus asks of a table
    distributed by province)."""
    keys = {t: k.split(",") for t, k in
            (r.split("|") for r in sql(pg_fresh, PROVINCE_KEYS))}
    assert {"students", "imports", "change_requests"} <= set(keys), keys
    without = {t for t, k in keys.items() if "province" not in k}
    assert without == PROVINCE_NOT_IN_KEY, sorted(without)
    refs = [r.rsplit("|", 1) for r in sql(pg_fresh, PROVINCE_REFS)]
    assert any(fk.startswith("change_actions -> change_requests ")
               for fk, _ in refs), refs
    assert [fk for fk, ok in refs if ok != "t"] == []
    unique = dict(r.split("|") for r in sql(pg_fresh, PROVINCE_UNIQUE))
    assert "change_requests_open" in unique, unique
    assert {i for i, ok in unique.items() if ok != "t"} == \
        UNIQUE_WITHOUT_PROVINCE


@pytest.mark.skipif(BACKEND != "pg", reason="PostgreSQL only: SQLite's is"
                    " test_upgrade_from_every_earlier_version")
@pytest.mark.parametrize("k", [version_of(m) for m in PG_MIGRATIONS[:-1]])
def test_pg_upgrade_from_every_earlier_version(pg_fresh_schema, tmp_path, k):
    """A PostgreSQL database left at migration k (made by running the
    migration files up to k, as the runner records them) is upgraded by
    the next command to the schema of a fresh database."""
    latest = version_of(PG_MIGRATIONS[-1])
    db = tmp_path / f"v{k}.db"
    pg_create(db)
    stmts = ["CREATE TABLE schema_version (version bigint PRIMARY KEY,"
             " name text NOT NULL, applied_at text NOT NULL);"]
    for m in PG_MIGRATIONS:
        if version_of(m) <= k:
            stmts.append(m.read_text())
            stmts.append("INSERT INTO schema_version VALUES (%d, '%s', "
                         "'2026-01-01T00:00:00Z');"
                         % (version_of(m), m.stem.split("_", 1)[1]))
    f = tmp_path / "upto.sql"
    f.write_text("\n".join(stmts))
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1",
                        "-d", db_url(db), "-f", str(f)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert sql(db, "select max(version) from schema_version") == [str(k)]
    # any command that opens it migrates it (the audit key is not needed
    # for that; `user list` reads the registry)
    cli_ok("user", "list", db=db)
    assert sql(db, "select max(version) from schema_version") == \
        [str(latest)]
    assert pg_schema(db) == pg_fresh_schema, \
        f"v{k} upgraded differs from a fresh database's schema"


@pytest.mark.sqlite_only("`xueji backup` is SQLite only by design"
                        " (docs/db.md): PostgreSQL is backed up with"
                        " pg_dump, as test_audit's copies are")
def test_backup_while_serving_then_restore_drill(current_db, tmp_path):
    """The nightly job of docs/deploy.md: `xueji backup` of the live
    database (writes going on), `xueji check` of the copy; the drill:
    the copy, put in place of a lost database, serves the same data."""
    db = tmp_path / "live.db"
    copy_db(current_db, db)
    srv = Server(db, ["serve"], tmp_path)
    try:
        a = Api(srv.base, "ops_reg", PW)
        school = int(sql(db, "select school_id from users "
                         "where username = 'ops_reg'")[0])
        r = a.post("/students", json=primary_body(school_id=school))
        assert r.status_code == 201
        copy = tmp_path / "backup" / "xueji-nightly.db"
        copy.parent.mkdir(mode=0o700)
        p = cli_ok("backup", str(copy), db=db)
        assert "backup written" in p.stdout
        total = a.get("/students", params={"per_page": 1}).json()["total"]
        # a backup never overwrites: the nightly job names files by date
        p = run_cli("backup", str(copy), db=db)
        assert p.returncode != 0
        a.close()
    finally:
        assert srv.stop()[0] == 0
    # the copy is checked with the live key and its own checkpoints
    ckp = Path(str(copy) + ".checkpoints")
    assert ckp.exists()
    p = cli_ok("check", "--key", str(db) + ".auditkey", "--checkpoints",
               str(ckp), db=copy)
    assert "integrity: ok" in p.stdout and "audit chain: ok" in p.stdout
    # restore: the database is lost; the copy and its checkpoints take its
    # place (the key stays where it is)
    for suffix in ("", "-wal", "-shm", ".checkpoints"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copy(copy, db)
    shutil.copy(ckp, str(db) + ".checkpoints")
    srv = Server(db, ["serve"], tmp_path)
    try:
        a = Api(srv.base, "ops_reg", PW)
        assert a.get("/students", params={"per_page": 1}).json()["total"] \
            == total
        a.close()
    finally:
        assert srv.stop()[0] == 0
    cli_ok("check", db=db)


def test_deploy_doc_unit_is_hardened():
    """docs/deploy.md's unit keeps the hardening the issue asks for."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    unit = text[text.index("[Unit]"):text.index("[Install]")]
    for opt in ("ProtectSystem=strict", "ReadWritePaths=", "PrivateTmp=yes",
                "NoNewPrivileges=yes", "ProtectHome=yes",
                "RestrictAddressFamilies=", "MemoryDenyWriteExecute=yes"):
        assert opt in unit, opt
    assert re.search(r"^(DynamicUser=yes|User=\w+)", unit, re.M)
    if shutil.which("systemd-analyze"):
        f = Path("/tmp") / "xueji-test.service"
        f.write_text(text[text.index("[Unit]"):text.index("```",
                                                   text.index("[Install]"))])
        p = subprocess.run(["systemd-analyze", "verify", str(f)],
                           capture_output=True, text=True)
        f.unlink()
        assert "Unknown key" not in p.stderr, p.stderr


#: The append-only tables' triggers that refuse an UPDATE name the columns
#: they guard (since 0039: every column but province, which moves with a
#: student who changes province).  A column added later and not named
#: there could be rewritten without a trace: this keeps the lists whole.
GUARD = re.compile(r"_no_update$|_only_deactivate$")


def guarded_columns(db):
    """{(trigger, table): guarded columns or None for the whole row}."""
    out = {}
    if BACKEND == "pg":
        rows = sql(db, "SELECT t.tgname || '|' || t.tgrelid::regclass || '|'"
                   " || coalesce((SELECT string_agg(a.attname, ',')"
                   " FROM pg_attribute a WHERE a.attrelid = t.tgrelid"
                   " AND a.attnum = ANY (t.tgattr)), '')"
                   " FROM pg_trigger t WHERE NOT t.tgisinternal")
        for r in rows:
            name, table, cols = r.split("|")
            if GUARD.search(name):
                out[(name, table)] = set(cols.split(",")) if cols else None
        return out
    for r in sql(db, "select name || '|' || tbl_name || '|' ||"
                 " replace(replace(sql, char(10), ' '), '|', ' ')"
                 " from sqlite_schema where type = 'trigger'"):
        name, table, text = r.split("|", 2)
        if not GUARD.search(name):
            continue
        m = re.search(r"UPDATE\s+OF\s+(.*?)\s+ON\s", text, re.I)
        out[(name, table)] = ({c.strip() for c in m.group(1).split(",")}
                              if m else None)
    return out


def table_columns(db, table):
    if BACKEND == "pg":
        return set(sql(db, "SELECT column_name FROM information_schema.columns"
                       f" WHERE table_schema = 'public' AND table_name = '{table}'"))
    return {r.split("|")[1] for r in sql(db, f"pragma table_info({table})")}


def test_append_only_triggers_guard_every_column_but_province(tmp_path):
    db = tmp_path / "g.db"
    if BACKEND == "pg":
        pg_create(db)
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    guards = guarded_columns(db)
    assert len(guards) >= 13, sorted(guards)
    for (name, table), cols in sorted(guards.items()):
        if cols is None:
            continue  # the whole row (audit_log)
        want = table_columns(db, table) - {"province"}
        assert cols == want, (name, "unguarded:", sorted(want - cols),
                              "unknown:", sorted(cols - want))
