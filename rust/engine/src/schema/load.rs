//! Reads `sqlite_schema` (root page 1) and rebuilds the in-memory schema by
//! parsing each stored CREATE statement. Autoindexes (rows with NULL sql)
//! are matched to their table's PRIMARY KEY/UNIQUE constraints by their
//! number `sqlite_autoindex_<table>_<n>`.
//!
//! Invariant: a row that cannot be understood makes the load fail with
//! SQLITE_CORRUPT ("malformed database schema (name)") as in SQLite, except
//! objects this engine does not model (views, triggers, virtual tables,
//! expression indexes), which are kept by name only or flagged.

use super::build::{build_index, build_table};
use super::{Index, OtherObject, Schema, Table};
use crate::error::{codes, Error, Result};
use crate::storage::btree::{BtCursor, Btree, Meta, TreeKind};
use crate::storage::record;
use crate::value::Value;
use ferrolite_parser::ast::Stmt;
use std::rc::Rc;

struct Row {
    kind: String,
    name: String,
    tbl_name: String,
    root: u32,
    sql: Option<String>,
}

fn text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        _ => String::new(),
    }
}

fn malformed(name: &str) -> Error {
    Error::new(codes::CORRUPT, format!("malformed database schema ({name})"))
}

/// Loads the schema; the caller holds at least a read transaction.
pub fn load(bt: &mut Btree) -> Result<Schema> {
    let cookie = bt.get_meta(Meta::SchemaCookie)?;
    let mut rows = Vec::new();
    let mut cur = BtCursor::new(1, TreeKind::Table, None);
    let mut buf = Vec::new();
    let mut vals = Vec::new();
    let mut ok = cur.first(bt)?;
    while ok {
        cur.payload(bt, &mut buf)?;
        record::decode(&buf, &mut vals)?;
        vals.resize(5, Value::Null);
        let root = match vals[3] {
            Value::Integer(i) if (0..=u32::MAX as i64).contains(&i) => i as u32,
            _ => 0,
        };
        rows.push(Row {
            kind: text(&vals[0]),
            name: text(&vals[1]),
            tbl_name: text(&vals[2]),
            root,
            sql: match &vals[4] {
                Value::Text(s) => Some(s.clone()),
                _ => None,
            },
        });
        ok = cur.next(bt)?;
    }
    let mut schema = Schema { cookie, ..Default::default() };
    schema.tables.insert("sqlite_schema".to_string(), Rc::new(Table::sqlite_schema()));
    let mut tables: Vec<(Table, Vec<super::build::AutoIndex>)> = Vec::new();
    for r in rows.iter().filter(|r| r.kind == "table") {
        let Some(sql) = &r.sql else { return Err(malformed(&r.name)) };
        let stmt = match ferrolite_parser::parse_one(sql) {
            Ok(Some((s, _))) => s,
            _ => return Err(malformed(&r.name)),
        };
        match stmt {
            Stmt::CreateTable(ct) => {
                let (mut t, autos) = build_table(&ct, sql).map_err(|_| malformed(&r.name))?;
                t.root = r.root;
                t.sql = sql.clone();
                t.name = r.name.clone();
                t.schema_order = tables.len() + 1;
                tables.push((t, autos));
            }
            Stmt::CreateVirtualTable(_) => {
                schema.others.insert(r.name.to_ascii_lowercase(), OtherObject { kind: r.kind.clone(), name: r.name.clone(), tbl_name: r.tbl_name.clone() });
            }
            _ => return Err(malformed(&r.name)),
        }
    }
    for (t, autos) in tables.iter_mut() {
        super::without_rowid::add_pk_index(t, autos, &mut schema.indexes);
    }
    for r in rows.iter().filter(|r| r.kind == "index") {
        let Some(ti) = tables.iter().position(|(t, _)| t.name.eq_ignore_ascii_case(&r.tbl_name)) else {
            continue;
        };
        let idx = match &r.sql {
            None => {
                let prefix = format!("sqlite_autoindex_{}_", tables[ti].0.name);
                let n: usize = r
                    .name
                    .get(prefix.len()..)
                    .filter(|_| r.name.len() > prefix.len() && r.name[..prefix.len()].eq_ignore_ascii_case(&prefix))
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| malformed(&r.name))?;
                let Some(a) = tables[ti].1.get(n.wrapping_sub(1)) else { return Err(malformed(&r.name)) };
                Index {
                    name: r.name.clone(),
                    table: tables[ti].0.name.clone(),
                    root: r.root,
                    key_info: Index::make_key_info(&a.columns),
                    columns: a.columns.clone(),
                    unique: true,
                    origin: a.origin,
                    sql: None,
                    partial: None,
                    unsupported: false,
                }
            }
            Some(sql) => {
                let ci = match ferrolite_parser::parse_one(sql) {
                    Ok(Some((Stmt::CreateIndex(ci), _))) => ci,
                    _ => return Err(malformed(&r.name)),
                };
                let mut idx = build_index(&ci, &tables[ti].0).map_err(|_| malformed(&r.name))?;
                idx.root = r.root;
                idx.sql = Some(sql.clone());
                idx.name = r.name.clone();
                idx
            }
        };
        let mut idx = idx;
        if tables[ti].0.without_rowid {
            let pk = super::without_rowid::pk_of_autos(&tables[ti].0, &tables[ti].1);
            super::without_rowid::extend_key_info(&mut idx, &pk);
        }
        let idx = Rc::new(idx);
        tables[ti].0.indexes.push(idx.clone());
        schema.indexes.insert(r.name.to_ascii_lowercase(), idx);
    }
    for r in rows.iter().filter(|r| r.kind == "view") {
        if let Some(sql) = &r.sql {
            if let Ok(Some((Stmt::CreateView(cv), _))) = ferrolite_parser::parse_one(sql) {
                let v = super::View { name: r.name.clone(), columns: cv.columns.clone(), select: (*cv.select).clone(), sql: sql.clone() };
                schema.views.insert(r.name.to_ascii_lowercase(), Rc::new(v));
            }
        }
    }
    for r in rows.iter().filter(|r| r.kind == "trigger") {
        if let Some(sql) = &r.sql {
            if let Ok(Some((Stmt::CreateTrigger(ct), _))) = ferrolite_parser::parse_one(sql) {
                schema.triggers.push(Rc::new(super::Trigger {
                    name: r.name.clone(),
                    table: ct.table.name.clone(),
                    time: ct.time,
                    event: ct.event.clone(),
                    when: ct.when.clone(),
                    body: ct.body.clone(),
                }));
            }
        }
    }
    for r in rows.iter().filter(|r| r.kind != "table" && r.kind != "index") {
        schema.others.insert(r.name.to_ascii_lowercase(), OtherObject { kind: r.kind.clone(), name: r.name.clone(), tbl_name: r.tbl_name.clone() });
    }
    for (t, _) in tables {
        schema.tables.insert(t.name.to_ascii_lowercase(), Rc::new(t));
    }
    Ok(schema)
}
