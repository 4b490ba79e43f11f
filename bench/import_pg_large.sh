#!/bin/sh
# import_pg_large.sh -- `xueji import students` of a small file into a
# large PostgreSQL registry: REG_ROWS students made by gen (county
# 441823, 100 schools), then IMPORT_ROWS new students of the same
# schools (gen --out, seed 99) imported into a copy of it (CREATE
# DATABASE ... TEMPLATE) by each binary given, one after the other on
# one throw-away cluster (tests/pg/cluster.sh).  Prints wall time, rows/s
# and CPU seconds (the client's and the cluster's) per binary.
#
#   bench/import_pg_large.sh [BIN...]      (default: XUEJI_BIN or build/xueji)
#
# Knobs: REG_ROWS (400000), IMPORT_ROWS (20000).  See README.md.
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
REG=${REG_ROWS:-400000}
N=${IMPORT_ROWS:-20000}
OUT=$PWD/bench/out/import_pg_large
mkdir -p "$OUT"
[ $# -gt 0 ] || set -- "$XJ"
need "$@" /usr/bin/time

eval "$(tests/pg/cluster.sh start)"
trap 'tests/pg/cluster.sh stop "$XUEJI_TEST_PG_DIR"' EXIT
BASE=${XUEJI_TEST_PG%/*}
export XUEJI_STATE_DIR=$OUT
rm -f "$OUT"/*.auditkey "$OUT"/*.checkpoints
PM=$(head -1 "$XUEJI_TEST_PG_DIR/data/postmaster.pid")   # pg_cpu, settle

psql -X -q -d "$XUEJI_TEST_PG" -c "CREATE DATABASE xj_reg"
XUEJI_ADMIN_PASSWORD=$BENCH_ADMIN_PW "$1" --db "$BASE/xj_reg" init \
  >/dev/null 2>&1
"$1" --db "$BASE/xj_reg" gen --county 441823 --schools 100 \
  --students "$REG" >/dev/null 2>&1
psql -X -q -d "$BASE/xj_reg" -c "ANALYZE"
CSV=$OUT/import-$N.csv
"$1" --db "$BASE/xj_reg" gen --out "$CSV" --students "$N" --seed 99 \
  >/dev/null 2>&1
settle xj_reg

i=0
for bin in "$@"; do
  i=$((i + 1))
  db=xj_imp$i
  psql -X -q -d "$XUEJI_TEST_PG" -c "CREATE DATABASE $db TEMPLATE xj_reg"
  cp "$OUT/xj_reg.auditkey" "$OUT/$db.auditkey"
  cp "$OUT/xj_reg.checkpoints" "$OUT/$db.checkpoints" 2>/dev/null || true
  c0=$(pg_cpu)
  /usr/bin/time -f "%e %U %S" -o "$OUT/$db.time" "$bin" --db "$BASE/$db" \
    import students "$CSV" --create-classes > "$OUT/$db.out"
  settle "$db"
  c1=$(pg_cpu)
  read -r t u s < "$OUT/$db.time"
  awk -v b="$bin" -v reg="$REG" -v n="$N" -v t="$t" -v u="$u" -v s="$s" \
      -v p="$(echo "$c1 - $c0" | bc)" -v last="$(tail -1 "$OUT/$db.out")" \
      'BEGIN { printf "%s: %d rows into %d: %.1f s wall (%.0f rows/s); CPU: xueji %.1f s, cluster %.1f s; %s\n", b, n, reg, t, n / t, u + s, p, last }' \
    | tee -a "$OUT/summary.txt"
done
