//! Corrupt input: flip random bytes of a valid database (written by real
//! SQLite, with indexes, overflow chains and a freelist) and read
//! everything through the b-tree: errors are fine, panics and hangs are not.
//! Also writes into corrupt files, which must fail cleanly or succeed.

mod storage_util;

use ferrolite_engine::storage::btree::{BtCursor, Btree, BtreeOptions, TreeKind};
use ferrolite_engine::storage::record::{self, Collation, KeyInfo};
use ferrolite_engine::vfs::memory::MemoryVfs;
use ferrolite_engine::Result;
use std::rc::Rc;
use storage_util::*;

fn build_db(page_size: u32) -> Vec<u8> {
    let dir = TempDir::new("fz");
    let path = dir.file("f.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA page_size={page_size};
         CREATE TABLE t(a, b, c);
         CREATE INDEX tb ON t(b, a);
         WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<400)
         INSERT INTO t SELECT i, printf('%08d-%s', i*7919 % 1000, hex(randomblob(i % 40))),
                      CASE WHEN i % 50 = 0 THEN randomblob(5000) ELSE i * 1.5 END FROM c;
         DELETE FROM t WHERE a % 7 = 0;"
    ))
    .unwrap();
    drop(conn);
    std::fs::read(&path).unwrap()
}

/// Reads every tree named in the schema plus runs integrity_check.
fn read_all(bt: &mut Btree) -> Result<usize> {
    bt.begin_read()?;
    let mut n = 0;
    let mut c = BtCursor::new(1, TreeKind::Table, None);
    let mut roots = vec![(1u32, TreeKind::Table)];
    let mut buf = Vec::new();
    let mut vals = Vec::new();
    let mut ok = c.first(bt)?;
    while ok {
        c.payload(bt, &mut buf)?;
        if record::decode(&buf, &mut vals).is_ok() && vals.len() >= 4 {
            if let ferrolite_engine::Value::Integer(r) = vals[3] {
                let kind = if matches!(&vals[0], ferrolite_engine::Value::Text(t) if t == "index") { TreeKind::Index } else { TreeKind::Table };
                roots.push((r as u32, kind));
            }
        }
        ok = c.next(bt)?;
    }
    let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary; 3], desc: vec![false; 3] });
    for &(root, kind) in &roots[1..] {
        let mut c = BtCursor::new(root, kind, Some(ki.clone()));
        let mut ok = c.first(bt)?;
        while ok {
            c.payload(bt, &mut buf)?;
            let _ = record::decode(&buf, &mut vals);
            n += 1;
            ok = c.next(bt)?;
        }
        let mut ok = c.last(bt)?;
        while ok {
            ok = c.prev(bt)?;
        }
        if kind == TreeKind::Index {
            let _ = c.seek_index(bt, &rec(&[ferrolite_engine::Value::Text("00000500".into())]), ferrolite_engine::storage::btree::SeekOp::Ge)?;
        } else {
            let _ = c.seek_rowid(bt, 200)?;
        }
    }
    let _ = bt.integrity_check(&roots, 100)?;
    bt.commit()?;
    Ok(n)
}

/// Tries a write transaction on the (possibly corrupt) file.
fn write_some(bt: &mut Btree) -> Result<()> {
    bt.begin_write()?;
    let mut c = BtCursor::new(2, TreeKind::Table, None);
    for i in 0..50 {
        c.insert(bt, 1000 + i, &rec(&[ferrolite_engine::Value::Blob(vec![1; (i * 97) as usize])]))?;
    }
    if c.first(bt)? {
        for _ in 0..30 {
            c.delete(bt)?;
            if !c.next(bt)? {
                break;
            }
        }
    }
    bt.commit()
}

