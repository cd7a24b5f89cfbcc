//go:build !linux

package vfs

import "os"

// syncFile flushes the file; on darwin os.File.Sync issues F_FULLFSYNC.
func syncFile(f *os.File, flags int32) error {
	_ = flags
	return f.Sync()
}
