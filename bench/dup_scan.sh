#!/bin/sh
# dup_scan.sh -- the county-wide duplicate scan (POST /duplicates/scan) on
# 1,000,000 students, beside a plain SQL baseline in the same run: sqlite3
# `GROUP BY name, birth_date, guardian_phone HAVING count(*) > 1` over the
# same county (what a one-line duplicate query finds; xueji additionally
# compares both guardians' phones and ID numbers inside each name +
# birth-date group and counts guardian IDs over every record).  Prints
# both times and the ratio.  See README.md ("Duplicate scan").
#
# Uses the cached bench/out/bench.db of run.sh (created the same way if
# missing), on a copy (cp_db: with its audit key) so the flags it writes
# never reach the cached file.  DUP_STUDENTS (1000000) for a quick run.
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
OUT=bench/out
N=${DUP_STUDENTS:-1000000}
DB=$OUT/bench.db
[ "$N" = 1000000 ] || DB=$OUT/bench-$N.db
COPY=$OUT/dupscan.db
PW=$BENCH_PW
mkdir -p "$OUT"
need "$XJ" /usr/bin/sqlite3 /usr/bin/curl
bench_db "$DB" "$N"
cp_db "$DB" "$COPY"

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# opening applies new migrations (0014) before the server answers
"$XJ" --db "$COPY" serve --listen "127.0.0.1:$PORT" >"$OUT/dupscan-server.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true; wait $SPID 2>/dev/null || true' EXIT INT TERM
until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/session"; do
  kill -0 $SPID 2>/dev/null || { echo "dup_scan.sh: server died" >&2; exit 1; }
  sleep 0.2
done
LOGIN=$(curl -s -D - -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$PW\"}" \
  "http://127.0.0.1:$PORT/api/v1/session")
COOKIE=$(printf '%s' "$LOGIN" | sed -n 's/^[Ss]et-[Cc]ookie: *xj_session=\([0-9a-f]*\).*/\1/p')
CSRF=$(printf '%s' "$LOGIN" | grep -o '"csrf[a-z_]*": *"[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
[ ${#COOKIE} -eq 64 ] && [ ${#CSRF} -eq 64 ] || { echo "dup_scan.sh: login failed" >&2; exit 1; }

now () { date +%s.%N; }

# baseline first (warms the page cache for both), then xueji
t0=$(now)
BASE=$(sqlite3 "$COPY" "SELECT count(*) FROM (SELECT 1 FROM students st
  JOIN schools sc ON sc.id = st.school_id
  WHERE sc.county_code >= '441823' AND sc.county_code < '441823:'
  GROUP BY st.name, st.birth_date, st.guardian_phone HAVING count(*) > 1);")
t1=$(now)
RES=$(curl -s --max-time 600 -b "xj_session=$COOKIE" -H "X-CSRF-Token: $CSRF" \
  -H 'Content-Type: application/json' -d '{"county":"441823"}' \
  "http://127.0.0.1:$PORT/api/v1/duplicates/scan")
t2=$(now)
/usr/bin/python3 - "$t0" "$t1" "$t2" "$BASE" "$RES" <<'PY'
import json, sys
t0, t1, t2 = map(float, sys.argv[1:4])
base, res = sys.argv[4], json.loads(sys.argv[5])
b, x = t1 - t0, t2 - t1
print("baseline sqlite3 GROUP BY name,birth,phone: %.1f s, %s groups" % (b, base))
print("xueji scan: %.1f s, %d name+birth groups, %d pairs flagged, "
      "%d guardian IDs over the limit" % (x, res["groups"], res["pairs"],
                                           res["guardians"]))
print("ratio xueji/baseline: %.2f" % (x / b))
PY
