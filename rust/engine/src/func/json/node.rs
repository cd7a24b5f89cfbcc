//! The in-memory JSON tree used by the JSON functions, and its rendering
//! back to minified text the way SQLite renders it.
//!
//! Format: numbers and strings keep their *canonical text* (what `json()`
//! prints): a number's digits as written (JSON5 forms already rewritten to
//! plain JSON by the parser), a string's escaped inner text without quotes.
//! Object members keep their order and duplicates (SQLite keeps both; a
//! lookup finds the first).
//!
//! Invariants: nesting depth is bounded by the parser (`MAX_DEPTH`) and the
//! editing functions never nest deeper than one level over an already
//! bounded tree plus a bounded path, so recursion here is bounded too.

/// SQLite's JSON_MAX_DEPTH.
pub const MAX_DEPTH: usize = 1000;

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Null,
    True,
    False,
    /// Integer literal text (may exceed i64).
    Int(String),
    /// Real literal text (has '.', 'e' or is 9e999 for infinity).
    Real(String),
    /// Escaped inner text of a string (no surrounding quotes).
    Str(String),
    Arr(Vec<Node>),
    /// Members: (escaped key inner text, value).
    Obj(Vec<(String, Node)>),
}

impl Node {
    /// json_type() name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::True => "true",
            Node::False => "false",
            Node::Int(_) => "integer",
            Node::Real(_) => "real",
            Node::Str(_) => "text",
            Node::Arr(_) => "array",
            Node::Obj(_) => "object",
        }
    }

    /// Minified JSON text.
    pub fn render(&self) -> String {
        let mut s = String::new();
        self.render_into(&mut s);
        s
    }

    pub fn render_into(&self, out: &mut String) {
        match self {
            Node::Null => out.push_str("null"),
            Node::True => out.push_str("true"),
            Node::False => out.push_str("false"),
            Node::Int(t) | Node::Real(t) => out.push_str(t),
            Node::Str(t) => {
                out.push('"');
                push_str_text(t, out);
                out.push('"');
            }
            Node::Arr(items) => {
                out.push('[');
                for (k, it) in items.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    it.render_into(out);
                }
                out.push(']');
            }
            Node::Obj(members) => {
                out.push('{');
                for (k, (key, v)) in members.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    push_str_text(key, out);
                    out.push_str("\":");
                    v.render_into(out);
                }
                out.push('}');
            }
        }
    }

    /// Pretty text as json_pretty() would print it (indent per level).
    pub fn render_pretty(&self, indent: &str, level: usize, out: &mut String) {
        match self {
            Node::Arr(items) if !items.is_empty() => {
                out.push_str("[\n");
                for (k, it) in items.iter().enumerate() {
                    if k > 0 {
                        out.push_str(",\n");
                    }
                    push_indent(out, indent, level + 1);
                    it.render_pretty(indent, level + 1, out);
                }
                out.push('\n');
                push_indent(out, indent, level);
                out.push(']');
            }
            Node::Obj(members) if !members.is_empty() => {
                out.push_str("{\n");
                for (k, (key, v)) in members.iter().enumerate() {
                    if k > 0 {
                        out.push_str(",\n");
                    }
                    push_indent(out, indent, level + 1);
                    out.push('"');
                    push_str_text(key, out);
                    out.push_str("\": ");
                    v.render_pretty(indent, level + 1, out);
                }
                out.push('\n');
                push_indent(out, indent, level);
                out.push('}');
            }
            other => other.render_into(out),
        }
    }
}

/// Writes a string's canonical text. The one JSON5 escape kept in the
/// tree, `\v`, is written as `\u0009` — what SQLite 3.46 writes for it
/// (while decoding it as U+000B).
fn push_str_text(t: &str, out: &mut String) {
    if !t.contains("\\v") {
        out.push_str(t);
        return;
    }
    let mut esc = false;
    for c in t.chars() {
        if esc {
            esc = false;
            if c == 'v' {
                out.push_str("u0009");
                continue;
            }
        } else if c == '\\' {
            esc = true;
        }
        out.push(c);
    }
}

fn push_indent(out: &mut String, indent: &str, level: usize) {
    for _ in 0..level {
        out.push_str(indent);
    }
}

/// Escapes `s` as the inner text of a JSON string (SQLite's
/// jsonAppendString: `"` and `\` backslashed, control characters as
/// \b \t \n \f \r or \u00XX, everything else verbatim).
pub fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
}

pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    escape_into(s, &mut o);
    o
}

/// Decodes the escaped inner text of a JSON string to its value.
/// Bad \u surrogates decode to U+FFFD.
pub fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut run = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(&s[run..i]);
        i += 1;
        let Some(&c) = b.get(i) else { break };
        i += 1;
        match c {
            b'b' => out.push('\u{8}'),
            b't' => out.push('\t'),
            b'n' => out.push('\n'),
            b'f' => out.push('\u{c}'),
            b'r' => out.push('\r'),
            b'v' => out.push('\u{b}'),
            b'0' => out.push('\0'),
            b'u' => {
                let hi = hex4(b, i);
                i += 4;
                let cp = match hi {
                    Some(h) if (0xD800..0xDC00).contains(&h) => {
                        match (b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u')).then(|| hex4(b, i + 2)).flatten() {
                            Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                i += 6;
                                0x10000 + ((h - 0xD800) << 10) + (lo - 0xDC00)
                            }
                            _ => LONE_SURROGATE,
                        }
                    }
                    Some(h) if (0xDC00..0xE000).contains(&h) => LONE_SURROGATE,
                    Some(h) => h,
                    None => 0xFFFD,
                };
                if cp == LONE_SURROGATE {
                    out.push_str("\u{FFFD}\u{FFFD}\u{FFFD}");
                } else {
                    out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                }
            }
            b'x' => {
                let v = b.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u32::from_str_radix(h, 16).ok());
                i += 2;
                out.push(char::from_u32(v.unwrap_or(0xFFFD)).unwrap_or('\u{FFFD}'));
            }
            b'\r' => {
                if b.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => {}
            _ => {
                // \" \\ \/ \' and escaped line separators: the character itself
                let rest = &s[i - 1..];
                let ch = rest.chars().next().unwrap_or('\u{FFFD}');
                i += ch.len_utf8() - 1;
                if ch != '\u{2028}' && ch != '\u{2029}' {
                    out.push(ch);
                }
            }
        }
        run = i.min(b.len());
    }
    if run < b.len() {
        out.push_str(&s[run..]);
    }
    out
}

/// SQLite writes a lone surrogate as its 3-byte (invalid UTF-8) encoding;
/// our text is UTF-8, so it becomes the three U+FFFD a UTF-8 reader of
/// SQLite's bytes sees.
const LONE_SURROGATE: u32 = 0x11_0000;

fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let h = b.get(i..i + 4)?;
    u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
}
