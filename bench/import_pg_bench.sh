#!/bin/sh
# import_pg_bench.sh -- `xueji import students` of a CSV into PostgreSQL
# beside `psql \copy` of the same CSV into an equivalent table (all
# columns text, no validation) followed by the same indexes, and beside
# the same \copy into the table with those indexes already in place, in
# the same run on one throw-away cluster (tests/pg/cluster.sh).  Prints
# wall and CPU seconds of each (the client's and the cluster's: the
# postmaster's reaped children, i.e. the backends that did the work) and
# the ratios xueji/baseline.  See README.md.
#
# Knobs: IMPORT_ROWS (1000000; 200000 for a development run),
# IMPORT_SCHOOLS (100), XUEJI_BIN, IMPORT_PROFILE (1: the cluster loads
# pg_stat_statements, track=all, and the run ends with the statements
# of xueji's database that took the most time, nested ones included:
# triggers, foreign-key checks; profiling costs time, so compare
# figures only between runs with the same setting), XUEJI_TEST_PG_OPTS
# (more server options for the cluster, tests/pg/cluster.sh: e.g.
# "-c shared_buffers=1GB"; the default cluster has 64 MB),
# IMPORT_PG_DDL (SQL run on xueji's database, as the cluster's owner,
# just before the import: e.g. "DROP TRIGGER students_derive ON students"
# to see what a part of the schema costs; never a real figure).
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
N=${IMPORT_ROWS:-1000000}
SCHOOLS=${IMPORT_SCHOOLS:-100}
OUT=bench/out/import_pg
mkdir -p "$OUT"
need "$XJ" /usr/bin/time

# 1. the file: the one bench/import_bench.sh reads (lib.sh, cached)
CSV=$(realpath "$(import_csv "$N" "$SCHOOLS")")

# 2. the cluster
if [ "${IMPORT_PROFILE:-0}" = 1 ]; then
  export XUEJI_TEST_PG_OPTS="${XUEJI_TEST_PG_OPTS:-} -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
