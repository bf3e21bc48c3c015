#!/usr/bin/env bash
# The one list of Debian 12 packages ejournal needs to build, test and run. Sourced by scripts/demo and
# scripts/test; installs only what is missing (needs root or sudo when something is missing).

# What the installed Debian package needs besides the shared libraries (dpkg-shlibdeps finds those): its Depends
# and Recommends, read by cmake/package.cmake.
EJOURNAL_RUNTIME_PACKAGES=(
  # fonts with Cyrillic, embedded in the PDFs
  fonts-paratype fonts-liberation2
  # GOST R 34.10-2012 / Streebog signatures through the OpenSSL engine
  libengine-gost-openssl
  # the web interface's styles and charts, served from /usr/share/javascript
  libjs-bootstrap5 libjs-chart.js
  # the package's postinst creates the system user ejournal
  adduser
)
EJOURNAL_RUNTIME_RECOMMENDS=(
  # pg_dump, for the service's backups of a PostgreSQL store
  postgresql-client
)

EJOURNAL_PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config
  # libraries
  libhpdf-dev libpoco-dev libpugixml-dev libxerces-c-dev libssl-dev libboost-test-dev
  libpq-dev libsqlite3-dev libpcre3-dev libexpat1-dev zlib1g-dev
  # what the installed package needs
  "${EJOURNAL_RUNTIME_PACKAGES[@]}" "${EJOURNAL_RUNTIME_RECOMMENDS[@]}"
  # the scale-out store, started as a throw-away cluster by the tests
  postgresql
  # tools the tests and benchmarks use to check what we produce
  qpdf poppler-utils openssl wrk curl
  # the reverse proxy in front of several service instances (tests/support/service_cluster.h, bench/region_bench)
  nginx
  # the SMTP server the follow-up tests and the demo deliver the teachers' messages to (tests/support/smtp_capture.py)
  python3-aiosmtpd
  # the web interface (templates, styles, charts from Debian) and its browser test
  libkainjow-mustache-dev libjs-bootstrap5 libjs-chart.js chromium chromium-driver python3-selenium
  # the C++ style check (tests/scripts/format_check.sh, .clang-format)
  clang-format
  # building and checking the Debian package (tests/package)
  dpkg-dev file lintian systemd
)

# Where the scripts' step logs go (EJOURNAL_LOGS, default <build>/logs); made on first use.
ejournal_log_dir() {
  local top
  top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  EJOURNAL_LOGS="${EJOURNAL_LOGS:-${EJOURNAL_BUILD:-$top/build}/logs}"
  mkdir -p "$EJOURNAL_LOGS" || { echo "ejournal: cannot create the log directory $EJOURNAL_LOGS" >&2; return 1; }
  printf '%s\n' "$EJOURNAL_LOGS"
}

# ejournal_step NAME LOG CMD...: runs CMD with its output in LOG (and on the terminal when EJOURNAL_STEP_ECHO=1).
# On failure it says which step failed, shows the end of the log and where the whole log is, and returns CMD's code.
ejournal_step() {
  local name="$1" log="$2" rc=0
  shift 2
  if [ "${EJOURNAL_STEP_ECHO:-0}" = 1 ]; then
    # errexit is off inside a list guarded by ||, so rc is read even when the command failed.
    { "$@" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}; } || true
  else
    "$@" >"$log" 2>&1 || rc=$?
  fi
  if [ "$rc" -ne 0 ]; then
    {
      echo
      echo "ejournal: step failed: $name (exit code $rc)"
      echo "--- last lines of its log ---"
      tail -n 40 "$log"
      echo "--- whole log: $log ---"
    } >&2
  fi
  return "$rc"
}

# Installs what is missing from EJOURNAL_PACKAGES. Root is needed only then: as another user through sudo.
ejournal_install_deps() {
  local missing=() p sudo="" logs
  for p in "${EJOURNAL_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "Installing missing packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "ejournal: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
      echo "ejournal: run as root, or install sudo, or install them by hand: apt-get install ${missing[*]}" >&2
      return 1
    fi
    sudo="sudo"
  fi
  logs="$(ejournal_log_dir)" || return 1
  ejournal_step "apt-get update" "$logs/apt-update.log" $sudo apt-get update -qq || return 1
  ejournal_step "apt-get install ${missing[*]}" "$logs/apt-install.log" \
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Configures (once) and builds the tree incrementally into $EJOURNAL_BUILD (default build/); logs in build/logs/.
ejournal_build() {
  local top logs
  top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  EJOURNAL_BUILD="${EJOURNAL_BUILD:-$top/build}"
  logs="$(ejournal_log_dir)" || return 1
  if [ ! -f "$EJOURNAL_BUILD/build.ninja" ]; then
    local launcher=()
    # ccache, where the machine has it, makes rebuilds of a fresh clone cheap; it is not required.
    command -v ccache >/dev/null 2>&1 &&
      launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    ejournal_step "cmake configure" "$logs/configure.log" \
      cmake -S "$top" -B "$EJOURNAL_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" || return 1
  fi
  echo "Building in $EJOURNAL_BUILD (log: $logs/build.log)"
  ejournal_step "build" "$logs/build.log" cmake --build "$EJOURNAL_BUILD" -j "$(nproc)" || return 1
  tail -n 1 "$logs/build.log"
}
