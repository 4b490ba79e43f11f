"""Exports (/students/export: XLSX and CSV of any filtered list) and
printing (/students/{id}/card.pdf, /classes/{id}/cards.pdf): scope exactly
as the list and get endpoints (filters only narrow, out of scope is 404),
masked unless reveal=1 by a registrar/bureau/admin (audited), teachers
never unmasked, PDFs with the student's name and one page per student;
plus `xueji export students` and `xueji gen --out`."""
import csv
import io
import re
import subprocess
import zipfile

import pytest

from conftest import (FULL_G, MASKED_G, cli_ok, err_code, list_all,
                      mask_regno, register, run_cli, sql)

FULL_ID = re.compile(r"^\d{17}[\dX]$")
COLUMNS_HEAD = ["学籍号", "学校标识码", "姓名", "性别", "出生日期"]


def export(a, **params):
    r = a.get("/students/export", params=params)
    assert r.status_code == 200, r.text
    return r


def csv_rows(r, encoding="utf-8-sig"):
    text = r.content.decode(encoding)
    return list(csv.reader(io.StringIO(text)))


def audits(api, action):
    r = api("admin").get("/audit", params={"action": action,
                                           "per_page": 200})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_csv_registrar_scope_header_and_masking(api, world):
    a = api("ys_reg1")
    r = export(a, format="csv")
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(r)
    head, data = rows[0], rows[1:]
    assert head[:5] == COLUMNS_HEAD
    assert head.index("班级") == head.index("年级") + 1
    _, total = list_all(a, "/students")
    assert len(data) == total > 0
    code = head.index("学校标识码")
    idc = head.index("身份证件号")
    ph = head.index("成员1联系电话")
    assert {row[code] for row in data} == {world.code["ys1"]}
    for row in data:
        assert len(row) == len(head)
        if row[idc]:
            assert "*" in row[idc] and not FULL_ID.match(row[idc])
        if row[ph]:
            assert "****" in row[ph]
    # 学籍号: G (= "G" + the ID), L and J masked alike
    reg = head.index("学籍号")
    assert any(row[reg].startswith("G") for row in data)
    for row in data:
        assert MASKED_G.match(row[reg]), row[reg]
    assert not FULL_G.search(r.content.decode("utf-8-sig"))


def test_filters_only_narrow(api, world):
    a = api("ys_reg1")
    # another school's id as a filter: nothing, not that school's rows
    rows = csv_rows(export(a, format="csv", school_id=world.school["ys2"]))
    assert len(rows) == 1
    b = api("ys_bureau")
    rows = csv_rows(export(b, format="csv", school_id=world.school["yd1"]))
    assert len(rows) == 1
    # a grade filter narrows within scope and matches the list
    items, _ = list_all(b, "/students")
    grade = items[0]["grade"]
    rows = csv_rows(export(b, format="csv", grade=grade))
    gi = rows[0].index("年级")
    assert len(rows) - 1 == sum(1 for i in items if i["grade"] == grade)
    assert all(row[gi] == grade for row in rows[1:])
    # q filter by the full registry number; the file shows it as the list
    one = items[3]
    regno = sql(world.db, "select registry_no from students where id = %d"
                % one["id"])[0]
    rows = csv_rows(export(b, format="csv", q=regno))
    assert [row[0] for row in rows[1:]] == [one["registry_no"]]
    assert one["registry_no"] == mask_regno(regno)


def test_small_region_exported_school_by_school(api, world):
    """A bureau whose region holds fewer than half of the database's
    schools (阳东: 2 of 5, as a county in a province's database) gets its
    file read school by school (student_export_store.c walk_region): the
    same rows as its list, grouped by school in code order, each school's
    in registration order.  阳山 (3 of 5) is read in one walk.  A record
    registered last in yd1 has the highest id: in one walk in id order it
    came after yd2's rows."""
    register(api("yd_reg1"))
    b = api("yd_bureau")
    rows = csv_rows(export(b, format="csv"))
    head, data = rows[0], rows[1:]
    code, reg = head.index("学校标识码"), head.index("学籍号")
    want = {}
    for sch in ("yd1", "yd2"):
        items, _ = list_all(b, "/students", school_id=world.school[sch],
                            sort="created", order="asc")
        want[world.code[sch]] = [i["registry_no"] for i in items]
    assert [r[code] for r in data] == sorted(r[code] for r in data)
    got = {}
    for r in data:
        got.setdefault(r[code], []).append(r[reg])
    assert got == want and sum(map(len, want.values())) > 0
    # a filter narrows it as it does the list
    grade = data[0][head.index("年级")]
    rows = csv_rows(export(b, format="csv", grade=grade))
    _, total = list_all(b, "/students", grade=grade)
    assert len(rows) - 1 == total > 0


def test_xlsx_bureau_is_a_valid_workbook(api):
    r = export(api("qy_bureau"), format="xlsx")
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert z.testzip() is None
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "学校标识码" in sheet and "成员2现住址" in sheet
    _, total = list_all(api("qy_bureau"), "/students")
    assert f'<row r="{total + 1}"' in sheet
    assert f'<row r="{total + 2}"' not in sheet


