//! Recovery (walIndexRecover): rebuilds the wal-index from the `-wal` file
//! when the shared header is missing or damaged. Runs under the WRITE lock
//! and takes CKPT (unless held) and RECOVER exclusively, as SQLite does.
//!
//! The log is scanned frame by frame from its header; it ends at the first
//! frame whose salts or cumulative checksum do not match. Every valid
//! frame is indexed; mxFrame/nPage/the running checksum are those of the
//! last commit frame. Then nBackfill = 0, nBackfillAttempted = mxFrame,
//! read mark 0 = 0, read mark 1 = mxFrame (if any), the others unused.
//!
//! Invariant: memory use is one frame buffer whatever the file holds.

use super::format::{self, WalHeader, FRAME_HEADER_SIZE, WAL_HEADER_SIZE, WAL_VERSION};
use super::index::{lock_read, IndexHdr, LOCK_CKPT, LOCK_RECOVER, NREADER, READMARK_NOT_USED};
use super::Wal;
use crate::error::{codes, Error, Result};

impl Wal {
    pub(super) fn recover(&mut self) -> Result<()> {
        debug_assert!(self.write_lock);
        let (first, n) = if self.ckpt_lock { (LOCK_RECOVER, 1) } else { (LOCK_CKPT, 2) };
        if !self.lock_excl(first, n)? {
            return Err(Error::busy());
        }
        let r = self.recover_locked();
        self.unlock(first, n);
        r
    }

    fn recover_locked(&mut self) -> Result<()> {
        let mut hdr = IndexHdr::default();
        let size = self.file.size()?;
        if size > WAL_HEADER_SIZE as u64 {
            let mut hb = [0u8; WAL_HEADER_SIZE];
            self.file.read_at(&mut hb, 0)?;
            if let Some((wh, version)) = WalHeader::decode(&hb) {
                if version != WAL_VERSION {
                    return Err(Error::new(codes::CANTOPEN, "unable to open database file"));
                }
                self.scan(&wh, size, &mut hdr)?;
            }
        }
        self.hdr = hdr;
        self.index.write_hdr(&mut self.hdr)?;
        self.index.set_nbackfill(0)?;
        self.index.set_nbackfill_attempted(self.hdr.mx_frame)?;
        self.index.set_read_mark(0, 0)?;
        for i in 1..NREADER {
            if self.lock_excl(lock_read(i), 1)? {
                let v = if i == 1 && self.hdr.mx_frame > 0 { self.hdr.mx_frame } else { READMARK_NOT_USED };
                self.index.set_read_mark(i, v)?;
                self.unlock(lock_read(i), 1);
            }
        }
        Ok(())
    }

    /// Indexes every valid frame; `hdr` gets the last commit's state.
    fn scan(&mut self, wh: &WalHeader, size: u64, hdr: &mut IndexHdr) -> Result<()> {
        let ps = wh.page_size;
        hdr.big_endian_cksum = wh.big_endian_cksum;
        hdr.salt = wh.salt;
        hdr.set_page_size(ps);
        hdr.frame_cksum = wh.cksum;
        let frame_size = u64::from(ps) + FRAME_HEADER_SIZE as u64;
        let last = ((size - WAL_HEADER_SIZE as u64) / frame_size).min(u64::from(u32::MAX - 1)) as u32;
        let mut buf = vec![0u8; frame_size as usize];
        let mut ck = wh.cksum;
        for frame in 1..=last {
            self.file.read_at(&mut buf, format::frame_offset(frame, ps))?;
            let (fh, page) = buf.split_at(FRAME_HEADER_SIZE);
            let Some((pgno, commit, next)) = format::decode_frame(fh, page, wh.salt, wh.big_endian_cksum, ck) else { break };
            ck = next;
            self.index.append(frame, pgno, hdr.mx_frame)?;
            if commit != 0 {
                hdr.mx_frame = frame;
                hdr.n_page = commit;
                hdr.frame_cksum = ck;
            }
        }
        // Entries past the last commit must not linger.
        self.index.cleanup(hdr.mx_frame)?;
        Ok(())
    }
}
