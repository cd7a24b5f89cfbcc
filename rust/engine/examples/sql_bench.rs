//! Rough side-by-side timing of ferrolite and SQLite (rusqlite) on simple
//! workloads, in memory. A benchmark, not a test: `cargo run --release
//! --example sql_bench`.
use ferrolite_engine::vfs::memory::MemoryVfs;
use ferrolite_engine::{Connection, OpenFlags, StepResult, Value};
use std::rc::Rc;
use std::time::Instant;

fn main() {
    let n = 200_000i64;
    let mut f = Connection::open(Rc::new(MemoryVfs::new()), ":memory:", OpenFlags::default_rwc()).unwrap();
    f.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)").unwrap();
    let t0 = Instant::now();
    f.exec("BEGIN").unwrap();
    let (st, _) = f.prepare("INSERT INTO t(a, b, c) VALUES (?, ?, ?)").unwrap();
    let st = st.unwrap();
    for i in 0..n {
        f.bind(st, 1, Value::Integer(i % 1000)).unwrap();
        f.bind(st, 2, Value::Text(format!("row {i}"))).unwrap();
        f.bind(st, 3, Value::Real(i as f64 * 0.5)).unwrap();
        f.step(st).unwrap();
        f.reset(st).unwrap();
    }
    f.exec("COMMIT").unwrap();
    let ins = t0.elapsed();
    let t1 = Instant::now();
    let (q, _) = f.prepare("SELECT a, b, c FROM t").unwrap();
    let q = q.unwrap();
    let mut rows = 0;
    while f.step(q).unwrap() == StepResult::Row {
        rows += f.row(q).len();
    }
    let scan = t1.elapsed();
    let t2 = Instant::now();
    let (q2, _) = f.prepare("SELECT sum(a), count(*) FROM t WHERE c > 10").unwrap();
    let q2 = q2.unwrap();
    f.step(q2).unwrap();
    let agg = t2.elapsed();
    let t3 = Instant::now();
    let (q3, _) = f.prepare("SELECT b FROM t WHERE id = ?").unwrap();
    let q3 = q3.unwrap();
    for i in 0..n {
        f.bind(q3, 1, Value::Integer(i + 1)).unwrap();
        f.step(q3).unwrap();
        f.reset(q3).unwrap();
    }
    let point = t3.elapsed();
    println!("ferrolite: insert {n} {ins:?}, scan {scan:?} ({rows} values), agg {agg:?}, point lookups {point:?}");

    let l = rusqlite::Connection::open_in_memory().unwrap();
    l.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)").unwrap();
    let t0 = Instant::now();
    l.execute_batch("BEGIN").unwrap();
    {
        let mut st = l.prepare("INSERT INTO t(a, b, c) VALUES (?, ?, ?)").unwrap();
        for i in 0..n {
            st.execute(rusqlite::params![i % 1000, format!("row {i}"), i as f64 * 0.5]).unwrap();
        }
    }
    l.execute_batch("COMMIT").unwrap();
    let ins = t0.elapsed();
    let t1 = Instant::now();
    let mut rows = 0;
    {
        let mut st = l.prepare("SELECT a, b, c FROM t").unwrap();
        let mut r = st.query([]).unwrap();
        while let Some(row) = r.next().unwrap() {
            let _: i64 = row.get(0).unwrap();
            let _: String = row.get(1).unwrap();
            let _: f64 = row.get(2).unwrap();
            rows += 3;
        }
    }
    let scan = t1.elapsed();
    let t2 = Instant::now();
    let _: i64 = l.query_row("SELECT sum(a) FROM t WHERE c > 10", [], |r| r.get(0)).unwrap();
    let agg = t2.elapsed();
    let t3 = Instant::now();
    {
        let mut st = l.prepare("SELECT b FROM t WHERE id = ?").unwrap();
        for i in 0..n {
            let _: String = st.query_row([i + 1], |r| r.get(0)).unwrap();
        }
    }
    let point = t3.elapsed();
    println!("sqlite:    insert {n} {ins:?}, scan {scan:?} ({rows} values), agg {agg:?}, point lookups {point:?}");
}
