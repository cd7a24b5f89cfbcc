//! Transactions and crash safety: rollback, savepoints against a model,
//! lock conflicts (BUSY), crashes injected at every write of a commit
//! (recovery must give the old or the new state), a ferrolite hot journal
//! rolled back by real SQLite, and a real SQLite hot journal (left by a
//! transaction that spilled its cache into the database) rolled back by
//! ferrolite.

mod storage_util;

use ferrolite_engine::codes;
use ferrolite_engine::storage::btree::{BtCursor, Btree, BtreeOptions, SeekResult, TreeKind};
use ferrolite_engine::value::Value;
use ferrolite_engine::vfs::memory::MemoryVfs;
use ferrolite_engine::vfs::Vfs;
use std::collections::BTreeMap;
use std::rc::Rc;
use storage_util::*;

type Model = BTreeMap<i64, Vec<Value>>;

fn open_mem(vfs: &MemoryVfs, path: &str) -> Btree {
    Btree::open(Rc::new(vfs.clone()), path, BtreeOptions::default()).unwrap()
}

fn row(i: i64) -> Vec<Value> {
    let big = if i % 37 == 0 { 9000 } else { (i % 17) as usize };
    vec![Value::Integer(i), Value::Text(format!("row {i}")), Value::Blob(vec![(i & 0xff) as u8; big])]
}

fn apply(bt: &mut Btree, root: u32, model: &mut Model, rng: &mut Rng, nops: usize) {
    let mut c = BtCursor::new(root, TreeKind::Table, None);
    for _ in 0..nops {
        let k = rng.below(3000) as i64;
        if rng.below(3) == 0 {
            if c.seek_rowid(bt, k).unwrap() == SeekResult::Found {
                c.delete(bt).unwrap();
                model.remove(&k);
            }
        } else {
            let v = row(k + rng.below(5) as i64 * 10_000);
            c.insert(bt, k, &rec(&v)).unwrap();
            model.insert(k, v);
        }
    }
}

fn assert_state(bt: &mut Btree, root: u32, model: &Model) {
    let got = scan_table(bt, root);
    let want: Vec<(i64, Vec<Value>)> = model.iter().map(|(k, v)| (*k, v.clone())).collect();
    assert!(got == want, "contents differ: {} rows vs {} expected", got.len(), want.len());
    let errs = bt.integrity_check(&[(1, TreeKind::Table), (root, TreeKind::Table)], 20).unwrap();
    assert!(errs.is_empty(), "{errs:?}");
}

fn setup(vfs: &MemoryVfs) -> (u32, Model) {
    let mut bt = open_mem(vfs, "c.db");
    bt.begin_write().unwrap();
    let root = bt.create_tree(TreeKind::Table).unwrap();
    add_schema_row(&mut bt, "table", "t", "t", root, "CREATE TABLE t(a, b, c)");
    let mut model = Model::new();
    apply(&mut bt, root, &mut model, &mut Rng(1), 800);
    bt.commit().unwrap();
    (root, model)
}

#[test]
fn rollback_discards_everything() {
    let vfs = MemoryVfs::new();
    let (root, model) = setup(&vfs);
    let before = vfs.file_bytes("c.db").unwrap();
    let mut bt = open_mem(&vfs, "c.db");
    bt.begin_write().unwrap();
    let mut m2 = model.clone();
    apply(&mut bt, root, &mut m2, &mut Rng(2), 500);
    let t2 = bt.create_tree(TreeKind::Index).unwrap();
    assert!(t2 > 1);
    bt.rollback().unwrap();
    assert_eq!(vfs.file_bytes("c.db").unwrap(), before);
    assert!(!vfs.exists("c.db-journal").unwrap());
    bt.begin_read().unwrap();
    assert_state(&mut bt, root, &model);
    bt.commit().unwrap();
}

