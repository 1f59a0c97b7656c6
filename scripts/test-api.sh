#!/bin/sh
# The API suite: node's built-in runner over every tests/api/*.test.mjs, each file
# starting its own server on a free port with a temporary database.
set -eu
cd "$(dirname "$0")/.."
: "${SHEGONG_BIN:=$(pwd)/build/shegong}"
export SHEGONG_BIN
files=$(ls tests/api/*.test.mjs)
# TAP output on a pipe ends with the runner's summary (# tests, # pass, # fail).
node --test --test-concurrency=2 --test-reporter=tap $files
