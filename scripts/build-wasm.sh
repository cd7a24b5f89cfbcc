#!/usr/bin/env bash
# Builds rust/wasm for wasm32-unknown-unknown and writes the module to $2.
# Picks the toolchain by itself: rustup's wasm32 std if present or
# installable, else Debian's rustc-web + rust-web-src + lld-19 with
# -Z build-std. Also records the hash of the Rust sources beside the module
# ($2.src-sha256) so CI can tell a stale committed module.
set -euo pipefail
target_dir=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export RUSTFLAGS="--remap-path-prefix=$root=/ferrolite --remap-path-prefix=$HOME=/home"

have_rustup_wasm() {
  command -v rustup >/dev/null 2>&1 || return 1
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown && return 0
  timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || return 1
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

if have_rustup_wasm; then
  cargo build -q -p ferrolite-wasm --profile wasm --target wasm32-unknown-unknown --target-dir "$target_dir"
else
  if ! [ -x /usr/bin/cargo ] || ! command -v wasm-ld-19 >/dev/null 2>&1 || ! [ -d /usr/lib/rustlib/src/rust/library ]; then
    echo "build-wasm: installing Debian's rustc-web, rust-web-src and lld-19" >&2
    (apt-get update -qq && apt-get install -y -qq rustc-web rust-web-src lld-19) >&2
  fi
  RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19 \
    /usr/bin/cargo build -q -p ferrolite-wasm --profile wasm --target wasm32-unknown-unknown \
      -Z build-std=std,panic_abort --target-dir "$target_dir"
fi
cp "$target_dir/wasm32-unknown-unknown/wasm/ferrolite_wasm.wasm" "$out"
scripts/src-hash.sh > "$out.src-sha256"
echo "build-wasm: $out ($(stat -c %s "$out") bytes)"
