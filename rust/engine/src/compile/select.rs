//! SELECT: FROM flattening, result-column expansion and naming, WHERE via
//! `loops`, aggregates (with and without GROUP BY, using a sorter and
//! group-change detection), HAVING, DISTINCT, ORDER BY (in-memory sorter),
//! LIMIT/OFFSET, VALUES, UNION ALL / UNION, and subquery destinations.

use super::aggregate::collect_windows;
use super::compound::core_mentions;
use super::expr::collect_aggs;
use super::loops::JoinInfo;
use super::resolve::{ColRef, Frame, Source};
use super::Builder;
use crate::error::{Error, Result};
use crate::schema::{Column, Schema, Table};
use crate::storage::record::{Collation, KeyInfo};
use crate::value::affinity::Affinity;
use crate::vdbe::{ColumnMeta, Op, P4};
use ferrolite_parser::ast::{
    BinaryOp, Expr, FromItem, JoinConstraint, JoinKind, Literal, OrderingTerm, ResultColumn,
    Select, SelectClause, SelectCore, SortOrder,
};
use std::rc::Rc;

/// Where the rows of a SELECT go.
pub enum Dest {
    /// Returned to the caller (ResultRow).
    Result,
    /// First column of the first row into `reg` (scalar subquery).
    Scalar { reg: usize, exits: Vec<usize> },
    /// `reg` = 1 on the first row (EXISTS).
    Exists { reg: usize, exits: Vec<usize> },
    /// IN (SELECT ...): compare each row with r[lhs].
    In { lhs: usize, lhs_expr: Expr, found: usize, null_flag: usize, exits: Vec<usize> },
    /// Every row appended to sorter cursor (INSERT ... SELECT, FROM subquery).
    Sorter { cursor: i32 },
    /// One-column rows into a set, with an affinity applied (IN (SELECT)).
    Set { cursor: i32, affinity: Affinity },
    /// Recursive CTE queue: rows appended to `list` (skipped if already in
    /// `set` for UNION); `limit` counts down, jumping to `exits` at zero.
    Queue { list: i32, set: Option<i32>, limit: Option<usize>, exits: Vec<usize> },
}

/// One output column.
#[derive(Clone, Debug)]
pub(super) struct OutCol {
    pub(super) expr: Expr,
    pub(super) name: String,
    pub(super) decltype: Option<String>,
}

/// ORDER BY key: an expression, or (compound selects) a result column.
#[derive(Clone, Debug)]
pub(super) enum OrderKey {
    Expr(Expr),
    Col(usize),
}

/// Everything needed to emit one result row.
pub(super) struct RowCtx {
    pub(super) distinct: Option<i32>,
    pub(super) order: Option<(i32, Vec<OrderKey>)>,
    pub(super) offset: Option<usize>,
    pub(super) limit: Option<usize>,
    pub(super) end_jumps: Vec<usize>,
}

pub(super) fn ordinal(n: usize) -> String {
    let suf = match n % 10 {
        1 if n % 100 != 11 => "st",
        2 if n % 100 != 12 => "nd",
        3 if n % 100 != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suf}")
}

impl<'s> Builder<'s> {
    pub fn subselect(&mut self, s: &Select, d: &mut Dest) -> Result<()> {
        self.select(s, d)?;
        let exits = match d {
            Dest::Scalar { exits, .. } | Dest::Exists { exits, .. } | Dest::In { exits, .. } => std::mem::take(exits),
            _ => Vec::new(),
        };
        self.patch_all(&exits);
        Ok(())
    }

