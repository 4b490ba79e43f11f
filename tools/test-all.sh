#!/bin/sh
# test-all.sh -- everything CI runs (make test): build, unit, HTTP, browser,
# fuzz replay, lint, then the unit and HTTP suites again under ASan+UBSan.
# Ends with one line "N passed, M failed" summed over all suites.
set -u
XJ_COUNTS=$(mktemp); export XJ_COUNTS
start=$(date +%s)
step() {
  name=$1; shift
  echo "=== $name"
  if ! "$@"; then
    # a step that failed without recording counts (e.g. a build) counts as one failure
    grep -q "^$name " "$XJ_COUNTS" || echo "$name 0 1" >> "$XJ_COUNTS"
  fi
}
step build make --no-print-directory build web
step unit make --no-print-directory unit
step lint make --no-print-directory lint
step http make --no-print-directory http-test
step browser make --no-print-directory browser-test
[ -x tools/run-fuzz.sh ] && step fuzz tools/run-fuzz.sh replay
step asan make --no-print-directory asan-test
echo "=== summary ($(( $(date +%s) - start ))s)"
awk '{ printf "  %-10s %5d passed, %d failed\n", $1, $2, $3; p += $2; f += $3 }
     END { printf "%d passed, %d failed\n", p, f; exit (f > 0) }' "$XJ_COUNTS"
rc=$?
rm -f "$XJ_COUNTS"
exit $rc
