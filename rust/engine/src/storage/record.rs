//! The SQLite record format (file format §2.1 "Record Format") and the
//! comparison of values and index keys.
//!
//! Format: `header_size varint` (counting itself), then one serial-type
//! varint per column, then the column bodies in order:
//!
//! | serial type | body bytes | meaning                         |
//! |-------------|------------|---------------------------------|
//! | 0           | 0          | NULL                            |
//! | 1,2,3,4,5,6 | 1,2,3,4,6,8| big-endian two's complement int |
//! | 7           | 8          | big-endian IEEE 754 f64         |
//! | 8, 9        | 0          | integer 0, integer 1 (format 4) |
//! | 10, 11      | -          | reserved (corrupt here)         |
//! | N>=12 even  | (N-12)/2   | BLOB                            |
//! | N>=13 odd   | (N-13)/2   | TEXT (UTF-8)                    |
//!
//! Invariants:
//! - `encode` picks the smallest serial type for integers (8/9 for 0/1).
//! - Decoding is bounds-checked: a header or body running past the record,
//!   or a reserved serial type, gives `Error::corrupt`, never a panic.
//! - Comparison follows SQLite: NULL < INTEGER/REAL (compared exactly) <
//!   TEXT (under the collation) < BLOB (memcmp, then length).

use crate::error::{Error, Result};
use crate::storage::varint;
use crate::value::{cmp_int_real, Value};
use std::cmp::Ordering;

/// Collating sequence of one key column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collation {
    Binary,
    NoCase,
    Rtrim,
}

/// How the columns of an index key compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    pub collations: Vec<Collation>,
    /// true = DESC for that column.
    pub desc: Vec<bool>,
}

impl KeyInfo {
    /// Collation and DESC flag of column `i`; columns past the declared ones
    /// (e.g. the trailing rowid of an index key) compare BINARY ascending.
    #[inline]
    fn column(&self, i: usize) -> (Collation, bool) {
        (
            self.collations.get(i).copied().unwrap_or(Collation::Binary),
            self.desc.get(i).copied().unwrap_or(false),
        )
    }
}

/// A borrowed view of one decoded column (no allocation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a [u8]),
    Blob(&'a [u8]),
}

