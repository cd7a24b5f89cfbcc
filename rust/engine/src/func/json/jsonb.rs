//! Reading SQLite's binary JSON (JSONB) arguments: a BLOB argument that
//! looks like JSONB is decoded into a `Node`; any other BLOB is read as
//! JSON text (SQLite's tag-20240123-a compatibility rule).
//!
//! Format (one element): header byte, low nibble = type (0 null, 1 true,
//! 2 false, 3 int, 4 int5, 5 float, 6 float5, 7 text, 8 textj, 9 text5,
//! 10 textraw, 11 array, 12 object), high nibble = payload size 0..=11, or
//! 12/13/14/15 = size in the next 1/2/4/8 bytes (big-endian). Arrays hold
//! elements, objects alternate text labels and values; payloads of
//! numbers/strings are their text.
//!
//! Invariants: sizes are checked against the buffer before any slice;
//! nesting deeper than `MAX_DEPTH` is rejected; never panics.

use super::node::{escape, unescape, Node, MAX_DEPTH};

/// (header length, payload size) of the element at `i`, if in bounds.
fn header(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let x = *b.get(i)? >> 4;
    let (n, sz) = match x {
        0..=11 => (1, x as u64),
        12 => (2, *b.get(i + 1)? as u64),
        13 => (3, u16::from_be_bytes(b.get(i + 1..i + 3)?.try_into().ok()?) as u64),
        14 => (5, u32::from_be_bytes(b.get(i + 1..i + 5)?.try_into().ok()?) as u64),
        _ => (9, u64::from_be_bytes(b.get(i + 1..i + 9)?.try_into().ok()?)),
    };
    let sz = usize::try_from(sz).ok()?;
    if i.checked_add(n)?.checked_add(sz)? > b.len() {
        return None;
    }
    Some((n, sz))
}

/// SQLite's superficial JSONB test (jsonFuncArgMightBeBinary).
pub fn might_be_jsonb(b: &[u8]) -> bool {
    let Some(&h) = b.first() else { return false };
    if h & 0x0f > 12 {
        return false;
    }
    match header(b, 0) {
        Some((n, sz)) => n + sz == b.len() && (h & 0x0f > 2 || sz == 0),
        None => false,
    }
}

/// Decodes a whole JSONB blob; `None` if malformed.
pub fn decode(b: &[u8]) -> Option<Node> {
    let (node, end) = element(b, 0, 0)?;
    (end == b.len()).then_some(node)
}

fn text(b: &[u8]) -> Option<&str> {
    std::str::from_utf8(b).ok()
}

fn element(b: &[u8], i: usize, depth: usize) -> Option<(Node, usize)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let (n, sz) = header(b, i)?;
    let p = &b[i + n..i + n + sz];
    let end = i + n + sz;
    let node = match b[i] & 0x0f {
        0..=2 if sz != 0 => return None,
        0 => Node::Null,
        1 => Node::True,
        2 => Node::False,
        3..=6 => {
            let t = text(p)?;
            match super::parse::parse(t).ok()?.node {
                n @ (Node::Int(_) | Node::Real(_)) => n,
                _ => return None,
            }
        }
        7 | 8 => Node::Str(text(p)?.to_string()),
        9 => Node::Str(escape(&unescape(text(p)?))),
        10 => Node::Str(escape(text(p)?)),
        11 => {
            let mut items = Vec::new();
            let mut j = i + n;
            while j < end {
                let (v, next) = element(&b[..end], j, depth + 1)?;
                items.push(v);
                j = next;
            }
            Node::Arr(items)
        }
        12 => {
            let mut members = Vec::new();
            let mut j = i + n;
            while j < end {
                let (k, next) = element(&b[..end], j, depth + 1)?;
                let Node::Str(k) = k else { return None };
                if next >= end {
                    return None;
                }
                let (v, next) = element(&b[..end], next, depth + 1)?;
                members.push((k, v));
                j = next;
            }
            Node::Obj(members)
        }
        _ => return None,
    };
    Some((node, end))
}
