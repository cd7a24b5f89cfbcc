//! SQLite's built-in JSON functions (text JSON, SQLite 3.46 semantics):
//! the registry table and the compile-time part of SQLite's JSON subtype.
//!
//! Submodules: `node` (tree + rendering), `parse` (text -> tree, JSON5,
//! depth limit), `path` (path language, lookup and edits), `funcs` (the
//! scalar functions), `agg` (json_group_array / json_group_object state).
//!
//! Subtype model: SQLite tags values returned by JSON functions with a
//! subtype so that a JSON consumer (json_array, json_object, json_set, ...)
//! embeds them instead of quoting them. Our values carry no subtype, so the
//! compiler decides it statically: an argument expression that is a call to
//! a JSON-returning function (or `->`) sets its bit in the Function
//! instruction's P5, which reaches the function as `FuncEnv::json_args`.
//! json_extract's result only has the subtype when it is an array/object,
//! so when nested directly in a consumer it is compiled as the internal
//! `json_extract` variant `"json_extract "` (trailing space: not callable
//! from SQL) that returns strings JSON-quoted; embedding that gives exactly
//! what SQLite gives for the untagged SQL string.
//!
//! Limits: only the first 16 arguments can carry the subtype (P5 is 16
//! bits); subtypes do not flow through subqueries or tables (neither do
//! SQLite's).

pub mod agg;
pub mod funcs;
pub mod jsonb;
pub mod node;
pub mod parse;
pub mod path;

pub use agg::{group_label, group_piece};

use super::{FuncDef, FuncKind, ScalarFn};
use ferrolite_parser::ast::{BinaryOp, Expr, FunctionArgs};

const fn f(name: &'static str, min_args: i32, max_args: i32, func: ScalarFn) -> FuncDef {
    FuncDef { name, min_args, max_args, kind: FuncKind::Scalar(func), deterministic: true }
}

pub static JSON_FUNCS: &[FuncDef] = &[
    f("json", 1, 1, funcs::json),
    f("json_valid", 1, 2, funcs::json_valid),
    f("json_type", 1, 2, funcs::json_type),
    f("json_extract", 1, -1, funcs::json_extract),
    f("json_extract ", 1, -1, funcs::json_extract_quoted),
    f("->", 2, 2, funcs::arrow),
    f("->>", 2, 2, funcs::long_arrow),
    f("json_array", 0, -1, funcs::json_array),
    f("json_object", 0, -1, funcs::json_object),
    f("json_quote", 1, 1, funcs::json_quote),
    f("json_array_length", 1, 2, funcs::json_array_length),
    f("json_insert", 0, -1, funcs::json_insert),
    f("json_replace", 0, -1, funcs::json_replace),
    f("json_set", 0, -1, funcs::json_set),
    f("json_remove", 0, -1, funcs::json_remove),
    f("json_patch", 2, 2, funcs::json_patch),
    f("json_error_position", 1, 1, funcs::json_error_position),
    f("json_pretty", 1, 2, funcs::json_pretty),
];

/// Functions whose result always carries the JSON subtype.
const JSON_RESULT: &[&str] = &[
    "json",
    "json_array",
    "json_object",
    "json_quote",
    "json_insert",
    "json_replace",
    "json_set",
    "json_remove",
    "json_patch",
    "json_group_array",
    "json_group_object",
];

/// Functions that read the subtype of (some of) their arguments.
pub fn reads_subtype(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "json_array" | "json_object" | "json_quote" | "json_insert" | "json_replace" | "json_set" | "json_group_array" | "json_group_object"
    )
}

/// How an argument expression feeds a subtype-reading function.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArgKind {
    Plain,
    /// Result carries the JSON subtype.
    Json,
    /// A json_extract() call: compile it as the quoting variant and mark it.
    Extract,
}

pub fn arg_kind(e: &Expr) -> ArgKind {
    match e {
        Expr::Binary { op: BinaryOp::Arrow, .. } => ArgKind::Json,
        Expr::Function(fc) if fc.over.is_none() && fc.filter.is_none() && !fc.distinct && fc.order_by.is_empty() => {
            let n = fc.name.to_ascii_lowercase();
            let nargs = match &fc.args {
                FunctionArgs::Star => 0,
                FunctionArgs::List(a) => a.len(),
            };
            if n == "json_extract" && nargs >= 2 {
                ArgKind::Extract
            } else if JSON_RESULT.contains(&n.as_str()) {
                ArgKind::Json
            } else {
                ArgKind::Plain
            }
        }
        _ => ArgKind::Plain,
    }
}

/// The P5 bit mask of subtype-carrying arguments for a call of `name`.
pub fn subtype_mask(name: &str, args: &[Expr]) -> u16 {
    if !reads_subtype(name) {
        return 0;
    }
    let mut m = 0u16;
    for (k, a) in args.iter().enumerate().take(16) {
        if arg_kind(a) != ArgKind::Plain {
            m |= 1 << k;
        }
    }
    m
}
