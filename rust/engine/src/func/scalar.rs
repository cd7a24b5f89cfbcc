//! Core scalar functions (SQLite's func.c set): abs, coalesce, ifnull,
//! nullif, length, lower, upper, substr, trim family, replace, instr, hex,
//! typeof, round, scalar min/max, random, randomblob, zeroblob, quote,
//! unicode, char, printf/format, iif, like, glob, sqlite_version,
//! last_insert_rowid, changes, total_changes, likely/unlikely.
//!
//! Invariants: NULL in gives NULL out except where SQLite says otherwise
//! (coalesce, ifnull, iif, quote, typeof, ...); blobs larger than 1e9 bytes
//! fail with SQLITE_TOOBIG instead of allocating.

use super::{FuncDef, FuncEnv, FuncKind, ScalarFn};
use crate::error::{codes, Error, Result};
use crate::storage::record::{compare_values, Collation};
use crate::value::num::{self, Num};
use crate::value::ops::{text_of, to_int};
use crate::value::Value;
use std::cmp::Ordering;

/// Largest string or blob a function may build (SQLITE_MAX_LENGTH).
pub const MAX_LENGTH: i64 = 1_000_000_000;

const fn f(name: &'static str, min_args: i32, max_args: i32, func: ScalarFn) -> FuncDef {
    FuncDef { name, min_args, max_args, kind: FuncKind::Scalar(func), deterministic: true }
}
const fn nd(name: &'static str, min_args: i32, max_args: i32, func: ScalarFn) -> FuncDef {
    FuncDef { name, min_args, max_args, kind: FuncKind::Scalar(func), deterministic: false }
}

pub static SCALARS: &[FuncDef] = &[
    f("abs", 1, 1, abs),
    f("coalesce", 2, -1, coalesce),
    f("ifnull", 2, 2, coalesce),
    f("nullif", 2, 2, nullif),
    f("length", 1, 1, length),
    f("octet_length", 1, 1, octet_length),
    f("lower", 1, 1, lower),
    f("upper", 1, 1, upper),
    f("substr", 2, 3, substr),
    f("substring", 2, 3, substr),
    f("trim", 1, 2, trim),
    f("ltrim", 1, 2, ltrim),
    f("rtrim", 1, 2, rtrim),
    f("replace", 3, 3, replace),
    f("instr", 2, 2, instr),
    f("hex", 1, 1, hex),
    f("unhex", 1, 2, unhex),
    f("typeof", 1, 1, type_of),
    f("round", 1, 2, round),
    f("min", 2, -1, min),
    f("max", 2, -1, max),
    nd("random", 0, 0, random),
    nd("randomblob", 1, 1, randomblob),
    f("zeroblob", 1, 1, zeroblob),
    f("quote", 1, 1, quote),
    f("unicode", 1, 1, unicode),
    f("char", 0, -1, char_fn),
    f("printf", 0, -1, printf),
    f("format", 0, -1, printf),
    f("iif", 3, 3, iif),
    f("like", 2, 3, like),
    f("glob", 2, 2, glob),
    f("sqlite_version", 0, 0, sqlite_version),
    nd("last_insert_rowid", 0, 0, last_insert_rowid),
    nd("changes", 0, 0, changes),
    nd("total_changes", 0, 0, total_changes),
    f("likely", 1, 1, identity),
    f("unlikely", 1, 1, identity),
    f("likelihood", 2, 2, identity),
    f("sign", 1, 1, sign),
    nd("date", 0, -1, super::datetime::date),
    nd("time", 0, -1, super::datetime::time),
    nd("datetime", 0, -1, super::datetime::datetime),
    nd("julianday", 0, -1, super::datetime::julianday),
    nd("unixepoch", 0, -1, super::datetime::unixepoch),
    nd("strftime", 1, -1, super::datetime::strftime),
];

type R = Result<Value>;

fn identity(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(a[0].clone())
}

/// Integer argument as sqlite3_value_int64 reads it.
pub fn int_arg(v: &Value) -> i64 {
    to_int(v).unwrap_or(0)
}

fn numeric_type(v: &Value) -> Option<Num> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(Num::Int(*i)),
        Value::Real(r) => Some(Num::Real(*r)),
        Value::Text(s) => Some(num::parse_numeric(s).unwrap_or(Num::Real(num::text_to_real(s.as_bytes())))),
        Value::Blob(b) => Some(Num::Real(num::text_to_real(b))),
    }
}

fn abs(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let n = match &a[0] {
        Value::Integer(i) => Some(Num::Int(*i)),
        Value::Null => None,
        v => Some(Num::Real(crate::value::ops::to_num(v).map_or(0.0, |n| match n {
            Num::Int(i) => i as f64,
            Num::Real(r) => r,
        }))),
    };
    Ok(match n {
        None => Value::Null,
        Some(Num::Int(i)) => match i.checked_abs() {
            Some(x) => Value::Integer(x),
            None => return Err(Error::sql("integer overflow")),
        },
        Some(Num::Real(r)) => Value::Real(r.abs()),
    })
}

