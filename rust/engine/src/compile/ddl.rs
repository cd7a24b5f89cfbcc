//! CREATE TABLE, CREATE INDEX, DROP TABLE/INDEX/VIEW/TRIGGER: b-tree pages
//! are allocated/freed by the program, `sqlite_schema` rows are written as
//! SQLite writes them (type, name, tbl_name, rootpage, sql with the text
//! `CREATE TABLE ` + the statement from the object name on), the schema
//! cookie is incremented and the schema re-read.

use super::Builder;
use crate::error::{codes, Error, Result};
use crate::schema::build::{build_index, build_table};
use crate::schema::IndexOrigin;
use crate::value::Value;
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{
    AlterAction, AlterTable, ColumnConstraintKind, CreateIndex, CreateTable, CreateTrigger, CreateView, DropKind, Expr, Literal,
    QualifiedName, UnaryOp,
};

const SCHEMA_COOKIE: i32 = 0;
const SCHEMA_FORMAT: i32 = 1;
const TEXT_ENCODING: i32 = 4;

impl Builder<'_> {
    /// Statement text from `start` to the end of the statement.
    pub(super) fn tail_text(&self, start: usize) -> String {
        let end = self.stmt_end.min(self.sql.len());
        let s = self.sql.get(start..end).unwrap_or("");
        s.trim_end().trim_end_matches(';').trim_end().to_string()
    }

    /// Appends a row to sqlite_schema through cursor `c`.
    pub(super) fn schema_row(&mut self, c: i32, kind: &str, name: &str, tbl: &str, root_reg: usize, sql: Option<&str>) {
        let base = self.regs(5);
        self.load_value(&Value::Text(kind.to_string()), base);
        self.load_value(&Value::Text(name.to_string()), base + 1);
        self.load_value(&Value::Text(tbl.to_string()), base + 2);
        self.op(Op::Copy, root_reg as i32, (base + 3) as i32, 0);
        match sql {
            Some(s) => self.load_value(&Value::Text(s.to_string()), base + 4),
            None => self.load_value(&Value::Null, base + 4),
        }
        let rec = self.reg();
        let rowid = self.reg();
        self.op(Op::NewRowid, c, rowid as i32, 0);
        self.op(Op::MakeRecord, base as i32, 5, rec as i32);
        self.op(Op::Insert, c, rec as i32, rowid as i32);
    }

    pub(super) fn bump_cookie(&mut self) {
        let r = self.reg();
        let one = self.reg();
        self.op(Op::ReadCookie, 0, r as i32, SCHEMA_COOKIE);
        self.op(Op::Integer, 1, one as i32, 0);
        self.op(Op::Add, r as i32, one as i32, r as i32);
        self.emit(Op::SetCookie, 0, SCHEMA_COOKIE, r as i32, P4::None, 1);
        self.op(Op::ParseSchema, 0, 0, 0);
    }

    fn check_main(name: &QualifiedName) -> Result<()> {
        if let Some(s) = &name.schema {
            if !s.eq_ignore_ascii_case("main") {
                return Err(Error::sql(format!("unknown database {s}")));
            }
        }
        Ok(())
    }
}

