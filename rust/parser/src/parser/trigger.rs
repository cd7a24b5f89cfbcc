//! CREATE TRIGGER (with its restricted body statements) and CREATE
//! VIRTUAL TABLE (with its free-form module arguments).
//!
//! SQLite specifics kept here:
//! - Trigger body statements are INSERT/UPDATE/DELETE/SELECT, each ended by
//!   `;`, between BEGIN and END. INSERT/UPDATE/DELETE targets may not be
//!   schema-qualified or aliased, UPDATE/DELETE take no INDEXED BY / NOT
//!   INDEXED, RETURNING/ORDER BY/LIMIT are not part of UPDATE/DELETE there
//!   (SQLite's own messages for the first two; syntax errors otherwise).
//! - Virtual table arguments are any balanced token sequences separated by
//!   top-level commas; each is kept as its source text from first to last
//!   token, and empty ones are dropped (sqlite3VtabArgInit/Extend).

use super::{PResult, Parser};
use crate::ast::*;
use crate::keywords::Kw;
use crate::lexer::TokenKind as T;

impl<'a> Parser<'a> {
    pub(crate) fn create_trigger(&mut self, temporary: bool) -> PResult<Stmt> {
        self.expect_kw(Kw::Trigger)?;
        let if_not_exists = self.if_not_exists()?;
        let (name, name_start) = self.qualified_name()?;
        let time = match self.peek() {
            T::Keyword(Kw::Before) => {
                self.advance();
                Some(TriggerTime::Before)
            }
            T::Keyword(Kw::After) => {
                self.advance();
                Some(TriggerTime::After)
            }
            T::Keyword(Kw::Instead) => {
                self.advance();
                self.expect_kw(Kw::Of)?;
                Some(TriggerTime::InsteadOf)
            }
            _ => None,
        };
        let event = match self.peek() {
            T::Keyword(Kw::Delete) => {
                self.advance();
                TriggerEvent::Delete
            }
            T::Keyword(Kw::Insert) => {
                self.advance();
                TriggerEvent::Insert
            }
            T::Keyword(Kw::Update) => {
                self.advance();
                let mut columns = Vec::new();
                if self.eat_kw(Kw::Of) {
                    columns.push(self.nm()?);
                    while self.eat(T::Comma) {
                        columns.push(self.nm()?);
                    }
                }
                TriggerEvent::Update { columns }
            }
            _ => return Err(self.syntax_error()),
        };
        self.expect_kw(Kw::On)?;
        let (table, _) = self.qualified_name()?;
        let mut for_each_row = false;
        if self.eat_kw(Kw::For) {
            self.expect_kw(Kw::Each)?;
            self.expect_kw(Kw::Row)?;
            for_each_row = true;
        }
        let when = if self.eat_kw(Kw::When) {
            Some(self.parse_expr()?)
        } else {
            None
        };
        self.expect_kw(Kw::Begin)?;
        let mut body = Vec::new();
        loop {
            body.push(self.trigger_cmd()?);
            self.expect(T::Semi)?;
            if self.eat_kw(Kw::End) {
                break;
            }
        }
        Ok(Stmt::CreateTrigger(Box::new(CreateTrigger {
            temporary,
            if_not_exists,
            name,
            name_start,
            time,
            event,
            table,
            for_each_row,
            when,
            body,
        })))
    }

