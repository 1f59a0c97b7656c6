# The two commands: `make run` and `make test`. Everything else is a step they use.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=RelWithDebInfo
ifeq ($(CI),true)
CMAKE_FLAGS += -DSHEGONG_WERROR=ON
endif

.PHONY: all deps build run test test-unit test-api test-asan check-src fmt fmt-check clean

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

test: build check-src fmt-check test-unit test-api

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

check-src:
	@./scripts/check-src.sh

fmt:
	@clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/unit/*.h')

fmt-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/unit/*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
