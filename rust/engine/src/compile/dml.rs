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
use ferrolite_parser::ast::{
    ConflictResolution, Delete, Expr, Insert, InsertSource, QualifiedName, ResultColumn, Stmt, TriggerEvent, Update, Upsert, UpsertAction,
};
use std::rc::Rc;

mod update_from;

/// RETURNING: expressions evaluated on each written row (cursor positioned
/// on it) into a sorter that is returned after all writes, as SQLite does.
pub struct Returning {
    exprs: Vec<Expr>,
    sorter: i32,
    source: Source,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum OnConflict {
    Abort,
    Ignore,
    Replace,
}

/// Where an inserted column's value comes from.
pub(super) enum ValSrc<'e> {
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
    if b.schema.table(&name.name).is_none() && b.schema.view(&name.name).is_some() {
        return Err(Error::sql(format!("cannot modify {} because it is a view", name.name)));
    }
    let t = b.schema.table(&name.name).cloned().ok_or_else(|| Error::sql(format!("no such table: {}", name.name)))?;
    if t.root == 1 {
        return Err(Error::sql(format!("table {} may not be modified", name.name)));
    }
    if let Some(i) = t.indexes.iter().find(|i| t.without_rowid && (i.unsupported || i.partial.is_some())) {
        return Err(Error::sql(format!("index {} on a WITHOUT ROWID table uses expressions or a WHERE clause, which are not supported yet", i.name)));
    }
    Ok(t)
}

pub(super) fn affinity_string(t: &Table) -> String {
    t.columns.iter().map(|c| c.affinity.code()).collect()
}

pub(super) fn unique_message(t: &Table, idx: &Index) -> String {
    if idx.columns.iter().any(|c| c.expr.is_some()) {
        return format!("UNIQUE constraint failed: index '{}'", idx.name);
    }
    let cols: Vec<String> = idx.columns.iter().map(|c| format!("{}.{}", t.name, t.columns[c.column].name)).collect();
    format!("UNIQUE constraint failed: {}", cols.join(", "))
}

