//! Window functions over the rows of a window sorter, with SQLite's
//! semantics: several windows per query, every frame form (ROWS, RANGE,
//! GROUPS; UNBOUNDED / N PRECEDING / FOLLOWING / CURRENT ROW; EXCLUDE NO
//! OTHERS / CURRENT ROW / GROUP / TIES), FILTER on aggregates, and the
//! built-in window functions.
//!
//! Format: every sorter row is `[inputs (width columns)]`; `compute` widens
//! it to `width + n_out` and stores call `k`'s value in column `width + k`.
//! Windows are processed last to first, each one stably sorting the rows by
//! its PARTITION BY + ORDER BY keys, so the rows end in the first window's
//! order with ties in the next window's order (SQLite nests its windows the
//! same way). Frame offsets are values (`offsets[i]`), checked at the first
//! row of each partition with SQLite's messages.
//!
//! Invariants: a frame is a half-open range of row indexes inside its
//! partition minus the excluded rows; an aggregate whose frame only grows at
//! its end is stepped incrementally, any other frame is recomputed.

use crate::error::{Error, Result};
use crate::func::aggregate::{cmp_ordered, AggKind, AggState, KeyOrder};
use crate::value::affinity::Affinity;
use crate::value::num;
use crate::value::ops::{arith, cast, to_int, truth, ArithOp};
use crate::value::Value;
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    Rows,
    Range,
    Groups,
}

/// A frame bound; offsets are indexes into the offset values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    UnboundedPreceding,
    Preceding(usize),
    CurrentRow,
    Following(usize),
    UnboundedFollowing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exclude {
    NoOthers,
    CurrentRow,
    Group,
    Ties,
}

/// One sort key of a window: input column and its order.
#[derive(Clone, Debug)]
pub struct SortKey {
    pub col: usize,
    pub order: KeyOrder,
}

#[derive(Clone, Debug)]
pub enum WinFunc {
    RowNumber,
    Rank,
    DenseRank,
    PercentRank,
    CumeDist,
    /// ntile(N): column of N.
    Ntile(usize),
    /// An aggregate over the frame; `args` are input columns.
    Agg { kind: AggKind, args: Vec<usize> },
    /// lag (back = true) / lead: input column, offset column, default column.
    Shift { back: bool, arg: usize, offset: Option<usize>, default: Option<usize> },
    /// nth_value(arg, n); first_value when `n` is None.
    Nth { arg: usize, n: Option<usize> },
    LastValue(usize),
}

/// One window function call: its function, FILTER column and output slot.
#[derive(Clone, Debug)]
pub struct WinCall {
    pub func: WinFunc,
    pub filter: Option<usize>,
    pub out: usize,
}

/// One window (partition, order and frame) and the calls computed over it.
#[derive(Clone, Debug)]
pub struct WinSpec {
    pub part: Vec<SortKey>,
    pub order: Vec<SortKey>,
    pub units: Units,
    pub start: Bound,
    pub end: Bound,
    pub exclude: Exclude,
    pub calls: Vec<WinCall>,
}

/// Everything WindowCompute needs.
#[derive(Clone, Debug)]
pub struct WindowPlan {
    pub specs: Vec<WinSpec>,
    /// Input columns per row.
    pub width: usize,
    /// Output columns appended (one per call).
    pub n_out: usize,
}