#[test]
fn savepoints_against_model() {
    let vfs = MemoryVfs::new();
    let (root, model) = setup(&vfs);
    let mut bt = open_mem(&vfs, "c.db");
    let mut rng = Rng(77);
    bt.begin_write().unwrap();
    let mut cur = model.clone();
    // stack[k] = model when level k+1 was opened
    let mut stack: Vec<Model> = Vec::new();
    for step in 0..300 {
        match rng.below(6) {
            0 if stack.len() < 5 => {
                stack.push(cur.clone());
                bt.savepoint(stack.len()).unwrap();
            }
            1 if !stack.is_empty() => {
                let lvl = 1 + rng.below(stack.len() as u64) as usize;
                bt.rollback_to(lvl).unwrap();
                cur = stack[lvl - 1].clone();
                stack.truncate(lvl);
            }
            2 if !stack.is_empty() => {
                let lvl = 1 + rng.below(stack.len() as u64) as usize;
                bt.release(lvl).unwrap();
                stack.truncate(lvl - 1);
            }
            _ => {
                let n = 1 + rng.below(40) as usize;
                apply(&mut bt, root, &mut cur, &mut rng, n)
            }
        }
        if step % 25 == 0 {
            assert_state(&mut bt, root, &cur);
        }
    }
    assert_state(&mut bt, root, &cur);
    bt.commit().unwrap();
    let mut bt = open_mem(&vfs, "c.db");
    bt.begin_read().unwrap();
    assert_state(&mut bt, root, &cur);
    bt.commit().unwrap();
}

#[test]
fn busy_between_connections() {
    let vfs = MemoryVfs::new();
    let (root, model) = setup(&vfs);
    let mut a = open_mem(&vfs, "c.db");
    let mut b = open_mem(&vfs, "c.db");
    a.begin_write().unwrap();
    let mut m2 = model.clone();
    apply(&mut a, root, &mut m2, &mut Rng(5), 100);
    // b can read (a only holds RESERVED); the journal is not hot.
    b.begin_read().unwrap();
    assert_state(&mut b, root, &model);
    assert_eq!(b.begin_write().unwrap_err().code, codes::BUSY);
    // a cannot commit while b reads.
    let e = a.commit().unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (codes::BUSY, "database is locked"));
    b.commit().unwrap();
    // New readers are kept out while a holds PENDING.
    assert_eq!(b.begin_read().unwrap_err().code, codes::BUSY);
    a.commit().unwrap();
    b.begin_read().unwrap();
    assert_state(&mut b, root, &m2);
    b.commit().unwrap();
}

#[test]
fn busy_timeout_waits_then_fails() {
    let vfs = MemoryVfs::new();
    setup(&vfs);
    let mut a = open_mem(&vfs, "c.db");
    let mut b = open_mem(&vfs, "c.db");
    a.begin_write().unwrap();
    b.set_busy_timeout(120);
    let t = std::time::Instant::now();
    assert_eq!(b.begin_write().unwrap_err().code, codes::BUSY);
    assert!(t.elapsed().as_millis() >= 100, "did not wait: {:?}", t.elapsed());
    a.rollback().unwrap();
    b.begin_write().unwrap();
    b.commit().unwrap();
}

#[test]
fn unix_handles_in_one_process_exclude_each_other() {
    let dir = TempDir::new("ofd");
    let path = dir.file("o.db");
    let mut a = open_unix(&path, 4096);
    let mut b = open_unix(&path, 4096);
    a.begin_write().unwrap();
    a.create_tree(TreeKind::Table).unwrap();
    assert_eq!(b.begin_write().unwrap_err().code, codes::BUSY);
    a.commit().unwrap();
    b.begin_write().unwrap();
    b.commit().unwrap();
}

/// Crashes the commit of a random transaction after `n` writes/syncs.
/// Returns the disk after the crash and whether the commit succeeded.
fn crash_commit(base: &MemoryVfs, root: u32, model: &Model, n: u64) -> (MemoryVfs, bool, Model) {
    let vfs = base.snapshot();
    let mut bt = open_mem(&vfs, "c.db");
    bt.begin_write().unwrap();
    let mut m2 = model.clone();
    apply(&mut bt, root, &mut m2, &mut Rng(9), 400);
    vfs.fail_writes_after(Some(n));
    let ok = bt.commit().is_ok();
    let disk = vfs.snapshot();
    vfs.fail_writes_after(None);
    (disk, ok, m2)
}

