#!/usr/bin/python3
"""province_bench.py -- issue 10 point 7: a province's registry on SQLite
and on PostgreSQL side by side, each figure beside its baseline in the
same run (bench/README.md "Province scale").

Usage: bench/province_bench.py [N]   (default 1,000,000 students)

N students in N/100,000 counties of 广东省 (441823 阳山县 first), 200
schools each, made by `xueji gen` into a SQLite file and into a database
of a throw-away PostgreSQL 15 cluster (tests/pg/cluster.sh; ANALYZE after
loading, as docs/deploy-postgres.md says after bulk loads).  Then, per
backend:

1. gen's rate (students/s; wall, and CPU of gen and of the cluster);
2. GET one student at CONNS (64) connections with wrk, xueji beside
   bench/out/minimal_server[_pg] on the same database (req/s, p99);
3. the student list of county 441823 as its bureau: grade filter, name
   search, both (p50/p99 of RUNS requests) beside the page's two
   statements run by the database's own shell (sqlite3 / psql);
4. every dashboard panel and statistics route of the county beside a
   plain count of its enrolled students by grade and gender;
5. the year-end preview of the county beside a plain read of the rows it
   promotes;
6. (PostgreSQL) the real-scale EXPLAIN check: every statement of 3-5 with
   its plan (auto_explain, seq scans allowed): a Seq Scan of a registry
   table (tests/http/pgplans.py) is listed with its route;
7. the import of IMPORT_ROWS more students (default N/10) into the
   county beside the database shell's bulk load of the same CSV into a
   plain table with the same indexes.

Knobs: IMPORT_ROWS, RUNS (list and panels, default 40), WRK_SECS (15),
CONNS (64), PB_OUT (bench/out/province), XJ_BENCH_BIN, PB_HOLD (a file:
while it exists, the run waits after building both databases and before
measuring, so the measurements can wait for a quiet machine).  Summary in
PB_OUT/summary-N.txt.  Needs wrk, sqlite3, psql, make -C bench.
"""
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse

import httpx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "http"))
from benchlib import (BIN, ROOT, cpu_seconds, free_port,  # noqa: E402
                      psql_ms, sqlite_ms)
