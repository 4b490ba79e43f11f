"""While another writer holds the database (in practice: a large import,
whose one transaction holds the writer lock), a write waits about a
second and then answers 503 db_busy with Retry-After, never half-done;
reads go on."""
import time

from conftest import err_code, hold_writer, student_body


def test_write_while_locked_is_503_with_retry_after(api, world):
    a = api("ys_reg1")
    n0 = a.get("/students", params={"limit": 1}).json()["total"]
    with hold_writer(world.db):
        t0 = time.monotonic()
        r = a.post("/students", json=student_body())
        waited = time.monotonic() - t0
        assert r.status_code == 503, r.text
        assert err_code(r) == "db_busy"
        assert r.headers.get("retry-after") == "5"
        assert 0.5 <= waited < 2, waited    # about a second, not at once
        # reads are not blocked by the writer
        r = a.get("/students", params={"limit": 1})
        assert r.status_code == 200 and r.json()["total"] == n0
    # and afterwards the same write goes through
    r = a.post("/students", json=student_body())
    assert r.status_code == 201, r.text
