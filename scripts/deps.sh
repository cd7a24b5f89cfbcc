#!/usr/bin/env bash
# Installs what the tests need on a fresh machine (idempotent): the real
# sqlite3 shell (the reference peer) and a C compiler. Rust and Go
# toolchains are expected; the wasm target is handled by build-wasm.sh and
# cbindgen by gen-header.sh.
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
