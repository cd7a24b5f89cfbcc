//! SELECT with window functions: resolving each call's window (OVER name,
//! OVER (base ...) with SQLite's inheritance rules and errors), grouping the
//! calls by window, and the code: the query's rows (from the loops, or from
//! the aggregate stage when the query also aggregates) go into a sorter as
//! `[inputs]`; WindowCompute appends one value per call (vdbe/window.rs);
//! the rows are then read back and the result columns computed from them.
//!
//! Inputs are deduplicated expressions: window keys, arguments, FILTER
//! terms, and what the result columns need (a whole result expression when
//! it holds no window call, else its column / aggregate leaves).

use super::expr::{children, collect_aggs, is_agg_call};
use super::loops::JoinInfo;
use super::resolve::ColRef;
use super::select::{Dest, OrderKey, RowCtx};
use super::Builder;
use crate::error::{Error, Result};
use crate::func::aggregate::KeyOrder;
use crate::func::{self, FuncKind};
use crate::storage::record::Collation;
use crate::vdbe::window::{Bound, Exclude, SortKey, Units, WinCall, WinFunc, WinSpec, WindowPlan};
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{
    Expr, FrameBound, FrameExclude, FrameUnits, FunctionArgs, FunctionCall, InRhs, NullsOrder, OrderingTerm, Over,
    SelectClause, SortOrder, WindowDef, WindowSpec,
};
use std::rc::Rc;

/// The built-in window-only functions (they need OVER).
pub(super) fn is_window_only(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "row_number" | "rank" | "dense_rank" | "percent_rank" | "cume_dist" | "ntile" | "lag" | "lead" | "first_value" | "last_value" | "nth_value"
    )
}

/// Resolves `spec`'s base window against `defs` (the WINDOW definitions
/// visible to it), as sqlite3WindowChain does.
fn chain(spec: &WindowSpec, defs: &[WindowDef]) -> Result<WindowSpec> {
    let Some(base) = &spec.base else { return Ok(spec.clone()) };
    let pos = defs
        .iter()
        .rposition(|d| d.name.eq_ignore_ascii_case(base))
        .ok_or_else(|| Error::sql(format!("no such window: {base}")))?;
    let b = chain(&defs[pos].spec, &defs[..pos])?;
    let what = if !spec.partition_by.is_empty() {
        Some("PARTITION clause")
    } else if !b.order_by.is_empty() && !spec.order_by.is_empty() {
        Some("ORDER BY clause")
    } else if b.frame.is_some() {
        Some("frame specification")
    } else {
        None
    };
    if let Some(w) = what {
        return Err(Error::sql(format!("cannot override {w} of window: {base}")));
    }
    Ok(WindowSpec {
        base: None,
        partition_by: b.partition_by,
        order_by: if spec.order_by.is_empty() { b.order_by } else { spec.order_by.clone() },
        frame: spec.frame.clone(),
    })
}

/// The window a call runs over.
pub(super) fn resolve_over(core: &SelectClause, over: &Over) -> Result<WindowSpec> {
    match over {
        Over::Spec(sp) => chain(sp, &core.windows),
        Over::Window(name) => {
            let pos = core
                .windows
                .iter()
                .rposition(|d| d.name.eq_ignore_ascii_case(name))
                .ok_or_else(|| Error::sql(format!("no such window: {name}")))?;
            chain(&core.windows[pos].spec, &core.windows[..pos])
        }
    }
}

/// Aggregate calls inside the windows' PARTITION BY / ORDER BY terms.
pub(super) fn window_spec_aggs(core: &SelectClause, wins: &[Expr], aggs: &mut Vec<Expr>) {
    for w in wins {
        let Expr::Function(fc) = w else { continue };
        let Some(over) = &fc.over else { continue };
        if let Ok(sp) = resolve_over(core, over) {
            for e in sp.partition_by.iter().chain(sp.order_by.iter().map(|t| &t.expr)) {
                collect_aggs(e, aggs);
            }
        }
    }
}

/// Does `e` hold a window call (outside subqueries)?
fn has_window(e: &Expr) -> bool {
    if super::stack_exceeded() {
        return false;
    }
    if let Expr::Function(fc) = e {
        if fc.over.is_some() {
            return true;
        }
    }
    let mut any = false;
    children(e, &mut |c| any |= has_window(c));
    any
}

