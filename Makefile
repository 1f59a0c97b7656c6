# The two commands: `make run` and `make test`. Everything else is a step they use.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=RelWithDebInfo
ifeq ($(CI),true)
CMAKE_FLAGS += -DSHEGONG_WERROR=ON
endif

.PHONY: all deps build run test test-unit test-api test-asan test-pg-unit test-api-pg check-src fmt fmt-check clean

all: build

deps:
	@./scripts/deps.sh

$(BUILD)/Makefile: CMakeLists.txt
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: deps $(BUILD)/Makefile
	@cmake --build $(BUILD) -j $(JOBS) >$(BUILD)/build.log 2>&1 || { cat $(BUILD)/build.log; exit 1; }
	@grep -E 'warning|error' $(BUILD)/build.log || true

run: build
	@./scripts/run.sh $(BUILD)/shegong

test: build check-src fmt-check test-unit test-api test-pg-unit test-api-pg

test-unit:
	@cd $(BUILD) && ctest --output-on-failure

test-api:
	@SHEGONG_BIN=$(abspath $(BUILD)/shegong-test) ./scripts/test-api.sh

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer included).
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSHEGONG_SANITIZE=ON \
	  $(if $(filter true,$(CI)),-DSHEGONG_WERROR=ON) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) >$(ASAN_BUILD)/build.log 2>&1 || { cat $(ASAN_BUILD)/build.log; exit 1; }
	@cd $(ASAN_BUILD) && ctest --output-on-failure
	@SHEGONG_BIN=$(abspath $(ASAN_BUILD)/shegong-test) SHEGONG_SANITIZED=1 ./scripts/test-api.sh

# The database unit tests again over PostgreSQL: a throwaway cluster (scripts/pg-test.sh) in
# a fresh directory under /tmp, removed afterwards, also when a test fails or make is stopped.
PG_UNIT_TESTS = test_db
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

check-src:
	@./scripts/check-src.sh

fmt:
	@clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/unit/*.h')

fmt-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/unit/*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
