//! Generated columns (`[GENERATED ALWAYS] AS (expr) [VIRTUAL|STORED]`).
//!
//! Format: a STORED column occupies its field of the record like any other
//! column; a VIRTUAL column has no field — the record holds the table's
//! non-virtual columns in declared order, so column i is field
//! `storage_index(i)` — and is computed from the other columns whenever it
//! is read.
//!
//! Checks at CREATE TABLE, in SQLite's order and words: DEFAULT ("cannot use
//! DEFAULT on a generated column"), PRIMARY KEY ("generated columns cannot be
//! part of the PRIMARY KEY"), at least one ordinary column, then each
//! expression: columns of the table only ("no such column: x"), no
//! subqueries, no non-deterministic functions, no dependency loop
//! ("generated column loop on \"b\"").

use super::Table;
use crate::error::{Error, Result};
use ferrolite_parser::ast::{ColumnConstraintKind, CreateTable, CreateTableBody, Expr, FunctionArgs};

#[derive(Clone, Debug)]
pub struct Generated {
    pub expr: Expr,
    pub stored: bool,
}

impl Table {
    /// The generated-column definition of column `i`, if it is one.
    pub fn generated_col(&self, i: usize) -> Option<&Generated> {
        self.generated.get(i).and_then(|g| g.as_ref())
    }
    pub fn is_virtual(&self, i: usize) -> bool {
        self.generated_col(i).is_some_and(|g| !g.stored)
    }
    pub fn has_virtual(&self) -> bool {
        (0..self.columns.len()).any(|i| self.is_virtual(i))
    }
    /// Record field of column `i` (virtual columns before it take none).
    pub fn storage_index(&self, i: usize) -> usize {
        if self.generated.is_empty() {
            return i;
        }
        (0..i).filter(|&k| !self.is_virtual(k)).count()
    }
}

const NON_DETERMINISTIC: &[&str] = &["random", "randomblob", "changes", "last_insert_rowid", "total_changes"];

/// Column names an expression reads (unqualified or qualified by anything).
fn check_expr(e: &Expr, t: &Table, deps: &mut Vec<usize>) -> Result<()> {
    match e {
        Expr::Column { column, .. } => match t.column_index(column) {
            Some(i) => deps.push(i),
            None => return Err(Error::sql(format!("no such column: {column}"))),
        },
        Expr::Subquery(_) | Expr::Exists(_) | Expr::In { rhs: ferrolite_parser::ast::InRhs::Select(_), .. } => {
            return Err(Error::sql("subqueries prohibited in generated columns"));
        }
        Expr::Function(f) if NON_DETERMINISTIC.iter().any(|n| f.name.eq_ignore_ascii_case(n)) => {
            return Err(Error::sql("non-deterministic functions prohibited in generated columns"));
        }
        Expr::Function(f) => {
            if let FunctionArgs::List(args) = &f.args {
                for a in args {
                    check_expr(a, t, deps)?;
                }
            }
            return Ok(());
        }
        _ => {}
    }
    let mut r = Ok(());
    crate::compile::expr::children(e, &mut |c| {
        if r.is_ok() {
            r = check_expr(c, t, deps);
        }
    });
    r
}

/// The generated columns of `ct` (columns already in `t`), checked.
pub fn build_generated(ct: &CreateTable, t: &Table) -> Result<Vec<Option<Generated>>> {
    let CreateTableBody::Columns { columns, .. } = &ct.body else { return Ok(Vec::new()) };
    let mut out: Vec<Option<Generated>> = vec![None; t.columns.len()];
    let mut any = false;
    for (i, cd) in columns.iter().enumerate() {
        let mut g = None;
        let mut has_default = false;
        for c in &cd.constraints {
            match &c.kind {
                ColumnConstraintKind::Generated { expr, stored } => g = Some(Generated { expr: expr.clone(), stored: *stored }),
                ColumnConstraintKind::Default { .. } => has_default = true,
                _ => {}
            }
        }
        if g.is_some() {
            if has_default {
                return Err(Error::sql("cannot use DEFAULT on a generated column"));
            }
            if t.columns[i].pk > 0 {
                return Err(Error::sql("generated columns cannot be part of the PRIMARY KEY"));
            }
            any = true;
        }
        if i < out.len() {
            out[i] = g;
        }
    }
    if !any {
        return Ok(Vec::new());
    }
    if out.iter().all(|g| g.is_some()) {
        return Err(Error::sql("must have at least one non-generated column"));
    }
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); out.len()];
    for (i, g) in out.iter().enumerate() {
        if let Some(g) = g {
            check_expr(&g.expr, t, &mut deps[i])?;
        }
    }
    // Dependency loops, found as SQLite finds them: passes over the
    // generated columns in order, each computing those whose inputs are
    // ready; a pass without progress names the last column it put off.
    let mut ready: Vec<bool> = out.iter().map(|g| g.is_none()).collect();
    loop {
        let mut progress = false;
        let mut redo = None;
        for i in 0..out.len() {
            if ready[i] {
                continue;
            }
            if deps[i].iter().all(|&d| ready[d]) {
                ready[i] = true;
                progress = true;
            } else {
                redo = Some(i);
            }
        }
        match redo {
            None => break,
            Some(r) if !progress => return Err(Error::sql(format!("generated column loop on \"{}\"", t.columns[r].name))),
            Some(_) => {}
        }
    }
    Ok(out)
}

/// Generated columns in an order where each comes after the generated
/// columns it reads (loops were refused at CREATE).
pub fn compute_order(t: &Table) -> Vec<usize> {
    let n = t.columns.len();
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, d) in deps.iter_mut().enumerate() {
        if let Some(g) = t.generated_col(i) {
            let _ = check_expr(&g.expr, t, d);
        }
    }
    let mut done = vec![false; n];
    let mut order = Vec::new();
    fn visit(i: usize, t: &Table, deps: &[Vec<usize>], done: &mut [bool], order: &mut Vec<usize>, depth: usize) {
        if done[i] || depth > deps.len() {
            return;
        }
        done[i] = true;
        for &d in &deps[i] {
            if t.generated_col(d).is_some() {
                visit(d, t, deps, done, order, depth + 1);
            }
        }
        order.push(i);
    }
    for i in 0..n {
        if t.generated_col(i).is_some() {
            visit(i, t, &deps, &mut done, &mut order, 0);
        }
    }
    order
}
