#!/bin/sh
# A throwaway PostgreSQL cluster for the tests, never the system service.
#   pg-test.sh start DIR   creates DIR, a cluster in it on a free 127.0.0.1 port with trust
#                          authentication, and a database "shegong"; prints its URL
#   pg-test.sh stop DIR    stops that cluster and removes DIR
# Run as root, the cluster belongs to the postgres user (initdb refuses root). The locale
# is C.UTF-8: with plain C, pg_trgm finds no trigrams in Chinese text (platform notes §3).
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  # ask the kernel for a free port: bind to port 0 and read back what it chose
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + $$ % 20000))
}

case "$cmd" in
start)
  if [ ! -x "$PGBIN/initdb" ]; then
    echo "pg-test: no PostgreSQL 15 in $PGBIN (make deps installs postgresql-15)" >&2
    exit 1
  fi
  if [ -e "$dir" ]; then
    echo "pg-test: $dir exists; stop the old cluster first" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  if ! as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1; then
    echo "pg-test: initdb failed (every directory above $dir must be traversable by postgres):" >&2
    cat "$dir/initdb.log" >&2
    exit 1
  fi
  # trust only on TCP to 127.0.0.1 and on the socket inside DIR
  printf '%s\n' "local all all trust" "host all all 127.0.0.1/32 trust" >"$dir/data/pg_hba.conf"
  tries=0
  while :; do
    port=$(free_port)
    if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" \
      start >/dev/null 2>&1; then
      break
    fi
    tries=$((tries + 1))
    if [ "$tries" -ge 3 ]; then
      echo "pg-test: the cluster did not start:" >&2
      tail -n 20 "$dir/server.log" >&2
      exit 1
    fi
  done
  echo "$port" >"$dir/port"
  as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres shegong
  echo "postgres://postgres@127.0.0.1:$port/shegong"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
