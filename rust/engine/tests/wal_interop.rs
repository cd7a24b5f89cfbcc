//! WAL mode against real SQLite (rusqlite, bundled) on the same files, in
//! one process with separate file handles (SQLite's process locks and
//! ferrolite's OFD locks exclude each other):
//! - ferrolite writes in WAL mode, SQLite reads (before any checkpoint:
//!   only through our -wal and -shm), and the reverse;
//! - SQLite checkpoints (every mode) between our writes;
//! - a file left by SQLite with frames not checkpointed is read by a
//!   fresh ferrolite connection (recovery from the -wal);
//! - journal_mode transitions, wal_checkpoint results, BUSY_SNAPSHOT and
//!   the -wal/-shm left on close, compared with what SQLite does.
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags, Value};
use std::rc::Rc;

fn temp_path(tag: &str) -> String {
    let p = std::env::temp_dir().join(format!("ferrolite-wal-{tag}-{}.db", std::process::id()));
    cleanup(&p.to_string_lossy());
    p.to_string_lossy().into_owned()
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

fn lite_open(path: &str) -> rusqlite::Connection {
    let l = rusqlite::Connection::open(path).unwrap();
    l.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    l
}

fn f_rows(c: &mut Connection, sql: &str) -> Vec<Vec<Value>> {
    query(c, sql).unwrap_or_else(|e| panic!("{sql}: {e:?}"))
}

fn l_rows(l: &rusqlite::Connection, sql: &str) -> Vec<Vec<Value>> {
    lite_query(l, sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e:?}"))
}

fn int(v: i64) -> Value {
    Value::Integer(v)
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn wal_len(path: &str) -> Option<u64> {
    std::fs::metadata(format!("{path}-wal")).ok().map(|m| m.len())
}

const ALL: &str = "SELECT a, b, length(c) FROM t ORDER BY a";

#[test]
fn ferrolite_writes_wal_sqlite_reads() {
    let p = temp_path("fw");
    let mut f = open(&p);
    assert_eq!(f_rows(&mut f, "PRAGMA journal_mode=WAL"), vec![vec![text("wal")]]);
    f.exec("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c BLOB); CREATE INDEX tb ON t(b);").unwrap();
    for i in 0..300 {
        f.exec(&format!("INSERT INTO t VALUES({i}, 'row{i}', zeroblob({}))", (i * 37) % 5000)).unwrap();
    }
    f.exec("DELETE FROM t WHERE a % 7 = 0; UPDATE t SET b = b || '!' WHERE a % 5 = 0;").unwrap();
    // Header bytes 18/19 = 2 and nothing checkpointed yet (300+ commits
    // < 1000 frames? each commit writes a few frames; check the db file
    // alone does not hold the rows: the -wal exists and is non-empty).
    assert!(wal_len(&p).unwrap() > 32);
    let hdr = std::fs::read(&p).unwrap();
    assert_eq!((hdr[18], hdr[19]), (2, 2));
    let l = lite_open(&p);
    assert_eq!(l_rows(&l, "PRAGMA journal_mode"), vec![vec![text("wal")]]);
    assert_eq!(l_rows(&l, ALL), f_rows(&mut f, ALL));
    assert_eq!(l_rows(&l, "PRAGMA integrity_check"), vec![vec![text("ok")]]);
    assert_eq!(f_rows(&mut f, "PRAGMA integrity_check"), vec![vec![text("ok")]]);
    // SQLite writes, ferrolite sees it at its next read transaction.
    l.execute_batch("INSERT INTO t VALUES(1000, 'from sqlite', x'00'); CREATE TABLE u(x);").unwrap();
    assert_eq!(f_rows(&mut f, "SELECT b FROM t WHERE a = 1000"), vec![vec![text("from sqlite")]]);
    f.exec("INSERT INTO u VALUES(42)").unwrap();
    assert_eq!(l_rows(&l, "SELECT x FROM u"), vec![vec![int(42)]]);
    assert_eq!(l_rows(&l, ALL), f_rows(&mut f, ALL));
    drop(l);
    drop(f);
    // Last close checkpointed and deleted -wal and -shm, as SQLite does.
    assert!(wal_len(&p).is_none());
    assert!(std::fs::metadata(format!("{p}-shm")).is_err());
    let l = lite_open(&p);
    assert_eq!(l_rows(&l, "PRAGMA integrity_check"), vec![vec![text("ok")]]);
    assert_eq!(l_rows(&l, "SELECT count(*) FROM t"), vec![vec![int(300 - 43 + 1)]]);
    drop(l);
    cleanup(&p);
}

#[test]
fn sqlite_checkpoints_between_our_writes() {
    for mode in ["PASSIVE", "FULL", "RESTART", "TRUNCATE"] {
        let p = temp_path(&format!("ck{mode}"));
        let l = lite_open(&p);
        l.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c BLOB);").unwrap();
        let mut f = open(&p);
        let mut n = 0;
        for round in 0..6 {
            for _ in 0..40 {
                n += 1;
                f.exec(&format!("INSERT INTO t VALUES({n}, hex(randomblob(20)), randomblob({}))", (n * 97) % 3000)).unwrap();
            }
            if round % 2 == 1 {
                f.exec(&format!("DELETE FROM t WHERE a % 3 = {}", round % 3)).unwrap();
            }
            let r = l_rows(&l, &format!("PRAGMA wal_checkpoint({mode})"));
            assert_eq!(r[0][0], int(0), "{mode}: {r:?}");
            assert_eq!(l_rows(&l, ALL), f_rows(&mut f, ALL), "{mode} round {round}");
            l.execute_batch(&format!("INSERT INTO t VALUES({}, 'lite', NULL)", 100_000 + round)).unwrap();
            assert_eq!(l_rows(&l, ALL), f_rows(&mut f, ALL), "{mode} round {round}");
        }
        assert_eq!(l_rows(&l, "PRAGMA integrity_check"), vec![vec![text("ok")]]);
        assert_eq!(f_rows(&mut f, "PRAGMA integrity_check"), vec![vec![text("ok")]]);
        drop(f);
        drop(l);
        cleanup(&p);
    }
}

#[test]
fn ferrolite_reads_wal_left_by_sqlite() {
    let p = temp_path("left");
    let l = lite_open(&p);
    l.execute_batch("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c BLOB);").unwrap();
    for i in 0..200 {
        l.execute(&format!("INSERT INTO t VALUES({i}, 'v{i}', randomblob({}))", i * 13 % 4000), []).unwrap();
    }
    let expect = l_rows(&l, ALL);
    // Keep the -wal and -shm as SQLite leaves them after a crash: copy
    // the three files while SQLite still has them open.
    let q = temp_path("left-copy");
    for s in ["", "-wal", "-shm"] {
        std::fs::copy(format!("{p}{s}"), format!("{q}{s}")).unwrap();
    }
    assert!(wal_len(&q).unwrap() > 100_000);
    // A stale -shm (first opener resets it) and a copied one both work.
    let mut f = open(&q);
    assert_eq!(f_rows(&mut f, ALL), expect);
    assert_eq!(f_rows(&mut f, "PRAGMA integrity_check"), vec![vec![text("ok")]]);
    assert_eq!(f_rows(&mut f, "PRAGMA journal_mode"), vec![vec![text("wal")]]);
    drop(f);
    let _ = std::fs::remove_file(format!("{q}-shm"));
    for s in ["", "-wal"] {
        std::fs::copy(format!("{p}{s}"), format!("{q}{s}")).unwrap();
    }
    let mut f = open(&q);
    assert_eq!(f_rows(&mut f, ALL), expect);
    f.exec("INSERT INTO t VALUES(5000, 'after', NULL)").unwrap();
    drop(f);
    let l2 = lite_open(&q);
    assert_eq!(l_rows(&l2, "SELECT count(*) FROM t"), vec![vec![int(201)]]);
    assert_eq!(l_rows(&l2, "PRAGMA integrity_check"), vec![vec![text("ok")]]);
    drop(l2);
    drop(l);
    cleanup(&p);
    cleanup(&q);
}

#[test]
fn our_wal_without_checkpoint_read_by_sqlite() {
    let p = temp_path("nockpt");
    let mut f = open(&p);
    f.exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c BLOB);").unwrap();
    for i in 0..150 {
        f.exec(&format!("INSERT INTO t VALUES({i}, 'w{i}', zeroblob({}))", i * 31 % 6000)).unwrap();
    }
    let expect = f_rows(&mut f, ALL);
    // Copy db + -wal only (no -shm): SQLite must recover the index from
    // our log alone.
    let q = temp_path("nockpt-copy");
    for s in ["", "-wal"] {
        std::fs::copy(format!("{p}{s}"), format!("{q}{s}")).unwrap();
    }
    let l = lite_open(&q);
    assert_eq!(l_rows(&l, ALL), expect);
    assert_eq!(l_rows(&l, "PRAGMA integrity_check"), vec![vec![text("ok")]]);
    drop(l);
    drop(f);
    cleanup(&p);
    cleanup(&q);
}

