package driver_test

// End-to-end tests of the database/sql driver: the engine runs as wasm on
// wazero, files are checked with the real sqlite3 shell.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ferrolite "github.com/ferrolite/ferrolite/go"
	"github.com/ferrolite/ferrolite/go/driver"
)

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("ferrolite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func tempDB(t *testing.T) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	return openDB(t, path), path
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) sql.Result {
	t.Helper()
	r, err := db.Exec(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return r
}

// sqlite3 runs the real sqlite3 shell (installed by scripts/go-test.sh).
func sqlite3(t *testing.T, path, sql string) string {
	t.Helper()
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatalf("the sqlite3 shell is required (scripts/go-test.sh installs it): %v", err)
	}
	cmd := exec.Command(bin, path)
	cmd.Stdin = strings.NewReader(sql)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3 %s: %v\n%s", path, err, out)
	}
	return strings.TrimRight(string(out), "\n")
}

func TestParameterTypesRoundTrip(t *testing.T) {
	db, _ := tempDB(t)
	mustExec(t, db, `CREATE TABLE v(id INTEGER PRIMARY KEY, i INTEGER, f REAL, b BOOLEAN, s TEXT, bl BLOB, ts DATETIME, n)`)
	when := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("", 2*3600))
	r := mustExec(t, db, `INSERT INTO v(i, f, b, s, bl, ts, n) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		int64(math.MinInt64), 3.25, true, "héllo 'quoted'", []byte{0, 1, 2, 255}, when, nil)
	if id, err := r.LastInsertId(); err != nil || id != 1 {
		t.Fatalf("LastInsertId = %d, %v", id, err)
	}
	if n, err := r.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("RowsAffected = %d, %v", n, err)
	}
	// Every other Go integer and float kind, and an empty blob.
	mustExec(t, db, `INSERT INTO v(i, f, b, s, bl, ts, n) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		uint32(4000000000), float32(0.5), false, "", []byte{}, when.UTC(), int8(-7))
	mustExec(t, db, `INSERT INTO v(i, f, n) VALUES (?, ?, ?)`, uint64(math.MaxInt64), math.Inf(1), uint8(200))

	rows, err := db.Query(`SELECT i, f, b, s, bl, ts, n, typeof(n), typeof(bl) FROM v ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type row struct {
		i       int64
		f       float64
		b       sql.NullBool
		s       sql.NullString
		bl      []byte
		ts      sql.NullTime
		n       any
		tn, tbl string
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.i, &r.f, &r.b, &r.s, &r.bl, &r.ts, &r.n, &r.tn, &r.tbl); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d rows", len(got))
	}
	g := got[0]
	if g.i != math.MinInt64 || g.f != 3.25 || !g.b.Valid || !g.b.Bool || g.s.String != "héllo 'quoted'" ||
		!bytes.Equal(g.bl, []byte{0, 1, 2, 255}) || !g.ts.Valid || !g.ts.Time.Equal(when) || g.n != nil || g.tn != "null" || g.tbl != "blob" {
		t.Errorf("row 1 = %+v", g)
	}
	g = got[1]
	if g.i != 4000000000 || g.f != 0.5 || g.b.Bool || !g.s.Valid || g.s.String != "" || g.bl == nil || len(g.bl) != 0 ||
		!g.ts.Time.Equal(when) || g.n != int64(-7) || g.tbl != "blob" {
		t.Errorf("row 2 = %+v", g)
	}
	g = got[2]
	if g.i != math.MaxInt64 || !math.IsInf(g.f, 1) || g.b.Valid || g.s.Valid || g.bl != nil || g.ts.Valid || g.n != int64(200) || g.tbl != "null" {
		t.Errorf("row 3 = %+v", g)
	}

	// Beyond int64: an error, not a silent wrap.
	if _, err := db.Exec(`INSERT INTO v(i) VALUES (?)`, uint64(math.MaxInt64)+1); err == nil {
		t.Error("uint64 above MaxInt64 was accepted")
	}
	// Named parameters, in any of SQLite's spellings.
	var s string
	var n int64
	if err := db.QueryRow(`SELECT :a || @b, $c + ?4`, sql.Named("a", "x"), sql.Named("b", "y"), sql.Named("c", 40), 2).Scan(&s, &n); err != nil {
		t.Fatal(err)
	}
	if s != "xy" || n != 42 {
		t.Errorf("named parameters: %q %d", s, n)
	}
	if err := db.QueryRow(`SELECT :a`, sql.Named("zz", 1)).Scan(&s); err == nil {
		t.Error("an unknown named parameter was accepted")
	}
}

func TestRowsAffectedAndLastInsertID(t *testing.T) {
	db, _ := tempDB(t)
	mustExec(t, db, `CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)`)
	for i := 1; i <= 5; i++ {
		r := mustExec(t, db, `INSERT INTO t(v) VALUES (?)`, i*10)
		if id, _ := r.LastInsertId(); id != int64(i) {
			t.Fatalf("insert %d: LastInsertId %d", i, id)
		}
	}
	r := mustExec(t, db, `UPDATE t SET v = v + 1 WHERE v > ?`, 20)
	if n, _ := r.RowsAffected(); n != 3 {
		t.Errorf("UPDATE RowsAffected = %d, want 3", n)
	}
	r = mustExec(t, db, `DELETE FROM t WHERE id <= 2`)
	if n, _ := r.RowsAffected(); n != 2 {
		t.Errorf("DELETE RowsAffected = %d, want 2", n)
	}
	// A prepared statement run many times (and its cached copy).
	st, err := db.Prepare(`INSERT INTO t(id, v) VALUES (?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := 100; i < 110; i++ {
		r, err := st.Exec(i, -i)
		if err != nil {
			t.Fatal(err)
		}
		if id, _ := r.LastInsertId(); id != int64(i) {
			t.Fatalf("prepared insert: LastInsertId %d, want %d", id, i)
		}
	}
	var count, sum int64
	if err := db.QueryRow(`SELECT count(*), sum(v) FROM t`).Scan(&count, &sum); err != nil {
		t.Fatal(err)
	}
	if count != 13 || sum != 31+41+51-1045 {
		t.Errorf("count %d sum %d", count, sum)
	}
}

