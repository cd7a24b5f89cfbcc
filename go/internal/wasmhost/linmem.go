package wasmhost

// The linear memory of one instance (wazero's experimental.MemoryAllocator
// hook). Where the system allows (unix, 64-bit, OS pages dividing 32 KiB)
// it is a vfs.FixedMem: the whole maximum size reserved up front, so the
// base address never moves and the wal-index file can be mapped into it
// (fs_map). Elsewhere it is an ordinary growable Go slice, and fs_map
// answers IOERR_SHMMAP, which makes the engine refuse WAL mode.
//
// Invariants: Reallocate never moves a FixedMem (wazero re-reads the slice
// after each growth anyway); Free is idempotent and only runs once the
// instance is closed (wazero calls it from Module.Close, Open calls it when
// instantiation fails).

import (
	"github.com/tetratelabs/wazero/experimental"

	"github.com/ferrolite/ferrolite/go/internal/vfs"
)

type instMem struct {
	fixed *vfs.FixedMem // nil: movable fallback in buf
	buf   []byte
	max   uint64
}

// movableOnly makes every new instance use the movable fallback, as on a
// system without fixed memories (set by tests only).
var movableOnly bool

// Allocate implements experimental.MemoryAllocator for exactly one memory.
func (m *instMem) Allocate(_, max uint64) experimental.LinearMemory {
	m.max = max
	if movableOnly {
		return m
	}
	if f, err := vfs.ReserveFixed(max); err == nil {
		m.fixed = f
	}
	return m
}

// Reallocate implements experimental.LinearMemory.
func (m *instMem) Reallocate(size uint64) []byte {
	if size > m.max {
		return nil
	}
	if m.fixed != nil {
		return m.fixed.Grow(size)
	}
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	m.buf = append(m.buf, make([]byte, size-uint64(len(m.buf)))...)
	return m.buf
}

// Free implements experimental.LinearMemory.
func (m *instMem) Free() {
	if m.fixed != nil {
		m.fixed.Free()
	}
	m.buf = nil
}

// mapFile maps a wal-index block (fs_map); IOERR_SHMMAP when this memory
// can move.
func (m *instMem) mapFile(f *vfs.File, off int64, length, at uint32) int32 {
	if m == nil || m.fixed == nil {
		return vfs.IOERR_SHMMAP
	}
	return m.fixed.MapFile(f, off, length, at)
}

// unmap undoes mapFile (fs_unmap).
func (m *instMem) unmap(at, length uint32) int32 {
	if m == nil || m.fixed == nil {
		return vfs.IOERR_SHMMAP
	}
	return m.fixed.Unmap(at, length)
}
