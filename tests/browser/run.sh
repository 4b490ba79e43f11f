#!/usr/bin/env bash
# Browser test: the built UI (web/dist) against the real server in demo mode,
# driven by Debian's chromium through playwright-core.  No mocks.
#   tests/browser/run.sh        (needs build/xueji, web/dist, web/node_modules)
set -u
cd "$(dirname "$0")/../.." || exit 2
root=$PWD

bin=${XUEJI_BIN:-$root/build/xueji}
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
"$bin" --db "$tmp/x.db" demo --listen "127.0.0.1:$port" --schools 3 --students 300 --web "$root/web/dist" \
  >"$tmp/server.log" 2>&1 &
srv=$!
cleanup() {
  kill "$srv" 2>/dev/null
  wait "$srv" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# Wait up to 30 s for GET /api/v1/session to answer (401 is an answer).
up=
if python3 - "$port" "$srv" <<'PY'
import os, sys, time, urllib.request, urllib.error
port, pid = sys.argv[1], int(sys.argv[2])
end = time.time() + 30
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
then up=1; fi
if [ -z "$up" ]; then
  echo "not ok - server did not answer GET /api/v1/session within 30 s"
  sed 's/^/# /' "$tmp/server.log" | tail -20
  echo "0 passed, 1 failed"
  exit 1
fi

node "$root/tests/browser/e2e.mjs" "http://127.0.0.1:$port"
rc=$?
if [ $rc -ne 0 ]; then
  echo "# server log (tail):"
  tail -20 "$tmp/server.log" | sed 's/^/# /'
fi
exit $rc
