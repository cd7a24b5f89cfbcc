package vfs

// Shared memory for the wal-index (WAL mode, docs/abi.md fs_map/fs_unmap/
// shm_barrier). The engine keeps the wal-index (`<db>-shm`) in its own
// linear memory, and the host maps the file there: MAP_SHARED|MAP_FIXED
// over 32 KiB-aligned blocks of a linear memory that never moves. A
// FixedMem (fixedmem_unix.go) is such a memory: one reservation of the
// memory's maximum size, inaccessible (PROT_NONE) until the wasm memory
// grows over it, so its base address is fixed for the instance's life.
//
//   - MapFile replaces [at, at+len) of the memory with bytes [off, off+len)
//     of an open file, shared with every other mapping of the file (other
//     connections, other processes, real SQLite), growing the file with
//     zeros first if it is shorter.
//   - Unmap puts private zero-filled memory back over the block.
//   - Barrier is a full hardware memory fence (barrier_*.s).
//
// Where this is impossible (Windows, 32-bit address spaces, an OS page size
// that does not divide 32 KiB) the host reports IOERR_SHMMAP and the engine
// refuses WAL mode with that error.
//
// Invariants: a FixedMem never changes its base address; MapFile and
// Unmap touch only whole ShmRegion-aligned blocks inside the memory's
// current (accessible) size; nothing here panics on a bad argument, it
// returns an IOERR_SHM* code.

// Result codes of the shared-memory layer.
const (
	IOERR_SHMOPEN = 10 | 18<<8
	IOERR_SHMSIZE = 10 | 19<<8
	IOERR_SHMLOCK = 10 | 20<<8
	IOERR_SHMMAP  = 10 | 21<<8
)

// OpenShm marks an fs_open of a wal-index (`<db>-shm`); used for
// diagnostics only, the file is opened like any other.
const OpenShm = 1 << 3

// ShmRegion is the size and alignment of one mapped block of a wal-index
// (SQLite maps `-shm` in 32 KiB regions).
const ShmRegion = 32768

// checkBlock validates a (file offset, length, memory address) triple for
// MapFile/Unmap against a memory of size bytes.
func checkBlock(off int64, length, at uint32, size uint64) bool {
	return off >= 0 && off%ShmRegion == 0 && length > 0 && length%ShmRegion == 0 &&
		at%ShmRegion == 0 && uint64(at)+uint64(length) <= size
}
