//! Code generation for WITHOUT ROWID tables (layout in
//! `schema::without_rowid`): the table cursor is an index cursor keyed by
//! the PRIMARY KEY, rows are found by their PRIMARY KEY values (the
//! `NotFound` probe leaves the cursor on the row), and secondary indexes
//! point at rows through the PRIMARY KEY columns their keys end with.
//!
//! INSERT (with OR IGNORE/REPLACE and UPSERT), UPDATE and DELETE follow the
//! rowid paths in `dml` step for step: NOT NULL, CHECK, PRIMARY KEY, then
//! each UNIQUE index; triggers and RETURNING as there. A row image is kept
//! in declared column order in registers; only the stored record is in
//! PRIMARY KEY order. UPDATE/DELETE first collect the PRIMARY KEYs of the
//! target rows into a sorter, then change them.
//!
//! Invariant: every write keeps the table b-tree and each secondary index
//! in step (one index entry per row), as SQLite's integrity_check expects.

use super::dml::{affinity_string, unique_message, OnConflict, ValSrc};
use super::loops::JoinInfo;
use super::resolve::{Frame, Source};
use super::Builder;
use crate::error::{codes, Error, Result};
use crate::schema::{Index, IndexOrigin, Table};
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{ConflictResolution, Delete, Expr, Update, Upsert, UpsertAction};
use std::rc::Rc;

fn frame_of(t: &Rc<Table>, name: String, cursor: i32) -> Frame {
    Frame {
        sources: vec![Source { table: t.clone(), name, cursor, hidden: Vec::new() }],
        map: Vec::new(),
        reg_rows: Vec::new(),
        order: Vec::new(),
        rowid_order: None,
        index_order: None,
    }
}

