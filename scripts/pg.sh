#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: initdb in build/pg, listening on 127.0.0.1 only, trust auth.
# Sourced; ejournal_pg_start exports EJOURNAL_PG (a Poco::Data PostgreSQL connection string).
ejournal_pg_start() {
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  local dir="${EJOURNAL_BUILD:-build}/pg"
  local port="${EJOURNAL_PG_PORT:-55432}"
  local runas=()
  if [ "$(id -u)" -eq 0 ]; then runas=(runuser -u postgres --); fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  "${runas[@]}" "$bindir/initdb" -D "$dir/data" -A trust -U ejournal -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  "${runas[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U ejournal ejournal_test
  export EJOURNAL_PG="host=127.0.0.1 port=$port user=ejournal dbname=ejournal_test"
  export EJOURNAL_PG_DIR="$dir"
  echo "PostgreSQL test cluster on 127.0.0.1:$port"
}

ejournal_pg_stop() {
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  local runas=()
  if [ "$(id -u)" -eq 0 ]; then runas=(runuser -u postgres --); fi
  [ -n "${EJOURNAL_PG_DIR:-}" ] && "${runas[@]}" "$bindir/pg_ctl" -D "$EJOURNAL_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
}
