//! JSON text parser (RFC 8259 plus the JSON5 extensions SQLite 3.45+
//! accepts) producing a `Node` tree in canonical form.
//!
//! JSON5 accepted: comments, extra whitespace, single-quoted strings, JSON5
//! escapes (\x, \v, \0, \', line continuation), unquoted identifier keys,
//! trailing commas, hex integers, leading '+', leading/trailing '.',
//! Infinity and NaN. Those forms are rewritten to plain JSON in the tree (so
//! `json()` prints them as SQLite does) and set `nonstd` (json_valid flag 1
//! rejects them).
//!
//! Invariants: nesting deeper than `MAX_DEPTH` is an error (never a stack
//! overflow); an error carries the byte offset SQLite reports for it
//! (converted to a character position by json_error_position()).

use super::node::{Node, MAX_DEPTH};

pub struct Parsed {
    pub node: Node,
    /// JSON5 extensions were used.
    pub nonstd: bool,
}

/// Parses a whole JSON text; `Err(byte offset of the error)`.
pub fn parse(text: &str) -> Result<Parsed, usize> {
    let mut p = Parser { s: text.as_bytes(), src: text, i: 0, depth: 0, nonstd: false };
    p.ws()?;
    let node = p.value()?;
    p.ws()?;
    if p.i < p.s.len() {
        return Err(0); // SQLite reports trailing text at offset 0
    }
    Ok(Parsed { node, nonstd: p.nonstd })
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    depth: usize,
    nonstd: bool,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}
