//! The `Vacuum` op: SQLite's checks (no open transaction, a text INTO
//! name), the b-tree rebuild, and the schema re-read after an in-place
//! VACUUM (root pages moved).

use super::DbState;
use crate::error::{Error, Result};
use crate::schema;
use crate::storage::btree::Btree;
use crate::value::Value;

pub(super) fn run(bt: &mut Btree, db: &mut DbState, into: Option<Value>) -> Result<()> {
    if !db.autocommit {
        return Err(Error::sql("cannot VACUUM from within a transaction"));
    }
    let into = match into {
        None => None,
        Some(Value::Text(t)) => Some(t),
        Some(_) => return Err(Error::sql("non-text filename")),
    };
    bt.vacuum(db.vfs.clone(), into.as_deref())?;
    if into.is_none() {
        bt.begin_read()?;
        let s = schema::load::load(bt);
        let c = bt.commit();
        db.install_schema(s?);
        c?;
    }
    Ok(())
}
