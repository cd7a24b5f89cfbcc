package vfs

import (
	"os"
	"path/filepath"
	"testing"
)

func openT(t *testing.T, tab *Table, path string, flags int32) (int32, *File) {
	t.Helper()
	h, code := tab.Open(path, flags)
	if code != OK {
		t.Fatalf("open %s: code %d", path, code)
	}
	return h, tab.Get(h)
}

func TestFileOps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	var tab Table
	if _, code := tab.Open(path, 0); code != CANTOPEN {
		t.Fatalf("open of a missing file without create: code %d, want CANTOPEN", code)
	}
	if yes, code := Exists(path); yes != 0 || code != OK {
		t.Fatalf("Exists(missing) = %d, %d", yes, code)
	}
	h, f := openT(t, &tab, path, OpenCreate)
	if h != 1 {
		t.Fatalf("first handle = %d, want 1", h)
	}
	if code := f.WriteAt([]byte("hello world"), 100); code != OK {
		t.Fatalf("write: %d", code)
	}
	if n, code := f.Size(); n != 111 || code != OK {
		t.Fatalf("size = %d, %d", n, code)
	}
	buf := make([]byte, 20)
	n, code := f.ReadAt(buf, 100)
	if code != OK || n != 11 || string(buf[:n]) != "hello world" {
		t.Fatalf("short read at end: n=%d code=%d %q", n, code, buf[:n])
	}
	if n, code := f.ReadAt(buf, 5000); n != 0 || code != OK {
		t.Fatalf("read past end: n=%d code=%d", n, code)
	}
	if code := f.Truncate(50); code != OK {
		t.Fatalf("truncate: %d", code)
	}
	if n, _ := f.Size(); n != 50 {
		t.Fatalf("size after truncate = %d", n)
	}
	for _, flags := range []int32{SyncNormal, SyncFull, SyncDataOnly} {
		if code := f.Sync(flags); code != OK {
			t.Fatalf("sync(%d): %d", flags, code)
		}
	}
	if _, code := tab.Open(path, OpenCreate|OpenExclusive); code != CANTOPEN {
		t.Fatalf("exclusive create of an existing file: code %d", code)
	}
	h2, ro := openT(t, &tab, path, OpenReadOnly)
	if h2 != 2 {
		t.Fatalf("second handle = %d", h2)
	}
	if code := ro.WriteAt([]byte("x"), 0); code != IOERR_WRITE {
		t.Fatalf("write through a read-only handle: %d", code)
	}
	if tab.Close(h) != OK || tab.Close(h) != IOERR_CLOSE {
		t.Fatal("close twice should fail the second time")
	}
	if tab.Get(h) != nil {
		t.Fatal("closed handle still resolves")
	}
	if h3, _ := openT(t, &tab, path, 0); h3 != h {
		t.Fatalf("freed slot not reused: got %d want %d", h3, h)
	}
	tab.CloseAll()
	if tab.OpenCount() != 0 {
		t.Fatal("CloseAll left handles open")
	}
	if yes, _ := Exists(path); yes != 1 {
		t.Fatal("Exists(existing) != 1")
	}
	if code := Delete(path, true); code != OK {
		t.Fatalf("delete: %d", code)
	}
	if code := Delete(path, false); code != IOERR_DELETE_NOENT {
		t.Fatalf("delete of a missing file: %d, want IOERR_DELETE_NOENT", code)
	}
}

// Two handles in one process must exclude each other like two processes
// (docs/abi.md, fs_lock).
func TestLocksPerHandle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var tab Table
	defer tab.CloseAll()
	_, a := openT(t, &tab, path, 0)
	_, b := openT(t, &tab, path, 0)
	const pending, shared, sharedLen = 0x40000000, 0x40000002, 510

	if code := a.Lock(shared, sharedLen, LockRead); code != OK {
		t.Fatalf("a read: %d", code)
	}
	if code := b.Lock(shared, sharedLen, LockRead); code != OK {
		t.Fatalf("b read beside a read: %d", code)
	}
	if code := a.Lock(shared, sharedLen, LockWrite); code != BUSY {
		t.Fatalf("a write while b reads: %d, want BUSY", code)
	}
	if code := b.Lock(shared, sharedLen, LockNone); code != OK {
		t.Fatalf("b unlock: %d", code)
	}
	if code := a.Lock(shared, sharedLen, LockWrite); code != OK {
		t.Fatalf("a write after b unlocked: %d", code)
	}
	if code := b.Lock(shared+10, 1, LockRead); code != BUSY {
		t.Fatalf("b read inside a's write range: %d, want BUSY", code)
	}
	if code := b.Lock(shared, sharedLen, LockTest); code != BUSY {
		t.Fatalf("b test of a's write range: %d, want BUSY", code)
	}
	if code := a.Lock(shared, sharedLen, LockTest); code != OK {
		t.Fatalf("a test of its own range: %d, want OK", code)
	}
	if code := b.Lock(pending, 1, LockTest); code != OK {
		t.Fatalf("b test of a free byte: %d", code)
	}
	// Downgrade write -> read lets b read again but not write.
	if code := a.Lock(shared, sharedLen, LockRead); code != OK {
		t.Fatalf("a downgrade: %d", code)
	}
	if code := b.Lock(shared, sharedLen, LockRead); code != OK {
		t.Fatalf("b read after downgrade: %d", code)
	}
	if code := b.Lock(shared, sharedLen, LockWrite); code != BUSY {
		t.Fatalf("b write while a reads: %d", code)
	}
	// Closing a handle releases its locks.
	var ha int32 = 1
	if code := tab.Close(ha); code != OK {
		t.Fatalf("close a: %d", code)
	}
	if code := b.Lock(shared, sharedLen, LockWrite); code != OK {
		t.Fatalf("b write after a closed: %d", code)
	}
	if code := b.Lock(-1, 1, LockRead); code != IOERR_LOCK {
		t.Fatalf("negative offset: %d", code)
	}
	if code := b.Lock(0, 1, 9); code != IOERR_LOCK {
		t.Fatalf("bad kind: %d", code)
	}
}
