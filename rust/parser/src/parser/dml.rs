//! INSERT, UPDATE and DELETE (parse.y `insert_cmd`, `upsert`, `setlist`,
//! `xfullname`, `where_opt_ret`, `returning`).
//!
//! SQLite specifics kept here:
//! - `REPLACE INTO` is INSERT OR REPLACE.
//! - An INSERT whose source is a bare `VALUES (..), (..)` gets
//!   `InsertSource::Values`; anything else is `InsertSource::Select`.
//! - Upsert clauses: any number of `ON CONFLICT (target) DO ...`, the last
//!   one may omit the target; RETURNING comes after all of them.
//! - UPDATE/DELETE ORDER BY and LIMIT are a syntax error, as in a standard
//!   SQLite build; `ParseOptions::update_delete_limit` turns on the
//!   SQLITE_ENABLE_UPDATE_DELETE_LIMIT grammar that parses them.
//! - The target table alias needs AS (`xfullname`).

use super::{PResult, Parser};

/// SQLITE_MAX_COLUMN.
pub const MAX_COLUMN: usize = 2000;
use crate::ast::*;
use crate::keywords::Kw;
use crate::lexer::TokenKind as T;

impl<'a> Parser<'a> {
    /// `OR ROLLBACK|ABORT|FAIL|IGNORE|REPLACE` (parse.y `orconf`).
    pub(crate) fn or_conflict(&mut self) -> PResult<Option<ConflictResolution>> {
        if !self.eat_kw(Kw::Or) {
            return Ok(None);
        }
        Ok(Some(self.resolve_type()?))
    }

    /// parse.y `resolvetype`.
    pub(crate) fn resolve_type(&mut self) -> PResult<ConflictResolution> {
        let r = match self.peek() {
            T::Keyword(Kw::Rollback) => ConflictResolution::Rollback,
            T::Keyword(Kw::Abort) => ConflictResolution::Abort,
            T::Keyword(Kw::Fail) => ConflictResolution::Fail,
            T::Keyword(Kw::Ignore) => ConflictResolution::Ignore,
            T::Keyword(Kw::Replace) => ConflictResolution::Replace,
            _ => return Err(self.syntax_error()),
        };
        self.advance();
        Ok(r)
    }

    /// `nm [. nm] [AS nm]`
    fn xfullname(&mut self) -> PResult<(QualifiedName, Option<String>)> {
        let (name, _) = self.qualified_name()?;
        let alias = if self.eat_kw(Kw::As) {
            Some(self.nm()?)
        } else {
            None
        };
        Ok((name, alias))
    }

    fn returning_opt(&mut self) -> PResult<Vec<ResultColumn>> {
        if self.eat_kw(Kw::Returning) {
            self.result_columns()
        } else {
            Ok(Vec::new())
        }
    }

    pub(crate) fn parse_insert(&mut self, with: Option<With>) -> PResult<Insert> {
        let or_conflict = if self.eat_kw(Kw::Replace) {
            Some(ConflictResolution::Replace)
        } else {
            self.expect_kw(Kw::Insert)?;
            self.or_conflict()?
        };
        self.expect_kw(Kw::Into)?;
        let (table, alias) = self.xfullname()?;
        let columns = if self.peek() == T::LParen {
            self.paren_idlist()?
        } else {
            Vec::new()
        };
        if self.is_kw(Kw::Default) {
            self.advance();
            self.expect_kw(Kw::Values)?;
            let returning = self.returning_opt()?;
            return Ok(Insert {
                with,
                or_conflict,
                table,
                alias,
                columns,
                source: InsertSource::DefaultValues,
                upsert: Vec::new(),
                returning,
            });
        }
        if !self.at_select_start() {
            return Err(self.syntax_error());
        }
        let select = self.parse_select()?;
        let bare_values = select.with.is_none()
            && select.body.compounds.is_empty()
            && select.order_by.is_empty()
            && select.limit.is_none()
            && matches!(select.body.first, SelectCore::Values(_));
        let source = match (bare_values, select.body.first) {
            (true, SelectCore::Values(rows)) => InsertSource::Values(rows),
            (_, first) => InsertSource::Select(Box::new(Select {
                body: SelectBody {
                    first,
                    ..select.body
                },
                ..*select
            })),
        };
        let mut upsert = Vec::new();
        while self.is_kw(Kw::On) {
            self.advance();
            self.expect_kw(Kw::Conflict)?;
            let target = if self.eat(T::LParen) {
                let columns = self.indexed_columns_after_lparen()?;
                let where_clause = if self.eat_kw(Kw::Where) {
                    Some(self.parse_expr()?)
                } else {
                    None
                };
                Some(UpsertTarget {
                    columns,
                    where_clause,
                })
            } else {
                None
            };
            self.expect_kw(Kw::Do)?;
            let action = if self.eat_kw(Kw::Nothing) {
                UpsertAction::Nothing
            } else {
                self.expect_kw(Kw::Update)?;
                self.expect_kw(Kw::Set)?;
                let sets = self.setlist()?;
                let where_clause = if self.eat_kw(Kw::Where) {
                    Some(self.parse_expr()?)
                } else {
                    None
                };
                UpsertAction::Update { sets, where_clause }
            };
            let last = target.is_none();
            upsert.push(Upsert { target, action });
            if last {
                break;
            }
        }
        let returning = self.returning_opt()?;
        Ok(Insert {
            with,
            or_conflict,
            table,
            alias,
            columns,
            source,
            upsert,
            returning,
        })
    }

