#!/usr/bin/env bash
# The one list of Debian 12 packages ejournal needs to build, test and run. Sourced by scripts/demo and
# scripts/test; installs only what is missing (needs root or sudo when something is missing).
EJOURNAL_PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config
  # libraries
  libhpdf-dev libpoco-dev libpugixml-dev libxerces-c-dev libssl-dev libboost-test-dev
  libpq-dev libsqlite3-dev libpcre3-dev libexpat1-dev zlib1g-dev
  # fonts with Cyrillic, embedded in the PDFs
  fonts-paratype fonts-liberation2
  # GOST R 34.10-2012 / Streebog signatures through the OpenSSL engine
  libengine-gost-openssl
  # the scale-out store, started as a throw-away cluster by the tests
  postgresql
  # tools the tests and benchmarks use to check what we produce
  qpdf poppler-utils openssl wrk curl
)

ejournal_install_deps() {
  local missing=()
  for p in "${EJOURNAL_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "Installing missing packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# Configures (once) and builds the tree incrementally into $EJOURNAL_BUILD (default build/).
ejournal_build() {
  local top
  top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  EJOURNAL_BUILD="${EJOURNAL_BUILD:-$top/build}"
  if [ ! -f "$EJOURNAL_BUILD/build.ninja" ]; then
    cmake -S "$top" -B "$EJOURNAL_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  cmake --build "$EJOURNAL_BUILD" -j "$(nproc)"
}
