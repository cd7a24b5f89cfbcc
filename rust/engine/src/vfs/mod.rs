//! The VFS: everything the engine needs from the operating system, behind two
//! traits so the same engine runs natively, in memory (tests) and in wasm
//! (where `rust/wasm` implements these traits over host imports).
//!
//! Locking model: SQLite's five levels (NONE < SHARED < RESERVED < PENDING <
//! EXCLUSIVE) at SQLite's byte offsets in the database file (see `lock`).
//! Implementations only provide non-blocking byte-range locks
//! (`VfsFile::lock_range`); the level state machine is shared code in
//! `lock::LockState`, so every host behaves exactly alike.
//!
//! Invariants:
//! - `read_at` past end of file fills the rest of the buffer with zeros and
//!   returns the number of bytes really read (SQLite's short read).
//! - `lock_range` never blocks: it returns `Ok(false)` when a conflicting lock
//!   is held by someone else.
//! - Byte-range locks are per open file (OFD semantics): two `VfsFile`s of one
//!   process on the same path exclude each other.
//!
//! Shared memory (WAL mode): `Vfs::open_shm` gives a `VfsShm`, the
//! wal-index file `<db>-shm` seen as memory shared by every process and
//! connection that has it open. It is mapped in 32 KiB regions
//! (`SHM_REGION_SIZE`); `read`/`write` copy from/to the mapped memory itself
//! (never a private copy), so a write is visible to other processes at once
//! and ordered by `barrier`. The lock protocol on it (WRITE/CKPT/RECOVER/
//! READ(i)/DMS at bytes 120..=128) is shared engine code over `lock_range`,
//! as for the database file.

pub mod lock;
pub mod memory;
pub mod memory_shm;
#[cfg(unix)]
pub mod unix;
#[cfg(unix)]
pub mod unix_shm;

use crate::error::Result;

/// Flags for `Vfs::open`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    pub read_only: bool,
    pub create: bool,
    /// Fail if the file exists (used for journals created exclusively).
    pub exclusive: bool,
    /// What the file is; hosts may use it for diagnostics or sync policy.
    pub kind: FileKind,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FileKind {
    #[default]
    MainDb,
    MainJournal,
    Wal,
    Temp,
    /// The wal-index (`<db>-shm`), opened through `Vfs::open_shm`.
    Shm,
}

/// Size of one mapped piece of the wal-index; SQLite maps `-shm` in 32 KiB
/// regions (region k = bytes k*32768 .. (k+1)*32768 of the file).
pub const SHM_REGION_SIZE: u32 = 32768;

/// Kind of a byte-range lock request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeLock {
    Unlock,
    /// Shared (read) lock, F_RDLCK.
    Read,
    /// Exclusive (write) lock, F_WRLCK.
    Write,
}

/// How hard to sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncKind {
    Normal,
    Full,
    /// Data only (fdatasync).
    DataOnly,
}

pub trait Vfs {
    /// Opens (and with `create`, creates) the file at `path`.
    fn open(&self, path: &str, opts: OpenOptions) -> Result<Box<dyn VfsFile>>;
    /// Deletes a file; `sync_dir` asks that the directory entry be synced.
    /// Deleting a missing file returns IOERR_DELETE_NOENT.
    fn delete(&self, path: &str, sync_dir: bool) -> Result<()>;
    /// True if the file exists.
    fn exists(&self, path: &str) -> Result<bool>;
    /// Milliseconds since the Unix epoch.
    fn current_time_ms(&self) -> i64;
    /// Fills `buf` with random bytes (used for journal nonces and salts).
    fn randomness(&self, buf: &mut [u8]);
    /// Sleeps for at least `micros` microseconds.
    fn sleep(&self, micros: u64);
    /// Opens (creating it unless `read_only`) the wal-index shared memory of
    /// the database at `db_path`, i.e. the file `<db_path>-shm`. A host that
    /// cannot share memory returns an error (the engine then refuses WAL
    /// with that error's code and message).
    fn open_shm(&self, db_path: &str, read_only: bool) -> Result<Box<dyn VfsShm>> {
        let _ = (db_path, read_only);
        Err(crate::error::Error::new(
            crate::error::codes::CANTOPEN,
            "WAL mode is not supported by this VFS (no shared memory)",
        ))
    }
}

/// The wal-index shared memory of one database (see the module doc).
///
/// Invariants:
/// - `read`/`write` touch only regions made accessible by `map`; a range
///   outside them is an error (IOERR_SHMMAP), never a panic.
/// - Mapped memory is shared with every other holder of the file at once.
/// - `lock_range` is non-blocking with the same OFD semantics as
///   `VfsFile::lock_range` (offsets are bytes of the `-shm` file).
pub trait VfsShm {
    /// Size of the `-shm` file in bytes.
    fn size(&mut self) -> Result<u64>;
    /// Sets the `-shm` file's size (used by the first opener to reset a
    /// stale wal-index). Unmaps nothing; callers truncate before mapping.
    fn truncate(&mut self, size: u64) -> Result<()>;
    /// Makes region `region` accessible, growing the file with zeros to
    /// `(region+1)*SHM_REGION_SIZE` bytes if it is shorter (error if the
    /// shm is read-only and shorter). Mapping a mapped region is a no-op.
    fn map(&mut self, region: u32) -> Result<()>;
    /// Copies `buf.len()` bytes at byte `offset` of the wal-index out of the
    /// shared memory.
    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<()>;
    /// Copies `data` into the shared memory at byte `offset`.
    fn write(&mut self, offset: u32, data: &[u8]) -> Result<()>;
    /// A full memory barrier: accesses before it are visible to other
    /// processes before accesses after it.
    fn barrier(&self);
    /// Non-blocking byte-range lock on the `-shm` file.
    fn lock_range(&mut self, start: u64, len: u64, kind: RangeLock) -> Result<bool>;
    /// Unmaps every region and closes the file (releasing its locks); with
    /// `delete`, deletes the `-shm` file first. Further calls are errors.
    fn close(&mut self, delete: bool) -> Result<()>;
}

pub trait VfsFile {
    /// Reads at `offset`; see the module invariants for short reads.
    fn read_at(&mut self, buf: &mut [u8], offset: u64) -> Result<usize>;
    fn write_at(&mut self, buf: &[u8], offset: u64) -> Result<()>;
    fn sync(&mut self, kind: SyncKind) -> Result<()>;
    fn size(&mut self) -> Result<u64>;
    fn truncate(&mut self, size: u64) -> Result<()>;
    /// Non-blocking POSIX-style byte-range lock on `[start, start+len)`.
    /// Returns Ok(true) on success, Ok(false) if another holder conflicts.
    fn lock_range(&mut self, start: u64, len: u64, kind: RangeLock) -> Result<bool>;
    /// True if some other holder has a write lock on the byte range (used for
    /// check_reserved: is the RESERVED byte taken by someone else?).
    fn range_is_write_locked(&mut self, start: u64, len: u64) -> Result<bool>;
}
