// Command litestream-example is a small service on ferrolite's database/sql
// driver (CGO_ENABLED=0) whose database Litestream replicates: it appends
// batches of events in WAL mode, one transaction per batch, and prints
// "ack T" once the COMMIT of batch T has returned. See README.md.
//
//	go run . -db app.db -txns 1000                 # 1000 batches, then exit
//	go run . -db app.db -txns 0 -interval 100ms    # one batch every 100 ms until SIGINT/SIGTERM
//
// The connection runs journal_mode=WAL (what Litestream needs), synchronous
// NORMAL (durable at checkpoints, consistent always; the usual pairing with
// WAL), and busy_timeout 2 s, so a moment where Litestream holds a lock is
// waited out rather than returned as SQLITE_BUSY. -checkpoint passive|truncate
// runs PRAGMA wal_checkpoint(MODE) every -every batches; by default the
// service leaves checkpoints to Litestream (and SQLite's autocheckpoint).
//
// Batch T holds N = 1..8 events (500 when T % 97 == 0), rows k = 0..N-1 of
// events(id, txn, k, total, chk, pad) with total = N, chk = (T*1000003 + k)
// % 2147483647 and pad = 50 + (k*7) % 300 copies of the letter 97 + T % 26,
// so scripts/litestream-test.sh can check a restored copy with SQL alone.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	_ "github.com/ferrolite/ferrolite/go/driver"
)

const schema = `CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, txn INTEGER NOT NULL,
  k INTEGER NOT NULL, total INTEGER NOT NULL, chk INTEGER NOT NULL, pad TEXT NOT NULL)`

func main() {
	path := flag.String("db", "app.db", "database file")
	txns := flag.Int("txns", 1000, "batches to write (0: until SIGINT/SIGTERM)")
	interval := flag.Duration("interval", 0, "pause between batches")
	checkpoint := flag.String("checkpoint", "none", "none, passive or truncate: the service's own checkpoints")
	every := flag.Int("every", 200, "batches between the service's checkpoints")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *path, *txns, *interval, *checkpoint, *every); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, path string, txns int, interval time.Duration, checkpoint string, every int) error {
	switch checkpoint {
	case "none", "passive", "truncate":
	default:
		return fmt.Errorf("-checkpoint %q: want none, passive or truncate", checkpoint)
	}
	db, err := sql.Open("ferrolite", "file:"+path+
		"?_pragma=journal_mode(wal)&_pragma=synchronous(normal)&_pragma=busy_timeout(2000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one writer; readers would get connections of their own
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal_mode is %q, want wal", mode)
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return err
	}
	var next int64
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(txn), 0) + 1 FROM events").Scan(&next); err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(next))
	for done := 0; txns == 0 || done < txns; done++ {
		if ctx.Err() != nil {
			return nil // stopped by a signal between batches
		}
		t := next
		n := 1 + rng.Intn(8)
		if t%97 == 0 {
			n = 500
		}
		if err := writeBatch(ctx, db, t, n); err != nil {
			return fmt.Errorf("batch %d: %w", t, err)
		}
		fmt.Printf("ack %d\n", t)
		next++
		if checkpoint != "none" && every > 0 && t%int64(every) == 0 {
			var busy, logFrames, ckpt int
			q := fmt.Sprintf("PRAGMA wal_checkpoint(%s)", checkpoint)
			if err := db.QueryRowContext(ctx, q).Scan(&busy, &logFrames, &ckpt); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
			fmt.Printf("checkpoint %s busy=%d log=%d checkpointed=%d\n", checkpoint, busy, logFrames, ckpt)
		}
		if interval > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(interval):
			}
		}
	}
	return nil
}

func writeBatch(ctx context.Context, db *sql.DB, t int64, n int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, "INSERT INTO events(txn, k, total, chk, pad) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer st.Close()
	for k := 0; k < n; k++ {
		pad := strings.Repeat(string(rune('a'+t%26)), 50+(k*7)%300)
		if _, err := st.ExecContext(ctx, t, k, n, (t*1000003+int64(k))%2147483647, pad); err != nil {
			return err
		}
	}
	return tx.Commit()
}
