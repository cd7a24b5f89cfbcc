#!/usr/bin/env bash
# Prints one hash over every source the engine wasm is built from.
set -euo pipefail
cd "$(dirname "$0")/.."
{ git ls-files -co --exclude-standard -- Cargo.toml Cargo.lock rust/parser rust/engine rust/wasm \
    | grep -v -E '/(tests|benches|fuzz)/' | LC_ALL=C sort | while read -r f; do [ -f "$f" ] && { echo "$f"; cat "$f"; }; done; } \
  | sha256sum | cut -d' ' -f1
