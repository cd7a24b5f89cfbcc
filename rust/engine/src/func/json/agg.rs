//! json_group_array / json_group_object: rendering one group member (the
//! aggregate state in `func/aggregate.rs` keeps the text between the
//! brackets), and the compile-time subtype choice for their value argument.
//!
//! Invariants: a BLOB value that is not JSONB fails "JSON cannot hold BLOB
//! values"; `is_json` (value came from a JSON-returning function) embeds
//! text as JSON as SQLite's subtype rule does.

use super::node::escape_into;
use super::{arg_kind, ArgKind};
use crate::error::Result;
use crate::func::aggregate::{AggKind, JSON_GROUP_ARRAY_J, JSON_GROUP_OBJECT_J};
use crate::func::{FuncDef, FuncKind};
use crate::value::ops::text_of;
use crate::value::Value;
use ferrolite_parser::ast::Expr;

/// Appends one member value.
pub fn group_piece(v: &Value, is_json: bool, out: &mut String) -> Result<()> {
    super::funcs::value_node(v, is_json)?.render_into(out);
    Ok(())
}

/// Appends one object label and its ':'. A NULL label is left out (SQLite
/// writes `:value`, which is not valid JSON, and so do we).
pub fn group_label(v: &Value, out: &mut String) -> Result<()> {
    if let Some(t) = text_of(v) {
        out.push('"');
        escape_into(&t, out);
        out.push('"');
    }
    out.push(':');
    Ok(())
}

/// For json_group_array/json_group_object whose value argument comes from
/// a JSON-returning function: the subtype-aware variant of the aggregate
/// (and a nested json_extract() switched to its quoting form).
pub fn with_subtype(f: &'static FuncDef, args: &mut [Expr]) -> &'static FuncDef {
    let (vi, variant) = match f.kind {
        FuncKind::Aggregate(AggKind::JsonArray(false)) => (0, &JSON_GROUP_ARRAY_J),
        FuncKind::Aggregate(AggKind::JsonObject(false)) => (1, &JSON_GROUP_OBJECT_J),
        _ => return f,
    };
    let Some(a) = args.get_mut(vi) else { return f };
    match arg_kind(a) {
        ArgKind::Plain => return f,
        ArgKind::Json => {}
        ArgKind::Extract => {
            if let Expr::Function(fc) = a {
                fc.name = "json_extract ".into();
            }
        }
    }
    variant
}
