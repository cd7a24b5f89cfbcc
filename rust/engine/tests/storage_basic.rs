//! Basic b-tree behaviour on the in-memory VFS: insert/seek/scan/delete on
//! table and index trees, checked against a BTreeMap model and the
//! integrity checker.

use ferrolite_engine::storage::btree::{BtCursor, Btree, BtreeOptions, SeekOp, SeekResult, TreeKind};
use ferrolite_engine::storage::record::{self, Collation, KeyInfo};
use ferrolite_engine::value::Value;
use ferrolite_engine::vfs::memory::MemoryVfs;
use std::collections::BTreeMap;
use std::rc::Rc;

fn open(vfs: &MemoryVfs, page_size: u32) -> Btree {
    let opts = BtreeOptions { page_size, ..Default::default() };
    Btree::open(Rc::new(vfs.clone()), "test.db", opts).unwrap()
}

fn rec(vals: &[Value]) -> Vec<u8> {
    let mut v = Vec::new();
    record::encode(vals, &mut v);
    v
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn check_table(bt: &mut Btree, root: u32, model: &BTreeMap<i64, Vec<u8>>) {
    let mut c = BtCursor::new(root, TreeKind::Table, None);
    let mut got = Vec::new();
    let mut buf = Vec::new();
    let mut ok = c.first(bt).unwrap();
    while ok {
        let r = c.rowid(bt).unwrap();
        c.payload(bt, &mut buf).unwrap();
        got.push((r, buf.clone()));
        ok = c.next(bt).unwrap();
    }
    let want: Vec<(i64, Vec<u8>)> = model.iter().map(|(k, v)| (*k, v.clone())).collect();
    assert_eq!(got.len(), want.len());
    assert!(got == want, "table contents differ");
    // backwards
    let mut n = 0;
    let mut ok = c.last(bt).unwrap();
    let mut prev = i64::MAX;
    while ok {
        let r = c.rowid(bt).unwrap();
        assert!(r < prev);
        prev = r;
        n += 1;
        ok = c.prev(bt).unwrap();
    }
    assert_eq!(n, model.len());
}

fn integrity(bt: &mut Btree, roots: &[(u32, TreeKind)]) {
    let mut all = vec![(1, TreeKind::Table)];
    all.extend_from_slice(roots);
    let errs = bt.integrity_check(&all, 100).unwrap();
    assert!(errs.is_empty(), "integrity: {errs:?}");
}

#[test]
fn table_insert_scan_delete() {
    for &ps in &[512u32, 1024, 4096, 65536] {
        let vfs = MemoryVfs::new();
        let mut bt = open(&vfs, ps);
        bt.begin_write().unwrap();
        let root = bt.create_tree(TreeKind::Table).unwrap();
        let mut model = BTreeMap::new();
        let mut c = BtCursor::new(root, TreeKind::Table, None);
        let mut rng = Rng(ps as u64 * 7 + 1);
        for i in 0..3000i64 {
            let k = (rng.next() % 100_000) as i64 - 50_000;
            let len = match i % 50 { 0 => 3000, 1 => 20_000, _ => (rng.next() % 60) as usize };
            let r = rec(&[Value::Integer(k), Value::Blob(vec![(i % 251) as u8; len])]);
            c.insert(&mut bt, k, &r).unwrap();
            model.insert(k, r);
        }
        integrity(&mut bt, &[(root, TreeKind::Table)]);
        check_table(&mut bt, root, &model);
        bt.commit().unwrap();
        bt.begin_read().unwrap();
        check_table(&mut bt, root, &model);
        // seeks
        for _ in 0..200 {
            let k = (rng.next() % 100_000) as i64 - 50_000;
            let r = c.seek_rowid(&mut bt, k).unwrap();
            if model.contains_key(&k) {
                assert_eq!(r, SeekResult::Found);
                assert_eq!(c.rowid(&mut bt).unwrap(), k);
            } else {
                assert_eq!(r, SeekResult::NotFound);
                let at = c.rowid(&mut bt).unwrap();
                match model.range(k..).next() {
                    Some((&succ, _)) => assert_eq!(at, succ),
                    None => assert_eq!(at, *model.keys().last().unwrap()),
                }
            }
        }
        bt.commit().unwrap();
        // delete most rows, using delete+next
        bt.begin_write().unwrap();
        let mut ok = c.first(&mut bt).unwrap();
        let mut i = 0;
        while ok {
            let r = c.rowid(&mut bt).unwrap();
            if i % 10 != 0 {
                c.delete(&mut bt).unwrap();
                model.remove(&r);
                ok = c.next(&mut bt).unwrap();
                if ok {
                    let nr = c.rowid(&mut bt).unwrap();
                    assert_eq!(Some(nr), model.range(r + 1..).next().map(|(k, _)| *k));
                }
            } else {
                ok = c.next(&mut bt).unwrap();
            }
            i += 1;
        }
        integrity(&mut bt, &[(root, TreeKind::Table)]);
        check_table(&mut bt, root, &model);
        bt.commit().unwrap();
        // delete everything
        bt.begin_write().unwrap();
        while c.first(&mut bt).unwrap() {
            c.delete(&mut bt).unwrap();
        }
        model.clear();
        integrity(&mut bt, &[(root, TreeKind::Table)]);
        check_table(&mut bt, root, &model);
        bt.commit().unwrap();
    }
}

#[test]
fn index_insert_seek_delete() {
    for &ps in &[512u32, 4096] {
        let vfs = MemoryVfs::new();
        let mut bt = open(&vfs, ps);
        bt.begin_write().unwrap();
        let root = bt.create_tree(TreeKind::Index).unwrap();
        let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary, Collation::Binary], desc: vec![false, false] });
        let mut c = BtCursor::new(root, TreeKind::Index, Some(ki.clone()));
        let mut model: BTreeMap<(String, i64), ()> = BTreeMap::new();
        let mut rng = Rng(99 + ps as u64);
        for i in 0..4000i64 {
            let n = rng.next() % 500;
            let pad = if i % 97 == 0 { 2000 } else { (rng.next() % 30) as usize };
            let s = format!("k{n:05}{}", "x".repeat(pad));
            let key = rec(&[Value::Text(s.clone()), Value::Integer(i)]);
            c.insert_key(&mut bt, &key).unwrap();
            model.insert((s, i), ());
        }
        integrity(&mut bt, &[(root, TreeKind::Index)]);
        let scan = |bt: &mut Btree, c: &mut BtCursor| -> Vec<(String, i64)> {
            let mut out = Vec::new();
            let mut buf = Vec::new();
            let mut vals = Vec::new();
            let mut ok = c.first(bt).unwrap();
            while ok {
                c.payload(bt, &mut buf).unwrap();
                record::decode(&buf, &mut vals).unwrap();
                match (&vals[0], &vals[1]) {
                    (Value::Text(s), Value::Integer(i)) => out.push((s.clone(), *i)),
                    _ => panic!("bad key"),
                }
                ok = c.next(bt).unwrap();
            }
            out
        };
        let got = scan(&mut bt, &mut c);
        let want: Vec<(String, i64)> = model.keys().cloned().collect();
        assert_eq!(got, want);
        // prefix seeks
        for n in [0u64, 17, 250, 499, 600] {
            let prefix = format!("k{n:05}");
            let key = rec(&[Value::Text(prefix.clone())]);
            let on = c.seek_index(&mut bt, &key, SeekOp::Ge).unwrap();
            let expect = model.keys().find(|(s, _)| s.as_str() >= prefix.as_str());
            assert_eq!(on, expect.is_some());
            if let Some((s, i)) = expect {
                let mut buf = Vec::new();
                c.payload(&mut bt, &mut buf).unwrap();
                assert_eq!(record::decode_column(&buf, 0).unwrap(), Value::Text(s.clone()));
                assert_eq!(record::decode_column(&buf, 1).unwrap(), Value::Integer(*i));
            }
            let on = c.seek_index(&mut bt, &key, SeekOp::Lt).unwrap();
            let expect = model.keys().rev().find(|(s, _)| s.as_str() < prefix.as_str());
            assert_eq!(on, expect.is_some());
            if let Some((_, i)) = expect {
                let mut buf = Vec::new();
                c.payload(&mut bt, &mut buf).unwrap();
                assert_eq!(record::decode_column(&buf, 1).unwrap(), Value::Integer(*i));
            }
        }
        // delete 80% through the cursor
        let mut ok = c.first(&mut bt).unwrap();
        let mut i = 0;
        let mut buf = Vec::new();
        let mut vals = Vec::new();
        while ok {
            if i % 5 != 0 {
                c.payload(&mut bt, &mut buf).unwrap();
                record::decode(&buf, &mut vals).unwrap();
                let k = match (&vals[0], &vals[1]) {
                    (Value::Text(s), Value::Integer(i)) => (s.clone(), *i),
                    _ => panic!(),
                };
                c.delete(&mut bt).unwrap();
                model.remove(&k);
            }
            ok = c.next(&mut bt).unwrap();
            i += 1;
        }
        integrity(&mut bt, &[(root, TreeKind::Index)]);
        let got = scan(&mut bt, &mut c);
        let want: Vec<(String, i64)> = model.keys().cloned().collect();
        assert_eq!(got, want);
        bt.commit().unwrap();
    }
}

