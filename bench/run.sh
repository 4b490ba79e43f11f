#!/bin/sh
# run.sh -- GET-one-student requests/s: xueji beside a minimal
# libmicrohttpd server (minimal_server.c) on the same SQLite file, in the
# same run, alternating baseline, xueji, baseline, xueji.  Prints the
# ratio xueji/baseline and xueji's latency percentiles.  See README.md.
#
# Knobs (environment): BENCH_DURATION (s, default 15), BENCH_CONNS (64),
# BENCH_THREADS (wrk threads, 2), BENCH_ROUNDS (2), BENCH_WARMUP (s, 5),
# BENCH_STUDENTS (1000000; a different count is a different cached db).
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
MIN=bench/out/minimal_server
OUT=bench/out
N=${BENCH_STUDENTS:-1000000}
DUR=${BENCH_DURATION:-15}
CONNS=${BENCH_CONNS:-64}
WT=${BENCH_THREADS:-2}
ROUNDS=${BENCH_ROUNDS:-2}
WARM=${BENCH_WARMUP:-5}
DB=$OUT/bench.db
[ "$N" = 1000000 ] || DB=$OUT/bench-$N.db
PW=$BENCH_PW
mkdir -p "$OUT"
need "$XJ" "$MIN" /usr/bin/wrk
bench_db "$DB" "$N"

free_port () {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

PIDS=""
cleanup () {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  for p in $PIDS; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

wait_up () { # URL
  i=0
  until curl -s -o /dev/null "$1"; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "run.sh: $1 did not come up" >&2; exit 1; }
    sleep 0.1
  done
}

XPORT=$(free_port)
"$XJ" --db "$DB" serve --listen "127.0.0.1:$XPORT" >"$OUT/xueji.log" 2>&1 &
PIDS="$PIDS $!"
MPORT=$(free_port)
"$MIN" "$DB" "$MPORT" >"$OUT/minimal.log" 2>&1 &
PIDS="$PIDS $!"
wait_up "http://127.0.0.1:$XPORT/api/v1/session"
wait_up "http://127.0.0.1:$MPORT/"

# ---- log in as the bureau user: the xj_session cookie ----
COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$PW\"}" \
  "http://127.0.0.1:$XPORT/api/v1/session" \
  | sed -n 's/^[Ss]et-[Cc]ookie: *xj_session=\([0-9a-f]*\).*/\1/p')
[ ${#COOKIE} -eq 64 ] || { echo "run.sh: login failed" >&2; exit 1; }
export BENCH_COOKIE=$COOKIE BENCH_STUDENTS=$N

# both answer the same record
for url in "http://127.0.0.1:$MPORT/api/v1/students/$N" \
           "http://127.0.0.1:$XPORT/api/v1/students/$N"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "xj_session=$COOKIE" "$url")
  [ "$code" = 200 ] || { echo "run.sh: $url answered $code" >&2; exit 1; }
done

LUA=bench/get_student.lua
WRK="wrk -t$WT -c$CONNS -d${DUR}s --latency -s $LUA"
echo "run.sh: $(nproc) cores; $WRK; $ROUNDS rounds, alternating"

# warm the page cache and both servers' connections (not counted)
wrk -t"$WT" -c"$CONNS" -d"${WARM}s" -s $LUA "http://127.0.0.1:$MPORT" >/dev/null
wrk -t"$WT" -c"$CONNS" -d"${WARM}s" -s $LUA "http://127.0.0.1:$XPORT" >/dev/null

# wrk's output -> "rps p50_ms p90_ms p99_ms non2xx errors"
parse () {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) } /^ +90%/ { p90 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { err = $4 + $6 + $8 + $10 }
    END { printf "%s %.3f %.3f %.3f %d %d\n", rps, p50, p90, p99, bad, err }' "$1"
}

RES=$OUT/results.txt
: >"$RES"
r=1
while [ $r -le "$ROUNDS" ]; do
  for who in baseline xueji; do
    port=$MPORT; [ $who = xueji ] && port=$XPORT
    $WRK "http://127.0.0.1:$port" >"$OUT/wrk-$who-$r.txt"
    set -- $(parse "$OUT/wrk-$who-$r.txt")
    echo "$who $r $*" >>"$RES"
    printf '  round %d %-8s %10.1f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %s  socket errors %s\n' \
      "$r" "$who" "$1" "$2" "$4" "$5" "$6"
    if [ "$5" != 0 ]; then echo "run.sh: $who answered non-2xx" >&2; exit 1; fi
  done
  r=$((r + 1))
done

awk -v cmd="$WRK" -v cores="$(nproc)" '
  { rps[$1] += $3; n[$1]++
    if ($6 > p99[$1]) p99[$1] = $6
    if ($4 > p50[$1]) p50[$1] = $4 }
  END {
    b = rps["baseline"] / n["baseline"]; x = rps["xueji"] / n["xueji"]
    printf "\n== GET /api/v1/students/{id}, %s cores, %s ==\n", cores, cmd
    printf "baseline (minimal_server) %10.1f req/s  p50 %.2f ms  p99 %.2f ms\n", b, p50["baseline"], p99["baseline"]
    printf "xueji                     %10.1f req/s  p50 %.2f ms  p99 %.2f ms\n", x, p50["xueji"], p99["xueji"]
    printf "ratio xueji/baseline      %.2f  (target >= 0.50)\n", x / b
    printf "xueji p99 (worst round)   %.2f ms  (target < 20 ms)\n", p99["xueji"]
    printf "target: %s\n", (x / b >= 0.5 && p99["xueji"] < 20) ? "MET" : "NOT MET"
  }' "$RES" | tee "$OUT/summary.txt"
