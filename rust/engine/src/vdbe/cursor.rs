//! VM cursors: a b-tree cursor with a cached payload (decoded lazily, one
//! column at a time), or an in-memory sorter / sorted set used for ORDER BY,
//! GROUP BY, DISTINCT and rowid lists.
//!
//! Invariants: `BtreeCur::payload` is valid only while `cached` is true;
//! every move clears it. A cursor with `null_row` set reads NULL for every
//! column and rowid (LEFT JOIN) and has no next entry.

use crate::error::Result;
use crate::storage::btree::{BtCursor, Btree, TreeKind};
use crate::storage::record::{compare_values, FieldRef, KeyInfo, RecordReader};
use crate::value::Value;
use std::cmp::Ordering;
use std::rc::Rc;

pub struct BtreeCur {
    pub cur: BtCursor,
    pub kind: TreeKind,
    pub key_info: Option<Rc<KeyInfo>>,
    pub payload: Vec<u8>,
    pub cached: bool,
    pub null_row: bool,
    /// Serial type and body offset of each column of `payload`, parsed once
    /// per row (valid while `cached` and `parsed`).
    pub fields: Vec<(u64, usize)>,
    pub parsed: bool,
}

impl BtreeCur {
    pub fn new(root: u32, kind: TreeKind, key_info: Option<Rc<KeyInfo>>) -> BtreeCur {
        BtreeCur {
            cur: BtCursor::new(root, kind, key_info.clone()),
            kind,
            key_info,
            payload: Vec::new(),
            cached: false,
            null_row: false,
            fields: Vec::new(),
            parsed: false,
        }
    }
    /// The current entry's payload (read once per position).
    pub fn payload(&mut self, bt: &mut Btree) -> Result<&[u8]> {
        if !self.cached {
            self.cur.payload(bt, &mut self.payload)?;
            self.cached = true;
            self.parsed = false;
        }
        Ok(&self.payload)
    }

    /// Column `i` of the current row (None when the record is shorter).
    pub fn column(&mut self, bt: &mut Btree, i: usize) -> Result<Option<FieldRef<'_>>> {
        self.payload(bt)?;
        if !self.parsed {
            self.fields.clear();
            let mut rd = RecordReader::new(&self.payload)?;
            while let Some(f) = rd.next_serial_type()? {
                self.fields.push(f);
            }
            self.parsed = true;
        }
        Ok(self.fields.get(i).map(|&(st, start)| field_at(&self.payload, st, start)))
    }

    pub fn moved(&mut self) {
        self.cached = false;
        self.parsed = false;
        self.null_row = false;
    }
}

/// Rows kept in memory; sorted by the first `n_key` columns under `key_info`.
pub struct MemSorter {
    pub rows: Vec<Vec<Value>>,
    pub key_info: Rc<KeyInfo>,
    pub n_key: usize,
    /// Current row (valid when < rows.len()).
    pub pos: usize,
    /// Set semantics: kept sorted and unique on insert.
    pub is_set: bool,
    pub null_row: bool,
}

impl MemSorter {
    pub fn cmp_keys(ki: &KeyInfo, n_key: usize, a: &[Value], b: &[Value]) -> Ordering {
        for i in 0..n_key.min(a.len()).min(b.len()) {
            let coll = ki.collations.get(i).copied().unwrap_or(crate::storage::record::Collation::Binary);
            let mut o = compare_values(&a[i], &b[i], coll);
            if ki.desc.get(i).copied().unwrap_or(false) {
                o = o.reverse();
            }
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
    /// Binary search for a key prefix (set mode).
    pub fn find(&self, key: &[Value]) -> std::result::Result<usize, usize> {
        let n = key.len().min(self.n_key.max(key.len()));
        self.rows.binary_search_by(|r| Self::cmp_keys(&self.key_info, n, r, key))
    }
    pub fn insert(&mut self, row: Vec<Value>) {
        if self.is_set {
            if let Err(pos) = self.find(&row) {
                self.rows.insert(pos, row);
            }
        } else {
            self.rows.push(row);
        }
    }
    pub fn sort(&mut self) {
        let (ki, n) = (self.key_info.clone(), self.n_key);
        self.rows.sort_by(|a, b| Self::cmp_keys(&ki, n, a, b));
    }
}

/// Decodes the body of serial type `st` at `start` of `rec` (bounds were
/// checked by `RecordReader::next_serial_type`).
fn field_at(rec: &[u8], st: u64, start: usize) -> FieldRef<'_> {
    let body = |n: usize| rec.get(start..start + n).unwrap_or(&[]);
    match st {
        0 => FieldRef::Null,
        8 => FieldRef::Integer(0),
        9 => FieldRef::Integer(1),
        1..=6 => {
            let n = crate::storage::record::serial_type_len(st).unwrap_or(0);
            let b = body(n);
            let mut v: i64 = if b.first().map_or(false, |x| x & 0x80 != 0) { -1 } else { 0 };
            for &x in b {
                v = (v << 8) | i64::from(x);
            }
            FieldRef::Integer(v)
        }
        7 => {
            let mut a = [0u8; 8];
            let b = body(8);
            if b.len() == 8 {
                a.copy_from_slice(b);
            }
            let r = f64::from_bits(u64::from_be_bytes(a));
            if r.is_nan() {
                FieldRef::Null
            } else {
                FieldRef::Real(r)
            }
        }
        n => {
            let len = ((n.saturating_sub(12)) / 2) as usize;
            let b = body(len);
            if n % 2 == 0 {
                FieldRef::Blob(b)
            } else {
                FieldRef::Text(b)
            }
        }
    }
}

pub enum VCursor {
    Btree(BtreeCur),
    Sorter(MemSorter),
}
