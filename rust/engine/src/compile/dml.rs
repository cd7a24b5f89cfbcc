//! INSERT, UPDATE and DELETE. Rows are written through a write cursor on
//! the table and one per index; every index is maintained on every change.
//! UPDATE and DELETE first collect the target rowids (a read pass into a
//! sorter), then modify, so a scan never sees its own changes.
//!
//! Constraint order as in SQLite: NOT NULL, then rowid (PRIMARY KEY), then
//! each UNIQUE index in table order. Conflict handling: ABORT (default;
//! the statement savepoint undoes the statement), IGNORE (skip the row),
//! REPLACE (delete the conflicting row, then insert).

use super::loops::JoinInfo;
use super::resolve::{Frame, Source};
use super::select::Dest;
use super::Builder;
use crate::error::{codes, Error, Result};
use crate::schema::{Index, IndexOrigin, Table};
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{ConflictResolution, Delete, Expr, Insert, InsertSource, QualifiedName, Update, UpsertAction};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum OnConflict {
    Abort,
    Ignore,
    Replace,
}

/// Where an inserted column's value comes from.
enum ValSrc<'e> {
    Expr(&'e Expr),
    Reg(usize),
    Default,
}

fn writable_table(b: &Builder<'_>, name: &QualifiedName) -> Result<Rc<Table>> {
    if let Some(s) = &name.schema {
        if !s.eq_ignore_ascii_case("main") {
            return Err(Error::sql(format!("unknown database {s}")));
        }
    }
    let t = b.schema.table(&name.name).cloned().ok_or_else(|| Error::sql(format!("no such table: {}", name.name)))?;
    if t.root == 1 {
        return Err(Error::sql(format!("table {} may not be modified", name.name)));
    }
    if t.without_rowid {
        return Err(Error::sql(format!("WITHOUT ROWID tables are not supported yet: {}", t.name)));
    }
    if let Some(i) = t.indexes.iter().find(|i| i.unsupported || i.partial.is_some()) {
        return Err(Error::sql(format!("index {} uses expressions or a WHERE clause, which are not supported yet", i.name)));
    }
    Ok(t)
}

fn affinity_string(t: &Table) -> String {
    t.columns.iter().map(|c| c.affinity.code()).collect()
}

fn unique_message(t: &Table, idx: &Index) -> String {
    let cols: Vec<String> = idx.columns.iter().map(|c| format!("{}.{}", t.name, t.columns[c.column].name)).collect();
    format!("UNIQUE constraint failed: {}", cols.join(", "))
}

