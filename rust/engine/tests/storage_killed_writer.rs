//! A real SQLite writer process killed with SIGKILL in the middle of a
//! transaction (after it spilled pages into the database file) leaves a hot
//! journal; ferrolite must roll it back on its next read.
//!
//! The test re-runs its own binary as the child process (the child mode is
//! selected by an environment variable), so it needs no external tools.

mod storage_util;

use ferrolite_engine::storage::btree::TreeKind;
use std::process::Command;
use std::time::{Duration, Instant};
use storage_util::*;

const CHILD_ENV: &str = "FERROLITE_KILLED_WRITER_DB";

/// Child mode: start a big transaction with a tiny cache (forcing spills
/// into the database file), signal readiness, then wait to be killed.
fn child(path: &str) -> ! {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA cache_size=4; BEGIN;
         UPDATE t SET b = b || '-changed-' || hex(randomblob(40));
         WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<4000)
         INSERT INTO t SELECT 100000+i, hex(randomblob(120)) FROM c;",
    )
    .unwrap();
    std::fs::write(format!("{path}.ready"), b"1").unwrap();
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[test]
fn killed_sqlite_writer_is_rolled_back() {
    if let Ok(p) = std::env::var(CHILD_ENV) {
        child(&p);
    }
    let dir = TempDir::new("kill");
    let path = dir.file("k.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA page_size=1024; CREATE TABLE t(a, b); CREATE INDEX tb ON t(b);
             WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<3000)
             INSERT INTO t SELECT i, printf('v%06d', i) FROM c;",
        )
        .unwrap();
    }
    let committed = std::fs::read(&path).unwrap();
    let before = {
        let conn = rusqlite::Connection::open(&path).unwrap();
        sqlite_rows(&conn, "SELECT rowid, a, b FROM t ORDER BY rowid")
    };
    let exe = std::env::current_exe().unwrap();
    let mut ch = Command::new(exe)
        .args(["killed_sqlite_writer_is_rolled_back", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while !std::path::Path::new(&format!("{path}.ready")).exists() {
        assert!(t.elapsed() < Duration::from_secs(60), "child never got ready");
        if let Some(st) = ch.try_wait().unwrap() {
            panic!("child exited early: {st}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    ch.kill().unwrap(); // SIGKILL
    ch.wait().unwrap();
    assert!(std::path::Path::new(&format!("{path}-journal")).exists(), "no journal left behind");
    assert_ne!(std::fs::read(&path).unwrap(), committed, "the writer did not spill: the test would prove nothing");

    let mut bt = open_unix(&path, 4096);
    bt.begin_read().unwrap();
    assert!(!std::path::Path::new(&format!("{path}-journal")).exists());
    let sch = schema(&mut bt);
    let root = sch.iter().find(|s| s.1 == "t").unwrap().2;
    let got = scan_table(&mut bt, root);
    assert!(got == before, "rows differ after recovery");
    let roots: Vec<(u32, TreeKind)> = std::iter::once((1, TreeKind::Table))
        .chain(sch.iter().map(|s| (s.2, if s.0 == "table" { TreeKind::Table } else { TreeKind::Index })))
        .collect();
    let errs = bt.integrity_check(&roots, 20).unwrap();
    assert!(errs.is_empty(), "{errs:?}");
    bt.commit().unwrap();
    drop(bt);
    assert_eq!(std::fs::read(&path).unwrap(), committed, "database not restored byte for byte");
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(sqlite_integrity(&conn), "ok");
}
