"""Issue 8 point 4: merging a confirmed duplicate.  The survivor keeps its
number; the merged record becomes 注销 (合并), linked to the survivor, its
events shown on the survivor's timeline marked with its number; audited;
only the bureau of both records may merge."""
from conftest import err_code, mask_regno, primary_body, unique_name, \
    unique_phone
from test_identity import find_flag, flagged_pair


def merge(b, fid, **body):
    body.setdefault("reason", "同一学生重复建籍")
    return b.post(f"/duplicates/{fid}/merge", json=body)


def test_merge_attaches_history_to_the_survivor(api, world):
    x, y = flagged_pair(api, world)
    reg, b = api("ys_reg2"), api("ys_bureau")
    # the record to be merged has history of its own
    v = reg.get(f"/students/{y}").json()["student"]["version"]
    r = reg.patch(f"/students/{y}", json={"version": v, "address": "阳山县城"})
    assert r.status_code == 200, r.text
    y_no = reg.get(f"/students/{y}").json()["student"]["registry_no"]
    x_no = reg.get(f"/students/{x}").json()["student"]["registry_no"]
    y_events = reg.get(f"/students/{y}/events").json()["items"]
    f = find_flag(b, x, y)
    # survivor must be one of the pair; a reason is required
    r = merge(b, f["id"], survivor_id=1)
    assert r.status_code == 400 and err_code(r) == "bad_param", r.text
    assert merge(b, f["id"], survivor_id=x, reason="").status_code == 422
    r = merge(b, f["id"], survivor_id=x)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "confirmed"
    # the merged record: 注销 with reason 合并, linked to the survivor
    ys = b.get(f"/students/{y}").json()["student"]
    assert ys["status"] == "cancelled" and ys["registry_no"] == mask_regno(y_no)
    ev = b.get(f"/students/{y}/events").json()["items"]
    assert [e["id"] for e in ev[:len(y_events)]] == [e["id"] for e in y_events]
    m = ev[-1]
    assert m["kind"] == "merge" and m["actor"] == "ys_bureau"
    assert m["before"]["status"] == "enrolled"
    assert m["after"]["status"] == "cancelled"
    assert m["after"]["cancel_reason"] == "合并"
    assert m["after"]["survivor_id"] == x
    # the survivor keeps its number; its timeline holds the merged
    # record's events, marked with the merged number
    xs = b.get(f"/students/{x}").json()["student"]
    assert xs["registry_no"] == mask_regno(x_no) and xs["status"] == "enrolled"
    assert mask_regno(y_no) in xs["aliases"]
    tl = b.get(f"/students/{x}/events").json()["items"]
    from_y = [e for e in tl if e.get("from_registry_no")]
    assert {e["id"] for e in from_y} == {e["id"] for e in ev}
    assert all(e["from_registry_no"] == mask_regno(y_no) for e in from_y)
    own = [e for e in tl if not e.get("from_registry_no")]
    assert own[-1]["kind"] == "merge" and own[-1]["after"]["merged_id"] == y
    assert any(e["kind"] == "update" for e in from_y)
    # audited; the flag is closed and cannot be merged again
    audit = api("admin").get("/audit", params={"action": "duplicate.merge"})
    assert audit.status_code == 200
    assert any(str(f["id"]) == str(i.get("entity_id"))
               for i in audit.json()["items"]), audit.text
    assert xs["dup_flag"] == 0
    r = merge(b, f["id"], survivor_id=x)
    assert r.status_code == 409 and err_code(r) == "duplicate_flag_state"


def test_merge_scope(api, world):
    x, y = flagged_pair(api, world)
    f = find_flag(api("ys_bureau"), x, y)
    # a registrar may not merge; another county's bureau: missing
    r = merge(api("ys_reg2"), f["id"], survivor_id=x)
    assert r.status_code == 403, r.text
    for u in ("yd_bureau", "gz_bureau"):
        r = merge(api(u), f["id"], survivor_id=x)
        assert r.status_code == 404, (u, r.text)
    assert merge(api("ys_bureau"), 999999, survivor_id=x).status_code == 404
    # nothing changed
    s = api("ys_bureau").get(f"/students/{y}").json()["student"]
    assert s["status"] == "enrolled"
    # the city bureau above both may
    assert merge(api("qy_bureau"), f["id"], survivor_id=y).status_code == 200


def two_schools(api, world):
    """One child registered at ys2 and at ys3 (grade 1: flagged)."""
    a = api("admin")
    name, phone = unique_name(), unique_phone()
    ids = []
    for school in ("ys2", "ys3"):
        r = a.post("/students", json=primary_body(
            name=name, g1_phone=phone, school_id=world.school[school]))
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


