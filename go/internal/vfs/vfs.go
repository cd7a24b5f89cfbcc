// Package vfs owns the operating-system side of ferrolite's file access:
// a per-connection table of open files addressed by small integer handles,
// positional reads and writes, sync, size, truncate, delete, exists, and
// non-blocking byte-range locks. It is pure Go (golang.org/x/sys only) and
// knows nothing of wasm; go/internal/wasmhost adapts it to the host imports
// of docs/abi.md.
//
// Result codes are SQLite's (extended IOERR_* where they apply). Functions
// return them as positive numbers; the wasm adapter applies the sign
// conventions of the ABI.
//
// Locks (see lock_*.go) follow the ABI's fs_lock contract: they are owned by
// the open handle, not by the process, so two handles in one process exclude
// each other exactly as two processes do:
//   - Linux: open file description (OFD) locks, F_OFD_SETLK / F_OFD_GETLK.
//     They conflict with the classic POSIX locks real SQLite takes, so a
//     ferrolite process and an sqlite3 process exclude each other too.
//   - Other unix (darwin, BSD): classic F_SETLK locks are owned by the
//     process, so a per-process table keyed by (device, inode) arbitrates
//     between handles of this process, as SQLite's unix VFS does, and file
//     descriptors of a file whose locks other handles still depend on are
//     kept open until the last handle closes (closing any descriptor drops
//     all of the process's locks on that file).
//   - Windows: LockFileEx / UnlockFileEx, which are per handle already.
//
// Invariants: a handle is >= 1 and names at most one open *File; a closed
// handle's slot is reused only after Close returned; every lock a handle
// holds is released when it closes.
package vfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
)

// SQLite result codes used by the file layer.
const (
	OK                 = 0
	BUSY               = 5
	IOERR              = 10
	FULL               = 13
	CANTOPEN           = 14
	IOERR_READ         = 10 | 1<<8
	IOERR_WRITE        = 10 | 3<<8
	IOERR_FSYNC        = 10 | 4<<8
	IOERR_DIR_FSYNC    = 10 | 5<<8
	IOERR_TRUNCATE     = 10 | 6<<8
	IOERR_FSTAT        = 10 | 7<<8
	IOERR_UNLOCK       = 10 | 8<<8
	IOERR_RDLOCK       = 10 | 9<<8
	IOERR_DELETE       = 10 | 10<<8
	IOERR_ACCESS       = 10 | 13<<8
	IOERR_LOCK         = 10 | 15<<8
	IOERR_CLOSE        = 10 | 16<<8
	IOERR_DELETE_NOENT = 10 | 23<<8
)

// Open flags (fs_open).
const (
	OpenReadOnly  = 1 << 0
	OpenCreate    = 1 << 1
	OpenExclusive = 1 << 2
)

// Lock kinds (fs_lock).
const (
	LockNone  = 0
	LockRead  = 1
	LockWrite = 2
	LockTest  = 3
)

// Sync flags (fs_sync).
const (
	SyncNormal   = 0
	SyncFull     = 1
	SyncDataOnly = 2
)

// File is one open file with the byte-range locks its handle holds.
type File struct {
	f        *os.File
	readOnly bool
	locks    lockState // per-OS lock bookkeeping
}

// Table maps handles (>= 1) to open files for one connection. It is safe
// for concurrent use, though a connection uses it from one goroutine.
type Table struct {
	mu    sync.Mutex
	files []*File // handle h is files[h-1]; nil = free slot
}

