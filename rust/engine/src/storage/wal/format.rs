//! The `-wal` file format (walformat §1, fileformat2 §4): a 32-byte header
//! followed by frames, each a 24-byte frame header and one page image.
//!
//! ```text
//! WAL header (big-endian u32s)          frame header (big-endian u32s)
//!  0  magic 0x377f0682 / 0x377f0683      0  page number (never 0)
//!  4  format version 3007000             4  commit: db size in pages after
//!  8  page size                             the commit; 0 for other frames
//! 12  checkpoint sequence number         8  salt-1 (copy of the header's)
//! 16  salt-1                            12  salt-2
//! 20  salt-2                            16  checksum-1 (cumulative, over
//! 24  checksum-1 of bytes 0..24         20  checksum-2  bytes 0..8 + page)
//! 28  checksum-2
//! ```
//!
//! Checksums (`checksum`): pairs of u32 words x0,x1 fold into s0,s1 as
//! `s0 += x0 + s1; s1 += x1 + s0`. Words are big-endian when the magic's
//! low bit is 1, little-endian otherwise. Each frame's checksum continues
//! from the previous frame's (the first from the header's).
//!
//! Invariants: a frame is valid only if its salts equal the header's, its
//! page number is not 0 and its checksum matches the running one; the log
//! ends at the first invalid frame. Nothing here trusts the bytes it reads.

use crate::storage::varint::{get_u32, put_u32};

pub const WAL_HEADER_SIZE: usize = 32;
pub const FRAME_HEADER_SIZE: usize = 24;
/// Magic with little-endian checksums; `| 1` means big-endian checksums.
pub const WAL_MAGIC: u32 = 0x377f_0682;
pub const WAL_VERSION: u32 = 3_007_000;

/// Checksum byte order this host writes (SQLite uses the native order).
pub const NATIVE_BIG_ENDIAN: bool = cfg!(target_endian = "big");

/// Running checksum state (s0, s1).
pub type Cksum = [u32; 2];

/// Folds `data` (length a multiple of 8) into `ck`, words read big-endian
/// when `big_endian`.
pub fn checksum(big_endian: bool, data: &[u8], ck: Cksum) -> Cksum {
    debug_assert_eq!(data.len() % 8, 0);
    let (mut s0, mut s1) = (ck[0], ck[1]);
    for w in data.chunks_exact(8) {
        let (x0, x1) = if big_endian {
            (u32::from_be_bytes([w[0], w[1], w[2], w[3]]), u32::from_be_bytes([w[4], w[5], w[6], w[7]]))
        } else {
            (u32::from_le_bytes([w[0], w[1], w[2], w[3]]), u32::from_le_bytes([w[4], w[5], w[6], w[7]]))
        };
        s0 = s0.wrapping_add(x0).wrapping_add(s1);
        s1 = s1.wrapping_add(x1).wrapping_add(s0);
    }
    [s0, s1]
}

/// A decoded, checked WAL header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalHeader {
    pub big_endian_cksum: bool,
    pub page_size: u32,
    pub ckpt_seq: u32,
    pub salt: [u32; 2],
    /// Checksum of the header: the start of the frames' running checksum.
    pub cksum: Cksum,
}

impl WalHeader {
    /// Encodes the header (computing its checksum) and returns the bytes.
    pub fn encode(page_size: u32, ckpt_seq: u32, salt: [u32; 2]) -> ([u8; WAL_HEADER_SIZE], WalHeader) {
        let mut b = [0u8; WAL_HEADER_SIZE];
        put_u32(&mut b, 0, WAL_MAGIC | u32::from(NATIVE_BIG_ENDIAN));
        put_u32(&mut b, 4, WAL_VERSION);
        put_u32(&mut b, 8, page_size);
        put_u32(&mut b, 12, ckpt_seq);
        put_u32(&mut b, 16, salt[0]);
        put_u32(&mut b, 20, salt[1]);
        let ck = checksum(NATIVE_BIG_ENDIAN, &b[..24], [0, 0]);
        put_u32(&mut b, 24, ck[0]);
        put_u32(&mut b, 28, ck[1]);
        (b, WalHeader { big_endian_cksum: NATIVE_BIG_ENDIAN, page_size, ckpt_seq, salt, cksum: ck })
    }