    pub(super) fn flatten_from(&mut self, item: &FromItem, frame: &mut Frame, joins: &mut Vec<JoinInfo>) -> Result<()> {
        match item {
            FromItem::Table { name, alias, .. } if name.schema.is_none() && self.cte_bindings.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name.name)) => {
                let (_, src) = self.cte_bindings.iter().rev().find(|(n, _)| n.eq_ignore_ascii_case(&name.name)).cloned().expect("binding");
                let mut src = src;
                if let Some(a) = alias {
                    src.name = a.clone();
                }
                frame.sources.push(src);
                joins.push(JoinInfo::default());
            }
            FromItem::Table { name, alias, .. } if name.schema.is_none() && self.ctes.iter().any(|c| c.name.eq_ignore_ascii_case(&name.name)) => {
                let pos = self.ctes.iter().rposition(|c| c.name.eq_ignore_ascii_case(&name.name)).unwrap_or(0);
                let cte = self.ctes[pos].clone();
                let alias_name = alias.clone().unwrap_or_else(|| name.name.clone());
                let recursive = cte.select.body.compounds.iter().any(|(_, c)| core_mentions(c, &cte.name));
                // A CTE sees only the CTEs defined before it (a recursive one
                // also sees itself, through its binding).
                let saved = self.ctes.split_off(pos);
                let r = if recursive {
                    self.materialize_recursive(&cte, alias_name)
                } else {
                    self.materialize(&cte.select, alias_name, &cte.columns, None)
                };
                self.ctes.extend(saved);
                frame.sources.push(r?);
                joins.push(JoinInfo::default());
            }
            FromItem::Table { name, alias, .. } if self.schema.table(&name.name).is_none() && self.schema.view(&name.name).is_some() => {
                let schema: &Schema = self.schema;
                let v = schema.view(&name.name).expect("view");
                let src = self.materialize(&v.select, alias.clone().unwrap_or_else(|| v.name.clone()), &v.columns, Some(v.sql.as_str()))?;
                frame.sources.push(src);
                joins.push(JoinInfo::default());
            }
            FromItem::Table { name, alias, .. } if super::pragma_table::is_temp_schema(name) => {
                let src = self.temp_schema_source(name, alias)?;
                frame.sources.push(src);
                joins.push(JoinInfo::default());
            }
            FromItem::Table { name, alias, .. } if self.schema.table(&name.name).is_none() && super::pragma_table::is_pragma_function(&name.name) => {
                let src = self.table_function_source(name, &[], alias)?;
                frame.sources.push(src);
                joins.push(JoinInfo::default());
            }
            FromItem::Table { name, alias, indexed_by } => {
                if let Some(s) = &name.schema {
                    if !s.eq_ignore_ascii_case("main") {
                        return Err(Error::sql(format!("unknown database {s}")));
                    }
                }
                let t = self
                    .schema
                    .table(&name.name)
                    .cloned()
                    .ok_or_else(|| match &name.schema {
                        // As SQLite: a qualified name is reported qualified.
                        Some(s) => Error::sql(format!("no such table: {s}.{}", name.name)),
                        None => Error::sql(format!("no such table: {}", name.name)),
                    })?;
                let cursor = self.cursor();
                match indexed_by {
                    Some(ferrolite_parser::ast::IndexedBy::NotIndexed) => self.index_hints.push((cursor, None)),
                    Some(ferrolite_parser::ast::IndexedBy::Index(i)) => self.index_hints.push((cursor, Some(i.clone()))),
                    None => {}
                }
                frame.sources.push(Source { name: alias.clone().unwrap_or_else(|| name.name.clone()), table: t, cursor, hidden: Vec::new() });
                joins.push(JoinInfo::default());
            }
            FromItem::Subquery { select, alias } => {
                let src = self.materialize(select, alias.clone().unwrap_or_default(), &[], None)?;
                frame.sources.push(src);
                joins.push(JoinInfo::default());
            }
            FromItem::Parenthesized { inner, .. } => self.flatten_from(inner, frame, joins)?,
            FromItem::TableFunction { name, args, alias } => {
                let src = self.table_function_source(name, args, alias)?;
                frame.sources.push(src);
                joins.push(JoinInfo::default());
            }
            FromItem::Join { left, op, right, constraint } => {
                self.flatten_from(left, frame, joins)?;
                let first_right = frame.sources.len();
                self.flatten_from(right, frame, joins)?;
                if frame.sources.len() != first_right + 1 {
                    return Err(Error::sql("nested joins on the right side are not supported yet"));
                }
                match op.kind {
                    JoinKind::Right | JoinKind::Full => {
                        joins[first_right].right = true;
                        joins[first_right].left = op.kind == JoinKind::Full;
                    }
                    JoinKind::Left => joins[first_right].left = true,
                    _ => {}
                }
                let mut using: Vec<String> = Vec::new();
                if op.natural {
                    let r = &frame.sources[first_right];
                    for c in &r.table.columns {
                        if frame.sources[..first_right].iter().any(|s| s.table.column_index(&c.name).is_some()) {
                            using.push(c.name.clone());
                        }
                    }
                }
                match constraint {
                    Some(JoinConstraint::On(e)) => joins[first_right].on.push(e.clone()),
                    Some(JoinConstraint::Using(cols)) => using.extend(cols.iter().cloned()),
                    None => {}
                }
                for c in using {
                    let rsrc = &frame.sources[first_right];
                    let rc = rsrc.table.column_index(&c).ok_or_else(|| {
                        Error::sql(format!("cannot join using column {c} - column not present in both tables"))
                    })?;
                    let lsrc = frame.sources[..first_right]
                        .iter()
                        .find(|s| s.table.column_index(&c).is_some())
                        .ok_or_else(|| Error::sql(format!("cannot join using column {c} - column not present in both tables")))?;
                    let col = |s: &Source| Expr::Column { schema: None, table: Some(s.name.clone()), column: c.clone(), double_quoted: false };
                    // An earlier outer USING join's column is its COALESCE.
                    let lexpr = lsrc.table.column_index(&c).and_then(|lc| self.star_using_coalesce(lsrc, lc)).unwrap_or_else(|| col(lsrc));
                    let e = Expr::Binary { op: BinaryOp::Eq, left: Box::new(lexpr), right: Box::new(col(rsrc)) };
                    if joins[first_right].right {
                        self.register_using_coalesce(lsrc, rsrc, &c);
                    }
                    joins[first_right].on.push(e);
                    frame.sources[first_right].hidden.push(rc);
                }
            }
        }
        Ok(())
    }


    /// An index of the only source whose leading columns are the ORDER BY
    /// terms (plain columns, matching collations, one direction).
    pub(super) fn index_for_order(&self, exprs: &[Expr], terms: &[OrderingTerm]) -> Option<(Rc<crate::schema::Index>, bool)> {
        let f = self.frames.last()?;
        if f.sources.len() != 1 || f.sources[0].table.root <= 1 {
            return None;
        }
        let desc = terms.first()?.order == Some(SortOrder::Desc);
        if terms.iter().any(|t| (t.order == Some(SortOrder::Desc)) != desc || t.nulls.is_some()) {
            return None;
        }
        let top = self.frames.len() - 1;
        let mut cols = Vec::new();
        for e in exprs {
            let inner = match e {
                Expr::Collate { expr, .. } => expr.as_ref(),
                e => e,
            };
            let Expr::Column { table, column, .. } = inner else { return None };
            match self.resolve_column(table.as_deref(), column).ok()?? {
                ColRef::Column { col, frame, .. } if frame == top => {
                    let coll = self.expr_collation(e).ok()?.map(|c| c.0).unwrap_or(Collation::Binary);
                    cols.push((col, coll));
                }
                _ => return None,
            }
        }
        f.sources[0]
            .table
            .indexes
            .iter()
            .find(|idx| {
                !idx.unsupported
                    && idx.partial.is_none()
                    && idx.columns.len() >= cols.len()
                    && idx.columns.iter().zip(&cols).all(|(ic, (c, coll))| ic.column == *c && ic.collation == *coll && !ic.desc)
            })
            .map(|idx| (idx.clone(), desc))
    }

    /// Runs `select` into an in-memory cursor and describes it as a source
    /// named `name` (FROM subqueries, views, CTEs). `sql` is the text the
    /// select's spans refer to when it is not the statement's own.
    pub(super) fn materialize(&mut self, select: &Select, name: String, colnames: &[String], sql: Option<&'s str>) -> Result<Source> {
        let cursor = self.cursor();
        self.op(Op::SorterOpen, cursor, 0, 0);
        let saved = std::mem::take(&mut self.frames);
        let saved_sql = self.sql;
        if let Some(s) = sql {
            self.sql = s;
        }
        let mut d = Dest::Sorter { cursor };
        let r = self.select(select, &mut d);
        self.frames = saved;
        self.sql = saved_sql;
        let metas = r?;
        if !colnames.is_empty() && colnames.len() != metas.len() {
            return Err(Error::sql(format!("table {name} has {} values for {} columns", metas.len(), colnames.len())));
        }
        let cols = metas
            .iter()
            .enumerate()
            .map(|(k, m)| Column {
                name: colnames.get(k).cloned().unwrap_or_else(|| m.name.clone()),
                decltype: m.decltype.clone(),
                affinity: Affinity::from_decltype(m.decltype.as_deref().unwrap_or("")),
                notnull: false,
                default: None,
                collation: Collation::Binary,
                pk: 0,
            })
            .collect();
        let t = Table { name: name.clone(), root: 0, columns: cols, rowid_alias: None, sql: String::new(), without_rowid: true, indexes: Vec::new(), checks: Vec::new(), ..Default::default() };
        Ok(Source { name, table: Rc::new(t), cursor, hidden: Vec::new() })
    }

    /// Expands a RETURNING list against the top frame.
    pub fn returning_columns(&self, list: &[ResultColumn]) -> Result<(Vec<Expr>, Vec<ColumnMeta>)> {
        let core = SelectClause {
            distinct: false,
            columns: list.to_vec(),
            from: None,
            where_clause: None,
            group_by: Vec::new(),
            having: None,
            windows: Vec::new(),
        };
        let outs = self.expand_columns(&core)?;
        for o in &outs {
            let mut aggs = Vec::new();
            collect_aggs(&o.expr, &mut aggs);
            if let Some(Expr::Function(fc)) = aggs.first() {
                return Err(Error::sql(format!("misuse of aggregate function {}()", fc.name)));
            }
        }
        Ok((outs.iter().map(|o| o.expr.clone()).collect(), outs.iter().map(|o| ColumnMeta { name: o.name.clone(), decltype: o.decltype.clone() }).collect()))
    }

    pub(super) fn expand_columns(&self, core: &SelectClause) -> Result<Vec<OutCol>> {
        let mut out = Vec::new();
        let frame = self.frames.last().expect("frame");
        let star_of = |s: &Source, out: &mut Vec<OutCol>| {
            for (ci, c) in s.table.columns.iter().enumerate() {
                if s.hidden.contains(&ci) {
                    continue;
                }
                let plain = Expr::Column { schema: None, table: Some(s.name.clone()), column: c.name.clone(), double_quoted: false };
                out.push(OutCol {
                    expr: self.star_using_coalesce(s, ci).unwrap_or(plain),
                    name: c.name.clone(),
                    decltype: c.decltype.clone(),
                });
            }
        };
        for rc in &core.columns {
            match rc {
                ResultColumn::Star => {
                    if frame.sources.is_empty() {
                        return Err(Error::sql("no tables specified"));
                    }
                    for s in &frame.sources {
                        star_of(s, &mut out);
                    }
                }
                ResultColumn::TableStar(t) => {
                    let s = frame
                        .sources
                        .iter()
                        .find(|s| s.name.eq_ignore_ascii_case(t))
                        .ok_or_else(|| Error::sql(format!("no such table: {t}")))?;
                    star_of(s, &mut out);
                }
                ResultColumn::Expr { expr, alias, span } => {
                    let mut decltype = None;
                    let mut colname = None;
                    if let Expr::Column { table, column, .. } = expr {
                        match self.resolve_column(table.as_deref(), column) {
                            Ok(Some(ColRef::Column { table: t, col, .. })) => {
                                decltype = t.columns[col].decltype.clone();
                                colname = Some(t.columns[col].name.clone());
                            }
                            Ok(Some(ColRef::Rowid { table: t, alias: a, .. })) => {
                                if let Some(a) = a {
                                    decltype = t.columns[a].decltype.clone();
                                    colname = Some(t.columns[a].name.clone());
                                } else {
                                    colname = Some(column.clone());
                                }
                            }
                            _ => {}
                        }
                    }
                    let name = alias.clone().or(colname).unwrap_or_else(|| span.text(self.sql).to_string());
                    out.push(OutCol { expr: expr.clone(), name, decltype });
                }
            }
        }
        Ok(out)
    }

    /// Replaces unqualified names that match no column but a result column
    /// alias with that result column's expression (SQLite allows aliases in
    /// WHERE, GROUP BY and HAVING).
    pub(super) fn subst_aliases(&self, e: &Expr, outs: &[OutCol], aliases: &[Option<String>]) -> Expr {
        let mut e = e.clone();
        self.subst_in(&mut e, outs, aliases);
        e
    }

    pub(super) fn subst_in(&self, e: &mut Expr, outs: &[OutCol], aliases: &[Option<String>]) {
        if super::stack_exceeded() {
            return;
        }
        if let Expr::Column { table: None, column, .. } = e {
            if self.resolve_column(None, column).ok().flatten().is_none() {
                if let Some(k) = aliases.iter().position(|a| a.as_deref().map_or(false, |a| a.eq_ignore_ascii_case(column))) {
                    *e = outs[k].expr.clone();
                }
            }
            return;
        }
        super::expr::children_mut(e, &mut |c| self.subst_in(c, outs, aliases));
    }

    /// Resolves ORDER BY / GROUP BY terms that name result columns.
    pub(super) fn resolve_term(&self, e: &Expr, outs: &[OutCol], what: &str, k: usize) -> Result<Expr> {
        let inner = match e {
            Expr::Collate { expr, .. } => expr.as_ref(),
            e => e,
        };
        if let Expr::Literal(Literal::Integer(i)) = inner {
            if *i < 1 || *i as usize > outs.len() {
                return Err(Error::sql(format!(
                    "{} {what} BY term out of range - should be between 1 and {}",
                    ordinal(k + 1),
                    outs.len()
                )));
            }
            let base = outs[*i as usize - 1].expr.clone();
            return Ok(match e {
                Expr::Collate { collation, .. } => Expr::Collate { expr: Box::new(base), collation: collation.clone() },
                _ => base,
            });
        }
        if let Expr::Column { table: None, column, .. } = inner {
            if self.resolve_column(None, column).ok().flatten().is_none() {
                if let Some(o) = outs.iter().find(|o| o.name.eq_ignore_ascii_case(column)) {
                    return Ok(o.expr.clone());
                }
            }
        }
        Ok(e.clone())
    }

    pub(super) fn order_key_info(&self, terms: &[OrderingTerm], exprs: &[Expr]) -> Result<Rc<KeyInfo>> {
        let mut ki = KeyInfo { collations: Vec::new(), desc: Vec::new() };
        for (t, e) in terms.iter().zip(exprs) {
            let coll = self.expr_collation(e)?.map(|c| c.0).unwrap_or(Collation::Binary);
            let desc = t.order == Some(SortOrder::Desc);
            let nulls_default = match (t.nulls, desc) {
                (None, _) => true,
                (Some(ferrolite_parser::ast::NullsOrder::First), false) => true,
                (Some(ferrolite_parser::ast::NullsOrder::Last), true) => true,
                _ => false,
            };
            if !nulls_default {
                return Err(Error::sql("NULLS FIRST/LAST is not supported yet"));
            }
            ki.collations.push(coll);
            ki.desc.push(desc);
        }
        Ok(Rc::new(ki))
    }

    pub(super) fn limit_regs(&mut self, s: &Select, rc: &mut RowCtx) -> Result<()> {
        if let Some(l) = &s.limit {
            let r = self.expr_reg(&l.limit)?;
            self.op(Op::MustBeInt, r as i32, 0, 0);
            rc.end_jumps.push(self.op(Op::IfNot, r as i32, 0, 0));
            rc.limit = Some(r);
            if let Some(o) = &l.offset {
                let ro = self.expr_reg(o)?;
                self.op(Op::MustBeInt, ro as i32, 0, 0);
                rc.offset = Some(ro);
            }
        }
        Ok(())
    }

    /// Sends r[base..base+n] to the destination, honoring OFFSET/LIMIT.
    pub(super) fn output(&mut self, dest: &mut Dest, base: usize, n: usize, rc: &mut RowCtx, first_expr: Option<&Expr>) -> Result<()> {
        let skip = rc.offset.map(|o| self.op(Op::IfPos, o as i32, 0, 1));
        match dest {
            Dest::Result => {
                self.op(Op::ResultRow, base as i32, n as i32, 0);
            }
            Dest::Scalar { reg, exits } => {
                self.op(Op::Copy, base as i32, *reg as i32, 0);
                exits.push(self.op(Op::Goto, 0, 0, 0));
            }
            Dest::Exists { reg, exits } => {
                self.op(Op::Integer, 1, *reg as i32, 0);
                exits.push(self.op(Op::Goto, 0, 0, 0));
            }
            Dest::In { lhs, lhs_expr, found, null_flag, exits } => {
                if n != 1 {
                    return Err(Error::sql(format!("sub-select returns {n} columns - expected 1")));
                }
                let (lhs, found, null_flag) = (*lhs, *found, *null_flag);
                let le = lhs_expr.clone();
                let rexpr = first_expr.cloned().unwrap_or(Expr::Literal(Literal::Null));
                let c = self.reg();
                self.emit_compare(Op::Eq, &le, &rexpr, lhs, base, c, false)?;
                let j1 = self.op(Op::IfNot, c as i32, 0, 0);
                let j2 = self.op(Op::If, c as i32, 0, 0);
                self.op(Op::Integer, 1, null_flag as i32, 0);
                let j3 = self.op(Op::Goto, 0, 0, 0);
                self.patch(j2);
                self.op(Op::Integer, 1, found as i32, 0);
                let e = self.op(Op::Goto, 0, 0, 0);
                exits.push(e);
                self.patch(j1);
                self.patch(j3);
            }
            Dest::Sorter { cursor } => {
                self.op(Op::SorterInsert, *cursor, base as i32, n as i32);
            }
            Dest::Queue { list, set, limit, exits } => {
                let skip = set.map(|st| self.emit(Op::Found, st, 0, base as i32, P4::Int64(n as i64), 0));
                if let Some(st) = set {
                    self.op(Op::SorterInsert, *st, base as i32, n as i32);
                }
                self.op(Op::SorterInsert, *list, base as i32, n as i32);
                if let Some(l) = limit {
                    exits.push(self.op(Op::DecrJumpZero, *l as i32, 0, 0));
                }
                if let Some(j) = skip {
                    self.patch(j);
                }
            }
            Dest::Set { cursor, affinity } => {
                if n != 1 {
                    return Err(Error::sql(format!("sub-select returns {n} columns - expected 1")));
                }
                if *affinity != Affinity::Blob {
                    self.emit(Op::Affinity, base as i32, 1, 0, P4::Affinity(affinity.code().to_string()), 0);
                }
                self.op(Op::SorterInsert, *cursor, base as i32, 1);
            }
        }
        if let Some(l) = rc.limit {
            rc.end_jumps.push(self.op(Op::DecrJumpZero, l as i32, 0, 0));
        }
        if let Some(s) = skip {
            self.patch(s);
        }
        Ok(())
    }

    /// Computes the output columns and routes the row (DISTINCT, ORDER BY
    /// sorter or straight to the destination).
    pub(super) fn emit_row(&mut self, outs: &[Expr], dest: &mut Dest, rc: &mut RowCtx) -> Result<()> {
        let n = outs.len();
        let base = self.regs(n);
        for (k, e) in outs.iter().enumerate() {
            self.expr(e, base + k)?;
        }
        self.route_row(base, n, outs.first(), dest, rc)
    }

    pub(super) fn route_row(&mut self, base: usize, n: usize, first: Option<&Expr>, dest: &mut Dest, rc: &mut RowCtx) -> Result<()> {
        let mut skip = None;
        if let Some(d) = rc.distinct {
            skip = Some(self.emit(Op::Found, d, 0, base as i32, P4::Int64(n as i64), 0));
            self.op(Op::SorterInsert, d, base as i32, n as i32);
        }
        if let Some((sorter, keys)) = &rc.order {
            let (sorter, keys) = (*sorter, keys.clone());
            let nk = keys.len();
            let kb = self.regs(nk + n);
            for (k, key) in keys.iter().enumerate() {
                match key {
                    OrderKey::Expr(e) => self.expr(e, kb + k)?,
                    OrderKey::Col(c) => {
                        self.op(Op::Copy, (base + c) as i32, (kb + k) as i32, 0);
                    }
                }
            }
            self.op(Op::Copy, base as i32, (kb + nk) as i32, n as i32);
            self.op(Op::SorterInsert, sorter, kb as i32, (nk + n) as i32);
        } else {
            self.output(dest, base, n, rc, first)?;
        }
        if let Some(s) = skip {
            self.patch(s);
        }
        Ok(())
    }

    /// Reads the ORDER BY sorter back out to the destination.
    pub(super) fn drain_sorter(&mut self, dest: &mut Dest, n: usize, rc: &mut RowCtx, first: Option<&Expr>) -> Result<()> {
        if let Some((sorter, keys)) = rc.order.clone() {
            let nk = keys.len();
            let empty = self.op(Op::SorterSort, sorter, 0, 0);
            let top = self.here();
            let base = self.regs(n);
            for k in 0..n {
                self.op(Op::Column, sorter, (nk + k) as i32, (base + k) as i32);
            }
            self.output(dest, base, n, rc, first)?;
            self.op(Op::SorterNext, sorter, top, 0);
            self.patch(empty);
        }
        Ok(())
    }

    pub fn compile_select_stmt_inner(&mut self, s: &Select) -> Result<()> {
        let mut d = Dest::Result;
        let metas = self.select(s, &mut d)?;
        self.columns = metas;
        Ok(())
    }

    /// Compiles a SELECT to `dest`; returns its result column metadata.
    pub fn select(&mut self, s: &Select, dest: &mut Dest) -> Result<Vec<ColumnMeta>> {
        if let Some(w) = &s.with {
            let n = self.ctes.len();
            self.ctes.extend(w.ctes.iter().cloned());
            let inner = Select { with: None, body: s.body.clone(), order_by: s.order_by.clone(), limit: s.limit.clone() };
            let r = self.select(&inner, dest);
            self.ctes.truncate(n);
            return r;
        }
        if !s.body.compounds.is_empty() {
            return self.compound(s, dest);
        }
        match &s.body.first {
            SelectCore::Values(rows) => {
                let mut rc = RowCtx { distinct: None, order: None, offset: None, limit: None, end_jumps: Vec::new() };
                self.limit_regs(s, &mut rc)?;
                self.frames.push(Frame::default());
                let r = (|| {
                    for row in rows {
                        self.emit_row(row, dest, &mut rc)?;
                    }
                    Ok(())
                })();
                self.frames.pop();
                r?;
                let ends = std::mem::take(&mut rc.end_jumps);
                self.patch_all(&ends);
                let n = rows.first().map_or(0, |r| r.len());
                Ok((1..=n).map(|k| ColumnMeta { name: format!("column{k}"), decltype: None }).collect())
            }
            SelectCore::Select(core) => {
                let mut frame = Frame::default();
                let mut joins = Vec::new();
                if let Some(f) = &core.from {
                    self.flatten_from(f, &mut frame, &mut joins)?;
                }
                self.frames.push(frame);
                let r = self.select_core(core, s, dest, &joins);
                self.frames.pop();
                r
            }
        }
    }

    pub(super) fn select_core(&mut self, core: &SelectClause, s: &Select, dest: &mut Dest, joins: &[JoinInfo]) -> Result<Vec<ColumnMeta>> {
        let outs = self.expand_columns(core)?;
        let metas: Vec<ColumnMeta> = outs.iter().map(|o| ColumnMeta { name: o.name.clone(), decltype: o.decltype.clone() }).collect();
        let out_exprs: Vec<Expr> = outs.iter().map(|o| o.expr.clone()).collect();
        let n = outs.len();
        // ORDER BY
        let mut order_exprs = Vec::new();
        for (k, t) in s.order_by.iter().enumerate() {
            order_exprs.push(self.resolve_term(&t.expr, &outs, "ORDER", k)?);
        }
        let aliases: Vec<Option<String>> = core
            .columns
            .iter()
            .flat_map(|c| match c {
                ResultColumn::Expr { alias, .. } => vec![alias.clone()],
                _ => Vec::new(),
            })
            .collect();
        let aliases: Vec<Option<String>> = if aliases.len() == outs.len() { aliases } else { vec![None; outs.len()] };
        let mut group_exprs = Vec::new();
        for (k, g) in core.group_by.iter().enumerate() {
            let g = self.resolve_term(g, &outs, "GROUP", k)?;
            group_exprs.push(self.subst_aliases(&g, &outs, &aliases));
        }
        let having = core.having.as_ref().map(|h| self.subst_aliases(h, &outs, &aliases));
        let where_owned = core.where_clause.as_ref().map(|w| self.subst_aliases(w, &outs, &aliases));
        let mut core_owned;
        let core = if having.is_some() || where_owned.is_some() {
            core_owned = core.clone();
            core_owned.having = having;
            core_owned.where_clause = where_owned;
            &core_owned
        } else {
            core
        };
        let mut aggs = Vec::new();
        for e in out_exprs.iter().chain(core.having.iter()).chain(order_exprs.iter()) {
            collect_aggs(e, &mut aggs);
        }
        let mut wins = Vec::new();
        for e in out_exprs.iter().chain(order_exprs.iter()) {
            collect_windows(e, &mut wins);
        }
        super::window::window_spec_aggs(core, &wins, &mut aggs);
        for e in group_exprs.iter().chain(core.having.iter()) {
            let mut ww = Vec::new();
            collect_windows(e, &mut ww);
            if let Some(Expr::Function(fc)) = ww.first() {
                return Err(Error::sql(format!("misuse of window function {}()", fc.name)));
            }
        }
        let is_agg = !aggs.is_empty() || !group_exprs.is_empty();
        if let Some(w) = &core.where_clause {
            let mut wa = Vec::new();
            collect_aggs(w, &mut wa);
            if let Some(Expr::Function(fc)) = wa.first() {
                // SQLite words it differently once the query aggregates.
                let what = if is_agg { "aggregate:" } else { "aggregate function" };
                return Err(Error::sql(format!("misuse of {what} {}()", fc.name)));
            }
        }
        if core.having.is_some() && !is_agg {
            return Err(Error::sql("HAVING clause on a non-aggregate query"));
        }
        let mut rc = RowCtx { distinct: None, order: None, offset: None, limit: None, end_jumps: Vec::new() };
        self.limit_regs(s, &mut rc)?;
        if core.distinct {
            let c = self.cursor();
            let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary; n], desc: vec![false; n] });
            self.emit(Op::OpenEphemeral, c, n as i32, 0, P4::KeyInfo(ki), 0);
            rc.distinct = Some(c);
        }
        // ORDER BY the rowid of the only table: scan in rowid order instead.
        if order_exprs.len() == 1 && !is_agg && !core.distinct && wins.is_empty() {
            let single = self.frames.last().map_or(false, |f| f.sources.len() == 1 && f.sources[0].table.root > 1);
            let term = &order_exprs[0];
            let is_rowid = match term {
                Expr::Column { table, column, .. } => {
                    matches!(self.resolve_column(table.as_deref(), column), Ok(Some(ColRef::Rowid { frame, .. })) if frame + 1 == self.frames.len())
                }
                _ => false,
            };
            if single && is_rowid && s.order_by[0].nulls.is_none() {
                let desc = s.order_by[0].order == Some(SortOrder::Desc);
                if let Some(f) = self.frames.last_mut() {
                    f.rowid_order = Some(desc);
                }
                order_exprs.clear();
            }
        }
        // ORDER BY a prefix of an index's columns, all one direction, when
        // the table would be scanned anyway: walk the index instead of sorting.
        if !order_exprs.is_empty() && !is_agg && !core.distinct && wins.is_empty() {
            if let Some(choice) = self.index_for_order(&order_exprs, &s.order_by) {
                if self.would_scan(core.where_clause.as_ref()) {
                    if let Some(f) = self.frames.last_mut() {
                        f.index_order = Some(choice);
                    }
                    order_exprs.clear();
                }
            }
        }
        if !order_exprs.is_empty() {
            let c = self.cursor();
            let ki = self.order_key_info(&s.order_by, &order_exprs)?;
            self.emit(Op::SorterOpen, c, order_exprs.len() as i32, 0, P4::KeyInfo(ki), 0);
            rc.order = Some((c, order_exprs.iter().cloned().map(OrderKey::Expr).collect()));
        }
        let first = out_exprs.first().cloned();
        let late_notes: Vec<String> = [
            (!group_exprs.is_empty(), "USE TEMP B-TREE FOR GROUP BY"),
            (core.distinct, "USE TEMP B-TREE FOR DISTINCT"),
            (rc.order.is_some(), "USE TEMP B-TREE FOR ORDER BY"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, d)| d.to_string())
        .collect();
        if let Some(w) = &core.where_clause {
            let mut ww = Vec::new();
            collect_windows(w, &mut ww);
            if let Some(Expr::Function(fc)) = ww.first() {
                return Err(Error::sql(format!("misuse of window function {}()", fc.name)));
            }
        }
        let saved_cov = self.covering_names.take();
        {
            let mut mentioned: Vec<&Expr> = out_exprs.iter().chain(order_exprs.iter()).chain(group_exprs.iter()).collect();
            mentioned.extend(wins.iter());
            self.covering_names = self.covering_names_of(core, &mentioned, joins);
        }
        let r = self.select_body(core, &out_exprs, &wins, &group_exprs, &aggs, is_agg, joins, dest, &mut rc);
        self.covering_names = saved_cov;
        r?;
        for d in late_notes {
            self.note_plan(d);
        }
        self.drain_sorter(dest, n, &mut rc, first.as_ref())?;
        let ends = std::mem::take(&mut rc.end_jumps);
        self.patch_all(&ends);
        Ok(metas)
    }

    /// The loops of a SELECT core: window, plain or aggregate.
    #[allow(clippy::too_many_arguments)]
    fn select_body(
        &mut self,
        core: &SelectClause,
        out_exprs: &[Expr],
        wins: &[Expr],
        group_exprs: &[Expr],
        aggs: &[Expr],
        is_agg: bool,
        joins: &[JoinInfo],
        dest: &mut Dest,
        rc: &mut RowCtx,
    ) -> Result<()> {
        if !wins.is_empty() {
            let groups = is_agg.then_some(group_exprs);
            self.window_query(core, out_exprs, wins, groups, joins, dest, rc)
        } else if !is_agg {
            let mut body = |b: &mut Builder<'_>| b.emit_row(out_exprs, dest, rc);
            self.gen_loops(joins, core.where_clause.as_ref(), &mut body)
        } else {
            self.aggregate(core, out_exprs, group_exprs, aggs, joins, dest, rc)
        }
    }



    pub(super) fn push_map(&mut self, entries: impl Iterator<Item = (Expr, usize)>) -> usize {
        let f = self.frames.last_mut().expect("frame");
        let saved = f.map.len();
        f.map.extend(entries);
        saved
    }

    pub(super) fn having_and_emit(&mut self, core: &SelectClause, outs: &[Expr], dest: &mut Dest, rc: &mut RowCtx) -> Result<()> {
        let skip = match &core.having {
            Some(h) => {
                let r = self.expr_reg(h)?;
                Some(self.op(Op::IfNot, r as i32, 0, 1))
            }
            None => None,
        };
        self.emit_row(outs, dest, rc)?;
        if let Some(s) = skip {
            self.patch(s);
        }
        Ok(())
    }

}

/// Entry point for a top-level SELECT statement.
pub fn compile_select_stmt(b: &mut Builder<'_>, s: &Select) -> Result<()> {
    b.begin(false);
    b.compile_select_stmt_inner(s)
}


