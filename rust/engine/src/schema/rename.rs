//! ALTER TABLE's rewriting of stored CREATE text (SQLite 3.26+ semantics,
//! legacy_alter_table off): every other byte of the text stays as written;
//! only the tokens naming the renamed table or column are replaced.
//!
//! Token positions are found by scanning the text with the parser's lexer
//! (SQLite resolves names fully; this module works from the token context):
//! - a table name is a name token after TABLE, REFERENCES, ON, FROM, JOIN,
//!   INTO or UPDATE, after a comma inside a FROM list, or before a `.`;
//! - a column of table T is, in T's own CREATE TABLE, a column-definition
//!   name or any name token inside the column list that is not a type name,
//!   a function name, a collation, a constraint name, a DEFAULT word or a
//!   column of another table's REFERENCES list; in other tables, a name in
//!   `REFERENCES T(...)`; in an index on T, a name after `ON T`; in views and
//!   trigger statements that mention T, `T.c` (or `alias.c`) and a bare `c`
//!   when no other table the statement mentions has a column `c`; in a
//!   trigger on T, `new.c`, `old.c` and the `UPDATE OF` list.
//!
//! Replacement text (SQLite's renameEditSql): a renamed table is always
//! written `"new"`; a renamed column is written bare where the old token was
//! bare and the new name was not quoted in the ALTER statement, else quoted.

use super::Schema;
use crate::error::{Error, Result};
use ferrolite_parser::keywords::Kw;
use ferrolite_parser::lexer::{tokenize, Token, TokenKind};
use ferrolite_parser::literal::dequote;

/// `"name"` with embedded quotes doubled.
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

struct Toks<'a> {
    sql: &'a str,
    t: Vec<Token>,
}

