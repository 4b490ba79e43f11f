"""jobwrites.py -- the Python half of lib.sh's job_bench_start, shared by
bench/dup_scan.sh and bench/ghost_sweep.sh: a client logged in as the
bench user, and registrations sent one after another while a background
job runs, each timed (such a job must not hold the writer lock: a write
answers within a second).  Plain urllib, as the scripts had it."""
import json
import time
import urllib.error
import urllib.request

W17 = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


class Client:
    """The bench user's session on the server at 127.0.0.1:@port."""

    def __init__(self, port, username, password):
        self.url = "http://127.0.0.1:%s/api/v1" % port
        self.headers = {"Content-Type": "application/json"}
        st, j, hd = self.call("POST", "/session", {"username": username,
                                                   "password": password})
        assert st == 200, (st, j)
        cookie = [v for k, v in hd.items() if k.lower() == "set-cookie"][0]
        self.headers["Cookie"] = cookie.split(";")[0]
        self.headers["X-CSRF-Token"] = j["csrf_token"]

    def call(self, method, path, body=None):
        """(status, JSON body, headers) of @method @path."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, method=method,
                                     headers=self.headers, data=data)
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, json.loads(r.read() or b"{}"), r.headers
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}"), e.headers


def make_id(n):
    """A valid ID number of county 441823, born 2019-03-08, number @n."""
    body = "441823" + "20190308" + "%03d" % (n % 1000)
    return body + "10X98765432"[sum(int(c) * w
                                    for c, w in zip(body, W17)) % 11]


class Registrar:
    """Registers primary-school students (first primary school listed)."""

    def __init__(self, c):
        st, sch, _ = c.call("GET", "/schools?stage=primary&per_page=5")
        assert st == 200 and sch.get("items"), (st, sch)
        self.c, self.school = c, sch["items"][0]["id"]

    def register(self, n):
        return self.c.call("POST", "/students", {
            "school_id": self.school, "name": "压测" + "甲乙丙丁戊己庚辛壬癸"[n % 10],
            "gender": 1 if n % 2 else 2, "birth_date": "2019-03-08",
            "ethnicity": "01", "nationality": "CHN", "id_type": "1",
            "id_no": make_id(n), "health": "10", "hukou_type": 1,
            "grade": "11", "enrol_ym": "202509", "enrol_mode": "11",
            "study_mode": 1, "g1_name": "王建国", "g1_relation": "1",
            "g1_phone": "1390000%04d" % n})[:2]


def writes_during(c, start, body, key, poll, n0=1):
    """POST @start with @body (answered 202 with the job under @key), then
    while the job's state is "running": register one student (numbers
    @n0, @n0+2, ...), time it, GET @poll % job id, sleep 0.2 s.  Returns
    (the finished job, wall seconds from the POST, latencies, HTTP
    status counts of the registrations)."""
    reg = Registrar(c)
    ts = time.time()
    st, j, _ = c.call("POST", start, body)
    assert st == 202, (st, j)
    job, lat, n, codes = j[key], [], n0, {}
    while job["state"] == "running":
        a = time.time()
        st, answer = reg.register(n)
        lat.append(time.time() - a)
        if st != 201 and st not in codes:
            print("registration answered %d: %s"
                  % (st, json.dumps(answer, ensure_ascii=False)[:300]))
        codes[st] = codes.get(st, 0) + 1
        n += 2
        st, j, _ = c.call("GET", poll % job["id"])
        job = j[key]
        time.sleep(0.2)
    return job, time.time() - ts, lat, codes


def latency_line(what, lat, codes):
    """"registrations during @what: N (HTTP ...), latency median, max"."""
    if not lat:
        return "registrations during %s: none (it ended first)" % what
    lat = sorted(lat)
    return ("registrations during %s: %d (HTTP %s), latency median %.3f s,"
            " max %.3f s" % (what, len(lat), codes, lat[len(lat) // 2],
                             lat[-1]))