pub fn create_table(b: &mut Builder<'_>, ct: &CreateTable) -> Result<()> {
    Builder::check_main(&ct.name)?;
    if ct.temporary {
        return Err(Error::sql("TEMP tables are not supported yet"));
    }
    let name = &ct.name.name;
    if name.len() >= 7 && name[..7].eq_ignore_ascii_case("sqlite_") {
        return Err(Error::sql(format!("object name reserved for internal use: {name}")));
    }
    if b.schema.table(name).is_some() || b.schema.others.get(&name.to_ascii_lowercase()).map_or(false, |o| o.kind == "view") {
        if ct.if_not_exists {
            b.begin(false);
            return Ok(());
        }
        return Err(Error::sql(format!("table {name} already exists")));
    }
    if b.schema.index(name).is_some() {
        return Err(Error::sql(format!("there is already an index named {name}")));
    }
    if name.len() >= 7 && name[..7].eq_ignore_ascii_case("sqlite_") {
        return Err(Error::sql(format!("object name reserved for internal use: {name}")));
    }
    let sql = format!("CREATE TABLE {}", b.tail_text(ct.name_start));
    let (t, autos) = build_table(ct, &sql)?;
    if t.columns.is_empty() {
        return Err(Error::sql(format!("near \")\": syntax error")));
    }
    b.begin(true);
    let f = b.reg();
    b.op(Op::ReadCookie, 0, f as i32, SCHEMA_FORMAT);
    let skip = b.op(Op::If, f as i32, 0, 0);
    b.op(Op::SetCookie, 0, SCHEMA_FORMAT, 4);
    b.op(Op::SetCookie, 0, TEXT_ENCODING, 1);
    b.patch(skip);
    let root = b.reg();
    // A WITHOUT ROWID table is an index b-tree that is also its PRIMARY KEY.
    b.op(Op::CreateBtree, 0, root as i32, if t.without_rowid { 2 } else { 1 });
    let mut idx_roots = Vec::new();
    for a in &autos {
        if t.without_rowid && a.origin == IndexOrigin::PrimaryKey {
            idx_roots.push(None);
            continue;
        }
        let r = b.reg();
        b.op(Op::CreateBtree, 0, r as i32, 2);
        idx_roots.push(Some(r));
    }
    let c = b.cursor();
    b.op(Op::OpenWrite, c, 1, 0);
    b.schema_row(c, "table", name, name, root, Some(&sql));
    for (k, r) in idx_roots.iter().enumerate() {
        let Some(r) = r else { continue };
        let iname = format!("sqlite_autoindex_{name}_{}", k + 1);
        b.schema_row(c, "index", &iname, name, *r, None);
    }
    if t.autoinc && b.schema.table(super::autoinc::SEQUENCE_TABLE).is_none() {
        let seq = b.reg();
        b.op(Op::CreateBtree, 0, seq as i32, 1);
        let s = super::autoinc::SEQUENCE_TABLE;
        b.schema_row(c, "table", s, s, seq, Some(super::autoinc::SEQUENCE_SQL));
    }
    b.bump_cookie();
    Ok(())
}

pub fn create_index(b: &mut Builder<'_>, ci: &CreateIndex) -> Result<()> {
    Builder::check_main(&ci.name)?;
    let name = &ci.name.name;
    if b.schema.index(name).is_some() {
        if ci.if_not_exists {
            b.begin(false);
            return Ok(());
        }
        return Err(Error::sql(format!("index {name} already exists")));
    }
    if b.schema.table(name).is_some() {
        return Err(Error::sql(format!("there is already a table named {name}")));
    }
    if name.len() >= 7 && name[..7].eq_ignore_ascii_case("sqlite_") {
        return Err(Error::sql(format!("object name reserved for internal use: {name}")));
    }
    let t = b.schema.table(&ci.table).cloned().ok_or_else(|| Error::sql(format!("no such table: main.{}", ci.table)))?;
    if t.root == 1 {
        return Err(Error::sql(format!("table {} may not be indexed", t.name)));
    }
    let mut idx = build_index(ci, &t)?;
    crate::schema::without_rowid::extend_key_info(&mut idx, &t.pk_columns());
    if t.without_rowid && (idx.unsupported || idx.partial.is_some()) {
        return Err(Error::sql("indexes on expressions and partial indexes of WITHOUT ROWID tables are not supported yet"));
    }
    let sql = format!("CREATE {}INDEX {}", if ci.unique { "UNIQUE " } else { "" }, b.tail_text(ci.name_start));
    b.begin(true);
    let root = b.reg();
    b.op(Op::CreateBtree, 0, root as i32, 2);
    let c = b.cursor();
    b.op(Op::OpenWrite, c, 1, 0);
    b.schema_row(c, "index", name, &t.name, root, Some(&sql));
    if t.without_rowid {
        b.fill_index_without_rowid(&t, &idx, root)?;
        b.bump_cookie();
        return Ok(());
    }
    // Populate from the table.
    let tc = b.cursor();
    let ic = b.cursor();
    b.op(Op::OpenRead, tc, t.root as i32, 0);
    b.emit(Op::OpenWrite, ic, root as i32, 0, P4::KeyInfo(idx.key_info.clone()), 1);
    let empty = b.op(Op::Rewind, tc, 0, 0);
    let top = b.here();
    let n = idx.columns.len();
    // The row image (expression columns and a partial WHERE read it).
    let base = b.regs(t.columns.len());
    let rowid = b.reg();
    b.op(Op::Rowid, tc, rowid as i32, 0);
    for i in 0..t.columns.len() {
        if t.rowid_alias != Some(i) {
            b.emit_column(tc, &t, i, base + i);
        }
    }
    let pskip = b.partial_skip(&t, &idx, base, rowid)?;
    let k = b.index_key(&t, &idx, base, rowid)?;
    if idx.unique {
        let ok = b.emit(Op::NoConflict, ic, 0, k as i32, P4::Int64(n as i64), 0);
        let code = if idx.origin == IndexOrigin::PrimaryKey { codes::CONSTRAINT_PRIMARYKEY } else { codes::CONSTRAINT_UNIQUE };
        b.emit(Op::Halt, code, 0, 0, P4::Text(super::dml::unique_message(&t, &idx)), 0);
        b.patch(ok);
    }
    let rec = b.reg();
    b.op(Op::MakeRecord, k as i32, (n + 1) as i32, rec as i32);
    b.op(Op::IdxInsert, ic, rec as i32, 0);
    if let Some(p) = pskip {
        b.patch(p);
    }
    b.op(Op::Next, tc, top, 0);
    b.patch(empty);
    b.bump_cookie();
    Ok(())
}