func TestMultiStatementExec(t *testing.T) {
	db, _ := tempDB(t)
	mustExec(t, db, `CREATE TABLE a(x); CREATE TABLE b(y);
		INSERT INTO a VALUES (?); INSERT INTO b VALUES (?), (?); -- trailing comment`, 1, 2, 3)
	var n int64
	if err := db.QueryRow(`SELECT (SELECT sum(x) FROM a) * 100 + (SELECT sum(y) FROM b)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 105 {
		t.Errorf("got %d, want 105", n)
	}
	if _, err := db.Exec(`INSERT INTO a VALUES (?)`, 1, 2); err == nil {
		t.Error("extra arguments were accepted")
	}
	if _, err := db.Query(`SELECT 1; SELECT 2`); err == nil {
		t.Error("Query with two statements was accepted")
	}
	// Empty SQL is no error.
	if _, err := db.Exec(` -- nothing `); err != nil {
		t.Errorf("empty exec: %v", err)
	}
}

func TestTransactions(t *testing.T) {
	db, _ := tempDB(t)
	mustExec(t, db, `CREATE TABLE t(v TEXT)`)
	ctx := context.Background()

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO t VALUES ('kept')`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	tx, err = db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO t VALUES ('dropped')`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("inside the transaction: %d rows, %v", n, err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var vals []string
	rows, err := db.Query(`SELECT v FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v string
		rows.Scan(&v)
		vals = append(vals, v)
	}
	rows.Close()
	if strings.Join(vals, ",") != "kept" {
		t.Errorf("after commit and rollback: %v", vals)
	}

	// Read-only transactions read but refuse writes.
	tx, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("read-only tx read: %d, %v", n, err)
	}
	_, err = tx.Exec(`INSERT INTO t VALUES ('no')`)
	if !errors.Is(err, ferrolite.READONLY) {
		t.Errorf("write in a read-only tx: %v, want READONLY", err)
	}
	tx.Rollback()

	if _, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted}); err == nil {
		t.Error("READ COMMITTED was accepted")
	}
	// A transaction begun with _txlock=immediate holds the write lock at once.
	dsn := "file:" + filepath.Join(t.TempDir(), "imm.db") + "?_txlock=immediate&_pragma=busy_timeout(0)"
	db2 := openDB(t, dsn)
	mustExec(t, db2, `CREATE TABLE t(v)`)
	tx, err = db2.Begin()
	if err != nil {
		t.Fatal(err)
	}
	other, err := db2.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.ExecContext(ctx, `INSERT INTO t VALUES (1)`)
	if !errors.Is(err, ferrolite.BUSY) {
		t.Errorf("write beside an IMMEDIATE transaction: %v, want BUSY", err)
	}
	other.Close()
	tx.Rollback()
}

