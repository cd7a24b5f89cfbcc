//! integrity_check and quick_check on deliberately damaged files: each
//! file is made by real SQLite (rusqlite, bundled), damaged (bytes edited
//! in place, or sqlite_schema rewritten with writable_schema), and both
//! engines must report the same problems in the same words.
mod common;
mod storage_diff;

use storage_diff::*;

fn reports(path: &str, sql: &str) -> (Vec<String>, Vec<String>) {
    let l = lopen(path);
    let lr: Vec<String> = lq(&l, sql).into_iter().map(|r| format!("{:?}", r[0])).collect();
    drop(l);
    let mut f = fopen(path);
    let fr: Vec<String> = fq(&mut f, sql).into_iter().map(|r| format!("{:?}", r[0])).collect();
    (fr, lr)
}

fn same_reports(path: &str) {
    for sql in ["PRAGMA integrity_check", "PRAGMA quick_check", "PRAGMA integrity_check(2)"] {
        let (f, l) = reports(path, sql);
        assert_eq!(f, l, "{sql} on {path}");
    }
}

fn build(path: &str, script: &str) {
    let l = lopen(path);
    l.execute_batch(script).unwrap();
}

fn patch(path: &str, from: &[u8], to: &[u8]) {
    let mut d = std::fs::read(path).unwrap();
    let i = d.windows(from.len()).rposition(|w| w == from).expect("pattern");
    d[i..i + to.len()].copy_from_slice(to);
    std::fs::write(path, d).unwrap();
}

const BASE: &str = "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c);
    CREATE INDEX tb ON t(b);
    CREATE UNIQUE INDEX tc ON t(c);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
    INSERT INTO t SELECT i, printf('v%04d', i), i * 10 FROM n;";

#[test]
fn clean_file_is_ok() {
    let dir = TempDir::new("ic");
    let p = dir.file("a.db");
    build(&p, BASE);
    same_reports(&p);
    let (f, _) = reports(&p, "PRAGMA integrity_check");
    assert_eq!(f, vec!["Text(\"ok\")"]);
}

/// An index key edited so the index is out of order.
#[test]
fn index_key_out_of_order() {
    let dir = TempDir::new("ic");
    let p = dir.file("a.db");
    build(&p, BASE);
    patch(&p, b"v0150", b"v0999");
    same_reports(&p);
}

/// A table b-tree rowid edited out of order.
#[test]
fn table_rowid_out_of_order() {
    let dir = TempDir::new("ic");
    let p = dir.file("a.db");
    build(&p, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
        INSERT INTO t SELECT i, printf('row%d', i) FROM n;");
    // Leaf cell of row 3: [payload size][rowid 3][record header 03 00 15]
    // ["row3"]: the rowid byte sits four bytes before the text.
    let d = std::fs::read(&p).unwrap();
    let i = d.windows(4).rposition(|w| w == b"row3").unwrap();
    let mut d2 = d.clone();
    // cell: size varint, rowid varint, record header [03 00 15], "row3"
    assert_eq!(d2[i - 4], 3, "rowid byte");
    d2[i - 4] = 9;
    std::fs::write(&p, d2).unwrap();
    same_reports(&p);
}

/// Rows missing from an index and index entries without rows: the index
/// tree of a smaller table is swapped in through writable_schema.
#[test]
fn missing_and_extra_index_entries() {
    let dir = TempDir::new("ic");
    let p = dir.file("a.db");
    build(&p, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
        CREATE INDEX tb ON t(b);
        CREATE TABLE u(a INTEGER PRIMARY KEY, b TEXT);
        CREATE INDEX ub ON u(b);
        INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z'), (4, 'w');
        INSERT INTO u VALUES (1, 'x'), (3, 'zz'), (7, 'q');");
    let l = lopen(&p);
    let tb: i64 = l.query_row("SELECT rootpage FROM sqlite_schema WHERE name = 'tb'", [], |r| r.get(0)).unwrap();
    let ub: i64 = l.query_row("SELECT rootpage FROM sqlite_schema WHERE name = 'ub'", [], |r| r.get(0)).unwrap();
    l.execute_batch(&format!(
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET rootpage = {ub} WHERE name = 'tb';
         UPDATE sqlite_schema SET rootpage = {tb} WHERE name = 'ub';
         PRAGMA writable_schema = OFF;"
    ))
    .unwrap();
    drop(l);
    same_reports(&p);
}

/// NOT NULL columns holding NULLs (the constraint added through
/// writable_schema), as SQLite 3.46 reports them.
#[test]
fn not_null_violations() {
    let dir = TempDir::new("ic");
    let p = dir.file("a.db");
    build(&p, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c);
        INSERT INTO t VALUES (1, 'x', NULL), (2, NULL, 5), (3, NULL, NULL);
        PRAGMA writable_schema = ON;
        UPDATE sqlite_schema SET sql = 'CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL, c NOT NULL)' WHERE name = 't';
        PRAGMA writable_schema = OFF;");
    same_reports(&p);
}

/// A page referenced twice and a page never used (a child pointer of an
/// interior page redirected to its sibling).
#[test]
fn page_links() {
    let dir = TempDir::new("ic");
    let p = dir.file("a.db");
    build(&p, "PRAGMA page_size = 1024; CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
        INSERT INTO t SELECT i, printf('%050d', i) FROM n;");
    // Root page 2 is interior: make its first child pointer equal to its second.
    let mut d = std::fs::read(&p).unwrap();
    let root = 1024;
    assert_eq!(d[root], 5);
    let ptr0 = u16::from_be_bytes([d[root + 12], d[root + 13]]) as usize;
    let ptr1 = u16::from_be_bytes([d[root + 14], d[root + 15]]) as usize;
    let child1 = [d[root + ptr1], d[root + ptr1 + 1], d[root + ptr1 + 2], d[root + ptr1 + 3]];
    d[root + ptr0..root + ptr0 + 4].copy_from_slice(&child1);
    std::fs::write(&p, d).unwrap();
    same_reports(&p);
}
