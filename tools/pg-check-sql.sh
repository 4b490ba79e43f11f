#!/bin/sh
# pg-check-sql.sh -- PREPARE every registered statement on PostgreSQL.
#
# Starts a throw-away cluster (initdb in a temp dir, unix socket only, run
# as the unprivileged user xjpg when called as root), loads the PostgreSQL
# schema (src/db/migrations-pg, then src/db/migrations-auth-pg: one
# database, as the server uses it), and PREPAREs each statement that
# `xueji sql-dump` prints.  Prints one line per failure and a summary;
# exit 1 on any failure (docs/db.md "Portable SQL").
#
#   tools/pg-check-sql.sh [XUEJI_BIN]     (default build/xueji)
#   PG_CHECK_VERBOSE=1 also lists the statements that prepared.
set -eu
schema_bad=
cd "$(dirname "$0")/.."
bin=${1:-${XUEJI_BIN:-build/xueji}}
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$pgbin/initdb" ] || { echo "pg-check-sql: no PostgreSQL in $pgbin (tools/deps.sh)"; exit 1; }
[ -x "$bin" ] || { echo "pg-check-sql: no $bin (make build)"; exit 1; }

dir=$(mktemp -d /tmp/pg-check-sql.XXXXXX)
run=""
if [ "$(id -u)" -eq 0 ]; then
  id xjpg >/dev/null 2>&1 \
    || useradd --system --no-create-home --shell /usr/sbin/nologin xjpg
  chown xjpg "$dir"
  run="runuser -u xjpg --"
fi
cleanup() {
  $run "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

$run "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
  --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log"; exit 1; }
$run "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses='' -k $dir -c fsync=off" start >/dev/null \
  || { cat "$dir/server.log"; exit 1; }

psql() { /usr/bin/psql -X -q -h "$dir" -U postgres -d postgres "$@"; }

for f in $(ls src/db/migrations-pg/*.sql src/db/migrations-auth-pg/*.sql 2>/dev/null | sort -t/ -k3,3 -s); do
  psql -v ON_ERROR_STOP=1 -1 -f "$f" >"$dir/load.log" 2>&1 \
    || { echo "pg-check-sql: $f does not load:"; cat "$dir/load.log"; exit 1; }
done

# The same tables, columns, indexes and triggers as the SQLite migrations
# leave (a PG twin that forgot a column fails here, not in production).
cat src/db/migrations/*.sql src/db/migrations-auth/*.sql | sqlite3 "$dir/ref.db" >/dev/null
sqlite3 -separator ' ' "$dir/ref.db" "
  SELECT 'column', m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
    WHERE m.type = 'table'
  UNION ALL SELECT type, tbl_name, name FROM sqlite_master
    WHERE type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_autoindex%'
  ORDER BY 1, 2, 3" >"$dir/schema-sqlite.txt"
psql -At -F ' ' -c "
  SELECT 'column', table_name, column_name FROM information_schema.columns
    WHERE table_schema = 'public'
  UNION ALL SELECT 'index', tablename, indexname FROM pg_indexes
    WHERE schemaname = 'public' AND indexname NOT LIKE '%\_pkey'
    AND indexname NOT LIKE '%\_key'
  UNION ALL SELECT 'trigger', c.relname, t.tgname FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    WHERE NOT t.tgisinternal AND t.tgname NOT LIKE '%\_no\_truncate'
  ORDER BY 1, 2, 3" | LC_ALL=C sort >"$dir/schema-pg.txt"
# The partitions (schema xj_part, 0040) are left out above (public only).
# The intended differences (docs/db.md "Partitions (0040, PostgreSQL)"):
# absences' key holds the province on PostgreSQL (absences_pkey there,
# a unique index on SQLite, for the same ON CONFLICT target), and
# students_id_no is SQLite's alone since 0043 (PostgreSQL's look-ups by
# number read the identity tables; SQLite's registry_no UNIQUE is an
# autoindex, not listed).
# schools_province (0041) makes a new province's partitions: SQLite has
# none.  Since 0042 (docs/db.md "The province in every key") the key of
# verify_state holds the province on PostgreSQL, and SQLite has
# a unique index on the same columns for the same ON CONFLICT target.
# Since 0044 PostgreSQL writes what students' three insert triggers keep
# on SQLite (name grams, identity tables, counts) from one row trigger,
# students_derive, skipped for a bulk append's rows, which get it once per
# COPY; and its name grams' key is what SQLite's student_name_grams_school
# indexes.
cat >"$dir/intended.txt" <<'EOT'
index absences absences_province
index student_name_grams student_name_grams_school
index students students_id_no
index verify_state verify_state_province
trigger schools schools_province
trigger students students_derive
trigger students students_enrol_count
trigger students students_identities_new
trigger students students_name_grams
EOT
LC_ALL=C sort "$dir/schema-sqlite.txt" | grep -vxF -f "$dir/intended.txt" \
  >"$dir/schema-sqlite.sorted" || true
grep -vxF -f "$dir/intended.txt" "$dir/schema-pg.txt" >"$dir/schema-pg.kept" || true
mv "$dir/schema-pg.kept" "$dir/schema-pg.txt"
if ! diff "$dir/schema-sqlite.sorted" "$dir/schema-pg.txt" >"$dir/schema.diff"; then
  echo "pg-check-sql: the PostgreSQL schema differs from SQLite's (< SQLite only, > PostgreSQL only):"
  grep '^[<>]' "$dir/schema.diff"
  schema_bad=1
fi

# One PREPARE per statement, each preceded by a marker naming it.  DDL
# (the import's index rebuild) cannot be prepared: it runs in a
# transaction that is rolled back.  An ON CONFLICT target is matched to
# a unique index only when the statement is planned: those are
# EXPLAINed too (with NULL parameters; nothing runs).
"$bin" sql-dump | /usr/bin/python3 -c '
import json, re, sys
for i, line in enumerate(sys.stdin):
    s = json.loads(line)
    print("\\echo @@ %s" % s["name"])
    if s["sql"].split(None, 1)[0].upper() in ("CREATE", "DROP", "ALTER"):
        print("BEGIN; %s; ROLLBACK;" % s["sql"])
    else:
        print("PREPARE p%d AS %s;" % (i, s["sql"]))
    if re.search(r"\bON\s+CONFLICT\b", s["sql"], re.I):
        n = max([int(k) for k in re.findall(r"\$(\d+)", s["sql"])] or [0])
        args = "(%s)" % ", ".join(["NULL"] * n) if n else ""
        print("EXPLAIN EXECUTE p%d%s;" % (i, args))
' >"$dir/prepare.sql"
psql -f "$dir/prepare.sql" >"$dir/prepare.log" 2>&1 || true

PG_CHECK_VERBOSE=${PG_CHECK_VERBOSE:-} /usr/bin/python3 -c '
import os, re, sys
name, bad, total, errs = None, set(), 0, []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("@@ "):
        name = line[3:]
        total += 1
    elif name and re.search(r"\b(ERROR|FATAL):", line):
        bad.add(name)
        errs.append("FAIL %s: %s" % (name, line.split("ERROR:", 1)[-1].strip()))
    elif name and errs and line.startswith(("LINE ", "HINT:", "DETAIL:")):
        errs.append("     %s" % line.strip())
for e in errs:
    print(e)
print("pg-check-sql: %d statements, %d prepare, %d fail"
      % (total, total - len(bad), len(bad)))
sys.exit(1 if bad or total == 0 else 0)
' "$dir/prepare.log" && [ -z "${schema_bad:-}" ]
