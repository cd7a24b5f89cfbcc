//! PRAGMA statements: header fields (user_version, application_id,
//! schema_version), page_size/page_count, table_info, index_list,
//! index_info, integrity_check/quick_check, busy_timeout, journal_mode
//! (delete/truncate/persist/memory/off/wal; unknown names only read the
//! mode; WAL pragmas in pragma_wal.rs), synchronous (0..3, honoured by the pager), cache_size,
//! freelist_count, max_page_count, page_size = N (empty database only),
//! locking_mode (normal/exclusive), and accepted-but-fixed settings
//! (encoding, ...); the FOREIGN KEY pragmas are in `pragma_fk`. Unknown
//! pragmas do nothing, as in SQLite.

use super::Builder;
use crate::error::{Error, Result};
use crate::schema::IndexOrigin;
use crate::value::Value;
use crate::vdbe::{ColumnMeta, Op, P4};
use ferrolite_parser::ast::PragmaValue;

fn int_value(v: &PragmaValue) -> Result<i64> {
    let s = v.value.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Ok(i);
    }
    match s.to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => Ok(1),
        "off" | "no" | "false" => Ok(0),
        _ => Ok(crate::value::ops::int_prefix(s.as_bytes())),
    }
}

/// SQLite's getSafetyLevel followed by the pragma's own wrapping: a
/// leading digit means a number, else a name (unknown names mean NORMAL);
/// the stored level is (n + 1) & 7 with 0 turned into 1, returned minus
/// one (so 0..6).
fn safety_level(s: &str) -> i32 {
    let s = s.trim();
    let n: i64 = if s.as_bytes().first().is_some_and(|c| c.is_ascii_digit()) {
        let v = crate::value::ops::int_prefix(s.as_bytes());
        if v > i64::from(i32::MAX) { 0 } else { v }
    } else {
        match s.to_ascii_lowercase().as_str() {
            "no" | "off" | "false" => 0,
            "full" => 2,
            "extra" => 3,
            _ => 1,
        }
    };
    let mut level = ((n as u8).wrapping_add(1)) & 7;
    if level == 0 {
        level = 1;
    }
    i32::from(level) - 1
}

impl Builder<'_> {
    fn one_column(&mut self, name: &str) {
        self.columns = vec![ColumnMeta { name: name.to_string(), decltype: None }];
    }
}

