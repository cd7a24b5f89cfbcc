//! INSTEAD OF triggers on views: CREATE TRIGGER ... INSTEAD OF on a view,
//! and INSERT/UPDATE/DELETE on a view that has such triggers, which run the
//! trigger bodies instead of writing anything (SQLite's rules: BEFORE/AFTER
//! triggers are refused on views; a statement with no trigger to run still
//! fails with "cannot modify v because it is a view"; `UPDATE OF cols`
//! triggers count only when a SET column is among them; changes() stays 0).
//!
//! INSERT: each row's values, in view column order, are NEW. UPDATE and
//! DELETE: the view is materialized, its rows matching WHERE go to a sorter
//! with their OLD values (and the NEW values computed from SET on the same
//! row), then the triggers run once per collected row. RETURNING is
//! evaluated on NEW (INSERT, UPDATE) or OLD (DELETE) through a one-row
//! sorter per row.

use super::dml::ValSrc;
use super::loops::JoinInfo;
use super::resolve::{Frame, Source};
use super::select::Dest;
use super::Builder;
use crate::error::{Error, Result};
use crate::schema::{Schema, Table, Trigger, View};
use crate::value::Value;
use crate::vdbe::Op;
use ferrolite_parser::ast::{CreateTrigger, Delete, Expr, Insert, InsertSource, QualifiedName, TriggerEvent, TriggerTime, Update};
use std::rc::Rc;

/// CREATE TRIGGER on view `v`: only INSTEAD OF is allowed.
pub fn create_view_trigger(b: &mut Builder<'_>, ct: &CreateTrigger, v: &View) -> Result<()> {
    match ct.time {
        Some(TriggerTime::InsteadOf) => {}
        Some(TriggerTime::After) => return Err(Error::sql(format!("cannot create AFTER trigger on view: {}", ct.table.name))),
        _ => return Err(Error::sql(format!("cannot create BEFORE trigger on view: {}", ct.table.name))),
    }
    if b.schema.temp_views.contains(&v.name.to_ascii_lowercase()) {
        return Err(Error::sql("TEMP triggers are not supported yet"));
    }
    let sql = format!("CREATE TRIGGER {}", b.tail_text(ct.name_start));
    b.begin(true);
    let zero = b.reg();
    b.op(Op::Integer, 0, zero as i32, 0);
    let c = b.cursor();
    b.op(Op::OpenWrite, c, 1, 0);
    b.schema_row(c, "trigger", &ct.name.name, &v.name, zero, Some(&sql));
    b.bump_cookie();
    Ok(())
}

/// The view named by `name` when it is one (not shadowed by a table).
fn view_of<'s>(schema: &'s Schema, name: &QualifiedName) -> Option<&'s Rc<View>> {
    if name.schema.as_deref().map_or(false, |s| !s.eq_ignore_ascii_case("main")) {
        return None;
    }
    if schema.table(&name.name).is_some() {
        return None;
    }
    schema.view(&name.name)
}

/// INSTEAD OF triggers of `view` for `kind` (0 insert, 1 update, 2 delete);
/// for UPDATE only those whose column list (if any) meets `set`.
fn instead_triggers(schema: &Schema, view: &str, kind: u8, t: &Table, set: &[usize]) -> Vec<Rc<Trigger>> {
    schema
        .triggers
        .iter()
        .filter(|tr| tr.time == Some(TriggerTime::InsteadOf) && tr.table.eq_ignore_ascii_case(view))
        .filter(|tr| match (&tr.event, kind) {
            (TriggerEvent::Insert, 0) | (TriggerEvent::Delete, 2) => true,
            (TriggerEvent::Update { columns }, 1) => columns.is_empty() || columns.iter().any(|c| t.column_index(c).map_or(false, |i| set.contains(&i))),
            _ => false,
        })
        .cloned()
        .collect()
}

/// The view as a table (its column names), compiled aside so that nothing
/// runs.
fn view_table(b: &Builder<'_>, schema: &Schema, v: &View) -> Result<Rc<Table>> {
    let mut tb = Builder::new(schema, b.sql, b.stmt_end);
    Ok(tb.materialize(&v.select, v.name.clone(), &v.columns, Some(v.sql.as_str()))?.table)
}

/// Opens RETURNING for a write to view table `t`; the returned cursor is
/// the one-row sorter each returned row is read from.
fn setup_view_returning(b: &mut Builder<'_>, list: &[ferrolite_parser::ast::ResultColumn], t: &Rc<Table>, alias: &Option<String>) -> Result<i32> {
    let cur = b.cursor();
    b.op(Op::SorterOpen, cur, 0, 0);
    b.setup_returning(list, t, alias, cur)?;
    Ok(cur)
}

/// Evaluates RETURNING on the view row image r[base..base+n].
fn view_returning(b: &mut Builder<'_>, cur: i32, base: usize, n: usize) -> Result<()> {
    if b.returning.is_none() {
        return Ok(());
    }
    b.op(Op::SorterOpen, cur, 0, 0);
    b.op(Op::SorterInsert, cur, base as i32, n as i32);
    let empty = b.op(Op::Rewind, cur, 0, 0);
    b.emit_returning()?;
    b.patch(empty);
    Ok(())
}

