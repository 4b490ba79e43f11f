"""Exports off the request threads (issue 9, defect 7): a list over
export.direct_max_rows (default 5000) is refused on GET /students/export
(413 export_use_job) and goes through a background job (/exports: progress,
download, cancel); direct exports and class-card batches take one of
export.max_running slots (default 1), so with two request threads one is
always free for everything else; over the cap: 503 export_busy with
Retry-After.

Own server on a county of 20,000 students, four times the direct limit
(it was 50,000 until 2026-12-04: the module's full exports ran three
times in make test, under ASan too, for the same checks): the regression
is that two full exports held GET /codes for 23.6 s."""
import csv
import io
import os
import stat
import threading
import time
import zipfile

import httpx
import pytest

from conftest import (ADMIN_PW, PW, Api, Server, cli_ok, err_code, side_path,
                      sql)

COUNTY = "441802"   # 清新区
N = 20000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bigexport")
    db = tmp / "x.db"
    cli_ok("init", db=db, env={"XUEJI_ADMIN_PASSWORD": ADMIN_PW})
    # 20,000 records take half a minute on PostgreSQL, minutes on a busy
    # machine: more than run_cli's default two
    cli_ok("gen", "--county", COUNTY, "--schools", "10", "--students",
           str(N), db=db, timeout=900)
    code = sql(db, "select code from schools order by code limit 1")[0]
    cli_ok("user", "add", "qx_reg", "--role", "registrar", "--school", code,
           db=db, env={"XUEJI_PASSWORD": PW})
    srv = Server(db, ["serve", "--threads", "2"], tmp)
    srv.db = db
    srv.admin = Api(srv.base, "admin", ADMIN_PW)
    srv.reg = Api(srv.base, "qx_reg", PW)
    yield srv
    srv.admin.close()
    srv.reg.close()
    rc, _ = srv.stop()
    assert rc == 0, srv.stderr_text()[-3000:]


def wait_job(a, jid, timeout=120):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        r = a.get(f"/exports/{jid}")
        assert r.status_code == 200, r.text
        j = r.json()
        seen.append((j["rows_done"], j["rows_total"]))
        if j["status"] not in ("queued", "running"):
            return j, seen
        time.sleep(0.1)
    raise AssertionError(f"export {jid} did not finish: {seen[-3:]}")


def test_direct_export_over_threshold_is_413_use_job(big):
    t0 = time.monotonic()
    r = big.admin.get("/students/export", params={"format": "csv"})
    assert r.status_code == 413, r.status_code
    assert err_code(r) == "export_use_job"
    assert str(N) in r.json()["error"]["message"]
    assert time.monotonic() - t0 < 5
    # the limit is in GET /exports for the UI
    r = big.admin.get("/exports")
    assert r.status_code == 200 and r.json()["direct_max_rows"] == 5000
    assert r.json()["retention_days"] == 30


def worst_codes(a, seconds):
    """The slowest GET /codes of those sent one after the other for
    @seconds."""
    worst = 0.0
    t_end = time.monotonic() + seconds
    while time.monotonic() < t_end:
        t0 = time.monotonic()
        r = a.get("/codes", timeout=30)
        worst = max(worst, time.monotonic() - t0)
        assert r.status_code == 200
        time.sleep(0.05)
    return worst


def test_two_full_exports_leave_codes_fast(big):
    """Two full exports as direct downloads (refused) and two as jobs
    (running on the export worker) while GET /codes is timed, against
    GET /codes with no export, timed just before in the same run."""
    codes = Api(big.base, "admin", ADMIN_PW)
    base = worst_codes(codes, 2)
    h = {"X-CSRF-Token": big.admin.csrf}
    t_jobs = time.monotonic()
    jobs = [big.admin.post("/exports", params={"format": "xlsx"}, headers=h)
            for _ in range(2)]
    assert all(r.status_code == 202 for r in jobs), [r.text for r in jobs]
    direct = []
    # logged in before the threads start (two log-ins at once may find
    # both hashing slots taken: 503 login_busy, not what this measures);
    # a thread records what went wrong instead of dying silently
    pullers = [Api(big.base, "admin", ADMIN_PW) for _ in range(2)]

    def pull(a):
        try:
            direct.append(a.get("/students/export",
                                params={"format": "xlsx"}).status_code)
        except Exception as e:  # noqa: BLE001 -- reported by the assert
            direct.append(repr(e))
    ts = [threading.Thread(target=pull, args=(a,)) for a in pullers]
    for t in ts:
        t.start()
    try:
        worst = worst_codes(codes, 4)
    finally:
        codes.close()
    for t in ts:
        t.join(120)
    for a in pullers:
        a.close()
    assert direct == [413, 413], direct
    states = [wait_job(big.admin, r.json()["id"])[0]["status"] for r in jobs]
    assert states == ["done", "done"], states
    took = time.monotonic() - t_jobs
    # old code: GET /codes waited for a whole export (both request threads
    # writing XLSX: 8+ s, about as long as the jobs take).  The bound
    # allows a busy machine (other suites beside this one, which slow the
    # exports as much as this request): the baseline's worst three times
    # over and 2 s, or a third of the jobs' own time if that is more
    bound = max(2.0 + 3 * base, took / 3)
    assert worst < bound, \
        (f"GET /codes took {worst:.2f}s during exports ({base:.2f}s before;"
         f" the jobs took {took:.1f}s)")


