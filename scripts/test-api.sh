#!/bin/sh
# The API suite: node's built-in runner over every tests/api/*.test.mjs, each file
# starting its own server on a free port with a temporary database; then the check that
# every registered route was exercised.
set -eu
cd "$(dirname "$0")/.."
: "${SHEGONG_BIN:=$(pwd)/build/shegong}"
SHEGONG_ROUTE_LOG=$(mktemp)
export SHEGONG_BIN SHEGONG_ROUTE_LOG
trap 'rm -f "$SHEGONG_ROUTE_LOG"' EXIT
files=$(ls tests/api/*.test.mjs)
# TAP output on a pipe ends with the runner's summary (# tests, # pass, # fail).
node --test --test-concurrency=2 --test-reporter=tap $files
node tests/api/lib/coverage.mjs
