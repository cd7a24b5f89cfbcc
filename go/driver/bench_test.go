package driver_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

// BenchmarkScan reads a 10k-row table through database/sql (ns/op is per
// row).
func BenchmarkScan(b *testing.B) {
	db, err := sql.Open("ferrolite", filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, n INTEGER)`); err != nil {
		b.Fatal(err)
	}
	tx, _ := db.Begin()
	for i := 0; i < 10000; i++ {
		if _, err := tx.Exec(`INSERT INTO t VALUES (?, ?, ?, ?)`, i, fmt.Sprintf("name %d", i), float64(i)/4, i%1000); err != nil {
			b.Fatal(err)
		}
	}
	tx.Commit()
	b.ResetTimer()
	rows := 0
	for rows < b.N {
		r, err := db.Query(`SELECT id, name, score, n FROM t`)
		if err != nil {
			b.Fatal(err)
		}
		var (
			id, n int64
			name  string
			score float64
		)
		for r.Next() && rows < b.N {
			if err := r.Scan(&id, &name, &score, &n); err != nil {
				b.Fatal(err)
			}
			rows++
		}
		r.Close()
	}
}

// BenchmarkStepRaw is the same scan on the low-level API, without
// database/sql.
func BenchmarkStepRaw(b *testing.B) {
	ctx := b.Context()
	c, err := ferrolite.Open(ctx, ":memory:")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Exec(ctx, `CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, n INTEGER)`); err != nil {
		b.Fatal(err)
	}
	ins, _, _ := c.Prepare(ctx, `INSERT INTO t VALUES (?, ?, ?, ?)`)
	c.Exec(ctx, "BEGIN")
	for i := 0; i < 10000; i++ {
		if err := ins.Exec(ctx, i, fmt.Sprintf("name %d", i), float64(i)/4, i%1000); err != nil {
			b.Fatal(err)
		}
	}
	c.Exec(ctx, "COMMIT")
	ins.Close()
	sel, _, _ := c.Prepare(ctx, `SELECT id, name, score, n FROM t`)
	defer sel.Close()
	b.ResetTimer()
	for rows := 0; rows < b.N; {
		for rows < b.N {
			ok, err := sel.Step(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if !ok {
				break
			}
			rows++
		}
		sel.Reset(ctx)
	}
}
