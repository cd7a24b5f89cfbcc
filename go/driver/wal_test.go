package driver_test

// WAL mode end to end through the driver: the engine runs as wasm on
// wazero with the wal-index (-shm) mapped into its linear memory, next to
// real SQLite (the sqlite3 shell, Python's sqlite3 module in another
// process) on the same files.

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// sqlite3Timeout runs the sqlite3 shell with a busy timeout (the database
// is in use by others while it reads).
func sqlite3Timeout(t *testing.T, path, sql string) string {
	t.Helper()
	return sqlite3(t, path, ".timeout 10000\n"+sql)
}

// The DSN pragma puts every connection in WAL mode; the files are WAL
// files real SQLite reads while ferrolite has them open; a checkpoint
// moves the pages into the database; the last close removes -wal and -shm.
func TestWALDSNPragmaAndSqlite3Reads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wal.db")
	db := openDB(t, "file:"+path+"?_pragma=journal_mode(wal)&_pragma=busy_timeout(10000)")
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	mustExec(t, db, `CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)`)
	for i := 0; i < 50; i++ {
		mustExec(t, db, `INSERT INTO t(v) VALUES (?)`, strings.Repeat("x", i*40))
	}
	if !exists(path+"-wal") || !exists(path+"-shm") {
		t.Fatalf("WAL files missing: -wal %v, -shm %v", exists(path+"-wal"), exists(path+"-shm"))
	}
	if st, _ := os.Stat(path + "-shm"); st.Size() < 32768 {
		t.Fatalf("-shm is %d bytes, want at least one 32 KiB region", st.Size())
	}
	// SQLite reads the committed rows out of our WAL while we hold it open.
	want := "wal\n50|49000\nok"
	if got := sqlite3Timeout(t, path, "PRAGMA journal_mode; SELECT count(*), sum(length(v)) FROM t; PRAGMA integrity_check;"); got != want {
		t.Fatalf("sqlite3 during: %q, want %q", got, want)
	}
	// SQLite writes through the same wal-index; we see it at once.
	sqlite3Timeout(t, path, "INSERT INTO t(v) VALUES ('from sqlite');")
	var n int
	var last string
	if err := db.QueryRow(`SELECT count(*), (SELECT v FROM t ORDER BY id DESC LIMIT 1) FROM t`).Scan(&n, &last); err != nil || n != 51 || last != "from sqlite" {
		t.Fatalf("after sqlite3's insert: %d rows, last %q, %v", n, last, err)
	}
	var busy, logFrames, ckpt int
	if err := db.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &ckpt); err != nil {
		t.Fatal(err)
	}
	if busy != 0 || logFrames != 0 || ckpt != 0 {
		t.Fatalf("wal_checkpoint(TRUNCATE) = %d|%d|%d, want 0|0|0", busy, logFrames, ckpt)
	}
	if st, _ := os.Stat(path + "-wal"); st.Size() != 0 {
		t.Fatalf("-wal is %d bytes after a TRUNCATE checkpoint", st.Size())
	}
	if got := sqlite3Timeout(t, path, "SELECT count(*) FROM t; PRAGMA integrity_check;"); got != "51\nok" {
		t.Fatalf("sqlite3 after checkpoint: %q", got)
	}
	db.Close()
	if exists(path+"-wal") || exists(path+"-shm") {
		t.Fatalf("after the last close: -wal %v, -shm %v (SQLite removes both)", exists(path+"-wal"), exists(path+"-shm"))
	}
	if got := sqlite3(t, path, "PRAGMA journal_mode; SELECT count(*) FROM t; PRAGMA integrity_check;"); got != "wal\n51\nok" {
		t.Fatalf("sqlite3 after close: %q", got)
	}
	// Read only now: opening and closing the file in this process while a
	// connection has it open would drop the connection's locks where locks
	// are process-owned (darwin), as with SQLite.
	head := make([]byte, 20)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f.ReadAt(head, 0)
	f.Close()
	if head[18] != 2 || head[19] != 2 {
		t.Fatalf("header bytes 18/19 = %d/%d, want 2/2 (WAL)", head[18], head[19])
	}
}

