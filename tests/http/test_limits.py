"""Limits and robustness: body limits, hostile bodies, unknown routes and
methods, odd path ids, concurrent writers."""
import json
import socket
import threading
import time

import pytest

from conftest import err_code, make_client, register, student_body


def raw_request(world, head, body=b"", timeout=10.0):
    """Send raw bytes; return (status, headers+body text) of the reply."""
    with socket.create_connection(("127.0.0.1", world.server.port),
                                  timeout=timeout) as s:
        s.sendall(head.encode() + body)
        data = b""
        t0 = time.monotonic()
        while b"\r\n\r\n" not in data or not _complete(data):
            if time.monotonic() - t0 > timeout:
                break
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
    text = data.decode("utf-8", "replace")
    status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/") else 0
    return status, text


def _complete(data):
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def test_huge_content_length_refused_before_reading(world):
    """413 comes back at once although the announced 10 GB never arrive."""
    for path, n in (("/api/v1/students", 10_000_000_000),
                    ("/api/v1/session", 5000),
                    ("/api/v1/students/1/reveal", 4097)):
        t0 = time.monotonic()
        status, text = raw_request(
            world, f"POST {path} HTTP/1.1\r\nHost: x\r\n"
                   f"Content-Type: application/json\r\n"
                   f"Content-Length: {n}\r\n\r\n", timeout=10)
        assert status == 413, (path, text[:300])
        assert '"body_too_large"' in text
        assert time.monotonic() - t0 < 5


def test_chunked_body_over_limit_413(api):
    a = api("ys_reg1")

    def gen():
        yield b'{"address":"'
        for _ in range(80):
            yield b"a" * 1024
        yield b'"}'
    r = a.post("/students", content=gen(),
               headers={"content-type": "application/json"})
    assert r.status_code == 413, r.text
    assert err_code(r) == "body_too_large"


def test_login_body_limit(world):
    with world.client() as c:
        r = c.post("/session", json={"username": "admin",
                                     "password": "p" * 5000})
        assert r.status_code == 413


HOSTILE = [
    b"{", b"}", b"[", b"{\"a\":}", b"\x00\x01\x02", b"{\"name\":\"\xc3\"}",
    b"[" * 5000 + b"]" * 5000,
    b'{"name":' + b"[" * 3000 + b"]" * 3000 + b"}",
    b'{"gender":1e400}', b'{"gender":99999999999999999999999999}',
    b'{"gender":-99999999999999999999}', b'{"distance_km":1e308}',
    b'{"distance_km":-1e-320}', b'{"hukou_type":-2}', b'{"gender":1000001}',
    b'{"name":"\\u0000abc"}', b'{"name":"\\ud800"}', b'{"name":"a\\tb"}',
    b'{"school_id":-1}', b'{"school_id":9223372036854775807}',
    b'{"class_id":1.0}', b'{"version":1e10}', b'{"version":null}',
    b'{"g1_phone":{"a":[1,2,{"b":null}]}}', b'{"fields":["id_no"' +
    b',"id_no"' * 500 + b"]}", b'{"fields":[1,2,3]}', b'{"id_no":null}',
    b'{"id_no":"' + b"9" * 300 + b'"}', b'"just a string"', b"12345",
    b"true", b"null", b"\xef\xbb\xbf{}", json.dumps({"k" * 5000: 1}).encode(),
]


@pytest.mark.parametrize("i", range(len(HOSTILE)))
def test_hostile_bodies_never_5xx(api, i):
    raw = HOSTILE[i]
    reg, bur = api("ys_reg1"), api("ys_bureau")
    sid = reg.get("/students", params={"per_page": 1}).json()["items"][0][
        "id"]
    for a, method, url in ((reg, "POST", "/students"),
                           (reg, "PATCH", f"/students/{sid}"),
                           (reg, "POST", f"/students/{sid}/reveal"),
                           (bur, "POST", f"/students/{sid}/assign-id")):
        r = a.request(method, url, content=raw,
                      headers={"content-type": "application/json"})
        assert r.status_code < 500, (method, url, raw[:60], r.text[:300])
        assert r.status_code >= 400 or raw == b"{}" or \
            raw.startswith(b'{"fields"'), (method, url, raw[:60], r.text)
        if r.status_code >= 400:
            assert err_code(r), (method, url, raw[:60], r.status_code,
                                 r.text[:200])
    with make_client(reg.client.base_url) as c:
        r = c.post("/session", content=raw)
        assert 400 <= r.status_code < 500 and err_code(r), r.text


