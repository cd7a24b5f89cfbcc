//! Nested-loop scans over the sources of the top frame, SQLite's "where"
//! code generation in miniature. Each WHERE/ON term is tested at the
//! innermost loop level it references; a level whose table has a usable
//! equality on its rowid seeks (SeekRowid) and one with equalities on a
//! prefix of an index scans that index range instead of the table.
//!
//! LEFT JOIN: a flag register records whether the right side matched; if it
//! did not, the cursor is set to a NULL row and the body runs once more,
//! after the ON terms and before the WHERE terms of that level.
//!
//! RIGHT/FULL JOIN (any number per nest, FROM order kept): each right level
//! always scans; every rowid of it (a position for a subquery or view) that
//! passes its ON terms goes into an in-memory set. When the outer loops end,
//! one extra pass per right level, in FROM order, NULLs the cursors of the
//! earlier levels and reruns that level (and the levels after it, which
//! join normally) over its rows not in the set, skipping its ON terms. WHERE
//! terms are all tested at the last right level or later so every pass
//! applies them.

use super::expr::has_subquery;
use super::resolve::ColRef;
use super::Builder;
use crate::error::Result;
use crate::schema::Index;
use crate::storage::record::Collation;
use crate::value::affinity::Affinity;
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{BinaryOp, Expr};
use std::rc::Rc;

/// How each source joins to the ones before it.
#[derive(Clone, Debug, Default)]
pub struct JoinInfo {
    pub left: bool,
    /// RIGHT (or, with `left`, FULL) join: rows of this source that no
    /// earlier row matched come out once more with the earlier sources NULL.
    pub right: bool,
    pub on: Vec<Expr>,
}

/// State of one RIGHT/FULL join of a loop nest: the level of its right
/// source, the register that is 1 during the unmatched-rows pass, the
/// in-memory set of rowids that matched, the address where that level's
/// loop starts and the jumps out of it once the second pass is over.
struct RightPass {
    level: usize,
    pass: usize,
    set: i32,
    entry: i32,
    done: Vec<usize>,
}

enum Plan {
    Scan,
    Rowid(Expr),
    /// `rowid IN (list)`: each distinct value, in order, seeks the rowid.
    RowidIn(Vec<Expr>),
    /// Rowid range: lower bound (expr, exclusive), upper bound (expr, exclusive).
    RowidRange(Option<(Expr, bool)>, Option<(Expr, bool)>),
    /// Index: equality keys on a prefix, then an optional range on the next
    /// column (lower, upper: expression and exclusive flag).
    Index(Rc<Index>, Vec<Expr>, Option<(Expr, bool)>, Option<(Expr, bool)>),
    /// Index: equality keys on a prefix, then `col IN (list)` on the next
    /// column: each distinct list value (column affinity applied, in index
    /// order) seeks the index.
    IndexIn(Rc<Index>, Vec<Expr>, Vec<Expr>),
    /// MULTI-INDEX OR: rowids of each branch, queued without repeats.
    OrUnion(Vec<super::or_plan::OrBranch>),
    /// `x IN (SELECT ...)` (self-contained): the subquery's values, once in
    /// a set, seek the rowid (None) or the index's leading column.
    InSub(Option<Rc<Index>>, Box<ferrolite_parser::ast::Select>),
    /// An automatic index built on the fly (see autoindex.rs).
    Auto(super::autoindex::AutoIndex),
}

/// Splits an expression on AND.
pub fn split_and<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    if let Expr::Binary { op: BinaryOp::And, left, right } = e {
        split_and(left, out);
        split_and(right, out);
    } else {
        out.push(e);
    }
}

pub type Body<'a> = dyn FnMut(&mut Builder<'_>) -> Result<()> + 'a;

