//! Expressions: precedence climbing over SQLite's operator table.
//!
//! Owns: `Expr` construction, operator precedence and associativity,
//! literals, parameters, function calls with FILTER/OVER, CASE, CAST, RAISE,
//! IN/BETWEEN/LIKE forms, and the expression-height limit.
//!
//! Precedence, lowest first (parse.y):
//! ```text
//!   1 OR          2 AND          3 NOT (prefix)
//!   4 IS MATCH LIKE GLOB REGEXP BETWEEN IN ISNULL NOTNULL = == != <>
//!   5 < <= > >=   6 ESCAPE       7 & | << >>      8 + -
//!   9 * / %      10 || -> ->>   11 COLLATE (postfix)
//!  12 unary - + ~ (prefix)
//! ```
//! All binary levels are left-associative. A prefix operator's operand
//! takes every operator that binds tighter than it (so `NOT a = b` is
//! `NOT (a = b)` and `-a COLLATE x` is `(-a) COLLATE x`).
//!
//! Invariant: each parse function returns the expression with its height
//! (a leaf is 1, as SQLite's Expr.nHeight); a height above
//! `MAX_EXPR_DEPTH` is an error raised as soon as the node is built.

use super::{PResult, Parser, MAX_EXPR_DEPTH, MAX_VARIABLE_NUMBER};

/// SQLITE_MAX_FUNCTION_ARG (3.45).
pub const MAX_FUNCTION_ARG: usize = 127;
use crate::ast::*;
use crate::keywords::Kw;
use crate::lexer::TokenKind as T;
use crate::literal::{blob_value, integer_value, real_value, IntValue};

pub(crate) type HExpr = (Expr, u32);

