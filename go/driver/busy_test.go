package driver_test

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ferrolite "github.com/ferrolite/ferrolite/go"
)

// holdExclusive starts the sqlite3 shell inside BEGIN EXCLUSIVE on path and
// returns a function that commits and waits for it to exit.
func holdExclusive(t *testing.T, path string) (release func()) {
	t.Helper()
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatalf("the sqlite3 shell is required: %v", err)
	}
	cmd := exec.Command(bin, path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	stdin.Write([]byte("BEGIN EXCLUSIVE;\nINSERT INTO t VALUES (-1);\nSELECT 'locked';\n"))
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("sqlite3 did not take the lock: %q %v", line, err)
	}
	return func() {
		stdin.Write([]byte("COMMIT;\n"))
		stdin.Close()
		cmd.Wait()
	}
}

// A real SQLite process holding the database: ferrolite waits (busy
// timeout), a context deadline ends the wait promptly, and once SQLite
// commits, ferrolite sees its row.
func TestBusyAgainstSqlite3(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	sqlite3(t, path, "CREATE TABLE t(x INTEGER);")
	db := openDB(t, "file:"+path+"?_pragma=busy_timeout(10000)")
	release := holdExclusive(t, path)

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := db.ExecContext(ctx, "INSERT INTO t VALUES (1)")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("a cancelled busy wait took %v", d)
	}
	if !errors.Is(err, ferrolite.BUSY) && !errors.Is(err, ferrolite.INTERRUPT) {
		t.Errorf("err = %v, want BUSY or INTERRUPT", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want it to wrap context.DeadlineExceeded", err)
	}

	// With a short busy timeout and no deadline: BUSY after about the
	// timeout.
	db2 := openDB(t, "file:"+path+"?_pragma=busy_timeout(100)")
	start = time.Now()
	var n int
	err = db2.QueryRow("SELECT count(*) FROM t").Scan(&n)
	if !errors.Is(err, ferrolite.BUSY) || err.Error() != "database is locked" {
		t.Errorf("read under EXCLUSIVE: %v, want 'database is locked'", err)
	}
	if d := time.Since(start); d < 90*time.Millisecond || d > 3*time.Second {
		t.Errorf("busy timeout of 100ms took %v", d)
	}

	// A writer waiting within its busy timeout succeeds once SQLite commits.
	done := make(chan error, 1)
	go func() {
		_, err := db.Exec("INSERT INTO t VALUES (2)")
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	release()
	if err := <-done; err != nil {
		t.Fatalf("insert after sqlite3 committed: %v", err)
	}
	if got := sqlite3(t, path, "SELECT group_concat(x) FROM (SELECT x FROM t ORDER BY x);"); got != "-1,2" {
		t.Errorf("rows = %q, want -1,2", got)
	}
}
