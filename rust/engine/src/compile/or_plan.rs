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
