//! WAL mode through the C API (the engine on wasmtime, its wal-index mapped
//! into the instance's memory): the real sqlite3 shell reads and writes the
//! database while ferrolite holds it open, two connections of one process
//! keep snapshot isolation, checkpoints move the log into the database, and
//! a concurrent sqlite3 writer and ferrolite writer lose nothing.

mod common;
use ::ferrolite::*;
use common::*;
use std::path::Path;

fn exists(p: &Path, suffix: &str) -> bool {
    Path::new(&format!("{}{suffix}", p.display())).exists()
}

fn size(p: &Path, suffix: &str) -> u64 {
    std::fs::metadata(format!("{}{suffix}", p.display())).map(|m| m.len()).unwrap_or(0)
}

/// The sqlite3 shell with a busy timeout (others hold the database).
fn sqlite3_t(path: &Path, sql: &str) -> String {
    let out = std::process::Command::new("sqlite3")
        .args(["-cmd", ".timeout 30000"])
        .arg(path)
        .arg(sql)
        .output()
        .expect("the sqlite3 shell");
    assert!(out.status.success(), "sqlite3 failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn busy_timeout(db: &Db, ms: i32) {
    // SAFETY: live handle.
    assert_eq!(unsafe { ferrolite_busy_timeout(db.0, ms) }, FERROLITE_OK);
}

#[test]
fn wal_written_through_the_c_api_is_read_by_sqlite3_while_open() {
    let p = temp_db("wal-capi.db");
    let path = p.to_str().unwrap();
    let a = Db::open(path);
    busy_timeout(&a, 10_000);
    assert_eq!(a.rows("PRAGMA journal_mode=WAL"), ["wal"]);
    a.ok("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
    a.ok("BEGIN");
    let ins = a.prepare("INSERT INTO t(v) VALUES (?)");
    for i in 0..100 {
        assert_eq!(ins.bind_text(1, &"y".repeat(i * 30)), FERROLITE_OK);
        assert_eq!(ins.step(), FERROLITE_DONE);
        assert_eq!(ins.reset(), FERROLITE_OK);
    }
    drop(ins);
    a.ok("COMMIT");
    assert!(exists(&p, "-wal") && exists(&p, "-shm"), "WAL files exist while open");
    assert!(size(&p, "-shm") >= 32768, "the -shm holds at least one region");

    // The real sqlite3 shell reads our WAL while we hold it, and writes.
    assert_eq!(
        sqlite3_t(&p, "PRAGMA journal_mode; SELECT count(*), sum(length(v)) FROM t; PRAGMA integrity_check;"),
        "wal\n100|148500\nok\n"
    );
    sqlite3_t(&p, "INSERT INTO t(v) VALUES ('from sqlite3');");
    assert_eq!(a.rows("SELECT count(*), (SELECT v FROM t ORDER BY id DESC LIMIT 1) FROM t"), ["101|from sqlite3"]);

    // A second connection: snapshot isolation, and BUSY_SNAPSHOT on a
    // write from a stale snapshot.
    let b = Db::open(path);
    busy_timeout(&b, 0);
    b.ok("BEGIN");
    assert_eq!(b.rows("SELECT count(*) FROM t"), ["101"]);
    a.ok("INSERT INTO t(v) VALUES ('a1'), ('a2')");
    assert_eq!(b.rows("SELECT count(*) FROM t"), ["101"], "b keeps its snapshot");
    assert_eq!(b.exec("INSERT INTO t(v) VALUES ('b')"), FERROLITE_BUSY);
    assert_eq!(b.extended(), FERROLITE_BUSY | (2 << 8), "BUSY_SNAPSHOT: {}", b.errmsg());
    b.ok("ROLLBACK");
    assert_eq!(b.rows("SELECT count(*) FROM t"), ["103"]);

    // Checkpoint: everything into the database, the log truncated.
    assert_eq!(a.rows("PRAGMA wal_checkpoint(TRUNCATE)"), ["0|0|0"]);
    assert_eq!(size(&p, "-wal"), 0);
    assert_eq!(sqlite3_t(&p, "SELECT count(*) FROM t; PRAGMA integrity_check;"), "103\nok\n");
    assert_eq!(b.close(), FERROLITE_OK);
    assert_eq!(a.close(), FERROLITE_OK);
    assert!(!exists(&p, "-wal") && !exists(&p, "-shm"), "the last close removes -wal and -shm");
    // Read only now: where locks are process-owned (macOS), opening and
    // closing the file here while it is open would drop the connection's.
    let head = std::fs::read(&p).unwrap();
    assert_eq!((head[18], head[19]), (2, 2), "header says WAL");
    assert_eq!(sqlite3(&p, "PRAGMA journal_mode; SELECT count(*) FROM t; PRAGMA integrity_check;"), "wal\n103\nok\n");
}

#[test]
fn concurrent_sqlite3_and_ferrolite_writers_in_wal_mode() {
    let p = temp_db("wal-conc.db");
    let path = p.to_str().unwrap().to_owned();
    let a = Db::open(&path);
    busy_timeout(&a, 30_000);
    assert_eq!(a.rows("PRAGMA journal_mode=WAL"), ["wal"]);
    a.ok("CREATE TABLE t(w TEXT, i INTEGER, PRIMARY KEY(w, i))");
    // The sqlite3 shell: 200 transactions of one row, a checkpoint of
    // each mode every 50.
    let mut script = String::new();
    for i in 0..200 {
        script += &format!("INSERT INTO t VALUES ('sqlite3', {i});\n");
        if i % 50 == 49 {
            script += [
                "PRAGMA wal_checkpoint(PASSIVE);\n",
                "PRAGMA wal_checkpoint(FULL);\n",
                "PRAGMA wal_checkpoint(RESTART);\n",
                "PRAGMA wal_checkpoint(TRUNCATE);\n",
            ][i / 50];
        }
    }
    let shell = std::thread::spawn({
        let p = p.clone();
        move || sqlite3_t(&p, &script)
    });
    let ins = a.prepare("INSERT INTO t VALUES ('ferrolite', ?)");
    for i in 0..200 {
        assert_eq!(ins.bind_int64(1, i), FERROLITE_OK);
        assert_eq!(ins.step(), FERROLITE_DONE, "insert {i}: {}", a.errmsg());
        assert_eq!(ins.reset(), FERROLITE_OK);
    }
    drop(ins);
    let out = shell.join().unwrap();
    assert_eq!(out.lines().count(), 4, "four checkpoint results: {out}");
    assert_eq!(
        a.rows("SELECT w, count(*), count(DISTINCT i) FROM t GROUP BY w ORDER BY w"),
        ["ferrolite|200|200", "sqlite3|200|200"]
    );
    assert_eq!(a.rows("PRAGMA integrity_check"), ["ok"]);
    assert_eq!(sqlite3_t(&p, "SELECT count(*) FROM t; PRAGMA integrity_check;"), "400\nok\n");
    assert_eq!(a.close(), FERROLITE_OK);
    assert_eq!(sqlite3(&p, "SELECT count(*) FROM t; PRAGMA integrity_check;"), "400\nok\n");
}
