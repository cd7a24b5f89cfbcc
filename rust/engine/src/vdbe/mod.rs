//! The virtual machine: a register-based bytecode interpreter in the spirit
//! of SQLite's VDBE. `opcode` defines the instruction set once, `program`
//! holds compiled statements and renders EXPLAIN, `cursor` the cursor kinds,
//! `exec` runs a program one row at a time.
//!
//! Connection-wide state the VM reads and writes (transaction flags,
//! change counters, schema) is `DbState`, owned by the connection and lent
//! to the VM for each step.

pub mod cursor;
pub mod exec;
pub mod fkey;
pub mod opcode;
pub mod pragma_rows;
pub mod program;
mod vacuum;
pub mod window;

use crate::schema::Schema;
use crate::vfs::Vfs;
use std::rc::Rc;

pub use exec::Vm;
pub use opcode::Op;
pub use program::{ColumnMeta, Insn, Program, P4};

/// Connection state shared by every statement of a connection.
pub struct DbState {
    pub schema: Rc<Schema>,
    pub autocommit: bool,
    pub last_insert_rowid: i64,
    pub changes: i64,
    pub total_changes: i64,
    pub interrupt: Option<Box<dyn FnMut() -> bool>>,
    pub vfs: Rc<dyn Vfs>,
    pub read_only: bool,
    pub busy_timeout: i32,
    /// Open SAVEPOINTs, outermost first; b-tree savepoint level k+1 is
    /// `savepoints[k]`, statement savepoints sit just above them.
    pub savepoints: Vec<String>,
    /// The transaction was opened by SAVEPOINT (RELEASE of the outermost
    /// savepoint commits it).
    pub savepoint_txn: bool,
    /// TEMP views of this connection (never written to the file), kept
    /// across schema reloads: `install_schema` adds them to every schema.
    pub temp_views: Vec<Rc<crate::schema::View>>,
    /// FOREIGN KEY pragmas and deferred-violation counter.
    pub fk: fkey::FkState,
    /// File name of the main database ("" for an in-memory one), as
    /// PRAGMA database_list shows it.
    pub main_file: String,
    /// A TEMP object was created on this connection: SQLite has opened its
    /// `temp` database, which PRAGMA database_list then lists (for good).
    pub temp_used: bool,
}

impl DbState {
    /// Makes `s` (just read from the file) the current schema, with this
    /// connection's TEMP views added.
    pub fn install_schema(&mut self, mut s: Schema) {
        s.foreign_keys = self.fk.enabled;
        for v in &self.temp_views {
            s.temp_views.insert(v.name.to_ascii_lowercase());
            s.views.insert(v.name.to_ascii_lowercase(), v.clone());
        }
        self.schema = Rc::new(s);
    }
}

/// Comparison flags carried in P5 of Eq..Ge.
pub mod cmp_flags {
    /// Low bits: affinity applied to both operands (0 none, 1 text, 2 numeric).
    pub const AFF_MASK: u16 = 0x0f;
    pub const AFF_TEXT: u16 = 1;
    pub const AFF_NUMERIC: u16 = 2;
    /// IS / IS NOT: NULL compares equal to NULL, result never NULL.
    pub const NULLEQ: u16 = 0x10;
}

/// Affinity numbering used by Cast's P2.
pub fn affinity_from_num(n: i32) -> crate::value::affinity::Affinity {
    use crate::value::affinity::Affinity::*;
    match n {
        1 => Text,
        2 => Numeric,
        3 => Integer,
        4 => Real,
        _ => Blob,
    }
}

pub fn affinity_num(a: crate::value::affinity::Affinity) -> i32 {
    use crate::value::affinity::Affinity::*;
    match a {
        Blob => 0,
        Text => 1,
        Numeric => 2,
        Integer => 3,
        Real => 4,
    }
}
