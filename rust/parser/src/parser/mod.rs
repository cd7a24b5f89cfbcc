//! The recursive-descent parser: tokens -> `ast::Stmt`.
//!
//! Owns: the token cursor, SQLite's identifier classes, error wording, the
//! nesting guard, statement dispatch and the small statements (transaction
//! control, PRAGMA, VACUUM, ANALYZE, REINDEX, ATTACH, DETACH). Expressions,
//! SELECT, DML and DDL live in the sibling modules.
//!
//! How SQLite's LALR grammar is mirrored:
//! - A keyword keeps its keyword meaning wherever that meaning can start or
//!   continue the construct being parsed; elsewhere a `%fallback ID`
//!   keyword is an ordinary identifier (e.g. `SELECT x asc` aliases x).
//! - Identifier classes of parse.y (3.42+): `idj` = ID | INDEXED | JOIN_KW
//!   (CROSS FULL INNER LEFT NATURAL OUTER RIGHT) | fallback keyword;
//!   `id` = idj without JOIN_KW (only `DEFAULT id` uses it);
//!   `ids` = ID | STRING | fallback keyword; `nm` = idj | STRING. Quoted
//!   identifiers are ID.
//! - Errors: `near "TOKEN": syntax error` at the token where parsing failed,
//!   `incomplete input` when that is the end of input, and
//!   `unrecognized token: "TEXT"` as soon as an illegal token becomes the
//!   current token (SQLite's tokenizer reports it before the parser runs).
//! - Where SQLite's parser shifts a token that commits to a construct (NOT
//!   after an expression, ON after a constraint, IF, NULLS, CURRENT, an OR
//!   inside a BETWEEN bound, ...) this parser consumes it too, so an error
//!   lands on the same token. Checks SQLite makes in reduce actions
//!   (unknown table option, unknown join type, ...) run only once the next
//!   token could follow, as a reduction would.
//! - The grammar is SQLite 3.45's: 3.44 aggregate `ORDER BY` inside calls,
//!   3.42 `idj` names. tests/sqlite_outcomes.rs holds the differential
//!   evidence against a real SQLite (messages included).
//!
//! Invariants:
//! - Recursion is bounded: every nested construct passes `enter()`, which
//!   fails with "parser stack overflow" beyond `MAX_NESTING`. Expression
//!   trees are at most `MAX_EXPR_DEPTH` high ("Expression tree is too large
//!   (maximum depth 1000)"), so dropping or walking an AST cannot overflow.
//! - Token buffering is per statement: `toks` holds tokens lexed so far and
//!   `pos` is the current one; the lexer runs only on demand.

mod ddl;
mod dml;
mod expr;
mod select;
mod trigger;

use crate::ast::*;
use crate::error::ParseError;
use crate::keywords::Kw;
use crate::lexer::{Lexer, Token, TokenKind};
use crate::literal::dequote;

pub(crate) type PResult<T> = Result<T, ParseError>;

/// Maximum nesting of parenthesised expressions, subqueries and prefix
/// operators (each expression level counts 1, each SELECT level 1 more).
/// SQLite 3.40's fixed LALR stack overflows at about 90 nested parentheses
/// and 20 nested FROM subqueries. Measured cost per unit: about 1.3-2.6 KB
/// of stack in release builds and up to 10 KB in debug builds, so 100 units
/// stay far inside a 1 MiB wasm stack.
pub const MAX_NESTING: u32 = 100;
/// SQLITE_MAX_EXPR_DEPTH.
pub const MAX_EXPR_DEPTH: u32 = 1000;
/// SQLITE_MAX_VARIABLE_NUMBER.
pub const MAX_VARIABLE_NUMBER: u32 = 32766;

