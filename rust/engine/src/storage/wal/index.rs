//! The wal-index (`<db>-shm`) layout, read and written in place through
//! `VfsShm` (walformat §2). All integers are in the host's byte order,
//! except aSalt: SQLite copies the salt *bytes* of the -wal header into it
//! and back into every frame header, so they stay in the -wal's (big-endian)
//! byte order here too.
//!
//! ```text
//! region 0 (32 KiB):
//!     0  48  wal-index header, copy 1       WalIndexHdr (48 bytes):
//!    48  48  wal-index header, copy 2          0 iVersion 3007000  4 unused
//!    96   4  nBackfill                          8 iChange          12 isInit (u8)
//!   100  20  aReadMark[0..5]                   13 bigEndCksum (u8) 14 szPage (u16)
//!   120   8  lock bytes (never accessed)       16 mxFrame          20 nPage
//!   128   4  nBackfillAttempted               24 aFrameCksum[2]   32 aSalt[2]
//!   132   4  unused                            40 aCksum[2] = checksum of 0..40
//!   136      aPgno[4062] (u32), then aHash[8192] (u16) at 16384
//! region k >= 1: aPgno[4096] at 0, aHash[8192] at 16384
//! ```
//!
//! Frame f (1-based) lives in hash block `block_of(f)`; its page number is
//! aPgno[f - zero(block) - 1] and aHash holds `f - zero(block)` in the slot
//! found by probing from (pgno*383) & 8191 with +1 (wrapping).
//!
//! Header protocol (as SQLite): writers write copy 2, barrier, copy 1;
//! readers read copy 1, barrier, copy 2 and use the header only if both
//! copies are equal, isInit is set and the checksum matches.
//!
//! Invariants: every read of shared memory is bounds-checked by `VfsShm`;
//! probes stop after one lap of the table (a full table is corruption);
//! hostile values (page numbers, indexes) never index out of range.

use crate::error::{Error, Result};
use crate::storage::wal::format::{checksum, Cksum};
use crate::vfs::{VfsShm, SHM_REGION_SIZE};

pub const HDR_SIZE: usize = 48;
pub const OFF_NBACKFILL: u32 = 96;
pub const OFF_READ_MARK: u32 = 100;
pub const OFF_NBACKFILL_ATTEMPTED: u32 = 128;
/// Bytes before region 0's page-number array.
pub const INDEX_HDR_SIZE: u32 = 136;
pub const NPAGE: u32 = 4096;
pub const NPAGE_ONE: u32 = NPAGE - INDEX_HDR_SIZE / 4;
pub const NSLOT: u32 = 2 * NPAGE;
const OFF_HASH: u32 = NPAGE * 4;
pub const READMARK_NOT_USED: u32 = 0xffff_ffff;
pub const NREADER: usize = 5;
pub const INDEX_VERSION: u32 = 3_007_000;

/// Lock bytes of the `-shm` file.
pub const LOCK_WRITE: u64 = 120;
pub const LOCK_CKPT: u64 = 121;
pub const LOCK_RECOVER: u64 = 122;
pub const fn lock_read(i: usize) -> u64 {
    123 + i as u64
}
pub const LOCK_DMS: u64 = 128;

/// The wal-index header (one copy).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexHdr {
    pub version: u32,
    pub change: u32,
    pub is_init: bool,
    pub big_endian_cksum: bool,
    /// Page size as stored (65536 is stored as 1).
    pub page_size_raw: u16,
    pub mx_frame: u32,
    pub n_page: u32,
    pub frame_cksum: Cksum,
    pub salt: [u32; 2],
    pub cksum: Cksum,
}

impl IndexHdr {
    pub fn page_size(&self) -> u32 {
        let s = u32::from(self.page_size_raw);
        (s & 0xfe00) + ((s & 1) << 16)
    }