/// Deletes sqlite_schema rows whose column `col` equals `value`.
fn delete_schema_rows(b: &mut Builder<'_>, col: i32, value: &str) {
    let c = b.cursor();
    b.op(Op::OpenWrite, c, 1, 0);
    let v = b.reg();
    b.load_value(&Value::Text(value.to_string()), v);
    let empty = b.op(Op::Rewind, c, 0, 0);
    let top = b.here();
    let r = b.reg();
    let eq = b.reg();
    b.op(Op::Column, c, col, r as i32);
    b.emit(Op::Eq, r as i32, v as i32, eq as i32, P4::Coll(crate::storage::record::Collation::NoCase), 0);
    let keep = b.op(Op::IfNot, eq as i32, 0, 1);
    b.op(Op::Delete, c, 0, 0);
    // After a delete, Next moves to the entry that followed the deleted one.
    b.patch(keep);
    b.op(Op::Next, c, top, 0);
    b.patch(empty);
}

pub fn drop(b: &mut Builder<'_>, kind: DropKind, if_exists: bool, name: &QualifiedName) -> Result<()> {
    Builder::check_main(name)?;
    let n = &name.name;
    match kind {
        DropKind::Table => {
            let Some(t) = b.schema.table(n).cloned() else {
                if b.schema.view(n).is_some() {
                    return Err(Error::sql(format!("use DROP VIEW to delete view {n}")));
                }
                if if_exists {
                    b.begin(false);
                    return Ok(());
                }
                return Err(Error::sql(format!("no such table: {n}")));
            };
            if t.root == 1 || (n.len() >= 7 && n[..7].eq_ignore_ascii_case("sqlite_")) {
                return Err(Error::sql(format!("table {n} may not be dropped")));
            }
            b.begin(true);
            b.fk_drop_table(&t)?;
            b.autoinc_drop(&t);
            // Largest root first, as SQLite: in auto_vacuum files a drop
            // moves the last root into the freed slot.
            let mut roots: Vec<u32> = t.indexes.iter().filter(|i| !t.is_pk_tree(i)).map(|i| i.root).chain(std::iter::once(t.root)).collect();
            roots.sort_unstable_by(|a, b| b.cmp(a));
            for r in roots {
                b.op(Op::Destroy, r as i32, 0, 1);
            }
            delete_schema_rows(b, 2, &t.name);
        }
        DropKind::Index => {
            let Some(idx) = b.schema.index(n).cloned() else {
                if if_exists {
                    b.begin(false);
                    return Ok(());
                }
                return Err(Error::sql(format!("no such index: {n}")));
            };
            if idx.origin != IndexOrigin::Create {
                return Err(Error::sql("index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped"));
            }
            b.begin(true);
            b.op(Op::Destroy, idx.root as i32, 0, 1);
            delete_schema_rows(b, 1, &idx.name);
        }
        DropKind::View | DropKind::Trigger => {
            let what = if kind == DropKind::View { "view" } else { "trigger" };
            if kind == DropKind::View && b.schema.temp_views.contains(&n.to_ascii_lowercase()) {
                b.emit(Op::TempView, 0, 0, 0, P4::Text(n.clone()), 0);
                return Ok(());
            }
            let found = b.schema.others.get(&n.to_ascii_lowercase()).filter(|o| o.kind == what).cloned();
            let Some(o) = found else {
                if if_exists {
                    b.begin(false);
                    return Ok(());
                }
                return Err(Error::sql(format!("no such {what}: {n}")));
            };
            b.begin(true);
            // A view's INSTEAD OF triggers go with it (their tbl_name is the view's).
            delete_schema_rows(b, if kind == DropKind::View { 2 } else { 1 }, &o.name);
        }
    }
    b.bump_cookie();
    Ok(())
}

