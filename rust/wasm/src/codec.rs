//! Byte formats that cross the wasm boundary (docs/abi.md, "Value encoding"):
//! values, parameter lists, rows and statement metadata. All integers are
//! little-endian.
//!
//! A value is a tag byte and a body:
//!
//! | tag | type    | body                      |
//! |-----|---------|---------------------------|
//! | 0   | NULL    | none                      |
//! | 1   | INTEGER | 8 bytes, i64              |
//! | 2   | REAL    | 8 bytes, f64 bits         |
//! | 3   | TEXT    | u32 length, UTF-8 bytes   |
//! | 4   | BLOB    | u32 length, bytes         |
//!
//! - Parameter list: u32 count, then that many values.
//! - Row: the values of the result columns back to back.
//! - Metadata: u32 ncols, per column (u32 len, name; u32 len, decltype),
//!   u32 nparams, per parameter (u32 len, name with prefix, 0 = plain "?"),
//!   u32 flags (bit 0: read-only).
//!
//! Invariants:
//! - Encoders only append to the caller's buffer, so one reused buffer
//!   serves every row without allocating per row.
//! - The decoder trusts nothing: every length is checked against the bytes
//!   that remain before anything is sliced or allocated, and text that is not
//!   UTF-8 is converted lossily (Value::Text holds UTF-8).

use ferrolite_engine::Value;

pub const TAG_NULL: u8 = 0;
pub const TAG_INTEGER: u8 = 1;
pub const TAG_REAL: u8 = 2;
pub const TAG_TEXT: u8 = 3;
pub const TAG_BLOB: u8 = 4;

/// Metadata flag bit: the statement makes no direct changes.
pub const FLAG_READONLY: u32 = 1;

pub fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

/// Appends a length-prefixed byte string. Lengths are below 4 GiB on wasm32.
pub fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u32(out, u32::try_from(b.len()).unwrap_or(u32::MAX));
    out.extend_from_slice(b);
}

pub fn encode_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(TAG_NULL),
        Value::Integer(i) => {
            out.push(TAG_INTEGER);
            out.extend_from_slice(&i.to_le_bytes());
        }
        Value::Real(r) => {
            out.push(TAG_REAL);
            out.extend_from_slice(&r.to_bits().to_le_bytes());
        }
        Value::Text(s) => {
            out.push(TAG_TEXT);
            put_bytes(out, s.as_bytes());
        }
        Value::Blob(b) => {
            out.push(TAG_BLOB);
            put_bytes(out, b);
        }
    }
}

pub fn encode_row(out: &mut Vec<u8>, row: &[Value]) {
    for v in row {
        encode_value(out, v);
    }
}

/// Appends statement metadata: columns as (name, declared type), parameter
/// names (None for a plain "?") and the read-only flag.
pub fn encode_metadata<'a>(
    out: &mut Vec<u8>,
    columns: impl ExactSizeIterator<Item = (&'a str, Option<&'a str>)>,
    params: impl ExactSizeIterator<Item = Option<&'a str>>,
    readonly: bool,
) {
    put_u32(out, columns.len() as u32);
    for (name, decltype) in columns {
        put_bytes(out, name.as_bytes());
        put_bytes(out, decltype.unwrap_or("").as_bytes());
    }
    put_u32(out, params.len() as u32);
    for name in params {
        put_bytes(out, name.unwrap_or("").as_bytes());
    }
    put_u32(out, if readonly { FLAG_READONLY } else { 0 });
}

/// Why an encoded buffer could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The buffer ends inside a value or a count.
    Truncated,
    /// A tag byte that is not 0..=4.
    BadTag(u8),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Truncated => f.write_str("parameter list is truncated"),
            DecodeError::BadTag(t) => write!(f, "parameter list has an unknown value tag {t}"),
        }
    }
}

