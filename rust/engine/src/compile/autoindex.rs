//! Automatic indexes, as SQLite builds them: an inner loop that would scan
//! its table once per outer row, and that has an equality `col = <outer
//! value>`, first copies the table into an in-memory sorter keyed by `col`
//! (every column and the rowid ride along, so the index covers the query),
//! sorts it once per statement, then seeks it for each outer row.
//!
//! Only read-only statements outside triggers get one (the copy is built
//! once, so the table must not change while the statement runs).

use super::resolve::ColRef;
use super::Builder;
use crate::error::Result;
use crate::schema::{Index, IndexColumn, IndexOrigin, Table};
use crate::storage::record::{Collation, KeyInfo};
use crate::value::affinity::Affinity;
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{BinaryOp, Expr};
use std::rc::Rc;

/// An automatic index: the keyed column, the outer value and the collation.
#[derive(Clone, Debug)]
pub struct AutoIndex {
    pub col: usize,
    pub other: Expr,
    pub coll: Collation,
}

impl Builder<'_> {
    /// An automatic index for level `level` (source `si`) from its terms.
    pub(super) fn auto_index_for(&self, level: usize, si: usize, terms: &[&Expr]) -> Option<AutoIndex> {
        let f = self.frames.last()?;
        let src = &f.sources[si];
        if level == 0 || src.table.root <= 1 || !self.readonly || !self.active_triggers.is_empty() {
            return None;
        }
        if f.rowid_order.is_some() || f.index_order.is_some() || self.index_hints.iter().any(|(c, _)| *c == src.cursor) {
            return None;
        }
        for t in terms {
            let Expr::Binary { op: BinaryOp::Eq, left, right } = t else { continue };
            for (a, b) in [(left, right), (right, left)] {
                let Some(ColRef::Column { col, .. }) = self.source_column_pub(a, si) else { continue };
                if !self.term_level_usable(b, level) || self.term_level(b).is_none() {
                    continue;
                }
                let aff = src.table.columns[col].affinity;
                let baff = self.expr_affinity(b);
                let compatible = match aff {
                    Affinity::Blob => baff == Affinity::Blob,
                    Affinity::Text => baff == Affinity::Blob || baff == Affinity::Text,
                    _ => true,
                };
                let Ok(coll) = self.cmp_collation(a, b) else { continue };
                if compatible {
                    return Some(AutoIndex { col, other: (**b).clone(), coll });
                }
            }
        }
        None
    }

    /// Builds the automatic index of table cursor `cur` (once per
    /// statement) and seeks it with the outer value: returns the sorter
    /// cursor, the jumps out of the level and the loop top.
    pub(super) fn emit_auto_index(&mut self, cur: i32, t: &Rc<Table>, ai: &AutoIndex, exits: &mut Vec<usize>) -> Result<(i32, i32)> {
        let n = t.columns.len();
        let sorter = self.cursor();
        let once = self.op(Op::Once, 0, 0, 0);
        let ki = Rc::new(KeyInfo { collations: vec![ai.coll], desc: vec![false] });
        self.emit(Op::SorterOpen, sorter, 1, 0, P4::KeyInfo(ki.clone()), 0);
        let empty = self.op(Op::Rewind, cur, 0, 0);
        let top = self.here();
        let blk = self.regs(n + 2);
        self.emit_column(cur, t, ai.col, blk);
        for c in 0..n {
            self.emit_column(cur, t, c, blk + 1 + c);
        }
        self.op(Op::Rowid, cur, (blk + 1 + n) as i32, 0);
        self.op(Op::SorterInsert, sorter, blk as i32, (n + 2) as i32);
        self.op(Op::Next, cur, top, 0);
        self.patch(empty);
        let sorted = self.op(Op::SorterSort, sorter, 0, 0);
        self.patch(sorted);
        self.patch(once);
        let k = self.reg();
        self.expr(&ai.other, k)?;
        let aff = t.columns[ai.col].affinity.code().to_string();
        self.emit(Op::Affinity, k as i32, 1, 0, P4::Affinity(aff), 0);
        exits.push(self.op(Op::IsNull, k as i32, 0, 0));
        exits.push(self.emit(Op::SeekGE, sorter, 0, k as i32, P4::Int64(1), 0));
        let loop_top = self.here();
        exits.push(self.emit(Op::IdxGT, sorter, 0, k as i32, P4::Int64(1), 0));
        // The sorter's rows read as an index [col, every column, rowid].
        let plain = |c: usize| IndexColumn { column: c, desc: false, collation: t.columns[c].collation, expr: None };
        let mut columns = vec![IndexColumn { collation: ai.coll, ..plain(ai.col) }];
        columns.extend((0..n).map(plain));
        let idx = Rc::new(Index {
            name: String::new(),
            table: t.name.clone(),
            root: 0,
            key_info: ki,
            columns,
            unique: false,
            origin: IndexOrigin::Create,
            sql: None,
            partial: None,
            unsupported: false,
        });
        self.redirect_to_index(cur, sorter, t, &idx);
        Ok((sorter, loop_top))
    }
}