def test_gb18030_matches_utf8(api):
    a = api("ys_reg2")
    u = export(a, format="csv").content
    g = export(a, format="csv", encoding="gb18030")
    assert "GB18030" in g.headers["content-type"]
    assert not g.content.startswith(b"\xef\xbb\xbf")
    assert g.content.decode("gb18030") == u[3:].decode("utf-8")


def test_reveal_is_audited_masked_is_not(api, world):
    a = api("ys_reg1")
    before = len(audits(api, "student.export"))
    export(a, format="csv")
    assert len(audits(api, "student.export")) == before
    r = export(a, format="csv", reveal=1, grade="")
    rows = csv_rows(r)
    idc = rows[0].index("身份证件号")
    assert any(FULL_ID.match(row[idc]) for row in rows[1:])
    assert not any("*" in row[idc] for row in rows[1:])
    assert any(FULL_G.fullmatch(row[0]) for row in rows[1:])
    assert not any("*" in row[0] for row in rows[1:])
    after = audits(api, "student.export")
    assert len(after) == before + 1
    e = after[0]
    assert e["user"] == "ys_reg1"
    assert e["after"]["rows"] == len(rows) - 1
    assert e["after"]["unmasked"] is True
    assert e["after"]["format"] == "csv"


def test_teacher_masked_own_classes_cannot_reveal(api, world):
    t = api("ys_teacher1")
    rows = csv_rows(export(t, format="csv"))
    _, total = list_all(t, "/students")
    assert len(rows) - 1 == total > 0
    ci = rows[0].index("班级")
    assert len({row[ci] for row in rows[1:]}) == 1
    # reveal=1 shows what the teacher may reveal on screen: phones only
    r = t.get("/students/export", params={"format": "csv", "reveal": 1})
    assert r.status_code == 200, r.text
    rows = csv_rows(r)
    idc, ph = rows[0].index("身份证件号"), rows[0].index("成员1联系电话")
    assert all(not FULL_ID.match(row[idc]) for row in rows[1:])
    assert any(re.fullmatch(r"1\d{10}", row[ph]) for row in rows[1:])
    assert audits(api, "student.export")[0]["after"]["revealed"] == ["phone"]


def test_bad_params(api):
    a = api("ys_reg1")
    for params, code in (({"format": "pdf"}, "export_format"),
                         ({"format": "xlsx", "encoding": "gb18030"},
                          "export_format"),
                         ({"encoding": "latin1", "format": "csv"},
                          "export_format"),
                         ({"reveal": 2}, "bad_param"),
                         ({"grade": "77"}, "bad_param"),
                         ({"status": "alive"}, "bad_param")):
        r = a.get("/students/export", params=params)
        assert r.status_code in (400, 403), (params, r.text)
        assert err_code(r) == code, (params, r.text)


def shows_id(id_no, text):
    """The full ID appears as an ID, not only inside the G 学籍号."""
    return re.search(r"(?<!G)" + re.escape(id_no), text) is not None


def pdftext(data, tmp_path, name="c.pdf"):
    p = tmp_path / name
    p.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(p), "-"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def pdfpages(data, tmp_path):
    p = tmp_path / "p.pdf"
    p.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(p)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))


