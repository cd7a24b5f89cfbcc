package vfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncFile uses fdatasync for data-only syncs and fsync otherwise.
func syncFile(f *os.File, flags int32) error {
	if flags == SyncDataOnly {
		return unix.Fdatasync(int(f.Fd()))
	}
	return f.Sync()
}
