//! JSON path expressions (`$`, `.key`, `."quoted key"`, `[N]`, `[#]`,
//! `[#-N]`): lookup and the edits behind json_set/insert/replace/remove.
//!
//! Like SQLite, a path is interpreted lazily, one step at a time while
//! walking the tree: a malformed step is an error (`Err(PathError)`) only
//! when the walk reaches it; a step that does not apply to the node (a
//! `.key` on an array, an index past the end) ends the walk as "not found".
//! A `.key` step's syntax is checked before the node's type, an `[...]`
//! step's after it (SQLite's order). Callers check the leading `$`.
//!
//! Invariants: never panics on any tree or path; edits create missing
//! structure only where SQLite does (a missing key, or the append position
//! of an array), building it from the rest of the path.

use super::node::{escape, unescape, Node};

/// A malformed path step was reached.
#[derive(Debug)]
pub struct PathError;

type PR<T> = Result<T, PathError>;

/// Parses the `.key` step at the start of `p` (after the '.'): the
/// label (unescaped) and the bytes consumed.
fn key_step(p: &str) -> PR<(String, usize)> {
    let b = p.as_bytes();
    if b.first() == Some(&b'"') {
        let end = p[1..].find('"').ok_or(PathError)? + 1;
        Ok((unescape(&p[1..end]), end + 1))
    } else {
        let n = b.iter().position(|&c| c == b'.' || c == b'[').unwrap_or(b.len());
        if n == 0 {
            return Err(PathError);
        }
        Ok((p[..n].to_string(), n))
    }
}

/// Parses the `[...]` step at the start of `p` (at the '[') for an array
/// of `len` elements: `Some(index)` (may be >= len) and bytes consumed, or
/// `None` for `[#-N]` reaching before the start.
fn index_step(p: &str, len: usize) -> PR<(Option<usize>, usize)> {
    let b = p.as_bytes();
    let mut i = 1;
    let mut k = 0usize;
    while i < b.len() && b[i].is_ascii_digit() {
        k = k.saturating_mul(10).saturating_add((b[i] - b'0') as usize);
        i += 1;
    }
    if i >= 2 && b.get(i) == Some(&b']') {
        return Ok((Some(k), i + 1));
    }
    if b.get(1) != Some(&b'#') {
        return Err(PathError);
    }
    let mut idx = Some(len);
    i = 2;
    if b.get(2) == Some(&b'-') && b.get(3).is_some_and(|c| c.is_ascii_digit()) {
        i = 3;
        let mut nn = 0usize;
        while i < b.len() && b[i].is_ascii_digit() {
            nn = nn.saturating_mul(10).saturating_add((b[i] - b'0') as usize);
            i += 1;
        }
        idx = len.checked_sub(nn);
    }
    if b.get(i) != Some(&b']') {
        return Err(PathError);
    }
    Ok((idx, i + 1))
}

fn key_eq(raw: &str, label: &str) -> bool {
    if raw.contains('\\') {
        unescape(raw) == label
    } else {
        raw == label
    }
}