impl<'a> Toks<'a> {
    fn new(sql: &'a str) -> Toks<'a> {
        let t = tokenize(sql).into_iter().filter(|t| t.kind != TokenKind::Eof).collect();
        Toks { sql, t }
    }
    fn kind(&self, i: usize) -> Option<TokenKind> {
        self.t.get(i).map(|t| t.kind)
    }
    fn is_kw(&self, i: usize, k: Kw) -> bool {
        self.kind(i) == Some(TokenKind::Keyword(k))
    }
    fn is(&self, i: usize, k: TokenKind) -> bool {
        self.kind(i) == Some(k)
    }
    /// A name token (bare, "quoted", [quoted] or `quoted`) and its value.
    fn name(&self, i: usize) -> Option<String> {
        let t = self.t.get(i)?;
        match t.kind {
            TokenKind::Id => Some(t.text(self.sql).to_string()),
            TokenKind::DqId | TokenKind::QuotedId => Some(dequote(t.text(self.sql))),
            _ => None,
        }
    }
    fn name_is(&self, i: usize, target: &str) -> bool {
        self.name(i).is_some_and(|n| n.eq_ignore_ascii_case(target))
    }
    fn prev_is_kw(&self, i: usize, k: Kw) -> bool {
        i > 0 && self.is_kw(i - 1, k)
    }
}

/// Applies replacements (token index -> text) to the text.
fn splice(tk: &Toks<'_>, mut edits: Vec<(usize, String)>) -> String {
    edits.sort_by_key(|e| e.0);
    edits.dedup_by_key(|e| e.0);
    let mut out = String::with_capacity(tk.sql.len() + 16);
    let mut pos = 0;
    for (i, text) in edits {
        let t = tk.t[i];
        out.push_str(&tk.sql[pos..t.start]);
        out.push_str(&text);
        pos = t.end;
    }
    out.push_str(&tk.sql[pos..]);
    out
}

/// Indexes of tokens naming table `table` (see the module doc).
fn table_refs(tk: &Toks<'_>, table: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from_depth: Option<i32> = None;
    let mut depth = 0i32;
    for i in 0..tk.t.len() {
        match tk.kind(i) {
            Some(TokenKind::LParen) => depth += 1,
            Some(TokenKind::RParen) => {
                depth -= 1;
                if from_depth.is_some_and(|d| depth < d) {
                    from_depth = None;
                }
            }
            Some(TokenKind::Semi) => from_depth = None,
            Some(TokenKind::Keyword(k)) => match k {
                Kw::From => from_depth = Some(depth),
                Kw::Where | Kw::Group | Kw::Order | Kw::Limit | Kw::Having | Kw::Window | Kw::Union | Kw::Except | Kw::Intersect
                | Kw::Values | Kw::Set | Kw::Select | Kw::Returning | Kw::On | Kw::Using
                    if from_depth == Some(depth) =>
                {
                    from_depth = None;
                }
                _ => {}
            },
            _ => {}
        }
        if !tk.name_is(i, table) {
            continue;
        }
        let prev_kw = i > 0
            && [Kw::Table, Kw::References, Kw::On, Kw::From, Kw::Join, Kw::Into, Kw::Update].iter().any(|k| tk.is_kw(i - 1, *k));
        let in_from_list = i > 0 && tk.is(i - 1, TokenKind::Comma) && from_depth == Some(depth);
        let qualifier = tk.is(i + 1, TokenKind::Dot) && !(i > 0 && tk.is(i - 1, TokenKind::Dot));
        if prev_kw || in_from_list || qualifier {
            out.push(i);
        }
    }
    out
}

/// RENAME TO: the new text of one sqlite_schema row's SQL.
pub fn rename_table_sql(sql: &str, old: &str, new: &str) -> String {
    let tk = Toks::new(sql);
    let q = quoted(new);
    let edits = table_refs(&tk, old).into_iter().map(|i| (i, q.clone())).collect();
    splice(&tk, edits)
}

/// Column-definition name tokens of a CREATE TABLE (index of each).
fn column_def_tokens(tk: &Toks<'_>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut started = false;
    for i in 0..tk.t.len() {
        match tk.kind(i) {
            Some(TokenKind::LParen) => {
                depth += 1;
                if depth == 1 && !started {
                    started = true;
                    if tk.name(i + 1).is_some() {
                        out.push(i + 1);
                    }
                }
            }
            Some(TokenKind::RParen) => depth -= 1,
            Some(TokenKind::Comma) if depth == 1 && tk.name(i + 1).is_some() => out.push(i + 1),
            _ => {}
        }
    }
    out
}

/// Byte offset where ALTER TABLE ADD COLUMN inserts (SQLite's
/// addColOffset): the comma before the first table constraint, or the
/// closing parenthesis of the column list.
pub fn add_column_offset(sql: &str) -> Option<usize> {
    let tk = Toks::new(sql);
    let mut depth = 0;
    for i in 0..tk.t.len() {
        match tk.kind(i) {
            Some(TokenKind::LParen) => depth += 1,
            Some(TokenKind::RParen) => {
                depth -= 1;
                if depth == 0 {
                    return Some(tk.t[i].start);
                }
            }
            Some(TokenKind::Comma) if depth == 1 => {
                let constraint = [Kw::Constraint, Kw::Primary, Kw::Unique, Kw::Check, Kw::Foreign].iter().any(|k| tk.is_kw(i + 1, *k));
                if constraint {
                    return Some(tk.t[i].start);
                }
            }
            _ => {}
        }
    }
    None
}

/// DROP COLUMN: the CREATE TABLE text without column number `k` (SQLite's
/// sqlite_drop_column: up to the next column's name, or for the last
/// column from the comma before it to the end of the column list).
pub fn drop_column_sql(sql: &str, k: usize) -> Option<String> {
    let tk = Toks::new(sql);
    let cols = column_def_tokens(&tk);
    let start_tok = *cols.get(k)?;
    let (start, end) = if k + 1 < cols.len() {
        (tk.t[start_tok].start, tk.t[cols[k + 1]].start)
    } else {
        let end = add_column_offset(sql)?;
        let mut j = start_tok;
        while j > 0 && !tk.is(j, TokenKind::Comma) {
            j -= 1;
        }
        (tk.t[j].start, end)
    };
    Some(format!("{}{}", &sql[..start], &sql[end..]))
}

/// SELECT scopes of a stretch of tokens: for each token, the index of the
/// `(` opening the innermost parenthesized SELECT/VALUES/WITH around it
/// (None: the statement's own level). Other parentheses are transparent.
/// Scope of each token, and each SELECT scope's enclosing scope.
type Scopes = (Vec<Option<usize>>, Vec<(usize, Option<usize>)>);

fn scopes(tk: &Toks<'_>, range: &std::ops::Range<usize>) -> Scopes {
    let mut of = vec![None; tk.t.len()];
    // Stack of (paren index, is a SELECT scope).
    let mut stack: Vec<(usize, bool)> = Vec::new();
    let mut parents: Vec<(usize, Option<usize>)> = Vec::new();
    let current = |stack: &Vec<(usize, bool)>| stack.iter().rev().find(|(_, sel)| *sel).map(|(i, _)| *i);
    for i in range.clone() {
        match tk.kind(i) {
            Some(TokenKind::LParen) => {
                let sel = tk.is_kw(i + 1, Kw::Select) || tk.is_kw(i + 1, Kw::Values) || tk.is_kw(i + 1, Kw::With);
                of[i] = current(&stack);
                if sel {
                    parents.push((i, current(&stack)));
                }
                stack.push((i, sel));
                continue;
            }
            Some(TokenKind::RParen) => {
                stack.pop();
            }
            _ => {}
        }
        of[i] = current(&stack);
    }
    (of, parents)
}

/// The tables mentioned in table positions of a stretch, with their scope
/// and the alias each is given (`FROM t AS x` / `FROM t x`).
fn mentioned_tables(tk: &Toks<'_>, range: std::ops::Range<usize>, scope_of: &[Option<usize>], schema: &Schema) -> Vec<(String, Option<String>, Option<usize>)> {
    let mut out = Vec::new();
    for i in range {
        let Some(n) = tk.name(i) else { continue };
        if schema.table(&n).is_none() || tk.is(i + 1, TokenKind::Dot) {
            continue;
        }
        let table_pos = i > 0
            && ([Kw::From, Kw::Join, Kw::Into, Kw::Update].iter().any(|k| tk.is_kw(i - 1, *k)) || tk.is(i - 1, TokenKind::Comma));
        if !table_pos {
            continue;
        }
        let alias = if tk.is_kw(i + 1, Kw::As) { tk.name(i + 2) } else { tk.name(i + 1) };
        out.push((n, alias, scope_of[i]));
    }
    out
}

/// RENAME COLUMN `old` of `table` in one statement-like stretch `range` of
/// a view or trigger: a name resolves in its innermost SELECT scope first,
/// then outwards, as SQLite resolves it; pushes the tokens that are `old`
/// of `table`.
fn column_refs_in_statement(tk: &Toks<'_>, range: std::ops::Range<usize>, table: &str, old: &str, schema: &Schema, out: &mut Vec<usize>) {
    let (scope_of, parents) = scopes(tk, &range);
    let mentioned = mentioned_tables(tk, range.clone(), &scope_of, schema);
    if !mentioned.iter().any(|(n, ..)| n.eq_ignore_ascii_case(table)) {
        return;
    }
    let parent = |s: Option<usize>| -> Option<Option<usize>> {
        let s = s?;
        parents.iter().find(|(p, _)| *p == s).map(|(_, up)| *up)
    };
    // Resolves a qualifier (table name or alias) from scope `s` outwards.
    let qualifier_is_t = |q: &str, mut s: Option<usize>| -> bool {
        loop {
            if let Some((n, _, _)) = mentioned
                .iter()
                .find(|(n, a, sc)| *sc == s && (a.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(q)) || n.eq_ignore_ascii_case(q)))
            {
                return n.eq_ignore_ascii_case(table);
            }
            match parent(s) {
                Some(up) => s = up,
                None => return false,
            }
        }
    };
    // Resolves an unqualified column name from scope `s` outwards.
    let bare_is_t = |mut s: Option<usize>| -> bool {
        loop {
            let having: Vec<&String> = mentioned
                .iter()
                .filter(|(n, _, sc)| *sc == s && schema.table(n).is_some_and(|t| t.column_index(old).is_some()))
                .map(|(n, _, _)| n)
                .collect();
            if !having.is_empty() {
                return having.len() == 1 && having[0].eq_ignore_ascii_case(table);
            }
            match parent(s) {
                Some(up) => s = up,
                None => return false,
            }
        }
    };
    // `INSERT INTO x (columns)`: those names are columns of x only.
    let mut insert_cols: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    for i in range.clone() {
        if tk.prev_is_kw(i, Kw::Into) && tk.name(i).is_some() && tk.is(i + 1, TokenKind::LParen) {
            let end = (i + 2..range.end).find(|&j| tk.is(j, TokenKind::RParen)).unwrap_or(range.end);
            insert_cols.push((i + 2..end, tk.name_is(i, table)));
        }
    }
    for i in range {
        if !tk.name_is(i, old) || tk.is(i + 1, TokenKind::Dot) || tk.is(i + 1, TokenKind::LParen) {
            continue;
        }
        if let Some((_, of_t)) = insert_cols.iter().find(|(r, _)| r.contains(&i)) {
            if *of_t {
                out.push(i);
            }
            continue;
        }
        if i > 0 && tk.is(i - 1, TokenKind::Dot) {
            if i >= 2 && tk.name(i - 2).is_some_and(|q| qualifier_is_t(&q, scope_of[i])) {
                out.push(i);
            }
            continue;
        }
        if tk.prev_is_kw(i, Kw::As) || tk.prev_is_kw(i, Kw::Collate) || tk.prev_is_kw(i, Kw::From) || tk.prev_is_kw(i, Kw::Join)
            || tk.prev_is_kw(i, Kw::Into) || tk.prev_is_kw(i, Kw::Update)
        {
            continue;
        }
        if bare_is_t(scope_of[i]) {
            out.push(i);
        }
    }
}