def test_job_progress_download_and_file_mode(big):
    a = big.admin
    r = a.post("/exports", params={"format": "csv", "encoding": "gb18030"})
    assert r.status_code == 202, r.text
    j = r.json()
    assert j["status"] in ("queued", "running") and j["format"] == "csv"
    j, seen = wait_job(a, j["id"])
    assert j["status"] == "done", j
    assert j["rows_done"] == j["rows_total"] == N
    assert j["finished_at"]
    # the file: 0600 in <db>.exports, the list it promised
    files = list(side_path(big.db, ".exports").iterdir())
    assert files and all(stat.S_IMODE(os.stat(f).st_mode) == 0o600
                         for f in files), files
    assert stat.S_IMODE(os.stat(files[0].parent).st_mode) == 0o700
    r = a.get(f"/exports/{j['id']}/file")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=GB18030"
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("gb18030"))))
    assert rows[0][0] == "学籍号" and len(rows) == N + 1
    # downloadable again until retention; listed newest first
    assert a.get(f"/exports/{j['id']}/file").status_code == 200
    ids = [x["id"] for x in a.get("/exports").json()["jobs"]]
    assert ids == sorted(ids, reverse=True) and j["id"] in ids


def test_jobs_are_the_owners_only(big):
    r = big.admin.post("/exports", params={"format": "csv",
                                           "status": "enrolled"})
    jid = r.json()["id"]
    wait_job(big.admin, jid)
    for url in (f"/exports/{jid}", f"/exports/{jid}/file"):
        r = big.reg.get(url)
        assert r.status_code == 404 and err_code(r) == "not_found"
    r = big.reg.post(f"/exports/{jid}/cancel")
    assert r.status_code == 404
    assert jid not in [x["id"] for x in big.reg.get("/exports").json()["jobs"]]
    # a teacher-like scope: the registrar's job holds their school only
    r = big.reg.post("/exports", params={"format": "csv"})
    j, _ = wait_job(big.reg, r.json()["id"])
    assert j["status"] == "done" and 0 < j["rows_total"] < N


