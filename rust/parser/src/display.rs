//! Rendering expressions and SELECTs back to SQL text.
//!
//! Owns: `Display` for `Expr`, `Select` and their parts. The output is valid
//! SQL that parses back to the same tree (spans aside): every operator
//! application is parenthesised, names are quoted only when they are not
//! plain non-keyword identifiers (with backquotes, so the re-parsed name is
//! not marked double-quoted; a double-quoted column keeps its `"`), negative
//! integers (which only hex literals or the folded `-9223372036854775808`
//! produce) are written as hex, and reals use the shortest round-trip form
//! (`1e999` for infinity).
//!
//! This is not how SQLite names result columns: the compiler should slice
//! the original text with `ResultColumn::Expr::span` for that.

use crate::ast::*;
use crate::keywords;
use std::fmt::{self, Display, Formatter, Write};

/// Write `name` as an identifier, quoting it if needed.
pub fn write_name(f: &mut impl Write, name: &str) -> fmt::Result {
    let b = name.as_bytes();
    let plain = !b.is_empty()
        && (b[0].is_ascii_alphabetic() || b[0] == b'_' || b[0] >= 0x80)
        && b.iter().all(|&c| crate::lexer::is_id_char(c))
        && !is_keyword(name);
    if plain {
        f.write_str(name)
    } else {
        f.write_char('`')?;
        f.write_str(&name.replace('`', "``"))?;
        f.write_char('`')
    }
}

fn is_keyword(name: &str) -> bool {
    name.len() <= 17 && keywords::lookup(name.to_ascii_uppercase().as_bytes()).is_some()
}

fn write_qualified(f: &mut Formatter<'_>, q: &QualifiedName) -> fmt::Result {
    if let Some(s) = &q.schema {
        write_name(f, s)?;
        f.write_char('.')?;
    }
    write_name(f, &q.name)
}

fn write_string(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    write!(f, "'{}'", s.replace('\'', "''"))
}

fn write_list<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{it}")?;
    }
    Ok(())
}

fn write_names(f: &mut Formatter<'_>, names: &[String]) -> fmt::Result {
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_name(f, n)?;
    }
    Ok(())
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Integer(i) if *i < 0 => write!(f, "0x{:016x}", *i as u64),
            Literal::Integer(i) => write!(f, "{i}"),
            Literal::Real(r) if r.is_infinite() => {
                f.write_str(if *r > 0.0 { "1e999" } else { "(-1e999)" })
            }
            Literal::Real(r) if r.is_nan() => f.write_str("NULL"),
            Literal::Real(r) => write!(f, "{r:?}"),
            Literal::String(s) => write_string(f, s),
            Literal::Blob(b) => {
                f.write_str("x'")?;
                for byte in b {
                    write!(f, "{byte:02x}")?;
                }
                f.write_char('\'')
            }
            Literal::Null => f.write_str("NULL"),
            Literal::CurrentTime => f.write_str("CURRENT_TIME"),
            Literal::CurrentDate => f.write_str("CURRENT_DATE"),
            Literal::CurrentTimestamp => f.write_str("CURRENT_TIMESTAMP"),
        }
    }
}

