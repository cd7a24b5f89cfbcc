//! Expression code generation: every expression computes its value into a
//! target register. Comparisons carry SQLite's comparison affinity and
//! collation (left operand's explicit COLLATE first, then right's, then the
//! columns' own). Also: expression affinity, collation, a child walker, and
//! the aggregate detector used by SELECT.

use super::select::Dest;
use super::Builder;
use crate::error::{Error, Result};
use crate::func::{self, FuncKind};
use crate::schema::build::collation_by_name;
use crate::storage::record::Collation;
use crate::value::affinity::Affinity;
use crate::value::Value;
use crate::vdbe::{affinity_num, cmp_flags, Op, P4};
use ferrolite_parser::ast::{BinaryOp, Expr, FunctionArgs, InRhs, LikeOp, Literal, UnaryOp};

/// The body of `children` and `children_mut`: one walk over the direct
/// child expressions, with `$($r)*` being `&` or `&mut` for the fields
/// that are not already borrowed by the match.
macro_rules! each_child {
    ($e:expr, $f:ident, $($r:tt)*) => {
        match $e {
            Expr::Literal(_) | Expr::Column { .. } | Expr::Param(_) | Expr::Exists(_) | Expr::Subquery(_) => {}
            Expr::Unary { expr, .. } | Expr::IsNull(expr) | Expr::NotNull(expr) | Expr::Cast { expr, .. } | Expr::Collate { expr, .. } => $f(expr),
            Expr::Binary { left, right, .. } => {
                $f(left);
                $f(right);
            }
            Expr::Like { expr, pattern, escape, .. } => {
                $f(expr);
                $f(pattern);
                if let Some(e) = escape {
                    $f(e);
                }
            }
            Expr::Between { expr, low, high, .. } => {
                $f(expr);
                $f(low);
                $f(high);
            }
            Expr::In { expr, rhs, .. } => {
                $f(expr);
                if let InRhs::List(l) = rhs {
                    for x in l {
                        $f(x);
                    }
                }
            }
            Expr::Case { operand, when_then, else_expr } => {
                if let Some(o) = operand {
                    $f(o);
                }
                for (w, t) in when_then {
                    $f(w);
                    $f(t);
                }
                if let Some(x) = else_expr {
                    $f(x);
                }
            }
            Expr::Function(fc) => {
                if let FunctionArgs::List(a) = $($r)* fc.args {
                    for x in a {
                        $f(x);
                    }
                }
                if let Some(x) = $($r)* fc.filter {
                    $f(x);
                }
            }
            Expr::Raise { message, .. } => {
                if let Some(m) = message {
                    $f(m);
                }
            }
            Expr::Vector(v) => {
                for x in v {
                    $f(x);
                }
            }
        }
    };
}

/// Calls `f` on each direct child expression (not inside subqueries).
pub fn children(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    each_child!(e, f, &)
}

/// Calls `f` on each direct child expression, mutably (not inside subqueries).
pub fn children_mut(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    each_child!(e, f, &mut)
}

/// True if `e` contains a subquery anywhere (not counting nested ones twice).
pub fn has_subquery(e: &Expr) -> bool {
    if super::stack_exceeded() {
        return true;
    }
    match e {
        Expr::Exists(_) | Expr::Subquery(_) => true,
        Expr::In { rhs: InRhs::Select(_) | InRhs::Table { .. }, .. } => true,
        _ => {
            let mut any = false;
            children(e, &mut |c| any |= has_subquery(c));
            any
        }
    }
}

/// Is this a call of an aggregate function?
pub fn is_agg_call(e: &Expr) -> bool {
    if let Expr::Function(fc) = e {
        if fc.over.is_some() {
            return false;
        }
        let n = match &fc.args {
            FunctionArgs::Star => 0,
            FunctionArgs::List(a) => a.len(),
        };
        if let Ok(f) = func::lookup(&fc.name, n, false) {
            return func::is_aggregate(f);
        }
    }
    false
}

/// Collects aggregate calls in `e` (not inside subqueries) in order.
pub fn collect_aggs(e: &Expr, out: &mut Vec<Expr>) {
    if super::stack_exceeded() {
        return;
    }
    if is_agg_call(e) {
        if !out.contains(e) {
            out.push(e.clone());
        }
        return;
    }
    children(e, &mut |c| collect_aggs(c, out));
}

