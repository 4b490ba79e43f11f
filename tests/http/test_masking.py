"""Masking that holds (issue 9, defect 3 and 14, point 5;
docs/internals/masking.md): no list, record, export, card, search or sort
without reveal tells the sequence digits of an ID (positions 15-18); search
by number takes whole numbers only, is audited and rate-limited; reveal
rights per role are the same on screen, in exports and on cards."""
import io
import re
import zipfile

import pytest

from conftest import (cli_ok, check_char, err_code, list_all, mask_id, mask_regno,
                      register, sql)
from test_export import csv_rows, pdftext

FULL_ID = re.compile(r"^\d{17}[\dX]$")


def hidden_ok(text, full):
    """Every place @text shows the visible part of ID @full, the last four
    characters are masked, and the full number is nowhere."""
    assert full not in text
    for m in re.finditer(re.escape(full[:14]), text):
        assert text[m.end():m.end() + 4] == "****", text[m.start():m.end() + 8]


def teacher_class(api, world):
    """(class id, grade) of ys_teacher1's class."""
    cid = world.class_ys1[0]
    c = api("admin").get(f"/classes/{cid}").json()
    c = c.get("class", c)
    return cid, c["grade"]


def class_student(api, world, **over):
    """A student registered by ys_reg1 into ys_teacher1's class, with a
    guardian ID and phones.  Returns (body, reply)."""
    cid, grade = teacher_class(api, world)
    birth = {"1": "2019-03-08", "2": "2013-05-17", "3": "2010-05-17",
             "4": "2010-05-17"}.get(grade[0], "2013-05-17")
    over.setdefault("birth_date", birth)
    return register(api("ys_reg1"), class_id=cid, grade=grade,
                    phone="13912345678", g1_id_type="1",
                    g1_id_no="44182319800101123" + check_char(
                        "44182319800101123"), **over)


# ------------------------------------------------ the teacher's 32 queries

def test_teacher_prefix_attack_learns_nothing(api, world):
    """The attack of defect 3: a class teacher sees the masked ID, the birth
    date and the county, then narrows q digit by digit (about 32 queries).
    Now the masked form has no sequence digit, and every partial number is
    answered the same way, whatever its digits: nothing to learn."""
    t = api("ys_teacher1")
    items, _ = list_all(t, "/students")
    st = next(i for i in items if len(i["id_no"]) == 18)
    shown = st["id_no"]
    assert re.fullmatch(r"\d{14}\*{4}", shown), shown
    assert shown[6:14] == st["birth_date"].replace("-", "")
    full = api("admin").post(f"/students/{st['id']}/reveal").json()[
        "student"]["id_no"]
    prefix, answers = shown[:14], {}
    for pos in range(14, 17):
        for d in "0123456789":
            r = t.get("/students", params={"q": prefix + d})
            answers.setdefault(r.status_code, set()).add(r.text)
        prefix += full[pos]  # even told the right digit, nothing changes
    # one kind of answer for every guess: a refusal naming no student
    assert list(answers) == [400]
    assert len(answers[400]) == 1
    body = next(iter(answers[400]))
    assert "search_partial_number" in body and st["name"] not in body
    # the registry number and the record say no more than the list
    rec = t.get(f"/students/{st['id']}").json()["student"]
    hidden_ok(str(rec), full)
    assert rec["registry_no"][-4:] == "****"


# ------------------------------------------------ every output, one form

