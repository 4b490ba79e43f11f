"""The ghost-record sweep as a background job (issue 11 point 4): its result
equals a one-pass sweep's (the old synchronous sweep read the county in one
pass) and an SQL count of the same signal; progress while it runs; one run
per region at a time (a second POST answers the running run); scope
(another county neither sees nor joins a run); a registration during a
sweep succeeds; a server killed mid-sweep leaves the run 'interrupted' and
the candidates of whole chunks only, and the next sweep completes the
queue to exactly the one-pass result.

Own world (changes_world.py) at Tuesday 2026-01-20 10:00 CST with the
county's deadline for the round on 19 January: every 在读 student of
阳山 without a tick is 'unverified', so each one is a candidate.  The
servers sweep one student per chunk (XJ_GHOST_CHUNK=1) so that a sweep
of 1,600 students takes long enough to watch, join and kill.
"""
import os
import signal
import time

import pytest

from changes_world import ChangeWorld, epoch
from conftest import err_code, primary_body, sql

YS, YD = "441823", "441881"
USERS = [
    ("ys_bureau", "bureau", ["--region", YS]),
    ("yd_bureau", "bureau", ["--region", YD]),
    ("qy_bureau", "bureau", ["--region", "4418"]),
    ("ys_reg1", "registrar", ["--school", "2%s001" % YS]),
]
NOW = epoch(2026, 1, 20)


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    old = os.environ.get("XJ_GHOST_CHUNK")
    os.environ["XJ_GHOST_CHUNK"] = "1"
    try:
        world = ChangeWorld(tmp_path_factory.mktemp("ghostjob"),
                            [(YS, 4, 51), (YD, 1, 52)], USERS, NOW,
                            per_school=400)
        r = world.api("ys_bureau").put("/verification/deadline", json={
            "county": YS, "school_year": 2025, "term": 1,
            "date": "2026-01-19"})
        assert r.status_code == 200, r.text
        yield world
        assert world.close() == 0
    finally:
        if old is None:
            del os.environ["XJ_GHOST_CHUNK"]
        else:
            os.environ["XJ_GHOST_CHUNK"] = old


def start(a):
    r = a.post("/verification/ghosts/sweep", json={})
    assert r.status_code == 202, r.text
    return r.json()["sweep"]


def get(a, sid):
    r = a.get("/verification/ghosts/sweeps/%d" % sid)
    assert r.status_code == 200, r.text
    return r.json()["sweep"]


def wait(a, sid, timeout=180):
    end = time.time() + timeout
    while True:
        g = get(a, sid)
        if g["state"] != "running":
            return g
        assert time.time() < end, g
        time.sleep(0.05)


def queue(w, county=YS):
    """{student_id: signals} of the county's open candidates (SQL)."""
    rows = sql(w.db, "select g.student_id, g.signals from ghost_candidates g"
               " join schools s on s.id = g.school_id where g.status = 'open'"
               " and s.county_code = '%s'" % county)
    return {int(r.split("|")[0]): r.split("|")[1] for r in rows}


def enrolled(w, county=YS):
    return {int(r) for r in sql(
        w.db, "select st.id from students st join schools s"
        " on s.id = st.school_id where st.status = 'enrolled'"
        " and s.county_code = '%s'" % county)}


def clear_queue(w):
    sql(w.db, "delete from ghost_candidates")


def restart(w, env_chunk):
    """Stop the world's server and start another with XJ_GHOST_CHUNK."""
    assert w.server.stop()[0] == 0
    os.environ["XJ_GHOST_CHUNK"] = env_chunk
    w.server = w.start(NOW)
    for a in w.apis.values():
        a.close()
    w.apis.clear()


def test_chunked_job_equals_one_pass(w):
    b = w.api("ys_bureau")
    g = wait(b, start(b)["id"])
    assert g["state"] == "done" and g["prefix"] == YS
    assert g["students_total"] == g["students_done"] == len(enrolled(w))
    assert g["raised"] == g["students_total"] and g["updated"] == 0
    chunked = queue(w)
    # the same signal by SQL: every 在读 student of the county, none ticked
    assert set(chunked) == enrolled(w)
    assert all("unverified" in s.split(",") for s in chunked.values())
    # one chunk holding every student: the old sweep's single read pass
    clear_queue(w)
    restart(w, "1000000")
    b = w.api("ys_bureau")
    g1 = wait(b, start(b)["id"])
    assert g1["state"] == "done" and g1["raised"] == g["raised"]
    assert queue(w) == chunked
    w.reference = chunked
    # the run is audited once with its counts
    rows = sql(w.db, "select after from audit_log where action ="
               " 'ghost.sweep' and entity_id = '%d'" % g1["id"])
    assert len(rows) == 1 and '"raised":%d' % g1["raised"] in rows[0]
    restart(w, "1")


