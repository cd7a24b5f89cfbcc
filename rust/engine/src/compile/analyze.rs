//! ANALYZE: writes `sqlite_stat1(tbl,idx,stat)` as SQLite does, creating
//! the table on first use.
//!
//! Format of `stat` (SQLite's analyze.c): for an index with N key columns,
//! "R D1 .. DN" where R is the number of entries and Dk the average number
//! of entries per distinct value of the first k columns, rounded up:
//! (R + distinct_k - 1) / distinct_k (NULLs compare equal here, as in the
//! index). A table without indexes gets one row (tbl, NULL, "R"). Empty
//! tables and indexes get no row. The PRIMARY KEY of a WITHOUT ROWID table
//! is reported under the table's name. Tables named sqlite_* are skipped.
//!
//! ANALYZE [main | table | index]: the old rows of each analyzed table (or
//! of the one index) are deleted first.
//!
//! Not written: sqlite_stat4 (samples), which only builds with the
//! SQLITE_ENABLE_STAT4 option have (rusqlite's bundled build is one; the
//! default build and the sqlite3 shell are not).

use super::Builder;
use crate::error::{Error, Result};
use crate::schema::{Index, Table};
use crate::storage::record::Collation;
use crate::value::Value;
use crate::vdbe::{cmp_flags, Op, P4};
use ferrolite_parser::ast::QualifiedName;
use std::rc::Rc;

const STAT1_SQL: &str = "CREATE TABLE sqlite_stat1(tbl,idx,stat)";

/// What ANALYZE was asked to cover.
enum Target {
    All,
    Table(Rc<Table>),
    Index(Rc<Table>, Rc<Index>),
}

fn resolve(b: &Builder<'_>, target: Option<&QualifiedName>) -> Result<Target> {
    let Some(q) = target else { return Ok(Target::All) };
    if let Some(s) = &q.schema {
        if !s.eq_ignore_ascii_case("main") {
            return Err(Error::sql(format!("unknown database {s}")));
        }
    } else if q.name.eq_ignore_ascii_case("main") {
        return Ok(Target::All);
    }
    if let Some(t) = b.schema.table(&q.name) {
        return Ok(Target::Table(t.clone()));
    }
    if let Some(i) = b.schema.index(&q.name) {
        if let Some(t) = b.schema.table(&i.table) {
            return Ok(Target::Index(t.clone(), i.clone()));
        }
    }
    match &q.schema {
        Some(s) => Err(Error::sql(format!("no such table: {s}.{}", q.name))),
        None => Err(Error::sql(format!("no such table: {}", q.name))),
    }
}

fn analyzable(t: &Table) -> bool {
    !(t.name.len() >= 7 && t.name[..7].eq_ignore_ascii_case("sqlite_"))
}

pub fn compile_analyze(b: &mut Builder<'_>, target: Option<&QualifiedName>) -> Result<()> {
    let target = resolve(b, target)?;
    let mut tables: Vec<Rc<Table>> = match &target {
        Target::All => b.schema.tables.values().filter(|t| t.root > 1).cloned().collect(),
        Target::Table(t) | Target::Index(t, _) => vec![t.clone()],
    };
    tables.retain(|t| analyzable(t));
    // SQLite walks its schema newest first; root pages follow creation order.
    tables.sort_by(|a, b| b.root.cmp(&a.root));
    b.begin(true);
    let root = b.reg();
    let existing = b.schema.table("sqlite_stat1").cloned();
    let created = existing.is_none();
    match &existing {
        Some(s) => b.load_value(&Value::Integer(i64::from(s.root)), root),
        None => {
            let f = b.reg();
            b.op(Op::ReadCookie, 0, f as i32, 1);
            let skip = b.op(Op::If, f as i32, 0, 0);
            b.op(Op::SetCookie, 0, 1, 4);
            b.op(Op::SetCookie, 0, 4, 1);
            b.patch(skip);
            b.op(Op::CreateBtree, 0, root as i32, 1);
            let c = b.cursor();
            b.op(Op::OpenWrite, c, 1, 0);
            b.schema_row(c, "table", "sqlite_stat1", "sqlite_stat1", root, Some(STAT1_SQL));
        }
    }
    let sc = b.cursor();
    b.emit(Op::OpenWrite, sc, root as i32, 0, P4::None, 1);
    for t in &tables {
        match &target {
            Target::Index(_, i) => delete_rows(b, sc, 1, &stat_name(t, i)),
            _ => delete_rows(b, sc, 0, &t.name),
        }
        if t.indexes.is_empty() {
            count_table(b, sc, t);
        }
        for idx in t.indexes.iter().rev() {
            if let Target::Index(_, only) = &target {
                if !Rc::ptr_eq(only, idx) {
                    continue;
                }
            }
            analyze_index(b, sc, t, idx);
        }
    }
    if created {
        b.bump_cookie();
    }
    Ok(())
}

/// The `idx` value SQLite writes for an index.
fn stat_name(t: &Table, idx: &Index) -> String {
    if t.is_pk_tree(idx) {
        t.name.clone()
    } else {
        idx.name.clone()
    }
}

