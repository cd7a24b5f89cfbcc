//! The workload, once per engine: schema, generated rows, the insert
//! transaction and the checked scan.
//!
//! Row i (1..=n): id = i (INTEGER PRIMARY KEY), name = 'name-' || i,
//! score = i * 0.25, n = i % 1000. The scan reads every column of every row
//! and folds them into `Sums`, compared with the expected sums.

use crate::{timed, Timings};
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags, StepResult, Value};
use std::rc::Rc;

pub const SCHEMA: &str = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, n INTEGER)";
pub const INSERT: &str = "INSERT INTO t(id, name, score, n) VALUES (?1, ?2, ?3, ?4)";
pub const SCAN: &str = "SELECT id, name, score, n FROM t";

/// What the scan folds the rows into.
#[derive(Debug, Default, PartialEq)]
struct Sums {
    rows: i64,
    id: i64,
    name_bytes: i64,
    score: f64,
    n: i64,
}

impl Sums {
    fn add(&mut self, id: i64, name: &str, score: f64, n: i64) {
        self.rows += 1;
        self.id += id;
        self.name_bytes += name.len() as i64;
        self.score += score;
        self.n += n;
    }

    fn expected(count: i64) -> Sums {
        let mut s = Sums::default();
        for i in 1..=count {
            s.add(i, &name(i), i as f64 * 0.25, i % 1000);
        }
        s
    }
}

fn name(i: i64) -> String {
    format!("name-{i}")
}

fn check(got: Sums, n: i64) -> Result<(), String> {
    let want = Sums::expected(n);
    if got != want {
        return Err(format!("scan read {got:?}, want {want:?}"));
    }
    Ok(())
}

pub fn run_ferrolite(path: &str, n: i64) -> Result<Timings, String> {
    let e = |e: ferrolite_engine::Error| e.to_string();
    let mut c = Connection::open(Rc::new(UnixVfs::new()), path, OpenFlags::default_rwc()).map_err(e)?;
    c.exec(SCHEMA).map_err(e)?;
    let ((), insert) = timed(|| {
        c.exec("BEGIN").map_err(e)?;
        let st = c.prepare(INSERT).map_err(e)?.0.ok_or("empty statement")?;
        for i in 1..=n {
            c.bind(st, 1, Value::Integer(i)).map_err(e)?;
            c.bind(st, 2, Value::Text(name(i))).map_err(e)?;
            c.bind(st, 3, Value::Real(i as f64 * 0.25)).map_err(e)?;
            c.bind(st, 4, Value::Integer(i % 1000)).map_err(e)?;
            c.step(st).map_err(e)?;
            c.reset(st).map_err(e)?;
        }
        c.finalize(st).map_err(e)?;
        c.exec("COMMIT").map_err(e)
    })?;
    let (sums, scan) = timed(|| {
        let st = c.prepare(SCAN).map_err(e)?.0.ok_or("empty statement")?;
        let mut s = Sums::default();
        while c.step(st).map_err(e)? == StepResult::Row {
            match c.row(st) {
                [Value::Integer(id), Value::Text(name), Value::Real(score), Value::Integer(n)] => {
                    s.add(*id, name, *score, *n)
                }
                other => return Err(format!("unexpected row {other:?}")),
            }
        }
        c.finalize(st).map_err(e)?;
        Ok(s)
    })?;
    c.close().map_err(e)?;
    check(sums, n)?;
    Ok(Timings { insert, scan })
}

pub fn run_sqlite(path: &str, n: i64) -> Result<Timings, String> {
    let e = |e: rusqlite::Error| e.to_string();
    let c = rusqlite::Connection::open(path).map_err(e)?;
    c.execute_batch(SCHEMA).map_err(e)?;
    let ((), insert) = timed(|| {
        c.execute_batch("BEGIN").map_err(e)?;
        {
            let mut st = c.prepare(INSERT).map_err(e)?;
            for i in 1..=n {
                st.execute(rusqlite::params![i, name(i), i as f64 * 0.25, i % 1000]).map_err(e)?;
            }
        }
        c.execute_batch("COMMIT").map_err(e)
    })?;
    let (sums, scan) = timed(|| {
        let mut st = c.prepare(SCAN).map_err(e)?;
        let mut rows = st.query([]).map_err(e)?;
        let mut s = Sums::default();
        while let Some(r) = rows.next().map_err(e)? {
            let name = r.get_ref(1).map_err(e)?.as_str().map_err(|x| x.to_string())?;
            s.add(r.get(0).map_err(e)?, name, r.get(2).map_err(e)?, r.get(3).map_err(e)?);
        }
        Ok(s)
    })?;
    drop(c);
    check(sums, n)?;
    Ok(Timings { insert, scan })
}