def test_student_card_registrar_full_id_audited(api, world, tmp_path):
    a = api("ys_reg1")
    it = a.get("/students", params={"per_page": 1}).json()["items"][0]
    full = a.post(f"/students/{it['id']}/reveal").json()["student"]
    before = len(audits(api, "student.print"))
    r = a.get(f"/students/{it['id']}/card.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    # opens in the browser, ready to print
    assert r.headers["content-disposition"].startswith("inline;")
    assert r.content.startswith(b"%PDF")
    text = pdftext(r.content, tmp_path)
    assert "学生学籍卡" in text
    assert it["name"] in text
    assert shows_id(full["id_no"], text)
    assert "ys_reg1" in text
    assert pdfpages(r.content, tmp_path) == 1
    after = audits(api, "student.print")
    assert len(after) == before + 1
    assert after[0]["entity"] == "student"
    assert after[0]["entity_id"] == str(it["id"])
    assert after[0]["after"]["unmasked"] is True
    assert full["registry_no"] in text
    assert full["registry_no"] in r.headers["content-disposition"]
    # reveal=0: masked, still audited; the G registry number embeds the ID,
    # so it is masked too (in the file name as well)
    r = a.get(f"/students/{it['id']}/card.pdf", params={"reveal": 0})
    text = pdftext(r.content, tmp_path)
    assert full["id_no"] not in text and it["id_no"] in text
    assert it["registry_no"] in text
    assert full["id_no"] not in r.headers["content-disposition"]
    assert audits(api, "student.print")[0]["after"]["unmasked"] is False


def test_student_card_teacher_masked_and_scope(api, world, tmp_path):
    t = api("ys_teacher1")
    it = t.get("/students", params={"per_page": 1}).json()["items"][0]
    full = api("admin").post(f"/students/{it['id']}/reveal").json()[
        "student"]["id_no"]
    r = t.get(f"/students/{it['id']}/card.pdf")
    assert r.status_code == 200
    text = pdftext(r.content, tmp_path)
    assert it["name"] in text and full not in text
    r = t.get(f"/students/{it['id']}/card.pdf", params={"reveal": 1})
    assert r.status_code == 200
    assert full not in pdftext(r.content, tmp_path)
    # someone else's student: 404 as if missing
    other = api("yd_reg1").get("/students", params={"per_page": 1}).json()[
        "items"][0]
    for who in ("ys_reg1", "ys_teacher1", "ys_bureau"):
        r = api(who).get(f"/students/{other['id']}/card.pdf")
        assert r.status_code == 404 and err_code(r) == "not_found", who
    assert api("admin").get("/students/999999999/card.pdf").status_code == 404


def test_class_cards_one_page_per_student(api, world, tmp_path):
    a = api("ys_reg1")
    cid = world.class_ys1[0]
    items, total = list_all(a, "/students", class_id=cid)
    r = a.get(f"/classes/{cid}/cards.pdf")
    assert r.status_code == 200, r.text
    assert r.content.startswith(b"%PDF")
    assert pdfpages(r.content, tmp_path) == total > 0
    text = pdftext(r.content, tmp_path)
    assert text.count("学生学籍卡") == total
    assert items[0]["name"] in text
    e = audits(api, "student.print")[0]
    assert e["entity"] == "class" and e["entity_id"] == str(cid)
    assert e["after"]["pages"] == total
    # the class teacher may print their class (masked); not another class
    t = api("ys_teacher1")
    assert t.get(f"/classes/{cid}/cards.pdf").status_code == 200
    if len(world.class_ys1) > 1:
        r = t.get(f"/classes/{world.class_ys1[1]}/cards.pdf")
        assert r.status_code == 404
    # other school / county: 404
    assert api("ys_reg2").get(f"/classes/{cid}/cards.pdf").status_code == 404
    assert api("yd_bureau").get(f"/classes/{cid}/cards.pdf").status_code \
        == 404
    assert a.get("/classes/99999999/cards.pdf").status_code == 404


def test_cli_export_unmasked_and_audited(api, world, tmp_path):
    before = len(audits(api, "student.export"))
    out = tmp_path / "ys1.csv"
    p = cli_ok("export", "students", "--out", out, "--school",
               world.code["ys1"], db=world.db)
    assert "students to" in p.stdout
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    idc = rows[0].index("身份证件号")
    # whole numbers, none masked (other files may have registered pupils
    # with a passport or another document: not 18 digits, still whole)
    ids = [r[idc] for r in rows[1:] if r[idc]]
    assert ids and not [i for i in ids if "*" in i], ids
    assert any(FULL_ID.match(i) for i in ids), ids
    after = audits(api, "student.export")
    assert len(after) == before + 1 and after[0]["user"] == "cli"
    gb = tmp_path / "ys1-gb.csv"
    cli_ok("export", "students", "--out", gb, "--encoding", "gb18030",
           "--school", world.code["ys1"], db=world.db)
    assert gb.read_bytes().decode("gb18030") == \
        out.read_bytes().decode("utf-8-sig")
    x = tmp_path / "all.xlsx"
    cli_ok("export", "students", "--out", x, db=world.db)
    assert "xl/worksheets/sheet1.xml" in zipfile.ZipFile(x).namelist()
    for bad in (["students"], ["students", "--out", tmp_path / "a.txt"],
                ["students", "--out", x, "--encoding", "gb18030"],
                ["teachers", "--out", out],
                ["students", "--out", out, "--school", "0000000000"]):
        assert run_cli("export", *bad, db=world.db).returncode != 0, bad


def test_gen_out_import_file(world, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for f in (a, b):
        p = cli_ok("gen", "--out", f, "--students", "300", "--errors",
                   "0.2", "--seed", "4", db=world.db)
        assert "300 rows for 5 schools" in p.stdout, p.stdout
    assert a.read_bytes() == b.read_bytes()
    rows = list(csv.reader(io.StringIO(a.read_text("utf-8-sig"))))
    assert rows[0][:5] == COLUMNS_HEAD and len(rows) == 301
    codes = {r[1] for r in rows[1:]}
    assert set(world.code.values()) <= codes | set(world.code.values())
    assert len(codes & set(world.code.values())) >= 4
    x = tmp_path / "g.xlsx"
    cli_ok("gen", "--out", x, "--students", "50", db=world.db)
    assert "xl/worksheets/sheet1.xml" in zipfile.ZipFile(x).namelist()
    assert run_cli("gen", "--out", x, db=world.db).returncode != 0
    assert run_cli("gen", "--out", tmp_path / "g.txt", "--students", "5",
                   db=world.db).returncode != 0
