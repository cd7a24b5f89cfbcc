//! Differential tests for ANALYZE (sqlite_stat1 created as SQLite creates
//! it, the same stat strings for every index kind, per-table and per-index
//! re-analysis, errors) and REINDEX (rebuilt indexes give the same answers
//! and pass SQLite's integrity_check) against SQLite (rusqlite, bundled).
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags, Value};
use std::rc::Rc;

const SCHEMA: &str = "CREATE TABLE e(a); CREATE INDEX ea ON e(a);
CREATE TABLE n(x);
CREATE TABLE t(a, b, c TEXT COLLATE NOCASE); CREATE INDEX tab ON t(a, b); CREATE UNIQUE INDEX tc ON t(c);
CREATE INDEX td ON t(b DESC, c);
CREATE TABLE w(k PRIMARY KEY, v, s UNIQUE) WITHOUT ROWID; CREATE INDEX wv ON w(v);
INSERT INTO n VALUES (1), (2);
INSERT INTO t VALUES (1, 1, 'a'), (1, 2, 'B'), (1, 2, 'c'), (2, NULL, 'D'), (NULL, NULL, NULL), (3, 3, NULL);
INSERT INTO w VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, NULL), (4, 2, NULL), (5, 2, 'z');";

const STAT: &str = "SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx";

#[test]
fn analyze_matches_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SCHEMA);
    check_all(&mut f, &l, &[
        "SELECT * FROM sqlite_stat1",
        "ANALYZE",
        STAT,
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name = 'sqlite_stat1'",
        "INSERT INTO t SELECT a + 10, b, c || 'x' FROM t",
        "ANALYZE t",
        STAT,
        "DELETE FROM w WHERE k > 2",
        "ANALYZE wv",
        STAT,
        "ANALYZE main.w",
        STAT,
        "DELETE FROM n",
        "ANALYZE main",
        STAT,
        "ANALYZE nope",
        "ANALYZE main.nope",
        "ANALYZE x.t",
        "SELECT count(*) FROM t WHERE a = 1",
    ]);
}

#[test]
fn analyze_on_an_empty_database() {
    let mut f = mem();
    let l = lite();
    // rusqlite's bundled SQLite is built with STAT4 and also creates
    // sqlite_stat4; ferrolite, like SQLite's default build, does not.
    check_all(&mut f, &l, &["ANALYZE", "SELECT name, sql FROM sqlite_schema WHERE name = 'sqlite_stat1'", STAT, "CREATE TABLE a(x)", "ANALYZE", STAT]);
}

#[test]
fn reindex_rebuilds() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SCHEMA);
    check_all(&mut f, &l, &[
        "REINDEX",
        "REINDEX t",
        "REINDEX tab",
        "REINDEX main.tc",
        "REINDEX nocase",
        "REINDEX w",
        "REINDEX nope",
        "REINDEX x.t",
        "SELECT a, b FROM t WHERE a = 1 ORDER BY b",
        "SELECT c FROM t WHERE c = 'b'",
        "SELECT k FROM w WHERE v = 2 ORDER BY k",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn reindexed_file_is_valid_for_sqlite() {
    let dir = std::env::temp_dir().join(format!("ferrolite-reindex-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("r.db").to_string_lossy().into_owned();
    let _ = std::fs::remove_file(&path);
    let mut f = Connection::open(Rc::new(UnixVfs::new()), &path, OpenFlags::default_rwc()).expect("open");
    f.exec(SCHEMA).unwrap();
    f.exec("INSERT INTO t SELECT a * 7, b, c || a FROM t; REINDEX; ANALYZE;").unwrap();
    let mine = query(&mut f, STAT).unwrap();
    drop(f);
    let l = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(lite_query(&l, "PRAGMA integrity_check", &[]).unwrap(), vec![vec![Value::Text("ok".into())]]);
    assert_eq!(lite_query(&l, STAT, &[]).unwrap(), mine);
    l.execute_batch("ANALYZE").unwrap();
    assert_eq!(lite_query(&l, STAT, &[]).unwrap(), mine, "SQLite's own ANALYZE gives the same statistics");
}
