//! WAL files written by ferrolite and SQLite (rusqlite, bundled) in turn,
//! both connections open, no checkpoint: every frame must carry the WAL
//! header's salts (SQLite keeps the salt *bytes* of the header in the
//! wal-index and copies them into each frame header; a writer that stores
//! them in another byte order writes frames that recovery and Litestream
//! reject), and a fresh connection of either engine on a copy of the db and
//! -wal (no -shm, so it recovers from the log) sees every committed row.
//! Both orders: SQLite builds the wal-index first, or ferrolite does.
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags, Value};
use std::rc::Rc;

fn temp_path(tag: &str) -> String {
    let p = std::env::temp_dir().join(format!("ferrolite-walmix-{tag}-{}.db", std::process::id()));
    let p = p.to_string_lossy().into_owned();
    cleanup(&p);
    p
}

fn cleanup(path: &str) {
    for s in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{s}"));
    }
}

fn open(path: &str) -> Connection {
    let mut c = Connection::open(Rc::new(UnixVfs::new()), path, OpenFlags::default_rwc()).expect("open");
    c.set_busy_timeout(5000);
    c
}

fn be32(b: &[u8], o: usize) -> u32 {
    u32::from_be_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

/// (header salts, per-frame (pgno, salts)) of a -wal file.
fn wal_frames(path: &str) -> ([u32; 2], Vec<(u32, [u32; 2])>) {
    let w = std::fs::read(format!("{path}-wal")).expect("read -wal");
    assert!(w.len() >= 32, "-wal shorter than its header");
    let page_size = be32(&w, 8) as usize;
    let salt = [be32(&w, 16), be32(&w, 20)];
    let mut frames = Vec::new();
    let mut off = 32;
    while off + 24 + page_size <= w.len() {
        frames.push((be32(&w, off), [be32(&w, off + 8), be32(&w, off + 12)]));
        off += 24 + page_size;
    }
    (salt, frames)
}

fn run(sqlite_first: bool) {
    let tag = if sqlite_first { "sq" } else { "fl" };
    let path = temp_path(tag);
    let setup = "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(a INTEGER PRIMARY KEY, who TEXT, pad TEXT);";
    let l = rusqlite::Connection::open(&path).unwrap();
    l.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let mut f;
    if sqlite_first {
        l.execute_batch(setup).unwrap();
        f = open(&path);
        f.exec("PRAGMA wal_autocheckpoint=0").unwrap();
    } else {
        f = open(&path);
        f.exec(setup).unwrap();
        l.execute_batch("PRAGMA wal_autocheckpoint=0").unwrap();
    }
    let mut want = Vec::new();
    for i in 1..=20i64 {
        let pad = "x".repeat((i as usize * 37) % 900);
        if i % 2 == 1 {
            f.exec(&format!("INSERT INTO t VALUES ({i}, 'ferrolite', '{pad}')")).unwrap();
            want.push(vec![Value::Integer(i), Value::Text("ferrolite".into()), Value::Integer(pad.len() as i64)]);
        } else {
            l.execute(&format!("INSERT INTO t VALUES ({i}, 'sqlite', '{pad}')"), []).unwrap();
            want.push(vec![Value::Integer(i), Value::Text("sqlite".into()), Value::Integer(pad.len() as i64)]);
        }
    }
    let (salt, frames) = wal_frames(&path);
    assert!(frames.len() >= 20, "{tag}: {} frames in the -wal, want at least one per commit", frames.len());
    for (i, (pgno, s)) in frames.iter().enumerate() {
        assert_eq!(*s, salt, "{tag}: frame {} (page {pgno}) salts {s:08x?}, -wal header {salt:08x?}", i + 1);
    }
    // Recovery from the log alone, by each engine, on copies.
    let q = "SELECT a, who, length(pad) FROM t ORDER BY a";
    for (reader, suffix) in [("sqlite", "copy-sq"), ("ferrolite", "copy-fl")] {
        let copy = temp_path(&format!("{tag}-{suffix}"));
        std::fs::copy(&path, &copy).unwrap();
        std::fs::copy(format!("{path}-wal"), format!("{copy}-wal")).unwrap();
        let got = if reader == "sqlite" {
            let c = rusqlite::Connection::open(&copy).unwrap();
            let rows = lite_query(&c, q, &[]).unwrap();
            let ic = lite_query(&c, "PRAGMA integrity_check", &[]).unwrap();
            assert_eq!(ic, vec![vec![Value::Text("ok".into())]], "{tag}: sqlite integrity_check on the recovered copy");
            rows
        } else {
            let mut c = open(&copy);
            let rows = query(&mut c, q).unwrap();
            assert_eq!(query(&mut c, "PRAGMA integrity_check").unwrap(), vec![vec![Value::Text("ok".into())]]);
            rows
        };
        assert_eq!(got, want, "{tag}: {reader} recovering a copy of the db and -wal");
        cleanup(&copy);
    }
    drop(f);
    drop(l);
    cleanup(&path);
}

#[test]
fn sqlite_builds_the_wal_index_ferrolite_appends() {
    run(true);
}

#[test]
fn ferrolite_builds_the_wal_index_sqlite_appends() {
    run(false);
}