// Open opens path and returns its handle, or a code (CANTOPEN) on failure.
func (t *Table) Open(path string, flags int32) (int32, int32) {
	mode := os.O_RDWR
	if flags&OpenReadOnly != 0 {
		mode = os.O_RDONLY
	}
	if flags&OpenCreate != 0 && flags&OpenReadOnly == 0 {
		mode |= os.O_CREATE
		if flags&OpenExclusive != 0 {
			mode |= os.O_EXCL
		}
	}
	f, err := os.OpenFile(path, mode, 0o644)
	if err != nil {
		return 0, CANTOPEN
	}
	file := &File{f: f, readOnly: flags&OpenReadOnly != 0}
	if err := file.locks.init(f); err != nil {
		f.Close()
		return 0, CANTOPEN
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, slot := range t.files {
		if slot == nil {
			t.files[i] = file
			return int32(i + 1), OK
		}
	}
	t.files = append(t.files, file)
	return int32(len(t.files)), OK
}

// Get returns the file of handle h, or nil if h names no open file.
func (t *Table) Get(h int32) *File {
	t.mu.Lock()
	defer t.mu.Unlock()
	if h < 1 || int(h) > len(t.files) {
		return nil
	}
	return t.files[h-1]
}

// Close releases the handle's locks and closes it.
func (t *Table) Close(h int32) int32 {
	t.mu.Lock()
	var file *File
	if h >= 1 && int(h) <= len(t.files) {
		file = t.files[h-1]
		t.files[h-1] = nil
	}
	t.mu.Unlock()
	if file == nil {
		return IOERR_CLOSE
	}
	return file.close()
}

// CloseAll closes every handle still open (used when a connection ends,
// including when its instance trapped).
func (t *Table) CloseAll() {
	t.mu.Lock()
	files := t.files
	t.files = nil
	t.mu.Unlock()
	for _, f := range files {
		if f != nil {
			f.close()
		}
	}
}

// Open reports how many handles are open (for tests and diagnostics).
func (t *Table) OpenCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, f := range t.files {
		if f != nil {
			n++
		}
	}
	return n
}

func (f *File) close() int32 {
	f.locks.releaseAll(f.f)
	if err := f.locks.closeFile(f.f); err != nil {
		return IOERR_CLOSE
	}
	return OK
}

// ReadAt reads up to len(p) bytes at off; a short count means end of file.
func (f *File) ReadAt(p []byte, off int64) (int, int32) {
	if off < 0 {
		return 0, IOERR_READ
	}
	n, err := f.f.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, IOERR_READ
	}
	return n, OK
}

// WriteAt writes all of p at off.
func (f *File) WriteAt(p []byte, off int64) int32 {
	if off < 0 || f.readOnly {
		return IOERR_WRITE
	}
	if _, err := f.f.WriteAt(p, off); err != nil {
		if isNoSpace(err) {
			return FULL
		}
		return IOERR_WRITE
	}
	return OK
}

// Sync flushes the file to stable storage (flags: SyncNormal, SyncFull,
// SyncDataOnly).
func (f *File) Sync(flags int32) int32 {
	if err := syncFile(f.f, flags); err != nil {
		return IOERR_FSYNC
	}
	return OK
}

// Size returns the file's size in bytes.
func (f *File) Size() (int64, int32) {
	st, err := f.f.Stat()
	if err != nil {
		return 0, IOERR_FSTAT
	}
	return st.Size(), OK
}

// Truncate sets the file's size.
func (f *File) Truncate(size int64) int32 {
	if size < 0 || f.readOnly {
		return IOERR_TRUNCATE
	}
	if err := f.f.Truncate(size); err != nil {
		return IOERR_TRUNCATE
	}
	return OK
}

// Lock takes, changes or releases a non-blocking byte-range lock (kind
// LockNone, LockRead, LockWrite), or with LockTest reports whether another
// holder write-locks any byte of the range. It returns OK, BUSY, or an
// IOERR_* code.
func (f *File) Lock(start, length int64, kind int32) int32 {
	if start < 0 || length <= 0 {
		return IOERR_LOCK
	}
	switch kind {
	case LockNone, LockRead, LockWrite:
		return f.locks.set(f.f, start, length, kind)
	case LockTest:
		return f.locks.test(f.f, start, length)
	}
	return IOERR_LOCK
}

// Delete removes the file at path, syncing its directory when syncDir.
func Delete(path string, syncDir bool) int32 {
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return IOERR_DELETE_NOENT
		}
		return IOERR_DELETE
	}
	if syncDir {
		if err := syncParentDir(path); err != nil {
			return IOERR_DIR_FSYNC
		}
	}
	return OK
}

// Exists reports 1 if path exists, 0 if not, or an IOERR_ACCESS code.
func Exists(path string) (int32, int32) {
	_, err := os.Stat(path)
	if err == nil {
		return 1, OK
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return 0, OK
	}
	return 0, IOERR_ACCESS
}
