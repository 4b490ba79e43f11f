"""GET /imports/template.xlsx (issue 8, point 8): sheet 1 is the import's
header row exactly as the importer reads it plus an example row that
imports cleanly at the registrar's school; the other sheets are the code
tables (代码, 名称) of the columns' code sets."""
import io
import re
import zipfile
import xml.etree.ElementTree as ET

from conftest import err_code
from test_imports import upload, wait

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def col_index(ref):
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_xlsx(data):
    """{sheet name: [[cell text]]} of a workbook."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(
                "m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter(
                "{%s}t" % NS["m"])))
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(
        z.read("xl/_rels/workbook.xml.rels"))}
    out = {}
    for sh in ET.fromstring(z.read("xl/workbook.xml")).find(
            "m:sheets", NS):
        xml = ET.fromstring(z.read("xl/" + rels[sh.get(RNS)]))
        rows = []
        for row in xml.iter("{%s}row" % NS["m"]):
            cells = []
            for c in row.findall("m:c", NS):
                i = col_index(c.get("r"))
                v = c.find("m:v", NS)
                t = c.find("m:is/m:t", NS)
                text = (shared[int(v.text)] if c.get("t") == "s" else
                        t.text if t is not None else
                        v.text if v is not None else "")
                cells += [""] * (i - len(cells))
                cells.append(text or "")
            rows.append(cells)
        out[sh.get("name")] = rows
    return out


def test_template_header_example_and_code_tables(api, world):
    a = api("ys_reg1")
    r = a.get("/imports/template.xlsx")
    assert r.status_code == 200, r.text
    assert "spreadsheetml" in r.headers["content-type"]
    book = read_xlsx(r.content)
    names = list(book)
    assert names[0] == "学生基本信息"
    head, example = book[names[0]][0], book[names[0]][1]
    # the header is the export's (= the importer's columns), in order
    exp = a.get("/students/export", params={"format": "csv",
                                            "per_page": 1})
    assert exp.status_code == 200, exp.text
    assert head == exp.content.decode("utf-8-sig").splitlines()[0].split(",")
    row = dict(zip(head, example + [""] * (len(head) - len(example))))
    school = a.get(f"/schools/{a.get('/session').json()['user']['school_id']}"
                   ).json()
    school = school.get("school", school)
    assert row["学校标识码"] == school["code"]
    assert row["学籍号"] == ""
    assert re.fullmatch(r"\d{17}[\dX]", row["身份证件号"])
    # code tables: 性别, 民族, 年级 with their codes and names
    assert {"性别", "民族", "年级", "是否", "关系"} <= set(names[1:])
    assert ["代码", "名称"] == book["性别"][0]
    assert ["1", "男"] in book["性别"] and ["2", "女"] in book["性别"]
    assert ["01", "汉族"] in book["民族"]
    codes = a.get("/codes").json()["sets"]
    assert len(book["民族"]) - 1 == len(codes["ethnicity"])


def test_template_example_row_imports(api, world):
    a = api("ys_reg1")
    data = a.get("/imports/template.xlsx").content
    r = upload(a, data, name="模板.xlsx")
    assert r.status_code == 202, r.text
    j = wait(a, r.json()["id"])
    assert j["status"] == "done", j
    assert (j["imported"], j["rejected"]) == (1, 0), j
    # the next download's example is a number nobody holds yet
    data2 = a.get("/imports/template.xlsx").content
    j = wait(a, upload(a, data2, name="模板.xlsx").json()["id"])
    assert (j["imported"], j["rejected"]) == (1, 0), j


def test_template_for_bureau_and_refused_to_teacher(api):
    r = api("qy_bureau").get("/imports/template.xlsx")
    assert r.status_code == 200
    book = read_xlsx(r.content)
    assert len(book["学生基本信息"]) == 1       # no school: header only
    r = api("ys_teacher1").get("/imports/template.xlsx")
    assert r.status_code == 403 and err_code(r) == "forbidden"
