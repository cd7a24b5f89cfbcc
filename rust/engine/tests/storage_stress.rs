//! Randomized model tests: long mixed sequences of inserts, replaces and
//! deletes (through seeks and through scans) on table and index trees with
//! small pages (deep trees, constant balancing) and keys/rows of very
//! different sizes (including overflow). After each phase the tree must
//! equal the model and pass the integrity check; the final file must pass
//! real SQLite's integrity_check.

mod storage_util;

use ferrolite_engine::storage::btree::{BtCursor, Btree, SeekOp, SeekResult, TreeKind};
use ferrolite_engine::storage::record::{self, Collation, KeyInfo};
use ferrolite_engine::value::Value;
use std::collections::BTreeMap;
use std::rc::Rc;
use storage_util::*;

fn size(rng: &mut Rng) -> usize {
    match rng.below(20) {
        0 => 600 + rng.below(3000) as usize,
        1 => 100 + rng.below(200) as usize,
        _ => rng.below(24) as usize,
    }
}

fn idx_key(k: i64, pad: usize) -> (String, Vec<u8>) {
    let s = format!("{:08}{}", k, "p".repeat(pad));
    let r = rec(&[Value::Text(s.clone())]);
    (s, r)
}

fn check(bt: &mut Btree, troot: u32, iroot: u32, tm: &BTreeMap<i64, Vec<u8>>, im: &BTreeMap<String, ()>, ki: &Rc<KeyInfo>) {
    let rows = scan_table(bt, troot);
    assert_eq!(rows.len(), tm.len());
    for ((r, vals), (k, v)) in rows.iter().zip(tm.iter()) {
        assert_eq!(r, k);
        let mut want = Vec::new();
        record::decode(v, &mut want).unwrap();
        assert_eq!(vals, &want);
    }
    let mut c = BtCursor::new(iroot, TreeKind::Index, Some(ki.clone()));
    let mut got = Vec::new();
    let mut buf = Vec::new();
    let mut ok = c.first(bt).unwrap();
    while ok {
        c.payload(bt, &mut buf).unwrap();
        match record::decode_column(&buf, 0).unwrap() {
            Value::Text(s) => got.push(s),
            v => panic!("{v:?}"),
        }
        ok = c.next(bt).unwrap();
    }
    let want: Vec<String> = im.keys().cloned().collect();
    assert_eq!(got, want);
    // Backward scan of the index.
    let mut back = Vec::new();
    let mut ok = c.last(bt).unwrap();
    while ok {
        c.payload(bt, &mut buf).unwrap();
        back.push(buf.clone());
        ok = c.prev(bt).unwrap();
    }
    assert_eq!(back.len(), want.len());
    let errs = bt.integrity_check(&[(1, TreeKind::Table), (troot, TreeKind::Table), (iroot, TreeKind::Index)], 20).unwrap();
    assert!(errs.is_empty(), "{errs:?}");
}

fn run(seed: u64, page_size: u32, ops: usize) {
    let dir = TempDir::new("stress");
    let path = dir.file("s.db");
    let mut bt = open_unix(&path, page_size);
    let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary], desc: vec![false] });
    bt.begin_write().unwrap();
    let troot = bt.create_tree(TreeKind::Table).unwrap();
    let iroot = bt.create_tree(TreeKind::Index).unwrap();
    add_schema_row(&mut bt, "table", "t", "t", troot, "CREATE TABLE t(a, b)");
    add_schema_row(&mut bt, "table", "w", "w", iroot, "CREATE TABLE w(k TEXT PRIMARY KEY) WITHOUT ROWID");
    let mut tm: BTreeMap<i64, Vec<u8>> = BTreeMap::new();
    let mut im: BTreeMap<String, ()> = BTreeMap::new();
    let mut tc = BtCursor::new(troot, TreeKind::Table, None);
    let mut ic = BtCursor::new(iroot, TreeKind::Index, Some(ki.clone()));
    let mut rng = Rng(seed);
    let space = 4000u64;
    for phase in 0..6 {
        for _ in 0..ops {
            let k = rng.below(space) as i64;
            match rng.below(10) {
                0..=4 => {
                    let v = rec(&[Value::Integer(k), Value::Blob(vec![(k & 0xff) as u8; size(&mut rng)])]);
                    tc.insert(&mut bt, k, &v).unwrap();
                    tm.insert(k, v);
                    let pad = size(&mut rng);
                    let (s, r) = idx_key(k, pad);
                    ic.insert_key(&mut bt, &r).unwrap();
                    im.insert(s, ());
                }
                5..=7 => {
                    if tc.seek_rowid(&mut bt, k).unwrap() == SeekResult::Found {
                        tc.delete(&mut bt).unwrap();
                        tm.remove(&k);
                    }
                    // Delete the first index key with this prefix.
                    let prefix = rec(&[Value::Text(format!("{k:08}"))]);
                    if ic.seek_index(&mut bt, &prefix, SeekOp::Ge).unwrap() {
                        let mut buf = Vec::new();
                        ic.payload(&mut bt, &mut buf).unwrap();
                        let s = match record::decode_column(&buf, 0).unwrap() {
                            Value::Text(s) => s,
                            v => panic!("{v:?}"),
                        };
                        ic.delete(&mut bt).unwrap();
                        assert!(im.remove(&s).is_some());
                        // next() lands on the following key.
                        let follow = im.range(s.clone()..).next().map(|(x, _)| x.clone());
                        let on = ic.next(&mut bt).unwrap();
                        assert_eq!(on, follow.is_some());
                        if let Some(f) = follow {
                            ic.payload(&mut bt, &mut buf).unwrap();
                            assert_eq!(record::decode_column(&buf, 0).unwrap(), Value::Text(f));
                        }
                    }
                }
                _ => {
                    // Delete a run of consecutive entries through a scan.
                    let run = rng.below(40);
                    if tc.seek_rowid(&mut bt, k).unwrap() != SeekResult::Empty {
                        for _ in 0..run {
                            if !tc.is_valid() {
                                break;
                            }
                            let r = tc.rowid(&mut bt).unwrap();
                            tc.delete(&mut bt).unwrap();
                            tm.remove(&r);
                            if !tc.next(&mut bt).unwrap() {
                                break;
                            }
                        }
                    }
                    let prefix = rec(&[Value::Text(format!("{k:08}"))]);
                    if ic.seek_index(&mut bt, &prefix, SeekOp::Le).unwrap() {
                        let mut buf = Vec::new();
                        for _ in 0..run {
                            ic.payload(&mut bt, &mut buf).unwrap();
                            if let Value::Text(s) = record::decode_column(&buf, 0).unwrap() {
                                im.remove(&s);
                            }
                            ic.delete(&mut bt).unwrap();
                            if !ic.prev(&mut bt).unwrap() {
                                break;
                            }
                        }
                    }
                }
            }
        }
        check(&mut bt, troot, iroot, &tm, &im, &ki);
        if phase % 2 == 1 {
            bt.commit().unwrap();
            bt.begin_write().unwrap();
        }
    }
    bt.commit().unwrap();
    drop(bt);
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(sqlite_integrity(&conn), "ok", "seed {seed} page size {page_size}");
    let n: i64 = conn.query_row("SELECT count(*) FROM w", [], |r| r.get(0)).unwrap();
    assert_eq!(n as usize, im.len());
}

#[test]
fn stress_512() {
    for seed in 1..=4 {
        run(seed * 7919, 512, 1500);
    }
}

#[test]
fn stress_1024() {
    run(42, 1024, 3000);
}

#[test]
fn stress_4096() {
    run(4242, 4096, 4000);
}
