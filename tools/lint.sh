#!/bin/sh
# lint.sh -- banned functions and layering rules (style.md).
# Records its result like a test suite.
fail=0; pass=0
check() { if [ -n "$2" ]; then echo "lint: $1:"; echo "$2"; fail=$((fail+1)); else pass=$((pass+1)); fi; }
check "banned functions (strcpy sprintf atoi strtok gets)" \
  "$(grep -nE '\b(strcpy|sprintf|vsprintf|atoi|atol|strtok|gets)\s*\(' $(find src -name '*.c' -o -name '*.h') | grep -v '^\S*:\s*/\?\*' )"
check "sqlite3.h/libpq-fe.h outside src/db" \
  "$(grep -lE '#include <(sqlite3|libpq-fe)\.h>' $(find src -name '*.c' -o -name '*.h') | grep -v '^src/db/')"
check "microhttpd.h outside src/http" \
  "$(grep -lE '#include <microhttpd\.h>' $(find src -name '*.c' -o -name '*.h') | grep -v '^src/http/')"
check "domain code including http or cli headers" \
  "$(grep -lE '#include "(\.\./)?(http|cli)/' $(find src -name '*.c' -o -name '*.h') | grep -vE '^src/(http|cli)/')"
check "db/core including domain headers" \
  "$(grep -lE '#include "(\.\./)?(student|school|klass|user|audit|region|gen|http|cli)/' $(find src/core src/db -name '*.c' -o -name '*.h'))"
# SQL lives in *_store.c files and src/db only (style.md "Database").
check "statements (XJ_DB_STMT) outside *_store.c and src/db" \
  "$(grep -lE '^XJ_DB_(REF_)?STMT' $(find src -name '*.c') | grep -vE '^src/db/|_store\.c$')"
check "docs/errors.md is stale (run tools/gen-errors-md.sh > docs/errors.md)" \
  "$(tools/gen-errors-md.sh | diff - docs/errors.md)"
check "routes missing from docs/api.md" \
  "$(grep -oE '"/api/v1[^"]*"' src/http/routes.c | tr -d '"' | sed 's|^/api/v1||' | sort -u | while read -r p; do grep -qF "\`$p" docs/api.md || echo "$p"; done)"
# Every SQLite migration after the PostgreSQL baseline (0017) has a PG
# twin of the same number and name; every auth migration too.
check "SQLite migrations without a PostgreSQL twin in src/db/migrations-pg(-auth)" \
  "$(for f in src/db/migrations/*.sql; do b=${f##*/}; [ "${b%%_*}" -gt 17 ] 2>/dev/null || continue
     [ -f "src/db/migrations-pg/$b" ] || echo "$f"; done
     for f in src/db/migrations-auth/*.sql; do b=${f##*/}
     [ -f "src/db/migrations-auth-pg/$b" ] || echo "$f"; done)"
# Every registered statement prepares on PostgreSQL (docs/db.md
# "Portable SQL"); only where PostgreSQL 15 is installed (tools/deps.sh).
if [ -x /usr/lib/postgresql/15/bin/initdb ] && [ -x build/xueji ]; then
  check "statements that do not prepare on PostgreSQL (tools/pg-check-sql.sh)" \
    "$(tools/pg-check-sql.sh build/xueji 2>&1 | grep -v '^pg-check-sql: [0-9]* statements, [0-9]* prepare, 0 fail$')"
fi
echo "lint: $pass passed, $fail failed"
[ -n "${XJ_COUNTS:-}" ] && echo "lint $pass $fail" >> "$XJ_COUNTS"
[ $fail -eq 0 ]
