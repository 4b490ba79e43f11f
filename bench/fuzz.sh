#!/bin/sh
# bench/fuzz.sh [SECONDS] -- the libFuzzer targets (CSV, XLSX, encoding
# detection, ID/field validators, the student JSON body) for longer than
# make test's brief replay: SECONDS each (default 300).  New inputs are kept
# in build-fuzz/corpus/<target>/; copy the interesting ones and any crash-*
# reproducers into tests/fuzz/corpus/<target>/ so make test replays them.
set -e
cd "$(dirname "$0")/.."
exec tools/run-fuzz.sh run "${1:-300}"