def test_progress_one_run_per_region_and_scope(w):
    clear_queue(w)
    b, yd, qy = (w.api(n) for n in ("ys_bureau", "yd_bureau", "qy_bureau"))
    s = start(b)
    assert s["state"] == "running" and s["students_total"] in (
        0, len(enrolled(w)))
    # a second POST answers the running run, as does the city's bureau
    # (its region contains the county)
    again = b.post("/verification/ghosts/sweep", json={})
    assert again.status_code == 200 and again.json()["sweep"]["id"] == s["id"]
    city = qy.post("/verification/ghosts/sweep", json={})
    assert city.status_code == 200 and city.json()["sweep"]["id"] == s["id"]
    # another county runs its own; neither sees the other's
    other = start(yd)
    assert other["id"] != s["id"] and other["prefix"] == YD
    assert yd.get("/verification/ghosts/sweeps/%d" % s["id"]).status_code \
        == 404
    assert b.get("/verification/ghosts/sweeps/%d" % other["id"]) \
        .status_code == 404
    assert w.api("ys_reg1").get("/verification/ghosts/sweeps/%d"
                                % s["id"]).status_code == 403
    # progress moves up while it runs
    seen = []
    while True:
        g = get(b, s["id"])
        seen.append(g["students_done"])
        if g["state"] != "running":
            break
        time.sleep(0.02)
    assert g["state"] == "done" and g["finished_at"], g
    assert seen == sorted(seen)
    assert any(0 < n < g["students_total"] for n in seen), seen
    assert g["students_done"] == g["students_total"] == len(enrolled(w))
    assert g["raised"] == g["students_total"]
    # the page's list carries the latest run of the viewer's scope
    assert b.get("/verification/ghosts").json()["sweep"]["id"] == s["id"]
    assert yd.get("/verification/ghosts").json()["sweep"]["id"] \
        == other["id"]
    assert wait(yd, other["id"])["state"] == "done"
    # the city's bureau, a run over its whole region, excludes both
    c = start(qy)
    r = b.post("/verification/ghosts/sweep", json={})
    assert r.status_code == 409 and err_code(r) == "ghost_sweep_running"
    assert wait(qy, c["id"])["state"] == "done"


def test_registration_during_sweep(w):
    clear_queue(w)
    b = w.api("ys_bureau")
    adm = w.api("admin")
    school = int(sql(w.db, "select id from schools where county_code = '%s'"
                     " and stage = 'primary' order by code limit 1" % YS)[0])
    s = start(b)
    times = []
    for _ in range(5):
        t0 = time.monotonic()
        r = adm.post("/students", json=primary_body(school_id=school))
        times.append(time.monotonic() - t0)
        assert r.status_code == 201, r.text
    g = get(b, s["id"])
    assert g["state"] == "running", "the sweep ended before the test"
    assert max(times) < 5, times
    assert wait(b, s["id"])["state"] == "done"


def test_kill_mid_sweep_leaves_whole_chunks(w):
    clear_queue(w)
    b = w.api("ys_bureau")
    s = start(b)
    while get(b, s["id"])["students_done"] < 50:
        time.sleep(0.02)
    w.server.proc.send_signal(signal.SIGKILL)
    w.server.proc.wait()
    w.server.stop()
    w.server = w.start(NOW)
    for a in w.apis.values():
        a.close()
    w.apis.clear()
    b = w.api("ys_bureau")
    g = get(b, s["id"])
    assert g["state"] == "interrupted" and g["finished_at"]
    assert 0 < g["students_done"] < g["students_total"]
    # the run's figures agree with the queue: chunks are all or nothing
    part = queue(w)
    assert len(part) == g["raised"] == g["students_done"]
    # a new run is not blocked by the dead one and completes the queue
    g2 = wait(b, start(b)["id"])
    assert g2["state"] == "done"
    assert g2["kept"] == len(part)
    assert g2["raised"] == g2["students_total"] - len(part)
    now_enrolled = enrolled(w)
    reference = {k: v for k, v in w.reference.items() if k in now_enrolled}
    assert {k: v for k, v in queue(w).items() if k in reference} == reference
