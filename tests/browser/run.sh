#!/usr/bin/env bash
# Browser test: the built UI (web/dist) against the real server in demo mode,
# driven by Debian's chromium through playwright-core.  No mocks.
#   tests/browser/run.sh [SCRIPT.mjs ...]   (default: every script, in order;
#                            needs build/xueji, web/dist, web/node_modules)
# On PostgreSQL (make browser-test-pg): XUEJI_TEST_DB=pg and XUEJI_TEST_PG
# (the throw-away cluster of tests/pg/cluster.sh) put the demo in a fresh
# database of that cluster instead of a SQLite file; the scripts reach it
# through XJ_E2E_DB (lib.mjs dbExec), a file or a URL.
set -u
cd "$(dirname "$0")/../.." || exit 2
root=$PWD

bin=${XUEJI_BIN:-$root/build/xueji}
# password hashes at argon2id's minimum cost, as in the HTTP suite
# (tests/http/conftest.py; src/user/password.c)
export XJ_PWHASH=${XJ_PWHASH-min}
if [ ! -x "$bin" ]; then
  echo "not ok - $bin missing (run: make build)"; echo "0 passed, 1 failed"; exit 1
fi
if [ ! -f "$root/web/dist/index.html" ]; then
  echo "not ok - web/dist missing (run: cd web && npm ci && npx vite build)"; echo "0 passed, 1 failed"; exit 1
