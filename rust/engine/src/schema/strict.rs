//! STRICT tables: every column is declared INT, INTEGER, REAL, TEXT, BLOB
//! or ANY (SQLite's errors "missing datatype for t.c" and "unknown datatype
//! for t.c: \"X\"" otherwise), the column's affinity is that type's (ANY:
//! none, values kept as given), and a value that is still of another
//! storage class after the affinity is refused with
//! SQLITE_CONSTRAINT_DATATYPE "cannot store TEXT value in INTEGER column t.c".

use super::Table;
use crate::error::{Error, Result};
use crate::value::affinity::Affinity;

/// Column type codes of a STRICT table (0: ANY, no check).
pub const ANY: u8 = 0;
pub const INT: u8 = 1;
pub const INTEGER: u8 = 2;
pub const REAL: u8 = 3;
pub const TEXT: u8 = 4;
pub const BLOB: u8 = 5;

/// The standard type name of a code, as SQLite's messages spell it.
pub fn type_name(code: u8) -> &'static str {
    match code {
        INT => "INT",
        INTEGER => "INTEGER",
        REAL => "REAL",
        TEXT => "TEXT",
        BLOB => "BLOB",
        _ => "ANY",
    }
}

/// Checks the declared types of a STRICT table and sets each column's
/// affinity; returns the type code of each column.
pub fn strict_types(t: &mut Table) -> Result<Vec<u8>> {
    let mut codes = Vec::new();
    for c in t.columns.iter_mut() {
        let Some(decl) = c.decltype.as_deref() else {
            return Err(Error::sql(format!("missing datatype for {}.{}", t.name, c.name)));
        };
        let (code, aff) = match decl.to_ascii_uppercase().as_str() {
            "INT" => (INT, Affinity::Integer),
            "INTEGER" => (INTEGER, Affinity::Integer),
            "REAL" => (REAL, Affinity::Real),
            "TEXT" => (TEXT, Affinity::Text),
            "BLOB" => (BLOB, Affinity::Blob),
            "ANY" => (ANY, Affinity::Blob),
            _ => return Err(Error::sql(format!("unknown datatype for {}.{}: \"{}\"", t.name, c.name, decl))),
        };
        c.affinity = aff;
        codes.push(code);
    }
    Ok(codes)
}