def test_error_replies_always_have_a_body(api, world):
    """Every refused write answers a JSON error naming the field.  (A reply
    whose error.field pointed into memory freed by the handler came back
    with an empty body, or crashed the ASan build.)"""
    reg, bur = api("ys_reg1"), api("ys_bureau")
    _, rep = register(reg)
    url = f"/students/{rep['id']}"
    cases = [
        (bur, "POST", "/students", student_body(), 422, "school_id"),
        (reg, "POST", "/students", student_body(health="77"), 422,
         "health"),
        (reg, "POST", "/students", student_body(id_type="Z", id_no=""), 422,
         "g1_id_no"),
        (reg, "POST", "/students", student_body(extra_field=1), 400,
         "extra_field"),
        (reg, "POST", "/students", student_body(ethnicity=1), 400,
         "ethnicity"),
        (reg, "PATCH", url, {"version": 1, "phone": "1"}, 422, "phone"),
        (reg, "PATCH", url, {"version": 1, "zzz": 1}, 400, "zzz"),
        (reg, "PATCH", url, {"version": 1, "study_mode": "1"}, 400,
         "study_mode"),
        (reg, "PATCH", url, {"version": 1, "name": "某某"}, 400, "name"),
    ]
    for _ in range(3):
        for a, method, u, body, status, field in cases:
            r = a.request(method, u, json=body)
            assert r.status_code == status, (method, u, field, r.text)
            assert r.text, (method, u, field, "empty body")
            assert r.json()["error"]["field"] == field, r.text


def test_unknown_route_404(api, world):
    a = api("admin")
    for path in ("/nope", "/students/1/nope", "/students/", "/schools/1/x",
                 "/session/extra", "/auditlog"):
        r = a.get(path)
        assert r.status_code == 404, (path, r.text)
        assert err_code(r) == "route_not_found", path
    with make_client(world.server.root) as c:
        for path in ("/api/v2/students", "/api/v1", "/api/"):
            r = c.get(path)
            assert r.status_code == 404, path
            assert err_code(r) == "route_not_found", path


def test_wrong_method_405(api):
    a = api("admin")
    for method, path in (("PUT", "/students"), ("DELETE", "/students/1"),
                         ("POST", "/schools"), ("PATCH", "/session"),
                         ("DELETE", "/audit"), ("GET", "/students/1/reveal"),
                         ("PUT", "/students/1"), ("POST", "/regions/44")):
        r = a.request(method, path, json={})
        assert r.status_code == 405, (method, path, r.text)
        assert err_code(r) == "method_not_allowed"


@pytest.mark.parametrize("pid", ["abc", "-1", "0", "1.5", "1e3", "0x10",
                                 "99999999999999999999999", "%20", "1%2F",
                                 "1%3F"])
def test_bad_path_ids_404(api, pid):
    a = api("admin")
    for path in (f"/students/{pid}", f"/students/{pid}/events",
                 f"/schools/{pid}", f"/classes/{pid}"):
        r = a.get(path)
        assert r.status_code == 404, (path, r.text)
        assert err_code(r) in ("not_found", "route_not_found")
    r = a.post(f"/students/{pid}/reveal")
    assert r.status_code == 404
    r = a.patch(f"/students/{pid}", json={"version": 1})
    assert r.status_code == 404


def test_encoded_nul_in_path_404(api):
    """/students/1%00 must not be served as /students/1 (libmicrohttpd
    unescapes %00 into a NUL that ends the C string the router sees)."""
    a = api("admin")
    for path in ("/students/1%00", "/students/1%00x", "/schools/1%00"):
        r = a.get(path)
        assert r.status_code == 404, (path, r.text[:200])


def test_long_path_segment_404(api):
    r = api("admin").get("/students/" + "1" * 100)
    assert r.status_code == 404


def test_query_limits(api):
    a = api("admin")
    assert a.get("/students", params={"q": "a" * 200}).status_code == 400
    r = a.get("/students?q=%FF%FE")
    assert r.status_code == 400, r.text
    assert a.get("/students", params={"q": "%_"}).status_code == 200
    # LIKE wildcards are literal
    assert a.get("/students", params={"q": "%"}).json()["total"] == 0
    assert a.get("/students", params={"q": "_"}).json()["total"] == 0


def test_security_headers(api):
    r = api("admin").get("/students", params={"per_page": 1})
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["content-type"].startswith("application/json")
    r = api("admin").get("/nope")
    assert r.headers["cache-control"] == "no-store"


def test_concurrent_patches_one_wins(api, world):
    """Five writers with the same version: exactly one 200, the rest 409."""
    a = api("ys_reg1")
    _, rep = register(a)
    url = f"/students/{rep['id']}"
    results = []
    barrier = threading.Barrier(5)

    def worker(n):
        with make_client(world.base, cookies=dict(a.client.cookies)) as c:
            barrier.wait()
            r = c.patch(url, json={"version": 1, "specialty": f"并发{n}"},
                        headers={"X-CSRF-Token": a.csrf})
            results.append(r.status_code)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [200, 409, 409, 409, 409], results
    s = a.get(url).json()["student"]
    assert s["version"] == 2
    assert len(a.get(f"{url}/events").json()["items"]) == 2


def test_concurrent_registrations_of_one_id(api, world):
    """The same new ID registered four times at once: one 201, three 409."""
    a = api("ys_reg1")
    body = student_body()
    results = []
    barrier = threading.Barrier(4)

    def worker(n):
        with make_client(world.base, cookies=dict(a.client.cookies)) as c:
            barrier.wait()
            r = c.post("/students", json=dict(body, g1_phone=f"1360000000{n}"),
                       headers={"X-CSRF-Token": a.csrf})
            results.append((r.status_code, err_code(r)))
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results, key=str) == sorted(
        [(201, None)] + [(409, "id_exists")] * 3, key=str), results
    assert a.get("/students", params={"q": body["id_no"]}).json()[
        "total"] == 1
