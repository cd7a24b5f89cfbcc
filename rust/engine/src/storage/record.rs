//! CONTRACT SKELETON — the storage helper implements these.
//! The SQLite record format (header of varint serial types, then bodies) and
//! the comparison of index keys.

use crate::error::Result;
use crate::value::Value;
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

/// Appends the record encoding of `values` to `out`.
pub fn encode(values: &[Value], out: &mut Vec<u8>) { let _ = (values, out); todo!() }

/// Decodes every column of a record.
pub fn decode(record: &[u8], out: &mut Vec<Value>) -> Result<()> { let _ = (record, out); todo!() }

/// Decodes column `i` (missing trailing columns read as NULL: the caller
/// applies the column DEFAULT for tables altered by ADD COLUMN).
pub fn decode_column(record: &[u8], i: usize) -> Result<Value> { let _ = (record, i); todo!() }

/// Compares two values as SQLite does for sorting/keys, under a collation.
pub fn compare_values(a: &Value, b: &Value, coll: Collation) -> Ordering { let _ = (a, b, coll); todo!() }

/// Compares two index-key records column by column under `ki`; when one is a
/// prefix of the other, the shorter compares Equal (prefix match).
pub fn compare_records(a: &[u8], b: &[u8], ki: &KeyInfo) -> Result<Ordering> { let _ = (a, b, ki); todo!() }
