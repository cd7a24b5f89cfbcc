//! The tokenizer: SQL text -> tokens, following SQLite's tokenize.c.
//!
//! Owns: token kinds and the rules that split text into tokens. A token is
//! a kind plus a byte range `start..end` into the input; the text is never
//! copied here (dequoting and number conversion live in `literal`).
//!
//! Rules (as SQLite 3.45 without digit separators):
//! - Whitespace is ` \t\n\f\r` and a UTF-8 byte-order mark at a token
//!   start; `-- ...` runs to end of line; `/* ... */`
//!   runs to `*/` or to end of input (an unterminated block comment is fine).
//! - A NUL byte ends the input, as it does for SQLite's C strings.
//! - `'...'` is a string, `"..."` and `` `...` `` are quoted identifiers (the
//!   quote doubled inside escapes it), `[...]` is a quoted identifier with no
//!   escape. An unterminated one is an Illegal token running to end of input.
//! - `x'hex'`: a blob; odd length or a non-hex digit makes it Illegal.
//! - Numbers: `0x` + hex digits; digits [`.` digits] [e[+-]digits]; `.5`.
//!   An identifier character right after a number makes the whole run one
//!   Illegal token (`123abc`, `1_000`, `0x`).
//! - Parameters: `?` digits*; `:`, `@`, `#`, `$` followed by identifier
//!   characters, with Tcl-style `::` and a `(...)` suffix; no name -> Illegal.
//! - Identifier characters: ASCII letters, digits, `_`, `$` and every byte
//!   of value 0x80 or more (so UTF-8 names work). A word is a keyword if
//!   `keywords::lookup` knows it.
//!
//! Invariant: every token has start < end except `Eof` (start == end); the
//! ranges of successive tokens never overlap and lie on char boundaries.

use crate::keywords::{self, Kw};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Unquoted non-keyword word.
    Id,
    /// `"name"`
    DqId,
    /// `[name]` or `` `name` ``
    QuotedId,
    Keyword(Kw),
    /// `'text'`
    String,
    /// `x'0a0b'`
    Blob,
    Integer,
    Float,
    /// `?`, `?NNN`, `:name`, `@name`, `#name`, `$name`
    Variable,
    Semi,
    LParen,
    RParen,
    Comma,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    Rem,
    /// `=` or `==`
    Eq,
    /// `!=` or `<>`
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LShift,
    RShift,
    BitAnd,
    BitOr,
    BitNot,
    Concat,
    /// `->`
    Ptr,
    /// `->>`
    Ptr2,
    /// A character or run SQLite does not recognize.
    Illegal,
    Eof,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }
}

/// True for bytes that may continue an identifier.
#[inline]
pub fn is_id_char(b: u8) -> bool {
    ID_CHAR[b as usize]
}

/// `is_id_char` as a table: ASCII letters and digits, `_`, `$`, 0x80..=0xff.
static ID_CHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
        i += 1;
    }
    t
};

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0c | b'\r')
}

