// Command go-basic shows the ferrolite database/sql driver with
// CGO_ENABLED=0: it creates a database, a table, inserts rows with
// parameters in a transaction, and queries them back.
//
//	cd examples/go-basic && CGO_ENABLED=0 go run . [-db example.db]
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"time"

	_ "github.com/ferrolite/ferrolite/go/driver"
)

func main() {
	path := flag.String("db", "example.db", "database file")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	db, err := sql.Open("ferrolite", "file:"+*path+"?_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS books(
		id INTEGER PRIMARY KEY,
		title TEXT NOT NULL,
		year INTEGER,
		rating REAL,
		added DATETIME
	)`); err != nil {
		log.Fatal(err)
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	books := []struct {
		title  string
		year   int
		rating float64
	}{
		{"The Mythical Man-Month", 1975, 4.5},
		{"Structure and Interpretation of Computer Programs", 1985, 4.8},
		{"The C Programming Language", 1978, 4.6},
	}
	now := time.Now().UTC().Truncate(time.Second)
	for _, b := range books {
		if _, err := tx.ExecContext(ctx, `INSERT INTO books(title, year, rating, added) VALUES (?, ?, ?, ?)`,
			b.title, b.year, b.rating, now); err != nil {
			tx.Rollback()
			log.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		log.Fatal(err)
	}

	rows, err := db.QueryContext(ctx, `SELECT id, title, year, rating, added FROM books WHERE year < ? ORDER BY year`, 2000)
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id     int64
			title  string
			year   int
			rating float64
			added  time.Time
		)
		if err := rows.Scan(&id, &title, &year, &rating, &added); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d\t%d\t%.1f\t%s\t(added %s)\n", id, year, rating, title, added.Format(time.RFC3339))
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
}