impl Builder<'_> {
    /// Opens write cursors on the table and its indexes.
    fn open_write(&mut self, t: &Table) -> (i32, Vec<i32>) {
        let cur = self.cursor();
        self.op(Op::OpenWrite, cur, t.root as i32, 0);
        let mut ics = Vec::new();
        for idx in &t.indexes {
            let c = self.cursor();
            self.emit(Op::OpenWrite, c, idx.root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 0);
            ics.push(c);
        }
        (cur, ics)
    }

    /// Builds index key registers (columns then rowid) from a row image.
    fn index_key(&mut self, t: &Table, idx: &Index, base: usize, rowid: usize) -> usize {
        let n = idx.columns.len();
        let k = self.regs(n + 1);
        for (j, ic) in idx.columns.iter().enumerate() {
            if t.rowid_alias == Some(ic.column) {
                self.op(Op::Copy, rowid as i32, (k + j) as i32, 0);
            } else {
                self.op(Op::Copy, (base + ic.column) as i32, (k + j) as i32, 0);
            }
        }
        self.op(Op::Copy, rowid as i32, (k + n) as i32, 0);
        k
    }

    /// Deletes the row `cur` is on and its index entries (reads the row).
    fn delete_current_row(&mut self, t: &Table, cur: i32, ics: &[i32], count: bool) {
        let ncol = t.columns.len();
        let base = self.regs(ncol);
        let rr = self.reg();
        self.op(Op::Rowid, cur, rr as i32, 0);
        for (i, _) in t.columns.iter().enumerate() {
            if t.rowid_alias != Some(i) {
                self.op(Op::Column, cur, i as i32, (base + i) as i32);
            }
        }
        for (idx, &ic) in t.indexes.iter().zip(ics) {
            let k = self.index_key(t, idx, base, rr);
            self.op(Op::IdxDelete, ic, k as i32, (idx.columns.len() + 1) as i32);
        }
        self.emit(Op::Delete, cur, 0, 0, P4::None, count as u16);
    }

    /// Writes one row whose column values come from `srcs`.
    fn insert_row(&mut self, t: &Table, cur: i32, ics: &[i32], srcs: &[ValSrc<'_>], oc: OnConflict) -> Result<()> {
        let ncol = t.columns.len();
        let base = self.regs(ncol);
        let rowid = self.reg();
        let mut skips = Vec::new();
        for (i, col) in t.columns.iter().enumerate() {
            match &srcs[i] {
                ValSrc::Expr(e) => self.expr(e, base + i)?,
                ValSrc::Reg(r) => {
                    self.op(Op::Copy, *r as i32, (base + i) as i32, 0);
                }
                ValSrc::Default => match &col.default {
                    Some((e, _)) => {
                        let saved = std::mem::take(&mut self.frames);
                        let r = self.expr(e, base + i);
                        self.frames = saved;
                        r?;
                    }
                    None => {
                        self.op(Op::Null, 0, (base + i) as i32, 0);
                    }
                },
            }
        }
        let explicit_rowid = match t.rowid_alias {
            Some(a) => {
                self.op(Op::Copy, (base + a) as i32, rowid as i32, 0);
                self.op(Op::Null, 0, (base + a) as i32, 0);
                let have = self.op(Op::NotNull, rowid as i32, 0, 0);
                self.op(Op::NewRowid, cur, rowid as i32, 0);
                let done = self.op(Op::Goto, 0, 0, 0);
                self.patch(have);
                self.op(Op::MustBeInt, rowid as i32, 0, 0);
                self.patch(done);
                true
            }
            None => {
                self.op(Op::NewRowid, cur, rowid as i32, 0);
                false
            }
        };
        self.emit(Op::Affinity, base as i32, ncol as i32, 0, P4::Affinity(affinity_string(t)), 0);
        for (i, col) in t.columns.iter().enumerate() {
            if col.notnull && t.rowid_alias != Some(i) {
                let msg = format!("NOT NULL constraint failed: {}.{}", t.name, col.name);
                if oc == OnConflict::Ignore {
                    skips.push(self.op(Op::IsNull, (base + i) as i32, 0, 0));
                } else {
                    self.emit(Op::HaltIfNull, codes::CONSTRAINT_NOTNULL, 0, (base + i) as i32, P4::Text(msg), 0);
                }
            }
        }
        if explicit_rowid {
            let ok = self.op(Op::SeekRowid, cur, 0, rowid as i32);
            match oc {
                OnConflict::Ignore => skips.push(self.op(Op::Goto, 0, 0, 0)),
                OnConflict::Replace => self.delete_current_row(t, cur, ics, false),
                OnConflict::Abort => {
                    let a = t.rowid_alias.unwrap_or(0);
                    let msg = format!("UNIQUE constraint failed: {}.{}", t.name, t.columns[a].name);
                    self.emit(Op::Halt, codes::CONSTRAINT_PRIMARYKEY, 0, 0, P4::Text(msg), 0);
                }
            }
            self.patch(ok);
        }
        for (idx, &ic) in t.indexes.iter().zip(ics) {
            if !idx.unique {
                continue;
            }
            let k = self.index_key(t, idx, base, rowid);
            let ok = self.emit(Op::NoConflict, ic, 0, k as i32, P4::Int64(idx.columns.len() as i64), 0);
            match oc {
                OnConflict::Ignore => skips.push(self.op(Op::Goto, 0, 0, 0)),
                OnConflict::Replace => {
                    let rr = self.reg();
                    self.op(Op::IdxRowid, ic, rr as i32, 0);
                    let gone = self.op(Op::SeekRowid, cur, 0, rr as i32);
                    self.delete_current_row(t, cur, ics, false);
                    self.patch(gone);
                }
                OnConflict::Abort => {
                    let code = if idx.origin == IndexOrigin::PrimaryKey { codes::CONSTRAINT_PRIMARYKEY } else { codes::CONSTRAINT_UNIQUE };
                    self.emit(Op::Halt, code, 0, 0, P4::Text(unique_message(t, idx)), 0);
                }
            }
            self.patch(ok);
        }
        let rec = self.reg();
        self.op(Op::MakeRecord, base as i32, ncol as i32, rec as i32);
        self.emit(Op::Insert, cur, rec as i32, rowid as i32, P4::None, 3);
        for (idx, &ic) in t.indexes.iter().zip(ics) {
            let k = self.index_key(t, idx, base, rowid);
            let r = self.reg();
            self.op(Op::MakeRecord, k as i32, (idx.columns.len() + 1) as i32, r as i32);
            self.op(Op::IdxInsert, ic, r as i32, 0);
        }
        self.patch_all(&skips);
        Ok(())
    }
}

