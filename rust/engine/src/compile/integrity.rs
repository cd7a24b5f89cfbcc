//! PRAGMA integrity_check / quick_check [(N)] with SQLite 3.46's report:
//! one row per problem, at most N (default 100), else one "ok" row.
//!
//! Order, as SQLite's pragma.c:
//! 1. the b-tree check over every root (`IntegrityCk`): if it found
//!    anything, one row "*** in database main ***\n" + its messages (each
//!    counts against N);
//! 2. per table, per index, "wrong # of entries in index I" when the
//!    index's entry count differs from the table's (quick_check too);
//! 3. per table, per row: "NULL value in T.C" for each NOT NULL column
//!    holding NULL, then (integrity_check only) "row R missing from index
//!    I" for each index without the row's key (R counts rows in scan
//!    order from 1, as SQLite does, not the rowid).
//!
//! Tables are visited in the order SQLite's schema hash table iterates
//! them (`hash_order`: sqlite_master, then tables by root page as an
//! approximation of their sqlite_schema order; views are not counted), and
//! a table's indexes newest first (SQLite prepends each new index). Indexes
//! this engine cannot evaluate (partial, expression) are left out of steps
//! 2 and 3; WITHOUT ROWID tables' secondary indexes are checked last
//! (`wr_index_consistency`: missing rows, then counts).

use super::Builder;
use crate::error::Result;
use crate::schema::Table;
use crate::value::Value;
use crate::vdbe::{ColumnMeta, Op, P4};
use ferrolite_parser::ast::PragmaValue;
use std::cell::RefCell;
use std::rc::Rc;

/// SQLite's strHash (case-insensitive, multiplicative).
fn str_hash(s: &str) -> u32 {
    let mut h: u32 = 0;
    for c in s.bytes() {
        h = h.wrapping_add(u32::from(c.to_ascii_lowercase()));
        h = h.wrapping_mul(0x9e37_79b1);
    }
    h
}

/// Iteration order of SQLite's Hash after inserting `names` in order:
/// elements are prepended while there are no buckets; from 10 elements on
/// the table is rehashed to 2x buckets (at most 64, SQLite's 1 KiB soft
/// limit) and an element is inserted before the first element of its
/// bucket, or at the front of the list when the bucket is empty.
fn hash_order(names: &[String]) -> Vec<usize> {
    let mut list: Vec<usize> = Vec::new();
    let mut buckets: Vec<(usize, Option<usize>)> = Vec::new(); // (count, chain head)
    let insert = |list: &mut Vec<usize>, buckets: &mut Vec<(usize, Option<usize>)>, e: usize| {
        let head = if buckets.is_empty() {
            None
        } else {
            let nb = buckets.len();
            let b = &mut buckets[(str_hash(&names[e]) as usize) % nb];
            let h = if b.0 > 0 { b.1 } else { None };
            b.0 += 1;
            b.1 = Some(e);
            h
        };
        match head.and_then(|h| list.iter().position(|&x| x == h)) {
            Some(pos) => list.insert(pos, e),
            None => list.insert(0, e),
        }
    };
    for e in 0..names.len() {
        let count = e + 1;
        if count >= 10 && count > 2 * buckets.len() {
            let size = (count * 2).min(64);
            if size != buckets.len() {
                let old = std::mem::take(&mut list);
                buckets = vec![(0, None); size];
                for x in old {
                    insert(&mut list, &mut buckets, x);
                }
            }
        }
        insert(&mut list, &mut buckets, e);
    }
    list
}

/// Emits a report row for r[msg]; stops the program when N rows are out.
fn emit_row(b: &mut Builder<'_>, msg: usize, budget: usize, stops: &RefCell<Vec<usize>>) {
    b.op(Op::ResultRow, msg as i32, 1, 0);
    let next = b.here() + 2;
    b.op(Op::IfPos, budget as i32, next, 1);
    stops.borrow_mut().push(b.op(Op::Goto, 0, 0, 0));
}

