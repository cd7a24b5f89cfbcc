//! Concurrent WAL use of one file by ferrolite connections (threads),
//! rusqlite connections (threads) and a `python3` sqlite3 process, all
//! with busy timeouts and a small wal_autocheckpoint so that checkpoints
//! and log restarts happen while others read and write.
//!
//! Every transaction adds one numbered row to `t` and bumps `s.total`;
//! readers check in one read transaction that count(t) == s.total (a
//! partial commit would break it). At the end every row is there exactly
//! once and both engines' integrity_check says ok.
//!
//! Every ferrolite connection stays open until all writers are done:
//! closing any descriptor of a file drops the *process-owned* POSIX locks
//! this process holds on it, i.e. the locks of the rusqlite connections in
//! this test process (ferrolite's own OFD locks are unaffected). That is a
//! property of mixing two lock styles in one process, not of the protocol.
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags, Value};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const PER_WRITER: i64 = 60;

fn open(path: &str) -> Connection {
    let mut c = Connection::open(Rc::new(UnixVfs::new()), path, OpenFlags::default_rwc()).expect("open");
    c.set_busy_timeout(20_000);
    c.exec("PRAGMA wal_autocheckpoint=25").unwrap();
    c
}

fn lite_open(path: &str) -> rusqlite::Connection {
    let l = rusqlite::Connection::open(path).unwrap();
    l.busy_timeout(std::time::Duration::from_secs(20)).unwrap();
    l.execute_batch("PRAGMA wal_autocheckpoint=25").unwrap();
    l
}

fn ferro_writer(path: String, w: String, done: Arc<AtomicBool>) {
    let mut c = open(&path);
    for n in 0..PER_WRITER {
        let sql = format!("BEGIN IMMEDIATE; INSERT INTO t VALUES('{w}', {n}, randomblob(300)); UPDATE s SET total = total + 1; COMMIT;");
        c.exec(&sql).unwrap_or_else(|e| panic!("{w} {n}: {e:?}"));
        if n % 20 == 7 {
            let r = query(&mut c, "PRAGMA wal_checkpoint(PASSIVE)").unwrap();
            assert_eq!(r[0].len(), 3);
        }
    }
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn lite_writer(path: String, w: String) {
    let l = lite_open(&path);
    for n in 0..PER_WRITER {
        let sql = format!("BEGIN IMMEDIATE; INSERT INTO t VALUES('{w}', {n}, randomblob(300)); UPDATE s SET total = total + 1; COMMIT;");
        l.execute_batch(&sql).unwrap_or_else(|e| panic!("{w} {n}: {e:?}"));
        if n % 25 == 11 {
            l.execute_batch("PRAGMA wal_checkpoint(RESTART)").unwrap();
        }
    }
}

fn check_snapshot(rows: Vec<Vec<Value>>, who: &str) {
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], rows[0][1], "{who} saw a partial commit: {rows:?}");
}

