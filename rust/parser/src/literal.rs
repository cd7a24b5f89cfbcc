//! Conversions from token text to values: dequoting, numbers, blobs.
//!
//! Owns: SQLite's rules for turning literal token text into values.
//! - Dequote (sqlite3Dequote): `'..'`, `".."`, `` `..` `` drop the quotes and
//!   undouble the inner quote; `[..]` drops the brackets (no escape).
//! - Decimal integer: i64 when it fits, otherwise the text read as a real
//!   (SQLite's codeInteger/codeReal); `9223372036854775808` is flagged so a
//!   unary minus in front of it can make i64::MIN.
//! - Hex integer: up to 16 significant hex digits, read as the 64-bit two's
//!   complement pattern; more is "hex literal too big".
//! - Real: Rust's correctly rounded parse (overflow gives +inf as SQLite).
//! - Blob `x'..'`: pairs of hex digits (the lexer already checked them).

/// Remove SQLite quoting from an identifier or string token's text.
pub fn dequote(text: &str) -> String {
    let b = text.as_bytes();
    if b.is_empty() {
        return String::new();
    }
    match b[0] {
        b'[' => text[1..text.len().saturating_sub(1).max(1)].to_string(),
        q @ (b'\'' | b'"' | b'`') => {
            let inner = &text[1..text.len().saturating_sub(1).max(1)];
            let qs = q as char;
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars().peekable();
            while let Some(c) = chars.next() {
                out.push(c);
                if c == qs && chars.peek() == Some(&qs) {
                    chars.next();
                }
            }
            out
        }
        _ => text.to_string(),
    }
}

/// The value of an INTEGER token.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IntValue {
    Int(i64),
    /// A decimal too large for i64; `exactly_2_63` marks 9223372036854775808.
    Real {
        value: f64,
        exactly_2_63: bool,
    },
    /// A hex literal with more than 16 significant digits.
    HexTooBig,
}

pub fn integer_value(text: &str) -> IntValue {
    let b = text.as_bytes();
    if b.len() > 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') {
        let digits = text[2..].trim_start_matches('0');
        if digits.len() > 16 {
            return IntValue::HexTooBig;
        }
        let mut v: u64 = 0;
        for c in digits.bytes() {
            let d = (c as char).to_digit(16).unwrap_or(0) as u64;
            v = (v << 4) | d;
        }
        return IntValue::Int(v as i64);
    }
    let mut v: i64 = 0;
    for c in b {
        let d = (c - b'0') as i64;
        match v.checked_mul(10).and_then(|x| x.checked_add(d)) {
            Some(n) => v = n,
            None => {
                let digits = text.trim_start_matches('0');
                return IntValue::Real {
                    value: real_value(text),
                    exactly_2_63: digits == "9223372036854775808",
                };
            }
        }
    }
    IntValue::Int(v)
}

/// The value of a FLOAT token (or of an overflowing decimal INTEGER).
pub fn real_value(text: &str) -> f64 {
    text.parse::<f64>().unwrap_or(0.0)
}

/// The bytes of a BLOB token `x'..'`.
pub fn blob_value(text: &str) -> Vec<u8> {
    let hex = text
        .as_bytes()
        .get(2..text.len().saturating_sub(1))
        .unwrap_or(&[]);
    let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
    hex.chunks_exact(2)
        .map(|p| (digit(p[0]) << 4) | digit(p[1]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dequoting() {
        assert_eq!(dequote("'a''b'"), "a'b");
        assert_eq!(dequote("\"a\"\"b\""), "a\"b");
        assert_eq!(dequote("`a``b`"), "a`b");
        assert_eq!(dequote("[a b]"), "a b");
        assert_eq!(dequote("[]"), "");
        assert_eq!(dequote("''"), "");
        assert_eq!(dequote("plain"), "plain");
        assert_eq!(dequote("'é'"), "é");
    }

    #[test]
    fn integers() {
        assert_eq!(integer_value("0"), IntValue::Int(0));
        assert_eq!(
            integer_value("9223372036854775807"),
            IntValue::Int(i64::MAX)
        );
        assert_eq!(
            integer_value("9223372036854775808"),
            IntValue::Real {
                value: 9223372036854775808.0,
                exactly_2_63: true
            }
        );
        assert_eq!(
            integer_value("00009223372036854775808"),
            IntValue::Real {
                value: 9223372036854775808.0,
                exactly_2_63: true
            }
        );
        assert_eq!(
            integer_value("9223372036854775809"),
            IntValue::Real {
                value: 9223372036854775809.0,
                exactly_2_63: false
            }
        );
        assert_eq!(integer_value("0x7fffffffffffffff"), IntValue::Int(i64::MAX));
        assert_eq!(integer_value("0xffffffffffffffff"), IntValue::Int(-1));
        assert_eq!(integer_value("0x8000000000000000"), IntValue::Int(i64::MIN));
        assert_eq!(integer_value("0x0000000000000000001"), IntValue::Int(1));
        assert_eq!(integer_value("0x10000000000000000"), IntValue::HexTooBig);
    }

    #[test]
    fn reals_and_blobs() {
        assert_eq!(real_value("1e400"), f64::INFINITY);
        assert_eq!(real_value(".5"), 0.5);
        assert_eq!(real_value("5."), 5.0);
        assert_eq!(real_value("1E+2"), 100.0);
        assert_eq!(blob_value("x'0aFF'"), vec![0x0a, 0xff]);
        assert_eq!(blob_value("X''"), Vec::<u8>::new());
    }
}
