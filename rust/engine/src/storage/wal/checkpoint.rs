//! Checkpoints (sqlite3WalCheckpoint / walCheckpoint): copy the newest
//! committed image of each page from the log into the database file.
//!
//! ```text
//!   CKPT exclusive (else BUSY: another checkpointer)
//!   FULL/RESTART/TRUNCATE: WRITE exclusive with the busy handler (if it
//!       cannot be had: PASSIVE, and the result says busy)
//!   header (recovery if needed); mxSafeFrame = mxFrame, lowered to the
//!       read mark of any reader that keeps READ(i) (i = 1..4)
//!   READ(0) exclusive: nBackfillAttempted = mxSafeFrame; sync log; write
//!       pages (ascending, newest frame <= mxSafeFrame each, never the
//!       lock page); if the whole log is in: truncate the db to nPage;
//!       sync db; nBackfill = mxSafeFrame
//!   RESTART/TRUNCATE: not all backfilled -> busy; else READ(1..4)
//!       exclusive (busy handler); TRUNCATE: restart header, log to 0 bytes
//! ```
//!
//! Result: (busy, frames in the log, frames backfilled) as PRAGMA
//! wal_checkpoint returns them; (true, -1, -1) when CKPT was taken.

use super::index::{lock_read, IndexHdr, LOCK_CKPT, LOCK_WRITE, NREADER, READMARK_NOT_USED};
use super::Wal;
use crate::error::{codes, Error, Result};
use crate::vfs::{SyncKind, VfsFile};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CheckpointMode {
    Passive,
    Full,
    Restart,
    Truncate,
}

impl CheckpointMode {
    /// SQLite's names (any case); an unknown name is PASSIVE, as in the
    /// pragma.
    pub fn parse(s: &str) -> CheckpointMode {
        match s.to_ascii_lowercase().as_str() {
            "full" => CheckpointMode::Full,
            "restart" => CheckpointMode::Restart,
            "truncate" => CheckpointMode::Truncate,
            _ => CheckpointMode::Passive,
        }
    }
}

/// What a checkpoint did, in PRAGMA wal_checkpoint's three columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckpointResult {
    pub busy: bool,
    pub log: i32,
    pub checkpointed: i32,
}

type Busy<'a> = &'a mut dyn FnMut() -> bool;

impl Wal {
    /// Exclusive lock on `n` bytes from `byte`, retrying while `busy` (if
    /// any) says to.
    fn busy_lock(&mut self, byte: u64, n: u64, busy: &mut Option<Busy<'_>>) -> Result<bool> {
        loop {
            if self.lock_excl(byte, n)? {
                return Ok(true);
            }
            let again = match busy {
                Some(b) => b(),
                None => false,
            };
            if !again {
                return Ok(false);
            }
        }
    }

    /// Runs a checkpoint of `mode` into `db` (the database file, page size
    /// `page_size`). `sync`: synchronous != OFF. Must not be called inside
    /// a transaction of this connection.
    pub fn checkpoint(&mut self, db: &mut dyn VfsFile, mode: CheckpointMode, page_size: u32, sync: bool, lock_page: u32, busy: Busy<'_>) -> Result<CheckpointResult> {
        if self.read_only {
            return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
        }
        debug_assert!(self.read_lock < 0 && !self.write_lock);
        if !self.lock_excl(LOCK_CKPT, 1)? {
            return Ok(CheckpointResult { busy: true, log: -1, checkpointed: -1 });
        }
        self.ckpt_lock = true;
        let mut busy: Option<Busy<'_>> = Some(busy);
        let mut mode2 = mode;
        if mode != CheckpointMode::Passive {
            if self.busy_lock(LOCK_WRITE, 1, &mut busy)? {
                self.write_lock = true;
            } else {
                mode2 = CheckpointMode::Passive;
                busy = None;
            }
        }
        if mode2 == CheckpointMode::Passive {
            busy = None;
        }
        let mut changed = false;
        let r = self.read_index_hdr(&mut changed).and_then(|_| {
            if self.hdr.mx_frame > 0 && self.hdr.page_size() != page_size {
                return Err(Error::corrupt("wal page size differs from the database's"));
            }
            self.backfill(db, mode2, sync, lock_page, &mut busy)
        });
        let out = match r {
            Ok(done) => Ok(CheckpointResult {
                busy: !done || mode2 != mode,
                log: self.hdr.mx_frame as i32,
                checkpointed: self.index.nbackfill()? as i32,
            }),
            Err(e) => Err(e),
        };
        if changed {
            // The next read transaction must see the database as changed.
            self.hdr = IndexHdr::default();
        }
        self.ckpt_lock = false;
        self.unlock(LOCK_CKPT, 1);
        self.end_write();
        out
    }

