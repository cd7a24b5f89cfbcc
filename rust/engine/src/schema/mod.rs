//! The schema: tables and indexes as described by `sqlite_schema`
//! (page 1: columns type, name, tbl_name, rootpage, sql), built by parsing
//! the stored CREATE statements.
//!
//! Invariants:
//! - Names are matched case-insensitively (keys are ASCII-lowercased).
//! - `Table::rowid_alias` is the INTEGER PRIMARY KEY column, whose value is
//!   the rowid and which is stored as NULL in the record.
//! - Every index's key is its columns followed by the rowid; `key_info`
//!   describes the declared columns (the trailing rowid compares BINARY ASC).
//! - `cookie` is the schema cookie (header offset 40) the schema was read at.

pub mod build;
pub mod fkey;
pub mod generated;
pub mod introspect;
pub mod index_expr;
pub mod load;
pub mod rename;
pub mod strict;
pub mod without_rowid;

use crate::storage::record::{Collation, KeyInfo};
use crate::value::affinity::Affinity;
use ferrolite_parser::ast::Expr;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Clone, Debug)]
pub struct Column {
    pub name: String,
    pub decltype: Option<String>,
    pub affinity: Affinity,
    pub notnull: bool,
    /// DEFAULT expression and its source text.
    pub default: Option<(Expr, String)>,
    pub collation: Collation,
    /// 1-based position in the PRIMARY KEY, 0 if not part of it.
    pub pk: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Table {
    pub name: String,
    pub root: u32,
    pub columns: Vec<Column>,
    pub rowid_alias: Option<usize>,
    pub sql: String,
    pub without_rowid: bool,
    /// Indexes on this table, in creation order (autoindexes first).
    pub indexes: Vec<Rc<Index>>,
    /// CHECK constraints: the name SQLite reports (constraint name, or the
    /// expression's text) and the expression.
    pub checks: Vec<(String, Expr)>,
    /// FOREIGN KEY constraints (child side), in SQLite's list order.
    pub fkeys: Vec<fkey::ForeignKey>,
    /// INTEGER PRIMARY KEY AUTOINCREMENT (rowids tracked in sqlite_sequence).
    pub autoinc: bool,
    /// STRICT table: the type code of each column (`strict::INT`...);
    /// empty for ordinary tables.
    pub strict_types: Vec<u8>,
    /// Generated column definitions by column (empty when there are none).
    pub generated: Vec<Option<generated::Generated>>,
    /// Position among the tables in sqlite_schema (rowid order, from 1).
    pub schema_order: usize,
}

#[derive(Clone, Debug)]
pub struct IndexColumn {
    /// Table column index (`usize::MAX` for an expression column).
    pub column: usize,
    pub desc: bool,
    pub collation: Collation,
    /// The indexed expression (CREATE INDEX ... ON t(expr)), else None.
    pub expr: Option<Expr>,
}

/// Why an index exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexOrigin {
    /// CREATE INDEX
    Create,
    /// UNIQUE constraint
    Unique,
    /// PRIMARY KEY constraint (not a rowid alias)
    PrimaryKey,
}

#[derive(Clone, Debug)]
pub struct Index {
    pub name: String,
    pub table: String,
    pub root: u32,
    pub columns: Vec<IndexColumn>,
    pub unique: bool,
    pub origin: IndexOrigin,
    pub key_info: Rc<KeyInfo>,
    /// CREATE INDEX text (None for autoindexes).
    pub sql: Option<String>,
    /// Partial index WHERE clause.
    pub partial: Option<Expr>,
    /// The index has expression columns: writes maintain it, but the
    /// planner does not use it for lookups or ORDER BY.
    pub unsupported: bool,
}

impl Index {
    pub fn make_key_info(cols: &[IndexColumn]) -> Rc<KeyInfo> {
        Rc::new(KeyInfo {
            collations: cols.iter().map(|c| c.collation).collect(),
            desc: cols.iter().map(|c| c.desc).collect(),
        })
    }
}

/// Other schema objects kept only so their names are reserved.
#[derive(Clone, Debug)]
pub struct OtherObject {
    pub kind: String,
    pub name: String,
    pub tbl_name: String,
}

/// A view: its stored text and the parsed SELECT (spans index `sql`).
#[derive(Clone, Debug)]
pub struct View {
    pub name: String,
    pub columns: Vec<String>,
    pub select: ferrolite_parser::ast::Select,
    pub sql: String,
}