impl Builder<'_> {
    /// Opens a cursor on table `t` (an index cursor on the PRIMARY KEY for
    /// a WITHOUT ROWID table).
    pub fn open_table_cursor(&mut self, op: Op, cur: i32, t: &Table) {
        match t.pk_index() {
            Some(pk) => {
                self.emit(op, cur, t.root as i32, 0, P4::KeyInfo(pk.key_info.clone()), 0);
            }
            None => {
                self.op(op, cur, t.root as i32, 0);
            }
        }
    }

    /// Moves table cursor `cur` to the row that the entry of secondary
    /// index cursor `ic` points at; returns the jump taken if it is missing.
    pub fn seek_row_from_index(&mut self, t: &Table, idx: &Index, ic: i32, cur: i32) -> usize {
        let k = self.pk_from_index(t, idx, ic);
        let n = t.pk_columns().len();
        self.emit(Op::NotFound, cur, 0, k as i32, P4::Int64(n as i64), 0)
    }

    /// Registers holding the PRIMARY KEY of the entry `ic` is on.
    fn pk_from_index(&mut self, t: &Table, idx: &Index, ic: i32) -> usize {
        let pos = t.pk_positions_in(idx);
        let k = self.regs(pos.len());
        for (j, p) in pos.iter().enumerate() {
            self.op(Op::Column, ic, *p as i32, (k + j) as i32);
        }
        k
    }

    /// PRIMARY KEY registers copied out of a row image (declared order).
    fn pk_regs(&mut self, t: &Table, base: usize) -> usize {
        let pk = t.pk_columns();
        let k = self.regs(pk.len());
        for (j, c) in pk.iter().enumerate() {
            self.op(Op::Copy, (base + c.column) as i32, (k + j) as i32, 0);
        }
        k
    }

    /// Moves `cur` to the row whose PRIMARY KEY is in r[k..]; returns the
    /// jump taken when there is none.
    fn seek_pk(&mut self, t: &Table, cur: i32, k: usize) -> usize {
        let n = t.pk_columns().len();
        self.emit(Op::NotFound, cur, 0, k as i32, P4::Int64(n as i64), 0)
    }

    /// The stored record of a row image: PRIMARY KEY columns, then the rest.
    fn wr_record(&mut self, t: &Table, base: usize) -> usize {
        let order = t.record_order();
        let r = self.regs(order.len());
        for (j, c) in order.iter().enumerate() {
            self.op(Op::Copy, (base + c) as i32, (r + j) as i32, 0);
        }
        let rec = self.reg();
        self.op(Op::MakeRecord, r as i32, order.len() as i32, rec as i32);
        rec
    }

    /// Full key registers of secondary index `idx` for a row image; returns
    /// (first register, number of columns).
    fn wr_index_key(&mut self, t: &Table, idx: &Index, base: usize) -> (usize, usize) {
        let mut cols: Vec<usize> = idx.columns.iter().map(|c| c.column).collect();
        cols.extend(t.index_suffix(idx).iter().map(|c| c.column));
        let k = self.regs(cols.len());
        for (j, c) in cols.iter().enumerate() {
            self.op(Op::Copy, (base + c) as i32, (k + j) as i32, 0);
        }
        (k, cols.len())
    }

    /// Reads every column of the row `cur` is on into r[base..].
    fn wr_read_row(&mut self, t: &Table, cur: i32, base: usize) {
        for i in 0..t.columns.len() {
            self.emit_column(cur, t, i, base + i);
        }
    }

    /// Jumps to the returned address when r[a..] and r[b..] hold the same
    /// PRIMARY KEY (under its collations); falls through when they differ.
    fn pk_same(&mut self, t: &Table, a: usize, b: usize) -> usize {
        let ki = t.pk_index().map(|i| i.key_info.clone()).unwrap_or_else(|| Index::make_key_info(&[]));
        let n = t.pk_columns().len();
        self.emit(Op::Compare, a as i32, b as i32, n as i32, P4::KeyInfo(ki), 0);
        let j = self.op(Op::Jump, 0, 0, 0);
        let here = self.here();
        self.insns[j].p1 = here + 1;
        self.insns[j].p2 = here;
        self.insns[j].p3 = here + 1;
        self.op(Op::Goto, 0, 0, 0)
    }

    /// Deletes the row `cur` is on and its secondary index entries.
    fn wr_delete_current(&mut self, t: &Rc<Table>, cur: i32, ics: &[i32], count: bool) -> Result<()> {
        let base = self.regs(t.columns.len());
        self.wr_read_row(t, cur, base);
        let norowid = self.reg();
        self.op(Op::Null, 0, norowid as i32, 0);
        self.fk_check(t, Some((base, norowid)), None, None)?;
        self.wr_delete_entries(t, ics, base);
        self.emit(Op::Delete, cur, 0, 0, P4::None, self.count_flag(count as u16));
        self.fk_actions(t, (base, norowid), None, None)
    }

    fn wr_delete_entries(&mut self, t: &Table, ics: &[i32], base: usize) {
        for (idx, &ic) in t.indexes.iter().zip(ics) {
            if t.is_pk_tree(idx) {
                continue;
            }
            let (k, n) = self.wr_index_key(t, idx, base);
            self.op(Op::IdxDelete, ic, k as i32, n as i32);
        }
    }

    fn wr_insert_entries(&mut self, t: &Table, ics: &[i32], base: usize) {
        for (idx, &ic) in t.indexes.iter().zip(ics) {
            if t.is_pk_tree(idx) {
                continue;
            }
            let (k, n) = self.wr_index_key(t, idx, base);
            let r = self.reg();
            self.op(Op::MakeRecord, k as i32, n as i32, r as i32);
            self.op(Op::IdxInsert, ic, r as i32, 0);
        }
    }

    fn wr_notnull(&mut self, t: &Table, base: usize, skips: Option<&mut Vec<usize>>) {
        let mut skips = skips;
        for (i, col) in t.columns.iter().enumerate() {
            if !col.notnull {
                continue;
            }
            match skips.as_mut() {
                Some(s) => s.push(self.op(Op::IsNull, (base + i) as i32, 0, 0)),
                None => {
                    let msg = format!("NOT NULL constraint failed: {}.{}", t.name, col.name);
                    self.emit(Op::HaltIfNull, codes::CONSTRAINT_NOTNULL, 0, (base + i) as i32, P4::Text(msg), 0);
                }
            }
        }
    }

    /// One INSERT row into WITHOUT ROWID table `t` (the counterpart of
    /// `insert_row`).
    pub(super) fn insert_row_wr(&mut self, t: &Rc<Table>, cur: i32, ics: &[i32], srcs: &[ValSrc<'_>], oc: OnConflict, up: Option<&Upsert>) -> Result<()> {
        wr_guard(t)?;
        let ncol = t.columns.len();
        let base = self.regs(ncol);
        let norowid = self.reg();
        self.op(Op::Null, 0, norowid as i32, 0);
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
        self.emit(Op::Affinity, base as i32, ncol as i32, 0, P4::Affinity(affinity_string(t)), 0);
        self.compute_generated(t, base, norowid)?;
        self.strict_check(t, base);
        let raise_mark = self.raise_ignore.len();
        self.fire_triggers(t, 0, true, Some((base, norowid)), None, None)?;
        if oc == OnConflict::Ignore {
            self.wr_notnull(t, base, Some(&mut skips));
            self.emit_checks(t, base, norowid, Some(&mut skips))?;
        } else {
            self.wr_notnull(t, base, None);
            self.emit_checks(t, base, norowid, None)?;
        }
        let pk_cols: Vec<usize> = t.pk_columns().iter().map(|c| c.column).collect();
        for (idx, &ic) in t.indexes.iter().zip(ics) {
            if !idx.unique {
                continue;
            }
            let pk_tree = t.is_pk_tree(idx);
            let (k, n) = if pk_tree { (self.pk_regs(t, base), pk_cols.len()) } else { (self.wr_index_key(t, idx, base).0, idx.columns.len()) };
            let ok = self.emit(Op::NoConflict, ic, 0, k as i32, P4::Int64(n as i64), 0);
            let cols: Vec<usize> = idx.columns.iter().map(|c| c.column).collect();
            let act = Self::upsert_for(up, t, &cols);
            // Puts `cur` on the conflicting row; the jump out if it is gone.
            let to_row = |b: &mut Self| -> Option<usize> {
                if pk_tree {
                    None
                } else {
                    Some(b.seek_row_from_index(t, idx, ic, cur))
                }
            };
            if let Some(a @ UpsertAction::Update { .. }) = act {
                let gone = to_row(self);
                self.upsert_update_wr(t, cur, ics, a, base)?;
                if let Some(g) = gone {
                    self.patch(g);
                }
            }
            match if act.is_some() { OnConflict::Ignore } else { oc } {
                OnConflict::Ignore => skips.push(self.op(Op::Goto, 0, 0, 0)),
                OnConflict::Replace => {
                    let gone = to_row(self);
                    self.wr_delete_current(t, cur, ics, false)?;
                    if let Some(g) = gone {
                        self.patch(g);
                    }
                }
                OnConflict::Abort => {
                    let code = if idx.origin == IndexOrigin::PrimaryKey { codes::CONSTRAINT_PRIMARYKEY } else { codes::CONSTRAINT_UNIQUE };
                    self.emit(Op::Halt, code, 0, 0, P4::Text(unique_message(t, idx)), 0);
                }
            }
            self.patch(ok);
        }
        self.fk_check(t, None, Some((base, norowid)), None)?;
        let rec = self.wr_record(t, base);
        self.emit(Op::IdxInsert, cur, rec as i32, 0, P4::None, self.count_flag(1));
        self.wr_insert_entries(t, ics, base);
        if self.returning.is_some() {
            let k = self.pk_regs(t, base);
            let gone = self.seek_pk(t, cur, k);
            self.emit_returning()?;
            self.patch(gone);
        }
        self.fire_triggers(t, 0, false, Some((base, norowid)), None, None)?;
        let ignores: Vec<usize> = self.raise_ignore.drain(raise_mark..).collect();
        skips.extend(ignores);
        self.patch_all(&skips);
        Ok(())
    }

    /// DO UPDATE on the conflicting row `cur` is on; r[base..] holds the
    /// rejected row (`excluded`).
    fn upsert_update_wr(&mut self, t: &Rc<Table>, cur: i32, ics: &[i32], action: &UpsertAction, base: usize) -> Result<()> {
        let UpsertAction::Update { sets: set_list, where_clause } = action else { return Ok(()) };
        let sets = set_targets(t, set_list.iter().map(|s| (&s.columns, &s.expr)))?;
        let norowid = self.reg();
        self.op(Op::Null, 0, norowid as i32, 0);
        let mut f = frame_of(t, t.name.clone(), cur);
        f.reg_rows.push(("excluded".to_string(), t.clone(), base, norowid));
        self.frames.push(f);
        let r = (|| -> Result<()> {
            let skip = match where_clause {
                Some(w) => {
                    let r = self.expr_reg(w)?;
                    Some(self.op(Op::IfNot, r as i32, 0, 1))
                }
                None => None,
            };
            self.update_row_wr(t, cur, ics, &sets)?;
            if let Some(s) = skip {
                self.patch(s);
            }
            Ok(())
        })();
        self.frames.pop();
        r
    }

    /// Rewrites the row `cur` is on with the SET values (the counterpart of
    /// `update_row`); RETURNING is evaluated on the new row.
    fn update_row_wr(&mut self, t: &Rc<Table>, cur: i32, ics: &[i32], sets: &[Option<&Expr>]) -> Result<()> {
        let ncol = t.columns.len();
        let old = self.regs(ncol);
        self.wr_read_row(t, cur, old);
        let new = self.regs(ncol);
        for i in 0..ncol {
            match sets[i] {
                Some(e) => self.expr(e, new + i)?,
                None => {
                    self.op(Op::Copy, (old + i) as i32, (new + i) as i32, 0);
                }
            }
        }
        let norowid = self.reg();
        self.op(Op::Null, 0, norowid as i32, 0);
        self.emit(Op::Affinity, new as i32, ncol as i32, 0, P4::Affinity(affinity_string(t)), 0);
        self.compute_generated(t, new, norowid)?;
        self.strict_check(t, new);
        let set_cols: Vec<usize> = sets.iter().enumerate().filter(|(_, s)| s.is_some()).map(|(i, _)| i).collect();
        self.fire_triggers(t, 1, true, Some((new, norowid)), Some((old, norowid)), Some(&set_cols))?;
        self.wr_notnull(t, new, None);
        self.emit_checks(t, new, norowid, None)?;
        let oldpk = self.pk_regs(t, old);
        let pk_changed = t.pk_columns().iter().any(|c| sets[c.column].is_some());
        for (idx, &ic) in t.indexes.iter().zip(ics) {
            if !idx.unique {
                continue;
            }
            let pk_tree = t.is_pk_tree(idx);
            if pk_tree && !pk_changed {
                continue;
            }
            let (k, n) = if pk_tree { (self.pk_regs(t, new), t.pk_columns().len()) } else { (self.wr_index_key(t, idx, new).0, idx.columns.len()) };
            let ok = self.emit(Op::NoConflict, ic, 0, k as i32, P4::Int64(n as i64), 0);
            // The entry found may be this very row.
            let rowpk = if pk_tree { k } else { self.pk_from_index(t, idx, ic) };
            let same = self.pk_same(t, rowpk, oldpk);
            let code = if idx.origin == IndexOrigin::PrimaryKey { codes::CONSTRAINT_PRIMARYKEY } else { codes::CONSTRAINT_UNIQUE };
            self.emit(Op::Halt, code, 0, 0, P4::Text(unique_message(t, idx)), 0);
            self.patch(ok);
            self.patch(same);
        }
        self.fk_check(t, Some((old, norowid)), None, Some(&set_cols))?;
        self.wr_delete_entries(t, ics, old);
        self.fk_check(t, None, Some((new, norowid)), Some(&set_cols))?;
        let gone = self.seek_pk(t, cur, oldpk);
        self.op(Op::Delete, cur, 0, 0);
        self.patch(gone);
        let rec = self.wr_record(t, new);
        self.emit(Op::IdxInsert, cur, rec as i32, 0, P4::None, self.count_flag(1));
        self.wr_insert_entries(t, ics, new);
        self.fk_actions(t, (old, norowid), Some((new, norowid)), Some(&set_cols))?;
        if self.returning.is_some() {
            let k = self.pk_regs(t, new);
            let gone = self.seek_pk(t, cur, k);
            self.emit_returning()?;
            self.patch(gone);
        }
        self.fire_triggers(t, 1, false, Some((new, norowid)), Some((old, norowid)), Some(&set_cols))?;
        Ok(())
    }

    /// ALTER TABLE DROP COLUMN: every row of WITHOUT ROWID table `t`
    /// rewritten without (stored) column `k`. The new records are collected
    /// first, then each row is replaced (same PRIMARY KEY, same place).
    pub fn drop_column_rows_without_rowid(&mut self, t: &Table, k: usize) {
        let order: Vec<usize> = t.record_order().into_iter().filter(|&c| c != k).collect();
        let npk = t.pk_columns().len();
        let rows = self.cursor();
        self.op(Op::SorterOpen, rows, 0, 0);
        let c = self.cursor();
        self.open_table_cursor(Op::OpenWrite, c, t);
        let empty = self.op(Op::Rewind, c, 0, 0);
        let top = self.here();
        let r = self.regs(order.len() + 1);
        for (j, &col) in order.iter().enumerate() {
            self.emit_column(c, t, col, r + j);
        }
        self.op(Op::MakeRecord, r as i32, order.len() as i32, (r + order.len()) as i32);
        // Sorter row: the PRIMARY KEY (the first fields), then the record.
        let row = self.regs(npk + 1);
        self.op(Op::Copy, r as i32, row as i32, npk as i32);
        self.op(Op::Copy, (r + order.len()) as i32, (row + npk) as i32, 0);
        self.op(Op::SorterInsert, rows, row as i32, (npk + 1) as i32);
        self.op(Op::Next, c, top, 0);
        self.patch(empty);
        let done = self.op(Op::Rewind, rows, 0, 0);
        let top = self.here();
        let key = self.regs(npk + 1);
        for j in 0..=npk {
            self.op(Op::Column, rows, j as i32, (key + j) as i32);
        }
        let gone = self.seek_pk(t, c, key);
        self.op(Op::Delete, c, 0, 0);
        self.op(Op::IdxInsert, c, (key + npk) as i32, 0);
        self.patch(gone);
        self.op(Op::Next, rows, top, 0);
        self.patch(done);
    }

    /// integrity_check of a WITHOUT ROWID table's secondary indexes: each
    /// row has its entry ("row N missing from index X", N counting rows from
    /// 1 as SQLite does) and each index as many entries as the table rows.
    pub fn wr_index_consistency(&mut self, t: &Table, append: &dyn Fn(&mut Self, usize)) {
        let tc = self.cursor();
        self.open_table_cursor(Op::OpenRead, tc, t);
        let secondary: Vec<(Rc<Index>, i32)> = t
            .indexes
            .iter()
            .filter(|i| !t.is_pk_tree(i))
            .map(|i| {
                let c = self.cursor();
                self.emit(Op::OpenRead, c, i.root as i32, 0, P4::KeyInfo(i.key_info.clone()), 0);
                (i.clone(), c)
            })
            .collect();
        let (cnt, one) = (self.reg(), self.reg());
        self.op(Op::Integer, 0, cnt as i32, 0);
        self.op(Op::Integer, 1, one as i32, 0);
        let empty = self.op(Op::Rewind, tc, 0, 0);
        let top = self.here();
        self.op(Op::Add, cnt as i32, one as i32, cnt as i32);
        let base = self.regs(t.columns.len());
        self.wr_read_row(t, tc, base);
        for (idx, ic) in &secondary {
            let (k, n) = self.wr_index_key(t, idx, base);
            let found = self.emit(Op::Found, *ic, 0, k as i32, P4::Int64(n as i64), 0);
            let (m1, m2, msg) = (self.reg(), self.reg(), self.reg());
            self.load_value(&crate::value::Value::Text("row ".into()), m1);
            self.op(Op::Concat, m1 as i32, cnt as i32, msg as i32);
            self.load_value(&crate::value::Value::Text(format!(" missing from index {}", idx.name)), m2);
            self.op(Op::Concat, msg as i32, m2 as i32, msg as i32);
            append(self, msg);
            self.patch(found);
        }
        self.op(Op::Next, tc, top, 0);
        self.patch(empty);
        for (idx, ic) in &secondary {
            let ci = self.reg();
            self.op(Op::Integer, 0, ci as i32, 0);
            let e = self.op(Op::Rewind, *ic, 0, 0);
            let top = self.here();
            self.op(Op::Add, ci as i32, one as i32, ci as i32);
            self.op(Op::Next, *ic, top, 0);
            self.patch(e);
            let same = self.reg();
            self.op(Op::Eq, ci as i32, cnt as i32, same as i32);
            let fine = self.op(Op::If, same as i32, 0, 0);
            let msg = self.reg();
            self.load_value(&crate::value::Value::Text(format!("wrong # of entries in index {}", idx.name)), msg);
            append(self, msg);
            self.patch(fine);
        }
    }

    /// CREATE INDEX on a WITHOUT ROWID table: one entry per row, the key
    /// ending with the PRIMARY KEY columns the index lacks.
    pub fn fill_index_without_rowid(&mut self, t: &Table, idx: &Index, root: usize) -> Result<()> {
        wr_guard_index(idx)?;
        let tc = self.cursor();
        let ic = self.cursor();
        self.open_table_cursor(Op::OpenRead, tc, t);
        self.emit(Op::OpenWrite, ic, root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 1);
        let empty = self.op(Op::Rewind, tc, 0, 0);
        let top = self.here();
        let base = self.regs(t.columns.len());
        self.wr_read_row(t, tc, base);
        let (k, n) = self.wr_index_key(t, idx, base);
        if idx.unique {
            let ok = self.emit(Op::NoConflict, ic, 0, k as i32, P4::Int64(idx.columns.len() as i64), 0);
            let code = if idx.origin == IndexOrigin::PrimaryKey { codes::CONSTRAINT_PRIMARYKEY } else { codes::CONSTRAINT_UNIQUE };
            self.emit(Op::Halt, code, 0, 0, P4::Text(unique_message(t, idx)), 0);
            self.patch(ok);
        }
        let rec = self.reg();
        self.op(Op::MakeRecord, k as i32, n as i32, rec as i32);
        self.op(Op::IdxInsert, ic, rec as i32, 0);
        self.op(Op::Next, tc, top, 0);
        self.patch(empty);
        Ok(())
    }
}

