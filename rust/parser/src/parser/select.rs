//! SELECT: WITH clauses, compound selects, select cores, result columns,
//! the FROM join tree, ORDER BY, LIMIT and window definitions.
//!
//! Owns the parse.y rules `select`, `selectnowith`, `oneselect`, `values`,
//! `selcollist`, `seltablist`, `joinop`, `on_using`, `sortlist`,
//! `limit_opt`, `wqlist`, `window`, `frame_opt`.
//!
//! SQLite specifics kept here:
//! - ORDER BY / LIMIT belong to each SELECT core in the grammar; one that is
//!   followed by a compound operator is the error "ORDER BY clause should
//!   come after UNION not before". A VALUES core takes neither.
//! - A VALUES list with rows of different lengths is "all VALUES must have
//!   the same number of terms"; more than 500 compound terms is "too many
//!   terms in compound SELECT".
//! - An ON/USING on the first FROM item is "a JOIN clause is required
//!   before ON"; a bad keyword combination is "unknown join type: ...".
//! - Parse-time semantic checks SQLite makes: duplicate CTE names, frame
//!   bounds in the wrong order, and WINDOW-clause definitions that build on
//!   an earlier one (sqlite3WindowChain).
//! - A result column's span runs from its first token to the start of the
//!   token after the expression, trailing whitespace trimmed (so a comment
//!   there is part of the column name, as in SQLite).

use super::{PResult, Parser};

/// SQLITE_MAX_COMPOUND_SELECT.
pub const MAX_COMPOUND_SELECT: usize = 500;
use crate::ast::*;
use crate::keywords::Kw;
use crate::lexer::TokenKind as T;

impl<'a> Parser<'a> {
    /// A full SELECT, with an optional WITH prefix.
    pub(crate) fn parse_select(&mut self) -> PResult<Box<Select>> {
        self.enter()?;
        let r = self.parse_select_inner();
        self.leave();
        r
    }

    fn parse_select_inner(&mut self) -> PResult<Box<Select>> {
        let with = if self.is_kw(Kw::With) {
            Some(self.parse_with()?)
        } else {
            None
        };
        let mut s = self.parse_select_body_after_with()?;
        s.with = with;
        Ok(s)
    }

    /// `WITH [RECURSIVE] cte, ...`
    pub(crate) fn parse_with(&mut self) -> PResult<With> {
        self.expect_kw(Kw::With)?;
        let recursive = self.eat_kw(Kw::Recursive);
        let mut ctes = Vec::new();
        loop {
            let name = self.nm()?;
            let columns = self.eidlist_opt()?;
            self.expect_kw(Kw::As)?;
            let materialized = if self.eat_kw(Kw::Materialized) {
                Materialized::Materialized
            } else if self.eat_kw(Kw::Not) {
                self.expect_kw(Kw::Materialized)?;
                Materialized::NotMaterialized
            } else {
                Materialized::Any
            };
            self.expect(T::LParen)?;
            let select = self.parse_select()?;
            self.expect(T::RParen)?;
            if ctes
                .iter()
                .any(|c: &Cte| c.name.eq_ignore_ascii_case(&name))
            {
                let at = self.last_end;
                return Err(self.error_at(at, format!("duplicate WITH table name: {name}")));
            }
            ctes.push(Cte {
                name,
                columns,
                materialized,
                select,
            });
            if !self.eat(T::Comma) {
                break;
            }
        }
        Ok(With { recursive, ctes })
    }

    /// parse.y `eidlist_opt`: `[( nm [COLLATE x] [ASC|DESC], ... )]`; COLLATE
    /// and ASC/DESC are rejected as SQLite does for new schemas.
    pub(crate) fn eidlist_opt(&mut self) -> PResult<Vec<String>> {
        let mut v = Vec::new();
        if !self.eat(T::LParen) {
            return Ok(v);
        }
        loop {
            let t = self.cur();
            let name = self.nm()?;
            let mut extra = false;
            if self.eat_kw(Kw::Collate) {
                self.ids()?;
                extra = true;
            }
            if self.eat_kw(Kw::Asc) || self.eat_kw(Kw::Desc) {
                extra = true;
            }
            if extra {
                return Err(self.error_at(
                    t.start,
                    format!("syntax error after column name \"{}\"", t.text(self.src)),
                ));
            }
            v.push(name);
            if !self.eat(T::Comma) {
                break;
            }
        }
        self.expect(T::RParen)?;
        Ok(v)
    }

