"""soak.py -- the driver of bench/soak.sh (see bench/README.md, "Soak").

Mixed reads and writes against a running xueji on 127.0.0.1, first a
short closed-loop ramp to measure capacity (the best req/s over 1..16
clients), then an open-loop run at 80% of it for the given duration,
checking: no error answers (5xx, connection errors, 4xx other than the
ones this driver provokes on purpose), RSS growth under 10% between the
end of warm-up and the end, p99 per kind within the targets.

Standard library only (http.client, threads): Debian's python3.
Usage: soak.py BASE_PORT SERVER_PID DURATION_S COUNTY PASSWORD
"""
import http.client
import json
import random
import sys
import threading
import time

PORT = int(sys.argv[1])
PID = int(sys.argv[2])
DURATION = float(sys.argv[3])
COUNTY = sys.argv[4]
PW = sys.argv[5]
WARMUP = min(120.0, DURATION * 0.1)
# p99 targets in ms (issue 9: reads < 100 ms; writes and log-in: ours)
TARGETS = {"list": 100, "record": 100, "codes": 100, "register": 500,
           "patch": 500, "change": 500, "login": 2000}
# the mix, per 100 requests (log-in has its own slow clock, below)
MIX = [("list", 35), ("record", 35), ("codes", 5), ("patch", 12),
       ("register", 8), ("change", 5)]
# 4xx this driver provokes by design: a PATCH racing another PATCH of the
# same record (409 version), a change for a student that already has one
# open or is no longer enrolled (409/422)
EXPECTED = {("patch", 409), ("change", 409), ("change", 422)}

W17 = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_seq = iter(range(1, 10 ** 9))
_lock = threading.Lock()


QUIET = threading.Event()   # set: no log-in starts (RSS is being read)


def rss_now():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def rss_kb():
    """The server's resident set without a log-in's transient 64 MiB
    argon2id buffer: log-ins paused, the least of a few samples."""
    QUIET.set()
    try:
        time.sleep(3)
        v = []
        for _ in range(6):
            v.append(rss_now())
            time.sleep(0.25)
        return min(v)
    finally:
        QUIET.clear()


