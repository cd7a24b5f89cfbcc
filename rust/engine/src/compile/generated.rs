//! Generated columns in compiled code (see `schema::generated` for the
//! format): a VIRTUAL column read through a cursor is its expression over
//! the row the cursor is on; a row image being written gets every
//! generated column computed from the other columns (after their
//! affinities, before the constraint checks), each converted by its own
//! affinity; the record written holds the non-virtual columns only.

use super::resolve::{Frame, Source};
use super::Builder;
use crate::error::Result;
use crate::schema::Table;
use crate::vdbe::{Op, P4};
use std::rc::Rc;

impl Builder<'_> {
    /// r[target] = virtual column `col` of the row `cursor` is on.
    pub fn emit_virtual_column(&mut self, cursor: i32, t: &Table, col: usize, target: usize) {
        let Some(g) = t.generated_col(col).cloned() else { return };
        let table = Rc::new(t.clone());
        let source = Source { table, name: t.name.clone(), cursor, hidden: Vec::new() };
        let saved = std::mem::take(&mut self.frames);
        self.frames.push(Frame { sources: vec![source], ..Default::default() });
        if self.expr(&g.expr, target).is_err() {
            self.op(Op::Null, 0, target as i32, 0);
        }
        self.frames = saved;
        let aff = t.columns[col].affinity;
        self.emit(Op::Affinity, target as i32, 1, 0, P4::Affinity(aff.code().to_string()), 0);
    }

    /// Computes the generated columns of the row image r[base..] (rowid
    /// in r[rowid]).
    pub fn compute_generated(&mut self, t: &Rc<Table>, base: usize, rowid: usize) -> Result<()> {
        if t.generated.is_empty() {
            return Ok(());
        }
        let frame = Frame { reg_rows: vec![(String::new(), t.clone(), base, rowid), (t.name.clone(), t.clone(), base, rowid)], ..Default::default() };
        let saved = std::mem::take(&mut self.frames);
        self.frames.push(frame);
        let mut r = Ok(());
        for i in crate::schema::generated::compute_order(t) {
            let Some(g) = t.generated_col(i).cloned() else { continue };
            r = self.expr(&g.expr, base + i);
            if r.is_err() {
                break;
            }
            let aff = t.columns[i].affinity;
            self.emit(Op::Affinity, (base + i) as i32, 1, 0, P4::Affinity(aff.code().to_string()), 0);
        }
        self.frames = saved;
        r
    }

    /// The registers to make the record from: the image itself, or a copy
    /// of its non-virtual columns. Returns (first register, count).
    pub fn record_regs(&mut self, t: &Table, base: usize) -> (usize, usize) {
        if !t.has_virtual() {
            return (base, t.columns.len());
        }
        let stored: Vec<usize> = (0..t.columns.len()).filter(|&i| !t.is_virtual(i)).collect();
        let out = self.regs(stored.len());
        for (k, &i) in stored.iter().enumerate() {
            self.op(Op::Copy, (base + i) as i32, (out + k) as i32, 0);
        }
        (out, stored.len())
    }
}