impl BinaryOp {
    /// The operator as SQL text.
    pub fn as_sql(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::And => "AND",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Is => "IS",
            BinaryOp::IsNot => "IS NOT",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitOr => "|",
            BinaryOp::ShiftLeft => "<<",
            BinaryOp::ShiftRight => ">>",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Concat => "||",
            BinaryOp::Arrow => "->",
            BinaryOp::LongArrow => "->>",
        }
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(l) => write!(f, "{l}"),
            Expr::Column {
                schema,
                table,
                column,
                double_quoted,
            } => {
                if let Some(s) = schema {
                    write_name(f, s)?;
                    f.write_char('.')?;
                }
                if let Some(t) = table {
                    write_name(f, t)?;
                    f.write_char('.')?;
                }
                if *double_quoted {
                    write!(f, "\"{}\"", column.replace('"', "\"\""))
                } else {
                    write_name(f, column)
                }
            }
            Expr::Param(Param::Anonymous) => f.write_char('?'),
            Expr::Param(Param::Numbered(n)) => write!(f, "?{n}"),
            Expr::Param(Param::Named(n)) => f.write_str(n),
            Expr::Unary { op, expr } => {
                let o = match op {
                    UnaryOp::Neg => "- ",
                    UnaryOp::Plus => "+ ",
                    UnaryOp::Not => "NOT ",
                    UnaryOp::BitNot => "~ ",
                };
                write!(f, "({o}{expr})")
            }
            Expr::Binary { op, left, right } => write!(f, "({left} {} {right})", op.as_sql()),
            Expr::Like {
                op,
                not,
                expr,
                pattern,
                escape,
            } => {
                let o = match op {
                    LikeOp::Like => "LIKE",
                    LikeOp::Glob => "GLOB",
                    LikeOp::Regexp => "REGEXP",
                    LikeOp::Match => "MATCH",
                };
                write!(f, "({expr} {}{o} {pattern}", if *not { "NOT " } else { "" })?;
                if let Some(e) = escape {
                    write!(f, " ESCAPE {e}")?;
                }
                f.write_char(')')
            }
            Expr::Between {
                expr,
                not,
                low,
                high,
            } => {
                write!(
                    f,
                    "({expr} {}BETWEEN {low} AND {high})",
                    if *not { "NOT " } else { "" }
                )
            }
            Expr::In { expr, not, rhs } => {
                write!(f, "({expr} {}IN ", if *not { "NOT " } else { "" })?;
                match rhs {
                    InRhs::List(v) => {
                        f.write_char('(')?;
                        write_list(f, v)?;
                        f.write_char(')')?;
                    }
                    InRhs::Select(s) => write!(f, "({s})")?,
                    InRhs::Table { name, args } => {
                        write_qualified(f, name)?;
                        if !args.is_empty() {
                            f.write_char('(')?;
                            write_list(f, args)?;
                            f.write_char(')')?;
                        }
                    }
                }
                f.write_char(')')
            }
            Expr::IsNull(e) => write!(f, "({e} ISNULL)"),
            Expr::NotNull(e) => write!(f, "({e} NOTNULL)"),
            Expr::Exists(s) => write!(f, "EXISTS ({s})"),
            Expr::Subquery(s) => write!(f, "({s})"),
            Expr::Case {
                operand,
                when_then,
                else_expr,
            } => {
                f.write_str("CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for (w, t) in when_then {
                    write!(f, " WHEN {w} THEN {t}")?;
                }
                if let Some(e) = else_expr {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            Expr::Cast { expr, type_name } => {
                write!(f, "CAST({expr} AS ")?;
                if !type_name.name.is_empty() {
                    write_type(f, &type_name.name)?;
                }
                f.write_char(')')
            }
            Expr::Collate { expr, collation } => {
                write!(f, "({expr} COLLATE ")?;
                write_name(f, collation)?;
                f.write_char(')')
            }
            Expr::Function(fc) => write!(f, "{fc}"),
            Expr::Raise { action, message } => {
                let a = match action {
                    RaiseAction::Ignore => "IGNORE",
                    RaiseAction::Rollback => "ROLLBACK",
                    RaiseAction::Abort => "ABORT",
                    RaiseAction::Fail => "FAIL",
                };
                write!(f, "RAISE({a}")?;
                if let Some(m) = message {
                    write!(f, ", {m}")?;
                }
                f.write_char(')')
            }
            Expr::Vector(v) => {
                f.write_char('(')?;
                write_list(f, v)?;
                f.write_char(')')
            }
        }
    }
}

/// A type name: bare when it is a sequence of plain words (with an
/// optional `(n[, m])`), otherwise quoted.
fn write_type(f: &mut Formatter<'_>, t: &str) -> fmt::Result {
    let words_ok = t
        .split(|c: char| c == '(' || c == ')' || c == ',' || c.is_ascii_whitespace())
        .all(|w| {
            w.is_empty()
                || w.bytes()
                    .all(|c| c.is_ascii_digit() || c == b'+' || c == b'-' || c == b'.')
                || (w.bytes().all(crate::lexer::is_id_char)
                    && !w.as_bytes()[0].is_ascii_digit()
                    && !is_keyword(w))
        });
    if words_ok && !t.trim().is_empty() {
        f.write_str(t)
    } else {
        write_string(f, t)
    }
}