#[derive(Clone)]
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Effective end of input: the first NUL byte or the length.
    end: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Lexer<'a> {
        Lexer::at(src, 0)
    }

    /// A lexer starting at byte `pos` (a char boundary) of `src`.
    pub fn at(src: &'a str, pos: usize) -> Lexer<'a> {
        let bytes = src.as_bytes();
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        Lexer {
            src: bytes,
            pos: pos.min(end),
            end,
        }
    }

    pub fn input_end(&self) -> usize {
        self.end
    }

    fn byte(&self, i: usize) -> u8 {
        if i < self.end {
            self.src[i]
        } else {
            0
        }
    }

    /// The next non-space, non-comment token (`Eof` at the end, repeatedly).
    pub fn next_token(&mut self) -> Token {
        loop {
            let start = self.pos;
            if start >= self.end {
                return Token {
                    kind: TokenKind::Eof,
                    start: self.end,
                    end: self.end,
                };
            }
            let (kind, len) = self.scan(start);
            debug_assert!(len > 0);
            self.pos = start + len;
            if let Some(kind) = kind {
                return Token {
                    kind,
                    start,
                    end: start + len,
                };
            }
        }
    }

    /// Scan one token at `i`; `None` kind means whitespace or comment.
    fn scan(&self, i: usize) -> (Option<TokenKind>, usize) {
        use TokenKind as T;
        let c = self.byte(i);
        let c1 = self.byte(i + 1);
        let one = |k| (Some(k), 1);
        match c {
            b' ' | b'\t' | b'\n' | 0x0c | b'\r' => {
                let mut j = i + 1;
                while is_space(self.byte(j)) || self.byte(j) == 0x0b {
                    j += 1;
                }
                (None, j - i)
            }
            b'-' => {
                if c1 == b'-' {
                    let mut j = i + 2;
                    while j < self.end && self.src[j] != b'\n' {
                        j += 1;
                    }
                    (None, j - i)
                } else if c1 == b'>' {
                    if self.byte(i + 2) == b'>' {
                        (Some(T::Ptr2), 3)
                    } else {
                        (Some(T::Ptr), 2)
                    }
                } else {
                    one(T::Minus)
                }
            }
            b'(' => one(T::LParen),
            b')' => one(T::RParen),
            b';' => one(T::Semi),
            b'+' => one(T::Plus),
            b'*' => one(T::Star),
            b'/' => {
                if c1 != b'*' {
                    return one(T::Slash);
                }
                let mut j = i + 2;
                while j < self.end && !(self.src[j] == b'*' && self.byte(j + 1) == b'/') {
                    j += 1;
                }
                if j < self.end {
                    j += 2;
                }
                (None, j - i)
            }
            b'%' => one(T::Rem),
            b'=' => (Some(T::Eq), if c1 == b'=' { 2 } else { 1 }),
            b'<' => match c1 {
                b'=' => (Some(T::Le), 2),
                b'>' => (Some(T::Ne), 2),
                b'<' => (Some(T::LShift), 2),
                _ => one(T::Lt),
            },
            b'>' => match c1 {
                b'=' => (Some(T::Ge), 2),
                b'>' => (Some(T::RShift), 2),
                _ => one(T::Gt),
            },
            b'!' => {
                if c1 == b'=' {
                    (Some(T::Ne), 2)
                } else {
                    one(T::Illegal)
                }
            }
            b'|' => {
                if c1 == b'|' {
                    (Some(T::Concat), 2)
                } else {
                    one(T::BitOr)
                }
            }
            b',' => one(T::Comma),
            b'&' => one(T::BitAnd),
            b'~' => one(T::BitNot),
            b'\'' | b'"' | b'`' => self.scan_quoted(i, c),
            b'[' => {
                let mut j = i + 1;
                while j < self.end && self.src[j] != b']' {
                    j += 1;
                }
                if j < self.end {
                    (Some(T::QuotedId), j + 1 - i)
                } else {
                    (Some(T::Illegal), j - i)
                }
            }
            b'.' => {
                if c1.is_ascii_digit() {
                    self.scan_number(i)
                } else {
                    one(T::Dot)
                }
            }
            b'0'..=b'9' => self.scan_number(i),
            b'?' => {
                let mut j = i + 1;
                while self.byte(j).is_ascii_digit() {
                    j += 1;
                }
                (Some(T::Variable), j - i)
            }
            b'$' | b'@' | b':' | b'#' => self.scan_named_variable(i),
            b'x' | b'X' if c1 == b'\'' => {
                let mut j = i + 2;
                while self.byte(j).is_ascii_hexdigit() {
                    j += 1;
                }
                let mut kind = T::Blob;
                if self.byte(j) != b'\'' || (j - i) % 2 == 1 {
                    kind = T::Illegal;
                    while j < self.end && self.src[j] != b'\'' {
                        j += 1;
                    }
                }
                if j < self.end {
                    j += 1;
                }
                (Some(kind), j - i)
            }
            // A UTF-8 byte-order mark at a token start is whitespace (CC_BOM).
            0xef if c1 == 0xbb && self.byte(i + 2) == 0xbf => (None, 3),
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let mut j = i + 1;
                while is_id_char(self.byte(j)) {
                    j += 1;
                }
                (Some(self.classify_word(i, j)), j - i)
            }
            _ => one(T::Illegal),
        }
    }

    fn scan_quoted(&self, i: usize, q: u8) -> (Option<TokenKind>, usize) {
        let mut j = i + 1;
        while j < self.end {
            if self.src[j] == q {
                if self.byte(j + 1) == q {
                    j += 2;
                    continue;
                }
                let kind = match q {
                    b'\'' => TokenKind::String,
                    b'"' => TokenKind::DqId,
                    _ => TokenKind::QuotedId,
                };
                return (Some(kind), j + 1 - i);
            }
            j += 1;
        }
        (Some(TokenKind::Illegal), j - i)
    }

    fn scan_number(&self, i: usize) -> (Option<TokenKind>, usize) {
        let mut kind = TokenKind::Integer;
        let mut j;
        if self.byte(i) == b'0'
            && matches!(self.byte(i + 1), b'x' | b'X')
            && self.byte(i + 2).is_ascii_hexdigit()
        {
            // As tokenize.c: a hex literal ends at the first non-hex digit.
            j = i + 3;
            while self.byte(j).is_ascii_hexdigit() {
                j += 1;
            }
            return (Some(kind), j - i);
        } else {
            j = i;
            while self.byte(j).is_ascii_digit() {
                j += 1;
            }
            if self.byte(j) == b'.' {
                kind = TokenKind::Float;
                j += 1;
                while self.byte(j).is_ascii_digit() {
                    j += 1;
                }
            }
            if matches!(self.byte(j), b'e' | b'E')
                && (self.byte(j + 1).is_ascii_digit()
                    || (matches!(self.byte(j + 1), b'+' | b'-')
                        && self.byte(j + 2).is_ascii_digit()))
            {
                kind = TokenKind::Float;
                j += 2;
                while self.byte(j).is_ascii_digit() {
                    j += 1;
                }
            }
        }
        while is_id_char(self.byte(j)) {
            kind = TokenKind::Illegal;
            j += 1;
        }
        (Some(kind), j - i)
    }

    fn scan_named_variable(&self, i: usize) -> (Option<TokenKind>, usize) {
        let mut kind = TokenKind::Variable;
        let mut n = 0;
        let mut j = i + 1;
        while j < self.end {
            let c = self.src[j];
            if is_id_char(c) {
                n += 1;
                j += 1;
            } else if c == b'(' && n > 0 {
                j += 1;
                while j < self.end && !is_space(self.src[j]) && self.src[j] != b')' {
                    j += 1;
                }
                if self.byte(j) == b')' {
                    j += 1;
                } else {
                    kind = TokenKind::Illegal;
                }
                break;
            } else if c == b':' && self.byte(j + 1) == b':' {
                j += 2;
            } else {
                break;
            }
        }
        if n == 0 {
            kind = TokenKind::Illegal;
        }
        (Some(kind), j - i)
    }

    fn classify_word(&self, i: usize, j: usize) -> TokenKind {
        const MAX_KW: usize = 17; // CURRENT_TIMESTAMP
        let len = j - i;
        if len > MAX_KW {
            return TokenKind::Id;
        }
        let mut buf = [0u8; MAX_KW];
        for (d, s) in buf.iter_mut().zip(&self.src[i..j]) {
            *d = s.to_ascii_uppercase();
        }
        match keywords::lookup(&buf[..len]) {
            Some(k) => TokenKind::Keyword(k),
            None => TokenKind::Id,
        }
    }
}