#[test]
fn many_writers_and_readers_on_one_wal() {
    let p = std::env::temp_dir().join(format!("ferrolite-walconc-{}.db", std::process::id()));
    let path = p.to_string_lossy().into_owned();
    for s in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{path}{s}"));
    }
    {
        let mut c = open(&path);
        c.exec("PRAGMA journal_mode=WAL; CREATE TABLE t(w TEXT, n INTEGER, pad BLOB, UNIQUE(w, n)); CREATE TABLE s(total INTEGER); INSERT INTO s VALUES(0);").unwrap();
        // Keep one connection open for the whole test (so -wal stays).
        let done = Arc::new(AtomicBool::new(false));
        let all_written = Arc::new(AtomicBool::new(false));
        let mut handles = Vec::new();
        for k in 0..2 {
            let (p2, w, d) = (path.clone(), format!("f{k}"), all_written.clone());
            handles.push(std::thread::spawn(move || ferro_writer(p2, w, d)));
        }
        for k in 0..2 {
            let (p2, w) = (path.clone(), format!("l{k}"));
            handles.push(std::thread::spawn(move || lite_writer(p2, w)));
        }
        let py = format!(
            "import sqlite3\n\
             c = sqlite3.connect({path:?}, timeout=20, isolation_level=None)\n\
             c.execute('PRAGMA wal_autocheckpoint=25')\n\
             for n in range({PER_WRITER}):\n\
             \x20   c.execute('BEGIN IMMEDIATE')\n\
             \x20   c.execute(\"INSERT INTO t VALUES('py', ?, randomblob(300))\", (n,))\n\
             \x20   c.execute('UPDATE s SET total = total + 1')\n\
             \x20   c.execute('COMMIT')\n\
             c.close()\n"
        );
        let child = std::process::Command::new("python3").arg("-c").arg(&py).spawn().expect("python3");
        let mut readers = Vec::new();
        {
            let (p2, d) = (path.clone(), done.clone());
            readers.push(std::thread::spawn(move || {
                let mut c = open(&p2);
                let mut n = 0;
                while !d.load(Ordering::Relaxed) {
                    check_snapshot(query(&mut c, "SELECT (SELECT count(*) FROM t), (SELECT total FROM s)").unwrap(), "ferrolite");
                    // A read transaction over several statements.
                    c.exec("BEGIN").unwrap();
                    let a = query(&mut c, "SELECT count(*) FROM t").unwrap();
                    let b = query(&mut c, "SELECT total FROM s").unwrap();
                    c.exec("COMMIT").unwrap();
                    assert_eq!(a, b, "ferrolite read transaction saw two states");
                    n += 1;
                }
                n
            }));
        }
        {
            let (p2, d) = (path.clone(), done.clone());
            readers.push(std::thread::spawn(move || {
                let l = lite_open(&p2);
                let mut n = 0;
                while !d.load(Ordering::Relaxed) {
                    check_snapshot(lite_query(&l, "SELECT (SELECT count(*) FROM t), (SELECT total FROM s)", &[]).unwrap(), "sqlite");
                    n += 1;
                }
                n
            }));
        }
        // rusqlite writers first; ferrolite writers keep their connections
        // open until everyone has written (see the module doc).
        let lite_writers: Vec<_> = handles.drain(2..).collect();
        for h in lite_writers {
            h.join().expect("writer thread");
        }
        let out = child.wait_with_output().expect("python3 wait");
        assert!(out.status.success(), "python writer failed");
        all_written.store(true, Ordering::Relaxed);
        for h in handles {
            h.join().expect("writer thread");
        }
        done.store(true, Ordering::Relaxed);
        for r in readers {
            assert!(r.join().expect("reader thread") > 0);
        }
        let total = 5 * PER_WRITER;
        assert_eq!(query(&mut c, "SELECT count(*), count(DISTINCT w || '/' || n) FROM t").unwrap(), vec![vec![Value::Integer(total), Value::Integer(total)]]);
        assert_eq!(query(&mut c, "SELECT total FROM s").unwrap(), vec![vec![Value::Integer(total)]]);
        assert_eq!(query(&mut c, "PRAGMA integrity_check").unwrap(), vec![vec![Value::Text("ok".into())]]);
        let l = lite_open(&path);
        assert_eq!(lite_query(&l, "PRAGMA integrity_check", &[]).unwrap(), vec![vec![Value::Text("ok".into())]]);
        for w in ["f0", "f1", "l0", "l1", "py"] {
            let r = lite_query(&l, &format!("SELECT count(*), min(n), max(n) FROM t WHERE w = '{w}'"), &[]).unwrap();
            assert_eq!(r, vec![vec![Value::Integer(PER_WRITER), Value::Integer(0), Value::Integer(PER_WRITER - 1)]], "{w}");
        }
    }
    for s in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{path}{s}"));
    }
}