func TestConcurrentWriters(t *testing.T) {
	db, path := tempDB(t)
	db.SetMaxOpenConns(8)
	mustExec(t, db, `CREATE TABLE t(g INTEGER, i INTEGER, PRIMARY KEY(g, i))`)
	const goroutines, each = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := db.Exec(`INSERT INTO t(g, i) VALUES (?, ?)`, g, i); err != nil {
					errs <- fmt.Errorf("goroutine %d insert %d: %w", g, i, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n, groups int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT g) FROM t`).Scan(&n, &groups); err != nil {
		t.Fatal(err)
	}
	if n != goroutines*each || groups != goroutines {
		t.Errorf("%d rows in %d groups, want %d in %d", n, groups, goroutines*each, goroutines)
	}
	db.Close()
	if got := sqlite3(t, path, "PRAGMA integrity_check; SELECT count(*) FROM t;"); got != "ok\n1600" {
		t.Errorf("sqlite3 sees %q", got)
	}
}

func TestContextCancelInterrupts(t *testing.T) {
	db, _ := tempDB(t)
	db.SetMaxOpenConns(1)
	mustExec(t, db, `CREATE TABLE t(x INTEGER)`)
	tx, _ := db.Begin()
	st, err := tx.Prepare(`INSERT INTO t VALUES (?)`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5000; i++ {
		if _, err := st.Exec(i); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	// 25 million joined rows: far longer than the deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	var n int64
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM t a, t b`).Scan(&n)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatalf("the query finished (%d) instead of being interrupted", n)
	}
	if elapsed > 3*time.Second {
		t.Errorf("interrupt took %v", elapsed)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want it to wrap context.DeadlineExceeded", err)
	}
	// Explicit cancel of a running query, then the connection still works.
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel2() }()
	start = time.Now()
	rows, err := db.QueryContext(ctx2, `SELECT a.x, b.x FROM t a, t b WHERE a.x + b.x = -1`)
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	if !errors.Is(err, context.Canceled) || time.Since(start) > 3*time.Second {
		t.Errorf("cancel: err = %v after %v", err, time.Since(start))
	}
	var e *ferrolite.Error
	if errors.As(err, &e) && e.Code != ferrolite.INTERRUPT {
		t.Errorf("code = %v, want INTERRUPT", e.Code)
	}
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 5000 {
		t.Errorf("after interrupts: %d, %v", n, err)
	}
}