fn coalesce(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(a.iter().find(|v| !v.is_null()).cloned().unwrap_or(Value::Null))
}

fn nullif(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    if !a[0].is_null() && !a[1].is_null() && compare_values(&a[0], &a[1], Collation::Binary) == Ordering::Equal {
        Ok(Value::Null)
    } else {
        Ok(a[0].clone())
    }
}

fn length(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(match &a[0] {
        Value::Null => Value::Null,
        Value::Blob(b) => Value::Integer(b.len() as i64),
        Value::Text(s) => Value::Integer(s.split('\0').next().unwrap_or("").chars().count() as i64),
        v => Value::Integer(text_of(v).map(|t| t.chars().count()).unwrap_or(0) as i64),
    })
}

fn octet_length(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(match &a[0] {
        Value::Null => Value::Null,
        Value::Blob(b) => Value::Integer(b.len() as i64),
        v => Value::Integer(text_of(v).map(|t| t.len()).unwrap_or(0) as i64),
    })
}

fn lower(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(text_of(&a[0]).map(|t| Value::Text(t.to_ascii_lowercase())).unwrap_or(Value::Null))
}

fn upper(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(text_of(&a[0]).map(|t| Value::Text(t.to_ascii_uppercase())).unwrap_or(Value::Null))
}

fn substr(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    if a.iter().any(|v| v.is_null()) {
        return Ok(Value::Null);
    }
    let clamp = |x: i64| x.clamp(i32::MIN as i64, i32::MAX as i64);
    let mut p1 = clamp(int_arg(&a[1]));
    let mut neg_p2 = false;
    let mut p2 = if a.len() == 3 {
        let p = clamp(int_arg(&a[2]));
        if p < 0 {
            neg_p2 = true;
            -p
        } else {
            p
        }
    } else {
        MAX_LENGTH
    };
    let blob = matches!(a[0], Value::Blob(_));
    let text = text_of(&a[0]).unwrap_or_default();
    let chars: Vec<char> = if blob { Vec::new() } else { text.chars().collect() };
    let len = if let Value::Blob(b) = &a[0] { b.len() as i64 } else { chars.len() as i64 };
    if p1 < 0 {
        p1 += len;
        if p1 < 0 {
            p2 += p1;
            if p2 < 0 {
                p2 = 0;
            }
            p1 = 0;
        }
    } else if p1 > 0 {
        p1 -= 1;
    } else if p2 > 0 {
        p2 -= 1;
    }
    if neg_p2 {
        p1 -= p2;
        if p1 < 0 {
            p2 += p1;
            p1 = 0;
        }
    }
    let start = p1.min(len) as usize;
    let end = (p1 + p2).min(len).max(p1.min(len)) as usize;
    Ok(match &a[0] {
        Value::Blob(b) => Value::Blob(b[start..end].to_vec()),
        _ => Value::Text(chars[start..end].iter().collect()),
    })
}

fn trim_impl(a: &[Value], left: bool, right: bool) -> R {
    let Some(t) = text_of(&a[0]) else { return Ok(Value::Null) };
    let set: Vec<char> = if a.len() == 2 {
        match text_of(&a[1]) {
            None => return Ok(Value::Null),
            Some(s) => s.chars().collect(),
        }
    } else {
        vec![' ']
    };
    let mut s: &str = &t;
    if left {
        s = s.trim_start_matches(|c| set.contains(&c));
    }
    if right {
        s = s.trim_end_matches(|c| set.contains(&c));
    }
    Ok(Value::Text(s.to_string()))
}

fn trim(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    trim_impl(a, true, true)
}
fn ltrim(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    trim_impl(a, true, false)
}
fn rtrim(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    trim_impl(a, false, true)
}

fn replace(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let (Some(x), Some(y), Some(z)) = (text_of(&a[0]), text_of(&a[1]), text_of(&a[2])) else {
        return Ok(Value::Null);
    };
    if y.is_empty() {
        return Ok(Value::Text(x.into_owned()));
    }
    if z.len() > y.len() {
        let grow = (x.matches(y.as_ref()).count() as u64).saturating_mul((z.len() - y.len()) as u64);
        if x.len() as u64 + grow > MAX_LENGTH as u64 {
            return Err(Error::new(codes::TOOBIG, "string or blob too big"));
        }
    }
    let out = x.replace(y.as_ref(), &z);
    if out.len() as i64 > MAX_LENGTH {
        return Err(Error::new(codes::TOOBIG, "string or blob too big"));
    }
    Ok(Value::Text(out))
}

