#!/bin/sh
# run-unit.sh BIN... -- run cmocka test binaries, print their output and
# record "suite passed failed" in $XJ_COUNTS (if set).
suite=${XJ_SUITE:-unit}
pass=0; fail=0
for t in "$@"; do
  out=$("$t" 2>&1); rc=$?
  echo "$out" | grep -E '^\[ *(OK|FAILED|PASSED|ERROR|SKIPPED) *\]|^\[==========\]' | grep -v '^\[ *OK' || true
  p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "$out" | tail -20
    echo "$t: exited $rc"; f=$((f+1))
  fi
  pass=$((pass+p)); fail=$((fail+f))
done
echo "$suite: $pass passed, $fail failed"
[ -n "${XJ_COUNTS:-}" ] && echo "$suite $pass $fail" >> "$XJ_COUNTS"
[ $fail -eq 0 ]
