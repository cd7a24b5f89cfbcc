#!/usr/bin/env bash
# Builds the C library in release, compiles examples/c/main.c with cc, runs
# it and compares its output with examples/c/expected.txt; then checks the
# database it wrote with the sqlite3 shell (integrity and rows) when present.
# When SQLite's own header and library are installed, the same program is
# also built against them (examples/c/sqlite-shim) to confirm expected.txt is
# what real SQLite prints.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
cargo build -q --release -p ferrolite
libdir=$target/release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -std=c99 -Wall -Wextra -Werror -o "$tmp/example" examples/c/main.c -Iinclude \
  -L"$libdir" -lferrolite -Wl,-rpath,"$libdir"
if ! (cd "$tmp" && ./example example.db > output.txt); then
  echo "c-example: the example failed; its output was:" >&2
  cat "$tmp/output.txt" >&2
  exit 1
fi
if [ -f /usr/include/sqlite3.h ] && cc -std=c99 -Wall -Wextra -Werror -o "$tmp/example-sqlite" examples/c/main.c \
     -Iexamples/c/sqlite-shim -lsqlite3 2>/dev/null; then
  (cd "$tmp" && ./example-sqlite sqlite.db > sqlite-output.txt)
  if ! diff -u examples/c/expected.txt "$tmp/sqlite-output.txt"; then
    echo "c-example: expected.txt is not what real SQLite prints" >&2
    exit 1
  fi
fi
if ! diff -u examples/c/expected.txt "$tmp/output.txt"; then
  echo "c-example: output differs from examples/c/expected.txt" >&2
  exit 1
fi
if command -v sqlite3 >/dev/null 2>&1; then
  check=$(sqlite3 "$tmp/example.db" "PRAGMA integrity_check; SELECT count(*), sum(qty) FROM items; SELECT hex(data) FROM items WHERE id = 1;")
  want=$'ok\n3|13\nDEADBEEF'
  if [ "$check" != "$want" ]; then
    echo "c-example: sqlite3 reads the example's database as:" >&2
    echo "$check" >&2
    exit 1
  fi
fi
echo "c-example: ok"
