//! Prints `SQL<TAB>OUTCOME` for each line of the input file: OK when
//! rusqlite's bundled SQLite (3.46) prepares it or fails with a non-parse
//! error, otherwise the parse error message (see ../gen_outcomes.py).

use std::io::BufRead;

fn main() {
    let re_msgs = [
        "syntax error", "incomplete input", "unrecognized token", "parser stack overflow",
        "Expression tree is too large", "hex literal too big", "variable number must be between",
        "unknown table option", "unknown join type", "clause should come after", "all VALUES must have",
        "a JOIN clause is required", "syntax error after column name", "qualified table names are not allowed",
        "clause is not allowed on UPDATE or DELETE", "error in generated column", "columns assigned",
        "too many arguments on function", "too many columns in set list", "too many terms in compound",
        "unsupported frame specification", "no such window", "cannot override", "duplicate WITH table name",
        "too many SQL variables",
    ];
    let path = std::env::args().nth(1).expect("usage: oracle346 CASES [--semantic]");
    // With --semantic, a statement that parses but fails later (no such
    // table, duplicate column, ...) is reported as SEMANTIC instead of OK:
    // SQLite raises some of those while parsing, before a syntax error
    // further on could be seen.
    let semantic = std::env::args().nth(2).as_deref() == Some("--semantic");
    let f = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    for line in f.lines() {
        let sql = line.unwrap();
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t(a, b, c); CREATE TABLE t1(a, b); CREATE TABLE t2(x, y); CREATE INDEX i ON t(a); CREATE VIEW v1 AS SELECT a FROM t;").unwrap();
        let out = match c.prepare(&sql) {
            Ok(_) => "OK".to_string(),
            Err(rusqlite::Error::SqliteFailure(_, Some(m))) | Err(rusqlite::Error::SqlInputError { msg: m, .. }) => {
                if re_msgs.iter().any(|p| m.contains(p)) {
                    m
                } else if semantic {
                    "SEMANTIC".to_string()
                } else {
                    "OK".to_string()
                }
            }
            Err(rusqlite::Error::MultipleStatement) => continue,
            Err(_) if semantic => "SEMANTIC".to_string(),
            Err(_) => "OK".to_string(),
        };
        println!("{sql}\t{out}");
    }
}