/// INSERT into a view with INSTEAD OF INSERT triggers; false when `ins`
/// does not target one (the caller reports the usual errors).
pub fn compile_insert(b: &mut Builder<'_>, ins: &Insert) -> Result<bool> {
    let schema: &Schema = b.schema;
    let Some(v) = view_of(schema, &ins.table) else { return Ok(false) };
    let t = view_table(b, schema, v)?;
    let trigs = instead_triggers(schema, &v.name, 0, &t, &[]);
    if trigs.is_empty() {
        return Ok(false);
    }
    let targets: Vec<usize> = if ins.columns.is_empty() {
        (0..t.columns.len()).collect()
    } else {
        let mut out = Vec::new();
        for c in &ins.columns {
            out.push(t.column_index(c).ok_or_else(|| Error::sql(format!("table {} has no column named {c}", t.name)))?);
        }
        out
    };
    let width = |n: usize| -> Result<()> {
        if n == targets.len() {
            return Ok(());
        }
        if ins.columns.is_empty() {
            return Err(Error::sql(format!("table {} has {} columns but {n} values were supplied", t.name, t.columns.len())));
        }
        Err(Error::sql(format!("{n} values for {} columns", targets.len())))
    };
    b.begin(true);
    b.counts_changes = true;
    let retcur = setup_view_returning(b, &ins.returning, &t, &ins.alias)?;
    let ncol = t.columns.len();
    let fire = |b: &mut Builder<'_>, srcs: &[ValSrc<'_>]| -> Result<()> {
        let base = b.regs(ncol);
        for (i, s) in srcs.iter().enumerate() {
            match s {
                ValSrc::Expr(e) => b.expr(e, base + i)?,
                ValSrc::Reg(r) => {
                    b.op(Op::Copy, *r as i32, (base + i) as i32, 0);
                }
                ValSrc::Default => b.load_value(&Value::Null, base + i),
            }
        }
        let norowid = b.reg();
        b.op(Op::Null, 0, norowid as i32, 0);
        view_returning(b, retcur, base, ncol)?;
        let mark = b.raise_ignore.len();
        b.fire_trigger_list(&t, trigs.clone(), Some((base, norowid)), None, None)?;
        let ignores: Vec<usize> = b.raise_ignore.drain(mark..).collect();
        b.patch_all(&ignores);
        Ok(())
    };
    match &ins.source {
        InsertSource::Values(rows) => {
            for r in rows {
                width(r.len())?;
            }
            b.frames.push(Frame::default());
            let res = (|| -> Result<()> {
                for r in rows {
                    let mut srcs: Vec<ValSrc<'_>> = (0..ncol).map(|_| ValSrc::Default).collect();
                    for (k, &ci) in targets.iter().enumerate() {
                        srcs[ci] = ValSrc::Expr(&r[k]);
                    }
                    fire(b, &srcs)?;
                }
                Ok(())
            })();
            b.frames.pop();
            res?;
        }
        InsertSource::DefaultValues => {
            let srcs: Vec<ValSrc<'_>> = (0..ncol).map(|_| ValSrc::Default).collect();
            fire(b, &srcs)?;
        }
        InsertSource::Select(sel) => {
            let tmp = b.cursor();
            b.op(Op::SorterOpen, tmp, 0, 0);
            let metas = b.select(sel, &mut Dest::Sorter { cursor: tmp })?;
            width(metas.len())?;
            let empty = b.op(Op::Rewind, tmp, 0, 0);
            let top = b.here();
            let vals = b.regs(targets.len());
            for k in 0..targets.len() {
                b.op(Op::Column, tmp, k as i32, (vals + k) as i32);
            }
            let mut srcs: Vec<ValSrc<'_>> = (0..ncol).map(|_| ValSrc::Default).collect();
            for (k, &ci) in targets.iter().enumerate() {
                srcs[ci] = ValSrc::Reg(vals + k);
            }
            fire(b, &srcs)?;
            b.op(Op::Next, tmp, top, 0);
            b.patch(empty);
        }
    }
    b.finish_returning();
    Ok(true)
}

