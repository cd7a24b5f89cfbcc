//! PRAGMA journal_size_limit in WAL mode, compared with SQLite's: when a
//! writer restarts the log after a complete checkpoint, the first commit
//! cuts the -wal file down to the limit (never below the frames it just
//! wrote); -1 leaves the file as large as it grew.
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags};
use std::rc::Rc;

fn temp_path(tag: &str) -> String {
    let p = std::env::temp_dir().join(format!("ferrolite-walsl-{tag}-{}.db", std::process::id()));
    let p = p.to_string_lossy().into_owned();
    cleanup(&p);
    p
}

fn cleanup(path: &str) {
    for s in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{s}"));
    }
}

fn wal_size(path: &str) -> u64 {
    std::fs::metadata(format!("{path}-wal")).map(|m| m.len()).unwrap_or(0)
}

/// Runs the scenario with `limit` set before (or after) WAL is entered;
/// returns the -wal sizes after the big transaction and after the small
/// commit that follows a PASSIVE checkpoint.
fn scenario(ferro: bool, limit: i64, set_first: bool) -> (u64, u64, Outcome) {
    let path = temp_path(&format!("{}{}{}", if ferro { "f" } else { "s" }, limit + 1, set_first as u8));
    let steps_before = if set_first {
        format!("PRAGMA journal_size_limit={limit}; PRAGMA journal_mode=WAL;")
    } else {
        format!("PRAGMA journal_mode=WAL; PRAGMA journal_size_limit={limit};")
    };
    let script = [
        steps_before.as_str(),
        "PRAGMA wal_autocheckpoint=0;",
        "CREATE TABLE u(x); CREATE TABLE t(b BLOB);",
        "BEGIN; INSERT INTO t SELECT zeroblob(2000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<300) SELECT i FROM n); COMMIT;",
    ];
    let after = ["PRAGMA wal_checkpoint(PASSIVE);", "INSERT INTO u VALUES(1);"];
    let (s1, s2, out);
    if ferro {
        let mut c = Connection::open(Rc::new(UnixVfs::new()), &path, OpenFlags::default_rwc()).unwrap();
        for s in script {
            c.exec(s).unwrap();
        }
        s1 = wal_size(&path);
        let ck = query(&mut c, after[0]);
        c.exec(after[1]).unwrap();
        s2 = wal_size(&path);
        out = ck;
    } else {
        let c = rusqlite::Connection::open(&path).unwrap();
        for s in script {
            c.execute_batch(s).unwrap();
        }
        s1 = wal_size(&path);
        let ck = lite_query(&c, after[0], &[]);
        c.execute_batch(after[1]).unwrap();
        s2 = wal_size(&path);
        out = ck;
    }
    cleanup(&path);
    (s1, s2, out)
}

#[test]
fn journal_size_limit_cuts_the_restarted_log_as_sqlite() {
    for set_first in [true, false] {
        for limit in [-1i64, 0, 10_000, 100_000, 100_000_000] {
            let (f1, f2, fck) = scenario(true, limit, set_first);
            let (s1, s2, sck) = scenario(false, limit, set_first);
            let what = format!("limit {limit} (set {} WAL)", if set_first { "before" } else { "after" });
            assert!(f1 > 500_000 && s1 > 500_000, "{what}: the big transaction grows the log ({f1}, {s1})");
            assert_eq!(fck.map(|r| r.len()), sck.map(|r| r.len()), "{what}: checkpoint rows");
            if limit < 0 || limit as u64 >= s1 {
                // Not cut: as large as it grew, in both engines.
                assert_eq!((f2 == f1, s2 == s1), (true, true), "{what}: ferrolite {f1}->{f2}, SQLite {s1}->{s2}");
            } else {
                assert_eq!(f2, s2, "{what}: -wal size after the restarted commit (ferrolite {f1}->{f2}, SQLite {s1}->{s2})");
            }
        }
    }
}
