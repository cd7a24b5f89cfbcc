//! AUTOINCREMENT (SQLite's sqlite3AutoincrementBegin/End): a table whose
//! INTEGER PRIMARY KEY is declared AUTOINCREMENT never reuses a rowid; the
//! largest rowid ever used is kept in `sqlite_sequence(name, seq)`, a table
//! created (as `CREATE TABLE sqlite_sequence(name,seq)`) with the first
//! AUTOINCREMENT table.
//!
//! Code for an INSERT into such a table:
//! - at the start, r[max] = seq of the table's row (converted to an
//!   integer; 0 when there is none), r[orig] = the same, r[seqrow] = that
//!   row's rowid or NULL;
//! - each new rowid is above r[max] (NewRowid with P3) and every rowid used,
//!   explicit or not, raises r[max] (MemMax) — also for rows later skipped;
//! - at the end, if r[max] > r[orig], the row is rewritten (or inserted).
//!
//! DROP TABLE deletes the table's row.

use super::Builder;
use crate::schema::Table;
use crate::value::Value;
use crate::vdbe::{Op, P4};
use crate::storage::record::Collation;

pub const SEQUENCE_TABLE: &str = "sqlite_sequence";
pub const SEQUENCE_SQL: &str = "CREATE TABLE sqlite_sequence(name,seq)";

/// Registers of an INSERT's AUTOINCREMENT state.
#[derive(Clone, Copy, Debug)]
pub struct AutoInc {
    pub max: usize,
    orig: usize,
    seq_rowid: usize,
    name: usize,
    seq_root: u32,
}

impl Builder<'_> {
    /// Loads the table's sequence value (None when `t` is not AUTOINCREMENT
    /// or sqlite_sequence is missing).
    pub fn autoinc_begin(&mut self, t: &Table) -> Option<AutoInc> {
        if !t.autoinc {
            return None;
        }
        let seq = self.schema.table(SEQUENCE_TABLE)?.clone();
        let (max, orig, seq_rowid, name) = (self.reg(), self.reg(), self.reg(), self.reg());
        self.load_value(&Value::Text(t.name.clone()), name);
        self.op(Op::Null, 0, seq_rowid as i32, 0);
        self.op(Op::Integer, 0, max as i32, 0);
        let c = self.cursor();
        self.op(Op::OpenRead, c, seq.root as i32, 0);
        let empty = self.op(Op::Rewind, c, 0, 0);
        let top = self.here();
        let (n, eq) = (self.reg(), self.reg());
        self.op(Op::Column, c, 0, n as i32);
        self.emit(Op::Eq, n as i32, name as i32, eq as i32, P4::Coll(Collation::Binary), 0);
        let next = self.op(Op::IfNot, eq as i32, 0, 1);
        self.op(Op::Rowid, c, seq_rowid as i32, 0);
        self.op(Op::Column, c, 1, max as i32);
        self.op(Op::MemMax, max as i32, 0, 0);
        let done = self.op(Op::Goto, 0, 0, 0);
        self.patch(next);
        self.op(Op::Next, c, top, 0);
        self.patch(empty);
        self.patch(done);
        self.op(Op::Copy, max as i32, orig as i32, 0);
        Some(AutoInc { max, orig, seq_rowid, name, seq_root: seq.root })
    }

    /// Writes the sequence back if it grew.
    pub fn autoinc_end(&mut self, a: AutoInc) {
        let same = self.op(Op::Le, a.max as i32, a.orig as i32, 0);
        let le = self.reg();
        self.insns[same].p3 = le as i32;
        let skip = self.op(Op::If, le as i32, 0, 0);
        let c = self.cursor();
        self.op(Op::OpenWrite, c, a.seq_root as i32, 0);
        let have = self.op(Op::NotNull, a.seq_rowid as i32, 0, 0);
        self.op(Op::NewRowid, c, a.seq_rowid as i32, 0);
        self.patch(have);
        let rec = self.regs(2);
        self.op(Op::Copy, a.name as i32, rec as i32, 0);
        self.op(Op::Copy, a.max as i32, (rec + 1) as i32, 0);
        let r = self.reg();
        self.op(Op::MakeRecord, rec as i32, 2, r as i32);
        self.op(Op::Insert, c, r as i32, a.seq_rowid as i32);
        self.patch(skip);
    }

    /// DROP TABLE of an AUTOINCREMENT table: its sqlite_sequence row goes.
    pub fn autoinc_drop(&mut self, t: &Table) {
        let Some(seq) = self.schema.table(SEQUENCE_TABLE).cloned() else { return };
        if !t.autoinc {
            return;
        }
        let c = self.cursor();
        self.op(Op::OpenWrite, c, seq.root as i32, 0);
        let name = self.reg();
        self.load_value(&Value::Text(t.name.clone()), name);
        let empty = self.op(Op::Rewind, c, 0, 0);
        let top = self.here();
        let (n, eq) = (self.reg(), self.reg());
        self.op(Op::Column, c, 0, n as i32);
        self.emit(Op::Eq, n as i32, name as i32, eq as i32, P4::Coll(Collation::Binary), 0);
        let keep = self.op(Op::IfNot, eq as i32, 0, 1);
        self.op(Op::Delete, c, 0, 0);
        self.patch(keep);
        self.op(Op::Next, c, top, 0);
        self.patch(empty);
    }
}
