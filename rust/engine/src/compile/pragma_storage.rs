//! Storage-layer pragmas with SQLite's argument parsing and result rows:
//! auto_vacuum, incremental_vacuum, secure_delete, cache_spill and
//! journal_size_limit. Each compiles to one `StoragePragma` op (kind in P3,
//! see `Btree::storage_pragma`), inside a transaction when the b-tree
//! must read or write the header.
//!
//! Result rows, as SQLite 3.46: auto_vacuum and cache_spill return a row
//! only when read; secure_delete and journal_size_limit always return one;
//! incremental_vacuum never does.

use super::Builder;
use crate::error::Result;
use crate::value::ops::int_prefix;
use crate::vdbe::{ColumnMeta, Op, P4};
use ferrolite_parser::ast::PragmaValue;

/// Kinds understood by `Btree::storage_pragma`.
pub const SP_AUTO_VACUUM: i32 = 1;
pub const SP_INCREMENTAL_VACUUM: i32 = 2;
pub const SP_SECURE_DELETE: i32 = 3;
pub const SP_CACHE_SPILL: i32 = 4;
pub const SP_JOURNAL_SIZE_LIMIT: i32 = 5;

/// SQLite's sqlite3GetBoolean (getSafetyLevel with "full"/"extra" out): a
/// leading digit is a number (as a u8), else on/yes/true = 1, off/no/false
/// = 0, anything else `dflt`.
fn get_boolean(s: &str, dflt: bool) -> bool {
    let s = s.trim();
    if s.as_bytes().first().is_some_and(|c| c.is_ascii_digit()) {
        return (int_prefix(s.as_bytes()) as u8) != 0;
    }
    match s.to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => true,
        "off" | "no" | "false" => false,
        _ => dflt,
    }
}

/// sqlite3GetInt32: the whole text is a decimal 32-bit integer.
fn get_int32(s: &str) -> Option<i32> {
    let t = s.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse::<i32>().ok()
}

/// sqlite3DecOrHexToI64: 0x hex (64-bit), else the decimal prefix.
fn dec_or_hex(s: &str) -> i64 {
    let t = s.trim();
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(h, 16).map(|v| v as i64).unwrap_or(0);
    }
    int_prefix(t.as_bytes())
}

fn emit(b: &mut Builder<'_>, name: &str, kind: i32, arg: Option<i64>, row: bool) {
    let r = b.reg();
    let p4 = match arg {
        Some(a) => P4::Int64(a),
        None => P4::None,
    };
    b.emit(Op::StoragePragma, 0, r as i32, kind, p4, 0);
    if row {
        b.op(Op::ResultRow, r as i32, 1, 0);
        b.columns = vec![ColumnMeta { name: name.to_string(), decltype: None }];
    }
}

/// Compiles the pragma if it is one of this file's; false otherwise.
pub fn compile(b: &mut Builder<'_>, lname: &str, value: Option<&PragmaValue>) -> Result<bool> {
    let v = value.map(|v| v.value.trim().to_string());
    match lname {
        "auto_vacuum" => match v {
            None => {
                b.begin(false);
                emit(b, lname, SP_AUTO_VACUUM, None, true);
            }
            Some(s) => {
                let mode = match s.to_ascii_lowercase().as_str() {
                    "none" => 0,
                    "full" => 1,
                    "incremental" => 2,
                    _ => {
                        let i = int_prefix(s.as_bytes());
                        if (0..=2).contains(&i) {
                            i
                        } else {
                            0
                        }
                    }
                };
                // First as the setting for a database not created yet (no
                // transaction: the write transaction below creates page 1
                // with it), then FULL <-> INCREMENTAL in the header.
                emit(b, lname, SP_AUTO_VACUUM, Some(mode), false);
                b.begin(mode != 0);
                emit(b, lname, SP_AUTO_VACUUM, Some(mode), false);
            }
        },
        "incremental_vacuum" => {
            let n = v.as_deref().and_then(get_int32).filter(|&n| n > 0).unwrap_or(0);
            b.begin(true);
            emit(b, lname, SP_INCREMENTAL_VACUUM, Some(i64::from(n)), false);
        }
        "secure_delete" => {
            let arg = v.map(|s| if s.eq_ignore_ascii_case("fast") { 2 } else { i64::from(get_boolean(&s, false)) });
            emit(b, lname, SP_SECURE_DELETE, arg, true);
        }
        "cache_spill" => match v {
            None => emit(b, lname, SP_CACHE_SPILL, None, true),
            Some(s) => {
                // The argument packs the spill size (0: unchanged) and
                // the on/off flag: size * 2 + flag.
                let size = get_int32(&s);
                let on = get_boolean(&s, size.unwrap_or(1) != 0);
                emit(b, lname, SP_CACHE_SPILL, Some(i64::from(size.unwrap_or(0)) * 2 + i64::from(on)), false);
            }
        },
        "journal_size_limit" => {
            let arg = v.map(|s| dec_or_hex(&s).max(-1));
            emit(b, lname, SP_JOURNAL_SIZE_LIMIT, arg, true);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boolean_and_int_parsing() {
        assert!(get_boolean("7", false));
        assert!(!get_boolean("256", true));
        assert!(!get_boolean("-1", false));
        assert!(get_boolean("YES", false));
        assert!(!get_boolean("full", false));
        assert_eq!(get_int32("100"), Some(100));
        assert_eq!(get_int32("-5"), Some(-5));
        assert_eq!(get_int32("5x"), None);
        assert_eq!(dec_or_hex("0x10"), 16);
        assert_eq!(dec_or_hex("abc"), 0);
    }
}
