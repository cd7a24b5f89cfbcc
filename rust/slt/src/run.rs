//! Running the records of one file against a fresh in-memory ferrolite
//! database and comparing results exactly as the corpus defines them.
//!
//! Invariants: each file gets its own connection; a statement or query that
//! runs longer than `STEP_LIMIT` is interrupted and counts as failed, so one
//! runaway query cannot hang the run.

use crate::record::{Record, Sort};
use crate::render::render;
use ferrolite_engine::{Connection, OpenFlags, StepResult, Value};
use md5::{Digest, Md5};
use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

const STEP_LIMIT: Duration = Duration::from_secs(20);

#[derive(Default)]
pub struct Outcome {
    pub passed: usize,
    pub failed: usize,
    /// Up to a few descriptions of failures, for -v.
    pub failures: Vec<String>,
}

pub fn run_file(records: &[Record], verbose: bool) -> Outcome {
    let mut out = Outcome::default();
    let vfs = ferrolite_engine::vfs::memory::MemoryVfs::new();
    let mut conn = match Connection::open(Rc::new(vfs), ":memory:", OpenFlags::default_rwc()) {
        Ok(c) => c,
        Err(e) => {
            out.failed = records.len();
            out.failures.push(format!("open: {e}"));
            return out;
        }
    };
    let started = Rc::new(Cell::new(Instant::now()));
    let probe_start = started.clone();
    conn.set_interrupt_probe(Box::new(move || probe_start.get().elapsed() > STEP_LIMIT));
    let mut threshold = 8usize;
    for r in records {
        started.set(Instant::now());
        match r {
            Record::HashThreshold(n) => threshold = *n,
            Record::Halt => break,
            Record::Statement { line, sql, expect_ok } => {
                let res = exec(&mut conn, sql);
                if res.is_ok() == *expect_ok {
                    out.passed += 1;
                } else {
                    out.failed += 1;
                    if verbose {
                        out.failures.push(format!("line {line}: statement {}: {sql}\n  got {res:?}", if *expect_ok { "ok" } else { "error" }));
                    }
                }
            }
            Record::Query { line, sql, types, sort, expected } => match query(&mut conn, sql, types) {
                Ok(rows) => {
                    let got = shape(rows, *sort, threshold);
                    if matches(&got, expected) {
                        out.passed += 1;
                    } else {
                        out.failed += 1;
                        if verbose {
                            out.failures.push(format!("line {line}: {sql}\n  expected {:?}\n  got      {:?}", head(expected), head(&got)));
                        }
                    }
                }
                Err(e) => {
                    out.failed += 1;
                    if verbose {
                        out.failures.push(format!("line {line}: {sql}\n  error: {e}"));
                    }
                }
            },
        }
    }
    let _ = conn.close();
    out
}

fn head(v: &[String]) -> &[String] {
    &v[..v.len().min(12)]
}

fn exec(conn: &mut Connection, sql: &str) -> Result<(), String> {
    conn.exec(sql).map_err(|e| e.to_string())
}

/// Runs a query, rendering each value under the type letters of the record.
fn query(conn: &mut Connection, sql: &str, types: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let (stmt, _) = conn.prepare(sql).map_err(|e| e.to_string())?;
    let stmt = stmt.ok_or("empty query")?;
    let mut rows = Vec::new();
    let res = loop {
        match conn.step(stmt) {
            Ok(StepResult::Row) => {
                let row: &[Value] = conn.row(stmt);
                if row.len() != types.len() {
                    break Err(format!("{} columns, record says {}", row.len(), types.len()));
                }
                rows.push(row.iter().zip(types).map(|(v, t)| render(v, *t)).collect());
            }
            Ok(StepResult::Done) => break Ok(rows),
            Err(e) => break Err(e.to_string()),
        }
    };
    let _ = conn.finalize(stmt);
    res
}

/// Sorts as the record asks and hashes when over the threshold.
fn shape(mut rows: Vec<Vec<String>>, sort: Sort, threshold: usize) -> Vec<String> {
    let mut values: Vec<String> = match sort {
        Sort::Row => {
            rows.sort();
            rows.into_iter().flatten().collect()
        }
        Sort::Value => {
            let mut v: Vec<String> = rows.into_iter().flatten().collect();
            v.sort();
            v
        }
        Sort::None => rows.into_iter().flatten().collect(),
    };
    if threshold > 0 && values.len() > threshold {
        let mut h = Md5::new();
        for v in &values {
            h.update(v.as_bytes());
            h.update(b"\n");
        }
        let digest: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        values = vec![format!("{} values hashing to {digest}", values.len())];
    }
    values
}

/// The corpus was generated with the same hashing rule, so results compare
/// as rendered lines (values, or the one hash line).
fn matches(got: &[String], expected: &[String]) -> bool {
    got == expected
}