pub fn type_affinity(type_name: &str) -> Affinity {
    Affinity::from_decltype(type_name)
}

/// SQLite's sqlite3CompareAffinity; `ha`/`hb`: the operand has an
/// affinity at all (a column, even of BLOB affinity, has one; a literal or
/// an arbitrary expression has none).
fn cmp_affinity(a: Affinity, ha: bool, b: Affinity, hb: bool) -> u16 {
    let a_some = ha || a != Affinity::Blob;
    let b_some = hb || b != Affinity::Blob;
    let aff = if a_some && b_some {
        if a.is_numeric() || b.is_numeric() {
            Affinity::Numeric
        } else {
            Affinity::Blob
        }
    } else if !a_some && !b_some {
        Affinity::Blob
    } else if a_some {
        a
    } else {
        b
    };
    match aff {
        Affinity::Blob => 0,
        Affinity::Text => cmp_flags::AFF_TEXT,
        _ => cmp_flags::AFF_NUMERIC,
    }
}

impl Builder<'_> {
    pub fn expr_affinity(&self, e: &Expr) -> Affinity {
        match e {
            Expr::Column { table, column, .. } => match self.resolve_column(table.as_deref(), column) {
                Ok(Some(super::resolve::ColRef::Column { table, col, .. })) => table.columns[col].affinity,
                Ok(Some(super::resolve::ColRef::Rowid { .. })) => Affinity::Integer,
                Ok(Some(super::resolve::ColRef::Register { table, col: Some(c), .. })) => table.columns[c].affinity,
                Ok(Some(super::resolve::ColRef::Register { .. })) => Affinity::Integer,
                _ => Affinity::Blob,
            },
            Expr::Cast { type_name, .. } => type_affinity(&type_name.name),
            Expr::Collate { expr, .. } => self.expr_affinity(expr),
            Expr::Subquery(s) => match &s.body.first {
                ferrolite_parser::ast::SelectCore::Select(c) => match c.columns.first() {
                    Some(ferrolite_parser::ast::ResultColumn::Expr { expr, .. }) if c.from.is_none() => self.expr_affinity(expr),
                    _ => Affinity::Blob,
                },
                _ => Affinity::Blob,
            },
            _ => Affinity::Blob,
        }
    }

    /// Does `e` carry an affinity (a column reference or CAST, possibly
    /// under COLLATE) rather than none?
    pub fn expr_has_affinity(&self, e: &Expr) -> bool {
        match e {
            Expr::Column { table, column, .. } => matches!(self.resolve_column(table.as_deref(), column), Ok(Some(_))),
            Expr::Cast { .. } => true,
            Expr::Collate { expr, .. } => self.expr_has_affinity(expr),
            _ => false,
        }
    }

    /// Collation of an expression and whether it was explicit (COLLATE).
    pub fn expr_collation(&self, e: &Expr) -> Result<Option<(Collation, bool)>> {
        Ok(match e {
            Expr::Collate { collation, .. } => Some((collation_by_name(collation)?, true)),
            Expr::Column { table, column, .. } => match self.resolve_column(table.as_deref(), column) {
                Ok(Some(super::resolve::ColRef::Column { table, col, .. })) => Some((table.columns[col].collation, false)),
                _ => None,
            },
            _ => None,
        })
    }

    pub fn cmp_collation(&self, l: &Expr, r: &Expr) -> Result<Collation> {
        let (a, b) = (self.expr_collation(l)?, self.expr_collation(r)?);
        Ok(match (a, b) {
            (Some((c, true)), _) => c,
            (_, Some((c, true))) => c,
            (Some((c, false)), _) => c,
            (_, Some((c, false))) => c,
            _ => Collation::Binary,
        })
    }

    /// Emits a comparison of already-computed registers.
    pub fn emit_compare(&mut self, op: Op, l: &Expr, r: &Expr, rl: usize, rr: usize, target: usize, nulleq: bool) -> Result<()> {
        let coll = self.cmp_collation(l, r)?;
        let mut p5 = cmp_affinity(self.expr_affinity(l), self.expr_has_affinity(l), self.expr_affinity(r), self.expr_has_affinity(r));
        if nulleq {
            p5 |= cmp_flags::NULLEQ;
        }
        self.emit(op, rl as i32, rr as i32, target as i32, P4::Coll(coll), p5);
        Ok(())
    }

    /// Reads column `col` of `tb` through `cursor`. Rows written before
    /// ALTER TABLE ADD COLUMN lack the column: they read as its default.
    pub fn emit_column(&mut self, cursor: i32, tb: &crate::schema::Table, col: usize, target: usize) {
        if let Some((ic, pos)) = self.redirected(cursor, Some(col)) {
            self.op(Op::Column, ic, pos as i32, target as i32);
            if tb.columns[col].affinity == crate::value::affinity::Affinity::Real {
                self.op(Op::RealAffinity, target as i32, 0, 0);
            }
            return;
        }
        if tb.is_virtual(col) {
            self.emit_virtual_column(cursor, tb, col, target);
            return;
        }
        let field = if tb.without_rowid { tb.record_pos(col) } else { tb.storage_index(col) } as i32;
        let dflt = tb.columns[col].default.as_ref().and_then(|(e, _)| super::ddl::const_default(e));
        match dflt {
            Some(v) if !v.is_null() => {
                self.emit(Op::Column, cursor, field, target as i32, P4::Value(v), 0);
            }
            _ => {
                self.op(Op::Column, cursor, field, target as i32);
            }
        }
        if tb.columns[col].affinity == crate::value::affinity::Affinity::Real {
            self.op(Op::RealAffinity, target as i32, 0, 0);
        }
    }

    /// Computes `e` into a fresh register.
    pub fn expr_reg(&mut self, e: &Expr) -> Result<usize> {
        let r = self.reg();
        self.expr(e, r)?;
        Ok(r)
    }

    /// Computes `e` into register `target`.
    pub fn expr(&mut self, e: &Expr, target: usize) -> Result<()> {
        self.check_stack()?;
        let t = target as i32;
        if let Some(f) = self.frames.last() {
            if let Some((_, r)) = f.map.iter().find(|(x, _)| x == e) {
                let r = *r as i32;
                self.op(Op::Copy, r, t, 0);
                return Ok(());
            }
        }
        match e {
            Expr::Literal(l) => match l {
                Literal::Integer(i) => self.load_value(&Value::Integer(*i), target),
                Literal::Real(r) => self.load_value(&Value::Real(*r), target),
                Literal::String(s) => self.load_value(&Value::Text(s.clone()), target),
                Literal::Blob(b) => self.load_value(&Value::Blob(b.clone()), target),
                Literal::Null => self.load_value(&Value::Null, target),
                Literal::CurrentTime | Literal::CurrentDate | Literal::CurrentTimestamp => {
                    let name = match l {
                        Literal::CurrentTime => "time",
                        Literal::CurrentDate => "date",
                        _ => "datetime",
                    };
                    let f = func::lookup(name, 0, false).map_err(|_| Error::sql("no such function"))?;
                    self.emit(Op::Function, 0, t, t, P4::Func(f), 0);
                }
            },
            Expr::Column { table: None, column, .. } if self.coalesced_using(column).is_some() => {
                let rep = self.coalesced_using(column).expect("checked");
                self.expr(&rep, target)?;
            }
            Expr::Column { table, column, double_quoted, .. } => match self.resolve_column(table.as_deref(), column)?.inspect(|r| {
                if r.source().0 < self.corr_floor {
                    self.correlated = true;
                }
            }) {
                Some(super::resolve::ColRef::Column { cursor, col, table: tb, .. }) => {
                    self.emit_column(cursor, &tb, col, target);
                }
                Some(super::resolve::ColRef::Rowid { cursor, .. }) => {
                    self.emit_rowid(cursor, target);
                }
                Some(super::resolve::ColRef::Register { reg, .. }) => {
                    self.op(Op::Copy, reg as i32, t, 0);
                }
                None => {
                    if table.is_none() && *double_quoted {
                        self.load_value(&Value::Text(column.clone()), target);
                    } else if table.is_none() && column.eq_ignore_ascii_case("true") {
                        self.load_value(&Value::Integer(1), target);
                    } else if table.is_none() && column.eq_ignore_ascii_case("false") {
                        self.load_value(&Value::Integer(0), target);
                    } else {
                        return Err(Self::no_such_column(table.as_deref(), column));
                    }
                }
            },
            Expr::Param(p) => {
                let i = self.param_index(p)?;
                self.op(Op::Variable, i as i32, t, 0);
            }
            Expr::Unary { .. } => self.expr_arm_0(e, target)?,
            Expr::Binary { .. } => self.expr_arm_1(e, target)?,
            Expr::Like { .. } => self.expr_arm_2(e, target)?,
            Expr::Between { .. } => self.expr_arm_3(e, target)?,
            Expr::In { .. } => self.expr_arm_4(e, target)?,
            Expr::IsNull(_) | Expr::NotNull(_) => self.expr_arm_5(e, target)?,
            Expr::Exists(_) => self.expr_arm_6(e, target)?,
            Expr::Subquery(_) => self.expr_arm_7(e, target)?,
            Expr::Case { .. } => self.expr_arm_8(e, target)?,
            Expr::Cast { .. } => self.expr_arm_9(e, target)?,
            Expr::Collate { .. } => self.expr_arm_10(e, target)?,
            Expr::Function(_) => self.expr_arm_11(e, target)?,
            Expr::Raise { action, message } => {
                if self.active_triggers.is_empty() {
                    return Err(Error::sql("RAISE() may only be used within a trigger-program"));
                }
                match action {
                    ferrolite_parser::ast::RaiseAction::Ignore => {
                        let j = self.op(Op::Goto, 0, 0, 0);
                        self.raise_ignore.push(j);
                    }
                    _ => {
                        let msg = match message.as_deref() {
                            Some(Expr::Literal(Literal::String(m))) => m.clone(),
                            _ => String::new(),
                        };
                        self.emit(Op::Halt, crate::error::codes::CONSTRAINT_TRIGGER, 0, 0, P4::Text(msg), 0);
                    }
                }
                self.op(Op::Null, 0, t, 0);
            }
            Expr::Vector(_) => return Err(Error::sql("row value misused")),
        }
        Ok(())
    }


    #[inline(never)]
    fn expr_arm_0(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::Unary { op, expr } = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = match op {
                UnaryOp::Plus => self.expr(expr, target)?,
                UnaryOp::Neg => {
                    if let Expr::Literal(Literal::Integer(i)) = expr.as_ref() {
                        match i.checked_neg() {
                            Some(n) => self.load_value(&Value::Integer(n), target),
                            None => self.load_value(&Value::Real(-(*i as f64)), target),
                        }
                    } else if let Expr::Literal(Literal::Real(r)) = expr.as_ref() {
                        self.load_value(&Value::Real(-r), target);
                    } else {
                        let r = self.expr_reg(expr)?;
                        self.op(Op::Negative, r as i32, t, 0);
                    }
                }
                UnaryOp::Not => {
                    let r = self.expr_reg(expr)?;
                    self.op(Op::Not, r as i32, t, 0);
                }
                UnaryOp::BitNot => {
                    let r = self.expr_reg(expr)?;
                    self.op(Op::BitNot, r as i32, t, 0);
                }
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_1(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::Binary { op, left, right } = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                let vop = match op {
                    BinaryOp::Arrow | BinaryOp::LongArrow => return self.json_arrow(*op, left, right, target),
                    _ => *op,
                };
                let rl = self.expr_reg(left)?;
                let rr = self.expr_reg(right)?;
                let (a, b) = (rl as i32, rr as i32);
                match vop {
                    BinaryOp::And => {
                        self.op(Op::And, a, b, t);
                    }
                    BinaryOp::Or => {
                        self.op(Op::Or, a, b, t);
                    }
                    BinaryOp::Eq => self.emit_compare(Op::Eq, left, right, rl, rr, target, false)?,
                    BinaryOp::NotEq => self.emit_compare(Op::Ne, left, right, rl, rr, target, false)?,
                    BinaryOp::Lt => self.emit_compare(Op::Lt, left, right, rl, rr, target, false)?,
                    BinaryOp::Le => self.emit_compare(Op::Le, left, right, rl, rr, target, false)?,
                    BinaryOp::Gt => self.emit_compare(Op::Gt, left, right, rl, rr, target, false)?,
                    BinaryOp::Ge => self.emit_compare(Op::Ge, left, right, rl, rr, target, false)?,
                    BinaryOp::Is => self.emit_compare(Op::Eq, left, right, rl, rr, target, true)?,
                    BinaryOp::IsNot => self.emit_compare(Op::Ne, left, right, rl, rr, target, true)?,
                    _ => {
                        let o = match vop {
                            BinaryOp::BitAnd => Op::BitAnd,
                            BinaryOp::BitOr => Op::BitOr,
                            BinaryOp::ShiftLeft => Op::ShiftLeft,
                            BinaryOp::ShiftRight => Op::ShiftRight,
                            BinaryOp::Add => Op::Add,
                            BinaryOp::Sub => Op::Subtract,
                            BinaryOp::Mul => Op::Multiply,
                            BinaryOp::Div => Op::Divide,
                            BinaryOp::Rem => Op::Remainder,
                            _ => Op::Concat,
                        };
                        self.op(o, a, b, t);
                    }
                }
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_2(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::Like { op, not, expr, pattern, escape } = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                let name = match op {
                    LikeOp::Like => "like",
                    LikeOp::Glob => "glob",
                    LikeOp::Regexp => return Err(Error::sql("no such function: REGEXP")),
                    LikeOp::Match => return Err(Error::sql("unable to use function MATCH in the requested context")),
                };
                let n = if escape.is_some() { 3 } else { 2 };
                let base = self.regs(n);
                self.expr(pattern, base)?;
                self.expr(expr, base + 1)?;
                if let Some(esc) = escape {
                    self.expr(esc, base + 2)?;
                }
                let f = func::lookup(name, n, false).map_err(|_| Error::sql("no such function"))?;
                self.emit(Op::Function, n as i32, base as i32, t, P4::Func(f), 0);
                if *not {
                    self.op(Op::Not, t, t, 0);
                }
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_3(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::Between { expr, not, low, high } = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                let rx = self.expr_reg(expr)?;
                let rl = self.expr_reg(low)?;
                let rh = self.expr_reg(high)?;
                let (c1, c2) = (self.reg(), self.reg());
                self.emit_compare(Op::Ge, expr, low, rx, rl, c1, false)?;
                self.emit_compare(Op::Le, expr, high, rx, rh, c2, false)?;
                self.op(Op::And, c1 as i32, c2 as i32, t);
                if *not {
                    self.op(Op::Not, t, t, 0);
                }
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_4(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::In { expr, not, rhs } = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                self.in_expr(expr, rhs, target)?;
                if *not {
                    self.op(Op::Not, t, t, 0);
                }
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_5(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let (Expr::IsNull(x) | Expr::NotNull(x)) = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                let r = self.expr_reg(x)?;
                let is_null = matches!(e, Expr::IsNull(_));
                self.op(Op::Integer, (!is_null) as i32, t, 0);
                let j = self.op(Op::NotNull, r as i32, 0, 0);
                self.op(Op::Integer, is_null as i32, t, 0);
                self.patch(j);
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_6(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::Exists(s) = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                let r = self.reg();
                self.cached_subquery(&mut |b| {
                    b.op(Op::Integer, 0, r as i32, 0);
                    let mut d = Dest::Exists { reg: r, exits: Vec::new() };
                    b.subselect(s, &mut d)
                })?;
                self.op(Op::Copy, r as i32, t, 0);
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_7(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::Subquery(s) = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                let r = self.reg();
                self.cached_subquery(&mut |b| {
                    b.op(Op::Null, 0, r as i32, 0);
                    let mut d = Dest::Scalar { reg: r, exits: Vec::new() };
                    b.subselect(s, &mut d)
                })?;
                self.op(Op::Copy, r as i32, t, 0);
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_8(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::Case { operand, when_then, else_expr } = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                let rop = match operand {
                    Some(o) => Some(self.expr_reg(o)?),
                    None => None,
                };
                let mut ends = Vec::new();
                let rc = self.reg();
                for (w, th) in when_then {
                    match (&rop, operand) {
                        (Some(ro), Some(o)) => {
                            let rw = self.expr_reg(w)?;
                            self.emit_compare(Op::Eq, o, w, *ro, rw, rc, false)?;
                        }
                        _ => self.expr(w, rc)?,
                    }
                    let skip = self.op(Op::IfNot, rc as i32, 0, 1);
                    self.expr(th, target)?;
                    ends.push(self.op(Op::Goto, 0, 0, 0));
                    self.patch(skip);
                }
                match else_expr {
                    Some(x) => self.expr(x, target)?,
                    None => {
                        self.op(Op::Null, 0, t, 0);
                    }
                }
                self.patch_all(&ends);
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_9(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::Cast { expr, type_name } = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                self.expr(expr, target)?;
                let a = affinity_num(type_affinity(&type_name.name));
                self.op(Op::Cast, t, a, 0);
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_10(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::Collate { expr, collation } = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                collation_by_name(collation)?;
                self.expr(expr, target)?;
            };
        Ok(())
    }

    #[inline(never)]
    fn expr_arm_11(&mut self, e: &Expr, target: usize) -> Result<()> {
        let t = target as i32;
        let _ = t;
        let Expr::Function(fc) = e else { return Err(Error::new(crate::error::codes::INTERNAL, "expression kind")) };
        #[allow(clippy::let_unit_value)]
        let _unit: () = {
                if fc.over.is_some() || (fc.over.is_none() && super::window::is_window_only(&fc.name)) {
                    return Err(Error::sql(format!("misuse of window function {}()", fc.name)));
                }
                let args: &[Expr] = match &fc.args {
                    FunctionArgs::Star => &[],
                    FunctionArgs::List(a) => a,
                };
                let f = match func::lookup(&fc.name, args.len(), false) {
                    Ok(f) => f,
                    Err(true) => return Err(Error::sql(format!("wrong number of arguments to function {}()", fc.name))),
                    Err(false) => return Err(Error::sql(format!("no such function: {}", fc.name))),
                };
                if let FuncKind::Aggregate(_) = f.kind {
                    return Err(Error::sql(format!("misuse of aggregate function {}()", fc.name)));
                }
                if fc.filter.is_some() {
                    return Err(Error::sql(format!("FILTER may not be used with non-aggregate {}()", fc.name)));
                }
                if !fc.order_by.is_empty() {
                    return Err(Error::sql(format!("ORDER BY may not be used with non-aggregate {}()", fc.name)));
                }
                if fc.distinct {
                    return Err(Error::sql(format!("DISTINCT aggregates must have exactly one argument")));
                }
                let base = self.regs(args.len());
                let json_args = self.call_args(&fc.name, args, base)?;
                self.emit(Op::Function, args.len() as i32, base as i32, t, P4::Func(f), json_args);
            };
        Ok(())
    }

    /// `x IN (SELECT ...)`: the subquery's rows go into a sorted set (built
    /// once unless correlated), then one lookup.
    fn in_select(&mut self, x: &Expr, s: &ferrolite_parser::ast::Select, target: usize) -> Result<()> {
        let t = target as i32;
        let aff = self.expr_affinity(x);
        let coll = self.expr_collation(x)?.map(|c| c.0).unwrap_or(Collation::Binary);
        let set = self.cursor();
        self.cached_subquery(&mut |b| {
            let ki = std::rc::Rc::new(crate::storage::record::KeyInfo { collations: vec![coll], desc: vec![false] });
            b.emit(Op::OpenEphemeral, set, 1, 0, P4::KeyInfo(ki), 0);
            let mut d = Dest::Set { cursor: set, affinity: aff };
            b.subselect(s, &mut d)
        })?;
        let rx = self.expr_reg(x)?;
        let empty = self.op(Op::Rewind, set, 0, 0);
        let xnull = self.op(Op::IsNull, rx as i32, 0, 0);
        let rp = self.reg();
        self.op(Op::Copy, rx as i32, rp as i32, 0);
        if aff != Affinity::Blob {
            self.emit(Op::Affinity, rp as i32, 1, 0, P4::Affinity(aff.code().to_string()), 0);
        }
        let found = self.emit(Op::Found, set, 0, rp as i32, P4::Int64(1), 0);
        // Not found: NULL if the set holds a NULL (sorted first).
        let rf = self.reg();
        self.op(Op::Column, set, 0, rf as i32);
        let has_null = self.op(Op::IsNull, rf as i32, 0, 0);
        self.op(Op::Integer, 0, t, 0);
        let end1 = self.op(Op::Goto, 0, 0, 0);
        self.patch(found);
        self.op(Op::Integer, 1, t, 0);
        let end2 = self.op(Op::Goto, 0, 0, 0);
        self.patch(xnull);
        self.patch(has_null);
        self.op(Op::Null, 0, t, 0);
        let end3 = self.op(Op::Goto, 0, 0, 0);
        self.patch(empty);
        self.op(Op::Integer, 0, t, 0);
        self.patch_all(&[end1, end2, end3]);
        Ok(())
    }

    /// `x IN (...)` with SQL's three-valued result.
    fn in_expr(&mut self, x: &Expr, rhs: &InRhs, target: usize) -> Result<()> {
        let t = target as i32;
        if let InRhs::Select(s) = rhs {
            return self.in_select(x, s, target);
        }
        if let InRhs::List(l) = rhs {
            if l.is_empty() {
                self.op(Op::Integer, 0, t, 0);
                return Ok(());
            }
        }
        let rx = self.expr_reg(x)?;
        let rnull = self.reg();
        self.op(Op::Null, 0, t, 0);
        // A NULL left side is NULL against a non-empty list; against a
        // subquery it is NULL only if the subquery returns rows.
        let xnull = if let InRhs::List(_) = rhs { Some(self.op(Op::IsNull, rx as i32, 0, 0)) } else { None };
        self.op(Op::Integer, 0, t, 0);
        self.op(Op::Integer, 0, rnull as i32, 0);
        let mut found = Vec::new();
        match rhs {
            InRhs::List(items) => {
                let rc = self.reg();
                for it in items {
                    let ri = self.expr_reg(it)?;
                    self.emit_compare(Op::Eq, x, it, rx, ri, rc, false)?;
                    found.push(self.op(Op::If, rc as i32, 0, 0));
                    let nn = self.op(Op::NotNull, rc as i32, 0, 0);
                    self.op(Op::Integer, 1, rnull as i32, 0);
                    self.patch(nn);
                }
            }
            InRhs::Select(s) => {
                let mut d = Dest::In { lhs: rx, lhs_expr: x.clone(), found: target, null_flag: rnull, exits: Vec::new() };
                self.subselect(s, &mut d)?;
                found.push(self.op(Op::If, t, 0, 0));
            }
            InRhs::Table { name, args } => {
                if !args.is_empty() {
                    return Err(Error::sql(format!("no such table: {}", name.name)));
                }
                use ferrolite_parser::ast::{FromItem, ResultColumn, Select, SelectBody, SelectClause, SelectCore};
                let sel = Select {
                    with: None,
                    body: SelectBody {
                        first: SelectCore::Select(Box::new(SelectClause {
                            distinct: false,
                            columns: vec![ResultColumn::Star],
                            from: Some(FromItem::Table { name: name.clone(), alias: None, indexed_by: None }),
                            where_clause: None,
                            group_by: Vec::new(),
                            having: None,
                            windows: Vec::new(),
                        })),
                        compounds: Vec::new(),
                    },
                    order_by: Vec::new(),
                    limit: None,
                };
                let mut d = Dest::In { lhs: rx, lhs_expr: x.clone(), found: target, null_flag: rnull, exits: Vec::new() };
                self.subselect(&sel, &mut d)?;
                found.push(self.op(Op::If, t, 0, 0));
            }
        }
        let done = self.op(Op::Goto, 0, 0, 0);
        self.patch_all(&found);
        self.op(Op::Integer, 1, t, 0);
        let end = self.op(Op::Goto, 0, 0, 0);
        self.patch(done);
        // Not found: NULL if a comparison was NULL.
        let skip = self.op(Op::IfNot, rnull as i32, 0, 1);
        self.op(Op::Null, 0, t, 0);
        self.patch(skip);
        self.patch(end);
        if let Some(j) = xnull {
            self.patch(j);
        }
        Ok(())
    }
}
