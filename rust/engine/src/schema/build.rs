//! Builds schema objects from parsed CREATE TABLE / CREATE INDEX statements,
//! applying SQLite's rules: INTEGER PRIMARY KEY (not DESC) is the rowid
//! alias; every other PRIMARY KEY and every UNIQUE constraint gets an
//! automatic index `sqlite_autoindex_<table>_<n>` numbered in parse order
//! (a constraint with the same columns as an earlier one gets none).

use super::{Column, Index, IndexColumn, IndexOrigin, Table};
use crate::error::{Error, Result};
use crate::storage::record::Collation;
use crate::value::affinity::Affinity;
use ferrolite_parser::ast::{
    ColumnConstraintKind, CreateIndex, CreateTable, CreateTableBody, Expr, IndexedColumn, SortOrder,
    TableConstraintKind,
};

pub fn collation_by_name(name: &str) -> Result<Collation> {
    match name.to_ascii_uppercase().as_str() {
        "BINARY" => Ok(Collation::Binary),
        "NOCASE" => Ok(Collation::NoCase),
        "RTRIM" => Ok(Collation::Rtrim),
        _ => Err(Error::sql(format!("no such collation sequence: {name}"))),
    }
}

/// The text inside the parentheses of each `CHECK (...)` of a CREATE TABLE,
/// in order (quoted strings and identifiers skipped while scanning).
fn check_texts(sql: &str) -> Vec<String> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            }
            b'[' => {
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
                i += 1;
            }
            _ => {
                let word_start = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
                if word_start && b.len() - i >= 5 && b[i..i + 5].eq_ignore_ascii_case(b"check") {
                    let mut j = i + 5;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j < b.len() && b[j] == b'(' {
                        let start = j + 1;
                        let mut depth = 1;
                        let mut k = start;
                        while k < b.len() && depth > 0 {
                            match b[k] {
                                b'(' => depth += 1,
                                b')' => depth -= 1,
                                q @ (b'\'' | b'"') => {
                                    k += 1;
                                    while k < b.len() && b[k] != q {
                                        k += 1;
                                    }
                                }
                                _ => {}
                            }
                            k += 1;
                        }
                        let end = k.saturating_sub(1).max(start);
                        out.push(sql.get(start..end).unwrap_or("").trim().to_string());
                        i = k;
                        continue;
                    }
                }
                i += 1;
            }
        }
    }
    out
}

/// An automatic index a table needs (its root is assigned by the caller).
#[derive(Clone, Debug)]
pub struct AutoIndex {
    pub columns: Vec<IndexColumn>,
    pub origin: IndexOrigin,
}

/// Resolves one indexed column (a plain column, optionally COLLATE) of `t`.
/// Returns None for an expression (which this engine does not index).
fn indexed_column(t: &Table, ic: &IndexedColumn) -> Result<Option<IndexColumn>> {
    let (e, coll) = match &ic.expr {
        Expr::Collate { expr, collation } => (expr.as_ref(), Some(collation_by_name(collation)?)),
        e => (e, None),
    };
    let name = match e {
        Expr::Column { table: None, column, .. } => column,
        Expr::Literal(ferrolite_parser::ast::Literal::String(s)) => s,
        _ => return Ok(None),
    };
    let Some(ci) = t.column_index(name) else {
        return Err(Error::sql(format!("no such column: {name}")));
    };
    Ok(Some(IndexColumn {
        column: ci,
        desc: ic.order == Some(SortOrder::Desc),
        collation: coll.unwrap_or(t.columns[ci].collation),
        expr: None,
    }))
}

