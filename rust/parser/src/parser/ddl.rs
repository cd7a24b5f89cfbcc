//! Schema statements: CREATE TABLE/INDEX/VIEW, DROP, ALTER TABLE, and the
//! pieces they share (type names, column and table constraints,
//! foreign-key clauses). CREATE TRIGGER and CREATE VIRTUAL TABLE are in
//! `trigger`.
//!
//! SQLite specifics kept here:
//! - A type name is the source text of `ids+ [( signed [, signed] )]`,
//!   dequoted, with a trailing `GENERATED ALWAYS` removed (sqlite3AddColumn's
//!   rule, because GENERATED and ALWAYS are fallback identifiers that the
//!   type name would otherwise swallow).
//! - `DEFAULT ident` is a string literal, or 1/0 for unquoted TRUE/FALSE.
//! - Table options: `WITHOUT ROWID` and `STRICT`, comma separated; any other
//!   word is "unknown table option: X".
//! - Table constraints may be separated by commas or not (`tconscomma`).

use super::{PResult, Parser};
use crate::ast::*;
use crate::keywords::Kw;
use crate::lexer::TokenKind as T;
use crate::literal::{blob_value, integer_value, real_value, IntValue};

/// sqlite3Dequote on a whole type-name text: if it starts with a quote,
/// take the text up to the matching close quote.
fn dequote_type(text: &str) -> String {
    let b = text.as_bytes();
    let q = match b.first() {
        Some(b'[') => b']',
        Some(&c @ (b'\'' | b'"' | b'`')) => c,
        _ => return text.to_string(),
    };
    let mut out = Vec::with_capacity(b.len());
    let mut i = 1;
    while i < b.len() {
        if b[i] == q {
            if q != b']' && b.get(i + 1) == Some(&q) {
                out.push(q);
                i += 2;
                continue;
            }
            break;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_default()
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

impl<'a> Parser<'a> {
    /// parse.y `typetoken` (None when absent or only GENERATED ALWAYS).
    pub(crate) fn type_name(&mut self) -> PResult<Option<TypeName>> {
        if !Self::kind_is_ids(self.peek()) {
            return Ok(None);
        }
        let start = self.here();
        while Self::kind_is_ids(self.peek()) {
            self.advance();
        }
        if self.eat(T::LParen) {
            self.signed()?;
            if self.eat(T::Comma) {
                self.signed()?;
            }
            self.expect(T::RParen)?;
        }
        let mut end = self.last_end;
        let b = self.src.as_bytes();
        let n = end - start;
        if n >= 16 && b[end - 6..end].eq_ignore_ascii_case(b"always") {
            end -= 6;
            while end > start && is_space(b[end - 1]) {
                end -= 1;
            }
            if end - start >= 9 && b[end - 9..end].eq_ignore_ascii_case(b"generated") {
                end -= 9;
                while end > start && is_space(b[end - 1]) {
                    end -= 1;
                }
            }
        }
        if end == start {
            return Ok(None);
        }
        let text = &self.src[start..end];
        Ok(Some(TypeName {
            name: dequote_type(text),
            span: Span::new(start, end),
        }))
    }

    /// parse.y `signed`: `[+|-] INTEGER|FLOAT`.
    fn signed(&mut self) -> PResult<()> {
        if !self.eat(T::Plus) {
            self.eat(T::Minus);
        }
        match self.peek() {
            T::Integer | T::Float => {
                self.advance();
                Ok(())
            }
            _ => Err(self.syntax_error()),
        }
    }

    pub(crate) fn parse_create(&mut self) -> PResult<Stmt> {
        self.expect_kw(Kw::Create)?;
        let temporary = self.eat_kw(Kw::Temp) || self.eat_kw(Kw::Temporary);
        match self.peek() {
            T::Keyword(Kw::Table) => self.create_table(temporary),
            T::Keyword(Kw::View) => self.create_view(temporary),
            T::Keyword(Kw::Trigger) => self.create_trigger(temporary),
            T::Keyword(Kw::Unique | Kw::Index) if !temporary => self.create_index(),
            T::Keyword(Kw::Virtual) if !temporary => self.create_virtual_table(),
            _ => Err(self.syntax_error()),
        }
    }

    fn create_table(&mut self, temporary: bool) -> PResult<Stmt> {
        self.expect_kw(Kw::Table)?;
        let if_not_exists = self.if_not_exists()?;
        let (name, name_start) = self.qualified_name()?;
        if self.eat_kw(Kw::As) {
            let select = self.parse_select()?;
            let body = CreateTableBody::AsSelect(select);
            return Ok(Stmt::CreateTable(Box::new(CreateTable {
                temporary,
                if_not_exists,
                name,
                name_start,
                body,
            })));
        }
        self.expect(T::LParen)?;
        let mut columns = vec![self.column_def()?];
        let mut constraints = Vec::new();
        while self.eat(T::Comma) {
            if matches!(
                self.peek(),
                T::Keyword(Kw::Constraint | Kw::Primary | Kw::Unique | Kw::Check | Kw::Foreign)
            ) {
                constraints = self.table_constraints()?;
                break;
            }
            columns.push(self.column_def()?);
        }
        self.expect(T::RParen)?;
        let options = self.table_options()?;
        let body = CreateTableBody::Columns {
            columns,
            constraints,
            options,
        };
        Ok(Stmt::CreateTable(Box::new(CreateTable {
            temporary,
            if_not_exists,
            name,
            name_start,
            body,
        })))
    }

    /// parse.y `table_option_set`: `[option] (, option)*` -- the grammar
    /// allows a comma before the first option.
    fn table_options(&mut self) -> PResult<TableOptions> {
        let mut opts = TableOptions::default();
        if self.is_kw(Kw::Without) || Self::kind_is_nm(self.peek()) {
            self.table_option(&mut opts)?;
        }
        while self.eat(T::Comma) {
            self.table_option(&mut opts)?;
        }
        Ok(opts)
    }

    fn table_option(&mut self, opts: &mut TableOptions) -> PResult<()> {
        let without = self.eat_kw(Kw::Without);
        let t = self.cur();
        let word = self.nm()?;
        let (want, flag) = if without {
            ("rowid", &mut opts.without_rowid)
        } else {
            ("strict", &mut opts.strict)
        };
        // SQLite checks the word when it reduces the option, which needs the
        // next token: one that cannot follow is a syntax error first.
        if !matches!(self.peek(), T::Comma | T::Semi | T::Eof) {
            return Err(self.syntax_error());
        }
        // SQLite compares the raw token, so a quoted word never matches.
        if !word.eq_ignore_ascii_case(want) || t.end - t.start != want.len() {
            return Err(self.error_at(
                t.start,
                format!("unknown table option: {}", t.text(self.src)),
            ));
        }
        *flag = true;
        Ok(())
    }

    /// parse.y `columnname carglist`.
    pub(crate) fn column_def(&mut self) -> PResult<ColumnDef> {
        let start = self.here();
        let name = self.nm()?;
        let type_name = self.type_name()?;
        let mut constraints = Vec::new();
        let mut pending_name: Option<String> = None;
        loop {
            if self.eat_kw(Kw::Constraint) {
                pending_name = Some(self.nm()?);
                continue;
            }
            let kind = match self.column_constraint()? {
                Some(k) => k,
                None => break,
            };
            // `REFERENCES ... DEFERRABLE`: the grammar makes the defer clause
            // its own constraint applying to the foreign key just declared.
            if let (ColumnConstraintKind::Deferrable(d), None) = (&kind, &pending_name) {
                if let Some(ColumnConstraint {
                    kind: ColumnConstraintKind::References(fk),
                    ..
                }) = constraints.last_mut()
                {
                    if fk.deferrable.is_none() {
                        fk.deferrable = Some(*d);
                        continue;
                    }
                }
            }
            constraints.push(ColumnConstraint {
                name: pending_name.take(),
                kind,
            });
        }
        Ok(ColumnDef {
            name,
            type_name,
            constraints,
            span: Span::new(start, self.last_end),
        })
    }

    fn onconf(&mut self) -> PResult<Option<ConflictResolution>> {
        if self.eat_kw(Kw::On) {
            self.expect_kw(Kw::Conflict)?;
            return Ok(Some(self.resolve_type()?));
        }
        Ok(None)
    }

    /// One parse.y `ccons` other than CONSTRAINT; None if none starts here.
    fn column_constraint(&mut self) -> PResult<Option<ColumnConstraintKind>> {
        let k = match self.peek() {
            T::Keyword(k) => k,
            _ => return Ok(None),
        };
        let kind = match k {
            Kw::Default => {
                self.advance();
                self.default_value()?
            }
            Kw::Null => {
                self.advance();
                ColumnConstraintKind::Null {
                    conflict: self.onconf()?,
                }
            }
            Kw::Not => {
                self.advance();
                if self.eat_kw(Kw::Null) {
                    ColumnConstraintKind::NotNull {
                        conflict: self.onconf()?,
                    }
                } else {
                    self.expect_kw(Kw::Deferrable)?;
                    ColumnConstraintKind::Deferrable(self.deferrable_rest(true)?)
                }
            }
            Kw::Deferrable => {
                self.advance();
                ColumnConstraintKind::Deferrable(self.deferrable_rest(false)?)
            }
            Kw::Primary => {
                self.advance();
                self.expect_kw(Kw::Key)?;
                let order = self.sort_order();
                let conflict = self.onconf()?;
                let autoincrement = self.eat_kw(Kw::Autoincrement);
                ColumnConstraintKind::PrimaryKey {
                    order,
                    conflict,
                    autoincrement,
                }
            }
            Kw::Unique => {
                self.advance();
                ColumnConstraintKind::Unique {
                    conflict: self.onconf()?,
                }
            }
            Kw::Check => {
                self.advance();
                ColumnConstraintKind::Check(self.check_body()?)
            }
            Kw::References => {
                self.advance();
                ColumnConstraintKind::References(self.foreign_key_clause(false)?)
            }
            Kw::Collate => {
                self.advance();
                ColumnConstraintKind::Collate(self.ids()?)
            }
            Kw::Generated => {
                self.advance();
                self.expect_kw(Kw::Always)?;
                self.expect_kw(Kw::As)?;
                self.generated()?
            }
            Kw::As => {
                self.advance();
                self.generated()?
            }
            _ => return Ok(None),
        };
        Ok(Some(kind))
    }

    /// `( expr )` after CHECK; records the text between the parentheses,
    /// whitespace-trimmed, which SQLite uses to name an unnamed CHECK
    /// constraint in "CHECK constraint failed: ..." (sqlite3AddCheckConstraint).
    fn check_body(&mut self) -> PResult<Expr> {
        let lp = self.expect(T::LParen)?;
        let e = self.parse_expr()?;
        let rp = self.expect(T::RParen)?;
        let inner = &self.src[lp.end..rp.start];
        let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r');
        let lead = inner.len() - inner.trim_start_matches(is_space).len();
        let trimmed = inner.trim_matches(is_space).len();
        self.check_spans
            .push(Span::new(lp.end + lead, lp.end + lead + trimmed));
        Ok(e)
    }

    /// parse.y `generated`: `( expr ) [STORED|VIRTUAL]`.
    fn generated(&mut self) -> PResult<ColumnConstraintKind> {
        self.expect(T::LParen)?;
        let expr = self.parse_expr()?;
        self.expect(T::RParen)?;
        let mut stored = false;
        let k = self.peek();
        let is_id_token = matches!(k, T::Id | T::DqId | T::QuotedId)
            || matches!(k, T::Keyword(kw) if kw.is_fallback_id() && kw != Kw::Generated);
        if is_id_token {
            let t = self.advance();
            let word = t.text(self.src);
            if word.eq_ignore_ascii_case("stored") {
                stored = true;
            } else if !word.eq_ignore_ascii_case("virtual") {
                return Err(self.error_at(t.start, "error in generated column"));
            }
        }
        Ok(ColumnConstraintKind::Generated { expr, stored })
    }

    /// The value after DEFAULT (parse.y `ccons ::= DEFAULT ...`).
    fn default_value(&mut self) -> PResult<ColumnConstraintKind> {
        let start = self.here();
        if self.eat(T::LParen) {
            let inner_start = self.here();
            let expr = self.parse_expr()?;
            let rp = self.expect(T::RParen)?;
            let text = &self.src[inner_start..rp.start];
            let lead = text.len() - text.trim_start().len();
            let span = Span::new(inner_start + lead, inner_start + text.trim_end().len());
            return Ok(ColumnConstraintKind::Default { expr, span });
        }
        let sign = match self.peek() {
            T::Plus => {
                self.advance();
                Some(UnaryOp::Plus)
            }
            T::Minus => {
                self.advance();
                Some(UnaryOp::Neg)
            }
            _ => None,
        };
        let t = self.cur();
        let text = t.text(self.src);
        let lit = match t.kind {
            T::Integer => match integer_value(text) {
                IntValue::Int(i) => {
                    if sign == Some(UnaryOp::Neg) && i == i64::MIN && text.len() > 2 {
                        return Err(self.error_at(t.start, format!("hex literal too big: -{text}")));
                    }
                    Literal::Integer(i)
                }
                IntValue::Real {
                    value,
                    exactly_2_63,
                } => {
                    if sign == Some(UnaryOp::Neg) && exactly_2_63 {
                        self.advance();
                        let expr = Expr::Literal(Literal::Integer(i64::MIN));
                        return Ok(ColumnConstraintKind::Default {
                            expr,
                            span: Span::new(start, t.end),
                        });
                    }
                    Literal::Real(value)
                }
                IntValue::HexTooBig => {
                    return Err(self.error_at(t.start, format!("hex literal too big: {text}")));
                }
            },
            T::Float => Literal::Real(real_value(text)),
            T::String => Literal::String(self.token_name(t)),
            T::Blob => Literal::Blob(blob_value(text)),
            T::Keyword(Kw::Null) => Literal::Null,
            T::Keyword(Kw::CurrentTime) => Literal::CurrentTime,
            T::Keyword(Kw::CurrentDate) => Literal::CurrentDate,
            T::Keyword(Kw::CurrentTimestamp) => Literal::CurrentTimestamp,
            // parse.y `DEFAULT id`: `id` is still ID | INDEXED (+ fallback
            // keywords), without the JOIN_KW words `idj` adds.
            k if sign.is_none() && Self::kind_is_id(k) && !Self::kind_is_join_kw(k) => {
                self.advance();
                let lit = if k == T::Id && text.eq_ignore_ascii_case("true") {
                    Literal::Integer(1)
                } else if k == T::Id && text.eq_ignore_ascii_case("false") {
                    Literal::Integer(0)
                } else {
                    Literal::String(self.token_name(t))
                };
                return Ok(ColumnConstraintKind::Default {
                    expr: Expr::Literal(lit),
                    span: Span::new(t.start, t.end),
                });
            }
            _ => return Err(self.syntax_error()),
        };
        self.advance();
        let mut expr = Expr::Literal(lit);
        if let Some(op) = sign {
            expr = Expr::Unary {
                op,
                expr: Box::new(expr),
            };
        }
        Ok(ColumnConstraintKind::Default {
            expr,
            span: Span::new(start, t.end),
        })
    }

    /// After REFERENCES: `nm [eidlist] refargs [defer_subclause]`.
    /// `in_table`: a table constraint, which takes the defer clause itself.
    fn foreign_key_clause(&mut self, in_table: bool) -> PResult<ForeignKeyClause> {
        let table = self.nm()?;
        let columns = self.eidlist_opt()?;
        let mut fk = ForeignKeyClause {
            table,
            columns,
            on_delete: None,
            on_update: None,
            match_name: None,
            deferrable: None,
        };
        loop {
            if self.eat_kw(Kw::Match) {
                fk.match_name = Some(self.nm()?);
            } else if self.eat_kw(Kw::On) {
                let which = self.peek();
                if !matches!(which, T::Keyword(Kw::Delete | Kw::Update | Kw::Insert)) {
                    return Err(self.syntax_error());
                }
                self.advance();
                let action = self.fk_action()?;
                match which {
                    T::Keyword(Kw::Delete) => fk.on_delete = Some(action),
                    T::Keyword(Kw::Update) => fk.on_update = Some(action),
                    _ => {}
                }
            } else {
                break;
            }
        }
        if in_table {
            fk.deferrable = self.defer_subclause()?;
        }
        Ok(fk)
    }

    fn fk_action(&mut self) -> PResult<FkAction> {
        match self.peek() {
            T::Keyword(Kw::Set) => {
                self.advance();
                if self.eat_kw(Kw::Null) {
                    Ok(FkAction::SetNull)
                } else {
                    self.expect_kw(Kw::Default)?;
                    Ok(FkAction::SetDefault)
                }
            }
            T::Keyword(Kw::Cascade) => {
                self.advance();
                Ok(FkAction::Cascade)
            }
            T::Keyword(Kw::Restrict) => {
                self.advance();
                Ok(FkAction::Restrict)
            }
            T::Keyword(Kw::No) => {
                self.advance();
                self.expect_kw(Kw::Action)?;
                Ok(FkAction::NoAction)
            }
            _ => Err(self.syntax_error()),
        }
    }

    /// `[NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]`, if present.
    fn defer_subclause(&mut self) -> PResult<Option<Deferrable>> {
        let not = self.eat_kw(Kw::Not);
        if not {
            self.expect_kw(Kw::Deferrable)?;
        } else if !self.eat_kw(Kw::Deferrable) {
            return Ok(None);
        }
        Ok(Some(self.deferrable_rest(not)?))
    }

    /// After `[NOT] DEFERRABLE`: `[INITIALLY DEFERRED|IMMEDIATE]`.
    fn deferrable_rest(&mut self, not: bool) -> PResult<Deferrable> {
        let mut initially_deferred = None;
        if self.eat_kw(Kw::Initially) {
            if self.eat_kw(Kw::Deferred) {
                initially_deferred = Some(true);
            } else {
                self.expect_kw(Kw::Immediate)?;
                initially_deferred = Some(false);
            }
        }
        Ok(Deferrable {
            not,
            initially_deferred,
        })
    }

    /// parse.y `conslist`: table constraints, commas optional between them.
    fn table_constraints(&mut self) -> PResult<Vec<TableConstraint>> {
        let mut v = Vec::new();
        let mut pending_name: Option<String> = None;
        loop {
            let kind = match self.peek() {
                T::Keyword(Kw::Constraint) => {
                    self.advance();
                    pending_name = Some(self.nm()?);
                    continue;
                }
                T::Keyword(Kw::Primary) => {
                    self.advance();
                    self.expect_kw(Kw::Key)?;
                    self.expect(T::LParen)?;
                    let terms = self.sortlist()?;
                    let autoincrement = self.eat_kw(Kw::Autoincrement);
                    self.expect(T::RParen)?;
                    let conflict = self.onconf()?;
                    let columns = terms
                        .into_iter()
                        .map(|t| IndexedColumn {
                            expr: t.expr,
                            order: t.order,
                            nulls: t.nulls,
                        })
                        .collect();
                    TableConstraintKind::PrimaryKey {
                        columns,
                        autoincrement,
                        conflict,
                    }
                }
                T::Keyword(Kw::Unique) => {
                    self.advance();
                    self.expect(T::LParen)?;
                    let columns = self.indexed_columns_after_lparen()?;
                    let conflict = self.onconf()?;
                    TableConstraintKind::Unique { columns, conflict }
                }
                T::Keyword(Kw::Check) => {
                    self.advance();
                    let e = self.check_body()?;
                    self.onconf()?;
                    TableConstraintKind::Check(e)
                }
                T::Keyword(Kw::Foreign) => {
                    self.advance();
                    self.expect_kw(Kw::Key)?;
                    let columns = self.eidlist_opt_required()?;
                    self.expect_kw(Kw::References)?;
                    let clause = self.foreign_key_clause(true)?;
                    TableConstraintKind::ForeignKey { columns, clause }
                }
                _ => return Err(self.syntax_error()),
            };
            v.push(TableConstraint {
                name: pending_name.take(),
                kind,
            });
            if self.peek() == T::RParen {
                return Ok(v);
            }
            if self.eat(T::Comma) {
                pending_name = None;
            }
        }
    }

    /// `( eidlist )` that must be present.
    fn eidlist_opt_required(&mut self) -> PResult<Vec<String>> {
        if self.peek() != T::LParen {
            return Err(self.syntax_error());
        }
        self.eidlist_opt()
    }

    fn create_index(&mut self) -> PResult<Stmt> {
        let unique = self.eat_kw(Kw::Unique);
        self.expect_kw(Kw::Index)?;
        let if_not_exists = self.if_not_exists()?;
        let (name, name_start) = self.qualified_name()?;
        self.expect_kw(Kw::On)?;
        let table = self.nm()?;
        self.expect(T::LParen)?;
        let columns = self.indexed_columns_after_lparen()?;
        let where_clause = if self.eat_kw(Kw::Where) {
            Some(self.parse_expr()?)
        } else {
            None
        };
        Ok(Stmt::CreateIndex(Box::new(CreateIndex {
            unique,
            if_not_exists,
            name,
            name_start,
            table,
            columns,
            where_clause,
        })))
    }

    fn create_view(&mut self, temporary: bool) -> PResult<Stmt> {
        self.expect_kw(Kw::View)?;
        let if_not_exists = self.if_not_exists()?;
        let (name, name_start) = self.qualified_name()?;
        let columns = self.eidlist_opt()?;
        self.expect_kw(Kw::As)?;
        let select = self.parse_select()?;
        Ok(Stmt::CreateView(Box::new(CreateView {
            temporary,
            if_not_exists,
            name,
            name_start,
            columns,
            select,
        })))
    }

    pub(crate) fn parse_drop(&mut self) -> PResult<Stmt> {
        self.expect_kw(Kw::Drop)?;
        let kind = match self.peek() {
            T::Keyword(Kw::Table) => DropKind::Table,
            T::Keyword(Kw::Index) => DropKind::Index,
            T::Keyword(Kw::View) => DropKind::View,
            T::Keyword(Kw::Trigger) => DropKind::Trigger,
            _ => return Err(self.syntax_error()),
        };
        self.advance();
        let if_exists = self.if_exists()?;
        let (name, _) = self.qualified_name()?;
        Ok(Stmt::Drop {
            kind,
            if_exists,
            name,
        })
    }

    pub(crate) fn parse_alter(&mut self) -> PResult<Stmt> {
        self.expect_kw(Kw::Alter)?;
        self.expect_kw(Kw::Table)?;
        let (name, _) = self.qualified_name()?;
        let action = match self.peek() {
            T::Keyword(Kw::Rename) => {
                self.advance();
                if self.eat_kw(Kw::To) {
                    AlterAction::RenameTo(self.nm()?)
                } else {
                    self.eat_kw(Kw::Column);
                    let old = self.nm()?;
                    self.expect_kw(Kw::To)?;
                    let new = self.nm()?;
                    AlterAction::RenameColumn { old, new }
                }
            }
            T::Keyword(Kw::Add) => {
                self.advance();
                self.eat_kw(Kw::Column);
                AlterAction::AddColumn(self.column_def()?)
            }
            T::Keyword(Kw::Drop) => {
                self.advance();
                self.eat_kw(Kw::Column);
                AlterAction::DropColumn(self.nm()?)
            }
            _ => return Err(self.syntax_error()),
        };
        Ok(Stmt::AlterTable(Box::new(AlterTable { name, action })))
    }
}
