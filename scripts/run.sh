#!/bin/sh
# make run: the embedded SQLite default with demo data, served on http://127.0.0.1:8080.
set -eu
BIN=${1:-build/shegong}
DATA=${SHEGONG_DATA_DIR:-data}
PORT=${SHEGONG_PORT:-8080}
export SHEGONG_DATA_DIR="$DATA"
if [ -z "${SHEGONG_DB:-}" ] && [ ! -f "$DATA/shegong.db" ]; then
  echo "run: creating a new installation in $DATA/ with demonstration accounts"
  "$BIN" demo
fi
echo
echo "shegong: http://127.0.0.1:$PORT/   (API under /api/v1, health at /healthz)"
if [ -f "$DATA/demo-accounts.txt" ]; then
  echo "log in with a demo account from $DATA/demo-accounts.txt, for example:"
  awk '$1=="chaoyang"{printf "  curl -c cookies -H \"Content-Type: application/json\" -d '"'"'{\"username\":\"%s\",\"password\":\"%s\"}'"'"' http://127.0.0.1:'"$PORT"'/api/v1/auth/login\n", $1, $2}' "$DATA/demo-accounts.txt"
fi
echo "stop with Ctrl-C"
echo
exec "$BIN" serve
