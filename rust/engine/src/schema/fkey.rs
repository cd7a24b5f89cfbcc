//! FOREIGN KEY constraints as the schema keeps them: one `ForeignKey` per
//! REFERENCES clause (column constraint) or FOREIGN KEY table constraint of
//! a CREATE TABLE, with the child columns resolved to column indexes and the
//! parent kept by name (the parent table may not exist, or may be created
//! later, as in SQLite).
//!
//! Invariants:
//! - `Table::fkeys` is in SQLite's list order: the LAST declared constraint
//!   first (SQLite prepends each new FKey), so position k is the `id` PRAGMA
//!   foreign_key_list and foreign_key_check report.
//! - `to_cols` is empty when the clause names no parent columns (the parent's
//!   PRIMARY KEY is meant); otherwise it has as many names as `from_cols`.
//! - `deferred` is true only for `DEFERRABLE INITIALLY DEFERRED` (SQLite's
//!   isDeferred); `NOT DEFERRABLE ...` and plain `DEFERRABLE` are immediate.

use super::Table;
use crate::error::{Error, Result};
use ferrolite_parser::ast::{ColumnConstraintKind, CreateTableBody, CreateTable, Deferrable, FkAction, ForeignKeyClause, TableConstraintKind};

#[derive(Clone, Debug, PartialEq)]
pub struct ForeignKey {
    /// Child (this table's) columns, in the clause's order.
    pub from_cols: Vec<usize>,
    /// Parent table name as written.
    pub to_table: String,
    /// Parent column names as written (empty: the parent's PRIMARY KEY).
    pub to_cols: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    pub deferred: bool,
    /// What foreign_key_list shows as `match`: always "NONE" (SQLite parses
    /// MATCH and ignores it).
    pub match_name: String,
}

/// SQLite's name of an action (foreign_key_list's on_update/on_delete).
pub fn action_name(a: FkAction) -> &'static str {
    match a {
        FkAction::SetNull => "SET NULL",
        FkAction::SetDefault => "SET DEFAULT",
        FkAction::Cascade => "CASCADE",
        FkAction::Restrict => "RESTRICT",
        FkAction::NoAction => "NO ACTION",
    }
}

fn is_deferred(d: Option<Deferrable>) -> bool {
    matches!(d, Some(Deferrable { not: false, initially_deferred: Some(true) }))
}

fn make(t: &Table, from: &[String], clause: &ForeignKeyClause, column_level: bool) -> Result<ForeignKey> {
    let mut from_cols = Vec::new();
    for c in from {
        match t.column_index(c) {
            Some(i) => from_cols.push(i),
            None => return Err(Error::sql(format!("unknown column \"{c}\" in foreign key definition"))),
        }
    }
    if column_level && clause.columns.len() > 1 {
        return Err(Error::sql(format!("foreign key on {} should reference only one column of table {}", from[0], clause.table)));
    }
    if !clause.columns.is_empty() && clause.columns.len() != from_cols.len() {
        return Err(Error::sql("number of columns in foreign key does not match the number of columns in the referenced table"));
    }
    Ok(ForeignKey {
        from_cols,
        to_table: clause.table.clone(),
        to_cols: clause.columns.clone(),
        on_delete: clause.on_delete.unwrap_or(FkAction::NoAction),
        on_update: clause.on_update.unwrap_or(FkAction::NoAction),
        deferred: is_deferred(clause.deferrable),
        match_name: "NONE".to_string(),
    })
}

/// The foreign keys of `ct` (whose columns are already in `t`), in SQLite's
/// list order (last declared first).
pub fn build_fkeys(ct: &CreateTable, t: &Table) -> Result<Vec<ForeignKey>> {
    let CreateTableBody::Columns { columns, constraints, .. } = &ct.body else { return Ok(Vec::new()) };
    let mut out: Vec<ForeignKey> = Vec::new();
    for cd in columns {
        for c in &cd.constraints {
            match &c.kind {
                ColumnConstraintKind::References(clause) => out.push(make(t, std::slice::from_ref(&cd.name), clause, true)?),
                ColumnConstraintKind::Deferrable(d) => {
                    // Applies to the most recently declared foreign key.
                    if let Some(last) = out.last_mut() {
                        last.deferred = is_deferred(Some(*d));
                    }
                }
                _ => {}
            }
        }
    }
    for tc in constraints {
        if let TableConstraintKind::ForeignKey { columns: from, clause } = &tc.kind {
            out.push(make(t, from, clause, false)?);
        }
    }
    out.reverse();
    Ok(out)
}