fn text(b: &mut Builder<'_>, s: &str) -> usize {
    let r = b.reg();
    b.load_value(&Value::Text(s.to_string()), r);
    r
}

pub fn compile(b: &mut Builder<'_>, quick: bool, value: Option<&PragmaValue>) -> Result<()> {
    let name = if quick { "quick_check" } else { "integrity_check" };
    let n: i64 = match value.map(|v| v.value.trim().parse::<i64>()) {
        Some(Ok(v)) if v > 0 && v <= i64::from(i32::MAX) => v,
        _ => 100,
    };
    b.begin(false);
    b.columns = vec![ColumnMeta { name: name.to_string(), decltype: None }];
    // Tables in SQLite's hash order (sqlite_master first inserted).
    let mut tables: Vec<Rc<Table>> = b.schema.tables.values().filter(|t| t.root > 1).cloned().collect();
    tables.sort_by_key(|t| t.root);
    let mut names = vec!["sqlite_master".to_string()];
    names.extend(tables.iter().map(|t| t.name.clone()));
    let order = hash_order(&names);
    let mut roots: Vec<(u32, bool)> = Vec::new();
    let mut visit: Vec<Rc<Table>> = Vec::new();
    for &i in &order {
        if i == 0 {
            roots.push((1, false));
            continue;
        }
        let t = &tables[i - 1];
        roots.push((t.root, t.without_rowid));
        for idx in t.indexes.iter().rev() {
            if idx.root != t.root {
                roots.push((idx.root, true));
            }
        }
        visit.push(t.clone());
    }
    let budget = b.reg();
    b.op(Op::Integer, (n - 1) as i32, budget as i32, 0);
    let stops = RefCell::new(Vec::new());
    // 1. B-tree check.
    let (msg, cnt) = (b.reg(), b.reg());
    b.emit(Op::IntegrityCk, msg as i32, n as i32, cnt as i32, P4::Roots(roots), 0);
    let one = b.reg();
    b.op(Op::Integer, 1, one as i32, 0);
    let none = b.op(Op::IfNot, cnt as i32, 0, 0);
    let pfx = text(b, "*** in database main ***\n");
    b.op(Op::Concat, pfx as i32, msg as i32, msg as i32);
    let extra = b.reg();
    b.op(Op::Subtract, cnt as i32, one as i32, extra as i32);
    b.op(Op::Subtract, budget as i32, extra as i32, budget as i32);
    emit_row(b, msg, budget, &stops);
    b.patch(none);
    let checkable = |t: &Table| !t.without_rowid;
    let usable_idx = |i: &crate::schema::Index| !i.unsupported && i.partial.is_none();
    // 2. Entry counts (quick_check too).
    {
        for t in visit.iter().filter(|t| checkable(t)) {
            let idxs: Vec<_> = t.indexes.iter().rev().filter(|i| usable_idx(i)).cloned().collect();
            if idxs.is_empty() {
                continue;
            }
            let tc = b.cursor();
            b.op(Op::OpenRead, tc, t.root as i32, 0);
            let rows = b.reg();
            count_entries(b, tc, rows, one);
            for idx in idxs {
                let ic = b.cursor();
                b.emit(Op::OpenRead, ic, idx.root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 0);
                let c = b.reg();
                count_entries(b, ic, c, one);
                let same = b.reg();
                b.op(Op::Eq, c as i32, rows as i32, same as i32);
                let fine = b.op(Op::If, same as i32, 0, 0);
                let m = text(b, &format!("wrong # of entries in index {}", idx.name));
                emit_row(b, m, budget, &stops);
                b.patch(fine);
            }
        }
    }
    // 3. Per row: NOT NULL, then index entries.
    for t in visit.iter().filter(|t| checkable(t)) {
        let notnull: Vec<usize> = (0..t.columns.len()).filter(|&c| t.columns[c].notnull && t.rowid_alias != Some(c)).collect();
        let idxs: Vec<_> = if quick { Vec::new() } else { t.indexes.iter().rev().filter(|i| usable_idx(i)).cloned().collect() };
        if notnull.is_empty() && idxs.is_empty() {
            continue;
        }
        let tc = b.cursor();
        b.op(Op::OpenRead, tc, t.root as i32, 0);
        let ics: Vec<i32> = idxs
            .iter()
            .map(|i| {
                let c = b.cursor();
                b.emit(Op::OpenRead, c, i.root as i32, 0, P4::KeyInfo(i.key_info.clone()), 0);
                c
            })
            .collect();
        // SQLite numbers rows by their position in the scan (1-based).
        let nrow = b.reg();
        b.op(Op::Integer, 0, nrow as i32, 0);
        let empty = b.op(Op::Rewind, tc, 0, 0);
        let top = b.here();
        b.op(Op::Add, nrow as i32, one as i32, nrow as i32);
        let rowid = b.reg();
        b.op(Op::Rowid, tc, rowid as i32, 0);
        for &c in &notnull {
            let v = b.reg();
            b.emit_column(tc, t, c, v);
            let ok = b.op(Op::NotNull, v as i32, 0, 0);
            let m = text(b, &format!("NULL value in {}.{}", t.name, t.columns[c].name));
            emit_row(b, m, budget, &stops);
            b.patch(ok);
        }
        for (idx, &ic) in idxs.iter().zip(&ics) {
            let k = b.regs(idx.columns.len() + 1);
            for (j, col) in idx.columns.iter().enumerate() {
                if t.rowid_alias == Some(col.column) {
                    b.op(Op::Copy, rowid as i32, (k + j) as i32, 0);
                } else {
                    b.emit_column(tc, t, col.column, k + j);
                }
            }
            b.op(Op::Copy, rowid as i32, (k + idx.columns.len()) as i32, 0);
            let found = b.emit(Op::Found, ic, 0, k as i32, P4::Int64((idx.columns.len() + 1) as i64), 0);
            let (m1, m2, m) = (text(b, "row "), text(b, &format!(" missing from index {}", idx.name)), b.reg());
            b.op(Op::Concat, m1 as i32, nrow as i32, m as i32);
            b.op(Op::Concat, m as i32, m2 as i32, m as i32);
            emit_row(b, m, budget, &stops);
            b.patch(found);
        }
        b.op(Op::Next, tc, top, 0);
        b.patch(empty);
    }
    // WITHOUT ROWID tables' secondary indexes (rows missing, then counts).
    if !quick {
        for t in visit.iter().filter(|t| t.without_rowid && t.indexes.len() > 1 && t.indexes.iter().all(|i| usable_idx(i))) {
            b.wr_index_consistency(t, &|b: &mut Builder<'_>, msg: usize| emit_row(b, msg, budget, &stops));
        }
    }
    // Nothing reported: "ok".
    let limit = b.reg();
    b.op(Op::Integer, (n - 1) as i32, limit as i32, 0);
    let same = b.reg();
    b.op(Op::Eq, budget as i32, limit as i32, same as i32);
    let reported = b.op(Op::IfNot, same as i32, 0, 0);
    let ok = text(b, "ok");
    b.op(Op::ResultRow, ok as i32, 1, 0);
    b.patch(reported);
    for s in stops.into_inner() {
        b.patch(s);
    }
    Ok(())
}

/// r[out] = number of entries of cursor c (r[one] holds 1).
fn count_entries(b: &mut Builder<'_>, c: i32, out: usize, one: usize) {
    b.op(Op::Integer, 0, out as i32, 0);
    let e = b.op(Op::Rewind, c, 0, 0);
    let top = b.here();
    b.op(Op::Add, out as i32, one as i32, out as i32);
    b.op(Op::Next, c, top, 0);
    b.patch(e);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_hash_is_reverse_insertion() {
        let names: Vec<String> = ["sqlite_master", "t", "u"].iter().map(|s| s.to_string()).collect();
        assert_eq!(hash_order(&names), vec![2, 1, 0]);
    }
}
