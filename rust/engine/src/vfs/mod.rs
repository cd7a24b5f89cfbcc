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

pub mod lock;
pub mod memory;
#[cfg(unix)]
pub mod unix;

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
}

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