fn is_ident_cont(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Skips whitespace and (JSON5) comments.
    fn ws(&mut self) -> Result<(), usize> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.i += 1,
                Some(0x0b | 0x0c) => {
                    self.nonstd = true;
                    self.i += 1
                }
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'*') => {
                    let start = self.i;
                    match self.src[self.i + 2..].find("*/") {
                        Some(k) => self.i += 2 + k + 2,
                        None => return Err(start),
                    }
                    self.nonstd = true;
                }
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'/') => {
                    match self.src[self.i..].find('\n') {
                        Some(k) => self.i += k + 1,
                        None => self.i = self.s.len(),
                    }
                    self.nonstd = true;
                }
                Some(c) if c >= 0x80 => {
                    let ch = self.src[self.i..].chars().next().unwrap_or('x');
                    if matches!(ch, '\u{a0}' | '\u{feff}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}') {
                        self.i += ch.len_utf8();
                        self.nonstd = true;
                    } else {
                        return Ok(());
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self) -> Result<Node, usize> {
        let Some(c) = self.peek() else { return Err(self.i) };
        match c {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' | b'\'' => Ok(Node::Str(self.string()?)),
            b't' if self.s[self.i..].starts_with(b"true") && !self.ident_follows(4) => {
                self.i += 4;
                Ok(Node::True)
            }
            b'f' if self.s[self.i..].starts_with(b"false") && !self.ident_follows(5) => {
                self.i += 5;
                Ok(Node::False)
            }
            b'n' if self.s[self.i..].starts_with(b"null") && !self.ident_follows(4) => {
                self.i += 4;
                Ok(Node::Null)
            }
            b'N' if self.s[self.i..].starts_with(b"NaN") && !self.ident_follows(3) => {
                self.i += 3;
                self.nonstd = true;
                Ok(Node::Null)
            }
            b'I' if self.s[self.i..].starts_with(b"Infinity") && !self.ident_follows(8) => {
                self.i += 8;
                self.nonstd = true;
                Ok(Node::Real("9e999".into()))
            }
            b'-' | b'+' | b'.' | b'0'..=b'9' => self.number(),
            _ => Err(self.i),
        }
    }

    fn ident_follows(&self, n: usize) -> bool {
        self.src.get(self.i + n..).and_then(|r| r.chars().next()).is_some_and(is_ident_cont)
    }

    fn enter(&mut self) -> Result<(), usize> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.i);
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Node, usize> {
        self.enter()?;
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.ws()?;
            if self.peek() == Some(b']') {
                if !items.is_empty() {
                    self.nonstd = true; // trailing comma
                }
                self.i += 1;
                break;
            }
            items.push(self.value()?);
            self.ws()?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                _ => return Err(self.i),
            }
        }
        self.depth -= 1;
        Ok(Node::Arr(items))
    }

    fn object(&mut self) -> Result<Node, usize> {
        self.enter()?;
        self.i += 1;
        let mut members = Vec::new();
        loop {
            self.ws()?;
            let key = match self.peek() {
                Some(b'}') => {
                    if !members.is_empty() {
                        self.nonstd = true;
                    }
                    self.i += 1;
                    break;
                }
                Some(b'"' | b'\'') => self.string()?,
                _ => {
                    let rest = &self.src[self.i..];
                    let mut it = rest.char_indices();
                    match it.next() {
                        Some((_, c)) if is_ident_start(c) => {}
                        _ => return Err(self.i),
                    }
                    let end = it.find(|&(_, c)| !is_ident_cont(c)).map_or(rest.len(), |(k, _)| k);
                    self.nonstd = true;
                    let k = rest[..end].to_string();
                    self.i += end;
                    k
                }
            };
            self.ws()?;
            if self.peek() != Some(b':') {
                return Err(self.i);
            }
            self.i += 1;
            self.ws()?;
            let v = self.value()?;
            members.push((key, v));
            self.ws()?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                _ => return Err(self.i),
            }
        }
        self.depth -= 1;
        Ok(Node::Obj(members))
    }

    /// A string literal; returns its canonical escaped inner text.
    fn string(&mut self) -> Result<String, usize> {
        let start = self.i;
        let delim = self.s[self.i];
        if delim == b'\'' {
            self.nonstd = true;
        }
        self.i += 1;
        let mut out = String::new();
        let mut run = self.i;
        loop {
            let Some(c) = self.peek() else { return Err(start) };
            if c == delim {
                out.push_str(&self.src[run..self.i]);
                self.i += 1;
                return Ok(out);
            }
            if c == b'"' {
                // only inside a single-quoted string
                out.push_str(&self.src[run..self.i]);
                out.push_str("\\\"");
                self.i += 1;
                run = self.i;
                continue;
            }
            if c < 0x20 {
                if c == 0 {
                    return Err(self.i);
                }
                // raw control characters: accepted as JSON5 and escaped
                self.nonstd = true;
                out.push_str(&self.src[run..self.i]);
                super::node::escape_into(&(c as char).to_string(), &mut out);
                self.i += 1;
                run = self.i;
                continue;
            }
            if c != b'\\' {
                self.i += 1;
                continue;
            }
            let esc = self.i;
            let Some(e) = self.s.get(self.i + 1).copied() else { return Err(esc) };
            match e {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                b'u' => {
                    let ok = self.s.get(self.i + 2..self.i + 6).is_some_and(|h| h.iter().all(|b| b.is_ascii_hexdigit()));
                    if !ok {
                        return Err(esc);
                    }
                    self.i += 6;
                }
                _ => {
                    // JSON5 escapes: rewritten to plain JSON
                    self.nonstd = true;
                    out.push_str(&self.src[run..esc]);
                    match e {
                        b'\'' => {
                            out.push('\'');
                            self.i += 2;
                        }
                        b'v' => {
                            // kept as \v: rendered as SQLite renders it
                            // (\u0009), decoded as U+000B (see node.rs)
                            out.push_str("\\v");
                            self.i += 2;
                        }
                        b'0' if !self.s.get(self.i + 2).is_some_and(|b| b.is_ascii_digit()) => {
                            out.push_str("\\u0000");
                            self.i += 2;
                        }
                        b'x' => {
                            let h = self.s.get(self.i + 2..self.i + 4).filter(|h| h.iter().all(|b| b.is_ascii_hexdigit()));
                            let Some(h) = h else { return Err(esc) };
                            out.push_str("\\u00");
                            out.push_str(&std::str::from_utf8(h).unwrap_or("00").to_ascii_lowercase());
                            self.i += 4;
                        }
                        b'\r' => {
                            self.i += 2;
                            if self.peek() == Some(b'\n') {
                                self.i += 1;
                            }
                        }
                        b'\n' => self.i += 2,
                        _ => {
                            let ch = self.src[self.i + 1..].chars().next().unwrap_or('x');
                            if ch == '\u{2028}' || ch == '\u{2029}' {
                                self.i += 1 + ch.len_utf8();
                            } else {
                                return Err(esc);
                            }
                        }
                    }
                    run = self.i;
                }
            }
        }
    }

    fn number(&mut self) -> Result<Node, usize> {
        let start = self.i;
        let mut neg = false;
        match self.peek() {
            Some(b'-') => {
                neg = true;
                self.i += 1
            }
            Some(b'+') => {
                self.nonstd = true;
                self.i += 1
            }
            _ => {}
        }
        let sign = if neg { "-" } else { "" };
        if self.s[self.i..].starts_with(b"Infinity") && !self.ident_follows(8) {
            self.i += 8;
            self.nonstd = true;
            return Ok(Node::Real(format!("{sign}9e999")));
        }
        // hex integer
        if self.peek() == Some(b'0') && matches!(self.s.get(self.i + 1), Some(b'x' | b'X')) {
            let h0 = self.i + 2;
            let mut j = h0;
            while j < self.s.len() && self.s[j].is_ascii_hexdigit() {
                j += 1;
            }
            if j == h0 {
                return Err(start);
            }
            self.nonstd = true;
            self.i = j;
            let digits = &self.src[h0..j];
            let t = digits.trim_start_matches('0');
            // value as a (possibly huge) integer rendered in decimal
            let text = if t.len() <= 16 {
                let v = u64::from_str_radix(if t.is_empty() { "0" } else { t }, 16).unwrap_or(0);
                if v > i64::MAX as u64 && !neg {
                    // SQLite renders big hex via real
                    return Ok(Node::Real(format!("{}", v as f64)));
                }
                format!("{sign}{v}")
            } else {
                let mut r = 0f64;
                for b in t.bytes() {
                    r = r * 16.0 + (b as char).to_digit(16).unwrap_or(0) as f64;
                }
                return Ok(Node::Real(format!("{sign}{r:e}")));
            };
            return Ok(Node::Int(text));
        }
        let int0 = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        let int_digits = &self.src[int0..self.i];
        if int_digits.len() > 1 && int_digits.starts_with('0') {
            return Err(start);
        }
        let mut real = false;
        let mut text = String::from(sign);
        if int_digits.is_empty() {
            if self.peek() != Some(b'.') {
                return Err(start);
            }
            self.nonstd = true;
            text.push('0');
        } else {
            text.push_str(int_digits);
        }
        if self.peek() == Some(b'.') {
            real = true;
            self.i += 1;
            let f0 = self.i;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.i += 1;
            }
            text.push('.');
            if f0 == self.i {
                if int_digits.is_empty() {
                    return Err(start);
                }
                self.nonstd = true;
                text.push('0');
            } else {
                text.push_str(&self.src[f0..self.i]);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            real = true;
            let e0 = self.i;
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let d0 = self.i;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.i += 1;
            }
            if d0 == self.i {
                return Err(start);
            }
            text.push_str(&self.src[e0..self.i]);
        }
        Ok(if real { Node::Real(text) } else { Node::Int(text) })
    }
}