/// wal_checkpoint's three columns, wal_autocheckpoint and journal_mode
/// transitions give SQLite's rows for the same script.
#[test]
fn pragmas_match_sqlite() {
    let (fp, lp) = (temp_path("pf"), temp_path("pl"));
    let mut f = open(&fp);
    let l = lite_open(&lp);
    let script = [
        "PRAGMA wal_checkpoint",
        "PRAGMA journal_mode",
        "PRAGMA wal_autocheckpoint",
        "PRAGMA wal_autocheckpoint = 0",
        "PRAGMA wal_autocheckpoint = -5",
        "PRAGMA wal_autocheckpoint = 100",
        "PRAGMA journal_mode = WAL",
        "PRAGMA journal_mode",
        "CREATE TABLE t(a, b)",
        "INSERT INTO t VALUES(1, 2)",
        "INSERT INTO t SELECT a + 1, b FROM t",
        "PRAGMA wal_checkpoint",
        "INSERT INTO t SELECT a + 2, b FROM t",
        "PRAGMA wal_checkpoint(passive)",
        "PRAGMA wal_checkpoint(FULL)",
        "INSERT INTO t SELECT a + 4, b FROM t",
        "PRAGMA wal_checkpoint(RESTART)",
        "INSERT INTO t VALUES(99, 99)",
        "PRAGMA wal_checkpoint(TRUNCATE)",
        "PRAGMA wal_checkpoint(bogus)",
        "SELECT * FROM t ORDER BY a",
        "BEGIN",
        "PRAGMA journal_mode = delete",
        "ROLLBACK",
        "PRAGMA journal_mode = delete",
        "PRAGMA journal_mode",
        "PRAGMA wal_checkpoint",
        "PRAGMA journal_mode = wal",
        "BEGIN",
        "PRAGMA journal_mode = wal",
        "PRAGMA journal_mode = persist",
        "COMMIT",
        "PRAGMA journal_mode = truncate",
        "SELECT count(*) FROM t",
    ];
    for sql in script {
        same(&mut f, &l, sql);
    }
    let hf = std::fs::read(&fp).unwrap();
    assert_eq!((hf[18], hf[19]), (1, 1));
    drop(f);
    drop(l);
    cleanup(&fp);
    cleanup(&lp);
}