import pgplans  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
PER_COUNTY = 100000
SCHOOLS = 200
COUNTY = "441823"
IMPORT_ROWS = int(os.environ.get("IMPORT_ROWS", N // 10))
RUNS = int(os.environ.get("RUNS", 40))
WRK_SECS = int(os.environ.get("WRK_SECS", 15))
CONNS = int(os.environ.get("CONNS", 64))
OUT = os.environ.get("PB_OUT", os.path.join(ROOT, "bench", "out",
                                            "province"))
ADMIN_PW = "bench-chief-pass-2026"
PW = "county-pass-2026"
ENV = dict(os.environ, XUEJI_STATE_DIR=OUT)
ENV.pop("XUEJI_DB", None)
LINES = []
BIG_TABLE = 10000


def say(*a):
    line = " ".join(str(x) for x in a)
    print(line, flush=True)
    LINES.append(line)


def cli(db, *args, env=None):
    p = subprocess.run([BIN, "--db", db] + list(args), env=env or ENV,
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("xueji %s: %s" % (args[:2], p.stderr[-2000:]))
    return p.stdout


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


# ------------------------------------------------------------ the backends

class Backend:
    """One registry: the SQLite file or the cluster's database."""

    def __init__(self, name, db, shell):
        self.name, self.db, self.shell = name, db, shell

    def cluster_cpu(self):
        return 0.0

    def sql(self, query):
        """Rows of @query through the database's own shell."""
        p = subprocess.run(self.shell + [query], capture_output=True,
                           text=True)
        assert p.returncode == 0, (query, p.stderr)
        return [l.split("|") for l in p.stdout.splitlines() if l]

    def timed(self, queries, runs):
        """Milliseconds of each run of @queries (one shell process; the
        shell's own timer around each statement, summed per run)."""
        raise NotImplementedError


class Sqlite(Backend):
    def __init__(self, path):
        super().__init__("sqlite", path, ["sqlite3", "-readonly", path])

    def timed(self, queries, runs):
        return sqlite_ms(self.db, queries, runs)


class Pg(Backend):
    def __init__(self, url, pgdir):
        super().__init__("pg", url, ["psql", "-X", "-q", "-A", "-t", "-F",
                                     "|", "-v", "ON_ERROR_STOP=1", "-d", url,
                                     "-c"])
        with open(os.path.join(pgdir, "data", "postmaster.pid")) as f:
            self.pm = int(f.readline())

    def cluster_cpu(self):
        """CPU seconds of the cluster's finished backends so far."""
        with open("/proc/%d/stat" % self.pm) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")

    def timed(self, queries, runs):
        return psql_ms(self.db, queries, runs)


def counties(b):
    """County codes of 广东省 to fill, 441823 first."""
    rows = [r[0] for r in b.sql(
        "SELECT code FROM regions WHERE level = 3 AND code LIKE '44%' AND"
        " code <> '441823' AND name NOT LIKE '%市辖区%' ORDER BY code")]
    return [COUNTY] + rows


def build(b):
    """init, gen of every county, the users; returns gen's figures."""
    cli(b.db, "init", env=dict(ENV, XUEJI_ADMIN_PASSWORD=ADMIN_PW))
    want = max(1, N // PER_COUNTY)
    left, done, made = N, 0, []
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    pg0, t0 = b.cluster_cpu(), time.time()
    for c in counties(b):
        if done == want or left <= 0:
            break
        n = min(PER_COUNTY if done + 1 < want else left, left)
        try:
            cli(b.db, "gen", "--county", c, "--schools", str(SCHOOLS),
                "--students", str(n), "--seed", str(done + 1))
        except RuntimeError as e:   # a county gen cannot fill: the next
            say("  (gen skipped %s: %s)" % (c, str(e).splitlines()[-1]))
            continue
        made.append(c)
        left -= n
        done += 1
    wall = time.time() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime
    pgc = b.cluster_cpu() - pg0
    say("%-6s gen: %d students in %d counties, %.0f s wall (%.0f students/s);"
        " CPU gen %.0f s, cluster %.0f s" % (b.name, N - left, len(made),
                                            wall, (N - left) / wall, cpu,
                                            pgc))
    for user, role, region in (("pb_prov", "bureau", "44"),
                               ("pb_county", "bureau", COUNTY)):
        cli(b.db, "user", "add", user, "--role", role, "--region", region,
            env=dict(ENV, XUEJI_PASSWORD=PW))
    if b.name == "pg":
        t = time.time()
        b.sql("ANALYZE")
        say("pg     ANALYZE: %.0f s" % (time.time() - t))
    return made


# ------------------------------------------------------------ servers

class Serve:
    """`xueji serve` on @db (stderr kept in @log)."""

    def __init__(self, db, log=None):
        self.port = free_port()
        self.log = open(log or os.devnull, "w")
        self.p = subprocess.Popen([BIN, "--db", db, "serve", "--listen",
                                   "127.0.0.1:%d" % self.port], env=ENV,
                                  stdout=subprocess.DEVNULL, stderr=self.log)
        self.base = "http://127.0.0.1:%d/api/v1" % self.port
        for _ in range(600):
            try:
                httpx.get(self.base + "/session", timeout=1)
                return
            except httpx.HTTPError:
                if self.p.poll() is not None:
                    raise RuntimeError("xueji serve died")
                time.sleep(0.1)
        raise RuntimeError("xueji serve did not start")

    def login(self, user, pw=PW):
        c = httpx.Client(base_url=self.base, timeout=600)
        r = c.post("/session", json={"username": user, "password": pw})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return c

    def stop(self):
        self.p.terminate()
        self.p.wait()
        self.log.close()


def wrk(port, cookie, secs):
    env = dict(os.environ, BENCH_STUDENTS=str(N), BENCH_COOKIE=cookie)
    p = subprocess.run(["nice", "-n", "19", "wrk", "-t2", "-c%d" % CONNS,
                        "-d%ds" % secs, "--latency", "-s",
                        os.path.join(ROOT, "bench", "get_student.lua"),
                        "http://127.0.0.1:%d" % port], env=env,
                       capture_output=True, text=True)
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", p.stdout).group(1))
    m = re.search(r"99%\s+([0-9.]+)(us|ms|s)", p.stdout)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", p.stdout)
    return rps, p99, int(bad.group(1)) if bad else 0


def get_one(b):
    minimal = os.path.join(ROOT, "bench", "out", "minimal_server" +
                           ("_pg" if b.name == "pg" else ""))
    mport = free_port()
    m = subprocess.Popen([minimal, b.db, str(mport)], stdout=subprocess.PIPE,
                         text=True)
    m.stdout.readline()
    s = Serve(b.db)
    try:
        c = s.login("pb_prov")
        cookie = c.cookies.get("xj_session")
        res = {}
        for who, port in (("base", mport), ("xueji", s.port)):
            wrk(port, cookie, 3)                      # warm-up
        for who, port in (("base", mport), ("xueji", s.port)):
            res[who] = wrk(port, cookie, WRK_SECS)
        cpu = cpu_seconds(s.p.pid)
    finally:
        s.stop()
        m.terminate()
        m.wait()
    (br, bp, bb), (xr, xp, xb) = res["base"], res["xueji"]
    say("%-6s GET one (%d conns, %d s): baseline %.0f req/s p99 %.1f ms;"
        " xueji %.0f req/s p99 %.1f ms; ratio %.2f (target >= 0.50)%s"
        % (b.name, CONNS, WRK_SECS, br, bp, xr, xp, xr / br,
           "; NON-2xx %d/%d" % (bb, xb) if bb or xb else ""))
    return cpu


# ------------------------------------------------------------ reads

def county_sql(b):
    ids = ",".join(r[0] for r in b.sql(
        "SELECT id FROM schools WHERE county_code = '%s'" % COUNTY))
    return "st.school_id IN (%s)" % ids


def timed_get(c, path, params, runs, method="GET"):
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = c.request(method, path, params=None if method != "GET" else
                      params, json=params if method != "GET" else None)
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, params, r.text[:300])
    return out


def line(b, label, api, base, target=None):
    say("%-6s %-34s api p50 %7.1f p99 %7.1f ms | baseline p50 %7.1f ms |"
        " ratio %5.2f%s" % (b.name, label, statistics.median(api),
                            pct(api, 0.99), statistics.median(base),
                            statistics.median(api) /
                            max(statistics.median(base), 0.01),
                            "  (p99 target < %d ms: %s)" % (
                                target, "ok" if pct(api, 0.99) < target
                                else "MISSED") if target else ""))


def lists(b, c, where, surname):
    cases = (("list grade=31", {"grade": "31"},
              "st.grade = '31'"),
             ("list q=%s" % surname, {"q": surname},
              "st.name LIKE '%%%s%%'" % surname),
             ("list grade=31 q=%s" % surname, {"grade": "31", "q": surname},
              "st.grade = '31' AND st.name LIKE '%%%s%%'" % surname))
    for label, params, cond in cases:
        # warm-up: a connection prepares its statements on first use (and
        # the first request of a run read cold pages: the 1.3 s p99 of
        # the 2026-12-04 run), as bench/search_bench.py
        timed_get(c, "/students", params, 3)
        api = timed_get(c, "/students", params, RUNS)
        base = b.timed([
            "SELECT count(*) FROM students st WHERE %s AND %s" % (where, cond),
            "SELECT st.id, st.registry_no, st.name, st.grade, st.class_id"
            " FROM students st WHERE %s AND %s ORDER BY st.registry_no"
            " || '' LIMIT 20" % (where, cond)], RUNS)
        line(b, label, api, base, 100)


STATS = (("/class-sizes", {"county": COUNTY}),
         ("/class-sizes/trend", {"county": COUNTY}),
         ("/flows/summary", {}), ("/flows", {}),
         ("/progress/school-choice", {}), ("/dropout/ledger", {}),
         ("/verification/progress", {}), ("/attendance/suspects", {}),
         ("/changes/backlog", {}), ("/changes/counts", {}),
         ("/attendance/rate", {"school": None, "from": "2026-09-01",
                               "to": "2026-11-30"}),
         ("/duplicates", {}), ("/dropout/cases", {}),
         ("/suspensions/overdue", {}), ("/verification/ghosts", {}),
         ("/changes", {"box": "all"}), ("/flows/students", {}))


def panels(b, c, where):
    unit = {"level": "county", "code": COUNTY}
    names = sorted(c.get("/dashboard", params=unit).json()["panels"])
    runs = max(3, RUNS // 4)
    base = b.timed(["SELECT st.grade, st.gender, count(*) FROM students st"
                    " WHERE %s AND st.status = 'enrolled' GROUP BY 1, 2"
                    % where], runs)
    for p in names:
        line(b, "dashboard " + p, timed_get(c, "/dashboard",
                                            dict(unit, panel=p), runs), base)
    line(b, "dashboard (all panels)", timed_get(c, "/dashboard", unit, runs),
         base)
    line(b, "dashboard/students enrolment",
         timed_get(c, "/dashboard/students",
                   dict(unit, panel="enrolment", key="*|*"), runs), base)
    school = b.sql("SELECT min(id) FROM schools WHERE county_code = '%s'"
                   % COUNTY)[0][0]
    for path, params in STATS:
        params = {k: v if v is not None else school
                  for k, v in params.items()}
        line(b, path, timed_get(c, path, params, runs), base)


def preview(b, c, where):
    api = timed_get(c, "/yearend/preview", {"county": COUNTY}, 3, "POST")
    base = b.timed(["SELECT st.id, st.grade, st.class_id, st.status FROM"
                    " students st WHERE %s AND st.status IN ('enrolled',"
                    " 'suspended')" % where], 3)
    line(b, "year-end preview (county)", api, base)


def reads(b, log=None):
    where = county_sql(b)
    surname = b.sql("SELECT substr(name, 1, 1) FROM students WHERE %s"
                    " ORDER BY id LIMIT 1" % where.replace("st.", ""))[0][0]
    s = Serve(b.db if not log else log[0], log[1] if log else None)
    try:
        c = s.login("pb_county")
        lists(b, c, where, surname)
        panels(b, c, where)
        preview(b, c, where)
        cpu = cpu_seconds(s.p.pid)
    finally:
        s.stop()
    return cpu


def explain(b):
    """The reads again on a server whose sessions log every plan; the
    statements with a Seq Scan of a registry table, by route."""
    global LINES
    url = b.db + "?options=" + urllib.parse.quote(pgplans.options())
    log = os.path.join(OUT, "explain-%d.log" % N)
    keep, saved = RUNS, LINES
    globals()["RUNS"] = 1
    LINES = []
    try:
        reads(b, (url, log))
    finally:
        globals()["RUNS"] = keep
        LINES = saved
    with open(log) as f:
        found = pgplans.plans(f.read())
    # a table of a few pages is read whole whatever the indexes: only
    # those with BIG_TABLE rows or more count here
    rows = {r[0]: float(r[1]) for r in b.sql(
        "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")}
    bad = {}
    for stmt, tables in found:
        for t in set(tables) & pgplans.REGISTRY_TABLES:
            bad.setdefault((t, stmt[:160]), 0)
            bad[(t, stmt[:160])] += 1
    big = {k: n for k, n in bad.items() if rows.get(k[0], 0) >= BIG_TABLE}
    say("pg     EXPLAIN at %d students: %d statements planned; Seq Scan of"
        " a registry table of >= %d rows in %d statements, of a smaller one"
        " in %d%s" % (N, len(found), BIG_TABLE, len(big),
                      len(bad) - len(big), ":" if big else ""))
    for (t, stmt), n in sorted(big.items()):
        say("         Seq Scan on %s (%.0f rows; x%d): %s"
            % (t, rows[t], n, stmt))
    with open(log) as f:
        walks = {(t, ix, stmt[:160]) for stmt, t, ix in
                 pgplans.index_walks(f.read())
                 if t in pgplans.REGISTRY_TABLES and
                 rows.get(t, 0) >= BIG_TABLE}
    say("pg     whole-index walks (Index Scan without Index Cond) of those"
        " tables: %d statements%s" % (len(walks), ":" if walks else ""))
    for t, ix, stmt in sorted(walks):
        say("         %s on %s: %s" % (ix, t, stmt))


# ------------------------------------------------------------ import

def import_rows(b, csv):
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    pg0, t0 = b.cluster_cpu(), time.time()
    cli(b.db, "import", "students", csv, "--create-classes")
    wall = time.time() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (wall, ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime,
            b.cluster_cpu() - pg0)


def import_base(b, csv, pgbase):
    """The shell's bulk load of @csv into a plain table + indexes."""
    with open(csv, encoding="utf-8-sig") as f:
        cols = f.readline().strip().split(",")
    table = "CREATE TABLE s (%s)" % ", ".join('"%s" text' % c for c in cols)
    idx = ['CREATE UNIQUE INDEX s_regno ON s ("学籍号")',
           'CREATE INDEX s_school ON s ("学校标识码", "年级", "班级")',
           'CREATE INDEX s_name ON s ("姓名")',
           'CREATE INDEX s_dupkey ON s ("姓名", "出生日期")']
    t0 = time.time()
    if b.name == "sqlite":
        scratch = os.path.join(OUT, "import-base.db")
        if os.path.exists(scratch):
            os.unlink(scratch)
        script = "PRAGMA page_size=16384;\n%s;\n.import --csv --skip 1 %s s\n%s;\n" % (
            table, csv, ";\n".join(idx))
        subprocess.run(["sqlite3", scratch], input=script, text=True,
                       check=True)
        os.unlink(scratch)
    else:
        subprocess.run(["psql", "-X", "-q", "-d", pgbase + "/postgres", "-c",
                        "DROP DATABASE IF EXISTS pb_base", "-c",
                        "CREATE DATABASE pb_base"], check=True)
        script = "%s;\n\\copy s FROM '%s' WITH (FORMAT csv, HEADER true)\n%s;\n" % (
            table, csv, ";\n".join(idx))
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                        pgbase + "/pb_base"], input=script, text=True,
                       check=True)
    return time.time() - t0


def imports(backends, pgbase):
    if IMPORT_ROWS <= 0:
        return
    csv = os.path.join(OUT, "import-%d.csv" % IMPORT_ROWS)
    if not os.path.exists(csv):
        cli(backends[0].db, "gen", "--out", csv, "--students",
            str(IMPORT_ROWS), "--seed", "99")
    for b in backends:
        base = import_base(b, csv, pgbase)
        wall, cpu, pgc = import_rows(b, csv)
        say("%-6s import %d rows: %.1f s wall (%.0f rows/s; CPU xueji %.0f s,"
            " cluster %.0f s) | baseline bulk load + indexes %.1f s |"
            " ratio %.2f" % (b.name, IMPORT_ROWS, wall, IMPORT_ROWS / wall,
                             cpu, pgc, base, wall / base))


# ------------------------------------------------------------ main

def main():
    # a TERM (a background job ignores INT) still stops the cluster
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    os.makedirs(OUT, exist_ok=True)
    env = subprocess.run([os.path.join(ROOT, "tests", "pg", "cluster.sh"),
                          "start"], capture_output=True, text=True,
                         check=True).stdout
    pg = dict(l.split("=", 1) for l in env.split())
    pgbase = pg["XUEJI_TEST_PG"].rsplit("/", 1)[0]
    try:
        subprocess.run(["psql", "-X", "-q", "-d", pg["XUEJI_TEST_PG"], "-c",
                        "CREATE DATABASE province"], check=True)
        sq = os.path.join(OUT, "province-%d.db" % N)
        for suffix in ("", "-wal", "-shm", ".auditkey", ".checkpoints",
                       "-auth", "-auth-wal", "-auth-shm"):
            if os.path.exists(sq + suffix):
                os.unlink(sq + suffix)
        for f in ("province.auditkey", "province.checkpoints"):
            if os.path.exists(os.path.join(OUT, f)):
                os.unlink(os.path.join(OUT, f))
        backends = [Sqlite(sq), Pg(pgbase + "/province",
                                   pg["XUEJI_TEST_PG_DIR"])]
        say("province bench: %d students, %d a county, %d schools a county;"
            " %s; load %s" % (N, PER_COUNTY, SCHOOLS, time.strftime(
                "%Y-%m-%d %H:%M UTC", time.gmtime()),
                open("/proc/loadavg").read().split()[0]))
        for b in backends:
            build(b)
        hold = os.environ.get("PB_HOLD")
        if hold and os.path.exists(hold):
            say("held while %s exists" % hold)
            while os.path.exists(hold):
                time.sleep(10)
            say("measuring from %s; load %s" % (
                time.strftime("%H:%M UTC", time.gmtime()),
                open("/proc/loadavg").read().split()[0]))
        for b in backends:
            get_one(b)
            cpu = reads(b)
            say("%-6s (server CPU for the reads: %.1f s)" % (b.name, cpu))
        explain(backends[1])
        imports(backends, pgbase)
    finally:
        subprocess.run([os.path.join(ROOT, "tests", "pg", "cluster.sh"),
                        "stop", pg["XUEJI_TEST_PG_DIR"]])
        with open(os.path.join(OUT, "summary-%d.txt" % N), "w") as f:
            f.write("\n".join(LINES) + "\n")


if __name__ == "__main__":
    main()
