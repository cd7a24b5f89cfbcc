//! Built-in SQL functions: the registry (`lookup` by name and argument
//! count) and the shapes of scalar and aggregate implementations.
//!
//! Invariants: a function never panics on any argument values; errors carry
//! SQLite's message (e.g. "integer overflow").

pub mod aggregate;
pub mod datetime;
pub mod json;
pub mod like;
pub mod printf;
pub mod scalar;

use crate::error::Result;
use crate::value::Value;

/// What a scalar function can see of the connection.
pub struct FuncEnv<'a> {
    pub last_insert_rowid: i64,
    pub changes: i64,
    pub total_changes: i64,
    /// Milliseconds since the epoch, fixed for one statement step.
    pub now_ms: i64,
    pub random: &'a mut dyn FnMut(&mut [u8]),
    /// Bit k: argument k is the JSON result of a JSON function (see json.rs).
    pub json_args: u16,
}

pub type ScalarFn = fn(&mut FuncEnv<'_>, &[Value]) -> Result<Value>;

#[derive(Clone, Copy)]
pub enum FuncKind {
    Scalar(ScalarFn),
    Aggregate(aggregate::AggKind),
}

pub struct FuncDef {
    pub name: &'static str,
    /// Allowed argument counts: min..=max (max -1 = unlimited).
    pub min_args: i32,
    pub max_args: i32,
    pub kind: FuncKind,
    /// Same result for same arguments (constant folding allowed).
    pub deterministic: bool,
}

impl std::fmt::Debug for FuncDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}()", self.name)
    }
}

/// Finds a function by (case-insensitive) name. `Err(true)` = a function of
/// that name exists but not with `nargs` arguments; `Err(false)` = no such name.
pub fn lookup(name: &str, nargs: usize, want_agg: bool) -> std::result::Result<&'static FuncDef, bool> {
    let lname = name.to_ascii_lowercase();
    let mut exists = false;
    let n = nargs as i32;
    // Aggregates take precedence for min/max with one argument.
    let tables: [&'static [FuncDef]; 3] = if want_agg || nargs == 1 {
        [aggregate::AGGREGATES, scalar::SCALARS, json::JSON_FUNCS]
    } else {
        [scalar::SCALARS, aggregate::AGGREGATES, json::JSON_FUNCS]
    };
    for t in tables {
        for f in t.iter() {
            if f.name == lname {
                exists = true;
                if n >= f.min_args && (f.max_args < 0 || n <= f.max_args) {
                    return Ok(f);
                }
            }
        }
    }
    Err(exists)
}

pub fn is_aggregate(f: &FuncDef) -> bool {
    matches!(f.kind, FuncKind::Aggregate(_))
}
