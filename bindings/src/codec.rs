//! Host side of the boundary's byte formats (docs/abi.md, "Value
//! encoding"): parameter lists out, statement metadata and rows in.
//!
//! A value is a tag (0 NULL, 1 INTEGER i64, 2 REAL f64 bits, 3 TEXT and 4
//! BLOB as u32 length + bytes), little-endian.
//!
//! Invariants:
//! - Decoding trusts nothing: every length is checked against the bytes that
//!   remain before slicing; malformed input is an error, never a panic.
//! - A decoded row keeps every TEXT and BLOB body in one reused byte buffer,
//!   each followed by a NUL, so `column_text` hands out pointers into it
//!   without copying and without allocating per row once the buffer is big
//!   enough.

/// A parameter as collected by the `bind_*` functions.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Null,
    Int(i64),
    Real(f64),
    Text(Vec<u8>),
    Blob(Vec<u8>),
    ZeroBlob(usize),
}

const TAG_NULL: u8 = 0;
const TAG_INTEGER: u8 = 1;
const TAG_REAL: u8 = 2;
const TAG_TEXT: u8 = 3;
const TAG_BLOB: u8 = 4;

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

/// Encodes a parameter list of the first `count` binds into `out`
/// (cleared first). Callers keep every length below 2^31.
pub fn encode_params(out: &mut Vec<u8>, binds: &[Bind]) {
    out.clear();
    out.extend_from_slice(&(binds.len() as u32).to_le_bytes());
    for b in binds {
        match b {
            Bind::Null => out.push(TAG_NULL),
            Bind::Int(i) => {
                out.push(TAG_INTEGER);
                out.extend_from_slice(&i.to_le_bytes());
            }
            Bind::Real(r) => {
                out.push(TAG_REAL);
                out.extend_from_slice(&r.to_bits().to_le_bytes());
            }
            Bind::Text(t) => {
                out.push(TAG_TEXT);
                put_len(out, t.len());
                out.extend_from_slice(t);
            }
            Bind::Blob(b) => {
                out.push(TAG_BLOB);
                put_len(out, b.len());
                out.extend_from_slice(b);
            }
            Bind::ZeroBlob(n) => {
                out.push(TAG_BLOB);
                put_len(out, *n);
                out.resize(out.len() + n, 0);
            }
        }
    }
}

/// Bytes `encode_params` produces for `binds`, or None past `limit`.
pub fn params_size(binds: &[Bind], limit: usize) -> Option<usize> {
    let mut n: usize = 4;
    for b in binds {
        n = n.checked_add(match b {
            Bind::Null => 1,
            Bind::Int(_) | Bind::Real(_) => 9,
            Bind::Text(v) | Bind::Blob(v) => v.len().checked_add(5)?,
            Bind::ZeroBlob(z) => z.checked_add(5)?,
        })?;
    }
    (n <= limit).then_some(n)
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        let s = self.take(4)?;
        Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Option<u64> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Some(u64::from_le_bytes(a))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}

/// NUL-terminated copy (an interior NUL ends the C string early, as it would
/// in SQLite).
pub fn c_bytes(b: &[u8]) -> Box<[u8]> {
    let mut v = Vec::with_capacity(b.len() + 1);
    v.extend_from_slice(b);
    v.push(0);
    v.into_boxed_slice()
}

/// Statement metadata from `fl_prepare`, with C strings ready to hand out.
#[derive(Debug, Default)]
pub struct Meta {
    pub col_names: Vec<Box<[u8]>>,
    pub decltypes: Vec<Option<Box<[u8]>>>,
    /// Parameter names with their prefix; None for a plain "?".
    pub param_names: Vec<Option<Box<[u8]>>>,
    pub readonly: bool,
}

pub fn decode_meta(buf: &[u8]) -> Option<Meta> {
    let mut r = Reader { buf, pos: 0 };
    let ncols = r.u32()? as usize;
    // Each column takes at least 8 bytes: bound the allocation by the input.
    if ncols > buf.len() / 8 {
        return None;
    }
    let mut m = Meta { col_names: Vec::with_capacity(ncols), decltypes: Vec::with_capacity(ncols), ..Meta::default() };
    for _ in 0..ncols {
        m.col_names.push(c_bytes(r.bytes()?));
        let d = r.bytes()?;
        m.decltypes.push((!d.is_empty()).then(|| c_bytes(d)));
    }
    let nparams = r.u32()? as usize;
    if nparams > buf.len() / 4 {
        return None;
    }
    m.param_names.reserve(nparams);
    for _ in 0..nparams {
        let n = r.bytes()?;
        m.param_names.push((!n.is_empty()).then(|| c_bytes(n)));
    }
    m.readonly = r.u32()? & 1 != 0;
    (r.pos == buf.len()).then_some(m)
}

/// Storage class of a column value (SQLite's fundamental datatype codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Integer = 1,
    Float = 2,
    Text = 3,
    Blob = 4,
    Null = 5,
}

/// One value of the current row; TEXT and BLOB bodies live in `Row::bytes`.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub kind: Kind,
    pub int: i64,
    pub real: f64,
    pub start: usize,
    pub len: usize,
}

