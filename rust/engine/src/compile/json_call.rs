//! Code generation for JSON calls: the `->` / `->>` operators (calls of the
//! functions named "->" and "->>", as SQLite registers them) and argument
//! evaluation that records SQLite's JSON subtype statically (see
//! `func::json` for the model): the returned P5 mask marks arguments that
//! come straight from JSON-returning functions.

use super::Builder;
use crate::error::{Error, Result};
use crate::func::{self, json::ArgKind};
use crate::vdbe::{Op, P4};
use ferrolite_parser::ast::{BinaryOp, Expr, FunctionArgs};

impl Builder<'_> {
    /// `left -> right` / `left ->> right` into `target`.
    pub(super) fn json_arrow(&mut self, op: BinaryOp, left: &Expr, right: &Expr, target: usize) -> Result<()> {
        let name = if op == BinaryOp::Arrow { "->" } else { "->>" };
        let f = func::lookup(name, 2, false).map_err(|_| Error::sql(format!("no such function: {name}")))?;
        let base = self.regs(2);
        self.expr(left, base)?;
        self.expr(right, base + 1)?;
        self.emit(Op::Function, 2, base as i32, target as i32, P4::Func(f), 0);
        Ok(())
    }

    /// Evaluates the arguments of a call of `name` into `base..`; returns
    /// the subtype mask for the Function instruction's P5.
    pub(super) fn call_args(&mut self, name: &str, args: &[Expr], base: usize) -> Result<u16> {
        if !func::json::reads_subtype(name) {
            for (k, a) in args.iter().enumerate() {
                self.expr(a, base + k)?;
            }
            return Ok(0);
        }
        let mut mask = 0u16;
        for (k, a) in args.iter().enumerate() {
            let kind = if k < 16 { func::json::arg_kind(a) } else { ArgKind::Plain };
            match (kind, a) {
                (ArgKind::Extract, Expr::Function(fc)) => {
                    let FunctionArgs::List(inner) = &fc.args else { return Err(Error::sql("malformed JSON")) };
                    let f = func::lookup("json_extract ", inner.len(), false).map_err(|_| Error::sql("no such function: json_extract"))?;
                    let ib = self.regs(inner.len());
                    for (j, x) in inner.iter().enumerate() {
                        self.expr(x, ib + j)?;
                    }
                    self.emit(Op::Function, inner.len() as i32, ib as i32, (base + k) as i32, P4::Func(f), 0);
                    mask |= 1 << k;
                }
                (ArgKind::Json, _) => {
                    self.expr(a, base + k)?;
                    mask |= 1 << k;
                }
                _ => self.expr(a, base + k)?,
            }
        }
        Ok(mask)
    }
}