/// A VFS without shared memory (like a wasm host without fs_map): WAL is
/// refused as SQLite refuses it when xShmMap is missing: the mode stays
/// and the header keeps versions 1/1.
struct NoShm(UnixVfs);

impl ferrolite_engine::vfs::Vfs for NoShm {
    fn open(&self, path: &str, opts: ferrolite_engine::vfs::OpenOptions) -> ferrolite_engine::Result<Box<dyn ferrolite_engine::vfs::VfsFile>> {
        self.0.open(path, opts)
    }
    fn delete(&self, path: &str, sync_dir: bool) -> ferrolite_engine::Result<()> {
        self.0.delete(path, sync_dir)
    }
    fn exists(&self, path: &str) -> ferrolite_engine::Result<bool> {
        self.0.exists(path)
    }
    fn current_time_ms(&self) -> i64 {
        self.0.current_time_ms()
    }
    fn randomness(&self, buf: &mut [u8]) {
        self.0.randomness(buf)
    }
    fn sleep(&self, micros: u64) {
        self.0.sleep(micros)
    }
}

#[test]
fn vfs_without_shm_keeps_rollback_mode() {
    let p = temp_path("noshm");
    let mut f = Connection::open(Rc::new(NoShm(UnixVfs::new())), &p, OpenFlags::default_rwc()).unwrap();
    f.exec("CREATE TABLE t(a)").unwrap();
    assert_eq!(f_rows(&mut f, "PRAGMA journal_mode=WAL"), vec![vec![text("delete")]]);
    f.exec("INSERT INTO t VALUES(1)").unwrap();
    let h = std::fs::read(&p).unwrap();
    assert_eq!((h[18], h[19]), (1, 1));
    assert!(wal_len(&p).is_none());
    // With locking_mode=EXCLUSIVE the heap index needs no shared memory.
    f.exec("PRAGMA locking_mode=EXCLUSIVE").unwrap();
    assert_eq!(f_rows(&mut f, "PRAGMA journal_mode=WAL"), vec![vec![text("wal")]]);
    f.exec("INSERT INTO t VALUES(2)").unwrap();
    assert!(std::fs::metadata(format!("{p}-shm")).is_err());
    drop(f);
    let l = lite_open(&p);
    assert_eq!(l_rows(&l, "SELECT count(*) FROM t"), vec![vec![int(2)]]);
    drop(l);
    cleanup(&p);
}
