//! Files on disk through the host imports: ferrolite and the real sqlite3
//! shell read each other's databases (PRAGMA integrity_check ok, same rows),
//! two connections of one process lock each other out (OFD locks), busy
//! timeout, and interrupting a running statement from another thread.

mod common;
use ::ferrolite::*;
use common::*;
use std::time::{Duration, Instant};

/// Rows of `t` rendered the same way by ferrolite and by sqlite3.
const DUMP: &str = "SELECT id, name, price, qty, hex(data), length(big) FROM t ORDER BY id";

#[test]
fn ferrolite_writes_sqlite_reads() {
    let p = temp_db("f2s.db");
    let db = Db::open(p.to_str().unwrap());
    db.ok("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, price REAL, qty INT, data BLOB, big TEXT)");
    db.ok("CREATE INDEX t_name ON t(name)");
    db.ok("BEGIN");
    let ins = db.prepare("INSERT INTO t(name, price, qty, data, big) VALUES(?, ?, ?, ?, ?)");
    for i in 0..400i64 {
        assert_eq!(ins.bind_text(1, &format!("name-{}", i * 7919 % 400)), FERROLITE_OK);
        assert_eq!(ins.bind_double(2, i as f64 / 8.0), FERROLITE_OK);
        if i % 5 == 0 {
            assert_eq!(ins.bind_null(3), FERROLITE_OK);
        } else {
            assert_eq!(ins.bind_int64(3, i * 1_000_003), FERROLITE_OK);
        }
        let blob: Vec<u8> = (0..(i % 40) as u8).collect();
        assert_eq!(ins.bind_blob(4, &blob), FERROLITE_OK);
        // Every 50th row overflows onto overflow pages.
        let big = if i % 50 == 0 { "x".repeat(10_000 + i as usize) } else { "y".repeat(i as usize) };
        assert_eq!(ins.bind_text(5, &big), FERROLITE_OK);
        assert_eq!(ins.step(), FERROLITE_DONE, "{}", db.errmsg());
        assert_eq!(ins.reset(), FERROLITE_OK);
    }
    drop(ins);
    db.ok("COMMIT");
    db.ok("DELETE FROM t WHERE id % 7 = 0");
    db.ok("UPDATE t SET name = 'renamed' WHERE id % 11 = 0");
    let ours = db.rows(DUMP);
    assert_eq!(ours.len(), 400 - 57);
    assert_eq!(db.close(), FERROLITE_OK);

    assert_eq!(sqlite3(&p, "PRAGMA integrity_check"), "ok\n");
    let theirs: Vec<String> = sqlite3(&p, DUMP).lines().map(String::from).collect();
    assert_eq!(ours, theirs);
    assert_eq!(sqlite3(&p, "SELECT count(*) FROM t WHERE name = 'renamed'"), "31\n");
}

#[test]
fn sqlite_writes_ferrolite_reads() {
    let p = temp_db("s2f.db");
    sqlite3(
        &p,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, price REAL, qty INT, data BLOB, big TEXT);
         WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300)
         INSERT INTO t SELECT i, 'n' || i, i / 4.0, CASE WHEN i % 3 THEN i END, randomblob(i % 9),
                              printf('%.*c', i * 37, 'z') FROM c;
         CREATE UNIQUE INDEX t_name ON t(name);",
    );
    let theirs: Vec<String> = sqlite3(&p, DUMP).lines().map(String::from).collect();
    let db = Db::open(p.to_str().unwrap());
    let ours = db.rows(DUMP);
    assert_eq!(ours.len(), 300);
    assert_eq!(ours, theirs);
    // ferrolite writes into sqlite3's file; sqlite3 still finds it sound.
    assert_eq!(db.exec("INSERT INTO t(name) VALUES('n5')"), FERROLITE_CONSTRAINT);
    assert_eq!(db.errmsg(), "UNIQUE constraint failed: t.name");
    db.ok("INSERT INTO t(name, big) VALUES('new', 'hello')");
    assert_eq!(db.close(), FERROLITE_OK);
    assert_eq!(sqlite3(&p, "PRAGMA integrity_check; SELECT big FROM t WHERE name = 'new'"), "ok\nhello\n");
}

