//! The table-valued forms of the introspection pragmas
//! (`SELECT * FROM pragma_table_info('t')`, `... JOIN
//! pragma_index_list(m.name) p`) and the PRAGMA statements whose rows are
//! produced at run time (index_xinfo, database_list).
//!
//! A `pragma_<name>(args)` source is an in-memory sorter whose columns are
//! the pragma's result columns plus the hidden `arg` and `schema` (left out
//! of `*` and reachable qualified, e.g. `p.arg`). The loop refills it with
//! `PragmaRows` each time it reaches the source's level, evaluating the
//! arguments there, so they may name columns of earlier sources.
//!
//! Without arguments, an equality `arg = X` (or `schema = X`) among the
//! WHERE/ON terms of the source's level supplies them, as SQLite's pragma
//! virtual table takes them from constraints; the hidden columns are
//! reachable qualified and unqualified.

use super::resolve::Source;
use super::Builder;
use crate::error::{Error, Result};
use crate::schema::{introspect, Column, Table};
use crate::storage::record::Collation;
use crate::value::affinity::Affinity;
use crate::vdbe::{ColumnMeta, Op, P4};
use ferrolite_parser::ast::{Expr, PragmaValue, QualifiedName};
use std::rc::Rc;

/// The rows of the TEMP schema table (`sqlite_temp_schema`): this
/// connection's TEMP views, produced at run time like a pragma's rows.
pub const TEMP_SCHEMA: &str = "temp_schema";

/// Does `q` name the TEMP schema table (`sqlite_temp_master`,
/// `sqlite_temp_schema`, or `temp.sqlite_master`/`temp.sqlite_schema`)?
pub fn is_temp_schema(q: &QualifiedName) -> bool {
    let n = q.name.to_ascii_lowercase();
    let temp_name = n == "sqlite_temp_master" || n == "sqlite_temp_schema";
    match &q.schema {
        None => temp_name,
        Some(s) => s.eq_ignore_ascii_case("temp") && (temp_name || n == "sqlite_master" || n == "sqlite_schema"),
    }
}

/// Is `name` a table-valued pragma (`pragma_table_info`, ...)?
pub fn is_pragma_function(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.strip_prefix("pragma_").is_some_and(|p| introspect::columns(p).is_some())
}

impl Builder<'_> {
    /// A FROM-clause source for `pragma_<name>(args)`.
    pub fn table_function_source(&mut self, name: &QualifiedName, args: &[Expr], alias: &Option<String>) -> Result<Source> {
        let no_such = || Error::sql(format!("no such table: {}", name.name));
        let lname = name.name.to_ascii_lowercase();
        let pragma = lname.strip_prefix("pragma_").ok_or_else(no_such)?.to_string();
        let cols = introspect::columns(&pragma).ok_or_else(no_such)?;
        let hidden = introspect::takes_arg(&pragma);
        let max = if hidden { 2 } else { 0 };
        if args.len() > max {
            return Err(Error::sql(format!("too many arguments on {}() - max {max}", name.name)));
        }
        let mut names: Vec<&str> = cols.to_vec();
        if hidden {
            names.extend(["arg", "schema"]);
        }
        let columns = names
            .iter()
            .map(|n| Column { name: n.to_string(), decltype: None, affinity: Affinity::Blob, notnull: false, default: None, collation: Collation::Binary, pk: 0 })
            .collect();
        let t = Table { name: name.name.clone(), root: 0, columns, rowid_alias: None, sql: String::new(), without_rowid: true, indexes: Vec::new(), checks: Vec::new(), ..Default::default() };
        let cursor = self.cursor();
        self.op(Op::SorterOpen, cursor, 0, 0);
        self.table_fns.push((cursor, pragma, args.to_vec()));
        let hidden_cols = if hidden { vec![cols.len(), cols.len() + 1] } else { Vec::new() };
        Ok(Source { name: alias.clone().unwrap_or_else(|| name.name.clone()), table: Rc::new(t), cursor, hidden: hidden_cols })
    }

    /// A FROM-clause source for the TEMP schema table.
    pub fn temp_schema_source(&mut self, name: &QualifiedName, alias: &Option<String>) -> Result<Source> {
        let decl = ["text", "text", "text", "int", "text"];
        let columns = ["type", "name", "tbl_name", "rootpage", "sql"]
            .iter()
            .zip(decl)
            .map(|(n, d)| Column { name: n.to_string(), decltype: Some(d.to_string()), affinity: Affinity::from_decltype(d), notnull: false, default: None, collation: Collation::Binary, pk: 0 })
            .collect();
        let t = Table { name: name.name.clone(), root: 0, columns, rowid_alias: None, sql: String::new(), without_rowid: true, indexes: Vec::new(), checks: Vec::new(), ..Default::default() };
        let cursor = self.cursor();
        self.op(Op::SorterOpen, cursor, 0, 0);
        self.table_fns.push((cursor, TEMP_SCHEMA.to_string(), Vec::new()));
        Ok(Source { name: alias.clone().unwrap_or_else(|| name.name.clone()), table: Rc::new(t), cursor, hidden: Vec::new() })
    }

    /// Refills the sorter of a table-valued pragma source (no-op for other
    /// cursors).
    /// Without arguments, `arg = X` / `schema = X` among the level's
    /// `terms` (X not depending on this or later sources) supply them, as
    /// SQLite's pragma virtual table takes them from equality constraints.
    pub fn fill_table_function(&mut self, cursor: i32, terms: &[&Expr], level: usize) -> Result<()> {
        let Some((_, pragma, mut args)) = self.table_fns.iter().find(|t| t.0 == cursor).cloned() else { return Ok(()) };
        if args.is_empty() && pragma != TEMP_SCHEMA && introspect::takes_arg(&pragma) {
            let n = introspect::columns(&pragma).map_or(0, |c| c.len());
            let arg = self.hidden_constraint(cursor, n, terms, level);
            let schema = self.hidden_constraint(cursor, n + 1, terms, level);
            match (arg, schema) {
                (Some(a), Some(s)) => args = vec![a, s],
                (Some(a), None) => args = vec![a],
                (None, Some(s)) => args = vec![Expr::Literal(ferrolite_parser::ast::Literal::Null), s],
                (None, None) => {}
            }
        }
        let regs = self.regs(2);
        for (k, a) in args.iter().enumerate() {
            self.expr(a, regs + k)?;
        }
        let (p2, p3) = match args.len() {
            0 => (0, 0),
            1 => (regs as i32, 0),
            _ => (regs as i32, (regs + 1) as i32),
        };
        let hidden = (pragma != TEMP_SCHEMA && introspect::takes_arg(&pragma)) as u16;
        self.emit(Op::PragmaRows, cursor, p2, p3, P4::Text(pragma), hidden);
        Ok(())
    }
}