    /// `core [op core]* [ORDER BY] [LIMIT]` once any WITH has been read.
    pub(crate) fn parse_select_body_after_with(&mut self) -> PResult<Box<Select>> {
        // Each core with the ORDER BY / LIMIT the grammar attaches to it.
        let mut cores: Vec<(SelectCore, Vec<OrderingTerm>, Option<Limit>, usize)> = Vec::new();
        let mut ops = Vec::new();
        loop {
            let core = self.select_core()?;
            let mut order_by = Vec::new();
            let mut limit = None;
            let clause_at = self.here();
            if matches!(core, SelectCore::Select(_)) {
                if self.is_kw(Kw::Order) {
                    self.advance();
                    self.expect_kw(Kw::By)?;
                    order_by = self.sortlist()?;
                }
                limit = self.limit_opt()?;
            }
            cores.push((core, order_by, limit, clause_at));
            let op = match self.peek() {
                T::Keyword(Kw::Union) => {
                    self.advance();
                    if self.eat_kw(Kw::All) {
                        CompoundOp::UnionAll
                    } else {
                        CompoundOp::Union
                    }
                }
                T::Keyword(Kw::Intersect) => {
                    self.advance();
                    CompoundOp::Intersect
                }
                T::Keyword(Kw::Except) => {
                    self.advance();
                    CompoundOp::Except
                }
                _ => break,
            };
            ops.push(op);
        }
        // parserDoubleLinkSelect: scan from the right for a misplaced clause.
        for i in (0..cores.len().saturating_sub(1)).rev() {
            let (_, ob, lim, at) = &cores[i];
            if !ob.is_empty() || lim.is_some() {
                let which = if !ob.is_empty() { "ORDER BY" } else { "LIMIT" };
                let op = match ops[i] {
                    CompoundOp::Union => "UNION",
                    CompoundOp::UnionAll => "UNION ALL",
                    CompoundOp::Intersect => "INTERSECT",
                    CompoundOp::Except => "EXCEPT",
                };
                return Err(self.error_at(
                    *at,
                    format!("{which} clause should come after {op} not before"),
                ));
            }
        }
        // SQLITE_MAX_COMPOUND_SELECT; a multi-row VALUES is one term here.
        if cores.len() > MAX_COMPOUND_SELECT {
            let at = cores[0].3;
            return Err(self.error_at(at, "too many terms in compound SELECT"));
        }
        let mut iter = cores.into_iter();
        let (first, mut order_by, mut limit, _) = match iter.next() {
            Some(c) => c,
            None => return Err(self.syntax_error()),
        };
        let mut compounds = Vec::new();
        for (op, (core, ob, lim, _)) in ops.into_iter().zip(iter) {
            compounds.push((op, core));
            order_by = ob;
            limit = lim;
        }
        Ok(Box::new(Select {
            with: None,
            body: SelectBody { first, compounds },
            order_by,
            limit,
        }))
    }

