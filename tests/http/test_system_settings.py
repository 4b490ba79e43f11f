"""System settings that had no page (issue 9 follow-up): GET/PATCH
/system-settings, typed and bounded on the server, audited, admin only,
and read by the code they govern."""
import pytest

from conftest import err_code, sql

KEYS = {"session_idle_minutes": 30, "login_address_failures": 100,
        "bureau_manages_users": 0, "import_queue_max_jobs": 20,
        "import_queue_max_bytes": 4 << 30,
        "import_queue_max_jobs_per_user": 5,
        "import_queue_max_bytes_per_user": 1 << 30,
        "import_retention_days": 30, "dup_guardian_max": 8,
        "attend_suspect_days": 5, "attend_dropout_days": 20,
        "attend_term_suspect_days": 15, "attend_term_dropout_days": 45,
        "dropout_sweep_hour": 2}


def settings(a):
    r = a.get("/system-settings")
    assert r.status_code == 200, r.text
    return {s["key"]: s for s in r.json()["settings"]}


def test_listed_with_defaults_and_bounds(api):
    s = settings(api("admin"))
    assert set(s) == set(KEYS)
    for k, d in KEYS.items():
        assert s[k]["default"] == d, k
        assert s[k]["min"] <= s[k]["value"] <= s[k]["max"], s[k]
    assert s["bureau_manages_users"]["type"] == "bool"
    assert s["session_idle_minutes"]["type"] == "int"
    assert (s["dropout_sweep_hour"]["min"], s["dropout_sweep_hour"]["max"]) \
        == (-1, 23)


@pytest.mark.parametrize("who", ["ys_bureau", "ys_reg1", "ys_teacher1"])
def test_admin_only(api, who):
    assert api(who).get("/system-settings").status_code == 403
    assert api(who).patch("/system-settings", json={
        "dup_guardian_max": 9}).status_code == 403


@pytest.mark.parametrize("body,code,field", [
    ({"session_idle_minutes": 4}, "range", "session_idle_minutes"),
    ({"session_idle_minutes": 721}, "range", "session_idle_minutes"),
    ({"import_queue_max_jobs": 0}, "range", "import_queue_max_jobs"),
    ({"dup_guardian_max": "8"}, "bad_type", "dup_guardian_max"),
    ({"import_retention_days": 1.5}, "bad_type", "import_retention_days"),
    ({"bureau_manages_users": 2}, "range", "bureau_manages_users"),
    ({"no_such_setting": 1}, "unknown_field", "no_such_setting"),
])
def test_refused_naming_the_field(api, world, body, code, field):
    a = api("admin")
    before = settings(a)
    n = sql(world.db, "select count(*) from audit_log")[0]
    r = a.patch("/system-settings", json=body)
    assert r.status_code in (400, 422), r.text
    assert err_code(r) == code and r.json()["error"]["field"] == field
    assert settings(a) == before
    assert sql(world.db, "select count(*) from audit_log")[0] == n


def test_change_is_audited_all_or_nothing_and_takes_effect(api, world):
    a = api("admin")
    # one bad key refuses the whole change
    r = a.patch("/system-settings", json={"dup_guardian_max": 9,
                                          "import_queue_max_jobs": -1})
    assert r.status_code == 422
    assert settings(a)["dup_guardian_max"]["value"] == 8
    try:
        r = a.patch("/system-settings", json={"bureau_manages_users": True,
                                              "dup_guardian_max": 9})
        assert r.status_code == 200, r.text
        got = {s["key"]: s["value"] for s in r.json()["settings"]}
        assert got["bureau_manages_users"] == 1 and got["dup_guardian_max"] == 9
        e = a.get("/audit", params={"action": "settings.update",
                                    "per_page": 1}).json()["items"][0]
        assert e["entity"] == "system" and e["user"] == "admin"
        assert e["before"] == {"bureau_manages_users": 0,
                               "dup_guardian_max": 8}
        assert e["after"] == {"bureau_manages_users": 1,
                              "dup_guardian_max": 9}
        # what the setting governs follows: a county bureau user now
        # lists the users of its region
        assert api("ys_bureau").get("/users").status_code == 200
    finally:
        a.patch("/system-settings", json={"bureau_manages_users": False,
                                          "dup_guardian_max": 8})
    assert api("ys_bureau").get("/users").status_code == 403


def test_units_and_readable_bounds(api):
    """The page edits sizes in MiB and names units: GET says which
    settings are minutes, days or bytes; a refused size names its bounds
    in MiB/GiB, not in bytes."""
    a = api("admin")
    s = settings(a)
    assert s["session_idle_minutes"]["unit"] == "minutes"
    assert s["import_retention_days"]["unit"] == "days"
    assert s["import_queue_max_bytes"]["unit"] == "bytes"
    assert s["import_queue_max_bytes_per_user"]["unit"] == "bytes"
    assert "unit" not in s["dup_guardian_max"]
    assert "unit" not in s["bureau_manages_users"]
    r = a.patch("/system-settings", json={"import_queue_max_bytes": 1})
    assert r.status_code == 422 and err_code(r) == "range"
    assert r.json()["error"]["message"] == "数值超出允许范围：1 MiB到1024 GiB"
    r = a.patch("/system-settings", json={"session_idle_minutes": 721})
    assert r.json()["error"]["message"] == "数值超出允许范围：5到720"