/// One RENAME COLUMN: column `old` of `table` becomes `new` (`quote_new`:
/// the new name was quoted in the statement).
pub struct ColumnRename<'a> {
    pub table: &'a str,
    pub old: &'a str,
    pub new: &'a str,
    pub quote_new: bool,
}

/// RENAME COLUMN: the new text of a sqlite_schema row (`kind`, `name`,
/// `tbl_name`, `sql`).
pub fn rename_column_sql(kind: &str, name: &str, tbl_name: &str, sql: &str, r: &ColumnRename<'_>, schema: &Schema) -> String {
    let ColumnRename { table, old, new, quote_new } = *r;
    let tk = Toks::new(sql);
    let mut hits = column_refs(&tk, kind, name, tbl_name, table, old, schema);
    hits.sort_unstable();
    hits.dedup();
    let q = quoted(new);
    let edits = hits
        .into_iter()
        .map(|i| {
            let bare = tk.kind(i) == Some(TokenKind::Id) && !quote_new;
            (i, if bare { new.to_string() } else { q.clone() })
        })
        .collect();
    splice(&tk, edits)
}

/// Token indexes referring to column `old` of `table` in one schema row.
fn column_refs(tk: &Toks<'_>, kind: &str, name: &str, tbl_name: &str, table: &str, old: &str, schema: &Schema) -> Vec<usize> {
    let mut out = Vec::new();
    match kind {
        "table" => {
            // REFERENCES <table> ( ... ) lists.
            let mut i = 0;
            let mut in_refs: Option<bool> = None; // Some(points at `table`)
            let mut depth_at = 0;
            let mut depth = 0;
            let own = name.eq_ignore_ascii_case(table);
            let defs = column_def_tokens(tk);
            let mut in_type = false;
            while i < tk.t.len() {
                match tk.kind(i) {
                    Some(TokenKind::LParen) => {
                        depth += 1;
                        in_type = false;
                    }
                    Some(TokenKind::RParen) => {
                        depth -= 1;
                        if in_refs.is_some() && depth < depth_at {
                            in_refs = None;
                        }
                    }
                    _ => {}
                }
                if tk.prev_is_kw(i, Kw::References) && tk.name(i).is_some() {
                    if tk.is(i + 1, TokenKind::LParen) {
                        in_refs = Some(tk.name_is(i, table));
                        depth_at = depth + 1;
                    }
                    i += 1;
                    continue;
                }
                if defs.contains(&i) {
                    if own && tk.name_is(i, old) {
                        out.push(i);
                    }
                    in_type = true;
                    i += 1;
                    continue;
                }
                if in_type && tk.name(i).is_some() {
                    i += 1;
                    continue;
                }
                in_type = false;
                if tk.name_is(i, old) {
                    match in_refs {
                        Some(true) => out.push(i),
                        Some(false) => {}
                        None if own && depth >= 1 => {
                            let excluded = tk.is(i + 1, TokenKind::LParen)
                                || tk.is(i + 1, TokenKind::Dot)
                                || tk.prev_is_kw(i, Kw::Collate)
                                || tk.prev_is_kw(i, Kw::Constraint)
                                || tk.prev_is_kw(i, Kw::Default)
                                || (i > 0 && tk.is(i - 1, TokenKind::Dot) && !(i >= 2 && tk.name_is(i - 2, table)));
                            if !excluded {
                                out.push(i);
                            }
                        }
                        None => {}
                    }
                }
                i += 1;
            }
        }
        "index" if tbl_name.eq_ignore_ascii_case(table) => {
            let Some(on) = (0..tk.t.len()).find(|&i| tk.is_kw(i, Kw::On)) else { return out };
            for i in on + 2..tk.t.len() {
                if tk.name_is(i, old) && !tk.is(i + 1, TokenKind::LParen) && !tk.prev_is_kw(i, Kw::Collate) && !tk.is(i + 1, TokenKind::Dot) {
                    out.push(i);
                }
            }
        }
        "view" => {
            let Some(start) = (0..tk.t.len()).find(|&i| tk.is_kw(i, Kw::As)) else { return out };
            column_refs_in_statement(tk, start + 1..tk.t.len(), table, old, schema, &mut out);
        }
        "trigger" => {
            let on_t = tbl_name.eq_ignore_ascii_case(table);
            let begin = (0..tk.t.len()).find(|&i| tk.is_kw(i, Kw::Begin)).unwrap_or(tk.t.len());
            if on_t {
                // UPDATE OF list, NEW./OLD. references.
                if let Some(of) = (0..begin).find(|&i| tk.is_kw(i, Kw::Of) && i > 0 && tk.is_kw(i - 1, Kw::Update)) {
                    let mut i = of + 1;
                    while i < begin && !tk.is_kw(i, Kw::On) {
                        if tk.name_is(i, old) {
                            out.push(i);
                        }
                        i += 1;
                    }
                }
                for i in 2..tk.t.len() {
                    if tk.name_is(i, old) && tk.is(i - 1, TokenKind::Dot) && (tk.name_is(i - 2, "new") || tk.name_is(i - 2, "old")) {
                        out.push(i);
                    }
                }
            }
            let mut s = begin + 1;
            while s < tk.t.len() {
                let e = (s..tk.t.len()).find(|&i| tk.is(i, TokenKind::Semi)).unwrap_or(tk.t.len());
                column_refs_in_statement(tk, s..e, table, old, schema, &mut out);
                s = e + 1;
            }
        }
        _ => {}
    }
    out
}

