//go:build (unix && !linux) || (linux && ferrolite_posixlocks)

package vfs

// Classic POSIX record locks (F_SETLK) belong to the process, not to the
// descriptor: two handles of one process never conflict, and closing any
// descriptor of a file drops every lock the process holds on it. To give
// each handle its own locks, as the ABI requires, this file keeps a
// per-process table keyed by (device, inode), like SQLite's unix VFS:
//
//   - A lock request is first checked against the locks other handles of
//     this process hold (read/read is compatible, anything with write is
//     not); a conflict is BUSY without asking the kernel.
//   - The kernel is then asked for the process-wide lock, which for a
//     request is simply the requested kind over the range (other handles
//     hold at most compatible read locks there). For an unlock or a
//     downgrade, each segment of the range keeps the strongest kind some
//     other handle still holds on it.
//   - Close defers closing the descriptor while other handles of the same
//     file hold locks; deferred descriptors close with the last handle.

import (
	"errors"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

type inodeKey struct{ dev, ino uint64 }

type heldLock struct {
	owner      *lockState
	start, end int64 // [start, end)
	kind       int32
}

type inode struct {
	key      inodeKey
	refs     int
	locks    []heldLock
	deferred []*os.File
}

var procLocks = struct {
	mu     sync.Mutex
	inodes map[inodeKey]*inode
}{inodes: map[inodeKey]*inode{}}

type lockState struct{ node *inode }

func (s *lockState) init(f *os.File) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	key := inodeKey{dev: uint64(st.Dev), ino: uint64(st.Ino)}
	procLocks.mu.Lock()
	defer procLocks.mu.Unlock()
	n := procLocks.inodes[key]
	if n == nil {
		n = &inode{key: key}
		procLocks.inodes[key] = n
	}
	n.refs++
	s.node = n
	return nil
}

func flockType(kind int32) int16 {
	switch kind {
	case LockRead:
		return unix.F_RDLCK
	case LockWrite:
		return unix.F_WRLCK
	}
	return unix.F_UNLCK
}

func fcntlSet(f *os.File, start, end int64, kind int32) error {
	lk := unix.Flock_t{Type: flockType(kind), Whence: 0, Start: start, Len: end - start}
	return unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk)
}

func (s *lockState) set(f *os.File, start, length int64, kind int32) int32 {
	procLocks.mu.Lock()
	defer procLocks.mu.Unlock()
	n := s.node
	end := start + length
	if end < start {
		return IOERR_LOCK
	}
	if kind != LockNone {
		for _, l := range n.locks {
			if l.owner != s && l.start < end && start < l.end && (kind == LockWrite || l.kind == LockWrite) {
				return BUSY
			}
		}
		if err := fcntlSet(f, start, end, kind); err != nil {
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
				return BUSY
			}
			return IOERR_LOCK
		}
		s.replace(start, end, kind)
		return OK
	}
	s.replace(start, end, LockNone)
	// Each segment between the boundaries of other handles' locks keeps the
	// strongest kind still held on it by this process.
	cuts := []int64{start, end}
	for _, l := range n.locks {
		if l.start > start && l.start < end {
			cuts = append(cuts, l.start)
		}
		if l.end > start && l.end < end {
			cuts = append(cuts, l.end)
		}
	}
	sortInt64(cuts)
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if a == b {
			continue
		}
		want := int32(LockNone)
		for _, l := range n.locks {
			if l.start <= a && b <= l.end && l.kind > want {
				want = l.kind
			}
		}
		if err := fcntlSet(f, a, b, want); err != nil {
			return IOERR_UNLOCK
		}
	}
	return OK
}

// replace records that this handle now holds kind over [start, end),
// trimming what it held there before.
func (s *lockState) replace(start, end int64, kind int32) {
	n := s.node
	kept := n.locks[:0:0]
	for _, l := range n.locks {
		if l.owner != s || l.end <= start || end <= l.start {
			kept = append(kept, l)
			continue
		}
		if l.start < start {
			kept = append(kept, heldLock{s, l.start, start, l.kind})
		}
		if end < l.end {
			kept = append(kept, heldLock{s, end, l.end, l.kind})
		}
	}
	if kind != LockNone {
		kept = append(kept, heldLock{s, start, end, kind})
	}
	n.locks = kept
}

func (s *lockState) test(f *os.File, start, length int64) int32 {
	procLocks.mu.Lock()
	defer procLocks.mu.Unlock()
	end := start + length
	for _, l := range s.node.locks {
		if l.owner != s && l.kind == LockWrite && l.start < end && start < l.end {
			return BUSY
		}
	}
	// F_GETLK ignores this process's own locks: it sees other processes.
	lk := unix.Flock_t{Type: unix.F_RDLCK, Whence: 0, Start: start, Len: length}
	if err := unix.FcntlFlock(f.Fd(), unix.F_GETLK, &lk); err != nil {
		return IOERR_LOCK
	}
	if lk.Type == unix.F_UNLCK {
		return OK
	}
	return BUSY
}

func (s *lockState) releaseAll(f *os.File) {
	procLocks.mu.Lock()
	var mine []heldLock
	for _, l := range s.node.locks {
		if l.owner == s {
			mine = append(mine, l)
		}
	}
	procLocks.mu.Unlock()
	for _, l := range mine {
		s.set(f, l.start, l.end-l.start, LockNone)
	}
}

func (s *lockState) closeFile(f *os.File) error {
	procLocks.mu.Lock()
	defer procLocks.mu.Unlock()
	n := s.node
	n.refs--
	if n.refs == 0 {
		delete(procLocks.inodes, n.key)
		var first error
		for _, d := range append(n.deferred, f) {
			if err := d.Close(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	if len(n.locks) > 0 {
		// Closing now would drop the locks other handles rely on.
		n.deferred = append(n.deferred, f)
		return nil
	}
	return f.Close()
}

func sortInt64(a []int64) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
