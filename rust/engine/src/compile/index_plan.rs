//! When the planner may use a partial index or an index on expressions,
//! as SQLite decides it (a simplified sqlite3ExprImpliesExpr): every
//! AND-term of the index's WHERE must appear among the level's terms
//! (columns compared without their table qualifier), or be `X IS NOT NULL`
//! implied by a comparison, IN or BETWEEN of X; an expression column is keyed by a term
//! `expr = value` whose left side is that expression.

use super::Builder;
use ferrolite_parser::ast::{BinaryOp, Expr};

/// `e` with every column reference unqualified.
fn unqualified(e: &Expr) -> Expr {
    let mut c = e.clone();
    strip(&mut c, 0);
    c
}

fn strip(e: &mut Expr, depth: usize) {
    if depth > 200 {
        return;
    }
    if let Expr::Column { schema, table, .. } = e {
        *schema = None;
        *table = None;
        return;
    }
    super::expr::children_mut(e, &mut |c| strip(c, depth + 1));
}

impl Builder<'_> {
    /// `t` with qualifiers dropped, if every column it reads belongs to
    /// source `si` of the top frame (and it has no subquery).
    fn on_source(&self, t: &Expr, si: usize) -> Option<Expr> {
        let srcs = self.term_sources_pub(t)?;
        if srcs.iter().all(|&s| s == si) {
            Some(unqualified(t))
        } else {
            None
        }
    }

    /// Does the conjunction of `terms` imply the partial index WHERE `w`
    /// (for source `si`)?
    pub(super) fn partial_implied(&self, w: &Expr, terms: &[&Expr], si: usize) -> bool {
        let mut need = Vec::new();
        super::loops::split_and(w, &mut need);
        let have: Vec<Expr> = terms.iter().filter_map(|t| self.on_source(t, si)).collect();
        need.iter().all(|n| {
            have.iter().any(|h| h == *n)
                || match n {
                    Expr::NotNull(x) => have.iter().any(|h| match h {
                        Expr::Binary { op: BinaryOp::Eq | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge, left, right } => {
                            left.as_ref() == x.as_ref() || right.as_ref() == x.as_ref()
                        }
                        Expr::In { expr, not: false, .. } | Expr::Between { expr, not: false, .. } => expr.as_ref() == x.as_ref(),
                        _ => false,
                    }),
                    _ => false,
                }
        })
    }

    /// The value side of a term `e = value` (either order) whose other side
    /// is expression `ie` on source `si`, with `value` usable at `level`.
    pub(super) fn expr_index_eq<'e>(&self, ie: &Expr, terms: &[&'e Expr], si: usize, level: usize) -> Option<&'e Expr> {
        for t in terms {
            if let Expr::Binary { op: BinaryOp::Eq, left, right } = t {
                for (a, b) in [(left, right), (right, left)] {
                    if self.on_source(a, si).as_ref() == Some(ie) && self.term_level_usable(b, level) {
                        return Some(b.as_ref());
                    }
                }
            }
        }
        None
    }
}
