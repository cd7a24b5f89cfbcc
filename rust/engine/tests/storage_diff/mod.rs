//! Helpers for the differential storage tests (auto_vacuum, VACUUM,
//! integrity_check): one file written by ferrolite and one by real SQLite
//! (rusqlite, bundled) from the same generated workload, then each file
//! checked by both engines' integrity_check and read by both engines.
#![allow(dead_code)]

use crate::common::{lite_query, query, query_params, Outcome};
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags, Value};
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

pub fn fopen(path: &str) -> Connection {
    Connection::open(Rc::new(UnixVfs::new()), path, OpenFlags::default_rwc()).expect("open ferrolite")
}

pub fn lopen(path: &str) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("open rusqlite")
}

pub fn fq(c: &mut Connection, sql: &str) -> Vec<Vec<Value>> {
    query(c, sql).unwrap_or_else(|e| panic!("ferrolite: {sql}: {e:?}"))
}

pub fn lq(c: &rusqlite::Connection, sql: &str) -> Vec<Vec<Value>> {
    lite_query(c, sql, &[]).unwrap_or_else(|e| panic!("sqlite: {sql}: {e:?}"))
}

pub fn fint(c: &mut Connection, sql: &str) -> i64 {
    match fq(c, sql).first().and_then(|r| r.first()) {
        Some(Value::Integer(i)) => *i,
        other => panic!("{sql}: {other:?}"),
    }
}

pub fn lint(c: &rusqlite::Connection, sql: &str) -> i64 {
    match lq(c, sql).first().and_then(|r| r.first()) {
        Some(Value::Integer(i)) => *i,
        other => panic!("{sql}: {other:?}"),
    }
}

/// One statement of a workload with its parameters.
pub struct Step {
    pub sql: String,
    pub params: Vec<Value>,
}

/// Runs a step on both engines; both must succeed.
pub fn run_both(f: &mut Connection, l: &rusqlite::Connection, s: &Step) {
    let a: Outcome = query_params(f, &s.sql, &s.params);
    let b: Outcome = lite_query(l, &s.sql, &s.params);
    assert!(a.is_ok() && b.is_ok(), "{}: ferrolite {:?} / sqlite {:?}", s.sql, a.as_ref().err(), b.as_ref().err());
}

fn blob(rng: &mut Rng, len: usize) -> Value {
    let seed = rng.next();
    Value::Blob((0..len).map(|i| (seed as usize).wrapping_add(i * 7 + (i >> 9)) as u8).collect())
}

/// A generated workload: tables with several indexes, rows from tiny to
/// over 1 MB, updates, deletes, a dropped and a re-created table, in
/// several transactions. `big` = number of rows over 1 MB.
pub fn workload(seed: u64, rounds: usize, big: usize) -> Vec<Step> {
    let mut rng = Rng(seed | 1);
    let mut v = Vec::new();
    let mut s = |sql: &str, params: Vec<Value>| v.push(Step { sql: sql.to_string(), params });
    s("CREATE TABLE t1(a INTEGER PRIMARY KEY, b TEXT, c BLOB, d INTEGER)", vec![]);
    s("CREATE INDEX t1b ON t1(b)", vec![]);
    s("CREATE INDEX t1d ON t1(d, b)", vec![]);
    s("CREATE TABLE t2(x TEXT UNIQUE, y BLOB, z REAL)", vec![]);
    s("CREATE INDEX t2z ON t2(z DESC)", vec![]);
    s("CREATE TABLE gone(p, q)", vec![]);
    s("CREATE INDEX goneq ON gone(q)", vec![]);
    let mut next_id = 1i64;
    let mut big_left = big;
    for round in 0..rounds {
        s("BEGIN", vec![]);
        let n = 20 + rng.below(40) as usize;
        for _ in 0..n {
            let len = match rng.below(20) {
                0 => 3000 + rng.below(20_000) as usize,
                1 if big_left > 0 && round % 2 == 1 => {
                    big_left -= 1;
                    1_048_576 + rng.below(70_000) as usize
                }
                _ => rng.below(200) as usize,
            };
            let b = format!("k{:05}-{}", rng.below(100_000), "x".repeat(rng.below(60) as usize));
            s(
                "INSERT INTO t1(a, b, c, d) VALUES (?, ?, ?, ?)",
                vec![Value::Integer(next_id), Value::Text(b), blob(&mut rng, len), Value::Integer(rng.below(50) as i64)],
            );
            next_id += 1;
            let x = format!("x{}-{}", next_id, "y".repeat(rng.below(300) as usize));
            let ylen = if rng.below(10) == 0 { 5000 } else { 10 };
            s("INSERT INTO t2(x, y, z) VALUES (?, ?, ?)", vec![Value::Text(x), blob(&mut rng, ylen), Value::Real(rng.below(1000) as f64 / 7.0)]);
            let glen = rng.below(900) as usize;
            if round > rounds / 2 {
                continue;
            }
            s("INSERT INTO gone VALUES (?, ?)", vec![Value::Integer(next_id), blob(&mut rng, glen)]);
        }
        s("UPDATE t1 SET c = ?, b = b || 'u' WHERE a % 7 = ?", vec![blob(&mut rng, 700), Value::Integer(round as i64 % 7)]);
        s("DELETE FROM t1 WHERE a % 5 = ?", vec![Value::Integer((round % 5) as i64)]);
        s("DELETE FROM t2 WHERE rowid % 3 = ?", vec![Value::Integer((round % 3) as i64)]);
        s("COMMIT", vec![]);
        if round == rounds / 2 {
            s("DROP TABLE gone", vec![]);
            s("CREATE TABLE late(k INTEGER PRIMARY KEY, v)", vec![]);
            s("CREATE INDEX latev ON late(v)", vec![]);
            s("INSERT INTO late(v) SELECT b FROM t1 ORDER BY a", vec![]);
        }
    }
    s("DELETE FROM t1 WHERE length(c) > 1000000", vec![]);
    v
}

