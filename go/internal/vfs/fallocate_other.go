//go:build unix && !linux

package vfs

import "os"

// fallocate is Linux only; elsewhere growFile writes the new pages.
func fallocate(*os.File, int64, int64) (bool, error) { return false, nil }