/// The WITHOUT ROWID write paths keep plain column indexes only: an index
/// on expressions or with a WHERE clause is refused rather than written
/// with wrong keys.
fn wr_guard_index(idx: &Index) -> Result<()> {
    if idx.unsupported || idx.partial.is_some() {
        return Err(Error::sql(format!("index {} on a WITHOUT ROWID table uses expressions or a WHERE clause, which are not supported yet", idx.name)));
    }
    Ok(())
}

fn wr_guard(t: &Table) -> Result<()> {
    t.indexes.iter().try_for_each(|i| wr_guard_index(i))
}

/// SET targets by column (a WITHOUT ROWID table has no rowid to set).
fn set_targets<'e>(t: &Table, list: impl Iterator<Item = (&'e Vec<String>, &'e Expr)>) -> Result<Vec<Option<&'e Expr>>> {
    let mut sets: Vec<Option<&Expr>> = vec![None; t.columns.len()];
    for (cols, e) in list {
        if cols.len() != 1 {
            return Err(Error::sql("row value assignments are not supported yet"));
        }
        match t.column_index(&cols[0]) {
            Some(i) => sets[i] = Some(e),
            None => return Err(Error::sql(format!("no such column: {}", cols[0]))),
        }
    }
    Ok(sets)
}

/// Pass 1 of UPDATE/DELETE: the PRIMARY KEY of every matching row into a
/// sorter (one column per key column).
fn collect_pks(b: &mut Builder<'_>, t: &Rc<Table>, alias: &Option<String>, where_: Option<&Expr>) -> Result<i32> {
    let rows = b.cursor();
    b.op(Op::SorterOpen, rows, 0, 0);
    let rc = b.cursor();
    b.frames.push(frame_of(t, alias.clone().unwrap_or_else(|| t.name.clone()), rc));
    let pk = t.pk_columns();
    let mut body = |b: &mut Builder<'_>| -> Result<()> {
        let k = b.regs(pk.len());
        for (j, c) in pk.iter().enumerate() {
            b.emit_column(rc, t, c.column, k + j);
        }
        b.op(Op::SorterInsert, rows, k as i32, pk.len() as i32);
        Ok(())
    };
    let res = b.gen_loops(&[JoinInfo::default()], where_, &mut body);
    b.frames.pop();
    res?;
    Ok(rows)
}

