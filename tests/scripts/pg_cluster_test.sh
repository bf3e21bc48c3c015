#!/usr/bin/env bash
# scripts/pg.sh, the throw-away PostgreSQL cluster behind scripts/test, from wherever a newcomer may clone: it starts
# from a checkout whose parent is 0700 (a clone under /root) with spaces and Cyrillic letters in its path, while the
# old fixed port 55432 is taken, twice at once (two checkouts testing together), as an ordinary user too (when we
# are root), a cluster left behind by a killed run (its server running, or gone with a restart) is removed by the next
# start, and a failing start says which step failed and where its log is. Usage: pg_cluster_test.sh <source dir>.
set -uo pipefail
src="$1"
# Not the cluster of the scripts/test run that may be running this test.
unset EJOURNAL_PG EJOURNAL_PG_DIR EJOURNAL_PG_PORT EJOURNAL_PG_PORT_FIXED
passed=0
failed=0
check() {
  local what="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok: $what"
  else
    failed=$((failed + 1))
    echo "FAILED: $what"
    return 1
  fi
}

work="$(mktemp -d)"
chmod 0700 "$work"
holder=""
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  ejournal_pg_stop 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A checkout in a 0700 parent, its path with a space and Cyrillic letters; the cluster must not depend on it.
co="$work/домашний каталог/ejournal"
mkdir -p "$co/scripts"
cp "$src/scripts/pg.sh" "$co/scripts/"
cd "$co" || exit 2
export EJOURNAL_BUILD="$co/build"
# shellcheck source=/dev/null
source "$co/scripts/pg.sh"

# The old default port is taken by another program (here, or already: another checkout's test on this machine).
if (exec 3<>/dev/tcp/127.0.0.1/55432) 2>/dev/null; then
  echo listening >"$work/holder.log"
  holder=""
else
  perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 55432, Listen => 5,
    ReuseAddr => 1) or die "listen: $!"; $| = 1; print "listening\n"; sleep 300' >"$work/holder.log" 2>&1 &
  holder=$!
  # Up to 30 s: on a loaded machine perl's start can take seconds.
  for _ in $(seq 300); do grep -q listening "$work/holder.log" 2>/dev/null && break; sleep 0.1; done
fi
check "port 55432 is held by another program" grep -q listening "$work/holder.log" ||
  { echo "--- the holder's output:"; cat "$work/holder.log"; }

ejournal_pg_start >"$work/start1.log" 2>&1
rc=$?
cat "$work/start1.log"
check "the cluster starts from a 0700 parent, with 55432 taken" test "$rc" -eq 0
check "it listens on another port than 55432" test "${EJOURNAL_PG_PORT:-55432}" != 55432
check "its directory is outside the checkout" test "${EJOURNAL_PG_DIR#"$co"}" = "${EJOURNAL_PG_DIR:-}"
check "it answers on $EJOURNAL_PG" bash -c 'test "$(psql "$EJOURNAL_PG" -Atc "select 1" 2>&1)" = 1'
first_port="${EJOURNAL_PG_PORT:-}"

# A second checkout testing at the same time gets its own cluster.
(
  ejournal_pg_start >"$work/start2.log" 2>&1 || exit 1
  [ "$EJOURNAL_PG_PORT" != "$first_port" ] || exit 3
  [ "$(psql "$EJOURNAL_PG" -Atc "select 2")" = 2 ] || exit 4
  ejournal_pg_stop
)
rc=$?
check "a second cluster runs beside the first (exit $rc)" test "$rc" -eq 0
check "the first still answers" bash -c 'test "$(psql "$EJOURNAL_PG" -Atc "select 1" 2>&1)" = 1'

# A run killed before it stopped its cluster: the next start removes it.
bash -c 'source "$1"; ejournal_pg_start >/dev/null 2>&1 || exit 1; echo "$EJOURNAL_PG_DIR" >"$2";
  head -n 1 "$EJOURNAL_PG_DIR/data/postmaster.pid" >"$3"; kill -9 $$' _ "$co/scripts/pg.sh" "$work/killed.dir" \
  "$work/killed.pid"
killed_dir="$(cat "$work/killed.dir" 2>/dev/null)"
killed_pid="$(cat "$work/killed.pid" 2>/dev/null)"
check "the killed run left its cluster running" bash -c "[ -d '$killed_dir' ] && kill -0 '$killed_pid'"
(
  ejournal_pg_start >"$work/start3.log" 2>&1 || exit 1
  ejournal_pg_stop
)
check "the next start succeeds" test $? -eq 0
check "and says it removed the leftover" grep -q "ended without cleaning up: $killed_dir" "$work/start3.log"
check "the leftover directory is gone" test ! -e "$killed_dir"
for _ in $(seq 50); do kill -0 "$killed_pid" 2>/dev/null || break; sleep 0.1; done
check "the leftover server is stopped" bash -c "! kill -0 '$killed_pid' 2>/dev/null"

# A cluster whose server went with the machine (a restart): its postmaster.pid is stale and pg_ctl cannot stop it.
# The next start, under set -e as in scripts/test, removes it and goes on.
stale="$(mktemp -d "${TMPDIR:-/tmp}/ejournal-pg.XXXXXX")"
mkdir -p "$stale/data"
echo 999999999 >"$stale/owner"
printf '999999999\n%s\n' "$stale/data" >"$stale/data/postmaster.pid"
bash -c 'set -Eeuo pipefail; source "$1"; ejournal_pg_start; ejournal_pg_stop; echo started-and-stopped' _ \
  "$co/scripts/pg.sh" >"$work/start6.log" 2>&1
rc=$?
cat "$work/start6.log"
check "a start under set -e survives a leftover whose server is gone (exit $rc)" test "$rc" -eq 0
check "and goes on to start its own" grep -q started-and-stopped "$work/start6.log"
check "the stale leftover is gone" test ! -e "$stale"
rm -rf "$stale"

# A start that cannot succeed (the port it is told to use is taken) names the step and its log.
(EJOURNAL_PG_PORT_FIXED=55432 ejournal_pg_start) >"$work/start4.log" 2>&1
rc=$?
check "a start on a taken port fails" test "$rc" -ne 0
check "naming the step" grep -q "pg_ctl start (port 55432) failed" "$work/start4.log"
check "with the end of its log" grep -qi "could not\|in use" "$work/start4.log"
check "and where the whole log is" grep -q "whole log: " "$work/start4.log"

# As an ordinary user (when we are root), the cluster runs as that user.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
  pub="$(mktemp -d)"
  cp "$co/scripts/pg.sh" "$pub/"
  chmod 0755 "$pub"
  chmod 0644 "$pub/pg.sh"
  runuser -u nobody -- env -u TMPDIR HOME=/tmp bash -c 'cd / && source "$1" && ejournal_pg_start >/dev/null &&
    [ "$(stat -c %U "$EJOURNAL_PG_DIR/data")" = nobody ] && [ "$(psql "$EJOURNAL_PG" -Atc "select 3")" = 3 ] &&
    ejournal_pg_stop' _ "$pub/pg.sh" >"$work/start5.log" 2>&1
  rc=$?
  cat "$work/start5.log"
  check "an ordinary user's cluster runs as that user (exit $rc)" test "$rc" -eq 0
  rm -rf "$pub"
fi

ejournal_pg_stop
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
