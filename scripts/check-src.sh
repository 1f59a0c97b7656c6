#!/bin/sh
# Refuses C functions for which a safer form exists (see ../shared/STYLE.md "Tooling").
set -eu
cd "$(dirname "$0")/.."
banned='\b(sprintf|vsprintf|strcpy|strcat|atoi|atol|gets|strtok)[[:space:]]*\('
hits=$(grep -rnE "$banned" src tests/unit fuzz --include='*.c' --include='*.h' | grep -vE '^\S+:\s*(/\*|\*)' || true)
if [ -n "$hits" ]; then
  echo "check-src: banned functions (use snprintf, sbuf, parse_int64, strtok_r):"
  echo "$hits"
  exit 1
fi
echo "check-src: ok"