const P_OR: u8 = 1;
const P_AND: u8 = 2;
const P_NOT: u8 = 3;
const P_EQ: u8 = 4;
const P_CMP: u8 = 5;
const P_ESCAPE: u8 = 6;
const P_BIT: u8 = 7;
const P_ADD: u8 = 8;
const P_MUL: u8 = 9;
const P_CONCAT: u8 = 10;
const P_COLLATE: u8 = 11;
const P_UNARY: u8 = 12;

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'a> Parser<'a> {
    /// A full expression.
    pub(crate) fn parse_expr(&mut self) -> PResult<Expr> {
        Ok(self.expr_prec(P_OR)?.0)
    }

    pub(crate) fn parse_expr_h(&mut self) -> PResult<HExpr> {
        self.expr_prec(P_OR)
    }

    /// `expr, expr, ...` (at least one).
    pub(crate) fn parse_nexprlist(&mut self) -> PResult<Vec<Expr>> {
        let mut v = vec![self.parse_expr()?];
        while self.eat(T::Comma) {
            v.push(self.parse_expr()?);
        }
        Ok(v)
    }

    fn nexprlist_h(&mut self) -> PResult<(Vec<Expr>, u32)> {
        let (e, mut h) = self.parse_expr_h()?;
        let mut v = vec![e];
        while self.eat(T::Comma) {
            let (e, eh) = self.parse_expr_h()?;
            h = h.max(eh);
            v.push(e);
        }
        Ok((v, h))
    }

    fn height_ok(&mut self, h: u32, at: usize) -> PResult<u32> {
        if h > MAX_EXPR_DEPTH {
            return Err(self.error_at(
                at,
                format!("Expression tree is too large (maximum depth {MAX_EXPR_DEPTH})"),
            ));
        }
        Ok(h)
    }

    fn expr_prec(&mut self, min: u8) -> PResult<HExpr> {
        self.enter()?;
        let r = self.expr_prec_inner(min);
        self.leave();
        r
    }

    fn expr_prec_inner(&mut self, min: u8) -> PResult<HExpr> {
        let start = self.here();
        let (mut lhs, mut h) = self.prefix()?;
        loop {
            let tok = self.peek();
            let prec = match tok {
                T::Keyword(Kw::Or) => P_OR,
                T::Keyword(Kw::And) => P_AND,
                T::Eq | T::Ne => P_EQ,
                T::Keyword(
                    Kw::Is
                    | Kw::Isnull
                    | Kw::Notnull
                    | Kw::Like
                    | Kw::Glob
                    | Kw::Regexp
                    | Kw::Match
                    | Kw::Between
                    | Kw::In,
                ) => P_EQ,
                // After an expression NOT can only continue it (NOT NULL,
                // NOT LIKE, ...): SQLite shifts it, so an error is reported
                // at the token after it.
                T::Keyword(Kw::Not) => P_EQ,
                T::Lt | T::Le | T::Gt | T::Ge => P_CMP,
                T::BitAnd | T::BitOr | T::LShift | T::RShift => P_BIT,
                T::Plus | T::Minus => P_ADD,
                T::Star | T::Slash | T::Rem => P_MUL,
                T::Concat | T::Ptr | T::Ptr2 => P_CONCAT,
                T::Keyword(Kw::Collate) => P_COLLATE,
                _ => break,
            };
            if prec < min {
                break;
            }
            let (e, eh) = self.infix(lhs, h, tok)?;
            lhs = e;
            h = self.height_ok(eh, start)?;
        }
        Ok((lhs, h))
    }

    /// Apply the operator at the cursor (already classified) to `lhs`.
    fn infix(&mut self, lhs: Expr, lh: u32, tok: T) -> PResult<HExpr> {
        let simple = |op: BinaryOp| -> Option<(BinaryOp, u8)> {
            let right_min = match op {
                BinaryOp::Or => P_AND,
                BinaryOp::And => P_NOT,
                BinaryOp::Eq | BinaryOp::NotEq => P_CMP,
                BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => P_ESCAPE,
                BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::ShiftLeft | BinaryOp::ShiftRight => {
                    P_ADD
                }
                BinaryOp::Add | BinaryOp::Sub => P_MUL,
                BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => P_CONCAT,
                BinaryOp::Concat | BinaryOp::Arrow | BinaryOp::LongArrow => P_COLLATE,
                BinaryOp::Is | BinaryOp::IsNot => P_CMP,
            };
            Some((op, right_min))
        };
        let binop = match tok {
            T::Keyword(Kw::Or) => simple(BinaryOp::Or),
            T::Keyword(Kw::And) => simple(BinaryOp::And),
            T::Eq => simple(BinaryOp::Eq),
            T::Ne => simple(BinaryOp::NotEq),
            T::Lt => simple(BinaryOp::Lt),
            T::Le => simple(BinaryOp::Le),
            T::Gt => simple(BinaryOp::Gt),
            T::Ge => simple(BinaryOp::Ge),
            T::BitAnd => simple(BinaryOp::BitAnd),
            T::BitOr => simple(BinaryOp::BitOr),
            T::LShift => simple(BinaryOp::ShiftLeft),
            T::RShift => simple(BinaryOp::ShiftRight),
            T::Plus => simple(BinaryOp::Add),
            T::Minus => simple(BinaryOp::Sub),
            T::Star => simple(BinaryOp::Mul),
            T::Slash => simple(BinaryOp::Div),
            T::Rem => simple(BinaryOp::Rem),
            T::Concat => simple(BinaryOp::Concat),
            T::Ptr => simple(BinaryOp::Arrow),
            T::Ptr2 => simple(BinaryOp::LongArrow),
            _ => None,
        };
        if let Some((op, right_min)) = binop {
            self.advance();
            let (rhs, rh) = self.expr_prec(right_min)?;
            let e = Expr::Binary {
                op,
                left: bx(lhs),
                right: bx(rhs),
            };
            return Ok((e, lh.max(rh) + 1));
        }
        match tok {
            T::Keyword(Kw::Collate) => {
                self.advance();
                let collation = self.ids()?;
                Ok((
                    Expr::Collate {
                        expr: bx(lhs),
                        collation,
                    },
                    lh + 1,
                ))
            }
            T::Keyword(Kw::Isnull) => {
                self.advance();
                Ok((Expr::IsNull(bx(lhs)), lh + 1))
            }
            T::Keyword(Kw::Notnull) => {
                self.advance();
                Ok((Expr::NotNull(bx(lhs)), lh + 1))
            }
            T::Keyword(Kw::Is) => self.infix_is(lhs, lh),
            _ => self.infix_negatable(lhs, lh),
        }
    }

    /// `lhs IS [NOT] [DISTINCT FROM] rhs`
    #[inline(never)]
    fn infix_is(&mut self, lhs: Expr, lh: u32) -> PResult<HExpr> {
        {
            {
                self.advance();
                let mut not = self.eat_kw(Kw::Not);
                if self.is_kw(Kw::Distinct) {
                    self.advance();
                    self.expect_kw(Kw::From)?;
                    not = !not;
                }
                let (rhs, rh) = self.expr_prec(P_CMP)?;
                if rhs == Expr::Literal(Literal::Null) {
                    let e = if not {
                        Expr::NotNull(bx(lhs))
                    } else {
                        Expr::IsNull(bx(lhs))
                    };
                    return Ok((e, lh + 1));
                }
                let op = if not { BinaryOp::IsNot } else { BinaryOp::Is };
                Ok((
                    Expr::Binary {
                        op,
                        left: bx(lhs),
                        right: bx(rhs),
                    },
                    lh.max(rh) + 1,
                ))
            }
        }
    }

    /// `lhs [NOT] NULL|LIKE|GLOB|REGEXP|MATCH|BETWEEN|IN ...`
    #[inline(never)]
    fn infix_negatable(&mut self, lhs: Expr, lh: u32) -> PResult<HExpr> {
        {
            {
                let not = self.eat_kw(Kw::Not);
                match self.peek() {
                    T::Keyword(Kw::Null) => {
                        self.advance();
                        Ok((Expr::NotNull(bx(lhs)), lh + 1))
                    }
                    T::Keyword(k @ (Kw::Like | Kw::Glob | Kw::Regexp | Kw::Match)) => {
                        self.advance();
                        let op = match k {
                            Kw::Like => LikeOp::Like,
                            Kw::Glob => LikeOp::Glob,
                            Kw::Regexp => LikeOp::Regexp,
                            _ => LikeOp::Match,
                        };
                        let (pattern, ph) = self.expr_prec(P_CMP)?;
                        let mut h = lh.max(ph);
                        let escape = if self.eat_kw(Kw::Escape) {
                            let (e, eh) = self.expr_prec(P_CMP)?;
                            h = h.max(eh);
                            Some(bx(e))
                        } else {
                            None
                        };
                        let e = Expr::Like {
                            op,
                            not,
                            expr: bx(lhs),
                            pattern: bx(pattern),
                            escape,
                        };
                        Ok((e, h + 1))
                    }
                    T::Keyword(Kw::Between) => {
                        self.advance();
                        let (low, loh) = self.between_low()?;
                        self.expect_kw(Kw::And)?;
                        let (high, hih) = self.expr_prec(P_CMP)?;
                        let e = Expr::Between {
                            expr: bx(lhs),
                            not,
                            low: bx(low),
                            high: bx(high),
                        };
                        Ok((e, lh.max(loh).max(hih) + 1))
                    }
                    T::Keyword(Kw::In) => {
                        self.advance();
                        let (rhs, rh) = self.in_rhs()?;
                        Ok((
                            Expr::In {
                                expr: bx(lhs),
                                not,
                                rhs,
                            },
                            lh.max(rh) + 1,
                        ))
                    }
                    _ => Err(self.syntax_error()),
                }
            }
        }
    }

    /// The lower bound of BETWEEN. In SQLite's LALR grammar nothing can be
    /// reduced between BETWEEN and its AND, so an OR there is shifted (its
    /// right side then takes ANDs), while an AND at this level is
    /// BETWEEN's own: `x BETWEEN a OR b AND c` leaves no AND for BETWEEN.
    fn between_low(&mut self) -> PResult<HExpr> {
        let start = self.here();
        let (mut low, mut h) = self.expr_prec(P_NOT)?;
        while self.eat_kw(Kw::Or) {
            let (rhs, rh) = self.expr_prec(P_AND)?;
            low = Expr::Binary {
                op: BinaryOp::Or,
                left: bx(low),
                right: bx(rhs),
            };
            h = self.height_ok(h.max(rh) + 1, start)?;
        }
        Ok((low, h))
    }

    /// The right side of `IN`.
    #[inline(never)]
    fn in_rhs(&mut self) -> PResult<(InRhs, u32)> {
        if self.eat(T::LParen) {
            if self.at_select_start() {
                let s = self.parse_select()?;
                self.expect(T::RParen)?;
                return Ok((InRhs::Select(s), 1));
            }
            if self.eat(T::RParen) {
                return Ok((InRhs::List(Vec::new()), 1));
            }
            let (v, h) = self.nexprlist_h()?;
            self.expect(T::RParen)?;
            return Ok((InRhs::List(v), h));
        }
        let (name, _) = self.qualified_name()?;
        let mut args = Vec::new();
        let mut h = 1;
        if self.eat(T::LParen) && !self.eat(T::RParen) {
            let (v, vh) = self.nexprlist_h()?;
            h = vh;
            args = v;
            self.expect(T::RParen)?;
        }
        Ok((InRhs::Table { name, args }, h))
    }

    /// True at `SELECT`, `VALUES` or `WITH` (a subquery starts here).
    pub(crate) fn at_select_start(&mut self) -> bool {
        matches!(self.peek(), T::Keyword(Kw::Select | Kw::Values | Kw::With))
    }

    fn prefix(&mut self) -> PResult<HExpr> {
        let tok = self.cur();
        let op = match tok.kind {
            T::Keyword(Kw::Not) => {
                self.advance();
                let (e, h) = self.expr_prec(P_EQ)?;
                return Ok((
                    Expr::Unary {
                        op: UnaryOp::Not,
                        expr: bx(e),
                    },
                    h + 1,
                ));
            }
            T::Minus => UnaryOp::Neg,
            T::Plus => UnaryOp::Plus,
            T::BitNot => UnaryOp::BitNot,
            _ => return self.primary(),
        };
        self.advance();
        let operand_start = self.here();
        let (e, h) = self.expr_prec(P_UNARY)?;
        if op == UnaryOp::Neg {
            let text = &self.src[operand_start..self.last_end];
            let core = text.trim_matches(|c: char| c == '(' || c == ')' || c.is_ascii_whitespace());
            if let Expr::Literal(Literal::Integer(i64::MIN)) = e {
                if core.len() > 2 && core[..2].eq_ignore_ascii_case("0x") {
                    return Err(self.error_at(tok.start, format!("hex literal too big: -{core}")));
                }
            }
            if let Expr::Literal(Literal::Real(_)) = e {
                // codeInteger's negFlag case: only the decimal 2^63 itself.
                if core.bytes().all(|b| b.is_ascii_digit())
                    && core.trim_start_matches('0') == "9223372036854775808"
                {
                    return Ok((Expr::Literal(Literal::Integer(i64::MIN)), h + 1));
                }
            }
        }
        Ok((Expr::Unary { op, expr: bx(e) }, h + 1))
    }

    fn primary(&mut self) -> PResult<HExpr> {
        let tok = self.cur();
        let leaf = |e: Expr| Ok((e, 1));
        match tok.kind {
            T::Integer => self.integer_literal(tok),
            T::Float => {
                self.advance();
                leaf(Expr::Literal(Literal::Real(real_value(tok.text(self.src)))))
            }
            T::Blob => {
                self.advance();
                leaf(Expr::Literal(Literal::Blob(blob_value(tok.text(self.src)))))
            }
            T::String if self.peek_at(1) != T::Dot => {
                self.advance();
                leaf(Expr::Literal(Literal::String(self.token_name(tok))))
            }
            T::Keyword(Kw::Null) => {
                self.advance();
                leaf(Expr::Literal(Literal::Null))
            }
            T::Keyword(Kw::CurrentTime) => {
                self.advance();
                leaf(Expr::Literal(Literal::CurrentTime))
            }
            T::Keyword(Kw::CurrentDate) => {
                self.advance();
                leaf(Expr::Literal(Literal::CurrentDate))
            }
            T::Keyword(Kw::CurrentTimestamp) => {
                self.advance();
                leaf(Expr::Literal(Literal::CurrentTimestamp))
            }
            T::Variable => {
                self.advance();
                leaf(Expr::Param(self.param(tok)?))
            }
            T::LParen => self.paren_expr(),
            T::Keyword(Kw::Cast) if self.peek_at(1) == T::LParen => self.cast_expr(),
            T::Keyword(Kw::Cast) => {
                self.advance();
                Err(self.syntax_error())
            }
            T::Keyword(Kw::Exists) => self.exists_expr(),
            T::Keyword(Kw::Case) => {
                self.advance();
                self.case_expr()
            }
            T::Keyword(Kw::Raise) if self.peek_at(1) == T::LParen => {
                self.advance();
                self.advance();
                self.raise_expr()
            }
            T::Keyword(Kw::Raise) => {
                self.advance();
                Err(self.syntax_error())
            }
            k if Self::kind_is_nm(k) => self.name_expr(),
            _ => Err(self.syntax_error()),
        }
    }

    #[inline(never)]
    fn integer_literal(&mut self, tok: crate::lexer::Token) -> PResult<HExpr> {
        self.advance();
        let text = tok.text(self.src);
        match integer_value(text) {
            IntValue::Int(i) => Ok((Expr::Literal(Literal::Integer(i)), 1)),
            IntValue::Real { value, .. } => Ok((Expr::Literal(Literal::Real(value)), 1)),
            IntValue::HexTooBig => {
                Err(self.error_at(tok.start, format!("hex literal too big: {text}")))
            }
        }
    }

    /// `( select )`, `( expr )` or a row value `( expr, expr, ... )`.
    #[inline(never)]
    fn paren_expr(&mut self) -> PResult<HExpr> {
        self.advance();
        if self.at_select_start() {
            let s = self.parse_select()?;
            self.expect(T::RParen)?;
            return Ok((Expr::Subquery(s), 1));
        }
        let (mut v, h) = self.nexprlist_h()?;
        self.expect(T::RParen)?;
        if v.len() == 1 {
            Ok((v.pop().unwrap_or(Expr::Literal(Literal::Null)), h))
        } else {
            Ok((Expr::Vector(v), h + 1))
        }
    }

    #[inline(never)]
    fn cast_expr(&mut self) -> PResult<HExpr> {
        self.advance();
        self.advance();
        let (e, h) = self.parse_expr_h()?;
        self.expect_kw(Kw::As)?;
        let type_name = match self.type_name()? {
            Some(t) => t,
            None => TypeName {
                name: String::new(),
                span: Span::new(self.here(), self.here()),
            },
        };
        self.expect(T::RParen)?;
        Ok((
            Expr::Cast {
                expr: bx(e),
                type_name,
            },
            h + 1,
        ))
    }

    #[inline(never)]
    fn exists_expr(&mut self) -> PResult<HExpr> {
        self.advance();
        self.expect(T::LParen)?;
        let s = self.parse_select()?;
        self.expect(T::RParen)?;
        Ok((Expr::Exists(s), 1))
    }

    /// A column reference or a function call starting at a name token.
    #[inline(never)]
    fn name_expr(&mut self) -> PResult<HExpr> {
        let t1 = self.advance();
        if self.peek() == T::Dot {
            self.advance();
            let t2 = self.cur();
            let n2 = self.nm()?;
            let n1 = self.token_name(t1);
            if self.eat(T::Dot) {
                let t3 = self.cur();
                let n3 = self.nm()?;
                let dq = t3.kind == T::DqId;
                return Ok((
                    Expr::Column {
                        schema: Some(n1),
                        table: Some(n2),
                        column: n3,
                        double_quoted: dq,
                    },
                    1,
                ));
            }
            let dq = t2.kind == T::DqId;
            return Ok((
                Expr::Column {
                    schema: None,
                    table: Some(n1),
                    column: n2,
                    double_quoted: dq,
                },
                1,
            ));
        }
        if self.peek() == T::LParen && (Self::kind_is_id(t1.kind) || Self::kind_is_join_kw(t1.kind))
        {
            self.advance();
            return self.function_call(t1);
        }
        if t1.kind == T::String {
            // `'x'` not followed by a dot is handled as a literal by primary().
            return Err(self.syntax_error());
        }
        let double_quoted = t1.kind == T::DqId;
        Ok((
            Expr::Column {
                schema: None,
                table: None,
                column: self.token_name(t1),
                double_quoted,
            },
            1,
        ))
    }

    /// After `name (`.
    #[inline(never)]
    fn function_call(&mut self, name_tok: crate::lexer::Token) -> PResult<HExpr> {
        let name = self.token_name(name_tok);
        let mut distinct = false;
        let mut h = 1;
        let mut order_by = Vec::new();
        let args = if self.peek() == T::Star {
            self.advance();
            self.expect(T::RParen)?;
            FunctionArgs::Star
        } else {
            if self.eat_kw(Kw::Distinct) {
                distinct = true;
            } else {
                self.eat_kw(Kw::All);
            }
            // `exprlist` may be empty, also before an aggregate ORDER BY.
            let args = if matches!(self.peek(), T::RParen | T::Keyword(Kw::Order)) {
                Vec::new()
            } else {
                let (v, vh) = self.nexprlist_h()?;
                h = vh;
                v
            };
            if self.is_kw(Kw::Order) {
                self.advance();
                self.expect_kw(Kw::By)?;
                order_by = self.sortlist()?;
            }
            self.expect(T::RParen)?;
            if args.len() > MAX_FUNCTION_ARG {
                let text = name_tok.text(self.src);
                return Err(self.error_at(
                    name_tok.start,
                    format!("too many arguments on function {text}"),
                ));
            }
            FunctionArgs::List(args)
        };
        let mut filter = None;
        if self.eat_kw(Kw::Filter) {
            self.expect(T::LParen)?;
            self.expect_kw(Kw::Where)?;
            let (e, fh) = self.parse_expr_h()?;
            h = h.max(fh);
            self.expect(T::RParen)?;
            filter = Some(bx(e));
        }
        let mut over = None;
        if self.eat_kw(Kw::Over) {
            if self.eat(T::LParen) {
                let spec = self.window_spec()?;
                self.expect(T::RParen)?;
                over = Some(Over::Spec(spec));
            } else {
                over = Some(Over::Window(self.nm()?));
            }
        }
        let f = FunctionCall {
            name,
            distinct,
            args,
            order_by,
            filter,
            over,
        };
        Ok((Expr::Function(Box::new(f)), h + 1))
    }

    #[inline(never)]
    fn case_expr(&mut self) -> PResult<HExpr> {
        let mut h = 1;
        let operand = if self.is_kw(Kw::When) {
            None
        } else {
            let (e, eh) = self.parse_expr_h()?;
            h = h.max(eh);
            Some(bx(e))
        };
        let mut when_then = Vec::new();
        self.expect_kw(Kw::When)?;
        loop {
            let (w, wh) = self.parse_expr_h()?;
            self.expect_kw(Kw::Then)?;
            let (t, th) = self.parse_expr_h()?;
            h = h.max(wh).max(th);
            when_then.push((w, t));
            if !self.eat_kw(Kw::When) {
                break;
            }
        }
        let else_expr = if self.eat_kw(Kw::Else) {
            let (e, eh) = self.parse_expr_h()?;
            h = h.max(eh);
            Some(bx(e))
        } else {
            None
        };
        self.expect_kw(Kw::End)?;
        Ok((
            Expr::Case {
                operand,
                when_then,
                else_expr,
            },
            h + 1,
        ))
    }

    /// After `RAISE (`.
    #[inline(never)]
    fn raise_expr(&mut self) -> PResult<HExpr> {
        let action = match self.peek() {
            T::Keyword(Kw::Ignore) => {
                self.advance();
                self.expect(T::RParen)?;
                return Ok((
                    Expr::Raise {
                        action: RaiseAction::Ignore,
                        message: None,
                    },
                    1,
                ));
            }
            T::Keyword(Kw::Rollback) => RaiseAction::Rollback,
            T::Keyword(Kw::Abort) => RaiseAction::Abort,
            T::Keyword(Kw::Fail) => RaiseAction::Fail,
            _ => return Err(self.syntax_error()),
        };
        self.advance();
        self.expect(T::Comma)?;
        let msg = self.nm()?;
        self.expect(T::RParen)?;
        Ok((
            Expr::Raise {
                action,
                message: Some(bx(Expr::Literal(Literal::String(msg)))),
            },
            1,
        ))
    }

    #[inline(never)]
    fn param(&mut self, tok: crate::lexer::Token) -> PResult<Param> {
        let text = tok.text(self.src);
        if text.starts_with('#') && text.as_bytes().get(1).is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.error_at(tok.start, format!("near \"{text}\": syntax error")));
        }
        // sqlite3ExprAssignVarNumber.
        let param = match text.strip_prefix('?') {
            Some("") => {
                self.params.push(None);
                let n = self.params.len() as u32;
                if self.number_anonymous {
                    Param::Numbered(n)
                } else {
                    Param::Anonymous
                }
            }
            Some(digits) => {
                let significant = digits.trim_start_matches('0');
                let n = if significant.is_empty() {
                    0
                } else if significant.len() > 18 {
                    u64::MAX
                } else {
                    significant.parse::<u64>().unwrap_or(u64::MAX)
                };
                if n < 1 || n > MAX_VARIABLE_NUMBER as u64 {
                    return Err(self.error_at(
                        tok.start,
                        format!("variable number must be between ?1 and ?{MAX_VARIABLE_NUMBER}"),
                    ));
                }
                let idx = n as usize - 1;
                if self.params.len() <= idx {
                    self.params.resize(idx + 1, None);
                }
                if self.params[idx].is_none() {
                    self.params[idx] = Some(text.to_string());
                }
                Param::Numbered(n as u32)
            }
            None => {
                if !self.params.iter().any(|p| p.as_deref() == Some(text)) {
                    self.params.push(Some(text.to_string()));
                }
                Param::Named(text.to_string())
            }
        };
        if self.params.len() > MAX_VARIABLE_NUMBER as usize {
            return Err(self.error_at(tok.start, "too many SQL variables"));
        }
        Ok(param)
    }
}