fn instr(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    if a[0].is_null() || a[1].is_null() {
        return Ok(Value::Null);
    }
    if let (Value::Blob(h), Value::Blob(n)) = (&a[0], &a[1]) {
        if n.is_empty() {
            return Ok(Value::Integer(1));
        }
        let pos = h.windows(n.len()).position(|w| w == n.as_slice());
        return Ok(Value::Integer(pos.map(|p| p as i64 + 1).unwrap_or(0)));
    }
    let h = text_of(&a[0]).unwrap_or_default();
    let n = text_of(&a[1]).unwrap_or_default();
    Ok(Value::Integer(match h.find(n.as_ref()) {
        Some(byte) => h[..byte].chars().count() as i64 + 1,
        None => 0,
    }))
}

fn hex(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let bytes: Vec<u8> = match &a[0] {
        Value::Blob(b) => b.clone(),
        v => text_of(v).map(|t| t.into_owned().into_bytes()).unwrap_or_default(),
    };
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02X}"));
    }
    Ok(Value::Text(s))
}

fn unhex(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let Some(t) = text_of(&a[0]) else { return Ok(Value::Null) };
    let ignore: String = if a.len() > 1 { text_of(&a[1]).map(|s| s.into_owned()).unwrap_or_default() } else { String::new() };
    let mut out = Vec::new();
    let mut hi: Option<u8> = None;
    for c in t.chars() {
        if let Some(d) = c.to_digit(16) {
            match hi.take() {
                None => hi = Some(d as u8),
                Some(h) => out.push(h << 4 | d as u8),
            }
        } else if hi.is_none() && ignore.contains(c) {
            continue;
        } else {
            return Ok(Value::Null);
        }
    }
    if hi.is_some() {
        return Ok(Value::Null);
    }
    Ok(Value::Blob(out))
}

fn type_of(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(Value::Text(
        match a[0] {
            Value::Null => "null",
            Value::Integer(_) => "integer",
            Value::Real(_) => "real",
            Value::Text(_) => "text",
            Value::Blob(_) => "blob",
        }
        .to_string(),
    ))
}

/// Rounds `r` to `n` decimal places as SQLite's printf("%.*f") does: the
/// exact binary value rounded correctly, exact ties away from zero.
pub fn round_half_up(r: f64, n: usize) -> f64 {
    if !r.is_finite() {
        return r;
    }
    let exact = format!("{:.1100}", r.abs());
    let is_tie = match exact.split_once('.') {
        Some((_, frac)) => {
            let fb = frac.as_bytes();
            n < fb.len() && fb[n] == b'5' && fb[n + 1..].iter().all(|&c| c == b'0')
        }
        None => false,
    };
    let v: f64 = if is_tie {
        let step = 10f64.powi(-(n as i32));
        let trunc: f64 = format!("{:.*}", n, r.abs() - step / 2.0).parse().unwrap_or(0.0);
        let up: f64 = format!("{:.*}", n, trunc + step).parse().unwrap_or(0.0);
        up
    } else {
        format!("{:.*}", n, r.abs()).parse().unwrap_or(0.0)
    };
    if r < 0.0 {
        -v
    } else {
        v
    }
}

fn round(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let n = if a.len() == 2 {
        if a[1].is_null() {
            return Ok(Value::Null);
        }
        int_arg(&a[1]).clamp(0, 30) as usize
    } else {
        0
    };
    let r = match numeric_type(&a[0]) {
        None => return Ok(Value::Null),
        Some(Num::Int(i)) => i as f64,
        Some(Num::Real(r)) => r,
    };
    let big = 4503599627370496.0; // 2^52: no fractional part beyond this
    if r.abs() >= big {
        return Ok(Value::Real(r));
    }
    Ok(Value::Real(round_half_up(r, n)))
}

fn minmax(a: &[Value], want: Ordering) -> R {
    let mut best = &a[0];
    for v in a {
        if v.is_null() {
            return Ok(Value::Null);
        }
        if compare_values(v, best, Collation::Binary) == want {
            best = v;
        }
    }
    Ok(best.clone())
}

fn min(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    minmax(a, Ordering::Less)
}
fn max(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    minmax(a, Ordering::Greater)
}

fn random(env: &mut FuncEnv<'_>, _: &[Value]) -> R {
    let mut b = [0u8; 8];
    (env.random)(&mut b);
    Ok(Value::Integer(i64::from_le_bytes(b)))
}

fn randomblob(env: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let n = int_arg(&a[0]).max(1);
    if n > MAX_LENGTH {
        return Err(Error::new(codes::TOOBIG, "string or blob too big"));
    }
    let mut b = vec![0u8; n as usize];
    (env.random)(&mut b);
    Ok(Value::Blob(b))
}