def test_masked_forms_hide_positions_15_to_18(api, world, tmp_path):
    body, rep = class_student(api, world)
    full, gid = body["id_no"], body["g1_id_no"]
    a = api("ys_reg1")
    # list and record
    items = a.get("/students", params={"q": body["name"]}).json()["items"]
    assert [i["id"] for i in items] == [rep["id"]]
    assert items[0]["id_no"] == mask_id(full)
    assert items[0]["registry_no"] == mask_regno(rep["registry_no"])
    rec = a.get(f"/students/{rep['id']}")
    s = rec.json()["student"]
    assert s["id_no"] == full[:14] + "****"
    assert s["g1_id_no"] == gid[:6] + "*" * 12  # a guardian's birth date
    assert s["phone"] == "139****5678"
    hidden_ok(rec.text, full)
    assert gid not in rec.text and gid[6:14] not in rec.text
    # timeline
    ev = a.get(f"/students/{rep['id']}/events").text
    hidden_ok(ev, full)
    assert gid not in ev
    # CSV and XLSX exports without reveal
    r = a.get("/students/export", params={"format": "csv",
                                           "q": body["name"]})
    assert r.status_code == 200
    rows = csv_rows(r)
    assert len(rows) == 2
    hidden_ok(r.content.decode("utf-8-sig"), full)
    assert gid not in r.content.decode("utf-8-sig")
    r = a.get("/students/export", params={"q": body["name"]})
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                      if n.endswith(".xml"))
    assert mask_id(full) in xml
    hidden_ok(xml, full)
    assert gid not in xml
    # the card without reveal, its file name too
    r = a.get(f"/students/{rep['id']}/card.pdf", params={"reveal": 0})
    assert r.status_code == 200
    text = pdftext(r.content, tmp_path)
    assert mask_id(full) in text
    hidden_ok(text, full)
    assert "13912345678" not in text
    assert full not in r.headers["content-disposition"]


# ------------------------------------------------ search by number

def searches(api, n=200):
    r = api("admin").get("/audit", params={"action": "student.search",
                                           "per_page": n})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_q_partial_matches_nothing_full_matches_and_is_audited(api, world):
    a = api("ys_reg1")
    body, rep = register(a)
    full, reg = body["id_no"], rep["registry_no"]
    before = len(searches(api))
    for q in (full[:6], full[:14], full[:17], full[1:], reg[:15], reg[:18],
              "G" + full[1:], full[:17] + ("0" if full[17] != "0" else "1")):
        r = a.get("/students", params={"q": q})
        assert r.status_code == 400, q
        assert err_code(r) == "search_partial_number"
        assert r.json()["error"]["field"] == "q"
        r = a.get("/students/export", params={"q": q, "format": "csv"})
        assert r.status_code == 400, q
    # partial numbers cost no audit entry and no search
    assert len(searches(api)) == before
    for q in (full, full.lower(), reg, reg.lower()):
        r = a.get("/students", params={"q": q})
        assert r.status_code == 200, r.text
        assert [i["id"] for i in r.json()["items"]] == [rep["id"]]
    rows = searches(api)
    assert len(rows) == before + 4
    e = rows[0]
    assert e["user"] == "ys_reg1" and e["entity"] == "student"
    # the keyed hash lets an auditor with the key correlate equal numbers
    hmac = e["after"].pop("number_hmac")
    assert len(hmac) == 64 and reg not in hmac
    assert e["after"] == {"via": "list", "by": "registry_no",
                          "number": mask_regno(reg), "found": 1}
    assert rows[3]["after"]["by"] == "id_no"
    assert rows[3]["after"]["number"] == mask_id(full)
    # the stored entry holds no full number either
    stored = sql(world.db, "select after from audit_log where action = "
                           f"'student.search' and id = {e['id']}")
    assert reg not in stored[0] and full not in stored[0]
    # a number not on the record is audited too (found 0)
    other = full[:14] + "0000"
    other = other[:17] + check_char(other[:17])
    if other != full:
        assert a.get("/students", params={"q": other}).json()["total"] == 0
        assert searches(api)[0]["after"]["found"] == 0
    # export by number: one row, audited as such
    r = a.get("/students/export", params={"q": full, "format": "csv"})
    assert len(csv_rows(r)) == 2
    assert searches(api)[0]["after"]["via"] == "export"
    # names are searched freely: no audit entry
    n = len(searches(api))
    assert a.get("/students", params={"q": body["name"]}).json()[
        "total"] == 1
    assert len(searches(api)) == n