#[test]
fn crash_at_every_point_of_commit() {
    let base = MemoryVfs::new();
    let (root, model) = setup(&base);
    let mut saw_partial_db = false;
    for n in 0..400 {
        let (disk, ok, newm) = crash_commit(&base, root, &model, n);
        let hot = disk.exists("c.db-journal").unwrap();
        if hot && disk.file_bytes("c.db") != base.file_bytes("c.db") {
            saw_partial_db = true;
        }
        let mut bt = open_mem(&disk, "c.db");
        bt.begin_read().unwrap();
        assert!(!disk.exists("c.db-journal").unwrap(), "journal left after recovery");
        let got = scan_table(&mut bt, root);
        let is_old = got.len() == model.len() && got.iter().zip(model.iter()).all(|(g, m)| g.0 == *m.0 && &g.1 == m.1);
        let is_new = got.len() == newm.len() && got.iter().zip(newm.iter()).all(|(g, m)| g.0 == *m.0 && &g.1 == m.1);
        assert!(is_old || is_new, "n={n}: neither old nor new state");
        if ok {
            assert!(is_new, "n={n}: committed data lost");
        }
        assert_state(&mut bt, root, if is_new { &newm } else { &model });
        bt.commit().unwrap();
        if ok {
            assert!(saw_partial_db, "never crashed in the middle of writing the database");
            return;
        }
    }
    panic!("commit never succeeded");
}

#[test]
fn sqlite_rolls_back_a_ferrolite_hot_journal() {
    let base = MemoryVfs::new();
    let (root, model) = setup(&base);
    // Find a crash point where the database is partly written.
    for n in 0..400 {
        let (disk, ok, _) = crash_commit(&base, root, &model, n);
        assert!(!ok, "no partial state found");
        if !disk.exists("c.db-journal").unwrap() || disk.file_bytes("c.db") == base.file_bytes("c.db") {
            continue;
        }
        let dir = TempDir::new("hot1");
        let path = dir.file("c.db");
        std::fs::write(&path, disk.file_bytes("c.db").unwrap()).unwrap();
        std::fs::write(format!("{path}-journal"), disk.file_bytes("c.db-journal").unwrap()).unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        let rows = sqlite_rows(&conn, "SELECT rowid, a, b, c FROM t ORDER BY rowid");
        let want: Vec<(i64, Vec<Value>)> = model.iter().map(|(k, v)| (*k, v.clone())).collect();
        assert!(rows == want, "SQLite did not roll back to the old state");
        assert_eq!(sqlite_integrity(&conn), "ok");
        assert!(!std::path::Path::new(&format!("{path}-journal")).exists());
        return;
    }
    panic!("no partial state found");
}

#[test]
fn ferrolite_rolls_back_a_sqlite_hot_journal() {
    let dir = TempDir::new("hot2");
    let path = dir.file("s.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA page_size=4096; CREATE TABLE t(a, b); CREATE INDEX ti ON t(b);
         WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<2000)
         INSERT INTO t SELECT i, printf('v%06d', i) FROM c;",
    )
    .unwrap();
    let before = sqlite_rows(&conn, "SELECT rowid, a, b FROM t ORDER BY rowid");
    let committed = std::fs::read(&path).unwrap();
    // A big transaction with a tiny cache spills dirty pages into the
    // database file before commit (after syncing the journal).
    conn.execute_batch(
        "PRAGMA cache_size=4; BEGIN;
         UPDATE t SET b = b || '-changed-' || hex(randomblob(50));
         WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<3000)
         INSERT INTO t SELECT 10000+i, hex(randomblob(100)) FROM c;",
    )
    .unwrap();
    let copy = dir.file("copy.db");
    std::fs::copy(&path, &copy).unwrap();
    std::fs::copy(format!("{path}-journal"), format!("{copy}-journal")).unwrap();
    conn.execute_batch("ROLLBACK").unwrap();
    let spilled = std::fs::read(&copy).unwrap();
    assert_ne!(spilled, committed, "SQLite did not spill: the test would prove nothing");

    let mut bt = open_unix(&copy, 4096);
    bt.begin_read().unwrap();
    assert!(!std::path::Path::new(&format!("{copy}-journal")).exists());
    let sch = schema(&mut bt);
    let root = sch.iter().find(|s| s.1 == "t").unwrap().2;
    let got = scan_table(&mut bt, root);
    assert!(got == before, "rows differ after playback");
    let roots: Vec<(u32, TreeKind)> = std::iter::once((1, TreeKind::Table))
        .chain(sch.iter().map(|s| (s.2, if s.0 == "table" { TreeKind::Table } else { TreeKind::Index })))
        .collect();
    let errs = bt.integrity_check(&roots, 20).unwrap();
    assert!(errs.is_empty(), "{errs:?}");
    bt.commit().unwrap();
    drop(bt);
    assert_eq!(std::fs::read(&copy).unwrap(), committed, "database not restored byte for byte");
    let c2 = rusqlite::Connection::open(&copy).unwrap();
    assert_eq!(sqlite_integrity(&c2), "ok");
}