pub fn compile_pragma(b: &mut Builder<'_>, schema: Option<&str>, name: &str, value: Option<&PragmaValue>) -> Result<()> {
    if let Some(s) = schema {
        if !s.eq_ignore_ascii_case("main") {
            return Err(Error::sql(format!("unknown database {s}")));
        }
    }
    let lname = name.to_ascii_lowercase();
    if super::pragma_wal::compile_wal_pragma(b, &lname, value)? {
        return Ok(());
    }
    if super::pragma_fk::compile_fk_pragma(b, &lname, value)? {
        return Ok(());
    }
    let meta = match lname.as_str() {
        "schema_version" => Some(0),
        "user_version" => Some(5),
        "application_id" => Some(7),
        _ => None,
    };
    if let Some(m) = meta {
        match value {
            None => {
                b.begin(false);
                let r = b.reg();
                b.op(Op::ReadCookie, 0, r as i32, m);
                b.op(Op::ResultRow, r as i32, 1, 0);
                b.one_column(&lname);
            }
            Some(v) => {
                let n = int_value(v)? as i32;
                b.begin(true);
                b.op(Op::SetCookie, 0, m, n);
            }
        }
        return Ok(());
    }
    if super::pragma_storage::compile(b, &lname, value)? {
        return Ok(());
    }
    match lname.as_str() {
        "page_size" | "page_count" => {
            if value.is_none() || lname == "page_count" {
                b.begin(false);
                let r = b.reg();
                b.op(Op::PageCount, 0, r as i32, (lname == "page_size") as i32);
                b.op(Op::ResultRow, r as i32, 1, 0);
                b.one_column(&lname);
            } else if let Some(v) = value {
                // As SQLite: a power of two in 512..=65536 applies to a
                // database with no pages yet; anything else is ignored.
                let n = crate::value::ops::int_prefix(v.value.trim().as_bytes());
                if (512..=65536).contains(&n) && (n as u32).is_power_of_two() {
                    b.begin(false);
                    let r = b.reg();
                    b.op(Op::PageCount, n as i32, r as i32, 3);
                }
            }
        }
        "table_info" | "table_xinfo" => {
            let Some(v) = value else { return Ok(()) };
            let Some(t) = b.schema.table(&v.value).cloned() else { return Ok(()) };
            // Generated columns: hidden 2 (VIRTUAL) / 3 (STORED) in
            // table_xinfo, left out of table_info (cid counts the rest).
            let hidden = |i: usize| t.generated_col(i).map_or(0, |g| if g.stored { 3 } else { 2 });
            let rows: Vec<Vec<Value>> = t
                .columns
                .iter()
                .enumerate()
                .filter(|(i, _)| lname == "table_xinfo" || hidden(*i) == 0)
                .enumerate()
                .map(|(cid, (i, c))| {
                    let cid = if lname == "table_xinfo" { i } else { cid };
                    let mut row = vec![
                        Value::Integer(cid as i64),
                        Value::Text(c.name.clone()),
                        Value::Text(c.decltype.clone().unwrap_or_default()),
                        Value::Integer(c.notnull as i64),
                        match &c.default {
                            Some((_, txt)) => Value::Text(txt.clone()),
                            None => Value::Null,
                        },
                        Value::Integer(c.pk as i64),
                    ];
                    if lname == "table_xinfo" {
                        row.push(Value::Integer(hidden(i)));
                    }
                    row
                })
                .collect();
            let mut names = vec!["cid", "name", "type", "notnull", "dflt_value", "pk"];
            if lname == "table_xinfo" {
                names.push("hidden");
            }
            b.const_rows(&names, &rows);
        }
        "index_list" => {
            let Some(v) = value else { return Ok(()) };
            let Some(t) = b.schema.table(&v.value).cloned() else { return Ok(()) };
            let rows: Vec<Vec<Value>> = t
                .indexes
                .iter()
                .rev()
                .enumerate()
                .map(|(i, x)| {
                    vec![
                        Value::Integer(i as i64),
                        Value::Text(x.name.clone()),
                        Value::Integer(x.unique as i64),
                        Value::Text(
                            match x.origin {
                                IndexOrigin::Create => "c",
                                IndexOrigin::Unique => "u",
                                IndexOrigin::PrimaryKey => "pk",
                            }
                            .to_string(),
                        ),
                        Value::Integer(x.partial.is_some() as i64),
                    ]
                })
                .collect();
            b.const_rows(&["seq", "name", "unique", "origin", "partial"], &rows);
        }
        "index_info" => {
            let Some(v) = value else { return Ok(()) };
            let Some(idx) = b.schema.index(&v.value).cloned() else { return Ok(()) };
            let Some(t) = b.schema.table(&idx.table).cloned() else { return Ok(()) };
            let rows: Vec<Vec<Value>> = idx
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| match t.columns.get(c.column) {
                    Some(col) => vec![Value::Integer(i as i64), Value::Integer(c.column as i64), Value::Text(col.name.clone())],
                    None => vec![Value::Integer(i as i64), Value::Integer(-2), Value::Null],
                })
                .collect();
            b.const_rows(&["seqno", "cid", "name"], &rows);
        }
        "integrity_check" | "quick_check" => super::integrity::compile(b, lname == "quick_check", value)?,
        "busy_timeout" => {
            let ms = match value {
                Some(v) => int_value(v)?.clamp(0, i32::MAX as i64) as i32,
                None => -1,
            };
            let r = b.reg();
            b.op(Op::BusyTimeout, ms, r as i32, 0);
            b.op(Op::ResultRow, r as i32, 1, 0);
            b.columns = vec![ColumnMeta { name: "timeout".into(), decltype: None }];
        }
        "journal_mode" => {
            let r = b.reg();
            let p4 = match value {
                Some(v) => P4::Text(v.value.clone()),
                None => P4::None,
            };
            b.emit(Op::JournalMode, 0, r as i32, 0, p4, 0);
            b.op(Op::ResultRow, r as i32, 1, 0);
            b.one_column("journal_mode");
        }
        "freelist_count" => {
            b.begin(false);
            let r = b.reg();
            b.op(Op::PageCount, 0, r as i32, 2);
            b.op(Op::ResultRow, r as i32, 1, 0);
            b.one_column("freelist_count");
        }
        "max_page_count" => {
            // SQLite: a decimal or hex value clamped to 0..=0xfffffffe, else 0 (read).
            let n: i64 = match value {
                Some(v) => {
                    let s = v.value.trim();
                    let parsed = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                        u64::from_str_radix(h, 16).ok().map(|x| x.min(0xffff_fffe) as i64)
                    } else {
                        s.parse::<i64>().ok()
                    };
                    parsed.unwrap_or(0).clamp(0, 0xffff_fffe)
                }
                None => 0,
            };
            b.begin(false);
            let r = b.reg();
            b.op(Op::MaxPgcnt, n as u32 as i32, r as i32, 0);
            b.op(Op::ResultRow, r as i32, 1, 0);
            b.one_column("max_page_count");
        }
        "cache_size" => {
            let r = b.reg();
            match value {
                None => {
                    b.op(Op::CacheSize, 0, r as i32, 0);
                    b.op(Op::ResultRow, r as i32, 1, 0);
                    b.one_column("cache_size");
                }
                Some(v) => {
                    // sqlite3Atoi: leading sign and digits, else 0.
                    let n = crate::value::ops::int_prefix(v.value.trim().as_bytes()).clamp(i64::from(i32::MIN), i64::from(i32::MAX));
                    b.op(Op::CacheSize, n as i32, r as i32, 1);
                }
            }
        }
        "locking_mode" => {
            let p1 = match value.map(|v| v.value.to_ascii_lowercase()) {
                Some(s) if s == "exclusive" => 1,
                Some(s) if s == "normal" => 0,
                _ => -1,
            };
            let r = b.reg();
            b.op(Op::LockingMode, p1, r as i32, 0);
            b.op(Op::ResultRow, r as i32, 1, 0);
            b.one_column("locking_mode");
        }
        "synchronous" => {
            let r = b.reg();
            match value {
                None => {
                    b.op(Op::Synchronous, -1, r as i32, 0);
                    b.op(Op::ResultRow, r as i32, 1, 0);
                    b.one_column("synchronous");
                }
                Some(v) => {
                    b.op(Op::Synchronous, safety_level(&v.value), r as i32, 0);
                }
            }
        }
        "encoding" | "recursive_triggers"
        | "temp_store" | "automatic_index" | "case_sensitive_like"
            if value.is_none() =>
        {
            let v = match lname.as_str() {
                "encoding" => Value::Text("UTF-8".into()),
                "automatic_index" => Value::Integer(1),
                _ => Value::Integer(0),
            };
            b.const_rows(&[lname.as_str()], &[vec![v]]);
        }
        other => super::pragma_table::pragma_statement(b, other, value)?,
    }
    Ok(())
}
