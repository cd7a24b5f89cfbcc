package vfs

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The locks must interoperate with real SQLite in another process: while
// the sqlite3 shell holds an EXCLUSIVE transaction, this process sees the
// SHARED range and the RESERVED byte write-locked, and once it ends the
// locks are free (SQLite's offsets: PENDING 0x40000000, RESERVED +1,
// SHARED +2..+511).
func TestLocksInteroperateWithSqlite3(t *testing.T) {
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatalf("the sqlite3 shell is required (scripts/go-test.sh installs it): %v", err)
	}
	path := filepath.Join(t.TempDir(), "x.db")
	if out, err := exec.Command(bin, path, "CREATE TABLE t(x)").CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v %s", err, out)
	}
	cmd := exec.Command(bin, path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	stdin.Write([]byte("BEGIN EXCLUSIVE;\nINSERT INTO t VALUES (1);\nSELECT 'locked';\n"))
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("sqlite3 did not report the lock: %q %v", line, err)
	}
	var tab Table
	defer tab.CloseAll()
	_, f := openT(t, &tab, path, 0)
	const reserved, shared, sharedLen = 0x40000001, 0x40000002, 510
	if code := f.Lock(shared, sharedLen, LockRead); code != BUSY {
		t.Errorf("read lock on SHARED while sqlite3 is EXCLUSIVE: %d, want BUSY", code)
	}
	if code := f.Lock(reserved, 1, LockTest); code != BUSY {
		t.Errorf("test of RESERVED while sqlite3 is EXCLUSIVE: %d, want BUSY", code)
	}
	stdin.Write([]byte("COMMIT;\n.quit\n"))
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if code := f.Lock(reserved, 1, LockTest); code != OK {
		t.Errorf("test of RESERVED after sqlite3 exited: %d", code)
	}
	if code := f.Lock(shared, sharedLen, LockRead); code != OK {
		t.Errorf("read lock on SHARED after sqlite3 exited: %d", code)
	}
	// And the other way: our write lock on SHARED makes sqlite3 busy.
	if code := f.Lock(shared, sharedLen, LockWrite); code != OK {
		t.Fatalf("write lock: %d", code)
	}
	out, _ := exec.Command(bin, path, "SELECT count(*) FROM t").CombinedOutput()
	if !strings.Contains(string(out), "database is locked") {
		t.Errorf("sqlite3 read while we hold the SHARED range for writing: %q, want 'database is locked'", out)
	}
}

// Closing one handle must not drop the locks another handle of the same
// file holds (with process-owned POSIX locks, closing any descriptor drops
// them all; the per-process table defers such closes).
func TestCloseKeepsOtherHandlesLocks(t *testing.T) {
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatalf("the sqlite3 shell is required: %v", err)
	}
	path := filepath.Join(t.TempDir(), "c.db")
	if out, err := exec.Command(bin, path, "CREATE TABLE t(x)").CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v %s", err, out)
	}
	const shared, sharedLen = 0x40000002, 510
	var tab Table
	defer tab.CloseAll()
	ha, a := openT(t, &tab, path, 0)
	hb, b := openT(t, &tab, path, 0)
	if a.Lock(shared, sharedLen, LockRead) != OK || b.Lock(shared, sharedLen, LockRead) != OK {
		t.Fatal("read locks failed")
	}
	if code := tab.Close(ha); code != OK {
		t.Fatalf("close: %d", code)
	}
	out, _ := exec.Command(bin, path, "INSERT INTO t VALUES (1)").CombinedOutput()
	if !strings.Contains(string(out), "database is locked") {
		t.Errorf("sqlite3 wrote while handle b holds SHARED: %q", out)
	}
	if code := tab.Close(hb); code != OK {
		t.Fatalf("close: %d", code)
	}
	if out, err := exec.Command(bin, path, "INSERT INTO t VALUES (1)").CombinedOutput(); err != nil {
		t.Errorf("sqlite3 write after both closed: %v %s", err, out)
	}
}
