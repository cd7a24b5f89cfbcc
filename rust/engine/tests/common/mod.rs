//! Shared helpers for the SQL differential tests: run SQL on ferrolite and
//! on real SQLite (rusqlite, bundled) and compare rows and error codes.
#![allow(dead_code)]

use ferrolite_engine::vfs::memory::MemoryVfs;
use ferrolite_engine::{Connection, OpenFlags, StepResult, Value};
use std::rc::Rc;

pub fn mem() -> Connection {
    Connection::open(Rc::new(MemoryVfs::new()), ":memory:", OpenFlags::default_rwc()).expect("open")
}

pub fn lite() -> rusqlite::Connection {
    rusqlite::Connection::open_in_memory().expect("open rusqlite")
}

/// Result of running a query: rows, or (extended code, message).
pub type Outcome = Result<Vec<Vec<Value>>, (i32, String)>;

pub fn query(c: &mut Connection, sql: &str) -> Outcome {
    query_params(c, sql, &[])
}

pub fn query_params(c: &mut Connection, sql: &str, params: &[Value]) -> Outcome {
    let (id, _) = c.prepare(sql).map_err(|e| (e.code, e.message))?;
    let Some(id) = id else { return Ok(vec![]) };
    for (i, p) in params.iter().enumerate() {
        if let Err(e) = c.bind(id, i + 1, p.clone()) {
            c.finalize(id).ok();
            return Err((e.code, e.message));
        }
    }
    let mut rows = Vec::new();
    loop {
        match c.step(id) {
            Ok(StepResult::Row) => rows.push(c.row(id).to_vec()),
            Ok(StepResult::Done) => break,
            Err(e) => {
                c.finalize(id).ok();
                return Err((e.code, e.message));
            }
        }
    }
    c.finalize(id).ok();
    Ok(rows)
}

fn to_value(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef::*;
    match v {
        Null => Value::Null,
        Integer(i) => Value::Integer(i),
        Real(r) => Value::Real(r),
        Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        Blob(b) => Value::Blob(b.to_vec()),
    }
}

fn to_sql(v: &Value) -> rusqlite::types::Value {
    match v {
        Value::Null => rusqlite::types::Value::Null,
        Value::Integer(i) => rusqlite::types::Value::Integer(*i),
        Value::Real(r) => rusqlite::types::Value::Real(*r),
        Value::Text(s) => rusqlite::types::Value::Text(s.clone()),
        Value::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
    }
}

pub fn lite_query(c: &rusqlite::Connection, sql: &str, params: &[Value]) -> Outcome {
    let err = |e: rusqlite::Error| match e {
        rusqlite::Error::SqliteFailure(f, m) => (f.extended_code, m.unwrap_or_default()),
        rusqlite::Error::SqlInputError { error, msg, .. } => (error.extended_code, msg),
        other => (-1, other.to_string()),
    };
    let mut st = c.prepare(sql).map_err(err)?;
    let n = st.column_count();
    let ps: Vec<rusqlite::types::Value> = params.iter().map(to_sql).collect();
    let mut rows = st.query(rusqlite::params_from_iter(ps.iter())).map_err(err)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(err)? {
        out.push((0..n).map(|i| to_value(r.get_ref(i).expect("col"))).collect());
    }
    Ok(out)
}

/// Runs each statement on both engines and asserts identical outcomes
/// (rows with types, or the same extended error code and message).
pub fn same(f: &mut Connection, l: &rusqlite::Connection, sql: &str) {
    same_params(f, l, sql, &[]);
}

pub fn same_params(f: &mut Connection, l: &rusqlite::Connection, sql: &str, params: &[Value]) {
    let a = query_params(f, sql, params);
    let b = lite_query(l, sql, params);
    match (&a, &b) {
        (Ok(x), Ok(y)) => {
            assert_eq!(x.len(), y.len(), "row count differs for {sql}\nferrolite: {x:?}\nsqlite: {y:?}");
            for (rx, ry) in x.iter().zip(y) {
                for (vx, vy) in rx.iter().zip(ry) {
                    let eq = match (vx, vy) {
                        (Value::Real(p), Value::Real(q)) => p == q || (p - q).abs() <= 1e-12 * q.abs(),
                        _ => vx == vy,
                    };
                    assert!(eq, "value differs for {sql}\nferrolite: {x:?}\nsqlite: {y:?}");
                }
                assert_eq!(rx.len(), ry.len(), "column count differs for {sql}");
            }
        }
        (Err((c1, m1)), Err((c2, m2))) => {
            assert_eq!(c1, c2, "error code differs for {sql}: {m1} vs {m2}");
            assert_eq!(m1, m2, "error message differs for {sql}");
        }
        _ => panic!("outcome differs for {sql}\nferrolite: {a:?}\nsqlite: {b:?}"),
    }
}

/// Runs a script on both (statements separated by ';' at line ends).
pub fn both_exec(f: &mut Connection, l: &rusqlite::Connection, sql: &str) {
    f.exec(sql).unwrap_or_else(|e| panic!("ferrolite exec failed: {e:?} in {sql}"));
    l.execute_batch(sql).expect("sqlite exec");
}

/// Like `same` but returns a description of the difference instead of
/// panicking (to report every mismatch of a table-driven test at once).
pub fn diff(f: &mut Connection, l: &rusqlite::Connection, sql: &str, params: &[Value]) -> Option<String> {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let a = query_params(f, sql, params);
        let b = lite_query(l, sql, params);
        (a, b)
    }));
    let (a, b) = match r {
        Ok(x) => x,
        Err(_) => return Some(format!("PANIC in {sql}")),
    };
    let ok = match (&a, &b) {
        (Ok(x), Ok(y)) => {
            x.len() == y.len()
                && x.iter().zip(y).all(|(rx, ry)| {
                    rx.len() == ry.len()
                        && rx.iter().zip(ry).all(|(vx, vy)| match (vx, vy) {
                            (Value::Real(p), Value::Real(q)) => p == q || (p - q).abs() <= 1e-12 * q.abs(),
                            _ => vx == vy,
                        })
                })
        }
        (Err(x), Err(y)) => x == y,
        _ => false,
    };
    if ok {
        None
    } else {
        Some(format!("{sql}\n   ferrolite: {a:?}\n   sqlite:    {b:?}"))
    }
}

/// Runs every query on both engines; panics listing all mismatches.
pub fn check_all(f: &mut Connection, l: &rusqlite::Connection, queries: &[&str]) {
    let mut bad = Vec::new();
    for q in queries {
        if let Some(d) = diff(f, l, q, &[]) {
            bad.push(d);
        }
    }
    assert!(bad.is_empty(), "{} of {} differ:\n{}", bad.len(), queries.len(), bad.join("\n"));
}
