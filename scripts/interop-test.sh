#!/usr/bin/env bash
# Interop between ferrolite (the pure-Go shell go/cmd/ferrolite, built with
# CGO_ENABLED=0, so the engine runs as wasm on wazero) and the real sqlite3
# shell on the same files:
#   1. ferrolite writes; sqlite3's integrity_check says ok and both read the same rows;
#   2. sqlite3 writes (many rows, overflow blobs, an index, several page sizes);
#      ferrolite reads the same rows, then writes into the indexed table, and
#      sqlite3's integrity_check still says ok.
# Prints "N passed, M failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd go && CGO_ENABLED=0 go build -o "$work/ferrolite" ./cmd/ferrolite) || { echo "interop: build failed"; echo "0 passed, 1 failed"; exit 1; }
FL="$work/ferrolite"
pass=0; fail=0

check() { # name, expected, actual
  if [ "$2" == "$3" ]; then pass=$((pass+1)); echo "ok   $1"
  else fail=$((fail+1)); echo "FAIL $1"; diff <(echo "$2") <(echo "$3") | head -20; fi
}

# 1. ferrolite writes, sqlite3 reads.
db="$work/fl.db"
"$FL" "$db" <<'SQL'
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, data BLOB, n);
CREATE INDEX t_name ON t(name);
BEGIN;
INSERT INTO t(name, score, data, n) VALUES ('alice', 1.5, x'00ff10', 1), ('bob', NULL, NULL, 'x'), ('carol', -2.25e10, x'', 3.0);
INSERT INTO t(name, n) VALUES ('dave', 12345678901234);
COMMIT;
UPDATE t SET score = score * 2 WHERE name = 'alice';
DELETE FROM t WHERE name = 'bob';
CREATE TABLE big(k INTEGER PRIMARY KEY, v TEXT, b BLOB);
SQL
# Bulk rows, some large enough to overflow.
{ echo "BEGIN;"; for i in $(seq 1 3000); do echo "INSERT INTO big(v, b) VALUES ('row $i', zeroblob($(( (i % 50 == 0) * 9000 + 10 ))));"; done; echo "COMMIT;"; } | "$FL" "$db"
check "ferrolite file passes sqlite3 integrity_check" "ok" "$(sqlite3 "$db" 'PRAGMA integrity_check')"
q1="SELECT id, name, typeof(score), score, hex(data), n, typeof(n) FROM t ORDER BY id;"
check "sqlite3 reads ferrolite's rows" "$(printf '1|alice|real|3.0|00FF10|1|integer\n3|carol|real|-22500000000.0||3.0|real\n4|dave|null|||12345678901234|integer')" "$(sqlite3 "$db" "$q1")"
check "ferrolite reads its own rows like sqlite3" "$(sqlite3 "$db" "$q1")" "$("$FL" "$db" "$q1")"
q2="SELECT count(*), sum(length(b)), min(k), max(k) FROM big;"
check "bulk rows seen by sqlite3" "3000|570000|1|3000" "$(sqlite3 "$db" "$q2")"

# 2. sqlite3 writes, ferrolite reads and writes.
for ps in 512 4096 65536; do
  db="$work/sq$ps.db"
  sqlite3 "$db" <<SQL
PRAGMA page_size=$ps;
CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL, payload BLOB);
CREATE INDEX items_name ON items(name);
CREATE UNIQUE INDEX items_qty_name ON items(qty, name);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 5000)
INSERT INTO items(name, qty, price, payload)
  SELECT 'item-' || i, i * 7, i / 4.0, CASE WHEN i % 100 = 0 THEN randomblob(70000) ELSE randomblob(i % 40) END FROM c;
CREATE TABLE notes(k TEXT PRIMARY KEY, body TEXT);
INSERT INTO notes VALUES ('a', 'short'), ('b', replace(hex(zeroblob(30000)), '0', 'x'));
SQL
  for q in "SELECT count(*), sum(qty), total(price), sum(length(payload)) FROM items;" \
           "SELECT id, name, qty, price, hex(payload) FROM items WHERE id % 97 = 0 ORDER BY id;" \
           "SELECT k, length(body), substr(body, 29990) FROM notes ORDER BY k;"; do
    check "page_size $ps: ferrolite reads: $q" "$(sqlite3 "$db" "$q")" "$("$FL" "$db" "$q")"
  done
  "$FL" "$db" <<'SQL'
BEGIN;
INSERT INTO items(name, qty, price, payload) VALUES ('new-1', -1, 0.5, x'01'), ('new-2', -2, 1.5, zeroblob(100000));
UPDATE items SET name = name || '-renamed', qty = qty + 1 WHERE id % 10 = 0;
DELETE FROM items WHERE id % 3 = 0;
INSERT INTO notes VALUES ('c', 'from ferrolite');
COMMIT;
SQL
  check "page_size $ps: sqlite3 integrity_check after ferrolite wrote" "ok" "$(sqlite3 "$db" 'PRAGMA integrity_check')"
  q="SELECT count(*), sum(qty), count(DISTINCT name) FROM items; SELECT id FROM items WHERE name = 'item-20-renamed';"
  check "page_size $ps: same rows after ferrolite wrote" "$(sqlite3 "$db" "$q")" "$("$FL" "$db" "$q")"
  err=$("$FL" "$db" "INSERT INTO items(name, qty) VALUES ('item-1', 7);" 2>&1)
  check "page_size $ps: unique index enforced by ferrolite" "Error: UNIQUE constraint failed: items.qty, items.name" "$err"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
