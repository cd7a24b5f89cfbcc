//! Run-time rows of the table-valued pragma forms (`pragma_table_info(x)`
//! and friends): the sorter cursor of the source is refilled from the
//! current schema each time the loop reaches it, so the argument may come
//! from an earlier source of the join.
//!
//! Row layout: the pragma's result columns, then (when `hidden`) the
//! argument and the schema name as given (SQLite's hidden `arg`/`schema`).
//! The pseudo-pragma `temp_schema` gives the rows of `sqlite_temp_schema`
//! (type, name, tbl_name, rootpage, sql) for the connection's TEMP views.

use super::cursor::MemSorter;
use super::DbState;
use crate::error::{Error, Result};
use crate::schema::introspect;
use crate::value::Value;

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(r) => Some(crate::value::num::format_real(*r)),
        _ => None,
    }
}

pub fn fill(m: &mut MemSorter, db: &mut DbState, name: &str, arg: Value, schema: Value, hidden: bool) -> Result<()> {
    if let Some(s) = as_text(&schema) {
        if !s.eq_ignore_ascii_case("main") {
            return Err(Error::sql(format!("unknown database '{s}'")));
        }
    }
    let rows = if name == "temp_schema" {
        // The TEMP schema table: this connection's TEMP views, oldest
        // first. Reading it opens SQLite's temp database.
        db.temp_used = true;
        db.temp_views
            .iter()
            .map(|v| vec![Value::Text("view".into()), Value::Text(v.name.clone()), Value::Text(v.name.clone()), Value::Integer(0), Value::Text(v.sql.clone())])
            .collect()
    } else {
        let mut rows = introspect::rows(&db.schema, name, as_text(&arg).as_deref(), &db.main_file);
        if name == "database_list" && db.temp_used {
            rows.push(vec![Value::Integer(1), Value::Text("temp".into()), Value::Text(String::new())]);
        }
        rows
    };
    m.rows.clear();
    m.pos = 0;
    m.null_row = false;
    for mut r in rows {
        if hidden {
            r.push(arg.clone());
            r.push(schema.clone());
        }
        m.rows.push(r);
    }
    Ok(())
}
