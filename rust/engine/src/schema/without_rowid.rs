//! WITHOUT ROWID tables in the schema, laid out as SQLite lays them out.
//!
//! Format (fileformat2 §2.5 "WITHOUT ROWID tables", SQLite's
//! `convertToWithoutRowidTable`):
//! - The table is an *index* b-tree rooted at `Table::root`. Each entry is a
//!   record of the PRIMARY KEY columns in PRIMARY KEY order, then every other
//!   column in declared order. Entries are ordered by the PRIMARY KEY
//!   columns (their collations and ASC/DESC), which are unique.
//! - The PRIMARY KEY is modelled as an `Index` (origin PrimaryKey) whose
//!   root *is* the table's root. It is numbered with the other automatic
//!   indexes (`sqlite_autoindex_<t>_<n>`) but has no `sqlite_schema` row
//!   and no b-tree of its own.
//! - A secondary index's key is its declared columns followed by the
//!   PRIMARY KEY columns it does not already hold (same column and
//!   collation), which identify the row; its `key_info` covers the whole key.
//!
//! Invariants: a WITHOUT ROWID table has exactly one PRIMARY KEY index, first
//! in `Table::indexes`; its PRIMARY KEY columns are NOT NULL.

use super::build::AutoIndex;
use super::{Index, IndexColumn, IndexOrigin, Table};
use crate::error::Result;
use crate::storage::record::KeyInfo;
use ferrolite_parser::ast::CreateTable;
use std::collections::HashMap;
use std::rc::Rc;

impl Table {
    /// The PRIMARY KEY index of a WITHOUT ROWID table (its own b-tree).
    pub fn pk_index(&self) -> Option<&Rc<Index>> {
        if !self.without_rowid {
            return None;
        }
        self.indexes.iter().find(|i| i.origin == IndexOrigin::PrimaryKey)
    }

    /// The PRIMARY KEY columns of a WITHOUT ROWID table, in key order.
    pub fn pk_columns(&self) -> Vec<IndexColumn> {
        self.pk_index().map(|i| i.columns.clone()).unwrap_or_default()
    }

    /// Table column numbers in the order the record stores them.
    /// VIRTUAL generated columns are not stored.
    pub fn record_order(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self.pk_columns().iter().map(|c| c.column).collect();
        for i in 0..self.columns.len() {
            if !out.contains(&i) && !self.is_virtual(i) {
                out.push(i);
            }
        }
        out
    }

    /// Position of table column `col` in the stored record (the column
    /// number itself for rowid tables).
    pub fn record_pos(&self, col: usize) -> usize {
        if !self.without_rowid {
            return col;
        }
        let pk = self.pk_columns();
        if let Some(p) = pk.iter().position(|c| c.column == col) {
            return p;
        }
        pk.len() + (0..col).filter(|i| !pk.iter().any(|c| c.column == *i) && !self.is_virtual(*i)).count()
    }

    /// True for the PRIMARY KEY index of a WITHOUT ROWID table (the table
    /// b-tree itself).
    pub fn is_pk_tree(&self, idx: &Index) -> bool {
        self.without_rowid && idx.root == self.root && idx.origin == IndexOrigin::PrimaryKey
    }

    /// PRIMARY KEY columns a secondary index on this table carries after
    /// its declared columns.
    pub fn index_suffix(&self, idx: &Index) -> Vec<IndexColumn> {
        suffix_of(&self.pk_columns(), &idx.columns)
    }

    /// For each PRIMARY KEY column, its position in the full key of `idx`
    /// (declared columns then `index_suffix`).
    pub fn pk_positions_in(&self, idx: &Index) -> Vec<usize> {
        let suffix = self.index_suffix(idx);
        self.pk_columns()
            .iter()
            .map(|p| {
                idx.columns
                    .iter()
                    .position(|c| c.column == p.column && c.collation == p.collation)
                    .unwrap_or_else(|| idx.columns.len() + suffix.iter().position(|s| s.column == p.column).unwrap_or(0))
            })
            .collect()
    }
}

fn suffix_of(pk: &[IndexColumn], cols: &[IndexColumn]) -> Vec<IndexColumn> {
    pk.iter().filter(|p| !cols.iter().any(|c| c.column == p.column && c.collation == p.collation)).cloned().collect()
}

/// WITHOUT ROWID rule applied after `build_table`: the PRIMARY KEY
/// columns are NOT NULL (AUTOINCREMENT is refused by `build`).
pub fn finish_table(t: &mut Table, _ct: &CreateTable) -> Result<()> {
    if !t.without_rowid {
        return Ok(());
    }
    for c in t.columns.iter_mut() {
        if c.pk > 0 {
            c.notnull = true;
        }
    }
    Ok(())
}

/// Number (1-based) of the PRIMARY KEY among a table's automatic indexes.
pub fn pk_auto_number(autos: &[AutoIndex]) -> Option<usize> {
    autos.iter().position(|a| a.origin == IndexOrigin::PrimaryKey).map(|p| p + 1)
}

/// Adds the PRIMARY KEY index of WITHOUT ROWID table `t` (root = the
/// table's root) to the table and to `indexes`.
pub fn add_pk_index(t: &mut Table, autos: &[AutoIndex], indexes: &mut HashMap<String, Rc<Index>>) {
    if !t.without_rowid {
        return;
    }
    let Some(n) = pk_auto_number(autos) else { return };
    let cols = autos[n - 1].columns.clone();
    let idx = Rc::new(Index {
        name: format!("sqlite_autoindex_{}_{n}", t.name),
        table: t.name.clone(),
        root: t.root,
        key_info: Index::make_key_info(&cols),
        columns: cols,
        unique: true,
        origin: IndexOrigin::PrimaryKey,
        sql: None,
        partial: None,
        unsupported: false,
    });
    indexes.insert(idx.name.to_ascii_lowercase(), idx.clone());
    t.indexes.insert(0, idx);
}

/// Extends the key info of a secondary index on a WITHOUT ROWID table
/// (PRIMARY KEY columns `pk`) over the PRIMARY KEY suffix of its key.
pub fn extend_key_info(idx: &mut Index, pk: &[IndexColumn]) {
    let mut all = idx.columns.clone();
    all.extend(suffix_of(pk, &idx.columns));
    idx.key_info = Rc::new(KeyInfo { collations: all.iter().map(|c| c.collation).collect(), desc: all.iter().map(|c| c.desc).collect() });
}

/// PRIMARY KEY columns of a table being loaded (from its automatic indexes).
pub fn pk_of_autos(t: &Table, autos: &[AutoIndex]) -> Vec<IndexColumn> {
    if !t.without_rowid {
        return Vec::new();
    }
    pk_auto_number(autos).map(|n| autos[n - 1].columns.clone()).unwrap_or_default()
}
