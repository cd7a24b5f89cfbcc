//! The text SQLite stores in sqlite_schema.sql for a CREATE statement.
//!
//! Owns: reproducing SQLite's build.c/trigger.c/vtab.c rules, which do not
//! store the statement as typed but rebuild it from the object name on:
//! - TABLE: `CREATE TABLE ` + name .. `)`; when table options (WITHOUT
//!   ROWID, STRICT) follow, up to the start of the next token (`;` or end of
//!   input), so whitespace/comments before the `;` are kept. `TEMP` and
//!   `IF NOT EXISTS` and a schema prefix are dropped this way.
//!   `CREATE TABLE ... AS SELECT` text is generated from the result columns
//!   by the compiler, so it gets None here.
//! - INDEX: `CREATE INDEX ` / `CREATE UNIQUE INDEX ` + name .. start of the
//!   next token.
//! - VIEW: `CREATE VIEW ` + name .. start of the next token, trailing
//!   whitespace trimmed.
//! - TRIGGER: `CREATE TRIGGER ` + name .. END.
//! - VIRTUAL TABLE: `CREATE VIRTUAL TABLE ` + name .. last token.
//!
//! `alter_add_column_text` gives the column definition text ALTER TABLE ADD
//! COLUMN splices into the table's stored SQL (trailing `;` and whitespace
//! removed, as sqlite3AlterFinishAddColumn does).

use crate::ast::{AlterAction, CreateTableBody, Stmt, TableOptions};
use crate::parser::ParsedStmt;

fn trim_sqlite_space_end(s: &str) -> &str {
    s.trim_end_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r'])
}

/// The sqlite_schema.sql text for `parsed` (parsed from `sql`), or None if
/// the statement is not a CREATE whose text SQLite copies from the input.
pub fn schema_sql(sql: &str, parsed: &ParsedStmt) -> Option<String> {
    let slice = |a: usize, b: usize| sql.get(a..b.max(a)).unwrap_or("");
    match &parsed.stmt {
        Stmt::CreateTable(ct) => match &ct.body {
            CreateTableBody::Columns { options, .. } => {
                let end = if *options != TableOptions::default() {
                    parsed.tail_start
                } else {
                    parsed.span.end
                };
                Some(format!("CREATE TABLE {}", slice(ct.name_start, end)))
            }
            CreateTableBody::AsSelect(_) => None,
        },
        Stmt::CreateIndex(ci) => {
            let kw = if ci.unique {
                "CREATE UNIQUE INDEX"
            } else {
                "CREATE INDEX"
            };
            Some(format!("{kw} {}", slice(ci.name_start, parsed.tail_start)))
        }
        Stmt::CreateView(cv) => Some(format!(
            "CREATE VIEW {}",
            trim_sqlite_space_end(slice(cv.name_start, parsed.tail_start))
        )),
        Stmt::CreateTrigger(tr) => Some(format!(
            "CREATE TRIGGER {}",
            slice(tr.name_start, parsed.span.end)
        )),
        Stmt::CreateVirtualTable(vt) => Some(format!(
            "CREATE VIRTUAL TABLE {}",
            slice(vt.name_start, parsed.span.end)
        )),
        _ => None,
    }
}

/// For `ALTER TABLE t ADD [COLUMN] def`, the text of `def` as SQLite
/// appends it to the stored CREATE TABLE.
pub fn alter_add_column_text(sql: &str, parsed: &ParsedStmt) -> Option<String> {
    match &parsed.stmt {
        Stmt::AlterTable(at) => match &at.action {
            AlterAction::AddColumn(def) => {
                let text = sql
                    .get(def.span.start..parsed.tail_start.max(def.span.start))
                    .unwrap_or("");
                Some(
                    text.trim_end_matches([';', ' ', '\t', '\n', '\x0b', '\x0c', '\r'])
                        .to_string(),
                )
            }
            _ => None,
        },
        _ => None,
    }
}
