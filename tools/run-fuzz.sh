#!/bin/sh
# run-fuzz.sh replay|run [SECONDS] -- libFuzzer targets (tests/fuzz/fuzz_*.c).
#   replay: build, replay the committed corpus and run each target briefly
#           (XJ_FUZZ_SECONDS, default 10) -- part of make test
#   run:    longer runs (default 300 s each), new inputs kept in
#           build-fuzz/corpus/ (copy interesting ones into tests/fuzz/corpus)
mode=${1:-replay}
secs=${2:-${XJ_FUZZ_SECONDS:-10}}
[ "$mode" = run ] && secs=${2:-300}
pass=0; fail=0
make --no-print-directory fuzz-build >/dev/null || { echo "fuzz: build failed"; fail=1; }
for src in tests/fuzz/fuzz_*.c; do
  [ $fail -gt 0 ] && [ $pass -eq 0 ] && break
  name=$(basename "$src" .c); t=${name#fuzz_}
  bin=build-fuzz/$name
  work=build-fuzz/corpus/$t; mkdir -p "$work" tests/fuzz/corpus/$t
  if "$bin" -runs=0 tests/fuzz/corpus/$t >/dev/null 2>&1 \
     && "$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -print_final_stats=1 \
          -artifact_prefix=build-fuzz/ "$work" tests/fuzz/corpus/$t >build-fuzz/$name.log 2>&1; then
    echo "ok - $name ($(grep -o 'stat::number_of_executed_units: [0-9]*' build-fuzz/$name.log | grep -o '[0-9]*$' || echo '?') runs)"
    pass=$((pass+1))
  else
    echo "not ok - $name"; tail -30 build-fuzz/$name.log; fail=$((fail+1))
  fi
done
echo "fuzz: $pass passed, $fail failed"
[ -n "${XJ_COUNTS:-}" ] && echo "fuzz $pass $fail" >> "$XJ_COUNTS"
[ $fail -eq 0 ]