fn conflict_of(c: Option<ConflictResolution>) -> OnConflict {
    match c {
        Some(ConflictResolution::Ignore) => OnConflict::Ignore,
        Some(ConflictResolution::Replace) => OnConflict::Replace,
        _ => OnConflict::Abort,
    }
}

pub fn compile_insert(b: &mut Builder<'_>, ins: &Insert) -> Result<()> {
    if ins.with.is_some() {
        return Err(Error::sql("WITH clauses are not supported yet"));
    }
    if !ins.returning.is_empty() {
        return Err(Error::sql("RETURNING is not supported yet"));
    }
    let t = writable_table(b, &ins.table)?;
    let mut oc = conflict_of(ins.or_conflict);
    for u in &ins.upsert {
        match u.action {
            UpsertAction::Nothing => oc = OnConflict::Ignore,
            UpsertAction::Update { .. } => return Err(Error::sql("ON CONFLICT DO UPDATE is not supported yet")),
        }
    }
    // Target column for each supplied value.
    let targets: Vec<usize> = if ins.columns.is_empty() {
        (0..t.columns.len()).collect()
    } else {
        let mut v = Vec::new();
        for c in &ins.columns {
            match t.column_index(c) {
                Some(i) => v.push(i),
                None if super::resolve::is_rowid_name(c) && t.rowid_alias.is_some() => v.push(t.rowid_alias.unwrap_or(0)),
                None => return Err(Error::sql(format!("table {} has no column named {c}", t.name))),
            }
        }
        v
    };
    let check_width = |n: usize| -> Result<()> {
        if n != targets.len() {
            if ins.columns.is_empty() {
                return Err(Error::sql(format!("table {} has {} columns but {n} values were supplied", t.name, t.columns.len())));
            }
            return Err(Error::sql(format!("{n} values for {} columns", targets.len())));
        }
        Ok(())
    };
    b.begin(true);
    b.counts_changes = true;
    match &ins.source {
        InsertSource::Values(rows) => {
            for r in rows {
                check_width(r.len())?;
            }
            let (cur, ics) = b.open_write(&t);
            b.frames.push(Frame::default());
            for r in rows {
                let mut srcs: Vec<ValSrc<'_>> = t.columns.iter().map(|_| ValSrc::Default).collect();
                for (k, &ci) in targets.iter().enumerate() {
                    srcs[ci] = ValSrc::Expr(&r[k]);
                }
                b.insert_row(&t, cur, &ics, &srcs, oc)?;
            }
            b.frames.pop();
        }
        InsertSource::DefaultValues => {
            let (cur, ics) = b.open_write(&t);
            let srcs: Vec<ValSrc<'_>> = t.columns.iter().map(|_| ValSrc::Default).collect();
            b.insert_row(&t, cur, &ics, &srcs, oc)?;
        }
        InsertSource::Select(sel) => {
            let tmp = b.cursor();
            b.op(Op::SorterOpen, tmp, 0, 0);
            let mut d = Dest::Sorter { cursor: tmp };
            let metas = b.select(sel, &mut d)?;
            check_width(metas.len())?;
            let (cur, ics) = b.open_write(&t);
            let empty = b.op(Op::Rewind, tmp, 0, 0);
            let top = b.here();
            let vals = b.regs(targets.len());
            for k in 0..targets.len() {
                b.op(Op::Column, tmp, k as i32, (vals + k) as i32);
            }
            let mut srcs: Vec<ValSrc<'_>> = t.columns.iter().map(|_| ValSrc::Default).collect();
            for (k, &ci) in targets.iter().enumerate() {
                srcs[ci] = ValSrc::Reg(vals + k);
            }
            b.insert_row(&t, cur, &ics, &srcs, oc)?;
            b.op(Op::Next, tmp, top, 0);
            b.patch(empty);
        }
    }
    Ok(())
}

