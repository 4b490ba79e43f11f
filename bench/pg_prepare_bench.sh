#!/bin/sh
# pg_prepare_bench.sh OLD_BIN NEW_BIN -- GET one student (wrk, 16
# connections, 2 threads) against two servers on the same PostgreSQL
# database of a throw-away cluster: OLD_BIN (statements prepared at
# connection open) and NEW_BIN (prepared on first use), alternating
# OLD NEW NEW OLD for WRK_SECS each (either order first); prints req/s per run, the ratio
# NEW/OLD of the sums, and wrk's and the servers' CPU time.
#   tests/pg/cluster.sh run sh bench/pg_prepare_bench.sh /tmp/old build/xueji
set -eu
old=$(realpath "$1"); new=$(realpath "$2")
secs=${WRK_SECS:-10}
tmp=$(mktemp -d /tmp/xj-pgprep.XXXXXX)
url=${XUEJI_TEST_PG%/*}/xj_pgprep
export XUEJI_STATE_DIR=$tmp
psql -X -q -d "$XUEJI_TEST_PG" -c "CREATE DATABASE xj_pgprep"
XUEJI_ADMIN_PASSWORD=chief-pass-2026 "$new" --db "$url" init >/dev/null
"$new" --db "$url" gen --county 441823 --schools 4 --students 2000 >/dev/null
start() {  # BIN -> port on stdout; pid in $tmp/$2.pid
  "$1" --db "$url" serve --listen 127.0.0.1:0 >"$tmp/$2.out" 2>"$tmp/$2.err" &
  echo $! >"$tmp/$2.pid"
  for _ in $(seq 100); do
    p=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/$2.out")
    [ -n "$p" ] && { echo "$p"; return; }
    sleep 0.2
  done
  echo "server $2 did not start" >&2; exit 1
}
po=$(start "$old" old); pn=$(start "$new" new)
cookie() {
  curl -s -i -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"chief-pass-2026"}' \
    "http://127.0.0.1:$1/api/v1/session" |
    sed -n 's/^[Ss]et-[Cc]ookie: xj_session=\([^;]*\).*/\1/p'
}
co=$(cookie "$po"); cn=$(cookie "$pn")
hi=$(psql -X -A -t -d "$url" -c "SELECT max(id) FROM students")
run() {  # name port cookie
  BENCH_STUDENTS=$hi BENCH_COOKIE=$3 wrk -t2 -c16 -d"${secs}s" \
    -s bench/get_student.lua "http://127.0.0.1:$2" >"$tmp/wrk.txt"
  r=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.txt")
  n=$(awk '/Non-2xx/ {print $4}' "$tmp/wrk.txt")
  echo "$1 req/s $r non2xx ${n:-0}"
  echo "$1 $r" >>"$tmp/sums"
}
for order in ${BENCH_ORDER:-old new new old}; do
  if [ "$order" = old ]; then run old "$po" "$co"; else run new "$pn" "$cn"; fi
done
for s in old new; do
  echo "$s server CPU s: $(awk '{printf "%.1f", ($14+$15)/100}' /proc/$(cat "$tmp/$s.pid")/stat)"
done
awk '{s[$1] += $2} END {printf "ratio new/old: %.3f\n", s["new"] / s["old"]}' "$tmp/sums"
kill "$(cat "$tmp/old.pid")" "$(cat "$tmp/new.pid")"
wait 2>/dev/null || true
rm -rf "$tmp"
