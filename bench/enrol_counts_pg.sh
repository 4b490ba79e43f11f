#!/bin/sh
# enrol_counts_pg.sh -- the region figures that sum enrol_counts (the
# dashboard's 在读 per school, st_dash_school_sizes_kept; the class-size
# report's as-of counts, st_cs_asof_n_kept) on a province's PostgreSQL
# database after years of daily rows: the table's key as it is ("plain",
# measured twice) beside a key carrying n (INCLUDE (n), so that a sum
# could read the key alone), in one run (bench/README.md "enrol_counts
# after five years"; the covering key was not adopted).
#
# COUNTIES x 999 schools by `xueji gen` (1,000 students a county), then
# YEARS x 12 days of rows per school, grade (6) and gender, dated a
# month apart from 2021-09-01 (a school's changes fall on a few days a
# month: registrations, transfers, the year-end), VACUUM ANALYZE.  Each
# statement runs RUNS times as a prepared statement on a warm cache;
# the median of each is printed for the province (44) and for county
# 441823.  Knobs: COUNTIES (10), YEARS (5), RUNS (7), XUEJI_BIN.
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
COUNTIES=${COUNTIES:-10}
YEARS=${YEARS:-5}
RUNS=${RUNS:-7}
OUT=bench/out/enrol_counts
mkdir -p "$OUT"
need "$XJ"
export XUEJI_STATE_DIR=$PWD/$OUT
rm -f "$OUT"/ec.auditkey "$OUT"/ec.checkpoints

eval "$(tests/pg/cluster.sh start)"
trap 'tests/pg/cluster.sh stop "$XUEJI_TEST_PG_DIR"' EXIT
psql_ () { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_ -d "$XUEJI_TEST_PG" -c "CREATE DATABASE ec"
DB=${XUEJI_TEST_PG%/*}/ec
XUEJI_ADMIN_PASSWORD=$BENCH_ADMIN_PW "$XJ" --db "$DB" init >/dev/null 2>&1
i=0
for c in $(psql_ -A -t -d "$DB" -c "SELECT code FROM regions WHERE level = 3
             AND code LIKE '44%' AND name NOT LIKE '%市辖区%' AND code <> '441823'
             ORDER BY code LIMIT $((COUNTIES - 1))") 441823; do
  i=$((i + 1))
  "$XJ" --db "$DB" gen --county "$c" --schools 999 --students 1000 \
    --seed "$i" >/dev/null
done
psql_ -d "$DB" -c "INSERT INTO enrol_counts (school_id, grade, gender, day, n)
  SELECT s.id, g, x, to_char(date '2021-09-01'
    + (k * 30 + (s.id % 29))::int, 'YYYY-MM-DD'),
    CASE WHEN k % 3 = 0 THEN -1 ELSE 1 END
  FROM schools s, unnest(ARRAY['11','12','13','14','15','16']) g,
    generate_series(1, 2) x, generate_series(0, 12 * $YEARS - 1) k
  ON CONFLICT DO NOTHING" -c "VACUUM ANALYZE enrol_counts"
ROWS=$(psql_ -A -t -d "$DB" -c "SELECT count(*) FROM enrol_counts")
SCHOOLS=$(psql_ -A -t -d "$DB" -c "SELECT count(*) FROM schools")

# median milliseconds of RUNS executions of statement $1 prepared with
# parameter types $2, run with arguments $3
timed () {
  { echo "PREPARE q $2 AS $(sqlof "$1");"
    printf '%s\n' '\timing on'
    printf '%s\n' '\o /dev/null'
    n=0; while [ $n -lt "$RUNS" ]; do echo "EXECUTE q($3);"; n=$((n + 1)); done
  } | psql_ -d "$DB" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' \
    | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
sqlof () {
  "$XJ" sql-dump 2>/dev/null | grep "\"name\":\"$1\"" \
    | /usr/bin/python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["sql"])'
}
measure () {   # $1 label
  for r in 44 441823; do
    a=$(timed st_dash_school_sizes_kept "(text, bigint)" "'$r', 0")
    b=$(timed st_cs_asof_n_kept "(text, bigint, text)" "'$r', 0, '2026-12-06'")
    [ -n "$a" ] && [ -n "$b" ] || { echo "$0: a statement failed" >&2; exit 1; }
    echo "$1 $r $a $b"
  done
}
# each key filled as a registry fills it, day after day (a key built
# afresh by a sort is more compact than one grown by inserts and would
# favour whichever is measured so): the rows are put back in day order
psql_ -d "$DB" -c "CREATE TABLE ec_rows AS SELECT * FROM enrol_counts"
key () {   # $1: "" or "INCLUDE (n)"
  psql_ -d "$DB" -c "ALTER TABLE enrol_counts DROP CONSTRAINT enrol_counts_pkey" \
    -c "TRUNCATE enrol_counts" \
    -c "ALTER TABLE enrol_counts ADD PRIMARY KEY (school_id, grade, gender, day) $1" \
    -c "INSERT INTO enrol_counts SELECT * FROM ec_rows ORDER BY day, school_id" \
    -c "VACUUM ANALYZE enrol_counts" -c "CHECKPOINT"
}
key ""
measure plain > "$OUT/plain.txt"
key "INCLUDE (n)"
measure covering > "$OUT/covering.txt"
key ""
measure plain > "$OUT/plain2.txt"

echo "enrol_counts: $ROWS rows, $SCHOOLS schools, $YEARS years; median of $RUNS"
paste "$OUT/plain.txt" "$OUT/covering.txt" "$OUT/plain2.txt" | awk '{
  printf "region %-6s 在读 per school: %7.1f ms -> %7.1f ms (%.2fx; plain" \
         " again %.1f); as-of counts: %7.1f ms -> %7.1f ms (%.2fx; plain" \
         " again %.1f)\n", $2, $3, $7, $3 / $7, $11, $4, $8, $4 / $8, $12 }'
