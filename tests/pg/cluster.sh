#!/bin/sh
# cluster.sh -- a throw-away PostgreSQL 15 cluster for the tests.
#
#   tests/pg/cluster.sh start        initdb into a new temp dir, listen on a
#                                    free loopback port (and a unix socket in
#                                    that dir); prints shell assignments:
#                                    XUEJI_TEST_PG=postgresql://xueji@127.0.0.1:PORT/postgres
#                                    XUEJI_TEST_PG_DIR=/tmp/xjpg.XXXXXX
#   tests/pg/cluster.sh stop DIR     stop it (and its standby) and remove DIR
#   tests/pg/cluster.sh standby DIR  a hot standby of DIR's cluster:
#                                    pg_basebackup -R into DIR/standby, started
#                                    on another free loopback port; prints
#                                    XUEJI_TEST_PG_STANDBY=postgresql://...
#   tests/pg/cluster.sh standby-stop DIR | standby-start DIR
#                                    stop the standby (fast) / start it again
#                                    on its port (the replica tests)
#   tests/pg/cluster.sh run CMD...   start, run CMD with both variables
#                                    exported, stop; exits with CMD's status
#
# As root the server runs as the unprivileged system user xjpg (made here
# and by tools/deps.sh when missing): PostgreSQL refuses to run as root.
# Trust authentication on loopback only; fsync off (a test cluster).
# Exits 77 with a SKIP line when the PostgreSQL binaries are missing.
# XUEJI_TEST_PG_OPTS: more server options for `start` (e.g.
# "-c shared_preload_libraries=pg_stat_statements" to profile a benchmark).
set -eu
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u xjpg -- "$@"
  else
    "$@"
  fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
    echo "SKIP: PostgreSQL binaries missing in $PGBIN (run tools/deps.sh)" >&2
    exit 77
  fi
  dir=$(mktemp -d /tmp/xjpg.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then
    id xjpg >/dev/null 2>&1 || useradd --system --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin xjpg
    chown xjpg "$dir"
  fi
  chmod 700 "$dir"
  as_pg "$PGBIN/initdb" -D "$dir/data" -U xueji --auth=trust -E UTF8 --no-sync \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
  port=$(free_port)
  opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off"
  opts="$opts -c synchronous_commit=off -c full_page_writes=off"
  opts="$opts -c max_connections=300 -c shared_buffers=64MB"
  opts="$opts ${XUEJI_TEST_PG_OPTS:-}"
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "$opts" start >/dev/null || {
      cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1; }
  echo "$port" >"$dir/port"
  echo "XUEJI_TEST_PG=postgresql://xueji@127.0.0.1:$port/postgres"
  echo "XUEJI_TEST_PG_DIR=$dir"
}

check_dir() {
  case $1 in /tmp/xjpg.*) ;; *) echo "cluster.sh: not a test cluster: $1" >&2; exit 2 ;; esac
}

# The standby: a base backup of the running primary with -R (standby.signal
# and primary_conninfo written), its own port and socket directory.
standby() {
  dir=$1
  check_dir "$dir"
  pport=$(cat "$dir/port")
  as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$pport" -U xueji \
    -D "$dir/standby" -R -X stream -c fast --no-sync \
    >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
  free_port >"$dir/standby.port"
  standby_start "$dir"
  echo "XUEJI_TEST_PG_STANDBY=postgresql://xueji@127.0.0.1:$(cat "$dir/standby.port")/postgres"
}

standby_start() {
  dir=$1
  check_dir "$dir"
  sport=$(cat "$dir/standby.port")
  opts="-p $sport -k $dir -c listen_addresses=127.0.0.1 -c fsync=off"
  opts="$opts -c max_connections=300 -c shared_buffers=32MB"
  as_pg "$PGBIN/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w -t 60 \
    -o "$opts" start >/dev/null || { cat "$dir/standby.log" >&2; exit 1; }
}

standby_stop() {
  dir=$1
  check_dir "$dir"
  [ -d "$dir/standby" ] && as_pg "$PGBIN/pg_ctl" -D "$dir/standby" -m fast \
    -w stop >/dev/null 2>&1 || true
}

stop() {
  dir=$1
  check_dir "$dir"
  [ -d "$dir/standby" ] && as_pg "$PGBIN/pg_ctl" -D "$dir/standby" \
    -m immediate -w stop >/dev/null 2>&1 || true
  [ -d "$dir/data" ] && as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate \
    -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case ${1:-} in
  start) start ;;
  stop) stop "${2:?cluster.sh stop DIR}" ;;
  standby) standby "${2:?cluster.sh standby DIR}" ;;
  standby-start) standby_start "${2:?cluster.sh standby-start DIR}" ;;
  standby-stop) standby_stop "${2:?cluster.sh standby-stop DIR}" ;;
  run)
    shift
    env=$(start) || exit $?
    eval "$env"
    export XUEJI_TEST_PG XUEJI_TEST_PG_DIR
    trap 'stop "$XUEJI_TEST_PG_DIR"' EXIT INT TERM
    set +e
    "$@"
    rc=$?
    exit $rc ;;
  *) echo "usage: cluster.sh start | stop DIR | run CMD... | standby DIR" \
       "| standby-stop DIR | standby-start DIR" >&2; exit 2 ;;
esac
