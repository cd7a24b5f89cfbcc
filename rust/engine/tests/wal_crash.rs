//! Crash safety of WAL mode with the fault-injecting MemoryVfs: the run is
//! cut at every write/sync point (`fail_writes_after`), then the disk is
//! taken either as a killed process leaves it (every write kept) or after
//! a power loss (unsynced sectors kept or lost at random, the -shm
//! included). A new connection must find an intact database holding:
//! - synchronous=FULL: exactly the committed transactions (plus possibly
//!   the one whose commit was cut after its commit frame was written);
//! - synchronous=NORMAL after a power loss: a prefix of them (the last
//!   ones may be lost), never anything half-applied;
//! - after a kill, NORMAL keeps every commit too.
//! The workload mixes commits, auto-checkpoints (every 6 frames), explicit
//! TRUNCATE/RESTART checkpoints and log restarts.
use ferrolite_engine::vfs::memory::MemoryVfs;
use ferrolite_engine::{Connection, OpenFlags, StepResult, Value};
use std::rc::Rc;

const TXNS: i64 = 16;

fn open(vfs: &MemoryVfs) -> ferrolite_engine::Result<Connection> {
    Connection::open(Rc::new(vfs.clone()), "db", OpenFlags::default_rwc())
}

fn rows(c: &mut Connection, sql: &str) -> ferrolite_engine::Result<Vec<Vec<Value>>> {
    let (id, _) = c.prepare(sql)?;
    let id = id.expect("statement");
    let mut out = Vec::new();
    loop {
        match c.step(id) {
            Ok(StepResult::Row) => out.push(c.row(id).to_vec()),
            Ok(StepResult::Done) => break,
            Err(e) => {
                let _ = c.finalize(id);
                return Err(e);
            }
        }
    }
    c.finalize(id)?;
    Ok(out)
}

/// Runs the workload with `budget` writes allowed; returns the number of
/// committed transactions and the disk after the crash.
fn run(budget: Option<u64>, sync: &str, power_loss: Option<u64>) -> (i64, MemoryVfs) {
    let vfs = MemoryVfs::new();
    let mut c = open(&vfs).unwrap();
    c.exec(&format!(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=6;\
         CREATE TABLE t(n INTEGER PRIMARY KEY, pad BLOB); CREATE INDEX tp ON t(pad); CREATE TABLE s(total INTEGER); INSERT INTO s VALUES(0);\
         PRAGMA synchronous={sync};"
    ))
    .unwrap();
    vfs.fail_writes_after(budget);
    let mut committed = 0;
    for n in 1..=TXNS {
        let sql = format!("BEGIN; INSERT INTO t VALUES({n}, randomblob({})); UPDATE s SET total = total + 1; COMMIT;", (n * 397) % 3000 + 10);
        if c.exec(&sql).is_err() {
            break;
        }
        committed = n;
        let ck = match n % 8 {
            3 => Some("TRUNCATE"),
            6 => Some("RESTART"),
            _ => None,
        };
        if let Some(m) = ck {
            match rows(&mut c, &format!("PRAGMA wal_checkpoint({m})")) {
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }
    let after = match power_loss {
        Some(seed) => vfs.crash_snapshot(seed),
        None => vfs.snapshot(),
    };
    vfs.fail_writes_after(None);
    drop(c);
    (committed, after)
}

/// Opens the crashed disk and returns the number of rows (checking the
/// invariants every state must satisfy).
fn verify(disk: &MemoryVfs, what: &str) -> i64 {
    let mut c = open(disk).unwrap_or_else(|e| panic!("{what}: reopen: {e:?}"));
    let ic = rows(&mut c, "PRAGMA integrity_check").unwrap_or_else(|e| panic!("{what}: {e:?}"));
    assert_eq!(ic, vec![vec![Value::Text("ok".into())]], "{what}");
    let r = rows(&mut c, "SELECT count(*), coalesce(max(n), 0), (SELECT total FROM s) FROM t").unwrap_or_else(|e| panic!("{what}: {e:?}"));
    let (Value::Integer(count), Value::Integer(max), Value::Integer(total)) = (&r[0][0], &r[0][1], &r[0][2]) else {
        panic!("{what}: {r:?}")
    };
    assert_eq!((count, count), (max, total), "{what}: rows are not a prefix of the commits");
    // The recovered database takes new writes.
    c.exec("INSERT INTO t VALUES(1000, x'01'); UPDATE s SET total = total + 1;").unwrap_or_else(|e| panic!("{what}: {e:?}"));
    assert_eq!(rows(&mut c, "PRAGMA integrity_check").unwrap(), vec![vec![Value::Text("ok".into())]], "{what}");
    *count
}

fn budgets() -> impl Iterator<Item = u64> {
    let (full, _) = run(None, "FULL", None);
    assert_eq!(full, TXNS);
    0..
}

#[test]
fn killed_at_every_write_point() {
    for sync in ["FULL", "NORMAL"] {
        for b in budgets() {
            let (committed, disk) = run(Some(b), sync, None);
            let what = format!("{sync} budget {b} committed {committed}");
            let n = verify(&disk, &what);
            assert!(n == committed || n == committed + 1, "{what}: {n} rows");
            if committed == TXNS {
                break;
            }
        }
    }
}

#[test]
fn power_loss_at_every_write_point() {
    for (sync, seeds) in [("FULL", 3u64), ("NORMAL", 2)] {
        for b in budgets().step_by(2) {
            let mut last = 0;
            for seed in 0..seeds {
                let (committed, disk) = run(Some(b), sync, Some(b * 31 + seed + 1));
                last = committed;
                let what = format!("{sync} budget {b} seed {seed} committed {committed}");
                let n = verify(&disk, &what);
                if sync == "FULL" {
                    assert!(n == committed || n == committed + 1, "{what}: {n} rows");
                } else {
                    assert!(n <= committed + 1, "{what}: {n} rows");
                }
            }
            if last == TXNS {
                break;
            }
        }
    }
}