impl Display for FunctionCall {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_name(f, &self.name)?;
        f.write_char('(')?;
        match &self.args {
            FunctionArgs::Star => f.write_char('*')?,
            FunctionArgs::List(v) => {
                if self.distinct {
                    f.write_str("DISTINCT ")?;
                }
                write_list(f, v)?;
            }
        }
        if !self.order_by.is_empty() {
            let no_args = matches!(&self.args, FunctionArgs::List(v) if v.is_empty());
            f.write_str(if no_args { "ORDER BY " } else { " ORDER BY " })?;
            write_list(f, &self.order_by)?;
        }
        f.write_char(')')?;
        if let Some(e) = &self.filter {
            write!(f, " FILTER (WHERE {e})")?;
        }
        match &self.over {
            Some(Over::Window(n)) => {
                f.write_str(" OVER ")?;
                write_name(f, n)?;
            }
            Some(Over::Spec(s)) => write!(f, " OVER ({s})")?,
            None => {}
        }
        Ok(())
    }
}

impl Display for OrderingTerm {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        match self.order {
            Some(SortOrder::Asc) => f.write_str(" ASC")?,
            Some(SortOrder::Desc) => f.write_str(" DESC")?,
            None => {}
        }
        match self.nulls {
            Some(NullsOrder::First) => f.write_str(" NULLS FIRST"),
            Some(NullsOrder::Last) => f.write_str(" NULLS LAST"),
            None => Ok(()),
        }
    }
}

impl Display for WindowSpec {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(b) = &self.base {
            write_name(f, b)?;
            sep = " ";
        }
        if !self.partition_by.is_empty() {
            write!(f, "{sep}PARTITION BY ")?;
            write_list(f, &self.partition_by)?;
            sep = " ";
        }
        if !self.order_by.is_empty() {
            write!(f, "{sep}ORDER BY ")?;
            write_list(f, &self.order_by)?;
            sep = " ";
        }
        if let Some(fr) = &self.frame {
            let u = match fr.units {
                FrameUnits::Rows => "ROWS",
                FrameUnits::Range => "RANGE",
                FrameUnits::Groups => "GROUPS",
            };
            write!(f, "{sep}{u} ")?;
            match &fr.end {
                Some(e) => write!(f, "BETWEEN {} AND {}", fr.start, e)?,
                None => write!(f, "{}", fr.start)?,
            }
            match fr.exclude {
                Some(FrameExclude::NoOthers) => f.write_str(" EXCLUDE NO OTHERS")?,
                Some(FrameExclude::CurrentRow) => f.write_str(" EXCLUDE CURRENT ROW")?,
                Some(FrameExclude::Group) => f.write_str(" EXCLUDE GROUP")?,
                Some(FrameExclude::Ties) => f.write_str(" EXCLUDE TIES")?,
                None => {}
            }
        }
        Ok(())
    }
}

impl Display for FrameBound {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FrameBound::UnboundedPreceding => f.write_str("UNBOUNDED PRECEDING"),
            FrameBound::Preceding(e) => write!(f, "{e} PRECEDING"),
            FrameBound::CurrentRow => f.write_str("CURRENT ROW"),
            FrameBound::Following(e) => write!(f, "{e} FOLLOWING"),
            FrameBound::UnboundedFollowing => f.write_str("UNBOUNDED FOLLOWING"),
        }
    }
}

impl Display for ResultColumn {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ResultColumn::Star => f.write_char('*'),
            ResultColumn::TableStar(t) => {
                write_name(f, t)?;
                f.write_str(".*")
            }
            ResultColumn::Expr { expr, alias, .. } => {
                write!(f, "{expr}")?;
                if let Some(a) = alias {
                    f.write_str(" AS ")?;
                    write_name(f, a)?;
                }
                Ok(())
            }
        }
    }
}

fn write_alias(f: &mut Formatter<'_>, alias: &Option<String>) -> fmt::Result {
    if let Some(a) = alias {
        f.write_str(" AS ")?;
        write_name(f, a)?;
    }
    Ok(())
}

