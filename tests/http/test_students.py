"""/students list, one record, reveal, events and PATCH."""
import re

import pytest

from conftest import (FULL_G, MASKED_G, err_code, list_all, mask_id,
                      mask_regno, register, sql)

FULL_ID = re.compile(r"^\d{17}[\dX]$")
ITEM_KEYS = {"id", "registry_no", "name", "gender", "birth_date", "id_no",
             "school_id", "school_name", "grade", "grade_label", "class_id",
             "class_name", "status", "dup_flag"}


def first_student(a, **params):
    r = a.get("/students", params=dict(params, per_page=1))
    assert r.status_code == 200, r.text
    return r.json()["items"][0]


def test_list_is_masked(api):
    items, total = list_all(api("admin"), "/students")
    assert total >= 400 and len(items) == total
    assert set(items[0]) == ITEM_KEYS
    with_id = [it for it in items if it["id_no"]]
    assert len(with_id) >= 400
    for it in with_id:
        assert "*" in it["id_no"], it
        assert not FULL_ID.match(it["id_no"]), it
    for it in items:
        assert it["registry_no"][0] in "GLJ" and len(it["registry_no"]) == 19
    # a G number is "G" + the ID: never with its 18 digits visible
    g = [it for it in items if it["registry_no"].startswith("G")]
    assert len(g) >= 300
    for it in g:
        assert MASKED_G.match(it["registry_no"]), it
        assert not FULL_G.search(str(it)), it


def test_list_masks_g_and_l_numbers(api, world):
    """docs/internals/masking.md: every registry number (G = "G" + the ID;
    L and J built like one) is masked the same way; only the whole number
    finds the student."""
    from test_register import l_student
    a = api("ys_reg1")
    body, rep = register(a)
    assert rep["registry_no"] == "G" + body["id_no"]  # 201: the typed ID
    items = a.get("/students", params={"q": body["id_no"]}).json()["items"]
    assert [i["id"] for i in items] == [rep["id"]]
    assert items[0]["registry_no"] == mask_regno(rep["registry_no"])
    assert items[0]["registry_no"] == "G" + items[0]["id_no"]
    assert body["id_no"] not in str(items)
    # the full G number finds the student; a prefix of it is refused
    for q in (rep["registry_no"], rep["registry_no"].lower()):
        found, _ = list_all(a, "/students", q=q)
        assert rep["id"] in [i["id"] for i in found], q
        assert not FULL_G.search(str(found)), q
    r = a.get("/students", params={"q": rep["registry_no"][:12]})
    assert r.status_code == 400 and err_code(r) == "search_partial_number"
    _, lrep = l_student(a)
    items = a.get("/students", params={"q": lrep["registry_no"]}).json()[
        "items"]
    assert [i["registry_no"] for i in items] == [mask_regno(
        lrep["registry_no"])]
    got = a.get(f"/students/{lrep['id']}").json()["student"]
    assert got["registry_no"] == mask_regno(lrep["registry_no"])
    assert lrep["registry_no"] not in str(got)


def test_list_filters_school_grade_class_status(api, world):
    a = api("admin")
    sid = world.school["ys1"]
    items, total = list_all(a, "/students", school_id=sid)
    assert total > 0 and all(i["school_id"] == sid for i in items)
    grade = items[0]["grade"]
    g_items, g_total = list_all(a, "/students", school_id=sid, grade=grade)
    assert 0 < g_total <= total
    assert all(i["grade"] == grade for i in g_items)
    assert g_total == sum(1 for i in items if i["grade"] == grade)
    cid = next(i["class_id"] for i in items if i["class_id"] is not None)
    c_items, c_total = list_all(a, "/students", class_id=cid)
    assert c_total > 0 and all(i["class_id"] == cid for i in c_items)
    s_total = a.get("/students", params={"school_id": sid,
                                         "status": "enrolled"}).json()["total"]
    assert s_total == sum(1 for i in items if i["status"] == "enrolled")
    assert a.get("/students", params={"status": "deceased"}).json()[
        "total"] == 0
    for bad in ({"status": "alive"}, {"grade": "77"}, {"school_id": "x"},
                {"class_id": "-3"}, {"per_page": 201}, {"page": 0}):
        r = a.get("/students", params=bad)
        assert r.status_code == 400, (bad, r.text)
        assert err_code(r) == "bad_param"


