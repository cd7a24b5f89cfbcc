//! REINDEX [collation | table | index | main.name]: empties each chosen
//! index b-tree and refills it from its table, as SQLite rebuilds indexes.
//!
//! Chosen indexes: all (no target); those with a column of the named
//! collation; every index of the named table; the named index. The
//! PRIMARY KEY of a WITHOUT ROWID table is the table itself and is left
//! alone, as are expression and partial indexes (their keys are computed
//! by the write paths that maintain them, so they are already current).

use super::Builder;
use crate::error::{Error, Result};
use crate::schema::build::collation_by_name;
use crate::schema::{Index, Table};
use crate::value::Value;
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::QualifiedName;
use std::rc::Rc;

pub fn compile_reindex(b: &mut Builder<'_>, target: Option<&QualifiedName>) -> Result<()> {
    let mut chosen: Vec<(Rc<Table>, Rc<Index>)> = Vec::new();
    let all = |b: &Builder<'_>| -> Vec<(Rc<Table>, Rc<Index>)> {
        let mut v: Vec<(Rc<Table>, Rc<Index>)> = b.schema.tables.values().flat_map(|t| t.indexes.iter().map(move |i| (t.clone(), i.clone()))).collect();
        v.sort_by_key(|(_, i)| i.root);
        v
    };
    match target {
        None => chosen = all(b),
        Some(q) => {
            if let Some(s) = &q.schema {
                if !s.eq_ignore_ascii_case("main") {
                    return Err(Error::sql(format!("unknown database {s}")));
                }
            }
            let n = &q.name;
            if q.schema.is_none() && collation_by_name(n).is_ok() {
                let c = collation_by_name(n)?;
                chosen = all(b).into_iter().filter(|(_, i)| i.columns.iter().any(|x| x.collation == c)).collect();
            } else if let Some(t) = b.schema.table(n) {
                chosen = t.indexes.iter().map(|i| (t.clone(), i.clone())).collect();
            } else if let Some(i) = b.schema.index(n) {
                if let Some(t) = b.schema.table(&i.table) {
                    chosen.push((t.clone(), i.clone()));
                }
            } else {
                return Err(Error::sql("unable to identify the object to be reindexed"));
            }
        }
    }
    chosen.retain(|(t, i)| !t.is_pk_tree(i) && !i.unsupported && i.partial.is_none());
    b.begin(true);
    for (t, idx) in &chosen {
        b.op(Op::Clear, idx.root as i32, 0, 0);
        let root = b.reg();
        b.load_value(&Value::Integer(i64::from(idx.root)), root);
        if t.without_rowid {
            b.fill_index_without_rowid(t, idx, root)?;
        } else {
            fill_rowid_index(b, t, idx, root);
        }
    }
    Ok(())
}

/// Refills index `idx` of rowid table `t` (root in r[root]): one entry of
/// the indexed columns and the rowid per row.
fn fill_rowid_index(b: &mut Builder<'_>, t: &Table, idx: &Index, root: usize) {
    let tc = b.cursor();
    let ic = b.cursor();
    b.open_table_cursor(Op::OpenRead, tc, t);
    b.emit(Op::OpenWrite, ic, root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 1);
    let empty = b.op(Op::Rewind, tc, 0, 0);
    let top = b.here();
    let n = idx.columns.len();
    let k = b.regs(n + 1);
    for (j, col) in idx.columns.iter().enumerate() {
        if t.rowid_alias == Some(col.column) {
            b.op(Op::Rowid, tc, (k + j) as i32, 0);
        } else {
            b.emit_column(tc, t, col.column, k + j);
        }
    }
    b.op(Op::Rowid, tc, (k + n) as i32, 0);
    let rec = b.reg();
    b.op(Op::MakeRecord, k as i32, (n + 1) as i32, rec as i32);
    b.op(Op::IdxInsert, ic, rec as i32, 0);
    b.op(Op::Next, tc, top, 0);
    b.patch(empty);
}