/// The node at path `p` (the text after `$`), `Ok(None)` if not found.
pub fn lookup<'a>(n: &'a Node, p: &str) -> PR<Option<&'a Node>> {
    let (mut n, mut p) = (n, p);
    loop {
        if p.is_empty() {
            return Ok(Some(n));
        }
        if let Some(rest) = p.strip_prefix('.') {
            let (key, used) = key_step(rest)?;
            let Node::Obj(m) = n else { return Ok(None) };
            let Some((_, v)) = m.iter().find(|(rk, _)| key_eq(rk, &key)) else { return Ok(None) };
            n = v;
            p = &rest[used..];
        } else if p.starts_with('[') {
            let Node::Arr(a) = n else { return Ok(None) };
            let (idx, used) = index_step(p, a.len())?;
            let Some(v) = idx.and_then(|i| a.get(i)) else { return Ok(None) };
            n = v;
            p = &p[used..];
        } else {
            return Err(PathError);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Insert,
    Replace,
    Set,
}

/// Builds what a missing path tail creates around `value` (SQLite's
/// jsonCreateEditSubstructure); `Ok(None)` when the tail cannot be created.
fn substructure(tail: &str, value: Node, mode: Mode) -> PR<Option<Node>> {
    if tail.is_empty() {
        return Ok(Some(value));
    }
    let mut c = if tail.starts_with('.') { Node::Obj(Vec::new()) } else { Node::Arr(Vec::new()) };
    let done = edit(&mut c, tail, value, mode)?;
    Ok(done.then_some(c))
}

/// Most steps an editing path may have: bounds the recursion of `edit`
/// and `remove` and the depth of the trees they build (SQLite has no such
/// limit; deeper paths fail "JSON path too deep" instead of risking the
/// stack).
pub const MAX_PATH_STEPS: usize = 1000;

/// Fails when `p` has more than `MAX_PATH_STEPS` steps (counted by their
/// leading '.' or '[', an upper bound).
pub fn check_depth(p: &str) -> PR<()> {
    if p.bytes().filter(|&c| c == b'.' || c == b'[').count() > MAX_PATH_STEPS {
        return Err(PathError);
    }
    Ok(())
}

/// Applies one insert/replace/set edit at path `p` (after `$`). Returns
/// whether the path was found or created. Callers bound `p` with
/// `check_depth`.
pub fn edit(n: &mut Node, p: &str, value: Node, mode: Mode) -> PR<bool> {
    if p.is_empty() {
        if mode != Mode::Insert {
            *n = value;
        }
        return Ok(true);
    }
    if let Some(rest) = p.strip_prefix('.') {
        let (key, used) = key_step(rest)?;
        let Node::Obj(m) = n else { return Ok(false) };
        let tail = &rest[used..];
        if let Some(pos) = m.iter().position(|(rk, _)| key_eq(rk, &key)) {
            return edit(&mut m[pos].1, tail, value, mode);
        }
        if mode == Mode::Replace {
            return Ok(false);
        }
        match substructure(tail, value, mode)? {
            Some(v) => {
                m.push((escape(&key), v));
                Ok(true)
            }
            None => Ok(false),
        }
    } else if p.starts_with('[') {
        let Node::Arr(a) = n else { return Ok(false) };
        let (idx, used) = index_step(p, a.len())?;
        let tail = &p[used..];
        let Some(i) = idx else { return Ok(false) };
        if i < a.len() {
            return edit(&mut a[i], tail, value, mode);
        }
        if i > a.len() || mode == Mode::Replace {
            return Ok(false);
        }
        match substructure(tail, value, mode)? {
            Some(v) => {
                a.push(v);
                Ok(true)
            }
            None => Ok(false),
        }
    } else {
        Err(PathError)
    }
}

/// Removes the node at path `p` (after `$`, not empty). No-op when missing.
pub fn remove(n: &mut Node, p: &str) -> PR<()> {
    if let Some(rest) = p.strip_prefix('.') {
        let (key, used) = key_step(rest)?;
        let Node::Obj(m) = n else { return Ok(()) };
        let tail = &rest[used..];
        let Some(pos) = m.iter().position(|(rk, _)| key_eq(rk, &key)) else { return Ok(()) };
        if tail.is_empty() {
            m.remove(pos);
            Ok(())
        } else {
            remove(&mut m[pos].1, tail)
        }
    } else if p.starts_with('[') {
        let Node::Arr(a) = n else { return Ok(()) };
        let (idx, used) = index_step(p, a.len())?;
        let tail = &p[used..];
        let Some(i) = idx.filter(|&i| i < a.len()) else { return Ok(()) };
        if tail.is_empty() {
            a.remove(i);
            Ok(())
        } else {
            remove(&mut a[i], tail)
        }
    } else {
        Err(PathError)
    }
}
