#!/usr/bin/python3
"""list_bench.py -- the student list page (GET /api/v1/students, first
page, default sort, with its exact total) for a registrar, a teacher, a
county and a city bureau, beside a baseline in the same run:

- baseline: the same page and count answered by plain indexed SQL in
  this process (python sqlite3, no HTTP): what the page costs at least;
- old: the binary given as OLD_XUEJI (the single "($n = 0 OR ...)"
  statement) on a copy of the database with its old index;
- new: build/xueji.

Usage: bench/list_bench.py DB [N]   (DB from `xueji gen`, users lb_reg,
lb_tea, lb_county, lb_city with password $XUEJI_PASSWORD; OLD_N
requests per user for the old binary, default N; README.md).
"""
import http.client, json, os, re, shutil, sqlite3, subprocess, sys, time

DB = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100
PW = os.environ["XUEJI_PASSWORD"]
USERS = ["lb_reg", "lb_tea", "lb_county", "lb_city"]
QUERY = "/api/v1/students?page=1"


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] * 1000


def serve(binary, db):
    p = subprocess.Popen([binary, "--db", db, "serve", "--listen",
                          "127.0.0.1:0"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        m = re.search(r"127\.0\.0\.1:(\d+)/", line)
        if m:
            return p, int(m.group(1))
    raise SystemExit("server did not start")


def login(port, user):
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", "/api/v1/session",
              json.dumps({"username": user, "password": PW}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    m = re.search(r"xj_session=([0-9a-f]+)", r.getheader("set-cookie") or "")
    assert r.status == 200 and m, (user, r.status)
    return c, m.group(1)


def run_server(label, binary, db, n=N):
    p, port = serve(binary, db)
    out = {}
    try:
        for u in USERS:
            c, tok = login(port, u)
            ts, total = [], None
            for i in range(n + 5):
                t0 = time.perf_counter()
                c.request("GET", QUERY, headers={"Cookie": "xj_session=" + tok})
                r = c.getresponse()
                body = r.read()
                if i >= 5:                  # 5 unmeasured warm-up requests
                    ts.append(time.perf_counter() - t0)
                assert r.status == 200, (label, u, r.status)
                total = json.loads(body)["total"]
            out[u] = (pct(ts, 0.5), pct(ts, 0.99), total)
    finally:
        p.terminate()
        p.wait()
    return out


def baseline(db):
    """The same pages with one plain indexed statement each."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    q = con.execute
    sch = q("SELECT school_id FROM users WHERE username = 'lb_reg'").fetchone()[0]
    uid = q("SELECT id FROM users WHERE username = 'lb_tea'").fetchone()[0]
    cols = ("SELECT st.id, st.registry_no, st.name, sc.name, c.name"
            " FROM students st JOIN schools sc ON sc.id = st.school_id"
            " LEFT JOIN classes c ON c.id = st.class_id WHERE ")
    order = " ORDER BY substr(st.registry_no, 1, 15), st.id LIMIT 20"
    inreg = ("st.school_id IN (SELECT id FROM schools WHERE county_code"
             " >= ? AND county_code < ? || ':')")
    shapes = {
        "lb_reg": ("st.school_id = ?", (sch,)),
        "lb_tea": ("st.class_id IN (SELECT class_id FROM user_classes"
                   " WHERE user_id = ?)", (uid,)),
        "lb_county": (inreg, ("441823", "441823")),
        "lb_city": (inreg, ("4418", "4418")),
    }
    out = {}
    for u, (w, args) in shapes.items():
        ts = []
        for i in range(N + 5):
            t0 = time.perf_counter()
            total = q("SELECT count(*) FROM students st WHERE " + w,
                      args).fetchone()[0]
            q(cols + w + order, args).fetchall()
            if i >= 5:
                ts.append(time.perf_counter() - t0)
        out[u] = (pct(ts, 0.5), pct(ts, 0.99), total)
    return out


def old_copy(db):
    """A copy with the schema the old binary knows (no 0017)."""
    dst = db + ".old.db"
    if not os.path.exists(dst):
        con = sqlite3.connect(db)
        con.execute("VACUUM INTO ?", (dst,))
        con.close()
        con = sqlite3.connect(dst)
        con.executescript(
            "DROP INDEX IF EXISTS students_list;"
            "CREATE INDEX IF NOT EXISTS students_school ON students"
            " (school_id, grade, class_id);"
            "DELETE FROM schema_version WHERE version = 17;")
        con.close()
        for ext in (".auditkey", ".checkpoints", ".auth"):
            if os.path.exists(db + ext):
                shutil.copy(db + ext, dst + ext)
    return dst


res = {"baseline": baseline(DB)}
if os.environ.get("OLD_XUEJI"):
    res["old"] = run_server("old", os.environ["OLD_XUEJI"], old_copy(DB),
                            int(os.environ.get("OLD_N", N)))
res["new"] = run_server("new", os.environ.get("XUEJI_BIN", "build/xueji"), DB)
print("%-10s %-9s %9s %9s %9s %8s" % ("user", "run", "p50 ms", "p99 ms",
                                      "total", "p99/base"))
for u in USERS:
    b = res["baseline"][u][1]
    for k, r in res.items():
        v = r[u]
        print("%-10s %-9s %9.1f %9.1f %9d %8.1f" % (u, k, v[0], v[1], v[2],
                                                    v[1] / b))
