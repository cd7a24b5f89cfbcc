//! VACUUM and VACUUM INTO against real SQLite (rusqlite, bundled): the
//! same workload on both engines, then VACUUM; both files pass both
//! engines' integrity_check and hold the same contents, the file has no
//! free page left, header values are kept (user_version, application_id)
//! and the schema cookie moves as SQLite's; auto_vacuum changes take
//! effect through VACUUM; VACUUM INTO writes a file SQLite opens; errors
//! as SQLite's. Also secure_delete, cache_spill and journal_size_limit.
mod common;
mod storage_diff;

use ferrolite_engine::Value;
use storage_diff::*;

fn prepared(ps: u32, seed: u64) -> (TempDir, String, String, ferrolite_engine::Connection, rusqlite::Connection) {
    let dir = TempDir::new("vac");
    let (fp, lp) = (dir.file("f.db"), dir.file("l.db"));
    let mut f = fopen(&fp);
    let l = lopen(&lp);
    let c = format!("PRAGMA page_size = {ps}");
    fq(&mut f, &c);
    lq(&l, &c);
    for s in &workload(seed, 4, 1) {
        run_both(&mut f, &l, s);
    }
    for sql in ["PRAGMA user_version = 77", "PRAGMA application_id = 12345"] {
        fq(&mut f, sql);
        lq(&l, sql);
    }
    (dir, fp, lp, f, l)
}

#[test]
fn vacuum_rebuilds_compactly() {
    for (ps, seed) in [(512, 41), (4096, 42), (65536, 43)] {
        let (_dir, fp, lp, mut f, l) = prepared(ps, seed);
        assert!(fint(&mut f, "PRAGMA freelist_count") > 0);
        let before = fint(&mut f, "PRAGMA page_count");
        let (fs, ls) = (fint(&mut f, "PRAGMA schema_version"), lint(&l, "PRAGMA schema_version"));
        fq(&mut f, "VACUUM");
        lq(&l, "VACUUM");
        assert_eq!(fint(&mut f, "PRAGMA freelist_count"), 0);
        assert!(fint(&mut f, "PRAGMA page_count") < before);
        assert_eq!(fint(&mut f, "PRAGMA schema_version") - fs, lint(&l, "PRAGMA schema_version") - ls);
        for sql in ["PRAGMA user_version", "PRAGMA application_id", "PRAGMA page_size", "PRAGMA auto_vacuum"] {
            assert_eq!(fq(&mut f, sql), lq(&l, sql), "{sql}");
        }
        // The connection goes on using the rebuilt file.
        let step = Step { sql: "INSERT INTO t1(b, c, d) VALUES ('after', x'00ff', 1)".into(), params: vec![] };
        run_both(&mut f, &l, &step);
        drop(f);
        drop(l);
        cross_check(&fp, &lp);
        // SQLite's file compacted the same way has about the same size.
        let (a, b) = (std::fs::metadata(&fp).unwrap().len(), std::fs::metadata(&lp).unwrap().len());
        assert!(a <= b + b / 5 + 2 * u64::from(ps), "vacuumed sizes {a} vs {b}");
    }
}

#[test]
fn vacuum_applies_auto_vacuum_mode() {
    for (from, to, want) in [("none", "full", 1), ("none", "incremental", 2), ("full", "none", 0)] {
        let dir = TempDir::new("vacav");
        let (fp, lp) = (dir.file("f.db"), dir.file("l.db"));
        let mut f = fopen(&fp);
        let l = lopen(&lp);
        let c = format!("PRAGMA auto_vacuum = {from}");
        fq(&mut f, &c);
        lq(&l, &c);
        for s in &workload(50, 3, 0) {
            run_both(&mut f, &l, s);
        }
        let c = format!("PRAGMA auto_vacuum = {to}");
        fq(&mut f, &c);
        lq(&l, &c);
        fq(&mut f, "VACUUM");
        lq(&l, "VACUUM");
        assert_eq!(fint(&mut f, "PRAGMA auto_vacuum"), want);
        assert_eq!(lint(&l, "PRAGMA auto_vacuum"), want);
        // The new mode works: deletes in FULL mode leave no free page.
        let step = Step { sql: "DELETE FROM t1 WHERE a % 2 = 0".into(), params: vec![] };
        run_both(&mut f, &l, &step);
        if want == 1 {
            assert_eq!(fint(&mut f, "PRAGMA freelist_count"), 0);
        }
        drop(f);
        drop(l);
        cross_check(&fp, &lp);
    }
}

