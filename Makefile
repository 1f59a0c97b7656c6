# The two commands: `make run` and `make test`. Everything else is a step they use.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=RelWithDebInfo
ifeq ($(CI),true)
CMAKE_FLAGS += -DSHEGONG_WERROR=ON
endif

.PHONY: all deps build web run test test-unit test-api test-browser test-asan test-pg-unit test-api-pg check-src fmt fmt-check clean test-crash fuzz bench test-alloc

all: build

deps:
	@./scripts/deps.sh

$(BUILD)/Makefile: CMakeLists.txt
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: deps $(BUILD)/Makefile web
	@cmake --build $(BUILD) -j $(JOBS) >$(BUILD)/build.log 2>&1 || { cat $(BUILD)/build.log; exit 1; }
	@grep -E 'warning|error' $(BUILD)/build.log || true

# The console (web/dist), rebuilt only when its sources, its packages or the script changed.
WEB_SRC = $(shell find web/src web/public -type f 2>/dev/null) \
  $(wildcard web/index.html web/vite.config.js web/package.json web/package-lock.json) \
  $(wildcard web/node_modules/.package-lock.json) scripts/web-build.sh
web: $(if $(wildcard web/package.json),web/dist/index.html)
web/dist/index.html: $(WEB_SRC)
	@./scripts/web-build.sh

run: build
	@./scripts/run.sh $(BUILD)/shegong

test: build check-src fmt-check test-unit test-api test-browser test-pg-unit test-api-pg

test-unit:
	@cd $(BUILD) && ctest --output-on-failure

test-api:
	@SHEGONG_BIN=$(abspath $(BUILD)/shegong-test) ./scripts/test-api.sh

# The console in headless Chromium (playwright-core), against the built web/dist.
test-browser: build
	@SHEGONG_BIN=$(abspath $(BUILD)/shegong-test) node --test --test-concurrency=1 --test-reporter=tap \
	  $(sort $(wildcard tests/browser/*.test.mjs))

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer included).
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSHEGONG_SANITIZE=ON \
	  $(if $(filter true,$(CI)),-DSHEGONG_WERROR=ON) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) >$(ASAN_BUILD)/build.log 2>&1 || { cat $(ASAN_BUILD)/build.log; exit 1; }
	@cd $(ASAN_BUILD) && ctest --output-on-failure
	@SHEGONG_BIN=$(abspath $(ASAN_BUILD)/shegong-test) SHEGONG_SANITIZED=1 ./scripts/test-api.sh

# Allocation failure (tests/alloc, docs/reliability.md): a Debug + ASan/UBSan/LSan build in
# which a request can fail its N-th allocation; every allocation of a set of requests is
# failed in turn. ALLOC_STRIDE=k tries every k-th N past the first 32 (shorter runs).
ALLOC_BUILD ?= build-alloc
test-alloc: deps
	@cmake -S . -B $(ALLOC_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSHEGONG_SANITIZE=ON -DSHEGONG_FAILALLOC=ON \
	  $(if $(filter true,$(CI)),-DSHEGONG_WERROR=ON) >/dev/null
	@cmake --build $(ALLOC_BUILD) -j $(JOBS) --target shegong-test >$(ALLOC_BUILD)/build.log 2>&1 \
	  || { cat $(ALLOC_BUILD)/build.log; exit 1; }
	@for gc in on off; do \
	  echo "# allocation failure with group commit $$gc"; \
	  ALLOC_GROUP_COMMIT=$$gc SHEGONG_BIN=$(abspath $(ALLOC_BUILD)/shegong-test) SHEGONG_SANITIZED=1 \
	    UBSAN_OPTIONS=print_stacktrace=1 node --test --test-reporter=tap tests/alloc/*.test.mjs || exit 1; \
	done

# The database unit tests again over PostgreSQL: a throwaway cluster (scripts/pg-test.sh) in
# a fresh directory under /tmp, removed afterwards, also when a test fails or make is stopped.
PG_UNIT_TESTS = test_db test_dup
test-pg-unit: build
	@dir=$$(mktemp -u /tmp/shegong-pg.XXXXXX); \
	trap './scripts/pg-test.sh stop "$$dir"' EXIT INT TERM; \
	url=$$(./scripts/pg-test.sh start "$$dir") || exit 1; \
	rc=0; for t in $(PG_UNIT_TESTS); do \
	  SHEGONG_TEST_PG_URL="$$url" $(BUILD)/$$t || rc=1; \
	done; exit $$rc

# The whole API suite again on PostgreSQL: each test server gets its own database in one
# throwaway cluster (tests/api/lib/server.mjs), removed afterwards.
test-api-pg: build
	@dir=$$(mktemp -u /tmp/shegong-pg.XXXXXX); \
	trap './scripts/pg-test.sh stop "$$dir"' EXIT INT TERM; \
	url=$$(./scripts/pg-test.sh start "$$dir") || exit 1; \
	SHEGONG_TEST_PG_URL="$$url" SHEGONG_BIN=$(abspath $(BUILD)/shegong-test) ./scripts/test-api.sh

# libFuzzer (clang, ASan + UBSan) on every target in fuzz/ for FUZZ_SECONDS each; the
# committed seeds in fuzz/corpus/<target> are read, new inputs go to
# $(FUZZ_BUILD)/corpus/<target>, and crashes to fuzz/crashes/<target>-crash-<sha1>: add each
# (fixed) one to fuzz/corpus/<target> as a regression case. `make test` replays the corpora.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= fuzz_json fuzz_router fuzz_validate fuzz_search fuzz_csv fuzz_xlsx fuzz_values fuzz_query fuzz_minhash
fuzz: deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSHEGONG_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZ_TARGETS) >$(FUZZ_BUILD)/build.log 2>&1 \
	  || { cat $(FUZZ_BUILD)/build.log; exit 1; }
	@mkdir -p fuzz/crashes; rc=0; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=fuzz/crashes/$$t- \
	    $(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$$t >$(FUZZ_BUILD)/$$t.log 2>&1 \
	    || { rc=1; echo "fuzz: $$t FAILED (see $(FUZZ_BUILD)/$$t.log)"; tail -40 $(FUZZ_BUILD)/$$t.log; }; \
	  grep -E '^stat::number_of_executed_units|^Done' $(FUZZ_BUILD)/$$t.log || true; \
	done; exit $$rc

# Crash safety at length: tests/api/crash.test.mjs kills the server under write load
# CRASH_LOOPS times (100 here; `make test` runs its default of 3).
test-crash: build
	@CRASH_LOOPS=$(or $(CRASH_LOOPS),100) SHEGONG_BIN=$(abspath $(BUILD)/shegong-test) \
	  node --test --test-reporter=tap tests/api/crash.test.mjs

# Load profiles (bench/*.lua, docs/performance.md): shegong beside the bare libmicrohttpd +
# SQLite baseline on BENCH_ROWS rows (default 1000000), written to bench/results/. Builds in
# build-bench; `deps.sh --bench` adds wrk, which nothing else needs.
bench:
	@./scripts/deps.sh --bench
	@BENCH_BUILD=build-bench ./bench/run.sh

check-src:
	@./scripts/check-src.sh

fmt:
	@clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/unit/*.h' 'fuzz/*.c' 'fuzz/*.h')

fmt-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/unit/*.h' 'fuzz/*.c' 'fuzz/*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(ALLOC_BUILD)
