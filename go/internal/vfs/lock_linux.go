//go:build linux && !ferrolite_posixlocks

package vfs

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockState is empty on Linux: OFD locks belong to the open file
// description, and the kernel releases them when it is closed.
type lockState struct{}

func (*lockState) init(*os.File) error { return nil }

func (*lockState) releaseAll(*os.File) {}

func (*lockState) closeFile(f *os.File) error { return f.Close() }

func flockType(kind int32) int16 {
	switch kind {
	case LockRead:
		return unix.F_RDLCK
	case LockWrite:
		return unix.F_WRLCK
	}
	return unix.F_UNLCK
}

func (*lockState) set(f *os.File, start, length int64, kind int32) int32 {
	lk := unix.Flock_t{Type: flockType(kind), Whence: 0, Start: start, Len: length}
	err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
	if err == nil {
		return OK
	}
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
		return BUSY
	}
	if kind == LockNone {
		return IOERR_UNLOCK
	}
	return IOERR_LOCK
}

// test asks the kernel whether a read lock on the range would conflict,
// that is whether another holder (another OFD or process) write-locks it.
func (*lockState) test(f *os.File, start, length int64) int32 {
	lk := unix.Flock_t{Type: unix.F_RDLCK, Whence: 0, Start: start, Len: length}
	if err := unix.FcntlFlock(f.Fd(), unix.F_OFD_GETLK, &lk); err != nil {
		return IOERR_LOCK
	}
	if lk.Type == unix.F_UNLCK {
		return OK
	}
	return BUSY
}