/// Deletes the stat rows whose column `col` (0 tbl, 1 idx) is `value`.
fn delete_rows(b: &mut Builder<'_>, sc: i32, col: i32, value: &str) {
    let v = b.reg();
    b.load_value(&Value::Text(value.to_string()), v);
    let empty = b.op(Op::Rewind, sc, 0, 0);
    let top = b.here();
    let (r, eq) = (b.reg(), b.reg());
    b.op(Op::Column, sc, col, r as i32);
    b.emit(Op::Eq, r as i32, v as i32, eq as i32, P4::Coll(Collation::Binary), 0);
    let keep = b.op(Op::IfNot, eq as i32, 0, 1);
    b.op(Op::Delete, sc, 0, 0);
    b.patch(keep);
    b.op(Op::Next, sc, top, 0);
    b.patch(empty);
}

/// Appends (tbl, idx, stat) to sqlite_stat1.
fn insert_row(b: &mut Builder<'_>, sc: i32, tbl: &str, idx: Option<&str>, stat: usize) {
    let base = b.regs(3);
    b.load_value(&Value::Text(tbl.to_string()), base);
    b.load_value(&idx.map_or(Value::Null, |s| Value::Text(s.to_string())), base + 1);
    b.op(Op::Copy, stat as i32, (base + 2) as i32, 0);
    // The statistics are text, also a lone row count.
    b.op(Op::Cast, (base + 2) as i32, 1, 0);
    let (rec, rowid) = (b.reg(), b.reg());
    b.op(Op::MakeRecord, base as i32, 3, rec as i32);
    b.op(Op::NewRowid, sc, rowid as i32, 0);
    b.op(Op::Insert, sc, rec as i32, rowid as i32);
}

/// A table without indexes: (tbl, NULL, row count) unless it is empty.
fn count_table(b: &mut Builder<'_>, sc: i32, t: &Table) {
    let tc = b.cursor();
    b.open_table_cursor(Op::OpenRead, tc, t);
    let (cnt, one) = (b.reg(), b.reg());
    b.op(Op::Integer, 0, cnt as i32, 0);
    b.op(Op::Integer, 1, one as i32, 0);
    let empty = b.op(Op::Rewind, tc, 0, 0);
    let top = b.here();
    b.op(Op::Add, cnt as i32, one as i32, cnt as i32);
    b.op(Op::Next, tc, top, 0);
    b.patch(empty);
    let none = b.op(Op::IfNot, cnt as i32, 0, 1);
    insert_row(b, sc, &t.name, None, cnt);
    b.patch(none);
}

/// One index: counts entries and distinct prefixes in one pass.
fn analyze_index(b: &mut Builder<'_>, sc: i32, t: &Table, idx: &Index) {
    let n = idx.columns.len();
    let ic = b.cursor();
    if t.is_pk_tree(idx) {
        b.open_table_cursor(Op::OpenRead, ic, t);
    } else {
        b.emit(Op::OpenRead, ic, idx.root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 0);
    }
    let (cnt, one, first) = (b.reg(), b.reg(), b.reg());
    b.op(Op::Integer, 0, cnt as i32, 0);
    b.op(Op::Integer, 1, one as i32, 0);
    let d = b.regs(n);
    let cur = b.regs(n);
    let prev = b.regs(n);
    for k in 0..n {
        b.op(Op::Integer, 0, (d + k) as i32, 0);
    }
    let empty = b.op(Op::Rewind, ic, 0, 0);
    let top = b.here();
    b.op(Op::Add, cnt as i32, one as i32, cnt as i32);
    for k in 0..n {
        b.op(Op::Column, ic, k as i32, (cur + k) as i32);
    }
    // The first row differs in every column; later rows from the first
    // column that differs from the previous row.
    b.op(Op::Eq, cnt as i32, one as i32, first as i32);
    let mut to_label: Vec<(usize, usize)> = vec![(b.op(Op::If, first as i32, 0, 0), 0)];
    for (k, c) in idx.columns.iter().enumerate() {
        let eq = b.reg();
        b.emit(Op::Eq, (cur + k) as i32, (prev + k) as i32, eq as i32, P4::Coll(c.collation), cmp_flags::NULLEQ);
        to_label.push((b.op(Op::IfNot, eq as i32, 0, 1), k));
    }
    let same = b.op(Op::Goto, 0, 0, 0);
    for k in 0..n {
        for (addr, target) in &to_label {
            if *target == k {
                b.patch(*addr);
            }
        }
        b.op(Op::Add, (d + k) as i32, one as i32, (d + k) as i32);
    }
    b.patch(same);
    if n > 0 {
        b.op(Op::Copy, cur as i32, prev as i32, n as i32);
    }
    b.op(Op::Next, ic, top, 0);
    b.patch(empty);
    let none = b.op(Op::IfNot, cnt as i32, 0, 1);
    let (stat, sp, tmp) = (b.reg(), b.reg(), b.reg());
    b.op(Op::Copy, cnt as i32, stat as i32, 0);
    b.load_value(&Value::Text(" ".into()), sp);
    for k in 0..n {
        // ceil(cnt / distinct) = (cnt + distinct - 1) / distinct
        b.op(Op::Add, cnt as i32, (d + k) as i32, tmp as i32);
        b.op(Op::Subtract, tmp as i32, one as i32, tmp as i32);
        b.op(Op::Divide, tmp as i32, (d + k) as i32, tmp as i32);
        b.op(Op::Concat, stat as i32, sp as i32, stat as i32);
        b.op(Op::Concat, stat as i32, tmp as i32, stat as i32);
    }
    let name = stat_name(t, idx);
    insert_row(b, sc, &t.name, Some(&name), stat);
    b.patch(none);
}