def test_sort_by_registry_no_ignores_hidden_digits(api, world):
    """Two students differing only in the masked digits: sorting by
    registry number keeps them in row order, so the order tells nothing;
    there is no sort by ID number."""
    a = api("ys_reg1")
    ids = []
    for seq in ("881", "111"):  # the first registered has the larger digits
        b17 = "440106" + "20130227" + seq
        body, rep = register(a, birth_date="2013-02-27", gender=1,
                             id_no=b17 + check_char(b17))
        ids.append(rep["id"])
    for order in ("asc", "desc"):
        items, _ = list_all(a, "/students", sort="registry_no", order=order)
        pos = [i["id"] for i in items if i["id"] in ids]
        assert pos == (ids if order == "asc" else ids[::-1]), order
        shown = {i["registry_no"] for i in items if i["id"] in ids}
        assert len(shown) == 1  # the same masked form for both
    for bad in ("id_no", "g1_id_no", "phone"):
        r = a.get("/students", params={"sort": bad})
        assert r.status_code == 400 and err_code(r) == "bad_param"


def test_number_search_rate_limited(api, world):
    admin = api("admin")
    # registered first: while ys_reg1's budget is spent by the searches of
    # the tests before, its registrations answer 429 too
    body, rep = register(api("ys_reg1"))
    r = admin.patch("/privacy", json={"searches_per_minute": 3})
    assert r.status_code == 200, r.text
    try:
        b = api("qy_bureau")
        codes = []
        for _ in range(4):
            r = b.get("/students", params={"q": body["id_no"]})
            codes.append(r.status_code)
            if r.status_code == 429:
                break
        assert codes[-1] == 429 and set(codes[:-1]) <= {200}, codes
        assert err_code(r) == "search_rate_limited"
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert body["id_no"] not in r.text
        # the cross-scope lookup and exports share the budget
        r = b.get("/students/lookup", params={"id_no": body["id_no"]})
        assert r.status_code == 429 and "retry-after" in r.headers
        r = b.get("/students/export", params={"q": body["id_no"]})
        assert r.status_code == 429
        # names stay free, other users have their own budget
        assert b.get("/students", params={"q": body["name"]}).status_code \
            == 200
        assert api("ys_bureau").get("/students", params={
            "q": body["id_no"]}).status_code == 200
    finally:
        assert admin.patch("/privacy", json={
            "searches_per_minute": 60}).status_code == 200


# ------------------------------------------------ reveal rights per role

def shown_full(values, full):
    """The classes of @full (dict class -> full value) seen in full."""
    return {k for k, v in full.items() if v in values}


@pytest.mark.parametrize("who,rights", [
    ("admin", {"id_no", "phone", "guardian_id"}),
    ("ys_bureau", {"id_no", "phone", "guardian_id"}),
    ("ys_reg1", {"id_no", "phone", "guardian_id"}),
    ("ys_teacher1", {"phone"}),
])
def test_reveal_export_print_agree(api, world, tmp_path, who, rights):
    body, rep = class_student(api, world)
    full = {"id_no": body["id_no"], "phone": "13912345678",
            "guardian_id": body["g1_id_no"]}
    a = api(who)
    assert set(a.get("/session").json()["user"]["reveal"]) == rights
    # screen
    r = a.post(f"/students/{rep['id']}/reveal")
    assert r.status_code == 200, r.text
    s = r.json()["student"]
    screen = shown_full({s["id_no"], s["phone"], s["g1_id_no"]}, full)
    assert set(s["revealed"]) == screen == rights
    # an empty body or an empty list asks for the same (the UI sends {})
    for empty in ({}, {"fields": []}):
        r = a.post(f"/students/{rep['id']}/reveal", json=empty)
        assert r.status_code == 200, r.text
        assert set(r.json()["student"]["revealed"]) == rights
    # export
    r = a.get("/students/export", params={"format": "csv", "reveal": 1,
                                           "class_id": world.class_ys1[0]})
    assert r.status_code == 200, r.text
    rows = csv_rows(r)
    row = next(x for x in rows[1:] if body["name"] in x)
    export = shown_full(set(row), full)
    assert export == rights
    # print (the card has no guardian ID column)
    r = a.get(f"/students/{rep['id']}/card.pdf", params={"reveal": 1})
    assert r.status_code == 200, r.text
    text = pdftext(r.content, tmp_path)
    printed = {k for k in ("id_no", "phone") if full[k] in text}
    assert printed == rights - {"guardian_id"}
    if "id_no" not in rights:
        hidden_ok(text, full["id_no"])
        assert full["id_no"] not in s.values()


