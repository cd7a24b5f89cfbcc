//! Type conversions of the `column_*` accessors, as SQLite does them:
//! REAL to text with "%!.15g", text to INTEGER with sqlite3Atoi64's prefix
//! rule, text to REAL with sqlite3AtoF's prefix rule, REAL to INTEGER with
//! saturation.
//!
//! Invariants: total functions; any byte string converts (to 0 when it has
//! no numeric prefix); nothing allocates except the output buffer.

use std::io::Write;

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Appends SQLite's text of a REAL ("%!.15g": 15 significant digits, at
/// least one digit after the point, exponent with a sign and 2+ digits).
pub fn real_to_text(out: &mut Vec<u8>, r: f64) {
    if r.is_nan() {
        // A REAL never holds NaN (it becomes NULL); render like SQLite would.
        out.extend_from_slice(b"NaN");
        return;
    }
    if r.is_infinite() {
        out.extend_from_slice(if r < 0.0 { b"-Inf" } else { b"Inf" });
        return;
    }
    let r = if r == 0.0 { 0.0 } else { r };
    let sci = format!("{:.14e}", r);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..15).contains(&exp) {
        out.extend_from_slice(trim_fraction(mant).as_bytes());
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs());
    } else {
        let fixed = format!("{:.*}", (14 - exp) as usize, r);
        out.extend_from_slice(trim_fraction(&fixed).as_bytes());
    }
}

/// Removes trailing zeros of the fraction but keeps at least one digit.
fn trim_fraction(s: &str) -> String {
    match s.split_once('.') {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            format!("{int}.{}", if frac.is_empty() { "0" } else { frac })
        }
        None => format!("{s}.0"),
    }
}

/// sqlite3Atoi64 on a prefix: leading space, sign, digits; stops at the
/// first other byte; saturates on overflow.
pub fn text_to_int(b: &[u8]) -> i64 {
    let mut i = 0;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let neg = match b.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut v: i128 = 0;
    while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
        v = (v * 10 + (d - b'0') as i128).min(i64::MAX as i128 + 1);
        i += 1;
    }
    let v = if neg { -v } else { v };
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// sqlite3AtoF on a prefix: leading space, sign, digits, optional fraction,
/// optional exponent (only when digits follow it); 0.0 when there is none.
pub fn text_to_real(b: &[u8]) -> f64 {
    let mut i = 0;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let start = i;
    if matches!(b.get(i), Some(b'-') | Some(b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let s = *i;
        while b.get(*i).is_some_and(|d| d.is_ascii_digit()) {
            *i += 1;
        }
        *i - s
    };
    let mut n = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        let mut j = i + 1;
        let f = digits(&mut j);
        if n + f > 0 {
            i = j;
            n += f;
        }
    }
    if n == 0 {
        return 0.0;
    }
    if matches!(b.get(i), Some(b'e') | Some(b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'-') | Some(b'+')) {
            j += 1;
        }
        if digits(&mut j) > 0 {
            i = j;
        }
    }
    // The prefix is ASCII digits, sign, '.', and exponent: valid for parse.
    std::str::from_utf8(&b[start..i]).ok().and_then(|s| s.parse().ok()).unwrap_or(0.0)
}

/// REAL to INTEGER as sqlite3_column_int64: truncation, saturating.
pub fn real_to_int(r: f64) -> i64 {
    r as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: f64) -> String {
        let mut v = Vec::new();
        real_to_text(&mut v, r);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn reals_render_like_sqlite() {
        // Expected strings are sqlite3 3.40's CAST(x AS TEXT).
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e20, "1.0e+20"),
            (1.5e-7, "1.5e-07"),
            (123456789012345678.0, "1.23456789012346e+17"),
            (-2.5, "-2.5"),
            (1e15, "1.0e+15"),
            (1e14, "100000000000000.0"),
            (9.999999999999999e14, "1.0e+15"),
            (0.0001, "0.0001"),
            (0.00001, "1.0e-05"),
            (f64::INFINITY, "Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (std::f64::consts::PI, "3.14159265358979"),
            (100.0, "100.0"),
            (-0.0, "0.0"),
            (1e-300, "1.0e-300"),
            (2.0e100, "2.0e+100"),
            (0.30000000000000004, "0.3"),
        ];
        for (r, want) in cases {
            assert_eq!(text(r), want, "{r:e}");
        }
    }

    #[test]
    fn text_prefixes_convert_like_sqlite() {
        assert_eq!(text_to_int(b"  -12x"), -12);
        assert_eq!(text_to_int(b"3.9"), 3);
        assert_eq!(text_to_int(b"1e5"), 1);
        assert_eq!(text_to_int(b"abc"), 0);
        assert_eq!(text_to_int(b""), 0);
        assert_eq!(text_to_int(b"99999999999999999999999"), i64::MAX);
        assert_eq!(text_to_int(b"-9223372036854775808"), i64::MIN);
        assert_eq!(text_to_int(b"-99999999999999999999999"), i64::MIN);
        assert_eq!(text_to_real(b" 1.5abc"), 1.5);
        assert_eq!(text_to_real(b"1e5x"), 100000.0);
        assert_eq!(text_to_real(b"1e"), 1.0);
        assert_eq!(text_to_real(b".5"), 0.5);
        assert_eq!(text_to_real(b"-.5e1"), -5.0);
        assert_eq!(text_to_real(b"."), 0.0);
        assert_eq!(text_to_real(b"inf"), 0.0);
        assert_eq!(text_to_real(b"\xff"), 0.0);
        assert_eq!(real_to_int(1e300), i64::MAX);
        assert_eq!(real_to_int(-2.9), -2);
    }
}
