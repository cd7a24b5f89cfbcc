//! SELECT: FROM flattening, result-column expansion and naming, WHERE via
//! `loops`, aggregates (with and without GROUP BY, using a sorter and
//! group-change detection), HAVING, DISTINCT, ORDER BY (in-memory sorter),
//! LIMIT/OFFSET, VALUES, UNION ALL / UNION, and subquery destinations.

use super::expr::collect_aggs;
use super::loops::JoinInfo;
use super::resolve::{ColRef, Frame, Source};
use super::Builder;
use crate::error::{Error, Result};
use crate::func::{self, FuncKind};
use crate::schema::{Column, Schema, Table};
use crate::storage::record::{Collation, KeyInfo};
use crate::value::affinity::Affinity;
use crate::vdbe::{ColumnMeta, Op, P4};
use ferrolite_parser::ast::{
    BinaryOp, CompoundOp, Expr, FromItem, FunctionArgs, JoinConstraint, JoinKind, Literal, OrderingTerm, ResultColumn,
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
struct OutCol {
    expr: Expr,
    name: String,
    decltype: Option<String>,
}

/// ORDER BY key: an expression, or (compound selects) a result column.
#[derive(Clone, Debug)]
enum OrderKey {
    Expr(Expr),
    Col(usize),
}

/// Everything needed to emit one result row.
struct RowCtx {
    distinct: Option<i32>,
    order: Option<(i32, Vec<OrderKey>)>,
    offset: Option<usize>,
    limit: Option<usize>,
    end_jumps: Vec<usize>,
}

fn ordinal(n: usize) -> String {
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

    fn flatten_from(&mut self, item: &FromItem, frame: &mut Frame, joins: &mut Vec<JoinInfo>) -> Result<()> {
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
            FromItem::Table { name, alias, .. } => {
                if let Some(s) = &name.schema {
                    if !s.eq_ignore_ascii_case("main") {
                        return Err(Error::sql(format!("unknown database {s}")));
                    }
                }
                let t = self
                    .schema
                    .table(&name.name)
                    .cloned()
                    .ok_or_else(|| Error::sql(format!("no such table: {}", name.name)))?;
                if t.without_rowid {
                    return Err(Error::sql(format!("WITHOUT ROWID tables are not supported yet: {}", t.name)));
                }
                let cursor = self.cursor();
                frame.sources.push(Source { name: alias.clone().unwrap_or_else(|| name.name.clone()), table: t, cursor, hidden: Vec::new() });
                joins.push(JoinInfo::default());
            }
            FromItem::Subquery { select, alias } => {
                let src = self.materialize(select, alias.clone().unwrap_or_default(), &[], None)?;
                frame.sources.push(src);
                joins.push(JoinInfo::default());
            }
            FromItem::Parenthesized { inner, .. } => self.flatten_from(inner, frame, joins)?,
            FromItem::TableFunction { name, .. } => return Err(Error::sql(format!("no such table: {}", name.name))),
            FromItem::Join { left, op, right, constraint } => {
                self.flatten_from(left, frame, joins)?;
                let first_right = frame.sources.len();
                self.flatten_from(right, frame, joins)?;
                if frame.sources.len() != first_right + 1 {
                    return Err(Error::sql("nested joins on the right side are not supported yet"));
                }
                match op.kind {
                    JoinKind::Right | JoinKind::Full => return Err(Error::sql("RIGHT and FULL OUTER JOINs are not supported yet")),
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
                    let e = Expr::Binary { op: BinaryOp::Eq, left: Box::new(col(lsrc)), right: Box::new(col(rsrc)) };
                    joins[first_right].on.push(e);
                    frame.sources[first_right].hidden.push(rc);
                }
            }
        }
        Ok(())
    }

    /// WITH RECURSIVE name AS (initial UNION [ALL] recursive): a queue of
    /// rows; each row in turn is the one-row table `name` for the recursive
    /// part, whose rows are appended to the queue. The queue is the result.
    fn materialize_recursive(&mut self, cte: &ferrolite_parser::ast::Cte, name: String) -> Result<Source> {
        let sel = &cte.select;
        if sel.body.compounds.len() != 1 || !sel.order_by.is_empty() {
            return Err(Error::sql("this form of recursive common table expression is not supported yet"));
        }
        let (op, rec_core) = &sel.body.compounds[0];
        let union = match op {
            CompoundOp::Union => true,
            CompoundOp::UnionAll => false,
            _ => return Err(Error::sql(format!("recursive common table expression {} must use UNION or UNION ALL", cte.name))),
        };
        let single = |core: &SelectCore| Select {
            with: None,
            body: ferrolite_parser::ast::SelectBody { first: core.clone(), compounds: Vec::new() },
            order_by: Vec::new(),
            limit: None,
        };
        let saved_frames = std::mem::take(&mut self.frames);
        let r = (|| -> Result<Source> {
            let list = self.cursor();
            self.op(Op::SorterOpen, list, 0, 0);
            let set = if union { Some(self.cursor()) } else { None };
            let set_open = self.op(Op::Noop, 0, 0, 0);
            let limit = match &sel.limit {
                Some(l) => {
                    let r = self.expr_reg(&l.limit)?;
                    self.op(Op::MustBeInt, r as i32, 0, 0);
                    Some(r)
                }
                None => None,
            };
            let mut exits = Vec::new();
            if let Some(l) = limit {
                exits.push(self.op(Op::IfNot, l as i32, 0, 0));
            }
            let mut d = Dest::Queue { list, set, limit, exits: Vec::new() };
            let metas = self.select(&single(&sel.body.first), &mut d)?;
            let n = metas.len();
            if let Some(st) = set {
                let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary; n], desc: vec![false; n] });
                self.insns[set_open] = crate::vdbe::Insn { op: Op::OpenEphemeral, p1: st, p2: n as i32, p3: 0, p4: P4::KeyInfo(ki), p5: 0 };
            }
            if !cte.columns.is_empty() && cte.columns.len() != n {
                return Err(Error::sql(format!("table {} has {} values for {} columns", cte.name, n, cte.columns.len())));
            }
            let cols: Vec<Column> = metas
                .iter()
                .enumerate()
                .map(|(k, m)| Column {
                    name: cte.columns.get(k).cloned().unwrap_or_else(|| m.name.clone()),
                    decltype: None,
                    affinity: Affinity::Blob,
                    notnull: false,
                    default: None,
                    collation: Collation::Binary,
                    pk: 0,
                })
                .collect();
            let table = Rc::new(Table { name: cte.name.clone(), root: 0, columns: cols, rowid_alias: None, sql: String::new(), without_rowid: true, indexes: Vec::new(), checks: Vec::new() });
            let current = self.cursor();
            let done = self.op(Op::Rewind, list, 0, 0);
            let top = self.here();
            let regs = self.regs(n);
            for k in 0..n {
                self.op(Op::Column, list, k as i32, (regs + k) as i32);
            }
            self.op(Op::SorterOpen, current, 0, 0);
            self.op(Op::SorterInsert, current, regs as i32, n as i32);
            self.cte_bindings.push((cte.name.clone(), Source { name: cte.name.clone(), table: table.clone(), cursor: current, hidden: Vec::new() }));
            let mut d2 = Dest::Queue { list, set, limit, exits: Vec::new() };
            let rr = self.select(&single(rec_core), &mut d2);
            self.cte_bindings.pop();
            let m2 = rr?;
            if m2.len() != n {
                return Err(Error::sql(format!("SELECTs to the left and right of UNION do not have the same number of result columns")));
            }
            self.op(Op::Next, list, top, 0);
            self.patch(done);
            if let Dest::Queue { exits: e1, .. } = d {
                exits.extend(e1);
            }
            if let Dest::Queue { exits: e2, .. } = d2 {
                exits.extend(e2);
            }
            self.patch_all(&exits);
            Ok(Source { name: name.clone(), table, cursor: list, hidden: Vec::new() })
        })();
        self.frames = saved_frames;
        r
    }

    /// An index of the only source whose leading columns are the ORDER BY
    /// terms (plain columns, matching collations, one direction).
    fn index_for_order(&self, exprs: &[Expr], terms: &[OrderingTerm]) -> Option<(Rc<crate::schema::Index>, bool)> {
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
    fn materialize(&mut self, select: &Select, name: String, colnames: &[String], sql: Option<&'s str>) -> Result<Source> {
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
        let t = Table { name: name.clone(), root: 0, columns: cols, rowid_alias: None, sql: String::new(), without_rowid: true, indexes: Vec::new(), checks: Vec::new() };
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

    fn expand_columns(&self, core: &SelectClause) -> Result<Vec<OutCol>> {
        let mut out = Vec::new();
        let frame = self.frames.last().expect("frame");
        let star_of = |s: &Source, out: &mut Vec<OutCol>| {
            for (ci, c) in s.table.columns.iter().enumerate() {
                if s.hidden.contains(&ci) {
                    continue;
                }
                out.push(OutCol {
                    expr: Expr::Column { schema: None, table: Some(s.name.clone()), column: c.name.clone(), double_quoted: false },
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
    fn subst_aliases(&self, e: &Expr, outs: &[OutCol], aliases: &[Option<String>]) -> Expr {
        let mut e = e.clone();
        self.subst_in(&mut e, outs, aliases);
        e
    }

    fn subst_in(&self, e: &mut Expr, outs: &[OutCol], aliases: &[Option<String>]) {
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
    fn resolve_term(&self, e: &Expr, outs: &[OutCol], what: &str, k: usize) -> Result<Expr> {
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

    fn order_key_info(&self, terms: &[OrderingTerm], exprs: &[Expr]) -> Result<Rc<KeyInfo>> {
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

    fn limit_regs(&mut self, s: &Select, rc: &mut RowCtx) -> Result<()> {
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
    fn output(&mut self, dest: &mut Dest, base: usize, n: usize, rc: &mut RowCtx, first_expr: Option<&Expr>) -> Result<()> {
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
    fn emit_row(&mut self, outs: &[Expr], dest: &mut Dest, rc: &mut RowCtx) -> Result<()> {
        let n = outs.len();
        let base = self.regs(n);
        for (k, e) in outs.iter().enumerate() {
            self.expr(e, base + k)?;
        }
        self.route_row(base, n, outs.first(), dest, rc)
    }

    fn route_row(&mut self, base: usize, n: usize, first: Option<&Expr>, dest: &mut Dest, rc: &mut RowCtx) -> Result<()> {
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
    fn drain_sorter(&mut self, dest: &mut Dest, n: usize, rc: &mut RowCtx, first: Option<&Expr>) -> Result<()> {
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

    fn select_core(&mut self, core: &SelectClause, s: &Select, dest: &mut Dest, joins: &[JoinInfo]) -> Result<Vec<ColumnMeta>> {
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
        if let Some(w) = &core.where_clause {
            let mut wa = Vec::new();
            collect_aggs(w, &mut wa);
            if let Some(Expr::Function(fc)) = wa.first() {
                return Err(Error::sql(format!("misuse of aggregate function {}()", fc.name)));
            }
        }
        let is_agg = !aggs.is_empty() || !group_exprs.is_empty();
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
        let mut wins = Vec::new();
        for e in out_exprs.iter().chain(order_exprs.iter()) {
            collect_windows(e, &mut wins);
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
        if !wins.is_empty() {
            if is_agg {
                return Err(Error::sql("window functions together with aggregates or GROUP BY are not supported yet"));
            }
            self.window_query(core, &out_exprs, &wins, joins, dest, &mut rc)?;
        } else if !is_agg {
            let mut body = |b: &mut Builder<'_>| b.emit_row(&out_exprs, dest, &mut rc);
            self.gen_loops(joins, core.where_clause.as_ref(), &mut body)?;
        } else {
            self.aggregate(core, &out_exprs, &group_exprs, &aggs, joins, dest, &mut rc)?;
        }
        for d in late_notes {
            self.note_plan(d);
        }
        self.drain_sorter(dest, n, &mut rc, first.as_ref())?;
        let ends = std::mem::take(&mut rc.end_jumps);
        self.patch_all(&ends);
        Ok(metas)
    }

    #[allow(clippy::too_many_arguments)]
    fn aggregate(
        &mut self,
        core: &SelectClause,
        outs: &[Expr],
        groups: &[Expr],
        aggs: &[Expr],
        joins: &[JoinInfo],
        dest: &mut Dest,
        rc: &mut RowCtx,
    ) -> Result<()> {
        // Aggregate calls: function, args, distinct, accumulator.
        struct Agg {
            call: Expr,
            f: &'static func::FuncDef,
            args: Vec<Expr>,
            distinct: bool,
            acc: usize,
        }
        let mut list = Vec::new();
        for a in aggs {
            let Expr::Function(fc) = a else { continue };
            let args: Vec<Expr> = match &fc.args {
                FunctionArgs::Star => Vec::new(),
                FunctionArgs::List(l) => l.clone(),
            };
            if fc.filter.is_some() || !fc.order_by.is_empty() {
                return Err(Error::sql("aggregate FILTER/ORDER BY is not supported yet"));
            }
            let f = func::lookup(&fc.name, args.len(), true)
                .map_err(|_| Error::sql(format!("wrong number of arguments to function {}()", fc.name)))?;
            if !matches!(f.kind, FuncKind::Aggregate(_)) {
                continue;
            }
            if fc.distinct && args.len() != 1 {
                return Err(Error::sql(format!("DISTINCT aggregates must have exactly one argument")));
            }
            for x in &args {
                let mut inner = Vec::new();
                collect_aggs(x, &mut inner);
                if !inner.is_empty() {
                    return Err(Error::sql(format!("misuse of aggregate function {}()", fc.name)));
                }
            }
            let acc = self.regs(2);
            list.push(Agg { call: a.clone(), f, args, distinct: fc.distinct, acc });
        }
        // SQLite: with exactly one min()/max(), bare columns come from the
        // row holding the extreme; otherwise from the group's first row.
        let minmax: Vec<usize> = list
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a.f.kind, FuncKind::Aggregate(crate::func::aggregate::AggKind::Min | crate::func::aggregate::AggKind::Max)))
            .map(|(i, _)| i)
            .collect();
        let minmax = if minmax.len() == 1 { Some(minmax[0]) } else { None };
        // Bare column references outside aggregate calls.
        let mut bare: Vec<Expr> = Vec::new();
        fn collect_bare(e: &Expr, out: &mut Vec<Expr>) {
            if super::stack_exceeded() || super::expr::is_agg_call(e) {
                return;
            }
            if let Expr::Column { .. } = e {
                if !out.contains(e) {
                    out.push(e.clone());
                }
                return;
            }
            super::expr::children(e, &mut |c| collect_bare(c, out));
        }
        for e in outs.iter().chain(core.having.iter()) {
            collect_bare(e, &mut bare);
        }
        if let Some((_, keys)) = &rc.order {
            for k in keys {
                if let OrderKey::Expr(e) = k {
                    collect_bare(e, &mut bare);
                }
            }
        }
        // Only keep bare refs that resolve to a column of this query.
        let top = self.frames.len() - 1;
        bare.retain(|e| match e {
            Expr::Column { table, column, .. } => {
                matches!(self.resolve_column(table.as_deref(), column), Ok(Some(r)) if r.source().0 == top && r.source().1 != usize::MAX)
            }
            _ => false,
        });
        let bare_regs = self.regs(bare.len());
        let ng = groups.len();
        let nargs: usize = list.iter().map(|a| a.args.len()).sum();
        if ng == 0 {
            let list_ref = &list;
            let bare_ref = &bare;
            let rdone = self.reg();
            self.op(Op::Integer, 0, rdone as i32, 0);
            let mut body = |b: &mut Builder<'_>| -> Result<()> {
                for (ai, a) in list_ref.iter().enumerate() {
                    let base = b.regs(a.args.len());
                    for (k, x) in a.args.iter().enumerate() {
                        b.expr(x, base + k)?;
                    }
                    let p5 = a.distinct as u16 | if Some(ai) == minmax { 2 } else { 0 };
                    b.emit(Op::AggStep, a.args.len() as i32, base as i32, a.acc as i32, P4::Func(a.f), p5);
                }
                if bare_ref.is_empty() {
                    return Ok(());
                }
                let skip = match minmax {
                    Some(i) => b.op(Op::IfNot, (list_ref[i].acc + 1) as i32, 0, 1),
                    None => b.op(Op::If, rdone as i32, 0, 0),
                };
                for (k, e) in bare_ref.iter().enumerate() {
                    b.expr(e, bare_regs + k)?;
                }
                b.op(Op::Integer, 1, rdone as i32, 0);
                b.patch(skip);
                Ok(())
            };
            self.gen_loops(joins, core.where_clause.as_ref(), &mut body)?;
            for a in &list {
                self.emit(Op::AggFinal, a.acc as i32, 0, 0, P4::Func(a.f), 0);
            }
            let saved = self.push_map(list.iter().map(|a| (a.call.clone(), a.acc)).chain(bare.iter().cloned().zip(bare_regs..)));
            let r = self.having_and_emit(core, outs, dest, rc);
            self.frames.last_mut().expect("frame").map.truncate(saved);
            return r;
        }
        // GROUP BY: pass 1 fills a sorter with [keys, args, bare].
        let total = ng + nargs + bare.len();
        let sorter = self.cursor();
        let mut gki = KeyInfo { collations: Vec::new(), desc: Vec::new() };
        for g in groups {
            gki.collations.push(self.expr_collation(g)?.map(|c| c.0).unwrap_or(Collation::Binary));
            gki.desc.push(false);
        }
        let gki = Rc::new(gki);
        self.emit(Op::SorterOpen, sorter, ng as i32, 0, P4::KeyInfo(gki.clone()), 0);
        {
            let list_ref = &list;
            let bare_ref = &bare;
            let mut body = |b: &mut Builder<'_>| -> Result<()> {
                let blk = b.regs(total);
                for (k, g) in groups.iter().enumerate() {
                    b.expr(g, blk + k)?;
                }
                let mut k = ng;
                for a in list_ref {
                    for x in &a.args {
                        b.expr(x, blk + k)?;
                        k += 1;
                    }
                }
                for e in bare_ref {
                    b.expr(e, blk + k)?;
                    k += 1;
                }
                b.op(Op::SorterInsert, sorter, blk as i32, total as i32);
                Ok(())
            };
            self.gen_loops(joins, core.where_clause.as_ref(), &mut body)?;
        }
        // Pass 2: walk the sorted rows, detect group changes.
        let prev = self.regs(ng);
        let cur = self.regs(total);
        let rfirst = self.reg();
        let rret = self.reg();
        self.op(Op::Integer, 0, rfirst as i32, 0);
        let empty = self.op(Op::SorterSort, sorter, 0, 0);
        let top = self.here();
        for k in 0..total {
            self.op(Op::Column, sorter, k as i32, (cur + k) as i32);
        }
        let first_row = self.op(Op::IfNot, rfirst as i32, 0, 0);
        self.emit(Op::Compare, prev as i32, cur as i32, ng as i32, P4::KeyInfo(gki), 0);
        let jump = self.op(Op::Jump, 0, 0, 0);
        let out_addr = self.here();
        let gosub1 = self.op(Op::Gosub, rret as i32, 0, 0);
        self.patch(first_row);
        self.op(Op::Copy, cur as i32, prev as i32, ng as i32);
        self.op(Op::Integer, 1, rfirst as i32, 0);
        let bare_at = ng + nargs;
        if !bare.is_empty() && minmax.is_none() {
            self.op(Op::Copy, (cur + bare_at) as i32, bare_regs as i32, bare.len() as i32);
        }
        let step_addr = self.here();
        self.insns[jump].p1 = out_addr;
        self.insns[jump].p2 = step_addr;
        self.insns[jump].p3 = out_addr;
        let mut k = ng;
        for (ai, a) in list.iter().enumerate() {
            let p5 = a.distinct as u16 | if Some(ai) == minmax { 2 } else { 0 };
            self.emit(Op::AggStep, a.args.len() as i32, (cur + k) as i32, a.acc as i32, P4::Func(a.f), p5);
            k += a.args.len();
        }
        if let (false, Some(i)) = (bare.is_empty(), minmax) {
            let skip = self.op(Op::IfNot, (list[i].acc + 1) as i32, 0, 1);
            self.op(Op::Copy, (cur + bare_at) as i32, bare_regs as i32, bare.len() as i32);
            self.patch(skip);
        }
        self.op(Op::SorterNext, sorter, top, 0);
        self.patch(empty);
        let no_rows = self.op(Op::IfNot, rfirst as i32, 0, 0);
        let gosub2 = self.op(Op::Gosub, rret as i32, 0, 0);
        let to_end = self.op(Op::Goto, 0, 0, 0);
        // The output subroutine.
        self.patch(gosub1);
        self.patch(gosub2);
        for a in &list {
            self.emit(Op::AggFinal, a.acc as i32, 0, 0, P4::Func(a.f), 0);
        }
        let entries: Vec<(Expr, usize)> = groups
            .iter()
            .cloned()
            .zip(prev..)
            .chain(list.iter().map(|a| (a.call.clone(), a.acc)))
            .chain(bare.iter().cloned().zip(bare_regs..))
            .collect();
        let saved = self.push_map(entries.into_iter());
        let r = self.having_and_emit(core, outs, dest, rc);
        self.frames.last_mut().expect("frame").map.truncate(saved);
        r?;
        self.op(Op::Return, rret as i32, 0, 0);
        self.patch(to_end);
        self.patch(no_rows);
        Ok(())
    }

    /// SELECT with window functions: rows go to a sorter ordered by the
    /// window's PARTITION BY + ORDER BY, WindowCompute appends each
    /// function's value, then the rows are emitted in that order.
    fn window_query(&mut self, core: &SelectClause, outs: &[Expr], wins: &[Expr], joins: &[JoinInfo], dest: &mut Dest, rc: &mut RowCtx) -> Result<()> {
        use crate::func::aggregate::AggKind;
        use crate::vdbe::window::WinFunc;
        use ferrolite_parser::ast::Over;
        // The one window all calls use.
        let mut spec: Option<ferrolite_parser::ast::WindowSpec> = None;
        for w in wins {
            let Expr::Function(fc) = w else { continue };
            let sp = match &fc.over {
                Some(Over::Spec(sp)) => sp.clone(),
                Some(Over::Window(name)) => core
                    .windows
                    .iter()
                    .find(|d| d.name.eq_ignore_ascii_case(name))
                    .map(|d| d.spec.clone())
                    .ok_or_else(|| Error::sql(format!("no such window: {name}")))?,
                None => continue,
            };
            if sp.base.is_some() || sp.frame.is_some() {
                return Err(Error::sql("window frames and window chaining are not supported yet"));
            }
            match &spec {
                None => spec = Some(sp),
                Some(prev) if prev.partition_by == sp.partition_by && prev.order_by == sp.order_by => {}
                Some(_) => return Err(Error::sql("window functions over different windows are not supported yet")),
            }
        }
        let spec = spec.ok_or_else(|| Error::sql("misuse of window function"))?;
        let np = spec.partition_by.len();
        let no = spec.order_by.len();
        let mut inputs: Vec<Expr> = Vec::new();
        let mut funcs = Vec::new();
        let base_in = np + no;
        let input = |e: &Expr, inputs: &mut Vec<Expr>| -> usize {
            inputs.push(e.clone());
            base_in + inputs.len() - 1
        };
        for w in wins {
            let Expr::Function(fc) = w else { continue };
            if fc.filter.is_some() || fc.distinct {
                return Err(Error::sql("FILTER and DISTINCT in window functions are not supported yet"));
            }
            let args: Vec<Expr> = match &fc.args {
                FunctionArgs::Star => Vec::new(),
                FunctionArgs::List(l) => l.clone(),
            };
            let lname = fc.name.to_ascii_lowercase();
            let wrong = || Error::sql(format!("wrong number of arguments to function {}()", fc.name));
            let f = match lname.as_str() {
                "row_number" | "rank" | "dense_rank" | "percent_rank" | "cume_dist" => {
                    if !args.is_empty() {
                        return Err(wrong());
                    }
                    match lname.as_str() {
                        "row_number" => WinFunc::RowNumber,
                        "rank" => WinFunc::Rank,
                        "dense_rank" => WinFunc::DenseRank,
                        "percent_rank" => WinFunc::PercentRank,
                        _ => WinFunc::CumeDist,
                    }
                }
                "lag" | "lead" => {
                    if args.is_empty() || args.len() > 3 {
                        return Err(wrong());
                    }
                    let arg = input(&args[0], &mut inputs);
                    let offset = args.get(1).map(|e| input(e, &mut inputs));
                    let default = args.get(2).map(|e| input(e, &mut inputs));
                    WinFunc::Shift { back: lname == "lag", arg, offset, default }
                }
                "first_value" | "last_value" => {
                    if args.len() != 1 {
                        return Err(wrong());
                    }
                    let c = input(&args[0], &mut inputs);
                    if lname == "first_value" {
                        WinFunc::FirstValue(c)
                    } else {
                        WinFunc::LastValue(c)
                    }
                }
                _ => {
                    let def = match func::lookup(&fc.name, args.len(), true) {
                        Ok(d) => d,
                        Err(true) => return Err(wrong()),
                        Err(false) => return Err(Error::sql(format!("no such function: {}", fc.name))),
                    };
                    let FuncKind::Aggregate(kind) = def.kind else {
                        return Err(Error::sql(format!("{}() may not be used as a window function", fc.name)));
                    };
                    let _: AggKind = kind;
                    let cols: Vec<usize> = args.iter().map(|e| input(e, &mut inputs)).collect();
                    WinFunc::Agg { kind, args: cols }
                }
            };
            funcs.push(f);
        }
        // Bare columns the outputs need.
        let mut bare: Vec<Expr> = Vec::new();
        fn collect_cols(e: &Expr, out: &mut Vec<Expr>) {
            if super::stack_exceeded() {
                return;
            }
            if let Expr::Function(fc) = e {
                if fc.over.is_some() {
                    return;
                }
            }
            if let Expr::Column { .. } = e {
                if !out.contains(e) {
                    out.push(e.clone());
                }
                return;
            }
            super::expr::children(e, &mut |c| collect_cols(c, out));
        }
        for e in outs {
            collect_cols(e, &mut bare);
        }
        if let Some((_, keys)) = &rc.order {
            for k in keys {
                if let OrderKey::Expr(e) = k {
                    collect_cols(e, &mut bare);
                }
            }
        }
        let top = self.frames.len() - 1;
        bare.retain(|e| match e {
            Expr::Column { table, column, .. } => {
                matches!(self.resolve_column(table.as_deref(), column), Ok(Some(r)) if r.source().0 == top && r.source().1 != usize::MAX)
            }
            _ => false,
        });
        let bare_at = base_in + inputs.len();
        let total = bare_at + bare.len();
        // Sorter keyed by partition + order terms.
        let mut ki = KeyInfo { collations: Vec::new(), desc: Vec::new() };
        for e in &spec.partition_by {
            ki.collations.push(self.expr_collation(e)?.map(|c| c.0).unwrap_or(Collation::Binary));
            ki.desc.push(false);
        }
        for t in &spec.order_by {
            if t.nulls.is_some() {
                return Err(Error::sql("NULLS FIRST/LAST is not supported yet"));
            }
            ki.collations.push(self.expr_collation(&t.expr)?.map(|c| c.0).unwrap_or(Collation::Binary));
            ki.desc.push(t.order == Some(SortOrder::Desc));
        }
        let sorter = self.cursor();
        self.emit(Op::SorterOpen, sorter, (np + no) as i32, 0, P4::KeyInfo(Rc::new(ki)), 0);
        {
            let part = &spec.partition_by;
            let ord = &spec.order_by;
            let inputs_ref = &inputs;
            let bare_ref = &bare;
            let mut body = |b: &mut Builder<'_>| -> Result<()> {
                let blk = b.regs(total);
                for (k, e) in part.iter().enumerate() {
                    b.expr(e, blk + k)?;
                }
                for (k, t) in ord.iter().enumerate() {
                    b.expr(&t.expr, blk + np + k)?;
                }
                for (k, e) in inputs_ref.iter().enumerate() {
                    b.expr(e, blk + base_in + k)?;
                }
                for (k, e) in bare_ref.iter().enumerate() {
                    b.expr(e, blk + bare_at + k)?;
                }
                b.op(Op::SorterInsert, sorter, blk as i32, total as i32);
                Ok(())
            };
            self.gen_loops(joins, core.where_clause.as_ref(), &mut body)?;
        }
        let nf = funcs.len();
        self.emit(Op::WindowCompute, sorter, np as i32, no as i32, P4::Windows(Rc::new(funcs)), 0);
        let empty = self.op(Op::Rewind, sorter, 0, 0);
        let top_addr = self.here();
        let regs = self.regs(bare.len() + nf);
        for k in 0..bare.len() {
            self.op(Op::Column, sorter, (bare_at + k) as i32, (regs + k) as i32);
        }
        for j in 0..nf {
            self.op(Op::Column, sorter, (total + j) as i32, (regs + bare.len() + j) as i32);
        }
        let entries: Vec<(Expr, usize)> = bare.iter().cloned().zip(regs..).chain(wins.iter().cloned().zip(regs + bare.len()..)).collect();
        let saved = self.push_map(entries.into_iter());
        let r = self.emit_row(outs, dest, rc);
        self.frames.last_mut().expect("frame").map.truncate(saved);
        r?;
        self.op(Op::Next, sorter, top_addr, 0);
        self.patch(empty);
        Ok(())
    }

    fn push_map(&mut self, entries: impl Iterator<Item = (Expr, usize)>) -> usize {
        let f = self.frames.last_mut().expect("frame");
        let saved = f.map.len();
        f.map.extend(entries);
        saved
    }

    fn having_and_emit(&mut self, core: &SelectClause, outs: &[Expr], dest: &mut Dest, rc: &mut RowCtx) -> Result<()> {
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

    /// UNION ALL / UNION of cores (all of one kind), optional ORDER BY/LIMIT.
    fn compound(&mut self, s: &Select, dest: &mut Dest) -> Result<Vec<ColumnMeta>> {
        let ops: Vec<CompoundOp> = s.body.compounds.iter().map(|(o, _)| *o).collect();
        let cores: Vec<&SelectCore> = std::iter::once(&s.body.first).chain(s.body.compounds.iter().map(|(_, c)| c)).collect();
        let single = |core: &SelectCore| Select {
            with: None,
            body: ferrolite_parser::ast::SelectBody { first: core.clone(), compounds: Vec::new() },
            order_by: Vec::new(),
            limit: None,
        };
        // The running result: a list (UNION ALL) or a sorted set.
        let mut collect = self.cursor();
        let mut is_set = ops[0] != CompoundOp::UnionAll;
        let open = self.op(Op::Noop, 0, 0, 0);
        let metas = {
            let mut d = Dest::Sorter { cursor: collect };
            self.select(&single(cores[0]), &mut d)?
        };
        let n = metas.len();
        let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary; n], desc: vec![false; n] });
        self.insns[open] = crate::vdbe::Insn {
            op: if is_set { Op::OpenEphemeral } else { Op::SorterOpen },
            p1: collect,
            p2: if is_set { n as i32 } else { 0 },
            p3: 0,
            p4: P4::KeyInfo(ki.clone()),
            p5: 0,
        };
        let new_cursor = |b: &mut Self, set: bool| -> i32 {
            let c = b.cursor();
            if set {
                b.emit(Op::OpenEphemeral, c, n as i32, 0, P4::KeyInfo(ki.clone()), 0);
            } else {
                b.emit(Op::SorterOpen, c, 0, 0, P4::KeyInfo(ki.clone()), 0);
            }
            c
        };
        // Copies rows of `from` into `to`; with `probe`, only rows that are
        // (keep = true) or are not (keep = false) in `probe`.
        let copy_rows = |b: &mut Self, from: i32, to: i32, probe: Option<(i32, bool)>| {
            let empty = b.op(Op::Rewind, from, 0, 0);
            let top = b.here();
            let base = b.regs(n);
            for k in 0..n {
                b.op(Op::Column, from, k as i32, (base + k) as i32);
            }
            let skip = probe.map(|(p, keep)| b.emit(if keep { Op::NotFound } else { Op::Found }, p, 0, base as i32, P4::Int64(n as i64), 0));
            b.op(Op::SorterInsert, to, base as i32, n as i32);
            if let Some(j) = skip {
                b.patch(j);
            }
            b.op(Op::Next, from, top, 0);
            b.patch(empty);
        };
        for (i, op) in ops.iter().enumerate() {
            let name = match op {
                CompoundOp::Union => "UNION",
                CompoundOp::UnionAll => "UNION ALL",
                CompoundOp::Intersect => "INTERSECT",
                CompoundOp::Except => "EXCEPT",
            };
            let want_set = *op != CompoundOp::UnionAll;
            if want_set != is_set {
                let c = new_cursor(self, want_set);
                copy_rows(self, collect, c, None);
                collect = c;
                is_set = want_set;
            }
            let target = match op {
                CompoundOp::Union | CompoundOp::UnionAll => collect,
                _ => new_cursor(self, true),
            };
            let m = {
                let mut d = Dest::Sorter { cursor: target };
                self.select(&single(cores[i + 1]), &mut d)?
            };
            if m.len() != n {
                return Err(Error::sql(format!("SELECTs to the left and right of {name} do not have the same number of result columns")));
            }
            if matches!(op, CompoundOp::Intersect | CompoundOp::Except) {
                let out = new_cursor(self, true);
                copy_rows(self, collect, out, Some((target, *op == CompoundOp::Intersect)));
                collect = out;
            }
        }
        let outs: Vec<OutCol> = metas.iter().map(|m| OutCol { expr: Expr::Literal(Literal::Null), name: m.name.clone(), decltype: None }).collect();
        let mut rc = RowCtx { distinct: None, order: None, offset: None, limit: None, end_jumps: Vec::new() };
        self.limit_regs(s, &mut rc)?;
        if !s.order_by.is_empty() {
            let mut keys = Vec::new();
            let mut ki = KeyInfo { collations: Vec::new(), desc: Vec::new() };
            for (k, t) in s.order_by.iter().enumerate() {
                let (inner, coll) = match &t.expr {
                    Expr::Collate { expr, collation } => (expr.as_ref(), crate::schema::build::collation_by_name(collation)?),
                    e => (e, Collation::Binary),
                };
                let col = match inner {
                    Expr::Literal(Literal::Integer(i)) if *i >= 1 && (*i as usize) <= n => *i as usize - 1,
                    Expr::Column { column, .. } => match outs.iter().position(|o| o.name.eq_ignore_ascii_case(column)) {
                        Some(p) => p,
                        None => return Err(Error::sql(format!("{} ORDER BY term does not match any column in the result set", ordinal(k + 1)))),
                    },
                    _ => return Err(Error::sql(format!("{} ORDER BY term does not match any column in the result set", ordinal(k + 1)))),
                };
                keys.push(OrderKey::Col(col));
                ki.collations.push(coll);
                ki.desc.push(t.order == Some(SortOrder::Desc));
            }
            let c = self.cursor();
            self.emit(Op::SorterOpen, c, keys.len() as i32, 0, P4::KeyInfo(Rc::new(ki)), 0);
            rc.order = Some((c, keys));
        }
        // Read the collector back.
        let empty = self.op(Op::Rewind, collect, 0, 0);
        let top = self.here();
        let base = self.regs(n);
        for k in 0..n {
            self.op(Op::Column, collect, k as i32, (base + k) as i32);
        }
        self.route_row(base, n, None, dest, &mut rc)?;
        self.op(Op::Next, collect, top, 0);
        self.patch(empty);
        self.drain_sorter(dest, n, &mut rc, None)?;
        let ends = std::mem::take(&mut rc.end_jumps);
        self.patch_all(&ends);
        Ok(metas)
    }
}

/// Entry point for a top-level SELECT statement.
pub fn compile_select_stmt(b: &mut Builder<'_>, s: &Select) -> Result<()> {
    b.begin(false);
    b.compile_select_stmt_inner(s)
}

/// Does a SELECT core name `table` in its FROM clause (recursive CTEs)?
fn core_mentions(core: &SelectCore, table: &str) -> bool {
    fn from_mentions(f: &FromItem, table: &str) -> bool {
        match f {
            FromItem::Table { name, .. } => name.schema.is_none() && name.name.eq_ignore_ascii_case(table),
            FromItem::Parenthesized { inner, .. } => from_mentions(inner, table),
            FromItem::Join { left, right, .. } => from_mentions(left, table) || from_mentions(right, table),
            _ => false,
        }
    }
    match core {
        SelectCore::Select(c) => c.from.as_ref().map_or(false, |f| from_mentions(f, table)),
        SelectCore::Values(_) => false,
    }
}

/// Collects window function calls (with OVER) in `e`, in order, deduplicated.
fn collect_windows(e: &Expr, out: &mut Vec<Expr>) {
    if super::stack_exceeded() {
        return;
    }
    if let Expr::Function(fc) = e {
        if fc.over.is_some() {
            if !out.contains(e) {
                out.push(e.clone());
            }
            return;
        }
    }
    super::expr::children(e, &mut |c| collect_windows(c, out));
}
