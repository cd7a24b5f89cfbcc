//! STRICT tables at write time: after the column affinities are applied to
//! a new row image, one TypeCheck per typed column (not ANY, not the
//! INTEGER PRIMARY KEY, whose value is the rowid, nor a generated column,
//! which SQLite does not check either) refuses a value of the wrong storage
//! class (see `schema::strict`).

use super::Builder;
use crate::schema::{strict, Table};
use crate::vdbe::{Op, P4};

impl Builder<'_> {
    /// Type checks of the row image at r[base..] of a STRICT table.
    pub fn strict_check(&mut self, t: &Table, base: usize) {
        for (i, &code) in t.strict_types.iter().enumerate() {
            if code == strict::ANY || t.rowid_alias == Some(i) || t.generated_col(i).is_some() {
                continue;
            }
            let label = format!("{}.{}", t.name, t.columns[i].name);
            self.emit(Op::TypeCheck, (base + i) as i32, i32::from(code), 0, P4::Text(label), 0);
        }
    }
}