fi
eval "$(tests/pg/cluster.sh start)"
trap 'tests/pg/cluster.sh stop "$XUEJI_TEST_PG_DIR"' EXIT
BASE=${XUEJI_TEST_PG%/*}
# the audit key and checkpoints of a PostgreSQL registry (xj_db_side_path)
export XUEJI_STATE_DIR=$PWD/$OUT
# an earlier run's key would make init refuse the new database
rm -f "$OUT"/xj_imp.auditkey "$OUT"/xj_imp.checkpoints
PM=$(head -1 "$XUEJI_TEST_PG_DIR/data/postmaster.pid")   # pg_cpu, settle
psql_ () { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_ -d "$XUEJI_TEST_PG" -c "CREATE DATABASE xj_base" \
  -c "CREATE DATABASE xj_imp"

# 3. baselines: \copy into an equivalent table, then the same indexes
# as the rows enter in xueji (students' own on PostgreSQL, each mapped
# to the CSV's column, and the identity tables' keys as UNIQUE indexes on
# the two numbers; the grams and events have no column in the CSV).
# Read the indexes from the catalogue (\d students) when they change.
# "after": the indexes built once the rows are in (sorted builds: the
# issue's baseline); "live": the same indexes in place while \copy runs,
# as a registry in use has them.
hdr=$(head -1 "$CSV" | sed 's/^\xEF\xBB\xBF//' | tr -d '\r')
quoted () {   # the CSV's column names quoted, each followed by $1
  echo "$hdr" | awk -F, -v t="$1" \
    '{for (i = 1; i <= NF; i++) printf "%s\"%s\"%s", (i > 1 ? "," : ""), $i, t}'
}
indexes () {
  cat <<SQL
CREATE UNIQUE INDEX ON students (id);
CREATE UNIQUE INDEX ON students ("学籍号");
CREATE UNIQUE INDEX ON students ("身份证件号", "身份证件类型") WHERE "身份证件号" IS NOT NULL;
CREATE INDEX ON students ("学校标识码", "年级", "班级", "姓名");
CREATE INDEX ON students ("班级");
CREATE INDEX ON students ("姓名", "出生日期");
CREATE INDEX ON students ("学校标识码", "年级", "性别");
CREATE INDEX ON students (substr ("学籍号", 1, 15));
CREATE INDEX ON students ("学校标识码", "年级", "班级", "性别", "入学年月");
CREATE INDEX ON students ("成员1联系电话") WHERE "成员1联系电话" IS NOT NULL;
SQL
}
table="CREATE TABLE students (id bigserial, $(quoted ' text'));"
copy_line="\\copy students ($(quoted '')) FROM '$CSV' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
{ echo "$table"; printf "%s\n" "$copy_line"; indexes; } > "$OUT/baseline.sql"
{ echo "$table"; indexes; printf "%s\n" "$copy_line"; } > "$OUT/baseline_live.sql"
psql_ -d "$XUEJI_TEST_PG" -c "CREATE DATABASE xj_live"
c0=$(pg_cpu)
/usr/bin/time -f "%e %U %S" -o "$OUT/base.time" \
  psql -X -q -v ON_ERROR_STOP=1 -d "$BASE/xj_base" -f "$OUT/baseline.sql"
settle xj_base
c1=$(pg_cpu)
/usr/bin/time -f "%e %U %S" -o "$OUT/live.time" \
  psql -X -q -v ON_ERROR_STOP=1 -d "$BASE/xj_live" -f "$OUT/baseline_live.sql"
settle xj_live
c1l=$(pg_cpu)

# 4. xueji: the county's schools (same codes), then the import
XUEJI_ADMIN_PASSWORD=$BENCH_ADMIN_PW "$XJ" --db "$BASE/xj_imp" init \
  >/dev/null 2>&1
"$XJ" --db "$BASE/xj_imp" gen --county 441823 --schools "$SCHOOLS" \
  --students 0 >/dev/null 2>&1
# an experiment: what the import costs without some part of the schema
# (docs/decisions/0003-import-copy-floor.md)
[ -z "${IMPORT_PG_DDL:-}" ] || psql_ -d "$BASE/xj_imp" -c "$IMPORT_PG_DDL"
settle xj_imp
c2=$(pg_cpu)
/usr/bin/time -f "%e %U %S" -o "$OUT/xueji.time" "$XJ" --db "$BASE/xj_imp" \
  import students "$CSV" --create-classes > "$OUT/xueji.out"
settle xj_imp
c3=$(pg_cpu)
n=$(psql -X -A -t -d "$BASE/xj_imp" -c "SELECT count(*) FROM students")
[ "$n" -ge "$N" ] || { echo "xueji imported $n of $N rows" >&2; exit 1; }

read -r lt lu ls < "$OUT/live.time"
read -r bt bu bs < "$OUT/base.time"
read -r xt xu xs < "$OUT/xueji.time"
awk -v n="$N" -v bt="$bt" -v bu="$bu" -v bs="$bs" -v xt="$xt" -v xu="$xu" \
    -v xs="$xs" -v bp="$(echo "$c1 - $c0" | bc)" \
    -v xp="$(echo "$c3 - $c2" | bc)" -v lt="$lt" -v lu="$lu" -v ls="$ls" \
    -v lp="$(echo "$c1l - $c1" | bc)" 'BEGIN {
  printf "rows %d\n", n
  printf "baseline psql \\copy + indexes: %.1f s wall (%.0f rows/s); CPU: psql %.1f s, cluster %.1f s\n", bt, n / bt, bu + bs, bp
  printf "baseline, indexes in place:   %.1f s wall (%.0f rows/s); CPU: psql %.1f s, cluster %.1f s\n", lt, n / lt, lu + ls, lp
  printf "xueji import students:         %.1f s wall (%.0f rows/s); CPU: xueji %.1f s, cluster %.1f s\n", xt, n / xt, xu + xs, xp
  printf "ratio xueji/baseline (wall): %.2f (target <= 1.0); CPU (client + cluster): %.2f\n", xt / bt, (xu + xs + xp) / (bu + bs + bp)
  printf "ratio xueji/baseline with indexes in place (wall): %.2f; CPU: %.2f\n", xt / lt, (xu + xs + xp) / (lu + ls + lp)
}' | tee "$OUT/summary.txt"
tail -1 "$OUT/xueji.out"
if [ "${IMPORT_PROFILE:-0}" = 1 ]; then
  psql_ -d "$XUEJI_TEST_PG" -c "CREATE EXTENSION pg_stat_statements"
  psql -X -P pager=off -d "$XUEJI_TEST_PG" -c "SELECT calls,
      round (total_exec_time) AS ms, rows,
      left (regexp_replace (query, '\\s+', ' ', 'g'), 110) AS query
    FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'xj_imp')
    ORDER BY total_exec_time DESC LIMIT 25" | tee "$OUT/profile.txt"
fi
