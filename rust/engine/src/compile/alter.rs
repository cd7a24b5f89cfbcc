//! ALTER TABLE RENAME TO, RENAME COLUMN and DROP COLUMN (ADD COLUMN is in
//! `ddl`). The checks SQLite makes before touching anything are done here;
//! the program then rewrites every sqlite_schema row through the
//! `AlterRewrite` op (`schema::rename` decides what changes in each row's
//! text, and fails the statement with SQLite's "error in ... after ..."
//! messages), rewrites the table's rows for DROP COLUMN, renames the
//! table's sqlite_sequence row for RENAME TO, bumps the schema cookie and
//! re-reads the schema.

use super::Builder;
use crate::error::{Error, Result};
use crate::schema::Table;
use crate::value::Value;
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{ColumnConstraintKind, CreateTableBody, Stmt};
use std::collections::HashMap;
use std::rc::Rc;

/// The name SQLite prints for a table in "may not be altered".
fn system_name(t: &Table) -> &str {
    if t.root == 1 {
        "sqlite_master"
    } else {
        &t.name
    }
}

impl Builder<'_> {
    /// The table to alter, with SQLite's refusals for views and system tables.
    pub fn alter_target(&self, name: &str) -> Result<Rc<Table>> {
        let Some(t) = self.schema.table(name).cloned() else {
            if self.schema.view(name).is_some() {
                return Err(Error::sql(format!("view {name} may not be altered")));
            }
            return Err(Error::sql(format!("no such table: {name}")));
        };
        if t.root == 1 || (t.name.len() >= 7 && t.name[..7].eq_ignore_ascii_case("sqlite_")) {
            return Err(Error::sql(format!("table {} may not be altered", system_name(&t))));
        }
        Ok(t)
    }

    /// Rewrites every sqlite_schema row with AlterRewrite `spec`.
    fn rewrite_schema(&mut self, spec: String) {
        let c = self.cursor();
        self.op(Op::OpenWrite, c, 1, 0);
        let empty = self.op(Op::Rewind, c, 0, 0);
        let top = self.here();
        let row = self.regs(5);
        for k in 0..5 {
            self.op(Op::Column, c, k, (row + k as usize) as i32);
        }
        self.emit(Op::AlterRewrite, row as i32, 0, 0, P4::Text(spec.clone()), 0);
        let (rec, rid) = (self.reg(), self.reg());
        self.op(Op::MakeRecord, row as i32, 5, rec as i32);
        self.op(Op::Rowid, c, rid as i32, 0);
        self.op(Op::Insert, c, rec as i32, rid as i32);
        self.op(Op::Next, c, top, 0);
        self.patch(empty);
    }

    /// Renames the table's sqlite_sequence row, if any.
    fn rename_sequence(&mut self, old: &str, new: &str) {
        let Some(seq) = self.schema.table(super::autoinc::SEQUENCE_TABLE).cloned() else { return };
        let c = self.cursor();
        self.op(Op::OpenWrite, c, seq.root as i32, 0);
        let (vo, vn) = (self.reg(), self.reg());
        self.load_value(&Value::Text(old.to_string()), vo);
        self.load_value(&Value::Text(new.to_string()), vn);
        let empty = self.op(Op::Rewind, c, 0, 0);
        let top = self.here();
        let row = self.regs(2);
        self.op(Op::Column, c, 0, row as i32);
        self.op(Op::Column, c, 1, (row + 1) as i32);
        let eq = self.reg();
        self.emit(Op::Eq, row as i32, vo as i32, eq as i32, P4::Coll(crate::storage::record::Collation::Binary), 0);
        let skip = self.op(Op::IfNot, eq as i32, 0, 1);
        self.op(Op::Copy, vn as i32, row as i32, 0);
        let (rec, rid) = (self.reg(), self.reg());
        self.op(Op::MakeRecord, row as i32, 2, rec as i32);
        self.op(Op::Rowid, c, rid as i32, 0);
        self.op(Op::Insert, c, rec as i32, rid as i32);
        self.patch(skip);
        self.op(Op::Next, c, top, 0);
        self.patch(empty);
    }

    /// SQLite's renameTestSchema for views: with every table and view text
    /// rewritten as `spec` says, each view must still compile ("error in
    /// view v after rename: ...").
    fn check_views_after(&self, spec: &str) -> Result<()> {
        let views: Vec<Rc<crate::schema::View>> = {
            let mut v: Vec<_> = self.schema.views.values().filter(|v| !self.schema.temp_views.contains(&v.name.to_ascii_lowercase())).cloned().collect();
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v
        };
        if views.is_empty() {
            return Ok(());
        }
        let text = |v: &Value| match v {
            Value::Text(s) => s.clone(),
            _ => String::new(),
        };
        let mut schema = self.schema.clone();
        let mut tables = HashMap::new();
        for t in self.schema.tables.values() {
            if t.root == 1 {
                tables.insert("sqlite_schema".to_string(), t.clone());
                continue;
            }
            let mut row = [Value::Text("table".into()), Value::Text(t.name.clone()), Value::Text(t.name.clone()), Value::Integer(i64::from(t.root)), Value::Text(t.sql.clone())];
            crate::schema::rename::rewrite_row(self.schema, spec, &mut row)?;
            let (name, sql) = (text(&row[1]), text(&row[4]));
            let rebuilt = match ferrolite_parser::parse_one(&sql) {
                Ok(Some((Stmt::CreateTable(ct), _))) => crate::schema::build::build_table(&ct, &sql).ok(),
                _ => None,
            };
            let nt = match rebuilt {
                Some((mut nt, _)) => {
                    nt.root = t.root;
                    nt.sql = sql;
                    nt.name = name.clone();
                    nt.indexes = t.indexes.clone();
                    Rc::new(nt)
                }
                None => t.clone(),
            };
            tables.insert(name.to_ascii_lowercase(), nt);
        }
        schema.tables = tables;
        for v in &views {
            let mut row = [Value::Text("view".into()), Value::Text(v.name.clone()), Value::Text(v.name.clone()), Value::Integer(0), Value::Text(v.sql.clone())];
            crate::schema::rename::rewrite_row(self.schema, spec, &mut row)?;
            let sql = text(&row[4]);
            if let Ok(Some((Stmt::CreateView(cv), _))) = ferrolite_parser::parse_one(&sql) {
                let nv = crate::schema::View { name: v.name.clone(), columns: cv.columns.clone(), select: (*cv.select).clone(), sql };
                schema.views.insert(v.name.to_ascii_lowercase(), Rc::new(nv));
            }
        }
        for v in &views {
            let q = format!("SELECT * FROM {}", crate::schema::rename::quoted(&v.name));
            let Ok(Some((Stmt::Select(sel), _))) = ferrolite_parser::parse_one(&q) else { continue };
            let mut b = Builder::new(&schema, &q, q.len());
            if let Err(e) = super::select::compile_select_stmt(&mut b, &sel) {
                return Err(Error::sql(format!("error in view {} after rename: {}", v.name, e.message)));
            }
        }
        Ok(())
    }

    pub fn alter_rename_table(&mut self, t: &Rc<Table>, new: &str) -> Result<()> {
        if self.schema.object_exists(new) || self.schema.view(new).is_some() {
            return Err(Error::sql(format!("there is already another table or index with this name: {new}")));
        }
        if new.len() >= 7 && new[..7].eq_ignore_ascii_case("sqlite_") {
            return Err(Error::sql(format!("object name reserved for internal use: {new}")));
        }
        let spec = format!("T\u{1}{}\u{1}{new}", t.name);
        self.check_views_after(&spec)?;
        self.begin(true);
        self.rewrite_schema(spec);
        if t.autoinc {
            self.rename_sequence(&t.name, new);
        }
        Ok(())
    }

    pub fn alter_rename_column(&mut self, t: &Rc<Table>, old: &str, new: &str, quote_new: bool) -> Result<()> {
        let Some(ci) = t.column_index(old) else {
            return Err(Error::sql(format!("no such column: \"{old}\"")));
        };
        if t.column_index(new).is_some_and(|k| k != ci) {
            return Err(Error::sql(format!("error in table {} after rename: duplicate column name: {new}", t.name)));
        }
        let old_name = &t.columns[ci].name;
        let spec = format!("C\u{1}{}\u{1}{old_name}\u{1}{new}\u{1}{}", t.name, quote_new as u8);
        self.check_views_after(&spec)?;
        self.begin(true);
        self.rewrite_schema(spec);
        Ok(())
    }

    pub fn alter_drop_column(&mut self, t: &Rc<Table>, col: &str) -> Result<()> {
        let Some(k) = t.column_index(col) else {
            return Err(Error::sql(format!("no such column: \"{col}\"")));
        };
        let column = &t.columns[k];
        let column_unique = match ferrolite_parser::parse_one(&t.sql) {
            Ok(Some((Stmt::CreateTable(ct), _))) => match &ct.body {
                CreateTableBody::Columns { columns, .. } => columns
                    .get(k)
                    .is_some_and(|cd| cd.constraints.iter().any(|c| matches!(c.kind, ColumnConstraintKind::Unique { .. }))),
                _ => false,
            },
            _ => false,
        };
        if column.pk > 0 || column_unique {
            let what = if column.pk > 0 { "PRIMARY KEY" } else { "UNIQUE" };
            return Err(Error::sql(format!("cannot drop {what} column: \"{}\"", column.name)));
        }
        if t.columns.len() <= 1 {
            return Err(Error::sql(format!("cannot drop column \"{}\": no other columns exist", column.name)));
        }
        self.begin(true);
        self.rewrite_schema(format!("D\u{1}{}\u{1}{}\u{1}{k}\u{1}1", t.name, column.name));
        self.rewrite_schema(format!("D\u{1}{}\u{1}{}\u{1}{k}\u{1}2", t.name, column.name));
        if t.is_virtual(k) {
            // A VIRTUAL column has no field in the records.
            return Ok(());
        }
        if t.without_rowid {
            self.drop_column_rows_without_rowid(t, k);
            return Ok(());
        }
        // Every row is rewritten without the column.
        let c = self.cursor();
        self.op(Op::OpenWrite, c, t.root as i32, 0);
        let empty = self.op(Op::Rewind, c, 0, 0);
        let top = self.here();
        let keep: Vec<usize> = (0..t.columns.len()).filter(|&i| i != k && !t.is_virtual(i)).collect();
        let n = keep.len();
        let base = self.regs(n);
        for (j, &i) in keep.iter().enumerate() {
            if t.rowid_alias == Some(i) {
                self.op(Op::Null, 0, (base + j) as i32, 0);
            } else {
                self.emit_column(c, t, i, base + j);
            }
        }
        let (rec, rid) = (self.reg(), self.reg());
        self.op(Op::MakeRecord, base as i32, n as i32, rec as i32);
        self.op(Op::Rowid, c, rid as i32, 0);
        self.op(Op::Insert, c, rec as i32, rid as i32);
        self.op(Op::Next, c, top, 0);
        self.patch(empty);
        Ok(())
    }
}
