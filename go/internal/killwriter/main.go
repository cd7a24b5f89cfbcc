// Command killwriter is the victim of scripts/killtest.sh: it writes
// numbered transactions through the ferrolite database/sql driver until it
// is killed (or has written -txns of them) and reports on stdout, with one
// unbuffered write per line:
//
//	start T        the first transaction number it will write (max(txn)+1)
//	begin T N      transaction T with N rows is about to start
//	ack T          COMMIT of transaction T returned without error
//	checkpoint T M / checkpointed T busy=B log=L checkpointed=C
//	               around its own wal_checkpoint(M) after transaction T
//
// Table (created if missing):
//
//	rows(id INTEGER PRIMARY KEY, txn INTEGER NOT NULL, k INTEGER NOT NULL,
//	     total INTEGER NOT NULL, chk INTEGER NOT NULL, pad TEXT NOT NULL)
//
// Transaction T writes rows k = 0..N-1 with total = N, chk =
// (T*1000003 + k) % 2147483647 and pad = N-independent text of length
// 50 + (k*7) % 300 made of the letter char(97 + T%26), so a checker can tell
// a whole transaction (count = total, distinct k = total) and an intact row
// (chk and pad recomputed) with SQL alone. Every -big-th transaction is
// large (-big-rows rows, several MiB, more than the page cache), the others
// have 1..20 rows.
//
// Flags: -db PATH, -journal delete|wal, -sync FULL|NORMAL|..., -seed S,
// -txns N (0 = until killed), -checkpoint passive|truncate (WAL: run
// PRAGMA wal_checkpoint(MODE) after every 50th transaction).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strings"

	_ "github.com/ferrolite/ferrolite/go/driver"
)

const schema = `CREATE TABLE IF NOT EXISTS rows(id INTEGER PRIMARY KEY, txn INTEGER NOT NULL, k INTEGER NOT NULL,
  total INTEGER NOT NULL, chk INTEGER NOT NULL, pad TEXT NOT NULL)`

func main() {
	path := flag.String("db", "", "database file")
	journal := flag.String("journal", "delete", "journal_mode (delete or wal)")
	syncMode := flag.String("sync", "FULL", "synchronous setting")
	seed := flag.Int64("seed", 1, "random seed for transaction sizes")
	txns := flag.Int("txns", 0, "stop after this many transactions (0: until killed)")
	big := flag.Int("big", 8, "every big-th transaction is large")
	bigRows := flag.Int("big-rows", 12000, "rows of a large transaction")
	checkpoint := flag.String("checkpoint", "", "WAL: checkpoint mode run every 50th transaction (passive, truncate)")
	flag.Parse()
	if *path == "" {
		fmt.Fprintln(os.Stderr, "usage: killwriter -db PATH [-journal delete|wal] [-sync FULL] [-seed S] [-txns N]")
		os.Exit(2)
	}
	if err := run(*path, *journal, *syncMode, *seed, *txns, *big, *bigRows, *checkpoint); err != nil {
		fmt.Fprintln(os.Stderr, "killwriter:", err)
		os.Exit(1)
	}
}

// say writes one line with a single write call (os.Stdout is unbuffered), so
// a line that reached the file was printed before the kill.
func say(format string, a ...any) {
	os.Stdout.WriteString(fmt.Sprintf(format, a...) + "\n")
}

// Pad is the text of row k of transaction t.
func Pad(t int64, k int) string {
	return strings.Repeat(string(rune('a'+t%26)), 50+(k*7)%300)
}

func run(path, journal, syncMode string, seed int64, txns, big, bigRows int, checkpoint string) error {
	ctx := context.Background()
	dsn := fmt.Sprintf("file:%s?_pragma=journal_mode(%s)&_pragma=synchronous(%s)&_pragma=busy_timeout(10000)",
		path, journal, syncMode)
	db, err := sql.Open("ferrolite", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, journal) {
		return fmt.Errorf("journal_mode is %q, want %q", mode, journal)
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return err
	}
	var next int64
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(txn), 0) + 1 FROM rows").Scan(&next); err != nil {
		return err
	}
	say("start %d", next)
	rng := rand.New(rand.NewSource(seed))
	for done := 0; txns == 0 || done < txns; done++ {
		t := next
		n := 1 + rng.Intn(20)
		if big > 0 && t%int64(big) == 0 {
			n = bigRows
		}
		say("begin %d %d", t, n)
		if err := writeTxn(ctx, db, t, n); err != nil {
			return fmt.Errorf("transaction %d: %w", t, err)
		}
		say("ack %d", t)
		next++
		if checkpoint != "" && t%50 == 0 {
			var busy, logFrames, ckpt int
			q := fmt.Sprintf("PRAGMA wal_checkpoint(%s)", checkpoint)
			say("checkpoint %d %s", t, checkpoint)
			if err := db.QueryRowContext(ctx, q).Scan(&busy, &logFrames, &ckpt); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
			say("checkpointed %d busy=%d log=%d checkpointed=%d", t, busy, logFrames, ckpt)
		}
	}
	return nil
}

func writeTxn(ctx context.Context, db *sql.DB, t int64, n int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, "INSERT INTO rows(txn, k, total, chk, pad) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer st.Close()
	for k := 0; k < n; k++ {
		if _, err := st.ExecContext(ctx, t, k, n, (t*1000003+int64(k))%2147483647, Pad(t, k)); err != nil {
			return err
		}
	}
	return tx.Commit()
}
