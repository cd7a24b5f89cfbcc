//! The writer side of the WAL: the WRITE lock with SQLite's snapshot check,
//! restarting the log when everything is backfilled, and appending a
//! transaction's frames (sqlite3WalBeginWriteTransaction, walRestartLog,
//! sqlite3WalFrames).
//!
//! Commit order: (restart) -> WAL header if the log is empty (synced unless
//! synchronous=OFF) -> frames, the last with the commit size -> sync the
//! log if synchronous >= FULL -> journal_size_limit truncation (first
//! commit after a restart) -> wal-index entries -> wal-index header (the
//! commit point for readers).
//!
//! Invariant: if anything fails before the header is written, the
//! transaction is invisible: the wal-index entries it added are cleaned
//! and `hdr` is unchanged.

use super::format::{self, WalHeader, FRAME_HEADER_SIZE};
use super::index::{lock_read, LOCK_WRITE, NREADER, READMARK_NOT_USED};
use super::Wal;
use crate::error::{codes, Error, Result};
use crate::vfs::SyncKind;

impl Wal {
    /// Takes the WRITE lock. BUSY if another writer has it, BUSY_SNAPSHOT
    /// if the log moved since this read transaction started.
    pub fn begin_write(&mut self) -> Result<()> {
        if self.read_only {
            return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
        }
        if !self.lock_excl(LOCK_WRITE, 1)? {
            return Err(Error::busy());
        }
        self.write_lock = true;
        if self.index.raw_hdr()? != self.hdr {
            self.end_write();
            return Err(Error::new(codes::BUSY_SNAPSHOT, "database is locked"));
        }
        Ok(())
    }

    pub fn end_write(&mut self) {
        if self.write_lock {
            self.write_lock = false;
            self.unlock(LOCK_WRITE, 1);
        }
    }

    fn random_u32(&self) -> u32 {
        let mut b = [0u8; 4];
        self.vfs.randomness(&mut b);
        u32::from_ne_bytes(b)
    }

    /// walRestartHdr: an empty log with new salts (salt-1 + 1, random
    /// salt-2), nothing backfilled, read mark 1 = 0, others unused.
    pub(super) fn restart_hdr(&mut self, salt2: u32) -> Result<()> {
        self.hdr.mx_frame = 0;
        self.hdr.salt = [self.hdr.salt[0].wrapping_add(1), salt2];
        self.index.write_hdr(&mut self.hdr)?;
        self.index.set_nbackfill(0)?;
        self.index.set_nbackfill_attempted(0)?;
        self.index.set_read_mark(1, 0)?;
        for i in 2..NREADER {
            self.index.set_read_mark(i, READMARK_NOT_USED)?;
        }
        Ok(())
    }

    /// walRestartLog: with READ(0) held and the log fully backfilled, start
    /// it over if no reader uses it; then pick a read mark again.
    fn restart_log(&mut self) -> Result<()> {
        if self.read_lock != 0 {
            return Ok(());
        }
        if self.index.nbackfill()? > 0 {
            let salt2 = self.random_u32();
            if self.lock_excl(lock_read(1), (NREADER - 1) as u64)? {
                let r = self.restart_hdr(salt2);
                self.unlock(lock_read(1), (NREADER - 1) as u64);
                r?;
                self.truncate_on_commit = true;
            }
        }
        self.unlock(lock_read(0), 1);
        self.read_lock = -1;
        let mut cnt = 0;
        let mut changed = false;
        while !self.try_begin_read(&mut changed, true, &mut cnt)? {}
        Ok(())
    }

    /// Appends one transaction: `pages` (ascending page numbers, none the
    /// lock page, all <= `db_size`) as frames, the last one the commit
    /// frame. `sync_commit`: sync the log (synchronous FULL/EXTRA);
    /// `sync_header`: sync a new log header (synchronous != OFF).
    pub fn commit_frames(&mut self, pages: &[(u32, &[u8])], db_size: u32, page_size: u32, sync_commit: bool, sync_header: bool) -> Result<()> {
        debug_assert!(self.write_lock && !pages.is_empty());
        self.restart_log()?;
        let saved = self.hdr;
        let r = self.append_frames(pages, db_size, page_size, sync_commit, sync_header);
        if r.is_err() {
            // Undo: forget index entries past the committed frames.
            self.hdr = saved;
            let _ = self.index.cleanup(saved.mx_frame);
        }
        r
    }

    fn append_frames(&mut self, pages: &[(u32, &[u8])], db_size: u32, page_size: u32, sync_commit: bool, sync_header: bool) -> Result<()> {
        let mut frame = self.hdr.mx_frame;
        if frame > 0 && self.hdr.page_size() != page_size {
            return Err(Error::corrupt("wal page size differs from the database's"));
        }
        if frame == 0 {
            let seq = self.read_ckpt_seq()?;
            let salt = [self.hdr.salt[0].wrapping_add(1), self.random_u32()];
            let (bytes, wh) = WalHeader::encode(page_size, seq, salt);
            self.file.write_at(&bytes, 0)?;
            if sync_header {
                self.file.sync(SyncKind::Full)?;
            }
            self.hdr.salt = wh.salt;
            self.hdr.big_endian_cksum = wh.big_endian_cksum;
            self.hdr.frame_cksum = wh.cksum;
            self.hdr.set_page_size(page_size);
        }
        let mut ck = self.hdr.frame_cksum;
        let mut buf = vec![0u8; FRAME_HEADER_SIZE + page_size as usize];
        for (i, (pgno, data)) in pages.iter().enumerate() {
            frame += 1;
            let commit = if i + 1 == pages.len() { db_size } else { 0 };
            let (fh, body) = buf.split_at_mut(FRAME_HEADER_SIZE);
            body.copy_from_slice(data);
            let fh: &mut [u8; FRAME_HEADER_SIZE] = fh.try_into().map_err(|_| Error::corrupt("frame header"))?;
            ck = format::encode_frame(fh, *pgno, commit, self.hdr.salt, self.hdr.big_endian_cksum, data, ck);
            self.file.write_at(&buf, format::frame_offset(frame, page_size))?;
        }
        if sync_commit {
            self.file.sync(SyncKind::Full)?;
        }
        if self.truncate_on_commit && self.size_limit >= 0 {
            let end = format::frame_offset(frame + 1, page_size);
            let limit = (self.size_limit as u64).max(end);
            if self.file.size()? > limit {
                self.file.truncate(limit)?;
            }
            self.truncate_on_commit = false;
        }
        let mut f = self.hdr.mx_frame;
        for (pgno, _) in pages {
            f += 1;
            self.index.append(f, *pgno, self.hdr.mx_frame)?;
        }
        self.hdr.mx_frame = frame;
        self.hdr.change = self.hdr.change.wrapping_add(1);
        self.hdr.n_page = db_size;
        self.hdr.frame_cksum = ck;
        self.index.write_hdr(&mut self.hdr)
    }

    /// Checkpoint sequence for a new log header: the old header's + 1.
    fn read_ckpt_seq(&mut self) -> Result<u32> {
        let mut hb = [0u8; format::WAL_HEADER_SIZE];
        if self.file.read_at(&mut hb, 0)? < hb.len() {
            return Ok(0);
        }
        Ok(WalHeader::decode(&hb).map_or(0, |(h, _)| h.ckpt_seq.wrapping_add(1)))
    }
}
