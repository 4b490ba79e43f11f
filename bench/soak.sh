#!/bin/sh
# soak.sh -- a long mixed run against a real server (bench/README.md,
# "Soak"): builds a county of $STUDENTS students (default 150,000: a
# registry much larger than the server's page caches, so that they are
# full after the warm-up and RSS growth means a leak, not a cache still
# filling or the run's registrations) in a temporary directory, starts `xueji serve` on a free loopback port, and runs bench/soak.py:
# a short ramp to measure capacity, then mixed reads and writes at 80% of
# it for DURATION seconds (default 1800), checking errors, RSS growth and
# p99 latencies.  Exit 0 when every check holds.
#
#   bench/soak.sh [DURATION_SECONDS]        e.g. bench/soak.sh 300
#
# Loopback only; everything it creates is removed at the end.
set -eu
DURATION=${1:-1800}
STUDENTS=${STUDENTS:-150000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${XUEJI_BIN:-$ROOT/build/xueji}
PY=/usr/bin/python3
COUNTY=441823
PW=soak-pass-2026
[ -x "$BIN" ] || { echo "soak: build first (make build)" >&2; exit 2; }
TMP=$(mktemp -d /tmp/xj-soak-XXXXXX)
SRV=
cleanup() {
  [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
DB=$TMP/soak.db
XUEJI_ADMIN_PASSWORD=$PW "$BIN" --db "$DB" init >/dev/null 2>&1
"$BIN" --db "$DB" gen --county $COUNTY --schools 40 --students $STUDENTS \
  2>/dev/null | tail -1
SCHOOL=$(sqlite3 "$DB" "select code from schools where stage = 'primary' order by id limit 1")
XUEJI_PASSWORD=$PW "$BIN" --db "$DB" user add soak_bureau --role bureau \
  --region $COUNTY >/dev/null
XUEJI_PASSWORD=$PW "$BIN" --db "$DB" user add soak_reg --role registrar \
  --school "$SCHOOL" >/dev/null
"$BIN" --db "$DB" serve --listen 127.0.0.1:0 > "$TMP/out" 2> "$TMP/err" &
SRV=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/out")
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { echo "soak: server did not start" >&2; cat "$TMP/err" >&2; exit 2; }
echo "soak: xueji pid $SRV on 127.0.0.1:$PORT ($(nproc) CPUs, $(uname -r))"
rc=0
$PY "$ROOT/bench/soak.py" "$PORT" "$SRV" "$DURATION" "$COUNTY" "$PW" || rc=$?
if ! kill -0 "$SRV" 2>/dev/null; then
  echo "soak: the server died; stderr tail:"; tail -20 "$TMP/err"; rc=1
fi
grep -c ' ERROR ' "$TMP/err" | sed 's/^/soak: server ERROR log lines: /'
exit $rc