pub fn create_view(b: &mut Builder<'_>, v: &CreateView) -> Result<()> {
    Builder::check_main(&v.name)?;
    let name = &v.name.name;
    if b.schema.view(name).is_some() {
        if v.if_not_exists {
            b.begin(false);
            return Ok(());
        }
        return Err(Error::sql(format!("view {name} already exists")));
    }
    if b.schema.object_exists(name) {
        return Err(Error::sql(format!("table {name} already exists")));
    }
    let sql = format!("CREATE VIEW {}", b.tail_text(v.name_start));
    if v.temporary {
        // Per connection and never in the file: the VM adds it to the
        // in-memory schema.
        b.emit(Op::TempView, 1, 0, 0, P4::Text(sql), 0);
        return Ok(());
    }
    b.begin(true);
    let zero = b.reg();
    b.op(Op::Integer, 0, zero as i32, 0);
    let c = b.cursor();
    b.op(Op::OpenWrite, c, 1, 0);
    b.schema_row(c, "view", name, name, zero, Some(&sql));
    b.bump_cookie();
    Ok(())
}

/// A column DEFAULT usable for rows written before ADD COLUMN: a literal or
/// a signed number (SQLite's "constant default").
pub fn const_default(e: &Expr) -> Option<Value> {
    match e {
        Expr::Literal(Literal::Integer(i)) => Some(Value::Integer(*i)),
        Expr::Literal(Literal::Real(r)) => Some(Value::Real(*r)),
        Expr::Literal(Literal::String(s)) => Some(Value::Text(s.clone())),
        Expr::Literal(Literal::Blob(b)) => Some(Value::Blob(b.clone())),
        Expr::Literal(Literal::Null) => Some(Value::Null),
        Expr::Unary { op: UnaryOp::Neg, expr } => match const_default(expr)? {
            Value::Integer(i) => Some(i.checked_neg().map(Value::Integer).unwrap_or(Value::Real(-(i as f64)))),
            Value::Real(r) => Some(Value::Real(-r)),
            _ => None,
        },
        Expr::Unary { op: UnaryOp::Plus, expr } => const_default(expr),
        _ => None,
    }
}

/// Rewrites the `sql` column of the sqlite_schema row of `kind`/`name`.
fn rewrite_schema_sql(b: &mut Builder<'_>, kind: &str, name: &str, new_sql: &str, new_name: Option<&str>) {
    let c = b.cursor();
    b.op(Op::OpenWrite, c, 1, 0);
    let (vk, vn) = (b.reg(), b.reg());
    b.load_value(&Value::Text(kind.to_string()), vk);
    b.load_value(&Value::Text(name.to_string()), vn);
    let empty = b.op(Op::Rewind, c, 0, 0);
    let top = b.here();
    let row = b.regs(5);
    for k in 0..5 {
        b.op(Op::Column, c, k, (row + k as usize) as i32);
    }
    let (e1, e2) = (b.reg(), b.reg());
    b.emit(Op::Eq, row as i32, vk as i32, e1 as i32, P4::Coll(crate::storage::record::Collation::Binary), 0);
    b.emit(Op::Eq, (row + 1) as i32, vn as i32, e2 as i32, P4::Coll(crate::storage::record::Collation::NoCase), 0);
    b.op(Op::And, e1 as i32, e2 as i32, e1 as i32);
    let skip = b.op(Op::IfNot, e1 as i32, 0, 1);
    b.load_value(&Value::Text(new_sql.to_string()), row + 4);
    if let Some(n) = new_name {
        b.load_value(&Value::Text(n.to_string()), row + 1);
        b.load_value(&Value::Text(n.to_string()), row + 2);
    }
    let (rec, rid) = (b.reg(), b.reg());
    b.op(Op::MakeRecord, row as i32, 5, rec as i32);
    b.op(Op::Rowid, c, rid as i32, 0);
    b.op(Op::Insert, c, rec as i32, rid as i32);
    b.patch(skip);
    b.op(Op::Next, c, top, 0);
    b.patch(empty);
}

