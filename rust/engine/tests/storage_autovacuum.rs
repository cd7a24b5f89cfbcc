//! auto_vacuum (NONE, FULL, INCREMENTAL) against real SQLite (rusqlite,
//! bundled): the pragma's values, pointer-map files written by ferrolite
//! that SQLite's integrity_check accepts (it verifies every pointer-map
//! entry), FULL mode leaving no free page after a commit, incremental
//! vacuum steps, and each engine writing into the other's files. The
//! workload (rows from tiny to over 1 MB, many indexes, updates, deletes,
//! DROP/CREATE TABLE moving root pages) runs at page sizes 512, 4096 and
//! 65536 in each mode.
mod common;
mod storage_diff;

use ferrolite_engine::Value;
use storage_diff::*;

fn setup(ps: u32, mode: &str) -> (TempDir, String, String, ferrolite_engine::Connection, rusqlite::Connection) {
    let dir = TempDir::new("av");
    let (fp, lp) = (dir.file("f.db"), dir.file("l.db"));
    let mut f = fopen(&fp);
    let l = lopen(&lp);
    for c in [format!("PRAGMA page_size = {ps}"), format!("PRAGMA auto_vacuum = {mode}")] {
        fq(&mut f, &c);
        lq(&l, &c);
    }
    (dir, fp, lp, f, l)
}

/// Statements both engines then run on the other engine's file.
const FOLLOW_UP: &[&str] = &[
    "INSERT INTO t1(b, c, d) SELECT b || 'z', c, d FROM t1 WHERE a % 3 = 0 ORDER BY a",
    "DELETE FROM t2 WHERE rowid % 2 = 0",
    "DROP INDEX t1d",
    "CREATE TABLE again(q, r)",
    "CREATE INDEX againq ON again(q)",
    "INSERT INTO again SELECT x, y FROM t2 ORDER BY rowid",
    "DROP TABLE late",
    "UPDATE t1 SET c = zeroblob(5000) WHERE a % 4 = 1",
    "DELETE FROM t1 WHERE a % 2 = 0",
];

fn differential(ps: u32, mode: &str, seed: u64) {
    let (_dir, fp, lp, mut f, l) = setup(ps, mode);
    let want = match mode {
        "none" => 0,
        "full" => 1,
        _ => 2,
    };
    assert_eq!(fint(&mut f, "PRAGMA auto_vacuum"), want);
    for s in &workload(seed, 6, 2) {
        run_both(&mut f, &l, s);
        if mode == "full" && s.sql == "COMMIT" {
            assert_eq!(fint(&mut f, "PRAGMA freelist_count"), 0, "FULL mode: free pages left after a commit");
        }
    }
    assert_eq!(fint(&mut f, "PRAGMA auto_vacuum"), lint(&l, "PRAGMA auto_vacuum"));
    if mode == "incremental" {
        let (ff, lf) = (fint(&mut f, "PRAGMA freelist_count"), lint(&l, "PRAGMA freelist_count"));
        assert!(ff > 5 && lf > 5, "incremental mode keeps free pages ({ff}, {lf})");
        let fpc = fint(&mut f, "PRAGMA page_count");
        fq(&mut f, "PRAGMA incremental_vacuum(3)");
        lq(&l, "PRAGMA incremental_vacuum(3)");
        assert_eq!(fint(&mut f, "PRAGMA freelist_count"), ff - 3);
        assert_eq!(lint(&l, "PRAGMA freelist_count"), lf - 3);
        assert!(fint(&mut f, "PRAGMA page_count") <= fpc - 3);
        fq(&mut f, "PRAGMA incremental_vacuum");
        lq(&l, "PRAGMA incremental_vacuum");
        assert_eq!(fint(&mut f, "PRAGMA freelist_count"), 0);
        assert_eq!(lint(&l, "PRAGMA freelist_count"), 0);
    }
    drop(f);
    drop(l);
    cross_check(&fp, &lp);
    // Each engine writes into the other's file.
    let mut f = fopen(&lp);
    let l = lopen(&fp);
    for sql in FOLLOW_UP {
        run_both(&mut f, &l, &Step { sql: sql.to_string(), params: vec![] });
    }
    if mode == "full" {
        assert_eq!(fint(&mut f, "PRAGMA freelist_count"), 0);
    }
    drop(f);
    drop(l);
    cross_check(&fp, &lp);
}

#[test]
fn differential_none() {
    for (ps, seed) in [(512, 11), (4096, 12), (65536, 13)] {
        differential(ps, "none", seed);
    }
}

#[test]
fn differential_full() {
    for (ps, seed) in [(512, 21), (4096, 22), (65536, 23)] {
        differential(ps, "full", seed);
    }
}

#[test]
fn differential_incremental() {
    for (ps, seed) in [(512, 31), (4096, 32), (65536, 33)] {
        differential(ps, "incremental", seed);
    }
}