def new_id():
    """A fresh resident ID born 2019 in 天河区 (never generated data)."""
    while True:
        with _lock:
            s = next(_seq)
        day = 1 + (s // 500) % 28
        month = 1 + (s // 14000) % 12
        b = "440106" + "2019%02d%02d" % (month, day) + "%03d" % (s % 500 * 2 + 1)
        if len(b) == 17:
            return b + "10X98765432"[sum(int(c) * w for c, w in
                                         zip(b, W17)) % 11]


SESSIONS = {}   # user -> (cookie, csrf): one log-in per user, shared


class Client:
    """One keep-alive connection with the user's shared session (a
    session is not tied to a connection; log-ins cost an argon2id hash
    each and are measured on their own clock, login_clock)."""

    def __init__(self, user):
        self.user = user
        self.c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookie = self.csrf = None
        with _lock:
            if user not in SESSIONS:
                st, _, _ = self.login()
                if st != 200:
                    raise SystemExit(f"log-in of {user} failed: {st}")
                SESSIONS[user] = (self.cookie, self.csrf)
        self.cookie, self.csrf = SESSIONS[user]

    def req(self, method, path, body=None):
        h = {"Accept": "application/json"}
        if self.cookie:
            h["Cookie"] = self.cookie
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body)
        if method != "GET" and self.csrf:
            h["X-CSRF-Token"] = self.csrf
        for attempt in (0, 1):
            try:
                self.c.request(method, "/api/v1" + path, body=body, headers=h)
                r = self.c.getresponse()
                data = r.read()
                return r.status, data, r
            except (http.client.HTTPException, OSError):
                self.c.close()
                self.c = http.client.HTTPConnection("127.0.0.1", PORT,
                                                    timeout=30)
                if attempt:
                    return 0, b"", None

    def login(self):
        self.cookie = None
        st, data, r = self.req("POST", "/session",
                               {"username": self.user, "password": PW})
        if st == 200:
            self.cookie = r.getheader("Set-Cookie").split(";")[0]
            self.csrf = json.loads(data)["csrf_token"]
        return st, data, r


class World:
    def __init__(self):
        a = Client("soak_bureau")
        st, data, _ = a.req("GET", "/schools?per_page=100&region=" + COUNTY)
        self.schools = [s for s in json.loads(data)["items"]
                        if s["stage"] == "primary"]
        self.school = self.schools[0]["id"]
        st, data, _ = a.req("GET", f"/students?school_id={self.school}"
                            "&status=enrolled&per_page=200")
        self.ids = [s["id"] for s in json.loads(data)["items"]]
        st, data, _ = a.req("GET", f"/students?per_page=1")
        self.total = json.loads(data)["total"]
        # students for changes: enrolled, of the registrar's school,
        # taken once each
        st, data, _ = a.req("GET", f"/students?school_id={self.school}"
                            "&status=enrolled&per_page=200&page=2")
        # (student id, status): each change flips enrolled <-> suspended
        # and puts the student back, so the pool never runs dry
        self.change_pool = [(s["id"], "enrolled")
                            for s in json.loads(data)["items"]]
        random.shuffle(self.change_pool)
        self.page_max = max(1, self.total // 20)


def one(kind, reg, bur, w, rnd):
    """Run one request of @kind; returns its status."""
    if kind == "list":
        st, _, _ = bur.req("GET", "/students?per_page=20&page=%d"
                           % rnd.randint(1, min(w.page_max, 200)))
    elif kind == "record":
        st, _, _ = bur.req("GET", "/students/%d" % rnd.choice(w.ids))
    elif kind == "codes":
        st, _, _ = bur.req("GET", "/codes")
    elif kind == "patch":
        sid = rnd.choice(w.ids)
        st, data, _ = reg.req("GET", "/students/%d" % sid)
        if st != 200:
            return st
        v = json.loads(data)["student"]["version"]
        st, _, _ = reg.req("PATCH", "/students/%d" % sid,
                           {"version": v, "specialty": "书法%d" %
                            rnd.randint(0, 999)})
    elif kind == "register":
        idn = new_id()
        st, _, _ = reg.req("POST", "/students", {
            "name": "浸测" + chr(0x4E00 + rnd.randint(0x100, 0x4000)),
            "gender": int(idn[16]) % 2 or 2, "birth_date":
            "%s-%s-%s" % (idn[6:10], idn[10:12], idn[12:14]),
            "ethnicity": "01", "nationality": "CHN", "id_type": "1",
            "id_no": idn, "health": "10", "hukou_type": 1, "grade": "11",
            "enrol_ym": "202509", "enrol_mode": "11", "study_mode": 1,
            "g1_name": "王建国", "g1_relation": "1",
            "g1_phone": "199%08d" % rnd.randint(0, 10 ** 8 - 1),
            "school_id": w.school})
        if st == 409:   # an ID drawn twice across threads: not the server
            st = 201
    else:  # change: 休学 or 复学 as registrar, approved by the county
        with _lock:
            sid, state = w.change_pool.pop(0)
        kind = "suspend" if state == "enrolled" else "resume"
        st, data, _ = reg.req("POST", "/changes", {
            "type": kind, "student_id": sid,
            "reason": "病休" if kind == "suspend" else "康复复学"})
        if st == 201:
            c = json.loads(data)["change"]
            st, _, _ = bur.req("POST", "/changes/%d/approve" % c["id"], {})
            if st == 200:
                state = "suspended" if kind == "suspend" else "enrolled"
        with _lock:
            w.change_pool.append((sid, state))
    return st


class Stats:
    def __init__(self):
        self.lat = {}
        self.errors = {}
        self.expected = 0
        self.n = 0
        self.lock = threading.Lock()

    def add(self, kind, st, ms):
        with self.lock:
            self.n += 1
            self.lat.setdefault(kind, []).append(ms)
            if st == 0 or st >= 500 or (st >= 400 and (kind, st)
                                        not in EXPECTED and
                                        not (kind == "login" and st == 429)):
                self.errors[(kind, st)] = self.errors.get((kind, st), 0) + 1
            elif st >= 400:
                self.expected += 1

    def p(self, kind, q):
        v = sorted(self.lat.get(kind, []))
        return v[min(len(v) - 1, int(q * len(v)))] if v else 0.0


def pick(rnd):
    x = rnd.randint(1, 100)
    for kind, wgt in MIX:
        x -= wgt
        if x <= 0:
            return kind
    return MIX[0][0]


def worker(w, stats, stop_at, interval, seed):
    rnd = random.Random(seed)
    reg, bur = Client("soak_reg"), Client("soak_bureau")
    nxt = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= stop_at:
            break
        if interval:
            if nxt > now:
                time.sleep(nxt - now)
            # open loop: on schedule; a client that fell behind (a slow
            # write) catches up on at most one second of missed requests,
            # so the offered rate is held without an unbounded burst
            nxt = max(nxt + interval, time.monotonic() - 1.0)
        kind = pick(rnd)
        t0 = time.monotonic()
        st = one(kind, reg, bur, w, rnd)
        stats.add(kind, st, (time.monotonic() - t0) * 1000)


def login_clock(stats, stop_at):
    """One log-in and log-out every 2 s (each costs an argon2id hash)."""
    while time.monotonic() < stop_at:
        if QUIET.is_set():
            time.sleep(0.1)
            continue
        t0 = time.monotonic()
        c = Client.__new__(Client)
        c.user = "soak_bureau"
        c.c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        c.cookie = c.csrf = None
        st, _, _ = c.login()
        stats.add("login", st, (time.monotonic() - t0) * 1000)
        if st == 200:
            c.req("DELETE", "/session")
        c.c.close()
        time.sleep(max(0.0, 2.0 - (time.monotonic() - t0)))


def run(w, clients, secs, rate=None, with_login=False):
    stats = Stats()
    stop_at = time.monotonic() + secs
    interval = clients / rate if rate else 0
    ts = [threading.Thread(target=worker, args=(w, stats, stop_at, interval,
                                                i * 7919 + clients))
          for i in range(clients)]
    if with_login:
        ts.append(threading.Thread(target=login_clock, args=(stats, stop_at)))
    t0 = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return stats, stats.n / (time.monotonic() - t0)


def main():
    w = World()
    print(f"soak: {w.total} students; registrar school {w.school}; "
          f"duration {DURATION:.0f} s (warm-up {WARMUP:.0f} s)", flush=True)
    # capacity: the best closed-loop rate at which reads still meet their
    # p99 target (past that point more clients only add queueing)
    best, best_c, fallback, ramp = 0.0, 1, None, []
    for c in (1, 2, 4, 8, 16):
        st, rps = run(w, c, 8)
        p99 = max(st.p(k, 0.99) for k in ("list", "record", "codes"))
        print(f"ramp: {c:2d} clients closed-loop: {rps:7.1f} req/s, "
              f"read p99 {p99:7.1f} ms", flush=True)
        if fallback is None:
            fallback = (rps, c)
        if p99 < TARGETS["list"]:
            ramp.append((c, rps))
        if p99 < TARGETS["list"] and rps > best:
            best, best_c = rps, c
    if best == 0.0:
        best, best_c = fallback
        print("ramp: reads miss their target even with one client; "
              "taking the one-client rate", flush=True)
    rate = 0.8 * best
    # the fewest clients that reached 95% of the best rate, doubled: each
    # open-loop client then has room to wait on a slow request without the
    # offered rate falling behind; at most 8 (more Python threads only
    # queue on the interpreter lock and add their wait to every latency)
    knee = min(c for c, r in ramp if r >= 0.95 * best) if ramp else best_c
    clients = min(8, max(4, 2 * knee))
    print(f"capacity {best:.1f} req/s at {best_c} clients; soak at "
          f"{rate:.1f} req/s (80%) with {clients} clients", flush=True)
    # warm-up, then the measured run; RSS read at both ends
    run(w, clients, WARMUP, rate, True)
    rss0 = rss_kb()
    t_end = DURATION - WARMUP
    stats_box = {}

    def measured():
        stats_box["s"], stats_box["rps"] = run(w, clients, t_end, rate, True)
    th = threading.Thread(target=measured)
    th.start()
    t0 = time.monotonic()
    while th.is_alive():
        th.join(60)
        if th.is_alive():
            print(f"  {time.monotonic() - t0:6.0f} s  RSS {rss_now()} kB",
                  flush=True)
    rss1 = rss_kb()
    s, rps = stats_box["s"], stats_box["rps"]
    growth = (rss1 - rss0) / rss0 * 100 if rss0 else 0
    ok = True
    print(f"\nmeasured {t_end:.0f} s: {s.n} requests, {rps:.1f} req/s "
          f"(target {rate:.1f}); expected 4xx: {s.expected}")
    held = rps >= 0.97 * rate
    ok &= held
    print(f"offered load held: {rps / best * 100:.1f}% of capacity "
          f"(want 80%, at least {0.97 * 80:.1f}%) {'ok' if held else 'FAIL'}")
    print(f"{'kind':10s} {'n':>8s} {'p50 ms':>8s} {'p99 ms':>8s} "
          f"{'max ms':>8s} {'target':>7s}")
    for kind in list(dict(MIX)) + ["login"]:
        p99 = s.p(kind, 0.99)
        good = p99 < TARGETS[kind]
        ok &= good
        print(f"{kind:10s} {len(s.lat.get(kind, [])):8d} "
              f"{s.p(kind, 0.5):8.1f} {p99:8.1f} {s.p(kind, 1.0):8.1f} "
              f"{'<' + str(TARGETS[kind]):>7s} {'ok' if good else 'FAIL'}")
    print(f"RSS {rss0} kB after warm-up -> {rss1} kB at the end: "
          f"{growth:+.1f}% (limit +10%) {'ok' if growth < 10 else 'FAIL'}")
    ok &= growth < 10
    if s.errors:
        ok = False
        print("errors:", ", ".join(f"{k}={v}" for k, v in
                                   sorted(s.errors.items())))
    else:
        print("errors: none")
    print("soak:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
