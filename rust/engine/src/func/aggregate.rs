//! Aggregate functions: count, sum, total, avg, min, max, group_concat.
//! An accumulator (`AggState`) lives in the VM beside the register it
//! belongs to; `step` folds one row in, `finish` gives the result.
//!
//! sum/total/avg add reals with Kahan-Babuska-Neumaier compensation as
//! SQLite 3.46 does; sum of integers that overflows fails "integer overflow".

use super::{FuncDef, FuncKind};
use crate::error::{Error, Result};
use crate::storage::record::{compare_values, Collation};
use crate::value::num::{self, Num};
use crate::value::ops::text_of;
use crate::value::Value;
use std::cmp::Ordering;

/// How one ORDER BY key sorts (aggregate ORDER BY, window keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyOrder {
    pub coll: Collation,
    pub desc: bool,
    pub nulls_first: bool,
}

/// Compares two key values under `o` (NULLs placed by `nulls_first`).
pub fn cmp_ordered(o: &KeyOrder, a: &Value, b: &Value) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => {
            if o.nulls_first {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (false, true) => {
            if o.nulls_first {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        _ => {
            let c = compare_values(a, b, o.coll);
            if o.desc {
                c.reverse()
            } else {
                c
            }
        }
    }
}

/// `f(args ORDER BY keys)`: rows kept (args then keys) until `finish`
/// replays them in key order.
#[derive(Clone, Debug, Default)]
struct Ordered {
    nargs: usize,
    keys: Vec<KeyOrder>,
    rows: Vec<Vec<Value>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggKind {
    Count,
    CountStar,
    Sum,
    Total,
    Avg,
    Min,
    Max,
    GroupConcat,
    /// json_group_array; `true`: its argument is JSON (see json.rs).
    JsonArray(bool),
    /// json_group_object; `true`: its value argument is JSON.
    JsonObject(bool),
}

const fn agg(name: &'static str, min_args: i32, max_args: i32, k: AggKind) -> FuncDef {
    FuncDef { name, min_args, max_args, kind: FuncKind::Aggregate(k), deterministic: true }
}

pub static AGGREGATES: &[FuncDef] = &[
    agg("count", 0, 0, AggKind::CountStar),
    agg("count", 1, 1, AggKind::Count),
    agg("sum", 1, 1, AggKind::Sum),
    agg("total", 1, 1, AggKind::Total),
    agg("avg", 1, 1, AggKind::Avg),
    agg("min", 1, 1, AggKind::Min),
    agg("max", 1, 1, AggKind::Max),
    agg("group_concat", 1, 2, AggKind::GroupConcat),
    agg("string_agg", 2, 2, AggKind::GroupConcat),
    agg("json_group_array", 1, 1, AggKind::JsonArray(false)),
    agg("json_group_object", 2, 2, AggKind::JsonObject(false)),
];

/// json_group_array / json_group_object whose (value) argument is JSON.
pub static JSON_GROUP_ARRAY_J: FuncDef = agg("json_group_array", 1, 1, AggKind::JsonArray(true));
pub static JSON_GROUP_OBJECT_J: FuncDef = agg("json_group_object", 2, 2, AggKind::JsonObject(true));

/// Running state of one aggregate.
#[derive(Clone, Debug, Default)]
pub struct AggState {
    count: i64,
    int_sum: i64,
    overflow: bool,
    /// Any non-integer input seen (sum becomes real).
    approx: bool,
    rsum: f64,
    rerr: f64,
    best: Option<Value>,
    text: Option<String>,
    /// DISTINCT: values already seen (sorted).
    seen: Option<Vec<Value>>,
    /// Aggregate ORDER BY: buffered rows.
    ordered: Option<Box<Ordered>>,
}

fn kbn_add(s: &mut AggState, x: f64) {
    let t = s.rsum + x;
    if s.rsum.abs() >= x.abs() {
        s.rerr += (s.rsum - t) + x;
    } else {
        s.rerr += (x - t) + s.rsum;
    }
    s.rsum = t;
}

/// Numeric class of an argument as sqlite3_value_numeric_type sees it.
fn numeric(v: &Value) -> Option<Num> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(Num::Int(*i)),
        Value::Real(r) => Some(Num::Real(*r)),
        Value::Text(s) => match num::parse_numeric(s) {
            Some(n) => Some(n),
            None => Some(Num::Real(num::text_to_real(s.as_bytes()))),
        },
        Value::Blob(b) => Some(Num::Real(num::text_to_real(b))),
    }
}

impl AggState {
    /// Folds one row in. `distinct` skips values already seen. Returns
    /// false when min/max kept its previous value (or a value was skipped).
    pub fn step(&mut self, kind: AggKind, args: &[Value], distinct: bool) -> Result<bool> {
        if distinct {
            if let Some(v) = args.first() {
                if !v.is_null() {
                    let seen = self.seen.get_or_insert_with(Vec::new);
                    match seen.binary_search_by(|x| compare_values(x, v, Collation::Binary)) {
                        Ok(_) => return Ok(false),
                        Err(pos) => seen.insert(pos, v.clone()),
                    }
                }
            }
        }
        match kind {
            AggKind::CountStar => self.count += 1,
            AggKind::Count => {
                if !args[0].is_null() {
                    self.count += 1
                }
            }
            AggKind::Sum | AggKind::Total | AggKind::Avg => match numeric(&args[0]) {
                None => {}
                Some(Num::Int(i)) => {
                    self.count += 1;
                    if !self.approx && !self.overflow {
                        match self.int_sum.checked_add(i) {
                            Some(s) => self.int_sum = s,
                            None => {
                                self.overflow = true;
                            }
                        }
                    }
                    kbn_add(self, i as f64);
                }
                Some(Num::Real(r)) => {
                    self.count += 1;
                    self.approx = true;
                    kbn_add(self, r);
                }
            },
            AggKind::Min | AggKind::Max => {
                let v = &args[0];
                if v.is_null() {
                    // As SQLite's minmaxStep: a NULL before any value still
                    // counts as the row the bare columns come from.
                    return Ok(self.best.is_none());
                }
                let replace = match &self.best {
                    None => true,
                    Some(b) => {
                        let o = compare_values(v, b, Collation::Binary);
                        if kind == AggKind::Min {
                            o == Ordering::Less
                        } else {
                            o == Ordering::Greater
                        }
                    }
                };
                if replace {
                    self.best = Some(v.clone());
                }
                return Ok(replace);
            }
            AggKind::JsonArray(j) => {
                let acc = self.text.get_or_insert_with(String::new);
                if self.count > 0 {
                    acc.push(',');
                }
                super::json::group_piece(&args[0], j, acc)?;
                self.count += 1;
            }
            AggKind::JsonObject(j) => {
                let acc = self.text.get_or_insert_with(String::new);
                if self.count > 0 {
                    acc.push(',');
                }
                super::json::group_label(&args[0], acc)?;
                super::json::group_piece(&args[1], j, acc)?;
                self.count += 1;
            }
            AggKind::GroupConcat => {
                let Some(t) = text_of(&args[0]) else { return Ok(false) };
                match &mut self.text {
                    None => self.text = Some(t.into_owned()),
                    Some(acc) => {
                        match args.get(1) {
                            None => acc.push(','),
                            Some(sep) => {
                                if let Some(s) = text_of(sep) {
                                    acc.push_str(&s)
                                }
                            }
                        }
                        acc.push_str(&t);
                    }
                }
            }
        }
        Ok(true)
    }

    /// Buffers one row of `f(args ORDER BY keys)`: `vals` holds `nargs`
    /// arguments then one value per key. DISTINCT (first argument) is
    /// decided here, in scan order.
    pub fn step_ordered(&mut self, vals: &[Value], nargs: usize, keys: &[KeyOrder], distinct: bool) -> Result<()> {
        if distinct {
            if let Some(v) = vals.first() {
                if !v.is_null() {
                    let seen = self.seen.get_or_insert_with(Vec::new);
                    match seen.binary_search_by(|x| compare_values(x, v, Collation::Binary)) {
                        Ok(_) => return Ok(()),
                        Err(pos) => seen.insert(pos, v.clone()),
                    }
                }
            }
        }
        let o = self.ordered.get_or_insert_with(|| Box::new(Ordered { nargs, keys: keys.to_vec(), rows: Vec::new() }));
        o.rows.push(vals.to_vec());
        Ok(())
    }

    /// The aggregate's result.
    pub fn finish(&self, kind: AggKind) -> Result<Value> {
        if let Some(o) = &self.ordered {
            let mut rows: Vec<&Vec<Value>> = o.rows.iter().collect();
            let n = o.nargs;
            rows.sort_by(|a, b| {
                for (k, ko) in o.keys.iter().enumerate() {
                    let c = cmp_ordered(ko, &a[n + k], &b[n + k]);
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                Ordering::Equal
            });
            let mut st = AggState::default();
            for r in rows {
                st.step(kind, &r[..n], false)?;
            }
            return st.finish(kind);
        }
        Ok(match kind {
            AggKind::Count | AggKind::CountStar => Value::Integer(self.count),
            AggKind::Sum => {
                if self.count == 0 {
                    Value::Null
                } else if !self.approx {
                    if self.overflow {
                        return Err(Error::sql("integer overflow"));
                    }
                    Value::Integer(self.int_sum)
                } else {
                    Value::Real(self.rsum + self.rerr)
                }
            }
            AggKind::Total => Value::Real(if self.count == 0 { 0.0 } else { self.rsum + self.rerr }),
            AggKind::Avg => {
                if self.count == 0 {
                    Value::Null
                } else {
                    Value::Real((self.rsum + self.rerr) / self.count as f64)
                }
            }
            AggKind::Min | AggKind::Max => self.best.clone().unwrap_or(Value::Null),
            AggKind::GroupConcat => match &self.text {
                None => Value::Null,
                Some(t) => Value::Text(t.clone()),
            },
            AggKind::JsonArray(_) => Value::Text(format!("[{}]", self.text.as_deref().unwrap_or(""))),
            AggKind::JsonObject(_) => Value::Text(format!("{{{}}}", self.text.as_deref().unwrap_or(""))),
        })
    }
}