def test_list_q_by_name_substring(api):
    a = api("ys_reg1")
    body, _ = register(a)
    name = body["name"]
    for q in (name, name[1:], name[:2]):
        items, _ = list_all(a, "/students", q=q)
        assert any(i["name"] == name for i in items), q
        assert all(q in i["name"] or i["registry_no"].startswith(q[:5])
                   for i in items)


def full_regnos(world, ids):
    """The stored (full) registry numbers of rows @ids."""
    if not ids:
        return {}
    rows = sql(world.db, "select id, registry_no from students where id in "
                         "(%s)" % ",".join(str(i) for i in ids))
    return {int(r.split("|")[0]): r.split("|")[1] for r in rows}


def test_list_q_full_registry_and_id_only(api, world):
    a = api("ys_bureau")
    st = first_student(a, school_id=api("ys_reg1").user["school_id"])
    # the list masks a G number; the full one comes from reveal (audited)
    rv = a.post(f"/students/{st['id']}/reveal").json()["student"]
    regno = rv["registry_no"]
    assert st["registry_no"] == mask_regno(regno)
    items, _ = list_all(a, "/students", q=regno)
    assert [i["id"] for i in items] == [st["id"]]
    # no prefix of a registry number matches anything
    for n in (9, 15, 18):
        r = a.get("/students", params={"q": regno[:n]})
        assert r.status_code == 400, n
        assert err_code(r) == "search_partial_number"
    # the full, unmasked ID (learned via reveal) finds the student
    full = rv["id_no"]
    assert FULL_ID.match(full)
    items, total = list_all(a, "/students", q=full)
    assert total == 1 and items[0]["id"] == st["id"]
    # lower-case x works like X
    if full.endswith("X"):
        assert a.get("/students", params={"q": full.lower()}).json()[
            "total"] == 1


def test_list_q_full_id_of_registered_student(api):
    """A student registered with a G number is found by its full ID even
    when the list shows it masked."""
    a = api("ys_reg1")
    body, rep = register(a)
    r = a.get("/students", params={"q": body["id_no"]})
    assert r.status_code == 200
    assert [i["id"] for i in r.json()["items"]] == [rep["id"]]
    assert "*" in r.json()["items"][0]["id_no"]


def test_list_sort_and_order(api, world):
    a = api("admin")
    sid = world.school["ys3"]
    for key, field in (("name", "name"), ("birth_date", "birth_date"),
                       ("registry_no", "registry_no"), ("grade", "grade")):
        asc, _ = list_all(a, "/students", school_id=sid, sort=key,
                          order="asc")
        desc, _ = list_all(a, "/students", school_id=sid, sort=key,
                           order="desc")
        if key == "registry_no":
            # by the part a list shows, then by row: never by the masked
            # digits (tests/http/test_masking.py)
            va = [(i["registry_no"], i["id"]) for i in asc]
            vd = [(i["registry_no"], i["id"]) for i in desc]
        else:
            va = [i[field] for i in asc]
            vd = [i[field] for i in desc]
        assert va == sorted(va), key
        assert vd == sorted(vd, reverse=True), key
        assert va != vd or len(set(va)) == 1
    created, _ = list_all(a, "/students", school_id=sid, sort="created",
                          order="desc")
    ids = [i["id"] for i in created]
    assert ids == sorted(ids, reverse=True)
    default, _ = list_all(a, "/students", school_id=sid)
    shown = [(i["registry_no"], i["id"]) for i in default]
    assert shown == sorted(shown)


def test_list_bad_sort_or_order_400(api):
    a = api("admin")
    for params in ({"sort": "id_no"}, {"sort": "name;drop table students"},
                   {"order": "up"}, {"sort": "name", "order": "ASC "}):
        r = a.get("/students", params=params)
        assert r.status_code == 400, params
        assert err_code(r) == "bad_param"
        assert r.json()["error"]["field"] in ("sort", "order")


