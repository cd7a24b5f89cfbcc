//! SQLite's dynamically typed value with its five storage classes.
//!
//! Invariants:
//! - `Text` holds valid UTF-8 (text read from disk that is not valid UTF-8
//!   is converted lossily when decoded).
//! - `Real` may hold any f64 except that SQLite turns NaN into NULL; code
//!   producing a Real must map NaN to `Null`.

use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// SQLite fundamental datatype codes (sqlite3_column_type).
pub mod datatype {
    pub const INTEGER: i32 = 1;
    pub const FLOAT: i32 = 2;
    pub const TEXT: i32 = 3;
    pub const BLOB: i32 = 4;
    pub const NULL: i32 = 5;
}

impl Value {
    /// The sqlite3_column_type code of this value.
    pub fn datatype(&self) -> i32 {
        match self {
            Value::Null => datatype::NULL,
            Value::Integer(_) => datatype::INTEGER,
            Value::Real(_) => datatype::FLOAT,
            Value::Text(_) => datatype::TEXT,
            Value::Blob(_) => datatype::BLOB,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Rank of the storage class in SQLite's cross-class ordering:
    /// NULL < numeric (INTEGER, REAL) < TEXT < BLOB.
    pub fn class_rank(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Integer(_) | Value::Real(_) => 1,
            Value::Text(_) => 2,
            Value::Blob(_) => 3,
        }
    }
}

/// Compares an integer with a real exactly, as SQLite does (no precision loss
/// for integers beyond 2^53).
pub fn cmp_int_real(i: i64, r: f64) -> Ordering {
    if r.is_nan() {
        return Ordering::Greater;
    }
    if r < -9_223_372_036_854_775_808.0 {
        return Ordering::Greater;
    }
    if r >= 9_223_372_036_854_775_808.0 {
        return Ordering::Less;
    }
    let ri = r as i64; // truncates toward zero; in range here
    match i.cmp(&ri) {
        Ordering::Equal => {
            let frac = r - ri as f64;
            if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        o => o,
    }
}

pub mod affinity;
pub mod num;
pub mod ops;