/// A parsed statement with its location in the input.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedStmt {
    pub stmt: Stmt,
    /// From the first token of the statement to the end of its last token
    /// (the `;` excluded).
    pub span: Span,
    /// Offset just past the statement's `;` (or the end of input).
    pub end: usize,
    /// Start of the token after the statement: its `;`, or the end of input
    /// (so `span.end..tail_start` is the whitespace and comments between).
    pub tail_start: usize,
    /// SQLite's parameter table: entry `i` is parameter number `i + 1` and
    /// holds its name (`:a`, `@b`, `$c`, `?7`) or None for a `?`. Its length
    /// is the statement's parameter count (sqlite3_bind_parameter_count).
    /// Numbers follow source order as in SQLite: `?` takes the highest
    /// number so far plus one, `?NNN` is NNN, and a name takes the next
    /// number on first use and the same number afterwards.
    pub params: Vec<Option<String>>,
    /// For CREATE TABLE and ALTER TABLE ADD COLUMN: the text inside the
    /// parentheses of each CHECK constraint, whitespace-trimmed, in source
    /// order (each column's constraints in column order, then the table
    /// constraints). SQLite names an unnamed CHECK by this text in
    /// "CHECK constraint failed: ...".
    pub check_spans: Vec<Span>,
}

/// Parse the first statement of `sql`. Returns `Ok(None)` when only
/// whitespace, comments and semicolons remain; otherwise the statement and
/// the byte offset just past it (past its `;` if present).
pub fn parse_one(sql: &str) -> Result<Option<(Stmt, usize)>, ParseError> {
    Ok(parse_one_spanned(sql)?.map(|p| (p.stmt, p.end)))
}

/// Like `parse_one`, also giving the statement's span.
pub fn parse_one_spanned(sql: &str) -> Result<Option<ParsedStmt>, ParseError> {
    parse_one_with(sql, ParseOptions::default())
}

/// Options for `parse_one_with`. Fields may be added: build it with
/// `ParseOptions { field: value, ..Default::default() }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Replace every `?` with `Param::Numbered(n)`, `n` being the number
    /// SQLite gives it (sqlite3ExprAssignVarNumber, in source order). With
    /// `ParsedStmt::params` this makes parameter numbering independent of
    /// the order in which a compiler visits the tree.
    pub number_anonymous_params: bool,
    /// Accept `ORDER BY` / `LIMIT` on UPDATE and DELETE, as SQLite built
    /// with SQLITE_ENABLE_UPDATE_DELETE_LIMIT does (Debian's sqlite3 shell
    /// and Python module). Off, like the standard build (and rusqlite's
    /// bundled SQLite): they are `near "ORDER": syntax error`.
    pub update_delete_limit: bool,
}

/// `parse_one_spanned` with options.
pub fn parse_one_with(sql: &str, opts: ParseOptions) -> Result<Option<ParsedStmt>, ParseError> {
    let mut p = Parser::new(sql, 0);
    p.number_anonymous = opts.number_anonymous_params;
    p.update_delete_limit = opts.update_delete_limit;
    while p.peek() == TokenKind::Semi {
        p.advance();
    }
    if p.peek() == TokenKind::Eof {
        return Ok(None);
    }
    p.check_current_legal()?;
    let start = p.cur().start;
    let stmt = p.parse_cmd()?;
    let span = Span::new(start, p.last_end);
    match p.peek() {
        TokenKind::Semi => {
            let t = p.advance();
            Ok(Some(ParsedStmt {
                stmt,
                span,
                end: t.end,
                tail_start: t.start,
                params: p.params,
                check_spans: p.check_spans,
            }))
        }
        TokenKind::Eof => {
            let end = p.lexer.input_end().max(p.last_end);
            Ok(Some(ParsedStmt {
                stmt,
                span,
                end,
                tail_start: end,
                params: p.params,
                check_spans: p.check_spans,
            }))
        }
        _ => Err(p.syntax_error()),
    }
}

/// Parse every statement of `sql` (empty statements skipped).
pub fn parse_all(sql: &str) -> Result<Vec<Stmt>, ParseError> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        match parse_one_spanned(&sql[offset..]) {
            Ok(Some(p)) => {
                out.push(p.stmt);
                if p.end == 0 {
                    return Ok(out);
                }
                offset += p.end;
            }
            Ok(None) => return Ok(out),
            Err(mut e) => {
                e.offset += offset;
                return Err(e);
            }
        }
    }
}

