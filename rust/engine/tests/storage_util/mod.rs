//! Helpers shared by the storage_* integration tests: temp files, a small
//! PRNG, record building, schema rows, and full-tree scans.
#![allow(dead_code)]

use ferrolite_engine::storage::btree::{BtCursor, Btree, BtreeOptions, Meta, TreeKind};
use ferrolite_engine::storage::record;
use ferrolite_engine::value::Value;
use ferrolite_engine::vfs::unix::UnixVfs;
use std::rc::Rc;

pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub std::path::PathBuf);
impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let mut p = std::env::temp_dir();
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        p.push(format!("ferrolite-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn file(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn rec(vals: &[Value]) -> Vec<u8> {
    let mut v = Vec::new();
    record::encode(vals, &mut v);
    v
}

pub fn open_unix(path: &str, page_size: u32) -> Btree {
    let opts = BtreeOptions { page_size, ..Default::default() };
    Btree::open(Rc::new(UnixVfs::new()), path, opts).unwrap()
}

/// Appends a row to sqlite_schema (page 1) and bumps the schema cookie.
pub fn add_schema_row(bt: &mut Btree, ty: &str, name: &str, tbl: &str, root: u32, sql: &str) {
    let mut c = BtCursor::new(1, TreeKind::Table, None);
    let next = if c.last(bt).unwrap() { c.rowid(bt).unwrap() + 1 } else { 1 };
    let r = rec(&[
        Value::Text(ty.into()),
        Value::Text(name.into()),
        Value::Text(tbl.into()),
        Value::Integer(root as i64),
        Value::Text(sql.into()),
    ]);
    c.insert(bt, next, &r).unwrap();
    let cookie = bt.get_meta(Meta::SchemaCookie).unwrap();
    bt.set_meta(Meta::SchemaCookie, cookie + 1).unwrap();
}

/// (type, name, rootpage) of every schema row.
pub fn schema(bt: &mut Btree) -> Vec<(String, String, u32)> {
    let mut c = BtCursor::new(1, TreeKind::Table, None);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut vals = Vec::new();
    let mut ok = c.first(bt).unwrap();
    while ok {
        c.payload(bt, &mut buf).unwrap();
        record::decode(&buf, &mut vals).unwrap();
        let s = |v: &Value| match v {
            Value::Text(t) => t.clone(),
            _ => String::new(),
        };
        let root = match vals[3] {
            Value::Integer(i) => i as u32,
            _ => 0,
        };
        out.push((s(&vals[0]), s(&vals[1]), root));
        ok = c.next(bt).unwrap();
    }
    out
}

/// Every (rowid, decoded record) of a table tree.
pub fn scan_table(bt: &mut Btree, root: u32) -> Vec<(i64, Vec<Value>)> {
    let mut c = BtCursor::new(root, TreeKind::Table, None);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut ok = c.first(bt).unwrap();
    while ok {
        let r = c.rowid(bt).unwrap();
        c.payload(bt, &mut buf).unwrap();
        let mut vals = Vec::new();
        record::decode(&buf, &mut vals).unwrap();
        out.push((r, vals));
        ok = c.next(bt).unwrap();
    }
    out
}

/// Reads every row of `table` with rusqlite as (rowid, values).
pub fn sqlite_rows(conn: &rusqlite::Connection, sql: &str) -> Vec<(i64, Vec<Value>)> {
    let mut st = conn.prepare(sql).unwrap();
    let n = st.column_count();
    let rows = st
        .query_map([], |r| {
            let id: i64 = r.get(0)?;
            let mut vals = Vec::new();
            for i in 1..n {
                vals.push(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => Value::Null,
                    rusqlite::types::ValueRef::Integer(x) => Value::Integer(x),
                    rusqlite::types::ValueRef::Real(x) => Value::Real(x),
                    rusqlite::types::ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    rusqlite::types::ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                });
            }
            Ok((id, vals))
        })
        .unwrap();
    rows.map(|r| r.unwrap()).collect()
}

pub fn sqlite_integrity(conn: &rusqlite::Connection) -> String {
    let mut st = conn.prepare("PRAGMA integrity_check").unwrap();
    let rows: Vec<String> = st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
    rows.join("\n")
}
