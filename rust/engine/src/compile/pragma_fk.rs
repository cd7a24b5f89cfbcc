//! The FOREIGN KEY pragmas:
//!
//! - `foreign_keys` / `defer_foreign_keys`: read (one row) or set (no row;
//!   foreign_keys is a no-op inside a transaction, as in SQLite). Values as
//!   SQLite's sqlite3GetBoolean: a leading digit is a number (non-zero is
//!   on), else yes/on/true are on and anything else is off.
//! - `foreign_key_list(t)`: id, seq, table, from, to, on_update, on_delete,
//!   match; one row per key column, keys in SQLite's list order (last
//!   declared first), `to` NULL when the key names no parent columns.
//! - `foreign_key_check[(t)]`: table, rowid, parent, fkid for each row whose
//!   non-NULL key has no parent row (every such row when the parent table
//!   does not exist); tables in SQLite's schema hash order (emulated by
//!   `schema_hash_order`), rows in rowid order, keys in list order.

use super::fkey::{image_reg, locate, ParentKey};
use super::Builder;
use crate::error::{Error, Result};
use crate::schema::fkey::action_name;
use crate::schema::Table;
use crate::value::Value;
use crate::vdbe::{ColumnMeta, Op, P4};
use ferrolite_parser::ast::PragmaValue;
use std::rc::Rc;

fn boolean(s: &str) -> bool {
    let s = s.trim();
    if s.as_bytes().first().is_some_and(|c| c.is_ascii_digit()) {
        return crate::value::ops::int_prefix(s.as_bytes()) != 0;
    }
    matches!(s.to_ascii_lowercase().as_str(), "yes" | "on" | "true")
}

