//! OR terms in the planner, as SQLite's where.c treats them: `c = x OR
//! c = y ...` on one indexed column (or the rowid) becomes an IN list;
//! otherwise, when every branch is `col = value` on the rowid or on the
//! leading column of an index, a MULTI-INDEX OR: each branch's rowids, in
//! branch order and without repeats, go to a queue that the level walks.
//! The OR term itself is still tested on every row, so a plan only has to
//! return a superset of the matching rows.

use super::resolve::ColRef;
use super::Builder;
use crate::error::Result;
use crate::schema::Index;
use crate::storage::record::{Collation, KeyInfo};
use crate::value::affinity::Affinity;
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{BinaryOp, Expr};
use std::rc::Rc;

/// One branch of a MULTI-INDEX OR.
#[derive(Clone, Debug)]
pub enum OrBranch {
    Rowid(Expr),
    /// Equality on the leading column of the index.
    Index(Rc<Index>, Expr),
}

/// What an OR term can become.
pub enum OrUse {
    /// All branches compare one column: that column (a source column
    /// expression) and the values, for an IN list.
    In(Expr, Vec<Expr>),
    Multi(Vec<OrBranch>),
}

fn split_or<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    if let Expr::Binary { op: BinaryOp::Or, left, right } = e {
        split_or(left, out);
        split_or(right, out);
    } else {
        out.push(e);
    }
}

impl Builder<'_> {
    /// `col = value` on source `si` (either order), value usable at `level`.
    fn or_eq<'e>(&self, e: &'e Expr, si: usize, level: usize) -> Option<(ColRef, &'e Expr, &'e Expr)> {
        let Expr::Binary { op: BinaryOp::Eq, left, right } = e else { return None };
        for (a, b) in [(left, right), (right, left)] {
            if let Some(c) = self.source_column_pub(a, si) {
                if self.term_level_usable(b, level) {
                    return Some((c, a.as_ref(), b.as_ref()));
                }
            }
        }
        None
    }

    /// How the OR term `t` can drive the loop over source `si`.
    pub(super) fn or_use(&self, t: &Expr, si: usize, level: usize) -> Option<OrUse> {
        let mut branches = Vec::new();
        split_or(t, &mut branches);
        if branches.len() < 2 {
            return None;
        }
        let eqs: Vec<(ColRef, &Expr, &Expr)> = branches.iter().map(|b| self.or_eq(b, si, level)).collect::<Option<Vec<_>>>()?;
        let key = |c: &ColRef| match c {
            ColRef::Column { col, .. } => Some(*col),
            ColRef::Rowid { .. } => None,
            _ => Some(usize::MAX),
        };
        let first = key(&eqs[0].0);
        if first != Some(usize::MAX) && eqs.iter().all(|(c, a, b)| key(c) == first && self.cmp_collation(a, b).ok() == self.cmp_collation(eqs[0].1, eqs[0].2).ok()) {
            return Some(OrUse::In(eqs[0].1.clone(), eqs.iter().map(|(_, _, v)| (*v).clone()).collect()));
        }
        let src = &self.frames.last()?.sources[si];
        let mut out = Vec::new();
        for (c, a, v) in &eqs {
            match c {
                ColRef::Rowid { .. } => out.push(OrBranch::Rowid((*v).clone())),
                ColRef::Column { col, .. } => {
                    let aff = src.table.columns[*col].affinity;
                    let vaff = self.expr_affinity(v);
                    let compatible = match aff {
                        Affinity::Blob => vaff == Affinity::Blob,
                        Affinity::Text => vaff == Affinity::Blob || vaff == Affinity::Text,
                        _ => true,
                    };
                    let coll = self.cmp_collation(a, v).ok()?;
                    let idx = src.table.indexes.iter().find(|i| {
                        self.index_allowed(src.cursor, &i.name)
                            && i.partial.is_none() && i.columns.first().map_or(false, |ic| ic.expr.is_none() && ic.column == *col && ic.collation == coll)
                    })?;
                    if !compatible {
                        return None;
                    }
                    out.push(OrBranch::Index(idx.clone(), (*v).clone()));
                }
                _ => return None,
            }
        }
        Some(OrUse::Multi(out))
    }

    /// Emits the rowid queue of a MULTI-INDEX OR for table cursor `cur`;
    /// returns the queue cursor (rowids in branch order, no repeats).
    pub(super) fn or_queue(&mut self, branches: &[OrBranch], table: &crate::schema::Table) -> Result<i32> {
        let queue = self.cursor();
        self.op(Op::SorterOpen, queue, 0, 0);
        let seen = self.cursor();
        let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary], desc: vec![false] });
        self.emit(Op::OpenEphemeral, seen, 1, 0, P4::KeyInfo(ki), 0);
        let r = self.reg();
        let add = |b: &mut Self, skip: &mut Vec<usize>| {
            skip.push(b.emit(Op::Found, seen, 0, r as i32, P4::Int64(1), 0));
            b.op(Op::SorterInsert, seen, r as i32, 1);
            b.op(Op::SorterInsert, queue, r as i32, 1);
        };
        for br in branches {
            match br {
                OrBranch::Rowid(v) => {
                    self.expr(v, r)?;
                    let not_int = self.op(Op::MustBeInt, r as i32, 0, 0);
                    let mut skip = Vec::new();
                    add(self, &mut skip);
                    let here = self.here();
                    self.insns[not_int].p2 = here;
                    self.patch_all(&skip);
                }
                OrBranch::Index(idx, v) => {
                    let ic = self.cursor();
                    self.emit(Op::OpenRead, ic, idx.root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 0);
                    let k = self.reg();
                    self.expr(v, k)?;
                    let aff = table.columns.get(idx.columns[0].column).map_or(Affinity::Blob, |c| c.affinity).code().to_string();
                    self.emit(Op::Affinity, k as i32, 1, 0, P4::Affinity(aff), 0);
                    let null = self.op(Op::IsNull, k as i32, 0, 0);
                    let none = self.emit(Op::SeekGE, ic, 0, k as i32, P4::Int64(1), 0);
                    let top = self.here();
                    let past = self.emit(Op::IdxGT, ic, 0, k as i32, P4::Int64(1), 0);
                    self.op(Op::IdxRowid, ic, r as i32, 0);
                    let mut skip = Vec::new();
                    add(self, &mut skip);
                    self.patch_all(&skip);
                    self.op(Op::Next, ic, top, 0);
                    self.patch_all(&[null, none, past]);
                }
            }
        }
        Ok(queue)
    }
}

