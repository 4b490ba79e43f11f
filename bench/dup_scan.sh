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

bench_serve "$COPY" "$OUT/dupscan-server.log"
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
/usr/bin/python3 - "$PORT" "$COOKIE" "$CSRF" "$t0" "$t1" "$BASE" <<'PY'
import json, sys, time, urllib.request
port, cookie, csrf = sys.argv[1:4]
t0, t1, base = float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
URL = "http://127.0.0.1:%s/api/v1" % port
H = {"Cookie": "xj_session=" + cookie, "X-CSRF-Token": csrf,
     "Content-Type": "application/json"}

def call(method, path, body=None):
    req = urllib.request.Request(URL + path, method=method, headers=H,
                                 data=json.dumps(body).encode() if body else None)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def make_id(n):
    body = "441823" + "20190308" + "%03d" % (n % 1000)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]

st, sch = call("GET", "/schools?stage=primary&per_page=5")
assert st == 200 and sch.get("items"), (st, sch)
school = sch["items"][0]["id"]
def register(n):
    return call("POST", "/students", {
        "school_id": school, "name": "压测" + "甲乙丙丁戊己庚辛壬癸"[n % 10], "gender": 1 if n % 2 else 2,
        "birth_date": "2019-03-08", "ethnicity": "01", "nationality": "CHN",
        "id_type": "1", "id_no": make_id(n), "health": "10", "hukou_type": 1,
        "grade": "11", "enrol_ym": "202509", "enrol_mode": "11",
        "study_mode": 1, "g1_name": "王建国", "g1_relation": "1",
        "g1_phone": "1390000%04d" % n})

ts = time.time()
st, j = call("POST", "/duplicates/scan", {"county": "441823"})
assert st == 202, (st, j)
scan, lat, n, codes = j["scan"], [], 1, {}
while scan["state"] == "running":
    a = time.time()
    st, body = register(n)
    lat.append(time.time() - a)
    if st != 201 and st not in codes:
        print("registration answered %d: %s" % (st, json.dumps(body, ensure_ascii=False)[:300]))
    codes[st] = codes.get(st, 0) + 1
    n += 2
    st, j = call("GET", "/duplicates/scans/%d" % scan["id"])
    scan = j["scan"]
    time.sleep(0.2)
te = time.time()
b, x = t1 - t0, te - ts
print("baseline sqlite3 GROUP BY name,birth,phone: %.1f s, %s groups" % (b, base))
print("xueji scan (job, until done): %.1f s, state %s, %d name+birth groups, "
      "%d pairs flagged, %d guardian IDs over the limit"
      % (x, scan["state"], scan["groups"], scan["pairs"], scan["guardians"]))
print("ratio xueji/baseline: %.2f" % (x / b))
if lat:
    lat.sort()
    print("registrations during the scan: %d (HTTP %s), latency median %.3f s,"
          " max %.3f s" % (len(lat), codes, lat[len(lat) // 2], lat[-1]))
else:
    print("registrations during the scan: none (the scan ended first)")
PY