#[test]
fn two_connections_lock_each_other_out() {
    let p = temp_db("locks.db");
    let path = p.to_str().unwrap();
    let a = Db::open(path);
    let b = Db::open(path);
    a.ok("CREATE TABLE t(x)");
    a.ok("BEGIN IMMEDIATE");
    a.ok("INSERT INTO t VALUES(1)");
    // b can read the committed state while a holds RESERVED, not write.
    assert_eq!(b.rows("SELECT count(*) FROM t"), ["0"]);
    assert_eq!(b.exec("BEGIN IMMEDIATE"), FERROLITE_BUSY);
    assert_eq!(b.errmsg(), "database is locked");
    assert_eq!(b.exec("INSERT INTO t VALUES(2)"), FERROLITE_BUSY);
    a.ok("COMMIT");
    assert_eq!(b.rows("SELECT count(*) FROM t"), ["1"]);
    b.ok("INSERT INTO t VALUES(2)");
    // The sqlite3 shell, another process, is excluded the same way.
    a.ok("BEGIN EXCLUSIVE");
    let out = std::process::Command::new("sqlite3").arg(&p).arg("INSERT INTO t VALUES(3)").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("database is locked"), "{out:?}");
    a.ok("ROLLBACK");
    assert_eq!(sqlite3(&p, "INSERT INTO t VALUES(3); SELECT count(*) FROM t"), "3\n");
}

#[test]
fn busy_timeout_waits_then_fails() {
    let p = temp_db("busy.db");
    let path = p.to_str().unwrap();
    let a = Db::open(path);
    let b = Db::open(path);
    a.ok("CREATE TABLE t(x)");
    a.ok("BEGIN IMMEDIATE");
    // SAFETY: live handle.
    assert_eq!(unsafe { ferrolite_busy_timeout(b.0, 300) }, FERROLITE_OK);
    let t = Instant::now();
    assert_eq!(b.exec("BEGIN IMMEDIATE"), FERROLITE_BUSY);
    let waited = t.elapsed();
    assert!(waited >= Duration::from_millis(250), "gave up after {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    a.ok("COMMIT");
    b.ok("BEGIN IMMEDIATE");
    b.ok("COMMIT");
}

struct SendDb(*mut ferrolite);
// SAFETY: ferrolite_interrupt may be called from any thread.
unsafe impl Send for SendDb {}

#[test]
fn interrupt_stops_a_running_statement() {
    let db = Db::open(":memory:");
    db.ok("CREATE TABLE n(x)");
    db.ok("BEGIN");
    let ins = db.prepare("INSERT INTO n VALUES(?)");
    for i in 0..1000 {
        ins.bind_int64(1, i);
        assert_eq!(ins.step(), FERROLITE_DONE);
        ins.reset();
    }
    drop(ins);
    db.ok("COMMIT");
    // An interrupt while nothing runs does not affect later statements.
    // SAFETY: live handle.
    unsafe { ferrolite_interrupt(db.0) };
    assert_eq!(db.rows("SELECT count(*) FROM n"), ["1000"]);

    // 10^9 rows: far longer than the test; the interrupt must stop it.
    let st = db.prepare("SELECT count(*) FROM n a, n b, n c");
    let handle = SendDb(db.0);
    let t = Instant::now();
    let killer = std::thread::spawn(move || {
        let h = handle;
        std::thread::sleep(Duration::from_millis(200));
        // SAFETY: the connection is open until the main thread joins us.
        unsafe { ferrolite_interrupt(h.0) };
    });
    let rc = st.step();
    killer.join().unwrap();
    assert_eq!(rc, FERROLITE_INTERRUPT, "{}", db.errmsg());
    assert_eq!(db.errmsg(), "interrupted");
    assert!(t.elapsed() < Duration::from_secs(10));
    // The connection works afterwards.
    drop(st);
    assert_eq!(db.rows("SELECT count(*) FROM n WHERE x < 10"), ["10"]);
}