#[test]
fn cursor_survives_changes_through_other_cursors() {
    let vfs = MemoryVfs::new();
    let mut bt = open(&vfs, 1024);
    bt.begin_write().unwrap();
    let root = bt.create_tree(TreeKind::Table).unwrap();
    let mut w = BtCursor::new(root, TreeKind::Table, None);
    let mut model = BTreeMap::new();
    for k in 0..2000i64 {
        let r = rec(&[Value::Integer(k), Value::Text("v".repeat((k % 50) as usize))]);
        w.insert(&mut bt, k * 2, &r).unwrap();
        model.insert(k * 2, r);
    }
    // Scan with one cursor while another deletes the row after the current
    // one and inserts rows behind it (splitting and merging pages).
    let mut s = BtCursor::new(root, TreeKind::Table, None);
    let mut seen = Vec::new();
    let mut ok = s.first(&mut bt).unwrap();
    let mut rng = Rng(3);
    while ok {
        let k = s.rowid(&mut bt).unwrap();
        seen.push(k);
        if k % 6 == 0 && w.seek_rowid(&mut bt, k + 2).unwrap() == SeekResult::Found {
            w.delete(&mut bt).unwrap();
            model.remove(&(k + 2));
        }
        if k % 10 == 0 {
            let nk = -((rng.next() % 100_000) as i64) - 1;
            let r = rec(&[Value::Blob(vec![0; (rng.next() % 700) as usize])]);
            w.insert(&mut bt, nk, &r).unwrap();
            model.insert(nk, r);
        }
        ok = s.next(&mut bt).unwrap();
    }
    let expect: Vec<i64> = model.keys().copied().filter(|&k| k >= 0).collect();
    assert_eq!(seen, expect);
    integrity(&mut bt, &[(root, TreeKind::Table)]);
    check_table(&mut bt, root, &model);
    // Deleting through a cursor, then prev goes to the entry before.
    assert_eq!(s.seek_rowid(&mut bt, 100).unwrap(), SeekResult::Found);
    s.delete(&mut bt).unwrap();
    assert!(s.prev(&mut bt).unwrap());
    assert_eq!(s.rowid(&mut bt).unwrap(), *model.range(..100).next_back().unwrap().0);
    bt.commit().unwrap();
}

