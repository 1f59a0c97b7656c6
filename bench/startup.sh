#!/bin/bash
# bench/startup.sh PORT LOG COMMAND...: starts COMMAND (output appended to LOG), prints the
# milliseconds from its start to the first 200 answer of GET /healthz on 127.0.0.1:PORT and
# the CPU milliseconds its threads had used by then (which a busy machine does not
# inflate), then stops it with SIGTERM and waits for it. Prints "fail" when it never
# answered.
# bash for $EPOCHREALTIME and /dev/tcp: the polling forks nothing, so the figure is not the
# cost of starting curl again and again on a busy machine.
set -u
port=$1 log=$2
shift 2
dir=$(mktemp -d /tmp/shegong-startup-XXXXXX)
mkfifo "$dir/idle"
exec 9<>"$dir/idle" # never written: read -t on it is a sleep without a fork
t0=${EPOCHREALTIME/./}
"$@" >>"$log" 2>&1 &
pid=$!
ms=fail
for ((i = 0; i < 10000; i++)); do
  if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
    printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    line=
    IFS= read -r -t 5 line <&3
    exec 3<&- 3>&-
    if [[ $line == "HTTP/1."?" 200"* ]]; then
      t1=${EPOCHREALTIME/./}
      ns=0 # the first field of schedstat: nanoseconds on a CPU
      for f in /proc/"$pid"/task/*/schedstat; do
        read -r run _ <"$f" && ns=$((ns + run))
      done
      ms="$(((t1 - t0) / 1000)) $((ns / 1000000))"
      break
    fi
  fi 2>/dev/null
  kill -0 "$pid" 2>/dev/null || break
  read -r -t 0.002 -u 9 || true
done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
exec 9<&-
rm -rf "$dir"
echo "$ms"
