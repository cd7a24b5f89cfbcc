//! UPDATE ... FROM (SQLite 3.33+ semantics). Pass 1 runs the join of the
//! target table with the FROM items (WHERE applied) and stores one sorter
//! row per join row: `[target rowid, sequence, SET values...]`, sorted by
//! rowid ascending then sequence descending. Pass 2 walks it in rowid order
//! and rewrites each target row once, with the values of the last join row
//! that matched it (SQLite keeps them in an ephemeral table keyed by the
//! rowid, where a later insert replaces an earlier one). SET expressions
//! read the join row, so pass 2 maps each one to its stored register.

use super::*;
use crate::storage::record::{Collation, KeyInfo};

/// Compiles `u` (which has a FROM clause); `sets` / `rowid_set` are the
/// SET expressions by column, as `compile_update` resolved them.
pub(super) fn compile_update_from(
    b: &mut Builder<'_>,
    u: &Update,
    t: &Rc<Table>,
    sets: &[Option<&Expr>],
    rowid_set: Option<&Expr>,
    from: &ferrolite_parser::ast::FromItem,
) -> Result<()> {
    b.begin(true);
    b.counts_changes = true;
    let name = u.alias.clone().unwrap_or_else(|| t.name.clone());
    // Pass 1: the join.
    let target = b.cursor();
    let mut frame = Frame::default();
    frame.sources.push(Source { table: t.clone(), name: name.clone(), cursor: target, hidden: Vec::new() });
    let mut joins = vec![JoinInfo::default()];
    b.flatten_from(from, &mut frame, &mut joins)?;
    let mut set_exprs: Vec<Expr> = Vec::new();
    for e in sets.iter().flatten().copied().chain(rowid_set) {
        if !set_exprs.contains(e) {
            set_exprs.push(e.clone());
        }
    }
    let n = set_exprs.len();
    let sorter = b.cursor();
    let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary; 2], desc: vec![false, true] });
    b.emit(Op::SorterOpen, sorter, 2, 0, P4::KeyInfo(ki), 0);
    let seq = b.reg();
    b.op(Op::Integer, 0, seq as i32, 0);
    let one = b.reg();
    b.op(Op::Integer, 1, one as i32, 0);
    b.frames.push(frame);
    let res = {
        let exprs = &set_exprs;
        let mut body = |b: &mut Builder<'_>| -> Result<()> {
            let blk = b.regs(2 + n);
            b.op(Op::Rowid, target, blk as i32, 0);
            b.op(Op::Add, seq as i32, one as i32, seq as i32);
            b.op(Op::Copy, seq as i32, (blk + 1) as i32, 0);
            for (k, e) in exprs.iter().enumerate() {
                b.expr(e, blk + 2 + k)?;
            }
            b.op(Op::SorterInsert, sorter, blk as i32, (2 + n) as i32);
            Ok(())
        };
        b.gen_loops(&joins, u.where_clause.as_ref(), &mut body)
    };
    b.frames.pop();
    res?;
    // Pass 2: one update per target rowid.
    let (cur, ics) = b.open_write(t);
    b.setup_returning(&u.returning, t, &u.alias, cur)?;
    let mut frame = Frame::default();
    frame.sources.push(Source { table: t.clone(), name, cursor: cur, hidden: Vec::new() });
    b.frames.push(frame);
    let res = (|| -> Result<()> {
        let prev = b.reg();
        b.op(Op::Null, 0, prev as i32, 0);
        let empty = b.op(Op::SorterSort, sorter, 0, 0);
        let top = b.here();
        let rold = b.reg();
        b.op(Op::Column, sorter, 0, rold as i32);
        let same = b.reg();
        b.op(Op::Eq, prev as i32, rold as i32, same as i32);
        let dup = b.op(Op::If, same as i32, 0, 0);
        b.op(Op::Copy, rold as i32, prev as i32, 0);
        let vals = b.regs(n);
        for k in 0..n {
            b.op(Op::Column, sorter, (2 + k) as i32, (vals + k) as i32);
        }
        let gone = b.op(Op::SeekRowid, cur, 0, rold as i32);
        let raise_mark = b.raise_ignore.len();
        let saved = b.push_map(set_exprs.iter().cloned().zip(vals..));
        let r = b.update_row(t, cur, &ics, sets, rowid_set, rold).and_then(|_| b.emit_returning());
        b.frames.last_mut().expect("frame").map.truncate(saved);
        r?;
        let ignores: Vec<usize> = b.raise_ignore.drain(raise_mark..).collect();
        b.patch_all(&ignores);
        b.patch(gone);
        b.patch(dup);
        b.op(Op::SorterNext, sorter, top, 0);
        b.patch(empty);
        Ok(())
    })();
    b.frames.pop();
    res?;
    b.finish_returning();
    Ok(())
}