/// Pass 1 of UPDATE/DELETE: rowids of matching rows into a sorter.
fn collect_rowids(b: &mut Builder<'_>, t: &Rc<Table>, alias: &Option<String>, where_: Option<&Expr>) -> Result<i32> {
    let rows = b.cursor();
    b.op(Op::SorterOpen, rows, 0, 0);
    let rc = b.cursor();
    let name = alias.clone().unwrap_or_else(|| t.name.clone());
    b.frames.push(Frame { sources: vec![Source { table: t.clone(), name, cursor: rc, hidden: Vec::new() }], map: Vec::new() });
    let mut body = |b: &mut Builder<'_>| -> Result<()> {
        let r = b.reg();
        b.op(Op::Rowid, rc, r as i32, 0);
        b.op(Op::SorterInsert, rows, r as i32, 1);
        Ok(())
    };
    let res = b.gen_loops(&[JoinInfo::default()], where_, &mut body);
    b.frames.pop();
    res?;
    Ok(rows)
}

pub fn compile_delete(b: &mut Builder<'_>, d: &Delete) -> Result<()> {
    if d.with.is_some() || !d.returning.is_empty() || !d.order_by.is_empty() || d.limit.is_some() {
        return Err(Error::sql("DELETE with WITH/RETURNING/ORDER BY/LIMIT is not supported yet"));
    }
    let t = writable_table(b, &d.table)?;
    b.begin(true);
    b.counts_changes = true;
    let rows = collect_rowids(b, &t, &d.alias, d.where_clause.as_ref())?;
    let (cur, ics) = b.open_write(&t);
    let empty = b.op(Op::Rewind, rows, 0, 0);
    let top = b.here();
    let rr = b.reg();
    b.op(Op::Column, rows, 0, rr as i32);
    let gone = b.op(Op::SeekRowid, cur, 0, rr as i32);
    b.delete_current_row(&t, cur, &ics, true);
    b.patch(gone);
    b.op(Op::Next, rows, top, 0);
    b.patch(empty);
    Ok(())
}