impl Display for FromItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FromItem::Table {
                name,
                alias,
                indexed_by,
            } => {
                write_qualified(f, name)?;
                write_alias(f, alias)?;
                match indexed_by {
                    Some(IndexedBy::Index(i)) => {
                        f.write_str(" INDEXED BY ")?;
                        write_name(f, i)
                    }
                    Some(IndexedBy::NotIndexed) => f.write_str(" NOT INDEXED"),
                    None => Ok(()),
                }
            }
            FromItem::TableFunction { name, args, alias } => {
                write_qualified(f, name)?;
                f.write_char('(')?;
                write_list(f, args)?;
                f.write_char(')')?;
                write_alias(f, alias)
            }
            FromItem::Subquery { select, alias } => {
                write!(f, "({select})")?;
                write_alias(f, alias)
            }
            FromItem::Parenthesized { inner, alias } => {
                write!(f, "({inner})")?;
                write_alias(f, alias)
            }
            FromItem::Join {
                left,
                op,
                right,
                constraint,
            } => {
                write!(f, "{left}")?;
                let kind = match op.kind {
                    JoinKind::Comma => ",",
                    JoinKind::Inner => "JOIN",
                    JoinKind::Cross => "CROSS JOIN",
                    JoinKind::Left => "LEFT JOIN",
                    JoinKind::Right => "RIGHT JOIN",
                    JoinKind::Full => "FULL JOIN",
                };
                if op.kind == JoinKind::Comma && !op.natural {
                    f.write_str(", ")?;
                } else {
                    let kind = if op.kind == JoinKind::Comma {
                        "JOIN"
                    } else {
                        kind
                    };
                    write!(f, " {}{kind} ", if op.natural { "NATURAL " } else { "" })?;
                }
                if matches!(**right, FromItem::Join { .. }) {
                    write!(f, "({right})")?;
                } else {
                    write!(f, "{right}")?;
                }
                match constraint {
                    Some(JoinConstraint::On(e)) => write!(f, " ON {e}"),
                    Some(JoinConstraint::Using(cols)) => {
                        f.write_str(" USING (")?;
                        write_names(f, cols)?;
                        f.write_char(')')
                    }
                    None => Ok(()),
                }
            }
        }
    }
}

impl Display for SelectCore {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SelectCore::Values(rows) => {
                f.write_str("VALUES ")?;
                for (i, r) in rows.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_char('(')?;
                    write_list(f, r)?;
                    f.write_char(')')?;
                }
                Ok(())
            }
            SelectCore::Select(c) => {
                f.write_str(if c.distinct {
                    "SELECT DISTINCT "
                } else {
                    "SELECT "
                })?;
                write_list(f, &c.columns)?;
                if let Some(from) = &c.from {
                    write!(f, " FROM {from}")?;
                }
                if let Some(w) = &c.where_clause {
                    write!(f, " WHERE {w}")?;
                }
                if !c.group_by.is_empty() {
                    f.write_str(" GROUP BY ")?;
                    write_list(f, &c.group_by)?;
                }
                if let Some(h) = &c.having {
                    write!(f, " HAVING {h}")?;
                }
                for (i, w) in c.windows.iter().enumerate() {
                    f.write_str(if i == 0 { " WINDOW " } else { ", " })?;
                    write_name(f, &w.name)?;
                    write!(f, " AS ({})", w.spec)?;
                }
                Ok(())
            }
        }
    }
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(w) = &self.with {
            f.write_str(if w.recursive {
                "WITH RECURSIVE "
            } else {
                "WITH "
            })?;
            for (i, c) in w.ctes.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_name(f, &c.name)?;
                if !c.columns.is_empty() {
                    f.write_char('(')?;
                    write_names(f, &c.columns)?;
                    f.write_char(')')?;
                }
                let m = match c.materialized {
                    Materialized::Any => "",
                    Materialized::Materialized => "MATERIALIZED ",
                    Materialized::NotMaterialized => "NOT MATERIALIZED ",
                };
                write!(f, " AS {m}({})", c.select)?;
            }
            f.write_char(' ')?;
        }
        write!(f, "{}", self.body.first)?;
        for (op, core) in &self.body.compounds {
            let o = match op {
                CompoundOp::Union => "UNION",
                CompoundOp::UnionAll => "UNION ALL",
                CompoundOp::Intersect => "INTERSECT",
                CompoundOp::Except => "EXCEPT",
            };
            write!(f, " {o} {core}")?;
        }
        if !self.order_by.is_empty() {
            f.write_str(" ORDER BY ")?;
            write_list(f, &self.order_by)?;
        }
        if let Some(l) = &self.limit {
            write!(f, " LIMIT {}", l.limit)?;
            if let Some(o) = &l.offset {
                write!(f, " OFFSET {o}")?;
            }
        }
        Ok(())
    }
}
