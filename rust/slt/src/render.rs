//! Rendering result values as the corpus expects them: `I` as an integer
//! (sqlite3_column_int64 semantics), `R` as `%.3f`, `T` as text with
//! `(empty)` for "", `NULL` for NULL, and bytes outside printable ASCII as `@`.

use ferrolite_engine::Value;

pub fn render(v: &Value, ty: u8) -> String {
    if v.is_null() {
        return "NULL".to_string();
    }
    match ty {
        b'I' => as_int(v).to_string(),
        b'R' => fixed3(as_real(v)),
        _ => {
            let s = as_text(v);
            if s.is_empty() {
                "(empty)".to_string()
            } else {
                s.bytes().map(|b| if (b' '..=b'~').contains(&b) { b as char } else { '@' }).collect()
            }
        }
    }
}

fn as_int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        Value::Real(r) => real_to_int(*r),
        Value::Text(s) => text_prefix_int(s.as_bytes()),
        Value::Blob(b) => text_prefix_int(b),
        Value::Null => 0,
    }
}

fn real_to_int(r: f64) -> i64 {
    if r.is_nan() {
        0
    } else if r <= i64::MIN as f64 {
        i64::MIN
    } else if r >= i64::MAX as f64 {
        i64::MAX
    } else {
        r as i64
    }
}

/// The integer at the start of `b` (leading spaces, sign, digits), as
/// sqlite3_column_int64 reads text: a real prefix is truncated.
fn text_prefix_int(b: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(b);
    let s = s.trim_start();
    match numeric_prefix(s) {
        Some((end, true)) => s[..end].parse::<i64>().unwrap_or_else(|_| real_to_int(s[..end].parse().unwrap_or(0.0))),
        Some((end, false)) => real_to_int(s[..end].parse().unwrap_or(0.0)),
        None => 0,
    }
}

/// Length of the longest numeric prefix of `s`, and whether it is an
/// integer (no '.' or exponent).
fn numeric_prefix(s: &str) -> Option<(usize, bool)> {
    let b = s.as_bytes();
    let mut end = 0;
    if end < b.len() && (b[end] == b'+' || b[end] == b'-') {
        end += 1;
    }
    let digits_start = end;
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    let int_digits = end - digits_start;
    let mut is_int = true;
    if end < b.len() && b[end] == b'.' {
        let dot = end;
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if int_digits == 0 && end == dot + 1 {
            return None;
        }
        is_int = false;
    } else if int_digits == 0 {
        return None;
    }
    if end < b.len() && (b[end] == b'e' || b[end] == b'E') {
        let mut e = end + 1;
        if e < b.len() && (b[e] == b'+' || b[e] == b'-') {
            e += 1;
        }
        if e < b.len() && b[e].is_ascii_digit() {
            while e < b.len() && b[e].is_ascii_digit() {
                e += 1;
            }
            end = e;
            is_int = false;
        }
    }
    Some((end, is_int))
}

fn text_prefix_real(s: &str) -> f64 {
    match numeric_prefix(s) {
        Some((end, _)) => s[..end].parse().unwrap_or(0.0),
        None => 0.0,
    }
}

fn as_real(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Real(r) => *r,
        Value::Text(s) => text_prefix_real(s.trim_start()),
        Value::Blob(b) => text_prefix_real(String::from_utf8_lossy(b).trim_start()),
        Value::Null => 0.0,
    }
}

fn as_text(v: &Value) -> String {
    match v {
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => real_to_text(*r),
        Value::Text(s) => s.clone(),
        Value::Blob(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Null => String::new(),
    }
}

/// SQLite's text form of a REAL: 15 significant digits ("%!.15g"), with a
/// ".0" added when the result would read as an integer.
pub fn real_to_text(r: f64) -> String {
    if r.is_infinite() {
        return if r > 0.0 { "Inf".into() } else { "-Inf".into() };
    }
    if r == 0.0 {
        return "0.0".into();
    }
    let sci = format!("{:.14e}", r); // d.dddddddddddddde±x
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mant = mant.trim_end_matches('0').trim_end_matches('.');
    if !(-4..15).contains(&exp) {
        let mant = if mant.contains('.') { mant.to_string() } else { format!("{mant}.0") };
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let point = exp + 1; // digits before the decimal point
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if point <= 0 {
        s.push_str("0.");
        for _ in 0..(-point) {
            s.push('0');
        }
        s.push_str(&digits);
    } else if (point as usize) >= digits.len() {
        s.push_str(&digits);
        for _ in 0..(point as usize - digits.len()) {
            s.push('0');
        }
        s.push_str(".0");
    } else {
        s.push_str(&digits[..point as usize]);
        s.push('.');
        s.push_str(&digits[point as usize..]);
    }
    s
}

/// `%.3f` as SQLite's printf renders it: at most 16 significant digits,
/// the rest of the integer part printed as zeros.
fn fixed3(x: f64) -> String {
    if !x.is_finite() || x.abs() < 1e13 {
        return format!("{x:.3}");
    }
    let sci = format!("{:.15e}", x.abs()); // d.ddddddddddddddde<exp>
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: usize = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mant.bytes().filter(|b| b.is_ascii_digit()).collect();
    let mut s = String::new();
    if x < 0.0 {
        s.push('-');
    }
    for i in 0..exp + 1 {
        s.push(*digits.get(i).unwrap_or(&b'0') as char);
    }
    s.push('.');
    for i in exp + 1..exp + 4 {
        s.push(*digits.get(i).unwrap_or(&b'0') as char);
    }
    s
}
