//! Compound SELECTs (UNION [ALL], INTERSECT, EXCEPT through lists and sorted
//! sets) and recursive common table expressions (a row queue).

use super::resolve::Source;
use super::select::{ordinal, Dest, OrderKey, OutCol, RowCtx};
use super::Builder;
use crate::error::{Error, Result};
use crate::schema::{Column, Table};
use crate::storage::record::{Collation, KeyInfo};
use crate::value::affinity::Affinity;
use crate::vdbe::{ColumnMeta, Op, P4};
use ferrolite_parser::ast::{CompoundOp, Expr, FromItem, Literal, Select, SelectCore, SortOrder};
use std::rc::Rc;

impl<'s> Builder<'s> {
    /// UNION ALL / UNION of cores (all of one kind), optional ORDER BY/LIMIT.
    pub(super) fn compound(&mut self, s: &Select, dest: &mut Dest) -> Result<Vec<ColumnMeta>> {
        let ops: Vec<CompoundOp> = s.body.compounds.iter().map(|(o, _)| *o).collect();
        let cores: Vec<&SelectCore> = std::iter::once(&s.body.first).chain(s.body.compounds.iter().map(|(_, c)| c)).collect();
        let single = |core: &SelectCore| Select {
            with: None,
            body: ferrolite_parser::ast::SelectBody { first: core.clone(), compounds: Vec::new() },
            order_by: Vec::new(),
            limit: None,
        };
        // The running result: a list (UNION ALL) or a sorted set.
        let mut collect = self.cursor();
        let mut is_set = ops[0] != CompoundOp::UnionAll;
        let open = self.op(Op::Noop, 0, 0, 0);
        let metas = {
            let mut d = Dest::Sorter { cursor: collect };
            self.select(&single(cores[0]), &mut d)?
        };
        let n = metas.len();
        let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary; n], desc: vec![false; n] });
        self.insns[open] = crate::vdbe::Insn {
            op: if is_set { Op::OpenEphemeral } else { Op::SorterOpen },
            p1: collect,
            p2: if is_set { n as i32 } else { 0 },
            p3: 0,
            p4: P4::KeyInfo(ki.clone()),
            p5: 0,
        };
        let new_cursor = |b: &mut Self, set: bool| -> i32 {
            let c = b.cursor();
            if set {
                b.emit(Op::OpenEphemeral, c, n as i32, 0, P4::KeyInfo(ki.clone()), 0);
            } else {
                b.emit(Op::SorterOpen, c, 0, 0, P4::KeyInfo(ki.clone()), 0);
            }
            c
        };
        // Copies rows of `from` into `to`; with `probe`, only rows that are
        // (keep = true) or are not (keep = false) in `probe`.
        let copy_rows = |b: &mut Self, from: i32, to: i32, probe: Option<(i32, bool)>| {
            let empty = b.op(Op::Rewind, from, 0, 0);
            let top = b.here();
            let base = b.regs(n);
            for k in 0..n {
                b.op(Op::Column, from, k as i32, (base + k) as i32);
            }
            let skip = probe.map(|(p, keep)| b.emit(if keep { Op::NotFound } else { Op::Found }, p, 0, base as i32, P4::Int64(n as i64), 0));
            b.op(Op::SorterInsert, to, base as i32, n as i32);
            if let Some(j) = skip {
                b.patch(j);
            }
            b.op(Op::Next, from, top, 0);
            b.patch(empty);
        };
        for (i, op) in ops.iter().enumerate() {
            let name = match op {
                CompoundOp::Union => "UNION",
                CompoundOp::UnionAll => "UNION ALL",
                CompoundOp::Intersect => "INTERSECT",
                CompoundOp::Except => "EXCEPT",
            };
            let want_set = *op != CompoundOp::UnionAll;
            if want_set != is_set {
                let c = new_cursor(self, want_set);
                copy_rows(self, collect, c, None);
                collect = c;
                is_set = want_set;
            }
            let target = match op {
                CompoundOp::Union | CompoundOp::UnionAll => collect,
                _ => new_cursor(self, true),
            };
            let m = {
                let mut d = Dest::Sorter { cursor: target };
                self.select(&single(cores[i + 1]), &mut d)?
            };
            if m.len() != n {
                return Err(Error::sql(format!("SELECTs to the left and right of {name} do not have the same number of result columns")));
            }
            if matches!(op, CompoundOp::Intersect | CompoundOp::Except) {
                let out = new_cursor(self, true);
                copy_rows(self, collect, out, Some((target, *op == CompoundOp::Intersect)));
                collect = out;
            }
        }
        let outs: Vec<OutCol> = metas.iter().map(|m| OutCol { expr: Expr::Literal(Literal::Null), name: m.name.clone(), decltype: None }).collect();
        let mut rc = RowCtx { distinct: None, order: None, offset: None, limit: None, end_jumps: Vec::new() };
        self.limit_regs(s, &mut rc)?;
        if !s.order_by.is_empty() {
            let mut keys = Vec::new();
            let mut ki = KeyInfo { collations: Vec::new(), desc: Vec::new() };
            for (k, t) in s.order_by.iter().enumerate() {
                let (inner, coll) = match &t.expr {
                    Expr::Collate { expr, collation } => (expr.as_ref(), crate::schema::build::collation_by_name(collation)?),
                    e => (e, Collation::Binary),
                };
                let col = match inner {
                    Expr::Literal(Literal::Integer(i)) if *i >= 1 && (*i as usize) <= n => *i as usize - 1,
                    Expr::Column { column, .. } => match outs.iter().position(|o| o.name.eq_ignore_ascii_case(column)) {
                        Some(p) => p,
                        None => return Err(Error::sql(format!("{} ORDER BY term does not match any column in the result set", ordinal(k + 1)))),
                    },
                    _ => return Err(Error::sql(format!("{} ORDER BY term does not match any column in the result set", ordinal(k + 1)))),
                };
                keys.push(OrderKey::Col(col));
                ki.collations.push(coll);
                ki.desc.push(t.order == Some(SortOrder::Desc));
            }
            let c = self.cursor();
            self.emit(Op::SorterOpen, c, keys.len() as i32, 0, P4::KeyInfo(Rc::new(ki)), 0);
            rc.order = Some((c, keys));
        }
        // Read the collector back.
        let empty = self.op(Op::Rewind, collect, 0, 0);
        let top = self.here();
        let base = self.regs(n);
        for k in 0..n {
            self.op(Op::Column, collect, k as i32, (base + k) as i32);
        }
        self.route_row(base, n, None, dest, &mut rc)?;
        self.op(Op::Next, collect, top, 0);
        self.patch(empty);
        self.drain_sorter(dest, n, &mut rc, None)?;
        let ends = std::mem::take(&mut rc.end_jumps);
        self.patch_all(&ends);
        Ok(metas)
    }

    /// WITH RECURSIVE name AS (initial UNION [ALL] recursive): a queue of
    /// rows; each row in turn is the one-row table `name` for the recursive
    /// part, whose rows are appended to the queue. The queue is the result.
    pub(super) fn materialize_recursive(&mut self, cte: &ferrolite_parser::ast::Cte, name: String) -> Result<Source> {
        let sel = &cte.select;
        if sel.body.compounds.len() != 1 || !sel.order_by.is_empty() {
            return Err(Error::sql("this form of recursive common table expression is not supported yet"));
        }
        let (op, rec_core) = &sel.body.compounds[0];
        let union = match op {
            CompoundOp::Union => true,
            CompoundOp::UnionAll => false,
            _ => return Err(Error::sql(format!("recursive common table expression {} must use UNION or UNION ALL", cte.name))),
        };
        let single = |core: &SelectCore| Select {
            with: None,
            body: ferrolite_parser::ast::SelectBody { first: core.clone(), compounds: Vec::new() },
            order_by: Vec::new(),
            limit: None,
        };
        let saved_frames = std::mem::take(&mut self.frames);
        let r = (|| -> Result<Source> {
            let list = self.cursor();
            self.op(Op::SorterOpen, list, 0, 0);
            let set = if union { Some(self.cursor()) } else { None };
            let set_open = self.op(Op::Noop, 0, 0, 0);
            let limit = match &sel.limit {
                Some(l) => {
                    let r = self.expr_reg(&l.limit)?;
                    self.op(Op::MustBeInt, r as i32, 0, 0);
                    Some(r)
                }
                None => None,
            };
            let mut exits = Vec::new();
            if let Some(l) = limit {
                exits.push(self.op(Op::IfNot, l as i32, 0, 0));
            }
            let mut d = Dest::Queue { list, set, limit, exits: Vec::new() };
            let metas = self.select(&single(&sel.body.first), &mut d)?;
            let n = metas.len();
            if let Some(st) = set {
                let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary; n], desc: vec![false; n] });
                self.insns[set_open] = crate::vdbe::Insn { op: Op::OpenEphemeral, p1: st, p2: n as i32, p3: 0, p4: P4::KeyInfo(ki), p5: 0 };
            }
            if !cte.columns.is_empty() && cte.columns.len() != n {
                return Err(Error::sql(format!("table {} has {} values for {} columns", cte.name, n, cte.columns.len())));
            }
            let cols: Vec<Column> = metas
                .iter()
                .enumerate()
                .map(|(k, m)| Column {
                    name: cte.columns.get(k).cloned().unwrap_or_else(|| m.name.clone()),
                    decltype: None,
                    affinity: Affinity::Blob,
                    notnull: false,
                    default: None,
                    collation: Collation::Binary,
                    pk: 0,
                })
                .collect();
            let table = Rc::new(Table { name: cte.name.clone(), root: 0, columns: cols, rowid_alias: None, sql: String::new(), without_rowid: true, indexes: Vec::new(), checks: Vec::new(), ..Default::default() });
            let current = self.cursor();
            let done = self.op(Op::Rewind, list, 0, 0);
            let top = self.here();
            let regs = self.regs(n);
            for k in 0..n {
                self.op(Op::Column, list, k as i32, (regs + k) as i32);
            }
            self.op(Op::SorterOpen, current, 0, 0);
            self.op(Op::SorterInsert, current, regs as i32, n as i32);
            self.cte_bindings.push((cte.name.clone(), Source { name: cte.name.clone(), table: table.clone(), cursor: current, hidden: Vec::new() }));
            let mut d2 = Dest::Queue { list, set, limit, exits: Vec::new() };
            let rr = self.select(&single(rec_core), &mut d2);
            self.cte_bindings.pop();
            let m2 = rr?;
            if m2.len() != n {
                return Err(Error::sql(format!("SELECTs to the left and right of UNION do not have the same number of result columns")));
            }
            self.op(Op::Next, list, top, 0);
            self.patch(done);
            if let Dest::Queue { exits: e1, .. } = d {
                exits.extend(e1);
            }
            if let Dest::Queue { exits: e2, .. } = d2 {
                exits.extend(e2);
            }
            self.patch_all(&exits);
            Ok(Source { name: name.clone(), table, cursor: list, hidden: Vec::new() })
        })();
        self.frames = saved_frames;
        r
    }
}

/// Does a SELECT core name `table` in its FROM clause (recursive CTEs)?
pub(super) fn core_mentions(core: &SelectCore, table: &str) -> bool {
    fn from_mentions(f: &FromItem, table: &str) -> bool {
        match f {
            FromItem::Table { name, .. } => name.schema.is_none() && name.name.eq_ignore_ascii_case(table),
            FromItem::Parenthesized { inner, .. } => from_mentions(inner, table),
            FromItem::Join { left, right, .. } => from_mentions(left, table) || from_mentions(right, table),
            _ => false,
        }
    }
    match core {
        SelectCore::Select(c) => c.from.as_ref().map_or(false, |f| from_mentions(f, table)),
        SelectCore::Values(_) => false,
    }
}