#[test]
fn drop_and_clear_tree_free_pages() {
    let vfs = MemoryVfs::new();
    let mut bt = open(&vfs, 1024);
    bt.begin_write().unwrap();
    let t1 = bt.create_tree(TreeKind::Table).unwrap();
    let t2 = bt.create_tree(TreeKind::Index).unwrap();
    let ki = Rc::new(KeyInfo { collations: vec![Collation::NoCase], desc: vec![false] });
    let mut c1 = BtCursor::new(t1, TreeKind::Table, None);
    let mut c2 = BtCursor::new(t2, TreeKind::Index, Some(ki));
    for i in 0..1500i64 {
        c1.insert(&mut bt, i, &rec(&[Value::Blob(vec![1; if i % 100 == 0 { 5000 } else { 30 }])])).unwrap();
        c2.insert_key(&mut bt, &rec(&[Value::Text(format!("Key{i}")), Value::Integer(i)])).unwrap();
    }
    // NOCASE: an equal key (under the collation) replaces the entry.
    c2.insert_key(&mut bt, &rec(&[Value::Text("KEY7".into()), Value::Integer(7)])).unwrap();
    let pages = bt.page_count().unwrap();
    bt.clear_tree(t1).unwrap();
    assert!(!c1.first(&mut bt).unwrap());
    integrity(&mut bt, &[(t1, TreeKind::Table), (t2, TreeKind::Index)]);
    bt.drop_tree(t2).unwrap();
    integrity(&mut bt, &[(t1, TreeKind::Table)]);
    // Freed pages are reused: the file does not grow.
    for i in 0..1500i64 {
        c1.insert(&mut bt, i, &rec(&[Value::Blob(vec![2; 30])])).unwrap();
    }
    assert!(bt.page_count().unwrap() <= pages);
    integrity(&mut bt, &[(t1, TreeKind::Table)]);
    bt.commit().unwrap();
}

