"""Reference writer for scripts/litestream-test.sh: the same workload as
examples/litestream (ferrolite) through Python's sqlite3 (real SQLite), used
to validate the harness and Litestream on this machine.

    python3 litestream_writer.py DB TXNS [passive|truncate|none] [EVERY]

WAL mode, busy_timeout 2 s (a TRUNCATE checkpoint waits that long for
Litestream's read lock), synchronous NORMAL. Transaction T (1..TXNS
after the current maximum) writes rows k = 0..N-1 of the table events with
total = N, chk = (T*1000003 + k) % 2147483647 and a pad of
50 + (k*7) % 300 copies of chr(97 + T % 26); prints "ack T" after COMMIT.
With a checkpoint mode, runs PRAGMA wal_checkpoint(MODE) after every
EVERY-th transaction.
"""
import random
import sqlite3
import sys

SCHEMA = """CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, txn INTEGER NOT NULL,
  k INTEGER NOT NULL, total INTEGER NOT NULL, chk INTEGER NOT NULL, pad TEXT NOT NULL)"""


def main():
    path, txns = sys.argv[1], int(sys.argv[2])
    mode = sys.argv[3] if len(sys.argv) > 3 else "none"
    every = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    db = sqlite3.connect(path, isolation_level=None, timeout=2)
    if db.execute("PRAGMA journal_mode=WAL").fetchone()[0] != "wal":
        sys.exit("journal_mode is not wal")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(SCHEMA)
    start = db.execute("SELECT coalesce(max(txn), 0) + 1 FROM events").fetchone()[0]
    rng = random.Random(start)
    for t in range(start, start + txns):
        n = 500 if t % 97 == 0 else rng.randint(1, 8)
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO events(txn, k, total, chk, pad) VALUES (?, ?, ?, ?, ?)",
            [(t, k, n, (t * 1000003 + k) % 2147483647, chr(97 + t % 26) * (50 + (k * 7) % 300)) for k in range(n)],
        )
        db.execute("COMMIT")
        print(f"ack {t}", flush=True)
        if mode != "none" and t % every == 0:
            busy, log, ckpt = db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
            print(f"checkpoint {mode} busy={busy} log={log} checkpointed={ckpt}", flush=True)
    db.close()


if __name__ == "__main__":
    main()
