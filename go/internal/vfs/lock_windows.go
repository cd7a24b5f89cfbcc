package vfs

// Windows byte-range locks (LockFileEx) already belong to the handle, so
// two handles in one process exclude each other. They differ from POSIX
// locks in two ways this file hides: an unlock must name exactly a range
// that was locked, and a lock cannot be converted in place. So each File
// remembers the ranges it holds; a request first releases the parts of
// held ranges it covers (re-locking the uncovered remainders) and then
// takes the new lock, restoring the released parts if that fails.
// SQLite's byte offsets (PENDING 0x40000000, RESERVED, SHARED range) are
// chosen by the engine and passed through unchanged.

import (
	"os"

	"golang.org/x/sys/windows"
)

type heldRange struct {
	start, end int64
	kind       int32
}

type lockState struct{ held []heldRange }

func (*lockState) init(*os.File) error { return nil }

func (*lockState) closeFile(f *os.File) error { return f.Close() }

func winLock(f *os.File, start, end int64, kind int32) error {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if kind == LockWrite {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	n := uint64(end - start)
	ov := windows.Overlapped{Offset: uint32(start), OffsetHigh: uint32(uint64(start) >> 32)}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, uint32(n), uint32(n>>32), &ov)
}

func winUnlock(f *os.File, start, end int64) error {
	n := uint64(end - start)
	ov := windows.Overlapped{Offset: uint32(start), OffsetHigh: uint32(uint64(start) >> 32)}
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, uint32(n), uint32(n>>32), &ov)
}

func (s *lockState) set(f *os.File, start, length int64, kind int32) int32 {
	end := start + length
	if end < start {
		return IOERR_LOCK
	}
	for _, h := range s.held {
		if h.start == start && h.end == end && h.kind == kind {
			return OK
		}
	}
	var released []heldRange
	kept := s.held[:0:0]
	for _, h := range s.held {
		if h.end <= start || end <= h.start {
			kept = append(kept, h)
			continue
		}
		if err := winUnlock(f, h.start, h.end); err != nil {
			kept = append(kept, h)
			continue
		}
		released = append(released, h)
		if h.start < start && winLock(f, h.start, start, h.kind) == nil {
			kept = append(kept, heldRange{h.start, start, h.kind})
		}
		if end < h.end && winLock(f, end, h.end, h.kind) == nil {
			kept = append(kept, heldRange{end, h.end, h.kind})
		}
	}
	s.held = kept
	if kind == LockNone {
		return OK
	}
	if err := winLock(f, start, end, kind); err != nil {
		for _, h := range released {
			// Best effort: restore what this handle held over the range.
			a, b := max(h.start, start), min(h.end, end)
			if winLock(f, a, b, h.kind) == nil {
				s.held = append(s.held, heldRange{a, b, h.kind})
			}
		}
		if err == windows.ERROR_LOCK_VIOLATION || err == windows.ERROR_IO_PENDING {
			return BUSY
		}
		return IOERR_LOCK
	}
	s.held = append(s.held, heldRange{start, end, kind})
	return OK
}

// test takes and drops a shared lock: it fails only if another handle
// write-locks part of the range. Ranges this handle holds itself count as
// free.
func (s *lockState) test(f *os.File, start, length int64) int32 {
	end := start + length
	for _, h := range s.held {
		if h.start <= start && end <= h.end {
			return OK
		}
	}
	if err := winLock(f, start, end, LockRead); err != nil {
		return BUSY
	}
	winUnlock(f, start, end)
	return OK
}

func (s *lockState) releaseAll(f *os.File) {
	for _, h := range s.held {
		winUnlock(f, h.start, h.end)
	}
	s.held = nil
}
