//! Text <-> number conversions with SQLite's exact rules.
//!
//! - `parse_numeric`: does a whole text (leading/trailing spaces allowed)
//!   look like a number?  Used by NUMERIC/INTEGER/REAL affinity.
//! - `numeric_prefix`: the number formed by the longest numeric prefix
//!   (used by arithmetic on text and by CAST), `'12abc'` -> 12.
//! - `format_real`: SQLite's `%!.15g` rendering of a REAL as text
//!   (`1.0`, `0.1`, `1.0e+20`, `-inf` as `-Inf`).
//!
//! Invariants: never panics on any input; integers that do not fit i64 are
//! returned as reals, as SQLite does.

/// A parsed number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    Int(i64),
    Real(f64),
}

/// Scans the numeric prefix of `s` (after leading spaces). Returns the number,
/// the byte length consumed (0 = no number) and whether it had a '.' or exponent.
fn scan(s: &[u8]) -> (Num, usize, bool) {
    let mut i = 0;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    let start = i;
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let digits_start = i;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
    }
    let int_end = i;
    let mut n_digits = int_end - digits_start;
    let mut is_real = false;
    if i < s.len() && s[i] == b'.' {
        let mut j = i + 1;
        while j < s.len() && s[j].is_ascii_digit() {
            j += 1;
        }
        let frac = j - (i + 1);
        if n_digits + frac > 0 {
            is_real = true;
            n_digits += frac;
            i = j;
        }
    }
    if n_digits == 0 {
        return (Num::Int(0), 0, false);
    }
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        let mut j = i + 1;
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            j += 1;
        }
        let es = j;
        while j < s.len() && s[j].is_ascii_digit() {
            j += 1;
        }
        if j > es {
            is_real = true;
            i = j;
        }
    }
    let text = std::str::from_utf8(&s[start..i]).unwrap_or("0");
    if !is_real {
        let digits = &s[digits_start..int_end];
        // Parse as u64 magnitude, then check the i64 range.
        let mut mag: u128 = 0;
        let mut overflow = false;
        for &d in digits {
            mag = mag * 10 + u128::from(d - b'0');
            if mag > 9_223_372_036_854_775_808 {
                overflow = true;
                break;
            }
        }
        if !overflow {
            if neg {
                return (Num::Int((mag as i128).wrapping_neg() as i64), i, false);
            } else if mag <= i64::MAX as u128 {
                return (Num::Int(mag as i64), i, false);
            }
        }
        let r: f64 = text.parse().unwrap_or(0.0);
        return (Num::Real(r), i, true);
    }
    let r: f64 = text.parse().unwrap_or(0.0);
    (Num::Real(r), i, true)
}

#[inline]
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// The whole text is a number (spaces around allowed). `Real` when it has a
/// '.', an exponent or does not fit i64.
pub fn parse_numeric(s: &str) -> Option<Num> {
    let b = s.as_bytes();
    let (n, len, _) = scan(b);
    if len == 0 {
        return None;
    }
    if b[len..].iter().all(|&c| is_space(c)) {
        Some(n)
    } else {
        None
    }
}

/// The number of the longest numeric prefix (0 when there is none).
pub fn numeric_prefix(s: &[u8]) -> Num {
    scan(s).0
}

/// True when the text is a whole number (for the integer-only variant).
pub fn prefix_len(s: &[u8]) -> usize {
    scan(s).1
}

/// CAST(text AS INTEGER): the integer prefix; a real prefix is truncated.
pub fn text_to_int(s: &[u8]) -> i64 {
    match scan(s).0 {
        Num::Int(i) => i,
        Num::Real(r) => real_to_int(r),
    }
}

/// CAST(text AS REAL).
pub fn text_to_real(s: &[u8]) -> f64 {
    match scan(s).0 {
        Num::Int(i) => i as f64,
        Num::Real(r) => r,
    }
}

/// Real -> integer as SQLite (saturating, NaN -> 0).
pub fn real_to_int(r: f64) -> i64 {
    if r.is_nan() {
        0
    } else if r <= -9.223372036854775808e18 {
        i64::MIN
    } else if r >= 9.223372036854775807e18 {
        i64::MAX
    } else {
        r as i64
    }
}

/// If `r` is an integral value that round-trips through i64, that integer.
pub fn real_as_exact_int(r: f64) -> Option<i64> {
    if r.fract() == 0.0 && r > -9.223372036854775808e18 && r < 9.223372036854775807e18 {
        let i = r as i64;
        if i as f64 == r {
            return Some(i);
        }
    }
    None
}

/// SQLite's `%!.15g` rendering of a real.
pub fn format_real(r: f64) -> String {
    let mut out = String::new();
    format_real_into(r, 15, &mut out);
    out
}

/// `%!.<prec>g` into `out`.
pub fn format_real_into(r: f64, prec: usize, out: &mut String) {
    if r.is_nan() {
        out.push_str("NaN");
        return;
    }
    if r.is_infinite() {
        out.push_str(if r < 0.0 { "-Inf" } else { "Inf" });
        return;
    }
    if r == 0.0 {
        out.push_str(if r.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    let prec = prec.max(1);
    // Scientific representation with prec significant digits.
    let sci = format!("{:.*e}", prec - 1, r);
    let (mant, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    if neg {
        out.push('-');
    }
    if exp < -4 || exp >= prec as i32 {
        out.push_str(&digits[..1]);
        out.push('.');
        if digits.len() > 1 {
            out.push_str(&digits[1..]);
        } else {
            out.push('0');
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let ea = exp.unsigned_abs();
        if ea < 10 {
            out.push('0');
        }
        out.push_str(&ea.to_string());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let e = exp as usize;
        if digits.len() > e + 1 {
            out.push_str(&digits[..e + 1]);
            out.push('.');
            out.push_str(&digits[e + 1..]);
        } else {
            out.push_str(digits);
            for _ in digits.len()..e + 1 {
                out.push('0');
            }
            out.push_str(".0");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_sqlite() {
        assert_eq!(format_real(1.0), "1.0");
        assert_eq!(format_real(0.1), "0.1");
        assert_eq!(format_real(1e20), "1.0e+20");
        assert_eq!(format_real(1e15), "1.0e+15");
        assert_eq!(format_real(1e14), "100000000000000.0");
        assert_eq!(format_real(0.1 + 0.2), "0.3");
        assert_eq!(format_real(-2.5), "-2.5");
        assert_eq!(format_real(1.5e-7), "1.5e-07");
        assert_eq!(format_real(0.0001), "0.0001");
        assert_eq!(format_real(123456.789), "123456.789");
    }

    #[test]
    fn parses_like_sqlite() {
        assert_eq!(parse_numeric(" 12 "), Some(Num::Int(12)));
        assert_eq!(parse_numeric("1e3"), Some(Num::Real(1000.0)));
        assert_eq!(parse_numeric("1."), Some(Num::Real(1.0)));
        assert_eq!(parse_numeric(".5"), Some(Num::Real(0.5)));
        assert_eq!(parse_numeric("."), None);
        assert_eq!(parse_numeric("12a"), None);
        assert_eq!(parse_numeric("-9223372036854775808"), Some(Num::Int(i64::MIN)));
        assert_eq!(parse_numeric("9223372036854775808"), Some(Num::Real(9223372036854775808.0)));
        assert_eq!(numeric_prefix(b"3abc"), Num::Int(3));
        assert_eq!(numeric_prefix(b"abc"), Num::Int(0));
        assert_eq!(text_to_int(b"1.9x"), 1);
    }
}