#[test]
fn flipped_bytes_never_panic() {
    for &ps in &[512u32, 4096] {
        let good = build_db(ps);
        // Sanity: the clean file reads fully.
        let vfs = MemoryVfs::new();
        vfs.put_file("f.db", good.clone());
        let mut bt = Btree::open(Rc::new(vfs.clone()), "f.db", BtreeOptions::default()).unwrap();
        assert!(read_all(&mut bt).unwrap() > 300);
        let mut rng = Rng(0xfeed + ps as u64);
        let iters = if ps == 512 { 600 } else { 300 };
        let mut errors = 0;
        for it in 0..iters {
            let mut bad = good.clone();
            let flips = 1 + rng.below(8);
            for _ in 0..flips {
                // Bias toward page headers and cell pointers.
                let pos = if rng.below(2) == 0 {
                    let page = rng.below((bad.len() / ps as usize) as u64) as usize;
                    page * ps as usize + rng.below(24) as usize + if page == 0 { 100 } else { 0 }
                } else {
                    rng.below(bad.len() as u64) as usize
                };
                if pos < bad.len() {
                    bad[pos] ^= 1 << rng.below(8);
                }
            }
            let vfs = MemoryVfs::new();
            vfs.put_file("f.db", bad);
            let mut bt = match Btree::open(Rc::new(vfs.clone()), "f.db", BtreeOptions::default()) {
                Ok(b) => b,
                Err(_) => {
                    errors += 1;
                    continue;
                }
            };
            if read_all(&mut bt).is_err() {
                errors += 1;
                let _ = bt.rollback();
            }
            if it % 3 == 0 && write_some(&mut bt).is_err() {
                let _ = bt.rollback();
            }
        }
        assert!(errors > 0, "no corruption was ever detected");
    }
}

#[test]
fn truncated_and_garbage_files() {
    let good = build_db(1024);
    for cut in [1usize, 50, 99, 100, 101, 1024, 1500, 4096, good.len() / 2, good.len() - 1] {
        let vfs = MemoryVfs::new();
        vfs.put_file("f.db", good[..cut.min(good.len())].to_vec());
        if let Ok(mut bt) = Btree::open(Rc::new(vfs.clone()), "f.db", BtreeOptions::default()) {
            let _ = read_all(&mut bt);
        }
    }
    let vfs = MemoryVfs::new();
    vfs.put_file("f.db", b"this is definitely not a database file, just some text........................................................".to_vec());
    let e = Btree::open(Rc::new(vfs.clone()), "f.db", BtreeOptions::default()).err().unwrap();
    assert_eq!(e.code, ferrolite_engine::codes::NOTADB);
    assert_eq!(e.message, "file is not a database");
}

#[test]
fn corrupt_hot_journals_never_panic() {
    // A crash in the middle of a commit leaves a hot journal; damage it
    // randomly and recover: errors are fine, panics are not.
    let base = MemoryVfs::new();
    {
        let mut bt = Btree::open(Rc::new(base.clone()), "j.db", BtreeOptions::default()).unwrap();
        bt.begin_write().unwrap();
        let root = bt.create_tree(TreeKind::Table).unwrap();
        assert_eq!(root, 2);
        let mut c = BtCursor::new(root, TreeKind::Table, None);
        for i in 0..300 {
            c.insert(&mut bt, i, &rec(&[ferrolite_engine::Value::Blob(vec![3; (i * 13 % 900) as usize])])).unwrap();
        }
        bt.commit().unwrap();
    }
    let crashed = {
        let vfs = base.snapshot();
        let mut bt = Btree::open(Rc::new(vfs.clone()), "j.db", BtreeOptions::default()).unwrap();
        bt.begin_write().unwrap();
        let mut c = BtCursor::new(2, TreeKind::Table, None);
        for i in 0..300 {
            c.insert(&mut bt, i, &rec(&[ferrolite_engine::Value::Integer(i)])).unwrap();
        }
        // Let the journal be sealed and part of the database be written.
        vfs.fail_writes_after(Some(12));
        assert!(bt.commit().is_err());
        vfs.fail_writes_after(None);
        vfs.snapshot()
    };
    let journal = crashed.file_bytes("j.db-journal").unwrap();
    let db = crashed.file_bytes("j.db").unwrap();
    let mut rng = Rng(4242);
    for _ in 0..400 {
        let mut j = journal.clone();
        for _ in 0..1 + rng.below(6) {
            let pos = if rng.below(2) == 0 { rng.below(32) as usize } else { rng.below(j.len() as u64) as usize };
            j[pos] ^= 1 << rng.below(8);
        }
        if rng.below(5) == 0 {
            let cut = rng.below(j.len() as u64) as usize;
            j.truncate(cut);
        }
        let vfs = MemoryVfs::new();
        vfs.put_file("j.db", db.clone());
        vfs.put_file("j.db-journal", j);
        if let Ok(mut bt) = Btree::open(Rc::new(vfs.clone()), "j.db", BtreeOptions::default()) {
            let _ = read_all(&mut bt);
        }
    }
}
