"""/imports: multipart upload of a student file, background job, status and
progress, error report, cancel, scope, the upload limit."""
import csv
import io
import socket
import time
import zipfile

import pytest

from conftest import (check_char, err_code, make_id, primary_body, sql, student_body,
                      unique_phone)

FIELDS_CACHE = {}
IMPORT_REGION = "450103"


def zh_of(a):
    if not FIELDS_CACHE:
        r = a.get("/fields")
        assert r.status_code == 200, r.text
        for f in r.json()["items"]:
            FIELDS_CACHE[f["key"]] = f["zh"]
    return FIELDS_CACHE


STAGES = {}


def body_for(world, school, id_no=True):
    """A valid record for @school's stage (asked once per school: on
    PostgreSQL each query is a psql process, and big_csv asks 3,000
    times); @id_no False leaves the ID number to the caller (big_csv: its
    3,000 would use up make_id's numbers of a birth date)."""
    key = (str(world.db), school)
    if key not in STAGES:
        STAGES[key] = sql(world.db, "select stage from schools where id = %d"
                          % world.school[school])[0]
    stage = STAGES[key]
    if stage in ("primary", "nine_year", "twelve_year"):
        b = primary_body(g1_phone=unique_phone())
    else:
        b = student_body(g1_phone=unique_phone())
    # IDs of 广西 (45...) sort after the generated data's (4418...), so
    # other suites' "first student" stays a generated one
    if id_no:
        b["id_no"] = make_id(b["birth_date"], b["gender"],
                             region=IMPORT_REGION)
    return b


def make_csv(a, rows, school_code=None, extra=None):
    """CSV text with Chinese headers for @rows (dicts of field keys)."""
    zh = zh_of(a)
    keys = []
    for r in rows:
        for k in r:
            if k not in keys:
                keys.append(k)
    header = ([] if school_code is None else ["学校标识码"]) + \
        [zh[k] for k in keys] + list(extra or [])
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(([] if school_code is None else [school_code]) +
                   [r.get(k, "") for k in keys] + ["x"] * len(extra or []))
    return out.getvalue()


def upload(a, data, name="students.csv", **form):
    files = {"file": (name, data, "text/csv")}
    return a.post("/imports", files=files,
                  data={k: str(v).lower() for k, v in form.items()})


def wait(a, iid, timeout=60):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        r = a.get(f"/imports/{iid}")
        assert r.status_code == 200, r.text
        j = r.json()
        if j["status"] in ("done", "failed", "cancelled"):
            return j
        time.sleep(0.1)
    raise AssertionError("import %s did not finish" % iid)


def count_students(world, school):
    return int(sql(world.db, "select count(*) from students where school_id"
                   " = %d" % world.school[school])[0])


def test_upload_csv_imports_and_reimport_is_harmless(api, world):
    a = api("ys_reg1")
    rows = [body_for(world, "ys1") for _ in range(3)]
    data = make_csv(a, rows, extra=["备注"])
    before = count_students(world, "ys1")
    r = upload(a, data.encode("utf-8"))
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "queued"
    j = wait(a, r.json()["id"])
    assert j["status"] == "done", j
    assert (j["imported"], j["rejected"], j["already"]) == (3, 0, 0)
    assert j["rows_done"] == 3 and len(j["sha256"]) == 64
    assert j["progress"]["rows_done"] == 3
    assert count_students(world, "ys1") == before + 3
    # every imported student has an "import" event
    ids = ",".join("'%s'" % x["id_no"] for x in rows)
    assert sql(world.db, "select count(*) from student_events e join"
               " students s on s.id = e.student_id where e.kind = 'import'"
               " and s.id_no in (%s)" % ids) == ["3"]
    # again: already registered, nothing duplicated
    r = upload(a, data.encode("utf-8"))
    j = wait(a, r.json()["id"])
    assert j["status"] == "done"
    assert (j["imported"], j["rejected"], j["already"]) == (0, 0, 3)
    assert count_students(world, "ys1") == before + 3
    # the listing
    r = a.get("/imports")
    assert r.status_code == 200
    assert r.json()["items"][0]["id"] == j["id"]