impl Builder<'_> {
    /// Sets up RETURNING for a write through `cursor` on `t`.
    pub(super) fn setup_returning(&mut self, list: &[ResultColumn], t: &Rc<Table>, alias: &Option<String>, cursor: i32) -> Result<()> {
        if list.is_empty() {
            return Ok(());
        }
        let source = Source { table: t.clone(), name: alias.clone().unwrap_or_else(|| t.name.clone()), cursor, hidden: Vec::new() };
        self.frames.push(Frame { sources: vec![source.clone()], map: Vec::new(), reg_rows: Vec::new(), order: Vec::new(), rowid_order: None, index_order: None });
        let r = self.returning_columns(list);
        self.frames.pop();
        let (exprs, metas) = r?;
        let sorter = self.cursor();
        self.op(Op::SorterOpen, sorter, 0, 0);
        self.columns = metas;
        self.returning = Some(Returning { exprs, sorter, source });
        Ok(())
    }

    /// Evaluates RETURNING on the row the write cursor is on.
    pub(super) fn emit_returning(&mut self) -> Result<()> {
        let Some(ret) = self.returning.take() else { return Ok(()) };
        self.frames.push(Frame { sources: vec![ret.source.clone()], map: Vec::new(), reg_rows: Vec::new(), order: Vec::new(), rowid_order: None, index_order: None });
        let n = ret.exprs.len();
        let base = self.regs(n);
        let mut r = Ok(());
        for (k, e) in ret.exprs.iter().enumerate() {
            r = self.expr(e, base + k);
            if r.is_err() {
                break;
            }
        }
        self.frames.pop();
        self.op(Op::SorterInsert, ret.sorter, base as i32, n as i32);
        self.returning = Some(ret);
        r
    }

    /// Returns the collected RETURNING rows.
    pub(super) fn finish_returning(&mut self) {
        let Some(ret) = self.returning.take() else { return };
        let n = ret.exprs.len();
        let empty = self.op(Op::Rewind, ret.sorter, 0, 0);
        let top = self.here();
        let base = self.regs(n);
        for k in 0..n {
            self.op(Op::Column, ret.sorter, k as i32, (base + k) as i32);
        }
        self.op(Op::ResultRow, base as i32, n as i32, 0);
        self.op(Op::Next, ret.sorter, top, 0);
        self.patch(empty);
    }

    /// Rewrites the row `cur` is on (rowid in r[rold]) with SET values:
    /// constraint checks, old index entries out, row written, new entries in.
    fn update_row(&mut self, t: &Rc<Table>, cur: i32, ics: &[i32], sets: &[Option<&Expr>], rowid_set: Option<&Expr>, rold: usize) -> Result<()> {
        let ncol = t.columns.len();
        let old = self.regs(ncol);
        for i in 0..ncol {
            if t.rowid_alias != Some(i) {
                self.emit_column(cur, t, i, old + i);
            }
        }
        let new = self.regs(ncol);
        for i in 0..ncol {
            match sets[i] {
                Some(e) if t.rowid_alias != Some(i) => self.expr(e, new + i)?,
                _ => {
                    self.op(Op::Copy, (old + i) as i32, (new + i) as i32, 0);
                }
            }
        }
        let rnew = self.reg();
        match rowid_set {
            Some(e) => {
                self.expr(e, rnew)?;
                self.op(Op::MustBeInt, rnew as i32, 0, 0);
            }
            None => {
                self.op(Op::Copy, rold as i32, rnew as i32, 0);
            }
        }
        self.emit(Op::Affinity, new as i32, ncol as i32, 0, P4::Affinity(affinity_string(t)), 0);
        self.compute_generated(t, new, rnew)?;
        self.strict_check(t, new);
        let mut set_cols: Vec<usize> = sets.iter().enumerate().filter(|(_, s)| s.is_some()).map(|(i, _)| i).collect();
        if let (Some(a), true) = (t.rowid_alias, rowid_set.is_some()) {
            set_cols.push(a);
        }
        self.fire_triggers(t, 1, true, Some((new, rnew)), Some((old, rold)), Some(&set_cols))?;
        for (i, col) in t.columns.iter().enumerate() {
            if col.notnull && t.rowid_alias != Some(i) {
                let msg = format!("NOT NULL constraint failed: {}.{}", t.name, col.name);
                self.emit(Op::HaltIfNull, codes::CONSTRAINT_NOTNULL, 0, (new + i) as i32, P4::Text(msg), 0);
            }
        }
        self.emit_checks(t, new, rnew, None)?;
        if rowid_set.is_some() {
            let same = self.reg();
            self.op(Op::Eq, rold as i32, rnew as i32, same as i32);
            let skip = self.op(Op::If, same as i32, 0, 0);
            let ok = self.op(Op::SeekRowid, cur, 0, rnew as i32);
            let a = t.rowid_alias.map(|a| t.columns[a].name.clone()).unwrap_or_else(|| "rowid".to_string());
            self.emit(Op::Halt, codes::CONSTRAINT_PRIMARYKEY, 0, 0, P4::Text(format!("UNIQUE constraint failed: {}.{}", t.name, a)), 0);
            self.patch(ok);
            self.patch(skip);
        }
        for (idx, &ic) in t.indexes.iter().zip(ics.iter()) {
            if !idx.unique {
                continue;
            }
            let pskip = self.partial_skip(t, idx, new, rnew)?;
            let k = self.index_key(t, idx, new, rnew)?;
            let ok = self.emit(Op::NoConflict, ic, 0, k as i32, P4::Int64(idx.columns.len() as i64), 0);
            let rr = self.reg();
            self.op(Op::IdxRowid, ic, rr as i32, 0);
            let same = self.reg();
            self.op(Op::Eq, rr as i32, rold as i32, same as i32);
            let fine = self.op(Op::If, same as i32, 0, 0);
            let code = if idx.origin == IndexOrigin::PrimaryKey { codes::CONSTRAINT_PRIMARYKEY } else { codes::CONSTRAINT_UNIQUE };
            self.emit(Op::Halt, code, 0, 0, P4::Text(unique_message(t, idx)), 0);
            self.patch(ok);
            self.patch(fine);
            if let Some(p) = pskip {
                self.patch(p);
            }
        }
        self.fk_check(t, Some((old, rold)), None, Some(&set_cols))?;
        // Remove old index entries, write the row, add new entries.
        for (idx, &ic) in t.indexes.iter().zip(ics.iter()) {
            let k = self.index_key(t, idx, old, rold)?;
            self.op(Op::IdxDelete, ic, k as i32, (idx.columns.len() + 1) as i32);
        }
        self.fk_check(t, None, Some((new, rnew)), Some(&set_cols))?;
        if let Some(a) = t.rowid_alias {
            self.op(Op::Null, 0, (new + a) as i32, 0);
        }
        let rec = self.reg();
        let (rb, rn) = self.record_regs(t, new);
        self.op(Op::MakeRecord, rb as i32, rn as i32, rec as i32);
        if rowid_set.is_some() {
            let same = self.reg();
            self.op(Op::Eq, rold as i32, rnew as i32, same as i32);
            let skip = self.op(Op::If, same as i32, 0, 0);
            self.op(Op::SeekRowid, cur, 0, rold as i32);
            self.op(Op::Delete, cur, 0, 0);
            self.patch(skip);
        }
        self.emit(Op::Insert, cur, rec as i32, rnew as i32, P4::None, self.count_flag(1));
        for (idx, &ic) in t.indexes.iter().zip(ics.iter()) {
            let pskip = self.partial_skip(t, idx, new, rnew)?;
            let k = self.index_key(t, idx, new, rnew)?;
            let r = self.reg();
            self.op(Op::MakeRecord, k as i32, (idx.columns.len() + 1) as i32, r as i32);
            self.op(Op::IdxInsert, ic, r as i32, 0);
            if let Some(p) = pskip {
                self.patch(p);
            }
        }
        self.fk_actions(t, (old, rold), Some((new, rnew)), Some(&set_cols))?;
        self.fire_triggers(t, 1, false, Some((new, rnew)), Some((old, rold)), Some(&set_cols))?;
        Ok(())
    }

    pub(super) fn count_flag(&self, f: u16) -> u16 {
        if self.active_triggers.is_empty() {
            f
        } else {
            0
        }
    }

    /// Compiles the bodies of the triggers of `t` for `kind` (0 insert,
    /// 1 update, 2 delete) at BEFORE/AFTER, with NEW/OLD row images held in
    /// registers (first column register, rowid register).
    pub(super) fn fire_triggers(
        &mut self,
        t: &Rc<Table>,
        kind: u8,
        before: bool,
        new: Option<(usize, usize)>,
        old: Option<(usize, usize)>,
        set_cols: Option<&[usize]>,
    ) -> Result<()> {
        if self.disable_triggers {
            return Ok(());
        }
        let trigs = self.schema.triggers_for(&t.name, kind, before);
        self.fire_trigger_list(t, trigs, new, old, set_cols)
    }

    /// Compiles the bodies of `trigs` (see `fire_triggers`).
    pub(super) fn fire_trigger_list(
        &mut self,
        t: &Rc<Table>,
        trigs: Vec<Rc<crate::schema::Trigger>>,
        new: Option<(usize, usize)>,
        old: Option<(usize, usize)>,
        set_cols: Option<&[usize]>,
    ) -> Result<()> {
        for tr in trigs {
            if self.active_triggers.iter().any(|n| n.eq_ignore_ascii_case(&tr.name)) {
                continue;
            }
            if let (TriggerEvent::Update { columns }, Some(set)) = (&tr.event, set_cols) {
                if !columns.is_empty() && !columns.iter().any(|c| t.column_index(c).map_or(false, |i| set.contains(&i))) {
                    continue;
                }
            }
            let mut rows = Vec::new();
            if let Some((b, r)) = new {
                rows.push(("new".to_string(), t.clone(), b, r));
            }
            if let Some((b, r)) = old {
                rows.push(("old".to_string(), t.clone(), b, r));
            }
            self.frames.push(Frame { sources: Vec::new(), map: Vec::new(), reg_rows: rows, order: Vec::new(), rowid_order: None, index_order: None });
            self.active_triggers.push(tr.name.clone());
            let saved_ret = self.returning.take();
            let saved_cols = std::mem::take(&mut self.columns);
            let saved_counts = self.counts_changes;
            let saved_readonly = self.readonly;
            let r = (|| -> Result<()> {
                let skip = match &tr.when {
                    Some(w) => {
                        let r = self.expr_reg(w)?;
                        Some(self.op(Op::IfNot, r as i32, 0, 1))
                    }
                    None => None,
                };
                for st in &tr.body {
                    match st {
                        Stmt::Insert(i) => compile_insert(self, i)?,
                        Stmt::Update(u) => compile_update(self, u)?,
                        Stmt::Delete(d) => compile_delete(self, d)?,
                        Stmt::Select(s) => {
                            let c = self.cursor();
                            self.op(Op::SorterOpen, c, 0, 0);
                            let mut d = Dest::Sorter { cursor: c };
                            self.select(s, &mut d)?;
                        }
                        _ => return Err(Error::sql("unsupported statement in a trigger")),
                    }
                }
                if let Some(s) = skip {
                    self.patch(s);
                }
                Ok(())
            })();
            self.returning = saved_ret;
            self.columns = saved_cols;
            self.counts_changes = saved_counts;
            self.readonly = saved_readonly && self.readonly;
            self.active_triggers.pop();
            self.frames.pop();
            r?;
        }
        Ok(())
    }

    /// Tests the table's CHECK constraints against the row image in
    /// r[base..] (rowid in r[rowid]); false or NULL... only false fails.
    pub(super) fn emit_checks(&mut self, t: &Rc<Table>, base: usize, rowid: usize, skip_on_fail: Option<&mut Vec<usize>>) -> Result<()> {
        if t.checks.is_empty() {
            return Ok(());
        }
        self.frames.push(Frame { sources: Vec::new(), map: Vec::new(), reg_rows: vec![(String::new(), t.clone(), base, rowid), (t.name.clone(), t.clone(), base, rowid)], order: Vec::new(), rowid_order: None, index_order: None });
        let mut fails = Vec::new();
        let r = (|| -> Result<()> {
            for (label, e) in &t.checks {
                let r = self.expr_reg(e)?;
                let ok = self.op(Op::If, r as i32, 0, 1);
                fails.push((label.clone(), self.insns.len()));
                let _ = ok;
                self.emit(Op::Halt, codes::CONSTRAINT_CHECK, 0, 0, P4::Text(format!("CHECK constraint failed: {label}")), 0);
                self.patch(ok);
            }
            Ok(())
        })();
        self.frames.pop();
        r?;
        if let Some(skips) = skip_on_fail {
            // OR IGNORE: a failed CHECK skips the row instead of halting.
            for (_, addr) in fails {
                self.insns[addr] = crate::vdbe::Insn { op: Op::Goto, p1: 0, p2: 0, p3: 0, p4: P4::None, p5: 0 };
                skips.push(addr);
            }
        }
        Ok(())
    }

    /// Opens write cursors on the table and its indexes.
    pub(super) fn open_write(&mut self, t: &Table) -> (i32, Vec<i32>) {
        let cur = self.cursor();
        self.open_table_cursor(Op::OpenWrite, cur, t);
        let mut ics = Vec::new();
        for idx in &t.indexes {
            if t.is_pk_tree(idx) {
                ics.push(cur);
                continue;
            }
            let c = self.cursor();
            self.emit(Op::OpenWrite, c, idx.root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 0);
            ics.push(c);
        }
        (cur, ics)
    }

    /// Builds index key registers (columns then rowid) from a row image.
    pub(super) fn index_key(&mut self, t: &Table, idx: &Index, base: usize, rowid: usize) -> Result<usize> {
        let n = idx.columns.len();
        let k = self.regs(n + 1);
        for (j, ic) in idx.columns.iter().enumerate() {
            if let Some(e) = &ic.expr {
                self.eval_on_image(t, e, base, rowid, k + j)?;
            } else if t.rowid_alias == Some(ic.column) {
                self.op(Op::Copy, rowid as i32, (k + j) as i32, 0);
            } else {
                self.op(Op::Copy, (base + ic.column) as i32, (k + j) as i32, 0);
            }
        }
        self.op(Op::Copy, rowid as i32, (k + n) as i32, 0);
        Ok(k)
    }

    /// Deletes the row `cur` is on and its index entries (reads the row).
    fn delete_current_row(&mut self, t: &Rc<Table>, cur: i32, ics: &[i32], count: bool) -> Result<()> {
        let ncol = t.columns.len();
        let base = self.regs(ncol);
        let rr = self.reg();
        self.op(Op::Rowid, cur, rr as i32, 0);
        for (i, _) in t.columns.iter().enumerate() {
            if t.rowid_alias != Some(i) {
                self.emit_column(cur, t, i, base + i);
            }
        }
        self.fk_check(t, Some((base, rr)), None, None)?;
        for (idx, &ic) in t.indexes.iter().zip(ics) {
            let k = self.index_key(t, idx, base, rr)?;
            self.op(Op::IdxDelete, ic, k as i32, (idx.columns.len() + 1) as i32);
        }
        self.emit(Op::Delete, cur, 0, 0, P4::None, self.count_flag(count as u16));
        self.fk_actions(t, (base, rr), None, None)
    }

    /// Writes one row whose column values come from `srcs`.
    /// The upsert action for a conflict on the constraint over `cols`.
    pub(super) fn upsert_for<'u>(up: Option<&'u Upsert>, t: &Table, cols: &[usize]) -> Option<&'u UpsertAction> {
        let u = up?;
        match &u.target {
            None => Some(&u.action),
            Some(tg) => {
                let mut want: Vec<usize> = tg
                    .columns
                    .iter()
                    .filter_map(|ic| match &ic.expr {
                        Expr::Column { column, .. } => t.column_index(column),
                        Expr::Collate { expr, .. } => match expr.as_ref() {
                            Expr::Column { column, .. } => t.column_index(column),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect();
                let mut have = cols.to_vec();
                want.sort_unstable();
                have.sort_unstable();
                if want == have {
                    Some(&u.action)
                } else {
                    None
                }
            }
        }
    }

    /// DO UPDATE on the conflicting row `cur` is on; `base`/`rowid` hold
    /// the rejected row (`excluded`).
    fn upsert_update(&mut self, t: &Rc<Table>, cur: i32, ics: &[i32], action: &UpsertAction, base: usize, rowid: usize) -> Result<()> {
        let UpsertAction::Update { sets: set_list, where_clause } = action else { return Ok(()) };
        let mut sets: Vec<Option<&Expr>> = vec![None; t.columns.len()];
        let mut rowid_set = None;
        for sc in set_list {
            if sc.columns.len() != 1 {
                return Err(Error::sql("row value assignments are not supported yet"));
            }
            if let Some(i) = t.column_index(&sc.columns[0]).filter(|&i| t.generated_col(i).is_some()) {
                return Err(Error::sql(format!("cannot UPDATE generated column \"{}\"", t.columns[i].name)));
            }
            match t.column_index(&sc.columns[0]) {
                Some(i) if t.rowid_alias == Some(i) => rowid_set = Some(&sc.expr),
                Some(i) => sets[i] = Some(&sc.expr),
                None => return Err(Error::sql(format!("no such column: {}", sc.columns[0]))),
            }
        }
        let source = Source { table: t.clone(), name: t.name.clone(), cursor: cur, hidden: Vec::new() };
        self.frames.push(Frame { sources: vec![source], map: Vec::new(), reg_rows: vec![("excluded".to_string(), t.clone(), base, rowid)], order: Vec::new(), rowid_order: None, index_order: None });
        let r = (|| -> Result<()> {
            let skip = match where_clause {
                Some(w) => {
                    let r = self.expr_reg(w)?;
                    Some(self.op(Op::IfNot, r as i32, 0, 1))
                }
                None => None,
            };
            let rold = self.reg();
            self.op(Op::Rowid, cur, rold as i32, 0);
            self.update_row(t, cur, ics, &sets, rowid_set, rold)?;
            self.emit_returning()?;
            if let Some(s) = skip {
                self.patch(s);
            }
            Ok(())
        })();
        self.frames.pop();
        r
    }

    fn insert_row(&mut self, t: &Rc<Table>, cur: i32, ics: &[i32], srcs: &[ValSrc<'_>], oc: OnConflict, up: Option<&Upsert>) -> Result<()> {
        if t.without_rowid {
            return self.insert_row_wr(t, cur, ics, srcs, oc, up);
        }
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
                let ai = self.autoinc.map_or(0, |a| a.max as i32);
                self.op(Op::NewRowid, cur, rowid as i32, ai);
                let done = self.op(Op::Goto, 0, 0, 0);
                self.patch(have);
                self.op(Op::MustBeInt, rowid as i32, 0, 0);
                self.patch(done);
                if let Some(a) = self.autoinc {
                    self.op(Op::MemMax, a.max as i32, rowid as i32, 0);
                }
                true
            }
            None => {
                self.op(Op::NewRowid, cur, rowid as i32, 0);
                false
            }
        };
        self.emit(Op::Affinity, base as i32, ncol as i32, 0, P4::Affinity(affinity_string(t)), 0);
        self.compute_generated(t, base, rowid)?;
        self.strict_check(t, base);
        let raise_mark = self.raise_ignore.len();
        self.fire_triggers(t, 0, true, Some((base, rowid)), None, None)?;
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
        if oc == OnConflict::Ignore {
            self.emit_checks(t, base, rowid, Some(&mut skips))?;
        } else {
            self.emit_checks(t, base, rowid, None)?;
        }
        if explicit_rowid {
            let ok = self.op(Op::SeekRowid, cur, 0, rowid as i32);
            let act = Self::upsert_for(up, t, &[t.rowid_alias.unwrap_or(0)]);
            if let Some(a) = act {
                self.upsert_update(t, cur, ics, a, base, rowid)?;
            }
            match if act.is_some() { OnConflict::Ignore } else { oc } {
                OnConflict::Ignore => skips.push(self.op(Op::Goto, 0, 0, 0)),
                OnConflict::Replace => self.delete_current_row(t, cur, ics, false)?,
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
            let pskip = self.partial_skip(t, idx, base, rowid)?;
            let k = self.index_key(t, idx, base, rowid)?;
            let ok = self.emit(Op::NoConflict, ic, 0, k as i32, P4::Int64(idx.columns.len() as i64), 0);
            let cols: Vec<usize> = idx.columns.iter().map(|c| c.column).collect();
            let act = Self::upsert_for(up, t, &cols);
            if let Some(a) = act {
                if let UpsertAction::Update { .. } = a {
                    let rr = self.reg();
                    self.op(Op::IdxRowid, ic, rr as i32, 0);
                    self.op(Op::SeekRowid, cur, 0, rr as i32);
                    self.upsert_update(t, cur, ics, a, base, rowid)?;
                }
            }
            match if act.is_some() { OnConflict::Ignore } else { oc } {
                OnConflict::Ignore => skips.push(self.op(Op::Goto, 0, 0, 0)),
                OnConflict::Replace => {
                    let rr = self.reg();
                    self.op(Op::IdxRowid, ic, rr as i32, 0);
                    let gone = self.op(Op::SeekRowid, cur, 0, rr as i32);
                    self.delete_current_row(t, cur, ics, false)?;
                    self.patch(gone);
                }
                OnConflict::Abort => {
                    let code = if idx.origin == IndexOrigin::PrimaryKey { codes::CONSTRAINT_PRIMARYKEY } else { codes::CONSTRAINT_UNIQUE };
                    self.emit(Op::Halt, code, 0, 0, P4::Text(unique_message(t, idx)), 0);
                }
            }
            self.patch(ok);
            if let Some(p) = pskip {
                self.patch(p);
            }
        }
        self.fk_check(t, None, Some((base, rowid)), None)?;
        let rec = self.reg();
        let (rb, rn) = self.record_regs(t, base);
        self.op(Op::MakeRecord, rb as i32, rn as i32, rec as i32);
        self.emit(Op::Insert, cur, rec as i32, rowid as i32, P4::None, self.count_flag(3));
        for (idx, &ic) in t.indexes.iter().zip(ics) {
            let pskip = self.partial_skip(t, idx, base, rowid)?;
            let k = self.index_key(t, idx, base, rowid)?;
            let r = self.reg();
            self.op(Op::MakeRecord, k as i32, (idx.columns.len() + 1) as i32, r as i32);
            self.op(Op::IdxInsert, ic, r as i32, 0);
            if let Some(p) = pskip {
                self.patch(p);
            }
        }
        self.emit_returning()?;
        self.fire_triggers(t, 0, false, Some((base, rowid)), None, None)?;
        let ignores: Vec<usize> = self.raise_ignore.drain(raise_mark..).collect();
        skips.extend(ignores);
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
    if super::instead_of::compile_insert(b, ins)? {
        return Ok(());
    }
    let t = writable_table(b, &ins.table)?;
    let oc = conflict_of(ins.or_conflict);
    if ins.upsert.len() > 1 {
        return Err(Error::sql("multiple ON CONFLICT clauses are not supported yet"));
    }
    let up = ins.upsert.first();
    if let Some(u) = up {
        if u.target.is_some() {
            let matches_rowid = t.rowid_alias.map_or(false, |a| Builder::upsert_for(up, &t, &[a]).is_some());
            let matches_index = t.indexes.iter().any(|i| i.unique && Builder::upsert_for(up, &t, &i.columns.iter().map(|c| c.column).collect::<Vec<_>>()).is_some());
            if !matches_rowid && !matches_index {
                return Err(Error::sql("ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint"));
            }
        }
    }
    // Target column for each supplied value.
    let targets: Vec<usize> = if ins.columns.is_empty() {
        (0..t.columns.len()).filter(|&i| t.generated_col(i).is_none()).collect()
    } else {
        let mut v = Vec::new();
        for c in &ins.columns {
            if let Some(i) = t.column_index(c).filter(|&i| t.generated_col(i).is_some()) {
                return Err(Error::sql(format!("cannot INSERT into generated column \"{}\"", t.columns[i].name)));
            }
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
                return Err(Error::sql(format!("table {} has {} columns but {n} values were supplied", t.name, targets.len())));
            }
            return Err(Error::sql(format!("{n} values for {} columns", targets.len())));
        }
        Ok(())
    };
    b.begin(true);
    b.counts_changes = true;
    let saved_autoinc = b.autoinc.take();
    b.autoinc = b.autoinc_begin(&t);
    match &ins.source {
        InsertSource::Values(rows) => {
            for r in rows {
                check_width(r.len())?;
            }
            let (cur, ics) = b.open_write(&t);
            b.setup_returning(&ins.returning, &t, &ins.alias, cur)?;
            b.frames.push(Frame::default());
            let saved_single = b.fk_single_row;
            b.fk_single_row = rows.len() == 1 && b.schema.triggers_for(&t.name, 0, true).is_empty() && b.schema.triggers_for(&t.name, 0, false).is_empty();
            for r in rows {
                let mut srcs: Vec<ValSrc<'_>> = t.columns.iter().map(|_| ValSrc::Default).collect();
                for (k, &ci) in targets.iter().enumerate() {
                    srcs[ci] = ValSrc::Expr(&r[k]);
                }
                b.insert_row(&t, cur, &ics, &srcs, oc, up)?;
            }
            b.fk_single_row = saved_single;
            b.frames.pop();
        }
        InsertSource::DefaultValues => {
            let (cur, ics) = b.open_write(&t);
            b.setup_returning(&ins.returning, &t, &ins.alias, cur)?;
            let srcs: Vec<ValSrc<'_>> = t.columns.iter().map(|_| ValSrc::Default).collect();
            b.insert_row(&t, cur, &ics, &srcs, oc, up)?;
        }
        InsertSource::Select(sel) => {
            let tmp = b.cursor();
            b.op(Op::SorterOpen, tmp, 0, 0);
            let mut d = Dest::Sorter { cursor: tmp };
            let metas = b.select(sel, &mut d)?;
            check_width(metas.len())?;
            let (cur, ics) = b.open_write(&t);
            b.setup_returning(&ins.returning, &t, &ins.alias, cur)?;
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
            b.insert_row(&t, cur, &ics, &srcs, oc, up)?;
            b.op(Op::Next, tmp, top, 0);
            b.patch(empty);
        }
    }
    if let Some(a) = b.autoinc {
        b.autoinc_end(a);
    }
    b.autoinc = saved_autoinc;
    b.finish_returning();
    Ok(())
}

/// Pass 1 of UPDATE/DELETE: rowids of matching rows into a sorter.
fn collect_rowids(b: &mut Builder<'_>, t: &Rc<Table>, alias: &Option<String>, where_: Option<&Expr>) -> Result<i32> {
    let rows = b.cursor();
    b.op(Op::SorterOpen, rows, 0, 0);
    let rc = b.cursor();
    let name = alias.clone().unwrap_or_else(|| t.name.clone());
    b.frames.push(Frame { sources: vec![Source { table: t.clone(), name, cursor: rc, hidden: Vec::new() }], map: Vec::new(), reg_rows: Vec::new(), order: Vec::new(), rowid_order: None, index_order: None });
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
    if d.with.is_some() || !d.order_by.is_empty() || d.limit.is_some() {
        return Err(Error::sql("DELETE with WITH/ORDER BY/LIMIT is not supported yet"));
    }
    if super::instead_of::compile_delete(b, d)? {
        return Ok(());
    }
    let t = writable_table(b, &d.table)?;
    if t.without_rowid {
        return super::without_rowid::compile_delete(b, d, &t);
    }
    b.begin(true);
    b.counts_changes = true;
    let rows = collect_rowids(b, &t, &d.alias, d.where_clause.as_ref())?;
    let (cur, ics) = b.open_write(&t);
    b.setup_returning(&d.returning, &t, &d.alias, cur)?;
    let empty = b.op(Op::Rewind, rows, 0, 0);
    let top = b.here();
    let rr = b.reg();
    b.op(Op::Column, rows, 0, rr as i32);
    let gone = b.op(Op::SeekRowid, cur, 0, rr as i32);
    let raise_mark = b.raise_ignore.len();
    let has_trig = !b.schema.triggers_for(&t.name, 2, true).is_empty() || !b.schema.triggers_for(&t.name, 2, false).is_empty();
    let old = b.regs(t.columns.len());
    let mut reseek = None;
    if has_trig {
        for i in 0..t.columns.len() {
            if t.rowid_alias != Some(i) {
                b.emit_column(cur, &t, i, old + i);
            }
        }
        b.fire_triggers(&t, 2, true, None, Some((old, rr)), None)?;
        reseek = Some(b.op(Op::SeekRowid, cur, 0, rr as i32));
    }
    b.emit_returning()?;
    b.delete_current_row(&t, cur, &ics, true)?;
    if has_trig {
        b.fire_triggers(&t, 2, false, None, Some((old, rr)), None)?;
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

pub fn compile_update(b: &mut Builder<'_>, u: &Update) -> Result<()> {
    if u.with.is_some() || !u.order_by.is_empty() || u.limit.is_some() {
        return Err(Error::sql("UPDATE with WITH/ORDER BY/LIMIT is not supported yet"));
    }
    if matches!(u.or_conflict, Some(ConflictResolution::Ignore | ConflictResolution::Replace)) {
        return Err(Error::sql("UPDATE OR IGNORE/REPLACE is not supported yet"));
    }
    if super::instead_of::compile_update(b, u)? {
        return Ok(());
    }
    let t = writable_table(b, &u.table)?;
    if t.without_rowid {
        return super::without_rowid::compile_update(b, u, &t);
    }
    let mut sets: Vec<Option<&Expr>> = vec![None; t.columns.len()];
    let mut rowid_set: Option<&Expr> = None;
    for s in &u.sets {
        if s.columns.len() != 1 {
            return Err(Error::sql("row value assignments are not supported yet"));
        }
        let c = &s.columns[0];
        if let Some(i) = t.column_index(c).filter(|&i| t.generated_col(i).is_some()) {
            return Err(Error::sql(format!("cannot UPDATE generated column \"{}\"", t.columns[i].name)));
        }
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
    if let Some(from) = &u.from {
        return update_from::compile_update_from(b, u, &t, &sets, rowid_set, from);
    }
    b.begin(true);
    b.counts_changes = true;
    let rows = collect_rowids(b, &t, &u.alias, u.where_clause.as_ref())?;
    let (cur, ics) = b.open_write(&t);
    b.setup_returning(&u.returning, &t, &u.alias, cur)?;
    let name = u.alias.clone().unwrap_or_else(|| t.name.clone());
    b.frames.push(Frame { sources: vec![Source { table: t.clone(), name, cursor: cur, hidden: Vec::new() }], map: Vec::new(), reg_rows: Vec::new(), order: Vec::new(), rowid_order: None, index_order: None });
    let res = (|| -> Result<()> {
        let empty = b.op(Op::Rewind, rows, 0, 0);
        let top = b.here();
        let rold = b.reg();
        b.op(Op::Column, rows, 0, rold as i32);
        let gone = b.op(Op::SeekRowid, cur, 0, rold as i32);
        let raise_mark = b.raise_ignore.len();
        b.update_row(&t, cur, &ics, &sets, rowid_set, rold)?;
        b.emit_returning()?;
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