pub fn compile_update(b: &mut Builder<'_>, u: &Update) -> Result<()> {
    if u.with.is_some() || !u.returning.is_empty() || !u.order_by.is_empty() || u.limit.is_some() || u.from.is_some() {
        return Err(Error::sql("UPDATE with WITH/RETURNING/ORDER BY/LIMIT/FROM is not supported yet"));
    }
    if matches!(u.or_conflict, Some(ConflictResolution::Ignore | ConflictResolution::Replace)) {
        return Err(Error::sql("UPDATE OR IGNORE/REPLACE is not supported yet"));
    }
    let t = writable_table(b, &u.table)?;
    let mut sets: Vec<Option<&Expr>> = vec![None; t.columns.len()];
    let mut rowid_set: Option<&Expr> = None;
    for s in &u.sets {
        if s.columns.len() != 1 {
            return Err(Error::sql("row value assignments are not supported yet"));
        }
        let c = &s.columns[0];
        match t.column_index(c) {
            Some(i) => sets[i] = Some(&s.expr),
            None if super::resolve::is_rowid_name(c) => rowid_set = Some(&s.expr),
            None => return Err(Error::sql(format!("no such column: {c}"))),
        }
    }
    if let Some(a) = t.rowid_alias {
        if let Some(e) = sets[a] {
            rowid_set = Some(e);
        }
    }
    b.begin(true);
    b.counts_changes = true;
    let rows = collect_rowids(b, &t, &u.alias, u.where_clause.as_ref())?;
    let (cur, ics) = b.open_write(&t);
    let name = u.alias.clone().unwrap_or_else(|| t.name.clone());
    b.frames.push(Frame { sources: vec![Source { table: t.clone(), name, cursor: cur, hidden: Vec::new() }], map: Vec::new() });
    let res = (|| -> Result<()> {
        let ncol = t.columns.len();
        let empty = b.op(Op::Rewind, rows, 0, 0);
        let top = b.here();
        let rold = b.reg();
        b.op(Op::Column, rows, 0, rold as i32);
        let gone = b.op(Op::SeekRowid, cur, 0, rold as i32);
        let old = b.regs(ncol);
        for i in 0..ncol {
            if t.rowid_alias != Some(i) {
                b.op(Op::Column, cur, i as i32, (old + i) as i32);
            }
        }
        let new = b.regs(ncol);
        for i in 0..ncol {
            match sets[i] {
                Some(e) if t.rowid_alias != Some(i) => b.expr(e, new + i)?,
                _ => {
                    b.op(Op::Copy, (old + i) as i32, (new + i) as i32, 0);
                }
            }
        }
        let rnew = b.reg();
        match rowid_set {
            Some(e) => {
                b.expr(e, rnew)?;
                b.op(Op::MustBeInt, rnew as i32, 0, 0);
            }
            None => {
                b.op(Op::Copy, rold as i32, rnew as i32, 0);
            }
        }
        b.emit(Op::Affinity, new as i32, ncol as i32, 0, P4::Affinity(affinity_string(&t)), 0);
        for (i, col) in t.columns.iter().enumerate() {
            if col.notnull && t.rowid_alias != Some(i) {
                let msg = format!("NOT NULL constraint failed: {}.{}", t.name, col.name);
                b.emit(Op::HaltIfNull, codes::CONSTRAINT_NOTNULL, 0, (new + i) as i32, P4::Text(msg), 0);
            }
        }
        if rowid_set.is_some() {
            let same = b.reg();
            b.op(Op::Eq, rold as i32, rnew as i32, same as i32);
            let skip = b.op(Op::If, same as i32, 0, 0);
            let ok = b.op(Op::SeekRowid, cur, 0, rnew as i32);
            let a = t.rowid_alias.map(|a| t.columns[a].name.clone()).unwrap_or_else(|| "rowid".to_string());
            b.emit(Op::Halt, codes::CONSTRAINT_PRIMARYKEY, 0, 0, P4::Text(format!("UNIQUE constraint failed: {}.{}", t.name, a)), 0);
            b.patch(ok);
            b.patch(skip);
        }
        for (idx, &ic) in t.indexes.iter().zip(&ics) {
            if !idx.unique {
                continue;
            }
            let k = b.index_key(&t, idx, new, rnew);
            let ok = b.emit(Op::NoConflict, ic, 0, k as i32, P4::Int64(idx.columns.len() as i64), 0);
            let rr = b.reg();
            b.op(Op::IdxRowid, ic, rr as i32, 0);
            let same = b.reg();
            b.op(Op::Eq, rr as i32, rold as i32, same as i32);
            let fine = b.op(Op::If, same as i32, 0, 0);
            let code = if idx.origin == IndexOrigin::PrimaryKey { codes::CONSTRAINT_PRIMARYKEY } else { codes::CONSTRAINT_UNIQUE };
            b.emit(Op::Halt, code, 0, 0, P4::Text(unique_message(&t, idx)), 0);
            b.patch(ok);
            b.patch(fine);
        }
        // Remove old index entries, write the row, add new entries.
        for (idx, &ic) in t.indexes.iter().zip(&ics) {
            let k = b.index_key(&t, idx, old, rold);
            b.op(Op::IdxDelete, ic, k as i32, (idx.columns.len() + 1) as i32);
        }
        if let Some(a) = t.rowid_alias {
            b.op(Op::Null, 0, (new + a) as i32, 0);
        }
        let rec = b.reg();
        b.op(Op::MakeRecord, new as i32, ncol as i32, rec as i32);
        if rowid_set.is_some() {
            let same = b.reg();
            b.op(Op::Eq, rold as i32, rnew as i32, same as i32);
            let skip = b.op(Op::If, same as i32, 0, 0);
            b.op(Op::SeekRowid, cur, 0, rold as i32);
            b.op(Op::Delete, cur, 0, 0);
            b.patch(skip);
        }
        b.emit(Op::Insert, cur, rec as i32, rnew as i32, P4::None, 1);
        for (idx, &ic) in t.indexes.iter().zip(&ics) {
            let k = b.index_key(&t, idx, new, rnew);
            let r = b.reg();
            b.op(Op::MakeRecord, k as i32, (idx.columns.len() + 1) as i32, r as i32);
            b.op(Op::IdxInsert, ic, r as i32, 0);
        }
        b.patch(gone);
        b.op(Op::Next, rows, top, 0);
        b.patch(empty);
        Ok(())
    })();
    b.frames.pop();
    res
}