    /// Decodes a header. None if the magic, page size or checksum is bad.
    /// A wrong version is reported separately (SQLite: CANTOPEN).
    pub fn decode(b: &[u8; WAL_HEADER_SIZE]) -> Option<(WalHeader, u32)> {
        let magic = get_u32(b, 0);
        if magic & !1 != WAL_MAGIC {
            return None;
        }
        let page_size = get_u32(b, 8);
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return None;
        }
        let big = magic & 1 == 1;
        let ck = checksum(big, &b[..24], [0, 0]);
        if ck != [get_u32(b, 24), get_u32(b, 28)] {
            return None;
        }
        let h = WalHeader {
            big_endian_cksum: big,
            page_size,
            ckpt_seq: get_u32(b, 12),
            salt: [get_u32(b, 16), get_u32(b, 20)],
            cksum: ck,
        };
        Some((h, get_u32(b, 4)))
    }
}

/// Byte offset of frame `frame` (1-based) in the WAL file.
pub fn frame_offset(frame: u32, page_size: u32) -> u64 {
    WAL_HEADER_SIZE as u64 + u64::from(frame - 1) * (u64::from(page_size) + FRAME_HEADER_SIZE as u64)
}

/// Encodes a frame header for `page` into `out` and returns the new running
/// checksum.
pub fn encode_frame(out: &mut [u8; FRAME_HEADER_SIZE], pgno: u32, commit_size: u32, salt: [u32; 2], big_endian: bool, page: &[u8], ck: Cksum) -> Cksum {
    put_u32(out, 0, pgno);
    put_u32(out, 4, commit_size);
    put_u32(out, 8, salt[0]);
    put_u32(out, 12, salt[1]);
    let ck = checksum(big_endian, &out[..8], ck);
    let ck = checksum(big_endian, page, ck);
    put_u32(out, 16, ck[0]);
    put_u32(out, 20, ck[1]);
    ck
}

/// Checks a frame against the header's salts and the running checksum.
/// Returns (page number, commit size, new checksum) if valid.
pub fn decode_frame(hdr: &[u8], page: &[u8], salt: [u32; 2], big_endian: bool, ck: Cksum) -> Option<(u32, u32, Cksum)> {
    if hdr.len() < FRAME_HEADER_SIZE || [get_u32(hdr, 8), get_u32(hdr, 12)] != salt {
        return None;
    }
    let pgno = get_u32(hdr, 0);
    if pgno == 0 {
        return None;
    }
    let ck = checksum(big_endian, &hdr[..8], ck);
    let ck = checksum(big_endian, page, ck);
    if ck != [get_u32(hdr, 16), get_u32(hdr, 20)] {
        return None;
    }
    Some((pgno, get_u32(hdr, 4), ck))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_and_frame_chain() {
        let (b, h) = WalHeader::encode(4096, 7, [0x1234_5678, 0x9abc_def0]);
        let (d, v) = WalHeader::decode(&b).unwrap();
        assert_eq!((d, v), (h, WAL_VERSION));
        let mut bad = b;
        bad[13] ^= 1;
        assert!(WalHeader::decode(&bad).is_none());
        let page = vec![7u8; 4096];
        let mut fh = [0u8; FRAME_HEADER_SIZE];
        let ck = encode_frame(&mut fh, 3, 10, h.salt, h.big_endian_cksum, &page, h.cksum);
        assert_eq!(decode_frame(&fh, &page, h.salt, h.big_endian_cksum, h.cksum), Some((3, 10, ck)));
        let mut p2 = page.clone();
        p2[100] = 8;
        assert!(decode_frame(&fh, &p2, h.salt, h.big_endian_cksum, h.cksum).is_none());
        assert!(decode_frame(&fh, &page, [1, 2], h.big_endian_cksum, h.cksum).is_none());
        assert_eq!(frame_offset(1, 4096), 32);
        assert_eq!(frame_offset(3, 4096), 32 + 2 * 4120);
    }
}
