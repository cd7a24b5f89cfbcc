//! Run-time state of FOREIGN KEY enforcement (SQLite's fkey.c counters).
//!
//! - `enabled` is PRAGMA foreign_keys; the compiler reads it (through
//!   `Schema::foreign_keys`) and codes FK checks only when it is on. A write
//!   statement records the setting it was compiled with in its Transaction
//!   op (P5), which reports SQLITE_SCHEMA when it changed so the statement is
//!   recompiled, as SQLite expires statements when the pragma changes.
//! - `defer` is PRAGMA defer_foreign_keys: every violation counts as
//!   deferred; switched off at every COMMIT and ROLLBACK.
//! - `deferred` counts outstanding deferred violations of the open
//!   transaction; a commit (COMMIT, RELEASE of the transaction's savepoint,
//!   or the end of an autocommit statement) fails with
//!   SQLITE_CONSTRAINT_FOREIGNKEY while it is > 0, leaving the transaction
//!   open. Immediate violations are counted per statement (`Vm::fk_stmt`)
//!   and checked when the statement halts.
//! - `savepoint_counts[k]` is `deferred` when savepoint k+1 was opened
//!   (ROLLBACK TO restores it); a failing statement restores the value it
//!   started with.

/// Message of every FK violation SQLite reports.
pub const FK_FAILED: &str = "FOREIGN KEY constraint failed";

#[derive(Clone, Debug, Default)]
pub struct FkState {
    pub enabled: bool,
    pub defer: bool,
    pub deferred: i64,
    pub savepoint_counts: Vec<i64>,
}

impl FkState {
    /// The transaction ended (COMMIT or ROLLBACK).
    pub fn end_transaction(&mut self) {
        self.deferred = 0;
        self.defer = false;
        self.savepoint_counts.clear();
    }
}
