//! Covering indexes: when every column a SELECT reads from a table is in
//! the index chosen for it (the rowid always is), the loop reads the index
//! entry and never seeks the table row. `covering_names` holds the column
//! names the current SELECT mentions anywhere (None: unknown, e.g. it has
//! a subquery, so no index covers); a level that covers registers a
//! redirect (table cursor -> index cursor) that `emit_column` and rowid
//! reads follow.

use super::loops::JoinInfo;
use super::Builder;
use crate::schema::{Index, Table};
use crate::vdbe::Op;
use ferrolite_parser::ast::{Expr, InRhs, Over, SelectClause, WindowSpec};
use std::rc::Rc;

/// Adds the column names `e` mentions; false if it holds a subquery that
/// may read them (a self-contained `x IN (SELECT ...)` reads none).
fn names(b: &Builder<'_>, e: &Expr, out: &mut Vec<String>) -> bool {
    if super::stack_exceeded() {
        return false;
    }
    match e {
        Expr::In { expr, rhs: InRhs::Select(sel), .. } if super::or_plan::self_contained(b, sel) => return names(b, expr, out),
        Expr::Subquery(_) | Expr::Exists(_) | Expr::In { rhs: InRhs::Select(_) | InRhs::Table { .. }, .. } => return false,
        Expr::Column { column, .. } => {
            out.push(column.to_ascii_lowercase());
            return true;
        }
        Expr::Function(fc) => {
            for t in &fc.order_by {
                if !names(b, &t.expr, out) {
                    return false;
                }
            }
            if let Some(Over::Spec(sp)) = &fc.over {
                if !spec_names(b, sp, out) {
                    return false;
                }
            }
        }
        _ => {}
    }
    let mut ok = true;
    super::expr::children(e, &mut |c| ok &= names(b, c, out));
    ok
}

fn spec_names(b: &Builder<'_>, sp: &WindowSpec, out: &mut Vec<String>) -> bool {
    sp.partition_by.iter().all(|e| names(b, e, out)) && sp.order_by.iter().all(|t| names(b, &t.expr, out))
}

/// Position in `idx` of column `col` of `t` (the rowid is after the columns).
fn index_pos(t: &Table, idx: &Index, col: Option<usize>) -> Option<usize> {
    match col {
        None => Some(idx.columns.len()),
        Some(c) if t.rowid_alias == Some(c) => Some(idx.columns.len()),
        Some(c) => idx.columns.iter().position(|ic| ic.expr.is_none() && ic.column == c),
    }
}

impl Builder<'_> {
    /// The names a SELECT core mentions, or None when no index may cover.
    pub(super) fn covering_names_of(&self, core: &SelectClause, exprs: &[&Expr], joins: &[JoinInfo]) -> Option<Vec<String>> {
        if joins.iter().any(|j| j.right) {
            return None;
        }
        let mut out = Vec::new();
        let all = exprs.iter().copied().chain(core.where_clause.iter()).chain(core.having.iter()).chain(joins.iter().flat_map(|j| j.on.iter()));
        for e in all {
            if !names(self, e, &mut out) {
                return None;
            }
        }
        for w in &core.windows {
            if !spec_names(self, &w.spec, &mut out) {
                return None;
            }
        }
        Some(out)
    }

    /// Does `idx` hold every column of `t` the current SELECT mentions?
    pub(super) fn index_covers(&self, t: &Table, idx: &Index) -> bool {
        let Some(names) = &self.covering_names else { return false };
        if t.without_rowid {
            return false;
        }
        t.columns.iter().enumerate().all(|(c, col)| !names.contains(&col.name.to_ascii_lowercase()) || index_pos(t, idx, Some(c)).is_some())
    }

    /// For a full scan: the covering index with the fewest columns (not
    /// partial, narrower than the table), scanned instead of the table as
    /// SQLite does, unless the rows must come in rowid or index order.
    pub(super) fn covering_scan_index(&self, t: &Table, cursor: i32) -> Option<Rc<Index>> {
        let f = self.frames.last()?;
        if t.root <= 1 || f.rowid_order.is_some() || f.index_order.is_some() {
            return None;
        }
        // Only an index narrower than the table's record is worth it (SQLite
        // compares estimated row sizes).
        let stored = t.columns.len() - t.rowid_alias.is_some() as usize;
        t.indexes
            .iter()
            .filter(|i| self.index_allowed(cursor, &i.name))
            .filter(|i| i.partial.is_none() && i.columns.len() < stored && self.index_covers(t, i))
            .min_by_key(|i| i.columns.len())
            .cloned()
    }

    /// May the planner use index `name` for the source on `cursor`
    /// (INDEXED BY / NOT INDEXED)?
    pub(super) fn index_allowed(&self, cursor: i32, name: &str) -> bool {
        match self.index_hints.iter().find(|(c, _)| *c == cursor) {
            None => true,
            Some((_, None)) => false,
            Some((_, Some(n))) => n.eq_ignore_ascii_case(name),
        }
    }

    /// Reads of table cursor `cur` now come from index cursor `ic`.
    pub(super) fn redirect_to_index(&mut self, cur: i32, ic: i32, t: &Rc<Table>, idx: &Rc<Index>) {
        self.covering_redirect.push((cur, ic, t.clone(), idx.clone()));
    }

    /// If reads of `cursor` are redirected: the index cursor and the
    /// position of column `col` (None: the rowid) in its entries.
    pub(super) fn redirected(&self, cursor: i32, col: Option<usize>) -> Option<(i32, usize)> {
        let (_, ic, t, idx) = self.covering_redirect.iter().find(|(c, ..)| *c == cursor)?;
        Some((*ic, index_pos(t, idx, col)?))
    }

    /// Emits a rowid read of `cursor` (from its index when redirected).
    pub(super) fn emit_rowid(&mut self, cursor: i32, target: usize) {
        match self.redirected(cursor, None) {
            Some((ic, _)) => self.op(Op::IdxRowid, ic, target as i32, 0),
            None => self.op(Op::Rowid, cursor, target as i32, 0),
        };
    }
}