/// DROP COLUMN check of one non-table object: does it use the column?
/// Gives SQLite's "error in <kind> <name> after drop column" message.
pub fn drop_column_user(kind: &str, name: &str, tbl_name: &str, sql: &str, table: &str, col: &str, schema: &Schema) -> Result<()> {
    if kind == "table" {
        return Ok(());
    }
    let tk = Toks::new(sql);
    if !column_refs(&tk, kind, name, tbl_name, table, col, schema).is_empty() {
        return Err(Error::sql(format!("error in {kind} {name} after drop column: no such column: {col}")));
    }
    Ok(())
}

/// The runtime step of an ALTER TABLE: rewrites one sqlite_schema row
/// (type, name, tbl_name, rootpage, sql) in place. `spec` is
/// `T\x01old\x01new` (RENAME TO), `C\x01table\x01old\x01new\x01quote`
/// (RENAME COLUMN) or `D\x01table\x01column\x01index` (DROP COLUMN).
pub fn rewrite_row(schema: &Schema, spec: &str, row: &mut [crate::value::Value]) -> Result<()> {
    use crate::value::Value;
    let p: Vec<&str> = spec.split('\u{1}').collect();
    let text = |v: &Value| match v {
        Value::Text(s) => s.clone(),
        _ => String::new(),
    };
    let (kind, name, tbl) = (text(&row[0]), text(&row[1]), text(&row[2]));
    let sql = match &row[4] {
        Value::Text(s) => Some(s.clone()),
        _ => None,
    };
    match p.as_slice() {
        ["T", old, new] => {
            if let Some(s) = &sql {
                row[4] = Value::Text(rename_table_sql(s, old, new));
            }
            if kind == "table" && name.eq_ignore_ascii_case(old) {
                row[1] = Value::Text(new.to_string());
                row[2] = Value::Text(new.to_string());
            } else if (kind == "index" || kind == "trigger") && tbl.eq_ignore_ascii_case(old) {
                row[2] = Value::Text(new.to_string());
                let prefix = format!("sqlite_autoindex_{old}_");
                if kind == "index" && name.len() > prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(&prefix) {
                    row[1] = Value::Text(format!("sqlite_autoindex_{new}_{}", &name[prefix.len()..]));
                }
            }
        }
        ["C", table, old, new, quote] => {
            if let Some(s) = &sql {
                let r = ColumnRename { table, old, new, quote_new: *quote == "1" };
                row[4] = Value::Text(rename_column_sql(&kind, &name, &tbl, s, &r, schema));
            }
        }
        ["D", table, col, k, phase] => {
            let Some(s) = &sql else { return Ok(()) };
            // Phase 1 rewrites the table and checks indexes; phase 2 checks
            // views and triggers (SQLite reports index errors first).
            if *phase == "2" {
                if kind == "view" || kind == "trigger" {
                    drop_column_user(&kind, &name, &tbl, s, table, col, schema)?;
                }
                return Ok(());
            }
            if kind == "table" && name.eq_ignore_ascii_case(table) {
                let k: usize = k.parse().unwrap_or(usize::MAX);
                let new_sql = drop_column_sql(s, k).ok_or_else(|| Error::sql(format!("malformed database schema ({name})")))?;
                let parsed = match ferrolite_parser::parse_one(&new_sql) {
                    Ok(Some((ferrolite_parser::ast::Stmt::CreateTable(ct), _))) => super::build::build_table(&ct, &new_sql).map(|_| ()),
                    Ok(_) => Err(Error::sql("syntax error")),
                    Err(e) => Err(Error::sql(e.to_string())),
                };
                if let Err(e) = parsed {
                    return Err(Error::sql(format!("error in table {name} after drop column: {}", e.message)));
                }
                row[4] = Value::Text(new_sql);
            } else if kind == "index" {
                drop_column_user(&kind, &name, &tbl, s, table, col, schema)?;
            }
        }
        _ => return Err(Error::new(crate::error::codes::INTERNAL, "internal error: bad ALTER rewrite")),
    }
    Ok(())
}