#[test]
fn io_error_anywhere_then_rollback_restores_old_state() {
    let base = MemoryVfs::new();
    let (root, model) = setup(&base);
    let mut saw_commit_fail_after_db_write = false;
    for n in (0..300).step_by(3) {
        let vfs = base.snapshot();
        let mut bt = open_mem(&vfs, "c.db");
        bt.begin_write().unwrap();
        vfs.fail_writes_after(Some(n));
        let mut m2 = model.clone();
        let mut c = BtCursor::new(root, TreeKind::Table, None);
        let mut failed = false;
        let mut rng = Rng(11);
        for _ in 0..300 {
            let k = rng.below(3000) as i64;
            if c.insert(&mut bt, k, &rec(&row(k + 1))).is_err() {
                failed = true;
                break;
            }
            m2.insert(k, row(k + 1));
        }
        if !failed {
            match bt.commit() {
                Ok(()) => {
                    vfs.fail_writes_after(None);
                    continue;
                }
                Err(_) => {
                    if vfs.file_bytes("c.db") != base.file_bytes("c.db") {
                        saw_commit_fail_after_db_write = true;
                    }
                }
            }
        }
        vfs.fail_writes_after(None);
        bt.rollback().unwrap();
        assert!(!vfs.exists("c.db-journal").unwrap());
        assert_eq!(vfs.file_bytes("c.db"), base.file_bytes("c.db"), "n={n}: file not restored");
        bt.begin_read().unwrap();
        assert_state(&mut bt, root, &model);
        bt.commit().unwrap();
    }
    assert!(saw_commit_fail_after_db_write, "no failure hit the database write phase");
}

fn open_mem_small_cache(vfs: &MemoryVfs) -> Btree {
    let opts = BtreeOptions { cache_size: 12, ..Default::default() };
    Btree::open(Rc::new(vfs.clone()), "c.db", opts).unwrap()
}

#[test]
fn cache_spill_then_rollback_commit_or_crash() {
    let base = MemoryVfs::new();
    let (root, model) = setup(&base);
    let orig = base.file_bytes("c.db").unwrap();
    for outcome in ["rollback", "commit", "crash"] {
        let vfs = base.snapshot();
        let mut bt = open_mem_small_cache(&vfs);
        bt.begin_write().unwrap();
        let mut m2 = model.clone();
        let mut rng = Rng(31);
        apply(&mut bt, root, &mut m2, &mut rng, 1500);
        // Savepoint work on top of spilled pages.
        bt.savepoint(1).unwrap();
        let keep = m2.clone();
        apply(&mut bt, root, &mut m2, &mut rng, 400);
        bt.rollback_to(1).unwrap();
        bt.release(1).unwrap();
        m2 = keep;
        assert_state(&mut bt, root, &m2);
        assert_ne!(vfs.file_bytes("c.db").unwrap(), orig, "no spill happened");
        match outcome {
            "rollback" => {
                bt.rollback().unwrap();
                assert_eq!(vfs.file_bytes("c.db").unwrap(), orig);
                bt.begin_read().unwrap();
                assert_state(&mut bt, root, &model);
                bt.commit().unwrap();
            }
            "commit" => {
                bt.commit().unwrap();
                let mut b2 = open_mem(&vfs, "c.db");
                b2.begin_read().unwrap();
                assert_state(&mut b2, root, &m2);
                b2.commit().unwrap();
            }
            _ => {
                let disk = vfs.snapshot();
                drop(bt);
                let mut b2 = open_mem(&disk, "c.db");
                b2.begin_read().unwrap();
                assert_state(&mut b2, root, &model);
                b2.commit().unwrap();
                assert_eq!(disk.file_bytes("c.db").unwrap(), orig);
            }
        }
    }
}

