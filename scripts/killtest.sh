#!/usr/bin/env bash
# kill -9 test of a Go writer (go/internal/killwriter) on the ferrolite
# database/sql driver (engine as wasm on wazero, CGO_ENABLED=0).
#
#   scripts/killtest.sh [delete|wal] [ROUNDS]     (default: delete, 12 rounds)
#
# Each round starts the writer on the same file (journal_mode as given,
# synchronous FULL; it resumes at max(txn)+1 and prints "ack T" after each
# COMMIT returns), then SIGKILLs it: on every third round while a large
# transaction (12,000 rows, several MiB, more than the page cache) is in
# flight, otherwise at a random moment. In WAL mode the writer also runs
# its own wal_checkpoint (PASSIVE or TRUNCATE, by round) every 50th
# transaction, so some kills land in a checkpoint. The next opener alternates between
# the sqlite3 shell and ferrolite's pure-Go shell (go/cmd/ferrolite); it
# recovers the file and must see
#   - every acknowledged transaction, and every transaction an earlier round
#     saw (nothing committed is ever lost);
#   - no transaction that was not acknowledged, except possibly the single
#     one in flight at the kill;
#   - whole transactions only (each has exactly its `total` rows, k = 0..total-1)
#     and intact rows (chk and pad recomputed in SQL);
#   - PRAGMA integrity_check ok.
# At the end both engines run integrity_check and must list the same
# transactions. KILLTEST_SEED fixes the random kill moments. Prints
# "N passed, M failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=${1:-delete}
rounds=${2:-12}
seed=${KILLTEST_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$seed
work=$(mktemp -d)
[ -n "${KILLTEST_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ -n "${2:-}" ] && echo "$2" | head -20; }

export CGO_ENABLED=0
(cd go && go build -o "$work/killwriter" ./internal/killwriter && go build -o "$work/ferrolite" ./cmd/ferrolite) \
  || { echo "killtest: build failed"; echo "0 passed, 1 failed"; exit 1; }
command -v sqlite3 >/dev/null || scripts/deps.sh >&2
echo "killtest: journal_mode $mode, $rounds rounds, KILLTEST_SEED=$seed"

db="$work/kill.db"
: > "$work/acked"     # every acknowledged transaction, all rounds
: > "$work/accepted"  # in-flight transactions a later opener found committed
whole_q="SELECT txn FROM rows GROUP BY txn HAVING count(*) != max(total) OR min(total) != max(total) OR count(DISTINCT k) != max(total) OR min(k) != 0 OR max(k) != max(total) - 1;"
rows_q="SELECT count(*) FROM rows WHERE chk != (txn*1000003 + k) % 2147483647 OR pad != replace(hex(zeroblob(50 + (k*7) % 300)), '00', char(97 + txn % 26));"
big_kills=0
ckpt_kills=0
ckpts_total=0

# wait_line FILE REGEX PID: waits until FILE has a line matching REGEX (0) or PID exits / 30 s pass (1).
wait_line() {
  local i
  for i in $(seq 1 3000); do
    grep -qE "$2" "$1" && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

for r in $(seq 1 "$rounds"); do
  out="$work/round$r.out"
  : > "$out"
  ckpt=()
  if [ "$mode" = wal ]; then # the writer's own checkpoints every 50th transaction: none, PASSIVE, TRUNCATE by round
    case $((r % 3)) in 1) ckpt=(-checkpoint passive) ;; 2) ckpt=(-checkpoint truncate) ;; esac
  fi
  "$work/killwriter" -db "$db" -journal "$mode" -sync FULL -seed "$r$seed" -big 16 -big-rows 12000 "${ckpt[@]}" > "$out" 2> "$work/round$r.err" &
  pid=$!
  if [ $((r % 3)) = 0 ]; then
    # A large transaction in flight: wait for its "begin", then 0..79 ms.
    if ! wait_line "$out" '^begin [0-9]+ 12000$' "$pid"; then
      bad "round $r: the writer never began a large transaction" "$(tail -3 "$out"; cat "$work/round$r.err")"
      kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; continue
    fi
    sleep "0.0$(printf '%02d' $((RANDOM % 80)))"
  else
    if ! wait_line "$out" '^start ' "$pid"; then
      bad "round $r: the writer did not start" "$(cat "$work/round$r.err")"
      wait "$pid" 2>/dev/null; continue
    fi
    sleep "0.$(printf '%03d' $((50 + RANDOM % 900)))"
  fi
  if ! kill -9 "$pid" 2>/dev/null; then
    bad "round $r: the writer exited before the kill" "$(cat "$work/round$r.err")"
  fi
  wait "$pid" 2>/dev/null
  grep '^ack ' "$out" | cut -d' ' -f2 >> "$work/acked"
  sort -n -o "$work/acked" "$work/acked"
  last_begin=$(grep '^begin ' "$out" | tail -1)
  inflight=$(echo "$last_begin" | cut -d' ' -f2)
  if [ -n "$inflight" ] && grep -qx "ack $inflight" "$out"; then inflight=; fi
  if [ -n "$inflight" ] && [ "$(echo "$last_begin" | cut -d' ' -f3)" = 12000 ]; then big_kills=$((big_kills+1)); fi
  acks=$(grep -c '^ack ' "$out")
  ckpts_total=$((ckpts_total + $(grep -c '^checkpointed ' "$out")))
  if tail -1 "$out" | grep -q '^checkpoint '; then ckpt_kills=$((ckpt_kills+1)); fi

  if [ $((r % 2)) = 1 ]; then opener=sqlite3; run() { sqlite3 "$db" "$1" 2>&1; }
  else opener=ferrolite; run() { "$work/ferrolite" "$db" "$1" 2>&1; }; fi
  seen=$(run "SELECT txn FROM rows GROUP BY txn ORDER BY txn;")
  echo "$seen" > "$work/seen"
  name="round $r ($opener opens after kill; $acks acked this round, in flight: ${inflight:-none})"
  if grep -qvE '^[0-9]*$' "$work/seen"; then bad "$name: query failed" "$seen"; continue; fi
  lost=$(comm -23 <(sort -u "$work/acked" "$work/accepted") <(sort -u "$work/seen"))
  extra=$(comm -13 <(sort -u "$work/acked" "$work/accepted") <(sort -u "$work/seen"))
  if [ -n "$lost" ]; then bad "$name: committed transactions missing" "$lost"; else ok "$name: no committed transaction lost"; fi
  if [ -z "$extra" ]; then ok "$name: no unacknowledged transaction"
  elif [ "$extra" = "$inflight" ]; then ok "$name: the in-flight transaction $inflight committed before the kill"; echo "$inflight" >> "$work/accepted"
  else bad "$name: unacknowledged transactions present (in flight was ${inflight:-none})" "$extra"; fi
  v=$(run "$whole_q"); [ -z "$v" ] && ok "$name: whole transactions only" || bad "$name: partial transactions" "$v"
  v=$(run "$rows_q"); [ "$v" = 0 ] && ok "$name: rows intact" || bad "$name: damaged rows" "$v"
  v=$(run "PRAGMA integrity_check;"); [ "$v" = ok ] && ok "$name: integrity_check" || bad "$name: integrity_check" "$v"
done

[ "$mode" = wal ] && echo "killtest: the writer completed $ckpts_total checkpoints of its own; $ckpt_kills rounds killed it inside one"
if [ "$big_kills" -gt 0 ]; then ok "$big_kills rounds killed the writer with a large transaction in flight"
else bad "no round killed the writer with a large transaction in flight"; fi
a=$(sqlite3 "$db" "PRAGMA integrity_check; SELECT count(*), count(DISTINCT txn), max(txn) FROM rows;" 2>&1)
b=$("$work/ferrolite" "$db" "PRAGMA integrity_check; SELECT count(*), count(DISTINCT txn), max(txn) FROM rows;" 2>&1)
if [ "$a" = "$b" ] && [ "${a%%$'\n'*}" = ok ]; then ok "final: sqlite3 and ferrolite agree: $(echo $a)"
else bad "final: sqlite3 and ferrolite disagree" "sqlite3: $a"$'\n'"ferrolite: $b"; fi
echo "killtest ($mode): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
