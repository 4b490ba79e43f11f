"""GET of one record reads the record in the session check's statement
(XJ_RF_SESSION_READ, docs/internals/sessions.md "One round trip"): every
way a session ends or narrows must still be seen by that route on the
very next request, the order of the answers (401 before 404) must stay,
and the record must be as fresh as a read of its own (a write committed
on another connection is seen at once)."""
import time

from conftest import PW, Api, cli_ok, err_code, make_client, sql
from test_session_cache import auth_db, new_user


def a_student(world, school="ys1"):
    return sql(world.db, "select id from students where school_id = %d"
               " order by id limit 1" % world.school[school])[0]


def test_no_session_is_401_whatever_the_id(world):
    c = make_client(world.base)
    for path in ("/students/1", "/students/0", "/students/x",
                 "/students/999999999"):
        r = c.get(path)
        assert r.status_code == 401 and err_code(r) == "unauthenticated", \
            (path, r.text)
    c.cookies.set("xj_session", "ab" * 32)   # well-formed, unknown
    assert c.get("/students/1").status_code == 401
    c.close()


def test_bad_or_missing_id_is_404_with_a_session(world):
    a, _ = new_user(world, "sr_ids")
    for path in ("/students/0", "/students/x", "/students/-3",
                 "/students/999999999"):
        r = a.get(path)
        assert r.status_code == 404 and err_code(r) == "not_found", \
            (path, r.text)
    assert a.get("/students/" + a_student(world)).status_code == 200


def test_disabled_user_refused_at_once(world):
    a, uid = new_user(world, "sr_disabled")
    sid = a_student(world)
    assert a.get("/students/" + sid).status_code == 200
    sql(world.db, "update users set disabled = 1 where id = %d" % uid)
    r = a.get("/students/" + sid)
    assert r.status_code == 401 and err_code(r) == "unauthenticated"


def test_epoch_moved_by_cli_passwd_refused_at_once(world):
    a, _ = new_user(world, "sr_passwd")
    sid = a_student(world)
    assert a.get("/students/" + sid).status_code == 200
    cli_ok("user", "passwd", "sr_passwd", db=world.db,
           env={"XUEJI_PASSWORD": "another-pass-2026"})
    assert a.get("/students/" + sid).status_code == 401


def test_session_row_deleted_refused_at_once(world):
    a, uid = new_user(world, "sr_deleted")
    sid = a_student(world)
    assert a.get("/students/" + sid).status_code == 200
    sql(auth_db(world), "delete from sessions where user_id = %d" % uid)
    assert a.get("/students/" + sid).status_code == 401


def test_expired_and_idle_sessions_refused(world):
    a, uid = new_user(world, "sr_expired")
    sid = a_student(world)
    assert a.get("/students/" + sid).status_code == 200
    sql(auth_db(world), "update sessions set expires_at = %d"
                        " where user_id = %d" % (int(time.time()) - 1, uid))
    assert a.get("/students/" + sid).status_code == 401
    b, uid = new_user(world, "sr_idle")
    assert b.get("/students/" + sid).status_code == 200
    # the default idle timeout is 30 minutes
    sql(auth_db(world), "update sessions set last_seen = last_seen - 1900"
                        " where user_id = %d" % uid)
    assert b.get("/students/" + sid).status_code == 401


def test_session_touched_by_get_one(world):
    a, uid = new_user(world, "sr_touch")
    sid = a_student(world)
    sql(auth_db(world), "update sessions set last_seen = last_seen - 40"
                        " where user_id = %d" % uid)
    before = int(sql(auth_db(world), "select last_seen from sessions"
                     " where user_id = %d" % uid)[0])
    assert a.get("/students/" + sid).status_code == 200
    after = int(sql(auth_db(world), "select last_seen from sessions"
                    " where user_id = %d" % uid)[0])
    assert before + 40 - 1 <= after <= int(time.time()) + 1


def test_scope_narrowed_by_sql_seen_at_once(world):
    a, uid = new_user(world, "sr_scope")
    other = a_student(world, "ys2")
    assert a.get("/students/" + other).status_code == 200
    sql(world.db, "update users set role = 'registrar', region_code = NULL,"
                  " school_id = %d where id = %d" % (world.school["ys1"],
                                                     uid))
    assert a.get("/students/" + other).status_code == 404
    assert a.get("/students/" + a_student(world)).status_code == 200


def test_teacher_class_added_by_sql_seen_at_once(world):
    t, uid = new_user(world, "sr_teacher", "teacher", "--school",
                      world.code["ys1"], "--class", str(world.class_ys1[0]))
    sid = sql(world.db, "select id from students where class_id = %d"
              " order by id limit 1" % world.class_ys1[1])[0]
    assert t.get("/students/" + sid).status_code == 404
    sql(world.db, "insert into user_classes (user_id, class_id) values"
                  " (%d, %d)" % (uid, world.class_ys1[1]))
    assert t.get("/students/" + sid).status_code == 200


def test_write_on_another_connection_seen_at_once(world):
    """A PATCH committed through one connection (worker thread) is what
    the very next GET on other connections shows: the record is read in
    the session check on the auth connection, not the registry's."""
    w, _ = new_user(world, "sr_writer", "registrar", "--school",
                    world.code["ys1"])
    readers = [Api(world.base, "sr_writer", PW) for _ in range(3)]
    sid = a_student(world)
    for i in range(5):
        s = w.get("/students/" + sid).json()["student"]
        addr = "阳城镇新街%d号" % (100 + i)
        r = w.patch("/students/" + sid,
                    json={"version": s["version"], "address": addr})
        assert r.status_code == 200, r.text
        for rd in readers:
            got = rd.get("/students/" + sid).json()["student"]
            assert got["version"] == s["version"] + 1, got["version"]
            assert got["address"] == addr
    for rd in readers:
        rd.close()