def test_reveal_rights_are_a_setting(api, world, tmp_path):
    """Configurable per role (audited); all three paths follow at once."""
    admin = api("admin")
    body, rep = class_student(api, world)
    t = api("ys_teacher1")
    r = admin.patch("/privacy", json={"reveal": {"teacher": []}})
    assert r.status_code == 200, r.text
    assert r.json()["reveal"]["teacher"] == []
    try:
        r = t.post(f"/students/{rep['id']}/reveal")
        assert r.status_code == 403 and err_code(r) == "reveal_forbidden"
        r = t.get("/students/export", params={"format": "csv", "reveal": 1})
        assert r.status_code == 403
        r = t.get(f"/students/{rep['id']}/card.pdf", params={"reveal": 1})
        assert r.status_code == 403
        # the card's default prints masked instead
        r = t.get(f"/students/{rep['id']}/card.pdf")
        assert r.status_code == 200
        assert "13912345678" not in pdftext(r.content, tmp_path)
        assert t.get("/session").json()["user"]["reveal"] == []
        # a registrar asking for a field it may not see: 403, no audit row
        admin.patch("/privacy", json={"reveal": {"registrar": ["phone"]}})
        a = api("ys_reg1")
        r = a.post(f"/students/{rep['id']}/reveal",
                   json={"fields": ["id_no"]})
        assert r.status_code == 403 and err_code(r) == "reveal_forbidden"
        r = a.post(f"/students/{rep['id']}/reveal",
                   json={"fields": ["registry_no"]})
        assert r.status_code == 403
        r = a.post(f"/students/{rep['id']}/reveal",
                   json={"fields": ["g1_phone"]})
        assert r.status_code == 200
        assert r.json()["student"]["g1_phone"] == body["g1_phone"]
        assert r.json()["student"]["id_no"] == mask_id(body["id_no"])
    finally:
        r = admin.patch("/privacy", json={"reveal": {
            "teacher": ["phone"],
            "registrar": ["id_no", "phone", "guardian_id"]}})
        assert r.status_code == 200
    rows = admin.get("/audit", params={"action": "settings.update",
                                       "entity": "settings"}).json()["items"]
    mine = [x for x in rows if x["entity_id"] == "privacy"]
    assert mine and mine[0]["user"] == "admin"
    assert mine[0]["after"]["reveal"]["teacher"] == ["phone"]
    assert admin.get("/privacy").json()["reveal"]["teacher"] == ["phone"]


def test_privacy_settings_validation(api):
    admin = api("admin")
    for bad, code in (({"reveal": {"janitor": []}}, "unknown_field"),
                      ({"reveal": {"teacher": ["ssn"]}}, "code"),
                      ({"reveal": {"teacher": "phone"}}, "bad_type"),
                      ({"searches_per_minute": 0}, "range"),
                      ({"searches_per_minute": 61}, "range"),
                      ({"other": 1}, "unknown_field")):
        r = admin.patch("/privacy", json=bad)
        assert r.status_code in (400, 422), (bad, r.text)
        assert err_code(r) == code, (bad, r.text)
    for who in ("ys_reg1", "ys_bureau", "ys_teacher1"):
        assert api(who).get("/privacy").status_code == 403
        assert api(who).patch("/privacy", json={}).status_code == 403
    j = admin.get("/privacy").json()
    assert set(j["reveal"]) == {"admin", "bureau", "registrar", "teacher"}