    /// walCheckpoint proper; Ok(false) = BUSY for RESTART/TRUNCATE/FULL.
    fn backfill(&mut self, db: &mut dyn VfsFile, mode: CheckpointMode, sync: bool, lock_page: u32, busy: &mut Option<Busy<'_>>) -> Result<bool> {
        let ps = self.hdr.page_size();
        let nbackfill = self.index.nbackfill()?;
        if nbackfill < self.hdr.mx_frame {
            let mut mx_safe = self.hdr.mx_frame;
            let mx_page = self.hdr.n_page;
            for i in 1..NREADER {
                let y = self.index.read_mark(i)?;
                if mx_safe > y {
                    if self.busy_lock(lock_read(i), 1, busy)? {
                        self.index.set_read_mark(i, if i == 1 { mx_safe } else { READMARK_NOT_USED })?;
                        self.unlock(lock_read(i), 1);
                    } else {
                        mx_safe = y;
                        *busy = None;
                    }
                }
            }
            if nbackfill < mx_safe && self.busy_lock(lock_read(0), 1, busy)? {
                let r = self.copy_frames(db, nbackfill, mx_safe, mx_page, ps, sync, lock_page);
                self.unlock(lock_read(0), 1);
                r?;
            }
        }
        if mode != CheckpointMode::Passive {
            if self.index.nbackfill()? < self.hdr.mx_frame {
                return Ok(false);
            }
            if mode >= CheckpointMode::Restart {
                let mut b = [0u8; 4];
                self.vfs.randomness(&mut b);
                if !self.busy_lock(lock_read(1), (NREADER - 1) as u64, busy)? {
                    return Ok(false);
                }
                let r = if mode == CheckpointMode::Truncate {
                    self.restart_hdr(u32::from_ne_bytes(b)).and_then(|_| self.file.truncate(0))
                } else {
                    Ok(())
                };
                self.unlock(lock_read(1), (NREADER - 1) as u64);
                r?;
            }
        }
        Ok(true)
    }

    #[allow(clippy::too_many_arguments)]
    fn copy_frames(&mut self, db: &mut dyn VfsFile, nbackfill: u32, mx_safe: u32, mx_page: u32, ps: u32, sync: bool, lock_page: u32) -> Result<()> {
        // Newest frame of each page in (nbackfill, mx_safe], by page number.
        let mut pages: BTreeMap<u32, u32> = BTreeMap::new();
        for f in nbackfill + 1..=mx_safe {
            let pgno = self.index.page_of_frame(f)?;
            if pgno != 0 && pgno <= mx_page && pgno != lock_page {
                pages.insert(pgno, f);
            }
        }
        self.index.set_nbackfill_attempted(mx_safe)?;
        if sync {
            self.file.sync(SyncKind::Full)?;
        }
        let mut buf = vec![0u8; ps as usize];
        for (&pgno, &frame) in &pages {
            self.read_frame(frame, &mut buf)?;
            db.write_at(&buf, u64::from(pgno - 1) * u64::from(ps))?;
        }
        if mx_safe == self.index.raw_hdr()?.mx_frame {
            db.truncate(u64::from(self.hdr.n_page) * u64::from(ps))?;
        }
        if sync {
            db.sync(SyncKind::Full)?;
        }
        self.index.set_nbackfill(mx_safe)
    }
}
