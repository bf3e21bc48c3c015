#!/usr/bin/env bash
# The Debian package, end to end (issue 15, docs/install.md):
#   package_test.sh BUILD_DIR SOURCE_DIR
# builds it with cpack from BUILD_DIR, checks it with lintian (errors fail, warnings are listed), installs it
# (dpkg -i as root when no ejournal package is installed, else dpkg -x into a scratch root), checks the unit with
# systemd-analyze verify, then runs the INSTALLED ejournal from a scratch directory outside the source tree with
# EJOURNAL_DATA_DIR unset: ingest, check, render, seal, verify of the bundled tiny sample, and the service started
# with the example configuration. A dpkg -i installation is purged at the end, leaving the machine as it was.
set -euo pipefail
export LC_ALL=C.UTF-8

build="$(cd "$1" && pwd -P)"
source_dir="$(cd "$2" && pwd -P)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/ejournal package тест.XXXXXX")"
mode="" created_user="" had_state="" extra_files=()

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }

cleanup() {
  local rc=$?
  if [[ $mode == system ]]; then
    step "dpkg --purge ejournal"
    dpkg --purge ejournal >"$scratch/purge.log" 2>&1 || { cat "$scratch/purge.log"; rc=1; }
    [[ -n $had_state ]] || rm -rf /var/lib/ejournal
    if [[ -n $created_user ]]; then
      userdel ejournal 2>/dev/null || true
      groupdel ejournal 2>/dev/null || true
    fi
  fi
  rm -rf "$scratch" "${extra_files[@]}"
  exit "$rc"
}
trap cleanup EXIT

# Runs the installed ejournal with an expected exit code; its output goes to $scratch/out/NAME.{out,err}.
ejournal() {
  local expect=$1 name=$2
  shift 2
  local rc=0
  (cd "$scratch/work" && env -u EJOURNAL_DATA_DIR -u EJOURNAL_DB -u EJOURNAL_SOURCE_DIR -u EJOURNAL_ARCHIVE_DIR \
    -u EJOURNAL_VERIFY_CA "$exe" "$@") >"$scratch/out/$name.out" 2>"$scratch/out/$name.err" || rc=$?
  printf '$ ejournal %s   # exit %d\n' "$*" "$rc"
  sed -n '1,8p' "$scratch/out/$name.out" "$scratch/out/$name.err" | sed 's/^/  /'
  ((rc == expect)) || fail "ejournal $* exited with $rc, expected $expect"
}

mkdir -p "$scratch/cpack" "$scratch/work" "$scratch/out"

step "cpack -G DEB"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/cpack" >"$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log"; fail "cpack failed"; }
shopt -s nullglob
debs=("$scratch"/cpack/*.deb)
((${#debs[@]} == 1)) || fail "cpack made ${#debs[@]} packages: ${debs[*]}"
deb=${debs[0]}
version="$(dpkg-deb -f "$deb" Version)"
arch="$(dpkg --print-architecture)"
[[ $(basename "$deb") == "ejournal_${version}_${arch}.deb" ]] || fail "package named $(basename "$deb")"
echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB, installed size $(dpkg-deb -f "$deb" Installed-Size) KiB"
dpkg-deb -f "$deb" Depends Recommends

step "dependencies: scripts/deps.sh's runtime lists and the shared libraries"
# shellcheck source=/dev/null
source "$source_dir/scripts/deps.sh"
depends="$(dpkg-deb -f "$deb" Depends)"
for p in "${EJOURNAL_RUNTIME_PACKAGES[@]}" libpocodatasqlite libpocodatapostgresql libhpdf libxerces-c libpugixml libssl3 \
  libstdc++6; do
  [[ ", $depends" == *", $p"* ]] || fail "Depends lacks $p: $depends"
done
for p in "${EJOURNAL_RUNTIME_RECOMMENDS[@]}"; do
  [[ "$(dpkg-deb -f "$deb" Recommends)" == *"$p"* ]] || fail "Recommends lacks $p"
done

step "contents"
dpkg-deb -c "$deb" >"$scratch/contents"
for path in ./usr/bin/ejournal ./usr/share/ejournal/schemas/journal.xsd ./usr/share/ejournal/schemas/layout.xsd \
  ./usr/share/ejournal/schemas/rules.xsd ./usr/share/ejournal/templates/journal.xml \
  ./usr/share/ejournal/rules/config/default.xml ./usr/share/ejournal/samples/tiny.xml \
  ./etc/ejournal/service.properties ./lib/systemd/system/ejournal.service ./usr/share/man/man1/ejournal.1.gz \
  ./usr/share/bash-completion/completions/ejournal ./usr/share/doc/ejournal/copyright \
  ./usr/share/doc/ejournal/changelog.gz ./usr/share/doc/ejournal/install.md; do
  grep -q " $path\$" "$scratch/contents" || fail "the package lacks $path"
done
! grep -E '_test$|_bench$|/tests?/|/bench/|\.a$|\.h$' "$scratch/contents" || fail "tests, benches or headers packaged"
awk '{ print $6 }' "$scratch/contents" | sed -n 's#^\./\([^/]*/[^/]*\).*#\1#p' | sort | uniq -c
dpkg-deb -e "$deb" "$scratch/control"
grep -qx /etc/ejournal/service.properties "$scratch/control/conffiles" || fail "service.properties is no conffile"