def test_get_one_is_masked(api, world):
    a = api("ys_reg1")
    body, rep = register(a, phone="13912345678", g2_name="李秀英",
                         g2_relation="2", g2_phone="13800001111")
    r = a.get(f"/students/{rep['id']}")
    assert r.status_code == 200
    s = r.json()["student"]
    assert s["masked"] is True
    assert s["id_no"] != body["id_no"] and "*" in s["id_no"]
    assert s["id_no"] == mask_id(body["id_no"])
    assert s["id_no"][-4:] == "****"
    assert s["phone"] == "139****5678"
    assert s["g1_phone"] != body["g1_phone"] and "*" in s["g1_phone"]
    assert s["g2_phone"] == "138****1111"
    assert s["registry_no"] == mask_regno(rep["registry_no"])
    assert s["registry_no"] == "G" + body["id_no"][:14] + "****"
    assert body["id_no"] not in r.text
    assert s["name"] == body["name"] and s["version"] == 1
    assert s["school_id"] == world.school["ys1"]
    assert s["status"] == "enrolled"
    assert s["aliases"] == []
    for k in ("school_name", "class_name", "grade_label", "created_at",
              "updated_at"):
        assert k in s
    fields = [f["key"] for f in a.get("/fields").json()["items"]]
    assert set(fields) <= set(s)


def test_reveal_unmasks_and_is_audited(api):
    a = api("ys_reg1")
    body, rep = register(a, phone="13912340000")
    r = a.post(f"/students/{rep['id']}/reveal")
    assert r.status_code == 200, r.text
    s = r.json()["student"]
    assert s["masked"] is False
    assert s["id_no"] == body["id_no"] and FULL_ID.match(s["id_no"])
    assert s["phone"] == "13912340000"
    assert s["g1_phone"] == body["g1_phone"]
    # the G registry number (= "G" + ID) comes back in full too
    assert s["registry_no"] == rep["registry_no"] == "G" + body["id_no"]
    rows = api("admin").get("/audit", params={
        "action": "student.reveal", "user": "ys_reg1"}).json()["items"]
    mine = [x for x in rows if x["entity_id"] == str(rep["id"])]
    assert mine, rows[:3]
    assert mine[0]["entity"] == "student"
    assert "id_no" in mine[0]["after"]["fields"]
    assert "registry_no" in mine[0]["after"]["fields"]


def test_reveal_selected_fields_only(api):
    a = api("ys_reg1")
    body, rep = register(a, phone="13912341111")
    r = a.post(f"/students/{rep['id']}/reveal", json={"fields": ["id_no"]})
    assert r.status_code == 200, r.text
    s = r.json()["student"]
    assert s["id_no"] == body["id_no"]
    assert s["phone"] == "139****1111"
    assert s["registry_no"] == mask_regno(rep["registry_no"])
    # the registry number alone
    r = a.post(f"/students/{rep['id']}/reveal",
               json={"fields": ["registry_no"]})
    assert r.status_code == 200, r.text
    s = r.json()["student"]
    assert s["registry_no"] == rep["registry_no"]
    assert s["id_no"] != body["id_no"] and "*" in s["id_no"]
    rows = api("admin").get("/audit", params={
        "action": "student.reveal", "user": "ys_reg1"}).json()["items"]
    mine = [x for x in rows if x["entity_id"] == str(rep["id"])]
    assert mine[0]["after"] == {"fields": ["registry_no"]}
    # only PII fields can be asked for; others are refused
    r = a.post(f"/students/{rep['id']}/reveal", json={"fields": ["name"]})
    assert r.status_code == 400
    r = a.post(f"/students/{rep['id']}/reveal", json={"fields": "id_no"})
    assert r.status_code == 400
    r = a.post(f"/students/{rep['id']}/reveal", json={"other": 1})
    assert r.status_code == 400


