"""The route table (`xueji routes`, from src/http/routes.c) against the docs
and against what this suite exercised.

test_zz_route_coverage is the gate: conftest records (method, path) of
every request any suite client sent (an httpx event hook) and moves this
test to the end of the run; it fails listing each route never hit.
"""
import functools
import re

import conftest
from conftest import cli_ok, parse_routes, pattern_regex, routes_not_hit


@functools.lru_cache(maxsize=1)
def routes():
    """The table, read once per run (the binary does not change)."""
    r = parse_routes(cli_ok("routes").stdout)
    assert r, "xueji routes printed no routes"
    return tuple(r)


def test_route_table_parses_and_is_unique():
    r = routes()
    assert len(r) == len(set(r)), "duplicate route"
    for method, path in r:
        assert path.startswith("/api/v1/"), path
        assert method in ("GET", "POST", "PATCH", "PUT", "DELETE")


def test_pattern_matching_helper():
    rx = pattern_regex("/api/v1/students/{id}/events")
    assert rx.match("/api/v1/students/12/events")
    assert not rx.match("/api/v1/students/12/13/events")
    assert not rx.match("/api/v1/students//events")
    assert not rx.match("/api/v1/students/12/events/x")
    assert routes_not_hit([("GET", "/a/{x}")], {("GET", "/a/1")}) == []
    assert routes_not_hit([("GET", "/a/{x}")], {("POST", "/a/1")}) == \
        ["GET /a/{x}"]


def test_every_route_is_documented():
    """docs/api.md lists every route of the table (method and path)."""
    doc = (conftest.ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    documented = set()
    for m in re.finditer(r"^\|\s*(GET|POST|PATCH|PUT|DELETE)\s*\|\s*`([^`]+)`",
                         doc, re.M):
        documented.add((m.group(1), "/api/v1" + m.group(2).split("?")[0]))
    missing = [f"{m} {p}" for m, p in routes() if (m, p) not in documented]
    assert not missing, "routes missing from docs/api.md: " + ", ".join(
        missing)
    table = set(routes())
    stale = [f"{m} {p}" for m, p in documented if (m, p) not in table]
    assert not stale, "docs/api.md lists routes that do not exist: " + \
        ", ".join(stale)


def test_zz_route_coverage(world):
    """Runs last (see conftest.pytest_collection_modifyitems)."""
    missing = routes_not_hit(routes(), conftest.HITS)
    assert not missing, "routes never exercised by tests/http: " + \
        ", ".join(missing)