fn cmp_keys(keys: &[SortKey], a: &[Value], b: &[Value]) -> Ordering {
    for k in keys {
        let o = cmp_ordered(&k.order, &a[k.col], &b[k.col]);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn err(msg: &str) -> Error {
    Error::sql(msg)
}

/// A ROWS/GROUPS offset as OP_MustBeInt sees it, non-negative.
fn int_offset(v: &Value, start: bool) -> Result<usize> {
    let i = match v {
        Value::Integer(i) => Some(*i),
        Value::Real(r) => num::real_as_exact_int(*r),
        Value::Text(s) => match num::parse_numeric(s) {
            Some(num::Num::Int(i)) => Some(i),
            Some(num::Num::Real(r)) => num::real_as_exact_int(r),
            None => None,
        },
        _ => None,
    };
    match i {
        Some(i) if i >= 0 => Ok(usize::try_from(i).unwrap_or(usize::MAX / 4).min(usize::MAX / 4)),
        _ => Err(err(if start {
            "frame starting offset must be a non-negative integer"
        } else {
            "frame ending offset must be a non-negative integer"
        })),
    }
}

/// A RANGE offset: numeric (after numeric affinity) and non-negative.
fn num_offset(v: &Value, start: bool) -> Result<Value> {
    let n = match v {
        Value::Text(_) => cast(v, Affinity::Numeric),
        _ => v.clone(),
    };
    let ok = match &n {
        Value::Integer(i) => *i >= 0,
        Value::Real(r) => *r >= 0.0,
        _ => false,
    };
    if ok && !matches!(v, Value::Text(s) if num::parse_numeric(s).is_none()) {
        Ok(n)
    } else {
        Err(err(if start {
            "frame starting offset must be a non-negative number"
        } else {
            "frame ending offset must be a non-negative number"
        }))
    }
}

/// Offsets of one partition, checked.
enum Off {
    None,
    Rows(usize),
    Range(Value),
}

fn check_bound(units: Units, b: Bound, offsets: &[Value], start: bool) -> Result<Off> {
    let idx = match b {
        Bound::Preceding(i) | Bound::Following(i) => i,
        _ => return Ok(Off::None),
    };
    let v = offsets.get(idx).cloned().unwrap_or(Value::Null);
    Ok(match units {
        Units::Range => Off::Range(num_offset(&v, start)?),
        _ => Off::Rows(int_offset(&v, start)?),
    })
}

/// Peer groups of one partition `[s, e)`: group id of each row and the
/// start of every group (plus `e` at the end).
struct Peers {
    gid: Vec<usize>,
    starts: Vec<usize>,
}

impl Peers {
    fn new(rows: &[Vec<Value>], s: usize, e: usize, order: &[SortKey]) -> Peers {
        let mut gid = Vec::with_capacity(e - s);
        let mut starts = vec![s];
        for i in s..e {
            if i > s && cmp_keys(order, &rows[i - 1], &rows[i]) != Ordering::Equal {
                starts.push(i);
            }
            gid.push(starts.len() - 1);
        }
        starts.push(e);
        Peers { gid, starts }
    }
    fn group(&self, i: usize, s: usize) -> usize {
        self.gid[i - s]
    }
    fn n_groups(&self) -> usize {
        self.starts.len() - 1
    }
}

struct Part<'a> {
    rows: &'a [Vec<Value>],
    s: usize,
    e: usize,
    peers: Peers,
    spec: &'a WinSpec,
    start_off: Off,
    end_off: Off,
}

impl Part<'_> {
    /// Index of the first row whose order key is not before `b`
    /// (`after` = false) or not after it (`after` = true, exclusive end).
    fn range_search(&self, b: &Value, after: bool) -> usize {
        let k = &self.spec.order[0];
        let slice = &self.rows[self.s..self.e];
        self.s
            + slice.partition_point(|r| {
                let o = cmp_ordered(&k.order, &r[k.col], b);
                if after {
                    o != Ordering::Greater
                } else {
                    o == Ordering::Less
                }
            })
    }

    /// The RANGE bound value for row `i`: its key moved by the offset
    /// (only numeric keys move; NULL, text and blob keys stay put).
    fn range_value(&self, i: usize, off: &Value, preceding: bool) -> Value {
        let k = &self.spec.order[0];
        let v = &self.rows[i][k.col];
        if !matches!(v, Value::Integer(_) | Value::Real(_)) {
            return v.clone();
        }
        let sub = preceding != k.order.desc;
        arith(if sub { ArithOp::Sub } else { ArithOp::Add }, v, off)
    }

    /// `[lo, hi)` of row `i`'s frame before exclusion.
    fn frame(&self, i: usize) -> (usize, usize) {
        let (s, e) = (self.s, self.e);
        let g = self.peers.group(i, s);
        let st = &self.peers.starts;
        let ng = self.peers.n_groups();
        let lo = match (self.spec.start, &self.start_off) {
            (Bound::UnboundedPreceding, _) => s,
            (Bound::CurrentRow, _) => match self.spec.units {
                Units::Rows => i,
                _ => st[g],
            },
            (Bound::Preceding(_), Off::Rows(n)) => match self.spec.units {
                Units::Groups => st[g.saturating_sub(*n)],
                _ => s.max(i.saturating_sub(*n)),
            },
            (Bound::Following(_), Off::Rows(n)) => match self.spec.units {
                Units::Groups => st[(g.saturating_add(*n)).min(ng)],
                _ => e.min(i.saturating_add(*n)),
            },
            (Bound::Preceding(_), Off::Range(v)) => self.range_search(&self.range_value(i, v, true), false),
            (Bound::Following(_), Off::Range(v)) => self.range_search(&self.range_value(i, v, false), false),
            (Bound::UnboundedFollowing, _) | (_, Off::None) => e,
        };
        let hi = match (self.spec.end, &self.end_off) {
            (Bound::UnboundedFollowing, _) => e,
            (Bound::CurrentRow, _) => match self.spec.units {
                Units::Rows => i + 1,
                _ => st[g + 1],
            },
            (Bound::Preceding(_), Off::Rows(n)) => match self.spec.units {
                Units::Groups => {
                    if g >= *n {
                        st[g - n + 1]
                    } else {
                        s
                    }
                }
                _ => {
                    if i >= s + n {
                        i - n + 1
                    } else {
                        s
                    }
                }
            },
            (Bound::Following(_), Off::Rows(n)) => match self.spec.units {
                Units::Groups => st[(g.saturating_add(*n)).min(ng - 1) + 1],
                _ => e.min(i.saturating_add(*n).saturating_add(1)),
            },
            (Bound::Preceding(_), Off::Range(v)) => self.range_search(&self.range_value(i, v, true), true),
            (Bound::Following(_), Off::Range(v)) => self.range_search(&self.range_value(i, v, false), true),
            (Bound::UnboundedPreceding, _) | (_, Off::None) => s,
        };
        (lo, hi.max(lo))
    }

    /// Row `i`'s frame as up to three ranges, exclusion applied.
    fn ranges(&self, i: usize, out: &mut Vec<(usize, usize)>) {
        out.clear();
        let (lo, hi) = self.frame(i);
        let g = self.peers.group(i, self.s);
        let (ps, pe) = (self.peers.starts[g], self.peers.starts[g + 1]);
        let holes: [(usize, usize); 2] = match self.spec.exclude {
            Exclude::NoOthers => [(0, 0), (0, 0)],
            Exclude::CurrentRow => [(i, i + 1), (0, 0)],
            Exclude::Group => [(ps, pe), (0, 0)],
            Exclude::Ties => [(ps, i), (i + 1, pe)],
        };
        let mut cur = lo;
        for (a, b) in holes {
            if a >= b {
                continue;
            }
            if a > cur {
                out.push((cur, a.min(hi)));
            }
            cur = cur.max(b);
        }
        if cur < hi {
            out.push((cur, hi));
        }
        out.retain(|(a, b)| a < b);
    }
}

