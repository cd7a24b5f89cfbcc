//! A real SQLite process (rusqlite, in a child process: this test binary
//! re-run in child mode) and ferrolite write the same database file at the
//! same time, each with a busy timeout: every committed row of both must be
//! there at the end and both integrity checks must pass.

mod storage_util;

use ferrolite_engine::codes;
use ferrolite_engine::storage::btree::{BtCursor, Btree, TreeKind};
use ferrolite_engine::value::Value;
use std::process::Command;
use std::time::Duration;
use storage_util::*;

const CHILD_ENV: &str = "FERROLITE_CONCURRENT_DB";
const ROWS: i64 = 200;

fn child(path: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.busy_timeout(Duration::from_secs(20)).unwrap();
    for i in 1..=ROWS {
        conn.execute("INSERT INTO t(rowid, who, v) VALUES (?1, 'sqlite', ?2)", rusqlite::params![i, "s".repeat((i % 40) as usize)])
            .unwrap();
        std::thread::sleep(Duration::from_millis(1));
        if i % 10 == 0 {
            // A read transaction in between.
            let _: i64 = conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
        }
    }
}

/// Starts a read transaction, retrying while a writer holds the file.
fn begin_read_retry(bt: &mut Btree) {
    let t = std::time::Instant::now();
    loop {
        match bt.begin_read() {
            Ok(()) => return,
            Err(e) if e.code & 0xff == codes::BUSY && t.elapsed() < Duration::from_secs(30) => {
                std::thread::sleep(Duration::from_millis(1))
            }
            Err(e) => panic!("{e:?}"),
        }
    }
}

/// One ferrolite insert transaction, retried on BUSY.
fn insert_one(bt: &mut Btree, root: u32, rowid: i64) {
    for _attempt in 0..200 {
        let r = (|| {
            bt.begin_write()?;
            let mut c = BtCursor::new(root, TreeKind::Table, None);
            c.insert(bt, rowid, &rec(&[Value::Text("ferrolite".into()), Value::Text("f".repeat((rowid % 40) as usize))]))?;
            bt.commit()
        })();
        match r {
            Ok(()) => return,
            Err(e) if e.code & 0xff == codes::BUSY => {
                bt.rollback().unwrap();
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => panic!("insert {rowid}: {e:?}"),
        }
    }
    panic!("insert {rowid}: always busy");
}

#[test]
fn sqlite_and_ferrolite_write_concurrently() {
    if let Ok(p) = std::env::var(CHILD_ENV) {
        child(&p);
        return;
    }
    let dir = TempDir::new("conc");
    let path = dir.file("c.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t(who TEXT, v TEXT)").unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    let mut ch = Command::new(exe)
        .args(["sqlite_and_ferrolite_write_concurrently", "--exact", "--test-threads=1"])
        .env(CHILD_ENV, &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut bt = open_unix(&path, 4096);
    bt.set_busy_timeout(20);
    begin_read_retry(&mut bt);
    let root = schema(&mut bt).iter().find(|s| s.1 == "t").unwrap().2;
    bt.commit().unwrap();
    let count_sqlite = |bt: &mut Btree| -> (usize, usize) {
        begin_read_retry(bt);
        let rows = scan_table(bt, root);
        bt.commit().unwrap();
        let s = rows.iter().filter(|r| r.1[0] == Value::Text("sqlite".into())).count();
        (s, rows.len())
    };
    // Start once the child is writing, so that the two really overlap.
    let t = std::time::Instant::now();
    while count_sqlite(&mut bt).0 == 0 {
        assert!(t.elapsed() < Duration::from_secs(60), "child never wrote");
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut saw_interleaving = false;
    for i in 1..=ROWS {
        insert_one(&mut bt, root, 1_000_000 + i);
        if i % 5 == 0 {
            let (s, n) = count_sqlite(&mut bt);
            assert!(n - s >= i as usize);
            saw_interleaving |= s > 0 && s < ROWS as usize;
        }
    }
    assert!(saw_interleaving, "the writers did not overlap");
    let st = ch.wait().unwrap();
    assert!(st.success(), "the SQLite child failed: {st}");
    begin_read_retry(&mut bt);
    let rows = scan_table(&mut bt, root);
    let sqlite_rows_n = rows.iter().filter(|r| r.1[0] == Value::Text("sqlite".into())).count();
    let ours = rows.iter().filter(|r| r.1[0] == Value::Text("ferrolite".into())).count();
    assert_eq!((sqlite_rows_n, ours), (ROWS as usize, ROWS as usize));
    let errs = bt.integrity_check(&[(1, TreeKind::Table), (root, TreeKind::Table)], 20).unwrap();
    assert!(errs.is_empty(), "{errs:?}");
    bt.commit().unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(sqlite_integrity(&conn), "ok");
    let n: i64 = conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 2 * ROWS);
}