impl Builder<'_> {
    /// The other side of a `col = X` term on column `col` of the source
    /// with `cursor`, when X is computable before that source's level.
    fn hidden_constraint(&self, cursor: i32, col: usize, terms: &[&Expr], level: usize) -> Option<Expr> {
        for t in terms {
            let Expr::Binary { op: ferrolite_parser::ast::BinaryOp::Eq, left, right } = t else { continue };
            for (a, x) in [(left, right), (right, left)] {
                let Expr::Column { table, column, .. } = a.as_ref() else { continue };
                let hit = matches!(self.resolve_column(table.as_deref(), column), Ok(Some(super::resolve::ColRef::Column { cursor: c, col: k, .. })) if c == cursor && k == col);
                let usable = !super::expr::has_subquery(x) && self.term_level(x).map_or(true, |l| l < level);
                if hit && usable {
                    return Some((**x).clone());
                }
            }
        }
        None
    }
}

/// PRAGMA statements answered from `introspect` at run time (those
/// `compile_pragma` does not handle itself); unknown pragmas do nothing.
pub fn pragma_statement(b: &mut Builder<'_>, name: &str, value: Option<&PragmaValue>) -> Result<()> {
    let Some(cols) = introspect::columns(name) else { return Ok(()) };
    if introspect::takes_arg(name) && value.is_none() {
        return Ok(());
    }
    let c = b.cursor();
    b.op(Op::SorterOpen, c, 0, 0);
    let arg = b.reg();
    if let Some(v) = value {
        b.load_value(&crate::value::Value::Text(v.value.clone()), arg);
    }
    b.emit(Op::PragmaRows, c, if value.is_some() { arg as i32 } else { 0 }, 0, P4::Text(name.to_string()), 0);
    let n = cols.len();
    let base = b.regs(n);
    let empty = b.op(Op::Rewind, c, 0, 0);
    let top = b.here();
    for k in 0..n {
        b.op(Op::Column, c, k as i32, (base + k) as i32);
    }
    b.op(Op::ResultRow, base as i32, n as i32, 0);
    b.op(Op::Next, c, top, 0);
    b.patch(empty);
    b.columns = cols.iter().map(|n| ColumnMeta { name: n.to_string(), decltype: None }).collect();
    Ok(())
}