step "lintian"
lintian_rc=0
lintian --display-info --fail-on error "$deb" >"$scratch/lintian.log" 2>&1 || lintian_rc=$?
cat "$scratch/lintian.log"
echo "lintian: $(grep -c '^E:' "$scratch/lintian.log" || true) errors, $(grep -c '^W:' "$scratch/lintian.log" || true)" \
  "warnings, $(grep -c '^I:' "$scratch/lintian.log" || true) infos"
((lintian_rc == 0)) || fail "lintian reported errors (exit $lintian_rc)"

step "install"
# EJOURNAL_PACKAGE_INSTALL=scratch keeps the machine untouched even as root.
if [[ $(id -u) == 0 && ${EJOURNAL_PACKAGE_INSTALL:-} != scratch ]] &&
  ! dpkg-query -W -f='${Status}' ejournal 2>/dev/null | grep -q installed; then
  getent passwd ejournal >/dev/null || created_user=yes
  [[ ! -e /var/lib/ejournal ]] || had_state=yes
  mode=system
  # Another run of this test (or apt) may hold dpkg's lock: wait for it rather than fail.
  for _ in $(seq 60); do
    if dpkg -i "$deb" >"$scratch/dpkg.log" 2>&1; then break; fi
    grep -q "lock" "$scratch/dpkg.log" || { cat "$scratch/dpkg.log"; fail "dpkg -i failed"; }
    sleep 2
  done
  dpkg-query -W -f='${Status}' ejournal | grep -q "install ok installed" || fail "ejournal is not installed"
  root=""
  [[ $(getent passwd ejournal | cut -d: -f7) == */nologin ]] || fail "the user ejournal has a login shell"
  (($(id -u ejournal) < 1000)) || fail "ejournal is no system user"
  [[ $(stat -c '%U:%G %a' /var/lib/ejournal) == "ejournal:ejournal 750" ]] || fail "/var/lib/ejournal: $(stat -c '%U:%G %a' /var/lib/ejournal)"
  [[ $(stat -c '%U:%G %a' /var/log/ejournal) == "ejournal:ejournal 750" ]] || fail "/var/log/ejournal: $(stat -c '%U:%G %a' /var/log/ejournal)"
  echo "installed with dpkg -i; user $(id ejournal)"
else
  mode=scratch
  root="$scratch/root"
  dpkg-deb -x "$deb" "$root"
  echo "not root, ejournal already installed or EJOURNAL_PACKAGE_INSTALL=scratch: unpacked with dpkg -x into $root"
fi
exe="$root/usr/bin/ejournal"

step "the installed binary: stripped, no path of the build machine"
file -L "$exe" | grep -q ", stripped" || fail "$(file -L "$exe")"
for dir in "$source_dir" "$build" "$(cd "$1" && pwd -L)" "$(cd "$2" && pwd -L)"; do
  # Bytes, not strings(1): that prints ASCII runs only and would never match a path with Cyrillic letters.
  if LC_ALL=C grep -a -q -F -- "$dir" "$exe"; then fail "the installed binary contains the path $dir"; fi
done
ls -l "$exe"

step "systemd-analyze verify"
unit="$root/lib/systemd/system/ejournal.service"
if [[ $mode == system ]]; then
  systemd-analyze verify "$unit"