impl Builder<'_> {
    /// Highest top-frame source a term references (None: references none).
    pub fn term_level(&self, e: &Expr) -> Option<usize> {
        let n = self.frames.last().map(|f| f.sources.len()).unwrap_or(0);
        if has_subquery(e) {
            return n.checked_sub(1);
        }
        let top = self.frames.len().saturating_sub(1);
        let mut lvl: Option<usize> = None;
        let frame = self.frames.last();
        self.walk_columns(e, &mut |r| {
            if let Some(r) = r {
                let (f, s) = r.source();
                if f == top && s != usize::MAX {
                    let p = frame.map_or(s, |fr| fr.level_of(s));
                    lvl = Some(lvl.map_or(p, |l: usize| l.max(p)));
                }
            }
        });
        lvl
    }

    /// Sources of the top frame a term references (None: unknown/all).
    fn term_sources(&self, e: &Expr) -> Option<Vec<usize>> {
        if has_subquery(e) {
            return None;
        }
        let top = self.frames.len().saturating_sub(1);
        let mut out = Vec::new();
        self.walk_columns(e, &mut |r| {
            if let Some(r) = r {
                let (f, s) = r.source();
                if f == top && s != usize::MAX && !out.contains(&s) {
                    out.push(s);
                }
            }
        });
        Some(out)
    }

    /// Greedy join order for inner joins: next comes the source with the
    /// most terms that become testable once it is added (seekable rowid
    /// equalities count double), ties in FROM order.
    fn choose_order(&self, terms: &[&Expr], n: usize) -> Vec<usize> {
        let sets: Vec<Option<Vec<usize>>> = terms.iter().map(|t| self.term_sources(t)).collect();
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < n {
            let mut best: Option<(usize, i64)> = None;
            for c in (0..n).filter(|c| !chosen.contains(c)) {
                let mut score: i64 = 0;
                for (t, set) in terms.iter().zip(&sets) {
                    let Some(set) = set else { continue };
                    if set.contains(&c) && set.iter().all(|s| *s == c || chosen.contains(s)) {
                        score += 2;
                    }
                    // Equality on c's rowid or an index's leading column:
                    // a seek if the other side is available now, a reason to
                    // put c later if it becomes available later.
                    if let Expr::Binary { op: BinaryOp::Eq, left, right } = t {
                        for (a, b) in [(left, right), (right, left)] {
                            let seekable = match self.source_column(a, c) {
                                Some(ColRef::Rowid { .. }) => true,
                                Some(ColRef::Column { table, col, .. }) => table.indexes.iter().any(|i| i.columns.first().map(|x| x.column) == Some(col)),
                                _ => false,
                            };
                            if !seekable {
                                continue;
                            }
                            match self.term_sources(b) {
                                Some(os) if !os.contains(&c) => {
                                    if os.iter().all(|s| chosen.contains(s)) {
                                        score += 3;
                                    } else {
                                        score -= 1;
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                if best.map_or(true, |(_, b)| score > b) {
                    best = Some((c, score));
                }
            }
            chosen.push(best.map(|b| b.0).unwrap_or(0));
        }
        chosen
    }

    fn walk_columns(&self, e: &Expr, f: &mut dyn FnMut(Option<ColRef>)) {
        if super::stack_exceeded() {
            return;
        }
        if let Expr::Column { table, column, .. } = e {
            f(self.resolve_column(table.as_deref(), column).ok().flatten());
            return;
        }
        super::expr::children(e, &mut |c| self.walk_columns(c, f));
    }

    /// If `e` is a column of source `src` of the top frame, which one.
    fn source_column(&self, e: &Expr, src: usize) -> Option<ColRef> {
        let inner = match e {
            Expr::Collate { expr, .. } => expr.as_ref(),
            e => e,
        };
        if let Expr::Column { table, column, .. } = inner {
            let r = self.resolve_column(table.as_deref(), column).ok().flatten()?;
            let top = self.frames.len() - 1;
            if r.source() == (top, src) {
                return Some(r);
            }
        }
        None
    }

    /// `term_sources` for the planner helpers of other modules.
    pub(super) fn term_sources_pub(&self, e: &Expr) -> Option<Vec<usize>> {
        self.term_sources(e)
    }

    pub(super) fn source_column_pub(&self, e: &Expr, src: usize) -> Option<ColRef> {
        self.source_column(e, src)
    }

    pub(super) fn term_level_usable(&self, e: &Expr, level: usize) -> bool {
        self.usable_other(e, level)
    }

    fn usable_other(&self, e: &Expr, level: usize) -> bool {
        !has_subquery(e) && self.term_level(e).map_or(true, |l| l < level)
    }

    /// Would the natural plan for the only source of the top frame be a
    /// plain scan (so an index may be used for ORDER BY instead)?
    pub fn would_scan(&self, where_: Option<&Expr>) -> bool {
        let mut terms: Vec<&Expr> = Vec::new();
        if let Some(w) = where_ {
            split_and(w, &mut terms);
        }
        matches!(self.choose_plan(0, &terms), Plan::Scan)
    }

    fn choose_plan(&self, level: usize, terms: &[&Expr]) -> Plan {
        if let Some((idx, _)) = self.frames.last().and_then(|f| f.index_order.clone()) {
            return Plan::Index(idx, Vec::new(), None, None);
        }
        let si = self.frames.last().expect("frame").source_at(level);
        let src = &self.frames.last().expect("frame").sources[si];
        if src.table.root == 0 {
            return Plan::Scan;
        }
        // Equality terms (column side, other side).
        let mut eqs: Vec<(ColRef, &Expr, &Expr)> = Vec::new();
        for t in terms {
            if let Expr::Binary { op: BinaryOp::Eq | BinaryOp::Is, left, right } = t {
                if let BinaryOp::Is = match t {
                    Expr::Binary { op, .. } => *op,
                    _ => BinaryOp::Eq,
                } {
                    continue;
                }
                for (a, b) in [(left, right), (right, left)] {
                    if let Some(c) = self.source_column(a, si) {
                        if self.usable_other(b, level) {
                            eqs.push((c, a, b));
                        }
                    }
                }
            }
        }
        for (c, _, other) in &eqs {
            if let ColRef::Rowid { .. } = c {
                return Plan::Rowid((*other).clone());
            }
        }
        for t in terms {
            if let Expr::In { expr, not: false, rhs: ferrolite_parser::ast::InRhs::List(items) } = t {
                if !items.is_empty()
                    && matches!(self.source_column(expr, si), Some(ColRef::Rowid { .. }))
                    && items.iter().all(|i| self.usable_other(i, level))
                    && self.frames.last().and_then(|f| f.rowid_order) != Some(true)
                {
                    return Plan::RowidIn(items.clone());
                }
            }
        }
        let rowid_order = self.frames.last().and_then(|f| f.rowid_order);
        // Ranges on the rowid.
        if rowid_order != Some(true) {
            let (mut lo, mut hi): (Option<(Expr, bool)>, Option<(Expr, bool)>) = (None, None);
            for t in terms {
                match t {
                    Expr::Binary { op: op @ (BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Lt | BinaryOp::Le), left, right } => {
                        for (a, b, flipped) in [(left, right, false), (right, left, true)] {
                            if matches!(self.source_column(a, si), Some(ColRef::Rowid { .. })) && self.usable_other(b, level) {
                                // Normalize to "rowid OP b".
                                let op = if flipped {
                                    match op {
                                        BinaryOp::Gt => BinaryOp::Lt,
                                        BinaryOp::Ge => BinaryOp::Le,
                                        BinaryOp::Lt => BinaryOp::Gt,
                                        _ => BinaryOp::Ge,
                                    }
                                } else {
                                    *op
                                };
                                match op {
                                    BinaryOp::Gt | BinaryOp::Ge if lo.is_none() => lo = Some(((**b).clone(), op == BinaryOp::Gt)),
                                    BinaryOp::Lt | BinaryOp::Le if hi.is_none() => hi = Some(((**b).clone(), op == BinaryOp::Lt)),
                                    _ => {}
                                }
                            }
                        }
                    }
                    Expr::Between { expr, not: false, low, high } => {
                        if matches!(self.source_column(expr, si), Some(ColRef::Rowid { .. }))
                            && self.usable_other(low, level)
                            && self.usable_other(high, level)
                        {
                            if lo.is_none() {
                                lo = Some(((**low).clone(), false));
                            }
                            if hi.is_none() {
                                hi = Some(((**high).clone(), false));
                            }
                        }
                    }
                    _ => {}
                }
            }
            if lo.is_some() || hi.is_some() {
                return Plan::RowidRange(lo, hi);
            }
        }
        if rowid_order.is_some() {
            return Plan::Scan;
        }
        // Affinity of the other side must not change how the index orders.
        let compatible = |col_aff: Affinity, other: &Expr| {
            let oa = self.expr_affinity(other);
            match col_aff {
                Affinity::Blob => oa == Affinity::Blob,
                Affinity::Text => oa == Affinity::Blob || oa == Affinity::Text,
                _ => true,
            }
        };
        type Bound = Option<(Expr, bool)>;
        let mut best: Option<(Rc<Index>, Vec<Expr>, Bound, Bound)> = None;
        let mut best_in: Option<(usize, Rc<Index>, Vec<Expr>, Vec<Expr>)> = None;
        let score = |k: usize, lo: &Bound, hi: &Bound| k * 4 + (lo.is_some() as usize) * 2 + hi.is_some() as usize;
        for idx in &src.table.indexes {
            if !self.index_allowed(src.cursor, &idx.name) {
                continue;
            }
            if let Some(w) = &idx.partial {
                if !self.partial_implied(w, terms, si) {
                    continue;
                }
            }
            let mut keys = Vec::new();
            for ic in &idx.columns {
                if let Some(ie) = &ic.expr {
                    match self.expr_index_eq(ie, terms, si, level) {
                        Some(b) if ic.collation == Collation::Binary && self.expr_affinity(b) == Affinity::Blob => {
                            keys.push(b.clone());
                            continue;
                        }
                        _ => break,
                    }
                }
                let col = &src.table.columns[ic.column];
                let hit = eqs.iter().find(|(c, a, b)| {
                    matches!(c, ColRef::Column { col: k, .. } if *k == ic.column)
                        && self.cmp_collation(a, b).ok() == Some(ic.collation)
                        && compatible(col.affinity, b)
                });
                match hit {
                    Some((_, _, b)) => keys.push((*b).clone()),
                    None => break,
                }
            }
            // `col IN (list)` on the next column.
            if let Some(ic) = idx.columns.get(keys.len()).filter(|ic| ic.expr.is_none() && !src.table.without_rowid) {
                let col = &src.table.columns[ic.column];
                for t in terms {
                    let Expr::In { expr, not: false, rhs: ferrolite_parser::ast::InRhs::List(items) } = t else { continue };
                    let on_col = matches!(self.source_column(expr, si), Some(ColRef::Column { col: k, .. }) if k == ic.column);
                    if on_col
                        && !items.is_empty()
                        && items.iter().all(|x| self.usable_other(x, level) && compatible(col.affinity, x))
                        && items.iter().all(|x| self.cmp_collation(expr, x).ok() == Some(ic.collation))
                    {
                        let sc = (keys.len() + 1) * 4 - 1;
                        if best_in.as_ref().map_or(true, |(s, ..)| sc > *s) {
                            best_in = Some((sc, idx.clone(), keys.clone(), items.clone()));
                        }
                        break;
                    }
                }
            }
            // A range on the next (ascending) column.
            let (mut lo, mut hi): (Bound, Bound) = (None, None);
            if let Some(ic) = idx.columns.get(keys.len()).filter(|ic| !ic.desc && ic.expr.is_none()) {
                let col = &src.table.columns[ic.column];
                let is_col = |e: &Expr| matches!(self.source_column(e, si), Some(ColRef::Column { col: k, .. }) if k == ic.column);
                for t in terms {
                    match t {
                        Expr::Binary { op: op @ (BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Lt | BinaryOp::Le), left, right } => {
                            for (a, b, flipped) in [(left, right, false), (right, left, true)] {
                                if !is_col(a) || !self.usable_other(b, level) || !compatible(col.affinity, b) {
                                    continue;
                                }
                                if self.cmp_collation(a, b).ok() != Some(ic.collation) {
                                    continue;
                                }
                                let op = if flipped {
                                    match op {
                                        BinaryOp::Gt => BinaryOp::Lt,
                                        BinaryOp::Ge => BinaryOp::Le,
                                        BinaryOp::Lt => BinaryOp::Gt,
                                        _ => BinaryOp::Ge,
                                    }
                                } else {
                                    *op
                                };
                                match op {
                                    BinaryOp::Gt | BinaryOp::Ge if lo.is_none() => lo = Some(((**b).clone(), op == BinaryOp::Gt)),
                                    BinaryOp::Lt | BinaryOp::Le if hi.is_none() => hi = Some(((**b).clone(), op == BinaryOp::Lt)),
                                    _ => {}
                                }
                            }
                        }
                        Expr::Between { expr, not: false, low, high } => {
                            if is_col(expr)
                                && self.usable_other(low, level)
                                && self.usable_other(high, level)
                                && compatible(col.affinity, low)
                                && compatible(col.affinity, high)
                                && self.cmp_collation(expr, low).ok() == Some(ic.collation)
                            {
                                if lo.is_none() {
                                    lo = Some(((**low).clone(), false));
                                }
                                if hi.is_none() {
                                    hi = Some(((**high).clone(), false));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            let sc = score(keys.len(), &lo, &hi);
            if sc > 0 && best.as_ref().map_or(true, |(_, k, l, h)| sc > score(k.len(), l, h)) {
                best = Some((idx.clone(), keys, lo, hi));
            }
        }
        let best_sc = best.as_ref().map_or(0, |(_, k, l, h)| score(k.len(), l, h));
        match (best, best_in) {
            (_, Some((sc, i, k, items))) if sc > best_sc => Plan::IndexIn(i, k, items),
            (Some((i, k, lo, hi)), _) => Plan::Index(i, k, lo, hi),
            _ => self.or_plan(level, si, terms),
        }
    }

    /// A plan from an OR term of the level (see or_plan.rs), else a scan.
    fn or_plan(&self, level: usize, si: usize, terms: &[&Expr]) -> Plan {
        if self.frames.last().map_or(true, |f| f.rowid_order.is_none() && f.index_order.is_none()) {
            if let Some((idx, sel)) = self.in_subquery_use(si, terms) {
                return Plan::InSub(idx, sel);
            }
        }
        for t in terms {
            match self.or_use(t, si, level) {
                Some(super::or_plan::OrUse::In(col, items)) => {
                    let as_in = Expr::In { expr: Box::new(col), not: false, rhs: ferrolite_parser::ast::InRhs::List(items) };
                    match self.choose_plan(level, &[&as_in]) {
                        p @ (Plan::RowidIn(_) | Plan::IndexIn(..)) => return p,
                        _ => {}
                    }
                }
                Some(super::or_plan::OrUse::Multi(branches)) => return Plan::OrUnion(branches),
                None => {}
            }
        }
        Plan::Scan
    }

    /// Generates the nested loops over every source of the top frame and
    /// calls `body` at the innermost point.
    pub fn gen_loops(&mut self, joins: &[JoinInfo], where_: Option<&Expr>, body: &mut Body<'_>) -> Result<()> {
        let mut terms: Vec<&Expr> = Vec::new();
        if let Some(w) = where_ {
            split_and(w, &mut terms);
        }
        let owned_on: Vec<Vec<Expr>> = joins.iter().map(|j| if j.left || j.right { Vec::new() } else { j.on.clone() }).collect();
        let n_where = terms.len();
        let mut all: Vec<&Expr> = terms;
        for o in &owned_on {
            for e in o {
                all.push(e);
            }
        }
        let n = self.frames.last().map(|f| f.sources.len()).unwrap_or(0);
        // Table-valued functions may take arguments from earlier sources:
        // FROM order is kept for them.
        let fixed = self.frames.last().map_or(false, |f| f.sources.iter().any(|s| self.table_fns.iter().any(|t| t.0 == s.cursor)));
        if n > 1 && !fixed && !joins.iter().any(|j| j.left || j.right) {
            let order = self.choose_order(&all, n);
            if let Some(f) = self.frames.last_mut() {
                f.order = order;
            }
        }
        let right_levels: Vec<usize> = if n > 1 { (0..joins.len()).filter(|&j| joins[j].right).collect() } else { Vec::new() };
        let right_at = right_levels.last().copied();
        let levels: Vec<usize> = all
            .iter()
            .enumerate()
            .map(|(k, t)| {
                let l = self.term_level(t).unwrap_or(0);
                match right_at {
                    Some(j) if k < n_where => l.max(j),
                    _ => l,
                }
            })
            .collect();
        let mut rp: Vec<RightPass> = Vec::new();
        for &j in &right_levels {
            let pass = self.reg();
            self.op(Op::Integer, 0, pass as i32, 0);
            let set = self.cursor();
            let ki = Rc::new(crate::storage::record::KeyInfo { collations: vec![crate::storage::record::Collation::Binary], desc: vec![false] });
            self.emit(Op::OpenEphemeral, set, 1, 0, P4::KeyInfo(ki), 0);
            rp.push(RightPass { level: j, pass, set, entry: 0, done: Vec::new() });
        }
        if n == 0 {
            let mut skips = Vec::new();
            for t in &all {
                let r = self.expr_reg(t)?;
                skips.push(self.op(Op::IfNot, r as i32, 0, 1));
            }
            body(self)?;
            self.patch_all(&skips);
            return Ok(());
        }
        self.gen_level(0, joins, &all, &levels, body, &mut rp)?;
        for rp in rp {
            // Second pass: earlier levels NULL, right level over unmatched rows.
            let over = self.op(Op::If, rp.pass as i32, 0, 0);
            self.op(Op::Integer, 1, rp.pass as i32, 0);
            for l in 0..rp.level {
                let f = self.frames.last().expect("frame");
                let src = &f.sources[f.source_at(l)];
                let (cur, root, table) = (src.cursor, src.table.root, src.table.clone());
                if root != 0 {
                    // The loop may never have reached this level's open.
                    self.open_table_cursor(Op::OpenRead, cur, &table);
                }
                self.op(Op::NullRow, cur, 0, 0);
            }
            self.op(Op::Goto, 0, rp.entry, 0);
            self.patch(over);
            self.patch_all(&rp.done);
        }
        Ok(())
    }

    fn gen_level(
        &mut self,
        i: usize,
        joins: &[JoinInfo],
        terms: &[&Expr],
        levels: &[usize],
        body: &mut Body<'_>,
        rp: &mut [RightPass],
    ) -> Result<()> {
        let n = self.frames.last().map(|f| f.sources.len()).unwrap_or(0);
        let si = self.frames.last().expect("frame").source_at(i);
        let src = self.frames.last().expect("frame").sources[si].clone();
        let cur = src.cursor;
        let left = joins.get(si).map_or(false, |j| j.left);
        let right = rp.iter().any(|r| r.level == i);
        let on: Vec<Expr> = if left || right { joins[si].on.clone() } else { Vec::new() };
        let here_terms: Vec<&Expr> = terms.iter().zip(levels).filter(|(_, l)| **l == i).map(|(t, _)| *t).collect();
        let mut seek_terms: Vec<&Expr> = on.iter().collect();
        if !left && !right {
            seek_terms.extend(here_terms.iter().copied());
        }
        let mut plan = if right { Plan::Scan } else { self.choose_plan(i, &seek_terms) };
        if matches!(plan, Plan::Scan) && !right {
            // (Not under a RIGHT/FULL join: its extra passes NULL the table
            // cursors of earlier levels, which an index copy would bypass.)
            let auto = if rp.is_empty() { self.auto_index_for(i, si, &seek_terms) } else { None };
            if let Some(ai) = auto {
                plan = Plan::Auto(ai);
            } else if let Some(idx) = self.covering_scan_index(&src.table, cur) {
                plan = Plan::Index(idx, Vec::new(), None, None);
            }
        }
        let covering = match &plan {
            Plan::Index(idx, ..) | Plan::IndexIn(idx, ..) | Plan::InSub(Some(idx), _) => self.index_covers(&src.table, idx),
            _ => false,
        };
        let cov = if covering { "COVERING " } else { "" };
        let detail = match &plan {
            Plan::Scan => format!("SCAN {}", src.name),
            Plan::Rowid(_) | Plan::RowidIn(_) => format!("SEARCH {} USING INTEGER PRIMARY KEY (rowid=?)", src.name),
            Plan::OrUnion(_) => "MULTI-INDEX OR".to_string(),
            Plan::InSub(None, _) => format!("SEARCH {} USING INTEGER PRIMARY KEY (rowid=?)", src.name),
            Plan::InSub(Some(idx), _) => {
                let c = src.table.columns.get(idx.columns[0].column).map_or("<expr>", |c| c.name.as_str());
                format!("SEARCH {} USING {cov}INDEX {} ({c}=?)", src.name, idx.name)
            }
            Plan::Auto(ai) => format!("SEARCH {} USING AUTOMATIC COVERING INDEX ({}=?)", src.name, src.table.columns[ai.col].name),
            Plan::RowidRange(lo, hi) => {
                let mut parts = Vec::new();
                if let Some((_, excl)) = lo {
                    parts.push(if *excl { "rowid>?" } else { "rowid>=?" });
                }
                if let Some((_, excl)) = hi {
                    parts.push(if *excl { "rowid<?" } else { "rowid<=?" });
                }
                format!("SEARCH {} USING INTEGER PRIMARY KEY ({})", src.name, parts.join(" AND "))
            }
            Plan::Index(idx, keys, lo, hi) if keys.is_empty() && lo.is_none() && hi.is_none() => {
                if src.table.is_pk_tree(idx) {
                    format!("SCAN {}", src.name)
                } else {
                    format!("SCAN {} USING {cov}INDEX {}", src.name, idx.name)
                }
            }
            Plan::IndexIn(idx, keys, _) => {
                let cols: Vec<String> = idx
                    .columns
                    .iter()
                    .take(keys.len() + 1)
                    .map(|c| format!("{}=?", src.table.columns.get(c.column).map_or("<expr>", |x| x.name.as_str())))
                    .collect();
                format!("SEARCH {} USING {cov}INDEX {} ({})", src.name, idx.name, cols.join(" AND "))
            }
            Plan::Index(idx, keys, lo, hi) => {
                let mut cols: Vec<String> = idx
                    .columns
                    .iter()
                    .take(keys.len())
                    .map(|c| format!("{}=?", src.table.columns.get(c.column).map_or("<expr>", |x| x.name.as_str())))
                    .collect();
                if let Some(ic) = idx.columns.get(keys.len()).filter(|ic| ic.expr.is_none()) {
                    let n = &src.table.columns[ic.column].name;
                    if lo.is_some() {
                        cols.push(format!("{n}>?"));
                    }
                    if hi.is_some() {
                        cols.push(format!("{n}<?"));
                    }
                }
                if src.table.is_pk_tree(idx) {
                    format!("SEARCH {} USING PRIMARY KEY ({})", src.name, cols.join(" AND "))
                } else {
                    format!("SEARCH {} USING {cov}INDEX {} ({})", src.name, idx.name, cols.join(" AND "))
                }
            }
        };
        let detail = if left && !right { format!("{detail} LEFT-JOIN") } else { detail };
        self.note_plan(detail);
        if let Plan::OrUnion(branches) = &plan {
            for (k, br) in branches.iter().enumerate() {
                self.note_plan(format!("INDEX {}", k + 1));
                self.note_plan(match br {
                    super::or_plan::OrBranch::Rowid(_) => format!("SEARCH {} USING INTEGER PRIMARY KEY (rowid=?)", src.name),
                    super::or_plan::OrBranch::Index(idx, _) => {
                        let c = src.table.columns.get(idx.columns[0].column).map_or("<expr>", |c| c.name.as_str());
                        format!("SEARCH {} USING INDEX {} ({c}=?)", src.name, idx.name)
                    }
                });
            }
        }
        if let Some(r) = rp.iter_mut().find(|r| r.level == i) {
            r.entry = self.here();
        }
        if src.table.root != 0 {
            self.open_table_cursor(Op::OpenRead, cur, &src.table);
        } else {
            self.fill_table_function(cur, &seek_terms, i)?;
        }
        let rflag = if left {
            let r = self.reg();
            self.op(Op::Integer, 0, r as i32, 0);
            Some(r)
        } else {
            None
        };
        let mut exits: Vec<usize> = Vec::new();
        let mut nexts: Vec<usize> = Vec::new();
        let mut idx_cur: Option<i32> = None;
        let mut top: i32;
        let mut idx_keys = (0usize, 0usize);
        // IN over an index: the inner index loop's ends, and the outer loop
        // over the IN values (set cursor, its top).
        let mut inner_exits: Vec<usize> = Vec::new();
        let mut in_loop: Option<(i32, i32)> = None;
        match &plan {
            Plan::Scan => {
                let desc = self.frames.last().and_then(|f| f.rowid_order) == Some(true);
                exits.push(self.op(if desc { Op::Last } else { Op::Rewind }, cur, 0, 0));
                top = self.here();
            }
            Plan::RowidIn(items) => {
                let set = self.cursor();
                let ki = Rc::new(crate::storage::record::KeyInfo { collations: vec![crate::storage::record::Collation::Binary], desc: vec![false] });
                self.emit(Op::OpenEphemeral, set, 1, 0, P4::KeyInfo(ki), 0);
                let r = self.reg();
                for it in items {
                    self.expr(it, r)?;
                    // Only values that can equal an integer rowid.
                    let skip = self.op(Op::MustBeInt, r as i32, 0, 0);
                    self.op(Op::SorterInsert, set, r as i32, 1);
                    let done = self.op(Op::Goto, 0, 0, 0);
                    self.insns[skip].p2 = self.here();
                    self.patch(done);
                }
                exits.push(self.op(Op::Rewind, set, 0, 0));
                top = self.here();
                let k = self.reg();
                self.op(Op::Column, set, 0, k as i32);
                nexts.push(self.op(Op::SeekRowid, cur, 0, k as i32));
                idx_cur = Some(set);
            }
            Plan::RowidRange(lo, hi) => {
                match lo {
                    Some((e, excl)) => {
                        let r = self.expr_reg(e)?;
                        exits.push(self.emit(Op::SeekRowidGE, cur, 0, r as i32, P4::None, *excl as u16));
                    }
                    None => exits.push(self.op(Op::Rewind, cur, 0, 0)),
                }
                let rh = match hi {
                    Some((e, _)) => Some(self.expr_reg(e)?),
                    None => None,
                };
                top = self.here();
                if let (Some((_, excl)), Some(rh)) = (hi, rh) {
                    let (rr, ok) = (self.reg(), self.reg());
                    self.op(Op::Rowid, cur, rr as i32, 0);
                    let op = if *excl { Op::Lt } else { Op::Le };
                    self.emit(op, rr as i32, rh as i32, ok as i32, P4::None, crate::vdbe::cmp_flags::AFF_NUMERIC);
                    exits.push(self.op(Op::IfNot, ok as i32, 0, 1));
                }
            }
            Plan::Rowid(other) => {
                let r = self.expr_reg(other)?;
                exits.push(self.op(Op::SeekRowid, cur, 0, r as i32));
                top = self.here();
            }
            Plan::IndexIn(..) => top = 0,
            Plan::InSub(idx, sel) => {
                // The subquery's values, once per statement, into a set.
                let set = self.cursor();
                let once = self.op(Op::Once, 0, 0, 0);
                let coll = crate::storage::record::Collation::Binary;
                let ki = Rc::new(crate::storage::record::KeyInfo { collations: vec![coll], desc: vec![false] });
                self.emit(Op::OpenEphemeral, set, 1, 0, P4::KeyInfo(ki), 0);
                let aff = match idx {
                    None => Affinity::Integer,
                    Some(i) => src.table.columns[i.columns[0].column].affinity,
                };
                let mut d = super::select::Dest::Set { cursor: set, affinity: aff };
                self.subselect(sel, &mut d)?;
                self.patch(once);
                exits.push(self.op(Op::Rewind, set, 0, 0));
                let k = self.reg();
                match idx {
                    None => {
                        top = self.here();
                        self.op(Op::Column, set, 0, k as i32);
                        nexts.push(self.op(Op::SeekRowid, cur, 0, k as i32));
                        idx_cur = Some(set);
                    }
                    Some(idx) => {
                        let ic = self.cursor();
                        self.emit(Op::OpenRead, ic, idx.root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 0);
                        let outer_top = self.here();
                        self.op(Op::Column, set, 0, k as i32);
                        inner_exits.push(self.emit(Op::SeekGE, ic, 0, k as i32, P4::Int64(1), 0));
                        top = self.here();
                        inner_exits.push(self.emit(Op::IdxGT, ic, 0, k as i32, P4::Int64(1), 0));
                        if covering {
                            self.redirect_to_index(cur, ic, &src.table, idx);
                        } else {
                            let rr = self.reg();
                            self.op(Op::IdxRowid, ic, rr as i32, 0);
                            nexts.push(self.op(Op::SeekRowid, cur, 0, rr as i32));
                        }
                        idx_cur = Some(ic);
                        in_loop = Some((set, outer_top));
                    }
                }
            }
            Plan::Auto(ai) => {
                let (sorter, t) = self.emit_auto_index(cur, &src.table, ai, &mut exits)?;
                top = t;
                idx_cur = Some(sorter);
            }
            Plan::OrUnion(branches) => {
                let q = self.or_queue(branches, &src.table)?;
                exits.push(self.op(Op::Rewind, q, 0, 0));
                top = self.here();
                let rr = self.reg();
                self.op(Op::Column, q, 0, rr as i32);
                nexts.push(self.op(Op::SeekRowid, cur, 0, rr as i32));
                idx_cur = Some(q);
            }
            Plan::Index(idx, keys, lo, hi) => {
                // A WITHOUT ROWID table's PRIMARY KEY is the table itself.
                let pk_tree = src.table.is_pk_tree(idx);
                let ic = if pk_tree { cur } else { self.cursor() };
                idx_cur = Some(ic);
                if !pk_tree {
                    self.emit(Op::OpenRead, ic, idx.root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 0);
                }
                let k = keys.len();
                let ranged = lo.is_some() || hi.is_some();
                let n = if ranged { k + 1 } else { k };
                // Two key blocks: [eq..., lower] and [eq..., upper].
                let base = self.regs(n);
                let hb = self.regs(n);
                for (j, e) in keys.iter().enumerate() {
                    self.expr(e, base + j)?;
                }
                if k > 0 {
                    self.op(Op::Copy, base as i32, hb as i32, k as i32);
                }
                match lo {
                    Some((e, _)) => self.expr(e, base + k)?,
                    None if ranged => {
                        self.op(Op::Null, 0, (base + k) as i32, 0);
                    }
                    None => {}
                }
                if let Some((e, _)) = hi {
                    self.expr(e, hb + k)?;
                }
                let aff: String =
                    idx.columns.iter().take(n).map(|c| src.table.columns.get(c.column).map_or(Affinity::Blob, |x| x.affinity).code()).collect();
                self.emit(Op::Affinity, base as i32, n as i32, 0, P4::Affinity(aff.clone()), 0);
                self.emit(Op::Affinity, hb as i32, n as i32, 0, P4::Affinity(aff), 0);
                for j in 0..k {
                    exits.push(self.op(Op::IsNull, (base + j) as i32, 0, 0));
                }
                if lo.is_some() {
                    exits.push(self.op(Op::IsNull, (base + k) as i32, 0, 0));
                }
                if hi.is_some() {
                    exits.push(self.op(Op::IsNull, (hb + k) as i32, 0, 0));
                }
                // Start: first key >= / > the lower bound; without one, past
                // the NULLs of the ranged column.
                let seek = match lo {
                    Some((_, true)) => Op::SeekGT,
                    Some((_, false)) => Op::SeekGE,
                    None if ranged => Op::SeekGT,
                    None => Op::SeekGE,
                };
                let desc = self.frames.last().and_then(|f| f.index_order.as_ref().map(|o| o.1)) == Some(true);
                if n == 0 {
                    exits.push(self.op(if desc { Op::Last } else { Op::Rewind }, ic, 0, 0));
                } else {
                    exits.push(self.emit(seek, ic, 0, base as i32, P4::Int64(n as i64), 0));
                }
                top = self.here();
                match hi {
                    Some((_, excl)) => {
                        let op = if *excl { Op::IdxGE } else { Op::IdxGT };
                        exits.push(self.emit(op, ic, 0, hb as i32, P4::Int64(n as i64), 0));
                    }
                    None if k > 0 => {
                        exits.push(self.emit(Op::IdxGT, ic, 0, base as i32, P4::Int64(k as i64), 0));
                    }
                    None => {}
                }
                if src.table.without_rowid {
                    if !pk_tree {
                        nexts.push(self.seek_row_from_index(&src.table, idx, ic, cur));
                    }
                } else if covering {
                    self.redirect_to_index(cur, ic, &src.table, idx);
                } else {
                    let rr = self.reg();
                    self.op(Op::IdxRowid, ic, rr as i32, 0);
                    nexts.push(self.op(Op::SeekRowid, cur, 0, rr as i32));
                }
                idx_keys = (base, n);
            }
        }
        if let Plan::IndexIn(idx, keys, items) = &plan {
            let ic = self.cursor();
            idx_cur = Some(ic);
            self.emit(Op::OpenRead, ic, idx.root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 0);
            let k = keys.len();
            let n = k + 1;
            let base = self.regs(n);
            for (j, e) in keys.iter().enumerate() {
                self.expr(e, base + j)?;
            }
            let aff: String = idx.columns.iter().take(n).map(|c| src.table.columns.get(c.column).map_or(Affinity::Blob, |x| x.affinity).code()).collect();
            let last_aff: String = aff.chars().last().map(String::from).unwrap_or_default();
            for j in 0..k {
                exits.push(self.op(Op::IsNull, (base + j) as i32, 0, 0));
            }
            let set = self.cursor();
            let ki = Rc::new(crate::storage::record::KeyInfo { collations: vec![idx.columns[k].collation], desc: vec![false] });
            self.emit(Op::OpenEphemeral, set, 1, 0, P4::KeyInfo(ki), 0);
            let r = self.reg();
            for it in items {
                self.expr(it, r)?;
                self.emit(Op::Affinity, r as i32, 1, 0, P4::Affinity(last_aff.clone()), 0);
                let skip = self.op(Op::IsNull, r as i32, 0, 0);
                self.op(Op::SorterInsert, set, r as i32, 1);
                self.patch(skip);
            }
            exits.push(self.op(Op::Rewind, set, 0, 0));
            let outer_top = self.here();
            self.op(Op::Column, set, 0, (base + k) as i32);
            self.emit(Op::Affinity, base as i32, n as i32, 0, P4::Affinity(aff), 0);
            inner_exits.push(self.emit(Op::SeekGE, ic, 0, base as i32, P4::Int64(n as i64), 0));
            top = self.here();
            inner_exits.push(self.emit(Op::IdxGT, ic, 0, base as i32, P4::Int64(n as i64), 0));
            if covering {
                self.redirect_to_index(cur, ic, &src.table, idx);
            } else {
                let rr = self.reg();
                self.op(Op::IdxRowid, ic, rr as i32, 0);
                nexts.push(self.op(Op::SeekRowid, cur, 0, rr as i32));
            }
            in_loop = Some((set, outer_top));
        }
        let _ = idx_keys;
        let mut to_body = None;
        if let Some(r) = rp.iter().find(|r| r.level == i) {
            let (pass, set) = (r.pass, r.set);
            let normal = self.op(Op::IfNot, pass as i32, 0, 1);
            let rr = self.reg();
            self.op(Op::Rowid, cur, rr as i32, 0);
            nexts.push(self.emit(Op::Found, set, 0, rr as i32, P4::Int64(1), 0));
            to_body = Some(self.op(Op::Goto, 0, 0, 0));
            self.patch(normal);
        }
        for t in &on {
            let r = self.expr_reg(t)?;
            nexts.push(self.op(Op::IfNot, r as i32, 0, 1));
        }
        if let Some(f) = rflag {
            self.op(Op::Integer, 1, f as i32, 0);
        }
        if let Some(r) = rp.iter().find(|r| r.level == i) {
            let set = r.set;
            let rr = self.reg();
            self.op(Op::Rowid, cur, rr as i32, 0);
            self.op(Op::SorterInsert, set, rr as i32, 1);
        }
        let body_start = self.here();
        if let Some(g) = to_body {
            self.patch(g);
        }
        for t in &here_terms {
            let r = self.expr_reg(t)?;
            nexts.push(self.op(Op::IfNot, r as i32, 0, 1));
        }
        if i + 1 < n {
            self.gen_level(i + 1, joins, terms, levels, body, rp)?;
        } else {
            body(self)?;
        }
        self.patch_all(&nexts);
        match &plan {
            Plan::Scan => {
                let desc = self.frames.last().and_then(|f| f.rowid_order) == Some(true);
                self.op(if desc { Op::Prev } else { Op::Next }, cur, top, 0);
            }
            Plan::RowidRange(..) => {
                self.op(Op::Next, cur, top, 0);
            }
            Plan::RowidIn(_) => {
                self.op(Op::Next, idx_cur.unwrap_or(0), top, 0);
            }
            Plan::Rowid(_) => {}
            Plan::Index(..) => {
                let desc = self.frames.last().and_then(|f| f.index_order.as_ref().map(|o| o.1)) == Some(true);
                self.op(if desc { Op::Prev } else { Op::Next }, idx_cur.unwrap_or(0), top, 0);
            }
            Plan::OrUnion(_) | Plan::Auto(_) | Plan::InSub(None, _) => {
                self.op(Op::Next, idx_cur.unwrap_or(0), top, 0);
            }
            Plan::IndexIn(..) | Plan::InSub(Some(_), _) => {
                self.op(Op::Next, idx_cur.unwrap_or(0), top, 0);
                self.patch_all(&inner_exits);
                if let Some((set, outer_top)) = in_loop {
                    self.op(Op::Next, set, outer_top, 0);
                }
            }
        }
        self.patch_all(&exits);
        if let Some(r) = rp.iter_mut().find(|r| r.level == i) {
            let pass = r.pass;
            let d = self.op(Op::If, pass as i32, 0, 0);
            r.done.push(d);
        }
        if let Some(f) = rflag {
            let done = self.op(Op::If, f as i32, 0, 0);
            self.op(Op::Integer, 1, f as i32, 0);
            self.op(Op::NullRow, cur, 0, 0);
            if let Some(ic) = idx_cur {
                self.op(Op::NullRow, ic, 0, 0);
            }
            self.op(Op::Goto, 0, body_start, 0);
            self.patch(done);
        }
        Ok(())
    }
}