    pub fn set_page_size(&mut self, ps: u32) {
        self.page_size_raw = ((ps & 0xff00) | ((ps >> 16) & 1)) as u16;
    }

    pub fn encode(&self) -> [u8; HDR_SIZE] {
        let mut b = [0u8; HDR_SIZE];
        b[0..4].copy_from_slice(&self.version.to_ne_bytes());
        b[8..12].copy_from_slice(&self.change.to_ne_bytes());
        b[12] = u8::from(self.is_init);
        b[13] = u8::from(self.big_endian_cksum);
        b[14..16].copy_from_slice(&self.page_size_raw.to_ne_bytes());
        b[16..20].copy_from_slice(&self.mx_frame.to_ne_bytes());
        b[20..24].copy_from_slice(&self.n_page.to_ne_bytes());
        b[24..28].copy_from_slice(&self.frame_cksum[0].to_ne_bytes());
        b[28..32].copy_from_slice(&self.frame_cksum[1].to_ne_bytes());
        b[32..36].copy_from_slice(&self.salt[0].to_be_bytes());
        b[36..40].copy_from_slice(&self.salt[1].to_be_bytes());
        b[40..44].copy_from_slice(&self.cksum[0].to_ne_bytes());
        b[44..48].copy_from_slice(&self.cksum[1].to_ne_bytes());
        b
    }

    pub fn decode(b: &[u8; HDR_SIZE]) -> IndexHdr {
        let u = |o: usize| u32::from_ne_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        let be = |o: usize| u32::from_be_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        IndexHdr {
            version: u(0),
            change: u(8),
            is_init: b[12] != 0,
            big_endian_cksum: b[13] != 0,
            page_size_raw: u16::from_ne_bytes([b[14], b[15]]),
            mx_frame: u(16),
            n_page: u(20),
            frame_cksum: [u(24), u(28)],
            salt: [be(32), be(36)],
            cksum: [u(40), u(44)],
        }
    }

    /// Sets isInit/version and the checksum over bytes 0..40.
    pub fn seal(&mut self) {
        self.is_init = true;
        self.version = INDEX_VERSION;
        let b = self.encode();
        self.cksum = checksum(cfg!(target_endian = "big"), &b[..40], [0, 0]);
    }

    fn checksum_ok(&self) -> bool {
        let b = self.encode();
        checksum(cfg!(target_endian = "big"), &b[..40], [0, 0]) == self.cksum
    }
}

/// Hash block that holds frame `frame` (1-based).
pub fn block_of(frame: u32) -> u32 {
    ((u64::from(frame) + u64::from(NPAGE - NPAGE_ONE) - 1) / u64::from(NPAGE)) as u32
}

/// Frame number before the first frame of block `block`.
pub fn zero_of(block: u32) -> u32 {
    if block == 0 {
        0
    } else {
        NPAGE_ONE + (block - 1) * NPAGE
    }
}

fn hash_of(pgno: u32) -> u32 {
    pgno.wrapping_mul(383) & (NSLOT - 1)
}

/// Byte offset in the -shm of aPgno[0] of `block`.
fn pgno_base(block: u32) -> u32 {
    block * SHM_REGION_SIZE + if block == 0 { INDEX_HDR_SIZE } else { 0 }
}

fn hash_base(block: u32) -> u32 {
    block * SHM_REGION_SIZE + OFF_HASH
}

/// The wal-index of one connection: the shared memory plus which regions
/// this connection has mapped.
pub struct ShmIndex {
    pub shm: Box<dyn VfsShm>,
    mapped: Vec<bool>,
}

impl ShmIndex {
    pub fn new(shm: Box<dyn VfsShm>) -> ShmIndex {
        ShmIndex { shm, mapped: Vec::new() }
    }

    /// Maps region `r` if this connection has not yet.
    pub fn map(&mut self, r: u32) -> Result<()> {
        let i = r as usize;
        if self.mapped.get(i).copied() == Some(true) {
            return Ok(());
        }
        self.shm.map(r)?;
        if self.mapped.len() <= i {
            self.mapped.resize(i + 1, false);
        }
        self.mapped[i] = true;
        Ok(())
    }

