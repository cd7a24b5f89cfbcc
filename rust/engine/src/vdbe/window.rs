//! Window functions over a sorted partition list, SQLite semantics with the
//! default frame: without ORDER BY the frame is the whole partition; with
//! ORDER BY it is RANGE UNBOUNDED PRECEDING .. CURRENT ROW (the current
//! row's peers included).
//!
//! Format: each row of the sorter is `[partition keys (np), order keys (no),
//! inputs...]`, already sorted by the first np + no columns. `compute`
//! appends one value per window function to every row.

use super::cursor::MemSorter;
use crate::error::Result;
use crate::func::aggregate::{AggKind, AggState};
use crate::storage::record::KeyInfo;
use crate::value::Value;
use std::cmp::Ordering;

#[derive(Clone, Debug)]
pub enum WinFunc {
    RowNumber,
    Rank,
    DenseRank,
    PercentRank,
    CumeDist,
    /// An aggregate over the frame; `args` are input column indexes.
    Agg { kind: AggKind, args: Vec<usize> },
    /// lag (back = true) / lead: input column, offset column, default column.
    Shift { back: bool, arg: usize, offset: Option<usize>, default: Option<usize> },
    FirstValue(usize),
    LastValue(usize),
}

fn cmp_prefix(ki: &KeyInfo, from: usize, n: usize, a: &[Value], b: &[Value]) -> Ordering {
    let ka = a.get(from..from + n).unwrap_or(&[]);
    let kb = b.get(from..from + n).unwrap_or(&[]);
    let sub = KeyInfo { collations: ki.collations.iter().skip(from).copied().collect(), desc: ki.desc.iter().skip(from).copied().collect() };
    MemSorter::cmp_keys(&sub, n, ka, kb)
}

/// Appends each function's value to every row.
pub fn compute(rows: &mut [Vec<Value>], np: usize, no: usize, ki: &KeyInfo, funcs: &[WinFunc]) -> Result<()> {
    let n = rows.len();
    let mut start = 0;
    while start < n {
        // Partition [start, end).
        let mut end = start + 1;
        while end < n && cmp_prefix(ki, 0, np, &rows[start], &rows[end]) == Ordering::Equal {
            end += 1;
        }
        // Peer groups: peer_end[i] = end of i's peer group.
        let mut peer_end = vec![0usize; end - start];
        let mut peer_start = vec![0usize; end - start];
        let mut g = start;
        while g < end {
            let mut h = g + 1;
            while h < end && (no == 0 || cmp_prefix(ki, np, no, &rows[g], &rows[h]) == Ordering::Equal) {
                h += 1;
            }
            for i in g..h {
                peer_end[i - start] = h;
                peer_start[i - start] = g;
            }
            g = h;
        }
        for f in funcs {
            let mut out: Vec<Value> = Vec::with_capacity(end - start);
            match f {
                WinFunc::RowNumber => {
                    for i in start..end {
                        out.push(Value::Integer((i - start + 1) as i64));
                    }
                }
                WinFunc::Rank | WinFunc::PercentRank => {
                    let size = (end - start) as f64;
                    for i in start..end {
                        let rank = (peer_start[i - start] - start + 1) as i64;
                        out.push(match f {
                            WinFunc::Rank => Value::Integer(rank),
                            _ => Value::Real(if size > 1.0 { (rank - 1) as f64 / (size - 1.0) } else { 0.0 }),
                        });
                    }
                }
                WinFunc::CumeDist => {
                    let size = (end - start) as f64;
                    for i in start..end {
                        out.push(Value::Real((peer_end[i - start] - start) as f64 / size));
                    }
                }
                WinFunc::DenseRank => {
                    let mut rank = 0;
                    let mut last_group = usize::MAX;
                    for i in start..end {
                        if peer_start[i - start] != last_group {
                            rank += 1;
                            last_group = peer_start[i - start];
                        }
                        out.push(Value::Integer(rank));
                    }
                }
                WinFunc::Agg { kind, args } => {
                    if no == 0 {
                        let mut st = AggState::default();
                        for row in rows.iter().take(end).skip(start) {
                            let a: Vec<Value> = args.iter().map(|&c| row.get(c).cloned().unwrap_or(Value::Null)).collect();
                            st.step(*kind, &a, false)?;
                        }
                        let v = st.finish(*kind)?;
                        out.resize(end - start, v);
                    } else {
                        let mut st = AggState::default();
                        let mut i = start;
                        while i < end {
                            let pe = peer_end[i - start];
                            for row in rows.iter().take(pe).skip(i) {
                                let a: Vec<Value> = args.iter().map(|&c| row.get(c).cloned().unwrap_or(Value::Null)).collect();
                                st.step(*kind, &a, false)?;
                            }
                            let v = st.finish(*kind)?;
                            for _ in i..pe {
                                out.push(v.clone());
                            }
                            i = pe;
                        }
                    }
                }
                WinFunc::Shift { back, arg, offset, default } => {
                    for i in start..end {
                        let off = match offset.and_then(|c| rows[i].get(c)) {
                            Some(Value::Integer(k)) => *k,
                            Some(Value::Null) => {
                                out.push(Value::Null);
                                continue;
                            }
                            Some(v) => crate::value::ops::to_int(v).unwrap_or(1),
                            None => 1,
                        };
                        let j = if *back { i as i64 - off } else { i as i64 + off };
                        let v = if j >= start as i64 && j < end as i64 {
                            rows[j as usize].get(*arg).cloned().unwrap_or(Value::Null)
                        } else {
                            default.and_then(|c| rows[i].get(c).cloned()).unwrap_or(Value::Null)
                        };
                        out.push(v);
                    }
                }
                WinFunc::FirstValue(c) => {
                    let v = rows[start].get(*c).cloned().unwrap_or(Value::Null);
                    out.resize(end - start, v);
                }
                WinFunc::LastValue(c) => {
                    for i in start..end {
                        let last = if no == 0 { end - 1 } else { peer_end[i - start] - 1 };
                        out.push(rows[last].get(*c).cloned().unwrap_or(Value::Null));
                    }
                }
            }
            for (i, v) in out.into_iter().enumerate() {
                rows[start + i].push(v);
            }
        }
        start = end;
    }
    Ok(())
}
