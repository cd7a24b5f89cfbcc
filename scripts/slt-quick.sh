#!/usr/bin/env bash
# The quick sqllogictest subset run by `make test`. The corpus is not all
# passing yet (see docs/status.md), so this is a ratchet: it fails when the
# number of passing records drops below the count recorded in
# rust/slt/quick-baseline.txt. Raise the baseline when the engine improves.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/sqllogictest
subset=("$corpus/select1.test" "$corpus/select2.test" "$corpus/evidence")
for kind in between commute delete orderby orderby_nosort random view; do subset+=("$corpus/index/$kind/10"); done
for kind in aggregates expr groupby select; do subset+=("$corpus/random/$kind/slt_good_0.test"); done
out=$(cargo run -q --release -p ferrolite-slt -- "${subset[@]}" || true)
last=$(echo "$out" | tail -n 1)
echo "$out" | grep -v '^    ' | sed '$d'
passed=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
base=$(cat rust/slt/quick-baseline.txt)
if [ -z "$passed" ]; then echo "slt-quick: runner did not finish" >&2; exit 1; fi
if [ "$passed" -lt "$base" ]; then
  echo "slt-quick: $passed records passed, fewer than the baseline $base" >&2
  exit 1
fi
failed=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
echo "slt-quick: $passed records pass, $failed known failures (see docs/status.md), baseline $base"