/// Loads the PRIMARY KEY of the sorter's current row into fresh registers.
fn pk_from_sorter(b: &mut Builder<'_>, t: &Table, rows: i32) -> usize {
    let n = t.pk_columns().len();
    let k = b.regs(n);
    for j in 0..n {
        b.op(Op::Column, rows, j as i32, (k + j) as i32);
    }
    k
}

pub fn compile_delete(b: &mut Builder<'_>, d: &Delete, t: &Rc<Table>) -> Result<()> {
    wr_guard(t)?;
    b.begin(true);
    b.counts_changes = true;
    let rows = collect_pks(b, t, &d.alias, d.where_clause.as_ref())?;
    let (cur, ics) = b.open_write(t);
    b.setup_returning(&d.returning, t, &d.alias, cur)?;
    let empty = b.op(Op::Rewind, rows, 0, 0);
    let top = b.here();
    let k = pk_from_sorter(b, t, rows);
    let gone = b.seek_pk(t, cur, k);
    let raise_mark = b.raise_ignore.len();
    let has_trig = !b.schema.triggers_for(&t.name, 2, true).is_empty() || !b.schema.triggers_for(&t.name, 2, false).is_empty();
    let old = b.regs(t.columns.len());
    let norowid = b.reg();
    b.op(Op::Null, 0, norowid as i32, 0);
    let mut reseek = None;
    if has_trig {
        b.wr_read_row(t, cur, old);
        b.fire_triggers(t, 2, true, None, Some((old, norowid)), None)?;
        reseek = Some(b.seek_pk(t, cur, k));
    }
    b.emit_returning()?;
    b.wr_delete_current(t, cur, &ics, true)?;
    if has_trig {
        b.fire_triggers(t, 2, false, None, Some((old, norowid)), None)?;
    }
    let ignores: Vec<usize> = b.raise_ignore.drain(raise_mark..).collect();
    b.patch_all(&ignores);
    b.patch(gone);
    if let Some(j) = reseek {
        b.patch(j);
    }
    b.op(Op::Next, rows, top, 0);
    b.patch(empty);
    b.finish_returning();
    Ok(())
}