/// A trigger (FOR EACH ROW; statement-level triggers do not exist in SQLite).
#[derive(Clone, Debug)]
pub struct Trigger {
    pub name: String,
    pub table: String,
    /// None = BEFORE (SQLite's default).
    pub time: Option<ferrolite_parser::ast::TriggerTime>,
    pub event: ferrolite_parser::ast::TriggerEvent,
    pub when: Option<Expr>,
    pub body: Vec<ferrolite_parser::ast::Stmt>,
}

#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub cookie: u32,
    pub tables: HashMap<String, Rc<Table>>,
    pub indexes: HashMap<String, Rc<Index>>,
    /// Views, triggers and virtual tables by name (kind in `OtherObject`).
    pub others: HashMap<String, OtherObject>,
    pub views: HashMap<String, Rc<View>>,
    pub triggers: Vec<Rc<Trigger>>,
    /// Lower-case names of the connection's TEMP views (also in `views`).
    pub temp_views: std::collections::HashSet<String>,
    /// PRAGMA foreign_keys of the connection when this schema was installed
    /// (the compiler codes FK enforcement only when it is on).
    pub foreign_keys: bool,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Rc<Table>> {
        let l = name.to_ascii_lowercase();
        if l == "sqlite_master" || l == "sqlite_schema" {
            return self.tables.get("sqlite_schema");
        }
        self.tables.get(&l)
    }
    /// Triggers on `table` for `event` kind (0 insert, 1 update, 2 delete) at `time`.
    pub fn triggers_for(&self, table: &str, kind: u8, before: bool) -> Vec<Rc<Trigger>> {
        use ferrolite_parser::ast::{TriggerEvent, TriggerTime};
        self.triggers
            .iter()
            .filter(|t| t.table.eq_ignore_ascii_case(table))
            .filter(|t| {
                let k = match t.event {
                    TriggerEvent::Insert => 0,
                    TriggerEvent::Update { .. } => 1,
                    TriggerEvent::Delete => 2,
                };
                k == kind && (t.time == Some(TriggerTime::Before) || t.time.is_none()) == before && t.time != Some(TriggerTime::InsteadOf)
            })
            .cloned()
            .collect()
    }
    /// Foreign keys whose parent is `parent`: (child table, index into its `fkeys`),
    /// child tables by name, each table's keys in list order.
    pub fn fkeys_referencing(&self, parent: &str) -> Vec<(Rc<Table>, usize)> {
        let mut kids: Vec<&Rc<Table>> = self.tables.values().filter(|t| t.fkeys.iter().any(|f| f.to_table.eq_ignore_ascii_case(parent))).collect();
        kids.sort_by(|a, b| a.name.cmp(&b.name));
        let mut out = Vec::new();
        for t in kids {
            for (k, f) in t.fkeys.iter().enumerate() {
                if f.to_table.eq_ignore_ascii_case(parent) {
                    out.push((t.clone(), k));
                }
            }
        }
        out
    }
    pub fn view(&self, name: &str) -> Option<&Rc<View>> {
        self.views.get(&name.to_ascii_lowercase())
    }
    pub fn index(&self, name: &str) -> Option<&Rc<Index>> {
        self.indexes.get(&name.to_ascii_lowercase())
    }
    /// Any object (table, index, view, trigger) of that name.
    pub fn object_exists(&self, name: &str) -> bool {
        let l = name.to_ascii_lowercase();
        self.tables.contains_key(&l) || self.indexes.contains_key(&l) || self.others.contains_key(&l)
    }
}

impl Table {
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name.eq_ignore_ascii_case(name))
    }
    /// The sqlite_schema table itself.
    pub fn sqlite_schema() -> Table {
        let col = |n: &str, t: &str| Column {
            name: n.to_string(),
            decltype: Some(t.to_string()),
            affinity: Affinity::from_decltype(t),
            notnull: false,
            default: None,
            collation: Collation::Binary,
            pk: 0,
        };
        Table {
            name: "sqlite_schema".to_string(),
            root: 1,
            columns: vec![col("type", "text"), col("name", "text"), col("tbl_name", "text"), col("rootpage", "int"), col("sql", "text")],
            rowid_alias: None,
            sql: "CREATE TABLE sqlite_schema(type text,name text,tbl_name text,rootpage int,sql text)".to_string(),
            without_rowid: false,
            indexes: Vec::new(),
            checks: Vec::new(),
            ..Default::default()
        }
    }
}
