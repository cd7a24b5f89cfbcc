//! JSON functions (SQLite's json1, text JSON): json, json_valid, json_type,
//! json_extract and the `->` / `->>` operators, json_quote, json_array,
//! json_object; json_group_array / json_group_object build on `Builder`
//! here and live in aggregate.rs.
//!
//! Format: input is RFC 8259 JSON text. A parsed value keeps numbers and
//! strings as they were written (escapes included), so `json()` returns the
//! input minified, as SQLite does. Paths: `$`, then `.label`, `."label"`,
//! `[N]`, `[#]`, `[#-N]`.
//!
//! Subtype: SQLite embeds a value produced by a JSON function as JSON (not
//! as a string) when it is passed straight to json_array / json_object /
//! json_quote / json_group_*. The compiler marks such arguments in
//! `FuncEnv::json_args` (bit k: argument k); a marked text that does not
//! parse is taken as a string.
//!
//! Invariants: nesting deeper than 1000 is "malformed JSON" (no unbounded
//! recursion); BLOB arguments fail "JSON cannot hold BLOB values".

use super::{FuncDef, FuncEnv, FuncKind};
use crate::error::{Error, Result};
use crate::value::num::format_real;
use crate::value::Value;

const MAX_DEPTH: usize = 1000;

/// A parsed JSON value; numbers and strings keep their source text
/// (strings without the quotes, escapes as written).
#[derive(Clone, Debug, PartialEq)]
pub enum J {
    Null,
    True,
    False,
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn value(&mut self, depth: usize) -> Option<J> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        let c = *self.b.get(self.i)?;
        match c {
            b'{' => {
                self.i += 1;
                let mut out = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Some(J::Obj(out));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let k = self.string()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return None;
                    }
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    out.push((k, v));
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Some(J::Obj(out));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut out = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Some(J::Arr(out));
                }
                loop {
                    out.push(self.value(depth + 1)?);
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Some(J::Arr(out));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(J::Str),
            b't' => self.word(b"true", J::True),
            b'f' => self.word(b"false", J::False),
            b'n' => self.word(b"null", J::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }
    fn word(&mut self, w: &[u8], j: J) -> Option<J> {
        if self.b.get(self.i..self.i + w.len()) == Some(w) {
            self.i += w.len();
            Some(j)
        } else {
            None
        }
    }
    /// A string at `"`: its body as written.
    fn string(&mut self) -> Option<String> {
        let start = self.i + 1;
        let mut i = start;
        loop {
            let c = *self.b.get(i)?;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = *self.b.get(i + 1)?;
                    match e {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                        b'u' => {
                            let h = self.b.get(i + 2..i + 6)?;
                            if !h.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            i += 6;
                        }
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => i += 1,
            }
        }
        self.i = i + 1;
        std::str::from_utf8(&self.b[start..i]).ok().map(str::to_string)
    }
    fn number(&mut self) -> Option<J> {
        let start = self.i;
        let b = self.b;
        let mut i = self.i;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while b.get(i).map_or(false, u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return None,
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !b.get(i).map_or(false, u8::is_ascii_digit) {
                return None;
            }
            while b.get(i).map_or(false, u8::is_ascii_digit) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !b.get(i).map_or(false, u8::is_ascii_digit) {
                return None;
            }
            while b.get(i).map_or(false, u8::is_ascii_digit) {
                i += 1;
            }
        }
        self.i = i;
        Some(J::Num(String::from_utf8_lossy(&b[start..i]).into_owned()))
    }
}

/// Parses JSON text (None: malformed).
pub fn parse(text: &str) -> Option<J> {
    let mut p = P { b: text.as_bytes(), i: 0 };
    let v = p.value(0)?;
    p.ws();
    if p.i == p.b.len() {
        Some(v)
    } else {
        None
    }
}

fn malformed() -> Error {
    Error::sql("malformed JSON")
}

/// The JSON value of a function argument that must be JSON text.
fn arg_json(v: &Value) -> Result<Option<J>> {
    match v {
        Value::Null => Ok(None),
        Value::Text(s) => parse(s).map(Some).ok_or_else(malformed),
        Value::Integer(i) => Ok(Some(J::Num(i.to_string()))),
        Value::Real(r) => Ok(Some(J::Num(format_real(*r)))),
        Value::Blob(_) => Err(malformed()),
    }
}

/// Writes `j` minified.
pub fn render(j: &J, out: &mut String) {
    match j {
        J::Null => out.push_str("null"),
        J::True => out.push_str("true"),
        J::False => out.push_str("false"),
        J::Num(n) => out.push_str(n),
        J::Str(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        J::Arr(a) => {
            out.push('[');
            for (k, x) in a.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                render(x, out);
            }
            out.push(']');
        }
        J::Obj(o) => {
            out.push('{');
            for (k, (key, x)) in o.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push('"');
                out.push_str(key);
                out.push_str("\":");
                render(x, out);
            }
            out.push('}');
        }
    }
}

