#!/bin/sh
# import_reads.sh -- reads while a large import runs, beside the same
# reads with no import, in the same run on the same database (issue 9,
# point 2: reads never wait for writers; writes answer or give 503
# within a second).  See README.md, "Reads during a 1,000,000-row import".
#
# 1. a registry of READ_STUDENTS (100,000) students in county 441823 and
#    an import file of IMPORT_ROWS (1,000,000) new students for its
#    schools (`xueji gen --out`; XLSX above 900,000 rows, whose CSV would
#    pass the 512 MiB upload limit), both cached under bench/out/;
# 2. `xueji serve` on a copy; log-in as admin;
# 3. baseline: wrk (WRK_CONNS 16 connections, 2 threads, WRK_SECS 10 s)
#    with reads_during_import.lua (list page / one record / GET /codes);
# 4. the import is uploaded; once it runs, the same wrk run, then one
#    write (POST /holidays) and one log-in, timed with curl;
# 5. prints both p99s, the ratio, the write's status and time; the
#    import is then cancelled (it rolls back) to keep the run short.
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
N=${IMPORT_ROWS:-1000000}
R=${READ_STUDENTS:-100000}
CONNS=${WRK_CONNS:-16}
SECS=${WRK_SECS:-10}
OUT=bench/out/import_reads
PW=$BENCH_ADMIN_PW
mkdir -p "$OUT"
need "$XJ" /usr/bin/wrk /usr/bin/curl
EXT=csv
[ "$N" -gt 900000 ] && EXT=xlsx

# 1. registry and import file (cached)
if [ ! -s "$OUT/tmpl-$R.db" ] || [ ! -s "$OUT/tmpl-$R.db.auditkey" ]; then
  make_registry "$OUT/tmpl-$R.db" 100 "$R" >/dev/null 2>&1
fi
FILE=$OUT/import-$R-$N.$EXT
[ -s "$FILE" ] || "$XJ" --db "$OUT/tmpl-$R.db" gen --out "$FILE" \
  --students "$N" >/dev/null 2>&1

# 2. the server on a copy
cp_db "$OUT/tmpl-$R.db" "$OUT/run.db"
"$XJ" --db "$OUT/run.db" serve --listen 127.0.0.1:0 >"$OUT/serve.out" \
  2>"$OUT/serve.err" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
i=0
until PORT=$(sed -n 's|.*127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$OUT/serve.out") \
      && [ -n "$PORT" ]; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "server did not start" >&2; exit 1; }
  sleep 0.1
done
BASE=http://127.0.0.1:$PORT/api/v1
curl -s -D "$OUT/login.h" -o "$OUT/login.json" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PW\"}" "$BASE/session"
COOKIE=$(sed -n 's/^[Ss]et-[Cc]ookie: xj_session=\([0-9a-f]*\).*/\1/p' "$OUT/login.h")
CSRF=$(sed -n 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/p' "$OUT/login.json")
[ ${#COOKIE} -eq 64 ] || { echo "import_reads.sh: login failed" >&2; exit 1; }
export BENCH_COOKIE=$COOKIE BENCH_STUDENTS=$R

p99 () { awk '$1 == "99%" { print $2 }' "$1"; }
status () {
  curl -s -b "xj_session=$COOKIE" "$BASE/imports/$1" \
    | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' | head -1
}

# 3. baseline
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s bench/reads_during_import.lua \
  "http://127.0.0.1:$PORT" > "$OUT/wrk-idle.txt"

# 4. during the import
curl -s -o "$OUT/submit.json" -b "xj_session=$COOKIE" -H "X-CSRF-Token: $CSRF" \
  -F "file=@$FILE" "$BASE/imports"
JOB=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$OUT/submit.json")
[ -n "$JOB" ] || { echo "upload refused: $(cat "$OUT/submit.json")" >&2; exit 1; }
i=0
while [ "$(status "$JOB")" != running ]; do
  i=$((i + 1)); [ $i -lt 600 ] || { echo "import did not start" >&2; exit 1; }
  sleep 0.1
done
T0=$(date +%s.%N)
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s bench/reads_during_import.lua \
  "http://127.0.0.1:$PORT" > "$OUT/wrk-import.txt"
STILL=$(status "$JOB")
# a write: an admin marks a holiday (one small transaction)
W=$(curl -s -o "$OUT/write.json" -w '%{http_code} %{time_total}' \
  -b "xj_session=$COOKIE" -H "X-CSRF-Token: $CSRF" \
  -H 'Content-Type: application/json' \
  -d '{"date":"2031-10-08","kind":"holiday","name":"bench"}' "$BASE/holidays")
L=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' \
  -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PW\"}" "$BASE/session")
T1=$(date +%s.%N)
# the import is not what is measured: cancel it if it still runs (it
# rolls back) so that the run stays short
curl -s -o /dev/null -b "xj_session=$COOKIE" -H "X-CSRF-Token: $CSRF" \
  -X POST "$BASE/imports/$JOB/cancel"

# 5. summary
idle=$(p99 "$OUT/wrk-idle.txt"); busy=$(p99 "$OUT/wrk-import.txt")
rq_idle=$(awk '/^Requests\/sec/ { print $2 }' "$OUT/wrk-idle.txt")
rq_busy=$(awk '/^Requests\/sec/ { print $2 }' "$OUT/wrk-import.txt")
non2xx () { awk '/Non-2xx/ { print $5 } END { }' "$1"; }
ms () { echo "$1" | awk '/us$/ { sub("us",""); print $1/1000; next }
                         /ms$/ { sub("ms",""); print $1; next }
                         /s$/  { sub("s",""); print $1*1000 }'; }
echo "rows=$N ($EXT) registry=$R wrk: ${CONNS} conns, ${SECS} s"
echo "no import:     p99 $idle  req/s $rq_idle  non-2xx $(non2xx "$OUT/wrk-idle.txt")"
echo "during import: p99 $busy  req/s $rq_busy  non-2xx $(non2xx "$OUT/wrk-import.txt") (import still $STILL at the end of the wrk run)"
echo "p99 ratio import/no import: $(awk -v a="$(ms "$busy")" -v b="$(ms "$idle")" 'BEGIN { printf "%.2f", a / b }')"
echo "write during import (POST /holidays): HTTP $(echo "$W" | cut -d' ' -f1) in $(echo "$W" | cut -d' ' -f2) s ($(sed -n 's/.*"code":"\([a-z_]*\)".*/\1/p' "$OUT/write.json"))"
echo "log-in during import: HTTP $(echo "$L" | cut -d' ' -f1) in $(echo "$L" | cut -d' ' -f2) s"
echo "import: $STILL at the end of the wrk run; $(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.0f", b - a }') s of it measured, then cancelled if still running"