/// Runs the view, keeps the rows matching `where_` (OLD values, then NEW
/// values when `sets` is given) in a sorter and fires `trigs` per row.
fn collect_and_fire<'s>(
    b: &mut Builder<'s>,
    v: &'s View,
    alias: &Option<String>,
    where_: Option<&Expr>,
    sets: Option<&[Option<&Expr>]>,
    trigs: Vec<Rc<Trigger>>,
    returning: &[ferrolite_parser::ast::ResultColumn],
) -> Result<()> {
    let name = alias.clone().unwrap_or_else(|| v.name.clone());
    let src: Source = b.materialize(&v.select, name, &v.columns, Some(v.sql.as_str()))?;
    let t = src.table.clone();
    let retcur = setup_view_returning(b, returning, &t, alias)?;
    let n = t.columns.len();
    let width = if sets.is_some() { 2 * n } else { n };
    let rows = b.cursor();
    b.op(Op::SorterOpen, rows, 0, 0);
    b.frames.push(Frame { sources: vec![src.clone()], map: Vec::new(), reg_rows: Vec::new(), order: Vec::new(), rowid_order: None, index_order: None });
    let mut body = |b: &mut Builder<'_>| -> Result<()> {
        let r = b.regs(width);
        for i in 0..n {
            b.emit_column(src.cursor, &t, i, r + i);
        }
        if let Some(sets) = sets {
            for i in 0..n {
                match sets[i] {
                    Some(e) => b.expr(e, r + n + i)?,
                    None => {
                        b.op(Op::Copy, (r + i) as i32, (r + n + i) as i32, 0);
                    }
                }
            }
        }
        b.op(Op::SorterInsert, rows, r as i32, width as i32);
        Ok(())
    };
    let res = b.gen_loops(&[JoinInfo::default()], where_, &mut body);
    b.frames.pop();
    res?;
    let empty = b.op(Op::Rewind, rows, 0, 0);
    let top = b.here();
    let r = b.regs(width);
    for k in 0..width {
        b.op(Op::Column, rows, k as i32, (r + k) as i32);
    }
    let norowid = b.reg();
    b.op(Op::Null, 0, norowid as i32, 0);
    // RETURNING sees the NEW row of an UPDATE, the OLD row of a DELETE.
    view_returning(b, retcur, if sets.is_some() { r + n } else { r }, n)?;
    let mark = b.raise_ignore.len();
    match sets {
        Some(sets) => {
            let set_cols: Vec<usize> = sets.iter().enumerate().filter(|(_, s)| s.is_some()).map(|(i, _)| i).collect();
            b.fire_trigger_list(&t, trigs, Some((r + n, norowid)), Some((r, norowid)), Some(&set_cols))?;
        }
        None => b.fire_trigger_list(&t, trigs, None, Some((r, norowid)), None)?,
    }
    let ignores: Vec<usize> = b.raise_ignore.drain(mark..).collect();
    b.patch_all(&ignores);
    b.op(Op::Next, rows, top, 0);
    b.patch(empty);
    b.finish_returning();
    Ok(())
}

/// UPDATE of a view with matching INSTEAD OF UPDATE triggers; false when
/// there are none (the caller reports the usual errors).
pub fn compile_update(b: &mut Builder<'_>, u: &Update) -> Result<bool> {
    let schema: &Schema = b.schema;
    let Some(v) = view_of(schema, &u.table) else { return Ok(false) };
    let t = view_table(b, schema, v)?;
    // As SQLite: triggers are chosen by the SET columns first (an unknown
    // column then matches none), unknown columns are reported after.
    let known: Vec<usize> = u.sets.iter().flat_map(|s| s.columns.iter()).filter_map(|c| t.column_index(c)).collect();
    let trigs = instead_triggers(schema, &v.name, 1, &t, &known);
    if trigs.is_empty() {
        return Ok(false);
    }
    let mut sets: Vec<Option<&Expr>> = vec![None; t.columns.len()];
    for s in &u.sets {
        if s.columns.len() != 1 {
            return Err(Error::sql("row value assignments are not supported yet"));
        }
        match t.column_index(&s.columns[0]) {
            Some(i) => sets[i] = Some(&s.expr),
            None => return Err(Error::sql(format!("no such column: {}", s.columns[0]))),
        }
    }
    if u.from.is_some() || u.with.is_some() || !u.order_by.is_empty() || u.limit.is_some() {
        return Err(Error::sql("UPDATE with WITH/ORDER BY/LIMIT/FROM is not supported yet"));
    }
    b.begin(true);
    b.counts_changes = true;
    collect_and_fire(b, v, &u.alias, u.where_clause.as_ref(), Some(&sets), trigs, &u.returning)?;
    Ok(true)
}

/// DELETE from a view with INSTEAD OF DELETE triggers; false when there
/// are none.
pub fn compile_delete(b: &mut Builder<'_>, d: &Delete) -> Result<bool> {
    let schema: &Schema = b.schema;
    let Some(v) = view_of(schema, &d.table) else { return Ok(false) };
    let t = view_table(b, schema, v)?;
    let trigs = instead_triggers(schema, &v.name, 2, &t, &[]);
    if trigs.is_empty() {
        return Ok(false);
    }
    if d.with.is_some() || !d.order_by.is_empty() || d.limit.is_some() {
        return Err(Error::sql("DELETE with WITH/ORDER BY/LIMIT is not supported yet"));
    }
    b.begin(true);
    b.counts_changes = true;
    collect_and_fire(b, v, &d.alias, d.where_clause.as_ref(), None, trigs, &d.returning)?;
    Ok(true)
}
