//go:build unix

package vfs

import "os"

// growFile extends f from cur to size bytes with zeros, allocating the
// blocks so that touching a mapped page never faults for lack of space.
// Linux asks fallocate first (it only ever extends and never touches
// existing bytes); elsewhere, or when the file system cannot, it writes a
// zero byte at the end of each new 4 KiB page, as SQLite's unix VFS does.
func growFile(f *os.File, cur, size int64) error {
	if cur >= size {
		return nil
	}
	if ok, err := fallocate(f, cur, size); ok || err != nil {
		return err
	}
	return writeZeroPages(f, cur, size)
}

// writeZeroPages extends f from cur to size by writing one zero byte at the
// end of each 4 KiB page past cur (and at size-1).
func writeZeroPages(f *os.File, cur, size int64) error {
	const pg = 4096
	for p := cur / pg; p*pg < size; p++ {
		at := min(p*pg+pg-1, size-1)
		if at < cur {
			continue
		}
		if _, err := f.WriteAt([]byte{0}, at); err != nil {
			return err
		}
	}
	return nil
}
