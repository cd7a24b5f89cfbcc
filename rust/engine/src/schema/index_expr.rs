//! Checks on the expressions of an index (`CREATE INDEX ... ON t(expr)`)
//! and on a partial index's WHERE clause, with SQLite's messages: only
//! columns of the indexed table (unqualified), deterministic scalar
//! functions, no subqueries and no parameters.

use super::Table;
use crate::error::{Error, Result};
use crate::func::{self, FuncKind};
use ferrolite_parser::ast::{Expr, FunctionArgs, InRhs};

/// Checks `e` for use in `what` ("index expressions" or "partial index
/// WHERE clauses") of an index on `t`.
pub fn check_index_expr(t: &Table, e: &Expr, what: &str) -> Result<()> {
    let mut err: Option<Error> = None;
    walk(t, e, what, &mut err, 0);
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn walk(t: &Table, e: &Expr, what: &str, err: &mut Option<Error>, depth: usize) {
    if err.is_some() {
        return;
    }
    if depth > 200 {
        *err = Some(Error::sql("Expression tree is too large (maximum depth 1000)"));
        return;
    }
    match e {
        Expr::Subquery(_) | Expr::Exists(_) | Expr::In { rhs: InRhs::Select(_) | InRhs::Table { .. }, .. } => {
            *err = Some(Error::sql(format!("subqueries prohibited in {what}")));
            return;
        }
        Expr::Param(_) => {
            *err = Some(Error::sql(format!("parameters prohibited in {what}")));
            return;
        }
        Expr::Column { table: Some(q), column, .. } => {
            *err = Some(if q.eq_ignore_ascii_case(&t.name) {
                Error::sql(format!("the \".\" operator prohibited in {what}"))
            } else {
                Error::sql(format!("no such column: {q}.{column}"))
            });
            return;
        }
        Expr::Column { table: None, column, double_quoted, .. } => {
            let known = t.column_index(column).is_some()
                || crate::compile::resolve::is_rowid_name(column)
                || *double_quoted
                || column.eq_ignore_ascii_case("true")
                || column.eq_ignore_ascii_case("false");
            if !known {
                *err = Some(Error::sql(format!("no such column: {column}")));
            }
            return;
        }
        Expr::Function(fc) => {
            let n = match &fc.args {
                FunctionArgs::Star => 0,
                FunctionArgs::List(a) => a.len(),
            };
            match func::lookup(&fc.name, n, false) {
                Ok(f) => match f.kind {
                    FuncKind::Aggregate(_) => {
                        *err = Some(Error::sql(format!("misuse of aggregate function {}()", fc.name)));
                        return;
                    }
                    FuncKind::Scalar(_) if !f.deterministic => {
                        *err = Some(Error::sql(format!("non-deterministic functions prohibited in {what}")));
                        return;
                    }
                    _ => {}
                },
                Err(true) => {
                    *err = Some(Error::sql(format!("wrong number of arguments to function {}()", fc.name)));
                    return;
                }
                Err(false) => {
                    *err = Some(Error::sql(format!("no such function: {}", fc.name)));
                    return;
                }
            }
        }
        _ => {}
    }
    crate::compile::expr::children(e, &mut |c| walk(t, c, what, err, depth + 1));
}