pub(crate) struct Parser<'a> {
    pub(crate) src: &'a str,
    lexer: Lexer<'a>,
    toks: Vec<Token>,
    pos: usize,
    /// End offset of the last consumed token.
    pub(crate) last_end: usize,
    depth: u32,
    /// The parameter table built so far (see `ParsedStmt::params`).
    pub(crate) params: Vec<Option<String>>,
    pub(crate) number_anonymous: bool,
    /// See `ParsedStmt::check_spans`.
    pub(crate) check_spans: Vec<Span>,
    pub(crate) update_delete_limit: bool,
}

fn is_join_kw(k: Kw) -> bool {
    matches!(
        k,
        Kw::Cross | Kw::Full | Kw::Inner | Kw::Left | Kw::Natural | Kw::Outer | Kw::Right
    )
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str, pos: usize) -> Parser<'a> {
        Parser {
            src,
            lexer: Lexer::at(src, pos),
            toks: Vec::with_capacity(32),
            pos: 0,
            last_end: pos,
            depth: 0,
            params: Vec::new(),
            number_anonymous: false,
            check_spans: Vec::new(),
            update_delete_limit: false,
        }
    }

    // ------------------------------------------------------------ cursor

    fn fill(&mut self, n: usize) {
        while self.toks.len() <= self.pos + n {
            let mut t = self.lexer.next_token();
            if let TokenKind::Keyword(k @ (Kw::Window | Kw::Over | Kw::Filter)) = t.kind {
                let prev = self.toks.last().map(|p| p.kind);
                if !self.context_keyword(k, prev) {
                    t.kind = TokenKind::Id;
                }
            }
            self.toks.push(t);
        }
    }

    /// tokenize.c analyzeWindowKeyword / analyzeOverKeyword /
    /// analyzeFilterKeyword: WINDOW is a keyword only before `ID AS`; OVER
    /// only after `)` and before `(` or an ID; FILTER only after `)` and
    /// before `(`. Elsewhere the word is an identifier.
    fn context_keyword(&self, k: Kw, prev: Option<TokenKind>) -> bool {
        let mut ahead = self.lexer.clone();
        let next = ahead.next_token().kind;
        // tokenize.c getToken(): these all count as TK_ID.
        let is_id = |t: TokenKind| match t {
            TokenKind::Id | TokenKind::DqId | TokenKind::QuotedId | TokenKind::String => true,
            TokenKind::Keyword(k) => {
                k.is_fallback_id() || is_join_kw(k) || matches!(k, Kw::Window | Kw::Over)
            }
            _ => false,
        };
        match k {
            Kw::Window => is_id(next) && ahead.next_token().kind == TokenKind::Keyword(Kw::As),
            Kw::Over => {
                prev == Some(TokenKind::RParen) && (next == TokenKind::LParen || is_id(next))
            }
            _ => prev == Some(TokenKind::RParen) && next == TokenKind::LParen,
        }
    }

    pub(crate) fn cur(&mut self) -> Token {
        self.fill(0);
        self.toks[self.pos]
    }

    pub(crate) fn peek(&mut self) -> TokenKind {
        self.cur().kind
    }

    pub(crate) fn peek_at(&mut self, n: usize) -> TokenKind {
        self.fill(n);
        self.toks[self.pos + n].kind
    }

    pub(crate) fn advance(&mut self) -> Token {
        let t = self.cur();
        if t.kind != TokenKind::Eof {
            self.pos += 1;
            self.last_end = t.end;
        }
        t
    }

    /// A position to come back to with `reset_to` (tokens stay buffered).
    pub(crate) fn pos_mark(&self) -> (usize, usize) {
        (self.pos, self.last_end)
    }

    pub(crate) fn reset_to(&mut self, mark: (usize, usize)) {
        self.pos = mark.0;
        self.last_end = mark.1;
    }

    pub(crate) fn is_kw(&mut self, k: Kw) -> bool {
        self.peek() == TokenKind::Keyword(k)
    }

    pub(crate) fn eat(&mut self, k: TokenKind) -> bool {
        if self.peek() == k {
            self.advance();
            true
        } else {
            false
        }
    }

    pub(crate) fn eat_kw(&mut self, k: Kw) -> bool {
        self.eat(TokenKind::Keyword(k))
    }

    pub(crate) fn expect(&mut self, k: TokenKind) -> PResult<Token> {
        if self.peek() == k {
            Ok(self.advance())
        } else {
            Err(self.syntax_error())
        }
    }

    pub(crate) fn expect_kw(&mut self, k: Kw) -> PResult<Token> {
        self.expect(TokenKind::Keyword(k))
    }

    /// Start offset of the current token.
    pub(crate) fn here(&mut self) -> usize {
        self.cur().start
    }

    // ------------------------------------------------------------ errors

    /// The error SQLite reports when the current token does not parse.
    pub(crate) fn syntax_error(&mut self) -> ParseError {
        let t = self.cur();
        match t.kind {
            TokenKind::Eof => ParseError::new("incomplete input", t.start),
            TokenKind::Illegal => ParseError::new(
                format!("unrecognized token: \"{}\"", t.text(self.src)),
                t.start,
            ),
            _ => ParseError::new(
                format!("near \"{}\": syntax error", t.text(self.src)),
                t.start,
            ),
        }
    }

    pub(crate) fn error_at(&self, offset: usize, msg: impl Into<String>) -> ParseError {
        ParseError::new(msg, offset)
    }

    fn check_current_legal(&mut self) -> PResult<()> {
        if self.peek() == TokenKind::Illegal {
            Err(self.syntax_error())
        } else {
            Ok(())
        }
    }

    /// Enter one level of nesting (see `MAX_NESTING`).
    pub(crate) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            let at = self.here();
            return Err(self.error_at(at, "parser stack overflow"));
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    // ------------------------------------------------------------ names

    /// parse.y `idj` (3.42+; column references, function names and `nm`):
    /// ID | INDEXED | JOIN_KW | fallback keyword. (`DEFAULT id` still uses
    /// `id`, without JOIN_KW.)
    pub(crate) fn kind_is_id(k: TokenKind) -> bool {
        match k {
            TokenKind::Id | TokenKind::DqId | TokenKind::QuotedId => true,
            TokenKind::Keyword(kw) => kw == Kw::Indexed || is_join_kw(kw) || kw.is_fallback_id(),
            _ => false,
        }
    }

    /// parse.y `ids`: ID | STRING | fallback keyword.
    pub(crate) fn kind_is_ids(k: TokenKind) -> bool {
        match k {
            TokenKind::Id | TokenKind::DqId | TokenKind::QuotedId | TokenKind::String => true,
            TokenKind::Keyword(kw) => kw.is_fallback_id(),
            _ => false,
        }
    }

    /// parse.y `nm`: id | STRING | JOIN_KW.
    pub(crate) fn kind_is_nm(k: TokenKind) -> bool {
        match k {
            TokenKind::String => true,
            TokenKind::Keyword(kw) if is_join_kw(kw) => true,
            _ => Self::kind_is_id(k),
        }
    }

    pub(crate) fn kind_is_join_kw(k: TokenKind) -> bool {
        matches!(k, TokenKind::Keyword(kw) if is_join_kw(kw))
    }

    pub(crate) fn token_name(&self, t: Token) -> String {
        dequote(t.text(self.src))
    }

    pub(crate) fn nm(&mut self) -> PResult<String> {
        if Self::kind_is_nm(self.peek()) {
            let t = self.advance();
            Ok(self.token_name(t))
        } else {
            Err(self.syntax_error())
        }
    }

    pub(crate) fn ids(&mut self) -> PResult<String> {
        if Self::kind_is_ids(self.peek()) {
            let t = self.advance();
            Ok(self.token_name(t))
        } else {
            Err(self.syntax_error())
        }
    }

    /// `nm [. nm]` as (schema, name); the start offset of the final name.
    pub(crate) fn qualified_name(&mut self) -> PResult<(QualifiedName, usize)> {
        let mut start = self.here();
        let first = self.nm()?;
        if self.eat(TokenKind::Dot) {
            start = self.here();
            let name = self.nm()?;
            Ok((
                QualifiedName {
                    schema: Some(first),
                    name,
                },
                start,
            ))
        } else {
            Ok((
                QualifiedName {
                    schema: None,
                    name: first,
                },
                start,
            ))
        }
    }

    /// `( nm, nm, ... )` -- parse.y `idlist` inside parentheses.
    pub(crate) fn paren_idlist(&mut self) -> PResult<Vec<String>> {
        self.expect(TokenKind::LParen)?;
        let mut v = vec![self.nm()?];
        while self.eat(TokenKind::Comma) {
            v.push(self.nm()?);
        }
        self.expect(TokenKind::RParen)?;
        Ok(v)
    }

    /// `IF NOT EXISTS`
    pub(crate) fn if_not_exists(&mut self) -> PResult<bool> {
        if self.eat_kw(Kw::If) {
            self.expect_kw(Kw::Not)?;
            self.expect_kw(Kw::Exists)?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// `IF EXISTS`
    pub(crate) fn if_exists(&mut self) -> PResult<bool> {
        if self.eat_kw(Kw::If) {
            self.expect_kw(Kw::Exists)?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    // ------------------------------------------------------------ statements

    /// One command (parse.y `cmdx`, with an optional EXPLAIN prefix).
    fn parse_cmd(&mut self) -> PResult<Stmt> {
        if self.eat_kw(Kw::Explain) {
            let query_plan = if self.eat_kw(Kw::Query) {
                self.expect_kw(Kw::Plan)?;
                true
            } else {
                false
            };
            self.check_current_legal()?;
            let stmt = self.parse_stmt()?;
            return Ok(Stmt::Explain {
                query_plan,
                stmt: Box::new(stmt),
            });
        }
        self.parse_stmt()
    }

    pub(crate) fn parse_stmt(&mut self) -> PResult<Stmt> {
        let k = match self.peek() {
            TokenKind::Keyword(k) => k,
            _ => return Err(self.syntax_error()),
        };
        match k {
            Kw::Select | Kw::Values => Ok(Stmt::Select(self.parse_select()?)),
            Kw::With => self.parse_with_stmt(),
            Kw::Insert | Kw::Replace => Ok(Stmt::Insert(Box::new(self.parse_insert(None)?))),
            Kw::Update => Ok(Stmt::Update(Box::new(self.parse_update(None)?))),
            Kw::Delete => Ok(Stmt::Delete(Box::new(self.parse_delete(None)?))),
            Kw::Create => self.parse_create(),
            Kw::Drop => self.parse_drop(),
            Kw::Alter => self.parse_alter(),
            Kw::Begin => self.parse_begin(),
            Kw::Commit | Kw::End => {
                self.advance();
                self.trans_opt()?;
                Ok(Stmt::Commit)
            }
            Kw::Rollback => self.parse_rollback(),
            Kw::Savepoint => {
                self.advance();
                Ok(Stmt::Savepoint { name: self.nm()? })
            }
            Kw::Release => {
                self.advance();
                self.eat_kw(Kw::Savepoint);
                Ok(Stmt::Release { name: self.nm()? })
            }
            Kw::Pragma => self.parse_pragma(),
            Kw::Vacuum => self.parse_vacuum(),
            Kw::Analyze => {
                self.advance();
                Ok(Stmt::Analyze {
                    target: self.opt_qualified_name()?,
                })
            }
            Kw::Reindex => {
                self.advance();
                Ok(Stmt::Reindex {
                    target: self.opt_qualified_name()?,
                })
            }
            Kw::Attach => {
                self.advance();
                self.eat_kw(Kw::Database);
                let expr = self.parse_expr()?;
                self.expect_kw(Kw::As)?;
                let schema = self.parse_expr()?;
                let key = if self.eat_kw(Kw::Key) {
                    Some(self.parse_expr()?)
                } else {
                    None
                };
                Ok(Stmt::Attach { expr, schema, key })
            }
            Kw::Detach => {
                self.advance();
                self.eat_kw(Kw::Database);
                Ok(Stmt::Detach {
                    schema: self.parse_expr()?,
                })
            }
            _ => Err(self.syntax_error()),
        }
    }

    /// `WITH ...` followed by SELECT, INSERT, REPLACE, UPDATE or DELETE.
    fn parse_with_stmt(&mut self) -> PResult<Stmt> {
        let with = self.parse_with()?;
        match self.peek() {
            TokenKind::Keyword(Kw::Select) | TokenKind::Keyword(Kw::Values) => {
                let mut s = self.parse_select_body_after_with()?;
                s.with = Some(with);
                Ok(Stmt::Select(s))
            }
            TokenKind::Keyword(Kw::Insert) | TokenKind::Keyword(Kw::Replace) => {
                Ok(Stmt::Insert(Box::new(self.parse_insert(Some(with))?)))
            }
            TokenKind::Keyword(Kw::Update) => {
                Ok(Stmt::Update(Box::new(self.parse_update(Some(with))?)))
            }
            TokenKind::Keyword(Kw::Delete) => {
                Ok(Stmt::Delete(Box::new(self.parse_delete(Some(with))?)))
            }
            _ => Err(self.syntax_error()),
        }
    }

    fn opt_qualified_name(&mut self) -> PResult<Option<QualifiedName>> {
        if Self::kind_is_nm(self.peek()) {
            Ok(Some(self.qualified_name()?.0))
        } else {
            Ok(None)
        }
    }

    /// `[TRANSACTION [nm]]`
    fn trans_opt(&mut self) -> PResult<()> {
        if self.eat_kw(Kw::Transaction) && Self::kind_is_nm(self.peek()) {
            // `ROLLBACK TRANSACTION TO x`: TO is not a name, so no clash.
            self.nm()?;
        }
        Ok(())
    }

    fn parse_begin(&mut self) -> PResult<Stmt> {
        self.advance();
        let kind = match self.peek() {
            TokenKind::Keyword(Kw::Deferred) => {
                self.advance();
                TransactionKind::Deferred
            }
            TokenKind::Keyword(Kw::Immediate) => {
                self.advance();
                TransactionKind::Immediate
            }
            TokenKind::Keyword(Kw::Exclusive) => {
                self.advance();
                TransactionKind::Exclusive
            }
            _ => TransactionKind::Deferred,
        };
        self.trans_opt()?;
        Ok(Stmt::Begin { kind })
    }

    fn parse_rollback(&mut self) -> PResult<Stmt> {
        self.advance();
        self.trans_opt()?;
        if self.eat_kw(Kw::To) {
            self.eat_kw(Kw::Savepoint);
            return Ok(Stmt::Rollback {
                savepoint: Some(self.nm()?),
            });
        }
        Ok(Stmt::Rollback { savepoint: None })
    }

    fn parse_pragma(&mut self) -> PResult<Stmt> {
        self.advance();
        let (qn, _) = self.qualified_name()?;
        let value = if self.eat(TokenKind::Eq) {
            Some(PragmaValue {
                call_form: false,
                value: self.pragma_value()?,
            })
        } else if self.eat(TokenKind::LParen) {
            let v = self.pragma_value()?;
            self.expect(TokenKind::RParen)?;
            Some(PragmaValue {
                call_form: true,
                value: v,
            })
        } else {
            None
        };
        Ok(Stmt::Pragma {
            schema: qn.schema,
            name: qn.name,
            value,
        })
    }

    /// parse.y `nmnum | minus_num`.
    fn pragma_value(&mut self) -> PResult<String> {
        match self.peek() {
            TokenKind::Plus | TokenKind::Minus => {
                let neg = self.advance().kind == TokenKind::Minus;
                match self.peek() {
                    TokenKind::Integer | TokenKind::Float => {
                        let t = self.advance();
                        let text = t.text(self.src);
                        Ok(if neg {
                            format!("-{text}")
                        } else {
                            text.to_string()
                        })
                    }
                    _ => Err(self.syntax_error()),
                }
            }
            TokenKind::Integer | TokenKind::Float => {
                let t = self.advance();
                Ok(t.text(self.src).to_string())
            }
            TokenKind::Keyword(Kw::On)
            | TokenKind::Keyword(Kw::Delete)
            | TokenKind::Keyword(Kw::Default) => {
                let t = self.advance();
                Ok(t.text(self.src).to_string())
            }
            _ => self.nm(),
        }
    }

    fn parse_vacuum(&mut self) -> PResult<Stmt> {
        self.advance();
        let schema = if Self::kind_is_nm(self.peek()) {
            Some(self.nm()?)
        } else {
            None
        };
        let into = if self.eat_kw(Kw::Into) {
            Some(self.parse_expr()?)
        } else {
            None
        };
        Ok(Stmt::Vacuum { schema, into })
    }
}