fn rendered(j: &J) -> String {
    let mut s = String::new();
    render(j, &mut s);
    s
}

/// Escapes SQL text as a JSON string body.
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

/// The text a JSON string body stands for.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| -> u32 {
                    let h: String = it.by_ref().take(4).collect();
                    u32::from_str_radix(&h, 16).unwrap_or(0xfffd)
                };
                let mut cp = hex(&mut it);
                if (0xd800..0xdc00).contains(&cp) {
                    let mut look = it.clone();
                    if look.next() == Some('\\') && look.next() == Some('u') {
                        let lo = hex(&mut look);
                        if (0xdc00..0xe000).contains(&lo) {
                            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                            it = look;
                        }
                    }
                }
                out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
            }
            Some(o) => out.push(o),
            None => {}
        }
    }
    out
}

/// The SQL value of a JSON value (json_extract, ->>).
fn to_sql(j: &J) -> Value {
    match j {
        J::Null => Value::Null,
        J::True => Value::Integer(1),
        J::False => Value::Integer(0),
        J::Num(n) => {
            if !n.contains(['.', 'e', 'E']) {
                if let Ok(i) = n.parse::<i64>() {
                    return Value::Integer(i);
                }
            }
            Value::Real(n.parse::<f64>().unwrap_or(0.0))
        }
        J::Str(s) => Value::Text(unescape(s)),
        J::Arr(_) | J::Obj(_) => Value::Text(rendered(j)),
    }
}

fn type_name(j: &J) -> &'static str {
    match j {
        J::Null => "null",
        J::True => "true",
        J::False => "false",
        J::Num(n) if n.contains(['.', 'e', 'E']) => "real",
        J::Num(n) => {
            if n.parse::<i64>().is_ok() {
                "integer"
            } else {
                "real"
            }
        }
        J::Str(_) => "text",
        J::Arr(_) => "array",
        J::Obj(_) => "object",
    }
}

/// Follows `path` in `j`: Ok(None) when absent, Err for a bad path.
fn lookup<'a>(j: &'a J, path: &str) -> Result<Option<&'a J>> {
    let bad = || Error::sql(format!("bad JSON path: '{path}'"));
    let b = path.as_bytes();
    if b.first() != Some(&b'$') {
        return Err(bad());
    }
    let mut i = 1;
    let mut cur = Some(j);
    while i < b.len() {
        match b[i] {
            b'.' => {
                i += 1;
                let key: String = if b.get(i) == Some(&b'"') {
                    let end = path[i + 1..].find('"').ok_or_else(bad)? + i + 1;
                    let k = path[i + 1..end].to_string();
                    i = end + 1;
                    k
                } else {
                    let start = i;
                    while i < b.len() && b[i] != b'.' && b[i] != b'[' {
                        i += 1;
                    }
                    if i == start {
                        return Err(bad());
                    }
                    path[start..i].to_string()
                };
                cur = match cur {
                    Some(J::Obj(o)) => o.iter().find(|(k, _)| *k == key || unescape(k) == key).map(|(_, v)| v),
                    _ => None,
                };
            }
            b'[' => {
                let end = path[i..].find(']').ok_or_else(bad)? + i;
                let inner = path[i + 1..end].trim();
                i = end + 1;
                let arr = match cur {
                    Some(J::Arr(a)) => Some(a),
                    _ => None,
                };
                let idx: Option<usize> = if let Some(rest) = inner.strip_prefix('#') {
                    let n = arr.map_or(0, |a| a.len());
                    let back: usize = match rest.trim() {
                        "" => 0,
                        r => r.strip_prefix('-').and_then(|d| d.trim().parse().ok()).ok_or_else(bad)?,
                    };
                    n.checked_sub(back)
                } else {
                    Some(inner.parse::<usize>().map_err(|_| bad())?)
                };
                cur = match (arr, idx) {
                    (Some(a), Some(k)) => a.get(k),
                    _ => None,
                };
            }
            _ => return Err(bad()),
        }
    }
    Ok(cur)
}