    fn select_core(&mut self) -> PResult<SelectCore> {
        if self.eat_kw(Kw::Values) {
            let mut rows = Vec::new();
            loop {
                let at = self.here();
                self.expect(T::LParen)?;
                let row = self.parse_nexprlist()?;
                self.expect(T::RParen)?;
                if let Some(first) = rows.first() {
                    let first: &Vec<Expr> = first;
                    if first.len() != row.len() {
                        return Err(
                            self.error_at(at, "all VALUES must have the same number of terms")
                        );
                    }
                }
                rows.push(row);
                if !self.eat(T::Comma) {
                    break;
                }
            }
            return Ok(SelectCore::Values(rows));
        }
        self.expect_kw(Kw::Select)?;
        let distinct = if self.eat_kw(Kw::Distinct) {
            true
        } else {
            self.eat_kw(Kw::All);
            false
        };
        let columns = self.result_columns()?;
        let from = if self.eat_kw(Kw::From) {
            Some(self.seltablist()?)
        } else {
            None
        };
        let where_clause = if self.eat_kw(Kw::Where) {
            Some(self.parse_expr()?)
        } else {
            None
        };
        let mut group_by = Vec::new();
        if self.is_kw(Kw::Group) {
            self.advance();
            self.expect_kw(Kw::By)?;
            group_by = self.parse_nexprlist()?;
        }
        let having = if self.eat_kw(Kw::Having) {
            Some(self.parse_expr()?)
        } else {
            None
        };
        let mut windows = Vec::new();
        if self.at_window_clause() {
            self.advance();
            // (name, has PARTITION BY, has ORDER BY, explicit frame) of the
            // definitions so far, after inheriting from their bases.
            let mut defs: Vec<(String, bool, bool, bool)> = Vec::new();
            loop {
                let name = self.nm()?;
                self.expect_kw(Kw::As)?;
                self.expect(T::LParen)?;
                let spec = self.window_spec()?;
                self.expect(T::RParen)?;
                let mut this = (
                    name.clone(),
                    !spec.partition_by.is_empty(),
                    !spec.order_by.is_empty(),
                    spec.frame.is_some(),
                );
                if let (Some(base), false) = (&spec.base, defs.is_empty()) {
                    this = self.window_chain(&defs, base, this)?;
                }
                defs.push(this);
                windows.push(WindowDef { name, spec });
                if !self.eat(T::Comma) {
                    break;
                }
            }
        }
        Ok(SelectCore::Select(Box::new(SelectClause {
            distinct,
            columns,
            from,
            where_clause,
            group_by,
            having,
            windows,
        })))
    }

    /// WINDOW is a keyword token only when followed by an identifier and
    /// AS (tokenize.c analyzeWindowKeyword, applied by the token cursor).
    fn at_window_clause(&mut self) -> bool {
        self.is_kw(Kw::Window)
    }

    /// parse.y `selcollist`, also used by RETURNING.
    pub(crate) fn result_columns(&mut self) -> PResult<Vec<ResultColumn>> {
        let mut cols = Vec::new();
        loop {
            if self.peek() == T::Star {
                self.advance();
                cols.push(ResultColumn::Star);
            } else if Self::kind_is_nm(self.peek())
                && self.peek_at(1) == T::Dot
                && self.peek_at(2) == T::Star
            {
                let t = self.advance();
                self.advance();
                self.advance();
                cols.push(ResultColumn::TableStar(self.token_name(t)));
            } else {
                let start = self.here();
                let expr = self.parse_expr()?;
                let next = self.here();
                let end = start + self.src[start..next].trim_end().len();
                let alias = self.as_opt()?;
                cols.push(ResultColumn::Expr {
                    expr,
                    alias,
                    span: Span::new(start, end),
                });
            }
            if !self.eat(T::Comma) {
                return Ok(cols);
            }
        }
    }

    /// parse.y `as`: `AS nm | ids | (nothing)`.
    pub(crate) fn as_opt(&mut self) -> PResult<Option<String>> {
        if self.eat_kw(Kw::As) {
            return Ok(Some(self.nm()?));
        }
        if Self::kind_is_ids(self.peek()) && !self.at_window_clause() {
            return Ok(Some(self.ids()?));
        }
        Ok(None)
    }

    /// parse.y `seltablist`: the FROM clause as a left-deep join tree.
    pub(crate) fn seltablist(&mut self) -> PResult<FromItem> {
        self.enter()?;
        let r = self.seltablist_inner();
        self.leave();
        r
    }

    fn seltablist_inner(&mut self) -> PResult<FromItem> {
        let mut left = self.table_term()?;
        if matches!(self.peek(), T::Keyword(Kw::On | Kw::Using)) {
            let which = if self.is_kw(Kw::On) { "ON" } else { "USING" };
            let at = self.here();
            self.on_using()?;
            return Err(self.error_at(at, format!("a JOIN clause is required before {which}")));
        }
        while let Some(op) = self.join_op()? {
            let right = self.table_term()?;
            let constraint = self.on_using()?;
            left = FromItem::Join {
                left: Box::new(left),
                op,
                right: Box::new(right),
                constraint,
            };
        }
        Ok(left)
    }