impl FieldRef<'_> {
    /// Converts to an owned Value (text that is not UTF-8 is converted lossily).
    pub fn to_value(&self) -> Value {
        match *self {
            FieldRef::Null => Value::Null,
            FieldRef::Integer(i) => Value::Integer(i),
            FieldRef::Real(r) => Value::Real(r),
            FieldRef::Text(t) => Value::Text(match std::str::from_utf8(t) {
                Ok(s) => s.to_owned(),
                Err(_) => String::from_utf8_lossy(t).into_owned(),
            }),
            FieldRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

/// Body length of a serial type, or None for the reserved types 10 and 11.
#[inline]
pub fn serial_type_len(st: u64) -> Option<usize> {
    Some(match st {
        0 | 8 | 9 => 0,
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 4,
        5 => 6,
        6 | 7 => 8,
        10 | 11 => return None,
        n => usize::try_from((n - 12) / 2).ok()?,
    })
}

/// Serial type of an integer with schema format 4.
#[inline]
fn int_serial_type(i: i64) -> u64 {
    match i {
        0 => 8,
        1 => 9,
        -128..=127 => 1,
        -32768..=32767 => 2,
        -8_388_608..=8_388_607 => 3,
        -2_147_483_648..=2_147_483_647 => 4,
        -140_737_488_355_328..=140_737_488_355_327 => 5,
        _ => 6,
    }
}

#[inline]
fn serial_type(v: &Value) -> u64 {
    match v {
        Value::Null => 0,
        Value::Integer(i) => int_serial_type(*i),
        Value::Real(_) => 7,
        Value::Text(s) => s.len() as u64 * 2 + 13,
        Value::Blob(b) => b.len() as u64 * 2 + 12,
    }
}

/// Appends the record encoding of `values` to `out`.
pub fn encode(values: &[Value], out: &mut Vec<u8>) {
    let mut hdr_body = 0usize;
    let mut body = 0usize;
    for v in values {
        let st = serial_type(v);
        hdr_body += varint::len(st);
        body += serial_type_len(st).unwrap_or(0);
    }
    // The header size counts its own varint.
    let mut n = 1;
    while varint::len((hdr_body + n) as u64) > n {
        n += 1;
    }
    let hdr = hdr_body + n;
    out.reserve(hdr + body);
    varint::put(hdr as u64, out);
    for v in values {
        varint::put(serial_type(v), out);
    }
    for v in values {
        match v {
            Value::Null => {}
            Value::Integer(i) => {
                let n = serial_type_len(int_serial_type(*i)).unwrap_or(0);
                let bytes = i.to_be_bytes();
                out.extend_from_slice(&bytes[8 - n..]);
            }
            Value::Real(r) => out.extend_from_slice(&r.to_bits().to_be_bytes()),
            Value::Text(s) => out.extend_from_slice(s.as_bytes()),
            Value::Blob(b) => out.extend_from_slice(b),
        }
    }
}

/// Iterates over the columns of a record without allocating.
pub struct RecordReader<'a> {
    rec: &'a [u8],
    hdr_pos: usize,
    hdr_end: usize,
    body_pos: usize,
}

impl<'a> RecordReader<'a> {
    pub fn new(rec: &'a [u8]) -> Result<RecordReader<'a>> {
        let (hsz, n) = varint::get(rec).ok_or_else(|| Error::corrupt("record header size"))?;
        if hsz < n as u64 || hsz > rec.len() as u64 {
            return Err(Error::corrupt("record header size"));
        }
        Ok(RecordReader { rec, hdr_pos: n, hdr_end: hsz as usize, body_pos: hsz as usize })
    }

    /// Serial type of the next column without reading it; None at the end.
    pub fn next_serial_type(&mut self) -> Result<Option<(u64, usize)>> {
        if self.hdr_pos >= self.hdr_end {
            return Ok(None);
        }
        let (st, n) = varint::get(&self.rec[self.hdr_pos..self.hdr_end])
            .ok_or_else(|| Error::corrupt("record serial type"))?;
        self.hdr_pos += n;
        let len = serial_type_len(st).ok_or_else(|| Error::corrupt("record reserved serial type"))?;
        let start = self.body_pos;
        if len > self.rec.len() - start {
            return Err(Error::corrupt("record body overflow"));
        }
        self.body_pos += len;
        Ok(Some((st, start)))
    }

    /// Skips the next column; false at the end.
    pub fn skip(&mut self) -> Result<bool> {
        Ok(self.next_serial_type()?.is_some())
    }

    /// The next column, or None at the end of the record.
    #[inline]
    pub fn next_field(&mut self) -> Result<Option<FieldRef<'a>>> {
        match self.next_serial_type()? {
            None => Ok(None),
            Some((st, start)) => Ok(Some(field_at(self.rec, st, start))),
        }
    }
}

/// Decodes the body of serial type `st` at `start` (bounds already checked).
#[inline]
fn field_at(rec: &[u8], st: u64, start: usize) -> FieldRef<'_> {
    match st {
        0 => FieldRef::Null,
        8 => FieldRef::Integer(0),
        9 => FieldRef::Integer(1),
        1..=6 => {
            let n = serial_type_len(st).unwrap_or(0);
            let b = &rec[start..start + n];
            let mut v: i64 = if b[0] & 0x80 != 0 { -1 } else { 0 };
            for &x in b {
                v = (v << 8) | i64::from(x);
            }
            FieldRef::Integer(v)
        }
        7 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(&rec[start..start + 8]);
            let r = f64::from_bits(u64::from_be_bytes(a));
            if r.is_nan() {
                FieldRef::Null
            } else {
                FieldRef::Real(r)
            }
        }
        n => {
            let len = ((n - 12) / 2) as usize;
            let s = &rec[start..start + len];
            if n % 2 == 0 {
                FieldRef::Blob(s)
            } else {
                FieldRef::Text(s)
            }
        }
    }
}

