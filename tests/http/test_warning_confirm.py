"""Issue 8 leftovers: the school's registrar confirms a warning on a record
(确认, "the data is right") with a reason; audited; the bureau still sees
it, as confirmed; it leaves the registrar's to-do list (?warned=1); an
edit that changes the warning's field re-opens it."""
from conftest import err_code, register


def warnings(a, sid):
    return a.get(f"/students/{sid}").json()["student"]["warnings"]


def listed(a, sid, warned):
    r = a.get("/students", params={"warned": warned, "per_page": 200,
                                   "q": a.get(f"/students/{sid}").json()
                                   ["student"]["name"]})
    assert r.status_code == 200, r.text
    return sid in {s["id"] for s in r.json()["items"]}


def confirm(a, sid, wid, reason="已核实：父亲为监护人，孤儿标记有误待查"):
    return a.post(f"/students/{sid}/warnings/{wid}/confirm",
                  json={"reason": reason})


def patch(a, sid, **fields):
    v = a.get(f"/students/{sid}").json()["student"]["version"]
    r = a.patch(f"/students/{sid}", json=dict(fields, version=v))
    assert r.status_code == 200, r.text


def test_confirm_a_warning_and_reopen_it(api, world):
    a, b = api("ys_reg1"), api("ys_bureau")
    # 孤儿 with a father as guardian: a warning on g1_relation
    _, rep = register(a, orphan=1, g1_is_guardian=1)
    sid = rep["id"]
    (w,) = warnings(a, sid)
    assert w["field"] == "g1_relation" and w["confirmed"] is None
    assert listed(a, sid, "1") and listed(a, sid, "2")
    # a reason is required; others may not confirm
    assert confirm(a, sid, w["id"], reason="").status_code == 422
    assert confirm(b, sid, w["id"]).status_code == 403
    assert confirm(api("yd_reg1"), sid, w["id"]).status_code == 404
    assert confirm(api("ys_reg2"), sid, w["id"]).status_code == 404
    assert confirm(a, sid, 999999).status_code == 404
    r = confirm(a, sid, w["id"])
    assert r.status_code == 200, r.text
    (c,) = r.json()["warnings"]
    assert c["confirmed"]["by"] == "ys_reg1" and c["confirmed"]["at"]
    assert c["confirmed"]["reason"].startswith("已核实")
    r = confirm(a, sid, w["id"])
    assert r.status_code == 409 and err_code(r) == "warning_confirmed"
    # off the to-do list; the bureau sees it as confirmed
    assert not listed(a, sid, "1") and listed(b, sid, "2")
    (bw,) = warnings(b, sid)
    assert bw["confirmed"]["by"] == "ys_reg1"
    # audited, and on the timeline
    ev = a.get(f"/students/{sid}/events").json()["items"][-1]
    assert ev["kind"] == "warning.confirm"
    assert ev["after"]["field"] == "g1_relation"
    audit = api("admin").get("/audit", params={
        "action": "student.warning_confirm"}).json()["items"]
    assert any(str(i.get("entity_id")) == str(sid) for i in audit)
    # an edit of another field keeps it confirmed
    patch(a, sid, address="阳山县城南路1号")
    (w2,) = warnings(a, sid)
    assert w2["confirmed"] is not None and not listed(a, sid, "1")
    # an edit of the field re-opens it (father -> mother: still warned)
    patch(a, sid, g1_relation="2")
    (w3,) = warnings(a, sid)
    assert w3["field"] == "g1_relation" and w3["confirmed"] is None
    assert listed(a, sid, "1")
    # changing it back brings the old confirmation back: same value
    patch(a, sid, g1_relation="1")
    assert warnings(a, sid)[0]["confirmed"] is not None
    assert a.get("/students", params={"warned": "3"}).status_code == 400
