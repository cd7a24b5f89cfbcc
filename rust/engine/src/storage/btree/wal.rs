//! The b-tree's part of WAL mode: PRAGMA journal_mode transitions (the
//! header's read/write versions, bytes 18/19: 2 = WAL, 1 = rollback, set
//! by a write transaction as SQLite's sqlite3BtreeSetVersion) and
//! pass-throughs for the WAL pragmas. The log itself is the pager's.
//!
//! Invariant: a transition happens only outside any transaction of this
//! connection (SQLite: "cannot change into/out of wal mode from within a
//! transaction").

use super::Btree;
use crate::error::{codes, Error, Result};
use crate::storage::pager::{JournalMode, PagerState};
use crate::storage::wal::checkpoint::CheckpointResult;
use crate::storage::wal::CheckpointMode;

impl Btree {
    /// PRAGMA journal_mode = `mode` when it enters or leaves WAL mode;
    /// None when it does neither (the caller handles it). `in_txn`: the
    /// connection is inside BEGIN.
    pub fn wal_journal_mode(&mut self, mode: Option<&str>, in_txn: bool) -> Result<Option<&'static str>> {
        let Some(m) = mode.and_then(JournalMode::parse) else { return Ok(None) };
        let cur = self.pager.journal_mode();
        let into = m == JournalMode::Wal && cur != JournalMode::Wal;
        let out = cur == JournalMode::Wal && m != JournalMode::Wal;
        if (!into && !out) || (into && (!self.pager.wal_supported() || self.pager.is_read_only())) {
            return Ok(None);
        }
        if in_txn || self.pager.state() != PagerState::None {
            let dir = if into { "into" } else { "out of" };
            return Err(Error::sql(format!("cannot change {dir} wal mode from within a transaction")));
        }
        self.generation += 1;
        if into {
            match self.pager.probe_shm() {
                Ok(()) => {}
                // No shared memory at all (the VFS's default open_shm): keep
                // the mode, as SQLite does when the VFS lacks xShmMap.
                Err(e) if e.code == codes::CANTOPEN => return Ok(None),
                Err(e) => return Err(e),
            }
            self.set_file_version(2)?;
            self.pager.enter_wal_mode()?;
            return Ok(Some("wal"));
        }
        self.pager.leave_wal_mode(m)?;
        let r = self.set_file_version(1);
        self.pager.left_wal_mode();
        r?;
        Ok(Some(m.name()))
    }

    /// Sets header bytes 18/19 to `v` in a write transaction of its own.
    fn set_file_version(&mut self, v: u8) -> Result<()> {
        self.begin_write()?;
        let same = {
            let p = self.pager.get(1)?;
            let d = p.borrow();
            d[18] == v && d[19] == v
        };
        if !same {
            let p = self.pager.write(1);
            match p {
                Ok(p) => {
                    let mut d = p.borrow_mut();
                    d[18] = v;
                    d[19] = v;
                }
                Err(e) => {
                    let _ = self.rollback();
                    return Err(e);
                }
            }
        }
        match self.commit() {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = self.rollback();
                Err(e)
            }
        }
    }

    /// PRAGMA wal_checkpoint(mode).
    pub fn wal_checkpoint(&mut self, mode: CheckpointMode) -> Result<CheckpointResult> {
        self.pager.wal_checkpoint(mode)
    }

    /// PRAGMA wal_autocheckpoint.
    pub fn wal_autocheckpoint(&mut self, n: Option<i64>) -> i64 {
        self.pager.wal_autocheckpoint(n)
    }
}