    fn on_using(&mut self) -> PResult<Option<JoinConstraint>> {
        if self.eat_kw(Kw::On) {
            return Ok(Some(JoinConstraint::On(self.parse_expr()?)));
        }
        if self.eat_kw(Kw::Using) {
            return Ok(Some(JoinConstraint::Using(self.paren_idlist()?)));
        }
        Ok(None)
    }

    /// parse.y `joinop`; None when no join operator follows.
    fn join_op(&mut self) -> PResult<Option<JoinOp>> {
        if self.eat(T::Comma) {
            return Ok(Some(JoinOp {
                natural: false,
                kind: JoinKind::Comma,
            }));
        }
        if self.eat_kw(Kw::Join) {
            return Ok(Some(JoinOp {
                natural: false,
                kind: JoinKind::Inner,
            }));
        }
        if !Self::kind_is_join_kw(self.peek()) {
            return Ok(None);
        }
        let mut words = vec![self.advance()];
        while !self.is_kw(Kw::Join) {
            if words.len() == 3 || !Self::kind_is_nm(self.peek()) {
                return Err(self.syntax_error());
            }
            words.push(self.advance());
        }
        self.advance(); // JOIN
                        // SQLite validates the words when it reduces the join operator, which
                        // happens only once a table term can follow.
        if !(Self::kind_is_nm(self.peek()) || self.peek() == T::LParen) {
            return Err(self.syntax_error());
        }
        const NATURAL: u8 = 1;
        const LEFT: u8 = 2;
        const RIGHT: u8 = 4;
        const OUTER: u8 = 8;
        const INNER: u8 = 16;
        const CROSS: u8 = 32;
        let mut bits = 0u8;
        let mut bad = false;
        for w in &words {
            let text = w.text(self.src);
            bits |= match text.to_ascii_lowercase().as_str() {
                _ if !matches!(w.kind, T::Keyword(_)) => {
                    bad = true;
                    0
                }
                "natural" => NATURAL,
                "left" => LEFT | OUTER,
                "right" => RIGHT | OUTER,
                "full" => LEFT | RIGHT | OUTER,
                "outer" => OUTER,
                "inner" => INNER,
                "cross" => INNER | CROSS,
                _ => {
                    bad = true;
                    0
                }
            };
        }
        if bad
            || bits & (INNER | OUTER) == (INNER | OUTER)
            || bits & (OUTER | LEFT | RIGHT) == OUTER
        {
            let text: Vec<&str> = words.iter().map(|w| w.text(self.src)).collect();
            return Err(self.error_at(
                words[0].start,
                format!("unknown join type: {}", text.join(" ")),
            ));
        }
        let kind = if bits & LEFT != 0 && bits & RIGHT != 0 {
            JoinKind::Full
        } else if bits & LEFT != 0 {
            JoinKind::Left
        } else if bits & RIGHT != 0 {
            JoinKind::Right
        } else if bits & CROSS != 0 {
            JoinKind::Cross
        } else {
            JoinKind::Inner
        };
        Ok(Some(JoinOp {
            natural: bits & NATURAL != 0,
            kind,
        }))
    }

    /// One FROM term: table, table-valued function, subquery or `( ... )`.
    fn table_term(&mut self) -> PResult<FromItem> {
        if self.eat(T::LParen) {
            if self.at_select_start() {
                let select = self.parse_select()?;
                self.expect(T::RParen)?;
                let alias = self.as_opt()?;
                return Ok(FromItem::Subquery { select, alias });
            }
            let inner = self.seltablist()?;
            self.expect(T::RParen)?;
            let alias = self.as_opt()?;
            return Ok(match (inner, alias) {
                (inner @ FromItem::Join { .. }, alias) => FromItem::Parenthesized {
                    inner: Box::new(inner),
                    alias,
                },
                (inner, None) => inner,
                (
                    FromItem::Table {
                        name, indexed_by, ..
                    },
                    alias,
                ) => FromItem::Table {
                    name,
                    alias,
                    indexed_by,
                },
                (FromItem::TableFunction { name, args, .. }, alias) => {
                    FromItem::TableFunction { name, args, alias }
                }
                (FromItem::Subquery { select, .. }, alias) => FromItem::Subquery { select, alias },
                (FromItem::Parenthesized { inner, .. }, alias) => {
                    FromItem::Parenthesized { inner, alias }
                }
            });
        }
        let (name, _) = self.qualified_name()?;
        if self.eat(T::LParen) {
            let args = if self.peek() == T::RParen {
                Vec::new()
            } else {
                self.parse_nexprlist()?
            };
            self.expect(T::RParen)?;
            let alias = self.as_opt()?;
            return Ok(FromItem::TableFunction { name, args, alias });
        }
        let alias = self.as_opt()?;
        let indexed_by = self.indexed_opt()?;
        Ok(FromItem::Table {
            name,
            alias,
            indexed_by,
        })
    }