/// PRAGMA auto_vacuum reads and writes as SQLite: settable on an empty
/// database, FULL <-> INCREMENTAL later, NONE <-> auto ignored once the
/// database has content; header offsets 52 and 64.
#[test]
fn pragma_values_and_header() {
    let dir = TempDir::new("avp");
    let (fp, lp) = (dir.file("f.db"), dir.file("l.db"));
    let mut f = fopen(&fp);
    let l = lopen(&lp);
    let script = [
        "PRAGMA auto_vacuum",
        "PRAGMA auto_vacuum = incremental",
        "PRAGMA auto_vacuum",
        "PRAGMA auto_vacuum = 1",
        "PRAGMA auto_vacuum",
        "CREATE TABLE a(x)",
        "CREATE TABLE b(y)",
        "PRAGMA auto_vacuum",
        "PRAGMA auto_vacuum = 0",
        "PRAGMA auto_vacuum",
        "PRAGMA auto_vacuum = 'incremental'",
        "PRAGMA auto_vacuum",
        "PRAGMA auto_vacuum = 7",
        "PRAGMA auto_vacuum",
        "PRAGMA auto_vacuum = full",
        "PRAGMA auto_vacuum",
        "PRAGMA incremental_vacuum(2)",
        "PRAGMA page_count",
    ];
    for sql in script {
        assert_eq!(fq(&mut f, sql), lq(&l, sql), "{sql}");
    }
    drop(f);
    drop(l);
    let fb = std::fs::read(&fp).unwrap();
    let lb = std::fs::read(&lp).unwrap();
    assert_eq!(fb.len(), lb.len());
    // Largest root page (52) and incremental flag (64); the pointer map
    // page 2 with ROOTPAGE entries for pages 3 and 4.
    assert_eq!(fb[52..56], lb[52..56]);
    assert_eq!(fb[64..68], lb[64..68]);
    assert_eq!(u32::from_be_bytes([fb[52], fb[53], fb[54], fb[55]]), 4);
    assert_eq!(fb[4096..4106], lb[4096..4106]);
    assert_eq!(&fb[4096..4106], &[1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    // A non-empty database without auto_vacuum stays so.
    let p2 = dir.file("n.db");
    let mut f = fopen(&p2);
    fq(&mut f, "CREATE TABLE a(x)");
    fq(&mut f, "PRAGMA auto_vacuum = full");
    assert_eq!(fint(&mut f, "PRAGMA auto_vacuum"), 0);
}

/// Dropping a table whose root is not the last one moves the last root
/// into its place and rewrites that table's sqlite_schema row, as SQLite.
#[test]
fn drop_moves_last_root() {
    let (_dir, fp, lp, mut f, l) = setup(1024, "full");
    let steps = [
        "CREATE TABLE a(x)",
        "CREATE TABLE b(y)",
        "CREATE INDEX bi ON b(y)",
        "CREATE TABLE c(z)",
        "INSERT INTO a VALUES (1), (2)",
        "INSERT INTO b VALUES ('b1'), ('b2')",
        "INSERT INTO c VALUES (zeroblob(3000))",
        "DROP TABLE a",
        "SELECT name, rootpage FROM sqlite_schema ORDER BY name",
        "SELECT y FROM b ORDER BY y",
        "SELECT length(z) FROM c",
        "PRAGMA page_count",
        "DROP TABLE b",
        "SELECT name, rootpage FROM sqlite_schema ORDER BY name",
        "CREATE TABLE d(w)",
        "INSERT INTO d VALUES (42)",
        "SELECT name, rootpage FROM sqlite_schema ORDER BY name",
        "PRAGMA page_count",
        // An index root below its table's root (moved there by a drop):
        // the table's drop must free the larger root first.
        "CREATE TABLE t1(a)",
        "CREATE TABLE t2(b)",
        "CREATE INDEX t2i ON t2(b)",
        "INSERT INTO t2 VALUES (1), (2)",
        "DROP TABLE t1",
        "SELECT name, rootpage FROM sqlite_schema ORDER BY name",
        "DROP TABLE t2",
        "SELECT name, rootpage FROM sqlite_schema ORDER BY name",
        "PRAGMA page_count",
    ];
    for sql in steps {
        assert_eq!(fq(&mut f, sql), lq(&l, sql), "{sql}");
    }
    drop(f);
    drop(l);
    cross_check(&fp, &lp);
}

/// Rolling back a transaction that freed and moved pages restores the
/// file (journal holds the truncated pages).
#[test]
fn rollback_restores() {
    let (_dir, fp, _lp, mut f, _l) = setup(1024, "full");
    fq(&mut f, "CREATE TABLE t(a, b)");
    for i in 0..200 {
        query_both_f(&mut f, &format!("INSERT INTO t VALUES ({i}, zeroblob({}))", 100 + i * 13));
    }
    let before = f_dump(&mut f);
    let pages = fint(&mut f, "PRAGMA page_count");
    fq(&mut f, "BEGIN");
    fq(&mut f, "DELETE FROM t WHERE a % 3 <> 0");
    fq(&mut f, "ROLLBACK");
    assert_eq!(f_dump(&mut f), before);
    assert_eq!(fint(&mut f, "PRAGMA page_count"), pages);
    fq(&mut f, "DELETE FROM t WHERE a % 3 <> 0");
    assert!(fint(&mut f, "PRAGMA page_count") < pages);
    drop(f);
    let l = lopen(&fp);
    assert_eq!(l_integrity(&l), "ok");
    assert_eq!(lint(&l, "SELECT count(*) FROM t"), 67);
    let _ = Value::Null;
}

fn query_both_f(f: &mut ferrolite_engine::Connection, sql: &str) {
    fq(f, sql);
}
