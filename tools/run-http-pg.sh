#!/bin/sh
# run-http-pg.sh BIN [all|ported] -- the HTTP suite on PostgreSQL: start a
# throw-away cluster (tests/pg/cluster.sh), run the tests with
# XUEJI_TEST_DB=pg, remove the cluster.  "ported" (make test) runs only
# the files listed in tests/pg/ported.txt; "all" (make http-test-pg) the
# whole suite.  Without the PostgreSQL binaries: one SKIP line, success.
bin=$1; which=${2:-all}
export XJ_SUITE=${XJ_SUITE:-http-pg}
if [ "$which" = ported ]; then
  files=$(grep -v '^#' tests/pg/ported.txt | grep -v '^\s*$')
  [ "$files" = all ] && files=tests/http
  if [ -z "$files" ]; then
    echo "$XJ_SUITE: 0 passed, 0 failed (no file in tests/pg/ported.txt yet)"
    [ -n "${XJ_COUNTS:-}" ] && echo "$XJ_SUITE 0 0" >> "$XJ_COUNTS"
    exit 0
  fi
else
  files=tests/http
fi
tests/pg/cluster.sh run env XUEJI_TEST_DB=pg tools/run-http.sh "$bin" $files
rc=$?
if [ $rc -eq 77 ]; then
  echo "SKIP $XJ_SUITE: PostgreSQL binaries missing (tools/deps.sh installs them)"
  exit 0
fi
exit $rc