#[derive(Debug, Default)]
pub struct Row {
    pub cols: Vec<Col>,
    /// TEXT/BLOB bodies, each followed by a NUL byte.
    pub bytes: Vec<u8>,
}

impl Row {
    pub fn clear(&mut self) {
        self.cols.clear();
        self.bytes.clear();
    }

    /// Decodes `ncols` values from `buf` (the output of `fl_step`).
    pub fn decode(&mut self, buf: &[u8], ncols: usize) -> Option<()> {
        self.clear();
        let mut r = Reader { buf, pos: 0 };
        for _ in 0..ncols {
            let tag = r.take(1)?[0];
            let mut c = Col { kind: Kind::Null, int: 0, real: 0.0, start: 0, len: 0 };
            match tag {
                TAG_NULL => {}
                TAG_INTEGER => {
                    c.kind = Kind::Integer;
                    c.int = r.u64()? as i64;
                }
                TAG_REAL => {
                    c.kind = Kind::Float;
                    c.real = f64::from_bits(r.u64()?);
                }
                TAG_TEXT | TAG_BLOB => {
                    c.kind = if tag == TAG_TEXT { Kind::Text } else { Kind::Blob };
                    let body = r.bytes()?;
                    c.start = self.bytes.len();
                    c.len = body.len();
                    self.bytes.extend_from_slice(body);
                    self.bytes.push(0);
                }
                _ => return None,
            }
            self.cols.push(c);
        }
        (r.pos == buf.len()).then_some(())
    }

    /// The body of a TEXT or BLOB column (without the NUL).
    pub fn body(&self, c: &Col) -> &[u8] {
        &self.bytes[c.start..c.start + c.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_layout() {
        let binds = vec![Bind::Int(1), Bind::Null, Bind::Text(b"ab".to_vec()), Bind::ZeroBlob(2), Bind::Real(0.5)];
        let mut out = Vec::new();
        encode_params(&mut out, &binds);
        let mut want =
            vec![5, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2, 0, 0, 0, b'a', b'b', 4, 2, 0, 0, 0, 0, 0, 2];
        want.extend_from_slice(&0.5f64.to_bits().to_le_bytes());
        assert_eq!(out, want);
        assert_eq!(params_size(&binds, usize::MAX), Some(out.len()));
        assert_eq!(params_size(&binds, out.len() - 1), None);
        assert_eq!(params_size(&[Bind::ZeroBlob(usize::MAX)], usize::MAX), None);
    }

    #[test]
    fn row_decoding_and_nul_terminators() {
        let mut buf = vec![3, 2, 0, 0, 0, b'h', b'i', 0, 4, 0, 0, 0, 0, 1];
        buf.extend_from_slice(&(-7i64).to_le_bytes());
        buf.push(2);
        buf.extend_from_slice(&1.25f64.to_bits().to_le_bytes());
        let mut row = Row::default();
        row.decode(&buf, 5).unwrap();
        assert_eq!(
            row.cols.iter().map(|c| c.kind).collect::<Vec<_>>(),
            [Kind::Text, Kind::Null, Kind::Blob, Kind::Integer, Kind::Float]
        );
        assert_eq!(row.body(&row.cols[0]), b"hi");
        assert_eq!(row.bytes[row.cols[0].start + 2], 0);
        assert_eq!(row.body(&row.cols[2]), b"");
        assert_eq!(row.cols[3].int, -7);
        assert_eq!(row.cols[4].real, 1.25);
        // Too few values, trailing bytes, bad tags, and lying lengths fail.
        assert!(row.decode(&buf, 6).is_none());
        assert!(row.decode(&buf, 4).is_none());
        assert!(row.decode(&[9], 1).is_none());
        assert!(row.decode(&[3, 0xff, 0xff, 0xff, 0x7f, b'x'], 1).is_none());
    }

    #[test]
    fn meta_decoding() {
        let mut buf = Vec::new();
        buf.extend_from_slice(&2u32.to_le_bytes());
        for (n, d) in [("a", "INT"), ("b", "")] {
            buf.extend_from_slice(&(n.len() as u32).to_le_bytes());
            buf.extend_from_slice(n.as_bytes());
            buf.extend_from_slice(&(d.len() as u32).to_le_bytes());
            buf.extend_from_slice(d.as_bytes());
        }
        buf.extend_from_slice(&1u32.to_le_bytes());
        buf.extend_from_slice(&2u32.to_le_bytes());
        buf.extend_from_slice(b":x");
        buf.extend_from_slice(&1u32.to_le_bytes());
        let m = decode_meta(&buf).unwrap();
        assert_eq!(&*m.col_names[0], b"a\0");
        assert_eq!(m.decltypes[0].as_deref(), Some(&b"INT\0"[..]));
        assert_eq!(m.decltypes[1], None);
        assert_eq!(m.param_names[0].as_deref(), Some(&b":x\0"[..]));
        assert!(m.readonly);
        assert!(decode_meta(&buf[..buf.len() - 1]).is_none());
        assert!(decode_meta(&[0xff, 0xff, 0xff, 0xff]).is_none());
    }
}
