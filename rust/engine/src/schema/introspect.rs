//! The rows of the schema-introspection pragmas, computed from a `Schema`
//! (so the VM can produce them at run time for the table-valued forms
//! `pragma_table_info(...)` etc., whose argument may change per row).
//!
//! Each pragma's result columns are SQLite's, in SQLite's order; the
//! table-valued form adds the hidden columns `arg` and `schema` (only for
//! pragmas that take an argument), as SQLite's pragma virtual table does.
//!
//! Invariant: an unknown object, a NULL argument or a schema other than
//! main gives no rows (never an error), as SQLite's pragmas do.

use super::{IndexOrigin, Schema, Table};
use crate::storage::record::Collation;
use crate::value::Value;

/// Result column names of pragma `name` (lower case), or None when it is
/// not an introspection pragma this module answers.
pub fn columns(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "table_info" => &["cid", "name", "type", "notnull", "dflt_value", "pk"],
        "table_xinfo" => &["cid", "name", "type", "notnull", "dflt_value", "pk", "hidden"],
        "index_list" => &["seq", "name", "unique", "origin", "partial"],
        "index_info" => &["seqno", "cid", "name"],
        "index_xinfo" => &["seqno", "cid", "name", "desc", "coll", "key"],
        "database_list" => &["seq", "name", "file"],
        "foreign_key_list" => &["id", "seq", "table", "from", "to", "on_update", "on_delete", "match"],
        _ => return None,
    })
}

/// Does the table-valued form have the hidden `arg`/`schema` columns?
pub fn takes_arg(name: &str) -> bool {
    name != "database_list"
}

pub fn collation_name(c: Collation) -> &'static str {
    match c {
        Collation::Binary => "BINARY",
        Collation::NoCase => "NOCASE",
        Collation::Rtrim => "RTRIM",
    }
}

fn int(i: usize) -> Value {
    Value::Integer(i as i64)
}

fn table_rows(t: &Table, x: bool) -> Vec<Vec<Value>> {
    // Generated columns: hidden 2 (VIRTUAL) / 3 (STORED) in table_xinfo,
    // left out of table_info (whose cid counts the rest).
    let hidden = |i: usize| t.generated_col(i).map_or(0, |g| if g.stored { 3 } else { 2 });
    t.columns
        .iter()
        .enumerate()
        .filter(|(i, _)| x || hidden(*i) == 0)
        .enumerate()
        .map(|(cid, (i, c))| {
            let mut row = vec![
                int(if x { i } else { cid }),
                Value::Text(c.name.clone()),
                Value::Text(c.decltype.clone().unwrap_or_default()),
                Value::Integer(c.notnull as i64),
                match &c.default {
                    Some((_, txt)) => Value::Text(txt.clone()),
                    None => Value::Null,
                },
                int(c.pk),
            ];
            if x {
                row.push(Value::Integer(hidden(i)));
            }
            row
        })
        .collect()
}

/// Rows of pragma `name` (lower case) for argument `arg`; `file` is the
/// main database's file name (for database_list).
pub fn rows(schema: &Schema, name: &str, arg: Option<&str>, file: &str) -> Vec<Vec<Value>> {
    if name == "database_list" {
        return vec![vec![Value::Integer(0), Value::Text("main".into()), Value::Text(file.to_string())]];
    }
    let Some(arg) = arg else { return Vec::new() };
    match name {
        "table_info" | "table_xinfo" => schema.table(arg).map(|t| table_rows(t, name == "table_xinfo")).unwrap_or_default(),
        "index_list" => {
            let Some(t) = schema.table(arg) else { return Vec::new() };
            t.indexes
                .iter()
                .rev()
                .enumerate()
                .map(|(i, x)| {
                    let origin = match x.origin {
                        IndexOrigin::Create => "c",
                        IndexOrigin::Unique => "u",
                        IndexOrigin::PrimaryKey => "pk",
                    };
                    vec![int(i), Value::Text(x.name.clone()), Value::Integer(x.unique as i64), Value::Text(origin.into()), Value::Integer(x.partial.is_some() as i64)]
                })
                .collect()
        }
        "index_info" | "index_xinfo" => {
            let Some(idx) = schema.index(arg) else { return Vec::new() };
            let Some(t) = schema.table(&idx.table) else { return Vec::new() };
            let colname = |c: usize| t.columns.get(c).map_or(Value::Null, |c| Value::Text(c.name.clone()));
            let mut out: Vec<Vec<Value>> = idx
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let mut row = vec![int(i), int(c.column), colname(c.column)];
                    if name == "index_xinfo" {
                        row.extend([Value::Integer(c.desc as i64), Value::Text(collation_name(c.collation).into()), Value::Integer(1)]);
                    }
                    row
                })
                .collect();
            if name == "index_xinfo" {
                // The rest of the entry: the rowid, or for a WITHOUT ROWID
                // table the PRIMARY KEY columns the key lacks (and, in the
                // PRIMARY KEY index, every other column).
                let rest: Vec<(i64, Value, bool, Collation)> = if !t.without_rowid {
                    vec![(-1, Value::Null, false, Collation::Binary)]
                } else if t.is_pk_tree(idx) {
                    t.record_order().into_iter().skip(idx.columns.len()).map(|c| (c as i64, colname(c), false, Collation::Binary)).collect()
                } else {
                    t.index_suffix(idx).into_iter().map(|c| (c.column as i64, colname(c.column), c.desc, c.collation)).collect()
                };
                for (k, (cid, n, desc, coll)) in rest.into_iter().enumerate() {
                    out.push(vec![int(idx.columns.len() + k), Value::Integer(cid), n, Value::Integer(desc as i64), Value::Text(collation_name(coll).into()), Value::Integer(0)]);
                }
            }
            out
        }
        "foreign_key_list" => {
            let Some(t) = schema.table(arg) else { return Vec::new() };
            let mut out = Vec::new();
            for (id, fk) in t.fkeys.iter().enumerate() {
                for (seq, &c) in fk.from_cols.iter().enumerate() {
                    out.push(vec![
                        int(id),
                        int(seq),
                        Value::Text(fk.to_table.clone()),
                        t.columns.get(c).map_or(Value::Null, |c| Value::Text(c.name.clone())),
                        fk.to_cols.get(seq).map_or(Value::Null, |s| Value::Text(s.clone())),
                        Value::Text(super::fkey::action_name(fk.on_update).to_string()),
                        Value::Text(super::fkey::action_name(fk.on_delete).to_string()),
                        Value::Text(fk.match_name.clone()),
                    ]);
                }
            }
            out
        }
        _ => Vec::new(),
    }
}