#[test]
fn delete_of_an_entry_already_deleted_elsewhere_is_a_no_op() {
    let vfs = MemoryVfs::new();
    let mut bt = open(&vfs, 512);
    bt.begin_write().unwrap();
    let root = bt.create_tree(TreeKind::Index).unwrap();
    let ki = Rc::new(KeyInfo { collations: vec![Collation::Binary; 2], desc: vec![false; 2] });
    let mut a = BtCursor::new(root, TreeKind::Index, Some(ki.clone()));
    let mut b = BtCursor::new(root, TreeKind::Index, Some(ki));
    for i in 0..500i64 {
        a.insert_key(&mut bt, &rec(&[Value::Text(format!("k{i:04}")), Value::Integer(i)])).unwrap();
    }
    // Put `a` on an entry that lives in an interior page and `b` on the same one.
    let key = rec(&[Value::Text("k0250".into()), Value::Integer(250)]);
    assert!(a.seek_index(&mut bt, &key, SeekOp::Ge).unwrap());
    assert!(b.seek_index(&mut bt, &key, SeekOp::Ge).unwrap());
    b.delete(&mut bt).unwrap();
    a.delete(&mut bt).unwrap(); // must not delete k0251
    let mut n = 0;
    let mut ok = b.first(&mut bt).unwrap();
    while ok {
        n += 1;
        ok = b.next(&mut bt).unwrap();
    }
    assert_eq!(n, 499);
    assert!(a.next(&mut bt).unwrap());
    let mut buf = Vec::new();
    a.payload(&mut bt, &mut buf).unwrap();
    assert_eq!(record::decode_column(&buf, 0).unwrap(), Value::Text("k0251".into()));
    // Same for tables.
    let t = bt.create_tree(TreeKind::Table).unwrap();
    let mut c = BtCursor::new(t, TreeKind::Table, None);
    let mut d = BtCursor::new(t, TreeKind::Table, None);
    for i in 0..300i64 {
        c.insert(&mut bt, i, &rec(&[Value::Integer(i)])).unwrap();
    }
    assert_eq!(c.seek_rowid(&mut bt, 100).unwrap(), SeekResult::Found);
    assert_eq!(d.seek_rowid(&mut bt, 100).unwrap(), SeekResult::Found);
    d.delete(&mut bt).unwrap();
    c.delete(&mut bt).unwrap();
    assert_eq!(d.seek_rowid(&mut bt, 101).unwrap(), SeekResult::Found);
    assert!(c.next(&mut bt).unwrap());
    assert_eq!(c.rowid(&mut bt).unwrap(), 101);
    integrity(&mut bt, &[(root, TreeKind::Index), (t, TreeKind::Table)]);
    bt.commit().unwrap();
}

