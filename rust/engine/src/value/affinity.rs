//! Type affinity (SQLite "Datatypes In SQLite" §3): the five affinities, how
//! a declared column type maps to one, and how an affinity converts a value.
//!
//! Invariants: applying an affinity never fails; it only changes the storage
//! class when the conversion is lossless in SQLite's sense.

use super::num::{self, Num};
use super::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affinity {
    /// "BLOB" / no affinity: values are stored as given.
    Blob,
    Text,
    Numeric,
    Integer,
    Real,
}

impl Affinity {
    /// The five rules of §3.1, in order, on the declared type text.
    pub fn from_decltype(decl: &str) -> Affinity {
        let up = decl.to_ascii_uppercase();
        if up.contains("INT") {
            Affinity::Integer
        } else if up.contains("CHAR") || up.contains("CLOB") || up.contains("TEXT") {
            Affinity::Text
        } else if up.contains("BLOB") || up.trim().is_empty() {
            Affinity::Blob
        } else if up.contains("REAL") || up.contains("FLOA") || up.contains("DOUB") {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }

    /// SQLite's one-letter code (as in EXPLAIN's affinity strings).
    pub fn code(self) -> char {
        match self {
            Affinity::Blob => 'A',
            Affinity::Text => 'B',
            Affinity::Numeric => 'C',
            Affinity::Integer => 'D',
            Affinity::Real => 'E',
        }
    }

    pub fn from_code(c: char) -> Affinity {
        match c {
            'B' => Affinity::Text,
            'C' => Affinity::Numeric,
            'D' => Affinity::Integer,
            'E' => Affinity::Real,
            _ => Affinity::Blob,
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Affinity::Numeric | Affinity::Integer | Affinity::Real)
    }

    /// Converts `v` in place as storing it in a column of this affinity does.
    pub fn apply(self, v: &mut Value) {
        match self {
            Affinity::Blob => {}
            Affinity::Text => match v {
                Value::Integer(i) => *v = Value::Text(i.to_string()),
                Value::Real(r) => *v = Value::Text(num::format_real(*r)),
                _ => {}
            },
            Affinity::Numeric | Affinity::Integer => match v {
                Value::Text(s) => {
                    if let Some(n) = num::parse_numeric(s) {
                        *v = match n {
                            Num::Int(i) => Value::Integer(i),
                            Num::Real(r) => match num::real_as_exact_int(r) {
                                Some(i) => Value::Integer(i),
                                None => Value::Real(r),
                            },
                        };
                    }
                }
                Value::Real(r) => {
                    if let Some(i) = num::real_as_exact_int(*r) {
                        *v = Value::Integer(i);
                    }
                }
                _ => {}
            },
            Affinity::Real => match v {
                Value::Text(s) => {
                    if let Some(n) = num::parse_numeric(s) {
                        *v = match n {
                            Num::Int(i) => Value::Real(i as f64),
                            Num::Real(r) => Value::Real(r),
                        };
                    }
                }
                Value::Integer(i) => *v = Value::Real(*i as f64),
                _ => {}
            },
        }
    }

    /// Affinity applied to comparison operands: only text<->number moves
    /// (numbers stay as they are, reals are not folded to integers).
    pub fn apply_for_compare(self, v: &mut Value) {
        match self {
            Affinity::Blob => {}
            Affinity::Text => match v {
                Value::Integer(i) => *v = Value::Text(i.to_string()),
                Value::Real(r) => *v = Value::Text(num::format_real(*r)),
                _ => {}
            },
            _ => {
                if let Value::Text(s) = v {
                    if let Some(n) = num::parse_numeric(s) {
                        *v = match n {
                            Num::Int(i) => Value::Integer(i),
                            Num::Real(r) => Value::Real(r),
                        };
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_rules() {
        assert_eq!(Affinity::from_decltype("BIGINT"), Affinity::Integer);
        assert_eq!(Affinity::from_decltype("VARCHAR(10)"), Affinity::Text);
        assert_eq!(Affinity::from_decltype(""), Affinity::Blob);
        assert_eq!(Affinity::from_decltype("DOUBLE PRECISION"), Affinity::Real);
        assert_eq!(Affinity::from_decltype("DECIMAL(10,5)"), Affinity::Numeric);
        assert_eq!(Affinity::from_decltype("FLOATING POINT"), Affinity::Integer);
        assert_eq!(Affinity::from_decltype("STRING"), Affinity::Numeric);
    }
}