fi
if [ ! -d "$root/web/node_modules/playwright-core" ]; then
  echo "not ok - web/node_modules missing (run: cd web && npm ci)"; echo "0 passed, 1 failed"; exit 1
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xj-browser.XXXXXX")
srv=
cleanup() {
  if [ -n "$srv" ]; then
    kill "$srv" 2>/dev/null
    wait "$srv" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# The database: a file in $tmp, or a fresh database on the test cluster
# (its audit key in $tmp: XUEJI_STATE_DIR).  dbsql Q runs Q on it.
if [ "${XUEJI_TEST_DB:-sqlite}" = pg ]; then
  [ -n "${XUEJI_TEST_PG:-}" ] || { echo "not ok - XUEJI_TEST_DB=pg needs XUEJI_TEST_PG (tests/pg/cluster.sh run)"; echo "0 passed, 1 failed"; exit 1; }
  dbname=xj_browser_$$
  psql -X -q -v ON_ERROR_STOP=1 -d "$XUEJI_TEST_PG" -c "CREATE DATABASE $dbname" >/dev/null ||
    { echo "not ok - could not create database $dbname"; echo "0 passed, 1 failed"; exit 1; }
  db=${XUEJI_TEST_PG%/*}/$dbname
  export XUEJI_STATE_DIR=$tmp
  dbsql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
else
  db=$tmp/x.db
  dbsql() { sqlite3 "$db" "$1"; }
fi

# Wait up to 120 s (a loaded machine makes the demo slowly) for GET /api/v1/session to answer (401 is an answer).
wait_up() {
  python3 - "$port" "$srv" <<'PY'
import os, sys, time, urllib.request, urllib.error
port, pid = sys.argv[1], int(sys.argv[2])
end = time.time() + 120
while time.time() < end:
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/api/v1/session" % port, timeout=2)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except Exception:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    time.sleep(0.1)
sys.exit(1)
PY
}
fail_setup() {
  echo "not ok - $1"
  sed 's/^/# /' "$tmp/server.log" | tail -20
  echo "0 passed, 1 failed"
  exit 1
}

# 1. The demo database (阳山县 441823, demo users), made by a first `demo` run.
"$bin" --db "$db" demo --listen "127.0.0.1:$port" --schools 3 --students 300 --web "$root/web/dist" \
  >"$tmp/server.log" 2>&1 &
srv=$!
wait_up || fail_setup "server did not answer GET /api/v1/session within 120 s"
kill "$srv"; wait "$srv" 2>/dev/null; srv=

# 2. A second county of the same city (441881 英德市) for the cross-county
#    transfer test, with its registrar and county bureau (demo password).
{
  "$bin" --db "$db" gen --county 441881 --schools 2 --students 50 --seed 7 &&
  code=$(dbsql "select code from schools where county_code = '441881' order by stage = 'junior' desc, code limit 1") &&
  [ -n "$code" ] &&
  XUEJI_PASSWORD=xueji-demo-2026 "$bin" --db "$db" user add yd_reg1 --role registrar --school "$code" --name 英德学籍员 &&
  XUEJI_PASSWORD=xueji-demo-2026 "$bin" --db "$db" user add yd_bureau --role bureau --region 441881 --name 英德市教育局
} >>"$tmp/server.log" 2>&1 || fail_setup "could not add county 441881 and its users"

# 3. Serve it: `serve_at EPOCH` (re)starts the server on the same database
#    with its clock at EPOCH (XJ_FAKE_NOW; empty = the real clock).
serve_at() {
  if [ -n "$srv" ]; then
    kill "$srv"; wait "$srv" 2>/dev/null; srv=
  fi
  XJ_FAKE_NOW=$1 "$bin" --db "$db" serve --listen "127.0.0.1:$port" --web "$root/web/dist" >>"$tmp/server.log" 2>&1 &
  srv=$!
  wait_up
}
serve_at "" || fail_setup "server (serve) did not answer GET /api/v1/session within 120 s"

# The year of the next July after the demo's school year began (the demo
# is made in the school year of today, September to August), and that
# year's 10 July (year-end window) and 1 September (intake), 10:00 Beijing.
read -r e2e_year july sept < <(python3 -c '
import datetime as d
t = d.date.today()
y = t.year + 1 if t.month >= 9 else t.year
bj = d.timezone(d.timedelta(hours=8))
at = lambda m, dd: int(d.datetime(y, m, dd, 10, tzinfo=bj).timestamp())
print(y, at(7, 10), at(9, 1))')

# Each script prints "ok/not ok" lines and its own "N passed, M failed";
# this prints one total line for all of them.  The year-end and 小升初
# scripts run last, each on its day: they move the demo county a year on.
total_p=0; total_f=0; rc=0
all="e2e.mjs e2e_transfer.mjs e2e_settings.mjs e2e_syssettings.mjs e2e_accounts.mjs e2e_duplicates.mjs e2e_region.mjs e2e_uiforms.mjs e2e_readable.mjs e2e_dropout.mjs e2e_attendance.mjs e2e_verify.mjs e2e_class_sizes.mjs e2e_flows.mjs e2e_dashboard.mjs e2e_yearend.mjs e2e_progress.mjs"
for t in ${*:-$all}; do
  echo "# $t"
  case $t in
    e2e_yearend.mjs) serve_at "$july" || echo "not ok - the server did not restart on 10 July" ;;
    e2e_progress.mjs) serve_at "$sept" || echo "not ok - the server did not restart on 1 September" ;;
  esac
  XJ_E2E_YEAR=$e2e_year XJ_E2E_DB="$db" node "$root/tests/browser/$t" "http://127.0.0.1:$port" >"$tmp/out.txt" 2>&1
  r=$?
  [ $r -ne 0 ] && rc=1
  grep -Ev '^[0-9]+ passed, [0-9]+ failed$' "$tmp/out.txt"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/out.txt" | tail -1)
  if [ -n "$line" ]; then
    set -- $line
    total_p=$((total_p + $1)); total_f=$((total_f + $3))
    [ $r -ne 0 ] && [ "$3" -eq 0 ] && total_f=$((total_f + 1))
  else
    echo "not ok - $t ended without a summary (exit $r)"
    total_f=$((total_f + 1)); rc=1
  fi
done
if [ $rc -ne 0 ]; then
  echo "# server log (tail):"
  tail -20 "$tmp/server.log" | sed 's/^/# /'
fi
echo "$total_p passed, $total_f failed"
exit $rc
