//! Arithmetic, concatenation, casts and truth values with SQLite's rules:
//! integer overflow on + - * turns the result REAL, integer division
//! truncates, division or remainder by zero is NULL, text operands use their
//! numeric prefix, NULL in -> NULL out.

use super::affinity::Affinity;
use super::num::{self, Num};
use super::Value;

/// The numeric value an operand has in arithmetic (None for NULL).
pub fn to_num(v: &Value) -> Option<Num> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(Num::Int(*i)),
        Value::Real(r) => Some(Num::Real(*r)),
        Value::Text(s) => Some(num::numeric_prefix(s.as_bytes())),
        Value::Blob(b) => Some(num::numeric_prefix(b)),
    }
}

fn real(r: f64) -> Value {
    if r.is_nan() {
        Value::Null
    } else {
        Value::Real(r)
    }
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Real(r) => r,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// `a op b` as SQLite computes it.
pub fn arith(op: ArithOp, a: &Value, b: &Value) -> Value {
    let (x, y) = match (to_num(a), to_num(b)) {
        (Some(x), Some(y)) => (x, y),
        _ => return Value::Null,
    };
    if let (Num::Int(i), Num::Int(j)) = (x, y) {
        let r = match op {
            ArithOp::Add => i.checked_add(j),
            ArithOp::Sub => i.checked_sub(j),
            ArithOp::Mul => i.checked_mul(j),
            ArithOp::Div => {
                if j == 0 {
                    return Value::Null;
                }
                i.checked_div(j)
            }
            ArithOp::Rem => {
                if j == 0 {
                    return Value::Null;
                }
                Some(if j == -1 { 0 } else { i % j })
            }
        };
        return match r {
            Some(v) => Value::Integer(v),
            None => {
                let (fi, fj) = (i as f64, j as f64);
                real(match op {
                    ArithOp::Add => fi + fj,
                    ArithOp::Sub => fi - fj,
                    ArithOp::Mul => fi * fj,
                    _ => fi / fj,
                })
            }
        };
    }
    let (fx, fy) = (as_f64(x), as_f64(y));
    match op {
        ArithOp::Add => real(fx + fy),
        ArithOp::Sub => real(fx - fy),
        ArithOp::Mul => real(fx * fy),
        ArithOp::Div => {
            if fy == 0.0 {
                Value::Null
            } else {
                real(fx / fy)
            }
        }
        ArithOp::Rem => {
            let ix = num::real_to_int(fx);
            let iy = num::real_to_int(fy);
            if iy == 0 {
                return Value::Null;
            }
            let r = if iy == -1 { 0 } else { ix % iy };
            real(r as f64)
        }
    }
}

/// Integer value of an operand for bitwise operators (text -> prefix).
pub fn to_int(v: &Value) -> Option<i64> {
    match to_num(v)? {
        Num::Int(i) => Some(i),
        Num::Real(r) => Some(num::real_to_int(r)),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitOp {
    And,
    Or,
    Shl,
    Shr,
}

pub fn bitop(op: BitOp, a: &Value, b: &Value) -> Value {
    let (x, y) = match (to_int(a), to_int(b)) {
        (Some(x), Some(y)) => (x, y),
        _ => return Value::Null,
    };
    let shl = |x: i64, n: i64| -> i64 {
        if n >= 64 {
            0
        } else if n <= -64 {
            if x < 0 {
                -1
            } else {
                0
            }
        } else if n >= 0 {
            ((x as u64) << n) as i64
        } else {
            x >> (-n)
        }
    };
    Value::Integer(match op {
        BitOp::And => x & y,
        BitOp::Or => x | y,
        BitOp::Shl => shl(x, y),
        BitOp::Shr => shl(x, y.checked_neg().unwrap_or(i64::MAX)),
    })
}

/// Unary minus.
pub fn negate(v: &Value) -> Value {
    match to_num(v) {
        None => Value::Null,
        Some(Num::Int(i)) => match i.checked_neg() {
            Some(n) => Value::Integer(n),
            None => Value::Real(-(i as f64)),
        },
        Some(Num::Real(r)) => real(-r),
    }
}

/// Text form of a value (as `||` and TEXT affinity see it); None for NULL.
pub fn text_of(v: &Value) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(Cow::Owned(i.to_string())),
        Value::Real(r) => Some(Cow::Owned(num::format_real(*r))),
        Value::Text(s) => Some(Cow::Borrowed(s.as_str())),
        Value::Blob(b) => Some(String::from_utf8_lossy(b)),
    }
}

pub fn concat(a: &Value, b: &Value) -> Value {
    match (text_of(a), text_of(b)) {
        (Some(x), Some(y)) => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(&x);
            s.push_str(&y);
            Value::Text(s)
        }
        _ => Value::Null,
    }
}