/// Builds the table described by `ct` (root and sql filled by the caller)
/// and the list of automatic indexes it needs.
pub fn build_table(ct: &CreateTable, sql: &str) -> Result<(Table, Vec<AutoIndex>)> {
    let CreateTableBody::Columns { columns, constraints, options } = &ct.body else {
        return Err(Error::sql("CREATE TABLE ... AS SELECT is not supported"));
    };
    let mut t = Table {
        name: ct.name.name.clone(),
        root: 0,
        columns: Vec::new(),
        rowid_alias: None,
        sql: String::new(),
        without_rowid: options.without_rowid,
        indexes: Vec::new(),
        checks: Vec::new(),
        ..Default::default()
    };
    // CHECK texts, in order of appearance, for the error message.
    let check_texts = check_texts(sql);
    let mut check_no = 0;
    let mut add_check = |t: &mut Table, name: &Option<String>, e: &Expr| {
        let label = match name {
            Some(n) => n.clone(),
            None => check_texts.get(check_no).cloned().unwrap_or_default(),
        };
        check_no += 1;
        t.checks.push((label, e.clone()));
    };
    for cd in columns {
        for c in &cd.constraints {
            if let ColumnConstraintKind::Check(e) = &c.kind {
                add_check(&mut t, &c.name, e);
            }
        }
    }
    for tc in constraints {
        if let TableConstraintKind::Check(e) = &tc.kind {
            add_check(&mut t, &tc.name, e);
        }
    }
    for cd in columns {
        if t.column_index(&cd.name).is_some() {
            return Err(Error::sql(format!("duplicate column name: {}", cd.name)));
        }
        let decl = cd.type_name.as_ref().map(|tn| tn.name.clone());
        let mut col = Column {
            name: cd.name.clone(),
            affinity: Affinity::from_decltype(decl.as_deref().unwrap_or("")),
            decltype: decl,
            notnull: false,
            default: None,
            collation: Collation::Binary,
            pk: 0,
        };
        for c in &cd.constraints {
            match &c.kind {
                ColumnConstraintKind::NotNull { .. } => col.notnull = true,
                ColumnConstraintKind::Default { expr, span } => {
                    col.default = Some((expr.clone(), span.text(sql).to_string()));
                }
                ColumnConstraintKind::Collate(n) => col.collation = collation_by_name(n)?,
                _ => {}
            }
        }
        t.columns.push(col);
    }
    if options.strict {
        t.strict_types = super::strict::strict_types(&mut t)?;
    }
    let mut autos: Vec<AutoIndex> = Vec::new();
    let mut has_pk = false;
    let add_auto = |t: &mut Table, cols: Vec<IndexColumn>, origin: IndexOrigin, autos: &mut Vec<AutoIndex>| {
        let same = autos.iter().any(|a| {
            a.columns.len() == cols.len()
                && a.columns.iter().zip(&cols).all(|(x, y)| x.column == y.column && x.collation == y.collation)
        });
        if !same {
            autos.push(AutoIndex { columns: cols, origin });
        }
        let _ = t;
    };
    // Column constraints in column order, then table constraints.
    for (ci, cd) in columns.iter().enumerate() {
        for c in &cd.constraints {
            match &c.kind {
                ColumnConstraintKind::PrimaryKey { order, .. } => {
                    if has_pk {
                        return Err(Error::sql(format!("table \"{}\" has more than one primary key", t.name)));
                    }
                    has_pk = true;
                    t.columns[ci].pk = 1;
                    let is_int = t.columns[ci].decltype.as_deref().map(|d| d.eq_ignore_ascii_case("INTEGER")) == Some(true);
                    if is_int && *order != Some(SortOrder::Desc) && !t.without_rowid {
                        t.rowid_alias = Some(ci);
                    } else {
                        let coll = t.columns[ci].collation;
                        let cols = vec![IndexColumn { column: ci, desc: *order == Some(SortOrder::Desc), collation: coll, expr: None }];
                        add_auto(&mut t, cols, IndexOrigin::PrimaryKey, &mut autos);
                    }
                }
                ColumnConstraintKind::Unique { .. } => {
                    let coll = t.columns[ci].collation;
                    let cols = vec![IndexColumn { column: ci, desc: false, collation: coll, expr: None }];
                    add_auto(&mut t, cols, IndexOrigin::Unique, &mut autos);
                }
                _ => {}
            }
        }
    }
    for tc in constraints {
        match &tc.kind {
            TableConstraintKind::PrimaryKey { columns: ics, .. } => {
                if has_pk {
                    return Err(Error::sql(format!("table \"{}\" has more than one primary key", t.name)));
                }
                has_pk = true;
                let mut cols = Vec::new();
                for ic in ics {
                    match indexed_column(&t, ic)? {
                        Some(c) => cols.push(c),
                        None => return Err(Error::sql("expressions prohibited in PRIMARY KEY and UNIQUE constraints")),
                    }
                }
                if t.without_rowid {
                    // SQLite drops repeated PRIMARY KEY columns of a WITHOUT ROWID table.
                    let mut seen: Vec<usize> = Vec::new();
                    cols.retain(|c: &IndexColumn| !seen.contains(&c.column) && {
                        seen.push(c.column);
                        true
                    });
                }
                for (k, c) in cols.iter().enumerate() {
                    // A repeated column keeps its first position.
                    if t.columns[c.column].pk == 0 {
                        t.columns[c.column].pk = k + 1;
                    }
                }
                let single_int = cols.len() == 1
                    && t.columns[cols[0].column].decltype.as_deref().map(|d| d.eq_ignore_ascii_case("INTEGER")) == Some(true);
                if single_int && !t.without_rowid {
                    t.rowid_alias = Some(cols[0].column);
                } else {
                    add_auto(&mut t, cols, IndexOrigin::PrimaryKey, &mut autos);
                }
            }
            TableConstraintKind::Unique { columns: ics, .. } => {
                let mut cols = Vec::new();
                for ic in ics {
                    match indexed_column(&t, ic)? {
                        Some(c) => cols.push(c),
                        None => return Err(Error::sql("expressions prohibited in PRIMARY KEY and UNIQUE constraints")),
                    }
                }
                add_auto(&mut t, cols, IndexOrigin::Unique, &mut autos);
            }
            _ => {}
        }
    }
    if t.without_rowid && !has_pk {
        return Err(Error::sql(format!("PRIMARY KEY missing on table {}", t.name)));
    }
    t.fkeys = super::fkey::build_fkeys(ct, &t)?;
    t.autoinc = autoincrement(ct, &t)?;
    t.generated = super::generated::build_generated(ct, &t)?;
    super::without_rowid::finish_table(&mut t, ct)?;
    Ok((t, autos))
}