pub fn compile_update(b: &mut Builder<'_>, u: &Update, t: &Rc<Table>) -> Result<()> {
    wr_guard(t)?;
    if u.with.is_some() || !u.order_by.is_empty() || u.limit.is_some() || u.from.is_some() {
        return Err(Error::sql("UPDATE with WITH/ORDER BY/LIMIT/FROM is not supported yet"));
    }
    if matches!(u.or_conflict, Some(ConflictResolution::Ignore | ConflictResolution::Replace)) {
        return Err(Error::sql("UPDATE OR IGNORE/REPLACE is not supported yet"));
    }
    let sets = set_targets(t, u.sets.iter().map(|s| (&s.columns, &s.expr)))?;
    b.begin(true);
    b.counts_changes = true;
    let rows = collect_pks(b, t, &u.alias, u.where_clause.as_ref())?;
    let (cur, ics) = b.open_write(t);
    b.setup_returning(&u.returning, t, &u.alias, cur)?;
    b.frames.push(frame_of(t, u.alias.clone().unwrap_or_else(|| t.name.clone()), cur));
    let res = (|| -> Result<()> {
        let empty = b.op(Op::Rewind, rows, 0, 0);
        let top = b.here();
        let k = pk_from_sorter(b, t, rows);
        let gone = b.seek_pk(t, cur, k);
        let raise_mark = b.raise_ignore.len();
        b.update_row_wr(t, cur, &ics, &sets)?;
        let ignores: Vec<usize> = b.raise_ignore.drain(raise_mark..).collect();
        b.patch_all(&ignores);
        b.patch(gone);
        b.op(Op::Next, rows, top, 0);
        b.patch(empty);
        Ok(())
    })();
    b.frames.pop();
    res?;
    b.finish_returning();
    Ok(())
}
