//! SQLite's five-level file lock, as a state machine over non-blocking
//! byte-range locks (`VfsFile::lock_range`) at SQLite's offsets:
//!
//! ```text
//!   PENDING_BYTE   0x40000000        write = PENDING, brief read while getting SHARED
//!   RESERVED_BYTE  0x40000001        write = RESERVED
//!   SHARED range   0x40000002 +510   read = SHARED, write = EXCLUSIVE
//!
//!   NONE --lock(SHARED)--> SHARED --lock(RESERVED)--> RESERVED
//!     ^                      |  \                         |
//!     |                      |   `--lock(EXCLUSIVE)--> PENDING --> EXCLUSIVE
//!     `---unlock(NONE)-------'<------unlock(SHARED)---------------'
//! ```
//!
//! The logic follows SQLite's unixLock: SHARED is taken under a brief read
//! lock on the PENDING byte (so a writer holding PENDING keeps new readers
//! out); EXCLUSIVE first takes a write lock on PENDING (the level becomes
//! PENDING and stays there if the SHARED range is still read-locked by
//! others), then a write lock on the SHARED range.
//!
//! Invariants: `level` is exactly what this handle holds on the file; a
//! refused request returns Ok(false) and leaves the held locks as they were
//! (except that an EXCLUSIVE request may leave PENDING held, as in SQLite).

use crate::error::{codes, Error, Result};
use crate::vfs::{RangeLock, VfsFile};

pub const PENDING_BYTE: u64 = 0x4000_0000;
pub const RESERVED_BYTE: u64 = PENDING_BYTE + 1;
pub const SHARED_FIRST: u64 = PENDING_BYTE + 2;
pub const SHARED_SIZE: u64 = 510;

/// SQLite's lock levels, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LockLevel {
    None,
    Shared,
    Reserved,
    Pending,
    Exclusive,
}

/// The lock level one open database file holds.
#[derive(Debug)]
pub struct LockState {
    level: LockLevel,
}

impl Default for LockState {
    fn default() -> Self {
        LockState::new()
    }
}

impl LockState {
    pub fn new() -> LockState {
        LockState { level: LockLevel::None }
    }

    pub fn level(&self) -> LockLevel {
        self.level
    }

    /// Raises the lock to `want` (SHARED, RESERVED or EXCLUSIVE). Ok(false)
    /// means another connection holds a conflicting lock (BUSY).
    pub fn lock(&mut self, f: &mut dyn VfsFile, want: LockLevel) -> Result<bool> {
        if self.level >= want {
            return Ok(true);
        }
        match want {
            LockLevel::None => Ok(true),
            LockLevel::Shared => {
                debug_assert_eq!(self.level, LockLevel::None);
                if !f.lock_range(PENDING_BYTE, 1, RangeLock::Read)? {
                    return Ok(false);
                }
                let ok = f.lock_range(SHARED_FIRST, SHARED_SIZE, RangeLock::Read)?;
                f.lock_range(PENDING_BYTE, 1, RangeLock::Unlock)?;
                if ok {
                    self.level = LockLevel::Shared;
                }
                Ok(ok)
            }
            LockLevel::Reserved => {
                if self.level != LockLevel::Shared {
                    return Err(Error::new(codes::MISUSE, "RESERVED lock without SHARED"));
                }
                if !f.lock_range(RESERVED_BYTE, 1, RangeLock::Write)? {
                    return Ok(false);
                }
                self.level = LockLevel::Reserved;
                Ok(true)
            }
            LockLevel::Pending | LockLevel::Exclusive => {
                if self.level == LockLevel::None {
                    return Err(Error::new(codes::MISUSE, "EXCLUSIVE lock without SHARED"));
                }
                if self.level < LockLevel::Pending {
                    if !f.lock_range(PENDING_BYTE, 1, RangeLock::Write)? {
                        return Ok(false);
                    }
                    self.level = LockLevel::Pending;
                }
                if want == LockLevel::Pending {
                    return Ok(true);
                }
                if !f.lock_range(SHARED_FIRST, SHARED_SIZE, RangeLock::Write)? {
                    return Ok(false);
                }
                self.level = LockLevel::Exclusive;
                Ok(true)
            }
        }
    }

