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
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{Expr, FunctionArgs, SelectClause, SortOrder};
use std::rc::Rc;

impl<'s> Builder<'s> {
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
        }
        let mut list = Vec::new();
        for a in aggs {
            let Expr::Function(fc) = a else { continue };
            let args: Vec<Expr> = match &fc.args {
                FunctionArgs::Star => Vec::new(),
                FunctionArgs::List(l) => l.clone(),
            };
            if fc.filter.is_some() || !fc.order_by.is_empty() {
                return Err(Error::sql("aggregate FILTER/ORDER BY is not supported yet"));
            }
            let f = func::lookup(&fc.name, args.len(), true)
                .map_err(|_| Error::sql(format!("wrong number of arguments to function {}()", fc.name)))?;
            if !matches!(f.kind, FuncKind::Aggregate(_)) {
                continue;
            }
            if fc.distinct && args.len() != 1 {
                return Err(Error::sql(format!("DISTINCT aggregates must have exactly one argument")));
            }
            for x in &args {
                let mut inner = Vec::new();
                collect_aggs(x, &mut inner);
                if !inner.is_empty() {
                    return Err(Error::sql(format!("misuse of aggregate function {}()", fc.name)));
                }
            }
            let acc = self.regs(2);
            list.push(Agg { call: a.clone(), f, args, distinct: fc.distinct, acc });
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
        let nargs: usize = list.iter().map(|a| a.args.len()).sum();
        if ng == 0 {
            let list_ref = &list;
            let bare_ref = &bare;
            let rdone = self.reg();
            self.op(Op::Integer, 0, rdone as i32, 0);
            let mut body = |b: &mut Builder<'_>| -> Result<()> {
                for (ai, a) in list_ref.iter().enumerate() {
                    let base = b.regs(a.args.len());
                    for (k, x) in a.args.iter().enumerate() {
                        b.expr(x, base + k)?;
                    }
                    let p5 = a.distinct as u16 | if Some(ai) == minmax { 2 } else { 0 };
                    b.emit(Op::AggStep, a.args.len() as i32, base as i32, a.acc as i32, P4::Func(a.f), p5);
                }
                if bare_ref.is_empty() {
                    return Ok(());
                }
                let skip = match minmax {
                    Some(i) => b.op(Op::IfNot, (list_ref[i].acc + 1) as i32, 0, 1),
                    None => b.op(Op::If, rdone as i32, 0, 0),
                };
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
                    for x in &a.args {
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
        if !bare.is_empty() && minmax.is_none() {
            self.op(Op::Copy, (cur + bare_at) as i32, bare_regs as i32, bare.len() as i32);
        }
        let step_addr = self.here();
        self.insns[jump].p1 = out_addr;
        self.insns[jump].p2 = step_addr;
        self.insns[jump].p3 = out_addr;
        let mut k = ng;
        for (ai, a) in list.iter().enumerate() {
            let p5 = a.distinct as u16 | if Some(ai) == minmax { 2 } else { 0 };
            self.emit(Op::AggStep, a.args.len() as i32, (cur + k) as i32, a.acc as i32, P4::Func(a.f), p5);
            k += a.args.len();
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

    /// SELECT with window functions: rows go to a sorter ordered by the
    /// window's PARTITION BY + ORDER BY, WindowCompute appends each
    /// function's value, then the rows are emitted in that order.
    pub(super) fn window_query(&mut self, core: &SelectClause, outs: &[Expr], wins: &[Expr], joins: &[JoinInfo], dest: &mut Dest, rc: &mut RowCtx) -> Result<()> {
        use crate::func::aggregate::AggKind;
        use crate::vdbe::window::WinFunc;
        use ferrolite_parser::ast::Over;
        // The one window all calls use.
        let mut spec: Option<ferrolite_parser::ast::WindowSpec> = None;
        for w in wins {
            let Expr::Function(fc) = w else { continue };
            let sp = match &fc.over {
                Some(Over::Spec(sp)) => sp.clone(),
                Some(Over::Window(name)) => core
                    .windows
                    .iter()
                    .find(|d| d.name.eq_ignore_ascii_case(name))
                    .map(|d| d.spec.clone())
                    .ok_or_else(|| Error::sql(format!("no such window: {name}")))?,
                None => continue,
            };
            if sp.base.is_some() || sp.frame.is_some() {
                return Err(Error::sql("window frames and window chaining are not supported yet"));
            }
            match &spec {
                None => spec = Some(sp),
                Some(prev) if prev.partition_by == sp.partition_by && prev.order_by == sp.order_by => {}
                Some(_) => return Err(Error::sql("window functions over different windows are not supported yet")),
            }
        }
        let spec = spec.ok_or_else(|| Error::sql("misuse of window function"))?;
        let np = spec.partition_by.len();
        let no = spec.order_by.len();
        let mut inputs: Vec<Expr> = Vec::new();
        let mut funcs = Vec::new();
        let base_in = np + no;
        let input = |e: &Expr, inputs: &mut Vec<Expr>| -> usize {
            inputs.push(e.clone());
            base_in + inputs.len() - 1
        };
        for w in wins {
            let Expr::Function(fc) = w else { continue };
            if fc.filter.is_some() || fc.distinct {
                return Err(Error::sql("FILTER and DISTINCT in window functions are not supported yet"));
            }
            let args: Vec<Expr> = match &fc.args {
                FunctionArgs::Star => Vec::new(),
                FunctionArgs::List(l) => l.clone(),
            };
            let lname = fc.name.to_ascii_lowercase();
            let wrong = || Error::sql(format!("wrong number of arguments to function {}()", fc.name));
            let f = match lname.as_str() {
                "row_number" | "rank" | "dense_rank" | "percent_rank" | "cume_dist" => {
                    if !args.is_empty() {
                        return Err(wrong());
                    }
                    match lname.as_str() {
                        "row_number" => WinFunc::RowNumber,
                        "rank" => WinFunc::Rank,
                        "dense_rank" => WinFunc::DenseRank,
                        "percent_rank" => WinFunc::PercentRank,
                        _ => WinFunc::CumeDist,
                    }
                }
                "lag" | "lead" => {
                    if args.is_empty() || args.len() > 3 {
                        return Err(wrong());
                    }
                    let arg = input(&args[0], &mut inputs);
                    let offset = args.get(1).map(|e| input(e, &mut inputs));
                    let default = args.get(2).map(|e| input(e, &mut inputs));
                    WinFunc::Shift { back: lname == "lag", arg, offset, default }
                }
                "first_value" | "last_value" => {
                    if args.len() != 1 {
                        return Err(wrong());
                    }
                    let c = input(&args[0], &mut inputs);
                    if lname == "first_value" {
                        WinFunc::FirstValue(c)
                    } else {
                        WinFunc::LastValue(c)
                    }
                }
                _ => {
                    let def = match func::lookup(&fc.name, args.len(), true) {
                        Ok(d) => d,
                        Err(true) => return Err(wrong()),
                        Err(false) => return Err(Error::sql(format!("no such function: {}", fc.name))),
                    };
                    let FuncKind::Aggregate(kind) = def.kind else {
                        return Err(Error::sql(format!("{}() may not be used as a window function", fc.name)));
                    };
                    let _: AggKind = kind;
                    let cols: Vec<usize> = args.iter().map(|e| input(e, &mut inputs)).collect();
                    WinFunc::Agg { kind, args: cols }
                }
            };
            funcs.push(f);
        }
        // Bare columns the outputs need.
        let mut bare: Vec<Expr> = Vec::new();
        pub(super) fn collect_cols(e: &Expr, out: &mut Vec<Expr>) {
            if super::stack_exceeded() {
                return;
            }
            if let Expr::Function(fc) = e {
                if fc.over.is_some() {
                    return;
                }
            }
            if let Expr::Column { .. } = e {
                if !out.contains(e) {
                    out.push(e.clone());
                }
                return;
            }
            super::expr::children(e, &mut |c| collect_cols(c, out));
        }
        for e in outs {
            collect_cols(e, &mut bare);
        }
        if let Some((_, keys)) = &rc.order {
            for k in keys {
                if let OrderKey::Expr(e) = k {
                    collect_cols(e, &mut bare);
                }
            }
        }
        let top = self.frames.len() - 1;
        bare.retain(|e| match e {
            Expr::Column { table, column, .. } => {
                matches!(self.resolve_column(table.as_deref(), column), Ok(Some(r)) if r.source().0 == top && r.source().1 != usize::MAX)
            }
            _ => false,
        });
        let bare_at = base_in + inputs.len();
        let total = bare_at + bare.len();
        // Sorter keyed by partition + order terms.
        let mut ki = KeyInfo { collations: Vec::new(), desc: Vec::new() };
        for e in &spec.partition_by {
            ki.collations.push(self.expr_collation(e)?.map(|c| c.0).unwrap_or(Collation::Binary));
            ki.desc.push(false);
        }
        for t in &spec.order_by {
            if t.nulls.is_some() {
                return Err(Error::sql("NULLS FIRST/LAST is not supported yet"));
            }
            ki.collations.push(self.expr_collation(&t.expr)?.map(|c| c.0).unwrap_or(Collation::Binary));
            ki.desc.push(t.order == Some(SortOrder::Desc));
        }
        let sorter = self.cursor();
        self.emit(Op::SorterOpen, sorter, (np + no) as i32, 0, P4::KeyInfo(Rc::new(ki)), 0);
        {
            let part = &spec.partition_by;
            let ord = &spec.order_by;
            let inputs_ref = &inputs;
            let bare_ref = &bare;
            let mut body = |b: &mut Builder<'_>| -> Result<()> {
                let blk = b.regs(total);
                for (k, e) in part.iter().enumerate() {
                    b.expr(e, blk + k)?;
                }
                for (k, t) in ord.iter().enumerate() {
                    b.expr(&t.expr, blk + np + k)?;
                }
                for (k, e) in inputs_ref.iter().enumerate() {
                    b.expr(e, blk + base_in + k)?;
                }
                for (k, e) in bare_ref.iter().enumerate() {
                    b.expr(e, blk + bare_at + k)?;
                }
                b.op(Op::SorterInsert, sorter, blk as i32, total as i32);
                Ok(())
            };
            self.gen_loops(joins, core.where_clause.as_ref(), &mut body)?;
        }
        let nf = funcs.len();
        self.emit(Op::WindowCompute, sorter, np as i32, no as i32, P4::Windows(Rc::new(funcs)), 0);
        let empty = self.op(Op::Rewind, sorter, 0, 0);
        let top_addr = self.here();
        let regs = self.regs(bare.len() + nf);
        for k in 0..bare.len() {
            self.op(Op::Column, sorter, (bare_at + k) as i32, (regs + k) as i32);
        }
        for j in 0..nf {
            self.op(Op::Column, sorter, (total + j) as i32, (regs + bare.len() + j) as i32);
        }
        let entries: Vec<(Expr, usize)> = bare.iter().cloned().zip(regs..).chain(wins.iter().cloned().zip(regs + bare.len()..)).collect();
        let saved = self.push_map(entries.into_iter());
        let r = self.emit_row(outs, dest, rc);
        self.frames.last_mut().expect("frame").map.truncate(saved);
        r?;
        self.op(Op::Next, sorter, top_addr, 0);
        self.patch(empty);
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