/// sqlite3ExprIsConstant as the parser sees a frame offset: no column,
/// function call or subquery (otherwise SQLite uses NULL).
fn is_constant(e: &Expr) -> bool {
    if super::stack_exceeded() {
        return false;
    }
    match e {
        Expr::Column { .. } | Expr::Function(_) | Expr::Subquery(_) | Expr::Exists(_) | Expr::Raise { .. } => false,
        Expr::In { rhs: InRhs::Select(_) | InRhs::Table { .. }, .. } => false,
        Expr::Literal(l) => !matches!(
            l,
            ferrolite_parser::ast::Literal::CurrentTime
                | ferrolite_parser::ast::Literal::CurrentDate
                | ferrolite_parser::ast::Literal::CurrentTimestamp
        ),
        _ => {
            let mut ok = true;
            children(e, &mut |c| ok &= is_constant(c));
            ok
        }
    }
}

fn add_input(inputs: &mut Vec<Expr>, e: &Expr) -> usize {
    match inputs.iter().position(|x| x == e) {
        Some(i) => i,
        None => {
            inputs.push(e.clone());
            inputs.len() - 1
        }
    }
}

impl<'s> Builder<'s> {
    fn key_order(&self, t: &OrderingTerm) -> Result<KeyOrder> {
        let desc = t.order == Some(SortOrder::Desc);
        Ok(KeyOrder {
            coll: self.expr_collation(&t.expr)?.map(|c| c.0).unwrap_or(Collation::Binary),
            desc,
            nulls_first: match t.nulls {
                None => !desc,
                Some(NullsOrder::First) => true,
                Some(NullsOrder::Last) => false,
            },
        })
    }

    /// The VM form of one call, its inputs added to `inputs`.
    fn win_func(&self, fc: &FunctionCall, inputs: &mut Vec<Expr>) -> Result<WinFunc> {
        let args: Vec<Expr> = match &fc.args {
            FunctionArgs::Star => Vec::new(),
            FunctionArgs::List(l) => l.clone(),
        };
        let lname = fc.name.to_ascii_lowercase();
        let wrong = || Error::sql(format!("wrong number of arguments to function {}()", fc.name));
        let builtin = is_window_only(&lname);
        if builtin {
            let ok = match lname.as_str() {
                "ntile" | "first_value" | "last_value" => args.len() == 1,
                "lag" | "lead" => (1..=3).contains(&args.len()),
                "nth_value" => args.len() == 2,
                _ => args.is_empty(),
            };
            if !ok {
                return Err(wrong());
            }
        }
        let agg = if builtin {
            None
        } else {
            let def = match func::lookup(&fc.name, args.len(), true) {
                Ok(d) => d,
                Err(true) => return Err(wrong()),
                Err(false) => return Err(Error::sql(format!("no such function: {}", fc.name))),
            };
            let FuncKind::Aggregate(kind) = def.kind else {
                return Err(Error::sql(format!("{}() may not be used as a window function", fc.name)));
            };
            Some(kind)
        };
        if !fc.order_by.is_empty() {
            return Err(Error::sql(format!("ORDER BY may not be used with non-aggregate {}()", fc.name)));
        }
        if fc.distinct {
            return Err(Error::sql("DISTINCT is not supported for window functions"));
        }
        if fc.filter.is_some() && builtin {
            return Err(Error::sql("FILTER clause may only be used with aggregate window functions"));
        }
        for a in &args {
            let mut inner = Vec::new();
            super::aggregate::collect_windows(a, &mut inner);
            if let Some(Expr::Function(w)) = inner.first() {
                return Err(Error::sql(format!("misuse of window function {}()", w.name)));
            }
        }
        let mut col = |e: &Expr| add_input(inputs, e);
        Ok(match (lname.as_str(), agg) {
            (_, Some(kind)) => WinFunc::Agg { kind, args: args.iter().map(&mut col).collect() },
            ("row_number", _) => WinFunc::RowNumber,
            ("rank", _) => WinFunc::Rank,
            ("dense_rank", _) => WinFunc::DenseRank,
            ("percent_rank", _) => WinFunc::PercentRank,
            ("cume_dist", _) => WinFunc::CumeDist,
            ("ntile", _) => WinFunc::Ntile(col(&args[0])),
            ("lag" | "lead", _) => WinFunc::Shift {
                back: lname == "lag",
                arg: col(&args[0]),
                offset: args.get(1).map(&mut col),
                default: args.get(2).map(&mut col),
            },
            ("first_value", _) => WinFunc::Nth { arg: col(&args[0]), n: None },
            ("nth_value", _) => WinFunc::Nth { arg: col(&args[0]), n: Some(col(&args[1])) },
            _ => WinFunc::LastValue(col(&args[0])),
        })
    }

