#!/bin/sh
# test-all.sh -- everything CI runs (make test): build, unit, lint, HTTP,
# the PostgreSQL backend's unit test and the HTTP files ported to it
# (tests/pg/ported.txt), browser, fuzz replay, then the unit and HTTP suites again under
# ASan+UBSan.  Ends with one line "N passed, M failed" summed over all
# suites.  A suite records its own counts in $XJ_COUNTS; for one that does
# not, its last "N passed, M failed" line is taken; a step that failed
# without any count (a build) counts as one failure.
set -u
XJ_COUNTS=$(mktemp); export XJ_COUNTS
out=$(mktemp)
start=$(date +%s)
step() {
  name=$1; shift
  echo "=== $name"
  before=$(wc -l < "$XJ_COUNTS")
  t0=$(date +%s)
  "$@" > "$out" 2>&1; rc=$?
  cat "$out"
  echo "=== $name took $(( $(date +%s) - t0 ))s"
  if [ "$(wc -l < "$XJ_COUNTS")" -eq "$before" ]; then
    line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
    if [ -n "$line" ]; then
      p=$(echo "$line" | sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/')
      f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
      [ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
      echo "$name $p $f" >> "$XJ_COUNTS"
    elif [ $rc -ne 0 ]; then
      echo "$name 0 1" >> "$XJ_COUNTS"
    fi
  fi
}
step build make --no-print-directory build web
step unit make --no-print-directory unit
step lint make --no-print-directory lint
step http make --no-print-directory http-test
step unit-pg make --no-print-directory unit-pg
step http-pg tools/run-http-pg.sh build/xueji ported
step browser make --no-print-directory browser-test
step fuzz tools/run-fuzz.sh replay
step asan make --no-print-directory asan-test
echo "=== summary ($(( $(date +%s) - start ))s)"
awk '{ printf "  %-10s %5d passed, %d failed\n", $1, $2, $3; p += $2; f += $3 }
     END { printf "%d passed, %d failed\n", p, f; exit (f > 0) }' "$XJ_COUNTS"
rc=$?
rm -f "$XJ_COUNTS" "$out"
exit $rc