    /// parse.y `trigger_cmd`.
    fn trigger_cmd(&mut self) -> PResult<Stmt> {
        match self.peek() {
            T::Keyword(Kw::Update) => {
                self.advance();
                let or_conflict = self.or_conflict()?;
                let table = self.trigger_target()?;
                self.trigger_no_indexed()?;
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
                Ok(Stmt::Update(Box::new(Update {
                    with: None,
                    or_conflict,
                    table,
                    alias: None,
                    indexed_by: None,
                    sets,
                    from,
                    where_clause,
                    returning: Vec::new(),
                    order_by: Vec::new(),
                    limit: None,
                })))
            }
            T::Keyword(Kw::Delete) => {
                self.advance();
                self.expect_kw(Kw::From)?;
                let table = self.trigger_target()?;
                self.trigger_no_indexed()?;
                let where_clause = if self.eat_kw(Kw::Where) {
                    Some(self.parse_expr()?)
                } else {
                    None
                };
                Ok(Stmt::Delete(Box::new(Delete {
                    with: None,
                    table,
                    alias: None,
                    indexed_by: None,
                    where_clause,
                    returning: Vec::new(),
                    order_by: Vec::new(),
                    limit: None,
                })))
            }
            T::Keyword(Kw::Insert | Kw::Replace) => {
                // Check the target the way trnm does, then parse normally.
                let save = self.pos_mark();
                if self.eat_kw(Kw::Insert) {
                    self.or_conflict()?;
                } else {
                    self.advance();
                }
                self.expect_kw(Kw::Into)?;
                self.trigger_target()?;
                if self.is_kw(Kw::As) {
                    return Err(self.syntax_error());
                }
                self.reset_to(save);
                Ok(Stmt::Insert(Box::new(self.parse_insert(None)?)))
            }
            T::Keyword(Kw::Select | Kw::Values | Kw::With) => {
                Ok(Stmt::Select(self.parse_select()?))
            }
            _ => Err(self.syntax_error()),
        }
    }

    /// parse.y `trnm`: an unqualified table name.
    fn trigger_target(&mut self) -> PResult<QualifiedName> {
        let at = self.here();
        let (name, _) = self.qualified_name()?;
        if name.schema.is_some() {
            return Err(self.error_at(
                at,
                "qualified table names are not allowed on INSERT, UPDATE, and DELETE statements within triggers",
            ));
        }
        Ok(name)
    }

    /// parse.y `tridxby`.
    fn trigger_no_indexed(&mut self) -> PResult<()> {
        let at = self.here();
        match self.indexed_opt()? {
            None => Ok(()),
            Some(IndexedBy::Index(_)) => Err(self.error_at(
                at,
                "the INDEXED BY clause is not allowed on UPDATE or DELETE statements within triggers",
            )),
            Some(IndexedBy::NotIndexed) => Err(self.error_at(
                at,
                "the NOT INDEXED clause is not allowed on UPDATE or DELETE statements within triggers",
            )),
        }
    }

    pub(crate) fn create_virtual_table(&mut self) -> PResult<Stmt> {
        self.expect_kw(Kw::Virtual)?;
        self.expect_kw(Kw::Table)?;
        let if_not_exists = self.if_not_exists()?;
        let (name, name_start) = self.qualified_name()?;
        self.expect_kw(Kw::Using)?;
        let module = self.nm()?;
        let mut args = Vec::new();
        if self.eat(T::LParen) {
            let mut depth = 0u32;
            let mut arg_start: Option<usize> = None;
            let mut arg_end = 0;
            loop {
                let t = self.cur();
                match t.kind {
                    T::Eof | T::Illegal => return Err(self.syntax_error()),
                    T::RParen if depth == 0 => break,
                    T::Comma if depth == 0 => {
                        self.advance();
                        if let Some(s) = arg_start.take() {
                            args.push(self.src[s..arg_end].to_string());
                        }
                        continue;
                    }
                    T::Semi if depth == 0 => return Err(self.syntax_error()),
                    T::LParen => depth += 1,
                    T::RParen => depth -= 1,
                    _ => {}
                }
                self.advance();
                arg_start.get_or_insert(t.start);
                arg_end = t.end;
            }
            if let Some(s) = arg_start {
                args.push(self.src[s..arg_end].to_string());
            }
            self.expect(T::RParen)?;
        }
        Ok(Stmt::CreateVirtualTable(Box::new(CreateVirtualTable {
            if_not_exists,
            name,
            name_start,
            module,
            args,
        })))
    }
}