pub fn alter_table(b: &mut Builder<'_>, at: &AlterTable) -> Result<()> {
    Builder::check_main(&at.name)?;
    let n = &at.name.name;
    let t = b.alter_target(n)?;
    match &at.action {
        AlterAction::AddColumn(cd) => {
            if t.column_index(&cd.name).is_some() {
                return Err(Error::sql(format!("duplicate column name: {}", cd.name)));
            }
            let mut notnull = false;
            let mut default: Option<&Expr> = None;
            let mut references = false;
            let mut stored = false;
            let mut generated = false;
            for c in &cd.constraints {
                match &c.kind {
                    ColumnConstraintKind::PrimaryKey { .. } => return Err(Error::sql("Cannot add a PRIMARY KEY column")),
                    ColumnConstraintKind::Unique { .. } => return Err(Error::sql("Cannot add a UNIQUE column")),
                    ColumnConstraintKind::NotNull { .. } => notnull = true,
                    ColumnConstraintKind::Default { expr, .. } => default = Some(expr),
                    ColumnConstraintKind::References(_) => references = true,
                    ColumnConstraintKind::Generated { stored: st, .. } => {
                        generated = true;
                        stored = *st;
                    }
                    _ => {}
                }
            }
            // As sqlite3AlterFinishAddColumn: these only fail when the
            // table has rows (checked when the statement runs).
            let mut refusals: Vec<&str> = Vec::new();
            if stored {
                refusals.push("cannot add a STORED column");
            } else if !generated {
                let dflt = default.filter(|e| !matches!(e, Expr::Literal(Literal::Null)));
                if references && dflt.is_some() && b.schema.foreign_keys {
                    refusals.push("Cannot add a REFERENCES column with non-NULL default value");
                }
                if notnull && dflt.is_none() {
                    refusals.push("Cannot add a NOT NULL column with default value NULL");
                }
                if dflt.is_some_and(|e| const_default(e).is_none()) {
                    refusals.push("Cannot add a column with non-constant default");
                }
            }
            let off = crate::schema::rename::add_column_offset(&t.sql)
                .ok_or_else(|| Error::sql(format!("malformed database schema ({})", t.name)))?;
            let coldef = cd.span.text(b.sql).trim_end_matches(|c: char| c == ';' || c.is_ascii_whitespace());
            let new_sql = format!("{}, {}{}", &t.sql[..off], coldef, &t.sql[off..]);
            b.begin(true);
            if let Some(msg) = refusals.first() {
                let c = b.cursor();
                b.op(Op::OpenRead, c, t.root as i32, 0);
                let empty = b.op(Op::Rewind, c, 0, 0);
                b.emit(Op::Halt, codes::ERROR, 0, 0, P4::Text(msg.to_string()), 0);
                b.patch(empty);
            }
            rewrite_schema_sql(b, "table", &t.name, &new_sql, None);
            b.bump_cookie();
        }
        AlterAction::RenameTo(new) => {
            b.alter_rename_table(&t, new)?;
            b.bump_cookie();
        }
        AlterAction::RenameColumn { old, new } => {
            // Was the new name quoted in the statement (its last token)?
            let end = b.stmt_end.min(b.sql.len());
            let toks = ferrolite_parser::lexer::tokenize(&b.sql[..end]);
            let last = toks.iter().rev().find(|t| !matches!(t.kind, ferrolite_parser::lexer::TokenKind::Eof | ferrolite_parser::lexer::TokenKind::Semi));
            let quote = last.is_some_and(|t| t.kind != ferrolite_parser::lexer::TokenKind::Id);
            b.alter_rename_column(&t, old, new, quote)?;
            b.bump_cookie();
        }
        AlterAction::DropColumn(col) => {
            b.alter_drop_column(&t, col)?;
            b.bump_cookie();
        }
    }
    Ok(())
}

pub fn create_trigger(b: &mut Builder<'_>, ct: &CreateTrigger) -> Result<()> {
    Builder::check_main(&ct.name)?;
    if ct.temporary {
        return Err(Error::sql("TEMP triggers are not supported yet"));
    }
    let name = &ct.name.name;
    if b.schema.others.get(&name.to_ascii_lowercase()).map_or(false, |o| o.kind == "trigger") {
        if ct.if_not_exists {
            b.begin(false);
            return Ok(());
        }
        return Err(Error::sql(format!("trigger {name} already exists")));
    }
    let tname = &ct.table.name;
    let Some(t) = b.schema.table(tname).cloned() else {
        if let Some(v) = b.schema.view(tname).cloned() {
            return super::instead_of::create_view_trigger(b, ct, &v);
        }
        return Err(Error::sql(format!("no such table: main.{tname}")));
    };
    if t.root == 1 {
        return Err(Error::sql("cannot create trigger on system table"));
    }
    if ct.time == Some(ferrolite_parser::ast::TriggerTime::InsteadOf) {
        return Err(Error::sql(format!("cannot create INSTEAD OF trigger on table: {tname}")));
    }
    let sql = format!("CREATE TRIGGER {}", b.tail_text(ct.name_start));
    b.begin(true);
    let zero = b.reg();
    b.op(Op::Integer, 0, zero as i32, 0);
    let c = b.cursor();
    b.op(Op::OpenWrite, c, 1, 0);
    b.schema_row(c, "trigger", name, &t.name, zero, Some(&sql));
    b.bump_cookie();
    Ok(())
}