/// Reads values from an encoded buffer, front to back.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    /// True when every byte has been consumed.
    pub fn at_end(&self) -> bool {
        self.pos == self.buf.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(DecodeError::Truncated)?;
        let s = self.buf.get(self.pos..end).ok_or(DecodeError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    fn take8(&mut self) -> Result<[u8; 8], DecodeError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(a)
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    /// A length-prefixed byte string (the length is checked before slicing).
    pub fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    pub fn value(&mut self) -> Result<Value, DecodeError> {
        let tag = self.take(1)?[0];
        Ok(match tag {
            TAG_NULL => Value::Null,
            TAG_INTEGER => Value::Integer(i64::from_le_bytes(self.take8()?)),
            TAG_REAL => {
                let r = f64::from_bits(u64::from_le_bytes(self.take8()?));
                // SQLite binds NaN as NULL.
                if r.is_nan() {
                    Value::Null
                } else {
                    Value::Real(r)
                }
            }
            TAG_TEXT => Value::Text(String::from_utf8_lossy(self.bytes()?).into_owned()),
            TAG_BLOB => Value::Blob(self.bytes()?.to_vec()),
            t => return Err(DecodeError::BadTag(t)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let vals = vec![
            Value::Null,
            Value::Integer(i64::MIN),
            Value::Integer(42),
            Value::Real(-2.5),
            Value::Text("héllo".into()),
            Value::Text(String::new()),
            Value::Blob(vec![0, 1, 255]),
        ];
        let mut out = Vec::new();
        encode_row(&mut out, &vals);
        let mut r = Reader::new(&out);
        for v in &vals {
            assert_eq!(&r.value().unwrap(), v);
        }
        assert!(r.at_end());
    }

    #[test]
    fn exact_bytes_of_each_tag() {
        let mut out = Vec::new();
        encode_value(&mut out, &Value::Integer(1));
        encode_value(&mut out, &Value::Text("ab".into()));
        encode_value(&mut out, &Value::Null);
        assert_eq!(out, [1, 1, 0, 0, 0, 0, 0, 0, 0, 3, 2, 0, 0, 0, b'a', b'b', 0]);
    }

    #[test]
    fn truncated_and_bad_input_are_errors() {
        assert_eq!(Reader::new(&[1, 0, 0]).value(), Err(DecodeError::Truncated));
        assert_eq!(Reader::new(&[9]).value(), Err(DecodeError::BadTag(9)));
        // A length far beyond the buffer must not allocate or slice.
        assert_eq!(Reader::new(&[4, 0xff, 0xff, 0xff, 0xff, 1]).value(), Err(DecodeError::Truncated));
        assert_eq!(Reader::new(&[3, 5, 0, 0]).value(), Err(DecodeError::Truncated));
        assert_eq!(Reader::new(&[]).u32(), Err(DecodeError::Truncated));
    }

    #[test]
    fn invalid_utf8_text_is_lossy_and_nan_is_null() {
        let v = Reader::new(&[3, 2, 0, 0, 0, 0xff, b'a']).value().unwrap();
        assert_eq!(v, Value::Text("\u{fffd}a".into()));
        let mut out = vec![TAG_REAL];
        out.extend_from_slice(&f64::NAN.to_bits().to_le_bytes());
        assert_eq!(Reader::new(&out).value().unwrap(), Value::Null);
    }

    #[test]
    fn metadata_layout() {
        let mut out = Vec::new();
        encode_metadata(&mut out, [("a", Some("INT")), ("b", None)].into_iter(), [Some(":x"), None].into_iter(), true);
        let mut r = Reader::new(&out);
        assert_eq!(r.u32().unwrap(), 2);
        assert_eq!(r.bytes().unwrap(), b"a");
        assert_eq!(r.bytes().unwrap(), b"INT");
        assert_eq!(r.bytes().unwrap(), b"b");
        assert_eq!(r.bytes().unwrap(), b"");
        assert_eq!(r.u32().unwrap(), 2);
        assert_eq!(r.bytes().unwrap(), b":x");
        assert_eq!(r.bytes().unwrap(), b"");
        assert_eq!(r.u32().unwrap(), FLAG_READONLY);
        assert!(r.at_end());
    }
}