    /// `INDEXED BY nm | NOT INDEXED | (nothing)`
    pub(crate) fn indexed_opt(&mut self) -> PResult<Option<IndexedBy>> {
        if self.is_kw(Kw::Indexed) {
            self.advance();
            self.expect_kw(Kw::By)?;
            return Ok(Some(IndexedBy::Index(self.nm()?)));
        }
        if self.eat_kw(Kw::Not) {
            self.expect_kw(Kw::Indexed)?;
            return Ok(Some(IndexedBy::NotIndexed));
        }
        Ok(None)
    }

    /// sqlite3WindowChain for a WINDOW-clause definition `this` whose base
    /// is `base`, checked against the definitions before it (SQLite does
    /// this while parsing, except for the first definition).
    fn window_chain(
        &mut self,
        defs: &[(String, bool, bool, bool)],
        base: &str,
        this: (String, bool, bool, bool),
    ) -> PResult<(String, bool, bool, bool)> {
        let at = self.last_end;
        let Some(exist) = defs.iter().rev().find(|d| d.0.eq_ignore_ascii_case(base)) else {
            return Err(self.error_at(at, format!("no such window: {base}")));
        };
        let err = if this.1 {
            Some("PARTITION clause")
        } else if exist.2 && this.2 {
            Some("ORDER BY clause")
        } else if exist.3 {
            Some("frame specification")
        } else {
            None
        };
        if let Some(what) = err {
            return Err(self.error_at(at, format!("cannot override {what} of window: {base}")));
        }
        Ok((this.0, exist.1, exist.2 || this.2, this.3))
    }

    /// parse.y `sortlist`.
    pub(crate) fn sortlist(&mut self) -> PResult<Vec<OrderingTerm>> {
        let mut v = Vec::new();
        loop {
            let expr = self.parse_expr()?;
            let order = self.sort_order();
            let nulls = self.nulls_order()?;
            v.push(OrderingTerm { expr, order, nulls });
            if !self.eat(T::Comma) {
                return Ok(v);
            }
        }
    }

    pub(crate) fn sort_order(&mut self) -> Option<SortOrder> {
        if self.eat_kw(Kw::Asc) {
            Some(SortOrder::Asc)
        } else if self.eat_kw(Kw::Desc) {
            Some(SortOrder::Desc)
        } else {
            None
        }
    }

    pub(crate) fn nulls_order(&mut self) -> PResult<Option<NullsOrder>> {
        if self.eat_kw(Kw::Nulls) {
            if self.eat_kw(Kw::First) {
                return Ok(Some(NullsOrder::First));
            }
            self.expect_kw(Kw::Last)?;
            return Ok(Some(NullsOrder::Last));
        }
        Ok(None)
    }

    /// `LIMIT expr [OFFSET expr | , expr]`
    pub(crate) fn limit_opt(&mut self) -> PResult<Option<Limit>> {
        if !self.eat_kw(Kw::Limit) {
            return Ok(None);
        }
        let first = self.parse_expr()?;
        if self.eat_kw(Kw::Offset) {
            let offset = self.parse_expr()?;
            return Ok(Some(Limit {
                limit: first,
                offset: Some(offset),
            }));
        }
        if self.eat(T::Comma) {
            let limit = self.parse_expr()?;
            return Ok(Some(Limit {
                limit,
                offset: Some(first),
            }));
        }
        Ok(Some(Limit {
            limit: first,
            offset: None,
        }))
    }