else
  # The unit names /usr/bin/ejournal and man:ejournal(1), which exist only under the scratch root: verify a copy
  # of the unit pointing there, with the scratch root's manual pages.
  sed "s#^ExecStart=/usr/bin/ejournal#ExecStart=\"$exe\"#" "$unit" >"$scratch/ejournal.service"
  MANPATH="$root/usr/share/man" systemd-analyze verify "$scratch/ejournal.service"
fi
echo "ok"

step "the installed ejournal on the bundled sample (in $scratch/work, EJOURNAL_DATA_DIR unset)"
cp "$root/usr/share/ejournal/samples/tiny.xml" "$scratch/work/"
ejournal 0 version --version
ejournal 0 ingest ingest tiny.xml --db journal.db
ejournal 1 check check --db journal.db --period 2025-Q1   # the tiny sample has findings (samples/tiny.md)
ejournal 0 render render all --db journal.db --period 2025-Q1 --output pdf
pdfs=("$scratch"/work/pdf/*.pdf)
((${#pdfs[@]} > 0)) || fail "render wrote no PDF"
for pdf in "${pdfs[@]}"; do qpdf --check "$pdf" >/dev/null || fail "qpdf --check $pdf"; done
echo "  ${#pdfs[@]} PDF files, qpdf --check ok"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=ejournal package test" \
  -keyout "$scratch/work/key.pem" -out "$scratch/work/cert.pem" 2>/dev/null
ejournal 0 seal seal --db journal.db --period 2025-Q1 --key key.pem --cert cert.pem --archive-dir archive
archives=("$scratch"/work/archive/*.tar)
((${#archives[@]} == 1)) || fail "seal wrote ${#archives[@]} archives"
ejournal 0 verify verify "${archives[0]}" --ca cert.pem

# The service as docs/install.md sets it up: the first administrator made with the command-line tool on the
# service's store, then the service started with the installed example configuration, answering /healthz and a
# login, and stopping cleanly on SIGTERM. Installed with dpkg -i: as the user ejournal on /var/lib/ejournal and
# /var/log/ejournal, which the postinst made; unpacked: as this user, with those paths moved into the scratch
# directory.
if [[ $mode == system ]]; then
  step "the service as the user ejournal with /etc/ejournal/service.properties"
  # The installed configuration with only the port changed, where the user ejournal can read it.
  config="$(mktemp --suffix=.properties "${TMPDIR:-/tmp}/ejournal-service.XXXXXX")"
  extra_files+=("$config")
  cp /etc/ejournal/service.properties "$config"
  chmod 0644 "$config"
  state=/var/lib/ejournal log=/var/log/ejournal
  as_service=(setpriv --reuid=ejournal --regid=ejournal --init-groups --)
  run_dir=/
else
  step "the service with the installed example configuration (paths moved into the scratch directory)"
  config="$scratch/service.properties" state="$scratch/state" log="$scratch/log"
  sed -e "s#/var/lib/ejournal#$state#g" -e "s#/var/log/ejournal#$log#g" "$root/etc/ejournal/service.properties" >"$config"
  mkdir -p "$state"
  as_service=()
  run_dir="$scratch/work"
fi
port=$((20000 + RANDOM % 20000))
sed -i "s#^http.port = .*#http.port = $port#" "$config"
password="Пакет-тест-2026!"
(cd "$run_dir" && printf '%s\n' "$password" | env -u EJOURNAL_DATA_DIR -u EJOURNAL_DB "${as_service[@]}" "$exe" \
  user add admin --role admin --name "Иванова Мария Петровна" --db "$state/ejournal.db") >"$scratch/user.out" 2>&1 ||
  { cat "$scratch/user.out"; fail "ejournal user add failed"; }
echo "  $(cat "$scratch/user.out")"
(cd "$run_dir" && exec env -u EJOURNAL_DATA_DIR -u EJOURNAL_DB "${as_service[@]}" "$exe" serve --config "$config") \
  >"$scratch/serve.out" 2>&1 &
serve=$!
healthy=""
for _ in $(seq 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >"$scratch/healthz" 2>/dev/null; then
    healthy=yes
    break
  fi
  kill -0 "$serve" 2>/dev/null || break
  sleep 0.1
done
login_rc=0
[[ -z $healthy ]] || curl -fsS "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"login\": \"admin\", \"password\": \"$password\"}" >"$scratch/login" 2>&1 || login_rc=$?
# The web interface from the installed templates, styles and scripts (and Debian's Bootstrap).
web_rc=0
if [[ -n $healthy ]]; then
  { curl -fsSL "http://127.0.0.1:$port/" >"$scratch/login.html" &&
    curl -fsS "http://127.0.0.1:$port/static/web/web.js" >"$scratch/web.js" &&
    curl -fsS "http://127.0.0.1:$port/static/web/web.css" >"$scratch/web.css" &&
    curl -fsS "http://127.0.0.1:$port/static/bootstrap/css/bootstrap.min.css" >"$scratch/bootstrap.css"; } \
    2>"$scratch/web.err" || web_rc=$?
fi
kill -TERM "$serve" 2>/dev/null || true
serve_rc=0
wait "$serve" || serve_rc=$?
[[ -n $healthy ]] || { cat "$scratch/serve.out" "$log/service.log" 2>/dev/null || true; fail "the service did not answer /healthz"; }
echo "  GET /healthz: $(cat "$scratch/healthz")"
if ((login_rc != 0)) || ! grep -q '"token"' "$scratch/login"; then
  cat "$scratch/login"
  fail "the administrator could not log in"
fi
echo "  POST /api/v1/auth/login as admin: a token"
if ((web_rc != 0)) || ! grep -q '<title>Вход' "$scratch/login.html" || ! [[ -s $scratch/web.js && -s $scratch/bootstrap.css ]]; then
  cat "$scratch/web.err" "$scratch/login.html" 2>/dev/null | head -n 20
  fail "the web interface is not served from the installed files"
fi
echo "  GET / (the login page), /static/web.js, web.css and Debian's Bootstrap: served"
((serve_rc == 0)) || { cat "$scratch/serve.out"; fail "ejournal serve exited with $serve_rc after SIGTERM"; }
[[ -s $log/service.log ]] || fail "the service wrote no log file"
if [[ $mode == system ]]; then
  [[ $(stat -c %U "$state/ejournal.db" "$state/work" "$log/service.log" | sort -u) == ejournal ]] ||
    fail "files of the service not owned by ejournal: $(ls -l "$state" "$log")"
fi

step "manual page and bash completion"
# Whole outputs into files first: grep -q stopping early would fail the pipeline (pipefail).
zcat "$root/usr/share/man/man1/ejournal.1.gz" >"$scratch/ejournal.1"
grep -q '^\.SS "ingest"' "$scratch/ejournal.1" || fail "the manual page lacks ingest"
if command -v man >/dev/null; then
  # The page is Russian (UTF-8): shown in a UTF-8 locale, whatever the caller's.
  LC_ALL=C.UTF-8 man -l "$scratch/ejournal.1" >"$scratch/ejournal.1.txt" 2>/dev/null || true
  grep -q "КОД ВЫХОДА" "$scratch/ejournal.1.txt" || fail "man cannot show the page"
fi
# shellcheck source=/dev/null
source "$root/usr/share/bash-completion/completions/ejournal"
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _ejournal
  echo "${COMPREPLY[*]}"
}
[[ " $(complete_words ejournal ing) " == *" ingest "* ]] || fail "completion of 'ejournal ing'"
[[ " $(complete_words ejournal archive "") " == *" verify "* || " $(complete_words ejournal archive "") " == *" list "* ]] ||
  fail "completion of 'ejournal archive '"
[[ " $(complete_words ejournal check --d) " == *" --db "* ]] || fail "completion of 'ejournal check --d'"
[[ " $(complete_words ejournal seal --) " == *" --period "* ]] || fail "completion of 'ejournal seal --'"
echo "ok"

if [[ $mode == system ]]; then
  step "dpkg --purge ejournal"
  mode=""
  dpkg --purge ejournal >"$scratch/purge.log" 2>&1 || { cat "$scratch/purge.log"; fail "dpkg --purge failed"; }
  [[ ! -e /usr/bin/ejournal && ! -e /etc/ejournal && ! -e /var/log/ejournal && ! -e /lib/systemd/system/ejournal.service ]] ||
    fail "dpkg --purge left files behind"
  # The school's store stays: no package operation deletes it. The test made it, so the test removes it.
  [[ -f /var/lib/ejournal/ejournal.db ]] || fail "dpkg --purge deleted the store"
  [[ -n $had_state ]] || rm -rf /var/lib/ejournal
  if [[ -n $created_user ]]; then
    userdel ejournal
    if getent group ejournal >/dev/null; then groupdel ejournal; fi
  fi
  echo "ok: the program, its configuration and logs removed, the store kept"
fi
echo "PASS"