/// A SQL value as JSON for the builders; `is_json`: the argument came from
/// a JSON function.
fn from_sql(v: &Value, is_json: bool) -> Result<J> {
    Ok(match v {
        Value::Null => J::Null,
        Value::Integer(i) => J::Num(i.to_string()),
        Value::Real(r) => {
            if r.is_nan() {
                J::Null
            } else if r.is_infinite() {
                J::Num(if *r > 0.0 { "9.0e+999".into() } else { "-9.0e+999".into() })
            } else {
                J::Num(format_real(*r))
            }
        }
        Value::Text(s) => match (is_json, parse(s)) {
            (true, Some(j)) => j,
            _ => {
                let mut e = String::new();
                escape(s, &mut e);
                J::Str(e)
            }
        },
        Value::Blob(_) => return Err(Error::sql("JSON cannot hold BLOB values")),
    })
}

fn is_json_arg(env: &FuncEnv<'_>, k: usize) -> bool {
    k < 16 && env.json_args & (1 << k) != 0
}

fn json(_: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    Ok(match arg_json(&a[0])? {
        None => Value::Null,
        Some(j) => Value::Text(rendered(&j)),
    })
}

fn json_valid(_: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    Ok(match &a[0] {
        Value::Null => Value::Null,
        Value::Text(s) => Value::Integer(parse(s).is_some() as i64),
        Value::Integer(_) | Value::Real(_) => Value::Integer(1),
        Value::Blob(_) => Value::Integer(0),
    })
}

fn json_type(_: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    let Some(j) = arg_json(&a[0])? else { return Ok(Value::Null) };
    let found = match a.get(1) {
        None => Some(&j),
        Some(Value::Null) => return Ok(Value::Null),
        Some(p) => lookup(&j, &path_text(p))?,
    };
    Ok(found.map_or(Value::Null, |x| Value::Text(type_name(x).into())))
}

fn path_text(v: &Value) -> String {
    crate::value::ops::text_of(v).map(|t| t.into_owned()).unwrap_or_default()
}

fn json_extract(_: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    let Some(j) = arg_json(&a[0])? else { return Ok(Value::Null) };
    if a.len() == 2 {
        if a[1].is_null() {
            return Ok(Value::Null);
        }
        return Ok(lookup(&j, &path_text(&a[1]))?.map_or(Value::Null, to_sql));
    }
    let mut out = Vec::new();
    for p in &a[1..] {
        if p.is_null() {
            return Ok(Value::Null);
        }
        out.push(lookup(&j, &path_text(p))?.cloned().unwrap_or(J::Null));
    }
    Ok(Value::Text(rendered(&J::Arr(out))))
}

/// The path `->` / `->>` mean by their right operand (a negative integer
/// is a bad path, as in SQLite 3.46).
fn arrow_path(v: &Value) -> Result<String> {
    Ok(match v {
        Value::Integer(i) if *i < 0 => return Err(Error::sql(format!("bad JSON path: '{i}'"))),
        Value::Integer(i) => format!("$[{i}]"),
        _ => {
            let t = path_text(v);
            if t.starts_with('$') {
                t
            } else {
                format!("$.\"{t}\"")
            }
        }
    })
}

