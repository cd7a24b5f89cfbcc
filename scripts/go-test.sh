#!/usr/bin/env bash
# Go side of the tests: vet and test the Go module with CGO_ENABLED=0 (the
# engine runs as wasm on wazero), cross-compile for linux/arm64,
# darwin/arm64 and windows/amd64, and build and run examples/go-basic.
# The driver tests compare files with the real sqlite3 shell, which this
# script installs when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CGO_ENABLED=0

if ! command -v sqlite3 >/dev/null 2>&1; then
  echo "go-test: installing the sqlite3 shell" >&2
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq sqlite3) >&2
  else
    (sudo apt-get update -qq && sudo apt-get install -y -qq sqlite3) >&2
  fi
fi

cd "$root/go"
echo "go-test: vet"
go vet ./...
echo "go-test: test"
status=0
go test -count=1 ./... "$@" || status=1
echo "go-test: vfs with the process-owned POSIX lock table (darwin's implementation)"
go test -count=1 -tags ferrolite_posixlocks ./internal/vfs/ || status=1
echo "go-test: WAL (shared -shm locks and mapping) with the process-owned POSIX lock table"
go test -count=1 -tags ferrolite_posixlocks -run 'TestWAL|TestShm|TestEngineRefuses' ./driver/ ./internal/wasmhost/ || status=1
for target in linux/arm64 darwin/arm64 windows/amd64; do
  echo "go-test: build $target"
  GOOS=${target%/*} GOARCH=${target#*/} go build ./...
  GOOS=${target%/*} GOARCH=${target#*/} go vet ./internal/vfs/
done

echo "go-test: examples/go-basic"
cd "$root/examples/go-basic"
go vet .
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run . -db "$work/example.db" > "$work/out.txt"
cat "$work/out.txt"
lines=$(wc -l < "$work/out.txt")
if [ "$lines" != 3 ]; then
  echo "go-test: examples/go-basic printed $lines rows, want 3" >&2
  exit 1
fi
check=$(sqlite3 "$work/example.db" 'PRAGMA integrity_check; SELECT count(*) FROM books;')
if [ "$check" != $'ok\n3' ]; then
  echo "go-test: sqlite3 on the example's database says: $check" >&2
  exit 1
fi
if [ "$status" != 0 ]; then
  echo "go-test: FAILED (see the test output above)" >&2
  exit 1
fi
echo "go-test: ok"
