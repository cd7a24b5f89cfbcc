#!/usr/bin/env bash
# Regenerates include/ferrolite.h from bindings/src with the pinned cbindgen,
# installing it into target/tools first if it is missing.
#   scripts/gen-header.sh [OUT]     (default include/ferrolite.h)
set -euo pipefail
CBINDGEN_VERSION=0.29.2
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/include/ferrolite.h}
tools=$root/target/tools
cbindgen=$tools/bin/cbindgen
if ! [ -x "$cbindgen" ] || [ "$("$cbindgen" --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]; then
  echo "gen-header: installing cbindgen $CBINDGEN_VERSION into $tools" >&2
  CARGO_TARGET_DIR=$root/target/tools-build \
    cargo install -q cbindgen --version "$CBINDGEN_VERSION" --locked --root "$tools" >&2
fi
mkdir -p "$(dirname "$out")"
"$cbindgen" --quiet --config "$root/bindings/cbindgen.toml" --crate ferrolite --output "$out" "$root/bindings"