    /// The inside of `OVER ( ... )` or `WINDOW w AS ( ... )`.
    pub(crate) fn window_spec(&mut self) -> PResult<WindowSpec> {
        let base = match self.peek() {
            T::Keyword(Kw::Partition | Kw::Order | Kw::Range | Kw::Rows | Kw::Groups) => None,
            k if Self::kind_is_nm(k) => Some(self.nm()?),
            _ => None,
        };
        let mut partition_by = Vec::new();
        if self.is_kw(Kw::Partition) {
            self.advance();
            self.expect_kw(Kw::By)?;
            partition_by = self.parse_nexprlist()?;
        }
        let mut order_by = Vec::new();
        if self.is_kw(Kw::Order) {
            self.advance();
            self.expect_kw(Kw::By)?;
            order_by = self.sortlist()?;
        }
        let frame = self.frame_opt()?;
        Ok(WindowSpec {
            base,
            partition_by,
            order_by,
            frame,
        })
    }

    fn frame_opt(&mut self) -> PResult<Option<FrameSpec>> {
        let units = match self.peek() {
            T::Keyword(Kw::Range) => FrameUnits::Range,
            T::Keyword(Kw::Rows) => FrameUnits::Rows,
            T::Keyword(Kw::Groups) => FrameUnits::Groups,
            _ => return Ok(None),
        };
        self.advance();
        let (start, end) = if self.eat_kw(Kw::Between) {
            let s = self.frame_bound(true)?;
            self.expect_kw(Kw::And)?;
            let e = self.frame_bound(false)?;
            (s, Some(e))
        } else {
            (self.frame_bound(true)?, None)
        };
        let exclude = if self.eat_kw(Kw::Exclude) {
            Some(match self.peek() {
                T::Keyword(Kw::No) => {
                    self.advance();
                    self.expect_kw(Kw::Others)?;
                    FrameExclude::NoOthers
                }
                T::Keyword(Kw::Current) => {
                    self.advance();
                    self.expect_kw(Kw::Row)?;
                    FrameExclude::CurrentRow
                }
                T::Keyword(Kw::Group) => {
                    self.advance();
                    FrameExclude::Group
                }
                T::Keyword(Kw::Ties) => {
                    self.advance();
                    FrameExclude::Ties
                }
                _ => return Err(self.syntax_error()),
            })
        } else {
            None
        };
        // sqlite3WindowAlloc: the start may not come after the end in
        // UNBOUNDED PRECEDING < PRECEDING < CURRENT ROW < FOLLOWING.
        let rank = |b: &FrameBound| match b {
            FrameBound::UnboundedPreceding => 0,
            FrameBound::Preceding(_) => 1,
            FrameBound::CurrentRow => 2,
            FrameBound::Following(_) => 3,
            FrameBound::UnboundedFollowing => 4,
        };
        let (s_rank, e_rank) = (rank(&start), end.as_ref().map_or(2, rank));
        if (s_rank == 2 && e_rank == 1) || (s_rank == 3 && (e_rank == 1 || e_rank == 2)) {
            let at = self.last_end;
            return Err(self.error_at(at, "unsupported frame specification"));
        }
        Ok(Some(FrameSpec {
            units,
            start,
            end,
            exclude,
        }))
    }

    /// `frame_bound_s` (is_start) or `frame_bound_e`.
    fn frame_bound(&mut self, is_start: bool) -> PResult<FrameBound> {
        if self.is_kw(Kw::Unbounded) {
            self.advance();
            if is_start {
                self.expect_kw(Kw::Preceding)?;
                return Ok(FrameBound::UnboundedPreceding);
            }
            self.expect_kw(Kw::Following)?;
            return Ok(FrameBound::UnboundedFollowing);
        }
        if self.eat_kw(Kw::Current) {
            self.expect_kw(Kw::Row)?;
            return Ok(FrameBound::CurrentRow);
        }
        let e = self.parse_expr()?;
        match self.peek() {
            T::Keyword(Kw::Preceding) => {
                self.advance();
                Ok(FrameBound::Preceding(e))
            }
            T::Keyword(Kw::Following) => {
                self.advance();
                Ok(FrameBound::Following(e))
            }
            _ => Err(self.syntax_error()),
        }
    }
}
