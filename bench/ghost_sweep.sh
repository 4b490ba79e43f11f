#!/bin/sh
# ghost_sweep.sh -- the ghost-record sweep job (POST
# /verification/ghosts/sweep, issue 11 point 4) on a 200,000-student county
# (GHOST_STUDENTS; 1,000,000 uses run.sh's cache), beside an SQL baseline
# in the same run: sqlite3 computing the same two signals the generated
# data raises (b: 在读 and not settled in the round after its deadline; c:
# a guardian phone shared with a 在读 record of another school) and
# writing them as rows into a scratch table in one transaction (what a
# one-shot SQL job would do; it never unpacks the household and address
# for signal d, nor checks attendance for a).  Prints both wall times,
# the ratio, the server's CPU time for the sweep, and the latency of
# registrations sent one after another while the sweep runs (median,
# max): the sweep must not hold the writer lock.
#
# The worst case: the county's deadline for the current round is set to
# yesterday, so every 在读 student is raised.  A second sweep (all kept)
# follows.  Runs on a copy (cp_db) of the cached registry of bench_db.
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
OUT=bench/out
N=${GHOST_STUDENTS:-200000}
DB=$OUT/bench.db
[ "$N" = 1000000 ] || DB=$OUT/bench-$N.db
COPY=$OUT/ghostsweep.db
PW=$BENCH_PW
mkdir -p "$OUT"
need "$XJ" /usr/bin/sqlite3 /usr/bin/curl
bench_db "$DB" "$N"
cp_db "$DB" "$COPY"

bench_serve "$COPY" "$OUT/ghostsweep-server.log"

/usr/bin/python3 - "$PORT" "$PW" "$SPID" "$COPY" <<'PY'
import datetime, json, os, subprocess, sys, time, urllib.request
port, pw, spid, db = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
URL = "http://127.0.0.1:%s/api/v1" % port
H = {"Content-Type": "application/json"}

def call(method, path, body=None):
    req = urllib.request.Request(URL + path, method=method, headers=H,
                                 data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"{}"), r.headers
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), e.headers

st, j, hd = call("POST", "/session", {"username": "bench", "password": pw})
assert st == 200, (st, j)
cookie = [v for k, v in hd.items() if k.lower() == "set-cookie"][0].split(";")[0]
H["Cookie"] = cookie
H["X-CSRF-Token"] = j["csrf_token"]

def cpu():
    f = open("/proc/%d/stat" % spid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

st, p, _ = call("GET", "/verification/progress?county=441823")
assert st == 200, (st, p)
year, term = p["school_year"], p["term"]
yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
st, j, _ = call("PUT", "/verification/deadline", {
    "county": "441823", "school_year": year, "term": term, "date": yesterday})
assert st == 200, (st, j)

# the baseline first (warms the page cache for both)
SQL = """BEGIN;
CREATE TEMP TABLE cand (student_id INTEGER, signals TEXT);
INSERT INTO cand SELECT st.id, 'unverified' FROM students st
  JOIN schools sc ON sc.id = st.school_id
  WHERE sc.county_code = '441823' AND st.status = 'enrolled'
  AND st.id NOT IN (SELECT v.student_id FROM verify_state v
    WHERE v.school_year = %d AND v.term = %d AND v.settled = 1);
INSERT INTO cand SELECT s.id, 'guardian_shared' FROM students s
  JOIN schools sc ON sc.id = s.school_id
  WHERE sc.county_code = '441823' AND s.status = 'enrolled'
  AND s.guardian_phone IS NOT NULL AND EXISTS (SELECT 1 FROM students o
    WHERE o.guardian_phone = s.guardian_phone AND o.status = 'enrolled'
    AND o.school_id <> s.school_id);
SELECT count(DISTINCT student_id) FROM cand;
COMMIT;""" % (year, term)
t0, c0 = time.time(), os.times()
base = subprocess.run(["sqlite3", db], input=SQL, capture_output=True,
                      text=True, check=True).stdout.strip()
c1 = os.times()
b = time.time() - t0
bcpu = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def make_id(n):
    body = "441823" + "20190308" + "%03d" % (n % 1000)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]

st, sch, _ = call("GET", "/schools?stage=primary&per_page=5")
assert st == 200 and sch.get("items"), (st, sch)
school = sch["items"][0]["id"]
def register(n):
    return call("POST", "/students", {
        "school_id": school, "name": "压测" + "甲乙丙丁戊己庚辛壬癸"[n % 10],
        "gender": 1 if n % 2 else 2, "birth_date": "2019-03-08",
        "ethnicity": "01", "nationality": "CHN", "id_type": "1",
        "id_no": make_id(n), "health": "10", "hukou_type": 1, "grade": "11",
        "enrol_ym": "202509", "enrol_mode": "11", "study_mode": 1,
        "g1_name": "王建国", "g1_relation": "1",
        "g1_phone": "1390000%04d" % n})[:2]

def sweep(n0):
    """Run a sweep, registering meanwhile; (run, wall, cpu, latencies)."""
    c0, ts = cpu(), time.time()
    st, j, _ = call("POST", "/verification/ghosts/sweep", {})
    assert st == 202, (st, j)
    g, lat, n, codes = j["sweep"], [], n0, {}
    while g["state"] == "running":
        a = time.time()
        st, body = register(n)
        lat.append(time.time() - a)
        if st != 201 and st not in codes:
            print("registration answered %d: %s" % (st, json.dumps(body, ensure_ascii=False)[:300]))
        codes[st] = codes.get(st, 0) + 1
        n += 2
        st, j, _ = call("GET", "/verification/ghosts/sweeps/%d" % g["id"])
        g = j["sweep"]
        time.sleep(0.2)
    return g, time.time() - ts, cpu() - c0, lat, codes

def show(name, g, wall, c, lat, codes):
    print("xueji %s: %.1f s wall, %.1f s server CPU, state %s, %d students,"
          " raised %d, updated %d, kept %d" % (name, wall, c, g["state"],
          g["students_done"], g["raised"], g["updated"], g["kept"]))
    if lat:
        lat.sort()
        print("  registrations during it: %d (HTTP %s), latency median %.3f s,"
              " max %.3f s" % (len(lat), codes, lat[len(lat) // 2], lat[-1]))
    else:
        print("  registrations during it: none (it ended first)")

g1 = sweep(1)
g2 = sweep(2)
print("baseline sqlite3 (signals b, c into a scratch table, one transaction):"
      " %.1f s wall, %.1f s CPU, %s students" % (b, bcpu, base))
show("first sweep (every student raised)", *g1)
show("second sweep (all kept)", *g2)
print("ratio xueji first sweep/baseline: %.2f" % (g1[1] / b))
PY