func TestConstraintErrors(t *testing.T) {
	db, _ := tempDB(t)
	mustExec(t, db, `CREATE TABLE u(id INTEGER PRIMARY KEY, email TEXT UNIQUE, name TEXT NOT NULL)`)
	mustExec(t, db, `INSERT INTO u(email, name) VALUES ('a@x', 'a')`)
	_, err := db.Exec(`INSERT INTO u(email, name) VALUES ('a@x', 'b')`)
	if !errors.Is(err, ferrolite.CONSTRAINT_UNIQUE) || !errors.Is(err, ferrolite.CONSTRAINT) {
		t.Errorf("duplicate: %v, want CONSTRAINT_UNIQUE", err)
	}
	var e *ferrolite.Error
	if !errors.As(err, &e) || e.ExtendedCode != ferrolite.CONSTRAINT_UNIQUE || e.Msg != "UNIQUE constraint failed: u.email" {
		t.Errorf("error = %#v", e)
	}
	_, err = db.Exec(`INSERT INTO u(email, name) VALUES ('b@x', ?)`, nil)
	if !errors.Is(err, ferrolite.CONSTRAINT_NOTNULL) {
		t.Errorf("NULL name: %v, want CONSTRAINT_NOTNULL", err)
	}
	if err == nil || err.Error() != "NOT NULL constraint failed: u.name" {
		t.Errorf("message: %v", err)
	}
	_, err = db.Exec(`INSERT INTO u(id, email, name) VALUES (1, 'c@x', 'c')`)
	if !errors.Is(err, ferrolite.CONSTRAINT_PRIMARYKEY) {
		t.Errorf("duplicate rowid: %v, want CONSTRAINT_PRIMARYKEY", err)
	}
	_, err = db.Exec(`SELEC 1`)
	if !errors.Is(err, ferrolite.ERROR) || err.Error() != `near "SELEC": syntax error` {
		t.Errorf("syntax error: %v", err)
	}
	_, err = db.Exec(`INSERT INTO nope VALUES (1)`)
	if !errors.Is(err, ferrolite.ERROR) || err.Error() != "no such table: nope" {
		t.Errorf("missing table: %v", err)
	}
}

