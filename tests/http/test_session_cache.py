"""The session cache (docs/internals/sessions.md, "The session cache"): on
PostgreSQL a worker thread answers the requests after a session check from
its cache until a change notice arrives.  Every change that can end a
session or narrow what it may do must still take effect on the very next
request, whoever makes it: this server, another process (`xueji user`),
plain SQL.  Each test first sends a few requests on one keep-alive
connection (one worker thread), so that thread holds the session, then
changes something elsewhere and asks again on the same connection.  On
SQLite nothing is cached and the same must hold."""
import time

from conftest import PW, YS, Api, cli_ok, err_code, make_client, sql


def auth_db(world):
    return str(world.db) + "-auth"


def warm(a, n=4):
    """Requests that leave the session in the thread's cache."""
    for _ in range(n):
        r = a.get("/session")
        assert r.status_code == 200, r.text
    return r


def new_user(world, name, role="bureau", *opts):
    if role == "bureau" and not opts:
        opts = ("--region", YS)
    cli_ok("user", "add", name, "--role", role, *opts, db=world.db,
           env={"XUEJI_PASSWORD": PW})
    a = Api(world.base, name, PW)
    return a, a.user["id"]


def test_disabled_by_sql_ends_cached_session(world):
    a, uid = new_user(world, "sc_disabled")
    warm(a)
    sql(world.db, "update users set disabled = 1 where id = %d" % uid)
    r = a.get("/session")
    assert r.status_code == 401 and err_code(r) == "unauthenticated"


def test_scope_change_by_sql_seen_at_once(world):
    """A bureau narrowed from its county to a school's registrar sees the
    narrower scope on the next request (a student of another school of
    the county is no longer found)."""
    a, uid = new_user(world, "sc_scope")
    other = sql(world.db, "select id from students where school_id = %d"
                " limit 1" % world.school["ys2"])[0]
    warm(a)
    assert a.get("/students/" + other).status_code == 200
    sql(world.db, "update users set role = 'registrar', region_code = NULL,"
                  " school_id = %d where id = %d" % (world.school["ys1"],
                                                     uid))
    r = a.get("/session")
    assert r.json()["user"]["role"] == "registrar", r.text
    assert a.get("/students/" + other).status_code == 404


def test_cli_passwd_ends_cached_session(world):
    a, _ = new_user(world, "sc_passwd")
    warm(a)
    cli_ok("user", "passwd", "sc_passwd", db=world.db,
           env={"XUEJI_PASSWORD": "another-pass-2026"})
    assert a.get("/session").status_code == 401


def test_session_row_deleted_by_sql_ends_it(world):
    a, uid = new_user(world, "sc_deleted")
    warm(a)
    sql(auth_db(world), "delete from sessions where user_id = %d" % uid)
    assert a.get("/session").status_code == 401


def test_teacher_class_added_by_sql_seen_at_once(world):
    t, uid = new_user(world, "sc_teacher", "teacher", "--school",
                      world.code["ys1"], "--class", str(world.class_ys1[0]))
    assert warm(t).json()["user"]["class_ids"] == [world.class_ys1[0]]
    sql(world.db, "insert into user_classes (user_id, class_id) values"
                  " (%d, %d)" % (uid, world.class_ys1[1]))
    assert t.get("/session").json()["user"]["class_ids"] == \
        sorted(world.class_ys1[:2])


def test_logout_ends_cookie_on_every_connection(world):
    """Log-out on one connection; the same cookie on another connection
    (another worker thread, its own cache) is refused at once."""
    a, _ = new_user(world, "sc_logout")
    other = make_client(world.base)
    other.cookies.set("xj_session", a.client.cookies.get("xj_session"))
    for _ in range(4):
        assert other.get("/session").status_code == 200
    warm(a)
    assert a.request("DELETE", "/session").status_code in (200, 204)
    assert other.get("/session").status_code == 401
    other.close()


def test_cached_session_is_still_touched(world):
    """A session used only through the cache keeps its idle clock going:
    last_seen moved 40 s back is written again on the next request (the
    cache answers only until a touch is due)."""
    a, uid = new_user(world, "sc_touch")
    warm(a)
    sql(auth_db(world), "update sessions set last_seen = last_seen - 40"
                        " where user_id = %d" % uid)
    before = int(sql(auth_db(world), "select last_seen from sessions"
                     " where user_id = %d" % uid)[0])
    assert a.get("/session").status_code == 200
    after = int(sql(auth_db(world), "select last_seen from sessions"
                    " where user_id = %d" % uid)[0])
    assert after >= before + 40 - 1 and after <= int(time.time()) + 1