#[test]
fn vacuum_into_and_errors() {
    let (dir, fp, lp, mut f, l) = prepared(4096, 61);
    let (fo, lo) = (dir.file("f-into.db"), dir.file("l-into.db"));
    fq(&mut f, &format!("VACUUM INTO '{fo}'"));
    lq(&l, &format!("VACUUM INTO '{lo}'"));
    // Errors, as SQLite.
    let exists_f = query_err(&mut f, &format!("VACUUM INTO '{fo}'"));
    let exists_l = lite_err(&l, &format!("VACUUM INTO '{lo}'"));
    assert_eq!(exists_f, exists_l);
    assert_eq!(exists_f.1, "output file already exists");
    for sql in ["VACUUM INTO 5", "VACUUM INTO NULL", "VACUUM nosuch"] {
        assert_eq!(query_err(&mut f, sql), lite_err(&l, sql), "{sql}");
    }
    fq(&mut f, "BEGIN");
    lq(&l, "BEGIN");
    for sql in ["VACUUM", &format!("VACUUM INTO '{}'", dir.file("x.db"))] {
        let a = query_err(&mut f, sql);
        assert_eq!(a, lite_err(&l, sql), "{sql}");
        assert_eq!(a.1, "cannot VACUUM from within a transaction");
    }
    fq(&mut f, "COMMIT");
    lq(&l, "COMMIT");
    // An empty existing file is fine.
    let empty = dir.file("empty.db");
    std::fs::write(&empty, b"").unwrap();
    fq(&mut f, &format!("VACUUM INTO '{empty}'"));
    drop(f);
    drop(l);
    cross_check(&fo, &lo);
    cross_check(&fo, &fp);
    cross_check(&empty, &lp);
    let l = lopen(&fo);
    assert_eq!(lint(&l, "PRAGMA freelist_count"), 0);
    assert_eq!(lint(&l, "PRAGMA user_version"), 77);
}

fn query_err(f: &mut ferrolite_engine::Connection, sql: &str) -> (i32, String) {
    common::query(f, sql).expect_err(sql)
}

