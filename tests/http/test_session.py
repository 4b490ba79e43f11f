"""POST/GET/DELETE /api/v1/session: log-in, cookie flags, CSRF, throttling."""
import time

from conftest import ADMIN_PW, PW, err_code


def login(c, username, password):
    return c.post("/session", json={"username": username,
                                    "password": password})


def test_login_ok_sets_cookie_and_returns_user(world):
    with world.client() as c:
        r = login(c, "ys_reg1", PW)
        assert r.status_code == 200, r.text
        j = r.json()
        assert j["user"]["username"] == "ys_reg1"
        assert j["user"]["role"] == "registrar"
        assert j["user"]["school_id"] == world.school["ys1"]
        assert j["user"]["school_name"]
        assert len(j["csrf_token"]) == 64
        assert "xj_session" in c.cookies
        # the cookie works
        r = c.get("/session")
        assert r.status_code == 200
        assert r.json()["user"]["username"] == "ys_reg1"
        assert r.json()["csrf_token"] == j["csrf_token"]


def test_cookie_flags_httponly_samesite_strict(world):
    with world.client() as c:
        r = login(c, "admin", ADMIN_PW)
        assert r.status_code == 200
        sc = r.headers["set-cookie"]
        parts = [p.strip().lower() for p in sc.split(";")]
        assert parts[0].startswith("xj_session=")
        assert len(parts[0].split("=", 1)[1]) == 64
        assert "httponly" in parts
        assert "samesite=strict" in parts
        assert "path=/" in parts


def test_wrong_password_401_bad_login(world):
    with world.client() as c:
        r = login(c, "ys_reg2", "wrong-password-x")
        assert r.status_code == 401
        assert err_code(r) == "bad_login"
        assert "xj_session" not in c.cookies
        assert c.get("/session").status_code == 401


def test_unknown_user_401_bad_login(world):
    with world.client() as c:
        r = login(c, "no_such_user", "whatever-password")
        assert r.status_code == 401
        assert err_code(r) == "bad_login"


def test_login_bad_bodies(world):
    with world.client() as c:
        r = c.post("/session", json={"username": "admin"})
        assert r.status_code == 400 and err_code(r) == "bad_type", r.text
        r = c.post("/session", json={"username": "admin", "password": 5})
        assert r.status_code == 400 and err_code(r) == "bad_type"
        r = c.post("/session", json={"username": "admin", "password": "x",
                                     "extra": 1})
        assert r.status_code == 400
        r = c.post("/session", content=b"{not json",
                   headers={"content-type": "application/json"})
        assert r.status_code == 400 and err_code(r) == "bad_json"


def test_get_session_without_cookie_401(world):
    with world.client() as c:
        r = c.get("/session")
        assert r.status_code == 401
        assert err_code(r) == "unauthenticated"
        assert r.json()["error"]["field"] is None
        # a garbage cookie of the right length is no better
        c.cookies.set("xj_session", "0" * 64)
        assert c.get("/session").status_code == 401
        # nor is any other protected route
        assert c.get("/students").status_code == 401


def test_logout_then_401(world):
    with world.client() as c:
        r = login(c, "ys_bureau", PW)
        assert r.status_code == 200
        csrf = r.json()["csrf_token"]
        token = c.cookies["xj_session"]
        r = c.delete("/session", headers={"X-CSRF-Token": csrf})
        assert r.status_code == 204, r.text
        assert c.get("/session").status_code == 401
        # the old token is dead server-side, not just cleared client-side
        c.cookies.set("xj_session", token)
        r = c.get("/session")
        assert r.status_code == 401
        assert err_code(r) == "unauthenticated"


def test_csrf_missing_or_wrong_403(api, world):
    a = api("ys_reg1")
    sid = a.get("/students", params={"per_page": 1}).json()["items"][0]["id"]
    for token in (None, "", "0" * 64, a.csrf[:-1], a.csrf + "0"):
        r = a.post(f"/students/{sid}/reveal", csrf=token if token is not None
                   else False)
        assert r.status_code == 403, (token, r.text)
        assert err_code(r) == "csrf"
    # logout without CSRF is refused too (and the session survives)
    r = a.delete("/session", csrf=False)
    assert r.status_code == 403 and err_code(r) == "csrf"
    assert a.get("/session").status_code == 200
    # PATCH without token
    r = a.patch(f"/students/{sid}", csrf=False, json={"version": 1})
    assert r.status_code == 403 and err_code(r) == "csrf"
    # and with the right one the same reveal works
    assert a.post(f"/students/{sid}/reveal").status_code == 200


def test_csrf_token_of_another_session_refused(api):
    a, b = api("ys_reg1"), api("ys_bureau")
    assert a.csrf != b.csrf
    sid = a.get("/students", params={"per_page": 1}).json()["items"][0]["id"]
    r = a.post(f"/students/{sid}/reveal", csrf=b.csrf)
    assert r.status_code == 403 and err_code(r) == "csrf"


def test_lockout_after_ten_failures_and_slowdown(api, world):
    """10 wrong passwords in a row lock the account (429 login_locked), even
    for the right password afterwards; failures 6+ are slowed by
    250 ms x (n - 5)."""
    times = {}
    codes = {}
    with world.client() as c:
        for n in range(1, 11):
            t0 = time.monotonic()
            r = login(c, "lock_victim", f"wrong-password-{n}")
            times[n] = time.monotonic() - t0
            codes[n] = (r.status_code, err_code(r))
        for n in range(1, 10):
            assert codes[n] == (401, "bad_login"), (n, codes)
        assert codes[10] == (429, "login_locked"), codes
        # attempt 7 sleeps 500 ms on top of the same hashing work as #2
        assert times[7] - times[2] > 0.35, times
        r = login(c, "lock_victim", PW)
        assert r.status_code == 429, r.text
        assert err_code(r) == "login_locked"
        assert "xj_session" not in c.cookies
    rows = api("admin").get("/audit", params={
        "user": "lock_victim", "per_page": 50}).json()["items"]
    actions = [x["action"] for x in rows]
    assert actions.count("login_failed") == 9, actions
    assert actions.count("login_locked") == 1, actions
    assert "login" not in actions


def test_successful_login_resets_failure_count(world):
    """5 failures, a success, 5 more failures: never locked (the count
    restarts after a good log-in)."""
    with world.client() as c:
        for round_ in range(2):
            for n in range(5):
                r = login(c, "reset_victim", f"bad-password-{n}")
                assert r.status_code == 401, (round_, n, r.text)
            r = login(c, "reset_victim", PW)
            assert r.status_code == 200, (round_, r.text)
