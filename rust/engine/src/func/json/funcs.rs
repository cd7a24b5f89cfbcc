//! The scalar JSON functions: json, json_valid, json_type, json_extract,
//! `->`, `->>`, json_array, json_object, json_quote, json_array_length,
//! json_insert/replace/set/remove, json_patch, json_error_position,
//! json_pretty.
//!
//! Subtype rule: an argument whose bit is set in `FuncEnv::json_args`
//! came straight from a JSON-returning function (SQLite's JSON subtype), so
//! a text value there is embedded as JSON rather than quoted as a string.
//!
//! Invariants: NULL JSON input gives NULL; text that does not parse is
//! "malformed JSON"; a bad path is "bad JSON path: '...'"; no panics.

use super::node::{escape, unescape, Node};
use super::path::{self, Mode};
use crate::error::{Error, Result};
use crate::func::FuncEnv;
use crate::value::num::{self, format_real};
use crate::value::ops::text_of;
use crate::value::Value;

type R = Result<Value>;

pub fn malformed() -> Error {
    Error::sql("malformed JSON")
}

/// An editing path with more steps than `path::MAX_PATH_STEPS` (our
/// bound; SQLite has none).
fn too_deep() -> Error {
    Error::sql("JSON path too deep")
}

fn bad_path(p: &str) -> Error {
    Error::sql(format!("bad JSON path: '{}'", p.replace('\'', "''")))
}

/// The JSON tree of a function's JSON argument; `None` for NULL.
pub fn arg_node(v: &Value) -> Result<Option<Node>> {
    match v {
        Value::Null => Ok(None),
        Value::Blob(b) if super::jsonb::might_be_jsonb(b) => super::jsonb::decode(b).map(Some).ok_or_else(malformed),
        v => {
            let t = text_of(v).unwrap_or_default();
            super::parse::parse(&t).map(|p| Some(p.node)).map_err(|_| malformed())
        }
    }
}

/// A path argument: its text (starting with `$`), `None` for NULL.
fn path_arg(v: &Value) -> Result<Option<String>> {
    match v {
        Value::Null => Ok(None),
        v => {
            let t = text_of(v).unwrap_or_default().into_owned();
            if !t.starts_with('$') {
                return Err(bad_path(&t));
            }
            Ok(Some(t))
        }
    }
}

/// Looks `path` (starting with `$`) up in `root`.
fn find<'a>(root: &'a Node, path: &str) -> Result<Option<&'a Node>> {
    path::lookup(root, &path[1..]).map_err(|_| bad_path(path))
}

fn is_subtyped(env: &FuncEnv<'_>, k: usize) -> bool {
    k < 16 && env.json_args & (1 << k) != 0
}

/// A SQL value as a JSON node (jsonAppendSqlValue); `json` = the value
/// carries the JSON subtype.
pub fn value_node(v: &Value, json: bool) -> Result<Node> {
    Ok(match v {
        Value::Null => Node::Null,
        Value::Integer(i) => Node::Int(i.to_string()),
        Value::Real(r) => Node::Real(real_text(*r)),
        Value::Text(s) => {
            if json {
                if let Ok(p) = super::parse::parse(s) {
                    return Ok(p.node);
                }
            }
            Node::Str(escape(s))
        }
        Value::Blob(b) if super::jsonb::might_be_jsonb(b) => super::jsonb::decode(b).ok_or_else(malformed)?,
        Value::Blob(_) => return Err(Error::sql("JSON cannot hold BLOB values")),
    })
}

/// `%!0.15g` of a real as SQLite's JSON writer prints it.
fn real_text(r: f64) -> String {
    if r.is_infinite() {
        return if r < 0.0 { "-9.0e+999".into() } else { "9.0e+999".into() };
    }
    if r == 0.0 {
        return "0.0".into(); // SQLite's JSON writer drops the sign of -0.0
    }
    format_real(r)
}

/// A node as the SQL value json_extract()/`->>` return (containers as JSON
/// text).
pub fn node_value(n: &Node) -> Value {
    match n {
        Node::Null => Value::Null,
        Node::True => Value::Integer(1),
        Node::False => Value::Integer(0),
        Node::Int(t) => {
            let (neg, digits) = match t.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, t.as_str()),
            };
            match digits.parse::<i64>() {
                Ok(v) => Value::Integer(if neg { -v } else { v }),
                Err(_) if neg && digits == "9223372036854775808" => Value::Integer(i64::MIN),
                Err(_) => Value::Real(num::text_to_real(t.as_bytes())),
            }
        }
        Node::Real(t) => {
            let r = num::text_to_real(t.as_bytes());
            if r.is_nan() {
                Value::Null
            } else {
                Value::Real(r)
            }
        }
        Node::Str(t) => Value::Text(unescape(t)),
        Node::Arr(_) | Node::Obj(_) => Value::Text(n.render()),
    }
}

pub fn json(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(match arg_node(&a[0])? {
        None => Value::Null,
        Some(n) => Value::Text(n.render()),
    })
}

