//! The WAL pragmas: `wal_checkpoint` / `wal_checkpoint(PASSIVE|FULL|
//! RESTART|TRUNCATE)` (one row: busy, log, checkpointed, as SQLite; a
//! checkpoint another connection is running gives busy = 1, log =
//! checkpointed = -1; outside WAL mode 0, -1, -1) and
//! `wal_autocheckpoint [= N]` (N <= 0 turns it off and reads back 0).
//! journal_mode = WAL is part of `journal_mode` (compile/pragma.rs) and
//! `storage/btree/wal.rs`.

use super::Builder;
use crate::error::{codes, Result};
use crate::storage::btree::Btree;
use crate::storage::wal::CheckpointMode;
use crate::value::Value;
use crate::vdbe::{ColumnMeta, Op};
use ferrolite_parser::ast::PragmaValue;

/// Compiles a WAL pragma; false if `name` is not one.
pub fn compile_wal_pragma(b: &mut Builder<'_>, name: &str, value: Option<&PragmaValue>) -> Result<bool> {
    match name {
        "wal_checkpoint" => {
            let mode = match value.map(|v| CheckpointMode::parse(&v.value)) {
                None | Some(CheckpointMode::Passive) => 0,
                Some(CheckpointMode::Full) => 1,
                Some(CheckpointMode::Restart) => 2,
                Some(CheckpointMode::Truncate) => 3,
            };
            let r = b.regs(3);
            b.op(Op::Checkpoint, mode, r as i32, 0);
            b.op(Op::ResultRow, r as i32, 3, 0);
            b.columns = ["busy", "log", "checkpointed"].iter().map(|n| ColumnMeta { name: (*n).into(), decltype: None }).collect();
        }
        "wal_autocheckpoint" => {
            let r = b.reg();
            match value {
                Some(v) => {
                    // sqlite3Atoi; N <= 0 disables (reads back 0).
                    let n = crate::value::ops::int_prefix(v.value.trim().as_bytes()).clamp(0, i64::from(i32::MAX));
                    b.op(Op::WalAutockpt, n as i32, r as i32, 1);
                }
                None => {
                    b.op(Op::WalAutockpt, 0, r as i32, 0);
                }
            }
            b.op(Op::ResultRow, r as i32, 1, 0);
            b.columns = vec![ColumnMeta { name: "wal_autocheckpoint".into(), decltype: None }];
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Runs Op::Checkpoint: `out` gets busy, log, checkpointed.
pub fn exec_checkpoint(bt: &mut Btree, mode: i32, out: &mut [Value]) -> Result<()> {
    let mode = match mode {
        1 => CheckpointMode::Full,
        2 => CheckpointMode::Restart,
        3 => CheckpointMode::Truncate,
        _ => CheckpointMode::Passive,
    };
    let (busy, log, ckpt) = match bt.wal_checkpoint(mode) {
        Ok(r) => (r.busy, r.log, r.checkpointed),
        Err(e) if e.primary() == codes::BUSY => (true, -1, -1),
        Err(e) => return Err(e),
    };
    out[0] = Value::Integer(i64::from(busy));
    out[1] = Value::Integer(i64::from(log));
    out[2] = Value::Integer(i64::from(ckpt));
    Ok(())
}
