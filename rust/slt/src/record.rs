//! Reading a sqllogictest file into records.
//!
//! Format (the corpus's own): records are separated by blank lines; `#`
//! starts a comment line; `skipif ENGINE` / `onlyif ENGINE` guard the record
//! that follows; `statement ok|error` then SQL; `query TYPES [SORT] [LABEL]`,
//! SQL, `----`, then expected values one per line (or one `N values hashing
//! to H` line); `hash-threshold N`; `halt`. CR before LF is ignored.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    None,
    Row,
    Value,
}

#[derive(Debug)]
pub enum Record {
    Statement { line: usize, sql: String, expect_ok: bool },
    Query { line: usize, sql: String, types: Vec<u8>, sort: Sort, expected: Vec<String> },
    HashThreshold(usize),
    Halt,
}

/// Parses the text of one file. `engine` is the name matched by
/// skipif/onlyif (case-insensitively).
pub fn parse(text: &str, engine: &str) -> Vec<Record> {
    let lines: Vec<&str> = text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        // Collect one block of non-blank lines.
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        let block: Vec<&str> = lines[start..i].iter().copied().filter(|l| !l.starts_with('#')).collect();
        if let Some(r) = parse_block(&block, start + 1, engine) {
            out.push(r);
        }
    }
    out
}

fn parse_block(block: &[&str], line: usize, engine: &str) -> Option<Record> {
    let mut k = 0;
    // Guards.
    while k < block.len() {
        let f: Vec<&str> = block[k].split_whitespace().collect();
        match f.first().copied() {
            Some("skipif") if f.len() > 1 => {
                if f[1].eq_ignore_ascii_case(engine) {
                    return None;
                }
            }
            Some("onlyif") if f.len() > 1 => {
                if !f[1].eq_ignore_ascii_case(engine) {
                    return None;
                }
            }
            _ => break,
        }
        k += 1;
    }
    let head: Vec<&str> = block.get(k)?.split_whitespace().collect();
    let body = &block[k + 1..];
    match head.first().copied()? {
        "statement" => Some(Record::Statement {
            line,
            sql: body.join("\n"),
            expect_ok: head.get(1).copied() == Some("ok"),
        }),
        "query" => {
            let types = head.get(1).map(|t| t.as_bytes().to_vec()).unwrap_or_default();
            let sort = match head.get(2).copied() {
                Some("rowsort") => Sort::Row,
                Some("valuesort") => Sort::Value,
                _ => Sort::None,
            };
            let sep = body.iter().position(|l| *l == "----");
            let (sql, expected) = match sep {
                Some(p) => (body[..p].join("\n"), body[p + 1..].iter().map(|s| s.to_string()).collect()),
                None => (body.join("\n"), Vec::new()),
            };
            Some(Record::Query { line, sql, types, sort, expected })
        }
        "hash-threshold" => head.get(1).and_then(|n| n.parse().ok()).map(Record::HashThreshold),
        "halt" => Some(Record::Halt),
        _ => None,
    }
}