pub fn json_valid(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let flags = if a.len() > 1 {
        let f = crate::func::scalar::int_arg(&a[1]);
        if !(1..=15).contains(&f) {
            return Err(Error::sql("FLAGS parameter to json_valid() must be between 1 and 15"));
        }
        f
    } else {
        1
    };
    Ok(match &a[0] {
        Value::Null => Value::Null,
        Value::Blob(b) if super::jsonb::might_be_jsonb(b) => {
            let ok = flags & 4 != 0 || (flags & 8 != 0 && super::jsonb::decode(b).is_some());
            Value::Integer(ok as i64)
        }
        v => {
            if flags & 3 == 0 {
                return Ok(Value::Integer(0));
            }
            let t = text_of(v).unwrap_or_default();
            let ok = match super::parse::parse(&t) {
                Ok(p) => flags & 2 != 0 || !p.nonstd,
                Err(_) => false,
            };
            Value::Integer(ok as i64)
        }
    })
}

pub fn json_type(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let Some(root) = arg_node(&a[0])? else { return Ok(Value::Null) };
    let n = if a.len() > 1 {
        let Some(p) = path_arg(&a[1])? else { return Ok(Value::Null) };
        match find(&root, &p)? {
            Some(n) => n,
            None => return Ok(Value::Null),
        }
    } else {
        &root
    };
    Ok(Value::Text(n.type_name().into()))
}

pub fn json_extract(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    if a.len() < 2 {
        return Ok(Value::Null);
    }
    let Some(root) = arg_node(&a[0])? else { return Ok(Value::Null) };
    if a.len() == 2 {
        let Some(p) = path_arg(&a[1])? else { return Ok(Value::Null) };
        return Ok(find(&root, &p)?.map_or(Value::Null, node_value));
    }
    let mut out = Vec::new();
    for v in &a[1..] {
        let Some(p) = path_arg(v)? else { return Ok(Value::Null) };
        out.push(find(&root, &p)?.cloned().unwrap_or(Node::Null));
    }
    Ok(Value::Text(Node::Arr(out).render()))
}

/// json_extract() as compiled directly inside a JSON consumer: the same
/// result except that a string comes back JSON-quoted (the consumer marks
/// this argument as JSON, so it is embedded as the string it denotes).
pub fn json_extract_quoted(env: &mut FuncEnv<'_>, a: &[Value]) -> R {
    if a.len() == 2 {
        let Some(root) = arg_node(&a[0])? else { return Ok(Value::Null) };
        let Some(p) = path_arg(&a[1])? else { return Ok(Value::Null) };
        return Ok(match find(&root, &p)? {
            // the SQL string json_extract() returns, as a consumer quotes it
            Some(Node::Str(t)) => Value::Text(format!("\"{}\"", escape(&unescape(t)))),
            Some(n) => node_value(n),
            None => Value::Null,
        });
    }
    json_extract(env, a)
}

/// The node `->`/`->>` select: the path is a full `$` path, or an
/// abbreviation (integer index, `[N]`, or an object label).
fn arrow_find<'a>(root: &'a Node, v: &Value) -> Result<Option<&'a Node>> {
    let t = match v {
        Value::Null => return Ok(None),
        Value::Integer(i) => {
            let p = format!("[{i}]");
            return path::lookup(root, &p).map_err(|_| bad_path(&i.to_string()));
        }
        v => text_of(v).unwrap_or_default().into_owned(),
    };
    let p = if let Some(rest) = t.strip_prefix('$') {
        rest.to_string()
    } else if t.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
        format!(".{t}")
    } else if t.starts_with('[') && t.len() >= 3 && t.ends_with(']') {
        t.clone()
    } else {
        format!(".\"{t}\"")
    };
    path::lookup(root, &p).map_err(|_| bad_path(&t))
}

/// `X -> P`: the JSON text at P.
pub fn arrow(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let Some(root) = arg_node(&a[0])? else { return Ok(Value::Null) };
    Ok(arrow_find(&root, &a[1])?.map_or(Value::Null, |n| Value::Text(n.render())))
}

/// `X ->> P`: the SQL value at P.
pub fn long_arrow(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let Some(root) = arg_node(&a[0])? else { return Ok(Value::Null) };
    Ok(arrow_find(&root, &a[1])?.map_or(Value::Null, node_value))
}

pub fn json_array(env: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let mut items = Vec::with_capacity(a.len());
    for (k, v) in a.iter().enumerate() {
        items.push(value_node(v, is_subtyped(env, k))?);
    }
    Ok(Value::Text(Node::Arr(items).render()))
}

pub fn json_object(env: &mut FuncEnv<'_>, a: &[Value]) -> R {
    if !a.len().is_multiple_of(2) {
        return Err(Error::sql("json_object() requires an even number of arguments"));
    }
    let mut members = Vec::with_capacity(a.len() / 2);
    for k in (0..a.len()).step_by(2) {
        let key = match &a[k] {
            Value::Text(s) => s.clone(),
            _ => return Err(Error::sql("json_object() labels must be TEXT")),
        };
        members.push((escape(&key), value_node(&a[k + 1], is_subtyped(env, k + 1))?));
    }
    Ok(Value::Text(Node::Obj(members).render()))
}