/// All tokens of `src` up to and excluding Eof (for tests and tools).
pub fn tokenize(src: &str) -> Vec<Token> {
    let mut lx = Lexer::new(src);
    let mut out = Vec::new();
    loop {
        let t = lx.next_token();
        if t.kind == TokenKind::Eof {
            return out;
        }
        out.push(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind as T;

    fn kinds(s: &str) -> Vec<(TokenKind, &str)> {
        tokenize(s)
            .into_iter()
            .map(|t| (t.kind, &s[t.start..t.end]))
            .collect()
    }

    #[test]
    fn operators() {
        let k: Vec<_> = kinds("= == != <> < <= > >= << >> & | || ~ -> ->> + - * / % , . ; ( )")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            k,
            vec![
                T::Eq,
                T::Eq,
                T::Ne,
                T::Ne,
                T::Lt,
                T::Le,
                T::Gt,
                T::Ge,
                T::LShift,
                T::RShift,
                T::BitAnd,
                T::BitOr,
                T::Concat,
                T::BitNot,
                T::Ptr,
                T::Ptr2,
                T::Plus,
                T::Minus,
                T::Star,
                T::Slash,
                T::Rem,
                T::Comma,
                T::Dot,
                T::Semi,
                T::LParen,
                T::RParen
            ]
        );
    }

    #[test]
    fn comments_and_space() {
        assert_eq!(
            kinds("a -- x\n b /* c */ c /* open"),
            vec![(T::Id, "a"), (T::Id, "b"), (T::Id, "c")]
        );
        assert_eq!(kinds("a--"), vec![(T::Id, "a")]);
        assert_eq!(kinds("1/**/2"), vec![(T::Integer, "1"), (T::Integer, "2")]);
    }

    #[test]
    fn numbers() {
        assert_eq!(
            kinds("1 1.5 .5 5. 1e10 1E+5 1e-5 0x1F 0XAB"),
            vec![
                (T::Integer, "1"),
                (T::Float, "1.5"),
                (T::Float, ".5"),
                (T::Float, "5."),
                (T::Float, "1e10"),
                (T::Float, "1E+5"),
                (T::Float, "1e-5"),
                (T::Integer, "0x1F"),
                (T::Integer, "0XAB")
            ]
        );
        assert_eq!(kinds("1_000"), vec![(T::Illegal, "1_000")]);
        assert_eq!(kinds("123abc"), vec![(T::Illegal, "123abc")]);
        assert_eq!(kinds("0x"), vec![(T::Illegal, "0x")]);
        assert_eq!(kinds("0x1g"), vec![(T::Integer, "0x1"), (T::Id, "g")]);
        assert_eq!(kinds("1e"), vec![(T::Illegal, "1e")]);
        assert_eq!(kinds("1e+"), vec![(T::Illegal, "1e"), (T::Plus, "+")]);
        assert_eq!(kinds("1.2.3"), vec![(T::Float, "1.2"), (T::Float, ".3")]);
    }

    #[test]
    fn strings_and_identifiers() {
        assert_eq!(
            kinds("'a''b' \"c\"\"d\" [e f] `g``h`"),
            vec![
                (T::String, "'a''b'"),
                (T::DqId, "\"c\"\"d\""),
                (T::QuotedId, "[e f]"),
                (T::QuotedId, "`g``h`")
            ]
        );
        assert_eq!(kinds("'abc"), vec![(T::Illegal, "'abc")]);
        assert_eq!(kinds("[abc"), vec![(T::Illegal, "[abc")]);
        assert_eq!(
            kinds("select SeLeCt _x1 x$y été"),
            vec![
                (T::Keyword(Kw::Select), "select"),
                (T::Keyword(Kw::Select), "SeLeCt"),
                (T::Id, "_x1"),
                (T::Id, "x$y"),
                (T::Id, "été")
            ]
        );
    }

    #[test]
    fn blobs() {
        assert_eq!(
            kinds("x'0aFF' X''"),
            vec![(T::Blob, "x'0aFF'"), (T::Blob, "X''")]
        );
        assert_eq!(kinds("x'0aF'"), vec![(T::Illegal, "x'0aF'")]);
        assert_eq!(kinds("x'zz'"), vec![(T::Illegal, "x'zz'")]);
        assert_eq!(kinds("x'ab"), vec![(T::Illegal, "x'ab")]);
        assert_eq!(kinds("xy"), vec![(T::Id, "xy")]);
    }

    #[test]
    fn variables() {
        assert_eq!(
            kinds("? ?12 :a @b $c #d $a::b $x(y z) :"),
            vec![
                (T::Variable, "?"),
                (T::Variable, "?12"),
                (T::Variable, ":a"),
                (T::Variable, "@b"),
                (T::Variable, "$c"),
                (T::Variable, "#d"),
                (T::Variable, "$a::b"),
                (T::Illegal, "$x(y"),
                (T::Id, "z"),
                (T::RParen, ")"),
                (T::Illegal, ":")
            ]
        );
        assert_eq!(kinds("$x(y)"), vec![(T::Variable, "$x(y)")]);
    }

    #[test]
    fn byte_order_mark_is_space_at_token_start() {
        assert_eq!(
            kinds("\u{feff}SELECT 1"),
            vec![(T::Keyword(Kw::Select), "SELECT"), (T::Integer, "1")]
        );
        assert_eq!(kinds("a\u{feff}b"), vec![(T::Id, "a\u{feff}b")]);
    }

    #[test]
    fn illegal_and_nul() {
        assert_eq!(
            kinds("a ! b ^"),
            vec![
                (T::Id, "a"),
                (T::Illegal, "!"),
                (T::Id, "b"),
                (T::Illegal, "^")
            ]
        );
        assert_eq!(kinds("a\0b"), vec![(T::Id, "a")]);
    }
}
