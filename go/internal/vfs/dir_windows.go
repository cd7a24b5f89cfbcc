package vfs

import (
	"errors"

	"golang.org/x/sys/windows"
)

// syncParentDir is a no-op: Windows cannot fsync a directory and its
// deletes are durable once the call returns.
func syncParentDir(path string) error { _ = path; return nil }

func isNoSpace(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL)
}