/// Every user table's rows (by rowid) as read by ferrolite.
pub fn f_dump(c: &mut Connection) -> Vec<Vec<Vec<Value>>> {
    let names: Vec<String> = fq(c, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .into_iter()
        .map(|r| match &r[0] {
            Value::Text(t) => t.clone(),
            _ => String::new(),
        })
        .collect();
    names.iter().map(|n| fq(c, &format!("SELECT rowid, * FROM \"{n}\" ORDER BY rowid"))).collect()
}

pub fn l_dump(c: &rusqlite::Connection) -> Vec<Vec<Vec<Value>>> {
    let names: Vec<String> = lq(c, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .into_iter()
        .map(|r| match &r[0] {
            Value::Text(t) => t.clone(),
            _ => String::new(),
        })
        .collect();
    names.iter().map(|n| lq(c, &format!("SELECT rowid, * FROM \"{n}\" ORDER BY rowid"))).collect()
}

pub fn f_integrity(c: &mut Connection) -> String {
    fq(c, "PRAGMA integrity_check")
        .into_iter()
        .map(|r| match &r[0] {
            Value::Text(t) => t.clone(),
            v => format!("{v:?}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn l_integrity(c: &rusqlite::Connection) -> String {
    lq(c, "PRAGMA integrity_check")
        .into_iter()
        .map(|r| match &r[0] {
            Value::Text(t) => t.clone(),
            v => format!("{v:?}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Both files pass both engines' integrity_check and read the same
/// contents through both engines.
pub fn cross_check(fpath: &str, lpath: &str) {
    let mut dumps = Vec::new();
    for path in [fpath, lpath] {
        let l = lopen(path);
        assert_eq!(l_integrity(&l), "ok", "SQLite's integrity_check on {path}");
        let ld = l_dump(&l);
        drop(l);
        let mut f = fopen(path);
        assert_eq!(f_integrity(&mut f), "ok", "ferrolite's integrity_check on {path}");
        let fd = f_dump(&mut f);
        assert!(fd == ld, "ferrolite and SQLite read {path} differently");
        dumps.push(fd);
    }
    if dumps[0] != dumps[1] {
        for (t, (a, b)) in dumps[0].iter().zip(&dumps[1]).enumerate() {
            if a != b {
                let i = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
                let short = |r: Option<&Vec<Value>>| format!("{:?}", r).chars().take(300).collect::<String>();
                panic!("table #{t} differs ({} vs {} rows) at row {i}: {} vs {}", a.len(), b.len(), short(a.get(i)), short(b.get(i)));
            }
        }
        panic!("the two files hold different tables");
    }
}
