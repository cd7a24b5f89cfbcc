//! printf()/format(): SQLite's printf conversions over SQL values:
//! flags `-+ 0#!,`, width and precision (also `*`), conversions
//! d i u x X o c s z q Q w f e E g G %.
//!
//! Invariant: width/precision are capped so a format cannot allocate
//! without bound.

use crate::value::num;
use crate::value::ops::{text_of, to_int, to_num};
use crate::value::Value;

const MAX_WIDTH: usize = 100_000;

fn real_arg(v: Option<&Value>) -> f64 {
    match v.and_then(to_num) {
        Some(num::Num::Int(i)) => i as f64,
        Some(num::Num::Real(r)) => r,
        None => 0.0,
    }
}

/// Formats `args` according to `fmt`.
pub fn format(fmt: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut ai = 0usize;
    let mut next = || {
        let v = args.get(ai);
        ai += 1;
        v
    };
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let (mut left, mut plus, mut space, mut zero, mut alt, mut comma) = (false, false, false, false, false, false);
        while i < chars.len() {
            match chars[i] {
                '-' => left = true,
                '+' => plus = true,
                ' ' => space = true,
                '0' => zero = true,
                '#' | '!' => alt = true,
                ',' => comma = true,
                _ => break,
            }
            i += 1;
        }
        let mut width = 0usize;
        if i < chars.len() && chars[i] == '*' {
            let w = next().and_then(to_int).unwrap_or(0);
            if w < 0 {
                left = true;
            }
            width = (w.unsigned_abs() as usize).min(MAX_WIDTH);
            i += 1;
        } else {
            while i < chars.len() && chars[i].is_ascii_digit() {
                width = (width * 10 + chars[i].to_digit(10).unwrap_or(0) as usize).min(MAX_WIDTH);
                i += 1;
            }
        }
        let mut prec: Option<usize> = None;
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            if i < chars.len() && chars[i] == '*' {
                let p = next().and_then(to_int).unwrap_or(0);
                prec = Some((p.max(0) as usize).min(MAX_WIDTH));
                i += 1;
            } else {
                let mut p = 0usize;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    p = (p * 10 + chars[i].to_digit(10).unwrap_or(0) as usize).min(MAX_WIDTH);
                    i += 1;
                }
                prec = Some(p);
            }
        }
        // Length modifiers are accepted and ignored.
        while i < chars.len() && (chars[i] == 'l' || chars[i] == 'h') {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let conv = chars[i];
        i += 1;
        let mut numeric = false;
        let body: String = match conv {
            '%' => "%".to_string(),
            'd' | 'i' | 'u' => {
                numeric = true;
                let v = next().and_then(to_int).unwrap_or(0);
                let v = if conv == 'u' && v < 0 { 0 } else { v };
                let mut digits = v.unsigned_abs().to_string();
                if let Some(p) = prec {
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                if comma {
                    let mut g = String::new();
                    for (k, ch) in digits.chars().enumerate() {
                        if k > 0 && (digits.len() - k) % 3 == 0 {
                            g.push(',');
                        }
                        g.push(ch);
                    }
                    digits = g;
                }
                let sign = if v < 0 {
                    "-"
                } else if plus {
                    "+"
                } else if space {
                    " "
                } else {
                    ""
                };
                format!("{sign}{digits}")
            }
            'x' | 'X' | 'o' => {
                numeric = true;
                let v = next().and_then(to_int).unwrap_or(0) as u64;
                let mut s = match conv {
                    'x' => format!("{v:x}"),
                    'X' => format!("{v:X}"),
                    _ => format!("{v:o}"),
                };
                if let Some(p) = prec {
                    while s.len() < p {
                        s.insert(0, '0');
                    }
                }
                if alt && v != 0 {
                    s = match conv {
                        'x' => format!("0x{s}"),
                        'X' => format!("0X{s}"),
                        _ => format!("0{s}"),
                    };
                }
                s
            }
            'f' | 'e' | 'E' | 'g' | 'G' => {
                numeric = true;
                let r = real_arg(next());
                let p = prec.unwrap_or(6).min(350);
                let mut s = match conv {
                    'f' => format!("{:.*}", p, r.abs()),
                    'e' | 'E' => {
                        let e = format!("{:.*e}", p, r.abs());
                        let (m, x) = e.split_once('e').unwrap_or((&e, "0"));
                        let x: i32 = x.parse().unwrap_or(0);
                        let s = format!("{m}e{}{:02}", if x < 0 { '-' } else { '+' }, x.abs());
                        if conv == 'E' {
                            s.to_uppercase()
                        } else {
                            s
                        }
                    }
                    _ => {
                        let mut s = String::new();
                        num::format_real_into(r.abs(), p.max(1), &mut s);
                        if !alt {
                            if let Some(stripped) = s.strip_suffix(".0") {
                                s = stripped.to_string();
                            } else if let Some(pos) = s.find(".0e") {
                                s.replace_range(pos..pos + 2, "");
                            }
                        }
                        if conv == 'G' {
                            s.to_uppercase()
                        } else {
                            s
                        }
                    }
                };
                if r.is_infinite() {
                    s = "Inf".to_string();
                }
                let sign = if r < 0.0 {
                    "-"
                } else if plus {
                    "+"
                } else if space {
                    " "
                } else {
                    ""
                };
                format!("{sign}{s}")
            }
            'c' => {
                let t = next().and_then(|v| text_of(v).map(|s| s.into_owned())).unwrap_or_default();
                let ch = t.chars().next().map(|c| c.to_string()).unwrap_or_default();
                ch.repeat(prec.unwrap_or(1).max(1))
            }
            's' | 'z' => {
                let t = next().and_then(|v| text_of(v).map(|s| s.into_owned())).unwrap_or_default();
                match prec {
                    Some(p) => t.chars().take(p).collect(),
                    None => t,
                }
            }
            'q' | 'Q' | 'w' => {
                let v = next();
                match v {
                    None | Some(Value::Null) if conv == 'Q' => "NULL".to_string(),
                    _ => {
                        let t = v.and_then(|v| text_of(v).map(|s| s.into_owned())).unwrap_or_default();
                        let t: String = match prec {
                            Some(p) => t.chars().take(p).collect(),
                            None => t,
                        };
                        let qc = if conv == 'w' { '"' } else { '\'' };
                        let mut s = String::new();
                        if conv == 'Q' {
                            s.push('\'');
                        }
                        for ch in t.chars() {
                            if ch == qc {
                                s.push(qc);
                            }
                            s.push(ch);
                        }
                        if conv == 'Q' {
                            s.push('\'');
                        }
                        s
                    }
                }
            }
            _ => String::new(),
        };
        let len = body.chars().count();
        if len >= width {
            out.push_str(&body);
        } else if left {
            out.push_str(&body);
            out.extend(std::iter::repeat(' ').take(width - len));
        } else if zero && numeric {
            let (sign, rest) = if body.starts_with(['-', '+', ' ']) { body.split_at(1) } else { ("", body.as_str()) };
            out.push_str(sign);
            out.extend(std::iter::repeat('0').take(width - len));
            out.push_str(rest);
        } else {
            out.extend(std::iter::repeat(' ').take(width - len));
            out.push_str(&body);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        let a = [Value::Integer(42), Value::Text("hi".into()), Value::Real(3.14159)];
        assert_eq!(format("%d-%s-%.2f", &a), "42-hi-3.14");
        assert_eq!(format("%5d|%-5d|%05d", &[Value::Integer(7), Value::Integer(7), Value::Integer(-7)]), "    7|7    |-0007");
        assert_eq!(format("%q", &[Value::Text("it's".into())]), "it''s");
        assert_eq!(format("%Q", &[Value::Null]), "NULL");
        assert_eq!(format("%x %%", &[Value::Integer(255)]), "ff %");
        assert_eq!(format("%g", &[Value::Real(0.5)]), "0.5");
        assert_eq!(format("%,d", &[Value::Integer(1234567)]), "1,234,567");
    }
}
