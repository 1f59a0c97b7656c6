#!/bin/sh
# bench/export.sh: time and peak memory of the server while it exports N specimen rows
# (default 100,000) as XLSX and as CSV. Uses the test build (shegong-test has the
# specimen entity); seeds the rows straight into its SQLite file; talks to 127.0.0.1 only.
#
#   bench/export.sh [ROWS]      BIN=build-ex/shegong-test by default
#
# For each format a fresh server is started, warmed up with a one-row export, and then
# exports everything once while its VmRSS is sampled every 20 ms. (VmHWM is printed too,
# but it is dominated by the login's argon2id hash, 64 MiB.)
set -eu
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
BIN=${BIN:-build-ex/shegong-test}
PORT=${PORT:-18765}
PASSWORD='Export-Speed-2026'
STREET=110105001000
DIR=$(mktemp -d /tmp/shegong-bench-XXXXXX)
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

export SHEGONG_DATA_DIR="$DIR" SHEGONG_DB="sqlite:$DIR/shegong.db" SHEGONG_LOGIN_RATE=0
BASE="http://127.0.0.1:$PORT"

start() {
  "$BIN" serve --test-mode --port "$PORT" >>"$DIR/server.log" 2>&1 &
  PID=$!
  i=0
  until curl -fs "$BASE/healthz" >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -lt 200 ] || { echo "server did not start" >&2; cat "$DIR/server.log" >&2; exit 1; }
    sleep 0.05
  done
}
stop() {
  kill "$PID"
  wait "$PID" || true
  PID=""
}
hwm() { awk '/VmHWM/ {print $2}' "/proc/$PID/status"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
# samples VmRSS every 20 ms into $DIR/rss until the file $DIR/sampling is removed
sample() {
  : >"$DIR/rss"
  while [ -f "$DIR/sampling" ]; do
    rss >>"$DIR/rss"
    sleep 0.02
  done
}

# the database: schema from a first start, then regions, a user and the rows
start
stop
sqlite3 "$DIR/shegong.db" <<SQL
INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at) VALUES
  ('110000000000', NULL, 1, '北京市', '北京市', 0, 0),
  ('110100000000', '110000000000', 2, '市辖区', '北京市', 1, 0),
  ('110105000000', '110100000000', 3, '朝阳区', '北京市/朝阳区', 0, 0),
  ('$STREET', '110105000000', 4, '建外街道', '北京市/朝阳区/建外街道', 0, 0);
INSERT INTO unit (id, name, kind, region_code, created_at, updated_at)
  VALUES (2001, '建外街道办事处', 'township', '$STREET', 0, 0);
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $ROWS)
INSERT INTO specimen (id, version, state, title, code, body, count, amount, active, due_on,
  happened_at, category, level, region_code, unit_id, owner_name, tags, location,
  created_at, updated_at)
SELECT 1000000 + x, 1, 'draft', '样本标题第' || x || '号：小区夜间施工噪音扰民',
  CASE WHEN x <= 10000 THEN 'AB' || printf('%04d', x - 1) END, '反映人称该小区自晚上十点起持续施工，严重影响休息，请求协调处理。',
  x % 1000, x * 7 % 100000, x % 2, '2026-12-01', 1764374400 + x, 'noise', 'high', '$STREET',
  2001, '张三丰', '["夜间","噪音"]', '116.397128,39.916527', 1764374400 + x, 1764374400 + x
FROM n;
SQL
printf '%s\n' "$PASSWORD" | "$BIN" user add exporter --role specimen_clerk --region 110105000000 \
  --password-stdin >"$DIR/user.log" 2>&1 || { cat "$DIR/user.log" >&2; exit 1; }

login() {
  curl -fs -c "$DIR/cookies" -H 'Content-Type: application/json' \
    -d "{\"username\":\"exporter\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" >/dev/null
}

echo "rows: $ROWS (SQLite file $(du -h "$DIR/shegong.db" | cut -f1))"
for fmt in xlsx csv; do
  start
  login
  curl -fs -b "$DIR/cookies" -o /dev/null "$BASE/api/v1/specimen/export?format=$fmt&size=1&code=AB0001"
  base=$(rss)
  touch "$DIR/sampling"
  sample &
  SAMPLER=$!
  t0=$(date +%s.%N)
  curl -fs -b "$DIR/cookies" -o "$DIR/out.$fmt" "$BASE/api/v1/specimen/export?format=$fmt"
  t1=$(date +%s.%N)
  rm -f "$DIR/sampling"
  wait "$SAMPLER"
  peak=$(sort -n "$DIR/rss" | tail -1)
  size=$(stat -c %s "$DIR/out.$fmt")
  echo "$fmt: $(awk "BEGIN {printf \"%.2f\", $t1 - $t0}") s, file $((size / 1024)) KiB," \
    "server RSS ${base} KiB before, peak ${peak} KiB during (VmHWM $(hwm) KiB)"
  stop
done