def test_merge_both_enrolled_needs_the_keeping_school(api, world):
    x, y = two_schools(api, world)
    b = api("ys_bureau")
    f = find_flag(b, x, y)
    assert f is not None
    r = merge(b, f["id"], survivor_id=x)
    assert r.status_code == 409 and err_code(r) == "merge_school", r.text
    assert r.json()["error"]["field"] == "keep_school_id"
    r = merge(b, f["id"], survivor_id=x, keep_school_id=world.school["ys1"])
    assert r.status_code == 400 and err_code(r) == "bad_param", r.text
    # ys3 (the merged record's school) keeps the student: the survivor
    # takes over that enrolment, shown in its merge event
    r = merge(b, f["id"], survivor_id=x, keep_school_id=world.school["ys3"])
    assert r.status_code == 200, r.text
    xs = b.get(f"/students/{x}").json()["student"]
    assert xs["school_id"] == world.school["ys3"]
    assert xs["status"] == "enrolled"
    ev = [e for e in b.get(f"/students/{x}/events").json()["items"]
          if e["kind"] == "merge" and not e.get("from_registry_no")][-1]
    assert ev["before"]["school_id"] == world.school["ys2"]
    assert ev["after"]["school_id"] == world.school["ys3"]
    assert b.get(f"/students/{y}").json()["student"]["status"] == "cancelled"


def test_merge_keeping_the_survivors_school(api, world):
    x, y = two_schools(api, world)
    b = api("ys_bureau")
    f = find_flag(b, x, y)
    r = merge(b, f["id"], survivor_id=x, keep_school_id=world.school["ys2"])
    assert r.status_code == 200, r.text
    xs = b.get(f"/students/{x}").json()["student"]
    assert xs["school_id"] == world.school["ys2"]
    ys = b.get(f"/students/{y}").json()["student"]
    assert ys["status"] == "cancelled"
    # a merged record cannot survive another merge
    r = api("admin").post("/students", json=dict(
        primary_body(), name=xs["name"], birth_date=xs["birth_date"],
        school_id=world.school["ys3"],
        g1_phone=api("admin").post(f"/students/{y}/reveal").json()
        ["student"]["g1_phone"]))
    assert r.status_code == 201, r.text
    z = r.json()["id"]
    f2 = find_flag(b, y, z)
    assert f2 is not None
    r = merge(b, f2["id"], survivor_id=y)
    assert r.status_code == 409 and err_code(r) == "merge_done", r.text


def test_merged_survivor_merged_again_keeps_every_level(api, world):
    """A merged into B, then B into C: C's timeline and former numbers
    hold A's as well as B's, each event marked with its record's number."""
    from conftest import make_id, register
    a, b = api("ys_reg2"), api("ys_bureau")
    body, first = register(a, birth_date="2019-05-06", grade="11")
    twin = dict(body, id_no=make_id(body["birth_date"], body["gender"]))
    r = a.post("/students", json=twin)
    assert r.status_code == 201 and r.json()["dup_flag"] == 1, r.text
    rec_b, rec_a = first["id"], r.json()["id"]
    r = merge(b, find_flag(b, rec_b, rec_a)["id"], survivor_id=rec_b)
    assert r.status_code == 200, r.text
    third = dict(body, id_no=make_id(body["birth_date"], body["gender"]))
    r = a.post("/students", json=third)
    assert r.status_code == 201 and r.json()["dup_flag"] == 1, r.text
    rec_c = r.json()["id"]
    f = find_flag(b, rec_c, rec_b)
    assert f is not None, "C is flagged against the survivor B"
    r = merge(b, f["id"], survivor_id=rec_c)
    assert r.status_code == 200, r.text

    def own(i):
        return {e["id"] for e in b.get(f"/students/{i}/events").json()["items"]
                if not e.get("from_registry_no")}
    ev_a, ev_b, ev_c = own(rec_a), own(rec_b), own(rec_c)
    tl = b.get(f"/students/{rec_c}/events").json()["items"]
    marked = {e["id"] for e in tl if e.get("from_registry_no")}
    assert ev_a and ev_b and marked == ev_a | ev_b
    assert {e["id"] for e in tl} == ev_a | ev_b | ev_c
    # former numbers: B's and, through B, A's
    aliases = b.get(f"/students/{rec_c}").json()["student"]["aliases"]
    assert len(aliases) == 2