/// Builds an index from CREATE INDEX on table `t` (root/sql by the caller).
pub fn build_index(ci: &CreateIndex, t: &Table) -> Result<Index> {
    let mut cols = Vec::new();
    let mut unsupported = false;
    for ic in &ci.columns {
        match indexed_column(t, ic)? {
            Some(c) => cols.push(c),
            None => {
                let (e, coll) = match &ic.expr {
                    Expr::Collate { expr, collation } => (expr.as_ref(), Some(collation_by_name(collation)?)),
                    e => (e, None),
                };
                super::index_expr::check_index_expr(t, e, "index expressions")?;
                unsupported = true;
                cols.push(IndexColumn {
                    column: usize::MAX,
                    desc: ic.order == Some(SortOrder::Desc),
                    collation: coll.unwrap_or(Collation::Binary),
                    expr: Some(e.clone()),
                });
            }
        }
    }
    if let Some(w) = &ci.where_clause {
        super::index_expr::check_index_expr(t, w, "partial index WHERE clauses")?;
    }
    Ok(Index {
        name: ci.name.name.clone(),
        table: t.name.clone(),
        root: 0,
        key_info: Index::make_key_info(&cols),
        columns: cols,
        unique: ci.unique,
        origin: IndexOrigin::Create,
        sql: None,
        partial: ci.where_clause.clone(),
        unsupported,
    })
}

/// Is the table's PRIMARY KEY declared AUTOINCREMENT? Only an INTEGER
/// PRIMARY KEY of a rowid table may be (SQLite's messages otherwise).
fn autoincrement(ct: &CreateTable, t: &Table) -> Result<bool> {
    let CreateTableBody::Columns { columns, constraints, .. } = &ct.body else { return Ok(false) };
    let mut on = false;
    for cd in columns {
        for c in &cd.constraints {
            if let ColumnConstraintKind::PrimaryKey { autoincrement: true, .. } = c.kind {
                on = true;
            }
        }
    }
    for tc in constraints {
        if let TableConstraintKind::PrimaryKey { autoincrement: true, .. } = tc.kind {
            on = true;
        }
    }
    if !on {
        return Ok(false);
    }
    let int_pk = t.columns.iter().filter(|c| c.pk > 0).count() == 1
        && t.columns.iter().any(|c| c.pk == 1 && c.decltype.as_deref().is_some_and(|d| d.eq_ignore_ascii_case("INTEGER")));
    if t.rowid_alias.is_none() {
        if int_pk && t.without_rowid {
            return Err(Error::sql("AUTOINCREMENT not allowed on WITHOUT ROWID tables"));
        }
        return Err(Error::sql("AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY"));
    }
    Ok(true)
}
