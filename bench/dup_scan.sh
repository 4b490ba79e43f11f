#!/bin/sh
# dup_scan.sh -- the county-wide duplicate scan (POST /duplicates/scan) on
# 1,000,000 students, beside a plain SQL baseline in the same run: sqlite3
# `GROUP BY name, birth_date, guardian_phone HAVING count(*) > 1` over the
# same county (what a one-line duplicate query finds; xueji additionally
# compares both guardians' phones and ID numbers inside each name +
# birth-date group and counts guardian IDs over every record).  Prints
# both times and the ratio.  See README.md ("Duplicate scan").
#
# The scan is a background job (202, then GET /duplicates/scans/{id});
# while it runs, registrations are sent one after another and their
# latencies printed: the scan must not hold the writer lock (a write
# answers within 1 s).
#
# Uses the cached bench/out/bench.db of run.sh (created the same way if
# missing), on a copy (cp_db: with its audit key) so the flags it writes
# never reach the cached file.  DUP_STUDENTS (1000000) for a quick run.
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
N=${DUP_STUDENTS:-1000000}
job_bench_start dupscan "$N"

now () { date +%s.%N; }

# baseline first (warms the page cache for both), then xueji
t0=$(now)
BASE=$(sqlite3 "$COPY" "SELECT count(*) FROM (SELECT 1 FROM students st
  JOIN schools sc ON sc.id = st.school_id
  WHERE sc.county_code >= '441823' AND sc.county_code < '441823:'
  GROUP BY st.name, st.birth_date, st.guardian_phone HAVING count(*) > 1);")
t1=$(now)
/usr/bin/python3 - "$PORT" "$BENCH_PW" "$t0" "$t1" "$BASE" <<'PY'
import sys
sys.path.insert(0, "bench")
from jobwrites import Client, latency_line, writes_during

port, pw = sys.argv[1:3]
t0, t1, base = float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
c = Client(port, "bench", pw)
scan, x, lat, codes = writes_during(c, "/duplicates/scan",
                                    {"county": "441823"}, "scan",
                                    "/duplicates/scans/%d")
b = t1 - t0
print("baseline sqlite3 GROUP BY name,birth,phone: %.1f s, %s groups" % (b, base))
print("xueji scan (job, until done): %.1f s, state %s, %d name+birth groups, "
      "%d pairs flagged, %d guardian IDs over the limit"
      % (x, scan["state"], scan["groups"], scan["pairs"], scan["guardians"]))
print("ratio xueji/baseline: %.2f" % (x / b))
print(latency_line("the scan", lat, codes))
PY