fn arrow(_: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    let Some(j) = arg_json(&a[0])? else { return Ok(Value::Null) };
    if a[1].is_null() {
        return Ok(Value::Null);
    }
    Ok(lookup(&j, &arrow_path(&a[1])?)?.map_or(Value::Null, |x| Value::Text(rendered(x))))
}

fn long_arrow(_: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    let Some(j) = arg_json(&a[0])? else { return Ok(Value::Null) };
    if a[1].is_null() {
        return Ok(Value::Null);
    }
    Ok(lookup(&j, &arrow_path(&a[1])?)?.map_or(Value::Null, to_sql))
}

fn json_quote(env: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    Ok(Value::Text(rendered(&from_sql(&a[0], is_json_arg(env, 0))?)))
}

fn json_array(env: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    let mut out = Vec::with_capacity(a.len());
    for (k, v) in a.iter().enumerate() {
        out.push(from_sql(v, is_json_arg(env, k))?);
    }
    Ok(Value::Text(rendered(&J::Arr(out))))
}

fn json_object(env: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    if a.len() % 2 != 0 {
        return Err(Error::sql("json_object() requires an even number of arguments"));
    }
    let mut out = Vec::with_capacity(a.len() / 2);
    for (k, pair) in a.chunks(2).enumerate() {
        let Value::Text(label) = &pair[0] else { return Err(Error::sql("json_object() labels must be TEXT")) };
        let mut key = String::new();
        escape(label, &mut key);
        out.push((key, from_sql(&pair[1], is_json_arg(env, 2 * k + 1))?));
    }
    Ok(Value::Text(rendered(&J::Obj(out))))
}

/// One element of json_group_array / a member of json_group_object.
pub fn group_piece(v: &Value, is_json: bool, out: &mut String) -> Result<()> {
    render(&from_sql(v, is_json)?, out);
    Ok(())
}

/// json_group_object's label (any value, as text).
pub fn group_label(v: &Value, out: &mut String) -> Result<()> {
    let label = crate::value::ops::text_of(v).map(|t| t.into_owned()).unwrap_or_default();
    out.push('"');
    escape(&label, out);
    out.push_str("\":");
    Ok(())
}

const fn f(name: &'static str, min_args: i32, max_args: i32, func: super::ScalarFn) -> FuncDef {
    FuncDef { name, min_args, max_args, kind: FuncKind::Scalar(func), deterministic: true }
}

pub static JSON_FUNCS: &[FuncDef] = &[
    f("json", 1, 1, json),
    f("json_valid", 1, 1, json_valid),
    f("json_type", 1, 2, json_type),
    f("json_extract", 2, -1, json_extract),
    f("json_quote", 1, 1, json_quote),
    f("json_array", 0, -1, json_array),
    f("json_object", 0, -1, json_object),
];

/// The `->` and `->>` operators.
pub static ARROW: FuncDef = f("->", 2, 2, arrow);
pub static LONG_ARROW: FuncDef = f("->>", 2, 2, long_arrow);

/// Names whose results are JSON (embedded as JSON by the builders).
pub fn returns_json(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "json" | "json_array" | "json_object" | "json_quote" | "json_group_array" | "json_group_object" | "json_extract"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_render_and_paths() {
        let j = parse(" { \"a\" : [1, 2.50, {\"b\": null}], \"c\\n\": \"x\\u0041\" } ").unwrap();
        assert_eq!(rendered(&j), "{\"a\":[1,2.50,{\"b\":null}],\"c\\n\":\"x\\u0041\"}");
        assert_eq!(lookup(&j, "$.a[1]").unwrap(), Some(&J::Num("2.50".into())));
        assert_eq!(lookup(&j, "$.a[#-1].b").unwrap(), Some(&J::Null));
        assert_eq!(to_sql(lookup(&j, "$.\"c\\n\"").unwrap().unwrap()), Value::Text("xA".into()));
        assert!(lookup(&j, "a").is_err());
        assert!(parse("[1,]").is_none());
        assert!(parse(&"[".repeat(2000)).is_none());
    }
}