fn lite_err(l: &rusqlite::Connection, sql: &str) -> (i32, String) {
    common::lite_query(l, sql, &[]).expect_err(sql)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// secure_delete OFF / ON / FAST: whether deleted text is still in the
/// file, for a small row deleted from a page that keeps other rows and
/// for a row whose overflow pages are freed, matches SQLite's file.
#[test]
fn secure_delete_zeroes_as_sqlite() {
    for mode in ["0", "1", "fast"] {
        let dir = TempDir::new("sd");
        let (fp, lp) = (dir.file("f.db"), dir.file("l.db"));
        let mut f = fopen(&fp);
        let l = lopen(&lp);
        let sql = format!("PRAGMA secure_delete = {mode}");
        assert_eq!(fq(&mut f, &sql), lq(&l, &sql));
        let secret_big = "BIGSECRET-".repeat(3000);
        let script = [
            "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)".to_string(),
            "INSERT INTO t VALUES (1, 'keep-one'), (2, 'SMALLSECRET-2'), (3, 'keep-three')".to_string(),
            format!("INSERT INTO t VALUES (4, '{secret_big}')"),
            "INSERT INTO t VALUES (5, 'keep-five')".to_string(),
            "DELETE FROM t WHERE a IN (2, 4)".to_string(),
        ];
        for s in &script {
            fq(&mut f, s);
            lq(&l, s);
        }
        drop(f);
        drop(l);
        let (fb, lb) = (std::fs::read(&fp).unwrap(), std::fs::read(&lp).unwrap());
        for needle in [&b"SMALLSECRET-2"[..], &b"BIGSECRET-BIGSECRET-"[..]] {
            assert_eq!(contains(&fb, needle), contains(&lb, needle), "secure_delete={mode}: {}", String::from_utf8_lossy(needle));
        }
        if mode == "1" {
            assert!(!contains(&fb, b"SECRET"));
        }
        if mode == "0" {
            assert!(contains(&fb, b"SMALLSECRET-2"));
        }
        cross_check(&fp, &lp);
    }
}

/// The pragmas' values as SQLite reports them.
#[test]
fn pragma_values() {
    let dir = TempDir::new("pv");
    let mut f = fopen(&dir.file("f.db"));
    let l = lopen(&dir.file("l.db"));
    let script = [
        "PRAGMA cache_spill",
        "PRAGMA cache_size = -500",
        "PRAGMA cache_spill",
        "PRAGMA cache_spill = -300",
        "PRAGMA cache_spill",
        "PRAGMA cache_size = -2000",
        "PRAGMA secure_delete",
        "PRAGMA secure_delete = fast",
        "PRAGMA secure_delete",
        "PRAGMA secure_delete = on",
        "PRAGMA secure_delete = 7",
        "PRAGMA secure_delete = -1",
        "PRAGMA secure_delete = full",
        "PRAGMA journal_size_limit",
        "PRAGMA journal_size_limit = -5",
        "PRAGMA journal_size_limit = 0x10",
        "PRAGMA journal_size_limit = abc",
        "PRAGMA journal_size_limit = 100000",
        "PRAGMA journal_size_limit",
        "PRAGMA cache_spill = off",
        "PRAGMA cache_spill",
        "PRAGMA cache_spill = on",
        "PRAGMA cache_spill = 100",
        "PRAGMA cache_size = 50",
        "PRAGMA cache_spill",
        "PRAGMA cache_spill = 0",
        "PRAGMA cache_spill",
        "PRAGMA cache_spill = 1",
        "PRAGMA cache_size = 500",
        "PRAGMA cache_spill",
        "PRAGMA cache_spill = 7000",
        "PRAGMA cache_spill",
        "PRAGMA incremental_vacuum",
        "PRAGMA auto_vacuum",
    ];
    for sql in script {
        assert_eq!(fq(&mut f, sql), lq(&l, sql), "{sql}");
    }
    let _ = Value::Null;
}

/// journal_size_limit in PERSIST mode: the kept journal is cut to the
/// limit at the end of each transaction, as SQLite does.
#[test]
fn journal_size_limit_persist() {
    for limit in [0i64, 2000, -1] {
        let dir = TempDir::new("jsl");
        let (fp, lp) = (dir.file("f.db"), dir.file("l.db"));
        let mut f = fopen(&fp);
        let l = lopen(&lp);
        for sql in ["PRAGMA journal_mode = persist".to_string(), format!("PRAGMA journal_size_limit = {limit}")] {
            assert_eq!(fq(&mut f, &sql), lq(&l, &sql));
        }
        fq(&mut f, "CREATE TABLE t(a, b)");
        lq(&l, "CREATE TABLE t(a, b)");
        for i in 0..40 {
            let s = format!("INSERT INTO t VALUES ({i}, zeroblob(3000))");
            fq(&mut f, &s);
            lq(&l, &s);
        }
        fq(&mut f, "UPDATE t SET b = zeroblob(2000)");
        lq(&l, "UPDATE t SET b = zeroblob(2000)");
        let (fj, lj) = (std::fs::metadata(format!("{fp}-journal")).map(|m| m.len()), std::fs::metadata(format!("{lp}-journal")).map(|m| m.len()));
        let (fj, lj) = (fj.unwrap(), lj.unwrap());
        match limit {
            0 => assert_eq!((fj, lj), (0, 0)),
            2000 => assert_eq!((fj, lj), (2000, 2000)),
            _ => assert!(fj > 100_000 && lj > 100_000, "{fj} {lj}"),
        }
    }
}