/// Truth value: NULL -> None, else numeric value != 0.
pub fn truth(v: &Value) -> Option<bool> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(*i != 0),
        Value::Real(r) => Some(*r != 0.0),
        _ => Some(match to_num(v) {
            Some(Num::Int(i)) => i != 0,
            Some(Num::Real(r)) => r != 0.0,
            None => false,
        }),
    }
}

/// CAST(v AS <type with affinity aff>).
pub fn cast(v: &Value, aff: Affinity) -> Value {
    match (aff, v) {
        (_, Value::Null) => Value::Null,
        (Affinity::Blob, Value::Blob(_)) => v.clone(),
        (Affinity::Blob, _) => Value::Blob(text_of(v).map(|t| t.into_owned().into_bytes()).unwrap_or_default()),
        (Affinity::Text, Value::Text(_)) => v.clone(),
        (Affinity::Text, _) => Value::Text(text_of(v).map(|t| t.into_owned()).unwrap_or_default()),
        (Affinity::Integer, Value::Integer(_)) => v.clone(),
        (Affinity::Integer, Value::Real(r)) => Value::Integer(num::real_to_int(*r)),
        (Affinity::Integer, Value::Text(s)) => Value::Integer(int_prefix(s.as_bytes())),
        (Affinity::Integer, Value::Blob(b)) => Value::Integer(int_prefix(b)),
        (Affinity::Real, Value::Integer(i)) => Value::Real(*i as f64),
        (Affinity::Real, Value::Real(_)) => v.clone(),
        (Affinity::Real, Value::Text(s)) => Value::Real(num::text_to_real(s.as_bytes())),
        (Affinity::Real, Value::Blob(b)) => Value::Real(num::text_to_real(b)),
        (Affinity::Numeric, Value::Integer(_)) => v.clone(),
        (Affinity::Numeric, Value::Real(r)) => match num::real_as_exact_int(*r) {
            Some(i) => Value::Integer(i),
            None => v.clone(),
        },
        (Affinity::Numeric, Value::Text(_) | Value::Blob(_)) => {
            let bytes = match v {
                Value::Text(s) => s.as_bytes(),
                Value::Blob(b) => b.as_slice(),
                _ => &[],
            };
            match num::numeric_prefix(bytes) {
                Num::Int(i) => Value::Integer(i),
                Num::Real(r) => match num::real_as_exact_int(r) {
                    Some(i) if r.abs() < 9.0e18 => Value::Integer(i),
                    _ => real(r),
                },
            }
        }
    }
}

/// The integer prefix of a text: optional spaces and sign, then digits
/// (saturating at the i64 range). A '.' or exponent ends it.
pub fn int_prefix(s: &[u8]) -> i64 {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut v: i128 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        v = v * 10 + i128::from(s[i] - b'0');
        if v > 1 << 64 {
            break;
        }
        i += 1;
    }
    let v = if neg { -v } else { v };
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use Value::*;

    #[test]
    fn arithmetic_rules() {
        assert_eq!(arith(ArithOp::Add, &Integer(i64::MAX), &Integer(1)), Real(9.223372036854776e18));
        assert_eq!(arith(ArithOp::Div, &Integer(7), &Integer(2)), Integer(3));
        assert_eq!(arith(ArithOp::Div, &Integer(7), &Integer(0)), Null);
        assert_eq!(arith(ArithOp::Rem, &Real(5.5), &Integer(2)), Real(1.0));
        assert_eq!(arith(ArithOp::Rem, &Integer(-7), &Integer(3)), Integer(-1));
        assert_eq!(arith(ArithOp::Add, &Text("3x".into()), &Integer(1)), Integer(4));
        assert_eq!(cast(&Text("12abc".into()), Affinity::Integer), Integer(12));
        assert_eq!(cast(&Text("1e3".into()), Affinity::Integer), Integer(1));
        assert_eq!(cast(&Text("3.0".into()), Affinity::Numeric), Integer(3));
        assert_eq!(cast(&Real(1e20), Affinity::Text), Text("1.0e+20".into()));
    }
}