fn nth_arg(v: &Value) -> Result<usize> {
    let bad = || err("second argument to nth_value must be a positive integer");
    let n = match v {
        Value::Integer(i) => *i,
        Value::Real(r) => num::real_as_exact_int(*r).ok_or_else(bad)?,
        Value::Text(s) => match num::parse_numeric(s) {
            Some(num::Num::Int(i)) => i,
            Some(num::Num::Real(r)) => num::real_as_exact_int(r).ok_or_else(bad)?,
            None => return Err(bad()),
        },
        _ => return Err(bad()),
    };
    if n <= 0 {
        return Err(bad());
    }
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Appends every call's value to every row (see the module doc).
pub fn compute(rows: &mut [Vec<Value>], plan: &WindowPlan, offsets: &[Value]) -> Result<()> {
    for r in rows.iter_mut() {
        r.resize(plan.width + plan.n_out, Value::Null);
    }
    for spec in plan.specs.iter().rev() {
        let keys: Vec<SortKey> = spec.part.iter().chain(spec.order.iter()).cloned().collect();
        rows.sort_by(|a, b| cmp_keys(&keys, a, b));
        let n = rows.len();
        let mut s = 0;
        while s < n {
            let mut e = s + 1;
            while e < n && cmp_keys(&spec.part, &rows[s], &rows[e]) == Ordering::Equal {
                e += 1;
            }
            let results = {
                let part = Part {
                    rows: &*rows,
                    s,
                    e,
                    peers: Peers::new(rows, s, e, &spec.order),
                    spec,
                    start_off: check_bound(spec.units, spec.start, offsets, true)?,
                    end_off: check_bound(spec.units, spec.end, offsets, false)?,
                };
                let mut res = Vec::with_capacity(spec.calls.len());
                for call in &spec.calls {
                    res.push(eval_call(&part, call)?);
                }
                res
            };
            for (call, vals) in spec.calls.iter().zip(results) {
                for (k, v) in vals.into_iter().enumerate() {
                    rows[s + k][plan.width + call.out] = v;
                }
            }
            s = e;
        }
    }
    Ok(())
}

/// One call's values for the rows of a partition, in order.
fn eval_call(p: &Part<'_>, call: &WinCall) -> Result<Vec<Value>> {
    let (s, e) = (p.s, p.e);
    let size = e - s;
    let rows = p.rows;
    let mut out = Vec::with_capacity(size);
    let st = &p.peers.starts;
    match &call.func {
        WinFunc::RowNumber => out.extend((1..=size).map(|k| Value::Integer(k as i64))),
        WinFunc::Rank => out.extend((s..e).map(|i| Value::Integer((st[p.peers.group(i, s)] - s + 1) as i64))),
        WinFunc::DenseRank => out.extend((s..e).map(|i| Value::Integer(p.peers.group(i, s) as i64 + 1))),
        WinFunc::PercentRank => out.extend((s..e).map(|i| {
            let rank = (st[p.peers.group(i, s)] - s) as f64;
            Value::Real(if size > 1 { rank / (size - 1) as f64 } else { 0.0 })
        })),
        WinFunc::CumeDist => out.extend((s..e).map(|i| Value::Real((st[p.peers.group(i, s) + 1] - s) as f64 / size as f64))),
        WinFunc::Ntile(c) => {
            let np = to_int(&rows[s][*c]).unwrap_or(0);
            if np <= 0 {
                return Err(err("argument of ntile must be a positive integer"));
            }
            let (total, np) = (size as i64, np);
            let nsize = total / np;
            for k in 0..total {
                let v = if nsize == 0 {
                    k + 1
                } else {
                    let nlarge = total - np * nsize;
                    let ismall = nlarge * (nsize + 1);
                    if k < ismall {
                        1 + k / (nsize + 1)
                    } else {
                        1 + nlarge + (k - ismall) / nsize
                    }
                };
                out.push(Value::Integer(v));
            }
        }
        WinFunc::Shift { back, arg, offset, default } => {
            for i in s..e {
                let pos = Value::Integer((i - s + 1) as i64);
                let target = match offset {
                    None => Value::Integer((i - s + 1) as i64 + if *back { -1 } else { 1 }),
                    Some(c) => arith(if *back { ArithOp::Sub } else { ArithOp::Add }, &pos, &rows[i][*c]),
                };
                let target = match target {
                    Value::Real(_) => cast(&target, Affinity::Numeric),
                    t => t,
                };
                let v = match target {
                    Value::Integer(t) if t >= 1 && t <= size as i64 => rows[s + t as usize - 1][*arg].clone(),
                    _ => default.map(|c| rows[i][c].clone()).unwrap_or(Value::Null),
                };
                out.push(v);
            }
        }
        WinFunc::Nth { arg, n } => {
            let mut rg = Vec::new();
            for i in s..e {
                let want = match n {
                    Some(c) => nth_arg(&rows[i][*c])?,
                    None => 1,
                };
                p.ranges(i, &mut rg);
                let mut left = want;
                let mut v = Value::Null;
                for &(a, b) in &rg {
                    if left <= b - a {
                        v = rows[a + left - 1][*arg].clone();
                        break;
                    }
                    left -= b - a;
                }
                out.push(v);
            }
        }
        WinFunc::LastValue(c) => {
            let mut rg = Vec::new();
            for i in s..e {
                p.ranges(i, &mut rg);
                out.push(rg.last().map(|&(_, b)| rows[b - 1][*c].clone()).unwrap_or(Value::Null));
            }
        }
        WinFunc::Agg { kind, args } => {
            let mut rg = Vec::new();
            let mut st: Option<(AggState, usize, usize)> = None;
            let mut argv: Vec<Value> = Vec::with_capacity(args.len());
            let mut step = |state: &mut AggState, r: &[Value]| -> Result<()> {
                if let Some(fc) = call.filter {
                    if truth(&r[fc]) != Some(true) {
                        return Ok(());
                    }
                }
                argv.clear();
                argv.extend(args.iter().map(|&c| r[c].clone()));
                state.step(*kind, &argv, false).map(|_| ())
            };
            for i in s..e {
                if p.spec.exclude == Exclude::NoOthers {
                    let (lo, hi) = p.frame(i);
                    match &mut st {
                        Some((state, clo, chi)) if *clo == lo && hi >= *chi => {
                            for r in &rows[*chi..hi] {
                                step(state, r)?;
                            }
                            *chi = hi;
                        }
                        _ => {
                            let mut state = AggState::default();
                            for r in &rows[lo..hi] {
                                step(&mut state, r)?;
                            }
                            st = Some((state, lo, hi));
                        }
                    }
                    out.push(st.as_ref().map(|(a, _, _)| a.finish(*kind)).transpose()?.unwrap_or(Value::Null));
                } else {
                    p.ranges(i, &mut rg);
                    let mut state = AggState::default();
                    for &(a, b) in &rg {
                        for r in &rows[a..b] {
                            step(&mut state, r)?;
                        }
                    }
                    out.push(state.finish(*kind)?);
                }
            }
        }
    }
    Ok(out)
}
