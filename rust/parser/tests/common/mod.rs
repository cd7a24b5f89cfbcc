//! Helpers shared by the parser's integration tests.
#![allow(dead_code)]

use ferrolite_parser::*;

/// Parse exactly one statement, panicking with the error otherwise.
pub fn stmt(sql: &str) -> Stmt {
    match parse_one(sql) {
        Ok(Some((s, _))) => s,
        Ok(None) => panic!("no statement in {sql:?}"),
        Err(e) => panic!("{sql:?} failed: {} at {}", e.message, e.offset),
    }
}

/// The error message for `sql` (panics if it parses).
pub fn err(sql: &str) -> String {
    match parse_one(sql) {
        Ok(_) => panic!("{:?} parsed but should fail", &sql[..sql.len().min(200)]),
        Err(e) => e.message,
    }
}

pub fn select(sql: &str) -> Select {
    match stmt(sql) {
        Stmt::Select(s) => *s,
        other => panic!("not a select: {other:?}"),
    }
}

pub fn core(sql: &str) -> SelectClause {
    match select(sql).body.first {
        SelectCore::Select(c) => *c,
        other => panic!("not a select core: {other:?}"),
    }
}

/// The first result expression of `SELECT <e>`.
pub fn expr(e: &str) -> Expr {
    let sql = format!("SELECT {e}");
    match core(&sql).columns.into_iter().next() {
        Some(ResultColumn::Expr { expr, .. }) => expr,
        other => panic!("no expression: {other:?}"),
    }
}

/// `SELECT <e>` rendered back, fully parenthesised.
pub fn show(e: &str) -> String {
    expr(e).to_string()
}

pub fn col(name: &str) -> Expr {
    Expr::Column {
        schema: None,
        table: None,
        column: name.to_string(),
        double_quoted: false,
    }
}

pub fn int(i: i64) -> Expr {
    Expr::Literal(Literal::Integer(i))
}
