//! CONTRACT SKELETON — the SQL helper implements this (and may move the
//! bodies into other modules), keeping these public signatures, which
//! `rust/wasm` and the tests use.

use crate::error::Result;
use crate::value::Value;
use crate::vfs::Vfs;
use std::rc::Rc;

/// sqlite3_open_v2 flags (same bit values as SQLite).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFlags(pub i32);

impl OpenFlags {
    pub const READONLY: i32 = 0x01;
    pub const READWRITE: i32 = 0x02;
    pub const CREATE: i32 = 0x04;
    pub const URI: i32 = 0x40;
    pub const MEMORY: i32 = 0x80;
    pub fn default_rwc() -> OpenFlags {
        OpenFlags(Self::READWRITE | Self::CREATE)
    }
}

/// A prepared statement's handle inside its connection (never 0).
pub type StmtId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepResult {
    Row,
    Done,
}

pub struct Connection {
    _private: (),
}

impl Connection {
    /// Opens the database at `path` (":memory:" for a private in-memory db).
    pub fn open(vfs: Rc<dyn Vfs>, path: &str, flags: OpenFlags) -> Result<Connection> { let _ = (vfs, path, flags); todo!() }
    /// Compiles the first statement of `sql`. Returns None when `sql` holds
    /// only whitespace/comments, plus the byte offset where the rest begins.
    pub fn prepare(&mut self, sql: &str) -> Result<(Option<StmtId>, usize)> { let _ = sql; todo!() }
    /// Binds parameter `idx` (1-based) of `stmt`.
    pub fn bind(&mut self, stmt: StmtId, idx: usize, v: Value) -> Result<()> { let _ = (stmt, idx, v); todo!() }
    pub fn clear_bindings(&mut self, stmt: StmtId) -> Result<()> { let _ = stmt; todo!() }
    /// Number of parameters (the largest index used).
    pub fn param_count(&self, stmt: StmtId) -> usize { let _ = stmt; todo!() }
    /// Name of parameter `idx` (1-based) with its prefix (":a", "@a", "$a",
    /// "?5"), or None for a plain "?".
    pub fn param_name(&self, stmt: StmtId, idx: usize) -> Option<&str> { let _ = (stmt, idx); todo!() }
    /// Runs until the next row or the end.
    pub fn step(&mut self, stmt: StmtId) -> Result<StepResult> { let _ = stmt; todo!() }
    /// The current row after `step` returned Row.
    pub fn row(&self, stmt: StmtId) -> &[Value] { let _ = stmt; todo!() }
    pub fn column_count(&self, stmt: StmtId) -> usize { let _ = stmt; todo!() }
    pub fn column_name(&self, stmt: StmtId, i: usize) -> &str { let _ = (stmt, i); todo!() }
    /// Declared type of result column `i` when it is a table column.
    pub fn column_decltype(&self, stmt: StmtId, i: usize) -> Option<&str> { let _ = (stmt, i); todo!() }
    /// True if the statement makes no direct changes (sqlite3_stmt_readonly).
    pub fn stmt_readonly(&self, stmt: StmtId) -> bool { let _ = stmt; todo!() }
    pub fn reset(&mut self, stmt: StmtId) -> Result<()> { let _ = stmt; todo!() }
    pub fn finalize(&mut self, stmt: StmtId) -> Result<()> { let _ = stmt; todo!() }
    /// Runs every statement of `sql`, discarding rows.
    pub fn exec(&mut self, sql: &str) -> Result<()> { let _ = sql; todo!() }
    /// Rows changed by the last INSERT/UPDATE/DELETE.
    pub fn changes(&self) -> i64 { todo!() }
    pub fn total_changes(&self) -> i64 { todo!() }
    pub fn last_insert_rowid(&self) -> i64 { todo!() }
    pub fn is_autocommit(&self) -> bool { todo!() }
    pub fn set_busy_timeout(&mut self, ms: i32) { let _ = ms; todo!() }
    /// Installs the interrupt probe the VM calls every few thousand
    /// instructions; when it returns true the statement fails with
    /// SQLITE_INTERRUPT.
    pub fn set_interrupt_probe(&mut self, probe: Box<dyn FnMut() -> bool>) { let _ = probe; todo!() }
    /// Finalizes all statements, rolls back any open transaction, releases locks.
    pub fn close(self) -> Result<()> { todo!() }
}