def test_id_exists_does_not_echo_the_number(api, world):
    body, _ = register(api("ys_reg1"))
    again = dict(body, name=body["name"])
    r = api("yd_reg1").post("/students", json=again)
    assert r.status_code in (409, 422), r.text
    assert body["id_no"] not in r.text


# ------------------------------------------------ registration as an oracle

def same_stage_pair(world):
    """(attacker registrar, its school key, another school's id of the same
    stage, out of the attacker's scope)."""
    for user, key in (("ys_reg2", "ys2"), ("yd_reg1", "yd1"),
                      ("ys_reg1", "ys1")):
        other = sql(world.db, "select id from schools where stage = (select"
                    " stage from schools where id = %d) and id <> %d"
                    " order by id limit 1"
                    % (world.school[key], world.school[key]))
        if other:
            return user, key, int(other[0])
    pytest.skip("no two schools of one stage in the world")


def test_registration_is_no_free_existence_oracle(api, world):
    """Before: registering a guessed ID answered 409 id_exists when a person
    with that ID was held anywhere, with no audit entry and no budget, so a
    registrar could enumerate which IDs exist.  Now each such answer is
    audited like a full-number search (via register, the number masked and
    keyed-hashed) and takes one search from privacy.searches_per_minute;
    once spent, EVERY registration answers 429 whatever the number (a 429
    only for held numbers would be the same oracle).  A class teacher
    cannot register at all."""
    from test_imports import body_for
    admin = api("admin")
    user, key, holder_school = same_stage_pair(world)
    held = []
    for _ in range(3):
        b = body_for(world, key)
        r = admin.post("/students", json=dict(b, school_id=holder_school))
        assert r.status_code == 201, r.text
        held.append(b)
    assert admin.patch("/privacy", json={"searches_per_minute": 3}
                       ).status_code == 200
    # a registrar of its own: the shared ones may have spent searches in
    # this minute in other tests, which would make the budget of 3 smaller
    user = "oracle_reg"
    code = sql(world.db, "select code from schools where id = %d"
               % world.school[key])[0]
    cli_ok("user", "add", user, "--role", "registrar", "--school", code,
           db=world.db, env={"XUEJI_PASSWORD": "oracle-pass-2026"})
    world.passwords[user] = "oracle-pass-2026"
    try:
        a = api(user)
        before = len(searches(api))
        for b in held:
            guess = dict(b, name=b["name"] + "甲")
            r = a.post("/students", json=guess)
            assert r.status_code == 409, r.text
            assert err_code(r) in ("id_exists", "duplicate_person")
            assert b["id_no"] not in r.text
            assert "学籍在其他学校" in r.text or err_code(r) != "id_exists"
        rows = searches(api)
        assert len(rows) == before + 3
        e = rows[0]
        assert e["user"] == user
        assert len(e["after"].pop("number_hmac")) == 64
        assert e["after"] == {"via": "register", "by": "id_no",
                              "number": mask_id(held[-1]["id_no"]),
                              "found": 1}
        stored = sql(world.db, "select after from audit_log where id = %d"
                     % e["id"])[0]
        assert held[-1]["id_no"] not in stored
        # spent: a held number and a fresh one get the same answer
        for body in (dict(held[0], name=held[0]["name"] + "乙"),
                     body_for(world, key)):
            r = a.post("/students", json=body)
            assert r.status_code == 429, r.text
            assert err_code(r) == "search_rate_limited"
            assert 1 <= int(r.headers["retry-after"]) <= 60
            assert body["id_no"] not in r.text
        assert len(searches(api)) == before + 3
        fresh = body["id_no"]
        assert sql(world.db, "select count(*) from students where id_no = '%s'"
                   % fresh) == ["0"]
        # a teacher cannot register: no answer about the number
        r = api("ys_teacher1").post("/students", json=dict(
            held[0], name=held[0]["name"] + "丙"))
        assert r.status_code == 403, r.text
        assert err_code(r) not in ("id_exists", "duplicate_person")
    finally:
        assert admin.patch("/privacy", json={
            "searches_per_minute": 60}).status_code == 200