    /// Forgets the mapping state (after the -shm was truncated).
    pub fn forget_maps(&mut self) {
        self.mapped.clear();
    }

    pub fn read_u32(&self, off: u32) -> Result<u32> {
        let mut b = [0u8; 4];
        self.shm.read(off, &mut b)?;
        Ok(u32::from_ne_bytes(b))
    }

    pub fn write_u32(&mut self, off: u32, v: u32) -> Result<()> {
        self.shm.write(off, &v.to_ne_bytes())
    }

    fn read_u16(&self, off: u32) -> Result<u16> {
        let mut b = [0u8; 2];
        self.shm.read(off, &mut b)?;
        Ok(u16::from_ne_bytes(b))
    }

    /// Reads the header as a reader must (copy 1, barrier, copy 2). None
    /// when the copies differ, it is not initialised or its checksum fails.
    pub fn try_read_hdr(&mut self) -> Result<Option<IndexHdr>> {
        self.map(0)?;
        let mut h1 = [0u8; HDR_SIZE];
        let mut h2 = [0u8; HDR_SIZE];
        self.shm.read(0, &mut h1)?;
        self.shm.barrier();
        self.shm.read(HDR_SIZE as u32, &mut h2)?;
        if h1 != h2 {
            return Ok(None);
        }
        let h = IndexHdr::decode(&h1);
        if !h.is_init || !h.checksum_ok() {
            return Ok(None);
        }
        Ok(Some(h))
    }

    /// The header copy 1 bytes as they are now (no checks).
    pub fn raw_hdr(&mut self) -> Result<IndexHdr> {
        self.map(0)?;
        let mut h1 = [0u8; HDR_SIZE];
        self.shm.read(0, &mut h1)?;
        Ok(IndexHdr::decode(&h1))
    }

    /// Seals `h` and writes it as a writer must (copy 2, barrier, copy 1).
    pub fn write_hdr(&mut self, h: &mut IndexHdr) -> Result<()> {
        self.map(0)?;
        h.seal();
        let b = h.encode();
        self.shm.write(HDR_SIZE as u32, &b)?;
        self.shm.barrier();
        self.shm.write(0, &b)
    }

    pub fn nbackfill(&self) -> Result<u32> {
        self.read_u32(OFF_NBACKFILL)
    }

    pub fn set_nbackfill(&mut self, v: u32) -> Result<()> {
        self.write_u32(OFF_NBACKFILL, v)
    }

    pub fn set_nbackfill_attempted(&mut self, v: u32) -> Result<()> {
        self.write_u32(OFF_NBACKFILL_ATTEMPTED, v)
    }

    pub fn read_mark(&self, i: usize) -> Result<u32> {
        self.read_u32(OFF_READ_MARK + 4 * i as u32)
    }

    pub fn set_read_mark(&mut self, i: usize, v: u32) -> Result<()> {
        self.write_u32(OFF_READ_MARK + 4 * i as u32, v)
    }

    /// Records that frame `frame` holds page `pgno` (walIndexAppend). The
    /// first frame of a block clears the block; a stale entry at the slot
    /// (left by a rolled-back writer) clears entries above `mx_frame`.
    pub fn append(&mut self, frame: u32, pgno: u32, mx_frame: u32) -> Result<()> {
        let block = block_of(frame);
        self.map(block)?;
        let idx = frame - zero_of(block);
        if idx == 1 {
            let base = pgno_base(block);
            let end = (block + 1) * SHM_REGION_SIZE;
            self.shm.write(base, &vec![0u8; (end - base) as usize])?;
        } else if self.read_u32(pgno_base(block) + 4 * (idx - 1))? != 0 {
            self.cleanup(mx_frame)?;
        }
        let mut key = hash_of(pgno);
        let mut collide = idx;
        while self.read_u16(hash_base(block) + 2 * key)? != 0 {
            if collide == 0 {
                return Err(Error::corrupt("wal-index hash table full"));
            }
            collide -= 1;
            key = (key + 1) & (NSLOT - 1);
        }
        self.write_u32(pgno_base(block) + 4 * (idx - 1), pgno)?;
        self.shm.write(hash_base(block) + 2 * key, &(idx as u16).to_ne_bytes())
    }

