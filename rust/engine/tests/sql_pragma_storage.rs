//! Storage pragmas against real SQLite (rusqlite, bundled), on real files:
//! the same script runs on ferrolite and on SQLite and every pragma's
//! column name and rows must match; per journal mode, commits and
//! rollbacks leave the same rows, the file passes SQLite's
//! integrity_check, and the journal file left after commit looks like the
//! one SQLite leaves (absent / empty / present with a zeroed header).
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags, StepResult, Value};
use std::rc::Rc;

fn temp_path(tag: &str) -> String {
    let p = std::env::temp_dir().join(format!("ferrolite-pragma-{tag}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&p);
    let _ = std::fs::remove_file(format!("{}-journal", p.display()));
    p.to_string_lossy().into_owned()
}

fn cleanup(path: &str) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(format!("{path}-journal"));
}

fn open(path: &str) -> Connection {
    Connection::open(Rc::new(UnixVfs::new()), path, OpenFlags::default_rwc()).expect("open")
}

/// Column names and rows of one statement on ferrolite.
fn f_named(c: &mut Connection, sql: &str) -> (Vec<String>, Vec<Vec<Value>>) {
    let (id, _) = c.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    let Some(id) = id else { return (vec![], vec![]) };
    let names = (0..c.column_count(id)).map(|i| c.column_name(id, i).to_string()).collect();
    let mut rows = Vec::new();
    while c.step(id).unwrap_or_else(|e| panic!("{sql}: {e:?}")) == StepResult::Row {
        rows.push(c.row(id).to_vec());
    }
    c.finalize(id).unwrap();
    (names, rows)
}

fn l_named(l: &rusqlite::Connection, sql: &str) -> (Vec<String>, Vec<Vec<Value>>) {
    let names: Vec<String> = {
        let st = l.prepare(sql).unwrap();
        st.column_names().iter().map(|s| s.to_string()).collect()
    };
    (names, lite_query(l, sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e:?}")))
}

fn same_named(f: &mut Connection, l: &rusqlite::Connection, sql: &str) {
    assert_eq!(f_named(f, sql), l_named(l, sql), "differs for {sql}");
}

/// What a journal file looks like after a transaction ended.
#[derive(Debug, PartialEq)]
enum JournalState {
    Absent,
    Empty,
    ZeroedHeader,
    Other,
}

fn journal_state(db: &str) -> JournalState {
    match std::fs::read(format!("{db}-journal")) {
        Err(_) => JournalState::Absent,
        Ok(b) if b.is_empty() => JournalState::Empty,
        Ok(b) if b.len() >= 28 && b[..28].iter().all(|&x| x == 0) => JournalState::ZeroedHeader,
        Ok(_) => JournalState::Other,
    }
}

fn sqlite_integrity(path: &str) -> String {
    let l = rusqlite::Connection::open(path).unwrap();
    l.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap()
}

#[test]
fn journal_mode_pragma_matches_sqlite() {
    let (fp, lp) = (temp_path("jm-f"), temp_path("jm-l"));
    let mut f = open(&fp);
    let l = rusqlite::Connection::open(&lp).unwrap();
    for sql in [
        "PRAGMA journal_mode",
        "PRAGMA journal_mode = TRUNCATE",
        "PRAGMA journal_mode",
        "PRAGMA journal_mode = persist",
        "PRAGMA main.journal_mode",
        "PRAGMA journal_mode = wal2",
        "PRAGMA journal_mode = 'memory'",
        "PRAGMA journal_mode = off",
        "PRAGMA journal_mode = bogus",
        "PRAGMA journal_mode = delete",
        "PRAGMA journal_mode",
    ] {
        same_named(&mut f, &l, sql);
    }
    drop(f);
    drop(l);
    cleanup(&fp);
    cleanup(&lp);
}

/// Inside a write transaction that has changed something the mode stays.
#[test]
fn journal_mode_cannot_change_mid_transaction() {
    let (fp, lp) = (temp_path("jmx-f"), temp_path("jmx-l"));
    let mut f = open(&fp);
    let l = rusqlite::Connection::open(&lp).unwrap();
    both_exec(&mut f, &l, "CREATE TABLE t(a); BEGIN; INSERT INTO t VALUES (1);");
    same_named(&mut f, &l, "PRAGMA journal_mode = memory");
    both_exec(&mut f, &l, "ROLLBACK;");
    same_named(&mut f, &l, "SELECT count(*) FROM t");
    same_named(&mut f, &l, "PRAGMA journal_mode = memory");
    drop(f);
    drop(l);
    cleanup(&fp);
    cleanup(&lp);
}

fn fill(c: &mut Connection) {
    c.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX t_v ON t(v); BEGIN").unwrap();
    for i in 1..=300 {
        c.exec(&format!("INSERT INTO t(v) VALUES ('row-{i}-{}')", "x".repeat(i % 40))).unwrap();
    }
    c.exec("COMMIT").unwrap();
}

fn fill_lite(l: &rusqlite::Connection) {
    l.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX t_v ON t(v); BEGIN").unwrap();
    for i in 1..=300 {
        l.execute_batch(&format!("INSERT INTO t(v) VALUES ('row-{i}-{}')", "x".repeat(i % 40))).unwrap();
    }
    l.execute_batch("COMMIT").unwrap();
}

#[test]
fn each_journal_mode_commits_and_rolls_back_like_sqlite() {
    for mode in ["delete", "truncate", "persist", "memory", "off"] {
        let (fp, lp) = (temp_path(&format!("m-{mode}-f")), temp_path(&format!("m-{mode}-l")));
        let mut f = open(&fp);
        let l = rusqlite::Connection::open(&lp).unwrap();
        same_named(&mut f, &l, &format!("PRAGMA journal_mode = {mode}"));
        fill(&mut f);
        fill_lite(&l);
        assert_eq!(journal_state(&fp), journal_state(&lp), "journal after commit, mode {mode}");
        let expected = match mode {
            "truncate" => JournalState::Empty,
            "persist" => JournalState::ZeroedHeader,
            _ => JournalState::Absent,
        };
        assert_eq!(journal_state(&fp), expected, "mode {mode}");
        // A rollback (small: the changes never reach the file).
        both_exec(&mut f, &l, "BEGIN; DELETE FROM t WHERE id % 2 = 0; UPDATE t SET v = 'changed' WHERE id < 50;");
        same_named(&mut f, &l, "SELECT count(*), sum(length(v)) FROM t");
        both_exec(&mut f, &l, "ROLLBACK;");
        same_named(&mut f, &l, "SELECT count(*), sum(length(v)), min(v), max(v) FROM t");
        assert_eq!(journal_state(&fp), journal_state(&lp), "journal after rollback, mode {mode}");
        // A second commit reuses (or recreates) the journal.
        both_exec(&mut f, &l, "DELETE FROM t WHERE id % 3 = 0; UPDATE t SET v = v || '!' WHERE id % 5 = 0;");
        assert_eq!(journal_state(&fp), journal_state(&lp), "journal after second commit, mode {mode}");
        same_named(&mut f, &l, "SELECT id, v FROM t ORDER BY id");
        same_named(&mut f, &l, "PRAGMA journal_mode");
        drop(f);
        drop(l);
        assert_eq!(sqlite_integrity(&fp), "ok", "mode {mode}");
        // SQLite reads what ferrolite wrote (a persisted or empty journal
        // is not hot), and ferrolite reads what SQLite wrote.
        let lf = rusqlite::Connection::open(&fp).unwrap();
        let ll = rusqlite::Connection::open(&lp).unwrap();
        let q = "SELECT count(*), group_concat(v) FROM t";
        assert_eq!(lite_query(&lf, q, &[]), lite_query(&ll, q, &[]), "mode {mode}");
        drop(lf);
        drop(ll);
        let mut f2 = open(&lp);
        assert_eq!(query(&mut f2, q), lite_query(&rusqlite::Connection::open(&fp).unwrap(), q, &[]));
        f2.exec("INSERT INTO t(v) VALUES ('after')").unwrap();
        drop(f2);
        assert_eq!(sqlite_integrity(&lp), "ok", "mode {mode}");
        cleanup(&fp);
        cleanup(&lp);
    }
}

/// Leaving TRUNCATE/PERSIST for DELETE removes the leftover journal, as
/// SQLite does.
#[test]
fn leaving_persist_deletes_the_journal() {
    for (from, to) in [("persist", "delete"), ("truncate", "memory"), ("persist", "off"), ("truncate", "persist")] {
        let (fp, lp) = (temp_path(&format!("lv-{from}-f")), temp_path(&format!("lv-{from}-l")));
        let mut f = open(&fp);
        let l = rusqlite::Connection::open(&lp).unwrap();
        same_named(&mut f, &l, &format!("PRAGMA journal_mode = {from}"));
        both_exec(&mut f, &l, "CREATE TABLE t(a); INSERT INTO t VALUES (1);");
        assert_eq!(journal_state(&fp), journal_state(&lp));
        same_named(&mut f, &l, &format!("PRAGMA journal_mode = {to}"));
        assert_eq!(journal_state(&fp), journal_state(&lp), "{from} -> {to}");
        drop(f);
        drop(l);
        cleanup(&fp);
        cleanup(&lp);
    }
}

#[test]
fn synchronous_pragma_matches_sqlite() {
    let (fp, lp) = (temp_path("sy-f"), temp_path("sy-l"));
    let mut f = open(&fp);
    let l = rusqlite::Connection::open(&lp).unwrap();
    same_named(&mut f, &l, "PRAGMA synchronous");
    for v in ["OFF", "normal", "FULL", "extra", "0", "1", "2", "3", "5", "9", "7", "on", "no", "yes", "foo", "-1", "'2'", "\"extra\"", "99999999999"] {
        same_named(&mut f, &l, &format!("PRAGMA synchronous = {v}"));
        same_named(&mut f, &l, "PRAGMA synchronous");
        same_named(&mut f, &l, "PRAGMA main.synchronous");
    }
    // Every level commits and rolls back correctly, with every journal mode.
    both_exec(&mut f, &l, "CREATE TABLE t(a INTEGER PRIMARY KEY, b)");
    for level in ["off", "normal", "full", "extra"] {
        for mode in ["delete", "truncate", "persist", "memory"] {
            same_named(&mut f, &l, &format!("PRAGMA synchronous = {level}"));
            same_named(&mut f, &l, &format!("PRAGMA journal_mode = {mode}"));
            both_exec(&mut f, &l, "INSERT INTO t(b) VALUES (randomblob(3000)); BEGIN; DELETE FROM t; ROLLBACK; INSERT INTO t(b) VALUES (zeroblob(10));");
            same_named(&mut f, &l, "SELECT count(*), sum(length(b)) FROM t");
            assert_eq!(journal_state(&fp), journal_state(&lp), "{level} {mode}");
        }
    }
    drop(f);
    drop(l);
    assert_eq!(sqlite_integrity(&fp), "ok");
    cleanup(&fp);
    cleanup(&lp);
}

#[test]
fn cache_freelist_max_page_count_match_sqlite() {
    let (fp, lp) = (temp_path("cf-f"), temp_path("cf-l"));
    let mut f = open(&fp);
    let l = rusqlite::Connection::open(&lp).unwrap();
    for sql in [
        "PRAGMA cache_size",
        "PRAGMA cache_size = 100",
        "PRAGMA cache_size",
        "PRAGMA cache_size = -500",
        "PRAGMA main.cache_size",
        "PRAGMA cache_size = 0",
        "PRAGMA cache_size",
        "PRAGMA cache_size = abc",
        "PRAGMA cache_size",
        "PRAGMA cache_size = 12",
        "PRAGMA freelist_count",
        "PRAGMA max_page_count",
        "PRAGMA page_count",
    ] {
        same_named(&mut f, &l, sql);
    }
    both_exec(&mut f, &l, "CREATE TABLE t(a INTEGER PRIMARY KEY, b); CREATE TABLE u(x);");
    both_exec(&mut f, &l, "INSERT INTO t(b) VALUES (zeroblob(3000)), (zeroblob(3000)), (zeroblob(3000)), (zeroblob(3000)), (zeroblob(3000)), (zeroblob(3000));");
    same_named(&mut f, &l, "PRAGMA freelist_count");
    same_named(&mut f, &l, "PRAGMA page_count");
    both_exec(&mut f, &l, "DELETE FROM t WHERE a > 2;");
    same_named(&mut f, &l, "PRAGMA freelist_count");
    both_exec(&mut f, &l, "DROP TABLE u;");
    same_named(&mut f, &l, "PRAGMA freelist_count");
    for sql in [
        "PRAGMA max_page_count = 1",
        "PRAGMA max_page_count",
        "PRAGMA max_page_count = 0",
        "PRAGMA max_page_count = -5",
        "PRAGMA max_page_count = 0x20",
        "PRAGMA max_page_count = 99999999999",
        "PRAGMA max_page_count = 12",
        "PRAGMA max_page_count",
    ] {
        same_named(&mut f, &l, sql);
    }
    // Growing past the limit: SQLITE_FULL, and the transaction is undone.
    let sql = "INSERT INTO t(b) SELECT zeroblob(3000) FROM t, t AS t2, t AS t3";
    same(&mut f, &l, sql);
    let full = query(&mut f, "INSERT INTO t(b) VALUES (zeroblob(100000))");
    assert_eq!(full, Err((13, "database or disk is full".to_string())));
    same(&mut f, &l, "INSERT INTO t(b) VALUES (zeroblob(100000))");
    same_named(&mut f, &l, "SELECT count(*), sum(length(b)) FROM t");
    same_named(&mut f, &l, "PRAGMA page_count");
    same_named(&mut f, &l, "PRAGMA max_page_count = 1000");
    same(&mut f, &l, "INSERT INTO t(b) VALUES (zeroblob(100000))");
    same_named(&mut f, &l, "SELECT count(*), sum(length(b)) FROM t");
    drop(f);
    drop(l);
    assert_eq!(sqlite_integrity(&fp), "ok");
    cleanup(&fp);
    cleanup(&lp);
}

#[test]
fn page_size_on_an_empty_database_matches_sqlite() {
    for size in ["1024", "512", "65536", "8192", "1000", "0", "131072"] {
        let (fp, lp) = (temp_path(&format!("ps{size}-f")), temp_path(&format!("ps{size}-l")));
        let mut f = open(&fp);
        let l = rusqlite::Connection::open(&lp).unwrap();
        same_named(&mut f, &l, "PRAGMA page_size");
        same_named(&mut f, &l, &format!("PRAGMA page_size = {size}"));
        same_named(&mut f, &l, "PRAGMA page_size");
        both_exec(&mut f, &l, "CREATE TABLE t(a, b); INSERT INTO t VALUES (1, zeroblob(5000)), (2, 'x');");
        same_named(&mut f, &l, "PRAGMA page_size");
        same_named(&mut f, &l, "PRAGMA page_count");
        // Once the database has pages the size stays.
        same_named(&mut f, &l, "PRAGMA page_size = 2048");
        same_named(&mut f, &l, "PRAGMA page_size");
        same_named(&mut f, &l, "SELECT a, length(b) FROM t");
        drop(f);
        drop(l);
        assert_eq!(std::fs::metadata(&fp).unwrap().len(), std::fs::metadata(&lp).unwrap().len(), "size {size}");
        assert_eq!(sqlite_integrity(&fp), "ok", "size {size}");
        let mut f = open(&fp);
        let l = rusqlite::Connection::open(&lp).unwrap();
        same_named(&mut f, &l, "PRAGMA page_size");
        drop(f);
        drop(l);
        cleanup(&fp);
        cleanup(&lp);
    }
}

/// What a second connection (real SQLite) can do while `holder` is idle.
fn other_can(path: &str) -> (bool, bool) {
    let o = rusqlite::Connection::open(path).unwrap();
    o.busy_timeout(std::time::Duration::from_millis(50)).unwrap();
    let read = o.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).is_ok();
    let write = o.execute_batch("INSERT INTO t VALUES (99)").is_ok();
    (read, write)
}

#[test]
fn locking_mode_exclusive_keeps_locks_like_sqlite() {
    let (fp, lp) = (temp_path("lk-f"), temp_path("lk-l"));
    let mut f = open(&fp);
    let l = rusqlite::Connection::open(&lp).unwrap();
    both_exec(&mut f, &l, "CREATE TABLE t(a);");
    for sql in ["PRAGMA locking_mode", "PRAGMA locking_mode = bogus", "PRAGMA locking_mode = EXCLUSIVE", "PRAGMA main.locking_mode"] {
        same_named(&mut f, &l, sql);
    }
    assert_eq!(other_can(&fp), other_can(&lp), "before any transaction");
    same_named(&mut f, &l, "SELECT count(*) FROM t");
    // After a read: SHARED kept (others read, cannot write).
    let got = other_can(&fp);
    assert_eq!(got, other_can(&lp), "after a read");
    assert_eq!(got, (true, false));
    same_named(&mut f, &l, "SELECT count(*) FROM t");
    both_exec(&mut f, &l, "INSERT INTO t VALUES (1);");
    // After a write: EXCLUSIVE kept; the DELETE journal is zeroed, not deleted.
    let got = other_can(&fp);
    assert_eq!(got, other_can(&lp), "after a write");
    assert_eq!(got, (false, false));
    assert_eq!(journal_state(&fp), journal_state(&lp));
    assert_eq!(journal_state(&fp), JournalState::ZeroedHeader);
    same_named(&mut f, &l, "SELECT count(*) FROM t");
    both_exec(&mut f, &l, "BEGIN; INSERT INTO t VALUES (2); ROLLBACK;");
    same_named(&mut f, &l, "SELECT count(*) FROM t");
    // Back to NORMAL: the locks go when the next transaction ends.
    same_named(&mut f, &l, "PRAGMA locking_mode = normal");
    same_named(&mut f, &l, "SELECT count(*) FROM t");
    let got = other_can(&fp);
    assert_eq!(got, other_can(&lp), "normal again");
    assert_eq!(got, (true, true));
    same_named(&mut f, &l, "SELECT count(*) FROM t");
    drop(f);
    drop(l);
    assert_eq!(sqlite_integrity(&fp), "ok");
    cleanup(&fp);
    cleanup(&lp);
}
