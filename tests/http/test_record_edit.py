"""Phones and guardian ID numbers are edited in the record's edit dialog
(issue 8, point 8): PATCH /students/{id} takes a whole new value, checks it
with the same validation as registration, records a student event and an
audit entry that show it masked, and takes the masked form it showed back
as "unchanged" (the form sends what it displayed)."""
from conftest import check_char, detail_codes, err_code
from test_masking import class_student

NEW_GID = "44182319850202123"
NEW_GID += check_char(NEW_GID)


def record(a, sid):
    return a.get(f"/students/{sid}").json()["student"]


def test_phones_and_guardian_id_edited_masked_and_audited(api, world):
    _, r = class_student(api, world)
    sid = r["id"]
    reg = api("ys_reg1")
    s = record(reg, sid)
    r = reg.patch(f"/students/{sid}", json={
        "version": s["version"], "phone": "13800001111",
        "g1_phone": "13700002222", "g2_name": "李秀英", "g2_relation": "2",
        "g2_phone": "020-83001234", "g1_id_no": NEW_GID})
    assert r.status_code == 200, r.text
    after = r.json()["student"]
    assert after["version"] == s["version"] + 1
    assert after["phone"] == "138****1111"
    assert after["g1_phone"] == "137****2222"
    assert after["g1_id_no"] == "441823************"
    # the full values were stored: the audited reveal shows them
    full = api("admin").post(f"/students/{sid}/reveal").json()["student"]
    assert full["phone"] == "13800001111"
    assert full["g1_id_no"] == NEW_GID
    assert full["g2_phone"] == "020-83001234"
    # the event and the audit entry name the fields, masked
    ev = reg.get(f"/students/{sid}/events").json()["items"][-1]
    assert ev["kind"] == "update"
    assert ev["after"]["phone"] == "138****1111"
    assert ev["before"]["phone"] == "139****5678"
    assert set(ev["after"]) == {"phone", "g1_phone", "g2_phone", "g1_id_no",
                                "g2_name", "g2_relation"}
    audit = api("admin").get("/audit", params={"limit": 20}).text
    assert '"student.update"' in audit
    for full_no in ("13800001111", "13700002222", NEW_GID, "13912345678"):
        assert full_no not in audit
        assert full_no not in str(ev)


def test_masked_values_sent_back_are_unchanged(api, world):
    """The edit form sends the masked phone and guardian ID it showed;
    before, that answered 422 (“138****5678 is not a phone”)."""
    _, r = class_student(api, world)
    sid = r["id"]
    reg = api("ys_reg1")
    s = record(reg, sid)
    assert "*" in s["phone"] and "*" in s["g1_id_no"]
    r = reg.patch(f"/students/{sid}", json={
        "version": s["version"], "phone": s["phone"],
        "g1_phone": s["g1_phone"], "g1_id_no": s["g1_id_no"],
        "address": "阳山县城南路1号"})
    assert r.status_code == 200, r.text
    full = api("admin").post(f"/students/{sid}/reveal").json()["student"]
    assert full["phone"] == "13912345678"
    assert len(full["g1_id_no"]) == 18 and "*" not in full["g1_id_no"]
    ev = reg.get(f"/students/{sid}/events").json()["items"][-1]
    assert set(ev["after"]) == {"address"}
    # a masked text that is not this record's masked value is refused
    s = record(reg, sid)
    r = reg.patch(f"/students/{sid}", json={
        "version": s["version"], "phone": "139****0000"})
    assert r.status_code == 422
    assert "phone" in detail_codes(r)


def test_phone_and_guardian_id_validated(api, world):
    _, r = class_student(api, world)
    sid = r["id"]
    reg = api("ys_reg1")
    s = record(reg, sid)
    bad_gid = NEW_GID[:17] + ("0" if NEW_GID[17] != "0" else "1")
    r = reg.patch(f"/students/{sid}", json={
        "version": s["version"], "phone": "12345", "g1_id_no": bad_gid})
    assert r.status_code == 422, r.text
    codes = detail_codes(r)
    assert "phone" in codes["phone"]
    assert "id_check_digit" in codes["g1_id_no"]
    # a guardian's ID number of another type is checked against that type
    r = reg.patch(f"/students/{sid}", json={
        "version": s["version"], "g1_id_type": "6", "g1_id_no": "12"})
    assert r.status_code == 422, r.text
    assert "g1_id_no" in detail_codes(r)
    assert record(reg, sid)["version"] == s["version"]


def test_teacher_cannot_edit_phones(api, world):
    _, r = class_student(api, world)
    sid = r["id"]
    t = api("ys_teacher1")
    s = record(t, sid)
    r = t.patch(f"/students/{sid}", json={"version": s["version"],
                                           "phone": "13800001111"})
    assert r.status_code in (403, 404), r.text
    assert err_code(r) in ("forbidden", "not_found")