/// Decodes every column of a record.
pub fn decode(record: &[u8], out: &mut Vec<Value>) -> Result<()> {
    out.clear();
    let mut r = RecordReader::new(record)?;
    while let Some(f) = r.next_field()? {
        out.push(f.to_value());
    }
    Ok(())
}

/// Column `i` of a record as a borrowed field; missing trailing columns read
/// as NULL.
pub fn column_ref(record: &[u8], i: usize) -> Result<FieldRef<'_>> {
    let mut r = RecordReader::new(record)?;
    for _ in 0..i {
        if !r.skip()? {
            return Ok(FieldRef::Null);
        }
    }
    Ok(r.next_field()?.unwrap_or(FieldRef::Null))
}

/// Decodes column `i` (missing trailing columns read as NULL: the caller
/// applies the column DEFAULT for tables altered by ADD COLUMN).
pub fn decode_column(record: &[u8], i: usize) -> Result<Value> {
    Ok(column_ref(record, i)?.to_value())
}

/// Number of columns in a record.
pub fn column_count(record: &[u8]) -> Result<usize> {
    let mut r = RecordReader::new(record)?;
    let mut n = 0;
    while r.skip()? {
        n += 1;
    }
    Ok(n)
}

fn class_rank(f: &FieldRef<'_>) -> u8 {
    match f {
        FieldRef::Null => 0,
        FieldRef::Integer(_) | FieldRef::Real(_) => 1,
        FieldRef::Text(_) => 2,
        FieldRef::Blob(_) => 3,
    }
}

fn cmp_f64(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// Compares two texts under a collation.
pub fn compare_text(a: &[u8], b: &[u8], coll: Collation) -> Ordering {
    match coll {
        Collation::Binary => a.cmp(b),
        Collation::NoCase => {
            let n = a.len().min(b.len());
            for i in 0..n {
                let (x, y) = (a[i].to_ascii_lowercase(), b[i].to_ascii_lowercase());
                if x != y {
                    return x.cmp(&y);
                }
            }
            a.len().cmp(&b.len())
        }
        Collation::Rtrim => {
            let trim = |s: &[u8]| {
                let mut e = s.len();
                while e > 0 && s[e - 1] == b' ' {
                    e -= 1;
                }
                e
            };
            a[..trim(a)].cmp(&b[..trim(b)])
        }
    }
}

/// Compares two borrowed fields as SQLite does.
pub fn compare_fields(a: &FieldRef<'_>, b: &FieldRef<'_>, coll: Collation) -> Ordering {
    match (a, b) {
        (FieldRef::Integer(x), FieldRef::Integer(y)) => x.cmp(y),
        (FieldRef::Integer(x), FieldRef::Real(y)) => cmp_int_real(*x, *y),
        (FieldRef::Real(x), FieldRef::Integer(y)) => cmp_int_real(*y, *x).reverse(),
        (FieldRef::Real(x), FieldRef::Real(y)) => cmp_f64(*x, *y),
        (FieldRef::Text(x), FieldRef::Text(y)) => compare_text(x, y, coll),
        (FieldRef::Blob(x), FieldRef::Blob(y)) => x.cmp(y),
        _ => class_rank(a).cmp(&class_rank(b)),
    }
}

fn value_ref(v: &Value) -> FieldRef<'_> {
    match v {
        Value::Null => FieldRef::Null,
        Value::Integer(i) => FieldRef::Integer(*i),
        Value::Real(r) if r.is_nan() => FieldRef::Null,
        Value::Real(r) => FieldRef::Real(*r),
        Value::Text(s) => FieldRef::Text(s.as_bytes()),
        Value::Blob(b) => FieldRef::Blob(b),
    }
}

/// Compares two values as SQLite does for sorting/keys, under a collation.
pub fn compare_values(a: &Value, b: &Value, coll: Collation) -> Ordering {
    compare_fields(&value_ref(a), &value_ref(b), coll)
}

