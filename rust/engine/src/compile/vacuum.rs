//! VACUUM [main] [INTO expr]: one `Vacuum` op. The VM checks that no
//! transaction is open and that the INTO name is text, the b-tree layer
//! rebuilds the file (`storage::btree::vacuum`), and the schema is re-read.

use super::Builder;
use crate::error::{Error, Result};
use crate::vdbe::Op;
use ferrolite_parser::ast::Expr;

pub fn compile_vacuum(b: &mut Builder<'_>, schema: Option<&str>, into: Option<&Expr>) -> Result<()> {
    if let Some(s) = schema {
        if !s.eq_ignore_ascii_case("main") {
            return Err(Error::sql(format!("unknown database {s}")));
        }
    }
    let r = match into {
        Some(e) => {
            let r = b.reg();
            b.expr(e, r)?;
            r as i32
        }
        None => 0,
    };
    b.op(Op::Vacuum, r, 0, 0);
    Ok(())
}