    /// Adds what the final stage needs of `e` to the inputs: the whole
    /// expression when it has no window call, else its leaves.
    fn final_leaves(&self, e: &Expr, is_agg: bool, inputs: &mut Vec<Expr>, leaves: &mut Vec<(Expr, usize)>) {
        if super::stack_exceeded() {
            return;
        }
        let top = self.frames.len() - 1;
        let is_leaf = match e {
            Expr::Function(fc) if fc.over.is_some() => return,
            _ if !has_window(e) => true,
            _ if is_agg && is_agg_call(e) => true,
            Expr::Column { table, column, .. } => {
                matches!(self.resolve_column(table.as_deref(), column), Ok(Some(r)) if r.source().0 == top && r.source().1 != usize::MAX)
                    || matches!(self.resolve_column(table.as_deref(), column), Ok(Some(ColRef::Rowid { frame, .. })) if frame == top)
            }
            _ => false,
        };
        if is_leaf {
            if !leaves.iter().any(|(x, _)| x == e) {
                let c = add_input(inputs, e);
                leaves.push((e.clone(), c));
            }
            return;
        }
        children(e, &mut |c| self.final_leaves(c, is_agg, inputs, leaves));
    }

    /// SELECT with window functions (see the module doc). `groups` is Some
    /// when the query also aggregates.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn window_query(
        &mut self,
        core: &SelectClause,
        outs: &[Expr],
        wins: &[Expr],
        groups: Option<&[Expr]>,
        joins: &[JoinInfo],
        dest: &mut Dest,
        rc: &mut RowCtx,
    ) -> Result<()> {
        let mut inputs: Vec<Expr> = Vec::new();
        let mut offsets: Vec<Expr> = Vec::new();
        let mut specs: Vec<(WindowSpec, WinSpec)> = Vec::new();
        for (j, w) in wins.iter().enumerate() {
            let Expr::Function(fc) = w else { continue };
            let Some(over) = &fc.over else { continue };
            let sp = resolve_over(core, over)?;
            let func = self.win_func(fc, &mut inputs)?;
            let filter = fc.filter.as_ref().map(|f| add_input(&mut inputs, f));
            let call = WinCall { func, filter, out: j };
            let key = WindowSpec { base: None, ..sp.clone() };
            if let Some((_, ws)) = specs.iter_mut().find(|(k, _)| *k == key) {
                ws.calls.push(call);
                continue;
            }
            let mut part = Vec::new();
            for e in &sp.partition_by {
                let coll = self.expr_collation(e)?.map(|c| c.0).unwrap_or(Collation::Binary);
                part.push(SortKey { col: add_input(&mut inputs, e), order: KeyOrder { coll, desc: false, nulls_first: true } });
            }
            let mut order = Vec::new();
            for t in &sp.order_by {
                order.push(SortKey { col: add_input(&mut inputs, &t.expr), order: self.key_order(t)? });
            }
            let (units, start, end, exclude) = match &sp.frame {
                None => (Units::Range, Bound::UnboundedPreceding, Bound::CurrentRow, Exclude::NoOthers),
                Some(f) => {
                    let units = match f.units {
                        FrameUnits::Rows => Units::Rows,
                        FrameUnits::Range => Units::Range,
                        FrameUnits::Groups => Units::Groups,
                    };
                    let mut bound = |b: &FrameBound| -> Bound {
                        let mut off = |e: &Expr| {
                            offsets.push(if is_constant(e) { e.clone() } else { Expr::Literal(ferrolite_parser::ast::Literal::Null) });
                            offsets.len() - 1
                        };
                        match b {
                            FrameBound::UnboundedPreceding => Bound::UnboundedPreceding,
                            FrameBound::Preceding(e) => Bound::Preceding(off(e)),
                            FrameBound::CurrentRow => Bound::CurrentRow,
                            FrameBound::Following(e) => Bound::Following(off(e)),
                            FrameBound::UnboundedFollowing => Bound::UnboundedFollowing,
                        }
                    };
                    let start = bound(&f.start);
                    let end = f.end.as_ref().map_or(Bound::CurrentRow, &mut bound);
                    let has_off = |b: Bound| matches!(b, Bound::Preceding(_) | Bound::Following(_));
                    if units == Units::Range && (has_off(start) || has_off(end)) && sp.order_by.len() != 1 {
                        return Err(Error::sql("RANGE with offset PRECEDING/FOLLOWING requires one ORDER BY expression"));
                    }
                    let exclude = match f.exclude {
                        None | Some(FrameExclude::NoOthers) => Exclude::NoOthers,
                        Some(FrameExclude::CurrentRow) => Exclude::CurrentRow,
                        Some(FrameExclude::Group) => Exclude::Group,
                        Some(FrameExclude::Ties) => Exclude::Ties,
                    };
                    (units, start, end, exclude)
                }
            };
            specs.push((key, WinSpec { part, order, units, start, end, exclude, calls: vec![call] }));
        }
        if specs.is_empty() {
            return Err(Error::sql("misuse of window function"));
        }
        // What the result columns and ORDER BY keys need.
        let is_agg = groups.is_some();
        let mut leaves: Vec<(Expr, usize)> = Vec::new();
        for e in outs {
            self.final_leaves(e, is_agg, &mut inputs, &mut leaves);
        }
        if let Some((_, keys)) = &rc.order {
            for k in keys {
                if let OrderKey::Expr(e) = k {
                    self.final_leaves(e, is_agg, &mut inputs, &mut leaves);
                }
            }
        }
        let width = inputs.len();
        let sorter = self.cursor();
        self.op(Op::SorterOpen, sorter, 0, 0);
        match groups {
            None => {
                let inputs_ref = &inputs;
                let mut body = |b: &mut Builder<'_>| -> Result<()> {
                    let blk = b.regs(width);
                    for (k, e) in inputs_ref.iter().enumerate() {
                        b.expr(e, blk + k)?;
                    }
                    b.op(Op::SorterInsert, sorter, blk as i32, width as i32);
                    Ok(())
                };
                self.gen_loops(joins, core.where_clause.as_ref(), &mut body)?;
            }
            Some(groups) => {
                let mut aggs = Vec::new();
                for e in inputs.iter().chain(core.having.iter()) {
                    collect_aggs(e, &mut aggs);
                }
                let mut d = Dest::Sorter { cursor: sorter };
                let mut rc2 = RowCtx { distinct: None, order: None, offset: None, limit: None, end_jumps: Vec::new() };
                self.aggregate(core, &inputs, groups, &aggs, joins, &mut d, &mut rc2)?;
            }
        }
        let offs = self.regs(offsets.len());
        for (k, e) in offsets.iter().enumerate() {
            self.expr(e, offs + k)?;
        }
        let plan = WindowPlan { specs: specs.into_iter().map(|(_, w)| w).collect(), width, n_out: wins.len() };
        self.emit(Op::WindowCompute, sorter, offs as i32, offsets.len() as i32, P4::Windows(Rc::new(plan)), 0);
        let empty = self.op(Op::Rewind, sorter, 0, 0);
        let top_addr = self.here();
        let regs = self.regs(leaves.len() + wins.len());
        for (k, (_, c)) in leaves.iter().enumerate() {
            self.op(Op::Column, sorter, *c as i32, (regs + k) as i32);
        }
        for j in 0..wins.len() {
            self.op(Op::Column, sorter, (width + j) as i32, (regs + leaves.len() + j) as i32);
        }
        let entries: Vec<(Expr, usize)> =
            leaves.iter().map(|(e, _)| e.clone()).zip(regs..).chain(wins.iter().cloned().zip(regs + leaves.len()..)).collect();
        let saved = self.push_map(entries.into_iter());
        let r = self.emit_row(outs, dest, rc);
        self.frames.last_mut().expect("frame").map.truncate(saved);
        r?;
        self.op(Op::Next, sorter, top_addr, 0);
        self.patch(empty);
        Ok(())
    }
}
