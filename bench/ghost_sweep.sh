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
N=${GHOST_STUDENTS:-200000}
job_bench_start ghostsweep "$N"

/usr/bin/python3 - "$PORT" "$BENCH_PW" "$SPID" "$COPY" <<'PY'
import datetime, os, subprocess, sys, time
sys.path.insert(0, "bench")
from jobwrites import Client, latency_line, writes_during

port, pw, spid, db = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
c = Client(port, "bench", pw)
call = c.call

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

def sweep(n0):
    """Run a sweep, registering meanwhile; (run, wall, cpu, latencies)."""
    c0 = cpu()
    g, wall, lat, codes = writes_during(c, "/verification/ghosts/sweep", {},
                                        "sweep",
                                        "/verification/ghosts/sweeps/%d", n0)
    return g, wall, cpu() - c0, lat, codes

def show(name, g, wall, c, lat, codes):
    print("xueji %s: %.1f s wall, %.1f s server CPU, state %s, %d students,"
          " raised %d, updated %d, kept %d" % (name, wall, c, g["state"],
          g["students_done"], g["raised"], g["updated"], g["kept"]))
    print("  " + latency_line("it", lat, codes))

g1 = sweep(1)
g2 = sweep(2)
print("baseline sqlite3 (signals b, c into a scratch table, one transaction):"
      " %.1f s wall, %.1f s CPU, %s students" % (b, bcpu, base))
show("first sweep (every student raised)", *g1)
show("second sweep (all kept)", *g2)
print("ratio xueji first sweep/baseline: %.2f" % (g1[1] / b))
PY
