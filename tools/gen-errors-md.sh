#!/bin/sh
# gen-errors-md.sh -- docs/errors.md from src/core/err.def (the one error
# registry).  `make lint` fails when the committed copy is stale.
set -eu
echo '# Error codes'
echo
echo 'Generated from `src/core/err.def` by `tools/gen-errors-md.sh`; do not edit.'
echo 'API errors carry the stable code in `error.code`.'
echo
echo '| code | HTTP | 中文 | English |'
echo '|---|---|---|---|'
grep '^XJ_E(' src/core/err.def | sed -E 's/^XJ_E\([A-Z0-9_]+, *([0-9]+), *"([^"]*)", *"([^"]*)", *"([^"]*)"\)$/| `\2` | \1 | \3 | \4 |/'
