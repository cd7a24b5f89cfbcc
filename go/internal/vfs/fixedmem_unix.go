//go:build unix

package vfs

// FixedMem on unix: one anonymous PROT_NONE reservation of the memory's
// maximum size (address space only: inaccessible private pages are not
// committed), made readable and writable from the start as it grows, so the
// base never moves. MapFile puts MAP_SHARED|MAP_FIXED file pages over a
// block of it; Unmap puts MAP_PRIVATE|MAP_ANON|MAP_FIXED zero pages back.
// Growth changes the protection of the newly accessible pages only, so a
// mapped block keeps the protection it was mapped with.

import (
	"errors"
	"math"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxReserve bounds one reservation: a wasm32 memory is at most 4 GiB.
const maxReserve = 1 << 32

// FixedMem is a linear memory whose base address never changes.
type FixedMem struct {
	base unsafe.Pointer
	max  uintptr // bytes reserved
	size uintptr // bytes accessible (the wasm memory's current size)
}

// ErrNoFixedMem says a non-moving memory cannot be made here; the caller
// falls back to an ordinary (movable) memory without shared mapping.
var ErrNoFixedMem = errors.New("ferrolite: no fixed-address memory on this system")

// pageOK reports whether the OS page size allows mapping 32 KiB blocks.
func pageOK() bool {
	ps := os.Getpagesize()
	return ps > 0 && ShmRegion%ps == 0
}

// ReserveFixed reserves max bytes of address space for a linear memory.
func ReserveFixed(max uint64) (*FixedMem, error) {
	if !pageOK() || max > maxReserve || max > math.MaxInt/2 {
		return nil, ErrNoFixedMem
	}
	ps := uint64(os.Getpagesize())
	if max < ps {
		max = ps // mmap of 0 bytes is an error; a memory of max 0 stays empty
	}
	p, err := unix.MmapPtr(-1, 0, nil, uintptr(max), unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil, ErrNoFixedMem
	}
	return &FixedMem{base: p, max: uintptr(max)}, nil
}

// Bytes returns the accessible memory as a slice (len = cap = size).
func (m *FixedMem) Bytes() []byte {
	if m.base == nil || m.size == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(m.base), m.size)[:m.size:m.size]
}

// Grow makes the first size bytes accessible and returns them, or nil if
// size exceeds the reservation or the OS refuses. It never shrinks.
func (m *FixedMem) Grow(size uint64) []byte {
	if m.base == nil || size > uint64(m.max) {
		return nil
	}
	if s := uintptr(size); s > m.size {
		ps := uintptr(os.Getpagesize())
		from := m.size &^ (ps - 1) // m.size is page-aligned in practice (64 KiB wasm pages)
		to := (s + ps - 1) &^ (ps - 1)
		if to > m.max {
			to = m.max
		}
		if to > from {
			// SAFETY: [from, to) lies inside this reservation, which only
			// this FixedMem owns, and holds no mapped block yet (blocks are
			// mapped below m.size only).
			b := unsafe.Slice((*byte)(unsafe.Add(m.base, from)), to-from)
			if err := unix.Mprotect(b, unix.PROT_READ|unix.PROT_WRITE); err != nil {
				return nil
			}
		}
		m.size = s
	}
	return m.Bytes()
}

// Free releases the whole reservation (and with it every mapped block).
// The memory must not be used afterwards; Free is idempotent.
func (m *FixedMem) Free() {
	if m.base == nil {
		return
	}
	_ = unix.MunmapPtr(m.base, m.max)
	m.base, m.size, m.max = nil, 0, 0
}

// MapFile maps bytes [off, off+length) of f over [at, at+length) of the
// memory, shared and writable (private and copy-on-write when f is
// read-only, so a stray write never reaches the file nor faults). A
// writable file shorter than off+length is first grown with zeros; a
// read-only one gives IOERR_SHMSIZE. Returns OK or an IOERR_SHM* code.
func (m *FixedMem) MapFile(f *File, off int64, length, at uint32) int32 {
	if m.base == nil || f == nil || !checkBlock(off, length, at, uint64(m.size)) {
		return IOERR_SHMMAP
	}
	end := off + int64(length)
	st, err := f.f.Stat()
	if err != nil {
		return IOERR_SHMSIZE
	}
	if st.Size() < end {
		if f.readOnly {
			return IOERR_SHMSIZE
		}
		if err := growFile(f.f, st.Size(), end); err != nil {
			if isNoSpace(err) {
				return FULL
			}
			return IOERR_SHMSIZE
		}
	}
	flags := unix.MAP_SHARED | unix.MAP_FIXED
	if f.readOnly {
		flags = unix.MAP_PRIVATE | unix.MAP_FIXED
	}
	addr := unsafe.Add(m.base, uintptr(at))
	// SAFETY: [at, at+length) is inside the accessible part of this
	// reservation (checkBlock), which only this FixedMem owns; MAP_FIXED
	// replaces exactly those pages.
	p, err := unix.MmapPtr(int(f.f.Fd()), off, addr, uintptr(length), unix.PROT_READ|unix.PROT_WRITE, flags)
	if err != nil || p != addr {
		if err == nil {
			_ = m.Unmap(at, length)
		}
		return IOERR_SHMMAP
	}
	return OK
}

// Unmap puts private zero-filled memory back over [at, at+length).
func (m *FixedMem) Unmap(at, length uint32) int32 {
	if m.base == nil || !checkBlock(0, length, at, uint64(m.size)) {
		return IOERR_SHMMAP
	}
	addr := unsafe.Add(m.base, uintptr(at))
	// SAFETY: as in MapFile, the block lies inside this reservation.
	p, err := unix.MmapPtr(-1, 0, addr, uintptr(length), unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_FIXED)
	if err != nil || p != addr {
		return IOERR_SHMMAP
	}
	return OK
}
