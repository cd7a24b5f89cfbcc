package ferrolite_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

// The low-level API: prepare once, bind and step, read the connection's
// counters.
func Example() {
	ctx := context.Background()
	conn, err := ferrolite.Open(ctx, ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	if err := conn.Exec(ctx, `CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, age INTEGER)`); err != nil {
		log.Fatal(err)
	}
	ins, _, err := conn.Prepare(ctx, `INSERT INTO users(name, age) VALUES (?, ?)`)
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range []struct {
		name string
		age  int
	}{{"ada", 36}, {"grace", 45}} {
		if err := ins.Exec(ctx, u.name, u.age); err != nil {
			log.Fatal(err)
		}
	}
	ins.Close()
	fmt.Println("last rowid:", conn.LastInsertRowID(), "changes:", conn.Changes())

	sel, _, err := conn.Prepare(ctx, `SELECT id, name, age FROM users WHERE age > ? ORDER BY id`)
	if err != nil {
		log.Fatal(err)
	}
	defer sel.Close()
	if err := sel.Bind(ctx, 30); err != nil {
		log.Fatal(err)
	}
	for {
		ok, err := sel.Step(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if !ok {
			break
		}
		row := sel.Row()
		fmt.Println(row[0], row[1], row[2])
	}
	// Output:
	// last rowid: 2 changes: 1
	// 1 ada 36
	// 2 grace 45
}

// Errors carry SQLite's primary and extended result codes.
func ExampleError() {
	ctx := context.Background()
	conn, err := ferrolite.Open(ctx, ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	conn.Exec(ctx, `CREATE TABLE t(k TEXT UNIQUE)`)
	conn.Exec(ctx, `INSERT INTO t VALUES ('a')`)
	err = conn.Exec(ctx, `INSERT INTO t VALUES ('a')`)

	fmt.Println(err)
	fmt.Println(errors.Is(err, ferrolite.CONSTRAINT), errors.Is(err, ferrolite.CONSTRAINT_UNIQUE))
	var e *ferrolite.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, "/", e.ExtendedCode == ferrolite.CONSTRAINT_UNIQUE)
	}
	// Output:
	// UNIQUE constraint failed: t.k
	// true true
	// constraint failed / true
}

// Prepare returns the rest of the SQL, so a script runs statement by
// statement.
func ExampleConn_Prepare() {
	ctx := context.Background()
	conn, err := ferrolite.Open(ctx, ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	sql := `SELECT 1 AS one; SELECT 'two' AS two;`
	for {
		stmt, tail, err := conn.Prepare(ctx, sql)
		if err != nil {
			log.Fatal(err)
		}
		if stmt == nil {
			break
		}
		if ok, err := stmt.Step(ctx); ok && err == nil {
			fmt.Println(stmt.ColumnName(0), "=", stmt.Row()[0])
		}
		stmt.Close()
		sql = tail
	}
	// Output:
	// one = 1
	// two = two
}
