#!/usr/bin/env bash
# Fails if include/ferrolite.h differs from what cbindgen generates now.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/scripts/gen-header.sh" "$tmp/ferrolite.h"
if ! diff -u "$root/include/ferrolite.h" "$tmp/ferrolite.h"; then
  echo "check-header: include/ferrolite.h is stale; run scripts/gen-header.sh and commit" >&2
  exit 1
fi
echo "check-header: include/ferrolite.h is up to date"
