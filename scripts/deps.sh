#!/bin/sh
# make deps: install what the build and the tests need on Debian 12. Idempotent;
# touches the network only when something is missing.
set -eu
export DEBIAN_FRONTEND=noninteractive

APT_PKGS="build-essential pkg-config cmake clang-format clang libclang-rt-14-dev \
  libsqlite3-dev sqlite3 libpq-dev postgresql-15 libmicrohttpd-dev libjansson-dev \
  libsodium-dev libssl-dev libqrencode-dev zbar-tools libcmocka-dev libxlsxwriter-dev libzip-dev libexpat1-dev \
  chromium fonts-noto-cjk libhpdf-dev poppler-utils poppler-data"
# `deps.sh --bench` (make bench) adds the load generator; the build and the tests do not need it.
if [ "${1:-}" = "--bench" ]; then
  APT_PKGS="$APT_PKGS wrk"
fi

missing=""
for p in $APT_PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  echo "deps: installing$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if ! command -v node >/dev/null 2>&1; then
  echo "deps: node >= 20 is required for the API tests (found none)" >&2
  exit 1
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || {
  echo "deps: node >= 20 is required (found $(node --version))" >&2
  exit 1
}
# npm packages: reference data read by `shegong import`, validators used by the tests, and
# playwright-core, which drives Debian's chromium in the browser tests.
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "deps: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
# The console's build tools (web/): the same stamp, the lock newer than the installed tree.
if [ -f web/package-lock.json ] && { [ ! -f web/node_modules/.package-lock.json ] ||
  [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; }; then
  echo "deps: installing the console's npm packages (web/)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "deps: all present"
