//! Dispatch of the storage pragmas compiled by `compile::pragma_storage`
//! (kinds 1..5) to the b-tree and pager, returning the value in force.

use super::Btree;
use crate::error::{Error, Result};

impl Btree {
    /// Runs storage pragma `kind` (1 auto_vacuum, 2 incremental_vacuum, 3
    /// secure_delete, 4 cache_spill as size*2+flag, 5 journal_size_limit)
    /// with `arg` when setting; returns the value in force (0 when the
    /// pragma returns no row).
    pub fn storage_pragma(&mut self, kind: i32, arg: Option<i64>) -> Result<i64> {
        match kind {
            1 => Ok(i64::from(self.auto_vacuum(arg.map(|a| a.clamp(0, 2) as u8))?)),
            2 => {
                self.incremental_vacuum(arg.unwrap_or(0))?;
                Ok(0)
            }
            3 => {
                if let Some(a) = arg {
                    self.secure_delete = a.clamp(0, 2) as u8;
                }
                Ok(i64::from(self.secure_delete))
            }
            4 => Ok(self.pager.cache_spill(arg.map(|a| (a & 1 == 1, a >> 1)))),
            5 => Ok(self.pager.journal_size_limit(arg)),
            _ => Err(Error::misuse(format!("storage pragma {kind}"))),
        }
    }
}
