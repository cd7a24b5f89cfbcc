package vfs

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// fallocate extends f to size with allocated zero blocks. ok=false with a
// nil error means the file system cannot, and the caller writes instead.
func fallocate(f *os.File, cur, size int64) (ok bool, err error) {
	for {
		err = unix.Fallocate(int(f.Fd()), 0, cur, size-cur)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		return false, nil
	}
	return err == nil, err
}
