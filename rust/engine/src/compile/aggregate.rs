//! Aggregate queries (with and without GROUP BY: a sorter and group-change
//! detection, bare columns as SQLite picks them) and window-function queries
//! (rows sorted by PARTITION BY + ORDER BY, then WindowCompute).

use super::expr::collect_aggs;
use super::loops::JoinInfo;
use super::select::{Dest, OrderKey, RowCtx};
use super::Builder;
use crate::error::{Error, Result};
use crate::func::{self, FuncKind};
use crate::storage::record::{Collation, KeyInfo};
use crate::func::aggregate::KeyOrder;
use crate::vdbe::program::AggOrder;
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{Expr, FunctionArgs, SelectClause};
use std::rc::Rc;

impl<'s> Builder<'s> {
    /// One aggregate step over r[base..]: [filter], arguments, [ORDER BY
    /// keys]. With `minmax`, r[acc+1] says whether the row became the extreme.
    #[allow(clippy::too_many_arguments)]
    fn agg_step(&mut self, f: &'static func::FuncDef, filter: bool, nargs: usize, ord: Option<&Rc<AggOrder>>, distinct: bool, minmax: bool, base: usize, acc: usize) {
        if minmax {
            self.op(Op::Integer, 0, (acc + 1) as i32, 0);
        }
        let skip = filter.then(|| self.op(Op::IfNot, base as i32, 0, 1));
        let at = base + filter as usize;
        match ord {
            Some(o) => {
                self.emit(Op::AggStepOrd, (nargs + o.keys.len()) as i32, at as i32, acc as i32, P4::AggOrder(o.clone()), 0);
            }
            None => {
                let p5 = distinct as u16 | if minmax { 2 } else { 0 };
                self.emit(Op::AggStep, nargs as i32, at as i32, acc as i32, P4::Func(f), p5);
            }
        }
        if let Some(s) = skip {
            self.patch(s);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn aggregate(
        &mut self,
        core: &SelectClause,
        outs: &[Expr],
        groups: &[Expr],
        aggs: &[Expr],
        joins: &[JoinInfo],
        dest: &mut Dest,
        rc: &mut RowCtx,
    ) -> Result<()> {
        // Aggregate calls: function, args, distinct, accumulator.
        struct Agg {
            call: Expr,
            f: &'static func::FuncDef,
            args: Vec<Expr>,
            distinct: bool,
            acc: usize,
            filter: Option<Expr>,
            /// ORDER BY inside the call: key expressions and the P4 of AggStepOrd.
            order: Vec<Expr>,
            ord_p4: Option<Rc<AggOrder>>,
        }
        impl Agg {
            /// Values stored per row: filter, arguments, ORDER BY keys.
            fn width(&self) -> usize {
                self.filter.is_some() as usize + self.args.len() + self.order.len()
            }
            fn exprs(&self) -> impl Iterator<Item = &Expr> {
                self.filter.iter().chain(self.args.iter()).chain(self.order.iter())
            }
        }
        let mut list = Vec::new();
        for a in aggs {
            let Expr::Function(fc) = a else { continue };
            let mut args: Vec<Expr> = match &fc.args {
                FunctionArgs::Star => Vec::new(),
                FunctionArgs::List(l) => l.clone(),
            };
            let f = func::lookup(&fc.name, args.len(), true)
                .map_err(|_| Error::sql(format!("wrong number of arguments to function {}()", fc.name)))?;
            let f = func::json::agg::with_subtype(f, &mut args);
            if !matches!(f.kind, FuncKind::Aggregate(_)) {
                continue;
            }
            if fc.distinct && args.len() != 1 {
                return Err(Error::sql(format!("DISTINCT aggregates must have exactly one argument")));
            }
            let order: Vec<Expr> = fc.order_by.iter().map(|t| t.expr.clone()).collect();
            for x in args.iter().chain(fc.filter.as_deref()).chain(order.iter()) {
                let mut inner = Vec::new();
                collect_aggs(x, &mut inner);
                if let Some(Expr::Function(g)) = inner.first() {
                    return Err(Error::sql(format!("misuse of aggregate function {}()", g.name)));
                }
                let mut wins = Vec::new();
                collect_windows(x, &mut wins);
                if let Some(Expr::Function(g)) = wins.first() {
                    return Err(Error::sql(format!("misuse of window function {}()", g.name)));
                }
            }
            let ord_p4 = if order.is_empty() {
                None
            } else {
                let mut keys = Vec::new();
                for t in &fc.order_by {
                    let desc = t.order == Some(ferrolite_parser::ast::SortOrder::Desc);
                    keys.push(KeyOrder {
                        coll: self.expr_collation(&t.expr)?.map(|c| c.0).unwrap_or(Collation::Binary),
                        desc,
                        nulls_first: match t.nulls {
                            None => !desc,
                            Some(ferrolite_parser::ast::NullsOrder::First) => true,
                            Some(ferrolite_parser::ast::NullsOrder::Last) => false,
                        },
                    });
                }
                Some(Rc::new(AggOrder { func: f, nargs: args.len(), keys, distinct: fc.distinct }))
            };
            let acc = self.regs(2);
            list.push(Agg { call: a.clone(), f, args, distinct: fc.distinct, acc, filter: fc.filter.as_deref().cloned(), order, ord_p4 });
        }
        // SQLite: with exactly one min()/max(), bare columns come from the
        // row holding the extreme; otherwise from the group's first row.
        let minmax: Vec<usize> = list
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a.f.kind, FuncKind::Aggregate(crate::func::aggregate::AggKind::Min | crate::func::aggregate::AggKind::Max)))
            .map(|(i, _)| i)
            .collect();
        let minmax = if minmax.len() == 1 { Some(minmax[0]) } else { None };
        // Bare column references outside aggregate calls.
        let mut bare: Vec<Expr> = Vec::new();
        pub(super) fn collect_bare(e: &Expr, out: &mut Vec<Expr>) {
            if super::stack_exceeded() || super::expr::is_agg_call(e) {
                return;
            }
            if let Expr::Column { .. } = e {
                if !out.contains(e) {
                    out.push(e.clone());
                }
                return;
            }
            super::expr::children(e, &mut |c| collect_bare(c, out));
        }
        for e in outs.iter().chain(core.having.iter()) {
            collect_bare(e, &mut bare);
        }
        if let Some((_, keys)) = &rc.order {
            for k in keys {
                if let OrderKey::Expr(e) = k {
                    collect_bare(e, &mut bare);
                }
            }
        }
        // Only keep bare refs that resolve to a column of this query.
        let top = self.frames.len() - 1;
        bare.retain(|e| match e {
            Expr::Column { table, column, .. } => {
                matches!(self.resolve_column(table.as_deref(), column), Ok(Some(r)) if r.source().0 == top && r.source().1 != usize::MAX)
            }
            _ => false,
        });
        let bare_regs = self.regs(bare.len());
        let ng = groups.len();
        let nargs: usize = list.iter().map(|a| a.width()).sum();
        if ng == 0 {
            let list_ref = &list;
            let bare_ref = &bare;
            let rdone = self.reg();
            self.op(Op::Integer, 0, rdone as i32, 0);
            let mut body = |b: &mut Builder<'_>| -> Result<()> {
                for (ai, a) in list_ref.iter().enumerate() {
                    let base = b.regs(a.width());
                    for (k, x) in a.exprs().enumerate() {
                        b.expr(x, base + k)?;
                    }
                    b.agg_step(a.f, a.filter.is_some(), a.args.len(), a.ord_p4.as_ref(), a.distinct, Some(ai) == minmax, base, a.acc);
                }
                if bare_ref.is_empty() {
                    return Ok(());
                }
                // Bare columns: the first row, then (one min/max) every row
                // that became the extreme.
                let hit = minmax.map(|i| b.op(Op::If, (list_ref[i].acc + 1) as i32, 0, 0));
                let skip = b.op(Op::If, rdone as i32, 0, 0);
                if let Some(h) = hit {
                    b.patch(h);
                }
                for (k, e) in bare_ref.iter().enumerate() {
                    b.expr(e, bare_regs + k)?;
                }
                b.op(Op::Integer, 1, rdone as i32, 0);
                b.patch(skip);
                Ok(())
            };
            self.gen_loops(joins, core.where_clause.as_ref(), &mut body)?;
            for a in &list {
                self.emit(Op::AggFinal, a.acc as i32, 0, 0, P4::Func(a.f), 0);
            }
            let saved = self.push_map(list.iter().map(|a| (a.call.clone(), a.acc)).chain(bare.iter().cloned().zip(bare_regs..)));
            let r = self.having_and_emit(core, outs, dest, rc);
            self.frames.last_mut().expect("frame").map.truncate(saved);
            return r;
        }
        // GROUP BY: pass 1 fills a sorter with [keys, args, bare].
        let total = ng + nargs + bare.len();
        let sorter = self.cursor();
        let mut gki = KeyInfo { collations: Vec::new(), desc: Vec::new() };
        for g in groups {
            gki.collations.push(self.expr_collation(g)?.map(|c| c.0).unwrap_or(Collation::Binary));
            gki.desc.push(false);
        }
        let gki = Rc::new(gki);
        self.emit(Op::SorterOpen, sorter, ng as i32, 0, P4::KeyInfo(gki.clone()), 0);
        {
            let list_ref = &list;
            let bare_ref = &bare;
            let mut body = |b: &mut Builder<'_>| -> Result<()> {
                let blk = b.regs(total);
                for (k, g) in groups.iter().enumerate() {
                    b.expr(g, blk + k)?;
                }
                let mut k = ng;
                for a in list_ref {
                    for x in a.exprs() {
                        b.expr(x, blk + k)?;
                        k += 1;
                    }
                }
                for e in bare_ref {
                    b.expr(e, blk + k)?;
                    k += 1;
                }
                b.op(Op::SorterInsert, sorter, blk as i32, total as i32);
                Ok(())
            };
            self.gen_loops(joins, core.where_clause.as_ref(), &mut body)?;
        }
        // Pass 2: walk the sorted rows, detect group changes.
        let prev = self.regs(ng);
        let cur = self.regs(total);
        let rfirst = self.reg();
        let rret = self.reg();
        self.op(Op::Integer, 0, rfirst as i32, 0);
        let empty = self.op(Op::SorterSort, sorter, 0, 0);
        let top = self.here();
        for k in 0..total {
            self.op(Op::Column, sorter, k as i32, (cur + k) as i32);
        }
        let first_row = self.op(Op::IfNot, rfirst as i32, 0, 0);
        self.emit(Op::Compare, prev as i32, cur as i32, ng as i32, P4::KeyInfo(gki), 0);
        let jump = self.op(Op::Jump, 0, 0, 0);
        let out_addr = self.here();
        let gosub1 = self.op(Op::Gosub, rret as i32, 0, 0);
        self.patch(first_row);
        self.op(Op::Copy, cur as i32, prev as i32, ng as i32);
        self.op(Op::Integer, 1, rfirst as i32, 0);
        let bare_at = ng + nargs;
        if !bare.is_empty() {
            self.op(Op::Copy, (cur + bare_at) as i32, bare_regs as i32, bare.len() as i32);
        }
        let step_addr = self.here();
        self.insns[jump].p1 = out_addr;
        self.insns[jump].p2 = step_addr;
        self.insns[jump].p3 = out_addr;
        let mut k = ng;
        for (ai, a) in list.iter().enumerate() {
            self.agg_step(a.f, a.filter.is_some(), a.args.len(), a.ord_p4.as_ref(), a.distinct, Some(ai) == minmax, cur + k, a.acc);
            k += a.width();
        }
        if let (false, Some(i)) = (bare.is_empty(), minmax) {
            let skip = self.op(Op::IfNot, (list[i].acc + 1) as i32, 0, 1);
            self.op(Op::Copy, (cur + bare_at) as i32, bare_regs as i32, bare.len() as i32);
            self.patch(skip);
        }
        self.op(Op::SorterNext, sorter, top, 0);
        self.patch(empty);
        let no_rows = self.op(Op::IfNot, rfirst as i32, 0, 0);
        let gosub2 = self.op(Op::Gosub, rret as i32, 0, 0);
        let to_end = self.op(Op::Goto, 0, 0, 0);
        // The output subroutine.
        self.patch(gosub1);
        self.patch(gosub2);
        for a in &list {
            self.emit(Op::AggFinal, a.acc as i32, 0, 0, P4::Func(a.f), 0);
        }
        let entries: Vec<(Expr, usize)> = groups
            .iter()
            .cloned()
            .zip(prev..)
            .chain(list.iter().map(|a| (a.call.clone(), a.acc)))
            .chain(bare.iter().cloned().zip(bare_regs..))
            .collect();
        let saved = self.push_map(entries.into_iter());
        let r = self.having_and_emit(core, outs, dest, rc);
        self.frames.last_mut().expect("frame").map.truncate(saved);
        r?;
        self.op(Op::Return, rret as i32, 0, 0);
        self.patch(to_end);
        self.patch(no_rows);
        Ok(())
    }
}

/// Collects window function calls (with OVER) in `e`, in order, deduplicated.
pub(super) fn collect_windows(e: &Expr, out: &mut Vec<Expr>) {
    if super::stack_exceeded() {
        return;
    }
    if let Expr::Function(fc) = e {
        if fc.over.is_some() {
            if !out.contains(e) {
                out.push(e.clone());
            }
            return;
        }
    }
    super::expr::children(e, &mut |c| collect_windows(c, out));
}
