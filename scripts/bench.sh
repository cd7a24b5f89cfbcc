#!/usr/bin/env bash
# The benchmark (`make bench`; not part of `make test`): bulk insert of
# BENCH_ROWS rows (default 1,000,000) in one transaction into a file, then a
# full scan, measured twice:
#   native: rust/bench (release) — ferrolite's engine vs SQLite 3.46 (rusqlite, bundled);
#   wasm:   go/internal/measure bulk — the Go database/sql driver (engine as wasm
#           on wazero, CGO_ENABLED=0) vs the sqlite3 shell on a generated script.
# Prints every figure, then the ratios (ferrolite time / SQLite time). The Go
# side runs the committed go/internal/wasmhost/ferrolite.wasm.
# docs/benchmarks.md explains the method and holds one run's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rows=${BENCH_ROWS:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v sqlite3 >/dev/null || scripts/deps.sh

echo "bench: $rows rows; $(nproc) cores; $(uname -sm); sqlite3 shell $(sqlite3 --version | cut -d' ' -f1)"
cargo build --release -q -p ferrolite-bench
bin=${CARGO_TARGET_DIR:-$root/target}/release/ferrolite-bench
declare -A f
collect() { # prefix, then key=value lines on stdin
  local p=$1 line
  while IFS= read -r line; do
    echo "  $p$line"
    f[$p${line%%=*}]=${line#*=}
  done
}
echo "bench: native (rust/bench, release, file in $work)"
"$bin" ferrolite "$rows" "$work" > "$work/native_fl.txt"
collect native_fl_ < "$work/native_fl.txt"
"$bin" sqlite "$rows" "$work" > "$work/native_sq.txt"
collect native_sq_ < "$work/native_sq.txt"
echo "bench: wasm via Go (go/internal/measure bulk)"
(cd go && CGO_ENABLED=0 go build -o "$work/measure" ./internal/measure)
"$work/measure" bulk "$rows" > "$work/go.txt"
collect "" < "$work/go.txt"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
echo
printf '%-44s %12s %12s %8s\n' "ratio (ferrolite / SQLite)" "ferrolite" "SQLite" "ratio"
row() { printf '%-44s %10s ms %10s ms %8s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
row "native insert ($rows rows, one txn)" "${f[native_fl_insert_ms]}" "${f[native_sq_insert_ms]}"
row "native full scan" "${f[native_fl_scan_ms]}" "${f[native_sq_scan_ms]}"
row "Go driver insert vs sqlite3 shell script" "${f[go_insert_ms]}" "${f[shell_insert_ms]}"
row "Go driver full scan vs sqlite3 shell" "${f[go_scan_ms]}" "${f[shell_scan_ms]}"
printf '%-44s %9s KiB %9s KiB\n' "peak RSS, native (whole process)" "${f[native_fl_peak_rss_kib]}" "${f[native_sq_peak_rss_kib]}"
printf '%-44s %9s KiB %9s KiB\n' "peak RSS, Go process vs sqlite3 (insert)" "${f[go_peak_rss_kib]}" "${f[shell_insert_peak_rss_kib]}"
printf '%-44s %9s B   %9s B\n' "database file size (native)" "${f[native_fl_file_bytes]}" "${f[native_sq_file_bytes]}"
