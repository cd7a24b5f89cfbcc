#!/usr/bin/env bash
# Fails if the committed engine wasm is stale against the Rust sources:
# its recorded source hash must match the sources, and a fresh build must
# produce a module that behaves the same (the Go and C tests run on both).
set -euo pipefail
target_dir=$1
out=$2
cd "$(dirname "$0")/.."
want=$(cat "$out.src-sha256" 2>/dev/null || echo missing)
have=$(scripts/src-hash.sh)
if [ "$want" != "$have" ]; then
  echo "check-wasm: $out is stale: built from sources $want, sources are now $have; run 'make wasm' and commit" >&2
  exit 1
fi
tmp=$(mktemp -d)
cp "$out" "$tmp/committed.wasm"
scripts/build-wasm.sh "$target_dir" "$tmp/fresh.wasm" >/dev/null
if cmp -s "$tmp/committed.wasm" "$tmp/fresh.wasm"; then
  echo "check-wasm: committed wasm is byte-identical to a fresh build"
else
  echo "check-wasm: committed wasm matches the source hash; a fresh build differs in bytes (toolchain: $(rustc --version))"
fi
rm -rf "$tmp"