    /// Lowers the lock to SHARED or NONE.
    pub fn unlock(&mut self, f: &mut dyn VfsFile, to: LockLevel) -> Result<()> {
        if self.level <= to {
            return Ok(());
        }
        match to {
            LockLevel::Shared => {
                if self.level == LockLevel::Exclusive {
                    // Downgrade the SHARED range from write to read.
                    if !f.lock_range(SHARED_FIRST, SHARED_SIZE, RangeLock::Read)? {
                        return Err(Error::io(codes::IOERR_RDLOCK, "downgrade to SHARED"));
                    }
                }
                f.lock_range(PENDING_BYTE, 2, RangeLock::Unlock)?;
                self.level = LockLevel::Shared;
            }
            LockLevel::None => {
                f.lock_range(PENDING_BYTE, 2, RangeLock::Unlock)?;
                f.lock_range(SHARED_FIRST, SHARED_SIZE, RangeLock::Unlock)?;
                self.level = LockLevel::None;
            }
            _ => return Err(Error::new(codes::MISUSE, "unlock to a level above SHARED")),
        }
        Ok(())
    }

    /// True if another connection holds RESERVED (or more) on the file.
    pub fn check_reserved(&self, f: &mut dyn VfsFile) -> Result<bool> {
        if self.level >= LockLevel::Reserved {
            return Ok(true);
        }
        f.range_is_write_locked(RESERVED_BYTE, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::memory::MemoryVfs;
    use crate::vfs::{OpenOptions, Vfs};

    fn file(v: &MemoryVfs) -> Box<dyn VfsFile> {
        v.open("db", OpenOptions { create: true, ..Default::default() }).unwrap()
    }

    #[test]
    fn five_levels() {
        let v = MemoryVfs::new();
        let (mut fa, mut fb, mut fc) = (file(&v), file(&v), file(&v));
        let (mut a, mut b, mut c) = (LockState::new(), LockState::new(), LockState::new());
        assert!(a.lock(&mut *fa, LockLevel::Shared).unwrap());
        assert!(b.lock(&mut *fb, LockLevel::Shared).unwrap());
        assert!(!b.check_reserved(&mut *fb).unwrap());
        assert!(a.lock(&mut *fa, LockLevel::Reserved).unwrap());
        assert!(b.check_reserved(&mut *fb).unwrap());
        assert!(!b.lock(&mut *fb, LockLevel::Reserved).unwrap());
        // a wants EXCLUSIVE: gets PENDING, blocked by b's SHARED.
        assert!(!a.lock(&mut *fa, LockLevel::Exclusive).unwrap());
        assert_eq!(a.level(), LockLevel::Pending);
        // PENDING keeps new readers out.
        assert!(!c.lock(&mut *fc, LockLevel::Shared).unwrap());
        assert_eq!(c.level(), LockLevel::None);
        b.unlock(&mut *fb, LockLevel::None).unwrap();
        assert!(a.lock(&mut *fa, LockLevel::Exclusive).unwrap());
        assert_eq!(a.level(), LockLevel::Exclusive);
        assert!(!c.lock(&mut *fc, LockLevel::Shared).unwrap());
        a.unlock(&mut *fa, LockLevel::Shared).unwrap();
        assert!(c.lock(&mut *fc, LockLevel::Shared).unwrap());
        assert!(!c.check_reserved(&mut *fc).unwrap());
        a.unlock(&mut *fa, LockLevel::None).unwrap();
        assert!(c.lock(&mut *fc, LockLevel::Reserved).unwrap());
        drop(fc); // closing releases the locks
        assert!(b.lock(&mut *fb, LockLevel::Shared).unwrap());
        assert!(b.lock(&mut *fb, LockLevel::Exclusive).unwrap());
    }
}