    /// After `(`: `sortlist )` read as indexed columns.
    pub(crate) fn indexed_columns_after_lparen(&mut self) -> PResult<Vec<IndexedColumn>> {
        let terms = self.sortlist()?;
        self.expect(T::RParen)?;
        Ok(terms
            .into_iter()
            .map(|t| IndexedColumn {
                expr: t.expr,
                order: t.order,
                nulls: t.nulls,
            })
            .collect())
    }

    /// parse.y `setlist`.
    pub(crate) fn setlist(&mut self) -> PResult<Vec<SetClause>> {
        let mut v = Vec::new();
        loop {
            let list_form = self.peek() == T::LParen;
            let columns = if list_form {
                self.paren_idlist()?
            } else {
                vec![self.nm()?]
            };
            self.expect(T::Eq)?;
            let expr = self.parse_expr()?;
            // sqlite3ExprListAppendVector checks the arity at parse time
            // (a subquery's width is only known later).
            let width = match &expr {
                Expr::Vector(v) => v.len(),
                Expr::Subquery(_) => columns.len(),
                _ => 1,
            };
            if list_form && width != columns.len() {
                let at = self.last_end;
                return Err(self.error_at(
                    at,
                    format!("{} columns assigned {} values", columns.len(), width),
                ));
            }
            v.push(SetClause { columns, expr });
            if !self.eat(T::Comma) {
                return Ok(v);
            }
        }
    }

    pub(crate) fn parse_update(&mut self, with: Option<With>) -> PResult<Update> {
        self.expect_kw(Kw::Update)?;
        let or_conflict = self.or_conflict()?;
        let (table, alias) = self.xfullname()?;
        let indexed_by = self.indexed_opt()?;
        self.expect_kw(Kw::Set)?;
        let sets = self.setlist()?;
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
        let returning = self.returning_opt()?;
        let (order_by, limit) = self.order_limit_opt()?;
        // sqlite3ExprListCheckLength(.., "set list") with SQLITE_MAX_COLUMN.
        let assigned: usize = sets.iter().map(|s| s.columns.len()).sum();
        if assigned > MAX_COLUMN {
            let at = self.last_end;
            return Err(self.error_at(at, "too many columns in set list"));
        }
        Ok(Update {
            with,
            or_conflict,
            table,
            alias,
            indexed_by,
            sets,
            from,
            where_clause,
            returning,
            order_by,
            limit,
        })
    }

    pub(crate) fn parse_delete(&mut self, with: Option<With>) -> PResult<Delete> {
        self.expect_kw(Kw::Delete)?;
        self.expect_kw(Kw::From)?;
        let (table, alias) = self.xfullname()?;
        let indexed_by = self.indexed_opt()?;
        let where_clause = if self.eat_kw(Kw::Where) {
            Some(self.parse_expr()?)
        } else {
            None
        };
        let returning = self.returning_opt()?;
        let (order_by, limit) = self.order_limit_opt()?;
        Ok(Delete {
            with,
            table,
            alias,
            indexed_by,
            where_clause,
            returning,
            order_by,
            limit,
        })
    }

    /// `[ORDER BY ...] [LIMIT ...]` after UPDATE/DELETE, only when the
    /// SQLITE_ENABLE_UPDATE_DELETE_LIMIT grammar is on; otherwise they are
    /// left for the caller to reject as SQLite does (`near "ORDER"`).
    fn order_limit_opt(&mut self) -> PResult<(Vec<OrderingTerm>, Option<Limit>)> {
        if !self.update_delete_limit {
            return Ok((Vec::new(), None));
        }
        let mut order_by = Vec::new();
        if self.is_kw(Kw::Order) {
            self.advance();
            self.expect_kw(Kw::By)?;
            order_by = self.sortlist()?;
        }
        Ok((order_by, self.limit_opt()?))
    }
}
