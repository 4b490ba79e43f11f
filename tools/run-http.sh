#!/bin/sh
# run-http.sh BIN [TEST...] -- the pytest HTTP suite (or the given test
# files) against the real binary BIN.
# Uses Debian's python3 (/usr/bin/python3) where pytest and httpx live.
suite=${XJ_SUITE:-http}
bin=$(realpath "$1"); shift
[ $# -eq 0 ] && set -- tests/http
log=$(mktemp)
XUEJI_BIN=$bin /usr/bin/python3 -m pytest -q -p no:cacheprovider --durations=12 "$@" 2>&1 | tee "$log"
line=$(grep -E '[0-9]+ (passed|failed|error)' "$log" | tail -1)
p=$(echo "$line" | sed -n 's/^\([0-9][0-9]*\) passed.*/\1/p;s/.*[^0-9]\([0-9][0-9]*\) passed.*/\1/p' | head -1)
f=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) failed.*/\1/p;s/^\([0-9][0-9]*\) failed.*/\1/p' | head -1)
e=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) error.*/\1/p;s/^\([0-9][0-9]*\) error.*/\1/p' | head -1)
p=${p:-0}; f=$(( ${f:-0} + ${e:-0} ))
[ "$p" -eq 0 ] && [ "$f" -eq 0 ] && f=1   # no test ran: that is a failure
rm -f "$log"
echo "$suite: $p passed, $f failed"
[ -n "${XJ_COUNTS:-}" ] && echo "$suite $p $f" >> "$XJ_COUNTS"
[ $f -eq 0 ]