/// Compares two index-key records column by column under `ki`; when one is a
/// prefix of the other, the shorter compares Equal (prefix match).
pub fn compare_records(a: &[u8], b: &[u8], ki: &KeyInfo) -> Result<Ordering> {
    let mut ra = RecordReader::new(a)?;
    let mut rb = RecordReader::new(b)?;
    let mut i = 0;
    loop {
        let (fa, fb) = match (ra.next_field()?, rb.next_field()?) {
            (Some(x), Some(y)) => (x, y),
            _ => return Ok(Ordering::Equal),
        };
        let (coll, desc) = ki.column(i);
        let o = compare_fields(&fa, &fb, coll);
        if o != Ordering::Equal {
            return Ok(if desc { o.reverse() } else { o });
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(vals: Vec<Value>) {
        let mut out = Vec::new();
        encode(&vals, &mut out);
        let mut back = Vec::new();
        decode(&out, &mut back).unwrap();
        assert_eq!(back, vals);
        for (i, v) in vals.iter().enumerate() {
            assert_eq!(&decode_column(&out, i).unwrap(), v);
        }
        assert_eq!(decode_column(&out, vals.len()).unwrap(), Value::Null);
    }

    #[test]
    fn roundtrips() {
        rt(vec![]);
        rt(vec![Value::Null, Value::Integer(0), Value::Integer(1), Value::Integer(-1)]);
        let ints = [127i64, 128, -129, 32767, 32768, 8_388_607, 8_388_608, 1 << 31, 1 << 40, 1 << 47, 1 << 50, i64::MIN, i64::MAX];
        rt(ints.iter().map(|&i| Value::Integer(i)).collect());
        rt(ints.iter().map(|&i| Value::Integer(i.wrapping_neg())).collect());
        rt(vec![Value::Real(1.5), Value::Text("héllo".into()), Value::Blob(vec![0, 1, 2])]);
        rt(vec![Value::Text("x".repeat(100_000)); 3]);
        rt((0..200).map(Value::Integer).collect());
    }

    #[test]
    fn exact_bytes_like_sqlite() {
        let mut out = Vec::new();
        encode(&[Value::Integer(1), Value::Text("ab".into()), Value::Integer(300), Value::Null], &mut out);
        assert_eq!(out, vec![5, 9, 17, 2, 0, b'a', b'b', 1, 44]);
    }

    #[test]
    fn corrupt_is_error() {
        assert!(decode(&[], &mut Vec::new()).is_err());
        assert!(decode(&[5, 1, 1], &mut Vec::new()).is_err());
        assert!(decode(&[2, 10], &mut Vec::new()).is_err());
        assert!(decode(&[2, 6, 1], &mut Vec::new()).is_err());
        assert!(decode(&[2, 0xff], &mut Vec::new()).is_err());
    }

    #[test]
    fn ordering() {
        use Value::*;
        let b = Collation::Binary;
        assert_eq!(compare_values(&Null, &Integer(-5), b), Ordering::Less);
        assert_eq!(compare_values(&Integer(2), &Real(1.5), b), Ordering::Greater);
        assert_eq!(compare_values(&Real(2.0), &Integer(2), b), Ordering::Equal);
        assert_eq!(compare_values(&Integer(9), &Text("1".into()), b), Ordering::Less);
        assert_eq!(compare_values(&Text("z".into()), &Blob(vec![0]), b), Ordering::Less);
        assert_eq!(compare_values(&Text("ABC".into()), &Text("abc".into()), Collation::NoCase), Ordering::Equal);
        assert_eq!(compare_values(&Text("abc  ".into()), &Text("abc".into()), Collation::Rtrim), Ordering::Equal);
        assert_eq!(compare_values(&Text("B".into()), &Text("a".into()), b), Ordering::Less);
        let ki = KeyInfo { collations: vec![b, b], desc: vec![false, true] };
        let (mut x, mut y) = (Vec::new(), Vec::new());
        encode(&[Integer(1), Integer(5)], &mut x);
        encode(&[Integer(1), Integer(6)], &mut y);
        assert_eq!(compare_records(&x, &y, &ki).unwrap(), Ordering::Greater);
        let mut p = Vec::new();
        encode(&[Integer(1)], &mut p);
        assert_eq!(compare_records(&p, &y, &ki).unwrap(), Ordering::Equal);
    }
}