// Two connections of one process on one WAL database: a reader keeps its
// snapshot while the writer commits, readers never block the writer, two
// writers exclude each other, and a write from a stale snapshot is
// BUSY_SNAPSHOT, as in SQLite.
func TestWALTwoConnectionsOneProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "two.db")
	db := openDB(t, "file:"+path+"?_pragma=journal_mode(wal)&_pragma=busy_timeout(0)")
	mustExec(t, db, `CREATE TABLE t(x INTEGER)`)
	mustExec(t, db, `INSERT INTO t VALUES (1)`)
	a, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	count := func(c *sql.Conn) int {
		t.Helper()
		var n int
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	exec := func(c *sql.Conn, q string) error {
		_, err := c.ExecContext(ctx, q)
		return err
	}
	// b opens a read transaction (snapshot with 1 row).
	if err := exec(b, `BEGIN`); err != nil {
		t.Fatal(err)
	}
	if n := count(b); n != 1 {
		t.Fatalf("b sees %d rows", n)
	}
	// a writes and commits while b reads: no BUSY in WAL mode.
	if err := exec(a, `BEGIN IMMEDIATE`); err != nil {
		t.Fatalf("a BEGIN IMMEDIATE beside a reader: %v", err)
	}
	if err := exec(a, `INSERT INTO t VALUES (2), (3)`); err != nil {
		t.Fatal(err)
	}
	if n := count(b); n != 1 {
		t.Fatalf("b sees %d rows of a's open transaction", n)
	}
	if err := exec(a, `COMMIT`); err != nil {
		t.Fatalf("a COMMIT beside a reader: %v", err)
	}
	if n := count(b); n != 1 {
		t.Fatalf("b's snapshot changed to %d rows inside its transaction", n)
	}
	if n := count(a); n != 3 {
		t.Fatalf("a sees %d rows after its commit", n)
	}
	// b writes from its stale snapshot: BUSY_SNAPSHOT.
	err = exec(b, `INSERT INTO t VALUES (99)`)
	if !errors.Is(err, ferrolite.BUSY_SNAPSHOT) {
		t.Fatalf("write from a stale snapshot: %v, want BUSY_SNAPSHOT", err)
	}
	if err := exec(b, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	if n := count(b); n != 3 {
		t.Fatalf("b sees %d rows after ending its transaction", n)
	}
	// Two writers exclude each other.
	if err := exec(a, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	if err := exec(b, `INSERT INTO t VALUES (4)`); !errors.Is(err, ferrolite.BUSY) {
		t.Fatalf("second writer: %v, want BUSY", err)
	}
	if err := exec(a, `INSERT INTO t VALUES (4)`); err != nil {
		t.Fatal(err)
	}
	if err := exec(a, `COMMIT`); err != nil {
		t.Fatal(err)
	}
	if err := exec(b, `INSERT INTO t VALUES (5)`); err != nil {
		t.Fatalf("b writes after a committed: %v", err)
	}
	if n := count(a); n != 5 {
		t.Fatalf("a sees %d rows, want 5", n)
	}
	if got := sqlite3Timeout(t, path, "SELECT group_concat(x) FROM (SELECT x FROM t ORDER BY x); PRAGMA integrity_check;"); got != "1,2,3,4,5\nok" {
		t.Fatalf("sqlite3: %q", got)
	}
}

// pyWAL is the Python side of the concurrency test: a writer adding
// numbered 5-row groups (each with its counter row, one transaction) that
// runs wal_checkpoint in every mode between commits, and a reader thread
// checking that every read transaction sees whole commits only.
const pyWAL = `
import sqlite3, sys, threading, time
path, n = sys.argv[1], int(sys.argv[2])
errors = []
done = threading.Event()
def reader():
    c = sqlite3.connect(path, timeout=30, isolation_level=None)
    checks = 0
    while not done.is_set():
        try:
            c.execute("BEGIN")
            per = dict(c.execute("SELECT w, count(*) FROM t GROUP BY w").fetchall())
            cnt = dict(c.execute("SELECT w, n FROM c").fetchall())
            bad = c.execute("SELECT count(*) FROM (SELECT w, seq FROM t GROUP BY w, seq HAVING count(*) != 5)").fetchone()[0]
            c.execute("COMMIT")
        except sqlite3.OperationalError as e:
            c.execute("ROLLBACK") if c.in_transaction else None
            errors.append("reader: %s" % e)
            continue
        for w, k in cnt.items():
            if per.get(w, 0) != 5 * k:
                errors.append("python reader: %s has %d rows for counter %d" % (w, per.get(w, 0), k))
        if bad:
            errors.append("python reader: %d partial groups" % bad)
        checks += 1
        time.sleep(0.001)  # see the Go reader: no back-to-back read transactions
    print("reader-checks", checks, flush=True)
t = threading.Thread(target=reader)
t.start()
c = sqlite3.connect(path, timeout=30, isolation_level=None)
modes = ["PASSIVE", "FULL", "RESTART", "TRUNCATE"]
ck = 0
for seq in range(n):
    while True:
        try:
            c.execute("BEGIN IMMEDIATE")
            for k in range(5):
                c.execute("INSERT INTO t(w, seq, k) VALUES ('py', ?, ?)", (seq, k))
            c.execute("UPDATE c SET n = n + 1 WHERE w = 'py'")
            c.execute("COMMIT")
            break
        except sqlite3.OperationalError as e:
            if c.in_transaction:
                c.execute("ROLLBACK")
            errors.append("writer retry: %s" % e)
    if seq % 5 == 4:
        m = modes[ck % 4]
        ck += 1
        r = c.execute("PRAGMA wal_checkpoint(%s)" % m).fetchone()
        print("checkpoint", m, r[0], r[1], r[2], flush=True)
done.set()
t.join()
print("integrity", c.execute("PRAGMA integrity_check").fetchone()[0], flush=True)
for e in errors:
    print("error", e, flush=True)
print("done", flush=True)
`

// A Go writer (two connections), a Python writer in another process that
// also checkpoints in every mode, a Go reader and a Python reader checking
// snapshots, and the sqlite3 shell checking the files now and then, all at
// once on one WAL database. At the end every row is there exactly once and
// both engines find the database intact.
func TestWALConcurrentWithPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is required for this test")
	}
	const goWriters, goCommits, pyCommits = 2, 150, 200
	path := filepath.Join(t.TempDir(), "conc.db")
	dsn := "file:" + path + "?_pragma=journal_mode(wal)&_pragma=busy_timeout(30000)"
	db := openDB(t, dsn+"&_txlock=immediate")
	db.SetMaxOpenConns(goWriters + 1)
	mustExec(t, db, `CREATE TABLE t(w TEXT, seq INTEGER, k INTEGER, PRIMARY KEY(w, seq, k))`)
	mustExec(t, db, `CREATE TABLE c(w TEXT PRIMARY KEY, n INTEGER)`)
	for w := 0; w < goWriters; w++ {
		mustExec(t, db, `INSERT INTO c VALUES (?, 0)`, fmt.Sprintf("go%d", w))
	}
	mustExec(t, db, `INSERT INTO c VALUES ('py', 0)`)

	cmd := exec.Command(py, "-c", pyWAL, path, fmt.Sprint(pyCommits))
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pyLines []string
	pyDone := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			pyLines = append(pyLines, sc.Text())
		}
		close(pyDone)
	}()

	var stop atomic.Bool
	var busyRetries atomic.Int64
	var maxCommit atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := 0; w < goWriters; w++ {
		wg.Add(1)
		go func(w string) {
			defer wg.Done()
			for seq := 0; seq < goCommits; seq++ {
				for {
					start := time.Now()
					err := func() error {
						tx, err := db.Begin()
						if err != nil {
							return err
						}
						defer tx.Rollback()
						for k := 0; k < 5; k++ {
							if _, err := tx.Exec(`INSERT INTO t(w, seq, k) VALUES (?, ?, ?)`, w, seq, k); err != nil {
								return err
							}
						}
						if _, err := tx.Exec(`UPDATE c SET n = n + 1 WHERE w = ?`, w); err != nil {
							return err
						}
						return tx.Commit()
					}()
					if d := int64(time.Since(start)); d > maxCommit.Load() {
						maxCommit.Store(d)
					}
					if err == nil {
						break
					}
					busyRetries.Add(1)
					if !errors.Is(err, ferrolite.BUSY) {
						errs <- fmt.Errorf("%s commit %d: %w", w, seq, err)
						return
					}
				}
			}
		}(fmt.Sprintf("go%d", w))
	}
	// The Go reader: each read transaction sees whole commits only, and
	// totals never go back.
	rdb := openDB(t, dsn)
	var readerChecks int
	var rwg sync.WaitGroup
	rwg.Add(1)
	go func() {
		defer rwg.Done()
		lastTotal := 0
		for !stop.Load() {
			tx, err := rdb.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
			if err != nil {
				errs <- fmt.Errorf("go reader begin: %w", err)
				return
			}
			per := map[string]int{}
			rows, err := tx.Query(`SELECT w, count(*) FROM t GROUP BY w`)
			if err == nil {
				for rows.Next() {
					var w string
					var n int
					rows.Scan(&w, &n)
					per[w] = n
				}
				err = rows.Err()
				rows.Close()
			}
			total := 0
			cnt := map[string]int{}
			if err == nil {
				rows, err = tx.Query(`SELECT w, n FROM c`)
				if err == nil {
					for rows.Next() {
						var w string
						var n int
						rows.Scan(&w, &n)
						cnt[w] = n
						total += n
					}
					err = rows.Err()
					rows.Close()
				}
			}
			tx.Rollback()
			if err != nil {
				errs <- fmt.Errorf("go reader: %w", err)
				return
			}
			for w, n := range cnt {
				if per[w] != 5*n {
					errs <- fmt.Errorf("go reader: %s has %d rows for counter %d (partial commit seen)", w, per[w], n)
					return
				}
			}
			if total < lastTotal {
				errs <- fmt.Errorf("go reader: total commits went back from %d to %d", lastTotal, total)
				return
			}
			lastTotal = total
			readerChecks++
			// Back to back read transactions would keep READ(1) locked
			// nearly all the time and starve the FULL/RESTART checkpoints,
			// which wait for it while holding the WRITE lock (as with
			// real SQLite readers): leave a gap, as real readers do.
			time.Sleep(time.Millisecond)
		}
	}()
	// The sqlite3 shell checks the files while everyone works.
	var shellChecks int
	rwg.Add(1)
	go func() {
		defer rwg.Done()
		for !stop.Load() {
			bin, _ := exec.LookPath("sqlite3")
			outb, err := exec.Command(bin, "-cmd", ".timeout 30000", path, "PRAGMA integrity_check;").CombinedOutput()
			if got := strings.TrimSpace(string(outb)); err != nil || got != "ok" {
				errs <- fmt.Errorf("sqlite3 integrity_check while running: %q %v", got, err)
				return
			}
			shellChecks++
			time.Sleep(50 * time.Millisecond)
		}
	}()

	wg.Wait()
	<-pyDone
	if err := cmd.Wait(); err != nil {
		t.Errorf("python: %v", err)
	}
	stop.Store(true)
	rwg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkpoints := 0
	for _, l := range pyLines {
		switch {
		case strings.HasPrefix(l, "checkpoint "):
			checkpoints++
		case strings.HasPrefix(l, "error ") && !strings.Contains(l, "writer retry"):
			t.Errorf("python %s", l)
		case strings.HasPrefix(l, "integrity ") && l != "integrity ok":
			t.Errorf("python %s", l)
		}
	}
	t.Logf("python: %d checkpoints, output %q; go reader checks %d, sqlite3 checks %d; go writers: %d BUSY retries, slowest commit %v",
		checkpoints, pyLines, readerChecks, shellChecks, busyRetries.Load(), time.Duration(maxCommit.Load()))
	if checkpoints != pyCommits/5 || len(pyLines) == 0 || pyLines[len(pyLines)-1] != "done" {
		t.Errorf("python did not finish its %d checkpoints: %q", pyCommits/5, pyLines)
	}
	if readerChecks == 0 || shellChecks == 0 {
		t.Errorf("readers did not run: go %d, sqlite3 %d", readerChecks, shellChecks)
	}

	// Every row exactly once, in both engines.
	wantRows := 5 * (goWriters*goCommits + pyCommits)
	var n, distinct int
	var integrity string
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT w || '/' || seq || '/' || k) FROM t`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil {
		t.Fatal(err)
	}
	if n != wantRows || distinct != wantRows || integrity != "ok" {
		t.Fatalf("ferrolite: %d rows (%d distinct), want %d; integrity %q", n, distinct, wantRows, integrity)
	}
	q := "SELECT count(*), count(DISTINCT w || '/' || seq || '/' || k) FROM t; SELECT group_concat(w || '=' || n) FROM (SELECT * FROM c ORDER BY w); PRAGMA integrity_check;"
	want := fmt.Sprintf("%d|%d\ngo0=%d,go1=%d,py=%d\nok", wantRows, wantRows, goCommits, goCommits, pyCommits)
	if got := sqlite3Timeout(t, path, q); got != want {
		t.Fatalf("sqlite3 while open: %q, want %q", got, want)
	}
	db.Close()
	rdb.Close()
	if got := sqlite3(t, path, q); got != want {
		t.Fatalf("sqlite3 after close: %q, want %q", got, want)
	}
}

// A read-only connection (mode=ro) on a WAL database follows the commits
// of a ferrolite writer and of sqlite3, and cannot write.
func TestWALReadOnlyConnection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	w := openDB(t, "file:"+path+"?_pragma=journal_mode(wal)")
	mustExec(t, w, `CREATE TABLE t(x)`)
	mustExec(t, w, `INSERT INTO t VALUES (1)`)
	ro := openDB(t, "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	count := func() int {
		t.Helper()
		var n int
		if err := ro.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 1 {
		t.Fatalf("read-only sees %d rows, want 1", n)
	}
	mustExec(t, w, `INSERT INTO t VALUES (2)`)
	if n := count(); n != 2 {
		t.Fatalf("read-only sees %d rows after a ferrolite commit, want 2", n)
	}
	sqlite3Timeout(t, path, "INSERT INTO t VALUES (3);")
	if n := count(); n != 3 {
		t.Fatalf("read-only sees %d rows after a sqlite3 commit, want 3", n)
	}
	if _, err := ro.Exec(`INSERT INTO t VALUES (4)`); !errors.Is(err, ferrolite.READONLY) {
		t.Fatalf("write on a read-only connection: %v, want READONLY", err)
	}
	if got := sqlite3Timeout(t, path, "SELECT count(*) FROM t; PRAGMA integrity_check;"); got != "3\nok" {
		t.Fatalf("sqlite3: %q", got)
	}
}