#[test]
fn savepoints_with_tiny_cache() {
    let vfs = MemoryVfs::new();
    let (root, model) = setup(&vfs);
    let mut bt = open_mem_small_cache(&vfs);
    let mut rng = Rng(123);
    bt.begin_write().unwrap();
    let mut cur = model.clone();
    let mut stack: Vec<Model> = Vec::new();
    for _ in 0..200 {
        match rng.below(5) {
            0 if stack.len() < 4 => {
                stack.push(cur.clone());
                bt.savepoint(stack.len()).unwrap();
            }
            1 if !stack.is_empty() => {
                let lvl = 1 + rng.below(stack.len() as u64) as usize;
                bt.rollback_to(lvl).unwrap();
                cur = stack[lvl - 1].clone();
                stack.truncate(lvl);
            }
            2 if !stack.is_empty() => {
                let lvl = 1 + rng.below(stack.len() as u64) as usize;
                bt.release(lvl).unwrap();
                stack.truncate(lvl - 1);
            }
            _ => {
                let n = 1 + rng.below(60) as usize;
                apply(&mut bt, root, &mut cur, &mut rng, n)
            }
        }
    }
    assert_state(&mut bt, root, &cur);
    bt.commit().unwrap();
    let mut b2 = open_mem(&vfs, "c.db");
    b2.begin_read().unwrap();
    assert_state(&mut b2, root, &cur);
    b2.commit().unwrap();
}

#[test]
fn crash_anywhere_in_a_spilling_transaction() {
    let base = MemoryVfs::new();
    let (root, model) = setup(&base);
    let mut committed_once = false;
    let mut n = 0;
    while n < 3000 {
        let vfs = base.snapshot();
        let mut bt = open_mem_small_cache(&vfs);
        bt.begin_write().unwrap();
        vfs.fail_writes_after(Some(n));
        let mut m2 = model.clone();
        let mut c = BtCursor::new(root, TreeKind::Table, None);
        let mut rng = Rng(17);
        let mut failed = false;
        for _ in 0..1200 {
            let k = rng.below(3000) as i64;
            if c.insert(&mut bt, k, &rec(&row(k + 3))).is_err() {
                failed = true;
                break;
            }
            m2.insert(k, row(k + 3));
        }
        let ok = !failed && bt.commit().is_ok();
        let disk = vfs.snapshot();
        drop(bt);
        let mut b2 = open_mem(&disk, "c.db");
        b2.begin_read().unwrap();
        assert_state(&mut b2, root, if ok { &m2 } else { &model });
        b2.commit().unwrap();
        if ok {
            committed_once = true;
            break;
        }
        n += 37;
    }
    assert!(committed_once);
}

#[test]
fn sqlite_rolls_back_a_multi_segment_ferrolite_journal() {
    let base = MemoryVfs::new();
    let (root, model) = setup(&base);
    let vfs = base.snapshot();
    let mut bt = open_mem_small_cache(&vfs);
    bt.begin_write().unwrap();
    let mut m2 = model.clone();
    apply(&mut bt, root, &mut m2, &mut Rng(8), 3000);
    // Crash now: the database holds spilled pages, the journal several segments.
    let disk = vfs.snapshot();
    drop(bt);
    let journal = disk.file_bytes("c.db-journal").unwrap();
    let magic = [0xd9u8, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];
    let segments = (0..journal.len()).step_by(512).filter(|&o| journal[o..].starts_with(&magic)).count();
    assert!(segments >= 2, "only {segments} journal segment(s)");
    assert_ne!(disk.file_bytes("c.db"), base.file_bytes("c.db"));
    let dir = TempDir::new("seg");
    let path = dir.file("c.db");
    std::fs::write(&path, disk.file_bytes("c.db").unwrap()).unwrap();
    std::fs::write(format!("{path}-journal"), journal).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let rows = sqlite_rows(&conn, "SELECT rowid, a, b, c FROM t ORDER BY rowid");
    let want: Vec<(i64, Vec<Value>)> = model.iter().map(|(k, v)| (*k, v.clone())).collect();
    assert!(rows == want, "SQLite did not restore the old state");
    assert_eq!(sqlite_integrity(&conn), "ok");
    drop(conn);
    assert_eq!(std::fs::read(&path).unwrap(), base.file_bytes("c.db").unwrap());
}

