//! Index maintenance for expression and partial indexes: an index column
//! that is an expression, and a partial index's WHERE clause, are computed
//! from the row image in registers (the table's columns at `base..`, the
//! rowid in `rowid`), the way CHECK constraints are. A partial index gets
//! entries (and unique checks) only for rows whose WHERE is true; deleting
//! an absent entry is a no-op, so deletes need no test.

use super::resolve::Frame;
use super::Builder;
use crate::error::Result;
use crate::schema::{Index, Table};
use crate::vdbe::Op;
use ferrolite_parser::ast::Expr;
use std::rc::Rc;

impl Builder<'_> {
    /// r[target] = `e` evaluated over the row image.
    pub(super) fn eval_on_image(&mut self, t: &Table, e: &Expr, base: usize, rowid: usize, target: usize) -> Result<()> {
        let tb = Rc::new(t.clone());
        self.frames.push(Frame {
            reg_rows: vec![(String::new(), tb.clone(), base, rowid), (t.name.clone(), tb, base, rowid)],
            ..Frame::default()
        });
        let r = self.expr(e, target);
        self.frames.pop();
        r
    }

    /// For a partial index: jumps (the returned address, to patch past the
    /// index work) when its WHERE is not true for the row image.
    pub(super) fn partial_skip(&mut self, t: &Table, idx: &Index, base: usize, rowid: usize) -> Result<Option<usize>> {
        let Some(w) = &idx.partial else { return Ok(None) };
        let r = self.reg();
        self.eval_on_image(t, w, base, rowid, r)?;
        Ok(Some(self.op(Op::IfNot, r as i32, 0, 1)))
    }
}