func TestShellReadsDriverFile(t *testing.T) {
	db, path := tempDB(t)
	mustExec(t, db, `CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, data BLOB, at DATETIME)`)
	mustExec(t, db, `CREATE INDEX t_name ON t(name)`)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2023, 12, 31, 23, 59, 58, 500000000, time.FixedZone("", -5*3600))
	for i := 1; i <= 500; i++ {
		var data []byte
		if i%100 == 0 {
			data = bytes.Repeat([]byte{byte(i)}, 6000) // overflow pages
		}
		if _, err := tx.Exec(`INSERT INTO t(name, score, data, at) VALUES (?, ?, ?, ?)`,
			fmt.Sprintf("name %03d", i), float64(i)/4, data, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	got := sqlite3(t, path, `PRAGMA integrity_check;
SELECT count(*), sum(score), sum(length(data)), min(name), max(name) FROM t;
SELECT datetime(at), id FROM t WHERE id = 7;
SELECT name FROM t WHERE name > 'name 498' ORDER BY name;`)
	want := "ok\n500|31312.5|30000|name 001|name 500\n2024-01-01 04:59:58|7\nname 499\nname 500"
	if got != want {
		t.Errorf("sqlite3 says:\n%s\nwant:\n%s", got, want)
	}
}

func TestDriverReadsShellFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shell.db")
	sqlite3(t, path, `CREATE TABLE s(id INTEGER PRIMARY KEY, v TEXT, r REAL, b BLOB, at TIMESTAMP);
CREATE INDEX s_v ON s(v);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 2000)
INSERT INTO s(v, r, b, at) SELECT 'v' || i, i * 0.5, CASE WHEN i % 500 = 0 THEN zeroblob(5000) END, '2020-02-02 10:00:00' FROM c;`)
	db := openDB(t, "file:"+path+"?mode=ro")
	var n, blobs int64
	var sum float64
	if err := db.QueryRow(`SELECT count(*), sum(r), sum(length(b)) FROM s`).Scan(&n, &sum, &blobs); err != nil {
		t.Fatal(err)
	}
	if n != 2000 || sum != 1000500 || blobs != 20000 {
		t.Errorf("count %d sum %v blobs %d", n, sum, blobs)
	}
	var v string
	var at time.Time
	if err := db.QueryRow(`SELECT v, at FROM s WHERE id = ?`, 1234).Scan(&v, &at); err != nil {
		t.Fatal(err)
	}
	if v != "v1234" || !at.Equal(time.Date(2020, 2, 2, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("row 1234: %q %v", v, at)
	}
	if _, err := db.Exec(`INSERT INTO s(v) VALUES ('x')`); !errors.Is(err, ferrolite.READONLY) {
		t.Errorf("write through mode=ro: %v, want READONLY", err)
	}
}

func TestColumnTypesAndConnector(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	db := driver.OpenDB(driver.Config{Path: path, BusyTimeout: time.Second})
	defer db.Close()
	mustExec(t, db, `CREATE TABLE c(a INTEGER, b VARCHAR(20), c REAL, d BLOB, e DATE, f BOOLEAN, g)`)
	rows, err := db.Query(`SELECT a, b, c, d, e, f, g, 1 + 1 AS two FROM c`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cols {
		got = append(got, fmt.Sprintf("%s:%s:%v", c.Name(), c.DatabaseTypeName(), c.ScanType()))
	}
	want := "a:INTEGER:int64 b:VARCHAR:string c:REAL:float64 d:BLOB:[]uint8 e:DATE:time.Time f:BOOLEAN:bool g::interface {} two::interface {}"
	if strings.Join(got, " ") != want {
		t.Errorf("column types:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}

func TestPingAndConnState(t *testing.T) {
	db := openDB(t, ":memory:")
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `CREATE TABLE m(x)`)
	mustExec(t, db, `INSERT INTO m VALUES (1), (2)`)
	// BEGIN and COMMIT as separate calls on a one-connection pool span the
	// statements between them (the pure-Go shell relies on this).
	mustExec(t, db, `BEGIN`)
	mustExec(t, db, `DELETE FROM m`)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM m`).Scan(&n); err != nil || n != 0 {
		t.Errorf("inside the transaction: %d rows, %v", n, err)
	}
	mustExec(t, db, `ROLLBACK`)
	if err := db.QueryRow(`SELECT count(*) FROM m`).Scan(&n); err != nil || n != 2 {
		t.Errorf("after ROLLBACK: %d rows, %v", n, err)
	}
	rows, err := db.Query(`BEGIN`) // as the shell runs every statement
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
	}
	rows.Close()
	mustExec(t, db, `INSERT INTO m VALUES (3)`)
	mustExec(t, db, `COMMIT`)
	if err := db.QueryRow(`SELECT count(*) FROM m`).Scan(&n); err != nil || n != 3 {
		t.Errorf("after BEGIN through Query, INSERT, COMMIT: %d rows, %v", n, err)
	}
	// Raw access to the low-level API.
	conn, _ := db.Conn(context.Background())
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c := dc.(*driver.Conn).Raw()
		if !c.GetAutocommit() {
			return errors.New("not in autocommit")
		}
		if c.MemoryPages() == 0 {
			return errors.New("no memory")
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// Cached statements must not outlive a schema change: "SELECT *" sees
// added columns and a table dropped and re-created with other columns.
func TestStatementCacheAcrossSchemaChanges(t *testing.T) {
	db := openDB(t, ":memory:")
	db.SetMaxOpenConns(1)
	mustExec(t, db, `CREATE TABLE t(a); INSERT INTO t VALUES (1)`)
	cols := func() string {
		t.Helper()
		rows, err := db.Query(`SELECT * FROM t`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		c, _ := rows.Columns()
		return strings.Join(c, ",")
	}
	if got := cols(); got != "a" {
		t.Fatalf("columns %q", got)
	}
	mustExec(t, db, `ALTER TABLE t ADD COLUMN b DEFAULT 7`)
	if got := cols(); got != "a,b" {
		t.Errorf("after ADD COLUMN: %q, want a,b", got)
	}
	rows, err := db.Query(`DROP TABLE t`) // schema change through Query
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
	}
	rows.Close()
	mustExec(t, db, `CREATE TABLE t(x, y, z); INSERT INTO t VALUES (1, 2, 3)`)
	if got := cols(); got != "x,y,z" {
		t.Errorf("after DROP and CREATE: %q, want x,y,z", got)
	}
	var z int
	if err := db.QueryRow(`SELECT z FROM t`).Scan(&z); err != nil || z != 3 {
		t.Errorf("z = %d, %v", z, err)
	}
}