pub fn json_quote(env: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(Value::Text(value_node(&a[0], is_subtyped(env, 0))?.render()))
}

pub fn json_array_length(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let Some(root) = arg_node(&a[0])? else { return Ok(Value::Null) };
    let n = if a.len() > 1 {
        let Some(p) = path_arg(&a[1])? else { return Ok(Value::Null) };
        match find(&root, &p)? {
            Some(n) => n,
            None => return Ok(Value::Null),
        }
    } else {
        &root
    };
    Ok(Value::Integer(match n {
        Node::Arr(v) => v.len() as i64,
        _ => 0,
    }))
}

fn edit_fn(env: &mut FuncEnv<'_>, a: &[Value], mode: Mode, name: &str) -> R {
    if a.is_empty() {
        return Ok(Value::Null);
    }
    if a.len().is_multiple_of(2) {
        return Err(Error::sql(format!("json_{name}() needs an odd number of arguments")));
    }
    let Some(mut root) = arg_node(&a[0])? else { return Ok(Value::Null) };
    for k in (1..a.len()).step_by(2) {
        let Some(p) = path_arg(&a[k])? else { continue };
        let v = value_node(&a[k + 1], is_subtyped(env, k + 1))?;
        path::check_depth(&p).map_err(|_| too_deep())?;
        path::edit(&mut root, &p[1..], v, mode).map_err(|_| bad_path(&p))?;
    }
    Ok(Value::Text(root.render()))
}

pub fn json_insert(env: &mut FuncEnv<'_>, a: &[Value]) -> R {
    edit_fn(env, a, Mode::Insert, "insert")
}
pub fn json_replace(env: &mut FuncEnv<'_>, a: &[Value]) -> R {
    edit_fn(env, a, Mode::Replace, "replace")
}
pub fn json_set(env: &mut FuncEnv<'_>, a: &[Value]) -> R {
    edit_fn(env, a, Mode::Set, "set")
}

pub fn json_remove(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    if a.is_empty() {
        return Ok(Value::Null);
    }
    let Some(mut root) = arg_node(&a[0])? else { return Ok(Value::Null) };
    for v in &a[1..] {
        let Some(p) = path_arg(v)? else { return Ok(Value::Null) };
        if p.len() == 1 {
            return Ok(Value::Null);
        }
        path::check_depth(&p).map_err(|_| too_deep())?;
        path::remove(&mut root, &p[1..]).map_err(|_| bad_path(&p))?;
    }
    Ok(Value::Text(root.render()))
}

/// RFC 7396 merge patch.
fn merge_patch(target: Node, patch: Node) -> Node {
    let Node::Obj(pm) = patch else { return patch };
    let mut tm = match target {
        Node::Obj(m) => m,
        _ => Vec::new(),
    };
    for (k, v) in pm {
        let label = unescape(&k);
        let pos = tm.iter().position(|(rk, _)| unescape(rk) == label);
        match (pos, v) {
            (Some(p), Node::Null) => {
                tm.remove(p);
            }
            (None, Node::Null) => {}
            (Some(p), v) => {
                let old = std::mem::replace(&mut tm[p].1, Node::Null);
                tm[p].1 = merge_patch(old, v);
            }
            (None, v) => {
                let nv = merge_patch(Node::Null, v);
                tm.push((k, nv));
            }
        }
    }
    Node::Obj(tm)
}

pub fn json_patch(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let Some(t) = arg_node(&a[0])? else { return Ok(Value::Null) };
    let Some(p) = arg_node(&a[1])? else { return Ok(Value::Null) };
    Ok(Value::Text(merge_patch(t, p).render()))
}

pub fn json_error_position(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    Ok(match &a[0] {
        Value::Null => Value::Null,
        Value::Blob(b) if super::jsonb::might_be_jsonb(b) => Value::Integer(if super::jsonb::decode(b).is_some() { 0 } else { 1 }),
        v => {
            let t = text_of(v).unwrap_or_default();
            match super::parse::parse(&t) {
                Ok(_) => Value::Integer(0),
                Err(pos) => {
                    let pos = pos.min(t.len());
                    let chars = t.get(..pos).map_or(pos, |s| s.chars().count());
                    Value::Integer(chars as i64 + 1)
                }
            }
        }
    })
}

pub fn json_pretty(_: &mut FuncEnv<'_>, a: &[Value]) -> R {
    let Some(root) = arg_node(&a[0])? else { return Ok(Value::Null) };
    let indent = match a.get(1) {
        None | Some(Value::Null) => "    ".to_string(),
        Some(v) => text_of(v).unwrap_or_default().into_owned(),
    };
    let mut out = String::new();
    root.render_pretty(&indent, 0, &mut out);
    Ok(Value::Text(out))
}