def test_cancel_running_queued_and_finished(big):
    a = big.admin
    run = a.post("/exports", params={"format": "xlsx"}).json()["id"]
    queued = a.post("/exports", params={"format": "xlsx"}).json()["id"]
    # the queued one never starts
    r = a.post(f"/exports/{queued}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    # the running one stops at its next 1,000 rows
    deadline = time.monotonic() + 30
    while a.get(f"/exports/{run}").json()["status"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert a.post(f"/exports/{run}/cancel").status_code == 200
    j, _ = wait_job(a, run)
    assert j["status"] == "cancelled" and j["rows_done"] < N, j
    r = a.get(f"/exports/{run}/file")
    assert r.status_code == 409 and err_code(r) == "export_not_ready"
    j, _ = wait_job(a, queued)
    assert j["status"] == "cancelled" and j["rows_done"] == 0
    # a finished one: cancel discards the file and the entry
    done = a.post("/exports", params={"format": "csv", "grade": "11"})
    done = done.json()["id"]
    wait_job(a, done)
    r = a.post(f"/exports/{done}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "deleted"
    assert a.get(f"/exports/{done}").status_code == 404
    # bad input is refused before anything is queued
    r = a.post("/exports", params={"format": "pdf"})
    assert r.status_code == 400 and err_code(r) == "export_format"
    r = a.post("/exports", params={"format": "csv"}, csrf=False)
    assert r.status_code == 403


def test_direct_cap_is_503_with_retry_after(big):
    """export.direct_max_rows raised so a full XLSX (~3 s) runs directly:
    while it holds the one slot, a second export and a class-card batch
    answer 503 at once, and reads go on."""
    r = big.admin.patch("/settings/exports",
                        json={"direct_max_rows": 100000})
    assert r.status_code == 200 and r.json()["direct_max_rows"] == 100000
    cls = sql(big.db, "select id from classes limit 1")[0]
    got = {}
    a = Api(big.base, "admin", ADMIN_PW)

    def long_export():
        # three full XLSX exports in a row: the slot is held most of the
        # time, whatever the machine's load
        try:
            for _ in range(3):
                r = a.get("/students/export", params={"format": "xlsx"},
                          timeout=300)
                got.setdefault("status", []).append(r.status_code)
                got["zip"] = zipfile.is_zipfile(io.BytesIO(r.content))
        finally:
            a.close()
    try:
        t = threading.Thread(target=long_export)
        t.start()
        # the slot is taken before the file is created: wait for the file
        tmpdir = side_path(big.db, ".tmp")
        deadline = time.monotonic() + 60
        while not list(tmpdir.glob("export-*")):
            assert time.monotonic() < deadline and t.is_alive(), got
            time.sleep(0.02)
        # while the long one holds the slot, small exports and a class's
        # cards are refused at once (tried until the long one ends: on a
        # busy machine it may take a while to reach the slot)
        seen = {"export": [], "cards": []}
        # each probe on a new connection: libmicrohttpd keeps a connection
        # on the worker thread that accepted it, and a new one is accepted
        # by a free worker (the point of the cap)
        jar = big.admin.client.cookies

        def probe(path, **params):
            return httpx.get(big.base + path, params=params, cookies=jar,
                             timeout=60)

        while t.is_alive() and not (503 in seen["export"]
                                    and 503 in seen["cards"]):
            t0 = time.monotonic()
            r = probe("/students/export", format="csv", class_id=cls)
            seen["export"].append(r.status_code)
            if r.status_code == 503:
                assert err_code(r) == "export_busy"
                assert r.headers.get("retry-after") == "5"
                assert time.monotonic() - t0 < 2
            r = probe(f"/classes/{cls}/cards.pdf")
            seen["cards"].append(r.status_code)
            if r.status_code == 503:
                assert err_code(r) == "export_busy"
                assert r.headers.get("retry-after") == "5"
            assert big.admin.get("/codes").status_code == 200
            time.sleep(0.05)
        assert 503 in seen["export"] and 503 in seen["cards"], (seen, got)
        assert set(seen["export"]) <= {200, 503}, seen
        t.join(300)
        # (a probe may hold the slot between two of the long ones)
        assert 200 in got["status"] and set(got["status"]) <= {200, 503}
        assert got["zip"] or got["status"][-1] == 503, got
    finally:
        r = big.admin.patch("/settings/exports",
                            json={"direct_max_rows": 5000})
        assert r.status_code == 200
    # the slot is free again
    r = big.admin.get(f"/classes/{cls}/cards.pdf")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"


def test_export_settings_admin_only_checked_and_audited(big):
    a = big.admin
    r = a.get("/settings/exports")
    assert r.status_code == 200
    assert r.json() == {"direct_max_rows": 5000, "max_running": 1,
                        "retention_days": 30}
    assert big.reg.get("/settings/exports").status_code == 403
    r = big.reg.patch("/settings/exports", json={"max_running": 2})
    assert r.status_code == 403
    for body, field in (({"max_running": 3}, "max_running"),
                        ({"retention_days": 0}, "retention_days"),
                        ({"direct_max_rows": -1}, "direct_max_rows")):
        r = a.patch("/settings/exports", json=body)
        assert r.status_code == 422 and err_code(r) == "range", r.text
        assert r.json()["error"]["field"] == field
    r = a.patch("/settings/exports", json={"keep": 1})
    assert r.status_code == 400 and err_code(r) == "unknown_field"
    r = a.patch("/settings/exports", json={"retention_days": 7})
    assert r.status_code == 200 and r.json()["retention_days"] == 7
    assert a.get("/exports").json()["retention_days"] == 7
    r = a.get("/audit", params={"action": "settings.update"})
    e = r.json()["items"][0]
    assert e["entity_id"] == "export"
    assert e["before"]["retention_days"] == 30
    assert e["after"]["retention_days"] == 7
    assert a.patch("/settings/exports",
                   json={"retention_days": 30}).status_code == 200