#[test]
fn seeks_on_a_desc_nocase_index() {
    // Index on (x COLLATE NOCASE DESC, rowid): key order is descending
    // case-insensitively; seeks follow key order.
    let vfs = MemoryVfs::new();
    let mut bt = open(&vfs, 512);
    bt.begin_write().unwrap();
    let root = bt.create_tree(TreeKind::Index).unwrap();
    let ki = Rc::new(KeyInfo { collations: vec![Collation::NoCase, Collation::Binary], desc: vec![true, false] });
    let mut c = BtCursor::new(root, TreeKind::Index, Some(ki.clone()));
    let words: Vec<String> = (0..400).map(|i| if i % 2 == 0 { format!("W{:03}", i / 2) } else { format!("w{:03}", i / 2) }).collect();
    for (i, w) in words.iter().enumerate() {
        c.insert_key(&mut bt, &rec(&[Value::Text(w.clone()), Value::Integer(i as i64)])).unwrap();
    }
    let text_at = |c: &mut BtCursor, bt: &mut Btree| -> (String, i64) {
        let mut buf = Vec::new();
        c.payload(bt, &mut buf).unwrap();
        match (record::decode_column(&buf, 0).unwrap(), record::decode_column(&buf, 1).unwrap()) {
            (Value::Text(s), Value::Integer(i)) => (s, i),
            v => panic!("{v:?}"),
        }
    };
    // First entry is the largest word.
    assert!(c.first(&mut bt).unwrap());
    assert_eq!(text_at(&mut c, &mut bt).0.to_lowercase(), "w199");
    let probe = rec(&[Value::Text("w100".into())]);
    // Ge in key order: first entry <= "w100" (descending), i.e. W100 (rowid 200).
    assert!(c.seek_index(&mut bt, &probe, SeekOp::Ge).unwrap());
    assert_eq!(text_at(&mut c, &mut bt), ("W100".to_string(), 200));
    // Gt: first entry strictly after all "w100"s: w099 family.
    assert!(c.seek_index(&mut bt, &probe, SeekOp::Gt).unwrap());
    assert_eq!(text_at(&mut c, &mut bt), ("W099".to_string(), 198));
    // Le: last entry with key <= "w100" in key order: the last of the w100s.
    assert!(c.seek_index(&mut bt, &probe, SeekOp::Le).unwrap());
    assert_eq!(text_at(&mut c, &mut bt), ("w100".to_string(), 201));
    // Lt: last entry before the w100s: w101 (rowid 203).
    assert!(c.seek_index(&mut bt, &probe, SeekOp::Lt).unwrap());
    assert_eq!(text_at(&mut c, &mut bt), ("w101".to_string(), 203));
    // Past either end.
    assert!(!c.seek_index(&mut bt, &rec(&[Value::Text("a".into())]), SeekOp::Gt).unwrap());
    assert!(!c.seek_index(&mut bt, &rec(&[Value::Text("zzz".into())]), SeekOp::Lt).unwrap());
    assert!(c.seek_index(&mut bt, &rec(&[Value::Text("zzz".into())]), SeekOp::Ge).unwrap());
    assert_eq!(text_at(&mut c, &mut bt).0.to_lowercase(), "w199");
    integrity(&mut bt, &[(root, TreeKind::Index)]);
    bt.commit().unwrap();
}