fn zeroblob(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let n = int_arg(&a[0]).max(0);
    if n > MAX_LENGTH {
        return Err(Error::new(codes::TOOBIG, "string or blob too big"));
    }
    Ok(Value::Blob(vec![0u8; n as usize]))
}

/// SQL literal text of a value (quote()).
pub fn quote_value(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => {
            let s = num::format_real(*r);
            if s.parse::<f64>().ok() == Some(*r) {
                s
            } else {
                let e = format!("{:.20e}", r);
                let (m, x) = e.split_once('e').unwrap_or((&e, "0"));
                let x: i32 = x.parse().unwrap_or(0);
                format!("{m}e{}{:02}", if x < 0 { '-' } else { '+' }, x.abs())
            }
        }
        Value::Text(s) => {
            let mut out = String::with_capacity(s.len() + 2);
            out.push('\'');
            for c in s.chars() {
                if c == '\'' {
                    out.push('\'');
                }
                out.push(c);
            }
            out.push('\'');
            out
        }
        Value::Blob(b) => {
            let mut out = String::from("X'");
            for x in b {
                out.push_str(&format!("{x:02X}"));
            }
            out.push('\'');
            out
        }
    }
}

fn quote(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(Value::Text(quote_value(&a[0])))
}

fn unicode(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(match text_of(&a[0]) {
        None => Value::Null,
        Some(t) => match t.chars().next() {
            Some(c) => Value::Integer(c as i64),
            None => Value::Null,
        },
    })
}

fn char_fn(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let mut s = String::new();
    for v in a {
        let c = int_arg(v);
        let c = if (0..=0x10ffff).contains(&c) { c as u32 } else { 0xfffd };
        s.push(char::from_u32(c).unwrap_or('\u{fffd}'));
    }
    Ok(Value::Text(s))
}

fn printf(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    if a.is_empty() {
        return Ok(Value::Null);
    }
    let Some(fmt) = text_of(&a[0]) else { return Ok(Value::Null) };
    Ok(Value::Text(super::printf::format(&fmt, &a[1..])))
}

fn iif(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(if crate::value::ops::truth(&a[0]) == Some(true) { a[1].clone() } else { a[2].clone() })
}

fn like(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let esc = if a.len() == 3 {
        match text_of(&a[2]) {
            None => return Ok(Value::Null),
            Some(e) => {
                let mut it = e.chars();
                match (it.next(), it.next()) {
                    (Some(c), None) => Some(c),
                    _ => return Err(Error::sql("ESCAPE expression must be a single character")),
                }
            }
        }
    } else {
        None
    };
    let (Some(p), Some(t)) = (text_of(&a[0]), text_of(&a[1])) else { return Ok(Value::Null) };
    Ok(Value::Integer(super::like::like(&p, &t, esc) as i64))
}

fn glob(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let (Some(p), Some(t)) = (text_of(&a[0]), text_of(&a[1])) else { return Ok(Value::Null) };
    Ok(Value::Integer(super::like::glob(&p, &t) as i64))
}

fn sqlite_version(_: &mut FuncEnv<'_>, _: &[Value]) -> R {
    Ok(Value::Text("3.45.1".to_string()))
}

fn last_insert_rowid(env: &mut FuncEnv<'_>, _: &[Value]) -> R {
    Ok(Value::Integer(env.last_insert_rowid))
}
fn changes(env: &mut FuncEnv<'_>, _: &[Value]) -> R {
    Ok(Value::Integer(env.changes))
}
fn total_changes(env: &mut FuncEnv<'_>, _: &[Value]) -> R {
    Ok(Value::Integer(env.total_changes))
}

fn sign(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(match &a[0] {
        Value::Null => Value::Null,
        Value::Integer(i) => Value::Integer(i.signum()),
        Value::Real(r) => Value::Integer(if *r > 0.0 { 1 } else if *r < 0.0 { -1 } else { 0 }),
        Value::Text(s) => match num::parse_numeric(s) {
            None => Value::Null,
            Some(Num::Int(i)) => Value::Integer(i.signum()),
            Some(Num::Real(r)) => Value::Integer(if r > 0.0 { 1 } else if r < 0.0 { -1 } else { 0 }),
        },
        Value::Blob(_) => Value::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding() {
        assert_eq!(round_half_up(2.5, 0), 3.0);
        assert_eq!(round_half_up(-2.5, 0), -3.0);
        assert_eq!(round_half_up(0.125, 2), 0.13);
        assert_eq!(round_half_up(1.005, 2), 1.0);
        assert_eq!(round_half_up(2.675, 2), 2.67);
        assert_eq!(round_half_up(123.456, 1), 123.5);
        assert_eq!(round_half_up(9.99, 1), 10.0);
    }
}
