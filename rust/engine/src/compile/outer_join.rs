//! USING / NATURAL columns of RIGHT and FULL joins. As in SQLite (3.39+),
//! an unqualified reference to such a column, and its place in `*`, mean
//! COALESCE(left.x, right.x): for the right source's unmatched rows the
//! left side is NULL. Qualified references (`a.x`) keep their own value.
//!
//! The replacements live in `Builder::using_coalesce`, keyed by the left
//! source's cursor and column (cursors are unique within a statement); a
//! second outer USING join on the same column wraps the first COALESCE.

use super::resolve::{ColRef, Source};
use super::Builder;
use ferrolite_parser::ast::{Expr, FunctionArgs, FunctionCall};

impl Builder<'_> {
    /// Records that column `c` joined by USING between `l` and `r` (a RIGHT
    /// or FULL join) reads as COALESCE(l.c, r.c).
    pub(super) fn register_using_coalesce(&mut self, l: &Source, r: &Source, c: &str) {
        let Some(lc) = l.table.column_index(c) else { return };
        let col = |s: &Source| Expr::Column { schema: None, table: Some(s.name.clone()), column: c.to_string(), double_quoted: false };
        let left = self
            .using_coalesce
            .iter()
            .find(|(cur, ci, _)| *cur == l.cursor && *ci == lc)
            .map(|(_, _, e)| e.clone())
            .unwrap_or_else(|| col(l));
        let rep = Expr::Function(Box::new(FunctionCall {
            name: "coalesce".into(),
            distinct: false,
            args: FunctionArgs::List(vec![left, col(r)]),
            order_by: Vec::new(),
            filter: None,
            over: None,
        }));
        self.using_coalesce.retain(|(cur, ci, _)| !(*cur == l.cursor && *ci == lc));
        self.using_coalesce.push((l.cursor, lc, rep));
    }

    /// The COALESCE an unqualified `column` stands for, if it names a
    /// RIGHT/FULL join's USING column.
    pub(super) fn coalesced_using(&self, column: &str) -> Option<Expr> {
        if self.using_coalesce.is_empty() {
            return None;
        }
        let (cursor, col) = match self.resolve_column(None, column).ok()?? {
            ColRef::Column { cursor, col, .. } => (cursor, col),
            ColRef::Rowid { cursor, alias: Some(col), .. } => (cursor, col),
            _ => return None,
        };
        self.using_coalesce.iter().find(|(c, ci, _)| *c == cursor && *ci == col).map(|(_, _, e)| e.clone())
    }

    /// `*`'s expression for column `ci` of source `s`, when it is such a
    /// USING column.
    pub(super) fn star_using_coalesce(&self, s: &Source, ci: usize) -> Option<Expr> {
        self.using_coalesce.iter().find(|(c, i, _)| *c == s.cursor && *i == ci).map(|(_, _, e)| e.clone())
    }
}