/// Compiles `name` if it is one of the FK pragmas; false otherwise.
pub fn compile_fk_pragma(b: &mut Builder<'_>, name: &str, value: Option<&PragmaValue>) -> Result<bool> {
    match name {
        "foreign_keys" | "defer_foreign_keys" => {
            let which = (name == "defer_foreign_keys") as i32;
            match value {
                None => {
                    let r = b.reg();
                    b.op(Op::FkPragma, which, -1, r as i32);
                    b.op(Op::ResultRow, r as i32, 1, 0);
                    b.columns = vec![ColumnMeta { name: name.to_string(), decltype: None }];
                }
                Some(v) => {
                    b.op(Op::FkPragma, which, boolean(&v.value) as i32, 0);
                }
            }
        }
        "foreign_key_list" => {
            let Some(v) = value else { return Ok(true) };
            let Some(t) = b.schema.table(&v.value).cloned() else { return Ok(true) };
            let mut rows = Vec::new();
            for (id, fk) in t.fkeys.iter().enumerate() {
                for (seq, &c) in fk.from_cols.iter().enumerate() {
                    rows.push(vec![
                        Value::Integer(id as i64),
                        Value::Integer(seq as i64),
                        Value::Text(fk.to_table.clone()),
                        Value::Text(t.columns[c].name.clone()),
                        fk.to_cols.get(seq).map_or(Value::Null, |s| Value::Text(s.clone())),
                        Value::Text(action_name(fk.on_update).to_string()),
                        Value::Text(action_name(fk.on_delete).to_string()),
                        Value::Text(fk.match_name.clone()),
                    ]);
                }
            }
            b.const_rows(&["id", "seq", "table", "from", "to", "on_update", "on_delete", "match"], &rows);
        }
        "foreign_key_check" => foreign_key_check(b, value)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// SQLite's strHash (case-insensitive Knuth multiplicative hash).
fn str_hash(s: &str) -> u32 {
    s.bytes().fold(0u32, |h, c| h.wrapping_add(u32::from(c.to_ascii_lowercase())).wrapping_mul(0x9e37_79b1))
}

/// The order SQLite's table hash (a `Hash` of hash.c) iterates the tables
/// when they were added in sqlite_schema order after `sqlite_master`: each
/// insertion goes to the front of the list (or before its bucket's first
/// element once there are buckets); from 10 entries the table is rehashed
/// to 2*count buckets (at most 64, SQLITE_MALLOC_SOFT_LIMIT / 16 bytes).
fn schema_hash_order(tables: Vec<Rc<Table>>) -> Vec<Rc<Table>> {
    let mut names: Vec<(String, Option<Rc<Table>>)> = vec![("sqlite_master".to_string(), None)];
    names.extend(tables.into_iter().map(|t| (t.name.clone(), Some(t))));
    // list: element ids in iteration order; buckets: (count, first element id).
    let mut list: Vec<usize> = Vec::new();
    let mut buckets: Vec<(usize, usize)> = Vec::new();
    let insert = |list: &mut Vec<usize>, buckets: &mut Vec<(usize, usize)>, id: usize, names: &[(String, Option<Rc<Table>>)]| {
        let head = if buckets.is_empty() {
            None
        } else {
            let h = (str_hash(&names[id].0) as usize) % buckets.len();
            let b = &mut buckets[h];
            let head = if b.0 > 0 { Some(b.1) } else { None };
            b.0 += 1;
            b.1 = id;
            head
        };
        match head.and_then(|hd| list.iter().position(|&e| e == hd)) {
            Some(pos) => list.insert(pos, id),
            None => list.insert(0, id),
        }
    };
    for id in 0..names.len() {
        let count = id + 1;
        if count >= 10 && count > 2 * buckets.len() {
            let size = (count * 2).min(64);
            if size != buckets.len() {
                buckets = vec![(0, 0); size];
                let old = std::mem::take(&mut list);
                for e in old {
                    insert(&mut list, &mut buckets, e, &names);
                }
            }
        }
        insert(&mut list, &mut buckets, id, &names);
    }
    list.into_iter().filter_map(|id| names[id].1.clone()).collect()
}

fn foreign_key_check(b: &mut Builder<'_>, value: Option<&PragmaValue>) -> Result<()> {
    let tables: Vec<Rc<Table>> = match value {
        Some(v) => match b.schema.table(&v.value) {
            Some(t) => vec![t.clone()],
            None => return Err(Error::sql(format!("no such table: {}", v.value))),
        },
        None => {
            let mut ts: Vec<Rc<Table>> = b.schema.tables.values().filter(|t| t.root != 1).cloned().collect();
            ts.sort_by_key(|t| t.schema_order);
            schema_hash_order(ts)
        }
    };
    b.columns = ["table", "rowid", "parent", "fkid"].iter().map(|n| ColumnMeta { name: n.to_string(), decltype: None }).collect();
    b.begin(false);
    for t in tables.iter().filter(|t| !t.fkeys.is_empty()) {
        // Resolve every key first: a mismatch is an error before any row.
        let mut keys: Vec<Option<(Rc<Table>, ParentKey)>> = Vec::new();
        for fk in &t.fkeys {
            match b.schema.table(&fk.to_table).cloned() {
                None => keys.push(None),
                Some(p) => {
                    let pk = locate(&p, t, fk)?;
                    keys.push(Some((p, pk)));
                }
            }
        }
        let cur = b.cursor();
        b.op(Op::OpenRead, cur, t.root as i32, 0);
        let ncol = t.columns.len();
        let img = b.regs(ncol);
        let rowid = b.reg();
        let out = b.regs(4);
        let empty = b.op(Op::Rewind, cur, 0, 0);
        let top = b.here();
        b.op(Op::Rowid, cur, rowid as i32, 0);
        for c in 0..ncol {
            if t.rowid_alias != Some(c) {
                b.emit_column(cur, t, c, img + c);
            }
        }
        for (id, (fk, key)) in t.fkeys.iter().zip(&keys).enumerate() {
            let mut ok = Vec::new();
            for &c in &fk.from_cols {
                ok.push(b.op(Op::IsNull, image_reg(t, (img, rowid), c) as i32, 0, 0));
            }
            if let Some((p, pk)) = key {
                let n = pk.child_cols.len();
                let tmp = b.regs(n);
                for (i, &c) in pk.child_cols.iter().enumerate() {
                    b.op(Op::Copy, image_reg(t, (img, rowid), c) as i32, (tmp + i) as i32, 0);
                }
                let pc = b.cursor();
                match &pk.index {
                    None => {
                        b.op(Op::OpenRead, pc, p.root as i32, 0);
                        let not_int = b.op(Op::MustBeInt, tmp as i32, 0, 0);
                        let missing = b.op(Op::SeekRowid, pc, 0, tmp as i32);
                        ok.push(b.op(Op::Goto, 0, 0, 0));
                        b.patch(missing);
                        b.patch(not_int);
                    }
                    Some(idx) => {
                        let aff: String = pk.parent_cols.iter().map(|&c| p.columns[c].affinity.code()).collect();
                        b.emit(Op::Affinity, tmp as i32, n as i32, 0, P4::Affinity(aff), 0);
                        b.emit(Op::OpenRead, pc, idx.root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 0);
                        ok.push(b.emit(Op::Found, pc, 0, tmp as i32, P4::Int64(n as i64), 0));
                    }
                }
            }
            b.load_value(&Value::Text(t.name.clone()), out);
            b.op(Op::Copy, rowid as i32, (out + 1) as i32, 0);
            b.load_value(&Value::Text(fk.to_table.clone()), out + 2);
            b.load_value(&Value::Integer(id as i64), out + 3);
            b.op(Op::ResultRow, out as i32, 4, 0);
            b.patch_all(&ok);
        }
        b.op(Op::Next, cur, top, 0);
        b.patch(empty);
    }
    Ok(())
}