def test_events_timeline_starts_with_creation(api):
    a = api("admin")
    st = first_student(a)
    ev = a.get(f"/students/{st['id']}/events")
    assert ev.status_code == 200
    items = ev.json()["items"]
    assert items and items[0]["kind"] in ("gen", "register")
    _, rep = register(api("ys_reg1"))
    items = a.get(f"/students/{rep['id']}/events").json()["items"]
    assert [i["kind"] for i in items] == ["register"]
    assert items[0]["actor"] == "ys_reg1"
    assert set(items[0]) == {"id", "kind", "at", "actor", "actor_name",
                             "before", "after", "changes"}


def test_events_mask_g_registry_number(api):
    """The timeline of an L number that became G: both numbers are shown
    masked (letter, address code, birth date)."""
    from test_register import l_student
    from conftest import make_id
    a = api("ys_reg1")
    _, rep = l_student(a, birth="2013-08-12", gender=1)
    new_id = make_id("2013-08-12", 1)
    r = api("ys_bureau").post(f"/students/{rep['id']}/assign-id",
                              json={"id_no": new_id})
    assert r.status_code == 200, r.text
    assert r.json()["student"]["registry_no"] == mask_regno("G" + new_id)
    r = a.get(f"/students/{rep['id']}/events")
    assert r.status_code == 200
    assert new_id not in r.text and not FULL_G.search(r.text)
    ev = r.json()["items"][-1]
    assert ev["kind"] == "assign_id"
    assert ev["before"]["registry_no"] == mask_regno(rep["registry_no"])
    assert ev["after"]["registry_no"] == mask_regno("G" + new_id)


def test_patch_non_key_field(api):
    a = api("ys_reg1")
    _, rep = register(a)
    sid = rep["id"]
    s = a.get(f"/students/{sid}").json()["student"]
    r = a.patch(f"/students/{sid}", json={"version": s["version"],
                                          "address": "阳城镇新街8号",
                                          "specialty": "书法"})
    assert r.status_code == 200, r.text
    s2 = r.json()["student"]
    assert s2["version"] == s["version"] + 1
    assert s2["address"] == "阳城镇新街8号" and s2["specialty"] == "书法"
    assert a.get(f"/students/{sid}").json()["student"]["address"] == \
        "阳城镇新街8号"
    items = a.get(f"/students/{sid}/events").json()["items"]
    assert [i["kind"] for i in items] == ["register", "update"]
    up = items[-1]
    assert up["before"]["address"] == ""
    assert up["after"]["address"] == "阳城镇新街8号"
    assert up["after"]["specialty"] == "书法"
    assert "version" not in up["after"]
    assert up["actor"] == "ys_reg1"
    # an unchanged PATCH keeps the version and adds no event
    r = a.patch(f"/students/{sid}", json={"version": s2["version"],
                                          "address": "阳城镇新街8号"})
    assert r.status_code == 200
    assert r.json()["student"]["version"] == s2["version"]
    assert len(a.get(f"/students/{sid}/events").json()["items"]) == 2


def test_patch_pii_is_masked_in_timeline(api):
    a = api("ys_reg1")
    _, rep = register(a)
    r = a.patch(f"/students/{rep['id']}", json={"version": 1,
                                                "phone": "13766665555"})
    assert r.status_code == 200, r.text
    assert r.json()["student"]["phone"] == "137****5555"
    up = a.get(f"/students/{rep['id']}/events").json()["items"][-1]
    assert up["after"]["phone"] == "137****5555"


@pytest.mark.parametrize("key,value", [
    ("name", "改名字"), ("id_no", "440106201305170011"),
    ("birth_date", "2013-05-18"), ("gender", 2), ("id_type", "A")])
def test_patch_key_field_readonly(api, key, value):
    a = api("ys_reg1")
    _, rep = register(a)
    r = a.patch(f"/students/{rep['id']}", json={"version": 1, key: value})
    assert r.status_code == 400, r.text
    assert err_code(r) == "key_field_readonly"
    assert r.json()["error"]["field"] == key
    s = a.get(f"/students/{rep['id']}").json()["student"]
    assert s["version"] == 1