def test_gb18030_csv(api, world):
    a = api("ys_reg1")
    rows = [body_for(world, "ys1") for _ in range(2)]
    data = make_csv(a, rows).encode("gb18030")
    r = upload(a, data, name="学生.csv")
    assert r.status_code == 202, r.text
    j = wait(a, r.json()["id"])
    assert j["status"] == "done", j
    assert j["imported"] == 2 and j["file_name"] == "学生.csv"


def test_errors_all_or_nothing_and_report(api, world):
    a = api("ys_reg1")
    good = body_for(world, "ys1")
    bad = body_for(world, "ys1")
    bad["id_no"] = bad["id_no"][:17] + ("0" if bad["id_no"][17] != "0"
                                        else "1")
    before = count_students(world, "ys1")
    r = upload(a, make_csv(a, [good, bad]).encode())
    j = wait(a, r.json()["id"])
    assert j["status"] == "failed"
    assert (j["imported"], j["rejected"]) == (0, 1)
    assert count_students(world, "ys1") == before
    e = j["errors"][0]
    assert e["row"] == 3 and e["code"] == "id_check_digit"
    assert e["column"] == "身份证件号" and e["value"] == bad["id_no"]
    assert j["has_report"]
    r = a.get(f"/imports/{j['id']}/report")
    assert r.status_code == 200
    assert "spreadsheetml" in r.headers["content-type"]
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert any(n.startswith("xl/worksheets/") for n in z.namelist())
    # valid_only writes the good row
    r = upload(a, make_csv(a, [good, bad]).encode(), valid_only=True)
    j = wait(a, r.json()["id"])
    assert j["status"] == "done"
    assert (j["imported"], j["rejected"]) == (1, 1)
    assert count_students(world, "ys1") == before + 1


def test_rule_error_names_the_value(api, world):
    """An error of a rule across fields (age for grade) names its column
    and the value the file gave there, not an empty one."""
    a = api("ys_reg1")
    young = body_for(world, "ys1")
    young["birth_date"] = "2020-03-01"
    young["id_no"] = make_id("2020-03-01", young["gender"],
                             region=IMPORT_REGION)
    r = upload(a, make_csv(a, [young]).encode(), dry_run=True)
    j = wait(a, r.json()["id"])
    e = [x for x in j["errors"] if x["column"] == "年级"]
    assert e and e[0]["row"] == 2, j["errors"]
    assert e[0]["value"] == young["grade"], e


def test_dry_run_writes_nothing(api, world):
    a = api("ys_reg1")
    rows = [body_for(world, "ys1") for _ in range(2)]
    before = count_students(world, "ys1")
    r = upload(a, make_csv(a, rows).encode(), dry_run=True)
    j = wait(a, r.json()["id"])
    assert j["status"] == "done" and j["imported"] == 2
    assert count_students(world, "ys1") == before


def test_registrar_row_for_other_school_is_error(api, world):
    a = api("ys_reg1")
    rows = [body_for(world, "ys2")]
    r = upload(a, make_csv(a, rows, school_code=world.code["ys2"]).encode())
    j = wait(a, r.json()["id"])
    assert j["status"] == "failed" and j["rejected"] == 1
    assert j["errors"][0]["code"] == "out_of_scope"
    assert j["errors"][0]["column"] == "学校标识码"


def test_bureau_imports_into_region_only(api, world):
    a = api("ys_bureau")
    ok = body_for(world, "ys2")
    other = body_for(world, "yd1")
    data = make_csv(a, [ok], school_code=world.code["ys2"])
    r = upload(a, data.encode())
    j = wait(a, r.json()["id"])
    assert j["status"] == "done" and j["imported"] == 1, j
    data = make_csv(a, [other], school_code=world.code["yd1"])
    j = wait(a, upload(a, data.encode()).json()["id"])
    assert j["rejected"] == 1 and j["errors"][0]["code"] == "out_of_scope"
    # somebody else's import is invisible
    b = api("yd_bureau")
    assert b.get(f"/imports/{j['id']}").status_code == 404
    assert b.get(f"/imports/{j['id']}/report").status_code == 404
    assert b.post(f"/imports/{j['id']}/cancel").status_code == 404
    # the administrator sees it
    assert api("admin").get(f"/imports/{j['id']}").status_code == 200


