#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests, listening on 127.0.0.1 only, trust auth. Sourced.
#
# ejournal_pg_start makes the cluster in a private temporary directory that its server user can reach wherever the
# checkout lives (a clone under /root is 0700, which the postgres user cannot enter): as root the server runs as
# postgres in a 0700 directory owned by postgres; otherwise it runs as the invoking user. It listens on a free port
# (EJOURNAL_PG_PORT_FIXED forces one), so two checkouts can test at the same time, and first removes clusters left behind
# by runs that were killed. It exports EJOURNAL_PG (a Poco::Data PostgreSQL connection string), EJOURNAL_PG_PORT
# and EJOURNAL_PG_DIR. Every failure says which step failed, the end of its log and where the whole log is.
# ejournal_pg_stop stops the server and removes the directory.

_ejournal_pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
    echo "ejournal: PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (package postgresql)" >&2
    return 1
  fi
  printf '%s\n' "$d"
}

# Runs "$@" as the cluster's owner (postgres when we are root).
# From /, since postgres may not be allowed into the current directory.
_ejournal_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else (cd / && "$@"); fi
}

# Prints why a step failed: its name, the last lines of its log and the log's path.
_ejournal_pg_fail() {
  local what="$1" log="$2"
  {
    echo "ejournal: PostgreSQL test cluster: $what failed"
    if [ -s "$log" ]; then
      echo "--- last lines of $log ---"
      tail -n 20 "$log"
      echo "--- (whole log: $log) ---"
    fi
  } >&2
  return 1
}

# True when something accepts connections on 127.0.0.1:$1.
_ejournal_port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Removes clusters whose starting shell is gone (a killed run): stops their server and deletes the directory.
_ejournal_pg_reap() {
  local bindir="$1" d owner_pid
  for d in "${TMPDIR:-/tmp}"/ejournal-pg.*; do
    [ -d "$d" ] && [ -O "$d/owner" -o "$(id -u)" -eq 0 ] || continue
    [ -f "$d/owner" ] || continue
    owner_pid="$(cat "$d/owner" 2>/dev/null)"
    [ -n "$owner_pid" ] && kill -0 "$owner_pid" 2>/dev/null && continue
    echo "ejournal: removing the PostgreSQL test cluster of a run that ended without cleaning up: $d"
    # Its server may be gone with the run (a machine restarted): a stale postmaster.pid makes pg_ctl fail, which
    # must not stop the caller (scripts/test runs under set -e).
    if [ -f "$d/data/postmaster.pid" ]; then
      _ejournal_pg_as_owner "$bindir/pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$d" || echo "ejournal: could not remove $d (left in place)" >&2
  done
}

ejournal_pg_start() {
  local bindir dir port tries=0
  bindir="$(_ejournal_pg_bindir)" || return 1
  _ejournal_pg_reap "$bindir"
  # The cluster's directory: private to its server user, outside the checkout.
  dir="$(mktemp -d "${TMPDIR:-/tmp}/ejournal-pg.XXXXXX")" || { echo "ejournal: mktemp failed" >&2; return 1; }
  chmod 0700 "$dir"
  # Whose run this is: a later start removes the cluster once this shell is gone (kill -0 fails).
  echo "$$" >"$dir/owner"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  export EJOURNAL_PG_DIR="$dir"
  if ! _ejournal_pg_as_owner "$bindir/initdb" -D "$dir/data" -A trust -U ejournal -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1; then
    _ejournal_pg_fail "initdb (as $(if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi))" "$dir/initdb.log"
    return 1
  fi
  # A free port: the one asked for, or a random one not in use; a start that loses a race for it tries another.
  while :; do
    tries=$((tries + 1))
    if [ -n "${EJOURNAL_PG_PORT_FIXED:-}" ]; then
      port="$EJOURNAL_PG_PORT_FIXED"
    else
      port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
      _ejournal_port_taken "$port" && continue
    fi
    if _ejournal_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start \
      >"$dir/pg_ctl.log" 2>&1; then
      break
    fi
    if [ -n "${EJOURNAL_PG_PORT_FIXED:-}" ] || [ "$tries" -ge 5 ] || ! grep -qi "could not bind\|in use" "$dir/server.log"; then
      cat "$dir/server.log" >>"$dir/pg_ctl.log" 2>/dev/null
      _ejournal_pg_fail "pg_ctl start (port $port)" "$dir/pg_ctl.log"
      return 1
    fi
  done
  if ! "$bindir/createdb" -h 127.0.0.1 -p "$port" -U ejournal ejournal_test >"$dir/createdb.log" 2>&1; then
    _ejournal_pg_fail "createdb ejournal_test" "$dir/createdb.log"
    return 1
  fi
  export EJOURNAL_PG_PORT="$port"
  export EJOURNAL_PG="host=127.0.0.1 port=$port user=ejournal dbname=ejournal_test"
  echo "PostgreSQL test cluster on 127.0.0.1:$port in $dir"
}

ejournal_pg_stop() {
  local bindir dir="${EJOURNAL_PG_DIR:-}"
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  bindir="$(_ejournal_pg_bindir)" || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    _ejournal_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir" || true
  unset EJOURNAL_PG_DIR EJOURNAL_PG EJOURNAL_PG_PORT
}