def test_patch_registry_no_and_school_readonly(api, world):
    """docs/api.md: registry_no is a key field (400 key_field_readonly);
    school_id changes only through a transfer."""
    a = api("ys_reg1")
    _, rep = register(a)
    r = a.patch(f"/students/{rep['id']}", json={
        "version": 1, "school_id": world.school["ys2"]})
    assert r.status_code == 400 and err_code(r) == "key_field_readonly"
    r = a.patch(f"/students/{rep['id']}", json={
        "version": 1, "registry_no": "G440106201305179999"})
    assert r.status_code == 400
    assert err_code(r) == "key_field_readonly", r.text


def test_patch_stale_version_409(api):
    a = api("ys_reg1")
    _, rep = register(a)
    url = f"/students/{rep['id']}"
    assert a.patch(url, json={"version": 1, "specialty": "围棋"}
                   ).status_code == 200
    r = a.patch(url, json={"version": 1, "specialty": "象棋"})
    assert r.status_code == 409, r.text
    assert err_code(r) == "conflict"
    s = a.get(url).json()["student"]
    assert s["specialty"] == "围棋" and s["version"] == 2


def test_patch_without_version_400(api):
    a = api("ys_reg1")
    _, rep = register(a)
    url = f"/students/{rep['id']}"
    for body in ({"specialty": "围棋"}, {"version": "1", "specialty": "x"},
                 {"version": None}):
        r = a.patch(url, json=body)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["error"]["field"] == "version"
    assert a.get(url).json()["student"]["version"] == 1


def test_patch_validation_and_bad_input(api, world):
    a = api("ys_reg1")
    _, rep = register(a)
    url = f"/students/{rep['id']}"
    r = a.patch(url, json={"version": 1, "phone": "12", "health": "77"})
    assert r.status_code == 422, r.text
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert {"phone", "health"} <= fields
    r = a.patch(url, json={"version": 1, "nosuch": 1})
    assert r.status_code == 400 and err_code(r) == "unknown_field"
    r = a.patch(url, json={"version": 1, "hukou_type": "1"})
    assert r.status_code == 400 and err_code(r) == "bad_type"
    r = a.patch(url, content=b"[1,2]")
    assert r.status_code == 400 and err_code(r) == "bad_json"
    # the class is not edited (调班 is its own action, test_identity.py)
    foreign = api("ys_bureau").get(
        "/classes", params={"school_id": world.school["ys2"]}).json()["items"]
    r = a.patch(url, json={"version": 1, "class_id": foreign[0]["id"]})
    assert r.status_code == 422
    assert err_code(r) == "patch_class"
    assert r.json()["error"]["field"] == "class_id"
    assert a.get(url).json()["student"]["version"] == 1


def test_class_within_school_is_move_class_not_patch(api, world):
    """PATCH used to move a student between classes unrecorded; 调班 is now
    the move-class action with a reason and an event."""
    a = api("ys_reg1")
    _, rep = register(a, grade="21")
    classes = [c for c in a.get("/classes").json()["items"]
               if c["grade"] == "21"]
    assert classes
    r = a.patch(f"/students/{rep['id']}", json={"version": 1,
                                                "class_id": classes[0]["id"]})
    assert r.status_code == 422 and err_code(r) == "patch_class", r.text
    r = a.post(f"/students/{rep['id']}/move-class",
               json={"class_id": classes[0]["id"], "reason": "分班"})
    assert r.status_code == 200, r.text
    assert r.json()["student"]["class_id"] == classes[0]["id"]


def test_get_unknown_student_404(api):
    a = api("admin")
    for sid in ("99999999", "0"):
        for r in (a.get(f"/students/{sid}"),
                  a.get(f"/students/{sid}/events"),
                  a.post(f"/students/{sid}/reveal"),
                  a.patch(f"/students/{sid}", json={"version": 1})):
            assert r.status_code == 404, (sid, r.request.method, r.text)
            assert err_code(r) == "not_found"
