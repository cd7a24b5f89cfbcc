//! SQLite's variable-length integer (varint) and big-endian helpers.
//!
//! Format: 1..9 bytes, big-endian. Bytes 1..8 carry 7 bits each with the high
//! bit set when another byte follows; a 9th byte, if reached, carries 8 full
//! bits. So a varint encodes any 64-bit value (negative i64 take 9 bytes).
//!
//! Invariants: `get` never reads past the slice it is given; a truncated
//! varint returns None (the caller reports corruption).

/// Reads a varint at the start of `buf`; returns (value, length) or None
/// when `buf` ends before the varint does.
#[inline]
pub fn get(buf: &[u8]) -> Option<(u64, usize)> {
    // Fast paths: most varints (serial types, small sizes, rowids < 16384)
    // take one or two bytes.
    match buf {
        [b0, ..] if *b0 < 0x80 => return Some((u64::from(*b0), 1)),
        [b0, b1, ..] if *b1 < 0x80 => return Some(((u64::from(*b0 & 0x7f) << 7) | u64::from(*b1), 2)),
        _ => {}
    }
    get_slow(buf)
}

#[inline(never)]
fn get_slow(buf: &[u8]) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for i in 0..8 {
        let b = *buf.get(i)?;
        v = (v << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    let b = *buf.get(8)?;
    Some(((v << 8) | u64::from(b), 9))
}

/// Number of bytes `put` writes for `v`.
#[inline]
pub fn len(v: u64) -> usize {
    if v <= 0x7f {
        return 1;
    }
    if v > 0x00ff_ffff_ffff_ffff {
        return 9;
    }
    let bits = 64 - v.leading_zeros() as usize;
    bits.div_ceil(7)
}

/// Appends the varint encoding of `v` to `out`.
pub fn put(v: u64, out: &mut Vec<u8>) {
    let mut tmp = [0u8; 9];
    let n = write(v, &mut tmp);
    out.extend_from_slice(&tmp[..n]);
}

/// Writes the varint encoding of `v` at the start of `buf` (at least 9
/// bytes, or `len(v)` bytes) and returns its length.
pub fn write(v: u64, buf: &mut [u8]) -> usize {
    if v > 0x00ff_ffff_ffff_ffff {
        buf[8] = v as u8;
        let mut x = v >> 8;
        for i in (0..8).rev() {
            buf[i] = (x as u8 & 0x7f) | 0x80;
            x >>= 7;
        }
        return 9;
    }
    let n = len(v);
    let mut x = v;
    for i in (0..n).rev() {
        let mut b = (x & 0x7f) as u8;
        if i != n - 1 {
            b |= 0x80;
        }
        buf[i] = b;
        x >>= 7;
    }
    n
}

#[inline]
pub fn get_u16(b: &[u8], off: usize) -> u16 {
    u16::from_be_bytes([b[off], b[off + 1]])
}

#[inline]
pub fn get_u32(b: &[u8], off: usize) -> u32 {
    u32::from_be_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

#[inline]
pub fn put_u16(b: &mut [u8], off: usize, v: u16) {
    b[off..off + 2].copy_from_slice(&v.to_be_bytes());
}

#[inline]
pub fn put_u32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        let vals = [
            0u64, 1, 127, 128, 240, 2287, 16383, 16384, 0x1f_ffff, 0x20_0000, 1 << 35, 1 << 49,
            0x00ff_ffff_ffff_ffff, 0x0100_0000_0000_0000, u64::MAX, (-1i64) as u64, (-2i64) as u64,
        ];
        for &v in &vals {
            let mut out = Vec::new();
            put(v, &mut out);
            assert_eq!(out.len(), len(v), "len {v}");
            assert_eq!(get(&out), Some((v, out.len())), "value {v}");
            assert_eq!(get(&out[..out.len() - 1]), None);
        }
    }
}
