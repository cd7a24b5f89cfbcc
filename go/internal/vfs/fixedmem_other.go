//go:build !unix

package vfs

// FixedMem where no shared file mapping is implemented (Windows and other
// non-unix systems): ReserveFixed always fails, so hosts use an ordinary
// movable memory and report IOERR_SHMMAP from fs_map.

import "errors"

// FixedMem is never made on this system.
type FixedMem struct{}

// ErrNoFixedMem says a non-moving memory cannot be made here.
var ErrNoFixedMem = errors.New("ferrolite: no fixed-address memory on this system (WAL mode needs shared memory mapping)")

// ReserveFixed always fails on this system.
func ReserveFixed(uint64) (*FixedMem, error) { return nil, ErrNoFixedMem }

// Bytes is empty.
func (*FixedMem) Bytes() []byte { return []byte{} }

// Grow always fails.
func (*FixedMem) Grow(uint64) []byte { return nil }

// Free does nothing.
func (*FixedMem) Free() {}

// MapFile is not possible here.
func (*FixedMem) MapFile(*File, int64, uint32, uint32) int32 { return IOERR_SHMMAP }

// Unmap is not possible here.
func (*FixedMem) Unmap(uint32, uint32) int32 { return IOERR_SHMMAP }