    /// Removes every entry for frames above `mx_frame` from the block that
    /// holds `mx_frame` (walCleanupHash).
    pub fn cleanup(&mut self, mx_frame: u32) -> Result<()> {
        if mx_frame == 0 {
            return Ok(());
        }
        let block = block_of(mx_frame);
        self.map(block)?;
        let limit = mx_frame - zero_of(block);
        let mut hash = vec![0u8; (NSLOT * 2) as usize];
        self.shm.read(hash_base(block), &mut hash)?;
        let mut changed = false;
        for s in hash.chunks_exact_mut(2) {
            if u32::from(u16::from_ne_bytes([s[0], s[1]])) > limit {
                s.copy_from_slice(&[0, 0]);
                changed = true;
            }
        }
        if changed {
            self.shm.write(hash_base(block), &hash)?;
        }
        let start = pgno_base(block) + 4 * limit;
        let end = hash_base(block);
        if start < end {
            self.shm.write(start, &vec![0u8; (end - start) as usize])?;
        }
        Ok(())
    }

    /// The newest frame in [min_frame, max_frame] holding page `pgno`, or
    /// 0 when the page is not in that part of the log (walFindFrame).
    pub fn find(&mut self, pgno: u32, min_frame: u32, max_frame: u32) -> Result<u32> {
        if max_frame == 0 || min_frame > max_frame {
            return Ok(0);
        }
        let min_block = block_of(min_frame.max(1));
        let mut block = block_of(max_frame);
        loop {
            self.map(block)?;
            let zero = zero_of(block);
            let mut found = 0;
            let mut key = hash_of(pgno);
            let mut collide = NSLOT;
            loop {
                let h = u32::from(self.read_u16(hash_base(block) + 2 * key)?);
                if h == 0 {
                    break;
                }
                let frame = h + zero;
                let cap = if block == 0 { NPAGE_ONE } else { NPAGE };
                if h <= cap && frame <= max_frame && frame >= min_frame && self.read_u32(pgno_base(block) + 4 * (h - 1))? == pgno {
                    found = frame;
                }
                if collide == 0 {
                    return Err(Error::corrupt("wal-index hash chain loops"));
                }
                collide -= 1;
                key = (key + 1) & (NSLOT - 1);
            }
            if found != 0 {
                return Ok(found);
            }
            if block <= min_block {
                return Ok(0);
            }
            block -= 1;
        }
    }

    /// Page number recorded for frame `frame` (0 if none).
    pub fn page_of_frame(&mut self, frame: u32) -> Result<u32> {
        let block = block_of(frame);
        self.map(block)?;
        self.read_u32(pgno_base(block) + 4 * (frame - zero_of(block) - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_geometry() {
        assert_eq!(NPAGE_ONE, 4062);
        assert_eq!(block_of(1), 0);
        assert_eq!(block_of(4062), 0);
        assert_eq!(block_of(4063), 1);
        assert_eq!(zero_of(1), 4062);
        assert_eq!(block_of(4062 + 4096), 1);
        assert_eq!(block_of(4062 + 4097), 2);
        let mut h = IndexHdr::default();
        h.set_page_size(65536);
        assert_eq!(h.page_size_raw, 1);
        assert_eq!(h.page_size(), 65536);
        h.set_page_size(4096);
        assert_eq!(h.page_size(), 4096);
    }
}