def test_missing_column_is_file_error(api, world):
    a = api("ys_reg1")
    row = body_for(world, "ys1")
    del row["ethnicity"]
    j = wait(a, upload(a, make_csv(a, [row]).encode()).json()["id"])
    assert j["status"] == "failed"
    assert j["errors"][0]["row"] == 0
    assert j["errors"][0]["code"] == "import_missing_column"
    assert "民族" in j["errors"][0]["message"]


def test_teacher_cannot_import_and_form_checks(api, world):
    t = api("ys_teacher1")
    # (an upload is refused before its body is read; the client may then
    # see the connection close mid-send, so check the role on a GET)
    assert t.get("/imports").status_code == 403
    a = api("ys_reg1")
    r = a.post("/imports", data={"valid_only": "true"},
               files={"other": ("a.csv", b"x", "text/csv")})
    assert r.status_code == 400
    r = upload(a, b"a,b\r\n1,2\r\n", bogus="1")
    assert r.status_code == 400 and err_code(r) == "unknown_field"
    r = upload(a, b"a,b\r\n1,2\r\n", valid_only="maybe")
    assert r.status_code == 400 and err_code(r) == "bad_type"
    assert a.get("/imports/999999").status_code == 404
    assert a.get("/imports/999999/report").status_code == 404


def test_upload_over_limit_refused_before_reading(world):
    """413 from Content-Length alone: the server answers without reading."""
    s = socket.create_connection(("127.0.0.1", world.server.port), timeout=10)
    s.sendall(b"POST /api/v1/imports HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: multipart/form-data; boundary=b\r\n"
              b"Content-Length: %d\r\n\r\n" % (600 * 1024 * 1024))
    data = s.recv(4096)
    s.close()
    assert data.startswith(b"HTTP/1.1 413"), data[:200]


def big_csv(a, world, n):
    rows = []
    for i in range(n):
        b = body_for(world, "ys1", id_no=False)
        b["g1_phone"] = "199%08d" % (50000000 + i)
        region = ("450102", "450104", "450105", "450107", "450108",
                  "450109", "450110", "450123")[i // 500]
        seq = (i % 500) * 2 + (1 if b["gender"] == 1 else 0)
        body17 = region + b["birth_date"].replace("-", "") + "%03d" % seq
        b["id_no"] = body17 + check_char(body17)
        rows.append(b)
    return make_csv(a, rows, school_code=world.code["ys1"]).encode()


def test_cancel(api, world):
    a = api("admin")
    data = big_csv(a, world, 3000)
    before = count_students(world, "ys1")
    # a long one first so the second is still queued when cancelled
    r1 = upload(a, data)
    assert r1.status_code == 202
    # queuing the second job writes its row: while the first import holds
    # the writer lock that answers 503 db_busy with Retry-After after at
    # most ~1 s (docs/api.md); the client retries
    for _ in range(60):
        r2 = upload(a, data)
        if r2.status_code != 503:
            break
        assert r2.json()["error"]["code"] == "db_busy"
        assert r2.headers.get("Retry-After")
        time.sleep(0.2)
    assert r2.status_code == 202
    c2 = a.post(f"/imports/{r2.json()['id']}/cancel")
    assert c2.status_code == 200
    assert c2.json()["status"] in ("cancelled", "cancelling")
    c1 = a.post(f"/imports/{r1.json()['id']}/cancel")
    assert c1.status_code == 200
    j1 = wait(a, r1.json()["id"])
    j2 = wait(a, r2.json()["id"])
    assert j2["status"] == "cancelled"
    assert j1["status"] in ("cancelled", "done")
    if j1["status"] == "cancelled":
        assert count_students(world, "ys1") == before
    else:   # it finished before the cancel arrived
        assert count_students(world, "ys1") == before + 3000