/// Is `sel` a plain SELECT over tables whose every column reference names
/// one of its own tables (so it can run once, before the loops)?
pub(super) fn self_contained(b: &Builder<'_>, sel: &ferrolite_parser::ast::Select) -> bool {
    use ferrolite_parser::ast::{FromItem, ResultColumn, SelectCore};
    if sel.with.is_some() || !sel.body.compounds.is_empty() {
        return false;
    }
    let SelectCore::Select(core) = &sel.body.first else { return false };
    let mut tables: Vec<(String, Rc<crate::schema::Table>)> = Vec::new();
    fn collect(b: &Builder<'_>, f: &FromItem, out: &mut Vec<(String, Rc<crate::schema::Table>)>) -> bool {
        match f {
            FromItem::Table { name, alias, .. } if name.schema.is_none() && !b.ctes.iter().any(|c| c.name.eq_ignore_ascii_case(&name.name)) => {
                match b.schema.table(&name.name) {
                    Some(t) => {
                        out.push((alias.clone().unwrap_or_else(|| name.name.clone()), Rc::new((**t).clone())));
                        true
                    }
                    None => false,
                }
            }
            FromItem::Join { left, right, .. } => collect(b, left, out) && collect(b, right, out),
            _ => false,
        }
    }
    match &core.from {
        Some(f) if collect(b, f, &mut tables) => {}
        _ => return false,
    }
    fn ok(e: &Expr, tables: &[(String, Rc<crate::schema::Table>)]) -> bool {
        if super::stack_exceeded() || super::expr::has_subquery(e) {
            return false;
        }
        if let Expr::Function(fc) = e {
            if fc.over.is_some() || !fc.order_by.is_empty() {
                return false;
            }
        }
        if let Expr::Column { schema, table, column, .. } = e {
            if schema.is_some() {
                return false;
            }
            let has = |t: &crate::schema::Table| t.column_index(column).is_some() || super::resolve::is_rowid_name(column);
            return match table {
                Some(q) => tables.iter().any(|(n, t)| n.eq_ignore_ascii_case(q) && has(t)),
                None => tables.iter().any(|(_, t)| has(t)),
            };
        }
        let mut good = true;
        super::expr::children(e, &mut |c| good &= ok(c, tables));
        good
    }
    let cols_ok = core.columns.iter().all(|c| match c {
        ResultColumn::Expr { expr, .. } => ok(expr, &tables),
        _ => false,
    });
    cols_ok
        && core.columns.len() == 1
        && core.where_clause.iter().all(|e| ok(e, &tables))
        && core.group_by.iter().all(|e| ok(e, &tables))
        && core.having.iter().all(|e| ok(e, &tables))
        && sel.order_by.iter().all(|t| ok(&t.expr, &tables))
        && sel.limit.as_ref().map_or(true, |l| ok(&l.limit, &tables) && l.offset.iter().all(|o| ok(o, &tables)))
}

impl Builder<'_> {
    /// `x IN (SELECT ...)` driving the loop over source `si`: the rowid, or
    /// the leading column (numeric affinity, so the column's affinity applied
    /// to the subquery's values is the comparison's) of an index; the
    /// subquery must be self-contained.
    pub(super) fn in_subquery_use(&self, si: usize, terms: &[&Expr]) -> Option<(Option<Rc<Index>>, Box<ferrolite_parser::ast::Select>)> {
        let src = &self.frames.last()?.sources[si];
        if src.table.without_rowid {
            return None;
        }
        for t in terms {
            let Expr::In { expr, not: false, rhs: ferrolite_parser::ast::InRhs::Select(sel) } = t else { continue };
            if !self_contained(self, sel) {
                continue;
            }
            match self.source_column_pub(expr, si) {
                Some(ColRef::Rowid { .. }) => return Some((None, sel.clone())),
                Some(ColRef::Column { col, .. }) if src.table.columns[col].affinity.is_numeric() => {
                    let idx = src.table.indexes.iter().find(|i| {
                        self.index_allowed(src.cursor, &i.name)
                            && i.partial.is_none()
                            && i.columns.first().map_or(false, |ic| ic.expr.is_none() && ic.column == col)
                    });
                    if let Some(i) = idx {
                        return Some((Some(i.clone()), sel.clone()));
                    }
                }
                _ => {}
            }
        }
        None
    }
}