#[test]
fn power_loss_at_any_point_loses_nothing_committed() {
    // Stop the process after n writes/syncs, then lose a random subset of
    // the writes that were not synced yet (sector by sector): recovery must
    // give the old state, or the new one once commit had returned Ok.
    let base = MemoryVfs::new();
    let (root, model) = setup(&base);
    let mut committed = false;
    let mut n = 0;
    let mut checked = 0;
    while !committed {
        for small_cache in [false, true] {
            let vfs = base.snapshot();
            let mut bt = if small_cache { open_mem_small_cache(&vfs) } else { open_mem(&vfs, "c.db") };
            bt.begin_write().unwrap();
            vfs.fail_writes_after(Some(n));
            let mut m2 = model.clone();
            let mut c = BtCursor::new(root, TreeKind::Table, None);
            let mut rng = Rng(23);
            let mut failed = false;
            for _ in 0..600 {
                let k = rng.below(3000) as i64;
                if c.insert(&mut bt, k, &rec(&row(k + 5))).is_err() {
                    failed = true;
                    break;
                }
                m2.insert(k, row(k + 5));
            }
            let ok = !failed && bt.commit().is_ok();
            for seed in 0..4u64 {
                let disk = vfs.crash_snapshot(seed * 1_000_003 + n);
                let mut b2 = open_mem(&disk, "c.db");
                b2.begin_read().unwrap();
                let got = scan_table(&mut b2, root);
                let same = |m: &Model| got.len() == m.len() && got.iter().zip(m.iter()).all(|(g, w)| g.0 == *w.0 && &g.1 == w.1);
                if ok {
                    assert!(same(&m2), "n={n} seed={seed}: committed transaction lost");
                } else {
                    assert!(same(&model), "n={n} seed={seed}: uncommitted changes visible");
                }
                assert_state(&mut b2, root, if ok { &m2 } else { &model });
                b2.commit().unwrap();
                checked += 1;
            }
            committed |= ok;
        }
        n += 5;
    }
    assert!(checked > 40);
}

#[test]
fn commit_after_spills_stamps_the_header_for_other_connections() {
    let base = MemoryVfs::new();
    let (root, model) = setup(&base);
    let vfs = base.snapshot();
    let mut other = open_mem(&vfs, "c.db");
    other.begin_read().unwrap();
    assert_state(&mut other, root, &model);
    other.commit().unwrap();
    let mut bt = open_mem_small_cache(&vfs);
    bt.begin_write().unwrap();
    let mut m2 = model.clone();
    apply(&mut bt, root, &mut m2, &mut Rng(99), 2000);
    bt.commit().unwrap();
    let p1 = vfs.file_bytes("c.db").unwrap();
    let counter = u32::from_be_bytes([p1[24], p1[25], p1[26], p1[27]]);
    let valid_for = u32::from_be_bytes([p1[92], p1[93], p1[94], p1[95]]);
    let size = u32::from_be_bytes([p1[28], p1[29], p1[30], p1[31]]);
    assert_eq!(counter, valid_for);
    assert_eq!(size as usize * 4096, p1.len());
    // The other connection notices the change and sees the new rows.
    other.begin_read().unwrap();
    assert_state(&mut other, root, &m2);
    other.commit().unwrap();
}

/// journal_mode TRUNCATE / PERSIST / MEMORY: a transaction that spilled
/// pages into the database still rolls back to the exact old file and
/// commits correctly; MEMORY never creates a journal file, TRUNCATE leaves
/// an empty one, PERSIST one with a zeroed header (not hot).
#[test]
fn spill_then_rollback_in_each_journal_mode() {
    let base = MemoryVfs::new();
    let (root, model) = setup(&base);
    let orig = base.file_bytes("c.db").unwrap();
    for mode in ["delete", "truncate", "persist", "memory"] {
        for commit in [false, true] {
            let vfs = base.snapshot();
            let mut bt = open_mem_small_cache(&vfs);
            assert_eq!(bt.journal_mode(Some(mode)).unwrap(), mode);
            bt.begin_write().unwrap();
            let mut m2 = model.clone();
            apply(&mut bt, root, &mut m2, &mut Rng(77), 1500);
            assert_ne!(vfs.file_bytes("c.db").unwrap(), orig, "no spill happened");
            assert_eq!(vfs.file_bytes("c.db-journal").is_some(), mode != "memory", "mode {mode}");
            if commit {
                bt.commit().unwrap();
            } else {
                bt.rollback().unwrap();
                assert_eq!(vfs.file_bytes("c.db").unwrap(), orig, "mode {mode}");
            }
            let j = vfs.file_bytes("c.db-journal");
            match mode {
                "truncate" => assert_eq!(j, Some(Vec::new())),
                "persist" => assert!(j.as_ref().is_some_and(|b| b.len() >= 28 && b[..28].iter().all(|&x| x == 0))),
                _ => assert_eq!(j, None, "mode {mode}"),
            }
            let mut b2 = open_mem(&vfs, "c.db");
            b2.begin_read().unwrap();
            assert_state(&mut b2, root, if commit { &m2 } else { &model });
            b2.commit().unwrap();
        }
    }
}
